/*
 * The DHCP client on the stack (RFC 2131): the state machine of
 * net/dhcp_proto.c fed with what arrives on UDP port 68 and with one timer
 * per client; its actions configure the interface and send messages.
 */
#include <arpa/inet.h>

#include "net/dhcp.h"
#include "net/devinet.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/route.h"
#include "net/udp.h"
#include "net/platform.h"

struct dhcp_if {
	struct net_device *dev; /* NULL: a free slot */
	struct dhcp_client c;
	struct timer_list timer;
	wait_queue_head_t wq;	      /* dhcp_wait's sleepers */
	unsigned int outcomes;	      /* leases got and give-ups, for dhcp_wait */
	uint8_t server_mac[ETH_ALEN]; /* where the last ack came from: the next hop to the server */
	uint32_t router;	      /* the default route this client added (gateway), 0: none */
};

/* Linux's dhclient-script gives its default route metric 0 unless told otherwise. */
#define DHCP_ROUTE_METRIC 0

static struct dhcp_if clients[DHCP_MAX_CLIENTS];
static int nclients; /* slots in use: port 68 is bound while there is one */

static struct dhcp_if *dhcp_find(const struct net_device *dev)
{
	int i;

	for (i = 0; i < DHCP_MAX_CLIENTS; i++)
		if (dev && clients[i].dev == dev)
			return &clients[i];
	return NULL;
}

/*
 * Sends one message as a whole frame, as Linux's ic_bootp_send_if: the
 * interface may have no address yet (RFC 2131 4.1: source 0.0.0.0 until
 * it has one, the limited broadcast as destination), so neither the
 * routing table nor ARP can be asked.  A unicast goes to the link address
 * the server's ack came from (the server, or the relay that reaches it).
 */
static int dhcp_xmit(struct dhcp_if *d, int type, int broadcast)
{
	struct net_device *dev = d->dev;
	struct dhcp_msg m;
	size_t len = dhcp_build_msg(&d->c, type, jiffies_ms(), &m);
	uint32_t saddr = m.ciaddr;
	uint32_t daddr = broadcast ? htonl(0xffffffffu) : d->c.lease.server;
	unsigned int ulen = sizeof(struct udphdr) + len;
	struct sk_buff *skb;
	struct udphdr *uh;
	struct iphdr *iph;

	skb = alloc_skb(MAX_HEADER_LEN + ulen);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, MAX_HEADER_LEN);
	uh = (struct udphdr *)skb_put(skb, sizeof(*uh));
	memcpy(skb_put(skb, len), &m, len);
	uh->source = htons(DHCP_CLIENT_PORT);
	uh->dest = htons(DHCP_SERVER_PORT);
	uh->len = htons(ulen);
	uh->check = 0;
	uh->check = csum_tcpudp_magic(saddr, daddr, ulen, IPPROTO_UDP, csum_partial(uh, ulen, 0));
	if (uh->check == 0)
		uh->check = 0xffff; /* RFC 768: computed zero is sent as all ones */
	skb_reset_transport_header(skb);
	iph = (struct iphdr *)skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->ihl_version = (4 << 4) | (sizeof(*iph) / 4);
	iph->tos = 0;
	iph->tot_len = htons(skb->len);
	iph->id = 0; /* RFC 6864 4.1: an atomic datagram (DF, unfragmented) needs no id */
	iph->frag_off = htons(IP_DF);
	iph->ttl = IP_DEFAULT_TTL;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->check = 0;
	iph->check = ip_compute_csum(iph, sizeof(*iph));
	eth_header(skb, dev, ETH_P_IP, broadcast ? NULL : d->server_mac);
	udp_statistics.out_datagrams++;
	return dev_queue_xmit(skb);
}

/* Removes the default route this client added, if it is still there. */
static void dhcp_del_router(struct dhcp_if *d)
{
	if (d->router)
		route_del(0, 0, d->router, d->dev, DHCP_ROUTE_METRIC,
			  ROUTE_DEL_GW | ROUTE_DEL_DEV | ROUTE_DEL_METRIC);
	d->router = 0;
}

/*
 * The lease's router as the default route; one of the same metric already
 * there (the boot's gw=, or `route add default`) is replaced, as
 * dhclient-script does.
 */
static int dhcp_add_router(struct dhcp_if *d, uint32_t router)
{
	int err = route_add(0, 0, router, d->dev, DHCP_ROUTE_METRIC);

	if (err == -EEXIST) {
		route_del(0, 0, 0, NULL, DHCP_ROUTE_METRIC, ROUTE_DEL_METRIC);
		err = route_add(0, 0, router, d->dev, DHCP_ROUTE_METRIC);
	}
	if (!err)
		d->router = router;
	return err;
}

/* The lease's address, netmask and router go onto the interface. */
static void dhcp_configure(struct dhcp_if *d)
{
	const struct dhcp_lease *l = &d->c.lease;
	struct net_device *dev = d->dev;
	char a[INET_ADDRSTRLEN_NET], s[INET_ADDRSTRLEN_NET], g[INET_ADDRSTRLEN_NET];
	int renewed = dev->ip_addr == l->addr && dev->netmask == l->netmask;
	int err;

	if (!renewed) {
		err = inet_set_addr(dev, l->addr, l->netmask);
		if (err) {
			printk("dhcp: %s: cannot configure %s: error %d\n", dev->name,
			       net_ipv4_str(l->addr, a), err);
			return;
		}
	}
	if (l->router != d->router) {
		dhcp_del_router(d);
		err = l->router ? dhcp_add_router(d, l->router) : 0;
		if (err)
			printk("dhcp: %s: cannot add the default route via %s: error %d\n",
			       dev->name, net_ipv4_str(l->router, g), err);
	}
	if (renewed)
		return;
	printk("dhcp: %s: leased %s/%d from %s, router %s, lease %u s\n", dev->name,
	       net_ipv4_str(l->addr, a), net_mask_len(l->netmask), net_ipv4_str(l->server, s),
	       l->router ? net_ipv4_str(l->router, g) : "none", l->lease_s);
}

/* The lease is over (released: say so; else it ended or a server refused it). */
static void dhcp_deconfigure(struct dhcp_if *d, int released)
{
	char a[INET_ADDRSTRLEN_NET];

	dhcp_del_router(d);
	printk("dhcp: %s: %s %s\n", d->dev->name, released ? "released" : "lease ended for",
	       net_ipv4_str(d->c.lease.addr, a));
	if (d->dev->ip_addr == d->c.lease.addr)
		inet_set_addr(d->dev, 0, 0); /* unless someone changed it meanwhile */
}

static void dhcp_done(struct dhcp_if *d)
{
	d->outcomes++;
	wake_up(&d->wq);
}

/* Does what the state machine asked (net/dhcp_proto.h), then re-arms the timer. */
static void dhcp_do(struct dhcp_if *d, const struct dhcp_action *act)
{
	uint64_t next;

	if (act->deconfigure)
		dhcp_deconfigure(d, act->send == DHCPRELEASE);
	if (act->configure) {
		dhcp_configure(d);
		dhcp_done(d);
	}
	if (act->send) /* a message lost for want of memory is retransmitted like one lost on the wire */
		dhcp_xmit(d, act->send, act->broadcast);
	if (act->failed) {
		printk("dhcp: %s: no DHCP offer\n", d->dev->name);
		dhcp_done(d);
	}
	next = dhcp_client_next_timer(&d->c);
	if (next)
		mod_timer(&d->timer, next);
	else
		del_timer(&d->timer);
}

static void dhcp_timer(struct timer_list *t)
{
	struct dhcp_if *d = container_of(t, struct dhcp_if, timer);
	struct dhcp_action act;

	dhcp_client_timer(&d->c, jiffies_ms(), &act);
	dhcp_do(d, &act);
}

/* Port 68's receiver: skb->data at the DHCP message. */
static void dhcp_rcv(void *ctx, struct sk_buff *skb)
{
	struct dhcp_if *d = dhcp_find(skb->dev);
	struct dhcp_action act;
	struct dhcp_reply r;
	uint16_t sport;

	(void)ctx;
	udp_skb_source(skb, NULL, &sport);
	if (!d || sport != htons(DHCP_SERVER_PORT))
		goto drop; /* no client on that interface, or not from a server */
	if (dhcp_parse_reply(skb->data, skb->len, &r))
		goto drop;
	if (dhcp_client_input(&d->c, &r, jiffies_ms(), &act))
		goto drop;
	if (act.configure)
		memcpy(d->server_mac, eth_hdr(skb)->h_source, ETH_ALEN);
	dhcp_do(d, &act);
drop:
	kfree_skb(skb);
}

static void dhcp_free(struct dhcp_if *d)
{
	del_timer(&d->timer);
	d->dev = NULL;
	dhcp_done(d); /* a waiter sees the client gone */
	if (--nclients == 0)
		udp_unbind_port(htons(DHCP_CLIENT_PORT));
}

int dhcp_start(struct net_device *dev)
{
	struct dhcp_if *d = dhcp_find(dev);
	struct dhcp_action act;
	int err, i;

	if (dev->type != ARPHRD_ETHER)
		return -EOPNOTSUPP;
	if (!d) {
		for (i = 0; i < DHCP_MAX_CLIENTS && !d; i++)
			if (!clients[i].dev)
				d = &clients[i];
		if (!d)
			return -ENOSPC;
		if (nclients == 0) {
			err = udp_bind_port(htons(DHCP_CLIENT_PORT), dhcp_rcv, NULL);
			if (err)
				return err;
		}
		nclients++;
		memset(d, 0, sizeof(*d));
		d->dev = dev;
		dhcp_client_init(&d->c, dev->dev_addr, DHCP_HOSTNAME);
		timer_setup(&d->timer, dhcp_timer);
		init_waitqueue_head(&d->wq);
	}
	err = dev_open(dev);
	if (err) {
		if (d->c.state == DHCP_OFF)
			dhcp_free(d);
		return err;
	}
	if (d->c.bound)
		dhcp_client_renew(&d->c, jiffies_ms(), &act);
	else if (d->c.state == DHCP_SELECTING || d->c.state == DHCP_REQUESTING)
		return 0; /* already asking */
	else
		dhcp_client_start(&d->c, jiffies_ms(), &act);
	dhcp_do(d, &act);
	return 0;
}

int dhcp_release(struct net_device *dev)
{
	struct dhcp_if *d = dhcp_find(dev);
	struct dhcp_action act;

	if (!d)
		return -ENOENT;
	if (dhcp_client_release(&d->c, &act) == 0)
		dhcp_do(d, &act);
	dhcp_free(d);
	return 0;
}

const struct dhcp_client *dhcp_client_get(const struct net_device *dev)
{
	struct dhcp_if *d = dhcp_find(dev);

	return d ? &d->c : NULL;
}

unsigned int dhcp_outcomes(const struct net_device *dev)
{
	struct dhcp_if *d = dhcp_find(dev);

	return d ? d->outcomes : 0;
}

struct dhcp_waiter {
	struct dhcp_if *d;
	const struct net_device *dev;
	unsigned int outcomes;
};

static int dhcp_settled(void *arg)
{
	struct dhcp_waiter *w = arg;

	return w->d->dev != w->dev || w->d->outcomes != w->outcomes;
}

int dhcp_wait(const struct net_device *dev, unsigned int outcomes, long timeout_ms)
{
	struct dhcp_waiter w = {dhcp_find(dev), dev, outcomes};

	if (!w.d)
		return 1;
	return net_wait(&w.d->wq, dhcp_settled, &w, timeout_ms);
}
