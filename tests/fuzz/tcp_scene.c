/*
 * The scene of fuzz_tcp, built by real handshakes through the stack, and
 * the peer's side of the wire: see tcp_scene.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "net/checksum.h"
#include "net/eth.h"
#include "net/icmp.h"
#include "net/ip.h"
#include "net/platform.h"
#include "net/socket.h"
#include "net/tcp_priv.h"
#include "tests/fuzz/harness.h"
#include "tests/fuzz/tcp_scene.h"
#include "tests/unit/support/platform_test.h"

/*
 * The two streams repeat every 64 KiB (a multiple that divides 2^32, so the
 * peer's stays consistent across sequence number wrap-around); each table
 * holds two periods, so that any run of up to one period is one memcpy or
 * memcmp away.
 */
static uint8_t peer_pattern[2 * TSCENE_PATTERN_PERIOD], app_pattern[2 * TSCENE_PATTERN_PERIOD];

void scene_init(void)
{
	uint32_t x = 0x9e3779b9, i;

	for (i = 0; i < TSCENE_PATTERN_PERIOD; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		peer_pattern[i] = peer_pattern[i + TSCENE_PATTERN_PERIOD] = (uint8_t)x;
		app_pattern[i] = app_pattern[i + TSCENE_PATTERN_PERIOD] = (uint8_t)(x >> 8);
	}
}

const uint8_t *scene_peer_bytes(uint32_t seq) { return peer_pattern + seq % TSCENE_PATTERN_PERIOD; }

const uint8_t *scene_app_bytes(uint32_t off) { return app_pattern + off % TSCENE_PATTERN_PERIOD; }

void scene_bug(const char *what)
{
	fprintf(stderr, "fuzz_tcp harness: %s\n", what);
	abort();
}

/*
 * What the stack will take as payload (after the data offset the header
 * claims, which the input may set wrong) becomes the peer's stream: the
 * bytes from sequence number s on are scene_peer_bytes(s); a SYN's data starts at seq + 1.
 */
static void gen_peer_payload(uint8_t *seg, size_t tlen)
{
	const struct tcphdr *th = (const struct tcphdr *)seg;
	uint32_t seq = ntohl(th->seq) + !!(th->flags & TCPHDR_SYN);
	size_t hl = tcp_hdrlen(th);

	if (hl < sizeof(*th) || hl > tlen)
		return; /* the stack drops it before looking at data */
	memcpy(seg + hl, scene_peer_bytes(seq), tlen - hl);
}

void scene_peer_segment(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
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
void scene_peer_icmp_error(uint16_t peer_port, uint16_t our_port, uint32_t seq, uint8_t sel)
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

struct sock *scene_listener_sock(void)
{
	return inet_lookup_listener(fuzz_our_ip, htons(TSCENE_LISTEN_PORT));
}

struct sock *scene_conn_sock(uint16_t our_port, uint16_t peer_port)
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
		scene_bug("socket/bind");
	return fd;
}

static int connect_peer(int fd, uint16_t peer_port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(peer_port),
				  .sin_addr.s_addr = fuzz_peer_ip};

	return __sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin));
}

int scene_fd_ports(int fd, uint16_t *our, uint16_t *peer)
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

void scene_learn_irs(struct conn_fd *c)
{
	uint16_t our, peer;
	struct sock *sk;

	if (c->fd < 0 || c->irs_known || scene_fd_ports(c->fd, &our, &peer) < 0)
		return;
	sk = scene_conn_sock(our, peer);
	if (sk && sk->sk_state != TCP_SYN_SENT) {
		c->irs = tcp_sk(sk)->irs;
		c->irs_known = 1;
	}
}

void scene_fd_init(struct conn_fd *c, int fd)
{
	c->fd = fd;
	c->read = 0;
	c->irs_known = 0;
	scene_learn_irs(c);
}

/*
 * accept() takes the head of the listener's queue, synchronized by
 * definition: its ISN is taken from it there.  Later the sock may be out of
 * the hash (a child reset while it waited is still accepted, its data still
 * readable, as on Linux), and the peer may have used its 4-tuple again.
 */
int scene_accept(int lfd, struct conn_fd *c)
{
	struct sock *l = scene_listener_sock();
	struct tcp_sock *head = NULL;
	int fd;

	if (l && !list_empty(&tcp_sk(l)->accept_queue.accept_queue))
		head = list_first_entry(&tcp_sk(l)->accept_queue.accept_queue, struct tcp_sock,
					accept_node);
	fd = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	if (fd < 0)
		return fd;
	if (!head)
		scene_bug("accept() returned a sock its queue did not hold");
	c->fd = fd;
	c->read = 0;
	c->irs = head->irs;
	c->irs_known = 1;
	return fd;
}

void scene_build(struct scene *s, const uint8_t *pro)
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
	s->lfd = socket_bound(TSCENE_LISTEN_PORT, pro[10]);
	if (__sys_listen(s->lfd, 4) < 0)
		scene_bug("listen");

	/* A: SYN, our SYN-ACK, the ACK, accept */
	optlen = handshake_opts(pro[8], opts, &win);
	scene_peer_segment(TSCENE_A_PEER_PORT, TSCENE_LISTEN_PORT, isn_a, 0, TCPHDR_SYN, win, 0,
			   opts, optlen, NULL, 0);
	req = inet_csk_search_req(scene_listener_sock(), fuzz_peer_ip, htons(TSCENE_A_PEER_PORT),
				  fuzz_our_ip);
	if (!req)
		scene_bug("no request sock for A");
	scene_peer_segment(TSCENE_A_PEER_PORT, TSCENE_LISTEN_PORT, isn_a + 1, req->snt_isn + 1,
			   TCPHDR_ACK, win, 0, NULL, 0, NULL, 0);
	if (scene_accept(s->lfd, &s->c[T_A]) < 0)
		scene_bug("accept A");

	/* B: our SYN, the peer's SYN-ACK, our ACK */
	fd = socket_bound(TSCENE_B_PORT, pro[10]);
	if (connect_peer(fd, TSCENE_B_PEER_PORT) != -EINPROGRESS)
		scene_bug("connect B");
	fuzz_drain_tx();
	sk = scene_conn_sock(TSCENE_B_PORT, TSCENE_B_PEER_PORT);
	if (!sk)
		scene_bug("no sock for B");
	optlen = handshake_opts(pro[9], opts, &win);
	scene_peer_segment(TSCENE_B_PEER_PORT, TSCENE_B_PORT, isn_b, tcp_sk(sk)->iss + 1,
			   TCPHDR_SYN | TCPHDR_ACK, win, 0, opts, optlen, NULL, 0);
	if (sk->sk_state != TCP_ESTABLISHED)
		scene_bug("B not established");
	scene_fd_init(&s->c[T_B], fd);

	/* C: our SYN, unanswered */
	fd = socket_bound(TSCENE_C_PORT, pro[10]);
	if (connect_peer(fd, TSCENE_C_PEER_PORT) != -EINPROGRESS)
		scene_bug("connect C");
	fuzz_drain_tx();
	scene_fd_init(&s->c[T_C], fd);
}

void scene_close(struct scene *s)
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
