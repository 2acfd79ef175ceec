/* dlog.c - the daemon's log: stderr, or with -L syslog (core/slog). */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include "sysopts.h"
#include "sntpc.h"
#include "slog.h"

static int to_syslog;
static struct slog lg = { -1, 0, NULL };

/* connect now (-L), so the caller can say at start that syslog is missing */
int dlog_open(int use_syslog)
{
	to_syslog = use_syslog;
	if (!to_syslog)
		return 0;
	slog_close(&lg);
	slog_init(&lg, LOG_DAEMON, wb_applet);
	return slog_open(&lg);
}

void dlog(int prio, const char *fmt, ...)
{
	char b[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	if (to_syslog && slog_send(&lg, prio, b) == 0)
		return;
	/* no syslogd: stderr; a closed one (EPIPE, SIGPIPE ignored) is no reason to stop */
	fprintf(stderr, "%s: %s\n", wb_applet, b);
	if (fflush(stderr) || ferror(stderr))
		clearerr(stderr);
}
