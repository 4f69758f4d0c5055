/* IPv4 interface configuration and address text conversion. */
#include <arpa/inet.h>

#include "net/devinet.h"
#include "net/dhcp.h"
#include "net/ip.h"
#include "net/platform.h"

/* The C library (ours in the kernel, the host's in unit tests) does the text work. */
int net_parse_ipv4(const char *s, uint32_t *addr)
{
	return inet_pton(AF_INET, s, addr) == 1 ? 0 : -EINVAL;
}

char *net_ipv4_str(uint32_t addr, char *buf)
{
	inet_ntop(AF_INET, &addr, buf, INET_ADDRSTRLEN_NET);
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
	uint32_t addr, mask, gateway;
	int err;

	if (ip && !strcmp(ip, NET_IP_DHCP))
		return dhcp_start(eth0); /* the lease brings address, mask and gateway */
	addr = config_addr("ip", ip, NET_DEFAULT_ADDR);
	mask = config_addr("netmask", netmask, NET_DEFAULT_NETMASK);
	gateway = config_addr("gw", gw, NET_DEFAULT_GATEWAY);
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
