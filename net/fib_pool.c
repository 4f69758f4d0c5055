/*
 * The memory of a DXR table's chunks and aliases (net/fib_dxr.c): a pool
 * of slabs cut in 8-byte size classes, with free lists per class, and its
 * compaction, a step at each update.
 */
#include "net/fib.h"
#include "net/platform.h"

#define FIB_SLAB_SIZE (64 * 1024 - 256) /* leaves room for kmalloc's header in 16 pages */

/* The n-th slab: 8 KiB, 16, 32, then 64 KiB (each less room for kmalloc's
 * header), so that a host's few routes do not hold 64 KiB. */
static size_t slab_size(size_t n) { return ((FIB_SLAB_SIZE + 256) >> (n < 3 ? 3 - n : 0)) - 256; }

/*
 * Block b freed; place: where the compaction's walk (below) finds it.  A
 * block that the walk under way has not passed may lie in a slab that it
 * will free: it is dropped (if it does not, the next compaction takes its
 * room back).  The walk has moved every block behind it into new slabs.
 */
void fib_pool_free(struct fib_pool *p, void *b, size_t size, uint32_t place)
{
	size = fib_pool_round(size);
	if (size > FIB_POOL_MAX) {
		kfree(b);
		p->bytes -= size;
		return;
	}
	p->free_bytes += size;
	if (p->compacting && place >= p->cursor)
		return;
	*(void **)b = p->free[size / FIB_UNIT];
	p->free[size / FIB_UNIT] = b;
}

void *fib_pool_alloc(struct fib_pool *p, size_t size)
{
	void *b;

	size = fib_pool_round(size);
	if (size > FIB_POOL_MAX) {
		b = kmalloc(size);
		if (b)
			p->bytes += size;
		return b;
	}
	b = p->free[size / FIB_UNIT];
	if (b) {
		p->free[size / FIB_UNIT] = *(void **)b;
		p->free_bytes -= size;
		return b;
	}
	if (p->left < size) {
		size_t slab_bytes = slab_size(p->nslabs);
		char *slab = kmalloc(slab_bytes);

		if (!slab)
			return NULL;
		/* the old slab's tail is a block like any freed one */
		if (p->left >= FIB_UNIT)
			fib_pool_free(p, p->cur, p->left, 0); /* a new slab's, if compacting */
		*(void **)slab = p->slabs;
		p->slabs = slab;
		p->cur = slab + FIB_UNIT;
		p->left = slab_bytes - FIB_UNIT;
		p->bytes += slab_bytes;
		p->slab_bytes += slab_bytes;
		p->nslabs++;
	}
	b = p->cur;
	p->cur += size;
	p->left -= size;
	return b;
}

/* ---- compaction ---- */

/*
 * A load of routes in random order grows every chunk through many size
 * classes, and the free lists keep the blocks it outgrew, not always of a
 * size that is asked for again.  When they hold more than a sixteenth of
 * the pool, the live blocks are copied into fresh slabs and the old slabs
 * go.  The copy is made a step at each update (FIB_COMPACT_BYTES copied,
 * about 1 us of cold memory; FIB_COMPACT_SLOTS places of the table looked
 * at; FIB_COMPACT_FREES old slabs freed), walking the table's chunks and
 * then its shorter prefixes and defaults: copying a full table at once
 * took 5-10 ms, the worst add of a 1M-prefix load.  Meanwhile new blocks
 * come from fresh slabs, a block freed ahead of the walk is dropped
 * (pool_free), and the old slabs go when the walk has moved every live
 * block out of them.  The table keeps within about 17/16 of what it uses
 * and what a copy drops (make fib-bench: 15.7 bytes per prefix after the
 * load, where an eighth left 15.9 for a quarter of the copying); while a
 * copy is under way it holds up to its size again.  Out of memory, the
 * step stops where it is and the next update's resumes it.
 */
#define FIB_COMPACT_BYTES 2048
#define FIB_COMPACT_SLOTS 1024
#define FIB_COMPACT_AHEAD 8
#define FIB_COMPACT_FREES 16

/* Block b (size bytes) copied into the current slabs (NULL: out of
 * memory); blocks too large for the pool's classes stay where they are. */
static void *pool_move(struct fib_pool *p, void *b, size_t size, size_t *moved)
{
	void *n;

	if (fib_pool_round(size) > FIB_POOL_MAX)
		return b;
	n = fib_pool_alloc(p, size);
	if (!n)
		return NULL;
	memcpy(n, b, size);
	*moved += size;
	return n;
}

static int alias_list_move(struct fib_table *t, struct fib_alias **pp, size_t *moved)
{
	struct fib_alias *n;

	for (; *pp; pp = &(*pp)->next) {
		n = pool_move(&t->pool, *pp, sizeof(**pp), moved);
		if (!n)
			return -ENOMEM;
		*pp = n;
	}
	return 0;
}

/* The chunk of dir (or top) entry e moved; the fences follow where the
 * ranges' cache lines now fall. */
static int chunk_move(struct fib_table *t, struct fib_dirent *e, size_t *moved)
{
	struct fib_chunk *c = fib_dirent_chunk(e);

	if (!c)
		return 0;
	c = pool_move(&t->pool, c, fib_chunk_size(c->nrange, c->nrib), moved);
	if (!c)
		return -ENOMEM;
	fib_dirent_set(e, c->range, c->nrange, e->cover);
	return 0;
}

/*
 * One step of the walk.  Its places: the /16s (their dir entries, or the
 * top range each lies in: top is rebuilt as chunks come and go, and a
 * /16 is where it was, with or without a direct table), then the slots
 * of short_tab[1..15] (slot i of length k at 2^k - 2 + i), then the
 * defaults.
 */
static void compact_step(struct fib_table *t)
{
	struct fib_pool *p = &t->pool;
	uint32_t slots, c, k, i;
	size_t moved = 0;
	int err = 0;

	for (slots = 0; slots < FIB_COMPACT_SLOTS && moved < FIB_COMPACT_BYTES && !err; slots++) {
		c = p->cursor;
		if (c < FIB_DIR_SIZE && t->dir) {
			/* chunks are cold: a miss each, overlapped with the next
			 * few moves */
			if (c + FIB_COMPACT_AHEAD < FIB_DIR_SIZE)
				__builtin_prefetch(
					fib_dirent_line0(&t->dir[c + FIB_COMPACT_AHEAD]));
			err = chunk_move(t, &t->dir[c], &moved);
		} else if (c < FIB_DIR_SIZE) {
			i = (uint32_t)(fib_dir_at(t, c) - t->top_d);
			if (t->top_start[i] == c)
				err = chunk_move(t, &t->top_d[i], &moved);
			if (!err) /* the next range's first /16 */
				p->cursor =
					(i + 1 < t->top_n ? t->top_start[i + 1] : FIB_DIR_SIZE) - 1;
		} else if (c - FIB_DIR_SIZE < FIB_SHORT_SLOTS) {
			c -= FIB_DIR_SIZE;
			k = 31 - (uint32_t)__builtin_clz(c + 2);
			if (!t->short_tab[k]) { /* no prefix of that length: all its slots */
				p->cursor = FIB_DIR_SIZE + (2u << k) - 2;
				continue;
			}
			err = alias_list_move(t, &t->short_tab[k][c + 2 - (1u << k)], &moved);
		} else {
			err = alias_list_move(t, &t->dflt_list, &moved);
			if (!err)
				p->compacting = 0; /* nothing live is left in the old slabs */
			return;
		}
		if (!err)
			p->cursor++;
	}
}

/* At most FIB_COMPACT_FREES of the slabs the walk has emptied, newest
 * first (the n-th slab's size is slab_size(n)). */
static void compact_free_old(struct fib_pool *p)
{
	int k;

	for (k = 0; k < FIB_COMPACT_FREES && p->old; k++) {
		void *next = *(void **)p->old;
		size_t size = slab_size(--p->old_n);

		kfree(p->old);
		p->old = next;
		p->bytes -= size;
		p->old_bytes -= size;
	}
}

/* After every update: the compaction's next step, or a new one. */
void fib_pool_compact(struct fib_table *t)
{
	struct fib_pool *p = &t->pool;

	if (p->compacting) {
		compact_step(t);
		return;
	}
	if (p->old) {
		compact_free_old(p);
		return;
	}
	if (p->free_bytes * 16 < p->bytes || p->bytes < 4 * FIB_SLAB_SIZE)
		return;
	p->old = p->slabs;
	p->old_n = p->nslabs;
	p->old_bytes = p->slab_bytes;
	memset(p->free, 0, FIB_NCLASS * sizeof(void *));
	p->free_bytes = 0;
	p->slabs = NULL;
	p->left = 0;
	p->nslabs = 0;
	p->slab_bytes = 0;
	p->cursor = 0;
	p->compacting = 1;
	compact_step(t);
}
