/* The PCI network drivers' registration and shared library (see drivers/netdrv.h). */
#include "drivers/netdrv.h"
#include "kernel/irq.h"
#include "kernel/mm.h"
#include "net/eth.h"

void drivers_net_init(void)
{
	static struct pci_driver *const drivers[] = {&virtio_net_driver, &e1000_driver};

	pci_register_drivers(drivers, sizeof(drivers) / sizeof(drivers[0]));
}

static void netdrv_rx_page_release(struct sk_buff *skb) { netdrv_rx_page_free(skb->head); }

void netdrv_rx_skb(struct net_device *dev, struct sk_buff *skb)
{
	skb->dev = dev;
	dev->stats.rx_packets++;
	dev->stats.rx_bytes += skb->len;
	napi_gro_receive(&dev->napi, skb);
}

struct sk_buff *netdrv_rx_page_skb(struct net_device *dev, void *page, unsigned offset,
				   unsigned len, void **next)
{
	void *fresh = netdrv_rx_page_alloc();
	struct sk_buff *skb = fresh ? build_skb(page, PAGE_SIZE << NETDRV_RX_PAGE_ORDER) : NULL;

	if (!skb) {
		if (fresh)
			netdrv_rx_page_free(fresh);
		dev->stats.rx_dropped++;
		*next = page;
		return NULL;
	}
	skb->destructor = netdrv_rx_page_release;
	skb_reserve(skb, offset);
	skb_put(skb, len);
	*next = fresh;
	return skb;
}

struct net_device *alloc_etherdev(size_t priv_size)
{
	struct net_device *dev = alloc_netdev("eth%d", priv_size);

	if (dev)
		ether_setup(dev);
	return dev;
}

void netdrv_set_link(struct net_device *dev, int up)
{
	if (up)
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
}

void netdrv_napi_done(struct napi_struct *napi, int (*irq_enable)(struct net_device *dev))
{
	unsigned long flags = irq_save();

	if (napi_complete(napi) && irq_enable(napi->dev))
		napi_schedule(napi);
	irq_restore(flags);
}
