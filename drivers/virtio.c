/*
 * Virtio PCI transport and split virtqueues (Virtio 1.0, OASIS cs04).
 *
 * Modern devices describe where their register blocks live with
 * vendor-specific PCI capabilities (4.1.4); legacy devices (and the legacy
 * face of a transitional one) have a fixed register layout in I/O BAR 0
 * (4.1.4.8).  A transitional device offers both: we take the modern one.
 */
#include <errno.h>
#include <string.h>

#include "drivers/virtio.h"
#include "kernel/io.h"
#include "kernel/irq.h"
#include "kernel/mm.h"
#include "kernel/printk.h"

/* struct virtio_pci_cap (4.1.4) */
#define VIRTIO_PCI_CAP_CFG_TYPE	   3
#define VIRTIO_PCI_CAP_BAR	   4
#define VIRTIO_PCI_CAP_OFFSET	   8
#define VIRTIO_PCI_CAP_LENGTH	   12
#define VIRTIO_PCI_NOTIFY_CAP_MULT 16 /* struct virtio_pci_notify_cap (4.1.4.4) */

#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG	  3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4

/* struct virtio_pci_common_cfg (4.1.4.3) */
#define VIRTIO_PCI_COMMON_DFSELECT  0x00
#define VIRTIO_PCI_COMMON_DF	    0x04
#define VIRTIO_PCI_COMMON_GFSELECT  0x08
#define VIRTIO_PCI_COMMON_GF	    0x0C
#define VIRTIO_PCI_COMMON_MSIX	    0x10
#define VIRTIO_PCI_COMMON_NUMQ	    0x12
#define VIRTIO_PCI_COMMON_STATUS    0x14
#define VIRTIO_PCI_COMMON_CFGGEN    0x15
#define VIRTIO_PCI_COMMON_Q_SELECT  0x16
#define VIRTIO_PCI_COMMON_Q_SIZE    0x18
#define VIRTIO_PCI_COMMON_Q_MSIX    0x1A
#define VIRTIO_PCI_COMMON_Q_ENABLE  0x1C
#define VIRTIO_PCI_COMMON_Q_NOFF    0x1E
#define VIRTIO_PCI_COMMON_Q_DESCLO  0x20
#define VIRTIO_PCI_COMMON_Q_DESCHI  0x24
#define VIRTIO_PCI_COMMON_Q_AVAILLO 0x28
#define VIRTIO_PCI_COMMON_Q_AVAILHI 0x2C
#define VIRTIO_PCI_COMMON_Q_USEDLO  0x30
#define VIRTIO_PCI_COMMON_Q_USEDHI  0x34

/* Legacy register layout in I/O BAR 0 (4.1.4.8) */
#define VIRTIO_PCI_LEGACY_HOST_FEATURES	   0x00
#define VIRTIO_PCI_LEGACY_GUEST_FEATURES   0x04
#define VIRTIO_PCI_LEGACY_QUEUE_PFN	   0x08
#define VIRTIO_PCI_LEGACY_QUEUE_NUM	   0x0C
#define VIRTIO_PCI_LEGACY_QUEUE_SEL	   0x0E
#define VIRTIO_PCI_LEGACY_QUEUE_NOTIFY	   0x10
#define VIRTIO_PCI_LEGACY_STATUS	   0x12
#define VIRTIO_PCI_LEGACY_ISR		   0x13
#define VIRTIO_MSI_LEGACY_CONFIG_VECTOR	   0x14 /* only while MSI-X is enabled */
#define VIRTIO_MSI_LEGACY_QUEUE_VECTOR	   0x16
#define VIRTIO_PCI_LEGACY_CONFIG(msix)	   ((msix) ? 0x18 : 0x14)
#define VIRTIO_PCI_LEGACY_QUEUE_ADDR_SHIFT 12	/* the PFN is in 4096-byte units */
#define VIRTIO_PCI_LEGACY_VRING_ALIGN	   4096 /* 2.4.2: legacy used-ring alignment */

#define VIRTIO_MSI_NO_VECTOR  0xFFFF
#define VIRTIO_MSIX_QUEUES    0 /* our MSI-X table entries */
#define VIRTIO_MSIX_CONFIG    1
#define VIRTIO_PCI_ISR_QUEUE  0x1 /* 4.1.4.5 */
#define VIRTIO_PCI_ISR_CONFIG 0x2
#define VIRTIO_RESET_SPINS    1000000

/* ---- register access ---- */

static void vp_set_status(struct virtio_device *vdev, uint8_t status)
{
	if (vdev->modern)
		writeb(status, vdev->common + VIRTIO_PCI_COMMON_STATUS);
	else
		outb(vdev->io + VIRTIO_PCI_LEGACY_STATUS, status);
}

static uint8_t vp_get_status(struct virtio_device *vdev)
{
	if (vdev->modern)
		return readb(vdev->common + VIRTIO_PCI_COMMON_STATUS);
	return inb(vdev->io + VIRTIO_PCI_LEGACY_STATUS);
}

static int vp_reset(struct virtio_device *vdev)
{
	vp_set_status(vdev, 0);
	/* 4.1.4.3.2: the reset is complete when status reads back 0. */
	for (int i = 0; i < VIRTIO_RESET_SPINS; i++)
		if (vp_get_status(vdev) == 0)
			return 0;
	return -ETIMEDOUT;
}

/* Reading the ISR status also clears it and deasserts INTx (4.1.4.5). */
static uint8_t vp_read_isr(struct virtio_device *vdev)
{
	if (vdev->modern)
		return readb(vdev->isr);
	return inb(vdev->io + VIRTIO_PCI_LEGACY_ISR);
}

uint8_t virtio_cfg_read8(struct virtio_device *vdev, unsigned off)
{
	if (vdev->modern)
		return readb(vdev->devcfg + off);
	return inb(vdev->io + VIRTIO_PCI_LEGACY_CONFIG(vdev->msix) + off);
}

uint16_t virtio_cfg_read16(struct virtio_device *vdev, unsigned off)
{
	if (vdev->modern)
		return readw(vdev->devcfg + off);
	return inw(vdev->io + VIRTIO_PCI_LEGACY_CONFIG(vdev->msix) + off);
}

/* ---- transport discovery ---- */

/*
 * Walks the vendor-specific capabilities and maps the first usable
 * common, notify, ISR and device-config structures (4.1.4.1: a driver
 * should use the first instance of each type that it can support).
 */
static int vp_find_modern(struct virtio_device *vdev)
{
	struct pci_dev *p = vdev->pdev;
	volatile uint8_t *bars[6] = {0};

	for (uint8_t pos = pci_find_capability(p, PCI_CAP_ID_VNDR); pos;
	     pos = pci_find_next_capability(p, pos, PCI_CAP_ID_VNDR)) {
		uint8_t type = pci_read8(p, pos + VIRTIO_PCI_CAP_CFG_TYPE);
		uint8_t bar = pci_read8(p, pos + VIRTIO_PCI_CAP_BAR);
		uint32_t off = pci_read32(p, pos + VIRTIO_PCI_CAP_OFFSET);
		uint32_t len = pci_read32(p, pos + VIRTIO_PCI_CAP_LENGTH);
		volatile uint8_t *where;

		if (type < VIRTIO_PCI_CAP_COMMON_CFG || type > VIRTIO_PCI_CAP_DEVICE_CFG)
			continue; /* PCI config access window, or unknown */
		if (bar > 5 || p->bar_is_io[bar] || (uint64_t)off + len > p->bar_size[bar])
			continue; /* not a memory BAR we can map */
		if (!bars[bar]) {
			bars[bar] = pci_iomap(p, bar);
			if (!bars[bar])
				continue;
		}
		where = bars[bar] + off;
		switch (type) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			if (!vdev->common)
				vdev->common = where;
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			if (!vdev->notify_base) {
				vdev->notify_base = where;
				vdev->notify_off_multiplier =
					pci_read32(p, pos + VIRTIO_PCI_NOTIFY_CAP_MULT);
			}
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			if (!vdev->isr)
				vdev->isr = where;
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			if (!vdev->devcfg)
				vdev->devcfg = where;
			break;
		}
	}
	/* 4.1.4.1: common, notify and ISR are mandatory; device config may be absent. */
	if (!vdev->common || !vdev->notify_base || !vdev->isr)
		return -ENODEV;
	return 0;
}

int virtio_pci_init(struct virtio_device *vdev, struct pci_dev *pdev)
{
	int err;

	memset(vdev, 0, sizeof(*vdev));
	vdev->pdev = pdev;
	err = pci_enable_device(pdev);
	if (err)
		return err;
	if (vp_find_modern(vdev) == 0) {
		vdev->modern = 1;
	} else if (pdev->bar_is_io[0] && pdev->bar_size[0]) {
		vdev->io = pdev->bar[0];
	} else {
		return -ENODEV;
	}
	pci_enable_bus_master(pdev);

	/* 3.1.1 Driver Requirements: Device Initialization, steps 1-3 */
	err = vp_reset(vdev);
	if (err)
		return err;
	vp_set_status(vdev, VIRTIO_STATUS_ACKNOWLEDGE);
	vp_set_status(vdev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	return 0;
}

uint64_t virtio_device_features(struct virtio_device *vdev)
{
	uint64_t f;

	if (!vdev->modern)
		return inl(vdev->io + VIRTIO_PCI_LEGACY_HOST_FEATURES);
	writel(0, vdev->common + VIRTIO_PCI_COMMON_DFSELECT);
	f = readl(vdev->common + VIRTIO_PCI_COMMON_DF);
	writel(1, vdev->common + VIRTIO_PCI_COMMON_DFSELECT);
	f |= (uint64_t)readl(vdev->common + VIRTIO_PCI_COMMON_DF) << 32;
	return f;
}

int virtio_negotiate(struct virtio_device *vdev, uint64_t wanted)
{
	uint64_t f = virtio_device_features(vdev) & wanted;

	if (!vdev->modern) {
		/* A legacy device has 32 feature bits and no FEATURES_OK step. */
		f &= 0xFFFFFFFFu;
		outl(vdev->io + VIRTIO_PCI_LEGACY_GUEST_FEATURES, (uint32_t)f);
		vdev->features = f;
		return 0;
	}
	/* 6.1: a modern device must offer VERSION_1 and the driver accept it. */
	if (!(f & (1ULL << VIRTIO_F_VERSION_1)))
		return -ENODEV;
	writel(0, vdev->common + VIRTIO_PCI_COMMON_GFSELECT);
	writel((uint32_t)f, vdev->common + VIRTIO_PCI_COMMON_GF);
	writel(1, vdev->common + VIRTIO_PCI_COMMON_GFSELECT);
	writel(f >> 32, vdev->common + VIRTIO_PCI_COMMON_GF);
	/* 3.1.1 steps 5-6: set FEATURES_OK and check the device kept it. */
	vp_set_status(vdev, vp_get_status(vdev) | VIRTIO_STATUS_FEATURES_OK);
	if (!(vp_get_status(vdev) & VIRTIO_STATUS_FEATURES_OK))
		return -ENODEV;
	vdev->features = f;
	return 0;
}

/* INTx, possibly shared: the ISR status says whether it was us, and why. */
static void vp_intx_handler(void *arg)
{
	struct virtio_device *vdev = arg;
	uint8_t isr = vp_read_isr(vdev);

	if (isr & VIRTIO_PCI_ISR_QUEUE)
		vdev->vq_fn(vdev->irq_arg);
	if (isr & VIRTIO_PCI_ISR_CONFIG)
		vdev->config_fn(vdev->irq_arg);
}

static void vp_set_config_vector(struct virtio_device *vdev, uint16_t v)
{
	if (vdev->modern)
		writew(v, vdev->common + VIRTIO_PCI_COMMON_MSIX);
	else
		outw(vdev->io + VIRTIO_MSI_LEGACY_CONFIG_VECTOR, v);
}

static int vp_request_msix(struct virtio_device *vdev, const char *name)
{
	struct pci_dev *p = vdev->pdev;
	uint64_t addr;
	uint32_t data;
	int v;

	v = irq_request_msi(vdev->vq_fn, vdev->irq_arg, name, &addr, &data);
	if (v < 0)
		return v;
	v = pci_enable_msix(p, VIRTIO_MSIX_QUEUES, addr, data);
	if (v < 0)
		return v;
	vdev->msix = 1;
	/* Configuration changes get their own entry when the table has one. */
	vp_set_config_vector(vdev, VIRTIO_MSI_NO_VECTOR);
	if (pci_msix_table_size(p) > VIRTIO_MSIX_CONFIG &&
	    irq_request_msi(vdev->config_fn, vdev->irq_arg, name, &addr, &data) >= 0 &&
	    pci_enable_msix(p, VIRTIO_MSIX_CONFIG, addr, data) == 0)
		vp_set_config_vector(vdev, VIRTIO_MSIX_CONFIG);
	return 0;
}

int virtio_request_irq(struct virtio_device *vdev, void (*vq_fn)(void *), void (*config_fn)(void *),
		       void *arg, const char *name)
{
	int v;

	vdev->vq_fn = vq_fn;
	vdev->config_fn = config_fn;
	vdev->irq_arg = arg;
	if (pci_msix_table_size(vdev->pdev) > 0) {
		v = vp_request_msix(vdev, name);
		if (v == 0)
			return 0;
		printk("virtio %02x:%02x.%x: MSI-X unavailable (%d), using INTx\n", vdev->pdev->bus,
		       vdev->pdev->dev, vdev->pdev->fn, v);
	}
	v = pci_request_intx(vdev->pdev, vp_intx_handler, vdev, name);
	return v < 0 ? v : 0;
}

/* ---- virtqueues ---- */

/* Legacy layout (2.4.2), which satisfies the modern alignment rules too. */
static size_t vring_used_offset(uint16_t num)
{
	size_t avail_end = 16 * (size_t)num + 6 + 2 * (size_t)num;

	return (avail_end + VIRTIO_PCI_LEGACY_VRING_ALIGN - 1) &
	       ~(size_t)(VIRTIO_PCI_LEGACY_VRING_ALIGN - 1);
}

static size_t vring_size(uint16_t num) { return vring_used_offset(num) + 6 + 8 * (size_t)num; }

static int vq_alloc(struct virtqueue *vq, uint16_t num)
{
	size_t size = vring_size(num);
	unsigned order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	vq->mem = page_alloc(order); /* zeroed: avail/used flags and idx start at 0 */
	if (!vq->mem)
		return -ENOMEM;
	vq->token = kzalloc(num * sizeof(void *));
	if (!vq->token) {
		page_free(vq->mem, order);
		vq->mem = NULL;
		return -ENOMEM;
	}
	vq->mem_order = order;
	vq->num = num;
	vq->desc = vq->mem;
	vq->avail = (struct vring_avail *)((uint8_t *)vq->mem + 16 * (size_t)num);
	vq->used = (struct vring_used *)((uint8_t *)vq->mem + vring_used_offset(num));
	for (uint16_t i = 0; i + 1 < num; i++)
		vq->desc[i].next = i + 1;
	vq->free_head = 0;
	vq->num_free = num;
	vq->last_used_idx = 0;
	return 0;
}

void virtio_del_vq(struct virtqueue *vq)
{
	if (!vq->mem)
		return;
	page_free(vq->mem, vq->mem_order);
	kfree(vq->token);
	vq->mem = NULL;
	vq->token = NULL;
}

static int vp_setup_vq_modern(struct virtio_device *vdev, struct virtqueue *vq, uint16_t index,
			      uint16_t max_num)
{
	volatile uint8_t *c = vdev->common;
	uint16_t num;
	uint64_t pa;
	int err;

	writew(index, c + VIRTIO_PCI_COMMON_Q_SELECT);
	num = readw(c + VIRTIO_PCI_COMMON_Q_SIZE);
	if (num == 0 || readw(c + VIRTIO_PCI_COMMON_Q_ENABLE))
		return -ENOENT;
	/* 4.1.4.3.2: the driver may shrink the queue; split rings are powers of two. */
	while (num > max_num)
		num >>= 1;
	err = vq_alloc(vq, num);
	if (err)
		return err;
	writew(num, c + VIRTIO_PCI_COMMON_Q_SIZE);
	pa = virt_to_phys(vq->desc);
	writel((uint32_t)pa, c + VIRTIO_PCI_COMMON_Q_DESCLO);
	writel(pa >> 32, c + VIRTIO_PCI_COMMON_Q_DESCHI);
	pa = virt_to_phys(vq->avail);
	writel((uint32_t)pa, c + VIRTIO_PCI_COMMON_Q_AVAILLO);
	writel(pa >> 32, c + VIRTIO_PCI_COMMON_Q_AVAILHI);
	pa = virt_to_phys(vq->used);
	writel((uint32_t)pa, c + VIRTIO_PCI_COMMON_Q_USEDLO);
	writel(pa >> 32, c + VIRTIO_PCI_COMMON_Q_USEDHI);
	if (vdev->msix) {
		/* 4.1.5.1.2.1: read back; NO_VECTOR means the device refused. */
		writew(VIRTIO_MSIX_QUEUES, c + VIRTIO_PCI_COMMON_Q_MSIX);
		if (readw(c + VIRTIO_PCI_COMMON_Q_MSIX) == VIRTIO_MSI_NO_VECTOR) {
			virtio_del_vq(vq);
			return -EBUSY;
		}
	}
	/* 4.1.4.4: notify address = base + queue_notify_off * multiplier */
	vq->notify = (volatile uint16_t *)(vdev->notify_base +
					   (uint32_t)readw(c + VIRTIO_PCI_COMMON_Q_NOFF) *
						   vdev->notify_off_multiplier);
	writew(1, c + VIRTIO_PCI_COMMON_Q_ENABLE);
	return 0;
}

static int vp_setup_vq_legacy(struct virtio_device *vdev, struct virtqueue *vq, uint16_t index)
{
	uint16_t num;
	int err;

	outw(vdev->io + VIRTIO_PCI_LEGACY_QUEUE_SEL, index);
	num = inw(vdev->io + VIRTIO_PCI_LEGACY_QUEUE_NUM);
	if (num == 0 || inl(vdev->io + VIRTIO_PCI_LEGACY_QUEUE_PFN))
		return -ENOENT;
	/* A legacy device's queue size is fixed (4.1.4.8). */
	if (num & (num - 1))
		return -EINVAL;
	err = vq_alloc(vq, num);
	if (err)
		return err;
	if (vdev->msix) {
		outw(vdev->io + VIRTIO_MSI_LEGACY_QUEUE_VECTOR, VIRTIO_MSIX_QUEUES);
		if (inw(vdev->io + VIRTIO_MSI_LEGACY_QUEUE_VECTOR) == VIRTIO_MSI_NO_VECTOR) {
			virtio_del_vq(vq);
			return -EBUSY;
		}
	}
	/* page_alloc memory is page aligned, as the legacy PFN requires. */
	outl(vdev->io + VIRTIO_PCI_LEGACY_QUEUE_PFN,
	     virt_to_phys(vq->mem) >> VIRTIO_PCI_LEGACY_QUEUE_ADDR_SHIFT);
	return 0;
}

int virtio_setup_vq(struct virtio_device *vdev, struct virtqueue *vq, uint16_t index,
		    uint16_t max_num)
{
	memset(vq, 0, sizeof(*vq));
	vq->vdev = vdev;
	vq->index = index;
	if (vdev->modern)
		return vp_setup_vq_modern(vdev, vq, index, max_num);
	return vp_setup_vq_legacy(vdev, vq, index);
}

void virtio_driver_ok(struct virtio_device *vdev)
{
	/* 3.1.1 step 8 */
	vp_set_status(vdev, vp_get_status(vdev) | VIRTIO_STATUS_DRIVER_OK);
}

void virtio_fail(struct virtio_device *vdev)
{
	vp_reset(vdev);
	vp_set_status(vdev, VIRTIO_STATUS_FAILED);
}

int virtqueue_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned out, unsigned in,
		  void *token)
{
	unsigned n = out + in;
	uint16_t head, i, last = 0;
	volatile uint16_t *avail_idx = &vq->avail->idx;
	uint16_t idx;

	if (n == 0 || n > vq->num_free)
		return -ENOSPC;
	head = i = vq->free_head;
	for (unsigned k = 0; k < n; k++) {
		vq->desc[i].addr = virt_to_phys(bufs[k].addr);
		vq->desc[i].len = bufs[k].len;
		vq->desc[i].flags =
			(k < out ? 0 : VRING_DESC_F_WRITE) | (k + 1 < n ? VRING_DESC_F_NEXT : 0);
		last = i;
		i = vq->desc[i].next;
	}
	vq->free_head = vq->desc[last].next;
	vq->num_free -= n;
	vq->token[head] = token;

	/* 2.4.7.2: the ring entry, then (after a barrier) the index. */
	idx = *avail_idx;
	vq->avail->ring[idx & (vq->num - 1)] = head;
	wmb();
	*avail_idx = idx + 1;
	return 0;
}

void virtqueue_kick(struct virtqueue *vq)
{
	struct virtio_device *vdev = vq->vdev;

	/* 2.4.7.2: the index must be visible before we read the device's flag. */
	mb();
	if (((volatile struct vring_used *)vq->used)->flags & VRING_USED_F_NO_NOTIFY)
		return;
	if (vdev->modern)
		writew(vq->index, vq->notify);
	else
		outw(vdev->io + VIRTIO_PCI_LEGACY_QUEUE_NOTIFY, vq->index);
}

int virtqueue_has_used(struct virtqueue *vq)
{
	return vq->last_used_idx != ((volatile struct vring_used *)vq->used)->idx;
}

void *virtqueue_get_buf(struct virtqueue *vq, uint32_t *len)
{
	struct vring_used_elem e;
	uint16_t i, n = 1;
	void *token;

	while (virtqueue_has_used(vq)) {
		rmb(); /* read the entry only after seeing the index move */
		e = vq->used->ring[vq->last_used_idx & (vq->num - 1)];
		vq->last_used_idx++;
		if (e.id >= vq->num || !vq->token[e.id]) {
			printk("virtio: queue %u: bogus used id %u\n", vq->index, e.id);
			continue;
		}
		token = vq->token[e.id];
		vq->token[e.id] = NULL;
		for (i = e.id; vq->desc[i].flags & VRING_DESC_F_NEXT; i = vq->desc[i].next)
			n++;
		vq->desc[i].next = vq->free_head;
		vq->free_head = e.id;
		vq->num_free += n;
		if (len)
			*len = e.len;
		return token;
	}
	return NULL;
}

void *virtqueue_detach_unused_buf(struct virtqueue *vq)
{
	for (uint16_t i = 0; i < vq->num; i++) {
		void *token = vq->token[i];

		if (token) {
			vq->token[i] = NULL;
			return token;
		}
	}
	return NULL;
}

void virtqueue_disable_cb(struct virtqueue *vq)
{
	((volatile struct vring_avail *)vq->avail)->flags |= VRING_AVAIL_F_NO_INTERRUPT;
}

int virtqueue_enable_cb(struct virtqueue *vq)
{
	((volatile struct vring_avail *)vq->avail)->flags &= ~VRING_AVAIL_F_NO_INTERRUPT;
	/* The flag must be visible before we look at the used index again. */
	mb();
	return virtqueue_has_used(vq);
}
