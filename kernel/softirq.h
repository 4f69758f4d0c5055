/*
 * Softirqs: deferred work run after an interrupt returns (or when
 * local_bh_enable drops the last disable), with interrupts enabled.
 * While bottom halves are disabled the current task is also not preempted,
 * which is how task-context code serialises with the network stack.
 */
#ifndef KERNEL_SOFTIRQ_H
#define KERNEL_SOFTIRQ_H

enum { TIMER_SOFTIRQ, NET_TX_SOFTIRQ, NET_RX_SOFTIRQ, NR_SOFTIRQS };

void open_softirq(int nr, void (*action)(void));
void raise_softirq(int nr); /* safe from interrupt handlers */
void local_bh_disable(void);
void local_bh_enable(void); /* runs pending softirqs at the outermost level */
int in_softirq(void);

#endif
