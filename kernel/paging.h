/*
 * The kernel's page tables.  boot.S identity-maps the first 4 GiB with 2 MiB
 * pages, all writable and executable; paging_protect() then tightens them
 * (Intel SDM vol. 3A 4.5 and 4.6): the kernel's text is read-only and
 * executable, its read-only data read-only and not executable, everything
 * else (data, heap, stacks, device memory) writable and not executable, and
 * CR0.WP makes read-only pages read-only for the kernel too.  SMEP, SMAP and
 * UMIP are turned on where the CPU has them, and the boot and double-fault
 * stacks get their guard pages.
 *
 * A guard page is an unmapped page under a stack: running off the stack
 * faults there instead of overwriting what lies below.
 */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H

#include <stddef.h>
#include <stdint.h>

void paging_protect(void);
/* What paging_protect turned on, for the boot log and `mem`: "NX WP SMEP ..." */
const char *paging_features(void);

/* Unmaps / maps again the 4 KiB page at p (page-aligned, below 4 GiB).
 * 0, or -ENOMEM when a page table could not be allocated. */
int page_guard(void *p);
void page_unguard(void *p);
int page_is_guard(uint64_t addr);
/* Names the boot or double-fault stack whose guard page holds addr, or NULL. */
const char *stack_guard_owner(uint64_t addr);

/* Makes physical range [pa, pa+size) accessible uncached; returns its address. */
void *ioremap(uint64_t pa, size_t size);

#endif
