/*
 * TCP loss recovery with crafted segments and the fake clock:
 * retransmission and backoff (RFC 6298), NewReno fast retransmit
 * (RFC 5681/6582), SACK-based recovery (RFC 6675), RACK and the tail loss
 * probe (RFC 8985), and keep-alive (RFC 1122 4.2.3.6).  The receiving and
 * flow-control side is in test_tcp_data.c.
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

static uint16_t next_port = 42000;
static uint16_t next_lport = 7500;

static int setup(void **state)
{
	(void)state;
	/* the loss scripts below count on RFC 5681's smaller initial window
	 * (4 segments of 100 bytes), not RFC 6928's 10 */
	tcp_init_cwnd = 4;
	return tcp_test_begin_ports(&next_port, &next_lport);
}

/* test_rto_min_and_give_up changes these: back to the defaults. */
static int teardown(void **state)
{
	(void)state;
	tcp_rto_min_ms = 200;
	tcp_retries2 = 15;
	tcp_init_cwnd = 10;
	return tcp_test_end(130000);
}

/* A 100-byte MSS (with SACK or not): a few bytes make several segments. */
static const struct topts mss100 = {.mss = 100, .wscale = -1};
static const struct topts sack_mss100 = {.mss = 100, .wscale = -1, .sack_perm = 1};

/* We send the string data: it goes out at once, in one segment. */
static void send_now(struct tconn *c, struct tseg *s, const char *data)
{
	size_t len = strlen(data);

	assert_int_equal(__sys_sendto(c->fd, data, len, 0, NULL, 0), len);
	expect_seg(s, PSH | ACK, c->snd_nxt, c->rcv_nxt);
}

/* We send data: it goes out at once and once more exactly rto_ms later
 * (nothing in between); then the peer acks it. */
static void send_once_more_after(struct tconn *c, const char *data, uint64_t rto_ms)
{
	struct tseg s;

	send_now(c, &s, data);
	expect_seg_after(rto_ms, &s, PSH | ACK, c->snd_nxt, c->rcv_nxt);
	tcp_peer_ack_data(c, (uint32_t)strlen(data), WIN);
}

static void test_retransmission_backoff(void **state)
{
	struct tconn c;
	struct tseg s;
	struct tcp_sock_info info[8];
	int i, n;
	uint32_t gap;

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, NULL), 0);
	send_now(&c, &s, "data");
	/* the SYN's RTT sample was ~0 ms: RTO is the 200 ms minimum, then doubles */
	for (gap = 200, i = 0; i < 4; i++, gap *= 2) {
		expect_seg_after(gap, &s, PSH | ACK, c.snd_nxt, c.rcv_nxt);
		assert_int_equal(s.len, 4);
		assert_memory_equal(s.data, "data", 4);
	}
	n = tcp_get_sock_info(info, 8);
	for (i = 0; i < n && i < 8; i++)
		if (info[i].lport == c.lport)
			assert_int_equal(info[i].retrans, 4);
	/* the ACK stops the timer; Karn: the retransmitted segment gives no
	 * RTT sample, and the backoff ends with the new ACK */
	tcp_peer_ack(&c, c.snd_nxt + 4, WIN);
	fake_clock_advance(60000);
	expect_nothing();
	c.snd_nxt += 4;
	send_once_more_after(&c, "more", 200);
	tcp_test_abort(&c);
}

/* RFC 6298 2.2-2.3: a first sample R gives SRTT = R, RTTVAR = R/2, RTO = R + 4 * R/2. */
static void test_rto_from_rtt_samples(void **state)
{
	struct tconn c;
	struct tseg s;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	/* the SYN-ACK was never timed on a full sock; time one data segment */
	send_now(&c, &s, "a");
	fake_clock_advance(150);
	tcp_peer_ack_data(&c, 1, WIN);
	/* SRTT 150, RTTVAR 75: RTO = 150 + 300 = 450 ms */
	send_once_more_after(&c, "b", 450);
	tcp_test_abort(&c);
}

static void test_rto_min_and_give_up(void **state)
{
	struct tconn c;
	struct tseg s;
	char buf[4];
	int i;

	(void)state;
	tcp_rto_min_ms = 50;
	tcp_retries2 = 3;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, NULL), 0);
	send_now(&c, &s, "x");
	fake_clock_advance(50);
	expect_seg(&s, PSH | ACK, c.snd_nxt, c.rcv_nxt);
	for (i = 0; i < 2; i++) {
		fake_clock_advance(100u << i);
		expect_seg(&s, PSH | ACK, c.snd_nxt, c.rcv_nxt);
	}
	fake_clock_advance(400);
	expect_nothing();
	assert_int_equal(tcp_test_state(c.lport, c.rport), 0);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), -ETIMEDOUT);
	__sys_close(c.fd);
}

static void test_newreno_fast_retransmit(void **state)
{
	struct tconn c;
	struct tseg s;
	uint32_t una, hi;

	(void)state;
	open_nodelay(&c, next_port, PEER_ISN, WIN, &mss100);
	send_bytes(c.fd, 'r', 1000);
	/* initial window: 4 segments (RFC 5681 3.1: min(4*MSS, max(2*MSS, 4380))) */
	for (hi = 0; hi < 4; hi++)
		expect_seg(&s, PSH | ACK, c.snd_nxt + 100 * hi, c.rcv_nxt);
	expect_nothing();
	una = c.snd_nxt;
	/* the first segment is lost; each of the first two duplicate ACKs lets
	 * one new segment out (Limited Transmit, RFC 3042), no retransmission */
	tcp_peer_ack(&c, una, WIN);
	expect_seg(&s, PSH | ACK, una + 400, c.rcv_nxt);
	expect_nothing();
	tcp_peer_ack(&c, una, WIN);
	expect_seg(&s, PSH | ACK, una + 500, c.rcv_nxt);
	expect_nothing();
	/* the third: fast retransmit of the head; cwnd = ssthresh + 3*MSS =
	 * 300 + 300 covers what is in flight (RFC 6582 3.2 steps 2-3) */
	tcp_peer_ack(&c, una, WIN);
	expect_data(&s, una, c.rcv_nxt, 100);
	expect_nothing();
	/* each further duplicate inflates cwnd by one MSS: one more segment */
	tcp_peer_ack(&c, una, WIN);
	expect_seg(&s, PSH | ACK, una + 600, c.rcv_nxt);
	expect_nothing();
	/* partial ACK (segment 3 was lost too): retransmit it at once (step 5) */
	tcp_peer_ack(&c, una + 200, WIN);
	expect_seg(&s, PSH | ACK, una + 200, c.rcv_nxt);
	hi = una + 700;
	while (tcp_peer_recv(&s)) {
		assert_true(s.seq >= una + 700); /* only new data besides */
		hi = seq_max(hi, s.seq + s.len);
	}
	/* full ACK (covers "recover" = una + 600): recovery over, the rest is
	 * sent as the peer acknowledges it */
	tcp_peer_ack(&c, hi, WIN);
	while (hi != una + 1000) {
		int got = 0;

		while (tcp_peer_recv(&s)) {
			assert_true(s.seq + s.len <= una + 1000);
			hi = seq_max(hi, s.seq + s.len);
			got = 1;
		}
		assert_true(got);
		tcp_peer_ack(&c, hi, WIN);
	}
	fake_clock_advance(10000);
	expect_nothing();
	c.snd_nxt += 1000;
	tcp_test_abort(&c);
}

/* The peer's SACK blocks (RFC 2018) with the options it sends. */
static void peer_sack(struct tconn *c, uint32_t ack, const uint32_t (*blk)[2], int n)
{
	uint8_t seg[20 + 40];
	struct tcphdr *th = (struct tcphdr *)seg;
	uint8_t *o = seg + 20;
	int i;

	memset(seg, 0, sizeof(seg));
	th->source = htons(c->rport);
	th->dest = htons(c->lport);
	th->seq = htonl(c->rcv_nxt);
	th->ack_seq = htonl(ack);
	th->flags = ACK;
	th->window = htons(WIN);
	o[0] = TCPOPT_NOP;
	o[1] = TCPOPT_NOP;
	o[2] = TCPOPT_SACK;
	o[3] = (uint8_t)(2 + 8 * n);
	for (i = 0; i < n; i++) {
		uint32_t v[2] = {htonl(blk[i][0]), htonl(blk[i][1])};

		memcpy(o + 4 + 8 * i, v, 8);
	}
	th->doff_res = (uint8_t)(((20 + 4 + 8 * n) / 4) << 4);
	tcp_peer_send_raw(seg, 20 + 4 + 8 * (size_t)n);
}

/* Collects what the stack sent; returns 1 if a segment started at seq. */
static int sent_seq(uint32_t seq, uint32_t *hi)
{
	struct tseg s;
	int found = 0;

	while (tcp_peer_recv(&s)) {
		if (s.seq == seq && s.len)
			found = 1;
		if (after(s.seq + s.len, *hi))
			*hi = s.seq + s.len;
	}
	return found;
}

/*
 * The peer acks all we sent (up to *hi), then each further flight as it
 * comes (step_ms later, if not 0), until all up to end is acked; every
 * flight must take *hi further.
 */
static void peer_ack_flights(struct tconn *c, uint32_t *hi, uint32_t end, uint64_t step_ms)
{
	tcp_peer_ack(c, *hi, WIN);
	while (*hi != end) {
		uint32_t before_hi = *hi;

		sent_seq(0, hi);
		assert_true(after(*hi, before_hi));
		if (step_ms)
			fake_clock_advance(step_ms);
		tcp_peer_ack(c, *hi, WIN);
	}
}

/*
 * Two holes in one window.  RACK (RFC 8985): a segment is lost once one
 * sent after it has arrived and the reordering window (min_RTT/4, 0 ms
 * here) has passed; RFC 6675: the pipe decides when a lost segment may be
 * resent (cwnd = ssthresh = FlightSize/2 = 250).
 */
static void test_sack_recovery_two_holes(void **state)
{
	struct tconn c;
	uint32_t u, hi;

	(void)state;
	open_nodelay(&c, next_port, PEER_ISN, WIN, &sack_mss100);
	send_bytes(c.fd, 'k', 1000);
	u = c.snd_nxt;
	hi = u;
	sent_seq(u, &hi);
	tcp_peer_ack(&c, u + 100, WIN); /* the first segment arrived */
	sent_seq(u, &hi);
	assert_true(hi == u + 600);
	/* [u+100, u+200) and [u+300, u+400) are lost; the rest arrives */
	{
		const uint32_t b1[][2] = {{u + 200, u + 300}};
		const uint32_t b2[][2] = {{u + 400, u + 500}, {u + 200, u + 300}};
		const uint32_t b3[][2] = {{u + 400, u + 600}, {u + 200, u + 300}};

		/* the first SACK: u+100 lost, recovery, resent at once */
		peer_sack(&c, u + 100, b1, 1);
		assert_true(sent_seq(u + 100, &hi));
		/* u+300 is lost too, but the resend and u+500 fill the pipe */
		peer_sack(&c, u + 100, b2, 2);
		assert_false(sent_seq(u + 300, &hi));
		/* u+500 arrives: room for one segment, the lost one goes first */
		peer_sack(&c, u + 100, b3, 2);
		assert_true(sent_seq(u + 300, &hi));
		/* a SACKed segment is never resent, a resent one not twice */
		peer_sack(&c, u + 100, b3, 2);
		assert_false(sent_seq(u + 200, &hi));
		assert_false(sent_seq(u + 100, &hi));
		assert_false(sent_seq(u + 300, &hi));
		assert_true(hi == u + 600); /* and no new data: pipe 200 of 250 */
	}
	/* both holes filled: one cumulative ACK, recovery over, the rest flows */
	peer_ack_flights(&c, &hi, u + 1000, 0);
	fake_clock_advance(10000);
	expect_nothing();
	c.snd_nxt = u + 1000;
	tcp_test_abort(&c);
}

/*
 * A lost retransmission (RFC 6675 alone cannot see it: only an RTO would):
 * RACK (RFC 8985 6.2) takes it as lost once a segment sent after it has
 * been SACKed, and it is resent at once, the clock standing still.
 */
static void test_sack_lost_retransmission(void **state)
{
	struct tconn c;
	uint32_t u, hi, end;
	uint64_t retrans = tcp_statistics.retrans_segs;
	uint64_t lost_rtx = tcp_statistics.lost_retransmits;

	(void)state;
	open_nodelay(&c, next_port, PEER_ISN, WIN, &sack_mss100);
	send_bytes(c.fd, 'l', 2000);
	u = c.snd_nxt;
	hi = u;
	assert_true(sent_seq(u, &hi));
	assert_true(hi == u + 400); /* the initial window */
	/* [u, u+100) is lost, the rest arrives: resent at the first SACK
	 * (cwnd = 200: the pipe has room for new data only at the third) */
	for (end = u + 200; end <= u + 400; end += 100) {
		const uint32_t b[][2] = {{u + 100, end}};

		peer_sack(&c, u, b, 1);
	}
	assert_true(sent_seq(u, &hi));
	assert_true(hi == u + 500);
	assert_int_equal(tcp_statistics.retrans_segs, retrans + 1);
	/* that resend is lost as well; the segment sent after it arrives */
	{
		const uint32_t b[][2] = {{u + 100, u + 500}};

		peer_sack(&c, u, b, 1);
	}
	assert_true(sent_seq(u, &hi));
	assert_int_equal(tcp_statistics.retrans_segs, retrans + 2);
	assert_int_equal(tcp_statistics.lost_retransmits, lost_rtx + 1);
	/* it arrives: everything up to hi is acknowledged, the rest flows */
	fake_clock_advance(5);
	peer_ack_flights(&c, &hi, u + 2000, 0);
	assert_int_equal(tcp_statistics.retrans_segs, retrans + 2);
	c.snd_nxt = u + 2000;
	tcp_test_abort(&c);
}

/* An active open whose handshake takes rtt_ms: min_RTT and SRTT = rtt_ms. */
static void open_with_rtt(struct tconn *c, uint32_t rtt_ms, const struct topts *o)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(next_port),
				  .sin_addr.s_addr = tcp_test_peer_ip};
	struct tseg s;

	memset(c, 0, sizeof(*c));
	c->lfd = -1;
	c->fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(__sys_connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)), -EINPROGRESS);
	assert_true(tcp_peer_recv(&c->syn));
	c->lport = c->syn.sport;
	c->rport = next_port;
	c->our_isn = c->syn.seq;
	c->peer_isn = PEER_ISN;
	fake_clock_advance(rtt_ms);
	tcp_peer_send(c->rport, c->lport, PEER_ISN, c->our_isn + 1, SYN | ACK, WIN, o, NULL, 0);
	expect_seg(&s, ACK, c->our_isn + 1, PEER_ISN + 1);
	c->snd_nxt = c->our_isn + 1;
	c->rcv_nxt = PEER_ISN + 1;
	tcp_test_nodelay(c->fd);
}

/*
 * RFC 8985 6.2-6.3: outside recovery a hole may be reordering: it is taken
 * as lost only RACK.rtt + reo_wnd (min_RTT/4) after it was sent, by the
 * reordering timer; if it arrives meanwhile, nothing is resent.
 */
static void test_rack_reordering_window(void **state)
{
	struct tconn c;
	uint32_t u, hi;
	uint64_t retrans;

	(void)state;
	open_with_rtt(&c, 40, &sack_mss100);
	u = c.snd_nxt;
	/* a segment delayed, not lost: its ACK comes inside the window */
	send_bytes(c.fd, 'o', 200);
	hi = u;
	sent_seq(u, &hi);
	assert_true(hi == u + 200);
	retrans = tcp_statistics.retrans_segs;
	fake_clock_advance(40);
	{
		const uint32_t b[][2] = {{u + 100, u + 200}};

		peer_sack(&c, u, b, 1);
	}
	fake_clock_advance(9); /* reo_wnd = 40/4 = 10 ms */
	assert_false(sent_seq(u, &hi));
	tcp_peer_ack(&c, u + 200, WIN);
	fake_clock_advance(100);
	assert_false(sent_seq(u, &hi));
	assert_int_equal(tcp_statistics.retrans_segs, retrans);
	/* a segment lost: resent by the reordering timer, 10 ms after the SACK */
	u += 200;
	send_bytes(c.fd, 'o', 200);
	sent_seq(u, &hi);
	assert_true(hi == u + 200);
	fake_clock_advance(40);
	{
		const uint32_t b[][2] = {{u + 100, u + 200}};

		peer_sack(&c, u, b, 1);
	}
	fake_clock_advance(9);
	assert_false(sent_seq(u, &hi));
	fake_clock_advance(1);
	assert_true(sent_seq(u, &hi));
	assert_int_equal(tcp_statistics.retrans_segs, retrans + 1);
	fake_clock_advance(40);
	tcp_peer_ack(&c, u + 200, WIN);
	c.snd_nxt = u + 200;
	tcp_test_abort(&c);
}

/*
 * RFC 8985 7: the tail of a flight is lost and no ACK comes back.  After
 * PTO = 2*SRTT + 2 ms (not the 200 ms RTO) a probe goes out: new data if
 * there is some; its SACK then starts recovery for the whole tail.
 */
static void test_tail_loss_probe(void **state)
{
	struct tconn c;
	uint32_t u, hi;
	uint64_t probes = tcp_statistics.loss_probes, timeouts = tcp_statistics.timeouts;

	(void)state;
	open_with_rtt(&c, 10, &sack_mss100);
	u = c.snd_nxt;
	send_bytes(c.fd, 't', 1000);
	hi = u;
	sent_seq(u, &hi);
	assert_true(hi == u + 400); /* the initial window, all lost */
	fake_clock_advance(2 * 10 + 2 - 1);
	assert_false(sent_seq(0, &hi));
	fake_clock_advance(1);
	assert_true(sent_seq(u + 400, &hi)); /* the probe: the next new segment */
	assert_int_equal(tcp_statistics.loss_probes, probes + 1);
	/* its SACK shows the four before it lost: recovery resends them */
	fake_clock_advance(10);
	{
		const uint32_t b[][2] = {{u + 400, u + 500}};

		peer_sack(&c, u, b, 1);
	}
	assert_true(sent_seq(u, &hi));
	fake_clock_advance(10);
	peer_ack_flights(&c, &hi, u + 1000, 10);
	assert_int_equal(tcp_statistics.timeouts, timeouts);
	c.snd_nxt = u + 1000;
	tcp_test_abort(&c);
}

static int get_int_opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	assert_int_equal(__sys_getsockopt(fd, level, name, &v, &len), 0);
	return v;
}

static void set_int_opt(int fd, int level, int name, int v)
{
	assert_int_equal(__sys_setsockopt(fd, level, name, &v, sizeof(v)), 0);
}

/*
 * RFC 1122 4.2.3.6 keep-alive with Linux's defaults (7200 s, 75 s, 9) and
 * the socket options that change them: probes only on an idle connection
 * after TCP_KEEPIDLE without hearing from the peer, <SEQ=SND.NXT-1> with
 * no data; an answer resets the count; TCP_KEEPCNT unanswered ones end
 * the connection with a RST and ETIMEDOUT.
 */
static void test_keepalive(void **state)
{
	struct tconn c;
	struct tseg s;
	char buf[8];
	int v = 0;

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, NULL), 0);
	assert_int_equal(get_int_opt(c.fd, SOL_SOCKET, SO_KEEPALIVE), 0);
	assert_int_equal(get_int_opt(c.fd, IPPROTO_TCP, TCP_KEEPIDLE), 7200);
	assert_int_equal(get_int_opt(c.fd, IPPROTO_TCP, TCP_KEEPINTVL), 75);
	assert_int_equal(get_int_opt(c.fd, IPPROTO_TCP, TCP_KEEPCNT), 9);
	assert_int_equal(__sys_setsockopt(c.fd, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)), -EINVAL);
	v = 128;
	assert_int_equal(__sys_setsockopt(c.fd, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v)), -EINVAL);
	/* off by default: hours of silence, nothing sent */
	fake_clock_advance(3 * 7200 * 1000);
	expect_nothing();
	set_int_opt(c.fd, IPPROTO_TCP, TCP_KEEPIDLE, 10);
	set_int_opt(c.fd, IPPROTO_TCP, TCP_KEEPINTVL, 2);
	set_int_opt(c.fd, IPPROTO_TCP, TCP_KEEPCNT, 3);
	set_int_opt(c.fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	assert_int_equal(get_int_opt(c.fd, SOL_SOCKET, SO_KEEPALIVE), 1);
	assert_int_equal(get_int_opt(c.fd, IPPROTO_TCP, TCP_KEEPIDLE), 10);
	/* idle for TCP_KEEPIDLE: a probe */
	expect_seg_after(10000, &s, ACK, c.snd_nxt - 1, c.rcv_nxt);
	assert_int_equal(s.len, 0);
	/* answered: the next probe only after another idle TCP_KEEPIDLE */
	fake_clock_advance(500);
	tcp_peer_ack(&c, c.snd_nxt, WIN);
	expect_seg_after(10000, &s, ACK, c.snd_nxt - 1, c.rcv_nxt);
	/* unanswered: every TCP_KEEPINTVL, three in all, then a RST */
	fake_clock_advance(2000);
	expect_seg(&s, ACK, c.snd_nxt - 1, c.rcv_nxt);
	fake_clock_advance(2000);
	expect_seg(&s, ACK, c.snd_nxt - 1, c.rcv_nxt);
	expect_nothing();
	fake_clock_advance(2000);
	expect_seg(&s, RST | ACK, c.snd_nxt, c.rcv_nxt);
	assert_int_equal(tcp_test_state(c.lport, c.rport), 0);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), -ETIMEDOUT);
	assert_int_equal(__sys_close(c.fd), 0);
	tcp_peer_flush();
}

/* With data in flight the RTO watches the peer: no keep-alive probes. */
static void test_keepalive_not_while_sending(void **state)
{
	struct tconn c;
	struct tseg s;
	int n;

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, NULL), 0);
	set_int_opt(c.fd, IPPROTO_TCP, TCP_KEEPIDLE, 1);
	set_int_opt(c.fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	send_now(&c, &s, "x");
	/* for 3 s (TCP_KEEPIDLE 1 s) only retransmissions of "x" (RTO
	 * 200 ms, doubling), never a probe */
	fake_clock_advance(3000);
	for (n = 0; tcp_peer_recv(&s); n++) {
		assert_int_equal(s.seq, c.snd_nxt);
		assert_int_equal(s.len, 1);
	}
	assert_int_equal(n, 4);
	tcp_peer_ack(&c, c.snd_nxt + 1, WIN);
	c.snd_nxt++;
	/* idle again: a probe after TCP_KEEPIDLE; SO_KEEPALIVE off stops them */
	fake_clock_advance(1000);
	expect_seg(&s, ACK, c.snd_nxt - 1, c.rcv_nxt);
	set_int_opt(c.fd, SOL_SOCKET, SO_KEEPALIVE, 0);
	fake_clock_advance(100000);
	expect_nothing();
	tcp_test_abort(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_retransmission_backoff),
		TCP_TEST(test_rto_from_rtt_samples),
		TCP_TEST(test_rto_min_and_give_up),
		TCP_TEST(test_newreno_fast_retransmit),
		TCP_TEST(test_sack_recovery_two_holes),
		TCP_TEST(test_sack_lost_retransmission),
		TCP_TEST(test_rack_reordering_window),
		TCP_TEST(test_tail_loss_probe),
		TCP_TEST(test_keepalive),
		TCP_TEST(test_keepalive_not_while_sending),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
