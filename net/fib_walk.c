/*
 * The DXR forwarding table's read-only side beside the lookup (net/fib.h):
 * the slow path past unusable next hops, and the walk.
 */
#include "net/fib.h"
#include "net/platform.h"

const struct fib_nh *fib_table_lookup_usable(const struct fib_table *t, uint32_t addr,
					     int (*usable)(const struct fib_nh *))
{
	const struct fib_chunk *c = fib_dirent_chunk(fib_dir_at(t, addr >> 16));
	const struct fib_alias *a;
	int k;

	if (c) {
		const struct fib_rib *rib = fib_chunk_rib(c);
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
		if (cur->k == 0 ||
		    (cur->k < 16 && t->short_tab[cur->k] && cur->i < (1u << cur->k))) {
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
			const struct fib_chunk *c = fib_dirent_chunk(fib_dir_at(t, cur->i));

			for (; c && cur->j < c->nrib && n < max; cur->j++, n++) {
				const struct fib_rib *e = &fib_chunk_rib(c)[cur->j];

				out[n].prefix = cur->i << 16 | e->lo;
				out[n].len = e->len;
				out[n].nh = &t->nh[e->nh];
			}
			if (c && cur->j < c->nrib)
				break;
			cur->i++;
			cur->j = 0;
		}
	}
	return n;
}
