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

static void top_emit(struct fib_table *t, uint32_t start, uintptr_t d)
{
	if (t->top_n && t->top_d[t->top_n - 1] == d)
		return;
	t->top_start[t->top_n] = (uint16_t)start;
	t->top_d[t->top_n++] = d;
}

/*
 * Makes top what dir[] would hold: the chunks cd at the sorted /16s ci,
 * over the ranges of /16s that the shorter prefixes cover.  Those ranges
 * are a chunk's ranges one level up: a slot of short_tab[k] is a prefix
 * of length 16 + k in the 16-bit space of /16s, and its head (the lowest
 * metric) the next hop.  The size rule (fib_dxr.c, dir_make_room) keeps every array
 * here within FIB_TOP_MAX.
 */
void fib_top_build(struct fib_table *t, const uint16_t *ci, const uintptr_t *cd, uint32_t nc)
{
	struct fib_rib rib[FIB_TOP_MAX / 2], r;
	struct fib_range base[FIB_TOP_MAX];
	uint32_t n = 0, nb, i, j, k, c = 0, s, e;

	for (k = 1; k < 16; k++) {
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
		uintptr_t d = fib_dir_tagged(base[i].nh == FIB_NH_COVER ? FIB_NH_NONE : base[i].nh);

		e = i + 1 < nb ? base[i + 1].start : FIB_DIR_SIZE;
		for (s = base[i].start; s < e;) {
			if (c < nc && ci[c] == s) {
				top_emit(t, s++, cd[c++]);
				continue;
			}
			top_emit(t, s, d);
			s = c < nc && ci[c] < e ? ci[c] : e;
		}
	}
}
