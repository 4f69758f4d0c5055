/*
 * Segmentation offload: software GSO (skb_gso_segment -> inet_gso_segment
 * -> tcp_gso_segment) cutting a 64 KiB TCP packet into MSS-sized segments
 * (sequence numbers, PSH/FIN only on the last, CWR only on the first, IP
 * ids, lengths and checksums), its refusals, and TCP end to end: one GSO
 * skb per 64 KiB for a device with NETIF_F_TSO, MSS-sized frames with
 * correct checksums once the device stops offering it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/eth.h"
#include "net/ip.h"
#include "net/tcp_priv.h"
#include "net/checksum.h"
#include "net/socket.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"
#include "tests/unit/support/tcp_expect.h"

#define PEER_ISN 7000000u
#define SEQ0	 0xfffff000u /* the segments' sequence numbers wrap */
#define ID0	 0xfffeu     /* and so do their IP ids */
#define OPTLEN	 12	     /* the header carries options, copied into every segment */

static uint16_t next_port = 43000;

static int setup(void **state)
{
	(void)state;
	return tcp_test_begin_ports(&next_port, NULL);
}

static int teardown(void **state)
{
	(void)state;
	tcp_test_dev->features = 0;
	tcp_test_dev->gso_max_size = 0;
	return tcp_test_end(130000);
}

static uint8_t pattern(unsigned int i) { return (uint8_t)(i * 7 + (i >> 8)); }

/* A TCP GSO frame as tcp_transmit_skb and ip_queue_xmit leave it for the
 * device: Ethernet, IPv4, TCP with options, payload bytes of pattern(). */
static struct sk_buff *gso_frame(unsigned int payload, unsigned int mss, uint8_t flags)
{
	unsigned int thlen = sizeof(struct tcphdr) + OPTLEN, i;
	struct sk_buff *skb = alloc_skb(MAX_HEADER_LEN + thlen + payload);
	struct tcphdr *th;
	struct iphdr *iph;
	uint8_t *p;

	assert_non_null(skb);
	skb_reserve(skb, MAX_HEADER_LEN + thlen);
	p = skb_put(skb, payload);
	for (i = 0; i < payload; i++)
		p[i] = pattern(i);
	th = (struct tcphdr *)skb_push(skb, thlen);
	skb_reset_transport_header(skb);
	memset(th, 0, thlen);
	memset(th + 1, TCPOPT_NOP, OPTLEN);
	th->source = htons(5001);
	th->dest = htons(40000);
	th->seq = htonl(SEQ0);
	th->ack_seq = htonl(12345);
	th->doff_res = (thlen / 4) << 4;
	th->flags = flags;
	th->window = htons(1000);
	tcp_v4_fill_check(skb, tcp_test_our_ip, tcp_test_peer_ip);
	iph = (struct iphdr *)skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	memset(iph, 0, sizeof(*iph));
	iph->ihl_version = 0x45;
	iph->tot_len = htons(skb->len);
	iph->id = htons(ID0);
	iph->frag_off = htons(IP_DF);
	iph->ttl = IP_DEFAULT_TTL;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = tcp_test_our_ip;
	iph->daddr = tcp_test_peer_ip;
	iph->check = ip_compute_csum(iph, sizeof(*iph));
	eth_header(skb, tcp_test_dev, ETH_P_IP, fake_peer_mac);
	skb->protocol = htons(ETH_P_IP);
	skb->dev = tcp_test_dev;
	skb->gso_size = mss;
	skb->gso_segs = (payload + mss - 1) / mss;
	skb->gso_type = SKB_GSO_TCPV4;
	return skb;
}

/* The TCP checksum of a frame whose checksum is complete verifies. */
static int tcp_csum_ok(const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int len = skb->tail - skb_transport_header(skb);

	return csum_tcpudp_magic(iph->saddr, iph->daddr, (uint16_t)len, IPPROTO_TCP,
				 csum_partial(skb_transport_header(skb), len, 0)) == 0;
}

static void test_gso_cuts_64k_into_mss_segments(void **state)
{
	const unsigned int mss = 1448, payload = 65000, nsegs = (payload + mss - 1) / mss;
	struct sk_buff *skb =
		gso_frame(payload, mss, TCPHDR_CWR | TCPHDR_ACK | TCPHDR_PSH | TCPHDR_FIN);
	struct sk_buff_head segs;
	struct sk_buff *seg;
	unsigned int i = 0, off = 0;

	(void)state;
	assert_int_equal(skb_gso_segment(skb, &segs), 0);
	kfree_skb(skb);
	assert_int_equal(skb_queue_len(&segs), nsegs);
	while ((seg = skb_dequeue(&segs))) {
		unsigned int len = i + 1 < nsegs ? mss : payload - (nsegs - 1) * mss;
		struct iphdr *iph = ip_hdr(seg);
		struct tcphdr *th = tcp_hdr(seg);
		uint8_t want = TCPHDR_ACK;
		const uint8_t *p;
		unsigned int j;

		if (i == 0)
			want |= TCPHDR_CWR;
		if (i + 1 == nsegs)
			want |= TCPHDR_PSH | TCPHDR_FIN;
		assert_int_equal(seg->len, ETH_HLEN + 20 + 20 + OPTLEN + len);
		assert_ptr_equal(skb_mac_header(seg), seg->data);
		assert_int_equal(seg->gso_size, 0);
		/* IP: own length, the next id (wrapping), a valid header checksum */
		assert_int_equal(ntohs(iph->tot_len), 20 + 20 + OPTLEN + len);
		assert_int_equal(ntohs(iph->id), (uint16_t)(ID0 + i));
		assert_int_equal(ip_compute_csum(iph, sizeof(*iph)), 0);
		/* TCP: the sequence number advances, flags as above, options kept */
		assert_int_equal(ntohl(th->seq), SEQ0 + off);
		assert_int_equal(ntohl(th->ack_seq), 12345);
		assert_int_equal(th->flags, want);
		assert_int_equal(tcp_hdrlen(th), 20 + OPTLEN);
		assert_int_equal(((uint8_t *)(th + 1))[OPTLEN - 1], TCPOPT_NOP);
		/* the checksum is left partial over the segment's pseudo-header */
		assert_int_equal(seg->ip_summed, CHECKSUM_PARTIAL);
		assert_int_equal(skb_checksum_help(seg), 0);
		assert_true(tcp_csum_ok(seg));
		p = (const uint8_t *)th + tcp_hdrlen(th);
		for (j = 0; j < len; j++)
			if (p[j] != pattern(off + j))
				fail_msg("segment %u byte %u", i, j);
		off += len;
		i++;
		kfree_skb(seg);
	}
	assert_int_equal(off, payload);
}

static void test_gso_refuses_what_it_cannot_cut(void **state)
{
	struct sk_buff_head segs;
	struct sk_buff *skb;

	(void)state;
	/* a packet of one segment needs no cutting */
	skb = gso_frame(1000, 1448, TCPHDR_ACK);
	assert_int_equal(skb_gso_segment(skb, &segs), -EINVAL);
	kfree_skb(skb);
	/* not TCP */
	skb = gso_frame(5000, 1000, TCPHDR_ACK);
	ip_hdr(skb)->protocol = IPPROTO_UDP;
	assert_int_equal(skb_gso_segment(skb, &segs), -EINVAL);
	kfree_skb(skb);
	/* a TCP header whose data offset runs past the frame */
	skb = gso_frame(5000, 1000, TCPHDR_ACK);
	skb_trim(skb, ETH_HLEN + 20 + 10);
	assert_int_equal(skb_gso_segment(skb, &segs), -EINVAL);
	kfree_skb(skb);
	/* an unknown GSO type */
	skb = gso_frame(5000, 1000, TCPHDR_ACK);
	skb->gso_type = 0;
	assert_int_equal(skb_gso_segment(skb, &segs), -EPROTONOSUPPORT);
	kfree_skb(skb);
}

static void test_gso_out_of_memory_frees_the_segments(void **state)
{
	struct sk_buff_head segs;
	struct sk_buff *skb = gso_frame(10000, 1000, TCPHDR_ACK);
	uint64_t before = skb_in_use();

	(void)state;
	/* the fourth segment's allocation fails (each segment: buffer + skb) */
	fake_kmalloc_fail_nth(7);
	assert_int_equal(skb_gso_segment(skb, &segs), -ENOMEM);
	fake_kmalloc_fail_nth(0);
	assert_int_equal(skb_queue_len(&segs), 0);
	assert_int_equal(skb_in_use(), before);
	kfree_skb(skb);
}

static struct tcp_sock *conn_sock(const struct tconn *c)
{
	struct sock *sk = inet_lookup_established(tcp_test_peer_ip, htons(c->rport),
						  tcp_test_our_ip, htons(c->lport));

	assert_non_null(sk);
	return tcp_sk(sk);
}

/*
 * End to end: with NETIF_F_TSO the route's device gets one skb per 64 KiB
 * write; with the offload gone (ethtool -K tso off, in Linux terms) the
 * same GSO skb reaches the wire as MSS-sized frames that the peer reads
 * as ordinary segments.
 */
static void test_tcp_sends_gso_and_software_segments(void **state)
{
	static const struct topts o = {.mss = 1460, .wscale = 7};
	static uint8_t data[44 * 1460];
	struct tcp_sock *tp;
	struct sk_buff *skb;
	struct tconn c;
	unsigned int i;
	uint16_t id;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = pattern(i);
	tcp_test_dev->features = NETIF_F_TSO | NETIF_F_IP_CSUM;
	tcp_test_dev->gso_max_size = 65536;
	assert_int_equal(tcp_test_active_open(&c, next_port, PEER_ISN, WIN, &o), 0);
	tcp_test_nodelay(c.fd);
	tp = conn_sock(&c);
	assert_int_equal(tcp_xmit_size_goal(&tp->sk), sizeof(data));
	tp->snd_cwnd = 100 * 1460; /* opened by earlier ACKs */

	assert_int_equal(__sys_sendto(c.fd, data, sizeof(data), 0, NULL, 0), sizeof(data));
	skb = fake_eth_pop_tx(tcp_test_dev);
	assert_non_null(skb);
	assert_null(fake_eth_pop_tx(tcp_test_dev));
	assert_int_equal(skb->len, ETH_HLEN + 20 + 20 + sizeof(data));
	assert_int_equal(skb->gso_size, 1460);
	assert_int_equal(skb->gso_segs, 44);
	assert_int_equal(skb->gso_type, SKB_GSO_TCPV4);
	assert_int_equal(skb->ip_summed, CHECKSUM_PARTIAL);
	assert_int_equal(ntohs(ip_hdr(skb)->tot_len), 20 + 20 + sizeof(data));
	assert_int_equal(ntohl(tcp_hdr(skb)->seq), c.snd_nxt);
	assert_int_equal(tcp_hdr(skb)->flags, TCPHDR_ACK | TCPHDR_PSH);
	assert_memory_equal(skb->data + ETH_HLEN + 40, data, sizeof(data));
	id = ntohs(ip_hdr(skb)->id);
	kfree_skb(skb);
	tcp_peer_ack_data(&c, sizeof(data), WIN);

	/* the device stops segmenting: the stack does it, and the peer
	 * gets ordinary segments with complete checksums */
	tcp_test_dev->features = 0;
	assert_int_equal(__sys_sendto(c.fd, data, sizeof(data), 0, NULL, 0), sizeof(data));
	assert_int_equal(fake_eth_tx_len(tcp_test_dev), 44);
	for (i = 0; i < 44; i++) {
		struct tcphdr *th;

		skb = fake_eth_pop_tx(tcp_test_dev);
		th = tcp_hdr(skb);
		assert_int_equal(skb->len, ETH_HLEN + 20 + 20 + 1460);
		/* the ids follow the 44 the GSO skb took */
		assert_int_equal(ntohs(ip_hdr(skb)->id), (uint16_t)(id + 44 + i));
		assert_int_equal(ip_compute_csum(ip_hdr(skb), 20), 0);
		assert_int_equal(ntohl(th->seq), c.snd_nxt + i * 1460);
		assert_int_equal(th->flags, i == 43 ? (TCPHDR_ACK | TCPHDR_PSH) : TCPHDR_ACK);
		assert_int_equal(skb->ip_summed, CHECKSUM_NONE);
		assert_true(tcp_csum_ok(skb));
		assert_memory_equal((uint8_t *)th + 20, data + i * 1460, 1460);
		kfree_skb(skb);
	}
	expect_nothing();
	tcp_peer_ack_data(&c, sizeof(data), WIN);
	expect_nothing();
	tcp_test_abort(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TCP_TEST(test_gso_cuts_64k_into_mss_segments),
		TCP_TEST(test_gso_refuses_what_it_cannot_cut),
		TCP_TEST(test_gso_out_of_memory_frees_the_segments),
		TCP_TEST(test_tcp_sends_gso_and_software_segments),
	};

	return cmocka_run_group_tests(tests, tcp_group_setup, NULL);
}
