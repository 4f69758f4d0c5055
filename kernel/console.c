/*
 * The console: output to the serial port and the VGA screen, input from
 * both (their interrupt handlers call console_input).  Input goes through a
 * ring buffer that the reader sleeps on.  Ctrl-C while a foreground task is
 * set becomes an interrupt for that task, as a terminal's line discipline
 * turns it into SIGINT for the foreground process group.
 */
#include <errno.h>
#include <stdint.h>
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/sched.h"
#include "kernel/wait.h"
#include "drivers/serial.h"
#include "drivers/vga.h"

#define INPUT_RING_SIZE 4096 /* a power of two; holds a pasted maximum-length line */
#define CTRL_C		0x03

static char ring[INPUT_RING_SIZE];
static unsigned ring_head, ring_tail; /* free-running; head - tail = bytes queued */
static wait_queue_head_t input_wq = {LIST_HEAD_INIT(input_wq.waiters)};
static struct task *foreground;
/* the screen: VGA text unless kmain found a framebuffer (console_set_screen) */
static void (*screen_write)(const char *s, size_t n) = vga_write;
static void (*screen_clear)(void) = vga_clear;
static void (*screen_scrollback)(int rows) = vga_scrollback;

void console_set_screen(void (*write)(const char *s, size_t n), void (*clear)(void),
			void (*scrollback)(int rows))
{
	screen_write = write;
	screen_clear = clear;
	screen_scrollback = scrollback;
}

/* Serial terminals want CR LF; the VGA console treats LF as a new line already. */
static void serial_write_crlf(const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\n')
			continue;
		serial_write(s + start, i - start);
		serial_write("\r\n", 2);
		start = i + 1;
	}
	serial_write(s + start, n - start);
}

void console_write(const char *s, size_t n)
{
	/* Interrupts off: a message from an interrupt handler is not cut into another. */
	unsigned long flags = irq_save();

	serial_write_crlf(s, n);
	if (screen_write)
		screen_write(s, n);
	irq_restore(flags);
}

void console_putc(char c) { console_write(&c, 1); }

void console_scrollback(int rows)
{
	unsigned long flags = irq_save();

	if (screen_scrollback)
		screen_scrollback(rows);
	irq_restore(flags);
}

void console_clear(void)
{
	static const char ansi_clear[] = "\x1b[2J\x1b[H"; /* ECMA-48 ED 2 and CUP */
	unsigned long flags = irq_save();

	serial_write(ansi_clear, sizeof(ansi_clear) - 1);
	if (screen_clear)
		screen_clear();
	irq_restore(flags);
}

void console_input(char c)
{
	unsigned long flags = irq_save();

	if (c == CTRL_C && foreground) {
		console_write("^C\n", 3); /* as a tty echoes it (termios ECHOCTL) */
		foreground->sigint = 1;
		sched_wake(foreground);
	} else if (ring_head - ring_tail < INPUT_RING_SIZE) {
		ring[ring_head++ % INPUT_RING_SIZE] = c;
		wake_up(&input_wq);
	}
	/* else: the reader is 4 KiB behind; like a full UART FIFO, the byte is lost */
	irq_restore(flags);
}

void console_set_foreground(struct task *t)
{
	unsigned long flags = irq_save();

	foreground = t;
	irq_restore(flags);
}

int console_trygetc(void)
{
	unsigned long flags = irq_save();
	int c = -1;

	if (ring_head != ring_tail)
		c = (unsigned char)ring[ring_tail++ % INPUT_RING_SIZE];
	irq_restore(flags);
	return c;
}

static int input_ready(void *arg)
{
	(void)arg;
	return ring_head != ring_tail;
}

int console_getc(void)
{
	for (;;) {
		int c = console_trygetc();
		int r;

		if (c >= 0)
			return c;
		r = wait_event_cond(&input_wq, input_ready, NULL, -1);
		if (r < 0)
			return r;
	}
}
