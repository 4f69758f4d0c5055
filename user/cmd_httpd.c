/*
 * `httpd [PORT]`: an HTTP/1.1 server (RFC 9112) as a background task.
 * One task runs an event loop over non-blocking sockets with poll():
 * persistent connections, pipelined requests answered in order, GET and
 * HEAD on the built-in site (httpd_site.c).
 *
 * Every connection holds one of a fixed number of slots, and every state
 * has a deadline, so that slow or hostile clients cost bounded memory and
 * time: a request head must be complete HEAD_TIMEOUT_MS after its first
 * byte (slowloris), an idle connection is closed after IDLE_TIMEOUT_MS
 * (both with 408), a head larger than the buffer gets 431.  When every slot
 * is taken, the connection that has waited longest for its request head is
 * closed to admit the new one; if all are busy sending, the new one gets 503.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "user/menu.h"
#include "user/http.h"
#include "user/httpd.h"
#include "user/status.h"
#include "kernel/uapi.h"

#define HTTPD_PORT	  80
#define MAX_CONNS	  128  /* the descriptor table has 256 for everything */
#define HEAD_MAX	  8192 /* request head buffer: 431 beyond */
#define OUT_MAX		  4096 /* header and small bodies go out in one send */
#define LISTEN_BACKLOG	  128
#define IDLE_TIMEOUT_MS	  5000
#define HEAD_TIMEOUT_MS	  10000
#define SEND_TIMEOUT_MS	  30000 /* a client that reads nothing for this long is dropped */
#define LINGER_MS	  2000	/* reading after our FIN, so our last response is not reset */
#define EVICT_MIN_AGE_MS  500
#define ACCEPTS_PER_ROUND 16
#define ACCEPT_PAUSE_MS	  100
#define PATTERN_LEN	  (HTTPD_PATTERN_PERIOD * 315)

enum conn_state { C_FREE, C_READ, C_WRITE, C_LINGER };

struct conn {
	int fd;
	enum conn_state state;
	uint64_t deadline;	/* ms: when this state gives up */
	uint64_t waiting_since; /* ms: when we began to wait for the current request */
	size_t in_len;
	char in[HEAD_MAX];
	char out[OUT_MAX];
	size_t out_len, out_off;
	char *body; /* malloc'd part of the response after out[] */
	size_t body_len, body_off;
	uint64_t gen_len, gen_off; /* /bytes/N still to generate */
	int close_after;
};

static int httpd_listen = -1;
static uint64_t accept_paused_until;
static struct conn *conns;
static struct httpd_stats stats;
static char pattern[PATTERN_LEN + HTTPD_PATTERN_PERIOD];

static uint64_t now_ms(void) { return status_uptime_ms(); }

static void conn_free(struct conn *c)
{
	close(c->fd);
	free(c->body);
	c->body = NULL;
	c->state = C_FREE;
	stats.active--;
}

static void wait_request(struct conn *c, uint64_t t)
{
	c->state = C_READ;
	c->waiting_since = t;
	c->deadline = t + IDLE_TIMEOUT_MS;
}

/* Queues the status line and fields (and the body, if it fits) in c->out. */
static void respond(struct conn *c, int status, const char *type, const char *extra,
		    const char *body, size_t body_len, uint64_t gen_len, int head_only)
{
	uint64_t clen = body ? body_len : gen_len;
	int n;

	if (status >= 500)
		stats.responses_5xx++;
	else if (status >= 400)
		stats.responses_4xx++;
	else
		stats.responses_2xx++;
	/* RFC 9110 6.6.1: without a reliable clock, an origin server sends no Date */
	n = snprintf(c->out, sizeof(c->out),
		     "HTTP/1.1 %d %s\r\nServer: MenuOS-httpd\r\nContent-Type: %s\r\n"
		     "Content-Length: %llu\r\n%s%s\r\n",
		     status, http_reason(status), type, (unsigned long long)clen,
		     extra ? extra : "",
		     c->close_after ? "Connection: close\r\n" : "Connection: keep-alive\r\n");
	c->out_len = (size_t)n < sizeof(c->out) ? (size_t)n : sizeof(c->out) - 1;
	c->out_off = 0;
	c->body_len = c->body_off = 0;
	c->gen_len = c->gen_off = 0;
	if (!head_only) {
		if (body && body_len <= sizeof(c->out) - c->out_len) {
			memcpy(c->out + c->out_len, body, body_len);
			c->out_len += body_len;
		} else if (body) {
			c->body_len = body_len;
		}
		c->gen_len = gen_len;
	}
	c->state = C_WRITE;
	c->deadline = now_ms() + SEND_TIMEOUT_MS;
}

static void respond_error(struct conn *c, int status)
{
	char body[128];
	int n = snprintf(body, sizeof(body), "<html><body><h1>%d %s</h1></body></html>\n", status,
			 http_reason(status));

	free(c->body);
	c->body = NULL;
	c->close_after = status != 404 && status != 405;
	respond(c, status, "text/html; charset=utf-8",
		status == 405 ? "Allow: GET, HEAD\r\n" : NULL, body, (size_t)n, 0, 0);
}

static void handle_request(struct conn *c, const struct http_request *req)
{
	struct httpd_body b;

	stats.requests++;
	c->close_after = !req->keep_alive;
	if (req->chunked) {
		/* RFC 9112 6.1: no request bodies here; the stream can no longer be framed */
		respond_error(c, 501);
		return;
	}
	if (req->content_length) {
		respond_error(c, 413);
		return;
	}
	if (req->method == HTTP_OTHER) {
		respond_error(c, 405);
		return;
	}
	if (httpd_route(req->path, req->path_len, &stats, &b) < 0) {
		respond_error(c, 503);
		return;
	}
	free(c->body);
	c->body = b.data;
	respond(c, b.status, b.type, NULL, b.data, b.len, b.gen_len, req->method == HTTP_HEAD);
	if (c->body && !c->body_len) {
		free(c->body); /* copied into out[] (or not sent: HEAD) */
		c->body = NULL;
	}
}

/* Parses what is buffered; answers the first complete request (pipelining keeps the rest). */
static void process_input(struct conn *c)
{
	struct http_request req;
	long r;

	if (!c->in_len)
		return;
	r = http_parse_request(c->in, c->in_len, sizeof(c->in), &req);
	if (r == 0) {
		if (c->in_len == sizeof(c->in))
			respond_error(c, 431);
		return;
	}
	if (r < 0) {
		respond_error(c, (int)-r);
		return;
	}
	handle_request(c, &req);
	c->in_len -= (size_t)r;
	memmove(c->in, c->in + r, c->in_len);
}

static void on_lingering(struct conn *c)
{
	char scratch[512];
	long n = recv(c->fd, scratch, sizeof(scratch), MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN))
		conn_free(c);
}

/* Sends until the socket is full; 1 when the response is complete. */
static int send_some(struct conn *c)
{
	for (;;) {
		const char *p;
		size_t len;
		long n;

		if (c->out_off < c->out_len) {
			p = c->out + c->out_off;
			len = c->out_len - c->out_off;
		} else if (c->body_off < c->body_len) {
			p = c->body + c->body_off;
			len = c->body_len - c->body_off;
		} else if (c->gen_off < c->gen_len) {
			uint64_t left = c->gen_len - c->gen_off;

			p = pattern + c->gen_off % HTTPD_PATTERN_PERIOD;
			len = left < PATTERN_LEN ? (size_t)left : PATTERN_LEN;
		} else {
			return 1;
		}
		n = send(c->fd, p, len, MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		stats.bytes_sent += (uint64_t)n;
		if (c->out_off < c->out_len)
			c->out_off += (size_t)n;
		else if (c->body_off < c->body_len)
			c->body_off += (size_t)n;
		else
			c->gen_off += (uint64_t)n;
	}
}

static void on_writable(struct conn *c, uint64_t t)
{
	for (;;) {
		int r = send_some(c);

		if (r < 0) {
			conn_free(c);
			return;
		}
		c->deadline = t + SEND_TIMEOUT_MS; /* progress, or the first try */
		if (!r)
			return;
		free(c->body);
		c->body = NULL;
		if (c->close_after) {
			/* half-close, then read to the client's FIN: closing with unread data resets */
			shutdown(c->fd, SHUT_WR);
			c->state = C_LINGER;
			c->deadline = t + LINGER_MS;
			return;
		}
		wait_request(c, t);
		process_input(c); /* a pipelined request may be waiting */
		if (c->state != C_WRITE)
			return;
	}
}

static void on_readable(struct conn *c, uint64_t t)
{
	long n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN)) {
		conn_free(c);
		return;
	}
	if (n < 0)
		return;
	if (c->in_len == 0) /* the first byte of a request: its head now has a deadline */
		c->deadline = t + HEAD_TIMEOUT_MS;
	c->in_len += (size_t)n;
	process_input(c);
	if (c->state == C_WRITE)
		on_writable(c, t);
}

static void on_timeout(struct conn *c, uint64_t t)
{
	if (c->state == C_READ) {
		stats.timeouts++;
		c->in_len = 0;
		respond_error(c, 408);
		on_writable(c, t);
	} else {
		conn_free(c);
	}
}

/* The slot of the connection that has waited longest for a request head, or NULL. */
static struct conn *evict_candidate(uint64_t t)
{
	struct conn *best = NULL;

	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &conns[i];

		if (c->state == C_READ && t - c->waiting_since >= EVICT_MIN_AGE_MS &&
		    (!best || c->waiting_since < best->waiting_since))
			best = c;
		else if (c->state == C_LINGER && !best)
			best = c;
	}
	return best;
}

/*
 * With every slot taken, a connection still waiting for its request whose
 * client has already closed (recv would return 0: the FIN is queued) would
 * give its slot back only in the next poll round; when a burst of clients
 * closes at once, that turned new connections away with 503.  Free those
 * now and return one of the slots, or NULL.
 */
static struct conn *reap_closed(void)
{
	struct conn *freed = NULL;
	char b;

	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &conns[i];

		if (c->state == C_READ && recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0) {
			conn_free(c);
			freed = c;
		}
	}
	return freed;
}

/* 503 to a connection that gets no slot, after reading what it sent (so close sends FIN). */
static void refuse_busy(int fd)
{
	static const char busy[] =
		"HTTP/1.1 503 Service Unavailable\r\nServer: MenuOS-httpd\r\n"
		"Content-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n";
	char scratch[512];

	while (recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT) > 0)
		;
	send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT);
	stats.rejected_busy++;
	stats.responses_5xx++;
	close(fd);
}

static void accept_new(uint64_t t)
{
	static const char evicted[] = "HTTP/1.1 408 Request Timeout\r\nServer: MenuOS-httpd\r\n"
				      "Content-Length: 0\r\nConnection: close\r\n\r\n";

	for (int k = 0; k < ACCEPTS_PER_ROUND; k++) {
		int fd = accept4(httpd_listen, NULL, NULL, SOCK_NONBLOCK), one = 1;
		struct conn *c = NULL;

		if (fd < 0) {
			/* no descriptor or memory left: stop asking for a while rather than spin */
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
				accept_paused_until = t + ACCEPT_PAUSE_MS;
			return;
		}
		stats.accepted++;
		for (int i = 0; i < MAX_CONNS && !c; i++)
			if (conns[i].state == C_FREE)
				c = &conns[i];
		if (!c)
			c = reap_closed();
		if (!c) {
			c = evict_candidate(t);
			if (!c) {
				refuse_busy(fd);
				continue;
			}
			stats.evicted++;
			if (c->state == C_READ)
				send(c->fd, evicted, sizeof(evicted) - 1, MSG_DONTWAIT);
			conn_free(c);
		}
		/* responses are written whole: no reason to wait for more (Nagle) */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->in_len = 0;
		c->body = NULL;
		c->close_after = 0;
		stats.active++;
		wait_request(c, t);
	}
}

static void httpd_task(void *arg)
{
	static struct pollfd pfd[MAX_CONNS + 1];
	static int slot[MAX_CONNS + 1];

	(void)arg;
	for (;;) {
		uint64_t t = now_ms(), next = t + 1000;
		int n = 1, r;

		pfd[0] = (struct pollfd){.fd = httpd_listen,
					 .events = t >= accept_paused_until ? POLLIN : 0};
		if (t < accept_paused_until && accept_paused_until < next)
			next = accept_paused_until;
		for (int i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &conns[i];

			if (c->state == C_FREE)
				continue;
			pfd[n] = (struct pollfd){.fd = c->fd,
						 .events = c->state == C_WRITE ? POLLOUT : POLLIN};
			slot[n++] = i;
			if (c->deadline < next)
				next = c->deadline;
		}
		r = poll(pfd, (nfds_t)n, next > t ? (int)(next - t) : 0);
		if (r < 0 && errno != EINTR) {
			printf("httpd: poll: %s\n", strerror(errno));
			msleep(100);
			continue;
		}
		t = now_ms();
		for (int k = 1; k < n; k++) {
			struct conn *c = &conns[slot[k]];

			if (c->state == C_FREE || c->fd != pfd[k].fd)
				continue; /* freed (evicted) during this round */
			if (pfd[k].revents & (POLLERR | POLLNVAL)) {
				conn_free(c);
			} else if (pfd[k].revents) {
				if (c->state == C_READ)
					on_readable(c, t);
				else if (c->state == C_WRITE)
					on_writable(c, t);
				else
					on_lingering(c);
			}
			if (c->state != C_FREE && t >= c->deadline)
				on_timeout(c, t);
		}
		if (pfd[0].revents & POLLIN)
			accept_new(t);
	}
}

static int cmd_httpd(int argc, char *argv[])
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	long port = HTTPD_PORT;
	int fd, one = 1;
	char *end;

	if (argc > 2 ||
	    (argc == 2 && ((port = strtol(argv[1], &end, 10)) < 1 || port > 65535 || *end))) {
		printf("usage: httpd [PORT]   (default %d)\n", HTTPD_PORT);
		return 1;
	}
	if (httpd_listen >= 0) {
		printf("httpd: already running on port %u\n", stats.port);
		return 1;
	}
	if (!conns) {
		conns = calloc(MAX_CONNS, sizeof(*conns));
		if (!conns)
			return -ENOMEM;
	}
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (char)('a' + i % HTTPD_PATTERN_PERIOD);
	sin.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		printf("httpd: port %ld: %s\n", port, strerror(errno));
		close(fd);
		return 1;
	}
	httpd_listen = fd;
	stats.port = (uint16_t)port;
	stats.max_conns = MAX_CONNS;
	if (kernel_thread(httpd_task, NULL, "httpd") < 0) {
		close(fd);
		httpd_listen = -1;
		return -ENOMEM;
	}
	printf("httpd: serving on port %ld\n", port);
	return 0;
}

void menu_register_httpd(void)
{
	MenuConfig("httpd", "httpd [PORT]: HTTP/1.1 server (status page, /stats.json, /bytes/N)",
		   cmd_httpd);
}
