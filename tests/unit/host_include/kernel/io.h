/*
 * Host stand-in for kernel/io.h, used by tests that compile driver code for
 * the host: port writes go to host_outb, which the test defines and records.
 */
#ifndef KERNEL_IO_H
#define KERNEL_IO_H

#include <stdint.h>

void host_outb(uint16_t port, uint8_t v);

static inline void outb(uint16_t port, uint8_t v) { host_outb(port, v); }

#endif
