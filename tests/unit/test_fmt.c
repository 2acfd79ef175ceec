/* test_fmt.c - core/fmt.c against the C library's printf (this unit build
 * links glibc's): every conversion, length, flag, width and precision the
 * formatter supports, the extreme values, and every buffer size from 0 up
 * (truncation, NUL, the would-be length). Static musl builds use fmt.c for
 * snprintf and friends, so any difference here is one between the dynamic
 * and the static binary. */
#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include "fmt.h"

Suite *fmt_suite(void);

enum len { L_HH, L_H, L_NONE, L_L, L_LL, L_J, L_Z, L_N };
static const char *const len_txt[L_N] = { "hh", "h", "", "l", "ll", "j", "z" };

/* the format of one case: flags, width, precision, length, conversion;
 * a '*' width or precision takes its value from w or p */
struct fcase {
	char fmt[32];
	int star_w, star_p, w, p;
};

static char lib_out[512], fmt_out[512];

/* both formatters into buffers of max bytes (poisoned past it); equal */
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
	ck_assert_msg(rl == rf, "\"%s\" max %zu: libc %d, fmt %d (\"%.*s\")", f, max, rl, rf,
	              (int)(max ? max : 1) - 1, fmt_out);
	ck_assert_msg(!memcmp(lib_out, fmt_out, sizeof lib_out),
	              "\"%s\" max %zu: libc \"%.*s\", fmt \"%.*s\"", f, max,
	              rl > 0 ? rl : 0, lib_out, rf > 0 ? rf : 0, fmt_out);
}

static void both(size_t max, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vboth(max, f, ap);
	va_end(ap);
}

/* the three shapes of argument list a case needs, for one value type */
#define CALL(c, T, v) do { \
	if ((c)->star_w && (c)->star_p) both(sizeof lib_out, (c)->fmt, (c)->w, (c)->p, (T)(v)); \
	else if ((c)->star_w) both(sizeof lib_out, (c)->fmt, (c)->w, (T)(v)); \
	else if ((c)->star_p) both(sizeof lib_out, (c)->fmt, (c)->p, (T)(v)); \
	else both(sizeof lib_out, (c)->fmt, (T)(v)); \
} while (0)

static void call_signed(const struct fcase *c, enum len l, long long v)
{
	switch (l) {
	case L_HH: case L_H: case L_NONE: CALL(c, int, v); break;
	case L_L: CALL(c, long, v); break;
	case L_LL: CALL(c, long long, v); break;
	case L_J: CALL(c, intmax_t, v); break;
	default: CALL(c, ssize_t, v); break;
	}
}

static void call_unsigned(const struct fcase *c, enum len l, unsigned long long v)
{
	switch (l) {
	case L_HH: case L_H: case L_NONE: CALL(c, unsigned, v); break;
	case L_L: CALL(c, unsigned long, v); break;
	case L_LL: CALL(c, unsigned long long, v); break;
	case L_J: CALL(c, uintmax_t, v); break;
	default: CALL(c, size_t, v); break;
	}
}

static const unsigned long long values[] = {
	0, 1, 7, 8, 9, 10, 15, 16, 42, 100, 127, 128, 255, 256, 1000, 32767, 65535, 65536,
	(unsigned long long)-1, (unsigned long long)-42, (unsigned long long)INT_MIN,
	INT_MAX, UINT_MAX, (unsigned long long)LLONG_MIN, LLONG_MAX, ULLONG_MAX,
	(unsigned long long)LONG_MIN, 1234567890123ULL,
};
#define NVAL (sizeof values / sizeof *values)

/* widths and precisions: none, literal ones, and '*' with several values */
static const char *const widths[] = { "", "0", "1", "3", "12", "*", "*", "*" };
static const int star_w[] = { 0, 0, 0, 0, 0, 5, -7, 30 };
static const char *const precs[] = { "", ".", ".0", ".1", ".4", ".25", ".*", ".*", ".*" };
static const int star_p[] = { 0, 0, 0, 0, 0, 0, 3, -1, 0 };
#define NW (sizeof widths / sizeof *widths)
#define NP (sizeof precs / sizeof *precs)

/* flags: all subsets of "-+ 0#" (bit i is flagchars[i]) */
static const char flagchars[] = "-+ 0#";

static void make_case(struct fcase *c, unsigned flags, unsigned wi, unsigned pi,
                      const char *len, char conv)
{
	char fl[8];
	size_t n = 0, i;

	for (i = 0; i < 5; i++)
		if (flags & 1u << i)
			fl[n++] = flagchars[i];
	fl[n] = 0;
	snprintf(c->fmt, sizeof c->fmt, "<%%%s%s%s%s%c>", fl, widths[wi], precs[pi], len, conv);
	c->star_w = widths[wi][0] == '*';
	c->star_p = precs[pi][0] && precs[pi][1] == '*';
	c->w = star_w[wi];
	c->p = star_p[pi];
}

static const char convs[] = "diuoxX";

/* each integer conversion _i over every flag set, width, precision and
 * length, each with two of the values (all of them go through every
 * conversion, flag set and length); '#' is undefined for d, i and u */
START_TEST(integers_match_libc)
{
	char conv = convs[_i];
	unsigned flags, wi, pi, l, k;
	struct fcase c;

	for (flags = 0; flags < 32; flags++) {
		if (flags & 16 && strchr("diu", conv))
			continue;
		for (wi = 0; wi < NW; wi++)
			for (pi = 0; pi < NP; pi++)
				for (l = 0; l < L_N; l++) {
					make_case(&c, flags, wi, pi, len_txt[l], conv);
					/* two of the values, others for each
					 * neighbouring format */
					for (k = (flags + wi + pi + l) % 14; k < NVAL; k += 14) {
						if (conv == 'd' || conv == 'i')
							call_signed(&c, l, (long long)values[k]);
						else
							call_unsigned(&c, l, values[k]);
					}
				}
	}
}
END_TEST

static const char *const strs[] = {
	"", "a", "hello", "a string longer than twenty-five bytes", "tab\there", "\xc3\xa9t\xc3\xa9",
};

/* %s and %c with '-', widths and (for %s) precisions */
START_TEST(strings_match_libc)
{
	unsigned flags, wi, pi, k;
	struct fcase c;

	for (flags = 0; flags < 2; flags++)
		for (wi = 0; wi < NW; wi++) {
			for (pi = 0; pi < NP; pi++) {
				make_case(&c, flags, wi, pi, "", 's');
				for (k = 0; k < sizeof strs / sizeof *strs; k++)
					CALL(&c, const char *, strs[k]);
			}
			make_case(&c, flags, wi, 0, "", 'c');
			CALL(&c, int, 'x');
			CALL(&c, int, 0);
			CALL(&c, int, 0xe9);
		}
}
END_TEST

/* "%.*s" reads at most the precision: the bytes after it may be no string */
START_TEST(precision_bounds_the_read)
{
	char raw[4] = { 'a', 'b', 'c', 'd' };

	ck_assert_int_eq(fmt_snprintf(fmt_out, sizeof fmt_out, "[%.*s]", 4, raw), 6);
	ck_assert_str_eq(fmt_out, "[abcd]");
	ck_assert_int_eq(fmt_snprintf(fmt_out, sizeof fmt_out, "[%.2s|%-6.3s]", raw, raw), 11);
	ck_assert_str_eq(fmt_out, "[ab|abc   ]");
}
END_TEST

/* what wirebox's own formats look like: mixed, literal text, %% */
static void mixed(size_t max)
{
	both(max, "%s: %s: %s: %d", "smtpsend", "mx.example.org", "AUTH", -5);
	both(max, "%c~%-22s %-15s %2d %5s %5u %5o %8s", '*', "192.0.2.1:123", "GPS", 1, "64", 7u, 0377u, "0.5");
	both(max, "%04d-%02d-%02dT%02d:%02d:%02dZ %lld.%09u", 2026, 12, 6, 14, 5, 9, -17LL, 5u);
	both(max, "100%% %s %zu/%zd %08x %02X %#x %#o %lu %jd", "done", (size_t)3, (ssize_t)-2,
	     0xbeefu, 0xabu, 255u, 8u, ULONG_MAX, INTMAX_MIN);
	both(max, "\\%03o\\%03o", 1u, 255u);
	both(max, "%*d|%-*d|%.*s|", 6, 42, 6, 42, 3, "abcdef");
	both(max, "no conversion at all");
	both(max, "%s", "");
}

/* every buffer size from 0 (nothing written, may be NULL) past the length:
 * the same bytes, the same NUL, nothing written past max, the would-be
 * length returned */
START_TEST(truncation_at_every_size)
{
	size_t max;

	for (max = 0; max < 120; max++)
		mixed(max);
}
END_TEST

START_TEST(extremes)
{
	both(sizeof lib_out, "%d %d %ld %ld", INT_MIN, INT_MAX, LONG_MIN, LONG_MAX);
	both(sizeof lib_out, "%lld %lld %llu %llx %llo", LLONG_MIN, LLONG_MAX, ULLONG_MAX, ULLONG_MAX,
	     ULLONG_MAX);
	both(sizeof lib_out, "%hhd %hhu %hd %hu", 0x1ff, 0x1ff, 0x1ffff, 0x1ffff);
	both(sizeof lib_out, "%+d % d %+d % d %+.0d", 0, 0, -1, -1, 0);
	both(sizeof lib_out, "%-+30lld|%030lld|%+030lld", LLONG_MIN, LLONG_MIN, LLONG_MAX);
}
END_TEST

/* a conversion fmt.c does not have ends the output there, visibly */
START_TEST(unsupported_conversion_shows)
{
	const char *volatile f = "x=%d %f y";

	ck_assert_int_eq(fmt_snprintf(fmt_out, sizeof fmt_out, f, 5, 1.5), 8);
	ck_assert_str_eq(fmt_out, "x=5 %f y");
	f = "%p%s";
	ck_assert_int_eq(fmt_snprintf(fmt_out, sizeof fmt_out, f, (void *)f, "s"), 4);
	ck_assert_str_eq(fmt_out, "%p%s");
}
END_TEST

START_TEST(null_string)
{
	const char *volatile s = NULL;

	both(sizeof lib_out, "[%s|%10s|%-8s]", s, s, s);
}
END_TEST

/* streams: the same bytes as libc's fprintf, across the chunk size */
START_TEST(stream_output)
{
	char big[2000], got[4096], want[4096];
	FILE *f;
	size_t n;
	int r;

	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = 0;
	f = tmpfile();
	ck_assert_ptr_nonnull(f);
	r = fmt_fprintf(f, "<%s|%600d|%s>", "a", -3, big);
	ck_assert_int_eq(r, snprintf(want, sizeof want, "<%s|%600d|%s>", "a", -3, big));
	rewind(f);
	n = fread(got, 1, sizeof got, f);
	ck_assert_uint_eq(n, (size_t)r);
	ck_assert(!memcmp(got, want, n));
	fclose(f);
}
END_TEST

/* a stream that fails: -1, as libc's */
START_TEST(stream_error)
{
	FILE *f = fopen("/dev/null", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fmt_fprintf(f, "%s\n", "x"), -1);
	fclose(f);
}
END_TEST

Suite *fmt_suite(void)
{
	Suite *s = suite_create("fmt");
	TCase *t = tcase_create("fmt");

	tcase_set_timeout(t, 60);
	tcase_add_loop_test(t, integers_match_libc, 0, (int)strlen(convs));
	tcase_add_test(t, strings_match_libc);
	tcase_add_test(t, precision_bounds_the_read);
	tcase_add_test(t, truncation_at_every_size);
	tcase_add_test(t, extremes);
	tcase_add_test(t, unsupported_conversion_shows);
	tcase_add_test(t, null_string);
	tcase_add_test(t, stream_output);
	tcase_add_test(t, stream_error);
	suite_add_tcase(s, t);
	return s;
}
