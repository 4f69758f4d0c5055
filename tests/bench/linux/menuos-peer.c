/*
 * menuos-peer: the Linux side of `make bench`.  It is the /init of the Linux
 * comparison guest's initramfs and does there what MenuOS's shell does, so
 * the harness drives both guests the same way over the serial console:
 *
 *   replyhi [-q] [PORT]     accept, one recv, send "hi", close (port 5001),
 *                           printing the two lines MenuOS's replyhi prints
 *                           per connection (-q: silent, for a second figure)
 *   sink [-n] PORT          discard server, 64 KiB reads, prints bytes, time
 *                           and FNV-1a of what arrived, as MenuOS's sink
 *                           (-n: bytes and time only, no hash)
 *   send IP PORT MBYTES     stream MBYTES MiB, wait for the peer's close,
 *                           print the rate, as MenuOS's send
 *   hello [IP [PORT]]       the client that goes with replyhi
 *
 * As process 1 it first mounts proc, sysfs and devtmpfs, loads the NIC
 * modules listed in /lib/modules/order (finit_module(2)), and configures lo
 * and eth0 with ioctls (netdevice(7): SIOCSIFADDR, SIOCSIFNETMASK,
 * SIOCSIFFLAGS; a default route with SIOCADDRT), taking ip=, netmask= and
 * gw= from the kernel command line as MenuOS does; ip1= and netmask1= give
 * eth1 an address (the forwarding benchmark's second network), and
 * ip_forward=1 writes /proc/sys/net/ipv4/ip_forward.  Run as any other
 * process (the host loopback test) it only reads commands from stdin.
 * Servers are forked children; no shell and no other program is involved.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define PROMPT		       "peer>>"
#define REPLYHI_PORT	       5001
#define MAX_BUF_LEN	       1024
#define MAX_CONNECT_QUEUE      1024
#define REPLYHI_RECV_TIMEOUT_S 10
#define IO_CHUNK	       65536
#define MIB		       (1024 * 1024)
#define MAX_ARGS	       8

/* FNV-1a (32 bit), the hash MenuOS's sink prints. */
#define FNV1A32_OFFSET 0x811c9dc5u
#define FNV1A32_PRIME  0x01000193u

/*
 * The same loop as MenuOS's sink (user/cmd_tcp.c): serial over the bytes,
 * loading 8 at a time, so neither guest's hash costs more than the other's
 * under TCG.
 */
static uint32_t fnv1a32(uint32_t h, const char *p, size_t n)
{
	for (; n >= 8; n -= 8, p += 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		for (int b = 0; b < 64; b += 8)
			h = (h ^ (uint8_t)(w >> b)) * FNV1A32_PRIME;
	}
	while (n--)
		h = (h ^ (uint8_t)*p++) * FNV1A32_PRIME;
	return h;
}

static char io_buf[IO_CHUNK];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *addr_str(const struct sockaddr_in *sin, char *buf, size_t n)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	snprintf(buf, n, "%s:%u", ip, (unsigned int)ntohs(sin->sin_port));
	return buf;
}

/* 0 and the port in *port, or -1 for anything but 1..65535. */
static int parse_port(const char *s, int *port)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

/* A listening TCP socket on every address, or -1 with the reason printed. */
static int listen_on(const char *who, int port, int backlog)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		printf("%s: socket: %s\n", who, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, backlog) < 0) {
		printf("%s: port %d: %s\n", who, port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Runs serve(fd, quiet) in a child process, as MenuOS runs its servers in a
 * kernel task; the child ends with the shell (PR_SET_PDEATHSIG) so a host
 * test leaves nothing behind.
 */
static int spawn_server(const char *who, int fd, void (*serve)(int, int), int quiet)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0) {
		printf("%s: fork: %s\n", who, strerror(errno));
		close(fd);
		return 1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(0); /* the shell ended before prctl took effect */
		serve(fd, quiet);
		_exit(0);
	}
	close(fd);
	return 0;
}

/* ---- replyhi ---- */

static void replyhi_serve(int sockfd, int quiet)
{
	struct timeval recv_timeout = {.tv_sec = REPLYHI_RECV_TIMEOUT_S};
	static const char reply[] = "hi";
	char buf[MAX_BUF_LEN], peer[32];
	struct sockaddr_in ca;
	socklen_t len;
	int fd;
	ssize_t ret;

	for (;;) {
		len = sizeof(ca);
		fd = accept(sockfd, (struct sockaddr *)&ca, &len);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			printf("replyhi: accept: %s\n", strerror(errno));
			return;
		}
		addr_str(&ca, peer, sizeof(peer));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &recv_timeout, sizeof(recv_timeout));
		ret = recv(fd, buf, sizeof(buf) - 1, 0);
		if (ret > 0) {
			buf[ret] = '\0';
			if (!quiet)
				printf("recv \"%s\" from %s\n", buf, peer);
			ret = send(fd, reply, strlen(reply), MSG_NOSIGNAL);
			if (ret > 0 && !quiet)
				printf("send \"%s\" to %s\n", reply, peer);
			else if (ret <= 0)
				printf("replyhi: send to %s: %s\n", peer, strerror(errno));
		} else if (ret < 0) {
			printf("replyhi: recv from %s: %s\n", peer, strerror(errno));
		}
		close(fd);
	}
}

static int cmd_replyhi(int argc, char **argv)
{
	int port = REPLYHI_PORT, quiet = 0, i, fd;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-q") == 0) {
			quiet = 1;
		} else if (parse_port(argv[i], &port) < 0) {
			printf("usage: replyhi [-q] [PORT]\n");
			return 1;
		}
	}
	fd = listen_on("replyhi", port, MAX_CONNECT_QUEUE);
	if (fd < 0)
		return 1;
	if (spawn_server("replyhi", fd, replyhi_serve, quiet))
		return 1;
	printf("Please input hello...\n");
	return 0;
}

/* ---- hello ---- */

static int cmd_hello(int argc, char **argv)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	char buf[MAX_BUF_LEN], peer[32];
	int port = REPLYHI_PORT, fd;
	ssize_t ret;

	if (argc > 3 || inet_pton(AF_INET, argc > 1 ? argv[1] : "127.0.0.1", &sin.sin_addr) != 1 ||
	    (argc > 2 && parse_port(argv[2], &port) < 0)) {
		printf("usage: hello [IP [PORT]]   (default 127.0.0.1 %d)\n", REPLYHI_PORT);
		return 1;
	}
	sin.sin_port = htons((uint16_t)port);
	addr_str(&sin, peer, sizeof(peer));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		printf("hello: connect to %s failed: %s\n", peer, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (send(fd, "hello", 5, MSG_NOSIGNAL) != 5) {
		printf("hello: send to %s: %s\n", peer, strerror(errno));
		close(fd);
		return 1;
	}
	printf("send \"hello\" to %s\n", peer);
	ret = recv(fd, buf, sizeof(buf) - 1, 0);
	if (ret > 0) {
		buf[ret] = '\0';
		printf("recv \"%s\" from %s\n", buf, peer);
	} else if (ret == 0) {
		printf("hello: %s closed the connection without a reply\n", peer);
	} else {
		printf("hello: recv from %s: %s\n", peer, strerror(errno));
	}
	close(fd);
	return ret > 0 ? 0 : 1;
}

/* ---- sink ---- */

/* count_only: sink -n, the bytes counted and not hashed */
static void sink_serve(int sockfd, int count_only)
{
	struct sockaddr_in peer;
	socklen_t len;
	char ps[32];

	for (;;) {
		uint64_t bytes = 0, t0;
		uint32_t hash = FNV1A32_OFFSET;
		ssize_t n;
		int fd;

		len = sizeof(peer);
		fd = accept(sockfd, (struct sockaddr *)&peer, &len);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			printf("sink: accept: %s\n", strerror(errno));
			return;
		}
		t0 = now_ms();
		while ((n = recv(fd, io_buf, sizeof(io_buf), 0)) > 0) {
			bytes += (uint64_t)n;
			if (!count_only)
				hash = fnv1a32(hash, io_buf, (size_t)n);
		}
		printf("sink: %llu bytes from %s in %llu ms", (unsigned long long)bytes,
		       addr_str(&peer, ps, sizeof(ps)), (unsigned long long)(now_ms() - t0));
		if (!count_only)
			printf(", fnv1a32 %08x", (unsigned int)hash);
		printf("%s\n", n < 0 ? " (connection error)" : "");
		close(fd);
	}
}

static int cmd_sink(int argc, char **argv)
{
	int port, fd, count_only = argc == 3 && strcmp(argv[1], "-n") == 0;

	if (argc != 2 + count_only || parse_port(argv[argc - 1], &port) < 0) {
		printf("usage: sink [-n] PORT\n");
		return 1;
	}
	fd = listen_on("sink", port, 16);
	if (fd < 0)
		return 1;
	if (spawn_server("sink", fd, sink_serve, count_only))
		return 1;
	printf("sink: discarding on port %d\n", port);
	return 0;
}

/* ---- send ---- */

static int cmd_send(int argc, char **argv)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	uint64_t total, done = 0, t0, ms, kbps;
	char dst[32], *end;
	int port, fd;
	long mb;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 ||
	    parse_port(argv[2], &port) < 0) {
		printf("usage: send IP PORT MBYTES\n");
		return 1;
	}
	mb = strtol(argv[3], &end, 10);
	if (*end || mb < 1 || mb > 100000) {
		printf("send: MBYTES must be 1..100000\n");
		return 1;
	}
	sin.sin_port = htons((uint16_t)port);
	total = (uint64_t)mb * MIB;
	addr_str(&sin, dst, sizeof(dst));
	for (size_t i = 0; i < sizeof(io_buf); i++)
		io_buf[i] = (char)('a' + i % 26);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		printf("send: connect to %s failed: %s\n", dst, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	t0 = now_ms();
	while (done < total) {
		/* the pattern restarts every chunk, as MenuOS's send does */
		size_t n = total - done < sizeof(io_buf) ? (size_t)(total - done) : sizeof(io_buf);
		ssize_t r = send(fd, io_buf, n, MSG_NOSIGNAL);

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
	while (recv(fd, io_buf, sizeof(io_buf), 0) > 0)
		;
	ms = now_ms() - t0;
	if (ms == 0)
		ms = 1;
	kbps = done * 8 / ms;
	printf("send: %llu bytes to %s in %llu ms, %llu.%03llu Mbit/s\n", (unsigned long long)done,
	       dst, (unsigned long long)ms, (unsigned long long)(kbps / 1000),
	       (unsigned long long)(kbps % 1000));
	close(fd);
	return 0;
}

/* ---- the shell ---- */

struct command {
	const char *name;
	const char *help;
	int (*fn)(int argc, char **argv);
};

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{"help", "list the commands", cmd_help},
	{"replyhi", "replyhi [-q] [PORT]: the TCP server that answers hello with hi", cmd_replyhi},
	{"hello", "hello [IP [PORT]]: send hello to a replyhi server", cmd_hello},
	{"sink", "sink [-n] PORT: background server that discards what it receives", cmd_sink},
	{"send", "send IP PORT MBYTES: stream data and report the rate", cmd_send},
};

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		printf("%s - %s\n", commands[i].name, commands[i].help);
	return 0;
}

static void run_line(char *line)
{
	char *argv[MAX_ARGS + 1], *save = NULL, *tok;
	int argc = 0;

	for (tok = strtok_r(line, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (argc == MAX_ARGS) {
			printf("too many arguments (at most %d)\n", MAX_ARGS - 1);
			return;
		}
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	if (!argc)
		return;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name) == 0) {
			commands[i].fn(argc, argv);
			return;
		}
	}
	printf("%s: unknown command (try help)\n", argv[0]);
}

/* ---- process 1: mounts, modules, network ---- */

static void load_modules(void)
{
	char line[128], path[192];
	FILE *f = fopen("/lib/modules/order", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		int fd;

		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		snprintf(path, sizeof(path), "/lib/modules/%s.ko", line);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST))
			printf("init: module %s: %s\n", line, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	fclose(f);
}

/* The value of KEY= on the kernel command line, or def. */
static void cmdline_get(const char *key, char *out, size_t n, const char *def)
{
	char buf[1024], *save = NULL, *tok;
	size_t kl = strlen(key);
	FILE *f = fopen("/proc/cmdline", "r");

	snprintf(out, n, "%s", def);
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f)) {
		for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
			if (strncmp(tok, key, kl) == 0 && tok[kl] == '=')
				snprintf(out, n, "%s", tok + kl + 1);
	}
	fclose(f);
}

static int set_addr(int fd, const char *dev, unsigned long req, const char *ip)
{
	struct ifreq ifr = {0};
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, ip, &sin->sin_addr) != 1) {
		printf("init: %s: bad address %s\n", dev, ip);
		return -1;
	}
	return ioctl(fd, req, &ifr);
}

static int set_up(int fd, const char *dev)
{
	struct ifreq ifr = {0};

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(fd, SIOCSIFFLAGS, &ifr);
}

static int add_default_route(int fd, const char *gw)
{
	struct rtentry rt = {0};
	struct sockaddr_in *dst = (struct sockaddr_in *)&rt.rt_dst;
	struct sockaddr_in *mask = (struct sockaddr_in *)&rt.rt_genmask;
	struct sockaddr_in *via = (struct sockaddr_in *)&rt.rt_gateway;

	dst->sin_family = mask->sin_family = via->sin_family = AF_INET;
	if (inet_pton(AF_INET, gw, &via->sin_addr) != 1)
		return -1;
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	return ioctl(fd, SIOCADDRT, &rt);
}

/* net.ipv4.ip_forward=1, as sysctl(8) writes it. */
static void set_ip_forward(void)
{
	int fd = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY);

	if (fd < 0 || write(fd, "1\n", 2) != 2)
		printf("init: ip_forward: %s\n", strerror(errno));
	else
		printf("init: ip_forward 1\n");
	if (fd >= 0)
		close(fd);
}

static void configure_network(void)
{
	char ip[32], mask[32], gw[32];
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0) {
		printf("init: socket: %s\n", strerror(errno));
		return;
	}
	if (set_up(fd, "lo") < 0)
		printf("init: lo: %s\n", strerror(errno));
	snprintf(ifr.ifr_name, IFNAMSIZ, "eth0");
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		printf("init: no eth0 (%s)\n", strerror(errno));
		close(fd);
		return;
	}
	cmdline_get("ip", ip, sizeof(ip), "10.0.2.15");
	cmdline_get("netmask", mask, sizeof(mask), "255.255.255.0");
	cmdline_get("gw", gw, sizeof(gw), "10.0.2.2");
	if (set_addr(fd, "eth0", SIOCSIFADDR, ip) < 0 ||
	    set_addr(fd, "eth0", SIOCSIFNETMASK, mask) < 0 || set_up(fd, "eth0") < 0 ||
	    add_default_route(fd, gw) < 0)
		printf("init: eth0: %s\n", strerror(errno));
	else
		printf("init: eth0 %s netmask %s gw %s\n", ip, mask, gw);
	cmdline_get("ip1", ip, sizeof(ip), "");
	cmdline_get("netmask1", mask, sizeof(mask), "255.255.255.0");
	if (ip[0]) {
		if (set_addr(fd, "eth1", SIOCSIFADDR, ip) < 0 ||
		    set_addr(fd, "eth1", SIOCSIFNETMASK, mask) < 0 || set_up(fd, "eth1") < 0)
			printf("init: eth1: %s\n", strerror(errno));
		else
			printf("init: eth1 %s netmask %s\n", ip, mask);
	}
	close(fd);
	cmdline_get("ip_forward", ip, sizeof(ip), "0");
	if (strcmp(ip, "1") == 0)
		set_ip_forward();
}

static void init_system(void)
{
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	load_modules();
	configure_network();
}

int main(void)
{
	char line[512];
	int is_init = getpid() == 1;

	/* one write per line, as the console lines are what both guests pay for */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* servers are children: let the kernel reap them */
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (is_init)
		init_system();
	for (;;) {
		printf("%s ", PROMPT);
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin)) {
			/* process 1 must not exit (the kernel would panic) */
			if (!is_init)
				return 0;
			clearerr(stdin);
			sleep(1);
			continue;
		}
		run_line(line);
	}
}
