/*
 * Page protections, guard pages and device mappings; see kernel/paging.h.
 * Page-table entry bits from Intel SDM vol. 3A 4.5, tables 4-15 to 4-20.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "kernel/paging.h"
#include "kernel/irq.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/printk.h"

#define PTE_P	  0x1ULL
#define PTE_W	  0x2ULL
#define PTE_PWT	  0x8ULL
#define PTE_PCD	  0x10ULL
#define PTE_PS	  0x80ULL
#define PTE_NX	  (1ULL << 63)
#define ADDR_MASK 0x000ffffffffff000ULL

#define LARGE_PAGE   (2ULL << 20)
#define BOOT_MAPPED  (4ULL << 30) /* what boot.S identity-maps */
#define KERNEL_PTS   4		  /* 4 KiB tables for the kernel image: up to 8 MiB */

#define MSR_EFER     0xc0000080
#define EFER_NXE     (1ULL << 11)
#define CR0_WP	     (1ULL << 16)
#define CR4_UMIP     (1ULL << 11)
#define CR4_SMEP     (1ULL << 20)
#define CR4_SMAP     (1ULL << 21)

extern uint64_t pml4[512];
extern uint64_t page_dirs[4 * 512]; /* boot.S: PD entry i maps i * 2 MiB */
extern char _kernel_start[], _text_end[], _rodata_start[], _data_start[], _kernel_end[];
extern char boot_stack_guard[];	       /* boot.S: under the boot (idle) task's stack */
extern void *const double_fault_guard; /* kernel/gdt.c: under the #DF stack (IST1) */

static uint64_t kernel_pts[KERNEL_PTS][512] __attribute__((aligned(4096)));
static uint64_t nx_bit; /* PTE_NX once EFER.NXE is on: the bit is reserved before */
static char features[32];

static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static void flush_tlb(void)
{
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3) : : "memory");
}

static void add_feature(const char *name)
{
	if (features[0])
		strcat(features, " ");
	strcat(features, name);
}

/* The flags of the kernel image's 4 KiB page at a. */
static uint64_t image_flags(uint64_t a)
{
	if (a >= (uint64_t)(uintptr_t)_kernel_start && a < (uint64_t)(uintptr_t)_text_end)
		return PTE_P; /* boot code and text: read-only, executable */
	if (a >= (uint64_t)(uintptr_t)_rodata_start && a < (uint64_t)(uintptr_t)_data_start)
		return PTE_P | nx_bit;
	return PTE_P | PTE_W | nx_bit;
}

void paging_protect(void)
{
	uint32_t r[4];
	uint64_t end = (uint64_t)(uintptr_t)_kernel_end;
	unsigned nlarge = (unsigned)((end + LARGE_PAGE - 1) / LARGE_PAGE);

	BUG_ON(nlarge > KERNEL_PTS);
	cpuid(0x80000001, 0, r);
	if (r[3] & (1u << 20)) { /* CPUID.80000001H:EDX.NX */
		uint32_t lo, hi;

		__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_EFER));
		lo |= (uint32_t)EFER_NXE;
		__asm__ volatile("wrmsr" : : "a"(lo), "d"(hi), "c"(MSR_EFER));
		nx_bit = PTE_NX;
		add_feature("NX");
	}
	/* The kernel image (and low memory below it) in 4 KiB pages. */
	for (unsigned i = 0; i < nlarge; i++) {
		for (unsigned j = 0; j < 512; j++) {
			uint64_t a = i * LARGE_PAGE + j * PAGE_SIZE;

			kernel_pts[i][j] = a | image_flags(a);
		}
		page_dirs[i] = virt_to_phys(kernel_pts[i]) | PTE_P | PTE_W;
	}
	/* Everything else is data or devices: never executed. */
	for (unsigned i = nlarge; i < 4 * 512; i++)
		page_dirs[i] |= nx_bit;
	flush_tlb();
	__asm__ volatile("mov %0, %%cr0" : : "r"(read_cr0() | CR0_WP));
	add_feature("WP");
	cpuid(0, 0, r);
	if (r[0] >= 7) {
		uint64_t cr4 = read_cr4();

		cpuid(7, 0, r);
		if (r[1] & (1u << 7)) { /* CPUID.7:EBX.SMEP */
			cr4 |= CR4_SMEP;
			add_feature("SMEP");
		}
		if (r[1] & (1u << 20)) { /* CPUID.7:EBX.SMAP */
			cr4 |= CR4_SMAP;
			add_feature("SMAP");
		}
		if (r[2] & (1u << 2)) { /* CPUID.7:ECX.UMIP */
			cr4 |= CR4_UMIP;
			add_feature("UMIP");
		}
		__asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
	}
	/* Both lie in the kernel image, whose 4 KiB tables exist: no allocation. */
	page_guard(boot_stack_guard);
	page_guard(double_fault_guard);
}

const char *stack_guard_owner(uint64_t addr)
{
	uint64_t page = addr & ~(PAGE_SIZE - 1);

	if (page == (uint64_t)(uintptr_t)boot_stack_guard)
		return "the boot stack (idle task)";
	if (page == (uint64_t)(uintptr_t)double_fault_guard)
		return "the double-fault stack";
	return NULL;
}

const char *paging_features(void) { return features; }

/* The 4 KiB entry mapping a (below 4 GiB), splitting its 2 MiB page first. */
static uint64_t *pte_of(uint64_t a, int split)
{
	uint64_t *pde = &page_dirs[a / LARGE_PAGE];

	if (*pde & PTE_PS) {
		uint64_t *pt, base = *pde & ADDR_MASK & ~(LARGE_PAGE - 1);
		uint64_t flags = (*pde & (PTE_W | PTE_PWT | PTE_PCD | PTE_NX)) | PTE_P;

		if (!split)
			return NULL;
		pt = page_alloc(0);
		if (!pt)
			return NULL;
		for (unsigned j = 0; j < 512; j++)
			pt[j] = (base + j * PAGE_SIZE) | flags;
		*pde = virt_to_phys(pt) | PTE_P | PTE_W;
		flush_tlb();
	}
	return (uint64_t *)(uintptr_t)(*pde & ADDR_MASK) + (a / PAGE_SIZE) % 512;
}

int page_guard(void *p)
{
	uint64_t a = virt_to_phys(p);
	unsigned long f = irq_save();
	uint64_t *pte = pte_of(a, 1);

	if (pte)
		*pte &= ~PTE_P;
	irq_restore(f);
	if (!pte)
		return -ENOMEM;
	__asm__ volatile("invlpg (%0)" : : "r"(p) : "memory");
	return 0;
}

void page_unguard(void *p)
{
	uint64_t a = virt_to_phys(p);
	unsigned long f = irq_save();
	uint64_t *pte = pte_of(a, 0);

	if (pte)
		*pte |= PTE_P;
	irq_restore(f);
	__asm__ volatile("invlpg (%0)" : : "r"(p) : "memory");
}

int page_is_guard(uint64_t addr)
{
	uint64_t *pte;

	if (addr >= BOOT_MAPPED)
		return 0;
	pte = pte_of(addr & ~(PAGE_SIZE - 1), 0);
	return pte && !(*pte & PTE_P);
}

/* ---- device memory ---- */

static uint64_t *table_next(uint64_t *table, int idx)
{
	if (!(table[idx] & PTE_P)) {
		uint64_t *t = page_alloc(0);
		if (!t)
			return NULL;
		table[idx] = (uint64_t)(uintptr_t)t | PTE_P | PTE_W;
	}
	return (uint64_t *)(uintptr_t)(table[idx] & ADDR_MASK);
}

/*
 * Below 4 GiB everything is already mapped (boot.S).  Device memory there is
 * mapped write-back by that mapping; QEMU's emulated devices do not care, and
 * the MTRRs that the firmware programs make the PCI hole uncached on real
 * hardware.  Above 4 GiB we add identity 2 MiB mappings, uncached.
 */
void *ioremap(uint64_t pa, size_t size)
{
	for (uint64_t a = pa & ~(LARGE_PAGE - 1); a < pa + size; a += LARGE_PAGE) {
		if (a < BOOT_MAPPED)
			continue;
		uint64_t *pdpt = table_next(pml4, (a >> 39) & 511);
		uint64_t *pd = pdpt ? table_next(pdpt, (a >> 30) & 511) : NULL;
		if (!pd)
			return NULL;
		pd[(a >> 21) & 511] = a | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT | nx_bit;
		__asm__ volatile("invlpg (%0)" : : "r"(a) : "memory");
	}
	return (void *)(uintptr_t)pa;
}
