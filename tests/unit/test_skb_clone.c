/*
 * Shared-data sk_buffs (skb_clone and the data reference count): every
 * free path leaves the sk_buff and kmalloc counters where they started —
 * clone freed first, original first, both queued, a driver buffer, a
 * private copy taken by pskb_expand_head and skb_put_padto — and TCP's
 * retransmission queue: a segment shares the queued data, a retransmission
 * while the first clone is still in the driver's TX ring is a copy, and an
 * ACK that frees the queued skb leaves the clone in the ring intact.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/tcp_priv.h"
#include "net/ip.h"
#include "net/eth.h"
#include "net/socket.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

#define PEER_ISN 9000000u

static uint16_t next_port = 45000;
static long kmalloc_base;

static int setup(void **state)
{
	(void)state;
	tcp_test_begin_ports(&next_port, NULL);
	kmalloc_base = fake_kmalloc_in_use();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tcp_test_end(130000);
	return 0;
}

/* The plain sk_buff tests also get their kmalloc use back exactly. */
static int teardown_mem(void **state)
{
	(void)state;
	assert_int_equal(fake_kmalloc_in_use(), kmalloc_base);
	return tcp_test_end(0);
}

/* 128 bytes of headroom and "payload" */
static struct sk_buff *payload_skb(void)
{
	struct sk_buff *skb = alloc_skb(256);

	assert_non_null(skb);
	skb_reserve(skb, 128);
	memcpy(skb_put(skb, 7), "payload", 7);
	return skb;
}

static void test_clone_shares_data_and_headroom(void **state)
{
	struct sk_buff *a = payload_skb(), *c;

	(void)state;
	assert_false(skb_cloned(a));
	c = skb_clone(a);
	assert_non_null(c);
	assert_ptr_equal(c->head, a->head);
	assert_ptr_equal(c->data, a->data);
	assert_int_equal(c->len, 7);
	assert_int_equal(c->users, 1);
	assert_int_equal(skb_shinfo(a)->dataref, 2);
	assert_true(skb_cloned(a));
	assert_true(skb_cloned(c));
	/* a header pushed into the clone leaves the original's packet as it was */
	memcpy(skb_push(c, 4), "HDR:", 4);
	assert_memory_equal(c->data, "HDR:payload", 11);
	assert_int_equal(a->len, 7);
	assert_memory_equal(a->data, "payload", 7);
	/* the clone goes first: the original is alone again */
	kfree_skb(c);
	assert_int_equal(skb_shinfo(a)->dataref, 1);
	assert_false(skb_cloned(a));
	kfree_skb(a);
}

static void test_original_freed_first(void **state)
{
	struct sk_buff *a = payload_skb(), *c = skb_clone(a);

	(void)state;
	skb_pull(a, 3); /* the original moves its own pointers only */
	kfree_skb(a);
	assert_int_equal(skb_shinfo(c)->dataref, 1);
	assert_false(skb_cloned(c));
	assert_memory_equal(c->data, "payload", 7);
	kfree_skb(c);
}

static void test_both_queued_and_purged(void **state)
{
	struct sk_buff_head q1, q2;
	struct sk_buff *a = payload_skb(), *c = skb_clone(a), *c2 = skb_clone(a);

	(void)state;
	assert_int_equal(skb_shinfo(a)->dataref, 3);
	skb_queue_head_init(&q1);
	skb_queue_head_init(&q2);
	skb_queue_tail(&q1, a);
	skb_queue_tail(&q2, c);
	skb_queue_tail(&q2, c2);
	/* a reference (skb_get) on a clone is one more user, not more data refs */
	skb_get(c);
	skb_queue_purge(&q2);
	assert_int_equal(skb_shinfo(a)->dataref, 2);
	skb_queue_purge(&q1);
	assert_int_equal(c->users, 1);
	assert_memory_equal(c->data, "payload", 7);
	kfree_skb(c);
}

static int destructor_calls;

static void count_destructor(struct sk_buff *skb)
{
	destructor_calls++;
	kfree(skb->head);
}

static void test_clone_of_driver_buffer_is_a_copy(void **state)
{
	struct sk_buff *a = build_skb(kmalloc(512), 512), *c;

	(void)state;
	a->destructor = count_destructor;
	destructor_calls = 0;
	memcpy(skb_put(a, 3), "rx!", 3);
	c = skb_clone(a);
	assert_non_null(c);
	assert_ptr_not_equal(c->head, a->head);
	assert_memory_equal(c->data, "rx!", 3);
	assert_null(c->destructor);
	kfree_skb(a);
	assert_int_equal(destructor_calls, 1);
	kfree_skb(c);
	assert_int_equal(destructor_calls, 1);
}

static void test_expand_head_unshares(void **state)
{
	struct sk_buff *a = payload_skb(), *c = skb_clone(a);
	unsigned char *old = a->head;

	(void)state;
	assert_int_equal(pskb_expand_head(c, 16, 32), 0);
	assert_ptr_not_equal(c->head, old);
	assert_false(skb_cloned(c));
	assert_false(skb_cloned(a));
	assert_int_equal(skb_headroom(c), 128 + 16);
	assert_int_equal(skb_tailroom(c), 256 - 128 - 7 + 32);
	c->data[0] = 'P';
	assert_memory_equal(a->data, "payload", 7);
	kfree_skb(a);
	kfree_skb(c);
	/* padding past the tailroom of a shared buffer: the clone goes private */
	a = alloc_skb(10);
	memcpy(skb_put(a, 10), "0123456789", 10);
	c = skb_clone(a);
	assert_int_equal(skb_put_padto(c, 60), 0);
	assert_ptr_not_equal(c->head, a->head);
	assert_int_equal(skb_shinfo(a)->dataref, 1);
	assert_int_equal(c->len, 60);
	kfree_skb(c);
	kfree_skb(a);
}

static void test_clone_out_of_memory(void **state)
{
	struct sk_buff *a = payload_skb();

	(void)state;
	fake_kmalloc_fail_nth(1);
	assert_null(skb_clone(a));
	fake_kmalloc_fail_nth(0);
	assert_int_equal(skb_shinfo(a)->dataref, 1);
	assert_false(skb_cloned(a));
	kfree_skb(a);
}

static struct sock *conn_sock(const struct tconn *c)
{
	struct sock *sk = inet_lookup_established(tcp_test_peer_ip, htons(c->rport),
						  tcp_test_our_ip, htons(c->lport));

	assert_non_null(sk);
	return sk;
}

/* The TCP sequence number and payload of a frame in the TX ring. */
static uint32_t frame_seq(const struct sk_buff *f) { return ntohl(tcp_hdr(f)->seq); }
static const uint8_t *frame_payload(const struct sk_buff *f)
{
	return (const uint8_t *)tcp_hdr(f) + tcp_hdrlen(tcp_hdr(f));
}

static void test_tcp_retransmit_while_clone_in_tx_ring(void **state)
{
	struct sk_buff *q, *f1, *f2, *f3;
	struct sock *sk;
	struct tconn c;

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, NULL), 0);
	tcp_test_nodelay(c.fd);
	sk = conn_sock(&c);
	assert_int_equal(__sys_sendto(c.fd, "retransmit me", 13, 0, NULL, 0), 13);
	q = skb_peek(&sk->sk_write_queue);
	/* the segment in the TX ring is a clone of the queued data */
	f1 = fake_eth_pop_tx(tcp_test_dev);
	assert_non_null(f1);
	assert_ptr_equal(f1->head, q->head);
	assert_true(skb_cloned(q));
	/* the RTO fires while the driver still holds it: the resend is a copy */
	fake_clock_advance(tcp_sk(sk)->rto_ms);
	f2 = fake_eth_pop_tx(tcp_test_dev);
	assert_non_null(f2);
	assert_ptr_not_equal(f2->head, q->head);
	assert_int_equal(skb_shinfo(q)->dataref, 2);
	/* and the first frame's headers and payload are as they were sent */
	assert_int_equal(frame_seq(f1), c.snd_nxt);
	assert_int_equal(frame_seq(f2), c.snd_nxt);
	assert_memory_equal(frame_payload(f1), "retransmit me", 13);
	assert_memory_equal(frame_payload(f2), "retransmit me", 13);
	/* the driver completes the first frame: the next resend shares again */
	kfree_skb(f1);
	assert_false(skb_cloned(q));
	fake_clock_advance(2 * tcp_sk(sk)->rto_ms);
	f3 = fake_eth_pop_tx(tcp_test_dev);
	assert_non_null(f3);
	assert_ptr_equal(f3->head, q->head);
	kfree_skb(f2);
	/* the ACK frees the queued skb while f3 is still in the ring */
	tcp_peer_ack_data(&c, 13, WIN);
	assert_int_equal(skb_queue_len(&sk->sk_write_queue), 0);
	assert_int_equal(skb_shinfo(f3)->dataref, 1);
	assert_memory_equal(frame_payload(f3), "retransmit me", 13);
	kfree_skb(f3);
	tcp_test_abort(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clone_shares_data_and_headroom, setup,
						teardown_mem),
		cmocka_unit_test_setup_teardown(test_original_freed_first, setup, teardown_mem),
		cmocka_unit_test_setup_teardown(test_both_queued_and_purged, setup, teardown_mem),
		cmocka_unit_test_setup_teardown(test_clone_of_driver_buffer_is_a_copy, setup,
						teardown_mem),
		cmocka_unit_test_setup_teardown(test_expand_head_unshares, setup, teardown_mem),
		cmocka_unit_test_setup_teardown(test_clone_out_of_memory, setup, teardown_mem),
		TCP_TEST(test_tcp_retransmit_while_clone_in_tx_ring),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
