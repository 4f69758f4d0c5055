/*
 * Out of memory.  Every allocation of a whole hello/hi exchange over the
 * loopback device (sockets, socks, request socks, sk_buffs, timers) is
 * made to fail in turn: whatever the calls answer, nothing crashes or
 * trips the sanitizers, and once the sockets are closed and TIME-WAIT has
 * drained, kmalloc, sk_buffs and socks are back at their baseline.  And
 * with memory short (net_mem_pressure), TCP refuses new connections and
 * drops new data, counted, and takes both again once memory is back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/tcp.h"
#include "net/socket.h"
#include "net/loopback.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

/* More allocations than one exchange makes: the last runs fail none. */
#define SWEEP_ALLOCS 400

static uint16_t next_lport = 9000;

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
	fake_mem_pressure_set(0);
	fake_kmalloc_fail_nth(0);
	fake_run_softirqs();
	return tcp_test_end(130000);
}

/* hello/hi over loopback, every call allowed to fail; 1 if "hi" came back. */
static int hello_hi(uint16_t port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int lfd = __sys_socket(AF_INET, SOCK_STREAM, 0), cfd = -1, sfd = -1, ok = 0;
	char buf[8];

	if (lfd < 0)
		return 0;
	if (__sys_bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || __sys_listen(lfd, 4) < 0)
		goto out;
	cfd = __sys_socket(AF_INET, SOCK_STREAM, 0);
	if (cfd < 0 || __sys_connect(cfd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		goto out;
	sfd = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	if (sfd < 0 || __sys_sendto(cfd, "hello", 5, 0, NULL, 0) != 5)
		goto out;
	fake_run_softirqs();
	if (__sys_recvfrom(sfd, buf, sizeof(buf), 0, NULL, NULL) != 5 ||
	    __sys_sendto(sfd, "hi", 2, 0, NULL, 0) != 2)
		goto out;
	fake_run_softirqs();
	ok = __sys_recvfrom(cfd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL) == 2 &&
	     !memcmp(buf, "hi", 2);
out:
	if (sfd >= 0)
		__sys_close(sfd);
	if (cfd >= 0)
		__sys_close(cfd);
	__sys_close(lfd);
	return ok;
}

static void test_every_allocation_failing_in_turn(void **state)
{
	long kmallocs = fake_kmalloc_in_use();
	int n, failed = 0;

	(void)state;
	for (n = 1; n <= SWEEP_ALLOCS; n++) {
		fake_kmalloc_fail_nth(n);
		failed += !hello_hi(next_lport);
		fake_kmalloc_fail_nth(0);
		/* TIME-WAIT, FIN-WAIT-2 and every retransmission run out */
		tcp_test_settle(130000);
		assert_int_equal(sock_in_use(), tcp_test_sock_base);
		assert_int_equal(skb_in_use(), tcp_test_skb_base);
		assert_int_equal(fake_kmalloc_in_use(), kmallocs);
	}
	/* some exchanges failed, and the runs past the last allocation succeed */
	assert_true(failed > 0);
	assert_true(hello_hi(next_lport));
}

static void test_memory_short_refuses_syn_and_drops_data(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(next_lport)};
	uint64_t refusals = tcp_statistics.mem_refusals, drops = tcp_statistics.rcvq_drops;
	int lfd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct tconn c;
	struct tseg s;
	char buf[8];

	(void)state;
	assert_int_equal(__sys_bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(__sys_listen(lfd, 4), 0);
	fake_mem_pressure_set(1);
	tcp_peer_send(4000, next_lport, 100, 0, SYN, WIN, NULL, NULL, 0);
	assert_int_equal(tcp_peer_pending(), 0); /* no SYN-ACK, no RST: the SYN comes again */
	assert_int_equal(tcp_statistics.mem_refusals, refusals + 1);
	assert_int_equal(sock_in_use(), tcp_test_sock_base + 1);
	fake_mem_pressure_set(0);
	__sys_close(lfd);

	assert_int_equal(tcp_test_passive_open(&c, next_lport + 1, 4001, 500, WIN, NULL), 0);
	fake_mem_pressure_set(1);
	tcp_peer_data(&c, c.rcv_nxt, "hello", 5, WIN);
	assert_int_equal(tcp_statistics.rcvq_drops, drops + 1);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), -EAGAIN);
	fake_mem_pressure_set(0);
	/* the retransmission goes in and is acknowledged */
	tcp_peer_flush();
	tcp_peer_data(&c, c.rcv_nxt, "hello", 5, WIN);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), 5);
	fake_clock_advance(500); /* the delayed ACK */
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.ack, c.rcv_nxt + 5);
	c.rcv_nxt += 5;
	tcp_test_abort(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_every_allocation_failing_in_turn),
		TCP_TEST(test_memory_short_refuses_syn_and_drops_data),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
