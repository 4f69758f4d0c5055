/*
 * The IPv4 forwarding table: a DXR (Zec, Rizzo, Mikuc, "DXR: towards a
 * billion routing lookups per second in software", SIGCOMM CCR 2012),
 * D16R layout, with incremental updates.
 *
 * Why DXR rather than Linux's LC-trie or a Poptrie: the lookup is one
 * load from a 2^16-entry direct table and, when that /16 holds longer
 * prefixes, a binary search over a short sorted array of address ranges
 * that sits in one or two cache lines; no pointer chasing down a trie.
 * An update touches only the /16 chunk the prefix falls in (prefixes
 * shorter than /16 touch only the chunks' "cover" words, never their
 * ranges), and rebuilding one chunk's ranges from its own prefixes is a
 * linear pass: that gives bounded, microsecond updates without the
 * global rebuilds a Poptrie's leaf-pushed bitmaps need.  The ranges take
 * 4 bytes each and a chunk's prefixes 6, so a full table costs about a
 * dozen bytes per prefix, the prefixes themselves included.
 *
 * Layout:
 *  - dir[addr >> 16]: either a next hop index, tagged (bit 0 set), for a
 *    /16 with no prefix of /16 or longer, or a pointer to its chunk;
 *  - a chunk: its sorted ranges (start, next hop), then its prefixes
 *    (/16 to /32, sorted by address, length, metric) from which the
 *    ranges are rebuilt on every change;
 *  - prefixes shorter than /16 live in short[len], direct-indexed by
 *    their top len bits, each slot a list ordered by metric; the best of
 *    them covering a chunk is the chunk's cover, which a range of the
 *    chunk not covered by its own prefixes stands for (FIB_NH_COVER);
 *  - default routes (/0) are a list of their own, consulted last, so a
 *    default route change is O(1).
 * A route's gateway, device and metric are interned once as a next hop
 * (struct fib_nh), shared by every prefix that uses them and named by a
 * 16-bit index.
 *
 * Addresses are in host byte order here (route.c converts).  One writer
 * at a time; the kernel holds net_lock.
 */
#ifndef NET_FIB_H
#define NET_FIB_H

#include <stddef.h>
#include <stdint.h>

struct net_device;

#define FIB_NH_NONE  0	    /* no route */
#define FIB_NH_COVER 0xffff /* a chunk's range that its cover answers */
#define FIB_NH_MAX   0xfffe /* next hops are 1..FIB_NH_MAX */

struct fib_nh {
	uint32_t gw; /* 0: directly connected */
	struct net_device *dev;
	int metric;
	uint32_t refcnt; /* prefixes using it; 0: a free slot */
};

struct fib_range {
	uint16_t start; /* low 16 bits of the range's first address */
	uint16_t nh;
};

/* A prefix of /16 or longer, within its chunk. */
struct fib_rib {
	uint16_t lo; /* low 16 bits of the prefix */
	uint8_t len; /* 16..32 */
	uint8_t pad;
	uint16_t nh;
} __attribute__((packed, aligned(2)));

struct fib_chunk {
	uint32_t nrange, nrib;
	uint16_t cover; /* best prefix shorter than /16 over this chunk (0: none) */
	uint16_t pad;
	struct fib_range range[]; /* nrange ranges, then nrib struct fib_rib */
};

struct fib_alias {
	struct fib_alias *next; /* worse metric */
	uint16_t nh;
};

struct fib_pool {
	void **free;	/* per size class (8-byte units): freed blocks */
	char *cur;	/* bump allocation in the newest slab */
	size_t left;	/* bytes left in it */
	void *slabs;	/* list of slabs, linked through their first word */
	size_t bytes;	/* held from kmalloc (slabs and large blocks) */
	size_t free_bytes; /* on the free lists */
	size_t nslabs;
};

struct fib_table {
	uintptr_t *dir;			/* 65536 entries */
	struct fib_alias **short_tab[16]; /* [len][prefix >> (32 - len)], len 1..15 */
	struct fib_alias *dflt_list;
	uint16_t dflt; /* best default route's next hop */
	struct fib_nh *nh;
	uint32_t nh_cap, nh_used;
	uint32_t nroutes;
	uint32_t genid; /* +1 on every change */
	struct fib_pool pool;
	void *scratch; /* for rebuilding a chunk */
	size_t scratch_size;
};

/* A route as the walk returns it. */
struct fib_route {
	uint32_t prefix; /* host order */
	int len;
	const struct fib_nh *nh;
};

/* Where a walk stands; zero it to start. */
struct fib_cursor {
	uint32_t k, i, j;
};

/* Fields of the next hop that fib_table_delete must match. */
#define FIB_MATCH_GW	 0x1
#define FIB_MATCH_DEV	 0x2
#define FIB_MATCH_METRIC 0x4

/* An empty table, or NULL when out of memory. */
struct fib_table *fib_table_new(void);
void fib_table_free(struct fib_table *t);
/*
 * prefix/len via gw on dev with metric: 0, -EINVAL (len outside 0..32,
 * bits outside the prefix), -EEXIST (the same prefix with the same
 * metric), -ENOSPC (FIB_NH_MAX distinct next hops), -ENOMEM (the table
 * is unchanged).
 */
int fib_table_insert(struct fib_table *t, uint32_t prefix, int len, uint32_t gw,
		     struct net_device *dev, int metric);
/* Deletes the best-metric route of prefix/len whose next hop matches want
 * in the fields `match` names: 0, -ESRCH, -ENOMEM (unchanged). */
int fib_table_delete(struct fib_table *t, uint32_t prefix, int len, const struct fib_nh *want,
		     unsigned int match);

/* Longest prefix, then lowest metric: the next hop index (FIB_NH_NONE). */
static inline unsigned int fib_table_lookup_index(const struct fib_table *t, uint32_t addr)
{
	uintptr_t d = t->dir[addr >> 16];
	const struct fib_chunk *c;
	const struct fib_range *r;
	unsigned int key = addr & 0xffff, n, half, nh;

	if (d & 1) {
		nh = d >> 1;
	} else {
		/* the last range starting at or before key; written so that the
		 * compiler makes the step a conditional move, not a branch */
		c = (const struct fib_chunk *)d;
		r = c->range;
		for (n = c->nrange; n > 1; n -= half) {
			half = n / 2;
			r = r[half].start <= key ? r + half : r;
		}
		nh = r->nh;
		if (nh == FIB_NH_COVER)
			nh = c->cover;
	}
	return nh ? nh : t->dflt;
}

/* The next hop for addr (NULL: no route), whatever the state of devices. */
static inline const struct fib_nh *fib_table_lookup(const struct fib_table *t, uint32_t addr)
{
	unsigned int nh = fib_table_lookup_index(t, addr);

	return nh ? &t->nh[nh] : NULL;
}

/* The same among the next hops `usable` accepts (the slow path, for when
 * the best one's device is down). */
const struct fib_nh *fib_table_lookup_usable(const struct fib_table *t, uint32_t addr,
					     int (*usable)(const struct fib_nh *));

/* Copies up to max routes after *cur into out, advancing *cur: defaults,
 * then shorter prefixes by length, then /16 and longer by address.
 * Returns how many (0: the end). */
int fib_table_walk(const struct fib_table *t, struct fib_cursor *cur, struct fib_route *out,
		   int max);
/* Bytes the table holds (kmalloc'd, whatever its size classes round to). */
size_t fib_table_mem(const struct fib_table *t);

#endif
