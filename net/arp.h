/*
 * ARP (RFC 826) for IPv4 over Ethernet: the neighbour cache that
 * ip_finish_output resolves next hops through.
 *
 * An entry is INCOMPLETE while a request is outstanding (up to
 * ARP_QUEUE_LEN packets wait in it, the oldest dropped first; the request
 * is retried every ARP_RETRY_MS, ARP_MAX_PROBES times, then the entry and
 * its packets are dropped, each packet's sender getting an ICMP host
 * unreachable).  A resolved entry is REACHABLE for
 * ARP_REACHABLE_MS after it was last confirmed by a packet from the
 * neighbour, then STALE: still used, but each use re-sends a request (at
 * most one per ARP_RETRY_MS) so that a reply refreshes it.  An entry not
 * confirmed for ARP_EXPIRE_MS is deleted.
 *
 * All functions run in softirq context or with net_lock held.
 */
#ifndef NET_ARP_H
#define NET_ARP_H

#include <stdint.h>
#include "net/netdevice.h"

#define ARP_CACHE_SIZE	 32
#define ARP_QUEUE_LEN	 3     /* Linux's default unres_qlen is about this small */
#define ARP_RETRY_MS	 1000  /* Linux retrans_time */
#define ARP_MAX_PROBES	 3     /* Linux mcast_solicit */
#define ARP_REACHABLE_MS 30000 /* Linux base_reachable_time */
#define ARP_EXPIRE_MS	 60000 /* Linux gc_stale_time */

#define ARPOP_REQUEST 1
#define ARPOP_REPLY   2

/* RFC 826 packet format, specialised to Ethernet hardware and IPv4 protocol addresses. */
struct arphdr {
	uint16_t ar_hrd;	  /* hardware type: ARPHRD_ETHER, network order */
	uint16_t ar_pro;	  /* protocol type: ETH_P_IP, network order */
	uint8_t ar_hln;		  /* hardware address length: 6 */
	uint8_t ar_pln;		  /* protocol address length: 4 */
	uint16_t ar_op;		  /* ARPOP_REQUEST or ARPOP_REPLY, network order */
	uint8_t ar_sha[ETH_ALEN]; /* sender hardware address */
	uint32_t ar_sip;	  /* sender IPv4 address, network order */
	uint8_t ar_tha[ETH_ALEN]; /* target hardware address */
	uint32_t ar_tip;	  /* target IPv4 address, network order */
} __attribute__((packed));

enum arp_state { ARP_FREE, ARP_INCOMPLETE, ARP_REACHABLE, ARP_STALE };

/* One cache entry as the `arp` command shows it. */
struct arp_entry_info {
	uint32_t ip;	       /* network order */
	uint8_t mac[ETH_ALEN]; /* zero while INCOMPLETE */
	char dev[IFNAMSIZ];
	enum arp_state state;
	uint64_t age_ms;     /* since last confirmed (or since the first request) */
	unsigned int queued; /* packets waiting for resolution */
};

struct arp_mib {
	uint64_t requests_sent, replies_sent, requests_rcvd, replies_rcvd;
	uint64_t rcv_errors;	 /* malformed or not for IPv4-over-Ethernet */
	uint64_t resolve_failed; /* retries exhausted */
	uint64_t queue_drops;	 /* packets dropped while waiting */
};
extern struct arp_mib arp_statistics;

/* From netif_receive_skb, data at the ARP header.  Consumes skb. */
int arp_rcv(struct sk_buff *skb);
/*
 * Sends skb (data at the network header) to next hop `nexthop` on dev:
 * at once when resolved, else queued until the reply comes.  Consumes
 * skb.  Returns 0 (sent or queued) or a negative errno (the device's, when
 * it refused the frame).
 */
int arp_output(struct sk_buff *skb, struct net_device *dev, uint32_t nexthop);
/* Broadcasts a request for tip from dev.  Returns 0 or -errno. */
int arp_send_request(struct net_device *dev, uint32_t tip);
/* Gratuitous ARP (RFC 5227 section 3): a request for our own address. */
int arp_announce(struct net_device *dev);

/* Fills up to max entries; returns how many. */
int arp_cache_dump(struct arp_entry_info *out, int max);
/* Deletes the entry for ip (its waiting packets are freed): 0 or -ENOENT. */
int arp_delete(uint32_t ip);
/* Deletes every entry on dev (NULL: all entries). */
void arp_flush(struct net_device *dev);
const char *arp_state_name(enum arp_state s);

#endif
