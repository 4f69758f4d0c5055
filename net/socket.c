/*
 * The socket system calls over one kernel-wide descriptor table.
 * SOCK_STREAM sockets are TCP socks (af_inet.c, tcp.c); SOCK_DGRAM sockets
 * use the UDP endpoint of net/udp.h.  Every call runs under net_lock; a
 * blocking call sleeps in net_wait, which drops the lock.
 */
#include "net/platform.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "net/ip.h"
#include <fcntl.h>
#include <sys/time.h>

#define SOCKFD_BASE   3 /* 0-2 are the console's stdin/stdout/stderr */
#define NR_SOCKFDS    256
/* poll() re-checks at least this often (UDP endpoints wake only their own queue) */
#define POLL_SLICE_MS 10

struct udp_endpoint {
	struct udp_sock us;
	uint32_t laddr; /* bound address (network order), 0: any */
	uint32_t daddr; /* connect()ed peer, network order */
	uint16_t dport;
	int reuse;
	long rcvtimeo;
};

struct socket {
	int type;		  /* SOCK_STREAM or SOCK_DGRAM */
	int flags;		  /* O_NONBLOCK */
	struct sock *sk;	  /* SOCK_STREAM */
	struct udp_endpoint *udp; /* SOCK_DGRAM */
};

static struct socket *sockfd_table[NR_SOCKFDS];

static struct socket *sockfd_lookup(int fd, int *err)
{
	if (fd < 0) {
		*err = -EBADF;
		return NULL;
	}
	if (fd < SOCKFD_BASE || fd >= SOCKFD_BASE + NR_SOCKFDS) {
		*err = fd < SOCKFD_BASE ? -ENOTSOCK : -EBADF;
		return NULL;
	}
	if (!sockfd_table[fd - SOCKFD_BASE]) {
		*err = -EBADF;
		return NULL;
	}
	return sockfd_table[fd - SOCKFD_BASE];
}

static int sock_map_fd(struct socket *sock)
{
	int i;

	for (i = 0; i < NR_SOCKFDS; i++) {
		if (!sockfd_table[i]) {
			sockfd_table[i] = sock;
			return i + SOCKFD_BASE;
		}
	}
	return -EMFILE;
}

static int sock_nonblock(const struct socket *sock, int msg_flags)
{
	return (sock->flags & O_NONBLOCK) || (msg_flags & MSG_DONTWAIT);
}

static void sock_release(struct socket *sock)
{
	if (sock->sk)
		tcp_close(sock->sk);
	if (sock->udp) {
		udp_sock_close(&sock->udp->us);
		kfree(sock->udp);
	}
	kfree(sock);
}

/* Copies a kernel sockaddr_in out as accept/getsockname/recvfrom do. */
static void move_addr_to_user(const struct sockaddr_in *sin, struct sockaddr *uaddr,
			      socklen_t *ulen)
{
	socklen_t n;

	if (!uaddr || !ulen)
		return;
	n = *ulen < sizeof(*sin) ? *ulen : (socklen_t)sizeof(*sin);
	memcpy(uaddr, sin, n);
	*ulen = sizeof(*sin);
}

__attribute__((noinline)) int __sys_socket(int family, int type, int protocol)
{
	int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct socket *sock;
	int fd;

	type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (family != AF_INET)
		return -EAFNOSUPPORT;
	if (type == SOCK_STREAM) {
		if (protocol != 0 && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
	} else if (type == SOCK_DGRAM) {
		if (protocol != 0 && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
	} else {
		return -ESOCKTNOSUPPORT;
	}

	sock = kzalloc(sizeof(*sock));
	if (!sock)
		return -ENOMEM;
	sock->type = type;
	sock->flags = flags & SOCK_NONBLOCK ? O_NONBLOCK : 0;
	net_lock();
	if (type == SOCK_STREAM) {
		sock->sk = tcp_create_sock();
		if (!sock->sk)
			goto nomem;
	} else {
		sock->udp = kzalloc(sizeof(*sock->udp));
		if (!sock->udp)
			goto nomem;
		skb_queue_head_init(&sock->udp->us.rx_queue);
		init_waitqueue_head(&sock->udp->us.wq);
		sock->udp->rcvtimeo = -1;
	}
	fd = sock_map_fd(sock);
	if (fd < 0)
		sock_release(sock);
	net_unlock();
	return fd;
nomem:
	net_unlock();
	kfree(sock);
	return -ENOMEM;
}

static int udp_bind(struct udp_endpoint *u, const struct sockaddr *addr, socklen_t addrlen)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	int err;

	if (addrlen < sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	if (sin->sin_addr.s_addr != htonl(INADDR_ANY) && !ip_is_local_addr(sin->sin_addr.s_addr))
		return -EADDRNOTAVAIL;
	if (u->us.port)
		return -EINVAL;
	err = udp_sock_bind(&u->us, sin->sin_port);
	if (err == 0)
		u->laddr = sin->sin_addr.s_addr;
	return err;
}

__attribute__((noinline)) int __sys_bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	struct socket *sock;
	int err;

	if (!addr)
		return -EFAULT;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock)
		err = sock->sk ? inet_bind(sock->sk, addr, (int)addrlen)
			       : udp_bind(sock->udp, addr, addrlen);
	net_unlock();
	return err;
}

__attribute__((noinline)) int __sys_listen(int fd, int backlog)
{
	struct socket *sock;
	int err;

	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock)
		err = sock->sk ? inet_listen(sock->sk, backlog) : -EOPNOTSUPP;
	net_unlock();
	return err;
}

__attribute__((noinline)) int __sys_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen,
					    int flags)
{
	struct socket *sock, *newsock;
	struct sockaddr_in sin;
	struct sock *newsk;
	int err, newfd;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	newsock = kzalloc(sizeof(*newsock));
	if (!newsock)
		return -ENOMEM;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (!sock)
		goto out;
	if (!sock->sk) {
		err = -EOPNOTSUPP;
		goto out;
	}
	newsk = inet_csk_accept(sock->sk, sock_nonblock(sock, 0), &err);
	if (!newsk)
		goto out;
	newsock->type = SOCK_STREAM;
	newsock->flags = flags & SOCK_NONBLOCK ? O_NONBLOCK : 0;
	newsock->sk = newsk;
	newfd = sock_map_fd(newsock);
	if (newfd < 0) {
		tcp_close(newsk);
		err = newfd;
		goto out;
	}
	inet_getname(newsk, (struct sockaddr *)&sin, 0);
	sin.sin_addr.s_addr = newsk->sk_daddr;
	sin.sin_port = newsk->sk_dport;
	move_addr_to_user(&sin, addr, addrlen);
	net_unlock();
	return newfd;
out:
	net_unlock();
	kfree(newsock);
	return err;
}

static int udp_connect(struct udp_endpoint *u, const struct sockaddr *addr, socklen_t addrlen)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

	if (addrlen < sizeof(sa_family_t))
		return -EINVAL;
	if (sin->sin_family == AF_UNSPEC) {
		u->daddr = 0;
		u->dport = 0;
		return 0;
	}
	if (addrlen < sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	u->daddr = sin->sin_addr.s_addr;
	u->dport = sin->sin_port;
	return 0;
}

__attribute__((noinline)) int __sys_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	struct socket *sock;
	int err;

	if (!addr)
		return -EFAULT;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock)
		err = sock->sk ? inet_stream_connect(sock->sk, addr, (int)addrlen,
						     sock_nonblock(sock, 0))
			       : udp_connect(sock->udp, addr, addrlen);
	net_unlock();
	return err;
}

static long udp_sendto(struct udp_endpoint *u, const void *buf, size_t len,
		       const struct sockaddr *addr, socklen_t addrlen)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	uint32_t daddr = u->daddr;
	uint16_t dport = u->dport;
	int err;

	if (addr) {
		if (addrlen < sizeof(*sin))
			return -EINVAL;
		if (sin->sin_family != AF_INET)
			return -EAFNOSUPPORT;
		daddr = sin->sin_addr.s_addr;
		dport = sin->sin_port;
	}
	if (!dport)
		return addr ? -EINVAL : -EDESTADDRREQ;
	if (!u->us.port) {
		err = udp_sock_bind(&u->us, 0);
		if (err < 0)
			return err;
	}
	return udp_sendmsg(u->laddr, u->us.port, daddr, dport, buf, len);
}

__attribute__((noinline)) long __sys_sendto(int fd, const void *buf, size_t len, int flags,
					    const struct sockaddr *addr, socklen_t addrlen)
{
	struct socket *sock;
	int err;
	long ret;

	if (!buf && len)
		return -EFAULT;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (!sock)
		ret = err;
	else if (sock->sk)
		ret = tcp_sendmsg(sock->sk, buf, len, sock_nonblock(sock, flags));
	else
		ret = udp_sendto(sock->udp, buf, len, addr, addrlen);
	net_unlock();
	return ret;
}

static long udp_recvfrom(struct socket *sock, void *buf, size_t len, int flags,
			 struct sockaddr *addr, socklen_t *addrlen)
{
	struct udp_endpoint *u = sock->udp;
	struct sockaddr_in sin;
	uint32_t saddr = 0;
	uint16_t sport = 0;
	long r;

	r = udp_sock_recv(&u->us, buf, len, &saddr, &sport,
			  sock_nonblock(sock, flags) ? 0 : u->rcvtimeo);
	if (r == -ETIMEDOUT)
		r = -EAGAIN; /* SO_RCVTIMEO ran out: Linux says EAGAIN */
	if (r >= 0) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = saddr;
		sin.sin_port = sport;
		move_addr_to_user(&sin, addr, addrlen);
	}
	return r;
}

__attribute__((noinline)) long __sys_recvfrom(int fd, void *buf, size_t len, int flags,
					      struct sockaddr *addr, socklen_t *addrlen)
{
	struct socket *sock;
	int err;
	long ret;

	if (!buf && len)
		return -EFAULT;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (!sock) {
		ret = err;
	} else if (sock->sk) {
		ret = tcp_recvmsg(sock->sk, buf, len, sock_nonblock(sock, flags), flags & MSG_PEEK);
		if (ret >= 0 && addr && addrlen) {
			struct sockaddr_in sin;

			if (inet_getname(sock->sk, (struct sockaddr *)&sin, 1) >= 0)
				move_addr_to_user(&sin, addr, addrlen);
		}
	} else {
		ret = udp_recvfrom(sock, buf, len, flags, addr, addrlen);
	}
	net_unlock();
	return ret;
}

__attribute__((noinline)) int __sys_shutdown(int fd, int how)
{
	struct socket *sock;
	int err;

	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock)
		err = sock->sk ? tcp_shutdown(sock->sk, how) : -ENOTCONN;
	net_unlock();
	return err;
}

__attribute__((noinline)) int __sys_close(int fd)
{
	struct socket *sock;
	int err;

	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock) {
		sockfd_table[fd - SOCKFD_BASE] = NULL;
		sock_release(sock);
		err = 0;
	}
	net_unlock();
	return err;
}

static long timeval_to_ms(const struct timeval *tv)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EDOM;
	if (tv->tv_sec == 0 && tv->tv_usec == 0)
		return -1; /* zero: wait forever (as Linux) */
	return tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
}

static int sock_setsockopt(struct socket *sock, int optname, const void *optval, socklen_t optlen)
{
	struct sock *sk = sock->sk;
	long ms;
	int val;

	switch (optname) {
	case SO_RCVTIMEO:
	case SO_SNDTIMEO:
		if (optlen < sizeof(struct timeval))
			return -EINVAL;
		ms = timeval_to_ms(optval);
		if (ms == -EDOM)
			return -EDOM;
		if (!sk) {
			if (optname == SO_RCVTIMEO)
				sock->udp->rcvtimeo = ms;
			return 0;
		}
		if (optname == SO_RCVTIMEO)
			sk->sk_rcvtimeo = ms;
		else
			sk->sk_sndtimeo = ms;
		return 0;
	}
	if (optlen < sizeof(int))
		return -EINVAL;
	memcpy(&val, optval, sizeof(int));
	switch (optname) {
	case SO_REUSEADDR:
		if (sk)
			sk->sk_reuse = !!val;
		else
			sock->udp->reuse = !!val;
		return 0;
	case SO_KEEPALIVE:
		if (sk)
			tcp_set_keepalive(sk, val != 0);
		return 0; /* UDP: nothing to keep alive (Linux accepts it too) */
	case SO_RCVBUF:
	case SO_SNDBUF:
		if (!sk)
			return 0; /* the UDP endpoint's queue is bounded by count */
		if (val < 2048)
			val = 2048;
		if (val > 4 * 1024 * 1024)
			val = 4 * 1024 * 1024;
		if (optname == SO_RCVBUF)
			sk->sk_rcvbuf = (unsigned int)val;
		else
			sk->sk_sndbuf = (unsigned int)val;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

__attribute__((noinline)) int __sys_setsockopt(int fd, int level, int optname, const void *optval,
					       socklen_t optlen)
{
	struct socket *sock;
	int err;

	if (!optval)
		return -EFAULT;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock) {
		if (level == SOL_SOCKET)
			err = sock_setsockopt(sock, optname, optval, optlen);
		else if (level == IPPROTO_TCP && sock->sk)
			err = tcp_setsockopt(sock->sk, optname, optval, optlen);
		else
			err = -ENOPROTOOPT;
	}
	net_unlock();
	return err;
}

static int sock_getsockopt(struct socket *sock, int optname, void *optval, socklen_t *optlen)
{
	struct sock *sk = sock->sk;
	int val;

	if (optname == SO_RCVTIMEO || optname == SO_SNDTIMEO) {
		struct timeval tv = {0, 0};
		long ms = optname == SO_RCVTIMEO ? (sk ? sk->sk_rcvtimeo : sock->udp->rcvtimeo)
						 : (sk ? sk->sk_sndtimeo : -1);

		if (*optlen < sizeof(tv))
			return -EINVAL;
		if (ms > 0) {
			tv.tv_sec = ms / 1000;
			tv.tv_usec = (ms % 1000) * 1000;
		}
		memcpy(optval, &tv, sizeof(tv));
		*optlen = sizeof(tv);
		return 0;
	}
	if (*optlen < sizeof(int))
		return -EINVAL;
	switch (optname) {
	case SO_REUSEADDR:
		val = sk ? sk->sk_reuse : sock->udp->reuse;
		break;
	case SO_ERROR:
		val = sk ? -sock_error(sk) : 0;
		break;
	case SO_TYPE:
		val = sock->type;
		break;
	case SO_ACCEPTCONN:
		val = sk && sk->sk_state == TCP_LISTEN;
		break;
	case SO_KEEPALIVE:
		val = sk && sock_flag(sk, SOCK_KEEPOPEN);
		break;
	case SO_RCVBUF:
		val = sk ? (int)sk->sk_rcvbuf : UDP_RCVQ_MAX * 2048;
		break;
	case SO_SNDBUF:
		val = sk ? (int)sk->sk_sndbuf : 65536;
		break;
	default:
		return -ENOPROTOOPT;
	}
	memcpy(optval, &val, sizeof(int));
	*optlen = sizeof(int);
	return 0;
}

__attribute__((noinline)) int __sys_getsockopt(int fd, int level, int optname, void *optval,
					       socklen_t *optlen)
{
	struct socket *sock;
	int err;

	if (!optval || !optlen)
		return -EFAULT;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock) {
		if (level == SOL_SOCKET)
			err = sock_getsockopt(sock, optname, optval, optlen);
		else if (level == IPPROTO_TCP && sock->sk)
			err = tcp_getsockopt(sock->sk, optname, optval, optlen);
		else
			err = -ENOPROTOOPT;
	}
	net_unlock();
	return err;
}

static int sock_getname(int fd, struct sockaddr *addr, socklen_t *addrlen, int peer)
{
	struct sockaddr_in sin;
	struct socket *sock;
	int err;

	if (!addr || !addrlen)
		return -EFAULT;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock) {
		if (sock->sk) {
			err = inet_getname(sock->sk, (struct sockaddr *)&sin, peer);
		} else {
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_addr.s_addr = peer ? sock->udp->daddr : sock->udp->laddr;
			sin.sin_port = peer ? sock->udp->dport : sock->udp->us.port;
			err = peer && !sock->udp->dport ? -ENOTCONN : 0;
		}
		if (err >= 0) {
			move_addr_to_user(&sin, addr, addrlen);
			err = 0;
		}
	}
	net_unlock();
	return err;
}

int __sys_getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	return sock_getname(fd, addr, addrlen, 0);
}

int __sys_getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	return sock_getname(fd, addr, addrlen, 1);
}

struct poll_args {
	struct pollfd *fds;
	unsigned int nfds;
	int ready;
};

static unsigned int sock_poll_mask(int fd)
{
	struct socket *sock;
	int err;

	sock = sockfd_lookup(fd, &err);
	if (!sock)
		return POLLNVAL;
	if (sock->sk)
		return tcp_poll(sock->sk);
	return (skb_queue_len(&sock->udp->us.rx_queue) ? POLLIN | POLLRDNORM : 0) | POLLOUT |
	       POLLWRNORM;
}

static int poll_scan(void *arg)
{
	struct poll_args *pa = arg;
	unsigned int i;

	pa->ready = 0;
	for (i = 0; i < pa->nfds; i++) {
		struct pollfd *p = &pa->fds[i];
		unsigned int mask;

		p->revents = 0;
		if (p->fd < 0)
			continue;
		mask = sock_poll_mask(p->fd);
		/* POLLERR, POLLHUP and POLLNVAL are reported whether asked or not */
		p->revents = (short)(mask & ((unsigned int)(unsigned short)p->events | POLLERR |
					     POLLHUP | POLLNVAL));
		if (p->revents)
			pa->ready++;
	}
	return pa->ready > 0;
}

int __sys_poll(struct pollfd *fds, unsigned int nfds, int timeout_ms)
{
	struct poll_args pa = {fds, nfds, 0};
	uint64_t deadline = timeout_ms > 0 ? jiffies_ms() + (uint64_t)timeout_ms : 0;
	int r = 0;

	if (nfds && !fds)
		return -EFAULT;
	if (nfds > NR_SOCKFDS + SOCKFD_BASE)
		return -EINVAL;
	net_lock();
	while (!poll_scan(&pa) && timeout_ms != 0) {
		long slice = POLL_SLICE_MS;

		if (timeout_ms > 0) {
			uint64_t now = jiffies_ms();

			if (now >= deadline)
				break;
			if ((uint64_t)slice > deadline - now)
				slice = (long)(deadline - now);
		}
		r = net_wait(&sock_poll_wq, poll_scan, &pa, slice);
		if (r < 0)
			break;
	}
	net_unlock();
	return r < 0 ? r : pa.ready;
}

int __sys_fcntl(int fd, int cmd, long arg)
{
	struct socket *sock;
	int err;

	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock) {
		switch (cmd) {
		case F_GETFL:
			err = O_RDWR | sock->flags;
			break;
		case F_SETFL:
			sock->flags = (int)(arg & O_NONBLOCK);
			err = 0;
			break;
		case F_GETFD:
		case F_SETFD:
			err = 0;
			break;
		default:
			err = -EINVAL;
		}
	}
	net_unlock();
	return err;
}
