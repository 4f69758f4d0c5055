/*
 * kernel/bootinfo.c on the host: multiboot2 information built in a buffer
 * the way GRUB and BOOTX64.EFI build it (tags, 8-byte aligned), then parsed.
 * The EFI memory types, the merging of the memory map, the framebuffer tag,
 * and information that is cut short or lies about its sizes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "boot/multiboot2.h"
#include "kernel/kernel.h"

int printk(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

static _Alignas(8) uint8_t info[8192];
static size_t info_len;
static struct boot_info bi;

static void info_start(void)
{
	memset(info, 0, sizeof(info));
	memset(&bi, 0, sizeof(bi));
	info_len = sizeof(struct mb2_info_header);
}

static void *add_tag(uint32_t type, uint32_t size)
{
	struct mb2_tag *t = (struct mb2_tag *)(info + info_len);

	t->type = type;
	t->size = size;
	info_len += (size + 7) & ~7u;
	return t;
}

static void info_end(void)
{
	add_tag(MB2_TAG_END, 8);
	((struct mb2_info_header *)info)->total_size = (uint32_t)info_len;
}

static void add_efi_mmap(const struct efi_memory_desc *d, int n, uint32_t descr_size)
{
	uint32_t size = sizeof(struct mb2_tag_efi_mmap) + n * descr_size;
	struct mb2_tag_efi_mmap *t = add_tag(MB2_TAG_EFI_MMAP, size);

	t->descr_size = descr_size;
	t->descr_vers = 1;
	for (int i = 0; i < n; i++)
		memcpy((uint8_t *)(t + 1) + i * descr_size, &d[i], sizeof(d[i]));
}

static int parse(void) { return boot_info_parse(&bi, MB2_BOOTLOADER_MAGIC, (uintptr_t)info); }

#define MiB(x)	     ((uint64_t)(x) << 20)
#define PAGES(bytes) ((bytes) / EFI_PAGE_SIZE)

static void test_efi_types_after_exit_boot_services(void **state)
{
	(void)state;
	/* UEFI 2.10 7.2: what is free once boot services have exited */
	assert_int_equal(efi_mem_type_to_boot(7, 0), BOOT_MEM_USABLE);	 /* conventional */
	assert_int_equal(efi_mem_type_to_boot(1, 0), BOOT_MEM_USABLE);	 /* loader code */
	assert_int_equal(efi_mem_type_to_boot(2, 0), BOOT_MEM_USABLE);	 /* loader data */
	assert_int_equal(efi_mem_type_to_boot(3, 0), BOOT_MEM_USABLE);	 /* boot services code */
	assert_int_equal(efi_mem_type_to_boot(4, 0), BOOT_MEM_USABLE);	 /* boot services data */
	assert_int_equal(efi_mem_type_to_boot(5, 0), BOOT_MEM_RESERVED); /* runtime code */
	assert_int_equal(efi_mem_type_to_boot(6, 0), BOOT_MEM_RESERVED); /* runtime data */
	assert_int_equal(efi_mem_type_to_boot(0, 0), BOOT_MEM_RESERVED);
	assert_int_equal(efi_mem_type_to_boot(8, 0), BOOT_MEM_UNUSABLE);
	assert_int_equal(efi_mem_type_to_boot(9, 0), BOOT_MEM_ACPI_RECLAIM);
	assert_int_equal(efi_mem_type_to_boot(10, 0), BOOT_MEM_ACPI_NVS);
	assert_int_equal(efi_mem_type_to_boot(11, 0), BOOT_MEM_RESERVED);  /* MMIO */
	assert_int_equal(efi_mem_type_to_boot(14, 0), BOOT_MEM_RESERVED);  /* persistent */
	assert_int_equal(efi_mem_type_to_boot(15, 0), BOOT_MEM_RESERVED);  /* unaccepted */
	assert_int_equal(efi_mem_type_to_boot(200, 0), BOOT_MEM_RESERVED); /* unknown */
	/* whatever its type, memory that runtime services need stays theirs */
	assert_int_equal(efi_mem_type_to_boot(4, 1ULL << 63), BOOT_MEM_RESERVED);
}

static void test_efi_mmap_sorted_and_merged(void **state)
{
	/* out of order, with a descriptor size larger than the structure (allowed by 7.2) */
	const struct efi_memory_desc d[] = {
		{.type = 7, .phys_addr = MiB(8), .num_pages = PAGES(MiB(8))},
		{.type = 4, .phys_addr = MiB(1), .num_pages = PAGES(MiB(3))},
		{.type = 2, .phys_addr = MiB(4), .num_pages = PAGES(MiB(4))},
		{.type = 6,
		 .phys_addr = MiB(16),
		 .num_pages = PAGES(MiB(1)),
		 .attribute = 1ULL << 63},
		{.type = 7, .phys_addr = MiB(17), .num_pages = PAGES(MiB(15))},
		{.type = 7, .phys_addr = 0, .num_pages = PAGES(640 * 1024)},
	};

	(void)state;
	info_start();
	add_efi_mmap(d, 6, 48);
	info_end();
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.mmap_source, "EFI");
	assert_int_equal(bi.mmap_count, 4);
	assert_true(bi.mmap[0].addr == 0 && bi.mmap[0].len == 640 * 1024);
	/* boot services, loader and conventional memory make one usable range */
	assert_true(bi.mmap[1].addr == MiB(1) && bi.mmap[1].len == MiB(15));
	assert_int_equal(bi.mmap[1].type, BOOT_MEM_USABLE);
	assert_true(bi.mmap[2].addr == MiB(16) && bi.mmap[2].type == BOOT_MEM_RESERVED);
	assert_true(bi.mmap[3].addr == MiB(17) && bi.mmap[3].len == MiB(15));
}

static void test_efi_mmap_preferred_to_e820(void **state)
{
	const struct efi_memory_desc d = {.type = 3, .phys_addr = MiB(1), .num_pages = 256};
	struct mb2_tag_mmap *t;
	struct mb2_mmap_entry *e;

	(void)state;
	info_start();
	t = add_tag(MB2_TAG_MMAP, sizeof(*t) + sizeof(*e));
	t->entry_size = sizeof(*e);
	e = (struct mb2_mmap_entry *)(t + 1);
	*e = (struct mb2_mmap_entry){MiB(1), MiB(64), 1, 0};
	add_efi_mmap(&d, 1, sizeof(d));
	info_end();
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.mmap_source, "EFI");
	assert_int_equal(bi.mmap_count, 1);
	assert_true(bi.mmap[0].len == MiB(1));
}

static void test_e820_mmap_and_strings(void **state)
{
	struct mb2_tag_mmap *t;
	struct mb2_mmap_entry *e;
	char *s;

	(void)state;
	info_start();
	s = (char *)add_tag(MB2_TAG_CMDLINE, 8 + 14) + 8;
	memcpy(s, "ip=10.0.2.15 ", 14);
	s = (char *)add_tag(MB2_TAG_BOOTLOADER, 8 + 5) + 8;
	memcpy(s, "GRUB", 5);
	t = add_tag(MB2_TAG_MMAP, sizeof(*t) + 2 * 24);
	t->entry_size = 24;
	e = (struct mb2_mmap_entry *)(t + 1);
	e[0] = (struct mb2_mmap_entry){0, 0x9fc00, 1, 0};
	e[1] = (struct mb2_mmap_entry){MiB(1), MiB(127), 1, 0};
	info_end();
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.cmdline, "ip=10.0.2.15 ");
	assert_string_equal(bi.loader, "GRUB");
	assert_string_equal(bi.mmap_source, "e820");
	assert_int_equal(bi.mmap_count, 2);
	assert_true(bi.fb.phys == 0);
}

static void test_framebuffer_tag(void **state)
{
	struct mb2_tag_framebuffer *f;

	(void)state;
	info_start();
	f = add_tag(MB2_TAG_FRAMEBUFFER, sizeof(*f));
	f->addr = 0x80000000;
	f->pitch = 1280 * 4;
	f->width = 1280;
	f->height = 800;
	f->bpp = 32;
	f->fb_type = MB2_FRAMEBUFFER_RGB;
	f->red_pos = 16;
	f->red_size = 8;
	f->green_pos = 8;
	f->green_size = 8;
	f->blue_pos = 0;
	f->blue_size = 8;
	info_end();
	assert_int_equal(parse(), 0);
	assert_true(bi.fb.phys == 0x80000000);
	assert_int_equal(bi.fb.pitch, 5120);
	assert_int_equal(bi.fb.width, 1280);
	assert_int_equal(bi.fb.height, 800);
	assert_int_equal(bi.fb.bpp, 32);
	assert_int_equal(bi.fb.red.offset, 16);
	assert_int_equal(bi.fb.blue.offset, 0);
	assert_int_equal(bi.fb.green.length, 8);

	/* an indexed-colour or EGA-text framebuffer is none for a text console */
	info_start();
	f = add_tag(MB2_TAG_FRAMEBUFFER, sizeof(*f));
	f->addr = 0xb8000;
	f->fb_type = 2;
	info_end();
	assert_int_equal(parse(), 0);
	assert_true(bi.fb.phys == 0);
}

static void test_rsdp_tag_points_at_the_copy(void **state)
{
	uint8_t *old, *new;

	(void)state;
	info_start();
	old = add_tag(MB2_TAG_ACPI_OLD, 8 + 20);
	new = add_tag(MB2_TAG_ACPI_NEW, 8 + 36);
	info_end();
	assert_int_equal(parse(), 0);
	assert_true(bi.rsdp == (uintptr_t)(new + 8));
	(void)old;
}

static void test_lying_sizes_stop_the_walk(void **state)
{
	struct mb2_tag_efi_mmap *t;
	struct mb2_tag *bad;

	(void)state;
	/* a tag that claims to run past the end of the information */
	info_start();
	bad = add_tag(MB2_TAG_CMDLINE, 16);
	info_end();
	bad->size = 4000;
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.cmdline, "");

	/* a tag smaller than its own header */
	info_start();
	bad = add_tag(MB2_TAG_BOOTLOADER, 16);
	info_end();
	bad->size = 3;
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.loader, "");

	/* EFI descriptors smaller than the structure are not read */
	info_start();
	t = add_tag(MB2_TAG_EFI_MMAP, sizeof(*t) + 64);
	t->descr_size = 8;
	info_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.mmap_count, 0);

	/* a command line without its NUL stays inside its tag */
	info_start();
	memset((char *)add_tag(MB2_TAG_CMDLINE, 8 + 5) + 8, 'x', 5);
	info_end();
	info[sizeof(struct mb2_info_header) + 13] = 'y'; /* padding after the tag */
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.cmdline, "xxxxx");
}

static void test_full_map_counts_what_it_drops(void **state)
{
	static struct efi_memory_desc d[200];

	(void)state;
	/* alternating types, so nothing merges: 200 ranges for 128 slots */
	for (int i = 0; i < 200; i++)
		d[i] = (struct efi_memory_desc){
			.type = i % 2 ? 7 : 5, .phys_addr = MiB(i), .num_pages = PAGES(MiB(1))};
	info_start();
	add_efi_mmap(d, 200, sizeof(d[0]));
	info_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.mmap_count, 128);
	assert_int_equal(bi.mmap_dropped, 72);
	for (int i = 1; i < bi.mmap_count; i++)
		assert_true(bi.mmap[i - 1].addr < bi.mmap[i].addr);
}

static void test_unknown_magic(void **state)
{
	(void)state;
	memset(&bi, 0, sizeof(bi));
	assert_int_equal(boot_info_parse(&bi, 0x2badb002, (uintptr_t)info), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_efi_types_after_exit_boot_services),
		cmocka_unit_test(test_efi_mmap_sorted_and_merged),
		cmocka_unit_test(test_efi_mmap_preferred_to_e820),
		cmocka_unit_test(test_e820_mmap_and_strings),
		cmocka_unit_test(test_framebuffer_tag),
		cmocka_unit_test(test_rsdp_tag_points_at_the_copy),
		cmocka_unit_test(test_lying_sizes_stop_the_walk),
		cmocka_unit_test(test_full_map_counts_what_it_drops),
		cmocka_unit_test(test_unknown_magic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
