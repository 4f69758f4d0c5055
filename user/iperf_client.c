/*
 * `iperf3 -c HOST`: the iperf3 client, in the foreground, against any
 * iperf3 3.x server (iperf_client_api.c's side of the protocol in iperf.h).
 * It prints a report in iperf3's layout: one line a second, then the
 * sender and receiver summary, the peer's half taken from its results.
 * Ctrl-C ends the test with CLIENT_TERMINATE.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "user/iperf.h"
#include "user/status.h"

#define CTRL_TIMEOUT_MS 30000
#define NS_PER_S	1000000000ull
#define MAX_DURATION	86400 /* MAX_TIME */
#define UDP_SEND_BURST	64

struct client {
	struct iperf_params p;
	struct sockaddr_in server;
	int ctrl;
	int n;
	int fd[IPERF_MAX_STREAMS];
	struct iperf_stream_stats st[IPERF_MAX_STREAMS];
	uint64_t start_ns, end_ns, next_report_ns, interval_bytes;
	int interval;
};

static struct client C;
static char cbuf[IPERF_TCP_BLKSIZE];
static char cjson[IPERF_MAX_JSON + 1];
static struct iperf_peer_results cpeer;

/* iperf's unit_atof: K, M, G (1024-based for sizes, 1000-based for rates). */
static int parse_size(const char *s, uint64_t base, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		v *= base;
		end++;
		break;
	case 'm':
	case 'M':
		v *= base * base;
		end++;
		break;
	case 'g':
	case 'G':
		v *= base * base * base;
		end++;
		break;
	}
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "1.23 MBytes" / "94.1 Mbits/sec": three significant figures, as unit_snprintf. */
static void fmt_unit(char *buf, size_t n, uint64_t v, uint64_t base, const char *const units[4])
{
	uint64_t x100 = v * 100;
	int u = 0;

	while (u < 3 && x100 >= 1000 * 100 && v >= base) {
		x100 /= base;
		v /= base;
		u++;
	}
	if (x100 < 1000)
		snprintf(buf, n, "%llu.%02llu %s", (unsigned long long)(x100 / 100),
			 (unsigned long long)(x100 % 100), units[u]);
	else if (x100 < 10000)
		snprintf(buf, n, "%llu.%01llu %s", (unsigned long long)(x100 / 100),
			 (unsigned long long)(x100 % 100 / 10), units[u]);
	else
		snprintf(buf, n, "%llu %s", (unsigned long long)((x100 + 50) / 100), units[u]);
}

static void fmt_bytes(char *buf, size_t n, uint64_t bytes)
{
	static const char *const u[4] = {"Bytes", "KBytes", "MBytes", "GBytes"};

	fmt_unit(buf, n, bytes, 1024, u);
}

static void fmt_rate(char *buf, size_t n, uint64_t bytes, uint64_t ns)
{
	static const char *const u[4] = {"bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec"};
	uint64_t us = ns / 1000 ? ns / 1000 : 1;

	fmt_unit(buf, n, bytes * 8 * 1000 / us * 1000, 1000, u);
}

static void fmt_secs(char *buf, size_t n, uint64_t ns)
{
	snprintf(buf, n, "%llu.%02llu", (unsigned long long)(ns / NS_PER_S),
		 (unsigned long long)(ns % NS_PER_S / 10000000));
}

static void print_line(const char *id, uint64_t from_ns, uint64_t to_ns, uint64_t bytes,
		       const char *tail)
{
	char a[16], b[16], tr[24], rate[24];

	fmt_secs(a, sizeof(a), from_ns);
	fmt_secs(b, sizeof(b), to_ns);
	fmt_bytes(tr, sizeof(tr), bytes);
	fmt_rate(rate, sizeof(rate), bytes, to_ns - from_ns);
	printf("[%s] %6s-%-6s sec  %11s  %14s%s\n", id, a, b, tr, rate, tail);
}

static void make_cookie(char *cookie)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint64_t x = status_now_ns() * 0x9e3779b97f4a7c15ull + 1;

	for (int i = 0; i < IPERF_COOKIE_SIZE - 1; i++) {
		x ^= x << 13; /* xorshift64: the cookie only has to differ between clients */
		x ^= x >> 7;
		x ^= x << 17;
		cookie[i] = alphabet[x % 32];
	}
	cookie[IPERF_COOKIE_SIZE - 1] = '\0';
}

static int connect_streams(const char *cookie)
{
	uint32_t msg = IPERF_UDP_CONNECT_MSG, reply;
	int err;

	for (C.n = 0; C.n < C.p.parallel; C.n++) {
		struct iperf_stream_stats *s = &C.st[C.n];
		int fd = socket(AF_INET, C.p.udp ? SOCK_DGRAM : SOCK_STREAM, 0);

		if (fd < 0)
			return -errno;
		C.fd[C.n] = fd;
		memset(s, 0, sizeof(*s));
		s->id = iperf_stream_id(C.n);
		s->sender = !C.p.reverse;
		s->retransmits = -1;
		if (!C.p.udp)
			iperf_tune_stream(fd, C.p.window, 0, 0);
		if (connect(fd, (struct sockaddr *)&C.server, sizeof(C.server)) < 0)
			return -errno;
		if (!C.p.udp) {
			err = iperf_send_all(fd, cookie, IPERF_COOKIE_SIZE);
			if (err < 0)
				return err;
			iperf_tune_stream(fd, 0, 0, 1);
			continue;
		}
		/* iperf_udp_connect: one datagram, then the server's answer on the flow */
		if (send(fd, &msg, sizeof(msg), 0) < 0)
			return -errno;
		do {
			err = iperf_read_full(fd, &reply, sizeof(reply), CTRL_TIMEOUT_MS);
			if (err < 0)
				return err;
		} while (reply != IPERF_UDP_CONNECT_REPLY &&
			 reply != IPERF_LEGACY_UDP_CONNECT_REPLY);
		iperf_tune_stream(fd, 0, 0, 1);
	}
	return 0;
}

/* iperf3 labels a line with the stream's descriptor, or SUM for several. */
static void stream_label(char *id, size_t n)
{
	if (C.n > 1)
		snprintf(id, n, "SUM");
	else
		snprintf(id, n, "%3d", C.fd[0]);
}

static void report_interval(uint64_t t)
{
	char id[8];

	if (t < C.next_report_ns)
		return;
	stream_label(id, sizeof(id));
	print_line(id, (uint64_t)C.interval * NS_PER_S, t - C.start_ns, C.interval_bytes, "");
	C.interval++;
	C.interval_bytes = 0;
	C.next_report_ns = C.start_ns + (uint64_t)(C.interval + 1) * NS_PER_S;
}

static uint64_t total_bytes(void)
{
	uint64_t b = 0;

	for (int i = 0; i < C.n; i++)
		b += C.st[i].bytes;
	return b;
}

/* One pass over the streams: send what the pacing allows, or read what arrived. */
static void move_data(uint64_t t)
{
	size_t len = (size_t)C.p.blksize < sizeof(cbuf) ? (size_t)C.p.blksize : sizeof(cbuf);

	for (int i = 0; i < C.n; i++) {
		struct iperf_stream_stats *s = &C.st[i];

		for (int k = 0; k < UDP_SEND_BURST; k++) {
			long r;

			if (s->sender) {
				if (C.p.rate &&
				    s->bytes >= iperf_allowed_bytes(C.p.rate, t - C.start_ns))
					break;
				if (C.p.bytes && total_bytes() >= C.p.bytes)
					break;
				if (C.p.udp)
					iperf_udp_header(cbuf, len, t, s->packets + 1,
							 C.p.udp_counters_64bit);
				r = send(C.fd[i], cbuf, len, MSG_DONTWAIT);
				if (r > 0) {
					s->packets++;
					s->bytes += (uint64_t)r;
				}
			} else {
				r = recv(C.fd[i], cbuf, sizeof(cbuf), MSG_DONTWAIT);
				if (r > 0 && C.p.udp)
					iperf_udp_received(s, cbuf, (size_t)r, t,
							   C.p.udp_counters_64bit);
				else if (r > 0)
					s->bytes += (uint64_t)r;
			}
			if (r <= 0)
				break;
			C.interval_bytes += (uint64_t)r;
		}
	}
}

static int test_done(uint64_t t)
{
	if (C.p.bytes)
		return total_bytes() >= C.p.bytes;
	return t - C.start_ns >= (uint64_t)C.p.duration * NS_PER_S;
}

/* TEST_RUNNING until the end condition, then TEST_END; the next state comes back. */
static int run_test(void)
{
	struct pollfd pf[IPERF_MAX_STREAMS + 1];
	int ended = 0;

	C.start_ns = status_now_ns();
	C.next_report_ns = C.start_ns + NS_PER_S;
	for (int i = 0; i < C.n; i++)
		C.st[i].start_ns = C.start_ns;
	for (;;) {
		uint64_t t;
		int r;

		pf[0] = (struct pollfd){.fd = C.ctrl, .events = POLLIN};
		t = status_now_ns();
		for (int i = 0; i < C.n; i++) {
			/* a paced sender ahead of its rate waits for the clock, not for POLLOUT */
			int ahead = C.st[i].sender && C.p.rate &&
				    C.st[i].bytes >= iperf_allowed_bytes(C.p.rate, t - C.start_ns);

			pf[i + 1] = (struct pollfd){.fd = C.fd[i],
						    .events = ahead	       ? 0
							      : C.st[i].sender ? POLLOUT
									       : POLLIN};
		}
		r = poll(pf, (nfds_t)C.n + 1, C.p.udp || C.p.rate ? 1 : 100);
		if (r < 0)
			return -errno;
		if (pf[0].revents) {
			signed char st;
			int err = iperf_read_full(C.ctrl, &st, 1, CTRL_TIMEOUT_MS);

			return err < 0 ? err : st;
		}
		t = status_now_ns();
		if (!ended || C.p.reverse)
			move_data(t); /* a receiver drains until the results come */
		if (ended)
			continue;
		report_interval(t);
		if (test_done(t)) {
			ended = 1;
			C.end_ns = t;
			for (int i = 0; i < C.n; i++) {
				uint64_t retr;

				C.st[i].end_ns = t;
				if (C.st[i].sender && !C.p.udp &&
				    status_tcp_retrans(C.fd[i], &retr) == 0)
					C.st[i].retransmits = (int64_t)retr;
			}
			if (C.interval_bytes)
				report_interval(C.next_report_ns);
			r = iperf_send_state(C.ctrl, TEST_END);
			if (r < 0)
				return r;
		}
	}
}

static int exchange_results(void)
{
	struct iperf_results_info info = {.sender_has_retransmits = -1};
	int ids[IPERF_MAX_STREAMS], ie, err;
	long len;

	for (int i = 0; i < C.n; i++) {
		ids[i] = C.st[i].id;
		if (C.st[i].sender && !C.p.udp && C.st[i].retransmits >= 0)
			info.sender_has_retransmits = 1;
	}
	if (!C.p.reverse && info.sender_has_retransmits < 0)
		info.sender_has_retransmits = 0;
	len = iperf_results_format(C.st, C.n, &info, cjson, sizeof(cjson));
	if (len < 0)
		return (int)len;
	err = iperf_send_json(C.ctrl, cjson, (size_t)len);
	if (err < 0)
		return err;
	len = iperf_recv_json(C.ctrl, cjson, sizeof(cjson), CTRL_TIMEOUT_MS);
	if (len < 0)
		return (int)len;
	ie = iperf_results_parse(cjson, (size_t)len, ids, C.n, &cpeer);
	if (ie != IENONE) {
		printf("iperf3: error - %s\n", iperf_strerror(ie));
		return 1;
	}
	return 0;
}

static const struct iperf_peer_stream *peer_stream(int id)
{
	for (int i = 0; i < cpeer.n; i++)
		if (cpeer.s[i].id == id)
			return &cpeer.s[i];
	return NULL;
}

static void print_summary(void)
{
	uint64_t ours = 0, theirs = 0, their_ns = 0, lost = 0, pkts = 0, jit = 0;
	int64_t retr = 0;
	char stail[64], rtail[64], id[8];

	for (int i = 0; i < C.n; i++) {
		const struct iperf_peer_stream *ps = peer_stream(C.st[i].id);
		const struct iperf_stream_stats *s = &C.st[i];

		ours += s->bytes;
		if (!ps)
			continue;
		theirs += (uint64_t)ps->bytes;
		if ((uint64_t)ps->duration_e6 * 1000 > their_ns)
			their_ns = (uint64_t)ps->duration_e6 * 1000;
		retr += C.p.reverse ? ps->retransmits : s->retransmits;
		lost += C.p.reverse ? s->errors : (uint64_t)ps->errors;
		pkts += C.p.reverse ? s->packets : (uint64_t)ps->packets;
		jit += C.p.reverse ? (uint64_t)s->jitter_ns : (uint64_t)ps->jitter_e6 * 1000;
	}
	if (!their_ns)
		their_ns = C.end_ns - C.start_ns;
	stream_label(id, sizeof(id));
	printf("- - - - - - - - - - - - - - - - - - - - - - - - -\n");
	if (C.p.udp) {
		uint64_t j_us = C.n ? jit / (uint64_t)C.n / 1000 : 0;

		printf("[ ID] Interval           Transfer     Bitrate         Jitter    "
		       "Lost/Total Datagrams\n");
		snprintf(stail, sizeof(stail), "  0.000 ms  0/%llu (0%%)  sender",
			 (unsigned long long)pkts);
		snprintf(rtail, sizeof(rtail), "  %llu.%03llu ms  %llu/%llu (%llu%%)  receiver",
			 (unsigned long long)(j_us / 1000), (unsigned long long)(j_us % 1000),
			 (unsigned long long)lost, (unsigned long long)pkts,
			 (unsigned long long)(pkts ? lost * 100 / pkts : 0));
	} else {
		printf("[ ID] Interval           Transfer     Bitrate         Retr\n");
		snprintf(stail, sizeof(stail), "  %4lld             sender",
			 (long long)(retr < 0 ? 0 : retr));
		snprintf(rtail, sizeof(rtail), "                  receiver");
	}
	/* the sender's line first, as iperf3 prints it; the peer's half from its results */
	if (!C.p.reverse) {
		print_line(id, 0, C.end_ns - C.start_ns, ours, stail);
		print_line(id, 0, their_ns, theirs, rtail);
	} else {
		print_line(id, 0, their_ns, theirs, stail);
		print_line(id, 0, C.end_ns - C.start_ns, ours, rtail);
	}
	printf("\niperf Done.\n");
}

static int parse_args(int argc, char *argv[])
{
	uint64_t v;
	long port = IPERF_PORT;
	char *end;
	int time_set = 0;

	iperf_params_default(&C.p);
	memset(&C.server, 0, sizeof(C.server));
	C.server.sin_family = AF_INET;
	if (argc < 3 || inet_pton(AF_INET, argv[2], &C.server.sin_addr) != 1)
		return -EINVAL;
	for (int i = 3; i < argc; i++) {
		const char *o = argv[i], *a = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "-R") == 0) {
			C.p.reverse = 1;
			continue;
		}
		if (strcmp(o, "-u") == 0) {
			C.p.udp = 1;
			continue;
		}
		if (!a)
			return -EINVAL;
		i++;
		if (strcmp(o, "-p") == 0) {
			port = strtol(a, &end, 10);
			if (*end || port < 1 || port > 65535)
				return -EINVAL;
		} else if (strcmp(o, "-t") == 0) {
			C.p.duration = (int)strtol(a, &end, 10);
			if (*end || C.p.duration < 1 || C.p.duration > MAX_DURATION)
				return -EINVAL;
			time_set = 1;
		} else if (strcmp(o, "-P") == 0) {
			C.p.parallel = (int)strtol(a, &end, 10);
			if (*end || C.p.parallel < 1 || C.p.parallel > IPERF_MAX_STREAMS)
				return -EINVAL;
		} else if (strcmp(o, "-n") == 0 && parse_size(a, 1024, &v) == 0 && v) {
			C.p.bytes = v;
		} else if (strcmp(o, "-l") == 0 && parse_size(a, 1024, &v) == 0 && v &&
			   v <= IPERF_MAX_BLKSIZE) {
			C.p.blksize = (int)v;
		} else if (strcmp(o, "-w") == 0 && parse_size(a, 1024, &v) == 0 && v &&
			   v <= 4 * 1024 * 1024) {
			C.p.window = (int)v;
		} else if (strcmp(o, "-b") == 0 && parse_size(a, 1000, &v) == 0) {
			C.p.rate = v;
		} else {
			return -EINVAL;
		}
	}
	if (time_set && C.p.bytes)
		return -EINVAL; /* IEENDCONDITIONS: one end condition */
	if (C.p.bytes)
		C.p.duration = 0;
	if (!C.p.blksize)
		C.p.blksize = C.p.udp ? IPERF_UDP_BLKSIZE : IPERF_TCP_BLKSIZE;
	if (C.p.udp && !C.p.rate)
		C.p.rate = IPERF_UDP_RATE;
	C.server.sin_port = htons((uint16_t)port);
	return 0;
}

static int client_session(void)
{
	char cookie[IPERF_COOKIE_SIZE], ip[INET_ADDRSTRLEN];
	uint32_t w[2];
	long len;
	int err, st;

	make_cookie(cookie);
	err = iperf_send_all(C.ctrl, cookie, IPERF_COOKIE_SIZE);
	for (st = 0; err == 0;) {
		signed char b;

		if (st == TEST_RUNNING) {
			st = run_test();
			if (st < 0)
				return st;
		} else {
			err = iperf_read_full(C.ctrl, &b, 1, CTRL_TIMEOUT_MS);
			if (err < 0)
				return err == -ECONNRESET ? -EPIPE : err;
			st = b;
		}
		switch (st) {
		case PARAM_EXCHANGE:
			len = iperf_params_format(&C.p, cjson, sizeof(cjson));
			err = len < 0 ? (int)len : iperf_send_json(C.ctrl, cjson, (size_t)len);
			break;
		case CREATE_STREAMS:
			err = connect_streams(cookie);
			break;
		case TEST_START:
			inet_ntop(AF_INET, &C.server.sin_addr, ip, sizeof(ip));
			printf("[ ID] Interval           Transfer     Bitrate    (%s %s %s)\n",
			       C.p.udp ? "UDP" : "TCP", C.p.reverse ? "from" : "to", ip);
			break;
		case TEST_RUNNING:
			break;
		case EXCHANGE_RESULTS:
			err = exchange_results();
			break;
		case DISPLAY_RESULTS:
			print_summary();
			iperf_send_state(C.ctrl, IPERF_DONE);
			return 0;
		case ACCESS_DENIED:
			printf("iperf3: error - %s\n", iperf_strerror(IEACCESSDENIED));
			return 1;
		case SERVER_ERROR:
			err = iperf_read_full(C.ctrl, w, sizeof(w), CTRL_TIMEOUT_MS);
			if (err < 0)
				return err;
			if (ntohl(w[1]))
				printf("iperf3: error - %s: %s\n", iperf_strerror((int)ntohl(w[0])),
				       strerror((int)ntohl(w[1])));
			else
				printf("iperf3: error - %s\n", iperf_strerror((int)ntohl(w[0])));
			return 1;
		case SERVER_TERMINATE:
			printf("iperf3: error - %s\n", iperf_strerror(IESERVERTERM));
			return 1;
		default:
			printf("iperf3: error - %s\n", iperf_strerror(IEMESSAGE));
			return 1;
		}
	}
	return err;
}

int iperf_client(int argc, char *argv[])
{
	char ip[INET_ADDRSTRLEN];
	int err;

	memset(&C, 0, sizeof(C));
	if (parse_args(argc, argv) < 0) {
		printf("usage: iperf3 -c HOST [-p PORT] [-t SEC | -n BYTES] [-l LEN] [-P N] [-R]\n"
		       "              [-u [-b RATE]] [-w SIZE]\n");
		return 1;
	}
	inet_ntop(AF_INET, &C.server.sin_addr, ip, sizeof(ip));
	printf("Connecting to host %s, port %u\n", ip, (unsigned int)ntohs(C.server.sin_port));
	C.ctrl = socket(AF_INET, SOCK_STREAM, 0);
	if (C.ctrl < 0)
		return -errno;
	if (connect(C.ctrl, (struct sockaddr *)&C.server, sizeof(C.server)) < 0) {
		printf("iperf3: error - unable to connect to server: %s\n", strerror(errno));
		close(C.ctrl);
		return 1;
	}
	err = client_session();
	if (err == -EINTR) {
		iperf_send_state(C.ctrl, CLIENT_TERMINATE);
		printf("iperf3: interrupt - the client has terminated\n");
		err = 1;
	} else if (err < 0) {
		printf("iperf3: error - %s\n", strerror(-err));
		err = 1;
	}
	for (int i = 0; i < C.n; i++)
		close(C.fd[i]);
	close(C.ctrl);
	return err;
}
