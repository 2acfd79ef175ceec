/* fuzz_fmt.c - core/fmt.c against the C library's vsnprintf (the fuzz
 * build links glibc's): each 14-byte record of the input is one conversion
 * (flags, width, precision, length, conversion, a value or a string from
 * the input, a buffer size), formatted by both with literal text around
 * it; the return values and the bytes up to the buffer's end must be the
 * same. Combinations C leaves undefined ('#' on d/i/u/c/s, '0' on c/s, a
 * precision on c, a length on c/s) are not made. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REC 14

static char lib_out[600], fmt_out[600];

static void vboth(size_t max, const char *f, va_list ap)
{
	va_list aq;
	int rl, rf;

	memset(lib_out, 'Z', sizeof lib_out);
	memset(fmt_out, 'Z', sizeof fmt_out);
	va_copy(aq, ap);
	rl = vsnprintf(max ? lib_out : NULL, max, f, ap);
	rf = fmt_vsnprintf(max ? fmt_out : NULL, max, f, aq);
	va_end(aq);
	if (rl != rf || memcmp(lib_out, fmt_out, sizeof lib_out)) {
		fprintf(stderr, "fuzz_fmt: \"%s\" max %zu: libc %d \"%.*s\", fmt %d \"%.*s\"\n", f, max,
		        rl, rl > 0 ? rl : 0, lib_out, rf, rf > 0 ? rf : 0, fmt_out);
		abort();
	}
}

static void both(size_t max, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vboth(max, f, ap);
	va_end(ap);
}

struct rec {
	char fmt[40];
	int nstar, star[2];
	size_t max;
	char conv, len;
	unsigned long long v;
	char str[16];
};

#define CALL(r, T, v) do { \
	if ((r)->nstar == 2) both((r)->max, (r)->fmt, (r)->star[0], (r)->star[1], (T)(v)); \
	else if ((r)->nstar == 1) both((r)->max, (r)->fmt, (r)->star[0], (T)(v)); \
	else both((r)->max, (r)->fmt, (T)(v)); \
} while (0)

static void call_int(const struct rec *r)
{
	int sig = r->conv == 'd' || r->conv == 'i';

	switch (r->len) {
	case 'l': if (sig) CALL(r, long, r->v); else CALL(r, unsigned long, r->v); break;
	case 'L': if (sig) CALL(r, long long, r->v); else CALL(r, unsigned long long, r->v); break;
	case 'j': if (sig) CALL(r, intmax_t, r->v); else CALL(r, uintmax_t, r->v); break;
	case 'z': if (sig) CALL(r, ssize_t, r->v); else CALL(r, size_t, r->v); break;
	default: if (sig) CALL(r, int, r->v); else CALL(r, unsigned, r->v); break;
	}
}

static const char *const len_txt[] = { "", "hh", "h", "l", "ll", "j", "z", "t" };
static const char len_code[] = { 0, 'H', 'h', 'l', 'L', 'j', 'z', 'z' };

/* the format of one record: "<" spec ">" with UB combinations dropped */
static void make_fmt(struct rec *r, const uint8_t *d)
{
	char fl[8], wd[8] = "", pr[8] = "";
	const char *convs = "diuoxXcs%", *len;
	size_t n = 0, i;
	unsigned li = d[3] >> 4 & 7;

	r->conv = convs[(d[3] & 15) % 9];
	for (i = 0; i < 5; i++)
		if (d[0] & 1u << i)
			fl[n++] = "-+ 0#"[i];
	fl[n] = 0;
	if (strchr("diucs", r->conv) && strchr(fl, '#'))
		*strchr(fl, '#') = ' ';
	if (strchr("cs", r->conv) && strchr(fl, '0'))
		*strchr(fl, '0') = '-';
	r->nstar = 0;
	if (d[1] & 0x80)
		snprintf(wd, sizeof wd, "*"), r->star[r->nstar++] = (d[1] & 127) - 64;
	else if (d[1] & 0x40)
		snprintf(wd, sizeof wd, "%u", d[1] & 63u);
	if (r->conv != 'c' && d[2] & 0x80)
		snprintf(pr, sizeof pr, ".*"), r->star[r->nstar++] = (d[2] & 127) - 64;
	else if (r->conv != 'c' && d[2] & 0x40)
		snprintf(pr, sizeof pr, ".%u", d[2] & 63u);
	len = strchr("cs", r->conv) ? "" : len_txt[li];
	r->len = strchr("cs", r->conv) ? 0 : len_code[li];
	if (r->conv == '%')
		snprintf(r->fmt, sizeof r->fmt, "<%%%%>");
	else
		snprintf(r->fmt, sizeof r->fmt, "<%%%s%s%s%s%c>", fl, wd, pr, len, r->conv);
}

static void one(const uint8_t *d)
{
	struct rec r;

	make_fmt(&r, d);
	memcpy(&r.v, d + 4, sizeof r.v);
	memcpy(r.str, d + 4, 8);
	r.str[d[12] & 7] = 0;
	r.max = d[13] < 200 ? d[13] : sizeof lib_out;
	switch (r.conv) {
	case 's': CALL(&r, const char *, r.str); break;
	case 'c': CALL(&r, int, (unsigned char)d[4]); break;
	case '%': both(r.max, r.fmt); break;
	default: call_int(&r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i + REC <= size && i < 64 * REC; i += REC)
		one(data + i);
	return 0;
}
