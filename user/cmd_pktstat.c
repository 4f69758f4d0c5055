/*
 * pktstat: the receive path's per-stage counters (net/netctl.h) and a
 * timing of the per-byte primitives (memcpy, memset, checksum).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/netctl.h"
#include "user/menu.h"

static int usage(void)
{
	printf("usage: pktstat [on|off|reset] | pktstat bench [BYTES [ROUNDS]]\n");
	return 1;
}

static void show(void)
{
	struct netctl_pktstat st[NETCTL_PKTSTAT_NR];
	int i;

	netctl_pktstat_get(st);
	printf("pktstat is %s (times inclusive: a stage contains the ones it calls)\n",
	       netctl_pktstat_enabled() ? "on" : "off");
	printf("%-16s %10s %12s %10s %12s\n", "stage", "calls", "ns", "ns/call", "bytes");
	for (i = 0; i < NETCTL_PKTSTAT_NR; i++)
		printf("%-16s %10llu %12llu %10llu %12llu\n", netctl_pktstat_name(i),
		       (unsigned long long)st[i].count, (unsigned long long)st[i].ns,
		       (unsigned long long)(st[i].count ? st[i].ns / st[i].count : 0),
		       (unsigned long long)st[i].bytes);
}

/* ns per KiB with one decimal, of total ns over rounds passes of len bytes. */
static void show_rate(const char *what, uint64_t ns, size_t len, unsigned int rounds)
{
	uint64_t tenths = ns * 10240 / ((uint64_t)len * rounds);

	printf("%-8s %8llu.%llu ns/KiB\n", what, (unsigned long long)(tenths / 10),
	       (unsigned long long)(tenths % 10));
}

static int bench(int argc, char *argv[])
{
	struct netctl_membench mb;
	unsigned long len = 65536, rounds = 64;
	char *end;
	int err;

	if (argc > 2) {
		len = strtoul(argv[2], &end, 10);
		if (*end)
			return usage();
	}
	if (argc > 3) {
		rounds = strtoul(argv[3], &end, 10);
		if (*end || !rounds || rounds > 100000)
			return usage();
	}
	err = netctl_membench(len, (unsigned int)rounds, &mb);
	if (err) {
		printf("pktstat bench: %s\n", strerror(-err));
		return 1;
	}
	printf("%lu rounds over %lu bytes:\n", rounds, len);
	show_rate("memcpy", mb.memcpy_ns, len, (unsigned int)rounds);
	show_rate("memset", mb.memset_ns, len, (unsigned int)rounds);
	show_rate("csum", mb.csum_ns, len, (unsigned int)rounds);
	return 0;
}

static int cmd_pktstat(int argc, char *argv[])
{
	if (argc == 1) {
		show();
		return 0;
	}
	if (!strcmp(argv[1], "bench") && argc <= 4)
		return bench(argc, argv);
	if (argc != 2)
		return usage();
	if (!strcmp(argv[1], "on"))
		netctl_pktstat_enable(1);
	else if (!strcmp(argv[1], "off"))
		netctl_pktstat_enable(0);
	else if (!strcmp(argv[1], "reset"))
		netctl_pktstat_reset();
	else
		return usage();
	show();
	return 0;
}

void menu_register_pktstat(void)
{
	MenuConfig("pktstat",
		   "pktstat [on|off|reset] | bench [BYTES [ROUNDS]]: receive path counters",
		   cmd_pktstat);
}
