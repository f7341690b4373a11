/* A small vsnprintf and a printf onto the console UART. */
#include "guest.h"

struct out {
	char *buf;
	size_t size, pos;
};

static void emit(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void emit_num(struct out *o, u64 v, unsigned int base, int upper,
		     int neg, int width, int zero, int left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + neg;
	if (neg && zero)
		emit(o, '-');
	if (!left)
		for (; len < width; width--)
			emit(o, zero ? '0' : ' ');
	if (neg && !zero)
		emit(o, '-');
	while (n)
		emit(o, tmp[--n]);
	if (left)
		for (; len < width; width--)
			emit(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int width = 0, zero = 0, left = 0, lng = 0, prec = -1;
		u64 v;

		if (*fmt != '%') {
			emit(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = 1;
			else if (*fmt == '-')
				left = 1;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z')
				lng++;
			else if (*fmt != 'h')
				break;
		}
		if (left)
			zero = 0;
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 sv = lng ? va_arg(ap, s64) : va_arg(ap, int);

			v = sv < 0 ? (u64)0 - (u64)sv : (u64)sv;
			emit_num(&o, v, 10, 0, sv < 0, width, zero, left);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			emit_num(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0,
				 width, zero, left);
			break;
		case 'p':
			emit(&o, '0');
			emit(&o, 'x');
			emit_num(&o, (u64)(uintptr_t)va_arg(ap, void *), 16, 0, 0,
				 width, zero, left);
			break;
		case 'c':
			emit(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len;

			if (!s)
				s = "(null)";
			len = (int)(prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s));
			if (!left)
				for (; len < width; width--)
					emit(&o, ' ');
			for (int i = 0; i < len; i++)
				emit(&o, s[i]);
			if (left)
				for (; len < width; width--)
					emit(&o, ' ');
			break;
		}
		case '%':
			emit(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			emit(&o, '%');
			emit(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void puts_raw(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

int printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	puts_raw(buf);
	return n;
}
