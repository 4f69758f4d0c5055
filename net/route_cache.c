/*
 * Path MTUs learnt per destination (RFC 1191 6.3), Linux's next-hop
 * exceptions (struct fib_nh_exception, `ip route get` shows "mtu N
 * expires Ns").  Without them a fragmentation needed lowers only the MSS
 * of the connection it concerns, and the next connection to the same
 * host sends full-sized DF segments again, loses the first and waits
 * for the router's ICMP once more.
 *
 * The cache is a fixed table, FNHE_BUCKETS sets of FNHE_WAYS entries
 * chosen by a keyed hash of the destination: a flood of reports about
 * many destinations replaces the oldest entry of a set and never takes
 * memory (Linux bounds each next hop's chain at FNHE_RECLAIM_DEPTH the
 * same way).  An entry lives IP_RT_MTU_EXPIRES_MS after its last report
 * (RFC 1191 6.3: the path may have grown; Linux's ip_rt_mtu_expires), a
 * report never goes below IP_RT_MIN_PMTU (Linux's min_pmtu; RFC 5927 7.2)
 * and only lowers the path MTU.  Who believes a report is the caller's
 * business: tcp_v4_err checks the quoted sequence number (RFC 5927 4.1),
 * the ping code the quoted echo's identifier.  A change moves the routing
 * generation, so that sockets' cached routes (struct sk_dst) take it.
 */
#include <arpa/inet.h>
#include <string.h>

#include "net/ip.h"
#include "net/route.h"
#include "net/netdevice.h"
#include "net/platform.h"

#define FNHE_HASH_SHIFT 6
#define FNHE_BUCKETS	(1u << FNHE_HASH_SHIFT)
#define FNHE_WAYS	(IP_RT_PMTU_MAX / FNHE_BUCKETS)

struct fib_nh_exception {
	uint32_t daddr; /* 0: free (0.0.0.0 is never a destination) */
	uint32_t pmtu;
	/* the next hop it was learnt through: a route change elsewhere
	 * leaves the entry aside, as Linux's hang off their fib_nh */
	uint32_t nexthop;
	const struct net_device *dev; /* devices are never freed */
	uint64_t stamp;		      /* the last report, ms */
	uint64_t expires;	      /* ms */
};

static struct fib_nh_exception fnhe_table[FNHE_BUCKETS][FNHE_WAYS];
static uint32_t fnhe_seed;

/* Keyed, so that nobody can aim reports at one set (Linux's fnhe_hashfn
 * mixes a random key the same way). */
static struct fib_nh_exception *fnhe_bucket(uint32_t daddr)
{
	while (!fnhe_seed)
		fnhe_seed = net_random32();
	return fnhe_table[((daddr ^ fnhe_seed) * 0x9e3779b1u) >> (32 - FNHE_HASH_SHIFT)];
}

/* daddr's live entry, or NULL; an expired one is freed on the way. */
static struct fib_nh_exception *fnhe_find(uint32_t daddr, uint64_t now)
{
	struct fib_nh_exception *set = fnhe_bucket(daddr);
	unsigned int i;

	for (i = 0; i < FNHE_WAYS; i++) {
		if (set[i].daddr != daddr)
			continue;
		if (now >= set[i].expires) {
			set[i].daddr = 0;
			return NULL;
		}
		return &set[i];
	}
	return NULL;
}

unsigned int ip_rt_pmtu(uint32_t daddr, uint64_t *expires)
{
	struct fib_nh_exception *e = daddr ? fnhe_find(daddr, jiffies_ms()) : NULL;

	if (!e)
		return 0;
	if (expires)
		*expires = e->expires;
	return e->pmtu;
}

unsigned int ip_route_mtu(uint32_t daddr, const struct net_device *dev, uint32_t nexthop,
			  uint64_t *expires)
{
	const struct fib_nh_exception *e = NULL;

	if (!(dev->flags & IFF_LOOPBACK) && daddr)
		e = fnhe_find(daddr, jiffies_ms());
	if (e && (e->dev != dev || e->nexthop != nexthop || e->pmtu >= dev->mtu))
		e = NULL;
	if (expires)
		*expires = e ? e->expires : 0;
	return e ? e->pmtu : dev->mtu;
}

int ip_rt_update_pmtu(uint32_t daddr, unsigned int mtu)
{
	uint64_t now = jiffies_ms();
	struct fib_nh_exception *e, *set;
	struct fib_result res;
	unsigned int old, i;
	uint32_t nexthop;

	if (!daddr || ip_is_local_addr(daddr) || fib_lookup(daddr, &res))
		return 0;
	nexthop = res.gateway ? res.gateway : daddr;
	e = fnhe_find(daddr, now);
	if (e && (e->dev != res.dev || e->nexthop != nexthop)) {
		e->daddr = 0; /* learnt on another path: it says nothing of this one */
		e = NULL;
	}
	old = e && e->pmtu < res.dev->mtu ? e->pmtu : res.dev->mtu;
	/* as Linux's __ip_rt_update_pmtu: below the floor means the floor,
	 * but never above what the link itself takes */
	if (mtu < IP_RT_MIN_PMTU)
		mtu = old < IP_RT_MIN_PMTU ? old : IP_RT_MIN_PMTU;
	if (mtu > old)
		return 0; /* a report of a wider path than we use: not believed */
	if (mtu == old) {
		/* the same again: the path still holds, the entry lives on */
		if (e && e->pmtu == mtu) {
			e->stamp = now;
			e->expires = now + IP_RT_MTU_EXPIRES_MS;
		}
		return 0;
	}
	if (!e) {
		set = fnhe_bucket(daddr);
		e = &set[0];
		for (i = 0; i < FNHE_WAYS; i++) {
			if (!set[i].daddr || now >= set[i].expires) {
				e = &set[i];
				break;
			}
			if (set[i].stamp < e->stamp)
				e = &set[i]; /* the set is full: the oldest report goes */
		}
		e->daddr = daddr;
	}
	e->nexthop = nexthop;
	e->dev = res.dev;
	e->pmtu = mtu;
	e->stamp = now;
	e->expires = now + IP_RT_MTU_EXPIRES_MS;
	rt_cache_flush(); /* sockets' cached routes carry the old MTU */
	return 1;
}

int ip_rt_pmtu_walk(struct rt_pmtu_entry *out, int max)
{
	uint64_t now = jiffies_ms();
	unsigned int b, i;
	int n = 0;

	for (b = 0; b < FNHE_BUCKETS; b++) {
		for (i = 0; i < FNHE_WAYS && n < max; i++) {
			const struct fib_nh_exception *e = &fnhe_table[b][i];

			if (!e->daddr || now >= e->expires)
				continue;
			out[n].daddr = e->daddr;
			out[n].nexthop = e->nexthop;
			out[n].dev = e->dev;
			out[n].pmtu = e->pmtu;
			out[n].expires_ms = e->expires - now;
			n++;
		}
	}
	return n;
}

void ip_rt_pmtu_flush(void)
{
	memset(fnhe_table, 0, sizeof(fnhe_table));
	rt_cache_flush();
}
