/*
 * BOOTX64.EFI, the MenuOS UEFI loader (a program of its own, built with
 * gnu-efi; it shares only boot/multiboot2.h with the kernel).
 *
 *   loader.c   efi_main: files from the EFI system partition, ACPI, GOP,
 *              ExitBootServices, the jump into the kernel
 *   elf.c      checks the kernel ELF and loads its segments
 *   mb2.c      builds the multiboot2 information the kernel reads
 */
#ifndef BOOT_EFI_LOADER_H
#define BOOT_EFI_LOADER_H

#include <efi.h>

struct kernel_image {
	EFI_PHYSICAL_ADDRESS base; /* pages allocated for the PT_LOAD segments */
	UINTN pages;
	UINT64 entry64; /* from the kernel's "MenuOS" ELF note */
};

/*
 * Checks file[0..size) and copies its segments to the physical addresses
 * they were linked for.  On failure *why says what is wrong with the file,
 * in words, and nothing stays allocated.
 */
EFI_STATUS elf_load(const void *file, UINTN size, struct kernel_image *k, const CHAR16 **why);

/* Multiboot2 information, built in a buffer below 4 GiB. */
struct mb2_builder {
	UINT8 *buf;
	UINTN cap, len;
};
void *mb2_add_tag(struct mb2_builder *b, UINT32 type, UINTN size);	 /* zeroed; NULL if full */
char *mb2_add_string(struct mb2_builder *b, UINT32 type, const char *s); /* the copy */
void mb2_add_framebuffer(struct mb2_builder *b, EFI_GRAPHICS_OUTPUT_PROTOCOL *gop);
void mb2_add_rsdp(struct mb2_builder *b, const void *rsdp, int acpi2);
/*
 * The EFI memory map tag goes last: GetMemoryMap() writes straight into the
 * space after the other tags, and after ExitBootServices the tag is closed
 * without another firmware call.
 */
void *mb2_efi_mmap_space(struct mb2_builder *b, UINTN *space);
void mb2_efi_mmap_commit(struct mb2_builder *b, UINTN map_size, UINTN descr_size,
			 UINT32 descr_vers);
void mb2_finish(struct mb2_builder *b); /* end tag and total size */

#endif
