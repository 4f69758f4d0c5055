/*
 * The TCP commands: replyhi, hello (MenuOS's client/server pair), netstat,
 * tcptrace, sink and send.  They use the BSD socket calls, the way
 * MenuOS's own replyhi/hello did on Linux, and net/netctl.h for what
 * netstat and tcptrace show; only the process creation differs (a kernel
 * task stands in for fork()).  Handlers return 0, a negative errno that the engine
 * prints as words, or 1 when they have explained the failure themselves.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "user/menu.h"
#include "user/cmd_net.h"
#include "kernel/uapi.h"
#include "net/netctl.h"

#define PORT		       5001
#define IP_ADDR		       "127.0.0.1"
#define MAX_BUF_LEN	       1024
#define MAX_CONNECT_QUEUE      1024
#define REPLYHI_RECV_TIMEOUT_S 10

#define NETSTAT_MAX 256
#define SEND_CHUNK  8192
/* send's writes: 64 KiB, so each call fills whole GSO-sized skbs (the
 * stream is still SEND_CHUNK's pattern over and over) */
#define SEND_WRITE  (8 * SEND_CHUNK)
#define SINK_CHUNK  65536 /* reads as large as the Linux peer's */
#define MIB	    (1024 * 1024)

/* "a.b.c.d:port" of a sockaddr_in, in buf. */
static const char *addr_str(const struct sockaddr_in *sin, char *buf, size_t n)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	snprintf(buf, n, "%s:%u", ip, (unsigned int)ntohs(sin->sin_port));
	return buf;
}

/* ---- replyhi: the server, as a background task ---- */

/* servers by port: replyhi on 5001, and a silent one beside it if asked */
#define REPLYHI_MAX 4

struct replyhi {
	int sockfd;
	int port; /* 0: the slot is free */
	int quiet; /* -q: no console line per connection */
};

static struct replyhi replyhis[REPLYHI_MAX];

static void Replyhi(void *arg)
{
	struct replyhi *r = arg;
	char szBuf[MAX_BUF_LEN];
	char szReplyMsg[MAX_BUF_LEN] = "hi";
	struct sockaddr_in clientaddr;
	socklen_t addr_len;
	struct timeval recv_timeout = {.tv_sec = REPLYHI_RECV_TIMEOUT_S};
	char peer[32];
	int newfd, ret;

	while (1) {
		addr_len = sizeof(clientaddr);
		newfd = accept(r->sockfd, (struct sockaddr *)&clientaddr, &addr_len);
		if (newfd == -1) {
			/* only `kill` interrupts a background task */
			if (errno != EINTR)
				printf("replyhi: accept: %s\n", strerror(errno));
			break;
		}
		addr_str(&clientaddr, peer, sizeof(peer));
		/* one silent client must not stop the server for everyone */
		setsockopt(newfd, SOL_SOCKET, SO_RCVTIMEO, &recv_timeout, sizeof(recv_timeout));
		ret = recv(newfd, szBuf, MAX_BUF_LEN - 1, 0);
		if (ret > 0) {
			szBuf[ret] = '\0';
			if (!r->quiet)
				printf("recv \"%s\" from %s\n", szBuf, peer);
			ret = send(newfd, szReplyMsg, strlen(szReplyMsg), 0);
			if (ret > 0 && !r->quiet)
				printf("send \"%s\" to %s\n", szReplyMsg, peer);
			else if (ret <= 0)
				printf("replyhi: send to %s: %s\n", peer, strerror(errno));
		} else if (ret < 0) {
			printf("replyhi: recv from %s: %s\n", peer, strerror(errno));
		}
		close(newfd);
	}
	close(r->sockfd);
	r->port = 0;
}

/* "PORT" in 1..65535 into *port; -1 if it is not one. */
static int parse_port(const char *s, int *port)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v < 1 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

/*
 * replyhi [-q] [PORT]: -q leaves out the two console lines per
 * connection, so that a benchmark can set the stack's cost apart from the
 * console's (the Linux peer of `make bench` has the same switch).
 */
static int StartReplyhi(int argc, char *argv[])
{
	struct sockaddr_in serveraddr;
	struct replyhi *r = NULL;
	int sockfd, one = 1, port = PORT, quiet = 0, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-q") == 0) {
			quiet = 1;
		} else if (parse_port(argv[i], &port) < 0) {
			printf("usage: replyhi [-q] [PORT]\n");
			return 1;
		}
	}
	for (i = 0; i < REPLYHI_MAX; i++) {
		if (replyhis[i].port == port) {
			printf("replyhi: already running (port %d)\n", port);
			return 1;
		}
		if (!r && !replyhis[i].port)
			r = &replyhis[i];
	}
	if (!r) {
		printf("replyhi: %d servers already running\n", REPLYHI_MAX);
		return 1;
	}
	sockfd = socket(PF_INET, SOCK_STREAM, 0);
	if (sockfd == -1)
		return -errno;
	memset(&serveraddr, 0, sizeof(serveraddr));
	serveraddr.sin_family = AF_INET;
	serveraddr.sin_port = htons((uint16_t)port);
	serveraddr.sin_addr.s_addr = htonl(INADDR_ANY); /* so the host can connect too */
	setsockopt(sockfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(sockfd, (struct sockaddr *)&serveraddr, sizeof(struct sockaddr)) == -1 ||
	    listen(sockfd, MAX_CONNECT_QUEUE) == -1) {
		printf("replyhi: port %d: %s\n", port, strerror(errno));
		close(sockfd);
		return 1;
	}
	/* MenuOS fork()ed here; the child became the server */
	r->sockfd = sockfd;
	r->port = port;
	r->quiet = quiet;
	if (kernel_thread(Replyhi, r, "replyhi") < 0) {
		r->port = 0;
		close(sockfd);
		return -ENOMEM;
	}
	printf("Please input hello...\n");
	return 0;
}

/* ---- hello: the client, in the foreground ---- */

/* Parses [IP [PORT]] into sin; 0 or -EINVAL. */
static int parse_ip_port(int argc, char *argv[], int first, struct sockaddr_in *sin,
			 const char *def_ip, int def_port)
{
	int port = def_port;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, argc > first ? argv[first] : def_ip, &sin->sin_addr) != 1)
		return -EINVAL;
	if (argc > first + 1 && parse_port(argv[first + 1], &port) < 0)
		return -EINVAL;
	sin->sin_port = htons((uint16_t)port);
	return 0;
}

static int Hello(int argc, char *argv[])
{
	char szBuf[MAX_BUF_LEN];
	char szMsg[MAX_BUF_LEN] = "hello";
	struct sockaddr_in serveraddr, peeraddr;
	socklen_t addr_len = sizeof(peeraddr);
	char dst[32], peer[32];
	int sockfd, ret;

	if (argc > 3 || parse_ip_port(argc, argv, 1, &serveraddr, IP_ADDR, PORT) < 0) {
		printf("usage: hello [IP [PORT]]   (default %s %d)\n", IP_ADDR, PORT);
		return 1;
	}
	addr_str(&serveraddr, dst, sizeof(dst));
	sockfd = socket(PF_INET, SOCK_STREAM, 0);
	if (sockfd == -1)
		return -errno;
	if (connect(sockfd, (struct sockaddr *)&serveraddr, sizeof(struct sockaddr)) == -1) {
		if (errno == EINTR)
			printf("hello: connect to %s interrupted\n", dst);
		else
			printf("hello: connect to %s failed: %s\n", dst, strerror(errno));
		close(sockfd);
		return 1;
	}
	/* the address we are really connected to (MenuOS printed garbage here) */
	if (getpeername(sockfd, (struct sockaddr *)&peeraddr, &addr_len) == 0)
		addr_str(&peeraddr, peer, sizeof(peer));
	else
		strcpy(peer, dst);
	ret = send(sockfd, szMsg, strlen(szMsg), 0);
	if (ret <= 0) {
		printf("hello: send to %s: %s\n", peer, strerror(errno));
		close(sockfd);
		return 1;
	}
	printf("send \"%s\" to %s\n", szMsg, peer);
	ret = recv(sockfd, szBuf, MAX_BUF_LEN - 1, 0);
	if (ret > 0) {
		szBuf[ret] = '\0';
		printf("recv \"%s\" from %s\n", szBuf, peer);
	} else if (ret == 0) {
		printf("hello: %s closed the connection without a reply\n", peer);
	} else if (errno == EINTR) {
		printf("hello: interrupted\n");
	} else {
		printf("hello: recv from %s: %s\n", peer, strerror(errno));
	}
	close(sockfd);
	return ret > 0 ? 0 : 1;
}

/* ---- netstat ---- */

static void show_tcp_counters(const struct netctl_mib *mib)
{
	const struct netctl_tcp_mib *m = &mib->tcp;

	printf("Tcp: active_opens %llu passive_opens %llu attempt_fails %llu estab_resets %llu\n",
	       (unsigned long long)m->active_opens, (unsigned long long)m->passive_opens,
	       (unsigned long long)m->attempt_fails, (unsigned long long)m->estab_resets);
	printf("Tcp: in_segs %llu out_segs %llu retrans_segs %llu in_errs %llu out_rsts %llu\n",
	       (unsigned long long)m->in_segs, (unsigned long long)m->out_segs,
	       (unsigned long long)m->retrans_segs, (unsigned long long)m->in_errs,
	       (unsigned long long)m->out_rsts);
	printf("Tcp: challenge_acks %llu syn_drops %llu listen_overflows %llu "
	       "out_of_window_icmps %llu\n",
	       (unsigned long long)m->challenge_acks, (unsigned long long)m->syn_drops,
	       (unsigned long long)m->listen_overflows, (unsigned long long)m->out_of_window_icmps);
	printf("Tcp: timeouts %llu sack_recoveries %llu lost_retransmits %llu loss_probes %llu\n",
	       (unsigned long long)m->timeouts, (unsigned long long)m->sack_recoveries,
	       (unsigned long long)m->lost_retransmits, (unsigned long long)m->loss_probes);
	printf("Tcp: syncookies_sent %llu syncookies_recv %llu syncookies_failed %llu\n",
	       (unsigned long long)m->syncookies_sent, (unsigned long long)m->syncookies_recv,
	       (unsigned long long)m->syncookies_failed);
	printf("Tcp: abort_on_close %llu abort_on_data %llu\n",
	       (unsigned long long)m->abort_on_close, (unsigned long long)m->abort_on_data);
	printf("Tcp: mem_refusals %llu rcvq_drops %llu time_wait_overflow %llu\n",
	       (unsigned long long)m->mem_refusals, (unsigned long long)m->rcvq_drops,
	       (unsigned long long)m->time_wait_overflow);
}

/* netstat -e: a socket's TCP state below its line (what Linux's ss -ti shows). */
static void show_tcp_info(const struct netctl_tcp_info *t)
{
	printf("      snd_una %u snd_nxt %u rcv_nxt %u snd_wnd %u rcv_wnd %u wscale %u,%u%s\n",
	       (unsigned int)t->snd_una, (unsigned int)t->snd_nxt, (unsigned int)t->rcv_nxt,
	       (unsigned int)t->snd_wnd, (unsigned int)t->rcv_wnd, t->snd_wscale, t->rcv_wscale,
	       t->sack_ok ? " sack" : "");
	printf("      mss %u cwnd %u ssthresh %u rto %u srtt %u rttvar %u backoff %u%s\n",
	       (unsigned int)t->mss, (unsigned int)t->snd_cwnd, (unsigned int)t->snd_ssthresh,
	       (unsigned int)t->rto_ms, (unsigned int)t->srtt_ms, (unsigned int)t->rttvar_ms,
	       (unsigned int)t->backoff, t->in_recovery ? " recovery" : "");
}

static int cmd_netstat(int argc, char *argv[])
{
	static struct netctl_sock_info info[NETSTAT_MAX];
	static struct netctl_mib mib;
	struct sockaddr_in l, r;
	char ls[32], rs[32];
	int i, n, extended = 0;

	if (argc == 2 && strcmp(argv[1], "-i") == 0) {
		net_show_interfaces_counters();
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-s") == 0) {
		netctl_get_mib(&mib);
		net_show_protocol_counters(&mib);
		show_tcp_counters(&mib);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-e") == 0)
		extended = 1;
	else if (argc != 1) {
		printf("usage: netstat [-i | -s | -e]\n");
		return 1;
	}
	n = netctl_get_socks(info, NETSTAT_MAX, IPPROTO_TCP);
	printf("Proto %-21s %-21s %-11s %6s %6s %7s\n", "Local Address", "Foreign Address", "State",
	       "Send-Q", "Recv-Q", "Retrans");
	for (i = 0; i < n && i < NETSTAT_MAX; i++) {
		memset(&l, 0, sizeof(l));
		memset(&r, 0, sizeof(r));
		l.sin_addr.s_addr = info[i].laddr;
		l.sin_port = htons(info[i].lport);
		r.sin_addr.s_addr = info[i].raddr;
		r.sin_port = htons(info[i].rport);
		addr_str(&l, ls, sizeof(ls));
		if (info[i].state == NETCTL_TCP_LISTEN || (!info[i].raddr && !info[i].rport))
			strcpy(rs, "0.0.0.0:*");
		else
			addr_str(&r, rs, sizeof(rs));
		printf("tcp   %-21s %-21s %-11s %6u %6u %7u\n", ls, rs,
		       netctl_tcp_state_name(info[i].state), info[i].send_q, info[i].recv_q,
		       (unsigned int)info[i].tcp.total_retrans);
		if (extended && info[i].state != NETCTL_TCP_LISTEN)
			show_tcp_info(&info[i].tcp);
	}
	if (n > NETSTAT_MAX)
		printf("(%d more not shown)\n", n - NETSTAT_MAX);
	printf("sockets in use: %ld\n", netctl_socks_in_use());
	return 0;
}

/* ---- tcptrace ---- */

static int cmd_tcptrace(int argc, char *argv[])
{
	int on, absolute;

	if (argc == 2 && strcmp(argv[1], "on") == 0)
		netctl_tcp_trace_set(1, 0);
	else if (argc == 3 && strcmp(argv[1], "on") == 0 && strcmp(argv[2], "-S") == 0)
		netctl_tcp_trace_set(1, 1);
	else if (argc == 2 && strcmp(argv[1], "off") == 0)
		netctl_tcp_trace_set(0, 0);
	else if (argc != 1) {
		printf("usage: tcptrace [on [-S] | off]\n");
		return 1;
	}
	on = netctl_tcp_trace_get(&absolute);
	printf("tcptrace is %s%s\n", on ? "on" : "off",
	       absolute ? " (absolute sequence numbers)" : "");
	return 0;
}

/* ---- sink: a background discard server ---- */

/* FNV-1a (32 bit): lets a test compare what arrived with what was sent. */
#define FNV1A32_OFFSET 0x811c9dc5u
#define FNV1A32_PRIME  0x01000193u

/*
 * The hash is serial, one byte after the other, but the bytes are read 8
 * at a time: under QEMU's TCG every pass of a loop costs a dispatch of its
 * translated block, and a byte loop (6 instructions a byte) made the hash,
 * not the network, the bound of a transfer into sink.
 */
static uint32_t fnv1a32(uint32_t h, const char *p, size_t n)
{
	for (; n >= 8; n -= 8, p += 8) {
		uint64_t w;

		__builtin_memcpy(&w, p, 8); /* one unaligned load (libc's memcpy is a call) */
		h = (h ^ (uint8_t)w) * FNV1A32_PRIME;
		h = (h ^ (uint8_t)(w >> 8)) * FNV1A32_PRIME;
		h = (h ^ (uint8_t)(w >> 16)) * FNV1A32_PRIME;
		h = (h ^ (uint8_t)(w >> 24)) * FNV1A32_PRIME;
		h = (h ^ (uint8_t)(w >> 32)) * FNV1A32_PRIME;
		h = (h ^ (uint8_t)(w >> 40)) * FNV1A32_PRIME;
		h = (h ^ (uint8_t)(w >> 48)) * FNV1A32_PRIME;
		h = (h ^ (uint8_t)(w >> 56)) * FNV1A32_PRIME;
	}
	while (n--) {
		h ^= (uint8_t)*p++;
		h *= FNV1A32_PRIME;
	}
	return h;
}

/* What a sink task owns: its listener and its own receive buffer (two
 * sinks hashing at once must not read into one buffer). */
struct sink {
	int sockfd;
	int hash_it;
	char buf[SINK_CHUNK];
};

/*
 * The first sink running is static, as sink's buffer always was: malloc'd,
 * 64 KiB takes 128 KiB of pages (large blocks are a power of two of pages),
 * which a 4 MiB machine feels.  Sinks beyond it, at the same time, are
 * malloc'd.  Only the shell takes one, and the busy flag is an int that the
 * sink task clears as it ends.
 */
static struct sink first_sink;
static volatile int first_sink_busy;

static struct sink *sink_alloc(void)
{
	if (!first_sink_busy) {
		first_sink_busy = 1;
		return &first_sink;
	}
	return malloc(sizeof(struct sink));
}

static void sink_free(struct sink *sk)
{
	if (sk == &first_sink)
		first_sink_busy = 0;
	else
		free(sk);
}

static void sink_task(void *arg)
{
	struct sink *sk = arg;
	struct sockaddr_in peer;
	socklen_t len;
	char ps[32];

	while (1) {
		uint64_t bytes = 0, t0, ms;
		uint32_t hash;
		int fd;
		long n;

		len = sizeof(peer);
		fd = accept(sk->sockfd, (struct sockaddr *)&peer, &len);
		if (fd == -1) {
			/* only `kill` interrupts a background task */
			if (errno != EINTR)
				printf("sink: accept: %s\n", strerror(errno));
			break;
		}
		t0 = jiffies_ms();
		hash = FNV1A32_OFFSET;
		while ((n = recv(fd, sk->buf, sizeof(sk->buf), 0)) > 0) {
			bytes += (uint64_t)n;
			if (sk->hash_it)
				hash = fnv1a32(hash, sk->buf, (size_t)n);
		}
		ms = jiffies_ms() - t0;
		printf("sink: %llu bytes from %s in %llu ms", (unsigned long long)bytes,
		       addr_str(&peer, ps, sizeof(ps)), (unsigned long long)ms);
		if (sk->hash_it)
			printf(", fnv1a32 %08x", (unsigned int)hash);
		printf("%s\n", n < 0 ? " (connection error)" : "");
		close(fd);
		if (n < 0 && errno == EINTR)
			break;
	}
	close(sk->sockfd);
	sink_free(sk);
}

/*
 * sink [-n] PORT: -n counts the bytes without hashing them, so that a
 * benchmark measures the network rather than FNV-1a, one multiply per byte
 * (the Linux peer of `make bench` has the same switch).
 */
static int cmd_sink(int argc, char *argv[])
{
	struct sockaddr_in sin;
	struct sink *sk;
	int sockfd, one = 1, count_only, port;

	count_only = argc == 3 && strcmp(argv[1], "-n") == 0;
	if (argc != 2 + count_only || parse_port(argv[argc - 1], &port) < 0) {
		printf("usage: sink [-n] PORT\n");
		return 1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sockfd = socket(AF_INET, SOCK_STREAM, 0);
	if (sockfd == -1)
		return -errno;
	setsockopt(sockfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(sockfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 || listen(sockfd, 16) == -1) {
		printf("sink: port %d: %s\n", port, strerror(errno));
		close(sockfd);
		return 1;
	}
	sk = sink_alloc();
	if (sk) {
		sk->sockfd = sockfd;
		sk->hash_it = !count_only;
	}
	if (!sk || kernel_thread(sink_task, sk, "sink") < 0) {
		printf("sink: out of memory\n");
		sink_free(sk);
		close(sockfd);
		return 1;
	}
	printf("sink: discarding on port %d\n", port);
	return 0;
}

/* ---- send: a stream of MBYTES MiB, and its rate ---- */

static int cmd_send(int argc, char *argv[])
{
	static char buf[SEND_WRITE];
	struct sockaddr_in sin;
	uint64_t total, done = 0, t0, ms, kbps;
	char dst[32];
	char *end;
	long mb;
	int fd;

	if (argc != 4 || parse_ip_port(argc, argv, 1, &sin, "0.0.0.0", 0) < 0) {
		printf("usage: send IP PORT MBYTES\n");
		return 1;
	}
	mb = strtol(argv[3], &end, 10);
	if (*end || mb < 1 || mb > 100000) {
		printf("send: MBYTES must be 1..100000\n");
		return 1;
	}
	total = (uint64_t)mb * MIB;
	addr_str(&sin, dst, sizeof(dst));
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % SEND_CHUNK % 26);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd == -1)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		printf("send: connect to %s failed: %s\n", dst, strerror(errno));
		close(fd);
		return 1;
	}
	t0 = jiffies_ms();
	while (done < total) {
		size_t n = total - done < sizeof(buf) ? (size_t)(total - done) : sizeof(buf);
		long r = send(fd, buf, n, 0);

		if (r <= 0) {
			printf("send: %s after %llu bytes\n", strerror(errno),
			       (unsigned long long)done);
			close(fd);
			return 1;
		}
		done += (uint64_t)r;
	}
	/* the rate counts what the peer has: wait for its close */
	shutdown(fd, SHUT_WR);
	while (recv(fd, buf, sizeof(buf), 0) > 0)
		;
	ms = jiffies_ms() - t0;
	if (ms == 0)
		ms = 1;
	kbps = done * 8 / ms; /* bits per ms = kbit/s */
	printf("send: %llu bytes to %s in %llu ms, %llu.%03llu Mbit/s\n", (unsigned long long)done,
	       dst, (unsigned long long)ms, (unsigned long long)(kbps / 1000),
	       (unsigned long long)(kbps % 1000));
	close(fd);
	return 0;
}

void menu_register_tcp(void)
{
	MenuConfig("replyhi", "replyhi [-q] [PORT]: the TCP server (port 5001) that answers hello with hi",
		   StartReplyhi);
	MenuConfig("hello", "hello [IP [PORT]]: send hello to a replyhi server", Hello);
	MenuConfig("netstat",
		   "netstat [-i | -s | -e]: TCP sockets, interface or protocol counters, TCP state",
		   cmd_netstat);
	MenuConfig("tcptrace", "tcptrace on [-S] | off: print every TCP segment (-S: absolute seq)",
		   cmd_tcptrace);
	MenuConfig("sink", "sink [-n] PORT: background server that discards what it receives", cmd_sink);
	MenuConfig("send", "send IP PORT MBYTES: stream data and report the rate", cmd_send);
}
