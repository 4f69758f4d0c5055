/*
 * drivers/virtio_ring.c on the host: the test plays the device, reading the
 * available ring and writing the used ring the way Virtio 1.2, 2.7 says a
 * device does.  The kernel's page allocator and kmalloc are stood in for
 * by aligned host allocations that the test counts; virt_to_phys is the
 * identity there too.  Covered: ring layout, descriptor chains, free-list
 * reuse, the 16-bit index wrap, used-ring processing (bogus ids included),
 * and both ways of suppressing notifications and interrupts.
 */
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/virtio_ring.h"
#include "kernel/mm.h"
#include "kernel/printk.h"

/* ---- host shim: what virtio_ring.c takes from the kernel ---- */

static long allocations;
static int bogus_reports;

void *page_alloc(unsigned order)
{
	size_t size = PAGE_SIZE << order;
	void *p = aligned_alloc(PAGE_SIZE, size);

	if (p) {
		memset(p, 0, size);
		allocations++;
	}
	return p;
}

void page_free(void *p, unsigned order)
{
	(void)order;
	allocations--;
	free(p);
}

void *kzalloc(size_t size)
{
	void *p = calloc(1, size);

	if (p)
		allocations++;
	return p;
}

void kfree(void *p)
{
	if (p)
		allocations--;
	free(p);
}

int printk(const char *fmt, ...)
{
	if (strstr(fmt, "bogus used id"))
		bogus_reports++;
	return 0;
}

/* ---- the device's side ---- */

static int notified;

static void count_notify(struct virtqueue *vq)
{
	(void)vq;
	notified++;
}

static uint16_t dev_last_avail; /* the device's view: next available entry to take */

static uint16_t *avail_event(struct virtqueue *vq) { return (uint16_t *)&vq->used->ring[vq->num]; }

static uint16_t used_event(struct virtqueue *vq) { return vq->avail->ring[vq->num]; }

/* Takes the next available chain, or -1. */
static int dev_take(struct virtqueue *vq)
{
	if (dev_last_avail == vq->avail->idx)
		return -1;
	return vq->avail->ring[dev_last_avail++ & (vq->num - 1)];
}

/* Returns chain `head` as used, `len` bytes written. */
static void dev_use(struct virtqueue *vq, uint32_t head, uint32_t len)
{
	struct vring_used_elem *e = &vq->used->ring[vq->used->idx & (vq->num - 1)];

	e->id = head;
	e->len = len;
	vq->used->idx++;
}

static struct virtqueue vq;

static int setup_vq(uint16_t num, int event)
{
	memset(&vq, 0, sizeof(vq));
	dev_last_avail = 0;
	notified = 0;
	bogus_reports = 0;
	if (vring_create_virtqueue(&vq, num, event))
		return -1;
	vq.notify = count_notify;
	return 0;
}

static int setup_plain(void **state)
{
	(void)state;
	return setup_vq(8, 0);
}

static int setup_event(void **state)
{
	(void)state;
	return setup_vq(8, 1);
}

static int teardown(void **state)
{
	(void)state;
	vring_del_virtqueue(&vq);
	assert_int_equal(allocations, 0);
	return 0;
}

static char buf[8][64];

/* ---- layout ---- */

static void test_layout_matches_legacy_formula(void **state)
{
	(void)state;
	/* 2.7.2: desc 16*num, avail 6+2*num, padding to 4096, used 6+8*num */
	assert_int_equal(vring_size(256), 8192 + 6 + 8 * 256);
	assert_int_equal(vring_size(8), 4096 + 6 + 8 * 8);
	assert_ptr_equal((uint8_t *)vq.avail, (uint8_t *)vq.desc + 16 * 8);
	assert_ptr_equal((uint8_t *)vq.used, (uint8_t *)vq.desc + 4096);
	assert_int_equal(vq.num_free, 8);
}

static void test_size_must_be_power_of_two(void **state)
{
	struct virtqueue bad;

	(void)state;
	memset(&bad, 0, sizeof(bad));
	assert_int_equal(vring_create_virtqueue(&bad, 6, 0), -EINVAL);
	assert_int_equal(vring_create_virtqueue(&bad, 0, 0), -EINVAL);
	assert_null(bad.mem);
}

/* ---- descriptor chains ---- */

static void test_chain_out_then_in(void **state)
{
	struct vq_buf b[3] = {{buf[0], 10}, {buf[1], 20}, {buf[2], 64}};
	int head, i;

	(void)state;
	assert_int_equal(virtqueue_add(&vq, b, 2, 1, buf), 0);
	assert_int_equal(vq.num_free, 5);
	assert_int_equal(vq.avail->idx, 1);
	head = dev_take(&vq);
	assert_int_equal(head, 0);
	/* 2.7.5: readable elements first, each but the last with NEXT */
	i = head;
	assert_int_equal(vq.desc[i].addr, (uintptr_t)buf[0]);
	assert_int_equal(vq.desc[i].len, 10);
	assert_int_equal(vq.desc[i].flags, VRING_DESC_F_NEXT);
	i = vq.desc[i].next;
	assert_int_equal(vq.desc[i].addr, (uintptr_t)buf[1]);
	assert_int_equal(vq.desc[i].flags, VRING_DESC_F_NEXT);
	i = vq.desc[i].next;
	assert_int_equal(vq.desc[i].addr, (uintptr_t)buf[2]);
	assert_int_equal(vq.desc[i].len, 64);
	assert_int_equal(vq.desc[i].flags, VRING_DESC_F_WRITE);
}

static void test_full_ring_and_bad_adds(void **state)
{
	struct vq_buf b[9];

	(void)state;
	for (int i = 0; i < 9; i++)
		b[i] = (struct vq_buf){buf[i % 8], 8};
	assert_int_equal(virtqueue_add(&vq, b, 9, 0, buf), -ENOSPC);
	assert_int_equal(virtqueue_add(&vq, b, 0, 0, buf), -EINVAL);
	assert_int_equal(virtqueue_add(&vq, b, 1, 0, NULL), -EINVAL);
	assert_int_equal(virtqueue_add(&vq, b, 5, 3, buf), 0);
	assert_int_equal(vq.num_free, 0);
	assert_int_equal(virtqueue_add(&vq, b, 1, 0, buf[1]), -ENOSPC);
	assert_int_equal(vq.avail->idx, 1);
}

/* ---- used-ring processing ---- */

static void test_used_returns_token_len_and_frees_chain(void **state)
{
	struct vq_buf b[2] = {{buf[0], 12}, {buf[1], 1500}};
	uint32_t len = 0;
	int h1, h2;

	(void)state;
	assert_null(virtqueue_get_buf(&vq, &len));
	assert_int_equal(virtqueue_add(&vq, b, 0, 2, buf[0]), 0);
	assert_int_equal(virtqueue_add(&vq, b, 1, 0, buf[1]), 0);
	h1 = dev_take(&vq);
	h2 = dev_take(&vq);
	assert_false(virtqueue_has_used(&vq));
	/* out of order, as a device may complete them (2.7.8) */
	dev_use(&vq, h2, 0);
	dev_use(&vq, h1, 777);
	assert_true(virtqueue_has_used(&vq));
	assert_ptr_equal(virtqueue_get_buf(&vq, &len), buf[1]);
	assert_int_equal(len, 0);
	assert_ptr_equal(virtqueue_get_buf(&vq, &len), buf[0]);
	assert_int_equal(len, 777);
	assert_null(virtqueue_get_buf(&vq, &len));
	assert_int_equal(vq.num_free, 8);
	/* every descriptor is reachable again: eight one-element chains fit */
	for (int i = 0; i < 8; i++)
		assert_int_equal(virtqueue_add(&vq, b, 1, 0, buf[i]), 0);
	assert_int_equal(vq.num_free, 0);
}

static void test_bogus_used_ids_are_skipped(void **state)
{
	struct vq_buf b = {buf[0], 64};
	uint32_t len;
	int head;

	(void)state;
	assert_int_equal(virtqueue_add(&vq, &b, 0, 1, buf[0]), 0);
	head = dev_take(&vq);
	dev_use(&vq, 99, 1);	   /* out of range */
	dev_use(&vq, head + 1, 1); /* a descriptor that heads no chain */
	dev_use(&vq, head, 64);
	dev_use(&vq, head, 64); /* the same chain twice */
	assert_ptr_equal(virtqueue_get_buf(&vq, &len), buf[0]);
	assert_int_equal(len, 64);
	assert_null(virtqueue_get_buf(&vq, &len));
	assert_int_equal(bogus_reports, 3);
	assert_int_equal(vq.num_free, 8);
}

static void test_detach_unused_returns_each_token_once(void **state)
{
	struct vq_buf b = {buf[0], 64};
	int seen = 0;
	void *t;

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(virtqueue_add(&vq, &b, 0, 1, buf[i]), 0);
	while ((t = virtqueue_detach_unused_buf(&vq))) {
		assert_true(t == buf[0] || t == buf[1] || t == buf[2]);
		seen++;
	}
	assert_int_equal(seen, 3);
}

/* ---- index wrap ---- */

static void test_indices_wrap_at_65536(void **state)
{
	struct vq_buf b[2] = {{buf[0], 10}, {buf[1], 20}};
	uint32_t len;

	(void)state;
	/* a queue that has been running for a while: both indices near 2^16 */
	vq.avail->idx = vq.used->idx = vq.last_used_idx = dev_last_avail = 65530;
	for (unsigned round = 0; round < 20; round++) {
		uint16_t idx = vq.avail->idx, first = vq.free_head;
		int head;

		assert_int_equal(virtqueue_add(&vq, b, 1, 1, buf[round % 8]), 0);
		assert_int_equal(vq.avail->idx, (uint16_t)(idx + 1));
		/* 2.7.6: the chain's head goes in entry idx mod the queue size */
		assert_int_equal(vq.avail->ring[idx % 8], first);
		head = dev_take(&vq);
		assert_true(head >= 0);
		dev_use(&vq, head, round);
		assert_ptr_equal(virtqueue_get_buf(&vq, &len), buf[round % 8]);
		assert_int_equal(len, round);
	}
	assert_int_equal(vq.avail->idx, (uint16_t)(65530 + 20));
	assert_int_equal(vq.last_used_idx, 14);
	assert_int_equal(vq.num_free, 8);
}

static void test_full_ring_across_wrap(void **state)
{
	struct vq_buf b = {buf[0], 64};
	uint32_t len;

	(void)state;
	vq.avail->idx = vq.used->idx = vq.last_used_idx = dev_last_avail = 65532;
	for (int i = 0; i < 8; i++)
		assert_int_equal(virtqueue_add(&vq, &b, 0, 1, buf[i]), 0);
	for (int i = 0; i < 8; i++)
		dev_use(&vq, dev_take(&vq), 100 + i);
	assert_int_equal(vq.used->idx, 4);
	for (int i = 0; i < 8; i++) {
		assert_ptr_equal(virtqueue_get_buf(&vq, &len), buf[i]);
		assert_int_equal(len, 100 + i);
	}
	assert_false(virtqueue_has_used(&vq));
}

/* ---- suppression without EVENT_IDX (2.7.7, 2.7.10 flags) ---- */

static void test_kick_honours_no_notify_flag(void **state)
{
	struct vq_buf b = {buf[0], 64};

	(void)state;
	virtqueue_add(&vq, &b, 0, 1, buf[0]);
	virtqueue_add(&vq, &b, 0, 1, buf[1]);
	virtqueue_kick(&vq);
	assert_int_equal(notified, 1); /* one doorbell for the batch */
	vq.used->flags = VRING_USED_F_NO_NOTIFY;
	virtqueue_add(&vq, &b, 0, 1, buf[2]);
	virtqueue_kick(&vq);
	assert_int_equal(notified, 1);
	vq.used->flags = 0;
	virtqueue_add(&vq, &b, 0, 1, buf[3]);
	virtqueue_kick(&vq);
	assert_int_equal(notified, 2);
}

static void test_interrupt_flag_and_enable_race(void **state)
{
	struct vq_buf b = {buf[0], 64};

	(void)state;
	virtqueue_disable_cb(&vq);
	assert_int_equal(vq.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	assert_false(virtqueue_enable_cb(&vq));
	assert_int_equal(vq.avail->flags, 0);
	/* a buffer used while interrupts were off: enable says so */
	virtqueue_disable_cb(&vq);
	virtqueue_add(&vq, &b, 0, 1, buf[0]);
	dev_use(&vq, dev_take(&vq), 64);
	assert_true(virtqueue_enable_cb(&vq));
}

/* ---- suppression with EVENT_IDX (2.7.7 used_event, 2.7.10 avail_event) ---- */

static void test_need_event_formula(void **state)
{
	(void)state;
	/* the other side asked to hear when index 5 is passed */
	assert_true(vring_need_event(5, 6, 5));	 /* 5 -> 6 passes it */
	assert_true(vring_need_event(5, 9, 2));	 /* 2 -> 9 passes it */
	assert_false(vring_need_event(5, 5, 2)); /* not yet */
	assert_false(vring_need_event(5, 9, 6)); /* already passed before */
	/* across the wrap */
	assert_true(vring_need_event(65535, 2, 65534));
	assert_true(vring_need_event(0, 1, 65535));
	assert_false(vring_need_event(3, 2, 65534));
}

static void test_kick_honours_avail_event(void **state)
{
	struct vq_buf b = {buf[0], 64};

	(void)state;
	/* the device wants to hear when entry 2 becomes available */
	*avail_event(&vq) = 2;
	vq.used->flags = VRING_USED_F_NO_NOTIFY; /* ignored with EVENT_IDX */
	virtqueue_add(&vq, &b, 0, 1, buf[0]);
	virtqueue_add(&vq, &b, 0, 1, buf[1]);
	virtqueue_kick(&vq); /* 0 -> 2: not past 2 */
	assert_int_equal(notified, 0);
	virtqueue_add(&vq, &b, 0, 1, buf[2]);
	virtqueue_add(&vq, &b, 0, 1, buf[3]);
	virtqueue_kick(&vq); /* 2 -> 4 passes 2 */
	assert_int_equal(notified, 1);
	virtqueue_add(&vq, &b, 0, 1, buf[4]);
	virtqueue_kick(&vq); /* the device has not asked again */
	assert_int_equal(notified, 1);
	*avail_event(&vq) = 5;
	virtqueue_add(&vq, &b, 0, 1, buf[5]);
	virtqueue_kick(&vq);
	assert_int_equal(notified, 2);
}

static void test_avail_event_across_wrap(void **state)
{
	struct vq_buf b = {buf[0], 64};

	(void)state;
	vq.avail->idx = dev_last_avail = 65534;
	vq.used->idx = vq.last_used_idx = 65534;
	*avail_event(&vq) = 65535;
	for (int i = 0; i < 3; i++)
		virtqueue_add(&vq, &b, 0, 1, buf[i]); /* 65534 -> 1 */
	virtqueue_kick(&vq);
	assert_int_equal(notified, 1);
	assert_int_equal(vq.avail->idx, 1);
}

static void test_enable_cb_publishes_used_event(void **state)
{
	struct vq_buf b = {buf[0], 64};
	uint32_t len;

	(void)state;
	for (int i = 0; i < 3; i++)
		virtqueue_add(&vq, &b, 0, 1, buf[i]);
	dev_use(&vq, dev_take(&vq), 64);
	dev_use(&vq, dev_take(&vq), 64);
	assert_non_null(virtqueue_get_buf(&vq, &len));
	assert_non_null(virtqueue_get_buf(&vq, &len));
	virtqueue_disable_cb(&vq);
	/* interrupt me when the entry after the two I consumed is used */
	assert_false(virtqueue_enable_cb(&vq));
	assert_int_equal(used_event(&vq), 2);
	dev_use(&vq, dev_take(&vq), 64);
	assert_true(vring_need_event(used_event(&vq), vq.used->idx, 2));
	/* while disabled, used_event stays behind: no further interrupt is due */
	virtqueue_disable_cb(&vq);
	assert_non_null(virtqueue_get_buf(&vq, &len));
	assert_int_equal(used_event(&vq), 2);
	virtqueue_add(&vq, &b, 0, 1, buf[3]);
	dev_use(&vq, dev_take(&vq), 64);
	assert_false(vring_need_event(used_event(&vq), vq.used->idx, 3));
}

static void test_enable_cb_delayed(void **state)
{
	struct vq_buf b = {buf[0], 64};
	uint32_t len;

	(void)state;
	for (int i = 0; i < 8; i++)
		virtqueue_add(&vq, &b, 1, 0, buf[i]);
	/* eight outstanding: interrupt once six of them are used */
	assert_false(virtqueue_enable_cb_delayed(&vq));
	assert_int_equal(used_event(&vq), 6);
	for (int i = 0; i < 6; i++)
		dev_use(&vq, dev_take(&vq), 0);
	assert_false(vring_need_event(used_event(&vq), vq.used->idx, 5));
	dev_use(&vq, dev_take(&vq), 0);
	assert_true(vring_need_event(used_event(&vq), vq.used->idx, 6));
	/* past the point already: enabling reports it */
	assert_true(virtqueue_enable_cb_delayed(&vq));
	while (virtqueue_get_buf(&vq, &len))
		;
	assert_int_equal(vq.num_free, 7);
}

static void test_enable_cb_delayed_without_event_idx(void **state)
{
	struct vq_buf b = {buf[0], 64};

	(void)state;
	virtqueue_add(&vq, &b, 1, 0, buf[0]);
	virtqueue_disable_cb(&vq);
	assert_false(virtqueue_enable_cb_delayed(&vq));
	assert_int_equal(vq.avail->flags, 0); /* plain re-enable */
	dev_use(&vq, dev_take(&vq), 0);
	assert_true(virtqueue_enable_cb_delayed(&vq));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout_matches_legacy_formula, setup_plain,
						teardown),
		cmocka_unit_test_setup_teardown(test_size_must_be_power_of_two, setup_plain,
						teardown),
		cmocka_unit_test_setup_teardown(test_chain_out_then_in, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_full_ring_and_bad_adds, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_used_returns_token_len_and_frees_chain,
						setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_bogus_used_ids_are_skipped, setup_plain,
						teardown),
		cmocka_unit_test_setup_teardown(test_detach_unused_returns_each_token_once,
						setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_indices_wrap_at_65536, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_full_ring_across_wrap, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_kick_honours_no_notify_flag, setup_plain,
						teardown),
		cmocka_unit_test_setup_teardown(test_interrupt_flag_and_enable_race, setup_plain,
						teardown),
		cmocka_unit_test(test_need_event_formula),
		cmocka_unit_test_setup_teardown(test_kick_honours_avail_event, setup_event,
						teardown),
		cmocka_unit_test_setup_teardown(test_avail_event_across_wrap, setup_event,
						teardown),
		cmocka_unit_test_setup_teardown(test_enable_cb_publishes_used_event, setup_event,
						teardown),
		cmocka_unit_test_setup_teardown(test_enable_cb_delayed, setup_event, teardown),
		cmocka_unit_test_setup_teardown(test_enable_cb_delayed_without_event_idx,
						setup_plain, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
