/* deliver_maildir.c - Maildir delivery: write tmp/NAME, fsync it, rename
 * into new/NAME; dlv_sync fsyncs new/ for a whole window of messages at
 * once (a message counts as durable only after that). On Linux, on a
 * filesystem the kernel writes itself (ext4, xfs, btrfs, f2fs, ubifs,
 * jffs2, tmpfs), one syncfs() writes the whole window in one journal
 * commit instead of the files' fsyncs (each of those would also flush the
 * disk's cache); FUSE (ntfs-3g, exfat-fuse, sshfs on a router's USB disk)
 * and network filesystems get each file's fsync, as syncfs does not reach
 * their daemon or server. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/utsname.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif
#include <unistd.h>
#include "pop3.h"

/* host name with '/' and ':' escaped as the Maildir convention says */
static void safe_host(char *out, size_t max)
{
	char h[64];
	size_t i, o = 0;

	if (gethostname(h, sizeof h) != 0)
		h[0] = 0;
	h[sizeof h - 1] = 0;
	for (i = 0; h[i] && o + 5 < max; i++) {
		if (h[i] == '/' || h[i] == ':') {
			snprintf(out + o, max - o, "\\%03o", (unsigned char)h[i]);
			o += 4;
		} else if ((unsigned char)h[i] > 0x20 && (unsigned char)h[i] < 0x7f) {
			out[o++] = h[i];
		}
	}
	if (o == 0)
		out[o++] = 'x';
	out[o] = 0;
}

int maildir_name(char *buf, size_t max, long sec, long usec, long pid,
                 unsigned long seq, const char *host)
{
	int n = snprintf(buf, max, "%ld.M%06ldP%ldQ%lu.%s", sec, usec, pid, seq, host);

	return n < 0 || (size_t)n >= max ? -1 : 0;
}

static int sub(struct dlv *d, int dfd, const char *name, struct wb_err *e)
{
	int fd;

	if (mkdirat(dfd, name, 0700) != 0 && errno != EEXIST) {
		err_sys(e, EX_IOERR, "creating %s/%s", d->path, name);
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		err_sys(e, EX_IOERR, "opening %s/%s", d->path, name);
	return fd;
}

/* 1 if one syncfs() of the Maildir's filesystem makes its files durable
 * and says when it could not: Linux 5.8 and later (older ones drop write
 * errors), on a filesystem the kernel writes itself. FUSE (ntfs-3g,
 * exfat-fuse, sshfs), NFS, CIFS and 9p get no syncfs through to their
 * daemon or server: there each file's own fsync does it. */
static int syncfs_reports(int dirfd)
{
#ifdef __linux__
	static const unsigned long local[] = {
		0xEF53,         /* ext2/3/4 */
		0x58465342,     /* xfs */
		0x9123683E,     /* btrfs */
		0xF2F52010,     /* f2fs */
		0x24051905,     /* ubifs */
		0x72b6,         /* jffs2 */
		0x01021994,     /* tmpfs */
	};
	struct utsname u;
	struct statfs f;
	char *end;
	long major, minor;
	size_t i;

	if (uname(&u) != 0 || fstatfs(dirfd, &f) != 0)
		return 0;
	major = strtol(u.release, &end, 10);
	minor = *end == '.' ? strtol(end + 1, NULL, 10) : 0;
	if (major < 5 || (major == 5 && minor < 8))
		return 0;
	for (i = 0; i < sizeof local / sizeof *local; i++)
		if ((unsigned long)f.f_type == local[i])
			return 1;
	return 0;
#else
	(void)dirfd;
	return 0;
#endif
}

int maildir_open(struct dlv *d, struct wb_err *e)
{
	int dfd, cur;

	if (mkdir(d->path, 0700) != 0 && errno != EEXIST) {
		err_sys(e, EX_IOERR, "creating Maildir %s", d->path);
		return -1;
	}
	dfd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		err_sys(e, EX_IOERR, "opening Maildir %s", d->path);
		return -1;
	}
	d->tmpdirfd = sub(d, dfd, "tmp", e);
	d->dirfd = d->tmpdirfd < 0 ? -1 : sub(d, dfd, "new", e);
	cur = d->dirfd < 0 ? -1 : sub(d, dfd, "cur", e);
	close(dfd);
	if (cur < 0)
		return -1;
	close(cur);
	safe_host(d->host, sizeof d->host);
	d->mypid = getpid();
	d->syncfs_ok = syncfs_reports(d->tmpdirfd);
	return 0;
}

int maildir_begin(struct dlv *d, struct wb_err *e)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	if (maildir_name(d->tmpname, sizeof d->tmpname, (long)tv.tv_sec,
	                 (long)tv.tv_usec, (long)d->mypid, ++d->seq, d->host)) {
		err_set(e, EX_SOFTWARE, "Maildir name too long");
		return -1;
	}
	d->fd = openat(d->tmpdirfd, d->tmpname,
	               O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (d->fd < 0 && (errno == EMFILE || errno == ENFILE) && d->npend > 0) {
		/* a low descriptor limit (ulimit -n): the pending files go
		 * to new/ now, closing theirs, and the window goes on */
		if (maildir_sync(d, e))
			return -1;
		d->fd = openat(d->tmpdirfd, d->tmpname,
		               O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	}
	if (d->fd < 0) {
		err_sys(e, EX_IOERR, "creating %s/tmp/%s", d->path, d->tmpname);
		return -1;
	}
	return 0;
}

int maildir_end(struct dlv *d, struct wb_err *e)
{
	if (d->npend == DLV_PEND && maildir_sync(d, e)) {
		maildir_abort(d);
		return -1;
	}
	d->pend_fd[d->npend] = d->fd;
	memcpy(d->pend_name[d->npend++], d->tmpname, sizeof d->tmpname);
	d->fd = -1;
	return 0;
}

/* the last ended message, not yet visible, dropped */
int maildir_unend(struct dlv *d)
{
	if (d->npend == 0)
		return -1;
	d->npend--;
	close(d->pend_fd[d->npend]);
	unlinkat(d->tmpdirfd, d->pend_name[d->npend], 0);
	return 0;
}

void maildir_abort(struct dlv *d)
{
	if (d->fd >= 0) {
		close(d->fd);
		d->fd = -1;
		unlinkat(d->tmpdirfd, d->tmpname, 0);
	}
}

/* pending messages from i on are dropped (never visible) */
static void drop_pending(struct dlv *d, int i)
{
	for (; i < d->npend; i++) {
		close(d->pend_fd[i]);
		unlinkat(d->tmpdirfd, d->pend_name[i], 0);
	}
	d->npend = 0;
}

/* one message: its own fsync (unless syncfs made it durable), then
 * visible in new/ */
static int publish(struct dlv *d, int i, int synced, struct wb_err *e)
{
	const char *name = d->pend_name[i];

	if (!synced && fsync(d->pend_fd[i]) != 0) {
		err_sys(e, EX_IOERR, "fsync %s/tmp/%s", d->path, name);
		return -1;
	}
	if (close(d->pend_fd[i]) != 0) {
		d->pend_fd[i] = -1;
		err_sys(e, EX_IOERR, "closing %s/tmp/%s", d->path, name);
		return -1;
	}
	d->pend_fd[i] = -1;
	if (renameat(d->tmpdirfd, name, d->dirfd, name) != 0) {
		err_sys(e, EX_IOERR, "renaming into %s/new", d->path);
		return -1;
	}
	return 0;
}

/* the window's files written out together: one syncfs, one journal
 * commit instead of one per fsync. 1 if they are durable now, 0: fsync
 * each (which then says what went wrong) */
static int sync_together(struct dlv *d)
{
#ifdef __linux__
	if (d->npend > 1 && d->syncfs_ok)
		return syncfs(d->tmpdirfd) == 0;
#else
	(void)d;
#endif
	return 0;
}

int maildir_sync(struct dlv *d, struct wb_err *e)
{
	int i, synced = sync_together(d);

	for (i = 0; i < d->npend; i++) {
		if (publish(d, i, synced, e)) {
			if (d->pend_fd[i] < 0)
				unlinkat(d->tmpdirfd, d->pend_name[i], 0);
			drop_pending(d, d->pend_fd[i] < 0 ? i + 1 : i);
			return -1;
		}
	}
	d->npend = 0;
	if (fsync(d->dirfd) != 0) {
		err_sys(e, EX_IOERR, "fsync %s/new", d->path);
		return -1;
	}
	return 0;
}

void maildir_close(struct dlv *d)
{
	drop_pending(d, 0);
}
