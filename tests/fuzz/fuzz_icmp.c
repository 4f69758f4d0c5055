/*
 * libFuzzer target: the ICMP parser (icmp_rcv, and the error handlers it
 * hands quoted headers to: tcp_v4_err, udp_err).
 *
 * Input: one control byte, then an ICMP message from its type byte on.
 * The harness wraps it in a valid IPv4 header from the peer 10.0.2.2 to
 * us, and in Ethernet.  Control bits:
 *   0x01  the ICMP checksum is computed (else the input's is kept);
 *   0x02  after the message's first 8 bytes comes a quote of the last
 *         segment our TCP socket sent (its SYN, the socket in SYN-SENT to
 *         the peer's port 80: IP header + 8 bytes), the input's remaining
 *         bytes XORed over the quote, so errors reach the live connection;
 *   0x04  the same with the last datagram our UDP socket (connected to the
 *         peer's port 53) sent;
 *   0x08  2 s of simulated time pass afterwards (the SYN's retransmission).
 * The sockets are opened afresh for each input and the peer is resolved.
 * After the message every transmitted frame is checked, the sockets are
 * closed and the ARP cache flushed; then sk_buffs, kmalloc blocks, socks
 * and timers must be exactly where they were (see harness.h).
 */
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include "net/arp.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/platform.h"
#include "net/socket.h"
#include "tests/fuzz/harness.h"
#include "tests/unit/support/platform_test.h"

#define CTL_FIX_CSUM	  0x01
#define CTL_QUOTE_TCP	  0x02
#define CTL_QUOTE_UDP	  0x04
#define CTL_LET_TIME_PASS 0x08
#define ICMP_MAX_MSG	  1400 /* one frame */
#define ICMP_HDR_LEN	  8
#define QUOTE_LEN	  (20 + 8) /* RFC 792: the IP header and 64 bits of data */
#define TCP_PEER_PORT	  80
#define UDP_PEER_PORT	  53

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The IP header and first 8 bytes of the last TCP and UDP packets we sent. */
static uint8_t last_tcp[QUOTE_LEN], last_udp[QUOTE_LEN];

static void keep_quote(const uint8_t *frame, size_t len)
{
	const uint8_t *ip = frame + ETH_HLEN;
	size_t ihl;

	if (len < ETH_HLEN + QUOTE_LEN)
		return;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl != 20)
		return; /* we send no IP options */
	if (ip[9] == IPPROTO_TCP)
		memcpy(last_tcp, ip, QUOTE_LEN);
	else if (ip[9] == IPPROTO_UDP)
		memcpy(last_udp, ip, QUOTE_LEN);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_env_init();
	fuzz_selftest_leak_check();
	fuzz_tx_hook = keep_quote;
	return 0;
}

static int open_to_peer(int type, uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = fuzz_peer_ip};
	int fd = __sys_socket(AF_INET, type | SOCK_NONBLOCK, 0);
	int err = fd < 0 ? fd : __sys_connect(fd, (struct sockaddr *)&sin, sizeof(sin));

	if (fd < 0 || (err < 0 && err != -EINPROGRESS))
		__builtin_trap(); /* the harness itself is broken */
	return fd;
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t msg[ICMP_MAX_MSG], frame[ETH_HLEN + 20 + ICMP_MAX_MSG];
	const uint8_t *quote = NULL;
	struct fuzz_counts base;
	size_t len;
	int tfd, ufd;
	uint8_t ctl;

	if (size < 1 || size - 1 > sizeof(msg))
		return -1; /* not added to the corpus */
	ctl = data[0];
	len = size - 1;
	memcpy(msg, data + 1, len);

	/* Refill the ICMP rate limits, so each input is judged on its own. */
	fuzz_advance(1000);
	fake_random_seed(0x1c3b);
	fuzz_counts_take(&base);

	fuzz_learn_peer();
	tfd = open_to_peer(SOCK_STREAM, TCP_PEER_PORT);
	ufd = open_to_peer(SOCK_DGRAM, UDP_PEER_PORT);
	__sys_sendto(ufd, "query", 5, 0, NULL, 0);
	fuzz_drain_tx();

	if (ctl & CTL_QUOTE_TCP)
		quote = last_tcp;
	else if (ctl & CTL_QUOTE_UDP)
		quote = last_udp;
	if (quote) {
		size_t extra = len > ICMP_HDR_LEN ? len - ICMP_HDR_LEN : 0;

		if (len < ICMP_HDR_LEN) {
			memset(msg + len, 0, ICMP_HDR_LEN - len);
			len = ICMP_HDR_LEN;
		}
		for (size_t i = 0; i < QUOTE_LEN; i++)
			msg[ICMP_HDR_LEN + i] =
				quote[i] ^ (i < extra ? data[1 + ICMP_HDR_LEN + i] : 0);
		if (extra > QUOTE_LEN) /* the rest of the input follows the quote */
			memcpy(msg + ICMP_HDR_LEN + QUOTE_LEN, data + 1 + ICMP_HDR_LEN + QUOTE_LEN,
			       extra - QUOTE_LEN);
		len = ICMP_HDR_LEN + (extra > QUOTE_LEN ? extra : QUOTE_LEN);
	}
	if ((ctl & CTL_FIX_CSUM) && len >= 4) {
		uint16_t c;

		msg[2] = msg[3] = 0;
		c = csum(msg, len);
		msg[2] = (uint8_t)(c >> 8);
		msg[3] = (uint8_t)c;
	}
	len = fake_build_ip(frame, fuzz_our_mac, fuzz_peer_mac, fuzz_peer_ip, fuzz_our_ip,
			    IPPROTO_ICMP, msg, len);
	fake_eth_inject(fuzz_eth, frame, len);
	fuzz_drain_tx();
	if (ctl & CTL_LET_TIME_PASS)
		fuzz_advance(2000);

	__sys_close(tfd);
	__sys_close(ufd);
	fuzz_drain_tx();
	/* the SYN-SENT socket is gone at once; nothing else lingers */
	arp_flush(NULL);
	fuzz_counts_check(&base, "after one ICMP message");
	return 0;
}
