/*
 * VGA text mode: 80x25 characters at physical 0xB8000, with scrolling and
 * the hardware cursor.  Understands \n (new line), \r, \b (cursor left, also
 * back over a wrapped line), \t (next multiple of 8); ANSI escape sequences
 * (ESC [ ... final byte) are consumed, not drawn, so output meant for a
 * serial terminal does not litter the screen.  The rows that scroll off the
 * top are kept (a few hundred): vga_scrollback shows them, and the next
 * output returns to the live screen.
 */
#ifndef DRIVERS_VGA_H
#define DRIVERS_VGA_H

#include <stddef.h>

void vga_init(void); /* clears the screen */
/* These change the screen in memory; vga_flush shows the change. */
void vga_write(const char *s, size_t n);
void vga_clear(void);
/* Moves the view rows further back into the history (negative: forward). */
void vga_scrollback(int rows);
/* Writes to the hardware the cells (and the cursor) that changed since it last did. */
void vga_flush(void);

#endif
