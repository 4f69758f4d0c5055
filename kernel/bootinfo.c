/*
 * Boot information: what GRUB (multiboot2, BIOS or UEFI), boot/efi/BOOTX64.EFI
 * (multiboot2 tags it builds) or QEMU's PVH entry (hvm_start_info) left in
 * memory, copied into struct boot_info before the page allocator may reuse
 * that memory.  The ACPI RSDP is the exception: a multiboot2 loader copies it
 * into a tag, and acpi_init() reads it before mm_init().
 *
 * Memory maps come in two dialects.  e820 types (multiboot2's mmap tag, PVH)
 * are taken as they are; a UEFI memory map (multiboot2's EFI mmap tag, which
 * both UEFI loaders pass) is converted here, one rule for both of them.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "boot/multiboot2.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"

#define PVH_BOOT_MAGIC 0x336ec578

/* UEFI 2.10 section 7.2, EFI_MEMORY_TYPE */
enum {
	EFI_RESERVED_MEMORY,
	EFI_LOADER_CODE,
	EFI_LOADER_DATA,
	EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE,
	EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL_MEMORY,
	EFI_UNUSABLE_MEMORY,
	EFI_ACPI_RECLAIM_MEMORY,
	EFI_ACPI_MEMORY_NVS,
};
#define EFI_MEMORY_RUNTIME (1ULL << 63) /* the OS must keep it for runtime services */

/*
 * UEFI 2.10 section 7.2, table "Memory Type Usage after ExitBootServices()":
 * loader and boot services memory is free once boot services have exited
 * (the kernel image itself and the boot information lie in loader memory;
 * mm_init() skips the first and we copied the second), runtime services
 * memory is the firmware's for good, ACPI memory holds the tables.
 */
uint32_t efi_mem_type_to_boot(uint32_t efi_type, uint64_t attribute)
{
	if (attribute & EFI_MEMORY_RUNTIME)
		return BOOT_MEM_RESERVED;
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		return BOOT_MEM_USABLE;
	case EFI_ACPI_RECLAIM_MEMORY:
		return BOOT_MEM_ACPI_RECLAIM;
	case EFI_ACPI_MEMORY_NVS:
		return BOOT_MEM_ACPI_NVS;
	case EFI_UNUSABLE_MEMORY:
		return BOOT_MEM_UNUSABLE;
	default: /* reserved, runtime, MMIO, PAL code, persistent, unaccepted */
		return BOOT_MEM_RESERVED;
	}
}

/* Inserts [addr, addr+len) into the map, kept sorted; touching ranges of one type join. */
static void add_mmap(struct boot_info *bi, uint64_t addr, uint64_t len, uint32_t type)
{
	struct boot_mmap_entry *m = bi->mmap;
	int max = (int)(sizeof(bi->mmap) / sizeof(bi->mmap[0]));
	int i;

	if (!len)
		return;
	for (i = 0; i < bi->mmap_count && m[i].addr < addr; i++)
		;
	if (i > 0 && m[i - 1].type == type && m[i - 1].addr + m[i - 1].len == addr) {
		m[i - 1].len += len;
		i--;
	} else if (i < bi->mmap_count && m[i].type == type && addr + len == m[i].addr) {
		m[i].addr = addr;
		m[i].len += len;
	} else if (bi->mmap_count < max) {
		memmove(&m[i + 1], &m[i], (size_t)(bi->mmap_count - i) * sizeof(*m));
		m[i] = (struct boot_mmap_entry){addr, len, type};
		bi->mmap_count++;
	} else {
		bi->mmap_dropped++;
		return;
	}
	/* the grown entry may now touch its right neighbour */
	if (i + 1 < bi->mmap_count && m[i + 1].type == type &&
	    m[i].addr + m[i].len == m[i + 1].addr) {
		m[i].len += m[i + 1].len;
		memmove(&m[i + 1], &m[i + 2], (size_t)(bi->mmap_count - i - 2) * sizeof(*m));
		bi->mmap_count--;
	}
}

static void copy_string(char *dst, size_t size, const char *src, size_t max)
{
	size_t n = strnlen(src, max < size - 1 ? max : size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void parse_efi_mmap(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
	const struct mb2_tag_efi_mmap *t = (const void *)tag;

	if (size < sizeof(*t) || t->descr_size < sizeof(struct efi_memory_desc))
		return;
	bi->mmap_source = "EFI";
	for (uint32_t off = sizeof(*t); off + t->descr_size <= size; off += t->descr_size) {
		const struct efi_memory_desc *d = (const void *)(tag + off);
		add_mmap(bi, d->phys_addr, d->num_pages * EFI_PAGE_SIZE,
			 efi_mem_type_to_boot(d->type, d->attribute));
	}
}

static void parse_e820_mmap(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
	const struct mb2_tag_mmap *t = (const void *)tag;

	if (size < sizeof(*t) || t->entry_size < 20) /* addr, len, type */
		return;
	bi->mmap_source = "e820";
	for (uint32_t off = sizeof(*t); off + t->entry_size <= size; off += t->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)(tag + off);
		add_mmap(bi, e->addr, e->len, e->type);
	}
}

/* Multiboot2 3.6.12: only direct-colour framebuffers are of use to a text console. */
static void parse_framebuffer(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
	const struct mb2_tag_framebuffer *t = (const void *)tag;

	if (size < sizeof(*t) || t->fb_type != MB2_FRAMEBUFFER_RGB)
		return;
	bi->fb = (struct framebuffer){
		.phys = t->addr,
		.pitch = t->pitch,
		.width = t->width,
		.height = t->height,
		.bpp = t->bpp,
		.red = {t->red_pos, t->red_size},
		.green = {t->green_pos, t->green_size},
		.blue = {t->blue_pos, t->blue_size},
	};
}

static void parse_multiboot2(struct boot_info *bi, uint64_t info)
{
	const uint8_t *base = (const uint8_t *)(uintptr_t)info;
	uint32_t total = ((const struct mb2_info_header *)base)->total_size;
	const uint8_t *efi_mmap = NULL, *e820_mmap = NULL;
	uint32_t efi_size = 0, e820_size = 0;

	bi->protocol = "multiboot2";
	for (uint32_t off = sizeof(struct mb2_info_header);
	     off + sizeof(struct mb2_tag) <= total;) {
		const struct mb2_tag *tag = (const void *)(base + off);
		const uint8_t *p = base + off;
		uint32_t body;

		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag) || tag->size > total - off)
			break;
		body = tag->size - sizeof(*tag);
		switch (tag->type) {
		case MB2_TAG_CMDLINE:
			copy_string(bi->cmdline, sizeof(bi->cmdline), (const char *)(p + 8), body);
			break;
		case MB2_TAG_BOOTLOADER:
			copy_string(bi->loader, sizeof(bi->loader), (const char *)(p + 8), body);
			break;
		case MB2_TAG_MMAP:
			e820_mmap = p;
			e820_size = tag->size;
			break;
		case MB2_TAG_EFI_MMAP:
			efi_mmap = p;
			efi_size = tag->size;
			break;
		case MB2_TAG_FRAMEBUFFER:
			parse_framebuffer(bi, p, tag->size);
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			/* the loader copies the RSDP into the tag; the copy is as good as the original */
			if (!bi->rsdp || tag->type == MB2_TAG_ACPI_NEW)
				bi->rsdp = info + off + sizeof(*tag);
			break;
		}
		off += (tag->size + MB2_TAG_ALIGN - 1) & ~(uint32_t)(MB2_TAG_ALIGN - 1);
	}
	/* The firmware's own map says more (boot services memory, runtime regions) than a translation. */
	if (efi_mmap)
		parse_efi_mmap(bi, efi_mmap, efi_size);
	if (!bi->mmap_count && e820_mmap)
		parse_e820_mmap(bi, e820_mmap, e820_size);
}

/* Xen's hvm_start_info, which QEMU's PVH boot fills in (xen/arch-x86/hvm/start_info.h). */
struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries, reserved;
};
struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

static void parse_pvh(struct boot_info *bi, uint64_t info)
{
	const struct hvm_start_info *si = (const void *)(uintptr_t)info;

	bi->protocol = "PVH";
	if (si->cmdline_paddr)
		copy_string(bi->cmdline, sizeof(bi->cmdline),
			    (const char *)(uintptr_t)si->cmdline_paddr, sizeof(bi->cmdline));
	bi->rsdp = si->rsdp_paddr;
	bi->mmap_source = "e820";
	if (si->version >= 1 && si->memmap_paddr) {
		const struct hvm_memmap_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
		for (uint32_t i = 0; i < si->memmap_entries; i++)
			add_mmap(bi, e[i].addr, e[i].size, e[i].type);
	}
}

int boot_info_parse(struct boot_info *bi, uint32_t magic, uint64_t info)
{
	if (magic == MB2_BOOTLOADER_MAGIC)
		parse_multiboot2(bi, info);
	else if (magic == PVH_BOOT_MAGIC)
		parse_pvh(bi, info);
	else
		return -EINVAL;
	return 0;
}

static const char *mem_type_name(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
		return "usable";
	case BOOT_MEM_ACPI_RECLAIM:
		return "ACPI data";
	case BOOT_MEM_ACPI_NVS:
		return "ACPI NVS";
	case BOOT_MEM_UNUSABLE:
		return "unusable";
	default:
		return "reserved";
	}
}

void boot_info_show(const struct boot_info *bi)
{
	for (int i = 0; i < bi->mmap_count; i++)
		printk("%s: [mem 0x%016llx-0x%016llx] %s\n", bi->mmap_source,
		       (unsigned long long)bi->mmap[i].addr,
		       (unsigned long long)(bi->mmap[i].addr + bi->mmap[i].len - 1),
		       mem_type_name(bi->mmap[i].type));
	if (bi->mmap_dropped)
		printk("boot: %d memory ranges did not fit in the map and are not used\n",
		       bi->mmap_dropped);
}
