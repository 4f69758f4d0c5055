/* Loopback: transmit re-enters through netif_rx and the NET_RX softirq; ping and UDP over lo. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/ip.h"
#include "net/icmp.h"
#include "net/udp.h"
#include "net/loopback.h"
#include "net/devinet.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"

static uint64_t skb_base;

static int group_setup(void **state)
{
	(void)state;
	net_init();
	return loopback_dev ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	memset(&loopback_dev->stats, 0, sizeof(loopback_dev->stats));
	skb_base = skb_in_use();
	net_lock();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	net_unlock();
	assert_int_equal(fake_rx_softirq_pending(), 0);
	assert_int_equal(skb_in_use(), skb_base);
	return 0;
}

static void test_lo_registered_up(void **state)
{
	char buf[INET_ADDRSTRLEN_NET];

	(void)state;
	assert_ptr_equal(dev_get_by_name("lo"), loopback_dev);
	assert_true(loopback_dev->flags & IFF_UP);
	assert_true(loopback_dev->flags & IFF_LOOPBACK);
	assert_string_equal(net_ipv4_str(loopback_dev->ip_addr, buf), "127.0.0.1");
	assert_string_equal(net_ipv4_str(loopback_dev->netmask, buf), "255.0.0.0");
	assert_true(ip_is_local_addr(inet_addr("127.3.4.5")));
}

static void test_ping_localhost(void **state)
{
	struct icmp_ping_reply r;
	int i;

	(void)state;
	for (i = 1; i <= 3; i++) {
		assert_int_equal(icmp_ping(inet_addr("127.0.0.1"), 0x77, i, 56, 1000, &r), 0);
		assert_int_equal(r.from, inet_addr("127.0.0.1"));
		assert_int_equal(r.len, 64);
		assert_int_equal(r.ttl, IP_DEFAULT_TTL);
	}
	/* Each ping: the request and the reply, both out and back in through lo. */
	assert_int_equal(loopback_dev->stats.tx_packets, 6);
	assert_int_equal(loopback_dev->stats.rx_packets, 6);
	assert_int_equal(loopback_dev->stats.rx_bytes, loopback_dev->stats.tx_bytes);
	/* A big one: lo's MTU is 64 KiB. */
	assert_int_equal(icmp_ping(inet_addr("127.0.0.1"), 0x77, 9, 60000, 1000, &r), 0);
	assert_int_equal(r.len, 60008);
}

static void test_delivery_waits_for_the_softirq(void **state)
{
	uint16_t port = htons(5353);

	(void)state;
	memset(&fake_udp_got, 0, sizeof(fake_udp_got));
	assert_int_equal(udp_bind_port(port, fake_udp_sink, NULL), 0);
	assert_int_equal(udp_bind_port(port, fake_udp_sink, NULL), -EADDRINUSE);
	assert_int_equal(udp_sendmsg(0, htons(1000), inet_addr("127.0.0.1"), port, "hello", 5), 5);
	/* Sent, but like a NIC's frame it waits in the backlog for NET_RX. */
	assert_int_equal(fake_udp_got.count, 0);
	assert_int_equal(fake_rx_softirq_pending(), 1);
	assert_int_equal(fake_run_softirqs(), 1);
	assert_int_equal(fake_udp_got.count, 1);
	assert_int_equal(fake_udp_got.len, 5);
	assert_memory_equal(fake_udp_got.data, "hello", 5);
	assert_int_equal(udp_unbind_port(port), 0);
	assert_int_equal(udp_unbind_port(port), -ENOENT);
}

static void test_backlog_limit_and_budget(void **state)
{
	uint16_t port = htons(5354);
	int i, sent = 0, runs;

	(void)state;
	memset(&fake_udp_got, 0, sizeof(fake_udp_got));
	udp_bind_port(port, fake_udp_sink, NULL);
	for (i = 0; i < 1010; i++)
		if (udp_sendmsg(0, htons(1000), inet_addr("127.0.0.1"), port, "x", 1) == 1)
			sent++;
	assert_int_equal(sent, 1000);
	assert_int_equal(loopback_dev->stats.rx_dropped, 10);
	assert_int_equal(loopback_dev->stats.tx_dropped, 10);
	/* 300 frames per softirq run, then it re-raises itself. */
	runs = fake_run_softirqs();
	assert_int_equal(runs, 4);
	assert_int_equal(fake_udp_got.count, 1000);
	udp_unbind_port(port);
}

static void test_udp_sock_over_lo(void **state)
{
	struct sock *a = udp_sock_create(), *b = udp_sock_create();
	uint32_t from;
	uint16_t sport;
	char buf[8];

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(udp_sock_bind(a, htons(6000)), 0);
	assert_int_equal(udp_sock_bind(b, 0), 0);
	assert_true(b->sk_num >= UDP_EPHEMERAL_LO);
	assert_int_equal(udp_sock_recv(a, buf, sizeof(buf), 0, NULL, NULL, 0), -EAGAIN);
	assert_int_equal(udp_sendmsg(0, htons(b->sk_num), inet_addr("127.0.0.1"), htons(a->sk_num),
				     "0123456789", 10),
			 10);
	/* The wait runs the softirq; the datagram is truncated to the buffer. */
	assert_int_equal(udp_sock_recv(a, buf, sizeof(buf), 0, &from, &sport, 100), 8);
	assert_memory_equal(buf, "01234567", 8);
	assert_int_equal(from, inet_addr("127.0.0.1"));
	assert_int_equal(sport, htons(b->sk_num));
	assert_int_equal(udp_sock_recv(a, buf, sizeof(buf), 0, NULL, NULL, 100), -ETIMEDOUT);
	fake_net_wait_interrupt(1);
	assert_int_equal(udp_sock_recv(a, buf, sizeof(buf), 0, NULL, NULL, -1), -EINTR);
	/* Closing frees what is still queued. */
	udp_sendmsg(0, htons(b->sk_num), inet_addr("127.0.0.1"), htons(a->sk_num), "z", 1);
	fake_run_softirqs();
	assert_int_equal(skb_queue_len(&a->sk_receive_queue), 1);
	udp_sock_close(a);
	udp_sock_close(b);
	/* Now closed: port unreachable comes back (to 127.0.0.1, over lo) and is counted. */
	uint64_t no_ports = udp_statistics.no_ports, unreach = icmp_statistics.in_dest_unreachs;

	udp_sendmsg(0, htons(1000), inet_addr("127.0.0.1"), htons(6000), "z", 1);
	fake_run_softirqs();
	assert_int_equal(udp_statistics.no_ports, no_ports + 1);
	assert_int_equal(icmp_statistics.in_dest_unreachs, unreach + 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_lo_registered_up),
		T(test_ping_localhost),
		T(test_delivery_waits_for_the_softirq),
		T(test_backlog_limit_and_budget),
		T(test_udp_sock_over_lo),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
