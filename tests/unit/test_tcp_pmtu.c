/*
 * Path MTU discovery for TCP (RFC 1191 6.3): our segments carry DF; a
 * fragmentation needed quoting one in flight lowers the connection's MSS
 * to the next-hop MTU and the segment is sent again at that size; a report
 * with no MTU picks the plateau below the quoted length (RFC 1191 7); a
 * report below 552 bytes, about data not in flight, or for a datagram
 * that fits changes nothing.
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
#include "net/eth.h"
#include "net/checksum.h"
#include "net/socket.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

#define PEER_ISN 9000000u
#define MSS	 1460

static uint16_t next_port = 44000;

static int setup(void **state)
{
	(void)state;
	return tcp_test_begin_ports(&next_port, NULL);
}

static int teardown(void **state)
{
	(void)state;
	return tcp_test_end(130000);
}

/* Fragmentation needed (next-hop mtu) from a router, quoting our segment of tot_len bytes. */
static void frag_needed(const struct tconn *c, uint32_t seq, uint16_t mtu, uint16_t tot_len)
{
	tcp_peer_send_frag_needed(mtu, tot_len, c->lport, c->rport, seq);
}

static void open_and_send(struct tconn *c, size_t n)
{
	static char buf[8192];
	const struct topts o = {.mss = MSS, .wscale = -1};
	int one = 1;

	assert_int_equal(tcp_test_active_open(c, next_port, PEER_ISN, 65535, &o), 0);
	assert_int_equal(__sys_setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
	memset(buf, 'p', sizeof(buf));
	assert_int_equal(__sys_sendto(c->fd, buf, n, 0, NULL, 0), (long)n);
}

static void test_frag_needed_lowers_mss_and_resends(void **state)
{
	struct tconn c;
	struct tseg s;
	uint32_t first;

	(void)state;
	open_and_send(&c, 3000);
	assert_true(tcp_peer_recv(&s));
	first = s.seq;
	assert_int_equal(s.len, MSS);
	tcp_peer_flush();
	frag_needed(&c, first, 1000, 40 + MSS);
	/* at once, the first segment again at 960 bytes */
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.seq, first);
	assert_int_equal(s.len, 1000 - 40);
	tcp_peer_flush();
	/* and everything after at that size */
	fake_clock_advance(5000);
	while (tcp_peer_recv(&s))
		assert_true(s.len <= 1000 - 40);
	tcp_peer_ack(&c, c.snd_nxt + 3000, 65535);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_ESTABLISHED);
	tcp_peer_flush();
	assert_int_equal(__sys_close(c.fd), 0);
}

static void test_bogus_reports(void **state)
{
	struct tconn c;
	struct tseg s;
	uint32_t first;

	(void)state;
	open_and_send(&c, 3000);
	assert_true(tcp_peer_recv(&s));
	first = s.seq;
	tcp_peer_flush();
	/* about data not in flight: ignored (RFC 5927 4.1) */
	frag_needed(&c, first - 100, 1000, 40 + MSS);
	/* below 552: taken as 552 */
	frag_needed(&c, first, 300, 40 + MSS);
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.len, 552 - 40);
	tcp_peer_flush();
	/* a datagram that fits says nothing */
	frag_needed(&c, first, 1000, 552);
	assert_false(tcp_peer_recv(&s));
	tcp_peer_ack(&c, c.snd_nxt + 3000, 65535);
	tcp_peer_flush();
	assert_int_equal(__sys_close(c.fd), 0);
}

/* No MTU in the report (a pre-RFC 1191 router): the plateau below 1500, 1492. */
static void test_plateau_without_mtu(void **state)
{
	struct tconn c;
	struct tseg s;
	uint32_t first;

	(void)state;
	open_and_send(&c, 3000);
	assert_true(tcp_peer_recv(&s));
	first = s.seq;
	tcp_peer_flush();
	frag_needed(&c, first, 0, 40 + MSS);
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.len, 1492 - 40);
	tcp_peer_ack(&c, c.snd_nxt + 3000, 65535);
	tcp_peer_flush();
	assert_int_equal(__sys_close(c.fd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frag_needed_lowers_mss_and_resends, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bogus_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plateau_without_mtu, setup, teardown),
	};

	if (tcp_test_group_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
