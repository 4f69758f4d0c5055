/* IPv4 interface configuration and address text conversion. */
#include <arpa/inet.h>
#include <stdio.h>

#include "net/devinet.h"
#include "net/ip.h"
#include "net/platform.h"

int net_parse_ipv4(const char *s, uint32_t *addr)
{
	uint32_t a = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned int v = 0, digits = 0;

		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (*s++ - '0');
			if (++digits > 3 || v > 255)
				return -EINVAL;
		}
		if (!digits || (part < 3 && *s++ != '.'))
			return -EINVAL;
		a = a << 8 | v;
	}
	if (*s)
		return -EINVAL;
	*addr = htonl(a);
	return 0;
}

char *net_ipv4_str(uint32_t addr, char *buf)
{
	uint32_t a = ntohl(addr);

	snprintf(buf, INET_ADDRSTRLEN_NET, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
		 (a >> 8) & 0xff, a & 0xff);
	return buf;
}

int net_mask_len(uint32_t mask)
{
	uint32_t m = ntohl(mask);

	if ((m | (m - 1)) != 0xffffffffu && m != 0)
		return -1;
	return __builtin_popcount(m);
}

/* The parsed value of `given`, or of `def` when it is absent or unparsable. */
static uint32_t config_addr(const char *key, const char *given, const char *def)
{
	uint32_t a;

	if (given && net_parse_ipv4(given, &a) == 0)
		return a;
	if (given)
		printk("net: bad %s=%s, using %s\n", key, given, def);
	net_parse_ipv4(def, &a);
	return a;
}

int net_configure_defaults(struct net_device *eth0, const char *ip, const char *netmask,
			   const char *gw)
{
	uint32_t addr = config_addr("ip", ip, NET_DEFAULT_ADDR);
	uint32_t mask = config_addr("netmask", netmask, NET_DEFAULT_NETMASK);
	uint32_t gateway = config_addr("gw", gw, NET_DEFAULT_GATEWAY);
	int err;

	if (net_mask_len(mask) < 0) {
		printk("net: netmask is not contiguous, using %s\n", NET_DEFAULT_NETMASK);
		mask = config_addr("netmask", NULL, NET_DEFAULT_NETMASK);
	}
	err = dev_open(eth0);
	if (err)
		return err;
	err = inet_set_addr(eth0, addr, mask);
	if (err)
		return err;
	return ip_route_add(0, 0, gateway, NULL);
}
