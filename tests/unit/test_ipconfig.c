/*
 * Several interfaces: Linux's ip= form per interface (ipconfig_parse and
 * ipconfig_apply) and the connected routes following an interface's
 * address and link state.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/devinet.h"
#include "net/dhcp.h"
#include "net/ip.h"
#include "net/netctl.h"
#include "net/platform.h"
#include "net/route.h"
#include "tests/unit/support/platform_test.h"

static const uint8_t mac0[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t mac1[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x57};
static struct net_device *eth0, *eth1;

static int group_setup(void **state)
{
	(void)state;
	net_init();
	eth0 = fake_eth_create("eth%d", mac0);
	eth1 = fake_eth_create("eth%d", mac1);
	return eth0 && eth1 ? 0 : -1;
}

static void test_parse(void **state)
{
	static const char *const bad[] = {
		"10.1.0.1",			    /* the older eth0 word, not this form */
		"::::::",			    /* static without an address */
		"10.1.0.1:::255.0.255.0::eth1:off", /* non-contiguous mask */
		"10.1.0.x:::::eth1:off",
		"10.1.0.1:::::eth1:bootp", /* not implemented */
		"10.1.0.1:::::an-interface-name-too-long:off",
		"10.1.0.1::::::off:extra",
	};
	struct ipconfig c;
	size_t i;

	(void)state;
	assert_int_equal(ipconfig_parse("10.2.0.1::10.2.0.254:255.255.0.0::eth1:off", &c), 0);
	assert_int_equal(c.mode, IPCONFIG_STATIC);
	assert_string_equal(c.dev, "eth1");
	assert_int_equal(c.addr, inet_addr("10.2.0.1"));
	assert_int_equal(c.gateway, inet_addr("10.2.0.254"));
	assert_int_equal(c.netmask, inet_addr("255.255.0.0"));
	/* empty fields keep their defaults; autoconf may be absent */
	assert_int_equal(ipconfig_parse("10.1.0.1:", &c), 0);
	assert_int_equal(c.gateway, 0);
	assert_int_equal(c.netmask, 0);
	assert_string_equal(c.dev, "");
	assert_int_equal(ipconfig_parse("10.1.0.1:10.1.0.9::255.255.255.0:myhost:eth0:none", &c),
			 0);
	assert_string_equal(c.dev, "eth0");
	assert_int_equal(ipconfig_parse("dhcp", &c), 0);
	assert_int_equal(c.mode, IPCONFIG_DHCP);
	assert_int_equal(ipconfig_parse(":::::eth1:dhcp", &c), 0);
	assert_int_equal(c.mode, IPCONFIG_DHCP);
	assert_string_equal(c.dev, "eth1");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("'%s'\n", bad[i]);
		assert_int_equal(ipconfig_parse(bad[i], &c), -EINVAL);
	}
}

static int has_route(uint32_t dst, uint32_t mask, uint32_t gw, const struct net_device *dev)
{
	struct route_cursor cur = {0};
	struct route_entry r[32];
	int i, n;

	while ((n = route_walk(&cur, r, 32)) > 0)
		for (i = 0; i < n; i++)
			if (r[i].dst == dst && r[i].mask == mask && r[i].gateway == gw &&
			    r[i].dev == dev)
				return 1;
	return 0;
}

static void test_apply_and_connected_route_lifecycle(void **state)
{
	uint32_t net1 = inet_addr("10.2.0.0"), m24 = inet_addr("255.255.255.0");
	struct ipconfig c;

	(void)state;
	assert_int_equal(ipconfig_parse("10.1.0.1:::255.255.255.0::eth0:off", &c), 0);
	assert_int_equal(ipconfig_apply(&c), 0);
	assert_int_equal(ipconfig_parse("10.2.0.1::10.2.0.254:::eth1:off", &c), 0);
	assert_int_equal(ipconfig_apply(&c), 0);
	assert_true(eth0->flags & IFF_UP);
	assert_true(eth1->flags & IFF_UP);
	assert_int_equal(eth1->netmask, m24); /* the /24 default */
	assert_true(has_route(inet_addr("10.1.0.0"), m24, 0, eth0));
	assert_true(has_route(net1, m24, 0, eth1));
	assert_true(has_route(0, 0, inet_addr("10.2.0.254"), eth1));
	assert_int_equal(ipconfig_parse("10.3.0.1:::::eth7:off", &c), 0);
	assert_int_equal(ipconfig_apply(&c), -ENODEV);
	/* ip=:::::eth1:dhcp starts eth1's DHCP client; release stops it again */
	assert_int_equal(ipconfig_parse(":::::eth1:dhcp", &c), 0);
	assert_null(dhcp_client_get(eth1));
	assert_int_equal(ipconfig_apply(&c), 0);
	assert_non_null(dhcp_client_get(eth1));
	assert_int_equal(dhcp_release(eth1), 0);
	assert_null(dhcp_client_get(eth1));

	/* down: the connected route goes; up: it comes back */
	assert_int_equal(dev_close(eth1), 0);
	assert_false(has_route(net1, m24, 0, eth1));
	assert_int_equal(dev_open(eth1), 0);
	assert_true(has_route(net1, m24, 0, eth1));
	/* an address given while down waits for the link */
	dev_close(eth1);
	assert_int_equal(inet_set_addr(eth1, inet_addr("10.4.0.1"), m24), 0);
	assert_false(has_route(inet_addr("10.4.0.0"), m24, 0, eth1));
	dev_open(eth1);
	assert_true(has_route(inet_addr("10.4.0.0"), m24, 0, eth1));
	assert_false(has_route(net1, m24, 0, eth1));
	/* losing the address takes the route */
	assert_int_equal(inet_set_addr(eth1, 0, m24), 0);
	assert_false(has_route(inet_addr("10.4.0.0"), m24, 0, eth1));
}

static void test_sysctl(void **state)
{
	long v = -1;

	(void)state;
	assert_string_equal(netctl_sysctl_name(0), "net.ipv4.ip_forward");
	assert_null(netctl_sysctl_name(1));
	assert_int_equal(netctl_sysctl_get("net.ipv4.ip_forward", &v), 0);
	assert_int_equal(v, 0); /* off by default (RFC 1122 3.3.4.2) */
	assert_int_equal(netctl_sysctl_set("net.ipv4.ip_forward", 1), 0);
	assert_int_equal(sysctl_ip_forward, 1);
	assert_int_equal(netctl_sysctl_set("net.ipv4.ip_forward", 2), -ERANGE);
	assert_int_equal(netctl_sysctl_set("net.ipv4.nothing", 1), -ENOENT);
	assert_int_equal(netctl_sysctl_get("net.ipv4.nothing", &v), -ENOENT);
	sysctl_ip_forward = 0;
	fake_boot_param_set("sysctl.net.ipv4.ip_forward", "1");
	netctl_apply_boot_params();
	assert_int_equal(sysctl_ip_forward, 1);
	fake_boot_param_set("sysctl.net.ipv4.ip_forward", "yes");
	netctl_apply_boot_params();
	assert_int_equal(sysctl_ip_forward, 1); /* kept, and said so */
	assert_non_null(strstr(fake_printk_buffer(), "bad sysctl.net.ipv4.ip_forward=yes"));
	fake_boot_param_clear();
	sysctl_ip_forward = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_apply_and_connected_route_lifecycle),
		cmocka_unit_test(test_sysctl),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
