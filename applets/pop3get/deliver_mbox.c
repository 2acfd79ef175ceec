/* deliver_mbox.c - mboxrd delivery into a locked file: fcntl write lock
 * for the whole run, each message appended after a "From " line; on a
 * failure the file is truncated back to where the message began; fsync
 * makes a window of messages durable. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "pop3.h"

/* days since 1970-01-01 to year, month (1-12), day: the civil-from-days
 * algorithm (H. Hinnant), a few lines instead of libc's calendar code */
static void civil(long long days, int *y, int *m, int *d)
{
	long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

size_t mbox_fromline(char *buf, size_t max, long long t)
{
	static const char wd[] = "ThuFriSatSunMonTueWed";
	static const char mo[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	long long days, sod;
	int y, m, d, n;

	if (t < 0)
		t = 0;
	days = t / 86400;
	sod = t % 86400;
	civil(days, &y, &m, &d);
	n = snprintf(buf, max, "From MAILER-DAEMON %.3s %.3s %2d %02d:%02d:%02d %d\n",
	             wd + days % 7 * 3, mo + (m - 1) * 3, d, (int)(sod / 3600),
	             (int)(sod / 60 % 60), (int)(sod % 60), y);
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
	d->start = lseek(d->mboxfd, 0, SEEK_END);
	if (d->start < 0) {
		err_sys(e, EX_IOERR, "seeking mbox %s", d->path);
		return -1;
	}
	d->fd = d->mboxfd;
	if (dlv_fromline(d, e)) {
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
