/*
 * The Linux counterpart of MenuOS's httpd for `make bench`: the same design
 * (one process, one event loop over non-blocking sockets, here epoll; a
 * fixed number of connection slots, 503 beyond them; persistent connections
 * and pipelining; idle and head timeouts with 408) and the same content:
 * `/` a status page and `/stats.json` from /proc, `/bytes/N` N bytes of the
 * same pattern.  It parses requests with MenuOS's own parser (user/http.c),
 * so the two servers differ in their kernels, not in their HTTP code.
 *
 *   gcc -O2 -static -I. tests/bench/linux_httpd.c user/http.c -o linux_httpd
 *   linux_httpd [PORT]
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "user/http.h"

#define MAX_CONNS	128
#define HEAD_MAX	8192
#define OUT_MAX		4096
#define IDLE_TIMEOUT_MS 5000
#define HEAD_TIMEOUT_MS 10000
#define PERIOD		26
#define PATTERN_LEN	(PERIOD * 315)
#define PAGE_MAX	32768

struct conn {
	int fd, used, close_after;
	uint64_t deadline;
	size_t in_len;
	char in[HEAD_MAX];
	char out[OUT_MAX];
	size_t out_len, out_off;
	char *body;
	size_t body_len, body_off;
	uint64_t gen_len, gen_off;
	int writing;
};

static struct conn conns[MAX_CONNS];
static char pattern[PATTERN_LEN + PERIOD];
static int ep;
static uint64_t requests;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, cap - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

static size_t page(char *buf, size_t cap, int json)
{
	static char up[128], dev[8192], tcp[65536];
	int socks = -1;

	slurp("/proc/uptime", up, sizeof(up));
	slurp("/proc/net/dev", dev, sizeof(dev));
	slurp("/proc/net/tcp", tcp, sizeof(tcp));
	for (char *p = tcp; (p = strchr(p, '\n')); p++)
		socks++;
	if (json)
		return (size_t)snprintf(
			buf, cap, "{\"uptime_s\":%.*s,\"tcp_sockets\":%d,\"requests\":%llu}",
			(int)strcspn(up, " "), up, socks, (unsigned long long)requests);
	return (size_t)snprintf(buf, cap,
				"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Linux"
				"</title></head>\n<body>\n<h1>Linux</h1>\n<p>Uptime: %.*s s</p>\n"
				"<h2>Interfaces</h2>\n<pre>%s</pre>\n<h2>TCP sockets (%d)</h2>\n"
				"<p>requests: %llu</p>\n</body></html>\n",
				(int)strcspn(up, " "), up, dev, socks,
				(unsigned long long)requests);
}

static void watch(struct conn *c, int op)
{
	struct epoll_event ev = {.events = c->writing ? EPOLLOUT : EPOLLIN, .data.ptr = c};

	epoll_ctl(ep, op, c->fd, &ev);
}

static void conn_free(struct conn *c)
{
	close(c->fd);
	free(c->body);
	c->body = NULL;
	c->used = 0;
}

static void respond(struct conn *c, int status, const char *type, const char *body, size_t blen,
		    uint64_t gen_len, int head_only)
{
	int n = snprintf(c->out, sizeof(c->out),
			 "HTTP/1.1 %d %s\r\nServer: linux-httpd\r\nContent-Type: %s\r\n"
			 "Content-Length: %llu\r\n%s\r\n",
			 status, http_reason(status), type,
			 (unsigned long long)(body ? blen : gen_len),
			 c->close_after ? "Connection: close\r\n" : "Connection: keep-alive\r\n");

	c->out_len = (size_t)n;
	c->out_off = c->body_len = c->body_off = c->gen_off = c->gen_len = 0;
	if (!head_only) {
		if (body && blen <= sizeof(c->out) - c->out_len) {
			memcpy(c->out + c->out_len, body, blen);
			c->out_len += blen;
		} else if (body) {
			c->body_len = blen;
		}
		c->gen_len = gen_len;
	}
	c->writing = 1;
	watch(c, EPOLL_CTL_MOD);
}

static void error(struct conn *c, int status)
{
	char b[128];
	int n = snprintf(b, sizeof(b), "<html><body><h1>%d %s</h1></body></html>\n", status,
			 http_reason(status));

	c->close_after = status != 404 && status != 405;
	respond(c, status, "text/html; charset=utf-8", b, (size_t)n, 0, 0);
}

static void handle(struct conn *c, const struct http_request *r)
{
	uint64_t n = 0;
	size_t i;

	requests++;
	c->close_after = !r->keep_alive;
	if (r->chunked || r->content_length) {
		error(c, r->chunked ? 501 : 413);
		return;
	}
	if (r->method == HTTP_OTHER) {
		error(c, 405);
		return;
	}
	if (r->path_len > 7 && memcmp(r->path, "/bytes/", 7) == 0) {
		for (i = 7; i < r->path_len && r->path[i] >= '0' && r->path[i] <= '9'; i++)
			n = n * 10 + (uint64_t)(r->path[i] - '0');
		if (i == r->path_len) {
			respond(c, 200, "application/octet-stream", NULL, 0, n,
				r->method == HTTP_HEAD);
			return;
		}
	}
	if ((r->path_len == 1 && r->path[0] == '/') ||
	    (r->path_len == 11 && memcmp(r->path, "/stats.json", 11) == 0)) {
		int json = r->path_len == 11;

		c->body = malloc(PAGE_MAX);
		if (!c->body) {
			error(c, 503);
			return;
		}
		respond(c, 200, json ? "application/json" : "text/html; charset=utf-8", c->body,
			page(c->body, PAGE_MAX, json), 0, r->method == HTTP_HEAD);
		if (!c->body_len) {
			free(c->body);
			c->body = NULL;
		}
		return;
	}
	error(c, 404);
}

static void process(struct conn *c)
{
	struct http_request r;
	long n;

	if (!c->in_len)
		return;
	n = http_parse_request(c->in, c->in_len, sizeof(c->in), &r);
	if (n == 0) {
		if (c->in_len == sizeof(c->in))
			error(c, 431);
		return;
	}
	if (n < 0) {
		error(c, (int)-n);
		return;
	}
	handle(c, &r);
	c->in_len -= (size_t)n;
	memmove(c->in, c->in + n, c->in_len);
}

static void on_write(struct conn *c)
{
	for (;;) {
		const char *p;
		size_t len;
		ssize_t n;

		if (c->out_off < c->out_len) {
			p = c->out + c->out_off;
			len = c->out_len - c->out_off;
		} else if (c->body_off < c->body_len) {
			p = c->body + c->body_off;
			len = c->body_len - c->body_off;
		} else if (c->gen_off < c->gen_len) {
			p = pattern + c->gen_off % PERIOD;
			len = c->gen_len - c->gen_off < PATTERN_LEN ? c->gen_len - c->gen_off
								    : PATTERN_LEN;
		} else {
			free(c->body);
			c->body = NULL;
			if (c->close_after) {
				conn_free(c);
				return;
			}
			c->writing = 0;
			c->deadline = now_ms() + IDLE_TIMEOUT_MS;
			watch(c, EPOLL_CTL_MOD);
			process(c);
			if (!c->writing)
				return;
			continue;
		}
		n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN)
				conn_free(c);
			return;
		}
		if (c->out_off < c->out_len)
			c->out_off += (size_t)n;
		else if (c->body_off < c->body_len)
			c->body_off += (size_t)n;
		else
			c->gen_off += (uint64_t)n;
	}
}

static void on_read(struct conn *c)
{
	ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);

	if (n <= 0) {
		if (n == 0 || errno != EAGAIN)
			conn_free(c);
		return;
	}
	if (c->in_len == 0)
		c->deadline = now_ms() + HEAD_TIMEOUT_MS;
	c->in_len += (size_t)n;
	process(c);
	if (c->writing)
		on_write(c);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(argc > 1 ? (uint16_t)atoi(argv[1]) : 80)};
	struct epoll_event evs[64], lev = {.events = EPOLLIN};
	int lfd, one = 1;

	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (char)('a' + i % PERIOD);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(lfd, 128) < 0) {
		perror("linux_httpd");
		return 1;
	}
	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);
	for (;;) {
		int n = epoll_wait(ep, evs, 64, 1000);
		uint64_t t = now_ms();

		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (!c) {
				int fd;

				while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					struct conn *s = NULL;

					for (int k = 0; k < MAX_CONNS && !s; k++)
						if (!conns[k].used)
							s = &conns[k];
					if (!s) {
						static const char busy[] =
							"HTTP/1.1 503 Service Unavailable\r\n"
							"Content-Length: 0\r\nConnection: "
							"close\r\n\r\n";

						send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
						close(fd);
						continue;
					}
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					memset(s, 0, offsetof(struct conn, in));
					s->fd = fd;
					s->used = 1;
					s->deadline = t + IDLE_TIMEOUT_MS;
					watch(s, EPOLL_CTL_ADD);
				}
				continue;
			}
			if (!c->used)
				continue;
			if (evs[i].events & (EPOLLERR | EPOLLHUP) && !(evs[i].events & EPOLLIN))
				conn_free(c);
			else if (c->writing)
				on_write(c);
			else
				on_read(c);
		}
		for (int k = 0; k < MAX_CONNS; k++)
			if (conns[k].used && !conns[k].writing && t >= conns[k].deadline) {
				conns[k].in_len = 0;
				error(&conns[k], 408);
				on_write(&conns[k]);
			}
	}
}
