/*
 * Split virtqueues (Virtio 1.2, 2.7; see drivers/virtio_ring.h).  Section
 * numbers below are from Virtio 1.2 (cs01); 1.1 numbers them the same.
 */
#include <errno.h>
#include <string.h>

#include "drivers/virtio_ring.h"
#include "kernel/io.h"
#include "kernel/mm.h"
#include "kernel/printk.h"

/* 2.7.2: descriptors, then the available ring (flags, idx, ring, used_event),
 * then, aligned, the used ring (flags, idx, ring, avail_event). */
static size_t vring_used_offset(uint16_t num)
{
	size_t avail_end = sizeof(struct vring_desc) * num + 2 * 3 + 2 * (size_t)num;

	return (avail_end + VRING_ALIGN - 1) & ~(size_t)(VRING_ALIGN - 1);
}

size_t vring_size(uint16_t num)
{
	return vring_used_offset(num) + 2 * 3 + sizeof(struct vring_used_elem) * num;
}

/* 2.7.7: the driver's used_event lives after the available ring ... */
static volatile uint16_t *vring_used_event(struct virtqueue *vq)
{
	return &vq->avail->ring[vq->num];
}

/* ... and the device's avail_event after the used ring. */
static volatile uint16_t *vring_avail_event(struct virtqueue *vq)
{
	return (volatile uint16_t *)&vq->used->ring[vq->num];
}

int vring_create_virtqueue(struct virtqueue *vq, uint16_t num, int event)
{
	size_t size = vring_size(num);
	unsigned order = 0;

	/* 2.7: the queue size is a power of two, at most 32768. */
	if (num == 0 || (num & (num - 1)) || num > 32768)
		return -EINVAL;
	while (((size_t)PAGE_SIZE << order) < size)
		order++;
	vq->mem = page_alloc(order); /* zeroed: flags and indices start at 0 */
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
	vq->event = event;
	vq->desc = vq->mem;
	vq->avail = (struct vring_avail *)((uint8_t *)vq->mem + sizeof(struct vring_desc) * num);
	vq->used = (struct vring_used *)((uint8_t *)vq->mem + vring_used_offset(num));
	for (uint16_t i = 0; i + 1 < num; i++)
		vq->desc[i].next = i + 1;
	vq->free_head = 0;
	vq->num_free = num;
	vq->num_added = 0;
	vq->last_used_idx = 0;
	return 0;
}

void vring_del_virtqueue(struct virtqueue *vq)
{
	if (!vq->mem)
		return;
	page_free(vq->mem, vq->mem_order);
	kfree(vq->token);
	vq->mem = NULL;
	vq->token = NULL;
}

int virtqueue_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned out, unsigned in,
		  void *token)
{
	unsigned n = out + in;
	uint16_t head, i, last = 0;
	volatile uint16_t *avail_idx = &vq->avail->idx;
	uint16_t idx;

	if (n == 0 || !token)
		return -EINVAL; /* a NULL token would mark the chain free */
	if (n > vq->num_free)
		return -ENOSPC;
	/* 2.7.13.1: the chain, readable elements before writable ones. */
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

	/* 2.7.13.2-2.7.13.3: the ring entry, then (after a barrier) the index,
	 * which runs freely and wraps at 2^16, while the entry is idx mod num. */
	idx = *avail_idx;
	vq->avail->ring[idx & (vq->num - 1)] = head;
	wmb();
	*avail_idx = idx + 1;
	vq->num_added++;
	return 0;
}

int virtqueue_kick_prepare(struct virtqueue *vq)
{
	uint16_t new_idx = vq->avail->idx, old = new_idx - vq->num_added;

	/* 2.7.13.4: the new index must be visible before we read the device's
	 * suppression state, or both sides could wait for each other. */
	mb();
	vq->num_added = 0;
	if (vq->event)
		return vring_need_event(*vring_avail_event(vq), new_idx, old);
	return !(((volatile struct vring_used *)vq->used)->flags & VRING_USED_F_NO_NOTIFY);
}

void virtqueue_notify(struct virtqueue *vq)
{
	vq->notify(vq);
}

void virtqueue_kick(struct virtqueue *vq)
{
	if (virtqueue_kick_prepare(vq))
		virtqueue_notify(vq);
}

int virtqueue_has_used(const struct virtqueue *vq)
{
	return vq->last_used_idx != ((volatile struct vring_used *)vq->used)->idx;
}

void *virtqueue_get_buf(struct virtqueue *vq, uint32_t *len)
{
	struct vring_used_elem e;
	uint16_t i, n;
	void *token;

	while (virtqueue_has_used(vq)) {
		rmb(); /* 2.7.14: read the entry only after seeing the index move */
		e = vq->used->ring[vq->last_used_idx & (vq->num - 1)];
		vq->last_used_idx++;
		if (e.id >= vq->num || !vq->token[e.id]) {
			printk("virtio: queue %u: bogus used id %u\n", vq->index, e.id);
			continue;
		}
		token = vq->token[e.id];
		vq->token[e.id] = NULL;
		/* The whole chain goes back on the free list. */
		n = 1;
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

/*
 * Without EVENT_IDX the flag asks for silence (2.7.7).  With it the device
 * ignores the flag and interrupts once when its used index passes
 * used_event; left where it is, used_event falls behind and no further
 * interrupt comes, which is the suppression we want.
 */
void virtqueue_disable_cb(struct virtqueue *vq)
{
	((volatile struct vring_avail *)vq->avail)->flags |= VRING_AVAIL_F_NO_INTERRUPT;
}

int virtqueue_enable_cb(struct virtqueue *vq)
{
	((volatile struct vring_avail *)vq->avail)->flags &= ~VRING_AVAIL_F_NO_INTERRUPT;
	/* 2.7.7: interrupt for the next used entry after those we consumed. */
	if (vq->event)
		*vring_used_event(vq) = vq->last_used_idx;
	/* The request must be visible before we look at the used index again. */
	mb();
	return virtqueue_has_used(vq);
}

int virtqueue_enable_cb_delayed(struct virtqueue *vq)
{
	uint16_t outstanding = vq->avail->idx - vq->last_used_idx;

	if (!vq->event)
		return virtqueue_enable_cb(vq);
	((volatile struct vring_avail *)vq->avail)->flags &= ~VRING_AVAIL_F_NO_INTERRUPT;
	*vring_used_event(vq) = vq->last_used_idx + outstanding * 3 / 4;
	mb();
	/* As Linux: report only completions past the point we asked for. */
	return (uint16_t)(((volatile struct vring_used *)vq->used)->idx - vq->last_used_idx) >
	       (uint16_t)(outstanding * 3 / 4);
}
