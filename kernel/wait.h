/*
 * Wait queues: a task sleeps on one until a condition holds, a timeout
 * passes, or it is interrupted (Ctrl-C on the console for the foreground task).
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include "kernel/list.h"

typedef struct wait_queue_head {
	struct list_head waiters;
} wait_queue_head_t;

void init_waitqueue_head(wait_queue_head_t *wq);
/* Wakes every task sleeping on wq (they re-check their condition). */
void wake_up(wait_queue_head_t *wq);

/*
 * Sleeps on wq until cond(arg) is true.  timeout_ms < 0 means forever.
 * Returns 1 when cond became true, 0 on timeout, -EINTR when interrupted.
 * Safe against a wake_up between the check and the sleep.
 */
int wait_event_cond(wait_queue_head_t *wq, int (*cond)(void *), void *arg, long timeout_ms);

#endif
