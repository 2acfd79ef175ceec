/* slog.c - RFC 3164 datagrams to /dev/log (slog.h). */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "slog.h"
#include "text.h"

static const struct { const char *name; int fac; } facs[] = {
	{ "USER", LOG_USER }, { "MAIL", LOG_MAIL }, { "DAEMON", LOG_DAEMON },
	{ "LOCAL0", LOG_LOCAL0 }, { "LOCAL1", LOG_LOCAL1 }, { "LOCAL2", LOG_LOCAL2 },
	{ "LOCAL3", LOG_LOCAL3 }, { "LOCAL4", LOG_LOCAL4 }, { "LOCAL5", LOG_LOCAL5 },
	{ "LOCAL6", LOG_LOCAL6 }, { "LOCAL7", LOG_LOCAL7 },
};

int slog_facility(const char *name)
{
	size_t i;

	if (!strncasecmp(name, "LOG_", 4))
		name += 4;
	for (i = 0; i < sizeof facs / sizeof *facs; i++)
		if (!strcasecmp(name, facs[i].name))
			return facs[i].fac;
	return -1;
}

void slog_init(struct slog *l, int facility, const char *tag)
{
	l->fd = -1;
	l->facility = facility;
	l->tag = tag;
}

void slog_close(struct slog *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

int slog_open(struct slog *l)
{
	struct sockaddr_un ua;

	slog_close(l);
	memset(&ua, 0, sizeof ua);
	ua.sun_family = AF_UNIX;
	memcpy(ua.sun_path, SLOG_PATH, sizeof SLOG_PATH);
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (l->fd >= 0 && connect(l->fd, (struct sockaddr *)&ua, sizeof ua) == 0)
		return 0;
	slog_close(l);
	return -1;
}

size_t slog_format(char *buf, size_t max, int pri, const char *tag, long pid,
                   const char *text)
{
	int n = snprintf(buf, max, "<%d>%s[%ld]: ", pri, tag, pid);

	if (n < 0 || (size_t)n >= max / 2)
		n = 0;
	return (size_t)n + text_clean(buf + n, max - (size_t)n, text, strlen(text));
}

int slog_send(struct slog *l, int prio, const char *text)
{
	char b[SLOG_LINE_MAX + 1];
	size_t len = slog_format(b, sizeof b, l->facility | (prio & LOG_PRIMASK), l->tag,
	                         (long)getpid(), text);

	if (l->fd >= 0 && send(l->fd, b, len, MSG_NOSIGNAL) == (ssize_t)len)
		return 0;
	/* not yet connected, or syslogd restarted: connect again */
	return slog_open(l) || send(l->fd, b, len, MSG_NOSIGNAL) != (ssize_t)len ? -1 : 0;
}
