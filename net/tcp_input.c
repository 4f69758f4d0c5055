/*
 * Segment arrival, written in the order of RFC 9293 3.10.7 ("SEGMENT
 * ARRIVES"): LISTEN (tcp_conn_request), SYN-SENT
 * (tcp_rcv_synsent_state_process), then for the synchronized states:
 * first check the sequence number, second the RST bit (RFC 5961 3),
 * third security (not implemented: no IP security options), fourth the
 * SYN bit (RFC 5961 4), fifth the ACK field (with RFC 5961 5, the
 * congestion control of tcp_cong.c, and the loss detection and recovery
 * of tcp_recovery.c: RFC 6675 SACK with RFC 8985 RACK, RFC 6582 NewReno),
 * sixth URG (not implemented: urgent data is delivered as ordinary data,
 * RFC 6093), seventh the segment text, eighth the FIN bit.
 */
#include "net/platform.h"
#include "net/tcp_priv.h"
#include "net/ip.h"
#include "net/pktstat.h"

unsigned int tcp_challenge_ack_limit = 1000;

/* RFC 6298 2.2-2.3 in integer ms: srtt kept * 8, rttvar * 4. */
void tcp_rtt_sample(struct sock *sk, uint32_t rtt_ms)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (rtt_ms == 0)
		rtt_ms = 1; /* clock granularity G */
	if (!tp->srtt_ms8) {
		tp->srtt_ms8 = rtt_ms << 3;
		tp->rttvar_ms4 = rtt_ms << 1;
	} else {
		int32_t err = (int32_t)rtt_ms - (int32_t)(tp->srtt_ms8 >> 3);

		if (err < 0)
			err = -err;
		tp->rttvar_ms4 = tp->rttvar_ms4 - (tp->rttvar_ms4 >> 2) + (uint32_t)err;
		tp->srtt_ms8 = tp->srtt_ms8 - (tp->srtt_ms8 >> 3) + rtt_ms;
	}
	if (!tp->min_rtt_ms || rtt_ms < tp->min_rtt_ms)
		tp->min_rtt_ms = rtt_ms;
	tp->backoff = 0;
	tcp_set_rto(sk);
}

/* RFC 5961 7: challenge ACKs are rate limited (globally, per second). */
int tcp_send_challenge_ack(struct sock *sk)
{
	static uint64_t window_start;
	static unsigned int sent;
	uint64_t now = jiffies_ms();

	if (now - window_start >= 1000) {
		window_start = now;
		sent = 0;
	}
	if (sent >= tcp_challenge_ack_limit)
		return 0;
	sent++;
	tcp_statistics.challenge_acks++;
	tcp_send_ack(sk);
	return 1;
}

/* A RST was accepted (RFC 9293 3.10.7.4 second check): report and close. */
static void tcp_reset(struct sock *sk)
{
	switch (sk->sk_state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RECV: /* full socks reach SYN-RECEIVED only from SYN-SENT */
		sk->sk_err = ECONNREFUSED;
		break;
	case TCP_CLOSE_WAIT:
		sk->sk_err = EPIPE;
		break;
	case TCP_CLOSE:
		return;
	default:
		sk->sk_err = ECONNRESET;
	}
	if (sk->sk_state == TCP_ESTABLISHED || sk->sk_state == TCP_CLOSE_WAIT)
		tcp_statistics.estab_resets++;
	tcp_done(sk);
}

/* RFC 9293 3.10.7.4 first check: is any part of the segment in the window? */
static int tcp_sequence(const struct tcp_sock *tp, uint32_t seq, uint32_t end_seq)
{
	uint32_t wnd = tcp_receive_window(tp);
	uint32_t len = end_seq - seq;

	if (len == 0) {
		if (wnd == 0)
			return seq == tp->rcv_nxt;
		return between(seq, tp->rcv_nxt, tp->rcv_nxt + wnd - 1);
	}
	if (wnd == 0)
		return 0;
	return between(seq, tp->rcv_nxt, tp->rcv_nxt + wnd - 1) ||
	       between(end_seq - 1, tp->rcv_nxt, tp->rcv_nxt + wnd - 1);
}

/* Frees what `ack` covers from the write queue; returns payload bytes freed. */
static uint32_t tcp_clean_rtx_queue(struct sock *sk, uint32_t ack)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	uint32_t freed = 0;

	while ((skb = skb_peek(&sk->sk_write_queue))) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (after(cb->end_seq, ack)) {
			/* partly acknowledged: drop the acked bytes of its payload */
			if (after(ack, cb->seq) && skb->len) {
				uint32_t n = ack - cb->seq;

				if (cb->tcp_flags & TCPHDR_SYN)
					n--;
				if (n > skb->len)
					n = skb->len;
				skb_pull(skb, n);
				cb->seq += n;
				freed += n;
			}
			break;
		}
		if (!(cb->sacked & TCPCB_SACKED))
			tcp_rack_advance(tp, cb);
		freed += skb->len;
		skb_unlink(skb, &sk->sk_write_queue);
		kfree_skb(skb);
	}
	sk->sk_wmem_queued -= freed < sk->sk_wmem_queued ? freed : sk->sk_wmem_queued;
	if (tcp_ts_rtt_sample(sk, &tp->rx_opt)) {
		tp->rtt_start = 0;
	} else if (tp->rtt_start && !before(ack, tp->rtt_seq)) {
		tcp_rtt_sample(sk, (uint32_t)(jiffies_ms() - tp->rtt_start));
		tp->rtt_start = 0;
	}
	return freed;
}

/* RFC 9293 3.10.7.4 fifth check, window update part. */
static void tcp_ack_update_window(struct sock *sk, const struct tcp_skb_cb *cb)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (before(tp->snd_wl1, cb->seq) ||
	    (tp->snd_wl1 == cb->seq && !before(cb->ack_seq, tp->snd_wl2))) {
		uint32_t nwin = (uint32_t)cb->window << tp->snd_wscale;

		if (nwin && !tp->snd_wnd)
			tp->probes_out = 0;
		tp->snd_wnd = nwin;
		tp->snd_wl1 = cb->seq;
		tp->snd_wl2 = cb->ack_seq;
		if (nwin > tp->max_window)
			tp->max_window = nwin;
	}
}

/*
 * The ACK field in a synchronized state (fifth check).  Returns 0 to go
 * on with the segment, -1 if it must be dropped.
 */
static int tcp_ack(struct sock *sk, struct sk_buff *skb, unsigned int payload)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	uint32_t ack = cb->ack_seq, prior_wnd = tp->snd_wnd;
	uint32_t prior_in_flight = tp->snd_max - tp->snd_una, acked;
	int new_sack = 0;

	if (after(ack, tp->snd_max)) {
		/* acks something not yet sent: ACK and drop (RFC 9293, RFC 5961 5.2) */
		tcp_send_challenge_ack(sk);
		return -1;
	}
	if (before(ack, tp->snd_una)) {
		/* RFC 5961 5.2: too old to be a duplicate: challenge ACK, drop */
		if (before(ack, tp->snd_una - tp->max_window)) {
			tcp_send_challenge_ack(sk);
			return -1;
		}
		return 0; /* old duplicate: ignore the ACK */
	}
	tcp_ack_update_window(sk, cb);
	tp->rcv_tstamp = jiffies_ms(); /* the peer is alive (keep-alive) */
	tp->keepalive_probes_out = 0;
	if (before(tp->rack_fack, tp->snd_una))
		tp->rack_fack = tp->snd_una;
	tp->rack_fack_prior = tp->rack_fack;
	if (tp->sack_ok && tcp_hdrlen(tcp_hdr(skb)) > sizeof(struct tcphdr))
		new_sack = tcp_sacktag(sk, skb);

	if (ack == tp->snd_una) {
		/* RFC 5681 2: a duplicate ACK carries no data, does not change
		 * the window, and there is outstanding data; RFC 6675 2: with
		 * SACK, one that SACKs new data counts even if the window moved
		 * (receivers grow their window as the application reads) */
		if (payload == 0 && !(cb->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN)) &&
		    (tp->snd_wnd == prior_wnd || new_sack) && tp->snd_una != tp->snd_max) {
			if (tp->sack_ok) {
				tcp_sack_recovery(sk, 1, 0, prior_in_flight);
			} else if (tcp_cong_dupack(sk)) {
				/* fast retransmit: a new recovery episode */
				tcp_clear_recovery_marks(sk);
				tcp_newreno_retransmit_head(sk);
			}
		}
		return 0;
	}

	acked = ack - tp->snd_una;
	tcp_clean_rtx_queue(sk, ack);
	tp->snd_una = ack;
	if (before(tp->snd_nxt, ack))
		tp->snd_nxt = ack;
	tp->retransmits = 0;
	tp->probes_out = 0;
	sk->sk_err_soft = 0; /* something got through: forget an old ICMP error (Linux) */
	if (tp->backoff) {
		tp->backoff = 0;
		tcp_set_rto(sk);
	}
	if (tp->sack_ok) {
		tcp_sack_recovery(sk, 0, acked, prior_in_flight);
	} else if (tp->in_recovery) {
		/* RFC 6582 3.2 step 5: a partial ACK resends the first
		 * unacknowledged segment, unless this recovery resent it already */
		if (tcp_cong_recovery_ack(sk, acked))
			tcp_newreno_retransmit_head(sk);
	} else {
		tcp_cong_on_ack(sk, acked, prior_in_flight);
	}
	tcp_sndbuf_expand(sk);
	tp->tlp_out = 0; /* progress: a new stall may be probed */
	/* RFC 6298 5.2-5.3 */
	if (tp->snd_una == tp->snd_max) {
		if (tp->icsk_pending != ICSK_TIME_PROBE0) {
			del_timer(&tp->retransmit_timer);
			tp->icsk_pending = 0;
		}
	} else if (tp->icsk_pending !=
		   ICSK_TIME_REO_TIMEOUT) { /* it restarts the RTO when it fires */
		tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto_ms);
		tcp_schedule_loss_probe(sk);
	}
	sk_wake(sk);
	return 0;
}

static int tcp_fin_acked(const struct tcp_sock *tp)
{
	return tp->fin_queued && tp->snd_una == tp->write_seq;
}

/* Eighth check: the FIN bit, taken in sequence. */
static void tcp_fin(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->rcv_nxt++;
	sk->sk_shutdown |= RCV_SHUTDOWN;
	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		tcp_set_state(sk, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT1:
		/* our FIN is not acked yet (else we would be in FIN-WAIT-2) */
		tcp_set_state(sk, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT2:
		tcp_send_ack(sk);
		tcp_time_wait(sk);
		sk_wake(sk);
		return;
	default:
		break;
	}
	tcp_send_ack(sk);
	sk_wake(sk);
}

static void tcp_ofo_queue(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;

	while ((skb = skb_peek(&tp->out_of_order_queue))) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
		int fin = cb->tcp_flags & TCPHDR_FIN;

		if (after(cb->seq, tp->rcv_nxt))
			break;
		skb_unlink(skb, &tp->out_of_order_queue);
		if (!after(cb->end_seq, tp->rcv_nxt)) {
			kfree_skb(skb); /* all old */
			continue;
		}
		skb_pull(skb, tp->rcv_nxt - cb->seq);
		cb->seq = tp->rcv_nxt;
		tp->rcv_nxt += skb->len;
		if (skb->len) {
			sk->sk_rmem_queued += skb->len;
			skb_queue_tail(&sk->sk_receive_queue, skb);
		} else {
			kfree_skb(skb);
		}
		if (fin) {
			tcp_fin(sk);
			break;
		}
	}
}

/*
 * RFC 2883 4: the next ACK reports [seq, end_seq), data received twice, in
 * a D-SACK block (the latest duplicate, as Linux's tcp_dsack_set).
 */
static void tcp_dsack_set(struct tcp_sock *tp, uint32_t seq, uint32_t end_seq)
{
	if (!tp->sack_ok || !after(end_seq, seq))
		return;
	tp->dsack = 1;
	tp->dsack_seq = seq;
	tp->dsack_end_seq = end_seq;
}

/* Inserts an out-of-order segment, keeping the queue sorted and free of overlaps. */
static void tcp_data_queue_ofo(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff_head *q = &tp->out_of_order_queue;
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct list_head *pos, *n, *ins = &q->list;

	tp->sack_recent = cb->seq;
	/* find the first queued segment that starts after ours */
	list_for_each (pos, &q->list) {
		if (after(TCP_SKB_CB(list_entry(pos, struct sk_buff, list))->seq, cb->seq)) {
			ins = pos;
			break;
		}
	}
	/* the one before may cover our head */
	if (ins->prev != &q->list) {
		struct tcp_skb_cb *pcb = TCP_SKB_CB(list_entry(ins->prev, struct sk_buff, list));

		if (!before(pcb->end_seq, cb->end_seq)) {
			tcp_dsack_set(tp, cb->seq, cb->end_seq);
			kfree_skb(skb); /* nothing new */
			return;
		}
		if (after(pcb->end_seq, cb->seq)) {
			tcp_dsack_set(tp, cb->seq, pcb->end_seq);
			skb_pull(skb, pcb->end_seq - cb->seq);
			cb->seq = pcb->end_seq;
		}
	}
	/* later ones that ours covers go; one that overlaps our tail trims it */
	for (pos = ins; pos != &q->list; pos = n) {
		struct sk_buff *next = list_entry(pos, struct sk_buff, list);
		struct tcp_skb_cb *ncb = TCP_SKB_CB(next);

		n = pos->next;
		if (!after(cb->end_seq, ncb->seq))
			break;
		if (!before(cb->end_seq, ncb->end_seq)) {
			tcp_dsack_set(tp, ncb->seq, ncb->end_seq);
			ins = n;
			skb_unlink(next, q);
			kfree_skb(next);
			continue;
		}
		tcp_dsack_set(tp, ncb->seq, cb->end_seq);
		skb_trim(skb, ncb->seq - cb->seq);
		cb->end_seq = ncb->seq;
		cb->tcp_flags &= ~TCPHDR_FIN;
		break;
	}
	list_add_tail(&skb->list, ins);
	q->qlen++;
}

/*
 * Quick ACKs at a connection's start keep the peer's slow start going
 * (Linux's quickack mode), but not when the application is about to read:
 * a task waits in recv, or the connection still waits in the accept
 * queue (accept() hands it to the application next).  Its reply, likely within the delay, carries the
 * ACK (as in Linux with its former prequeue, where the reader's context
 * made the ACK decision).
 */
static int tcp_reader_expected(const struct tcp_sock *tp)
{
	return tp->reader_waiting || !list_empty(&tp->accept_node);
}

/* Segments an in-order skb of len payload bytes stands for: gso_segs for
 * one GRO merged, else len in units of the MSS we advertised. */
static uint32_t tcp_skb_segs(const struct tcp_sock *tp, const struct sk_buff *skb, unsigned int len)
{
	uint32_t mss = tp->advmss ? tp->advmss : TCP_MSS_DEFAULT;

	if (skb->gso_segs > 1)
		return skb->gso_segs;
	return len > mss ? (len + mss - 1) / mss : 1;
}

/*
 * Seventh and eighth checks: queue the text (skb->data at the payload)
 * and take a FIN in order.  Consumes skb.
 */
static void tcp_data_queue(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	uint32_t wnd_end = tp->rcv_wup + tp->rcv_wnd;

	if (!skb->len && !(cb->tcp_flags & TCPHDR_FIN))
		goto drop;
	/* keep only the part inside the window */
	if (before(cb->seq, tp->rcv_nxt)) {
		uint32_t n = tp->rcv_nxt - cb->seq;

		tcp_dsack_set(tp, cb->seq, cb->seq + (n < skb->len ? n : skb->len));
		if (n >= skb->len && !(cb->tcp_flags & TCPHDR_FIN && n == skb->len)) {
			tcp_send_ack(sk); /* a duplicate: tell the peer again */
			goto drop;
		}
		skb_pull(skb, n > skb->len ? skb->len : n);
		cb->seq = tp->rcv_nxt;
	}
	if (after(cb->seq + skb->len, wnd_end)) {
		uint32_t keep = after(wnd_end, cb->seq) ? wnd_end - cb->seq : 0;

		skb_trim(skb, keep);
		cb->tcp_flags &= ~TCPHDR_FIN;
	}
	cb->end_seq = cb->seq + skb->len + !!(cb->tcp_flags & TCPHDR_FIN);
	if (cb->end_seq == cb->seq)
		goto drop;

	if (sk->sk_shutdown & RCV_SHUTDOWN && skb->len && !sock_flag(sk, SOCK_DEAD)) {
		/* the user shut reading down: data is acknowledged and dropped */
		tp->rcv_nxt = cb->end_seq;
		tcp_send_ack(sk);
		goto drop;
	}

	/*
	 * Memory short: new data is not queued (in order or not); the peer
	 * sends it again, and meanwhile what memory is left lets in the
	 * segments that free memory (RST, FIN, ACK).  A receiver may drop a
	 * segment it has no room for (RFC 9293 3.10.7.4); it was not
	 * acknowledged.
	 */
	if (net_mem_pressure() && skb->len) {
		tcp_statistics.rcvq_drops++;
		goto drop;
	}

	if (cb->seq == tp->rcv_nxt) {
		int fin = cb->tcp_flags & TCPHDR_FIN;
		int had_ofo = skb_queue_len(&tp->out_of_order_queue) != 0;
		unsigned int len = skb->len;
		uint32_t segs = tcp_skb_segs(tp, skb, len);

		tp->rcv_nxt += len;
		if (len) {
			tcp_rcv_rtt_measure(sk);
			sk->sk_rmem_queued += len;
			skb_queue_tail(&sk->sk_receive_queue, skb);
		} else {
			kfree_skb(skb);
		}
		if (fin) {
			tcp_fin(sk);
		} else {
			if (had_ofo)
				tcp_ofo_queue(sk);
			/* RFC 5681 4.2: ACK at once when a hole is filled, and at
			 * least every second full-sized segment (a GRO or large
			 * skb counts as the segments it holds) */
			tp->segs_unacked += segs;
			if (had_ofo || tp->segs_unacked >= 2 ||
			    (tp->quickack && !tcp_reader_expected(tp)))
				tcp_send_ack(sk);
			else
				tcp_send_delayed_ack(sk);
			if (tp->quickack)
				tp->quickack--;
		}
		sk_wake(sk);
		return;
	}
	/* out of order: queue it and send an immediate duplicate ACK (RFC 5681 4.2) */
	tcp_data_queue_ofo(sk, skb);
	tcp_send_ack(sk);
	return;
drop:
	kfree_skb(skb);
}

/* RFC 9293 3.10.7.3: SYN-SENT. Consumes skb. */
__gdb_visible int tcp_rcv_synsent_state_process(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct tcp_options_received opt;
	uint8_t flags = cb->tcp_flags;

	/* first check the ACK bit */
	if (flags & TCPHDR_ACK) {
		if (!after(cb->ack_seq, tp->iss) || after(cb->ack_seq, tp->snd_max)) {
			if (!(flags & TCPHDR_RST))
				tcp_v4_send_reset(sk, skb);
			goto drop;
		}
	}
	/* second the RST bit: only with an acceptable ACK (RFC 5961 3.2) */
	if (flags & TCPHDR_RST) {
		if (flags & TCPHDR_ACK)
			tcp_reset(sk);
		goto drop;
	}
	/* fourth the SYN bit */
	if (!(flags & TCPHDR_SYN))
		goto drop;

	tcp_parse_options(skb, &opt);
	tp->irs = cb->seq;
	tp->rcv_nxt = tp->rcv_wup = cb->seq + 1;
	if (opt.wscale_ok) {
		tp->wscale_ok = 1;
		tp->snd_wscale = opt.snd_wscale;
	} else {
		tp->snd_wscale = tp->rcv_wscale = 0;
	}
	tp->sack_ok = opt.sack_ok;
	/* RFC 7323 3.2: timestamps if the SYN-ACK answers ours with one */
	tp->tstamp_ok = opt.saw_tstamp && tcp_timestamps_offer;
	if (tp->tstamp_ok)
		tcp_store_ts_recent(tp, opt.rcv_tsval);
	tp->rx_opt = opt;
	tp->rx_opt_mss = opt.mss_clamp ? opt.mss_clamp : TCP_MSS_DEFAULT;
	tcp_sync_mss(sk);
	tp->snd_wnd = tp->max_window = cb->window; /* RFC 7323 2.2: SYN windows are not scaled */
	tp->snd_wl1 = cb->seq;
	tp->snd_wl2 = cb->ack_seq;

	if (flags & TCPHDR_ACK) {
		tcp_clean_rtx_queue(sk, cb->ack_seq);
		tp->snd_una = cb->ack_seq;
		tcp_cong_init(sk);
		tp->retransmits = 0;
		tp->backoff = 0;
		tcp_set_rto(sk);
		del_timer(&tp->retransmit_timer);
		tcp_set_state(sk, TCP_ESTABLISHED);
		tp->quickack = 2;
		tcp_send_ack(sk);
		tcp_push(sk);
		sk_wake(sk);
		goto drop; /* data on a SYN-ACK is not taken; the peer resends it */
	}
	/* simultaneous open (RFC 9293 3.5 figure 8): SYN-RECEIVED, send SYN,ACK */
	tcp_set_state(sk, TCP_SYN_RECV);
	{
		struct sk_buff *syn = skb_peek(&sk->sk_write_queue);

		if (syn)
			tcp_transmit_skb(sk, syn, tp->iss, TCPHDR_SYN | TCPHDR_ACK);
	}
drop:
	kfree_skb(skb);
	return 0;
}

/* The synchronized states (SYN-RECEIVED and later).  Consumes skb. */
static int tcp_rcv_synchronized(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	uint8_t flags = cb->tcp_flags;
	unsigned int hdrlen = tcp_hdrlen(tcp_hdr(skb));
	unsigned int payload = skb->len - hdrlen;

	tp->rx_opt.saw_tstamp = 0;
	if (tp->tstamp_ok)
		tcp_parse_options(skb, &tp->rx_opt);
	/* RFC 7323 5.3 R1, before the sequence number: an old duplicate
	 * (PAWS) is not acceptable: ACK it and drop it */
	if (tcp_paws_discard(tp, &tp->rx_opt, flags)) {
		tcp_statistics.paws_rejected++;
		tcp_send_ack(sk);
		goto drop;
	}
	/* first check the sequence number */
	if (!tcp_sequence(tp, cb->seq, cb->end_seq)) {
		if (flags & TCPHDR_RST)
			goto drop; /* RFC 5961 3.2: outside the window: silently */
		if (payload && before(cb->seq, tp->rcv_nxt))
			tcp_dsack_set(tp, cb->seq,
				      before(cb->seq + payload, tp->rcv_nxt) ? cb->seq + payload
									     : tp->rcv_nxt);
		/* RFC 9293: with a zero window, still take a valid ACK */
		if ((flags & TCPHDR_ACK) && cb->seq == tp->rcv_nxt && sk->sk_state != TCP_SYN_RECV)
			if (tcp_ack(sk, skb, payload) == 0)
				tcp_push(sk);
		if (sk->sk_state != TCP_CLOSE)
			tcp_send_ack(sk);
		goto drop;
	}
	tcp_replace_ts_recent(tp, &tp->rx_opt, cb->seq);
	/* second check the RST bit (RFC 5961 3.2) */
	if (flags & TCPHDR_RST) {
		if (cb->seq == tp->rcv_nxt)
			tcp_reset(sk);
		else
			tcp_send_challenge_ack(sk);
		goto drop;
	}
	/* third: security/compartment -- not implemented */
	/* fourth check the SYN bit (RFC 5961 4.2): challenge ACK */
	if (flags & TCPHDR_SYN) {
		tcp_send_challenge_ack(sk);
		goto drop;
	}
	/* fifth check the ACK field */
	if (!(flags & TCPHDR_ACK))
		goto drop;
	if (sk->sk_state == TCP_SYN_RECV) {
		if (!between(cb->ack_seq, tp->iss + 1, tp->snd_max)) {
			tcp_v4_send_reset(sk, skb);
			goto drop;
		}
		tp->snd_wnd = (uint32_t)cb->window << tp->snd_wscale;
		tp->max_window = seq_max(tp->max_window, tp->snd_wnd);
		tp->snd_wl1 = cb->seq;
		tp->snd_wl2 = cb->ack_seq;
		tcp_set_state(sk, TCP_ESTABLISHED);
		tp->quickack = 2;
		sk_wake(sk);
	}
	if (tcp_ack(sk, skb, payload) < 0)
		goto drop;
	switch (sk->sk_state) {
	case TCP_FIN_WAIT1:
		if (tcp_fin_acked(tp)) {
			tcp_set_state(sk, TCP_FIN_WAIT2);
			sk->sk_shutdown |= SEND_SHUTDOWN;
			if (sock_flag(sk, SOCK_DEAD))
				mod_timer(&tp->tw_timer, jiffies_ms() + tcp_fin_timeout_ms);
			sk_wake(sk);
		}
		break;
	case TCP_CLOSING:
		if (tcp_fin_acked(tp)) {
			tcp_time_wait(sk);
			goto drop;
		}
		break;
	case TCP_LAST_ACK:
		if (tcp_fin_acked(tp)) {
			tcp_done(sk);
			goto drop;
		}
		break;
	default:
		break;
	}
	/* RFC 9293 3.10.7.4, RFC 1122 4.2.2.13: new data for a socket the
	 * application has closed can reach no one: reset (Linux TCPAbortOnData) */
	if ((sk->sk_state == TCP_FIN_WAIT1 || sk->sk_state == TCP_FIN_WAIT2) &&
	    sock_flag(sk, SOCK_DEAD) && payload && after(cb->seq + payload, tp->rcv_nxt)) {
		tcp_statistics.abort_on_data++;
		tcp_v4_send_reset(sk, skb);
		tcp_done(sk);
		goto drop;
	}
	/* sixth: URG -- not implemented (RFC 6093: urgent data is ordinary data) */
	/* seventh and eighth: text and FIN */
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2: {
		uint64_t t0 = pktstat_start();

		skb_pull(skb, hdrlen);
		payload = skb->len;
		tcp_data_queue(sk, skb);
		pktstat_end(NETCTL_PKTSTAT_tcp_data_queue, t0, payload);
		skb = NULL;
		break;
	}
	default:
		/* CLOSE-WAIT, CLOSING, LAST-ACK: the peer's FIN is in; ignore text */
		break;
	}
	if (sk->sk_state != TCP_CLOSE)
		tcp_push(sk);
drop:
	if (skb)
		kfree_skb(skb);
	return 0;
}

int tcp_rcv_state_process(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

	switch (sk->sk_state) {
	case TCP_CLOSE:
		/* RFC 9293 3.10.7.1 */
		tcp_v4_send_reset(sk, skb);
		kfree_skb(skb);
		return 0;
	case TCP_LISTEN:
		/* RFC 9293 3.10.7.2: RST ignored, ACK answered with RST, SYN opens */
		if (cb->tcp_flags & TCPHDR_RST)
			break;
		if (cb->tcp_flags & TCPHDR_ACK) {
			tcp_v4_send_reset(sk, skb);
			break;
		}
		/* SYN+FIN opens nothing (a scanner's probe; Linux drops it too) */
		if ((cb->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN)) == TCPHDR_SYN)
			return tcp_conn_request(sk, skb);
		break;
	case TCP_SYN_SENT:
		return tcp_rcv_synsent_state_process(sk, skb);
	default:
		return tcp_rcv_synchronized(sk, skb);
	}
	kfree_skb(skb);
	return 0;
}
