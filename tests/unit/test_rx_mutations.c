/*
 * Robustness of the receive path: many frames derived from valid ARP, ICMP,
 * UDP and TCP frames by random byte changes and truncation, some with their
 * IP and transport checksums recomputed so they reach the deeper checks.
 * Under ASan/UBSan nothing may crash or read out of bounds, and every
 * sk_buff must be freed (or, for what we transmit, be on the fake tx list).
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
#include "net/icmp.h"
#include "net/ip.h"
#include "net/udp.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"

#define ROUNDS 20000

static const uint8_t our_mac[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static struct net_device *eth;
static uint32_t our_ip, peer_ip;

static void sink(void *ctx, struct sk_buff *skb)
{
	(void)ctx;
	kfree_skb(skb);
}

/* Recomputes the IP header checksum and, when the header allows, the L4 one. */
static void fix_checksums(uint8_t *frame, size_t n)
{
	struct iphdr *iph = (struct iphdr *)(frame + ETH_HLEN);
	size_t ihl = (iph->ihl_version & 0xf) * 4, l4;
	uint8_t *p;

	if (n < ETH_HLEN + sizeof(*iph) || ihl < sizeof(*iph) || n < ETH_HLEN + ihl)
		return;
	iph->check = 0;
	iph->check = ip_compute_csum(iph, ihl);
	if (ntohs(iph->tot_len) < ihl || (size_t)ETH_HLEN + ntohs(iph->tot_len) > n)
		return;
	l4 = ntohs(iph->tot_len) - ihl;
	p = (uint8_t *)iph + ihl;
	if (iph->protocol == IPPROTO_ICMP && l4 >= 4) {
		p[2] = p[3] = 0;
		*(uint16_t *)(p + 2) = ip_compute_csum(p, l4);
	} else if ((iph->protocol == IPPROTO_UDP && l4 >= 8) ||
		   (iph->protocol == IPPROTO_TCP && l4 >= 20)) {
		size_t off = iph->protocol == IPPROTO_UDP ? 6 : 16;

		p[off] = p[off + 1] = 0;
		*(uint16_t *)(p + off) = csum_tcpudp_magic(iph->saddr, iph->daddr, l4,
							   iph->protocol, csum_partial(p, l4, 0));
	}
}

static size_t seed_frame(uint8_t *buf, unsigned int kind)
{
	uint8_t l4[64] = {0};
	struct arphdr a = {
		.ar_hrd = htons(ARPHRD_ETHER),
		.ar_pro = htons(ETH_P_IP),
		.ar_hln = 6,
		.ar_pln = 4,
		.ar_op = htons(ARPOP_REQUEST),
		.ar_sip = peer_ip,
		.ar_tip = our_ip,
	};
	size_t n;

	switch (kind % 4) {
	case 0:
		memcpy(a.ar_sha, peer_mac, ETH_ALEN);
		return fake_build_eth(buf, our_mac, peer_mac, ETH_P_ARP, &a, sizeof(a));
	case 1:
		l4[0] = ICMP_ECHO;
		n = fake_build_ip(buf, our_mac, peer_mac, peer_ip, our_ip, IPPROTO_ICMP, l4, 40);
		break;
	case 2:
		l4[1] = 7;    /* from port 7 */
		l4[2] = 0x13; /* to the bound port 0x1389 = 5001 */
		l4[3] = 0x89;
		l4[5] = 24;
		n = fake_build_ip(buf, our_mac, peer_mac, peer_ip, our_ip, IPPROTO_UDP, l4, 24);
		break;
	default:
		l4[1] = 7;
		l4[2] = 0x13;
		l4[3] = 0x89;
		l4[12] = 0x50; /* data offset 5 */
		l4[13] = 0x02; /* SYN */
		n = fake_build_ip(buf, our_mac, peer_mac, peer_ip, our_ip, IPPROTO_TCP, l4, 20);
		break;
	}
	fix_checksums(buf, n);
	return n;
}

static void test_mutated_frames(void **state)
{
	uint64_t base = skb_in_use();
	unsigned int i;

	(void)state;
	fake_random_seed(20261121);
	for (i = 0; i < ROUNDS; i++) {
		uint8_t frame[128];
		size_t n = seed_frame(frame, i), flips = net_random32() % 4 + 1, k;

		for (k = 0; k < flips; k++) {
			/* Mostly the headers: the first 14 + 20 + 20 bytes. */
			size_t at = net_random32() % (n < 54 ? n : 54);

			frame[at] = (uint8_t)net_random32();
		}
		if (net_random32() % 4 == 0)
			n = net_random32() % (n + 1);
		if (net_random32() % 2)
			fix_checksums(frame, n);
		fake_eth_inject(eth, frame, n);
		fake_run_softirqs();
		if (i % 64 == 0) {
			fake_eth_purge_tx(eth);
			fake_clock_advance(10);
		}
	}
	fake_eth_purge_tx(eth);
	arp_flush(NULL);
	/* Whatever the TCP layer still holds (half-open connections) times out. */
	fake_clock_advance(10 * 60 * 1000);
	fake_run_softirqs();
	fake_eth_purge_tx(eth);
	assert_int_equal(skb_in_use(), base);
	assert_int_equal(fake_net_lock_depth(), 0);
	print_message("ip in %llu, hdr errors %llu, delivered %llu; icmp echos %llu; udp %llu; "
		      "arp errors %llu\n",
		      (unsigned long long)ip_statistics.in_receives,
		      (unsigned long long)ip_statistics.in_hdr_errors,
		      (unsigned long long)ip_statistics.in_delivers,
		      (unsigned long long)icmp_statistics.in_echos,
		      (unsigned long long)udp_statistics.in_datagrams,
		      (unsigned long long)arp_statistics.rcv_errors);
	assert_true(ip_statistics.in_receives > ROUNDS / 2);
	assert_true(icmp_statistics.in_echos > 0);
	assert_true(udp_statistics.in_datagrams > 0);
	assert_true(ip_statistics.in_hdr_errors > 0);
	assert_true(ip_statistics.in_delivers > 0);
	assert_true(arp_statistics.rcv_errors > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutated_frames),
	};

	net_init();
	our_ip = inet_addr("10.0.2.15");
	peer_ip = inet_addr("10.0.2.2");
	eth = fake_eth_create_up("eth%d", our_mac, our_ip, inet_addr("255.255.255.0"));
	if (!eth || udp_bind_port(htons(5001), sink, NULL))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
