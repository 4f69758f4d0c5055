/*
 * drivers/virtio_net_hdr.c: the virtio-net header built from an sk_buff's
 * offload fields on transmit and applied to one on receive (Virtio 1.2,
 * 5.1.6), and the choice of features with their dependencies (5.1.3.1).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "drivers/virtio_net_hdr.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/tcp.h"
#include "tests/unit/support/platform_test.h"

#define BIT(n)	    (1ULL << (n))
#define HEADROOM    64
#define TCP_OPT_LEN 12 /* timestamps, padded */
#define HDRS	    (ETH_HLEN + 20 + 20 + TCP_OPT_LEN)

static uint64_t skb_base;

static int setup(void **state)
{
	(void)state;
	skb_base = skb_in_use();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(skb_in_use(), skb_base);
	return 0;
}

/* An Ethernet + IPv4 + TCP (with options) frame with payload bytes of data. */
static struct sk_buff *tcp_frame(unsigned payload)
{
	struct sk_buff *skb = alloc_skb(HEADROOM + HDRS + payload);
	uint8_t *p;
	struct tcphdr *th;

	assert_non_null(skb);
	skb_reserve(skb, HEADROOM);
	p = skb_put(skb, HDRS + payload);
	memset(p, 0, HDRS + payload);
	skb_reset_mac_header(skb);
	skb->network_header = skb->mac_header + ETH_HLEN;
	skb->transport_header = skb->network_header + 20;
	th = tcp_hdr(skb);
	th->doff_res = ((20 + TCP_OPT_LEN) / 4) << 4;
	return skb;
}

static void make_partial(struct sk_buff *skb)
{
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb->transport_header;
	skb->csum_offset = offsetof(struct tcphdr, check);
}

/* ---- feature choice ---- */

static const uint64_t OFFLOADS = BIT(VIRTIO_NET_F_CSUM) | BIT(VIRTIO_NET_F_GUEST_CSUM) |
				 BIT(VIRTIO_NET_F_HOST_TSO4) | BIT(VIRTIO_NET_F_GUEST_TSO4) |
				 BIT(VIRTIO_NET_F_MRG_RXBUF);

static void test_all_offered_all_taken(void **state)
{
	uint64_t wanted = BIT(VIRTIO_NET_F_MAC) | BIT(32);

	(void)state;
	assert_int_equal(virtnet_select_features(~0ULL, wanted), OFFLOADS | wanted);
	/* nothing the device does not offer, nothing we did not ask for */
	assert_int_equal(virtnet_select_features(OFFLOADS, wanted), OFFLOADS);
	assert_int_equal(virtnet_select_features(BIT(VIRTIO_NET_F_MAC) | BIT(3), wanted),
			 BIT(VIRTIO_NET_F_MAC));
}

static void test_dependencies_dropped(void **state)
{
	uint64_t f;

	(void)state;
	f = virtnet_select_features(OFFLOADS & ~BIT(VIRTIO_NET_F_CSUM), 0);
	assert_false(f & BIT(VIRTIO_NET_F_HOST_TSO4)); /* HOST_TSO4 needs CSUM */
	assert_true(f & BIT(VIRTIO_NET_F_GUEST_TSO4));
	f = virtnet_select_features(OFFLOADS & ~BIT(VIRTIO_NET_F_GUEST_CSUM), 0);
	assert_false(f & BIT(VIRTIO_NET_F_GUEST_TSO4)); /* GUEST_TSO4 needs GUEST_CSUM */
	assert_true(f & BIT(VIRTIO_NET_F_HOST_TSO4));
	f = virtnet_select_features(OFFLOADS & ~BIT(VIRTIO_NET_F_MRG_RXBUF), 0);
	assert_false(f & BIT(VIRTIO_NET_F_GUEST_TSO4)); /* no 64 KiB buffers without it */
	assert_true(f & BIT(VIRTIO_NET_F_GUEST_CSUM));
}

/* ---- transmit ---- */

static void test_plain_frame_gets_empty_header(void **state)
{
	struct sk_buff *skb = tcp_frame(100);
	struct virtio_net_hdr hdr;

	(void)state;
	memset(&hdr, 0xAA, sizeof(hdr));
	assert_int_equal(virtio_net_hdr_from_skb(skb, &hdr), 0);
	assert_int_equal(hdr.flags, 0);
	assert_int_equal(hdr.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(hdr.csum_start, 0);
	assert_int_equal(hdr.num_buffers, 0); /* 5.1.6.2: zero on transmit */
	kfree_skb(skb);
}

static void test_partial_checksum_offsets_from_frame_start(void **state)
{
	struct sk_buff *skb = tcp_frame(100);
	struct virtio_net_hdr hdr;

	(void)state;
	make_partial(skb);
	assert_int_equal(virtio_net_hdr_from_skb(skb, &hdr), 0);
	assert_int_equal(hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(hdr.csum_start, ETH_HLEN + 20);
	assert_int_equal(hdr.csum_offset, 16);
	assert_int_equal(hdr.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	kfree_skb(skb);
}

static void test_gso_frame(void **state)
{
	struct sk_buff *skb = tcp_frame(44 * 1448);
	struct virtio_net_hdr hdr;

	(void)state;
	make_partial(skb);
	skb->gso_size = 1448;
	skb->gso_segs = 44;
	skb->gso_type = SKB_GSO_TCPV4;
	assert_int_equal(virtio_net_hdr_from_skb(skb, &hdr), 0);
	assert_int_equal(hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(hdr.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(hdr.gso_size, 1448);
	/* every segment repeats Ethernet, IP and TCP with its options */
	assert_int_equal(hdr.hdr_len, HDRS);
	kfree_skb(skb);
}

static void test_gso_needs_partial_tcpv4(void **state)
{
	struct sk_buff *skb = tcp_frame(3000);
	struct virtio_net_hdr hdr;

	(void)state;
	skb->gso_size = 1448;
	skb->gso_type = SKB_GSO_TCPV4;
	assert_int_equal(virtio_net_hdr_from_skb(skb, &hdr), -EINVAL);
	make_partial(skb);
	skb->gso_type = 0;
	assert_int_equal(virtio_net_hdr_from_skb(skb, &hdr), -EINVAL);
	kfree_skb(skb);
}

/* ---- receive ---- */

static void test_rx_data_valid_and_none(void **state)
{
	struct sk_buff *skb = tcp_frame(100);
	struct virtio_net_hdr hdr = {0};

	(void)state;
	assert_int_equal(virtio_net_hdr_to_skb(skb, &hdr), 0);
	assert_int_equal(skb->ip_summed, CHECKSUM_NONE);
	hdr.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	assert_int_equal(virtio_net_hdr_to_skb(skb, &hdr), 0);
	assert_int_equal(skb->ip_summed, CHECKSUM_UNNECESSARY);
	assert_false(skb_is_gso(skb));
	kfree_skb(skb);
}

static void test_rx_needs_csum_becomes_partial(void **state)
{
	struct sk_buff *skb = tcp_frame(100);
	struct virtio_net_hdr hdr = {.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				     .csum_start = ETH_HLEN + 20,
				     .csum_offset = 16};

	(void)state;
	assert_int_equal(virtio_net_hdr_to_skb(skb, &hdr), 0);
	assert_int_equal(skb->ip_summed, CHECKSUM_PARTIAL);
	assert_int_equal(skb->csum_start, skb->transport_header);
	assert_int_equal(skb->csum_offset, 16);
	assert_true(skb_csum_unnecessary(skb));
	kfree_skb(skb);
}

static void test_rx_bad_offsets_refused(void **state)
{
	struct sk_buff *skb = tcp_frame(0);
	struct virtio_net_hdr hdr = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = HDRS - 1, .csum_offset = 0};

	(void)state;
	/* the 2-byte field would run past the frame */
	assert_int_equal(virtio_net_hdr_to_skb(skb, &hdr), -EINVAL);
	hdr.csum_start = 20;
	hdr.csum_offset = 0xFFFF;
	assert_int_equal(virtio_net_hdr_to_skb(skb, &hdr), -EINVAL);
	kfree_skb(skb);
}

static void test_rx_gso(void **state)
{
	struct sk_buff *skb = tcp_frame(10 * 1448);
	struct virtio_net_hdr hdr = {.gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN,
				     .gso_size = 1448};

	(void)state;
	assert_int_equal(virtio_net_hdr_to_skb(skb, &hdr), 0);
	assert_true(skb_is_gso(skb));
	assert_int_equal(skb->gso_size, 1448);
	assert_int_equal(skb->gso_type, SKB_GSO_TCPV4);
	hdr.gso_size = 0;
	assert_int_equal(virtio_net_hdr_to_skb(skb, &hdr), -EINVAL);
	hdr.gso_size = 1448;
	hdr.gso_type = 3; /* UDP: not negotiated, not understood */
	assert_int_equal(virtio_net_hdr_to_skb(skb, &hdr), -EINVAL);
	kfree_skb(skb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_offered_all_taken),
		cmocka_unit_test(test_dependencies_dropped),
		cmocka_unit_test_setup_teardown(test_plain_frame_gets_empty_header, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_partial_checksum_offsets_from_frame_start,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_gso_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gso_needs_partial_tcpv4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_data_valid_and_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_needs_csum_becomes_partial, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rx_bad_offsets_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_gso, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
