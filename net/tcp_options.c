/*
 * TCP options (RFC 9293 3.2): reading those a segment carries and writing
 * ours -- MSS, window scale (RFC 7323 2), SACK-permitted and SACK blocks
 * (RFC 2018), timestamps (RFC 7323 3) -- and the timestamp rules: the
 * TSval clock, TS.Recent (RFC 7323 4.3), PAWS (5.3) and the RTT sample
 * an echoed TSval gives (4.1).
 */
#include "net/platform.h"
#include "net/tcp_priv.h"

/* RFC 7323 5.5: TS.Recent older than 24 days is no longer compared. */
#define TCP_PAWS_24DAYS_MS (24ULL * 24 * 3600 * 1000)

static uint32_t get_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

void tcp_parse_options(const struct sk_buff *skb, struct tcp_options_received *opt)
{
	const struct tcphdr *th = tcp_hdr(skb);
	const uint8_t *p = (const uint8_t *)(th + 1);
	int len = (int)tcp_hdrlen(th) - (int)sizeof(*th);

	memset(opt, 0, sizeof(*opt));
	while (len > 0) {
		int kind = p[0], olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			p++;
			len--;
			continue;
		}
		if (len < 2)
			break;
		olen = p[1];
		if (olen < 2 || olen > len)
			break; /* malformed: ignore the rest */
		switch (kind) {
		case TCPOPT_MSS:
			if (olen == TCPOLEN_MSS && (th->flags & TCPHDR_SYN))
				opt->mss_clamp = (uint16_t)(p[2] << 8 | p[3]);
			break;
		case TCPOPT_WINDOW:
			if (olen == TCPOLEN_WINDOW && (th->flags & TCPHDR_SYN)) {
				opt->wscale_ok = 1;
				/* RFC 7323 2.3: a shift above 14 is used as 14 */
				opt->snd_wscale = p[2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : p[2];
			}
			break;
		case TCPOPT_SACK_PERM:
			if (olen == TCPOLEN_SACK_PERM && (th->flags & TCPHDR_SYN))
				opt->sack_ok = 1;
			break;
		case TCPOPT_SACK:
			if (olen >= 10 && (olen - 2) % 8 == 0) {
				int i, n = (olen - 2) / 8;

				for (i = 0; i < n && i < TCP_MAX_SACKS; i++) {
					opt->sack[i][0] = get_be32(p + 2 + 8 * i);
					opt->sack[i][1] = get_be32(p + 6 + 8 * i);
				}
				opt->num_sacks = (uint8_t)i;
			}
			break;
		case TCPOPT_TIMESTAMP:
			if (olen == TCPOLEN_TIMESTAMP) {
				opt->saw_tstamp = 1;
				opt->rcv_tsval = get_be32(p + 2);
				opt->rcv_tsecr = get_be32(p + 6);
			}
			break;
		default:
			break;
		}
		p += olen;
		len -= olen;
	}
}

/* NOP, NOP, TSopt: 12 bytes, so that what follows stays aligned (RFC 7323 appendix A). */
static unsigned int tcp_ts_option(uint8_t *p, uint32_t tsval, uint32_t tsecr)
{
	p[0] = TCPOPT_NOP;
	p[1] = TCPOPT_NOP;
	p[2] = TCPOPT_TIMESTAMP;
	p[3] = TCPOLEN_TIMESTAMP;
	put_be32(p + 4, tsval);
	put_be32(p + 8, tsecr);
	return TCPOLEN_TSTAMP_ALIGNED;
}

unsigned int tcp_syn_options(uint8_t *p, const struct tcp_syn_opts *o)
{
	unsigned int n = 0;

	p[n++] = TCPOPT_MSS;
	p[n++] = TCPOLEN_MSS;
	p[n++] = o->mss >> 8;
	p[n++] = o->mss & 0xff;
	if (o->sack) {
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_SACK_PERM;
		p[n++] = TCPOLEN_SACK_PERM;
	}
	if (o->wscale_ok) {
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_WINDOW;
		p[n++] = TCPOLEN_WINDOW;
		p[n++] = o->wscale;
	}
	if (o->tstamp)
		n += tcp_ts_option(p + n, o->tsval, o->tsecr);
	return n;
}

/*
 * One island of out-of-order data, [seq, end), into the blocks: blk[0] is
 * the island of the most recent segment, blk[1..] the others, lowest first
 * (at most max).  True when nothing more is needed.
 */
static int tcp_sack_island(const struct tcp_sock *tp, uint32_t blk[][2], int *recent,
			   unsigned int *nrest, unsigned int max, uint32_t seq, uint32_t end)
{
	if (!*recent && between(tp->sack_recent, seq, end - 1)) {
		blk[0][0] = seq;
		blk[0][1] = end;
		*recent = 1;
	} else if (*nrest < max) {
		blk[1 + *nrest][0] = seq;
		blk[1 + *nrest][1] = end;
		++*nrest;
	}
	return *recent && *nrest + 1 >= max;
}

/*
 * RFC 2018 4: SACK blocks describe the out-of-order data; the first block
 * MUST hold the segment that triggered the ACK (wherever it lies in the
 * queue), after a D-SACK block when a duplicate arrived (RFC 2883); then as
 * many other islands as fit, the lowest first, as they are the holes the
 * sender repairs first.  At most `max` blocks.
 */
static unsigned int tcp_sack_options(struct tcp_sock *tp, uint8_t *p, unsigned int max)
{
	uint32_t blk[TCP_MAX_SACKS + 1][2], seq = 0, end = 0;
	unsigned int nrest = 0, nblk, i, n = 0, dsack = tp->dsack;
	int recent = 0, open = 0;
	struct list_head *pos;

	max -= dsack;

	list_for_each (pos, &tp->out_of_order_queue.list) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(list_entry(pos, struct sk_buff, list));

		if (open && !after(cb->seq, end)) {
			end = seq_max(end, cb->end_seq);
			continue;
		}
		if (open && tcp_sack_island(tp, blk, &recent, &nrest, max, seq, end)) {
			open = 0;
			break;
		}
		seq = cb->seq;
		end = cb->end_seq;
		open = 1;
	}
	if (open)
		tcp_sack_island(tp, blk, &recent, &nrest, max, seq, end);
	nblk = (unsigned int)recent + (nrest < max - recent ? nrest : max - recent);
	if (!nblk && !dsack)
		return 0;
	p[n++] = TCPOPT_NOP;
	p[n++] = TCPOPT_NOP;
	p[n++] = TCPOPT_SACK;
	p[n++] = 2 + 8 * (nblk + dsack);
	if (dsack) {
		/* RFC 2883 4: the duplicate first, reported once */
		put_be32(p + n, tp->dsack_seq);
		put_be32(p + n + 4, tp->dsack_end_seq);
		n += 8;
		tp->dsack = 0;
	}
	for (i = recent ? 0 : 1; i < 1 + nblk - recent; i++) {
		put_be32(p + n, blk[i][0]);
		put_be32(p + n + 4, blk[i][1]);
		n += 8;
	}
	return n;
}

/*
 * The options of a segment after the handshake: the timestamps once
 * negotiated (RFC 7323 3.2: in every segment but a RST), echoing
 * TS.Recent, then as many SACK blocks as the 40 bytes leave room for
 * (three beside the timestamps, RFC 2018 3).
 */
unsigned int tcp_established_options(struct tcp_sock *tp, uint8_t *p, uint8_t flags)
{
	unsigned int n = 0;

	if (tp->tstamp_ok && !(flags & TCPHDR_RST))
		n += tcp_ts_option(p, tcp_time_stamp(tp), tp->ts_recent);
	if (tp->sack_ok)
		n += tcp_sack_options(tp, p + n, n ? TCP_MAX_SACKS - 1 : TCP_MAX_SACKS);
	return n;
}

/* RFC 7323 5.4: the TSval clock, milliseconds, with a per-connection offset
 * (its ISN) so that TSvals tell nothing about the host's uptime. */
uint32_t tcp_time_stamp(const struct tcp_sock *tp) { return (uint32_t)jiffies_ms() + tp->iss; }

/*
 * RFC 7323 5.3 R1: a non-RST segment whose TSval is older than TS.Recent
 * is an old duplicate (sequence numbers may have wrapped): not
 * acceptable, unless TS.Recent is over 24 days old (5.5).
 */
int tcp_paws_discard(const struct tcp_sock *tp, const struct tcp_options_received *opt,
		     uint8_t flags)
{
	if (!tp->tstamp_ok || !opt->saw_tstamp || (flags & TCPHDR_RST))
		return 0;
	if (!before(opt->rcv_tsval, tp->ts_recent))
		return 0;
	return jiffies_ms() - tp->ts_recent_stamp <= TCP_PAWS_24DAYS_MS;
}

/*
 * RFC 7323 4.3 (2): an acceptable segment with SEG.TSval >= TS.Recent
 * that starts at or before Last.ACK.sent (rcv_wup: rcv_nxt when we last
 * advertised a window) updates TS.Recent.  So with delayed ACKs the TSval
 * echoed is the one of the earliest segment the ACK covers, and the RTT
 * the peer measures includes the delay.
 */
void tcp_replace_ts_recent(struct tcp_sock *tp, const struct tcp_options_received *opt,
			   uint32_t seq)
{
	if (!tp->tstamp_ok || !opt->saw_tstamp || after(seq, tp->rcv_wup))
		return;
	if (!before(opt->rcv_tsval, tp->ts_recent) ||
	    jiffies_ms() - tp->ts_recent_stamp > TCP_PAWS_24DAYS_MS)
		tcp_store_ts_recent(tp, opt->rcv_tsval);
}

void tcp_store_ts_recent(struct tcp_sock *tp, uint32_t tsval)
{
	tp->ts_recent = tsval;
	tp->ts_recent_stamp = jiffies_ms();
}

/*
 * RFC 7323 4.1: an ACK of new data echoing one of our TSvals gives an RTT
 * sample, for every segment size (the echo is of the segment that made
 * the peer ACK, a 64 KiB GSO packet as well as one MSS) and without
 * Karn's ambiguity for retransmissions (each carries its own TSval).
 * Returns 1 if it took a sample.
 */
int tcp_ts_rtt_sample(struct sock *sk, const struct tcp_options_received *opt)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t rtt;

	if (!tp->tstamp_ok || !opt->saw_tstamp || !opt->rcv_tsecr)
		return 0;
	rtt = tcp_time_stamp(tp) - opt->rcv_tsecr;
	if ((int32_t)rtt < 0)
		return 0; /* an echo from the future: forged or garbled */
	tcp_rtt_sample(sk, rtt);
	return 1;
}
