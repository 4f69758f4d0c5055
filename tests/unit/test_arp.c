/* ARP: replies, the cache (learning, aging, expiry), resolution queue, retries, bad input. */
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

static struct net_device *eth;
static uint32_t our_ip, peer_ip, other_ip;
static uint64_t skb_base;

static int group_setup(void **state)
{
	(void)state;
	other_ip = inet_addr("10.0.2.99");
	eth = fake_net_init_eth(&our_ip, &peer_ip);
	return eth ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	arp_flush(NULL);
	fake_eth_purge_tx(eth);
	memset(&arp_statistics, 0, sizeof(arp_statistics));
	memset(&icmp_statistics, 0, sizeof(icmp_statistics));
	memset(&eth->stats, 0, sizeof(eth->stats));
	skb_base = skb_in_use();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arp_flush(NULL);
	fake_eth_purge_tx(eth);
	assert_int_equal(skb_in_use(), skb_base);
	assert_int_equal(fake_timers_pending(), 0);
	return 0;
}

/* The next transmitted frame must be an ARP packet; returns its header (skb kept in *out). */
static const struct arphdr *pop_arp(struct sk_buff **out)
{
	struct sk_buff *skb = fake_eth_pop_tx(eth);
	const struct ethhdr *e;

	assert_non_null(skb);
	assert_int_equal(skb->len, ETH_ZLEN); /* 42 bytes padded to the minimum */
	e = (const struct ethhdr *)skb->data;
	assert_int_equal(ntohs(e->h_proto), ETH_P_ARP);
	assert_memory_equal(e->h_source, fake_our_mac, ETH_ALEN);
	*out = skb;
	return (const struct arphdr *)(skb->data + ETH_HLEN);
}

static void assert_request_for(uint32_t tip)
{
	struct sk_buff *skb;
	const struct arphdr *a = pop_arp(&skb);

	assert_memory_equal(((const struct ethhdr *)skb->data)->h_dest, fake_bcast_mac, ETH_ALEN);
	assert_int_equal(ntohs(a->ar_op), ARPOP_REQUEST);
	assert_int_equal(a->ar_sip, our_ip);
	assert_int_equal(a->ar_tip, tip);
	kfree_skb(skb);
}

/* An skb as ip_finish_output hands it to ARP: data at the IP header, tagged by its TOS. */
static struct sk_buff *ip_packet(uint8_t tag)
{
	struct sk_buff *skb = alloc_skb(MAX_HEADER_LEN + 40);
	struct iphdr *iph;

	skb_reserve(skb, MAX_HEADER_LEN);
	skb_reset_network_header(skb);
	iph = (struct iphdr *)skb_put(skb, 40);
	memset(iph, 0, 40);
	iph->ihl_version = 0x45;
	iph->tos = tag;
	iph->tot_len = htons(40);
	iph->ttl = IP_DEFAULT_TTL;
	iph->protocol = 253; /* RFC 3692 experimentation */
	iph->saddr = our_ip;
	iph->daddr = peer_ip;
	iph->check = ip_compute_csum(iph, 20);
	skb->dev = eth;
	return skb;
}

static void assert_ip_frame_to_peer(uint8_t tag)
{
	struct sk_buff *skb = fake_eth_pop_tx(eth);
	const struct ethhdr *e;

	assert_non_null(skb);
	e = (const struct ethhdr *)skb->data;
	assert_int_equal(ntohs(e->h_proto), ETH_P_IP);
	assert_memory_equal(e->h_dest, fake_peer_mac, ETH_ALEN);
	assert_int_equal(skb->data[ETH_HLEN + 1], tag);
	kfree_skb(skb);
}

static int find_entry(uint32_t ip, struct arp_entry_info *out)
{
	struct arp_entry_info all[ARP_CACHE_SIZE];
	int i, n = arp_cache_dump(all, ARP_CACHE_SIZE);

	for (i = 0; i < n; i++) {
		if (all[i].ip == ip) {
			*out = all[i];
			return 1;
		}
	}
	return 0;
}

static void test_request_gets_reply_and_learns_sender(void **state)
{
	uint8_t frame[64];
	size_t n = fake_build_arp(frame, fake_bcast_mac, ARPOP_REQUEST, fake_peer_mac, peer_ip,
				  (uint8_t[6]){0}, our_ip);
	struct arp_entry_info ei;
	const struct arphdr *a;
	struct sk_buff *skb;

	(void)state;
	assert_int_equal(fake_eth_inject(eth, frame, n), 0);
	a = pop_arp(&skb);
	assert_memory_equal(((const struct ethhdr *)skb->data)->h_dest, fake_peer_mac, ETH_ALEN);
	assert_int_equal(ntohs(a->ar_op), ARPOP_REPLY);
	assert_memory_equal(a->ar_sha, fake_our_mac, ETH_ALEN);
	assert_int_equal(a->ar_sip, our_ip);
	assert_memory_equal(a->ar_tha, fake_peer_mac, ETH_ALEN);
	assert_int_equal(a->ar_tip, peer_ip);
	kfree_skb(skb);
	assert_null(fake_eth_pop_tx(eth));

	assert_true(find_entry(peer_ip, &ei));
	assert_int_equal(ei.state, ARP_REACHABLE);
	assert_memory_equal(ei.mac, fake_peer_mac, ETH_ALEN);
	assert_string_equal(ei.dev, eth->name);
	assert_int_equal(arp_statistics.requests_rcvd, 1);
	assert_int_equal(arp_statistics.replies_sent, 1);
}

static void test_request_for_other_host_ignored(void **state)
{
	uint8_t frame[64];
	size_t n = fake_build_arp(frame, fake_bcast_mac, ARPOP_REQUEST, fake_peer_mac, peer_ip,
				  (uint8_t[6]){0}, other_ip);
	struct arp_entry_info ei;

	(void)state;
	fake_eth_inject(eth, frame, n);
	assert_int_equal(fake_eth_tx_len(eth), 0);
	assert_false(find_entry(peer_ip, &ei)); /* RFC 826: not for us, not learned */
}

static void test_resolution_queues_then_flushes_on_reply(void **state)
{
	uint8_t frame[64];
	struct arp_entry_info ei;
	size_t n;
	int i;

	(void)state;
	assert_int_equal(arp_output(ip_packet(1), eth, peer_ip), 0);
	assert_request_for(peer_ip);
	assert_true(find_entry(peer_ip, &ei));
	assert_int_equal(ei.state, ARP_INCOMPLETE);
	assert_int_equal(ei.queued, 1);

	/* More packets queue without new requests; the oldest beyond the limit is dropped. */
	for (i = 2; i <= ARP_QUEUE_LEN + 1; i++)
		assert_int_equal(arp_output(ip_packet(i), eth, peer_ip), 0);
	assert_int_equal(fake_eth_tx_len(eth), 0);
	assert_true(find_entry(peer_ip, &ei));
	assert_int_equal(ei.queued, ARP_QUEUE_LEN);
	assert_int_equal(arp_statistics.queue_drops, 1);

	n = fake_build_arp(frame, fake_our_mac, ARPOP_REPLY, fake_peer_mac, peer_ip, fake_our_mac,
			   our_ip);
	fake_eth_inject(eth, frame, n);
	for (i = 2; i <= ARP_QUEUE_LEN + 1; i++)
		assert_ip_frame_to_peer(i);
	assert_null(fake_eth_pop_tx(eth));
	assert_true(find_entry(peer_ip, &ei));
	assert_int_equal(ei.state, ARP_REACHABLE);
	assert_int_equal(ei.queued, 0);
	assert_int_equal(fake_timers_pending(), 0); /* retry timer stopped */

	/* Resolved: the next packet goes straight out. */
	arp_output(ip_packet(9), eth, peer_ip);
	assert_ip_frame_to_peer(9);
}

static void test_retries_then_gives_up(void **state)
{
	struct arp_entry_info ei;
	int i;

	(void)state;
	arp_output(ip_packet(1), eth, other_ip);
	arp_output(ip_packet(2), eth, other_ip);
	assert_request_for(other_ip);
	for (i = 1; i < ARP_MAX_PROBES; i++) {
		fake_clock_advance(ARP_RETRY_MS - 1);
		assert_int_equal(fake_eth_tx_len(eth), 0);
		fake_clock_advance(1);
		assert_request_for(other_ip);
	}
	assert_true(find_entry(other_ip, &ei));
	fake_clock_advance(ARP_RETRY_MS);
	assert_int_equal(fake_eth_tx_len(eth), 0);
	assert_false(find_entry(other_ip, &ei));
	assert_int_equal(arp_statistics.requests_sent, ARP_MAX_PROBES);
	assert_int_equal(arp_statistics.resolve_failed, 1);
	assert_int_equal(arp_statistics.queue_drops, 2);
	/* Each dropped packet's sender (us) hears "host unreachable", through lo. */
	assert_int_equal(icmp_statistics.out_dest_unreachs, 2);
	assert_true(fake_rx_softirq_pending());
	fake_run_softirqs();
	assert_int_equal(icmp_statistics.in_dest_unreachs, 2);
	assert_int_equal(skb_in_use(), skb_base); /* queued packets freed */
}

static void test_aging_stale_and_expiry(void **state)
{
	uint8_t frame[64];
	struct arp_entry_info ei;
	size_t n = fake_build_arp(frame, fake_our_mac, ARPOP_REPLY, fake_peer_mac, peer_ip,
				  fake_our_mac, our_ip);

	(void)state;
	fake_eth_inject(eth, frame, n); /* unsolicited but for us: learned */
	assert_true(find_entry(peer_ip, &ei));

	fake_clock_advance(ARP_REACHABLE_MS - 1);
	arp_output(ip_packet(1), eth, peer_ip);
	assert_ip_frame_to_peer(1);
	assert_null(fake_eth_pop_tx(eth)); /* fresh: no request */

	fake_clock_advance(1);
	assert_true(find_entry(peer_ip, &ei));
	assert_int_equal(ei.state, ARP_STALE);
	assert_int_equal(ei.age_ms, ARP_REACHABLE_MS);
	arp_output(ip_packet(2), eth, peer_ip); /* stale: used, and re-asked */
	assert_request_for(peer_ip);
	assert_ip_frame_to_peer(2);

	/* A reply refreshes it. */
	fake_eth_inject(eth, frame, n);
	assert_true(find_entry(peer_ip, &ei));
	assert_int_equal(ei.state, ARP_REACHABLE);
	assert_int_equal(ei.age_ms, 0);

	fake_clock_set(fake_clock_ms() + ARP_EXPIRE_MS);
	assert_false(find_entry(peer_ip, &ei)); /* expired and removed */
	arp_output(ip_packet(3), eth, peer_ip);
	assert_request_for(peer_ip);
	assert_true(find_entry(peer_ip, &ei));
	assert_int_equal(ei.state, ARP_INCOMPLETE);
}

static void test_update_existing_on_any_arp(void **state)
{
	static const uint8_t new_mac[ETH_ALEN] = {0x02, 0, 0, 0, 0, 0x22};
	uint8_t frame[64];
	struct arp_entry_info ei;
	size_t n = fake_build_arp(frame, fake_our_mac, ARPOP_REPLY, fake_peer_mac, peer_ip,
				  fake_our_mac, our_ip);

	(void)state;
	fake_eth_inject(eth, frame, n);
	/* A gratuitous ARP from the peer with a new MAC (RFC 826 merge). */
	n = fake_build_arp(frame, fake_bcast_mac, ARPOP_REQUEST, new_mac, peer_ip, (uint8_t[6]){0},
			   peer_ip);
	fake_eth_inject(eth, frame, n);
	assert_int_equal(fake_eth_tx_len(eth), 0);
	assert_true(find_entry(peer_ip, &ei));
	assert_memory_equal(ei.mac, new_mac, ETH_ALEN);
}

static void test_gratuitous_arp_on_open(void **state)
{
	static const uint8_t mac2[ETH_ALEN] = {0x52, 0x54, 0, 0, 0, 0x99};
	struct net_device *d = fake_eth_create("eth%d", mac2);
	uint32_t ip2 = inet_addr("192.168.7.1");
	const struct arphdr *a;
	struct sk_buff *skb;

	(void)state;
	assert_non_null(d);
	assert_string_equal(d->name, "eth1");
	assert_int_equal(inet_set_addr(d, ip2, inet_addr("255.255.255.0")), 0);
	assert_int_equal(fake_eth_tx_len(d), 0); /* down: nothing sent */
	assert_int_equal(dev_open(d), 0);
	assert_true(d->flags & IFF_UP);
	skb = fake_eth_pop_tx(d);
	assert_non_null(skb);
	assert_memory_equal(((const struct ethhdr *)skb->data)->h_dest, fake_bcast_mac, ETH_ALEN);
	a = (const struct arphdr *)(skb->data + ETH_HLEN);
	assert_int_equal(ntohs(a->ar_op), ARPOP_REQUEST);
	assert_int_equal(a->ar_sip, ip2);
	assert_int_equal(a->ar_tip, ip2); /* RFC 5227 3: announcement */
	assert_memory_equal(a->ar_sha, mac2, ETH_ALEN);
	kfree_skb(skb);

	/* Closing drops its entries (and their queued packets). */
	skb = alloc_skb(MAX_HEADER_LEN);
	skb_reserve(skb, MAX_HEADER_LEN);
	arp_output(skb, d, inet_addr("192.168.7.2"));
	fake_eth_purge_tx(d);
	assert_int_equal(dev_close(d), 0);
	assert_false(d->flags & IFF_UP);
	assert_int_equal(arp_cache_dump((struct arp_entry_info[ARP_CACHE_SIZE]){0}, ARP_CACHE_SIZE),
			 0);
	inet_set_addr(d, 0, 0);
}

static void test_malformed_dropped(void **state)
{
	uint8_t frame[64];
	struct arphdr *a = (struct arphdr *)(frame + ETH_HLEN);
	struct arp_entry_info ei;
	size_t n;
	int i, expected = 0;

	(void)state;
	for (i = 0; i < 7; i++) {
		n = fake_build_arp(frame, fake_bcast_mac, ARPOP_REQUEST, fake_peer_mac, peer_ip,
				   (uint8_t[6]){0}, our_ip);
		switch (i) {
		case 0:
			n = ETH_HLEN + sizeof(*a) - 1; /* truncated */
			break;
		case 1:
			a->ar_hrd = htons(6); /* IEEE 802 hardware */
			break;
		case 2:
			a->ar_pro = htons(0x86dd); /* IPv6 protocol */
			break;
		case 3:
			a->ar_hln = 8; /* wrong address length */
			break;
		case 4:
			a->ar_pln = 16;
			break;
		case 5:
			a->ar_op = htons(3); /* RARP request */
			break;
		case 6:
			a->ar_sha[0] = 0x01; /* multicast sender */
			break;
		}
		assert_int_equal(fake_eth_inject(eth, frame, n), -EINVAL);
		expected++;
		assert_int_equal(arp_statistics.rcv_errors, expected);
		assert_int_equal(eth->stats.rx_errors, expected);
	}
	assert_int_equal(fake_eth_tx_len(eth), 0);
	assert_false(find_entry(peer_ip, &ei));
	assert_int_equal(skb_in_use(), skb_base);

	/* Shorter than an Ethernet header. */
	assert_int_equal(fake_eth_inject(eth, frame, 10), -EINVAL);
	assert_int_equal(eth->stats.rx_errors, expected + 1);
}

static void test_delete(void **state)
{
	struct arp_entry_info ei;

	(void)state;
	assert_int_equal(arp_delete(peer_ip), -ENOENT);
	arp_output(ip_packet(1), eth, peer_ip);
	fake_eth_purge_tx(eth);
	assert_int_equal(arp_delete(peer_ip), 0);
	assert_false(find_entry(peer_ip, &ei));
	assert_int_equal(fake_timers_pending(), 0);
	assert_int_equal(skb_in_use(), skb_base);
}

static void test_probe_answered_not_learned(void **state)
{
	uint8_t frame[64];
	struct arp_entry_info ei;
	const struct arphdr *a;
	struct sk_buff *skb;
	size_t n = fake_build_arp(frame, fake_bcast_mac, ARPOP_REQUEST, fake_peer_mac, 0,
				  (uint8_t[6]){0}, our_ip);

	(void)state;
	fake_eth_inject(eth, frame, n);
	a = pop_arp(&skb);
	assert_int_equal(ntohs(a->ar_op), ARPOP_REPLY);
	assert_memory_equal(a->ar_tha, fake_peer_mac, ETH_ALEN);
	kfree_skb(skb);
	assert_false(find_entry(0, &ei));
}

/* Asking about many made-up hosts (a SYN flood from spoofed sources makes
 * us do that) must not push a neighbour that answers out of the table. */
static void test_flood_of_unresolved_keeps_resolved_neighbours(void **state)
{
	struct arp_entry_info ei;
	uint64_t drops = arp_statistics.queue_drops;
	int i;

	(void)state;
	fake_eth_learn_peer(eth, our_ip, peer_ip);
	for (i = 0; i < 3 * ARP_CACHE_SIZE; i++)
		arp_output(ip_packet(1), eth, htonl(ntohl(inet_addr("10.0.2.100")) + i));
	fake_eth_purge_tx(eth);
	assert_true(find_entry(peer_ip, &ei));
	assert_int_equal(ei.state, ARP_REACHABLE);
	/* the newest unresolved ones are still being asked about */
	assert_true(find_entry(htonl(ntohl(inet_addr("10.0.2.100")) + 3 * ARP_CACHE_SIZE - 1), &ei));
	assert_int_equal(ei.state, ARP_INCOMPLETE);
	/* the packets waiting on evicted resolutions were counted */
	assert_int_equal(arp_statistics.queue_drops - drops, 2 * ARP_CACHE_SIZE + 1);
	arp_output(ip_packet(7), eth, peer_ip); /* goes straight out */
	assert_ip_frame_to_peer(7);
	arp_flush(eth);
	assert_int_equal(skb_in_use(), skb_base);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_request_gets_reply_and_learns_sender),
		T(test_request_for_other_host_ignored),
		T(test_resolution_queues_then_flushes_on_reply),
		T(test_retries_then_gives_up),
		T(test_aging_stale_and_expiry),
		T(test_update_existing_on_any_arp),
		T(test_gratuitous_arp_on_open),
		T(test_malformed_dropped),
		T(test_delete),
		T(test_probe_answered_not_learned),
		T(test_flood_of_unresolved_keeps_resolved_neighbours),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
