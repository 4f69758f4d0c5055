/*
 * TCP timers: retransmission (RFC 6298) doubling as the persist timer
 * (RFC 9293 3.8.6.1), the tail loss probe and RACK's reordering timer
 * (RFC 8985 7, 6.3), delayed ACK (RFC 1122 4.2.3.2), TIME-WAIT 2*MSL
 * (RFC 9293 3.3.2), keep-alive (RFC 1122 4.2.3.6) and the SYN-ACK
 * retransmission of request socks.
 * Callbacks run in the timer softirq, serialised with the rest of the stack.
 */
#include "net/platform.h"
#include "net/tcp_priv.h"

unsigned int tcp_msl_ms = 60000;
unsigned int tcp_rto_min_ms = 200;
unsigned int tcp_rto_max_ms = 120000;
unsigned int tcp_rto_initial_ms = 1000;
unsigned int tcp_syn_retries = 6;
unsigned int tcp_synack_retries = 5;
unsigned int tcp_retries2 = 15;
unsigned int tcp_orphan_retries = 8;
unsigned int tcp_fin_timeout_ms = 60000;
unsigned int tcp_delack_ms = 40;
unsigned int tcp_init_cwnd = 10;
unsigned int tcp_timestamps_offer;
/*
 * Autotuning's bound (Linux's tcp_rmem[2] is 6 MiB).  Half of what GRO's
 * merge buffers hold (net/gro.h: 128 of 32 KiB): a receive queue full of
 * merged segments must leave buffers to merge into.  At 4 MiB an e1000
 * bulk receive that outran its reader filled the queue with all 128, and
 * from then on frames went up alone: 20,000 merges without a buffer per
 * 512 MiB, 9 segments a merge instead of 18, so twice the ACKs and TCP
 * passes.  At 2 MiB there were none, and the window stays far above what
 * this link holds.
 */
unsigned int tcp_rmem_max = 2U << 20;
unsigned int tcp_wmem_max = 4U << 20; /* Linux's tcp_wmem[2] */
unsigned int tcp_keepalive_time_ms = 7200000;
unsigned int tcp_keepalive_intvl_ms = 75000;
unsigned int tcp_keepalive_probes = 9;

/* RFC 6298 2.3: RTO = SRTT + max(G, 4 * RTTVAR), clamped to [min, max]. */
void tcp_set_rto(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t rto;

	if (!tp->srtt_ms8) {
		rto = tcp_rto_initial_ms;
	} else {
		uint32_t var = tp->rttvar_ms4 ? tp->rttvar_ms4 : 1; /* G = 1 ms */

		rto = (tp->srtt_ms8 >> 3) + var;
	}
	if (rto < tcp_rto_min_ms)
		rto = tcp_rto_min_ms;
	if (rto > tcp_rto_max_ms)
		rto = tcp_rto_max_ms;
	tp->rto_ms = rto;
}

void tcp_reset_xmit_timer(struct sock *sk, int what, uint32_t when_ms)
{
	tcp_sk(sk)->icsk_pending = (uint8_t)what;
	mod_timer(&tcp_sk(sk)->retransmit_timer, jiffies_ms() + when_ms);
}

static void tcp_write_err(struct sock *sk)
{
	/* as Linux: a soft error an ICMP message reported says more (RFC 1122 4.2.3.9) */
	sk->sk_err = sk->sk_err_soft ? sk->sk_err_soft : ETIMEDOUT;
	if (sk->sk_state == TCP_SYN_SENT)
		tcp_statistics.attempt_fails++;
	tcp_done(sk);
}

static void tcp_backoff(struct tcp_sock *tp)
{
	tp->backoff++;
	tp->rto_ms = tp->rto_ms * 2 > tcp_rto_max_ms ? tcp_rto_max_ms : tp->rto_ms * 2;
}

/*
 * After an RTO every segment not SACKed is taken as lost (RFC 6675 5.1,
 * Linux's tcp_enter_loss): none counts in the pipe until it is sent again,
 * and the window restarts from one segment.
 */
static void tcp_enter_loss(struct sock *sk)
{
	struct list_head *pos;

	list_for_each (pos, &sk->sk_write_queue.list) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(list_entry(pos, struct sk_buff, list));

		if ((cb->sacked & (TCPCB_EVER_SENT | TCPCB_SACKED)) == TCPCB_EVER_SENT)
			cb->sacked = (cb->sacked | TCPCB_LOST) & ~TCPCB_RETRANS;
	}
	tcp_cong_on_rto(sk);
}

/* RFC 6298 5.4-5.7: retransmit the earliest segment, back off, restart. */
static void tcp_retransmit_timer(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	unsigned int limit;

	if (!head || tp->snd_una == tp->snd_max)
		return;
	if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV)
		limit = tcp_syn_retries;
	else if (sock_flag(sk, SOCK_DEAD))
		limit = tcp_orphan_retries; /* nobody waits for an orphan */
	else
		limit = tcp_retries2;
	if (tp->retransmits >= limit) {
		tcp_write_err(sk);
		return;
	}
	tp->retransmits++;
	tp->tlp_out = 0;
	tcp_statistics.timeouts++;
	tcp_enter_loss(sk);
	tcp_backoff(tp);
	/* go back: everything after the head is resent as the window reopens */
	tp->snd_nxt = tp->snd_una;
	tcp_retransmit_skb(sk, head);
	tp->snd_nxt = TCP_SKB_CB(head)->end_seq;
	tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto_ms);
}

static void tcp_probe_timer(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->icsk_pending = 0;
	if (tcp_bytes_in_flight(tp) || !skb_peek(&sk->sk_write_queue))
		return;
	if (tp->probes_out >= (sock_flag(sk, SOCK_DEAD) ? tcp_orphan_retries : tcp_retries2)) {
		tcp_write_err(sk);
		return;
	}
	tcp_write_wakeup(sk);
	if (tcp_bytes_in_flight(tp))
		return; /* data went out: the RTO timer now runs */
	tcp_backoff(tp);
	tcp_reset_xmit_timer(sk, ICSK_TIME_PROBE0, tp->rto_ms);
}

static void tcp_write_timer(struct timer_list *t)
{
	struct tcp_sock *tp = container_of(t, struct tcp_sock, retransmit_timer);
	struct sock *sk = &tp->sk;

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
		return;
	sock_hold(sk);
	switch (tp->icsk_pending) {
	case ICSK_TIME_PROBE0:
		tcp_probe_timer(sk);
		break;
	case ICSK_TIME_LOSS_PROBE:
		tcp_send_loss_probe(sk);
		break;
	case ICSK_TIME_REO_TIMEOUT:
		tcp_rack_reo_timeout(sk);
		break;
	default:
		tcp_retransmit_timer(sk);
		break;
	}
	sock_put(sk);
}

static void tcp_delack_timer(struct timer_list *t)
{
	struct tcp_sock *tp = container_of(t, struct tcp_sock, delack_timer);

	if (tp->ack_pending)
		tcp_send_ack(&tp->sk);
}

/* 2*MSL over (RFC 9293 3.3.2), or an orphan gave up in FIN-WAIT-2. */
static void tcp_tw_timer(struct timer_list *t)
{
	struct tcp_sock *tp = container_of(t, struct tcp_sock, tw_timer);
	struct sock *sk = &tp->sk;

	if (sk->sk_state == TCP_TIME_WAIT || sk->sk_state == TCP_FIN_WAIT2)
		tcp_done(sk);
}

static uint32_t keepalive_time_when(const struct tcp_sock *tp)
{
	return tp->keepalive_time_ms ? tp->keepalive_time_ms : tcp_keepalive_time_ms;
}

static uint32_t keepalive_intvl_when(const struct tcp_sock *tp)
{
	return tp->keepalive_intvl_ms ? tp->keepalive_intvl_ms : tcp_keepalive_intvl_ms;
}

static unsigned int keepalive_probes(const struct tcp_sock *tp)
{
	return tp->keepalive_probes ? tp->keepalive_probes : tcp_keepalive_probes;
}

static int keepalive_state(const struct sock *sk)
{
	return sk->sk_state == TCP_ESTABLISHED || sk->sk_state == TCP_CLOSE_WAIT;
}

void tcp_reset_keepalive_timer(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (sock_flag(sk, SOCK_KEEPOPEN) && keepalive_state(sk))
		mod_timer(&tp->keepalive_timer, jiffies_ms() + keepalive_time_when(tp));
}

void tcp_set_keepalive(struct sock *sk, int on)
{
	if (on && !sock_flag(sk, SOCK_KEEPOPEN)) {
		sock_set_flag(sk, SOCK_KEEPOPEN);
		tcp_reset_keepalive_timer(sk);
	} else if (!on) {
		sock_reset_flag(sk, SOCK_KEEPOPEN);
		del_timer(&tcp_sk(sk)->keepalive_timer);
	}
}

/*
 * RFC 1122 4.2.3.6: after keepalive_time without hearing from the peer on
 * an idle connection, send a segment it must answer: <SEQ=SND.NXT-1>
 * without data, as Linux does; every keepalive_intvl another, and after
 * keepalive_probes unanswered ones the connection is dead (ETIMEDOUT, or
 * the soft error an ICMP message left).  With data in flight the RTO
 * timer watches the peer instead.
 */
static void tcp_keepalive_timer(struct timer_list *t)
{
	struct tcp_sock *tp = container_of(t, struct tcp_sock, keepalive_timer);
	struct sock *sk = &tp->sk;
	uint64_t now = jiffies_ms(), idle = now - tp->rcv_tstamp;
	uint32_t when = keepalive_time_when(tp);

	if (!sock_flag(sk, SOCK_KEEPOPEN) || !keepalive_state(sk))
		return;
	if (tp->snd_una != tp->snd_max || skb_queue_len(&sk->sk_write_queue)) {
		mod_timer(&tp->keepalive_timer, now + when);
		return;
	}
	if (idle < when) {
		mod_timer(&tp->keepalive_timer, now + (when - idle));
		return;
	}
	if (tp->keepalive_probes_out >= keepalive_probes(tp)) {
		sock_hold(sk);
		tcp_send_active_reset(sk);
		tcp_write_err(sk);
		sock_put(sk);
		return;
	}
	tcp_transmit_skb(sk, NULL, tp->snd_nxt - 1, TCPHDR_ACK);
	tp->keepalive_probes_out++;
	mod_timer(&tp->keepalive_timer, now + keepalive_intvl_when(tp));
}

void tcp_init_xmit_timers(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	timer_setup(&tp->retransmit_timer, tcp_write_timer);
	timer_setup(&tp->delack_timer, tcp_delack_timer);
	timer_setup(&tp->tw_timer, tcp_tw_timer);
	timer_setup(&tp->keepalive_timer, tcp_keepalive_timer);
}

void tcp_clear_xmit_timers(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	del_timer(&tp->retransmit_timer);
	del_timer(&tp->delack_timer);
	del_timer(&tp->tw_timer);
	del_timer(&tp->keepalive_timer);
	tp->icsk_pending = 0;
}

/* SYN-ACK retransmission for a request sock, then give up (RFC 6298 5.5 backoff). */
static void tcp_reqsk_timer(struct timer_list *t)
{
	struct request_sock *req = container_of(t, struct request_sock, rsk_timer);

	if (req->num_retrans >= tcp_synack_retries) {
		inet_csk_reqsk_queue_drop(req->listener, req);
		return;
	}
	req->num_retrans++;
	tcp_statistics.retrans_segs++;
	tcp_v4_send_synack(req->listener, req);
	tcp_reqsk_timer_arm(req);
}

void tcp_reqsk_timer_arm(struct request_sock *req)
{
	uint64_t timeout = (uint64_t)tcp_rto_initial_ms << req->num_retrans;

	if (timeout > tcp_rto_max_ms)
		timeout = tcp_rto_max_ms;
	if (!req->rsk_timer.function)
		timer_setup(&req->rsk_timer, tcp_reqsk_timer);
	mod_timer(&req->rsk_timer, jiffies_ms() + timeout);
}
