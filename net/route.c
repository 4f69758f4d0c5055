/*
 * The IPv4 routing table: longest prefix match (RFC 1812 5.2.4.3), then
 * the lowest metric.  Destinations that are our own addresses go out
 * through lo, as Linux's local table does.  Routes through a device that
 * is down are skipped.
 */
#include <arpa/inet.h>

#include "net/ip.h"
#include "net/devinet.h"
#include "net/arp.h"
#include "net/loopback.h"
#include "net/platform.h"

#define ROUTE_MAX 32

static struct rtable routes[ROUTE_MAX];
static int nroutes;

static struct rtable *fib_lookup(uint32_t daddr)
{
	struct rtable *best = NULL;
	int i;

	for (i = 0; i < nroutes; i++) {
		struct rtable *r = &routes[i];

		if ((daddr & r->mask) != r->dst || !(r->dev->flags & IFF_UP))
			continue;
		if (!best || net_mask_len(r->mask) > net_mask_len(best->mask) ||
		    (net_mask_len(r->mask) == net_mask_len(best->mask) && r->metric < best->metric))
			best = r;
	}
	return best;
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
	struct rtable *r;

	if (ip_is_local_addr(daddr) && loopback_dev && (loopback_dev->flags & IFF_UP)) {
		*dev = loopback_dev;
		*nexthop = daddr;
		*saddr = daddr;
		return 0;
	}
	r = fib_lookup(daddr);
	if (!r) {
		ip_statistics.out_no_routes++;
		return -ENETUNREACH;
	}
	*dev = r->dev;
	/* Broadcast and multicast go straight onto the link, never via a gateway. */
	if (daddr == htonl(0xffffffffu) || (ntohl(daddr) >> 28) == 0xe)
		*nexthop = daddr;
	else
		*nexthop = r->gateway ? r->gateway : daddr;
	*saddr = r->dev->ip_addr;
	return 0;
}

int ip_route_add(uint32_t dst, uint32_t mask, uint32_t gateway, struct net_device *dev)
{
	struct rtable *r;
	int i;

	if (net_mask_len(mask) < 0 || (dst & ~mask))
		return -EINVAL;
	if (gateway) {
		/* The gateway must be directly reachable (no recursive routes). */
		r = fib_lookup(gateway);
		if (!r || r->gateway || (dev && r->dev != dev))
			return -ENETUNREACH;
		dev = r->dev;
	}
	if (!dev)
		return -ENODEV;
	for (i = 0; i < nroutes; i++)
		if (routes[i].dst == dst && routes[i].mask == mask)
			return -EEXIST;
	if (nroutes == ROUTE_MAX)
		return -ENOSPC;
	r = &routes[nroutes++];
	r->dst = dst;
	r->mask = mask;
	r->gateway = gateway;
	r->dev = dev;
	r->metric = 0;
	return 0;
}

int ip_route_del(uint32_t dst, uint32_t mask)
{
	int i;

	for (i = 0; i < nroutes; i++) {
		if (routes[i].dst == dst && routes[i].mask == mask) {
			routes[i] = routes[--nroutes];
			return 0;
		}
	}
	return -ESRCH;
}

int ip_route_dump(struct rtable *out, int max)
{
	int i;

	for (i = 0; i < nroutes && i < max; i++)
		out[i] = routes[i];
	return i;
}

void ip_route_show(void)
{
	int i;

	for (i = 0; i < nroutes; i++) {
		struct rtable *r = &routes[i];
		uint32_t d = ntohl(r->dst), g = ntohl(r->gateway);

		printk("%u.%u.%u.%u/%d via %u.%u.%u.%u dev %s\n", d >> 24, (d >> 16) & 0xff,
		       (d >> 8) & 0xff, d & 0xff, net_mask_len(r->mask), g >> 24, (g >> 16) & 0xff,
		       (g >> 8) & 0xff, g & 0xff, r->dev->name);
	}
}

/* Removes the connected route of dev's current address, if any. */
static void ip_route_del_connected(struct net_device *dev)
{
	int i;

	if (!dev->ip_addr)
		return;
	for (i = 0; i < nroutes; i++) {
		struct rtable *r = &routes[i];

		if (r->dev == dev && !r->gateway && r->mask == dev->netmask &&
		    r->dst == (dev->ip_addr & dev->netmask)) {
			routes[i] = routes[--nroutes];
			return;
		}
	}
}

int inet_set_addr(struct net_device *dev, uint32_t addr, uint32_t netmask)
{
	if (net_mask_len(netmask) < 0 || (addr && !netmask))
		return -EINVAL;
	ip_route_del_connected(dev);
	arp_flush(dev);
	dev->ip_addr = addr;
	dev->netmask = netmask;
	if (!addr)
		return 0;
	if (dev->flags & IFF_UP && dev->type == ARPHRD_ETHER)
		arp_announce(dev);
	if (!(dev->flags & IFF_UP))
		return 0; /* the connected route comes with dev_open (inetdev_event) */
	return ip_route_add(addr & netmask, netmask, 0, dev);
}
