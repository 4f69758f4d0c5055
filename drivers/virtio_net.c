/*
 * virtio-net (Virtio 1.2, 5.1): one receive and one transmit queue, with the
 * offloads the device offers (5.1.3): checksums both ways (CSUM,
 * GUEST_CSUM), TCPv4 segmentation both ways (HOST_TSO4, GUEST_TSO4 with
 * MRG_RXBUF), and the rings' event indices (EVENT_IDX).  Each one falls
 * back to the plain path when the device does not offer it.
 *
 * Receive: every free receive descriptor holds a page; the device writes
 * the virtio_net_hdr and the frame into it.  The interrupt only silences
 * both queues and schedules NAPI; the poll wraps each filled page in an
 * sk_buff (no copy) and posts a fresh page in its place.  A packet larger
 * than a page (GUEST_TSO4, up to 64 KiB) spans several buffers
 * (MRG_RXBUF): it is copied into one linear skb, since the stack takes
 * linear skbs only, and its pages go straight back to the device.  The
 * linear buffers are kept for reuse (virtnet_big_get).
 *
 * Transmit: a two-descriptor chain per frame, its virtio_net_hdr (kept in
 * skb->cb, which belongs to the driver once the stack hands the skb over,
 * as in Linux) followed by skb->data.  The doorbell is rung once per batch
 * (netdrv_tx_defer); the skb is freed when the device hands the chain back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drivers/netdrv.h"
#include "drivers/virtio.h"
#include "drivers/virtio_net_hdr.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "net/buf_pool.h"
#include "net/eth.h"
#include "net/netdevice.h"
#include "net/platform.h"
#include "net/pktstat.h"

/* Device configuration layout (5.1.4) */
#define VIRTIO_NET_CFG_MAC    0
#define VIRTIO_NET_CFG_STATUS 6
#define VIRTIO_NET_S_LINK_UP  1

#define VIRTIO_NET_RX_QUEUE  0 /* receiveq1 (5.1.2) */
#define VIRTIO_NET_TX_QUEUE  1 /* transmitq1 */
#define VIRTIO_NET_QUEUE_MAX 256

/* 5.1.6.3.1: with GUEST_TSO4 a packet may be up to 65550 bytes, header included. */
#define VIRTNET_MAX_PACKET (65550 + ETH_HLEN)
#define VIRTNET_GSO_MAX	   65536 /* gso_max_size with HOST_TSO4 (IP header on) */
#define NET_IP_ALIGN	   2	 /* puts the IP header behind Ethernet on 4 bytes */

/*
 * Where the frame starts in a receive page: some headroom, and 2 more bytes
 * so the IP header behind the 14-byte Ethernet header is 4-byte aligned.
 * The device writes the header immediately before the frame.
 */
#define RX_FRAME_OFFSET 66
#define RX_BUF_LEN	(PAGE_SIZE << NETDRV_RX_PAGE_ORDER)
/* The most buffers a packet of VIRTNET_MAX_PACKET bytes can take. */
#define RX_MAX_BUFFERS	(VIRTNET_MAX_PACKET / (RX_BUF_LEN - RX_FRAME_OFFSET) + 1)

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Buffers for packets that span several receive pages, kept for reuse
 * (net/buf_pool.c): allocating one per packet (an order-5 block, found by
 * a scan of the page bitmap, then zeroed) cost several times the copy into
 * it (pktstat: the poll's time per 56 KB packet).  Up to VIRTNET_BIG_POOL
 * of them; beyond that, while that many sit in socket queues, alloc_skb.
 */
#define VIRTNET_BIG_POOL 16
#define VIRTNET_BIG_SIZE (NET_IP_ALIGN + VIRTNET_MAX_PACKET)

struct virtnet {
	struct virtio_device vdev;
	struct virtqueue rxq, txq;
	struct net_device *dev;
	unsigned hdr_len;
	int rx_split;		   /* header and frame in separate descriptors */
	int mergeable;		   /* MRG_RXBUF: a packet may span several buffers */
	unsigned tx_pending;	   /* frames queued since the last doorbell */
	volatile int link_changed; /* set by the config interrupt, handled by the poll */
};

static uint8_t *rx_buf_start(struct virtnet *vi, uint8_t *page)
{
	return page + RX_FRAME_OFFSET - vi->hdr_len;
}

/*
 * Gives one receive page to the device.  A legacy device without
 * ANY_LAYOUT wants the header in a descriptor of its own (Virtio 1.2
 * 5.1.6.6.1, legacy framing); header and frame stay adjacent in the page
 * either way.  Fails only when the ring is full.
 */
static int virtnet_post_rx(struct virtnet *vi, uint8_t *page)
{
	uint8_t *start = rx_buf_start(vi, page);
	struct vq_buf b[2] = {
		{.addr = start, .len = page + RX_BUF_LEN - start},
	};

	if (!vi->rx_split)
		return virtqueue_add(&vi->rxq, b, 0, 1, page);
	b[0].len = vi->hdr_len;
	b[1].addr = page + RX_FRAME_OFFSET;
	b[1].len = RX_BUF_LEN - RX_FRAME_OFFSET;
	return virtqueue_add(&vi->rxq, b, 0, 2, page);
}

/*
 * Probe time: a page in every receive descriptor, but in no more than a
 * quarter of memory: a full ring is 1 MiB, which in a 4 MiB machine would
 * leave TCP nothing to assemble and queue what the ring receives.  (Every
 * page the poll takes is replaced, so the ring keeps this size.)  Returns
 * how many.
 */
static int virtnet_rx_fill(struct virtnet *vi)
{
	struct mem_stats ms;
	int n = 0;

	mem_get_stats(&ms);
	while ((uint64_t)(n + 1) << NETDRV_RX_PAGE_ORDER <= ms.total_pages / 4) {
		uint8_t *page = netdrv_rx_page_alloc();

		if (!page)
			break;
		if (virtnet_post_rx(vi, page)) {
			netdrv_rx_page_free(page); /* the ring is full */
			break;
		}
		n++;
	}
	return n;
}

static struct buf_pool big_pool = BUF_POOL_INIT(VIRTNET_BIG_SIZE, VIRTNET_BIG_POOL);

/* The destructor runs wherever the skb is freed. */
static void virtnet_big_put(struct sk_buff *skb) { buf_pool_put(&big_pool, skb->head); }

/* A linear skb with room for size bytes behind NET_IP_ALIGN, or NULL. */
static struct sk_buff *virtnet_big_get(uint32_t size)
{
	void *buf = buf_pool_get(&big_pool);
	struct sk_buff *skb;

	if (!buf) {
		skb = alloc_skb(NET_IP_ALIGN + size);
	} else {
		skb = build_skb(buf, VIRTNET_BIG_SIZE);
		if (skb)
			skb->destructor = virtnet_big_put;
		else
			buf_pool_put(&big_pool, buf);
	}
	if (skb)
		skb_reserve(skb, NET_IP_ALIGN);
	return skb;
}

static void virtnet_tx_reclaim(struct virtnet *vi)
{
	struct sk_buff *skb;

	while ((skb = virtqueue_get_buf(&vi->txq, NULL)))
		kfree_skb(skb);
}

/* virtqueue_kick from the data path; the doorbell itself timed by pktstat (stage nic_reg). */
static void virtnet_kick(struct virtqueue *vq)
{
	uint64_t t0;

	if (!virtqueue_kick_prepare(vq))
		return;
	t0 = pktstat_start();
	virtqueue_notify(vq);
	pktstat_end(NETCTL_PKTSTAT_nic_reg, t0, 0);
}

/* The end of a transmit batch: one doorbell for every frame queued in it. */
static void virtnet_tx_flush(struct virtnet *vi)
{
	if (netdrv_tx_flush(&vi->tx_pending))
		virtnet_kick(&vi->txq);
}

/*
 * A packet spread over n buffers (5.1.6.4.2), the first already taken:
 * takes the others and copies the whole frame into one linear skb.  All
 * the pages go back to the device.  Returns the skb, or NULL (counted).
 */
static struct sk_buff *virtnet_receive_merged(struct virtnet *vi, uint8_t *page, uint32_t len,
					      unsigned n)
{
	struct net_device *dev = vi->dev;
	uint8_t *pages[RX_MAX_BUFFERS];
	uint32_t lens[RX_MAX_BUFFERS], total = len - vi->hdr_len;
	struct sk_buff *skb = NULL;
	unsigned got = 1, i;
	int bad = n == 0 || n > RX_MAX_BUFFERS;

	pages[0] = page;
	lens[0] = len;
	/* Every buffer of the packet is taken, even from a packet we drop,
	 * or its tail would be read as packets of its own. */
	for (i = 1; i < n; i++) {
		uint8_t *more = virtqueue_get_buf(&vi->rxq, &lens[got]);

		if (!more) {
			bad = 1; /* the device published fewer than it said */
			break;
		}
		if (got < RX_MAX_BUFFERS) {
			pages[got] = more;
			total += lens[got++];
		} else {
			virtnet_post_rx(vi, more);
		}
	}
	if (bad || total > VIRTNET_MAX_PACKET) {
		dev->stats.rx_errors++;
	} else {
		skb = virtnet_big_get(total);
		if (skb) {
			memcpy(skb_put(skb, len - vi->hdr_len), page + RX_FRAME_OFFSET,
			       len - vi->hdr_len);
			for (i = 1; i < got; i++)
				memcpy(skb_put(skb, lens[i]), rx_buf_start(vi, pages[i]), lens[i]);
		} else {
			dev->stats.rx_dropped++;
		}
	}
	/* Their descriptors were just freed: reposting cannot fail. */
	for (i = 0; i < got; i++)
		virtnet_post_rx(vi, pages[i]);
	return skb;
}

/*
 * One filled receive buffer (the first of a packet): the packet goes up
 * the stack, or is dropped (counted).  Every page taken from the ring here
 * is replaced by one posted back, so the ring never runs dry even when
 * memory does.
 */
static void virtnet_receive(struct virtnet *vi, uint8_t *page, uint32_t len)
{
	struct net_device *dev = vi->dev;
	struct virtio_net_hdr hdr;
	struct sk_buff *skb;
	void *next;

	if (len < vi->hdr_len + ETH_HLEN || len > RX_BUF_LEN - RX_FRAME_OFFSET + vi->hdr_len) {
		dev->stats.rx_errors++; /* runt, or longer than the buffer */
		virtnet_post_rx(vi, page);
		return;
	}
	memcpy(&hdr, page + RX_FRAME_OFFSET - vi->hdr_len, vi->hdr_len);
	if (vi->mergeable && hdr.num_buffers != 1) {
		skb = virtnet_receive_merged(vi, page, len, hdr.num_buffers);
	} else {
		skb = netdrv_rx_page_skb(dev, page, RX_FRAME_OFFSET, len - vi->hdr_len, &next);
		virtnet_post_rx(vi, next);
	}
	if (!skb)
		return;
	if (virtio_net_hdr_to_skb(skb, &hdr)) {
		dev->stats.rx_errors++;
		kfree_skb(skb);
		return;
	}
	netdrv_rx_skb(dev, skb);
}

static int virtnet_link_up(struct virtnet *vi)
{
	/* 5.1.4: without STATUS the link is assumed up. */
	if (!virtio_has_feature(&vi->vdev, VIRTIO_NET_F_STATUS))
		return 1;
	return virtio_cfg_read16(&vi->vdev, VIRTIO_NET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP;
}

static void virtnet_update_link(struct virtnet *vi)
{
	netdrv_set_link(vi->dev, virtnet_link_up(vi));
}

static int virtnet_open(struct net_device *dev)
{
	virtnet_update_link(dev->priv);
	return 0;
}

/*
 * Lets the device interrupt again.  A completion that slipped in before the
 * queues were re-armed raises no interrupt, so look once more and go back
 * to polling if there is one (or a link change came meanwhile).  Transmit
 * completions only free memory: they may wait until most of what is in
 * flight is done.
 */
/*
 * Interrupts on again, unless work came first (then 1: the caller polls
 * again).  Whether the device interrupts depends on used_event, which we
 * write before we read its used index; whether we poll again, on that
 * index, which it writes before it reads used_event (Virtio 1.2 2.7.10).
 * Each side fences between its store and its load, so that at least one
 * of them sees the other's.  Under QEMU 7.2's software emulation with one
 * vCPU the guest's fences are compiled to nothing (TCG emits host barriers
 * only for parallel vCPUs; later QEMUs emit them always, because the I/O
 * thread runs beside even one vCPU), and virtio-net runs in that I/O
 * thread: a packet used just then could be seen by neither side, and the
 * receive ring would wait, with no interrupt, until a transmit happened to
 * poll it (seconds under a connection flood).  So when no work is seen,
 * virtio_fence, which does fence, and a second look.
 */
static int virtnet_irq_enable(struct net_device *dev)
{
	struct virtnet *vi = dev->priv;
	int more = virtqueue_enable_cb(&vi->rxq) | virtqueue_enable_cb_delayed(&vi->txq);

	if (!more) {
		virtio_fence(&vi->vdev);
		more = virtqueue_enable_cb(&vi->rxq) | virtqueue_enable_cb_delayed(&vi->txq);
	}
	if (more | vi->link_changed) {
		virtqueue_disable_cb(&vi->rxq);
		virtqueue_disable_cb(&vi->txq);
		return 1;
	}
	return 0;
}

static int virtnet_poll(struct napi_struct *napi, int budget)
{
	struct virtnet *vi = napi->dev->priv;
	int work = 0;
	void *page;
	uint32_t len;

	if (vi->link_changed) {
		vi->link_changed = 0;
		virtnet_update_link(vi);
	}
	virtnet_tx_reclaim(vi);
	while (work < budget && (page = virtqueue_get_buf(&vi->rxq, &len))) {
		virtnet_receive(vi, page, len);
		work++;
	}
	if (work)
		virtnet_kick(&vi->rxq);
	/* Frames sent while we received (ACKs, replies) or since the last poll. */
	virtnet_tx_flush(vi);
	if (work < budget) /* else more to do: net_rx_action polls us again */
		netdrv_napi_done(napi, virtnet_irq_enable);
	return work;
}

/* Queue interrupt (already acknowledged): silence the queues, defer to the poll. */
static void virtnet_interrupt(void *arg)
{
	struct virtnet *vi = arg;

	vi->dev->stats.interrupts++;
	virtqueue_disable_cb(&vi->rxq);
	virtqueue_disable_cb(&vi->txq);
	napi_schedule(&vi->dev->napi);
}

/* Configuration change (5.1.4: the link status bit): the poll re-reads it. */
static void virtnet_config_changed(void *arg)
{
	struct virtnet *vi = arg;

	vi->dev->stats.interrupts++;
	vi->link_changed = 1;
	napi_schedule(&vi->dev->napi);
}

static int virtnet_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct virtnet *vi = dev->priv;
	struct virtio_net_hdr *hdr = (struct virtio_net_hdr *)skb->cb;
	struct vq_buf b[2] = {
		{.addr = hdr, .len = vi->hdr_len},
		{.addr = skb->data, .len = skb->len},
	};
	unsigned len = skb->len;

	_Static_assert(sizeof(*hdr) <= sizeof(skb->cb), "virtio_net_hdr must fit in skb->cb");
	if (virtio_net_hdr_from_skb(skb, hdr)) {
		dev->stats.tx_errors++; /* the stack sent what the features exclude */
		kfree_skb(skb);
		return -EINVAL;
	}
	virtnet_tx_reclaim(vi);
	if (virtqueue_add(&vi->txq, b, 2, 0, skb)) {
		dev->stats.tx_dropped++;
		kfree_skb(skb);
		virtnet_tx_flush(vi);
		return -ENOBUFS;
	}
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += len;
	/* Ring now if another frame would not fit, else at the end of the batch. */
	if (vi->txq.num_free < 2 * ARRAY_LEN(b)) {
		vi->tx_pending++;
		virtnet_tx_flush(vi);
	} else {
		netdrv_tx_defer(dev, &vi->tx_pending);
	}
	return 0;
}

static const struct net_device_ops virtnet_ops = {
	.ndo_start_xmit = virtnet_start_xmit,
	.ndo_open = virtnet_open,
};

static void virtnet_read_mac(struct virtnet *vi)
{
	uint8_t *mac = vi->dev->dev_addr;

	if (virtio_has_feature(&vi->vdev, VIRTIO_NET_F_MAC)) {
		for (int i = 0; i < ETH_ALEN; i++)
			mac[i] = virtio_cfg_read8(&vi->vdev, VIRTIO_NET_CFG_MAC + i);
		return;
	}
	/* 5.1.5: no MAC offered, so make one up: locally administered, unicast. */
	net_get_random_bytes(mac, ETH_ALEN);
	mac[0] = (mac[0] & 0xFE) | 0x02;
}

static void virtnet_free_queues(struct virtnet *vi)
{
	void *page;

	/* The device is reset (virtio_fail): nothing it holds is in use. */
	if (vi->rxq.mem) {
		while ((page = virtqueue_detach_unused_buf(&vi->rxq)))
			netdrv_rx_page_free(page);
		virtio_del_vq(&vi->rxq);
	}
	virtio_del_vq(&vi->txq);
}

/* What the stack may hand us, from the negotiated features. */
static void virtnet_set_offloads(struct virtnet *vi)
{
	struct net_device *dev = vi->dev;

	if (virtio_has_feature(&vi->vdev, VIRTIO_NET_F_CSUM))
		dev->features |= NETIF_F_IP_CSUM;
	if (virtio_has_feature(&vi->vdev, VIRTIO_NET_F_GUEST_CSUM))
		dev->features |= NETIF_F_RXCSUM;
	if (virtio_has_feature(&vi->vdev, VIRTIO_NET_F_HOST_TSO4)) {
		dev->features |= NETIF_F_TSO;
		dev->gso_max_size = VIRTNET_GSO_MAX;
	}
	vi->mergeable = virtio_has_feature(&vi->vdev, VIRTIO_NET_F_MRG_RXBUF);
}

static void virtnet_print_features(struct virtnet *vi)
{
	static const struct {
		unsigned bit;
		const char *name; /* QEMU's property name for it */
	} names[] = {
		{VIRTIO_NET_F_CSUM, "csum"},	       {VIRTIO_NET_F_GUEST_CSUM, "guest_csum"},
		{VIRTIO_NET_F_HOST_TSO4, "host_tso4"}, {VIRTIO_NET_F_GUEST_TSO4, "guest_tso4"},
		{VIRTIO_NET_F_MRG_RXBUF, "mrg_rxbuf"}, {VIRTIO_RING_F_EVENT_IDX, "event_idx"},
	};
	char line[96];
	size_t n = 0;

	line[0] = 0;
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (virtio_has_feature(&vi->vdev, names[i].bit))
			n += snprintf(line + n, sizeof(line) - n, " %s", names[i].name);
	printk("%s: offloads:%s\n", vi->dev->name, n ? line : " none");
}

static int virtnet_probe(struct pci_dev *pdev)
{
	struct net_device *dev = alloc_etherdev(sizeof(struct virtnet));
	struct virtnet *vi;
	uint64_t offered, wanted;
	int err;

	if (!dev)
		return -ENOMEM;
	vi = dev->priv;
	vi->dev = dev;
	err = virtio_pci_init(&vi->vdev, pdev);
	if (err)
		goto fail_free;

	offered = virtio_device_features(&vi->vdev);
	wanted = (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) |
		 (1ULL << VIRTIO_RING_F_EVENT_IDX);
	/* Only a legacy interface has 32 bits; without VERSION_1 the header
	 * may share the receive buffer only with ANY_LAYOUT. */
	if (offered & (1ULL << VIRTIO_F_VERSION_1))
		wanted |= 1ULL << VIRTIO_F_VERSION_1;
	else
		wanted |= 1ULL << VIRTIO_F_ANY_LAYOUT;
	err = virtio_negotiate(&vi->vdev, virtnet_select_features(offered, wanted));
	if (err)
		goto fail_dev;
	/* 5.1.6: the num_buffers field exists with MRG_RXBUF or VERSION_1. */
	if (virtio_has_feature(&vi->vdev, VIRTIO_NET_F_MRG_RXBUF) ||
	    virtio_has_feature(&vi->vdev, VIRTIO_F_VERSION_1))
		vi->hdr_len = sizeof(struct virtio_net_hdr);
	else
		vi->hdr_len = VIRTIO_NET_HDR_LEGACY_LEN;
	vi->rx_split = !virtio_has_feature(&vi->vdev, VIRTIO_F_VERSION_1) &&
		       !virtio_has_feature(&vi->vdev, VIRTIO_F_ANY_LAYOUT);
	virtnet_set_offloads(vi);

	netif_napi_add(dev, &dev->napi, virtnet_poll);
	/* Before the queues: MSI-X vectors are assigned while setting them up. */
	err = virtio_request_irq(&vi->vdev, virtnet_interrupt, virtnet_config_changed, vi,
				 "virtio-net");
	if (err)
		goto fail_dev;
	err = virtio_setup_vq(&vi->vdev, &vi->rxq, VIRTIO_NET_RX_QUEUE, VIRTIO_NET_QUEUE_MAX);
	if (!err)
		err = virtio_setup_vq(&vi->vdev, &vi->txq, VIRTIO_NET_TX_QUEUE,
				      VIRTIO_NET_QUEUE_MAX);
	if (!err && virtnet_rx_fill(vi) == 0)
		err = -ENOMEM;
	if (err)
		goto fail_irq;

	virtnet_read_mac(vi);
	vi->dev->carrier = virtnet_link_up(vi);
	dev->ops = &virtnet_ops;
	dev->driver = "virtio-net";
	err = register_netdev(dev);
	if (err)
		goto fail_irq;
	pdev->priv = vi;

	/* 3.1.1 step 8; the device may be notified only from now on (2.7.13.4). */
	virtio_driver_ok(&vi->vdev);
	virtqueue_kick(&vi->rxq);
	printk("%s: virtio-net (%s) at %02x:%02x.%x, mac %02x:%02x:%02x:%02x:%02x:%02x, %s, "
	       "queues %u/%u, header %u%s, link %s\n",
	       dev->name, virtio_transport_name(&vi->vdev), pdev->bus, pdev->dev, pdev->fn,
	       dev->dev_addr[0], dev->dev_addr[1], dev->dev_addr[2], dev->dev_addr[3],
	       dev->dev_addr[4], dev->dev_addr[5], vi->vdev.msix ? "MSI-X" : "INTx", vi->rxq.num,
	       vi->txq.num, vi->hdr_len, vi->rx_split ? " split" : "",
	       vi->dev->carrier ? "up" : "down");
	virtnet_print_features(vi);
	return 0;

fail_irq:
	/*
	 * The interrupt handler stays installed (there is no way to release
	 * it), so its argument must stay valid: the reset device is quiet
	 * and, on a shared line, its ISR status reads zero.  The queues
	 * and pages go back; the small device structure is kept.
	 */
	virtio_fail(&vi->vdev);
	virtnet_free_queues(vi);
	return err;
fail_dev:
	virtio_fail(&vi->vdev);
fail_free:
	kfree(dev);
	return err;
}

static const struct pci_device_id virtnet_ids[] = {
	{VIRTIO_PCI_VENDOR, 0x1000}, /* transitional network device (4.1.2.3) */
	{VIRTIO_PCI_VENDOR, 0x1041}, /* modern: 0x1040 + device type 1 (4.1.2.1) */
	{0, 0},
};

struct pci_driver virtio_net_driver = {
	.name = "virtio-net",
	.ids = virtnet_ids,
	.probe = virtnet_probe,
};
