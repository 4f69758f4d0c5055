/*
 * The NIC drivers' receive page cache (drivers/netdrv_pages.c) on the fake
 * clock, with page_alloc and page_free played by the test: a returned page
 * is handed out again without the allocator, the cache keeps at most
 * NETDRV_PAGE_CACHE pages and none while memory is short, and what stayed
 * unused for a whole trim interval goes back, so that it empties once the
 * load has gone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/netdrv_pages.h"
#include "kernel/mm.h"
#include "tests/unit/support/platform_test.h"

static long pages_in_use, page_allocs;
static int fail_alloc;

void *page_alloc(unsigned order)
{
	void *p;

	assert_int_equal(order, NETDRV_RX_PAGE_ORDER);
	if (fail_alloc)
		return NULL;
	p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	assert_non_null(p);
	memset(p, 0, PAGE_SIZE);
	pages_in_use++;
	page_allocs++;
	return p;
}

void page_free(void *p, unsigned order)
{
	assert_int_equal(order, NETDRV_RX_PAGE_ORDER);
	assert_true(pages_in_use > 0);
	pages_in_use--;
	free(p);
}

static int setup(void **state)
{
	(void)state;
	fake_mem_pressure_set(0);
	fail_alloc = 0;
	page_allocs = 0;
	return 0;
}

/* Everything the cache held has gone back to the allocator, and its timer has stopped. */
static int teardown(void **state)
{
	(void)state;
	fake_mem_pressure_set(0);
	fake_clock_advance(2 * NETDRV_PAGE_TRIM_MS);
	assert_int_equal(netdrv_rx_pages_cached(), 0);
	assert_int_equal(pages_in_use, 0);
	assert_int_equal(fake_timers_pending(), 0);
	return 0;
}

static void test_returned_page_is_reused_without_the_allocator(void **state)
{
	void *a, *b;

	(void)state;
	a = netdrv_rx_page_alloc();
	assert_non_null(a);
	assert_int_equal(page_allocs, 1);
	memset(a, 0xAB, PAGE_SIZE); /* a frame was received into it */
	netdrv_rx_page_free(a);
	assert_int_equal(netdrv_rx_pages_cached(), 1);
	assert_int_equal(pages_in_use, 1); /* kept, not freed */
	b = netdrv_rx_page_alloc();
	assert_ptr_equal(b, a);
	assert_int_equal(page_allocs, 1);
	assert_int_equal(netdrv_rx_pages_cached(), 0);
	netdrv_rx_page_free(b);
}

static void test_empty_cache_takes_from_the_allocator_and_reports_failure(void **state)
{
	(void)state;
	fail_alloc = 1;
	assert_null(netdrv_rx_page_alloc());
	fail_alloc = 0;
}

static void test_keeps_at_most_its_bound(void **state)
{
	void *p[NETDRV_PAGE_CACHE + 1];

	(void)state;
	for (int i = 0; i <= NETDRV_PAGE_CACHE; i++)
		p[i] = netdrv_rx_page_alloc();
	for (int i = 0; i <= NETDRV_PAGE_CACHE; i++)
		netdrv_rx_page_free(p[i]);
	assert_int_equal(netdrv_rx_pages_cached(), NETDRV_PAGE_CACHE);
	assert_int_equal(pages_in_use, NETDRV_PAGE_CACHE); /* the last went back */
}

static void test_keeps_nothing_while_memory_is_short(void **state)
{
	void *p;

	(void)state;
	p = netdrv_rx_page_alloc();
	fake_mem_pressure_set(1);
	netdrv_rx_page_free(p);
	assert_int_equal(netdrv_rx_pages_cached(), 0);
	assert_int_equal(pages_in_use, 0);
}

static void test_gives_back_what_stayed_unused_a_whole_interval(void **state)
{
	void *p[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		p[i] = netdrv_rx_page_alloc();
	for (int i = 0; i < 4; i++)
		netdrv_rx_page_free(p[i]);
	fake_clock_advance(NETDRV_PAGE_TRIM_MS); /* the low mark was 0: nothing goes */
	assert_int_equal(netdrv_rx_pages_cached(), 4);
	/* Two are taken and come back within the interval: two stayed unused. */
	p[0] = netdrv_rx_page_alloc();
	p[1] = netdrv_rx_page_alloc();
	netdrv_rx_page_free(p[0]);
	netdrv_rx_page_free(p[1]);
	fake_clock_advance(NETDRV_PAGE_TRIM_MS);
	assert_int_equal(netdrv_rx_pages_cached(), 2);
	assert_int_equal(pages_in_use, 2);
	fake_clock_advance(NETDRV_PAGE_TRIM_MS); /* no load: the rest goes */
	assert_int_equal(netdrv_rx_pages_cached(), 0);
	assert_int_equal(pages_in_use, 0);
	assert_int_equal(fake_timers_pending(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_returned_page_is_reused_without_the_allocator,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_empty_cache_takes_from_the_allocator_and_reports_failure, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_keeps_at_most_its_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keeps_nothing_while_memory_is_short, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gives_back_what_stayed_unused_a_whole_interval,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
