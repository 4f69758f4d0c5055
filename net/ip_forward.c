/*
 * IPv4 forwarding (RFC 1812 5.2.1, "Forwarding Walk-Through"; Linux's
 * ip_forward): a datagram that reached us on one interface and is
 * addressed to someone else goes out again, towards its destination, with
 * one less TTL.  Off unless net.ipv4.ip_forward is 1 (RFC 1122 3.3.4.2).
 *
 * What is refused, in the order of the checks:
 *  - frames that were link-layer broadcast or multicast (RFC 1812 5.3.4:
 *    a router must not forward a datagram received as a link-layer
 *    broadcast), and martian addresses (ip_forward_martian);
 *  - a TTL that runs out: ICMP time exceeded (RFC 1812 5.3.1);
 *  - no route: ICMP network unreachable (RFC 1812 5.2.7.1);
 *  - a directed broadcast of another network (RFC 2644: not forwarded by
 *    default);
 *  - DF and larger than the outgoing MTU: ICMP fragmentation needed with
 *    that MTU (RFC 1191 4, RFC 1812 5.2.7.1); without DF the datagram is
 *    fragmented (ip_finish_output).
 * ARP failing on the outgoing side answers host unreachable (net/arp.c).
 * Every ICMP error goes through icmp_send's rate limit (RFC 1812 4.3.2.8).
 */
#include <arpa/inet.h>

#include "net/ip.h"
#include "net/icmp.h"
#include "net/eth.h"
#include "net/tcp.h"
#include "net/checksum.h"
#include "net/platform.h"

int sysctl_ip_forward;

int ip_forward_martian(uint32_t saddr, uint32_t daddr)
{
	uint32_t s = ntohl(saddr), d = ntohl(daddr);

	if ((s >> 24) == 0 || (s >> 24) == 127 || (s >> 28) >= 0xe)
		return 1; /* RFC 1812 5.3.7: 0/8, 127/8, multicast and class E sources */
	if ((d >> 24) == 0 || (d >> 24) == 127 || (d >> 28) >= 0xe)
		return 1; /* 0/8, 127/8, limited broadcast, class E; no multicast routing */
	if ((s >> 16) == 0xa9fe || (d >> 16) == 0xa9fe)
		return 1; /* RFC 3927 7: 169.254/16 never leaves its link */
	return 0;
}

void ip_decrease_ttl(struct iphdr *iph)
{
	/* The TTL is the high byte of the 16-bit word it shares with the protocol. */
	uint16_t old = htons((uint16_t)(iph->ttl << 8 | iph->protocol));
	uint16_t check = iph->check; /* not through a pointer into the packed header */

	iph->ttl--;
	csum_replace2(&check, old, htons((uint16_t)(iph->ttl << 8 | iph->protocol)));
	iph->check = check;
}

/*
 * A GSO packet (GRO merged it, or the host's virtio-net sent it whole) is
 * cut into segments on the way out, by the NIC or by software GSO: both
 * complete a checksum that holds the pseudo-header sum (as Linux's
 * tcp_gro_complete prepares a merged packet for forwarding).
 */
static int ip_forward_gso_prepare(struct sk_buff *skb, const struct iphdr *iph, unsigned int ihl)
{
	struct tcphdr *th;
	unsigned int tcp_len = ntohs(iph->tot_len) - ihl;

	if (iph->protocol != IPPROTO_TCP || tcp_len < sizeof(*th))
		return -EINVAL;
	skb->transport_header = skb->network_header + ihl;
	th = tcp_hdr(skb);
	th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, (uint16_t)tcp_len, IPPROTO_TCP, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb->transport_header;
	skb->csum_offset = offsetof(struct tcphdr, check);
	skb->gso_type = SKB_GSO_TCPV4;
	return 0;
}

/* The length of the largest IP packet skb becomes on the wire. */
static unsigned int ip_forward_wire_len(const struct sk_buff *skb, unsigned int ihl)
{
	const struct tcphdr *th = tcp_hdr(skb);

	if (!skb_is_gso(skb))
		return skb->len;
	return ihl + tcp_hdrlen(th) + skb->gso_size;
}

int ip_forward(struct sk_buff *skb)
{
	struct net_device *in = skb->dev, *out;
	struct iphdr *iph = ip_hdr(skb);
	unsigned int ihl = (iph->ihl_version & 0x0f) * 4;
	uint32_t nexthop, saddr;

	if (!sysctl_ip_forward)
		goto addr_error; /* a host: not ours, dropped (RFC 1122 3.3.4.2) */
	if (skb->pkt_type != PACKET_HOST)
		goto addr_error; /* RFC 1812 5.3.4: link-layer broadcast */
	if (ip_forward_martian(iph->saddr, iph->daddr)) {
		ip_statistics.in_martians++;
		goto addr_error;
	}
	/* RFC 1812 5.3.1: a TTL of 1 or 0 is not forwarded */
	if (iph->ttl <= 1) {
		icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL);
		goto error;
	}
	if (ip_route_output(iph->daddr, &out, &nexthop, &saddr)) {
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_NET_UNREACH);
		goto error;
	}
	if ((out->flags & IFF_LOOPBACK) || ip_is_broadcast(iph->daddr, out))
		goto addr_error; /* ours after all, or RFC 2644's directed broadcast */
	if (skb_is_gso(skb) && ip_forward_gso_prepare(skb, iph, ihl))
		goto error;
	if (ip_forward_wire_len(skb, ihl) > out->mtu) {
		if (iph->frag_off & htons(IP_DF)) {
			/* RFC 1191 4: the MTU of the next hop, in the unused field */
			__icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, out->mtu);
			goto error;
		}
		if (skb_is_gso(skb))
			goto error; /* GRO only merges alike DF segments: not seen from TCP */
	}
	ip_decrease_ttl(iph);
	in->stats.forw_in++;
	out->stats.forw_out++;
	ip_statistics.forw_datagrams++;
	skb->dev = out;
	return ip_output(skb, nexthop);

error:
	in->stats.forw_errors++;
	kfree_skb(skb);
	return -EHOSTUNREACH;
addr_error:
	in->stats.forw_errors += sysctl_ip_forward ? 1 : 0;
	ip_statistics.in_addr_errors++;
	kfree_skb(skb);
	return -EINVAL;
}
