/*
 * TCP state machine (RFC 9293 3.3.2 figure 5) driven with crafted
 * segments: both opens, simultaneous open, every close path, TIME-WAIT,
 * RST for segments without a socket, and the RFC 5961 acceptance rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sys/time.h>
#include <cmocka.h>

#include "net/tcp_priv.h"
#include "net/socket.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

#define PEER_ISN 1000000u

static uint16_t next_port = 40000;
static uint16_t next_lport = 6000;
static const struct topts full_opts = {.mss = 1460, .wscale = 2, .sack_perm = 1};

static int setup(void **state)
{
	(void)state;
	return tcp_test_begin_ports(&next_port, &next_lport);
}

/* Every test must leave no sock, no buffer and no lock behind. */
static int teardown(void **state)
{
	(void)state;
	return tcp_test_end(1000);
}

/* The peer sends to our socket of c. */
static void peer(struct tconn *c, uint32_t seq, uint32_t ack, uint8_t flags, const char *data)
{
	tcp_peer_send(c->rport, c->lport, seq, ack, flags, WIN, NULL, data,
		      data ? strlen(data) : 0);
}

/* Active open, then we close at once: our FIN goes out. */
static void active_open_then_close(struct tconn *c, struct tseg *s)
{
	assert_int_equal(tcp_test_active_open(c, next_port, PEER_ISN, WIN, NULL), 0);
	__sys_close(c->fd);
	expect_seg(s, FIN | ACK, c->snd_nxt, c->rcv_nxt);
}

/* We close first; the peer acks our FIN and sends its own: TIME-WAIT, then gone. */
static void finish_active_close(struct tconn *c)
{
	struct tseg s;

	__sys_close(c->fd);
	expect_seg(&s, FIN | ACK, c->snd_nxt, c->rcv_nxt);
	assert_int_equal(tcp_test_state(c->lport, c->rport), TCP_FIN_WAIT1);
	peer(c, c->rcv_nxt, c->snd_nxt + 1, ACK, NULL);
	assert_int_equal(tcp_test_state(c->lport, c->rport), TCP_FIN_WAIT2);
	peer(c, c->rcv_nxt, c->snd_nxt + 1, FIN | ACK, NULL);
	expect_seg(&s, ACK, c->snd_nxt + 1, c->rcv_nxt + 1);
	assert_int_equal(tcp_test_state(c->lport, c->rport), TCP_TIME_WAIT);
	if (c->lfd >= 0)
		__sys_close(c->lfd);
}

static void test_active_open_syn_options(void **state)
{
	struct tconn c;

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, &full_opts), 0);
	assert_int_equal(c.syn.mss, 1460);
	assert_true(c.syn.sack_perm);
	/* the shift lets the window grow as far as autotuning grows the buffer */
	assert_int_equal(c.syn.wscale, tcp_select_rcv_wscale(tcp_rmem_max));
	assert_true((65535u << c.syn.wscale) >= tcp_rmem_max);
	assert_int_equal(c.syn.len, 0);
	assert_true(c.lport >= TCP_EPHEMERAL_LOW && c.lport <= TCP_EPHEMERAL_HIGH);
	finish_active_close(&c);
}

static void test_passive_open_synack(void **state)
{
	struct tconn c;
	struct tseg s;

	(void)state;
	assert_int_equal(
		tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, &full_opts), 0);
	assert_int_equal(c.syn.mss, 1460);
	assert_true(c.syn.sack_perm);
	assert_true(c.syn.wscale >= 0);
	/* no scale offered by the peer: none in our SYN-ACK (RFC 7323 1.3) */
	tcp_peer_send(next_port + 1000, next_lport, 5, 0, SYN, WIN, NULL, NULL, 0);
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.flags, SYN | ACK);
	assert_int_equal(s.wscale, -1);
	assert_false(s.sack_perm);
	assert_int_equal(s.mss, 1460);
	finish_active_close(&c);
}

static void test_connect_refused(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(next_port),
				  .sin_addr.s_addr = tcp_test_peer_ip};
	struct tseg syn;
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	int fd, err;
	socklen_t elen = sizeof(err);

	(void)state;
	fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	assert_int_equal(__sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -EINPROGRESS);
	assert_int_equal(__sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -EALREADY);
	assert_true(tcp_peer_recv(&syn));
	__sys_getsockname(fd, (struct sockaddr *)&me, &len);
	/* a RST with a wrong ACK is not acceptable in SYN-SENT (RFC 9293 3.10.7.3) */
	tcp_peer_send(next_port, ntohs(me.sin_port), 0, syn.seq + 5, RST | ACK, 0, NULL, NULL, 0);
	assert_int_equal(tcp_test_state(ntohs(me.sin_port), next_port), TCP_SYN_SENT);
	tcp_peer_send(next_port, ntohs(me.sin_port), 0, syn.seq + 1, RST | ACK, 0, NULL, NULL, 0);
	assert_int_equal(__sys_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen), 0);
	assert_int_equal(err, ECONNREFUSED);
	assert_int_equal(__sys_close(fd), 0);
}

static void test_blocking_connect_times_out(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(next_port),
				  .sin_addr.s_addr = tcp_test_peer_ip};
	struct timeval tv = {.tv_sec = 60};
	uint64_t t0 = fake_clock_ms();
	int fd;

	(void)state;
	fd = __sys_socket(AF_INET, SOCK_STREAM, 0);
	/* SO_SNDTIMEO shorter than the handshake: still in progress (Linux) */
	tv.tv_sec = 0;
	tv.tv_usec = 500000;
	assert_int_equal(__sys_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(__sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -EINPROGRESS);
	assert_int_equal(fake_clock_ms() - t0, 500);
	assert_int_equal(__sys_close(fd), 0);

	/* no peer answers: the SYN retries (1 s + 2 s + 4 s) run out -> ETIMEDOUT */
	fd = __sys_socket(AF_INET, SOCK_STREAM, 0);
	tv.tv_sec = 60;
	tv.tv_usec = 0;
	assert_int_equal(__sys_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	tcp_syn_retries = 2;
	t0 = fake_clock_ms();
	assert_int_equal(__sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -ETIMEDOUT);
	assert_int_equal(fake_clock_ms() - t0, 7000);
	tcp_syn_retries = 6;
	assert_int_equal(__sys_close(fd), 0);
}

static void test_syn_retries_backoff_etimedout(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(next_port),
				  .sin_addr.s_addr = tcp_test_peer_ip};
	struct tseg s;
	uint64_t t0 = fake_clock_ms(), gap = tcp_rto_initial_ms;
	uint32_t isn;
	int fd, err, i;
	socklen_t elen = sizeof(err);

	(void)state;
	fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(__sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -EINPROGRESS);
	assert_true(tcp_peer_recv(&s));
	isn = s.seq;
	tcp_syn_retries = 3;
	/* RFC 6298 5.5: 1 s, 2 s, 4 s between the retransmissions */
	for (i = 0; i < 3; i++) {
		fake_clock_advance(gap - 1);
		assert_int_equal(tcp_peer_pending(), 0);
		fake_clock_advance(1);
		expect_seg(&s, SYN, isn, 0);
		assert_int_equal(s.mss, 1460);
		gap *= 2;
	}
	fake_clock_advance(gap);
	assert_int_equal(tcp_peer_pending(), 0);
	assert_int_equal(__sys_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen), 0);
	assert_int_equal(err, ETIMEDOUT);
	assert_true(fake_clock_ms() - t0 >= 15000);
	tcp_syn_retries = 6;
	__sys_close(fd);
}

static void test_simultaneous_open(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(next_port),
				  .sin_addr.s_addr = tcp_test_peer_ip};
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	struct tconn c = {.lfd = -1};
	struct tseg syn, s;

	(void)state;
	c.fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(__sys_connect(c.fd, (struct sockaddr *)&sin, sizeof(sin)), -EINPROGRESS);
	assert_true(tcp_peer_recv(&syn));
	__sys_getsockname(c.fd, (struct sockaddr *)&me, &len);
	c.lport = ntohs(me.sin_port);
	c.rport = next_port;
	/* RFC 9293 figure 8: the SYNs cross */
	tcp_peer_send(c.rport, c.lport, PEER_ISN, 0, SYN, WIN, &full_opts, NULL, 0);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_SYN_RECV);
	expect_seg(&s, SYN | ACK, syn.seq, PEER_ISN + 1);
	/* the peer's SYN-ACK: its SYN is old news, we answer with an ACK */
	tcp_peer_send(c.rport, c.lport, PEER_ISN, syn.seq + 1, SYN | ACK, WIN, &full_opts, NULL, 0);
	expect_seg(&s, ACK, syn.seq + 1, PEER_ISN + 1);
	peer(&c, PEER_ISN + 1, syn.seq + 1, ACK, NULL);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_ESTABLISHED);
	assert_int_equal(__sys_connect(c.fd, (struct sockaddr *)&sin, sizeof(sin)), -EISCONN);
	c.snd_nxt = syn.seq + 1;
	c.rcv_nxt = PEER_ISN + 1;
	finish_active_close(&c);
}

static void test_passive_close(void **state)
{
	struct tconn c;
	struct tseg s;
	char buf[16];

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	peer(&c, c.rcv_nxt, c.snd_nxt, FIN | ACK, NULL);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 1);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_CLOSE_WAIT);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 0);
	/* half-closed by the peer: we may still send (RFC 9293 3.6) */
	assert_int_equal(__sys_sendto(c.fd, "late", 4, 0, NULL, 0), 4);
	expect_seg(&s, PSH | ACK, c.snd_nxt, c.rcv_nxt + 1);
	assert_memory_equal(s.data, "late", 4);
	c.snd_nxt += 4;
	__sys_close(c.fd);
	expect_seg(&s, FIN | ACK, c.snd_nxt, c.rcv_nxt + 1);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_LAST_ACK);
	peer(&c, c.rcv_nxt + 1, c.snd_nxt + 1, ACK, NULL);
	assert_int_equal(tcp_test_state(c.lport, c.rport), 0);
	__sys_close(c.lfd);
}

static void test_simultaneous_close(void **state)
{
	struct tconn c;
	struct tseg s;

	(void)state;
	active_open_then_close(&c, &s);
	/* the peer's FIN crosses ours (it has not seen ours) */
	peer(&c, c.rcv_nxt, c.snd_nxt, FIN | ACK, NULL);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_CLOSING);
	expect_seg(&s, ACK, c.snd_nxt + 1, c.rcv_nxt + 1);
	peer(&c, c.rcv_nxt + 1, c.snd_nxt + 1, ACK, NULL);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_TIME_WAIT);
}

static void test_fin_wait1_fin_ack_together(void **state)
{
	struct tconn c;
	struct tseg s;

	(void)state;
	active_open_then_close(&c, &s);
	/* FIN and the ACK of ours in one segment: straight to TIME-WAIT */
	peer(&c, c.rcv_nxt, c.snd_nxt + 1, FIN | ACK, NULL);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_TIME_WAIT);
	expect_seg(&s, ACK, c.snd_nxt + 1, c.rcv_nxt + 1);
}

static void test_time_wait_2msl_and_fin_retransmit(void **state)
{
	struct tconn c;
	struct tseg s;

	(void)state;
	tcp_msl_ms = 1000;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, NULL), 0);
	finish_active_close(&c);
	fake_clock_advance(1500);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_TIME_WAIT);
	/* the peer lost our ACK and resends its FIN: ACK again, restart 2*MSL */
	peer(&c, c.rcv_nxt, c.snd_nxt + 1, FIN | ACK, NULL);
	expect_seg(&s, ACK, c.snd_nxt + 1, c.rcv_nxt + 1);
	fake_clock_advance(1500);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_TIME_WAIT);
	/* RFC 1337: a RST does not end TIME-WAIT early */
	peer(&c, c.rcv_nxt + 1, 0, RST, NULL);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_TIME_WAIT);
	fake_clock_advance(501);
	assert_int_equal(tcp_test_state(c.lport, c.rport), 0);
	tcp_msl_ms = 500;
}

static void test_half_close_shutdown_wr(void **state)
{
	struct tconn c;
	struct tseg s;
	char buf[16];

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, NULL), 0);
	assert_int_equal(__sys_shutdown(c.fd, SHUT_WR), 0);
	expect_seg(&s, FIN | ACK, c.snd_nxt, c.rcv_nxt);
	peer(&c, c.rcv_nxt, c.snd_nxt + 1, ACK, NULL);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_FIN_WAIT2);
	assert_int_equal(__sys_sendto(c.fd, "x", 1, 0, NULL, 0), -EPIPE);
	/* the other direction still flows */
	peer(&c, c.rcv_nxt, c.snd_nxt + 1, PSH | ACK, "data");
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 4);
	assert_memory_equal(buf, "data", 4);
	c.rcv_nxt += 4;
	peer(&c, c.rcv_nxt, c.snd_nxt + 1, FIN | ACK, NULL);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_TIME_WAIT);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 0);
	tcp_peer_flush();
	__sys_close(c.fd);
}

static void test_rst_for_closed_port(void **state)
{
	struct tseg s;

	(void)state;
	/* RFC 9293 3.10.7.1: no ACK -> <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
	tcp_peer_send(next_port, 9, 777, 0, SYN, WIN, NULL, NULL, 0);
	expect_seg(&s, RST | ACK, 0, 778);
	tcp_peer_send(next_port, 9, 777, 0, 0, WIN, NULL, "abc", 3);
	expect_seg(&s, RST | ACK, 0, 780);
	/* with ACK -> <SEQ=SEG.ACK><CTL=RST> */
	tcp_peer_send(next_port, 9, 777, 4242, ACK, WIN, NULL, NULL, 0);
	expect_seg(&s, RST, 4242, 0);
	/* never a RST for a RST */
	tcp_peer_send(next_port, 9, 777, 4242, RST | ACK, WIN, NULL, NULL, 0);
	expect_nothing();
	/* bad checksum: dropped silently */
	tcp_peer_send_badsum(next_port, 9, 777, 0, SYN, WIN);
	expect_nothing();
}

static void test_listen_rejects_ack(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(next_lport)};
	struct tseg s;
	int fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	(void)state;
	assert_int_equal(__sys_bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(__sys_listen(fd, 4), 0);
	/* RFC 9293 3.10.7.2: an ACK in LISTEN gets <SEQ=SEG.ACK><CTL=RST> */
	tcp_peer_send(next_port, next_lport, 1, 99, ACK, WIN, NULL, NULL, 0);
	expect_seg(&s, RST, 99, 0);
	/* a RST is ignored, and so is a SYN+FIN */
	tcp_peer_send(next_port, next_lport, 1, 0, RST, WIN, NULL, NULL, 0);
	expect_nothing();
	tcp_peer_send(next_port, next_lport, 1, 0, SYN | FIN, WIN, NULL, NULL, 0);
	expect_nothing();
	assert_int_equal(sock_in_use(), tcp_test_sock_base + 1);
	/* a wrong ACK for our SYN-ACK gets a RST and leaves the request */
	tcp_peer_send(next_port, next_lport, 100, 0, SYN, WIN, NULL, NULL, 0);
	assert_true(tcp_peer_recv(&s));
	tcp_peer_send(next_port, next_lport, 101, s.seq + 7, ACK, WIN, NULL, NULL, 0);
	expect_seg(&s, RST, s.seq + 7, 0);
	assert_int_equal(__sys_accept4(fd, NULL, NULL, 0), -EAGAIN);
	__sys_close(fd);
}

static void test_rfc5961_rst(void **state)
{
	struct tconn c;
	struct tseg s;
	char buf[4];

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, NULL), 0);
	/* in the window but not exact: challenge ACK, connection stays (RFC 5961 3.2) */
	peer(&c, c.rcv_nxt + 100, 0, RST, NULL);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_ESTABLISHED);
	/* outside the window: dropped silently */
	peer(&c, c.rcv_nxt + 0x40000000u, 0, RST, NULL);
	expect_nothing();
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_ESTABLISHED);
	/* exactly RCV.NXT: reset */
	peer(&c, c.rcv_nxt, 0, RST, NULL);
	expect_nothing();
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), -ECONNRESET);
	assert_int_equal(__sys_sendto(c.fd, "x", 1, 0, NULL, 0), -EPIPE);
	__sys_close(c.fd);
}

static void test_rfc5961_syn_in_established(void **state)
{
	struct tconn c;
	struct tseg s;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	/* RFC 5961 4.2: any SYN in a synchronized state gets a challenge ACK */
	peer(&c, c.rcv_nxt + 5, 0, SYN, NULL);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt);
	peer(&c, PEER_ISN, 0, SYN, NULL);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_ESTABLISHED);
	finish_active_close(&c);
}

static void test_ack_acceptance(void **state)
{
	struct tconn c;
	struct tseg s;
	char buf[8];

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, NULL), 0);
	/* an ACK for data never sent: ACK back and drop the segment's text */
	peer(&c, c.rcv_nxt, c.snd_nxt + 1000, PSH | ACK, "bad");
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	/* RFC 5961 5.2: an ACK far below SND.UNA - MAX.SND.WND: challenge ACK, drop */
	peer(&c, c.rcv_nxt, c.snd_nxt - 0x20000000u, PSH | ACK, "old");
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	/* a segment outside the receive window: ACK, no data */
	peer(&c, c.rcv_nxt + 200000, c.snd_nxt, PSH | ACK, "far");
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt);
	/* without ACK bit: dropped (RFC 9293 fifth check) */
	peer(&c, c.rcv_nxt, 0, PSH, "noack");
	expect_nothing();
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	/* a good one is taken */
	peer(&c, c.rcv_nxt, c.snd_nxt, PSH | ACK, "ok");
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 2);
	c.rcv_nxt += 2;
	tcp_peer_flush();
	finish_active_close(&c);
}

static void test_close_with_unread_data_resets(void **state)
{
	struct tconn c;
	struct tseg s;

	(void)state;
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	peer(&c, c.rcv_nxt, c.snd_nxt, PSH | ACK, "unread");
	tcp_peer_flush();
	__sys_close(c.fd);
	expect_seg(&s, RST | ACK, c.snd_nxt, c.rcv_nxt + 6);
	assert_int_equal(tcp_test_state(c.lport, c.rport), 0);
	__sys_close(c.lfd);
}

static void test_listener_close_resets_unaccepted(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(next_lport)};
	struct tseg s;
	int fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	(void)state;
	__sys_bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	__sys_listen(fd, 4);
	tcp_peer_send(next_port, next_lport, 100, 0, SYN, WIN, NULL, NULL, 0);
	assert_true(tcp_peer_recv(&s));
	tcp_peer_send(next_port, next_lport, 101, s.seq + 1, ACK, WIN, NULL, NULL, 0);
	tcp_peer_send(next_port + 1, next_lport, 500, 0, SYN, WIN, NULL, NULL, 0);
	tcp_peer_flush();
	assert_int_equal(sock_in_use(), tcp_test_sock_base + 3); /* listener, child, request */
	__sys_close(fd);
	expect_seg(&s, RST | ACK, s.seq + 1, 101);
	expect_nothing();
}

static void test_bind_errors(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(next_lport)};
	int a = __sys_socket(AF_INET, SOCK_STREAM, 0), b = __sys_socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;

	(void)state;
	assert_int_equal(__sys_bind(a, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(__sys_bind(b, (struct sockaddr *)&sin, sizeof(sin)), -EADDRINUSE);
	assert_int_equal(__sys_bind(a, (struct sockaddr *)&sin, sizeof(sin)), -EINVAL);
	sin.sin_addr.s_addr = inet_addr("192.0.2.1");
	sin.sin_port = htons(next_lport + 1);
	assert_int_equal(__sys_bind(b, (struct sockaddr *)&sin, sizeof(sin)), -EADDRNOTAVAIL);
	/* SO_REUSEADDR on both, neither listening: allowed (Linux) */
	sin.sin_addr.s_addr = 0;
	sin.sin_port = htons(next_lport);
	__sys_setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	__sys_setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(__sys_bind(b, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(__sys_listen(a, 1), 0);
	assert_int_equal(__sys_listen(b, 1), -EADDRINUSE);
	assert_int_equal(__sys_close(a), 0);
	assert_int_equal(__sys_close(b), 0);
	assert_int_equal(__sys_close(b), -EBADF);
	assert_int_equal(__sys_socket(AF_INET6, SOCK_STREAM, 0), -EAFNOSUPPORT);
	assert_int_equal(__sys_socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), -EPROTONOSUPPORT);
}

static void test_connect_interrupted(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(next_port),
				  .sin_addr.s_addr = tcp_test_peer_ip};
	int fd = __sys_socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	fake_net_wait_interrupt(1);
	assert_int_equal(__sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -EINTR);
	assert_int_equal(__sys_close(fd), 0);
}

static void test_unreachable(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(80),
				  .sin_addr.s_addr = inet_addr("198.51.100.1")};
	int fd = __sys_socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	assert_int_equal(__sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -ENETUNREACH);
	assert_int_equal(__sys_close(fd), 0);
}

/* A raw segment with arbitrary header bytes (data offset, options). */
static void send_raw(uint16_t sport, uint16_t dport, const uint8_t *hdr_tail, size_t tlen,
		     uint32_t seq, uint32_t ack, uint8_t flags, uint8_t doff, size_t paylen)
{
	uint8_t seg[20 + 60 + 64], frame_payload[20 + 60 + 64];
	struct tcphdr *th = (struct tcphdr *)seg;

	memset(seg, 0, sizeof(seg));
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff_res = (uint8_t)(doff << 4);
	th->flags = flags;
	th->window = htons((uint16_t)(seq >> 7));
	memcpy(seg + 20, hdr_tail, tlen);
	memcpy(frame_payload, seg, sizeof(seg));
	tcp_peer_send_raw(frame_payload, 20 + tlen + paylen);
}

/* Random segments at a listener, a connection and a TIME-WAIT sock: each
 * is dropped, answered or taken without a crash, a leak or a stuck state. */
static void test_random_segments_are_harmless(void **state)
{
	struct tconn c, tw;
	uint32_t x = 12345;
	uint8_t tail[60 + 64];
	int i, j;

	(void)state;
	assert_int_equal(tcp_test_active_open(&tw, next_port, PEER_ISN, WIN, &full_opts), 0);
	finish_active_close(&tw);
	assert_int_equal(
		tcp_test_passive_open(&c, next_lport, next_port + 1, PEER_ISN, WIN, &full_opts), 0);
	for (i = 0; i < 20000; i++) {
		uint16_t sport, dport;
		uint32_t seq, ack;
		size_t tlen;

		for (j = 0; j < (int)sizeof(tail); j++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			tail[j] = (uint8_t)x;
		}
		switch (i % 3) {
		case 0: /* the connection: near its sequence numbers */
			sport = c.rport;
			dport = c.lport;
			seq = c.rcv_nxt + (x % 200000) - 100000;
			ack = c.snd_nxt + (x >> 8) % 2000 - 1000;
			break;
		case 1: /* the listener, new or known peers */
			sport = (uint16_t)(50000 + x % 50);
			dport = c.lport;
			seq = x;
			ack = x * 2654435761u;
			break;
		default: /* the TIME-WAIT sock */
			sport = tw.rport;
			dport = tw.lport;
			seq = tw.rcv_nxt + (x % 64) - 32;
			ack = tw.snd_nxt + (x >> 6) % 4;
			break;
		}
		tlen = x % 61;
		send_raw(sport, dport, tail, tlen, seq, ack, (uint8_t)(x >> 11),
			 (uint8_t)((x >> 3) & 0xf), (x >> 20) % 64);
		if (i % 64 == 0) {
			tcp_peer_flush();
			fake_clock_advance(x % 300);
		}
	}
	tcp_peer_flush();
	__sys_close(c.fd);
	__sys_close(c.lfd);
	/* whatever state the random input left, the socks end within the
	 * orphan retries (each at most tcp_rto_max_ms apart) and timeouts */
	fake_clock_advance((uint64_t)tcp_rto_max_ms * (tcp_orphan_retries + 2));
}

/* SipHash-2-4 reference vector (Aumasson & Bernstein, appendix A) and the
 * RFC 6528 ISN: a keyed hash of the 4-tuple plus a 4 us clock. */
static void test_siphash_and_isn(void **state)
{
	uint8_t key[16], in[15];
	uint32_t a, b, d;
	int i;

	(void)state;
	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < 15; i++)
		in[i] = (uint8_t)i;
	assert_true(siphash24(in, 15, key) == 0xa129ca6149be45e5ULL);
	assert_true(siphash24(in, 0, key) == 0x726fdb47dd0e0e31ULL);
	a = tcp_v4_init_sequence(1, 2, 3, 4);
	fake_ktime_add_ns(4000 * 10);
	b = tcp_v4_init_sequence(1, 2, 3, 4);
	assert_int_equal(b - a, 10); /* the clock part */
	d = tcp_v4_init_sequence(1, 2, 3, 5);
	assert_true(d - b > 1000 && b - d > 1000); /* another port: unrelated */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_active_open_syn_options),
		TCP_TEST(test_passive_open_synack),
		TCP_TEST(test_connect_refused),
		TCP_TEST(test_blocking_connect_times_out),
		TCP_TEST(test_syn_retries_backoff_etimedout),
		TCP_TEST(test_simultaneous_open),
		TCP_TEST(test_passive_close),
		TCP_TEST(test_simultaneous_close),
		TCP_TEST(test_fin_wait1_fin_ack_together),
		TCP_TEST(test_time_wait_2msl_and_fin_retransmit),
		TCP_TEST(test_half_close_shutdown_wr),
		TCP_TEST(test_rst_for_closed_port),
		TCP_TEST(test_listen_rejects_ack),
		TCP_TEST(test_rfc5961_rst),
		TCP_TEST(test_rfc5961_syn_in_established),
		TCP_TEST(test_ack_acceptance),
		TCP_TEST(test_close_with_unread_data_resets),
		TCP_TEST(test_listener_close_resets_unaccepted),
		TCP_TEST(test_bind_errors),
		TCP_TEST(test_connect_interrupted),
		TCP_TEST(test_unreachable),
		TCP_TEST(test_random_segments_are_harmless),
		TCP_TEST(test_siphash_and_isn),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
