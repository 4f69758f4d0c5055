/*
 * The printf formatting core (ISO C 7.21.6.1, integer conversions only),
 * shared by libc's printf family and the kernel's printk: it hands each
 * character to a callback and counts them, so the caller decides where
 * output goes and what happens when it does not fit.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <limits.h>
#include "libc/format.h"

struct out {
	void (*emit)(void *ctx, char c);
	void *ctx;
	size_t len; /* characters produced so far */
};

static void out_char(struct out *o, char c)
{
	o->emit(o->ctx, c);
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_mem(struct out *o, const char *s, size_t n)
{
	while (n--)
		out_char(o, *s++);
}

enum { F_MINUS = 1, F_PLUS = 2, F_SPACE = 4, F_HASH = 8, F_ZERO = 16 };

struct spec {
	int flags;
	int width;
	int prec; /* -1: none given */
};

/*
 * One integer conversion.  Layout: [spaces] sign/prefix [zeros] digits
 * [spaces], where the zeros come from the precision or from the 0 flag.
 */
static void out_int(struct out *o, const struct spec *sp, uintmax_t v, int neg, unsigned base,
		    int upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[sizeof(uintmax_t) * CHAR_BIT / 3 + 2];
	char sign = 0;
	int n = 0, zeros, plen = prefix ? (int)strlen(prefix) : 0, total;

	/* ISO C: a zero value with precision 0 produces no digits. */
	if (!(v == 0 && sp->prec == 0)) {
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);
	}
	if (neg)
		sign = '-';
	else if (sp->flags & F_PLUS)
		sign = '+';
	else if (sp->flags & F_SPACE)
		sign = ' ';

	zeros = sp->prec > n ? sp->prec - n : 0;
	/* '#' with 'o' forces a leading zero, and only if there is none yet. */
	if (base == 8 && (sp->flags & F_HASH) && zeros == 0 && (n == 0 || tmp[n - 1] != '0'))
		zeros = 1;
	total = (sign ? 1 : 0) + plen + zeros + n;
	if ((sp->flags & F_ZERO) && !(sp->flags & F_MINUS) && sp->prec < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!(sp->flags & F_MINUS))
		out_pad(o, ' ', sp->width - total);
	if (sign)
		out_char(o, sign);
	out_mem(o, prefix ? prefix : "", plen);
	out_pad(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (sp->flags & F_MINUS)
		out_pad(o, ' ', sp->width - total);
}

static void out_str(struct out *o, const struct spec *sp, const char *s)
{
	size_t n = sp->prec >= 0 ? strnlen(s, sp->prec) : strlen(s);
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;

	if (!(sp->flags & F_MINUS))
		out_pad(o, ' ', pad);
	out_mem(o, s, n);
	if (sp->flags & F_MINUS)
		out_pad(o, ' ', pad);
}

enum length { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_PTRDIFF, L_INTMAX };

static enum length parse_length(const char **fmt)
{
	const char *f = *fmt;
	enum length len = L_INT;

	switch (*f) {
	case 'h':
		len = L_SHORT;
		if (*++f == 'h') {
			len = L_CHAR;
			f++;
		}
		break;
	case 'l':
		len = L_LONG;
		if (*++f == 'l') {
			len = L_LLONG;
			f++;
		}
		break;
	case 'z':
		len = L_SIZE;
		f++;
		break;
	case 't':
		len = L_PTRDIFF;
		f++;
		break;
	case 'j':
		len = L_INTMAX;
		f++;
		break;
	}
	*fmt = f;
	return len;
}

static intmax_t arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case L_CHAR:
		return (signed char)va_arg(*ap, int);
	case L_SHORT:
		return (short)va_arg(*ap, int);
	case L_LONG:
		return va_arg(*ap, long);
	case L_LLONG:
		return va_arg(*ap, long long);
	case L_SIZE:
		return va_arg(*ap, ptrdiff_t); /* the signed type of size_t's width */
	case L_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	case L_INTMAX:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static uintmax_t arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case L_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case L_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case L_LONG:
		return va_arg(*ap, unsigned long);
	case L_LLONG:
		return va_arg(*ap, unsigned long long);
	case L_SIZE:
		return va_arg(*ap, size_t);
	case L_PTRDIFF:
		return (uintmax_t)va_arg(*ap, ptrdiff_t);
	case L_INTMAX:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static void format(struct out *o, const char *fmt, va_list ap_in)
{
	va_list ap;

	/* Copy so helpers can take a pointer to it (va_list may be an array type). */
	va_copy(ap, ap_in);
	while (*fmt) {
		struct spec sp = {.flags = 0, .width = 0, .prec = -1};
		enum length len;
		const char *start = fmt;
		intmax_t sv;
		uintmax_t uv;
		char c;

		if (*fmt != '%') {
			out_char(o, *fmt++);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.flags |= F_MINUS;
			else if (*fmt == '+')
				sp.flags |= F_PLUS;
			else if (*fmt == ' ')
				sp.flags |= F_SPACE;
			else if (*fmt == '#')
				sp.flags |= F_HASH;
			else if (*fmt == '0')
				sp.flags |= F_ZERO;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) { /* ISO C: a negative width is '-' flag plus width */
				sp.flags |= F_MINUS;
				sp.width = sp.width == INT_MIN ? INT_MAX : -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9') {
				if (sp.width < INT_MAX / 10)
					sp.width = sp.width * 10 + (*fmt - '0');
				fmt++;
			}
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0) /* ISO C: as if no precision were given */
					sp.prec = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9') {
					if (sp.prec < INT_MAX / 10)
						sp.prec = sp.prec * 10 + (*fmt - '0');
					fmt++;
				}
			}
		}
		len = parse_length(&fmt);

		switch (*fmt) {
		case 'd':
		case 'i':
			sv = arg_signed(&ap, len);
			uv = sv < 0 ? -(uintmax_t)sv : (uintmax_t)sv;
			out_int(o, &sp, uv, sv < 0, 10, 0, NULL);
			break;
		case 'u':
			sp.flags &= ~(F_PLUS | F_SPACE); /* signs are for signed conversions */
			out_int(o, &sp, arg_unsigned(&ap, len), 0, 10, 0, NULL);
			break;
		case 'o':
			sp.flags &= ~(F_PLUS | F_SPACE);
			out_int(o, &sp, arg_unsigned(&ap, len), 0, 8, 0, NULL);
			break;
		case 'x':
		case 'X':
			sp.flags &= ~(F_PLUS | F_SPACE);
			uv = arg_unsigned(&ap, len);
			out_int(o, &sp, uv, 0, 16, *fmt == 'X',
				(sp.flags & F_HASH) && uv ? (*fmt == 'X' ? "0X" : "0x") : NULL);
			break;
		case 'p':
			uv = (uintptr_t)va_arg(ap, void *);
			if (!uv) {
				/* glibc prints NULL as "(nil)", ignoring precision. */
				sp.prec = -1;
				out_str(o, &sp, "(nil)");
				break;
			}
			sp.flags &= ~F_HASH;
			out_int(o, &sp, uv, 0, 16, 0, "0x");
			break;
		case 'c':
			c = (char)va_arg(ap, int);
			if (!(sp.flags & F_MINUS))
				out_pad(o, ' ', sp.width - 1);
			out_char(o, c);
			if (sp.flags & F_MINUS)
				out_pad(o, ' ', sp.width - 1);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			/* glibc prints NULL as "(null)", or nothing if the precision is too short. */
			if (!s)
				s = sp.prec < 0 || sp.prec >= 6 ? "(null)" : "";
			out_str(o, &sp, s);
			break;
		}
		case '%':
			out_char(o, '%');
			break;
		default:
			/* Unknown conversion: print it as written rather than guess. */
			if (!*fmt) {
				out_mem(o, start, fmt - start);
				continue;
			}
			out_mem(o, start, fmt + 1 - start);
			break;
		}
		fmt++;
	}
	va_end(ap);
}

int vformat(void (*emit)(void *ctx, char c), void *ctx, const char *fmt, va_list ap)
{
	struct out o = {.emit = emit, .ctx = ctx, .len = 0};

	format(&o, fmt, ap);
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
}
