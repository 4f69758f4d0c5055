/*
 * COM2 (I/O port 0x2F8, ISA IRQ 3) as a byte pipe out of the machine: the
 * packet capture streams through it (./run-qemu.sh --pcap-guest FILE).
 * Transmit only, driven by the THRE interrupt, pulling bytes from a source
 * function; nothing ever waits on it.
 */
#ifndef DRIVERS_SERIAL_CAPTURE_H
#define DRIVERS_SERIAL_CAPTURE_H

#include <stddef.h>

/* Probes COM2 and takes its interrupt; 0, or -ENODEV when the machine has no COM2. */
int com2_init(size_t (*source)(void *buf, size_t n));
int com2_present(void);
/* The source has bytes: start transmitting if idle.  Any context. */
void com2_kick(void);

#endif
