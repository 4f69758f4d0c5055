/*
 * The IPv4 routing table: longest prefix match (RFC 1812 5.2.4.3), then
 * the lowest metric, among routes whose device is up.  Destinations that
 * are our own addresses go out through lo, as Linux's local table does.
 * The table itself is the DXR of net/fib_dxr.c (net/fib.h says why);
 * this file keeps the kernel's view of it: network byte order, devices,
 * the checks a new route must pass, and the generation number that
 * sockets' cached routes are checked against.
 */
#include <arpa/inet.h>

#include "net/ip.h"
#include "net/route.h"
#include "net/fib.h"
#include "net/devinet.h"
#include "net/arp.h"
#include "net/loopback.h"
#include "net/platform.h"

/* Made with the first route; NULL while empty or if that failed. */
static struct fib_table *fib_main;
/* 0 is never a generation: a zeroed sk_dst is empty. */
static uint32_t rt_genid = 1;

void rt_cache_flush(void)
{
	if (++rt_genid == 0)
		rt_genid = 1;
}

uint32_t rt_genid_ipv4(void) { return rt_genid; }

static int fib_nh_usable(const struct fib_nh *nh) { return nh->dev->flags & IFF_UP; }

static uint32_t len_to_mask(int len) { return len ? htonl(0xffffffffu << (32 - len)) : 0; }

int fib_lookup(uint32_t daddr, struct fib_result *res)
{
	const struct fib_nh *nh;

	if (!fib_main)
		return -ENETUNREACH;
	nh = fib_table_lookup(fib_main, ntohl(daddr));
	/* the best route's device is down: the slow path skips such routes */
	if (nh && !fib_nh_usable(nh))
		nh = fib_table_lookup_usable(fib_main, ntohl(daddr), fib_nh_usable);
	if (!nh)
		return -ENETUNREACH;
	res->gateway = nh->gw;
	res->dev = nh->dev;
	res->metric = nh->metric;
	return 0;
}

int ip_is_local_addr(uint32_t addr)
{
	struct net_device *dev;

	if ((ntohl(addr) & LOOPBACK_MASK) == LOOPBACK_NET)
		return 1;
	list_for_each_entry (dev, netdev_list(), dev_list)
		if (dev->ip_addr && dev->ip_addr == addr)
			return 1;
	return 0;
}

int ip_route_check_source(uint32_t saddr, const struct net_device *dev)
{
	if ((ntohl(saddr) & LOOPBACK_MASK) == LOOPBACK_NET && !(dev->flags & IFF_LOOPBACK))
		return -EINVAL;
	return 0;
}

int ip_route_output(uint32_t daddr, struct net_device **dev, uint32_t *nexthop, uint32_t *saddr)
{
	struct fib_result res;

	if (ip_is_local_addr(daddr) && loopback_dev && (loopback_dev->flags & IFF_UP)) {
		*dev = loopback_dev;
		*nexthop = daddr;
		*saddr = daddr;
		return 0;
	}
	if (fib_lookup(daddr, &res)) {
		ip_statistics.out_no_routes++;
		return -ENETUNREACH;
	}
	*dev = res.dev;
	/* Broadcast and multicast go straight onto the link, never via a gateway. */
	if (daddr == htonl(0xffffffffu) || (ntohl(daddr) >> 28) == 0xe)
		*nexthop = daddr;
	else
		*nexthop = res.gateway ? res.gateway : daddr;
	*saddr = res.dev->ip_addr;
	return 0;
}

int sk_dst_valid(const struct sk_dst *cache, uint32_t daddr)
{
	return cache->genid == rt_genid && cache->daddr == daddr &&
	       (!cache->expires || jiffies_ms() < cache->expires);
}

int ip_route_output_cached(struct sk_dst *cache, uint32_t daddr, struct net_device **dev,
			   uint32_t *nexthop, uint32_t *saddr)
{
	int err;

	if (sk_dst_valid(cache, daddr)) {
		*dev = cache->dev;
		*nexthop = cache->nexthop;
		*saddr = cache->saddr;
		return 0;
	}
	cache->genid = 0;
	err = ip_route_output(daddr, dev, nexthop, saddr);
	if (err)
		return err;
	cache->genid = rt_genid;
	cache->daddr = daddr;
	cache->dev = *dev;
	cache->nexthop = *nexthop;
	cache->saddr = *saddr;
	cache->mtu = ip_route_mtu(daddr, *dev, *nexthop, &cache->expires);
	return 0;
}

int route_add(uint32_t dst, uint32_t mask, uint32_t gateway, struct net_device *dev, int metric)
{
	struct fib_result gw;
	int len = net_mask_len(mask), err;

	if (len < 0 || (dst & ~mask) || metric < 0)
		return -EINVAL;
	if (gateway) {
		/* The gateway must be directly reachable (no recursive routes). */
		if (fib_lookup(gateway, &gw) || gw.gateway || (dev && gw.dev != dev))
			return -ENETUNREACH;
		dev = gw.dev;
	}
	if (!dev)
		return -ENODEV;
	if (!fib_main) {
		fib_main = fib_table_new();
		if (!fib_main)
			return -ENOMEM;
	}
	err = fib_table_insert(fib_main, ntohl(dst), len, gateway, dev, metric);
	if (!err)
		rt_cache_flush();
	return err;
}

int route_del(uint32_t dst, uint32_t mask, uint32_t gateway, struct net_device *dev, int metric,
	      unsigned int match)
{
	struct fib_nh want = {.gw = gateway, .dev = dev, .metric = metric};
	unsigned int m = 0;
	int len = net_mask_len(mask), err;

	if (len < 0 || (dst & ~mask))
		return -EINVAL;
	if (!fib_main)
		return -ESRCH;
	if (match & ROUTE_DEL_GW)
		m |= FIB_MATCH_GW;
	if (match & ROUTE_DEL_DEV)
		m |= FIB_MATCH_DEV;
	if (match & ROUTE_DEL_METRIC)
		m |= FIB_MATCH_METRIC;
	err = fib_table_delete(fib_main, ntohl(dst), len, &want, m);
	if (!err)
		rt_cache_flush();
	return err;
}

int ip_route_add(uint32_t dst, uint32_t mask, uint32_t gateway, struct net_device *dev)
{
	return route_add(dst, mask, gateway, dev, 0);
}

int ip_route_del(uint32_t dst, uint32_t mask) { return route_del(dst, mask, 0, NULL, 0, 0); }

int route_walk(struct route_cursor *cur, struct route_entry *out, int max)
{
	struct fib_cursor fc = {cur->k, cur->i, cur->j};
	struct fib_route r[16];
	int n = 0, got, i;

	if (!fib_main)
		return 0;
	while (n < max) {
		got = fib_table_walk(fib_main, &fc, r, max - n < 16 ? max - n : 16);
		if (!got)
			break;
		for (i = 0; i < got; i++, n++) {
			out[n].dst = htonl(r[i].prefix);
			out[n].mask = len_to_mask(r[i].len);
			out[n].gateway = r[i].nh->gw;
			out[n].dev = r[i].nh->dev;
			out[n].metric = r[i].nh->metric;
		}
	}
	cur->k = fc.k;
	cur->i = fc.i;
	cur->j = fc.j;
	return n;
}

unsigned int route_count(void) { return fib_main ? fib_main->nroutes : 0; }

void route_flush_dev(struct net_device *dev)
{
	struct route_entry e, victims[16];
	int found, i;

	/* A batch at a time, each walk from the start: deleting moves the
	 * routes after a cursor. */
	do {
		struct route_cursor cur = {0};

		found = 0;
		while (found < 16 && route_walk(&cur, &e, 1) == 1)
			if (e.dev == dev)
				victims[found++] = e;
		for (i = 0; i < found; i++)
			route_del(victims[i].dst, victims[i].mask, victims[i].gateway, dev,
				  victims[i].metric,
				  ROUTE_DEL_GW | ROUTE_DEL_DEV | ROUTE_DEL_METRIC);
	} while (found == 16);
}

void ip_route_show(void)
{
	struct route_cursor cur = {0};
	struct route_entry e;

	while (route_walk(&cur, &e, 1) == 1) {
		uint32_t d = ntohl(e.dst), g = ntohl(e.gateway);

		printk("%u.%u.%u.%u/%d via %u.%u.%u.%u dev %s metric %d\n", d >> 24,
		       (d >> 16) & 0xff, (d >> 8) & 0xff, d & 0xff, net_mask_len(e.mask), g >> 24,
		       (g >> 16) & 0xff, (g >> 8) & 0xff, g & 0xff, e.dev->name, e.metric);
	}
}

/* Removes the connected route of dev's current address, if any. */
static void ip_route_del_connected(struct net_device *dev)
{
	if (!dev->ip_addr)
		return;
	route_del(dev->ip_addr & dev->netmask, dev->netmask, 0, dev, 0,
		  ROUTE_DEL_GW | ROUTE_DEL_DEV);
}

int inet_set_addr(struct net_device *dev, uint32_t addr, uint32_t netmask)
{
	if (net_mask_len(netmask) < 0 || (addr && !netmask))
		return -EINVAL;
	ip_route_del_connected(dev);
	arp_flush(dev);
	dev->ip_addr = addr;
	dev->netmask = netmask;
	rt_cache_flush(); /* the source address of routes through dev changed */
	if (!addr)
		return 0;
	if (dev->flags & IFF_UP && dev->type == ARPHRD_ETHER)
		arp_announce(dev);
	if (!(dev->flags & IFF_UP))
		return 0; /* the connected route comes with dev_open (inetdev_event) */
	return ip_route_add(addr & netmask, netmask, 0, dev);
}
