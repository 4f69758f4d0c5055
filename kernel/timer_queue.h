/*
 * The queue of pending kernel timers (kernel/time.c): a list sorted by
 * expiry, so that the tick looks at its head only.
 */
#ifndef KERNEL_TIMER_QUEUE_H
#define KERNEL_TIMER_QUEUE_H

#include "kernel/list.h"
#include "kernel/timer.h"

/* Adds t (not queued) by t->expires, after the timers that expire at the same time. */
void timer_queue_add(struct list_head *queue, struct timer_list *t);

#endif
