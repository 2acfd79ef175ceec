/* fmt.c - printf for wirebox's formats (fmt.h says which and when it
 * replaces libc's); output goes to a bounded string or, in chunks through
 * fwrite, to a stream. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include "fmt.h"

enum { F_MINUS = 1, F_PLUS = 2, F_SPACE = 4, F_ZERO = 8, F_ALT = 16 };

/* where the bytes go: buf (max bytes with the NUL) or f through chunk */
struct out {
	char *buf;
	size_t max;
	FILE *f;
	size_t n;               /* bytes produced so far, written or not */
	size_t used;            /* bytes waiting in chunk */
	int err;
	char chunk[512];        /* one fwrite for a typical line */
};

struct spec {
	unsigned flags;
	int width;
	int prec;               /* -1: none */
	int len;                /* 'H' hh, 'h', 'l', 'L' ll/j, 'z' z/t, 0 */
	char conv;
};

static void out_flush(struct out *o)
{
	if (o->used && fwrite(o->chunk, 1, o->used, o->f) != o->used)
		o->err = 1;
	o->used = 0;
}

static void out_put(struct out *o, const char *s, size_t len)
{
	size_t k;

	if (o->f) {
		while (len) {
			if (o->used == sizeof o->chunk)
				out_flush(o);
			k = sizeof o->chunk - o->used;
			k = k < len ? k : len;
			memcpy(o->chunk + o->used, s, k);
			o->used += k, s += k, len -= k, o->n += k;
		}
		return;
	}
	if (o->n + 1 < o->max) {
		k = o->max - 1 - o->n;
		memcpy(o->buf + o->n, s, k < len ? k : len);
	}
	o->n += len;
}

static void out_fill(struct out *o, char c, int count)
{
	char pad[16];
	int k;

	memset(pad, c, sizeof pad);
	for (; count > 0; count -= k) {
		k = count < (int)sizeof pad ? count : (int)sizeof pad;
		out_put(o, pad, (size_t)k);
	}
}

/* a decimal number at *p; *p moves past it (saturates at INT_MAX) */
static int take_num(const char **p)
{
	int v = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++)
		v = v > (INT_MAX - 9) / 10 ? INT_MAX : v * 10 + (**p - '0');
	return v;
}

static const char *take_flags(const char *p, unsigned *flags)
{
	const char *set = "-+ 0#", *c;

	*flags = 0;
	for (; *p && (c = strchr(set, *p)) != NULL; p++)
		*flags |= 1u << (c - set);
	return p;
}

static const char *take_width(const char *p, struct spec *s, va_list *ap)
{
	s->width = 0;
	if (*p == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->flags |= F_MINUS;
			s->width = s->width == INT_MIN ? INT_MAX : -s->width;
		}
		return p + 1;
	}
	s->width = take_num(&p);
	return p;
}

static const char *take_prec(const char *p, struct spec *s, va_list *ap)
{
	s->prec = -1;
	if (*p != '.')
		return p;
	p++;
	if (*p == '*') {
		s->prec = va_arg(*ap, int);
		if (s->prec < 0)
			s->prec = -1;
		return p + 1;
	}
	s->prec = take_num(&p);
	return p;
}

static const char *take_len(const char *p, struct spec *s)
{
	s->len = 0;
	if (p[0] == 'h' || p[0] == 'l') {
		s->len = p[0];
		if (p[1] == p[0])
			s->len = p[0] == 'h' ? 'H' : 'L', p++;
		return p + 1;
	}
	if (*p == 'j')
		s->len = 'L';
	else if (*p == 'z' || *p == 't')
		s->len = 'z';
	return s->len ? p + 1 : p;
}

/* one conversion at p (after the '%'); NULL when it is not one of ours */
static const char *take_spec(const char *p, struct spec *s, va_list *ap)
{
	p = take_flags(p, &s->flags);
	p = take_width(p, s, ap);
	p = take_prec(p, s, ap);
	p = take_len(p, s);
	if (!*p || !strchr("diuoxXcs%", *p))
		return NULL;
	s->conv = *p;
	return p + 1;
}

static uintmax_t arg_unsigned(const struct spec *s, va_list *ap)
{
	switch (s->len) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned);
	case 'h': return (unsigned short)va_arg(*ap, unsigned);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned);
	}
}

static intmax_t arg_signed(const struct spec *s, va_list *ap)
{
	switch (s->len) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'z': return (intmax_t)va_arg(*ap, ssize_t);
	default: return va_arg(*ap, int);
	}
}

/* digits of v in base into the end of buf; returns where they start */
static char *digits(uintmax_t v, unsigned base, int upper, char *end)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do
		*--end = dig[v % base];
	while (v /= base);
	return end;
}

/* prefix (sign or 0x), precision zeros, digits, all padded to the width */
static void put_number(struct out *o, const struct spec *s, const char *pre,
                       const char *d, int nd)
{
	int np = (int)strlen(pre), zeros = s->prec > nd ? s->prec - nd : 0;
	int pad = s->width - np - zeros - nd;

	if ((s->flags & (F_ZERO | F_MINUS)) == F_ZERO && s->prec < 0)
		zeros += pad > 0 ? pad : 0, pad = 0;
	if (!(s->flags & F_MINUS))
		out_fill(o, ' ', pad);
	out_put(o, pre, (size_t)np);
	out_fill(o, '0', zeros);
	out_put(o, d, (size_t)nd);
	if (s->flags & F_MINUS)
		out_fill(o, ' ', pad);
}

static void put_int(struct out *o, const struct spec *s, va_list *ap)
{
	char buf[3 * sizeof(uintmax_t) + 1], *end = buf + sizeof buf, *d;
	const char *pre = "";
	unsigned base = s->conv == 'o' ? 8 : s->conv == 'x' || s->conv == 'X' ? 16 : 10;
	uintmax_t v;

	if (s->conv == 'd' || s->conv == 'i') {
		intmax_t sv = arg_signed(s, ap);

		v = sv < 0 ? -(uintmax_t)sv : (uintmax_t)sv;
		pre = sv < 0 ? "-" : s->flags & F_PLUS ? "+" : s->flags & F_SPACE ? " " : "";
	} else {
		v = arg_unsigned(s, ap);
		if (s->flags & F_ALT && v && base == 16)
			pre = s->conv == 'x' ? "0x" : "0X";
	}
	d = digits(v, base, s->conv == 'X', end);
	if (!v && !s->prec)
		d = end;        /* "%.0d" of 0 is nothing */
	if (s->flags & F_ALT && base == 8 && (d == end || *d != '0') &&
	    s->prec <= (int)(end - d))
		*--d = '0';
	put_number(o, s, pre, d, (int)(end - d));
}

/* len bytes of str padded to the width */
static void put_padded(struct out *o, const struct spec *s, const char *str, size_t len)
{
	int pad = len < (size_t)s->width ? s->width - (int)len : 0;

	if (!(s->flags & F_MINUS))
		out_fill(o, ' ', pad);
	out_put(o, str, len);
	if (s->flags & F_MINUS)
		out_fill(o, ' ', pad);
}

/* a precision bounds the read: "%.*s" may point into a buffer with no NUL */
static void put_str(struct out *o, const struct spec *s, const char *str)
{
	const char *nul;

	if (!str)
		str = "(null)";
	if (s->prec < 0) {
		put_padded(o, s, str, strlen(str));
		return;
	}
	nul = memchr(str, 0, (size_t)s->prec);
	put_padded(o, s, str, nul ? (size_t)(nul - str) : (size_t)s->prec);
}

static void put_conv(struct out *o, const struct spec *s, va_list *ap)
{
	char c;

	switch (s->conv) {
	case 's':
		put_str(o, s, va_arg(*ap, const char *));
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(o, s, &c, 1);
		break;
	case '%':
		out_put(o, "%", 1);
		break;
	default:
		put_int(o, s, ap);
	}
}

static void format(struct out *o, const char *fmt, va_list *ap)
{
	const char *p, *next;
	struct spec s;

	while (*fmt) {
		p = strchr(fmt, '%');
		if (!p) {
			out_put(o, fmt, strlen(fmt));
			return;
		}
		out_put(o, fmt, (size_t)(p - fmt));
		next = take_spec(p + 1, &s, ap);
		if (!next) {
			out_put(o, p, strlen(p));       /* not ours: shown as is */
			return;
		}
		put_conv(o, &s, ap);
		fmt = next;
	}
}

static int result(const struct out *o)
{
	if (o->err)
		return -1;
	if (o->n > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)o->n;
}

int fmt_vsnprintf(char *buf, size_t max, const char *fmt, va_list ap)
{
	struct out o;
	va_list aq;

	o.buf = buf, o.max = max, o.f = NULL, o.n = 0, o.used = 0, o.err = 0;
	va_copy(aq, ap);
	format(&o, fmt, &aq);
	va_end(aq);
	if (max)
		buf[o.n < max ? o.n : max - 1] = 0;
	return result(&o);
}

int fmt_snprintf(char *buf, size_t max, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vsnprintf(buf, max, fmt, ap);
	va_end(ap);
	return r;
}

int fmt_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	struct out o;
	va_list aq;

	o.buf = NULL, o.max = 0, o.f = f, o.n = 0, o.used = 0, o.err = 0;
	va_copy(aq, ap);
	format(&o, fmt, &aq);
	va_end(aq);
	out_flush(&o);
	return result(&o);
}

int fmt_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

/* libc's names in static musl builds: see fmt.h */
#if defined(WB_OWN_LIBC) && !defined(__GLIBC__)
int vsnprintf(char *restrict buf, size_t max, const char *restrict fmt, va_list ap)
{
	return fmt_vsnprintf(buf, max, fmt, ap);
}

int snprintf(char *restrict buf, size_t max, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vsnprintf(buf, max, fmt, ap);
	va_end(ap);
	return r;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	return fmt_vfprintf(f, fmt, ap);
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vfprintf(stdout, fmt, ap);
	va_end(ap);
	return r;
}
#endif
