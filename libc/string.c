/*
 * String and memory functions.  memcpy, memmove and memset move 8-byte
 * words, 64 bytes per loop iteration, rather than using rep movsb/stosb:
 * MenuOS runs under QEMU's TCG, which executes a rep string instruction
 * one element per pass through its translated block (an exit to the
 * block lookup for every byte), so that the word loop is several times
 * faster there (pktstat bench measures both), and about as fast as ERMSB
 * string instructions on hardware for the sizes a packet has.  x86
 * allows unaligned word accesses (Intel SDM vol. 1, 4.1.1), so no
 * alignment is done.  The loops must never be turned back into calls to
 * these functions by the compiler's loop-idiom recognition: hence
 * MEM_NO_IDIOM.
 */
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include <stdlib.h>
#include <ctype.h>

#define MEM_NO_IDIOM __attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef uint64_t __attribute__((may_alias, aligned(1))) word_t;
typedef uint32_t __attribute__((may_alias, aligned(1))) word32_t;

static inline uint64_t ld64(const unsigned char *p) { return *(const word_t *)p; }
static inline void st64(unsigned char *p, uint64_t v) { *(word_t *)p = v; }

/* Copies n < 8 bytes forwards. */
static inline void copy_small(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n & 4) {
		*(word32_t *)d = *(const word32_t *)s;
		d += 4;
		s += 4;
	}
	if (n & 2) {
		d[0] = s[0];
		d[1] = s[1];
		d += 2;
		s += 2;
	}
	if (n & 1)
		*d = *s;
}

/* Forward word copy: also right for memmove when d is below s. */
MEM_NO_IDIOM static void copy_fwd(unsigned char *d, const unsigned char *s, size_t n)
{
	for (; n >= 64; n -= 64, d += 64, s += 64) {
		uint64_t a = ld64(s), b = ld64(s + 8), c = ld64(s + 16), e = ld64(s + 24);
		uint64_t f = ld64(s + 32), g = ld64(s + 40), h = ld64(s + 48), i = ld64(s + 56);

		st64(d, a);
		st64(d + 8, b);
		st64(d + 16, c);
		st64(d + 24, e);
		st64(d + 32, f);
		st64(d + 40, g);
		st64(d + 48, h);
		st64(d + 56, i);
	}
	for (; n >= 8; n -= 8, d += 8, s += 8)
		st64(d, ld64(s));
	copy_small(d, s, n);
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_fwd(dst, src, n);
	return dst;
}

/* Backward word copy, for memmove with d above s: each word is read
 * before any store that could overwrite it. */
MEM_NO_IDIOM static void copy_bwd(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	for (; n >= 64; n -= 64) {
		uint64_t a, b, c, e, f, g, h, i;

		d -= 64;
		s -= 64;
		a = ld64(s + 56);
		b = ld64(s + 48);
		c = ld64(s + 40);
		e = ld64(s + 32);
		f = ld64(s + 24);
		g = ld64(s + 16);
		h = ld64(s + 8);
		i = ld64(s);
		st64(d + 56, a);
		st64(d + 48, b);
		st64(d + 40, c);
		st64(d + 32, e);
		st64(d + 24, f);
		st64(d + 16, g);
		st64(d + 8, h);
		st64(d, i);
	}
	for (; n >= 8; n -= 8) {
		d -= 8;
		s -= 8;
		st64(d, ld64(s));
	}
	while (n--)
		*--d = *--s;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d - (uintptr_t)s >= n)
		copy_fwd(d, s, n); /* dst not inside (src, src+n) */
	else
		copy_bwd(d, s, n);
	return dst;
}

MEM_NO_IDIOM void *memset(void *s, int c, size_t n)
{
	unsigned char *d = s;
	uint64_t v = 0x0101010101010101ull * (unsigned char)c;

	for (; n >= 64; n -= 64, d += 64) {
		st64(d, v);
		st64(d + 8, v);
		st64(d + 16, v);
		st64(d + 24, v);
		st64(d + 32, v);
		st64(d + 40, v);
		st64(d + 48, v);
		st64(d + 56, v);
	}
	for (; n >= 8; n -= 8, d += 8)
		st64(d, v);
	while (n--)
		*d++ = (unsigned char)c;
	return s;
}

void bzero(void *s, size_t n) { memset(s, 0, n); }

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
		if (!*p)
			break;
	}
	return 0;
}

int strcasecmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	int d;

	for (;; p++, q++) {
		d = tolower(*p) - tolower(*q);
		if (d || !*p)
			return d;
	}
}

int strncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	int d;

	for (; n; n--, p++, q++) {
		d = tolower(*p) - tolower(*q);
		if (d || !*p)
			return d;
	}
	return 0;
}

char *strcpy(char *restrict dst, const char *restrict src)
{
	return memcpy(dst, src, strlen(src) + 1);
}

/* ISO C semantics: pads with NULs up to n, and leaves dst unterminated when src is too long. */
char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t len = strnlen(src, n);

	memcpy(dst, src, len);
	memset(dst + len, 0, n - len);
	return dst;
}

char *strcat(char *restrict dst, const char *restrict src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

char *strncat(char *restrict dst, const char *restrict src, size_t n)
{
	char *end = dst + strlen(dst);
	size_t len = strnlen(src, n);

	memcpy(end, src, len);
	end[len] = '\0';
	return dst;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return (char *)haystack;
	for (; *haystack; haystack++)
		if (*haystack == *needle && !strncmp(haystack, needle, n))
			return (char *)haystack;
	return NULL;
}

char *strdup(const char *s) { return strndup(s, (size_t)-1); }

char *strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = malloc(len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] && strchr(accept, s[n]))
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}

char *strtok_r(char *restrict s, const char *restrict delim, char **restrict saveptr)
{
	char *tok;

	if (!s)
		s = *saveptr;
	s += strspn(s, delim);
	if (!*s) {
		*saveptr = s;
		return NULL;
	}
	tok = s;
	s += strcspn(s, delim);
	if (*s)
		*s++ = '\0';
	*saveptr = s;
	return tok;
}
