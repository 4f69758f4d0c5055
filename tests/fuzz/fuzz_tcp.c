/*
 * libFuzzer target: sequences of TCP segments from the peer 10.0.2.2 to
 * a listener and to connections set up through the real stack on eth0.
 *
 * Each input starts from the same scene, built by real handshakes:
 *   listener  10.0.2.15:8080 (SO_REUSEADDR, backlog 4)
 *   conn A    accepted from it, peer port 40001   (passive open)
 *   conn B    10.0.2.15:33001 -> peer port 5555   (active open)
 *   conn C    10.0.2.15:33002 -> peer port 5556   (SYN-SENT: never answered)
 *
 * Input layout (all multi-byte fields big-endian):
 *   prologue, 10 bytes: peer ISN of A (4), peer ISN of B (4), then the
 *     handshake options of A's SYN and of B's SYN-ACK, one byte each:
 *     0x01 MSS 1460, 0x02 SACK-permitted, 0x04 window scale (shift in the
 *     high nibble), 0x08 a zero window.
 *   records, each an 11-byte header, then option bytes, then payload:
 *     ctl      bits 0-1 target: 0 the listener (peer port 50000 + (port & 7)),
 *              1 A, 2 B, 3 C;  bit 2 corrupt the checksum;
 *              bits 3-5 a user call after the segment (see user_call);
 *              bits 6-7 time passing after it: 0, 50 ms, 1 s, 30 s
 *     flags    the TCP flags byte, as is
 *     seq_off  int16 added to the sequence number the target expects
 *     ack_off  int16 added to the first unacknowledged sequence number
 *     window   raw window field
 *     hdr      high nibble: data offset field (0: the right one);
 *              low nibble: option bytes that follow, in words (0-10)
 *     len      payload bytes that follow (0-255)
 *     port     the listener target's peer port (low 3 bits)
 *   A record cut short by the end of the input is zero-padded.
 *
 * "Expects": for a sock found by the 4-tuple, its rcv_nxt and snd_una;
 * for a request sock on the listener, rcv_isn + 1 and snt_isn + 1; else
 * 0x10000000 and 0.  The edges of SACK blocks (option 5) are offsets from
 * the same SND.UNA.  So the fuzzer moves around the real windows rather
 * than hunting for 32-bit values.
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
#include "net/checksum.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/platform.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "tests/fuzz/harness.h"
#include "tests/unit/support/platform_test.h"

#define LISTEN_PORT 8080
#define A_PEER_PORT 40001
#define B_PORT 33001
#define B_PEER_PORT 5555
#define C_PORT 33002
#define C_PEER_PORT 5556
#define LISTENER_PEER_PORT 50000
#define MAX_FDS 8               /* A, B, C, the listener, accepted children */
#define PROLOGUE_LEN 10
#define REC_HDR_LEN 11
#define NOBODY_SEQ 0x10000000u
/* Every sock must be gone this long after its last close (see main comment). */
#define CLEANUP_MAX_MS (20 * 60 * 1000)

enum { T_LISTENER, T_A, T_B, T_C };

struct scene {
	int lfd;
	int fd[4];              /* by target; -1 once closed; fd[T_LISTENER] unused */
	int extra[MAX_FDS];     /* accepted children */
	int nextra;
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void harness_bug(const char *what)
{
	fprintf(stderr, "fuzz_tcp harness: %s\n", what);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_env_init();
	fuzz_selftest_leak_check();
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

/* Sends a segment from the peer: header fields, options and payload as given. */
static void peer_segment(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
			 uint8_t flags, uint16_t win, uint8_t doff, const uint8_t *opts,
			 size_t optlen, const uint8_t *data, size_t len, int badsum)
{
	uint8_t seg[sizeof(struct tcphdr) + 40 + 255], frame[ETH_HLEN + 20 + sizeof(seg)];
	struct tcphdr *th = (struct tcphdr *)seg;
	size_t tlen = sizeof(*th) + optlen + len;

	memset(th, 0, sizeof(*th));
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff_res = (uint8_t)((doff ? doff : (sizeof(*th) + optlen) / 4) << 4);
	th->flags = flags;
	th->window = htons(win);
	if (optlen)
		memcpy(seg + sizeof(*th), opts, optlen);
	if (len)
		memcpy(seg + sizeof(*th) + optlen, data, len);
	th->check = csum_tcpudp_magic(fuzz_peer_ip, fuzz_our_ip, (uint16_t)tlen, IPPROTO_TCP,
				      csum_partial(seg, (int)tlen, 0));
	if (badsum)
		th->check ^= 0x0101;
	fake_eth_inject(fuzz_eth, frame,
			fake_build_ip(frame, fuzz_our_mac, fuzz_peer_mac, fuzz_peer_ip, fuzz_our_ip,
				      IPPROTO_TCP, seg, tlen));
	fuzz_drain_tx();
}

/* Handshake options from a prologue byte. */
static size_t handshake_opts(uint8_t sel, uint8_t *p, uint16_t *win)
{
	size_t n = 0;

	if (sel & 0x01) {
		p[n++] = TCPOPT_MSS;
		p[n++] = TCPOLEN_MSS;
		p[n++] = 1460 >> 8;
		p[n++] = 1460 & 0xff;
	}
	if (sel & 0x02) {
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_SACK_PERM;
		p[n++] = TCPOLEN_SACK_PERM;
	}
	if (sel & 0x04) {
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_WINDOW;
		p[n++] = TCPOLEN_WINDOW;
		p[n++] = sel >> 4;
	}
	*win = (sel & 0x08) ? 0 : 65535;
	return n;
}

static struct sock *listener_sock(void)
{
	return inet_lookup_listener(fuzz_our_ip, htons(LISTEN_PORT));
}

static struct sock *conn_sock(uint16_t our_port, uint16_t peer_port)
{
	return inet_lookup_established(fuzz_peer_ip, htons(peer_port), fuzz_our_ip,
				       htons(our_port));
}

static int socket_bound(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0 || __sys_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    __sys_bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		harness_bug("socket/bind");
	return fd;
}

static int connect_peer(int fd, uint16_t peer_port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(peer_port),
				   .sin_addr.s_addr = fuzz_peer_ip };

	return __sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin));
}

static void build_scene(struct scene *s, const uint8_t *pro)
{
	uint32_t isn_a = (uint32_t)pro[0] << 24 | pro[1] << 16 | pro[2] << 8 | pro[3];
	uint32_t isn_b = (uint32_t)pro[4] << 24 | pro[5] << 16 | pro[6] << 8 | pro[7];
	uint8_t opts[16];
	struct request_sock *req;
	struct sock *sk;
	size_t optlen;
	uint16_t win;

	memset(s, -1, sizeof(*s));
	s->nextra = 0;
	s->lfd = socket_bound(LISTEN_PORT);
	if (__sys_listen(s->lfd, 4) < 0)
		harness_bug("listen");

	/* A: SYN, our SYN-ACK, the ACK, accept */
	optlen = handshake_opts(pro[8], opts, &win);
	peer_segment(A_PEER_PORT, LISTEN_PORT, isn_a, 0, TCPHDR_SYN, win, 0, opts, optlen,
		     NULL, 0, 0);
	req = inet_csk_search_req(listener_sock(), fuzz_peer_ip, htons(A_PEER_PORT), fuzz_our_ip);
	if (!req)
		harness_bug("no request sock for A");
	peer_segment(A_PEER_PORT, LISTEN_PORT, isn_a + 1, req->snt_isn + 1, TCPHDR_ACK, win, 0,
		     NULL, 0, NULL, 0, 0);
	s->fd[T_A] = __sys_accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK);
	if (s->fd[T_A] < 0)
		harness_bug("accept A");

	/* B: our SYN, the peer's SYN-ACK, our ACK */
	s->fd[T_B] = socket_bound(B_PORT);
	if (connect_peer(s->fd[T_B], B_PEER_PORT) != -EINPROGRESS)
		harness_bug("connect B");
	fuzz_drain_tx();
	sk = conn_sock(B_PORT, B_PEER_PORT);
	if (!sk)
		harness_bug("no sock for B");
	optlen = handshake_opts(pro[9], opts, &win);
	peer_segment(B_PEER_PORT, B_PORT, isn_b, tcp_sk(sk)->iss + 1, TCPHDR_SYN | TCPHDR_ACK,
		     win, 0, opts, optlen, NULL, 0, 0);
	if (sk->sk_state != TCP_ESTABLISHED)
		harness_bug("B not established");

	/* C: our SYN, unanswered */
	s->fd[T_C] = socket_bound(C_PORT);
	if (connect_peer(s->fd[T_C], C_PEER_PORT) != -EINPROGRESS)
		harness_bug("connect C");
	fuzz_drain_tx();
}

static uint8_t payload_bytes[4096];

/* A user call on the target's descriptor (bits 3-5 of ctl). */
static void user_call(struct scene *s, int target, unsigned int call, unsigned int len)
{
	static uint8_t buf[65536];
	int *fdp = target == T_LISTENER ? &s->lfd : &s->fd[target];
	int fd = *fdp;

	if (fd < 0)
		return;
	switch (call) {
	case 1:
		__sys_recvfrom(fd, buf, sizeof(buf), 0, NULL, NULL);
		break;
	case 2:
		__sys_sendto(fd, payload_bytes, 1 + len * 16, 0, NULL, 0);
		break;
	case 3:
		__sys_shutdown(fd, SHUT_WR);
		break;
	case 4:
		__sys_shutdown(fd, SHUT_RD);
		break;
	case 5:
		__sys_close(fd);
		*fdp = -1;
		break;
	case 6:
		if (s->lfd >= 0 && s->nextra < MAX_FDS) {
			int c = __sys_accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK);

			if (c >= 0)
				s->extra[s->nextra++] = c;
		}
		break;
	case 7:
		/* fill the send buffer: window, Nagle and persist paths */
		while (__sys_sendto(fd, buf, sizeof(buf), 0, NULL, 0) > 0)
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

	list_for_each(pos, &q->list)
		n += list_entry(pos, struct sk_buff, list)->len;
	return n;
}

static void sock_bug(const struct sock *sk, const char *what)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	fprintf(stderr, "TCP invariant broken: %s\n  sock :%u -> :%u state %s, snd_una %u "
		"snd_nxt %u snd_max %u write_seq %u rcv_nxt %u wmem %u rmem %u\n", what,
		sk->sk_num, ntohs(sk->sk_dport), tcp_state_name(sk->sk_state), tp->snd_una,
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
		list_for_each(pos, &tp->accept_queue.syn_queue)
			n++;
		if (n != tp->accept_queue.syn_qlen)
			sock_bug(sk, "syn_qlen");
		n = 0;
		list_for_each(pos, &tp->accept_queue.accept_queue)
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
	list_for_each(pos, &sk->sk_write_queue.list) {
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
	/* the out-of-order queue: sorted, no overlaps */
	prev = NULL;
	list_for_each(pos, &tp->out_of_order_queue.list) {
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

	list_for_each_entry(sk, &sock_all_list, sk_all_node)
		if (sk->sk_protocol == IPPROTO_TCP)
			check_sock(sk);
}

/* The sequence numbers the target expects, and its ports. */
static void target_base(int target, uint8_t port_sel, uint16_t *sport, uint16_t *dport,
			uint32_t *seq, uint32_t *ack)
{
	static const uint16_t ours[] = { LISTEN_PORT, LISTEN_PORT, B_PORT, C_PORT };
	static const uint16_t peers[] = { 0, A_PEER_PORT, B_PEER_PORT, C_PEER_PORT };
	struct request_sock *req = NULL;
	struct sock *sk, *lsk;

	*dport = ours[target];
	*sport = target == T_LISTENER ? LISTENER_PEER_PORT + (port_sel & 7) : peers[target];
	*seq = NOBODY_SEQ;
	*ack = 0;
	sk = conn_sock(*dport, *sport);
	if (sk) {
		*seq = tcp_sk(sk)->rcv_nxt;
		*ack = tcp_sk(sk)->snd_una;
		return;
	}
	lsk = listener_sock();
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
			uint32_t v = ((uint32_t)p[i] << 24 | p[i + 1] << 16 | p[i + 2] << 8 | p[i + 3]) +
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

static const uint64_t advance_ms[4] = { 0, 50, 1000, 30000 };

static void close_all(struct scene *s)
{
	int i;

	for (i = T_A; i <= T_C; i++)
		if (s->fd[i] >= 0)
			__sys_close(s->fd[i]);
	for (i = 0; i < s->nextra; i++)
		__sys_close(s->extra[i]);
	if (s->lfd >= 0)
		__sys_close(s->lfd);
	fuzz_drain_tx();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_counts base;
	struct scene s;
	uint64_t waited;
	size_t at;

	if (size < PROLOGUE_LEN)
		return -1;
	fuzz_advance(1000);     /* rate limits refilled: each input on its own */
	fake_random_seed(0x7c9);
	fuzz_counts_take(&base);
	fuzz_learn_peer();
	build_scene(&s, data);
	check_socks();

	for (at = PROLOGUE_LEN; at < size;) {
		uint8_t h[REC_HDR_LEN] = { 0 }, body[40 + 255] = { 0 };
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
		n = size - at < optlen + len ? size - at : optlen + len;
		memcpy(body, data + at, n);
		at += n;

		target = h[0] & 3;
		target_base(target, h[10], &sport, &dport, &seq, &ack);
		rebase_sack_blocks(body, optlen, ack);
		seq += (uint32_t)(int16_t)(h[2] << 8 | h[3]);
		ack += (uint32_t)(int16_t)(h[4] << 8 | h[5]);
		peer_segment(sport, dport, seq, ack, h[1], (uint16_t)(h[6] << 8 | h[7]), h[8] >> 4,
			     body, optlen, body + optlen, len, h[0] & 0x04);
		check_socks();
		user_call(&s, target, (h[0] >> 3) & 7, (unsigned int)len);
		fuzz_drain_tx();
		check_socks();
		fuzz_advance(advance_ms[h[0] >> 6]);
		check_socks();
	}

	close_all(&s);
	for (waited = 0; sock_in_use() != base.socks && waited < CLEANUP_MAX_MS; waited += 1000) {
		fuzz_advance(1000);
		check_socks();
	}
	/* timers of the socks' last moments (delayed ACK, ARP) run out too */
	fuzz_advance(5000);
	arp_flush(NULL);
	fuzz_counts_check(&base, "after every sock ended");
	return 0;
}
