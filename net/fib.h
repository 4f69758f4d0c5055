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
 *    /16 with no prefix of /16 or longer, or a pointer to its chunk with
 *    the chunk's range count in the top bits (FIB_DIR_NRANGE_SHIFT), so
 *    the search's first probe does not wait for the chunk's header;
 *  - a chunk: its sorted ranges (start, next hop), then its prefixes
 *    (/16 to /32, sorted by address, length, metric) from which the
 *    ranges are rebuilt on every change;
 *  - prefixes shorter than /16 live in short[len], direct-indexed by
 *    their top len bits, each slot a list ordered by metric; the best of
 *    them covering a chunk is the chunk's cover, which a range of the
 *    chunk not covered by its own prefixes stands for (FIB_NH_COVER);
 *  - default routes (/0) are a list of their own, consulted last, so a
 *    default route change is O(1);
 *  - a table with few chunks and few shorter prefixes (a host's: its
 *    subnets, loopback, a default route) has no direct table: the 512 KiB
 *    that dir[] takes would be most of a small machine's memory.  What
 *    dir[] would hold is then a short sorted array of /16 ranges (top),
 *    searched like a chunk's ranges, at most FIB_TOP_MAX of them: at most
 *    two per chunk and per slot of a shorter prefix, plus one.  The table
 *    takes a direct table when one more would not fit, and gives it back
 *    when a delete leaves it at half that (so that a route flapping at the
 *    edge does not copy the table each time).
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

/* A chunk's pointer takes the low 47 bits of a dir entry (x86-64's lower
 * half; the kernel is identity-mapped low), its range count the rest. */
#define FIB_DIR_NRANGE_SHIFT 47

static inline struct fib_chunk *fib_dir_chunk(uintptr_t d)
{
	return (struct fib_chunk *)(d & (((uintptr_t)1 << FIB_DIR_NRANGE_SHIFT) - 1));
}

struct fib_alias {
	struct fib_alias *next; /* worse metric */
	uint16_t nh;
};

struct fib_pool {
	void **free;	   /* per size class (8-byte units): freed blocks */
	char *cur;	   /* bump allocation in the newest slab */
	size_t left;	   /* bytes left in it */
	void *slabs;	   /* list of slabs, linked through their first word */
	size_t bytes;	   /* held from kmalloc (slabs and large blocks) */
	size_t free_bytes; /* on the free lists */
	size_t nslabs;
	size_t slab_bytes; /* in them */
};

#define FIB_DIR_SIZE 65536
#define FIB_TOP_MAX  64

struct fib_table {
	uintptr_t *dir; /* FIB_DIR_SIZE entries, or NULL: top stands for it */
	uint32_t top_n; /* ranges of /16s, top_start[0] == 0, each with what dir[] would hold */
	uint16_t top_start[FIB_TOP_MAX];
	uintptr_t top_d[FIB_TOP_MAX];
	uint32_t nchunk;		  /* /16s with a chunk */
	uint32_t nshort;		  /* slots of short_tab holding a prefix */
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

static inline struct fib_rib *fib_chunk_rib(const struct fib_chunk *c)
{
	return (struct fib_rib *)(uintptr_t)(c->range + c->nrange);
}

/* What dir[ci] holds, or would hold in a table without one: then the last
 * top range starting at or before ci (the same branch-free search as a
 * chunk's). */
static inline uintptr_t fib_dir_at(const struct fib_table *t, uint32_t ci)
{
	unsigned int i = 0, n, half;

	if (__builtin_expect(t->dir != NULL, 1)) /* a small table's lookups are few */
		return t->dir[ci];
	for (n = t->top_n; n > 1; n -= half) {
		half = n / 2;
		i = t->top_start[i + half] <= ci ? i + half : i;
	}
	return t->top_d[i];
}

/* A dir entry for a /16 with no chunk: next hop nh. */
static inline uintptr_t fib_dir_tagged(uint16_t nh) { return ((uintptr_t)nh << 1) | 1; }

/* For net/fib_dxr.c (net/fib_ranges.c): the ranges of a chunk from its n
 * sorted prefixes (at most 2n + 1); a small table's top from its chunks
 * cd at the sorted /16s ci and its shorter prefixes. */
uint32_t fib_build_ranges(const struct fib_rib *rib, uint32_t n, struct fib_range *out);
void fib_top_build(struct fib_table *t, const uint16_t *ci, const uintptr_t *cd, uint32_t nc);

/* fib_table_lookup_index for addr, whose dir entry is d. */
static inline unsigned int fib_table_lookup_dir(const struct fib_table *t, uintptr_t d,
						uint32_t addr)
{
	const struct fib_chunk *c;
	const struct fib_range *r;
	unsigned int key = addr & 0xffff, n, half, nh;

	if (d & 1) {
		nh = d >> 1;
	} else {
		/* the last range starting at or before key; written so that the
		 * compiler makes the step a conditional move, not a branch */
		c = fib_dir_chunk(d);
		r = c->range;
		for (n = (unsigned int)(d >> FIB_DIR_NRANGE_SHIFT); n > 1; n -= half) {
			half = n / 2;
			r = r[half].start <= key ? r + half : r;
		}
		nh = r->nh;
		if (nh == FIB_NH_COVER)
			nh = c->cover;
	}
	return nh ? nh : t->dflt;
}

/* Longest prefix, then lowest metric: the next hop index (FIB_NH_NONE). */
static inline unsigned int fib_table_lookup_index(const struct fib_table *t, uint32_t addr)
{
	return fib_table_lookup_dir(t, fib_dir_at(t, addr >> 16), addr);
}

/*
 * fib_table_lookup_index for n addresses at once, as a forwarding path
 * takes a burst of packets: each step runs over a group of them, issuing
 * the next memory access of every lookup before waiting on any, so the
 * cache misses of a group overlap instead of queueing.
 */
#define FIB_BATCH 16
static inline void fib_table_lookup_batch(const struct fib_table *t, const uint32_t *addr,
					  uint16_t *out, unsigned int n)
{
	uintptr_t d[FIB_BATCH];
	unsigned int i, j, m;

	for (i = 0; i < n; i += m) {
		m = n - i < FIB_BATCH ? n - i : FIB_BATCH;
		for (j = 0; j < m; j++) {
			d[j] = fib_dir_at(t, addr[i + j] >> 16);
			if (!(d[j] & 1))
				__builtin_prefetch(
					&fib_dir_chunk(d[j])
						 ->range[(d[j] >> FIB_DIR_NRANGE_SHIFT) / 2]);
		}
		for (j = 0; j < m; j++)
			out[i + j] = (uint16_t)fib_table_lookup_dir(t, d[j], addr[i + j]);
	}
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
