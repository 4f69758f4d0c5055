/* Wait queues (kernel/wait.h). */
#include <errno.h>
#include "kernel/wait.h"
#include "kernel/sched.h"
#include "kernel/irq.h"
#include "kernel/timer.h"

struct wait_entry {
	struct list_head node;
	struct task *task;
};

void init_waitqueue_head(wait_queue_head_t *wq) { INIT_LIST_HEAD(&wq->waiters); }

void wake_up(wait_queue_head_t *wq)
{
	unsigned long f = irq_save();
	struct list_head *pos;
	list_for_each (pos, &wq->waiters)
		sched_wake(list_entry(pos, struct wait_entry, node)->task);
	irq_restore(f);
}

/*
 * The condition is tested with interrupts off, and the task is queued
 * before interrupts come back on (inside schedule), so a wake_up from an
 * interrupt or softirq cannot slip between the test and the sleep.
 */
int wait_event_cond(wait_queue_head_t *wq, int (*cond)(void *), void *arg, long timeout_ms)
{
	uint64_t deadline = timeout_ms >= 0 ? jiffies_ms() + (uint64_t)timeout_ms : 0;
	struct wait_entry e = {.task = current};
	int ret;

	for (;;) {
		unsigned long f = irq_save();
		if (cond(arg))
			ret = 1;
		else if (current->sigint)
			ret = -EINTR;
		else if (timeout_ms >= 0 && jiffies_ms() >= deadline)
			ret = 0;
		else
			ret = 2;
		if (ret != 2) {
			irq_restore(f);
			return ret;
		}
		list_add_tail(&e.node, &wq->waiters);
		/* here deadline > now >= 0, so it cannot be read as "no timeout" (0) */
		sched_sleep(timeout_ms >= 0 ? deadline : 0);
		list_del(&e.node);
		irq_restore(f);
	}
}
