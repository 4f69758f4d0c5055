/*
 * IPv4 address text conversion.  inet_aton takes the historical BSD forms
 * (a, a.b, a.b.c, a.b.c.d; each part decimal, 0octal or 0xhex), as glibc
 * does; inet_pton takes only the strict dotted-decimal form of POSIX
 * (four parts, 0..255, no leading zeros).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PART_MAX 0xffffffffUL

/* Reads one inet_aton part at *pp; returns false on no digits or overflow. */
static int aton_part(const char **pp, unsigned long *val)
{
	const char *p = *pp;
	unsigned long v = 0;
	unsigned base = 10, d;

	if (!isdigit((unsigned char)*p))
		return 0;
	if (*p == '0') {
		p++;
		base = 8;
		if ((*p == 'x' || *p == 'X') && isxdigit((unsigned char)p[1])) {
			p++;
			base = 16;
		}
	}
	for (;; p++) {
		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * base + d;
		if (v > PART_MAX)
			return 0;
	}
	*pp = p;
	*val = v;
	return 1;
}

int inet_aton(const char *cp, struct in_addr *inp)
{
	unsigned long parts[4], val;
	int n = 0;

	for (;;) {
		if (!aton_part(&cp, &val))
			return 0;
		if (*cp != '.')
			break;
		if (n == 3 || val > 0xff)
			return 0;
		parts[n++] = val;
		cp++;
	}
	/* Like glibc, anything after white space is ignored. */
	if (*cp && !isspace((unsigned char)*cp))
		return 0;
	/* The last part fills all the bytes the earlier parts left. */
	if (val > (PART_MAX >> (8 * n)))
		return 0;
	while (n--)
		val |= parts[n] << (24 - 8 * n);
	if (inp)
		inp->s_addr = htonl((in_addr_t)val);
	return 1;
}

in_addr_t inet_addr(const char *cp)
{
	struct in_addr a;

	return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
	static char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &in, buf, sizeof(buf));
	return buf;
}

/* POSIX inet_pton for AF_INET: exactly "d.d.d.d", each 0..255 without leading zeros. */
static int pton4(const char *src, unsigned char *out)
{
	unsigned char tmp[4];
	int octets = 0, digits = 0;
	unsigned v = 0;

	for (;; src++) {
		if (isdigit((unsigned char)*src)) {
			if (digits && v == 0)
				return 0; /* leading zero */
			v = v * 10 + (*src - '0');
			if (v > 255)
				return 0;
			digits++;
		} else if (*src == '.' || *src == '\0') {
			if (!digits || octets == 4)
				return 0;
			tmp[octets++] = (unsigned char)v;
			if (*src == '\0')
				break;
			v = 0;
			digits = 0;
		} else {
			return 0;
		}
	}
	if (octets != 4)
		return 0;
	memcpy(out, tmp, sizeof(tmp));
	return 1;
}

int inet_pton(int af, const char *restrict src, void *restrict dst)
{
	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return pton4(src, dst);
}

const char *inet_ntop(int af, const void *restrict src, char *restrict dst, socklen_t size)
{
	const unsigned char *b = src;
	char tmp[INET_ADDRSTRLEN];
	int n;

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	n = snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if ((socklen_t)n >= size) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, tmp, n + 1);
	return dst;
}
