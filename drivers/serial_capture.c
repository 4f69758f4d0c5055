/* COM2 as a transmit-only byte pipe; see drivers/serial_capture.h. */
#include <errno.h>
#include <stdint.h>
#include "drivers/serial_capture.h"
#include "drivers/uart16550.h"
#include "kernel/io.h"
#include "kernel/irq.h"

#define COM2	     0x2f8
#define COM2_ISA_IRQ 3

static size_t (*com2_source)(void *buf, size_t n);
static int present, busy;

/* Fills the empty FIFO from the source; with interrupts off. */
static void com2_fill(void)
{
	uint8_t buf[UART_FIFO_SIZE];
	size_t n;

	if (!(inb(COM2 + UART_LSR) & LSR_THRE))
		return; /* still sending: the THRE interrupt comes back */
	n = com2_source(buf, sizeof(buf));
	if (n == 0) {
		busy = 0;
		outb(COM2 + UART_IER, 0);
		return;
	}
	for (size_t i = 0; i < n; i++)
		outb(COM2 + UART_THR, buf[i]);
	busy = 1;
	/* PC16550D 8.4: THRE interrupts when the FIFO has emptied. */
	outb(COM2 + UART_IER, IER_THRE);
}

static void com2_irq(void *arg)
{
	(void)arg;
	(void)inb(COM2 + UART_IIR); /* reading IIR clears a THRE interrupt */
	com2_fill();
}

int com2_init(size_t (*source)(void *buf, size_t n))
{
	/* No UART answers on an empty port: the scratch register reads back 0xff. */
	outb(COM2 + UART_SCR, 0x5a);
	if (inb(COM2 + UART_SCR) != 0x5a)
		return -ENODEV;
	com2_source = source;
	outb(COM2 + UART_IER, 0);
	outb(COM2 + UART_LCR, LCR_DLAB);
	outb(COM2 + UART_DLL, UART_CLOCK_DIV & 0xff);
	outb(COM2 + UART_DLM, UART_CLOCK_DIV >> 8);
	outb(COM2 + UART_LCR, LCR_8N1);
	outb(COM2 + UART_FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX);
	outb(COM2 + UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	if (irq_request_isa(COM2_ISA_IRQ, com2_irq, NULL, "com2") < 0)
		return -EBUSY;
	present = 1;
	return 0;
}

int com2_present(void) { return present; }

void com2_kick(void)
{
	unsigned long f;

	if (!present)
		return;
	f = irq_save();
	if (!busy)
		com2_fill();
	irq_restore(f);
}
