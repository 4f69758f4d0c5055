/*
 * The system's state as the services report it (httpd's status page and
 * /stats.json, iperf3's retransmission and CPU figures): plain copies taken
 * from the kernel and the stack, so that the services include no net/ or
 * kernel/ header themselves.  Each call takes the locks it needs.
 */
#ifndef USER_STATUS_H
#define USER_STATUS_H

#include <stdint.h>

#define STATUS_MAX_IFACES 8

struct status_iface {
	char name[16];
	uint32_t addr, netmask; /* network order */
	uint8_t mac[6];
	unsigned int mtu;
	int up, running;
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
};

struct status_counters {
	uint64_t ip_in_receives, ip_in_delivers, ip_out_requests, ip_in_discards;
	uint64_t tcp_active_opens, tcp_passive_opens, tcp_estab_resets, tcp_in_segs;
	uint64_t tcp_out_segs, tcp_retrans_segs, tcp_syn_drops, tcp_listen_overflows;
	uint64_t udp_in_datagrams, udp_out_datagrams, udp_no_ports, udp_rcvbuf_errors;
	uint64_t skb_in_use, sockets_in_use;
	uint64_t mem_total_bytes, mem_free_bytes;
};

struct status_socket {
	uint32_t laddr, raddr; /* network order */
	uint16_t lport, rport; /* host order */
	const char *state;     /* "ESTABLISHED", ... */
	unsigned int send_q, recv_q;
};

uint64_t status_uptime_ms(void);
uint64_t status_now_ns(void); /* since boot, fine-grained */
/* CPU time the calling task has used, in ms. */
uint64_t status_task_cpu_ms(void);
int status_interfaces(struct status_iface *out, int max);
void status_counters(struct status_counters *out);
/* Fills up to max TCP sockets; returns how many there are (0 when out of memory). */
int status_sockets(struct status_socket *out, int max);
/* Retransmitted segments of the TCP connection on fd: 0, or -errno. */
int status_tcp_retrans(int fd, uint64_t *retrans);

#endif
