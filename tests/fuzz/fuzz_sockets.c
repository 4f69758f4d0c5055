/*
 * libFuzzer target: the socket API.  Sequences of socket calls with
 * arbitrary arguments (descriptors real and made up, address families,
 * lengths, flags, option levels and names, shutdown modes) against live
 * TCP and UDP sockets over loopback and to the peer 10.0.2.2, with time
 * passing between them.  Every call is non-blocking.
 *
 * Input: records of 8 bytes (a short last one is zero-padded):
 *     op       the call, op % NR_OPS (see the switch)
 *     fd       bit 7 set: fds[fd & 7], the descriptors calls returned;
 *              clear: the byte itself minus 16 (bad descriptors: -16..111)
 *     a, b, c  call arguments (family/type/level/how/...; see each call)
 *     len      a length: len * 17 bytes for data, len % 40 for addresses
 *              and options
 *     port     a port selector: 0 -> 0, 1..7 -> 5000 + n, else n * 251
 *     addr     an address selector: see pick_addr
 *
 * Oracles: ASan/UBSan; every call returns >= 0 or a negative errno in
 * (-4096, 0); every frame sent is well formed (fuzz_drain_tx); after the
 * input every descriptor is closed, time passes until every sock has
 * ended, and sk_buffs, kmalloc blocks, socks and timers are where they
 * were before it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <poll.h>

#include "net/arp.h"
#include "net/ip.h"
#include "net/platform.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "tests/fuzz/harness.h"
#include "tests/unit/support/platform_test.h"

#define REC_LEN	       8
#define NFDS	       8
#define DATA_MAX       (255 * 17)
#define CLEANUP_MAX_MS 600000

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fds[NFDS];
static uint8_t buf[DATA_MAX + 64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_env_init();
	fuzz_selftest_leak_check();
	tcp_msl_ms = 1000; /* a whole input and its cleanup in simulated minutes */
	tcp_fin_timeout_ms = 5000;
	tcp_rto_max_ms = 10000;
	return 0;
}

static void check_ret(long r, const char *call)
{
	if (r < 0 && r <= -4096) {
		fprintf(stderr, "%s returned %ld: not a negative errno\n", call, r);
		abort();
	}
}

static void remember(int fd)
{
	for (int i = 0; i < NFDS; i++) {
		if (fds[i] < 0) {
			fds[i] = fd;
			return;
		}
	}
	__sys_close(fd); /* the pool is full: keep the input's reach bounded */
}

static int pick_fd(uint8_t b)
{
	return (b & 0x80) ? fds[b & 7] : (int)b - 16;
}

static uint16_t pick_port(uint8_t p)
{
	return p == 0 ? 0 : p < 8 ? (uint16_t)(5000 + p) : (uint16_t)(p * 251);
}

/* 0 any, 1 loopback, 2 us, 3 the peer, 4 an address off the link, 5 broadcast,
 * 6 multicast, else the byte as the last octet on the link. */
static uint32_t pick_addr(uint8_t a)
{
	switch (a) {
	case 0:
		return htonl(INADDR_ANY);
	case 1:
		return htonl(INADDR_LOOPBACK);
	case 2:
		return fuzz_our_ip;
	case 3:
		return fuzz_peer_ip;
	case 4:
		return inet_addr("192.0.2.1"); /* RFC 5737 TEST-NET-1, via the gateway */
	case 5:
		return htonl(INADDR_BROADCAST);
	case 6:
		return inet_addr("224.0.0.1");
	default:
		return (fuzz_our_ip & htonl(0xffffff00u)) | htonl(a);
	}
}

/* Addresses live in a buffer as large as any length the input states (the
 * caller's buffer is the caller's to size, as with copy_from_user). */
union addr_buf {
	struct sockaddr_in in;
	uint8_t bytes[128];
};

static socklen_t make_addr(union addr_buf *ab, const uint8_t *r)
{
	struct sockaddr_in *sin = &ab->in;

	memset(ab, 0, sizeof(*ab));
	sin->sin_family = (r[2] & 0x80) ? (sa_family_t)(r[2] & 0x7f) : AF_INET;
	sin->sin_port = htons(pick_port(r[6]));
	sin->sin_addr.s_addr = pick_addr(r[7]);
	return (r[5] & 0x80) ? (socklen_t)(r[5] % 40) : (socklen_t)sizeof(*sin);
}

static void one_call(const uint8_t *r)
{
	union addr_buf ab;
	struct sockaddr *sa = (struct sockaddr *)&ab;
	socklen_t alen;
	int fd = pick_fd(r[1]);
	size_t len = (size_t)r[5] * 17;
	long ret = 0;

	switch (r[0] % 17) {
	case 0: { /* socket: TCP or UDP, sometimes odd families and protocols */
		int type = (r[2] & 1 ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK;
		int family = r[3] & 0x80 ? r[3] & 0x7f : AF_INET;
		int proto = r[4] & 0x80 ? r[4] & 0x7f : 0;

		ret = __sys_socket(family, (r[2] & 2) ? r[2] : type, proto);
		if (ret >= 0)
			remember((int)ret);
		break;
	}
	case 1:
		alen = make_addr(&ab, r);
		ret = __sys_bind(fd, sa, alen);
		break;
	case 2:
		ret = __sys_listen(fd, (int8_t)r[2]);
		break;
	case 3:
		alen = make_addr(&ab, r);
		ret = __sys_connect(fd, sa, alen);
		break;
	case 4:
		alen = (socklen_t)(r[5] % 40);
		ret = __sys_accept4(fd, r[2] & 1 ? sa : NULL,
				    r[2] & 1 ? &alen : NULL, SOCK_NONBLOCK | (r[3] & 0x80 ? r[3] : 0));
		if (ret >= 0)
			remember((int)ret);
		break;
	case 5:
		memset(buf, r[3], len);
		ret = __sys_sendto(fd, buf, len, MSG_DONTWAIT | (r[2] & 0x40), NULL, 0);
		break;
	case 6:
		ret = __sys_recvfrom(fd, buf, len, MSG_DONTWAIT | (r[2] & (MSG_PEEK | 0x40)), NULL,
				     NULL);
		break;
	case 7:
		alen = make_addr(&ab, r);
		memset(buf, r[3], len);
		ret = __sys_sendto(fd, buf, len, MSG_DONTWAIT, sa, alen);
		break;
	case 8:
		alen = (socklen_t)(r[6] % 40);
		ret = __sys_recvfrom(fd, buf, len, MSG_DONTWAIT, sa, &alen);
		break;
	case 9: { /* setsockopt with any level, name and length */
		int level = r[2] & 1 ? SOL_SOCKET : r[2] & 2 ? IPPROTO_TCP : r[2];
		uint8_t val[40];

		memset(val, r[6], sizeof(val));
		ret = __sys_setsockopt(fd, level, r[3] % 48, val, (socklen_t)(r[5] % 40));
		break;
	}
	case 10: {
		int level = r[2] & 1 ? SOL_SOCKET : r[2] & 2 ? IPPROTO_TCP : r[2];
		uint8_t val[40];
		socklen_t vlen = (socklen_t)(r[5] % 40);

		ret = __sys_getsockopt(fd, level, r[3] % 48, val, &vlen);
		if (ret == 0 && vlen > sizeof(val))
			abort(); /* wrote past what we offered */
		break;
	}
	case 11:
		ret = __sys_shutdown(fd, (int)(r[2] % 5) - 1);
		break;
	case 12:
		ret = __sys_close(fd);
		for (int i = 0; i < NFDS; i++)
			if (ret == 0 && fds[i] == fd)
				fds[i] = -1;
		break;
	case 13: {
		struct pollfd p[NFDS];
		unsigned int n = 0;

		for (int i = 0; i < NFDS; i++) {
			if (r[2] & (1 << i)) {
				p[n].fd = i == 7 ? pick_fd(r[1]) : fds[i];
				p[n].events = (short)(r[3] | (r[4] << 8));
				n++;
			}
		}
		ret = __sys_poll(p, n, 0);
		break;
	}
	case 14:
		ret = __sys_fcntl(fd, r[2] % 8, r[3]);
		break;
	case 15:
		alen = (socklen_t)(r[5] % 40);
		ret = r[2] & 1 ? __sys_getpeername(fd, sa, &alen)
			       : __sys_getsockname(fd, sa, &alen);
		break;
	case 16:
		fuzz_advance((uint64_t)r[2] * 20);
		break;
	}
	check_ret(ret, "a socket call");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_counts base;
	uint64_t waited;

	fuzz_advance(1000);
	fake_random_seed(0x50c);
	fuzz_counts_take(&base);
	fuzz_learn_peer();
	fuzz_drain_tx();
	for (int i = 0; i < NFDS; i++)
		fds[i] = -1;
	for (size_t at = 0; at < size; at += REC_LEN) {
		uint8_t r[REC_LEN] = {0};

		memcpy(r, data + at, size - at < REC_LEN ? size - at : REC_LEN);
		one_call(r);
		fuzz_drain_tx();
	}
	for (int i = 0; i < NFDS; i++)
		if (fds[i] >= 0)
			__sys_close(fds[i]);
	fuzz_drain_tx();
	for (waited = 0; sock_in_use() != base.socks && waited < CLEANUP_MAX_MS; waited += 1000)
		fuzz_advance(1000);
	fuzz_advance(5000);
	arp_flush(NULL);
	ip_frag_flush(); /* reassembly queues wait 30 s: not a leak */
	fuzz_counts_check(&base, "after every socket was closed and its sock ended");
	return 0;
}
