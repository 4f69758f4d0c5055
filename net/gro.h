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

#define MAX_GRO_SKBS 8	   /* flows held per NAPI instance (Linux's MAX_GRO_SKBS) */
#define GRO_MAX_SIZE 65535 /* the largest merged IP packet: tot_len is 16 bits */

/* Off: every frame goes straight to netif_receive_skb (kernel command line gro=off). */
extern int net_gro_enabled;

void napi_gro_flush(struct napi_struct *napi); /* delivers everything napi holds */

struct gro_stats {
	uint64_t held;	   /* segments kept as the start of a merge */
	uint64_t merged;   /* segments appended to a held one (and freed) */
	uint64_t flushed;  /* held skbs delivered, merged or not */
	uint64_t bypassed; /* frames delivered at once: not TCP, not mergeable */
};
void gro_get_stats(struct gro_stats *st);

#endif
