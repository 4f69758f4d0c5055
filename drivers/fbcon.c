/*
 * Framebuffer text console.  The text grid fills the screen in 8x16 cells
 * from the top left; a copy of the characters (text[]) lets the cursor be
 * drawn and removed without reading video memory back.  Scrolling moves the
 * pixel lines up with one memmove.  The control characters and the wrap rule
 * are drivers/vga.c's, so both screens show the same text.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "drivers/fbcon.h"

#define MAX_COLS     256 /* 2048 pixels; wider screens keep a margin on the right */
#define MAX_ROWS     128
#define TAB_WIDTH    8
#define ESC	     0x1b
/* VGA's attribute 0x07: light grey (palette entry 7, 0xAAAAAA) on black */
#define FG_LEVEL     0xaa
/* the VGA cursor's scan lines (drivers/vga.c) */
#define CURSOR_FIRST 13
#define CURSOR_LAST  14

static uint8_t *fb_base;
static uint32_t fb_pitch, fb_height, fg_pixel;
static int cols, rows, row, col; /* col == cols: the row is full, wrap at the next character */
static int esc_state;		 /* 0: normal, 1: after ESC, 2: inside ESC [ ... */
static char text[MAX_ROWS][MAX_COLS];

static uint32_t channel(struct fb_bitfield f, unsigned level)
{
	/* scale the 8-bit level to the channel's width */
	unsigned v = f.length >= 8 ? level << (f.length - 8) : level >> (8 - f.length);

	return (uint32_t)v << f.offset;
}

static uint32_t *pixel_row(int r, int line)
{
	return (uint32_t *)(fb_base + ((uint64_t)r * FONT_HEIGHT + line) * fb_pitch);
}

static void draw_cell(int r, int c, int cursor)
{
	unsigned char ch = (unsigned char)text[r][c];
	const uint8_t *glyph = ch >= FONT_FIRST && ch <= FONT_LAST ? font_8x16[ch - FONT_FIRST]
								   : font_8x16_unknown;

	for (int y = 0; y < FONT_HEIGHT; y++) {
		uint32_t *p = pixel_row(r, y) + c * FONT_WIDTH;
		uint8_t bits = cursor && y >= CURSOR_FIRST && y <= CURSOR_LAST ? 0xff : glyph[y];

		for (int x = 0; x < FONT_WIDTH; x++)
			p[x] = bits & (0x80 >> x) ? fg_pixel : 0;
	}
}

/* col == cols: a wrap is pending; the cursor stays on the last cell, as on VGA */
static void cursor(int on) { draw_cell(row, col < cols ? col : cols - 1, on); }

static void scroll(void)
{
	size_t line_bytes = (size_t)FONT_HEIGHT * fb_pitch;

	memmove(fb_base, fb_base + line_bytes, (size_t)(rows - 1) * line_bytes);
	memset(fb_base + (size_t)(rows - 1) * line_bytes, 0, line_bytes);
	memmove(text[0], text[1], (size_t)(rows - 1) * sizeof(text[0]));
	memset(text[rows - 1], ' ', sizeof(text[0]));
	row = rows - 1;
}

static void newline(void)
{
	col = 0;
	if (++row == rows)
		scroll();
}

static void put(char c)
{
	if (esc_state == 1) {
		esc_state = c == '[' ? 2 : 0;
		return;
	}
	if (esc_state == 2) {
		/* ECMA-48 5.4: a control sequence ends with a byte in 0x40..0x7e */
		if (c >= 0x40 && c <= 0x7e)
			esc_state = 0;
		return;
	}
	switch (c) {
	case ESC:
		esc_state = 1;
		return;
	case '\n':
		newline();
		return;
	case '\r':
		col = 0;
		return;
	case '\b':
		if (col > 0) {
			col--;
		} else if (row > 0) {
			row--;
			col = cols - 1;
		}
		return;
	case '\t':
		if (col == cols)
			newline();
		col = (col + TAB_WIDTH) & ~(TAB_WIDTH - 1);
		if (col > cols)
			col = cols;
		return;
	}
	if ((uint8_t)c < 0x20)
		return;
	if (col == cols)
		newline();
	text[row][col] = c;
	draw_cell(row, col++, 0);
}

void fbcon_write(const char *s, size_t n)
{
	if (!fb_base)
		return;
	cursor(0);
	while (n--)
		put(*s++);
	cursor(1);
}

void fbcon_clear(void)
{
	if (!fb_base)
		return;
	memset(fb_base, 0, (size_t)fb_pitch * fb_height);
	memset(text, ' ', sizeof(text));
	row = col = 0;
	cursor(1);
}

int fbcon_init(const struct framebuffer *fb)
{
	if (fb->bpp != 32 || fb->width < FONT_WIDTH || fb->height < FONT_HEIGHT ||
	    fb->pitch < fb->width * 4)
		return -EINVAL;
	fb_base = (uint8_t *)(uintptr_t)fb->phys;
	fb_pitch = fb->pitch;
	fb_height = fb->height;
	fg_pixel = channel(fb->red, FG_LEVEL) | channel(fb->green, FG_LEVEL) |
		   channel(fb->blue, FG_LEVEL);
	cols = (int)(fb->width / FONT_WIDTH);
	rows = (int)(fb->height / FONT_HEIGHT);
	if (cols > MAX_COLS)
		cols = MAX_COLS;
	if (rows > MAX_ROWS)
		rows = MAX_ROWS;
	fbcon_clear();
	return 0;
}
