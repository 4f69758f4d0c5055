/*
 * IPv4 (RFC 791): header, input (ip_rcv -> ip_local_deliver), output
 * (ip_queue_xmit / ip_build_and_send_pkt -> ip_local_out -> ip_output ->
 * ip_finish_output -> neighbour -> dev_queue_xmit) and routing.
 * Addresses are uint32_t in network byte order everywhere.
 */
#ifndef NET_IP_H
#define NET_IP_H

#include <stdint.h>
#include "net/skbuff.h"
#include "net/netdevice.h"

struct iphdr {
	uint8_t ihl_version; /* version (high 4 bits) and header length in words */
	uint8_t tos;	     /* type of service / DSCP+ECN */
	uint16_t tot_len;    /* header + payload, network order */
	uint16_t id;	     /* identification, network order */
	uint16_t frag_off;   /* flags (DF, MF) and fragment offset, network order */
	uint8_t ttl;	     /* time to live */
	uint8_t protocol;    /* IPPROTO_* of the payload */
	uint16_t check;	     /* header checksum */
	uint32_t saddr;	     /* source address, network order */
	uint32_t daddr;	     /* destination address, network order */
} __attribute__((packed));

#define IP_DF	       0x4000
#define IP_MF	       0x2000
#define IP_OFFSET      0x1fff
#define IP_DEFAULT_TTL 64

#ifndef IPPROTO_ICMP
#define IPPROTO_ICMP 1
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17
#endif

static inline struct iphdr *ip_hdr(const struct sk_buff *skb)
{
	return (struct iphdr *)skb_network_header(skb);
}

int ip_rcv(struct sk_buff *skb);	   /* from netif_receive_skb, data at the IP header */
int ip_local_deliver(struct sk_buff *skb); /* to icmp_rcv / udp_rcv / tcp_v4_rcv, data at L4 */

/*
 * Sends skb (data at the transport header, MAX_HEADER_LEN headroom) from
 * saddr to daddr.  Routes, builds the IP header, resolves the next hop.
 * Consumes skb.  Returns 0 or a negative errno (-ENETUNREACH, ...).
 */
int ip_queue_xmit(struct sk_buff *skb, uint32_t saddr, uint32_t daddr, uint8_t protocol);
/* The same through a socket's cached route (net/route.h; NULL: none). */
struct sk_dst;
int ip_queue_xmit_dst(struct sk_buff *skb, struct sk_dst *dst, uint32_t saddr, uint32_t daddr,
		      uint8_t protocol);
/* The same for packets sent without a connection (SYN-ACK, RST, ICMP). */
int ip_build_and_send_pkt(struct sk_buff *skb, uint32_t saddr, uint32_t daddr, uint8_t protocol);
/*
 * The steps below them, each consuming skb (data at the IP header, skb->dev
 * set): ip_local_out fills tot_len and the checksum, ip_output marks the
 * frame IPv4, ip_finish_output checks the MTU and resolves `nexthop`
 * (network order) to a link address (ARP, broadcast, multicast, loopback).
 */
int ip_local_out(struct sk_buff *skb, uint32_t nexthop);
int ip_output(struct sk_buff *skb, uint32_t nexthop);
int ip_finish_output(struct sk_buff *skb, uint32_t nexthop);
/* Software GSO for IPv4 (dev_queue_xmit, for a device without NETIF_F_TSO):
 * cuts skb (data at the MAC header) into segs; 0, or -EINVAL/-ENOMEM with
 * segs empty.  skb stays the caller's. */
int inet_gso_segment(struct sk_buff *skb, struct sk_buff_head *segs);

/*
 * Routing (net/route.h has the rest).  ip_route_output looks up daddr
 * (longest prefix match): fills the outgoing device, the next hop and our
 * source address.  ip_route_add/del are route_add/del with metric 0, any
 * next hop.
 */
int ip_route_output(uint32_t daddr, struct net_device **dev, uint32_t *nexthop, uint32_t *saddr);
int ip_route_add(uint32_t dst, uint32_t mask, uint32_t gateway, struct net_device *dev);
int ip_route_del(uint32_t dst, uint32_t mask);
/* printk's the table, one route a line (for a debugger's `call`). */
void ip_route_show(void);
/*
 * A loopback source address must not leave this host (RFC 1122 3.2.1.3:
 * 127/8 is "internal host loopback"): -EINVAL for saddr on a route through
 * dev unless dev is the loopback device, as Linux's __mkroute_output.
 */
int ip_route_check_source(uint32_t saddr, const struct net_device *dev);
/* Is addr one of ours (any interface, or 127/8)? */
int ip_is_local_addr(uint32_t addr);
/*
 * Configures dev's address and netmask: replaces the connected route of the
 * old address with the new one, flushes dev's ARP entries, and announces
 * the address (gratuitous ARP) when dev is up.  addr 0 removes the address.
 */
int inet_set_addr(struct net_device *dev, uint32_t addr, uint32_t netmask);

/* Transport handlers that ip_local_deliver calls (each consumes skb). */
int icmp_rcv(struct sk_buff *skb);
int udp_rcv(struct sk_buff *skb);
int tcp_v4_rcv(struct sk_buff *skb);
/* Sends an ICMP error about skb_in (RFC 792 / RFC 1122 3.2.2). */
void icmp_send(struct sk_buff *skb_in, int type, int code);

#define ICMP_ECHOREPLY	   0
#define ICMP_DEST_UNREACH  3
#define ICMP_ECHO	   8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PROT_UNREACH  2
#define ICMP_PORT_UNREACH  3

struct ip_mib {
	uint64_t in_receives, in_hdr_errors, in_addr_errors, in_unknown_protos, in_discards,
		in_delivers, out_requests, out_no_routes, frag_drops;
	uint64_t in_csum_errors;    /* also counted in in_hdr_errors */
	uint64_t in_truncated_pkts; /* tot_len beyond the frame */
	uint64_t out_discards;	    /* no memory, too big for the MTU, device down */
};
extern struct ip_mib ip_statistics;

#endif
