/*
 * The socket system calls, with Linux's names.  libc/socket.c wraps each
 * in its POSIX name (socket, bind, ...), turning a negative errno result
 * into -1 and errno.  Descriptors index one kernel-wide table (a unikernel
 * has one address space).
 */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <poll.h>

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
