/*
 * IPv4 input (RFC 791, RFC 1122 3.2.1): validate the header, keep what is
 * addressed to us, reassemble it when it came in fragments
 * (net/ip_fragment.c), hand it to the transport protocol.  What is not
 * ours goes to ip_forward (net/ip_forward.c), which drops it unless
 * forwarding is on.
 */
#include <arpa/inet.h>

#include "net/ip.h"
#include "net/checksum.h"
#include "net/loopback.h"
#include "net/platform.h"
#include "net/pktstat.h"

struct ip_mib ip_statistics;

int ip_is_broadcast(uint32_t daddr, const struct net_device *dev)
{
	if (daddr == htonl(0xffffffffu))
		return 1;
	return dev->netmask && dev->netmask != htonl(0xffffffffu) &&
	       daddr == (dev->ip_addr | ~dev->netmask);
}

int ip_rcv(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	const struct iphdr *iph;
	unsigned int ihl, tot_len;

	ip_statistics.in_receives++;
	if (skb->pkt_type == PACKET_OTHERHOST)
		goto drop; /* a frame for another MAC (promiscuous) */
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	if (skb->len < sizeof(struct iphdr))
		goto hdr_error; /* shorter than the fixed header */
	if ((iph->ihl_version >> 4) != 4)
		goto hdr_error; /* not IPv4 */
	ihl = (iph->ihl_version & 0x0f) * 4;
	if (ihl < sizeof(struct iphdr))
		goto hdr_error; /* IHL < 5 words (RFC 791 3.1) */
	if (skb->len < ihl)
		goto hdr_error; /* options run past the frame */
	if (ip_compute_csum(iph, ihl) != 0) {
		ip_statistics.in_csum_errors++;
		goto hdr_error; /* RFC 1122 3.2.1.2: silently discard */
	}
	tot_len = ntohs(iph->tot_len);
	if (tot_len > skb->len) {
		ip_statistics.in_truncated_pkts++;
		goto drop; /* frame shorter than the datagram */
	}
	if (tot_len < ihl)
		goto hdr_error; /* total length inside the header */
	skb_trim(skb, tot_len); /* drop Ethernet padding */
	if ((ntohl(iph->saddr) >> 28) == 0xe || ip_is_broadcast(iph->saddr, dev))
		goto addr_error; /* RFC 1122 3.2.1.3: source must be unicast */
	/*
	 * RFC 1122 3.2.1.3 (g): 127/8 "MUST NOT appear outside a host".  From a
	 * NIC, such a datagram is forged: without this check it would reach
	 * sockets bound to 127.0.0.1, and our answer would leave eth0 with a
	 * loopback source address (found by tests/fuzz/fuzz_rx).
	 */
	if (!(dev->flags & IFF_LOOPBACK) && ((ntohl(iph->saddr) & LOOPBACK_MASK) == LOOPBACK_NET ||
					     (ntohl(iph->daddr) & LOOPBACK_MASK) == LOOPBACK_NET))
		goto addr_error;
	if (!ip_is_local_addr(iph->daddr) && !ip_is_broadcast(iph->daddr, dev))
		return ip_forward(skb); /* not ours */
	/*
	 * RFC 1122 3.2.1.3 (a): 0.0.0.0 is a source only while a host learns
	 * its address, which it does by broadcast (as Linux's martian check).
	 * A unicast from it could only be answered to 0.0.0.0 (fuzz_rx saw
	 * SYN-ACKs sent there).
	 */
	if (iph->saddr == 0 && !ip_is_broadcast(iph->daddr, dev))
		goto addr_error;
	if (skb->pkt_type == PACKET_HOST && ip_is_broadcast(iph->daddr, dev))
		skb->pkt_type = PACKET_BROADCAST; /* so no ICMP error answers it */
	return ip_local_deliver(skb);

hdr_error:
	ip_statistics.in_hdr_errors++;
	goto drop;
addr_error:
	ip_statistics.in_addr_errors++;
drop:
	kfree_skb(skb);
	return -EINVAL;
}

int ip_local_deliver(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int ihl;

	if (ntohs(iph->frag_off) & (IP_MF | IP_OFFSET)) {
		skb = ip_defrag(skb);
		if (!skb)
			return -EINPROGRESS; /* queued, or dropped and counted */
		iph = ip_hdr(skb);
	}
	ihl = (iph->ihl_version & 0x0f) * 4;
	skb_pull(skb, ihl);
	skb_reset_transport_header(skb);
	switch (iph->protocol) {
	case IPPROTO_ICMP:
		ip_statistics.in_delivers++;
		return icmp_rcv(skb);
	case IPPROTO_UDP:
		ip_statistics.in_delivers++;
		return udp_rcv(skb);
	case IPPROTO_TCP: {
		unsigned int len = skb->len;
		uint64_t t0 = pktstat_start();
		int ret;

		ip_statistics.in_delivers++;
		ret = tcp_v4_rcv(skb);
		pktstat_end(NETCTL_PKTSTAT_tcp_v4_rcv, t0, len);
		return ret;
	}
	default:
		/* RFC 1122 3.2.2.1: protocol unreachable for an unknown transport. */
		ip_statistics.in_unknown_protos++;
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH);
		kfree_skb(skb);
		return -EPROTONOSUPPORT;
	}
}
