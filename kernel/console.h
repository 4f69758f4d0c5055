/*
 * Consoles: output goes to the serial port and the VGA screen; input comes
 * from either (serial receive interrupt, PS/2 keyboard).  Ctrl-C typed while
 * a foreground task is set interrupts that task instead of being queued.
 *
 * console_write never waits for the serial line in a context that cannot
 * sleep: when the terminal stops reading, such messages are dropped from the
 * serial side and counted ("console: N messages suppressed" follows once it
 * reads again); the foreground task and the shell wait for room instead.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

void console_write(const char *s, size_t n);
void console_putc(char c);
int console_getc(void);	    /* blocks; returns a byte, or -EINTR */
int console_trygetc(void);  /* -1 when no input */
void console_input(char c); /* called by drivers for every received byte */
struct task;
void console_set_foreground(struct task *t); /* NULL: the shell itself */
void console_clear(void);
/* The screen half of the console (VGA text by default); NULLs: serial only.
 * scrollback (may be NULL) shows rows that scrolled off: console_scrollback.
 * flush (may be NULL: write and clear draw at once) puts what write, clear
 * and scrollback changed on the display; the console calls it at most 20 ms
 * after a change, and at once before it waits for input. */
void console_set_screen(void (*write)(const char *s, size_t n), void (*clear)(void),
			void (*scrollback)(int rows), void (*flush)(void));
/* Shift-PgUp/PgDn: the screen shows rows that scrolled off (negative: back
 * towards the live screen); new output returns to it. */
#define CONSOLE_SCROLL_PAGE 12 /* half a screen, as Linux's console */
void console_scrollback(int rows);
/*
 * The reader's line editor: fn reprints the prompt and the line being typed.
 * Output that arrives while the reader waits in console_getc at a line with
 * typed characters blanks that line first, and console_getc calls fn (in the reader's task) before it returns
 * or sleeps again.
 */
void console_set_redraw(void (*fn)(void));
void console_line_typed(int typed); /* the line holds typed characters: redraw it */
void console_tx_room(void);	    /* from the UART's interrupt: its transmit ring has room */
/* A panic or fatal fault: queued output is written out now, and every later
 * byte is written synchronously (polled), never dropped. */
void console_flush_on_panic(void);

#endif
