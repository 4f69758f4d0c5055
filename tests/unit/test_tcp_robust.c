/*
 * TCP under hostile or careless peers, with crafted segments and the fake
 * clock: SYN cookies (RFC 4987 3.6) -- the round trip, a wrong or stale
 * cookie, the MSS table, the options carried in the TSval, the switch to
 * cookies when the SYN queue overflows -- D-SACK (RFC 2883), and the
 * resets for close() with unread data and for data after close()
 * (RFC 9293 3.10.4, 3.10.7.4; RFC 1122 4.2.2.13).
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

static uint16_t next_port = 43000;
static uint16_t next_lport = 8000;

static int setup(void **state)
{
	(void)state;
	return tcp_test_begin_ports(&next_port, &next_lport);
}

static int teardown(void **state)
{
	(void)state;
	tcp_syncookies = 1;
	return tcp_test_end(130000);
}

/* A listening socket on port with this backlog. */
static int listen_on(uint16_t port, int backlog)
{
	int fd = tcp_test_listen(port, backlog);

	assert_true(fd >= 0);
	return fd;
}

/* Our sock for the peer's rport and our lport (NULL if none). */
static struct tcp_sock *child_of(uint16_t lport, uint16_t rport)
{
	struct sock *sk = inet_lookup_established(tcp_test_peer_ip, htons(rport), tcp_test_our_ip,
						  htons(lport));

	return sk ? tcp_sk(sk) : NULL;
}

/* The peer's SYN from rport; our SYN-ACK (its seq unknown) in *s. */
#define expect_synack(s, rport, lport, o)                                       \
	do {                                                                    \
		tcp_peer_send(rport, lport, PEER_ISN, 0, SYN, WIN, o, NULL, 0); \
		assert_true(tcp_peer_recv(s));                                  \
		assert_int_equal((s)->flags, SYN | ACK);                        \
		assert_int_equal((s)->ack, PEER_ISN + 1);                       \
		assert_true((s)->csum_ok);                                      \
	} while (0)

/* The peer completes the handshake to the SYN-ACK s (options o on the ACK). */
static void peer_handshake_ack(uint16_t rport, uint16_t lport, const struct tseg *s,
			       const struct topts *o)
{
	tcp_peer_send(rport, lport, PEER_ISN + 1, s->seq + 1, ACK, WIN, o, NULL, 0);
}

/* The accepted connection goes with an exact RST from the peer (at seq); fd closed. */
static void peer_reset(int fd, uint16_t rport, uint16_t lport, uint32_t seq)
{
	tcp_peer_send(rport, lport, seq, 0, RST, 0, NULL, NULL, 0);
	__sys_close(fd);
}

static void test_cookie_round_trip(void **state)
{
	const struct topts o = {.mss = 1400, .wscale = 7, .sack_perm = 1};
	uint64_t sent = tcp_statistics.syncookies_sent, recv = tcp_statistics.syncookies_recv;
	uint16_t lport = next_lport, rport = next_port;
	long socks;
	struct tcp_sock *tp;
	struct tseg s;
	int lfd, fd;

	(void)state;
	tcp_syncookies = 2;
	lfd = listen_on(lport, 8);
	socks = sock_in_use();
	expect_synack(&s, rport, lport, &o);
	assert_int_equal(tcp_statistics.syncookies_sent, sent + 1);
	/* nothing kept: no request sock */
	assert_int_equal(sock_in_use(), socks);
	/* no timestamps: the SYN-ACK offers no window scaling and no SACK */
	assert_int_equal(s.wscale, -1);
	assert_int_equal(s.sack_perm, 0);
	assert_int_equal(s.ts, 0);
	/* and nothing is resent: there is no request to time out */
	fake_clock_advance(5000);
	expect_nothing();

	peer_handshake_ack(rport, lport, &s, NULL);
	assert_int_equal(tcp_statistics.syncookies_recv, recv + 1);
	expect_nothing();
	fd = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(fd >= 0);
	tp = child_of(lport, rport);
	assert_non_null(tp);
	assert_int_equal(tp->sk.sk_state, TCP_ESTABLISHED);
	assert_int_equal(tp->iss, s.seq);
	assert_int_equal(tp->rcv_nxt, PEER_ISN + 1);
	/* 1400 is said as 1300, the table's largest value not above it */
	assert_int_equal(tp->rx_opt_mss, 1300);
	assert_int_equal(tp->wscale_ok, 0);
	assert_int_equal(tp->sack_ok, 0);
	assert_int_equal(tp->tstamp_ok, 0);
	/* the connection works */
	tcp_peer_send(rport, lport, PEER_ISN + 1, s.seq + 1, PSH | ACK, WIN, NULL, "hi", 2);
	expect_seg(&s, ACK, tp->iss + 1, PEER_ISN + 3);
	peer_reset(fd, rport, lport, PEER_ISN + 3);
	__sys_close(lfd);
}

static void test_cookie_wrong_and_stale(void **state)
{
	uint64_t failed = tcp_statistics.syncookies_failed, recv = tcp_statistics.syncookies_recv;
	uint16_t lport = next_lport, rport = next_port;
	struct tseg s, old;
	int lfd;

	(void)state;
	tcp_syncookies = 2;
	lfd = listen_on(lport, 8);
	/* a wrong cookie: answered as any stray ACK on a listener, with a RST */
	expect_synack(&s, rport, lport, NULL);
	tcp_peer_send(rport, lport, PEER_ISN + 1, s.seq + 1 + 4, ACK, WIN, NULL, NULL, 0);
	expect_seg(&s, RST, s.seq + 1 + 4, 0);
	assert_int_equal(tcp_statistics.syncookies_failed, failed + 1);
	/* from another port (the hash covers the 4-tuple) */
	expect_synack(&s, rport, lport, NULL);
	tcp_peer_send(rport + 100, lport, PEER_ISN + 1, s.seq + 1, ACK, WIN, NULL, NULL, 0);
	expect_seg(&old, RST, s.seq + 1, 0);
	assert_int_equal(tcp_statistics.syncookies_failed, failed + 2);
	/* with another client ISN */
	tcp_peer_send(rport, lport, PEER_ISN + 2, s.seq + 1, ACK, WIN, NULL, NULL, 0);
	expect_seg(&old, RST, s.seq + 1, 0);
	assert_int_equal(tcp_statistics.syncookies_failed, failed + 3);

	/* a cookie is good for one counter tick (a minute) later ... */
	expect_synack(&old, rport, lport, NULL);
	fake_clock_advance(60000);
	assert_int_equal(__cookie_v4_check(tcp_test_peer_ip, tcp_test_our_ip, htons(rport),
					   htons(lport), PEER_ISN, old.seq),
			 536);
	/* ... not two: the listener is still sending cookies, yet this one fails */
	fake_clock_advance(60000);
	expect_synack(&s, rport + 1, lport, NULL);
	peer_handshake_ack(rport, lport, &old, NULL);
	expect_seg(&s, RST, old.seq + 1, 0);
	assert_int_equal(tcp_statistics.syncookies_failed, failed + 4);
	assert_int_equal(tcp_statistics.syncookies_recv, recv);
	assert_null(child_of(lport, rport));
	__sys_close(lfd);
}

static void test_cookie_mss_table(void **state)
{
	static const struct {
		int mss_opt, said;
	} cases[] = {{0, 536},	   {100, 536},	 {536, 536},   {1299, 536},  {1300, 1300},
		     {1439, 1300}, {1440, 1440}, {1459, 1440}, {1460, 1460}, {9000, 1460}};
	static const uint16_t table[] = {536, 1300, 1440, 1460};
	uint16_t lport = next_lport, rport = next_port;
	struct tseg s;
	unsigned int i;
	int lfd, fd;

	(void)state;
	/* every index decodes to its value; beyond the table nothing does */
	for (i = 0; i < 4; i++) {
		uint32_t c = __cookie_v4_init_sequence(1, 2, 3, 4, 99, i);

		assert_int_equal(__cookie_v4_check(1, 2, 3, 4, 99, c), table[i]);
		assert_int_equal(__cookie_v4_check(1, 2, 3, 4, 99, c + 4), 0);
	}
	tcp_syncookies = 2;
	lfd = listen_on(lport, 8);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++, rport++) {
		const struct topts o = {.mss = cases[i].mss_opt, .wscale = -1};
		struct tcp_sock *tp;

		expect_synack(&s, rport, lport, &o);
		peer_handshake_ack(rport, lport, &s, NULL);
		fd = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
		assert_true(fd >= 0);
		tp = child_of(lport, rport);
		assert_non_null(tp);
		assert_int_equal(tp->rx_opt_mss, cases[i].said);
		peer_reset(fd, rport, lport, PEER_ISN + 1);
	}
	__sys_close(lfd);
}

static void test_cookie_timestamp_options(void **state)
{
	const struct topts all = {.mss = 1460, .wscale = 7, .sack_perm = 1, .ts = 1, .tsval = 1000};
	const struct topts nowscale = {.mss = 1460, .wscale = -1, .ts = 1, .tsval = 2000};
	uint16_t lport = next_lport, rport = next_port;
	struct topts ack;
	struct tcp_sock *tp;
	struct tseg s;
	int lfd, fd;

	(void)state;
	tcp_syncookies = 2;
	lfd = listen_on(lport, 8);
	/* window scale 7 and SACK-permitted in the TSval's low six bits */
	expect_synack(&s, rport, lport, &all);
	assert_true(s.ts);
	assert_int_equal(s.tsecr, 1000);
	assert_int_equal(s.tsval & 0x3f, 7 | 0x10);
	assert_true(s.wscale >= 0);
	assert_int_equal(s.sack_perm, 1);
	ack = (struct topts){.wscale = -1, .ts = 1, .tsval = 1001, .tsecr = s.tsval};
	peer_handshake_ack(rport, lport, &s, &ack);
	fd = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(fd >= 0);
	tp = child_of(lport, rport);
	assert_non_null(tp);
	assert_int_equal(tp->wscale_ok, 1);
	assert_int_equal(tp->snd_wscale, 7);
	assert_int_equal(tp->rcv_wscale, s.wscale);
	assert_int_equal(tp->sack_ok, 1);
	assert_int_equal(tp->tstamp_ok, 1);
	assert_int_equal(tp->ts_recent, 1001);
	assert_int_equal(tp->rx_opt_mss, 1460);
	/* the child's TSvals go on from the cookie's, never back */
	tcp_peer_send(rport, lport, PEER_ISN + 1, s.seq + 1, PSH | ACK, WIN, &ack, "x", 1);
	{
		uint32_t cookie_ts = s.tsval;

		expect_seg(&s, ACK, tp->iss + 1, PEER_ISN + 2);
		assert_true(s.ts);
		assert_false(before(s.tsval, cookie_ts));
	}
	peer_reset(fd, rport, lport, PEER_ISN + 2);

	/* no window scale offered: 0xf, no SACK */
	rport++;
	expect_synack(&s, rport, lport, &nowscale);
	assert_int_equal(s.tsval & 0x3f, 0xf);
	assert_int_equal(s.wscale, -1);
	assert_int_equal(s.sack_perm, 0);
	ack = (struct topts){.wscale = -1, .ts = 1, .tsval = 2001, .tsecr = s.tsval};
	peer_handshake_ack(rport, lport, &s, &ack);
	fd = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(fd >= 0);
	tp = child_of(lport, rport);
	assert_non_null(tp);
	assert_int_equal(tp->wscale_ok, 0);
	assert_int_equal(tp->sack_ok, 0);
	assert_int_equal(tp->tstamp_ok, 1);
	peer_reset(fd, rport, lport, PEER_ISN + 1);

	/* the ACK drops the timestamps: nothing comes back, no options */
	rport++;
	expect_synack(&s, rport, lport, &all);
	peer_handshake_ack(rport, lport, &s, NULL);
	fd = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(fd >= 0);
	tp = child_of(lport, rport);
	assert_non_null(tp);
	assert_int_equal(tp->wscale_ok, 0);
	assert_int_equal(tp->sack_ok, 0);
	assert_int_equal(tp->tstamp_ok, 0);
	peer_reset(fd, rport, lport, PEER_ISN + 1);
	__sys_close(lfd);
}

static void test_syn_queue_overflow_uses_cookies(void **state)
{
	uint64_t sent = tcp_statistics.syncookies_sent, drops = tcp_statistics.syn_drops;
	uint64_t failed = tcp_statistics.syncookies_failed;
	uint16_t lport = next_lport, rport = next_port;
	struct tseg s1, s2, s3, s;
	long socks;
	int lfd, fd[3], i;

	(void)state;
	assert_int_equal(tcp_syncookies, 1); /* the default: cookies on overflow */
	lfd = listen_on(lport, 2);
	/* a stray ACK before any cookie: a RST, and no cookie was checked */
	tcp_peer_send(rport + 50, lport, PEER_ISN, 12345, ACK, WIN, NULL, NULL, 0);
	expect_seg(&s, RST, 12345, 0);
	assert_int_equal(tcp_statistics.syncookies_failed, failed);
	socks = sock_in_use();
	/* two SYNs fill the SYN queue with request socks */
	expect_synack(&s1, rport, lport, NULL);
	expect_synack(&s2, rport + 1, lport, NULL);
	assert_int_equal(sock_in_use(), socks + 2);
	assert_int_equal(tcp_statistics.syncookies_sent, sent);
	/* the third overflows it: a cookie, nothing kept, nothing evicted */
	expect_synack(&s3, rport + 2, lport, NULL);
	assert_int_equal(tcp_statistics.syncookies_sent, sent + 1);
	assert_int_equal(sock_in_use(), socks + 2);
	assert_int_equal(tcp_statistics.syn_drops, drops);
	/* all three complete (each accepted: the accept queue holds two); the
	 * cookie one first */
	peer_handshake_ack(rport + 2, lport, &s3, NULL);
	fd[0] = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	peer_handshake_ack(rport, lport, &s1, NULL);
	fd[1] = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	peer_handshake_ack(rport + 1, lport, &s2, NULL);
	fd[2] = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	expect_nothing();
	for (i = 0; i < 3; i++)
		assert_true(fd[i] >= 0);
	assert_non_null(child_of(lport, rport + 2));
	for (i = 0; i < 3; i++)
		assert_int_equal(tcp_test_state(lport, rport + i), TCP_ESTABLISHED);
	peer_reset(fd[0], rport + 2, lport, PEER_ISN + 1);
	peer_reset(fd[1], rport, lport, PEER_ISN + 1);
	peer_reset(fd[2], rport + 1, lport, PEER_ISN + 1);
	__sys_close(lfd);
}

static const struct topts sack = {.mss = 1460, .wscale = -1, .sack_perm = 1};

static void test_dsack_below_rcv_nxt(void **state)
{
	struct tconn c;
	struct tseg s;
	char buf[16];
	uint32_t r;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, &sack), 0);
	r = c.rcv_nxt;
	tcp_peer_data(&c, r, "hello", 5, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r + 5);
	assert_int_equal(s.nsacks, 0);
	/* the whole segment again: the ACK reports it in a D-SACK block */
	tcp_peer_data(&c, r, "hello", 5, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r + 5);
	assert_int_equal(s.nsacks, 1);
	assert_int_equal(s.sacks[0][0], r);
	assert_int_equal(s.sacks[0][1], r + 5);
	/* partly old, partly new: the old part is reported */
	tcp_peer_data(&c, r + 2, "lloXY", 5, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r + 7);
	assert_int_equal(s.nsacks, 1);
	assert_int_equal(s.sacks[0][0], r + 2);
	assert_int_equal(s.sacks[0][1], r + 5);
	/* reported once: the next ACK (a delayed one) has no block */
	tcp_peer_data(&c, r + 7, "Z", 1, WIN);
	expect_seg_after(tcp_delack_ms, &s, ACK, c.snd_nxt, r + 8);
	assert_int_equal(s.nsacks, 0);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 8);
	assert_memory_equal(buf, "helloXYZ", 8);
	c.rcv_nxt += 8;
	tcp_test_abort(&c);
}

static void test_dsack_out_of_order_duplicate(void **state)
{
	struct tconn c;
	struct tseg s;
	uint32_t r;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, &sack), 0);
	r = c.rcv_nxt;
	tcp_peer_data(&c, r + 5, "world", 5, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r);
	assert_int_equal(s.nsacks, 1);
	tcp_peer_data(&c, r + 20, "tail", 4, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r);
	assert_int_equal(s.nsacks, 2);
	/* "world" again: D-SACK first, then the block that holds it (RFC 2883 4.1.2) */
	tcp_peer_data(&c, r + 5, "world", 5, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r);
	assert_int_equal(s.nsacks, 3);
	assert_int_equal(s.sacks[0][0], r + 5);
	assert_int_equal(s.sacks[0][1], r + 10);
	assert_int_equal(s.sacks[1][0], r + 5);
	assert_int_equal(s.sacks[1][1], r + 10);
	assert_int_equal(s.sacks[2][0], r + 20);
	/* part of it, overlapping new data after it: only the duplicate part */
	tcp_peer_data(&c, r + 8, "ldNEW", 5, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r);
	assert_int_equal(s.sacks[0][0], r + 8);
	assert_int_equal(s.sacks[0][1], r + 10);
	assert_int_equal(s.sacks[1][0], r + 5);
	assert_int_equal(s.sacks[1][1], r + 13);
	tcp_test_abort(&c);
}

static void test_no_dsack_without_sack(void **state)
{
	struct tconn c;
	struct tseg s;
	uint32_t r;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	r = c.rcv_nxt;
	tcp_peer_data(&c, r, "hello", 5, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r + 5);
	tcp_peer_data(&c, r, "hello", 5, WIN);
	expect_seg(&s, ACK, c.snd_nxt, r + 5);
	assert_int_equal(s.nsacks, 0);
	c.rcv_nxt += 5;
	tcp_test_abort(&c);
}

static void test_close_with_unread_data_resets(void **state)
{
	uint64_t aborts = tcp_statistics.abort_on_close;
	struct tconn c;
	struct tseg s;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	tcp_peer_data(&c, c.rcv_nxt, "unread", 6, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 6);
	__sys_close(c.fd);
	/* RST, not FIN (RFC 9293 3.10.4, RFC 1122 4.2.2.13) */
	expect_seg(&s, RST | ACK, c.snd_nxt, c.rcv_nxt + 6);
	expect_nothing();
	assert_int_equal(tcp_test_state(c.lport, c.rport), 0);
	assert_int_equal(tcp_statistics.abort_on_close, aborts + 1);
	__sys_close(c.lfd);
}

static void test_close_after_reading_sends_fin(void **state)
{
	uint64_t aborts = tcp_statistics.abort_on_close;
	struct tconn c;
	struct tseg s;
	char buf[8];

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	tcp_peer_data(&c, c.rcv_nxt, "read", 4, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 4);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 4);
	c.rcv_nxt += 4;
	tcp_peer_flush(); /* the read may send a window update */
	__sys_close(c.fd);
	expect_seg(&s, FIN | ACK, c.snd_nxt, c.rcv_nxt);
	assert_int_equal(tcp_statistics.abort_on_close, aborts);
	tcp_peer_send(c.rport, c.lport, c.rcv_nxt, c.snd_nxt + 1, FIN | ACK, WIN, NULL, NULL, 0);
	expect_seg(&s, ACK, c.snd_nxt + 1, c.rcv_nxt + 1);
	__sys_close(c.lfd);
}

static void test_data_after_close_resets(void **state)
{
	uint64_t aborts = tcp_statistics.abort_on_data;
	struct tconn c;
	struct tseg s;

	(void)state;
	/* FIN-WAIT-2: our FIN acked, then data */
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	__sys_close(c.fd);
	expect_seg(&s, FIN | ACK, c.snd_nxt, c.rcv_nxt);
	tcp_peer_ack(&c, c.snd_nxt + 1, WIN);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_FIN_WAIT2);
	tcp_peer_send(c.rport, c.lport, c.rcv_nxt, c.snd_nxt + 1, PSH | ACK, WIN, NULL, "late", 4);
	/* RFC 9293 3.10.7.4: <SEQ=SEG.ACK><CTL=RST>, the connection gone */
	expect_seg(&s, RST, c.snd_nxt + 1, 0);
	expect_nothing();
	assert_int_equal(tcp_test_state(c.lport, c.rport), 0);
	assert_int_equal(tcp_statistics.abort_on_data, aborts + 1);

	/* FIN-WAIT-1: data that does not ack our FIN yet */
	c.rport++;
	expect_synack(&s, c.rport, c.lport, NULL);
	{
		uint32_t isn = s.seq;
		int fd;

		tcp_peer_send(c.rport, c.lport, PEER_ISN + 1, isn + 1, ACK, WIN, NULL, NULL, 0);
		fd = __sys_accept4(c.lfd, NULL, NULL, SOCK_NONBLOCK);
		assert_true(fd >= 0);
		__sys_close(fd);
		expect_seg(&s, FIN | ACK, isn + 1, PEER_ISN + 1);
		assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_FIN_WAIT1);
		tcp_peer_send(c.rport, c.lport, PEER_ISN + 1, isn + 1, PSH | ACK, WIN, NULL, "x",
			      1);
		expect_seg(&s, RST, isn + 1, 0);
		assert_int_equal(tcp_test_state(c.lport, c.rport), 0);
	}
	assert_int_equal(tcp_statistics.abort_on_data, aborts + 2);

	/* a FIN alone after close is no data: acknowledged, TIME-WAIT */
	__sys_close(c.lfd);
	c.rport++;
	assert_int_equal(tcp_test_passive_open(&c, c.lport + 1, c.rport, PEER_ISN, WIN, NULL), 0);
	__sys_close(c.fd);
	expect_seg(&s, FIN | ACK, c.snd_nxt, c.rcv_nxt);
	tcp_peer_send(c.rport, c.lport, c.rcv_nxt, c.snd_nxt + 1, FIN | ACK, WIN, NULL, NULL, 0);
	expect_seg(&s, ACK, c.snd_nxt + 1, c.rcv_nxt + 1);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_TIME_WAIT);
	assert_int_equal(tcp_statistics.abort_on_data, aborts + 2);
	__sys_close(c.lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_cookie_round_trip),
		TCP_TEST(test_cookie_wrong_and_stale),
		TCP_TEST(test_cookie_mss_table),
		TCP_TEST(test_cookie_timestamp_options),
		TCP_TEST(test_syn_queue_overflow_uses_cookies),
		TCP_TEST(test_dsack_below_rcv_nxt),
		TCP_TEST(test_dsack_out_of_order_duplicate),
		TCP_TEST(test_no_dsack_without_sack),
		TCP_TEST(test_close_with_unread_data_resets),
		TCP_TEST(test_close_after_reading_sends_fin),
		TCP_TEST(test_data_after_close_resets),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
