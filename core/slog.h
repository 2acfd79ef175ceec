/* slog.h - a small RFC 3164 client of the local syslog daemon: one
 * datagram "<PRI>TAG[PID]: text" to /dev/log (BusyBox syslogd, rsyslog,
 * journald), without libc's syslog() and its process-wide state. */
#ifndef WB_SLOG_H
#define WB_SLOG_H
#include <stddef.h>
#include "err.h"

#define SLOG_PATH "/dev/log"
#define SLOG_LINE_MAX 1024      /* a longer text is cut (RFC 3164: 1024 octets) */

struct slog {
	int fd;                 /* -1: not connected */
	int facility;           /* LOG_USER, LOG_MAIL, LOG_DAEMON, LOG_LOCAL0..7 */
	const char *tag;        /* the applet's name */
};

/* the facility named NAME (LOG_USER, LOG_MAIL, LOG_DAEMON, LOG_LOCAL0 ..
 * LOG_LOCAL7, with or without "LOG_", any case), or -1 */
int slog_facility(const char *name);

/* not connected yet; the first slog_send connects */
void slog_init(struct slog *l, int facility, const char *tag);
/* connect now (a caller that wants to say at start that there is no
 * syslogd); 0 or -1 */
int slog_open(struct slog *l);
/* "<facility|prio>tag[pid]: text" (text cleaned of control characters,
 * cut at SLOG_LINE_MAX); a syslogd that restarted is connected again
 * once. 0 or -1 (errno: no syslogd). */
int slog_send(struct slog *l, int prio, const char *text);
/* the datagram slog_send would send, into buf; its length */
size_t slog_format(char *buf, size_t max, int pri, const char *tag, long pid,
                   const char *text);
void slog_close(struct slog *l);

#endif
