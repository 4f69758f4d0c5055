/*
 * Regression tests for the bugs the libFuzzer targets (tests/fuzz/) found,
 * one crafted frame each, arriving on the fake eth0 (10.0.2.15/24) from
 * the peer 10.0.2.2, whose ARP entry is resolved so that any answer would
 * show up on eth0's transmit list at once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/arp.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"

static const uint8_t our_mac[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t bcast_mac[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static uint64_t skb_base;
static long sock_base;

static int group_setup(void **state)
{
	(void)state;
	tcp_test_env_init();
	return tcp_test_dev ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	tcp_test_env_reset();
	skb_base = skb_in_use();
	sock_base = sock_in_use();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_clock_advance(10000);
	fake_run_softirqs();
	tcp_peer_flush();
	assert_int_equal(sock_in_use(), sock_base);
	assert_int_equal(skb_in_use(), skb_base);
	assert_int_equal(fake_net_lock_depth(), 0);
	return 0;
}

/* A TCP segment saddr:7 -> daddr:dport with a correct checksum, in a frame to dst_mac. */
static void send_tcp(const uint8_t *dst_mac, uint32_t saddr, uint32_t daddr, uint16_t dport,
		     uint8_t flags)
{
	uint8_t seg[sizeof(struct tcphdr)], frame[128];
	struct tcphdr *th = (struct tcphdr *)seg;

	memset(seg, 0, sizeof(seg));
	th->source = htons(7);
	th->dest = htons(dport);
	th->seq = htonl(1000);
	th->doff_res = (sizeof(*th) / 4) << 4;
	th->flags = flags;
	th->window = htons(65535);
	th->check = csum_tcpudp_magic(saddr, daddr, sizeof(seg), IPPROTO_TCP,
				      csum_partial(seg, sizeof(seg), 0));
	fake_eth_inject(tcp_test_dev, frame,
			fake_build_ip(frame, dst_mac, peer_mac, saddr, daddr, IPPROTO_TCP, seg,
				      sizeof(seg)));
	fake_run_softirqs();
}

static int listen_on(uint32_t addr, uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = addr};
	int fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	assert_int_equal(__sys_bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(__sys_listen(fd, 4), 0);
	return fd;
}

/*
 * fuzz_rx: a SYN from the wire to 127.0.0.1 reached a listener bound to
 * 127.0.0.1 (loopback-only services were open to the network), and the
 * SYN-ACK left eth0 with source 127.0.0.1.  RFC 1122 3.2.1.3 (g): 127/8
 * never appears outside a host; such datagrams are dropped.
 */
static void test_loopback_addresses_from_the_wire(void **state)
{
	uint64_t addr_errors = ip_statistics.in_addr_errors;
	int fd = listen_on(htonl(0x7f000001), 6100);

	(void)state;
	send_tcp(our_mac, tcp_test_peer_ip, htonl(0x7f000001), 6100, TCPHDR_SYN);
	assert_int_equal(fake_eth_tx_len(tcp_test_dev), 0);
	assert_int_equal(sock_in_use(), sock_base + 1); /* the listener: no request sock */
	send_tcp(our_mac, htonl(0x7f000001), tcp_test_our_ip, 6101, TCPHDR_SYN);
	assert_int_equal(fake_eth_tx_len(tcp_test_dev), 0); /* no RST to 127.0.0.1 */
	assert_int_equal(ip_statistics.in_addr_errors, addr_errors + 2);
	__sys_close(fd);
}

/*
 * fuzz_rx: a segment to the directed broadcast 10.0.2.255 got a RST, sent
 * from 10.0.2.255.  RFC 1122 4.2.3.10: TCP takes unicast segments only;
 * ip_rcv marks directed broadcasts PACKET_BROADCAST and tcp_v4_rcv drops them.
 */
static void test_tcp_to_directed_broadcast(void **state)
{
	uint32_t net_bcast = tcp_test_our_ip | htonl(0xff);
	uint64_t in_segs = tcp_statistics.in_segs;

	(void)state;
	send_tcp(bcast_mac, tcp_test_peer_ip, net_bcast, 6102, TCPHDR_ACK);
	send_tcp(our_mac, tcp_test_peer_ip, net_bcast, 6102, TCPHDR_SYN);
	assert_int_equal(fake_eth_tx_len(tcp_test_dev), 0);
	assert_int_equal(tcp_statistics.in_segs, in_segs);
}

/*
 * fuzz_rx: a datagram whose source was the directed broadcast 10.0.2.255
 * was accepted, and answered (here: ICMP port unreachable) to the whole
 * subnet.  RFC 1122 3.2.1.3 (c): a broadcast is never a source address.
 */
static void test_directed_broadcast_source(void **state)
{
	uint64_t addr_errors = ip_statistics.in_addr_errors;
	uint8_t dgram[8] = {0, 7, 0x17, 0x71, 0, 8, 0, 0}; /* 7 -> 6001, no checksum */
	uint8_t frame[64];

	(void)state;
	fake_eth_inject(tcp_test_dev, frame,
			fake_build_ip(frame, our_mac, peer_mac, tcp_test_our_ip | htonl(0xff),
				      tcp_test_our_ip, IPPROTO_UDP, dgram, sizeof(dgram)));
	fake_run_softirqs();
	assert_int_equal(fake_eth_tx_len(tcp_test_dev), 0);
	assert_int_equal(ip_statistics.in_addr_errors, addr_errors + 1);
}

/*
 * fuzz_rx: a SYN from 0.0.0.0 made a request sock, and its SYN-ACK was
 * sent to 0.0.0.0.  RFC 1122 3.2.1.3 (a): that source is only for a host
 * learning its address, by broadcast; a unicast from it is dropped.
 */
static void test_unicast_from_zero_source(void **state)
{
	uint64_t addr_errors = ip_statistics.in_addr_errors;
	int fd = listen_on(0, 6103);

	(void)state;
	send_tcp(our_mac, 0, tcp_test_our_ip, 6103, TCPHDR_SYN);
	assert_int_equal(fake_eth_tx_len(tcp_test_dev), 0);
	assert_int_equal(sock_in_use(), sock_base + 1); /* the listener: no request sock */
	assert_int_equal(ip_statistics.in_addr_errors, addr_errors + 1);
	__sys_close(fd);
}

/* fuzz_sockets: a socket bound to the given address, connecting or sending
 * to daddr:5001; returns what connect (tcp) or sendto (udp) said. */
static long call_from(int type, const char *bound, const char *daddr)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	int fd = __sys_socket(AF_INET, type | SOCK_NONBLOCK, 0);
	long r;

	assert_true(fd >= 0);
	a.sin_addr.s_addr = inet_addr(bound);
	assert_int_equal(__sys_bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	a.sin_addr.s_addr = inet_addr(daddr);
	a.sin_port = htons(5001);
	if (type == SOCK_STREAM)
		r = __sys_connect(fd, (struct sockaddr *)&a, sizeof(a));
	else
		r = __sys_sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a));
	fake_run_softirqs();
	__sys_close(fd);
	return r;
}

/* fuzz_sockets: SYNs and datagrams from 127.0.0.1 went out on eth0, and a
 * SYN to 10.0.2.255 (the subnet's broadcast) too. */
static void test_no_loopback_source_or_broadcast_connect_on_the_wire(void **state)
{
	(void)state;
	assert_int_equal(call_from(SOCK_STREAM, "127.0.0.1", "10.0.2.2"), -EINVAL);
	assert_int_equal(call_from(SOCK_DGRAM, "127.0.0.1", "10.0.2.2"), -EINVAL);
	assert_int_equal(call_from(SOCK_STREAM, "0.0.0.0", "10.0.2.255"), -ENETUNREACH);
	assert_int_equal(call_from(SOCK_STREAM, "0.0.0.0", "224.0.0.1"), -ENETUNREACH);
	assert_int_equal(fake_eth_tx_len(tcp_test_dev), 0);
	/* what stays inside the host still works */
	assert_int_equal(call_from(SOCK_DGRAM, "127.0.0.1", "127.0.0.1"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_loopback_addresses_from_the_wire, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tcp_to_directed_broadcast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directed_broadcast_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unicast_from_zero_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_loopback_source_or_broadcast_connect_on_the_wire,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
