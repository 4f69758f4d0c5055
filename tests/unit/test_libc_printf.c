/*
 * The freestanding libc's printf family (vsnprintf, snprintf, sprintf,
 * printf, puts, putchar) against the host's glibc: the same format and
 * arguments must give the same text and return value.  Kernel stubs are in
 * libc_support/stubs.c.
 */
#define _GNU_SOURCE
#include "tests/unit/libc_support/stubs.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
