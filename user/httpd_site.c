/*
 * httpd's built-in site (httpd.h): the status page and /stats.json show
 * the same data (uptime, interfaces, TCP sockets, counters), gathered
 * through status.h; /bytes/N is generated as it is sent.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "user/httpd.h"
#include "user/json.h"
#include "user/status.h"

#define PAGE_MAX    32768
#define SOCKS_SHOWN 64
#define BYTES_MAX   (1ull << 40) /* /bytes/N up to a TiB */

struct page {
	char *buf;
	size_t len, cap;
};

static void pf(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pf(struct page *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->len >= p->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(p->buf + p->len, p->cap - p->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->len = p->len + (size_t)n < p->cap ? p->len + (size_t)n : p->cap - 1;
}

static const char *ip(uint32_t a, char *b) { return inet_ntop(AF_INET, &a, b, INET_ADDRSTRLEN); }

struct snapshot {
	uint64_t uptime_ms;
	struct status_iface ifs[STATUS_MAX_IFACES];
	int nifs;
	struct status_counters c;
	struct status_socket socks[SOCKS_SHOWN];
	int nsocks;
};

static void take_snapshot(struct snapshot *s)
{
	s->uptime_ms = status_uptime_ms();
	s->nifs = status_interfaces(s->ifs, STATUS_MAX_IFACES);
	status_counters(&s->c);
	s->nsocks = status_sockets(s->socks, SOCKS_SHOWN);
}

static void html_page(struct page *p, const struct snapshot *s, const struct httpd_stats *st)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	const struct status_counters *c = &s->c;

	pf(p,
	   "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>MenuOS/x64</title>"
	   "</head>\n<body>\n<h1>MenuOS/x64</h1>\n<p>Uptime: %llu.%03llu s</p>\n",
	   (unsigned long long)(s->uptime_ms / 1000), (unsigned long long)(s->uptime_ms % 1000));
	pf(p, "<h2>Interfaces</h2>\n<table border=\"1\"><tr><th>Name</th><th>Address</th>"
	      "<th>MAC</th><th>MTU</th><th>State</th><th>RX packets</th><th>RX bytes</th>"
	      "<th>TX packets</th><th>TX bytes</th><th>Errors</th><th>Dropped</th></tr>\n");
	for (int i = 0; i < s->nifs; i++) {
		const struct status_iface *f = &s->ifs[i];

		pf(p,
		   "<tr><td>%s</td><td>%s/%s</td><td>%02x:%02x:%02x:%02x:%02x:%02x</td>"
		   "<td>%u</td><td>%s</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td>"
		   "<td>%llu</td><td>%llu</td></tr>\n",
		   f->name, ip(f->addr, a), ip(f->netmask, b), f->mac[0], f->mac[1], f->mac[2],
		   f->mac[3], f->mac[4], f->mac[5], f->mtu,
		   f->running ? "running" : (f->up ? "up" : "down"),
		   (unsigned long long)f->rx_packets, (unsigned long long)f->rx_bytes,
		   (unsigned long long)f->tx_packets, (unsigned long long)f->tx_bytes,
		   (unsigned long long)(f->rx_errors + f->tx_errors),
		   (unsigned long long)(f->rx_dropped + f->tx_dropped));
	}
	pf(p,
	   "</table>\n<h2>TCP sockets (%d)</h2>\n<table border=\"1\"><tr><th>Local</th>"
	   "<th>Remote</th><th>State</th><th>Send-Q</th><th>Recv-Q</th></tr>\n",
	   s->nsocks);
	for (int i = 0; i < s->nsocks && i < SOCKS_SHOWN; i++) {
		const struct status_socket *k = &s->socks[i];

		pf(p, "<tr><td>%s:%u</td><td>%s:%u</td><td>%s</td><td>%u</td><td>%u</td></tr>\n",
		   ip(k->laddr, a), k->lport, ip(k->raddr, b), k->rport, k->state, k->send_q,
		   k->recv_q);
	}
	pf(p, "</table>\n<h2>Counters</h2>\n<table border=\"1\">\n");
#define ROW(name, v) pf(p, "<tr><td>%s</td><td>%llu</td></tr>\n", name, (unsigned long long)(v))
	ROW("ip in_receives", c->ip_in_receives);
	ROW("ip in_delivers", c->ip_in_delivers);
	ROW("ip out_requests", c->ip_out_requests);
	ROW("tcp active_opens", c->tcp_active_opens);
	ROW("tcp passive_opens", c->tcp_passive_opens);
	ROW("tcp in_segs", c->tcp_in_segs);
	ROW("tcp out_segs", c->tcp_out_segs);
	ROW("tcp retrans_segs", c->tcp_retrans_segs);
	ROW("tcp syn_drops", c->tcp_syn_drops);
	ROW("udp in_datagrams", c->udp_in_datagrams);
	ROW("udp out_datagrams", c->udp_out_datagrams);
	ROW("sk_buffs in use", c->skb_in_use);
	ROW("sockets in use", c->sockets_in_use);
	ROW("memory free (bytes)", c->mem_free_bytes);
	ROW("httpd connections accepted", st->accepted);
	ROW("httpd connections active", st->active);
	ROW("httpd requests", st->requests);
	ROW("httpd refused busy (503)", st->rejected_busy);
	ROW("httpd timeouts (408)", st->timeouts);
	ROW("httpd evicted", st->evicted);
#undef ROW
	pf(p, "</table>\n</body></html>\n");
}

static long json_page(char *buf, size_t cap, const struct snapshot *s, const struct httpd_stats *st)
{
	const struct status_counters *c = &s->c;
	char a[INET_ADDRSTRLEN], mac[18];
	struct json_writer w;

	json_init(&w, buf, cap);
	json_obj_begin(&w);
	json_key(&w, "uptime_ms");
	json_uint(&w, s->uptime_ms);
	json_key(&w, "interfaces");
	json_arr_begin(&w);
	for (int i = 0; i < s->nifs; i++) {
		const struct status_iface *f = &s->ifs[i];

		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", f->mac[0], f->mac[1],
			 f->mac[2], f->mac[3], f->mac[4], f->mac[5]);
		json_obj_begin(&w);
		json_key(&w, "name");
		json_str(&w, f->name);
		json_key(&w, "address");
		json_str(&w, ip(f->addr, a));
		json_key(&w, "netmask");
		json_str(&w, ip(f->netmask, a));
		json_key(&w, "mac");
		json_str(&w, mac);
		json_key(&w, "mtu");
		json_uint(&w, f->mtu);
		json_key(&w, "up");
		json_bool(&w, f->up);
		json_key(&w, "running");
		json_bool(&w, f->running);
		json_key(&w, "rx_packets");
		json_uint(&w, f->rx_packets);
		json_key(&w, "rx_bytes");
		json_uint(&w, f->rx_bytes);
		json_key(&w, "tx_packets");
		json_uint(&w, f->tx_packets);
		json_key(&w, "tx_bytes");
		json_uint(&w, f->tx_bytes);
		json_key(&w, "errors");
		json_uint(&w, f->rx_errors + f->tx_errors);
		json_key(&w, "dropped");
		json_uint(&w, f->rx_dropped + f->tx_dropped);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_key(&w, "tcp_sockets");
	json_int(&w, s->nsocks);
	json_key(&w, "sockets");
	json_arr_begin(&w);
	for (int i = 0; i < s->nsocks && i < SOCKS_SHOWN; i++) {
		const struct status_socket *k = &s->socks[i];

		json_obj_begin(&w);
		json_key(&w, "local");
		json_str(&w, ip(k->laddr, a));
		json_key(&w, "local_port");
		json_uint(&w, k->lport);
		json_key(&w, "remote");
		json_str(&w, ip(k->raddr, a));
		json_key(&w, "remote_port");
		json_uint(&w, k->rport);
		json_key(&w, "state");
		json_str(&w, k->state);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_key(&w, "counters");
	json_obj_begin(&w);
#define NUM(name, v)                \
	do {                        \
		json_key(&w, name); \
		json_uint(&w, v);   \
	} while (0)
	NUM("ip_in_receives", c->ip_in_receives);
	NUM("ip_in_delivers", c->ip_in_delivers);
	NUM("ip_out_requests", c->ip_out_requests);
	NUM("tcp_active_opens", c->tcp_active_opens);
	NUM("tcp_passive_opens", c->tcp_passive_opens);
	NUM("tcp_in_segs", c->tcp_in_segs);
	NUM("tcp_out_segs", c->tcp_out_segs);
	NUM("tcp_retrans_segs", c->tcp_retrans_segs);
	NUM("tcp_syn_drops", c->tcp_syn_drops);
	NUM("udp_in_datagrams", c->udp_in_datagrams);
	NUM("udp_out_datagrams", c->udp_out_datagrams);
	NUM("skb_in_use", c->skb_in_use);
	NUM("sockets_in_use", c->sockets_in_use);
	NUM("mem_free_bytes", c->mem_free_bytes);
	json_obj_end(&w);
	json_key(&w, "httpd");
	json_obj_begin(&w);
	NUM("port", st->port);
	NUM("accepted", st->accepted);
	NUM("active", st->active);
	NUM("max_connections", st->max_conns);
	NUM("requests", st->requests);
	NUM("responses_2xx", st->responses_2xx);
	NUM("responses_4xx", st->responses_4xx);
	NUM("responses_5xx", st->responses_5xx);
	NUM("rejected_busy", st->rejected_busy);
	NUM("timeouts", st->timeouts);
	NUM("evicted", st->evicted);
	NUM("bytes_sent", st->bytes_sent);
#undef NUM
	json_obj_end(&w);
	json_obj_end(&w);
	return json_end(&w);
}

static int path_is(const char *path, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(path, want, len) == 0;
}

/* "/bytes/N": N decimal digits, no sign, within BYTES_MAX. */
static int bytes_count(const char *path, size_t len, uint64_t *n)
{
	static const char prefix[] = "/bytes/";
	uint64_t v = 0;
	size_t i = sizeof(prefix) - 1;

	if (len <= i || memcmp(path, prefix, i) != 0)
		return -1;
	for (; i < len; i++) {
		if (path[i] < '0' || path[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(path[i] - '0');
		if (v > BYTES_MAX)
			return -1;
	}
	*n = v;
	return 0;
}

int httpd_route(const char *path, size_t len, const struct httpd_stats *st, struct httpd_body *out)
{
	static struct snapshot snap; /* one request at a time: httpd is one task */
	struct page p;
	long n;

	memset(out, 0, sizeof(*out));
	out->status = 200;
	if (bytes_count(path, len, &out->gen_len) == 0) {
		out->type = "application/octet-stream";
		return 0;
	}
	if (!path_is(path, len, "/") && !path_is(path, len, "/index.html") &&
	    !path_is(path, len, "/stats.json")) {
		static const char msg[] = "<html><body><h1>404 Not Found</h1></body></html>\n";

		out->status = 404;
		out->type = "text/html; charset=utf-8";
		out->data = malloc(sizeof(msg) - 1);
		if (!out->data)
			return -ENOMEM;
		memcpy(out->data, msg, sizeof(msg) - 1);
		out->len = sizeof(msg) - 1;
		return 0;
	}
	p.buf = malloc(PAGE_MAX);
	if (!p.buf)
		return -ENOMEM;
	p.cap = PAGE_MAX;
	p.len = 0;
	take_snapshot(&snap);
	if (path_is(path, len, "/stats.json")) {
		out->type = "application/json";
		n = json_page(p.buf, p.cap, &snap, st);
		if (n < 0) {
			free(p.buf);
			return -ENOMEM;
		}
		p.len = (size_t)n;
	} else {
		out->type = "text/html; charset=utf-8";
		html_page(&p, &snap, st);
	}
	out->data = p.buf;
	out->len = p.len;
	return 0;
}
