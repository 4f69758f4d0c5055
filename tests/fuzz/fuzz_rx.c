/*
 * libFuzzer target: one received Ethernet frame.
 *
 * Input: one control byte, then the frame as eth0's driver would hand it
 * to netif_receive_skb (from the destination MAC on, no FCS).  Control
 * bits: 0x01 recompute the IPv4 header checksum, 0x02 recompute the
 * TCP/UDP/ICMP checksum (so that mutated frames get past the checksum
 * checks to the code behind them), 0x04 let 5 s of simulated time pass
 * afterwards (ARP retries and give-ups, SYN-ACK retransmission).
 *
 * The stack listens as an application would: a TCP listener on port 80
 * and a UDP socket on port 5001 (both bound to INADDR_ANY, opened afresh
 * for each input), and the peer 10.0.2.2 is resolved in the ARP cache.
 * After the frame: softirqs run, every transmitted frame is checked and
 * freed, the sockets are closed and the ARP cache is flushed; then the
 * counters of sk_buffs, kmalloc blocks, socks and timers must be exactly
 * where they were before the input (see harness.h).
 */
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include "net/arp.h"
#include "net/ip.h"
#include "net/eth.h"
#include "net/platform.h"
#include "net/socket.h"
#include "tests/fuzz/harness.h"
#include "tests/unit/support/platform_test.h"

#define CTL_FIX_IP_CSUM	  0x01
#define CTL_FIX_L4_CSUM	  0x02
#define CTL_LET_TIME_PASS 0x04
#define RX_MAX_FRAME	  2048 /* more than any NIC hands up (1518) */
#define TCP_PORT	  80
#define UDP_PORT	  5001

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

static int open_bound(int type, uint16_t port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = __sys_socket(AF_INET, type | SOCK_NONBLOCK, 0);

	if (fd < 0 || __sys_bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    (type == SOCK_STREAM && __sys_listen(fd, 4) < 0))
		__builtin_trap(); /* the harness itself is broken */
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t frame[RX_MAX_FRAME];
	struct fuzz_counts base;
	size_t len;
	int tfd, ufd;
	uint8_t ctl;

	if (size < 1 || size - 1 > sizeof(frame))
		return -1; /* not added to the corpus */
	ctl = data[0];
	len = size - 1;
	memcpy(frame, data + 1, len);

	/* Refill the ICMP error and challenge ACK rate limits, so each input
	 * is judged on its own. */
	fuzz_advance(1000);
	fake_random_seed(0x5eed);
	fuzz_counts_take(&base);

	tfd = open_bound(SOCK_STREAM, TCP_PORT);
	ufd = open_bound(SOCK_DGRAM, UDP_PORT);
	fuzz_learn_peer();
	fuzz_drain_tx();

	if (ctl & CTL_FIX_IP_CSUM)
		fuzz_fix_ip_csum(frame, len);
	if (ctl & CTL_FIX_L4_CSUM)
		fuzz_fix_l4_csum(frame, len);
	fake_eth_inject(fuzz_eth, frame, len);
	fuzz_drain_tx();
	if (ctl & CTL_LET_TIME_PASS)
		fuzz_advance(5000);

	__sys_close(tfd);
	__sys_close(ufd);
	fuzz_drain_tx();
	arp_flush(NULL);
	ip_frag_flush(); /* reassembly queues wait 30 s: not a leak */
	fuzz_counts_check(&base, "after one frame");
	return 0;
}
