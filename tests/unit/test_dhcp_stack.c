/*
 * The DHCP client on the stack (net/dhcp.c, netctl_dhcp_*) over a fake
 * Ethernet device: the frames it sends before it has an address, the
 * configuration a lease brings, renewal, expiry and what a release or
 * `ifconfig IF down` takes away, and the shell's bounded wait.
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
#include "net/dhcp_proto.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/netctl.h"
#include "net/route.h"
#include "net/udp.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/dhcp_reply.h"

static const uint8_t server_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

/* The DHCP message of the next IP frame dev sent, checked as a client's datagram from saddr to daddr. */
static size_t pop_dhcp(struct net_device *dev, const uint8_t *eth_dst, uint32_t saddr,
		       uint32_t daddr, struct dhcp_msg *out)
{
	struct sk_buff *skb;
	const struct ethhdr *eth;
	const struct iphdr *iph;
	const struct udphdr *uh;
	size_t len;

	/* the gratuitous ARP of a new address may come first */
	while ((skb = fake_eth_pop_tx(dev)) &&
	       ntohs(((const struct ethhdr *)skb->data)->h_proto) == ETH_P_ARP)
		kfree_skb(skb);
	assert_non_null(skb);
	eth = (const struct ethhdr *)skb->data;
	assert_memory_equal(eth->h_dest, eth_dst, ETH_ALEN);
	assert_memory_equal(eth->h_source, mac, ETH_ALEN);
	assert_int_equal(ntohs(eth->h_proto), ETH_P_IP);
	iph = (const struct iphdr *)(eth + 1);
	assert_int_equal(iph->ihl_version, 0x45);
	assert_int_equal(ip_compute_csum(iph, sizeof(*iph)), 0);
	assert_int_equal(iph->protocol, IPPROTO_UDP);
	assert_int_equal(iph->saddr, saddr);
	assert_int_equal(iph->daddr, daddr);
	assert_int_equal(ntohs(iph->tot_len), skb->len - ETH_HLEN);
	uh = (const struct udphdr *)(iph + 1);
	assert_int_equal(ntohs(uh->source), DHCP_CLIENT_PORT);
	assert_int_equal(ntohs(uh->dest), DHCP_SERVER_PORT);
	assert_int_equal(ntohs(uh->len), skb->len - ETH_HLEN - sizeof(*iph));
	assert_int_equal(csum_tcpudp_magic(saddr, daddr, ntohs(uh->len), IPPROTO_UDP,
					   csum_partial(uh, ntohs(uh->len), 0)),
			 0);
	len = ntohs(uh->len) - sizeof(*uh);
	assert_true(len <= sizeof(*out));
	memcpy(out, uh + 1, len);
	kfree_skb(skb);
	return len;
}

/* Injects a datagram from 10.0.2.2:sport to 255.255.255.255:68. */
static void inject_from(struct net_device *dev, uint16_t sport, const uint8_t *msg, size_t len)
{
	uint8_t udp[700], frame[800];
	struct udphdr *uh = (struct udphdr *)udp;

	uh->source = htons(sport);
	uh->dest = htons(DHCP_CLIENT_PORT);
	uh->len = htons(sizeof(*uh) + len);
	uh->check = 0; /* RFC 768: none */
	memcpy(uh + 1, msg, len);
	fake_eth_inject(dev, frame,
			fake_build_ip(frame, fake_bcast_mac, server_mac, ip("10.0.2.2"),
				      0xffffffffu, IPPROTO_UDP, udp, sizeof(*uh) + len));
}

/* Injects a server's reply (from port 67). */
static void inject_reply(struct net_device *dev, const uint8_t *msg, size_t len)
{
	inject_from(dev, DHCP_SERVER_PORT, msg, len);
}

static struct net_device *new_dev(void)
{
	struct net_device *dev = fake_eth_create("eth%d", mac);

	assert_non_null(dev);
	return dev;
}

static uint32_t route_nexthop(uint32_t daddr)
{
	struct net_device *dev;
	uint32_t nh, sa;

	if (ip_route_output(daddr, &dev, &nh, &sa))
		return 0;
	return nh;
}

static void test_stack_lease_and_release(void **state)
{
	struct net_device *dev = new_dev();
	const struct dhcp_client *c;
	struct dhcp_msg m;
	uint8_t buf[600];
	uint64_t skbs;
	long mem;

	(void)state;
	/* the routing table keeps the pools it grew (net/fib_dxr.c): grow them first */
	assert_int_equal(route_add(ip("10.0.2.0"), ip("255.255.255.0"), 0, dev, 0), 0);
	assert_int_equal(route_add(0, 0, 0, dev, 0), 0);
	route_flush_dev(dev);
	mem = fake_kmalloc_in_use();
	skbs = skb_in_use();
	assert_int_equal(dhcp_start(dev), 0);
	assert_true(dev->flags & IFF_UP);
	/* RFC 2131 4.1: from 0.0.0.0 to the limited broadcast, out of this device */
	pop_dhcp(dev, fake_bcast_mac, 0, 0xffffffffu, &m);
	c = dhcp_client_get(dev);
	assert_non_null(c);
	assert_int_equal(m.xid, c->xid);
	inject_reply(dev, buf, reply(buf, DHCPOFFER, c->xid, O_ALL));
	pop_dhcp(dev, fake_bcast_mac, 0, 0xffffffffu, &m); /* DHCPREQUEST */
	assert_int_equal(c->state, DHCP_REQUESTING);
	inject_reply(dev, buf, reply(buf, DHCPACK, c->xid, O_ALL));
	assert_int_equal(c->state, DHCP_BOUND);
	assert_int_equal(dev->ip_addr, ip("10.0.2.15"));
	assert_int_equal(dev->netmask, ip("255.255.255.0"));
	/* the router option became the default route */
	assert_int_equal(route_nexthop(ip("192.0.2.1")), ip("10.0.2.2"));
	assert_non_null(strstr(fake_printk_buffer(), "dhcp: eth"));
	assert_non_null(strstr(fake_printk_buffer(), "leased 10.0.2.15/24 from 10.0.2.2"));

	/* the shell's `dhcp IF` renews: unicast to the server's link address */
	fake_clock_advance(1000);
	assert_int_equal(dhcp_start(dev), 0);
	pop_dhcp(dev, server_mac, ip("10.0.2.15"), ip("10.0.2.2"), &m);
	assert_int_equal(m.ciaddr, ip("10.0.2.15"));
	assert_int_equal(c->state, DHCP_RENEWING);
	inject_reply(dev, buf, reply(buf, DHCPACK, c->xid, O_ALL));
	assert_int_equal(c->state, DHCP_BOUND);
	assert_int_equal(c->expiry_ms, fake_clock_ms() + LEASE_S * 1000ull);

	/* release: DHCPRELEASE unicast, then address and route go */
	assert_int_equal(dhcp_release(dev), 0);
	pop_dhcp(dev, server_mac, ip("10.0.2.15"), ip("10.0.2.2"), &m);
	assert_int_equal(m.options[2], DHCPRELEASE);
	assert_int_equal(dev->ip_addr, 0);
	assert_int_equal(route_nexthop(ip("192.0.2.1")), 0);
	assert_null(dhcp_client_get(dev));
	assert_int_equal(dhcp_release(dev), -ENOENT);
	assert_int_equal(fake_eth_tx_len(dev), 0);
	assert_int_equal(fake_timers_pending(), 0);
	assert_int_equal(skb_in_use(), skbs);
	assert_int_equal(fake_kmalloc_in_use(), mem);
}

static void test_stack_expiry_drops_address(void **state)
{
	struct net_device *dev = new_dev();
	const struct dhcp_client *c;
	struct dhcp_msg m;
	uint8_t buf[600];

	(void)state;
	assert_int_equal(dhcp_start(dev), 0);
	c = dhcp_client_get(dev);
	pop_dhcp(dev, fake_bcast_mac, 0, 0xffffffffu, &m);
	inject_reply(dev, buf, reply(buf, DHCPOFFER, c->xid, O_ALL));
	pop_dhcp(dev, fake_bcast_mac, 0, 0xffffffffu, &m);
	inject_reply(dev, buf, reply(buf, DHCPACK, c->xid, O_ALL));
	assert_int_equal(dev->ip_addr, ip("10.0.2.15"));
	/* the timer drives T1 and T2: a unicast and a broadcast request */
	fake_clock_set(c->t1_ms);
	pop_dhcp(dev, server_mac, ip("10.0.2.15"), ip("10.0.2.2"), &m);
	fake_clock_set(c->t2_ms);
	assert_int_equal(c->state, DHCP_REBINDING);
	fake_clock_set(c->expiry_ms - 1);
	fake_eth_purge_tx(dev); /* the rebinding requests */
	fake_clock_set(c->expiry_ms);
	/* expired: no address, no default route, a new DISCOVER from 0.0.0.0 */
	assert_int_equal(dev->ip_addr, 0);
	assert_int_equal(route_nexthop(ip("192.0.2.1")), 0);
	assert_int_equal(c->state, DHCP_SELECTING);
	pop_dhcp(dev, fake_bcast_mac, 0, 0xffffffffu, &m);
	assert_int_equal(m.options[2], DHCPDISCOVER);
	assert_non_null(strstr(fake_printk_buffer(), "lease ended for 10.0.2.15"));
	assert_int_equal(dhcp_release(dev), 0);
	assert_int_equal(fake_eth_tx_len(dev), 0); /* nothing held: no DHCPRELEASE */
}

static void test_boot_ip_dhcp_and_foreign_replies(void **state)
{
	struct net_device *dev = new_dev();
	const struct dhcp_client *c;
	struct dhcp_msg m;
	uint8_t buf[600];

	(void)state;
	/* ip=dhcp on the kernel command line: no static address, a DISCOVER */
	assert_int_equal(net_configure_defaults(dev, "dhcp", "255.0.0.0", "10.9.9.9"), 0);
	assert_int_equal(dev->ip_addr, 0);
	pop_dhcp(dev, fake_bcast_mac, 0, 0xffffffffu, &m);
	assert_int_equal(m.options[2], DHCPDISCOVER);
	c = dhcp_client_get(dev);
	assert_non_null(c);
	/* an offer from a client port (another client's broadcast) is not a server's */
	inject_from(dev, DHCP_CLIENT_PORT, buf, reply(buf, DHCPOFFER, c->xid, O_ALL));
	assert_int_equal(c->state, DHCP_SELECTING);
	/* nor one for another transaction, nor a truncated one */
	inject_reply(dev, buf, reply(buf, DHCPOFFER, c->xid + 1, O_ALL));
	inject_reply(dev, buf, DHCP_MIN_LEN - 1);
	assert_int_equal(c->state, DHCP_SELECTING);
	assert_int_equal(fake_eth_tx_len(dev), 0);
	inject_reply(dev, buf, reply(buf, DHCPOFFER, c->xid, O_ALL));
	assert_int_equal(c->state, DHCP_REQUESTING);
	assert_int_equal(dhcp_release(dev), 0);
	fake_eth_purge_tx(dev);
	assert_int_equal(fake_timers_pending(), 0);
}

static void test_lease_router_replaces_default_route(void **state)
{
	struct net_device *dev = new_dev();
	const struct dhcp_client *c;
	struct route_cursor cur = {0};
	struct route_entry r[8];
	struct dhcp_msg m;
	uint8_t buf[600];
	int i, n, metric100 = 0;

	(void)state;
	/* as at boot with the static defaults, plus a user's fallback route */
	assert_int_equal(net_configure_defaults(dev, NULL, NULL, "10.0.2.1"), 0);
	assert_int_equal(route_add(0, 0, ip("10.0.2.1"), dev, 100), 0);
	assert_int_equal(route_nexthop(ip("192.0.2.1")), ip("10.0.2.1"));
	assert_int_equal(dhcp_start(dev), 0);
	c = dhcp_client_get(dev);
	pop_dhcp(dev, fake_bcast_mac, 0, 0xffffffffu, &m);
	inject_reply(dev, buf, reply(buf, DHCPOFFER, c->xid, O_ALL));
	inject_reply(dev, buf, reply(buf, DHCPACK, c->xid, O_ALL));
	/* the lease's router took the place of the metric-0 default */
	assert_int_equal(route_nexthop(ip("192.0.2.1")), ip("10.0.2.2"));
	assert_int_equal(dhcp_release(dev), 0);
	/* the release removed its own route only: the metric-100 one is left */
	n = route_walk(&cur, r, 8);
	for (i = 0; i < n; i++) {
		if (r[i].mask == 0 && r[i].dev == dev) {
			assert_int_equal(r[i].metric, 100);
			assert_int_equal(r[i].gateway, ip("10.0.2.1"));
			metric100++;
		}
	}
	assert_int_equal(metric100, 1);
	route_flush_dev(dev);
	fake_eth_purge_tx(dev);
}

/* The server of the netctl tests: answers what the device sent, while the shell waits. */
static struct net_device *served_dev;
static int server_answers; /* 0: silent */

static void server_hook(void *ctx)
{
	struct sk_buff *skb;
	uint8_t buf[600];

	(void)ctx;
	while ((skb = fake_eth_pop_tx(served_dev))) {
		const size_t hdrs = ETH_HLEN + sizeof(struct iphdr) + sizeof(struct udphdr);
		const struct dhcp_msg *m = (const struct dhcp_msg *)(skb->data + hdrs);
		int dhcp = skb->len >= hdrs + DHCP_MIN_LEN + 3 &&
			   ntohs(((const struct ethhdr *)skb->data)->h_proto) == ETH_P_IP;
		int type = dhcp && m->options[2] == DHCPDISCOVER ? DHCPOFFER : DHCPACK;
		uint32_t xid = dhcp ? m->xid : 0;

		kfree_skb(skb);
		if (dhcp && server_answers) /* not the gratuitous ARP of the new address */
			inject_reply(served_dev, buf, reply(buf, type, xid, O_ALL));
	}
}

static void test_netctl_run_and_no_offer(void **state)
{
	struct netctl_dhcp_info info[2];
	int had_lease = -1;

	(void)state;
	served_dev = new_dev();
	fake_net_wait_set_hook(server_hook, NULL);
	assert_int_equal(netctl_dhcp_run("nosuch0", 1000, info), -ENODEV);
	assert_int_equal(netctl_dhcp_run("lo", 1000, info), -EOPNOTSUPP);
	/* a silent network: a short wait ends first, or Ctrl-C; the client goes on ... */
	server_answers = 0;
	assert_int_equal(netctl_dhcp_run(served_dev->name, 1000, info), -EINPROGRESS);
	assert_string_equal(info[0].state, "SELECTING");
	fake_net_wait_interrupt(1);
	assert_int_equal(netctl_dhcp_run(served_dev->name, 70000, info), -EINTR);
	assert_int_equal(fake_net_lock_depth(), 0);
	/* ... and gives up after its retransmissions */
	assert_int_equal(netctl_dhcp_run(served_dev->name, 70000, info), -ETIMEDOUT);
	assert_string_equal(info[0].state, "FAILED");
	assert_non_null(strstr(fake_printk_buffer(), "no DHCP offer"));
	/* and a server that answers: the shell gets the lease */
	server_answers = 1;
	assert_int_equal(netctl_dhcp_run(served_dev->name, 70000, info), 0);
	assert_string_equal(info[0].state, "BOUND");
	assert_int_equal(info[0].addr, ip("10.0.2.15"));
	assert_int_equal(info[0].router, ip("10.0.2.2"));
	assert_int_equal(info[0].ndns, 2);
	assert_int_equal(info[0].dns[0], ip("10.0.2.3"));
	assert_int_equal(info[0].lease_left_s, LEASE_S);
	assert_int_equal(info[0].t1_left_s, LEASE_S / 2);
	assert_int_equal(netctl_dhcp_get(info, 2), 1);
	assert_string_equal(info[0].dev, served_dev->name);
	/* ifconfig IF down releases the lease */
	assert_int_equal(
		netctl_dev_configure(served_dev->name, &(struct netctl_dev_config){.up = 0}), 0);
	assert_int_equal(netctl_dhcp_get(info, 2), 0);
	assert_int_equal(served_dev->ip_addr, 0);
	assert_int_equal(netctl_dhcp_release(served_dev->name, &had_lease), -ENOENT);
	assert_int_equal(netctl_dhcp_release("nosuch0", &had_lease), -ENODEV);
	fake_net_wait_set_hook(NULL, NULL);
	fake_eth_purge_tx(served_dev);
}

static int group_setup(void **state)
{
	(void)state;
	net_init();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stack_lease_and_release),
		cmocka_unit_test(test_stack_expiry_drops_address),
		cmocka_unit_test(test_boot_ip_dhcp_and_foreign_replies),
		cmocka_unit_test(test_lease_router_replaces_default_route),
		cmocka_unit_test(test_netctl_run_and_no_offer),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
