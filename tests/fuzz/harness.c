/* Shared pieces of the fuzz targets: see harness.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "net/arp.h"
#include "net/checksum.h"
#include "net/devinet.h"
#include "net/eth.h"
#include "net/icmp.h"
#include "net/ip.h"
#include "net/platform.h"
#include "net/sock.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "tests/fuzz/harness.h"
#include "tests/unit/support/platform_test.h"

/* A step of simulated time: the peer answers ARP between steps. */
#define FUZZ_STEP_MS   1000
/* Bound on the frames one drain handles (the stack cannot talk forever). */
#define FUZZ_DRAIN_MAX 10000

struct net_device *fuzz_eth;
void (*fuzz_tx_hook)(const uint8_t *frame, size_t len);
uint32_t fuzz_our_ip, fuzz_peer_ip;
const uint8_t fuzz_our_mac[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const uint8_t fuzz_peer_mac[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

static void fail(const char *what, const uint8_t *frame, size_t len)
{
	size_t i;

	fprintf(stderr, "fuzz oracle: %s\n", what);
	for (i = 0; frame && i < len; i++)
		fprintf(stderr, "%02x%s", frame[i], i % 16 == 15 ? "\n" : " ");
	fprintf(stderr, "\n");
	abort();
}

void fuzz_env_init(void)
{
	if (fuzz_eth)
		return;
	fake_random_seed(1);
	net_init();
	fuzz_our_ip = inet_addr(NET_DEFAULT_ADDR);
	fuzz_peer_ip = inet_addr(NET_DEFAULT_GATEWAY);
	fuzz_eth = fake_eth_create("eth%d", fuzz_our_mac);
	if (!fuzz_eth || net_configure_defaults(fuzz_eth, NULL, NULL, NULL) ||
	    fuzz_eth->ip_addr != fuzz_our_ip)
		fail("cannot configure eth0", NULL, 0);
	fuzz_drain_tx(); /* the gratuitous ARP */
}

static void send_arp(uint16_t op, const uint8_t *dst_mac)
{
	struct arphdr a = {
		.ar_hrd = htons(ARPHRD_ETHER),
		.ar_pro = htons(ETH_P_IP),
		.ar_hln = ETH_ALEN,
		.ar_pln = 4,
		.ar_op = htons(op),
		.ar_sip = fuzz_peer_ip,
		.ar_tip = fuzz_our_ip,
	};
	uint8_t frame[ETH_HLEN + sizeof(a)];

	memcpy(a.ar_sha, fuzz_peer_mac, ETH_ALEN);
	memcpy(a.ar_tha, fuzz_our_mac, ETH_ALEN);
	fake_eth_inject(fuzz_eth, frame,
			fake_build_eth(frame, dst_mac, fuzz_peer_mac, ETH_P_ARP, &a, sizeof(a)));
}

void fuzz_learn_peer(void) { send_arp(ARPOP_REPLY, fuzz_our_mac); }

static uint16_t csum_l4(const struct iphdr *iph, const uint8_t *l4, unsigned int len)
{
	return csum_tcpudp_magic(iph->saddr, iph->daddr, (uint16_t)len, iph->protocol,
				 csum_partial(l4, (int)len, 0));
}

/* Returns 1 if the frame is an ARP request for the peer's address. */
static int check_arp(const uint8_t *f, size_t len)
{
	const struct arphdr *a = (const struct arphdr *)(f + ETH_HLEN);

	if (len < ETH_HLEN + sizeof(*a))
		fail("ARP frame too short", f, len);
	if (ntohs(a->ar_hrd) != ARPHRD_ETHER || ntohs(a->ar_pro) != ETH_P_IP ||
	    a->ar_hln != ETH_ALEN || a->ar_pln != 4)
		fail("ARP header fields", f, len);
	if (ntohs(a->ar_op) != ARPOP_REQUEST && ntohs(a->ar_op) != ARPOP_REPLY)
		fail("ARP opcode", f, len);
	if (memcmp(a->ar_sha, fuzz_our_mac, ETH_ALEN) || a->ar_sip != fuzz_our_ip)
		fail("ARP sender is not eth0", f, len);
	return ntohs(a->ar_op) == ARPOP_REQUEST && a->ar_tip == fuzz_peer_ip;
}

static void check_ip(const uint8_t *f, size_t len)
{
	const struct iphdr *iph = (const struct iphdr *)(f + ETH_HLEN);
	const uint8_t *l4 = (const uint8_t *)(iph + 1);
	unsigned int tot, l4len, fo;
	uint32_t d;

	if (len < ETH_HLEN + sizeof(*iph))
		fail("IP frame too short", f, len);
	if (iph->ihl_version != 0x45)
		fail("IP version/IHL (we send no options)", f, len);
	if (ip_compute_csum(iph, sizeof(*iph)) != 0)
		fail("IP header checksum", f, len);
	tot = ntohs(iph->tot_len);
	if (tot < sizeof(*iph) || ETH_HLEN + tot > len)
		fail("IP total length", f, len);
	if (ETH_HLEN + tot < len && len > ETH_ZLEN)
		fail("bytes after the IP datagram in a frame longer than the minimum", f, len);
	fo = ntohs(iph->frag_off);
	if (fo & (IP_MF | IP_OFFSET)) {
		/* RFC 791 3.2: only a datagram without DF is cut, in 8-byte units */
		if (fo & IP_DF)
			fail("a fragment with DF", f, len);
		if ((fo & IP_MF) && ((tot - sizeof(*iph)) & 7))
			fail("a fragment before the last not in 8-byte units", f, len);
		if ((fo & IP_OFFSET) * 8 + tot > 65535)
			fail("a fragment beyond 65535 bytes", f, len);
	}
	/* RFC 1122 3.2.1.3: the source is one of ours, never a loopback or special address */
	if (iph->saddr != fuzz_our_ip)
		fail("source address on eth0 is not eth0's", f, len);
	d = ntohl(iph->daddr);
	if ((d >> 24) == 127 || d == 0 || iph->daddr == fuzz_our_ip)
		fail("destination address on eth0 is ours or loopback", f, len);
	if (fo & (IP_MF | IP_OFFSET))
		return; /* the transport header and checksum cover the whole datagram */
	l4len = tot - sizeof(*iph);
	switch (iph->protocol) {
	case IPPROTO_TCP: {
		const struct tcphdr *th = (const struct tcphdr *)l4;

		if (l4len < sizeof(*th) || tcp_hdrlen(th) < sizeof(*th) || tcp_hdrlen(th) > l4len)
			fail("TCP header length", f, len);
		if (csum_l4(iph, l4, l4len) != 0)
			fail("TCP checksum", f, len);
		if ((th->flags & TCPHDR_SYN) && (th->flags & (TCPHDR_RST | TCPHDR_FIN)))
			fail("TCP SYN with RST or FIN", f, len);
		break;
	}
	case IPPROTO_UDP: {
		const struct udphdr *uh = (const struct udphdr *)l4;

		if (l4len < sizeof(*uh) || ntohs(uh->len) != l4len)
			fail("UDP length", f, len);
		if (uh->check && csum_l4(iph, l4, l4len) != 0)
			fail("UDP checksum", f, len);
		break;
	}
	case IPPROTO_ICMP:
		if (l4len < sizeof(struct icmphdr) || ip_compute_csum(l4, l4len) != 0)
			fail("ICMP length or checksum", f, len);
		break;
	default:
		fail("unknown IP protocol sent", f, len);
	}
}

/* Checks one transmitted frame; returns 1 if the peer must answer an ARP request. */
static int check_frame(const struct sk_buff *skb)
{
	const uint8_t *f = skb->data;
	size_t len = skb->len;
	uint16_t type;

	if (len < ETH_ZLEN || len > ETH_HLEN + fuzz_eth->mtu)
		fail("frame length outside 60..1514", f, len);
	if (memcmp(f + ETH_ALEN, fuzz_our_mac, ETH_ALEN))
		fail("source MAC is not eth0's", f, len);
	type = (uint16_t)(f[12] << 8 | f[13]);
	if (type == ETH_P_ARP)
		return check_arp(f, len);
	if (type != ETH_P_IP)
		fail("ethertype neither IP nor ARP", f, len);
	check_ip(f, len);
	if (fuzz_tx_hook)
		fuzz_tx_hook(f, len);
	return 0;
}

unsigned int fuzz_drain_tx(void)
{
	unsigned int n = 0;
	struct sk_buff *skb;

	fake_run_softirqs();
	while ((skb = fake_eth_pop_tx(fuzz_eth))) {
		int answer = check_frame(skb);

		kfree_skb(skb);
		if (++n > FUZZ_DRAIN_MAX)
			fail("the stack keeps transmitting", NULL, 0);
		if (answer) {
			send_arp(ARPOP_REPLY, fuzz_our_mac);
			fake_run_softirqs();
		}
	}
	return n;
}

void fuzz_advance(uint64_t ms)
{
	while (ms) {
		uint64_t step = ms < FUZZ_STEP_MS ? ms : FUZZ_STEP_MS;

		fake_clock_advance(step);
		fuzz_drain_tx();
		ms -= step;
	}
}

void fuzz_counts_take(struct fuzz_counts *c)
{
	c->skbs = skb_in_use();
	c->kmallocs = fake_kmalloc_in_use();
	c->socks = sock_in_use();
	c->timers = fake_timers_pending();
}

int fuzz_counts_differ(const struct fuzz_counts *base, const char *when)
{
	struct fuzz_counts now;

	fuzz_counts_take(&now);
	if (now.skbs == base->skbs && now.kmallocs == base->kmallocs && now.socks == base->socks &&
	    now.timers == base->timers)
		return 0;
	fprintf(stderr,
		"fuzz leak check %s: skbs %llu (was %llu), kmalloc %ld (was %ld), "
		"socks %ld (was %ld), timers %d (was %d)\n",
		when, (unsigned long long)now.skbs, (unsigned long long)base->skbs, now.kmallocs,
		base->kmallocs, now.socks, base->socks, now.timers, base->timers);
	return 1;
}

void fuzz_counts_check(const struct fuzz_counts *base, const char *when)
{
	if (fuzz_counts_differ(base, when))
		fail("something was leaked", NULL, 0);
	if (fake_net_lock_depth() != 0)
		fail("net_lock still held", NULL, 0);
	if (fake_rx_softirq_pending())
		fail("NET_RX softirq still pending", NULL, 0);
}

static void noop_timer(struct timer_list *t) { (void)t; }

void fuzz_selftest_leak_check(void)
{
	struct fuzz_counts base;
	struct timer_list t;
	struct sk_buff *skb;
	void *p;

	fuzz_counts_take(&base);
	skb = alloc_skb(1);
	if (!skb || !fuzz_counts_differ(&base, "(self-test: an skb held on purpose)"))
		fail("the leak check misses an skb", NULL, 0);
	kfree_skb(skb);
	p = kmalloc(8);
	if (!p || !fuzz_counts_differ(&base, "(self-test: a kmalloc block held on purpose)"))
		fail("the leak check misses a kmalloc block", NULL, 0);
	kfree(p);
	timer_setup(&t, noop_timer);
	mod_timer(&t, jiffies_ms() + 1);
	if (!fuzz_counts_differ(&base, "(self-test: a timer pending on purpose)"))
		fail("the leak check misses a timer", NULL, 0);
	del_timer(&t);
	fuzz_counts_check(&base, "after the self-test");
}

void fuzz_fix_ip_csum(uint8_t *frame, size_t len)
{
	struct iphdr *iph = (struct iphdr *)(frame + ETH_HLEN);
	size_t ihl;

	if (len < ETH_HLEN + sizeof(*iph))
		return;
	ihl = (iph->ihl_version & 0xf) * 4u;
	if (ihl < sizeof(*iph) || len < ETH_HLEN + ihl)
		return;
	iph->check = 0;
	iph->check = ip_compute_csum(iph, ihl);
}

void fuzz_fix_l4_csum(uint8_t *frame, size_t len)
{
	struct iphdr *iph = (struct iphdr *)(frame + ETH_HLEN);
	size_t ihl, tot, l4len;
	uint8_t *l4;
	uint16_t c;

	if (len < ETH_HLEN + sizeof(*iph))
		return;
	ihl = (iph->ihl_version & 0xf) * 4u;
	tot = ntohs(iph->tot_len);
	if (ihl < sizeof(*iph) || tot < ihl || ETH_HLEN + tot > len)
		return;
	l4 = frame + ETH_HLEN + ihl;
	l4len = tot - ihl;
	switch (iph->protocol) {
	case IPPROTO_ICMP:
		if (l4len < 4)
			return;
		l4[2] = l4[3] = 0;
		c = ip_compute_csum(l4, l4len);
		memcpy(l4 + 2, &c, 2);
		break;
	case IPPROTO_UDP:
	case IPPROTO_TCP: {
		size_t off = iph->protocol == IPPROTO_UDP ? 6 : 16;

		if (l4len < off + 2)
			return;
		l4[off] = l4[off + 1] = 0;
		c = csum_l4(iph, l4, (unsigned int)l4len);
		memcpy(l4 + off, &c, 2);
		break;
	}
	default:
		break;
	}
}
