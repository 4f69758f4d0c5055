/*
 * A scripted TCP peer for the TCP unit tests.  The stack under test is
 * 10.0.2.15 on a fake Ethernet device; the peer is 10.0.2.2.  The test
 * crafts each of the peer's segments (tcp_peer_send) and reads back what
 * the stack transmitted (tcp_peer_recv), segment by segment.
 */
#ifndef TESTS_UNIT_SUPPORT_TCP_SUPPORT_H
#define TESTS_UNIT_SUPPORT_TCP_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include "net/netdevice.h"

/* A segment as seen on the wire; ports host order, options decoded. */
struct tseg {
	uint32_t saddr, daddr; /* network order */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags; /* TCPHDR_* */
	uint16_t win;  /* raw window field */
	int mss;       /* MSS option, -1 if absent */
	int wscale;    /* window scale option, -1 if absent */
	int sack_perm;
	int ts;		       /* timestamps option present (RFC 7323 3) */
	uint32_t tsval, tsecr; /* its values */
	int nsacks;
	uint32_t sacks[4][2];
	unsigned int len;   /* payload length */
	uint8_t data[2048]; /* first bytes of the payload */
	int csum_ok;	    /* the TCP checksum verifies */
};

/* The options of a crafted segment. */
struct topts {
	int mss;    /* 0: none */
	int wscale; /* -1: none */
	int sack_perm;
	int ts; /* 1: a timestamps option with tsval, tsecr */
	uint32_t tsval, tsecr;
};

extern struct net_device *tcp_test_dev;
extern uint32_t tcp_test_our_ip, tcp_test_peer_ip;

/* Once per test binary: net_init, the fake device, the peer's ARP entry. */
void tcp_test_env_init(void);
/* Before each test: the peer's ARP entry fresh, the tx list empty. */
void tcp_test_env_reset(void);

/*
 * The fixture steps the TCP test binaries share (the cmocka checks that
 * go with them are in tcp_expect.h).  tcp_test_group_init: the
 * environment once, with a 500 ms MSL so TIME-WAIT ends quickly; 0, or
 * -1 without the device.  tcp_test_begin, before each test: the
 * environment reset and the sock and sk_buff counts the test must get
 * back to.  tcp_test_settle, after each test: the clock moved past
 * 2 MSL + the FIN timeout + extra_ms so every connection ends, pending
 * softirqs run (e.g. ICMP errors ARP sent to us when the peer went
 * silent), and everything the stack sent dropped.
 */
extern uint64_t tcp_test_skb_base;
extern long tcp_test_sock_base;
int tcp_test_group_init(void);
void tcp_test_begin(void);
/* tcp_test_begin, then *rport and *lport (those not NULL) one more each,
 * so that every test of a binary talks on ports of its own and meets no
 * connection an earlier test left behind.  Returns 0, for a setup. */
int tcp_test_begin_ports(uint16_t *rport, uint16_t *lport);
void tcp_test_settle(uint64_t extra_ms);
/* A non-blocking socket listening on our address's port with this backlog;
 * its fd, or -1 if a call failed. */
int tcp_test_listen(uint16_t port, int backlog);

/* Sends one segment from the peer (10.0.2.2:sport) to us (10.0.2.15:dport). */
void tcp_peer_send(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		   uint16_t win, const struct topts *opts, const void *data, size_t len);
/* Sends seg (a TCP header and whatever follows, len bytes) as it is, with
 * a correct checksum: for malformed headers. */
void tcp_peer_send_raw(void *seg, size_t len);
/* An ICMP error (type, code) from the peer quoting a segment we sent from
 * our sport to its dport with sequence number seq (IP header + 8 bytes). */
void tcp_peer_send_icmp(uint8_t type, uint8_t code, uint16_t sport, uint16_t dport, uint32_t seq);
/* Fragmentation needed (next-hop mtu) from a router one hop away, quoting a
 * DF segment of ours of tot_len bytes (RFC 1191). */
void tcp_peer_send_frag_needed(uint16_t mtu, uint16_t tot_len, uint16_t sport, uint16_t dport,
			       uint32_t seq);
/* Same with a wrong checksum. */
void tcp_peer_send_badsum(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
			  uint16_t win);
/* Next TCP segment the stack sent (other frames skipped): 1, or 0 if none. */
int tcp_peer_recv(struct tseg *s);
/* How many TCP segments are waiting, without taking them. */
unsigned int tcp_peer_pending(void);
/* Drops everything the stack sent so far. */
void tcp_peer_flush(void);

/* A connection between a socket under test and the scripted peer. */
struct tconn {
	int fd;		       /* our socket */
	int lfd;	       /* the listening socket (passive open), else -1 */
	uint16_t lport, rport; /* our port, the peer's port */
	uint32_t our_isn, peer_isn;
	uint32_t snd_nxt; /* the peer's view: next seq we will send */
	uint32_t rcv_nxt; /* next seq the peer sends */
	struct tseg syn;  /* our SYN or SYN-ACK as sent */
};

/* The state of our sock lport <-> peer rport (0 if no such sock). */
int tcp_test_state(uint16_t lport, uint16_t rport);
/*
 * Active open from a non-blocking socket to the peer's rport; the peer
 * answers with SYN-ACK (peer_isn, window win, options o) and the stack
 * ACKs.  Returns 0, or a negative step number on the first surprise.
 */
int tcp_test_active_open(struct tconn *c, uint16_t rport, uint32_t peer_isn, uint16_t win,
			 const struct topts *o);
/* Passive open: listen on lport, the peer connects from rport, accept. */
int tcp_test_passive_open(struct tconn *c, uint16_t lport, uint16_t rport, uint32_t peer_isn,
			  uint16_t win, const struct topts *o);

/* The peer, on connection c: data at seq (acking what we sent), offering win. */
void tcp_peer_data(struct tconn *c, uint32_t seq, const void *data, size_t len, uint16_t win);
/* The peer acks up to ack, offering win. */
void tcp_peer_ack(struct tconn *c, uint32_t ack, uint16_t win);
/* The peer acks our next n bytes, offering win; c->snd_nxt moves past them. */
void tcp_peer_ack_data(struct tconn *c, uint32_t n, uint16_t win);
/* Turns Nagle's algorithm off on fd (TCP_NODELAY). */
void tcp_test_nodelay(int fd);
/* Tears c down: RST from the peer (exact sequence), sockets closed, tx dropped. */
void tcp_test_abort(struct tconn *c);

#endif
