/*
 * UDP (RFC 768) and its sockets.  struct udp_sock embeds struct sock, so a
 * UDP socket has the identity (sk_rcv_saddr:sk_num, and for a connect()ed
 * one sk_daddr:sk_dport), receive queue, wait queue and options of any
 * sock, and sk_wake wakes its readers and poll() as for TCP.
 *
 * udp_rcv() gives a datagram to the bound socket that matches it best, by
 * Linux's rules (udp4_lib_lookup's score): a socket bound to the
 * destination address beats one bound to any address, and a connected
 * socket only matches datagrams from its peer.  Datagrams nobody matches
 * are answered with ICMP port unreachable (RFC 1122 4.1.3.1).  Two sockets
 * share a local port only when both set SO_REUSEADDR (or their bound
 * addresses differ); the one bound last then gets unicast datagrams.
 *
 * Two kinds of user: sockets, which the socket layer reaches through
 * inet_dgram_ops (af_inet.c) and kernel code may use without a descriptor
 * (udp_sock_create and the calls after it); and kernel receivers that take
 * each datagram in a callback (udp_bind_port, as Linux's encap_rcv).
 *
 * All functions run with net_lock held (the receive calls drop it while
 * they sleep, through net_wait).  Ports and addresses are in network order
 * unless said otherwise.
 */
#ifndef NET_UDP_H
#define NET_UDP_H

#include <stddef.h>
#include <stdint.h>
#include "net/skbuff.h"
#include "net/sock.h"
#include "net/platform.h"
#include <netinet/in.h>

struct udphdr {
	uint16_t source; /* source port, network order */
	uint16_t dest;	 /* destination port, network order */
	uint16_t len;	 /* header + data, network order */
	uint16_t check;	 /* RFC 768 checksum with pseudo-header; 0 = none */
} __attribute__((packed));

#define UDP_EPHEMERAL_LO   49152 /* IANA dynamic range (RFC 6335 6) */
#define UDP_EPHEMERAL_HI   65535
#define UDP_RCVQ_MAX	   64			 /* datagrams a udp_sock queues before dropping */
#define UDP_RCVBUF_DEF	   (UDP_RCVQ_MAX * 2048) /* default SO_RCVBUF: payload bytes queued */
#define UDP_SNDBUF_DEF	   65536
#define IP_MAX_UDP_PAYLOAD (65535 - 20 - 8) /* one IPv4 datagram, fragmented as needed */

struct udp_mib {
	uint64_t in_datagrams, no_ports, in_errors, in_csum_errors, out_datagrams, rcvbuf_errors;
};
extern struct udp_mib udp_statistics;

typedef void (*udp_deliver_t)(void *ctx, struct sk_buff *skb);

struct udp_sock {
	struct sock sk;		 /* first: udp_sk() casts */
	udp_deliver_t encap_rcv; /* a kernel receiver takes the datagrams instead of the queue */
	void *encap_ctx;
};

static inline struct udp_sock *udp_sk(const struct sock *sk) { return (struct udp_sock *)sk; }

/* From ip_local_deliver, data at the UDP header (declared in net/ip.h too). */
int udp_rcv(struct sk_buff *skb);

/*
 * Sends one datagram of len bytes from saddr:sport (saddr 0: the route's
 * source address) to daddr:dport.  No fragmentation: len must fit the
 * route's MTU.  Returns len, or -EMSGSIZE, -ENETUNREACH, -ENOMEM, -EINVAL.
 */
long udp_sendmsg(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport, const void *buf,
		 size_t len);
/* The sender of a received datagram (skb->data at the payload). */
void udp_skb_source(const struct sk_buff *skb, uint32_t *saddr, uint16_t *sport);

/*
 * Binds sk to local port snum (host order; 0: a free ephemeral port) on
 * sk->sk_rcv_saddr, as Linux's udp_v4_get_port.  0, -EADDRINUSE, -EINVAL.
 */
int udp_v4_get_port(struct sock *sk, uint16_t snum);

/* ---- the socket calls, on a sock (af_inet.c's inet_dgram_ops call them) ---- */

/* A new unbound UDP sock (the caller holds its reference), or NULL. */
struct sock *udp_sock_create(void);
/* Binds to port_be on any address (0: an ephemeral port).  0 or -errno. */
int udp_sock_bind(struct sock *sk, uint16_t port_be);
/*
 * connect(): the peer becomes daddr:dport, the source address the route's
 * unless bound, and only the peer's datagrams are received.  0 or -errno.
 */
int ip4_datagram_connect(struct sock *sk, const struct sockaddr *uaddr, int addr_len);
/* connect(AF_UNSPEC): back to unconnected; an automatically bound port is released. */
int udp_disconnect(struct sock *sk);
/*
 * Sends one datagram to `to` (NULL: the connected peer), binding an
 * ephemeral port first if need be.  Returns len or -errno (-EDESTADDRREQ
 * unconnected without `to`, -EPIPE after shutdown(SHUT_WR)).
 */
long udp_sock_send(struct sock *sk, const void *buf, size_t len, const struct sockaddr_in *to);
/*
 * Copies the next datagram (truncated to len) into buf, waiting up to
 * timeout_ms (<0 forever, 0 not at all); MSG_PEEK in flags leaves it
 * queued.  Returns the bytes copied, 0 after shutdown(SHUT_RD), or
 * -EAGAIN (nothing and no wait), -ETIMEDOUT, -EINTR.  saddr/sport may be NULL.
 */
long udp_sock_recv(struct sock *sk, void *buf, size_t len, int flags, uint32_t *saddr,
		   uint16_t *sport, long timeout_ms);
unsigned int udp_poll(struct sock *sk); /* POLL* bits */
/* Unbinds, frees what is queued and drops the caller's reference (Linux: udp_lib_close). */
void udp_sock_close(struct sock *sk);

/* ---- kernel receivers ---- */

/*
 * Binds port_be (non-zero) to deliver(ctx, skb), which owns each skb it
 * gets.  0, -EINVAL, -EADDRINUSE or -ENOMEM.
 */
int udp_bind_port(uint16_t port_be, udp_deliver_t deliver, void *ctx);
/* Removes the receiver on port_be: 0 or -ENOENT. */
int udp_unbind_port(uint16_t port_be);

#endif
