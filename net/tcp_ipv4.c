/*
 * TCP over IPv4: the receive entry point (demultiplexing to a sock), the
 * active open, the SYN-ACK and RST senders, the child sock created from a
 * request sock, and initial sequence numbers (RFC 6528).
 */
#include "net/platform.h"
#include "net/tcp_priv.h"
#include "net/ip.h"
#include "net/checksum.h"
#include "net/icmp.h"

struct tcp_mib tcp_statistics;

/* ---- SipHash-2-4 (Aumasson, Bernstein 2012) ---- */

static inline uint64_t rotl64(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

#define SIPROUND                     \
	do {                         \
		v0 += v1;            \
		v1 = rotl64(v1, 13); \
		v1 ^= v0;            \
		v0 = rotl64(v0, 32); \
		v2 += v3;            \
		v3 = rotl64(v3, 16); \
		v3 ^= v2;            \
		v0 += v3;            \
		v3 = rotl64(v3, 21); \
		v3 ^= v0;            \
		v2 += v1;            \
		v1 = rotl64(v1, 17); \
		v1 ^= v2;            \
		v2 = rotl64(v2, 32); \
	} while (0)

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

uint64_t siphash24(const void *data, size_t len, const uint8_t key[16])
{
	const uint8_t *in = data;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = (uint64_t)len << 56, m;
	size_t i, left = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (i = 0; i < left; i++)
		b |= (uint64_t)in[len - left + i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static uint8_t isn_key[16];
static int isn_key_ready;

/*
 * RFC 6528 3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 * with M a timer ticking every 4 microseconds and F a keyed hash.
 */
uint32_t tcp_v4_init_sequence(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport)
{
	struct {
		uint32_t saddr, daddr;
		uint16_t sport, dport;
	} __attribute__((packed)) t = {saddr, daddr, sport, dport};

	if (!isn_key_ready) {
		net_get_random_bytes(isn_key, sizeof(isn_key));
		isn_key_ready = 1;
	}
	return (uint32_t)siphash24(&t, sizeof(t), isn_key) + (uint32_t)(ktime_ns() / 4000);
}

/*
 * RFC 9293 3.1: the checksum covers the pseudo-header, the header and the
 * data.  Only the pseudo-header is summed here (CHECKSUM_PARTIAL, as Linux's
 * tcp_v4_send_check); the NIC or dev_queue_xmit adds the rest.
 */
void tcp_v4_fill_check(struct sk_buff *skb, uint32_t saddr, uint32_t daddr)
{
	struct tcphdr *th = (struct tcphdr *)skb->data;

	th->check = ~csum_tcpudp_magic(saddr, daddr, (uint16_t)skb->len, IPPROTO_TCP, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb->data - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
}

/* A bare control segment (RST, or an ACK without a sock). */
static void tcp_v4_send_ctl(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			    uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win)
{
	struct sk_buff *skb = alloc_skb(MAX_HEADER_LEN + sizeof(struct tcphdr));
	struct tcphdr *th;

	if (!skb)
		return;
	skb_reserve(skb, MAX_HEADER_LEN);
	th = (struct tcphdr *)skb_push(skb, sizeof(*th));
	memset(th, 0, sizeof(*th));
	th->source = sport;
	th->dest = dport;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff_res = (sizeof(*th) / 4) << 4;
	th->flags = flags;
	th->window = htons(win);
	skb_reset_transport_header(skb);
	tcp_v4_fill_check(skb, saddr, daddr);
	if (flags & TCPHDR_RST)
		tcp_statistics.out_rsts++;
	tcp_statistics.out_segs++;
	tcp_trace_segment(NULL, skb, saddr, daddr, 1);
	ip_build_and_send_pkt(skb, saddr, daddr, IPPROTO_TCP);
}

/*
 * RFC 9293 3.10.7.1 (and the "reset generation" rules of 3.5.2): answer
 * skb with a RST.  If it carried an ACK, <SEQ=SEG.ACK><CTL=RST>; otherwise
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.  Never a RST for a RST.
 */
void tcp_v4_send_reset(const struct sock *sk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

	(void)sk;
	if (th->flags & TCPHDR_RST)
		return;
	if (th->flags & TCPHDR_ACK)
		tcp_v4_send_ctl(iph->daddr, iph->saddr, th->dest, th->source, cb->ack_seq, 0,
				TCPHDR_RST, 0);
	else
		tcp_v4_send_ctl(iph->daddr, iph->saddr, th->dest, th->source, 0, cb->end_seq,
				TCPHDR_RST | TCPHDR_ACK, 0);
}

/*
 * An error about a SYN-ACK: its request sock goes if the quote carries its
 * ISN (RFC 5927 4.1), as with Linux's tcp_req_err; resending the SYN-ACK
 * to a peer that cannot be reached would only keep it in the SYN queue.
 */
static int tcp_req_err(const struct iphdr *iph, const struct tcphdr *th)
{
	struct sock *lsk = inet_lookup_listener(iph->saddr, th->source);
	struct request_sock *req;

	if (!lsk)
		return -ENOENT;
	req = inet_csk_search_req(lsk, iph->daddr, th->dest, iph->saddr);
	if (!req)
		return -ENOENT;
	if (ntohl(th->seq) != req->snt_isn) {
		tcp_statistics.out_of_window_icmps++;
		return -EINVAL;
	}
	inet_csk_reqsk_queue_drop(lsk, req);
	return 0;
}

/* RFC 1191 7: the plateaus to guess from when a router sends no next-hop MTU. */
static const uint16_t mtu_plateaus[] = {32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};

/*
 * Path MTU discovery (RFC 1191 6.3; Linux's tcp_v4_mtu_reduced): a
 * fragmentation needed about one of our segments lowers the path MTU the
 * route remembers for the peer (ip_rt_update_pmtu, so that the next
 * connection starts at it) and the connection's MSS to what that MTU
 * carries, and the segment it concerns is sent again at that size
 * (tcp_retransmit_skb cuts it), as Linux's tcp_simple_retransmit does.
 */
static void tcp_v4_mtu_reduced(struct sock *sk, unsigned int mtu, unsigned int sent_len)
{
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned int mss, i;

	if (mtu < 68 || mtu >= sent_len) {
		for (i = 0; i < sizeof(mtu_plateaus) / sizeof(mtu_plateaus[0]); i++)
			if (mtu_plateaus[i] < sent_len)
				break;
		mtu = i < sizeof(mtu_plateaus) / sizeof(mtu_plateaus[0]) ? mtu_plateaus[i] : 68;
	}
	/* Linux's min_pmtu: a forged report cannot shrink segments to a
	 * trickle (RFC 5927 7.2) */
	if (mtu < IP_RT_MIN_PMTU)
		mtu = IP_RT_MIN_PMTU;
	if (sent_len <= mtu)
		return; /* the datagram it quotes fits: nothing to learn */
	ip_rt_update_pmtu(sk->sk_daddr, mtu);
	mss = mtu - sizeof(struct iphdr) - sizeof(struct tcphdr);
	if (tp->tstamp_ok)
		mss -= TCPOLEN_TSTAMP_ALIGNED;
	if (mss >= tp->mss_cache)
		return; /* an older report, or one above what we send */
	tp->mss_cache = (uint16_t)mss;
	if (!list_empty(&sk->sk_write_queue.list) && before(tp->snd_una, tp->snd_nxt))
		tcp_retransmit_skb(
			sk, list_first_entry(&sk->sk_write_queue.list, struct sk_buff, list));
}

/*
 * RFC 1122 4.2.3.9: an ICMP error about one of our segments.  RFC 5927 4.1:
 * it is believed only if the quoted sequence number is one still in flight,
 * which a blind attacker would have to guess.  A connection attempt ends at
 * once, as in Linux (a SYN that cannot reach its peer will not do better
 * when resent); an established connection keeps trying and remembers the
 * error as soft, reported if it later times out.
 */
int tcp_v4_err(struct sk_buff *skb)
{
	const struct icmphdr *icmph = (const struct icmphdr *)skb->data;
	const struct iphdr *iph = (const struct iphdr *)(icmph + 1);
	const struct tcphdr *th =
		(const struct tcphdr *)((const uint8_t *)iph + (iph->ihl_version & 0x0f) * 4);
	struct tcp_sock *tp;
	struct sock *sk;
	uint32_t seq;
	int err;

	if (icmph->type == ICMP_TIME_EXCEEDED)
		err = EHOSTUNREACH;
	else if (icmph->code <= NR_ICMP_UNREACH)
		err = icmp_err_convert[icmph->code];
	else
		return 0; /* unknown code (RFC 1122 3.2.2: ignore) */
	/* the quoted datagram is one we sent: its source is our end */
	sk = inet_lookup_established(iph->daddr, th->dest, iph->saddr, th->source);
	if (!sk) /* a SYN-ACK too big: the peer's SYN is resent and answered again */
		return icmph->code == ICMP_FRAG_NEEDED && icmph->type == ICMP_DEST_UNREACH
			       ? 0
			       : tcp_req_err(iph, th);
	if (sk->sk_state == TCP_TIME_WAIT)
		return -ENOENT;
	tp = tcp_sk(sk);
	seq = ntohl(th->seq);
	/* SND.UNA <= SEG.SEQ < SND.NXT, with our highest SND.NXT (snd_max):
	 * snd_nxt moves back after a timeout */
	if (before(seq, tp->snd_una) || !before(seq, tp->snd_max)) {
		tcp_statistics.out_of_window_icmps++;
		return -EINVAL;
	}
	if (icmph->type == ICMP_DEST_UNREACH && icmph->code == ICMP_FRAG_NEEDED) {
		tcp_v4_mtu_reduced(sk, ntohs(icmph->un.frag.mtu), ntohs(iph->tot_len));
		return 0; /* not an error: the path is narrower (RFC 1191 6.3) */
	}

	if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) {
		sk->sk_err = err;
		tcp_statistics.attempt_fails++;
		tcp_done(sk);
		return 0;
	}
	sk->sk_err_soft = err;
	return 0;
}

/*
 * ip_route_connect: the route to daddr gives the source address.  As in
 * Linux (tcp_v4_connect, __mkroute_output): a connection to a broadcast or
 * multicast address is refused (-ENETUNREACH), and so is a loopback source
 * (a socket bound to 127.0.0.1) on a route that leaves this host (-EINVAL):
 * its peer would drop the segments as martians (RFC 1122 3.2.1.3).
 */
static int ip_route_connect(uint32_t daddr, uint32_t bound, uint32_t *saddr)
{
	struct net_device *dev;
	uint32_t nexthop;
	int err = ip_route_output(daddr, &dev, &nexthop, saddr);

	if (err < 0)
		return err;
	if ((ntohl(daddr) >> 28) == 0xe ||
	    (!(dev->flags & IFF_LOOPBACK) && dev->netmask != htonl(0xffffffffu) &&
	     daddr == (dev->ip_addr | ~dev->netmask)))
		return -ENETUNREACH;
	return bound ? ip_route_check_source(bound, dev) : 0;
}

uint16_t tcp_mss_for_route(uint32_t daddr)
{
	struct net_device *dev;
	uint32_t nexthop, saddr;
	unsigned int mss, mtu;

	if (ip_route_output(daddr, &dev, &nexthop, &saddr) < 0 || !dev)
		return TCP_MSS_DEFAULT;
	/* RFC 9293 3.7.1: MSS = MTU - fixed IP header - fixed TCP header,
	 * with the path MTU learnt for daddr (Linux's ipv4_default_advmss) */
	mtu = ip_route_mtu(daddr, dev, nexthop, NULL);
	mss = mtu > 40 ? mtu - 40 : TCP_MSS_MIN;
	if (mss > 65495)
		mss = 65495;
	if (mss < TCP_MSS_MIN)
		mss = TCP_MSS_MIN;
	return (uint16_t)mss;
}

/*
 * Before sending: a route that changed since the socket cached it (a path
 * MTU learnt by another connection to the peer, an interface's MTU
 * lowered) lowers the MSS to what it carries, as Linux's tcp_current_mss
 * does when dst_mtu moves.  The MSS never grows here: what the peer and
 * the handshake allowed (tcp_sync_mss) stays the ceiling.
 */
void tcp_v4_check_route_mtu(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_dst *dst = &sk->sk_dst_cache;
	struct net_device *dev;
	uint32_t nexthop, saddr;
	unsigned int mss;

	if (sk_dst_valid(dst, sk->sk_daddr))
		return;
	if (ip_route_output_cached(dst, sk->sk_daddr, &dev, &nexthop, &saddr) < 0 ||
	    dst->mtu <= sizeof(struct iphdr) + sizeof(struct tcphdr))
		return;
	mss = dst->mtu - sizeof(struct iphdr) - sizeof(struct tcphdr);
	if (tp->tstamp_ok)
		mss -= TCPOLEN_TSTAMP_ALIGNED;
	if (mss < TCP_MSS_MIN)
		mss = TCP_MSS_MIN;
	if (mss < tp->mss_cache)
		tp->mss_cache = (uint16_t)mss;
}

void tcp_v4_setup_caps(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct net_device *dev;
	uint32_t nexthop, saddr;

	tp->route_caps = 0;
	tp->gso_max_size = 0;
	if (ip_route_output(sk->sk_daddr, &dev, &nexthop, &saddr) < 0 || !dev)
		return;
	tp->route_caps = dev->features;
	tp->gso_max_size = dev->gso_max_size;
}

__gdb_visible int tcp_v4_connect(struct sock *sk, const struct sockaddr *uaddr, int addr_len)
{
	const struct sockaddr_in *usin = (const struct sockaddr_in *)uaddr;
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t daddr, saddr;
	int err;

	if (addr_len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	if (usin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	if (usin->sin_port == 0)
		return -ECONNREFUSED;
	daddr = usin->sin_addr.s_addr;
	if (daddr == htonl(INADDR_ANY))
		daddr = htonl(INADDR_LOOPBACK); /* Linux: 0.0.0.0 means this host */
	if (daddr == htonl(INADDR_BROADCAST))
		return -ENETUNREACH;

	err = ip_route_connect(daddr, sk->sk_rcv_saddr, &saddr);
	if (err < 0)
		return err;
	if (!sk->sk_rcv_saddr)
		sk->sk_rcv_saddr = saddr;
	sk->sk_daddr = daddr;
	sk->sk_dport = usin->sin_port;

	tcp_set_state(sk, TCP_SYN_SENT);
	err = inet_hash_connect(sk);
	if (err < 0) {
		tcp_set_state(sk, TCP_CLOSE);
		if (!sk->sk_userlocks)
			sk->sk_rcv_saddr = 0;
		sk->sk_daddr = 0;
		sk->sk_dport = 0;
		return err;
	}
	tp->iss = tcp_v4_init_sequence(sk->sk_rcv_saddr, daddr, htons(sk->sk_num), sk->sk_dport);
	tp->advmss = tcp_mss_for_route(daddr);
	tcp_v4_setup_caps(sk);
	tcp_statistics.active_opens++;
	return tcp_connect(sk);
}

__gdb_visible int tcp_v4_send_synack(const struct sock *listener, struct request_sock *req)
{
	struct sk_buff *skb = tcp_make_synack(listener, req);

	if (!skb)
		return -ENOMEM;
	return ip_build_and_send_pkt(skb, req->loc_addr, req->rmt_addr, IPPROTO_TCP);
}

/*
 * The final ACK of a passive open arrived: make the full sock (in SYN_RECV;
 * tcp_rcv_state_process moves it to ESTABLISHED).
 */
struct sock *tcp_v4_syn_recv_sock(struct sock *listener, struct sk_buff *skb,
				  struct request_sock *req)
{
	struct sock *newsk;
	struct tcp_sock *newtp;

	(void)skb;
	if (sk_acceptq_is_full(listener)) {
		tcp_statistics.listen_overflows++;
		return NULL;
	}
	/* memory short: the handshake is not completed, the SYN-ACK timer retries */
	newsk = net_mem_pressure() ? NULL : tcp_create_sock();
	if (!newsk) {
		tcp_statistics.mem_refusals++;
		return NULL;
	}
	newtp = tcp_sk(newsk);
	newsk->sk_rcv_saddr = req->loc_addr;
	newsk->sk_daddr = req->rmt_addr;
	newsk->sk_dport = req->rmt_port;
	newsk->sk_reuse = listener->sk_reuse;
	newsk->sk_flags = listener->sk_flags & (SOCK_NODELAY | SOCK_KEEPOPEN);
	newsk->sk_rcvbuf = listener->sk_rcvbuf;
	/* a listener's SO_RCVBUF holds for its children too */
	newtp->rcvbuf_auto = tcp_sk(listener)->rcvbuf_auto;
	newsk->sk_sndbuf = listener->sk_sndbuf;
	newsk->sk_state = TCP_SYN_RECV;

	newtp->iss = req->snt_isn;
	newtp->snd_una = newtp->snd_nxt = newtp->snd_max = newtp->write_seq = req->snt_isn + 1;
	newtp->rack_fack = newtp->rack_fack_prior = req->snt_isn + 1;
	newtp->irs = req->rcv_isn;
	newtp->rcv_nxt = newtp->rcv_wup = req->rcv_isn + 1;
	newtp->snd_wl1 = req->rcv_isn;
	newtp->snd_wl2 = req->snt_isn;
	newtp->snd_wnd = newtp->max_window = req->snd_wnd;
	newtp->wscale_ok = req->wscale_ok;
	newtp->snd_wscale = req->snd_wscale;
	newtp->rcv_wscale = req->rcv_wscale;
	newtp->sack_ok = req->sack_ok;
	newtp->tstamp_ok = req->tstamp_ok;
	if (req->tstamp_ok)
		tcp_store_ts_recent(newtp, req->ts_recent);
	newtp->keepalive_time_ms = tcp_sk(listener)->keepalive_time_ms;
	newtp->keepalive_intvl_ms = tcp_sk(listener)->keepalive_intvl_ms;
	newtp->keepalive_probes = tcp_sk(listener)->keepalive_probes;
	newtp->rx_opt_mss = req->mss ? req->mss : TCP_MSS_DEFAULT;
	newtp->advmss = tcp_mss_for_route(req->rmt_addr);
	tcp_v4_setup_caps(newsk);
	newtp->rcv_wnd = tcp_receive_space(newsk);
	tcp_sync_mss(newsk);
	tcp_cong_init(newsk);

	inet_bind_hash(newsk, listener->sk_num);
	newsk->sk_userlocks = 1;
	inet_hash(newsk);
	return newsk;
}

/* Segments for a sock: by state. Consumes skb. */
int tcp_v4_do_rcv(struct sock *sk, struct sk_buff *skb)
{
	if (sk->sk_state == TCP_LISTEN) {
		const struct iphdr *iph = ip_hdr(skb);
		const struct tcphdr *th = tcp_hdr(skb);
		struct request_sock *req;
		struct sock *nsk;

		req = inet_csk_search_req(sk, iph->saddr, th->source, iph->daddr);
		if (req) {
			nsk = tcp_check_req(sk, skb, req);
			if (!nsk)
				return 0;
			return tcp_child_process(sk, nsk, skb);
		}
		/* the ACK of a cookie SYN-ACK (RFC 4987 3.6) */
		nsk = cookie_v4_check(sk, skb);
		if (!nsk)
			return 0;
		if (nsk != sk)
			return tcp_child_process(sk, nsk, skb);
	}
	return tcp_rcv_state_process(sk, skb);
}

/*
 * From ip_local_deliver, skb->data at the TCP header.  Validates the
 * segment, fills its control block and hands it to its sock; a segment for
 * no sock is answered with a RST (RFC 9293 3.10.7.1).
 */
__gdb_visible int tcp_v4_rcv(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct tcphdr *th;
	struct sock *sk;
	unsigned int hdrlen;

	if (skb->len < sizeof(struct tcphdr))
		goto bad; /* shorter than a header */
	th = (struct tcphdr *)skb->data;
	hdrlen = tcp_hdrlen(th);
	if (hdrlen < sizeof(struct tcphdr) || hdrlen > skb->len)
		goto bad; /* data offset out of range */
	if (!skb_csum_unnecessary(skb) &&
	    csum_tcpudp_magic(iph->saddr, iph->daddr, (uint16_t)skb->len, IPPROTO_TCP,
			      csum_partial(skb->data, skb->len, 0)) != 0)
		goto bad; /* RFC 9293 3.1: checksum failed */
	/* RFC 1122 4.2.3.10: unicast only.  ip_rcv marks a directed broadcast
	 * (10.0.2.255) PACKET_BROADCAST; the address tests alone let it in and
	 * we answered it with a RST from the broadcast address (fuzz_rx). */
	if (skb->pkt_type != PACKET_HOST || iph->daddr == htonl(INADDR_BROADCAST) ||
	    (ntohl(iph->daddr) >> 28) == 0xe)
		goto discard;
	skb_reset_transport_header(skb);

	cb->seq = ntohl(th->seq);
	cb->end_seq = cb->seq + !!(th->flags & TCPHDR_SYN) + !!(th->flags & TCPHDR_FIN) +
		      (skb->len - hdrlen);
	cb->ack_seq = ntohl(th->ack_seq);
	cb->tcp_flags = th->flags;
	cb->window = ntohs(th->window);
	cb->sacked = 0;
	tcp_statistics.in_segs++;

	sk = inet_lookup_established(iph->saddr, th->source, iph->daddr, th->dest);
	if (!sk)
		sk = inet_lookup_listener(iph->daddr, th->dest);
	tcp_trace_segment(sk, skb, iph->saddr, iph->daddr, 0);
	if (!sk)
		goto no_tcp_socket;

	if (sk->sk_state == TCP_TIME_WAIT) {
		struct sock *lsk;

		if (!tcp_timewait_state_process(sk, skb))
			goto discard;
		/* RFC 6191 / RFC 1122 4.2.2.13: a new SYN may reopen the pair */
		lsk = inet_lookup_listener(iph->daddr, th->dest);
		if (!lsk)
			goto discard;
		tcp_done(sk);
		sk = lsk;
	}

	sock_hold(sk);
	tcp_v4_do_rcv(sk, skb);
	sock_put(sk);
	return 0;

no_tcp_socket:
	tcp_v4_send_reset(NULL, skb);
	goto discard;
bad:
	tcp_statistics.in_errs++;
discard:
	kfree_skb(skb);
	return 0;
}
