/*
 * The services' view of the system (status.h), gathered in one place from
 * the kernel's clocks (kernel/uapi.h) and the stack's copies of its
 * devices, counters and sockets (net/netctl.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "user/status.h"
#include "kernel/uapi.h"
#include "net/netctl.h"

#define STATUS_MAX_SOCKS 256

uint64_t status_uptime_ms(void) { return jiffies_ms(); }

uint64_t status_now_ns(void) { return ktime_ns(); }

uint64_t status_task_cpu_ms(void) { return task_cpu_ms(); }

int status_interfaces(struct status_iface *out, int max)
{
	struct netctl_dev_info devs[STATUS_MAX_IFACES];
	int i, n = netctl_get_devs(devs, STATUS_MAX_IFACES);

	if (n > STATUS_MAX_IFACES)
		n = STATUS_MAX_IFACES;
	for (i = 0; i < n && i < max; i++) {
		const struct netctl_dev_info *d = &devs[i];
		struct status_iface *s = &out[i];

		memset(s, 0, sizeof(*s));
		memcpy(s->name, d->name, sizeof(s->name) - 1);
		s->addr = d->addr;
		s->netmask = d->netmask;
		memcpy(s->mac, d->mac, sizeof(s->mac));
		s->mtu = d->mtu;
		s->up = !!(d->flags & NETCTL_IFF_UP);
		s->running = !!(d->flags & NETCTL_IFF_RUNNING);
		s->rx_packets = d->stats.rx_packets;
		s->tx_packets = d->stats.tx_packets;
		s->rx_bytes = d->stats.rx_bytes;
		s->tx_bytes = d->stats.tx_bytes;
		s->rx_errors = d->stats.rx_errors;
		s->tx_errors = d->stats.tx_errors;
		s->rx_dropped = d->stats.rx_dropped;
		s->tx_dropped = d->stats.tx_dropped;
	}
	return i;
}

void status_counters(struct status_counters *out)
{
	static struct netctl_mib mib; /* 400 bytes: not on a service task's stack */
	struct netctl_skb_stats skb;
	struct meminfo m;

	netctl_get_mib(&mib);
	netctl_get_skb_stats(&skb);
	meminfo_get(&m);
	out->skb_in_use = skb.allocs - skb.frees;
	out->sockets_in_use = (uint64_t)netctl_socks_in_use();
	out->ip_in_receives = mib.ip.in_receives;
	out->ip_in_delivers = mib.ip.in_delivers;
	out->ip_out_requests = mib.ip.out_requests;
	out->ip_in_discards = mib.ip.in_discards;
	out->tcp_active_opens = mib.tcp.active_opens;
	out->tcp_passive_opens = mib.tcp.passive_opens;
	out->tcp_estab_resets = mib.tcp.estab_resets;
	out->tcp_in_segs = mib.tcp.in_segs;
	out->tcp_out_segs = mib.tcp.out_segs;
	out->tcp_retrans_segs = mib.tcp.retrans_segs;
	out->tcp_syn_drops = mib.tcp.syn_drops;
	out->tcp_listen_overflows = mib.tcp.listen_overflows;
	out->udp_in_datagrams = mib.udp.in_datagrams;
	out->udp_out_datagrams = mib.udp.out_datagrams;
	out->udp_no_ports = mib.udp.no_ports;
	out->udp_rcvbuf_errors = mib.udp.rcvbuf_errors;
	out->mem_total_bytes = m.total_pages * m.page_size;
	out->mem_free_bytes = m.free_pages * m.page_size;
}

/*
 * The TCP sockets, in a buffer of its own for each caller (httpd and
 * iperf3 run as separate tasks, and the table is too large for a task's
 * stack): *n of the *total there are.  NULL when out of memory.
 */
static struct netctl_sock_info *snapshot_socks(int *n, int *total)
{
	struct netctl_sock_info *s = malloc(STATUS_MAX_SOCKS * sizeof(*s));

	if (!s)
		return NULL;
	*total = netctl_get_socks(s, STATUS_MAX_SOCKS, IPPROTO_TCP);
	*n = *total > STATUS_MAX_SOCKS ? STATUS_MAX_SOCKS : *total;
	return s;
}

int status_sockets(struct status_socket *out, int max)
{
	int i, n, total;
	struct netctl_sock_info *s = snapshot_socks(&n, &total);

	if (!s)
		return 0;
	for (i = 0; i < n && i < max; i++) {
		out[i].laddr = s[i].laddr;
		out[i].raddr = s[i].raddr;
		out[i].lport = s[i].lport;
		out[i].rport = s[i].rport;
		out[i].state = netctl_tcp_state_name(s[i].state);
		out[i].send_q = s[i].send_q;
		out[i].recv_q = s[i].recv_q;
	}
	free(s);
	return total;
}

int status_tcp_retrans(int fd, uint64_t *retrans)
{
	struct netctl_sock_info *s;
	struct sockaddr_in l, r;
	socklen_t len = sizeof(l);
	int i, n, total, err = -ENOENT;

	if (getsockname(fd, (struct sockaddr *)&l, &len) < 0)
		return -errno;
	len = sizeof(r);
	if (getpeername(fd, (struct sockaddr *)&r, &len) < 0)
		return -errno;
	s = snapshot_socks(&n, &total);
	if (!s)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (s[i].laddr == l.sin_addr.s_addr && s[i].lport == ntohs(l.sin_port) &&
		    s[i].raddr == r.sin_addr.s_addr && s[i].rport == ntohs(r.sin_port)) {
			*retrans = s[i].tcp.total_retrans;
			err = 0;
			break;
		}
	}
	free(s);
	return err;
}
