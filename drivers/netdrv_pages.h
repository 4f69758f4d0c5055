/*
 * The NIC drivers' receive pages: one page per receive descriptor, taken
 * from a small cache of pages that came back from freed skbs when it has
 * one (netdrv_pages.c says why and how it is bounded), else from
 * page_alloc.  Apart from drivers/netdrv.h so that host unit tests
 * (tests/unit/test_netdrv_pages.c) link it alone.
 */
#ifndef DRIVERS_NETDRV_PAGES_H
#define DRIVERS_NETDRV_PAGES_H

#define NETDRV_RX_PAGE_ORDER 0	  /* receive buffers are single pages */
#define NETDRV_PAGE_CACHE    64	  /* the most pages the cache keeps */
#define NETDRV_PAGE_TRIM_MS  1000 /* how often unused pages are given back */

/* A receive page, or NULL.  Not zeroed: it may hold an earlier frame. */
void *netdrv_rx_page_alloc(void);
/* A receive page back: kept for reuse, or to the page allocator. */
void netdrv_rx_page_free(void *page);
/* Pages the cache holds now (for tests and counters). */
int netdrv_rx_pages_cached(void);

#endif
