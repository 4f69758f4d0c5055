/*
 * The 16550 UART's registers and bits, from the National Semiconductor
 * PC16550D datasheet, section 8 ("Registers"), table II.
 */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

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
#define UART_SCR 7 /* scratch: no function, only there if the UART is */

#define IER_RDA	      0x01 /* received data available interrupt */
#define IER_THRE      0x02 /* transmit holding register empty interrupt */
#define IIR_NO_INT    0x01 /* no interrupt pending (datasheet 8.3, table IV) */
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

#endif
