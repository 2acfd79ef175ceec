/* err.c - error messages in one style. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "err.h"

const char *wb_applet = "wirebox";

static void err_vset(struct wb_err *e, int code, const char *fmt, va_list ap)
{
	e->code = code;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

void err_set(struct wb_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
}

void err_sys(struct wb_err *e, int code, const char *fmt, ...)
{
	int saved = errno;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(saved));
}

void warnmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", wb_applet);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int err_report(const struct wb_err *e, const char *server, const char *step)
{
	fprintf(stderr, "%s: %s%s%s%s%s\n", wb_applet,
	        server ? server : "", server ? ": " : "",
	        step ? step : "", step ? ": " : "", e->msg);
	return e->code;
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", wb_applet);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", wb_applet);
	return EX_USAGE;
}
