/* dlog.c - the daemon's log: stderr, or with -L the syslog socket. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "sysopts.h"
#include "sntpc.h"

static int to_syslog, log_fd = -1;      /* -L: datagram socket to /dev/log */

/* -L: a minimal syslog client, "<PRI>sntpc[PID]: text" (RFC 3164 without
 * the optional timestamp, which syslogd adds); libc's syslog would bring
 * strftime and the time-zone code, ~8 KB static */
static int log_open(void)
{
	struct sockaddr_un ua;

	if (log_fd >= 0)
		close(log_fd);
	memset(&ua, 0, sizeof ua);
	ua.sun_family = AF_UNIX;
	memcpy(ua.sun_path, "/dev/log", sizeof "/dev/log");
	log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (log_fd >= 0 && connect(log_fd, (struct sockaddr *)&ua, sizeof ua) == 0)
		return 0;
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	return -1;
}

int dlog_open(int use_syslog)
{
	to_syslog = use_syslog;
	return to_syslog ? log_open() : 0;
}

static int log_send(int prio, const char *fmt, va_list ap)
{
	char b[512];
	int n = snprintf(b, sizeof b, "<%d>%s[%ld]: ", LOG_DAEMON | prio, wb_applet,
	                 (long)getpid());
	size_t len;

	if (n < 0 || (size_t)n >= sizeof b / 2)
		n = 0;
	vsnprintf(b + n, sizeof b - (size_t)n, fmt, ap);
	len = strlen(b);
	if (log_fd >= 0 && send(log_fd, b, len, MSG_NOSIGNAL) == (ssize_t)len)
		return 0;
	/* not yet connected, or syslogd restarted: connect again */
	return log_open() || send(log_fd, b, len, MSG_NOSIGNAL) != (ssize_t)len ? -1 : 0;
}

void dlog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (to_syslog) {
		va_list aq;
		int r;
		va_copy(aq, ap);
		r = log_send(prio, fmt, aq);
		va_end(aq);
		if (r == 0) {
			va_end(ap);
			return;
		}
	}
	/* no syslogd: stderr; a closed one (EPIPE, SIGPIPE ignored) is no reason to stop */
	fprintf(stderr, "%s: ", wb_applet);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	if (fflush(stderr) || ferror(stderr))
		clearerr(stderr);
	va_end(ap);
}
