/*
 * TCP's internals, shared by the TCP files (tcp*.c, inet_hashtables.c,
 * inet_connection_sock.c) and their unit tests: the per-connection state
 * (struct tcp_sock), the per-segment control block kept in skb->cb, the
 * wrap-safe sequence helpers, and the entry points of each file.
 *
 * Files: tcp.c (user calls: send, receive, close, shutdown, options,
 * receive buffer autotuning), tcp_input.c (SEGMENT ARRIVES, RFC 9293
 * 3.10.7), tcp_options.c (options, RFC 7323 timestamps and PAWS),
 * tcp_output.c (building and sending segments), tcp_offload.c (software
 * GSO), tcp_ipv4.c (demultiplexing, connect, SYN-ACK, RST, ISN),
 * tcp_minisocks.c (request socks, TIME-WAIT), tcp_timer.c (RTO, delayed
 * ACK, persist, 2*MSL, tail loss probe, keep-alive), tcp_cong.c (NewReno,
 * the window side of RFC 6675 recovery), tcp_recovery.c (SACK, RACK),
 * tcp_trace.c (tcptrace), inet_hashtables.c (hashes, ports),
 * inet_connection_sock.c (listen/accept), af_inet.c (bind/connect/listen
 * at the socket level).
 */
#ifndef NET_TCP_PRIV_H
#define NET_TCP_PRIV_H

#include "net/platform.h" /* struct timer_list */
#include "net/tcp.h"
#include "net/gdb_visible.h"

/* Options (RFC 9293 3.2, RFC 7323, RFC 2018). */
#define TCPOPT_EOL	       0
#define TCPOPT_NOP	       1
#define TCPOPT_MSS	       2
#define TCPOPT_WINDOW	       3
#define TCPOPT_SACK_PERM       4
#define TCPOPT_SACK	       5
#define TCPOPT_TIMESTAMP       8
#define TCPOLEN_MSS	       4
#define TCPOLEN_WINDOW	       3
#define TCPOLEN_SACK_PERM      2
#define TCPOLEN_TIMESTAMP      10
#define TCPOLEN_TSTAMP_ALIGNED 12  /* with two NOPs in front */
#define TCP_MAX_WSCALE	       14  /* RFC 7323 2.3 */
#define TCP_MAX_SACKS	       4   /* 2 NOPs + 2 + 4*8 = 36 <= 40 option bytes */
#define TCP_DUPTHRESH	       3   /* RFC 5681 3.2, RFC 6675 DupThresh */
#define TCP_TLP_WCDELACK_MS    200 /* RFC 8985 7.2 WCDelAckT: worst-case delayed ACK */
#define TCP_TLP_MIN_MS	       2   /* added to a PTO otherwise (Linux: timer granularity) */
#define TCP_MAX_OPT_LEN	       40
/*
 * Tailroom for a segment without data (SYN-ACK, RST): with few options its
 * frame is shorter than Ethernet's 60 bytes, and dev_hard_start_xmit's pad
 * (skb_put_padto) would otherwise reallocate and copy the buffer.  The
 * shortest, 14 + 20 + 20 bytes, needs 6.
 */
#define TCP_CTL_TAILROOM       6

/* Wrap-safe sequence comparison (RFC 9293 3.4: arithmetic modulo 2^32). */
static inline int before(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline int after(uint32_t a, uint32_t b) { return before(b, a); }
/* lo <= x <= hi */
static inline int between(uint32_t x, uint32_t lo, uint32_t hi) { return hi - lo >= x - lo; }
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return after(a, b) ? a : b; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return before(a, b) ? a : b; }

/* Per-segment control block in skb->cb (packed: skb->cb has no alignment). */
struct tcp_skb_cb {
	uint32_t seq;	     /* first sequence number */
	uint32_t end_seq;    /* seq + SYN + FIN + data length */
	uint32_t ack_seq;    /* received segments: the acknowledgment number */
	uint8_t tcp_flags;   /* TCPHDR_* */
	uint8_t sacked;	     /* TCPCB_* */
	uint16_t window;     /* received segments: raw window field, host order */
	uint32_t xmit_order; /* sent segments: tp->xmit_count at its last transmission */
	uint32_t xmit_ms;    /* sent segments: jiffies_ms (low 32 bits) of it */
} __attribute__((packed));
#define TCPCB_EVER_SENT	   0x2	/* sent once: a resend is a retransmission (Karn) */
#define TCPCB_SACKED	   0x4	/* the peer has it (a SACK block covers it) */
#define TCPCB_RETRANS	   0x8	/* a retransmission of it is in flight (RFC 6675 pipe) */
#define TCPCB_LOST	   0x10 /* taken as lost (RFC 6675 IsLost, RFC 8985) */
#define TCPCB_EVER_RETRANS 0x20 /* retransmitted at least once */
#define TCP_SKB_CB(skb)	   ((struct tcp_skb_cb *)&(skb)->cb[0])

/* Options parsed from a received segment. */
struct tcp_options_received {
	uint16_t mss_clamp; /* MSS option value, 0 if absent */
	uint8_t wscale_ok;  /* window scale option present */
	uint8_t snd_wscale; /* its shift (clamped to 14) */
	uint8_t sack_ok;    /* SACK-permitted present */
	uint8_t num_sacks;
	uint32_t sack[TCP_MAX_SACKS][2];
	uint8_t saw_tstamp; /* a timestamps option (RFC 7323 3) */
	uint32_t rcv_tsval; /* its TSval */
	uint32_t rcv_tsecr; /* its TSecr */
};

/* What a SYN or SYN-ACK offers (tcp_syn_options). */
struct tcp_syn_opts {
	uint16_t mss;
	uint8_t sack, wscale_ok, wscale;
	uint8_t tstamp; /* TSopt with tsval/tsecr */
	uint32_t tsval, tsecr;
};

struct request_sock;

/* The accept queue and SYN queue of a listening socket. */
struct request_sock_queue {
	struct list_head syn_queue; /* request socks (SYN_RECV, not yet ACKed) */
	int syn_qlen;
	struct list_head accept_queue; /* established children not yet accepted */
	int accept_qlen;
	uint8_t syncookie_sent; /* a SYN cookie was sent, at syncookie_ms (jiffies_ms) */
	uint64_t syncookie_ms;
};

struct tcp_sock {
	struct sock sk; /* must be first */

	/* send sequence space (RFC 9293 3.3.1) */
	uint32_t iss;
	uint32_t snd_una;		/* oldest unacknowledged */
	uint32_t snd_nxt;		/* next to send (moves back after an RTO) */
	uint32_t snd_max;		/* highest sent + 1 */
	uint32_t write_seq;		/* end of the data queued by the user */
	uint32_t snd_wl1, snd_wl2;	/* seq/ack of the last window update */
	uint32_t snd_wnd;		/* peer's window, bytes (unscaled) */
	uint32_t max_window;		/* largest window the peer offered */
	uint8_t snd_wscale, rcv_wscale; /* RFC 7323 shifts (0 if not in use) */
	uint8_t wscale_ok, sack_ok;	/* options agreed in the handshake */
	uint8_t tstamp_ok;		/* RFC 7323 timestamps agreed in the handshake */
	uint8_t fin_queued;		/* a FIN is in the write queue */
	uint8_t syn_retries;		/* SYN (SYN_SENT) retransmissions done */

	/* receive sequence space */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t rcv_wnd;			/* window last advertised (bytes) */
	uint32_t rcv_wup;			/* rcv_nxt when rcv_wnd was advertised */
	struct sk_buff_head out_of_order_queue; /* sorted by seq */
	uint32_t ts_recent;			/* RFC 7323 TS.Recent: the TSval we echo */
	uint64_t ts_recent_stamp;		/* jiffies_ms when it was taken (PAWS) */
	struct tcp_options_received rx_opt;	/* the segment in hand (with tstamp_ok) */

	/* receive buffer autotuning (Linux's tcp_rcv_space_adjust) */
	uint32_t rcv_rtt_ms;   /* the receiver's RTT estimate (0: none yet) */
	uint32_t rcv_rtt_seq;  /* without timestamps: timed until rcv_nxt passes it */
	uint64_t rcv_rtt_time; /* when that started (0: not timing) */
	uint32_t rcvq_space;   /* most bytes the application read in one RTT */
	uint32_t rcvq_copied;  /* bytes it read in the current RTT */
	uint64_t rcvq_time;    /* when the current RTT began (0: not yet) */
	uint32_t rcvbuf_auto; /* sk_rcvbuf as autotuning left it; another value: set by SO_RCVBUF */
	uint32_t sndbuf_auto; /* sk_sndbuf as autotuning left it; another value: set by SO_SNDBUF */
	uint32_t sack_recent; /* seq of the most recent out-of-order segment */
	uint8_t dsack;	      /* RFC 2883: the next ACK reports a duplicate ... */
	uint32_t dsack_seq, dsack_end_seq; /* ... this range, in its first SACK block */

	/* segment size */
	uint16_t mss_cache;  /* effective send MSS */
	uint16_t advmss;     /* MSS we advertise */
	uint16_t rx_opt_mss; /* peer's MSS option */
	/* what the route's device takes (Linux: sk_route_caps, sk_gso_max_size) */
	uint32_t route_caps;   /* NETIF_F_* */
	uint32_t gso_max_size; /* largest IP packet it segments (NETIF_F_TSO) */

	/* RTO (RFC 6298), integer milliseconds */
	uint32_t srtt_ms8;   /* smoothed RTT * 8 (0: no sample yet) */
	uint32_t rttvar_ms4; /* RTT variation * 4 */
	uint32_t rto_ms;
	uint32_t rtt_seq;	/* timed segment: sample when acked past */
	uint64_t rtt_start;	/* its send time (0: nothing timed) */
	uint8_t backoff;	/* RTO doublings so far */
	uint8_t retransmits;	/* consecutive RTO expiries */
	uint8_t probes_out;	/* zero window probes unanswered */
	uint32_t total_retrans; /* segments retransmitted (netstat) */

	/* congestion control (RFC 5681, RFC 6582), bytes */
	uint32_t snd_cwnd;
	uint32_t snd_ssthresh;
	uint32_t recover;    /* RFC 6582 "recover" */
	uint8_t in_recovery; /* in fast recovery */
	uint8_t dupacks;
	uint32_t bytes_acked; /* congestion avoidance accumulator */
	uint32_t min_rtt_ms;  /* smallest RTT sample (0: none yet) */

	/* SACK loss detection (RFC 6675, RFC 8985 RACK): every transmission
	 * gets the next xmit_count; rack_* describe the most recently sent
	 * segment known delivered */
	uint32_t xmit_count;
	uint32_t rack_order;	  /* its xmit_order */
	uint32_t rack_rtt_ms;	  /* its RTT */
	uint32_t rack_fack;	  /* highest end_seq known delivered */
	uint32_t rack_fack_prior; /* rack_fack before the ACK in hand */
	uint8_t reordering_seen;  /* a segment was delivered after a later one */

	/* tail loss probe (RFC 8985 7) */
	uint8_t tlp_out; /* a probe was sent since snd_una last moved */

	/* delayed ACK (RFC 1122 4.2.3.2, RFC 5681 4.2) */
	uint8_t ack_pending;
	uint8_t quickack;	/* ACK the next segments at once */
	uint8_t reader_waiting; /* a task sleeps in recv: its reply may carry the ACK */
	uint32_t segs_unacked;	/* segments received, not acked */

	/* timers */
	struct timer_list retransmit_timer; /* RTO, persist, PTO or RACK reordering */
	uint8_t icsk_pending;		    /* which of them it is: ICSK_TIME_* */
	struct timer_list delack_timer;
	struct timer_list tw_timer; /* TIME-WAIT 2*MSL, orphan FIN-WAIT-2 */

	/* keep-alive (RFC 1122 4.2.3.6); the per-socket values are 0 until
	 * set with TCP_KEEPIDLE/INTVL/CNT: then the tunables apply */
	struct timer_list keepalive_timer;
	uint32_t keepalive_time_ms, keepalive_intvl_ms;
	uint8_t keepalive_probes;
	uint8_t keepalive_probes_out; /* sent since the peer was last heard */
	uint64_t rcv_tstamp;	      /* jiffies_ms of the last acceptable ACK */

	/* listening socket: SYN and accept queues; child: its place in them */
	struct request_sock_queue accept_queue;
	struct list_head accept_node; /* on the listener's accept_queue */
};

/* What is left of the window we advertised last (Linux's tcp_receive_window). */
static inline uint32_t tcp_receive_window(const struct tcp_sock *tp)
{
	uint32_t end = tp->rcv_wup + tp->rcv_wnd;

	return after(end, tp->rcv_nxt) ? end - tp->rcv_nxt : 0;
}

/* What retransmit_timer runs when it fires (Linux's icsk_pending values). */
#define ICSK_TIME_RETRANS     1 /* RTO (RFC 6298) */
#define ICSK_TIME_PROBE0      3 /* zero-window probe / persist (RFC 9293 3.8.6.1) */
#define ICSK_TIME_LOSS_PROBE  5 /* tail loss probe PTO (RFC 8985 7) */
#define ICSK_TIME_REO_TIMEOUT 6 /* RACK reordering timer (RFC 8985 6.3) */

static inline struct tcp_sock *tcp_sk(const struct sock *sk) { return (struct tcp_sock *)sk; }

/*
 * A request sock: a connection in SYN_RECV on a listener, before the final
 * ACK (Linux's TCP_NEW_SYN_RECV).  It costs one small allocation, not a
 * full socket; the SYN queue bounds how many exist.
 */
struct request_sock {
	struct list_head node;	    /* listener's syn_queue, oldest first */
	struct list_head hash_node; /* its chain of the request hash (by 4-tuple) */
	struct sock *listener;
	uint32_t loc_addr, rmt_addr; /* network order */
	uint16_t loc_port, rmt_port; /* network order */
	uint32_t snt_isn, rcv_isn;
	uint16_t mss; /* peer's MSS option (0: none) */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t wscale_ok, sack_ok;
	uint8_t tstamp_ok;  /* the SYN carried TSopt */
	uint32_t ts_recent; /* its TSval */
	uint32_t snd_wnd;   /* window of the SYN (never scaled) */
	uint8_t num_retrans;
	struct timer_list rsk_timer; /* SYN-ACK retransmission */
	uint8_t syncookie;	     /* snt_isn is a SYN cookie (syncookies.c) */
	uint32_t ts_cookie;	     /* with tstamp_ok: the cookie SYN-ACK's TSval */
};

/* ---- tcp.c ---- */
void tcp_init_sock(struct sock *sk);
void tcp_set_state(struct sock *sk, enum tcp_state state);
void tcp_done(struct sock *sk);
int tcp_disconnect_reset(struct sock *sk, int err);
/* Receive autotuning: in-order data arrived (times the receiver's RTT) ... */
void tcp_rcv_rtt_measure(struct sock *sk);
/* ... and the application read `copied` bytes: the buffer may grow. */
void tcp_rcv_space_adjust(struct sock *sk, uint32_t copied);

/* ---- tcp_input.c ---- */
int tcp_rcv_state_process(struct sock *sk, struct sk_buff *skb);
int tcp_rcv_synsent_state_process(struct sock *sk, struct sk_buff *skb);
void tcp_rtt_sample(struct sock *sk, uint32_t rtt_ms);
int tcp_send_challenge_ack(struct sock *sk);

/* ---- tcp_options.c (RFC 9293 3.2, RFC 7323, RFC 2018) ---- */
void tcp_parse_options(const struct sk_buff *skb, struct tcp_options_received *opt);
/* Writes the options of a SYN or SYN-ACK; returns their length. */
unsigned int tcp_syn_options(uint8_t *p, const struct tcp_syn_opts *o);
/* Writes the timestamps and SACK blocks of a later segment; returns their length. */
unsigned int tcp_established_options(struct tcp_sock *tp, uint8_t *p, uint8_t flags);
uint32_t tcp_time_stamp(const struct tcp_sock *tp); /* our TSval now */
/* RFC 7323 5.3: 1 if PAWS rejects the segment with these options and flags. */
int tcp_paws_discard(const struct tcp_sock *tp, const struct tcp_options_received *opt,
		     uint8_t flags);
/* RFC 7323 4.3: after an acceptable segment starting at seq. */
void tcp_replace_ts_recent(struct tcp_sock *tp, const struct tcp_options_received *opt,
			   uint32_t seq);
void tcp_store_ts_recent(struct tcp_sock *tp, uint32_t tsval);
/* RFC 7323 4.1: an RTT sample from the echoed TSval; 1 if taken. */
int tcp_ts_rtt_sample(struct sock *sk, const struct tcp_options_received *opt);

/* ---- tcp_recovery.c (RFC 6675 SACK recovery, RFC 8985 RACK, RFC 6582) ---- */
/* RFC 8985 6.2 steps 1-2: `cb` was newly delivered (SACKed or acked). */
void tcp_rack_advance(struct tcp_sock *tp, const struct tcp_skb_cb *cb);
/* Marks what the SACK blocks of `skb` cover; returns 1 if any was new. */
int tcp_sacktag(struct sock *sk, const struct sk_buff *skb);
/* RFC 6675 5 after an ACK (`acked` bytes newly acknowledged; `dupack`: it
 * was a duplicate) or after the reordering timer. */
void tcp_sack_recovery(struct sock *sk, int dupack, uint32_t acked, uint32_t prior_in_flight);
/* RFC 8985 6.3: the reordering timer fired: detect losses again. */
void tcp_rack_reo_timeout(struct sock *sk);
/* NewReno (RFC 6582): resends the head unless this recovery resent it. */
void tcp_newreno_retransmit_head(struct sock *sk);
/* A new NewReno recovery episode: every segment may be resent once again. */
void tcp_clear_recovery_marks(struct sock *sk);

/* ---- tcp_output.c ---- */
/* Sends one segment: seq, flags and the payload of `data` (NULL: none). */
int tcp_transmit_skb(struct sock *sk, struct sk_buff *data, uint32_t seq, uint8_t flags);
uint8_t tcp_select_rcv_wscale(uint32_t space);
uint8_t tcp_rcv_wscale(const struct sock *sk);
int tcp_connect(struct sock *sk);
struct sk_buff *tcp_make_synack(const struct sock *listener, struct request_sock *req);
void tcp_send_ack(struct sock *sk);
void tcp_send_delayed_ack(struct sock *sk);
void tcp_send_fin(struct sock *sk);
void tcp_send_active_reset(struct sock *sk);
void tcp_push(struct sock *sk);
int tcp_write_xmit(struct sock *sk);
int tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb);
/* SACK loss recovery (RFC 6675 5 (C)): retransmits the segments marked
 * lost, in order, while cwnd - pipe allows (`force`: at least one, step
 * 4.3).  Returns the number sent. */
int tcp_xmit_recovery(struct sock *sk, int force);
/* RFC 6675 2 "pipe": bytes believed in the network (SACK connections). */
uint32_t tcp_pipe(const struct sock *sk);
void tcp_send_probe0(struct sock *sk);
/* RFC 8985 7.2: arms the retransmit timer as the PTO if a tail loss probe
 * is due sooner than the RTO.  Returns 1 if it did. */
int tcp_schedule_loss_probe(struct sock *sk);
/* RFC 8985 7.3: the PTO fired: one new segment, or the last one again. */
void tcp_send_loss_probe(struct sock *sk);
void tcp_write_wakeup(struct sock *sk);
void tcp_check_probe_timer(struct sock *sk);
uint32_t tcp_select_window(struct sock *sk);
uint32_t tcp_receive_space(const struct sock *sk);
uint16_t tcp_mss_for_route(uint32_t daddr);
/* The route to sk_daddr: its device's offloads into route_caps/gso_max_size. */
void tcp_v4_setup_caps(struct sock *sk);
/* A route changed since sk cached it: the MSS comes down to its MTU. */
void tcp_v4_check_route_mtu(struct sock *sk);
void tcp_sync_mss(struct sock *sk);
/* Payload bytes one skb may carry: mss_cache, or a multiple of it up to
 * the route's GSO limit if the device segments (NETIF_F_TSO). */
uint32_t tcp_xmit_size_goal(const struct sock *sk);
/* Splits skb so that it carries `len` bytes; the rest follows it in the queue. */
int tcp_fragment(struct sock *sk, struct sk_buff *skb, unsigned int len);
/* snd_nxt - snd_una (Linux's tcp_packets_in_flight counts segments instead) */
unsigned int tcp_bytes_in_flight(const struct tcp_sock *tp);

/* ---- tcp_ipv4.c ---- */
int tcp_v4_do_rcv(struct sock *sk, struct sk_buff *skb);
int tcp_v4_send_synack(const struct sock *listener, struct request_sock *req);
void tcp_v4_send_reset(const struct sock *sk, struct sk_buff *skb);
struct sock *tcp_v4_syn_recv_sock(struct sock *listener, struct sk_buff *skb,
				  struct request_sock *req);
int tcp_conn_request(struct sock *listener, struct sk_buff *skb);
uint32_t tcp_v4_init_sequence(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport);
void tcp_v4_fill_check(struct sk_buff *skb, uint32_t saddr, uint32_t daddr);
/* SipHash-2-4 (Aumasson & Bernstein), 128-bit key, used for ISNs and ports. */
uint64_t siphash24(const void *data, size_t len, const uint8_t key[16]);

/* ---- tcp_minisocks.c ---- */
struct request_sock *reqsk_alloc(struct sock *listener);
void reqsk_free(struct request_sock *req);
/* Queues req (filled in) on the listener's SYN queue and in the request hash. */
void inet_csk_reqsk_queue_add(struct sock *listener, struct request_sock *req);
void inet_csk_reqsk_queue_drop(struct sock *listener, struct request_sock *req);
struct request_sock *inet_csk_search_req(struct sock *listener, uint32_t raddr, uint16_t rport,
					 uint32_t laddr);
struct sock *tcp_check_req(struct sock *listener, struct sk_buff *skb, struct request_sock *req);
int tcp_child_process(struct sock *parent, struct sock *child, struct sk_buff *skb);
/* Enters TIME-WAIT, or with tcp_max_tw_buckets socks there already, tcp_done. */
void tcp_time_wait(struct sock *sk);
/* Socks in TIME-WAIT now (tcp_set_state counts them). */
extern unsigned int tcp_tw_count;
/* Returns 1 if a SYN may open a new connection over this TIME-WAIT sock. */
int tcp_timewait_state_process(struct sock *sk, struct sk_buff *skb);

/* ---- syncookies.c (RFC 4987 3.6) ---- */
/* The cookie ISN for a SYN from saddr:sport (its ISN sseq) to daddr:dport,
 * carrying mssind (an index into the MSS table). */
uint32_t __cookie_v4_init_sequence(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
				   uint32_t sseq, uint32_t mssind);
/* The MSS a cookie made within the last two minutes says, 0 if invalid. */
uint16_t __cookie_v4_check(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			   uint32_t sseq, uint32_t cookie);
/* Turns req (filled from a SYN, not queued) into a cookie SYN-ACK's request. */
void cookie_v4_init_sequence(struct sock *listener, struct request_sock *req);
/* An ACK on a listener without request sock: the child if its cookie is
 * valid, the listener if it is no cookie, NULL if dropped (skb consumed). */
struct sock *cookie_v4_check(struct sock *listener, struct sk_buff *skb);

/* ---- tcp_timer.c ---- */
void tcp_init_xmit_timers(struct sock *sk);
void tcp_clear_xmit_timers(struct sock *sk);
/* Arms retransmit_timer as `what` (ICSK_TIME_*) in when_ms. */
void tcp_reset_xmit_timer(struct sock *sk, int what, uint32_t when_ms);
void tcp_set_rto(struct sock *sk);
void tcp_reqsk_timer_arm(struct request_sock *req);
/* (Re)starts the keep-alive timer of an established sock with SO_KEEPALIVE. */
void tcp_reset_keepalive_timer(struct sock *sk);

/* ---- tcp_cong.c (NewReno) ---- */
void tcp_cong_init(struct sock *sk);
void tcp_cong_on_ack(struct sock *sk, uint32_t acked, uint32_t prior_in_flight);
void tcp_sndbuf_expand(struct sock *sk);
/* Called with the ACK of a duplicate; returns 1 if the head must be retransmitted. */
int tcp_cong_dupack(struct sock *sk);
/* SACK connections: loss detected, enter recovery (RFC 6675 5 step 4.2). */
void tcp_cong_enter_recovery(struct sock *sk);
/* A partial or full ACK while in recovery; returns 1 to retransmit the head. */
int tcp_cong_recovery_ack(struct sock *sk, uint32_t acked);
void tcp_cong_on_rto(struct sock *sk);
uint32_t tcp_ssthresh_half(const struct tcp_sock *tp);

/* ---- tcp_trace.c ---- */
/* Prints one line for a segment (skb->data at the TCP header). */
void tcp_trace_segment(const struct sock *sk, const struct sk_buff *skb, uint32_t saddr,
		       uint32_t daddr, int outgoing);

/* ---- inet_hashtables.c ---- */
void inet_hash(struct sock *sk); /* into ehash, or lhash if LISTEN */
void inet_unhash(struct sock *sk);
void inet_bind_hash(struct sock *sk, uint16_t port);
void inet_put_port(struct sock *sk);
struct sock *inet_lookup_established(uint32_t saddr, uint16_t sport, uint32_t daddr,
				     uint16_t dport);
struct sock *inet_lookup_listener(uint32_t daddr, uint16_t dport);
/* Picks a free local port for connect() to daddr:dport.  -EADDRNOTAVAIL. */
int inet_hash_connect(struct sock *sk);
/* Another sock listens on sk's port with an overlapping address. */
int inet_listen_conflict(const struct sock *sk);

/* ---- inet_connection_sock.c ---- */
void inet_csk_listen_stop(struct sock *sk);
int inet_csk_wait_for_connect(struct sock *sk, long timeo);
struct sock *inet_csk_complete_hashdance(struct sock *listener, struct sock *child,
					 struct request_sock *req);
void inet_csk_destroy_sock(struct sock *sk);
static inline int inet_csk_reqsk_queue_is_full(const struct sock *sk)
{
	return tcp_sk(sk)->accept_queue.syn_qlen >= sk->sk_max_ack_backlog;
}
static inline int sk_acceptq_is_full(const struct sock *sk)
{
	return tcp_sk(sk)->accept_queue.accept_qlen >= sk->sk_max_ack_backlog;
}

#endif
