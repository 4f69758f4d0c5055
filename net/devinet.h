/*
 * IPv4 interface configuration: the boot defaults (QEMU's user-mode
 * network; docs/design.md, "The kernel starts net/") and dotted-quad
 * parsing/printing for the kernel command line.
 */
#ifndef NET_DEVINET_H
#define NET_DEVINET_H

#include <stdint.h>
#include "net/netdevice.h"

#define NET_DEFAULT_ADDR    "10.0.2.15"
#define NET_DEFAULT_NETMASK "255.255.255.0"
#define NET_DEFAULT_GATEWAY "10.0.2.2"

#define NET_IP_DHCP "dhcp" /* ip=dhcp: the address comes from DHCP (net/dhcp.h) */

#define INET_ADDRSTRLEN_NET 16 /* "255.255.255.255" and its NUL */

/* Parses a strict dotted quad ("10.0.2.15") into *addr (network order): 0 or -EINVAL. */
int net_parse_ipv4(const char *s, uint32_t *addr);
/* Formats addr (network order) into buf (INET_ADDRSTRLEN_NET bytes); returns buf. */
char *net_ipv4_str(uint32_t addr, char *buf);
/* The prefix length of a contiguous netmask (network order), or -1. */
int net_mask_len(uint32_t mask);

/*
 * Gives eth0 its address, netmask and default gateway, brings it up
 * (gratuitous ARP) and adds the default route.  Each string may be NULL
 * (use the NET_DEFAULT_* value); ip NET_IP_DHCP starts the DHCP client
 * instead, netmask and gw are then ignored.  The kernel passes cmdline_get("ip"),
 * cmdline_get("netmask"), cmdline_get("gw").  An unparsable value is
 * reported with printk and replaced by the default.  With net_lock held.
 * Returns 0 or a negative errno from the first step that failed.
 */
int net_configure_defaults(struct net_device *eth0, const char *ip, const char *netmask,
			   const char *gw);

/*
 * One `ip=` value of the kernel command line in Linux's form
 * (Documentation/admin-guide/nfs/nfsroot.rst):
 *   ip=<client-ip>:<server-ip>:<gw-ip>:<netmask>:<hostname>:<device>:<autoconf>
 * e.g. ip=10.2.0.1::10.2.0.254:255.255.255.0::eth1:off.  Empty fields keep
 * their default; the server and hostname are accepted and not used.  A
 * value without ':' is the older eth0 word (net_configure_defaults).
 */
enum ipconfig_mode {
	IPCONFIG_STATIC, /* autoconf off/none/static (or absent): the addresses given */
	IPCONFIG_DHCP,	 /* ip=dhcp, or autoconf dhcp */
};

struct ipconfig {
	enum ipconfig_mode mode;
	char dev[IFNAMSIZ];		 /* "" : eth0 */
	uint32_t addr, gateway, netmask; /* network order; 0 when not given */
};

/* Parses one ip= value: 0, or -EINVAL (then *c is unspecified). */
int ipconfig_parse(const char *s, struct ipconfig *c);
/*
 * Applies a static configuration: brings the device up, gives it the
 * address (the netmask defaults to /24) and, with a gateway, the default
 * route through it (replacing a metric-0 default).  With net_lock held.
 * 0, -ENODEV, -EINVAL (IPCONFIG_DHCP: the DHCP client's to start), or the
 * route's error.
 */
int ipconfig_apply(const struct ipconfig *c);

/* Linux's netdevice notifier events, as devinet.c's inetdev_event takes them. */
#define NETDEV_UP   1
#define NETDEV_DOWN 2
/*
 * dev_open / dev_close tell the IPv4 layer: the connected route of dev's
 * address exists exactly while dev is up (as Linux's fib_add_ifaddr and
 * fib_disable_ip do).
 */
void inetdev_event(struct net_device *dev, int event);

#endif
