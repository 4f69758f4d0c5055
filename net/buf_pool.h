/*
 * A pool of same-sized kmalloc buffers kept for reuse, for the receive
 * paths whose buffers are too large to allocate per packet (GRO's merge
 * buffers, virtio-net's multi-buffer blocks): it grows on demand up to
 * `max` buffers, not while memory is short, and gives back what it no
 * longer needs (buf_pool.c says how).  Safe from any context.
 */
#ifndef NET_BUF_POOL_H
#define NET_BUF_POOL_H

#include <stddef.h>
#include "net/platform.h"

#define BUF_POOL_MAX	 128  /* the most buffers a pool may own */
#define BUF_POOL_TRIM_MS 1000 /* how often unused buffers are given back */

struct buf_pool {
	size_t size;
	int max;   /* buffers the pool may own, kept or lent */
	int owned; /* buffers it owns now */
	int nfree; /* of which kept in free[] */
	int low;   /* the least nfree since the last trim */
	void *free[BUF_POOL_MAX];
	struct timer_list trim;
};

#define BUF_POOL_INIT(bytes, n)             \
	{                                   \
		.size = (bytes), .max = (n) \
	}

/* A buffer of p->size bytes (not zeroed), or NULL: the pool owns max
 * already, memory is short, or kmalloc failed. */
void *buf_pool_get(struct buf_pool *p);
/* buf, from buf_pool_get, back to the pool (to kmalloc while memory is short). */
void buf_pool_put(struct buf_pool *p, void *buf);

#endif
