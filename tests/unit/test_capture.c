/* Packet capture: the pcap stream for one interface and for `any`, loopback
 * recorded once, completed checksums, the frame limit, and a full ring. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/capture.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/icmp.h"
#include "net/ip.h"
#include "net/loopback.h"
#include "net/platform.h"
#include "tests/unit/support/platform_test.h"

static struct net_device *eth;
static uint32_t our_ip, peer_ip;
static uint64_t skb_base;

/* The whole stream captured so far. */
static unsigned char stream[1 << 20];
static size_t stream_len;

static void drain(void)
{
	size_t n;

	while ((n = capture_read(stream + stream_len, 4096)) > 0)
		stream_len += n;
}

static uint32_t get32(size_t off)
{
	uint32_t v;
	memcpy(&v, stream + off, 4);
	return v;
}

/* Offsets of each record's data (after its 16-byte record header). */
static int records(size_t *off, unsigned int *len, int max)
{
	size_t pos = 24;
	int n = 0;

	while (pos + 16 <= stream_len && n < max) {
		unsigned int incl = get32(pos + 8);

		assert_int_equal(incl, get32(pos + 12)); /* nothing cut off */
		off[n] = pos + 16;
		len[n] = incl;
		n++;
		pos += 16 + incl;
	}
	assert_int_equal(pos, stream_len); /* the stream ends on a record boundary */
	return n;
}

static int group_setup(void **state)
{
	(void)state;
	eth = fake_net_init_eth(&our_ip, &peer_ip);
	return eth ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	stream_len = 0;
	skb_base = skb_in_use();
	fake_eth_purge_tx(eth);
	net_lock();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	capture_stop();
	drain();
	net_unlock();
	fake_run_softirqs();
	fake_eth_purge_tx(eth);
	assert_int_equal(skb_in_use(), skb_base);
	return 0;
}

static void inject_ping_from_peer(void)
{
	uint8_t icmp[8 + 4] = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'a', 'b', 'c', 'd'};
	uint8_t frame[128];
	uint16_t c = ip_compute_csum(icmp, sizeof(icmp));
	size_t n;

	memcpy(icmp + 2, &c, 2);
	n = fake_build_ip(frame, fake_our_mac, fake_peer_mac, peer_ip, our_ip, IPPROTO_ICMP, icmp,
			  sizeof(icmp));
	fake_eth_inject(eth, frame, n);
}

static void test_one_interface_is_ethernet_pcap(void **state)
{
	struct capture_stats st;
	size_t off[8];
	unsigned int len[8];
	int kicks = fake_capture_kicks();

	(void)state;
	fake_eth_learn_peer(eth, our_ip, peer_ip);
	assert_int_equal(capture_start(eth->ifindex, 0), 0);
	assert_int_equal(capture_start(eth->ifindex, 0), -EBUSY);
	inject_ping_from_peer(); /* in: the request; out: the reply */
	drain();
	assert_int_equal(get32(0), 0xa1b2c3d4u); /* libpcap magic, this host's order */
	assert_int_equal(get32(20), 1);		 /* LINKTYPE_ETHERNET */
	assert_int_equal(records(off, len, 8), 2);
	/* both frames whole, the Ethernet header first */
	assert_memory_equal(stream + off[0] + 6, fake_peer_mac, ETH_ALEN);
	assert_memory_equal(stream + off[1] + 6, fake_our_mac, ETH_ALEN);
	assert_int_equal(stream[off[0] + ETH_HLEN + 20], 8); /* echo request */
	assert_int_equal(stream[off[1] + ETH_HLEN + 20], 0); /* echo reply */
	capture_get_stats(&st);
	assert_int_equal(st.frames, 2);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.pending, 0);
	assert_true(fake_capture_kicks() > kicks);
}

static void test_other_interface_not_recorded(void **state)
{
	struct capture_stats st;

	(void)state;
	assert_int_equal(capture_start(loopback_dev->ifindex, 0), 0);
	fake_eth_learn_peer(eth, our_ip, peer_ip);
	inject_ping_from_peer();
	capture_get_stats(&st);
	assert_int_equal(st.frames, 0);
	assert_int_equal(capture_start(999, 0), -EBUSY);
	capture_stop();
	assert_int_equal(capture_start(999, 0), -ENODEV);
}

static void test_any_is_cooked_and_loopback_once(void **state)
{
	struct icmp_ping_reply r;
	size_t off[8];
	unsigned int len[8];
	int n;

	(void)state;
	assert_int_equal(capture_start(0, 0), 0);
	assert_int_equal(icmp_ping(htonl(0x7f000001), 7, 1, 16, 1000, &r), 0);
	drain();
	assert_int_equal(get32(20), 113); /* LINKTYPE_LINUX_SLL */
	n = records(off, len, 8);
	assert_int_equal(n, 2); /* request and reply, each once */
	for (int i = 0; i < n; i++) {
		uint16_t pkttype, hatype, proto;

		memcpy(&pkttype, stream + off[i], 2);
		memcpy(&hatype, stream + off[i] + 2, 2);
		memcpy(&proto, stream + off[i] + 14, 2);
		assert_int_equal(ntohs(pkttype), 4); /* outgoing */
		assert_int_equal(ntohs(hatype), ARPHRD_LOOPBACK);
		assert_int_equal(ntohs(proto), ETH_P_IP);
		assert_int_equal(stream[off[i] + 16] >> 4, 4); /* the IP header follows */
	}
}

static void test_partial_checksum_completed_in_capture(void **state)
{
	uint8_t frame[ETH_HLEN + 20 + 8];
	struct sk_buff *skb = alloc_skb(sizeof(frame));
	size_t off[2];
	unsigned int len[2];
	uint16_t in_skb;
	struct udphdr_like {
		uint16_t sport, dport, len, check;
	} *uh;

	(void)state;
	/* a UDP datagram whose checksum field holds only the pseudo-header sum */
	fake_build_ip(frame, fake_peer_mac, fake_our_mac, our_ip, peer_ip, IPPROTO_UDP,
		      "\x13\x88\x13\x89\x00\x08\x00\x00", 8);
	memcpy(skb_put(skb, sizeof(frame)), frame, sizeof(frame));
	uh = (struct udphdr_like *)(skb->data + ETH_HLEN + 20);
	uh->check = ~csum_tcpudp_magic(our_ip, peer_ip, 8, IPPROTO_UDP, 0);
	in_skb = uh->check;
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = ETH_HLEN + 20;
	skb->csum_offset = 6;
	skb->dev = eth;
	assert_int_equal(capture_start(eth->ifindex, 0), 0);
	capture_frame(skb, eth, 1);
	drain();
	assert_int_equal(records(off, len, 2), 1);
	/* the capture has the final checksum; the packet is untouched */
	assert_int_equal(csum_tcpudp_magic(our_ip, peer_ip, 8, IPPROTO_UDP,
					   csum_partial(stream + off[0] + ETH_HLEN + 20, 8, 0)),
			 0);
	assert_int_equal(uh->check, in_skb);
	kfree_skb(skb);
}

static void test_frame_limit_stops_capture(void **state)
{
	struct capture_stats st;

	(void)state;
	fake_eth_learn_peer(eth, our_ip, peer_ip);
	assert_int_equal(capture_start(0, 1), 0);
	inject_ping_from_peer();
	capture_get_stats(&st);
	assert_int_equal(st.frames, 1);
	assert_false(st.active);
	assert_false(capture_active);
}

static void test_full_ring_drops_and_counts(void **state)
{
	struct capture_stats st;
	int i;

	(void)state;
	fake_eth_learn_peer(eth, our_ip, peer_ip);
	assert_int_equal(capture_start(eth->ifindex, 0), 0);
	/* nobody drains: the ring fills, frames are dropped whole, the stack goes on */
	for (i = 0; i < 4000; i++)
		inject_ping_from_peer();
	capture_get_stats(&st);
	assert_true(st.dropped > 0);
	assert_int_equal(st.frames + st.dropped, 2 * 4000);
	assert_int_equal(eth->stats.tx_packets >= 4000, 1); /* every ping answered */
	drain();
	size_t off[8192];
	unsigned int len[8192];
	assert_int_equal(records(off, len, 8192), (int)st.frames);
	/* after draining there is room again */
	inject_ping_from_peer();
	capture_get_stats(&st);
	assert_int_equal(st.pending > 0, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_interface_is_ethernet_pcap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_interface_not_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_any_is_cooked_and_loopback_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_checksum_completed_in_capture, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_frame_limit_stops_capture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_ring_drops_and_counts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
