/*
 * The DXR forwarding table (net/fib.h explains the layout and the choice).
 * Everything is allocated to the table's size: the 2^16-entry direct
 * table only once the table outgrows its top ranges; chunks and aliases
 * from a pool of slabs (8 KiB, growing to 64 KiB) cut in 8-byte size
 * classes (kmalloc's power-of-two classes would waste a third of a chunk
 * on average: net/fib_pool.c); the short-prefix slots per length on
 * first use.  Every failure is -ENOMEM with the table as it was.
 */
#include "net/fib.h"
#include "net/platform.h"

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

static int scratch_reserve(struct fib_table *t, size_t size)
{
	void *s;

	if (size <= t->scratch_size)
		return 0;
	size = size < 2048 ? 2048 : size * 2; /* 2048: kmalloc's largest class, not 2 pages */
	s = kmalloc(size);
	if (!s)
		return -ENOMEM;
	kfree(t->scratch);
	t->scratch = s;
	t->scratch_size = size;
	return 0;
}

/* ---- the direct table, or top while the table is small (net/fib.h) ---- */

/* The chunks top holds, by /16: how many. */
static uint32_t top_chunks(const struct fib_table *t, uint16_t *ci, struct fib_chunk **cd)
{
	uint32_t i, n = 0;

	for (i = 0; i < t->top_n; i++) {
		struct fib_chunk *c = fib_dirent_chunk(&t->top_d[i]);

		if (c) {
			ci[n] = t->top_start[i];
			cd[n++] = c;
		}
	}
	return n;
}

/* /16 ci takes chunk c (NULL: none), under the cover it has. */
static void dir_store(struct fib_table *t, uint32_t ci, struct fib_chunk *c)
{
	uint16_t cis[FIB_TOP_MAX];
	struct fib_chunk *cds[FIB_TOP_MAX];
	uint32_t i, n;

	if (t->dir) {
		struct fib_dirent *e = &t->dir[ci];

		if (c)
			fib_dirent_set(e, c->range, c->nrange, e->cover);
		else
			fib_dirent_set(e, &fib_cover_range, 1, e->cover);
		return;
	}
	n = top_chunks(t, cis, cds);
	for (i = 0; i < n && cis[i] < ci; i++)
		;
	if (i < n && cis[i] == ci) {
		memmove(cis + i, cis + i + 1, (n - i - 1) * sizeof(*cis));
		memmove(cds + i, cds + i + 1, (n - i - 1) * sizeof(*cds));
		n--;
	}
	if (c) {
		memmove(cis + i + 1, cis + i, (n - i) * sizeof(*cis));
		memmove(cds + i + 1, cds + i, (n - i) * sizeof(*cds));
		cis[i] = (uint16_t)ci;
		cds[i] = c;
		n++;
	}
	fib_top_build(t, cis, cds, n);
}

static int dir_grow(struct fib_table *t)
{
	struct fib_dirent *dir = kmalloc(FIB_DIR_SIZE * sizeof(*dir));
	uint32_t i, ci, end;

	if (!dir)
		return -ENOMEM;
	for (i = 0; i < t->top_n; i++) {
		end = i + 1 < t->top_n ? t->top_start[i + 1] : FIB_DIR_SIZE;
		for (ci = t->top_start[i]; ci < end; ci++)
			dir[ci] = t->top_d[i];
	}
	t->dir = dir;
	return 0;
}

/*
 * Before inserting prefix/len: a small table whose top might not hold it
 * takes its direct table (-ENOMEM: none, and the table as it was).  Top
 * holds at most two ranges per chunk and per slot, plus one.
 */
static int dir_make_room(struct fib_table *t, uint32_t prefix, int len)
{
	uint32_t more;

	if (t->dir || !len)
		return 0;
	if (len >= 16)
		more = !fib_dirent_chunk(fib_dir_at(t, prefix >> 16));
	else
		more = !t->short_tab[len] || !t->short_tab[len][prefix >> (32 - len)];
	if (2 * (t->nchunk + t->nshort + more) + 1 <= FIB_TOP_MAX)
		return 0;
	return dir_grow(t);
}

/* After a delete: down to half of what top holds, the direct table goes. */
static void dir_shrink(struct fib_table *t)
{
	uint16_t cis[FIB_TOP_MAX];
	struct fib_chunk *cds[FIB_TOP_MAX];
	uint32_t ci, n = 0;

	if (!t->dir || 2 * (t->nchunk + t->nshort) + 1 > FIB_TOP_MAX / 2)
		return;
	for (ci = 0; ci < FIB_DIR_SIZE; ci++) {
		struct fib_chunk *c = fib_dirent_chunk(&t->dir[ci]);

		if (c) {
			cis[n] = (uint16_t)ci;
			cds[n++] = c;
		}
	}
	kfree(t->dir);
	t->dir = NULL;
	fib_top_build(t, cis, cds, n);
}

/* Where the compaction's walk (net/fib_pool.c) finds a prefix shorter
 * than /16. */
static uint32_t alias_place(uint32_t prefix, int len)
{
	if (!len)
		return FIB_DIR_SIZE + FIB_SHORT_SLOTS;
	return FIB_DIR_SIZE + (1u << len) - 2 + (prefix >> (32 - len));
}

/* The chunk of /16 ci. */
static void chunk_free(struct fib_table *t, struct fib_chunk *c, uint32_t ci)
{
	fib_pool_free(&t->pool, c, fib_chunk_size(c->nrange, c->nrib), ci);
}

/*
 * Makes chunk ci hold the n sorted prefixes rib (which may lie in the
 * scratch area, below `ranges`): builds the ranges, allocates the new
 * chunk, swaps it in, frees the old one.
 */
static int chunk_install(struct fib_table *t, uint32_t ci, const struct fib_rib *rib, uint32_t n,
			 struct fib_range *ranges)
{
	struct fib_chunk *old = fib_dirent_chunk(fib_dir_at(t, ci)), *c = NULL;
	uint32_t nr;

	if (n) {
		nr = fib_build_ranges(rib, n, ranges);
		c = fib_pool_alloc(&t->pool, fib_chunk_size(nr, n));
		if (!c)
			return -ENOMEM;
		c->nrange = nr;
		c->nrib = n;
		memcpy(c->range, ranges, nr * sizeof(*ranges));
		memcpy(fib_chunk_rib(c), rib, n * sizeof(*rib));
	}
	if (!old != !c)
		t->nchunk = c ? t->nchunk + 1 : t->nchunk - 1;
	dir_store(t, ci, c);
	if (old)
		chunk_free(t, old, ci);
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
	const struct fib_chunk *c = fib_dirent_chunk(fib_dir_at(t, prefix >> 16));
	const struct fib_rib *rib = c ? fib_chunk_rib(c) : NULL;
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
	return chunk_install(
		t, prefix >> 16, nrib, n + 1,
		(struct fib_range *)(uintptr_t)((char *)t->scratch +
						fib_pool_round((n + 1) * sizeof(*rib))));
}

static int chunk_delete(struct fib_table *t, uint32_t prefix, int len, const struct fib_nh *want,
			unsigned int match, uint16_t *nh)
{
	const struct fib_chunk *c = fib_dirent_chunk(fib_dir_at(t, prefix >> 16));
	const struct fib_rib *rib;
	uint16_t key = prefix & 0xffff;
	uint32_t n, i, lo = 0, hi;
	struct fib_rib *nrib;
	int err;

	if (!c)
		return -ESRCH;
	rib = fib_chunk_rib(c);
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
							     fib_pool_round(n * sizeof(*rib))));
}

/* ---- prefixes shorter than /16 and defaults ---- */

/* The best prefix of /from down to /to over the slot i of /from (the
 * head of the longest one's list: the lowest metric). */
static uint16_t best_short(const struct fib_table *t, int from, int to, uint32_t i)
{
	int k;

	for (k = from; k >= to; k--, i >>= 1) {
		if (t->short_tab[k]) {
			struct fib_alias *a = t->short_tab[k][i];

			if (a)
				return a->nh;
		}
	}
	return FIB_NH_NONE;
}

/*
 * The slot idx of length k changed: the /16s under it take their cover
 * again (k of 9 to 15: at most 128 of them), or the /8s under it their
 * cover8 (k of 0 to 8: at most 256).
 */
static void covers_update(struct fib_table *t, int k, uint32_t idx)
{
	uint32_t ci, end, n;
	uint16_t cis[FIB_TOP_MAX], nh;
	struct fib_chunk *cds[FIB_TOP_MAX];

	if (k <= 8) {
		end = k ? (idx + 1) << (8 - k) : 256;
		for (ci = k ? idx << (8 - k) : 0; ci < end; ci++) {
			nh = best_short(t, 8, 1, ci);
			if (nh == FIB_NH_NONE && t->dflt_list)
				nh = t->dflt_list->nh;
			t->cover8[ci] = nh;
		}
		return;
	}
	if (!t->dir) { /* top's build finds the covers */
		n = top_chunks(t, cis, cds);
		fib_top_build(t, cis, cds, n);
		return;
	}
	end = (idx + 1) << (16 - k);
	for (ci = idx << (16 - k); ci < end; ci++)
		t->dir[ci].cover = best_short(t, 15, 9, ci >> 1);
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
	covers_update(t, len, len ? prefix >> (32 - len) : 0);
}

static int alias_insert(struct fib_table *t, uint32_t prefix, int len, uint16_t nh)
{
	struct fib_alias **pp = alias_list(t, prefix, len), *a;
	int metric = t->nh[nh].metric, empty;

	if (!pp)
		return -ENOMEM;
	empty = !*pp;
	for (; *pp && t->nh[(*pp)->nh].metric < metric; pp = &(*pp)->next)
		;
	if (*pp && t->nh[(*pp)->nh].metric == metric)
		return -EEXIST;
	a = fib_pool_alloc(&t->pool, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->nh = nh;
	a->next = *pp;
	*pp = a;
	if (len && empty)
		t->nshort++;
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
	fib_pool_free(&t->pool, a, sizeof(*a), alias_place(prefix, len));
	if (len && !*head)
		t->nshort--;
	if (pp == head)
		alias_changed(t, prefix, len);
	return 0;
}

/* ---- the table ---- */

struct fib_table *fib_table_new(void)
{
	struct fib_table *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->pool.free = kzalloc(FIB_NCLASS * sizeof(void *));
	t->nh_cap = 16;
	t->nh = kzalloc(t->nh_cap * sizeof(*t->nh));
	if (!t->pool.free || !t->nh) {
		kfree(t->pool.free);
		kfree(t->nh);
		kfree(t);
		return NULL;
	}
	t->top_n = 1; /* small: one range, no route */
	fib_dirent_set(&t->top_d[0], &fib_cover_range, 1, FIB_NH_NONE);
	t->nh_used = 1; /* index 0 is FIB_NH_NONE */
	return t;
}

void fib_table_free(struct fib_table *t)
{
	uint32_t i;
	int k;

	if (!t)
		return;
	/* chunks too large for the pool's classes are kmalloc'd on their own */
	for (i = 0; i < (t->dir ? FIB_DIR_SIZE : t->top_n); i++) {
		struct fib_chunk *c = fib_dirent_chunk(t->dir ? &t->dir[i] : &t->top_d[i]);

		if (c)
			chunk_free(t, c, i);
	}
	while (t->pool.slabs) {
		void *next = *(void **)t->pool.slabs;

		kfree(t->pool.slabs);
		t->pool.slabs = next;
	}
	while (t->pool.old) {
		void *next = *(void **)t->pool.old;

		kfree(t->pool.old);
		t->pool.old = next;
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
	err = dir_make_room(t, prefix, len);
	if (err)
		return err;
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
	fib_pool_compact(t);
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
	dir_shrink(t);
	fib_pool_compact(t);
	return 0;
}

size_t fib_table_mem(const struct fib_table *t)
{
	size_t bytes = sizeof(*t) + (t->dir ? FIB_DIR_SIZE * sizeof(*t->dir) : 0) +
		       FIB_NCLASS * sizeof(void *) + t->nh_cap * sizeof(*t->nh) + t->pool.bytes +
		       t->scratch_size;
	int k;

	for (k = 1; k < 16; k++)
		if (t->short_tab[k])
			bytes += ((size_t)1 << k) * sizeof(struct fib_alias *);
	return bytes;
}
