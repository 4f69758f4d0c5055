/*
 * IPv4 output: route, build the header (RFC 791 3.1), resolve the next
 * hop's link address, hand the frame to the device.  A datagram larger
 * than the MTU is fragmented when its DF bit is clear (UDP, ICMP replies
 * and errors, forwarded datagrams without DF: net/ip_fragment.c) and
 * refused with -EMSGSIZE when it is set: TCP and ping set DF, for path MTU
 * discovery (RFC 1191).  What we send is cut to the path MTU learnt for
 * its destination (net/route_cache.c), what we forward to the device's.
 */
#include <arpa/inet.h>

#include "net/ip.h"
#include "net/route.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/checksum.h"
#include "net/platform.h"
#include "net/tcp.h"

#define IP_MAX_PACKET 65535 /* tot_len is 16 bits */

static uint16_t ip_ident; /* RFC 6864: only unique per (src, dst, proto) in flight */

static int ip_discard(struct sk_buff *skb, int err)
{
	ip_statistics.out_discards++;
	kfree_skb(skb);
	return err;
}

/* The IP length of the packets skb becomes on the wire: a GSO packet is
 * cut into segments of its headers and gso_size bytes (Linux's
 * skb_gso_validate_network_len). */
static unsigned int ip_wire_len(const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	if (!skb_is_gso(skb))
		return skb->len;
	return skb->transport_header - skb->network_header + tcp_hdrlen(th) + skb->gso_size;
}

/* The link layer: the frame's destination address, then the device. */
static int ip_finish_output2(struct sk_buff *skb, uint32_t nexthop)
{
	struct net_device *dev = skb->dev;
	uint32_t nh = ntohl(nexthop);

	if (dev->flags & IFF_LOOPBACK) {
		eth_header(skb, dev, ETH_P_IP, dev->dev_addr);
		return dev_queue_xmit(skb);
	}
	if (nexthop == htonl(0xffffffffu) ||
	    (dev->netmask != htonl(0xffffffffu) && nexthop == (dev->ip_addr | ~dev->netmask))) {
		eth_header(skb, dev, ETH_P_IP, NULL);
		return dev_queue_xmit(skb);
	}
	if ((nh >> 28) == 0xe) {
		/* RFC 1112 6.4: 01:00:5e and the low 23 bits of the group. */
		uint8_t mac[ETH_ALEN] = {0x01,	   0x00, 0x5e, (nh >> 16) & 0x7f, (nh >> 8) & 0xff,
					 nh & 0xff};

		eth_header(skb, dev, ETH_P_IP, mac);
		return dev_queue_xmit(skb);
	}
	return arp_output(skb, dev, nexthop);
}

/*
 * mtu: the path's (ip_route_mtu) for what we send, the device's for what
 * we forward (as Linux without ip_forward_use_pmtu).  A datagram without
 * DF is cut to it.  One with DF (TCP, ping) goes out if the device takes
 * it: TCP sizes its segments to the path MTU already, and a stale one
 * that a narrower path drops brings a fragmentation needed that renews
 * the learnt MTU.
 */
static int ip_finish_output_mtu(struct sk_buff *skb, uint32_t nexthop, unsigned int mtu)
{
	struct net_device *dev = skb->dev;
	unsigned int len = ip_wire_len(skb);

	if (len > mtu) {
		if (skb_is_gso(skb) || (ip_hdr(skb)->frag_off & htons(IP_DF))) {
			if (len > dev->mtu)
				return ip_discard(skb, -EMSGSIZE);
		} else {
			return ip_do_fragment(skb, mtu, nexthop, ip_finish_output2);
		}
	}
	return ip_finish_output2(skb, nexthop);
}

int ip_finish_output(struct sk_buff *skb, uint32_t nexthop)
{
	return ip_finish_output_mtu(skb, nexthop, skb->dev->mtu);
}

int ip_output(struct sk_buff *skb, uint32_t nexthop)
{
	skb->protocol = htons(ETH_P_IP);
	return ip_finish_output(skb, nexthop);
}

/* The header's length and checksum, then out at most mtu bytes at a time. */
static int __ip_local_out(struct sk_buff *skb, uint32_t nexthop, unsigned int mtu)
{
	struct iphdr *iph = ip_hdr(skb);

	if (skb->len > IP_MAX_PACKET)
		return ip_discard(skb, -EMSGSIZE);
	iph->tot_len = htons(skb->len);
	iph->check = 0;
	iph->check = ip_compute_csum(iph, sizeof(*iph));
	skb->protocol = htons(ETH_P_IP);
	return ip_finish_output_mtu(skb, nexthop, mtu);
}

int ip_local_out(struct sk_buff *skb, uint32_t nexthop)
{
	return __ip_local_out(skb, nexthop, skb->dev->mtu);
}

int ip_send_datagram(struct sk_buff *skb, struct sk_dst *dst, uint32_t saddr, uint32_t daddr,
		     uint8_t protocol, uint16_t frag_off, uint8_t ttl)
{
	struct net_device *dev;
	uint32_t nexthop, rt_saddr;
	struct iphdr *iph;
	unsigned int mtu;
	int err;

	ip_statistics.out_requests++;
	if (dst)
		err = ip_route_output_cached(dst, daddr, &dev, &nexthop, &rt_saddr);
	else
		err = ip_route_output(daddr, &dev, &nexthop, &rt_saddr);
	if (err) {
		kfree_skb(skb);
		return err;
	}
	mtu = dst ? dst->mtu : ip_route_mtu(daddr, dev, nexthop, NULL);
	if (skb_headroom(skb) < sizeof(*iph) + ETH_HLEN)
		return ip_discard(skb, -ENOBUFS); /* the caller reserved too little */
	skb_reset_transport_header(skb);
	iph = (struct iphdr *)skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->ihl_version = (4 << 4) | (sizeof(*iph) / 4);
	iph->tos = 0;
	iph->id = htons(ip_ident);
	/* a GSO packet's segments take consecutive ids (inet_gso_segment) */
	ip_ident += skb_is_gso(skb) ? skb->gso_segs : 1;
	iph->frag_off = htons(frag_off);
	iph->ttl = ttl ? ttl : IP_DEFAULT_TTL;
	iph->protocol = protocol;
	iph->saddr = saddr ? saddr : rt_saddr;
	iph->daddr = daddr;
	skb->dev = dev;
	return __ip_local_out(skb, nexthop, mtu);
}

int ip_queue_xmit(struct sk_buff *skb, uint32_t saddr, uint32_t daddr, uint8_t protocol)
{
	return ip_send_datagram(skb, NULL, saddr, daddr, protocol, IP_DF, 0);
}

int ip_queue_xmit_dst(struct sk_buff *skb, struct sk_dst *dst, uint32_t saddr, uint32_t daddr,
		      uint8_t protocol)
{
	return ip_send_datagram(skb, dst, saddr, daddr, protocol, IP_DF, 0);
}

int ip_build_and_send_pkt(struct sk_buff *skb, uint32_t saddr, uint32_t daddr, uint8_t protocol)
{
	return ip_send_datagram(skb, NULL, saddr, daddr, protocol, IP_DF, 0);
}

/*
 * The IPv4 part of software GSO (Linux's inet_gso_segment): the TCP part
 * cuts the payload, then every segment gets its own total length, the
 * next identification (RFC 6864 4.1: the ids of the datagrams a TSO NIC
 * would send) and its header checksum.
 */
int inet_gso_segment(struct sk_buff *skb, struct sk_buff_head *segs)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct list_head *pos;
	uint16_t id;
	int err;

	if (skb_network_header(skb) + sizeof(*iph) > skb->tail || iph->ihl_version != 0x45 ||
	    iph->protocol != IPPROTO_TCP ||
	    skb->transport_header != skb->network_header + sizeof(*iph))
		return -EINVAL;
	id = ntohs(iph->id);
	err = tcp_gso_segment(skb, segs);
	if (err)
		return err;
	list_for_each (pos, &segs->list) {
		struct sk_buff *seg = list_entry(pos, struct sk_buff, list);
		struct iphdr *siph = ip_hdr(seg);

		siph->tot_len = htons(seg->tail - skb_network_header(seg));
		siph->id = htons(id++);
		siph->check = 0;
		siph->check = ip_compute_csum(siph, sizeof(*siph));
	}
	return 0;
}
