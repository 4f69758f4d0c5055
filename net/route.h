/*
 * The IPv4 routing table's API (Linux's fib_lookup / ip_route_output, and
 * the rtnetlink route add/del in spirit) over the DXR table of net/fib.h.
 * Addresses in network byte order; the caller holds net_lock.
 */
#ifndef NET_ROUTE_H
#define NET_ROUTE_H

#include <stdint.h>

struct net_device;

/* What a lookup found. */
struct fib_result {
	uint32_t prefix, mask;
	uint32_t gateway; /* 0: directly connected */
	struct net_device *dev;
	int metric;
};

/*
 * Longest prefix, then the lowest metric, among routes whose device is
 * up (RFC 1812 5.2.4.3): 0 with *res filled, or -ENETUNREACH.  Our own
 * addresses are not in this table (ip_route_output sends them to lo).
 */
int fib_lookup(uint32_t daddr, struct fib_result *res);

/*
 * Adds dst/mask via gateway (0: on-link) on dev (NULL: the device the
 * gateway is reached through) with metric: 0, -EINVAL (non-contiguous
 * mask, destination bits outside it, negative metric), -ENETUNREACH (the
 * gateway is not on a directly connected network, or not on dev),
 * -ENODEV (no gateway and no device), -EEXIST (the same destination and
 * metric), -ENOSPC (too many distinct next hops), -ENOMEM.
 */
int route_add(uint32_t dst, uint32_t mask, uint32_t gateway, struct net_device *dev, int metric);
/* What route_del matches besides dst/mask; the others are wildcards. */
#define ROUTE_DEL_GW	 0x1
#define ROUTE_DEL_DEV	 0x2
#define ROUTE_DEL_METRIC 0x4
/* Deletes the lowest-metric route to dst/mask that matches the fields in
 * `match`: 0, -EINVAL, -ESRCH (no such route), -ENOMEM. */
int route_del(uint32_t dst, uint32_t mask, uint32_t gateway, struct net_device *dev, int metric,
	      unsigned int match);
/* Deletes every route through dev (its address went, or dev is going away). */
void route_flush_dev(struct net_device *dev);

/* A route as route_walk reports it. */
struct route_entry {
	uint32_t dst, mask, gateway;
	struct net_device *dev;
	int metric;
};
/* Where a walk stands: zero it to start; it stays valid across calls (a
 * table changed meanwhile may make the walk skip or repeat a route). */
struct route_cursor {
	uint32_t k, i, j;
};
/* Copies up to max routes from *cur on, advancing it; 0 at the end.
 * Order: default routes, shorter prefixes, then by address. */
int route_walk(struct route_cursor *cur, struct route_entry *out, int max);
/* How many routes the table holds. */
unsigned int route_count(void);

/*
 * The generation of the routing state (Linux's rt_genid): it changes on
 * every route added or deleted, every address change and every device
 * going up or down (rt_cache_flush), so a route cached with an older
 * generation must be looked up again.
 */
uint32_t rt_genid_ipv4(void);
void rt_cache_flush(void);

/* A socket's cached route (Linux's sk_dst_cache and __sk_dst_check). */
struct sk_dst {
	uint32_t genid; /* 0: empty */
	uint32_t daddr, nexthop, saddr;
	struct net_device *dev;
	unsigned int mtu; /* the path MTU: ip_route_mtu */
	uint64_t expires; /* when a learnt mtu runs out (ms), 0: the device's */
};
/* The cache still answers for daddr: the generation holds and the learnt
 * path MTU it carries lives. */
int sk_dst_valid(const struct sk_dst *cache, uint32_t daddr);
/* ip_route_output through the cache: a hit while sk_dst_valid, else a
 * lookup that refills it. */
int ip_route_output_cached(struct sk_dst *cache, uint32_t daddr, struct net_device **dev,
			   uint32_t *nexthop, uint32_t *saddr);

/*
 * Path MTUs learnt per destination (net/route_cache.c; Linux's next-hop
 * exceptions): at most IP_RT_PMTU_MAX of them, each for
 * IP_RT_MTU_EXPIRES_MS after its last report (RFC 1191 6.3), never below
 * IP_RT_MIN_PMTU (Linux's net.ipv4.route.min_pmtu).
 */
#define IP_RT_PMTU_MAX	     256
#define IP_RT_MTU_EXPIRES_MS (10u * 60 * 1000)
#define IP_RT_MIN_PMTU	     552
/* A fragmentation needed the caller believes: mtu (the floor if below it)
 * becomes daddr's path MTU if that is lower than the one in use, and the
 * routing generation moves; the same MTU again renews the entry.  1 if the
 * path MTU went down, else 0. */
int ip_rt_update_pmtu(uint32_t daddr, unsigned int mtu);
/* daddr's learnt path MTU, whatever its next hop (its expiry in *expires,
 * ms, if not NULL), 0: none. */
unsigned int ip_rt_pmtu(uint32_t daddr, uint64_t *expires);
/* Linux's dst_mtu: the lower of dev's MTU and the path MTU learnt for
 * daddr through nexthop on dev (ip_route_output's answer); in *expires (if
 * not NULL) when the latter runs out, 0 if dev's MTU holds. */
unsigned int ip_route_mtu(uint32_t daddr, const struct net_device *dev, uint32_t nexthop,
			  uint64_t *expires);
/* A learnt path MTU as ip_rt_pmtu_walk reports it. */
struct rt_pmtu_entry {
	uint32_t daddr, nexthop;
	const struct net_device *dev;
	unsigned int pmtu;
	uint64_t expires_ms; /* from now */
};
/* Copies up to max live entries; returns how many. */
int ip_rt_pmtu_walk(struct rt_pmtu_entry *out, int max);
/* Forgets every learnt path MTU (Linux's `ip route flush cache`). */
void ip_rt_pmtu_flush(void);

#endif
