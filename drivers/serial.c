/*
 * 16550 UART driver for COM1.  Register layout and bits from the National
 * Semiconductor PC16550D datasheet, section 8 ("Registers"), table II.
 *
 * Transmit goes through a ring: writers queue bytes and enable the THRE
 * interrupt; the interrupt handler refills the 16-byte FIFO from the ring.
 * Nobody waits for the line: when the terminal behind the UART stops
 * taking bytes (QEMU's serial model stops emptying its FIFO while the
 * chardev's pty is full), the ring fills and the console decides what to do.
 */
#include <stdint.h>
#include "drivers/serial.h"
#include "drivers/uart16550.h"
#include "kernel/console.h"
#include "kernel/io.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

#define COM1	     0x3f8
#define COM1_ISA_IRQ 4

/* A power of two; free-running indices, head - tail = bytes queued. */
#define TX_RING_SIZE 16384

static char tx_ring[TX_RING_SIZE];
static unsigned tx_head, tx_tail;
static uint8_t ier;	/* the IER value last written */
static int tx_irq_mode; /* the THRE interrupt drains the ring (after serial_irq_init) */

void serial_init(void)
{
	outb(COM1 + UART_IER, 0); /* no interrupts yet */
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, UART_CLOCK_DIV & 0xff);
	outb(COM1 + UART_DLM, UART_CLOCK_DIV >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX | FCR_TRIGGER_1);
	outb(COM1 + UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
}

static void set_ier(uint8_t v)
{
	if (v != ier) {
		ier = v;
		outb(COM1 + UART_IER, v);
	}
}

/*
 * THRE set means the whole transmit FIFO is empty (datasheet 8.4), so we may
 * then write up to 16 bytes without looking again.  A missing UART reads as
 * 0xff, which has THRE set: output never hangs.
 */
static void fifo_fill(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outb(COM1 + UART_THR, (uint8_t)s[i]);
}

void serial_write_polled(const char *s, size_t n)
{
	while (n) {
		size_t chunk = n < UART_FIFO_SIZE ? n : UART_FIFO_SIZE;

		while (!(inb(COM1 + UART_LSR) & LSR_THRE))
			__asm__ volatile("pause");
		fifo_fill(s, chunk);
		s += chunk;
		n -= chunk;
	}
}

/*
 * Moves ring bytes into the FIFO while it is empty; never waits.  (QEMU's
 * model empties the FIFO as it is written, so one call may move much more
 * than 16 bytes; a real UART takes 16 per interrupt.)  Interrupts off.
 */
static void tx_chars(void)
{
	while (tx_head != tx_tail && (inb(COM1 + UART_LSR) & LSR_THRE)) {
		char chunk[UART_FIFO_SIZE];
		size_t n = 0;

		while (n < UART_FIFO_SIZE && tx_head != tx_tail)
			chunk[n++] = tx_ring[tx_tail++ % TX_RING_SIZE];
		fifo_fill(chunk, n);
	}
	/* Empty ring: THRI off, or the empty FIFO would interrupt forever. */
	set_ier(tx_head != tx_tail ? (ier | IER_THRE) : (ier & ~IER_THRE));
}

size_t serial_tx_room(void) { return TX_RING_SIZE - (tx_head - tx_tail); }

void serial_tx_queue(const char *s, size_t n)
{
	unsigned long flags = irq_save();

	for (size_t i = 0; i < n && tx_head - tx_tail < TX_RING_SIZE; i++)
		tx_ring[tx_head++ % TX_RING_SIZE] = s[i];
	if (tx_irq_mode)
		tx_chars();
	else
		serial_tx_flush_polled();
	irq_restore(flags);
}

void serial_tx_flush_polled(void)
{
	unsigned long flags = irq_save();

	while (tx_head != tx_tail) {
		char c = tx_ring[tx_tail++ % TX_RING_SIZE];

		serial_write_polled(&c, 1);
	}
	tx_irq_mode = 0;
	set_ier(ier & ~IER_THRE);
	irq_restore(flags);
}

/*
 * One interrupt line for both directions: handle causes until IIR reports
 * none, so that the ISA line (edge-triggered) drops and can rise again.
 * Reading RBR clears the RDA cause, reading IIR or writing THR the THRE one
 * (datasheet 8.3).
 */
static void serial_irq(void *arg)
{
	(void)arg;
	while (!(inb(COM1 + UART_IIR) & IIR_NO_INT)) {
		unsigned queued = tx_head - tx_tail;

		while (inb(COM1 + UART_LSR) & LSR_DR)
			console_input((char)inb(COM1 + UART_RBR));
		tx_chars();
		if (tx_head - tx_tail != queued)
			console_tx_room();
	}
}

void serial_irq_init(void)
{
	int r = irq_request_isa(COM1_ISA_IRQ, serial_irq, NULL, "serial");

	if (r < 0) {
		printk("serial: cannot get IRQ %d (%d), no serial input\n", COM1_ISA_IRQ, r);
		return;
	}
	/* Bytes already waiting raise the interrupt as soon as it is enabled (datasheet 8.5). */
	tx_irq_mode = 1;
	set_ier(IER_RDA);
}
