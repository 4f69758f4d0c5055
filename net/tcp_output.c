/*
 * Building and sending segments: the header and options, the receive
 * window we advertise, the send loop (congestion window, peer window,
 * Nagle, sender SWS avoidance), retransmission, ACKs, FIN, RST and
 * zero-window probes.
 */
#include "net/platform.h"
#include "net/tcp_priv.h"
#include "net/ip.h"
#include "net/pktstat.h"

unsigned int tcp_bytes_in_flight(const struct tcp_sock *tp) { return tp->snd_nxt - tp->snd_una; }

/*
 * RFC 6675 2 and 4 "pipe": of the segments sent, those not SACKed count
 * once unless taken as lost, and once more while a retransmission of them
 * is in flight.  After an RTO every unSACKed segment is lost, so segments
 * between snd_nxt and snd_max count only as they are sent again.
 */
uint32_t tcp_pipe(const struct sock *sk)
{
	const struct list_head *pos;
	uint32_t pipe = 0;

	list_for_each (pos, &sk->sk_write_queue.list) {
		const struct tcp_skb_cb *cb = TCP_SKB_CB(list_entry(pos, struct sk_buff, list));
		uint32_t len = cb->end_seq - cb->seq;

		if (!(cb->sacked & TCPCB_EVER_SENT))
			break;
		if (cb->sacked & TCPCB_SACKED)
			continue;
		if (!(cb->sacked & TCPCB_LOST))
			pipe += len;
		if (cb->sacked & TCPCB_RETRANS)
			pipe += len;
	}
	return pipe;
}

/* RFC 7323 2.3: the smallest shift that lets the window cover the buffer. */
uint8_t tcp_select_rcv_wscale(uint32_t space)
{
	uint8_t ws = 0;

	while (ws < TCP_MAX_WSCALE && (65535U << ws) < space)
		ws++;
	return ws;
}

static unsigned int tcp_ooo_bytes(const struct tcp_sock *tp)
{
	const struct list_head *pos;
	unsigned int n = 0;

	list_for_each (pos, &tp->out_of_order_queue.list)
		n += list_entry(pos, struct sk_buff, list)->len;
	return n;
}

/* Free receive buffer space, in bytes. */
uint32_t tcp_receive_space(const struct sock *sk)
{
	unsigned int used = sk->sk_rmem_queued + tcp_ooo_bytes(tcp_sk(sk));

	return used >= sk->sk_rcvbuf ? 0 : sk->sk_rcvbuf - used;
}

/*
 * The window to advertise.  It never moves the right edge back (RFC 9293
 * 3.8.6.2.2: shrinking is strongly discouraged) and it grows only in steps
 * of min(buffer/2, MSS) (receiver-side silly window avoidance).
 */
uint32_t tcp_select_window(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t cur = tcp_receive_window(tp), space = tcp_receive_space(sk), win;
	uint32_t step = seq_min(sk->sk_rcvbuf / 2, tp->advmss ? tp->advmss : TCP_MSS_DEFAULT);
	uint32_t max = 65535U << tp->rcv_wscale;
	uint32_t unit = 1U << tp->rcv_wscale;

	if (space > max)
		space = max;
	if (space >= cur + step || (space > cur && space == sk->sk_rcvbuf))
		win = space & ~(unit - 1);
	else
		win = cur;
	if (win < cur)
		win = cur;
	if (win & (unit - 1))
		win = (win + unit - 1) & ~(unit - 1);
	if (win > max)
		win = max;
	tp->rcv_wnd = win;
	tp->rcv_wup = tp->rcv_nxt;
	return win;
}

/*
 * The skb that carries `data`'s payload down the stack.  The queued skb
 * stays for retransmission; what goes down is a clone over the same bytes
 * (skb_clone), whose headers are pushed into the headroom every queued
 * skb keeps (MAX_HEADER_LEN) without touching the payload the two share.
 * If an earlier clone is still out (in a driver's TX ring, an ARP queue,
 * loopback's backlog or a receiver's queue), that headroom is in use: the
 * segment is a private copy then, as Linux's __tcp_transmit_skb takes
 * pskb_copy of a still-cloned skb.  Without payload: a fresh skb.
 */
static struct sk_buff *tcp_segment_skb(struct sk_buff *data)
{
	struct sk_buff *skb;

	if (data && data->len)
		return skb_cloned(data) ? skb_copy(data) : skb_clone(data);
	skb = alloc_skb(MAX_HEADER_LEN);
	if (skb)
		skb_reserve(skb, MAX_HEADER_LEN);
	return skb;
}

/* Builds and sends one segment of sk: header, options, the payload of `data`, checksum. */
__gdb_visible int tcp_transmit_skb(struct sock *sk, struct sk_buff *data, uint32_t seq,
				   uint8_t flags)
{
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned int plen = data ? data->len : 0, optlen;
	uint8_t opts[TCP_MAX_OPT_LEN];
	struct sk_buff *skb;
	struct tcphdr *th;
	uint32_t win;

	if (flags & TCPHDR_SYN) {
		/* SYN: offer what we do (timestamps if tcp_timestamps_offer);
		 * SYN-ACK of a simultaneous open: what the peer offered */
		int offer = sk->sk_state == TCP_SYN_SENT;
		struct tcp_syn_opts so = {
			.mss = tp->advmss,
			.sack = 1,
			.wscale_ok = offer || tp->wscale_ok,
			.wscale = tp->rcv_wscale,
			.tstamp = (offer && tcp_timestamps_offer) || tp->tstamp_ok,
			.tsval = tcp_time_stamp(tp),
			.tsecr = tp->tstamp_ok ? tp->ts_recent : 0,
		};

		optlen = tcp_syn_options(opts, &so);
	} else {
		optlen = tcp_established_options(tp, opts, flags);
	}

	skb = tcp_segment_skb(data);
	if (!skb)
		return -ENOBUFS;
	memcpy(skb_push(skb, optlen), opts, optlen);
	th = (struct tcphdr *)skb_push(skb, sizeof(*th));
	skb_reset_transport_header(skb);
	memset(th, 0, sizeof(*th));
	th->source = htons(sk->sk_num);
	th->dest = sk->sk_dport;
	th->seq = htonl(seq);
	th->doff_res = ((sizeof(*th) + optlen) / 4) << 4;
	th->flags = flags;
	if (flags & TCPHDR_ACK)
		th->ack_seq = htonl(tp->rcv_nxt);

	win = tcp_select_window(sk);
	if (flags & TCPHDR_SYN)
		th->window = htons(win > 65535 ? 65535 : win); /* RFC 7323 2.2: never scaled */
	else
		th->window = htons(win >> tp->rcv_wscale);
	tcp_v4_fill_check(skb, sk->sk_rcv_saddr, sk->sk_daddr);
	if (plen > tp->mss_cache) {
		/* more than one segment: the device or software GSO cuts it */
		skb->gso_size = tp->mss_cache;
		skb->gso_segs = (plen + tp->mss_cache - 1) / tp->mss_cache;
		skb->gso_type = SKB_GSO_TCPV4;
	}

	if (flags & TCPHDR_ACK) {
		tp->ack_pending = 0;
		tp->segs_unacked = 0;
		del_timer(&tp->delack_timer);
	}
	if (flags & TCPHDR_RST)
		tcp_statistics.out_rsts++;
	tcp_statistics.out_segs++;
	tcp_trace_segment(sk, skb, sk->sk_rcv_saddr, sk->sk_daddr, 1);
	return ip_queue_xmit_dst(skb, &sk->sk_dst_cache, sk->sk_rcv_saddr, sk->sk_daddr,
				 IPPROTO_TCP);
}

static uint8_t tcp_skb_flags(const struct sock *sk, const struct sk_buff *skb)
{
	uint8_t flags = TCP_SKB_CB(skb)->tcp_flags;

	/* every segment but the first SYN carries an ACK (RFC 9293 3.10.7) */
	if (sk->sk_state != TCP_SYN_SENT)
		flags |= TCPHDR_ACK;
	if (skb->len)
		flags |= TCPHDR_PSH;
	return flags;
}

/*
 * kmalloc serves requests above 2 KiB with whole pages in power-of-two
 * runs and a 16-byte header: a queue skb's buffer (headroom, payload)
 * stays inside 64 KiB so that it takes 16 pages, not 32.
 */
#define TCP_SKB_MAX_PAYLOAD (65536U - 256U)

/* Linux's tcp_xmit_size_goal: whole segments up to the device's GSO limit. */
uint32_t tcp_xmit_size_goal(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	uint32_t mss = tp->mss_cache, goal = tp->gso_max_size;

	if (!(tp->route_caps & NETIF_F_TSO) || !mss)
		return mss;
	if (goal > 65535)
		goal = 65535; /* one IP datagram (RFC 791 3.1: 16-bit total length) */
	if (goal < sizeof(struct iphdr) + sizeof(struct tcphdr) + TCP_MAX_OPT_LEN + mss)
		return mss;
	goal -= sizeof(struct iphdr) + sizeof(struct tcphdr) + TCP_MAX_OPT_LEN;
	if (goal > TCP_SKB_MAX_PAYLOAD)
		goal = TCP_SKB_MAX_PAYLOAD;
	return goal - goal % mss;
}

void tcp_sync_mss(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t mss = tp->rx_opt_mss ? tp->rx_opt_mss : TCP_MSS_DEFAULT;

	if (tp->advmss && mss > tp->advmss)
		mss = tp->advmss;
	/* the MSS option counts no TCP options: the timestamps every segment
	 * carries come out of the payload (RFC 7323 3.2, RFC 6691) */
	if (tp->tstamp_ok)
		mss -= TCPOLEN_TSTAMP_ALIGNED;
	if (mss < TCP_MSS_MIN)
		mss = TCP_MSS_MIN;
	tp->mss_cache = (uint16_t)mss;
}

/* Queues the SYN and sends it (RFC 9293 3.10.1, OPEN call in CLOSED). */
__gdb_visible int tcp_connect(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;

	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->rack_fack = tp->rack_fack_prior = tp->iss;
	tp->write_seq = tp->iss + 1;
	tp->snd_wnd = 0;
	tp->rcv_nxt = 0;
	tp->rcv_wscale = tcp_rcv_wscale(sk);
	tp->rcv_wnd = 0;
	tp->rcv_wup = 0;
	tp->rx_opt_mss = 0;
	tcp_sync_mss(sk);
	tcp_cong_init(sk);

	skb = alloc_skb(1);
	if (!skb)
		return -ENOBUFS;
	TCP_SKB_CB(skb)->seq = tp->iss;
	TCP_SKB_CB(skb)->end_seq = tp->iss + 1;
	TCP_SKB_CB(skb)->tcp_flags = TCPHDR_SYN;
	TCP_SKB_CB(skb)->sacked = 0;
	skb_queue_tail(&sk->sk_write_queue, skb);
	tcp_write_xmit(sk);
	return 0;
}

/* The SYN-ACK for a request sock (RFC 9293 3.10.7.2, LISTEN state, third check). */
struct sk_buff *tcp_make_synack(const struct sock *listener, struct request_sock *req)
{
	uint8_t opts[TCP_MAX_OPT_LEN];
	struct sk_buff *skb;
	struct tcphdr *th;
	unsigned int optlen;
	uint32_t win = listener->sk_rcvbuf;

	struct tcp_syn_opts so = {
		.mss = tcp_mss_for_route(req->rmt_addr),
		.sack = req->sack_ok,
		.wscale_ok = req->wscale_ok,
		.wscale = req->rcv_wscale,
		.tstamp = req->tstamp_ok,
		/* the clock tcp_time_stamp gives the child, whose ISN is snt_isn;
		 * a cookie's TSval carries options in its low bits */
		.tsval = req->syncookie ? req->ts_cookie : (uint32_t)jiffies_ms() + req->snt_isn,
		.tsecr = req->ts_recent,
	};

	optlen = tcp_syn_options(opts, &so);
	skb = alloc_skb(MAX_HEADER_LEN + TCP_CTL_TAILROOM);
	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_HEADER_LEN);
	memcpy(skb_push(skb, optlen), opts, optlen);
	th = (struct tcphdr *)skb_push(skb, sizeof(*th));
	skb_reset_transport_header(skb);
	memset(th, 0, sizeof(*th));
	th->source = req->loc_port;
	th->dest = req->rmt_port;
	th->seq = htonl(req->snt_isn);
	th->ack_seq = htonl(req->rcv_isn + 1);
	th->doff_res = ((sizeof(*th) + optlen) / 4) << 4;
	th->flags = TCPHDR_SYN | TCPHDR_ACK;
	th->window = htons(win > 65535 ? 65535 : win);
	tcp_v4_fill_check(skb, req->loc_addr, req->rmt_addr);
	tcp_statistics.out_segs++;
	tcp_trace_segment(listener, skb, req->loc_addr, req->rmt_addr, 1);
	return skb;
}

void tcp_send_ack(struct sock *sk)
{
	uint64_t t0;

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
		return;
	t0 = pktstat_start();
	tcp_transmit_skb(sk, NULL, tcp_sk(sk)->snd_nxt, TCPHDR_ACK);
	pktstat_end(NETCTL_PKTSTAT_ack_xmit, t0, 0);
}

/* RFC 1122 4.2.3.2 / RFC 5681 4.2: an ACK may wait, but not long (< 500 ms). */
void tcp_send_delayed_ack(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->ack_pending = 1;
	if (!timer_pending(&tp->delack_timer))
		mod_timer(&tp->delack_timer, jiffies_ms() + tcp_delack_ms);
}

void tcp_send_active_reset(struct sock *sk)
{
	tcp_transmit_skb(sk, NULL, tcp_sk(sk)->snd_nxt, TCPHDR_RST | TCPHDR_ACK);
}

/* Queues a FIN behind the data (RFC 9293 3.10.4, CLOSE call) and pushes it. */
void tcp_send_fin(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *tail = NULL;

	if (skb_queue_len(&sk->sk_write_queue))
		tail = list_entry(sk->sk_write_queue.list.prev, struct sk_buff, list);

	if (tp->fin_queued)
		return;
	if (tail && !(TCP_SKB_CB(tail)->sacked & TCPCB_EVER_SENT) &&
	    !(TCP_SKB_CB(tail)->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN))) {
		TCP_SKB_CB(tail)->tcp_flags |= TCPHDR_FIN;
		TCP_SKB_CB(tail)->end_seq++;
	} else {
		struct sk_buff *skb = alloc_skb(1);

		if (!skb) {
			/* no memory for the FIN: abort rather than hang in a
			 * FIN state no timer would end (RFC 9293 3.10.5 ABORT) */
			tcp_send_active_reset(sk);
			tcp_done(sk);
			return;
		}
		TCP_SKB_CB(skb)->seq = tp->write_seq;
		TCP_SKB_CB(skb)->end_seq = tp->write_seq + 1;
		TCP_SKB_CB(skb)->tcp_flags = TCPHDR_FIN;
		TCP_SKB_CB(skb)->sacked = 0;
		skb_queue_tail(&sk->sk_write_queue, skb);
	}
	tp->write_seq++;
	tp->fin_queued = 1;
	tcp_push(sk);
}

int tcp_fragment(struct sock *sk, struct sk_buff *skb, unsigned int len)
{
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb), *ncb;
	unsigned int rest = skb->len - len;
	struct sk_buff *nskb = alloc_skb(MAX_HEADER_LEN + rest);

	if (!nskb)
		return -ENOBUFS;
	skb_reserve(nskb, MAX_HEADER_LEN);
	memcpy(skb_put(nskb, rest), skb->data + len, rest);
	skb_trim(skb, len);
	ncb = TCP_SKB_CB(nskb);
	ncb->seq = cb->seq + len;
	ncb->end_seq = cb->end_seq;
	ncb->tcp_flags = cb->tcp_flags & TCPHDR_FIN;
	ncb->sacked = cb->sacked;
	ncb->xmit_order = cb->xmit_order;
	ncb->xmit_ms = cb->xmit_ms;
	cb->tcp_flags &= ~TCPHDR_FIN;
	cb->end_seq = cb->seq + len;
	list_add(&nskb->list, &skb->list);
	sk->sk_write_queue.qlen++;
	return 0;
}

static void tcp_skb_sent(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	uint64_t now = jiffies_ms();

	if (cb->sacked & TCPCB_EVER_SENT) {
		tp->total_retrans++;
		tcp_statistics.retrans_segs++;
		tp->rtt_start = 0; /* Karn: no sample while retransmitting */
		/* a resend replaces a transmission taken as lost */
		cb->sacked |= TCPCB_LOST | TCPCB_RETRANS | TCPCB_EVER_RETRANS;
	} else if (!tp->rtt_start) {
		tp->rtt_seq = cb->end_seq;
		tp->rtt_start = now;
	}
	cb->sacked |= TCPCB_EVER_SENT;
	cb->xmit_order = ++tp->xmit_count;
	cb->xmit_ms = (uint32_t)now;
	if (!timer_pending(&tp->retransmit_timer) || tp->icsk_pending == ICSK_TIME_PROBE0)
		tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto_ms);
}

/*
 * Sends what the windows allow, starting at snd_nxt.  Returns the number
 * of segments sent.
 */
/*
 * The window new data may fill: cwnd, plus one segment for each of the
 * first two duplicate ACKs (Limited Transmit, RFC 3042), so that a small
 * window still draws the three duplicates fast retransmit needs.
 */
static uint32_t tcp_send_cwnd(const struct tcp_sock *tp)
{
	/* with SACK the pipe leaves out what the duplicates SACKed already */
	if (!tp->sack_ok && !tp->in_recovery && tp->dupacks > 0 && tp->dupacks < 3)
		return tp->snd_cwnd + tp->dupacks * (uint32_t)tp->mss_cache;
	return tp->snd_cwnd;
}

/*
 * How much of a len-byte skb the congestion window lets out now, in
 * *limit: all of it if it fits, else the whole segments that fit, up to
 * the size goal.  With nothing in flight one segment always may go.
 * Returns 0 if nothing may.
 */
static int tcp_cwnd_test(const struct sock *sk, uint32_t in_flight, uint32_t len, uint32_t *limit)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	uint32_t cwnd = tcp_send_cwnd(tp), goal = tcp_xmit_size_goal(sk);
	uint32_t room = cwnd > in_flight ? cwnd - in_flight : 0;

	if (!in_flight && room < tp->mss_cache)
		room = tp->mss_cache;
	if (len <= room && len <= goal) {
		*limit = len;
		return 1;
	}
	room -= room % tp->mss_cache;
	*limit = room < goal ? room : goal;
	return *limit != 0;
}

static void tcp_event_new_data_sent(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tcp_skb_sent(sk, skb);
	tp->snd_nxt = TCP_SKB_CB(skb)->end_seq;
	if (after(tp->snd_nxt, tp->snd_max))
		tp->snd_max = tp->snd_nxt;
}

int tcp_write_xmit(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct list_head *pos;
	int sent = 0;
	/* what is in the network: RFC 6675 pipe with SACK, else all outstanding */
	uint32_t in_flight = tp->sack_ok ? tcp_pipe(sk) : tcp_bytes_in_flight(tp);

	tcp_v4_check_route_mtu(sk);
	list_for_each (pos, &sk->sk_write_queue.list) {
		struct sk_buff *skb = list_entry(pos, struct sk_buff, list);
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
		uint32_t wnd_end = tp->snd_una + tp->snd_wnd, limit;

		if (!after(cb->end_seq, tp->snd_nxt))
			continue; /* already in flight */
		if ((cb->sacked & TCPCB_SACKED) && cb->seq == tp->snd_nxt) {
			tp->snd_nxt = cb->end_seq; /* the peer has it: no resend */
			continue;
		}
		if (after(tp->snd_nxt, cb->seq)) {
			/* snd_nxt fell inside it (a partial ACK trimmed nothing) */
			if (tcp_fragment(sk, skb, tp->snd_nxt - cb->seq) < 0)
				break;
			continue;
		}
		if (!tcp_cwnd_test(sk, in_flight, skb->len, &limit))
			break; /* RFC 5681: cwnd */
		if (skb->len > limit && tcp_fragment(sk, skb, limit) < 0)
			break;
		if (!(cb->tcp_flags & TCPHDR_SYN) && after(cb->end_seq, wnd_end)) {
			/* the peer's window: send a part only if it is not silly
			 * (RFC 9293 3.8.6.2.1); a GSO packet stops at a segment
			 * boundary (Linux's tcp_mss_split_point) */
			uint32_t avail = after(wnd_end, cb->seq) ? wnd_end - cb->seq : 0;

			if (avail == 0 || avail >= skb->len)
				break;
			if (avail < tp->mss_cache && avail < tp->max_window / 2)
				break;
			if (avail > tp->mss_cache)
				avail -= avail % tp->mss_cache;
			if (tcp_fragment(sk, skb, avail) < 0)
				break;
		}
		/* Nagle (RFC 896, RFC 9293 3.7.4): one small segment in flight */
		if (skb->len < tp->mss_cache && in_flight && !sock_flag(sk, SOCK_NODELAY) &&
		    !(cb->tcp_flags & TCPHDR_FIN) && pos->next == &sk->sk_write_queue.list)
			break;

		if (tcp_transmit_skb(sk, skb, cb->seq, tcp_skb_flags(sk, skb)) == -ENOBUFS)
			break;
		tcp_event_new_data_sent(sk, skb);
		in_flight += cb->end_seq - cb->seq;
		sent++;
	}
	if (sent)
		tcp_schedule_loss_probe(sk); /* RFC 8985 7.2: after new data */
	return sent;
}

/* Sends the queued data and, if the peer's window holds it back, arms the persist timer. */
void tcp_push(struct sock *sk)
{
	if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV ||
	    sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
		return;
	tcp_write_xmit(sk);
	tcp_check_probe_timer(sk);
}

/*
 * Resends skb.  A GSO-sized one is cut to its first segment first, as
 * Linux does for a retransmission of one segment: a loss is repaired one
 * MSS at a time and the rest stays queued behind it.
 */
int tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	int err;

	if (skb->len > tcp_sk(sk)->mss_cache && tcp_fragment(sk, skb, tcp_sk(sk)->mss_cache) < 0)
		return -ENOBUFS;

	err = tcp_transmit_skb(sk, skb, cb->seq, tcp_skb_flags(sk, skb));
	if (err == -ENOBUFS)
		return err;
	tcp_skb_sent(sk, skb);
	return 0;
}

/*
 * RFC 6675 5 (C) with NextSeg rule (1): the first segments taken as lost
 * (tcp_input.c marks them) and not yet resent, while cwnd - pipe >= SMSS.
 * New data (rule (2)) follows in tcp_write_xmit with the same pipe.
 */
int tcp_xmit_recovery(struct sock *sk, int force)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t pipe = tcp_pipe(sk);
	struct list_head *pos;
	int sent = 0;

	list_for_each (pos, &sk->sk_write_queue.list) {
		struct sk_buff *skb = list_entry(pos, struct sk_buff, list);
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (!(cb->sacked & TCPCB_EVER_SENT) || !before(cb->seq, tp->snd_nxt))
			break;
		if ((cb->sacked & (TCPCB_LOST | TCPCB_SACKED | TCPCB_RETRANS)) != TCPCB_LOST)
			continue;
		if (!(force && !sent) && pipe + tp->mss_cache > tp->snd_cwnd)
			break;
		if (tcp_retransmit_skb(sk, skb) < 0)
			break;
		pipe += cb->end_seq - cb->seq;
		sent++;
	}
	return sent;
}

/*
 * RFC 8985 7.2: a tail loss probe is scheduled on a SACK connection with
 * data outstanding, none of it SACKed, and no probe out since snd_una last
 * moved.  PTO = 2*SRTT, plus the worst-case delayed ACK when a single
 * segment is out (the peer may hold its ACK), and never later than the RTO.
 * Unlike RFC 8985 (and Linux), a probe is also scheduled in SACK recovery:
 * when the pipe fills cwnd and the last retransmissions or their ACKs are
 * lost, nothing else would be sent and only the RTO (200 ms or more, many
 * RTTs here) would end the stall; one probe per stall draws the SACK that
 * RACK needs to find the lost retransmissions.
 */
int tcp_schedule_loss_probe(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	const struct list_head *pos;
	uint32_t pto, flight = tp->snd_max - tp->snd_una;

	if (!tp->sack_ok || tp->tlp_out || !flight || !tp->srtt_ms8 ||
	    tp->icsk_pending == ICSK_TIME_PROBE0 || tp->icsk_pending == ICSK_TIME_REO_TIMEOUT ||
	    sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV)
		return 0;
	list_for_each (pos, &sk->sk_write_queue.list) {
		const struct tcp_skb_cb *cb = TCP_SKB_CB(list_entry(pos, struct sk_buff, list));

		if (!(cb->sacked & TCPCB_EVER_SENT) || tp->in_recovery)
			break;
		if (cb->sacked & (TCPCB_SACKED | TCPCB_LOST))
			return 0;
	}
	pto = 2 * (tp->srtt_ms8 >> 3);
	pto += flight <= tp->mss_cache ? TCP_TLP_WCDELACK_MS : TCP_TLP_MIN_MS;
	if (pto >= tp->rto_ms)
		return 0;
	tcp_reset_xmit_timer(sk, ICSK_TIME_LOSS_PROBE, pto);
	return 1;
}

/*
 * RFC 8985 7.3: the PTO fired.  New data if there is some and the peer's
 * window takes it, else the highest segment sent and not SACKed again;
 * either draws an ACK whose SACK blocks show what was lost.  Then the RTO.
 */
void tcp_send_loss_probe(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct list_head *pos;
	struct sk_buff *last = NULL;

	tp->icsk_pending = 0;
	list_for_each (pos, &sk->sk_write_queue.list) {
		struct sk_buff *skb = list_entry(pos, struct sk_buff, list);
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (!after(cb->end_seq, tp->snd_nxt)) {
			if (!(cb->sacked & TCPCB_SACKED))
				last = skb;
			continue;
		}
		if (skb->len > tp->mss_cache && tcp_fragment(sk, skb, tp->mss_cache) < 0)
			break;
		if (after(cb->end_seq, tp->snd_una + tp->snd_wnd))
			break;
		if (tcp_transmit_skb(sk, skb, cb->seq, tcp_skb_flags(sk, skb)) == -ENOBUFS)
			break;
		tcp_event_new_data_sent(sk, skb);
		last = NULL;
		break;
	}
	/* the highest segment: the last MSS of a GSO-sized skb, not its first */
	if (last && last->len > tp->mss_cache &&
	    tcp_fragment(sk, last, (last->len - 1) / tp->mss_cache * tp->mss_cache) == 0)
		last = list_entry(last->list.next, struct sk_buff, list);
	if (last)
		tcp_retransmit_skb(sk, last);
	tcp_statistics.loss_probes++;
	tp->tlp_out = 1;
	tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto_ms);
}

/*
 * RFC 9293 3.8.6.1: with a zero window the sender probes.  Like Linux, the
 * probe is an ACK for an old sequence number (snd_una - 1), which the peer
 * must answer with an ACK carrying its current window.
 */
void tcp_send_probe0(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tcp_transmit_skb(sk, NULL, tp->snd_una - 1, TCPHDR_ACK);
	tp->probes_out++;
}

/*
 * The persist timer fired: if the window has opened a little, send what
 * fits even if it is small (the timeout overrides silly window avoidance,
 * RFC 9293 3.8.6.2.1); with a zero window send a probe.
 */
void tcp_write_wakeup(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t wnd_end = tp->snd_una + tp->snd_wnd;
	struct list_head *pos;

	list_for_each (pos, &sk->sk_write_queue.list) {
		struct sk_buff *skb = list_entry(pos, struct sk_buff, list);
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
		uint32_t avail;

		if (!after(cb->end_seq, tp->snd_nxt))
			continue;
		avail = after(wnd_end, cb->seq) ? wnd_end - cb->seq : 0;
		if (!avail)
			break;
		if (avail > tp->mss_cache)
			avail = tp->mss_cache;
		if (skb->len > avail && tcp_fragment(sk, skb, avail) < 0)
			return;
		if (tcp_transmit_skb(sk, skb, cb->seq, tcp_skb_flags(sk, skb)) == -ENOBUFS)
			return;
		tcp_event_new_data_sent(sk, skb);
		return;
	}
	tcp_send_probe0(sk);
}

void tcp_check_probe_timer(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	struct list_head *pos;
	int unsent = 0;

	if (tcp_bytes_in_flight(tp) || timer_pending(&tp->retransmit_timer))
		return;
	list_for_each (pos, &sk->sk_write_queue.list) {
		skb = list_entry(pos, struct sk_buff, list);
		if (after(TCP_SKB_CB(skb)->end_seq, tp->snd_nxt))
			unsent = 1;
	}
	if (!unsent)
		return;
	tcp_reset_xmit_timer(sk, ICSK_TIME_PROBE0, tp->rto_ms);
}
