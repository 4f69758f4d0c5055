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
 * shorter than /16 touch only covers: at most 128 dir entries' or 256
 * cover8[] words, never ranges), and rebuilding one chunk's ranges from its own prefixes is a
 * linear pass: that gives bounded, microsecond updates without the
 * global rebuilds a Poptrie's leaf-pushed bitmaps need.  The ranges take
 * 4 bytes each and a chunk's prefixes 6, so a full table costs about 15
 * bytes per prefix, the prefixes themselves included.
 *
 * Layout:
 *  - dir[addr >> 16] (struct fib_dirent, 16 bytes): where that /16's
 *    ranges lie and how many, the best prefix shorter than /16 over it
 *    (its cover, which a range not claimed by the /16's own prefixes
 *    stands for: FIB_NH_COVER), and up to three fences: the keys at which
 *    the cache lines of the ranges begin.  A /16 with no prefix of /16 or
 *    longer points at one shared range that says "cover";
 *  - a chunk: its sorted ranges (start, next hop), then its prefixes
 *    (/16 to /32, sorted by address, length, metric) from which the
 *    ranges are rebuilt on every change;
 *  - the lookup compares the key with the fences (in the dir entry it has
 *    just read) to pick the one cache line of ranges that holds its
 *    answer, and searches it in four steps: a random lookup waits on one
 *    dir entry (a 1 MiB table that stays in L2) and one line of ranges,
 *    and takes no branch that depends on the address (every choice is a
 *    conditional move: a mispredicted branch per lookup would stop the
 *    CPU from overlapping the next lookups' cache misses).  A chunk whose
 *    ranges span more than four lines searches windows of 2^k lines
 *    (fib_lookup_wide), on a branch that such chunks' rarity keeps
 *    predicted;
 *  - prefixes shorter than /16 live in short[len], direct-indexed by
 *    their top len bits, each slot a list ordered by metric; the best of
 *    the /9 to /15 covering a /16 is its dir entry's cover, and the best
 *    of the /0 to /8 covering a /8 is its cover8[], which the lookup
 *    consults last: a change of a /9 rewrites the covers of at most 128
 *    dir entries, one of a /1 to /8 or a default at most 256 cover8[]
 *    (where dir entries for all of them made a /1 take 0.5-0.8 ms);
 *  - default routes (/0) are a list of their own;
 *  - a table with few chunks and few shorter prefixes (a host's: its
 *    subnets, loopback, a default route) has no direct table: the 1 MiB
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
	struct fib_range range[]; /* nrange ranges, then nrib struct fib_rib */
};

/*
 * What the lookup reads for a /16.  w: the address of its ranges (the
 * low 48 bits: x86-64's lower half, where the kernel is identity-mapped)
 * and their count less one (the top 16).  Line s of the ranges (counted
 * from the 64-byte line holding the first) begins at the first key above
 * fence[s - 1]; an unused fence is 0xffff, above which no key lies.
 */
struct fib_dirent {
	uint64_t w;
	uint16_t cover; /* best prefix of /9 to /15 over this /16 (0: none) */
	uint16_t fence[3];
};

#define FIB_DIRENT_PTR ((UINT64_C(1) << 48) - 1)

static inline const struct fib_range *fib_dirent_ranges(const struct fib_dirent *e)
{
	return (const struct fib_range *)(uintptr_t)(e->w & FIB_DIRENT_PTR);
}

/* The 64-byte line holding the first of e's ranges. */
static inline const struct fib_range *fib_dirent_line0(const struct fib_dirent *e)
{
	return (const struct fib_range *)(uintptr_t)(e->w & FIB_DIRENT_PTR & ~(uint64_t)63);
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
	size_t bytes;	   /* held from kmalloc (slabs, large blocks, old slabs) */
	size_t free_bytes; /* not in use: on the free lists, or dropped while compacting */
	size_t nslabs;
	size_t slab_bytes; /* in them */
	/* a compaction under way (fib_dxr.c): the slabs it empties, newest
	 * first, how many, and where its walk of the table stands */
	void *old;
	size_t old_n, old_bytes;
	uint32_t cursor;
	int compacting; /* the walk is under way: a block freed is dropped */
};

#define FIB_DIR_SIZE 65536
#define FIB_TOP_MAX  64

struct fib_table {
	struct fib_dirent *dir; /* FIB_DIR_SIZE entries, or NULL: top stands for it */
	uint32_t top_n; /* ranges of /16s, top_start[0] == 0, each with what dir[] would hold */
	uint16_t top_start[FIB_TOP_MAX];
	struct fib_dirent top_d[FIB_TOP_MAX];
	uint32_t nchunk;		  /* /16s with a chunk */
	uint32_t nshort;		  /* slots of short_tab holding a prefix */
	struct fib_alias **short_tab[16]; /* [len][prefix >> (32 - len)], len 1..15 */
	struct fib_alias *dflt_list;
	uint16_t cover8[256]; /* [addr >> 24]: the best prefix of /0 to /8 over that /8 */
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

/* The one range every /16 without a chunk points at. */
extern const struct fib_range fib_cover_range;

/* The chunk e's ranges belong to (NULL: a /16 without one). */
static inline struct fib_chunk *fib_dirent_chunk(const struct fib_dirent *e)
{
	const struct fib_range *r = fib_dirent_ranges(e);

	if (r == &fib_cover_range)
		return NULL;
	return (struct fib_chunk *)(uintptr_t)((const char *)r - offsetof(struct fib_chunk, range));
}

static inline struct fib_rib *fib_chunk_rib(const struct fib_chunk *c)
{
	return (struct fib_rib *)(uintptr_t)(c->range + c->nrange);
}

/* What dir[ci] holds, or would hold in a table without one: then the last
 * top range starting at or before ci. */
static inline const struct fib_dirent *fib_dir_at(const struct fib_table *t, uint32_t ci)
{
	unsigned int i = 0, n, half;

	if (__builtin_expect(t->dir != NULL, 1)) /* a small table's lookups are few */
		return &t->dir[ci];
	for (n = t->top_n; n > 1; n -= half) {
		half = n / 2;
		i = t->top_start[i + half] <= ci ? i + half : i;
	}
	return &t->top_d[i];
}

/* For net/fib_dxr.c (net/fib_ranges.c): the ranges of a chunk from its n
 * sorted prefixes (at most 2n + 1); a small table's top from its chunks
 * c at the sorted /16s ci and its shorter prefixes; the dir entry of
 * ranges r (n of them) under cover; the lookup in a chunk whose ranges
 * span more than four lines. */
uint32_t fib_build_ranges(const struct fib_rib *rib, uint32_t n, struct fib_range *out);
void fib_top_build(struct fib_table *t, const uint16_t *ci, struct fib_chunk *const *c,
		   uint32_t nc);
void fib_dirent_set(struct fib_dirent *e, const struct fib_range *r, uint32_t n, uint16_t cover);
unsigned int fib_lookup_wide(const struct fib_dirent *e, unsigned int key);

/* For net/fib_dxr.c (net/fib_pool.c): the pool's blocks, in 8-byte units
 * up to FIB_POOL_MAX (larger ones are kmalloc'd on their own); a freed
 * block's place is where the compaction's walk finds it (the /16s, then
 * the FIB_SHORT_SLOTS slots of short_tab[1..15], then the defaults); the
 * compaction's step after every update. */
#define FIB_UNIT	8
#define FIB_POOL_MAX	4096
#define FIB_NCLASS	(FIB_POOL_MAX / FIB_UNIT + 1)
#define FIB_SHORT_SLOTS (FIB_DIR_SIZE - 2) /* 2 + 4 + ... + 32768 */
static inline size_t fib_pool_round(size_t size)
{
	return (size + FIB_UNIT - 1) & ~(size_t)(FIB_UNIT - 1);
}
static inline size_t fib_chunk_size(uint32_t nrange, uint32_t nrib)
{
	return sizeof(struct fib_chunk) + nrange * sizeof(struct fib_range) +
	       nrib * sizeof(struct fib_rib);
}
void *fib_pool_alloc(struct fib_pool *p, size_t size);
void fib_pool_free(struct fib_pool *p, void *b, size_t size, uint32_t place);
void fib_pool_compact(struct fib_table *t);

/*
 * Conditional moves for the lookup.  gcc turns some of its selections
 * into branches, and those depend on the address: mispredicted on about
 * every other random lookup, each costs more than the whole search.
 */
/* j if start <= key, else i */
static inline unsigned int fib_cmov_le(unsigned int i, unsigned int j, unsigned int start,
				       unsigned int key)
{
	__asm__("cmp %[key], %[start]\n\tcmovbe %[j], %[i]"
		: [i] "+r"(i)
		: [start] "r"(start), [key] "r"(key), [j] "r"(j)
		: "cc");
	return i;
}

/* repl if x == val, else x */
static inline unsigned int fib_cmov_eq(unsigned int x, unsigned int val, unsigned int repl)
{
	__asm__("cmp %[val], %[x]\n\tcmove %[repl], %[x]"
		: [x] "+r"(x)
		: [val] "ri"(val), [repl] "rm"(repl)
		: "cc");
	return x;
}

static inline unsigned int fib_min(unsigned int a, unsigned int b)
{
	__asm__("cmp %[b], %[a]\n\tcmova %[b], %[a]" : [a] "+r"(a) : [b] "r"(b) : "cc");
	return a;
}

static inline unsigned int fib_max(unsigned int a, unsigned int b)
{
	__asm__("cmp %[b], %[a]\n\tcmovb %[b], %[a]" : [a] "+r"(a) : [b] "r"(b) : "cc");
	return a;
}

/* The index, from the 64-byte line holding the first of e's ranges, of
 * the first range that line s (0..3) of them holds, and of its last. */
static inline unsigned int fib_line_first(uint64_t w, unsigned int s)
{
	return fib_max(s * 16, (unsigned int)(w >> 2) & 15);
}

static inline unsigned int fib_line_last(uint64_t w, unsigned int s)
{
	return fib_min(s * 16 + 15, ((unsigned int)(w >> 2) & 15) + (unsigned int)(w >> 48));
}

/* The line of e's ranges where key's answer lies (0..3). */
static inline unsigned int fib_dirent_line(const struct fib_dirent *e, unsigned int key)
{
	return (key > e->fence[0]) + (key > e->fence[1]) + (key > e->fence[2]);
}

/* fib_table_lookup_index for addr, whose dir entry is e. */
static inline __attribute__((always_inline)) unsigned int
fib_table_lookup_dir(const struct fib_table *t, const struct fib_dirent *e, uint32_t addr)
{
	unsigned int key = addr & 0xffff, s = fib_dirent_line(e, key), i, last, nh;
	const struct fib_range *r = fib_dirent_line0(e);
	uint64_t w = e->w;

	if (__builtin_expect(((unsigned int)(w >> 2) & 15) + (unsigned int)(w >> 48) > 63, 0)) {
		nh = fib_lookup_wide(e, key);
	} else {
		/* the last range of line s starting at or before key */
		i = fib_line_first(w, s);
		last = fib_line_last(w, s);
		i = fib_cmov_le(i, fib_min(i + 8, last), r[fib_min(i + 8, last)].start, key);
		i = fib_cmov_le(i, fib_min(i + 4, last), r[fib_min(i + 4, last)].start, key);
		i = fib_cmov_le(i, fib_min(i + 2, last), r[fib_min(i + 2, last)].start, key);
		i = fib_cmov_le(i, fib_min(i + 1, last), r[fib_min(i + 1, last)].start, key);
		nh = r[i].nh;
	}
	nh = fib_cmov_eq(nh, FIB_NH_COVER, e->cover);
	return fib_cmov_eq(nh, FIB_NH_NONE, t->cover8[addr >> 24]);
}

/* Longest prefix, then lowest metric: the next hop index (FIB_NH_NONE). */
static inline __attribute__((always_inline)) unsigned int
fib_table_lookup_index(const struct fib_table *t, uint32_t addr)
{
	return fib_table_lookup_dir(t, fib_dir_at(t, addr >> 16), addr);
}

/*
 * fib_table_lookup_index for n addresses at once, as a forwarding path
 * takes a burst of packets, software-pipelined over the two cache misses
 * of a random lookup: lookup j's dir entry is prefetched FIB_BATCH_AHEAD
 * lookups before it is read, and once read, the line of ranges it points
 * at is prefetched FIB_BATCH_AHEAD lookups before it is searched.  A
 * prefetch retires at once, so neither miss holds up the lookups behind
 * it and about 2 * FIB_BATCH_AHEAD misses are under way together, where
 * a loop of single lookups overlaps only what fits in the CPU's reorder
 * window.  A miss on a table of this size takes 160 ns here, so that
 * FIB_BATCH_AHEAD misses under way give at most FIB_BATCH_AHEAD / 160 ns:
 * random lookups in bursts of 256 ran at 31, 41, 49, 54, 54, 49 and 50
 * million/s (medians of 5) with 4, 8, 16, 24, 32, 48 and 64.  A small
 * table (top, no direct table) is in cache: plain lookups.
 */
#define FIB_BATCH_AHEAD 24
/* The line of ranges that addr's lookup will search, into the cache.
 * always_inline: gcc finds a function whose only effect is a prefetch
 * pure, and drops its calls before it would inline them. */
static inline __attribute__((always_inline)) void fib_prefetch_line(const struct fib_dirent *dir,
								    uint32_t addr)
{
	const struct fib_dirent *e = &dir[addr >> 16];

	__builtin_prefetch(fib_dirent_line0(e) + 16 * fib_dirent_line(e, addr & 0xffff));
}

static inline void fib_table_lookup_batch(const struct fib_table *t, const uint32_t *addr,
					  uint16_t *out, unsigned int n)
{
	const struct fib_dirent *dir = t->dir;
	unsigned int j;

	if (!dir) {
		for (j = 0; j < n; j++)
			out[j] = (uint16_t)fib_table_lookup_index(t, addr[j]);
		return;
	}
	/* the pipeline fills: the first lookups' dir entries, then lines */
	for (j = 0; j < n && j < 2 * FIB_BATCH_AHEAD; j++)
		__builtin_prefetch(&dir[addr[j] >> 16]);
	for (j = 0; j < n && j < FIB_BATCH_AHEAD; j++)
		fib_prefetch_line(dir, addr[j]);
	for (j = 0; j + 2 * FIB_BATCH_AHEAD < n; j++) {
		__builtin_prefetch(&dir[addr[j + 2 * FIB_BATCH_AHEAD] >> 16]);
		fib_prefetch_line(dir, addr[j + FIB_BATCH_AHEAD]);
		out[j] = (uint16_t)fib_table_lookup_dir(t, &dir[addr[j] >> 16], addr[j]);
	}
	/* and drains */
	for (; j + FIB_BATCH_AHEAD < n; j++) {
		fib_prefetch_line(dir, addr[j + FIB_BATCH_AHEAD]);
		out[j] = (uint16_t)fib_table_lookup_dir(t, &dir[addr[j] >> 16], addr[j]);
	}
	for (; j < n; j++)
		out[j] = (uint16_t)fib_table_lookup_dir(t, &dir[addr[j] >> 16], addr[j]);
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
