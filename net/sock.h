/*
 * struct sock: the protocol side of a socket.  Its first fields are the
 * identity the hash tables look sockets up by (Linux's sock_common: the
 * 4-tuple); then the queues, the wait queue a blocked task sleeps on, and
 * the options the socket calls set.  TCP embeds it at the start of
 * struct tcp_sock (net/tcp.h), UDP at the start of struct udp_sock
 * (net/udp.h).
 *
 * Lifetime: sk_refcnt counts holders.  The creator's reference belongs to
 * the user until close(); then to the protocol until the connection has
 * fully ended (TCP: state CLOSE), when inet_csk_destroy_sock drops it
 * (UDP: at once, in udp_sock_close).
 * Code that may end a connection while still using the sock holds an extra
 * reference around it (sock_hold/sock_put).
 */
#ifndef NET_SOCK_H
#define NET_SOCK_H

#include <stdint.h>
#include "kernel/list.h"
#include "net/platform.h" /* wait_queue_head_t */
#include "net/skbuff.h"
#include "net/tcp_states.h"
#include "net/route.h" /* struct sk_dst */

/* sk_shutdown bits (Linux's values) */
#define RCV_SHUTDOWN  1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

/* sk_userlocks bits (Linux's values): what bind() chose, so that nothing undoes it */
#define SOCK_BINDADDR_LOCK 4
#define SOCK_BINDPORT_LOCK 8

/* sk_flags bits */
#define SOCK_DEAD      0x1 /* the user has closed it (orphan) */
#define SOCK_DESTROYED 0x2 /* inet_csk_destroy_sock has run */
#define SOCK_NODELAY   0x4 /* TCP_NODELAY: Nagle off */
#define SOCK_KEEPOPEN  0x8 /* SO_KEEPALIVE: TCP keep-alives on */

struct sock {
	/* identity (sock_common); addresses and sk_dport in network order,
	 * sk_num (the local port) in host order as in Linux */
	uint32_t sk_daddr;
	uint32_t sk_rcv_saddr;
	uint16_t sk_dport;
	uint16_t sk_num;

	struct list_head sk_node;      /* TCP: ehash/lhash chain; UDP: the bound sockets */
	struct list_head sk_bind_node; /* bind hash chain (by local port) */
	struct list_head sk_all_node;  /* every sock, for netstat */
	int sk_hashed;		       /* on an ehash/lhash chain */
	int sk_bound;		       /* has its port (TCP: on a bhash chain) */

	int sk_family, sk_type, sk_protocol;
	volatile enum tcp_state sk_state; /* UDP: TCP_CLOSE, or TCP_ESTABLISHED once connected */
	int sk_refcnt;
	unsigned int sk_flags;	       /* SOCK_DEAD, ... */
	int sk_err;		       /* pending error (positive errno, as Linux) */
	int sk_err_soft;	       /* last soft error (ICMP), reported on timeout */
	unsigned int sk_shutdown;      /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	int sk_reuse;		       /* SO_REUSEADDR */
	int sk_userlocks;	       /* SOCK_BIND*_LOCK: the user bound (do not auto-unbind) */
	long sk_rcvtimeo, sk_sndtimeo; /* ms, < 0: forever */

	wait_queue_head_t sk_wq; /* tasks blocked in a call on this sock */
	struct sk_buff_head sk_receive_queue;
	struct sk_buff_head sk_write_queue;
	unsigned int sk_rmem_queued; /* payload bytes in sk_receive_queue */
	unsigned int sk_wmem_queued; /* payload bytes in sk_write_queue */
	unsigned int sk_rcvbuf, sk_sndbuf;

	int sk_max_ack_backlog; /* listen(): accept queue bound */

	struct sk_dst sk_dst_cache; /* the route to sk_daddr while rt_genid_ipv4 holds */
};

/* Allocates a zeroed sock of `size` bytes (>= sizeof(struct sock)), counted. */
struct sock *sk_alloc(int family, int type, int protocol, size_t size);
static inline void sock_hold(struct sock *sk) { sk->sk_refcnt++; }
/* Drops a reference; the last one frees the sock (queues must be empty). */
void sock_put(struct sock *sk);
/* Wakes tasks blocked on sk and every poll() in progress. */
void sk_wake(struct sock *sk);
static inline int sock_flag(const struct sock *sk, unsigned int f)
{
	return (sk->sk_flags & f) != 0;
}
static inline void sock_set_flag(struct sock *sk, unsigned int f) { sk->sk_flags |= f; }
static inline void sock_reset_flag(struct sock *sk, unsigned int f) { sk->sk_flags &= ~f; }

/* Takes and clears the pending error: 0 or a negative errno. */
int sock_error(struct sock *sk);

/* poll() waits here; sk_wake wakes it. */
extern wait_queue_head_t sock_poll_wq;

/* Socks allocated and not yet freed (TCP socks and request socks). */
long sock_in_use(void);
void sock_count_inc(void);
void sock_count_dec(void);

/* Every sock (netstat walks it under net_lock). */
extern struct list_head sock_all_list;

/*
 * The SOL_SOCKET options every protocol shares (Linux: net/core/sock.c):
 * SO_REUSEADDR, SO_KEEPALIVE (the flag; TCP also arms its timer),
 * SO_RCVTIMEO, SO_SNDTIMEO, SO_RCVBUF, SO_SNDBUF; getsockopt also SO_ERROR,
 * SO_TYPE, SO_ACCEPTCONN.  0 or -errno (-ENOPROTOOPT for any other).
 */
struct socket;
int sock_setsockopt(struct socket *sock, int optname, const void *optval, unsigned int optlen);
int sock_getsockopt(struct socket *sock, int optname, void *optval, unsigned int *optlen);
/* proto_ops entries for calls a protocol does not have: -EOPNOTSUPP. */
int sock_no_accept(struct socket *sock, struct socket *newsock, int flags);
int sock_no_listen(struct socket *sock, int backlog);

#endif
