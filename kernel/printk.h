/* Kernel log output: printk writes to every console (serial and VGA). */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
/* Prints the message, registers of the caller and a backtrace, then halts. */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define BUG_ON(c)                                                             \
	do {                                                                  \
		if (c)                                                        \
			panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); \
	} while (0)

#endif
