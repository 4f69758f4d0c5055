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
/* Is daddr a broadcast address for dev: limited, or dev's directed broadcast? */
int ip_is_broadcast(uint32_t daddr, const struct net_device *dev);

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
 * Any of the above with the header's DF bit and TTL chosen by the caller
 * (dst: a socket's cached route, or NULL): a datagram sent without IP_DF
 * is fragmented to the outgoing MTU (UDP, ICMP replies and errors,
 * traceroute's probes); ttl 0 means IP_DEFAULT_TTL.
 */
int ip_send_datagram(struct sk_buff *skb, struct sk_dst *dst, uint32_t saddr, uint32_t daddr,
		     uint8_t protocol, uint16_t frag_off, uint8_t ttl);

/*
 * The steps below them, each consuming skb (data at the IP header, skb->dev
 * set): ip_local_out fills tot_len and the checksum, ip_output marks the
 * frame IPv4, ip_finish_output checks the MTU and resolves `nexthop`
 * (network order) to a link address (ARP, broadcast, multicast, loopback).
 */
int ip_local_out(struct sk_buff *skb, uint32_t nexthop);
int ip_output(struct sk_buff *skb, uint32_t nexthop);
int ip_finish_output(struct sk_buff *skb, uint32_t nexthop);
/*
 * Fragmentation (RFC 791 3.2, "Fragmentation"; Linux's ip_do_fragment):
 * cuts skb (data at the IP header, no DF) into fragments of at most mtu
 * bytes, each sent with output(frag, nexthop).  Consumes skb.  0, or the
 * first error (-ENOMEM; an output's error).
 */
int ip_do_fragment(struct sk_buff *skb, unsigned int mtu, uint32_t nexthop,
		   int (*output)(struct sk_buff *skb, uint32_t nexthop));
/*
 * Reassembly (RFC 791 3.2, RFC 815; net/ip_fragment.c): skb is a fragment
 * addressed to us (data at the IP header).  Returns the whole datagram
 * (data at its IP header) once every piece is in, else NULL: skb was queued
 * or dropped (counted).  Consumes skb either way.
 */
struct sk_buff *ip_defrag(struct sk_buff *skb);
/* Frees every reassembly queue (tests, and a device's address change). */
void ip_frag_flush(void);
/* Bytes the reassembly queues hold, for the budget and for tests. */
size_t ip_frag_mem(void);
/*
 * Forwarding (RFC 1812 5.2, net/ip_forward.c): a datagram from dev not
 * addressed to us.  Consumes skb.  sysctl_ip_forward (net.ipv4.ip_forward,
 * 0 by default, RFC 1122 3.3.4.2: "a host MUST NOT forward unless
 * configured to") turns it on.
 */
int ip_forward(struct sk_buff *skb);
extern int sysctl_ip_forward;
/*
 * RFC 1812 5.3.7 and 4.2.2.11, RFC 3927 7 (link-local), RFC 1122
 * 3.2.1.3: 1 if a datagram from saddr to daddr must never be forwarded
 * (0/8, 127/8, 224/4 and 240/4 sources, limited broadcast, 169.254/16 on
 * either side, 0/8, 127/8 and class E destinations; multicast is not
 * routed here).
 */
int ip_forward_martian(uint32_t saddr, uint32_t daddr);
/*
 * Decrements the TTL and updates the header checksum incrementally (RFC
 * 1624 eqn. 3), as Linux's ip_decrease_ttl.
 */
void ip_decrease_ttl(struct iphdr *iph);
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
/* The same with the header's second word: info is the next-hop MTU of a
 * fragmentation needed (RFC 1191 4), in host order. */
void __icmp_send(struct sk_buff *skb_in, int type, int code, uint32_t info);

#define ICMP_ECHOREPLY	   0
#define ICMP_DEST_UNREACH  3
#define ICMP_ECHO	   8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_EXC_TTL	   0 /* time exceeded in transit (RFC 792) */
#define ICMP_EXC_FRAGTIME  1 /* fragment reassembly time exceeded */
#define ICMP_PROT_UNREACH  2
#define ICMP_PORT_UNREACH  3

struct ip_mib {
	uint64_t in_receives, in_hdr_errors, in_addr_errors, in_unknown_protos, in_discards,
		in_delivers, out_requests, out_no_routes, frag_drops;
	uint64_t in_csum_errors;    /* also counted in in_hdr_errors */
	uint64_t in_truncated_pkts; /* tot_len beyond the frame */
	uint64_t out_discards;	    /* no memory, too big for the MTU, device down */
	/* RFC 4293 ipSystemStatsTable names, as Linux's netstat -s */
	uint64_t forw_datagrams;		      /* forwarded (sent on) */
	uint64_t reasm_reqds, reasm_oks, reasm_fails; /* fragments in; datagrams built; failures */
	uint64_t reasm_timeout, reasm_overlaps;	      /* of the failures */
	uint64_t frag_oks, frag_fails, frag_creates;  /* datagrams cut; refused; fragments made */
	uint64_t in_martians;			      /* not forwarded: RFC 1812 5.3.7 */
};
extern struct ip_mib ip_statistics;

#endif
