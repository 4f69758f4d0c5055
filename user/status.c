/*
 * The services' view of the system (status.h), gathered in one place from
 * the kernel's clocks and scheduler and the stack's device list, MIB
 * counters and socket table, each copied under net_lock.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "user/status.h"
#include "kernel/mm.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "net/platform.h"
#include "net/netdevice.h"
#include "net/ip.h"
#include "net/udp.h"
#include "net/tcp.h"
#include "net/sock.h"
#include "net/skbuff.h"

#define STATUS_MAX_SOCKS 256

uint64_t status_uptime_ms(void) { return jiffies_ms(); }

uint64_t status_now_ns(void) { return ktime_ns(); }

uint64_t status_task_cpu_ms(void) { return current->runtime_ms; }

int status_interfaces(struct status_iface *out, int max)
{
	struct net_device *dev;
	int n = 0;

	net_lock();
	list_for_each_entry (dev, netdev_list(), dev_list) {
		struct status_iface *s = &out[n];

		if (n == max)
			break;
		memset(s, 0, sizeof(*s));
		strncpy(s->name, dev->name, sizeof(s->name) - 1);
		s->addr = dev->ip_addr;
		s->netmask = dev->netmask;
		memcpy(s->mac, dev->dev_addr, sizeof(s->mac));
		s->mtu = dev->mtu;
		s->up = !!(dev->flags & IFF_UP);
		s->running = !!(dev->flags & IFF_RUNNING);
		s->rx_packets = dev->stats.rx_packets;
		s->tx_packets = dev->stats.tx_packets;
		s->rx_bytes = dev->stats.rx_bytes;
		s->tx_bytes = dev->stats.tx_bytes;
		s->rx_errors = dev->stats.rx_errors;
		s->tx_errors = dev->stats.tx_errors;
		s->rx_dropped = dev->stats.rx_dropped;
		s->tx_dropped = dev->stats.tx_dropped;
		n++;
	}
	net_unlock();
	return n;
}

void status_counters(struct status_counters *out)
{
	struct mem_stats m;
	struct ip_mib ip;
	struct tcp_mib tcp;
	struct udp_mib udp;

	net_lock();
	ip = ip_statistics;
	tcp = tcp_statistics;
	udp = udp_statistics;
	out->skb_in_use = skb_in_use();
	out->sockets_in_use = (uint64_t)sock_in_use();
	net_unlock();
	mem_get_stats(&m);
	out->ip_in_receives = ip.in_receives;
	out->ip_in_delivers = ip.in_delivers;
	out->ip_out_requests = ip.out_requests;
	out->ip_in_discards = ip.in_discards;
	out->tcp_active_opens = tcp.active_opens;
	out->tcp_passive_opens = tcp.passive_opens;
	out->tcp_estab_resets = tcp.estab_resets;
	out->tcp_in_segs = tcp.in_segs;
	out->tcp_out_segs = tcp.out_segs;
	out->tcp_retrans_segs = tcp.retrans_segs;
	out->tcp_syn_drops = tcp.syn_drops;
	out->tcp_listen_overflows = tcp.listen_overflows;
	out->udp_in_datagrams = udp.in_datagrams;
	out->udp_out_datagrams = udp.out_datagrams;
	out->udp_no_ports = udp.no_ports;
	out->udp_rcvbuf_errors = udp.rcvbuf_errors;
	out->mem_total_bytes = m.total_pages * PAGE_SIZE;
	out->mem_free_bytes = m.free_pages * PAGE_SIZE;
}

/* tcp_get_sock_info's table, in a buffer too large for a task's stack. */
static struct tcp_sock_info sock_info[STATUS_MAX_SOCKS];
static int sock_info_busy;

static int snapshot_socks(void)
{
	int n;

	/* one user at a time: httpd and iperf3 run as separate tasks */
	while (__atomic_exchange_n(&sock_info_busy, 1, __ATOMIC_ACQUIRE))
		schedule();
	n = tcp_get_sock_info(sock_info, STATUS_MAX_SOCKS);
	return n > STATUS_MAX_SOCKS ? STATUS_MAX_SOCKS : n;
}

static void release_socks(void) { __atomic_store_n(&sock_info_busy, 0, __ATOMIC_RELEASE); }

int status_sockets(struct status_socket *out, int max)
{
	int i, n = snapshot_socks(), total = n;

	for (i = 0; i < n && i < max; i++) {
		out[i].laddr = sock_info[i].laddr;
		out[i].raddr = sock_info[i].raddr;
		out[i].lport = sock_info[i].lport;
		out[i].rport = sock_info[i].rport;
		out[i].state = tcp_state_name(sock_info[i].state);
		out[i].send_q = sock_info[i].send_q;
		out[i].recv_q = sock_info[i].recv_q;
	}
	release_socks();
	return total;
}

int status_tcp_retrans(int fd, uint64_t *retrans)
{
	struct sockaddr_in l, r;
	socklen_t len = sizeof(l);
	int i, n, err = -ENOENT;

	if (getsockname(fd, (struct sockaddr *)&l, &len) < 0)
		return -errno;
	len = sizeof(r);
	if (getpeername(fd, (struct sockaddr *)&r, &len) < 0)
		return -errno;
	n = snapshot_socks();
	for (i = 0; i < n; i++) {
		if (sock_info[i].laddr == l.sin_addr.s_addr &&
		    sock_info[i].lport == ntohs(l.sin_port) &&
		    sock_info[i].raddr == r.sin_addr.s_addr &&
		    sock_info[i].rport == ntohs(r.sin_port)) {
			*retrans = sock_info[i].retrans;
			err = 0;
			break;
		}
	}
	release_socks();
	return err;
}
