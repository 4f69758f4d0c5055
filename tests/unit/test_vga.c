/*
 * drivers/vga.c on the host, with its text buffer at 0xB8000 mapped in the
 * test process and the CRT controller's ports recorded: output changes the
 * hardware buffer only at vga_flush, a flush writes only the cells that
 * changed (and the cursor only when it moved), and scrolling and the
 * scrollback view come out right.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "drivers/vga.h"

#define VGA_BUFFER 0xb8000UL
#define COLS	   80
#define ROWS	   25
#define POISON	   0xdead /* a value the driver never writes: its cells were not touched */

static volatile uint16_t *const hw = (volatile uint16_t *)VGA_BUFFER;
static int port_writes;
static uint8_t crtc_index, cursor_hi, cursor_lo;

void host_outb(uint16_t port, uint8_t v)
{
	port_writes++;
	if (port == 0x3d4)
		crtc_index = v;
	else if (port == 0x3d5 && crtc_index == 0x0e)
		cursor_hi = v;
	else if (port == 0x3d5 && crtc_index == 0x0f)
		cursor_lo = v;
}

static int cursor(void) { return cursor_hi << 8 | cursor_lo; }

/* Row r of the hardware buffer as text (trailing blanks removed); '?' for a cell not drawn. */
static const char *hw_row(int r)
{
	static char s[COLS + 1];
	int n = 0;

	for (int c = 0; c < COLS; c++) {
		uint16_t v = hw[r * COLS + c];

		s[c] = v == POISON ? '?' : (char)(v & 0xff);
		assert_true(v == POISON || (v >> 8) == 0x07);
	}
	for (int c = 0; c < COLS; c++)
		if (s[c] != ' ')
			n = c + 1;
	s[n] = '\0';
	return s;
}

static void poison(void)
{
	for (int i = 0; i < COLS * ROWS; i++)
		hw[i] = POISON;
}

static int untouched(void)
{
	int n = 0;

	for (int i = 0; i < COLS * ROWS; i++)
		n += hw[i] == POISON;
	return n;
}

static void put(const char *s) { vga_write(s, strlen(s)); }

static int setup(void **state)
{
	static int mapped;

	(void)state;
	if (!mapped) {
		void *p = mmap((void *)VGA_BUFFER, 0x8000, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != (void *)VGA_BUFFER)
			return -1;
		mapped = 1;
	}
	poison();
	vga_init(); /* clears; the first flush draws every cell */
	return 0;
}

static void test_init_draws_the_whole_screen(void **state)
{
	(void)state;
	assert_int_equal(untouched(), 0);
	for (int r = 0; r < ROWS; r++)
		assert_string_equal(hw_row(r), "");
	assert_int_equal(cursor(), 0);
}

static void test_output_shows_at_flush_only(void **state)
{
	(void)state;
	put("hello\nworld");
	assert_string_equal(hw_row(0), "");
	assert_int_equal(cursor(), 0);
	vga_flush();
	assert_string_equal(hw_row(0), "hello");
	assert_string_equal(hw_row(1), "world");
	assert_int_equal(cursor(), COLS + 5);
}

static void test_flush_writes_only_what_changed(void **state)
{
	(void)state;
	put("abc");
	vga_flush();
	poison();
	port_writes = 0;
	vga_flush(); /* nothing changed since */
	assert_int_equal(untouched(), COLS * ROWS);
	assert_int_equal(port_writes, 0);
	put("d\b\bX"); /* one new cell, one rewritten; the cursor ends where it was */
	vga_flush();
	assert_int_equal(untouched(), COLS * ROWS - 2);
	assert_memory_equal(hw_row(0), "??Xd?", 5); /* the rest: untouched() */
	assert_int_equal(port_writes, 0);
	assert_int_equal(cursor(), 3);
	poison();
	put("de"); /* 'd' is as shown, 'e' is new, the cursor moves */
	vga_flush();
	assert_int_equal(untouched(), COLS * ROWS - 1);
	assert_memory_equal(hw_row(0), "????e?", 6);
	assert_int_equal(port_writes, 4); /* index and data, high and low byte */
	assert_int_equal(cursor(), 5);
}

static void test_scroll_and_scrollback(void **state)
{
	char line[32];

	(void)state;
	for (int i = 0; i < 30; i++) {
		snprintf(line, sizeof(line), "line%02d\n", i);
		put(line);
	}
	vga_flush();
	/* 30 lines and the empty one after them: line06 is on top */
	assert_string_equal(hw_row(0), "line06");
	assert_string_equal(hw_row(ROWS - 2), "line29");
	assert_string_equal(hw_row(ROWS - 1), "");
	assert_int_equal(cursor(), (ROWS - 1) * COLS);
	vga_scrollback(4);
	assert_string_equal(hw_row(0), "line06"); /* not before the flush */
	vga_flush();
	assert_string_equal(hw_row(0), "line02");
	assert_string_equal(hw_row(ROWS - 1), "line26");
	put("x"); /* new output returns to the live screen */
	vga_flush();
	assert_string_equal(hw_row(0), "line06");
	assert_string_equal(hw_row(ROWS - 1), "x");
}

static void test_clear(void **state)
{
	(void)state;
	put("something\nmore");
	vga_flush();
	vga_clear();
	assert_string_equal(hw_row(0), "something");
	vga_flush();
	assert_string_equal(hw_row(0), "");
	assert_string_equal(hw_row(1), "");
	assert_int_equal(cursor(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_draws_the_whole_screen, setup),
		cmocka_unit_test_setup(test_output_shows_at_flush_only, setup),
		cmocka_unit_test_setup(test_flush_writes_only_what_changed, setup),
		cmocka_unit_test_setup(test_scroll_and_scrollback, setup),
		cmocka_unit_test_setup(test_clear, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
