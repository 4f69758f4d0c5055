/*
 * The socket system calls over one kernel-wide descriptor table, as
 * Linux's net/socket.c: each looks the descriptor up, checks and copies the
 * addresses, and hands the call to the socket's proto_ops.  Every call runs
 * under net_lock; a blocking one sleeps in net_wait, which drops the lock.
 */
#include "net/gdb_visible.h"
#include "net/platform.h"
#include "net/socket.h"
#include "net/inet_common.h"
#include "net/sock.h"
#include <fcntl.h>

#define SOCKFD_BASE 3 /* 0-2 are the console's stdin/stdout/stderr */
#define NR_SOCKFDS  256

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

static struct socket *sock_alloc(int type, int flags)
{
	struct socket *sock = kzalloc(sizeof(*sock));

	if (!sock)
		return NULL;
	sock->type = type;
	sock->flags = flags & SOCK_NONBLOCK ? O_NONBLOCK : 0;
	return sock;
}

static void sock_release(struct socket *sock)
{
	if (sock->sk)
		sock->ops->release(sock);
	kfree(sock);
}

/* MSG_DONTWAIT when the descriptor is non-blocking, as Linux's __sys_sendto does. */
static int sock_msg_flags(const struct socket *sock, int flags)
{
	return sock->flags & O_NONBLOCK ? flags | MSG_DONTWAIT : flags;
}

/* Copies a kernel address out as accept/getsockname/recvfrom do (Linux: move_addr_to_user). */
static void move_addr_to_user(const void *kaddr, int klen, struct sockaddr *uaddr, socklen_t *ulen)
{
	socklen_t n;

	if (!uaddr || !ulen)
		return;
	n = *ulen < (socklen_t)klen ? *ulen : (socklen_t)klen;
	memcpy(uaddr, kaddr, n);
	*ulen = (socklen_t)klen;
}

/* Copies the caller's address in (Linux: move_addr_to_kernel); returns its length. */
static int move_addr_to_kernel(const struct sockaddr *uaddr, socklen_t ulen,
			       struct sockaddr_storage *kaddr)
{
	memset(kaddr, 0, sizeof(*kaddr));
	memcpy(kaddr, uaddr, ulen < sizeof(*kaddr) ? ulen : sizeof(*kaddr));
	return ulen > sizeof(*kaddr) ? (int)sizeof(*kaddr) : (int)ulen;
}

__gdb_visible int __sys_socket(int family, int type, int protocol)
{
	int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct socket *sock;
	int err, fd;

	type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (family != AF_INET)
		return -EAFNOSUPPORT;
	sock = sock_alloc(type, flags);
	if (!sock)
		return -ENOMEM;
	net_lock();
	err = inet_create(sock, protocol);
	if (err < 0) {
		net_unlock();
		kfree(sock);
		return err;
	}
	fd = sock_map_fd(sock);
	if (fd < 0)
		sock_release(sock);
	net_unlock();
	return fd;
}

__gdb_visible int __sys_bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	struct sockaddr_storage kaddr;
	struct socket *sock;
	int err, klen;

	if (!addr)
		return -EFAULT;
	klen = move_addr_to_kernel(addr, addrlen, &kaddr);
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock)
		err = sock->ops->bind(sock, (struct sockaddr *)&kaddr, klen);
	net_unlock();
	return err;
}

__gdb_visible int __sys_listen(int fd, int backlog)
{
	struct socket *sock;
	int err;

	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock)
		err = sock->ops->listen(sock, backlog);
	net_unlock();
	return err;
}

__gdb_visible int __sys_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen,
					    int flags)
{
	struct socket *sock, *newsock;
	struct sockaddr_storage sin;
	int err, newfd;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (!sock)
		goto out;
	newsock = sock_alloc(sock->type, flags);
	if (!newsock) {
		err = -ENOMEM;
		goto out;
	}
	err = sock->ops->accept(sock, newsock, sock->flags);
	if (err < 0) {
		kfree(newsock);
		goto out;
	}
	newfd = sock_map_fd(newsock);
	if (newfd < 0) {
		sock_release(newsock);
		err = newfd;
		goto out;
	}
	err = newsock->ops->getname(newsock, (struct sockaddr *)&sin, 1);
	if (err >= 0)
		move_addr_to_user(&sin, err, addr, addrlen);
	err = newfd;
out:
	net_unlock();
	return err;
}

__gdb_visible int __sys_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	struct sockaddr_storage kaddr;
	struct socket *sock;
	int err, klen;

	if (!addr)
		return -EFAULT;
	klen = move_addr_to_kernel(addr, addrlen, &kaddr);
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock)
		err = sock->ops->connect(sock, (struct sockaddr *)&kaddr, klen, sock->flags);
	net_unlock();
	return err;
}

__gdb_visible long __sys_sendto(int fd, const void *buf, size_t len, int flags,
					    const struct sockaddr *addr, socklen_t addrlen)
{
	struct sockaddr_storage kaddr;
	struct socket *sock;
	int err, klen = 0;
	long ret;

	if (!buf && len)
		return -EFAULT;
	if (addr)
		klen = move_addr_to_kernel(addr, addrlen, &kaddr);
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (!sock)
		ret = err;
	else
		ret = sock->ops->sendmsg(sock, buf, len, sock_msg_flags(sock, flags),
					 addr ? (struct sockaddr *)&kaddr : NULL, klen);
	net_unlock();
	return ret;
}

__gdb_visible long __sys_recvfrom(int fd, void *buf, size_t len, int flags,
					      struct sockaddr *addr, socklen_t *addrlen)
{
	struct sockaddr_storage kaddr;
	struct socket *sock;
	int err, klen = 0;
	long ret;

	if (!buf && len)
		return -EFAULT;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (!sock) {
		ret = err;
	} else {
		ret = sock->ops->recvmsg(sock, buf, len, sock_msg_flags(sock, flags),
					 (struct sockaddr *)&kaddr, &klen);
		if (ret >= 0 && klen)
			move_addr_to_user(&kaddr, klen, addr, addrlen);
	}
	net_unlock();
	return ret;
}

__gdb_visible int __sys_shutdown(int fd, int how)
{
	struct socket *sock;
	int err;

	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock)
		err = sock->ops->shutdown(sock, how);
	net_unlock();
	return err;
}

__gdb_visible int __sys_close(int fd)
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

__gdb_visible int __sys_setsockopt(int fd, int level, int optname, const void *optval,
					       socklen_t optlen)
{
	struct socket *sock;
	int err;

	if (!optval)
		return -EFAULT;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock)
		err = sock->ops->setsockopt(sock, level, optname, optval, optlen);
	net_unlock();
	return err;
}

__gdb_visible int __sys_getsockopt(int fd, int level, int optname, void *optval,
					       socklen_t *optlen)
{
	struct socket *sock;
	int err;

	if (!optval || !optlen)
		return -EFAULT;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock)
		err = sock->ops->getsockopt(sock, level, optname, optval, optlen);
	net_unlock();
	return err;
}

static int sock_getname(int fd, struct sockaddr *addr, socklen_t *addrlen, int peer)
{
	struct sockaddr_storage sin;
	struct socket *sock;
	int err;

	if (!addr || !addrlen)
		return -EFAULT;
	net_lock();
	sock = sockfd_lookup(fd, &err);
	if (sock) {
		err = sock->ops->getname(sock, (struct sockaddr *)&sin, peer);
		if (err >= 0) {
			move_addr_to_user(&sin, err, addr, addrlen);
			err = 0;
		}
	}
	net_unlock();
	return err;
}

__gdb_visible int __sys_getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	return sock_getname(fd, addr, addrlen, 0);
}

__gdb_visible int __sys_getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen)
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
	return sock ? sock->ops->poll(sock) : POLLNVAL;
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

/*
 * Every sock wakes sock_poll_wq through sk_wake when its poll mask may have
 * changed, so poll() sleeps there for its whole timeout and rescans only
 * when woken.
 */
__gdb_visible int __sys_poll(struct pollfd *fds, unsigned int nfds, int timeout_ms)
{
	struct poll_args pa = {fds, nfds, 0};
	int r = 0;

	if (nfds && !fds)
		return -EFAULT;
	if (nfds > NR_SOCKFDS + SOCKFD_BASE)
		return -EINVAL;
	net_lock();
	if (!poll_scan(&pa) && timeout_ms != 0)
		r = net_wait(&sock_poll_wq, poll_scan, &pa, timeout_ms < 0 ? -1 : timeout_ms);
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
