/*
 * UDP sockets through inet_dgram_ops: a connect()ed socket takes only its
 * peer's datagrams (and connect(AF_UNSPEC) undoes what connect chose), an
 * arriving datagram wakes poll() and a blocked recvfrom() (with strict
 * wakeups: a waiter sees its condition only when its own queue is woken),
 * and SO_REUSEADDR lets two sockets share a port only when both set it, as
 * on Linux.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <sys/time.h>

#include "net/platform.h"
#include "net/inet_common.h"
#include "net/udp.h"
#include "net/ip.h"
#include "net/sock.h"
#include "tests/unit/support/platform_test.h"

static struct net_device *eth;
static uint32_t our_ip, peer_ip;
static uint64_t skb_base;
static long sock_base, kmalloc_base;

static int group_setup(void **state)
{
	(void)state;
	eth = fake_net_init_eth(&our_ip, &peer_ip);
	return eth ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	fake_clock_advance(1000); /* refill the ICMP error token bucket */
	fake_eth_learn_peer(eth, our_ip, peer_ip);
	fake_eth_purge_tx(eth);
	skb_base = skb_in_use();
	sock_base = sock_in_use();
	kmalloc_base = fake_kmalloc_in_use();
	net_lock();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_net_wait_strict(0);
	fake_net_wait_set_hook(NULL, NULL);
	net_unlock();
	fake_run_softirqs();
	fake_eth_purge_tx(eth);
	assert_int_equal(skb_in_use(), skb_base);
	assert_int_equal(sock_in_use(), sock_base);
	assert_int_equal(fake_kmalloc_in_use(), kmalloc_base);
	return 0;
}

static struct sockaddr_in sin_of(const char *ip, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};

	sin.sin_addr.s_addr = inet_addr(ip);
	return sin;
}

static struct socket *udp_socket(int reuse)
{
	struct socket *sock = calloc(1, sizeof(*sock));

	assert_non_null(sock);
	sock->type = SOCK_DGRAM;
	assert_int_equal(inet_create(sock, 0), 0);
	assert_ptr_equal(sock->ops, &inet_dgram_ops);
	if (reuse)
		assert_int_equal(sock->ops->setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &reuse,
						       sizeof(reuse)),
				 0);
	return sock;
}

static void udp_close(struct socket *sock)
{
	assert_int_equal(sock->ops->release(sock), 0);
	free(sock);
}

static int bind_to(struct socket *sock, const char *ip, int port)
{
	struct sockaddr_in sin = sin_of(ip, port);

	return sock->ops->bind(sock, (struct sockaddr *)&sin, sizeof(sin));
}

static int connect_to(struct socket *sock, const char *ip, int port)
{
	struct sockaddr_in sin = sin_of(ip, port);

	return sock->ops->connect(sock, (struct sockaddr *)&sin, sizeof(sin), 0);
}

static long send_to(struct socket *sock, const char *ip, int port, const char *msg)
{
	struct sockaddr_in sin = sin_of(ip, port);

	return sock->ops->sendmsg(sock, msg, strlen(msg), 0, (struct sockaddr *)&sin, sizeof(sin));
}

/* Receives without waiting; the sender's port (host order) in *from_port. */
static long recv_now(struct socket *sock, char *buf, size_t len, int *from_port)
{
	struct sockaddr_storage ss;
	int alen = 0;
	long r;

	memset(buf, 0, len);
	r = sock->ops->recvmsg(sock, buf, len - 1, MSG_DONTWAIT, (struct sockaddr *)&ss, &alen);
	if (r >= 0 && from_port) {
		assert_int_equal(alen, sizeof(struct sockaddr_in));
		*from_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}
	return r;
}

/* A datagram from the wire: peer_ip:sport -> our_ip:dport. */
static void inject_from_peer(int sport, int dport, const char *msg)
{
	uint8_t frame[128], dgram[64];
	struct udphdr *uh = (struct udphdr *)dgram;
	size_t n = strlen(msg);

	uh->source = htons((uint16_t)sport);
	uh->dest = htons((uint16_t)dport);
	uh->len = htons((uint16_t)(sizeof(*uh) + n));
	uh->check = 0; /* RFC 768: none computed */
	memcpy(dgram + sizeof(*uh), msg, n);
	fake_eth_inject(eth, frame,
			fake_build_ip(frame, fake_our_mac, fake_peer_mac, peer_ip, our_ip,
				      IPPROTO_UDP, dgram, sizeof(*uh) + n));
}

static void test_connected_socket_takes_only_its_peer(void **state)
{
	struct socket *a = udp_socket(0), *b = udp_socket(0), *c = udp_socket(0);
	uint64_t no_ports = udp_statistics.no_ports;
	char buf[32];
	int from;

	(void)state;
	assert_int_equal(bind_to(a, "127.0.0.1", 7000), 0);
	assert_int_equal(bind_to(b, "127.0.0.1", 7001), 0);
	assert_int_equal(bind_to(c, "127.0.0.1", 7002), 0);
	assert_int_equal(connect_to(a, "127.0.0.1", 7001), 0);

	assert_int_equal(send_to(c, "127.0.0.1", 7000, "from c"), 6);
	assert_int_equal(send_to(b, "127.0.0.1", 7000, "from b"), 6);
	fake_run_softirqs();
	assert_int_equal(recv_now(a, buf, sizeof(buf), &from), 6);
	assert_string_equal(buf, "from b");
	assert_int_equal(from, 7001);
	/* c's datagram matched no socket: dropped, and answered with port unreachable */
	assert_int_equal(recv_now(a, buf, sizeof(buf), NULL), -EAGAIN);
	assert_int_equal(udp_statistics.no_ports, no_ports + 1);

	/* connect(AF_UNSPEC) dissolves the association: c is heard again */
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};

	assert_int_equal(a->ops->connect(a, &unspec, sizeof(unspec), 0), 0);
	assert_int_equal(send_to(c, "127.0.0.1", 7000, "again c"), 7);
	fake_run_softirqs();
	assert_int_equal(recv_now(a, buf, sizeof(buf), &from), 7);
	assert_string_equal(buf, "again c");
	assert_int_equal(from, 7002);
	udp_close(a);
	udp_close(b);
	udp_close(c);
}

static void test_connected_filters_peer_port_from_the_wire(void **state)
{
	struct socket *a = udp_socket(0);
	char buf[32];
	int from;

	(void)state;
	assert_int_equal(bind_to(a, "0.0.0.0", 7010), 0);
	assert_int_equal(connect_to(a, "10.0.2.2", 9), 0);
	inject_from_peer(10, 7010, "wrong port");
	inject_from_peer(9, 7010, "right");
	fake_run_softirqs();
	assert_int_equal(recv_now(a, buf, sizeof(buf), &from), 5);
	assert_string_equal(buf, "right");
	assert_int_equal(from, 9);
	assert_int_equal(recv_now(a, buf, sizeof(buf), NULL), -EAGAIN);
	udp_close(a);
}

static void test_connected_beats_unconnected_on_a_shared_port(void **state)
{
	struct socket *any = udp_socket(1), *conn = udp_socket(1);
	char buf[32];

	(void)state;
	assert_int_equal(bind_to(conn, "0.0.0.0", 7020), 0);
	assert_int_equal(connect_to(conn, "10.0.2.2", 53), 0);
	assert_int_equal(bind_to(any, "0.0.0.0", 7020), 0);
	inject_from_peer(53, 7020, "for conn");
	inject_from_peer(54, 7020, "for any");
	fake_run_softirqs();
	assert_int_equal(recv_now(conn, buf, sizeof(buf), NULL), 8);
	assert_string_equal(buf, "for conn");
	assert_int_equal(recv_now(conn, buf, sizeof(buf), NULL), -EAGAIN);
	assert_int_equal(recv_now(any, buf, sizeof(buf), NULL), 7);
	assert_string_equal(buf, "for any");
	udp_close(any);
	udp_close(conn);
}

/* getsockname: the local address and port (host order). */
static void local_name(struct socket *sock, uint32_t *addr, int *port)
{
	struct sockaddr_in sin;

	assert_int_equal(sock->ops->getname(sock, (struct sockaddr *)&sin, 0), sizeof(sin));
	*addr = sin.sin_addr.s_addr;
	*port = ntohs(sin.sin_port);
}

static void test_disconnect_undoes_what_connect_chose(void **state)
{
	struct socket *bound = udp_socket(0), *unbound = udp_socket(0);
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	struct sockaddr_in peer;
	uint32_t addr;
	int port;

	(void)state;
	/* bound to any address: connect picks the route's source, disconnect drops it */
	assert_int_equal(bind_to(bound, "0.0.0.0", 7030), 0);
	assert_int_equal(connect_to(bound, "127.0.0.1", 7031), 0);
	local_name(bound, &addr, &port);
	assert_int_equal(addr, inet_addr("127.0.0.1"));
	assert_int_equal(port, 7030);
	assert_int_equal(bound->ops->getname(bound, (struct sockaddr *)&peer, 1), sizeof(peer));
	assert_int_equal(ntohs(peer.sin_port), 7031);
	assert_int_equal(bound->ops->connect(bound, &unspec, sizeof(unspec), 0), 0);
	local_name(bound, &addr, &port);
	assert_int_equal(addr, 0);
	assert_int_equal(port, 7030); /* the port bind() chose stays */
	assert_int_equal(bound->ops->getname(bound, (struct sockaddr *)&peer, 1), -ENOTCONN);
	/* unbound: connect binds an ephemeral port, disconnect gives it back */
	assert_int_equal(connect_to(unbound, "127.0.0.1", 7031), 0);
	local_name(unbound, &addr, &port);
	assert_true(port >= UDP_EPHEMERAL_LO);
	assert_int_equal(unbound->ops->connect(unbound, &unspec, sizeof(unspec), 0), 0);
	local_name(unbound, &addr, &port);
	assert_int_equal(addr, 0);
	assert_int_equal(port, 0);
	udp_close(bound);
	udp_close(unbound);
}

static void send_to_port(void *ctx)
{
	int port = *(int *)ctx;

	assert_int_equal(udp_sendmsg(0, htons(7199), inet_addr("127.0.0.1"), htons((uint16_t)port),
				     "wake", 4),
			 4);
}

static int udp_fd_bound(int port)
{
	struct sockaddr_in sin = sin_of("127.0.0.1", port);
	int fd = __sys_socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(__sys_bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static void test_poll_is_woken_by_a_datagram(void **state)
{
	int r = udp_fd_bound(7100), other = udp_fd_bound(7101);
	struct pollfd pfd = {.fd = r, .events = POLLIN};
	int port = 7100;
	uint64_t t0;
	char buf[8];

	(void)state;
	fake_net_wait_strict(1);
	fake_net_wait_set_hook(send_to_port, &port);
	t0 = fake_clock_ms();
	assert_int_equal(__sys_poll(&pfd, 1, 5000), 1);
	assert_int_equal(pfd.revents, POLLIN);
	assert_int_equal(fake_clock_ms(), t0); /* woken at once, not at the timeout */
	assert_int_equal(__sys_recvfrom(r, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), 4);

	/* A datagram for another socket does not make this one ready: poll sleeps to its timeout. */
	port = 7101;
	assert_int_equal(__sys_poll(&pfd, 1, 200), 0);
	assert_int_equal(fake_clock_ms(), t0 + 200);
	assert_int_equal(__sys_recvfrom(other, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), 4);

	/* A blocked recvfrom is woken the same way (through the socket's own queue). */
	struct timeval tv = {.tv_sec = 5};

	assert_int_equal(__sys_setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	port = 7100;
	t0 = fake_clock_ms();
	assert_int_equal(__sys_recvfrom(r, buf, sizeof(buf), 0, NULL, NULL), 4);
	assert_memory_equal(buf, "wake", 4);
	assert_int_equal(fake_clock_ms(), t0);
	assert_int_equal(__sys_close(r), 0);
	assert_int_equal(__sys_close(other), 0);
}

static void test_reuseaddr_needs_both_sockets(void **state)
{
	struct socket *a = udp_socket(1), *b = udp_socket(1), *plain = udp_socket(0);
	struct socket *plain2 = udp_socket(0), *late = udp_socket(1);
	unsigned int len = sizeof(int);
	char buf[32];
	int val = 0;

	(void)state;
	/* both set it: both bind; unicast goes to the one bound last, as in Linux */
	assert_int_equal(bind_to(a, "0.0.0.0", 7200), 0);
	assert_int_equal(bind_to(b, "0.0.0.0", 7200), 0);
	assert_int_equal(a->ops->getsockopt(a, SOL_SOCKET, SO_REUSEADDR, &val, &len), 0);
	assert_int_equal(val, 1);
	inject_from_peer(1000, 7200, "to b");
	fake_run_softirqs();
	assert_int_equal(recv_now(b, buf, sizeof(buf), NULL), 4);
	assert_int_equal(recv_now(a, buf, sizeof(buf), NULL), -EAGAIN);
	/* one without it: refused, whichever binds first */
	assert_int_equal(bind_to(plain, "0.0.0.0", 7200), -EADDRINUSE);
	assert_int_equal(bind_to(plain, "0.0.0.0", 7201), 0);
	assert_int_equal(bind_to(late, "0.0.0.0", 7201), -EADDRINUSE);
	/* different specific addresses do not overlap; the wildcard overlaps both */
	assert_int_equal(bind_to(plain2, "127.0.0.1", 7202), 0);
	udp_close(plain);
	plain = udp_socket(0);
	assert_int_equal(bind_to(plain, "10.0.2.15", 7202), 0);
	assert_int_equal(bind_to(late, "0.0.0.0", 7202), -EADDRINUSE);
	/* once the sharers are gone the port is free for anyone */
	udp_close(a);
	udp_close(b);
	assert_int_equal(bind_to(late, "0.0.0.0", 7200), 0);
	udp_close(late);
	udp_close(plain);
	udp_close(plain2);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_connected_socket_takes_only_its_peer),
		T(test_connected_filters_peer_port_from_the_wire),
		T(test_connected_beats_unconnected_on_a_shared_port),
		T(test_disconnect_undoes_what_connect_chose),
		T(test_poll_is_woken_by_a_datagram),
		T(test_reuseaddr_needs_both_sockets),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
