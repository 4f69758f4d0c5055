/*
 * The kernel's side of libc/sys.h: every entry point libc calls, in one
 * place.  The socket calls are the system-call layer, as in Linux:
 * SYSCALL_DEFINE3(socket, ...) defines sys_socket, which calls
 * __sys_socket in net/socket.c, so the chain a gdb session follows reads
 * socket() -> sys_socket -> __sys_socket -> the protocol's proto_ops.
 * A unikernel has no mode switch, so a system call is a function call and
 * pointers are used as they come.
 */
#include <stdint.h>
#include "libc/sys.h"
#include "net/gdb_visible.h"
#include "kernel/console.h"
#include "kernel/mm.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "net/socket.h"

/*
 * SYSCALL_DEFINEn(name, type1, arg1, ...) defines long sys_name(type1 arg1,
 * ...), as Linux's include/linux/syscalls.h does.  __gdb_visible keeps each one
 * a function of its own, so `break sys_socket` works in gdb.
 */
#define __SC_DECL(t, a)	     t a
#define __MAP1(m, t, a)	     m(t, a)
#define __MAP2(m, t, a, ...) m(t, a), __MAP1(m, __VA_ARGS__)
#define __MAP3(m, t, a, ...) m(t, a), __MAP2(m, __VA_ARGS__)
#define __MAP4(m, t, a, ...) m(t, a), __MAP3(m, __VA_ARGS__)
#define __MAP5(m, t, a, ...) m(t, a), __MAP4(m, __VA_ARGS__)
#define __MAP6(m, t, a, ...) m(t, a), __MAP5(m, __VA_ARGS__)
#define SYSCALL_DEFINEx(x, name, ...) \
	__gdb_visible long sys_##name(__MAP##x(__SC_DECL, __VA_ARGS__))
#define SYSCALL_DEFINE1(name, ...) SYSCALL_DEFINEx(1, name, __VA_ARGS__)
#define SYSCALL_DEFINE2(name, ...) SYSCALL_DEFINEx(2, name, __VA_ARGS__)
#define SYSCALL_DEFINE3(name, ...) SYSCALL_DEFINEx(3, name, __VA_ARGS__)
#define SYSCALL_DEFINE4(name, ...) SYSCALL_DEFINEx(4, name, __VA_ARGS__)
#define SYSCALL_DEFINE5(name, ...) SYSCALL_DEFINEx(5, name, __VA_ARGS__)
#define SYSCALL_DEFINE6(name, ...) SYSCALL_DEFINEx(6, name, __VA_ARGS__)

/* ---- console, memory, time, errno ---- */

void sys_console_write(const char *s, size_t n) { console_write(s, n); }

/* kmalloc keeps its objects 16-byte aligned (kernel/mm.c), as malloc promises. */
void *sys_heap_alloc(size_t size) { return kmalloc(size); }

void sys_heap_free(void *p) { kfree(p); }

uint64_t sys_uptime_ms(void) { return jiffies_ms(); }

int sys_msleep(unsigned long ms) { return msleep_interruptible(ms); }

/* errno is per task; before the first task runs, a global one. */
int *__errno_location(void)
{
	static int early_errno;

	return current ? &current->err : &early_errno;
}

/* ---- sockets ---- */

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	return __sys_socket(family, type, protocol);
}

SYSCALL_DEFINE3(bind, int, fd, const struct sockaddr *, umyaddr, socklen_t, addrlen)
{
	return __sys_bind(fd, umyaddr, addrlen);
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog) { return __sys_listen(fd, backlog); }

SYSCALL_DEFINE4(accept4, int, fd, struct sockaddr *, upeer_sockaddr, socklen_t *, upeer_addrlen,
		int, flags)
{
	return __sys_accept4(fd, upeer_sockaddr, upeer_addrlen, flags);
}

SYSCALL_DEFINE3(connect, int, fd, const struct sockaddr *, uservaddr, socklen_t, addrlen)
{
	return __sys_connect(fd, uservaddr, addrlen);
}

SYSCALL_DEFINE6(sendto, int, fd, const void *, buff, size_t, len, int, flags,
		const struct sockaddr *, addr, socklen_t, addr_len)
{
	return __sys_sendto(fd, buff, len, flags, addr, addr_len);
}

SYSCALL_DEFINE6(recvfrom, int, fd, void *, ubuf, size_t, size, int, flags, struct sockaddr *, addr,
		socklen_t *, addr_len)
{
	return __sys_recvfrom(fd, ubuf, size, flags, addr, addr_len);
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how) { return __sys_shutdown(fd, how); }

SYSCALL_DEFINE1(close, int, fd) { return __sys_close(fd); }

SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, optname, const void *, optval, socklen_t,
		optlen)
{
	return __sys_setsockopt(fd, level, optname, optval, optlen);
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, optname, void *, optval, socklen_t *, optlen)
{
	return __sys_getsockopt(fd, level, optname, optval, optlen);
}

SYSCALL_DEFINE3(getsockname, int, fd, struct sockaddr *, usockaddr, socklen_t *, usockaddr_len)
{
	return __sys_getsockname(fd, usockaddr, usockaddr_len);
}

SYSCALL_DEFINE3(getpeername, int, fd, struct sockaddr *, usockaddr, socklen_t *, usockaddr_len)
{
	return __sys_getpeername(fd, usockaddr, usockaddr_len);
}

SYSCALL_DEFINE3(poll, struct pollfd *, ufds, unsigned int, nfds, int, timeout_msecs)
{
	return __sys_poll(ufds, nfds, timeout_msecs);
}

SYSCALL_DEFINE3(fcntl, int, fd, int, cmd, unsigned long, arg)
{
	return __sys_fcntl(fd, cmd, (long)arg);
}
