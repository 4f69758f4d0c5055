/*
 * printf and friends, on the formatting core (libc/format.c).  vsnprintf
 * keeps what fits in the caller's buffer and returns the length the whole
 * result would have.  printf gives the core a small stack buffer that is
 * written to the console whenever it fills, so output of any length needs
 * little stack.
 */
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <limits.h>
#include <stdbool.h>
#include "libc/format.h"
#include "libc/sys.h"

struct outbuf {
	char *buf;
	size_t size;	 /* capacity, including room for the terminating NUL */
	size_t pos;	 /* characters in buf */
	bool to_console; /* flush to the console when full; else drop what does not fit */
};

static void outbuf_emit(void *ctx, char c)
{
	struct outbuf *o = ctx;

	if (o->pos + 1 >= o->size && o->to_console) {
		sys_console_write(o->buf, o->pos);
		o->pos = 0;
	}
	if (o->pos + 1 < o->size)
		o->buf[o->pos++] = c;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	struct outbuf o = {.buf = buf, .size = size, .pos = 0, .to_console = false};
	int n = vformat(outbuf_emit, &o, fmt, ap);

	if (size)
		buf[o.pos] = '\0';
	return n;
}

int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
	return vsnprintf(buf, (size_t)INT_MAX + 1, fmt, ap);
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsprintf(buf, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	char buf[128];
	struct outbuf o = {.buf = buf, .size = sizeof(buf), .pos = 0, .to_console = true};
	int n = vformat(outbuf_emit, &o, fmt, ap);

	sys_console_write(buf, o.pos);
	return n;
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	sys_console_write(s, strlen(s));
	sys_console_write("\n", 1);
	return 1;
}

int putchar(int c)
{
	char ch = (char)c;

	sys_console_write(&ch, 1);
	return (unsigned char)ch;
}
