/*
 * SYN cookies (RFC 4987 3.6): when a listener's SYN queue is full, the
 * SYN-ACK keeps nothing on our side.  Its ISN carries a keyed hash of the
 * 4-tuple and of a coarse time counter, plus an index into a table of
 * MSS values; a returning ACK whose acknowledgment number is such a
 * cookie + 1 makes the connection as if its request sock had waited in
 * the queue.  The layout follows Linux's net/ipv4/syncookies.c:
 *
 *   cookie = H(tuple, 0) + client ISN + (count << 24)
 *            + ((H(tuple, count, 1) + mss index) mod 2^24)
 *
 * What the ISN cannot hold -- window scale and SACK-permitted -- travels
 * in the low bits of our TSval when the client sent timestamps, and comes
 * back in its TSecr; without timestamps the connection has neither.
 */
#include "net/platform.h"
#include "net/tcp_priv.h"
#include "net/ip.h"

unsigned int tcp_syncookies = 1;

#define COOKIEBITS	     24
#define COOKIEMASK	     ((1u << COOKIEBITS) - 1)
#define TCP_COOKIE_PERIOD_MS 60000U /* the counter ticks once a minute (Linux) */
#define MAX_SYNCOOKIE_AGE    2	    /* a cookie is good for this many ticks */

/* The low TSval bits of a cookie SYN-ACK (Linux's TS_OPT_*). */
#define TSBITS		   6
#define TSMASK		   ((1u << TSBITS) - 1)
#define TS_OPT_WSCALE_MASK 0xfu /* the peer's shift; 0xf: no window scaling */
#define TS_OPT_SACK	   (1u << 4)

/*
 * The MSS values a cookie can say, two bits of index (Linux's msstab):
 * the minimum, and the values of common paths (tunnels, PPPoE, Ethernet).
 */
static const uint16_t msstab[] = {536, 1300, 1440, 1460};

static uint8_t syncookie_secret[16];
static int syncookie_secret_ready;

static uint32_t cookie_hash(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			    uint32_t count, uint32_t c)
{
	struct {
		uint32_t saddr, daddr;
		uint16_t sport, dport;
		uint32_t count, c;
	} __attribute__((packed)) t = {saddr, daddr, sport, dport, count, c};

	if (!syncookie_secret_ready) {
		net_get_random_bytes(syncookie_secret, sizeof(syncookie_secret));
		syncookie_secret_ready = 1;
	}
	return (uint32_t)siphash24(&t, sizeof(t), syncookie_secret);
}

static uint32_t tcp_cookie_time(void) { return (uint32_t)(jiffies_ms() / TCP_COOKIE_PERIOD_MS); }

uint32_t __cookie_v4_init_sequence(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
				   uint32_t sseq, uint32_t mssind)
{
	uint32_t count = tcp_cookie_time();

	return cookie_hash(saddr, daddr, sport, dport, 0, 0) + sseq + (count << COOKIEBITS) +
	       ((cookie_hash(saddr, daddr, sport, dport, count, 1) + mssind) & COOKIEMASK);
}

uint16_t __cookie_v4_check(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			   uint32_t sseq, uint32_t cookie)
{
	uint32_t count = tcp_cookie_time(), diff, mssind;

	cookie -= cookie_hash(saddr, daddr, sport, dport, 0, 0) + sseq;
	/* the top 8 bits: the counter when it was made, at most MAX_SYNCOOKIE_AGE - 1 ago */
	diff = (count - (cookie >> COOKIEBITS)) & (0xffffffffu >> COOKIEBITS);
	if (diff >= MAX_SYNCOOKIE_AGE)
		return 0;
	mssind = (cookie - cookie_hash(saddr, daddr, sport, dport, count - diff, 1)) & COOKIEMASK;
	if (mssind >= sizeof(msstab) / sizeof(msstab[0]))
		return 0; /* the hash does not match */
	return msstab[mssind];
}

/*
 * Our TSval for the cookie SYN-ACK: the clock the child will use (jiffies_ms
 * + ISN, tcp_time_stamp) with its low bits replaced by the options, and
 * never ahead of that clock, so that the child's later TSvals do not go
 * backwards (RFC 7323 5.4).
 */
static uint32_t cookie_init_timestamp(const struct request_sock *req)
{
	uint32_t now = (uint32_t)jiffies_ms() + req->snt_isn;
	uint32_t options = req->wscale_ok ? req->snd_wscale : TS_OPT_WSCALE_MASK;
	uint32_t ts;

	if (req->sack_ok)
		options |= TS_OPT_SACK;
	ts = (now & ~TSMASK) | options;
	if ((int32_t)(ts - now) > 0)
		ts -= 1u << TSBITS;
	return ts;
}

/*
 * A SYN the queue has no room for (or every SYN, tcp_syncookies = 2):
 * req, filled from the SYN but never queued, gets a cookie ISN and the
 * MSS the cookie can say.  Without timestamps nothing else can come back,
 * so the SYN-ACK offers neither window scaling nor SACK (as Linux).
 */
void cookie_v4_init_sequence(struct sock *listener, struct request_sock *req)
{
	struct request_sock_queue *q = &tcp_sk(listener)->accept_queue;
	uint16_t mss = req->mss ? req->mss : TCP_MSS_DEFAULT;
	uint32_t mssind;

	for (mssind = sizeof(msstab) / sizeof(msstab[0]) - 1; mssind > 0; mssind--)
		if (mss >= msstab[mssind])
			break;
	req->mss = msstab[mssind];
	if (!req->tstamp_ok) {
		req->wscale_ok = req->sack_ok = 0;
		req->snd_wscale = req->rcv_wscale = 0;
	}
	req->snt_isn = __cookie_v4_init_sequence(req->rmt_addr, req->loc_addr, req->rmt_port,
						 req->loc_port, req->rcv_isn, mssind);
	req->syncookie = 1;
	if (req->tstamp_ok)
		req->ts_cookie = cookie_init_timestamp(req);
	q->syncookie_sent = 1;
	q->syncookie_ms = jiffies_ms();
	tcp_statistics.syncookies_sent++;
}

/* The options the cookie's TSval carried, echoed in the ACK's TSecr. */
static void cookie_timestamp_decode(struct tcp_options_received *opt)
{
	uint32_t options = opt->rcv_tsecr;

	opt->wscale_ok = opt->sack_ok = 0;
	opt->snd_wscale = 0;
	if (!opt->saw_tstamp)
		return;
	opt->sack_ok = !!(options & TS_OPT_SACK);
	if ((options & TS_OPT_WSCALE_MASK) != TS_OPT_WSCALE_MASK) {
		opt->wscale_ok = 1;
		opt->snd_wscale = (uint8_t)(options & TS_OPT_WSCALE_MASK);
		if (opt->snd_wscale > TCP_MAX_WSCALE)
			opt->snd_wscale = TCP_MAX_WSCALE;
	}
}

/*
 * An ACK for a listener that matches no request sock.  If the listener
 * sent cookies lately (Linux: tcp_synq_no_recent_overflow) and the ACK
 * carries a valid one, the child is made and queued for accept.
 * Returns the child (skb not consumed: it goes to the child), the
 * listener (not a cookie: skb not consumed, the caller answers as LISTEN
 * does) or NULL (skb consumed: a valid cookie, but no room for the child).
 */
struct sock *cookie_v4_check(struct sock *listener, struct sk_buff *skb)
{
	struct request_sock_queue *q = &tcp_sk(listener)->accept_queue;
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct tcp_options_received opt;
	struct request_sock *req;
	struct sock *child;
	uint16_t mss;

	if (!tcp_syncookies ||
	    (cb->tcp_flags & (TCPHDR_SYN | TCPHDR_RST | TCPHDR_ACK)) != TCPHDR_ACK)
		return listener;
	if (!q->syncookie_sent ||
	    jiffies_ms() - q->syncookie_ms > (uint64_t)MAX_SYNCOOKIE_AGE * TCP_COOKIE_PERIOD_MS)
		return listener;
	mss = __cookie_v4_check(iph->saddr, iph->daddr, th->source, th->dest, cb->seq - 1,
				cb->ack_seq - 1);
	if (!mss) {
		tcp_statistics.syncookies_failed++;
		return listener;
	}
	tcp_statistics.syncookies_recv++;
	if (sk_acceptq_is_full(listener)) {
		tcp_statistics.listen_overflows++;
		goto drop;
	}
	req = reqsk_alloc(listener);
	if (!req)
		goto drop;
	tcp_parse_options(skb, &opt);
	cookie_timestamp_decode(&opt);
	req->loc_addr = iph->daddr;
	req->rmt_addr = iph->saddr;
	req->loc_port = th->dest;
	req->rmt_port = th->source;
	req->rcv_isn = cb->seq - 1;
	req->snt_isn = cb->ack_seq - 1;
	req->mss = mss;
	req->wscale_ok = opt.wscale_ok;
	req->snd_wscale = opt.snd_wscale;
	req->rcv_wscale = opt.wscale_ok ? tcp_rcv_wscale(listener) : 0; /* as the SYN-ACK chose */
	req->sack_ok = opt.sack_ok;
	req->tstamp_ok = opt.saw_tstamp;
	req->ts_recent = opt.rcv_tsval;
	req->snd_wnd = cb->window;
	req->syncookie = 1;
	/* on the queue for the hand-over, as a request that waited there */
	inet_csk_reqsk_queue_add(listener, req);
	child = tcp_v4_syn_recv_sock(listener, skb, req);
	if (!child) {
		inet_csk_reqsk_queue_drop(listener, req);
		goto drop;
	}
	tcp_statistics.passive_opens++;
	return inet_csk_complete_hashdance(listener, child, req);
drop:
	kfree_skb(skb);
	return NULL;
}
