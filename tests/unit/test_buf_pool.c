/*
 * The pool of large receive buffers (net/buf_pool.c) on the fake clock:
 * it grows on demand up to its bound, keeps what comes back, gives back
 * what stayed unused for a whole trim interval (and so empties once the
 * load has gone), and while memory is short neither grows nor keeps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "net/buf_pool.h"
#include "tests/unit/support/platform_test.h"

#define SIZE 4096

static long base;

static int setup(void **state)
{
	(void)state;
	fake_mem_pressure_set(0);
	base = fake_kmalloc_in_use();
	return 0;
}

/* Everything the pool held has gone back to kmalloc, and its timer has stopped. */
static void assert_empty(const struct buf_pool *p)
{
	assert_int_equal(p->owned, 0);
	assert_int_equal(p->nfree, 0);
	assert_int_equal(fake_kmalloc_in_use(), base);
	assert_int_equal(fake_timers_pending(), 0);
}

static void test_grows_to_its_bound_and_reuses(void **state)
{
	struct buf_pool p = BUF_POOL_INIT(SIZE, 3);
	void *b[4];

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_non_null(b[i] = buf_pool_get(&p));
	assert_null(buf_pool_get(&p)); /* the bound: the caller falls back */
	assert_int_equal(p.owned, 3);
	assert_int_equal(fake_kmalloc_in_use(), base + 3);
	buf_pool_put(&p, b[1]);
	b[3] = buf_pool_get(&p);
	assert_ptr_equal(b[3], b[1]); /* kept, not allocated again */
	assert_int_equal(fake_kmalloc_in_use(), base + 3);
	buf_pool_put(&p, b[0]);
	buf_pool_put(&p, b[2]);
	buf_pool_put(&p, b[3]);
	fake_clock_advance(2 * BUF_POOL_TRIM_MS + 1);
	assert_empty(&p);
}

/* A steady load keeps what it cycles through; the rest goes back. */
static void test_trims_what_stayed_unused_a_whole_interval(void **state)
{
	struct buf_pool p = BUF_POOL_INIT(SIZE, BUF_POOL_MAX);
	void *b[4], *busy;

	(void)state;
	for (int i = 0; i < 4; i++)
		b[i] = buf_pool_get(&p);
	for (int i = 0; i < 4; i++)
		buf_pool_put(&p, b[i]);
	/* the first interval saw all four out at once: none is given back */
	fake_clock_advance(BUF_POOL_TRIM_MS);
	assert_int_equal(p.owned, 4);
	/* then one at a time is in use: three stay unused the whole interval */
	for (int i = 0; i < 10; i++) {
		busy = buf_pool_get(&p);
		fake_clock_advance(BUF_POOL_TRIM_MS / 10 - 1);
		buf_pool_put(&p, busy);
	}
	fake_clock_advance(10);
	assert_int_equal(p.owned, 1);
	assert_int_equal(fake_kmalloc_in_use(), base + 1);
	/* the load has gone: the last one goes back, and the timer stops */
	fake_clock_advance(BUF_POOL_TRIM_MS);
	assert_empty(&p);
}

/* Short of memory: no new buffer, and what comes back is freed at once. */
static void test_memory_pressure_neither_grows_nor_keeps(void **state)
{
	struct buf_pool p = BUF_POOL_INIT(SIZE, BUF_POOL_MAX);
	void *a = buf_pool_get(&p), *b = buf_pool_get(&p);

	(void)state;
	buf_pool_put(&p, a);
	fake_mem_pressure_set(1);
	assert_ptr_equal(buf_pool_get(&p), a); /* a kept one is still handed out */
	assert_null(buf_pool_get(&p));
	buf_pool_put(&p, a);
	buf_pool_put(&p, b);
	assert_int_equal(p.owned, 0);
	assert_int_equal(fake_kmalloc_in_use(), base);
	fake_mem_pressure_set(0);
	fake_clock_advance(BUF_POOL_TRIM_MS);
	assert_empty(&p);
}

/* A failed kmalloc takes no slot. */
static void test_failed_allocation_takes_no_slot(void **state)
{
	struct buf_pool p = BUF_POOL_INIT(SIZE, 1);
	void *a;

	(void)state;
	fake_kmalloc_fail_nth(1);
	assert_null(buf_pool_get(&p));
	assert_int_equal(p.owned, 0);
	assert_int_equal(fake_timers_pending(), 0);
	assert_non_null(a = buf_pool_get(&p));
	buf_pool_put(&p, a);
	fake_clock_advance(2 * BUF_POOL_TRIM_MS);
	assert_empty(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_grows_to_its_bound_and_reuses, setup),
		cmocka_unit_test_setup(test_trims_what_stayed_unused_a_whole_interval, setup),
		cmocka_unit_test_setup(test_memory_pressure_neither_grows_nor_keeps, setup),
		cmocka_unit_test_setup(test_failed_allocation_takes_no_slot, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
