/* uidl.c - the -n state file: a header line, then one UIDL per line, in
 * server order. Read once (mmap, bounded size) and validated; lookups
 * start where the last one matched, so a run over a mailbox in its usual
 * order is linear. Each window's new UIDLs are appended and fsynced before
 * its DELEs (a torn last line from a crash is cut off at the next open:
 * its message was not deleted yet). After a complete run the file is
 * compacted to the UIDLs still on the server only when it has grown past
 * twice that (temp file, fsync, rename, fsync of the directory), so the
 * writes stay linear in the mailbox. Nothing here follows a symlink or
 * truncates a file it did not create: temp files come from mkstemp in the
 * same directory, the state and lock files are opened O_NOFOLLOW and must
 * be regular files with one link, and a directory others may write to
 * without the sticky bit is refused (anyone there could swap the files). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pop3.h"
#include "util.h"

static const char header[] = "# pop3get uidl 1\n";
#define HDR (sizeof header - 1)

size_t uidl_check(const char *p, size_t n)
{
	size_t pos = HDR, line = 2;

	if (n < HDR || memcmp(p, header, HDR))
		return 1;
	while (pos < n) {
		const char *nl = memchr(p + pos, '\n', n - pos);

		if (!nl || !uid_valid(p + pos, (size_t)(nl - (p + pos))))
			return line;
		pos = (size_t)(nl - p) + 1;
		line++;
	}
	return 0;
}

/* a regular file with a single link (not a device, FIFO or a hard link
 * someone made to a file of ours) */
static int plain_file(int fd, const char *path, const char *what, struct wb_err *e)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		err_sys(e, EX_IOERR, "%s %s", what, path);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		err_set(e, EX_CONFIG, "%s %s is not a regular file with one link: refused",
		        what, path);
		return -1;
	}
	/* another user's file in a shared sticky directory (/tmp) would let
	 * that user say what was fetched, or hold the lock for ever */
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		err_set(e, EX_CONFIG, "%s %s belongs to uid %ld, not to us: refused",
		        what, path, (long)st.st_uid);
		return -1;
	}
	return 0;
}

/* the directory of path into dir */
static int dir_of(const char *path, char *dir, size_t max)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strlcopy(dir, ".", max);
	if (slash == path)
		return strlcopy(dir, "/", max);
	if ((size_t)(slash - path) >= max)
		return -1;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = 0;
	return 0;
}

/* others may create and replace names in a directory writable by them
 * unless it is sticky (/tmp): the state cannot be kept safely there */
static int safe_dir(const char *path, struct wb_err *e)
{
	char dir[4096];
	struct stat st;

	if (dir_of(path, dir, sizeof dir)) {
		err_set(e, EX_USAGE, "state file name too long");
		return -1;
	}
	if (stat(dir, &st) != 0) {
		err_sys(e, EX_IOERR, "state directory %s", dir);
		return -1;
	}
	if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
		err_set(e, EX_CONFIG, "state directory %s is writable by others and not "
		        "sticky: refused (anyone could replace the state or its lock)", dir);
		return -1;
	}
	return 0;
}

/* one run at a time per state file: two overlapping runs (a slow cron
 * job and the next one) would each fetch the same new messages and
 * overwrite each other's state. The state file is replaced by rename, so
 * the lock lives on PATH.lock, which stays. */
static int lock(struct uidl *u, struct wb_err *e)
{
	char lk[4200];
	struct flock fl;
	int n = snprintf(lk, sizeof lk, "%s.lock", u->path);

	if (n < 0 || (size_t)n >= sizeof lk) {
		err_set(e, EX_USAGE, "state file name too long");
		return -1;
	}
	u->lockfd = open(lk, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (u->lockfd < 0 && errno == ELOOP) {
		err_set(e, EX_CONFIG, "state lock %s is a symlink: refused", lk);
		return -1;
	}
	if (u->lockfd < 0) {
		err_sys(e, EX_IOERR, "state lock %s", lk);
		return -1;
	}
	if (plain_file(u->lockfd, lk, "state lock", e))
		return -1;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(u->lockfd, F_SETLK, &fl) == 0)
		return 0;
	if (errno == EACCES || errno == EAGAIN)
		err_set(e, EX_TEMPFAIL, "state file %s is in use by another run (lock %s)",
		        u->path, lk);
	else
		err_sys(e, EX_IOERR, "state lock %s", lk);
	return -1;
}

/* the state file, read-write for appends (missing: fd -1, empty) */
static int open_state(struct uidl *u, struct wb_err *e)
{
	struct stat st;

	u->fd = open(u->path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (u->fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP)
			err_set(e, EX_CONFIG, "state file %s is a symlink: refused", u->path);
		else
			err_sys(e, EX_IOERR, "state file %s", u->path);
		return -1;
	}
	if (plain_file(u->fd, u->path, "state file", e))
		return -1;
	if (fstat(u->fd, &st) != 0 || st.st_size > UIDL_MAX_FILE) {
		err_set(e, EX_CONFIG, "state file %s: unreadable or larger than %ld bytes",
		        u->path, UIDL_MAX_FILE);
		return -1;
	}
	u->len = (size_t)st.st_size;
	return 0;
}

/* a last line without its newline is a crash in an append: cut it off (its
 * message was never deleted), so the next append starts a clean line */
static int cut_torn(struct uidl *u, struct wb_err *e)
{
	size_t good = u->len;

	while (good > 0 && u->map[good - 1] != '\n')
		good--;
	if (good == u->len || good < HDR)
		return 0;
	if (ftruncate(u->fd, (off_t)good) != 0 || fsync(u->fd) != 0) {
		err_sys(e, EX_IOERR, "state file %s: cutting a torn last line", u->path);
		return -1;
	}
	u->len = good;
	return 0;
}

int uidl_open(struct uidl *u, const char *path, struct wb_err *e)
{
	size_t bad;

	memset(u, 0, sizeof *u);
	u->path = path;
	u->fd = u->prune = u->lockfd = -1;
	if (safe_dir(path, e) || lock(u, e) || open_state(u, e))
		return -1;
	if (u->fd < 0)
		return 0;
	if (u->len) {
		u->map = mmap(NULL, u->len, PROT_READ, MAP_PRIVATE, u->fd, 0);
		if (u->map == MAP_FAILED) {
			u->map = NULL;
			err_sys(e, EX_IOERR, "state file %s: mmap", path);
			return -1;
		}
	}
	u->maplen = u->len;
	if (u->map && cut_torn(u, e))
		return -1;
	if ((bad = uidl_check(u->map ? u->map : "", u->len)) != 0) {
		err_set(e, EX_CONFIG, "state file %s: corrupt at line %zu (remove it "
		        "to fetch every message again)", path, bad);
		return -1;
	}
	u->cursor = HDR;
	return 0;
}

/* position after the line equal to uid in [from, to), or 0 */
static size_t find(const struct uidl *u, size_t from, size_t to, const char *uid,
                   size_t n)
{
	while (from < to) {
		const char *nl = memchr(u->map + from, '\n', u->len - from);
		size_t len = (size_t)(nl - (u->map + from));

		if (len == n && !memcmp(u->map + from, uid, n))
			return from + len + 1;
		from += len + 1;
	}
	return 0;
}

int uidl_has(struct uidl *u, const char *uid)
{
	size_t n = strlen(uid), at;

	if (!u->map)
		return 0;
	at = find(u, u->cursor, u->len, uid, n);
	if (!at)
		at = find(u, HDR, u->cursor, uid, n);
	if (at)
		u->cursor = at < u->len ? at : HDR;
	return at != 0;
}

/* a new temp file beside path (mkstemp: O_EXCL, never a symlink's
 * target); its name into buf */
static int tmpfile_beside(char *buf, size_t max, const char *path)
{
	int n = snprintf(buf, max, "%s.XXXXXX", path), fd;

	if (n < 0 || (size_t)n >= max) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(buf);
	if (fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
		close(fd);
		unlink(buf);
		return -1;
	}
	return fd;
}

/* fsync the directory holding path */
static int sync_dir(const char *path)
{
	char dir[4096];
	int fd, r;

	if (dir_of(path, dir, sizeof dir))
		return -1;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* fsync fd, rename tmp over path, fsync the directory; fd stays open */
static int install(int fd, const char *tmp, const char *path)
{
	int r = fsync(fd);

	if (r == 0)
		r = rename(tmp, path);
	if (r == 0)
		r = sync_dir(path);
	return r;
}

static int put_uids(int fd, const char *const *uids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fd_write_all(fd, uids[i], strlen(uids[i])) || fd_write_all(fd, "\n", 1))
			return -1;
	return 0;
}

/* no state file yet: create it whole (header and uids) by rename */
static int create_state(struct uidl *u, const char *const *uids, size_t n)
{
	char tmp[4200];
	int fd = tmpfile_beside(tmp, sizeof tmp, u->path);

	if (fd < 0)
		return -1;
	if (fd_write_all(fd, header, HDR) || put_uids(fd, uids, n) ||
	    install(fd, tmp, u->path)) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	u->fd = fd;             /* now the state file: later windows append */
	return 0;
}

int uidl_add(struct uidl *u, const char *const *uids, size_t n, struct wb_err *e)
{
	int r;

	if (n == 0)
		return 0;
	if (u->fd < 0)
		r = create_state(u, uids, n);
	else
		r = lseek(u->fd, 0, SEEK_END) < 0 || put_uids(u->fd, uids, n) ||
		    fsync(u->fd) != 0 ? -1 : 0;
	if (r != 0)
		err_sys(e, EX_IOERR, "updating state file %s", u->path);
	return r;
}

int uidl_keep(struct uidl *u, const char *uid, struct wb_err *e)
{
	if (u->prune < 0) {
		u->prune = tmpfile_beside(u->prune_path, sizeof u->prune_path, u->path);
		if (u->prune < 0 || fd_write_all(u->prune, header, HDR)) {
			err_sys(e, EX_IOERR, "writing a temp file beside %s", u->path);
			return -1;
		}
	}
	if (fd_write_all(u->prune, uid, strlen(uid)) || fd_write_all(u->prune, "\n", 1)) {
		err_sys(e, EX_IOERR, "writing %s", u->prune_path);
		return -1;
	}
	return 0;
}

/* compacting pays once the file holds more than twice the live set */
static int worth_compacting(const struct uidl *u, off_t live)
{
	struct stat st;

	if (u->fd < 0 || fstat(u->fd, &st) != 0)
		return u->fd >= 0;
	return st.st_size > 2 * live;
}

int uidl_commit(struct uidl *u, struct wb_err *e)
{
	off_t live;

	if (u->prune < 0) {     /* nothing kept: an empty state */
		if (uidl_keep(u, "x", e))
			return -1;
		if (ftruncate(u->prune, (off_t)HDR) != 0) {
			err_sys(e, EX_IOERR, "writing %s", u->prune_path);
			return -1;
		}
	}
	if (u->prune >= 0 && u->fd < 0)
		return 0;       /* no state: nothing to compact (close drops it) */
	live = lseek(u->prune, 0, SEEK_END);
	if (live < 0 || !worth_compacting(u, live))
		return 0;
	if (install(u->prune, u->prune_path, u->path)) {
		err_sys(e, EX_IOERR, "compacting state file %s", u->path);
		return -1;
	}
	close(u->prune);
	u->prune = -1;
	return 0;
}

void uidl_close(struct uidl *u)
{
	if (u->map)
		munmap((void *)u->map, u->maplen);
	if (u->fd >= 0)
		close(u->fd);
	if (u->prune >= 0) {
		close(u->prune);
		unlink(u->prune_path);
	}
	if (u->lockfd >= 0)
		close(u->lockfd);
	u->map = NULL;
	u->fd = u->prune = u->lockfd = -1;
}
