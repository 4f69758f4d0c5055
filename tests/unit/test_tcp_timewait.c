/*
 * The bound on TIME-WAIT socks (tcp_max_tw_buckets, Linux's
 * net.ipv4.tcp_max_tw_buckets): below it a connection we close first
 * waits 2*MSL in TIME-WAIT; at it the sock is freed at once, counted in
 * time_wait_overflow, with a rate-limited console line; as TIME-WAIT
 * socks expire, room is made again.  And the tunable: its default from
 * the memory there is, its bounds, the kernel command line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/tcp_priv.h"
#include "net/netctl.h"
#include "net/socket.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

#define PEER_ISN 3000000u

static uint16_t next_port = 42000;
static unsigned int max_tw_saved, msl_saved;

static int setup(void **state)
{
	(void)state;
	max_tw_saved = tcp_max_tw_buckets;
	msl_saved = tcp_msl_ms;
	tcp_msl_ms = 60000; /* TIME-WAIT lasts while a test moves the clock */
	/* the overflow line is rate-limited by time: start past any earlier one */
	fake_clock_advance(10000);
	fake_printk_clear();
	return tcp_test_begin_ports(&next_port, NULL);
}

/* No sock, buffer or TIME-WAIT count left behind. */
static int teardown(void **state)
{
	(void)state;
	tcp_max_tw_buckets = max_tw_saved;
	tcp_test_end(2ULL * tcp_msl_ms);
	tcp_msl_ms = msl_saved;
	assert_int_equal(tcp_tw_count, 0);
	return 0;
}

static void peer(struct tconn *c, uint32_t seq, uint32_t ack, uint8_t flags)
{
	tcp_peer_send(c->rport, c->lport, seq, ack, flags, WIN, NULL, NULL, 0);
}

/* A connection of ours to the peer's next port, open. */
static void open_conn(struct tconn *c)
{
	assert_int_equal(tcp_test_active_open(c, next_port++, PEER_ISN, WIN, NULL), 0);
}

/* We close first (as replyhi does), the peer acks our FIN and sends its
 * own: our ACK of it goes out either way; returns the state after. */
static int close_first(struct tconn *c)
{
	struct tseg s;

	__sys_close(c->fd);
	expect_seg(&s, FIN | ACK, c->snd_nxt, c->rcv_nxt);
	peer(c, c->rcv_nxt, c->snd_nxt + 1, ACK);
	assert_int_equal(tcp_test_state(c->lport, c->rport), TCP_FIN_WAIT2);
	peer(c, c->rcv_nxt, c->snd_nxt + 1, FIN | ACK);
	expect_seg(&s, ACK, c->snd_nxt + 1, c->rcv_nxt + 1);
	return tcp_test_state(c->lport, c->rport);
}

static unsigned int count_lines(const char *text, const char *line)
{
	unsigned int n = 0;

	for (const char *p = text; (p = strstr(p, line)); p += strlen(line))
		n++;
	return n;
}

#define OVERFLOW_LINE "TCP: time wait bucket table overflow"

static void test_below_limit_enters_time_wait(void **state)
{
	uint64_t overflows = tcp_statistics.time_wait_overflow;
	long socks = sock_in_use();
	struct tconn c[3];

	(void)state;
	tcp_max_tw_buckets = 3;
	for (int i = 0; i < 3; i++) {
		open_conn(&c[i]);
		assert_int_equal(close_first(&c[i]), TCP_TIME_WAIT);
		assert_int_equal(tcp_tw_count, i + 1);
	}
	assert_int_equal(sock_in_use(), socks + 3); /* each still holds its sock */
	assert_true(tcp_statistics.time_wait_overflow == overflows);
	assert_null(strstr(fake_printk_buffer(), OVERFLOW_LINE));
}

static void test_at_limit_closed_at_once_and_counted(void **state)
{
	uint64_t overflows = tcp_statistics.time_wait_overflow;
	struct tconn tw[2], c;
	struct tseg s;
	char line[80];
	long socks;

	(void)state;
	tcp_max_tw_buckets = 2;
	for (int i = 0; i < 2; i++) {
		open_conn(&tw[i]);
		assert_int_equal(close_first(&tw[i]), TCP_TIME_WAIT);
	}
	socks = sock_in_use();
	open_conn(&c);
	assert_int_equal(sock_in_use(), socks + 1);
	/* the table is full: gone at once, the sock freed, counted, said once */
	assert_int_equal(close_first(&c), 0);
	assert_int_equal(sock_in_use(), socks);
	assert_int_equal(tcp_tw_count, 2);
	assert_true(tcp_statistics.time_wait_overflow == overflows + 1);
	assert_int_equal(count_lines(fake_printk_buffer(), OVERFLOW_LINE), 1);
	/* the price: a retransmitted FIN (our ACK lost) meets no sock: RST */
	peer(&c, c.rcv_nxt, c.snd_nxt + 1, FIN | ACK);
	expect_seg(&s, RST, c.snd_nxt + 1, 0);
	/* the next one within the interval is counted, not printed */
	fake_clock_advance(1000);
	open_conn(&c);
	assert_int_equal(close_first(&c), 0);
	assert_true(tcp_statistics.time_wait_overflow == overflows + 2);
	assert_int_equal(count_lines(fake_printk_buffer(), OVERFLOW_LINE), 1);
	/* the ones already in TIME-WAIT are untouched */
	for (int i = 0; i < 2; i++)
		assert_int_equal(tcp_test_state(tw[i].lport, tw[i].rport), TCP_TIME_WAIT);
	/* after the interval, another line */
	fake_clock_advance(5000);
	open_conn(&c);
	assert_int_equal(close_first(&c), 0);
	assert_int_equal(count_lines(fake_printk_buffer(), OVERFLOW_LINE), 2);
	assert_true(tcp_statistics.time_wait_overflow == overflows + 3);
	snprintf(line, sizeof(line), OVERFLOW_LINE " (%llu in all)",
		 (unsigned long long)tcp_statistics.time_wait_overflow);
	assert_non_null(strstr(fake_printk_buffer(), line));
}

static void test_expiry_makes_room_again(void **state)
{
	uint64_t overflows = tcp_statistics.time_wait_overflow;
	struct tconn c[2], d;

	(void)state;
	tcp_max_tw_buckets = 2;
	tcp_msl_ms = 1000;
	open_conn(&c[0]);
	assert_int_equal(close_first(&c[0]), TCP_TIME_WAIT);
	fake_clock_advance(1000);
	open_conn(&c[1]);
	assert_int_equal(close_first(&c[1]), TCP_TIME_WAIT);
	open_conn(&d);
	assert_int_equal(close_first(&d), 0);
	assert_true(tcp_statistics.time_wait_overflow == overflows + 1);
	/* 2*MSL after the first entered TIME-WAIT, it is gone: one place free */
	fake_clock_advance(1001);
	assert_int_equal(tcp_test_state(c[0].lport, c[0].rport), 0);
	assert_int_equal(tcp_test_state(c[1].lport, c[1].rport), TCP_TIME_WAIT);
	assert_int_equal(tcp_tw_count, 1);
	open_conn(&d);
	assert_int_equal(close_first(&d), TCP_TIME_WAIT);
	assert_int_equal(tcp_tw_count, 2);
	/* full again */
	open_conn(&d);
	assert_int_equal(close_first(&d), 0);
	assert_true(tcp_statistics.time_wait_overflow == overflows + 2);
	/* all of them expire: the count is back to none */
	fake_clock_advance(2001);
	assert_int_equal(tcp_tw_count, 0);
	open_conn(&d);
	assert_int_equal(close_first(&d), TCP_TIME_WAIT);
	assert_true(tcp_statistics.time_wait_overflow == overflows + 2);
}

/* Simultaneous close (CLOSING, then the ACK of our FIN): the same bound. */
static void test_closing_path_at_limit(void **state)
{
	uint64_t overflows = tcp_statistics.time_wait_overflow;
	long socks = sock_in_use();
	struct tconn c;
	struct tseg s;

	(void)state;
	tcp_max_tw_buckets = 0; /* no TIME-WAIT at all */
	open_conn(&c);
	__sys_close(c.fd);
	expect_seg(&s, FIN | ACK, c.snd_nxt, c.rcv_nxt);
	/* the peer's FIN crosses ours */
	peer(&c, c.rcv_nxt, c.snd_nxt, FIN | ACK);
	expect_seg(&s, ACK, c.snd_nxt + 1, c.rcv_nxt + 1);
	assert_int_equal(tcp_test_state(c.lport, c.rport), TCP_CLOSING);
	peer(&c, c.rcv_nxt + 1, c.snd_nxt + 1, ACK);
	assert_int_equal(tcp_test_state(c.lport, c.rport), 0);
	assert_int_equal(sock_in_use(), socks);
	assert_true(tcp_statistics.time_wait_overflow == overflows + 1);
}

/* shutdown(SHUT_WR), then the peer's FIN: the application still holds the
 * socket when the sock would enter TIME-WAIT; it reads the data and EOF. */
static void test_held_socket_at_limit(void **state)
{
	uint64_t overflows = tcp_statistics.time_wait_overflow;
	long socks = sock_in_use();
	struct tconn c;
	struct tseg s;
	char buf[16];

	(void)state;
	tcp_max_tw_buckets = 0;
	open_conn(&c);
	assert_int_equal(__sys_shutdown(c.fd, SHUT_WR), 0);
	expect_seg(&s, FIN | ACK, c.snd_nxt, c.rcv_nxt);
	peer(&c, c.rcv_nxt, c.snd_nxt + 1, ACK);
	tcp_peer_send(c.rport, c.lport, c.rcv_nxt, c.snd_nxt + 1, FIN | PSH | ACK, WIN, NULL, "bye",
		      3);
	expect_seg(&s, ACK, c.snd_nxt + 1, c.rcv_nxt + 4);
	/* closed and unhashed, but the sock lives on for the socket */
	assert_int_equal(tcp_test_state(c.lport, c.rport), 0);
	assert_int_equal(sock_in_use(), socks + 1);
	assert_int_equal(tcp_tw_count, 0);
	assert_true(tcp_statistics.time_wait_overflow == overflows + 1);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 3);
	assert_memory_equal(buf, "bye", 3);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 0);
	__sys_close(c.fd);
	assert_int_equal(sock_in_use(), socks);
}

/* An eighth of the memory, in kmalloc's power-of-two blocks of a tcp_sock. */
static void test_default_from_memory(void **state)
{
	uint64_t cost = 1;

	(void)state;
	while (cost < sizeof(struct tcp_sock))
		cost *= 2;
	for (uint64_t ram = 4ULL << 20; ram <= 16ULL << 30; ram *= 4) {
		uint64_t n = tcp_tw_buckets_default(ram);

		assert_true(n * cost <= ram / 8);
		assert_true((n + 1) * cost > ram / 8);
	}
	assert_int_equal(tcp_tw_buckets_default(0), 0);
	assert_int_equal(tcp_tw_buckets_default(UINT64_MAX), INT_MAX);
	/* at boot, from the memory the machine has */
	fake_boot_param_clear();
	fake_totalram_set(64ULL << 20);
	netctl_apply_boot_params();
	assert_int_equal(tcp_max_tw_buckets, tcp_tw_buckets_default(64ULL << 20));
	assert_int_equal(netctl_tcp_tunable_get("tcp_max_tw_buckets"), tcp_max_tw_buckets);
	fake_totalram_set(128ULL << 20);
	netctl_apply_boot_params();
	assert_int_equal(tcp_max_tw_buckets, 2 * tcp_tw_buckets_default(64ULL << 20));
}

static void test_tunable_bounds_and_command_line(void **state)
{
	unsigned int def;

	(void)state;
	assert_int_equal(netctl_tcp_tunable_set("tcp_max_tw_buckets", -1), -ERANGE);
	assert_int_equal(netctl_tcp_tunable_set("tcp_max_tw_buckets", (long)INT_MAX + 1), -ERANGE);
	assert_int_equal(netctl_tcp_tunable_set("tcp_max_tw_buckets", INT_MAX), 0);
	assert_int_equal(netctl_tcp_tunable_get("tcp_max_tw_buckets"), INT_MAX);
	assert_int_equal(netctl_tcp_tunable_set("tcp_max_tw_buckets", 0), 0);
	assert_int_equal(tcp_max_tw_buckets, 0);

	fake_boot_param_clear();
	fake_boot_param_set("tcp_max_tw_buckets", "7");
	netctl_apply_boot_params();
	assert_int_equal(tcp_max_tw_buckets, 7);
	def = tcp_tw_buckets_default(128ULL << 20);
	fake_printk_clear();
	fake_boot_param_set("tcp_max_tw_buckets", "-3");
	netctl_apply_boot_params();
	assert_int_equal(tcp_max_tw_buckets, def);
	assert_non_null(strstr(fake_printk_buffer(), "net: bad tcp_max_tw_buckets=-3, keeping"));
	fake_boot_param_set("tcp_max_tw_buckets", "12k");
	netctl_apply_boot_params();
	assert_int_equal(tcp_max_tw_buckets, def);
	assert_non_null(strstr(fake_printk_buffer(), "net: bad tcp_max_tw_buckets=12k, keeping"));
	fake_boot_param_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_below_limit_enters_time_wait),
		TCP_TEST(test_at_limit_closed_at_once_and_counted),
		TCP_TEST(test_expiry_makes_room_again),
		TCP_TEST(test_closing_path_at_limit),
		TCP_TEST(test_held_socket_at_limit),
		TCP_TEST(test_default_from_memory),
		TCP_TEST(test_tunable_bounds_and_command_line),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
