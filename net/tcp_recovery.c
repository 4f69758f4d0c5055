/*
 * SACK scoreboard, loss detection and loss recovery, called from the
 * fifth check of segment arrival (tcp_ack in tcp_input.c) and from the
 * reordering timer.  The rules it implements:
 *  - RFC 6675: SACK-based loss recovery (the scoreboard, IsLost, the
 *    recovery steps of section 5), with RFC 2018 SACK blocks;
 *  - RFC 8985: RACK time-based loss detection and its reordering timer;
 *  - RFC 6582: NewReno fast recovery for connections without SACK (the
 *    head retransmissions; the window arithmetic is in tcp_cong.c).
 */
#include "net/platform.h"
#include "net/tcp_priv.h"

/*
 * RFC 8985 6.2 steps 1-2: a segment was newly delivered (SACKed or
 * cumulatively acknowledged).  A segment sent once and delivered below one
 * that an earlier ACK delivered shows that the path reorders.  An ACK for
 * a retransmission that comes faster than the path's RTT is for the
 * original transmission and says nothing about when it was sent; else the
 * most recently sent delivered segment is remembered, with its RTT.
 * Transmit order numbers compare modulo 2^32, like sequence numbers.
 */
void tcp_rack_advance(struct tcp_sock *tp, const struct tcp_skb_cb *cb)
{
	uint32_t rtt = (uint32_t)jiffies_ms() - cb->xmit_ms;

	if (!(cb->sacked & TCPCB_EVER_SENT))
		return;
	if (!(cb->sacked & TCPCB_EVER_RETRANS) && before(cb->end_seq, tp->rack_fack_prior))
		tp->reordering_seen = 1;
	if (after(cb->end_seq, tp->rack_fack))
		tp->rack_fack = cb->end_seq;
	if ((cb->sacked & TCPCB_EVER_RETRANS) && rtt < tp->min_rtt_ms)
		return;
	if (after(cb->xmit_order, tp->rack_order)) {
		tp->rack_order = cb->xmit_order;
		tp->rack_rtt_ms = rtt;
	}
}

/*
 * RFC 2018 / RFC 6675: marks the sent segments that the SACK blocks of
 * this ACK cover; returns 1 if any was not marked before.  Blocks outside
 * [SND.UNA, SND.MAX] are ignored (RFC 2883 D-SACKs and forged blocks alike).
 */
int tcp_sacktag(struct sock *sk, const struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_options_received opt;
	struct list_head *pos;
	int i, newly = 0;

	tcp_parse_options(skb, &opt);
	for (i = 0; i < opt.num_sacks; i++) {
		uint32_t start = opt.sack[i][0], end = opt.sack[i][1];

		if (!after(end, start) || !after(end, tp->snd_una) || after(end, tp->snd_max) ||
		    before(start, tp->snd_una))
			continue;
		list_for_each (pos, &sk->sk_write_queue.list) {
			struct sk_buff *qskb = list_entry(pos, struct sk_buff, list);
			struct tcp_skb_cb *cb = TCP_SKB_CB(qskb);

			if (!before(cb->seq, end))
				break;
			/* a block edge inside a sent skb (one of GSO size): cut
			 * it there so that the covered part can be marked, as
			 * Linux's tcp_match_skb_to_sack */
			if ((cb->sacked & (TCPCB_EVER_SENT | TCPCB_SACKED)) == TCPCB_EVER_SENT) {
				if (before(cb->seq, start) && start - cb->seq < qskb->len)
					tcp_fragment(sk, qskb, start - cb->seq);
				else if (!before(cb->seq, start) && before(end, cb->end_seq) &&
					 end - cb->seq < qskb->len)
					tcp_fragment(sk, qskb, end - cb->seq);
			}
			if (!before(cb->seq, start) && !after(cb->end_seq, end) &&
			    !(cb->sacked & TCPCB_SACKED)) {
				tcp_rack_advance(tp, cb);
				cb->sacked |= TCPCB_SACKED;
				newly = 1;
			}
		}
	}
	return newly;
}

/*
 * Loss detection on the SACK scoreboard; returns how many segments are
 * taken as lost and not yet resent, and in *reo_wait how long until a
 * segment that may only be reordered is lost by the clock (0: none).
 * A segment is lost if
 *  - RFC 6675 4 IsLost: DupThresh segments, or more than (DupThresh-1)*SMSS
 *    bytes, above it are SACKed; or
 *  - RFC 8985 6.2 (RACK): a segment sent after its last transmission has
 *    been delivered, and RACK.rtt + reo_wnd has passed since it was sent.
 *    This also finds lost retransmissions, which only an RTO found before;
 *    the retransmission then no longer counts in the pipe.
 * reo_wnd (6.2 step 4) is min_RTT/4, and zero in recovery until the path
 * has been seen to reorder (no D-SACK adaptation: RFC 8985 7.1's
 * reo_wnd_mult stays 1).
 */
static int tcp_mark_lost(struct sock *sk, uint32_t *reo_wait)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct list_head *head = &sk->sk_write_queue.list, *pos;
	uint32_t sacked_segs = 0, sacked_bytes = 0, now = (uint32_t)jiffies_ms();
	uint32_t reo_wnd = tp->in_recovery && !tp->reordering_seen ? 0 : tp->min_rtt_ms / 4;
	int pending = 0;

	*reo_wait = 0;
	for (pos = head->prev; pos != head; pos = pos->prev) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(list_entry(pos, struct sk_buff, list));

		if (!(cb->sacked & TCPCB_EVER_SENT))
			continue;
		if (cb->sacked & TCPCB_SACKED) {
			sacked_segs++;
			sacked_bytes += cb->end_seq - cb->seq;
			continue;
		}
		if (!(cb->sacked & TCPCB_LOST) &&
		    (sacked_segs >= TCP_DUPTHRESH ||
		     sacked_bytes > (TCP_DUPTHRESH - 1) * (uint32_t)tp->mss_cache)) {
			cb->sacked |= TCPCB_LOST;
		} else if ((!(cb->sacked & TCPCB_LOST) || (cb->sacked & TCPCB_RETRANS)) &&
			   before(cb->xmit_order, tp->rack_order)) {
			int32_t left = (int32_t)(tp->rack_rtt_ms + reo_wnd - (now - cb->xmit_ms));

			if (left <= 0) {
				if (cb->sacked & TCPCB_RETRANS)
					tcp_statistics.lost_retransmits++;
				cb->sacked = (cb->sacked | TCPCB_LOST) & ~TCPCB_RETRANS;
			} else if (!*reo_wait || (uint32_t)left < *reo_wait) {
				*reo_wait = (uint32_t)left;
			}
		}
		if ((cb->sacked & (TCPCB_LOST | TCPCB_RETRANS)) == TCPCB_LOST)
			pending++;
	}
	return pending;
}

/*
 * SACK loss recovery (RFC 6675 5) after an ACK was processed (`acked`
 * bytes newly acknowledged; `dupack`: it was a duplicate) or after the
 * reordering timer.
 */
void tcp_sack_recovery(struct sock *sk, int dupack, uint32_t acked, uint32_t prior_in_flight)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t reo_wait;
	int lost;

	if (dupack && tp->dupacks < 255)
		tp->dupacks++;
	if (tp->in_recovery && !before(tp->snd_una, tp->recover)) {
		/* step (A): the ACK covers RecoveryPoint; cwnd stays ssthresh */
		tp->in_recovery = 0;
		tp->dupacks = 0;
	}
	lost = tcp_mark_lost(sk, &reo_wait);
	if (reo_wait) {
		/* RFC 8985 6.3: look again when the reordering window has passed */
		tcp_reset_xmit_timer(sk, ICSK_TIME_REO_TIMEOUT, reo_wait);
	}
	if (tp->in_recovery) {
		tcp_xmit_recovery(sk, 0); /* step (C) */
		tcp_schedule_loss_probe(sk);
		return;
	}
	/* step 4: DupThresh duplicates, or IsLost; not again for losses in
	 * data sent before the last reduction (RFC 6582 "recover") */
	if ((lost || tp->dupacks >= TCP_DUPTHRESH) && !before(tp->snd_una, tp->recover)) {
		struct sk_buff *head = skb_peek(&sk->sk_write_queue);

		/* 4.3: the first unacknowledged segment is resent first */
		if (head && !(TCP_SKB_CB(head)->sacked & (TCPCB_SACKED | TCPCB_LOST)))
			TCP_SKB_CB(head)->sacked |= TCPCB_LOST;
		tcp_statistics.sack_recoveries++;
		tcp_cong_enter_recovery(sk);
		tcp_xmit_recovery(sk, 1);
		tcp_schedule_loss_probe(sk);
		return;
	}
	if (acked)
		tcp_cong_on_ack(sk, acked, prior_in_flight);
}

void tcp_rack_reo_timeout(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto_ms);
	if (tp->snd_una == tp->snd_max)
		return;
	tcp_sack_recovery(sk, 0, 0, tp->snd_max - tp->snd_una);
	tcp_push(sk);
}

/* NewReno: a resend of the head in this recovery is not repeated. */
void tcp_newreno_retransmit_head(struct sock *sk)
{
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);

	if (head && !(TCP_SKB_CB(head)->sacked & TCPCB_RETRANS))
		tcp_retransmit_skb(sk, head);
}

/* A new NewReno recovery episode: every segment may be resent once again. */
void tcp_clear_recovery_marks(struct sock *sk)
{
	struct list_head *pos;

	list_for_each (pos, &sk->sk_write_queue.list)
		TCP_SKB_CB(list_entry(pos, struct sk_buff, list))->sacked &= ~TCPCB_RETRANS;
}
