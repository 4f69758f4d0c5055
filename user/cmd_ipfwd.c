/*
 * The router's commands: sysctl (net.ipv4.ip_forward and its kin) and
 * traceroute, printed the way Linux's sysctl(8) and traceroute(8) print.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "user/menu.h"
#include "kernel/uapi.h"
#include "net/netctl.h"

/* ---- sysctl ---- */

static int sysctl_usage(void)
{
	printf("usage: sysctl -a                 show every setting\n"
	       "       sysctl NAME               show one\n"
	       "       sysctl [-w] NAME=VALUE    change one\n");
	return 1;
}

static int sysctl_show(const char *name)
{
	long v;

	if (netctl_sysctl_get(name, &v)) {
		printf("sysctl: cannot stat %s: No such file or directory\n", name);
		return 1;
	}
	printf("%s = %ld\n", name, v);
	return 0;
}

static int sysctl_write(char *arg)
{
	char *eq = strchr(arg, '='), *end;
	long v;
	int err;

	*eq = '\0';
	v = strtol(eq + 1, &end, 10);
	if (!eq[1] || *end) {
		printf("sysctl: %s: '%s' is not a number\n", arg, eq + 1);
		return 1;
	}
	err = netctl_sysctl_set(arg, v);
	if (err == -ENOENT) {
		printf("sysctl: cannot stat %s: No such file or directory\n", arg);
		return 1;
	}
	if (err == -ERANGE) {
		printf("sysctl: setting key \"%s\": Invalid argument\n", arg);
		return 1;
	}
	return sysctl_show(arg);
}

static int cmd_sysctl(int argc, char *argv[])
{
	int i, rc = 0;
	const char *n;

	if (argc < 2)
		return sysctl_usage();
	if (!strcmp(argv[1], "-a")) {
		for (i = 0; (n = netctl_sysctl_name(i)); i++)
			sysctl_show(n);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-w"))
			continue;
		if (argv[i][0] == '-')
			return sysctl_usage();
		rc |= strchr(argv[i], '=') ? sysctl_write(argv[i]) : sysctl_show(argv[i]);
	}
	return rc;
}

/* ---- traceroute ---- */

#define TRACEROUTE_PORT		33434 /* Linux's traceroute: the first probe's port */
#define TRACEROUTE_HOPS		30
#define TRACEROUTE_QUERIES	3
#define TRACEROUTE_WAIT_MS	5000
#define TRACEROUTE_PKT_LEN	60 /* IP + UDP + payload, Linux's default */
#define TRACEROUTE_HDR_LEN	28 /* IP and UDP headers */
#define ICMP_TYPE_UNREACH	3
#define ICMP_TYPE_TIME_EXCEEDED 11
#define ICMP_CODE_PORT		3

struct traceroute_opts {
	const char *host;
	uint32_t daddr;
	long max_hops, queries, wait_ms;
};

static int traceroute_usage(void)
{
	printf("usage: traceroute HOST [-m MAX_HOPS] [-q QUERIES] [-w WAIT_MS]\n");
	return 1;
}

static int traceroute_parse(int argc, char *argv[], struct traceroute_opts *o)
{
	int i;

	o->host = NULL;
	o->max_hops = TRACEROUTE_HOPS;
	o->queries = TRACEROUTE_QUERIES;
	o->wait_ms = TRACEROUTE_WAIT_MS;
	for (i = 1; i < argc; i++) {
		long *v = NULL, max = 0;
		char *end;

		if (!strcmp(argv[i], "-m"))
			v = &o->max_hops, max = 255;
		else if (!strcmp(argv[i], "-q"))
			v = &o->queries, max = 10;
		else if (!strcmp(argv[i], "-w"))
			v = &o->wait_ms, max = 60000;
		else if (argv[i][0] != '-' && !o->host) {
			o->host = argv[i];
			continue;
		} else {
			printf("traceroute: unexpected '%s'\n", argv[i]);
			return traceroute_usage();
		}
		if (i + 1 >= argc || (*v = strtol(argv[i + 1], &end, 10)) < 1 || *v > max || *end) {
			printf("traceroute: %s needs a number from 1 to %ld\n", argv[i], max);
			return 1;
		}
		i++;
	}
	if (!o->host)
		return traceroute_usage();
	if (inet_pton(AF_INET, o->host, &o->daddr) != 1) {
		printf("traceroute: %s: not an IPv4 address (there is no name resolution)\n",
		       o->host);
		return 1;
	}
	return 0;
}

/* What Linux's traceroute appends to an unreachable: !N, !H, !P, or !<code>. */
static const char *traceroute_mark(const struct netctl_ping_reply *r, char *buf)
{
	if (r->type != ICMP_TYPE_UNREACH || r->code == ICMP_CODE_PORT)
		return "";
	if (r->code == NETCTL_ICMP_NET_UNREACH)
		return " !N";
	if (r->code == NETCTL_ICMP_HOST_UNREACH)
		return " !H";
	if (r->code == NETCTL_ICMP_PROT_UNREACH)
		return " !P";
	if (r->code == 4)
		return " !F";
	snprintf(buf, 8, " !%u", r->code);
	return buf;
}

static int cmd_traceroute(int argc, char *argv[])
{
	struct traceroute_opts o;
	char a[INET_ADDRSTRLEN];
	uint16_t sport;
	long hop, q;
	int port = TRACEROUTE_PORT, done = 0;

	if (traceroute_parse(argc, argv, &o))
		return 1;
	sport = (uint16_t)(32768 + (netctl_ping_ident() & 0x3fff));
	printf("traceroute to %s (%s), %ld hops max, %d byte packets\n", o.host,
	       inet_ntop(AF_INET, &o.daddr, a, sizeof(a)), o.max_hops, TRACEROUTE_PKT_LEN);
	for (hop = 1; hop <= o.max_hops && !done; hop++) {
		uint32_t last = 0;

		printf("%2ld ", hop);
		for (q = 0; q < o.queries; q++) {
			struct netctl_ping_reply r;
			char mark[8];
			int err = netctl_udp_probe(o.daddr, (uint8_t)hop, sport, (uint16_t)port++,
						   TRACEROUTE_PKT_LEN - TRACEROUTE_HDR_LEN,
						   o.wait_ms, &r);

			if (err == -EINTR) {
				printf("\n");
				return 0;
			}
			if (err == -ENETUNREACH) {
				printf("\ntraceroute: connect: Network is unreachable\n");
				return 1;
			}
			if (err) {
				printf(" *");
				continue;
			}
			if (r.from != last) {
				printf(" %s", inet_ntop(AF_INET, &r.from, a, sizeof(a)));
				last = r.from;
			}
			printf("  %llu.%03llu ms%s", (unsigned long long)(r.rtt_us / 1000),
			       (unsigned long long)(r.rtt_us % 1000), traceroute_mark(&r, mark));
			/* the destination answered, or a router says it cannot go on */
			if (r.type == ICMP_TYPE_UNREACH)
				done = 1;
		}
		printf("\n");
	}
	return 0;
}

void menu_register_ipfwd(void)
{
	MenuConfig("sysctl", "sysctl [-w] NAME[=VALUE] | -a: network settings", cmd_sysctl);
	MenuConfig("traceroute", "traceroute HOST [-m HOPS] [-q N] [-w MS]: the route to HOST",
		   cmd_traceroute);
}
