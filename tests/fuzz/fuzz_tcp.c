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
 *   prologue, 11 bytes: peer ISN of A (4), peer ISN of B (4), then the
 *     handshake options of A's SYN and of B's SYN-ACK, one byte each:
 *     0x01 MSS 1460, 0x02 SACK-permitted, 0x04 window scale (shift in the
 *     high nibble), 0x08 a zero window; then our buffer sizes, set on the
 *     listener (so A and its other children) and on B and C: low nibble
 *     SO_RCVBUF, high nibble SO_SNDBUF, 2 KiB per unit (0: the default).
 *   records, each an 11-byte header, then option bytes:
 *     ctl      bits 0-1 target: 0 the listener (peer port 50000 + (port & 7)),
 *              1 A, 2 B, 3 C;  bit 2: instead of the segment, an ICMP
 *              error from the peer quoting the segment we would have sent
 *              with sequence number ack, type and code from the flags
 *              byte (see peer_icmp_error);
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
 * Payload bytes are not taken from the input: the peer's byte at sequence
 * number s is peer_bytes(s)[0], and the n-th byte an application writes is
 * app_bytes(n)[0].  So two end-to-end oracles hold whatever the segments: what
 * recv() returns is the peer's stream from IRS + 1 on, without gap or
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
#include "net/checksum.h"
#include "net/eth.h"
#include "net/icmp.h"
#include "net/ip.h"
#include "net/platform.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "tests/fuzz/harness.h"
#include "tests/unit/support/platform_test.h"

#define LISTEN_PORT	   8080
#define A_PEER_PORT	   40001
#define B_PORT		   33001
#define B_PEER_PORT	   5555
#define C_PORT		   33002
#define C_PEER_PORT	   5556
#define LISTENER_PEER_PORT 50000
#define MAX_FDS		   8 /* A, B, C, the listener, accepted children */
#define PROLOGUE_LEN	   11
#define REC_HDR_LEN	   11
#define NOBODY_SEQ	   0x10000000u
/* Every sock must be gone this long after its last close (see main comment). */
#define CLEANUP_MAX_MS	   (20 * 60 * 1000)

enum { T_LISTENER, T_A, T_B, T_C };

/* A connected descriptor and what has been read from it. */
struct conn_fd {
	int fd; /* -1 once closed */
	int irs_known;
	uint32_t irs;  /* the peer's ISN, once known */
	uint32_t read; /* bytes recv() returned so far */
};

struct scene {
	int lfd;
	struct conn_fd c[4];	       /* by target; c[T_LISTENER] unused */
	struct conn_fd extra[MAX_FDS]; /* accepted children */
	int nextra;
};

/* What the application wrote on one connection (by ports: they are unique
 * among live connections, and a new one over the same ports resets it). */
struct stream {
	uint16_t our_port, peer_port;
	uint32_t iss;
	uint32_t written;
};
static struct stream streams[MAX_FDS + 4];
static int nstreams;

/*
 * The two streams repeat every 64 KiB (a multiple that divides 2^32, so the
 * peer's stays consistent across sequence number wrap-around); each table
 * holds two periods, so that any run of up to one period is one memcpy or
 * memcmp away.
 */
#define PATTERN_PERIOD 65536u
static uint8_t peer_pattern[2 * PATTERN_PERIOD], app_pattern[2 * PATTERN_PERIOD];

static void patterns_init(void)
{
	uint32_t x = 0x9e3779b9, i;

	for (i = 0; i < PATTERN_PERIOD; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		peer_pattern[i] = peer_pattern[i + PATTERN_PERIOD] = (uint8_t)x;
		app_pattern[i] = app_pattern[i + PATTERN_PERIOD] = (uint8_t)(x >> 8);
	}
}

/* The peer's bytes from sequence number seq on; ours from stream offset off on. */
static const uint8_t *peer_bytes(uint32_t seq) { return peer_pattern + seq % PATTERN_PERIOD; }

static const uint8_t *app_bytes(uint32_t off) { return app_pattern + off % PATTERN_PERIOD; }

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static void check_sent_payload(const uint8_t *frame, size_t len);

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
	fuzz_tx_hook = check_sent_payload;
	patterns_init();
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

/*
 * What the stack will take as payload (after the data offset the header
 * claims, which the input may set wrong) becomes the peer's stream: the
 * bytes from sequence number s on are peer_bytes(s); a SYN's data starts at seq + 1.
 */
static void gen_peer_payload(uint8_t *seg, size_t tlen)
{
	const struct tcphdr *th = (const struct tcphdr *)seg;
	uint32_t seq = ntohl(th->seq) + !!(th->flags & TCPHDR_SYN);
	size_t hl = tcp_hdrlen(th);

	if (hl < sizeof(*th) || hl > tlen)
		return; /* the stack drops it before looking at data */
	memcpy(seg + hl, peer_bytes(seq), tlen - hl);
}

/* Sends a segment from the peer: header fields and options as given, payload see above. */
static void peer_segment(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
			 uint16_t win, uint8_t doff, const uint8_t *opts, size_t optlen,
			 const uint8_t *data, size_t len)
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
	gen_peer_payload(seg, tlen);
	th->check = csum_tcpudp_magic(fuzz_peer_ip, fuzz_our_ip, (uint16_t)tlen, IPPROTO_TCP,
				      csum_partial(seg, (int)tlen, 0));
	fake_eth_inject(fuzz_eth, frame,
			fake_build_ip(frame, fuzz_our_mac, fuzz_peer_mac, fuzz_peer_ip, fuzz_our_ip,
				      IPPROTO_TCP, seg, tlen));
	fuzz_drain_tx();
}

/*
 * RFC 792: an ICMP error from the peer about a segment from our_port with
 * sequence number seq: time exceeded if sel has 0x10, else destination
 * unreachable with code sel & 0x0f.  It quotes the IP header and the first
 * 8 bytes of the TCP header (ports and sequence number).
 */
static void peer_icmp_error(uint16_t peer_port, uint16_t our_port, uint32_t seq, uint8_t sel)
{
	uint8_t msg[sizeof(struct icmphdr) + sizeof(struct iphdr) + 8];
	uint8_t frame[ETH_HLEN + sizeof(struct iphdr) + sizeof(msg)];
	struct icmphdr *icmph = (struct icmphdr *)msg;
	struct iphdr *q = (struct iphdr *)(icmph + 1);
	struct tcphdr th;

	memset(msg, 0, sizeof(msg));
	icmph->type = (sel & 0x10) ? ICMP_TIME_EXCEEDED : ICMP_DEST_UNREACH;
	icmph->code = (sel & 0x10) ? 0 : sel & 0x0f;
	q->ihl_version = 0x45;
	q->tot_len = htons(sizeof(*q) + sizeof(th));
	q->frag_off = htons(IP_DF);
	q->ttl = 1;
	q->protocol = IPPROTO_TCP;
	q->saddr = fuzz_our_ip;
	q->daddr = fuzz_peer_ip;
	q->check = ip_compute_csum(q, sizeof(*q));
	memset(&th, 0, sizeof(th));
	th.source = htons(our_port);
	th.dest = htons(peer_port);
	th.seq = htonl(seq);
	memcpy(q + 1, &th, 8);
	icmph->checksum = ip_compute_csum(msg, sizeof(msg));
	fake_eth_inject(fuzz_eth, frame,
			fake_build_ip(frame, fuzz_our_mac, fuzz_peer_mac, fuzz_peer_ip, fuzz_our_ip,
				      IPPROTO_ICMP, msg, sizeof(msg)));
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

/* A socket bound to port, with the buffer sizes of prologue byte bufs. */
static int socket_bound(uint16_t port, uint8_t bufs)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	int one = 1, fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int rcv = 2048 * (bufs & 0x0f), snd = 2048 * (bufs >> 4);

	if (fd < 0 || __sys_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (rcv && __sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)) < 0) ||
	    (snd && __sys_setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd)) < 0) ||
	    __sys_bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		harness_bug("socket/bind");
	return fd;
}

static int connect_peer(int fd, uint16_t peer_port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(peer_port),
				  .sin_addr.s_addr = fuzz_peer_ip};

	return __sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin));
}

static int fd_ports(int fd, uint16_t *our, uint16_t *peer)
{
	struct sockaddr_in a, b;
	socklen_t la = sizeof(a), lb = sizeof(b);

	if (__sys_getsockname(fd, (struct sockaddr *)&a, &la) < 0 ||
	    __sys_getpeername(fd, (struct sockaddr *)&b, &lb) < 0)
		return -1;
	*our = ntohs(a.sin_port);
	*peer = ntohs(b.sin_port);
	return 0;
}

/* The peer's ISN, from the live sock of the descriptor, once it is synchronized. */
static void conn_learn_irs(struct conn_fd *c)
{
	uint16_t our, peer;
	struct sock *sk;

	if (c->fd < 0 || c->irs_known || fd_ports(c->fd, &our, &peer) < 0)
		return;
	sk = conn_sock(our, peer);
	if (sk && sk->sk_state != TCP_SYN_SENT) {
		c->irs = tcp_sk(sk)->irs;
		c->irs_known = 1;
	}
}

static void conn_fd_init(struct conn_fd *c, int fd)
{
	c->fd = fd;
	c->read = 0;
	c->irs_known = 0;
	conn_learn_irs(c);
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

	if (fd_ports(fd, &our, &peer) < 0 || !(sk = conn_sock(our, peer)))
		return NULL;
	st = stream_find(our, peer);
	if (!st) {
		if (nstreams == (int)(sizeof(streams) / sizeof(streams[0])))
			harness_bug("too many streams");
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
	if (memcmp((const uint8_t *)th + tcp_hdrlen(th), app_bytes(off), plen))
		stream_bug("payload differs from what the application wrote", frame, len);
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
	int fd;

	memset(s, -1, sizeof(*s));
	s->nextra = 0;
	nstreams = 0;
	s->lfd = socket_bound(LISTEN_PORT, pro[10]);
	if (__sys_listen(s->lfd, 4) < 0)
		harness_bug("listen");

	/* A: SYN, our SYN-ACK, the ACK, accept */
	optlen = handshake_opts(pro[8], opts, &win);
	peer_segment(A_PEER_PORT, LISTEN_PORT, isn_a, 0, TCPHDR_SYN, win, 0, opts, optlen, NULL, 0);
	req = inet_csk_search_req(listener_sock(), fuzz_peer_ip, htons(A_PEER_PORT), fuzz_our_ip);
	if (!req)
		harness_bug("no request sock for A");
	peer_segment(A_PEER_PORT, LISTEN_PORT, isn_a + 1, req->snt_isn + 1, TCPHDR_ACK, win, 0,
		     NULL, 0, NULL, 0);
	fd = __sys_accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK);
	if (fd < 0)
		harness_bug("accept A");
	conn_fd_init(&s->c[T_A], fd);

	/* B: our SYN, the peer's SYN-ACK, our ACK */
	fd = socket_bound(B_PORT, pro[10]);
	if (connect_peer(fd, B_PEER_PORT) != -EINPROGRESS)
		harness_bug("connect B");
	fuzz_drain_tx();
	sk = conn_sock(B_PORT, B_PEER_PORT);
	if (!sk)
		harness_bug("no sock for B");
	optlen = handshake_opts(pro[9], opts, &win);
	peer_segment(B_PEER_PORT, B_PORT, isn_b, tcp_sk(sk)->iss + 1, TCPHDR_SYN | TCPHDR_ACK, win,
		     0, opts, optlen, NULL, 0);
	if (sk->sk_state != TCP_ESTABLISHED)
		harness_bug("B not established");
	conn_fd_init(&s->c[T_B], fd);

	/* C: our SYN, unanswered */
	fd = socket_bound(C_PORT, pro[10]);
	if (connect_peer(fd, C_PEER_PORT) != -EINPROGRESS)
		harness_bug("connect C");
	fuzz_drain_tx();
	conn_fd_init(&s->c[T_C], fd);
}

/* Sends up to n bytes of the application's stream; returns what send() did. */
static long app_send(int fd, size_t n)
{
	struct stream *st = stream_for(fd);
	long r;

	if (n > PATTERN_PERIOD)
		n = PATTERN_PERIOD;
	r = __sys_sendto(fd, app_bytes(st ? st->written : 0), n, 0, NULL, 0);
	if (r > 0 && !st)
		harness_bug("send() took data on a connection without a live sock");
	if (r > 0)
		st->written += (uint32_t)r;
	return r;
}

/* recv(), and what it returned must be the peer's stream where we are in it. */
static void app_recv(struct conn_fd *c)
{
	static uint8_t buf[PATTERN_PERIOD];
	long n = __sys_recvfrom(c->fd, buf, sizeof(buf), 0, NULL, NULL);

	if (n <= 0)
		return;
	conn_learn_irs(c);
	if (!c->irs_known)
		harness_bug("data before the peer's ISN was known");
	if (memcmp(buf, peer_bytes(c->irs + 1 + c->read), (size_t)n)) {
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
		} else if (s->nextra < MAX_FDS) {
			int fd = __sys_accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK);

			if (fd >= 0)
				conn_fd_init(&s->extra[s->nextra++], fd);
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
		while (app_send(c->fd, PATTERN_PERIOD) > 0)
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
	static const uint16_t ours[] = {LISTEN_PORT, LISTEN_PORT, B_PORT, C_PORT};
	static const uint16_t peers[] = {0, A_PEER_PORT, B_PEER_PORT, C_PEER_PORT};
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

static void close_all(struct scene *s)
{
	int i;

	for (i = T_A; i <= T_C; i++)
		if (s->c[i].fd >= 0)
			__sys_close(s->c[i].fd);
	for (i = 0; i < s->nextra; i++)
		if (s->extra[i].fd >= 0)
			__sys_close(s->extra[i].fd);
	if (s->lfd >= 0)
		__sys_close(s->lfd);
	fuzz_drain_tx();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_counts base;
	struct scene s;
	uint64_t waited;
	size_t at, i;

	if (size < PROLOGUE_LEN)
		return -1;
	fuzz_advance(1000); /* rate limits refilled: each input on its own */
	fake_random_seed(0x7c9);
	fuzz_counts_take(&base);
	fuzz_learn_peer();
	build_scene(&s, data);
	check_socks();

	for (at = PROLOGUE_LEN; at < size;) {
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
			peer_icmp_error(sport, dport, ack, h[1]);
		else
			peer_segment(sport, dport, seq, ack, h[1], (uint16_t)(h[6] << 8 | h[7]),
				     h[8] >> 4, body, optlen, body + optlen, len);
		for (i = T_A; i <= T_C; i++)
			conn_learn_irs(&s.c[i]);
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
