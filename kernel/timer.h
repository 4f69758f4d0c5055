/*
 * Time and kernel timers.
 * Time is integer milliseconds since boot (monotonic), plus TSC-based
 * nanoseconds for fine measurement.  Timer callbacks run in softirq
 * context (TIMER_SOFTIRQ), never in the interrupt handler itself.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdint.h>
#include "kernel/list.h"

uint64_t jiffies_ms(void); /* milliseconds since boot */
uint64_t ktime_ns(void);   /* nanoseconds since boot, TSC resolution */

struct timer_list {
	struct list_head entry;
	uint64_t expires; /* absolute time in ms (jiffies_ms() scale) */
	void (*function)(struct timer_list *t);
	int pending;
};

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *));
/* (Re)arms t to fire at absolute time `expires`; returns 1 if it was pending. */
int mod_timer(struct timer_list *t, uint64_t expires);
/* Disarms t; returns 1 if it was pending. */
int del_timer(struct timer_list *t);
static inline int timer_pending(const struct timer_list *t) { return t->pending; }

#endif
