/*
 * ICMP: answers echo requests, delivers echo replies and unreachables to
 * waiting pings, hands errors about TCP segments to tcp_v4_err, and sends
 * destination unreachable under the rules of RFC 1122 3.2.2.
 */
#include <arpa/inet.h>

#include "net/icmp.h"
#include "net/eth.h"
#include "net/checksum.h"
#include "net/platform.h"
#include "net/route.h"
#include "net/tcp.h"
#include "net/udp.h"

/* RFC 1812 4.3.2.3: an error quotes as much of the datagram as fits in 576 bytes. */
#define ICMP_ERR_MAX_LEN 576

struct icmp_mib icmp_statistics;

/* One task waiting in icmp_ping. */
struct ping_waiter {
	struct list_head node;
	uint32_t daddr;
	uint16_t id, seq; /* network order */
	size_t payload_len;
	uint64_t sent_ns;
	int done; /* an answer arrived */
	int err;  /* 0, or what the answer means */
	struct icmp_ping_reply reply;
};

static LIST_HEAD(ping_waiters);

/* One task waiting in icmp_udp_probe for the error its datagram draws. */
struct probe_waiter {
	struct list_head node;
	uint32_t daddr;
	uint16_t sport, dport; /* network order */
	uint64_t sent_ns;
	int done;
	struct icmp_ping_reply reply;
};

static LIST_HEAD(probe_waiters);
static wait_queue_head_t ping_wq;
static int ping_wq_ready;

/* Error token bucket (RFC 1812 4.3.2.8). */
static uint64_t err_tokens_ms = ICMP_ERR_BURST * (1000 / ICMP_ERR_PER_SEC);
static uint64_t err_tokens_at;

static void ping_fill_pattern(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(0x10 + i); /* Linux ping's pattern after the timestamp */
}

/* Takes ownership of skb (data at the ICMP header) and sends it, with
 * frag_off's DF or without (then fragmented as needed). */
static int icmp_push_send(struct sk_buff *skb, uint32_t saddr, uint32_t daddr, uint16_t frag_off)
{
	struct icmphdr *icmph = (struct icmphdr *)skb->data;

	icmph->checksum = 0;
	icmph->checksum = ip_compute_csum(skb->data, skb->len);
	icmp_statistics.out_msgs++;
	return ip_send_datagram(skb, NULL, saddr, daddr, IPPROTO_ICMP, frag_off, 0);
}

static struct sk_buff *icmp_alloc(size_t len)
{
	struct sk_buff *skb = alloc_skb(MAX_HEADER_LEN + len);

	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_HEADER_LEN);
	return skb;
}

/* RFC 792 echo: the reply carries the request's id, sequence and data. */
static void icmp_echo(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct sk_buff *r;
	struct icmphdr *rh;

	/* Linux's icmp_echo_ignore_broadcasts default: no smurf amplifier here. */
	if (skb->pkt_type != PACKET_HOST)
		return;
	r = icmp_alloc(skb->len);
	if (!r)
		return;
	memcpy(skb_put(r, skb->len), skb->data, skb->len);
	rh = (struct icmphdr *)r->data;
	rh->type = ICMP_ECHOREPLY;
	rh->code = 0;
	icmp_statistics.out_echo_reps++;
	icmp_push_send(r, iph->daddr, iph->saddr, 0); /* a reply to a fragmented echo is cut too */
}

static void ping_complete(struct ping_waiter *w, int err, const struct sk_buff *skb,
			  const struct icmphdr *icmph)
{
	const struct iphdr *iph = ip_hdr(skb);

	w->err = err;
	w->reply.from = iph->saddr;
	w->reply.rtt_us = (ktime_ns() - w->sent_ns) / 1000;
	w->reply.ttl = iph->ttl;
	w->reply.len = skb->len;
	w->reply.type = icmph->type;
	w->reply.code = icmph->code;
	w->done = 1;
	wake_up(&ping_wq);
}

static void icmp_echo_reply(struct sk_buff *skb)
{
	const struct icmphdr *icmph = (const struct icmphdr *)skb->data;
	struct ping_waiter *w;

	list_for_each_entry (w, &ping_waiters, node) {
		uint8_t expect[64];
		const uint8_t *data = skb->data + sizeof(*icmph);
		size_t off;
		int err = 0;

		if (w->done || w->id != icmph->un.echo.id || w->seq != icmph->un.echo.sequence ||
		    w->daddr != ip_hdr(skb)->saddr)
			continue;
		if (skb->len - sizeof(*icmph) != w->payload_len)
			err = -EIO;
		for (off = 0; !err && off < w->payload_len; off += sizeof(expect)) {
			size_t n = w->payload_len - off < sizeof(expect) ? w->payload_len - off
									 : sizeof(expect);
			size_t i;

			for (i = 0; i < n; i++)
				expect[i] = (uint8_t)(0x10 + off + i);
			if (memcmp(data + off, expect, n) != 0)
				err = -EIO;
		}
		ping_complete(w, err, skb, icmph);
		return;
	}
}

/* Linux's icmp_err_convert: what each destination unreachable code means to a socket. */
const int icmp_err_convert[NR_ICMP_UNREACH + 1] = {
	ENETUNREACH,  /* 0 network unreachable */
	EHOSTUNREACH, /* 1 host unreachable */
	ENOPROTOOPT,  /* 2 protocol unreachable */
	ECONNREFUSED, /* 3 port unreachable */
	EMSGSIZE,     /* 4 fragmentation needed and DF set */
	EOPNOTSUPP,   /* 5 source route failed */
	ENETUNREACH,  /* 6 destination network unknown */
	EHOSTDOWN,    /* 7 destination host unknown */
	ENONET,	      /* 8 source host isolated */
	ENETUNREACH,  /* 9 network administratively prohibited */
	EHOSTUNREACH, /* 10 host administratively prohibited */
	ENETUNREACH,  /* 11 network unreachable for TOS */
	EHOSTUNREACH, /* 12 host unreachable for TOS */
	EHOSTUNREACH, /* 13 communication administratively prohibited */
	EHOSTUNREACH, /* 14 host precedence violation */
	EHOSTUNREACH, /* 15 precedence cutoff in effect */
};

/* An error quoting a UDP datagram: the answer to a waiting probe, if any. */
static void icmp_probe_answer(struct sk_buff *skb, const struct iphdr *inner,
			      const struct udphdr *uh)
{
	const struct icmphdr *icmph = (const struct icmphdr *)skb->data;
	struct probe_waiter *w;

	list_for_each_entry (w, &probe_waiters, node) {
		if (w->done || w->daddr != inner->daddr || w->sport != uh->source ||
		    w->dport != uh->dest)
			continue;
		w->reply.from = ip_hdr(skb)->saddr;
		w->reply.rtt_us = (ktime_ns() - w->sent_ns) / 1000;
		w->reply.ttl = ip_hdr(skb)->ttl;
		w->reply.len = skb->len;
		w->reply.type = icmph->type;
		w->reply.code = icmph->code;
		w->done = 1;
		wake_up(&ping_wq);
		return;
	}
}

/*
 * A destination unreachable or time exceeded about one of our datagrams
 * (RFC 1122 3.2.2.1/3.2.2.4): the quote (its IP header and at least 8 bytes
 * after it, RFC 792) tells which transport it concerns: a waiting ping, or
 * a TCP connection (tcp_v4_err).
 */
static void icmp_unreach(struct sk_buff *skb)
{
	const struct icmphdr *icmph = (const struct icmphdr *)skb->data;
	const struct iphdr *inner = (const struct iphdr *)(skb->data + sizeof(*icmph));
	const struct icmphdr *orig;
	struct ping_waiter *w;
	unsigned int ihl;

	if (skb->len < sizeof(*icmph) + sizeof(*inner))
		return;
	ihl = (inner->ihl_version & 0x0f) * 4;
	if (ihl < sizeof(*inner) || skb->len < sizeof(*icmph) + ihl + 8)
		return; /* RFC 792: 64 bits of the datagram's data */
	if (inner->protocol == IPPROTO_TCP) {
		tcp_v4_err(skb);
		return;
	}
	if (inner->protocol == IPPROTO_UDP) {
		icmp_probe_answer(skb, inner,
				  (const struct udphdr *)((const uint8_t *)inner + ihl));
		return;
	}
	if (inner->protocol != IPPROTO_ICMP || icmph->type != ICMP_DEST_UNREACH)
		return;
	orig = (const struct icmphdr *)((const uint8_t *)inner + ihl);
	if (orig->type != ICMP_ECHO)
		return;
	list_for_each_entry (w, &ping_waiters, node) {
		if (!w->done && w->id == orig->un.echo.id && w->seq == orig->un.echo.sequence &&
		    w->daddr == inner->daddr) {
			/* about an echo we sent with DF and still wait for: the
			 * path MTU it reports is believed (RFC 1191 6.3, RFC 5927 4.1) */
			if (icmph->code == ICMP_FRAG_NEEDED && ntohs(icmph->un.frag.mtu) >= 68 &&
			    ntohs(icmph->un.frag.mtu) < ntohs(inner->tot_len))
				ip_rt_update_pmtu(inner->daddr, ntohs(icmph->un.frag.mtu));
			ping_complete(w, -EHOSTUNREACH, skb, icmph);
			return;
		}
	}
}

int icmp_rcv(struct sk_buff *skb)
{
	const struct icmphdr *icmph = (const struct icmphdr *)skb->data;

	icmp_statistics.in_msgs++;
	if (skb->len < sizeof(*icmph))
		goto error; /* shorter than the ICMP header */
	if (ip_compute_csum(skb->data, skb->len) != 0)
		goto error; /* RFC 792: checksum over the whole message */
	switch (icmph->type) {
	case ICMP_ECHO:
		icmp_statistics.in_echos++;
		icmp_echo(skb);
		break;
	case ICMP_ECHOREPLY:
		icmp_statistics.in_echo_reps++;
		icmp_echo_reply(skb);
		break;
	case ICMP_DEST_UNREACH:
		icmp_statistics.in_dest_unreachs++;
		icmp_unreach(skb);
		break;
	case ICMP_TIME_EXCEEDED:
		icmp_statistics.in_time_excds++;
		icmp_unreach(skb);
		break;
	default:
		break; /* RFC 1122 3.2.2: ignore unknown types */
	}
	kfree_skb(skb);
	return 0;
error:
	icmp_statistics.in_errors++;
	kfree_skb(skb);
	return -EINVAL;
}

static int icmp_is_error(uint8_t type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
	       type == 4 /* source quench */ || type == 5 /* redirect */ ||
	       type == 12 /* parameter problem */;
}

/* The error token bucket, in milliseconds of credit (1000/ICMP_ERR_PER_SEC per token). */
static int icmp_err_allowed(void)
{
	const uint64_t cost = 1000 / ICMP_ERR_PER_SEC;
	const uint64_t cap = ICMP_ERR_BURST * cost;
	uint64_t now = jiffies_ms();

	err_tokens_ms += now - err_tokens_at;
	err_tokens_at = now;
	if (err_tokens_ms > cap)
		err_tokens_ms = cap;
	if (err_tokens_ms < cost)
		return 0;
	err_tokens_ms -= cost;
	return 1;
}

void __icmp_send(struct sk_buff *skb_in, int type, int code, uint32_t info)
{
	const struct iphdr *iph = ip_hdr(skb_in);
	unsigned int ihl = (iph->ihl_version & 0x0f) * 4;
	unsigned int quote = ntohs(iph->tot_len);
	uint32_t src = ntohl(iph->saddr);
	struct icmphdr *icmph;
	struct sk_buff *skb;

	/* RFC 1122 3.2.2: never about... */
	if (skb_in->pkt_type != PACKET_HOST)
		return; /* ...a link-layer or IP broadcast/multicast */
	if ((ntohl(iph->daddr) >> 28) == 0xe)
		return; /* ...an IP multicast */
	if (ntohs(iph->frag_off) & IP_OFFSET)
		return; /* ...a non-initial fragment */
	if (src == 0 || src == 0xffffffffu || (src >> 28) == 0xe)
		return; /* ...a source that is not one host */
	if (iph->protocol == IPPROTO_ICMP) {
		const uint8_t *t = (const uint8_t *)iph + ihl;

		if (skb_in->tail < t + 1 || icmp_is_error(*t))
			return; /* ...an ICMP error */
	}
	if (!icmp_err_allowed()) {
		icmp_statistics.out_rate_limited++;
		return;
	}
	if (quote > (unsigned int)(skb_in->tail - (const unsigned char *)iph))
		quote = skb_in->tail - (const unsigned char *)iph;
	if (quote > ICMP_ERR_MAX_LEN - sizeof(struct iphdr) - sizeof(*icmph))
		quote = ICMP_ERR_MAX_LEN - sizeof(struct iphdr) - sizeof(*icmph);
	skb = icmp_alloc(sizeof(*icmph) + quote);
	if (!skb)
		return;
	icmph = (struct icmphdr *)skb_put(skb, sizeof(*icmph));
	icmph->type = type;
	icmph->code = code;
	icmph->un.unused = htonl(info);
	memcpy(skb_put(skb, quote), iph, quote);
	if (type == ICMP_DEST_UNREACH)
		icmp_statistics.out_dest_unreachs++;
	else if (type == ICMP_TIME_EXCEEDED)
		icmp_statistics.out_time_excds++;
	/*
	 * From the address the datagram was sent to when that is ours (RFC
	 * 1122 3.2.2); about a datagram we forward, from the interface the
	 * route back to its source leaves by (RFC 1812 4.3.2.4).  Errors are
	 * not sent with DF: a reply that does not fit is fragmented.
	 */
	icmp_push_send(skb, ip_is_local_addr(iph->daddr) ? iph->daddr : 0, iph->saddr, 0);
}

void icmp_send(struct sk_buff *skb_in, int type, int code) { __icmp_send(skb_in, type, code, 0); }

static int ping_done(void *arg) { return ((struct ping_waiter *)arg)->done; }

int icmp_ping(uint32_t daddr, uint16_t id, uint16_t seq, size_t payload_len, long timeout_ms,
	      struct icmp_ping_reply *reply)
{
	struct ping_waiter w = {
		.daddr = daddr, .id = htons(id), .seq = htons(seq), .payload_len = payload_len};
	struct icmphdr *icmph;
	struct sk_buff *skb;
	int err;

	if (payload_len > ICMP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (!ping_wq_ready) {
		init_waitqueue_head(&ping_wq);
		ping_wq_ready = 1;
	}
	skb = icmp_alloc(sizeof(*icmph) + payload_len);
	if (!skb)
		return -ENOMEM;
	icmph = (struct icmphdr *)skb_put(skb, sizeof(*icmph));
	icmph->type = ICMP_ECHO;
	icmph->code = 0;
	icmph->un.echo.id = w.id;
	icmph->un.echo.sequence = w.seq;
	ping_fill_pattern(skb_put(skb, payload_len), payload_len);

	/* Waiting before sending: over lo the reply may come before we sleep. */
	list_add_tail(&w.node, &ping_waiters);
	w.sent_ns = ktime_ns();
	icmp_statistics.out_echos++;
	/* as Linux's ping -M do: a request larger than the path is refused, not cut */
	err = icmp_push_send(skb, 0, daddr, IP_DF);
	if (err == 0) {
		err = net_wait(&ping_wq, ping_done, &w, timeout_ms);
		if (w.done)
			err = w.err;
		else if (err == 0)
			err = -ETIMEDOUT;
	}
	list_del(&w.node);
	if (w.done && reply)
		*reply = w.reply;
	return err;
}

static int probe_done(void *arg) { return ((struct probe_waiter *)arg)->done; }

int icmp_udp_probe(uint32_t daddr, uint8_t ttl, uint16_t sport, uint16_t dport, size_t payload_len,
		   long timeout_ms, struct icmp_ping_reply *reply)
{
	struct probe_waiter w = {.daddr = daddr, .sport = htons(sport), .dport = htons(dport)};
	struct net_device *dev;
	uint32_t nexthop, saddr;
	struct udphdr *uh;
	struct sk_buff *skb;
	unsigned int ulen = sizeof(*uh) + payload_len;
	int err;

	if (payload_len > IP_MAX_UDP_PAYLOAD || !ttl)
		return -EINVAL;
	err = ip_route_output(daddr, &dev, &nexthop, &saddr);
	if (err)
		return err;
	if (!ping_wq_ready) {
		init_waitqueue_head(&ping_wq);
		ping_wq_ready = 1;
	}
	skb = icmp_alloc(ulen);
	if (!skb)
		return -ENOMEM;
	uh = (struct udphdr *)skb_put(skb, sizeof(*uh));
	ping_fill_pattern(skb_put(skb, payload_len), payload_len);
	uh->source = w.sport;
	uh->dest = w.dport;
	uh->len = htons(ulen);
	uh->check = 0;
	uh->check = csum_tcpudp_magic(saddr, daddr, ulen, IPPROTO_UDP, csum_partial(uh, ulen, 0));
	if (uh->check == 0)
		uh->check = 0xffff; /* RFC 768 */
	list_add_tail(&w.node, &probe_waiters);
	w.sent_ns = ktime_ns();
	err = ip_send_datagram(skb, NULL, saddr, daddr, IPPROTO_UDP, 0, ttl);
	if (err == 0) {
		err = net_wait(&ping_wq, probe_done, &w, timeout_ms);
		if (w.done)
			err = 0;
		else if (err == 0)
			err = -ETIMEDOUT;
	}
	list_del(&w.node);
	if (w.done && reply)
		*reply = w.reply;
	return err;
}
