/*
 * PS/2 keyboard driver.  The 8042 controller translates the keyboard's
 * codes to scancode set 1 (IBM PC AT Technical Reference, keyboard
 * controller command byte bit 6), where a key press sends its make code and
 * a release sends make | 0x80; extended keys are prefixed with 0xE0.
 */
#include <stdint.h>
#include "drivers/keyboard.h"
#include "kernel/console.h"
#include "kernel/io.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

#define KBD_DATA    0x60
#define KBD_STATUS  0x64 /* read */
#define KBD_COMMAND 0x64 /* write */
#define KBD_ISA_IRQ 1

#define STATUS_OUT_FULL 0x01 /* a byte waits in KBD_DATA */
#define STATUS_IN_FULL	0x02 /* the controller has not taken our last byte */
#define STATUS_AUX	0x20 /* the waiting byte is from the mouse port */

#define CMD_READ_CONFIG	 0x20
#define CMD_WRITE_CONFIG 0x60
#define CONFIG_KBD_INT	 0x01 /* interrupt on IRQ 1 when a byte arrives */
#define CONFIG_KBD_OFF	 0x10 /* keyboard clock disabled */
#define CONFIG_XLATE	 0x40 /* translate to scancode set 1 */

#define CTRL_TIMEOUT  100000 /* polls; the controller answers in microseconds */
#define IRQ_MAX_BYTES 16     /* the controller holds one byte; bound the loop anyway */

#define SC_RELEASE    0x80
#define SC_EXTENDED   0xe0
#define SC_PAUSE      0xe1 /* Pause: E1 1D 45 E1 9D C5, no release code */
#define SC_PAUSE_TAIL 2	   /* bytes after each E1 */
#define SC_LCTRL      0x1d
#define SC_LSHIFT     0x2a
#define SC_RSHIFT     0x36
#define SC_CAPS	      0x3a
#define SC_E_UP	      0x48 /* after 0xE0 */
#define SC_E_LEFT     0x4b
#define SC_E_RIGHT    0x4d
#define SC_E_DOWN     0x50
#define SC_E_HOME     0x47
#define SC_E_END      0x4f
#define SC_E_DELETE   0x53
#define SC_E_PGUP     0x49
#define SC_E_PGDN     0x51
#define SC_E_KP_ENTER 0x1c
#define SC_E_KP_SLASH 0x35

#define ESC "\x1b"

/* Scancode set 1, US layout: unshifted and shifted characters (0 = none). */
static const char keymap[0x3a] = {
	[0x01] = 0x1b, '1', '2', '3',	       '4',	     '5',  '6',		  '7',
	'8',	       '9', '0', '-',	       '=',	     0x7f, [0x0f] = '\t', 'q',
	'w',	       'e', 'r', 't',	       'y',	     'u',  'i',		  'o',
	'p',	       '[', ']', '\r',	       [0x1e] = 'a', 's',  'd',		  'f',
	'g',	       'h', 'j', 'k',	       'l',	     ';',  '\'',	  '`',
	[0x2b] = '\\', 'z', 'x', 'c',	       'v',	     'b',  'n',		  'm',
	',',	       '.', '/', [0x37] = '*', [0x39] = ' ',
};
static const char keymap_shift[0x3a] = {
	[0x01] = 0x1b, '!', '@', '#',	       '$',	     '%',  '^',		  '&',
	'*',	       '(', ')', '_',	       '+',	     0x7f, [0x0f] = '\t', 'Q',
	'W',	       'E', 'R', 'T',	       'Y',	     'U',  'I',		  'O',
	'P',	       '{', '}', '\r',	       [0x1e] = 'A', 'S',  'D',		  'F',
	'G',	       'H', 'J', 'K',	       'L',	     ':',  '"',		  '~',
	[0x2b] = '|',  'Z', 'X', 'C',	       'V',	     'B',  'N',		  'M',
	'<',	       '>', '?', [0x37] = '*', [0x39] = ' ',
};

static int shift_down, ctrl_down, caps_on, caps_down, extended, skip;

static void input_str(const char *s)
{
	while (*s)
		console_input(*s++);
}

/* Keys sent after an 0xE0 prefix. */
static void extended_key(uint8_t code, int released)
{
	if (code == SC_LCTRL) { /* right Ctrl */
		ctrl_down = !released;
		return;
	}
	if (released)
		return;
	switch (code) {
	case SC_E_UP:
		input_str(ESC "[A");
		break;
	case SC_E_DOWN:
		input_str(ESC "[B");
		break;
	case SC_E_RIGHT:
		input_str(ESC "[C");
		break;
	case SC_E_LEFT:
		input_str(ESC "[D");
		break;
	case SC_E_HOME:
		input_str(ESC "[H");
		break;
	case SC_E_END:
		input_str(ESC "[F");
		break;
	case SC_E_DELETE:
		input_str(ESC "[3~");
		break;
	/* Shift-PgUp/PgDn page through what scrolled off the screen, as on a
	 * Linux console (the line editor has no use for PgUp/PgDn alone). */
	case SC_E_PGUP:
		if (shift_down)
			console_scrollback(CONSOLE_SCROLL_PAGE);
		break;
	case SC_E_PGDN:
		if (shift_down)
			console_scrollback(-CONSOLE_SCROLL_PAGE);
		break;
	case SC_E_KP_ENTER:
		console_input('\r');
		break;
	case SC_E_KP_SLASH:
		console_input('/');
		break;
	}
}

static void scancode(uint8_t sc)
{
	int released = sc & SC_RELEASE;
	uint8_t code = sc & ~SC_RELEASE;
	char c;

	if (skip) { /* inside Pause's sequence: its 1D must not look like Ctrl */
		skip--;
		return;
	}
	if (sc == SC_PAUSE) {
		skip = SC_PAUSE_TAIL;
		return;
	}
	if (sc == SC_EXTENDED) {
		extended = 1;
		return;
	}
	if (extended) {
		extended = 0;
		extended_key(code, released);
		return;
	}
	switch (code) {
	case SC_LSHIFT:
	case SC_RSHIFT:
		shift_down = !released;
		return;
	case SC_LCTRL:
		ctrl_down = !released;
		return;
	case SC_CAPS:
		/* typematic repeat resends the make code: toggle once per press */
		if (!released && !caps_down)
			caps_on = !caps_on;
		caps_down = !released;
		return;
	}
	if (released || code >= sizeof(keymap))
		return;
	c = shift_down ? keymap_shift[code] : keymap[code];
	if (!c)
		return;
	if (caps_on && c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	else if (caps_on && c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	/* Ctrl turns @, letters, [ \ ] ^ _ into codes 0x00..0x1f (ASCII control characters) */
	if (ctrl_down && ((c >= 'a' && c <= 'z') || (c >= '@' && c <= '_')))
		c = (char)(c & 0x1f);
	console_input(c);
}

static void keyboard_irq(void *arg)
{
	uint8_t status;

	(void)arg;
	for (int i = 0; i < IRQ_MAX_BYTES && ((status = inb(KBD_STATUS)) & STATUS_OUT_FULL); i++) {
		uint8_t b = inb(KBD_DATA);
		if (!(status & STATUS_AUX))
			scancode(b);
	}
}

static int wait_input_empty(void)
{
	for (int i = 0; i < CTRL_TIMEOUT; i++)
		if (!(inb(KBD_STATUS) & STATUS_IN_FULL))
			return 0;
	return -1;
}

static int wait_output_full(void)
{
	for (int i = 0; i < CTRL_TIMEOUT; i++)
		if (inb(KBD_STATUS) & STATUS_OUT_FULL)
			return 0;
	return -1;
}

/*
 * Makes sure the controller interrupts on IRQ 1 and translates to set 1:
 * firmware (UEFI especially) may leave either off.
 */
static int keyboard_configure(void)
{
	uint8_t config;

	if (wait_input_empty() < 0)
		return -1;
	outb(KBD_COMMAND, CMD_READ_CONFIG);
	if (wait_output_full() < 0)
		return -1;
	config = inb(KBD_DATA);
	config = (config | CONFIG_KBD_INT | CONFIG_XLATE) & ~CONFIG_KBD_OFF;
	if (wait_input_empty() < 0)
		return -1;
	outb(KBD_COMMAND, CMD_WRITE_CONFIG);
	if (wait_input_empty() < 0)
		return -1;
	outb(KBD_DATA, config);
	return 0;
}

void keyboard_init(void)
{
	unsigned long flags = irq_save();
	int r;

	/* A missing controller reads 0xff everywhere: never loop on it. */
	for (int i = 0; i < IRQ_MAX_BYTES && (inb(KBD_STATUS) & STATUS_OUT_FULL); i++)
		(void)inb(KBD_DATA);
	r = keyboard_configure();
	irq_restore(flags);
	if (r < 0) {
		printk("keyboard: no PS/2 controller answering\n");
		return;
	}
	r = irq_request_isa(KBD_ISA_IRQ, keyboard_irq, NULL, "keyboard");
	if (r < 0)
		printk("keyboard: cannot get IRQ %d (%d)\n", KBD_ISA_IRQ, r);
}
