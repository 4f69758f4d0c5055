/*
 * The DXR routing table (net/fib_dxr.c) and route.c over it: longest
 * prefix match over overlapping prefixes /0../32, metrics, add/delete,
 * duplicates, the walk, out-of-memory, the slow path past down devices,
 * small tables without the direct table and the move to and from one,
 * random tables against a brute-force reference, and the generation
 * number that sockets' cached routes are checked against (the pool's
 * compaction: test_fib_pool.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/fib.h"
#include "net/ip.h"
#include "net/route.h"
#include "net/netctl.h"
#include "net/netdevice.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"

#define NDEV 4
static struct net_device devs[NDEV];

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint32_t pmask(int len) { return len ? 0xffffffffu << (32 - len) : 0; }

/* ---- the brute-force reference ---- */

struct ref_route {
	uint32_t prefix;
	int len;
	uint32_t gw;
	struct net_device *dev;
	int metric;
	int live;
};

static const struct ref_route *ref_lookup(const struct ref_route *r, int n, uint32_t addr,
					  int only_up)
{
	const struct ref_route *best = NULL;
	int i;

	for (i = 0; i < n; i++) {
		if (!r[i].live || (addr & pmask(r[i].len)) != r[i].prefix)
			continue;
		if (only_up && !(r[i].dev->flags & IFF_UP))
			continue;
		if (!best || r[i].len > best->len ||
		    (r[i].len == best->len && r[i].metric < best->metric))
			best = &r[i];
	}
	return best;
}

static int nh_up(const struct fib_nh *nh) { return (nh->dev->flags & IFF_UP) != 0; }

static void check_same(const struct fib_table *t, const struct ref_route *r, int n, uint32_t addr,
		       int only_up)
{
	const struct ref_route *want = ref_lookup(r, n, addr, only_up);
	const struct fib_nh *got =
		only_up ? fib_table_lookup_usable(t, addr, nh_up) : fib_table_lookup(t, addr);

	if (!want) {
		if (got)
			fail_msg("%08x: got gw %08x, want no route", addr, got->gw);
		return;
	}
	if (!got || got->gw != want->gw || got->dev != want->dev || got->metric != want->metric)
		fail_msg("%08x: got gw %08x metric %d, want %08x/%d gw %08x metric %d", addr,
			 got ? got->gw : 0, got ? got->metric : -1, want->prefix, want->len,
			 want->gw, want->metric);
}

static int group_setup(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NDEV; i++) {
		devs[i].flags = IFF_UP;
		devs[i].name[0] = 'd';
		devs[i].name[1] = (char)('0' + i);
	}
	return 0;
}

/* ---- fixed cases ---- */

/* A prefix of every length on one address: each neighbour of it, differing
 * first at bit b, takes the /b. */
static void test_overlapping_all_lengths(void **state)
{
	struct fib_table *t = fib_table_new();
	uint32_t base = 0xc0a80101u; /* 192.168.1.1 */
	int len, b, order[33], i;

	(void)state;
	assert_non_null(t);
	assert_null(fib_table_lookup(t, base));
	for (len = 0; len <= 32; len++)
		assert_int_equal(
			fib_table_insert(t, base & pmask(len), len, 1000 + len, &devs[0], 0), 0);
	assert_int_equal(t->nroutes, 33);
	assert_int_equal(fib_table_lookup(t, base)->gw, 1032);
	for (b = 0; b < 32; b++)
		assert_int_equal(fib_table_lookup(t, base ^ (0x80000000u >> b))->gw, 1000 + b);

	/* Delete in a shuffled order; each time the longest left answers. */
	for (i = 0; i <= 32; i++)
		order[i] = i;
	for (i = 32; i > 0; i--) {
		int j = (int)(rnd() % (uint32_t)(i + 1)), tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	for (i = 0; i <= 32; i++) {
		int longest = -1;

		assert_int_equal(fib_table_delete(t, base & pmask(order[i]), order[i], NULL, 0), 0);
		for (len = 0; len <= 32; len++) {
			int gone = 0, k;

			for (k = 0; k <= i; k++)
				gone |= order[k] == len;
			if (!gone)
				longest = len;
		}
		if (longest < 0)
			assert_null(fib_table_lookup(t, base));
		else
			assert_int_equal(fib_table_lookup(t, base)->gw, 1000 + longest);
	}
	assert_int_equal(t->nroutes, 0);
	fib_table_free(t);
}

static void test_metrics_duplicates_and_errors(void **state)
{
	struct fib_table *t = fib_table_new();
	struct fib_nh want = {.metric = 5};
	uint32_t p24 = 0x0a010200u, p8 = 0x0a000000u;

	(void)state;
	/* /24 (chunk) and /8 (short prefix) and /0 each with three metrics */
	for (uint32_t p = 0; p < 3; p++) {
		uint32_t pre = p == 0 ? p24 : p == 1 ? p8 : 0;
		int len = p == 0 ? 24 : p == 1 ? 8 : 0;

		assert_int_equal(fib_table_insert(t, pre, len, 10, &devs[0], 10), 0);
		assert_int_equal(fib_table_insert(t, pre, len, 5, &devs[1], 5), 0);
		assert_int_equal(fib_table_insert(t, pre, len, 20, &devs[2], 20), 0);
		assert_int_equal(fib_table_insert(t, pre, len, 99, &devs[3], 5), -EEXIST);
		assert_int_equal(fib_table_lookup(t, pre | 7)->metric, 5);
		/* the slow path: the best's device down, the next metric answers */
		devs[1].flags = 0;
		assert_int_equal(fib_table_lookup_usable(t, pre | 7, nh_up)->metric, 10);
		devs[1].flags = IFF_UP;
		assert_int_equal(fib_table_delete(t, pre, len, &want, FIB_MATCH_METRIC), 0);
		assert_int_equal(fib_table_delete(t, pre, len, &want, FIB_MATCH_METRIC), -ESRCH);
		assert_int_equal(fib_table_lookup(t, pre | 7)->metric, 10);
	}
	/* a down /24 gives way to the /8, then the /0 */
	devs[0].flags = 0;
	devs[2].flags = 0;
	assert_null(fib_table_lookup_usable(t, p24 | 7, nh_up));
	devs[2].flags = IFF_UP;
	assert_int_equal(fib_table_lookup_usable(t, p24 | 7, nh_up)->metric, 20);
	devs[0].flags = IFF_UP;
	/* errors */
	assert_int_equal(fib_table_insert(t, 0x0a010201u, 24, 1, &devs[0], 0), -EINVAL);
	assert_int_equal(fib_table_insert(t, 0, 33, 1, &devs[0], 0), -EINVAL);
	assert_int_equal(fib_table_insert(t, 0, -1, 1, &devs[0], 0), -EINVAL);
	assert_int_equal(fib_table_delete(t, 0x0b000000u, 8, NULL, 0), -ESRCH);
	assert_int_equal(fib_table_delete(t, 0x0b0b0000u, 16, NULL, 0), -ESRCH);
	assert_int_equal(fib_table_delete(t, 0x0a010300u, 24, NULL, 0), -ESRCH);
	want.gw = 11;
	assert_int_equal(fib_table_delete(t, p24, 24, &want, FIB_MATCH_GW), -ESRCH);
	want.gw = 10;
	assert_int_equal(fib_table_delete(t, p24, 24, &want, FIB_MATCH_GW), 0);
	assert_int_equal(fib_table_lookup(t, p24 | 7)->gw, 20);
	fib_table_free(t);
}

static void test_walk_pages(void **state)
{
	struct fib_table *t = fib_table_new();
	struct fib_cursor cur = {0};
	struct fib_route out[7];
	static uint8_t seen[400];
	int i, n, total = 0;

	(void)state;
	/* 100 /24s in one chunk, 100 spread, 100 short, a few defaults */
	for (i = 0; i < 100; i++) {
		assert_int_equal(fib_table_insert(t, 0x0a010000u | (uint32_t)i << 8, 24,
						  (uint32_t)i, &devs[0], 0),
				 0);
		assert_int_equal(fib_table_insert(t, (uint32_t)(i + 1) << 24 | 0x00630000u, 16,
						  (uint32_t)(100 + i), &devs[1], 0),
				 0);
		assert_int_equal(fib_table_insert(t, (uint32_t)(i + 1) << 24, 8 + i % 8,
						  (uint32_t)(200 + i), &devs[2], i),
				 0);
	}
	for (i = 0; i < 3; i++)
		assert_int_equal(fib_table_insert(t, 0, 0, (uint32_t)(300 + i), &devs[3], i), 0);
	while ((n = fib_table_walk(t, &cur, out, 7)) > 0) {
		for (i = 0; i < n; i++) {
			uint32_t gw = out[i].nh->gw;

			assert_true(gw < 303);
			assert_int_equal(seen[gw], 0);
			seen[gw] = 1;
			assert_int_equal(out[i].prefix & ~pmask(out[i].len), 0);
			total++;
		}
	}
	assert_int_equal((uint32_t)total, t->nroutes);
	/* the defaults come first, in metric order */
	memset(&cur, 0, sizeof(cur));
	assert_int_equal(fib_table_walk(t, &cur, out, 2), 2);
	assert_int_equal(out[0].nh->gw, 300);
	assert_int_equal(out[1].nh->gw, 301);
	fib_table_free(t);
}

/* Every allocation an insert makes failing in turn: -ENOMEM, the table as
 * it was, no leak. */
static void test_out_of_memory(void **state)
{
	long base = fake_kmalloc_in_use(), nth;
	struct fib_table *t;
	int err;

	(void)state;
	for (nth = 1; nth < 8; nth++) {
		fake_kmalloc_fail_nth(nth);
		t = fib_table_new();
		fake_kmalloc_fail_nth(0);
		if (t)
			fib_table_free(t);
		assert_int_equal(fake_kmalloc_in_use(), base);
	}
	t = fib_table_new();
	assert_non_null(t);
	assert_int_equal(fib_table_insert(t, 0x0a000000u, 8, 1, &devs[0], 0), 0);
	for (nth = 1;; nth++) {
		uint32_t gen = t->genid;

		fake_kmalloc_fail_nth(nth);
		err = fib_table_insert(t, 0x0a0b0c00u, 24, 2, &devs[1], 0);
		fake_kmalloc_fail_nth(0);
		if (!err)
			break;
		assert_int_equal(err, -ENOMEM);
		assert_int_equal(t->genid, gen);
		assert_int_equal(fib_table_lookup(t, 0x0a0b0c01u)->gw, 1);
		err = fib_table_insert(t, 0x0b000000u, 9, 3, &devs[0], 0);
		if (err == -ENOMEM)
			continue;
	}
	assert_int_equal(fib_table_lookup(t, 0x0a0b0c01u)->gw, 2);
	fib_table_free(t);
	assert_int_equal(fake_kmalloc_in_use(), base);
}

/* Every lookup the reference answers at each live prefix's edges and at
 * random addresses near them, one at a time and in a batch. */
static void check_edges(const struct fib_table *t, const struct ref_route *r, int n)
{
	uint32_t a[4];
	uint16_t b[4];
	int i, j;

	for (i = 0; i < n; i++) {
		a[0] = r[i].prefix;
		a[1] = r[i].prefix - 1;
		a[2] = r[i].prefix | ~pmask(r[i].len);
		a[3] = a[2] + 1;
		fib_table_lookup_batch(t, a, b, 4);
		for (j = 0; j < 4; j++) {
			check_same(t, r, n, a[j], 0);
			assert_int_equal(b[j], fib_table_lookup_index(t, a[j]));
		}
		check_same(t, r, n, r[i].prefix ^ (rnd() & 0xfffff), 0);
	}
}

/*
 * A small table has no direct table: a host's routes cost a few KiB.  It
 * takes one when its /16 ranges would no longer fit (after one refused for
 * want of memory, with the table as it was), and gives it back when
 * deletes have left it at half of that; every lookup agrees with the
 * reference all the way up and down.
 */
static void test_small_table_without_direct_table(void **state)
{
	enum { NR = 80 };
	struct ref_route r[NR];
	struct fib_table *t = fib_table_new();
	int n = 0, i, grew = -1, refused = 0, err;

	(void)state;
	assert_non_null(t);
	/* a host's table: loopback, its subnet, a default route */
	assert_int_equal(fib_table_insert(t, 0x7f000000u, 8, 0, &devs[0], 0), 0);
	assert_int_equal(fib_table_insert(t, 0x0a000200u, 24, 0, &devs[1], 0), 0);
	assert_int_equal(fib_table_insert(t, 0, 0, 0x0a000202u, &devs[1], 0), 0);
	assert_null(t->dir);
	assert_true(fib_table_mem(t) < 16 * 1024 + 65536);
	assert_int_equal(fib_table_lookup(t, 0x7f000001u)->dev, &devs[0]);
	assert_int_equal(fib_table_lookup(t, 0x0a000205u)->dev, &devs[1]);
	assert_int_equal(fib_table_lookup(t, 0x08080808u)->gw, 0x0a000202u);
	assert_int_equal(fib_table_delete(t, 0x7f000000u, 8, NULL, 0), 0);
	assert_int_equal(fib_table_delete(t, 0x0a000200u, 24, NULL, 0), 0);
	assert_int_equal(fib_table_delete(t, 0, 0, NULL, 0), 0);

	while (n < NR) {
		uint32_t x = rnd() % 3;
		int len = x == 0 ? 1 + (int)(rnd() % 15) : 16 + (int)(rnd() % 17);

		r[n].len = len;
		r[n].prefix = (0x0a000000u ^ (rnd() << 8)) & pmask(len);
		r[n].gw = 1 + rnd() % 8;
		r[n].dev = &devs[rnd() % NDEV];
		r[n].metric = (int)(rnd() % 2);
		r[n].live = 1;
		if (!t->dir) {
			long nth;

			/* whichever allocation fails, the table stays as it was */
			for (nth = 1; nth < 4; nth++) {
				fake_kmalloc_fail_nth(nth);
				err = fib_table_insert(t, r[n].prefix, len, r[n].gw, r[n].dev,
						       r[n].metric);
				fake_kmalloc_fail_nth(0);
				if (err != -ENOMEM)
					break;
				refused++;
				check_edges(t, r, n);
			}
		} else {
			err = fib_table_insert(t, r[n].prefix, len, r[n].gw, r[n].dev, r[n].metric);
		}
		if (err == -EEXIST)
			continue;
		assert_int_equal(err, 0);
		n++;
		if (t->dir && grew < 0)
			grew = n;
		check_edges(t, r, n);
	}
	assert_true(grew > 10 && grew < NR);
	assert_true(refused > 0);
	for (i = NR - 1; i >= 0; i--) {
		struct fib_nh want = {r[i].gw, r[i].dev, r[i].metric, 0};

		assert_int_equal(fib_table_delete(t, r[i].prefix, r[i].len, &want,
						  FIB_MATCH_GW | FIB_MATCH_DEV | FIB_MATCH_METRIC),
				 0);
		r[i].live = 0;
		check_edges(t, r, NR);
	}
	assert_null(t->dir);
	assert_int_equal(t->top_n, 1);
	fib_table_free(t);
}

/* Random tables against the reference: prefixes around a few hundred base
 * addresses (so they nest), every length, random metrics and devices;
 * lookups at random addresses and at every prefix's edges; then half the
 * routes deleted, and some devices down. */
static void test_random_against_reference(void **state)
{
	enum { NR = 3000, NLOOK = 20000 };
	struct ref_route *r = calloc(NR, sizeof(*r));
	struct fib_table *t = fib_table_new();
	uint32_t bases[300];
	int i, n = 0, round, del;

	(void)state;
	assert_non_null(r);
	assert_non_null(t);
	for (i = 0; i < 300; i++)
		bases[i] = rnd();
	while (n < NR) {
		uint32_t x = rnd() % 10;
		int len = x < 5 ? 16 + (int)(rnd() % 17) : x < 8 ? 24 : (int)(rnd() % 16);
		int err;

		r[n].len = len;
		r[n].prefix = (bases[rnd() % 300] ^ (rnd() & 0x3ffff)) & pmask(len);
		r[n].gw = rnd() % 64; /* few distinct next hops, as in a real table */
		r[n].dev = &devs[rnd() % NDEV];
		r[n].metric = (int)(rnd() % 3);
		r[n].live = 1;
		err = fib_table_insert(t, r[n].prefix, len, r[n].gw, r[n].dev, r[n].metric);
		if (err == -EEXIST)
			continue;
		assert_int_equal(err, 0);
		n++;
	}
	assert_int_equal(t->nroutes, NR);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < NLOOK; i++) {
			uint32_t a = i & 1 ? rnd() : (bases[rnd() % 300] ^ (rnd() & 0x3ffff));

			check_same(t, r, n, a, round == 2);
		}
		for (i = 0; i < 1000; i++) {
			uint32_t a[37];
			uint16_t b[37];
			int j;

			for (j = 0; j < 37; j++)
				a[j] = j & 1 ? rnd() : r[rnd() % n].prefix | (rnd() & 0xff);
			fib_table_lookup_batch(t, a, b, 37);
			for (j = 0; j < 37; j++)
				assert_int_equal(b[j], fib_table_lookup_index(t, a[j]));
		}
		for (i = 0; i < n; i++) {
			uint32_t end = r[i].prefix | ~pmask(r[i].len);

			check_same(t, r, n, r[i].prefix, round == 2);
			check_same(t, r, n, r[i].prefix - 1, round == 2);
			check_same(t, r, n, end, round == 2);
			check_same(t, r, n, end + 1, round == 2);
		}
		if (round == 0) {
			/* delete half, each by its exact next hop */
			for (del = 0, i = 0; i < n; i++) {
				struct fib_nh want = {r[i].gw, r[i].dev, r[i].metric, 0};

				if (rnd() & 1)
					continue;
				assert_int_equal(fib_table_delete(t, r[i].prefix, r[i].len, &want,
								  FIB_MATCH_GW | FIB_MATCH_DEV |
									  FIB_MATCH_METRIC),
						 0);
				r[i].live = 0;
				del++;
			}
			assert_int_equal(t->nroutes, NR - del);
		} else if (round == 1) {
			devs[1].flags = 0;
			devs[2].flags = 0;
		}
	}
	devs[1].flags = IFF_UP;
	devs[2].flags = IFF_UP;
	free(r);
	fib_table_free(t);
}

/*
 * Prefixes of /0 to /15 added and deleted at random over a table with its
 * direct table (40 /16s of longer prefixes), so that every kind of cover
 * changes: the /9 to /15 in the dir entries, the /1 to /8 and the
 * defaults in cover8[] (net/fib.h), each beneath the others.  After every
 * change, each live prefix's edges and a random address near it answer as
 * the reference does, one at a time and in a batch.
 */
static void test_short_prefixes_over_direct_table(void **state)
{
	enum { NLONG = 40, NSHORT = 120, CHANGES = 600 };
	struct ref_route r[NLONG + NSHORT];
	struct fib_table *t = fib_table_new();
	int i, k, err;

	(void)state;
	memset(r, 0, sizeof(r));
	for (i = 0; i < NLONG; i++) {
		r[i].len = 16 + (int)(rnd() % 17);
		r[i].prefix = (0x80000000u ^ (rnd() & 0x3fffffffu)) & pmask(r[i].len);
		r[i].gw = 100 + i;
		r[i].dev = &devs[0];
		r[i].live = fib_table_insert(t, r[i].prefix, r[i].len, r[i].gw, r[i].dev, 0) == 0;
	}
	assert_non_null(t->dir);
	for (i = NLONG; i < NLONG + NSHORT; i++) {
		/* short lengths over few /8s (0x80 to 0x83), so that they nest */
		r[i].len = (int)(rnd() % 16);
		r[i].prefix = (0x80000000u | (rnd() & 0x03ffffffu)) & pmask(r[i].len);
		r[i].gw = 200 + i;
		r[i].dev = &devs[0];
		r[i].metric = (int)(rnd() % 2);
	}
	for (k = 0; k < CHANGES; k++) {
		i = NLONG + (int)(rnd() % NSHORT);
		if (r[i].live) {
			struct fib_nh want = {r[i].gw, r[i].dev, r[i].metric, 0};

			assert_int_equal(fib_table_delete(t, r[i].prefix, r[i].len, &want,
							  FIB_MATCH_GW | FIB_MATCH_METRIC),
					 0);
			r[i].live = 0;
		} else {
			err = fib_table_insert(t, r[i].prefix, r[i].len, r[i].gw, r[i].dev,
					       r[i].metric);
			if (err == -EEXIST) /* the same prefix and metric is live */
				continue;
			assert_int_equal(err, 0);
			r[i].live = 1;
		}
		check_edges(t, r, NLONG + NSHORT);
	}
	fib_table_free(t);
}

/*
 * fib_table_lookup_batch against single lookups for every burst length
 * from 0 to past three times its pipeline's depth (so that bursts end in
 * each of its stages), at every offset of a key array mixing what takes
 * each path: a wide chunk (ranges over more than four lines), a chunk of
 * one line, /32s, a /16 without a chunk under a /8, a /16 under nothing
 * but the default route; then with no default route (FIB_NH_NONE), and
 * in a small table (top, no direct table).  Entries past the burst stay
 * as they were.
 */
static void check_batch_lengths(struct fib_table *t, const uint32_t *keys, unsigned int nkeys)
{
	uint16_t got[3 * 2 * FIB_BATCH_AHEAD + 8];
	unsigned int n, off, i, max = 3 * 2 * FIB_BATCH_AHEAD + 4;

	for (n = 0; n <= max; n++) {
		for (off = 0; off + n <= nkeys; off += 7) {
			for (i = 0; i < max + 4; i++)
				got[i] = 0xabcd;
			fib_table_lookup_batch(t, keys + off, got, n);
			for (i = 0; i < n; i++)
				if (got[i] != fib_table_lookup_index(t, keys[off + i]))
					fail_msg("burst of %u at %u: %08x gives %u, alone %u", n,
						 off + i, keys[off + i], got[i],
						 fib_table_lookup_index(t, keys[off + i]));
			for (; i < max + 4; i++)
				assert_int_equal(got[i], 0xabcd);
		}
	}
}

static void test_batch_every_length(void **state)
{
	struct fib_table *t = fib_table_new();
	uint32_t keys[200], wide = 0x0a140000, i, gw;
	unsigned int paths[7] = {0};

	(void)state;
	assert_non_null(t);
	assert_int_equal(fib_table_insert(t, 0x0a000000, 8, 1, &devs[0], 0), 0);
	assert_int_equal(fib_table_insert(t, 0xc0a80000, 24, 3, &devs[0], 0), 0);
	assert_int_equal(fib_table_insert(t, 0xc0a80101, 32, 4, &devs[0], 0), 0);
	assert_int_equal(fib_table_insert(t, 0xc0a801ff, 32, 5, &devs[0], 0), 0);
	/* small: the answers through top */
	for (i = 0; i < 200; i++)
		keys[i] = i % 3 ? 0xc0a80100 | (rnd() & 0x3ff) : rnd();
	assert_null(t->dir);
	check_batch_lengths(t, keys, 200);
	assert_int_equal(fib_table_insert(t, 0, 0, 2, &devs[0], 0), 0);
	check_batch_lengths(t, keys, 200);
	/* 40 /16s take the direct table, 2000 /30s make 0x0a14/16 wide */
	for (i = 0; i < 40; i++)
		assert_int_equal(fib_table_insert(t, (0x2000u + i) << 16, 16, 9, &devs[0], 0), 0);
	for (i = 0; i < 2000; i++)
		assert_int_equal(fib_table_insert(t, wide | i * 16, 30, 6 + i % 3, &devs[0], 0), 0);
	assert_non_null(t->dir);
	assert_true(((t->dir[wide >> 16].w >> 2) & 15) + (t->dir[wide >> 16].w >> 48) > 63);
	for (i = 0; i < 200; i++) {
		switch (rnd() % 6) {
		case 0:
			keys[i] = wide | (rnd() & 0xffff);
			break;
		case 1:
			keys[i] = 0xc0a80000 | (rnd() & 0x1ff);
			break;
		case 2:
			keys[i] = rnd() & 1 ? 0xc0a80101 : 0xc0a801ff;
			break;
		case 3:
			keys[i] = 0x0a630000 | (rnd() & 0xffff); /* no chunk, under the /8 */
			break;
		case 4:
			keys[i] = 0x7f000000 | (rnd() & 0xffffff); /* only the default */
			break;
		default:
			keys[i] = rnd();
		}
		gw = fib_table_lookup(t, keys[i])->gw;
		paths[gw > 5 ? 6 : gw]++;
	}
	/* every next hop is among the keys: every path is taken */
	for (i = 1; i < 7; i++)
		assert_true(paths[i] > 0);
	check_batch_lengths(t, keys, 200);
	assert_int_equal(fib_table_delete(t, 0, 0, NULL, 0), 0);
	assert_int_equal(fib_table_lookup_index(t, 0x7f000001), FIB_NH_NONE);
	check_batch_lengths(t, keys, 200);
	fib_table_free(t);
}

/*
 * One /16 growing a /30 at a time, under a /8 and a default route: its
 * ranges span one line, then two, three, four (the line a lookup picks
 * from the fences in the dir entry), then more (the windows of
 * fib_lookup_wide), at whatever alignment each rebuild gets; every
 * address of the /16 answers as the prefixes say, one at a time and in
 * bursts; in a table with the direct table and in a small one (top).
 */
static void check_chunk_lines(int with_dir)
{
	static const int checks[] = {1,	 2,  3,	 4,  5,	 6,  7,	 8,   9,   10,	12,  15,
				     16, 17, 20, 23, 24, 25, 28, 31,  32,  33,	36,  40,
				     47, 48, 50, 56, 63, 64, 70, 100, 200, 500, 2000};
	struct fib_table *t = fib_table_new();
	uint8_t *want = malloc(65536);
	uint32_t *keys = malloc(65536 * sizeof(*keys));
	unsigned int ci = 0x0a14, m = 0, c = 0, i, k;
	uint16_t got[256];

	assert_non_null(t);
	assert_non_null(want);
	assert_non_null(keys);
	/* a host's few routes stay in top: 40 /16s make the direct table come */
	for (i = 0; with_dir && i < 40; i++)
		assert_int_equal(fib_table_insert(t, (0x2000u + i) << 16, 16, 9, &devs[0], 0), 0);
	assert_true(!t->dir == !with_dir);
	assert_int_equal(fib_table_insert(t, 0x0a000000, 8, 1, &devs[0], 0), 0);
	assert_int_equal(fib_table_insert(t, 0, 0, 2, &devs[0], 0), 0);
	memset(want, 1, 65536);
	for (i = 0; i < 65536; i++)
		keys[i] = ci << 16 | i;
	while (c < sizeof(checks) / sizeof(checks[0])) {
		uint32_t lo = (rnd() % 16384) * 4, gw = 3 + rnd() % 3;

		if (fib_table_insert(t, ci << 16 | lo, 30, gw, &devs[0], 0) == -EEXIST)
			continue;
		memset(want + lo, (int)gw, 4);
		if (++m != (unsigned int)checks[c])
			continue;
		c++;
		for (i = 0; i < 65536; i++) {
			const struct fib_nh *nh = fib_table_lookup(t, keys[i]);

			if (!nh || nh->gw != want[i])
				fail_msg("%u /30s: %08x goes via %d, want %u", m, keys[i],
					 nh ? (int)nh->gw : -1, want[i]);
		}
		for (i = 0; i < 65536; i += 256) {
			fib_table_lookup_batch(t, keys + i, got, 256);
			for (k = 0; k < 256; k++)
				assert_int_equal(got[k], fib_table_lookup_index(t, keys[i + k]));
		}
	}
	assert_int_equal(fib_table_lookup(t, 0x0b000001)->gw, 2);
	assert_int_equal(fib_table_lookup(t, 0x0a150001)->gw, 1);
	free(keys);
	free(want);
	fib_table_free(t);
}

static void test_chunk_lines_and_windows(void **state)
{
	(void)state;
	check_chunk_lines(1);
	check_chunk_lines(0);
}

/* route.c: the checks on a new route, and the generation that every
 * change (and rt_cache_flush) moves, which empties a socket's cache. */
static void test_route_api_and_generation(void **state)
{
	uint32_t our_ip, peer_ip, gen, nh, sa, mask16 = inet_addr("255.255.0.0");
	struct net_device *eth = fake_net_init_eth(&our_ip, &peer_ip), *dev;
	struct sk_dst cache = {0};
	struct route_cursor cur = {0};
	struct route_entry e;
	struct fib_result res;
	uint32_t net = inet_addr("172.20.0.0"), gw2 = inet_addr("10.0.2.3");

	(void)state;
	assert_non_null(eth);
	gen = rt_genid_ipv4();
	assert_int_equal(route_add(net, mask16, peer_ip, NULL, 5), 0);
	assert_int_not_equal(rt_genid_ipv4(), gen);
	assert_int_equal(route_add(net, mask16, gw2, eth, 1), 0);
	assert_int_equal(route_add(net, mask16, gw2, NULL, 1), -EEXIST);
	assert_int_equal(route_add(net, mask16, inet_addr("9.9.9.9"), NULL, 0), -ENETUNREACH);
	assert_int_equal(route_add(net | htonl(1), mask16, peer_ip, NULL, 0), -EINVAL);
	assert_int_equal(route_add(net, inet_addr("255.0.255.0"), peer_ip, NULL, 0), -EINVAL);
	assert_int_equal(route_add(net, mask16, peer_ip, NULL, -1), -EINVAL);
	assert_int_equal(route_add(net, mask16, 0, NULL, 3), -ENODEV);
	assert_int_equal(fib_lookup(inet_addr("172.20.9.9"), &res), 0);
	assert_int_equal(res.gateway, gw2);
	assert_int_equal(res.metric, 1);

	/* the cache answers until the generation moves */
	assert_int_equal(ip_route_output_cached(&cache, inet_addr("172.20.9.9"), &dev, &nh, &sa),
			 0);
	assert_int_equal(nh, gw2);
	assert_int_equal(cache.genid, rt_genid_ipv4());
	gen = rt_genid_ipv4();
	assert_int_equal(route_del(net, mask16, 0, NULL, 1, ROUTE_DEL_METRIC), 0);
	assert_int_not_equal(rt_genid_ipv4(), gen);
	assert_int_equal(ip_route_output_cached(&cache, inet_addr("172.20.9.9"), &dev, &nh, &sa),
			 0);
	assert_int_equal(nh, peer_ip);
	gen = rt_genid_ipv4();
	assert_int_equal(route_del(net, mask16, 0, NULL, 1, ROUTE_DEL_METRIC), -ESRCH);
	assert_int_equal(rt_genid_ipv4(), gen);
	rt_cache_flush();
	assert_int_not_equal(rt_genid_ipv4(), gen);
	gen = rt_genid_ipv4();
	dev_close(eth);
	assert_int_not_equal(rt_genid_ipv4(), gen);
	gen = rt_genid_ipv4();
	dev_open(eth);
	assert_int_not_equal(rt_genid_ipv4(), gen);
	fake_eth_purge_tx(eth);

	/* flushing a device's routes */
	route_flush_dev(eth);
	while (route_walk(&cur, &e, 1) == 1)
		assert_ptr_not_equal(e.dev, eth);
	assert_int_not_equal(route_count(), 0); /* lo's own */
	assert_int_equal(fib_lookup(inet_addr("172.20.9.9"), &res), -ENETUNREACH);
	assert_int_equal(fib_lookup(peer_ip, &res), -ENETUNREACH);
}

/* netctl pages through a table larger than a page, each route once. */
static void test_netctl_route_pages(void **state)
{
	struct netctl_route page[NETCTL_MAX_ROUTES];
	struct netctl_route_cursor cur = {{0}};
	unsigned int base = netctl_route_count(), seen = 0, mine = 0;
	uint32_t mask24 = inet_addr("255.255.255.0");
	int i, n;

	(void)state;
	for (i = 0; i < 150; i++)
		assert_int_equal(netctl_route_add_metric(htonl(0xc6336400u + (uint32_t)i * 256 * 3),
							 mask24, 0, "lo", i % 4),
				 0);
	assert_int_equal(netctl_route_count(), base + 150);
	while ((n = netctl_route_walk(&cur, page, NETCTL_MAX_ROUTES)) > 0) {
		assert_true(n <= NETCTL_MAX_ROUTES);
		for (i = 0; i < n; i++, seen++)
			mine += (ntohl(page[i].dst) >> 24) == 0xc6;
	}
	assert_int_equal(seen, base + 150);
	assert_int_equal(mine, 150);
	assert_int_equal(netctl_route_delete(htonl(0xc6336400u), mask24, 0, "lo", 1,
					     NETCTL_ROUTE_DEV | NETCTL_ROUTE_METRIC),
			 -ESRCH);
	assert_int_equal(
		netctl_route_delete(htonl(0xc6336400u), mask24, 0, "nosuch", 0, NETCTL_ROUTE_DEV),
		-ENODEV);
	for (i = 0; i < 150; i++)
		assert_int_equal(
			netctl_route_del(htonl(0xc6336400u + (uint32_t)i * 256 * 3), mask24), 0);
	assert_int_equal(netctl_route_count(), base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlapping_all_lengths),
		cmocka_unit_test(test_metrics_duplicates_and_errors),
		cmocka_unit_test(test_walk_pages),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_small_table_without_direct_table),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_short_prefixes_over_direct_table),
		cmocka_unit_test(test_chunk_lines_and_windows),
		cmocka_unit_test(test_batch_every_length),
		cmocka_unit_test(test_route_api_and_generation),
		cmocka_unit_test(test_netctl_route_pages),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
