/*
 * The freestanding libc's network side against the host's glibc and Linux:
 * arpa/inet.h conversions, the socket/poll/fcntl wrappers around the
 * kernel's __sys_* calls, sleep/usleep, and the values of the constants in
 * libc/include.  Kernel stubs are in libc_support/stubs.c.
 */
#define _GNU_SOURCE
#include "tests/unit/libc_support/stubs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arpa/inet.h ---- */

static const char *const addr_inputs[] = {
	"0.0.0.0",
	"127.0.0.1",
	"10.0.2.15",
	"255.255.255.255",
	"1.2.3.4",
	"256.0.0.1",
	"1.2.3.256",
	"1.2.3",
	"1.2",
	"1",
	"0x7f.1",
	"0x7f000001",
	"017700000001",
	"0177.0.0.1",
	"01.02.03.04",
	"1.2.3.04",
	"1.2.3.4.",
	".1.2.3",
	"1..2.3",
	"1.2.3.4.5",
	"a.b.c.d",
	"",
	" 1.2.3.4",
	"1.2.3.4 ",
	"1.2.3.4 junk",
	"1.2.3.4junk",
	"1.2.3.-4",
	"+1.2.3.4",
	"08.1.1.1",
	"0x.1.1.1",
	"0xg",
	"4294967295",
	"4294967296",
	"1.16777215",
	"1.16777216",
	"1.2.65535",
	"1.2.65536",
	"0xffffffff",
	"0x100000000",
	"99999999999999999999",
	"1.2.3.0000",
	"000.0.0.0",
	"255.255.255.255.",
	"1.2.3.4\t",
	"1.2.3.4\n",
	"12.34.56.789",
};

static void test_inet_aton_addr(void **state)
{
	struct in_addr w, g;
	size_t i;
	int rw, rg;

	(void)state;
	for (i = 0; i < sizeof(addr_inputs) / sizeof(addr_inputs[0]); i++) {
		const char *s = addr_inputs[i];

		w.s_addr = g.s_addr = 0x5a5a5a5a;
		rw = inet_aton(s, &w);
		rg = k_inet_aton(s, &g);
		if (!rw != !rg || (rw && w.s_addr != g.s_addr))
			fail_msg("inet_aton(\"%s\"): got %d %08x, want %d %08x", s, rg, g.s_addr,
				 rw, w.s_addr);
		if (inet_addr(s) != k_inet_addr(s))
			fail_msg("inet_addr(\"%s\") differs", s);
	}
	assert_int_equal(k_inet_addr("10.0.2.2"), htonl(0x0a000202));
	assert_int_equal(k_inet_addr("nonsense"), INADDR_NONE);
}

static void test_inet_pton(void **state)
{
	unsigned char w[4], g[4];
	size_t i;
	int rw, rg;

	(void)state;
	for (i = 0; i < sizeof(addr_inputs) / sizeof(addr_inputs[0]); i++) {
		const char *s = addr_inputs[i];

		memset(w, 0xee, sizeof(w));
		memset(g, 0xee, sizeof(g));
		rw = inet_pton(AF_INET, s, w);
		rg = k_inet_pton(AF_INET, s, g);
		if (rw != rg || memcmp(w, g, sizeof(w)))
			fail_msg("inet_pton(\"%s\"): got %d, want %d", s, rg, rw);
	}
	k_errno = 0;
	assert_int_equal(k_inet_pton(AF_INET6, "::1", g), -1);
	assert_int_equal(k_errno, EAFNOSUPPORT);
}

static void test_inet_ntop_ntoa(void **state)
{
	static const uint32_t addrs[] = {0,	     0x7f000001, 0x0a00020f, 0xffffffff,
					 0x01020304, 0xc0a80001, 0x00ff00ff};
	char w[INET_ADDRSTRLEN + 4], g[INET_ADDRSTRLEN + 4];
	struct in_addr a;
	socklen_t size;
	size_t i;
	const char *rw, *rg;

	(void)state;
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		a.s_addr = htonl(addrs[i]);
		for (size = 0; size <= sizeof(w); size++) {
			memset(w, '#', sizeof(w));
			memset(g, '#', sizeof(g));
			errno = 0;
			k_errno = 0;
			rw = inet_ntop(AF_INET, &a, w, size);
			rg = k_inet_ntop(AF_INET, &a, g, size);
			assert_int_equal(!rw, !rg);
			if (rw) {
				assert_ptr_equal(rg, g);
				assert_string_equal(g, w);
			} else {
				assert_int_equal(k_errno, errno);
			}
			/* Never written past size. */
			assert_memory_equal(g + size, w + size, sizeof(w) - size);
		}
		assert_string_equal(k_inet_ntoa(a), inet_ntoa(a));
	}
	k_errno = 0;
	assert_null(k_inet_ntop(AF_INET6, &a, g, sizeof(g)));
	assert_int_equal(k_errno, EAFNOSUPPORT);
}

/* ---- socket wrappers ---- */

static void test_socket_wrappers(void **state)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct pollfd pfd = {.fd = 3, .events = POLLIN};
	char buf[8];
	int one = 1;

	(void)state;
	sys_ret = 3;
	assert_int_equal(k_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), 3);
	assert_string_equal(sys_called, "socket");
	assert_int_equal(sys_args[1], SOCK_STREAM | SOCK_NONBLOCK);

	/* A negative result becomes -1 with errno set. */
	k_errno = 0;
	sys_ret = -EADDRINUSE;
	assert_int_equal(k_bind(3, (struct sockaddr *)&sin, sizeof(sin)), -1);
	assert_int_equal(k_errno, EADDRINUSE);
	assert_string_equal(sys_called, "bind");
	assert_int_equal(sys_args[1], (long)&sin);

	sys_ret = 0;
	k_errno = 0;
	assert_int_equal(k_listen(3, SOMAXCONN), 0);
	assert_int_equal(sys_args[1], SOMAXCONN);
	assert_int_equal(k_errno, 0);

	sys_ret = 4;
	assert_int_equal(k_accept(3, (struct sockaddr *)&sin, &len), 4);
	assert_string_equal(sys_called, "accept4");
	assert_int_equal(sys_args[2], (long)&len);
	assert_int_equal(sys_args[3], 0);
	assert_int_equal(k_accept4(3, NULL, NULL, SOCK_NONBLOCK), 4);
	assert_int_equal(sys_args[3], SOCK_NONBLOCK);

	sys_ret = -EINPROGRESS;
	assert_int_equal(k_connect(4, (struct sockaddr *)&sin, sizeof(sin)), -1);
	assert_int_equal(k_errno, EINPROGRESS);

	sys_ret = 5;
	assert_int_equal(k_send(4, "hello", 5, MSG_NOSIGNAL), 5);
	assert_string_equal(sys_called, "sendto");
	assert_int_equal(sys_args[3], MSG_NOSIGNAL);
	assert_int_equal(sys_args[4], 0);
	sys_ret = -EAGAIN;
	assert_int_equal(k_recv(4, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(k_errno, EWOULDBLOCK);
	assert_string_equal(sys_called, "recvfrom");
	assert_int_equal(sys_args[4], 0);

	sys_ret = 2;
	assert_int_equal(k_sendto(4, "hi", 2, 0, (struct sockaddr *)&sin, sizeof(sin)), 2);
	assert_int_equal(sys_args[5], sizeof(sin));
	assert_int_equal(k_recvfrom(4, buf, sizeof(buf), 0, (struct sockaddr *)&sin, &len), 2);
	assert_int_equal(sys_args[5], (long)&len);

	sys_ret = -ENOTCONN;
	assert_int_equal(k_shutdown(4, SHUT_WR), -1);
	assert_int_equal(k_errno, ENOTCONN);
	assert_int_equal(sys_args[1], SHUT_WR);

	sys_ret = 0;
	assert_int_equal(k_setsockopt(4, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(sys_args[2], SO_REUSEADDR);
	assert_int_equal(k_getsockopt(4, SOL_SOCKET, SO_ERROR, &one, &len), 0);
	assert_string_equal(sys_called, "getsockopt");
	assert_int_equal(k_getsockname(4, (struct sockaddr *)&sin, &len), 0);
	assert_string_equal(sys_called, "getsockname");
	assert_int_equal(k_getpeername(4, (struct sockaddr *)&sin, &len), 0);
	assert_string_equal(sys_called, "getpeername");

	sys_ret = 1;
	assert_int_equal(k_poll(&pfd, 1, 500), 1);
	assert_int_equal(sys_args[1], 1);
	assert_int_equal(sys_args[2], 500);
	sys_called = NULL;
	k_errno = 0;
	assert_int_equal(k_poll(&pfd, (nfds_t)UINT_MAX + 1, 0), -1);
	assert_int_equal(k_errno, EINVAL);
	assert_null(sys_called);

	sys_ret = O_NONBLOCK;
	assert_int_equal(k_fcntl(4, F_GETFL), O_NONBLOCK);
	assert_int_equal(sys_args[1], F_GETFL);
	assert_int_equal(sys_args[2], 0);
	sys_ret = 0;
	assert_int_equal(k_fcntl(4, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(sys_args[2], O_NONBLOCK);

	sys_ret = -EBADF;
	assert_int_equal(k_close(99), -1);
	assert_int_equal(k_errno, EBADF);
	assert_string_equal(sys_called, "close");
}

/* ---- ABI constants ----
 *
 * The libc headers must give every constant Linux's value.  They cannot be
 * included next to the host's, so the test reads libc/include/<header> as
 * text, evaluates each "#define NAME value" (numbers, other names, casts,
 * unary and binary minus) and compares it with the host's value of NAME.
 */

struct abi_const {
	const char *name;
	long long value;
};

#define ABI_ENTRY(n) {#n, (long long)(n)},

#define ERRNO_H_NAMES(C)                                                                                                                    \
	C(EPERM)                                                                                                                            \
	C(ENOENT)                                                                                                                           \
	C(ESRCH) C(EINTR) C(EIO) C(ENXIO) C(E2BIG) C(ENOEXEC) C(EBADF) C(ECHILD) C(EAGAIN) C(ENOMEM) C(                                     \
		EACCES) C(EFAULT) C(ENOTBLK) C(EBUSY) C(EEXIST) C(EXDEV) C(ENODEV) C(ENOTDIR) C(EISDIR) C(EINVAL)                           \
		C(ENFILE) C(EMFILE) C(ENOTTY) C(ETXTBSY) C(EFBIG) C(ENOSPC) C(ESPIPE) C(EROFS) C(EMLINK) C(                                 \
			EPIPE) C(EDOM) C(ERANGE) C(EDEADLK) C(ENAMETOOLONG) C(ENOLCK) C(ENOSYS) C(ENOTEMPTY)                                \
			C(ELOOP) C(EWOULDBLOCK) C(ENOMSG) C(EIDRM) C(ECHRNG) C(EL2NSYNC) C(EL3HLT) C(EL3RST) C(                             \
				ELNRNG) C(EUNATCH) C(ENOCSI) C(EL2HLT) C(EBADE) C(EBADR) C(EXFULL) C(ENOANO)                                \
				C(EBADRQC) C(EBADSLT) C(EDEADLOCK) C(EBFONT) C(ENOSTR) C(ENODATA) C(ETIME) C(ENOSR) C(                      \
					ENONET) C(ENOPKG) C(EREMOTE) C(ENOLINK) C(EADV) C(ESRMNT) C(ECOMM) C(EPROTO) C(EMULTIHOP)           \
					C(EDOTDOT) C(EBADMSG) C(EOVERFLOW) C(ENOTUNIQ) C(EBADFD) C(EREMCHG) C(ELIBACC) C(                   \
						ELIBBAD) C(ELIBSCN) C(ELIBMAX) C(ELIBEXEC) C(EILSEQ) C(ERESTART)                            \
						C(ESTRPIPE) C(EUSERS) C(ENOTSOCK) C(EDESTADDRREQ) C(EMSGSIZE) C(                            \
							EPROTOTYPE) C(ENOPROTOOPT) C(EPROTONOSUPPORT) C(ESOCKTNOSUPPORT)                    \
							C(EOPNOTSUPP) C(EPFNOSUPPORT) C(EAFNOSUPPORT) C(EADDRINUSE) C(                      \
								EADDRNOTAVAIL) C(ENETDOWN) C(ENETUNREACH) C(ENETRESET) C(ECONNABORTED)      \
								C(ECONNRESET) C(ENOBUFS) C(EISCONN) C(                                      \
									ENOTCONN) C(ESHUTDOWN) C(ETOOMANYREFS) C(ETIMEDOUT) C(ECONNREFUSED) \
									C(EHOSTDOWN) C(EHOSTUNREACH) C(EALREADY) C(                         \
										EINPROGRESS) C(ESTALE) C(EUCLEAN) C(ENOTNAM)                \
										C(ENAVAIL) C(EISNAM) C(EREMOTEIO) C(                        \
											EDQUOT) C(ENOMEDIUM) C(EMEDIUMTYPE)                 \
											C(ECANCELED) C(ENOKEY) C(EKEYEXPIRED) C(            \
												EKEYREVOKED) C(EKEYREJECTED)                \
												C(EOWNERDEAD) C(                            \
													ENOTRECOVERABLE)                    \
													C(ERFKILL) C(                       \
														EHWPOISON)                  \
														C(ENOTSUP)

#define SYS_SOCKET_H_NAMES(C)                                                                    \
	C(AF_UNSPEC)                                                                             \
	C(AF_UNIX)                                                                               \
	C(AF_INET) C(AF_INET6) C(PF_INET) C(SOCK_STREAM) C(SOCK_DGRAM) C(SOCK_RAW)               \
		C(SOCK_NONBLOCK) C(SOCK_CLOEXEC) C(SOL_SOCKET) C(SO_REUSEADDR) C(SO_TYPE)        \
			C(SO_ERROR) C(SO_BROADCAST) C(SO_SNDBUF) C(SO_RCVBUF) C(SO_KEEPALIVE)    \
				C(SO_LINGER) C(SO_REUSEPORT) C(SO_RCVTIMEO) C(SO_SNDTIMEO)       \
					C(SO_ACCEPTCONN) C(MSG_OOB) C(MSG_PEEK) C(MSG_DONTROUTE) \
						C(MSG_TRUNC) C(MSG_DONTWAIT) C(MSG_WAITALL)      \
							C(MSG_NOSIGNAL) C(SHUT_RD) C(SHUT_WR)    \
								C(SHUT_RDWR) C(SOMAXCONN)

#define NETINET_IN_H_NAMES(C)                                                          \
	C(INADDR_ANY)                                                                  \
	C(INADDR_BROADCAST)                                                            \
	C(INADDR_NONE) C(INADDR_LOOPBACK) C(IPPROTO_IP) C(IPPROTO_ICMP) C(IPPROTO_TCP) \
		C(IPPROTO_UDP) C(IPPROTO_RAW) C(IP_TOS) C(IP_TTL)

#define NETINET_TCP_H_NAMES(C) \
	C(TCP_NODELAY) C(TCP_MAXSEG) C(TCP_KEEPIDLE) C(TCP_KEEPINTVL) C(TCP_KEEPCNT)

#define ARPA_INET_H_NAMES(C) C(INET_ADDRSTRLEN)

#define POLL_H_NAMES(C)                                                                        \
	C(POLLIN)                                                                              \
	C(POLLPRI)                                                                             \
	C(POLLOUT) C(POLLERR) C(POLLHUP) C(POLLNVAL) C(POLLRDNORM) C(POLLRDBAND) C(POLLWRNORM) \
		C(POLLWRBAND) C(POLLRDHUP)

#define FCNTL_H_NAMES(C)                                                                    \
	C(F_GETFD)                                                                          \
	C(F_SETFD)                                                                          \
	C(F_GETFL) C(F_SETFL) C(FD_CLOEXEC) C(O_RDONLY) C(O_WRONLY) C(O_RDWR) C(O_NONBLOCK) \
		C(O_CLOEXEC)

#define LIMITS_H_NAMES(C)                                                                    \
	C(CHAR_BIT)                                                                          \
	C(SCHAR_MIN)                                                                         \
	C(SCHAR_MAX) C(CHAR_MIN) C(CHAR_MAX) C(SHRT_MIN) C(INT_MIN) C(LONG_MIN) C(LLONG_MIN) \
		C(SSIZE_MAX) C(UCHAR_MAX) C(SHRT_MAX) C(USHRT_MAX) C(INT_MAX) C(UINT_MAX)    \
			C(LONG_MAX) C(ULONG_MAX) C(LLONG_MAX) C(ULLONG_MAX)

#define STDIO_H_NAMES(C) C(EOF)

struct define {
	char name[48];
	char value[80];
};

static struct define defines[512];
static size_t ndefines;

static void read_defines(const char *header)
{
	char path[128], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "libc/include/%s", header);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s (run the test from the project root)", path);
	ndefines = 0;
	while (fgets(line, sizeof(line), f)) {
		struct define *d = &defines[ndefines];

		if (sscanf(line, "#define %47s %79[^\n]", d->name, d->value) == 2 &&
		    !strchr(d->name, '(')) {
			assert_true(++ndefines < sizeof(defines) / sizeof(defines[0]));
		}
	}
	fclose(f);
}

static const struct define *find_define(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ndefines; i++)
		if (strlen(defines[i].name) == len && !strncmp(defines[i].name, name, len))
			return &defines[i];
	return NULL;
}

static long long eval_expr(const char **p, int depth);

static void skip_blanks(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/*
 * term: number (with U/L suffixes) | NAME (another define) | -term |
 * (type)term | (expr).  Enough for every value in the libc headers.
 */
static long long eval_term(const char **p, int depth)
{
	const struct define *d;
	const char *q, *name;
	long long v;
	size_t len;

	assert_true(depth < 16);
	skip_blanks(p);
	if (**p == '-') {
		(*p)++;
		return -eval_term(p, depth + 1);
	}
	if (**p == '(') {
		(*p)++;
		skip_blanks(p);
		for (q = *p; isalnum((unsigned char)*q) || *q == '_'; q++)
			;
		if (isalpha((unsigned char)**p) && *q == ')' && !find_define(*p, q - *p)) {
			*p = q + 1; /* a cast to a type name */
			return eval_term(p, depth + 1);
		}
		v = eval_expr(p, depth + 1);
		skip_blanks(p);
		assert_int_equal(**p, ')');
		(*p)++;
		return v;
	}
	if (isdigit((unsigned char)**p)) {
		v = (long long)strtoull(*p, (char **)p, 0);
		*p += strspn(*p, "uUlL");
		return v;
	}
	name = *p;
	for (len = 0; isalnum((unsigned char)name[len]) || name[len] == '_'; len++)
		;
	d = find_define(name, len);
	if (!d)
		fail_msg("cannot evaluate \"%s\"", name);
	*p += len;
	q = d->value;
	return eval_expr(&q, depth + 1);
}

static long long eval_expr(const char **p, int depth)
{
	long long v = eval_term(p, depth);

	for (;;) {
		skip_blanks(p);
		if (**p == '-') {
			(*p)++;
			v -= eval_term(p, depth);
		} else if (**p == '+') {
			(*p)++;
			v += eval_term(p, depth);
		} else {
			return v;
		}
	}
}

static long long eval_define(const char *value)
{
	const char *p = value;
	long long v = eval_expr(&p, 0);

	/* Only a comment may follow the value. */
	skip_blanks(&p);
	if (*p && strncmp(p, "/*", 2))
		fail_msg("trailing text in \"%s\"", value);
	return v;
}

static void check_header(const char *header, const struct abi_const *c)
{
	size_t i;

	read_defines(header);
	for (; c->name; c++) {
		for (i = 0; i < ndefines; i++)
			if (!strcmp(defines[i].name, c->name))
				break;
		if (i == ndefines)
			fail_msg("%s: %s is not defined", header, c->name);
		if (eval_define(defines[i].value) != c->value)
			fail_msg("%s: %s is %lld, Linux has %lld", header, c->name,
				 eval_define(defines[i].value), c->value);
	}
}

#define CHECK_HEADER(header, names)                                               \
	do {                                                                      \
		static const struct abi_const c_[] = {names(ABI_ENTRY){NULL, 0}}; \
		check_header(header, c_);                                         \
	} while (0)

static void test_abi_constants(void **state)
{
	(void)state;
	CHECK_HEADER("errno.h", ERRNO_H_NAMES);
	CHECK_HEADER("sys/socket.h", SYS_SOCKET_H_NAMES);
	CHECK_HEADER("netinet/in.h", NETINET_IN_H_NAMES);
	CHECK_HEADER("netinet/tcp.h", NETINET_TCP_H_NAMES);
	CHECK_HEADER("arpa/inet.h", ARPA_INET_H_NAMES);
	CHECK_HEADER("poll.h", POLL_H_NAMES);
	CHECK_HEADER("fcntl.h", FCNTL_H_NAMES);
	CHECK_HEADER("limits.h", LIMITS_H_NAMES);
	CHECK_HEADER("stdio.h", STDIO_H_NAMES);
}

/* ---- sleep ---- */

static void test_sleep(void **state)
{
	(void)state;
	assert_int_equal(k_usleep(1500), 0);
	assert_int_equal(slept_ms, 2);
	assert_int_equal(k_usleep(0), 0);
	assert_int_equal(slept_ms, 0);
	assert_int_equal(k_usleep(ULONG_MAX), 0);
	assert_int_equal(slept_ms, ULONG_MAX / 1000 + 1);

	assert_int_equal(k_sleep(3), 0);
	assert_int_equal(slept_ms, 3000);

	/* Interrupted after 1.2 s of 3 s: 1.8 s left, reported as 2 (rounded up). */
	sleep_ret = -EINTR;
	sleep_advance = 1200;
	assert_int_equal(k_sleep(3), 2);
	k_errno = 0;
	assert_int_equal(k_usleep(5000000), -1);
	assert_int_equal(k_errno, EINTR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inet_aton_addr, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_inet_pton, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_inet_ntop_ntoa, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_socket_wrappers, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_abi_constants, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_sleep, reset, no_leaks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
