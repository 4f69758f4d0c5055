/*
 * Memory: a physical page allocator (buddy, from the boot memory map) and
 * kmalloc with power-of-two size classes.  Memory is identity mapped, so a
 * kernel pointer is also its physical address (for DMA).
 */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096UL

void *page_alloc(unsigned order); /* 2^order zeroed pages, or NULL */
void page_free(void *p, unsigned order);
void *kmalloc(size_t size); /* NULL when out of memory */
void *kzalloc(size_t size);
void kfree(void *p);

static inline uint64_t virt_to_phys(const void *p) { return (uint64_t)(uintptr_t)p; }
static inline void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)pa; }

struct mem_stats {
	uint64_t total_pages, free_pages;
	uint64_t kmalloc_bytes, kmalloc_allocs, kmalloc_frees;
	uint64_t kmalloc_fails;	   /* requests answered NULL */
	uint64_t empty_slabs;	   /* empty slab pages kept for reuse (counted as used) */
	uint64_t page_alloc_fails; /* page_alloc requests answered NULL (kmalloc's included) */
};
void mem_get_stats(struct mem_stats *s);
/* Free memory is below its low watermark (see kernel/mm.c). */
int mem_pressure(void);

#endif
