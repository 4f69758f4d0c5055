/*
 * struct net_device: a network interface (eth0, eth1, ..., lo), the path
 * down to its driver (dev_queue_xmit) and up from it (netif_receive_skb,
 * netif_rx, and the NAPI-style poll the NET_RX softirq runs).
 */
#ifndef NET_NETDEVICE_H
#define NET_NETDEVICE_H

#include <stdint.h>
#include "kernel/list.h"
#include "net/skbuff.h"

#define ETH_ALEN 6
#define IFNAMSIZ 16

#define IFF_UP	      0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK  0x8
#define IFF_RUNNING   0x40

/*
 * Counted by the driver: rx/tx packets and bytes, its own errors and drops,
 * interrupts.  Counted by the stack: rx_dropped for frames nobody handles
 * (down device, unknown ethertype, full backlog), rx_errors for frames too
 * short or malformed for Ethernet/ARP, tx_dropped for frames refused before
 * the driver (device down, larger than the MTU).  Counted by ip_forward:
 * forw_in for datagrams received here and forwarded, forw_out for
 * datagrams forwarded out of here, forw_errors for datagrams received here
 * and refused (no route, TTL, too big with DF, martian).
 */
struct net_device_stats {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
	uint64_t interrupts;
	uint64_t forw_in, forw_out, forw_errors;
};

/*
 * Offloads a device takes, as Linux's NETIF_F_* bits.  The stack builds
 * packets for the device the route picked: CHECKSUM_PARTIAL packets only
 * reach a device with NETIF_F_IP_CSUM and GSO packets only one with
 * NETIF_F_TSO; dev_queue_xmit finishes the job in software for the others.
 */
typedef uint32_t netdev_features_t;
#define NETIF_F_IP_CSUM (1u << 0) /* transmit: completes TCP/UDP checksums over IPv4 */
#define NETIF_F_RXCSUM	(1u << 1) /* receive: verifies them (skb CHECKSUM_UNNECESSARY) */
#define NETIF_F_TSO	(1u << 2) /* transmit: segments TCPv4 GSO packets (gso_size) */

struct net_device;

struct net_device_ops {
	/* Takes ownership of skb (frees it on error).  Returns 0 or -errno. */
	int (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
	int (*ndo_open)(struct net_device *dev);
	int (*ndo_stop)(struct net_device *dev);
};

/* NAPI: the driver's poll hands up to `budget` frames to netif_receive_skb
 * and returns how many it handled; below budget it re-enables its interrupt. */
struct napi_struct {
	struct list_head poll_list;
	int (*poll)(struct napi_struct *napi, int budget);
	struct net_device *dev;
	int scheduled;
	struct list_head gro_list; /* skbs GRO holds for merging (net/gro.c), oldest first */
	unsigned int gro_count;
};

struct net_device {
	char name[IFNAMSIZ];
	int ifindex;
	unsigned int flags;
	int carrier; /* link detected (netif_carrier_on/off) */
	unsigned int mtu;
	unsigned int max_mtu; /* the driver's MTU, the most `ifconfig mtu` may set; 0: mtu */
	netdev_features_t features;
	unsigned int gso_max_size; /* largest GSO packet, IP header on (NETIF_F_TSO) */
	uint8_t dev_addr[ETH_ALEN];
	uint8_t broadcast[ETH_ALEN];
	uint16_t type; /* ARPHRD_ETHER / ARPHRD_LOOPBACK */
	/* IPv4 configuration, network byte order */
	uint32_t ip_addr, netmask;
	const struct net_device_ops *ops;
	struct net_device_stats stats;
	struct napi_struct napi;
	const char *driver;
	void *priv;
	struct list_head dev_list;
};

#define ARPHRD_ETHER	1
#define ARPHRD_LOOPBACK 772

struct net_device *alloc_netdev(const char *name_fmt, size_t priv_size); /* "eth%d" */
int register_netdev(struct net_device *dev);
struct net_device *dev_get_by_name(const char *name);
struct net_device *dev_get_by_index(int ifindex);
struct list_head *netdev_list(void);
/* Link state from the driver; IFF_RUNNING = IFF_UP and carrier. New devices have carrier. */
void netif_carrier_on(struct net_device *dev);
void netif_carrier_off(struct net_device *dev);
int dev_open(struct net_device *dev); /* IFF_UP, gratuitous ARP */
int dev_close(struct net_device *dev);

int dev_queue_xmit(struct sk_buff *skb); /* skb->dev set, frame complete */
/* Software GSO (Linux's skb_gso_segment): cuts a GSO frame into segs; 0 or -errno. */
int skb_gso_segment(struct sk_buff *skb, struct sk_buff_head *segs);
int netif_receive_skb(struct sk_buff *skb); /* a received frame, data at the MAC header */
int netif_rx(struct sk_buff *skb);	    /* queue a frame for the softirq (loopback) */
/* A driver's poll hands received frames here: frames of one flow may be
 * merged before the stack sees them (GRO); what is held is delivered when
 * the poll ends. */
int napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb);

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
		    int (*poll)(struct napi_struct *, int));
void napi_schedule(struct napi_struct *napi); /* from the IRQ handler */
/* Leaves polling mode and delivers what GRO holds: 1, or 0 if that
 * delivery scheduled the poll again (the device's interrupt stays masked). */
int napi_complete(struct napi_struct *napi);
void net_rx_action(void); /* the NET_RX softirq */

void net_init(void); /* registers lo and the softirq; drivers register ethN after */

/*
 * A driver's register write on the data path, timed as pktstat's nic_reg
 * stage (net/pktstat.c): t0 = netdev_reg_start(); write;
 * netdev_reg_end(t0).  Off, the pair costs a test of pktstat_on.
 */
uint64_t netdev_reg_start(void);
void netdev_reg_end(uint64_t t0);

#endif
