/*
 * The control and inspection calls of net/netctl.h.  Each one takes
 * net_lock, reads or changes the stack through its own functions and
 * copies plain values out, so that callers never see a struct net_device,
 * a struct sock or a MIB global.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/netctl.h"
#include "net/platform.h"
#include "net/netdevice.h"
#include "net/arp.h"
#include "net/ip.h"
#include "net/route.h"
#include "net/icmp.h"
#include "net/udp.h"
#include "net/devinet.h"
#include "net/tcp.h"
#include "net/tcp_priv.h"
#include "net/sock.h"
#include "net/skbuff.h"
#include "net/capture.h"
#include "net/dhcp.h"
#include "net/gro.h"

/* The interface's constants are the stack's own, so values pass unconverted. */
_Static_assert(NETCTL_IFNAMSIZ == IFNAMSIZ, "interface name size");
_Static_assert(NETCTL_ETH_ALEN == ETH_ALEN, "MAC length");
_Static_assert(NETCTL_IFF_UP == IFF_UP && NETCTL_IFF_BROADCAST == IFF_BROADCAST &&
		       NETCTL_IFF_LOOPBACK == IFF_LOOPBACK && NETCTL_IFF_RUNNING == IFF_RUNNING,
	       "interface flags");
_Static_assert(NETCTL_ARPHRD_ETHER == ARPHRD_ETHER && NETCTL_ARPHRD_LOOPBACK == ARPHRD_LOOPBACK,
	       "link types");
_Static_assert(NETCTL_MAX_ARP == ARP_CACHE_SIZE, "ARP cache size");
_Static_assert(NETCTL_ARP_INCOMPLETE == (int)ARP_INCOMPLETE &&
		       NETCTL_ARP_REACHABLE == (int)ARP_REACHABLE &&
		       NETCTL_ARP_STALE == (int)ARP_STALE,
	       "ARP states");
_Static_assert(NETCTL_TCP_ESTABLISHED == TCP_ESTABLISHED && NETCTL_TCP_LISTEN == TCP_LISTEN,
	       "TCP states");
_Static_assert(NETCTL_IP_HDR_LEN == sizeof(struct iphdr) &&
		       NETCTL_ICMP_HDR_LEN == sizeof(struct icmphdr) &&
		       NETCTL_PING_MAX_PAYLOAD == ICMP_MAX_PAYLOAD,
	       "ICMP echo sizes");
_Static_assert(NETCTL_ICMP_NET_UNREACH == ICMP_NET_UNREACH &&
		       NETCTL_ICMP_HOST_UNREACH == ICMP_HOST_UNREACH &&
		       NETCTL_ICMP_PROT_UNREACH == ICMP_PROT_UNREACH &&
		       NETCTL_ICMP_PORT_UNREACH == ICMP_PORT_UNREACH,
	       "unreachable codes");

/* ---- interfaces ---- */

static void dev_fill(const struct net_device *dev, struct netctl_dev_info *o)
{
	const struct net_device_stats *s = &dev->stats;

	memset(o, 0, sizeof(*o));
	memcpy(o->name, dev->name, IFNAMSIZ);
	o->name[IFNAMSIZ - 1] = '\0';
	o->ifindex = dev->ifindex;
	o->flags = dev->flags;
	o->carrier = dev->carrier;
	o->mtu = dev->mtu;
	o->type = dev->type;
	memcpy(o->mac, dev->dev_addr, ETH_ALEN);
	o->addr = dev->ip_addr;
	o->netmask = dev->netmask;
	if (dev->driver)
		snprintf(o->driver, sizeof(o->driver), "%s", dev->driver);
	o->stats.rx_packets = s->rx_packets;
	o->stats.tx_packets = s->tx_packets;
	o->stats.rx_bytes = s->rx_bytes;
	o->stats.tx_bytes = s->tx_bytes;
	o->stats.rx_errors = s->rx_errors;
	o->stats.tx_errors = s->tx_errors;
	o->stats.rx_dropped = s->rx_dropped;
	o->stats.tx_dropped = s->tx_dropped;
	o->stats.interrupts = s->interrupts;
	o->stats.forw_in = s->forw_in;
	o->stats.forw_out = s->forw_out;
	o->stats.forw_errors = s->forw_errors;
}

int netctl_get_devs(struct netctl_dev_info *out, int max)
{
	struct net_device *dev;
	int n = 0;

	net_lock();
	list_for_each_entry (dev, netdev_list(), dev_list) {
		if (n < max)
			dev_fill(dev, &out[n]);
		n++;
	}
	net_unlock();
	return n;
}

int netctl_get_dev(const char *name, struct netctl_dev_info *out)
{
	struct net_device *dev;
	int err = -ENODEV;

	net_lock();
	dev = dev_get_by_name(name);
	if (dev) {
		dev_fill(dev, out);
		err = 0;
	}
	net_unlock();
	return err;
}

int netctl_dev_configure(const char *name, const struct netctl_dev_config *cfg)
{
	struct net_device *dev;
	uint32_t addr, mask;
	int err = 0;

	net_lock();
	dev = dev_get_by_name(name);
	if (!dev) {
		err = -ENODEV;
		goto out;
	}
	if (cfg->mtu) {
		if (!dev->max_mtu)
			dev->max_mtu = dev->mtu;
		if (cfg->mtu < NETCTL_MIN_MTU || cfg->mtu > dev->max_mtu) {
			err = -EINVAL;
			goto out;
		}
		dev->mtu = cfg->mtu;
		rt_cache_flush(); /* cached routes carry dev's MTU (Linux: NETDEV_CHANGEMTU) */
	}
	if (cfg->set_addr || cfg->set_mask) {
		addr = cfg->set_addr ? cfg->addr : dev->ip_addr;
		if (cfg->set_mask)
			mask = cfg->netmask;
		else
			mask = dev->netmask ? dev->netmask : htonl(0xffffff00u);
		err = inet_set_addr(dev, addr, mask);
		if (err)
			goto out;
	}
	if (cfg->up == 1) {
		err = dev_open(dev);
	} else if (cfg->up == 0) {
		dhcp_release(dev); /* RFC 2131 4.4.6: give a lease back before leaving */
		err = dev_close(dev);
	}
out:
	net_unlock();
	return err;
}

/* ---- DHCP client ---- */

_Static_assert(NETCTL_DHCP_MAX_DNS == DHCP_MAX_DNS, "DNS servers kept");

static long secs_left(uint64_t at, uint64_t now)
{
	if (at == UINT64_MAX)
		return -1;
	return at > now ? (long)((at - now) / 1000) : 0;
}

static void dhcp_fill(const struct net_device *dev, const struct dhcp_client *c,
		      struct netctl_dhcp_info *o)
{
	uint64_t now = jiffies_ms();

	memset(o, 0, sizeof(*o));
	memcpy(o->dev, dev->name, IFNAMSIZ);
	o->dev[IFNAMSIZ - 1] = '\0';
	snprintf(o->state, sizeof(o->state), "%s", dhcp_state_name(c->state));
	o->bound = c->bound;
	if (!c->bound)
		return;
	o->addr = c->lease.addr;
	o->netmask = c->lease.netmask;
	o->router = c->lease.router;
	o->server = c->lease.server;
	memcpy(o->dns, c->lease.dns, sizeof(o->dns));
	o->ndns = c->lease.ndns;
	o->lease_s = c->lease.lease_s;
	o->lease_left_s = secs_left(c->expiry_ms, now);
	o->t1_left_s = secs_left(c->t1_ms, now);
	o->t2_left_s = secs_left(c->t2_ms, now);
}

int netctl_dhcp_get(struct netctl_dhcp_info *out, int max)
{
	struct net_device *dev;
	int n = 0;

	net_lock();
	list_for_each_entry (dev, netdev_list(), dev_list) {
		const struct dhcp_client *c = dhcp_client_get(dev);

		if (!c)
			continue;
		if (n < max)
			dhcp_fill(dev, c, &out[n]);
		n++;
	}
	net_unlock();
	return n;
}

int netctl_dhcp_run(const char *name, long timeout_ms, struct netctl_dhcp_info *out)
{
	struct net_device *dev;
	const struct dhcp_client *c;
	unsigned int outcomes;
	int err;

	net_lock();
	dev = dev_get_by_name(name);
	if (!dev) {
		err = -ENODEV;
		goto out;
	}
	outcomes = dhcp_outcomes(dev);
	err = dhcp_start(dev);
	if (err)
		goto out;
	err = dhcp_wait(dev, outcomes, timeout_ms);
	if (err < 0)
		goto out;
	c = dhcp_client_get(dev);
	if (!c)
		err = -ENOENT; /* released meanwhile */
	else if (c->state == DHCP_FAILED)
		err = -ETIMEDOUT;
	else if (err == 0 || c->state != DHCP_BOUND)
		err = -EINPROGRESS;
	else
		err = 0;
	if (c)
		dhcp_fill(dev, c, out);
out:
	net_unlock();
	return err;
}

int netctl_dhcp_release(const char *name, int *had_lease)
{
	struct net_device *dev;
	const struct dhcp_client *c;
	int err = -ENODEV;

	net_lock();
	dev = dev_get_by_name(name);
	if (dev) {
		c = dhcp_client_get(dev);
		*had_lease = c && c->bound;
		err = dhcp_release(dev);
	}
	net_unlock();
	return err;
}

/* ---- routes ---- */

static void route_copy(struct netctl_route *out, const struct route_entry *e)
{
	out->dst = e->dst;
	out->mask = e->mask;
	out->gateway = e->gateway;
	out->metric = e->metric;
	memcpy(out->dev, e->dev->name, IFNAMSIZ);
	out->dev[IFNAMSIZ - 1] = '\0';
}

int netctl_route_walk(struct netctl_route_cursor *cur, struct netctl_route *out, int max)
{
	struct route_entry e[NETCTL_MAX_ROUTES];
	struct route_cursor rc = {cur->pos[0], cur->pos[1], cur->pos[2]};
	int i, n;

	if (max > NETCTL_MAX_ROUTES)
		max = NETCTL_MAX_ROUTES;
	if (max <= 0)
		return 0;
	net_lock();
	n = route_walk(&rc, e, max);
	for (i = 0; i < n; i++)
		route_copy(&out[i], &e[i]);
	net_unlock();
	cur->pos[0] = rc.k;
	cur->pos[1] = rc.i;
	cur->pos[2] = rc.j;
	return n;
}

int netctl_get_routes(struct netctl_route *out, int max)
{
	struct netctl_route_cursor cur = {{0}};

	return netctl_route_walk(&cur, out, max);
}

unsigned int netctl_route_count(void)
{
	unsigned int n;

	net_lock();
	n = route_count();
	net_unlock();
	return n;
}

int netctl_route_add_metric(uint32_t dst, uint32_t mask, uint32_t gateway, const char *devname,
			    int metric)
{
	struct net_device *dev = NULL;
	int err;

	net_lock();
	if (devname && !(dev = dev_get_by_name(devname)))
		err = -ENODEV;
	else
		err = route_add(dst, mask, gateway, dev, metric);
	net_unlock();
	return err;
}

int netctl_route_add(uint32_t dst, uint32_t mask, uint32_t gateway, const char *devname)
{
	return netctl_route_add_metric(dst, mask, gateway, devname, 0);
}

int netctl_route_delete(uint32_t dst, uint32_t mask, uint32_t gateway, const char *devname,
			int metric, unsigned int match)
{
	struct net_device *dev = NULL;
	unsigned int m = 0;
	int err;

	if (match & NETCTL_ROUTE_GW)
		m |= ROUTE_DEL_GW;
	if (match & NETCTL_ROUTE_DEV)
		m |= ROUTE_DEL_DEV;
	if (match & NETCTL_ROUTE_METRIC)
		m |= ROUTE_DEL_METRIC;
	net_lock();
	if ((match & NETCTL_ROUTE_DEV) && (!devname || !(dev = dev_get_by_name(devname))))
		err = -ENODEV;
	else
		err = route_del(dst, mask, gateway, dev, metric, m);
	net_unlock();
	return err;
}

int netctl_route_del(uint32_t dst, uint32_t mask)
{
	return netctl_route_delete(dst, mask, 0, NULL, 0, 0);
}

/* ---- ARP ---- */

int netctl_get_arp(struct netctl_arp_entry *out, int max)
{
	struct arp_entry_info e[ARP_CACHE_SIZE];
	int i, n;

	if (max > ARP_CACHE_SIZE)
		max = ARP_CACHE_SIZE;
	net_lock();
	n = arp_cache_dump(e, max);
	net_unlock();
	for (i = 0; i < n; i++) {
		out[i].ip = e[i].ip;
		memcpy(out[i].mac, e[i].mac, ETH_ALEN);
		memcpy(out[i].dev, e[i].dev, IFNAMSIZ);
		out[i].dev[IFNAMSIZ - 1] = '\0';
		out[i].state = e[i].state;
		out[i].age_ms = e[i].age_ms;
		out[i].queued = e[i].queued;
	}
	return n;
}

int netctl_arp_delete(uint32_t ip)
{
	int err;

	net_lock();
	err = arp_delete(ip);
	net_unlock();
	return err;
}

const char *netctl_arp_state_name(int state) { return arp_state_name((enum arp_state)state); }

/* ---- sockets ---- */

/* What TCP adds to a sock's entry (the fields of Linux's struct tcp_info). */
static void tcp_fill(const struct sock *sk, struct netctl_sock_info *o)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct netctl_tcp_info *t = &o->tcp;

	/* a listener's Send-Q is its accept queue, as in Linux */
	o->send_q = sk->sk_state == TCP_LISTEN ? (unsigned int)tp->accept_queue.accept_qlen
					       : sk->sk_wmem_queued;
	o->recv_q = sk->sk_rmem_queued;
	t->snd_una = tp->snd_una;
	t->snd_nxt = tp->snd_nxt;
	t->rcv_nxt = tp->rcv_nxt;
	t->snd_wnd = tp->snd_wnd;
	t->rcv_wnd = tp->rcv_wnd;
	t->snd_wscale = tp->snd_wscale;
	t->rcv_wscale = tp->rcv_wscale;
	t->sack_ok = tp->sack_ok;
	t->mss = tp->mss_cache;
	t->snd_cwnd = tp->snd_cwnd;
	t->snd_ssthresh = tp->snd_ssthresh;
	t->rto_ms = tp->rto_ms;
	t->srtt_ms = tp->srtt_ms8 / 8;
	t->rttvar_ms = tp->rttvar_ms4 / 4;
	t->backoff = tp->backoff;
	t->total_retrans = tp->total_retrans;
	t->in_recovery = tp->in_recovery;
}

/* What UDP adds: the bytes queued for reading (a datagram socket has no send queue). */
static void udp_fill(const struct sock *sk, struct netctl_sock_info *o)
{
	o->recv_q = sk->sk_rmem_queued;
}

static void sock_fill(const struct sock *sk, struct netctl_sock_info *o)
{
	memset(o, 0, sizeof(*o));
	o->protocol = sk->sk_protocol;
	o->state = sk->sk_state;
	o->laddr = sk->sk_rcv_saddr;
	o->raddr = sk->sk_daddr;
	o->lport = sk->sk_num;
	o->rport = ntohs(sk->sk_dport);
	o->orphan = sock_flag(sk, SOCK_DEAD);
	if (sk->sk_protocol == IPPROTO_TCP)
		tcp_fill(sk, o);
	else
		udp_fill(sk, o);
}

int netctl_get_socks(struct netctl_sock_info *out, int max, int protocol)
{
	struct sock *sk;
	int n = 0;

	net_lock();
	list_for_each_entry (sk, &sock_all_list, sk_all_node) {
		if (sk->sk_protocol != IPPROTO_TCP && sk->sk_protocol != IPPROTO_UDP)
			continue;
		if (protocol && sk->sk_protocol != protocol)
			continue;
		if (n < max)
			sock_fill(sk, &out[n]);
		n++;
	}
	net_unlock();
	return n;
}

long netctl_socks_in_use(void)
{
	long n;

	net_lock();
	n = sock_in_use();
	net_unlock();
	return n;
}

const char *netctl_tcp_state_name(int state) { return tcp_state_name(state); }

/* ---- counters ---- */

void netctl_get_mib(struct netctl_mib *out)
{
	net_lock();
#define COPY(group, mib, name) out->group.name = mib.name;
#define IP(name)	       COPY(ip, ip_statistics, name)
#define ICMP(name)	       COPY(icmp, icmp_statistics, name)
#define UDP(name)	       COPY(udp, udp_statistics, name)
#define ARP(name)	       COPY(arp, arp_statistics, name)
#define TCP(name)	       COPY(tcp, tcp_statistics, name)
	NETCTL_IP_MIB(IP)
	NETCTL_ICMP_MIB(ICMP)
	NETCTL_UDP_MIB(UDP)
	NETCTL_ARP_MIB(ARP)
	NETCTL_TCP_MIB(TCP)
#undef TCP
#undef ARP
#undef UDP
#undef ICMP
#undef IP
#undef COPY
	net_unlock();
}

void netctl_get_skb_stats(struct netctl_skb_stats *out)
{
	struct skb_stats s;
	struct gro_stats g;

	net_lock();
	skb_get_stats(&s);
	gro_get_stats(&g);
	net_unlock();
	out->allocs = s.allocs;
	out->frees = s.frees;
	out->alloc_fails = s.alloc_fails;
	out->gro_held = g.held;
	out->gro_merged = g.merged;
	out->gro_flushed = g.flushed;
	out->gro_bypassed = g.bypassed;
	out->gro_no_buf = g.no_buf;
	out->gro_bufs = g.pool_bufs;
}

/* ---- ping ---- */

uint16_t netctl_ping_ident(void)
{
	static uint16_t ident;
	uint16_t id;

	net_lock();
	if (!ident)
		ident = (uint16_t)net_random32();
	id = ++ident;
	net_unlock();
	return id;
}

int netctl_ping(uint32_t daddr, uint16_t id, uint16_t seq, size_t payload_len, long timeout_ms,
		struct netctl_ping_reply *reply)
{
	struct icmp_ping_reply r;
	int err;

	memset(&r, 0, sizeof(r));
	net_lock();
	err = icmp_ping(daddr, id, seq, payload_len, timeout_ms, &r);
	net_unlock();
	reply->from = r.from;
	reply->rtt_us = r.rtt_us;
	reply->ttl = r.ttl;
	reply->len = r.len;
	reply->type = r.type;
	reply->code = r.code;
	return err;
}

/* ---- TCP tunables ---- */

/* The tunables that may be changed, with the limits a change must respect. */
static const struct tcp_tunable {
	const char *name;
	unsigned int *value;
	long min, max;
} tcp_tunables[] = {
	{"tcp_msl_ms", &tcp_msl_ms, 1, 600000},
	{"tcp_fin_timeout_ms", &tcp_fin_timeout_ms, 1, 600000},
	{"tcp_rto_min_ms", &tcp_rto_min_ms, 1, 60000},
	{"tcp_syncookies", &tcp_syncookies, 0, 2},
	{"tcp_synack_retries", &tcp_synack_retries, 0, 255},
	{"tcp_max_tw_buckets", &tcp_max_tw_buckets, 0, INT_MAX}, /* Linux's bounds */
};

static const struct tcp_tunable *tcp_tunable_find(const char *name)
{
	for (size_t i = 0; i < sizeof(tcp_tunables) / sizeof(tcp_tunables[0]); i++)
		if (strcmp(tcp_tunables[i].name, name) == 0)
			return &tcp_tunables[i];
	return NULL;
}

int netctl_tcp_tunable_set(const char *name, long value)
{
	const struct tcp_tunable *t = tcp_tunable_find(name);

	if (!t)
		return -ENOENT;
	if (value < t->min || value > t->max)
		return -ERANGE;
	net_lock();
	*t->value = (unsigned int)value;
	net_unlock();
	return 0;
}

long netctl_tcp_tunable_get(const char *name)
{
	const struct tcp_tunable *t = tcp_tunable_find(name);
	long v;

	if (!t)
		return -ENOENT;
	net_lock();
	v = *t->value;
	net_unlock();
	return v;
}

/* ---- sysctl ---- */

static const struct sysctl_entry {
	const char *name;
	int *value;
	long min, max;
} sysctl_table[] = {
	{"net.ipv4.ip_forward", &sysctl_ip_forward, 0, 1},
};

#define SYSCTL_BOOT_PREFIX "sysctl."

static const struct sysctl_entry *sysctl_find(const char *name)
{
	for (size_t i = 0; i < sizeof(sysctl_table) / sizeof(sysctl_table[0]); i++)
		if (strcmp(sysctl_table[i].name, name) == 0)
			return &sysctl_table[i];
	return NULL;
}

const char *netctl_sysctl_name(int i)
{
	if (i < 0 || (size_t)i >= sizeof(sysctl_table) / sizeof(sysctl_table[0]))
		return NULL;
	return sysctl_table[i].name;
}

int netctl_sysctl_get(const char *name, long *value)
{
	const struct sysctl_entry *e = sysctl_find(name);

	if (!e)
		return -ENOENT;
	net_lock();
	*value = *e->value;
	net_unlock();
	return 0;
}

int netctl_sysctl_set(const char *name, long value)
{
	const struct sysctl_entry *e = sysctl_find(name);

	if (!e)
		return -ENOENT;
	if (value < e->min || value > e->max)
		return -ERANGE;
	net_lock();
	*e->value = (int)value;
	net_unlock();
	return 0;
}

/* sysctl.NAME=VALUE words of the kernel command line. */
static void sysctl_apply_boot_params(void)
{
	for (size_t i = 0; i < sizeof(sysctl_table) / sizeof(sysctl_table[0]); i++) {
		char key[64];
		const char *v;
		char *end;
		long n;

		snprintf(key, sizeof(key), SYSCTL_BOOT_PREFIX "%s", sysctl_table[i].name);
		v = net_boot_param(key);
		if (!v)
			continue;
		n = strtol(v, &end, 10);
		if (!*v || *end || n < sysctl_table[i].min || n > sysctl_table[i].max)
			printk("net: bad %s=%s, keeping %d\n", key, v, *sysctl_table[i].value);
		else
			*sysctl_table[i].value = (int)n;
	}
}

int netctl_udp_probe(uint32_t daddr, uint8_t ttl, uint16_t sport, uint16_t dport,
		     size_t payload_len, long timeout_ms, struct netctl_ping_reply *reply)
{
	struct icmp_ping_reply r;
	int err;

	memset(&r, 0, sizeof(r));
	net_lock();
	err = icmp_udp_probe(daddr, ttl, sport, dport, payload_len, timeout_ms, &r);
	net_unlock();
	reply->from = r.from;
	reply->rtt_us = r.rtt_us;
	reply->ttl = r.ttl;
	reply->len = r.len;
	reply->type = r.type;
	reply->code = r.code;
	return err;
}

void netctl_apply_boot_params(void)
{
	/* the defaults that scale with the machine, before the command line */
	tcp_max_tw_buckets = tcp_tw_buckets_default(net_totalram_bytes());
	sysctl_apply_boot_params();
	for (size_t i = 0; i < sizeof(tcp_tunables) / sizeof(tcp_tunables[0]); i++) {
		const char *v = net_boot_param(tcp_tunables[i].name);
		char *end;
		long n;

		if (!v)
			continue;
		n = strtol(v, &end, 10);
		if (!*v || *end || netctl_tcp_tunable_set(tcp_tunables[i].name, n))
			printk("net: bad %s=%s, keeping %u\n", tcp_tunables[i].name, v,
			       *tcp_tunables[i].value);
	}
}

void netctl_tcp_trace_set(int on, int absolute)
{
	net_lock();
	tcp_trace_enable(on, absolute);
	net_unlock();
}

int netctl_tcp_trace_get(int *absolute)
{
	int on;

	net_lock();
	on = tcp_trace_enabled;
	if (absolute)
		*absolute = tcp_trace_absolute;
	net_unlock();
	return on;
}

/* ---- packet capture ---- */

int netctl_capture_start(const char *ifname, uint64_t max_frames)
{
	struct net_device *dev = NULL;
	int err;

	net_lock();
	if (ifname && strcmp(ifname, "any") && !(dev = dev_get_by_name(ifname)))
		err = -ENODEV;
	else
		err = capture_start(dev ? dev->ifindex : 0, max_frames);
	net_unlock();
	return err;
}

void netctl_capture_stop(void)
{
	net_lock();
	capture_stop();
	net_unlock();
}

void netctl_capture_get_stats(struct netctl_capture_stats *out)
{
	struct capture_stats st;

	net_lock();
	capture_get_stats(&st);
	net_unlock();
	out->active = st.active;
	out->ifindex = st.ifindex;
	out->frames = st.frames;
	out->dropped = st.dropped;
	out->bytes = st.bytes;
	out->limit = st.limit;
	out->pending = st.pending;
}
