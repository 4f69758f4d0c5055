/*
 * GDT and TSS for 64-bit mode (Intel SDM vol. 3A 3.4.5, 7.7).  Segmentation
 * is flat; the TSS exists only to give the double-fault handler a known-good
 * stack (IST1), so a stack overflow still produces a readable report.
 */
#include <stdint.h>
#include <string.h>
#include "kernel/trap.h"
#include "kernel/mm.h"

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3]; /* stacks for privilege changes (unused: ring 0 only) */
	uint64_t reserved1;
	uint64_t ist[7]; /* interrupt stack table */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

static uint64_t gdt[7];
static struct tss64 tss;
/* The double-fault stack, above a guard page (kernel/paging.c unmaps it). */
#define DF_STACK_SIZE 8192
static uint8_t double_fault_area[PAGE_SIZE + DF_STACK_SIZE] __attribute__((aligned(4096)));
void *const double_fault_guard = double_fault_area;

#define GDT_CODE64 0x00209a0000000000ULL /* P, DPL0, code, exec/read, L */
#define GDT_DATA   0x0000920000000000ULL /* P, DPL0, data, read/write */

void gdt_init(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr;

	memset(&tss, 0, sizeof(tss));
	tss.ist[0] = (uint64_t)(uintptr_t)(double_fault_area + sizeof(double_fault_area));
	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */

	gdt[0] = 0;
	gdt[1] = GDT_CODE64; /* selector 0x08 */
	gdt[2] = GDT_DATA;   /* selector 0x10 */
	/* 16-byte TSS descriptor (SDM 7.2.3), selector 0x18: type 9 = available 64-bit TSS */
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;

	gdtr.limit = sizeof(uint64_t) * 5 - 1;
	gdtr.base = (uint64_t)(uintptr_t)gdt;
	__asm__ volatile("lgdt %0\n\t"
			 "pushq $0x08\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw $0x10, %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 "movw $0x18, %%ax\n\t"
			 "ltr %%ax"
			 :
			 : "m"(gdtr)
			 : "rax", "memory");
}
