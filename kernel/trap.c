/*
 * The IDT, exception reports and device interrupt dispatch.
 * An exception in the kernel is fatal: we print what a reader needs to find
 * the bug (exception, error code, every register, CR2, a symbolic
 * backtrace) and halt.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include "kernel/trap.h"
#include "kernel/kernel.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/irq.h"
#include "kernel/paging.h"
#include "kernel/sched.h"

struct idt_entry {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t zero;
} __attribute__((packed));

extern const uint64_t isr_stub_table[256];
static struct idt_entry idt[256] __attribute__((aligned(16)));

struct vector_slot {
	void (*fn)(struct trap_frame *tf, void *arg);
	void *arg;
	const char *name;
	uint64_t count;
};
static struct vector_slot vectors[256];

static const char *const exception_names[32] = {
	"Divide error (#DE)",
	"Debug (#DB)",
	"NMI",
	"Breakpoint (#BP)",
	"Overflow (#OF)",
	"BOUND range exceeded (#BR)",
	"Invalid opcode (#UD)",
	"Device not available (#NM)",
	"Double fault (#DF)",
	"Coprocessor segment overrun",
	"Invalid TSS (#TS)",
	"Segment not present (#NP)",
	"Stack-segment fault (#SS)",
	"General protection (#GP)",
	"Page fault (#PF)",
	"Reserved 15",
	"x87 floating-point (#MF)",
	"Alignment check (#AC)",
	"Machine check (#MC)",
	"SIMD floating-point (#XM)",
	"Virtualization (#VE)",
	"Control protection (#CP)",
	"Reserved 22",
	"Reserved 23",
	"Reserved 24",
	"Reserved 25",
	"Reserved 26",
	"Reserved 27",
	"Hypervisor injection (#HV)",
	"VMM communication (#VC)",
	"Security (#SX)",
	"Reserved 31",
};

#define IDT_INTERRUPT_GATE 0x8e /* P, DPL0, 64-bit interrupt gate (IF cleared on entry) */
#define DOUBLE_FAULT_IST   1

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;

	for (int v = 0; v < 256; v++) {
		uint64_t a = isr_stub_table[v];
		idt[v].offset_lo = a & 0xffff;
		idt[v].selector = 0x08;
		idt[v].ist = v == 8 ? DOUBLE_FAULT_IST : 0;
		idt[v].type_attr = IDT_INTERRUPT_GATE;
		idt[v].offset_mid = (a >> 16) & 0xffff;
		idt[v].offset_hi = a >> 32;
		idt[v].zero = 0;
	}
	idtr.limit = sizeof(idt) - 1;
	idtr.base = (uint64_t)(uintptr_t)idt;
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

int trap_set_handler(int vector, void (*fn)(struct trap_frame *, void *), void *arg,
		     const char *name)
{
	if (vector < IRQ_VECTOR_BASE || vector > 255 || vectors[vector].fn)
		return -EBUSY;
	vectors[vector].arg = arg;
	vectors[vector].name = name;
	vectors[vector].fn = fn;
	return 0;
}

/* Device vectors are handed out from 0x30 up; 0x20 is the timer, 0xff spurious. */
int trap_alloc_vector(void)
{
	for (int v = 0x30; v < VECTOR_SPURIOUS; v++)
		if (!vectors[v].fn)
			return v;
	return -ENOSPC;
}

void irq_show(void)
{
	printf("vector  count       handler\n");
	for (int v = IRQ_VECTOR_BASE; v < 256; v++)
		if (vectors[v].fn)
			printf("0x%02x    %-10llu  %s\n", v, (unsigned long long)vectors[v].count,
			       vectors[v].name);
}

/* ---- symbols and backtraces ---- */

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addr[];
extern const uint32_t ksyms_name_off[];
extern const char ksyms_names[];
extern char _text_start[], _text_end[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	uint64_t lo = 0, hi = ksyms_count;

	if (ksyms_count == 0 || addr < ksyms_addr[0])
		return NULL;
	while (hi - lo > 1) { /* last symbol at or below addr */
		uint64_t mid = (lo + hi) / 2;
		if (ksyms_addr[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (offset)
		*offset = addr - ksyms_addr[lo];
	return ksyms_names + ksyms_name_off[lo];
}

static void print_addr(uint64_t a)
{
	uint64_t off;
	const char *name = ksym_lookup(a, &off);
	if (name)
		printk("  [<%016llx>] %s+0x%llx\n", (unsigned long long)a, name,
		       (unsigned long long)off);
	else
		printk("  [<%016llx>] ?\n", (unsigned long long)a);
}

static int is_text(uint64_t a)
{
	return a >= (uint64_t)(uintptr_t)_text_start && a < (uint64_t)(uintptr_t)_text_end;
}

/* Follows the frame-pointer chain (the kernel is built with -fno-omit-frame-pointer). */
void dump_backtrace(uint64_t rbp, uint64_t rip)
{
	printk("Backtrace:\n");
	print_addr(rip);
	for (int depth = 0; rbp && depth < 32; depth++) {
		uint64_t *frame = (uint64_t *)(uintptr_t)rbp;
		if (rbp & 7 || rbp < 0x1000)
			break;
		uint64_t ret = frame[1];
		if (!is_text(ret))
			break;
		print_addr(ret - 1); /* -1: the call, not the instruction after it */
		if (frame[0] <= rbp) /* stacks grow down: the chain must go up */
			break;
		rbp = frame[0];
	}
}

void dump_frame(const struct trap_frame *tf)
{
	uint64_t cr0, cr2, cr3, cr4;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));

	printk("RIP: %04llx:%016llx  RFLAGS: %016llx\n", (unsigned long long)tf->cs,
	       (unsigned long long)tf->rip, (unsigned long long)tf->rflags);
	printk("RSP: %04llx:%016llx\n", (unsigned long long)tf->ss, (unsigned long long)tf->rsp);
	printk("RAX: %016llx RBX: %016llx RCX: %016llx\n", (unsigned long long)tf->rax,
	       (unsigned long long)tf->rbx, (unsigned long long)tf->rcx);
	printk("RDX: %016llx RSI: %016llx RDI: %016llx\n", (unsigned long long)tf->rdx,
	       (unsigned long long)tf->rsi, (unsigned long long)tf->rdi);
	printk("RBP: %016llx R08: %016llx R09: %016llx\n", (unsigned long long)tf->rbp,
	       (unsigned long long)tf->r8, (unsigned long long)tf->r9);
	printk("R10: %016llx R11: %016llx R12: %016llx\n", (unsigned long long)tf->r10,
	       (unsigned long long)tf->r11, (unsigned long long)tf->r12);
	printk("R13: %016llx R14: %016llx R15: %016llx\n", (unsigned long long)tf->r13,
	       (unsigned long long)tf->r14, (unsigned long long)tf->r15);
	printk("CR0: %016llx CR2: %016llx CR3: %016llx CR4: %016llx\n", (unsigned long long)cr0,
	       (unsigned long long)cr2, (unsigned long long)cr3, (unsigned long long)cr4);
}

/*
 * What a page fault (or the double fault a stack overflow turns into: the
 * CPU cannot push the #PF frame on the overflowed stack, SDM 6.15) means,
 * from CR2 and the error code: a stack guard page, or a protection the
 * kernel's page tables set (kernel/paging.h).
 */
static void explain_fault(const struct trap_frame *tf, uint64_t cr2)
{
	struct task *t = task_by_stack_guard(cr2);
	const char *other = stack_guard_owner(cr2);

	if (tf->vector != 14 && tf->vector != 8)
		return;
	if (t) {
		printk("Kernel stack overflow in task %d (%s): it ran into the guard page under its "
		       "stack at 0x%016llx\n",
		       t->pid, t->name, (unsigned long long)(cr2 & ~0xfffULL));
	} else if (other) {
		printk("Kernel stack overflow: %s ran into its guard page at 0x%016llx\n", other,
		       (unsigned long long)(cr2 & ~0xfffULL));
	} else if (tf->vector == 14 && (tf->error_code & 0x11) == 0x11) {
		printk("Instruction fetch from a non-executable page (NX): code ran in data\n");
	} else if (tf->vector == 14 && (tf->error_code & 0x3) == 0x3) {
		printk("Write to a read-only page (CR0.WP): kernel text or read-only data\n");
	}
}

static void __attribute__((noreturn)) fatal_exception(struct trap_frame *tf)
{
	uint64_t cr2;
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	local_irq_disable();
	console_flush_on_panic(); /* the report must get out, whatever the terminal does */
	printk("\n*** KERNEL PANIC: %s, error code 0x%llx\n", exception_names[tf->vector],
	       (unsigned long long)tf->error_code);
	if (tf->vector == 14) /* SDM 4.7: error code bits P, W/R, U/S, RSVD, I/D */
		printk("Faulting address (CR2): 0x%016llx (%s, %s%s)\n", (unsigned long long)cr2,
		       tf->error_code & 1 ? "protection violation" : "page not present",
		       tf->error_code & 2 ? "write" : "read",
		       tf->error_code & 16 ? ", instruction fetch" : "");
	explain_fault(tf, cr2);
	dump_frame(tf);
	dump_backtrace(tf->rbp, tf->rip);
	printk("System halted.\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

void trap_dispatch(struct trap_frame *tf)
{
	uint64_t v = tf->vector;

	if (v < 32)
		fatal_exception(tf);
	if (v == VECTOR_SPURIOUS)
		return; /* spurious LAPIC interrupts need no EOI (SDM 10.9) */
	irq_enter();
	vectors[v].count++;
	if (vectors[v].fn)
		vectors[v].fn(tf, vectors[v].arg);
	lapic_eoi();
	irq_exit();
}
