/*
 * The freestanding libc's string.h, ctype.h and stdlib.h (strto*, atoi,
 * qsort, malloc) against the host's glibc: for each function, the same
 * inputs must give the same results.  Kernel stubs are in
 * libc_support/stubs.c.
 */
#define _GNU_SOURCE
#include "tests/unit/libc_support/stubs.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	unsigned char src[600], a[600], b[600];
	size_t n, off, i;

	(void)state;
	for (i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 7 + 3);

	/* memcpy/memset at every size to past four 64-byte blocks, every alignment. */
	for (off = 0; off < 8; off++) {
		for (n = 0; n < 300; n++) {
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

	/* memmove with every overlap in both directions, past the 64-byte blocks. */
	for (off = 0; off < 80; off++) {
		for (n = 0; n < 200; n++) {
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

int main(void)
{
	const struct CMUnitTest tests[] = {
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
