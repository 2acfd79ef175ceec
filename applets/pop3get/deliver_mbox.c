/* deliver_mbox.c - mboxrd delivery into a locked file: fcntl write lock
 * and a MBOX.lock dotlock for the whole run, each message appended after
 * a blank line and a "From " line; on a failure the file is truncated back
 * to where the message began; fsync makes a window of messages durable.
 * Like mail.local, the mbox is opened without following a symlink and
 * must be a regular file with a single link, so neither a symlink nor a
 * hard link planted in a shared directory redirects the writes. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "pop3.h"
#include "util.h"

/* lock attempts 100 ms apart; a dotlock older than MBOX_STALE s is taken
 * to be left by a crashed writer and removed */
#define MBOX_TRIES 100
#define MBOX_STALE 300

size_t mbox_fromline(char *buf, size_t max, long long t)
{
	static const char wd[] = "ThuFriSatSunMonTueWed";
	static const char mo[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	long long days, sod;
	int64_t y;
	unsigned m, d;
	int n;

	if (t < 0)
		t = 0;
	days = t / 86400;
	sod = t % 86400;
	civil_date(days, &y, &m, &d);
	n = snprintf(buf, max, "From MAILER-DAEMON %.3s %.3s %2u %02d:%02d:%02d %lld\n",
	             wd + days % 7 * 3, mo + (m - 1) * 3, d, (int)(sod / 3600),
	             (int)(sod / 60 % 60), (int)(sod % 60), (long long)y);
	return n < 0 || (size_t)n >= max ? 0 : (size_t)n;
}

/* a plain file with one link, or refused */
static int mbox_plain(struct dlv *d, struct wb_err *e)
{
	struct stat st;

	if (fstat(d->mboxfd, &st) != 0) {
		err_sys(e, EX_IOERR, "mbox %s", d->path);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		err_set(e, EX_CONFIG, "mbox %s is not a regular file with one link: "
		        "refused", d->path);
		return -1;
	}
	return 0;
}

static int fcntl_lock(struct dlv *d, struct wb_err *e)
{
	struct flock fl;
	int i;

	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	for (i = 0; fcntl(d->mboxfd, F_SETLK, &fl) != 0; i++) {
		if ((errno != EACCES && errno != EAGAIN) || i >= MBOX_TRIES) {
			err_sys(e, EX_TEMPFAIL, "locking mbox %s", d->path);
			return -1;
		}
		usleep(100000);
	}
	return 0;
}

/* a dotlock older than MBOX_STALE seconds: removed (1), else 0 */
static int stale(const char *lk)
{
	struct stat st;

	if (lstat(lk, &st) != 0 || time(NULL) - st.st_mtime < MBOX_STALE)
		return 0;
	return unlink(lk) == 0;
}

/* MBOX.lock, created O_EXCL; a directory we may not create in (a shared
 * spool without group mail) leaves the fcntl lock alone */
static int dot_lock(struct dlv *d, struct wb_err *e)
{
	int n = snprintf(d->dotlock, sizeof d->dotlock, "%s.lock", d->path), i, fd;

	if (n < 0 || (size_t)n >= sizeof d->dotlock) {
		err_set(e, EX_USAGE, "mbox name too long");
		return -1;
	}
	for (i = 0;; i++) {
		fd = open(d->dotlock, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			close(fd);
			d->dotlocked = 1;
			return 0;
		}
		if (errno == EACCES || errno == EROFS || errno == EPERM)
			return 0;
		if (errno != EEXIST || i >= MBOX_TRIES) {
			err_sys(e, EX_TEMPFAIL, "dotlock %s", d->dotlock);
			return -1;
		}
		if (!stale(d->dotlock))
			usleep(100000);
	}
}

int mbox_open(struct dlv *d, struct wb_err *e)
{
	d->mboxfd = open(d->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
	                 O_NONBLOCK, 0600);
	if (d->mboxfd < 0 && errno == ELOOP) {
		err_set(e, EX_CONFIG, "mbox %s is a symlink: refused", d->path);
		return -1;
	}
	if (d->mboxfd < 0) {
		err_sys(e, EX_IOERR, "opening mbox %s", d->path);
		return -1;
	}
	return mbox_plain(d, e) || fcntl_lock(d, e) || dot_lock(d, e) ? -1 : 0;
}

void mbox_close(struct dlv *d)
{
	if (d->dotlocked)
		unlink(d->dotlock);
	d->dotlocked = 0;
}

/* a message starts after an empty line: add what the file's end lacks */
static int separate(struct dlv *d, struct wb_err *e)
{
	char end[2] = { '\n', '\n' };
	size_t k = 0;

	if (d->start == 0)
		return 0;
	if (pread(d->mboxfd, end + (d->start == 1), d->start == 1 ? 1 : 2,
	          d->start == 1 ? 0 : d->start - 2) < 0) {
		err_sys(e, EX_IOERR, "reading mbox %s", d->path);
		return -1;
	}
	k = end[1] != '\n' ? 2 : end[0] != '\n' ? 1 : 0;
	if (k && fd_write_all(d->mboxfd, "\n\n", k)) {
		err_sys(e, EX_IOERR, "writing %s", d->path);
		return -1;
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
	if (separate(d, e) || dlv_fromline(d, e)) {
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

/* the last ended message cut off again (no message was begun since) */
int mbox_unend(struct dlv *d)
{
	return ftruncate(d->mboxfd, d->start);
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
