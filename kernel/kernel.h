/* Initialisation order and the glue between kernel/ modules (see kmain). */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdint.h>
#include "drivers/fbcon.h"

/* e820 numbering, which multiboot2 and PVH use too */
#define BOOT_MEM_USABLE	      1
#define BOOT_MEM_RESERVED     2
#define BOOT_MEM_ACPI_RECLAIM 3
#define BOOT_MEM_ACPI_NVS     4
#define BOOT_MEM_UNUSABLE     5

struct boot_mmap_entry {
	uint64_t addr, len;
	uint32_t type; /* BOOT_MEM_* */
};

/*
 * What kmain learned from the boot protocol (multiboot2 or PVH), copied out
 * of the boot loader's memory (kernel/bootinfo.c): the memory map is sorted
 * by address, with neighbouring ranges of one type merged.
 */
struct boot_info {
	const char *protocol;
	char loader[64]; /* the boot loader's name, if it gave one */
	char cmdline[1024];
	struct boot_mmap_entry mmap[128];
	int mmap_count;
	int mmap_dropped;	 /* ranges that did not fit in mmap[] */
	const char *mmap_source; /* "e820", "EFI" */
	uint64_t rsdp;		 /* physical address of the ACPI RSDP, 0 if unknown */
	struct framebuffer fb;	 /* fb.phys == 0: none */
};
extern struct boot_info boot_info_parsed;

/* Fills *bi from the boot entry's registers; -EINVAL for an unknown magic. */
int boot_info_parse(struct boot_info *bi, uint32_t magic, uint64_t info);
void boot_info_show(const struct boot_info *bi); /* the memory map, as Linux prints e820 */
uint32_t efi_mem_type_to_boot(uint32_t efi_type, uint64_t attribute);

void mm_init(const struct boot_info *bi);
void cmdline_init(const char *s);
void acpi_init(uint64_t rsdp);
void apic_init(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
void time_init(void);
void timer_tick(void); /* from the LAPIC timer interrupt */
void run_timers(void); /* TIMER_SOFTIRQ */
void sched_init(void);
void sched_tick(void); /* from the timer interrupt: time slice accounting */
void softirq_init(void);
void irq_exit(void); /* after a device/timer interrupt: softirqs, preemption */
void irq_enter(void);
int in_interrupt(void);
void idle_loop(void) __attribute__((noreturn));

/* ACPI facts other modules need. */
struct acpi_info {
	uint64_t lapic_addr;
	int ioapic_count;
	struct {
		uint32_t addr, gsi_base;
		uint8_t id;
	} ioapic[4];
	/* ISA IRQ -> GSI and flags, from MADT interrupt source overrides */
	uint32_t isa_gsi[16];
	uint16_t isa_flags[16];
	uint8_t isa_override[16]; /* the MADT had an override for this IRQ */
	uint32_t pm1a_cnt, pm1b_cnt;
	uint16_t slp_typ_s5; /* SLP_TYPa for S5 */
	int have_s5;
	uint8_t reset_space; /* FADT reset register (0 = memory, 1 = I/O) */
	uint64_t reset_addr;
	uint8_t reset_value;
	int have_reset;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
};
extern struct acpi_info acpi;

/* kernel/stackprotector.c: the canary gets its random value (first thing in kmain). */
void stack_protector_init(void);

#endif
