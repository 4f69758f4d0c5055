/*
 * Everything libc needs from the kernel below it, and nothing more: the
 * console, heap memory, time, sleeping, the per-task errno, and the socket
 * system calls.  The kernel implements all of it in kernel/syscall.c; the
 * host tests stub exactly this list (tests/unit/libc_support/stubs.c).
 *
 * The socket calls are the system calls of Linux: sys_socket() is what
 * SYSCALL_DEFINE3(socket, ...) defines there, and it calls __sys_socket()
 * in net/socket.c.  Each returns a result >= 0 or a negative errno; libc
 * turns the latter into -1 and errno.  Nothing here blocks with a lock held.
 */
#ifndef LIBC_SYS_H
#define LIBC_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <poll.h>

/* Writes n bytes to every console (serial and screen). */
void sys_console_write(const char *s, size_t n);

/* Heap blocks for malloc: at least 16-byte aligned, NULL when memory is short. */
void *sys_heap_alloc(size_t size);
void sys_heap_free(void *p);

/* Milliseconds since boot. */
uint64_t sys_uptime_ms(void);
/* Sleeps ms milliseconds: 0, or -EINTR when Ctrl-C cut it short. */
int sys_msleep(unsigned long ms);

/* The calling task's errno (glibc's name, which <errno.h> uses too). */
int *__errno_location(void);

long sys_socket(int family, int type, int protocol);
long sys_bind(int fd, const struct sockaddr *addr, socklen_t addrlen);
long sys_listen(int fd, int backlog);
long sys_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
long sys_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
long sys_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
		socklen_t addrlen);
long sys_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
		  socklen_t *addrlen);
long sys_shutdown(int fd, int how);
long sys_close(int fd);
long sys_setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen);
long sys_getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen);
long sys_getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen);
long sys_getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen);
long sys_poll(struct pollfd *fds, unsigned int nfds, int timeout_ms);
long sys_fcntl(int fd, int cmd, unsigned long arg);

#endif
