/*
 * The 16550 UART on COM1 (I/O port 0x3F8), 115200 baud 8N1.
 * Output is polled (it works before interrupts are set up, and in a panic);
 * receive is interrupt-driven: every byte goes to console_input().
 */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <stddef.h>

void serial_init(void);	    /* early: output only, interrupts masked */
void serial_irq_init(void); /* once interrupts work: ISA IRQ 4, receive interrupt on */
void serial_write(const char *s, size_t n); /* raw bytes, no newline translation */

#endif
