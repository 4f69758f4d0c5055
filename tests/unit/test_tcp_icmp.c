/*
 * ICMP errors reaching TCP (tcp_v4_err): RFC 1122 4.2.3.9 (hard errors end
 * a connection attempt, soft errors are remembered and reported on
 * timeout), RFC 5927 4.1 (an error is believed only if it quotes a
 * sequence number in flight), a SYN-ACK's error dropping its request
 * sock, and ARP's "host unreachable" ending a
 * connect to a neighbour that never answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/time.h>
#include <cmocka.h>

#include "net/tcp.h"
#include "net/icmp.h"
#include "net/socket.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

#define PEER_ISN 7000000u

static uint16_t next_port = 43000;

static int setup(void **state)
{
	(void)state;
	return tcp_test_begin_ports(&next_port, NULL);
}

static int teardown(void **state)
{
	(void)state;
	tcp_retries2 = 15;
	return tcp_test_end(130000);
}

static int so_error(int fd)
{
	int err = -1;
	socklen_t len = sizeof(err);

	assert_int_equal(__sys_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	return err;
}

/* A non-blocking connect to the peer; *lport and *iss from the SYN. */
static int start_connect(uint16_t rport, uint16_t *lport, uint32_t *iss)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(rport),
				  .sin_addr.s_addr = tcp_test_peer_ip};
	int fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct tseg s;

	assert_true(fd >= 0);
	assert_int_equal(__sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -EINPROGRESS);
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.flags, TCPHDR_SYN);
	*lport = s.sport;
	*iss = s.seq;
	return fd;
}

/* SYN-SENT: an error quoting our SYN ends the attempt with its errno. */
static void test_syn_sent_hard_errors(void **state)
{
	static const struct {
		uint8_t type, code;
		int err;
	} cases[] = {
		{ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, EHOSTUNREACH},
		{ICMP_DEST_UNREACH, ICMP_NET_UNREACH, ENETUNREACH},
		{ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, ECONNREFUSED},
		{ICMP_TIME_EXCEEDED, 0, EHOSTUNREACH},
	};
	struct tseg s;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t fails = tcp_statistics.attempt_fails;
		uint16_t lport, rport = (uint16_t)(next_port + 100 + i);
		uint32_t iss;
		int fd = start_connect(rport, &lport, &iss);

		tcp_peer_send_icmp(cases[i].type, cases[i].code, lport, rport, iss);
		assert_int_equal(tcp_test_state(lport, rport), 0); /* closed, unhashed */
		assert_int_equal(so_error(fd), cases[i].err);
		assert_int_equal(tcp_statistics.attempt_fails, fails + 1);
		/* nothing more is sent: the SYN is not retried */
		fake_clock_advance(10000);
		assert_false(tcp_peer_recv(&s));
		assert_int_equal(__sys_close(fd), 0);
	}
}

/* RFC 5927 4.1: a quoted sequence number outside SND.UNA..SND.NXT-1, a
 * wrong port or an unknown code: ignored, the SYN is retried as usual. */
static void test_out_of_window_icmp_ignored(void **state)
{
	uint64_t oow = tcp_statistics.out_of_window_icmps;
	uint16_t lport, rport = next_port;
	uint32_t iss;
	int fd = start_connect(rport, &lport, &iss);
	struct tseg s;

	(void)state;
	tcp_peer_send_icmp(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, lport, rport, iss + 1);
	tcp_peer_send_icmp(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, lport, rport, iss - 1);
	tcp_peer_send_icmp(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, lport, rport, iss + 0x40000000u);
	assert_int_equal(tcp_statistics.out_of_window_icmps, oow + 3);
	tcp_peer_send_icmp(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, lport, (uint16_t)(rport + 1), iss);
	tcp_peer_send_icmp(ICMP_DEST_UNREACH, NR_ICMP_UNREACH + 1, lport, rport, iss);
	tcp_peer_send_icmp(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, lport, rport, iss);
	assert_int_equal(tcp_test_state(lport, rport), TCP_SYN_SENT);
	assert_int_equal(so_error(fd), 0);
	fake_clock_advance(tcp_rto_initial_ms);
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.flags, TCPHDR_SYN);
	assert_int_equal(s.seq, iss);
	/* the same error with the right sequence number is taken */
	tcp_peer_send_icmp(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, lport, rport, iss);
	assert_int_equal(so_error(fd), ECONNREFUSED);
	assert_int_equal(__sys_close(fd), 0);
}

/* ESTABLISHED: errors are soft (RFC 1122 4.2.3.9); an in-window one is
 * reported instead of ETIMEDOUT when the retransmissions run out, one
 * quoting data not in flight is not. */
static void test_established_soft_error(void **state)
{
	struct tconn c;
	struct tseg s;
	char buf[16];
	uint64_t oow = tcp_statistics.out_of_window_icmps;

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, NULL), 0);
	/* nothing in flight: an error cannot be about anything we sent */
	tcp_peer_send_icmp(ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, c.lport, c.rport, c.snd_nxt);
	assert_int_equal(tcp_statistics.out_of_window_icmps, oow + 1);
	assert_int_equal(__sys_sendto(c.fd, "data", 4, 0, NULL, 0), 4);
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.seq, c.snd_nxt);
	/* now it is in flight: the connection stays, nothing to report yet */
	tcp_peer_send_icmp(ICMP_DEST_UNREACH, ICMP_NET_UNREACH, c.lport, c.rport, c.snd_nxt);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_ESTABLISHED);
	assert_int_equal(so_error(c.fd), 0);
	/* the peer never answers: the retransmissions run out, and the
	 * error says why */
	tcp_retries2 = 2;
	fake_clock_advance(200000);
	assert_int_equal(tcp_test_state(c.lport, c.rport), 0);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), -ENETUNREACH);
	tcp_peer_flush();
	assert_int_equal(__sys_close(c.fd), 0);
}

/* An acknowledgment after the error: something got through, the error is
 * forgotten and a later timeout is plain ETIMEDOUT. */
static void test_soft_error_cleared_by_progress(void **state)
{
	struct tconn c;
	struct tseg s;
	char buf[16];

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, NULL), 0);
	assert_int_equal(__sys_sendto(c.fd, "ab", 2, 0, NULL, 0), 2);
	assert_true(tcp_peer_recv(&s));
	tcp_peer_send_icmp(ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, c.lport, c.rport, c.snd_nxt);
	tcp_peer_send(c.rport, c.lport, c.rcv_nxt, c.snd_nxt + 2, TCPHDR_ACK, WIN, NULL, NULL, 0);
	c.snd_nxt += 2;
	assert_int_equal(__sys_sendto(c.fd, "cd", 2, 0, NULL, 0), 2);
	tcp_retries2 = 2;
	fake_clock_advance(200000);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), -ETIMEDOUT);
	tcp_peer_flush();
	assert_int_equal(__sys_close(c.fd), 0);
}

/* LISTEN: an error quoting our SYN-ACK with its ISN drops the request
 * sock (no more SYN-ACKs); with another sequence number it is ignored. */
static void test_icmp_drops_request_sock(void **state)
{
	uint16_t lport = next_port, rport = (uint16_t)(next_port + 500);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(lport)};
	int lfd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	uint64_t oow = tcp_statistics.out_of_window_icmps;
	struct tseg s;

	(void)state;
	assert_int_equal(__sys_bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(__sys_listen(lfd, 4), 0);
	tcp_peer_send(rport, lport, PEER_ISN, 0, TCPHDR_SYN, WIN, NULL, NULL, 0);
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.flags, TCPHDR_SYN | TCPHDR_ACK);
	tcp_peer_send_icmp(ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, lport, rport, s.seq + 1);
	assert_int_equal(tcp_statistics.out_of_window_icmps, oow + 1);
	fake_clock_advance(tcp_rto_initial_ms);
	assert_true(tcp_peer_recv(&s)); /* the SYN-ACK again */
	assert_int_equal(s.flags, TCPHDR_SYN | TCPHDR_ACK);
	tcp_peer_send_icmp(ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, lport, rport, s.seq);
	fake_clock_advance(60000);
	assert_false(tcp_peer_recv(&s));
	assert_int_equal(__sys_close(lfd), 0);
}

/* A neighbour that never answers ARP: ARP gives up after its retries and
 * tells the sender (us) "host unreachable", which ends the connect with
 * EHOSTUNREACH in about ARP_MAX_PROBES * ARP_RETRY_MS, not after the SYN
 * retries (127 s). */
static void test_arp_failure_ends_connect(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(next_port),
				  .sin_addr.s_addr = inet_addr("10.0.2.99")};
	struct timeval tv = {.tv_sec = 200};
	uint64_t t0 = fake_clock_ms();
	int fd = __sys_socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	assert_int_equal(__sys_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(__sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -EHOSTUNREACH);
	assert_true(fake_clock_ms() - t0 >= 2000);
	assert_true(fake_clock_ms() - t0 <= 4000);
	assert_int_equal(__sys_close(fd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_syn_sent_hard_errors),
		TCP_TEST(test_out_of_window_icmp_ignored),
		TCP_TEST(test_established_soft_error),
		TCP_TEST(test_soft_error_cleared_by_progress),
		TCP_TEST(test_icmp_drops_request_sock),
		TCP_TEST(test_arp_failure_ends_connect),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
