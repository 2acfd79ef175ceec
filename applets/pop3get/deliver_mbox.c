/* deliver_mbox.c - mboxrd delivery into a locked file: fcntl write lock
 * for the whole run, each message appended after a "From " line; on a
 * failure the file is truncated back to where the message began; fsync
 * makes a window of messages durable. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "pop3.h"

size_t mbox_fromline(char *buf, size_t max, long t)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;
	int n;

	if (!gmtime_r(&tt, &tm))
		memset(&tm, 0, sizeof tm);
	n = snprintf(buf, max, "From MAILER-DAEMON %s %s %2d %02d:%02d:%02d %d\n",
	             wd[tm.tm_wday % 7], mo[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour,
	             tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
	return n < 0 || (size_t)n >= max ? 0 : (size_t)n;
}

int mbox_open(struct dlv *d, struct wb_err *e)
{
	struct flock fl;
	int i;

	d->mboxfd = open(d->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (d->mboxfd < 0) {
		err_sys(e, EX_IOERR, "opening mbox %s", d->path);
		return -1;
	}
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	for (i = 0; fcntl(d->mboxfd, F_SETLK, &fl) != 0; i++) {
		if ((errno != EACCES && errno != EAGAIN) || i >= 100) {
			err_sys(e, EX_TEMPFAIL, "locking mbox %s", d->path);
			return -1;
		}
		usleep(100000);
	}
	return 0;
}

int mbox_begin(struct dlv *d, struct wb_err *e)
{
	char buf[64];
	size_t n = mbox_fromline(buf, sizeof buf, (long)time(NULL));

	d->start = lseek(d->mboxfd, 0, SEEK_END);
	if (d->start < 0) {
		err_sys(e, EX_IOERR, "seeking mbox %s", d->path);
		return -1;
	}
	d->fd = d->mboxfd;
	if (write_full(d->fd, buf, n)) {
		err_sys(e, EX_IOERR, "writing mbox %s", d->path);
		mbox_abort(d);
		return -1;
	}
	return 0;
}

int mbox_end(struct dlv *d, struct wb_err *e)
{
	(void)e;
	d->fd = -1;
	return 0;
}

void mbox_abort(struct dlv *d)
{
	if (d->fd >= 0) {
		if (ftruncate(d->mboxfd, d->start) != 0)
			warnmsg("%s: cannot truncate back a partial message: %s",
			        d->path, strerror(errno));
		d->fd = -1;
	}
}

int mbox_sync(struct dlv *d, struct wb_err *e)
{
	if (fsync(d->mboxfd) != 0) {
		err_sys(e, EX_IOERR, "fsync mbox %s", d->path);
		return -1;
	}
	return 0;
}
