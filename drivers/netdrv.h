/*
 * Network interface drivers on PCI, and the small library they share.
 *
 * drivers_net_init registers every driver; each probe brings up one
 * interface per device, named eth0, eth1, ... in PCI bus order.  Call after
 * pci_init() and net_init().
 *
 * The library holds what every NIC driver does the same way: receive
 * pages (one page per receive descriptor, wrapped in an sk_buff without a
 * copy and given back by the skb's destructor, kept for reuse), the Ethernet net_device, the
 * carrier following the device's link bit, and the end of a NAPI poll.
 */
#ifndef DRIVERS_NETDRV_H
#define DRIVERS_NETDRV_H

#include "drivers/netdrv_pages.h"
#include "drivers/pci.h"
#include "net/netdevice.h"

void drivers_net_init(void);

extern struct pci_driver virtio_net_driver; /* drivers/virtio_net.c */
extern struct pci_driver e1000_driver;	    /* drivers/e1000.c: Intel 82540EM */

/* Receive pages: netdrv_rx_page_alloc, netdrv_rx_page_free (drivers/netdrv_pages.h). */

/*
 * A receive descriptor's page holds a frame of len bytes at offset: wraps
 * it in an skb whose destructor frees the page, and sets *next to the page
 * the descriptor gets instead, a fresh one.  When memory runs out the frame
 * is dropped (counted in rx_dropped), NULL is returned and *next is page
 * itself, so a ring never runs dry.
 */
struct sk_buff *netdrv_rx_page_skb(struct net_device *dev, void *page, unsigned offset,
				   unsigned len, void **next);
/* A received frame, checksum state set: counted and handed to napi_gro_receive. */
void netdrv_rx_skb(struct net_device *dev, struct sk_buff *skb);

/* Linux's alloc_etherdev: an "eth%d" device with ether_setup's defaults. */
struct net_device *alloc_etherdev(size_t priv_size);

/* The carrier follows the device's link bit (netif_carrier_on/off log changes). */
void netdrv_set_link(struct net_device *dev, int up);

/*
 * The end of a poll that did less than its budget: leaves polling mode,
 * then irq_enable(dev) unmasks the device's interrupt, both with
 * interrupts off.  irq_enable returns nonzero when work completed before
 * the unmask took effect (and so raised no interrupt); it has masked the
 * device again, and the poll is rescheduled.  If what GRO held, delivered
 * as polling ends, transmitted (an ACK: its doorbell is deferred to the
 * next poll), the poll runs again and the interrupt stays masked.
 */
void netdrv_napi_done(struct napi_struct *napi, int (*irq_enable)(struct net_device *dev));

/*
 * Transmit doorbells, one per batch (what Linux's xmit_more achieves).
 * start_xmit queues the frame and calls netdrv_tx_defer, which schedules
 * the device's NAPI poll; the poll runs from the NET_RX softirq once the
 * sender lets go (its outermost net_unlock, or the end of the softirq that
 * sent) and rings the doorbell once if netdrv_tx_flush says frames wait.
 * A driver also rings at once when its ring is close to full.
 */
static inline void netdrv_tx_defer(struct net_device *dev, unsigned *pending)
{
	if ((*pending)++ == 0)
		napi_schedule(&dev->napi);
}

static inline int netdrv_tx_flush(unsigned *pending)
{
	int waiting = *pending != 0;

	*pending = 0;
	return waiting;
}

#endif
