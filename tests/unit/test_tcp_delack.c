/*
 * Delayed ACKs with crafted segments and the fake clock (RFC 1122
 * 4.2.3.2, RFC 5681 4.2): a request read by a task waiting in recv, or
 * one that arrives before accept(), gets no pure ACK when the reply
 * follows within the delay (the reply carries it), and one after
 * tcp_delack_ms when it does not; an skb holding
 * several segments (large, or merged by GRO) is acknowledged at once; and
 * the initial window is ten segments (RFC 6928).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/tcp_priv.h"
#include "net/ip.h"
#include "net/eth.h"
#include "net/checksum.h"
#include "net/socket.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

#define PEER_ISN 3000000u

static uint16_t next_port = 47000;
static uint16_t next_lport = 8000;

static int setup(void **state)
{
	(void)state;
	return tcp_test_begin_ports(&next_port, &next_lport);
}

static int teardown(void **state)
{
	(void)state;
	fake_net_wait_set_hook(NULL, NULL);
	return tcp_test_end(130000);
}

/* While the test's task sleeps in recv, the peer's request arrives. */
static struct tconn *hook_conn;
static const char *hook_data;

static void peer_sends_request(void *ctx)
{
	(void)ctx;
	if (!hook_data)
		return;
	tcp_peer_data(hook_conn, hook_conn->rcv_nxt, hook_data, strlen(hook_data), WIN);
	hook_data = NULL;
}

/* A passive open whose accepted socket blocks in recv. */
static void open_blocking(struct tconn *c)
{
	assert_int_equal(tcp_test_passive_open(c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	assert_int_equal(__sys_fcntl(c->fd, F_SETFL, 0), 0);
}

/* recv on a blocking socket; "hello" arrives meanwhile. */
static void recv_request(struct tconn *c)
{
	char buf[16];

	hook_conn = c;
	hook_data = "hello";
	fake_net_wait_set_hook(peer_sends_request, NULL);
	assert_int_equal(__sys_recvfrom(c->fd, buf, sizeof(buf), 0, NULL, NULL), 5);
	assert_memory_equal(buf, "hello", 5);
	fake_net_wait_set_hook(NULL, NULL);
}

static void test_reply_carries_the_ack(void **state)
{
	struct tconn c;
	struct tseg s;

	(void)state;
	open_blocking(&c);
	recv_request(&c);
	/* the first data of the connection, but a reader took it: no quick ACK */
	expect_nothing();
	fake_clock_advance(tcp_delack_ms - 1);
	expect_nothing();
	assert_int_equal(__sys_sendto(c.fd, "hi", 2, 0, NULL, 0), 2);
	expect_seg(&s, PSH | ACK, c.snd_nxt, c.rcv_nxt + 5);
	assert_int_equal(s.len, 2);
	/* and the delayed ACK it replaced never comes */
	fake_clock_advance(2 * tcp_delack_ms);
	expect_nothing();
	c.rcv_nxt += 5;
	tcp_peer_ack_data(&c, 2, WIN);
	tcp_test_abort(&c);
}

static void test_no_reply_acks_after_the_delay(void **state)
{
	struct tconn c;
	struct tseg s;

	(void)state;
	open_blocking(&c);
	recv_request(&c);
	expect_seg_after(tcp_delack_ms, &s, ACK, c.snd_nxt, c.rcv_nxt + 5);
	c.rcv_nxt += 5;
	tcp_test_abort(&c);
}

/* The request arrives before the application accepted the connection. */
static void test_request_before_accept_waits_for_the_reply(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(next_lport)};
	struct tconn c = {.lport = next_lport, .rport = next_port, .peer_isn = PEER_ISN};
	struct tseg s;
	char buf[16];

	(void)state;
	c.lfd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(__sys_bind(c.lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(__sys_listen(c.lfd, 8), 0);
	tcp_peer_send(c.rport, c.lport, PEER_ISN, 0, SYN, WIN, NULL, NULL, 0);
	assert_true(tcp_peer_recv(&c.syn));
	c.our_isn = c.syn.seq;
	c.snd_nxt = c.our_isn + 1;
	c.rcv_nxt = PEER_ISN + 1;
	tcp_peer_send(c.rport, c.lport, c.rcv_nxt, c.snd_nxt, ACK, WIN, NULL, NULL, 0);
	tcp_peer_data(&c, c.rcv_nxt, "hello", 5, WIN);
	expect_nothing();
	c.fd = __sys_accept4(c.lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(c.fd >= 0);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL), 5);
	assert_int_equal(__sys_sendto(c.fd, "hi", 2, 0, NULL, 0), 2);
	expect_seg(&s, PSH | ACK, c.snd_nxt, c.rcv_nxt + 5);
	c.rcv_nxt += 5;
	tcp_peer_ack_data(&c, 2, WIN);
	fake_clock_advance(2 * tcp_delack_ms);
	expect_nothing();
	tcp_test_abort(&c);
}

/* The peer's data, `segs` segments merged by GRO into one skb. */
static void peer_send_gro(struct tconn *c, const void *data, unsigned int len, unsigned int segs)
{
	uint8_t seg[sizeof(struct tcphdr) + 2048], frame[ETH_HLEN + 20 + sizeof(seg)];
	struct tcphdr *th = (struct tcphdr *)seg;
	struct sk_buff *skb;
	size_t flen;

	memset(th, 0, sizeof(*th));
	th->source = htons(c->rport);
	th->dest = htons(c->lport);
	th->seq = htonl(c->rcv_nxt);
	th->ack_seq = htonl(c->snd_nxt);
	th->doff_res = 5 << 4;
	th->flags = TCPHDR_ACK | TCPHDR_PSH;
	th->window = htons(WIN);
	memcpy(th + 1, data, len);
	th->check = csum_tcpudp_magic(tcp_test_peer_ip, tcp_test_our_ip, sizeof(*th) + len,
				      IPPROTO_TCP, csum_partial(seg, sizeof(*th) + len, 0));
	flen = fake_build_ip(frame, fake_our_mac, fake_peer_mac, tcp_test_peer_ip, tcp_test_our_ip,
			     IPPROTO_TCP, seg, sizeof(*th) + len);
	skb = alloc_skb(flen);
	assert_non_null(skb);
	memcpy(skb_put(skb, flen), frame, flen);
	skb->dev = tcp_test_dev;
	skb->gso_size = len / segs;
	skb->gso_segs = segs;
	skb->gso_type = SKB_GSO_TCPV4;
	net_lock();
	netif_receive_skb(skb);
	net_unlock();
	c->rcv_nxt += len;
}

static void test_skb_of_several_segments_acked_at_once(void **state)
{
	static char big[3000];
	struct tconn c;
	struct tseg s;
	char buf[8192];

	(void)state;
	memset(big, 'b', sizeof(big));
	assert_int_equal(tcp_test_passive_open(&c, next_lport, next_port, PEER_ISN, WIN, NULL), 0);
	/* the quick ACKs of the connection's start are used up */
	tcp_peer_data(&c, c.rcv_nxt, "aa", 2, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 2);
	tcp_peer_data(&c, c.rcv_nxt + 2, "bb", 2, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 4);
	c.rcv_nxt += 4;
	/* one segment of up to an MSS waits */
	tcp_peer_data(&c, c.rcv_nxt, big, 1460, WIN);
	expect_nothing();
	expect_seg_after(tcp_delack_ms, &s, ACK, c.snd_nxt, c.rcv_nxt + 1460);
	c.rcv_nxt += 1460;
	/* an skb of more than one MSS is two full-sized segments: ACK now */
	tcp_peer_data(&c, c.rcv_nxt, big, 2000, WIN);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt + 2000);
	c.rcv_nxt += 2000;
	/* so is a GRO skb of two 400-byte segments, though shorter than an MSS */
	peer_send_gro(&c, big, 800, 2);
	expect_seg(&s, ACK, c.snd_nxt, c.rcv_nxt);
	assert_int_equal(__sys_recvfrom(c.fd, buf, sizeof(buf), 0, NULL, NULL),
			 4 + 1460 + 2000 + 800);
	tcp_test_abort(&c);
}

static void test_initial_window_is_ten_segments(void **state)
{
	static const struct topts o = {.mss = 1000, .wscale = 4};
	static char data[20000];
	struct tconn c;
	struct tseg s;
	int i;

	(void)state;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, &o), 0);
	tcp_test_nodelay(c.fd);
	assert_int_equal(__sys_sendto(c.fd, data, sizeof(data), 0, NULL, 0), sizeof(data));
	/* RFC 6928 2: min(10*MSS, max(2*MSS, 14600)) = 10 segments of 1000 */
	for (i = 0; i < 10; i++) {
		assert_true(tcp_peer_recv(&s));
		assert_int_equal(s.seq, c.snd_nxt + 1000 * i);
		assert_int_equal(s.len, 1000);
	}
	expect_nothing();
	tcp_peer_ack_data(&c, sizeof(data) / 2, WIN);
	tcp_peer_flush();
	tcp_test_abort(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_reply_carries_the_ack),
		TCP_TEST(test_no_reply_acks_after_the_delay),
		TCP_TEST(test_request_before_accept_waits_for_the_reply),
		TCP_TEST(test_skb_of_several_segments_acked_at_once),
		TCP_TEST(test_initial_window_is_ten_segments),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
