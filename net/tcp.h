/*
 * TCP (RFC 9293) over IPv4, the public side: what the socket layer, the
 * layers below, and the control and inspection code use -- the header,
 * the states, the socket-level calls, the tunables and counters, and a
 * plain snapshot of a TCP sock for netstat.  The connection state (struct
 * tcp_sock), the per-segment control block and the entry points between
 * the TCP files are in net/tcp_priv.h, for tcp*.c and inet*.c only.
 */
#ifndef NET_TCP_H
#define NET_TCP_H

#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "net/platform.h" /* struct timer_list */
#include "net/sock.h"
#include "net/skbuff.h"

struct sockaddr;

/* RFC 9293 3.1: the TCP header; multi-byte fields in network order. */
struct tcphdr {
	uint16_t source;  /* source port */
	uint16_t dest;	  /* destination port */
	uint32_t seq;	  /* sequence number */
	uint32_t ack_seq; /* acknowledgment number */
	uint8_t doff_res; /* data offset in words (high 4 bits), reserved */
	uint8_t flags;	  /* CWR ECE URG ACK PSH RST SYN FIN */
	uint16_t window;  /* receive window (scaled, RFC 7323) */
	uint16_t check;	  /* checksum over pseudo-header, header, data */
	uint16_t urg_ptr; /* urgent pointer */
} __attribute__((packed));

#define TCPHDR_FIN 0x01
#define TCPHDR_SYN 0x02
#define TCPHDR_RST 0x04
#define TCPHDR_PSH 0x08
#define TCPHDR_ACK 0x10
#define TCPHDR_URG 0x20
#define TCPHDR_ECE 0x40
#define TCPHDR_CWR 0x80

static inline unsigned int tcp_hdrlen(const struct tcphdr *th) { return (th->doff_res >> 4) * 4u; }
static inline struct tcphdr *tcp_hdr(const struct sk_buff *skb)
{
	return (struct tcphdr *)skb_transport_header(skb);
}

/* Socket options at level IPPROTO_TCP (libc's netinet/tcp.h has the same
 * Linux values; it is not included here because the host's clashes with
 * this header when net/ is built for unit tests). */
#ifndef TCP_NODELAY
#define TCP_NODELAY   1
#define TCP_MAXSEG    2
#define TCP_KEEPIDLE  4 /* idle seconds before the first keep-alive */
#define TCP_KEEPINTVL 5 /* seconds between keep-alives */
#define TCP_KEEPCNT   6 /* unanswered keep-alives before giving up */
#endif
#define TCP_MAX_KEEPIDLE  32767 /* Linux's limits for the three */
#define TCP_MAX_KEEPINTVL 32767
#define TCP_MAX_KEEPCNT	  127

/* The eleven states (RFC 9293 3.3.2), with Linux's numbers. */
#include "net/tcp_states.h"
const char *tcp_state_name(int state);

/* Tunables (sysctl-like globals; tests change them). */
extern unsigned int tcp_msl_ms;		/* MSL, default 60000 (TIME-WAIT = 2*MSL) */
extern unsigned int tcp_rto_min_ms;	/* default 200 (Linux) */
extern unsigned int tcp_rto_max_ms;	/* default 120000 */
extern unsigned int tcp_rto_initial_ms; /* default 1000 (RFC 6298 2.1) */
extern unsigned int tcp_syn_retries;	/* default 6 */
extern unsigned int tcp_synack_retries; /* default 5 */
extern unsigned int tcp_retries2;	/* default 15 */
extern unsigned int tcp_orphan_retries; /* after close(), default 8 */
extern unsigned int tcp_fin_timeout_ms; /* orphan FIN-WAIT-2, default 60000 */
extern unsigned int tcp_delack_ms;	/* default 40 */
extern unsigned int tcp_rmem_max;	/* autotuning's receive buffer bound, bytes */
extern unsigned int tcp_wmem_max;	/* autotuning's send buffer bound, bytes */
/* Our SYNs offer RFC 7323 timestamps: default 0 (a peer's offer is answered
 * either way; Linux offers them, net.ipv4.tcp_timestamps = 1) */
extern unsigned int tcp_timestamps_offer;
extern unsigned int tcp_init_cwnd;	     /* initial window, segments: default 10 (RFC 6928) */
extern unsigned int tcp_challenge_ack_limit; /* per second, RFC 5961 7 */
extern unsigned int tcp_keepalive_time_ms;   /* default 7200000 (RFC 1122 4.2.3.6, Linux) */
extern unsigned int tcp_keepalive_intvl_ms;  /* default 75000 (Linux) */
extern unsigned int tcp_keepalive_probes;    /* default 9 (Linux) */
/* SYN cookies (RFC 4987): 0 never, 1 when the SYN queue is full (default),
 * 2 for every SYN (Linux's net.ipv4.tcp_syncookies) */
extern unsigned int tcp_syncookies;
/* TIME-WAIT socks at most (Linux's net.ipv4.tcp_max_tw_buckets); a closing
 * sock beyond it is freed at once.  The default, set at boot from the memory
 * there is, lets TIME-WAIT hold at most an eighth of it (tcp_minisocks.c). */
extern unsigned int tcp_max_tw_buckets;
unsigned int tcp_tw_buckets_default(uint64_t ram_bytes);

#define TCP_MSS_DEFAULT	   536U	 /* RFC 9293 3.7.1 (no MSS option) */
#define TCP_IW_MSS_REF	   1460U /* RFC 6928 2: the MSS its 14600-byte bound is made of */
#define TCP_MSS_MIN	   88U
#define TCP_RCVBUF_DEFAULT (128U * 1024)
#define TCP_SNDBUF_DEFAULT (128U * 1024)
#define TCP_EPHEMERAL_LOW  32768 /* Linux's ip_local_port_range */
#define TCP_EPHEMERAL_HIGH 60999

struct tcp_mib {
	uint64_t active_opens, passive_opens, attempt_fails, estab_resets;
	uint64_t in_segs, out_segs, retrans_segs, in_errs, out_rsts;
	uint64_t challenge_acks, syn_drops, listen_overflows;
	uint64_t out_of_window_icmps; /* ICMP errors quoting no outstanding sequence */
	uint64_t timeouts;	      /* RTO expiries (Linux TCPTimeouts) */
	uint64_t sack_recoveries;     /* SACK loss recovery episodes entered */
	uint64_t lost_retransmits;    /* retransmissions found lost (not by an RTO) */
	uint64_t loss_probes;	      /* tail loss probes sent (Linux TCPLossProbes) */
	uint64_t paws_rejected;	      /* old duplicates PAWS dropped (Linux PAWSEstabRejected) */
	uint64_t syncookies_sent;     /* SYN-ACKs with a cookie (Linux SyncookiesSent) */
	uint64_t syncookies_recv;     /* ACKs with a valid cookie (SyncookiesRecv) */
	uint64_t syncookies_failed;   /* ACKs with an invalid one (SyncookiesFailed) */
	uint64_t abort_on_close;      /* RST for close() with unread data (TCPAbortOnClose) */
	uint64_t abort_on_data;	      /* RST for data after close() (TCPAbortOnData) */
	uint64_t mem_refusals;	      /* connections refused for memory */
	uint64_t rcvq_drops;	      /* data dropped, memory short (TCPRcvQDrop) */
	uint64_t time_wait_overflow;  /* closed without TIME-WAIT (TCPTimeWaitOverflow) */
};
extern struct tcp_mib tcp_statistics;

/* ---- the socket layer's calls (socket.c, af_inet.c) ---- */
struct sock *tcp_create_sock(void);
long tcp_sendmsg(struct sock *sk, const void *buf, size_t len, int nonblock);
long tcp_recvmsg(struct sock *sk, void *buf, size_t len, int nonblock, int peek);
void tcp_close(struct sock *sk);
int tcp_shutdown(struct sock *sk, int how); /* how: SHUT_RD/WR/RDWR */
unsigned int tcp_poll(struct sock *sk);	    /* POLL* bits */
int tcp_setsockopt(struct sock *sk, int optname, const void *optval, unsigned int optlen);
int tcp_getsockopt(struct sock *sk, int optname, void *optval, unsigned int *optlen);
/* SO_KEEPALIVE on or off: starts or stops the keep-alive timer. */
void tcp_set_keepalive(struct sock *sk, int on);
int tcp_v4_connect(struct sock *sk, const struct sockaddr *uaddr, int addr_len);
int inet_bind(struct sock *sk, const struct sockaddr *uaddr, int addr_len);
int inet_listen(struct sock *sk, int backlog);
int inet_stream_connect(struct sock *sk, const struct sockaddr *uaddr, int addr_len, int nonblock);
int inet_getname(struct sock *sk, struct sockaddr *uaddr, int peer);
struct sock *inet_csk_accept(struct sock *sk, int nonblock, int *err);
/* Binds sk to port (host order; 0: pick an ephemeral port).  -EADDRINUSE. */
int inet_csk_get_port(struct sock *sk, uint16_t port);
int inet_csk_listen_start(struct sock *sk, int backlog);

/* ---- the layers below (icmp.c, ip_output.c; tcp_v4_rcv is in net/ip.h) ---- */
/* An ICMP destination unreachable or time exceeded quoting a TCP segment
 * (skb->data at the ICMP header; icmp_rcv checked that the quote holds the
 * IP header and 8 bytes of TCP header).  Returns 0 if a sock took it. */
int tcp_v4_err(struct sk_buff *skb);
/* Cuts a TCPv4 GSO packet (data at the MAC header) into gso_size-byte
 * segments, queued on segs; 0, or -EINVAL/-ENOMEM with segs empty. */
int tcp_gso_segment(struct sk_buff *skb, struct sk_buff_head *segs);

/* ---- inspection (netstat, tcptrace) ---- */
extern int tcp_trace_enabled, tcp_trace_absolute;
/* absolute: print sequence numbers whole instead of relative (tcpdump -S) */
void tcp_trace_enable(int on, int absolute);

/* A snapshot of one TCP sock, for netstat. */
struct tcp_sock_info {
	uint32_t laddr, raddr; /* network order */
	uint16_t lport, rport; /* host order */
	int state;
	unsigned int send_q, recv_q; /* unacked+unsent bytes, unread bytes */
	uint32_t retrans;
	int orphan;
};
/* Fills up to max entries; returns how many TCP socks exist.  Takes net_lock. */
int tcp_get_sock_info(struct tcp_sock_info *out, int max);

#endif
