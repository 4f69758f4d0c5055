/*
 * Framebuffer text console: the VGA text console's behaviour (same control
 * characters, ANSI sequences consumed, wrap before drawing, scrolling, an
 * underline cursor, light grey on black) drawn with an 8x16 bitmap font on a
 * linear framebuffer of 32-bit pixels with any pitch and channel layout.
 * The boot loader says where the framebuffer is; this file knows nothing
 * about boot protocols.
 */
#ifndef DRIVERS_FBCON_H
#define DRIVERS_FBCON_H

#include <stddef.h>
#include <stdint.h>

/* where a colour channel lies in a pixel (as Linux's struct fb_bitfield) */
struct fb_bitfield {
	uint8_t offset, length;
};

struct framebuffer {
	uint64_t phys;		/* physical address of pixel (0, 0) */
	uint32_t pitch;		/* bytes from one line to the next */
	uint32_t width, height; /* pixels */
	uint32_t bpp;		/* bits per pixel */
	struct fb_bitfield red, green, blue;
};

#define FONT_WIDTH  8
#define FONT_HEIGHT 16
#define FONT_FIRST  0x20 /* the font covers ' ' .. '~' */
#define FONT_LAST   0x7e
/* One byte per row, most significant bit leftmost (drivers/font_8x16.c). */
extern const uint8_t font_8x16[FONT_LAST - FONT_FIRST + 1][FONT_HEIGHT];
extern const uint8_t font_8x16_unknown[FONT_HEIGHT]; /* bytes outside the font */

/* 0, or -EINVAL if the framebuffer is not one we can draw on (not 32 bpp, too small). */
int fbcon_init(const struct framebuffer *fb);
void fbcon_write(const char *s, size_t n);
void fbcon_clear(void);

#endif
