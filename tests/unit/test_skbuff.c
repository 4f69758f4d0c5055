/* sk_buff: pointer arithmetic, queues, reference counts, allocation counters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/skbuff.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"

static uint64_t skb_base;
static long kmalloc_base;

static int setup(void **state)
{
	(void)state;
	skb_base = skb_in_use();
	kmalloc_base = fake_kmalloc_in_use();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(skb_in_use(), skb_base);
	assert_int_equal(fake_kmalloc_in_use(), kmalloc_base);
	return 0;
}

static void test_reserve_put_push_pull(void **state)
{
	struct sk_buff *skb = alloc_skb(256);
	unsigned char *p;

	(void)state;
	assert_non_null(skb);
	assert_int_equal(skb->len, 0);
	assert_int_equal(skb_headroom(skb), 0);
	assert_int_equal(skb_tailroom(skb), 256);
	assert_int_equal(skb->users, 1);

	skb_reserve(skb, 64);
	assert_int_equal(skb_headroom(skb), 64);
	assert_int_equal(skb_tailroom(skb), 192);

	p = skb_put(skb, 10);
	assert_ptr_equal(p, skb->head + 64);
	memcpy(p, "0123456789", 10);
	assert_int_equal(skb->len, 10);
	assert_int_equal(skb_tailroom(skb), 182);

	p = skb_push(skb, 4);
	assert_ptr_equal(p, skb->head + 60);
	memcpy(p, "HDR:", 4);
	assert_int_equal(skb->len, 14);
	assert_int_equal(skb_headroom(skb), 60);
	assert_memory_equal(skb->data, "HDR:0123456789", 14);

	skb_reset_network_header(skb);
	assert_ptr_equal(skb_network_header(skb), skb->data);
	p = skb_pull(skb, 4);
	assert_ptr_equal(p, skb->head + 64);
	assert_int_equal(skb->len, 10);
	skb_reset_transport_header(skb);
	assert_int_equal(skb_transport_header(skb) - skb_network_header(skb), 4);

	/* Pulling more than there is fails and changes nothing. */
	assert_null(skb_pull(skb, 11));
	assert_int_equal(skb->len, 10);
	assert_ptr_equal(skb->data, skb->head + 64);

	skb_trim(skb, 3);
	assert_int_equal(skb->len, 3);
	assert_ptr_equal(skb->tail, skb->data + 3);
	skb_trim(skb, 100); /* trimming to more than len keeps len */
	assert_int_equal(skb->len, 3);
	kfree_skb(skb);
}

static void test_refcount(void **state)
{
	struct sk_buff *skb = alloc_skb(64);
	struct skb_stats before, after;

	(void)state;
	skb_get_stats(&before);
	assert_ptr_equal(skb_get(skb), skb);
	assert_int_equal(skb->users, 2);
	kfree_skb(skb); /* still referenced */
	skb_get_stats(&after);
	assert_int_equal(after.frees, before.frees);
	assert_int_equal(skb->users, 1);
	kfree_skb(skb);
	skb_get_stats(&after);
	assert_int_equal(after.frees, before.frees + 1);
	kfree_skb(NULL); /* a no-op, as in Linux */
}

static void test_copy_copies_data(void **state)
{
	struct sk_buff *skb = alloc_skb(128), *c;

	(void)state;
	skb_reserve(skb, 32);
	memcpy(skb_put(skb, 5), "hello", 5);
	skb_reset_network_header(skb);
	skb->cb[0] = 42;
	c = skb_copy(skb);
	assert_non_null(c);
	assert_ptr_not_equal(c->head, skb->head);
	assert_int_equal(c->len, 5);
	assert_int_equal(skb_headroom(c), 32);
	assert_memory_equal(c->data, "hello", 5);
	assert_int_equal(c->network_header, skb->network_header);
	assert_int_equal(c->cb[0], 42);
	c->data[0] = 'j';
	assert_int_equal(skb->data[0], 'h');
	kfree_skb(c);
	kfree_skb(skb);
}

static void test_queue(void **state)
{
	struct sk_buff_head q;
	struct sk_buff *a = alloc_skb(8), *b = alloc_skb(8), *c = alloc_skb(8);

	(void)state;
	skb_queue_head_init(&q);
	assert_null(skb_peek(&q));
	assert_null(skb_dequeue(&q));
	skb_queue_tail(&q, a);
	skb_queue_tail(&q, b);
	skb_queue_head(&q, c);
	assert_int_equal(skb_queue_len(&q), 3);
	assert_ptr_equal(skb_peek(&q), c);
	skb_unlink(a, &q);
	assert_int_equal(skb_queue_len(&q), 2);
	kfree_skb(a);
	assert_ptr_equal(skb_dequeue(&q), c);
	assert_ptr_equal(skb_dequeue(&q), b);
	assert_null(skb_dequeue(&q));
	assert_int_equal(skb_queue_len(&q), 0);
	skb_queue_tail(&q, b);
	skb_queue_tail(&q, c);
	skb_queue_purge(&q);
	assert_int_equal(skb_queue_len(&q), 0);
}

static int destructor_calls;

static void count_destructor(struct sk_buff *skb)
{
	destructor_calls++;
	kfree(skb->head);
}

static void test_build_skb_destructor(void **state)
{
	void *buf = kmalloc(2048);
	struct sk_buff *skb = build_skb(buf, 2048);

	(void)state;
	assert_non_null(skb);
	assert_ptr_equal(skb->head, buf);
	assert_int_equal(skb_tailroom(skb), 2048);
	skb->destructor = count_destructor;
	destructor_calls = 0;
	kfree_skb(skb);
	assert_int_equal(destructor_calls, 1);
}

static void test_put_padto(void **state)
{
	struct sk_buff *skb = alloc_skb(100);
	void *buf;

	(void)state;
	skb_reserve(skb, 20);
	memset(skb_put(skb, 10), 0xaa, 10);
	assert_int_equal(skb_put_padto(skb, 8), 0); /* already long enough */
	assert_int_equal(skb->len, 10);
	assert_int_equal(skb_put_padto(skb, 60), 0); /* fits in the tailroom */
	assert_int_equal(skb->len, 60);
	assert_ptr_equal(skb->data, skb->head + 20);
	assert_int_equal(skb->data[9], 0xaa);
	assert_int_equal(skb->data[10], 0);
	assert_int_equal(skb->data[59], 0);
	kfree_skb(skb);

	/* No tailroom: moved to a bigger buffer, the old one given to its destructor. */
	buf = kmalloc(40);
	skb = build_skb(buf, 40);
	skb->destructor = count_destructor;
	destructor_calls = 0;
	skb_reserve(skb, 30);
	memset(skb_put(skb, 10), 0xbb, 10);
	skb_reset_network_header(skb);
	assert_int_equal(skb_put_padto(skb, 60), 0);
	assert_int_equal(destructor_calls, 1);
	assert_int_equal(skb->len, 60);
	assert_int_equal(skb_headroom(skb), 30);
	assert_ptr_equal(skb_network_header(skb), skb->data);
	assert_int_equal(skb->data[9], 0xbb);
	assert_int_equal(skb->data[10], 0);
	kfree_skb(skb);
	assert_int_equal(destructor_calls, 1);

	/* Out of memory while growing: the skb is freed. */
	skb = alloc_skb(10);
	skb_put(skb, 10);
	fake_kmalloc_fail_nth(1);
	assert_int_equal(skb_put_padto(skb, 60), -ENOMEM);
	fake_kmalloc_fail_nth(0);
}

static void test_counters_balance_and_alloc_failure(void **state)
{
	struct skb_stats s0, s1;
	struct sk_buff *skbs[10];
	int i;

	(void)state;
	skb_get_stats(&s0);
	for (i = 0; i < 10; i++)
		skbs[i] = alloc_skb(100 + i);
	skb_get_stats(&s1);
	assert_int_equal(s1.allocs - s0.allocs, 10);
	assert_int_equal(skb_in_use(), skb_base + 10);
	for (i = 0; i < 10; i++)
		kfree_skb(skbs[i]);
	assert_int_equal(skb_in_use(), skb_base);

	/* Out of memory: NULL, nothing counted, nothing leaked. */
	fake_kmalloc_fail_nth(1);
	assert_null(alloc_skb(64));
	fake_kmalloc_fail_nth(2);
	assert_null(alloc_skb(64));
	fake_kmalloc_fail_nth(0);
	skb_get_stats(&s1);
	assert_int_equal(s1.allocs, s0.allocs + 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reserve_put_push_pull, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refcount, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_copies_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_skb_destructor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_padto, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_balance_and_alloc_failure, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
