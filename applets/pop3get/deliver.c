/* deliver.c - the delivery target interface: dispatch to Maildir, mbox or
 * MDA, and standard output in mboxrd form (for pipelines). */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "sysopts.h"
#include "pop3.h"
#include "util.h"

void dlv_init(struct dlv *d, enum dlv_kind kind, const char *path)
{
	memset(d, 0, sizeof *d);
	d->kind = kind;
	d->path = path;
	d->fd = d->dirfd = d->tmpdirfd = d->mboxfd = -1;
	d->mda.pid = -1;
	d->timeout_ms = CONN_TIMEOUT_DEFAULT_MS;       /* fetch() sets --timeout */
	mboxrd_init(&d->q);
}

int dlv_open(struct dlv *d, struct wb_err *e)
{
	if (CFG_POP3GET_MAILDIR && d->kind == DLV_MAILDIR)
		return maildir_open(d, e);
	if (CFG_POP3GET_MBOX && d->kind == DLV_MBOX)
		return mbox_open(d, e);
	return 0;
}

/* mboxrd targets (mbox, standard output): the "From " line into d->fd */
int dlv_fromline(struct dlv *d, struct wb_err *e)
{
	char buf[64];
	size_t n = mbox_fromline(buf, sizeof buf, (long long)time(NULL));

	if (fd_write_all(d->fd, buf, n)) {
		err_sys(e, EX_IOERR, "writing %s", d->kind == DLV_MBOX ? d->path :
		        "standard output");
		return -1;
	}
	return 0;
}

int dlv_begin(struct dlv *d, struct wb_err *e)
{
	mboxrd_init(&d->q);
	d->written = d->advised = 0;
	switch (d->kind) {
	case DLV_MAILDIR:
		return CFG_POP3GET_MAILDIR ? maildir_begin(d, e) : -1;
	case DLV_MBOX:
		return CFG_POP3GET_MBOX ? mbox_begin(d, e) : -1;
	case DLV_MDA:
		return CFG_POP3GET_MDA ? mda_begin(d, e) : -1;
	case DLV_STDOUT:
		d->fd = 1;
		return dlv_fromline(d, e);
	case DLV_RAW:
		d->fd = 1;
		return 0;
	}
	return 0;
}

static int put(struct dlv *d, const char *p, size_t n, struct wb_err *e)
{
	if (d->kind == DLV_MDA)
		return CFG_POP3GET_MDA ? mda_write(d, p, n, e) : -1;
	/* a big message: start writing back every few MiB, so that the page
	 * cache holds little and the final fsync has little left to do */
	if (d->kind == DLV_MAILDIR || d->kind == DLV_MBOX) {
		d->written += n;
		if (d->written - d->advised >= DLV_WRITEBACK) {
			posix_fadvise(d->fd, 0, 0, POSIX_FADV_DONTNEED);
			d->advised = d->written;
		}
	}
	if (fd_write_all(d->fd, p, n)) {
		err_sys(e, EX_IOERR, "writing %s", d->kind == DLV_STDOUT ||
		        d->kind == DLV_RAW ? "standard output" : d->path);
		return -1;
	}
	return 0;
}

int dlv_write(struct dlv *d, const char *p, size_t n, struct wb_err *e)
{
	char q[4096 + 8];

	if (d->kind == DLV_MAILDIR || d->kind == DLV_MDA || d->kind == DLV_RAW)
		return put(d, p, n, e);
	while (n > 0) {
		size_t k = n > 4096 ? 4096 : n;

		if (put(d, q, mboxrd_feed(&d->q, p, k, q), e))
			return -1;
		p += k;
		n -= k;
	}
	return 0;
}

int dlv_end(struct dlv *d, struct wb_err *e)
{
	char q[16];
	int r = 0;

	switch (d->kind) {
	case DLV_MAILDIR:
		r = CFG_POP3GET_MAILDIR ? maildir_end(d, e) : -1;
		break;
	case DLV_MDA:
		r = CFG_POP3GET_MDA ? mda_end(d, e) : -1;
		break;
	case DLV_RAW:
		d->fd = -1;
		break;
	case DLV_MBOX:
	case DLV_STDOUT:
		if (put(d, q, mboxrd_end(&d->q, q, sizeof q), e))
			return -1;
		if (CFG_POP3GET_MBOX && d->kind == DLV_MBOX)
			r = mbox_end(d, e);
		d->fd = -1;
		break;
	}
	if (r == 0)
		d->unsynced++;
	return r;
}

void dlv_abort(struct dlv *d)
{
	switch (d->kind) {
	case DLV_MAILDIR:
		if (CFG_POP3GET_MAILDIR)
			maildir_abort(d);
		break;
	case DLV_MBOX:
		if (CFG_POP3GET_MBOX)
			mbox_abort(d);
		break;
	case DLV_MDA:
		if (CFG_POP3GET_MDA)
			mda_abort(d);
		break;
	case DLV_STDOUT:
	case DLV_RAW:
		d->fd = -1;
		break;
	}
}

int dlv_unend(struct dlv *d)
{
	int r = -1;

	if (CFG_POP3GET_MAILDIR && d->kind == DLV_MAILDIR)
		r = maildir_unend(d);
	else if (CFG_POP3GET_MBOX && d->kind == DLV_MBOX)
		r = mbox_unend(d);
	if (r == 0)
		d->unsynced--;
	return r;
}

int dlv_sync(struct dlv *d, struct wb_err *e)
{
	struct stat st;
	int r = 0;

	if (d->unsynced == 0)
		return 0;
	if (CFG_POP3GET_MAILDIR && d->kind == DLV_MAILDIR)
		r = maildir_sync(d, e);
	else if (CFG_POP3GET_MBOX && d->kind == DLV_MBOX)
		r = mbox_sync(d, e);
	else if (d->kind == DLV_STDOUT && fstat(1, &st) == 0 &&
	         S_ISREG(st.st_mode) && fsync(1) != 0) {
		err_sys(e, EX_IOERR, "fsync standard output");
		r = -1;
	}
	if (r == 0)
		d->unsynced = 0;
	return r;
}

void dlv_close(struct dlv *d)
{
	if (d->fd >= 0)
		dlv_abort(d);
	if (CFG_POP3GET_MAILDIR && d->kind == DLV_MAILDIR)
		maildir_close(d);
	if (CFG_POP3GET_MBOX && d->kind == DLV_MBOX)
		mbox_close(d);
	if (d->dirfd >= 0)
		close(d->dirfd);
	if (d->tmpdirfd >= 0)
		close(d->tmpdirfd);
	if (d->mboxfd >= 0)
		close(d->mboxfd);
	d->dirfd = d->tmpdirfd = d->mboxfd = -1;
}
