/*
 * kernel/timer_queue.c: the pending timers stay sorted by expiry whatever
 * the order they are added in, timers that expire together keep the order
 * they were added in, and a timer that expires last goes to the tail.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kernel/timer_queue.h"

#define N 200

static struct timer_list timers[N];

static void add(struct list_head *q, struct timer_list *t, uint64_t expires)
{
	INIT_LIST_HEAD(&t->entry);
	t->expires = expires;
	timer_queue_add(q, t);
}

/* The queue's expiries in order; sorted, and equal expiries in the order added (index). */
static int check_sorted(struct list_head *q)
{
	struct list_head *pos;
	const struct timer_list *prev = NULL;
	int n = 0;

	list_for_each (pos, q) {
		const struct timer_list *t = list_entry(pos, struct timer_list, entry);

		if (prev) {
			assert_true(prev->expires <= t->expires);
			if (prev->expires == t->expires)
				assert_true(prev < t);
		}
		prev = t;
		n++;
	}
	return n;
}

static void test_last_goes_to_the_tail(void **state)
{
	LIST_HEAD(q);

	(void)state;
	for (int i = 0; i < N; i++) {
		add(&q, &timers[i], 1000 + (uint64_t)i);
		assert_ptr_equal(q.prev, &timers[i].entry);
	}
	assert_int_equal(check_sorted(&q), N);
}

static void test_earliest_goes_to_the_head(void **state)
{
	LIST_HEAD(q);

	(void)state;
	for (int i = 0; i < N; i++) {
		add(&q, &timers[i], 1000 - (uint64_t)i);
		assert_ptr_equal(q.next, &timers[i].entry);
	}
	assert_int_equal(check_sorted(&q), N);
}

static void test_equal_expiries_keep_their_order(void **state)
{
	LIST_HEAD(q);

	(void)state;
	add(&q, &timers[0], 50);
	add(&q, &timers[1], 10);
	add(&q, &timers[2], 50); /* after timers[0]: the tail expires at the same time */
	add(&q, &timers[3], 10); /* after timers[1], before the 50s */
	add(&q, &timers[4], 30);
	assert_int_equal(check_sorted(&q), 5);
	assert_ptr_equal(q.next, &timers[1].entry);
	assert_ptr_equal(timers[1].entry.next, &timers[3].entry);
	assert_ptr_equal(timers[3].entry.next, &timers[4].entry);
	assert_ptr_equal(timers[4].entry.next, &timers[0].entry);
	assert_ptr_equal(timers[0].entry.next, &timers[2].entry);
	assert_ptr_equal(q.prev, &timers[2].entry);
}

/* A mix as the stack makes it: many long TIME-WAIT timers, short ones in between. */
static void test_mixed(void **state)
{
	LIST_HEAD(q);
	uint64_t now = 0;

	(void)state;
	srand(8);
	for (int i = 0; i < N; i++) {
		now += (uint64_t)(rand() % 3);
		add(&q, &timers[i], now + (i % 3 ? 120000 : (uint64_t)(40 + rand() % 200)));
	}
	assert_int_equal(check_sorted(&q), N);
	for (int i = 0; i < N; i += 2) /* what del_timer does, then re-arm */
		list_del(&timers[i].entry);
	for (int i = 0; i < N; i += 2)
		add(&q, &timers[i], now + (uint64_t)(rand() % 1000));
	assert_int_equal(check_sorted(&q), N);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_goes_to_the_tail),
		cmocka_unit_test(test_earliest_goes_to_the_head),
		cmocka_unit_test(test_equal_expiries_keep_their_order),
		cmocka_unit_test(test_mixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
