/*
 * Virtio devices on PCI (Virtio 1.2, 4.1), as a device driver (virtio_net.c)
 * sees them: find the transport, negotiate features, request interrupts,
 * set up queues (drivers/virtio_ring.h), then post buffers with
 * virtqueue_add and collect them with virtqueue_get_buf.
 *
 * Two transports sit behind one small operations table
 * (drivers/virtio_pci.h): the modern one found through vendor-specific
 * capabilities (4.1.4), and the legacy I/O-port one (4.1.4.10) as fallback.
 */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <stdint.h>
#include "drivers/pci.h"
#include "drivers/virtio_ring.h"

/* Device status bits (2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER	  2
#define VIRTIO_STATUS_DRIVER_OK	  4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED	  128

/* Device-independent feature bits (6) */
#define VIRTIO_F_ANY_LAYOUT 27 /* legacy only: header need not be its own descriptor */
#define VIRTIO_F_VERSION_1  32

#define VIRTIO_PCI_VENDOR 0x1AF4

struct virtio_pci_ops;

struct virtio_device {
	struct pci_dev *pdev;
	const struct virtio_pci_ops *ops; /* the transport: modern or legacy */
	/* modern transport: structures inside memory BARs */
	volatile uint8_t *common;
	volatile uint8_t *isr;
	volatile uint8_t *devcfg;
	volatile uint8_t *notify_base;
	uint32_t notify_off_multiplier;
	/* legacy transport: an I/O BAR */
	uint16_t io;
	int msix;	       /* MSI-X on (moves the legacy device config) */
	void (*vq_fn)(void *); /* interrupt handlers (virtio_request_irq) */
	void (*config_fn)(void *);
	void *irq_arg;
	uint64_t features; /* negotiated */
};

/* Finds the transport (modern if the capabilities are there), resets the
 * device and sets ACKNOWLEDGE|DRIVER.  0 or -errno. */
int virtio_pci_init(struct virtio_device *vdev, struct pci_dev *pdev);
/* "modern" or "legacy" */
const char *virtio_transport_name(const struct virtio_device *vdev);
uint64_t virtio_device_features(struct virtio_device *vdev);
/* Accepts `wanted & offered` (as many bits as the transport has; VERSION_1
 * required on modern); 0 or -errno. */
int virtio_negotiate(struct virtio_device *vdev, uint64_t wanted);
static inline int virtio_has_feature(const struct virtio_device *vdev, unsigned bit)
{
	return (vdev->features >> bit) & 1;
}
/*
 * Interrupts.  With MSI-X, table entry 0 calls vq_fn for every queue and
 * entry 1 calls config_fn on a configuration change; otherwise the legacy
 * INTx line is used and the ISR status (4.1.4.5) tells which to call.
 * Call before virtio_setup_vq.  0 or -errno.
 */
int virtio_request_irq(struct virtio_device *vdev, void (*vq_fn)(void *), void (*config_fn)(void *),
		       void *arg, const char *name);
/* Allocates and registers queue `index` with at most max_num entries. */
int virtio_setup_vq(struct virtio_device *vdev, struct virtqueue *vq, uint16_t index,
		    uint16_t max_num);
void virtio_driver_ok(struct virtio_device *vdev);
/* Resets the device (it stops using its queues) and sets FAILED. */
void virtio_fail(struct virtio_device *vdev);
/* Frees a queue's memory; only after virtio_fail (the device is reset). */
void virtio_del_vq(struct virtqueue *vq);
uint8_t virtio_cfg_read8(struct virtio_device *vdev, unsigned off);
uint16_t virtio_cfg_read16(struct virtio_device *vdev, unsigned off);
/*
 * Makes this CPU's earlier writes to the rings visible to the device, and
 * the device's to us, where a memory fence alone may not: a read of the
 * device status register, which QEMU serves under the lock its device
 * emulation holds (see virtnet_irq_enable).
 */
void virtio_fence(struct virtio_device *vdev);

#endif
