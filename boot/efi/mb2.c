/*
 * Multiboot2 information (boot/multiboot2.h), as GRUB would leave it: the
 * kernel parses one format whichever loader started it.
 */
#include <efi.h>
#include <efilib.h>
#include "boot/multiboot2.h"
#include "boot/efi/loader.h"

#define ALIGN_TAG(x) (((x) + MB2_TAG_ALIGN - 1) & ~(UINTN)(MB2_TAG_ALIGN - 1))

void *mb2_add_tag(struct mb2_builder *b, UINT32 type, UINTN size)
{
	struct mb2_tag *t;

	if (b->len < sizeof(struct mb2_info_header))
		b->len = sizeof(struct mb2_info_header);
	/* room for this tag and the end tag */
	if (ALIGN_TAG(size) + sizeof(struct mb2_tag) > b->cap - b->len)
		return NULL;
	t = (struct mb2_tag *)(b->buf + b->len);
	ZeroMem(t, ALIGN_TAG(size));
	t->type = type;
	t->size = (UINT32)size;
	b->len += ALIGN_TAG(size);
	return t;
}

char *mb2_add_string(struct mb2_builder *b, UINT32 type, const char *s)
{
	UINTN n = strlena((const CHAR8 *)s) + 1;
	UINT8 *t = mb2_add_tag(b, type, sizeof(struct mb2_tag) + n);

	if (!t)
		return NULL;
	CopyMem(t + sizeof(struct mb2_tag), (void *)s, n);
	return (char *)(t + sizeof(struct mb2_tag));
}

/* Channel position and width from a UEFI pixel bit mask (UEFI 2.10 12.9.1). */
static void mask_field(UINT32 mask, UINT8 *pos, UINT8 *size)
{
	*pos = *size = 0;
	if (!mask)
		return;
	while (!(mask & 1)) {
		mask >>= 1;
		(*pos)++;
	}
	while (mask & 1) {
		mask >>= 1;
		(*size)++;
	}
}

void mb2_add_framebuffer(struct mb2_builder *b, EFI_GRAPHICS_OUTPUT_PROTOCOL *gop)
{
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi = gop->Mode->Info;
	struct mb2_tag_framebuffer *t;
	UINT8 bpp = 32;
	UINT8 rp = 0, rs = 8, gp = 8, gs = 8, bp = 16,
	      bs = 8; /* PixelRedGreenBlueReserved8BitPerColor */

	switch (mi->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
		break;
	case PixelBlueGreenRedReserved8BitPerColor:
		rp = 16;
		bp = 0;
		break;
	case PixelBitMask: {
		UINT8 xp, xs;
		mask_field(mi->PixelInformation.RedMask, &rp, &rs);
		mask_field(mi->PixelInformation.GreenMask, &gp, &gs);
		mask_field(mi->PixelInformation.BlueMask, &bp, &bs);
		mask_field(mi->PixelInformation.ReservedMask, &xp, &xs);
		bpp = rs + gs + bs + xs;
		break;
	}
	default: /* PixelBltOnly: no framebuffer to hand over */
		return;
	}
	t = mb2_add_tag(b, MB2_TAG_FRAMEBUFFER, sizeof(*t));
	if (!t)
		return;
	t->addr = gop->Mode->FrameBufferBase;
	t->pitch = mi->PixelsPerScanLine * ((bpp + 7) / 8);
	t->width = mi->HorizontalResolution;
	t->height = mi->VerticalResolution;
	t->bpp = bpp;
	t->fb_type = MB2_FRAMEBUFFER_RGB;
	t->red_pos = rp;
	t->red_size = rs;
	t->green_pos = gp;
	t->green_size = gs;
	t->blue_pos = bp;
	t->blue_size = bs;
}

/* ACPI 6.4 5.2.5.3: the RSDP is 20 bytes (revision 0) or `Length` bytes (offset 20). */
void mb2_add_rsdp(struct mb2_builder *b, const void *rsdp, int acpi2)
{
	UINT32 len = 20;
	UINT8 *t;

	if (acpi2)
		CopyMem(&len, (UINT8 *)rsdp + 20, sizeof(len));
	if (len < 20 || len > 256)
		return;
	t = mb2_add_tag(b, acpi2 ? MB2_TAG_ACPI_NEW : MB2_TAG_ACPI_OLD,
			sizeof(struct mb2_tag) + len);
	if (t)
		CopyMem(t + sizeof(struct mb2_tag), (void *)rsdp, len);
}

void *mb2_efi_mmap_space(struct mb2_builder *b, UINTN *space)
{
	UINTN hdr = sizeof(struct mb2_tag_efi_mmap);

	if (b->len < sizeof(struct mb2_info_header))
		b->len = sizeof(struct mb2_info_header);
	*space = b->cap - b->len - hdr - sizeof(struct mb2_tag) - MB2_TAG_ALIGN;
	return b->buf + b->len + hdr;
}

void mb2_efi_mmap_commit(struct mb2_builder *b, UINTN map_size, UINTN descr_size, UINT32 descr_vers)
{
	struct mb2_tag_efi_mmap *t = (struct mb2_tag_efi_mmap *)(b->buf + b->len);

	t->type = MB2_TAG_EFI_MMAP;
	t->size = (UINT32)(sizeof(*t) + map_size);
	t->descr_size = (UINT32)descr_size;
	t->descr_vers = descr_vers;
	b->len += ALIGN_TAG(t->size);
}

void mb2_finish(struct mb2_builder *b)
{
	struct mb2_tag *end = (struct mb2_tag *)(b->buf + b->len);
	struct mb2_info_header *h = (struct mb2_info_header *)b->buf;

	end->type = MB2_TAG_END;
	end->size = sizeof(*end);
	b->len += sizeof(*end);
	h->total_size = (UINT32)b->len;
	h->reserved = 0;
}
