/* The register frame saved by kernel/entry.S on every interrupt and exception. */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define IRQ_VECTOR_BASE 0x20 /* first vector for device interrupts */
#define VECTOR_TIMER	0x20
#define VECTOR_SPURIOUS 0xff

void idt_init(void);
void gdt_init(void);
void trap_dispatch(struct trap_frame *tf);
/* Installs fn on vector; returns 0 or -EBUSY. */
int trap_set_handler(int vector, void (*fn)(struct trap_frame *tf, void *arg), void *arg,
		     const char *name);
int trap_alloc_vector(void);
void dump_backtrace(uint64_t rbp, uint64_t rip);
/* Prints every register in tf and the control registers. */
void dump_frame(const struct trap_frame *tf);
/* Name of the function containing addr, and the offset into it; NULL if unknown. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

#endif
