/*
 * RFC 7323 timestamps with crafted segments and the fake clock: offered in
 * our SYN and answered only when the peer's SYN has them, carried in every
 * later segment with the right TS.Recent echo (4.3), the MSS reduced by
 * the option, RTT samples from the echo (4.1) also for a GSO-sized skb
 * and a retransmission, PAWS (5.3) dropping an old duplicate but not a
 * RST and not after 24 days; and receive buffer autotuning: the buffer
 * and the advertised window grow with what the application reads per
 * RTT, up to what the window scale allows, and not after SO_RCVBUF.
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

#define PEER_ISN 6000000u

static uint16_t next_port = 49000;
static uint16_t next_lport = 9000;

static int setup(void **state)
{
	(void)state;
	return tcp_test_begin_ports(&next_port, &next_lport);
}

static int teardown(void **state)
{
	(void)state;
	tcp_test_dev->features = 0;
	tcp_test_dev->gso_max_size = 0;
	return tcp_test_end(130000);
}

static struct sock *conn_sock(const struct tconn *c)
{
	struct sock *sk = inet_lookup_established(tcp_test_peer_ip, htons(c->rport),
						  tcp_test_our_ip, htons(c->lport));

	assert_non_null(sk);
	return sk;
}

/* The peer's segment with timestamps tsval/tsecr. */
static void peer_ts(struct tconn *c, uint32_t seq, uint8_t flags, const void *data, size_t len,
		    uint32_t tsval, uint32_t tsecr)
{
	const struct topts o = {.wscale = -1, .ts = 1, .tsval = tsval, .tsecr = tsecr};

	tcp_peer_send(c->rport, c->lport, seq, c->snd_nxt, flags, WIN, &o, data, len);
}

static void test_negotiation_and_echo(void **state)
{
	const struct topts ts = {.mss = 1460, .wscale = 7, .ts = 1, .tsval = 1000};
	struct tconn c;
	struct tseg s;

	(void)state;
	/* passive: the SYN has them, so the SYN-ACK answers with TSecr = its TSval */
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, &ts), 0);
	assert_true(c.syn.ts);
	assert_int_equal(c.syn.tsecr, 1000);
	assert_true(tcp_sk(conn_sock(&c))->tstamp_ok);
	/* each ACK echoes the latest TSval of what it acknowledges, with our clock */
	peer_ts(&c, c.rcv_nxt, PSH | ACK, "abc", 3, 1005, c.syn.tsval);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 3);
	assert_true(s.ts);
	assert_int_equal(s.tsecr, 1005);
	assert_true(s.tsval - c.syn.tsval < 10); /* milliseconds: no time passed */
	fake_clock_advance(100);
	peer_ts(&c, c.rcv_nxt + 3, PSH | ACK, "d", 1, 1100, s.tsval);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 4);
	assert_int_equal(s.tsecr, 1100);
	assert_int_equal(s.tsval - c.syn.tsval, 100);
	/* the MSS leaves room for the option (RFC 7323 3.2) */
	assert_int_equal(tcp_sk(conn_sock(&c))->mss_cache, 1460 - 12);
	c.rcv_nxt += 4;
	tcp_test_abort(&c);
	/* a SYN without them: none in the SYN-ACK nor after */
	assert_int_equal(
		tcp_test_passive_open(&c, next_lport + 500, next_port, PEER_ISN, WIN, NULL), 0);
	assert_false(c.syn.ts);
	tcp_peer_data(&c, c.rcv_nxt, "x", 1, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 1);
	assert_false(s.ts);
	c.rcv_nxt++;
	tcp_test_abort(&c);
}

static void test_active_open_rtt_from_echo(void **state)
{
	const struct topts ts = {.mss = 1460, .wscale = 7, .ts = 1, .tsval = 50};
	static char data[8 * 1448];
	struct tcp_sock *tp;
	struct tconn c;
	struct tseg s;

	(void)state;
	/* our SYN offers them (TSecr 0: nothing to echo yet) */
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, &ts), 0);
	assert_true(c.syn.ts);
	assert_int_equal(c.syn.tsecr, 0);
	tp = tcp_sk(conn_sock(&c));
	assert_true(tp->tstamp_ok);
	tp->srtt_ms8 = 0; /* forget the handshake's sample: the next one is the first */
	/* one GSO skb of 8 segments; its ACK 30 ms later echoes its TSval */
	tcp_test_dev->features = NETIF_F_TSO | NETIF_F_IP_CSUM;
	tcp_test_dev->gso_max_size = 65536;
	tcp_v4_setup_caps(&tp->sk);
	tcp_test_nodelay(c.fd);
	assert_int_equal(__sys_sendto(c.fd, data, sizeof(data), 0, NULL, 0), sizeof(data));
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.len, sizeof(data));
	assert_true(s.ts);
	assert_int_equal(s.tsecr, 50);
	fake_clock_advance(30);
	c.snd_nxt += sizeof(data);
	peer_ts(&c, c.rcv_nxt, ACK, NULL, 0, 80, s.tsval);
	assert_int_equal(tp->srtt_ms8 >> 3, 30);
	/* a retransmission's ACK gives a sample too (its own TSval, no Karn) */
	assert_int_equal(__sys_sendto(c.fd, data, 1000, 0, NULL, 0), 1000);
	assert_true(tcp_peer_recv(&s));
	fake_clock_advance(tp->rto_ms);
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.seq, c.snd_nxt);
	fake_clock_advance(20);
	c.snd_nxt += 1000;
	peer_ts(&c, c.rcv_nxt, ACK, NULL, 0, 90, s.tsval);
	/* srtt moved toward 20 ms: 30 + (20 - 30) / 8 */
	assert_int_equal(tp->srtt_ms8 >> 3, 28);
	tcp_test_abort(&c);
}

static void test_paws_drops_old_duplicates(void **state)
{
	const struct topts ts = {.mss = 1460, .wscale = 7, .ts = 1, .tsval = 1000};
	uint64_t rejected = tcp_statistics.paws_rejected;
	struct tconn c;
	struct tseg s;
	char buf[16];

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, &ts), 0);
	peer_ts(&c, c.rcv_nxt, PSH | ACK, "new", 3, 2000, c.syn.tsval);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 3);
	c.rcv_nxt += 3;
	/* in the window, but its TSval is older than TS.Recent: an old
	 * duplicate from before a wrap (RFC 7323 5.3 R1): ACKed, dropped */
	peer_ts(&c, c.rcv_nxt, PSH | ACK, "old", 3, 1500, c.syn.tsval);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt);
	assert_int_equal(tcp_statistics.paws_rejected, rejected + 1);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 3);
	assert_memory_equal(buf, "new", 3);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	/* the same TSval is not older: accepted */
	peer_ts(&c, c.rcv_nxt, PSH | ACK, "eq", 2, 2000, c.syn.tsval);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 2);
	c.rcv_nxt += 2;
	/* after 24 days of silence TS.Recent is no longer compared (5.5) */
	fake_clock_advance(25ULL * 24 * 3600 * 1000);
	peer_ts(&c, c.rcv_nxt, PSH | ACK, "late", 4, 10, s.tsval);
	expect_seg_after(tcp_delack_ms, &s, ACK, c.snd_nxt, c.rcv_nxt + 4);
	assert_int_equal(tcp_statistics.paws_rejected, rejected + 1);
	c.rcv_nxt += 4;
	/* a RST is never PAWS-dropped (R1): an old TSval still resets */
	peer_ts(&c, c.rcv_nxt, RST, NULL, 0, 5, 0);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_CLOSE);
	__sys_close(c.fd);
	__sys_close(c.lfd);
	tcp_peer_flush();
}

/*
 * One RTT of bulk data: the peer sends `n` full segments with timestamps,
 * echoing the TSval of our first ACK of the round before (`echo`: that
 * ACK left `rtt` ms ago); then `rtt` ms pass and the application reads
 * everything.  Returns the window our last ACK advertised, in bytes.
 */
static uint32_t bulk_round(struct tconn *c, uint32_t *echo, uint32_t *tsval, unsigned int n,
			   unsigned int rtt)
{
	static char seg[1448], buf[65536];
	uint32_t win = 0, use = *echo;
	unsigned int i, first = 1;
	struct tseg s;

	for (i = 0; i < n + 1; i++) {
		if (i < n) {
			peer_ts(c, c->rcv_nxt, ACK, seg, sizeof(seg), (*tsval)++, use);
			c->rcv_nxt += sizeof(seg);
		} else {
			fake_clock_advance(rtt);
			while (__sys_recvfrom(c->fd, buf, sizeof(buf), 0, NULL, NULL) > 0)
				;
		}
		while (tcp_peer_recv(&s)) {
			if (first)
				*echo = s.tsval;
			first = 0;
			win = (uint32_t)s.win << c->syn.wscale;
		}
	}
	return win;
}

static void test_receive_buffer_autotuning(void **state)
{
	const struct topts ts = {.mss = 1460, .wscale = 7, .ts = 1, .tsval = 1};
	uint32_t tsval = 2, echo, win = 0, max;
	struct tconn c;
	struct sock *sk;
	int round, rcvbuf = 65536;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, &ts), 0);
	sk = conn_sock(&c);
	max = 65535U << tcp_sk(sk)->rcv_wscale;
	echo = c.syn.tsval;
	fake_clock_advance(5); /* the SYN-ACK left 5 ms before the first data */
	/* 80 KiB per 5 ms RTT: the buffer grows past the default, within
	 * what the scale in our SYN-ACK can advertise */
	for (round = 0; round < 6; round++)
		win = bulk_round(&c, &echo, &tsval, 56, 5);
	assert_int_equal(tcp_sk(sk)->rcv_rtt_ms, 5);
	assert_true(sk->sk_rcvbuf > TCP_RCVBUF_DEFAULT);
	assert_true(sk->sk_rcvbuf <= max);
	assert_true(win > TCP_RCVBUF_DEFAULT);
	tcp_test_abort(&c);

	/* a buffer set with SO_RCVBUF stays as set */
	assert_int_equal(tcp_test_passive_open(&c, next_lport + 500, next_port, PEER_ISN, WIN, &ts),
			 0);
	assert_int_equal(__sys_setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)), 0);
	sk = conn_sock(&c);
	echo = c.syn.tsval;
	fake_clock_advance(5);
	for (round = 0; round < 6; round++)
		bulk_round(&c, &echo, &tsval, 30, 5);
	assert_int_equal(tcp_sk(sk)->rcv_rtt_ms, 5);
	assert_int_equal(sk->sk_rcvbuf, rcvbuf);
	tcp_test_abort(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_negotiation_and_echo),
		TCP_TEST(test_active_open_rtt_from_echo),
		TCP_TEST(test_paws_drops_old_duplicates),
		TCP_TEST(test_receive_buffer_autotuning),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
