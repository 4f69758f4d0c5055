/*
 * Forwarding decisions (net/ip_forward.c) between two fake interfaces:
 * eth0 10.0.2.15/24 (host A = 10.0.2.2) and eth1 10.3.0.1/24 (host B =
 * 10.3.0.2): off by default, TTL and checksum, time exceeded, net and host
 * unreachable, DF against the MTU, fragmentation, martians, broadcasts,
 * counters, the ICMP rate limit.
 */
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
#include "net/checksum.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"

static const uint8_t mac1[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x57};
static const uint8_t mac_b[ETH_ALEN] = {0x52, 0x54, 0x00, 0xbb, 0xbb, 0xbb};
static struct net_device *eth0, *eth1;
static uint32_t our_ip, host_a, host_b, eth1_ip;
static uint64_t skb_base;
static uint8_t frame[ETH_HLEN + 2000];
static uint8_t payload[2000];

static int group_setup(void **state)
{
	(void)state;
	eth0 = fake_net_init_eth(&our_ip, &host_a);
	eth1_ip = inet_addr("10.3.0.1");
	host_b = inet_addr("10.3.0.2");
	eth1 = fake_eth_create_up("eth%d", mac1, eth1_ip, inet_addr("255.255.255.0"));
	return eth0 && eth1 ? 0 : -1;
}

static void learn(struct net_device *dev, const uint8_t *dev_mac, uint32_t dev_ip,
		  const uint8_t *mac, uint32_t ip)
{
	uint8_t f[64];

	fake_eth_inject(dev, f, fake_build_arp(f, dev_mac, ARPOP_REPLY, mac, ip, dev_mac, dev_ip));
}

static int setup(void **state)
{
	(void)state;
	arp_flush(NULL);
	learn(eth0, fake_our_mac, our_ip, fake_peer_mac, host_a);
	learn(eth1, mac1, eth1_ip, mac_b, host_b);
	fake_eth_purge_tx(eth0);
	fake_eth_purge_tx(eth1);
	memset(&ip_statistics, 0, sizeof(ip_statistics));
	memset(&icmp_statistics, 0, sizeof(icmp_statistics));
	memset(&eth0->stats, 0, sizeof(eth0->stats));
	memset(&eth1->stats, 0, sizeof(eth1->stats));
	eth1->mtu = 1500;
	sysctl_ip_forward = 1;
	fake_clock_advance(1000); /* refills the ICMP error bucket */
	skb_base = skb_in_use();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sysctl_ip_forward = 0;
	fake_eth_purge_tx(eth0);
	fake_eth_purge_tx(eth1);
	assert_int_equal(skb_in_use(), skb_base);
	return 0;
}

/* A datagram from saddr to daddr entering eth0 from A's MAC (dst_mac: ours unless given). */
static struct iphdr *build(uint32_t saddr, uint32_t daddr, size_t len, size_t *n)
{
	struct iphdr *iph = (struct iphdr *)(frame + ETH_HLEN);
	size_t i;

	for (i = 0; i < len; i++)
		payload[i] = (uint8_t)i;
	*n = fake_build_ip(frame, fake_our_mac, fake_peer_mac, saddr, daddr, 253, payload, len);
	return iph;
}

static void fix_check(struct iphdr *iph)
{
	iph->check = 0;
	iph->check = ip_compute_csum(iph, sizeof(*iph));
}

/* The next IPv4 frame dev sent (ARP requests skipped), or NULL. */
static struct sk_buff *pop_ip(struct net_device *dev)
{
	struct sk_buff *skb;

	while ((skb = fake_eth_pop_tx(dev)) &&
	       ((struct ethhdr *)skb->data)->h_proto != htons(ETH_P_IP))
		kfree_skb(skb);
	return skb;
}

/* Pops the ICMP error sent back to A on eth0 and checks its type, code and quote. */
static const struct icmphdr *expect_icmp(struct sk_buff **skbp, uint8_t type, uint8_t code)
{
	struct sk_buff *skb = pop_ip(eth0);
	const struct iphdr *iph;
	const struct icmphdr *ic;
	const struct iphdr *inner;

	assert_non_null(skb);
	iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	ic = (const struct icmphdr *)(iph + 1);
	inner = (const struct iphdr *)(ic + 1);
	assert_int_equal(iph->protocol, IPPROTO_ICMP);
	assert_int_equal(iph->saddr, our_ip); /* the interface towards A (RFC 1812 4.3.2.4) */
	assert_int_equal(iph->daddr, host_a);
	assert_int_equal(ic->type, type);
	assert_int_equal(ic->code, code);
	assert_int_equal(inner->saddr, host_a);
	assert_int_equal(ip_compute_csum(ic, ntohs(iph->tot_len) - sizeof(*iph)), 0);
	*skbp = skb;
	return ic;
}

static void test_off_by_default_is_dropped(void **state)
{
	size_t n;

	(void)state;
	sysctl_ip_forward = 0;
	build(host_a, host_b, 100, &n);
	assert_true(fake_eth_inject(eth0, frame, n) < 0);
	assert_null(pop_ip(eth1));
	assert_null(pop_ip(eth0));
	assert_int_equal(ip_statistics.in_addr_errors, 1);
	assert_int_equal(ip_statistics.forw_datagrams, 0);
}

static void test_forwarded_with_ttl_and_checksum(void **state)
{
	struct sk_buff *skb;
	const struct ethhdr *e;
	const struct iphdr *iph;
	size_t n;

	(void)state;
	build(host_a, host_b, 100, &n);
	assert_int_equal(fake_eth_inject(eth0, frame, n), 0);
	skb = pop_ip(eth1);
	assert_non_null(skb);
	e = (const struct ethhdr *)skb->data;
	iph = (const struct iphdr *)(e + 1);
	assert_memory_equal(e->h_dest, mac_b, ETH_ALEN);
	assert_memory_equal(e->h_source, mac1, ETH_ALEN);
	assert_int_equal(iph->ttl, IP_DEFAULT_TTL - 1);
	assert_int_equal(ip_compute_csum(iph, sizeof(*iph)), 0);
	assert_int_equal(iph->saddr, host_a);
	assert_int_equal(iph->daddr, host_b);
	assert_int_equal(ntohs(iph->frag_off), IP_DF);
	assert_memory_equal(iph + 1, payload, 100);
	kfree_skb(skb);
	assert_int_equal(ip_statistics.forw_datagrams, 1);
	assert_int_equal(eth0->stats.forw_in, 1);
	assert_int_equal(eth1->stats.forw_out, 1);
	assert_null(pop_ip(eth0));
}

static void test_ttl_runs_out(void **state)
{
	struct sk_buff *skb;
	struct iphdr *iph;
	size_t n;
	int ttl;

	(void)state;
	for (ttl = 0; ttl <= 1; ttl++) {
		iph = build(host_a, host_b, 100, &n);
		iph->ttl = (uint8_t)ttl;
		fix_check(iph);
		fake_eth_inject(eth0, frame, n);
		assert_null(pop_ip(eth1));
		expect_icmp(&skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL);
		kfree_skb(skb);
	}
	/* TTL 2 goes on with 1 */
	iph = build(host_a, host_b, 100, &n);
	iph->ttl = 2;
	fix_check(iph);
	fake_eth_inject(eth0, frame, n);
	skb = pop_ip(eth1);
	assert_non_null(skb);
	assert_int_equal(((struct iphdr *)(skb->data + ETH_HLEN))->ttl, 1);
	kfree_skb(skb);
	assert_int_equal(eth0->stats.forw_errors, 2);
	assert_int_equal(icmp_statistics.out_time_excds, 2);
}

static void test_no_route_is_net_unreachable(void **state)
{
	struct sk_buff *skb;
	size_t n;

	(void)state;
	build(host_a, inet_addr("10.9.9.9"), 100, &n);
	fake_eth_inject(eth0, frame, n);
	expect_icmp(&skb, ICMP_DEST_UNREACH, ICMP_NET_UNREACH);
	kfree_skb(skb);
	assert_null(pop_ip(eth1));
}

static void test_arp_failure_is_host_unreachable(void **state)
{
	struct sk_buff *skb;
	size_t n;

	(void)state;
	build(host_a, inet_addr("10.3.0.77"), 100, &n);
	fake_eth_inject(eth0, frame, n);
	assert_null(pop_ip(eth1)); /* waiting for ARP */
	fake_clock_advance(ARP_RETRY_MS * (ARP_MAX_PROBES + 1));
	expect_icmp(&skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH);
	kfree_skb(skb);
}

static void test_df_larger_than_the_mtu(void **state)
{
	struct sk_buff *skb;
	const struct icmphdr *ic;
	size_t n;

	(void)state;
	eth1->mtu = 1000;
	build(host_a, host_b, 1400, &n);
	fake_eth_inject(eth0, frame, n);
	assert_null(pop_ip(eth1));
	ic = expect_icmp(&skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED);
	assert_int_equal(ntohs(ic->un.frag.mtu), 1000); /* RFC 1191 4 */
	kfree_skb(skb);
	/* exactly the MTU passes */
	build(host_a, host_b, 1000 - 20, &n);
	fake_eth_inject(eth0, frame, n);
	skb = pop_ip(eth1);
	assert_non_null(skb);
	kfree_skb(skb);
}

static void test_without_df_fragmented(void **state)
{
	struct sk_buff *skb;
	struct iphdr *iph;
	unsigned int got = 0, frags = 0;
	size_t n;

	(void)state;
	eth1->mtu = 1000;
	iph = build(host_a, host_b, 1400, &n);
	iph->frag_off = 0;
	fix_check(iph);
	fake_eth_inject(eth0, frame, n);
	while ((skb = pop_ip(eth1))) {
		const struct iphdr *f = (const struct iphdr *)(skb->data + ETH_HLEN);
		unsigned int plen = ntohs(f->tot_len) - sizeof(*f);

		assert_true(ntohs(f->tot_len) <= 1000);
		assert_int_equal(f->ttl, IP_DEFAULT_TTL - 1);
		assert_int_equal(ip_compute_csum(f, sizeof(*f)), 0);
		assert_int_equal((ntohs(f->frag_off) & IP_OFFSET) * 8, got);
		assert_memory_equal(f + 1, payload + got, plen);
		got += plen;
		frags++;
		kfree_skb(skb);
	}
	assert_int_equal(got, 1400);
	assert_int_equal(frags, 2);
	assert_null(pop_ip(eth0));
}

static void test_martians_not_forwarded(void **state)
{
	static const char *const src[] = {"0.1.2.3", "240.0.0.1", "169.254.1.1"};
	static const char *const dst[] = {"0.0.0.1",	     "240.1.2.3", "169.254.9.9",
					  "255.255.255.255", "224.0.0.9", "127.0.0.1"};
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		assert_true(ip_forward_martian(inet_addr(src[i]), host_b));
		build(inet_addr(src[i]), host_b, 64, &n);
		fake_eth_inject(eth0, frame, n);
	}
	for (i = 0; i < sizeof(dst) / sizeof(dst[0]); i++) {
		if (strcmp(dst[i], "255.255.255.255") && strcmp(dst[i], "224.0.0.9"))
			assert_true(ip_forward_martian(host_a, inet_addr(dst[i])));
		build(host_a, inet_addr(dst[i]), 64, &n);
		fake_eth_inject(eth0, frame, n);
	}
	assert_false(ip_forward_martian(host_a, host_b));
	assert_null(pop_ip(eth1));
	assert_null(pop_ip(eth0)); /* and no ICMP about them */
	assert_true(ip_statistics.in_martians >= 5);
	assert_int_equal(ip_statistics.forw_datagrams, 0);
}

static void test_broadcasts_not_forwarded(void **state)
{
	size_t n;

	(void)state;
	/* a unicast datagram in a link-layer broadcast frame (RFC 1812 5.3.4) */
	build(host_a, host_b, 64, &n);
	memcpy(frame, fake_bcast_mac, ETH_ALEN);
	fake_eth_inject(eth0, frame, n);
	/* the other network's directed broadcast (RFC 2644) */
	build(host_a, inet_addr("10.3.0.255"), 64, &n);
	fake_eth_inject(eth0, frame, n);
	assert_null(pop_ip(eth1));
	assert_null(pop_ip(eth0));
}

static void test_icmp_errors_rate_limited(void **state)
{
	struct sk_buff *skb;
	struct iphdr *iph;
	int i, sent = 0;
	size_t n;

	(void)state;
	for (i = 0; i < 3 * ICMP_ERR_BURST; i++) {
		iph = build(host_a, host_b, 64, &n);
		iph->ttl = 1;
		fix_check(iph);
		fake_eth_inject(eth0, frame, n);
	}
	while ((skb = pop_ip(eth0))) {
		sent++;
		kfree_skb(skb);
	}
	assert_int_equal(sent, ICMP_ERR_BURST);
	assert_int_equal(icmp_statistics.out_rate_limited, 2 * ICMP_ERR_BURST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_off_by_default_is_dropped),
		T(test_forwarded_with_ttl_and_checksum),
		T(test_ttl_runs_out),
		T(test_no_route_is_net_unreachable),
		T(test_arp_failure_is_host_unreachable),
		T(test_df_larger_than_the_mtu),
		T(test_without_df_fragmented),
		T(test_martians_not_forwarded),
		T(test_broadcasts_not_forwarded),
		T(test_icmp_errors_rate_limited),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
