/*
 * tcptrace: one console line per TCP segment in and out, in the manner of
 * tcpdump, so a handshake and a teardown can be read as they happen:
 *
 *   1.234567 127.0.0.1:40000 > 127.0.0.1:5001: Flags [S], seq 12345, win 65535,
 *            options [mss 65495,sackOK,wscale 2], length 0
 *
 * Sequence numbers are relative to the initial ones once the connection
 * is known (as tcpdump prints them); SYNs show them whole.
 */
#include <stdio.h>
#include "net/platform.h"
#include "net/tcp_priv.h"

int tcp_trace_enabled;

void tcp_trace_enable(int on) { tcp_trace_enabled = on; }

static int fmt_addr(char *buf, size_t n, uint32_t addr, uint16_t port)
{
	const uint8_t *a = (const uint8_t *)&addr;

	return snprintf(buf, n, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3], port);
}

static int fmt_flags(char *buf, uint8_t f)
{
	int n = 0;

	if (f & TCPHDR_SYN)
		buf[n++] = 'S';
	if (f & TCPHDR_FIN)
		buf[n++] = 'F';
	if (f & TCPHDR_RST)
		buf[n++] = 'R';
	if (f & TCPHDR_PSH)
		buf[n++] = 'P';
	if (f & TCPHDR_URG)
		buf[n++] = 'U';
	if (f & TCPHDR_ACK)
		buf[n++] = '.';
	buf[n] = 0;
	return n;
}

static int fmt_options(char *buf, size_t size, const struct tcphdr *th)
{
	const uint8_t *p = (const uint8_t *)(th + 1);
	int len = (int)tcp_hdrlen(th) - (int)sizeof(*th), n = 0, first = 1;

	if (len <= 0)
		return 0;
	n += snprintf(buf + n, size - n, ", options [");
	while (len > 0 && (size_t)n < size) {
		int kind = p[0], olen = kind <= TCPOPT_NOP ? 1 : (len > 1 ? p[1] : 0);
		const char *sep = first ? "" : ",";

		if (olen < 1 || olen > len)
			break;
		first = 0;
		if (kind == TCPOPT_EOL)
			n += snprintf(buf + n, size - n, "%seol", sep);
		else if (kind == TCPOPT_NOP)
			n += snprintf(buf + n, size - n, "%snop", sep);
		else if (kind == TCPOPT_MSS && olen == 4)
			n += snprintf(buf + n, size - n, "%smss %u", sep, p[2] << 8 | p[3]);
		else if (kind == TCPOPT_WINDOW && olen == 3)
			n += snprintf(buf + n, size - n, "%swscale %u", sep, p[2]);
		else if (kind == TCPOPT_SACK_PERM)
			n += snprintf(buf + n, size - n, "%ssackOK", sep);
		else if (kind == TCPOPT_SACK)
			n += snprintf(buf + n, size - n, "%ssack %d", sep, (olen - 2) / 8);
		else
			n += snprintf(buf + n, size - n, "%sopt-%d", sep, kind);
		if (kind == TCPOPT_EOL)
			break;
		p += olen;
		len -= olen;
	}
	if ((size_t)n < size)
		n += snprintf(buf + n, size - n, "]");
	return n;
}

void tcp_trace_segment(const struct sock *sk, const struct sk_buff *skb, uint32_t saddr,
		       uint32_t daddr, int outgoing)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	uint32_t seq = ntohl(th->seq), ack = ntohl(th->ack_seq);
	uint32_t seq_base = 0, ack_base = 0;
	unsigned int plen = skb->len - tcp_hdrlen(th);
	uint64_t us = ktime_ns() / 1000;
	char src[24], dst[24], flags[8], opts[160], acks[24], seqs[40];

	if (!tcp_trace_enabled)
		return;
	if (sk && sk->sk_state != TCP_LISTEN && sk->sk_state != TCP_SYN_SENT) {
		const struct tcp_sock *tp = tcp_sk(sk);

		seq_base = outgoing ? tp->iss : tp->irs;
		ack_base = outgoing ? tp->irs : tp->iss;
	} else if (sk && sk->sk_state == TCP_LISTEN && !outgoing && !(th->flags & TCPHDR_SYN)) {
		struct request_sock *req =
			inet_csk_search_req((struct sock *)sk, saddr, th->source, daddr);

		if (req) {
			seq_base = req->rcv_isn;
			ack_base = req->snt_isn;
		}
	}
	if (th->flags & TCPHDR_SYN)
		seq_base = ack_base = 0;
	fmt_addr(src, sizeof(src), saddr, ntohs(th->source));
	fmt_addr(dst, sizeof(dst), daddr, ntohs(th->dest));
	fmt_flags(flags, th->flags);
	opts[0] = 0;
	fmt_options(opts, sizeof(opts), th);
	if (plen)
		snprintf(seqs, sizeof(seqs), ", seq %u:%u", seq - seq_base, seq - seq_base + plen);
	else
		snprintf(seqs, sizeof(seqs), ", seq %u", seq - seq_base);
	acks[0] = 0;
	if (th->flags & TCPHDR_ACK)
		snprintf(acks, sizeof(acks), ", ack %u", ack - ack_base);
	printk("%llu.%06llu %s %s > %s: Flags [%s]%s%s, win %u%s, length %u\n",
	       (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000),
	       outgoing ? "out" : "in ", src, dst, flags, seqs, acks, ntohs(th->window), opts,
	       plen);
}
