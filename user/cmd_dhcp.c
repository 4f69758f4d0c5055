/*
 * dhcp: the DHCP client (net/netctl.h's netctl_dhcp_*).  `dhcp` shows the
 * leases, `dhcp IFACE` starts the client or renews its lease and waits a
 * bounded time for the outcome (the client goes on in the kernel after
 * that), `dhcp IFACE release` gives the lease back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "user/menu.h"
#include "net/netctl.h"

#define DHCP_MAX_SHOWN 8
/*
 * How long `dhcp IFACE` waits: past the client's own patience in
 * discovery (4 DISCOVERs, 4+8+16+32 s +-1 s each, RFC 2131 4.1), so that
 * "no DHCP offer" is what a silent network gives.  Ctrl-C ends it sooner.
 */
#define DHCP_WAIT_MS   65000

static const char *ip_str(uint32_t addr, char *buf)
{
	return inet_ntop(AF_INET, &addr, buf, INET_ADDRSTRLEN);
}

static int mask_len(uint32_t mask) { return __builtin_popcount(mask); }

/* "43200 s", or "never" for an infinite lease. */
static const char *left_str(long s, char *buf, size_t len)
{
	if (s < 0)
		return "never";
	snprintf(buf, len, "%ld s", s);
	return buf;
}

static void print_lease(const struct netctl_dhcp_info *d)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], l[24], t1[24], t2[24];
	int i;

	printf("%s: %s", d->dev, d->state);
	if (!d->bound) {
		printf("\n");
		return;
	}
	printf("  %s/%d  server %s\n", ip_str(d->addr, a), mask_len(d->netmask),
	       ip_str(d->server, b));
	printf("        router %s  dns", d->router ? ip_str(d->router, a) : "none");
	for (i = 0; i < d->ndns; i++)
		printf(" %s", ip_str(d->dns[i], a));
	printf("%s\n", d->ndns ? "" : " none");
	if (d->lease_s == 0xffffffffu)
		printf("        lease infinite\n");
	else
		printf("        lease %u s, %s left; renew (T1) in %s, rebind (T2) in %s\n",
		       d->lease_s, left_str(d->lease_left_s, l, sizeof(l)),
		       left_str(d->t1_left_s, t1, sizeof(t1)),
		       left_str(d->t2_left_s, t2, sizeof(t2)));
}

static int dhcp_show(void)
{
	struct netctl_dhcp_info leases[DHCP_MAX_SHOWN];
	int i, n = netctl_dhcp_get(leases, DHCP_MAX_SHOWN);

	if (n == 0)
		printf("dhcp: no client running (dhcp IFACE starts one)\n");
	for (i = 0; i < n && i < DHCP_MAX_SHOWN; i++)
		print_lease(&leases[i]);
	return 0;
}

static int dhcp_usage(void)
{
	printf("usage: dhcp                  show the leases\n"
	       "       dhcp IFACE            get a lease on IFACE, or renew it\n"
	       "       dhcp IFACE release    give the lease back\n");
	return 1;
}

static int dhcp_release_cmd(const char *ifname)
{
	int had_lease = 0, err = netctl_dhcp_release(ifname, &had_lease);

	if (err == -ENODEV)
		printf("dhcp: %s: no such interface\n", ifname);
	else if (err == -ENOENT)
		printf("dhcp: %s: no DHCP client runs there\n", ifname);
	else if (err == 0 && !had_lease) /* a release is reported by the kernel's own line */
		printf("dhcp: %s: client stopped (it held no lease)\n", ifname);
	return err ? 1 : 0;
}

static int dhcp_run(const char *ifname)
{
	struct netctl_dhcp_info d;
	int err = netctl_dhcp_run(ifname, DHCP_WAIT_MS, &d);

	switch (err) {
	case 0:
		print_lease(&d);
		return 0;
	case -ENODEV:
		printf("dhcp: %s: no such interface\n", ifname);
		return 1;
	case -EOPNOTSUPP:
		printf("dhcp: %s: not an Ethernet interface\n", ifname);
		return 1;
	case -ETIMEDOUT:
		printf("dhcp: %s: no DHCP offer\n", ifname);
		return 1;
	case -EINPROGRESS:
	case -EINTR:
		printf("dhcp: %s: no lease yet; the client keeps trying (dhcp shows it)\n", ifname);
		return 1;
	default:
		return err;
	}
}

static int cmd_dhcp(int argc, char *argv[])
{
	if (argc == 1)
		return dhcp_show();
	if (argc == 2 && strcmp(argv[1], "-h") && strcmp(argv[1], "--help"))
		return dhcp_run(argv[1]);
	if (argc == 3 && !strcmp(argv[2], "release"))
		return dhcp_release_cmd(argv[1]);
	return dhcp_usage();
}

void menu_register_dhcp(void)
{
	MenuConfig("dhcp", "dhcp [IFACE [release]]: DHCP leases, get or renew, release", cmd_dhcp);
}
