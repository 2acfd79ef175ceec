/* fmt.h - the one printf formatter of wirebox.
 * musl's printf brings floating point (fmt_fp), wide characters and
 * positional arguments: ~12 KB of a static binary that prints only
 * integers and strings. This one knows exactly what wirebox's and
 * mbedTLS's formats use:
 *   flags - + space 0 #, width and precision (digits or *),
 *   lengths hh h l ll j z t, conversions d i u o x X c s %.
 * Anything else (%f, %p, %n, %e, ...) ends the output there, so it shows
 * in the output instead of reading the wrong argument. Results are C99's:
 * snprintf returns the length it would have written and always ends the
 * buffer with a NUL when it has room for one; a stream error gives -1.
 *
 * Static musl builds (the Makefile's STATIC=1 gives -DWB_OWN_LIBC) get
 * snprintf, vsnprintf, printf, fprintf and vfprintf from fmt.c, so call
 * sites (and mbedTLS's) stay as they are, libc's printf is not linked, and
 * -Wformat checks them through libc's declarations. Dynamic builds (the
 * unit tests, ASan, valgrind) keep libc's; the tests compare the two. */
#ifndef WB_FMT_H
#define WB_FMT_H
#include <stdio.h>
#include <stdarg.h>

#define WB_FMT_PRINTF(a, b) __attribute__((format(printf, a, b)))

int fmt_vsnprintf(char *buf, size_t max, const char *fmt, va_list ap) WB_FMT_PRINTF(3, 0);
int fmt_snprintf(char *buf, size_t max, const char *fmt, ...) WB_FMT_PRINTF(3, 4);
int fmt_vfprintf(FILE *f, const char *fmt, va_list ap) WB_FMT_PRINTF(2, 0);
int fmt_fprintf(FILE *f, const char *fmt, ...) WB_FMT_PRINTF(2, 3);
#endif
