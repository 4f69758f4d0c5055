/*
 * The network commands: ifconfig, arp, route, ping, skb, lspci.  They ask
 * the stack through net/netctl.h, whose calls copy plain records out, and
 * print from those copies; lspci reads the PCI records of kernel/uapi.h.
 * Handlers return 0, a negative errno that the engine prints as words, or
 * 1 when they have explained the failure themselves.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "user/menu.h"
#include "user/cmd_net.h"
#include "kernel/uapi.h"
#include "net/netctl.h"

#define MAX_IFACES 8
#define MAX_PCI	   32

#define PING_DEFAULT_COUNT    4 /* Linux pings forever; ours ends */
#define PING_DEFAULT_SIZE     56
#define PING_DEFAULT_INTERVAL 1000   /* ms */
#define PING_DEFAULT_WAIT     1000   /* ms to wait for each reply */
#define PING_MAX_COUNT	      100000 /* keeps the sum of squared RTTs in 64 bits */
#define PING_MAX_WAIT	      10000  /* ms */

/* A number in [min, max] with nothing after it: 0, else -EINVAL. */
static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	v = strtol(s, &end, 10);
	if (*end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* addr (network order) as a dotted quad, in buf (INET_ADDRSTRLEN bytes). */
static const char *ip_str(uint32_t addr, char *buf)
{
	return inet_ntop(AF_INET, &addr, buf, INET_ADDRSTRLEN);
}

/* A strict dotted quad into *addr (network order): 0, or -EINVAL. */
static int parse_ip(const char *s, uint32_t *addr)
{
	return inet_pton(AF_INET, s, addr) == 1 ? 0 : -EINVAL;
}

/* The prefix length of a contiguous netmask (network order), or -1. */
static int mask_len(uint32_t mask)
{
	uint32_t m = ntohl(mask);

	if ((m | (m - 1)) != 0xffffffffu && m != 0)
		return -1;
	return __builtin_popcount(m);
}

/* "52:54:00:12:34:56", in buf (18 bytes). */
static const char *mac_str(const uint8_t *m, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

/* ---- ifconfig ---- */

static int snapshot_devices(struct netctl_dev_info *out, int max)
{
	int n = netctl_get_devs(out, max);

	return n < max ? n : max;
}

static void print_flags(unsigned int flags)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {
		{NETCTL_IFF_UP, "UP"},
		{NETCTL_IFF_BROADCAST, "BROADCAST"},
		{NETCTL_IFF_LOOPBACK, "LOOPBACK"},
		{NETCTL_IFF_RUNNING, "RUNNING"},
	};
	const char *sep = "";
	size_t i;

	printf("flags=%u<", flags);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			printf("%s%s", sep, names[i].name);
			sep = ",";
		}
	}
	printf(">");
}

static void print_device(const struct netctl_dev_info *d)
{
	const struct netctl_dev_stats *s = &d->stats;
	char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], mac[18];

	printf("%s: ", d->name);
	print_flags(d->flags);
	printf("  mtu %u\n", d->mtu);
	if (d->addr) {
		printf("        inet %s  netmask %s", ip_str(d->addr, a), ip_str(d->netmask, m));
		if (d->flags & NETCTL_IFF_BROADCAST)
			printf("  broadcast %s", ip_str(d->addr | ~d->netmask, b));
		printf("\n");
	}
	if (d->type == NETCTL_ARPHRD_LOOPBACK)
		printf("        loop  (Local Loopback)\n");
	else
		printf("        ether %s  (driver %s)\n", mac_str(d->mac, mac),
		       d->driver[0] ? d->driver : "?");
	printf("        RX packets %llu  bytes %llu\n", (unsigned long long)s->rx_packets,
	       (unsigned long long)s->rx_bytes);
	printf("        RX errors %llu  dropped %llu\n", (unsigned long long)s->rx_errors,
	       (unsigned long long)s->rx_dropped);
	printf("        TX packets %llu  bytes %llu\n", (unsigned long long)s->tx_packets,
	       (unsigned long long)s->tx_bytes);
	printf("        TX errors %llu  dropped %llu\n", (unsigned long long)s->tx_errors,
	       (unsigned long long)s->tx_dropped);
	printf("        interrupts %llu\n", (unsigned long long)s->interrupts);
	printf("        forwarded in %llu  out %llu  refused %llu\n\n",
	       (unsigned long long)s->forw_in, (unsigned long long)s->forw_out,
	       (unsigned long long)s->forw_errors);
}

static int ifconfig_usage(void)
{
	printf("usage: ifconfig                      show every interface\n"
	       "       ifconfig IFACE                show one\n"
	       "       ifconfig IFACE ADDR [netmask MASK]\n"
	       "       ifconfig IFACE up|down\n"
	       "       ifconfig IFACE mtu N\n");
	return 1;
}

/* Applies "ADDR [netmask MASK] [up|down]" to the interface named argv[1]. */
static int ifconfig_set(int argc, char *argv[])
{
	struct netctl_dev_config cfg = {.up = -1};
	int i, err;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "up") == 0) {
			cfg.up = 1;
		} else if (strcmp(argv[i], "down") == 0) {
			cfg.up = 0;
		} else if (strcmp(argv[i], "mtu") == 0 && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end || v < NETCTL_MIN_MTU || v > 65535) {
				printf("ifconfig: bad mtu '%s'\n", argv[i]);
				return 1;
			}
			cfg.mtu = (unsigned int)v;
		} else if (strcmp(argv[i], "netmask") == 0 && i + 1 < argc) {
			if (parse_ip(argv[++i], &cfg.netmask) || mask_len(cfg.netmask) < 0) {
				printf("ifconfig: bad netmask '%s'\n", argv[i]);
				return 1;
			}
			cfg.set_mask = 1;
		} else if (!cfg.set_addr && parse_ip(argv[i], &cfg.addr) == 0) {
			cfg.set_addr = 1;
		} else {
			printf("ifconfig: unexpected '%s'\n", argv[i]);
			return ifconfig_usage();
		}
	}
	err = netctl_dev_configure(argv[1], &cfg);
	if (err == -ENODEV) {
		printf("ifconfig: %s: no such interface\n", argv[1]);
		return 1;
	}
	if (err == -EINVAL && cfg.mtu) {
		printf("ifconfig: %s: mtu %u: %s\n", argv[1], cfg.mtu, strerror(-err));
		return 1;
	}
	return err;
}

static int cmd_ifconfig(int argc, char *argv[])
{
	struct netctl_dev_info devs[MAX_IFACES];
	int i, n, shown = 0;

	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return ifconfig_usage();
	if (argc > 2)
		return ifconfig_set(argc, argv);
	n = snapshot_devices(devs, MAX_IFACES);
	for (i = 0; i < n; i++) {
		if (argc == 2 && strcmp(devs[i].name, argv[1]) != 0)
			continue;
		print_device(&devs[i]);
		shown++;
	}
	if (!shown && argc == 2) {
		printf("ifconfig: %s: no such interface\n", argv[1]);
		return 1;
	}
	return 0;
}

void net_show_interfaces_counters(void)
{
	struct netctl_dev_info devs[MAX_IFACES];
	int i, n = snapshot_devices(devs, MAX_IFACES);

	printf("Kernel Interface table\n");
	printf("%-8s %6s %10s %6s %6s %10s %6s %6s %s\n", "Iface", "MTU", "RX-OK", "RX-ERR",
	       "RX-DRP", "TX-OK", "TX-ERR", "TX-DRP", "Flg");
	for (i = 0; i < n; i++) {
		const struct netctl_dev_stats *s = &devs[i].stats;
		unsigned int f = devs[i].flags;

		printf("%-8s %6u %10llu %6llu %6llu %10llu %6llu %6llu %s%s%s%s\n", devs[i].name,
		       devs[i].mtu, (unsigned long long)s->rx_packets,
		       (unsigned long long)s->rx_errors, (unsigned long long)s->rx_dropped,
		       (unsigned long long)s->tx_packets, (unsigned long long)s->tx_errors,
		       (unsigned long long)s->tx_dropped, f & NETCTL_IFF_BROADCAST ? "B" : "",
		       f & NETCTL_IFF_LOOPBACK ? "L" : "", f & NETCTL_IFF_RUNNING ? "R" : "",
		       f & NETCTL_IFF_UP ? "U" : "");
	}
}

void net_show_protocol_counters(const struct netctl_mib *mib)
{
#define P(group, s, f) printf("%s %-18s %llu\n", group, #f, (unsigned long long)mib->s.f);
#define IP(f)	       P("Ip:", ip, f)
#define ICMP(f)	       P("Icmp:", icmp, f)
#define UDP(f)	       P("Udp:", udp, f)
#define ARP(f)	       P("Arp:", arp, f)
	NETCTL_IP_MIB(IP)
	NETCTL_ICMP_MIB(ICMP)
	NETCTL_UDP_MIB(UDP)
	NETCTL_ARP_MIB(ARP)
#undef ARP
#undef UDP
#undef ICMP
#undef IP
#undef P
}

/* ---- arp ---- */

static int cmd_arp(int argc, char *argv[])
{
	struct netctl_arp_entry e[NETCTL_MAX_ARP];
	char a[INET_ADDRSTRLEN], mac[18];
	uint32_t ip;
	int i, n, err;

	if (argc == 3 && strcmp(argv[1], "-d") == 0) {
		if (parse_ip(argv[2], &ip)) {
			printf("arp: bad address '%s'\n", argv[2]);
			return 1;
		}
		err = netctl_arp_delete(ip);
		if (err == -ENOENT) {
			printf("arp: no entry for %s\n", argv[2]);
			return 1;
		}
		return err;
	}
	if (argc != 1) {
		printf("usage: arp            show the ARP cache\n"
		       "       arp -d ADDR    delete an entry\n");
		return 1;
	}
	n = netctl_get_arp(e, NETCTL_MAX_ARP);
	printf("%-16s %-7s %-18s %-6s %-11s %s\n", "Address", "HWtype", "HWaddress", "Iface",
	       "State", "Age");
	for (i = 0; i < n; i++) {
		printf("%-16s %-7s %-18s %-6s %-11s %llus", ip_str(e[i].ip, a), "ether",
		       e[i].state == NETCTL_ARP_INCOMPLETE ? "(incomplete)"
							   : mac_str(e[i].mac, mac),
		       e[i].dev, netctl_arp_state_name(e[i].state),
		       (unsigned long long)(e[i].age_ms / 1000));
		if (e[i].queued)
			printf("  %u queued", e[i].queued);
		printf("\n");
	}
	return 0;
}

/* ---- route ---- */

static int route_usage(void)
{
	printf("usage: route [-n | -i | -C]\n"
	       "       route -C flush\n"
	       "       route add default via|gw GW [dev IFACE] [metric N]\n"
	       "       route add NET/LEN [via|gw GW] [dev IFACE] [metric N]\n"
	       "       route add NET netmask MASK [via|gw GW] [dev IFACE] [metric N]\n"
	       "       route del default | NET/LEN | NET netmask MASK [via|gw GW] [dev IFACE]"
	       " [metric N]\n");
	return 1;
}

/* "dev eth0 proto kernel scope link src A" for the route an address made. */
static void route_print_ip(const struct netctl_route *r)
{
	char d[INET_ADDRSTRLEN], a[INET_ADDRSTRLEN];
	struct netctl_dev_info dev;

	if (!r->mask)
		printf("default");
	else
		printf("%s/%d", ip_str(r->dst, d), mask_len(r->mask));
	if (r->gateway)
		printf(" via %s", ip_str(r->gateway, a));
	printf(" dev %s", r->dev);
	if (!r->gateway && netctl_get_dev(r->dev, &dev) == 0 && dev.addr &&
	    dev.netmask == r->mask && (dev.addr & dev.netmask) == r->dst && !r->metric)
		printf(" proto kernel scope link src %s", ip_str(dev.addr, a));
	else if (!r->gateway)
		printf(" scope link");
	if (r->metric)
		printf(" metric %d", r->metric);
	printf("\n");
}

/* The table a page at a time (it may hold a million routes): `route -n`'s
 * columns, or `ip route`'s lines with -i. */
static void route_show(int ip_style)
{
	struct netctl_route r[NETCTL_MAX_ROUTES];
	struct netctl_route_cursor cur = {{0}};
	char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN], flags[4];
	int i, n;

	if (!ip_style) {
		printf("Kernel IP routing table\n");
		printf("%-16s %-16s %-16s %-5s %-6s %s\n", "Destination", "Gateway", "Genmask",
		       "Flags", "Metric", "Iface");
	}
	while ((n = netctl_route_walk(&cur, r, NETCTL_MAX_ROUTES)) > 0) {
		for (i = 0; i < n; i++) {
			if (ip_style) {
				route_print_ip(&r[i]);
				continue;
			}
			snprintf(flags, sizeof(flags), "U%s%s", r[i].gateway ? "G" : "",
				 r[i].mask == 0xffffffffu ? "H" : "");
			printf("%-16s %-16s %-16s %-5s %-6d %s\n", ip_str(r[i].dst, d),
			       ip_str(r[i].gateway, g), ip_str(r[i].mask, m), flags, r[i].metric,
			       r[i].dev);
		}
	}
}

/* The path MTUs learnt from fragmentation needed (Linux's `route -Cn`, and
 * the "mtu N expires Ns" of `ip route get`). */
static void route_show_cache(void)
{
	static struct netctl_pmtu e[NETCTL_MAX_PMTU];
	char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], t[16];
	int i, n = netctl_route_cache(e, NETCTL_MAX_PMTU);

	printf("Kernel IP routing cache\n");
	printf("%-16s %-16s %-6s %-8s %s\n", "Destination", "Gateway", "MTU", "Expires", "Iface");
	for (i = 0; i < n; i++) {
		snprintf(t, sizeof(t), "%us", e[i].expires_s);
		printf("%-16s %-16s %-6u %-8s %s\n", ip_str(e[i].daddr, d),
		       ip_str(e[i].nexthop == e[i].daddr ? 0 : e[i].nexthop, g), e[i].mtu, t,
		       e[i].dev);
	}
}

/* Parses the destination at argv[*i]: "default", "NET/LEN", or "NET [netmask MASK]". */
static int route_parse_target(int argc, char *argv[], int *i, uint32_t *dst, uint32_t *mask)
{
	char buf[INET_ADDRSTRLEN + 4], *slash;
	long len;

	if (*i >= argc)
		return -EINVAL;
	if (strcmp(argv[*i], "default") == 0) {
		*dst = *mask = 0;
		(*i)++;
		return 0;
	}
	if (strlen(argv[*i]) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", argv[*i]);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	if (parse_ip(buf, dst))
		return -EINVAL;
	(*i)++;
	if (slash) {
		if (parse_long(slash + 1, 0, 32, &len))
			return -EINVAL;
		*mask = len ? htonl(0xffffffffu << (32 - len)) : 0;
	} else if (*i + 1 < argc && strcmp(argv[*i], "netmask") == 0) {
		if (parse_ip(argv[*i + 1], mask) || mask_len(*mask) < 0)
			return -EINVAL;
		*i += 2;
	} else {
		*mask = htonl(0xffffffffu); /* a host route */
	}
	return 0;
}

static int route_error(int err, const char *devname)
{
	if (err == -ENODEV && devname)
		printf("route: %s: no such interface\n", devname);
	else if (err == -ENETUNREACH)
		printf("route: the gateway is not on a directly connected network\n");
	else if (err == -EEXIST)
		printf("route: that route exists already\n");
	else if (err == -ESRCH)
		printf("route: no such route\n");
	else if (err == -ENOSPC)
		printf("route: too many distinct gateways\n");
	else
		return err;
	return 1;
}

static int cmd_route(int argc, char *argv[])
{
	uint32_t dst, mask, gw = 0;
	const char *devname = NULL;
	unsigned int match = 0;
	int i = 2, add, err, target;
	long metric = 0;

	if (argc == 1 || (argc == 2 && strcmp(argv[1], "-n") == 0)) {
		route_show(0);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-i") == 0) {
		route_show(1);
		return 0;
	}
	if (strcmp(argv[1], "-C") == 0) {
		if (argc == 2) {
			route_show_cache();
			return 0;
		}
		if (argc == 3 && strcmp(argv[2], "flush") == 0) {
			netctl_route_cache_flush();
			return 0;
		}
		printf("route: -C takes only 'flush', not '%s'\n", argv[2]);
		return route_usage();
	}
	add = strcmp(argv[1], "add") == 0;
	if (!add && strcmp(argv[1], "del") != 0)
		return route_usage();
	if (i < argc && strcmp(argv[i], "-net") == 0)
		i++;
	target = i;
	if (route_parse_target(argc, argv, &i, &dst, &mask)) {
		printf("route: bad destination '%s' (NET/LEN, NET netmask MASK or default)\n",
		       target < argc ? argv[target] : "");
		return 1;
	}
	while (i < argc) {
		if ((strcmp(argv[i], "gw") == 0 || strcmp(argv[i], "via") == 0) && i + 1 < argc) {
			if (parse_ip(argv[i + 1], &gw)) {
				printf("route: bad gateway '%s'\n", argv[i + 1]);
				return 1;
			}
			match |= NETCTL_ROUTE_GW;
		} else if (strcmp(argv[i], "dev") == 0 && i + 1 < argc) {
			devname = argv[i + 1];
			match |= NETCTL_ROUTE_DEV;
		} else if (strcmp(argv[i], "metric") == 0 && i + 1 < argc) {
			if (parse_long(argv[i + 1], 0, 0x7fffffff, &metric)) {
				printf("route: bad metric '%s'\n", argv[i + 1]);
				return 1;
			}
			match |= NETCTL_ROUTE_METRIC;
		} else {
			printf("route: unexpected '%s'\n", argv[i]);
			return route_usage();
		}
		i += 2;
	}
	if (dst & ~mask) {
		printf("route: the destination has bits outside the netmask\n");
		return 1;
	}
	if (add && !gw && !devname) {
		printf("route: a route needs a gateway (via) or an interface (dev)\n");
		return 1;
	}
	if (add)
		err = netctl_route_add_metric(dst, mask, gw, devname, (int)metric);
	else
		err = netctl_route_delete(dst, mask, gw, devname, (int)metric, match);
	return err ? route_error(err, devname) : 0;
}

/* ---- ping ---- */

static uint64_t isqrt(uint64_t v)
{
	uint64_t r = 0, bit = 1ull << 62;

	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static void print_ms(uint64_t us)
{
	printf("%llu.%03llu", (unsigned long long)(us / 1000), (unsigned long long)(us % 1000));
}

static int ping_usage(void)
{
	printf("usage: ping HOST [-c COUNT] [-s SIZE] [-i INTERVAL_MS] [-W TIMEOUT_MS]\n"
	       "       HOST is a dotted quad or localhost; COUNT defaults to %d\n",
	       PING_DEFAULT_COUNT);
	return 1;
}

struct ping_opts {
	uint32_t daddr;
	const char *host;
	long count, size, interval, wait;
};

static int ping_parse(int argc, char *argv[], struct ping_opts *o)
{
	int i;

	o->host = NULL;
	o->count = PING_DEFAULT_COUNT;
	o->size = PING_DEFAULT_SIZE;
	o->interval = PING_DEFAULT_INTERVAL;
	o->wait = PING_DEFAULT_WAIT;
	for (i = 1; i < argc; i++) {
		long *v = NULL, min = 0, max = 0;

		if (strcmp(argv[i], "-c") == 0) {
			v = &o->count, min = 1, max = PING_MAX_COUNT;
		} else if (strcmp(argv[i], "-s") == 0) {
			v = &o->size, min = 0, max = NETCTL_PING_MAX_PAYLOAD;
		} else if (strcmp(argv[i], "-i") == 0) {
			v = &o->interval, min = 0, max = 3600 * 1000;
		} else if (strcmp(argv[i], "-W") == 0) {
			v = &o->wait, min = 1, max = PING_MAX_WAIT;
		} else if (argv[i][0] != '-' && !o->host) {
			o->host = argv[i];
			continue;
		} else {
			printf("ping: unexpected '%s'\n", argv[i]);
			return ping_usage();
		}
		if (i + 1 >= argc || parse_long(argv[i + 1], min, max, v)) {
			printf("ping: %s needs a number from %ld to %ld\n", argv[i], min, max);
			return 1;
		}
		i++;
	}
	if (!o->host)
		return ping_usage();
	if (strcmp(o->host, "localhost") == 0)
		o->daddr = htonl(0x7f000001u);
	else if (parse_ip(o->host, &o->daddr)) {
		printf("ping: %s: not an IPv4 address (there is no name resolution)\n", o->host);
		return 1;
	}
	return 0;
}

static int cmd_ping(int argc, char *argv[])
{
	struct ping_opts o;
	struct netctl_ping_reply r;
	char a[INET_ADDRSTRLEN];
	uint16_t ping_id;
	uint64_t start, min = UINT64_MAX, max = 0, sum = 0, sum2 = 0;
	long seq, sent = 0, received = 0, errors = 0;
	int err = 0;

	if (ping_parse(argc, argv, &o))
		return 1;
	ping_id = netctl_ping_ident();
	ip_str(o.daddr, a);
	printf("PING %s (%s) %ld(%ld) bytes of data.\n", o.host, a, o.size,
	       o.size + NETCTL_ICMP_HDR_LEN + NETCTL_IP_HDR_LEN);
	start = jiffies_ms();
	for (seq = 1; seq <= o.count; seq++) {
		uint64_t t0 = jiffies_ms(), spent;

		err = netctl_ping(o.daddr, ping_id, (uint16_t)seq, (size_t)o.size, o.wait, &r);
		if (err == -EINTR) {
			sent++; /* it went out; Ctrl-C came while we waited */
			break;
		}
		if (err == -ENETUNREACH || err == -EMSGSIZE || err == -ENOMEM) {
			printf("ping: sendmsg: %s\n", strerror(-err));
			break;
		}
		sent++;
		if (err == 0) {
			uint64_t us = r.rtt_us;

			received++;
			sum += us;
			sum2 += us * us;
			min = us < min ? us : min;
			max = us > max ? us : max;
			printf("%u bytes from %s: icmp_seq=%ld ttl=%u time=", r.len,
			       ip_str(r.from, a), seq, r.ttl);
			print_ms(us);
			printf(" ms\n");
		} else if (err == -EHOSTUNREACH) {
			errors++;
			printf("From %s icmp_seq=%ld Destination %s Unreachable\n",
			       ip_str(r.from, a), seq,
			       r.code == NETCTL_ICMP_PORT_UNREACH   ? "Port"
			       : r.code == NETCTL_ICMP_PROT_UNREACH ? "Protocol"
			       : r.code == NETCTL_ICMP_HOST_UNREACH ? "Host"
								    : "Net");
		} else if (err == -EIO) {
			errors++;
			printf("From %s icmp_seq=%ld: wrong data in the reply\n", ip_str(r.from, a),
			       seq);
		}
		err = 0;
		if (seq == o.count)
			break;
		spent = jiffies_ms() - t0;
		if ((uint64_t)o.interval > spent &&
		    msleep_interruptible(o.interval - spent) == -EINTR)
			break;
	}
	printf("\n--- %s ping statistics ---\n", o.host);
	printf("%ld packets transmitted, %ld received, ", sent, received);
	if (errors)
		printf("+%ld errors, ", errors);
	printf("%ld%% packet loss, time %llums\n", sent ? (sent - received) * 100 / sent : 0,
	       (unsigned long long)(jiffies_ms() - start));
	if (received) {
		uint64_t avg = sum / received;
		uint64_t var = sum2 / received - avg * avg;

		printf("rtt min/avg/max/mdev = ");
		print_ms(min);
		printf("/");
		print_ms(avg);
		printf("/");
		print_ms(max);
		printf("/");
		print_ms(isqrt(var));
		printf(" ms\n");
	}
	return err == -EINTR ? 0 : err < 0 ? 1 : 0;
}

/* ---- skb, lspci ---- */

static int cmd_skb(int argc, char *argv[])
{
	struct netctl_skb_stats s;

	(void)argv;
	if (argc != 1) {
		printf("usage: skb    show sk_buff allocation counters\n");
		return 1;
	}
	netctl_get_skb_stats(&s);
	printf("sk_buff: %llu allocated, %llu freed, %llu in use, %llu allocations failed\n",
	       (unsigned long long)s.allocs, (unsigned long long)s.frees,
	       (unsigned long long)(s.allocs - s.frees), (unsigned long long)s.alloc_fails);
	printf("gro: %llu segments held, %llu merged into them, %llu delivered, %llu bypassed, "
	       "%llu merges without a buffer, %llu merge buffers\n",
	       (unsigned long long)s.gro_held, (unsigned long long)s.gro_merged,
	       (unsigned long long)s.gro_flushed, (unsigned long long)s.gro_bypassed,
	       (unsigned long long)s.gro_no_buf, (unsigned long long)s.gro_bufs);
	return 0;
}

static int cmd_lspci(int argc, char *argv[])
{
	static struct pci_dev_info devs[MAX_PCI];
	int i, n;

	(void)argc;
	(void)argv;
	n = pci_get_devices(devs, MAX_PCI);
	for (i = 0; i < n && i < MAX_PCI; i++)
		printf("%02x:%02x.%x %04x:%04x class %02x:%02x driver %s\n", devs[i].bus,
		       devs[i].dev, devs[i].fn, devs[i].vendor, devs[i].device, devs[i].class_code,
		       devs[i].subclass, devs[i].driver[0] ? devs[i].driver : "-");
	if (n > MAX_PCI)
		printf("(%d more not shown)\n", n - MAX_PCI);
	return 0;
}

void menu_register_net(void)
{
	MenuConfig("ifconfig", "show or configure network interfaces", cmd_ifconfig);
	MenuConfig("arp", "show the ARP cache; arp -d ADDR deletes an entry", cmd_arp);
	MenuConfig("route", "show or change the IPv4 routing table", cmd_route);
	MenuConfig("ping", "ping HOST [-c N] [-s SIZE] [-i MS]: ICMP echo", cmd_ping);
	MenuConfig("skb", "sk_buff allocation counters", cmd_skb);
	MenuConfig("lspci", "list PCI devices", cmd_lspci);
}
