/*
 * The sorted ranges that a DXR lookup searches (net/fib.h), built from
 * prefixes: a chunk's, and a small table's top.
 */
#include "net/fib.h"
#include "net/platform.h"

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
uint32_t fib_build_ranges(const struct fib_rib *rib, uint32_t n, struct fib_range *out)
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

const struct fib_range fib_cover_range = {0, FIB_NH_COVER};

/*
 * The lines a lookup picks among (net/fib.h): the smallest k such that
 * ranges r, n of them, lie within four windows of 2^k aligned 64-byte
 * lines (16 << k ranges); 0 for all but the chunks of more than 48
 * ranges or so.
 */
static unsigned int window_shift(const struct fib_range *r, uint32_t n)
{
	unsigned int k = 0;

	while ((((uintptr_t)r >> 2) & ((16u << k) - 1)) + n > (64u << k))
		k++;
	return k;
}

void fib_dirent_set(struct fib_dirent *e, const struct fib_range *r, uint32_t n, uint16_t cover)
{
	unsigned int k = window_shift(r, n), win = 16u << k, s;
	const struct fib_range *base =
		(const struct fib_range *)((uintptr_t)r & ~((uintptr_t)win * sizeof(*r) - 1));
	unsigned int last = (unsigned int)(r - base) + n - 1;

	e->w = (uint64_t)(uintptr_t)r | (uint64_t)(n - 1) << 48;
	e->cover = cover;
	/* windows past the first begin with a range that starts above 0 */
	for (s = 1; s < 4; s++)
		e->fence[s - 1] = win * s <= last ? (uint16_t)(base[win * s].start - 1) : 0xffff;
}

/* The search of net/fib.h's fib_table_lookup_dir over windows of 2^k
 * lines: the next hop of the last range starting at or before key. */
unsigned int fib_lookup_wide(const struct fib_dirent *e, unsigned int key)
{
	const struct fib_range *r = fib_dirent_ranges(e);
	uint32_t n = (uint32_t)(e->w >> 48) + 1;
	unsigned int k = window_shift(r, n), win = 16u << k, s = fib_dirent_line(e, key), h;
	const struct fib_range *base =
		(const struct fib_range *)((uintptr_t)r & ~((uintptr_t)win * sizeof(*r) - 1));
	unsigned int first = (unsigned int)(r - base), i = fib_max(win * s, first);
	unsigned int last = fib_min(win * s + win - 1, first + n - 1);

	for (h = win / 2; h; h /= 2)
		i = fib_cmov_le(i, fib_min(i + h, last), base[fib_min(i + h, last)].start, key);
	return base[i].nh;
}

static void top_emit(struct fib_table *t, uint32_t start, const struct fib_range *r, uint32_t n,
		     uint16_t cover)
{
	struct fib_dirent *prev = t->top_n ? &t->top_d[t->top_n - 1] : NULL;

	/* /16s without a chunk under the same cover are one range */
	if (prev && r == &fib_cover_range && fib_dirent_ranges(prev) == r && prev->cover == cover)
		return;
	t->top_start[t->top_n] = (uint16_t)start;
	fib_dirent_set(&t->top_d[t->top_n++], r, n, cover);
}

/*
 * Makes top what dir[] would hold: the chunks c at the sorted /16s ci,
 * over the ranges of /16s that the /9 to /15 cover.  Those ranges
 * are a chunk's ranges one level up: a slot of short_tab[k] is a prefix
 * of length 16 + k in the 16-bit space of /16s, and its head (the lowest
 * metric) the next hop, which is also the cover of the chunks it holds.
 * The size rule (fib_dxr.c, dir_make_room) keeps every array here within
 * FIB_TOP_MAX.
 */
void fib_top_build(struct fib_table *t, const uint16_t *ci, struct fib_chunk *const *cd,
		   uint32_t nc)
{
	struct fib_rib rib[FIB_TOP_MAX / 2], r;
	struct fib_range base[FIB_TOP_MAX];
	uint32_t n = 0, nb, i, j, k, c = 0, s, e;

	for (k = 9; k < 16; k++) { /* /1 to /8 are cover8's */
		for (i = 0; t->short_tab[k] && i < (1u << k); i++) {
			if (!t->short_tab[k][i])
				continue;
			rib[n].lo = (uint16_t)(i << (16 - k));
			rib[n].len = (uint8_t)(16 + k);
			rib[n].pad = 0;
			rib[n++].nh = t->short_tab[k][i]->nh;
		}
	}
	for (i = 1; i < n; i++) { /* by address, then length: a few dozen at most */
		r = rib[i];
		for (j = i; j > 0 && (rib[j - 1].lo > r.lo ||
				      (rib[j - 1].lo == r.lo && rib[j - 1].len > r.len));
		     j--)
			rib[j] = rib[j - 1];
		rib[j] = r;
	}
	nb = fib_build_ranges(rib, n, base);
	t->top_n = 0;
	for (i = 0; i < nb; i++) {
		uint16_t cover = base[i].nh == FIB_NH_COVER ? FIB_NH_NONE : base[i].nh;

		e = i + 1 < nb ? base[i + 1].start : FIB_DIR_SIZE;
		for (s = base[i].start; s < e;) {
			if (c < nc && ci[c] == s) {
				top_emit(t, s++, cd[c]->range, cd[c]->nrange, cover);
				c++;
				continue;
			}
			top_emit(t, s, &fib_cover_range, 1, cover);
			s = c < nc && ci[c] < e ? ci[c] : e;
		}
	}
}
