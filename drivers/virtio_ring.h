/*
 * Split virtqueues (Virtio 1.2, 2.7): the descriptor table, the available
 * ring the driver fills and the used ring the device fills, all in one
 * block of guest memory.  This code touches no device register: the
 * transport that registered the queue (virtio_pci.c) rings the doorbell
 * through vq->notify.
 *
 * Memory is identity mapped, so a buffer's address is its DMA address.
 * One CPU: a queue is used by one context at a time (the driver's
 * transmit path and its NAPI poll, both with bottom halves off).
 */
#ifndef DRIVERS_VIRTIO_RING_H
#define DRIVERS_VIRTIO_RING_H

#include <stddef.h>
#include <stdint.h>

/* Ring feature bits (Virtio 1.2, 6) */
#define VIRTIO_RING_F_EVENT_IDX 29 /* used_event / avail_event (2.7.7, 2.7.10) */

/* The descriptor table (2.7.5) */
struct vring_desc {
	uint64_t addr; /* guest-physical buffer address */
	uint32_t len;
	uint16_t flags; /* VRING_DESC_F_* */
	uint16_t next;	/* chained descriptor when F_NEXT */
};
#define VRING_DESC_F_NEXT  1
#define VRING_DESC_F_WRITE 2 /* device writes (receive buffer) */

/* The available ring (2.7.6); used_event follows ring[num] (2.7.7). */
struct vring_avail {
	uint16_t flags; /* VRING_AVAIL_F_NO_INTERRUPT */
	uint16_t idx;	/* where the driver puts the next entry */
	uint16_t ring[];
};
#define VRING_AVAIL_F_NO_INTERRUPT 1

/* The used ring (2.7.8); avail_event follows ring[num] (2.7.10). */
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

/* The legacy interface wants the used ring on a 4096-byte boundary (2.7.2);
 * the modern alignment rules (2.7, table) are weaker, so one layout fits both. */
#define VRING_ALIGN 4096

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
	uint16_t num_added;	/* chains made available since the last kick */
	uint16_t last_used_idx; /* next used entry we have not consumed */
	int event;		/* VIRTIO_RING_F_EVENT_IDX negotiated */
	void **token;		/* per head descriptor: the caller's cookie */
	/* The transport's doorbell (2.7.13.3) and what it needs to ring it. */
	void (*notify)(struct virtqueue *vq);
	void *notify_priv;
	void *mem; /* the ring memory (page_alloc) */
	unsigned mem_order;
};

/* One element of a buffer: out (device reads) or in (device writes). */
struct vq_buf {
	void *addr;
	uint32_t len;
};

/* Bytes of ring memory for num entries, event-index fields included. */
size_t vring_size(uint16_t num);
/* Allocates zeroed ring memory for num (a power of two) entries and lays the
 * three parts out; event says whether VIRTIO_RING_F_EVENT_IDX was negotiated. */
int vring_create_virtqueue(struct virtqueue *vq, uint16_t num, int event);
/* Frees the ring memory; only once the device no longer uses it. */
void vring_del_virtqueue(struct virtqueue *vq);

/* Posts out+in elements as one chain; -ENOSPC when the ring is full. */
int virtqueue_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned out, unsigned in,
		  void *token);
/* Whether the device wants a notification for what was added since the last
 * one (2.7.10 avail_event, or VRING_USED_F_NO_NOTIFY without EVENT_IDX). */
int virtqueue_kick_prepare(struct virtqueue *vq);
void virtqueue_notify(struct virtqueue *vq);
/* kick_prepare, then notify if needed: call once per batch of adds. */
void virtqueue_kick(struct virtqueue *vq);
/* The next completed chain's token and written length, or NULL. */
void *virtqueue_get_buf(struct virtqueue *vq, uint32_t *len);
/* After a reset: takes back a posted buffer the device never used, or NULL. */
void *virtqueue_detach_unused_buf(struct virtqueue *vq);
int virtqueue_has_used(const struct virtqueue *vq);
/* Asks the device not to interrupt (a hint: an interrupt may still come). */
void virtqueue_disable_cb(struct virtqueue *vq);
/* Re-enables interrupts; returns 1 if buffers completed meanwhile. */
int virtqueue_enable_cb(struct virtqueue *vq);
/* The same, but with EVENT_IDX the interrupt comes only once about three
 * quarters of the buffers now outstanding are used (for transmit queues,
 * where completions only free memory). */
int virtqueue_enable_cb_delayed(struct virtqueue *vq);

/*
 * 2.7.7, 2.7.10: with EVENT_IDX the other side wants a notification when its index
 * moves past event_idx, i.e. when event_idx lies in [old, new_idx), in the
 * 16-bit arithmetic of the ring indices.
 */
static inline int vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

#endif
