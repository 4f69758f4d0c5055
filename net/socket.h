/*
 * The socket layer, as Linux's net/socket.c: the __sys_* calls that
 * kernel/syscall.c's sys_* system calls enter (libc/socket.c wraps those in
 * the POSIX names).  Descriptors index one kernel-wide table (a unikernel
 * has one address space); each holds a struct socket, and every call on it
 * goes through its struct proto_ops, the protocol family's table of socket
 * operations (af_inet.c: inet_stream_ops for TCP, inet_dgram_ops for UDP).
 *
 * The __sys_* functions take net_lock; the proto_ops run with it held (a
 * blocking one sleeps in net_wait, which drops it).  Addresses given to and
 * returned by proto_ops are kernel copies, checked and copied here.
 */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <poll.h>

struct sock;
struct socket;

/*
 * flags: for connect and accept the descriptor's O_NONBLOCK (Linux passes
 * the file's f_flags); for sendmsg and recvmsg the MSG_* flags, with
 * MSG_DONTWAIT set when the descriptor is non-blocking.  recvmsg fills
 * *addr_len bytes of addr with the sender (0: no address).
 */
struct proto_ops {
	int family;
	int (*release)(struct socket *sock);
	int (*bind)(struct socket *sock, const struct sockaddr *addr, int addr_len);
	int (*connect)(struct socket *sock, const struct sockaddr *addr, int addr_len, int flags);
	int (*accept)(struct socket *sock, struct socket *newsock, int flags);
	int (*getname)(struct socket *sock, struct sockaddr *addr, int peer);
	unsigned int (*poll)(struct socket *sock); /* POLL* bits */
	int (*listen)(struct socket *sock, int backlog);
	int (*shutdown)(struct socket *sock, int how);
	int (*setsockopt)(struct socket *sock, int level, int optname, const void *optval,
			  unsigned int optlen);
	int (*getsockopt)(struct socket *sock, int level, int optname, void *optval,
			  unsigned int *optlen);
	long (*sendmsg)(struct socket *sock, const void *buf, size_t len, int flags,
			const struct sockaddr *addr, int addr_len);
	long (*recvmsg)(struct socket *sock, void *buf, size_t len, int flags,
			struct sockaddr *addr, int *addr_len);
};

struct socket {
	int type;  /* SOCK_STREAM, SOCK_DGRAM */
	int flags; /* O_NONBLOCK (Linux keeps it in the file) */
	struct sock *sk;
	const struct proto_ops *ops;
};

int __sys_socket(int family, int type, int protocol);
int __sys_bind(int fd, const struct sockaddr *addr, socklen_t addrlen);
int __sys_listen(int fd, int backlog);
int __sys_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
int __sys_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
long __sys_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
		  socklen_t addrlen);
long __sys_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
		    socklen_t *addrlen);
int __sys_shutdown(int fd, int how);
int __sys_close(int fd);
int __sys_setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen);
int __sys_getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen);
int __sys_getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen);
int __sys_getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen);
int __sys_poll(struct pollfd *fds, unsigned int nfds, int timeout_ms);
int __sys_fcntl(int fd, int cmd, long arg);

#endif
