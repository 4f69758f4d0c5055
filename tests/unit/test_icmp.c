/* ICMP: checksum vectors, echo reply, unreachables and their RFC 1122 limits, the ping API. */
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

static struct net_device *eth;
static uint32_t our_ip, peer_ip;
static uint64_t skb_base;

static int group_setup(void **state)
{
	(void)state;
	eth = fake_net_init_eth(&our_ip, &peer_ip);
	return eth ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	arp_flush(NULL);
	fake_eth_learn_peer(eth, our_ip, peer_ip);
	fake_eth_purge_tx(eth);
	memset(&icmp_statistics, 0, sizeof(icmp_statistics));
	fake_clock_advance(1000); /* refills the error token bucket */
	fake_net_wait_set_hook(NULL, NULL);
	skb_base = skb_in_use();
	net_lock();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	net_unlock();
	assert_int_equal(fake_net_lock_depth(), 0);
	fake_net_wait_set_hook(NULL, NULL);
	fake_eth_purge_tx(eth);
	assert_int_equal(skb_in_use(), skb_base);
	return 0;
}

/* ---- checksum ---- */

/* A plain reference: big-endian 16-bit words, end-around carry, complemented. */
static uint16_t ref_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void test_checksum_vectors(void **state)
{
	/* RFC 1071 section 3: the sum of these words is ddf2, so the checksum is 220d. */
	static const uint8_t rfc1071[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	/* A real IPv4 header (checksum b861). */
	uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			   0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	uint16_t c;

	(void)state;
	assert_int_equal(ntohs(ip_compute_csum(rfc1071, sizeof(rfc1071))), 0x220d);
	assert_int_equal(ip_compute_csum(hdr, sizeof(hdr)), 0); /* valid as it is */
	hdr[10] = hdr[11] = 0;
	c = ip_compute_csum(hdr, sizeof(hdr));
	assert_int_equal(ntohs(c), 0xb861);
	/* Odd length: the last byte is the high byte of a zero-padded word. */
	assert_int_equal(ntohs(ip_compute_csum((const uint8_t[]){0x01}, 1)), 0xfeff);
	assert_int_equal(ntohs(ip_compute_csum((const uint8_t[]){0x01, 0x02, 0x03}, 3)),
			 (uint16_t)~0x0402);
	assert_int_equal(ip_compute_csum(hdr, 0), 0xffff);
	/* Partial sums chain across an even split. */
	assert_int_equal(csum_fold(csum_partial(rfc1071 + 4, 4, csum_partial(rfc1071, 4, 0))),
			 ip_compute_csum(rfc1071, 8));
}

static void test_checksum_matches_reference_odd_lengths_and_alignment(void **state)
{
	uint8_t buf[1600];
	size_t len, off, i;

	(void)state;
	fake_random_seed(7);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)net_random32();
	for (off = 0; off < 4; off++)
		for (len = 0; len < 300; len++)
			assert_int_equal(ntohs(ip_compute_csum(buf + off, len)),
					 ref_csum(buf + off, len));
	/* All 0xff words stress the carries. */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(ntohs(ip_compute_csum(buf, 1501)), ref_csum(buf, 1501));
}

static void test_pseudo_header_checksum(void **state)
{
	uint8_t seg[12 + 11] = {0};
	uint8_t data[11] = {0x04, 0xd2, 0x1e, 0x61, 0x00, 0x0b, 0x00, 0x00, 'a', 'b', 'c'};
	uint32_t s = inet_addr("10.0.2.2"), d = inet_addr("10.0.2.15");

	(void)state;
	/* Reference: checksum over an explicit pseudo-header followed by the segment. */
	memcpy(seg, &s, 4);
	memcpy(seg + 4, &d, 4);
	seg[9] = IPPROTO_UDP;
	seg[11] = sizeof(data);
	memcpy(seg + 12, data, sizeof(data));
	assert_int_equal(ntohs(csum_tcpudp_magic(s, d, sizeof(data), IPPROTO_UDP,
						 csum_partial(data, sizeof(data), 0))),
			 ref_csum(seg, sizeof(seg)));
}

/* ---- echo ---- */

static size_t echo_frame(uint8_t *buf, uint8_t type, uint16_t id, uint16_t seq,
			 const uint8_t *dst_mac, uint32_t daddr, size_t payload)
{
	uint8_t msg[8 + 256];
	struct icmphdr *ic = (struct icmphdr *)msg;
	size_t i;

	ic->type = type;
	ic->code = 0;
	ic->un.echo.id = htons(id);
	ic->un.echo.sequence = htons(seq);
	for (i = 0; i < payload; i++)
		msg[8 + i] = (uint8_t)(0x10 + i);
	ic->checksum = 0;
	ic->checksum = ip_compute_csum(msg, 8 + payload);
	return fake_build_ip(buf, dst_mac, fake_peer_mac, peer_ip, daddr, IPPROTO_ICMP, msg,
			     8 + payload);
}

/* Pops the next frame and checks it is ICMP from us to the peer; returns the ICMP header. */
static const struct icmphdr *pop_icmp(struct sk_buff **out, size_t *icmp_len)
{
	struct sk_buff *skb = fake_eth_pop_tx(eth);
	const struct ethhdr *e;
	const struct iphdr *iph;

	assert_non_null(skb);
	e = (const struct ethhdr *)skb->data;
	assert_memory_equal(e->h_dest, fake_peer_mac, ETH_ALEN);
	iph = (const struct iphdr *)(e + 1);
	assert_int_equal(iph->protocol, IPPROTO_ICMP);
	assert_int_equal(iph->saddr, our_ip);
	assert_int_equal(iph->daddr, peer_ip);
	assert_int_equal(ip_compute_csum(iph, 20), 0);
	*icmp_len = ntohs(iph->tot_len) - 20;
	assert_int_equal(ip_compute_csum(iph + 1, *icmp_len), 0);
	*out = skb;
	return (const struct icmphdr *)(iph + 1);
}

static void test_echo_request_gets_reply(void **state)
{
	uint8_t frame[400];
	size_t n = echo_frame(frame, ICMP_ECHO, 0x1234, 7, fake_our_mac, our_ip, 56), len;
	const struct icmphdr *ic;
	struct sk_buff *skb;

	(void)state;
	assert_int_equal(fake_eth_inject(eth, frame, n), 0);
	ic = pop_icmp(&skb, &len);
	assert_int_equal(ic->type, ICMP_ECHOREPLY);
	assert_int_equal(ic->code, 0);
	assert_int_equal(ntohs(ic->un.echo.id), 0x1234);
	assert_int_equal(ntohs(ic->un.echo.sequence), 7);
	assert_int_equal(len, 64);
	assert_memory_equal(ic + 1, frame + ETH_HLEN + 20 + 8, 56);
	kfree_skb(skb);
	assert_null(fake_eth_pop_tx(eth));
	assert_int_equal(icmp_statistics.in_echos, 1);
	assert_int_equal(icmp_statistics.out_echo_reps, 1);

	/* A bad checksum: no reply, counted. */
	frame[ETH_HLEN + 20 + 8] ^= 1;
	assert_int_equal(fake_eth_inject(eth, frame, n), -EINVAL);
	assert_int_equal(fake_eth_tx_len(eth), 0);
	assert_int_equal(icmp_statistics.in_errors, 1);

	/* Shorter than an ICMP header. */
	n = fake_build_ip(frame, fake_our_mac, fake_peer_mac, peer_ip, our_ip, IPPROTO_ICMP,
			  "\x08\0", 2);
	assert_int_equal(fake_eth_inject(eth, frame, n), -EINVAL);
	assert_int_equal(icmp_statistics.in_errors, 2);

	/* To the broadcast address: ignored, as Linux does by default. */
	n = echo_frame(frame, ICMP_ECHO, 1, 1, fake_bcast_mac, inet_addr("10.0.2.255"), 8);
	assert_int_equal(fake_eth_inject(eth, frame, n), 0);
	assert_int_equal(fake_eth_tx_len(eth), 0);
}

/* ---- destination unreachable ---- */

static size_t udp_frame(uint8_t *buf, const uint8_t *dst_mac, uint32_t daddr, uint16_t port)
{
	uint8_t d[8 + 4] = {0x30, 0x39, 0, 0, 0, 12, 0, 0, 'a', 'b', 'c', 'd'};

	d[2] = port >> 8;
	d[3] = port & 0xff;
	return fake_build_ip(buf, dst_mac, fake_peer_mac, peer_ip, daddr, IPPROTO_UDP, d,
			     sizeof(d));
}

static void test_port_unreachable(void **state)
{
	uint8_t frame[128];
	size_t n = udp_frame(frame, fake_our_mac, our_ip, 9), len;
	const struct icmphdr *ic;
	struct sk_buff *skb;

	(void)state;
	assert_int_equal(fake_eth_inject(eth, frame, n), -ECONNREFUSED);
	ic = pop_icmp(&skb, &len);
	assert_int_equal(ic->type, ICMP_DEST_UNREACH);
	assert_int_equal(ic->code, ICMP_PORT_UNREACH);
	assert_int_equal(ic->un.unused, 0);
	/* RFC 792: the IP header and at least 8 bytes of the datagram (here all of it). */
	assert_int_equal(len, 8 + 20 + 12);
	assert_memory_equal(ic + 1, frame + ETH_HLEN, 20 + 12);
	kfree_skb(skb);
	assert_int_equal(icmp_statistics.out_dest_unreachs, 1);

	/* Never for broadcasts, link-layer or IP (RFC 1122 3.2.2). */
	n = udp_frame(frame, fake_bcast_mac, inet_addr("10.0.2.255"), 9);
	fake_eth_inject(eth, frame, n);
	n = udp_frame(frame, fake_bcast_mac, inet_addr("255.255.255.255"), 9);
	fake_eth_inject(eth, frame, n);
	n = udp_frame(frame, fake_bcast_mac, our_ip, 9);
	fake_eth_inject(eth, frame, n);
	n = udp_frame(frame, fake_our_mac, inet_addr("10.0.2.255"), 9);
	fake_eth_inject(eth, frame, n);
	assert_int_equal(fake_eth_tx_len(eth), 0);
	assert_int_equal(icmp_statistics.out_dest_unreachs, 1);
}

/* Builds an skb as ip_local_deliver leaves it: network header set, data at L4. */
static struct sk_buff *delivered_skb(const uint8_t *frame, size_t n)
{
	struct sk_buff *skb = alloc_skb(n);

	memcpy(skb_put(skb, n), frame, n);
	skb->dev = eth;
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	skb_pull(skb, 20);
	skb->pkt_type = PACKET_HOST;
	return skb;
}

static void test_no_error_about_icmp_error(void **state)
{
	uint8_t frame[128], msg[8 + 28] = {ICMP_DEST_UNREACH, ICMP_PORT_UNREACH};
	const struct icmphdr *ic;
	struct sk_buff *skb;
	size_t n, len;

	(void)state;
	n = fake_build_ip(frame, fake_our_mac, fake_peer_mac, peer_ip, our_ip, IPPROTO_ICMP, msg,
			  sizeof(msg));
	skb = delivered_skb(frame, n);
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH);
	kfree_skb(skb);
	assert_int_equal(fake_eth_tx_len(eth), 0);

	/* About an ICMP query it is allowed. */
	n = echo_frame(frame, ICMP_ECHO, 1, 1, fake_our_mac, our_ip, 8);
	skb = delivered_skb(frame, n);
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH);
	kfree_skb(skb);
	ic = pop_icmp(&skb, &len);
	assert_int_equal(ic->type, ICMP_DEST_UNREACH);
	kfree_skb(skb);

	/* Not from a non-unicast source. */
	n = fake_build_ip(frame, fake_our_mac, fake_peer_mac, 0, our_ip, 99, "x", 1);
	skb = delivered_skb(frame, n);
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH);
	kfree_skb(skb);
	assert_int_equal(fake_eth_tx_len(eth), 0);
}

static void test_error_rate_limit(void **state)
{
	uint8_t frame[128];
	size_t n = udp_frame(frame, fake_our_mac, our_ip, 9);
	int i;

	(void)state;
	for (i = 0; i < ICMP_ERR_BURST + 10; i++)
		fake_eth_inject(eth, frame, n);
	assert_int_equal(fake_eth_tx_len(eth), ICMP_ERR_BURST);
	assert_int_equal(icmp_statistics.out_rate_limited, 10);
	fake_eth_purge_tx(eth);
	fake_clock_advance(5 * 1000 / ICMP_ERR_PER_SEC);
	for (i = 0; i < 10; i++)
		fake_eth_inject(eth, frame, n);
	assert_int_equal(fake_eth_tx_len(eth), 5);
}

/* ---- the ping API ---- */

static enum { ANSWER_REPLY, ANSWER_UNREACH, ANSWER_WRONG_DATA } answer;

/* Plays the peer: takes our echo request off the wire and answers it 512 us later. */
static void peer_answers(void *ctx)
{
	struct sk_buff *req = fake_eth_pop_tx(eth);
	uint8_t frame[1600], msg[1600];
	const struct iphdr *iph;
	struct icmphdr *ic;
	size_t len, n;

	(void)ctx;
	if (!req)
		return;
	iph = (const struct iphdr *)(req->data + ETH_HLEN);
	len = ntohs(iph->tot_len) - 20;
	if (answer == ANSWER_UNREACH) {
		memset(msg, 0, 8);
		msg[0] = ICMP_DEST_UNREACH;
		msg[1] = ICMP_HOST_UNREACH;
		memcpy(msg + 8, iph, 28);
		len = 8 + 28;
	} else {
		memcpy(msg, iph + 1, len);
		msg[0] = ICMP_ECHOREPLY;
		if (answer == ANSWER_WRONG_DATA)
			msg[len - 1] ^= 0xff;
	}
	ic = (struct icmphdr *)msg;
	ic->checksum = 0;
	ic->checksum = ip_compute_csum(msg, len);
	n = fake_build_ip(frame, fake_our_mac, fake_peer_mac, peer_ip, our_ip, IPPROTO_ICMP, msg,
			  len);
	kfree_skb(req);
	fake_ktime_add_ns(512000);
	fake_eth_inject(eth, frame, n);
}

static void test_ping_reply(void **state)
{
	struct icmp_ping_reply r;

	(void)state;
	answer = ANSWER_REPLY;
	fake_net_wait_set_hook(peer_answers, NULL);
	assert_int_equal(icmp_ping(peer_ip, 0x42, 1, 56, 1000, &r), 0);
	assert_int_equal(r.from, peer_ip);
	assert_int_equal(r.rtt_us, 512);
	assert_int_equal(r.ttl, 64);
	assert_int_equal(r.len, 64);
	assert_int_equal(r.type, ICMP_ECHOREPLY);
	assert_int_equal(icmp_statistics.out_echos, 1);
	assert_int_equal(icmp_statistics.in_echo_reps, 1);

	answer = ANSWER_WRONG_DATA;
	assert_int_equal(icmp_ping(peer_ip, 0x42, 2, 56, 1000, &r), -EIO);

	answer = ANSWER_UNREACH;
	assert_int_equal(icmp_ping(peer_ip, 0x42, 3, 56, 1000, &r), -EHOSTUNREACH);
	assert_int_equal(r.type, ICMP_DEST_UNREACH);
	assert_int_equal(r.code, ICMP_HOST_UNREACH);
	assert_int_equal(r.from, peer_ip);
}

static void test_ping_timeout_and_interrupt(void **state)
{
	uint64_t t0 = fake_clock_ms();
	struct icmp_ping_reply r;
	uint8_t frame[128];
	size_t n;

	(void)state;
	assert_int_equal(icmp_ping(peer_ip, 0x42, 1, 56, 1000, &r), -ETIMEDOUT);
	assert_int_equal(fake_clock_ms() - t0, 1000);
	assert_int_equal(fake_eth_tx_len(eth), 1); /* the request did go out */
	fake_eth_purge_tx(eth);

	/* A reply arriving after the timeout matches nobody and is dropped. */
	n = echo_frame(frame, ICMP_ECHOREPLY, 0x42, 1, fake_our_mac, our_ip, 56);
	assert_int_equal(fake_eth_inject(eth, frame, n), 0);
	assert_int_equal(icmp_statistics.in_echo_reps, 1);

	fake_net_wait_interrupt(1);
	assert_int_equal(icmp_ping(peer_ip, 0x42, 2, 56, 1000, &r), -EINTR);
	fake_eth_purge_tx(eth);

	assert_int_equal(icmp_ping(inet_addr("8.8.8.8"), 0x42, 3, 56, 1000, &r), -ENETUNREACH);
	assert_int_equal(icmp_ping(peer_ip, 0x42, 4, 1500, 1000, &r), -EMSGSIZE);
	assert_int_equal(icmp_ping(peer_ip, 0x42, 5, ICMP_MAX_PAYLOAD + 1, 1000, &r), -EMSGSIZE);
	assert_int_equal(fake_eth_tx_len(eth), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_checksum_vectors),
		T(test_checksum_matches_reference_odd_lengths_and_alignment),
		T(test_pseudo_header_checksum),
		T(test_echo_request_gets_reply),
		T(test_port_unreachable),
		T(test_no_error_about_icmp_error),
		T(test_error_rate_limit),
		T(test_ping_reply),
		T(test_ping_timeout_and_interrupt),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
