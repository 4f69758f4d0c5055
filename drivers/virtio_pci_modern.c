/*
 * The modern virtio PCI transport (Virtio 1.2, 4.1.4): register blocks that
 * vendor-specific PCI capabilities place inside memory BARs.
 */
#include <errno.h>

#include "drivers/virtio_pci.h"
#include "kernel/io.h"
#include "kernel/mm.h"

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
#define VIRTIO_PCI_COMMON_STATUS    0x14
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

/*
 * Walks the vendor-specific capabilities and maps the first usable
 * common, notify, ISR and device-config structures (4.1.4.1: a driver
 * should use the first instance of each type that it can support).
 */
int virtio_pci_modern_probe(struct virtio_device *vdev)
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

static uint8_t vp_modern_get_status(struct virtio_device *vdev)
{
	return readb(vdev->common + VIRTIO_PCI_COMMON_STATUS);
}

static void vp_modern_set_status(struct virtio_device *vdev, uint8_t status)
{
	writeb(status, vdev->common + VIRTIO_PCI_COMMON_STATUS);
}

static uint8_t vp_modern_read_isr(struct virtio_device *vdev) { return readb(vdev->isr); }

/* 4.1.4.3: 64 feature bits, read through a 32-bit window. */
static uint64_t vp_modern_get_features(struct virtio_device *vdev)
{
	uint64_t f;

	writel(0, vdev->common + VIRTIO_PCI_COMMON_DFSELECT);
	f = readl(vdev->common + VIRTIO_PCI_COMMON_DF);
	writel(1, vdev->common + VIRTIO_PCI_COMMON_DFSELECT);
	f |= (uint64_t)readl(vdev->common + VIRTIO_PCI_COMMON_DF) << 32;
	return f;
}

static int vp_modern_finalize_features(struct virtio_device *vdev, uint64_t *f)
{
	/* 6.1: a modern device must offer VERSION_1 and the driver accept it. */
	if (!(*f & (1ULL << VIRTIO_F_VERSION_1)))
		return -ENODEV;
	writel(0, vdev->common + VIRTIO_PCI_COMMON_GFSELECT);
	writel((uint32_t)*f, vdev->common + VIRTIO_PCI_COMMON_GF);
	writel(1, vdev->common + VIRTIO_PCI_COMMON_GFSELECT);
	writel(*f >> 32, vdev->common + VIRTIO_PCI_COMMON_GF);
	/* 3.1.1 steps 5-6: set FEATURES_OK and check the device kept it. */
	vp_modern_set_status(vdev, vp_modern_get_status(vdev) | VIRTIO_STATUS_FEATURES_OK);
	if (!(vp_modern_get_status(vdev) & VIRTIO_STATUS_FEATURES_OK))
		return -ENODEV;
	return 0;
}

static uint16_t vp_modern_config_read(struct virtio_device *vdev, unsigned off, unsigned size)
{
	return size == 1 ? readb(vdev->devcfg + off) : readw(vdev->devcfg + off);
}

static void vp_modern_set_config_vector(struct virtio_device *vdev, uint16_t v)
{
	writew(v, vdev->common + VIRTIO_PCI_COMMON_MSIX);
}

static uint16_t vp_modern_queue_size(struct virtio_device *vdev, uint16_t index, uint16_t max_num)
{
	volatile uint8_t *c = vdev->common;
	uint16_t num;

	writew(index, c + VIRTIO_PCI_COMMON_Q_SELECT);
	num = readw(c + VIRTIO_PCI_COMMON_Q_SIZE);
	if (num == 0 || readw(c + VIRTIO_PCI_COMMON_Q_ENABLE))
		return 0;
	/* 4.1.4.3.2: the driver may shrink the queue; split rings are powers of two. */
	while (num > max_num)
		num >>= 1;
	return num;
}

/* 4.1.4.4: the doorbell is a 16-bit write of the queue index. */
static void vp_modern_notify(struct virtqueue *vq)
{
	writew(vq->index, (volatile uint16_t *)vq->notify_priv);
}

static void vp_modern_write64(volatile uint8_t *lo, uint64_t v)
{
	writel((uint32_t)v, lo);
	writel(v >> 32, lo + 4);
}

static int vp_modern_activate_vq(struct virtio_device *vdev, struct virtqueue *vq)
{
	volatile uint8_t *c = vdev->common;

	writew(vq->num, c + VIRTIO_PCI_COMMON_Q_SIZE);
	vp_modern_write64(c + VIRTIO_PCI_COMMON_Q_DESCLO, virt_to_phys(vq->desc));
	vp_modern_write64(c + VIRTIO_PCI_COMMON_Q_AVAILLO, virt_to_phys(vq->avail));
	vp_modern_write64(c + VIRTIO_PCI_COMMON_Q_USEDLO, virt_to_phys(vq->used));
	if (vdev->msix) {
		/* 4.1.5.1.2.1: read back; NO_VECTOR means the device refused. */
		writew(VIRTIO_MSIX_QUEUES, c + VIRTIO_PCI_COMMON_Q_MSIX);
		if (readw(c + VIRTIO_PCI_COMMON_Q_MSIX) == VIRTIO_MSI_NO_VECTOR)
			return -EBUSY;
	}
	/* 4.1.4.4: notify address = base + queue_notify_off * multiplier */
	vq->notify_priv =
		(void *)(vdev->notify_base + (uint32_t)readw(c + VIRTIO_PCI_COMMON_Q_NOFF) *
						     vdev->notify_off_multiplier);
	vq->notify = vp_modern_notify;
	writew(1, c + VIRTIO_PCI_COMMON_Q_ENABLE);
	return 0;
}

const struct virtio_pci_ops virtio_pci_modern_ops = {
	.name = "modern",
	.get_status = vp_modern_get_status,
	.set_status = vp_modern_set_status,
	.read_isr = vp_modern_read_isr,
	.get_features = vp_modern_get_features,
	.finalize_features = vp_modern_finalize_features,
	.config_read = vp_modern_config_read,
	.set_config_vector = vp_modern_set_config_vector,
	.queue_size = vp_modern_queue_size,
	.activate_vq = vp_modern_activate_vq,
};
