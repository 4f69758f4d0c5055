/*
 * The sorted queue of kernel timers.  A timer that expires last goes to the
 * tail at once: TIME-WAIT's 2*MSL is the longest timer the stack arms, and a
 * server that closes first holds thousands of them (one per connection of
 * the last two minutes), so a walk from the head cost it the whole queue per
 * connection.  Any other timer is placed by a walk from the head, past the
 * few that expire before it (retransmission and delayed-ACK timers expire
 * well before the TIME-WAIT ones).
 */
#include "kernel/timer_queue.h"

void timer_queue_add(struct list_head *queue, struct timer_list *t)
{
	struct list_head *pos = queue;

	if (!list_empty(queue) &&
	    list_entry(queue->prev, struct timer_list, entry)->expires > t->expires) {
		list_for_each (pos, queue) {
			if (list_entry(pos, struct timer_list, entry)->expires > t->expires)
				break;
		}
	}
	list_add_tail(&t->entry, pos);
}
