/*
 * Intel 82540EM (8086:100e), the e1000 that QEMU emulates.  Section numbers
 * are from the PCI/PCI-X Family of Gigabit Ethernet Controllers Software
 * Developer's Manual (8254x SDM, 317453006EN).
 *
 * Receive: a ring of legacy descriptors (3.2.3), each pointing into a page
 * of its own.  The interrupt reads ICR (acknowledging it), masks the
 * receive/transmit causes and schedules NAPI; the poll wraps each filled
 * page in an sk_buff (no copy), gives the descriptor a fresh page (handed
 * back to the hardware E1000_RX_RETURN_BATCH at a time), reclaims finished
 * transmissions and unmasks when the ring is drained.
 *
 * Transmit: data descriptors (3.3.7) pointing into skb->data, after a TCP/IP
 * context descriptor (3.3.6) when the frame wants its checksum inserted or
 * its TCP segments cut (e1000_tx_map in e1000_tx.c); the skb is freed when
 * the hardware reports its last descriptor done (DD).  The tail register
 * is written once per batch of frames (netdrv_tx_defer).
 *
 * Receive checksum offload (RXCSUM) is switched on and its descriptor
 * status honoured; QEMU's model never checks (it reports IXSM), so there
 * the stack verifies.  The kernel command-line words e1000.tx_csum=0,
 * e1000.tso=0 and e1000.rx_csum=0 switch the offloads off.
 */
#include <errno.h>
#include <string.h>

#include "drivers/e1000_hw.h"
#include "drivers/netdrv.h"
#include "drivers/pci.h"
#include "kernel/cmdline.h"
#include "kernel/io.h"
#include "kernel/irq.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "net/netdevice.h"
#include "net/pktstat.h"

/* Register offsets (13.4) */
#define E1000_CTRL   0x0000
#define E1000_STATUS 0x0008
#define E1000_EERD   0x0014
#define E1000_FCAL   0x0028
#define E1000_FCAH   0x002C
#define E1000_FCT    0x0030
#define E1000_ICR    0x00C0
#define E1000_ITR    0x00C4
#define E1000_IMS    0x00D0
#define E1000_IMC    0x00D8
#define E1000_RCTL   0x0100
#define E1000_FCTTV  0x0170
#define E1000_TCTL   0x0400
#define E1000_TIPG   0x0410
#define E1000_RDBAL  0x2800
#define E1000_RDBAH  0x2804
#define E1000_RDLEN  0x2808
#define E1000_RDH    0x2810
#define E1000_RDT    0x2818
#define E1000_RDTR   0x2820
#define E1000_RADV   0x282C
#define E1000_TDBAL  0x3800
#define E1000_TDBAH  0x3804
#define E1000_TDLEN  0x3808
#define E1000_TDH    0x3810
#define E1000_TDT    0x3818
#define E1000_TIDV   0x3820
#define E1000_RXCSUM 0x5000
#define E1000_MTA    0x5200 /* 128 entries */
#define E1000_RAL0   0x5400
#define E1000_RAH0   0x5404

/* CTRL (13.4.1) */
#define CTRL_LRST    (1u << 3)
#define CTRL_ASDE    (1u << 5)
#define CTRL_SLU     (1u << 6)
#define CTRL_ILOS    (1u << 7)
#define CTRL_RST     (1u << 26)
#define CTRL_VME     (1u << 30)
#define CTRL_PHY_RST (1u << 31)

/* STATUS (13.4.2) */
#define STATUS_LU (1u << 1)

/* EERD (13.4.4), 82540EM layout */
#define EERD_START	(1u << 0)
#define EERD_DONE	(1u << 4)
#define EERD_ADDR_SHIFT 8
#define EERD_DATA_SHIFT 16

/* Interrupt causes, shared by ICR/ICS/IMS/IMC (13.4.17-13.4.21) */
#define ICR_TXDW	  (1u << 0)
#define ICR_LSC		  (1u << 2)
#define ICR_RXSEQ	  (1u << 3)
#define ICR_RXDMT0	  (1u << 4)
#define ICR_RXO		  (1u << 6)
#define ICR_RXT0	  (1u << 7)
#define E1000_NAPI_CAUSES (ICR_TXDW | ICR_RXDMT0 | ICR_RXO | ICR_RXT0)
#define E1000_ALL_CAUSES  0xFFFFFFFFu

/* RCTL (13.4.22) */
#define RCTL_EN		(1u << 1)
#define RCTL_BAM	(1u << 15)
#define RCTL_BSIZE_2048 (0u << 16) /* with BSEX = 0 */
#define RCTL_SECRC	(1u << 26)

/* TCTL (13.4.33) */
#define TCTL_EN		      (1u << 1)
#define TCTL_PSP	      (1u << 3)
#define TCTL_CT_SHIFT	      4
#define TCTL_COLD_SHIFT	      12
#define TCTL_CT_DEFAULT	      0x0F /* 14.5: collision threshold */
#define TCTL_COLD_FULL_DUPLEX 0x40 /* 14.5: collision distance, full duplex */

/* TIPG (13.4.34): IEEE 802.3 inter-packet gap for copper */
#define TIPG_IPGT  10
#define TIPG_IPGR1 8
#define TIPG_IPGR2 6

/*
 * ITR (13.4.18): minimum gap between interrupts in 256 ns units.
 * 195 * 256 ns = 50 us, at most 20000 interrupts a second.  Measured under
 * QEMU (16 MiB each way, alternating rounds): 195, 1000 and 2000 give the
 * same throughput within the noise, because NAPI already takes many frames
 * per interrupt and QEMU's model never raises two within 500 * 256 ns
 * whatever ITR says; the shortest gap keeps request/response latency low.
 * RDTR/RADV stay 0: a receive delay only adds to ITR's (QEMU implements
 * just RADV, and only below ITR).
 */
#define E1000_ITR_INTERVAL 195

/* RXCSUM: receive checksum offload for IPv4 headers and TCP/UDP (13.4) */
#define RXCSUM_IPOFLD (1u << 8)
#define RXCSUM_TUOFLD (1u << 9)

/* Ring sizes: RDLEN/TDLEN must be multiples of 128 bytes (8 descriptors). */
/* gso_max_size with TSO: the largest IPv4 packet (PAYLEN could take more). */
#define E1000_GSO_MAX	  65535
#define E1000_RX_RING	  256
#define E1000_TX_RING	  256
#define RX_FRAME_OFFSET	  66 /* headroom, and a 4-byte aligned IP header */
#define E1000_RESET_SPINS 100000
#define E1000_EERD_SPINS  100000

struct e1000 {
	volatile uint8_t *regs;
	struct net_device *dev;
	struct pci_dev *pdev;
	struct e1000_rx_desc *rx; /* ring memory from page_alloc: DMA-able */
	union e1000_tx_desc *tx;
	void *rx_page[E1000_RX_RING];
	struct sk_buff *tx_skb[E1000_TX_RING];
	uint16_t rx_tail;	    /* the last descriptor software processed */
	uint16_t rx_rdt;	    /* RDT as written: the hardware fills up to before it */
	uint16_t tx_tail;	    /* TDT: next descriptor to fill */
	uint16_t tx_clean;	    /* oldest descriptor not yet reclaimed */
	unsigned tx_pending;	    /* frames queued since the tail was written */
	struct e1000_tx_ctx tx_ctx; /* the checksum context the hardware holds */
	unsigned offloads;	    /* E1000_OFFLOAD_* in use */
	volatile int link_changed;  /* set by the interrupt, handled by the poll */
	int rx_discard;		    /* inside a frame that spans buffers */
	const char *irq_kind;
};

static uint32_t er32(struct e1000 *e, uint32_t reg) { return readl(e->regs + reg); }

static void ew32(struct e1000 *e, uint32_t reg, uint32_t v) { writel(v, e->regs + reg); }

/* ew32 for the writes of the data path, timed by pktstat (stage nic_reg). */
static void ew32_timed(struct e1000 *e, uint32_t reg, uint32_t v)
{
	uint64_t t0 = pktstat_start();

	ew32(e, reg, v);
	pktstat_end(NETCTL_PKTSTAT_nic_reg, t0, 0);
}

static int e1000_link_up(struct e1000 *e) { return !!(er32(e, E1000_STATUS) & STATUS_LU); }

static void e1000_update_link(struct e1000 *e) { netdrv_set_link(e->dev, e1000_link_up(e)); }

static void e1000_tx_reclaim(struct e1000 *e)
{
	while (e->tx_clean != e->tx_tail &&
	       (*(volatile uint8_t *)&e->tx[e->tx_clean].data.status & TXD_STAT_DD)) {
		/* Only a frame's last descriptor holds its skb. */
		if (e->tx_skb[e->tx_clean])
			kfree_skb(e->tx_skb[e->tx_clean]);
		e->tx_skb[e->tx_clean] = NULL;
		e->tx_clean = (e->tx_clean + 1) % E1000_TX_RING;
	}
}

/* 3.4: the new tail hands the descriptors before it over; once per batch. */
static void e1000_tx_flush(struct e1000 *e)
{
	if (netdrv_tx_flush(&e->tx_pending)) {
		wmb();
		ew32_timed(e, E1000_TDT, e->tx_tail);
	}
}

static unsigned e1000_tx_room(const struct e1000 *e)
{
	/* One descriptor stays unused, so that a full ring differs from an empty one. */
	return (e->tx_clean + E1000_TX_RING - e->tx_tail - 1) % E1000_TX_RING;
}

/* Hands the frame in descriptor i up the stack; the descriptor gets a new page. */
static void e1000_receive(struct e1000 *e, unsigned i)
{
	struct e1000_rx_desc *d = &e->rx[i];
	struct net_device *dev = e->dev;
	unsigned len = d->length;
	struct sk_buff *skb;

	/*
	 * A frame longer than one buffer (not valid with LPE off): drop every
	 * piece of it up to and including the one with EOP.
	 */
	if (!(d->status & RXD_STAT_EOP) || e->rx_discard) {
		if (!e->rx_discard)
			dev->stats.rx_errors++;
		e->rx_discard = !(d->status & RXD_STAT_EOP);
		return; /* the page stays in the ring */
	}
	if ((d->errors & RXD_ERR_FRAME) || len == 0) {
		dev->stats.rx_errors++;
		return;
	}
	skb = netdrv_rx_page_skb(dev, e->rx_page[i], RX_FRAME_OFFSET, len, &e->rx_page[i]);
	if (!skb)
		return;
	if (e->offloads & E1000_OFFLOAD_RX_CSUM)
		skb->ip_summed = e1000_rx_csum(d->status, d->errors);
	netdrv_rx_skb(dev, skb);
	d->addr = virt_to_phys((uint8_t *)e->rx_page[i] + RX_FRAME_OFFSET);
}

/*
 * Work the poll has not seen: a filled receive descriptor, a sent frame
 * not yet reclaimed (its TXDW may have been the interrupt taken during the
 * poll: else its skb waits for the next frame in or out), or a link change.
 */
static int e1000_work_pending(struct e1000 *e)
{
	unsigned i = (e->rx_tail + 1) % E1000_RX_RING;

	return e->link_changed || (*(volatile uint8_t *)&e->rx[i].status & RXD_STAT_DD) ||
	       (e->tx_clean != e->tx_tail &&
		(*(volatile uint8_t *)&e->tx[e->tx_clean].data.status & TXD_STAT_DD));
}

/*
 * Unmasks the interrupt causes (13.4.20).  Causes that arrive while the
 * interrupt is masked are latched in ICR and raise it on the unmask, but a
 * poll scheduled by transmit (netdrv_tx_defer) runs unmasked: an interrupt
 * during it was taken by e1000_interrupt, ICR cleared, while the poll was
 * still scheduled.  So look at the ring once more, and poll again (masked)
 * if something is there.
 */
static int e1000_irq_enable(struct net_device *dev)
{
	struct e1000 *e = dev->priv;

	ew32_timed(e, E1000_IMS, E1000_NAPI_CAUSES | ICR_LSC | ICR_RXSEQ);
	if (e1000_work_pending(e)) {
		ew32(e, E1000_IMC, E1000_NAPI_CAUSES | ICR_LSC | ICR_RXSEQ); /* 13.4.21 */
		return 1;
	}
	return 0;
}

static int e1000_poll(struct napi_struct *napi, int budget)
{
	struct e1000 *e = napi->dev->priv;
	int work = 0;

	if (e->link_changed) {
		e->link_changed = 0;
		e1000_update_link(e);
	}
	e1000_tx_reclaim(e);
	while (work < budget) {
		unsigned i = (e->rx_tail + 1) % E1000_RX_RING;
		struct e1000_rx_desc *d = &e->rx[i];

		if (!(*(volatile uint8_t *)&d->status & RXD_STAT_DD))
			break;
		rmb(); /* the descriptor's other fields after its DD bit */
		e1000_receive(e, i);
		d->status = 0;
		e->rx_tail = i;
		work++;
	}
	/* 3.2.6: moving the tail returns the processed descriptors, a batch at a time. */
	if (e1000_rx_return_due(e->rx_tail, e->rx_rdt, E1000_RX_RING)) {
		wmb();
		e->rx_rdt = e->rx_tail;
		ew32_timed(e, E1000_RDT, e->rx_rdt);
	}
	/* Frames sent while we received (ACKs, replies) or since the last poll. */
	e1000_tx_flush(e);
	if (work < budget)
		netdrv_napi_done(napi, e1000_irq_enable);
	return work;
}

static void e1000_interrupt(void *arg)
{
	struct e1000 *e = arg;
	uint32_t icr = er32(e, E1000_ICR); /* 13.4.17: reading clears it */

	if (!icr)
		return; /* a shared line: not ours */
	e->dev->stats.interrupts++;
	if (icr & (ICR_LSC | ICR_RXSEQ))
		e->link_changed = 1;
	ew32(e, E1000_IMC, E1000_NAPI_CAUSES | ICR_LSC | ICR_RXSEQ); /* 13.4.21 */
	napi_schedule(&e->dev->napi);
}

static int e1000_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct e1000 *e = dev->priv;
	unsigned len = skb->len;
	int n;

	e1000_tx_reclaim(e);
	n = e1000_tx_map(skb, e->tx, E1000_TX_RING, e->tx_tail, e1000_tx_room(e), &e->tx_ctx);
	if (n == -EINVAL && !skb_is_gso(skb) && skb_checksum_help(skb) == 0)
		n = e1000_tx_map(skb, e->tx, E1000_TX_RING, e->tx_tail, e1000_tx_room(e),
				 &e->tx_ctx); /* offsets the context cannot hold */
	if (n < 0) {
		if (n == -ENOSPC)
			dev->stats.tx_dropped++; /* ring full */
		else
			dev->stats.tx_errors++;
		kfree_skb(skb);
		e1000_tx_flush(e);
		return n;
	}
	e->tx_tail = (e->tx_tail + n) % E1000_TX_RING;
	e->tx_skb[(e->tx_tail + E1000_TX_RING - 1) % E1000_TX_RING] = skb;
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += len;
	/* Hand over now if another large frame might not fit, else at the batch's end. */
	if (e1000_tx_room(e) < E1000_MAX_TXD_PER_FRAME) {
		e->tx_pending++;
		e1000_tx_flush(e);
	} else {
		netdrv_tx_defer(dev, &e->tx_pending);
	}
	return 0;
}

static int e1000_open(struct net_device *dev)
{
	struct e1000 *e = dev->priv;

	e1000_update_link(e);
	return 0;
}

static const struct net_device_ops e1000_ops = {
	.ndo_start_xmit = e1000_start_xmit,
	.ndo_open = e1000_open,
};

/* 13.4.4: one 16-bit EEPROM word through EERD. */
static int e1000_eeprom_read(struct e1000 *e, uint8_t addr, uint16_t *word)
{
	ew32(e, E1000_EERD, EERD_START | (uint32_t)addr << EERD_ADDR_SHIFT);
	for (int i = 0; i < E1000_EERD_SPINS; i++) {
		uint32_t v = er32(e, E1000_EERD);

		if (v & EERD_DONE) {
			*word = v >> EERD_DATA_SHIFT;
			return 0;
		}
	}
	return -ETIMEDOUT;
}

static int e1000_read_mac(struct e1000 *e)
{
	uint8_t *mac = e->dev->dev_addr;
	uint32_t ral = er32(e, E1000_RAL0), rah = er32(e, E1000_RAH0);

	/* RAH bit 31 (Address Valid) says the EEPROM load filled RAL0/RAH0. */
	if ((rah & (1u << 31)) && (ral || (rah & 0xFFFF))) {
		for (int i = 0; i < 4; i++)
			mac[i] = ral >> (8 * i);
		mac[4] = rah;
		mac[5] = rah >> 8;
		return 0;
	}
	/* EEPROM map (chapter 5): words 0-2 hold the Ethernet address. */
	for (int w = 0; w < 3; w++) {
		uint16_t v;
		int err = e1000_eeprom_read(e, w, &v);

		if (err)
			return err;
		mac[2 * w] = v;
		mac[2 * w + 1] = v >> 8;
	}
	/* 14.4: the station address goes into receive address 0, valid. */
	ew32(e, E1000_RAL0, mac[0] | mac[1] << 8 | mac[2] << 16 | (uint32_t)mac[3] << 24);
	ew32(e, E1000_RAH0, mac[4] | mac[5] << 8 | (1u << 31));
	return 0;
}

static int e1000_reset(struct e1000 *e)
{
	/* 13.4.21: mask everything before the reset ... */
	ew32(e, E1000_IMC, E1000_ALL_CAUSES);
	/* 13.4.1: CTRL.RST resets the MAC; the bit clears itself when done. */
	ew32(e, E1000_CTRL, er32(e, E1000_CTRL) | CTRL_RST);
	for (int i = 0;; i++) {
		if (!(er32(e, E1000_CTRL) & CTRL_RST))
			break;
		if (i == E1000_RESET_SPINS)
			return -ETIMEDOUT;
	}
	/* ... and again after it, with pending causes cleared by reading ICR. */
	ew32(e, E1000_IMC, E1000_ALL_CAUSES);
	er32(e, E1000_ICR);
	return 0;
}

static void e1000_free_rings(struct e1000 *e)
{
	for (int i = 0; i < E1000_RX_RING; i++)
		if (e->rx_page[i]) {
			netdrv_rx_page_free(e->rx_page[i]);
			e->rx_page[i] = NULL;
		}
	if (e->rx)
		page_free(e->rx, 0);
	if (e->tx)
		page_free(e->tx, 0);
	e->rx = NULL;
	e->tx = NULL;
}

static int e1000_setup_rings(struct e1000 *e)
{
	/* 256 * 16 bytes: one page each, 16-byte aligned (3.2.6, 3.4). */
	e->rx = page_alloc(0);
	e->tx = page_alloc(0);
	if (!e->rx || !e->tx)
		return -ENOMEM;
	for (int i = 0; i < E1000_RX_RING; i++) {
		e->rx_page[i] = netdrv_rx_page_alloc();
		if (!e->rx_page[i])
			return -ENOMEM;
		e->rx[i].addr = virt_to_phys((uint8_t *)e->rx_page[i] + RX_FRAME_OFFSET);
	}
	return 0;
}

/* 14.3 General Configuration, 14.4 Receive and 14.5 Transmit Initialization */
static void e1000_hw_init(struct e1000 *e)
{
	uint32_t ctrl = er32(e, E1000_CTRL);

	/* 14.3: auto speed detection, set link up; no link/PHY reset, no
	 * inverted loss-of-signal, no VLAN mode. */
	ctrl |= CTRL_ASDE | CTRL_SLU;
	ctrl &= ~(CTRL_LRST | CTRL_PHY_RST | CTRL_ILOS | CTRL_VME);
	ew32(e, E1000_CTRL, ctrl);
	/* 14.3: flow control is not used, so its registers are zero. */
	ew32(e, E1000_FCAL, 0);
	ew32(e, E1000_FCAH, 0);
	ew32(e, E1000_FCT, 0);
	ew32(e, E1000_FCTTV, 0);

	/* 14.4: clear the multicast table array. */
	for (int i = 0; i < 128; i++)
		ew32(e, E1000_MTA + 4 * i, 0);
	/* 14.4: descriptor ring base and length, head 0, tail one before
	 * the head (software keeps one descriptor so full != empty). */
	ew32(e, E1000_RDBAL, (uint32_t)virt_to_phys(e->rx));
	ew32(e, E1000_RDBAH, virt_to_phys(e->rx) >> 32);
	ew32(e, E1000_RDLEN, E1000_RX_RING * sizeof(struct e1000_rx_desc));
	ew32(e, E1000_RDH, 0);
	e->rx_tail = e->rx_rdt = E1000_RX_RING - 1;
	ew32(e, E1000_RDT, e->rx_rdt);
	/* RDTR/RADV: no receive delay timer; ITR alone moderates interrupts (above). */
	ew32(e, E1000_RDTR, 0);
	ew32(e, E1000_RADV, 0);

	/* 14.5: transmit ring, head = tail = 0 (empty). */
	ew32(e, E1000_TDBAL, (uint32_t)virt_to_phys(e->tx));
	ew32(e, E1000_TDBAH, virt_to_phys(e->tx) >> 32);
	ew32(e, E1000_TDLEN, E1000_TX_RING * sizeof(union e1000_tx_desc));
	ew32(e, E1000_TDH, 0);
	ew32(e, E1000_TDT, 0);
	e->tx_tail = e->tx_clean = 0;
	ew32(e, E1000_TIDV, 0); /* no transmit interrupt delay */
	/* 14.5: TIPG for IEEE 802.3 copper (13.4.34). */
	ew32(e, E1000_TIPG, TIPG_IPGT | TIPG_IPGR1 << 10 | TIPG_IPGR2 << 20);

	/* 13.4.18: interrupt moderation. */
	ew32(e, E1000_ITR, E1000_ITR_INTERVAL);
}

static void e1000_hw_start(struct e1000 *e)
{
	/* 14.5: enable, pad short packets, collision threshold/distance. */
	ew32(e, E1000_TCTL,
	     TCTL_EN | TCTL_PSP | TCTL_CT_DEFAULT << TCTL_CT_SHIFT |
		     TCTL_COLD_FULL_DUPLEX << TCTL_COLD_SHIFT);
	/* 14.4: enable; accept broadcast; 2048-byte buffers; strip the CRC;
	 * no long packets, no loopback, no promiscuous modes. */
	ew32(e, E1000_RCTL, RCTL_EN | RCTL_BAM | RCTL_BSIZE_2048 | RCTL_SECRC);
	/* Receive checksum offload: IPv4 header and TCP/UDP checksums checked. */
	ew32(e, E1000_RXCSUM,
	     (e->offloads & E1000_OFFLOAD_RX_CSUM) ? RXCSUM_IPOFLD | RXCSUM_TUOFLD : 0);
	/* 14.4/13.4.20: the interrupt causes we handle. */
	ew32(e, E1000_IMS, E1000_NAPI_CAUSES | ICR_LSC | ICR_RXSEQ);
}

static int e1000_request_irq(struct e1000 *e)
{
	uint64_t addr;
	uint32_t data;
	int v;

	/* QEMU's 82540EM has no MSI capability; real 8254x parts may. */
	if (e->pdev->msi_cap) {
		v = irq_request_msi(e1000_interrupt, e, "e1000", &addr, &data);
		if (v >= 0 && pci_enable_msi(e->pdev, addr, data) == 0) {
			e->irq_kind = "MSI";
			return 0;
		}
	}
	v = pci_request_intx(e->pdev, e1000_interrupt, e, "e1000");
	if (v < 0)
		return v;
	e->irq_kind = "INTx";
	return 0;
}

/* An offload stays on unless its command-line word says 0 (e1000.tso=0). */
static int e1000_offload_param(const char *key)
{
	const char *v = cmdline_get(key);

	return !v || strcmp(v, "0") != 0;
}

/* The offloads in use, and what the stack may hand us with them. */
static void e1000_set_offloads(struct e1000 *e)
{
	struct net_device *dev = e->dev;

	if (e1000_offload_param("e1000.tx_csum")) {
		e->offloads |= E1000_OFFLOAD_TX_CSUM;
		dev->features |= NETIF_F_IP_CSUM;
		/* Segmentation inserts checksums: only with checksum offload. */
		if (e1000_offload_param("e1000.tso")) {
			e->offloads |= E1000_OFFLOAD_TSO;
			dev->features |= NETIF_F_TSO;
			dev->gso_max_size = E1000_GSO_MAX;
		}
	}
	if (e1000_offload_param("e1000.rx_csum")) {
		e->offloads |= E1000_OFFLOAD_RX_CSUM;
		dev->features |= NETIF_F_RXCSUM;
	}
}

static int e1000_probe(struct pci_dev *pdev)
{
	struct net_device *dev = alloc_etherdev(sizeof(struct e1000));
	struct e1000 *e;
	uint8_t *m;
	int err;

	if (!dev)
		return -ENOMEM;
	e = dev->priv;
	e->dev = dev;
	e->pdev = pdev;
	err = pci_enable_device(pdev);
	if (err)
		goto fail_free;
	e->regs = pci_iomap(pdev, 0); /* BAR 0: the memory-mapped registers */
	if (!e->regs) {
		err = -ENODEV;
		goto fail_free;
	}
	pci_enable_bus_master(pdev);
	err = e1000_reset(e);
	if (!err)
		err = e1000_read_mac(e);
	if (!err)
		err = e1000_setup_rings(e);
	if (err)
		goto fail_rings;
	e1000_set_offloads(e);
	e1000_hw_init(e);

	dev->ops = &e1000_ops;
	dev->driver = "e1000";
	netif_napi_add(dev, &dev->napi, e1000_poll);
	err = e1000_request_irq(e);
	if (err)
		goto fail_rings;
	err = register_netdev(dev);
	if (err) {
		/*
		 * The interrupt handler cannot be released, so its argument
		 * stays allocated; the reset device never raises ICR again.
		 */
		e1000_reset(e);
		e1000_free_rings(e);
		return err;
	}
	pdev->priv = e;
	e1000_hw_start(e);
	e->dev->carrier = e1000_link_up(e);
	m = dev->dev_addr;
	printk("%s: e1000 at %02x:%02x.%x, mac %02x:%02x:%02x:%02x:%02x:%02x, %s, link %s\n",
	       dev->name, pdev->bus, pdev->dev, pdev->fn, m[0], m[1], m[2], m[3], m[4], m[5],
	       e->irq_kind, e->dev->carrier ? "up" : "down");
	printk("%s: offloads:%s%s%s%s\n", dev->name,
	       e->offloads & E1000_OFFLOAD_TX_CSUM ? " tx_csum" : "",
	       e->offloads & E1000_OFFLOAD_TSO ? " tso" : "",
	       e->offloads & E1000_OFFLOAD_RX_CSUM ? " rx_csum" : "", e->offloads ? "" : " none");
	return 0;

fail_rings:
	e1000_reset(e);
	e1000_free_rings(e);
fail_free:
	kfree(dev);
	return err;
}

static const struct pci_device_id e1000_ids[] = {
	{0x8086, 0x100E}, /* 82540EM desktop */
	{0, 0},
};

struct pci_driver e1000_driver = {
	.name = "e1000",
	.ids = e1000_ids,
	.probe = e1000_probe,
};
