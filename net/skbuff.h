/*
 * struct sk_buff: one packet.  The buffer is [head, end); the packet is
 * [data, tail).  A packet is built top-down: reserve headroom for every
 * header below, put the payload, then push each header in turn.  On receive
 * the driver hands up the buffer the NIC wrote into and each layer pulls its
 * header.  Allocations and frees are counted (shown by the `skb` command).
 *
 * Shared data (Linux's skb_clone): a buffer from alloc_skb carries, after
 * end, a struct skb_shared_info whose dataref counts the sk_buffs that
 * point into it; the last one to go frees it.  skb_clone makes a second
 * sk_buff over the same bytes, with its own head/data/tail pointers.  The
 * rule that keeps sharing safe without locks: only a clone made while the
 * buffer had one user (!skb_cloned) may write into it, and only outside
 * the original's [data, tail) — headers pushed into the headroom, padding
 * and checksums that land there; the original only reads its data from
 * then on (TCP's retransmission queue).  A writer that finds the buffer
 * shared takes a private copy instead (skb_copy, pskb_expand_head).
 * Buffers a driver wraps with build_skb have no shared info: skb_clone of
 * one is a copy.
 */
#ifndef NET_SKBUFF_H
#define NET_SKBUFF_H

#include <stdint.h>
#include <stddef.h>
#include "kernel/list.h"

struct net_device;
struct sock;

struct sk_buff {
	struct list_head list; /* queue links (sk_buff_head) */
	unsigned char *head, *data, *tail, *end;
	unsigned int len;				       /* tail - data */
	uint16_t mac_header, network_header, transport_header; /* offsets from head */
	uint16_t protocol;				       /* ethertype, network order */
	int users;					       /* reference count */
	struct net_device *dev;
	struct sock *sk;
	void (*destructor)(struct sk_buff *skb); /* drivers recycle their buffers */
	void *destructor_arg;
	uint8_t pkt_type;     /* PACKET_HOST, ... */
	uint8_t ip_summed;    /* CHECKSUM_NONE, CHECKSUM_UNNECESSARY, CHECKSUM_PARTIAL */
	uint16_t csum_start;  /* CHECKSUM_PARTIAL: offset from head where summing starts */
	uint16_t csum_offset; /* CHECKSUM_PARTIAL: where the result goes, from csum_start */
	/* Segmentation offload (Linux keeps these in skb_shared_info): a TCP
	 * packet longer than one segment, to be cut into gso_size payloads. */
	uint16_t gso_size; /* payload bytes per segment; 0 = an ordinary packet */
	uint16_t gso_segs; /* how many segments it makes */
	uint8_t gso_type;  /* SKB_GSO_TCPV4 */
	uint8_t cloned;	   /* skb_clone shared this buffer (it may still be shared) */
	char cb[48];	   /* per-layer private control block (TCP uses it) */
};

#define PACKET_HOST	 0
#define PACKET_BROADCAST 1
#define PACKET_MULTICAST 2
#define PACKET_OTHERHOST 3

/*
 * Checksum state, as Linux's skb->ip_summed.  Receive: NONE = not verified
 * (the stack checks it), UNNECESSARY = the NIC verified the TCP/UDP checksum.
 * Transmit: NONE = the packet carries its final checksum, PARTIAL = the L4
 * checksum field holds only the pseudo-header sum and whoever sends it (the
 * NIC, or skb_checksum_help for a device without NETIF_F_IP_CSUM) sums from
 * csum_start to the end and stores the result at csum_start + csum_offset.
 */
#define CHECKSUM_NONE	     0
#define CHECKSUM_UNNECESSARY 1
#define CHECKSUM_PARTIAL     2

#define SKB_GSO_TCPV4 1

/* Headroom every transmitted packet reserves: Ethernet + IPv4 + TCP with options. */
#define MAX_HEADER_LEN 128

/* What the sk_buffs sharing one data buffer share (Linux's skb_shared_info). */
struct skb_shared_info {
	int dataref; /* sk_buffs pointing into the buffer */
};

struct sk_buff *alloc_skb(unsigned int size); /* size bytes of buffer, data = head */
/* Wraps an existing buffer (a driver's DMA buffer); destructor frees it. */
struct sk_buff *build_skb(void *buf, unsigned int size);
void kfree_skb(struct sk_buff *skb);	      /* drops one reference */
struct sk_buff *skb_get(struct sk_buff *skb); /* takes one reference */
struct sk_buff *
skb_copy(const struct sk_buff *skb); /* a private copy, data included (Linux: skb_copy) */
/* A second sk_buff over skb's data (a copy for a build_skb buffer); NULL if out of memory. */
struct sk_buff *skb_clone(struct sk_buff *skb);
/* Moves skb's packet into a private buffer with nhead/ntail more bytes of
 * head/tailroom, dropping its share of the old one; 0 or -ENOMEM. */
int pskb_expand_head(struct sk_buff *skb, unsigned int nhead, unsigned int ntail);

unsigned char *skb_put(struct sk_buff *skb, unsigned int len);
unsigned char *skb_push(struct sk_buff *skb, unsigned int len);
unsigned char *skb_pull(struct sk_buff *skb, unsigned int len); /* NULL if too short */
void skb_reserve(struct sk_buff *skb, unsigned int len);
void skb_trim(struct sk_buff *skb, unsigned int len);
/* Zero-pads the packet to len bytes, moving it to a larger buffer if it must;
 * 0, or -ENOMEM with skb freed. */
int skb_put_padto(struct sk_buff *skb, unsigned int len);
/* Completes a CHECKSUM_PARTIAL packet in software; 0, or -EINVAL if the offsets are wrong. */
int skb_checksum_help(struct sk_buff *skb);
/* Receive: nothing to verify (the NIC did it, or the packet never left this host). */
static inline int skb_csum_unnecessary(const struct sk_buff *skb)
{
	return skb->ip_summed == CHECKSUM_UNNECESSARY || skb->ip_summed == CHECKSUM_PARTIAL;
}
/* The shared info of an alloc_skb buffer: just past end, aligned. */
static inline struct skb_shared_info *skb_shinfo(const struct sk_buff *skb)
{
	return (struct skb_shared_info *)(((uintptr_t)skb->end + 7) & ~(uintptr_t)7);
}
/* Another sk_buff still points into this one's buffer: writing there is not safe. */
static inline int skb_cloned(const struct sk_buff *skb)
{
	return skb->cloned && skb_shinfo(skb)->dataref != 1;
}
static inline int skb_is_gso(const struct sk_buff *skb) { return skb->gso_size != 0; }
static inline unsigned int skb_headroom(const struct sk_buff *skb) { return skb->data - skb->head; }
static inline unsigned int skb_tailroom(const struct sk_buff *skb) { return skb->end - skb->tail; }

static inline void skb_reset_mac_header(struct sk_buff *s) { s->mac_header = s->data - s->head; }
static inline void skb_reset_network_header(struct sk_buff *s)
{
	s->network_header = s->data - s->head;
}
static inline void skb_reset_transport_header(struct sk_buff *s)
{
	s->transport_header = s->data - s->head;
}
static inline unsigned char *skb_mac_header(const struct sk_buff *s)
{
	return s->head + s->mac_header;
}
static inline unsigned char *skb_network_header(const struct sk_buff *s)
{
	return s->head + s->network_header;
}
static inline unsigned char *skb_transport_header(const struct sk_buff *s)
{
	return s->head + s->transport_header;
}

struct sk_buff_head {
	struct list_head list;
	unsigned int qlen;
};
void skb_queue_head_init(struct sk_buff_head *q);
void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb);
void skb_queue_head(struct sk_buff_head *q, struct sk_buff *skb);
struct sk_buff *skb_dequeue(struct sk_buff_head *q);
struct sk_buff *skb_peek(struct sk_buff_head *q);
void skb_unlink(struct sk_buff *skb, struct sk_buff_head *q);
void skb_queue_purge(struct sk_buff_head *q);
static inline unsigned int skb_queue_len(const struct sk_buff_head *q) { return q->qlen; }

struct skb_stats {
	uint64_t allocs, frees;
	uint64_t alloc_fails; /* allocations that found no memory (buffer or struct) */
};
void skb_get_stats(struct skb_stats *st);
static inline uint64_t skb_in_use(void)
{
	struct skb_stats s;
	skb_get_stats(&s);
	return s.allocs - s.frees;
}

#endif
