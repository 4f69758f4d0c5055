/* IPv4 interface configuration and address text conversion. */
#include <arpa/inet.h>
#include <string.h>

#include "net/devinet.h"
#include "net/dhcp.h"
#include "net/ip.h"
#include "net/route.h"
#include "net/platform.h"

#define IPCONFIG_FIELDS 7 /* client, server, gateway, netmask, hostname, device, autoconf */

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

/* Field i of a ':'-separated value into buf (size n): its length, or -1 if too long. */
static int ipconfig_field(const char *s, int i, char *buf, size_t n)
{
	size_t len;

	while (i-- > 0) {
		s = strchr(s, ':');
		if (!s)
			return buf[0] = '\0', 0;
		s++;
	}
	len = strcspn(s, ":");
	if (len >= n)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return (int)len;
}

static int ipconfig_addr(const char *s, int i, uint32_t *addr)
{
	char f[INET_ADDRSTRLEN_NET];
	int len = ipconfig_field(s, i, f, sizeof(f));

	if (len < 0)
		return -EINVAL;
	*addr = 0;
	return len ? net_parse_ipv4(f, addr) : 0;
}

int ipconfig_parse(const char *s, struct ipconfig *c)
{
	char f[IFNAMSIZ];
	const char *p;
	int colons = 0;

	memset(c, 0, sizeof(*c));
	for (p = s; *p; p++)
		colons += *p == ':';
	if (!strcmp(s, "dhcp")) {
		c->mode = IPCONFIG_DHCP;
		return 0;
	}
	if (colons == 0 || colons >= IPCONFIG_FIELDS)
		return -EINVAL;
	if (ipconfig_addr(s, 0, &c->addr) || ipconfig_addr(s, 2, &c->gateway) ||
	    ipconfig_addr(s, 3, &c->netmask) || ipconfig_field(s, 5, c->dev, sizeof(c->dev)) < 0 ||
	    ipconfig_field(s, 6, f, sizeof(f)) < 0)
		return -EINVAL;
	if (c->netmask && net_mask_len(c->netmask) < 0)
		return -EINVAL;
	if (!strcmp(f, "dhcp"))
		c->mode = IPCONFIG_DHCP;
	else if (f[0] && strcmp(f, "off") && strcmp(f, "none") && strcmp(f, "static"))
		return -EINVAL; /* bootp, rarp and "any" are not implemented */
	if (c->mode == IPCONFIG_STATIC && !c->addr)
		return -EINVAL;
	return 0;
}

int ipconfig_apply(const struct ipconfig *c)
{
	struct net_device *dev = dev_get_by_name(c->dev[0] ? c->dev : "eth0");
	uint32_t mask = c->netmask ? c->netmask : htonl(0xffffff00u);
	int err;

	if (!dev)
		return -ENODEV;
	if (c->mode == IPCONFIG_DHCP)
		return dhcp_start(dev); /* the lease brings address, mask and gateway */
	err = dev_open(dev);
	if (err)
		return err;
	err = inet_set_addr(dev, c->addr, mask);
	if (err || !c->gateway)
		return err;
	/* this interface's gateway replaces the metric-0 default, as the eth0 words do */
	route_del(0, 0, 0, NULL, 0, ROUTE_DEL_METRIC);
	return ip_route_add(0, 0, c->gateway, dev);
}

void inetdev_event(struct net_device *dev, int event)
{
	uint32_t net = dev->ip_addr & dev->netmask;

	if (!dev->ip_addr)
		return;
	if (event == NETDEV_UP)
		ip_route_add(net, dev->netmask, 0, dev); /* -EEXIST: it is there already */
	else if (event == NETDEV_DOWN) /* the connected route only, not a user's to the same net */
		route_del(net, dev->netmask, 0, dev, 0, ROUTE_DEL_GW | ROUTE_DEL_DEV);
}
