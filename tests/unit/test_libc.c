/*
 * The freestanding libc (every libc/ source compiled with each symbol
 * renamed k_*) against the host's glibc: for each function, the same
 * inputs must give the same results.  The kernel functions libc calls (console_write,
 * kmalloc, __sys_*, ...) are stubbed here so each test can see and steer
 * what libc does with them.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- the libc under test ---- */

int k_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int k_sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int k_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int k_puts(const char *s);
int k_putchar(int c);

long k_strtol(const char *s, char **end, int base);
unsigned long k_strtoul(const char *s, char **end, int base);
long long k_strtoll(const char *s, char **end, int base);
unsigned long long k_strtoull(const char *s, char **end, int base);
int k_atoi(const char *s);
long k_atol(const char *s);
int k_abs(int x);
long k_labs(long x);
void k_qsort(void *base, size_t nmemb, size_t size, int (*cmp)(const void *, const void *));
void *k_malloc(size_t size);
void *k_calloc(size_t nmemb, size_t size);
void *k_realloc(void *p, size_t size);
void k_free(void *p);

void *k_memcpy(void *dst, const void *src, size_t n);
void *k_memmove(void *dst, const void *src, size_t n);
void *k_memset(void *s, int c, size_t n);
int k_memcmp(const void *a, const void *b, size_t n);
void *k_memchr(const void *s, int c, size_t n);
size_t k_strlen(const char *s);
size_t k_strnlen(const char *s, size_t n);
int k_strcmp(const char *a, const char *b);
int k_strncmp(const char *a, const char *b, size_t n);
char *k_strcpy(char *dst, const char *src);
char *k_strncpy(char *dst, const char *src, size_t n);
char *k_strcat(char *dst, const char *src);
char *k_strncat(char *dst, const char *src, size_t n);
char *k_strchr(const char *s, int c);
char *k_strrchr(const char *s, int c);
char *k_strstr(const char *h, const char *n);
char *k_strdup(const char *s);
char *k_strndup(const char *s, size_t n);
char *k_strtok_r(char *s, const char *delim, char **save);
size_t k_strspn(const char *s, const char *accept);
size_t k_strcspn(const char *s, const char *reject);
int k_strcasecmp(const char *a, const char *b);
int k_strncasecmp(const char *a, const char *b, size_t n);
char *k_strerror(int e);
void k_bzero(void *s, size_t n);

int k_isalpha(int c), k_isdigit(int c), k_isalnum(int c), k_isspace(int c), k_isupper(int c),
	k_islower(int c), k_isxdigit(int c), k_isprint(int c), k_ispunct(int c), k_iscntrl(int c),
	k_isgraph(int c), k_isblank(int c), k_toupper(int c), k_tolower(int c);

in_addr_t k_inet_addr(const char *cp);
int k_inet_aton(const char *cp, struct in_addr *inp);
char *k_inet_ntoa(struct in_addr in);
int k_inet_pton(int af, const char *src, void *dst);
const char *k_inet_ntop(int af, const void *src, char *dst, socklen_t size);

int k_socket(int domain, int type, int protocol);
int k_bind(int fd, const struct sockaddr *addr, socklen_t len);
int k_listen(int fd, int backlog);
int k_accept(int fd, struct sockaddr *addr, socklen_t *len);
int k_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int k_connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t k_send(int fd, const void *buf, size_t len, int flags);
ssize_t k_recv(int fd, void *buf, size_t len, int flags);
ssize_t k_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
		 socklen_t alen);
ssize_t k_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
		   socklen_t *alen);
int k_shutdown(int fd, int how);
int k_close(int fd);
int k_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int k_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int k_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int k_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int k_poll(struct pollfd *fds, nfds_t nfds, int timeout);
int k_fcntl(int fd, int cmd, ...);
unsigned int k_sleep(unsigned int s);
int k_usleep(unsigned long us);

/* ---- stubs for what libc needs from the kernel ---- */

static int k_errno;

int *k___errno_location(void) { return &k_errno; }

static char console[8192];
static size_t console_len;
static int console_calls;

void k_console_write(const char *s, size_t n)
{
	assert_true(console_len + n <= sizeof(console));
	memcpy(console + console_len, s, n);
	console_len += n;
	console_calls++;
}

static int kmalloc_live; /* blocks not yet freed */
static size_t kmalloc_last_size;
static int kmalloc_fail; /* the next kmalloc returns NULL */

void *k_kmalloc(size_t size)
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

void k_kfree(void *p)
{
	if (p)
		kmalloc_live--;
	free(p);
}

static uint64_t fake_ms;
static unsigned long slept_ms;
static int sleep_ret;	       /* what msleep_interruptible returns */
static uint64_t sleep_advance; /* how far the fake clock moves during a sleep */

uint64_t k_jiffies_ms(void) { return fake_ms; }

int k_msleep_interruptible(unsigned long ms)
{
	slept_ms = ms;
	fake_ms += sleep_advance ? sleep_advance : ms;
	return sleep_ret;
}

/* Every __sys_* stub records its name and arguments and returns sys_ret. */
static const char *sys_called;
static long sys_args[6];
static long sys_ret;

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

int k___sys_socket(int family, int type, int protocol)
{
	SYS_RECORD("socket", family, type, protocol, 0, 0, 0);
	return sys_ret;
}

int k___sys_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	SYS_RECORD("bind", fd, addr, len, 0, 0, 0);
	return sys_ret;
}

int k___sys_listen(int fd, int backlog)
{
	SYS_RECORD("listen", fd, backlog, 0, 0, 0, 0);
	return sys_ret;
}

int k___sys_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	SYS_RECORD("accept4", fd, addr, len, flags, 0, 0);
	return sys_ret;
}

int k___sys_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	SYS_RECORD("connect", fd, addr, len, 0, 0, 0);
	return sys_ret;
}

long k___sys_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
		    socklen_t alen)
{
	SYS_RECORD("sendto", fd, buf, len, flags, addr, alen);
	return sys_ret;
}

long k___sys_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
		      socklen_t *alen)
{
	SYS_RECORD("recvfrom", fd, buf, len, flags, addr, alen);
	return sys_ret;
}

int k___sys_shutdown(int fd, int how)
{
	SYS_RECORD("shutdown", fd, how, 0, 0, 0, 0);
	return sys_ret;
}

int k___sys_close(int fd)
{
	SYS_RECORD("close", fd, 0, 0, 0, 0, 0);
	return sys_ret;
}

int k___sys_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	SYS_RECORD("setsockopt", fd, level, name, val, len, 0);
	return sys_ret;
}

int k___sys_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	SYS_RECORD("getsockopt", fd, level, name, val, len, 0);
	return sys_ret;
}

int k___sys_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	SYS_RECORD("getsockname", fd, addr, len, 0, 0, 0);
	return sys_ret;
}

int k___sys_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	SYS_RECORD("getpeername", fd, addr, len, 0, 0, 0);
	return sys_ret;
}

int k___sys_poll(struct pollfd *fds, unsigned int nfds, int timeout)
{
	SYS_RECORD("poll", fds, nfds, timeout, 0, 0, 0);
	return sys_ret;
}

int k___sys_fcntl(int fd, int cmd, long arg)
{
	SYS_RECORD("fcntl", fd, cmd, arg, 0, 0, 0);
	return sys_ret;
}

static int reset(void **state)
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

static int no_leaks(void **state)
{
	(void)state;
	assert_int_equal(kmalloc_live, 0);
	return 0;
}

/* ---- vsnprintf ---- */

/* Formats once with each libc into 256-byte buffers and compares text and return value. */
#define CHECK_FMT(...)                                                 \
	do {                                                           \
		char want_[256], got_[256];                            \
		int rw_ = snprintf(want_, sizeof(want_), __VA_ARGS__); \
		int rg_ = k_snprintf(got_, sizeof(got_), __VA_ARGS__); \
		assert_string_equal(got_, want_);                      \
		assert_int_equal(rg_, rw_);                            \
	} while (0)

static void test_printf_fixed(void **state)
{
	const char *volatile null_str = NULL;
	int x;

	(void)state;
	CHECK_FMT("plain text");
	CHECK_FMT("%%");
	CHECK_FMT("a%%b%%c");
	CHECK_FMT("%d %i %u", 1, -1, 3u);
	CHECK_FMT("%d", INT_MIN);
	CHECK_FMT("%d", INT_MAX);
	CHECK_FMT("%u", UINT_MAX);
	CHECK_FMT("%ld %lu", LONG_MIN, ULONG_MAX);
	CHECK_FMT("%lld %llu", LLONG_MIN, ULLONG_MAX);
	CHECK_FMT("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	CHECK_FMT("%hhd", -129);
	CHECK_FMT("%zu %zd %zx", (size_t)SIZE_MAX, (ssize_t)-5, (size_t)0xabc);
	CHECK_FMT("%td %tx", (ptrdiff_t)-7, (ptrdiff_t)255);
	CHECK_FMT("%jd %ju", INTMAX_MIN, UINTMAX_MAX);
	CHECK_FMT("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0777u);
	CHECK_FMT("%#x %#X %#o %#x %#o", 0x1fu, 0x1fu, 8u, 0u, 0u);
	CHECK_FMT("%#.0o %.0d %.0x %.0u|", 0u, 0, 0u, 0u);
	CHECK_FMT("%#5.3o|%#08x|%#-8x|", 8u, 0x2au, 0x2au);
	CHECK_FMT("%lx %lX %lo", 0xfedcba9876543210ul, 0xfedcba9876543210ul, ULONG_MAX);
	CHECK_FMT("%c%c%c", 'a', 'b', 'c');
	CHECK_FMT("[%5c][%-5c]", 'x', 'y');
	CHECK_FMT("[%s][%10s][%-10s][%.2s][%10.2s][%-10.2s]", "hello", "hello", "hello", "hello",
		  "hello", "hello");
	CHECK_FMT("[%s][%.3s][%.6s][%10s]", null_str, null_str, null_str, null_str);
	CHECK_FMT("[%*d][%-*d][%*d]", 6, 42, 6, 42, -6, 42);
	CHECK_FMT("[%.*d][%.*d][%*.*d]", 5, 42, -1, 42, 8, 4, -42);
	CHECK_FMT("[%.*s][%.*s]", 3, "abcdef", -2, "abcdef");
	CHECK_FMT("[%p][%p][%p]", (void *)0x1234, (void *)&x, (void *)UINTPTR_MAX);
	CHECK_FMT("[%p][%10p][%-10p]", NULL, NULL, NULL);
	/* Flag combinations ISO C leaves undefined or redundant: match glibc anyway. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	CHECK_FMT("[%20p][%-20p][%020p]", (void *)0xabcdef, (void *)0xabcdef, (void *)0xabcdef);
	CHECK_FMT("[%.8p][%+p][% p]", (void *)0xabc, (void *)0xabc, (void *)0xabc);
	CHECK_FMT("[%+d][% d][%+d][% d][%+ d]", 5, 5, -5, -5, 5);
	CHECK_FMT("[%05d][%-05d][%05.3d][%+05d]", -42, -42, -42, 42);
#pragma GCC diagnostic pop
	CHECK_FMT("%s=%d, %s=%#lx.", "a", 1, "b", 0xffUL);
}

/* Every flag combination, width, precision and length against many values. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void test_printf_matrix(void **state)
{
	static const char *const flags[] = {"",	  "-",	"+",  " ",  "#",  "0",	  "-0",
					    "+0", " 0", "#0", "-#", "+ ", "-+ #0"};
	static const char *const widths[] = {"", "1", "3", "8", "21"};
	static const char *const precs[] = {"", ".", ".0", ".1", ".4", ".25"};
	static const char *const lens[] = {"hh", "h", "", "l", "ll", "z", "j", "t"};
	static const char convs[] = {'d', 'i', 'u', 'x', 'X', 'o'};
	static const long long values[] = {0,	    1,	     -1,	7,	   -8,
					   42,	    255,     256,	65535,	   -65536,
					   INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN, 0x12345678};
	const size_t total = ARRAY_SIZE(flags) * ARRAY_SIZE(widths) * ARRAY_SIZE(precs) *
			     ARRAY_SIZE(lens) * ARRAY_SIZE(convs) * ARRAY_SIZE(values);
	char fmt[32], want[128], got[128];
	size_t k, i, f, w, p, l, c;
	long long val;
	int rw, rg;

	(void)state;
	for (k = 0; k < total; k++) {
		/* k as a mixed-radix number: one digit per table. */
		i = k;
		val = values[i % ARRAY_SIZE(values)];
		i /= ARRAY_SIZE(values);
		c = i % ARRAY_SIZE(convs);
		i /= ARRAY_SIZE(convs);
		l = i % ARRAY_SIZE(lens);
		i /= ARRAY_SIZE(lens);
		p = i % ARRAY_SIZE(precs);
		i /= ARRAY_SIZE(precs);
		w = i % ARRAY_SIZE(widths);
		f = i / ARRAY_SIZE(widths);

		snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", flags[f], widths[w], precs[p], lens[l],
			 convs[c]);
		/* Pass the value as the type the length modifier names: int up to "". */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		if (l <= 2) {
			rw = snprintf(want, sizeof(want), fmt, (int)val);
			rg = k_snprintf(got, sizeof(got), fmt, (int)val);
		} else {
			rw = snprintf(want, sizeof(want), fmt, val);
			rg = k_snprintf(got, sizeof(got), fmt, val);
		}
#pragma GCC diagnostic pop
		if (strcmp(got, want) || rg != rw)
			fail_msg("format \"%s\" value %lld: got \"%s\" (%d), want \"%s\" (%d)", fmt,
				 val, got, rg, want, rw);
	}
}

/* vsnprintf never writes past size, always terminates, and returns the full length. */
static void test_printf_truncation(void **state)
{
	static const char *const fmts[] = {"hello, world", "%d", "%s and %s", "%-12x|", "%p"};
	char want[64], got[64];
	size_t size, i;
	int rw, rg;

	(void)state;
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		for (size = 0; size < 40; size++) {
			memset(want, '#', sizeof(want));
			memset(got, '#', sizeof(got));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat"
			switch (i) {
			case 1:
				rw = snprintf(want, size, fmts[i], -123456789);
				rg = k_snprintf(got, size, fmts[i], -123456789);
				break;
			case 2:
				rw = snprintf(want, size, fmts[i], "first", "second");
				rg = k_snprintf(got, size, fmts[i], "first", "second");
				break;
			case 3:
				rw = snprintf(want, size, fmts[i], 0xbeefu);
				rg = k_snprintf(got, size, fmts[i], 0xbeefu);
				break;
			case 4:
				rw = snprintf(want, size, fmts[i], (void *)0xfeedface);
				rg = k_snprintf(got, size, fmts[i], (void *)0xfeedface);
				break;
			default:
				rw = snprintf(want, size, fmts[i], 0);
				rg = k_snprintf(got, size, fmts[i], 0);
				break;
			}
#pragma GCC diagnostic pop
			assert_int_equal(rg, rw);
			/* Same bytes everywhere, including the untouched '#' past size. */
			assert_memory_equal(got, want, sizeof(want));
		}
	}
	/* size 0 allows a NULL buffer: only the length is computed. */
	assert_int_equal(k_snprintf(NULL, 0, "%s-%d", "abc", 12345), 9);
}

static void test_sprintf(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(k_sprintf(buf, "%s:%05d", "port", 80), 10);
	assert_string_equal(buf, "port:00080");
}

/* A conversion libc does not know is printed as written, consuming no argument. */
static void test_printf_bad_format(void **state)
{
	char buf[64];

	(void)state;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
	assert_int_equal(k_snprintf(buf, sizeof(buf), "abc%"), 4);
	assert_string_equal(buf, "abc%");
	assert_int_equal(k_snprintf(buf, sizeof(buf), "[%-5y][%d]", 7), 9);
	assert_string_equal(buf, "[%-5y][7]");
	assert_int_equal(k_snprintf(buf, sizeof(buf), "%f|%s", "x"), 4);
	assert_string_equal(buf, "%f|x");
#pragma GCC diagnostic pop
}

static int call_vsnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int call_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = k_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vsnprintf_va_list(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(call_vsnprintf(buf, sizeof(buf), "%d-%s-%c", 7, "x", 'z'), 5);
	assert_string_equal(buf, "7-x-z");
}

/* printf streams through a small buffer to console_write, so long output works too. */
static void test_printf_console(void **state)
{
	char want[2048];
	int n;

	(void)state;
	n = k_printf("%s %d %#x\n", "hi", -3, 255u);
	assert_int_equal(n, 11);
	assert_int_equal(console_len, 11);
	assert_memory_equal(console, "hi -3 0xff\n", 11);

	console_len = 0;
	console_calls = 0;
	n = k_printf("%1000d|%-900s|%s", 5, "left", "end");
	snprintf(want, sizeof(want), "%1000d|%-900s|%s", 5, "left", "end");
	assert_int_equal(n, (int)strlen(want));
	assert_int_equal(console_len, strlen(want));
	assert_memory_equal(console, want, console_len);
	assert_true(console_calls > 1);

	console_len = 0;
	assert_true(k_puts("line") >= 0);
	assert_int_equal(k_putchar('!'), '!');
	assert_int_equal(k_putchar(0x1ff), 0xff);
	assert_int_equal(console_len, 7);
	assert_memory_equal(console, "line\n!\xff", 7);
}

/* ---- strto*, atoi ---- */

static const char *const num_inputs[] = {
	"",
	" ",
	"0",
	"-0",
	"+0",
	"+5",
	"-5",
	"  42abc",
	"\t\n\v\f\r 17",
	"0x1f",
	"0X1F",
	"0x",
	"0xg",
	"-0x10",
	"+0x7fffffff",
	"077",
	"08",
	"0b101",
	"z",
	"Zz",
	"1e9",
	"-",
	"+",
	"- 1",
	"--1",
	"123456789012",
	"2147483647",
	"2147483648",
	"-2147483649",
	"9223372036854775807",
	"9223372036854775808",
	"-9223372036854775808",
	"-9223372036854775809",
	"18446744073709551615",
	"18446744073709551616",
	"-18446744073709551615",
	"-18446744073709551616",
	"99999999999999999999999999abc",
	"7fffffffffffffff",
	"8000000000000000",
	"ffffffffffffffff",
	"10000000000000000",
	"0xffffffffffffffff",
	"0x10000000000000000",
	"1111111111111111111111111111111111111111",
	"777777777777777777777",
	"1777777777777777777777",
	"2000000000000000000000",
};
static const int num_bases[] = {0, 2, 8, 10, 16, 36};

static void test_strtol_family(void **state)
{
	size_t i, b;
	char *ew, *eg;
	int errw, errg;

	(void)state;
	for (i = 0; i < sizeof(num_inputs) / sizeof(num_inputs[0]); i++) {
		const char *s = num_inputs[i];

		for (b = 0; b < sizeof(num_bases) / sizeof(num_bases[0]); b++) {
			int base = num_bases[b];

#define CHECK_STRTO(fn)                                                                        \
	do {                                                                                   \
		errno = 0;                                                                     \
		k_errno = 0;                                                                   \
		if (fn(s, &ew, base) != k_##fn(s, &eg, base))                                  \
			fail_msg(#fn "(\"%s\", %d): values differ", s, base);                  \
		errw = errno;                                                                  \
		errg = k_errno;                                                                \
		if (ew != eg || errw != errg)                                                  \
			fail_msg(#fn "(\"%s\", %d): end %td/%td errno %d/%d", s, base, eg - s, \
				 ew - s, errg, errw);                                          \
	} while (0)
			CHECK_STRTO(strtol);
			CHECK_STRTO(strtoul);
			CHECK_STRTO(strtoll);
			CHECK_STRTO(strtoull);
#undef CHECK_STRTO
		}
	}
}

static void test_strtol_specifics(void **state)
{
	char *end;

	(void)state;
	k_errno = 0;
	assert_int_equal(k_strtol("99999999999999999999", &end, 10), LONG_MAX);
	assert_int_equal(k_errno, ERANGE);
	assert_string_equal(end, "");
	k_errno = 0;
	assert_int_equal(k_strtol("-99999999999999999999", NULL, 10), LONG_MIN);
	assert_int_equal(k_errno, ERANGE);
	k_errno = 0;
	assert_true(k_strtoul("99999999999999999999", NULL, 0) == ULONG_MAX);
	assert_int_equal(k_errno, ERANGE);

	/* A bad base is EINVAL, and nothing is consumed. */
	k_errno = 0;
	assert_int_equal(k_strtol("12", &end, 1), 0);
	assert_int_equal(k_errno, EINVAL);
	assert_string_equal(end, "12");
	k_errno = 0;
	assert_int_equal(k_strtoul("12", &end, 37), 0);
	assert_int_equal(k_errno, EINVAL);

	assert_int_equal(k_strtol("0x1F", NULL, 16), 31);
	assert_int_equal(k_strtol("0755", NULL, 0), 0755);
	assert_int_equal(k_strtol("755", NULL, 8), 0755);
	assert_int_equal(k_strtol("-1010", NULL, 2), -10);

	assert_int_equal(k_atoi("  -123xyz"), -123);
	assert_int_equal(k_atoi("junk"), 0);
	assert_int_equal(k_atoi("2147483647"), 2147483647);
	assert_int_equal(k_atol("-9223372036854775807"), -9223372036854775807L);
	assert_int_equal(k_abs(-5), 5);
	assert_int_equal(k_abs(5), 5);
	assert_int_equal(k_labs(-5000000000L), 5000000000L);
}

/* ---- qsort ---- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

struct rec {
	char key[3];
	long pad[2];
};

static int cmp_rec(const void *a, const void *b)
{
	return memcmp(((const struct rec *)a)->key, ((const struct rec *)b)->key, 3);
}

static void test_qsort(void **state)
{
	int a[257], ref[257];
	struct rec r[40];
	size_t n, i;
	unsigned seed = 12345;

	(void)state;
	for (n = 0; n <= 257; n += (n < 10 ? 1 : 31)) {
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			a[i] = (int)(seed >> 8) % 50 - 25; /* many duplicates */
			ref[i] = a[i];
		}
		k_qsort(a, n, sizeof(int), cmp_int);
		qsort(ref, n, sizeof(int), cmp_int);
		assert_memory_equal(a, ref, n * sizeof(int));
	}
	/* Already sorted and reversed inputs. */
	for (i = 0; i < 100; i++)
		a[i] = (int)(99 - i);
	k_qsort(a, 100, sizeof(int), cmp_int);
	for (i = 0; i < 100; i++)
		assert_int_equal(a[i], (int)i);
	k_qsort(a, 100, sizeof(int), cmp_int);
	for (i = 0; i < 100; i++)
		assert_int_equal(a[i], (int)i);

	/* Elements whose size is not a machine word. */
	for (i = 0; i < 40; i++) {
		r[i].key[0] = (char)('z' - i % 26);
		r[i].key[1] = (char)('a' + i % 7);
		r[i].key[2] = (char)i;
		r[i].pad[0] = r[i].pad[1] = (long)i;
	}
	k_qsort(r, 40, sizeof(r[0]), cmp_rec);
	for (i = 1; i < 40; i++)
		assert_true(cmp_rec(&r[i - 1], &r[i]) <= 0);
	for (i = 0; i < 40; i++)
		assert_int_equal(r[i].pad[0], (long)(unsigned char)r[i].key[2]);
}

/* ---- ctype ---- */

static void test_ctype(void **state)
{
	int c;

	(void)state;
	for (c = -1; c <= 255; c++) {
#define CHECK_CLASS(fn)           \
	if (!fn(c) != !k_##fn(c)) \
	fail_msg(#fn "(%d): got %d want %d", c, k_##fn(c), fn(c))
		CHECK_CLASS(isalpha);
		CHECK_CLASS(isdigit);
		CHECK_CLASS(isalnum);
		CHECK_CLASS(isspace);
		CHECK_CLASS(isupper);
		CHECK_CLASS(islower);
		CHECK_CLASS(isxdigit);
		CHECK_CLASS(isprint);
		CHECK_CLASS(ispunct);
		CHECK_CLASS(iscntrl);
		CHECK_CLASS(isgraph);
		CHECK_CLASS(isblank);
#undef CHECK_CLASS
		assert_int_equal(k_toupper(c), toupper(c));
		assert_int_equal(k_tolower(c), tolower(c));
	}
}

/* ---- string.h ---- */

static int sign(int x) { return (x > 0) - (x < 0); }

static void test_mem(void **state)
{
	unsigned char src[300], a[300], b[300];
	size_t n, off, i;

	(void)state;
	for (i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 7 + 3);

	/* memcpy/memset at every small size and alignment. */
	for (off = 0; off < 8; off++) {
		for (n = 0; n < 70; n++) {
			memset(a, 0, sizeof(a));
			memset(b, 0, sizeof(b));
			assert_ptr_equal(k_memcpy(a + off, src + 3, n), a + off);
			memcpy(b + off, src + 3, n);
			assert_memory_equal(a, b, sizeof(a));
			assert_ptr_equal(k_memset(a + off, 0x1c2, n), a + off);
			memset(b + off, 0x1c2, n);
			assert_memory_equal(a, b, sizeof(a));
		}
	}
	k_bzero(a + 5, 100);
	memset(b + 5, 0, 100);
	assert_memory_equal(a, b, sizeof(a));

	/* memmove with every overlap in both directions. */
	for (off = 0; off < 40; off++) {
		for (n = 0; n < 64; n++) {
			memcpy(a, src, sizeof(a));
			memcpy(b, src, sizeof(b));
			assert_ptr_equal(k_memmove(a + 50 + off, a + 50, n), a + 50 + off);
			memmove(b + 50 + off, b + 50, n);
			assert_memory_equal(a, b, sizeof(a));
			memcpy(a, src, sizeof(a));
			memcpy(b, src, sizeof(b));
			assert_ptr_equal(k_memmove(a + 50, a + 50 + off, n), a + 50);
			memmove(b + 50, b + 50 + off, n);
			assert_memory_equal(a, b, sizeof(a));
		}
	}

	/* memcmp compares as unsigned char. */
	assert_int_equal(k_memcmp("abc", "abc", 3), 0);
	assert_int_equal(k_memcmp("abc", "abd", 0), 0);
	assert_true(k_memcmp("abc", "abd", 3) < 0);
	assert_true(k_memcmp("\x80", "\x7f", 1) > 0);
	assert_true(k_memcmp("ab\xff", "ab\x01", 3) > 0);

	assert_ptr_equal(k_memchr(src, src[77], sizeof(src)), memchr(src, src[77], sizeof(src)));
	assert_ptr_equal(k_memchr(src, src[77], 77), memchr(src, src[77], 77));
	assert_ptr_equal(k_memchr("a\xe9z", 0xe9, 3), memchr("a\xe9z", 0xe9, 3));
	assert_ptr_equal(k_memchr("a\xe9z", 0x1e9, 3), memchr("a\xe9z", 0x1e9, 3));
}

static void test_str_basic(void **state)
{
	static const char *const strs[] = {"",	      "a",	     "b",    "abc",  "abd",
					   "ab",      "ABC",	     "aBc",  "\x80", "\x7f",
					   "abc\xff", "hello world", "hello"};
	const size_t ns = sizeof(strs) / sizeof(strs[0]);
	char buf[64], ref[64];
	size_t i, j, n;

	(void)state;
	for (i = 0; i < ns; i++) {
		assert_int_equal(k_strlen(strs[i]), strlen(strs[i]));
		for (n = 0; n < 14; n++)
			assert_int_equal(k_strnlen(strs[i], n), strnlen(strs[i], n));
		for (j = 0; j < ns; j++) {
			assert_int_equal(sign(k_strcmp(strs[i], strs[j])),
					 sign(strcmp(strs[i], strs[j])));
			assert_int_equal(sign(k_strcasecmp(strs[i], strs[j])),
					 sign(strcasecmp(strs[i], strs[j])));
			for (n = 0; n < 6; n++) {
				assert_int_equal(sign(k_strncmp(strs[i], strs[j], n)),
						 sign(strncmp(strs[i], strs[j], n)));
				assert_int_equal(sign(k_strncasecmp(strs[i], strs[j], n)),
						 sign(strncasecmp(strs[i], strs[j], n)));
			}
		}
	}

	assert_ptr_equal(k_strcpy(buf, "copy me"), buf);
	assert_string_equal(buf, "copy me");
	assert_ptr_equal(k_strcat(buf, " too"), buf);
	assert_string_equal(buf, "copy me too");

	/* strncpy pads with NULs, and does not terminate when the source is too long. */
	for (n = 0; n < 12; n++) {
		memset(buf, 'X', sizeof(buf));
		memset(ref, 'X', sizeof(ref));
		assert_ptr_equal(k_strncpy(buf, "short", n), buf);
		strncpy(ref, "short", n);
		assert_memory_equal(buf, ref, sizeof(buf));
	}
	for (n = 0; n < 8; n++) {
		memset(buf, 'X', sizeof(buf));
		memset(ref, 'X', sizeof(ref));
		strcpy(buf, "ab");
		strcpy(ref, "ab");
		assert_ptr_equal(k_strncat(buf, "cdef", n), buf);
		strncat(ref, "cdef", n);
		assert_memory_equal(buf, ref, sizeof(buf));
	}
}

static void test_str_search(void **state)
{
	static const char s[] = "the quick brown fox, the lazy dog";
	static const char *const needles[] = {
		"",	"t", "the",  "the l", "dog",
		"dogs", "x", "fox,", "og",    "quick brown fox, the lazy dog!"};
	static const char *const sets[] = {"",	" ",  "eht", "abcdefghijklmnopqrstuvwxyz",
					   ",", "zq "};
	size_t i;
	int c;

	(void)state;
	for (c = 0; c < 256; c++) {
		assert_ptr_equal(k_strchr(s, c), strchr(s, c));
		assert_ptr_equal(k_strrchr(s, c), strrchr(s, c));
	}
	assert_ptr_equal(k_strchr(s, 't' + 256), strchr(s, 't' + 256));
	assert_ptr_equal(k_strchr(s, '\0'), s + strlen(s));
	assert_ptr_equal(k_strrchr(s, '\0'), s + strlen(s));
	for (i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
		assert_ptr_equal(k_strstr(s, needles[i]), strstr(s, needles[i]));
	assert_ptr_equal(k_strstr("", ""), strstr("", ""));
	assert_ptr_equal(k_strstr("", "a"), NULL);
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		assert_int_equal(k_strspn(s, sets[i]), strspn(s, sets[i]));
		assert_int_equal(k_strcspn(s, sets[i]), strcspn(s, sets[i]));
	}
}

static void test_strtok_r(void **state)
{
	char a[] = "  ls -l ,,/tmp  ,", b[sizeof(a)];
	char *sa, *sb, *ta, *tb;
	int n = 0;

	(void)state;
	memcpy(b, a, sizeof(a));
	ta = k_strtok_r(a, " ,", &sa);
	tb = strtok_r(b, " ,", &sb);
	for (;;) {
		if (!tb) {
			assert_null(ta);
			break;
		}
		assert_non_null(ta);
		assert_int_equal(ta - a, tb - b);
		assert_string_equal(ta, tb);
		n++;
		ta = k_strtok_r(NULL, " ,", &sa);
		tb = strtok_r(NULL, " ,", &sb);
	}
	assert_int_equal(n, 3);
	/* Calling again after the end keeps returning NULL. */
	assert_null(k_strtok_r(NULL, " ,", &sa));

	memcpy(a, "   ", 4);
	assert_null(k_strtok_r(a, " ", &sa));
}

static void test_strdup(void **state)
{
	char *p;

	(void)state;
	p = k_strdup("duplicate");
	assert_non_null(p);
	assert_string_equal(p, "duplicate");
	assert_int_equal(kmalloc_live, 1);
	k_free(p);
	p = k_strndup("duplicate", 3);
	assert_string_equal(p, "dup");
	k_free(p);
	p = k_strndup("ab", 10);
	assert_string_equal(p, "ab");
	k_free(p);

	kmalloc_fail = 1;
	k_errno = 0;
	assert_null(k_strdup("no memory"));
	assert_int_equal(k_errno, ENOMEM);
}

static void test_strerror(void **state)
{
	int e;

	(void)state;
	for (e = 0; e <= EHWPOISON; e++) {
		/* 41 and 58 are unused in Linux. */
		if (e == 41 || e == 58)
			continue;
		assert_string_equal(k_strerror(e), strerror(e));
	}
	assert_string_equal(k_strerror(EWOULDBLOCK), "Resource temporarily unavailable");
	assert_string_equal(k_strerror(ECONNREFUSED), "Connection refused");
	assert_string_equal(k_strerror(-1), "Unknown error");
	assert_string_equal(k_strerror(41), "Unknown error");
	assert_string_equal(k_strerror(100000), "Unknown error");
}

/* ---- malloc ---- */

static void test_heap(void **state)
{
	unsigned char *p, *q;
	size_t i;

	(void)state;
	p = k_malloc(100);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 16, 0);
	assert_true(kmalloc_last_size >= 100);
	memset(p, 0x5a, 100);

	/* Growing keeps the old contents. */
	q = k_realloc(p, 5000);
	assert_non_null(q);
	assert_int_equal((uintptr_t)q % 16, 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(q[i], 0x5a);
	memset(q + 100, 0x33, 4900);
	/* Shrinking keeps the first bytes (ASan checks nothing past 10 is copied). */
	p = k_realloc(q, 10);
	assert_non_null(p);
	for (i = 0; i < 10; i++)
		assert_int_equal(p[i], 0x5a);

	/* A failed realloc leaves the block as it was. */
	kmalloc_fail = 1;
	k_errno = 0;
	assert_null(k_realloc(p, 200));
	assert_int_equal(k_errno, ENOMEM);
	for (i = 0; i < 10; i++)
		assert_int_equal(p[i], 0x5a);

	/* realloc(p, 0) frees. */
	assert_null(k_realloc(p, 0));
	assert_int_equal(kmalloc_live, 0);

	p = k_realloc(NULL, 8);
	assert_non_null(p);
	k_free(p);
	k_free(NULL);

	p = k_malloc(0);
	assert_non_null(p);
	k_free(p);

	p = k_calloc(50, 7);
	assert_non_null(p);
	for (i = 0; i < 350; i++)
		assert_int_equal(p[i], 0);
	k_free(p);

	k_errno = 0;
	assert_null(k_calloc(SIZE_MAX / 2, 3));
	assert_int_equal(k_errno, ENOMEM);
	k_errno = 0;
	assert_null(k_malloc(SIZE_MAX - 4));
	assert_int_equal(k_errno, ENOMEM);
	kmalloc_fail = 1;
	k_errno = 0;
	assert_null(k_malloc(16));
	assert_int_equal(k_errno, ENOMEM);
	assert_int_equal(kmalloc_live, 0);
}

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

#define ERRNO_H_NAMES(C)                                                                                                            \
	C(EPERM)                                                                                                                    \
	C(ENOENT) C(ESRCH) C(EINTR) C(EIO) C(ENXIO) C(E2BIG) C(ENOEXEC) C(EBADF) C(ECHILD) C(EAGAIN) C(ENOMEM) C(                   \
		EACCES) C(EFAULT) C(ENOTBLK) C(EBUSY) C(EEXIST) C(EXDEV) C(ENODEV) C(ENOTDIR) C(EISDIR) C(EINVAL)                   \
		C(ENFILE) C(EMFILE) C(ENOTTY) C(ETXTBSY) C(EFBIG) C(ENOSPC) C(ESPIPE) C(EROFS) C(EMLINK) C(EPIPE) C(EDOM) C(        \
			ERANGE) C(EDEADLK) C(ENAMETOOLONG) C(ENOLCK) C(ENOSYS) C(ENOTEMPTY) C(ELOOP) C(EWOULDBLOCK)                 \
			C(ENOMSG) C(EIDRM) C(ECHRNG) C(EL2NSYNC) C(EL3HLT) C(EL3RST) C(ELNRNG) C(EUNATCH) C(ENOCSI) C(EL2HLT) C(    \
				EBADE) C(EBADR) C(EXFULL) C(ENOANO) C(EBADRQC) C(EBADSLT) C(EDEADLOCK) C(EBFONT) C(ENOSTR)          \
				C(ENODATA) C(ETIME) C(ENOSR) C(ENONET) C(ENOPKG) C(EREMOTE) C(ENOLINK) C(EADV) C(                   \
					ESRMNT) C(ECOMM) C(EPROTO) C(EMULTIHOP) C(EDOTDOT) C(EBADMSG) C(EOVERFLOW)                  \
					C(ENOTUNIQ) C(EBADFD) C(EREMCHG) C(ELIBACC) C(ELIBBAD) C(ELIBSCN) C(ELIBMAX) C(ELIBEXEC) C( \
						EILSEQ) C(ERESTART) C(ESTRPIPE) C(EUSERS) C(ENOTSOCK) C(EDESTADDRREQ)               \
						C(EMSGSIZE) C(EPROTOTYPE) C(ENOPROTOOPT) C(EPROTONOSUPPORT) C(                      \
							ESOCKTNOSUPPORT) C(EOPNOTSUPP) C(EPFNOSUPPORT) C(EAFNOSUPPORT)              \
							C(EADDRINUSE) C(EADDRNOTAVAIL) C(ENETDOWN) C(ENETUNREACH) C(                \
								ENETRESET) C(ECONNABORTED) C(ECONNRESET) C(ENOBUFS)                 \
								C(EISCONN) C(ENOTCONN) C(ESHUTDOWN) C(ETOOMANYREFS) C(              \
									ETIMEDOUT) C(ECONNREFUSED) C(EHOSTDOWN) C(EHOSTUNREACH)     \
									C(EALREADY) C(EINPROGRESS) C(ESTALE) C(                     \
										EUCLEAN) C(ENOTNAM) C(ENAVAIL)                      \
										C(EISNAM) C(EREMOTEIO) C(EDQUOT) C(                 \
											ENOMEDIUM) C(EMEDIUMTYPE) C(ECANCELED)      \
											C(ENOKEY) C(EKEYEXPIRED) C(                 \
												EKEYREVOKED) C(EKEYREJECTED)        \
												C(EOWNERDEAD) C(                    \
													ENOTRECOVERABLE)            \
													C(ERFKILL) C(               \
														EHWPOISON)          \
														C(ENOTSUP)

#define SYS_SOCKET_H_NAMES(C)                                                                    \
	C(AF_UNSPEC)                                                                             \
	C(AF_UNIX) C(AF_INET) C(AF_INET6) C(PF_INET) C(SOCK_STREAM) C(SOCK_DGRAM) C(SOCK_RAW)    \
		C(SOCK_NONBLOCK) C(SOCK_CLOEXEC) C(SOL_SOCKET) C(SO_REUSEADDR) C(SO_TYPE)        \
			C(SO_ERROR) C(SO_BROADCAST) C(SO_SNDBUF) C(SO_RCVBUF) C(SO_KEEPALIVE)    \
				C(SO_LINGER) C(SO_REUSEPORT) C(SO_RCVTIMEO) C(SO_SNDTIMEO)       \
					C(SO_ACCEPTCONN) C(MSG_OOB) C(MSG_PEEK) C(MSG_DONTROUTE) \
						C(MSG_TRUNC) C(MSG_DONTWAIT) C(MSG_WAITALL)      \
							C(MSG_NOSIGNAL) C(SHUT_RD) C(SHUT_WR)    \
								C(SHUT_RDWR) C(SOMAXCONN)

#define NETINET_IN_H_NAMES(C)                                                               \
	C(INADDR_ANY)                                                                       \
	C(INADDR_BROADCAST) C(INADDR_NONE) C(INADDR_LOOPBACK) C(IPPROTO_IP) C(IPPROTO_ICMP) \
		C(IPPROTO_TCP) C(IPPROTO_UDP) C(IPPROTO_RAW) C(IP_TOS) C(IP_TTL)

#define NETINET_TCP_H_NAMES(C) \
	C(TCP_NODELAY) C(TCP_MAXSEG) C(TCP_KEEPIDLE) C(TCP_KEEPINTVL) C(TCP_KEEPCNT)

#define ARPA_INET_H_NAMES(C) C(INET_ADDRSTRLEN)

#define POLL_H_NAMES(C)                                                                     \
	C(POLLIN)                                                                           \
	C(POLLPRI) C(POLLOUT) C(POLLERR) C(POLLHUP) C(POLLNVAL) C(POLLRDNORM) C(POLLRDBAND) \
		C(POLLWRNORM) C(POLLWRBAND) C(POLLRDHUP)

#define FCNTL_H_NAMES(C)                                                                 \
	C(F_GETFD)                                                                       \
	C(F_SETFD) C(F_GETFL) C(F_SETFL) C(FD_CLOEXEC) C(O_RDONLY) C(O_WRONLY) C(O_RDWR) \
		C(O_NONBLOCK) C(O_CLOEXEC)

#define LIMITS_H_NAMES(C)                                                                    \
	C(CHAR_BIT)                                                                          \
	C(SCHAR_MIN) C(SCHAR_MAX) C(CHAR_MIN) C(CHAR_MAX) C(SHRT_MIN) C(INT_MIN) C(LONG_MIN) \
		C(LLONG_MIN) C(SSIZE_MAX) C(UCHAR_MAX) C(SHRT_MAX) C(USHRT_MAX) C(INT_MAX)   \
			C(UINT_MAX) C(LONG_MAX) C(ULONG_MAX) C(LLONG_MAX) C(ULLONG_MAX)

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
		cmocka_unit_test_setup_teardown(test_printf_fixed, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_printf_matrix, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_printf_truncation, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_printf_bad_format, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_sprintf, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_vsnprintf_va_list, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_printf_console, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_strtol_family, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_strtol_specifics, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_qsort, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_ctype, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_mem, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_str_basic, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_str_search, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_strtok_r, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_strdup, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_strerror, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_heap, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_inet_aton_addr, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_inet_pton, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_inet_ntop_ntoa, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_socket_wrappers, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_abi_constants, reset, no_leaks),
		cmocka_unit_test_setup_teardown(test_sleep, reset, no_leaks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
