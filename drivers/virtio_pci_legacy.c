/*
 * The legacy virtio PCI transport: a fixed register layout in I/O BAR 0
 * ("Legacy Interfaces: A Note on PCI Device Layout", Virtio 1.1 4.1.4.8),
 * 32 feature bits, queues of a size the device fixes.
 */
#include <errno.h>

#include "drivers/virtio_pci.h"
#include "kernel/io.h"
#include "kernel/mm.h"

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
#define VIRTIO_PCI_LEGACY_QUEUE_ADDR_SHIFT 12 /* the PFN is in 4096-byte units */

int virtio_pci_legacy_probe(struct virtio_device *vdev)
{
	struct pci_dev *p = vdev->pdev;

	if (!p->bar_is_io[0] || !p->bar_size[0])
		return -ENODEV;
	vdev->io = p->bar[0];
	return 0;
}

static uint8_t vp_legacy_get_status(struct virtio_device *vdev)
{
	return inb(vdev->io + VIRTIO_PCI_LEGACY_STATUS);
}

static void vp_legacy_set_status(struct virtio_device *vdev, uint8_t status)
{
	outb(vdev->io + VIRTIO_PCI_LEGACY_STATUS, status);
}

static uint8_t vp_legacy_read_isr(struct virtio_device *vdev)
{
	return inb(vdev->io + VIRTIO_PCI_LEGACY_ISR);
}

static uint64_t vp_legacy_get_features(struct virtio_device *vdev)
{
	return inl(vdev->io + VIRTIO_PCI_LEGACY_HOST_FEATURES);
}

/* 32 feature bits, and no FEATURES_OK step (3.1.2). */
static int vp_legacy_finalize_features(struct virtio_device *vdev, uint64_t *f)
{
	*f &= 0xFFFFFFFFu;
	outl(vdev->io + VIRTIO_PCI_LEGACY_GUEST_FEATURES, (uint32_t)*f);
	return 0;
}

/* The device configuration follows the MSI-X vector registers when MSI-X is on. */
static uint16_t vp_legacy_config_read(struct virtio_device *vdev, unsigned off, unsigned size)
{
	uint16_t port = vdev->io + VIRTIO_PCI_LEGACY_CONFIG(vdev->msix) + off;

	return size == 1 ? inb(port) : inw(port);
}

static void vp_legacy_set_config_vector(struct virtio_device *vdev, uint16_t v)
{
	outw(vdev->io + VIRTIO_MSI_LEGACY_CONFIG_VECTOR, v);
}

/* A legacy device's queue size is fixed; the driver cannot shrink it. */
static uint16_t vp_legacy_queue_size(struct virtio_device *vdev, uint16_t index, uint16_t max_num)
{
	uint16_t num;

	(void)max_num;
	outw(vdev->io + VIRTIO_PCI_LEGACY_QUEUE_SEL, index);
	num = inw(vdev->io + VIRTIO_PCI_LEGACY_QUEUE_NUM);
	if (inl(vdev->io + VIRTIO_PCI_LEGACY_QUEUE_PFN))
		return 0; /* already in use */
	return num;
}

static void vp_legacy_notify(struct virtqueue *vq)
{
	outw(vq->vdev->io + VIRTIO_PCI_LEGACY_QUEUE_NOTIFY, vq->index);
}

static int vp_legacy_activate_vq(struct virtio_device *vdev, struct virtqueue *vq)
{
	if (vdev->msix) {
		outw(vdev->io + VIRTIO_MSI_LEGACY_QUEUE_VECTOR, VIRTIO_MSIX_QUEUES);
		if (inw(vdev->io + VIRTIO_MSI_LEGACY_QUEUE_VECTOR) == VIRTIO_MSI_NO_VECTOR)
			return -EBUSY;
	}
	/* One contiguous, page-aligned block, given by its page frame number. */
	outl(vdev->io + VIRTIO_PCI_LEGACY_QUEUE_PFN,
	     virt_to_phys(vq->mem) >> VIRTIO_PCI_LEGACY_QUEUE_ADDR_SHIFT);
	vq->notify = vp_legacy_notify;
	return 0;
}

const struct virtio_pci_ops virtio_pci_legacy_ops = {
	.name = "legacy",
	.get_status = vp_legacy_get_status,
	.set_status = vp_legacy_set_status,
	.read_isr = vp_legacy_read_isr,
	.get_features = vp_legacy_get_features,
	.finalize_features = vp_legacy_finalize_features,
	.config_read = vp_legacy_config_read,
	.set_config_vector = vp_legacy_set_config_vector,
	.queue_size = vp_legacy_queue_size,
	.activate_vq = vp_legacy_activate_vq,
};
