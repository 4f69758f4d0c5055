/* Random bytes for the kernel (ISNs, SipHash keys, the stack canary). */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <stddef.h>

void get_random_bytes(void *buf, size_t n);

#endif
