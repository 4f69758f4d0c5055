/*
 * The bulk sender with a TSO device, whose peer coalesces and sends one
 * stretch ACK per GSO packet: slow start counts every segment an ACK
 * covers, the send buffer grows with the congestion window (and stays as
 * SO_SNDBUF set it, within tcp_wmem_max), and a writer that found the
 * buffer full goes on only once a third of it is free again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/eth.h"
#include "net/ip.h"
#include "net/tcp_priv.h"
#include "net/socket.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

#define PEER_ISN 9000000u
#define MSS	 1460u
#define IW	 (10 * MSS) /* RFC 6928 */

static uint16_t next_port = 44000;
static uint8_t data[256 * 1024];

static int setup(void **state)
{
	(void)state;
	tcp_test_dev->features = NETIF_F_TSO | NETIF_F_IP_CSUM;
	tcp_test_dev->gso_max_size = 65536;
	return tcp_test_begin_ports(&next_port, NULL);
}

static int teardown(void **state)
{
	(void)state;
	fake_net_wait_set_hook(NULL, NULL);
	tcp_test_dev->features = 0;
	tcp_test_dev->gso_max_size = 0;
	tcp_wmem_max = 4U << 20;
	return tcp_test_end(130000);
}

static struct sock *conn_sk(const struct tconn *c)
{
	struct sock *sk = inet_lookup_established(tcp_test_peer_ip, htons(c->rport),
						  tcp_test_our_ip, htons(c->lport));

	assert_non_null(sk);
	return sk;
}

/* Takes every frame sent; returns their TCP payload bytes, in *frames how many. */
static unsigned int pop_payload(unsigned int *frames)
{
	struct sk_buff *skb;
	unsigned int bytes = 0, n = 0;

	while ((skb = fake_eth_pop_tx(tcp_test_dev))) {
		bytes += skb->len - ETH_HLEN - sizeof(struct iphdr) - sizeof(struct tcphdr);
		n++;
		kfree_skb(skb);
	}
	if (frames)
		*frames = n;
	return bytes;
}

static void open_conn(struct tconn *c)
{
	static const struct topts o = {.mss = MSS, .wscale = 7};

	assert_int_equal(tcp_test_active_open(c, next_port, PEER_ISN, WIN, &o), 0);
	tcp_test_nodelay(c->fd);
	/* the SYN-ACK's window is not scaled (RFC 7323 2.2): the scaled one */
	tcp_peer_ack(c, c->snd_nxt, WIN);
}

static void test_slow_start_counts_stretch_acks(void **state)
{
	struct tconn c;
	struct sock *sk;
	unsigned int frames;

	(void)state;
	open_conn(&c);
	sk = conn_sk(&c);
	assert_int_equal(tcp_sk(sk)->snd_cwnd, IW);
	assert_int_equal(__sys_sendto(c.fd, data, 100000, 0, NULL, 0), 100000);
	/* the initial window goes out as one GSO packet ... */
	assert_int_equal(pop_payload(&frames), IW);
	assert_int_equal(frames, 1);
	/* ... which the peer acks at once: the window doubles, not + 1 MSS */
	tcp_peer_ack_data(&c, IW, WIN);
	assert_int_equal(tcp_sk(sk)->snd_cwnd, 2 * IW);
	assert_int_equal(pop_payload(&frames), 2 * IW);
	assert_int_equal(frames, 1);
	tcp_peer_ack_data(&c, 2 * IW, WIN);
	assert_int_equal(tcp_sk(sk)->snd_cwnd, 4 * IW);
	/* the rest of the 100000 bytes fits the window now */
	assert_int_equal(pop_payload(NULL), 100000 - 3 * IW);
	/* slow start stops at ssthresh, the rest of an ACK grows nothing */
	tcp_sk(sk)->snd_ssthresh = 4 * IW + 100;
	tcp_peer_ack_data(&c, 100000 - 3 * IW, WIN);
	assert_int_equal(tcp_sk(sk)->snd_cwnd, 4 * IW + 100);
	tcp_test_abort(&c);
}

static void test_send_buffer_follows_cwnd(void **state)
{
	struct tconn c, locked;
	struct sock *sk;
	int val = 60000;

	(void)state;
	open_conn(&c);
	sk = conn_sk(&c);
	assert_int_equal(sk->sk_sndbuf, TCP_SNDBUF_DEFAULT);
	/* a buffer-limited sender: the buffer, not cwnd, holds it back */
	tcp_sk(sk)->snd_cwnd = 100 * MSS;
	assert_int_equal(__sys_sendto(c.fd, data, sizeof(data), 0, NULL, 0), TCP_SNDBUF_DEFAULT);
	assert_int_equal(pop_payload(NULL), TCP_SNDBUF_DEFAULT);
	tcp_peer_ack_data(&c, TCP_SNDBUF_DEFAULT, WIN);
	/* twice the window that the ACK opened */
	assert_int_equal(tcp_sk(sk)->snd_cwnd, 100 * MSS + TCP_SNDBUF_DEFAULT);
	assert_int_equal(sk->sk_sndbuf, 2 * (100 * MSS + TCP_SNDBUF_DEFAULT));
	/* and no more than tcp_wmem_max */
	tcp_wmem_max = 700000;
	assert_int_equal(__sys_sendto(c.fd, data, sizeof(data), 0, NULL, 0), sizeof(data));
	assert_int_equal(pop_payload(NULL), sizeof(data));
	tcp_peer_ack_data(&c, sizeof(data), WIN);
	assert_int_equal(sk->sk_sndbuf, 700000);
	tcp_test_abort(&c);

	/* SO_SNDBUF: the application's size stays */
	open_conn(&locked);
	assert_int_equal(__sys_setsockopt(locked.fd, SOL_SOCKET, SO_SNDBUF, &val, sizeof(val)), 0);
	sk = conn_sk(&locked);
	tcp_sk(sk)->snd_cwnd = 100 * MSS;
	assert_int_equal(__sys_sendto(locked.fd, data, sizeof(data), 0, NULL, 0), val);
	assert_int_equal(pop_payload(NULL), val);
	tcp_peer_ack_data(&locked, val, WIN);
	assert_int_equal(sk->sk_sndbuf, val);
	tcp_test_abort(&locked);
}

/* While the writer sleeps on a full buffer, the peer acks hook_acks[i] bytes. */
static struct tconn *hook_conn;
static unsigned int hook_acks[2], hook_calls;

static void peer_acks(void *ctx)
{
	(void)ctx;
	if (hook_calls < 2 && hook_acks[hook_calls])
		tcp_peer_ack_data(hook_conn, hook_acks[hook_calls], WIN);
	hook_calls++;
	pop_payload(NULL);
}

static void test_writer_waits_for_a_third_of_the_buffer(void **state)
{
	struct tconn c;
	struct sock *sk;
	int val = 30000;

	(void)state;
	open_conn(&c);
	assert_int_equal(__sys_setsockopt(c.fd, SOL_SOCKET, SO_SNDBUF, &val, sizeof(val)), 0);
	assert_int_equal(__sys_fcntl(c.fd, F_SETFL, 0), 0); /* blocking */
	sk = conn_sk(&c);
	tcp_sk(sk)->snd_cwnd = 100 * MSS;
	hook_conn = &c;
	fake_net_wait_set_hook(peer_acks, NULL);

	/* 5000 bytes acked while it sleeps: 5000 free of 30000, fewer than
	 * half the 25000 queued, so it sleeps on (here: its wait ends) */
	hook_calls = 0;
	hook_acks[0] = 5000;
	hook_acks[1] = 0;
	assert_int_equal(__sys_sendto(c.fd, data, 60000, 0, NULL, 0), 30000);
	assert_int_equal(sk->sk_wmem_queued, 25000);
	assert_int_equal(hook_calls, 1);

	/* 10000 more: 15000 free, 15000 queued: it writes 15000 at once */
	hook_calls = 0;
	hook_acks[0] = 10000;
	assert_int_equal(__sys_sendto(c.fd, data, 60000, 0, NULL, 0), 15000);
	assert_int_equal(sk->sk_wmem_queued, 30000);
	fake_net_wait_set_hook(NULL, NULL);
	tcp_peer_ack_data(&c, 30000, WIN);
	pop_payload(NULL);
	tcp_test_abort(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_slow_start_counts_stretch_acks),
		TCP_TEST(test_send_buffer_follows_cwnd),
		TCP_TEST(test_writer_waits_for_a_third_of_the_buffer),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
