/*
 * Internet addresses (RFC 791) and byte order.  Addresses and ports in
 * these structures are in network byte order; convert with htonl/ntohs
 * where they are used.  Layouts equal Linux's.
 */
#ifndef _NETINET_IN_H
#define _NETINET_IN_H

#include <stdint.h>
#include <sys/socket.h>

typedef uint32_t in_addr_t;
typedef uint16_t in_port_t;

struct in_addr {
	in_addr_t s_addr; /* network byte order */
};

struct sockaddr_in {
	sa_family_t sin_family; /* AF_INET */
	in_port_t sin_port;	/* network byte order */
	struct in_addr sin_addr;
	unsigned char sin_zero[8]; /* pads to sizeof(struct sockaddr) */
};

/* Host byte order values, as in POSIX: use htonl(INADDR_LOOPBACK). */
#define INADDR_ANY	 ((in_addr_t)0x00000000)
#define INADDR_BROADCAST ((in_addr_t)0xffffffff)
#define INADDR_NONE	 ((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK	 ((in_addr_t)0x7f000001)

#define IPPROTO_IP   0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17
#define IPPROTO_RAW  255

#define IP_TOS 1
#define IP_TTL 2

/* x86_64 is little-endian; network byte order is big-endian (RFC 1700). */
static inline uint16_t htons(uint16_t x) { return __builtin_bswap16(x); }
static inline uint16_t ntohs(uint16_t x) { return __builtin_bswap16(x); }
static inline uint32_t htonl(uint32_t x) { return __builtin_bswap32(x); }
static inline uint32_t ntohl(uint32_t x) { return __builtin_bswap32(x); }

#endif
