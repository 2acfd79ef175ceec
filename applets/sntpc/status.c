/* status.c - the daemon's sync status file: format, strict parse, atomic
 * write, and the --wait-sync loop; see status.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "status.h"
#include "text.h"
#include "util.h"

#define POLL_MAX_S 131072u      /* 2^17 s: RFC 5905's maxpoll */
#define TIME_MAX_S 100000000000LL  /* year 5138: larger is garbage */

/* an appender that never overruns and remembers a cut */
struct app {
	char *b;
	size_t max, n;
	int cut;
};

static void WB_PRINTF(2, 3) app(struct app *a, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (a->cut)
		return;
	va_start(ap, fmt);
	r = vsnprintf(a->b + a->n, a->max - a->n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= a->max - a->n) {
		a->cut = 1;
		return;
	}
	a->n += (size_t)r;
}

/* 'text' quoted for sh, as output.c's out_quoted */
static void app_quoted(struct app *a, const char *s)
{
	app(a, "'");
	for (; *s; s++)
		if (*s == '\'')
			app(a, "'\\''");
		else
			app(a, "%c", *s);
	app(a, "'");
}

static void date_str(int64_t t, char *buf, size_t max)
{
	int64_t days = t / 86400 - (t % 86400 < 0), y;
	int64_t s = t - days * 86400;
	unsigned m, d;

	civil_date(days, &y, &m, &d);
	snprintf(buf, max, "%04lld-%02u-%02u %02u:%02u:%02u UTC", (long long)y, m, d,
	         (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

/* "DATE UTC (N s ago)" */
static void app_when(struct app *a, int64_t t, int64_t now)
{
	char d[48];

	date_str(t, d, sizeof d);
	app(a, "%s", d);
	if (now && now >= t)
		app(a, " (%lld s ago)", (long long)(now - t));
}

static void format_eval(struct app *a, const struct sync_status *st,
                        const char *srv, const char *adr)
{
	char o[40], d[40];

	app(a, "SNTP_SYNC=%d\nSNTP_STRATUM=%u\nSNTP_SERVER=", st->synced ? 1 : 0, st->stratum);
	app_quoted(a, srv);
	app(a, "\nSNTP_ADDRESS=");
	app_quoted(a, adr);
	app(a, "\nSNTP_OFFSET=%s\nSNTP_DELAY=%s\nSNTP_UPDATED=%lld\nSNTP_POLL=%u\n"
	    "SNTP_WRITTEN=%lld\nSNTP_PID=%ld\n",
	    ntp_fix_str(st->offset, 1, o, sizeof o), ntp_fix_str(st->delay, 0, d, sizeof d),
	    (long long)st->updated, st->poll, (long long)st->written, st->pid);
}

static void format_human(struct app *a, const struct sync_status *st, int64_t now,
                         const char *srv, const char *adr)
{
	char o[40], d[40];

	if (st->synced)
		app(a, "synchronised to %s (%s), stratum %u\n", srv, adr, st->stratum);
	else if (*srv)
		app(a, "not synchronised (last server %s (%s))\n", srv, adr);
	else
		app(a, "not synchronised\n");
	if (st->updated) {
		app(a, "offset %s s, delay %s s, poll %u s\nupdated ",
		    ntp_fix_str(st->offset, 1, o, sizeof o), ntp_fix_str(st->delay, 0, d, sizeof d),
		    st->poll);
		app_when(a, st->updated, now);
		app(a, "\n");
	} else {
		app(a, "never updated, poll %u s\n", st->poll);
	}
	app(a, "written ");
	app_when(a, st->written, now);
	if (st->pid > 0)
		app(a, " by pid %ld", st->pid);
	if (now && !status_fresh(st, now))
		app(a, " (stale: is the daemon running?)");
	app(a, "\n");
}

int status_format(const struct sync_status *st, int eval, int64_t now, char *buf, size_t max)
{
	struct app a = { buf, max, 0, 0 };
	char srv[HOST_MAX], adr[ADDRSTR_MAX];

	if (max == 0)
		return -1;
	buf[0] = 0;
	text_clean(srv, sizeof srv, st->server, strnlen(st->server, sizeof st->server));
	text_clean(adr, sizeof adr, st->address, strnlen(st->address, sizeof st->address));
	if (eval)
		format_eval(&a, st, srv, adr);
	else
		format_human(&a, st, now, srv, adr);
	return a.cut ? -1 : (int)a.n;
}

/* ---- strict parsing ---- */

/* a canonical decimal number 0..max: no sign, no leading zero */
static int num_parse(const char *v, int64_t max, int64_t *out)
{
	int64_t n = 0;
	size_t k = strspn(v, "0123456789");

	if (k == 0 || v[k] || k > 12 || (v[0] == '0' && k > 1))
		return -1;
	for (; *v; v++)
		n = n * 10 + (*v - '0');
	if (n > max)
		return -1;
	*out = n;
	return 0;
}

/* [+-]SECONDS.UUUUUU as ntp_fix_str writes it, |SECONDS| < 2^31 - 1 */
static int fix_parse(const char *v, ntp_fix *out)
{
	int neg = *v == '-';
	int64_t s, us;
	const char *dot;

	if (*v == '+' || *v == '-')
		v++;
	dot = strchr(v, '.');
	if (!dot || strlen(dot + 1) != 6 || strspn(dot + 1, "0123456789") != 6 ||
	    dot - v > 10 || dot == v || strspn(v, "0123456789") != (size_t)(dot - v) ||
	    (v[0] == '0' && dot - v > 1))
		return -1;
	for (s = 0; v < dot; v++)
		s = s * 10 + (*v - '0');
	if (s > 2147483646)
		return -1;
	for (us = 0, v = dot + 1; *v; v++)
		us = us * 10 + (*v - '0');
	us += s * 1000000;
	*out = ntp_fix_from_ns((neg ? -us : us) * 1000);
	return 0;
}

/* 'text' with '\'' for a quote, into out (max); no control bytes */
static int quoted_parse(const char *v, char *out, size_t max)
{
	size_t n = 0;

	if (*v++ != '\'')
		return -1;
	for (;;) {
		if (*v == 0)
			return -1;
		if (*v == '\'') {
			if (v[1] == 0)
				break;
			if (strncmp(v, "'\\''", 4))
				return -1;
			v += 4;
			if (n + 1 >= max)
				return -1;
			out[n++] = '\'';
			continue;
		}
		if (ctl_byte((unsigned char)*v) || n + 1 >= max)
			return -1;
		out[n++] = *v++;
	}
	out[n] = 0;
	return 0;
}

enum { K_SYNC, K_STRATUM, K_SERVER, K_ADDRESS, K_OFFSET, K_DELAY, K_UPDATED,
       K_POLL, K_WRITTEN, K_PID, K_N };
static const char *const keys[K_N] = {
	"SNTP_SYNC", "SNTP_STRATUM", "SNTP_SERVER", "SNTP_ADDRESS", "SNTP_OFFSET",
	"SNTP_DELAY", "SNTP_UPDATED", "SNTP_POLL", "SNTP_WRITTEN", "SNTP_PID",
};

static int set_key(int k, const char *v, struct sync_status *st)
{
	int64_t n = 0;
	int r = 0;

	switch (k) {
	case K_SERVER: return quoted_parse(v, st->server, sizeof st->server);
	case K_ADDRESS: return quoted_parse(v, st->address, sizeof st->address);
	case K_OFFSET: return fix_parse(v, &st->offset);
	case K_DELAY: return fix_parse(v, &st->delay);
	case K_SYNC: r = num_parse(v, 1, &n); st->synced = (int)n; break;
	case K_STRATUM: r = num_parse(v, 16, &n); st->stratum = (unsigned)n; break;
	case K_POLL: r = num_parse(v, POLL_MAX_S, &n); st->poll = (unsigned)n; break;
	case K_UPDATED: r = num_parse(v, TIME_MAX_S, &st->updated); break;
	case K_WRITTEN: r = num_parse(v, TIME_MAX_S, &st->written); break;
	case K_PID: r = num_parse(v, 2147483647, &n); st->pid = (long)n; break;
	}
	return r;
}

/* one "KEY=VALUE" line (NUL-terminated): -1 malformed */
static int parse_line(char *l, unsigned *seen, struct sync_status *st)
{
	char *eq = strchr(l, '=');
	int k;

	if (!eq || eq == l || strspn(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != (size_t)(eq - l))
		return -1;
	*eq = 0;
	for (k = 0; k < K_N && strcmp(l, keys[k]); k++)
		;
	if (k == K_N)
		return 0;               /* a later version's key */
	if (*seen & 1u << k)
		return -1;
	*seen |= 1u << k;
	return set_key(k, eq + 1, st);
}

int status_parse(const char *text, struct sync_status *st, struct wb_err *e)
{
	char line[STATUS_FILE_MAX];
	unsigned seen = 0, no = 0;
	const char *p = text, *nl;
	size_t n;

	memset(st, 0, sizeof *st);
	for (; *p; p = nl + 1) {
		no++;
		nl = strchr(p, '\n');
		if (!nl) {
			err_set(e, EX_PROTOCOL, "status line %u: no newline at the end", no);
			return -1;
		}
		n = (size_t)(nl - p);
		if (n >= sizeof line || (memcpy(line, p, n), line[n] = 0,
		                         parse_line(line, &seen, st))) {
			err_set(e, EX_PROTOCOL, "status line %u: malformed", no);
			memset(st, 0, sizeof *st);
			return -1;
		}
	}
	if (!(seen & 1u << K_SYNC)) {
		err_set(e, EX_PROTOCOL, "status: no SNTP_SYNC line");
		memset(st, 0, sizeof *st);
		return -1;
	}
	return 0;
}

int status_read(const char *path, struct sync_status *st, struct wb_err *e)
{
	char buf[STATUS_FILE_MAX + 1];
	struct stat sb;
	ssize_t n;
	int fd;

	if (!path)
		path = STATUS_PATH;
	memset(st, 0, sizeof *st);
	/* O_NONBLOCK: a FIFO put there cannot hang the reader */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &sb)) {
		err_sys(e, errno == ENOENT ? EX_UNAVAILABLE : EX_IOERR, "%s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		err_set(e, EX_PROTOCOL, "%s: not a regular file", path);
		return -1;
	}
	/* only the daemon's word counts: a file of another user, or one that
	 * others may write, could say "synchronised" for anyone */
	if ((sb.st_uid != 0 && sb.st_uid != geteuid()) || (sb.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		err_set(e, EX_PROTOCOL, "%s: not trusted: %s", path,
		        sb.st_mode & (S_IWGRP | S_IWOTH) ? "others may write it" :
		        "it belongs to another user");
		return -1;
	}
	n = fd_read_full(fd, buf, sizeof buf);
	close(fd);
	if (n < 0) {
		err_sys(e, EX_IOERR, "%s", path);
		return -1;
	}
	if ((size_t)n > STATUS_FILE_MAX || memchr(buf, 0, (size_t)n)) {
		err_set(e, EX_PROTOCOL, "%s: %s", path, n > STATUS_FILE_MAX ? "too large" : "not text");
		return -1;
	}
	buf[n] = 0;
	if (status_parse(buf, st, e)) {
		char m[sizeof e->msg];

		strlcopy(m, e->msg, sizeof m);
		err_set(e, EX_PROTOCOL, "%s: %s", path, m);
		return -1;
	}
	return 0;
}

int status_write(const char *path, const struct sync_status *st, struct wb_err *e)
{
	char tmp[1024], buf[STATUS_FILE_MAX];
	int fd, n;

	if (!path)
		path = STATUS_PATH;
	n = status_format(st, 1, 0, buf, sizeof buf);
	if (n < 0 || snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp) {
		err_set(e, EX_IOERR, "%s: %s", path, n < 0 ? "status too long" : "path too long");
		return -1;
	}
	fd = mkstemp(tmp);              /* O_EXCL: never through a symlink */
	if (fd < 0) {
		err_sys(e, EX_IOERR, "%s", tmp);
		return -1;
	}
	if (fchmod(fd, 0644) || fd_write_all(fd, buf, (size_t)n)) {
		err_sys(e, EX_IOERR, "%s", tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) || rename(tmp, path)) {
		err_sys(e, EX_IOERR, "%s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int status_fresh(const struct sync_status *st, int64_t now)
{
	int64_t age = now - st->written;

	return st->written > 0 && age >= -STATUS_SLACK &&
	       age <= 2 * (int64_t)st->poll + STATUS_SLACK;
}

static int pid_alive(long pid)
{
	return pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

int status_ok(const struct sync_status *st, int64_t now)
{
	return st->synced && status_fresh(st, now) && pid_alive(st->pid);
}

static int64_t unix_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

/* 0 when st says synchronised now, else why not in why */
static int sync_ok(const char *path, struct sync_status *st, char *why, size_t max)
{
	struct wb_err e = { 0, "" };

	if (status_read(path, st, &e)) {
		strlcopy(why, e.msg, max);
		return -1;
	}
	if (!st->synced)
		snprintf(why, max, "%s: not synchronised", path ? path : STATUS_PATH);
	else if (!status_ok(st, unix_now()))
		snprintf(why, max, "%s: stale (is the daemon running?)", path ? path : STATUS_PATH);
	else
		return 0;
	return -1;
}

int status_wait(const char *path, int64_t deadline_ms, struct sync_status *st,
                struct wb_err *e)
{
	char why[200];
	int64_t left;
	struct timespec ts;

	for (;;) {
		if (!sync_ok(path, st, why, sizeof why))
			return 0;
		left = deadline_ms - mono_ms();
		if (left <= 0)
			break;
		if (left > STATUS_WAIT_MS)
			left = STATUS_WAIT_MS;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000;
		nanosleep(&ts, NULL);
	}
	err_set(e, EX_TEMPFAIL, "not synchronised in time: %s", why);
	return EX_TEMPFAIL;
}
