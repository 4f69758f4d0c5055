/*
 * ARP, RFC 826, with the neighbour-cache behaviour of RFC 1122 2.3.2.1
 * (flush stale entries, limit retransmissions) and 2.3.2.2 (keep a small
 * queue of packets awaiting resolution).  The state machine is described
 * in arp.h.
 */
#include <arpa/inet.h>
#include <string.h>

#include "net/arp.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/icmp.h"
#include "net/platform.h"

struct arp_entry {
	enum arp_state state;
	uint32_t ip; /* network order */
	uint8_t mac[ETH_ALEN];
	struct net_device *dev;
	uint64_t confirmed;	   /* jiffies_ms of the last reply/request from it */
	uint64_t probed;	   /* jiffies_ms of our last request for it */
	int probes;		   /* requests sent while INCOMPLETE */
	struct sk_buff_head queue; /* packets awaiting resolution */
	struct timer_list timer;   /* retransmission while INCOMPLETE */
};

struct arp_mib arp_statistics;
static struct arp_entry arp_cache[ARP_CACHE_SIZE];

const char *arp_state_name(enum arp_state s)
{
	switch (s) {
	case ARP_INCOMPLETE:
		return "incomplete";
	case ARP_REACHABLE:
		return "reachable";
	case ARP_STALE:
		return "stale";
	default:
		return "free";
	}
}

static void arp_entry_free(struct arp_entry *e)
{
	del_timer(&e->timer);
	arp_statistics.queue_drops += skb_queue_len(&e->queue);
	skb_queue_purge(&e->queue);
	e->state = ARP_FREE;
}

/* Ages a resolved entry by the clock: REACHABLE -> STALE -> deleted. */
static void arp_entry_age(struct arp_entry *e, uint64_t now)
{
	if (e->state != ARP_REACHABLE && e->state != ARP_STALE)
		return;
	if (now - e->confirmed >= ARP_EXPIRE_MS)
		arp_entry_free(e);
	else if (now - e->confirmed >= ARP_REACHABLE_MS)
		e->state = ARP_STALE;
}

static struct arp_entry *arp_lookup(uint32_t ip, struct net_device *dev)
{
	uint64_t now = jiffies_ms();
	int i;

	for (i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = &arp_cache[i];

		arp_entry_age(e, now);
		if (e->state != ARP_FREE && e->ip == ip && e->dev == dev)
			return e;
	}
	return NULL;
}

static void arp_timer(struct timer_list *t);

/*
 * A free slot; else the resolution pending longest is given up (its queued
 * packets counted as queue_drops); else the resolved entry confirmed
 * longest ago goes.  Resolved entries go last so that a flood from made-up
 * addresses, each of which we would ask about, cannot push the neighbours
 * that really answer out of the table.
 */
static struct arp_entry *arp_alloc(uint32_t ip, struct net_device *dev)
{
	struct arp_entry *e = NULL, *pending = NULL, *resolved = NULL;
	int i;

	for (i = 0; i < ARP_CACHE_SIZE && !e; i++) {
		struct arp_entry *c = &arp_cache[i];

		if (c->state == ARP_FREE)
			e = c;
		else if (c->state == ARP_INCOMPLETE && (!pending || c->probed < pending->probed))
			pending = c;
		else if (c->state != ARP_INCOMPLETE && (!resolved || c->confirmed < resolved->confirmed))
			resolved = c;
	}
	if (!e) {
		e = pending ? pending : resolved;
		arp_entry_free(e);
	}
	memset(e, 0, sizeof(*e));
	e->ip = ip;
	e->dev = dev;
	skb_queue_head_init(&e->queue);
	timer_setup(&e->timer, arp_timer);
	return e;
}

static int arp_send(struct net_device *dev, uint16_t op, uint32_t tip, const uint8_t *tha,
		    const uint8_t *dest)
{
	struct sk_buff *skb = alloc_skb(ETH_HLEN + ETH_ZLEN);
	struct arphdr *arp;

	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	arp = (struct arphdr *)skb_put(skb, sizeof(*arp));
	arp->ar_hrd = htons(ARPHRD_ETHER);
	arp->ar_pro = htons(ETH_P_IP);
	arp->ar_hln = ETH_ALEN;
	arp->ar_pln = 4;
	arp->ar_op = htons(op);
	memcpy(arp->ar_sha, dev->dev_addr, ETH_ALEN);
	arp->ar_sip = dev->ip_addr;
	if (tha)
		memcpy(arp->ar_tha, tha, ETH_ALEN);
	else
		memset(arp->ar_tha, 0, ETH_ALEN);
	arp->ar_tip = tip;
	eth_header(skb, dev, ETH_P_ARP, dest);
	if (op == ARPOP_REQUEST)
		arp_statistics.requests_sent++;
	else
		arp_statistics.replies_sent++;
	return dev_queue_xmit(skb);
}

int arp_send_request(struct net_device *dev, uint32_t tip)
{
	return arp_send(dev, ARPOP_REQUEST, tip, NULL, NULL);
}

int arp_announce(struct net_device *dev)
{
	if (!dev->ip_addr || !(dev->flags & IFF_UP) || dev->type != ARPHRD_ETHER)
		return -EINVAL;
	return arp_send(dev, ARPOP_REQUEST, dev->ip_addr, NULL, NULL);
}

static void arp_probe(struct arp_entry *e)
{
	e->probed = jiffies_ms();
	arp_send_request(e->dev, e->ip);
}

/* Retransmits the request for an INCOMPLETE entry, or gives up (RFC 1122 2.3.2.1). */
static void arp_timer(struct timer_list *t)
{
	struct arp_entry *e = container_of(t, struct arp_entry, timer);

	if (e->state != ARP_INCOMPLETE)
		return;
	if (e->probes >= ARP_MAX_PROBES) {
		struct sk_buff *skb;

		arp_statistics.resolve_failed++;
		/* As Linux does: each waiting sender learns "host unreachable". */
		while ((skb = skb_dequeue(&e->queue))) {
			icmp_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH);
			arp_statistics.queue_drops++;
			kfree_skb(skb);
		}
		arp_entry_free(e);
		return;
	}
	e->probes++;
	arp_probe(e);
	mod_timer(&e->timer, jiffies_ms() + ARP_RETRY_MS);
}

static int arp_xmit_resolved(struct arp_entry *e, struct sk_buff *skb)
{
	eth_header(skb, e->dev, ETH_P_IP, e->mac);
	return dev_queue_xmit(skb);
}

int arp_output(struct sk_buff *skb, struct net_device *dev, uint32_t nexthop)
{
	struct arp_entry *e = arp_lookup(nexthop, dev);

	if (e && e->state != ARP_INCOMPLETE) {
		if (e->state == ARP_STALE && jiffies_ms() - e->probed >= ARP_RETRY_MS)
			arp_probe(e);
		return arp_xmit_resolved(e, skb);
	}
	if (!e) {
		e = arp_alloc(nexthop, dev);
		if (!e) {
			kfree_skb(skb);
			return -ENOBUFS;
		}
		e->state = ARP_INCOMPLETE;
		e->confirmed = jiffies_ms();
		e->probes = 1;
		arp_probe(e);
		mod_timer(&e->timer, jiffies_ms() + ARP_RETRY_MS);
	}
	if (skb_queue_len(&e->queue) >= ARP_QUEUE_LEN) {
		arp_statistics.queue_drops++;
		kfree_skb(skb_dequeue(&e->queue));
	}
	skb_queue_tail(&e->queue, skb);
	return 0;
}

/* Records ip -> mac as just confirmed and sends what was waiting for it. */
static void arp_update(struct arp_entry *e, const uint8_t *mac)
{
	struct sk_buff *skb;

	memcpy(e->mac, mac, ETH_ALEN);
	e->state = ARP_REACHABLE;
	e->confirmed = jiffies_ms();
	del_timer(&e->timer);
	while ((skb = skb_dequeue(&e->queue)))
		arp_xmit_resolved(e, skb);
}

int arp_rcv(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct arphdr *arp = (struct arphdr *)skb->data;
	struct arp_entry *e;
	uint16_t op;
	int for_us;

	skb_reset_network_header(skb);
	if (skb->len < sizeof(*arp))
		goto fail; /* truncated */
	if (ntohs(arp->ar_hrd) != ARPHRD_ETHER || ntohs(arp->ar_pro) != ETH_P_IP)
		goto fail; /* only IPv4 over Ethernet */
	if (arp->ar_hln != ETH_ALEN || arp->ar_pln != 4)
		goto fail; /* lengths contradict the types */
	op = ntohs(arp->ar_op);
	if (op != ARPOP_REQUEST && op != ARPOP_REPLY)
		goto fail; /* RARP and others are not ours */
	if (is_multicast_ether_addr(arp->ar_sha))
		goto fail; /* a sender cannot be a group address */
	if (skb->pkt_type == PACKET_OTHERHOST || dev->type != ARPHRD_ETHER)
		goto drop; /* not addressed to us */
	if (arp->ar_sip == htonl(0) && op == ARPOP_REQUEST) {
		/* RFC 5227 2.1.1 probe: answer if it asks for our address, learn nothing. */
		if (dev->ip_addr && arp->ar_tip == dev->ip_addr) {
			arp_statistics.requests_rcvd++;
			arp_send(dev, ARPOP_REPLY, arp->ar_sip, arp->ar_sha, arp->ar_sha);
		}
		goto drop;
	}
	for_us = dev->ip_addr && arp->ar_tip == dev->ip_addr;
	if (op == ARPOP_REQUEST)
		arp_statistics.requests_rcvd++;
	else
		arp_statistics.replies_rcvd++;

	/* RFC 826 "Packet Reception": update the sender if known (merge)... */
	e = arp_lookup(arp->ar_sip, dev);
	if (e)
		arp_update(e, arp->ar_sha);
	/* ...else add it, but only when the packet is for us. */
	else if (for_us && arp->ar_sip != dev->ip_addr) {
		e = arp_alloc(arp->ar_sip, dev);
		if (e)
			arp_update(e, arp->ar_sha);
	}
	if (for_us && op == ARPOP_REQUEST)
		arp_send(dev, ARPOP_REPLY, arp->ar_sip, arp->ar_sha, arp->ar_sha);
drop:
	kfree_skb(skb);
	return 0;
fail:
	arp_statistics.rcv_errors++;
	dev->stats.rx_errors++;
	kfree_skb(skb);
	return -EINVAL;
}

int arp_cache_dump(struct arp_entry_info *out, int max)
{
	uint64_t now = jiffies_ms();
	int i, n = 0;

	for (i = 0; i < ARP_CACHE_SIZE && n < max; i++) {
		struct arp_entry *e = &arp_cache[i];

		arp_entry_age(e, now);
		if (e->state == ARP_FREE)
			continue;
		out[n].ip = e->ip;
		memcpy(out[n].mac, e->mac, ETH_ALEN);
		memcpy(out[n].dev, e->dev->name, IFNAMSIZ);
		out[n].state = e->state;
		out[n].age_ms = now - e->confirmed;
		out[n].queued = skb_queue_len(&e->queue);
		n++;
	}
	return n;
}

int arp_delete(uint32_t ip)
{
	int i, found = 0;

	for (i = 0; i < ARP_CACHE_SIZE; i++) {
		if (arp_cache[i].state != ARP_FREE && arp_cache[i].ip == ip) {
			arp_entry_free(&arp_cache[i]);
			found = 1;
		}
	}
	return found ? 0 : -ENOENT;
}

void arp_flush(struct net_device *dev)
{
	int i;

	for (i = 0; i < ARP_CACHE_SIZE; i++)
		if (arp_cache[i].state != ARP_FREE && (!dev || arp_cache[i].dev == dev))
			arp_entry_free(&arp_cache[i]);
}
