/*
 * libc/sys.h, the kernel entry points the freestanding libc calls, stubbed
 * (renamed k_*, as the libc under test is) for the test_libc_*.c host
 * tests, so that each test can see and steer what libc does with them.
 * This file stubs exactly that header: nothing more, nothing less.
 */
#define _GNU_SOURCE
#include "tests/unit/libc_support/stubs.h"
#include "tests/unit/libc_support/k_sys.h"

#include <stdlib.h>
#include <string.h>

int k_errno;

int *k___errno_location(void) { return &k_errno; }

char console[8192];
size_t console_len;
int console_calls;

void k_sys_console_write(const char *s, size_t n)
{
	assert_true(console_len + n <= sizeof(console));
	memcpy(console + console_len, s, n);
	console_len += n;
	console_calls++;
}

int kmalloc_live; /* blocks not yet freed */
size_t kmalloc_last_size;
int kmalloc_fail; /* the next kmalloc returns NULL */

void *k_sys_heap_alloc(size_t size)
{
	void *p;

	kmalloc_last_size = size;
	if (kmalloc_fail) {
		kmalloc_fail = 0;
		return NULL;
	}
	/* Poison, so a test notices if libc relies on the memory being zeroed. */
	p = malloc(size);
	assert_non_null(p);
	memset(p, 0xa5, size);
	kmalloc_live++;
	return p;
}

void k_sys_heap_free(void *p)
{
	if (p)
		kmalloc_live--;
	free(p);
}

static uint64_t fake_ms;
unsigned long slept_ms;
int sleep_ret;		/* what msleep_interruptible returns */
uint64_t sleep_advance; /* how far the fake clock moves during a sleep */

uint64_t k_sys_uptime_ms(void) { return fake_ms; }

int k_sys_msleep(unsigned long ms)
{
	slept_ms = ms;
	fake_ms += sleep_advance ? sleep_advance : ms;
	return sleep_ret;
}

/* Every socket call stub records its name and arguments and returns sys_ret. */
const char *sys_called;
long sys_args[6];
long sys_ret;

#define SYS_RECORD(name, a0, a1, a2, a3, a4, a5) \
	do {                                     \
		sys_called = name;               \
		sys_args[0] = (long)(a0);        \
		sys_args[1] = (long)(a1);        \
		sys_args[2] = (long)(a2);        \
		sys_args[3] = (long)(a3);        \
		sys_args[4] = (long)(a4);        \
		sys_args[5] = (long)(a5);        \
	} while (0)

long k_sys_socket(int family, int type, int protocol)
{
	SYS_RECORD("socket", family, type, protocol, 0, 0, 0);
	return sys_ret;
}

long k_sys_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	SYS_RECORD("bind", fd, addr, len, 0, 0, 0);
	return sys_ret;
}

long k_sys_listen(int fd, int backlog)
{
	SYS_RECORD("listen", fd, backlog, 0, 0, 0, 0);
	return sys_ret;
}

long k_sys_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	SYS_RECORD("accept4", fd, addr, len, flags, 0, 0);
	return sys_ret;
}

long k_sys_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	SYS_RECORD("connect", fd, addr, len, 0, 0, 0);
	return sys_ret;
}

long k_sys_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
		  socklen_t alen)
{
	SYS_RECORD("sendto", fd, buf, len, flags, addr, alen);
	return sys_ret;
}

long k_sys_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
		    socklen_t *alen)
{
	SYS_RECORD("recvfrom", fd, buf, len, flags, addr, alen);
	return sys_ret;
}

long k_sys_shutdown(int fd, int how)
{
	SYS_RECORD("shutdown", fd, how, 0, 0, 0, 0);
	return sys_ret;
}

long k_sys_close(int fd)
{
	SYS_RECORD("close", fd, 0, 0, 0, 0, 0);
	return sys_ret;
}

long k_sys_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	SYS_RECORD("setsockopt", fd, level, name, val, len, 0);
	return sys_ret;
}

long k_sys_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	SYS_RECORD("getsockopt", fd, level, name, val, len, 0);
	return sys_ret;
}

long k_sys_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	SYS_RECORD("getsockname", fd, addr, len, 0, 0, 0);
	return sys_ret;
}

long k_sys_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	SYS_RECORD("getpeername", fd, addr, len, 0, 0, 0);
	return sys_ret;
}

long k_sys_poll(struct pollfd *fds, unsigned int nfds, int timeout)
{
	SYS_RECORD("poll", fds, nfds, timeout, 0, 0, 0);
	return sys_ret;
}

long k_sys_fcntl(int fd, int cmd, unsigned long arg)
{
	SYS_RECORD("fcntl", fd, cmd, arg, 0, 0, 0);
	return sys_ret;
}

int reset(void **state)
{
	(void)state;
	k_errno = 0;
	console_len = 0;
	console_calls = 0;
	kmalloc_live = 0;
	kmalloc_fail = 0;
	sys_called = NULL;
	memset(sys_args, 0, sizeof(sys_args));
	sys_ret = 0;
	fake_ms = 1000;
	slept_ms = 0;
	sleep_ret = 0;
	sleep_advance = 0;
	return 0;
}

int no_leaks(void **state)
{
	(void)state;
	assert_int_equal(kmalloc_live, 0);
	return 0;
}
