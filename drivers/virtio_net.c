/*
 * virtio-net (Virtio 1.0, 5.1): one receive and one transmit queue.
 *
 * Receive: every free receive descriptor holds a page; the device writes
 * the virtio_net_hdr and the frame into it.  The interrupt only silences
 * both queues and schedules NAPI; the poll wraps each filled page in an
 * sk_buff (build_skb, no copy), hands it to netif_receive_skb and posts a
 * fresh page in its place.  The page goes back to the allocator when the
 * stack frees the skb (rx_page_release).
 *
 * Transmit: a two-descriptor chain per frame, a shared all-zero header
 * (no offloads negotiated) followed by skb->data itself; the skb is freed
 * when the device hands the chain back.
 */
#include <errno.h>
#include <string.h>

#include "drivers/netdrv.h"
#include "drivers/virtio.h"
#include "kernel/irq.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "net/netdevice.h"
#include "net/platform.h"

/* Feature bits (5.1.3) */
#define VIRTIO_NET_F_MAC       5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS    16

/* Device configuration layout (5.1.4) */
#define VIRTIO_NET_CFG_MAC    0
#define VIRTIO_NET_CFG_STATUS 6
#define VIRTIO_NET_S_LINK_UP  1

#define VIRTIO_NET_RX_QUEUE  0 /* receiveq1 (5.1.2) */
#define VIRTIO_NET_TX_QUEUE  1 /* transmitq1 */
#define VIRTIO_NET_QUEUE_MAX 256

#define ETH_HLEN      14
#define ETH_FRAME_MAX 1514 /* without FCS; no GSO features are negotiated */

/*
 * Where the frame starts in a receive page: some headroom, and 2 more bytes
 * so the IP header behind the 14-byte Ethernet header is 4-byte aligned.
 * The device writes the header immediately before the frame.
 */
#define RX_FRAME_OFFSET 66
#define RX_BUF_LEN	(PAGE_SIZE << NETDRV_RX_PAGE_ORDER)

/* struct virtio_net_hdr (5.1.6); num_buffers only with MRG_RXBUF or VERSION_1 */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __attribute__((packed));
#define VIRTIO_NET_HDR_LEGACY_LEN 10

struct virtnet {
	struct virtio_device vdev;
	struct virtqueue rxq, txq;
	struct net_device *dev;
	unsigned hdr_len;
	int rx_split;		   /* header and frame in separate descriptors */
	volatile int link_changed; /* set by the config interrupt, handled by the poll */
};

/* Every transmitted frame carries this header: no checksum or GSO work. */
static struct virtio_net_hdr tx_hdr;

/*
 * Gives one receive page to the device.  A legacy device without
 * ANY_LAYOUT wants the header in a descriptor of its own (2.4.4, legacy
 * message framing); header and frame stay adjacent in the page either way.
 * Fails only when the ring is full.
 */
static int virtnet_post_rx(struct virtnet *vi, uint8_t *page)
{
	unsigned off = RX_FRAME_OFFSET - vi->hdr_len;
	struct vq_buf b[2] = {
		{.addr = page + off, .len = RX_BUF_LEN - off},
	};

	if (!vi->rx_split)
		return virtqueue_add(&vi->rxq, b, 0, 1, page);
	b[0].len = vi->hdr_len;
	b[1].addr = page + RX_FRAME_OFFSET;
	b[1].len = RX_BUF_LEN - RX_FRAME_OFFSET;
	return virtqueue_add(&vi->rxq, b, 0, 2, page);
}

/* Probe time: a page in every receive descriptor.  Returns how many. */
static int virtnet_rx_fill(struct virtnet *vi)
{
	int n = 0;

	for (;;) {
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

static void virtnet_tx_reclaim(struct virtnet *vi)
{
	struct sk_buff *skb;

	while ((skb = virtqueue_get_buf(&vi->txq, NULL)))
		kfree_skb(skb);
}

/*
 * One filled receive page: wrapped in an skb and handed up the stack,
 * or dropped (counted).  Returns the page for the now free descriptor:
 * a fresh one, or the same one when the frame was dropped, so the ring
 * never runs dry even when memory does.
 */
static uint8_t *virtnet_receive(struct virtnet *vi, uint8_t *page, uint32_t len)
{
	struct net_device *dev = vi->dev;
	struct virtio_net_hdr *hdr = (void *)(page + RX_FRAME_OFFSET - vi->hdr_len);

	if (len < vi->hdr_len + ETH_HLEN || len - vi->hdr_len > ETH_FRAME_MAX + 4) {
		dev->stats.rx_errors++; /* runt, or longer than we asked for */
		return page;
	}
	if (virtio_has_feature(&vi->vdev, VIRTIO_NET_F_MRG_RXBUF) && hdr->num_buffers != 1) {
		/*
		 * 5.1.6.4: a frame spread over several buffers.  Ours hold a
		 * full frame, so this does not happen without GSO; the
		 * frame's other buffers go straight back to the device.
		 */
		for (unsigned i = 1; i < hdr->num_buffers; i++) {
			uint8_t *more = virtqueue_get_buf(&vi->rxq, NULL);

			if (!more)
				break;
			virtnet_post_rx(vi, more);
		}
		dev->stats.rx_errors++;
		return page;
	}
	return netdrv_rx_page(dev, page, RX_FRAME_OFFSET, len - vi->hdr_len, CHECKSUM_NONE);
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
 * to polling if there is one.
 */
static int virtnet_irq_enable(struct net_device *dev)
{
	struct virtnet *vi = dev->priv;

	if (virtqueue_enable_cb(&vi->rxq) | virtqueue_enable_cb(&vi->txq)) {
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
		/* The page's descriptors were just freed: reposting cannot fail. */
		virtnet_post_rx(vi, virtnet_receive(vi, page, len));
		work++;
	}
	if (work)
		virtqueue_kick(&vi->rxq);
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
	struct vq_buf b[2] = {
		{.addr = &tx_hdr, .len = vi->hdr_len},
		{.addr = skb->data, .len = skb->len},
	};
	unsigned len = skb->len;

	virtnet_tx_reclaim(vi);
	if (virtqueue_add(&vi->txq, b, 2, 0, skb)) {
		dev->stats.tx_dropped++;
		kfree_skb(skb);
		return -ENOBUFS;
	}
	virtqueue_kick(&vi->txq);
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += len;
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

static int virtnet_probe(struct pci_dev *pdev)
{
	struct net_device *dev = alloc_etherdev(sizeof(struct virtnet));
	struct virtnet *vi;
	uint64_t wanted;
	int err;

	if (!dev)
		return -ENOMEM;
	vi = dev->priv;
	vi->dev = dev;
	err = virtio_pci_init(&vi->vdev, pdev);
	if (err)
		goto fail_free;

	wanted = (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) |
		 (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	/* Only a legacy interface has 32 bits; without VERSION_1 the header
	 * may share the receive buffer only with ANY_LAYOUT. */
	if (virtio_device_features(&vi->vdev) & (1ULL << VIRTIO_F_VERSION_1))
		wanted |= 1ULL << VIRTIO_F_VERSION_1;
	else
		wanted |= 1ULL << VIRTIO_F_ANY_LAYOUT;
	err = virtio_negotiate(&vi->vdev, wanted);
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

	/* 3.1.1 step 8; the device may be notified only from now on (2.4.7). */
	virtio_driver_ok(&vi->vdev);
	virtqueue_kick(&vi->rxq);
	printk("%s: virtio-net (%s) at %02x:%02x.%x, mac %02x:%02x:%02x:%02x:%02x:%02x, %s, "
	       "queues %u/%u, header %u%s, link %s\n",
	       dev->name, virtio_transport_name(&vi->vdev), pdev->bus, pdev->dev, pdev->fn,
	       dev->dev_addr[0], dev->dev_addr[1], dev->dev_addr[2], dev->dev_addr[3],
	       dev->dev_addr[4], dev->dev_addr[5], vi->vdev.msix ? "MSI-X" : "INTx", vi->rxq.num,
	       vi->txq.num, vi->hdr_len, vi->rx_split ? " split" : "",
	       vi->dev->carrier ? "up" : "down");
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
