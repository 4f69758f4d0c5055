/*
 * IPv4 fragments: reassembly (in order, reversed, duplicated, overlapping,
 * oversized, timed out, over budget), fragmentation of every size around
 * the MTU, and the RFC 1624 incremental checksum update.
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
#include "net/udp.h"
#include "net/checksum.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"

#define PORT	   7777
#define MAX_DGRAM  65535
#define FRAG_UNIT  1480 /* payload of a full fragment on a 1500-byte link */
#define REASM_WAIT 30000

static struct net_device *eth;
static uint32_t our_ip, peer_ip;
static uint64_t skb_base;
static long mem_base;
static uint8_t dgram[MAX_DGRAM + 128]; /* a UDP datagram (header and data) to cut; room past it */
static uint8_t frame[ETH_HLEN + 60 + MAX_DGRAM];

static int group_setup(void **state)
{
	(void)state;
	eth = fake_net_init_eth(&our_ip, &peer_ip);
	if (!eth)
		return -1;
	return udp_bind_port(htons(PORT), fake_udp_sink, NULL);
}

static int setup(void **state)
{
	(void)state;
	arp_flush(NULL);
	fake_eth_learn_peer(eth, our_ip, peer_ip);
	fake_eth_purge_tx(eth);
	memset(&ip_statistics, 0, sizeof(ip_statistics));
	memset(&fake_udp_got, 0, sizeof(fake_udp_got));
	fake_clock_advance(1000); /* refills the ICMP error bucket */
	skb_base = skb_in_use();
	mem_base = fake_kmalloc_in_use();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ip_frag_flush();
	fake_eth_purge_tx(eth);
	assert_int_equal(ip_frag_mem(), 0);
	assert_int_equal(skb_in_use(), skb_base);
	assert_int_equal(fake_kmalloc_in_use(), mem_base);
	return 0;
}

/* A UDP datagram of len bytes (header included) from the peer to PORT. */
static void make_dgram(unsigned int len)
{
	struct udphdr *uh = (struct udphdr *)dgram;
	unsigned int i;

	for (i = sizeof(*uh); i < len; i++)
		dgram[i] = (uint8_t)(i * 7 + 3);
	uh->source = htons(1234);
	uh->dest = htons(PORT);
	uh->len = htons(len);
	uh->check = 0;
	uh->check =
		csum_tcpudp_magic(peer_ip, our_ip, len, IPPROTO_UDP, csum_partial(dgram, len, 0));
}

/* Injects bytes [off, off + len) of dgram as a fragment with identification id. */
static int inject_frag(uint16_t id, unsigned int off, unsigned int len, int mf)
{
	size_t n = fake_build_ip(frame, fake_our_mac, fake_peer_mac, peer_ip, our_ip, IPPROTO_UDP,
				 dgram + off, len);
	struct iphdr *iph = (struct iphdr *)(frame + ETH_HLEN);

	iph->id = htons(id);
	iph->frag_off = htons((mf ? IP_MF : 0) | (off / 8));
	iph->check = 0;
	iph->check = ip_compute_csum(iph, sizeof(*iph));
	return fake_eth_inject(eth, frame, n);
}

static void assert_delivered(unsigned int len)
{
	assert_int_equal(fake_udp_got.count, 1);
	assert_int_equal(fake_udp_got.len, len - sizeof(struct udphdr));
	assert_memory_equal(fake_udp_got.data, dgram + sizeof(struct udphdr), 64);
	assert_int_equal(ip_frag_mem(), 0);
}

static void test_in_order(void **state)
{
	unsigned int len = 4000, off;

	(void)state;
	make_dgram(len);
	for (off = 0; off < len; off += FRAG_UNIT) {
		assert_int_equal(fake_udp_got.count, 0);
		inject_frag(11, off, len - off < FRAG_UNIT ? len - off : FRAG_UNIT,
			    off + FRAG_UNIT < len);
	}
	assert_delivered(len);
	assert_int_equal(ip_statistics.reasm_reqds, 3);
	assert_int_equal(ip_statistics.reasm_oks, 1);
}

static void test_reversed_and_interleaved(void **state)
{
	unsigned int len = 3000;

	(void)state;
	make_dgram(len);
	inject_frag(12, 2400, 600, 0);
	inject_frag(13, 0, 800, 1); /* another datagram's first piece in between */
	inject_frag(12, 1600, 800, 1);
	inject_frag(12, 800, 800, 1);
	assert_int_equal(fake_udp_got.count, 0);
	inject_frag(12, 0, 800, 1);
	assert_int_equal(fake_udp_got.count, 1);
	assert_int_equal(fake_udp_got.len, len - 8);
	assert_true(ip_frag_mem() > 0); /* datagram 13 still waits */
}

static void test_duplicate_is_dropped_alone(void **state)
{
	unsigned int len = 2000;

	(void)state;
	make_dgram(len);
	inject_frag(14, 0, 1000, 1);
	inject_frag(14, 0, 1000, 1);
	assert_int_equal(ip_statistics.frag_drops, 1);
	inject_frag(14, 1000, 1000, 0);
	assert_delivered(len);
}

static void test_overlap_discards_the_datagram(void **state)
{
	unsigned int len = 3000;

	(void)state;
	make_dgram(len);
	inject_frag(15, 0, 1000, 1);
	inject_frag(15, 992, 1008, 1); /* 8 bytes over the first piece */
	assert_int_equal(ip_statistics.reasm_overlaps, 1);
	assert_int_equal(ip_statistics.reasm_fails, 1);
	/* RFC 5722: the pieces that come later are dropped too, even the right ones */
	inject_frag(15, 0, 1000, 1);
	inject_frag(15, 1000, 1000, 1);
	inject_frag(15, 2000, 1000, 0);
	assert_int_equal(fake_udp_got.count, 0);
	assert_int_equal(ip_statistics.frag_drops, 5);
	fake_clock_advance(REASM_WAIT + 1);
	assert_int_equal(ip_frag_mem(), 0);
	assert_null(fake_eth_pop_tx(eth)); /* no time exceeded for a discarded datagram */
}

static void test_oversized_is_refused(void **state)
{
	(void)state;
	make_dgram(1500);
	inject_frag(16, 0, 1480, 1);
	/* 65528 + 20 + 100 > 65535: the "ping of death" */
	assert_true(inject_frag(16, 65528, 100, 0) < 0);
	assert_int_equal(ip_statistics.reasm_fails, 1);
	assert_int_equal(ip_frag_mem(), 0);
	assert_int_equal(fake_udp_got.count, 0);
	/* the largest legal datagram still goes through: 65515 bytes after the header */
	make_dgram(MAX_DGRAM - 20);
	for (unsigned int off = 0; off < MAX_DGRAM - 20; off += FRAG_UNIT) {
		unsigned int n = MAX_DGRAM - 20 - off;

		inject_frag(17, off, n < FRAG_UNIT ? n : FRAG_UNIT, n > FRAG_UNIT);
	}
	assert_delivered(MAX_DGRAM - 20);
}

static void test_bad_lengths_dropped(void **state)
{
	(void)state;
	make_dgram(2000);
	assert_true(inject_frag(18, 0, 1001, 1) < 0); /* not a multiple of 8 with MF */
	assert_int_equal(ip_statistics.frag_drops, 1);
	assert_int_equal(ip_frag_mem(), 0);
	/* two different ends */
	inject_frag(18, 0, 1000, 1);
	inject_frag(18, 1200, 200, 0);
	inject_frag(18, 1400, 200, 0);
	assert_int_equal(ip_statistics.reasm_fails, 1);
	assert_int_equal(ip_frag_mem(), 0);
	/* an end before data already held */
	inject_frag(21, 0, 1000, 1);
	inject_frag(21, 400, 400, 0);
	assert_int_equal(ip_statistics.reasm_fails, 2);
	assert_int_equal(ip_frag_mem(), 0);
	assert_int_equal(fake_udp_got.count, 0);
}

static void test_timeout_sends_time_exceeded(void **state)
{
	struct sk_buff *skb;
	const struct iphdr *iph, *inner;
	const struct icmphdr *ic;

	(void)state;
	make_dgram(3000);
	inject_frag(19, 0, 1480, 1);
	inject_frag(20, 1480, 1480, 0); /* no first fragment: no ICMP (RFC 1122 3.3.2) */
	fake_clock_advance(REASM_WAIT - 10);
	assert_null(fake_eth_pop_tx(eth));
	fake_clock_advance(20);
	assert_int_equal(ip_statistics.reasm_timeout, 2);
	assert_int_equal(ip_frag_mem(), 0);
	/* 30 s also aged the peer's ARP entry: its refresh request may come first */
	while ((skb = fake_eth_pop_tx(eth)) &&
	       ((struct ethhdr *)skb->data)->h_proto != htons(ETH_P_IP))
		kfree_skb(skb);
	assert_non_null(skb);
	iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	ic = (const struct icmphdr *)(iph + 1);
	inner = (const struct iphdr *)(ic + 1);
	assert_int_equal(iph->protocol, IPPROTO_ICMP);
	assert_int_equal(iph->daddr, peer_ip);
	assert_int_equal(ic->type, ICMP_TIME_EXCEEDED);
	assert_int_equal(ic->code, ICMP_EXC_FRAGTIME);
	assert_int_equal(ntohs(inner->id), 19);
	assert_int_equal(ntohs(iph->tot_len), 20 + 8 + 20 + 8); /* header + 64 bits of data */
	kfree_skb(skb);
	while ((skb = fake_eth_pop_tx(eth))) {
		assert_int_not_equal(((struct ethhdr *)skb->data)->h_proto, htons(ETH_P_IP));
		kfree_skb(skb); /* one time exceeded only */
	}
}

static void test_memory_budget_per_source(void **state)
{
	uint16_t id;

	(void)state;
	make_dgram(3000);
	for (id = 100; id < 300; id++)
		inject_frag(id, 0, FRAG_UNIT, 1);
	/* one source cannot hold more than its share: 200 * 1480 bytes were offered */
	assert_true(ip_frag_mem() <= 160 * 1024);
	assert_true(ip_statistics.reasm_fails > 0);
	/* and what was held still completes */
	inject_frag(100, FRAG_UNIT, 3000 - FRAG_UNIT, 0);
	assert_int_equal(fake_udp_got.count, 1);
}

/*
 * Takes what eth sent and checks it is the UDP datagram of ulen bytes
 * (header included) carrying dgram's data, cut to the MTU: offsets
 * contiguous, MF on all but the last, 8-byte units, valid header
 * checksums, no DF, as few fragments as the MTU allows.
 */
static void check_fragments(unsigned int ulen, unsigned int mtu)
{
	static uint8_t got[MAX_DGRAM];
	unsigned int next = 0, n = 0, hdr = sizeof(struct iphdr), unit = (mtu - hdr) & ~7u;
	struct sk_buff *skb;
	int last = 0;

	while ((skb = fake_eth_pop_tx(eth))) {
		const struct iphdr *iph = (const struct iphdr *)(skb->data + ETH_HLEN);
		unsigned int fo = ntohs(iph->frag_off), plen = ntohs(iph->tot_len) - hdr;

		assert_false(last);
		assert_true(ntohs(iph->tot_len) <= mtu);
		assert_int_equal(ip_compute_csum(iph, hdr), 0);
		assert_false(fo & IP_DF);
		assert_int_equal((fo & IP_OFFSET) * 8, next);
		if (fo & IP_MF)
			assert_int_equal(plen % 8, 0);
		else
			last = 1;
		memcpy(got + next, (const uint8_t *)iph + hdr, plen);
		next += plen;
		n++;
		kfree_skb(skb);
	}
	assert_true(last);
	assert_int_equal(next, ulen);
	assert_int_equal(ntohs(((const struct udphdr *)got)->len), ulen);
	assert_memory_equal(got + 8, dgram + 8, ulen - 8);
	assert_int_equal(n, ulen + hdr <= mtu ? 1 : (ulen + unit - 1) / unit);
}

static void test_fragmentation_around_the_mtu(void **state)
{
	static const unsigned int mtus[] = {1500, 1006, 576, 68};
	unsigned int m, ulen;

	(void)state;
	make_dgram(MAX_DGRAM - 20);
	for (m = 0; m < sizeof(mtus) / sizeof(mtus[0]); m++) {
		eth->mtu = mtus[m];
		for (ulen = mtus[m] - 40; ulen <= mtus[m] + 40; ulen++) {
			assert_int_equal(
				udp_sendmsg(0, htons(1234), peer_ip, htons(9), dgram + 8, ulen - 8),
				ulen - 8);
			check_fragments(ulen, mtus[m]);
		}
	}
	eth->mtu = 1500;
	/* the largest datagram there is */
	assert_int_equal(udp_sendmsg(0, htons(1234), peer_ip, htons(9), dgram + 8, MAX_DGRAM - 28),
			 MAX_DGRAM - 28);
	check_fragments(MAX_DGRAM - 20, 1500);
	assert_int_equal(udp_sendmsg(0, htons(1234), peer_ip, htons(9), dgram + 8, MAX_DGRAM - 27),
			 -EMSGSIZE);
	assert_true(ip_statistics.frag_oks > 0);
	assert_int_equal(ip_statistics.frag_fails, 0);
}

/* A TCP-like datagram with DF is never cut: refused at the MTU (RFC 1191). */
static void test_df_is_not_fragmented(void **state)
{
	struct sk_buff *skb = alloc_skb(MAX_HEADER_LEN + 1600);

	(void)state;
	skb_reserve(skb, MAX_HEADER_LEN);
	skb_put(skb, 1600);
	assert_int_equal(ip_send_datagram(skb, NULL, 0, peer_ip, 253, IP_DF, 0), -EMSGSIZE);
	assert_null(fake_eth_pop_tx(eth));
}

/* Our fragments, turned around, reassemble into what was sent. */
static void test_own_fragments_reassemble(void **state)
{
	struct sk_buff *skb;
	unsigned int ulen = 5000;

	(void)state;
	make_dgram(ulen);
	assert_int_equal(udp_sendmsg(0, htons(1234), peer_ip, htons(PORT), dgram + 8, ulen - 8),
			 ulen - 8);
	while ((skb = fake_eth_pop_tx(eth))) {
		struct ethhdr *e = (struct ethhdr *)skb->data;
		struct iphdr *iph = (struct iphdr *)(e + 1);
		struct udphdr *uh = (struct udphdr *)(iph + 1);
		uint32_t a = iph->saddr;

		memcpy(e->h_dest, fake_our_mac, ETH_ALEN);
		memcpy(e->h_source, fake_peer_mac, ETH_ALEN);
		iph->saddr = iph->daddr;
		iph->daddr = a;
		if (!(ntohs(iph->frag_off) & IP_OFFSET))
			uh->check = 0; /* the addresses swapped: no UDP checksum (RFC 768) */
		fake_eth_inject(eth, skb->data, skb->len);
		kfree_skb(skb);
	}
	assert_delivered(ulen);
}

/* RFC 1624: the incremental update equals a full recomputation. */
static void test_incremental_checksum(void **state)
{
	uint8_t hdr[20];
	int round, i;

	(void)state;
	fake_random_seed(1624);
	for (round = 0; round < 20000; round++) {
		struct iphdr *iph = (struct iphdr *)hdr;
		uint16_t old, new, check;
		int w;

		for (i = 0; i < 20; i++)
			hdr[i] = (uint8_t)net_random32();
		if (round < 16)
			memset(hdr, round & 1 ? 0xff : 0, 20); /* the carry corner cases */
		iph->check = 0;
		iph->check = ip_compute_csum(hdr, 20);
		w = (int)(net_random32() % 10);
		if (w == 5)
			continue; /* the checksum word itself */
		memcpy(&old, hdr + 2 * w, 2);
		new = (uint16_t)net_random32();
		if (round % 3 == 0)
			new = (uint16_t)~old;
		memcpy(hdr + 2 * w, &new, 2);
		check = iph->check;
		csum_replace2(&check, old, new);
		iph->check = 0;
		/* RFC 1624 3: the one result that may differ is +0 against -0 (0x0000 / 0xffff) */
		if (check != ip_compute_csum(hdr, 20))
			assert_true(check == 0xffff || check == 0);
		iph->check = check;
		assert_int_equal(ip_compute_csum(hdr, 20), 0);
	}
	/* ip_decrease_ttl over every TTL */
	for (i = 255; i > 0; i--) {
		struct iphdr *iph = (struct iphdr *)hdr;

		iph->ttl = (uint8_t)i;
		iph->check = 0;
		iph->check = ip_compute_csum(hdr, 20);
		ip_decrease_ttl(iph);
		assert_int_equal(iph->ttl, i - 1);
		assert_int_equal(ip_compute_csum(hdr, 20), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_in_order),
		T(test_reversed_and_interleaved),
		T(test_duplicate_is_dropped_alone),
		T(test_overlap_discards_the_datagram),
		T(test_oversized_is_refused),
		T(test_bad_lengths_dropped),
		T(test_timeout_sends_time_exceeded),
		T(test_memory_budget_per_source),
		T(test_fragmentation_around_the_mtu),
		T(test_df_is_not_fragmented),
		T(test_own_fragments_reassemble),
		T(test_incremental_checksum),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
