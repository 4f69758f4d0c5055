/* UDP, RFC 768, with the host requirements of RFC 1122 4.1. */
#include <arpa/inet.h>

#include "net/udp.h"
#include "net/ip.h"
#include "net/icmp.h"
#include "net/checksum.h"

struct udp_binding {
	uint16_t port; /* network order; 0 = free slot */
	udp_deliver_t deliver;
	void *ctx;
};

struct udp_mib udp_statistics;
static struct udp_binding bindings[UDP_MAX_BINDINGS];
static uint16_t next_ephemeral = UDP_EPHEMERAL_LO;

static struct udp_binding *udp_lookup(uint16_t port)
{
	int i;

	for (i = 0; i < UDP_MAX_BINDINGS; i++)
		if (bindings[i].port == port && port)
			return &bindings[i];
	return NULL;
}

int udp_bind_port(uint16_t port_be, udp_deliver_t deliver, void *ctx)
{
	struct udp_binding *b;

	if (!port_be || !deliver)
		return -EINVAL;
	if (udp_lookup(port_be))
		return -EADDRINUSE;
	for (b = bindings; b < bindings + UDP_MAX_BINDINGS; b++) {
		if (!b->port) {
			b->port = port_be;
			b->deliver = deliver;
			b->ctx = ctx;
			return 0;
		}
	}
	return -ENOSPC;
}

int udp_bind_ephemeral(udp_deliver_t deliver, void *ctx, uint16_t *port_be)
{
	unsigned int tries;

	for (tries = 0; tries <= UDP_EPHEMERAL_HI - UDP_EPHEMERAL_LO; tries++) {
		uint16_t port = htons(next_ephemeral);
		int err;

		next_ephemeral =
			next_ephemeral == UDP_EPHEMERAL_HI ? UDP_EPHEMERAL_LO : next_ephemeral + 1;
		err = udp_bind_port(port, deliver, ctx);
		if (err != -EADDRINUSE) {
			if (!err)
				*port_be = port;
			return err;
		}
	}
	return -EADDRINUSE;
}

int udp_unbind_port(uint16_t port_be)
{
	struct udp_binding *b = udp_lookup(port_be);

	if (!b)
		return -ENOENT;
	b->port = 0;
	return 0;
}

void udp_skb_source(const struct sk_buff *skb, uint32_t *saddr, uint16_t *sport)
{
	const struct udphdr *uh = (const struct udphdr *)skb_transport_header(skb);

	if (saddr)
		*saddr = ip_hdr(skb)->saddr;
	if (sport)
		*sport = uh->source;
}

int udp_rcv(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct udphdr *uh = (struct udphdr *)skb->data;
	struct udp_binding *b;
	unsigned int ulen;

	if (skb->len < sizeof(*uh))
		goto error; /* shorter than the header */
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > skb->len)
		goto error; /* length field contradicts the datagram */
	skb_trim(skb, ulen);
	/* RFC 768: a zero checksum means the sender computed none. */
	if (uh->check && !skb_csum_unnecessary(skb) && csum_tcpudp_magic(iph->saddr, iph->daddr, ulen, IPPROTO_UDP,
					   csum_partial(skb->data, ulen, 0)) != 0) {
		udp_statistics.in_csum_errors++;
		goto error;
	}
	b = udp_lookup(uh->dest);
	if (!b) {
		udp_statistics.no_ports++;
		/* RFC 1122 4.1.3.1; icmp_send leaves broadcasts unanswered. */
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
		kfree_skb(skb);
		return -ECONNREFUSED;
	}
	udp_statistics.in_datagrams++;
	skb_pull(skb, sizeof(*uh));
	b->deliver(b->ctx, skb);
	return 0;
error:
	udp_statistics.in_errors++;
	kfree_skb(skb);
	return -EINVAL;
}

long udp_sendmsg(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport, const void *buf,
		 size_t len)
{
	struct net_device *dev;
	uint32_t nexthop, rt_saddr;
	struct sk_buff *skb;
	struct udphdr *uh;
	unsigned int ulen;
	int err;

	if (!sport || !dport || !daddr)
		return -EINVAL;
	err = ip_route_output(daddr, &dev, &nexthop, &rt_saddr);
	if (err)
		return err;
	if (len > dev->mtu - sizeof(struct iphdr) - sizeof(*uh))
		return -EMSGSIZE; /* we do not fragment */
	if (!saddr)
		saddr = rt_saddr;
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
	err = ip_queue_xmit(skb, saddr, daddr, IPPROTO_UDP);
	return err ? err : (long)len;
}

static void udp_sock_deliver(void *ctx, struct sk_buff *skb)
{
	struct udp_sock *us = ctx;

	if (skb_queue_len(&us->rx_queue) >= UDP_RCVQ_MAX) {
		us->drops++;
		udp_statistics.rcvbuf_errors++;
		kfree_skb(skb);
		return;
	}
	skb_queue_tail(&us->rx_queue, skb);
	wake_up(&us->wq);
}

int udp_sock_bind(struct udp_sock *us, uint16_t port_be)
{
	int err;

	skb_queue_head_init(&us->rx_queue);
	init_waitqueue_head(&us->wq);
	us->drops = 0;
	us->port = 0;
	if (port_be) {
		err = udp_bind_port(port_be, udp_sock_deliver, us);
		if (!err)
			us->port = port_be;
		return err;
	}
	return udp_bind_ephemeral(udp_sock_deliver, us, &us->port);
}

void udp_sock_close(struct udp_sock *us)
{
	if (us->port)
		udp_unbind_port(us->port);
	us->port = 0;
	skb_queue_purge(&us->rx_queue);
	wake_up(&us->wq);
}

static int udp_sock_readable(void *arg)
{
	return skb_queue_len(&((struct udp_sock *)arg)->rx_queue) > 0;
}

long udp_sock_recv(struct udp_sock *us, void *buf, size_t len, uint32_t *saddr, uint16_t *sport,
		   long timeout_ms)
{
	struct sk_buff *skb;

	if (!udp_sock_readable(us)) {
		int r;

		if (timeout_ms == 0)
			return -EAGAIN;
		r = net_wait(&us->wq, udp_sock_readable, us, timeout_ms);
		if (r < 0)
			return r;
		if (r == 0)
			return -ETIMEDOUT;
	}
	skb = skb_dequeue(&us->rx_queue);
	if (len > skb->len)
		len = skb->len;
	memcpy(buf, skb->data, len);
	udp_skb_source(skb, saddr, sport);
	kfree_skb(skb);
	return (long)len;
}
