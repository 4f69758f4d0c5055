/*
 * TCP segmentation in software (Linux's tcp_gso_segment): a GSO packet,
 * one TCP header in front of up to 64 KiB of payload, is cut into the
 * gso_size-byte segments a device without NETIF_F_TSO can send.  Each
 * segment is a copy of the headers followed by its slice of the payload,
 * with the header fields that differ per segment rewritten the way a TSO
 * NIC rewrites them (Intel 8254x manual 13.8.4 "TCP Segmentation", and
 * Linux): the sequence number advances by the payload before it; FIN and
 * PSH stay on the last segment only, CWR on the first only (RFC 3168
 * 6.1.2: CWR is set once per window reduction); the checksum is left
 * CHECKSUM_PARTIAL over the segment's own pseudo-header, for the device
 * or skb_checksum_help to complete.  inet_gso_segment (ip_output.c) then
 * gives each segment its IP length, identification and header checksum.
 */
#include <arpa/inet.h>

#include "net/platform.h"
#include "net/checksum.h"
#include "net/ip.h"
#include "net/tcp_priv.h"

/* A segment: the headers of skb (from data to the end of the TCP header,
 * hlen bytes) and len bytes of its payload from offset off. */
static struct sk_buff *tcp_gso_one(const struct sk_buff *skb, unsigned int hlen, unsigned int off,
				   unsigned int len)
{
	unsigned int shift = skb->data - skb->head;
	struct sk_buff *seg = alloc_skb(hlen + len);

	if (!seg)
		return NULL;
	memcpy(skb_put(seg, hlen), skb->data, hlen);
	memcpy(skb_put(seg, len), skb->data + hlen + off, len);
	/* The segment's buffer starts at the frame, so every offset moves by
	 * the original's headroom. */
	seg->mac_header = skb->mac_header - shift;
	seg->network_header = skb->network_header - shift;
	seg->transport_header = skb->transport_header - shift;
	seg->protocol = skb->protocol;
	seg->dev = skb->dev;
	seg->pkt_type = skb->pkt_type;
	memcpy(seg->cb, skb->cb, sizeof(seg->cb));
	return seg;
}

int tcp_gso_segment(struct sk_buff *skb, struct sk_buff_head *segs)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	unsigned int thlen, hlen, payload, mss = skb->gso_size, off;
	uint32_t seq;
	uint8_t flags;

	if (!(skb->gso_type & SKB_GSO_TCPV4) || !mss)
		return -EINVAL;
	if (skb_transport_header(skb) + sizeof(*th) > skb->tail)
		return -EINVAL;
	thlen = tcp_hdrlen(th);
	if (thlen < sizeof(*th) || skb_transport_header(skb) + thlen > skb->tail)
		return -EINVAL;
	hlen = skb_transport_header(skb) + thlen - skb->data;
	payload = skb->len - hlen;
	if (payload <= mss)
		return -EINVAL; /* nothing to cut: the caller sends it as it is */
	seq = ntohl(th->seq);
	flags = th->flags;

	skb_queue_head_init(segs);
	for (off = 0; off < payload; off += mss) {
		unsigned int len = payload - off < mss ? payload - off : mss;
		struct sk_buff *seg = tcp_gso_one(skb, hlen, off, len);
		struct tcphdr *sth;

		if (!seg) {
			skb_queue_purge(segs);
			return -ENOMEM;
		}
		sth = tcp_hdr(seg);
		sth->seq = htonl(seq + off);
		sth->flags = flags;
		if (off)
			sth->flags &= ~TCPHDR_CWR;
		if (off + len < payload)
			sth->flags &= ~(TCPHDR_FIN | TCPHDR_PSH);
		sth->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, (uint16_t)(thlen + len),
						IPPROTO_TCP, 0);
		seg->ip_summed = CHECKSUM_PARTIAL;
		seg->csum_start = seg->transport_header;
		seg->csum_offset = offsetof(struct tcphdr, check);
		skb_queue_tail(segs, seg);
	}
	return 0;
}
