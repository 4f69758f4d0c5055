/*
 * The printf formatting core that libc's printf family and the kernel's
 * printk share (libc/format.c).  vformat formats fmt with ap as ISO C
 * printf does (integer conversions only), passing each character to
 * emit(ctx, c), and returns the number of characters, at most INT_MAX.
 */
#ifndef LIBC_FORMAT_H
#define LIBC_FORMAT_H

#include <stdarg.h>

int vformat(void (*emit)(void *ctx, char c), void *ctx, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
