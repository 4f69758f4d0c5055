/* Interface configuration: dotted-quad parsing, boot defaults, command-line overrides. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/arp.h"
#include "net/devinet.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"

static const uint8_t mac0[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t mac1[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x57};

static void test_parse_and_format(void **state)
{
	static const char *const bad[] = {
		"",	    "1.2.3",   "1.2.3.4.5",  "256.1.1.1", "1..2.3",   " 1.2.3.4",
		"1.2.3.4 ", "1.2.3.x", "0001.2.3.4", "1.2.3.-4",  "-1.2.3.4", "1.2.3.4/24",
	};
	char buf[INET_ADDRSTRLEN_NET];
	uint32_t a = 0x5a5a5a5a;
	size_t i;

	(void)state;
	assert_int_equal(net_parse_ipv4("10.0.2.15", &a), 0);
	assert_int_equal(a, inet_addr("10.0.2.15"));
	assert_int_equal(net_parse_ipv4("255.255.255.255", &a), 0);
	assert_int_equal(a, 0xffffffffu);
	assert_int_equal(net_parse_ipv4("0.0.0.0", &a), 0);
	assert_int_equal(a, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = 0x5a5a5a5a;
		print_message("'%s'\n", bad[i]);
		assert_int_equal(net_parse_ipv4(bad[i], &a), -EINVAL);
		assert_int_equal(a, 0x5a5a5a5a); /* untouched on error */
	}
	assert_string_equal(net_ipv4_str(inet_addr("192.168.100.255"), buf), "192.168.100.255");
	assert_string_equal(net_ipv4_str(0, buf), "0.0.0.0");
	assert_int_equal(net_mask_len(inet_addr("255.255.255.0")), 24);
	assert_int_equal(net_mask_len(inet_addr("255.240.0.0")), 12);
	assert_int_equal(net_mask_len(0), 0);
	assert_int_equal(net_mask_len(0xffffffffu), 32);
	assert_int_equal(net_mask_len(inet_addr("255.0.255.0")), -1);
	assert_int_equal(net_mask_len(inet_addr("0.255.255.255")), -1);
}

static void test_configure_defaults_then_override(void **state)
{
	struct net_device *eth0 = fake_eth_create("eth%d", mac0), *eth1, *dev;
	const struct arphdr *a;
	struct sk_buff *skb;
	uint32_t nh, sa;

	(void)state;
	assert_non_null(eth0);
	net_lock();
	assert_int_equal(net_configure_defaults(eth0, NULL, NULL, NULL), 0);
	net_unlock();
	assert_int_equal(eth0->ip_addr, inet_addr(NET_DEFAULT_ADDR));
	assert_int_equal(eth0->netmask, inet_addr(NET_DEFAULT_NETMASK));
	assert_true(eth0->flags & IFF_UP);
	/* Off-link traffic goes through the default gateway. */
	assert_int_equal(ip_route_output(inet_addr("192.0.2.1"), &dev, &nh, &sa), 0);
	assert_ptr_equal(dev, eth0);
	assert_int_equal(nh, inet_addr(NET_DEFAULT_GATEWAY));
	assert_int_equal(sa, inet_addr(NET_DEFAULT_ADDR));
	/* Exactly one gratuitous ARP announced the address. */
	skb = fake_eth_pop_tx(eth0);
	assert_non_null(skb);
	a = (const struct arphdr *)(skb->data + ETH_HLEN);
	assert_int_equal(a->ar_sip, inet_addr(NET_DEFAULT_ADDR));
	assert_int_equal(a->ar_tip, inet_addr(NET_DEFAULT_ADDR));
	kfree_skb(skb);
	assert_null(fake_eth_pop_tx(eth0));

	/* Command-line values win; a bad one is reported and replaced by its default. */
	eth1 = fake_eth_create("eth%d", mac1);
	fake_printk_clear();
	net_lock();
	assert_int_equal(net_configure_defaults(eth1, "10.9.8.7", "255.255.0.0", "bogus"),
			 -EEXIST); /* the default route is there already */
	net_unlock();
	assert_non_null(strstr(fake_printk_buffer(), "bad gw=bogus"));
	assert_int_equal(eth1->ip_addr, inet_addr("10.9.8.7"));
	assert_int_equal(eth1->netmask, inet_addr("255.255.0.0"));
	fake_printk_clear();
	net_lock();
	assert_int_equal(net_configure_defaults(eth1, "10.9.8.7", "255.0.255.0", NULL), -EEXIST);
	net_unlock();
	assert_non_null(strstr(fake_printk_buffer(), "netmask is not contiguous"));
	assert_int_equal(eth1->netmask, inet_addr(NET_DEFAULT_NETMASK));
	arp_flush(NULL);
	fake_eth_purge_tx(eth0);
	fake_eth_purge_tx(eth1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_configure_defaults_then_override),
	};

	net_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
