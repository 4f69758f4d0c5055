/*
 * Buffers kept for reuse, and given back.  Every BUF_POOL_TRIM_MS, while
 * the pool owns buffers, those that stayed in it the whole interval (its
 * low mark) go back to kmalloc: under a steady load the pool keeps what
 * the load cycles through, with no allocation per packet, and once the
 * load has gone it empties.  While memory is short (net_mem_pressure) it
 * neither grows nor keeps what comes back: it must not hold what TCP needs
 * to make progress.  Buffers come back wherever an skb is freed, so the
 * lists are guarded like the rest of the receive path's shared state.
 */
#include "net/buf_pool.h"

static void buf_pool_trim(struct timer_list *t)
{
	struct buf_pool *p = container_of(t, struct buf_pool, trim);
	void *spare[BUF_POOL_MAX];
	unsigned long flags = net_irq_save();
	int n = p->low, i, again;

	for (i = 0; i < n; i++)
		spare[i] = p->free[--p->nfree];
	p->owned -= n;
	p->low = p->nfree;
	again = p->owned > 0;
	net_irq_restore(flags);
	for (i = 0; i < n; i++)
		kfree(spare[i]);
	if (again)
		mod_timer(t, jiffies_ms() + BUF_POOL_TRIM_MS);
}

void *buf_pool_get(struct buf_pool *p)
{
	unsigned long flags = net_irq_save();
	void *buf = NULL;

	if (p->nfree) {
		buf = p->free[--p->nfree];
		if (p->nfree < p->low)
			p->low = p->nfree;
	} else if (p->owned < p->max && !net_mem_pressure()) {
		p->owned++; /* the slot is taken before the allocation */
		net_irq_restore(flags);
		buf = kmalloc(p->size);
		flags = net_irq_save();
		if (!buf) {
			p->owned--;
		} else if (!timer_pending(&p->trim)) {
			if (!p->trim.function)
				timer_setup(&p->trim, buf_pool_trim);
			mod_timer(&p->trim, jiffies_ms() + BUF_POOL_TRIM_MS);
		}
	}
	net_irq_restore(flags);
	return buf;
}

void buf_pool_put(struct buf_pool *p, void *buf)
{
	unsigned long flags = net_irq_save();

	if (net_mem_pressure()) {
		p->owned--;
		net_irq_restore(flags);
		kfree(buf);
		return;
	}
	p->free[p->nfree++] = buf;
	net_irq_restore(flags);
}
