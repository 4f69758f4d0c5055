/*
 * Ethernet II framing (IEEE 802.3 / RFC 894): the 14-byte header in front
 * of every frame on an ARPHRD_ETHER device, and the loopback device too
 * (with all-zero addresses), so that every receive path starts the same.
 */
#ifndef NET_ETH_H
#define NET_ETH_H

#include <stdint.h>
#include "net/netdevice.h"

#define ETH_HLEN     14	  /* destination, source, type */
#define ETH_ZLEN     60	  /* minimum frame without FCS; shorter ones are padded */
#define ETH_DATA_LEN 1500 /* default MTU */

#define ETH_P_IP  0x0800
#define ETH_P_ARP 0x0806

struct ethhdr {
	uint8_t h_dest[ETH_ALEN];   /* destination MAC */
	uint8_t h_source[ETH_ALEN]; /* source MAC */
	uint16_t h_proto;	    /* ethertype, network order */
} __attribute__((packed));

static inline struct ethhdr *eth_hdr(const struct sk_buff *skb)
{
	return (struct ethhdr *)skb_mac_header(skb);
}

static inline int is_broadcast_ether_addr(const uint8_t *a)
{
	return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xff;
}

/* The group bit: the first bit on the wire (IEEE 802-2014 8.2). */
static inline int is_multicast_ether_addr(const uint8_t *a) { return a[0] & 0x01; }

static inline int is_zero_ether_addr(const uint8_t *a)
{
	return (a[0] | a[1] | a[2] | a[3] | a[4] | a[5]) == 0;
}

/*
 * Receive: sets the MAC header and skb->pkt_type, pulls the header and
 * returns the ethertype (network order), or 0 if the frame is shorter
 * than a header.
 */
uint16_t eth_type_trans(struct sk_buff *skb, struct net_device *dev);
/* Transmit: pushes a header to daddr (NULL: broadcast) from dev's address. */
void eth_header(struct sk_buff *skb, struct net_device *dev, uint16_t type, const uint8_t *daddr);
/* Fills a net_device with Ethernet defaults (MTU, broadcast address, flags, type). */
void ether_setup(struct net_device *dev);
/* Formats a MAC as "52:54:00:12:34:56" into buf (at least 18 bytes). */
char *eth_addr_str(const uint8_t *mac, char *buf);

#endif
