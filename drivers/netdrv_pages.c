/*
 * Receive pages kept for reuse (contract in drivers/netdrv.h).
 *
 * Every frame a NIC receives leaves its page in an skb, and the ring gets
 * a fresh page in its place.  From page_alloc that costs a scan of the
 * page bitmap and the zeroing of 4 KiB per frame; under QEMU's TCG, taking
 * a returned page from this stack instead saved about 6% of the vCPU time
 * of an e1000 bulk receive (vCPU seconds per 64 MiB pushed, medians of 6
 * and 9 alternating runs).
 * A returned page need not be zeroed again: a device writes every byte of
 * a frame before an skb exposes it, and nothing reads the rest of the page.
 *
 * Bounded as net/buf_pool.c bounds its buffers: at most NETDRV_PAGE_CACHE
 * pages, none kept while memory is short, and every NETDRV_PAGE_TRIM_MS
 * the pages that stayed in the cache the whole interval (its low mark) go
 * back to the page allocator, so that once the load has gone it empties.
 * Pages come back wherever an skb is freed: the stack is guarded with
 * interrupts off.
 */
#include "drivers/netdrv_pages.h"
#include "kernel/mm.h"
#include "net/platform.h"

static struct {
	void *page[NETDRV_PAGE_CACHE];
	int n;	 /* pages in page[] */
	int low; /* the least n since the last trim */
	struct timer_list trim;
} cache;

static void netdrv_page_trim(struct timer_list *t)
{
	void *spare[NETDRV_PAGE_CACHE];
	unsigned long flags = net_irq_save();
	int n = cache.low, again;

	for (int i = 0; i < n; i++)
		spare[i] = cache.page[--cache.n];
	cache.low = cache.n;
	again = cache.n > 0;
	net_irq_restore(flags);
	for (int i = 0; i < n; i++)
		page_free(spare[i], NETDRV_RX_PAGE_ORDER);
	if (again)
		mod_timer(t, jiffies_ms() + NETDRV_PAGE_TRIM_MS);
}

void *netdrv_rx_page_alloc(void)
{
	unsigned long flags = net_irq_save();
	void *page = NULL;

	if (cache.n) {
		page = cache.page[--cache.n];
		if (cache.n < cache.low)
			cache.low = cache.n;
	}
	net_irq_restore(flags);
	return page ? page : page_alloc(NETDRV_RX_PAGE_ORDER);
}

void netdrv_rx_page_free(void *page)
{
	unsigned long flags = net_irq_save();

	if (cache.n < NETDRV_PAGE_CACHE && !net_mem_pressure()) {
		cache.page[cache.n++] = page;
		if (!timer_pending(&cache.trim)) {
			if (!cache.trim.function)
				timer_setup(&cache.trim, netdrv_page_trim);
			mod_timer(&cache.trim, jiffies_ms() + NETDRV_PAGE_TRIM_MS);
		}
		page = NULL;
	}
	net_irq_restore(flags);
	if (page)
		page_free(page, NETDRV_RX_PAGE_ORDER);
}

int netdrv_rx_pages_cached(void)
{
	unsigned long flags = net_irq_save();
	int n = cache.n;

	net_irq_restore(flags);
	return n;
}
