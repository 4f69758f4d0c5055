/*
 * Generic receive offload: a NAPI poll's consecutive in-order TCP segments
 * of one flow are merged into one skb before the stack sees them (Linux's
 * dev_gro_receive / inet_gro_receive / tcp_gro_receive), so TCP and IP run
 * once per burst instead of once per frame.  The merged skb is linear (the
 * payloads are copied behind the first one's) and carries gso_size (the
 * segment size) and gso_segs (how many were merged).  What a poll holds is
 * delivered when it ends (napi_gro_flush from net_rx_action and
 * napi_complete).  napi_gro_receive itself is declared in net/netdevice.h.
 */
#ifndef NET_GRO_H
#define NET_GRO_H

#include <stdint.h>

struct napi_struct;

#define MAX_GRO_SKBS 8 /* flows held per NAPI instance (Linux's MAX_GRO_SKBS) */
/*
 * Merge buffers: one 32 KiB block each once the allocator's header is
 * added, up to 128 of them (4 MiB, lent only while a load uses them).  A
 * merged skb keeps its buffer until the application reads it, so a
 * receive queue as deep as TCP's autotuned buffer (tcp_rmem_max) holds
 * many: with 16 buffers of 64 KiB the pool ran dry during an e1000 bulk
 * receive (10860 of 12288 merges could not grow), merges stopped at the two
 * frames a receive page holds, and an ACK went out for every two segments.
 * 32 KiB holds 22 segments of 1448 bytes, more than the 18 frames an
 * e1000 poll takes on average under QEMU, at half the memory per merge.
 * tcp_rmem_max is half the pool, so that a full receive queue leaves
 * buffers to merge into.
 */
#define GRO_POOL_MAX 128
#define GRO_BUF_SIZE (32 * 1024 - 64)
#define GRO_HEADROOM 64 /* before the Ethernet header in a merge buffer */
/* The largest merged IP packet: what a merge buffer holds behind its headroom
 * and Ethernet header (32626 bytes). */
#define GRO_MAX_SIZE (GRO_BUF_SIZE - GRO_HEADROOM - 14)

/* Off: every frame goes straight to netif_receive_skb (kernel command line gro=off). */
extern int net_gro_enabled;

void napi_gro_flush(struct napi_struct *napi); /* delivers everything napi holds */

struct gro_stats {
	uint64_t held;	    /* segments kept as the start of a merge */
	uint64_t merged;    /* segments appended to a held one (and freed) */
	uint64_t flushed;   /* held skbs delivered, merged or not */
	uint64_t bypassed;  /* frames delivered at once: not TCP, not mergeable */
	uint64_t no_buf;    /* merges not begun: no merge buffer (pool empty, memory short) */
	uint64_t pool_bufs; /* merge buffers held: in use, or kept for reuse */
};
void gro_get_stats(struct gro_stats *st);

#endif
