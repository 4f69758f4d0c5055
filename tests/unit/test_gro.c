/*
 * GRO (net/gro.c): which segments merge and which must not, one rule at a
 * time; the merged packet's headers; delivery order; flushing at the end of
 * a NAPI poll and at napi_complete; counters.  netif_receive_skb is wrapped
 * (-Wl,--wrap): what GRO hands up is recorded here instead of entering IP.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/gro.h"
#include "net/netdevice.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/tcp.h"
#include "net/checksum.h"
#include "tests/unit/support/platform_test.h"

#define MSS	 1448
#define HEADROOM 64
#define RX_BUF	 2048 /* a driver's receive buffer: one frame */
/* the pool-exhaustion test keeps GRO_POOL_MAX + 2 delivered skbs */
#define MAX_OUT	 (GRO_POOL_MAX + 8)

static struct sk_buff *out[MAX_OUT];
static int nout;
static struct napi_struct napi;
static uint64_t skb_base;
static long kmalloc_base; /* merge buffers the pool keeps are not counted */

int __wrap_netif_receive_skb(struct sk_buff *skb);
int __wrap_netif_receive_skb(struct sk_buff *skb)
{
	assert_true(nout < MAX_OUT);
	out[nout++] = skb;
	return 0;
}

/* What one segment looks like; seg() builds the frame. */
struct seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	unsigned int len; /* payload */
	uint8_t tos, ttl;
	uint16_t frag_off;
	uint16_t id;
	int ts;		 /* timestamp option with this TSval (0: no options) */
	int ip_options;	 /* an IPv4 header with 4 bytes of options (NOPs + EOL) */
	int bad_csum;	 /* a wrong TCP checksum */
	int nic_checked; /* CHECKSUM_UNNECESSARY from the NIC (the checksum field is left 0) */
	int partial;	 /* CHECKSUM_PARTIAL from a local sender: the pseudo-header sum only */
};

static struct seg data(uint32_t seq, unsigned int len)
{
	return (struct seg){.sport = 40000,
			    .dport = 5001,
			    .seq = seq,
			    .ack = 77,
			    .flags = TCPHDR_ACK,
			    .window = 1000,
			    .len = len,
			    .ttl = 64,
			    .frag_off = IP_DF,
			    .id = 1};
}

static uint8_t payload_byte(uint32_t seq) { return (uint8_t)(seq * 7 + 3); }

static struct sk_buff *seg(struct seg s)
{
	static const uint8_t dmac[ETH_ALEN] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
	static const uint8_t smac[ETH_ALEN] = {0x02, 0, 0, 0, 0, 2};
	unsigned int iphl = s.ip_options ? 24 : 20, thl = s.ts ? 32 : 20;
	struct sk_buff *skb = alloc_skb(RX_BUF);
	struct ethhdr *eth;
	struct iphdr *iph;
	struct tcphdr *th;
	uint8_t *p;

	assert_non_null(skb);
	skb_reserve(skb, HEADROOM);
	assert_true(ETH_HLEN + iphl + thl + s.len <= skb_tailroom(skb));
	eth = (struct ethhdr *)skb_put(skb, ETH_HLEN);
	memcpy(eth->h_dest, dmac, ETH_ALEN);
	memcpy(eth->h_source, smac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	iph = (struct iphdr *)skb_put(skb, iphl);
	memset(iph, 0, iphl);
	iph->ihl_version = 0x40 | (iphl / 4);
	iph->tos = s.tos;
	iph->tot_len = htons((uint16_t)(iphl + thl + s.len));
	iph->id = htons(s.id);
	iph->frag_off = htons(s.frag_off);
	iph->ttl = s.ttl;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = htonl(0x0a000202);
	iph->daddr = htonl(0x0a00020f);
	if (s.ip_options)
		memset(iph + 1, 1, 4); /* NOP NOP NOP NOP */
	iph->check = ip_compute_csum(iph, (int)iphl);
	th = (struct tcphdr *)skb_put(skb, thl);
	memset(th, 0, thl);
	th->source = htons(s.sport);
	th->dest = htons(s.dport);
	th->seq = htonl(s.seq);
	th->ack_seq = htonl(s.ack);
	th->doff_res = (uint8_t)((thl / 4) << 4);
	th->flags = s.flags;
	th->window = htons(s.window);
	if (s.ts) {
		uint8_t opt[12] = {1, 1, 8, 10};
		uint32_t v = htonl((uint32_t)s.ts);

		memcpy(opt + 4, &v, 4);
		memcpy(th + 1, opt, sizeof(opt));
	}
	p = skb_put(skb, s.len);
	for (unsigned int i = 0; i < s.len; i++)
		p[i] = payload_byte(s.seq + i);
	if (s.nic_checked) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	} else if (s.partial) {
		th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, (uint16_t)(thl + s.len),
					       IPPROTO_TCP, 0);
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = (uint16_t)((uint8_t *)th - skb->head);
		skb->csum_offset = offsetof(struct tcphdr, check);
	} else {
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, (uint16_t)(thl + s.len),
					      IPPROTO_TCP, csum_partial(th, (int)(thl + s.len), 0));
		if (s.bad_csum)
			th->check ^= 0x1234;
	}
	return skb;
}

static void rx(struct seg s) { napi_gro_receive(&napi, seg(s)); }

static struct iphdr *out_ip(int i) { return (struct iphdr *)(out[i]->data + ETH_HLEN); }
static struct tcphdr *out_tcp(int i)
{
	struct iphdr *iph = out_ip(i);

	return (struct tcphdr *)((uint8_t *)iph + (iph->ihl_version & 0xf) * 4);
}
static unsigned int out_payload(int i)
{
	return ntohs(out_ip(i)->tot_len) - (out_ip(i)->ihl_version & 0xf) * 4 -
	       tcp_hdrlen(out_tcp(i));
}

/* Delivered packet i: its first sequence number, payload, segment count. */
static void assert_out(int i, uint32_t seq, unsigned int payload, unsigned int segs)
{
	struct tcphdr *th = out_tcp(i);
	uint8_t *p = (uint8_t *)th + tcp_hdrlen(th);

	assert_true(i < nout);
	assert_int_equal(ntohl(th->seq), seq);
	assert_int_equal(out_payload(i), payload);
	assert_int_equal(out[i]->len, ETH_HLEN + ntohs(out_ip(i)->tot_len));
	assert_int_equal(ip_compute_csum(out_ip(i), 20), 0);
	assert_int_equal(out[i]->gso_segs, segs > 1 ? segs : 0);
	assert_int_equal(out[i]->gso_size, segs > 1 ? MSS : 0);
	for (unsigned int k = 0; k < payload; k++)
		if (p[k] != payload_byte(seq + k))
			fail_msg("payload byte %u of packet %d", k, i);
}

static void deliver_all(void) { napi_gro_flush(&napi); }

static long pool_bufs(void)
{
	struct gro_stats st;

	gro_get_stats(&st);
	return (long)st.pool_bufs;
}

static int setup(void **state)
{
	(void)state;
	skb_base = skb_in_use();
	kmalloc_base = fake_kmalloc_in_use() - pool_bufs();
	netif_napi_add(NULL, &napi, NULL);
	net_gro_enabled = 1;
	nout = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	napi_gro_flush(&napi);
	for (int i = 0; i < nout; i++)
		kfree_skb(out[i]);
	nout = 0;
	assert_int_equal(napi.gro_count, 0);
	assert_int_equal(skb_in_use(), skb_base);
	assert_int_equal(fake_kmalloc_in_use() - pool_bufs(), kmalloc_base);
	return 0;
}

static void test_consecutive_segments_merge(void **state)
{
	struct gro_stats before, after;

	(void)state;
	gro_get_stats(&before);
	rx(data(1000, MSS));
	rx(data(1000 + MSS, MSS));
	rx(data(1000 + 2 * MSS, MSS));
	assert_int_equal(nout, 0); /* held until the poll ends */
	deliver_all();
	assert_int_equal(nout, 1);
	assert_out(0, 1000, 3 * MSS, 3);
	assert_int_equal(out[0]->gso_type, SKB_GSO_TCPV4);
	assert_int_equal(out[0]->ip_summed, CHECKSUM_UNNECESSARY); /* verified per segment */
	gro_get_stats(&after);
	assert_int_equal(after.held - before.held, 1);
	assert_int_equal(after.merged - before.merged, 2);
	assert_int_equal(after.flushed - before.flushed, 1);
}

static void test_ip_ids_need_not_be_consecutive(void **state)
{
	struct seg b = data(1000 + MSS, MSS);

	(void)state;
	b.id = 999;
	rx(data(1000, MSS));
	rx(b);
	deliver_all();
	assert_int_equal(nout, 1);
	assert_out(0, 1000, 2 * MSS, 2);
}

static void test_nic_checked_segments_merge(void **state)
{
	struct seg a = data(1000, MSS), b = data(1000 + MSS, MSS);

	(void)state;
	a.nic_checked = b.nic_checked = 1;
	rx(a);
	rx(b);
	deliver_all();
	assert_int_equal(nout, 1);
	assert_out(0, 1000, 2 * MSS, 2);
}

/*
 * A local sender's segments (virtio NEEDS_CSUM) have nothing to verify and
 * merge; the merge's checksum field is the pseudo-header sum of its own
 * length, so that completing it from csum_start gives a valid checksum.
 */
static void test_partial_checksum_segments_merge(void **state)
{
	struct seg a = data(1000, MSS), b = data(1000 + MSS, MSS), c = data(1000 + 2 * MSS, MSS);
	struct tcphdr *th;
	unsigned int l4;
	uint8_t *start;

	(void)state;
	a.partial = b.partial = c.partial = 1;
	rx(a);
	rx(b);
	rx(c);
	deliver_all();
	assert_int_equal(nout, 1);
	assert_out(0, 1000, 3 * MSS, 3);
	assert_int_equal(out[0]->ip_summed, CHECKSUM_PARTIAL);
	th = out_tcp(0);
	l4 = ntohs(out_ip(0)->tot_len) - 20;
	start = out[0]->head + out[0]->csum_start;
	assert_ptr_equal(start, (uint8_t *)th);
	assert_int_equal(out[0]->csum_offset, offsetof(struct tcphdr, check));
	th->check = csum_fold(csum_partial(start, (int)l4, 0)); /* what the NIC would do */
	assert_int_equal(csum_tcpudp_magic(out_ip(0)->saddr, out_ip(0)->daddr, (uint16_t)l4,
					   IPPROTO_TCP, csum_partial(th, (int)l4, 0)),
			 0);
}

static void test_single_segment_is_an_ordinary_packet(void **state)
{
	(void)state;
	rx(data(1000, MSS));
	deliver_all();
	assert_int_equal(nout, 1);
	assert_out(0, 1000, MSS, 1);
	assert_int_equal(out[0]->ip_summed, CHECKSUM_UNNECESSARY);
}

static void test_smaller_segment_merges_and_ends_the_merge(void **state)
{
	(void)state;
	rx(data(1000, MSS));
	rx(data(1000 + MSS, 500));
	assert_int_equal(nout, 1); /* delivered at once, not at the poll's end */
	assert_out(0, 1000, MSS + 500, 2);
	rx(data(1000 + MSS + 500, MSS)); /* starts a new merge */
	assert_int_equal(nout, 1);
	deliver_all();
	assert_int_equal(nout, 2);
	assert_out(1, 1000 + MSS + 500, MSS, 1);
}

static void test_larger_segment_does_not_merge(void **state)
{
	(void)state;
	rx(data(1000, 1000));
	rx(data(2000, MSS));
	assert_int_equal(nout, 1);
	assert_out(0, 1000, 1000, 1);
	deliver_all();
	assert_int_equal(nout, 2);
	assert_out(1, 2000, MSS, 1);
}

static void test_psh_merges_and_ends_the_merge(void **state)
{
	struct seg b = data(1000 + MSS, MSS);

	(void)state;
	b.flags |= TCPHDR_PSH;
	rx(data(1000, MSS));
	rx(b);
	assert_int_equal(nout, 1);
	assert_out(0, 1000, 2 * MSS, 2);
	assert_int_equal(out_tcp(0)->flags, TCPHDR_ACK | TCPHDR_PSH);
}

static void test_psh_segment_alone_is_not_held(void **state)
{
	struct seg a = data(1000, MSS);

	(void)state;
	a.flags |= TCPHDR_PSH;
	rx(a);
	assert_int_equal(nout, 1);
	assert_int_equal(napi.gro_count, 0);
	assert_out(0, 1000, MSS, 1);
}

/* A held segment, then one that must not merge: both delivered, in order. */
static void assert_no_merge(struct seg b)
{
	rx(data(1000, MSS));
	rx(b);
	deliver_all();
	assert_int_equal(nout, 2);
	assert_out(0, 1000, MSS, 1);
	assert_int_equal(ntohl(out_tcp(1)->seq), b.seq);
	assert_int_equal(out[1]->gso_segs, 0);
}

static void test_flags_other_than_ack_psh_do_not_merge(void **state)
{
	static const uint8_t flags[] = {TCPHDR_FIN, TCPHDR_SYN, TCPHDR_RST,
					TCPHDR_URG, TCPHDR_ECE, TCPHDR_CWR};

	(void)state;
	for (size_t i = 0; i < sizeof(flags); i++) {
		struct seg b = data(1000 + MSS, MSS);

		b.flags |= flags[i];
		assert_no_merge(b);
		teardown(NULL);
	}
}

static void test_segment_without_ack_does_not_merge(void **state)
{
	struct seg b = data(1000 + MSS, MSS);

	(void)state;
	b.flags = 0;
	assert_no_merge(b);
}

static void test_pure_ack_does_not_merge(void **state)
{
	(void)state;
	assert_no_merge(data(1000 + MSS, 0));
}

static void test_sequence_gap_does_not_merge(void **state)
{
	(void)state;
	assert_no_merge(data(1000 + 2 * MSS, MSS));
}

static void test_retransmission_does_not_merge(void **state)
{
	(void)state;
	assert_no_merge(data(1000, MSS));
}

static void test_different_ack_does_not_merge(void **state)
{
	struct seg b = data(1000 + MSS, MSS);

	(void)state;
	b.ack++;
	assert_no_merge(b);
}

static void test_different_window_does_not_merge(void **state)
{
	struct seg b = data(1000 + MSS, MSS);

	(void)state;
	b.window++;
	assert_no_merge(b);
}

static void test_same_options_merge_different_ones_do_not(void **state)
{
	struct seg a = data(1000, MSS), b = data(1000 + MSS, MSS), c = data(1000 + 2 * MSS, MSS);

	(void)state;
	a.ts = b.ts = 5;
	c.ts = 6; /* another timestamp value: Linux compares the option bytes */
	rx(a);
	rx(b);
	rx(c);
	deliver_all();
	assert_int_equal(nout, 2);
	assert_out(0, 1000, 2 * MSS, 2);
	assert_out(1, 1000 + 2 * MSS, MSS, 1);
}

static void test_options_against_none_do_not_merge(void **state)
{
	struct seg b = data(1000 + MSS, MSS);

	(void)state;
	b.ts = 5;
	assert_no_merge(b);
}

static void test_different_tos_ttl_df_do_not_merge(void **state)
{
	(void)state;
	for (int rule = 0; rule < 3; rule++) {
		struct seg b = data(1000 + MSS, MSS);

		if (rule == 0)
			b.tos = 0x10;
		else if (rule == 1)
			b.ttl = 63;
		else
			b.frag_off = 0;
		assert_no_merge(b);
		teardown(NULL);
	}
}

static void test_other_flow_is_held_apart(void **state)
{
	struct seg b1 = data(50000, MSS), b2 = data(50000 + MSS, MSS);

	(void)state;
	b1.sport = b2.sport = 40001;
	rx(data(1000, MSS));
	rx(b1);
	rx(data(1000 + MSS, MSS));
	rx(b2);
	assert_int_equal(napi.gro_count, 2);
	deliver_all();
	assert_int_equal(nout, 2);
	assert_out(0, 1000, 2 * MSS, 2); /* oldest first */
	assert_out(1, 50000, 2 * MSS, 2);
}

static void test_not_mergeable_frames_bypass(void **state)
{
	struct seg opt = data(1000, MSS), frag = data(1000, MSS), bad = data(1000, MSS);

	(void)state;
	opt.ip_options = 1;
	frag.frag_off = IP_MF;
	bad.bad_csum = 1;
	rx(opt);
	rx(frag);
	rx(bad);
	assert_int_equal(nout, 3);
	assert_int_equal(napi.gro_count, 0);
	assert_int_equal(out[2]->ip_summed, CHECKSUM_NONE); /* left for tcp_v4_rcv to drop */
}

static void test_bad_checksum_ends_the_flows_merge(void **state)
{
	struct seg b = data(1000 + MSS, MSS);

	(void)state;
	b.bad_csum = 1;
	assert_no_merge(b);
}

/*
 * A segment that continues a merge is summed as its payload is copied in:
 * a bad sum takes the copy back, so the merge so far is delivered as it
 * was (length, headers, payload) and the bad segment goes up unverified.
 */
static void test_bad_checksum_after_a_merge_leaves_it_intact(void **state)
{
	struct seg c = data(1000 + 2 * MSS, MSS);

	(void)state;
	c.bad_csum = 1;
	rx(data(1000, MSS));
	rx(data(1000 + MSS, MSS));
	rx(c);
	deliver_all();
	assert_int_equal(nout, 2);
	assert_out(0, 1000, 2 * MSS, 2);
	assert_int_equal(ntohl(out_tcp(1)->seq), 1000 + 2 * MSS);
	assert_int_equal(out[1]->gso_segs, 0);
	assert_int_equal(out[1]->ip_summed, CHECKSUM_NONE); /* left for tcp_v4_rcv to drop */
}

/* Odd payload lengths: the fused copy and sum handles every tail (an odd byte, RFC 1071 4.1). */
static void test_odd_sized_segments_are_verified_and_merged(void **state)
{
	struct seg b = data(1000 + MSS, 1001), c = data(1000 + MSS + 1001, 7);

	(void)state;
	c.bad_csum = 1;
	rx(data(1000, MSS));
	rx(b); /* smaller than the first: merged, and the merge ends */
	assert_int_equal(nout, 1);
	assert_out(0, 1000, MSS + 1001, 2);
	rx(data(3000, 13));
	rx(c); /* not contiguous: the held one goes first, c unverified */
	deliver_all();
	assert_int_equal(nout, 3);
	assert_int_equal(out[2]->ip_summed, CHECKSUM_NONE);
}

static void test_non_tcp_bypasses(void **state)
{
	struct sk_buff *arp = alloc_skb(RX_BUF);
	struct ethhdr *eth;

	(void)state;
	skb_reserve(arp, HEADROOM);
	eth = (struct ethhdr *)skb_put(arp, 60);
	memset(eth, 0, 60);
	eth->h_proto = htons(ETH_P_ARP);
	napi_gro_receive(&napi, arp);
	assert_int_equal(nout, 1);
	assert_ptr_equal(out[0], arp);
}

static void test_merge_stops_at_gro_max_size(void **state)
{
	int fit = (GRO_MAX_SIZE - 40) / MSS; /* 22 segments of 1448 make 31896 bytes of IP */
	uint32_t seq = 1000;

	(void)state;
	for (int i = 0; i <= fit; i++, seq += MSS)
		rx(data(seq, MSS));
	assert_int_equal(nout, 1);
	assert_out(0, 1000, (unsigned int)fit * MSS, (unsigned int)fit);
	assert_true(ntohs(out_ip(0)->tot_len) + MSS >
		    GRO_MAX_SIZE); /* stopped at the limit, not before */
	deliver_all();
	assert_int_equal(nout, 2);
	assert_out(1, 1000 + (uint32_t)fit * MSS, MSS, 1);
}

static void test_table_full_delivers_the_oldest(void **state)
{
	(void)state;
	for (int f = 0; f <= MAX_GRO_SKBS; f++) {
		struct seg s = data(1000, MSS);

		s.sport = (uint16_t)(40000 + f);
		rx(s);
	}
	assert_int_equal(nout, 1);
	assert_int_equal(ntohs(out_tcp(0)->source), 40000);
	assert_int_equal(napi.gro_count, MAX_GRO_SKBS);
}

static void test_no_memory_to_grow_delivers_unmerged(void **state)
{
	struct sk_buff *second = seg(data(1000 + MSS, MSS));

	(void)state;
	rx(data(1000, MSS));
	fake_kmalloc_fail_nth(1); /* the large buffer the first segment would move into */
	napi_gro_receive(&napi, second);
	fake_kmalloc_fail_nth(0);
	deliver_all();
	assert_int_equal(nout, 2);
	assert_out(0, 1000, MSS, 1);
	assert_out(1, 1000 + MSS, MSS, 1);
}

static void test_merge_buffers_are_reused(void **state)
{
	long before;

	(void)state;
	rx(data(1000, MSS));
	rx(data(1000 + MSS, MSS));
	deliver_all();
	before = pool_bufs();
	kfree_skb(out[0]); /* the reader consumed it: its buffer goes back to the pool */
	nout = 0;
	rx(data(1000 + 2 * MSS, MSS));
	rx(data(1000 + 3 * MSS, MSS));
	deliver_all();
	assert_int_equal(nout, 1);
	assert_out(0, 1000 + 2 * MSS, 2 * MSS, 2);
	assert_int_equal(pool_bufs(), before);
}

static void test_all_merge_buffers_in_use_delivers_unmerged(void **state)
{
	uint32_t seq = 1000;

	(void)state;
	for (int i = 0; i < GRO_POOL_MAX; i++, seq += 2 * MSS) {
		rx(data(seq, MSS));
		rx(data(seq + MSS, MSS));
		deliver_all(); /* each merged skb stays with the "socket" (out[]) */
	}
	assert_int_equal(pool_bufs(), GRO_POOL_MAX);
	rx(data(seq, MSS));
	rx(data(seq + MSS, MSS));
	deliver_all();
	assert_int_equal(nout, GRO_POOL_MAX + 2);
	assert_out(GRO_POOL_MAX, seq, MSS, 1);
	assert_out(GRO_POOL_MAX + 1, seq + MSS, MSS, 1);
}

static void test_disabled_delivers_every_frame(void **state)
{
	(void)state;
	net_gro_enabled = 0;
	rx(data(1000, MSS));
	rx(data(1000 + MSS, MSS));
	assert_int_equal(nout, 2);
	assert_int_equal(napi.gro_count, 0);
}

/* A NAPI poll that hands up `poll_frames` segments of one flow and stays scheduled. */
static int poll_frames, polls;
static uint32_t poll_seq;

static int fake_poll(struct napi_struct *n, int budget)
{
	(void)budget;
	polls++;
	for (int i = 0; i < poll_frames; i++, poll_seq += MSS)
		napi_gro_receive(n, seg(data(poll_seq, MSS)));
	if (polls == 2)
		napi_complete(n);
	return poll_frames;
}

static void test_flushed_at_the_end_of_each_poll(void **state)
{
	struct napi_struct *n = &napi;

	(void)state;
	netif_napi_add(NULL, n, fake_poll);
	poll_frames = 3;
	polls = 0;
	poll_seq = 1000;
	napi_schedule(n);
	net_rx_action(); /* two polls: the first stays scheduled, the second completes */
	assert_int_equal(polls, 2);
	assert_int_equal(nout, 2);
	assert_out(0, 1000, 3 * MSS, 3);
	assert_out(1, 1000 + 3 * MSS, 3 * MSS, 3);
	assert_int_equal(n->gro_count, 0);
}

static void test_napi_complete_flushes(void **state)
{
	(void)state;
	napi_schedule(&napi);
	rx(data(1000, MSS));
	rx(data(1000 + MSS, MSS));
	napi_complete(&napi);
	assert_int_equal(nout, 1);
	assert_out(0, 1000, 2 * MSS, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_consecutive_segments_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip_ids_need_not_be_consecutive, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_nic_checked_segments_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_checksum_segments_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_single_segment_is_an_ordinary_packet, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_smaller_segment_merges_and_ends_the_merge,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_larger_segment_does_not_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_psh_merges_and_ends_the_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_psh_segment_alone_is_not_held, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_flags_other_than_ack_psh_do_not_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_segment_without_ack_does_not_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pure_ack_does_not_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_gap_does_not_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retransmission_does_not_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_different_ack_does_not_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_different_window_does_not_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_same_options_merge_different_ones_do_not,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_options_against_none_do_not_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_different_tos_ttl_df_do_not_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_other_flow_is_held_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_mergeable_frames_bypass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_checksum_ends_the_flows_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_checksum_after_a_merge_leaves_it_intact,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_odd_sized_segments_are_verified_and_merged,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_tcp_bypasses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_stops_at_gro_max_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_full_delivers_the_oldest, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_memory_to_grow_delivers_unmerged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_merge_buffers_are_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_merge_buffers_in_use_delivers_unmerged,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_delivers_every_frame, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_flushed_at_the_end_of_each_poll, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_napi_complete_flushes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
