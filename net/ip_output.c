/*
 * IPv4 output: route, build the header (RFC 791 3.1), resolve the next
 * hop's link address, hand the frame to the device.  Datagrams larger than
 * the MTU are refused with -EMSGSIZE: this host never fragments, and sets
 * DF so that path MTU discovery (RFC 1191) works for its peers.
 */
#include <arpa/inet.h>

#include "net/ip.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/checksum.h"
#include "net/platform.h"

#define IP_MAX_PACKET 65535 /* tot_len is 16 bits */

static uint16_t ip_ident; /* RFC 6864: only unique per (src, dst, proto) in flight */

static int ip_discard(struct sk_buff *skb, int err)
{
	ip_statistics.out_discards++;
	kfree_skb(skb);
	return err;
}

int ip_finish_output(struct sk_buff *skb, uint32_t nexthop)
{
	struct net_device *dev = skb->dev;
	uint32_t nh = ntohl(nexthop);

	if (skb->len > dev->mtu)
		return ip_discard(skb, -EMSGSIZE);
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

int ip_output(struct sk_buff *skb, uint32_t nexthop)
{
	skb->protocol = htons(ETH_P_IP);
	return ip_finish_output(skb, nexthop);
}

int ip_local_out(struct sk_buff *skb, uint32_t nexthop)
{
	struct iphdr *iph = ip_hdr(skb);

	if (skb->len > IP_MAX_PACKET)
		return ip_discard(skb, -EMSGSIZE);
	iph->tot_len = htons(skb->len);
	iph->check = 0;
	iph->check = ip_compute_csum(iph, sizeof(*iph));
	return ip_output(skb, nexthop);
}

/* Routes and pushes the header onto skb, whose data is at the transport header. */
static int ip_send(struct sk_buff *skb, uint32_t saddr, uint32_t daddr, uint8_t protocol)
{
	struct net_device *dev;
	uint32_t nexthop, rt_saddr;
	struct iphdr *iph;
	int err;

	ip_statistics.out_requests++;
	err = ip_route_output(daddr, &dev, &nexthop, &rt_saddr);
	if (err) {
		kfree_skb(skb);
		return err;
	}
	if (skb_headroom(skb) < sizeof(*iph) + ETH_HLEN)
		return ip_discard(skb, -ENOBUFS); /* the caller reserved too little */
	skb_reset_transport_header(skb);
	iph = (struct iphdr *)skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->ihl_version = (4 << 4) | (sizeof(*iph) / 4);
	iph->tos = 0;
	iph->id = htons(ip_ident++);
	iph->frag_off = htons(IP_DF);
	iph->ttl = IP_DEFAULT_TTL;
	iph->protocol = protocol;
	iph->saddr = saddr ? saddr : rt_saddr;
	iph->daddr = daddr;
	skb->dev = dev;
	return ip_local_out(skb, nexthop);
}

int ip_queue_xmit(struct sk_buff *skb, uint32_t saddr, uint32_t daddr, uint8_t protocol)
{
	return ip_send(skb, saddr, daddr, protocol);
}

int ip_build_and_send_pkt(struct sk_buff *skb, uint32_t saddr, uint32_t daddr, uint8_t protocol)
{
	return ip_send(skb, saddr, daddr, protocol);
}
