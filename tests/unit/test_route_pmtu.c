/*
 * The path MTU the route remembers per destination (net/route_cache.c,
 * RFC 1191 6.3; Linux's next-hop exceptions): a fragmentation needed that
 * tcp_v4_err believes lowers it, a forged one does not; the 552 floor;
 * the entry runs out after 10 minutes unless renewed; the cache holds at
 * most IP_RT_PMTU_MAX entries and a full set gives up its oldest report;
 * an entry holds only for the next hop it was learnt through;
 * the route output, a socket's cached route, the MSS of new connections
 * (SYN and SYN-ACK), an established connection's segments and the
 * fragments of a datagram without DF all follow it; ping's reports are
 * believed when they quote the echo it waits for.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/time.h>
#include <cmocka.h>

#include "net/tcp.h"
#include "net/ip.h"
#include "net/icmp.h"
#include "net/checksum.h"
#include "net/route.h"
#include "net/eth.h"
#include "net/skbuff.h"
#include "net/socket.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

#define PEER_ISN 7000000u
#define MSS	 1460

static uint16_t next_port = 46000, next_lport = 9600;

static int setup(void **state)
{
	(void)state;
	return tcp_test_begin_ports(&next_port, &next_lport);
}

static int teardown(void **state)
{
	(void)state;
	return tcp_test_end(130000);
}

/* An established connection with 3000 bytes sent; *first: the first segment's seq. */
static void open_and_send(struct tconn *c, uint32_t *first)
{
	static char buf[3000];
	const struct topts o = {.mss = MSS, .wscale = -1};
	struct tseg s;

	assert_int_equal(tcp_test_active_open(c, next_port, PEER_ISN, 65535, &o), 0);
	tcp_test_nodelay(c->fd);
	memset(buf, 'r', sizeof(buf));
	assert_int_equal(__sys_sendto(c->fd, buf, sizeof(buf), 0, NULL, 0), (long)sizeof(buf));
	assert_true(tcp_peer_recv(&s));
	*first = s.seq;
	tcp_peer_flush();
}

static void finish(struct tconn *c)
{
	tcp_peer_ack(c, c->snd_nxt + 3000, 65535);
	tcp_peer_flush();
	assert_int_equal(__sys_close(c->fd), 0);
}

static unsigned int route_mtu_to_peer(void)
{
	return ip_route_mtu(tcp_test_peer_ip, tcp_test_dev, tcp_test_peer_ip, NULL);
}

static void test_believed_report_lowers_the_route(void **state)
{
	struct sk_dst dst = {0};
	struct net_device *dev;
	uint32_t first, nh, sa;
	uint64_t expires;
	struct tconn c;

	(void)state;
	assert_int_equal(route_mtu_to_peer(), 1500);
	open_and_send(&c, &first);
	tcp_peer_send_frag_needed(1000, 40 + MSS, c.lport, c.rport, first);
	assert_int_equal(ip_rt_pmtu(tcp_test_peer_ip, &expires), 1000);
	assert_int_equal(expires, fake_clock_ms() + IP_RT_MTU_EXPIRES_MS);
	/* the route output and a socket's cached route give the lower MTU */
	assert_int_equal(route_mtu_to_peer(), 1000);
	assert_int_equal(ip_route_output_cached(&dst, tcp_test_peer_ip, &dev, &nh, &sa), 0);
	assert_int_equal(dst.mtu, 1000);
	/* a wider report is not believed, and another host is not concerned */
	tcp_peer_send_frag_needed(1200, 40 + MSS, c.lport, c.rport, first);
	assert_int_equal(ip_rt_pmtu(tcp_test_peer_ip, NULL), 1000);
	assert_int_equal(
		ip_route_mtu(inet_addr("10.0.2.3"), tcp_test_dev, inet_addr("10.0.2.3"), NULL),
		1500);
	finish(&c);
}

static void test_forged_report_changes_nothing(void **state)
{
	uint32_t first;
	struct tconn c;

	(void)state;
	open_and_send(&c, &first);
	/* RFC 5927 4.1: a sequence number not in flight */
	tcp_peer_send_frag_needed(1000, 40 + MSS, c.lport, c.rport, first - 5000);
	tcp_peer_send_frag_needed(1000, 40 + MSS, c.lport, c.rport, first + 100000);
	/* nor a connection we do not have */
	tcp_peer_send_frag_needed(1000, 40 + MSS, c.lport, c.rport + 1, first);
	assert_int_equal(ip_rt_pmtu(tcp_test_peer_ip, NULL), 0);
	assert_int_equal(route_mtu_to_peer(), 1500);
	finish(&c);
}

static void test_floor(void **state)
{
	uint32_t first;
	struct tconn c;

	(void)state;
	open_and_send(&c, &first);
	tcp_peer_send_frag_needed(296, 40 + MSS, c.lport, c.rport, first);
	assert_int_equal(ip_rt_pmtu(tcp_test_peer_ip, NULL), IP_RT_MIN_PMTU);
	/* straight to the route: the same floor */
	assert_int_equal(ip_rt_update_pmtu(tcp_test_peer_ip, 100), 0);
	assert_int_equal(ip_rt_pmtu(tcp_test_peer_ip, NULL), IP_RT_MIN_PMTU);
	finish(&c);
}

static void test_expiry_and_renewal(void **state)
{
	uint32_t gen;

	(void)state;
	gen = rt_genid_ipv4();
	assert_int_equal(ip_rt_update_pmtu(tcp_test_peer_ip, 1200), 1);
	assert_int_not_equal(rt_genid_ipv4(), gen); /* sockets must look again */
	fake_clock_advance(IP_RT_MTU_EXPIRES_MS - 1);
	assert_int_equal(route_mtu_to_peer(), 1200);
	fake_clock_advance(1);
	assert_int_equal(ip_rt_pmtu(tcp_test_peer_ip, NULL), 0);
	assert_int_equal(route_mtu_to_peer(), 1500);

	/* the same report again renews the entry */
	assert_int_equal(ip_rt_update_pmtu(tcp_test_peer_ip, 1200), 1);
	fake_clock_advance(IP_RT_MTU_EXPIRES_MS / 2);
	gen = rt_genid_ipv4();
	assert_int_equal(ip_rt_update_pmtu(tcp_test_peer_ip, 1200), 0);
	assert_int_equal(rt_genid_ipv4(), gen);
	fake_clock_advance(IP_RT_MTU_EXPIRES_MS - 1);
	assert_int_equal(route_mtu_to_peer(), 1200);
	fake_clock_advance(1);
	assert_int_equal(route_mtu_to_peer(), 1500);
}

/* A socket's cached route runs out with the learnt MTU it carries. */
static void test_cached_route_follows_expiry(void **state)
{
	struct sk_dst dst = {0};
	struct net_device *dev;
	uint32_t nh, sa;

	(void)state;
	assert_int_equal(ip_rt_update_pmtu(tcp_test_peer_ip, 1100), 1);
	assert_int_equal(ip_route_output_cached(&dst, tcp_test_peer_ip, &dev, &nh, &sa), 0);
	assert_int_equal(dst.mtu, 1100);
	fake_clock_advance(IP_RT_MTU_EXPIRES_MS);
	assert_int_equal(ip_route_output_cached(&dst, tcp_test_peer_ip, &dev, &nh, &sa), 0);
	assert_int_equal(dst.mtu, 1500);
	assert_int_equal(dst.expires, 0);
}

static void test_bound_and_oldest_replaced(void **state)
{
	static struct rt_pmtu_entry e[IP_RT_PMTU_MAX + 1];
	uint32_t keep = inet_addr("198.18.200.1"), first = inet_addr("198.18.0.1"), last = 0;
	int i, n, found_keep = 0, found_first = 0, found_last = 0;

	(void)state;
	assert_int_equal(route_add(0, 0, tcp_test_peer_ip, NULL, 0), 0);
	assert_int_equal(ip_rt_update_pmtu(keep, 1000), 1);
	/* many more destinations than the cache holds: keep is renewed all
	 * along, so it is never a set's oldest */
	for (i = 0; i < 16 * IP_RT_PMTU_MAX; i++) {
		last = htonl(ntohl(first) + (uint32_t)i);
		fake_clock_advance(1);
		assert_int_equal(ip_rt_update_pmtu(last, 1000), 1);
		if (i % 8 == 0)
			ip_rt_update_pmtu(keep, 1000);
	}
	n = ip_rt_pmtu_walk(e, IP_RT_PMTU_MAX + 1);
	assert_true(n <= IP_RT_PMTU_MAX);
	assert_true(n > IP_RT_PMTU_MAX / 2);
	for (i = 0; i < n; i++) {
		found_keep |= e[i].daddr == keep;
		found_first |= e[i].daddr == first;
		found_last |= e[i].daddr == last;
		assert_int_equal(e[i].pmtu, 1000);
		assert_true(e[i].expires_ms <= IP_RT_MTU_EXPIRES_MS);
	}
	assert_true(found_keep);
	assert_true(found_last);
	assert_false(found_first);
	ip_rt_pmtu_flush();
	assert_int_equal(ip_rt_pmtu_walk(e, IP_RT_PMTU_MAX + 1), 0);
	assert_int_equal(route_del(0, 0, 0, NULL, 0, 0), 0);
}

/* An entry belongs to the next hop it was learnt through: a route that
 * now leads elsewhere does not take it, and a report on the new path
 * replaces it. */
static void test_entry_follows_its_next_hop(void **state)
{
	uint32_t far = inet_addr("198.51.100.7"), gw2 = inet_addr("10.0.2.3");
	uint32_t net = inet_addr("198.51.100.0"), mask = inet_addr("255.255.255.0");

	(void)state;
	assert_int_equal(route_add(0, 0, tcp_test_peer_ip, NULL, 0), 0);
	assert_int_equal(ip_rt_update_pmtu(far, 1000), 1);
	assert_int_equal(ip_route_mtu(far, tcp_test_dev, tcp_test_peer_ip, NULL), 1000);
	assert_int_equal(route_add(net, mask, gw2, NULL, 0), 0);
	assert_int_equal(ip_route_mtu(far, tcp_test_dev, gw2, NULL), 1500);
	assert_int_equal(ip_rt_update_pmtu(far, 1200), 1);
	assert_int_equal(ip_route_mtu(far, tcp_test_dev, gw2, NULL), 1200);
	assert_int_equal(ip_route_mtu(far, tcp_test_dev, tcp_test_peer_ip, NULL), 1500);
	assert_int_equal(route_del(net, mask, 0, NULL, 0, 0), 0);
	assert_int_equal(route_del(0, 0, 0, NULL, 0, 0), 0);
}

/* The next connection to the peer starts at the learnt MTU: its SYN's MSS,
 * and the SYN-ACK of a passive open too. */
static void test_new_connections_use_the_learnt_mtu(void **state)
{
	const struct topts o = {.mss = MSS, .wscale = -1};
	uint32_t first;
	struct tconn c, d;
	struct tseg s;
	static char buf[3000];

	(void)state;
	open_and_send(&c, &first);
	tcp_peer_send_frag_needed(1000, 40 + MSS, c.lport, c.rport, first);
	finish(&c);
	tcp_test_settle(0);

	assert_int_equal(tcp_test_active_open(&d, next_port + 500, PEER_ISN, 65535, &o), 0);
	assert_int_equal(d.syn.mss, 1000 - 40);
	tcp_test_nodelay(d.fd);
	memset(buf, 'n', sizeof(buf));
	assert_int_equal(__sys_sendto(d.fd, buf, sizeof(buf), 0, NULL, 0), (long)sizeof(buf));
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.len, 1000 - 40);
	tcp_peer_ack(&d, d.snd_nxt + 3000, 65535);
	tcp_peer_flush();
	assert_int_equal(__sys_close(d.fd), 0);
	tcp_test_settle(0);

	assert_int_equal(
		tcp_test_passive_open(&d, next_lport, next_port + 600, PEER_ISN, 65535, &o), 0);
	assert_int_equal(d.syn.mss, 1000 - 40);
	tcp_test_abort(&d);
}

/* A path MTU learnt while a connection runs (another connection's report)
 * lowers that connection's segments too: its cached route is stale. */
static void test_established_connection_follows_the_route(void **state)
{
	const struct topts o = {.mss = MSS, .wscale = -1};
	static char buf[3000];
	struct tconn c;
	struct tseg s;

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, 65535, &o), 0);
	tcp_test_nodelay(c.fd);
	memset(buf, 'e', sizeof(buf));
	assert_int_equal(__sys_sendto(c.fd, buf, 1000, 0, NULL, 0), 1000);
	tcp_peer_ack_data(&c, 1000, 65535);
	tcp_peer_flush();
	assert_int_equal(ip_rt_update_pmtu(tcp_test_peer_ip, 900), 1);
	assert_int_equal(__sys_sendto(c.fd, buf, sizeof(buf), 0, NULL, 0), (long)sizeof(buf));
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.len, 900 - 40);
	tcp_peer_ack(&c, c.snd_nxt + 3000, 65535);
	tcp_peer_flush();
	assert_int_equal(__sys_close(c.fd), 0);
}

/* A datagram without DF is cut to the learnt path MTU, not the device's. */
static void test_udp_fragments_at_the_path_mtu(void **state)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	static char payload[1400];
	struct sk_buff *skb;
	int fd, frames = 0;
	unsigned int total = 0;

	(void)state;
	to.sin_addr.s_addr = tcp_test_peer_ip;
	assert_int_equal(ip_rt_update_pmtu(tcp_test_peer_ip, 800), 1);
	fake_eth_purge_tx(tcp_test_dev);
	fd = __sys_socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(
		__sys_sendto(fd, payload, sizeof(payload), 0, (struct sockaddr *)&to, sizeof(to)),
		(long)sizeof(payload));
	while ((skb = fake_eth_pop_tx(tcp_test_dev))) {
		const struct iphdr *iph = (const struct iphdr *)(skb->data + ETH_HLEN);

		if (ntohs(((const struct ethhdr *)skb->data)->h_proto) == ETH_P_IP &&
		    iph->protocol == IPPROTO_UDP) {
			assert_true(ntohs(iph->tot_len) <= 800);
			total += ntohs(iph->tot_len) - sizeof(*iph);
			frames++;
		}
		kfree_skb(skb);
	}
	assert_int_equal(frames, 2);
	assert_int_equal(total, 8 + sizeof(payload));
	assert_int_equal(__sys_close(fd), 0);
}

/* A router's fragmentation needed (mtu 1000) about the echo request we
 * sent, quoting it with its identifier changed by *(int *)ctx. */
static void router_frag_needed(void *ctx)
{
	struct sk_buff *req = fake_eth_pop_tx(tcp_test_dev);
	uint8_t frame[128], msg[8 + 28];
	struct icmphdr *ic = (struct icmphdr *)msg, *quoted;
	size_t n;

	if (!req)
		return;
	memset(msg, 0, sizeof(msg));
	ic->type = ICMP_DEST_UNREACH;
	ic->code = ICMP_FRAG_NEEDED;
	ic->un.frag.mtu = htons(1000);
	memcpy(msg + 8, req->data + ETH_HLEN, 28);
	quoted = (struct icmphdr *)(msg + 8 + 20);
	quoted->un.echo.id = htons(ntohs(quoted->un.echo.id) + *(int *)ctx);
	ic->checksum = ip_compute_csum(msg, sizeof(msg));
	n = fake_build_ip(frame, fake_our_mac, fake_peer_mac, inet_addr("10.0.2.1"),
			  tcp_test_our_ip, IPPROTO_ICMP, msg, sizeof(msg));
	kfree_skb(req);
	fake_eth_inject(tcp_test_dev, frame, n);
}

/* ping sends DF: a report quoting the echo it waits for is believed, one
 * quoting another identifier is not. */
static void test_ping_frag_needed(void **state)
{
	struct icmp_ping_reply r;
	int forged = 1, genuine = 0, err1, err2;
	unsigned int pmtu1;

	(void)state;
	net_lock(); /* as the shell's ping calls it */
	fake_net_wait_set_hook(router_frag_needed, &forged);
	err1 = icmp_ping(tcp_test_peer_ip, 0x77, 1, 1400, 1000, &r);
	pmtu1 = ip_rt_pmtu(tcp_test_peer_ip, NULL);
	fake_net_wait_set_hook(router_frag_needed, &genuine);
	err2 = icmp_ping(tcp_test_peer_ip, 0x77, 2, 1400, 1000, &r);
	fake_net_wait_set_hook(NULL, NULL);
	net_unlock();
	assert_int_equal(err1, -ETIMEDOUT);
	assert_int_equal(pmtu1, 0);
	assert_int_equal(err2, -EHOSTUNREACH);
	assert_int_equal(r.code, ICMP_FRAG_NEEDED);
	assert_int_equal(ip_rt_pmtu(tcp_test_peer_ip, NULL), 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_believed_report_lowers_the_route, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_forged_report_changes_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_floor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_and_renewal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cached_route_follows_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound_and_oldest_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_follows_its_next_hop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_connections_use_the_learnt_mtu, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_established_connection_follows_the_route,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_udp_fragments_at_the_path_mtu, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ping_frag_needed, setup, teardown),
	};

	if (tcp_test_group_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
