/*
 * The two light states around a connection: request socks (a SYN
 * received on a listener, SYN-ACK sent, waiting for the ACK: RFC 9293
 * SYN-RECEIVED) and TIME-WAIT (RFC 9293 3.3.2, 3.10.7.4).
 */
#include <limits.h>
#include "net/platform.h"
#include "net/tcp_priv.h"
#include "net/ip.h"

/* Until netctl_apply_boot_params sets it from the memory there is: what
 * tcp_tw_buckets_default gives a 128 MiB machine with 1 KiB socks. */
unsigned int tcp_max_tw_buckets = 16384;
unsigned int tcp_tw_count;

/* The overflow message: at most one line per Linux's net_ratelimit interval. */
#define TCP_TW_WARN_INTERVAL_MS 5000
static uint64_t tw_warned_ms;
static int tw_warned;

/*
 * The request socks of every listener by 4-tuple.  Each segment for a
 * listener looks for its request sock first, and under a SYN flood the SYN
 * queue holds a whole backlog of them (INET_MAX_BACKLOG, 1024): a walk of
 * the queue was a thousand steps for every flood SYN and for the real
 * client's ACK.  Linux keeps them in its established hash for the same
 * reason (inet_ehash_insert of a TCP_NEW_SYN_RECV sock).  The hash is
 * keyed (Linux's inet_ehashfn: jhash with a boot-time secret), so spoofed
 * sources cannot be chosen to share one chain.
 */
#define REQHASH_SIZE 1024 /* a power of two */
static struct list_head reqhash[REQHASH_SIZE];
static uint32_t reqhash_secret;
static int reqhash_ready;

static inline uint32_t rol32(uint32_t w, unsigned int s) { return (w << s) | (w >> (32 - s)); }

/* Bob Jenkins' lookup3 final mix of three words (Linux's jhash_3words). */
static unsigned int reqhashfn(uint32_t laddr, uint32_t raddr, uint16_t lport, uint16_t rport)
{
	uint32_t init = 0xdeadbeefu + (3u << 2) + reqhash_secret;
	uint32_t a = init + laddr, b = init + raddr, c = init + ((uint32_t)lport << 16 | rport);

	c ^= b;
	c -= rol32(b, 14);
	a ^= c;
	a -= rol32(c, 11);
	b ^= a;
	b -= rol32(a, 25);
	c ^= b;
	c -= rol32(b, 16);
	a ^= c;
	a -= rol32(c, 4);
	b ^= a;
	b -= rol32(a, 14);
	c ^= b;
	c -= rol32(b, 24);
	return c & (REQHASH_SIZE - 1);
}

static struct list_head *reqhash_chain(uint32_t laddr, uint32_t raddr, uint16_t lport,
				       uint16_t rport)
{
	unsigned int i;

	if (!reqhash_ready) {
		for (i = 0; i < REQHASH_SIZE; i++)
			INIT_LIST_HEAD(&reqhash[i]);
		net_get_random_bytes(&reqhash_secret, sizeof(reqhash_secret));
		reqhash_ready = 1;
	}
	return &reqhash[reqhashfn(laddr, raddr, lport, rport)];
}

struct request_sock *reqsk_alloc(struct sock *listener)
{
	struct request_sock *req = kzalloc(sizeof(*req));

	if (!req)
		return NULL;
	req->listener = listener;
	INIT_LIST_HEAD(&req->node);
	INIT_LIST_HEAD(&req->hash_node);
	sock_count_inc();
	return req;
}

void reqsk_free(struct request_sock *req)
{
	if (req->rsk_timer.function)
		del_timer(&req->rsk_timer);
	kfree(req);
	sock_count_dec();
}

void inet_csk_reqsk_queue_add(struct sock *listener, struct request_sock *req)
{
	struct request_sock_queue *q = &tcp_sk(listener)->accept_queue;

	list_add_tail(&req->node, &q->syn_queue);
	list_add(&req->hash_node,
		 reqhash_chain(req->loc_addr, req->rmt_addr, req->loc_port, req->rmt_port));
	q->syn_qlen++;
}

void inet_csk_reqsk_queue_drop(struct sock *listener, struct request_sock *req)
{
	list_del(&req->node);
	list_del(&req->hash_node);
	tcp_sk(listener)->accept_queue.syn_qlen--;
	reqsk_free(req);
}

struct request_sock *inet_csk_search_req(struct sock *listener, uint32_t raddr, uint16_t rport,
					 uint32_t laddr)
{
	uint16_t lport = htons(listener->sk_num);
	struct request_sock *req;

	list_for_each_entry (req, reqhash_chain(laddr, raddr, lport, rport), hash_node)
		if (req->listener == listener && req->rmt_addr == raddr && req->rmt_port == rport &&
		    req->loc_addr == laddr && req->loc_port == lport)
			return req;
	return NULL;
}

/*
 * A segment for a request sock (RFC 9293 3.10.7.4 in SYN-RECEIVED).
 * Returns the new child sock when the handshake completes (skb not
 * consumed: the caller passes it to the child), else NULL (skb consumed).
 */
__gdb_visible struct sock *tcp_check_req(struct sock *listener, struct sk_buff *skb,
					 struct request_sock *req)
{
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	uint8_t flags = cb->tcp_flags;
	uint32_t rcv_nxt = req->rcv_isn + 1;
	struct sock *child;

	if (flags & TCPHDR_RST) {
		/* RFC 5961 3.2: only an exact match resets */
		if (cb->seq == rcv_nxt)
			inet_csk_reqsk_queue_drop(listener, req);
		goto drop;
	}
	if (flags & TCPHDR_SYN) {
		/* the peer did not get our SYN-ACK: send it again */
		if (cb->seq == req->rcv_isn && !(flags & TCPHDR_ACK))
			tcp_v4_send_synack(listener, req);
		goto drop;
	}
	if (!(flags & TCPHDR_ACK))
		goto drop;
	if (cb->ack_seq != req->snt_isn + 1) {
		/* RFC 9293: unacceptable ACK in SYN-RECEIVED: <SEQ=SEG.ACK><CTL=RST> */
		tcp_v4_send_reset(listener, skb);
		goto drop;
	}
	if (!between(cb->seq, rcv_nxt, rcv_nxt + listener->sk_rcvbuf))
		goto drop; /* first check: not in the window */

	child = tcp_v4_syn_recv_sock(listener, skb, req);
	if (!child)
		goto drop; /* accept queue full: the SYN-ACK timer retries */
	return inet_csk_complete_hashdance(listener, child, req);
drop:
	kfree_skb(skb);
	return NULL;
}

/* The child takes the segment that completed it; the listener is told. */
int tcp_child_process(struct sock *parent, struct sock *child, struct sk_buff *skb)
{
	sock_hold(child);
	tcp_rcv_state_process(child, skb);
	sk_wake(parent);
	sock_put(child);
	return 0;
}

/*
 * A TIME-WAIT sock is a whole tcp_sock (its queues are empty by then),
 * and kmalloc gives it the next power of two.  TIME-WAIT may use an
 * eighth of the memory: the page allocator's low watermark (mem_pressure)
 * is also an eighth, so TIME-WAIT alone never brings the machine under
 * pressure, and the other three quarters above the watermark stay for
 * live connections and their buffers.  Linux scales its default the same
 * way (half the established hash, which is sized from RAM).  With 128 MiB
 * that is 16384 socks: 8 s of closes at 2000 connections/s instead of
 * the 240,000 that 120 s of TIME-WAIT would hold.
 */
unsigned int tcp_tw_buckets_default(uint64_t ram_bytes)
{
	uint64_t cost = 1, n;

	while (cost < sizeof(struct tcp_sock))
		cost <<= 1;
	n = ram_bytes / 8 / cost;
	return n > INT_MAX ? INT_MAX : (unsigned int)n;
}

/* Linux's "TCP: time wait bucket table overflow", printed at most once per
 * interval: from the softirq a printk never waits for the console (the
 * serial side drops and counts what it has no room for). */
static void tcp_tw_overflow_warn(void)
{
	uint64_t now = jiffies_ms();

	if (tw_warned && now - tw_warned_ms < TCP_TW_WARN_INTERVAL_MS)
		return;
	tw_warned = 1;
	tw_warned_ms = now;
	printk("TCP: time wait bucket table overflow (%llu in all)\n",
	       (unsigned long long)tcp_statistics.time_wait_overflow);
}

/*
 * Enter TIME-WAIT for 2*MSL (RFC 9293 3.3.2).  With tcp_max_tw_buckets
 * socks in TIME-WAIT already, the connection is closed at once instead,
 * as Linux's tcp_time_wait does (TCPTimeWaitOverflow): our FIN is acked
 * and the peer's FIN was acked just before, so only TIME-WAIT's guard is
 * lost -- a retransmitted FIN (our ACK lost) is answered with RST instead
 * of ACK, and old duplicates of this connection are no longer held off
 * from a new one on the same four ports (RFC 9293 3.6, the hazards RFC
 * 1337 describes).  That is the price of bounding the memory TIME-WAIT
 * holds; a bound that is never reached costs nothing.
 */
void tcp_time_wait(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tcp_tw_count >= tcp_max_tw_buckets) {
		tcp_statistics.time_wait_overflow++;
		tcp_tw_overflow_warn();
		tcp_done(sk);
		return;
	}
	tcp_set_state(sk, TCP_TIME_WAIT);
	del_timer(&tp->retransmit_timer);
	del_timer(&tp->delack_timer);
	tp->icsk_pending = 0;
	skb_queue_purge(&sk->sk_write_queue);
	sk->sk_wmem_queued = 0;
	skb_queue_purge(&tp->out_of_order_queue);
	sk->sk_shutdown = SHUTDOWN_MASK;
	mod_timer(&tp->tw_timer, jiffies_ms() + 2ULL * tcp_msl_ms);
}

/*
 * A segment for a TIME-WAIT sock.  A retransmitted FIN is acknowledged
 * and restarts the 2*MSL timer; RSTs are ignored (RFC 1337); a new SYN
 * above the old sequence space may reopen the pair (RFC 6191, RFC 1122
 * 4.2.2.13): returns 1 then.  The caller frees skb.
 */
int tcp_timewait_state_process(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	uint8_t flags = cb->tcp_flags;

	if (flags & TCPHDR_RST)
		return 0;
	if (flags & TCPHDR_SYN) {
		if (!(flags & TCPHDR_ACK) && after(cb->seq, tp->rcv_nxt))
			return 1;
		tcp_send_challenge_ack(sk);
		return 0;
	}
	if ((flags & TCPHDR_FIN) && cb->end_seq == tp->rcv_nxt) {
		tcp_send_ack(sk);
		mod_timer(&tp->tw_timer, jiffies_ms() + 2ULL * tcp_msl_ms);
		return 0;
	}
	if (cb->end_seq != cb->seq || cb->seq != tp->rcv_nxt)
		tcp_send_ack(sk);
	return 0;
}

/* LISTEN, a SYN (RFC 9293 3.10.7.2 third check): make a request sock, send SYN-ACK. */
__gdb_visible int tcp_conn_request(struct sock *listener, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct tcp_options_received opt;
	struct request_sock *req, cookie_req;
	int want_cookie;

	if (sk_acceptq_is_full(listener)) {
		tcp_statistics.listen_overflows++;
		tcp_statistics.syn_drops++;
		goto drop;
	}
	/* RFC 4987 3.6: SYN queue full, answer with a cookie and keep nothing */
	want_cookie =
		tcp_syncookies == 2 || (tcp_syncookies && inet_csk_reqsk_queue_is_full(listener));
	/* without cookies, the oldest request makes room (a flood cannot
	 * lock out a client that completes its handshake in time) */
	if (!want_cookie && inet_csk_reqsk_queue_is_full(listener)) {
		struct request_sock_queue *q = &tcp_sk(listener)->accept_queue;
		struct request_sock *old =
			list_first_entry(&q->syn_queue, struct request_sock, node);

		tcp_statistics.syn_drops++;
		inet_csk_reqsk_queue_drop(listener, old);
	}
	/* memory short: refused as if the queue were full, the client's SYN
	 * retransmission tries again (Linux's tcp_conn_request drops too) */
	if (net_mem_pressure())
		goto nomem;
	if (want_cookie) {
		memset(&cookie_req, 0, sizeof(cookie_req));
		cookie_req.listener = listener;
		req = &cookie_req;
	} else {
		req = reqsk_alloc(listener);
		if (!req)
			goto nomem;
	}
	tcp_parse_options(skb, &opt);
	req->loc_addr = iph->daddr;
	req->rmt_addr = iph->saddr;
	req->loc_port = th->dest;
	req->rmt_port = th->source;
	req->rcv_isn = cb->seq;
	/* a cookie is the ISN itself (cookie_v4_init_sequence): no second hash */
	if (!want_cookie)
		req->snt_isn = tcp_v4_init_sequence(iph->daddr, iph->saddr, th->dest, th->source);
	req->mss = opt.mss_clamp;
	req->wscale_ok = opt.wscale_ok;
	req->snd_wscale = opt.wscale_ok ? opt.snd_wscale : 0;
	req->rcv_wscale = opt.wscale_ok ? tcp_rcv_wscale(listener) : 0;
	req->sack_ok = opt.sack_ok;
	req->tstamp_ok = opt.saw_tstamp; /* RFC 7323 3.2: answered only if offered */
	req->ts_recent = opt.rcv_tsval;
	req->snd_wnd = cb->window;
	if (want_cookie) {
		cookie_v4_init_sequence(listener, req);
		tcp_v4_send_synack(listener, req);
		goto drop;
	}
	inet_csk_reqsk_queue_add(listener, req);
	tcp_statistics.passive_opens++;
	tcp_v4_send_synack(listener, req);
	tcp_reqsk_timer_arm(req);
	goto drop;
nomem:
	tcp_statistics.mem_refusals++;
	tcp_statistics.syn_drops++;
drop:
	kfree_skb(skb);
	return 0;
}
