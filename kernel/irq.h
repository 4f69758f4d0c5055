/*
 * Interrupts: enabling/disabling on this CPU, and device interrupt handlers.
 * A handler runs in interrupt context with interrupts off: it must only
 * acknowledge the device and defer work (raise_softirq), never sleep.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <stdint.h>

static inline unsigned long irq_save(void)
{
	unsigned long f;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f) : : "memory");
	return f;
}
static inline void irq_restore(unsigned long f)
{
	if (f & 0x200)
		__asm__ volatile("sti" : : : "memory");
}
static inline void local_irq_enable(void) { __asm__ volatile("sti" : : : "memory"); }
static inline void local_irq_disable(void) { __asm__ volatile("cli" : : : "memory"); }

typedef void (*irq_handler_t)(void *arg);

/*
 * Routes global system interrupt `gsi` (an ISA IRQ is translated through the
 * MADT overrides; PCI INTx lines are level-triggered, active-low) to handler.
 * Returns the vector, or a negative errno.
 */
int irq_request_gsi(unsigned gsi, int level_low, irq_handler_t fn, void *arg, const char *name);
int irq_request_isa(unsigned isa_irq, irq_handler_t fn, void *arg, const char *name);
/* Allocates a vector for MSI/MSI-X; *addr and *data are what the device must write. */
int irq_request_msi(irq_handler_t fn, void *arg, const char *name, uint64_t *addr, uint32_t *data);

/* Per-vector interrupt counts, printed by the `irq` shell command. */
void irq_show(void);

#endif
