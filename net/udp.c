/* UDP, RFC 768, with the host requirements of RFC 1122 4.1. */
#include <arpa/inet.h>
#include <poll.h>
#ifndef POLLRDHUP
#define POLLRDHUP 0x2000 /* Linux's value; glibc hides it without _GNU_SOURCE */
#endif

#include "net/udp.h"
#include "net/ip.h"
#include "net/icmp.h"
#include "net/checksum.h"
#include "net/tcp.h" /* TCP_CLOSE, TCP_ESTABLISHED: the sk_state values UDP uses too */

struct udp_mib udp_statistics;
/* Every bound UDP sock, on sk_node; the newest first, as Linux's hash chains. */
static LIST_HEAD(udp_table);
static uint16_t next_ephemeral = UDP_EPHEMERAL_LO;

/*
 * How well sk matches a datagram saddr:sport -> daddr:dport: -1 not at
 * all, else higher for more specific bindings (Linux's compute_score).
 */
static int udp_compute_score(const struct sock *sk, uint32_t saddr, uint16_t sport, uint32_t daddr,
			     uint16_t hnum)
{
	int score = 0;

	if (sk->sk_num != hnum)
		return -1;
	if (sk->sk_rcv_saddr) {
		if (sk->sk_rcv_saddr != daddr)
			return -1;
		score += 4;
	}
	/* a connected socket takes datagrams from its peer only */
	if (sk->sk_daddr) {
		if (sk->sk_daddr != saddr)
			return -1;
		score += 4;
	}
	if (sk->sk_dport) {
		if (sk->sk_dport != sport)
			return -1;
		score += 4;
	}
	return score;
}

static struct sock *udp4_lib_lookup(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport)
{
	struct sock *sk, *result = NULL;
	uint16_t hnum = ntohs(dport);
	int best = -1;

	list_for_each_entry (sk, &udp_table, sk_node) {
		int score = udp_compute_score(sk, saddr, sport, daddr, hnum);

		if (score > best) {
			best = score;
			result = sk;
		}
	}
	return result;
}

/*
 * Linux's udp_lib_lport_inuse: sk may not share snum with a sock bound to
 * an overlapping address unless both set SO_REUSEADDR.
 */
static int udp_lport_inuse(const struct sock *sk, uint16_t snum)
{
	const struct sock *sk2;

	list_for_each_entry (sk2, &udp_table, sk_node) {
		if (sk2 == sk || sk2->sk_num != snum)
			continue;
		if (sk2->sk_reuse && sk->sk_reuse)
			continue;
		if (!sk2->sk_rcv_saddr || !sk->sk_rcv_saddr ||
		    sk2->sk_rcv_saddr == sk->sk_rcv_saddr)
			return 1;
	}
	return 0;
}

int udp_v4_get_port(struct sock *sk, uint16_t snum)
{
	unsigned int tries;

	if (sk->sk_bound)
		return -EINVAL;
	if (!snum) {
		for (tries = 0; tries <= UDP_EPHEMERAL_HI - UDP_EPHEMERAL_LO; tries++) {
			uint16_t port = next_ephemeral;

			next_ephemeral = next_ephemeral == UDP_EPHEMERAL_HI ? UDP_EPHEMERAL_LO
									    : next_ephemeral + 1;
			if (!udp_lport_inuse(sk, port)) {
				snum = port;
				break;
			}
		}
		if (!snum)
			return -EADDRINUSE;
	} else if (udp_lport_inuse(sk, snum)) {
		return -EADDRINUSE;
	}
	sk->sk_num = snum;
	sk->sk_bound = 1;
	list_add(&sk->sk_node, &udp_table);
	return 0;
}

static void udp_unhash(struct sock *sk)
{
	if (!sk->sk_bound)
		return;
	list_del(&sk->sk_node);
	INIT_LIST_HEAD(&sk->sk_node);
	sk->sk_bound = 0;
	sk->sk_num = 0;
}

void udp_skb_source(const struct sk_buff *skb, uint32_t *saddr, uint16_t *sport)
{
	const struct udphdr *uh = (const struct udphdr *)skb_transport_header(skb);

	if (saddr)
		*saddr = ip_hdr(skb)->saddr;
	if (sport)
		*sport = uh->source;
}

/* Queues a datagram (data at the payload) for the socket's readers (Linux: __udp_queue_rcv_skb). */
static void udp_queue_rcv_skb(struct sock *sk, struct sk_buff *skb)
{
	struct udp_sock *up = udp_sk(sk);

	if (up->encap_rcv) {
		up->encap_rcv(up->encap_ctx, skb);
		return;
	}
	/* UDP promises no delivery: a full queue drops it, counted as Linux's RcvbufErrors */
	if (skb_queue_len(&sk->sk_receive_queue) >= UDP_RCVQ_MAX ||
	    sk->sk_rmem_queued + skb->len > sk->sk_rcvbuf) {
		udp_statistics.rcvbuf_errors++;
		kfree_skb(skb);
		return;
	}
	skb_queue_tail(&sk->sk_receive_queue, skb);
	sk->sk_rmem_queued += skb->len;
	sk_wake(sk);
}

int udp_rcv(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct udphdr *uh = (struct udphdr *)skb->data;
	struct sock *sk;
	unsigned int ulen;

	if (skb->len < sizeof(*uh))
		goto error; /* shorter than the header */
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > skb->len)
		goto error; /* length field contradicts the datagram */
	skb_trim(skb, ulen);
	/* RFC 768: a zero checksum means the sender computed none. */
	if (uh->check && !skb_csum_unnecessary(skb) &&
	    csum_tcpudp_magic(iph->saddr, iph->daddr, ulen, IPPROTO_UDP,
			      csum_partial(skb->data, ulen, 0)) != 0) {
		udp_statistics.in_csum_errors++;
		goto error;
	}
	sk = udp4_lib_lookup(iph->saddr, uh->source, iph->daddr, uh->dest);
	if (!sk) {
		udp_statistics.no_ports++;
		/* RFC 1122 4.1.3.1; icmp_send leaves broadcasts unanswered. */
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
		kfree_skb(skb);
		return -ECONNREFUSED;
	}
	udp_statistics.in_datagrams++;
	skb_pull(skb, sizeof(*uh));
	udp_queue_rcv_skb(sk, skb);
	return 0;
error:
	udp_statistics.in_errors++;
	kfree_skb(skb);
	return -EINVAL;
}

/* udp_sendmsg through a socket's cached route (NULL: none). */
static long udp_sendmsg_dst(struct sk_dst *dst, uint32_t saddr, uint16_t sport, uint32_t daddr,
			    uint16_t dport, const void *buf, size_t len)
{
	struct net_device *dev;
	uint32_t nexthop, rt_saddr;
	struct sk_buff *skb;
	struct udphdr *uh;
	unsigned int ulen;
	int err;

	if (!sport || !dport || !daddr)
		return -EINVAL;
	if (dst)
		err = ip_route_output_cached(dst, daddr, &dev, &nexthop, &rt_saddr);
	else
		err = ip_route_output(daddr, &dev, &nexthop, &rt_saddr);
	if (err)
		return err;
	if (len > IP_MAX_UDP_PAYLOAD)
		return -EMSGSIZE; /* larger than one IPv4 datagram; smaller ones are fragmented */
	if (!saddr)
		saddr = rt_saddr;
	err = ip_route_check_source(saddr, dev);
	if (err)
		return err;
	ulen = sizeof(*uh) + len;
	skb = alloc_skb(MAX_HEADER_LEN + ulen);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, MAX_HEADER_LEN);
	uh = (struct udphdr *)skb_put(skb, sizeof(*uh));
	memcpy(skb_put(skb, len), buf, len);
	uh->source = sport;
	uh->dest = dport;
	uh->len = htons(ulen);
	uh->check = 0;
	uh->check = csum_tcpudp_magic(saddr, daddr, ulen, IPPROTO_UDP, csum_partial(uh, ulen, 0));
	if (uh->check == 0)
		uh->check = 0xffff; /* RFC 768: computed zero is sent as all ones */
	udp_statistics.out_datagrams++;
	err = ip_send_datagram(skb, dst, saddr, daddr, IPPROTO_UDP, 0, 0);
	return err ? err : (long)len;
}

long udp_sendmsg(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport, const void *buf,
		 size_t len)
{
	return udp_sendmsg_dst(NULL, saddr, sport, daddr, dport, buf, len);
}

/* ---- the socket calls ---- */

struct sock *udp_sock_create(void)
{
	struct sock *sk = sk_alloc(AF_INET, SOCK_DGRAM, IPPROTO_UDP, sizeof(struct udp_sock));

	if (!sk)
		return NULL;
	INIT_LIST_HEAD(&sk->sk_node);
	sk->sk_state = TCP_CLOSE; /* unconnected, as Linux says for UDP */
	sk->sk_rcvbuf = UDP_RCVBUF_DEF;
	sk->sk_sndbuf = UDP_SNDBUF_DEF;
	return sk;
}

int udp_sock_bind(struct sock *sk, uint16_t port_be) { return udp_v4_get_port(sk, ntohs(port_be)); }

int ip4_datagram_connect(struct sock *sk, const struct sockaddr *uaddr, int addr_len)
{
	const struct sockaddr_in *usin = (const struct sockaddr_in *)uaddr;
	struct net_device *dev;
	uint32_t nexthop, saddr;
	int err;

	if (addr_len < (int)sizeof(*usin))
		return -EINVAL;
	if (usin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	err = ip_route_output(usin->sin_addr.s_addr, &dev, &nexthop, &saddr);
	if (err)
		return err;
	if (!sk->sk_bound) {
		err = udp_v4_get_port(sk, 0);
		if (err)
			return err;
	}
	/* Linux: an unbound source address becomes the route's */
	if (!sk->sk_rcv_saddr)
		sk->sk_rcv_saddr = saddr;
	sk->sk_daddr = usin->sin_addr.s_addr;
	sk->sk_dport = usin->sin_port;
	sk->sk_state = TCP_ESTABLISHED;
	return 0;
}

int udp_disconnect(struct sock *sk)
{
	sk->sk_state = TCP_CLOSE;
	sk->sk_daddr = 0;
	sk->sk_dport = 0;
	/* what bind() did not choose, connect() did, and it goes (Linux: __udp_disconnect) */
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		sk->sk_rcv_saddr = 0;
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
		udp_unhash(sk);
	return 0;
}

long udp_sock_send(struct sock *sk, const void *buf, size_t len, const struct sockaddr_in *to)
{
	uint32_t daddr = sk->sk_daddr;
	uint16_t dport = sk->sk_dport;
	int err;

	if (sk->sk_shutdown & SEND_SHUTDOWN)
		return -EPIPE;
	if (to) {
		daddr = to->sin_addr.s_addr;
		dport = to->sin_port;
		if (!dport)
			return -EINVAL;
	} else if (sk->sk_state != TCP_ESTABLISHED || !dport) {
		return -EDESTADDRREQ;
	}
	if (!sk->sk_bound) {
		err = udp_v4_get_port(sk, 0);
		if (err)
			return err;
	}
	return udp_sendmsg_dst(&sk->sk_dst_cache, sk->sk_rcv_saddr, htons(sk->sk_num), daddr, dport,
			       buf, len);
}

static int udp_readable(void *arg)
{
	struct sock *sk = arg;

	return skb_queue_len(&sk->sk_receive_queue) > 0 || (sk->sk_shutdown & RCV_SHUTDOWN);
}

long udp_sock_recv(struct sock *sk, void *buf, size_t len, int flags, uint32_t *saddr,
		   uint16_t *sport, long timeout_ms)
{
	struct sk_buff *skb;

	if (!udp_readable(sk)) {
		int r;

		if (timeout_ms == 0)
			return -EAGAIN;
		/* a close() meanwhile shuts the sock down, wakes us and leaves it to our reference */
		sock_hold(sk);
		r = net_wait(&sk->sk_wq, udp_readable, sk, timeout_ms);
		sock_put(sk);
		if (r < 0)
			return r;
		if (r == 0)
			return -ETIMEDOUT;
	}
	skb = skb_peek(&sk->sk_receive_queue);
	if (!skb)
		return 0; /* shut down for reading, and nothing left */
	if (len > skb->len)
		len = skb->len;
	memcpy(buf, skb->data, len);
	udp_skb_source(skb, saddr, sport);
	if (!(flags & MSG_PEEK)) {
		skb_unlink(skb, &sk->sk_receive_queue);
		sk->sk_rmem_queued -= skb->len;
		kfree_skb(skb);
	}
	return (long)len;
}

unsigned int udp_poll(struct sock *sk)
{
	unsigned int mask = POLLOUT | POLLWRNORM; /* datagrams are sent at once or not at all */

	if (sk->sk_err)
		mask |= POLLERR;
	if (skb_queue_len(&sk->sk_receive_queue))
		mask |= POLLIN | POLLRDNORM;
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (sk->sk_shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	return mask;
}

void udp_sock_close(struct sock *sk)
{
	udp_unhash(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	sk->sk_rmem_queued = 0;
	sk->sk_shutdown = SHUTDOWN_MASK;
	sock_set_flag(sk, SOCK_DEAD);
	sk_wake(sk);
	sock_put(sk);
}

/* ---- kernel receivers ---- */

int udp_bind_port(uint16_t port_be, udp_deliver_t deliver, void *ctx)
{
	struct sock *sk;
	int err;

	if (!port_be || !deliver)
		return -EINVAL;
	sk = udp_sock_create();
	if (!sk)
		return -ENOMEM;
	udp_sk(sk)->encap_rcv = deliver;
	udp_sk(sk)->encap_ctx = ctx;
	err = udp_sock_bind(sk, port_be);
	if (err)
		sock_put(sk);
	return err;
}

int udp_unbind_port(uint16_t port_be)
{
	struct sock *sk;

	list_for_each_entry (sk, &udp_table, sk_node) {
		if (sk->sk_num == ntohs(port_be) && udp_sk(sk)->encap_rcv) {
			udp_sock_close(sk);
			return 0;
		}
	}
	return -ENOENT;
}
