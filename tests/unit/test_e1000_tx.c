/*
 * drivers/e1000_tx.c: 82540EM transmit descriptors built from sk_buffs
 * (8254x SDM 3.3.6 context, 3.3.7 data descriptors, 3.5 TCP segmentation)
 * and the receive checksum state read from a descriptor (3.2.3); when
 * processed receive descriptors go back to the hardware (3.2.6).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "drivers/e1000_hw.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/tcp.h"
#include "tests/unit/support/platform_test.h"

#define RING	 16
#define HEADROOM 64
#define IP_OFF	 ETH_HLEN
#define TCP_OFF	 (ETH_HLEN + 20)
#define HDRS	 (TCP_OFF + 32)
#define FILL	 0xA5

static union e1000_tx_desc ring[RING];
static struct e1000_tx_ctx held;
static uint64_t skb_base;

static int setup(void **state)
{
	(void)state;
	memset(ring, FILL, sizeof(ring));
	memset(&held, 0, sizeof(held));
	skb_base = skb_in_use();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(skb_in_use(), skb_base);
	return 0;
}

/* Ethernet + IPv4 (10.0.2.15 -> 10.0.2.2) + TCP with 12 option bytes. */
static struct sk_buff *tcp_frame(unsigned payload, int partial)
{
	struct sk_buff *skb = alloc_skb(HEADROOM + HDRS + payload);
	struct iphdr *iph;
	struct tcphdr *th;

	assert_non_null(skb);
	skb_reserve(skb, HEADROOM);
	memset(skb_put(skb, HDRS + payload), 0x11, HDRS + payload);
	skb_reset_mac_header(skb);
	skb->network_header = skb->mac_header + IP_OFF;
	skb->transport_header = skb->mac_header + TCP_OFF;
	iph = ip_hdr(skb);
	iph->ihl_version = 0x45;
	iph->tot_len = htons(HDRS - ETH_HLEN + payload);
	iph->protocol = IPPROTO_TCP;
	iph->saddr = htonl(0x0A00020F);
	iph->daddr = htonl(0x0A000202);
	th = tcp_hdr(skb);
	th->doff_res = 8 << 4;
	if (partial) {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb->transport_header;
		skb->csum_offset = offsetof(struct tcphdr, check);
	}
	return skb;
}

static uint32_t dlen(const struct e1000_data_desc *d) { return d->cmd_and_length & TXD_LEN_MASK; }

static void test_plain_frame_one_data_descriptor(void **state)
{
	struct sk_buff *skb = tcp_frame(1000, 0);
	struct e1000_data_desc *d = &ring[0].data;

	(void)state;
	assert_int_equal(e1000_tx_map(skb, ring, RING, 0, RING - 1, &held), 1);
	assert_int_equal(d->addr, (uintptr_t)skb->data);
	assert_int_equal(dlen(d), HDRS + 1000);
	assert_int_equal(d->cmd_and_length & ~TXD_LEN_MASK,
			 TXD_CMD_DEXT | TXD_DTYP_D | TXD_CMD_IFCS | TXD_CMD_RS | TXD_CMD_EOP);
	assert_int_equal(d->popts, 0);
	assert_int_equal(ring[1].data.popts, FILL); /* nothing else written */
	kfree_skb(skb);
}

static void test_checksum_context_then_cached(void **state)
{
	struct sk_buff *a = tcp_frame(500, 1), *b = tcp_frame(600, 1);
	struct e1000_ctx_desc *c = &ring[0].ctx;

	(void)state;
	assert_int_equal(e1000_tx_map(a, ring, RING, 0, RING - 1, &held), 2);
	assert_int_equal(c->tucss, TCP_OFF);
	assert_int_equal(c->tucso, TCP_OFF + 16);
	assert_int_equal(c->tucse, 0); /* to the end of the frame */
	assert_int_equal(c->cmd_and_length & (TXD_CMD_DEXT | TXD_CMD_TSE | TXD_DTYP_D),
			 TXD_CMD_DEXT);
	assert_int_equal(ring[1].data.popts, TXD_POPTS_TXSM);
	assert_true(ring[1].data.cmd_and_length & TXD_CMD_EOP);
	/* the hardware still holds that context: data only */
	assert_int_equal(e1000_tx_map(b, ring, RING, 2, RING - 3, &held), 1);
	assert_int_equal(ring[2].data.popts, TXD_POPTS_TXSM);
	assert_int_equal(dlen(&ring[2].data), HDRS + 600);
	/* other offsets (a UDP checksum, say) need a new context */
	b->csum_offset = 6;
	assert_int_equal(e1000_tx_map(b, ring, RING, 3, RING - 4, &held), 2);
	assert_int_equal(ring[3].ctx.tucso, TCP_OFF + 6);
	kfree_skb(a);
	kfree_skb(b);
}

static void test_tso_context_and_split(void **state)
{
	enum { PAYLOAD = 10 * 1448 };
	struct sk_buff *skb = tcp_frame(PAYLOAD, 1);
	struct e1000_ctx_desc *c = &ring[RING - 2].ctx;
	struct iphdr *iph = ip_hdr(skb);
	unsigned total = 0, n, i;

	(void)state;
	skb->gso_size = 1448;
	skb->gso_segs = 10;
	skb->gso_type = SKB_GSO_TCPV4;
	/* placed across the end of the ring: context in the last but one slot */
	n = e1000_tx_map(skb, ring, RING, RING - 2, RING - 1, &held);
	assert_int_equal(n, 1 + (HDRS + PAYLOAD + E1000_MAX_DATA_PER_TXD - 1) /
					    E1000_MAX_DATA_PER_TXD);
	assert_int_equal(c->cmd_and_length & ~TXD_LEN_MASK,
			 TXD_CMD_DEXT | TXD_CMD_TSE | TXD_CMD_IP | TXD_CMD_TCP | TXD_CMD_RS);
	assert_int_equal(c->cmd_and_length & TXD_LEN_MASK, PAYLOAD); /* PAYLEN */
	assert_int_equal(c->hdr_len, HDRS);
	assert_int_equal(c->mss, 1448);
	assert_int_equal(c->ipcss, IP_OFF);
	assert_int_equal(c->ipcso, IP_OFF + 10);
	assert_int_equal(c->ipcse, TCP_OFF - 1);
	assert_int_equal(c->tucss, TCP_OFF);
	assert_int_equal(c->tucso, TCP_OFF + 16);
	/* 3.5: the hardware writes each segment's length and checksums */
	assert_int_equal(iph->tot_len, 0);
	assert_int_equal(iph->check, 0);
	assert_int_equal(tcp_hdr(skb)->check,
			 (uint16_t)~csum_tcpudp_magic(iph->saddr, iph->daddr, 0, IPPROTO_TCP, 0));
	for (i = 1; i < n; i++) {
		struct e1000_data_desc *d = &ring[(RING - 2 + i) % RING].data;

		assert_int_equal(d->addr, (uintptr_t)skb->data + total);
		assert_true(dlen(d) <= E1000_MAX_DATA_PER_TXD);
		assert_true(d->cmd_and_length & TXD_CMD_TSE);
		assert_int_equal(d->popts, TXD_POPTS_TXSM | TXD_POPTS_IXSM);
		assert_int_equal(!!(d->cmd_and_length & TXD_CMD_EOP), i == n - 1);
		total += dlen(d);
	}
	assert_int_equal(total, skb->len);
	/* the segmentation context replaced the checksum one */
	assert_false(held.valid);
	kfree_skb(skb);
}

static void test_no_room_writes_nothing(void **state)
{
	struct sk_buff *skb = tcp_frame(3 * E1000_MAX_DATA_PER_TXD, 1);
	union e1000_tx_desc before[RING];

	(void)state;
	memcpy(before, ring, sizeof(ring));
	/* a context and four data descriptors do not fit in four */
	assert_int_equal(e1000_tx_map(skb, ring, RING, 5, 4, &held), -ENOSPC);
	assert_memory_equal(before, ring, sizeof(ring));
	assert_false(held.valid);
	assert_int_equal(e1000_tx_map(skb, ring, RING, 5, 5, &held), 5);
	kfree_skb(skb);
}

static void test_unsupported_offloads_refused(void **state)
{
	struct sk_buff *skb = tcp_frame(3000, 0);

	(void)state;
	skb->gso_size = 1448;
	skb->gso_type = SKB_GSO_TCPV4;
	assert_int_equal(e1000_tx_map(skb, ring, RING, 0, RING - 1, &held), -EINVAL);
	skb->gso_size = 0;
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + 300; /* beyond TUCSS's 8 bits */
	skb->csum_offset = 16;
	assert_int_equal(e1000_tx_map(skb, ring, RING, 0, RING - 1, &held), -EINVAL);
	kfree_skb(skb);
}

static void test_rx_checksum_state(void **state)
{
	(void)state;
	assert_int_equal(
		e1000_rx_csum(RXD_STAT_DD | RXD_STAT_EOP | RXD_STAT_TCPCS | RXD_STAT_IPCS, 0),
		CHECKSUM_UNNECESSARY);
	/* QEMU's model: checksums ignored */
	assert_int_equal(e1000_rx_csum(RXD_STAT_DD | RXD_STAT_IXSM | RXD_STAT_TCPCS, 0),
			 CHECKSUM_NONE);
	assert_int_equal(e1000_rx_csum(RXD_STAT_TCPCS | RXD_STAT_IPCS, RXD_ERR_TCPE),
			 CHECKSUM_NONE);
	assert_int_equal(e1000_rx_csum(RXD_STAT_TCPCS | RXD_STAT_IPCS, RXD_ERR_IPE), CHECKSUM_NONE);
	assert_int_equal(e1000_rx_csum(RXD_STAT_IPCS, 0), CHECKSUM_NONE); /* not TCP/UDP */
}

/* RDT moves once E1000_RX_RETURN_BATCH descriptors were processed, across the ring's wrap too. */
static void test_rx_descriptors_return_in_batches(void **state)
{
	const unsigned n = 256, start = n - 1; /* after init: RDT one before the head */

	(void)state;
	assert_false(e1000_rx_return_due(start, start, n));
	/* 31 frames processed (descriptors 0..30): not yet */
	assert_false(e1000_rx_return_due(E1000_RX_RETURN_BATCH - 2, start, n));
	/* the 32nd (descriptor 31) */
	assert_true(e1000_rx_return_due(E1000_RX_RETURN_BATCH - 1, start, n));
	/* near the end of the ring and past its wrap */
	assert_false(e1000_rx_return_due(n - 2, n - 1 - E1000_RX_RETURN_BATCH + 2, n));
	assert_true(e1000_rx_return_due(10, n - 30, n));
	assert_false(e1000_rx_return_due(10, n - 20, n));
	/* however far software got (a whole ring but one), it returns */
	assert_true(e1000_rx_return_due(start - 1, start, n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain_frame_one_data_descriptor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_checksum_context_then_cached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tso_context_and_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_room_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsupported_offloads_refused, setup, teardown),
		cmocka_unit_test(test_rx_checksum_state),
		cmocka_unit_test(test_rx_descriptors_return_in_batches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
