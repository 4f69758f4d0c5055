/*
 * The memory pool of the DXR routing table (net/fib_pool.c): its
 * compaction, a step at each update, while routes are added and deleted
 * and while the table gives its direct table back; every route answers
 * throughout and ASan sees no block used after its slab went.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "net/fib.h"
#include "net/netdevice.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"

static struct net_device devs[1];

/* A spare route added and deleted until no compaction is under way: how
 * many updates that took. */
static int compaction_finish(struct fib_table *t)
{
	int n = 0;

	while (t->pool.compacting || t->pool.old) {
		assert_int_equal(fib_table_insert(t, 0x7f000000u, 24, 9, &devs[0], 0), 0);
		assert_int_equal(fib_table_delete(t, 0x7f000000u, 24, NULL, 0), 0);
		n += 2;
	}
	return n;
}

/*
 * Many /24s in random order make the pool compact itself, a step per
 * update: every route still answers while it is under way, it ends
 * within the updates that its step sizes allow (2 KiB copied, 1024
 * places, 16 old slabs freed at each), and then the table stays near what
 * it uses.
 */
static void test_pool_compaction(void **state)
{
	enum { N = 40000 };
	struct fib_table *t = fib_table_new();
	uint32_t *p = malloc(N * sizeof(*p));
	int i, n = 0, seen = 0, steps;

	(void)state;
	assert_non_null(p);
	while (n < N) {
		uint32_t a = (0x40000000u + (net_random32() % 1000) * 0x10000u) |
			     (net_random32() & 0xff00u);

		if (fib_table_insert(t, a, 24, a >> 8, &devs[0], 0) == 0)
			p[n++] = a;
		if (t->pool.compacting && n % 97 == 0) {
			seen++;
			for (i = 0; i < n; i++)
				assert_int_equal(fib_table_lookup(t, p[i] | 0x55)->gw, p[i] >> 8);
		}
	}
	assert_true(seen > 0);
	steps = compaction_finish(t);
	assert_true(steps <= 2 * (int)(t->pool.bytes / 2048 + 2 * 65536 / 1024 + 64));
	for (i = 0; i < N; i++)
		assert_int_equal(fib_table_lookup(t, p[i] | 0x55)->gw, p[i] >> 8);
	/* what it uses: 6 bytes a prefix, 4 a range (at most 2 a prefix), a
	 * header per /16, the direct table; more than 9/8 of that means the
	 * outgrown blocks were kept */
	assert_true(t->pool.bytes <= (N * 14 + 1000 * 16) * 9 / 8 + 2 * 65536);
	for (i = 0; i < N; i += 2)
		assert_int_equal(fib_table_delete(t, p[i], 24, NULL, 0), 0);
	for (i = 0; i < N; i++)
		if (i & 1)
			assert_int_equal(fib_table_lookup(t, p[i] | 0x55)->gw, p[i] >> 8);
		else
			assert_null(fib_table_lookup(t, p[i] | 0x55));
	free(p);
	fib_table_free(t);
}

/* The /16s of test_compaction_across_direct_table: singles spread over
 * the whole space (the walk, wherever it stands, has some ahead of it),
 * the grower above them all. */
#define SINGLE(s) (0x01000000u + (uint32_t)(s) * (1600u << 16))
#define GROWER	  0xfe000000u

/* The table's singles and grower's routes (below) all answer. */
static void check_singles(const struct fib_table *t, const int *live, int nsingle, int g)
{
	int s;

	for (s = 0; s < nsingle; s++) {
		const struct fib_nh *nh = fib_table_lookup(t, SINGLE(s) + 7);

		if (live[s])
			assert_int_equal(nh->gw, (uint32_t)s + 1);
		else
			assert_null(nh);
	}
	for (s = 0; s < g; s++)
		assert_int_equal(fib_table_lookup(t, GROWER + (uint32_t)s)->gw, 1000u + s);
}

/*
 * A compaction under way when the table gives its direct table back: its
 * walk goes on over top's ranges.  Forty /16s with one /24 each
 * ("singles") are deleted one by one and then added again, each change
 * made while a compaction is under way if the table has its direct table
 * (without one, a walk takes one step: top's few chunks): a grower /16
 * whose /32s are added (and, at 300, deleted) one at a time, outgrowing a
 * block at each, starts one when none is.  Every route answers after
 * every change, and ASan sees no block used after its old slab went.
 */
static void test_compaction_across_direct_table(void **state)
{
	enum { NSINGLE = 40, NG = 300 };
	struct fib_table *t = fib_table_new();
	int live[NSINGLE], s, g = 0, grow = 1, churn, shrunk = 0, pass, had_dir;

	(void)state;
	for (s = 0; s < NSINGLE; s++) {
		assert_int_equal(fib_table_insert(t, SINGLE(s), 24, s + 1, &devs[0], 0), 0);
		live[s] = 1;
	}
	for (pass = 0; pass < 2 * NSINGLE; pass++) {
		s = pass % NSINGLE;
		for (churn = 0; t->dir && !t->pool.compacting; churn++) {
			assert_true(churn < 4 * NG);
			if (grow)
				assert_int_equal(
					fib_table_insert(t, GROWER + g, 32, 1000u + g, &devs[0], 0),
					0);
			else
				assert_int_equal(fib_table_delete(t, GROWER + g - 1, 32, NULL, 0),
						 0);
			g += grow ? 1 : -1;
			grow = g == NG ? 0 : g == 0 ? 1 : grow;
		}
		had_dir = t->dir != NULL;
		if (live[s])
			assert_int_equal(fib_table_delete(t, SINGLE(s), 24, NULL, 0), 0);
		else
			assert_int_equal(fib_table_insert(t, SINGLE(s), 24, s + 1, &devs[0], 0), 0);
		live[s] = !live[s];
		if (had_dir && !t->dir)
			shrunk = 1;
		check_singles(t, live, NSINGLE, g);
	}
	assert_true(shrunk);
	assert_non_null(t->dir);
	compaction_finish(t);
	check_singles(t, live, NSINGLE, g);
	fib_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_compaction),
		cmocka_unit_test(test_compaction_across_direct_table),
	};

	devs[0].flags = IFF_UP;
	fake_random_seed(12345); /* the fake platform's xorshift32: the same routes every run */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
