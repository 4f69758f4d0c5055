/*
 * NewReno congestion control: slow start and congestion avoidance
 * (RFC 5681 3.1), fast retransmit / fast recovery (RFC 5681 3.2) with the
 * NewReno partial-ACK rules (RFC 6582 3.2) for peers without SACK, and the
 * window side of SACK-based recovery (RFC 6675).  Windows are in bytes.
 */
#include "net/platform.h"
#include "net/tcp_priv.h"

/*
 * RFC 6928 2: IW = min(10*MSS, max(2*MSS, 14600)), ssthresh arbitrarily
 * high; tcp_init_cwnd is the 10 (and 14600 = 10 * 1460), as Linux's route
 * initcwnd.
 */
void tcp_cong_init(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t mss = tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT;
	uint32_t iw = tcp_init_cwnd * TCP_IW_MSS_REF;

	if (iw < 2 * mss)
		iw = 2 * mss;
	if (iw > tcp_init_cwnd * mss)
		iw = tcp_init_cwnd * mss;
	tp->snd_cwnd = iw;
	tp->snd_ssthresh = 0x7fffffff;
	tp->in_recovery = 0;
	tp->dupacks = 0;
	tp->bytes_acked = 0;
	tp->recover = tp->iss;
	if (!tp->rto_ms)
		tcp_set_rto(sk);
}

/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2*SMSS). */
uint32_t tcp_ssthresh_half(const struct tcp_sock *tp)
{
	uint32_t half = (tp->snd_max - tp->snd_una) / 2;

	return half > 2u * tp->mss_cache ? half : 2u * tp->mss_cache;
}

/* A new ACK outside fast recovery: grow cwnd. */
void tcp_cong_on_ack(struct sock *sk, uint32_t acked, uint32_t prior_in_flight)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t mss = tp->mss_cache;

	tp->dupacks = 0;
	/* RFC 5681 4.1 / RFC 7661: do not grow a window that was not used */
	if (prior_in_flight + mss < tp->snd_cwnd && tp->snd_cwnd >= tp->snd_ssthresh)
		return;
	if (tp->snd_cwnd < tp->snd_ssthresh) {
		/*
		 * Slow start counts every segment the ACK covers, up to
		 * ssthresh (Linux's tcp_slow_start), not RFC 5681 (2)'s
		 * min(N, SMSS): a receiver that coalesces (GRO, LRO) sends
		 * one stretch ACK per 64 KiB GSO packet, for some 45
		 * segments, and one SMSS per ACK would open the window by
		 * a few percent per RTT instead of doubling it.
		 */
		uint32_t room = tp->snd_ssthresh - tp->snd_cwnd;

		tp->snd_cwnd += acked < room ? acked : room;
		return;
	}
	/* congestion avoidance: about one SMSS per RTT (RFC 5681 3.1, byte counting) */
	tp->bytes_acked += acked;
	if (tp->bytes_acked >= tp->snd_cwnd) {
		tp->bytes_acked -= tp->snd_cwnd;
		tp->snd_cwnd += mss;
	}
}

/*
 * Send buffer autotuning (Linux's tcp_sndbuf_expand): room for twice the
 * congestion window (at least the initial window), so that one window
 * can be in flight while the application fills the next; sk_wmem_queued
 * counts payload, so this does too.  Only when the buffer, not cwnd,
 * limits the sender (Linux's tcp_should_expand_sndbuf); bounded by
 * tcp_wmem_max; a buffer set with SO_SNDBUF stays as set (Linux's
 * SOCK_SNDBUF_LOCK).  It never shrinks.
 */
void tcp_sndbuf_expand(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t iw = tcp_init_cwnd * (uint32_t)tp->mss_cache;
	uint64_t want = 2ULL * (tp->snd_cwnd > iw ? tp->snd_cwnd : iw);

	if (sk->sk_sndbuf != tp->sndbuf_auto || tcp_bytes_in_flight(tp) >= tp->snd_cwnd)
		return;
	if (want > tcp_wmem_max)
		want = tcp_wmem_max;
	if (want > sk->sk_sndbuf)
		sk->sk_sndbuf = tp->sndbuf_auto = (unsigned int)want;
}

/*
 * A duplicate ACK.  The third enters fast retransmit (RFC 6582 3.2 step 2,
 * only if the ACK covers more than "recover", to avoid a second reduction
 * for one loss episode); later ones inflate cwnd (step 3).
 */
int tcp_cong_dupack(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t mss = tp->mss_cache;

	if (tp->in_recovery) {
		tp->snd_cwnd += mss;
		return 0;
	}
	if (++tp->dupacks < TCP_DUPTHRESH)
		return 0;
	if (tp->dupacks > TCP_DUPTHRESH || !after(tp->snd_una, tp->recover))
		return 0;
	tp->snd_ssthresh = tcp_ssthresh_half(tp);
	tp->recover = tp->snd_max;
	tp->snd_cwnd = tp->snd_ssthresh + TCP_DUPTHRESH * mss;
	tp->in_recovery = 1;
	return 1;
}

/*
 * SACK connections enter loss recovery here (RFC 6675 5 step 4.2):
 * RecoveryPoint = HighData and cwnd = ssthresh = FlightSize / 2.  There is
 * no inflation: the pipe estimate decides what may be sent (tcp_pipe).
 */
void tcp_cong_enter_recovery(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->snd_ssthresh = tcp_ssthresh_half(tp);
	tp->snd_cwnd = tp->snd_ssthresh;
	tp->recover = tp->snd_max;
	tp->in_recovery = 1;
	tp->bytes_acked = 0;
}

/*
 * An ACK for new data while in fast recovery (RFC 6582 3.2 steps 4-5).
 * Full ACK: deflate to ssthresh and leave.
 * Partial ACK: retransmit the next hole, deflate by the amount acked and
 * add back one SMSS if that was at least one SMSS.
 */
int tcp_cong_recovery_ack(struct sock *sk, uint32_t acked)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t mss = tp->mss_cache;

	if (!before(tp->snd_una, tp->recover)) {
		/* RFC 6582 3.2 step 6, option (2): cwnd = ssthresh (option (1)
		 * would restart from two segments when little is in flight) */
		tp->snd_cwnd = tp->snd_ssthresh;
		tp->in_recovery = 0;
		tp->dupacks = 0;
		return 0;
	}
	tp->snd_cwnd = tp->snd_cwnd > acked ? tp->snd_cwnd - acked : mss;
	if (acked >= mss)
		tp->snd_cwnd += mss;
	if (tp->snd_cwnd < mss)
		tp->snd_cwnd = mss;
	return 1;
}

/* RFC 5681 (4) and 3.1: after an RTO, ssthresh = FlightSize/2 and cwnd = 1 SMSS. */
void tcp_cong_on_rto(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->retransmits <= 1)
		tp->snd_ssthresh = tcp_ssthresh_half(tp);
	tp->snd_cwnd = tp->mss_cache;
	tp->bytes_acked = 0;
	tp->in_recovery = 0;
	tp->dupacks = 0;
	tp->recover = tp->snd_max; /* RFC 6582 3.2 step 1 after a timeout */
}
