/*
 * `iperf3 -s [-p PORT]`: an iperf3 server as a background task, speaking
 * the protocol of iperf 3.12 (iperf.h) to the stock client; `iperf3 -c`
 * runs the client (iperf_client.c).  One test at a time, as iperf3 does:
 * a second client gets ACCESS_DENIED.  Every wait is bounded, so a client
 * that vanishes mid-test costs the server a timeout, never the server.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "user/menu.h"
#include "user/iperf.h"
#include "user/status.h"
#include "kernel/uapi.h"

#define CTRL_TIMEOUT_MS	   30000 /* a client silent this long on the control connection */
#define COOKIE_TIMEOUT_MS  5000	 /* a new stream must send its cookie within this */
#define DATA_IDLE_MS	   60000 /* a running test with no data and no message ends */
#define DONE_TIMEOUT_MS	   10000 /* waiting for IPERF_DONE after the results */
#define LISTEN_BACKLOG	   32
#define UDP_RCV_SLICE_US   2000 /* the UDP receiver looks at the control connection this often */
#define UDP_SEND_BURST	   64	/* datagrams a late UDP sender may catch up at once */
#define TCP_SENDS_PER_POLL 8
#define NS_PER_S	   1000000000ull

struct iperf_test {
	int ctrl;
	struct sockaddr_in client;
	char cookie[IPERF_COOKIE_SIZE];
	struct iperf_params p;
	int n;					    /* streams so far */
	int fd[IPERF_MAX_STREAMS];		    /* TCP: the stream's socket, -1 once closed */
	struct sockaddr_in peer[IPERF_MAX_STREAMS]; /* UDP: where the stream comes from */
	struct iperf_stream_stats st[IPERF_MAX_STREAMS];
	int udp_fd;
	uint64_t start_ns, last_data_ns, cpu0_ms;
	int omitting;
};

static int server_port, server_listen = -1;
static struct iperf_test T;
static char data_buf[IPERF_TCP_BLKSIZE];
static char json_buf[IPERF_MAX_JSON + 1];
static char summary[256];

/* ---- control-connection I/O (also the client's) ---- */

static int wait_readable(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r = poll(&p, 1, timeout_ms);

	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

int iperf_read_full(int fd, void *buf, size_t n, int timeout_ms)
{
	char *p = buf;
	long r;
	int err;

	while (n) {
		err = wait_readable(fd, timeout_ms);
		if (err < 0)
			return err;
		r = recv(fd, p, n, MSG_DONTWAIT);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0) {
			if (errno == EAGAIN)
				continue;
			return -errno;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int iperf_send_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	long r;

	while (n) {
		r = send(fd, p, n, 0);
		if (r < 0) {
			if (errno == EAGAIN) {
				struct pollfd pf = {.fd = fd, .events = POLLOUT};

				if (poll(&pf, 1, CTRL_TIMEOUT_MS) <= 0)
					return -ETIMEDOUT;
				continue;
			}
			return -errno;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int iperf_send_state(int fd, signed char state) { return iperf_send_all(fd, &state, 1); }

long iperf_recv_json(int fd, char *buf, size_t cap, int timeout_ms)
{
	uint32_t nlen, len;
	int err;

	err = iperf_read_full(fd, &nlen, sizeof(nlen), timeout_ms);
	if (err < 0)
		return err;
	len = ntohl(nlen);
	if (len >= cap)
		return -EMSGSIZE;
	err = iperf_read_full(fd, buf, len, timeout_ms);
	if (err < 0)
		return err;
	buf[len] = '\0';
	return (long)len;
}

int iperf_send_json(int fd, const char *json, size_t len)
{
	uint32_t nlen = htonl((uint32_t)len);
	int err = iperf_send_all(fd, &nlen, sizeof(nlen));

	return err < 0 ? err : iperf_send_all(fd, json, len);
}

void iperf_tune_stream(int fd, int window, int nodelay, int nonblock)
{
	int one = 1;

	if (window) {
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &window, sizeof(window));
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &window, sizeof(window));
	}
	if (nodelay)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (nonblock)
		fcntl(fd, F_SETFL, O_NONBLOCK);
}

/* ---- the server ---- */

static uint64_t now_ns(void) { return status_now_ns(); }

/* A connection that is not part of the running test: iperf_accept's ACCESS_DENIED. */
static void deny(int fd)
{
	iperf_send_state(fd, ACCESS_DENIED);
	close(fd);
}

static void deny_pending(void)
{
	int fd = accept4(server_listen, NULL, NULL, SOCK_NONBLOCK);

	if (fd >= 0)
		deny(fd);
}

static void add_stream(int fd, const struct sockaddr_in *peer)
{
	struct iperf_stream_stats *s = &T.st[T.n];

	memset(s, 0, sizeof(*s));
	s->id = iperf_stream_id(T.n);
	s->sender = T.p.reverse;
	s->retransmits = -1;
	T.fd[T.n] = fd;
	if (peer)
		T.peer[T.n] = *peer;
	T.n++;
}

/* A TCP connection during CREATE_STREAMS: a stream if it brings our cookie. */
static void accept_tcp_stream(void)
{
	char cookie[IPERF_COOKIE_SIZE];
	int fd = accept(server_listen, NULL, NULL);

	if (fd < 0)
		return;
	if (T.p.udp || T.n == T.p.parallel ||
	    iperf_read_full(fd, cookie, sizeof(cookie), COOKIE_TIMEOUT_MS) < 0 ||
	    memcmp(cookie, T.cookie, sizeof(cookie)) != 0) {
		deny(fd);
		return;
	}
	iperf_tune_stream(fd, T.p.window, T.p.nodelay, 1);
	add_stream(fd, NULL);
}

/* iperf_udp_accept: a datagram from a new port is a new stream; we answer it. */
static void accept_udp_stream(void)
{
	uint32_t reply = IPERF_UDP_CONNECT_REPLY;
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	int i;

	if (recvfrom(T.udp_fd, data_buf, sizeof(data_buf), MSG_DONTWAIT, (struct sockaddr *)&from,
		     &len) < 0)
		return;
	for (i = 0; i < T.n; i++)
		if (T.peer[i].sin_port == from.sin_port &&
		    T.peer[i].sin_addr.s_addr == from.sin_addr.s_addr)
			return; /* a duplicate */
	if (T.n == T.p.parallel || from.sin_addr.s_addr != T.client.sin_addr.s_addr)
		return;
	add_stream(-1, &from);
	sendto(T.udp_fd, &reply, sizeof(reply), 0, (struct sockaddr *)&from, sizeof(from));
}

/* Reads one state byte from the client: the byte, or -errno. */
static int read_state(void)
{
	signed char st;
	int err = iperf_read_full(T.ctrl, &st, 1, CTRL_TIMEOUT_MS);

	return err < 0 ? err : st;
}

static int create_streams(void)
{
	uint64_t deadline = now_ns() + (uint64_t)CTRL_TIMEOUT_MS * 1000000;
	struct pollfd pf[3];

	while (T.n < T.p.parallel) {
		int r;

		if (now_ns() > deadline)
			return -ETIMEDOUT;
		pf[0] = (struct pollfd){.fd = T.ctrl, .events = POLLIN};
		pf[1] = (struct pollfd){.fd = server_listen, .events = POLLIN};
		pf[2] = (struct pollfd){.fd = T.udp_fd, .events = POLLIN};
		r = poll(pf, T.p.udp ? 3 : 2, 1000);
		if (r < 0)
			return -errno;
		if (pf[0].revents)
			return -ECONNRESET; /* the client gave up (or sent something out of turn) */
		if (pf[1].revents & POLLIN)
			accept_tcp_stream();
		if (T.p.udp && (pf[2].revents & POLLIN))
			accept_udp_stream();
	}
	return 0;
}

static void start_counting(void)
{
	uint64_t t = now_ns();

	for (int i = 0; i < T.n; i++) {
		struct iperf_stream_stats *s = &T.st[i];

		s->bytes = s->packets = s->errors = s->outoforder = 0;
		s->jitter_ns = s->prev_transit_ns = 0;
		s->start_ns = t;
	}
	T.start_ns = T.last_data_ns = t;
}

/* Handles the control connection and the listener while running: 1 on TEST_END, else -errno. */
static int poll_control(short ctrl_revents, short listen_revents)
{
	int st;

	if (listen_revents & POLLIN)
		deny_pending();
	if (!ctrl_revents)
		return 0;
	st = read_state();
	if (st == TEST_END)
		return 1;
	if (st == TEST_START || st == TEST_RUNNING)
		return 0;
	return st < 0 ? st : -ECONNABORTED; /* CLIENT_TERMINATE, IPERF_DONE, ... */
}

/* The omitted first seconds (-O) and the idle watchdog; -ETIMEDOUT ends the test. */
static int housekeeping(uint64_t t)
{
	if (T.omitting && t - T.start_ns >= (uint64_t)T.p.omit * NS_PER_S) {
		T.omitting = 0;
		start_counting();
	}
	if (t - T.last_data_ns > (uint64_t)DATA_IDLE_MS * 1000000)
		return -ETIMEDOUT;
	return 0;
}

static int run_tcp(void)
{
	struct pollfd pf[IPERF_MAX_STREAMS + 2];
	int i, r, k;

	for (;;) {
		uint64_t t;

		pf[0] = (struct pollfd){.fd = T.ctrl, .events = POLLIN};
		pf[1] = (struct pollfd){.fd = server_listen, .events = POLLIN};
		t = now_ns();
		for (i = 0; i < T.n; i++) {
			/* a paced sender ahead of its rate waits for the clock, not for POLLOUT */
			int ahead = T.p.reverse && T.p.rate &&
				    T.st[i].bytes >=
					    iperf_allowed_bytes(T.p.rate, t - T.st[i].start_ns);

			pf[i + 2] = (struct pollfd){.fd = T.fd[i],
						    .events = ahead	    ? 0
							      : T.p.reverse ? POLLOUT
									    : POLLIN};
		}
		r = poll(pf, (nfds_t)T.n + 2, T.p.rate ? 1 : 1000);
		if (r < 0)
			return -errno;
		r = poll_control(pf[0].revents, pf[1].revents);
		if (r)
			return r;
		t = now_ns();
		for (i = 0; i < T.n; i++) {
			struct iperf_stream_stats *s = &T.st[i];

			if (T.fd[i] < 0 || !pf[i + 2].revents)
				continue;
			for (k = 0; k < TCP_SENDS_PER_POLL; k++) {
				size_t len = (size_t)T.p.blksize < sizeof(data_buf)
						     ? (size_t)T.p.blksize
						     : sizeof(data_buf);
				long n;

				/* -b on TCP: no more than rate * elapsed (iperf_check_throttle) */
				if (T.p.reverse && T.p.rate &&
				    s->bytes >= iperf_allowed_bytes(T.p.rate, t - s->start_ns))
					break;
				n = T.p.reverse ? send(T.fd[i], data_buf, len, MSG_DONTWAIT)
						: recv(T.fd[i], data_buf, sizeof(data_buf),
						       MSG_DONTWAIT);
				if (n > 0) {
					s->bytes += (uint64_t)n;
					T.last_data_ns = t;
					continue;
				}
				if (n == 0 || errno != EAGAIN) {
					close(T.fd[i]); /* the client closed it: the test goes on */
					T.fd[i] = -1;
				}
				break;
			}
		}
		r = housekeeping(t);
		if (r)
			return r;
	}
}

static int find_udp_stream(const struct sockaddr_in *from)
{
	for (int i = 0; i < T.n; i++)
		if (T.peer[i].sin_port == from->sin_port &&
		    T.peer[i].sin_addr.s_addr == from->sin_addr.s_addr)
			return i;
	return -1;
}

static int udp_receive(void)
{
	struct timeval tv = {.tv_usec = UDP_RCV_SLICE_US};
	struct sockaddr_in from;
	uint64_t next_check = 0;

	/* blocking receives with a short timeout: UDP wakes its own reader at once */
	setsockopt(T.udp_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		socklen_t len = sizeof(from);
		long n = recvfrom(T.udp_fd, data_buf, sizeof(data_buf), 0, (struct sockaddr *)&from,
				  &len);
		uint64_t t = now_ns();
		int i;

		if (n >= 0 && (i = find_udp_stream(&from)) >= 0) {
			iperf_udp_received(&T.st[i], data_buf, (size_t)n, t,
					   T.p.udp_counters_64bit);
			T.last_data_ns = t;
		} else if (n < 0 && errno != EAGAIN) {
			return -errno;
		}
		if (t >= next_check) {
			struct pollfd pf[2] = {{.fd = T.ctrl, .events = POLLIN},
					       {.fd = server_listen, .events = POLLIN}};
			int r = poll(pf, 2, 0);

			if (r < 0)
				return -errno;
			r = poll_control(pf[0].revents, pf[1].revents);
			if (!r)
				r = housekeeping(t);
			if (r)
				return r;
			next_check = t + UDP_RCV_SLICE_US * 1000ull;
		}
	}
}

/* -R -u: each stream paced to the rate (iperf_check_throttle), datagrams of -l bytes. */
static int udp_send(void)
{
	size_t len =
		(size_t)T.p.blksize < sizeof(data_buf) ? (size_t)T.p.blksize : sizeof(data_buf);

	for (;;) {
		struct pollfd pf[2] = {{.fd = T.ctrl, .events = POLLIN},
				       {.fd = server_listen, .events = POLLIN}};
		uint64_t t = now_ns();
		int r;

		for (int i = 0; i < T.n; i++) {
			struct iperf_stream_stats *s = &T.st[i];

			for (int k = 0; k < UDP_SEND_BURST; k++) {
				if (s->bytes >= iperf_allowed_bytes(T.p.rate, t - s->start_ns))
					break;
				iperf_udp_header(data_buf, len, t, s->packets + 1,
						 T.p.udp_counters_64bit);
				if (sendto(T.udp_fd, data_buf, len, 0,
					   (struct sockaddr *)&T.peer[i], sizeof(T.peer[i])) < 0)
					break; /* no buffer now: try again next tick */
				s->packets++;
				s->bytes += len;
				T.last_data_ns = t;
			}
		}
		r = poll(pf, 2, 1);
		if (r < 0)
			return -errno;
		r = poll_control(pf[0].revents, pf[1].revents);
		if (!r)
			r = housekeeping(t);
		if (r)
			return r;
	}
}

static void close_streams(void)
{
	for (int i = 0; i < T.n; i++) {
		if (T.fd[i] >= 0)
			close(T.fd[i]);
		T.fd[i] = -1;
	}
	if (T.udp_fd >= 0)
		close(T.udp_fd);
	T.udp_fd = -1;
}

static void format_summary(void)
{
	uint64_t bytes = 0, ns = 1, pkts = 0, lost = 0, jit = 0;
	char ip[INET_ADDRSTRLEN];
	int n;

	for (int i = 0; i < T.n; i++) {
		bytes += T.st[i].bytes;
		pkts += T.st[i].packets;
		lost += T.st[i].errors;
		jit += (uint64_t)T.st[i].jitter_ns;
		if (T.st[i].end_ns - T.st[i].start_ns > ns)
			ns = T.st[i].end_ns - T.st[i].start_ns;
	}
	inet_ntop(AF_INET, &T.client.sin_addr, ip, sizeof(ip));
	n = snprintf(
		summary, sizeof(summary),
		"iperf3: %s %s, %d stream%s, %s %llu bytes in %llu.%02llu s, %llu kbit/s", ip,
		T.p.udp ? "UDP" : "TCP", T.n, T.n == 1 ? "" : "s",
		T.p.reverse ? "sent" : "received", (unsigned long long)bytes,
		(unsigned long long)(ns / NS_PER_S), (unsigned long long)(ns % NS_PER_S / 10000000),
		(unsigned long long)(bytes * 8 * 1000000 / (ns / 1000 ? ns / 1000 : 1) / 1000));
	if (T.p.udp && !T.p.reverse && n > 0 && (size_t)n < sizeof(summary))
		snprintf(summary + n, sizeof(summary) - (size_t)n,
			 ", lost %llu/%llu, jitter %llu us", (unsigned long long)lost,
			 (unsigned long long)pkts,
			 (unsigned long long)(jit / (uint64_t)T.n / 1000));
}

/* EXCHANGE_RESULTS: the client's document first, then ours (iperf_exchange_results). */
static int exchange_results(void)
{
	struct iperf_results_info info = {0};
	static struct iperf_peer_results peer;
	uint64_t wall_ms = (now_ns() - T.start_ns) / 1000000;
	int ids[IPERF_MAX_STREAMS], ie, err;
	signed char done;
	long len;

	for (int i = 0; i < T.n; i++) {
		uint64_t retr;

		ids[i] = T.st[i].id;
		if (T.fd[i] >= 0 && T.p.reverse && !T.p.udp &&
		    status_tcp_retrans(T.fd[i], &retr) == 0) {
			T.st[i].retransmits = (int64_t)retr;
			info.sender_has_retransmits = 1;
		}
	}
	close_streams();
	if (!T.p.reverse)
		info.sender_has_retransmits = -1;
	info.cpu_total_e3 =
		wall_ms ? (int)((status_task_cpu_ms() - T.cpu0_ms) * 100000 / wall_ms) : 0;
	format_summary();
	if (T.p.get_server_output)
		info.server_output = summary;
	err = iperf_send_state(T.ctrl, EXCHANGE_RESULTS);
	if (err < 0)
		return err;
	len = iperf_recv_json(T.ctrl, json_buf, sizeof(json_buf), CTRL_TIMEOUT_MS);
	if (len < 0)
		return (int)len;
	ie = iperf_results_parse(json_buf, (size_t)len, ids, T.n, &peer);
	if (ie != IENONE) {
		printf("iperf3: client results: %s\n", iperf_strerror(ie));
		return -EPROTO;
	}
	len = iperf_results_format(T.st, T.n, &info, json_buf, sizeof(json_buf));
	if (len < 0)
		return (int)len;
	err = iperf_send_json(T.ctrl, json_buf, (size_t)len);
	if (!err)
		err = iperf_send_state(T.ctrl, DISPLAY_RESULTS);
	if (err < 0)
		return err;
	/* IPERF_DONE: the test is over whatever comes */
	iperf_read_full(T.ctrl, &done, 1, DONE_TIMEOUT_MS);
	printf("%s\n", summary);
	return 0;
}

static int refuse(int ie, int sys_errno)
{
	uint32_t w[2] = {htonl((uint32_t)ie), htonl((uint32_t)sys_errno)};

	printf("iperf3: refused a test: %s\n", iperf_strerror(ie));
	if (iperf_send_state(T.ctrl, SERVER_ERROR) == 0)
		iperf_send_all(T.ctrl, w, sizeof(w));
	return -EINVAL;
}

static int open_udp(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)server_port)};
	int one = 1;

	T.udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (T.udp_fd < 0)
		return -errno;
	setsockopt(T.udp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(T.udp_fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return -errno;
	return 0;
}

static int serve_test(void)
{
	int ie, sys_errno, err;
	long len;

	err = iperf_read_full(T.ctrl, T.cookie, IPERF_COOKIE_SIZE, CTRL_TIMEOUT_MS);
	if (err < 0)
		return err;
	T.cookie[IPERF_COOKIE_SIZE - 1] = '\0';
	err = iperf_send_state(T.ctrl, PARAM_EXCHANGE);
	if (err < 0)
		return err;
	len = iperf_recv_json(T.ctrl, json_buf, sizeof(json_buf), CTRL_TIMEOUT_MS);
	if (len < 0)
		return refuse(IERECVPARAMS, (int)-len);
	ie = iperf_params_parse(json_buf, (size_t)len, &T.p, &sys_errno);
	if (ie != IENONE)
		return refuse(ie, sys_errno);
	if (T.p.udp && (err = open_udp()) < 0)
		return refuse(IEUNIMP, -err);
	err = iperf_send_state(T.ctrl, CREATE_STREAMS);
	if (!err)
		err = create_streams();
	if (err < 0)
		return err;
	T.cpu0_ms = status_task_cpu_ms();
	T.omitting = T.p.omit > 0;
	start_counting();
	err = iperf_send_state(T.ctrl, TEST_START);
	if (!err)
		err = iperf_send_state(T.ctrl, TEST_RUNNING);
	if (err < 0)
		return err;
	if (!T.p.udp)
		err = run_tcp();
	else
		err = T.p.reverse ? udp_send() : udp_receive();
	if (err != 1)
		return err;
	for (int i = 0; i < T.n; i++)
		T.st[i].end_ns = now_ns();
	return exchange_results();
}

static void iperf_server_task(void *arg)
{
	(void)arg;
	for (;;) {
		struct pollfd pl = {.fd = server_listen, .events = POLLIN};
		socklen_t len = sizeof(T.client);
		int fd, err, one = 1;

		/* the listener does not block: a connection gone before accept() costs nothing */
		poll(&pl, 1, -1);
		fd = accept(server_listen, (struct sockaddr *)&T.client, &len);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED ||
			    errno == EMFILE || errno == ENOMEM) {
				msleep(10);
				continue;
			}
			printf("iperf3: accept: %s\n", strerror(errno));
			break;
		}
		memset(&T.st, 0, sizeof(T.st));
		T.ctrl = fd;
		T.n = 0;
		T.udp_fd = -1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		err = serve_test();
		close_streams();
		if (err < 0 && err != -EINVAL)
			printf("iperf3: test ended: %s\n", strerror(-err));
		close(fd);
	}
	close(server_listen);
	server_listen = -1;
}

static int start_server(int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd, one = 1;

	if (server_listen >= 0) {
		printf("iperf3: a server is already running on port %d\n", server_port);
		return 1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		printf("iperf3: port %d: %s\n", port, strerror(errno));
		close(fd);
		return 1;
	}
	server_listen = fd;
	server_port = port;
	if (kernel_thread(iperf_server_task, NULL, "iperf3") < 0) {
		close(fd);
		server_listen = -1;
		return -ENOMEM;
	}
	printf("Server listening on %d\n", port);
	return 0;
}

static int usage(void)
{
	printf("usage: iperf3 -s [-p PORT]\n"
	       "       iperf3 -c HOST [-p PORT] [-t SEC | -n BYTES] [-l LEN] [-P N] [-R]\n"
	       "              [-u [-b RATE]] [-w SIZE]\n");
	return 1;
}

static int cmd_iperf3(int argc, char *argv[])
{
	long port = IPERF_PORT;
	char *end;

	if (argc >= 2 && strcmp(argv[1], "-c") == 0)
		return iperf_client(argc, argv);
	if (argc < 2 || strcmp(argv[1], "-s") != 0)
		return usage();
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
			port = strtol(argv[++i], &end, 10);
			if (*end || port < 1 || port > 65535)
				return usage();
		} else {
			return usage();
		}
	}
	return start_server((int)port);
}

void menu_register_iperf(void)
{
	MenuConfig("iperf3", "iperf3 -s [-p PORT] | -c HOST [options]: iperf3 server or client",
		   cmd_iperf3);
}
