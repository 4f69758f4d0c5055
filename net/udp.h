/*
 * UDP (RFC 768).  Two levels of API for the socket layer:
 *
 * 1. The port table.  udp_bind_port() registers a deliver callback for a
 *    local port; udp_rcv() hands each valid datagram for that port to it.
 *    The callback owns the skb: skb->data is at the UDP payload (skb->len
 *    bytes), the network and transport headers are set, so
 *    udp_skb_source() gives the sender.  Datagrams for a port with no
 *    binding are answered with ICMP port unreachable (RFC 1122 4.1.3.1).
 *
 * 2. struct udp_sock: a ready-made receiving endpoint on top of the port
 *    table, with a bounded receive queue and a wait queue, for a socket
 *    layer that does not want its own.
 *
 * All functions run with net_lock held (udp_sock_recv drops it while it
 * sleeps, through net_wait).  Ports and addresses are in network order.
 */
#ifndef NET_UDP_H
#define NET_UDP_H

#include <stddef.h>
#include <stdint.h>
#include "net/skbuff.h"
#include "net/platform.h"

struct udphdr {
	uint16_t source; /* source port, network order */
	uint16_t dest;	 /* destination port, network order */
	uint16_t len;	 /* header + data, network order */
	uint16_t check;	 /* RFC 768 checksum with pseudo-header; 0 = none */
} __attribute__((packed));

#define UDP_MAX_BINDINGS 64
#define UDP_EPHEMERAL_LO 49152 /* IANA dynamic range (RFC 6335 6) */
#define UDP_EPHEMERAL_HI 65535
#define UDP_RCVQ_MAX	 64 /* datagrams a udp_sock queues before dropping */

struct udp_mib {
	uint64_t in_datagrams, no_ports, in_errors, in_csum_errors, out_datagrams, rcvbuf_errors;
};
extern struct udp_mib udp_statistics;

typedef void (*udp_deliver_t)(void *ctx, struct sk_buff *skb);

/* Binds port_be (non-zero) to deliver(ctx, skb).  0, -EINVAL, -EADDRINUSE or -ENOSPC. */
int udp_bind_port(uint16_t port_be, udp_deliver_t deliver, void *ctx);
/* Binds a free port from the ephemeral range; stores it in *port_be.  0 or -errno. */
int udp_bind_ephemeral(udp_deliver_t deliver, void *ctx, uint16_t *port_be);
/* Removes the binding: 0 or -ENOENT. */
int udp_unbind_port(uint16_t port_be);
/* The sender of a datagram given to a deliver callback. */
void udp_skb_source(const struct sk_buff *skb, uint32_t *saddr, uint16_t *sport);

/*
 * Sends one datagram of len bytes from saddr:sport (saddr 0: the route's
 * source address) to daddr:dport.  No fragmentation: len must fit the
 * route's MTU.  Returns len, or -EMSGSIZE, -ENETUNREACH, -ENOMEM, -EINVAL.
 */
long udp_sendmsg(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport, const void *buf,
		 size_t len);

/* From ip_local_deliver, data at the UDP header (declared in net/ip.h too). */
int udp_rcv(struct sk_buff *skb);

struct udp_sock {
	uint16_t port;		      /* bound port, network order; 0 = unbound */
	struct sk_buff_head rx_queue; /* received datagrams, payload at skb->data */
	wait_queue_head_t wq;	      /* woken when a datagram arrives */
	uint64_t drops;		      /* datagrams lost to a full queue */
};

/* Binds us to port_be (0: an ephemeral port).  0 or -errno. */
int udp_sock_bind(struct udp_sock *us, uint16_t port_be);
/* Unbinds and frees what is queued. */
void udp_sock_close(struct udp_sock *us);
/*
 * Copies the next datagram (truncated to len) into buf, waiting up to
 * timeout_ms (<0 forever, 0 not at all).  Returns the bytes copied, or
 * -EAGAIN (nothing and no wait), -ETIMEDOUT, -EINTR.  saddr/sport may be NULL.
 */
long udp_sock_recv(struct udp_sock *us, void *buf, size_t len, uint32_t *saddr, uint16_t *sport,
		   long timeout_ms);

#endif
