/*
 * 16550 UART driver for COM1.  Register layout and bits from the National
 * Semiconductor PC16550D datasheet, section 8 ("Registers"), table II.
 */
#include <stdint.h>
#include "drivers/serial.h"
#include "kernel/console.h"
#include "kernel/io.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

#define COM1	     0x3f8
#define COM1_ISA_IRQ 4

/* Register offsets from the base port (DLAB = 0 unless noted). */
#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_DLL 0 /* divisor latch low (DLAB = 1) */
#define UART_IER 1 /* interrupt enable */
#define UART_DLM 1 /* divisor latch high (DLAB = 1) */
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */

#define IER_RDA	      0x01 /* received data available interrupt */
#define FCR_ENABLE    0x01
#define FCR_CLEAR_RX  0x02
#define FCR_CLEAR_TX  0x04
#define FCR_TRIGGER_1 0x00 /* RX interrupt after 1 byte: typing must feel immediate */
#define LCR_8N1	      0x03 /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB      0x80
#define MCR_DTR	      0x01
#define MCR_RTS	      0x02
#define MCR_OUT2      0x08 /* on the PC, OUT2 gates the UART's line to the PIC/IOAPIC */
#define LSR_DR	      0x01 /* data ready */
#define LSR_THRE      0x20 /* transmit holding register (the TX FIFO) empty */

#define UART_CLOCK_DIV 1 /* 1.8432 MHz / 16 / 1 = 115200 baud */
#define UART_FIFO_SIZE 16

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

/*
 * THRE set means the whole transmit FIFO is empty (datasheet 8.4), so we may
 * then write up to 16 bytes without looking again.  A missing UART reads as
 * 0xff, which has THRE set: output never hangs.
 */
void serial_write(const char *s, size_t n)
{
	while (n) {
		size_t chunk = n < UART_FIFO_SIZE ? n : UART_FIFO_SIZE;

		while (!(inb(COM1 + UART_LSR) & LSR_THRE))
			__asm__ volatile("pause");
		for (size_t i = 0; i < chunk; i++)
			outb(COM1 + UART_THR, (uint8_t)s[i]);
		s += chunk;
		n -= chunk;
	}
}

/* Drains the receive FIFO; reading RBR also clears the RDA interrupt (datasheet 8.3). */
static void serial_irq(void *arg)
{
	(void)arg;
	while (inb(COM1 + UART_LSR) & LSR_DR)
		console_input((char)inb(COM1 + UART_RBR));
}

void serial_irq_init(void)
{
	int r = irq_request_isa(COM1_ISA_IRQ, serial_irq, NULL, "serial");

	if (r < 0) {
		printk("serial: cannot get IRQ %d (%d), no serial input\n", COM1_ISA_IRQ, r);
		return;
	}
	/* Bytes already waiting raise the interrupt as soon as it is enabled (datasheet 8.5). */
	outb(COM1 + UART_IER, IER_RDA);
}
