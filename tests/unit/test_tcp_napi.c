/*
 * TCP's ACKs through a device that works as the NIC drivers do (the fake
 * device's NAPI mode): received segments go through the device's NAPI poll
 * and GRO, and a transmit waits for the doorbell that netdrv_tx_defer
 * leaves to the next poll.  GRO holds a lone full-sized segment until
 * napi_complete delivers it, after the poll rang its doorbell; the ACK
 * that segment calls for (RFC 5681 4.2: at once for an out-of-order
 * segment and for one that fills a hole) must still reach the wire
 * without waiting for another frame to come in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/tcp_priv.h"
#include "net/socket.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

#define PEER_ISN 7000000u
#define SEG	 1000 /* full-sized for the MSS below */

static uint16_t next_port = 45000;
static uint16_t next_lport = 7500;

/* A Linux peer's options, the MSS cut to what a crafted frame holds. */
static const struct topts opts = {.mss = SEG, .wscale = 7, .sack_perm = 1};

static uint8_t payload[2 * SEG];

static int group_setup(void **state)
{
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 13 + 1);
	if (tcp_group_setup(state))
		return -1;
	fake_eth_set_napi(tcp_test_dev);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	tcp_test_begin_ports(&next_port, &next_lport);
	/* the peer's ARP reply that tcp_test_begin injected waits for the
	 * poll: taken in, it is no sk_buff the test must get back to */
	fake_run_softirqs();
	tcp_test_skb_base = skb_in_use();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tcp_test_end(130000);
}

/* A full-sized segment of the peer's bulk stream: ACK alone, as GRO merges. */
static void peer_segment(struct tconn *c, uint32_t off)
{
	tcp_peer_send(c->rport, c->lport, c->rcv_nxt + off, c->snd_nxt, ACK, WIN, NULL,
		      payload + off, SEG);
}

static void read_all(struct tconn *c, size_t n)
{
	uint8_t buf[sizeof(payload)];

	assert_int_equal(__sys_recvfrom(c->fd, buf, sizeof(buf), 0, NULL, NULL), n);
	assert_memory_equal(buf, payload, n);
	c->rcv_nxt += (uint32_t)n;
}

/*
 * The case of host -> guest bulk under loss: a segment after a loss is
 * SACKed at once, and the retransmission that fills the hole, alone on
 * the wire, is acknowledged at once.  Before, both ACKs sat in the
 * transmit ring until the next frame came in, which after a loss is the
 * sender's next retransmission timeout.
 */
static void test_out_of_order_and_hole_fill_acked_at_once(void **state)
{
	struct tconn c;
	struct tseg s;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, &opts), 0);
	peer_segment(&c, SEG);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt);
	assert_int_equal(s.nsacks, 1);
	assert_int_equal(s.sacks[0][0], c.rcv_nxt + SEG);
	assert_int_equal(s.sacks[0][1], c.rcv_nxt + 2 * SEG);
	peer_segment(&c, 0);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 2 * SEG);
	assert_int_equal(s.nsacks, 0);
	expect_nothing();
	read_all(&c, 2 * SEG);
	tcp_test_abort(&c);
}

/* In order: the quick ACKs of the connection's first segments go out as
 * the poll ends; a delayed ACK as the softirq after its timer runs. */
static void test_in_order_acks_reach_the_wire(void **state)
{
	struct tconn c;
	struct tseg s;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, &opts), 0);
	peer_segment(&c, 0);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + SEG);
	peer_segment(&c, SEG);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 2 * SEG);
	read_all(&c, 2 * SEG);
	peer_segment(&c, 0);
	expect_nothing();
	fake_clock_advance(tcp_delack_ms);
	fake_run_softirqs(); /* as on the timer interrupt's way out */
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + SEG);
	read_all(&c, SEG);
	tcp_test_abort(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_out_of_order_and_hole_fill_acked_at_once),
		TCP_TEST(test_in_order_acks_reach_the_wire),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
