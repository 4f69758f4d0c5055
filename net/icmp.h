/*
 * ICMP (RFC 792, RFC 1122 3.2.2): echo in both directions and destination
 * unreachable.  icmp_rcv and icmp_send are declared in net/ip.h; this
 * header adds the message format, the counters and the ping API.
 */
#ifndef NET_ICMP_H
#define NET_ICMP_H

#include <stddef.h>
#include <stdint.h>
#include "net/ip.h"

struct icmphdr {
	uint8_t type;	   /* ICMP_ECHO, ICMP_DEST_UNREACH, ... */
	uint8_t code;	   /* subtype, e.g. ICMP_PORT_UNREACH */
	uint16_t checksum; /* over the whole ICMP message */
	union {
		struct {
			uint16_t id;	   /* echo identifier, network order */
			uint16_t sequence; /* echo sequence number, network order */
		} echo;
		struct {
			uint16_t unused;
			uint16_t mtu; /* fragmentation needed: next-hop MTU (RFC 1191 4) */
		} frag;
		uint32_t unused; /* other errors: zero (RFC 792) */
	} un;
} __attribute__((packed));

/* Destination unreachable codes (RFC 792, RFC 1122 3.2.2.1, RFC 1812 5.2.7.1);
 * ICMP_PROT_UNREACH and ICMP_PORT_UNREACH are in net/ip.h. */
#define ICMP_NET_UNREACH  0
#define ICMP_HOST_UNREACH 1
#define ICMP_FRAG_NEEDED  4
#define NR_ICMP_UNREACH	  15 /* highest code defined (ICMP_PREC_CUTOFF) */

/* What a destination unreachable code means to a socket: a positive errno
 * (Linux's icmp_err_convert). */
extern const int icmp_err_convert[NR_ICMP_UNREACH + 1];
/* RFC 1812 4.3.2.8 rate limit on errors we send: a token bucket. */
#define ICMP_ERR_BURST	 50
#define ICMP_ERR_PER_SEC 1000
/* The largest echo payload: an IPv4 datagram of 65535 bytes. */
#define ICMP_MAX_PAYLOAD (65535 - 20 - 8)

struct icmp_mib {
	uint64_t in_msgs, in_errors, in_echos, in_echo_reps, in_dest_unreachs;
	uint64_t out_msgs, out_echos, out_echo_reps, out_dest_unreachs, out_rate_limited;
	uint64_t in_time_excds, out_time_excds;
};
extern struct icmp_mib icmp_statistics;

/* What one answered ping returned. */
struct icmp_ping_reply {
	uint32_t from;	    /* who answered, network order */
	uint64_t rtt_us;    /* request sent to reply received */
	uint8_t ttl;	    /* TTL of the reply's IP header */
	unsigned int len;   /* ICMP bytes received (header + payload) */
	uint8_t type, code; /* ICMP_ECHOREPLY, or the error that came back */
};

/*
 * Sends one echo request with `payload_len` bytes of pattern data to
 * daddr and waits up to timeout_ms for its reply (matched by id and seq,
 * payload verified).  Called with net_lock held; sleeps in net_wait.
 * Returns 0 with *reply filled, -ETIMEDOUT, -EINTR (Ctrl-C), -EHOSTUNREACH
 * (a destination unreachable came back: *reply says from whom and the
 * code), -EMSGSIZE (larger than the route's MTU, or ICMP_MAX_PAYLOAD),
 * -ENETUNREACH (no route), -ENOMEM, or -EIO (a reply with wrong data).
 */
int icmp_ping(uint32_t daddr, uint16_t id, uint16_t seq, size_t payload_len, long timeout_ms,
	      struct icmp_ping_reply *reply);

/*
 * traceroute's probe (as Linux's traceroute sends it): one UDP datagram of
 * payload_len bytes from sport to dport with the given TTL, then a wait
 * of up to timeout_ms for the ICMP error it draws (time exceeded from a
 * router on the way, port unreachable from the destination), matched by
 * the quoted addresses and ports.  Called with net_lock held.  0 with
 * *reply filled (type, code, from whom), -ETIMEDOUT, -EINTR, -ENETUNREACH,
 * -EINVAL (ttl 0, too long), -ENOMEM.
 */
int icmp_udp_probe(uint32_t daddr, uint8_t ttl, uint16_t sport, uint16_t dport, size_t payload_len,
		   long timeout_ms, struct icmp_ping_reply *reply);

#endif
