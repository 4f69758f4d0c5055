/*
 * A listener under a SYN flood, with crafted segments and the fake clock:
 * a whole backlog of request socks, each found by its 4-tuple when its
 * ACK, RST or retransmitted SYN comes (the request hash), and gone from
 * that hash once it completes, is reset or expires (ASan sees a stale
 * entry); a real client's cookie handshake with the queue full; the
 * SYN-ACK's buffer leaving room for the Ethernet pad.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/tcp_priv.h"
#include "net/socket.h"
#include "net/platform.h"
#include "net/ip.h"
#include "net/eth.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

#define PEER_ISN 9000000u
#define FLOOD	 1024 /* INET_MAX_BACKLOG: the largest SYN queue */

static uint16_t next_port = 20000;
static uint16_t next_lport = 9000;
static uint32_t synack_isn[FLOOD];

static int setup(void **state)
{
	(void)state;
	return tcp_test_begin_ports(&next_port, &next_lport);
}

static int teardown(void **state)
{
	(void)state;
	tcp_synack_retries = 5;
	return tcp_test_end(130000);
}

/* A listening socket on port with this backlog. */
static int listen_on(uint16_t port, int backlog)
{
	int fd = tcp_test_listen(port, backlog);

	assert_true(fd >= 0);
	return fd;
}

static struct sock *listener_of(uint16_t lport)
{
	struct sock *sk = inet_lookup_listener(tcp_test_our_ip, htons(lport));

	assert_non_null(sk);
	return sk;
}

/* n SYNs from ports rport.. fill the SYN queue; each SYN-ACK's ISN kept. */
static void flood(uint16_t rport, uint16_t lport, int n)
{
	struct tseg s;
	int i;

	for (i = 0; i < n; i++) {
		tcp_peer_send((uint16_t)(rport + i), lport, PEER_ISN + i, 0, SYN, WIN, NULL, NULL,
			      0);
		assert_true(tcp_peer_recv(&s));
		assert_int_equal(s.flags, SYN | ACK);
		assert_int_equal(s.ack, PEER_ISN + i + 1);
		synack_isn[i] = s.seq;
	}
}

/* The peer on rport + i completes its handshake. */
static void complete(uint16_t rport, uint16_t lport, int i)
{
	tcp_peer_send((uint16_t)(rport + i), lport, PEER_ISN + i + 1, synack_isn[i] + 1, ACK, WIN,
		      NULL, NULL, 0);
}

static void test_full_queue_found_by_tuple(void **state)
{
	uint16_t lport = next_lport, rport = next_port;
	uint64_t cookies = tcp_statistics.syncookies_sent;
	struct request_sock *req;
	struct sock *lsk;
	struct tseg s;
	long socks;
	int lfd, fd, i;

	(void)state;
	lfd = listen_on(lport, FLOOD);
	lsk = listener_of(lport);
	socks = sock_in_use();
	flood(rport, lport, FLOOD);
	assert_int_equal(sock_in_use(), socks + FLOOD);
	assert_int_equal(tcp_sk(lsk)->accept_queue.syn_qlen, FLOOD);
	assert_int_equal(tcp_statistics.syncookies_sent, cookies);
	/* every request is found by its own tuple, and no other tuple finds one */
	for (i = 0; i < FLOOD; i++) {
		req = inet_csk_search_req(lsk, tcp_test_peer_ip, htons((uint16_t)(rport + i)),
					  tcp_test_our_ip);
		assert_non_null(req);
		assert_int_equal(req->rmt_port, htons((uint16_t)(rport + i)));
		assert_int_equal(req->rcv_isn, PEER_ISN + i);
		assert_int_equal(req->snt_isn, synack_isn[i]);
	}
	assert_null(inet_csk_search_req(lsk, tcp_test_peer_ip, htons((uint16_t)(rport + FLOOD)),
					tcp_test_our_ip));
	assert_null(inet_csk_search_req(lsk, tcp_test_peer_ip + htonl(1), htons(rport),
					tcp_test_our_ip));

	/* a retransmitted SYN gets its own request's SYN-ACK again */
	tcp_peer_send((uint16_t)(rport + 700), lport, PEER_ISN + 700, 0, SYN, WIN, NULL, NULL, 0);
	expect_seg(&s, SYN | ACK, synack_isn[700], PEER_ISN + 701);
	/* a wrong ACK for one in the middle: RST, the request stays */
	tcp_peer_send((uint16_t)(rport + 517), lport, PEER_ISN + 518, synack_isn[517] + 2, ACK, WIN,
		      NULL, NULL, 0);
	expect_seg(&s, RST, synack_isn[517] + 2, 0);
	assert_int_equal(sock_in_use(), socks + FLOOD);
	/* its right ACK completes exactly that one */
	complete(rport, lport, 517);
	expect_nothing();
	assert_int_equal(tcp_test_state(lport, (uint16_t)(rport + 517)), TCP_ESTABLISHED);
	assert_int_equal(tcp_sk(lsk)->accept_queue.syn_qlen, FLOOD - 1);
	assert_null(inet_csk_search_req(lsk, tcp_test_peer_ip, htons((uint16_t)(rport + 517)),
					tcp_test_our_ip));
	fd = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(fd >= 0);
	/* an exact RST ends another request; its later ACK finds nothing */
	tcp_peer_send((uint16_t)(rport + 3), lport, PEER_ISN + 4, 0, RST, 0, NULL, NULL, 0);
	expect_nothing();
	assert_null(inet_csk_search_req(lsk, tcp_test_peer_ip, htons((uint16_t)(rport + 3)),
					tcp_test_our_ip));
	assert_int_equal(tcp_sk(lsk)->accept_queue.syn_qlen, FLOOD - 2);
	complete(rport, lport, 3);
	expect_seg(&s, RST, synack_isn[3] + 1, 0);
	assert_int_equal(tcp_test_state(lport, (uint16_t)(rport + 3)), 0);
	tcp_peer_send((uint16_t)(rport + 517), lport, PEER_ISN + 518, 0, RST, 0, NULL, NULL, 0);
	__sys_close(fd);
	/* closing the listener frees the rest, and takes them out of the hash */
	__sys_close(lfd);
	tcp_peer_flush();
	assert_int_equal(sock_in_use(), socks - 1);
}

static void test_expired_requests_leave_the_hash(void **state)
{
	uint16_t lport = next_lport, rport = next_port;
	struct sock *lsk;
	struct tseg s;
	long socks;
	int lfd;

	(void)state;
	tcp_synack_retries = 0;
	lfd = listen_on(lport, FLOOD);
	lsk = listener_of(lport);
	socks = sock_in_use();
	flood(rport, lport, 64);
	/* the SYN-ACK timer gives up on all of them (no retries) */
	fake_clock_advance(1100);
	assert_int_equal(sock_in_use(), socks);
	assert_int_equal(tcp_sk(lsk)->accept_queue.syn_qlen, 0);
	assert_null(inet_csk_search_req(lsk, tcp_test_peer_ip, htons((uint16_t)(rport + 10)),
					tcp_test_our_ip));
	/* a late ACK is a stray one: RST; the same port's new SYN a new request */
	complete(rport, lport, 10);
	expect_seg(&s, RST, synack_isn[10] + 1, 0);
	tcp_peer_send((uint16_t)(rport + 10), lport, PEER_ISN + 5000, 0, SYN, WIN, NULL, NULL, 0);
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.flags, SYN | ACK);
	assert_int_equal(s.ack, PEER_ISN + 5001);
	assert_non_null(inet_csk_search_req(lsk, tcp_test_peer_ip, htons((uint16_t)(rport + 10)),
					    tcp_test_our_ip));
	assert_int_equal(sock_in_use(), socks + 1);
	__sys_close(lfd);
	tcp_peer_flush();
	assert_int_equal(sock_in_use(), socks - 1);
}

/* With the SYN queue full of the flood's requests, a client's connection
 * is made from its cookie and the flood's requests stay as they were. */
static void test_client_cookie_behind_flood(void **state)
{
	uint16_t lport = next_lport, rport = next_port, client = (uint16_t)(next_port + FLOOD);
	uint64_t cookies = tcp_statistics.syncookies_sent, ok = tcp_statistics.syncookies_recv;
	const struct topts o = {.mss = 1460, .wscale = 7, .sack_perm = 1, .ts = 1, .tsval = 77};
	struct topts a = {.ts = 1, .tsval = 78};
	struct sock *lsk;
	struct tseg s;
	long socks;
	int lfd, fd;

	(void)state;
	lfd = listen_on(lport, 128);
	lsk = listener_of(lport);
	socks = sock_in_use();
	flood(rport, lport, 128);
	tcp_peer_send(client, lport, PEER_ISN, 0, SYN, WIN, &o, NULL, 0);
	assert_true(tcp_peer_recv(&s));
	assert_int_equal(s.flags, SYN | ACK);
	assert_int_equal(tcp_statistics.syncookies_sent, cookies + 1);
	assert_int_equal(sock_in_use(), socks + 128); /* nothing kept for it */
	a.tsecr = s.tsval;			      /* the cookie's options come back in TSecr */
	tcp_peer_send(client, lport, PEER_ISN + 1, s.seq + 1, ACK, WIN, &a, NULL, 0);
	expect_nothing();
	assert_int_equal(tcp_statistics.syncookies_recv, ok + 1);
	assert_int_equal(tcp_test_state(lport, client), TCP_ESTABLISHED);
	assert_int_equal(tcp_sk(lsk)->accept_queue.syn_qlen, 128);
	fd = __sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(fd >= 0);
	/* a flood request completes too, found among the others */
	complete(rport, lport, 99);
	assert_int_equal(tcp_test_state(lport, (uint16_t)(rport + 99)), TCP_ESTABLISHED);
	assert_int_equal(tcp_sk(lsk)->accept_queue.syn_qlen, 127);
	tcp_peer_send(client, lport, PEER_ISN + 1, 0, RST, 0, NULL, NULL, 0);
	__sys_close(fd);
	__sys_close(lfd); /* resets the unaccepted child, frees the requests */
	tcp_peer_flush();
}

/* A SYN-ACK with no option but MSS is 58 bytes on the wire: its buffer
 * has the two bytes of pad, so the device's pad copies nothing. */
static void test_synack_has_room_for_pad(void **state)
{
	uint16_t lport = next_lport, rport = next_port;
	struct request_sock *req;
	struct sk_buff *skb;
	int lfd;

	(void)state;
	lfd = listen_on(lport, 16);
	req = reqsk_alloc(listener_of(lport));
	assert_non_null(req);
	req->loc_addr = tcp_test_our_ip;
	req->rmt_addr = tcp_test_peer_ip;
	req->loc_port = htons(lport);
	req->rmt_port = htons(rport);
	req->rcv_isn = PEER_ISN;
	req->snt_isn = 1;
	skb = tcp_make_synack(listener_of(lport), req);
	assert_non_null(skb);
	assert_int_equal(skb->len, sizeof(struct tcphdr) + 4);
	assert_true(ETH_HLEN + sizeof(struct iphdr) + skb->len + skb_tailroom(skb) >= ETH_ZLEN);
	kfree_skb(skb);
	reqsk_free(req);
	__sys_close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_full_queue_found_by_tuple),
		TCP_TEST(test_expired_requests_leave_the_hash),
		TCP_TEST(test_client_cookie_behind_flood),
		TCP_TEST(test_synack_has_room_for_pad),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
