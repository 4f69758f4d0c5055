/*
 * The console: output to the serial port and the VGA screen, input from
 * both (their interrupt handlers call console_input).  Input goes through a
 * ring buffer that the reader sleeps on.  Ctrl-C while a foreground task is
 * set becomes an interrupt for that task, as a terminal's line discipline
 * turns it into SIGINT for the foreground process group.
 *
 * Serial output is queued in the UART's transmit ring and never waited for
 * in a context that cannot sleep.  When the ring is full (the terminal stopped
 * reading), a writer that may sleep waits for room; every other message (from
 * an interrupt or softirq, with interrupts or preemption off, or from a
 * background task) is dropped from the serial side and counted, and
 * "console: N messages suppressed" goes out once there is room again, as
 * Linux reports what its ratelimit suppressed.  The screen gets every byte.
 *
 * The screen is drawn in memory and put on the hardware (screen_flush) at
 * most SCREEN_FLUSH_MS after it changed, and at once before the reader waits
 * for input, in a context with interrupts off, and on panic: a display shows
 * a new picture only at its refresh anyway, and under emulation each write
 * to VGA memory is a trapped access, so drawing every line as it came cost
 * more than the connection that printed it (replyhi prints two).
 *
 * Output that arrives while the shell waits at a partly typed line (a
 * background task's line, a printk) is asynchronous: the line is blanked
 * first and the shell redraws its prompt and line afterwards, as readline's
 * rl_clear_visible_line / rl_forced_update_display do.  At an empty prompt
 * the output simply follows the prompt, as before (scripts driving the
 * console wait for one prompt per command).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "kernel/wait.h"
#include "drivers/serial.h"
#include "drivers/vga.h"

#define INPUT_RING_SIZE 4096 /* a power of two; holds a pasted maximum-length line */
#define CTRL_C		0x03
#define WRITE_CHUNK	4096 /* a larger write is queued in pieces (the serial ring holds 16 KiB) */
#define ERASE_MAX	160  /* a line wider than this is left alone and output starts below it */
#define X86_EFLAGS_IF	0x200
/* A frame at 50 Hz: below what a viewer notices, and QEMU's display refreshes every 30 ms. */
#define SCREEN_FLUSH_MS 20

extern volatile unsigned int preempt_count; /* kernel/softirq.c */

static char ring[INPUT_RING_SIZE];
static unsigned ring_head, ring_tail; /* free-running; head - tail = bytes queued */
static wait_queue_head_t input_wq = {LIST_HEAD_INIT(input_wq.waiters)};
static struct task *foreground;
/* the screen: VGA text unless kmain found a framebuffer (console_set_screen) */
static void (*screen_write)(const char *s, size_t n) = vga_write;
static void (*screen_clear)(void) = vga_clear;
static void (*screen_scrollback)(int rows) = vga_scrollback;
static void (*screen_flush)(void) = vga_flush;

void console_set_screen(void (*write)(const char *s, size_t n), void (*clear)(void),
			void (*scrollback)(int rows), void (*flush)(void))
{
	screen_write = write;
	screen_clear = clear;
	screen_scrollback = scrollback;
	screen_flush = flush;
}

static wait_queue_head_t output_wq = {LIST_HEAD_INIT(output_wq.waiters)};
static unsigned long suppressed; /* messages the serial side dropped, not yet reported */
static int panicking;		 /* console_flush_on_panic: polled, nothing dropped */

/* Interrupts off. */
static void screen_show(void)
{
	if (screen_flush)
		screen_flush();
}

static void screen_flush_timer(struct timer_list *t)
{
	unsigned long flags = irq_save();

	(void)t;
	screen_show();
	irq_restore(flags);
}

static struct timer_list screen_timer = {
	.entry = LIST_HEAD_INIT(screen_timer.entry),
	.function = screen_flush_timer,
};

/*
 * The screen changed, in a writer whose interrupt flag was `flags`;
 * interrupts off.  With interrupts off the timer may not run yet (early boot)
 * or the writer may be a fault handler: the change is shown at once.
 */
static void screen_changed(unsigned long flags)
{
	if (panicking || !(flags & X86_EFLAGS_IF))
		screen_show();
	else if (!timer_pending(&screen_timer))
		mod_timer(&screen_timer, jiffies_ms() + SCREEN_FLUSH_MS);
}

static struct task *reader; /* the task that reads the console (the shell) */
static int reader_waiting;  /* it sleeps in console_getc */
static int line_typed;	    /* its line editor holds typed characters */
static int redraw_pending;  /* its line was blanked by asynchronous output */
static void (*redraw)(void);
static size_t col, width; /* cursor column, and the widest the current line got */

/* Serial terminals want CR LF; the VGA console treats LF as a new line already. */
static size_t serial_len(const char *s, size_t n)
{
	size_t len = n;

	for (size_t i = 0; i < n; i++)
		len += s[i] == '\n';
	return len;
}

static void serial_put(const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\n')
			continue;
		serial_tx_queue(s + start, i - start);
		serial_tx_queue("\r\n", 2);
		start = i + 1;
	}
	serial_tx_queue(s + start, n - start);
}

/* Follows the cursor as a terminal moves it: LF and CR to column 0, BS back one. */
static void track(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			col = width = 0;
		else if (s[i] == '\r')
			col = 0;
		else if (s[i] == '\b')
			col -= col > 0;
		else if (++col > width)
			width = col;
	}
}

/* What blanks the line the shell's reader is typing on; empty if there is none. */
static size_t erase_seq(char *buf)
{
	size_t n = 0;

	if (!reader_waiting || !redraw || !line_typed || redraw_pending || !width)
		return 0;
	if (width > ERASE_MAX - 2) {
		buf[n++] = '\n';
		return n;
	}
	buf[n++] = '\r';
	for (size_t i = 0; i < width; i++)
		buf[n++] = ' ';
	buf[n++] = '\r';
	return n;
}

static size_t notice(char *buf, size_t size)
{
	int n = snprintf(buf, size, "console: %lu messages suppressed\n", suppressed);

	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/* The screens show everything, at once (the VGA text buffer is memory). */
static void screens_write(const char *s, size_t n)
{
	if (screen_write)
		screen_write(s, n);
}

/*
 * Sends one message to the serial ring (after the blanking of the shell's
 * line when it is asynchronous, and the report of earlier drops when both
 * fit), or counts it dropped; and to the screens.  Interrupts off; the
 * caller has waited for room if it may.
 */
static void emit(const char *s, size_t n)
{
	char erase[ERASE_MAX], note[64];
	size_t elen = erase_seq(erase);
	size_t nlen = suppressed ? notice(note, sizeof(note)) : 0;
	size_t need = serial_len(erase, elen) + serial_len(s, n);
	size_t room = serial_tx_room();
	int fits = panicking || room >= need;

	if (!fits || !(panicking || room >= need + serial_len(note, nlen)))
		nlen = 0; /* the report waits for more room */
	if (elen) {
		redraw_pending = 1;
		wake_up(&input_wq);
	}
	if (fits) {
		if (nlen)
			suppressed = 0;
		serial_put(erase, elen);
		serial_put(note, nlen);
		serial_put(s, n);
	} else if (n) {
		suppressed++;
	}
	/* The screens lose nothing, so the report is the serial side's alone. */
	screens_write(erase, elen);
	screens_write(s, n);
	track(erase, elen);
	track(s, n);
}

/*
 * A writer may wait for the terminal only if it is a task that may sleep (not
 * the boot/idle task, pid 0; not in an interrupt or softirq; bottom halves,
 * preemption and interrupts enabled, so it holds nothing of the stack) and
 * the terminal is its own: the foreground command, the shell, or any task
 * before a shell reads.  A background task (replyhi) never waits: a stopped
 * terminal must not hold up the connections it serves.
 */
static int may_sleep(unsigned long flags)
{
	if (panicking || preempt_count || !(flags & X86_EFLAGS_IF) || current->pid == 0)
		return 0;
	return current == foreground || current == reader || !reader;
}

static int room_for(void *need) { return serial_tx_room() >= *(size_t *)need; }

static void write_piece(const char *s, size_t n)
{
	unsigned long flags = irq_save();

	if (may_sleep(flags)) {
		/* The blanking of a line (ERASE_MAX) and the notice may go out first. */
		size_t need = serial_len(s, n) + ERASE_MAX + 64;

		while (!room_for(&need)) {
			irq_restore(flags);
			int r = wait_event_cond(&output_wq, room_for, &need, -1);
			flags = irq_save();
			if (r < 0)
				break; /* interrupted (Ctrl-C): emit drops it if there is no room */
		}
	}
	emit(s, n);
	screen_changed(flags);
	irq_restore(flags);
}

void console_write(const char *s, size_t n)
{
	while (n > WRITE_CHUNK) {
		write_piece(s, WRITE_CHUNK);
		s += WRITE_CHUNK;
		n -= WRITE_CHUNK;
	}
	write_piece(s, n);
}

void console_putc(char c) { console_write(&c, 1); }

void console_scrollback(int rows)
{
	unsigned long flags = irq_save();

	if (screen_scrollback)
		screen_scrollback(rows);
	screen_show(); /* a key press: the user looks at the screen */
	irq_restore(flags);
}

/* From the UART's interrupt: room was made. */
void console_tx_room(void)
{
	wake_up(&output_wq);
	/* The report goes out as soon as it fits, with room to blank a line. */
	if (suppressed && serial_tx_room() >= ERASE_MAX + 64) {
		emit("", 0);
		screen_show();
	}
}

void console_flush_on_panic(void)
{
	unsigned long flags = irq_save();

	panicking = 1;
	serial_tx_flush_polled();
	screen_show();
	irq_restore(flags);
}

void console_clear(void)
{
	static const char ansi_clear[] = "\x1b[2J\x1b[H"; /* ECMA-48 ED 2 and CUP */
	unsigned long flags = irq_save();

	if (panicking || serial_tx_room() >= sizeof(ansi_clear) - 1)
		serial_tx_queue(ansi_clear, sizeof(ansi_clear) - 1);
	if (screen_clear)
		screen_clear();
	col = width = 0;
	screen_changed(flags);
	irq_restore(flags);
}

void console_set_redraw(void (*fn)(void))
{
	unsigned long flags = irq_save();

	redraw = fn;
	irq_restore(flags);
}

void console_line_typed(int typed) { line_typed = typed; }

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
	return ring_head != ring_tail || redraw_pending;
}

/* In the reader's own context, so the redraw never races its line editor. */
static void redraw_if_blanked(void)
{
	unsigned long flags = irq_save();
	int pending = redraw_pending;

	redraw_pending = 0;
	irq_restore(flags);
	if (!pending || !redraw)
		return;
	if (col)
		console_write("\n", 1); /* the asynchronous output ended mid-line */
	redraw();
}

int console_getc(void)
{
	for (;;) {
		int c = console_trygetc();
		unsigned long flags;
		int r;

		redraw_if_blanked();
		if (c >= 0)
			return c;
		reader = current;
		reader_waiting = 1;
		flags = irq_save();
		screen_show(); /* what the user answers is on the screen */
		irq_restore(flags);
		r = wait_event_cond(&input_wq, input_ready, NULL, -1);
		reader_waiting = 0;
		if (r < 0)
			return r;
	}
}
