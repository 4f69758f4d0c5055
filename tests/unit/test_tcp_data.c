/*
 * TCP data transfer with crafted segments and the fake clock, the
 * receiving and the flow-control side: delayed ACKs, out-of-order
 * reassembly and SACK blocks (RFC 2018), the receive window and window
 * updates, the persist timer, MSS and window scale, Nagle, and sequence
 * number wrap-around.  Loss recovery is in test_tcp_recovery.c.
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

#define PEER_ISN 5000000u

static uint16_t next_port = 41000;
static uint16_t next_lport = 7000;

static int setup(void **state)
{
	(void)state;
	return tcp_test_begin_ports(&next_port, &next_lport);
}

static int teardown(void **state)
{
	(void)state;
	return tcp_test_end(130000);
}

/* A 100-byte MSS: a few bytes make several segments. */
static const struct topts mss100 = {.mss = 100, .wscale = -1};

static void test_delayed_ack(void **state)
{
	struct tconn c;
	struct tseg s;
	char buf[64];

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	/* the first two segments of a connection are acked at once (quick ACK) */
	tcp_peer_data(&c, c.rcv_nxt, "aa", 2, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 2);
	tcp_peer_data(&c, c.rcv_nxt + 2, "bb", 2, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 4);
	/* then an ACK waits up to tcp_delack_ms (RFC 1122 4.2.3.2) ... */
	tcp_peer_data(&c, c.rcv_nxt + 4, "cc", 2, WIN);
	expect_nothing();
	expect_seg_after(tcp_delack_ms, &s, ACK, c.snd_nxt, c.rcv_nxt + 6);
	/* ... but every second segment is acked at once (RFC 5681 4.2) */
	tcp_peer_data(&c, c.rcv_nxt + 6, "dd", 2, WIN);
	expect_nothing();
	tcp_peer_data(&c, c.rcv_nxt + 8, "ee", 2, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 10);
	/* a reply carries the ACK: no separate one later */
	tcp_peer_data(&c, c.rcv_nxt + 10, "ff", 2, WIN);
	assert_int_equal(__sys_sendto(c.fd, "ok", 2, 0, NULL, 0), 2);
	expect_seg(&s, PSH | ACK, c.snd_nxt, c.rcv_nxt + 12);
	fake_clock_advance(tcp_delack_ms * 2);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 12);
	assert_memory_equal(buf, "aabbccddeeff", 12);
	c.snd_nxt += 2;
	c.rcv_nxt += 12;
	tcp_peer_ack(&c, c.snd_nxt, WIN);
	tcp_peer_flush();
	tcp_test_abort(&c);
}

static void test_out_of_order_reassembly_with_sack(void **state)
{
	struct tconn c;
	struct tseg s;
	char buf[64];
	const struct topts sack = {.mss = 1460, .wscale = -1, .sack_perm = 1};
	uint32_t r;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, &sack), 0);
	r = c.rcv_nxt;
	/* "world" arrives before "hello": immediate duplicate ACK with a SACK block */
	tcp_peer_data(&c, r + 5, "world", 5, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r);
	assert_int_equal(s.nsacks, 1);
	assert_int_equal(s.sacks[0][0], r + 5);
	assert_int_equal(s.sacks[0][1], r + 10);
	/* a second island: the most recent block first (RFC 2018 4) */
	tcp_peer_data(&c, r + 20, "tail", 4, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r);
	assert_int_equal(s.nsacks, 2);
	assert_int_equal(s.sacks[0][0], r + 20);
	assert_int_equal(s.sacks[1][0], r + 5);
	/* an overlapping duplicate changes nothing */
	tcp_peer_data(&c, r + 7, "rld", 3, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	/* the hole is filled: one ACK covers up to the next hole */
	tcp_peer_data(&c, r, "hello", 5, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r + 10);
	assert_int_equal(s.nsacks, 1);
	/* overlapping both sides of the last hole: no SACK block is left but
	 * the D-SACK one for the bytes below rcv_nxt it repeated (RFC 2883) */
	tcp_peer_data(&c, r + 8, "ldXXXXXXXXXXta", 14, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r + 24);
	assert_int_equal(s.nsacks, 1);
	assert_int_equal(s.sacks[0][0], r + 8);
	assert_int_equal(s.sacks[0][1], r + 10);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 24);
	assert_memory_equal(buf, "helloworldXXXXXXXXXXtail", 24);
	c.rcv_nxt += 24;
	tcp_test_abort(&c);
}

/* More islands than blocks fit: the newest segment's island is still the
 * first block (RFC 2018 4 MUST), whichever place it has in the queue, and
 * the rest are the lowest islands. */
static void test_sack_first_block_beyond_the_lowest_four(void **state)
{
	struct tconn c;
	struct tseg s;
	const struct topts sack = {.mss = 1460, .wscale = -1, .sack_perm = 1};
	uint32_t r;
	int i;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, &sack), 0);
	r = c.rcv_nxt;
	for (i = 1; i <= 5; i++) {
		tcp_peer_data(&c, r + 10 * (uint32_t)i, "xx", 2, WIN);
		expect_seg(&s, ACK, c.snd_nxt, r);
		assert_int_equal(s.nsacks, i < TCP_MAX_SACKS ? i : TCP_MAX_SACKS);
		assert_int_equal(s.sacks[0][0], r + 10 * (uint32_t)i);
		assert_int_equal(s.sacks[0][1], r + 10 * (uint32_t)i + 2);
	}
	/* the fifth island, above four others, is reported; so is one in the middle */
	tcp_peer_data(&c, r + 35, "yy", 2, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r);
	assert_int_equal(s.nsacks, TCP_MAX_SACKS);
	assert_int_equal(s.sacks[0][0], r + 35);
	assert_int_equal(s.sacks[0][1], r + 37);
	for (i = 1; i < TCP_MAX_SACKS; i++) {
		assert_int_equal(s.sacks[i][0], r + 10 * (uint32_t)i);
		assert_int_equal(s.sacks[i][1], r + 10 * (uint32_t)i + 2);
	}
	tcp_test_abort(&c);
}

static void test_receive_window_and_update(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(next_port),
				  .sin_addr.s_addr = tcp_test_peer_ip};
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	struct tconn c = {.lfd = -1};
	struct tseg s;
	int rcvbuf = 4000;
	char data[1000], buf[5000];

	(void)state;
	memset(data, 'w', sizeof(data));
	c.fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(__sys_setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)), 0);
	assert_int_equal(__sys_connect(c.fd, (struct sockaddr *)&sin, sizeof(sin)), -EINPROGRESS);
	assert_true(tcp_peer_recv(&c.syn));
	assert_int_equal(c.syn.wscale, 0);
	assert_int_equal(c.syn.win, 4000);
	__sys_getsockname(c.fd, (struct sockaddr *)&me, &len);
	c.lport = ntohs(me.sin_port);
	c.rport = next_port;
	c.snd_nxt = c.syn.seq + 1;
	c.rcv_nxt = PEER_ISN + 1;
	tcp_peer_send(c.rport, c.lport, PEER_ISN, c.snd_nxt, SYN | ACK, WIN, NULL, NULL, 0);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt);
	/* the window closes as unread data piles up */
	tcp_peer_data(&c, c.rcv_nxt, data, 1000, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 1000);
	assert_int_equal(s.win, 3000);
	tcp_peer_data(&c, c.rcv_nxt + 1000, data, 1000, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 2000);
	assert_int_equal(s.win, 2000);
	tcp_peer_data(&c, c.rcv_nxt + 2000, data, 1000, WIN);
	tcp_peer_data(&c, c.rcv_nxt + 3000, data, 1000, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 4000);
	assert_int_equal(s.win, 0);
	/* nothing fits a zero window: the byte is not taken, the ACK repeats */
	tcp_peer_data(&c, c.rcv_nxt + 4000, "z", 1, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 4000);
	assert_int_equal(s.win, 0);
	/* a zero-window probe (old sequence number) is answered */
	tcp_peer_send(c.rport, c.lport, c.rcv_nxt + 3999, c.snd_nxt, ACK, WIN, NULL, NULL, 0);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 4000);
	/* reading opens the window and tells the peer at once */
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 4000);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 4000);
	assert_int_equal(s.win, 4000);
	c.rcv_nxt += 4000;
	tcp_test_abort(&c);
}

/*
 * A reader that keeps up: its window stays wide open, and reading sends no
 * window update (the data's ACKs carry the window); only a window that at
 * least doubles is announced at once (Linux's tcp_cleanup_rbuf).
 */
static void test_reader_keeping_up_sends_no_window_update(void **state)
{
	struct tconn c;
	struct tseg s;
	char data[1460], buf[4 * 1460];
	uint32_t off;

	(void)state;
	memset(data, 'r', sizeof(data));
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	for (off = 0; off < 8 * 1460; off += 1460)
		tcp_peer_data(&c, c.rcv_nxt + off, data, 1460, WIN);
	tcp_peer_flush();
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 4 * 1460);
	expect_nothing();
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 4 * 1460);
	expect_nothing();
	/* the pair of segments that follows is acked at once, with the window reopened */
	tcp_peer_data(&c, c.rcv_nxt + off, data, 1460, WIN);
	tcp_peer_data(&c, c.rcv_nxt + off + 1460, data, 1460, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + off + 2 * 1460);
	assert_int_equal(s.win, 65535); /* no window scale offered: the largest window */
	c.rcv_nxt += off + 2 * 1460;
	tcp_test_abort(&c);
}

static void test_persist_timer_zero_window(void **state)
{
	struct tconn c;
	struct tseg s;
	uint32_t gap;
	int i;

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, 0, NULL), 0);
	assert_int_equal(__sys_sendto(c.fd, "abc", 3, 0, NULL, 0), 3);
	expect_nothing();
	/* probes (an old sequence number, no data) back off like the RTO */
	for (gap = 200, i = 0; i < 3; i++, gap *= 2) {
		expect_seg_after(gap, &s, ACK, c.snd_nxt - 1, c.rcv_nxt);
		assert_int_equal(s.len, 0);
		/* the peer answers, window still zero */
		tcp_peer_ack(&c, c.snd_nxt, 0);
	}
	/* the window opens: the data goes at once */
	tcp_peer_ack(&c, c.snd_nxt, 1000);
	expect_data(&s, c.snd_nxt, c.rcv_nxt, 3);
	tcp_peer_ack_data(&c, 3, 1000);
	fake_clock_advance(10000);
	expect_nothing();
	tcp_test_abort(&c);
}

static void test_small_window_persist_sends_what_fits(void **state)
{
	struct tconn c;
	struct tseg s;

	(void)state;
	open_nodelay(&c, next_port, PEER_ISN, 1000, NULL);
	/* the peer's window shrinks to 10 bytes: sending 10 is silly (RFC 9293
	 * 3.8.6.2.1) until the persist timer says otherwise */
	tcp_peer_ack(&c, c.snd_nxt, 10);
	send_bytes(c.fd, 'p', 300);
	expect_nothing();
	fake_clock_advance(200);
	expect_data(&s, c.snd_nxt, c.rcv_nxt, 10);
	tcp_peer_ack(&c, c.snd_nxt + 10, 1000);
	expect_data(&s, c.snd_nxt + 10, c.rcv_nxt, 290);
	tcp_peer_ack_data(&c, 300, 1000);
	tcp_test_abort(&c);
}

static void test_mss_and_nagle(void **state)
{
	struct tconn c;
	struct tseg s;
	int one = 1;

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, &mss100), 0);
	send_bytes(c.fd, 'n', 350);
	/* segments of the peer's MSS; the 50-byte tail waits (Nagle, RFC 896) */
	expect_data(&s, c.snd_nxt, c.rcv_nxt, 100);
	expect_seg(&s, PSH | ACK, c.snd_nxt + 100, c.rcv_nxt);
	expect_seg(&s, PSH | ACK, c.snd_nxt + 200, c.rcv_nxt);
	expect_nothing();
	tcp_peer_ack(&c, c.snd_nxt + 300, WIN);
	expect_data(&s, c.snd_nxt + 300, c.rcv_nxt, 50);
	/* small writes with data in flight: held and coalesced */
	assert_int_equal(__sys_sendto(c.fd, "ab", 2, 0, NULL, 0), 2);
	assert_int_equal(__sys_sendto(c.fd, "cd", 2, 0, NULL, 0), 2);
	expect_nothing();
	tcp_peer_ack(&c, c.snd_nxt + 350, WIN);
	expect_data(&s, c.snd_nxt + 350, c.rcv_nxt, 4);
	assert_memory_equal(s.data, "abcd", 4);
	/* TCP_NODELAY: each write goes at once */
	assert_int_equal(__sys_setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
	assert_int_equal(__sys_sendto(c.fd, "e", 1, 0, NULL, 0), 1);
	assert_int_equal(__sys_sendto(c.fd, "f", 1, 0, NULL, 0), 1);
	expect_seg(&s, PSH | ACK, c.snd_nxt + 354, c.rcv_nxt);
	expect_seg(&s, PSH | ACK, c.snd_nxt + 355, c.rcv_nxt);
	tcp_peer_ack_data(&c, 356, WIN);
	tcp_test_abort(&c);
}

static void test_window_scale(void **state)
{
	struct tconn c;
	struct tseg s;
	const struct topts ws = {.mss = 1460, .wscale = 3};

	(void)state;
	open_nodelay(&c, next_port, PEER_ISN, 100, &ws);
	/* our windows are scaled by the shift we sent (RFC 7323 2.3) */
	tcp_peer_data(&c, c.rcv_nxt, "w", 1, 100);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 1);
	assert_true(((uint32_t)s.win << c.syn.wscale) > 100000);
	c.rcv_nxt++;
	/* the peer's 100 means 800 bytes after the handshake */
	tcp_peer_ack(&c, c.snd_nxt, 100);
	send_bytes(c.fd, 's', 2000);
	expect_data(&s, c.snd_nxt, c.rcv_nxt, 800);
	expect_nothing();
	tcp_peer_ack(&c, c.snd_nxt + 800, 1000);
	/* the rest of the first 1460-byte segment */
	expect_data(&s, c.snd_nxt + 800, c.rcv_nxt, 660);
	expect_data(&s, c.snd_nxt + 1460, c.rcv_nxt, 540);
	tcp_peer_ack_data(&c, 2000, 1000);
	tcp_test_abort(&c);
}

static void test_receive_sequence_wraparound(void **state)
{
	struct tconn c;
	struct tseg s;
	char buf[64];
	uint32_t isn = 0xfffffff0u, r;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, isn, WIN, NULL), 0);
	r = c.rcv_nxt;
	/* out of order across the wrap, then the head */
	tcp_peer_data(&c, r + 16, "ABCDEFGHIJKLMNOP", 16, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r);
	tcp_peer_data(&c, r, "abcdefghijklmnop", 16, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r + 32);
	assert_true(s.ack < 0x100);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 32);
	assert_memory_equal(buf, "abcdefghijklmnopABCDEFGHIJKLMNOP", 32);
	c.rcv_nxt += 32;
	/* an old duplicate from before the wrap is not new data */
	tcp_peer_data(&c, r, "abcdefghijklmnop", 16, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	tcp_test_abort(&c);
}

/* Our ISN is steered close to 2^32 through the RFC 6528 clock (4 us ticks). */
static void test_send_sequence_wraparound(void **state)
{
	struct tconn c;
	struct tseg s;
	uint32_t target = 0xffffff00u, isn1;
	const struct topts mss1460 = {.mss = 1460, .wscale = -1};
	int i;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	tcp_test_abort(&c);
	/* same 4-tuple, so the hash is the same: only the clock moves the ISN */
	isn1 = c.our_isn;
	fake_ktime_add_ns((uint64_t)(uint32_t)(target - isn1) * 4000);
	assert_int_equal(
		tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN + 100000, WIN, &mss1460),
		0);
	assert_int_equal(c.our_isn, target);
	tcp_test_nodelay(c.fd);
	send_bytes(c.fd, 'q', 600);
	for (i = 0; i < 1; i++)
		expect_data(&s, c.snd_nxt, c.rcv_nxt, 600);
	/* partial ACK past the wrap, then the rest */
	tcp_peer_ack(&c, c.snd_nxt + 300, WIN);
	assert_true(c.snd_nxt + 300 < 0x1000);
	tcp_peer_ack(&c, c.snd_nxt + 600, WIN);
	fake_clock_advance(10000);
	expect_nothing();
	assert_int_equal(__sys_sendto(c.fd, "z", 1, 0, NULL, 0), 1);
	expect_seg(&s, PSH | ACK, c.snd_nxt + 600, c.rcv_nxt);
	c.snd_nxt += 601;
	tcp_peer_ack(&c, c.snd_nxt, WIN);
	tcp_test_abort(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_delayed_ack),
		TCP_TEST(test_out_of_order_reassembly_with_sack),
		TCP_TEST(test_sack_first_block_beyond_the_lowest_four),
		TCP_TEST(test_receive_window_and_update),
		TCP_TEST(test_reader_keeping_up_sends_no_window_update),
		TCP_TEST(test_persist_timer_zero_window),
		TCP_TEST(test_small_window_persist_sends_what_fits),
		TCP_TEST(test_mss_and_nagle),
		TCP_TEST(test_window_scale),
		TCP_TEST(test_receive_sequence_wraparound),
		TCP_TEST(test_send_sequence_wraparound),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
