/*
 * Softirqs and the preemption count.
 * preempt_count holds three nesting depths: preemption disabled (bits 0-7),
 * bottom halves disabled or a softirq running (bits 8-15), and hard
 * interrupt (bits 16-23).  Softirqs run when the count drops to zero: at
 * the end of an interrupt, or at the outermost local_bh_enable.
 */
#include <stdint.h>
#include "kernel/kernel.h"
#include "kernel/softirq.h"
#include "kernel/sched.h"
#include "kernel/irq.h"

#define PREEMPT_OFFSET 0x1
#define SOFTIRQ_OFFSET 0x100
#define HARDIRQ_OFFSET 0x10000
#define SOFTIRQ_MASK   0xff00
#define HARDIRQ_MASK   0xff0000
#define MAX_RESTARTS   10 /* then leave the rest to the next interrupt */

volatile unsigned int preempt_count;
volatile int need_resched;
static volatile uint32_t pending;
static void (*actions[NR_SOFTIRQS])(void);
static uint64_t softirq_runs[NR_SOFTIRQS];

void softirq_init(void) { preempt_count = 0; }

void open_softirq(int nr, void (*action)(void)) { actions[nr] = action; }

void raise_softirq(int nr)
{
	unsigned long f = irq_save();
	pending |= 1u << nr;
	irq_restore(f);
}

int in_softirq(void) { return (preempt_count & SOFTIRQ_MASK) != 0; }
int in_interrupt(void) { return (preempt_count & (SOFTIRQ_MASK | HARDIRQ_MASK)) != 0; }

/* Called with interrupts disabled; runs the actions with them enabled. */
static void do_softirq(void)
{
	int restarts = 0;
	uint32_t p;

	if (preempt_count || !pending)
		return;
	preempt_count += SOFTIRQ_OFFSET;
	while ((p = pending) != 0 && restarts++ < MAX_RESTARTS) {
		pending = 0;
		local_irq_enable();
		for (int nr = 0; nr < NR_SOFTIRQS; nr++) {
			if ((p & (1u << nr)) && actions[nr]) {
				softirq_runs[nr]++;
				actions[nr]();
			}
		}
		local_irq_disable();
	}
	preempt_count -= SOFTIRQ_OFFSET;
}

void irq_enter(void) { preempt_count += HARDIRQ_OFFSET; }

/* Interrupts are disabled here (we are at the end of an interrupt gate). */
void irq_exit(void)
{
	preempt_count -= HARDIRQ_OFFSET;
	do_softirq();
	if (preempt_count == 0 && need_resched)
		schedule();
}

void local_bh_disable(void)
{
	unsigned long f = irq_save();
	preempt_count += SOFTIRQ_OFFSET;
	irq_restore(f);
}

void local_bh_enable(void)
{
	unsigned long f = irq_save();
	preempt_count -= SOFTIRQ_OFFSET;
	do_softirq();
	irq_restore(f);
	if (preempt_count == 0 && need_resched && (f & 0x200))
		schedule();
}

void preempt_disable(void)
{
	unsigned long f = irq_save();
	preempt_count += PREEMPT_OFFSET;
	irq_restore(f);
}

void preempt_enable(void)
{
	unsigned long f = irq_save();
	preempt_count -= PREEMPT_OFFSET;
	irq_restore(f);
	if (preempt_count == 0 && need_resched && (f & 0x200))
		schedule();
}
