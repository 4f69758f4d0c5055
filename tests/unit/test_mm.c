/*
 * kernel/mm.c on the host: the boot memory map describes a region that the
 * test maps at a fixed low address (the kernel's pointers are physical
 * addresses below 4 GiB), then the page allocator and kmalloc run on it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "kernel/kernel.h"
#include "kernel/mm.h"

#define FAKE_BASE  0x40000000UL /* 1 GiB */
#define FAKE_PAGES 512		/* 2 MiB of "RAM" */

/* What mm.c expects from the rest of the kernel and the linker script. */
char _kernel_start[1], _kernel_end[1];
uint64_t pml4[512];
static jmp_buf panic_jmp;
static int panicked;

int printk(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

void panic(const char *fmt, ...)
{
	(void)fmt;
	panicked = 1;
	longjmp(panic_jmp, 1);
}

static struct boot_info bi;

static int setup(void **state)
{
	static int mapped;
	(void)state;
	if (!mapped) {
		void *p = mmap((void *)FAKE_BASE, FAKE_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != (void *)FAKE_BASE)
			return -1;
		mapped = 1;
	}
	/* a reserved hole in the middle must never be handed out */
	memset(&bi, 0, sizeof(bi));
	bi.mmap[0] = (struct boot_mmap_entry){FAKE_BASE, 200 * PAGE_SIZE, 1};
	bi.mmap[1] = (struct boot_mmap_entry){FAKE_BASE + 200 * PAGE_SIZE, 56 * PAGE_SIZE, 2};
	bi.mmap[2] = (struct boot_mmap_entry){FAKE_BASE + 256 * PAGE_SIZE, 256 * PAGE_SIZE, 1};
	bi.mmap_count = 3;
	mm_init(&bi);
	return 0;
}

static int in_hole(void *p)
{
	uintptr_t a = (uintptr_t)p;
	return a >= FAKE_BASE + 200 * PAGE_SIZE && a < FAKE_BASE + 256 * PAGE_SIZE;
}

static void test_init_counts_usable_pages(void **state)
{
	struct mem_stats s;
	(void)state;
	mem_get_stats(&s);
	assert_int_equal(s.total_pages, 456);
	assert_int_equal(s.free_pages, 456);
}

static void test_pages_aligned_zeroed_and_exhaustible(void **state)
{
	void *pages[456];
	int n = 0;
	struct mem_stats s;
	(void)state;

	for (;;) {
		void *p = page_alloc(0);
		if (!p)
			break;
		assert_int_equal((uintptr_t)p % PAGE_SIZE, 0);
		assert_false(in_hole(p));
		for (size_t i = 0; i < PAGE_SIZE; i++)
			assert_int_equal(((unsigned char *)p)[i], 0);
		memset(p, 0xa5, PAGE_SIZE); /* dirty it: the next owner must get zeros */
		for (int j = 0; j < n; j++)
			assert_ptr_not_equal(pages[j], p);
		pages[n++] = p;
	}
	assert_int_equal(n, 456);
	mem_get_stats(&s);
	assert_int_equal(s.free_pages, 0);
	for (int j = 0; j < n; j++)
		page_free(pages[j], 0);
	mem_get_stats(&s);
	assert_int_equal(s.free_pages, 456);
	void *p = page_alloc(0);
	assert_non_null(p);
	assert_int_equal(((unsigned char *)p)[100], 0);
	page_free(p, 0);
}

static void test_higher_orders_are_aligned_and_contiguous(void **state)
{
	(void)state;
	void *a = page_alloc(3); /* 8 pages, 32 KiB aligned */
	void *b = page_alloc(6); /* 64 pages, 256 KiB aligned */
	/* 256 aligned pages exist only above the hole: the lower run has 200 */
	void *c = page_alloc(8);
	void *d = page_alloc(8);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_equal(c, (void *)(FAKE_BASE + 256 * PAGE_SIZE));
	assert_null(d);
	assert_int_equal((uintptr_t)a % (8 * PAGE_SIZE), 0);
	assert_int_equal((uintptr_t)b % (64 * PAGE_SIZE), 0);
	for (int i = 0; i < 64; i++)
		assert_false(in_hole((char *)b + i * PAGE_SIZE));
	assert_true((char *)a + 8 * PAGE_SIZE <= (char *)b ||
		    (char *)b + 64 * PAGE_SIZE <= (char *)a);
	page_free(a, 3);
	page_free(b, 6);
	page_free(c, 8);
}

static void test_double_free_panics(void **state)
{
	(void)state;
	void *p = page_alloc(0);
	page_free(p, 0);
	panicked = 0;
	if (setjmp(panic_jmp) == 0)
		page_free(p, 0);
	assert_true(panicked);
}

static void test_kmalloc_classes_and_reuse(void **state)
{
	static const size_t sizes[] = {1, 16, 32, 33, 100, 512, 1000, 2048, 2049, 5000, 40000};
	void *ptrs[11];
	struct mem_stats before, mid, after;
	(void)state;

	mem_get_stats(&before);
	for (int i = 0; i < 11; i++) {
		ptrs[i] = kmalloc(sizes[i]);
		assert_non_null(ptrs[i]);
		assert_int_equal((uintptr_t)ptrs[i] % 16, 0);
		memset(ptrs[i], 0x5a, sizes[i]); /* each object really has its size */
	}
	for (int i = 0; i < 11; i++)
		for (int j = 0; j < 11; j++)
			if (i != j)
				assert_true((char *)ptrs[i] + sizes[i] <= (char *)ptrs[j] ||
					    (char *)ptrs[j] + sizes[j] <= (char *)ptrs[i]);
	mem_get_stats(&mid);
	assert_int_equal(mid.kmalloc_allocs - before.kmalloc_allocs, 11);
	assert_true(mid.kmalloc_bytes > before.kmalloc_bytes + 40000);
	for (int i = 0; i < 11; i++)
		kfree(ptrs[i]);
	kfree(NULL);
	mem_get_stats(&after);
	assert_int_equal(after.kmalloc_frees - before.kmalloc_frees, 11);
	assert_int_equal(after.kmalloc_bytes, before.kmalloc_bytes);

	/* a freed small object is reused for the next one of its class */
	void *x = kmalloc(64);
	kfree(x);
	assert_ptr_equal(kmalloc(60), x);
	kfree(x);
}

/* A burst of small objects takes pages; when it is over they come back
 * (all but one slab per class, kept for the next allocation). */
static void test_slab_pages_return_after_a_burst(void **state)
{
	static void *objs[3000];
	struct mem_stats before, peak, after;
	(void)state;

	mem_get_stats(&before);
	for (int i = 0; i < 3000; i++) {
		objs[i] = kmalloc(i % 2 ? 64 : 200);
		assert_non_null(objs[i]);
	}
	mem_get_stats(&peak);
	assert_true(before.free_pages - peak.free_pages > 100);
	for (int i = 0; i < 3000; i += 2) /* every other one first: slabs become partial */
		kfree(objs[i]);
	for (int i = 1; i < 3000; i += 2)
		kfree(objs[i]);
	mem_get_stats(&after);
	assert_int_equal(after.kmalloc_bytes, before.kmalloc_bytes);
	assert_true(before.free_pages - after.free_pages <= 2); /* one slab each of 64 and 256 */
	/* and the kept slabs still serve */
	objs[0] = kmalloc(64);
	assert_non_null(objs[0]);
	kfree(objs[0]);
}

static void test_kzalloc_zeroes(void **state)
{
	(void)state;
	unsigned char *p = kmalloc(200);
	memset(p, 0xff, 200);
	kfree(p);
	p = kzalloc(200);
	for (int i = 0; i < 200; i++)
		assert_int_equal(p[i], 0);
	kfree(p);
}

static void test_kfree_of_foreign_pointer_panics(void **state)
{
	(void)state;
	unsigned char *page = page_alloc(0);
	panicked = 0;
	if (setjmp(panic_jmp) == 0)
		kfree(page + 64); /* a page that kmalloc never handed out */
	assert_true(panicked);
	page_free(page, 0);
}

static void test_out_of_memory_returns_null(void **state)
{
	(void)state;
	void *big = kmalloc(4 << 20); /* more than the whole fake RAM */
	assert_null(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_counts_usable_pages, setup),
		cmocka_unit_test(test_pages_aligned_zeroed_and_exhaustible),
		cmocka_unit_test(test_higher_orders_are_aligned_and_contiguous),
		cmocka_unit_test(test_double_free_panics),
		cmocka_unit_test(test_kmalloc_classes_and_reuse),
		cmocka_unit_test(test_slab_pages_return_after_a_burst),
		cmocka_unit_test(test_kzalloc_zeroes),
		cmocka_unit_test(test_kfree_of_foreign_pointer_panics),
		cmocka_unit_test(test_out_of_memory_returns_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
