/*
 * The control and inspection interface of the network stack: the one
 * net/ header that user/ includes (netlink and the SIOC* ioctls in
 * spirit).  Every call takes net_lock itself and copies plain structures
 * out: no pointer into the stack leaves it, so a caller prints or sorts
 * its copy at leisure while the stack goes on.  Configuration calls
 * return 0 or a negative errno; the errors each one can return are listed
 * with it.  Addresses are uint32_t in network byte order, ports in host
 * order, as in the rest of net/.
 *
 * None of these calls may be made with net_lock held or from a softirq.
 */
#ifndef NET_NETCTL_H
#define NET_NETCTL_H

#include <stddef.h>
#include <stdint.h>

#define NETCTL_IFNAMSIZ	  16
#define NETCTL_DRVNAMSIZ  16
#define NETCTL_ETH_ALEN	  6
#define NETCTL_MAX_ROUTES 32 /* routes per page: netctl_route_walk pages through the rest */
#define NETCTL_MAX_ARP	  32 /* the ARP cache's size */

/* Interface flags: Linux's IFF_* values. */
#define NETCTL_IFF_UP	     0x1
#define NETCTL_IFF_BROADCAST 0x2
#define NETCTL_IFF_LOOPBACK  0x8
#define NETCTL_IFF_RUNNING   0x40

/* Link types: Linux's ARPHRD_* values. */
#define NETCTL_ARPHRD_ETHER    1
#define NETCTL_ARPHRD_LOOPBACK 772

/* ---- interfaces ---- */

struct netctl_dev_stats {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
	uint64_t interrupts;
	uint64_t forw_in, forw_out, forw_errors; /* forwarding: in here, out here, refused */
};

struct netctl_dev_info {
	char name[NETCTL_IFNAMSIZ];
	int ifindex;
	unsigned int flags; /* NETCTL_IFF_* */
	int carrier;	    /* the driver sees a link */
	unsigned int mtu;
	uint16_t type; /* NETCTL_ARPHRD_* */
	uint8_t mac[NETCTL_ETH_ALEN];
	uint32_t addr, netmask;	       /* 0 when unconfigured */
	char driver[NETCTL_DRVNAMSIZ]; /* "" for the stack's own devices */
	struct netctl_dev_stats stats;
};

/* Copies up to max interfaces, in registration order; returns how many exist. */
int netctl_get_devs(struct netctl_dev_info *out, int max);
/* One interface by name: 0, or -ENODEV. */
int netctl_get_dev(const char *name, struct netctl_dev_info *out);

/* What netctl_dev_configure changes; an unset field keeps its value. */
struct netctl_dev_config {
	int set_addr, set_mask;
	uint32_t addr;	  /* with set_addr; 0 removes the address */
	uint32_t netmask; /* with set_mask; else the current one, or /24 when there is none */
	int up;		  /* 1 up, 0 down, -1 unchanged; applied after the address */
	unsigned int mtu; /* 0 unchanged; else NETCTL_MIN_MTU up to the device's own */
};
#define NETCTL_MIN_MTU 68 /* RFC 791: every host must take 68-byte datagrams */

/*
 * Configures the interface named `name` under one lock: address and mask
 * (the connected route follows, the ARP entries on it are flushed, the new
 * address is announced), then the link state.  0, -ENODEV (no such
 * interface), -EINVAL (a non-contiguous mask, or an address without one,
 * or an MTU below NETCTL_MIN_MTU or above the one the device started with),
 * -EEXIST or -ENOSPC (the connected route), or the driver's error.
 */
int netctl_dev_configure(const char *name, const struct netctl_dev_config *cfg);

/* ---- DHCP client (RFC 2131) ---- */

#define NETCTL_DHCP_MAX_DNS 3

struct netctl_dhcp_info {
	char dev[NETCTL_IFNAMSIZ];
	char state[12]; /* "SELECTING", "REQUESTING", "BOUND", "RENEWING", "REBINDING", "FAILED" */
	int bound;	/* the fields below describe a lease in use */
	uint32_t addr, netmask, router, server;
	uint32_t dns[NETCTL_DHCP_MAX_DNS];
	int ndns;
	uint32_t lease_s; /* as granted; 0xffffffff: infinite (the *_left_s are then -1) */
	long lease_left_s, t1_left_s, t2_left_s; /* 0 once passed */
};

/* Copies up to max clients (one per interface that runs one); returns how many exist. */
int netctl_dhcp_get(struct netctl_dhcp_info *out, int max);
/*
 * Starts the DHCP client on the interface `name` (bringing it up), or
 * renews the lease it holds, then waits up to timeout_ms for the outcome
 * (the lock is dropped meanwhile; the client goes on after a timeout).
 * 0 with *out filled (bound), -ENODEV (no such interface), -EOPNOTSUPP
 * (not Ethernet), -ETIMEDOUT (no offer: the client gave up), -EINPROGRESS
 * (still trying when the wait ended), -EINTR (Ctrl-C; it goes on),
 * -ENOENT (released meanwhile), -ENOSPC, -EADDRINUSE (port 68 in use),
 * -ENOMEM.
 */
int netctl_dhcp_run(const char *name, long timeout_ms, struct netctl_dhcp_info *out);
/*
 * Stops the client on `name`, releasing its lease (RFC 2131 4.4.6): 0
 * (*had_lease says whether one was released), -ENODEV, -ENOENT (no client).
 */
int netctl_dhcp_release(const char *name, int *had_lease);

/* ---- routes ---- */

struct netctl_route {
	uint32_t dst, mask, gateway; /* gateway 0: directly connected */
	int metric;
	char dev[NETCTL_IFNAMSIZ];
};

/* Copies up to max (at most NETCTL_MAX_ROUTES) routes in table order, the
 * first ones; returns how many were copied. */
int netctl_get_routes(struct netctl_route *out, int max);

/* Where a walk over the table stands: zero it to start. */
struct netctl_route_cursor {
	uint32_t pos[3];
};
/*
 * Copies the next routes, up to max (at most NETCTL_MAX_ROUTES), from *cur
 * on, and advances it: defaults first, then shorter prefixes, then by
 * address.  Returns how many; 0 at the end.  A table changed between
 * calls may make the walk skip or repeat a route.
 */
int netctl_route_walk(struct netctl_route_cursor *cur, struct netctl_route *out, int max);
/* How many routes the table holds. */
unsigned int netctl_route_count(void);
/*
 * Adds dst/mask via gateway (0: none) on the interface named `dev` (NULL:
 * the one the gateway is reached through).  0, -ENODEV (no such
 * interface, or neither a gateway nor an interface), -EINVAL (bad mask,
 * or destination bits outside it), -ENETUNREACH (the gateway is not on a
 * directly connected network), -EEXIST, -ENOSPC.
 */
int netctl_route_add(uint32_t dst, uint32_t mask, uint32_t gateway, const char *dev);
/* The same with a metric (>= 0; a route to the same destination with
 * another metric is not a duplicate); also -EINVAL for a negative metric,
 * -ENOMEM. */
int netctl_route_add_metric(uint32_t dst, uint32_t mask, uint32_t gateway, const char *dev,
			    int metric);
/* Deletes the route to dst/mask: 0 or -ESRCH. */
int netctl_route_del(uint32_t dst, uint32_t mask);
/* What netctl_route_delete matches besides the destination. */
#define NETCTL_ROUTE_GW	    0x1
#define NETCTL_ROUTE_DEV    0x2
#define NETCTL_ROUTE_METRIC 0x4
/* Deletes the lowest-metric route to dst/mask whose gateway, interface and
 * metric match those that `match` names: 0, -ESRCH, -ENODEV (no such
 * interface), -EINVAL. */
int netctl_route_delete(uint32_t dst, uint32_t mask, uint32_t gateway, const char *dev, int metric,
			unsigned int match);

/* A path MTU learnt for a destination (net/route.h, ip_rt_update_pmtu). */
struct netctl_pmtu {
	uint32_t daddr, nexthop; /* nexthop: daddr itself on a connected network */
	char dev[NETCTL_IFNAMSIZ];
	unsigned int mtu;
	unsigned int expires_s; /* seconds left, rounded up */
};
#define NETCTL_MAX_PMTU 256 /* the cache's bound, IP_RT_PMTU_MAX */
/* Copies up to max live entries; returns how many. */
int netctl_route_cache(struct netctl_pmtu *out, int max);
/* Forgets them all. */
void netctl_route_cache_flush(void);

/* ---- ARP (the neighbour cache) ---- */

enum netctl_arp_state { NETCTL_ARP_INCOMPLETE = 1, NETCTL_ARP_REACHABLE, NETCTL_ARP_STALE };

struct netctl_arp_entry {
	uint32_t ip;
	uint8_t mac[NETCTL_ETH_ALEN]; /* zero while INCOMPLETE */
	char dev[NETCTL_IFNAMSIZ];
	int state;	     /* enum netctl_arp_state */
	uint64_t age_ms;     /* since last confirmed (or since the first request) */
	unsigned int queued; /* packets waiting for the reply */
};

/* Copies up to max entries; returns how many were copied. */
int netctl_get_arp(struct netctl_arp_entry *out, int max);
/* Deletes the entry for ip (its waiting packets are freed): 0 or -ENOENT. */
int netctl_arp_delete(uint32_t ip);
/* "incomplete", "reachable" or "stale" (arp's words). */
const char *netctl_arp_state_name(int state);

/* ---- sockets ---- */

/* TCP connection state (RFC 9293 3.3.2), as netstat -t and ss -ti show it. */
struct netctl_tcp_info {
	uint32_t snd_una, snd_nxt, rcv_nxt;
	uint32_t snd_wnd, rcv_wnd; /* bytes, unscaled */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t sack_ok;
	uint32_t mss;			     /* effective send MSS */
	uint32_t snd_cwnd, snd_ssthresh;     /* bytes */
	uint32_t rto_ms, srtt_ms, rttvar_ms; /* srtt 0: no sample yet */
	uint32_t backoff;		     /* RTO doublings so far */
	uint32_t total_retrans;
	int in_recovery;
};

struct netctl_sock_info {
	int protocol; /* IPPROTO_TCP or IPPROTO_UDP */
	/* TCP_* as Linux numbers them (netctl_tcp_state_name); a UDP socket is
	 * ESTABLISHED when connected, else CLOSE, as in Linux */
	int state;
	uint32_t laddr, raddr; /* raddr/rport 0: not connected */
	uint16_t lport, rport;
	unsigned int send_q;	    /* TCP: unacked+unsent bytes; a listener's accept queue */
	unsigned int recv_q;	    /* bytes not read yet */
	int orphan;		    /* closed by its user, still finishing */
	struct netctl_tcp_info tcp; /* TCP only */
};

/*
 * Copies up to max sockets of `protocol` (IPPROTO_TCP, IPPROTO_UDP, or 0
 * for both) in creation order; returns how many exist, which may be more
 * than max.
 */
int netctl_get_socks(struct netctl_sock_info *out, int max, int protocol);
/* TCP states with Linux's numbers (the rest are in netctl_tcp_state_name). */
#define NETCTL_TCP_ESTABLISHED 1
#define NETCTL_TCP_LISTEN      10

/* Socks allocated and not yet freed (request socks included). */
long netctl_socks_in_use(void);
/* "ESTABLISHED", "SYN_SENT", ... (netstat's words), or "?". */
const char *netctl_tcp_state_name(int state);

/* ---- counters ---- */

/*
 * The MIB groups, each a list of counter names in the order netstat -s
 * prints them.  X(name) is expanded once per counter: the snapshot
 * structure, its copy and its printing are all written from these lists.
 */
/* clang-format off */
#define NETCTL_IP_MIB(X) \
	X(in_receives) X(in_hdr_errors) X(in_csum_errors) X(in_truncated_pkts) \
	X(in_addr_errors) X(in_unknown_protos) X(in_discards) X(in_delivers) \
	X(frag_drops) X(out_requests) X(out_no_routes) X(out_discards) \
	X(forw_datagrams) X(in_martians) X(reasm_reqds) X(reasm_oks) X(reasm_fails) \
	X(reasm_timeout) X(reasm_overlaps) X(frag_oks) X(frag_fails) X(frag_creates)
#define NETCTL_ICMP_MIB(X) \
	X(in_msgs) X(in_errors) X(in_echos) X(in_echo_reps) X(in_dest_unreachs) \
	X(out_msgs) X(out_echos) X(out_echo_reps) X(out_dest_unreachs) X(out_rate_limited) \
	X(in_time_excds) X(out_time_excds)
#define NETCTL_UDP_MIB(X) \
	X(in_datagrams) X(no_ports) X(in_errors) X(in_csum_errors) X(rcvbuf_errors) \
	X(out_datagrams)
#define NETCTL_ARP_MIB(X) \
	X(requests_sent) X(replies_sent) X(requests_rcvd) X(replies_rcvd) X(rcv_errors) \
	X(resolve_failed) X(queue_drops)
#define NETCTL_TCP_MIB(X) \
	X(active_opens) X(passive_opens) X(attempt_fails) X(estab_resets) \
	X(in_segs) X(out_segs) X(retrans_segs) X(in_errs) X(out_rsts) \
	X(challenge_acks) X(syn_drops) X(listen_overflows) X(out_of_window_icmps) \
	X(timeouts) X(sack_recoveries) X(lost_retransmits) X(loss_probes) \
	X(syncookies_sent) X(syncookies_recv) X(syncookies_failed) X(abort_on_close) \
	X(abort_on_data) X(mem_refusals) X(rcvq_drops) X(time_wait_overflow)
/* clang-format on */

#define NETCTL_MIB_FIELD(name) uint64_t name;
struct netctl_mib {
	struct netctl_ip_mib {
		NETCTL_IP_MIB(NETCTL_MIB_FIELD)
	} ip;
	struct netctl_icmp_mib {
		NETCTL_ICMP_MIB(NETCTL_MIB_FIELD)
	} icmp;
	struct netctl_udp_mib {
		NETCTL_UDP_MIB(NETCTL_MIB_FIELD)
	} udp;
	struct netctl_arp_mib {
		NETCTL_ARP_MIB(NETCTL_MIB_FIELD)
	} arp;
	struct netctl_tcp_mib {
		NETCTL_TCP_MIB(NETCTL_MIB_FIELD)
	} tcp;
};
#undef NETCTL_MIB_FIELD

/* Every protocol counter, taken at one instant. */
void netctl_get_mib(struct netctl_mib *out);

struct netctl_skb_stats {
	uint64_t allocs, frees;
	uint64_t alloc_fails; /* no memory for the buffer or the struct */
};
void netctl_get_skb_stats(struct netctl_skb_stats *out);

/* ---- ping (ICMP echo) ---- */

#define NETCTL_IP_HDR_LEN	20 /* what an echo adds to its payload on the wire */
#define NETCTL_ICMP_HDR_LEN	8
#define NETCTL_PING_MAX_PAYLOAD (65535 - NETCTL_IP_HDR_LEN - NETCTL_ICMP_HDR_LEN)

/* Destination unreachable codes (RFC 792) a ping can come back with. */
#define NETCTL_ICMP_NET_UNREACH	 0
#define NETCTL_ICMP_HOST_UNREACH 1
#define NETCTL_ICMP_PROT_UNREACH 2
#define NETCTL_ICMP_PORT_UNREACH 3

struct netctl_ping_reply {
	uint32_t from;	  /* who answered */
	uint64_t rtt_us;  /* request sent to reply received */
	uint8_t ttl;	  /* of the reply's IP header */
	unsigned int len; /* ICMP bytes received (header + payload) */
	uint8_t type, code;
};

/* A fresh echo identifier for one ping run (random first, then counting). */
uint16_t netctl_ping_ident(void);
/*
 * Sends one echo request of payload_len pattern bytes to daddr and waits
 * up to timeout_ms for its reply; the lock is dropped while it waits.
 * 0 with *reply filled, -ETIMEDOUT, -EINTR (Ctrl-C), -EHOSTUNREACH (an
 * unreachable came back: *reply says from whom, and the code), -EMSGSIZE,
 * -ENETUNREACH, -ENOMEM, or -EIO (a reply with wrong data).
 */
int netctl_ping(uint32_t daddr, uint16_t id, uint16_t seq, size_t payload_len, long timeout_ms,
		struct netctl_ping_reply *reply);

/* ---- TCP tunables and tracing ---- */

/*
 * The TCP tunables (sysctl-like; the kernel command line sets them at
 * boot through netctl_apply_boot_params, "name=value" with the same names).
 * Set: 0, -ENOENT (no such tunable) or -ERANGE (outside its limits).
 * Get: the value, or -ENOENT.
 */
int netctl_tcp_tunable_set(const char *name, long value);
long netctl_tcp_tunable_get(const char *name);

/* Applies the tunables given on the kernel command line; net_init calls it. */
void netctl_apply_boot_params(void);

/* tcptrace: one printk line per TCP segment in and out; absolute: raw
 * sequence numbers rather than relative to the ISNs (tcpdump -S). */
void netctl_tcp_trace_set(int on, int absolute);
/* Whether tracing is on; *absolute (may be NULL) whether numbers are raw. */
int netctl_tcp_trace_get(int *absolute);

/* ---- packet capture (pcap to the capture output) ---- */

struct netctl_capture_stats {
	int active;
	int ifindex;	  /* 0: every interface */
	uint64_t frames;  /* recorded */
	uint64_t dropped; /* did not fit in the ring */
	uint64_t bytes;	  /* pcap bytes written into the ring, headers included */
	uint64_t limit;	  /* stops after this many frames; 0: no limit */
	size_t pending;	  /* bytes in the ring not yet sent out */
};

/*
 * Starts recording the interface named ifname (NULL or "any": every
 * interface, in Linux cooked form) for max_frames frames (0: until
 * netctl_capture_stop).  0, -ENODEV (no such interface), -EBUSY (a capture
 * runs), -ENXIO (nowhere to send the stream).
 */
int netctl_capture_start(const char *ifname, uint64_t max_frames);
void netctl_capture_stop(void);
void netctl_capture_get_stats(struct netctl_capture_stats *out);

/* ---- receive path stage counters (pktstat) ---- */

/*
 * The stages of the receive path that net/pktstat.c times, in path order.
 * Each counts its calls and the nanoseconds (TSC resolution) spent inside,
 * inclusive: a NAPI poll contains the GRO, IP and TCP work of its frames.
 */
/* clang-format off */
#define NETCTL_PKTSTAT_STAGES(X) \
	X(napi_poll)      /* one driver poll and its GRO flush */ \
	X(gro_receive)    /* napi_gro_receive: merge, hold or pass one frame on */ \
	X(ip_rcv)         /* one IPv4 packet, its protocol's work included */ \
	X(tcp_v4_rcv)     /* one TCP segment, lookup to socket queue */ \
	X(tcp_data_queue) /* queueing a segment's text, the ACK decision included */ \
	X(recvmsg_copy)   /* tcp_recvmsg copying queued bytes to the user */ \
	X(ack_xmit)       /* tcp_send_ack: one pure ACK down to the driver */ \
	X(nic_reg)        /* a register write handing the NIC work or unmasking it \
			     (e1000 RDT, TDT, IMS; virtio's notify): under QEMU \
			     the device's emulation runs inside it */
/* clang-format on */

#define NETCTL_PKTSTAT_ENUM(name) NETCTL_PKTSTAT_##name,
enum netctl_pktstat_stage { NETCTL_PKTSTAT_STAGES(NETCTL_PKTSTAT_ENUM) NETCTL_PKTSTAT_NR };
#undef NETCTL_PKTSTAT_ENUM

struct netctl_pktstat {
	uint64_t count; /* calls */
	uint64_t ns;	/* time inside, inclusive */
	uint64_t bytes; /* payload bytes handled (frames, segments, copies) */
};

/* The stage's name (as in NETCTL_PKTSTAT_STAGES), or "?". */
const char *netctl_pktstat_name(int stage);
/* Counting is off at boot (it costs two TSC reads per stage). */
void netctl_pktstat_enable(int on);
int netctl_pktstat_enabled(void);
/* Copies every stage's counters into out[NETCTL_PKTSTAT_NR]. */
void netctl_pktstat_get(struct netctl_pktstat *out);
void netctl_pktstat_reset(void);

/*
 * The per-byte primitives of the data path timed in place: nanoseconds
 * for `rounds` memcpy, memset and checksum passes over a len-byte buffer.
 * 0, -EINVAL (len 0 or above NETCTL_MEMBENCH_MAX) or -ENOMEM.
 */
#define NETCTL_MEMBENCH_MAX (1u << 20)
struct netctl_membench {
	uint64_t memcpy_ns, memset_ns, csum_ns;
};
int netctl_membench(size_t len, unsigned int rounds, struct netctl_membench *out);
/* ---- sysctl (the net.ipv4 settings that are not TCP tunables) ---- */

/*
 * Linux's names: net.ipv4.ip_forward (0 or 1).  The kernel command line
 * sets them at boot as Linux 5.8 does, sysctl.NAME=VALUE
 * (netctl_apply_boot_params).  Get: 0 with *value, or -ENOENT.  Set: 0,
 * -ENOENT or -ERANGE.  netctl_sysctl_name(i) lists them (NULL past the end).
 */
int netctl_sysctl_get(const char *name, long *value);
int netctl_sysctl_set(const char *name, long value);
const char *netctl_sysctl_name(int i);

/* ---- traceroute's probe ---- */

/*
 * Sends one UDP datagram of payload_len bytes to daddr:dport from sport
 * with the given TTL and waits up to timeout_ms for the ICMP error it
 * draws; the lock is dropped while it waits.  0 with *reply filled (type
 * 11 time exceeded from a router, type 3 unreachable from the end; from,
 * rtt), -ETIMEDOUT, -EINTR, -ENETUNREACH, -EINVAL, -ENOMEM.
 */
int netctl_udp_probe(uint32_t daddr, uint8_t ttl, uint16_t sport, uint16_t dport,
		     size_t payload_len, long timeout_ms, struct netctl_ping_reply *reply);

#endif
