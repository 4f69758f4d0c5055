/*
 * cmocka checks shared by the TCP unit tests, on top of tcp_support.h.
 * Include after <cmocka.h>.  They live in a header because the support
 * sources are also linked into the fuzzers, which have no cmocka.
 */
#ifndef TESTS_UNIT_SUPPORT_TCP_EXPECT_H
#define TESTS_UNIT_SUPPORT_TCP_EXPECT_H

#include <string.h>
#include "net/tcp_priv.h"
#include "net/sock.h"
#include "net/socket.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"

/* Short names for the tests' segment scripts: the peer's usual window
 * and the flags. */
#define WIN 65535
#define ACK TCPHDR_ACK
#define SYN TCPHDR_SYN
#define FIN TCPHDR_FIN
#define RST TCPHDR_RST
#define PSH TCPHDR_PSH

/* A test of a TCP test binary, with that file's own static setup and
 * teardown around it. */
#define TCP_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* The group setup of the TCP test binaries: tcp_test_group_init. */
static inline int tcp_group_setup(void **state)
{
	(void)state;
	return tcp_test_group_init();
}

/*
 * The end of every TCP test's teardown: tcp_test_settle(extra_ms), then
 * no lock held and no sock or sk_buff left beyond what tcp_test_begin
 * counted.  Returns 0 for the teardown to return.
 */
static inline int tcp_test_end(uint64_t extra_ms)
{
	tcp_test_settle(extra_ms);
	assert_int_equal(fake_net_lock_depth(), 0);
	assert_int_equal(sock_in_use(), tcp_test_sock_base);
	assert_int_equal(skb_in_use(), tcp_test_skb_base);
	return 0;
}

/* The next segment we sent has these flags and seq (and ack, if ACK is
 * set) and a correct checksum. */
static inline void expect_seg(struct tseg *s, uint8_t flags, uint32_t seq, uint32_t ack)
{
	assert_true(tcp_peer_recv(s));
	assert_int_equal(s->flags, flags);
	assert_int_equal(s->seq, seq);
	if (flags & TCPHDR_ACK)
		assert_int_equal(s->ack, ack);
	assert_true(s->csum_ok);
}

/* We sent nothing. */
static inline void expect_nothing(void)
{
	struct tseg s;

	assert_false(tcp_peer_recv(&s));
}

/* Nothing is sent for the next ms - 1 ms; then, at ms, expect_seg's segment. */
static inline void expect_seg_after(uint64_t ms, struct tseg *s, uint8_t flags, uint32_t seq,
				    uint32_t ack)
{
	fake_clock_advance(ms - 1);
	expect_nothing();
	fake_clock_advance(1);
	expect_seg(s, flags, seq, ack);
}

/* The next segment is len bytes of our data at seq, acking ack. */
static inline void expect_data(struct tseg *s, uint32_t seq, uint32_t ack, unsigned int len)
{
	expect_seg(s, TCPHDR_PSH | TCPHDR_ACK, seq, ack);
	assert_int_equal(s->len, len);
}

/* We write n bytes (at most 2048), all ch: the socket takes all of them. */
static inline void send_bytes(int fd, int ch, size_t n)
{
	char data[2048];

	assert_true(n <= sizeof(data));
	memset(data, ch, n);
	assert_int_equal(__sys_sendto(fd, data, n, 0, NULL, 0), n);
}

/* Active open to the peer's rport (its ISN peer_isn, window win, options o),
 * Nagle off. */
static inline void open_nodelay(struct tconn *c, uint16_t rport, uint32_t peer_isn, uint16_t win,
				const struct topts *o)
{
	assert_int_equal(tcp_test_active_open(c, rport, peer_isn, win, o), 0);
	tcp_test_nodelay(c->fd);
}

#endif
