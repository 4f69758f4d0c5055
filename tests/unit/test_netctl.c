/*
 * net/netctl.h, the shell's window on the stack: the device, route, ARP,
 * socket (TCP and UDP) and counter copies match the stack's own state; the
 * configuration calls report each documented error; the TCP tunables
 * honour their limits and the boot parameters; capture starts and stops; and no call returns with
 * net_lock held.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/netctl.h"
#include "net/arp.h"
#include "net/ip.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "net/socket.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

static uint16_t next_rport = 41000;

static int setup(void **state)
{
	(void)state;
	return tcp_test_begin_ports(&next_rport, NULL);
}

static int teardown(void **state)
{
	(void)state;
	return tcp_test_end(0);
}

static const struct netctl_dev_info *find_dev(const struct netctl_dev_info *d, int n,
					      const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(d[i].name, name) == 0)
			return &d[i];
	return NULL;
}

static void test_devices_copied(void **state)
{
	struct netctl_dev_info devs[8], one;
	const struct netctl_dev_info *lo, *eth;
	int n;

	(void)state;
	n = netctl_get_devs(devs, 8);
	assert_int_equal(fake_net_lock_depth(), 0);
	assert_true(n >= 2);
	lo = find_dev(devs, n, "lo");
	eth = find_dev(devs, n, tcp_test_dev->name);
	assert_non_null(lo);
	assert_non_null(eth);
	assert_int_equal(lo->type, NETCTL_ARPHRD_LOOPBACK);
	assert_true(lo->flags & NETCTL_IFF_LOOPBACK);
	assert_int_equal(eth->type, NETCTL_ARPHRD_ETHER);
	assert_int_equal(eth->ifindex, tcp_test_dev->ifindex);
	assert_int_equal(eth->flags, tcp_test_dev->flags);
	assert_true(eth->flags & NETCTL_IFF_UP);
	assert_int_equal(eth->mtu, tcp_test_dev->mtu);
	assert_memory_equal(eth->mac, fake_our_mac, NETCTL_ETH_ALEN);
	assert_int_equal(eth->addr, inet_addr("10.0.2.15"));
	assert_int_equal(eth->netmask, inet_addr("255.255.255.0"));
	assert_int_equal(eth->stats.tx_packets, tcp_test_dev->stats.tx_packets);
	assert_int_equal(eth->stats.rx_packets, tcp_test_dev->stats.rx_packets);
	assert_true(eth->stats.rx_packets > 0); /* at least the peer's ARP reply */

	/* fewer slots than devices: the count still tells how many exist */
	assert_int_equal(netctl_get_devs(devs, 1), n);

	assert_int_equal(netctl_get_dev(tcp_test_dev->name, &one), 0);
	assert_string_equal(one.name, tcp_test_dev->name);
	assert_int_equal(netctl_get_dev("nosuch0", &one), -ENODEV);
	assert_int_equal(fake_net_lock_depth(), 0);
}

static void test_dev_configure(void **state)
{
	const char *name = tcp_test_dev->name;
	struct netctl_dev_config cfg = {.up = -1};

	(void)state;
	assert_int_equal(netctl_dev_configure("nosuch0", &cfg), -ENODEV);

	/* a new address keeps the mask, and the connected route follows it */
	cfg.set_addr = 1;
	cfg.addr = inet_addr("10.0.2.16");
	assert_int_equal(netctl_dev_configure(name, &cfg), 0);
	assert_int_equal(tcp_test_dev->ip_addr, inet_addr("10.0.2.16"));
	assert_int_equal(tcp_test_dev->netmask, inet_addr("255.255.255.0"));

	cfg.set_mask = 1;
	cfg.netmask = inet_addr("255.0.255.0");
	assert_int_equal(netctl_dev_configure(name, &cfg), -EINVAL);
	assert_int_equal(fake_net_lock_depth(), 0);

	cfg.up = 0;
	cfg.set_addr = cfg.set_mask = 0;
	assert_int_equal(netctl_dev_configure(name, &cfg), 0);
	assert_false(tcp_test_dev->flags & IFF_UP);
	cfg.up = 1;
	cfg.set_addr = 1;
	cfg.addr = inet_addr("10.0.2.15");
	assert_int_equal(netctl_dev_configure(name, &cfg), 0);
	assert_true(tcp_test_dev->flags & IFF_UP);
	assert_int_equal(tcp_test_dev->ip_addr, inet_addr("10.0.2.15"));
	fake_eth_purge_tx(tcp_test_dev); /* the announcements */
	assert_int_equal(fake_net_lock_depth(), 0);
}

static const struct netctl_route *find_route(const struct netctl_route *r, int n, uint32_t dst,
					     uint32_t mask)
{
	for (int i = 0; i < n; i++)
		if (r[i].dst == dst && r[i].mask == mask)
			return &r[i];
	return NULL;
}

static void test_routes(void **state)
{
	struct netctl_route r[NETCTL_MAX_ROUTES];
	const struct netctl_route *c;
	uint32_t net = inet_addr("192.168.7.0"), mask = inet_addr("255.255.255.0");
	int n;

	(void)state;
	n = netctl_get_routes(r, NETCTL_MAX_ROUTES);
	c = find_route(r, n, inet_addr("10.0.2.0"), mask);
	assert_non_null(c);
	assert_string_equal(c->dev, tcp_test_dev->name);
	assert_int_equal(c->gateway, 0);

	assert_int_equal(netctl_route_add(net, mask, 0, "nosuch0"), -ENODEV);
	assert_int_equal(netctl_route_add(net, mask, 0, NULL), -ENODEV);
	assert_int_equal(netctl_route_add(net, mask, inet_addr("172.16.0.1"), NULL), -ENETUNREACH);
	assert_int_equal(netctl_route_add(net, inet_addr("255.0.255.0"), 0, tcp_test_dev->name),
			 -EINVAL);
	assert_int_equal(netctl_route_add(inet_addr("192.168.7.1"), mask, 0, tcp_test_dev->name),
			 -EINVAL);
	assert_int_equal(netctl_route_add(net, mask, inet_addr("10.0.2.2"), NULL), 0);
	assert_int_equal(netctl_route_add(net, mask, inet_addr("10.0.2.2"), NULL), -EEXIST);
	n = netctl_get_routes(r, NETCTL_MAX_ROUTES);
	c = find_route(r, n, net, mask);
	assert_non_null(c);
	assert_int_equal(c->gateway, inet_addr("10.0.2.2"));
	assert_string_equal(c->dev, tcp_test_dev->name); /* the gateway's interface */
	assert_int_equal(netctl_route_del(net, mask), 0);
	assert_int_equal(netctl_route_del(net, mask), -ESRCH);
	assert_null(find_route(r, netctl_get_routes(r, NETCTL_MAX_ROUTES), net, mask));
	assert_int_equal(fake_net_lock_depth(), 0);
}

static void test_arp(void **state)
{
	struct netctl_arp_entry e[NETCTL_MAX_ARP];
	int i, n, found = -1;

	(void)state;
	n = netctl_get_arp(e, NETCTL_MAX_ARP);
	for (i = 0; i < n; i++)
		if (e[i].ip == tcp_test_peer_ip)
			found = i;
	assert_true(found >= 0);
	assert_memory_equal(e[found].mac, fake_peer_mac, NETCTL_ETH_ALEN);
	assert_string_equal(e[found].dev, tcp_test_dev->name);
	assert_int_equal(e[found].state, NETCTL_ARP_REACHABLE);
	assert_string_equal(netctl_arp_state_name(e[found].state), "reachable");
	assert_int_equal(e[found].queued, 0);

	assert_int_equal(netctl_arp_delete(tcp_test_peer_ip), 0);
	assert_int_equal(netctl_arp_delete(tcp_test_peer_ip), -ENOENT);
	n = netctl_get_arp(e, NETCTL_MAX_ARP);
	for (i = 0; i < n; i++)
		assert_int_not_equal(e[i].ip, tcp_test_peer_ip);
	assert_int_equal(fake_net_lock_depth(), 0);
}

static void test_tcp_socket_info(void **state)
{
	struct netctl_sock_info s[16];
	const struct netctl_sock_info *mine = NULL;
	struct tconn c;
	int i, n;

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_rport, 5000, WIN, NULL), 0);
	n = netctl_get_socks(s, 16, IPPROTO_TCP);
	assert_int_equal(fake_net_lock_depth(), 0);
	for (i = 0; i < n && i < 16; i++) {
		assert_int_equal(s[i].protocol, IPPROTO_TCP);
		if (s[i].lport == c.lport && s[i].rport == c.rport)
			mine = &s[i];
	}
	assert_non_null(mine);
	assert_int_equal(mine->state, NETCTL_TCP_ESTABLISHED);
	assert_string_equal(netctl_tcp_state_name(mine->state), "ESTABLISHED");
	assert_int_equal(mine->laddr, tcp_test_our_ip);
	assert_int_equal(mine->raddr, tcp_test_peer_ip);
	assert_int_equal(mine->tcp.snd_una, c.our_isn + 1);
	assert_int_equal(mine->tcp.snd_nxt, c.our_isn + 1);
	assert_int_equal(mine->tcp.rcv_nxt, 5001);
	assert_int_equal(mine->tcp.snd_wnd, WIN);
	assert_true(mine->tcp.snd_cwnd > 0);
	assert_true(mine->tcp.rto_ms > 0);
	assert_int_equal(mine->send_q, 0);
	assert_int_equal(mine->orphan, 0);
	/* the count covers both protocols when asked for 0 */
	assert_true(netctl_get_socks(s, 16, 0) >= n);
	assert_true(netctl_socks_in_use() >= 1);
	tcp_test_abort(&c);
}

/* A UDP socket bound to port, connected to 10.0.2.2:peer_port when peer_port is not 0. */
static int udp_socket(uint16_t port, uint16_t peer_port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = __sys_socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(__sys_bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (peer_port) {
		a.sin_port = htons(peer_port);
		a.sin_addr.s_addr = tcp_test_peer_ip;
		assert_int_equal(__sys_connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	}
	return fd;
}

static void test_udp_socket_info(void **state)
{
	struct netctl_sock_info s[16];
	uint8_t frame[128], dgram[8 + 5];
	struct udphdr *uh = (struct udphdr *)dgram;
	int fd_any = udp_socket(5300, 0), fd_conn = udp_socket(5301, 7000), i, n, seen = 0;

	(void)state;
	/* five bytes from the peer to the unconnected socket wait in its queue */
	uh->source = htons(7001);
	uh->dest = htons(5300);
	uh->len = htons(sizeof(dgram));
	uh->check = 0;
	memcpy(dgram + 8, "hello", 5);
	fake_eth_inject(tcp_test_dev, frame,
			fake_build_ip(frame, fake_our_mac, fake_peer_mac, tcp_test_peer_ip,
				      tcp_test_our_ip, IPPROTO_UDP, dgram, sizeof(dgram)));
	n = netctl_get_socks(s, 16, IPPROTO_UDP);
	assert_int_equal(fake_net_lock_depth(), 0);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		assert_int_equal(s[i].protocol, IPPROTO_UDP);
		assert_int_equal(s[i].send_q, 0);
		if (s[i].lport == 5300) {
			assert_int_equal(s[i].raddr, 0);
			assert_int_equal(s[i].rport, 0);
			assert_int_equal(s[i].recv_q, 5);
			assert_string_equal(netctl_tcp_state_name(s[i].state), "CLOSE");
			seen |= 1;
		} else if (s[i].lport == 5301) {
			assert_int_equal(s[i].raddr, tcp_test_peer_ip);
			assert_int_equal(s[i].rport, 7000);
			assert_int_equal(s[i].recv_q, 0);
			assert_int_equal(s[i].state, NETCTL_TCP_ESTABLISHED);
			seen |= 2;
		}
	}
	assert_int_equal(seen, 3);
	/* asked for TCP, none of them appears */
	n = netctl_get_socks(s, 16, IPPROTO_TCP);
	for (i = 0; i < n && i < 16; i++)
		assert_int_equal(s[i].protocol, IPPROTO_TCP);
	assert_int_equal(__sys_close(fd_any), 0);
	assert_int_equal(__sys_close(fd_conn), 0);
	assert_int_equal(netctl_get_socks(s, 16, IPPROTO_UDP), 0);
}

static void test_mib_and_skb_snapshot(void **state)
{
	struct netctl_mib m;
	struct netctl_skb_stats s;

	(void)state;
	ip_statistics.in_receives += 3;
	tcp_statistics.loss_probes += 2;
	arp_statistics.queue_drops += 1;
	netctl_get_mib(&m);
	assert_int_equal(m.ip.in_receives, ip_statistics.in_receives);
	assert_int_equal(m.ip.out_discards, ip_statistics.out_discards);
	assert_int_equal(m.tcp.loss_probes, tcp_statistics.loss_probes);
	assert_int_equal(m.tcp.active_opens, tcp_statistics.active_opens);
	assert_int_equal(m.arp.queue_drops, arp_statistics.queue_drops);
	netctl_get_skb_stats(&s);
	assert_int_equal(s.allocs - s.frees, skb_in_use());
	assert_int_equal(fake_net_lock_depth(), 0);
}

static void test_tunables_and_boot_params(void **state)
{
	long msl = netctl_tcp_tunable_get("tcp_msl_ms");
	int absolute;

	(void)state;
	assert_int_equal(msl, tcp_msl_ms);
	assert_int_equal(netctl_tcp_tunable_get("tcp_nonsense"), -ENOENT);
	assert_int_equal(netctl_tcp_tunable_set("tcp_nonsense", 1), -ENOENT);
	assert_int_equal(netctl_tcp_tunable_set("tcp_rto_min_ms", 0), -ERANGE);
	assert_int_equal(netctl_tcp_tunable_set("tcp_rto_min_ms", 60001), -ERANGE);
	assert_int_equal(netctl_tcp_tunable_set("tcp_rto_min_ms", 150), 0);
	assert_int_equal(tcp_rto_min_ms, 150);
	assert_int_equal(netctl_tcp_tunable_get("tcp_rto_min_ms"), 150);
	assert_int_equal(netctl_tcp_tunable_set("tcp_fin_timeout_ms", 0), -ERANGE);
	assert_int_equal(netctl_tcp_tunable_set("tcp_fin_timeout_ms", 5000), 0);
	assert_int_equal(tcp_fin_timeout_ms, 5000);
	tcp_fin_timeout_ms = 60000;

	/* boot parameters: good values applied, bad ones reported and ignored */
	fake_boot_param_set("tcp_rto_min_ms", "250");
	fake_boot_param_set("tcp_msl_ms", "12x");
	fake_printk_clear();
	netctl_apply_boot_params();
	assert_int_equal(tcp_rto_min_ms, 250);
	assert_int_equal(tcp_msl_ms, msl);
	assert_non_null(strstr(fake_printk_buffer(), "net: bad tcp_msl_ms=12x"));
	fake_boot_param_set("tcp_msl_ms", "700000");
	netctl_apply_boot_params();
	assert_int_equal(tcp_msl_ms, msl);
	fake_boot_param_set("tcp_msl_ms", "");
	netctl_apply_boot_params();
	assert_int_equal(tcp_msl_ms, msl);
	fake_boot_param_clear();
	assert_int_equal(netctl_tcp_tunable_set("tcp_rto_min_ms", 200), 0);
	assert_int_equal(fake_net_lock_depth(), 0);

	netctl_tcp_trace_set(1, 1);
	assert_int_equal(netctl_tcp_trace_get(&absolute), 1);
	assert_int_equal(absolute, 1);
	netctl_tcp_trace_set(1, 0);
	assert_int_equal(netctl_tcp_trace_get(&absolute), 1);
	assert_int_equal(absolute, 0);
	netctl_tcp_trace_set(0, 1); /* off is off: no absolute numbers left set */
	assert_int_equal(netctl_tcp_trace_get(&absolute), 0);
	assert_int_equal(absolute, 0);
	assert_int_equal(netctl_tcp_trace_get(NULL), 0);
}

static void test_capture_control(void **state)
{
	struct netctl_capture_stats st;

	(void)state;
	assert_int_equal(netctl_capture_start("nosuch0", 0), -ENODEV);
	assert_int_equal(netctl_capture_start(tcp_test_dev->name, 3), 0);
	assert_int_equal(netctl_capture_start(NULL, 0), -EBUSY);
	netctl_capture_get_stats(&st);
	assert_true(st.active);
	assert_int_equal(st.ifindex, tcp_test_dev->ifindex);
	assert_int_equal(st.limit, 3);
	netctl_capture_stop();
	netctl_capture_get_stats(&st);
	assert_false(st.active);
	assert_int_equal(netctl_capture_start("any", 0), 0);
	netctl_capture_get_stats(&st);
	assert_int_equal(st.ifindex, 0);
	netctl_capture_stop();
	assert_int_equal(fake_net_lock_depth(), 0);
}

static void test_ping_ident_changes(void **state)
{
	uint16_t a, b;

	(void)state;
	a = netctl_ping_ident();
	b = netctl_ping_ident();
	assert_int_equal((uint16_t)(a + 1), b);
	assert_int_equal(fake_net_lock_depth(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_devices_copied),
		TCP_TEST(test_dev_configure),
		TCP_TEST(test_routes),
		TCP_TEST(test_arp),
		TCP_TEST(test_tcp_socket_info),
		TCP_TEST(test_udp_socket_info),
		TCP_TEST(test_mib_and_skb_snapshot),
		TCP_TEST(test_tunables_and_boot_params),
		TCP_TEST(test_capture_control),
		TCP_TEST(test_ping_ident_changes),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
