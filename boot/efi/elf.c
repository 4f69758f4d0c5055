/*
 * The kernel ELF (System V gABI, "ELF-64 Object File Format"): a checked
 * walk over the header and the program headers, the PT_LOAD segments copied
 * to their physical addresses (p_paddr; the kernel is identity-mapped), the
 * 64-bit entry point read from the kernel's "MenuOS" note (boot/boot.S).
 * Every offset and size comes from the file, so each is checked against the
 * file's size before use: a broken file gives a reason, never a wild copy.
 */
#include <efi.h>
#include <efilib.h>
#include <elf.h>
#include "boot/efi/loader.h"

#define MENUOS_NOTE_NAME    "MenuOS"
#define MENUOS_NOTE_ENTRY64 1
#define KERNEL_LIMIT	    (4ULL << 30) /* boot.S identity-maps the first 4 GiB */
#define NOTE_ALIGN(x)	    (((x) + 3) & ~(UINT64)3)

/* [off, off+len) lies inside a file of `size` bytes (no overflow) */
static int in_file(UINT64 off, UINT64 len, UINTN size) { return off <= size && len <= size - off; }

static EFI_STATUS check_header(const Elf64_Ehdr *eh, UINTN size, const CHAR16 **why)
{
	if (size < sizeof(*eh) || CompareMem(eh->e_ident, ELFMAG, SELFMAG)) {
		*why = L"not an ELF file";
		return EFI_LOAD_ERROR;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64) {
		*why = L"not an x86-64 ELF file";
		return EFI_UNSUPPORTED;
	}
	if (eh->e_type != ET_EXEC) {
		*why = L"not an ELF executable";
		return EFI_UNSUPPORTED;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || !eh->e_phnum ||
	    !in_file(eh->e_phoff, (UINT64)eh->e_phnum * sizeof(Elf64_Phdr), size)) {
		*why = L"program headers missing or outside the file";
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

/* The loaded range, page-aligned, over all PT_LOAD segments. */
static EFI_STATUS load_range(const UINT8 *file, UINTN size, const Elf64_Ehdr *eh, UINT64 *lo,
			     UINT64 *hi, const CHAR16 **why)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(file + eh->e_phoff);

	*lo = ~0ULL;
	*hi = 0;
	for (UINTN i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		if (!in_file(ph[i].p_offset, ph[i].p_filesz, size) ||
		    ph[i].p_filesz > ph[i].p_memsz) {
			*why = L"a segment lies outside the file";
			return EFI_LOAD_ERROR;
		}
		if (ph[i].p_paddr >= KERNEL_LIMIT || ph[i].p_memsz > KERNEL_LIMIT - ph[i].p_paddr) {
			*why = L"a segment lies above 4 GiB";
			return EFI_LOAD_ERROR;
		}
		if (ph[i].p_paddr < *lo)
			*lo = ph[i].p_paddr;
		if (ph[i].p_paddr + ph[i].p_memsz > *hi)
			*hi = ph[i].p_paddr + ph[i].p_memsz;
	}
	if (*hi == 0) {
		*why = L"no loadable segment";
		return EFI_LOAD_ERROR;
	}
	*lo &= ~(UINT64)(EFI_PAGE_SIZE - 1);
	*hi = (*hi + EFI_PAGE_SIZE - 1) & ~(UINT64)(EFI_PAGE_SIZE - 1);
	return EFI_SUCCESS;
}

/* ELF notes: namesz, descsz, type, then name and descriptor, each padded to 4 bytes. */
static int find_entry64(const UINT8 *file, UINTN size, const Elf64_Ehdr *eh, UINT64 *entry)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(file + eh->e_phoff);

	for (UINTN i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_NOTE || !in_file(ph[i].p_offset, ph[i].p_filesz, size))
			continue;
		const UINT8 *p = file + ph[i].p_offset, *end = p + ph[i].p_filesz;
		while ((UINTN)(end - p) >= sizeof(Elf64_Nhdr)) {
			const Elf64_Nhdr *n = (const Elf64_Nhdr *)p;
			UINT64 name_len = NOTE_ALIGN(n->n_namesz),
			       desc_len = NOTE_ALIGN(n->n_descsz);
			const UINT8 *name = p + sizeof(*n), *desc = name + name_len;

			if (name_len > (UINTN)(end - name) || desc_len > (UINTN)(end - desc))
				break;
			if (n->n_namesz == sizeof(MENUOS_NOTE_NAME) &&
			    !CompareMem(name, MENUOS_NOTE_NAME, sizeof(MENUOS_NOTE_NAME)) &&
			    n->n_type == MENUOS_NOTE_ENTRY64 && n->n_descsz == sizeof(UINT64)) {
				CopyMem(entry, (void *)desc, sizeof(UINT64));
				return 1;
			}
			p = desc + desc_len;
		}
	}
	return 0;
}

EFI_STATUS elf_load(const void *file, UINTN size, struct kernel_image *k, const CHAR16 **why)
{
	const UINT8 *f = file;
	const Elf64_Ehdr *eh = file;
	const Elf64_Phdr *ph;
	UINT64 lo, hi;
	EFI_STATUS st;

	st = check_header(eh, size, why);
	if (EFI_ERROR(st))
		return st;
	st = load_range(f, size, eh, &lo, &hi, why);
	if (EFI_ERROR(st))
		return st;
	if (!find_entry64(f, size, eh, &k->entry64) || k->entry64 < lo || k->entry64 >= hi) {
		*why = L"no MenuOS 64-bit entry note inside the image";
		return EFI_LOAD_ERROR;
	}
	/* The kernel is linked to run at its physical address; that memory must be free. */
	k->base = lo;
	k->pages = (hi - lo) / EFI_PAGE_SIZE;
	st = BS->AllocatePages(AllocateAddress, EfiLoaderCode, k->pages, &k->base);
	if (EFI_ERROR(st)) {
		*why = L"the memory the kernel is linked for is not free";
		return st;
	}
	ZeroMem((void *)lo, hi - lo);
	ph = (const Elf64_Phdr *)(f + eh->e_phoff);
	for (UINTN i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_filesz)
			CopyMem((void *)ph[i].p_paddr, (void *)(f + ph[i].p_offset),
				ph[i].p_filesz);
	return EFI_SUCCESS;
}
