/*
 * Host side of the network benchmarks (tests/bench.py runs it inside the
 * benchmark's network namespace).  Compiled, so that the client costs the
 * same few microseconds per connection for both guests and never becomes
 * the figure.  Each mode prints one JSON object on stdout.
 *
 *   netclient rr HOST PORT N CONC [TIMEOUT_S]
 *       N exchanges over CONC concurrent clients (threads), each
 *       sequentially: connect, send "hello", read until "hi" or EOF, close.
 *       Prints ok, errors, seconds and every exchange's latency in ms.
 *   netclient push HOST PORT BYTES [TIMEOUT_S]
 *       connect, send BYTES (64 KiB writes), shut down the sending side,
 *       wait for the peer's close; seconds from connect to that close.
 *   netclient discard ADDR PORT [TIMEOUT_S]
 *       accept one connection, read it to EOF (64 KiB reads); prints
 *       {"listening": PORT} first, then bytes and seconds (accept to EOF).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	  65536
#define MAX_CONC  256
#define MAX_ERROR 200

static char buf[CHUNK];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_addr(const char *ip, const char *port, struct sockaddr_in *sin)
{
	long p = strtol(port, NULL, 10);

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)p);
	return (p >= 1 && p <= 65535 && inet_pton(AF_INET, ip, &sin->sin_addr) == 1) ? 0 : -1;
}

static void set_timeout(int fd, double seconds)
{
	struct timeval tv = {.tv_sec = (time_t)seconds,
			     .tv_usec = (suseconds_t)((seconds - (time_t)seconds) * 1e6)};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void fail(const char *what)
{
	printf("{\"error\": \"%s: %s\"}\n", what, strerror(errno));
	exit(1);
}

/* ---- rr ---- */

struct rr {
	struct sockaddr_in sin;
	double timeout;
	long n;
	long next; /* exchanges handed out so far, under lock */
	long ok;
	long nerrors;
	char error[MAX_ERROR];
	double *lat_ms;
	pthread_mutex_t lock;
};

/* One exchange: 0, or -1 with a reason in why. */
static int rr_once(struct rr *r, char *why, size_t n)
{
	char in[64];
	size_t got = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t k;

	if (fd < 0) {
		snprintf(why, n, "socket: %s", strerror(errno));
		return -1;
	}
	set_timeout(fd, r->timeout);
	if (connect(fd, (struct sockaddr *)&r->sin, sizeof(r->sin)) < 0) {
		snprintf(why, n, "connect: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (send(fd, "hello", 5, MSG_NOSIGNAL) != 5) {
		snprintf(why, n, "send: %s", strerror(errno));
		close(fd);
		return -1;
	}
	while (got < sizeof(in) - 1 && (k = recv(fd, in + got, sizeof(in) - 1 - got, 0)) > 0) {
		got += (size_t)k;
		in[got] = '\0';
		if (strstr(in, "hi"))
			break;
	}
	close(fd);
	in[got] = '\0';
	if (!strstr(in, "hi")) {
		if (got)
			snprintf(why, n, "no \\\"hi\\\" in the reply");
		else
			snprintf(why, n, "no reply: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void *rr_thread(void *arg)
{
	struct rr *r = arg;
	char why[MAX_ERROR / 2];

	for (;;) {
		long i;
		double t0;
		int ret;

		pthread_mutex_lock(&r->lock);
		i = r->next < r->n ? r->next++ : -1;
		pthread_mutex_unlock(&r->lock);
		if (i < 0)
			return NULL;
		t0 = now_s();
		ret = rr_once(r, why, sizeof(why));
		pthread_mutex_lock(&r->lock);
		if (ret == 0) {
			r->lat_ms[r->ok++] = (now_s() - t0) * 1000.0;
		} else {
			if (!r->nerrors++)
				snprintf(r->error, sizeof(r->error), "exchange %ld: %s", i, why);
			/* a dead server: stop instead of timing out N times */
			if (r->nerrors >= 5 && !r->ok)
				r->next = r->n;
		}
		pthread_mutex_unlock(&r->lock);
	}
}

static int mode_rr(int argc, char **argv)
{
	pthread_t th[MAX_CONC];
	struct rr r = {.timeout = 5.0, .lock = PTHREAD_MUTEX_INITIALIZER};
	long conc;
	double t0, secs;

	if (argc < 6 || parse_addr(argv[2], argv[3], &r.sin) < 0)
		return 2;
	r.n = strtol(argv[4], NULL, 10);
	conc = strtol(argv[5], NULL, 10);
	if (argc > 6)
		r.timeout = strtod(argv[6], NULL);
	if (r.n < 1 || conc < 1 || conc > MAX_CONC)
		return 2;
	r.lat_ms = calloc((size_t)r.n, sizeof(double));
	if (!r.lat_ms)
		fail("calloc");
	t0 = now_s();
	for (long i = 0; i < conc; i++)
		if (pthread_create(&th[i], NULL, rr_thread, &r))
			fail("pthread_create");
	for (long i = 0; i < conc; i++)
		pthread_join(th[i], NULL);
	secs = now_s() - t0;
	printf("{\"n\": %ld, \"conc\": %ld, \"ok\": %ld, \"nerrors\": %ld, \"error\": \"%s\", "
	       "\"seconds\": %.6f, \"latency_ms\": [",
	       r.n, conc, r.ok, r.nerrors, r.error, secs);
	for (long i = 0; i < r.ok; i++)
		printf("%s%.4f", i ? ", " : "", r.lat_ms[i]);
	printf("]}\n");
	free(r.lat_ms);
	return 0;
}

/* ---- push ---- */

static int mode_push(int argc, char **argv)
{
	struct sockaddr_in sin;
	double timeout = 120.0, t0, t_sent;
	long long total, sent = 0;
	int fd, closed = 1;
	ssize_t k;

	if (argc < 5 || parse_addr(argv[2], argv[3], &sin) < 0)
		return 2;
	total = strtoll(argv[4], NULL, 10);
	if (argc > 5)
		timeout = strtod(argv[5], NULL);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		fail("socket");
	set_timeout(fd, timeout);
	t0 = now_s();
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		fail("connect");
	while (sent < total) {
		size_t n = total - sent < CHUNK ? (size_t)(total - sent) : CHUNK;

		k = send(fd, buf, n, MSG_NOSIGNAL);
		if (k <= 0)
			fail("send");
		sent += k;
	}
	t_sent = now_s();
	shutdown(fd, SHUT_WR);
	while ((k = recv(fd, buf, sizeof(buf), 0)) > 0)
		;
	if (k < 0)
		closed = 0;
	printf("{\"bytes\": %lld, \"seconds\": %.6f, \"seconds_to_last_send\": %.6f, "
	       "\"peer_closed\": %s}\n",
	       sent, now_s() - t0, t_sent - t0, closed ? "true" : "false");
	close(fd);
	return 0;
}

/* ---- discard ---- */

static int mode_discard(int argc, char **argv)
{
	struct sockaddr_in sin, peer;
	socklen_t len = sizeof(peer);
	double timeout = 120.0, t0;
	long long bytes = 0;
	int ls, fd, one = 1;
	ssize_t k;

	if (argc < 4 || parse_addr(argv[2], argv[3], &sin) < 0)
		return 2;
	if (argc > 4)
		timeout = strtod(argv[4], NULL);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0)
		fail("socket");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(ls, 1) < 0)
		fail("bind");
	set_timeout(ls, timeout);
	printf("{\"listening\": %s}\n", argv[3]);
	fflush(stdout);
	fd = accept(ls, (struct sockaddr *)&peer, &len);
	if (fd < 0)
		fail("accept");
	t0 = now_s();
	set_timeout(fd, timeout);
	while ((k = recv(fd, buf, sizeof(buf), 0)) > 0)
		bytes += k;
	if (k < 0)
		fail("recv");
	printf("{\"bytes\": %lld, \"seconds\": %.6f}\n", bytes, now_s() - t0);
	close(fd);
	close(ls);
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 2;

	if (argc > 1 && strcmp(argv[1], "rr") == 0)
		ret = mode_rr(argc, argv);
	else if (argc > 1 && strcmp(argv[1], "push") == 0)
		ret = mode_push(argc, argv);
	else if (argc > 1 && strcmp(argv[1], "discard") == 0)
		ret = mode_discard(argc, argv);
	if (ret == 2)
		fprintf(stderr,
			"usage: netclient rr HOST PORT N CONC [TIMEOUT_S] | "
			"push HOST PORT BYTES [TIMEOUT_S] | discard ADDR PORT [TIMEOUT_S]\n");
	return ret;
}
