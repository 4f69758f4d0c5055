/* The Internet checksum (RFC 1071) and the TCP/UDP pseudo-header sum. */
#ifndef NET_CHECKSUM_H
#define NET_CHECKSUM_H

#include <stdint.h>

/* One's-complement sum of buf folded into `sum` (32-bit accumulator, not folded). */
uint32_t csum_partial(const void *buf, int len, uint32_t sum);
/*
 * Copies len bytes from src to dst (they must not overlap) and returns
 * their sum, one pass instead of two: the same as csum_partial(src, len, 0)
 * once folded.
 */
uint32_t csum_partial_copy_nocheck(const void *src, void *dst, int len);
/* Two unfolded sums added with the end-around carry (Linux's csum_add). */
uint32_t csum_add(uint32_t a, uint32_t b);
/* Folds a 32-bit sum to 16 bits and complements it. */
uint16_t csum_fold(uint32_t sum);
/* Checksum of a buffer (0 when a buffer containing its own checksum is valid). */
uint16_t ip_compute_csum(const void *buf, int len);
/* Pseudo-header (RFC 793 3.1 / RFC 768) plus `sum`, folded: fill or verify TCP/UDP.
 * saddr/daddr in network order, len (L4 header + payload) and proto in host order. */
uint16_t csum_tcpudp_magic(uint32_t saddr, uint32_t daddr, uint16_t len, uint8_t proto,
			   uint32_t sum);
/*
 * Incremental update (RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m')): the
 * checksum *sum after one 16-bit word of what it covers changed from old
 * to new.  All three in network order.
 */
void csum_replace2(uint16_t *sum, uint16_t old, uint16_t new);

#endif
