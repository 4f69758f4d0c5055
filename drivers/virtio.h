/*
 * Virtio over PCI (Virtio 1.0, OASIS cs04): the modern transport found
 * through vendor-specific capabilities (4.1.4), with the legacy I/O-port
 * transport (4.1.4.8) as fallback, and split virtqueues (2.4).  Device
 * drivers (virtio_net.c) negotiate features, set up their queues, then post
 * buffers with virtqueue_add and collect them with virtqueue_get_buf.
 *
 * Memory is identity mapped, so a buffer's address is its DMA address.
 * One CPU: a queue is used by one context at a time (the driver's
 * transmit path and its NAPI poll, both with bottom halves off).
 */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <stdint.h>
#include "drivers/pci.h"

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

/* Split virtqueue layout (2.4.2-2.4.8) */
struct vring_desc {
	uint64_t addr; /* guest-physical buffer address */
	uint32_t len;
	uint16_t flags; /* VRING_DESC_F_* */
	uint16_t next;	/* chained descriptor when F_NEXT */
};
#define VRING_DESC_F_NEXT  1
#define VRING_DESC_F_WRITE 2 /* device writes (receive buffer) */

struct vring_avail {
	uint16_t flags; /* VRING_AVAIL_F_NO_INTERRUPT */
	uint16_t idx;	/* where the driver puts the next entry */
	uint16_t ring[];
};
#define VRING_AVAIL_F_NO_INTERRUPT 1

struct vring_used_elem {
	uint32_t id;  /* head descriptor of the chain */
	uint32_t len; /* bytes the device wrote */
};

struct vring_used {
	uint16_t flags; /* VRING_USED_F_NO_NOTIFY */
	uint16_t idx;
	struct vring_used_elem ring[];
};
#define VRING_USED_F_NO_NOTIFY 1

struct virtio_device;

struct virtqueue {
	struct virtio_device *vdev;
	uint16_t index; /* queue number within the device */
	uint16_t num;	/* ring size, a power of two */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t free_head; /* free descriptors are chained through .next */
	uint16_t num_free;
	uint16_t last_used_idx;	   /* next used entry we have not consumed */
	void **token;		   /* per head descriptor: the caller's cookie */
	volatile uint16_t *notify; /* modern: this queue's notify address */
	void *mem;		   /* the ring memory (page_alloc) */
	unsigned mem_order;
};

struct virtio_device {
	struct pci_dev *pdev;
	int modern;
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

/* One element of a buffer: out (device reads) or in (device writes). */
struct vq_buf {
	void *addr;
	uint32_t len;
};

/* Finds the transport (modern if the capabilities are there), resets the
 * device and sets ACKNOWLEDGE|DRIVER.  0 or -errno. */
int virtio_pci_init(struct virtio_device *vdev, struct pci_dev *pdev);
uint64_t virtio_device_features(struct virtio_device *vdev);
/* Accepts `wanted & offered` (VERSION_1 required on modern); 0 or -errno. */
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

/* Posts out+in elements as one chain; -ENOSPC when the ring is full. */
int virtqueue_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned out, unsigned in,
		  void *token);
void virtqueue_kick(struct virtqueue *vq);
/* The next completed chain's token and written length, or NULL. */
void *virtqueue_get_buf(struct virtqueue *vq, uint32_t *len);
/* After a reset: takes back a posted buffer the device never used, or NULL. */
void *virtqueue_detach_unused_buf(struct virtqueue *vq);
int virtqueue_has_used(struct virtqueue *vq);
void virtqueue_disable_cb(struct virtqueue *vq);
/* Re-enables interrupts; returns 1 if buffers completed meanwhile. */
int virtqueue_enable_cb(struct virtqueue *vq);

#endif
