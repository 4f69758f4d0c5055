/*
 * tcptrace: one console line per TCP segment in and out, in the manner of
 * tcpdump, with the numbers a capture of the same segment shows in
 * Wireshark, so the two can be read side by side:
 *
 *   1.234567 out 127.0.0.1:40000 > 127.0.0.1:5001: Flags [S], seq 0, win 65535,
 *           options [mss 65495,nop,nop,sackOK,nop,wscale 2], length 0
 *
 * Sequence and acknowledgment numbers are relative to each side's initial
 * sequence number (a SYN has seq 0, its SYN-ACK ack 1), as Wireshark shows
 * them; `tcptrace on -S` prints them whole.  The window is the one the
 * segment grants, scaled (Wireshark's "calculated window size").  A line
 * longer than a VGA screen's 80 columns is broken between fields.
 */
#include <stdio.h>
#include <string.h>
#include "net/platform.h"
#include "net/tcp_priv.h"

#define TRACE_COLUMNS 80
#define TRACE_INDENT  "         "

int tcp_trace_enabled, tcp_trace_absolute;

void tcp_trace_enable(int on, int absolute)
{
	tcp_trace_enabled = on;
	tcp_trace_absolute = on && absolute;
}

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

/*
 * Prints line in pieces of at most TRACE_COLUMNS - 1 columns (a full row
 * would make the VGA console wrap on its own), breaking after the ", "
 * between two fields; continuation lines are indented.
 */
static void print_wrapped(const char *line)
{
	const size_t width = TRACE_COLUMNS - 1;
	size_t indent = 0;

	for (;;) {
		size_t len = strlen(line), room = width - indent, cut = 0;

		if (len <= room) {
			printk("%s%s\n", indent ? TRACE_INDENT : "", line);
			return;
		}
		for (size_t i = 0; i + 1 < room; i++) {
			if (line[i] == ',' && line[i + 1] == ' ')
				cut = i + 1;
		}
		if (!cut)
			cut = room; /* one field longer than a row: no better place */
		printk("%s%.*s\n", indent ? TRACE_INDENT : "", (int)cut, line);
		line += cut;
		while (*line == ' ')
			line++;
		indent = sizeof(TRACE_INDENT) - 1;
	}
}

void tcp_trace_segment(const struct sock *sk, const struct sk_buff *skb, uint32_t saddr,
		       uint32_t daddr, int outgoing)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	uint32_t seq, ack, seq_base = 0, ack_base = 0;
	unsigned int plen, win;
	uint64_t us;
	char src[24], dst[24], flags[8], opts[160], acks[24], seqs[40];
	char line[512];

	/* first: every segment in and out comes here, a flood's too, and the
	 * clock read below is not free under an emulator */
	if (!tcp_trace_enabled)
		return;
	seq = ntohl(th->seq);
	ack = ntohl(th->ack_seq);
	plen = skb->len - tcp_hdrlen(th);
	win = ntohs(th->window);
	us = ktime_ns() / 1000;
	if (sk && sk->sk_state != TCP_LISTEN && sk->sk_state != TCP_SYN_SENT) {
		const struct tcp_sock *tp = tcp_sk(sk);

		seq_base = outgoing ? tp->iss : tp->irs;
		ack_base = outgoing ? tp->irs : tp->iss;
		/* RFC 7323 2.2: the window field of a SYN is never scaled */
		if (!(th->flags & TCPHDR_SYN))
			win <<= outgoing ? tp->rcv_wscale : tp->snd_wscale;
	} else if (sk && sk->sk_state == TCP_LISTEN && !outgoing && !(th->flags & TCPHDR_SYN)) {
		struct request_sock *req =
			inet_csk_search_req((struct sock *)sk, saddr, th->source, daddr);

		if (req) {
			seq_base = req->rcv_isn;
			ack_base = req->snt_isn;
			win <<= req->snd_wscale;
		}
	}
	/* A SYN carries the initial sequence number itself: relative 0, and its
	 * acknowledgment (a SYN-ACK's) the other side's initial number + 1. */
	if (th->flags & TCPHDR_SYN) {
		seq_base = seq;
		ack_base = ack - 1;
	}
	if (tcp_trace_absolute)
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
	snprintf(line, sizeof(line), "%llu.%06llu %s %s > %s: Flags [%s]%s%s, win %u%s, length %u",
		 (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000),
		 outgoing ? "out" : "in ", src, dst, flags, seqs, acks, win, opts, plen);
	print_wrapped(line);
}
