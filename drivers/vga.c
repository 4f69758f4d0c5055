/*
 * VGA text-mode console.  Each cell of the buffer at 0xB8000 is a 16-bit
 * word: character in the low byte, attribute (colours) in the high byte.
 * The cursor is moved through the CRT controller (IBM VGA Technical
 * Reference, CRTC registers 0Ah-0Fh).
 *
 * Output is drawn into memory; vga_flush copies to the hardware buffer only
 * the cells that differ from what it holds.  Under emulation every access to
 * the buffer is a trapped device access (QEMU's vga_mem_writeb, one per byte),
 * and a scroll rewrites the whole screen: drawing each line as it comes cost
 * about 0.5 ms per line, more than the network work of a connection.  The
 * console decides when to flush (kernel/console.c).
 */
#include <stdint.h>
#include "drivers/vga.h"
#include "kernel/io.h"

#define VGA_COLS   80
#define VGA_ROWS   25
#define VGA_BUFFER 0xb8000
#define VGA_ATTR   0x07 /* light grey on black */
#define TAB_WIDTH  8

#define CRTC_INDEX	      0x3d4
#define CRTC_DATA	      0x3d5
#define CRTC_CURSOR_START     0x0a
#define CRTC_CURSOR_END	      0x0b
#define CRTC_CURSOR_HI	      0x0e
#define CRTC_CURSOR_LO	      0x0f
#define CURSOR_SCANLINE_START 13 /* an underline cursor in the 16-line cell */
#define CURSOR_SCANLINE_END   14

#define ESC 0x1b

/* Rows kept after they scroll off the top, for Shift-PgUp (32 KiB). */
#define HISTORY_ROWS 200

static volatile uint16_t *const screen = (volatile uint16_t *)VGA_BUFFER;
/*
 * What the screen shows when not scrolled back is kept in `live`; `history`
 * holds the rows that scrolled off, a ring of which hist_count are valid, the
 * newest at hist_next - 1.  view_back: how many rows the user has scrolled
 * back.  `shown` is what the hardware buffer holds (valid once shown_valid),
 * shown_cursor where the hardware cursor is; `dirty`: the view may differ.
 */
static uint16_t live[VGA_ROWS * VGA_COLS];
static uint16_t history[HISTORY_ROWS][VGA_COLS];
static uint16_t shown[VGA_ROWS * VGA_COLS];
static int shown_valid, shown_cursor = -1, dirty;
static int hist_next, hist_count, view_back;
static int row, col; /* col == VGA_COLS: the row is full, wrap at the next character */
/* 0: normal, 1: after ESC, 2: inside a CSI sequence (ESC [) */
static int esc_state;

static inline uint16_t cell(char c) { return (uint16_t)(uint8_t)c | (uint16_t)VGA_ATTR << 8; }

static void update_cursor(void)
{
	/* col == VGA_COLS: a wrap is pending; show the cursor on the last cell */
	int pos = row * VGA_COLS + (col < VGA_COLS ? col : VGA_COLS - 1);

	if (pos == shown_cursor)
		return;
	shown_cursor = pos;
	outb(CRTC_INDEX, CRTC_CURSOR_HI);
	outb(CRTC_DATA, (uint8_t)(pos >> 8));
	outb(CRTC_INDEX, CRTC_CURSOR_LO);
	outb(CRTC_DATA, (uint8_t)pos);
}

/* The screen view_back rows above the live one, where it differs from what is shown. */
void vga_flush(void)
{
	if (!dirty)
		return;
	for (int r = 0; r < VGA_ROWS; r++) {
		int back = view_back - r; /* > 0: a history row, this many from the newest */
		const uint16_t *src = back > 0
			? history[(hist_next - back + HISTORY_ROWS) % HISTORY_ROWS]
			: &live[(r - view_back) * VGA_COLS];

		for (int c = 0; c < VGA_COLS; c++) {
			int pos = r * VGA_COLS + c;

			if (!shown_valid || shown[pos] != src[c])
				screen[pos] = shown[pos] = src[c];
		}
	}
	shown_valid = 1;
	update_cursor();
	dirty = 0;
}

static void set_cell(int pos, uint16_t v)
{
	live[pos] = v;
	dirty = 1;
}

static void scroll(void)
{
	for (int c = 0; c < VGA_COLS; c++)
		history[hist_next][c] = live[c];
	hist_next = (hist_next + 1) % HISTORY_ROWS;
	if (hist_count < HISTORY_ROWS)
		hist_count++;
	for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		live[i] = live[i + VGA_COLS];
	for (int i = (VGA_ROWS - 1) * VGA_COLS; i < VGA_ROWS * VGA_COLS; i++)
		live[i] = cell(' ');
	row = VGA_ROWS - 1;
	dirty = 1;
}

static void newline(void)
{
	col = 0;
	if (++row == VGA_ROWS)
		scroll();
}

/* Draws one byte without touching the hardware cursor. */
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
			col = VGA_COLS - 1;
		}
		return;
	case '\t':
		if (col == VGA_COLS)
			newline();
		col = (col + TAB_WIDTH) & ~(TAB_WIDTH - 1);
		return;
	}
	if ((uint8_t)c < 0x20)
		return;
	/*
	 * Wrap before drawing, not after: a line of exactly 80 characters and
	 * its newline then take one row, not two (as terminals do it).
	 */
	if (col == VGA_COLS)
		newline();
	set_cell(row * VGA_COLS + col++, cell(c));
}

/* New output brings the view back to the live screen, as Linux's console does. */
static void view_live(void)
{
	if (view_back) {
		view_back = 0;
		dirty = 1;
	}
}

void vga_write(const char *s, size_t n)
{
	view_live();
	while (n--)
		put(*s++);
	dirty = 1; /* the cursor moved */
}

void vga_clear(void)
{
	view_back = 0;
	for (int i = 0; i < VGA_ROWS * VGA_COLS; i++)
		set_cell(i, cell(' '));
	row = col = 0;
}

void vga_scrollback(int rows)
{
	int back = view_back + rows;

	if (back > hist_count)
		back = hist_count;
	if (back < 0)
		back = 0;
	if (back != view_back) {
		view_back = back;
		dirty = 1;
	}
}

void vga_init(void)
{
	/* The BIOS may have left the cursor off; make it a visible underline. */
	outb(CRTC_INDEX, CRTC_CURSOR_START);
	outb(CRTC_DATA, CURSOR_SCANLINE_START);
	outb(CRTC_INDEX, CRTC_CURSOR_END);
	outb(CRTC_DATA, CURSOR_SCANLINE_END);
	/* what the BIOS left in the buffer is unknown: the first flush writes every cell */
	shown_valid = 0;
	shown_cursor = -1;
	vga_clear();
	vga_flush();
}
