/*
 * The POSIX socket calls: each makes the system call (libc/sys.h) and
 * turns a negative errno result into -1 with errno set, as a C library
 * does around a Linux system call.
 */
#include <sys/socket.h>
#include <poll.h>
#include <fcntl.h>
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>
#include "libc/sys.h"

static long ret_errno(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int socket(int domain, int type, int protocol)
{
	return ret_errno(sys_socket(domain, type, protocol));
}

int bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	return ret_errno(sys_bind(fd, addr, addrlen));
}

int listen(int fd, int backlog) { return ret_errno(sys_listen(fd, backlog)); }

int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict addrlen)
{
	return ret_errno(sys_accept4(fd, addr, addrlen, 0));
}

int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict addrlen, int flags)
{
	return ret_errno(sys_accept4(fd, addr, addrlen, flags));
}

int connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	return ret_errno(sys_connect(fd, addr, addrlen));
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return ret_errno(sys_sendto(fd, buf, len, flags, NULL, 0));
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return ret_errno(sys_recvfrom(fd, buf, len, flags, NULL, NULL));
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
	       socklen_t addrlen)
{
	return ret_errno(sys_sendto(fd, buf, len, flags, addr, addrlen));
}

ssize_t recvfrom(int fd, void *restrict buf, size_t len, int flags, struct sockaddr *restrict addr,
		 socklen_t *restrict addrlen)
{
	return ret_errno(sys_recvfrom(fd, buf, len, flags, addr, addrlen));
}

int shutdown(int fd, int how) { return ret_errno(sys_shutdown(fd, how)); }

int close(int fd) { return ret_errno(sys_close(fd)); }

int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)
{
	return ret_errno(sys_setsockopt(fd, level, optname, optval, optlen));
}

int getsockopt(int fd, int level, int optname, void *restrict optval, socklen_t *restrict optlen)
{
	return ret_errno(sys_getsockopt(fd, level, optname, optval, optlen));
}

int getsockname(int fd, struct sockaddr *restrict addr, socklen_t *restrict addrlen)
{
	return ret_errno(sys_getsockname(fd, addr, addrlen));
}

int getpeername(int fd, struct sockaddr *restrict addr, socklen_t *restrict addrlen)
{
	return ret_errno(sys_getpeername(fd, addr, addrlen));
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	if (nfds > (nfds_t)(unsigned int)-1) {
		errno = EINVAL;
		return -1;
	}
	return ret_errno(sys_poll(fds, (unsigned int)nfds, timeout));
}

/* Only F_SETFL and F_SETFD take an argument; reading one otherwise would be undefined. */
int fcntl(int fd, int cmd, ...)
{
	long arg = 0;
	va_list ap;

	if (cmd == F_SETFL || cmd == F_SETFD) {
		va_start(ap, cmd);
		arg = va_arg(ap, int);
		va_end(ap);
	}
	return ret_errno(sys_fcntl(fd, cmd, arg));
}
