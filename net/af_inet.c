/*
 * AF_INET sockets, as Linux's net/ipv4/af_inet.c: inet_create picks the
 * protocol for a new socket, and the two proto_ops tables carry each socket
 * call to it: inet_stream_ops to TCP (tcp.c, inet_connection_sock.c),
 * inet_dgram_ops to UDP (udp.c).  The calls that both protocols share in
 * Linux (bind's rules, listen, connect's wait, getsockname/getpeername)
 * are here too.  Everything runs with net_lock held.
 */
#include <fcntl.h>
#include "net/gdb_visible.h"
#include "net/platform.h"
#include "net/inet_common.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "net/ip.h"

#define INET_MAX_BACKLOG 1024

/* bind()'s rules for both protocols (Linux's __inet_bind); get_port takes the port. */
static int __inet_bind(struct sock *sk, const struct sockaddr *uaddr, int addr_len,
		       int (*get_port)(struct sock *sk, uint16_t snum))
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)uaddr;
	uint32_t addr;
	int err;

	if (addr_len < (int)sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	addr = sin->sin_addr.s_addr;
	if (addr != htonl(INADDR_ANY) && !ip_is_local_addr(addr))
		return -EADDRNOTAVAIL;
	if (sk->sk_state != TCP_CLOSE || sk->sk_bound)
		return -EINVAL;
	sk->sk_rcv_saddr = addr;
	err = get_port(sk, ntohs(sin->sin_port));
	if (err < 0) {
		sk->sk_rcv_saddr = 0;
		return err;
	}
	sk->sk_userlocks = SOCK_BINDPORT_LOCK | (addr ? SOCK_BINDADDR_LOCK : 0);
	return 0;
}

int inet_bind(struct sock *sk, const struct sockaddr *uaddr, int addr_len)
{
	return __inet_bind(sk, uaddr, addr_len, inet_csk_get_port);
}

int inet_listen(struct sock *sk, int backlog)
{
	if (sk->sk_type != SOCK_STREAM)
		return -EOPNOTSUPP;
	if (backlog <= 0)
		backlog = 1;
	if (backlog > INET_MAX_BACKLOG)
		backlog = INET_MAX_BACKLOG;
	if (sk->sk_state == TCP_LISTEN) {
		sk->sk_max_ack_backlog = backlog;
		return 0;
	}
	if (sk->sk_state != TCP_CLOSE || sk->sk_shutdown)
		return -EINVAL;
	return inet_csk_listen_start(sk, backlog);
}

static int connect_done(void *arg)
{
	struct sock *sk = arg;

	return sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV;
}

__gdb_visible int inet_stream_connect(struct sock *sk, const struct sockaddr *uaddr,
						  int addr_len, int nonblock)
{
	int err;

	if (addr_len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	switch (sk->sk_state) {
	case TCP_CLOSE:
		if (sk->sk_shutdown)
			return -EINVAL; /* a used socket is not reopened */
		err = tcp_v4_connect(sk, uaddr, addr_len);
		if (err < 0)
			return err;
		break;
	case TCP_SYN_SENT:
	case TCP_SYN_RECV:
		if (nonblock)
			return -EALREADY;
		break;
	case TCP_LISTEN:
		return -EINVAL;
	default:
		return -EISCONN;
	}
	if (nonblock)
		return -EINPROGRESS;

	sock_hold(sk);
	err = net_wait(&sk->sk_wq, connect_done, sk, sk->sk_sndtimeo);
	if (err == 0)
		err = -EINPROGRESS; /* SO_SNDTIMEO ran out: still connecting (Linux) */
	else if (err > 0)
		err = sk->sk_state == TCP_CLOSE ? (sock_error(sk) ?: -ECONNABORTED) : 0;
	sock_put(sk);
	return err;
}

int inet_getname(struct sock *sk, struct sockaddr *uaddr, int peer)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (peer) {
		if (!sk->sk_dport || sk->sk_state == TCP_LISTEN || sk->sk_state == TCP_SYN_SENT)
			return -ENOTCONN;
		sin->sin_addr.s_addr = sk->sk_daddr;
		sin->sin_port = sk->sk_dport;
	} else {
		sin->sin_addr.s_addr = sk->sk_rcv_saddr;
		sin->sin_port = htons(sk->sk_num);
	}
	return sizeof(*sin);
}

/* ---- inet_stream_ops: TCP ---- */

static int stream_release(struct socket *sock)
{
	tcp_close(sock->sk);
	sock->sk = NULL;
	return 0;
}

static int stream_bind(struct socket *sock, const struct sockaddr *uaddr, int addr_len)
{
	return inet_bind(sock->sk, uaddr, addr_len);
}

static int stream_connect(struct socket *sock, const struct sockaddr *uaddr, int addr_len,
			  int flags)
{
	return inet_stream_connect(sock->sk, uaddr, addr_len, flags & O_NONBLOCK);
}

/* Linux's inet_accept: the next connection from the accept queue becomes newsock's. */
static int inet_accept(struct socket *sock, struct socket *newsock, int flags)
{
	struct sock *newsk;
	int err;

	newsk = inet_csk_accept(sock->sk, flags & O_NONBLOCK, &err);
	if (!newsk)
		return err;
	newsock->sk = newsk;
	newsock->ops = sock->ops;
	return 0;
}

static int stream_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	return inet_getname(sock->sk, uaddr, peer);
}

static unsigned int stream_poll(struct socket *sock) { return tcp_poll(sock->sk); }

static int stream_listen(struct socket *sock, int backlog)
{
	return inet_listen(sock->sk, backlog);
}

static int stream_shutdown(struct socket *sock, int how) { return tcp_shutdown(sock->sk, how); }

static int stream_setsockopt(struct socket *sock, int level, int optname, const void *optval,
			     unsigned int optlen)
{
	int val;

	if (level == IPPROTO_TCP)
		return tcp_setsockopt(sock->sk, optname, optval, optlen);
	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	if (optname != SO_KEEPALIVE)
		return sock_setsockopt(sock, optname, optval, optlen);
	/* TCP's keep-alive timer starts and stops with the option (Linux: tcp_set_keepalive) */
	if (optlen < sizeof(int))
		return -EINVAL;
	memcpy(&val, optval, sizeof(int));
	tcp_set_keepalive(sock->sk, val != 0);
	return 0;
}

static int stream_getsockopt(struct socket *sock, int level, int optname, void *optval,
			     unsigned int *optlen)
{
	if (level == IPPROTO_TCP)
		return tcp_getsockopt(sock->sk, optname, optval, optlen);
	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	return sock_getsockopt(sock, optname, optval, optlen);
}

static long stream_sendmsg(struct socket *sock, const void *buf, size_t len, int flags,
			   const struct sockaddr *addr, int addr_len)
{
	(void)addr; /* a connected stream has its peer */
	(void)addr_len;
	return tcp_sendmsg(sock->sk, buf, len, flags & MSG_DONTWAIT);
}

/* The peer is reported as the source, as recvfrom() callers here expect. */
static long stream_recvmsg(struct socket *sock, void *buf, size_t len, int flags,
			   struct sockaddr *addr, int *addr_len)
{
	long ret = tcp_recvmsg(sock->sk, buf, len, flags & MSG_DONTWAIT, flags & MSG_PEEK);

	*addr_len = 0;
	if (ret >= 0 && inet_getname(sock->sk, addr, 1) >= 0)
		*addr_len = sizeof(struct sockaddr_in);
	return ret;
}

const struct proto_ops inet_stream_ops = {
	.family = PF_INET,
	.release = stream_release,
	.bind = stream_bind,
	.connect = stream_connect,
	.accept = inet_accept,
	.getname = stream_getname,
	.poll = stream_poll,
	.listen = stream_listen,
	.shutdown = stream_shutdown,
	.setsockopt = stream_setsockopt,
	.getsockopt = stream_getsockopt,
	.sendmsg = stream_sendmsg,
	.recvmsg = stream_recvmsg,
};

/* ---- inet_dgram_ops: UDP ---- */

static int dgram_release(struct socket *sock)
{
	udp_sock_close(sock->sk);
	sock->sk = NULL;
	return 0;
}

static int dgram_bind(struct socket *sock, const struct sockaddr *uaddr, int addr_len)
{
	return __inet_bind(sock->sk, uaddr, addr_len, udp_v4_get_port);
}

/* Linux's inet_dgram_connect: AF_UNSPEC dissolves the association. */
static int inet_dgram_connect(struct socket *sock, const struct sockaddr *uaddr, int addr_len,
			      int flags)
{
	(void)flags; /* nothing to wait for */
	if (addr_len < (int)sizeof(uaddr->sa_family))
		return -EINVAL;
	if (uaddr->sa_family == AF_UNSPEC)
		return udp_disconnect(sock->sk);
	return ip4_datagram_connect(sock->sk, uaddr, addr_len);
}

static int dgram_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	return inet_getname(sock->sk, uaddr, peer);
}

static unsigned int dgram_poll(struct socket *sock) { return udp_poll(sock->sk); }

/*
 * Linux's inet_shutdown for a datagram socket: the bits are set and the
 * readers woken even when unconnected, which still reports ENOTCONN.
 */
static int dgram_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;

	how++; /* SHUT_RD/WR/RDWR (0/1/2) -> RCV_SHUTDOWN/SEND_SHUTDOWN/both */
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;
	sk->sk_shutdown |= (unsigned int)how;
	sk_wake(sk);
	return sk->sk_state == TCP_CLOSE ? -ENOTCONN : 0;
}

static int dgram_setsockopt(struct socket *sock, int level, int optname, const void *optval,
			    unsigned int optlen)
{
	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	return sock_setsockopt(sock, optname, optval, optlen);
}

static int dgram_getsockopt(struct socket *sock, int level, int optname, void *optval,
			    unsigned int *optlen)
{
	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	return sock_getsockopt(sock, optname, optval, optlen);
}

static long dgram_sendmsg(struct socket *sock, const void *buf, size_t len, int flags,
			  const struct sockaddr *addr, int addr_len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

	(void)flags; /* a datagram goes out at once or not at all */
	if (sin) {
		if (addr_len < (int)sizeof(*sin))
			return -EINVAL;
		if (sin->sin_family != AF_INET)
			return -EAFNOSUPPORT;
	}
	return udp_sock_send(sock->sk, buf, len, sin);
}

static long dgram_recvmsg(struct socket *sock, void *buf, size_t len, int flags,
			  struct sockaddr *addr, int *addr_len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)addr;
	struct sock *sk = sock->sk;
	uint32_t saddr = 0;
	uint16_t sport = 0;
	long r;

	*addr_len = 0;
	r = udp_sock_recv(sk, buf, len, flags, &saddr, &sport,
			  flags & MSG_DONTWAIT ? 0 : sk->sk_rcvtimeo);
	if (r == -ETIMEDOUT)
		return -EAGAIN;		  /* SO_RCVTIMEO ran out: Linux says EAGAIN */
	if (r > 0 || (r == 0 && sport)) { /* 0 is a datagram too, if it had a sender */
		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = saddr;
		sin->sin_port = sport;
		*addr_len = sizeof(*sin);
	}
	return r;
}

const struct proto_ops inet_dgram_ops = {
	.family = PF_INET,
	.release = dgram_release,
	.bind = dgram_bind,
	.connect = inet_dgram_connect,
	.accept = sock_no_accept,
	.getname = dgram_getname,
	.poll = dgram_poll,
	.listen = sock_no_listen,
	.shutdown = dgram_shutdown,
	.setsockopt = dgram_setsockopt,
	.getsockopt = dgram_getsockopt,
	.sendmsg = dgram_sendmsg,
	.recvmsg = dgram_recvmsg,
};

/* The protocols a socket(AF_INET, type, protocol) may ask for (Linux's inetsw). */
static const struct inet_protosw {
	int type;
	int protocol;
	const struct proto_ops *ops;
	struct sock *(*create)(void);
} inetsw[] = {
	{SOCK_STREAM, IPPROTO_TCP, &inet_stream_ops, tcp_create_sock},
	{SOCK_DGRAM, IPPROTO_UDP, &inet_dgram_ops, udp_sock_create},
};

int inet_create(struct socket *sock, int protocol)
{
	const struct inet_protosw *p;

	for (p = inetsw; p < inetsw + sizeof(inetsw) / sizeof(inetsw[0]); p++) {
		if (p->type != sock->type)
			continue;
		if (protocol != 0 && protocol != p->protocol)
			return -EPROTONOSUPPORT;
		sock->sk = p->create();
		if (!sock->sk)
			return -ENOMEM;
		sock->ops = p->ops;
		return 0;
	}
	return -ESOCKTNOSUPPORT;
}
