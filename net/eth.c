/* Ethernet II framing: parse on receive, build on transmit. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "net/eth.h"

uint16_t eth_type_trans(struct sk_buff *skb, struct net_device *dev)
{
	struct ethhdr *eth;

	skb->dev = dev;
	skb_reset_mac_header(skb);
	if (!skb_pull(skb, ETH_HLEN))
		return 0;
	eth = eth_hdr(skb);
	if (is_multicast_ether_addr(eth->h_dest))
		skb->pkt_type =
			is_broadcast_ether_addr(eth->h_dest) ? PACKET_BROADCAST : PACKET_MULTICAST;
	else if (memcmp(eth->h_dest, dev->dev_addr, ETH_ALEN) == 0)
		skb->pkt_type = PACKET_HOST;
	else
		skb->pkt_type = PACKET_OTHERHOST;
	skb->protocol = eth->h_proto;
	return eth->h_proto;
}

void eth_header(struct sk_buff *skb, struct net_device *dev, uint16_t type, const uint8_t *daddr)
{
	struct ethhdr *eth = (struct ethhdr *)skb_push(skb, ETH_HLEN);

	skb_reset_mac_header(skb);
	memcpy(eth->h_dest, daddr ? daddr : dev->broadcast, ETH_ALEN);
	memcpy(eth->h_source, dev->dev_addr, ETH_ALEN);
	eth->h_proto = htons(type);
	skb->protocol = eth->h_proto;
	skb->dev = dev;
}

void ether_setup(struct net_device *dev)
{
	dev->type = ARPHRD_ETHER;
	dev->mtu = ETH_DATA_LEN;
	dev->flags |= IFF_BROADCAST;
	memset(dev->broadcast, 0xff, ETH_ALEN);
}

char *eth_addr_str(const uint8_t *m, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}
