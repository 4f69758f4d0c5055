/*
 * The Internet checksum, RFC 1071: the one's-complement sum of 16-bit
 * words.  The sum is byte-order independent (RFC 1071 section 2(B)), so
 * words are added as they lie in memory and the result is stored back
 * the same way, with no swapping.
 */
#include <arpa/inet.h>
#include <string.h>

#include "net/checksum.h"

uint32_t csum_partial(const void *buf, int len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;

	while (len >= 2) {
		uint16_t w;

		memcpy(&w, p, 2); /* buf need not be aligned */
		acc += w;
		p += 2;
		len -= 2;
	}
	/* An odd trailing byte is padded with a zero byte (RFC 1071 section 4.1). */
	if (len > 0) {
		uint16_t w = 0;

		memcpy(&w, p, 1);
		acc += w;
	}
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
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
