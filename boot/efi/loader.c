/*
 * BOOTX64.EFI: boots MenuOS from the EFI system partition, without GRUB.
 *
 * With boot services: read \EFI\MENUOS\MENUOS.ELF (and the kernel command
 * line from \EFI\MENUOS\CMDLINE.TXT, if there) from the partition this
 * loader came from, load the kernel's segments at the addresses it is
 * linked for, find the ACPI RSDP in the configuration table, pick a GOP mode
 * of at least 800x600, and build multiboot2 information (boot/multiboot2.h)
 * below 4 GiB.  Any failure up to here is printed on the UEFI console with
 * the EFI_STATUS in words, and the loader returns to the firmware.
 *
 * Then the memory map goes into the information's last tag, and
 * ExitBootServices() is called with its key.  UEFI 2.10 section 7.4: if the
 * map changed in between (an event handler allocated memory, say), the call
 * fails with EFI_INVALID_PARAMETER and the caller must get the map again and
 * retry, calling nothing but GetMemoryMap() meanwhile.
 *
 * The word efi_stale_map_key in the command line makes the loader allocate
 * a page between its first GetMemoryMap() and ExitBootServices(), as a
 * firmware event would: that path is otherwise never taken in QEMU, and
 * tests/qemu/test_efi.py uses it.  The boot loader name tag says on which
 * attempt the exit succeeded.
 *
 * Without boot services: jump to the kernel's 64-bit entry (boot/boot.S
 * start64) with EDI = the multiboot2 magic, ESI = the information.
 */
#include <efi.h>
#include <efilib.h>
#include "boot/multiboot2.h"
#include "boot/efi/loader.h"

#define KERNEL_PATH    L"\\EFI\\MENUOS\\MENUOS.ELF"
#define CMDLINE_PATH   L"\\EFI\\MENUOS\\CMDLINE.TXT"
#define LOADER_NAME    "MenuOS BOOTX64.EFI, ExitBootServices attempt 1" /* digit set later */
#define STALE_KEY_WORD "efi_stale_map_key"
#define MIN_WIDTH      800
#define MIN_HEIGHT     600
#define CMDLINE_MAX    1023 /* the kernel keeps 1024 bytes (struct boot_info) */
#define EXIT_TRIES     8
#define MAP_SLACK      32 /* descriptors that allocations after the first GetMemoryMap may add */
#define ERROR_PAUSE_US 3000000 /* so that the message can be read before the firmware's menu */
#define INFO_LIMIT     0xffffffffULL /* the kernel takes a 32-bit pointer */

typedef void (*kernel_entry_t)(UINT32 magic, UINT32 info) __attribute__((sysv_abi, noreturn));

static EFI_STATUS fail(EFI_STATUS st, const CHAR16 *what, const CHAR16 *why)
{
	if (why)
		Print(L"BOOTX64.EFI: %s: %s (EFI status: %r)\r\n", what, why, st);
	else
		Print(L"BOOTX64.EFI: %s (EFI status: %r)\r\n", what, st);
	Print(L"BOOTX64.EFI: returning to the firmware\r\n");
	BS->Stall(ERROR_PAUSE_US);
	return st;
}

/* The whole file into pool memory; *buf is NULL on failure. */
static EFI_STATUS read_file(EFI_FILE_HANDLE root, CHAR16 *path, UINT8 **buf, UINTN *size)
{
	EFI_FILE_HANDLE fh;
	EFI_FILE_INFO *info;
	EFI_STATUS st;

	*buf = NULL;
	st = root->Open(root, &fh, path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	info = LibFileInfo(fh);
	if (!info) {
		fh->Close(fh);
		return EFI_DEVICE_ERROR;
	}
	*size = info->FileSize;
	FreePool(info);
	*buf = AllocatePool(*size ? *size : 1);
	if (!*buf) {
		st = EFI_OUT_OF_RESOURCES;
	} else {
		UINTN n = *size;
		st = fh->Read(fh, &n, *buf);
		if (!EFI_ERROR(st) && n != *size)
			st = EFI_END_OF_FILE;
		if (EFI_ERROR(st)) {
			FreePool(*buf);
			*buf = NULL;
		}
	}
	fh->Close(fh);
	return st;
}

/* The command line file's first line, or "" when there is none. */
static void read_cmdline(EFI_FILE_HANDLE root, char *out)
{
	UINT8 *buf;
	UINTN size, n = 0;

	out[0] = '\0';
	if (EFI_ERROR(read_file(root, CMDLINE_PATH, &buf, &size)))
		return;
	while (n < size && n < CMDLINE_MAX && buf[n] != '\n' && buf[n] != '\r' && buf[n] != '\0') {
		out[n] = (char)buf[n];
		n++;
	}
	out[n] = '\0';
	FreePool(buf);
}

static int has_word(const char *s, const char *word)
{
	UINTN n = strlena((const CHAR8 *)word);

	while (*s) {
		while (*s == ' ')
			s++;
		if (!strncmpa((const CHAR8 *)s, (const CHAR8 *)word, n) && (s[n] == ' ' || !s[n]))
			return 1;
		while (*s && *s != ' ')
			s++;
	}
	return 0;
}

static void *find_rsdp(int *acpi2)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	void *old = NULL;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];
		if (!CompareGuid(&t->VendorGuid, &acpi20)) {
			*acpi2 = 1;
			return t->VendorTable;
		}
		if (!CompareGuid(&t->VendorGuid, &acpi10))
			old = t->VendorTable;
	}
	*acpi2 = 0;
	return old;
}

static int usable_format(const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi)
{
	return mi->PixelFormat != PixelBltOnly;
}

static int big_enough(const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi)
{
	return mi->HorizontalResolution >= MIN_WIDTH && mi->VerticalResolution >= MIN_HEIGHT;
}

/*
 * The current mode if it is at least 800x600 (no mode switch), else the
 * smallest mode that is; NULL if the machine has no GOP.
 */
static EFI_GRAPHICS_OUTPUT_PROTOCOL *setup_gop(void)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi;
	UINT32 best = ~0U;
	UINT64 best_area = ~0ULL;
	UINTN sz;

	if (EFI_ERROR(LibLocateProtocol(&GraphicsOutputProtocol, (void **)&gop)) || !gop->Mode)
		return NULL;
	mi = gop->Mode->Info;
	if (!(big_enough(mi) && usable_format(mi))) {
		for (UINT32 m = 0; m < gop->Mode->MaxMode; m++) {
			if (EFI_ERROR(gop->QueryMode(gop, m, &sz, &mi)))
				continue;
			UINT64 area = (UINT64)mi->HorizontalResolution * mi->VerticalResolution;
			if (big_enough(mi) && usable_format(mi) && area < best_area) {
				best = m;
				best_area = area;
			}
			FreePool(mi);
		}
		if (best != ~0U && EFI_ERROR(gop->SetMode(gop, best)))
			Print(L"BOOTX64.EFI: cannot switch to GOP mode %u\r\n", best);
	}
	mi = gop->Mode->Info;
	Print(L"BOOTX64.EFI: framebuffer %ux%u at 0x%lx\r\n", mi->HorizontalResolution,
	      mi->VerticalResolution, gop->Mode->FrameBufferBase);
	return gop;
}

/*
 * What the firmware reports, by kind, before the exit (tests compare the
 * kernel's `mem` with it); also the map's size, for the buffer that takes
 * the final map.
 */
static EFI_STATUS show_memory(UINTN *map_size, UINTN *descr_size)
{
	UINT64 kib[EfiMaxMemoryType + 1] = {0};
	UINTN n, key;
	UINT32 vers;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, descr_size, &vers);

	if (!map)
		return EFI_OUT_OF_RESOURCES;
	for (UINTN i = 0; i < n; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((UINT8 *)map + i * *descr_size);
		kib[d->Type < EfiMaxMemoryType ? d->Type : EfiMaxMemoryType] +=
			d->NumberOfPages * 4;
	}
	Print(L"BOOTX64.EFI: memory map, KiB: conventional %lu, boot services %lu, loader %lu, "
	      L"runtime services %lu, ACPI %lu, ACPI NVS %lu\r\n",
	      kib[EfiConventionalMemory], kib[EfiBootServicesCode] + kib[EfiBootServicesData],
	      kib[EfiLoaderCode] + kib[EfiLoaderData],
	      kib[EfiRuntimeServicesCode] + kib[EfiRuntimeServicesData], kib[EfiACPIReclaimMemory],
	      kib[EfiACPIMemoryNVS]);
	*map_size = n * *descr_size;
	FreePool(map);
	return EFI_SUCCESS;
}

static EFI_STATUS load_kernel(EFI_FILE_HANDLE root, struct kernel_image *k)
{
	const CHAR16 *why = NULL;
	UINT8 *file;
	UINTN size;
	EFI_STATUS st = read_file(root, KERNEL_PATH, &file, &size);

	if (EFI_ERROR(st))
		return fail(st, L"cannot read " KERNEL_PATH, NULL);
	st = elf_load(file, size, k, &why);
	FreePool(file);
	if (EFI_ERROR(st))
		return fail(st, KERNEL_PATH, why);
	return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	static char cmdline[CMDLINE_MAX + 1];
	EFI_LOADED_IMAGE *li;
	EFI_FILE_HANDLE root;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	struct kernel_image k;
	struct mb2_builder mb = {0};
	EFI_PHYSICAL_ADDRESS info = INFO_LIMIT;
	UINTN map_size, descr_size, space, key, info_pages;
	UINT32 descr_vers;
	void *map, *rsdp;
	int acpi2, attempt, stale_key;
	char *name;
	EFI_STATUS st;

	InitializeLib(image, systab);
	Print(L"BOOTX64.EFI: MenuOS UEFI loader\r\n");
	st = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return fail(st, L"no loaded image protocol", NULL);
	root = LibOpenRoot(li->DeviceHandle);
	if (!root)
		return fail(EFI_NOT_FOUND, L"cannot open the partition BOOTX64.EFI came from",
			    NULL);
	st = load_kernel(root, &k);
	if (EFI_ERROR(st))
		return st;
	read_cmdline(root, cmdline);
	root->Close(root);
	stale_key = has_word(cmdline, STALE_KEY_WORD);

	rsdp = find_rsdp(&acpi2);
	if (!rsdp)
		Print(L"BOOTX64.EFI: no ACPI table in the configuration table\r\n");
	gop = setup_gop();
	if (!gop)
		Print(L"BOOTX64.EFI: no graphics output; the kernel will use the serial "
		      L"console\r\n");

	st = show_memory(&map_size, &descr_size);
	if (!EFI_ERROR(st)) {
		info_pages = EFI_SIZE_TO_PAGES(EFI_PAGE_SIZE + sizeof(cmdline) + map_size +
					       MAP_SLACK * descr_size);
		st = BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, info_pages, &info);
	}
	if (EFI_ERROR(st)) {
		BS->FreePages(k.base, k.pages);
		return fail(st, L"no memory for the boot information", NULL);
	}
	mb.buf = (UINT8 *)info;
	mb.cap = info_pages * EFI_PAGE_SIZE;
	mb2_add_string(&mb, MB2_TAG_CMDLINE, cmdline);
	name = mb2_add_string(&mb, MB2_TAG_BOOTLOADER, LOADER_NAME);
	if (gop)
		mb2_add_framebuffer(&mb, gop);
	if (rsdp)
		mb2_add_rsdp(&mb, rsdp, acpi2);
	map = mb2_efi_mmap_space(&mb, &space);

	for (attempt = 1;; attempt++) {
		map_size = space;
		st = BS->GetMemoryMap(&map_size, map, &key, &descr_size, &descr_vers);
		if (EFI_ERROR(st) && attempt == 1) {
			BS->FreePages(info, info_pages);
			BS->FreePages(k.base, k.pages);
			return fail(st, L"cannot read the memory map", NULL);
		}
		if (EFI_ERROR(st))
			break;
		if (attempt == 1 && stale_key) {
			EFI_PHYSICAL_ADDRESS page;
			BS->AllocatePages(AllocateAnyPages, EfiLoaderData, 1, &page);
		}
		st = BS->ExitBootServices(image, key);
		if (st != EFI_INVALID_PARAMETER || attempt == EXIT_TRIES)
			break;
	}
	if (EFI_ERROR(st)) {
		/* Boot services may be half gone now (7.4); the console may still print. */
		return fail(st, L"ExitBootServices failed", NULL);
	}

	/* From here on no firmware call: the firmware's boot services are gone. */
	if (name)
		name[sizeof(LOADER_NAME) - 2] = (char)('0' + attempt); /* EXIT_TRIES < 10 */
	mb2_efi_mmap_commit(&mb, map_size, descr_size, descr_vers);
	mb2_finish(&mb);
	__asm__ volatile("cli");
	((kernel_entry_t)k.entry64)(MB2_BOOTLOADER_MAGIC, (UINT32)info);
}
