/* IPv4: input validation with crafted frames, delivery, output, and routing (LPM). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/arp.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/icmp.h"
#include "net/udp.h"
#include "net/checksum.h"
#include "net/loopback.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"

static struct net_device *eth;
static uint32_t our_ip, peer_ip, mask24;
static uint64_t skb_base;
#define UDP_TEST_PORT 7777

static int group_setup(void **state)
{
	(void)state;
	mask24 = inet_addr("255.255.255.0");
	eth = fake_net_init_eth(&our_ip, &peer_ip);
	if (!eth)
		return -1;
	return udp_bind_port(htons(UDP_TEST_PORT), fake_udp_sink, NULL);
}

static int setup(void **state)
{
	(void)state;
	arp_flush(NULL);
	fake_eth_learn_peer(eth, our_ip, peer_ip);
	fake_eth_purge_tx(eth);
	memset(&ip_statistics, 0, sizeof(ip_statistics));
	memset(&icmp_statistics, 0, sizeof(icmp_statistics));
	memset(&fake_udp_got, 0, sizeof(fake_udp_got));
	memset(&eth->stats, 0, sizeof(eth->stats));
	fake_clock_advance(1000); /* refill the ICMP error token bucket */
	skb_base = skb_in_use();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_eth_purge_tx(eth);
	assert_int_equal(skb_in_use(), skb_base);
	return 0;
}

/* A frame from the peer to us: UDP to UDP_TEST_PORT carrying "ping!". */
static size_t udp_frame(uint8_t *buf, uint32_t daddr)
{
	uint8_t dgram[8 + 5];
	struct udphdr *uh = (struct udphdr *)dgram;

	uh->source = htons(1234);
	uh->dest = htons(UDP_TEST_PORT);
	uh->len = htons(sizeof(dgram));
	uh->check = 0;
	memcpy(dgram + 8, "ping!", 5);
	uh->check = csum_tcpudp_magic(peer_ip, daddr, sizeof(dgram), IPPROTO_UDP,
				      csum_partial(dgram, sizeof(dgram), 0));
	return fake_build_ip(buf, fake_our_mac, fake_peer_mac, peer_ip, daddr, IPPROTO_UDP, dgram,
			     sizeof(dgram));
}

static struct iphdr *iph_of(uint8_t *frame) { return (struct iphdr *)(frame + ETH_HLEN); }

static void test_valid_frame_delivered_and_padding_trimmed(void **state)
{
	uint8_t frame[128];
	size_t n = udp_frame(frame, our_ip);

	(void)state;
	/* Ethernet pads short frames to 60 bytes with junk: IP must trim to tot_len. */
	memset(frame + n, 0xee, ETH_ZLEN - n);
	assert_int_equal(fake_eth_inject(eth, frame, ETH_ZLEN), 0);
	assert_int_equal(fake_udp_got.count, 1);
	assert_int_equal(fake_udp_got.len, 5);
	assert_memory_equal(fake_udp_got.data, "ping!", 5);
	assert_int_equal(fake_udp_got.saddr, peer_ip);
	assert_int_equal(fake_udp_got.sport, htons(1234));
	assert_int_equal(ip_statistics.in_receives, 1);
	assert_int_equal(ip_statistics.in_delivers, 1);
	assert_int_equal(eth->stats.rx_packets > 0, 1);

	/* A padded echo request: the ICMP checksum only holds without the padding. */
	uint8_t echo[8] = {ICMP_ECHO, 0, 0, 0, 0, 1, 0, 1};
	struct sk_buff *reply;

	*(uint16_t *)(echo + 2) = ip_compute_csum(echo, sizeof(echo));
	n = fake_build_ip(frame, fake_our_mac, fake_peer_mac, peer_ip, our_ip, IPPROTO_ICMP, echo,
			  sizeof(echo));
	memset(frame + n, 0xee, ETH_ZLEN - n);
	assert_int_equal(fake_eth_inject(eth, frame, ETH_ZLEN), 0);
	reply = fake_eth_pop_tx(eth);
	assert_non_null(reply);
	assert_int_equal(ntohs(((struct iphdr *)(reply->data + ETH_HLEN))->tot_len), 28);
	kfree_skb(reply);
}

enum mangle {
	SHORT,
	BAD_VERSION,
	IHL_4,
	IHL_PAST_FRAME,
	BAD_CSUM,
	TOT_LEN_PAST_FRAME,
	TOT_LEN_IN_HDR,
	FRAG_MF,
	FRAG_OFFSET,
	NOT_OURS,
	MCAST_SOURCE,
	NMANGLE
};

static void test_malformed_dropped_and_counted(void **state)
{
	static const char *const names[] = {
		"short",
		"bad version",
		"IHL 4",
		"IHL past frame",
		"bad checksum",
		"tot_len past frame",
		"tot_len inside header",
		"MF",
		"offset",
		"not ours",
		"multicast source",
	};
	int m;

	(void)state;
	for (m = 0; m < NMANGLE; m++) {
		uint8_t frame[128];
		size_t n = udp_frame(frame, our_ip);
		struct iphdr *iph = iph_of(frame);
		struct ip_mib before = ip_statistics;

		switch (m) {
		case SHORT:
			n = ETH_HLEN + 19;
			break;
		case BAD_VERSION:
			iph->ihl_version = 0x65;
			break;
		case IHL_4:
			iph->ihl_version = 0x44;
			break;
		case IHL_PAST_FRAME:
			iph->ihl_version = 0x4f; /* 60 bytes of header in a 33-byte packet */
			break;
		case BAD_CSUM:
			iph->check ^= htons(0x0100);
			break;
		case TOT_LEN_PAST_FRAME:
			iph->tot_len = htons(ntohs(iph->tot_len) + 1);
			break;
		case TOT_LEN_IN_HDR:
			iph->tot_len = htons(10);
			break;
		case FRAG_MF:
			iph->frag_off = htons(IP_MF);
			break;
		case FRAG_OFFSET:
			iph->frag_off = htons(185);
			break;
		case NOT_OURS:
			n = udp_frame(frame, inet_addr("10.0.2.99"));
			break;
		case MCAST_SOURCE:
			iph->saddr = inet_addr("224.0.0.1");
			break;
		}
		/* The header checksum is made right again over the 20 bytes there
		 * are (IHL 4 too), so the mangle alone is wrong; not for a bad
		 * checksum, nor an IHL past the frame (checksum left as built). */
		if (m != BAD_CSUM && m != IHL_PAST_FRAME) {
			iph->check = 0;
			iph->check = ip_compute_csum(iph, 20);
		}
		print_message("frame: %s\n", names[m]);
		assert_true(fake_eth_inject(eth, frame, n) < 0);
		assert_int_equal(fake_udp_got.count, 0);
		assert_int_equal(ip_statistics.in_receives, before.in_receives + 1);
		assert_int_equal(ip_statistics.in_delivers, 0);
		switch (m) {
		case BAD_CSUM:
			assert_int_equal(ip_statistics.in_csum_errors, before.in_csum_errors + 1);
			/* fall through */
		case SHORT:
		case BAD_VERSION:
		case IHL_4:
		case IHL_PAST_FRAME:
		case TOT_LEN_IN_HDR:
			assert_int_equal(ip_statistics.in_hdr_errors, before.in_hdr_errors + 1);
			break;
		case TOT_LEN_PAST_FRAME:
			assert_int_equal(ip_statistics.in_truncated_pkts,
					 before.in_truncated_pkts + 1);
			break;
		case FRAG_MF:
			/* RFC 791: a fragment with more to come carries 8-octet units */
			assert_int_equal(ip_statistics.frag_drops, before.frag_drops + 1);
			break;
		case FRAG_OFFSET:
			/* a valid last fragment: held for reassembly until its queue expires */
			assert_int_equal(ip_statistics.reasm_reqds, before.reasm_reqds + 1);
			assert_true(ip_frag_mem() > 0);
			fake_clock_advance(30001);
			assert_int_equal(ip_statistics.frag_drops, before.frag_drops + 1);
			assert_int_equal(ip_statistics.reasm_timeout, before.reasm_timeout + 1);
			assert_int_equal(ip_frag_mem(), 0);
			break;
		case NOT_OURS:
		case MCAST_SOURCE:
			assert_int_equal(ip_statistics.in_addr_errors, before.in_addr_errors + 1);
			break;
		}
		assert_int_equal(skb_in_use(), skb_base);
		assert_int_equal(fake_eth_tx_len(eth), 0); /* no ICMP about any of them */
	}
}

static void test_unknown_protocol_gets_protocol_unreachable(void **state)
{
	uint8_t frame[128];
	size_t n = fake_build_ip(frame, fake_our_mac, fake_peer_mac, peer_ip, our_ip, 99, "xyz", 3);
	struct sk_buff *skb;
	const struct iphdr *iph;
	const struct icmphdr *ic;

	(void)state;
	assert_int_equal(fake_eth_inject(eth, frame, n), -EPROTONOSUPPORT);
	assert_int_equal(ip_statistics.in_unknown_protos, 1);
	skb = fake_eth_pop_tx(eth);
	assert_non_null(skb);
	iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	assert_int_equal(iph->protocol, IPPROTO_ICMP);
	assert_int_equal(iph->daddr, peer_ip);
	assert_int_equal(iph->saddr, our_ip);
	ic = (const struct icmphdr *)(iph + 1);
	assert_int_equal(ic->type, ICMP_DEST_UNREACH);
	assert_int_equal(ic->code, ICMP_PROT_UNREACH);
	/* Quotes the offending datagram from its IP header. */
	assert_memory_equal((const uint8_t *)(ic + 1), frame + ETH_HLEN, 20 + 3);
	kfree_skb(skb);

	/* The same to the broadcast address: dropped silently (RFC 1122 3.2.2). */
	n = fake_build_ip(frame, fake_bcast_mac, fake_peer_mac, peer_ip, inet_addr("10.0.2.255"),
			  99, "xyz", 3);
	fake_eth_inject(eth, frame, n);
	assert_int_equal(ip_statistics.in_unknown_protos, 2);
	assert_int_equal(fake_eth_tx_len(eth), 0);
}

static void test_frame_for_other_mac_dropped(void **state)
{
	static const uint8_t other_mac[ETH_ALEN] = {0x02, 9, 9, 9, 9, 9};
	uint8_t frame[128];
	size_t n = udp_frame(frame, our_ip);

	(void)state;
	memcpy(frame, other_mac, ETH_ALEN);
	assert_true(fake_eth_inject(eth, frame, n) < 0);
	assert_int_equal(fake_udp_got.count, 0);
}

static void test_output_builds_valid_header(void **state)
{
	struct sk_buff *skb = alloc_skb(MAX_HEADER_LEN + 4), *out;
	const struct iphdr *iph;
	const struct ethhdr *e;

	(void)state;
	skb_reserve(skb, MAX_HEADER_LEN);
	memcpy(skb_put(skb, 4), "data", 4);
	assert_int_equal(ip_queue_xmit(skb, 0, peer_ip, 253), 0);
	out = fake_eth_pop_tx(eth);
	assert_non_null(out);
	e = (const struct ethhdr *)out->data;
	assert_memory_equal(e->h_dest, fake_peer_mac, ETH_ALEN);
	assert_memory_equal(e->h_source, fake_our_mac, ETH_ALEN);
	assert_int_equal(ntohs(e->h_proto), ETH_P_IP);
	iph = (const struct iphdr *)(e + 1);
	assert_int_equal(iph->ihl_version, 0x45);
	assert_int_equal(ntohs(iph->tot_len), 24);
	assert_int_equal(iph->ttl, IP_DEFAULT_TTL);
	assert_int_equal(iph->protocol, 253);
	assert_int_equal(ntohs(iph->frag_off), IP_DF);
	assert_int_equal(iph->saddr, our_ip);
	assert_int_equal(iph->daddr, peer_ip);
	assert_int_equal(ip_compute_csum(iph, 20), 0);
	assert_memory_equal(iph + 1, "data", 4);
	assert_int_equal(out->len, ETH_ZLEN); /* padded on the wire */
	kfree_skb(out);
	assert_int_equal(ip_statistics.out_requests, 1);

	/* Larger than the MTU: refused, not fragmented. */
	skb = alloc_skb(MAX_HEADER_LEN + 1500);
	skb_reserve(skb, MAX_HEADER_LEN);
	skb_put(skb, 1500);
	assert_int_equal(ip_queue_xmit(skb, 0, peer_ip, 253), -EMSGSIZE);
	assert_int_equal(ip_statistics.out_discards, 1);

	/* The driver refuses the frame: its error comes back, the drop is counted. */
	fake_eth_set_xmit_error(eth, -ENOBUFS);
	skb = alloc_skb(MAX_HEADER_LEN + 64);
	skb_reserve(skb, MAX_HEADER_LEN);
	skb_put(skb, 64);
	assert_int_equal(ip_queue_xmit(skb, 0, peer_ip, 253), -ENOBUFS);
	assert_int_equal(eth->stats.tx_dropped, 1);
	fake_eth_set_xmit_error(eth, 0);

	/* Down device: -ENETUNREACH, counted. */
	dev_close(eth);
	skb = alloc_skb(MAX_HEADER_LEN);
	skb_reserve(skb, MAX_HEADER_LEN);
	assert_int_equal(ip_queue_xmit(skb, 0, peer_ip, 253), -ENETUNREACH);
	assert_int_equal(ip_statistics.out_no_routes, 1);
	dev_open(eth);
}

static void test_route_longest_prefix_match(void **state)
{
	static const uint8_t mac2[ETH_ALEN] = {0x52, 0x54, 0, 0, 0, 0x02};
	struct net_device *eth1 =
		fake_eth_create_up("eth%d", mac2, inet_addr("192.168.1.1"), mask24);
	struct {
		const char *dst;
		struct net_device *dev;
		const char *nexthop;
		const char *saddr;
	} cases[] = {
		{"172.16.5.9", eth, "10.0.2.3", "10.0.2.15"},
		{"172.16.6.1", eth1, "192.168.1.254", "192.168.1.1"},
		{"172.31.255.255", eth1, "192.168.1.254", "192.168.1.1"},
		{"172.32.0.1", eth, "10.0.2.2", "10.0.2.15"},
		{"8.8.8.8", eth, "10.0.2.2", "10.0.2.15"},
		{"10.0.2.77", eth, "10.0.2.77", "10.0.2.15"},
		{"192.168.1.5", eth1, "192.168.1.5", "192.168.1.1"},
		{"127.0.0.1", loopback_dev, "127.0.0.1", "127.0.0.1"},
		{"127.1.2.3", loopback_dev, "127.1.2.3", "127.1.2.3"},
		{"10.0.2.15", loopback_dev, "10.0.2.15", "10.0.2.15"},
		{"192.168.1.1", loopback_dev, "192.168.1.1", "192.168.1.1"},
		{"255.255.255.255", eth, "255.255.255.255", "10.0.2.15"},
		{"224.0.0.251", eth, "224.0.0.251", "10.0.2.15"},
	};
	struct net_device *dev;
	uint32_t nh, sa;
	size_t i;

	(void)state;
	assert_non_null(eth1);
	assert_int_equal(ip_route_add(0, 0, peer_ip, NULL), 0);
	assert_int_equal(ip_route_add(inet_addr("172.16.0.0"), inet_addr("255.240.0.0"),
				      inet_addr("192.168.1.254"), NULL),
			 0);
	assert_int_equal(ip_route_add(inet_addr("172.16.5.0"), mask24, inet_addr("10.0.2.3"), eth),
			 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("route %s\n", cases[i].dst);
		assert_int_equal(ip_route_output(inet_addr(cases[i].dst), &dev, &nh, &sa), 0);
		assert_ptr_equal(dev, cases[i].dev);
		assert_int_equal(nh, inet_addr(cases[i].nexthop));
		assert_int_equal(sa, inet_addr(cases[i].saddr));
	}

	/* Bad requests. */
	assert_int_equal(ip_route_add(inet_addr("10.9.0.0"), inet_addr("255.0.255.0"), 0, eth),
			 -EINVAL);
	assert_int_equal(ip_route_add(inet_addr("10.9.0.1"), inet_addr("255.255.0.0"), 0, eth),
			 -EINVAL);
	assert_int_equal(ip_route_add(inet_addr("10.9.0.0"), inet_addr("255.255.0.0"),
				      inet_addr("1.2.3.4"), NULL),
			 -ENETUNREACH);
	assert_int_equal(ip_route_add(inet_addr("10.9.0.0"), inet_addr("255.255.0.0"),
				      inet_addr("192.168.1.9"), eth),
			 -ENETUNREACH);
	assert_int_equal(ip_route_add(inet_addr("10.9.0.0"), inet_addr("255.255.0.0"), 0, NULL),
			 -ENODEV);
	assert_int_equal(ip_route_add(0, 0, peer_ip, NULL), -EEXIST);
	assert_int_equal(ip_route_del(inet_addr("10.9.0.0"), inet_addr("255.255.0.0")), -ESRCH);

	/* A down device's routes are skipped; the default catches the rest. */
	dev_close(eth1);
	assert_int_equal(ip_route_output(inet_addr("172.16.6.1"), &dev, &nh, &sa), 0);
	assert_int_equal(nh, peer_ip);
	dev_open(eth1);
	fake_eth_purge_tx(eth1);

	/* Without the default route, off-link destinations are unreachable and counted. */
	assert_int_equal(ip_route_del(0, 0), 0);
	assert_int_equal(ip_route_output(inet_addr("8.8.8.8"), &dev, &nh, &sa), -ENETUNREACH);
	assert_int_equal(ip_statistics.out_no_routes, 1);

	/* A new address replaces the connected route. */
	assert_int_equal(inet_set_addr(eth1, inet_addr("192.168.2.1"), mask24), 0);
	fake_eth_purge_tx(eth1);
	assert_int_equal(ip_route_output(inet_addr("192.168.1.5"), &dev, &nh, &sa), -ENETUNREACH);
	assert_int_equal(ip_route_output(inet_addr("192.168.2.5"), &dev, &nh, &sa), 0);
	assert_ptr_equal(dev, eth1);

	assert_int_equal(ip_route_del(inet_addr("172.16.0.0"), inet_addr("255.240.0.0")), 0);
	assert_int_equal(ip_route_del(inet_addr("172.16.5.0"), mask24), 0);
	inet_set_addr(eth1, 0, 0);
	dev_close(eth1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_valid_frame_delivered_and_padding_trimmed),
		T(test_malformed_dropped_and_counted),
		T(test_unknown_protocol_gets_protocol_unreachable),
		T(test_frame_for_other_mac_dropped),
		T(test_output_builds_valid_header),
		T(test_route_longest_prefix_match),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
