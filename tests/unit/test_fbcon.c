/*
 * drivers/fbcon.c on the host, drawing into a buffer that plays the
 * framebuffer: cells read back through the font, for the VGA console's rules
 * (wrap before drawing, scroll, backspace over a wrapped line, tabs, ANSI
 * sequences consumed), the cursor, pitches wider than the picture, channel
 * layouts, and framebuffers it must refuse.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/fbcon.h"

#define W     804  /* 100 columns and 4 spare pixels */
#define H     40   /* 2 rows and 8 spare lines */
#define PITCH 3300 /* bytes; more than W * 4 */
#define COLS  100
#define GREY8 0xaa

static _Alignas(8) uint8_t fbmem[PITCH * H];
static uint32_t fg;

static const struct framebuffer xrgb = {
	.pitch = PITCH,
	.width = W,
	.height = H,
	.bpp = 32,
	.red = {16, 8},
	.green = {8, 8},
	.blue = {0, 8},
};

static void setup_fb(const struct framebuffer *layout, uint32_t fg_pixel)
{
	struct framebuffer fb = *layout;

	memset(fbmem, 0x5a, sizeof(fbmem));
	fb.phys = (uintptr_t)fbmem;
	assert_int_equal(fbcon_init(&fb), 0);
	fg = fg_pixel;
}

static uint32_t pixel(int x, int y)
{
	uint32_t p;

	memcpy(&p, fbmem + (size_t)y * PITCH + (size_t)x * 4, 4);
	return p;
}

/* The cell's 16 rows as the font stores them; every pixel must be fg or black. */
static void cell_bits(int r, int c, uint8_t bits[FONT_HEIGHT])
{
	for (int y = 0; y < FONT_HEIGHT; y++) {
		bits[y] = 0;
		for (int x = 0; x < FONT_WIDTH; x++) {
			uint32_t p = pixel(c * FONT_WIDTH + x, r * FONT_HEIGHT + y);
			assert_true(p == fg || p == 0);
			if (p == fg)
				bits[y] |= 0x80 >> x;
		}
	}
}

/* bits show glyph, or glyph under the cursor (scan lines 13 and 14 filled) */
static int shows(const uint8_t *bits, const uint8_t *glyph)
{
	uint8_t g[FONT_HEIGHT];

	if (!memcmp(bits, glyph, FONT_HEIGHT))
		return 1;
	memcpy(g, glyph, FONT_HEIGHT);
	g[13] = g[14] = 0xff;
	return !memcmp(bits, g, FONT_HEIGHT);
}

/* The character in a cell, '#' for the unknown-byte box, '?' for no glyph. */
static char cell(int r, int c)
{
	uint8_t bits[FONT_HEIGHT];

	cell_bits(r, c, bits);
	for (int ch = FONT_FIRST; ch <= FONT_LAST; ch++)
		if (shows(bits, font_8x16[ch - FONT_FIRST]))
			return (char)ch;
	if (shows(bits, font_8x16_unknown))
		return '#';
	return '?';
}

static int has_cursor(int r, int c)
{
	uint8_t bits[FONT_HEIGHT];

	cell_bits(r, c, bits);
	return bits[13] == 0xff && bits[14] == 0xff;
}

static void row_text(int r, char *out)
{
	int n = 0;

	for (int c = 0; c < COLS; c++)
		out[c] = cell(r, c);
	for (n = COLS; n > 0 && out[n - 1] == ' '; n--)
		;
	out[n] = '\0';
}

static void assert_row(int r, const char *want)
{
	char got[COLS + 1];

	row_text(r, got);
	assert_string_equal(got, want);
}

static void put(const char *s) { fbcon_write(s, strlen(s)); }

static void test_text_and_cursor(void **state)
{
	(void)state;
	setup_fb(&xrgb, 0xaaaaaa);
	assert_true(has_cursor(0, 0));
	put("MenuOS>>");
	assert_row(0, "MenuOS>>");
	assert_true(has_cursor(0, 8));
	assert_false(has_cursor(0, 0));
	/* the 4 spare pixels at the right and the pitch padding: black after the clear */
	assert_true(pixel(W - 1, 0) == 0);
	assert_int_equal(fbmem[W * 4], 0);
}

static void test_wrap_before_drawing(void **state)
{
	char line[COLS + 2];

	(void)state;
	setup_fb(&xrgb, 0xaaaaaa);
	memset(line, 'w', COLS);
	line[COLS] = '\n';
	line[COLS + 1] = '\0';
	put(line); /* exactly one row: its newline does not add an empty one */
	put("x");
	line[COLS] = '\0';
	assert_row(0, line);
	assert_row(1, "x");
}

static void test_scroll(void **state)
{
	(void)state;
	setup_fb(&xrgb, 0xaaaaaa);
	put("one\ntwo\nthree");
	assert_row(0, "two");
	assert_row(1, "three");
	put("\n");
	assert_row(0, "three");
	assert_row(1, "");
	assert_true(has_cursor(1, 0));
}

static void test_backspace_tab_escape(void **state)
{
	char line[COLS + 1];

	(void)state;
	setup_fb(&xrgb, 0xaaaaaa);
	put("typo\b\b\bped");
	assert_row(0, "tped");
	put("\r\n");
	/* a tab at column 96 of 100 goes to the end of the row; the next byte wraps */
	memset(line, 'a', 96);
	line[96] = '\0';
	put(line);
	put("\tb");
	assert_row(0, line);
	assert_row(1, "b");
	/* backspace at column 0 goes back to the end of the line above */
	put("\r\bZ");
	memset(line + 96, ' ', 3);
	line[COLS - 1] = 'Z';
	line[COLS] = '\0';
	assert_row(0, line);
	/* ANSI sequences are consumed, other control bytes dropped, others boxed */
	fbcon_clear();
	put("\x1b[1;31mred\x1b[0m\x07 \x80");
	assert_row(0, "red #");
}

static void test_clear(void **state)
{
	(void)state;
	setup_fb(&xrgb, 0xaaaaaa);
	put("text\nmore");
	fbcon_clear();
	assert_row(0, "");
	assert_row(1, "");
	assert_true(has_cursor(0, 0));
}

static void test_channel_layouts(void **state)
{
	struct framebuffer bgr = xrgb, wide = xrgb;

	(void)state;
	bgr.red = (struct fb_bitfield){0, 8};
	bgr.blue = (struct fb_bitfield){16, 8};
	setup_fb(&bgr, 0xaaaaaa);
	put("A");
	assert_row(0, "A");
	/* 10 bits per channel (x2r10g10b10): the level scales up */
	wide.red = (struct fb_bitfield){20, 10};
	wide.green = (struct fb_bitfield){10, 10};
	wide.blue = (struct fb_bitfield){0, 10};
	setup_fb(&wide, (GREY8 << 2) << 20 | (GREY8 << 2) << 10 | GREY8 << 2);
	put("A");
	assert_row(0, "A");
}

static void test_refuses_what_it_cannot_draw(void **state)
{
	struct framebuffer fb = xrgb;

	(void)state;
	fb.phys = (uintptr_t)fbmem;
	fb.bpp = 24;
	assert_int_equal(fbcon_init(&fb), -EINVAL);
	fb.bpp = 32;
	fb.pitch = W * 4 - 4;
	assert_int_equal(fbcon_init(&fb), -EINVAL);
	fb.pitch = PITCH;
	fb.height = FONT_HEIGHT - 1;
	assert_int_equal(fbcon_init(&fb), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_and_cursor),
		cmocka_unit_test(test_wrap_before_drawing),
		cmocka_unit_test(test_scroll),
		cmocka_unit_test(test_backspace_tab_escape),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_channel_layouts),
		cmocka_unit_test(test_refuses_what_it_cannot_draw),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
