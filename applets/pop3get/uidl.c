/* uidl.c - the -n state file: a header line, then one UIDL per line, in
 * server order. Read once (mmap, bounded size) and validated; lookups
 * start where the last one matched, so a run over a mailbox in its usual
 * order is linear. Every change is a new file written in full, fsynced
 * and renamed over the old one (then the directory is fsynced), so a
 * crash leaves the old or the new state, never a mix. */
#define _DEFAULT_SOURCE
#include <errno.h>
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
	u->lockfd = open(lk, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (u->lockfd < 0) {
		err_sys(e, EX_IOERR, "state lock %s", lk);
		return -1;
	}
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

int uidl_open(struct uidl *u, const char *path, struct wb_err *e)
{
	struct stat st;
	size_t bad;

	memset(u, 0, sizeof *u);
	u->path = path;
	u->fd = u->prune = u->lockfd = -1;
	if (lock(u, e))
		return -1;
	u->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (u->fd < 0) {
		if (errno == ENOENT)
			return 0;
		err_sys(e, EX_IOERR, "state file %s", path);
		return -1;
	}
	if (fstat(u->fd, &st) != 0 || st.st_size > UIDL_MAX_FILE) {
		err_set(e, EX_CONFIG, "state file %s: unreadable or larger than %ld bytes",
		        path, UIDL_MAX_FILE);
		return -1;
	}
	u->len = (size_t)st.st_size;
	if (u->len) {
		u->map = mmap(NULL, u->len, PROT_READ, MAP_PRIVATE, u->fd, 0);
		if (u->map == MAP_FAILED) {
			u->map = NULL;
			err_sys(e, EX_IOERR, "state file %s: mmap", path);
			return -1;
		}
	}
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

static int tmpname(char *buf, size_t max, const char *path, const char *ext)
{
	int n = snprintf(buf, max, "%s.%ld.%s", path, (long)getpid(), ext);

	return n < 0 || (size_t)n >= max ? -1 : 0;
}

/* fsync the directory holding path */
static int sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, r;

	if (!slash)
		strlcopy(dir, ".", sizeof dir);
	else if (slash == path)
		strlcopy(dir, "/", sizeof dir);
	else if ((size_t)(slash - path) < sizeof dir) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = 0;
	} else
		return -1;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* copy the current state file (or just the header) to fd */
static int copy_current(const char *path, int fd)
{
	char buf[8192];
	int in = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (in < 0)
		return errno == ENOENT ? write_full(fd, header, HDR) : -1;
	while ((r = read(in, buf, sizeof buf)) > 0)
		if (write_full(fd, buf, (size_t)r))
			break;
	close(in);
	return r == 0 ? 0 : -1;
}

/* fsync fd, close it, rename tmp over path, fsync the directory */
static int install(int fd, const char *tmp, const char *path)
{
	int r = fsync(fd);

	if (close(fd) != 0)
		r = -1;
	if (r == 0)
		r = rename(tmp, path);
	if (r == 0)
		r = sync_dir(path);
	return r;
}

int uidl_add(struct uidl *u, const char *const *uids, size_t n, struct wb_err *e)
{
	char tmp[4200];
	size_t i;
	int fd, r;

	if (n == 0)
		return 0;
	if (tmpname(tmp, sizeof tmp, u->path, "tmp")) {
		err_set(e, EX_USAGE, "state file name too long");
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	r = fd < 0 ? -1 : copy_current(u->path, fd);
	for (i = 0; r == 0 && i < n; i++)
		if (write_full(fd, uids[i], strlen(uids[i])) || write_full(fd, "\n", 1))
			r = -1;
	if (r == 0)
		r = install(fd, tmp, u->path);
	else if (fd >= 0)
		close(fd);
	if (r != 0) {
		err_sys(e, EX_IOERR, "updating state file %s", u->path);
		unlink(tmp);
	}
	return r;
}

int uidl_keep(struct uidl *u, const char *uid, struct wb_err *e)
{
	if (u->prune < 0) {
		if (tmpname(u->prune_path, sizeof u->prune_path, u->path, "new")) {
			err_set(e, EX_USAGE, "state file name too long");
			return -1;
		}
		u->prune = open(u->prune_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (u->prune < 0 || write_full(u->prune, header, HDR)) {
			err_sys(e, EX_IOERR, "writing %s", u->prune_path);
			return -1;
		}
	}
	if (write_full(u->prune, uid, strlen(uid)) || write_full(u->prune, "\n", 1)) {
		err_sys(e, EX_IOERR, "writing %s", u->prune_path);
		return -1;
	}
	return 0;
}

int uidl_commit(struct uidl *u, struct wb_err *e)
{
	int fd = u->prune;

	if (fd < 0) {           /* nothing kept: an empty state */
		if (uidl_keep(u, "x", e))
			return -1;
		fd = u->prune;
		if (ftruncate(fd, (off_t)HDR) != 0 || lseek(fd, 0, SEEK_END) < 0) {
			err_sys(e, EX_IOERR, "writing %s", u->prune_path);
			return -1;
		}
	}
	u->prune = -1;
	if (install(fd, u->prune_path, u->path) != 0) {
		err_sys(e, EX_IOERR, "updating state file %s", u->path);
		unlink(u->prune_path);
		return -1;
	}
	return 0;
}

void uidl_close(struct uidl *u)
{
	if (u->map)
		munmap((void *)u->map, u->len);
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
