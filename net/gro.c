/*
 * Generic receive offload (contract in net/gro.h).  The merge rules are
 * Linux's, from inet_gro_receive (net/ipv4/af_inet.c) and tcp_gro_receive
 * (net/ipv4/tcp_offload.c), kept to the strict side:
 *  - the same flow: Ethernet header, IPv4 addresses, protocol TCP, ports;
 *  - IPv4 without options and not a fragment (DF alone is allowed), with a
 *    valid header checksum; TOS, TTL and DF equal to the held packet's;
 *    IP ids need not be consecutive;
 *  - TCP: data offset, options (byte for byte, timestamps included, as
 *    Linux compares them), ack number and window equal; flags ACK, or
 *    ACK|PSH (merged, and the merge ends there); FIN, SYN, RST, URG, ECE and
 *    CWR never merge; a segment without payload (a pure ACK) never merges;
 *  - the next sequence number exactly, no segment larger than the first
 *    (gso_size), a smaller one ends the merge; at most GRO_MAX_SIZE bytes;
 *  - the TCP checksum verified (by the NIC: CHECKSUM_UNNECESSARY, or here
 *    in software, which then spares tcp_v4_rcv the work; a segment that
 *    continues a held merge is summed while its payload is copied, and a
 *    bad sum takes the copy back); a local
 *    sender's packet (CHECKSUM_PARTIAL, virtio's NEEDS_CSUM) has nothing to
 *    verify, and a merge of such packets gets the pseudo-header sum of its
 *    own length in its checksum field, as Linux's tcp4_gro_complete does.
 * A segment of a held flow that cannot merge delivers the held skb first,
 * so the flow's order is kept.
 */
#include <arpa/inet.h>

#include "net/gro.h"
#include "net/buf_pool.h"
#include "net/netdevice.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/tcp.h"
#include "net/checksum.h"
#include "net/platform.h"
#include "net/pktstat.h"

int net_gro_enabled = 1;
static struct gro_stats stats;
static struct buf_pool pool = BUF_POOL_INIT(GRO_BUF_SIZE, GRO_POOL_MAX); /* see gro_grow */
_Static_assert(GRO_POOL_MAX <= BUF_POOL_MAX, "GRO's pool is larger than a buf_pool holds");

/* The headers of a candidate frame (data at the Ethernet header). */
struct gro_seg {
	struct ethhdr *eth;
	struct iphdr *iph;
	struct tcphdr *th;
	unsigned int ip_len;  /* IP tot_len */
	unsigned int thlen;   /* TCP header with options */
	unsigned int payload; /* TCP payload bytes */
};

void gro_get_stats(struct gro_stats *st)
{
	*st = stats;
	st->pool_bufs = (uint64_t)pool.owned;
}

/* A TCP/IPv4 frame GRO may look at: 1, with g filled; else 0. */
static int gro_parse(struct sk_buff *skb, struct gro_seg *g)
{
	unsigned char *d = skb->data;

	if (skb->len < ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr))
		return 0;
	g->eth = (struct ethhdr *)d;
	g->iph = (struct iphdr *)(d + ETH_HLEN);
	if (g->eth->h_proto != htons(ETH_P_IP) || g->iph->ihl_version != 0x45)
		return 0; /* not IPv4, or IP options */
	g->ip_len = ntohs(g->iph->tot_len);
	if (g->iph->protocol != IPPROTO_TCP || ETH_HLEN + g->ip_len > skb->len ||
	    g->ip_len < sizeof(struct iphdr) + sizeof(struct tcphdr))
		return 0;
	if (ntohs(g->iph->frag_off) & (IP_MF | IP_OFFSET))
		return 0; /* a fragment: reassembly is ip_rcv's */
	if (ip_compute_csum(g->iph, sizeof(struct iphdr)))
		return 0; /* ip_rcv drops it and counts it */
	g->th = (struct tcphdr *)(g->iph + 1);
	g->thlen = tcp_hdrlen(g->th);
	if (g->thlen < sizeof(struct tcphdr) || sizeof(struct iphdr) + g->thlen > g->ip_len)
		return 0;
	g->payload = g->ip_len - sizeof(struct iphdr) - g->thlen;
	return 1;
}

/*
 * The headers of a held packet, which gro_parse validated when it was
 * held: located only, with no check and no IP header sum, since every
 * frame of the flow is compared with it (its IP header checksum is
 * stale until gro_deliver writes it).
 */
static void gro_held(struct sk_buff *p, struct gro_seg *h)
{
	unsigned char *d = p->data;

	h->eth = (struct ethhdr *)d;
	h->iph = (struct iphdr *)(d + ETH_HLEN);
	h->ip_len = ntohs(h->iph->tot_len);
	h->th = (struct tcphdr *)(h->iph + 1);
	h->thlen = tcp_hdrlen(h->th);
	h->payload = h->ip_len - sizeof(struct iphdr) - h->thlen;
}

/* Data with ACK, perhaps PSH, nothing else: what may merge if its checksum holds. */
static int gro_mergeable(const struct gro_seg *g)
{
	return g->payload && (g->th->flags & ~TCPHDR_PSH) == TCPHDR_ACK;
}

/* The pseudo-header and TCP header sum plus payload_sum, folded: 0 when the checksum holds. */
static uint16_t gro_tcp_csum(const struct gro_seg *g, uint32_t payload_sum)
{
	return csum_tcpudp_magic(g->iph->saddr, g->iph->daddr,
				 (uint16_t)(g->ip_len - sizeof(struct iphdr)), IPPROTO_TCP,
				 csum_partial(g->th, (int)g->thlen, payload_sum));
}

/* A segment about to be held: its checksum checked in software unless already known good. */
static int gro_csum_ok(struct sk_buff *skb, const struct gro_seg *g)
{
	if (skb_csum_unnecessary(skb))
		return 1;
	if (gro_tcp_csum(g, csum_partial((unsigned char *)g->th + g->thlen, (int)g->payload, 0)))
		return 0; /* tcp_v4_rcv drops it and counts it */
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return 1;
}

static int same_flow(const struct gro_seg *a, const struct gro_seg *b)
{
	return memcmp(a->eth, b->eth, ETH_HLEN) == 0 && a->iph->saddr == b->iph->saddr &&
	       a->iph->daddr == b->iph->daddr && a->th->source == b->th->source &&
	       a->th->dest == b->th->dest;
}

/* g continues held packet p (both parsed; g mergeable) without changing anything but length. */
static int can_merge(struct sk_buff *p, const struct gro_seg *h, const struct gro_seg *g)
{
	if (h->iph->tos != g->iph->tos || h->iph->ttl != g->iph->ttl ||
	    ((h->iph->frag_off ^ g->iph->frag_off) & htons(IP_DF)))
		return 0;
	if (h->thlen != g->thlen || h->th->ack_seq != g->th->ack_seq ||
	    h->th->window != g->th->window ||
	    memcmp(h->th + 1, g->th + 1, g->thlen - sizeof(struct tcphdr)))
		return 0;
	if (ntohl(h->th->seq) + (h->ip_len - sizeof(struct iphdr) - h->thlen) != ntohl(g->th->seq))
		return 0;
	return g->payload <= p->gso_size && h->ip_len + g->payload <= GRO_MAX_SIZE;
}

static void gro_deliver(struct napi_struct *napi, struct sk_buff *p)
{
	list_del(&p->list);
	napi->gro_count--;
	if (p->gso_segs <= 1) { /* nothing merged: an ordinary packet again */
		p->gso_size = 0;
		p->gso_segs = 0;
	} else {
		struct gro_seg h;

		gro_held(p, &h);
		/* once per merge, not per appended segment */
		h.iph->check = 0;
		h.iph->check = ip_compute_csum(h.iph, sizeof(struct iphdr));
		p->gso_type = SKB_GSO_TCPV4;
		if (p->ip_summed == CHECKSUM_PARTIAL) {
			h.th->check = ~csum_tcpudp_magic(
				h.iph->saddr, h.iph->daddr,
				(uint16_t)(h.ip_len - sizeof(struct iphdr)), IPPROTO_TCP, 0);
			p->csum_start = (uint16_t)((unsigned char *)h.th - p->head);
			p->csum_offset = offsetof(struct tcphdr, check);
		}
	}
	stats.flushed++;
	netif_receive_skb(p);
}

/*
 * Merged packets live in 32 KiB buffers kept for reuse (net/buf_pool.c): a
 * fresh allocation of that size (zeroed pages from the page allocator) per
 * merge would cost more than the merge saves.  When the pool's
 * GRO_POOL_MAX buffers are all in use (in socket receive queues), or
 * memory is short, segments are delivered unmerged.
 */
static void gro_buf_release(struct sk_buff *skb) { buf_pool_put(&pool, skb->head); }

/*
 * Moves held packet p into a pool buffer, with room behind it for a
 * GRO_MAX_SIZE packet (drivers' receive buffers hold one frame).  Returns
 * the skb now held in p's place, or NULL (p stays as it was).
 */
static struct sk_buff *gro_grow(struct sk_buff *p)
{
	void *buf = buf_pool_get(&pool);
	struct sk_buff *n = buf ? build_skb(buf, GRO_BUF_SIZE) : NULL;

	if (!n) {
		if (buf)
			buf_pool_put(&pool, buf);
		return NULL;
	}
	n->destructor = gro_buf_release;
	skb_reserve(n, GRO_HEADROOM);
	memcpy(skb_put(n, p->len), p->data, p->len);
	n->dev = p->dev;
	n->ip_summed = p->ip_summed;
	n->gso_size = p->gso_size;
	n->gso_segs = p->gso_segs;
	list_add(&n->list, &p->list);
	list_del(&p->list);
	kfree_skb(p);
	return n;
}

/*
 * Appends g's payload to p and frees skb (g is gone then); 0, or -errno
 * (nothing changed but perhaps p's buffer): -EBADMSG when skb's checksum,
 * summed as its payload is copied, does not hold.
 */
static int gro_append(struct sk_buff **pp, struct gro_seg *h, struct sk_buff *skb,
		      const struct gro_seg *g)
{
	struct sk_buff *p = *pp;
	unsigned char *from = (unsigned char *)g->th + g->thlen, *to;

	if (skb_tailroom(p) < g->payload) {
		if (p->destructor == gro_buf_release)
			return -ENOSPC; /* cannot happen below GRO_MAX_SIZE; never grow twice */
		p = gro_grow(p);
		if (!p)
			return -ENOMEM;
		*pp = p;
		gro_held(p, h);
	}
	to = skb_put(p, g->payload);
	if (skb_csum_unnecessary(skb)) {
		memcpy(to, from, g->payload);
	} else if (gro_tcp_csum(g, csum_partial_copy_nocheck(from, to, (int)g->payload))) {
		skb_trim(p, p->len - g->payload);
		return -EBADMSG;
	}
	h->ip_len += g->payload;
	h->iph->tot_len = htons((uint16_t)h->ip_len);
	h->th->flags |= g->th->flags & TCPHDR_PSH;
	p->gso_segs++;
	stats.merged++;
	kfree_skb(skb);
	return 0;
}

/* Starts a merge with skb (mergeable, no PSH), making room in the table if it must. */
static void gro_hold(struct napi_struct *napi, struct sk_buff *skb, const struct gro_seg *g)
{
	if (napi->gro_count >= MAX_GRO_SKBS)
		gro_deliver(napi, list_first_entry(&napi->gro_list, struct sk_buff, list));
	skb_trim(skb, ETH_HLEN + g->ip_len); /* Ethernet padding is no payload */
	skb->gso_size = (uint16_t)g->payload;
	skb->gso_segs = 1;
	list_add_tail(&skb->list, &napi->gro_list);
	napi->gro_count++;
	stats.held++;
}

static int gro_receive(struct napi_struct *napi, struct sk_buff *skb)
{
	struct gro_seg g, h;
	struct sk_buff *p;
	int mergeable, ends, err;

	if (!net_gro_enabled || !gro_parse(skb, &g))
		goto bypass;
	mergeable = gro_mergeable(&g);
	list_for_each_entry (p, &napi->gro_list, list) {
		gro_held(p, &h);
		if (!same_flow(&h, &g))
			continue;
		/* A short segment or PSH: the sender's write ends here. */
		ends = g.payload < p->gso_size || (g.th->flags & TCPHDR_PSH);
		err = mergeable && can_merge(p, &h, &g) ? gro_append(&p, &h, skb, &g) : -EINVAL;
		if (err == 0) {
			if (ends)
				gro_deliver(napi, p);
			return 0;
		}
		gro_deliver(napi, p); /* the flow goes on unmerged: keep its order */
		if (err == -EBADMSG)
			goto bypass;
		break;
	}
	if (mergeable && !(g.th->flags & TCPHDR_PSH) && gro_csum_ok(skb, &g)) {
		gro_hold(napi, skb, &g);
		return 0;
	}
bypass:
	stats.bypassed++;
	return netif_receive_skb(skb);
}

int napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb)
{
	unsigned int len = skb->len;
	uint64_t t0 = pktstat_start();
	int ret = gro_receive(napi, skb);

	pktstat_end(NETCTL_PKTSTAT_gro_receive, t0, len);
	return ret;
}

void napi_gro_flush(struct napi_struct *napi)
{
	while (!list_empty(&napi->gro_list))
		gro_deliver(napi, list_first_entry(&napi->gro_list, struct sk_buff, list));
}
