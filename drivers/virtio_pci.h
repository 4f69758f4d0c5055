/*
 * The virtio PCI transports' common contract (Virtio 1.2, 4.1): what
 * virtio_pci.c asks of a transport, implemented once for the modern
 * register layout (virtio_pci_modern.c) and once for the legacy one
 * (virtio_pci_legacy.c).  Only the transport files include this.
 */
#ifndef DRIVERS_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_PCI_H

#include "drivers/virtio.h"

#define VIRTIO_MSI_NO_VECTOR 0xFFFF
#define VIRTIO_MSIX_QUEUES   0 /* our MSI-X table entries */
#define VIRTIO_MSIX_CONFIG   1

struct virtio_pci_ops {
	const char *name;
	uint8_t (*get_status)(struct virtio_device *vdev);
	void (*set_status)(struct virtio_device *vdev, uint8_t status);
	/* Reading the ISR status also clears it and deasserts INTx (4.1.4.5). */
	uint8_t (*read_isr)(struct virtio_device *vdev);
	uint64_t (*get_features)(struct virtio_device *vdev);
	/* Writes the driver's features (3.1.1 step 4), trimmed to what the
	 * transport can carry, and completes negotiation; 0 or -errno. */
	int (*finalize_features)(struct virtio_device *vdev, uint64_t *features);
	/* Device-specific configuration, `size` (1 or 2) bytes at off. */
	uint16_t (*config_read)(struct virtio_device *vdev, unsigned off, unsigned size);
	void (*set_config_vector)(struct virtio_device *vdev, uint16_t vector);
	/* Selects queue index; its size (at most max_num), or 0 if absent or in use. */
	uint16_t (*queue_size)(struct virtio_device *vdev, uint16_t index, uint16_t max_num);
	/* Tells the device where the selected queue's rings are, assigns its
	 * MSI-X vector and sets vq->notify; 0 or -errno. */
	int (*activate_vq)(struct virtio_device *vdev, struct virtqueue *vq);
};

extern const struct virtio_pci_ops virtio_pci_modern_ops, virtio_pci_legacy_ops;

/* Map the transport's registers; -ENODEV if the device does not have it. */
int virtio_pci_modern_probe(struct virtio_device *vdev);
int virtio_pci_legacy_probe(struct virtio_device *vdev);

#endif
