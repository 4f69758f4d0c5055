/*
 * The Internet checksum, RFC 1071: the one's-complement sum of 16-bit
 * words.  The sum is byte-order independent (RFC 1071 section 2(B)), so
 * words are added as they lie in memory and the result is stored back
 * the same way, with no swapping.
 */
#include <arpa/inet.h>
#include <string.h>

#include "net/checksum.h"

/*
 * Adds the buffer 8 bytes at a time into a 64-bit accumulator, counting
 * the carries out of it apart: 2^64 is 1 in one's-complement arithmetic
 * modulo 0xffff (2^16 is), so each carry adds back as 1 (the end-around
 * carry of RFC 1071 section 2(C), taken at the end).  Few instructions per
 * byte matter: under an emulator each one costs.
 */
uint32_t csum_partial(const void *buf, int len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum, carries = 0;

	for (; len >= 32; len -= 32, p += 32) {
		uint64_t a, b, c, d;

		__builtin_memcpy(&a, p, 8); /* buf need not be aligned */
		__builtin_memcpy(&b, p + 8, 8);
		__builtin_memcpy(&c, p + 16, 8);
		__builtin_memcpy(&d, p + 24, 8);
		acc += a;
		carries += acc < a;
		acc += b;
		carries += acc < b;
		acc += c;
		carries += acc < c;
		acc += d;
		carries += acc < d;
	}
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t a;

		__builtin_memcpy(&a, p, 8);
		acc += a;
		carries += acc < a;
	}
	acc += carries;
	carries = acc < carries;
	acc = (acc & 0xffffffffu) + (acc >> 32) + carries;
	if (len >= 4) {
		uint32_t w;

		__builtin_memcpy(&w, p, 4);
		acc += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;

		__builtin_memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	/* An odd trailing byte is padded with a zero byte (RFC 1071 section 4.1). */
	if (len > 0) {
		uint16_t w = 0;

		__builtin_memcpy(&w, p, 1);
		acc += w;
	}
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

/*
 * csum_partial's loop with a store of every word it loads: under QEMU's TCG
 * a separate copy and checksum pass over the same bytes cost each their
 * own loads and loop dispatches, so GRO sums what it copies (Linux's
 * csum_partial_copy_nocheck, which also starts from a zero sum).
 */
uint32_t csum_partial_copy_nocheck(const void *src, void *dst, int len)
{
	const uint8_t *p = src;
	uint8_t *d = dst;
	uint64_t acc = 0, carries = 0;

	for (; len >= 32; len -= 32, p += 32, d += 32) {
		uint64_t a, b, c, e;

		__builtin_memcpy(&a, p, 8);
		__builtin_memcpy(&b, p + 8, 8);
		__builtin_memcpy(&c, p + 16, 8);
		__builtin_memcpy(&e, p + 24, 8);
		__builtin_memcpy(d, &a, 8);
		__builtin_memcpy(d + 8, &b, 8);
		__builtin_memcpy(d + 16, &c, 8);
		__builtin_memcpy(d + 24, &e, 8);
		acc += a;
		carries += acc < a;
		acc += b;
		carries += acc < b;
		acc += c;
		carries += acc < c;
		acc += e;
		carries += acc < e;
	}
	for (; len >= 8; len -= 8, p += 8, d += 8) {
		uint64_t a;

		__builtin_memcpy(&a, p, 8);
		__builtin_memcpy(d, &a, 8);
		acc += a;
		carries += acc < a;
	}
	acc += carries;
	carries = acc < carries;
	acc = (acc & 0xffffffffu) + (acc >> 32) + carries;
	/* The tail, under 8 bytes, as csum_partial sums it (an odd byte padded, RFC 1071 4.1). */
	for (int i = 0; i < len; i++)
		d[i] = p[i];
	return csum_add((uint32_t)(acc & 0xffffffffu), csum_partial(p, len, (uint32_t)(acc >> 32)));
}

uint32_t csum_add(uint32_t a, uint32_t b)
{
	uint32_t r = a + b;

	return r + (r < b); /* the end-around carry (RFC 1071 2(C)) */
}

uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t ip_compute_csum(const void *buf, int len) { return csum_fold(csum_partial(buf, len, 0)); }

uint16_t csum_tcpudp_magic(uint32_t saddr, uint32_t daddr, uint16_t len, uint8_t proto,
			   uint32_t sum)
{
	uint64_t acc = sum;

	/* RFC 768 / RFC 793 3.1 pseudo-header: addresses, zero, protocol, length. */
	acc += (saddr & 0xffff) + (saddr >> 16);
	acc += (daddr & 0xffff) + (daddr >> 16);
	acc += htons(proto);
	acc += htons(len);
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return csum_fold((uint32_t)acc);
}

void csum_replace2(uint16_t *sum, uint16_t old, uint16_t new)
{
	uint32_t s = (uint16_t) ~*sum + (uint16_t)~old + (uint32_t) new;

	*sum = csum_fold(s);
}
