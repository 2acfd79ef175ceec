/* err.c - error messages in one style. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "err.h"
#include "text.h"

const char *wb_applet = "wirebox";

/* Messages often quote what a server sent: text_clean() escapes controls,
 * so a reply can neither forge lines nor send terminal escape sequences. */
static void err_vset(struct wb_err *e, int code, const char *fmt, va_list ap)
{
	e->code = code;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	text_clean_inplace(e->msg, sizeof e->msg);
}

/* "applet: message" and a newline, cleaned */
static void vsay(const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof msg, fmt, ap);
	text_clean_inplace(msg, sizeof msg);
	fprintf(stderr, "%s: %s\n", wb_applet, msg);
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

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

int err_report(const struct wb_err *e, const char *server, const char *step)
{
	char msg[sizeof e->msg];

	memcpy(msg, e->msg, sizeof msg);        /* also when filled directly */
	msg[sizeof msg - 1] = 0;
	text_clean_inplace(msg, sizeof msg);
	fprintf(stderr, "%s: %s%s%s%s%s\n", wb_applet,
	        server ? server : "", server ? ": " : "",
	        step ? step : "", step ? ": " : "", msg);
	return e->code;
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help'.\n", wb_applet);
	return EX_USAGE;
}
