/*
 * The 16550 UART on COM1 (I/O port 0x3F8), 115200 baud 8N1.
 * Receive is interrupt-driven: every byte goes to console_input().
 * Transmit is queued in a ring the THRE interrupt drains (console_tx_room()
 * is called when it made room); before serial_irq_init, and after
 * serial_tx_flush_polled (a panic), output is polled instead.
 */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <stddef.h>

void serial_init(void);	    /* early: polled output, interrupts masked */
void serial_irq_init(void); /* once interrupts work: ISA IRQ 4, receive and THRE interrupts */
/* Free bytes in the transmit ring (a stable answer only with interrupts off). */
size_t serial_tx_room(void);
/* Queues raw bytes (no newline translation); what does not fit is lost. */
void serial_tx_queue(const char *s, size_t n);
/* Writes out what is queued by polling, and stays polled from then on (panic). */
void serial_tx_flush_polled(void);
void serial_write_polled(const char *s, size_t n); /* waits for the UART, bypasses the ring */

#endif
