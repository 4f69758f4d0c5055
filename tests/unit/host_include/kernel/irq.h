/*
 * Host stand-in for kernel/irq.h, used by tests that compile kernel/ code
 * for the host: a user process cannot (and need not) mask interrupts.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

static inline unsigned long irq_save(void) { return 0; }
static inline void irq_restore(unsigned long f) { (void)f; }

#endif
