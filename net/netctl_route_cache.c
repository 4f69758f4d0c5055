/*
 * The calls of net/netctl.h about the path MTUs the route has learnt
 * (net/route_cache.c): like the rest of netctl, under net_lock, copying
 * plain values out.
 */
#include <string.h>

#include "net/netctl.h"
#include "net/platform.h"
#include "net/netdevice.h"
#include "net/route.h"

_Static_assert(NETCTL_MAX_PMTU == IP_RT_PMTU_MAX, "path MTU cache size");

int netctl_route_cache(struct netctl_pmtu *out, int max)
{
	static struct rt_pmtu_entry e[IP_RT_PMTU_MAX];
	int i, n;

	if (max > IP_RT_PMTU_MAX)
		max = IP_RT_PMTU_MAX;
	if (max <= 0)
		return 0;
	net_lock();
	n = ip_rt_pmtu_walk(e, max);
	for (i = 0; i < n; i++) {
		out[i].daddr = e[i].daddr;
		out[i].nexthop = e[i].nexthop;
		memcpy(out[i].dev, e[i].dev->name, IFNAMSIZ);
		out[i].dev[IFNAMSIZ - 1] = '\0';
		out[i].mtu = e[i].pmtu;
		out[i].expires_s = (unsigned int)((e[i].expires_ms + 999) / 1000);
	}
	net_unlock();
	return n;
}

void netctl_route_cache_flush(void)
{
	net_lock();
	ip_rt_pmtu_flush();
	net_unlock();
}
