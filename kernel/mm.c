/*
 * Physical pages and kmalloc.
 *
 * Pages: a bitmap over the identity-mapped first 4 GiB, filled from the boot
 * memory map; an order-n request takes 2^n free pages aligned to 2^n.
 * kmalloc: size classes of 32..2048 bytes carved from single pages; larger
 * requests take whole pages.  Every kmalloc'd pointer's page starts with a
 * small header that says which, so kfree needs no size.
 */
#include <stdint.h>
#include <string.h>
#include "kernel/mm.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/irq.h"

#define MAX_PHYS     (4ULL << 30) /* what boot.S identity-maps */
#define MAX_PAGES    (MAX_PHYS / PAGE_SIZE)
#define LOW_RESERVED (1ULL << 20) /* BIOS data, EBDA, VGA, ROMs */

static uint64_t page_bitmap[MAX_PAGES / 64]; /* bit set = page used */
static uint64_t total_pages, free_pages, max_pfn, search_hint;

extern char _kernel_start[], _kernel_end[];

static inline int page_used(uint64_t pfn) { return page_bitmap[pfn / 64] >> (pfn % 64) & 1; }
static inline void set_used(uint64_t pfn) { page_bitmap[pfn / 64] |= 1ULL << (pfn % 64); }
static inline void set_free(uint64_t pfn) { page_bitmap[pfn / 64] &= ~(1ULL << (pfn % 64)); }

void mm_init(const struct boot_info *bi)
{
	uint64_t kstart = (uint64_t)(uintptr_t)_kernel_start;
	uint64_t kend = (uint64_t)(uintptr_t)_kernel_end;

	memset(page_bitmap, 0xff, sizeof(page_bitmap));
	for (int i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		if (e->type != BOOT_MEM_USABLE)
			continue;
		uint64_t start = (e->addr + PAGE_SIZE - 1) / PAGE_SIZE;
		uint64_t end = (e->addr + e->len) / PAGE_SIZE;
		if (end > MAX_PAGES)
			end = MAX_PAGES;
		for (uint64_t pfn = start; pfn < end; pfn++) {
			uint64_t pa = pfn * PAGE_SIZE;
			if (pa < LOW_RESERVED || (pa >= kstart && pa < kend))
				continue;
			set_free(pfn);
			free_pages++;
			total_pages++;
			if (pfn + 1 > max_pfn)
				max_pfn = pfn + 1;
		}
	}
	/*
	 * The boot loader's structures (multiboot2 info, PVH start info) lie in
	 * low memory or just after the kernel; we copied what we need already,
	 * except the ACPI tables, which live in reserved (type != 1) ranges.
	 */
	if (!total_pages)
		panic("no usable memory in the boot memory map");
	printk("mm: %llu KiB usable, kernel %llu KiB at 0x%llx\n",
	       (unsigned long long)(total_pages * 4), (unsigned long long)((kend - kstart) / 1024),
	       (unsigned long long)kstart);
}

/* 2^order free pages, not cleared. */
static void *pages_take(unsigned order)
{
	uint64_t n = 1ULL << order;
	unsigned long flags = irq_save();

	for (int pass = 0; pass < 2; pass++) {
		uint64_t from = pass == 0 ? search_hint : 0;
		for (uint64_t pfn = from & ~(n - 1); pfn + n <= max_pfn; pfn += n) {
			uint64_t i;
			for (i = 0; i < n && !page_used(pfn + i); i++)
				;
			if (i < n)
				continue;
			for (i = 0; i < n; i++)
				set_used(pfn + i);
			free_pages -= n;
			search_hint = pfn + n;
			irq_restore(flags);
			return (void *)(uintptr_t)(pfn * PAGE_SIZE);
		}
	}
	irq_restore(flags);
	return NULL;
}

void *page_alloc(unsigned order)
{
	void *p = pages_take(order);

	if (p)
		memset(p, 0, PAGE_SIZE << order);
	return p;
}

void page_free(void *p, unsigned order)
{
	uint64_t pfn = (uint64_t)(uintptr_t)p / PAGE_SIZE;
	unsigned long flags = irq_save();

	for (uint64_t i = 0; i < (1ULL << order); i++) {
		BUG_ON(!page_used(pfn + i));
		set_free(pfn + i);
	}
	free_pages += 1ULL << order;
	if (pfn < search_hint)
		search_hint = pfn;
	irq_restore(flags);
}

/* ---- kmalloc ---- */

#define SLAB_MAGIC  0x51ab51abU
#define LARGE_MAGIC 0x1a4e1a4eU
#define NCLASSES    7 /* 32, 64, ..., 2048 */
#define MIN_SHIFT   5

/*
 * A slab is one page of objects of one size class, with this header at its
 * start.  Each class keeps the slabs that have a free object on a list;
 * a slab whose last object comes back is returned to the page allocator
 * unless it is its class's only slab with room, so memory that a burst
 * took (thousands of connections) comes back when the burst is over.
 */
struct free_obj {
	struct free_obj *next;
};

struct page_hdr {
	uint32_t magic;
	uint16_t info;		       /* slab: size class; large: page order */
	uint16_t inuse;		       /* slab: objects handed out */
	struct free_obj *free;	       /* slab: its free objects */
	struct page_hdr *next, *prev;  /* slab: on its class's list of slabs with room */
};

static struct page_hdr *partial[NCLASSES]; /* slabs with a free object, per class */
static uint64_t kmalloc_bytes, kmalloc_allocs, kmalloc_frees;

static int size_class(size_t size)
{
	int c = 0;
	while (c < NCLASSES && ((size_t)1 << (c + MIN_SHIFT)) < size)
		c++;
	return c;
}

static void partial_add(struct page_hdr *h)
{
	h->prev = NULL;
	h->next = partial[h->info];
	if (h->next)
		h->next->prev = h;
	partial[h->info] = h;
}

static void partial_del(struct page_hdr *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		partial[h->info] = h->next;
	if (h->next)
		h->next->prev = h->prev;
}

static struct page_hdr *slab_new(int c)
{
	struct page_hdr *h = page_alloc(0);
	size_t osz = (size_t)1 << (c + MIN_SHIFT);
	char *p;

	if (!h)
		return NULL;
	h->magic = SLAB_MAGIC;
	h->info = (uint16_t)c;
	h->inuse = 0;
	h->free = NULL;
	/* objects start after the header, rounded up to the object size (>= 32) */
	for (p = (char *)h + (osz < sizeof(*h) ? sizeof(*h) : osz); p + osz <= (char *)h + PAGE_SIZE;
	     p += osz) {
		struct free_obj *o = (struct free_obj *)p;
		o->next = h->free;
		h->free = o;
	}
	return h;
}

static unsigned order_for(size_t bytes)
{
	unsigned order = 0;
	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

void *kmalloc(size_t size)
{
	struct page_hdr *h;
	struct free_obj *o;
	unsigned long flags;
	int c;

	if (size == 0)
		size = 1;
	if (size > (1UL << (NCLASSES - 1 + MIN_SHIFT))) {
		unsigned order = order_for(size + sizeof(struct page_hdr));
		/* not cleared: kmalloc promises no zeroes (kzalloc does), and a
		 * large block is mostly a packet buffer about to be written,
		 * where clearing 64 KiB first costs as much as the copy */
		h = pages_take(order);
		if (!h)
			return NULL;
		h->magic = LARGE_MAGIC;
		h->info = (uint16_t)order;
		flags = irq_save();
		kmalloc_bytes += PAGE_SIZE << order;
		kmalloc_allocs++;
		irq_restore(flags);
		return h + 1;
	}
	c = size_class(size);
	flags = irq_save();
	h = partial[c];
	if (!h) {
		/* page_alloc takes its own lock (interrupts off): fine to nest */
		h = slab_new(c);
		if (!h) {
			irq_restore(flags);
			return NULL;
		}
		partial_add(h);
	}
	o = h->free;
	h->free = o->next;
	h->inuse++;
	if (!h->free)
		partial_del(h); /* full */
	kmalloc_bytes += (size_t)1 << (c + MIN_SHIFT);
	kmalloc_allocs++;
	irq_restore(flags);
	return o;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	struct page_hdr *h;
	unsigned long flags;

	if (!p)
		return;
	h = (struct page_hdr *)((uintptr_t)p & ~(PAGE_SIZE - 1));
	flags = irq_save();
	if (h->magic == SLAB_MAGIC && h->info < NCLASSES && h->inuse > 0) {
		struct free_obj *o = p;
		int release;

		if (!h->free)
			partial_add(h); /* it was full: it has room again */
		o->next = h->free;
		h->free = o;
		h->inuse--;
		kmalloc_bytes -= (size_t)1 << (h->info + MIN_SHIFT);
		kmalloc_frees++;
		/* empty, and not the class's only slab with room: back to the pages */
		release = h->inuse == 0 && (h->next || h->prev);
		if (release) {
			partial_del(h);
			h->magic = 0;
		}
		irq_restore(flags);
		if (release)
			page_free(h, 0);
	} else if (h->magic == LARGE_MAGIC && (void *)(h + 1) == p) {
		unsigned order = h->info;
		kmalloc_bytes -= PAGE_SIZE << order;
		kmalloc_frees++;
		h->magic = 0;
		irq_restore(flags);
		page_free(h, order);
	} else {
		irq_restore(flags);
		panic("kfree: %p was not allocated by kmalloc", p);
	}
}

void mem_get_stats(struct mem_stats *s)
{
	unsigned long flags = irq_save();
	s->total_pages = total_pages;
	s->free_pages = free_pages;
	s->kmalloc_bytes = kmalloc_bytes;
	s->kmalloc_allocs = kmalloc_allocs;
	s->kmalloc_frees = kmalloc_frees;
	irq_restore(flags);
}
