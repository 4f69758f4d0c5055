/*
 * The network commands: ifconfig, arp, route, ping, skb, lspci.  They use
 * the documented calls of net/ (taking net_lock around them, as those
 * calls require) and print outside the lock from a copy.  Handlers return
 * 0, a negative errno that the engine prints as words, or 1 when they have
 * explained the failure themselves.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "user/menu.h"
#include "user/cmd_net.h"
#include "drivers/pci.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "net/platform.h"
#include "net/netdevice.h"
#include "net/eth.h"
#include "net/arp.h"
#include "net/ip.h"
#include "net/icmp.h"
#include "net/udp.h"
#include "net/devinet.h"

#define MAX_IFACES 8
#define MAX_ROUTES 32

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

static const char *ip_str(uint32_t addr, char *buf) { return net_ipv4_str(addr, buf); }

/* ---- ifconfig ---- */

static int snapshot_devices(struct net_device *out, int max)
{
	struct net_device *dev;
	int n = 0;

	net_lock();
	list_for_each_entry (dev, netdev_list(), dev_list)
		if (n < max)
			out[n++] = *dev;
	net_unlock();
	return n;
}

static void print_flags(unsigned int flags)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {
		{IFF_UP, "UP"},
		{IFF_BROADCAST, "BROADCAST"},
		{IFF_LOOPBACK, "LOOPBACK"},
		{IFF_RUNNING, "RUNNING"},
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

static void print_device(const struct net_device *d)
{
	const struct net_device_stats *s = &d->stats;
	char a[INET_ADDRSTRLEN_NET], m[INET_ADDRSTRLEN_NET], b[INET_ADDRSTRLEN_NET], mac[18];

	printf("%s: ", d->name);
	print_flags(d->flags);
	printf("  mtu %u\n", d->mtu);
	if (d->ip_addr) {
		printf("        inet %s  netmask %s", ip_str(d->ip_addr, a), ip_str(d->netmask, m));
		if (d->flags & IFF_BROADCAST)
			printf("  broadcast %s", ip_str(d->ip_addr | ~d->netmask, b));
		printf("\n");
	}
	if (d->type == ARPHRD_LOOPBACK)
		printf("        loop  (Local Loopback)\n");
	else
		printf("        ether %s  (driver %s)\n", eth_addr_str(d->dev_addr, mac),
		       d->driver ? d->driver : "?");
	printf("        RX packets %llu  bytes %llu\n", (unsigned long long)s->rx_packets,
	       (unsigned long long)s->rx_bytes);
	printf("        RX errors %llu  dropped %llu\n", (unsigned long long)s->rx_errors,
	       (unsigned long long)s->rx_dropped);
	printf("        TX packets %llu  bytes %llu\n", (unsigned long long)s->tx_packets,
	       (unsigned long long)s->tx_bytes);
	printf("        TX errors %llu  dropped %llu\n", (unsigned long long)s->tx_errors,
	       (unsigned long long)s->tx_dropped);
	printf("        interrupts %llu\n\n", (unsigned long long)s->interrupts);
}

static int ifconfig_usage(void)
{
	printf("usage: ifconfig                      show every interface\n"
	       "       ifconfig IFACE                show one\n"
	       "       ifconfig IFACE ADDR [netmask MASK]\n"
	       "       ifconfig IFACE up|down\n");
	return 1;
}

/* Applies "ADDR [netmask MASK] [up|down]" to the interface named argv[1]. */
static int ifconfig_set(int argc, char *argv[])
{
	uint32_t addr = 0, mask = 0;
	int have_addr = 0, have_mask = 0, up = -1, i, err = 0;
	struct net_device *dev;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "up") == 0) {
			up = 1;
		} else if (strcmp(argv[i], "down") == 0) {
			up = 0;
		} else if (strcmp(argv[i], "netmask") == 0 && i + 1 < argc) {
			if (net_parse_ipv4(argv[++i], &mask) || net_mask_len(mask) < 0) {
				printf("ifconfig: bad netmask '%s'\n", argv[i]);
				return 1;
			}
			have_mask = 1;
		} else if (!have_addr && net_parse_ipv4(argv[i], &addr) == 0) {
			have_addr = 1;
		} else {
			printf("ifconfig: unexpected '%s'\n", argv[i]);
			return ifconfig_usage();
		}
	}
	net_lock();
	dev = dev_get_by_name(argv[1]);
	if (!dev) {
		net_unlock();
		printf("ifconfig: %s: no such interface\n", argv[1]);
		return 1;
	}
	if (have_addr || have_mask) {
		if (!have_addr)
			addr = dev->ip_addr;
		if (!have_mask)
			mask = dev->netmask ? dev->netmask : htonl(0xffffff00u);
		err = inet_set_addr(dev, addr, mask);
	}
	if (!err && up == 1)
		err = dev_open(dev);
	else if (!err && up == 0)
		err = dev_close(dev);
	net_unlock();
	return err;
}

static int cmd_ifconfig(int argc, char *argv[])
{
	struct net_device devs[MAX_IFACES];
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
	struct net_device devs[MAX_IFACES];
	int i, n = snapshot_devices(devs, MAX_IFACES);

	printf("Kernel Interface table\n");
	printf("%-8s %6s %10s %6s %6s %10s %6s %6s %s\n", "Iface", "MTU", "RX-OK", "RX-ERR",
	       "RX-DRP", "TX-OK", "TX-ERR", "TX-DRP", "Flg");
	for (i = 0; i < n; i++) {
		const struct net_device_stats *s = &devs[i].stats;
		unsigned int f = devs[i].flags;

		printf("%-8s %6u %10llu %6llu %6llu %10llu %6llu %6llu %s%s%s%s\n", devs[i].name,
		       devs[i].mtu, (unsigned long long)s->rx_packets,
		       (unsigned long long)s->rx_errors, (unsigned long long)s->rx_dropped,
		       (unsigned long long)s->tx_packets, (unsigned long long)s->tx_errors,
		       (unsigned long long)s->tx_dropped, f & IFF_BROADCAST ? "B" : "",
		       f & IFF_LOOPBACK ? "L" : "", f & IFF_RUNNING ? "R" : "",
		       f & IFF_UP ? "U" : "");
	}
}

void net_show_protocol_counters(void)
{
	struct ip_mib ip;
	struct icmp_mib icmp;
	struct udp_mib udp;
	struct arp_mib arp;

	net_lock();
	ip = ip_statistics;
	icmp = icmp_statistics;
	udp = udp_statistics;
	arp = arp_statistics;
	net_unlock();
#define P(group, s, f) printf("%s %-18s %llu\n", group, #f, (unsigned long long)s.f)
	P("Ip:", ip, in_receives);
	P("Ip:", ip, in_hdr_errors);
	P("Ip:", ip, in_csum_errors);
	P("Ip:", ip, in_truncated_pkts);
	P("Ip:", ip, in_addr_errors);
	P("Ip:", ip, in_unknown_protos);
	P("Ip:", ip, in_discards);
	P("Ip:", ip, in_delivers);
	P("Ip:", ip, frag_drops);
	P("Ip:", ip, out_requests);
	P("Ip:", ip, out_no_routes);
	P("Ip:", ip, out_discards);
	P("Icmp:", icmp, in_msgs);
	P("Icmp:", icmp, in_errors);
	P("Icmp:", icmp, in_echos);
	P("Icmp:", icmp, in_echo_reps);
	P("Icmp:", icmp, in_dest_unreachs);
	P("Icmp:", icmp, out_msgs);
	P("Icmp:", icmp, out_echos);
	P("Icmp:", icmp, out_echo_reps);
	P("Icmp:", icmp, out_dest_unreachs);
	P("Icmp:", icmp, out_rate_limited);
	P("Udp:", udp, in_datagrams);
	P("Udp:", udp, no_ports);
	P("Udp:", udp, in_errors);
	P("Udp:", udp, in_csum_errors);
	P("Udp:", udp, rcvbuf_errors);
	P("Udp:", udp, out_datagrams);
	P("Arp:", arp, requests_sent);
	P("Arp:", arp, replies_sent);
	P("Arp:", arp, requests_rcvd);
	P("Arp:", arp, replies_rcvd);
	P("Arp:", arp, rcv_errors);
	P("Arp:", arp, resolve_failed);
	P("Arp:", arp, queue_drops);
#undef P
}

/* ---- arp ---- */

static int cmd_arp(int argc, char *argv[])
{
	struct arp_entry_info e[ARP_CACHE_SIZE];
	char a[INET_ADDRSTRLEN_NET], mac[18];
	uint32_t ip;
	int i, n, err;

	if (argc == 3 && strcmp(argv[1], "-d") == 0) {
		if (net_parse_ipv4(argv[2], &ip)) {
			printf("arp: bad address '%s'\n", argv[2]);
			return 1;
		}
		net_lock();
		err = arp_delete(ip);
		net_unlock();
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
	net_lock();
	n = arp_cache_dump(e, ARP_CACHE_SIZE);
	net_unlock();
	printf("%-16s %-7s %-18s %-6s %-11s %s\n", "Address", "HWtype", "HWaddress", "Iface",
	       "State", "Age");
	for (i = 0; i < n; i++) {
		printf("%-16s %-7s %-18s %-6s %-11s %llus", ip_str(e[i].ip, a), "ether",
		       e[i].state == ARP_INCOMPLETE ? "(incomplete)" : eth_addr_str(e[i].mac, mac),
		       e[i].dev, arp_state_name(e[i].state),
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
	printf("usage: route\n"
	       "       route add default gw GW [dev IFACE]\n"
	       "       route add NET/LEN [gw GW] [dev IFACE]\n"
	       "       route add NET netmask MASK [gw GW] [dev IFACE]\n"
	       "       route del default | NET/LEN | NET netmask MASK\n");
	return 1;
}

static void route_show(void)
{
	struct rtable r[MAX_ROUTES], t;
	char d[INET_ADDRSTRLEN_NET], g[INET_ADDRSTRLEN_NET], m[INET_ADDRSTRLEN_NET];
	char dev[MAX_ROUTES][IFNAMSIZ];
	int i, j, n;

	net_lock();
	n = ip_route_dump(r, MAX_ROUTES);
	for (i = 0; i < n; i++)
		memcpy(dev[i], r[i].dev->name, IFNAMSIZ);
	net_unlock();
	/* Most specific first, the order the lookup prefers them. */
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && net_mask_len(r[j].mask) > net_mask_len(r[j - 1].mask); j--) {
			char tmp[IFNAMSIZ];

			t = r[j];
			r[j] = r[j - 1];
			r[j - 1] = t;
			memcpy(tmp, dev[j], IFNAMSIZ);
			memcpy(dev[j], dev[j - 1], IFNAMSIZ);
			memcpy(dev[j - 1], tmp, IFNAMSIZ);
		}
	}
	printf("Kernel IP routing table\n");
	printf("%-16s %-16s %-16s %-5s %-6s %s\n", "Destination", "Gateway", "Genmask", "Flags",
	       "Metric", "Iface");
	for (i = 0; i < n; i++)
		printf("%-16s %-16s %-16s %-5s %-6d %s\n", ip_str(r[i].dst, d),
		       ip_str(r[i].gateway, g), ip_str(r[i].mask, m), r[i].gateway ? "UG" : "U",
		       r[i].metric, dev[i]);
}

/* Parses the destination at argv[*i]: "default", "NET/LEN", or "NET [netmask MASK]". */
static int route_parse_target(int argc, char *argv[], int *i, uint32_t *dst, uint32_t *mask)
{
	char buf[INET_ADDRSTRLEN_NET + 4], *slash;
	long len;

	if (*i >= argc)
		return -EINVAL;
	if (strcmp(argv[*i], "default") == 0) {
		*dst = *mask = 0;
		(*i)++;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", argv[*i]);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	if (net_parse_ipv4(buf, dst))
		return -EINVAL;
	(*i)++;
	if (slash) {
		if (parse_long(slash + 1, 0, 32, &len))
			return -EINVAL;
		*mask = len ? htonl(0xffffffffu << (32 - len)) : 0;
	} else if (*i + 1 < argc && strcmp(argv[*i], "netmask") == 0) {
		if (net_parse_ipv4(argv[*i + 1], mask) || net_mask_len(*mask) < 0)
			return -EINVAL;
		*i += 2;
	} else {
		*mask = htonl(0xffffffffu); /* a host route */
	}
	return 0;
}

static int cmd_route(int argc, char *argv[])
{
	uint32_t dst, mask, gw = 0;
	struct net_device *dev = NULL;
	const char *devname = NULL;
	int i = 2, add, err;

	if (argc == 1) {
		route_show();
		return 0;
	}
	add = strcmp(argv[1], "add") == 0;
	if (!add && strcmp(argv[1], "del") != 0)
		return route_usage();
	if (i < argc && strcmp(argv[i], "-net") == 0)
		i++;
	if (route_parse_target(argc, argv, &i, &dst, &mask)) {
		printf("route: bad destination\n");
		return route_usage();
	}
	while (i < argc) {
		if (strcmp(argv[i], "gw") == 0 && i + 1 < argc && add) {
			if (net_parse_ipv4(argv[i + 1], &gw)) {
				printf("route: bad gateway '%s'\n", argv[i + 1]);
				return 1;
			}
		} else if (strcmp(argv[i], "dev") == 0 && i + 1 < argc && add) {
			devname = argv[i + 1];
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
		printf("route: a route needs a gateway (gw) or an interface (dev)\n");
		return 1;
	}
	net_lock();
	if (devname && !(dev = dev_get_by_name(devname))) {
		net_unlock();
		printf("route: %s: no such interface\n", devname);
		return 1;
	}
	err = add ? ip_route_add(dst, mask, gw, dev) : ip_route_del(dst, mask);
	net_unlock();
	if (err == -ENETUNREACH)
		printf("route: the gateway is not on a directly connected network\n");
	else if (err == -EEXIST)
		printf("route: that route exists already\n");
	else if (err == -ESRCH)
		printf("route: no such route\n");
	else
		return err;
	return 1;
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
			v = &o->size, min = 0, max = ICMP_MAX_PAYLOAD;
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
	else if (net_parse_ipv4(o->host, &o->daddr)) {
		printf("ping: %s: not an IPv4 address (there is no name resolution)\n", o->host);
		return 1;
	}
	return 0;
}

static int cmd_ping(int argc, char *argv[])
{
	static uint16_t ping_id;
	struct ping_opts o;
	struct icmp_ping_reply r;
	char a[INET_ADDRSTRLEN_NET];
	uint64_t start, min = UINT64_MAX, max = 0, sum = 0, sum2 = 0;
	long seq, sent = 0, received = 0, errors = 0;
	int err = 0;

	if (ping_parse(argc, argv, &o))
		return 1;
	net_lock();
	if (!ping_id)
		ping_id = (uint16_t)net_random32();
	ping_id++;
	net_unlock();
	ip_str(o.daddr, a);
	printf("PING %s (%s) %ld(%ld) bytes of data.\n", o.host, a, o.size,
	       o.size + (long)sizeof(struct icmphdr) + (long)sizeof(struct iphdr));
	start = jiffies_ms();
	for (seq = 1; seq <= o.count; seq++) {
		uint64_t t0 = jiffies_ms(), spent;

		net_lock();
		err = icmp_ping(o.daddr, ping_id, (uint16_t)seq, (size_t)o.size, o.wait, &r);
		net_unlock();
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
			       r.code == ICMP_PORT_UNREACH   ? "Port"
			       : r.code == ICMP_PROT_UNREACH ? "Protocol"
			       : r.code == ICMP_HOST_UNREACH ? "Host"
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
	struct skb_stats s;

	(void)argv;
	if (argc != 1) {
		printf("usage: skb    show sk_buff allocation counters\n");
		return 1;
	}
	net_lock();
	skb_get_stats(&s);
	net_unlock();
	printf("sk_buff: %llu allocated, %llu freed, %llu in use\n", (unsigned long long)s.allocs,
	       (unsigned long long)s.frees, (unsigned long long)(s.allocs - s.frees));
	return 0;
}

static int cmd_lspci(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	pci_show();
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
