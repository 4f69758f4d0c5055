/*
 * libFuzzer target: sequences of TCP segments from the peer 10.0.2.2 to
 * a listener and to connections set up through the real stack on eth0.
 * Each input starts from the same scene, built by real handshakes from
 * the input's 11-byte prologue: see tcp_scene.h.
 *
 * Input layout (all multi-byte fields big-endian): the prologue, then
 * records, each an 11-byte header, then option bytes:
 *     ctl      bits 0-1 target: 0 the listener (peer port 50000 + (port & 7)),
 *              1 A, 2 B, 3 C;  bit 2: instead of the segment, an ICMP
 *              error from the peer quoting the segment we would have sent
 *              with sequence number ack, type and code from the flags
 *              byte (see scene_peer_icmp_error);
 *              bits 3-5 a user call after the segment: 1 recv, 2 send
 *              1 + 16 * len bytes, 3 shutdown(SHUT_WR), 4 shutdown(SHUT_RD),
 *              5 close, 6 accept, 7 send until the buffer is full; for the
 *              listener target, 5 and 6 act on the listener and the others
 *              on the child accepted last (see user_call);
 *              bits 6-7 time passing after it: 0, 50 ms, 1 s, 30 s
 *     flags    the TCP flags byte, as is
 *     seq_off  int16 added to the sequence number the target expects
 *     ack_off  int16 added to the first unacknowledged sequence number
 *     window   raw window field
 *     hdr      high nibble: data offset field (0: the right one);
 *              low nibble: option bytes that follow, in words (0-10)
 *     len      payload bytes (0-255), generated: see below
 *     port     the listener target's peer port (low 3 bits)
 *   A record cut short by the end of the input is zero-padded.
 *
 * "Expects": for a sock found by the 4-tuple, its rcv_nxt and snd_una;
 * for a request sock on the listener, rcv_isn + 1 and snt_isn + 1; else
 * 0x10000000 and 0.  The edges of SACK blocks (option 5) are offsets from
 * the same SND.UNA.  So the fuzzer moves around the real windows rather
 * than hunting for 32-bit values.
 *
 * Payload bytes are not taken from the input but from two streams known
 * in advance (tcp_scene.h).  So two end-to-end oracles hold whatever the
 * segments: what recv() returns is the peer's stream from IRS + 1 on, without gap or
 * shift, and every byte we transmit (first time or again) is the one the
 * application wrote at that offset from ISS + 1.
 *
 * After every record: softirqs run, every transmitted frame is checked,
 * and the invariants of every TCP sock are checked (check_socks).  After
 * the last: every descriptor is closed and simulated time passes until
 * each sock has ended (orphan retries, FIN-WAIT-2 timeout, TIME-WAIT);
 * then sk_buffs, kmalloc blocks, socks and timers must be exactly where
 * they were before the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "net/arp.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/platform.h"
#include "net/socket.h"
#include "net/tcp_priv.h"
#include "tests/fuzz/harness.h"
#include "tests/fuzz/tcp_scene.h"
#include "tests/unit/support/platform_test.h"

#define LISTENER_PEER_PORT 50000
#define REC_HDR_LEN	   11
#define NOBODY_SEQ	   0x10000000u
/* Every sock must be gone this long after its last close (see main comment). */
#define CLEANUP_MAX_MS	   (20 * 60 * 1000)

/* What the application wrote on one connection (by ports: they are unique
 * among live connections, and a new one over the same ports resets it). */
struct stream {
	uint16_t our_port, peer_port;
	uint32_t iss;
	uint32_t written;
};
static struct stream streams[TSCENE_MAX_FDS + 4];
static int nstreams;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static void check_sent_payload(const uint8_t *frame, size_t len);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_env_init();
	fuzz_selftest_leak_check();
	fuzz_tx_hook = check_sent_payload;
	scene_init();
	/*
	 * Shorter timeouts than the defaults keep a whole input (and its
	 * cleanup) in a few thousand simulated seconds: TIME-WAIT 2 s, an
	 * orphan in FIN-WAIT-2 5 s, RTO backoff capped at 10 s.
	 */
	tcp_msl_ms = 1000;
	tcp_fin_timeout_ms = 5000;
	tcp_rto_max_ms = 10000;
	return 0;
}

static struct stream *stream_find(uint16_t our, uint16_t peer)
{
	int i;

	for (i = 0; i < nstreams; i++)
		if (streams[i].our_port == our && streams[i].peer_port == peer)
			return &streams[i];
	return NULL;
}

/* The stream of fd's connection; NULL if it has no live sock. */
static struct stream *stream_for(int fd)
{
	uint16_t our, peer;
	struct stream *st;
	struct sock *sk;

	if (scene_fd_ports(fd, &our, &peer) < 0 || !(sk = scene_conn_sock(our, peer)))
		return NULL;
	st = stream_find(our, peer);
	if (!st) {
		if (nstreams == (int)(sizeof(streams) / sizeof(streams[0])))
			scene_bug("too many streams");
		st = &streams[nstreams++];
		st->our_port = our;
		st->peer_port = peer;
		st->iss = tcp_sk(sk)->iss + 1; /* never an ISS: forces the reset below */
	}
	if (st->iss != tcp_sk(sk)->iss) {
		st->iss = tcp_sk(sk)->iss;
		st->written = 0;
	}
	return st;
}

static void stream_bug(const char *what, const uint8_t *frame, size_t len)
{
	size_t i;

	fprintf(stderr, "fuzz_tcp stream oracle: %s\n", what);
	for (i = 0; i < len; i++)
		fprintf(stderr, "%02x%s", frame[i], i % 16 == 15 ? "\n" : " ");
	fprintf(stderr, "\n");
	abort();
}

/* Every payload byte we transmit is the one the application wrote there. */
static void check_sent_payload(const uint8_t *frame, size_t len)
{
	const struct iphdr *iph = (const struct iphdr *)(frame + ETH_HLEN);
	const struct tcphdr *th = (const struct tcphdr *)(iph + 1);
	unsigned int plen;
	struct stream *st;
	uint32_t off;

	if (iph->protocol != IPPROTO_TCP)
		return;
	plen = ntohs(iph->tot_len) - sizeof(*iph) - tcp_hdrlen(th);
	if (!plen)
		return;
	st = stream_find(ntohs(th->source), ntohs(th->dest));
	if (!st)
		stream_bug("payload on a connection the application never wrote to", frame, len);
	off = ntohl(th->seq) - (st->iss + 1);
	if (off >= st->written || st->written - off < plen)
		stream_bug("payload beyond what the application wrote", frame, len);
	if (memcmp((const uint8_t *)th + tcp_hdrlen(th), scene_app_bytes(off), plen))
		stream_bug("payload differs from what the application wrote", frame, len);
}

/* Sends up to n bytes of the application's stream; returns what send() did. */
static long app_send(int fd, size_t n)
{
	struct stream *st = stream_for(fd);
	long r;

	if (n > TSCENE_PATTERN_PERIOD)
		n = TSCENE_PATTERN_PERIOD;
	r = __sys_sendto(fd, scene_app_bytes(st ? st->written : 0), n, 0, NULL, 0);
	if (r > 0 && !st)
		scene_bug("send() took data on a connection without a live sock");
	if (r > 0)
		st->written += (uint32_t)r;
	return r;
}

/* recv(), and what it returned must be the peer's stream where we are in it. */
static void app_recv(struct conn_fd *c)
{
	static uint8_t buf[TSCENE_PATTERN_PERIOD];
	long n = __sys_recvfrom(c->fd, buf, sizeof(buf), 0, NULL, NULL);

	if (n <= 0)
		return;
	scene_learn_irs(c);
	if (!c->irs_known)
		scene_bug("data before the peer's ISN was known");
	if (memcmp(buf, scene_peer_bytes(c->irs + 1 + c->read), (size_t)n)) {
		fprintf(stderr,
			"fuzz_tcp stream oracle: recv() returned %ld bytes that are not "
			"the peer's stream from byte %u on (irs %u)\n",
			n, c->read, c->irs);
		abort();
	}
	c->read += (uint32_t)n;
}

/*
 * A user call (bits 3-5 of ctl) on the target's descriptor; for the
 * listener target, accept (6) and close (5) act on the listener, the rest
 * on the child accepted last.
 */
static void user_call(struct scene *s, int target, unsigned int call, unsigned int len)
{
	struct conn_fd *c = NULL;

	if (target != T_LISTENER)
		c = &s->c[target];
	else if (s->nextra)
		c = &s->extra[s->nextra - 1];
	if (target == T_LISTENER && (call == 5 || call == 6)) {
		if (s->lfd < 0)
			return;
		if (call == 5) {
			__sys_close(s->lfd);
			s->lfd = -1;
		} else if (s->nextra < TSCENE_MAX_FDS &&
			   scene_accept(s->lfd, &s->extra[s->nextra]) >= 0) {
			s->nextra++;
		}
		return;
	}
	if (!c || c->fd < 0)
		return;
	switch (call) {
	case 1:
		app_recv(c);
		break;
	case 2:
		app_send(c->fd, 1 + len * 16);
		break;
	case 3:
		__sys_shutdown(c->fd, SHUT_WR);
		break;
	case 4:
		__sys_shutdown(c->fd, SHUT_RD);
		break;
	case 5:
		__sys_close(c->fd);
		c->fd = -1;
		break;
	case 7:
		/* fill the send buffer: window, Nagle and persist paths */
		while (app_send(c->fd, TSCENE_PATTERN_PERIOD) > 0)
			;
		break;
	default:
		break;
	}
}

static unsigned int queue_bytes(const struct sk_buff_head *q)
{
	const struct list_head *pos;
	unsigned int n = 0;

	list_for_each (pos, &q->list)
		n += list_entry(pos, struct sk_buff, list)->len;
	return n;
}

static void sock_bug(const struct sock *sk, const char *what)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	fprintf(stderr,
		"TCP invariant broken: %s\n  sock :%u -> :%u state %s, snd_una %u "
		"snd_nxt %u snd_max %u write_seq %u rcv_nxt %u wmem %u rmem %u\n",
		what, sk->sk_num, ntohs(sk->sk_dport), tcp_state_name(sk->sk_state), tp->snd_una,
		tp->snd_nxt, tp->snd_max, tp->write_seq, tp->rcv_nxt, sk->sk_wmem_queued,
		sk->sk_rmem_queued);
	abort();
}

static unsigned int seg_extra(const struct tcp_skb_cb *cb)
{
	return !!(cb->tcp_flags & TCPHDR_SYN) + !!(cb->tcp_flags & TCPHDR_FIN);
}

/* Invariants every TCP sock keeps between two events. */
static void check_sock(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct list_head *pos;
	const struct tcp_skb_cb *prev = NULL;
	int n;

	if (sk->sk_refcnt < 1)
		sock_bug(sk, "reference count below 1 on a live sock");
	if (queue_bytes(&sk->sk_receive_queue) != sk->sk_rmem_queued)
		sock_bug(sk, "sk_rmem_queued is not the receive queue's byte count");
	if (queue_bytes(&sk->sk_write_queue) != sk->sk_wmem_queued)
		sock_bug(sk, "sk_wmem_queued is not the write queue's byte count");
	if (sk->sk_state == TCP_LISTEN) {
		n = 0;
		list_for_each (pos, &tp->accept_queue.syn_queue)
			n++;
		if (n != tp->accept_queue.syn_qlen)
			sock_bug(sk, "syn_qlen");
		n = 0;
		list_for_each (pos, &tp->accept_queue.accept_queue)
			n++;
		if (n != tp->accept_queue.accept_qlen)
			sock_bug(sk, "accept_qlen");
		return;
	}
	if (sk->sk_state == TCP_CLOSE)
		return;
	/* RFC 9293 3.3.1: SND.UNA <= SND.NXT <= SND.MAX <= the end of what was queued */
	if (after(tp->snd_una, tp->snd_nxt) || after(tp->snd_nxt, tp->snd_max) ||
	    after(tp->snd_max, tp->write_seq))
		sock_bug(sk, "send sequence variables out of order");
	/* the write queue: contiguous from SND.UNA to write_seq */
	list_for_each (pos, &sk->sk_write_queue.list) {
		const struct sk_buff *skb = list_entry(pos, struct sk_buff, list);
		const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (cb->end_seq - cb->seq != skb->len + seg_extra(cb))
			sock_bug(sk, "write queue segment length");
		if (!prev && (after(cb->seq, tp->snd_una) || !after(cb->end_seq, tp->snd_una)))
			sock_bug(sk, "write queue head does not hold SND.UNA");
		if (prev && cb->seq != prev->end_seq)
			sock_bug(sk, "write queue not contiguous");
		prev = cb;
	}
	if (prev && prev->end_seq != tp->write_seq)
		sock_bug(sk, "write queue does not end at write_seq");
	/* RFC 9293 3.8.6.2.2: data is taken only inside the window we offered,
	 * and we offer only free buffer (rounded up to the window scale unit) */
	if (sk->sk_rmem_queued + queue_bytes(&tp->out_of_order_queue) >
	    sk->sk_rcvbuf + (1u << tp->rcv_wscale))
		sock_bug(sk, "more data buffered than the receive buffer holds");
	/* the out-of-order queue: sorted, no overlaps */
	prev = NULL;
	list_for_each (pos, &tp->out_of_order_queue.list) {
		const struct sk_buff *skb = list_entry(pos, struct sk_buff, list);
		const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (cb->end_seq - cb->seq != skb->len + seg_extra(cb))
			sock_bug(sk, "out-of-order segment length");
		if (prev && after(prev->end_seq, cb->seq))
			sock_bug(sk, "out-of-order queue unsorted or overlapping");
		prev = cb;
	}
}

static void check_socks(void)
{
	struct sock *sk;

	list_for_each_entry (sk, &sock_all_list, sk_all_node)
		if (sk->sk_protocol == IPPROTO_TCP)
			check_sock(sk);
}

/* The sequence numbers the target expects, and its ports. */
static void target_base(int target, uint8_t port_sel, uint16_t *sport, uint16_t *dport,
			uint32_t *seq, uint32_t *ack)
{
	static const uint16_t ours[] = {TSCENE_LISTEN_PORT, TSCENE_LISTEN_PORT, TSCENE_B_PORT,
					TSCENE_C_PORT};
	static const uint16_t peers[] = {0, TSCENE_A_PEER_PORT, TSCENE_B_PEER_PORT,
					 TSCENE_C_PEER_PORT};
	struct request_sock *req = NULL;
	struct sock *sk, *lsk;

	*dport = ours[target];
	*sport = target == T_LISTENER ? LISTENER_PEER_PORT + (port_sel & 7) : peers[target];
	*seq = NOBODY_SEQ;
	*ack = 0;
	sk = scene_conn_sock(*dport, *sport);
	if (sk) {
		*seq = tcp_sk(sk)->rcv_nxt;
		*ack = tcp_sk(sk)->snd_una;
		return;
	}
	lsk = scene_listener_sock();
	if (lsk)
		req = inet_csk_search_req(lsk, fuzz_peer_ip, htons(*sport), fuzz_our_ip);
	if (req) {
		*seq = req->rcv_isn + 1;
		*ack = req->snt_isn + 1;
	}
}

/* Makes the SACK block edges in opts absolute: base + the offset given. */
static void rebase_sack_blocks(uint8_t *p, size_t len, uint32_t base)
{
	while (len > 0) {
		size_t olen, i;

		if (p[0] == TCPOPT_EOL)
			return;
		if (p[0] == TCPOPT_NOP) {
			p++;
			len--;
			continue;
		}
		if (len < 2 || p[1] < 2 || p[1] > len)
			return;
		olen = p[1];
		for (i = 2; p[0] == TCPOPT_SACK && i + 4 <= olen; i += 4) {
			uint32_t v =
				((uint32_t)p[i] << 24 | p[i + 1] << 16 | p[i + 2] << 8 | p[i + 3]) +
				base;

			p[i] = (uint8_t)(v >> 24);
			p[i + 1] = (uint8_t)(v >> 16);
			p[i + 2] = (uint8_t)(v >> 8);
			p[i + 3] = (uint8_t)v;
		}
		p += olen;
		len -= olen;
	}
}

static const uint64_t advance_ms[4] = {0, 50, 1000, 30000};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_counts base;
	struct scene s;
	uint64_t waited;
	size_t at, i;

	if (size < TSCENE_PROLOGUE_LEN)
		return -1;
	fuzz_advance(1000); /* rate limits refilled: each input on its own */
	fake_random_seed(0x7c9);
	fuzz_counts_take(&base);
	fuzz_learn_peer();
	nstreams = 0;
	scene_build(&s, data);
	check_socks();

	for (at = TSCENE_PROLOGUE_LEN; at < size;) {
		uint8_t h[REC_HDR_LEN] = {0}, body[40 + 255] = {0};
		size_t n = size - at < REC_HDR_LEN ? size - at : REC_HDR_LEN;
		size_t optlen, len;
		uint16_t sport, dport;
		uint32_t seq, ack;
		int target;

		memcpy(h, data + at, n);
		at += n;
		optlen = (size_t)(h[8] & 0x0f) * 4;
		if (optlen > 40)
			optlen = 40;
		len = h[9];
		n = size - at < optlen ? size - at : optlen;
		memcpy(body, data + at, n);
		at += n;

		target = h[0] & 3;
		target_base(target, h[10], &sport, &dport, &seq, &ack);
		rebase_sack_blocks(body, optlen, ack);
		seq += (uint32_t)(int16_t)(h[2] << 8 | h[3]);
		ack += (uint32_t)(int16_t)(h[4] << 8 | h[5]);
		if (h[0] & 0x04)
			scene_peer_icmp_error(sport, dport, ack, h[1]);
		else
			scene_peer_segment(sport, dport, seq, ack, h[1],
					   (uint16_t)(h[6] << 8 | h[7]), h[8] >> 4, body, optlen,
					   body + optlen, len);
		for (i = T_A; i <= T_C; i++)
			scene_learn_irs(&s.c[i]);
		check_socks();
		user_call(&s, target, (h[0] >> 3) & 7, (unsigned int)len);
		fuzz_drain_tx();
		check_socks();
		fuzz_advance(advance_ms[h[0] >> 6]);
		check_socks();
	}

	scene_close(&s);
	for (waited = 0; sock_in_use() != base.socks && waited < CLEANUP_MAX_MS; waited += 1000) {
		fuzz_advance(1000);
		check_socks();
	}
	/* timers of the socks' last moments (delayed ACK, ARP) run out too */
	fuzz_advance(5000);
	arp_flush(NULL);
	ip_frag_flush(); /* reassembly queues wait 30 s: not a leak */
	fuzz_counts_check(&base, "after every sock ended");
	return 0;
}
