/*
 * The DXR forwarding table (net/fib.h explains the layout and the choice).
 * Everything is allocated to the table's size: the 2^16-entry direct
 * table when the table is made, then chunks and aliases from a pool of
 * 64 KiB slabs cut in 8-byte size classes (kmalloc's power-of-two classes
 * would waste a third of a chunk on average), and the short-prefix slots
 * per length on first use.  Every failure is -ENOMEM with the table as it
 * was.
 */
#include "net/fib.h"
#include "net/platform.h"

#define FIB_DIR_SIZE  65536
#define FIB_UNIT      8
#define FIB_POOL_MAX  4096 /* larger blocks are kmalloc'd on their own */
#define FIB_NCLASS    (FIB_POOL_MAX / FIB_UNIT + 1)
#define FIB_SLAB_SIZE (64 * 1024 - 256) /* leaves room for kmalloc's header in 16 pages */

/* ---- the pool ---- */

static size_t pool_round(size_t size)
{
	return (size + FIB_UNIT - 1) & ~(size_t)(FIB_UNIT - 1);
}

static void pool_free(struct fib_pool *p, void *b, size_t size)
{
	size = pool_round(size);
	if (size > FIB_POOL_MAX) {
		kfree(b);
		p->bytes -= size;
		return;
	}
	*(void **)b = p->free[size / FIB_UNIT];
	p->free[size / FIB_UNIT] = b;
	p->free_bytes += size;
}

static void *pool_alloc(struct fib_pool *p, size_t size)
{
	void *b;

	size = pool_round(size);
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
		char *slab = kmalloc(FIB_SLAB_SIZE);

		if (!slab)
			return NULL;
		/* the old slab's tail is a block like any freed one */
		if (p->left >= FIB_UNIT)
			pool_free(p, p->cur, p->left);
		*(void **)slab = p->slabs;
		p->slabs = slab;
		p->cur = slab + FIB_UNIT;
		p->left = FIB_SLAB_SIZE - FIB_UNIT;
		p->bytes += FIB_SLAB_SIZE;
		p->nslabs++;
	}
	b = p->cur;
	p->cur += size;
	p->left -= size;
	return b;
}

/* ---- next hops ---- */

/* The index of the next hop (gw, dev, metric), made if new (refcnt 0 until
 * a prefix takes it); -ENOSPC or -ENOMEM. */
static int nh_get(struct fib_table *t, uint32_t gw, struct net_device *dev, int metric)
{
	uint32_t i, free_slot = 0;
	struct fib_nh *n;

	for (i = 1; i < t->nh_used; i++) {
		n = &t->nh[i];
		if (!n->refcnt) {
			if (!free_slot)
				free_slot = i;
			continue;
		}
		if (n->gw == gw && n->dev == dev && n->metric == metric)
			return (int)i;
	}
	if (!free_slot) {
		if (t->nh_used > FIB_NH_MAX)
			return -ENOSPC;
		if (t->nh_used == t->nh_cap) {
			uint32_t cap = t->nh_cap * 2;

			if (cap > FIB_NH_MAX + 1)
				cap = FIB_NH_MAX + 1;
			n = kmalloc(cap * sizeof(*n));
			if (!n)
				return -ENOMEM;
			memcpy(n, t->nh, t->nh_used * sizeof(*n));
			kfree(t->nh);
			t->nh = n;
			t->nh_cap = cap;
		}
		free_slot = t->nh_used++;
	}
	n = &t->nh[free_slot];
	n->gw = gw;
	n->dev = dev;
	n->metric = metric;
	n->refcnt = 0;
	return (int)free_slot;
}

static int nh_matches(const struct fib_nh *n, const struct fib_nh *want, unsigned int match)
{
	return (!(match & FIB_MATCH_GW) || n->gw == want->gw) &&
	       (!(match & FIB_MATCH_DEV) || n->dev == want->dev) &&
	       (!(match & FIB_MATCH_METRIC) || n->metric == want->metric);
}

/* ---- chunks ---- */

static struct fib_rib *chunk_rib(const struct fib_chunk *c)
{
	return (struct fib_rib *)(uintptr_t)(c->range + c->nrange);
}

static size_t chunk_size(uint32_t nrange, uint32_t nrib)
{
	return sizeof(struct fib_chunk) + nrange * sizeof(struct fib_range) +
	       nrib * sizeof(struct fib_rib);
}

static int dir_is_chunk(uintptr_t d)
{
	return !(d & 1);
}

static int scratch_reserve(struct fib_table *t, size_t size)
{
	void *s;

	if (size <= t->scratch_size)
		return 0;
	size = size < 4096 ? 4096 : size * 2;
	s = kmalloc(size);
	if (!s)
		return -ENOMEM;
	kfree(t->scratch);
	t->scratch = s;
	t->scratch_size = size;
	return 0;
}

/* Appends a range starting at start, merging it with its neighbours. */
static void range_emit(struct fib_range *out, uint32_t *nr, uint32_t start, uint16_t nh)
{
	if (start >= FIB_DIR_SIZE)
		return;
	if (*nr && out[*nr - 1].start == start) {
		out[*nr - 1].nh = nh;
		if (*nr >= 2 && out[*nr - 2].nh == nh)
			(*nr)--;
		return;
	}
	if (*nr && out[*nr - 1].nh == nh)
		return;
	out[*nr].start = (uint16_t)start;
	out[*nr].nh = nh;
	(*nr)++;
}

/*
 * The ranges of a chunk from its sorted prefixes: prefixes nest or are
 * disjoint, and sorted by (address, length) each one comes after the
 * ones that contain it, so a stack of the enclosing prefixes (at most one
 * per length) says which next hop resumes where a prefix ends.  Only the
 * first of equal prefixes (the lowest metric) counts.  At most 2n + 1
 * ranges.
 */
static uint32_t chunk_build_ranges(const struct fib_rib *rib, uint32_t n, struct fib_range *out)
{
	struct {
		uint32_t end;
		uint16_t nh;
	} st[18];
	uint32_t i, nr = 0, s, e;
	int sp = 0;

	st[0].end = FIB_DIR_SIZE;
	st[0].nh = FIB_NH_COVER;
	range_emit(out, &nr, 0, FIB_NH_COVER);
	for (i = 0; i < n; i++) {
		if (i && rib[i].lo == rib[i - 1].lo && rib[i].len == rib[i - 1].len)
			continue;
		s = rib[i].lo;
		e = s + (1u << (32 - rib[i].len));
		while (st[sp].end <= s) {
			sp--;
			range_emit(out, &nr, st[sp + 1].end, st[sp].nh);
		}
		range_emit(out, &nr, s, rib[i].nh);
		sp++;
		st[sp].end = e;
		st[sp].nh = rib[i].nh;
	}
	while (sp > 0) {
		sp--;
		range_emit(out, &nr, st[sp + 1].end, st[sp].nh);
	}
	return nr;
}

static uint16_t dir_cover(uintptr_t d)
{
	return dir_is_chunk(d) ? ((const struct fib_chunk *)d)->cover : (uint16_t)(d >> 1);
}

static void chunk_free(struct fib_table *t, struct fib_chunk *c)
{
	pool_free(&t->pool, c, chunk_size(c->nrange, c->nrib));
}

/*
 * Makes chunk ci hold the n sorted prefixes rib (which may lie in the
 * scratch area, below `ranges`): builds the ranges, allocates the new
 * chunk, swaps it in, frees the old one.
 */
static int chunk_install(struct fib_table *t, uint32_t ci, const struct fib_rib *rib, uint32_t n,
			 struct fib_range *ranges)
{
	uintptr_t old = t->dir[ci];
	uint16_t cover = dir_cover(old);
	struct fib_chunk *c = NULL;
	uint32_t nr;

	if (n) {
		nr = chunk_build_ranges(rib, n, ranges);
		c = pool_alloc(&t->pool, chunk_size(nr, n));
		if (!c)
			return -ENOMEM;
		c->nrange = nr;
		c->nrib = n;
		c->cover = cover;
		c->pad = 0;
		memcpy(c->range, ranges, nr * sizeof(*ranges));
		memcpy(chunk_rib(c), rib, n * sizeof(*rib));
	}
	t->dir[ci] = c ? (uintptr_t)c : ((uintptr_t)cover << 1) | 1;
	if (dir_is_chunk(old))
		chunk_free(t, (struct fib_chunk *)old);
	return 0;
}

/* Compares (lo, len, metric) with a chunk's prefix. */
static int rib_cmp(const struct fib_table *t, uint16_t lo, int len, int metric,
		   const struct fib_rib *e)
{
	if (lo != e->lo)
		return lo < e->lo ? -1 : 1;
	if (len != e->len)
		return len < e->len ? -1 : 1;
	if (metric != t->nh[e->nh].metric)
		return metric < t->nh[e->nh].metric ? -1 : 1;
	return 0;
}

static int chunk_insert(struct fib_table *t, uint32_t prefix, int len, uint16_t nh)
{
	uintptr_t d = t->dir[prefix >> 16];
	const struct fib_chunk *c = dir_is_chunk(d) ? (const struct fib_chunk *)d : NULL;
	const struct fib_rib *rib = c ? chunk_rib(c) : NULL;
	uint32_t n = c ? c->nrib : 0, lo = 0, hi = n, mid;
	uint16_t key = prefix & 0xffff;
	int metric = t->nh[nh].metric, err;
	struct fib_rib *nrib;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (rib_cmp(t, key, len, metric, &rib[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && rib_cmp(t, key, len, metric, &rib[lo]) == 0)
		return -EEXIST;
	err = scratch_reserve(t, (n + 1) * sizeof(*rib) + (2 * n + 4) * sizeof(struct fib_range));
	if (err)
		return err;
	nrib = t->scratch;
	if (lo)
		memcpy(nrib, rib, lo * sizeof(*rib));
	nrib[lo].lo = key;
	nrib[lo].len = (uint8_t)len;
	nrib[lo].pad = 0;
	nrib[lo].nh = nh;
	if (n > lo)
		memcpy(nrib + lo + 1, rib + lo, (n - lo) * sizeof(*rib));
	return chunk_install(t, prefix >> 16, nrib, n + 1,
			     (struct fib_range *)(uintptr_t)((char *)t->scratch +
							     pool_round((n + 1) * sizeof(*rib))));
}

static int chunk_delete(struct fib_table *t, uint32_t prefix, int len, const struct fib_nh *want,
			unsigned int match, uint16_t *nh)
{
	uintptr_t d = t->dir[prefix >> 16];
	const struct fib_chunk *c = dir_is_chunk(d) ? (const struct fib_chunk *)d : NULL;
	const struct fib_rib *rib;
	uint16_t key = prefix & 0xffff;
	uint32_t n, i, lo = 0, hi;
	struct fib_rib *nrib;
	int err;

	if (!c)
		return -ESRCH;
	rib = chunk_rib(c);
	n = c->nrib;
	hi = n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (rib_cmp(t, key, len, -0x7fffffff - 1, &rib[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < n && rib[i].lo == key && rib[i].len == len; i++)
		if (nh_matches(&t->nh[rib[i].nh], want, match))
			break;
	if (i == n || rib[i].lo != key || rib[i].len != len)
		return -ESRCH;
	*nh = rib[i].nh;
	err = scratch_reserve(t, n * sizeof(*rib) + (2 * n + 4) * sizeof(struct fib_range));
	if (err)
		return err;
	nrib = t->scratch;
	memcpy(nrib, rib, i * sizeof(*rib));
	memcpy(nrib + i, rib + i + 1, (n - i - 1) * sizeof(*rib));
	return chunk_install(t, prefix >> 16, nrib, n - 1,
			     (struct fib_range *)(uintptr_t)((char *)t->scratch +
							     pool_round(n * sizeof(*rib))));
}

/* ---- prefixes shorter than /16 and defaults ---- */

static uint16_t cover_of(const struct fib_table *t, uint32_t ci)
{
	int k;

	for (k = 15; k >= 1; k--) {
		if (t->short_tab[k]) {
			struct fib_alias *a = t->short_tab[k][ci >> (16 - k)];

			if (a)
				return a->nh;
		}
	}
	return FIB_NH_NONE;
}

/* The chunks under a shorter prefix at slot idx of length k take their
 * cover again. */
static void covers_update(struct fib_table *t, int k, uint32_t idx)
{
	uint32_t ci, end = (idx + 1) << (16 - k);

	for (ci = idx << (16 - k); ci < end; ci++) {
		uint16_t cover = cover_of(t, ci);
		uintptr_t d = t->dir[ci];

		if (dir_is_chunk(d))
			((struct fib_chunk *)d)->cover = cover;
		else
			t->dir[ci] = ((uintptr_t)cover << 1) | 1;
	}
}

/* The list a prefix shorter than /16 goes on (NULL: out of memory). */
static struct fib_alias **alias_list(struct fib_table *t, uint32_t prefix, int len)
{
	if (!len)
		return &t->dflt_list;
	if (!t->short_tab[len]) {
		t->short_tab[len] = kzalloc(((size_t)1 << len) * sizeof(struct fib_alias *));
		if (!t->short_tab[len])
			return NULL;
	}
	return &t->short_tab[len][prefix >> (32 - len)];
}

static void alias_changed(struct fib_table *t, uint32_t prefix, int len)
{
	if (len)
		covers_update(t, len, prefix >> (32 - len));
	else
		t->dflt = t->dflt_list ? t->dflt_list->nh : FIB_NH_NONE;
}

static int alias_insert(struct fib_table *t, uint32_t prefix, int len, uint16_t nh)
{
	struct fib_alias **pp = alias_list(t, prefix, len), *a;
	int metric = t->nh[nh].metric;

	if (!pp)
		return -ENOMEM;
	for (; *pp && t->nh[(*pp)->nh].metric < metric; pp = &(*pp)->next)
		;
	if (*pp && t->nh[(*pp)->nh].metric == metric)
		return -EEXIST;
	a = pool_alloc(&t->pool, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->nh = nh;
	a->next = *pp;
	*pp = a;
	if (a == *alias_list(t, prefix, len))
		alias_changed(t, prefix, len);
	return 0;
}

static int alias_delete(struct fib_table *t, uint32_t prefix, int len, const struct fib_nh *want,
			unsigned int match, uint16_t *nh)
{
	struct fib_alias **head = len && !t->short_tab[len] ? NULL : alias_list(t, prefix, len);
	struct fib_alias **pp, *a;

	if (!head)
		return -ESRCH;
	for (pp = head; *pp && !nh_matches(&t->nh[(*pp)->nh], want, match); pp = &(*pp)->next)
		;
	a = *pp;
	if (!a)
		return -ESRCH;
	*pp = a->next;
	*nh = a->nh;
	pool_free(&t->pool, a, sizeof(*a));
	if (pp == head)
		alias_changed(t, prefix, len);
	return 0;
}

/* ---- compaction ---- */

/* Moves block b (size bytes, in an old slab) into the current pool. */
static void *pool_move(struct fib_pool *p, void *b, size_t size, int *failed)
{
	void *n;

	if (*failed || pool_round(size) > FIB_POOL_MAX)
		return b;
	n = pool_alloc(p, size);
	if (!n) {
		*failed = 1;
		return b;
	}
	memcpy(n, b, size);
	return n;
}

static void alias_list_move(struct fib_table *t, struct fib_alias **pp, int *failed)
{
	for (; *pp; pp = &(*pp)->next)
		*pp = pool_move(&t->pool, *pp, sizeof(**pp), failed);
}

/*
 * A load of routes in random order grows every chunk through many size
 * classes, and the free lists keep the blocks it outgrew, not always of a
 * size that is asked for again.  When they hold more than an eighth of
 * the pool, everything is copied into fresh slabs and the old ones go:
 * the table keeps within 9/8 of what it uses, at the cost of a copy whose
 * amortised share of each update is small (the pool must grow by a
 * fraction of itself before the next one).  Out of memory halfway, the
 * blocks not yet moved stay where they are and the old slabs with them.
 */
static void pool_compact(struct fib_table *t)
{
	struct fib_pool *p = &t->pool;
	void *old = p->slabs, **tail;
	size_t old_bytes = p->nslabs * FIB_SLAB_SIZE;
	int failed = 0, k;
	uint32_t ci, i;

	if (p->free_bytes * 8 < p->bytes || p->bytes < 4 * FIB_SLAB_SIZE)
		return;
	memset(p->free, 0, FIB_NCLASS * sizeof(void *));
	p->free_bytes = 0;
	p->slabs = NULL;
	p->left = 0;
	p->nslabs = 0;
	p->bytes -= old_bytes;
	for (ci = 0; ci < FIB_DIR_SIZE; ci++) {
		struct fib_chunk *c = (struct fib_chunk *)t->dir[ci];

		if (dir_is_chunk(t->dir[ci]))
			t->dir[ci] = (uintptr_t)pool_move(p, c, chunk_size(c->nrange, c->nrib),
							  &failed);
	}
	alias_list_move(t, &t->dflt_list, &failed);
	for (k = 1; k < 16; k++)
		for (i = 0; t->short_tab[k] && i < (1u << k); i++)
			alias_list_move(t, &t->short_tab[k][i], &failed);
	if (failed) {
		for (tail = &p->slabs; *tail; tail = (void **)*tail)
			;
		*tail = old;
		p->bytes += old_bytes;
		p->nslabs += old_bytes / FIB_SLAB_SIZE;
		return;
	}
	while (old) {
		void *next = *(void **)old;

		kfree(old);
		old = next;
	}
}

/* ---- the table ---- */

struct fib_table *fib_table_new(void)
{
	struct fib_table *t = kzalloc(sizeof(*t));
	uint32_t i;

	if (!t)
		return NULL;
	t->dir = kmalloc(FIB_DIR_SIZE * sizeof(*t->dir));
	t->pool.free = kzalloc(FIB_NCLASS * sizeof(void *));
	t->nh_cap = 16;
	t->nh = kzalloc(t->nh_cap * sizeof(*t->nh));
	if (!t->dir || !t->pool.free || !t->nh) {
		kfree(t->dir);
		kfree(t->pool.free);
		kfree(t->nh);
		kfree(t);
		return NULL;
	}
	for (i = 0; i < FIB_DIR_SIZE; i++)
		t->dir[i] = 1; /* no route */
	t->nh_used = 1;	       /* index 0 is FIB_NH_NONE */
	return t;
}

void fib_table_free(struct fib_table *t)
{
	uint32_t i;
	int k;

	if (!t)
		return;
	/* chunks too large for the pool's classes are kmalloc'd on their own */
	for (i = 0; i < FIB_DIR_SIZE; i++)
		if (dir_is_chunk(t->dir[i]))
			chunk_free(t, (struct fib_chunk *)t->dir[i]);
	while (t->pool.slabs) {
		void *next = *(void **)t->pool.slabs;

		kfree(t->pool.slabs);
		t->pool.slabs = next;
	}
	for (k = 1; k < 16; k++)
		kfree(t->short_tab[k]);
	kfree(t->pool.free);
	kfree(t->scratch);
	kfree(t->nh);
	kfree(t->dir);
	kfree(t);
}

static int prefix_valid(uint32_t prefix, int len)
{
	return len >= 0 && len <= 32 && !(len < 32 && (prefix << len));
}

int fib_table_insert(struct fib_table *t, uint32_t prefix, int len, uint32_t gw,
		     struct net_device *dev, int metric)
{
	int idx, err;

	if (!prefix_valid(prefix, len))
		return -EINVAL;
	idx = nh_get(t, gw, dev, metric);
	if (idx < 0)
		return idx;
	if (len >= 16)
		err = chunk_insert(t, prefix, len, (uint16_t)idx);
	else
		err = alias_insert(t, prefix, len, (uint16_t)idx);
	if (err)
		return err;
	t->nh[idx].refcnt++;
	t->nroutes++;
	t->genid++;
	pool_compact(t);
	return 0;
}

int fib_table_delete(struct fib_table *t, uint32_t prefix, int len, const struct fib_nh *want,
		     unsigned int match)
{
	uint16_t nh = 0;
	int err;

	if (!prefix_valid(prefix, len))
		return -EINVAL;
	if (len >= 16)
		err = chunk_delete(t, prefix, len, want, match, &nh);
	else
		err = alias_delete(t, prefix, len, want, match, &nh);
	if (err)
		return err;
	t->nh[nh].refcnt--;
	t->nroutes--;
	t->genid++;
	pool_compact(t);
	return 0;
}

const struct fib_nh *fib_table_lookup_usable(const struct fib_table *t, uint32_t addr,
					     int (*usable)(const struct fib_nh *))
{
	uintptr_t d = t->dir[addr >> 16];
	const struct fib_alias *a;
	int k;

	if (dir_is_chunk(d)) {
		const struct fib_chunk *c = (const struct fib_chunk *)d;
		const struct fib_rib *rib = chunk_rib(c);
		uint32_t key = addr & 0xffff, i;
		int best_len = -1;
		uint16_t best = 0;

		/* sorted by address: the prefixes holding key start at or before it,
		 * and of equal ones the first usable has the lowest metric */
		for (i = 0; i < c->nrib && rib[i].lo <= key; i++)
			if (key - rib[i].lo < (1u << (32 - rib[i].len)) && rib[i].len > best_len &&
			    usable(&t->nh[rib[i].nh])) {
				best = rib[i].nh;
				best_len = rib[i].len;
			}
		if (best)
			return &t->nh[best];
	}
	for (k = 15; k >= 0; k--) {
		if (k && !t->short_tab[k])
			continue;
		a = k ? t->short_tab[k][addr >> (32 - k)] : t->dflt_list;
		for (; a; a = a->next)
			if (usable(&t->nh[a->nh]))
				return &t->nh[a->nh];
	}
	return NULL;
}

/* Walks one alias list from the cursor's j-th entry; 1 when it is done. */
static int walk_list(const struct fib_table *t, const struct fib_alias *a, uint32_t prefix, int len,
		     struct fib_cursor *cur, struct fib_route *out, int max, int *n)
{
	uint32_t j;

	for (j = 0; a && j < cur->j; j++)
		a = a->next;
	for (; a && *n < max; a = a->next, cur->j++) {
		out[*n].prefix = prefix;
		out[*n].len = len;
		out[*n].nh = &t->nh[a->nh];
		(*n)++;
	}
	return !a;
}

int fib_table_walk(const struct fib_table *t, struct fib_cursor *cur, struct fib_route *out,
		   int max)
{
	int n = 0;

	while (n < max && cur->k <= 16) {
		if (cur->k == 0 || (cur->k < 16 && t->short_tab[cur->k] && cur->i < (1u << cur->k))) {
			const struct fib_alias *a =
				cur->k ? t->short_tab[cur->k][cur->i] : t->dflt_list;
			uint32_t prefix = cur->k ? cur->i << (32 - cur->k) : 0;

			if (!walk_list(t, a, prefix, (int)cur->k, cur, out, max, &n))
				break;
			cur->j = 0;
			if (++cur->i >= (1u << cur->k)) {
				cur->k++;
				cur->i = 0;
			}
		} else if (cur->k < 16) {
			cur->k++;
			cur->i = 0;
		} else if (cur->i >= FIB_DIR_SIZE) {
			cur->k++;
		} else {
			uintptr_t d = t->dir[cur->i];
			const struct fib_chunk *c = (const struct fib_chunk *)d;

			for (; dir_is_chunk(d) && cur->j < c->nrib && n < max; cur->j++, n++) {
				const struct fib_rib *e = &chunk_rib(c)[cur->j];

				out[n].prefix = cur->i << 16 | e->lo;
				out[n].len = e->len;
				out[n].nh = &t->nh[e->nh];
			}
			if (dir_is_chunk(d) && cur->j < c->nrib)
				break;
			cur->i++;
			cur->j = 0;
		}
	}
	return n;
}

size_t fib_table_mem(const struct fib_table *t)
{
	size_t bytes = sizeof(*t) + FIB_DIR_SIZE * sizeof(*t->dir) + FIB_NCLASS * sizeof(void *) +
		       t->nh_cap * sizeof(*t->nh) + t->pool.bytes + t->scratch_size;
	int k;

	for (k = 1; k < 16; k++)
		if (t->short_tab[k])
			bytes += ((size_t)1 << k) * sizeof(struct fib_alias *);
	return bytes;
}
