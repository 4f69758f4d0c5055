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

#endif
