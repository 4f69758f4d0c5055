/*
 * Network devices: registration, open/close, the transmit entry point
 * (dev_queue_xmit) and the receive side: netif_receive_skb dispatching by
 * ethertype, the netif_rx backlog, and the NAPI poll loop that the NET_RX
 * softirq runs (net_rx_action).
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "net/netdevice.h"
#include "net/platform.h"
#include "net/eth.h"
#include "net/arp.h"
#include "net/devinet.h"
#include "net/ip.h"
#include "net/route.h"
#include "net/loopback.h"
#include "net/netctl.h"
#include "net/capture.h"
#include "net/gro.h"
#include "net/pktstat.h"

#define NAPI_POLL_WEIGHT   64	/* frames one poll call may hand up (Linux's default) */
#define NETDEV_BUDGET	   300	/* frames one softirq run may handle, over all devices */
#define NETDEV_MAX_BACKLOG 1000 /* netif_rx queue limit (Linux netdev_max_backlog) */

static LIST_HEAD(dev_base);
static int next_ifindex = 1;

/* Devices with frames to poll; shared with interrupt handlers (napi_schedule). */
static LIST_HEAD(poll_list);

/* The netif_rx queue and the NAPI instance that drains it (Linux's process_backlog). */
static struct sk_buff_head backlog;
static struct napi_struct backlog_napi;

struct list_head *netdev_list(void) { return &dev_base; }

struct net_device *alloc_netdev(const char *name_fmt, size_t priv_size)
{
	struct net_device *dev = kzalloc(sizeof(*dev) + priv_size);

	if (!dev)
		return NULL;
	snprintf(dev->name, IFNAMSIZ, "%s", name_fmt);
	INIT_LIST_HEAD(&dev->dev_list);
	INIT_LIST_HEAD(&dev->napi.poll_list);
	dev->carrier = 1;
	if (priv_size)
		dev->priv = dev + 1;
	return dev;
}

struct net_device *dev_get_by_name(const char *name)
{
	struct net_device *dev;

	list_for_each_entry (dev, &dev_base, dev_list)
		if (strcmp(dev->name, name) == 0)
			return dev;
	return NULL;
}

struct net_device *dev_get_by_index(int ifindex)
{
	struct net_device *dev;

	list_for_each_entry (dev, &dev_base, dev_list)
		if (dev->ifindex == ifindex)
			return dev;
	return NULL;
}

/* "eth%d" becomes the first free eth0, eth1, ... */
static int dev_alloc_name(struct net_device *dev)
{
	char fmt[IFNAMSIZ], name[IFNAMSIZ];
	int i;

	if (!strstr(dev->name, "%d"))
		return dev_get_by_name(dev->name) ? -EEXIST : 0;
	memcpy(fmt, dev->name, IFNAMSIZ);
	for (i = 0; i < 100; i++) {
		snprintf(name, IFNAMSIZ, fmt, i);
		if (!dev_get_by_name(name)) {
			memcpy(dev->name, name, IFNAMSIZ);
			return 0;
		}
	}
	return -ENFILE;
}

int register_netdev(struct net_device *dev)
{
	int err = dev_alloc_name(dev);

	if (err)
		return err;
	dev->ifindex = next_ifindex++;
	list_add_tail(&dev->dev_list, &dev_base);
	return 0;
}

/* A change of link is logged here, once, for every driver. */
void netif_carrier_on(struct net_device *dev)
{
	if (!dev->carrier)
		printk("%s: link up\n", dev->name);
	dev->carrier = 1;
	if (dev->flags & IFF_UP)
		dev->flags |= IFF_RUNNING;
}

void netif_carrier_off(struct net_device *dev)
{
	if (dev->carrier)
		printk("%s: link down\n", dev->name);
	dev->carrier = 0;
	dev->flags &= ~IFF_RUNNING;
}

int dev_open(struct net_device *dev)
{
	int err;

	if (dev->flags & IFF_UP)
		return 0;
	if (dev->ops && dev->ops->ndo_open) {
		err = dev->ops->ndo_open(dev);
		if (err)
			return err;
	}
	dev->flags |= IFF_UP;
	if (dev->carrier)
		dev->flags |= IFF_RUNNING;
	rt_cache_flush(); /* routes through dev count again */
	if (dev->type == ARPHRD_ETHER && dev->ip_addr)
		arp_announce(dev);
	inetdev_event(dev, NETDEV_UP);
	return 0;
}

int dev_close(struct net_device *dev)
{
	if (!(dev->flags & IFF_UP))
		return 0;
	if (dev->ops && dev->ops->ndo_stop)
		dev->ops->ndo_stop(dev);
	dev->flags &= ~(IFF_UP | IFF_RUNNING);
	rt_cache_flush(); /* routes through dev no longer count */
	arp_flush(dev);
	inetdev_event(dev, NETDEV_DOWN);
	return 0;
}

/* One frame the device takes as it is: checksum completed in software if
 * the device cannot, padded, handed to the driver. */
static int dev_hard_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	int err;

	if (skb->ip_summed == CHECKSUM_PARTIAL && !(dev->features & NETIF_F_IP_CSUM)) {
		err = skb_checksum_help(skb);
		if (err) {
			dev->stats.tx_dropped++;
			kfree_skb(skb);
			return err;
		}
	}
	/* Short Ethernet frames are padded with zeros (IEEE 802.3 4.2.3.3). */
	if (dev->type == ARPHRD_ETHER && skb_put_padto(skb, ETH_ZLEN)) {
		dev->stats.tx_dropped++;
		return -ENOMEM;
	}
	dev_capture(skb, dev, 1);
	/* The driver counts what it sends and what it drops (as in Linux). */
	return dev->ops->ndo_start_xmit(skb, dev);
}

/*
 * Linux's skb_gso_segment: a GSO packet for a device without NETIF_F_TSO
 * is cut into the segments a TSO device would have made (inet_gso_segment
 * and tcp_gso_segment).  Returns 0 with segs filled, or -errno.
 */
int skb_gso_segment(struct sk_buff *skb, struct sk_buff_head *segs)
{
	if (skb->protocol != htons(ETH_P_IP) || !(skb->gso_type & SKB_GSO_TCPV4))
		return -EPROTONOSUPPORT;
	return inet_gso_segment(skb, segs);
}

/* Sends the segments of a GSO packet; the first error, or 0. */
static int dev_xmit_gso(struct sk_buff *skb, struct net_device *dev)
{
	struct sk_buff_head segs;
	struct sk_buff *seg;
	int err, ret = 0;

	err = skb_gso_segment(skb, &segs);
	kfree_skb(skb);
	if (err) {
		dev->stats.tx_dropped++;
		return err;
	}
	while ((seg = skb_dequeue(&segs))) {
		err = dev_hard_start_xmit(seg, dev);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

int dev_queue_xmit(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	unsigned int max = dev->mtu + ETH_HLEN;
	int err;

	if (!(dev->flags & IFF_UP)) {
		err = -ENETDOWN;
		goto drop;
	}
	if (skb_is_gso(skb)) {
		if (!(dev->features & NETIF_F_TSO))
			return dev_xmit_gso(skb, dev);
		max = dev->gso_max_size + ETH_HLEN;
	}
	if (skb->len > max) {
		err = -EMSGSIZE;
		goto drop;
	}
	return dev_hard_start_xmit(skb, dev);
drop:
	dev->stats.tx_dropped++;
	kfree_skb(skb);
	return err;
}

int netif_receive_skb(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	uint16_t proto;

	/* rx_packets/rx_bytes are the driver's to count, as it receives. */
	if (!(dev->flags & IFF_UP))
		goto drop;
	dev_capture(skb, dev, 0);
	proto = eth_type_trans(skb, dev);
	if (!proto)
		goto error;
	switch (ntohs(proto)) {
	case ETH_P_IP: {
		unsigned int len = skb->len;
		uint64_t t0 = pktstat_start();
		int ret = ip_rcv(skb);

		pktstat_end(NETCTL_PKTSTAT_ip_rcv, t0, len);
		return ret;
	}
	case ETH_P_ARP:
		return arp_rcv(skb);
	default:
		goto drop; /* no handler for this ethertype */
	}
error:
	dev->stats.rx_errors++;
	kfree_skb(skb);
	return -EINVAL;
drop:
	dev->stats.rx_dropped++;
	kfree_skb(skb);
	return -ENOENT;
}

int netif_rx(struct sk_buff *skb)
{
	unsigned long flags = net_irq_save();

	if (skb_queue_len(&backlog) >= NETDEV_MAX_BACKLOG) {
		net_irq_restore(flags);
		skb->dev->stats.rx_dropped++;
		kfree_skb(skb);
		return -ENOBUFS;
	}
	skb_queue_tail(&backlog, skb);
	net_irq_restore(flags);
	napi_schedule(&backlog_napi);
	return 0;
}

static int process_backlog(struct napi_struct *napi, int budget)
{
	int done = 0;

	while (done < budget) {
		unsigned long flags = net_irq_save();
		struct sk_buff *skb = skb_dequeue(&backlog);

		net_irq_restore(flags);
		if (!skb) {
			napi_complete(napi);
			break;
		}
		netif_receive_skb(skb);
		done++;
	}
	return done;
}

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
		    int (*poll)(struct napi_struct *, int))
{
	INIT_LIST_HEAD(&napi->poll_list);
	napi->poll = poll;
	napi->dev = dev;
	napi->scheduled = 0;
	INIT_LIST_HEAD(&napi->gro_list);
	napi->gro_count = 0;
}

void napi_schedule(struct napi_struct *napi)
{
	unsigned long flags = net_irq_save();

	if (!napi->scheduled) {
		napi->scheduled = 1;
		list_add_tail(&napi->poll_list, &poll_list);
	}
	net_irq_restore(flags);
	net_raise_rx_softirq();
}

/*
 * Polling mode ends first, and only then is what GRO still holds
 * delivered: the ACKs that delivery sends wait for a transmit doorbell
 * which the driver leaves to its next poll (netdrv_tx_defer), and the
 * driver's own flush in this poll is already behind them.  Their
 * napi_schedule must therefore take effect, not find the instance still
 * scheduled and be lost: else the ACK stays in the ring until another
 * frame comes in, which after a loss is the sender's retransmission
 * timeout.  Linux's napi_complete_done reports such a missed schedule
 * (NAPI_STATE_MISSED) the same way.
 */
int napi_complete(struct napi_struct *napi)
{
	unsigned long flags = net_irq_save();

	napi->scheduled = 0;
	list_del(&napi->poll_list);
	net_irq_restore(flags);
	napi_gro_flush(napi);
	return !napi->scheduled;
}

/*
 * The NET_RX softirq: polls each scheduled device, NAPI_POLL_WEIGHT frames
 * at a time, round robin, until no device has work or NETDEV_BUDGET frames
 * were handled; then it re-raises itself so other work gets the CPU.
 */
void net_rx_action(void)
{
	int budget = NETDEV_BUDGET;

	for (;;) {
		unsigned long flags = net_irq_save();
		struct napi_struct *napi;
		uint64_t t0;
		int work;

		if (list_empty(&poll_list)) {
			net_irq_restore(flags);
			return;
		}
		if (budget <= 0) {
			net_irq_restore(flags);
			net_raise_rx_softirq();
			return;
		}
		napi = list_first_entry(&poll_list, struct napi_struct, poll_list);
		/* Off the list while it polls; it stays scheduled until napi_complete. */
		list_del(&napi->poll_list);
		net_irq_restore(flags);

		t0 = pktstat_start();
		work = napi->poll(napi, NAPI_POLL_WEIGHT);
		napi_gro_flush(napi); /* nothing waits past its poll */
		pktstat_end(NETCTL_PKTSTAT_napi_poll, t0, (uint64_t)work);
		budget -= work;

		flags = net_irq_save();
		if (napi->scheduled && list_empty(&napi->poll_list))
			list_add_tail(&napi->poll_list, &poll_list);
		net_irq_restore(flags);
	}
}

void net_init(void)
{
	skb_queue_head_init(&backlog);
	netif_napi_add(NULL, &backlog_napi, process_backlog);
	net_open_rx_softirq(net_rx_action);
	if (loopback_init())
		printk("net: cannot set up lo\n");
	netctl_apply_boot_params();
}
