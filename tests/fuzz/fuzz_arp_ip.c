/*
 * libFuzzer target: the ARP cache and IPv4 over time.  A sequence of
 * received frames, datagrams we send (which need the next hop resolved),
 * administrative calls and time passing, so that the neighbour state
 * machine of net/arp.c (INCOMPLETE queues, retries, give-up with ICMP
 * host unreachable, REACHABLE -> STALE -> expired, eviction of a full
 * cache) meets arbitrary ARP and IP input.
 *
 * Input: records, each one control byte then its operands:
 *   0x00-0x3f  a received frame: one length byte n, then n bytes of frame
 *              (from the destination MAC on).  Bit 0: recompute the IPv4
 *              header checksum; bit 1: the ICMP/UDP/TCP checksum.
 *   0x40-0x7f  we send a UDP datagram (1 + low 5 bits bytes) to 10.0.2.x,
 *              x the next byte (x = 0: an address off the link, through
 *              the gateway 10.0.2.2).
 *   0x80-0xbf  time passes: (low 6 bits + 1) * 250 ms.
 *   0xc0-0xff  bit 0: delete the ARP entry of 10.0.2.x (x the next byte);
 *              bit 1: take eth0 down and up again (the cache is flushed,
 *              a gratuitous ARP is sent).
 * The peer 10.0.2.2 answers ARP requests; every other host only through
 * the frames of the input.  After the last record the ARP cache is
 * flushed and the UDP socket closed; then sk_buffs, kmalloc blocks,
 * socks and timers must be exactly where they were before the input.
 */
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include "net/arp.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/platform.h"
#include "net/udp.h"
#include "tests/fuzz/harness.h"
#include "tests/unit/support/platform_test.h"

#define UDP_PORT      5001
#define OFF_LINK_ADDR 0x08080808u /* 8.8.8.8: routed through the gateway */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_env_init();
	fuzz_selftest_leak_check();
	return 0;
}

static uint32_t link_addr(uint8_t x)
{
	return x ? (fuzz_our_ip & htonl(0xffffff00u)) | htonl(x) : htonl(OFF_LINK_ADDR);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t payload[32] = "fuzz_arp_ip datagram payload...";
	struct fuzz_counts base;
	struct sock *us;
	size_t at = 0;

	fuzz_advance(1000);
	fake_random_seed(0xa4b);
	fuzz_counts_take(&base);
	us = udp_sock_create();
	if (!us || udp_sock_bind(us, htons(UDP_PORT)))
		__builtin_trap(); /* the harness itself is broken */
	fuzz_learn_peer();
	fuzz_drain_tx();

	while (at < size) {
		uint8_t ctl = data[at++];
		uint8_t frame[256];
		size_t n;

		switch (ctl >> 6) {
		case 0:
			if (at >= size)
				break;
			n = data[at++];
			if (n > size - at)
				n = size - at;
			memcpy(frame, data + at, n);
			at += n;
			if (ctl & 1)
				fuzz_fix_ip_csum(frame, n);
			if (ctl & 2)
				fuzz_fix_l4_csum(frame, n);
			fake_eth_inject(fuzz_eth, frame, n);
			break;
		case 1:
			if (at >= size)
				break;
			udp_sendmsg(0, htons(UDP_PORT), link_addr(data[at++]), htons(9), payload,
				    1 + (ctl & 0x1f));
			break;
		case 2:
			fuzz_advance(((uint64_t)(ctl & 0x3f) + 1) * 250);
			break;
		default:
			if ((ctl & 1) && at < size)
				arp_delete(link_addr(data[at++]));
			if (ctl & 2) {
				dev_close(fuzz_eth);
				dev_open(fuzz_eth);
			}
			break;
		}
		fuzz_drain_tx();
	}

	arp_flush(NULL);
	ip_frag_flush(); /* reassembly queues wait 30 s: not a leak */
	udp_sock_close(us);
	fuzz_drain_tx();
	fuzz_counts_check(&base, "after the records");
	return 0;
}
