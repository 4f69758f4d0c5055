/*
 * BSD sockets.  Constants and structure layouts equal Linux x86_64's
 * (include/linux/socket.h, include/uapi/asm-generic/socket.h), so that
 * programs written for Linux build and behave the same here.
 */
#ifndef _SYS_SOCKET_H
#define _SYS_SOCKET_H

#include <sys/types.h>

typedef unsigned int socklen_t;
typedef unsigned short sa_family_t;

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

/* Large and aligned enough for any address family's sockaddr. */
struct sockaddr_storage {
	sa_family_t ss_family;
	char __ss_padding[128 - sizeof(sa_family_t) - sizeof(unsigned long)];
	unsigned long __ss_align;
};

struct linger {
	int l_onoff;  /* linger active */
	int l_linger; /* how many seconds to linger for */
};

#define AF_UNSPEC 0
#define AF_UNIX	  1
#define AF_LOCAL  AF_UNIX
#define AF_INET	  2
#define AF_INET6  10
#define PF_UNSPEC AF_UNSPEC
#define PF_UNIX	  AF_UNIX
#define PF_LOCAL  AF_LOCAL
#define PF_INET	  AF_INET
#define PF_INET6  AF_INET6

#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_SEQPACKET 5
#define SOCK_NONBLOCK  04000	/* = O_NONBLOCK */
#define SOCK_CLOEXEC   02000000 /* = O_CLOEXEC */

#define SOL_SOCKET 1

#define SO_DEBUG      1
#define SO_REUSEADDR  2
#define SO_TYPE	      3
#define SO_ERROR      4
#define SO_DONTROUTE  5
#define SO_BROADCAST  6
#define SO_SNDBUF     7
#define SO_RCVBUF     8
#define SO_KEEPALIVE  9
#define SO_OOBINLINE  10
#define SO_LINGER     13
#define SO_REUSEPORT  15
#define SO_RCVLOWAT   18
#define SO_SNDLOWAT   19
#define SO_RCVTIMEO   20
#define SO_SNDTIMEO   21
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL   38
#define SO_DOMAIN     39

#define MSG_OOB	      0x1
#define MSG_PEEK      0x2
#define MSG_DONTROUTE 0x4
#define MSG_TRUNC     0x20
#define MSG_DONTWAIT  0x40
#define MSG_EOR	      0x80
#define MSG_WAITALL   0x100
#define MSG_NOSIGNAL  0x4000

#define SHUT_RD	  0
#define SHUT_WR	  1
#define SHUT_RDWR 2

#define SOMAXCONN 4096

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t addrlen);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict addrlen);
int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict addrlen, int flags);
int connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
	       socklen_t addrlen);
ssize_t recvfrom(int fd, void *restrict buf, size_t len, int flags, struct sockaddr *restrict addr,
		 socklen_t *restrict addrlen);
int shutdown(int fd, int how);
int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen);
int getsockopt(int fd, int level, int optname, void *restrict optval, socklen_t *restrict optlen);
int getsockname(int fd, struct sockaddr *restrict addr, socklen_t *restrict addrlen);
int getpeername(int fd, struct sockaddr *restrict addr, socklen_t *restrict addrlen);

#endif
