/*
 * Listening sockets and the socket API end to end: SYN and accept queues
 * bounded by the backlog under a SYN flood, SYN-ACK retries, and full
 * connections over the loopback device (blocking and non-blocking calls,
 * poll, names, options) with the sock and sk_buff counters balanced.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <poll.h>
#include <fcntl.h>
#include <sys/time.h>
#include <cmocka.h>

#include "net/tcp.h"
#include "net/socket.h"
#include "net/loopback.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

static uint16_t next_lport = 8000;

static int group_setup(void **state)
{
	return tcp_group_setup(state) == 0 && loopback_dev ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	return tcp_test_begin_ports(NULL, &next_lport);
}

static int teardown(void **state)
{
	(void)state;
	fake_run_softirqs();
	return tcp_test_end(130000);
}

static int listen_on(uint32_t addr, uint16_t port, int backlog, int flags)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = addr};
	int fd = __sys_socket(AF_INET, SOCK_STREAM | flags, 0);

	assert_true(fd >= 0);
	assert_int_equal(__sys_bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(__sys_listen(fd, backlog), 0);
	return fd;
}

static void test_syn_flood_bounded_real_client_accepted(void **state)
{
	int lfd = listen_on(0, next_lport, 4, SOCK_NONBLOCK);
	struct tseg s;
	uint32_t synack_seq = 0;
	int i, fd;

	(void)state;
	/* 1000 spoofed SYNs that never complete */
	for (i = 0; i < 1000; i++)
		tcp_peer_send((uint16_t)(20000 + i), next_lport, (uint32_t)i * 7919u, 0, SYN, WIN,
			      NULL, NULL, 0);
	/* at most backlog request socks exist (plus the listener) */
	assert_true(sock_in_use() <= tcp_test_sock_base + 1 + 4);
	tcp_peer_flush();
	/* a real client still gets through */
	tcp_peer_send(12345, next_lport, 42, 0, SYN, WIN, NULL, NULL, 0);
	while (tcp_peer_recv(&s))
		if (s.dport == 12345)
			synack_seq = s.seq;
	assert_true(synack_seq != 0);
	tcp_peer_send(12345, next_lport, 43, synack_seq + 1, ACK, WIN, NULL, NULL, 0);
	fd = __sys_accept4(lfd, NULL, NULL, 0);
	assert_true(fd >= 0);
	assert_int_equal(tcp_test_state(next_lport, 12345), TCP_ESTABLISHED);
	/* the flood continues: request socks stay bounded, no memory grows */
	for (i = 0; i < 1000; i++)
		tcp_peer_send((uint16_t)(30000 + i), next_lport, (uint32_t)i, 0, SYN, WIN, NULL,
			      NULL, 0);
	assert_true(sock_in_use() <= tcp_test_sock_base + 2 + 4);
	__sys_close(fd);
	__sys_close(lfd);
	assert_int_equal(sock_in_use(), tcp_test_sock_base + 1); /* the child, in FIN-WAIT-1 */
	tcp_peer_send(12345, next_lport, 43, 0, TCPHDR_RST, 0, NULL, NULL, 0);
	assert_int_equal(sock_in_use(), tcp_test_sock_base);
	tcp_peer_flush();
}

static void test_accept_queue_bounded(void **state)
{
	int lfd = listen_on(0, next_lport, 2, SOCK_NONBLOCK);
	struct tseg s;
	int i, fd;

	(void)state;
	/* three complete handshakes, backlog 2: the third ACK is dropped */
	for (i = 0; i < 3; i++) {
		tcp_peer_send((uint16_t)(21000 + i), next_lport, 100, 0, SYN, WIN, NULL, NULL, 0);
		if (i < 2) {
			assert_true(tcp_peer_recv(&s));
			assert_int_equal(s.flags, SYN | ACK);
			tcp_peer_send((uint16_t)(21000 + i), next_lport, 101, s.seq + 1, ACK, WIN,
				      NULL, NULL, 0);
		}
	}
	/* a full accept queue takes no new SYN (Linux drops it) */
	assert_int_equal(tcp_peer_pending(), 0);
	for (i = 0; i < 2; i++) {
		fd = __sys_accept4(lfd, NULL, NULL, 0);
		assert_true(fd >= 0);
		__sys_close(fd);
		tcp_peer_send((uint16_t)(21000 + i), next_lport, 101, 0, TCPHDR_RST, 0, NULL, NULL,
			      0);
	}
	assert_int_equal(__sys_accept4(lfd, NULL, NULL, 0), -EAGAIN);
	__sys_close(lfd);
}

static void test_synack_retries_then_dropped(void **state)
{
	int lfd = listen_on(0, next_lport, 4, SOCK_NONBLOCK);
	struct tseg s;
	uint32_t isn, gap = tcp_rto_initial_ms;
	unsigned int i;

	(void)state;
	tcp_peer_send(22000, next_lport, 7, 0, SYN, WIN, NULL, NULL, 0);
	assert_true(tcp_peer_recv(&s));
	isn = s.seq;
	assert_int_equal(sock_in_use(), tcp_test_sock_base + 2);
	for (i = 0; i < tcp_synack_retries; i++, gap *= 2) {
		fake_clock_advance(gap - 1);
		assert_int_equal(tcp_peer_pending(), 0);
		fake_clock_advance(1);
		assert_true(tcp_peer_recv(&s));
		assert_int_equal(s.flags, SYN | ACK);
		assert_int_equal(s.seq, isn);
	}
	fake_clock_advance(gap);
	assert_int_equal(tcp_peer_pending(), 0);
	assert_int_equal(sock_in_use(), tcp_test_sock_base + 1);
	/* a retransmitted SYN gets the same SYN-ACK again */
	tcp_peer_send(22001, next_lport, 9, 0, SYN, WIN, NULL, NULL, 0);
	assert_true(tcp_peer_recv(&s));
	isn = s.seq;
	tcp_peer_send(22001, next_lport, 9, 0, SYN, WIN, NULL, NULL, 0);
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.seq, isn);
	__sys_close(lfd);
}

/* Blocking calls work: the fake net_wait runs the loopback softirq. */
static void test_loopback_hello_hi(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(next_lport),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in peer, me, cme;
	socklen_t len = sizeof(peer);
	char buf[32];
	int lfd = listen_on(htonl(INADDR_ANY), next_lport, 5, 0);
	int cfd, sfd;

	(void)state;
	cfd = __sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(__sys_connect(cfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	sfd = __sys_accept4(lfd, (struct sockaddr *)&peer, &len, 0);
	assert_true(sfd >= 0);
	assert_int_equal(len, sizeof(peer));
	assert_int_equal(peer.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	len = sizeof(cme);
	assert_int_equal(__sys_getsockname(cfd, (struct sockaddr *)&cme, &len), 0);
	assert_int_equal(peer.sin_port, cme.sin_port);
	len = sizeof(me);
	assert_int_equal(__sys_getpeername(cfd, (struct sockaddr *)&me, &len), 0);
	assert_int_equal(me.sin_port, htons(next_lport));

	assert_int_equal(__sys_sendto(cfd, "hello", 5, 0, NULL, 0), 5);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(__sys_recvfrom(sfd, buf, sizeof(buf), 0, NULL, NULL), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(__sys_sendto(sfd, "hi", 2, 0, NULL, 0), 2);
	assert_int_equal(__sys_close(sfd), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(__sys_recvfrom(cfd, buf, sizeof(buf), 0, NULL, NULL), 2);
	assert_string_equal(buf, "hi");
	assert_int_equal(__sys_recvfrom(cfd, buf, sizeof(buf), 0, NULL, NULL), 0);
	assert_int_equal(__sys_close(cfd), 0);
	assert_int_equal(__sys_close(lfd), 0);
	fake_run_softirqs();
	/* the server closed first: its side waits in TIME-WAIT, then all is gone */
	assert_int_equal(tcp_test_state(next_lport, ntohs(cme.sin_port)), TCP_TIME_WAIT);
	fake_clock_advance(2 * tcp_msl_ms);
	assert_int_equal(sock_in_use(), tcp_test_sock_base);
	assert_int_equal(skb_in_use(), tcp_test_skb_base);
}

static void test_loopback_nonblocking_and_poll(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(next_lport),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct pollfd pfd[2];
	int lfd = listen_on(htonl(INADDR_LOOPBACK), next_lport, 5, SOCK_NONBLOCK);
	int cfd, sfd, err;
	socklen_t elen = sizeof(err);
	char buf[8];

	(void)state;
	cfd = __sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(__sys_fcntl(cfd, F_SETFL, O_NONBLOCK), 0);
	assert_true(__sys_fcntl(cfd, F_GETFL, 0) & O_NONBLOCK);
	assert_int_equal(__sys_accept4(lfd, NULL, NULL, 0), -EAGAIN);
	assert_int_equal(__sys_connect(cfd, (struct sockaddr *)&sin, sizeof(sin)), -EINPROGRESS);
	/* poll: the listener becomes readable, the client writable */
	pfd[0].fd = lfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = cfd;
	pfd[1].events = POLLOUT;
	assert_int_equal(__sys_poll(pfd, 2, 1000), 2);
	assert_true(pfd[0].revents & POLLIN);
	assert_true(pfd[1].revents & POLLOUT);
	assert_int_equal(__sys_getsockopt(cfd, SOL_SOCKET, SO_ERROR, &err, &elen), 0);
	assert_int_equal(err, 0);
	sfd = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(sfd >= 0);
	assert_int_equal(__sys_recvfrom(sfd, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	assert_int_equal(__sys_recvfrom(cfd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), -EAGAIN);
	pfd[0].fd = sfd;
	pfd[0].events = POLLIN;
	assert_int_equal(__sys_poll(pfd, 1, 0), 0);
	assert_int_equal(__sys_sendto(cfd, "ping", 4, 0, NULL, 0), 4);
	assert_int_equal(__sys_poll(pfd, 1, 100), 1);
	assert_int_equal(__sys_recvfrom(sfd, buf, 2, MSG_PEEK, NULL, NULL), 2);
	assert_int_equal(__sys_recvfrom(sfd, buf, sizeof(buf), 0, NULL, NULL), 4);
	assert_memory_equal(buf, "ping", 4);
	/* a closed descriptor polls as POLLNVAL */
	pfd[0].fd = 200;
	assert_int_equal(__sys_poll(pfd, 1, 0), 1);
	assert_int_equal(pfd[0].revents, POLLNVAL);
	/* the peer resets: recv says ECONNRESET, poll says POLLERR|POLLHUP */
	__sys_sendto(cfd, "unread", 6, 0, NULL, 0);
	fake_run_softirqs();
	assert_int_equal(__sys_close(sfd), 0); /* unread data: RST */
	fake_run_softirqs();
	pfd[0].fd = cfd;
	pfd[0].events = POLLIN;
	assert_int_equal(__sys_poll(pfd, 1, 0), 1);
	assert_true(pfd[0].revents & POLLERR);
	assert_true(pfd[0].revents & POLLHUP);
	assert_int_equal(__sys_recvfrom(cfd, buf, sizeof(buf), 0, NULL, NULL), -ECONNRESET);
	assert_int_equal(__sys_close(cfd), 0);
	assert_int_equal(__sys_close(lfd), 0);
}

static void test_loopback_refused_and_timeouts(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(next_lport),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval tv = {.tv_sec = 0, .tv_usec = 300000};
	uint64_t t0;
	char buf[4];
	int fd = __sys_socket(AF_INET, SOCK_STREAM, 0), lfd, cfd;

	(void)state;
	/* nobody listens: the RST makes connect fail with ECONNREFUSED */
	assert_int_equal(__sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -ECONNREFUSED);
	assert_int_equal(__sys_close(fd), 0);
	/* SO_RCVTIMEO: recv gives up with EAGAIN */
	lfd = listen_on(0, next_lport, 1, 0);
	cfd = __sys_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(__sys_connect(cfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(__sys_setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	t0 = fake_clock_ms();
	assert_int_equal(__sys_recvfrom(cfd, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	assert_int_equal(fake_clock_ms() - t0, 300);
	/* Ctrl-C while blocked: EINTR */
	fake_net_wait_interrupt(1);
	assert_int_equal(__sys_recvfrom(cfd, buf, sizeof(buf), 0, NULL, NULL), -EINTR);
	/* accept with a timeout */
	assert_int_equal(__sys_setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	fd = __sys_accept4(lfd, NULL, NULL, 0);
	assert_true(fd >= 0);
	assert_int_equal(__sys_accept4(lfd, NULL, NULL, 0), -EAGAIN);
	assert_int_equal(__sys_close(fd), 0);
	assert_int_equal(__sys_close(cfd), 0);
	assert_int_equal(__sys_close(lfd), 0);
}

static void test_loopback_bulk_transfer(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(next_lport),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	static uint8_t out[300000], in[300000];
	size_t sent = 0, got = 0;
	int lfd = listen_on(0, next_lport, 1, 0), cfd, sfd;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 31 + (i >> 9));
	cfd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	__sys_connect(cfd, (struct sockaddr *)&sin, sizeof(sin));
	fake_run_softirqs();
	sfd = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(sfd >= 0);
	/* more than the send and receive buffers: flow control must work */
	while (got < sizeof(in)) {
		long n;
		int progress = 0;

		if (sent < sizeof(out)) {
			n = __sys_sendto(cfd, out + sent, sizeof(out) - sent, 0, NULL, 0);
			if (n > 0) {
				sent += (size_t)n;
				progress = 1;
			} else {
				assert_int_equal(n, -EAGAIN);
			}
			if (sent == sizeof(out))
				__sys_shutdown(cfd, SHUT_WR);
		}
		fake_run_softirqs();
		n = __sys_recvfrom(sfd, in + got, 7000, 0, NULL, NULL);
		if (n > 0) {
			got += (size_t)n;
			progress = 1;
		}
		fake_run_softirqs();
		if (!progress)
			fake_clock_advance(50);
	}
	assert_memory_equal(in, out, sizeof(out));
	fake_run_softirqs();
	assert_int_equal(__sys_recvfrom(sfd, in, 10, 0, NULL, NULL), 0);
	__sys_close(sfd);
	__sys_close(cfd);
	__sys_close(lfd);
}

static void test_udp_sockets(void **state)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(next_lport),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	char buf[16];
	int s = __sys_socket(AF_INET, SOCK_DGRAM, 0), c = __sys_socket(AF_INET, SOCK_DGRAM, 0);

	(void)state;
	assert_int_equal(__sys_bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(__sys_sendto(c, "dgram", 5, 0, (struct sockaddr *)&a, sizeof(a)), 5);
	fake_run_softirqs();
	assert_int_equal(__sys_recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen),
			 5);
	assert_memory_equal(buf, "dgram", 5);
	assert_int_equal(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(__sys_recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), -EAGAIN);
	assert_int_equal(__sys_sendto(c, "x", 1, 0, NULL, 0), -EDESTADDRREQ);
	assert_int_equal(__sys_listen(s, 1), -EOPNOTSUPP);
	assert_int_equal(__sys_close(s), 0);
	assert_int_equal(__sys_close(c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_syn_flood_bounded_real_client_accepted),
		TCP_TEST(test_accept_queue_bounded),
		TCP_TEST(test_synack_retries_then_dropped),
		TCP_TEST(test_loopback_hello_hi),
		TCP_TEST(test_loopback_nonblocking_and_poll),
		TCP_TEST(test_loopback_refused_and_timeouts),
		TCP_TEST(test_loopback_bulk_transfer),
		TCP_TEST(test_udp_sockets),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
