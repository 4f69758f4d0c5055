/*
 * The multiboot2 boot information format (Multiboot2 specification 1.0,
 * section 3.6), as far as MenuOS uses it.  Two programs share this header:
 * the kernel, which reads the information that GRUB or boot/efi/BOOTX64.EFI
 * leave in memory, and BOOTX64.EFI, which builds it.  Plain C types only.
 *
 * The information starts with a u32 total size and a u32 reserved word, then
 * tags, each 8-byte aligned, each starting with a u32 type and a u32 size
 * (header included, padding excluded); a tag of type 0 ends the list.
 */
#ifndef BOOT_MULTIBOOT2_H
#define BOOT_MULTIBOOT2_H

#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289 /* in EAX (EDI for the 64-bit entry) */

#define MB2_TAG_END	    0
#define MB2_TAG_CMDLINE	    1
#define MB2_TAG_BOOTLOADER  2
#define MB2_TAG_MMAP	    6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ACPI_OLD    14
#define MB2_TAG_ACPI_NEW    15
#define MB2_TAG_EFI_MMAP    17
#define MB2_TAG_ALIGN	    8

#define MB2_FRAMEBUFFER_RGB 1 /* framebuffer_type: direct colour, with field positions */

struct mb2_info_header {
	uint32_t total_size;
	uint32_t reserved;
};

struct mb2_tag {
	uint32_t type;
	uint32_t size;
};

/* 3.6.8: an e820-style map; type 1 is available RAM */
struct mb2_tag_mmap {
	uint32_t type, size;
	uint32_t entry_size, entry_version;
};
struct mb2_mmap_entry {
	uint64_t addr, len;
	uint32_t type, reserved;
};

/*
 * 3.6.12.  The specification prints one reserved byte after framebuffer_type;
 * GRUB, which defined the format in practice, has a u16 there, so the colour
 * fields start at offset 32.
 */
struct mb2_tag_framebuffer {
	uint32_t type, size;
	uint64_t addr;
	uint32_t pitch; /* bytes per line */
	uint32_t width, height;
	uint8_t bpp;
	uint8_t fb_type;
	uint16_t reserved;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
} __attribute__((packed));

/* 3.6.20: the UEFI memory map as GetMemoryMap() returned it */
struct mb2_tag_efi_mmap {
	uint32_t type, size;
	uint32_t descr_size, descr_vers;
};

/* UEFI 2.10 section 7.2, EFI_MEMORY_DESCRIPTOR (descr_size may be larger) */
struct efi_memory_desc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_addr, virt_addr, num_pages, attribute;
};

#define EFI_PAGE_SIZE 4096

#endif
