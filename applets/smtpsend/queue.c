/* queue.c - the queue directory (see queue.h): entries written to tmp/,
 * made durable and renamed into new/, listed, locked, retired. */
//config:config SMTPSEND_QUEUE
//config:	bool "smtpsend offline queue (--queue DIR, -q, mailq)"
//config:	default y
//config:	depends on SMTPSEND
//config:	help
//config:	  With --queue DIR (or 'queue DIR' in the config), a message that
//config:	  cannot be sent now (4xx, no connection, timeout) is stored
//config:	  durably and smtpsend exits 0; smtpsend -q sends what is due,
//config:	  -q15m keeps doing so, mailq lists the queue. No daemon.
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "queue.h"
#include "text.h"
#include "util.h"

#define QFLAGS (O_NOFOLLOW | O_CLOEXEC)
#define QDIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define QSWEEP_AGE 600          /* seconds a dead writer's tmp/ file stays */
/* a state file at its longest (qstate_format) */
#define QSTATE_BUF (128 + RCPT_MAX * (ADDR_MAX + 6) + 2 * (QERR_MAX + 8))

void (*queue_crash_hook)(const char *step);

static void queue_crash_point(const char *step)
{
	if (queue_crash_hook)
		queue_crash_hook(step);
}

/* ---- the directory ---- */

static int temp_errno(int err)
{
	return err == ENOSPC || err == EDQUOT || err == EIO || err == EAGAIN ||
	       err == ENOMEM || err == EINTR || err == EMFILE || err == ENFILE;
}

/* 0 if st, DIR or what in it ("new/", "new/ID", "lock"; "" DIR itself), is
 * of type (S_IFDIR, S_IFREG), ours and not writable by group or others:
 * nobody else can have put it there or changed it. Else -1 with e filled
 * (EX_CONFIG): nothing in it is read or run. */
static int ours_only(const struct queue *q, const char *what, const struct stat *st,
                     mode_t type, struct wb_err *e)
{
	char name[220];

	snprintf(name, sizeof name, "%.150s%s%.60s", q->path, *what ? ": " : "", what);
	if (S_ISLNK(st->st_mode))
		err_set(e, EX_CONFIG, "queue %s: a symbolic link: not used", name);
	else if ((st->st_mode & S_IFMT) != type)
		err_set(e, EX_CONFIG, "queue %s: not a %s: not used", name,
		        type == S_IFDIR ? "directory" : "regular file");
	else if (st->st_uid != geteuid())
		err_set(e, EX_CONFIG, "queue %s: owned by uid %ld, not ours (uid %ld): not used",
		        name, (long)st->st_uid, (long)geteuid());
	else if (st->st_mode & 022)
		err_set(e, EX_CONFIG, "queue %s: writable by others (mode %03o): not used", name,
		        (unsigned)(st->st_mode & 0777));
	else
		return 0;
	return -1;
}

/* lock and runner.pid (written by a runner): ours alone, no other name */
static int side_ok(const struct queue *q, const char *name, const struct stat *st,
                   struct wb_err *e)
{
	if (ours_only(q, name, st, S_IFREG, e))
		return -1;
	if (st->st_nlink > 1) {
		err_set(e, EX_CONFIG, "queue %s: %s: has %ld hard links: not used", q->path, name,
		        (long)st->st_nlink);
		return -1;
	}
	return 0;
}

/* mkdirat; when it made the folder, dir is fsynced so that the folder
 * survives a power cut (ubifs, jffs2), or with made, *made is set for the
 * caller to fsync dir once for several: 0 (made or there), or -1 */
static int mkdir_synced(int dir, const char *name, mode_t mode, int *made)
{
	if (mkdirat(dir, name, mode))
		return errno == EEXIST ? 0 : -1;
	if (made) {
		*made = 1;      /* the caller fsyncs once for all */
		return 0;
	}
	return fsync(dir);
}

/* A folder above DIR must be one nobody else can change: owned by root or
 * us, writable by group or others only with the sticky bit (as /tmp: then
 * they cannot rename DIR away). The folders are opened one by one from /
 * (openat, O_NOFOLLOW), so each name is resolved once. */
struct walk {
	int fd;                 /* the folder reached */
	char where[PATH_MAX];   /* its real path, for messages */
};

/* st, the folder where above DIR, by that rule: 0, or -1 with e filled */
static int above_ok(const struct queue *q, const char *where, const struct stat *st,
                    struct wb_err *e)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		err_set(e, EX_CONFIG, "queue %s: the folder %s above it is owned by uid %ld "
		        "(not root, not us): not used", q->path, where, (long)st->st_uid);
	else if ((st->st_mode & 022) && !(st->st_mode & S_ISVTX))
		err_set(e, EX_CONFIG, "queue %s: the folder %s above it is writable by others "
		        "(mode %03o, not sticky): not used", q->path, where,
		        (unsigned)(st->st_mode & 0777));
	else
		return 0;
	return -1;
}

static int walk_check(const struct queue *q, struct walk *w, struct wb_err *e)
{
	struct stat st;

	if (fstat(w->fd, &st)) {
		err_sys(e, EX_CANTCREAT, "queue %s: %s", q->path, w->where);
		return -1;
	}
	return above_ok(q, w->where, &st, e);
}

/* The folders holding each name of parent's first k bytes (those that
 * exist) by the same rule, as the path is written: whoever could change
 * a symbolic link on the way (OpenWrt's /var in /) could move the queue
 * too. Only checked here; walk_path opens. */
static int links_check(const struct queue *q, const char *parent, size_t k,
                       struct wb_err *e)
{
	char pre[PATH_MAX];
	struct stat st;
	size_t i;

	for (i = 1; i <= k; i++) {
		if (i < k && parent[i] != '/')
			continue;
		memcpy(pre, parent, i);
		pre[i] = 0;
		if (stat(pre, &st)) {
			err_sys(e, EX_CANTCREAT, "queue %s: %s", q->path, pre);
			return -1;
		}
		if (above_ok(q, pre, &st, e))
			return -1;
	}
	return 0;
}

/* into the folder name of w (made, mode 0755, when make is set and it is
 * missing), checked */
static int walk_step(const struct queue *q, struct walk *w, const char *name, int make,
                     struct wb_err *e)
{
	size_t n = strlen(w->where);
	int fd;

	if (!strcmp(name, ".") || !strcmp(name, "..") ||
	    snprintf(w->where + n, sizeof w->where - n, "%s%s", n > 1 ? "/" : "", name) >=
	    (int)(sizeof w->where - n)) {
		err_set(e, EX_CONFIG, "queue '%.100s': not a usable path", q->path);
		return -1;
	}
	if (make && mkdir_synced(w->fd, name, 0755, NULL)) {
		err_sys(e, temp_errno(errno) ? EX_TEMPFAIL : EX_CANTCREAT,
		        "queue %s: cannot create %s", q->path, w->where);
		return -1;
	}
	fd = openat(w->fd, name, QDIR_FLAGS);
	if (fd < 0) {
		err_sys(e, errno == ELOOP || errno == ENOTDIR ? EX_CONFIG : EX_CANTCREAT,
		        "queue %s: %s", q->path, w->where);
		return -1;
	}
	close(w->fd);
	w->fd = fd;
	return walk_check(q, w, e);
}

/* each folder of path ('/'-separated, empty names skipped) walked into */
static int walk_path(const struct queue *q, struct walk *w, char *path, int make,
                     struct wb_err *e)
{
	char *name, *next;

	for (name = path; name && *name; name = next) {
		next = strchr(name, '/');
		if (next)
			*next++ = 0;
		if (*name && walk_step(q, w, name, make, e))
			return -1;
	}
	return 0;
}

/* the real path of the longest existing start of parent (its first k
 * bytes) into real; k, or -1. A symbolic link on the way is followed
 * (OpenWrt's /var -> /tmp/var); what it leads to is what gets checked. */
static long real_start(const char *parent, char real[static PATH_MAX])
{
	char pre[PATH_MAX];
	size_t k = strlen(parent);

	for (;;) {
		memcpy(pre, k ? parent : ".", k ? k : 1);
		pre[k ? k : 1] = 0;
		if (realpath(pre, real))
			return (long)k;
		if (errno != ENOENT || k == 0)
			return -1;
		while (k > 0 && parent[k - 1] != '/')
			k--;
		while (k > 1 && parent[k - 1] == '/')
			k--;
	}
}

/* the folder that holds DIR (its parents made), walked and checked from /;
 * 0 with w->fd open, or -1 */
static int parent_open(const struct queue *q, struct walk *w, char *parent,
                       struct wb_err *e)
{
	char real[PATH_MAX];
	long k = real_start(parent, real);

	if (k < 0) {
		err_sys(e, EX_CANTCREAT, "queue %s: %s", q->path, parent);
		return -1;
	}
	memcpy(w->where, "/", 2);
	w->fd = open("/", QDIR_FLAGS);
	if (w->fd < 0) {
		err_sys(e, EX_CANTCREAT, "queue %s: /", q->path);
		return -1;
	}
	return walk_check(q, w, e) || walk_path(q, w, real, 0, e) ||
	       links_check(q, parent, (size_t)k, e) || walk_path(q, w, parent + k, 1, e) ? -1 : 0;
}

/* DIR made in the folder parent (fsynced when it made it) and opened */
static int dir_make(struct queue *q, int parent, const char *name, struct wb_err *e)
{
	struct stat st;

	if (mkdir_synced(parent, name, 0700, NULL)) {
		err_sys(e, temp_errno(errno) ? EX_TEMPFAIL : EX_CANTCREAT,
		        "queue %s: cannot create it", q->path);
		return -1;
	}
	q->dir = openat(parent, name, QDIR_FLAGS);
	if (q->dir < 0) {
		if ((errno == ELOOP || errno == ENOTDIR) &&
		    !fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW))
			return ours_only(q, "", &st, S_IFDIR, e);
		err_sys(e, EX_CANTCREAT, "queue %s", q->path);
		return -1;
	}
	if (fstat(q->dir, &st)) {
		err_sys(e, EX_CANTCREAT, "queue %s", q->path);
		return -1;
	}
	return ours_only(q, "", &st, S_IFDIR, e);
}

static int dir_open(struct queue *q, struct wb_err *e)
{
	char path[PATH_MAX], root[2] = "/", *name, *parent = root;
	size_t n = strlen(q->path);
	struct walk w;
	int r;

	/* "DIR/" would follow a symbolic link DIR despite O_NOFOLLOW */
	while (n > 1 && q->path[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof path) {
		err_set(e, EX_CONFIG, "queue '%.100s': not a usable path", q->path);
		return -1;
	}
	memcpy(path, q->path, n);
	path[n] = 0;
	name = strrchr(path, '/');
	if (!name) {
		name = path;
		parent = path + n;      /* "": the working folder */
	} else {
		*name++ = 0;
		if (*path)
			parent = path;  /* else "/" */
	}
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		err_set(e, EX_CONFIG, "queue '%.100s': not a usable path", q->path);
		return -1;
	}
	w.fd = -1;
	r = parent_open(q, &w, parent, e);
	if (!r)
		r = dir_make(q, w.fd, name, e);
	if (w.fd >= 0)
		close(w.fd);
	return r;
}

static int sub_open(struct queue *q, const char *name, int *fd, int *made, struct wb_err *e)
{
	char what[16];
	struct stat st;

	snprintf(what, sizeof what, "%s/", name);
	if (mkdir_synced(q->dir, name, 0700, made)) {
		err_sys(e, temp_errno(errno) ? EX_TEMPFAIL : EX_CANTCREAT,
		        "queue %s: cannot create %s", q->path, what);
		return -1;
	}
	*fd = openat(q->dir, name, QDIR_FLAGS);
	if (*fd < 0) {
		if ((errno == ELOOP || errno == ENOTDIR) &&
		    !fstatat(q->dir, name, &st, AT_SYMLINK_NOFOLLOW))
			return ours_only(q, what, &st, S_IFDIR, e);
		err_sys(e, EX_CANTCREAT, "queue %s: %s", q->path, what);
		return -1;
	}
	if (fstat(*fd, &st)) {
		err_sys(e, EX_CANTCREAT, "queue %s: %s", q->path, what);
		return -1;
	}
	return ours_only(q, what, &st, S_IFDIR, e);
}

/* DIR/lock and DIR/runner.pid, if there, are ours alone */
static int sides_check(struct queue *q, struct wb_err *e)
{
	static const char *const side[] = { "lock", "runner.pid" };
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof side / sizeof *side; i++) {
		if (!fstatat(q->dir, side[i], &st, AT_SYMLINK_NOFOLLOW)) {
			if (side_ok(q, side[i], &st, e))
				return -1;
		} else if (errno != ENOENT) {
			err_sys(e, EX_CANTCREAT, "queue %s: %s", q->path, side[i]);
			return -1;
		}
	}
	return 0;
}

/* tmp/, new/, state/, failed/ opened (made: DIR fsynced after) */
static int subs_open(struct queue *q, struct wb_err *e)
{
	static const char *const sub[] = { "tmp", "new", "state", "failed" };
	int *fds[] = { &q->tmp, &q->new_, &q->state, &q->failed };
	size_t i;
	int made = 0;

	for (i = 0; i < sizeof sub / sizeof *sub; i++)
		if (sub_open(q, sub[i], fds[i], &made, e))
			return -1;
	if (made && fsync(q->dir)) {
		err_sys(e, temp_errno(errno) ? EX_TEMPFAIL : EX_CANTCREAT,
		        "queue %s: fsync", q->path);
		return -1;
	}
	return 0;
}

int queue_open(struct queue *q, const char *path, struct wb_err *e)
{
	q->path = path;
	q->dir = q->tmp = q->new_ = q->state = q->failed = -1;
	if (!q->caps.max_size)
		q->caps.max_size = QUEUE_MAX_SIZE;
	if (!q->caps.max_count)
		q->caps.max_count = QUEUE_MAX_COUNT;
	if (!q->caps.lifetime)
		q->caps.lifetime = QUEUE_LIFETIME;
	if (!dir_open(q, e) && !sides_check(q, e) && !subs_open(q, e))
		return 0;
	queue_close(q);
	return -1;
}

void queue_close(struct queue *q)
{
	int *fds[] = { &q->dir, &q->tmp, &q->new_, &q->state, &q->failed };
	size_t i;

	for (i = 0; i < sizeof fds / sizeof *fds; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* the name of one of q's folders, for messages */
static const char *sub_name(const struct queue *q, int dir)
{
	return dir == q->tmp ? "tmp" : dir == q->new_ ? "new" : dir == q->state ? "state" :
	       dir == q->failed ? "failed" : ".";
}

typedef void (*qdir_fn)(int dir, const char *name, void *ctx);

/* fn for each name in the folder dir */
static int dir_each(struct queue *q, int dir, qdir_fn fn, void *ctx, struct wb_err *e)
{
	int fd = openat(dir, ".", QDIR_FLAGS);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		err_sys(e, EX_IOERR, "queue %s: reading %s/", q->path, sub_name(q, dir));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)))
		fn(dir, de->d_name, ctx);
	closedir(d);
	return 0;
}

/* ---- entries: opening and locking ---- */

enum { QE_OPEN, QE_GONE, QE_BUSY, QE_UNSAFE };

/* 1 if st is a file only we can have written: regular, ours, not writable
 * by group or others (a queue folder another user could once write to
 * may hold their files: never read, sent or moved) */
static int file_ours(const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_uid == geteuid() && !(st->st_mode & 022);
}

/* open dir/id into *fd, with lock flock'd and checked to be still that
 * entry; QE_OPEN, QE_GONE, QE_BUSY, QE_UNSAFE (not file_ours, or a
 * symbolic link: *st says what it is), or -1 with errno; *fd is closed
 * unless QE_OPEN */
static int entry_open(int dir, const char *id, int lock, int *fd, struct stat *st)
{
	struct stat now;
	int r = QE_OPEN;

	*fd = openat(dir, id, O_RDONLY | O_NONBLOCK | QFLAGS);
	if (*fd < 0 && errno == ELOOP && !fstatat(dir, id, st, AT_SYMLINK_NOFOLLOW))
		return QE_UNSAFE;
	if (*fd < 0)
		return errno == ENOENT ? QE_GONE : -1;
	if (fstat(*fd, st))
		r = -1;
	else if (!file_ours(st))
		r = QE_UNSAFE;
	else if (lock && flock(*fd, LOCK_EX | LOCK_NB))
		r = errno == EWOULDBLOCK ? QE_BUSY : -1;
	else if (lock && (fstatat(dir, id, &now, AT_SYMLINK_NOFOLLOW) ||
	                  now.st_dev != st->st_dev || now.st_ino != st->st_ino))
		r = QE_GONE;    /* delivered or moved since we opened it */
	if (r != QE_OPEN) {
		int saved = errno;
		close(*fd);
		*fd = -1;
		errno = saved;
	}
	return r;
}

/* 1 if id names an entry (or its state) already */
static int id_taken(struct queue *q, const char *id)
{
	struct stat st;

	return !fstatat(q->new_, id, &st, AT_SYMLINK_NOFOLLOW) ||
	       !fstatat(q->failed, id, &st, AT_SYMLINK_NOFOLLOW) ||
	       !fstatat(q->state, id, &st, AT_SYMLINK_NOFOLLOW);
}

/* state/ID into st; a missing or bad one, or one not file_ours, is no
 * state */
static void state_load(struct queue *q, const char *id, struct qstate *st, char *buf,
                       size_t max)
{
	int fd = openat(q->state, id, O_RDONLY | O_NONBLOCK | QFLAGS);
	struct stat sb;
	ssize_t n = fd >= 0 && !fstat(fd, &sb) && file_ours(&sb) ?
	            fd_read_full(fd, buf, max) : -1;

	if (fd >= 0)
		close(fd);
	if (n < 0 || (size_t)n >= max)
		memset(st, 0, sizeof *st);
	else
		qstate_parse(buf, (size_t)n, st);
}

/* The state is advisory: it is not fsynced (an fsync per attempt would
 * double the flash writes). Lost in a crash, an entry is retried sooner,
 * or sits in failed/ without its reason; the message itself is safe. */
static int state_save(struct queue *q, const char *id, const struct qstate *st,
                      struct wb_err *e)
{
	char buf[QSTATE_BUF], tmp[QID_MAX + 8];
	long n = qstate_format(st, buf, sizeof buf);
	int fd, bad;

	snprintf(tmp, sizeof tmp, ".%s.tmp", id);
	if (n < 0) {
		err_set(e, EX_SOFTWARE, "queue %s: the state of %s does not fit", q->path, id);
		return -1;
	}
	if (unlinkat(q->state, tmp, 0) && errno != ENOENT)
		fd = -1;
	else
		fd = openat(q->state, tmp, O_WRONLY | O_CREAT | O_EXCL | QFLAGS, 0600);
	/* a state with done recipients is not advisory: losing it sends them
	 * the message again, so it is made durable as an entry is */
	bad = fd < 0 || fd_write_all(fd, buf, (size_t)n) || (st->ndone && fsync(fd));
	if ((fd >= 0 && close(fd)) || bad || renameat(q->state, tmp, q->state, id) ||
	    (st->ndone && fsync(q->state))) {
		err_sys(e, temp_errno(errno) ? EX_TEMPFAIL : EX_IOERR,
		        "queue %s: saving state/%s", q->path, id);
		unlinkat(q->state, tmp, 0);
		return -1;
	}
	return 0;
}

/* ---- usage and listings ---- */

struct usage {
	uint64_t bytes;
	unsigned count;
};

static void usage_add(int dir, const char *name, void *ctx)
{
	struct usage *u = ctx;
	struct stat st;

	if (qid_ok(name) && !fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) &&
	    S_ISREG(st.st_mode)) {
		u->bytes += (uint64_t)st.st_size;
		u->count++;
	}
}

int queue_usage(struct queue *q, uint64_t *bytes, unsigned *count, struct wb_err *e)
{
	struct usage u = { 0, 0 };

	if (dir_each(q, q->new_, usage_add, &u, e) || dir_each(q, q->failed, usage_add, &u, e))
		return -1;
	*bytes = u.bytes;
	*count = u.count;
	return 0;
}

struct listing {
	char (*ids)[QID_MAX];
	int n, max;
};

/* older first: by the injection time (its digits, then its value), then
 * the rest of the ID */
static int qid_cmp(const char *a, const char *b)
{
	size_t ta = strcspn(a, "."), tb = strcspn(b, ".");

	return ta != tb ? (ta < tb ? -1 : 1) : strcmp(a, b);
}

/* insertion into the sorted list, keeping the oldest max */
static void listing_add(int dir, const char *name, void *ctx)
{
	struct listing *l = ctx;
	int i;

	(void)dir;
	if (!qid_ok(name) || l->max <= 0 ||
	    (l->n == l->max && qid_cmp(name, l->ids[l->max - 1]) >= 0))
		return;
	i = l->n < l->max ? l->n++ : l->max - 1;
	for (; i > 0 && qid_cmp(name, l->ids[i - 1]) < 0; i--)
		memcpy(l->ids[i], l->ids[i - 1], QID_MAX);
	strlcopy(l->ids[i], name, QID_MAX);
}

int queue_list(struct queue *q, int failed, char (*ids)[QID_MAX], int max,
               struct wb_err *e)
{
	struct listing l = { ids, 0, max };

	if (dir_each(q, failed ? q->failed : q->new_, listing_add, &l, e))
		return -1;
	return l.n;
}

/* ---- writing an entry ---- */

static int queue_full(struct queue *q, uint64_t used, unsigned count, struct wb_err *e)
{
	err_set(e, EX_TEMPFAIL, "queue %s: full (%u entries, %llu bytes; the caps are "
	        "%u entries, %llu bytes)", q->path, count, (unsigned long long)used,
	        q->caps.max_count, (unsigned long long)q->caps.max_size);
	return -1;
}

static void make_id(char id[static QID_MAX])
{
	time_t now = time(NULL);
	uint32_t rnd;

	if (random_bytes(&rnd, sizeof rnd))
		rnd = (uint32_t)mono_ms();      /* the pid and O_EXCL keep it unique */
	snprintf(id, QID_MAX, "%010lld.%d.%08x", (long long)(now > 0 ? now : 0),
	         (int)getpid(), (unsigned)rnd);
}

/* flock LOCK_EX, waiting: 0 or -1 */
static int lock_wait(int fd)
{
	int r;

	do
		r = flock(fd, LOCK_EX);
	while (r && errno == EINTR);
	return r;
}

/* tmp/ID created and flock'd (from its first moment: queue_sweep_tmp) */
static int tmp_create(struct queue *q, struct qwriter *w, struct wb_err *e)
{
	int tries;

	for (tries = 0; w->fd < 0 && tries < 16; tries++) {
		make_id(w->id);
		if (id_taken(q, w->id))
			continue;
		w->fd = openat(q->tmp, w->id, O_WRONLY | O_CREAT | O_EXCL | QFLAGS, 0600);
		if (w->fd < 0 && errno != EEXIST) {
			err_sys(e, EX_TEMPFAIL, "queue %s: creating tmp/%s", q->path, w->id);
			return -1;
		}
	}
	if (w->fd < 0) {
		err_set(e, EX_TEMPFAIL, "queue %s: no free entry name", q->path);
		return -1;
	}
	if (lock_wait(w->fd)) {
		err_sys(e, EX_TEMPFAIL, "queue %s: locking tmp/%s", q->path, w->id);
		qw_abort(q, w);
		return -1;
	}
	queue_crash_point("tmp-created");
	return 0;
}

int qw_begin(struct queue *q, struct qwriter *w, const struct qentry *head,
             struct wb_err *e)
{
	char buf[QHEAD_MAX];
	long n = qentry_format(head, buf, sizeof buf, e);
	struct usage u = { 0, 0 };

	w->fd = -1;
	w->size = w->room = 0;
	w->body = 0;
	if (n < 0 || queue_usage(q, &u.bytes, &u.count, e))
		return -1;
	if (!queue_cap_ok(&q->caps, u.bytes, u.count, (uint64_t)n))
		return queue_full(q, u.bytes, u.count, e);
	w->room = q->caps.max_size - u.bytes;
	if (tmp_create(q, w, e))
		return -1;
	if (fd_write_all(w->fd, buf, (size_t)n)) {
		err_sys(e, EX_TEMPFAIL, "queue %s: writing tmp/%s", q->path, w->id);
		qw_abort(q, w);
		return -1;
	}
	w->body = (off_t)n;
	w->size = (uint64_t)n;
	queue_crash_point("tmp-written");
	return 0;
}

/* a failed write removes the entry: the caller's qw_abort is then a no-op */
int qw_write(struct queue *q, struct qwriter *w, const void *p, size_t n,
             struct wb_err *e)
{
	if (w->fd < 0) {
		err_set(e, EX_TEMPFAIL, "queue %s: no entry being written", q->path);
		return -1;
	}
	if (n > w->room || w->size > w->room - n) {
		err_set(e, EX_TEMPFAIL, "queue %s: full (the message would pass the cap "
		        "of %llu bytes)", q->path, (unsigned long long)q->caps.max_size);
		qw_abort(q, w);
		return -1;
	}
	if (fd_write_all(w->fd, p, n)) {
		err_sys(e, EX_TEMPFAIL, "queue %s: writing tmp/%s", q->path, w->id);
		qw_abort(q, w);
		return -1;
	}
	w->size += n;
	return 0;
}

/* DIR/lock flock'd: its fd, or -1 with e filled */
static int queue_lock(struct queue *q, struct wb_err *e)
{
	int fd = openat(q->dir, "lock", O_RDWR | O_CREAT | O_NONBLOCK | QFLAGS, 0600);
	struct stat st;

	if (fd >= 0 && !fstat(fd, &st) && side_ok(q, "lock", &st, e)) {
		close(fd);
		return -1;
	}
	if (fd < 0 || lock_wait(fd)) {
		err_sys(e, EX_TEMPFAIL, "queue %s: lock", q->path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* the caps checked and tmp/ID renamed into new/, under DIR/lock */
static int enter_new(struct queue *q, struct qwriter *w, struct wb_err *e)
{
	struct usage u = { 0, 0 };
	int lock = queue_lock(q, e), r = -1;

	if (lock < 0)
		return -1;
	if (queue_usage(q, &u.bytes, &u.count, e))
		e->code = EX_TEMPFAIL;
	else if (!queue_cap_ok(&q->caps, u.bytes, u.count, w->size))
		queue_full(q, u.bytes, u.count, e);
	else if (renameat(q->tmp, w->id, q->new_, w->id))
		err_sys(e, EX_TEMPFAIL, "queue %s: moving tmp/%s to new/", q->path, w->id);
	else
		r = 0;
	close(lock);
	return r;
}

int qw_commit(struct queue *q, struct qwriter *w, struct wb_err *e)
{
	if (w->fd < 0) {
		err_set(e, EX_TEMPFAIL, "queue %s: no entry being written", q->path);
		return -1;
	}
	if (fsync(w->fd)) {
		err_sys(e, EX_TEMPFAIL, "queue %s: fsync tmp/%s", q->path, w->id);
		qw_abort(q, w);
		return -1;
	}
	queue_crash_point("tmp-synced");
	if (enter_new(q, w, e)) {
		qw_abort(q, w);
		return -1;
	}
	queue_crash_point("renamed");
	if (fsync(q->new_)) {
		/* not durable, so not accepted: the sender tries again (if a
		 * flusher has it open already, that is a duplicate, not a loss) */
		err_sys(e, EX_TEMPFAIL, "queue %s: fsync new/", q->path);
		unlinkat(q->new_, w->id, 0);
		qw_abort(q, w);
		return -1;
	}
	queue_crash_point("committed");
	close(w->fd);   /* the entry's lock: flushers may take it now */
	w->fd = -1;
	return 0;
}

void qw_abort(struct queue *q, struct qwriter *w)
{
	if (w->fd < 0)
		return;
	unlinkat(q->tmp, w->id, 0);
	close(w->fd);
	w->fd = -1;
}

/* ---- queued entries ---- */

/* a message for entry id of dir, with errno's words or why */
static int entry_error(struct queue *q, int dir, const char *id, int code, const char *why,
                       struct wb_err *e)
{
	if (why)
		err_set(e, code, "queue %s: %s/%s: %s", q->path, sub_name(q, dir), id, why);
	else
		err_sys(e, code, "queue %s: %s/%s", q->path, sub_name(q, dir), id);
	return -1;
}

/* entry id of dir is not file_ours (st): EX_CONFIG, left where it is */
static int entry_unsafe(struct queue *q, int dir, const char *id, const struct stat *st,
                        struct wb_err *e)
{
	char what[QID_MAX + 8];

	snprintf(what, sizeof what, "%s/%s", sub_name(q, dir), id);
	if (!ours_only(q, what, st, S_IFREG, e))
		err_set(e, EX_CONFIG, "queue %s: %s: not used", q->path, what);
	return -1;
}

static int unknown_id(struct queue *q, const char *id, struct wb_err *e)
{
	err_set(e, EX_USAGE, "queue %s: no entry '%.60s'", q->path, id);
	return -1;
}

/* the head of f->fd parsed into f */
static int qf_read(struct queue *q, int dir, struct qfile *f, struct wb_err *e)
{
	char buf[QHEAD_MAX], why[sizeof e->msg];
	ssize_t n = fd_pread_full(f->fd, buf, sizeof buf, 0);
	size_t body;

	if (n < 0)
		return entry_error(q, dir, f->id, EX_IOERR, NULL, e);
	if (qentry_parse(buf, (size_t)n, &f->e, &body, e)) {
		strlcopy(why, e->msg + (strncmp(e->msg, "queue entry: ", 13) ? 0 : 13), sizeof why);
		return entry_error(q, dir, f->id, EX_DATAERR, why, e);
	}
	f->body = (off_t)body;
	state_load(q, f->id, &f->st, buf, sizeof buf);
	return 0;
}

int qf_open(struct queue *q, const char *id, int failed, int lock, struct qfile *f,
            struct wb_err *e)
{
	int dir = failed ? q->failed : q->new_, r;
	struct stat st;

	f->fd = -1;
	if (!qid_ok(id))
		return unknown_id(q, id, e);
	r = entry_open(dir, id, lock, &f->fd, &st);
	if (r < 0)
		return entry_error(q, dir, id, EX_IOERR, NULL, e);
	if (r == QE_UNSAFE)
		return entry_unsafe(q, dir, id, &st, e);
	if (r != QE_OPEN)
		return 1;
	strlcopy(f->id, id, sizeof f->id);
	f->in_failed = failed;
	f->size = (uint64_t)st.st_size;
	if (qf_read(q, dir, f, e)) {
		qf_close(f);
		return -1;
	}
	return 0;
}

void qf_close(struct qfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int qf_done(struct queue *q, struct qfile *f, struct wb_err *e)
{
	int dir = f->in_failed ? q->failed : q->new_;

	if (unlinkat(dir, f->id, 0) && errno != ENOENT)
		return entry_error(q, dir, f->id, EX_IOERR, NULL, e);
	queue_crash_point("unlinked");
	unlinkat(q->state, f->id, 0);
	if (fsync(dir))
		return entry_error(q, dir, f->id, EX_IOERR, "fsync", e);
	return 0;
}

int qf_save_state(struct queue *q, struct qfile *f, struct wb_err *e)
{
	return state_save(q, f->id, &f->st, e);
}

int queue_save_state(struct queue *q, const char *id, const struct qstate *st,
                     struct wb_err *e)
{
	return state_save(q, id, st, e);
}

/* rename from/id to to/id, fsync to/ then from/ (so that a crash never
 * finds it in neither) */
static int entry_move(struct queue *q, int from, int to, const char *id, struct wb_err *e)
{
	if (renameat(from, id, to, id))
		return entry_error(q, from, id, EX_IOERR, NULL, e);
	queue_crash_point(to == q->failed ? "failed-moved" : "moved");
	if (fsync(to) || fsync(from))
		return entry_error(q, to, id, EX_IOERR, "fsync", e);
	return 0;
}

int qf_fail(struct queue *q, struct qfile *f, struct wb_err *e)
{
	struct wb_err saving = { 0, "" };
	int saved = state_save(q, f->id, &f->st, &saving);

	if (f->in_failed)
		return saved;
	if (entry_move(q, q->new_, q->failed, f->id, e))
		return -1;
	f->in_failed = 1;
	if (saved)
		*e = saving;    /* moved, but without its reason */
	return saved;
}

int queue_fail_damaged(struct queue *q, const char *id, const char *why, struct wb_err *e)
{
	char buf[QSTATE_BUF];
	struct wb_err saving = { 0, "" };
	struct qstate st;
	struct stat sb;
	int fd, r, saved;

	if (!qid_ok(id))
		return unknown_id(q, id, e);
	r = entry_open(q->new_, id, 1, &fd, &sb);
	if (r < 0)
		return entry_error(q, q->new_, id, EX_IOERR, NULL, e);
	if (r == QE_UNSAFE)
		return entry_unsafe(q, q->new_, id, &sb, e);
	if (r != QE_OPEN)
		return 1;
	state_load(q, id, &st, buf, sizeof buf);
	if (why)
		text_clean(st.failed, sizeof st.failed, why, strlen(why));
	if (!st.failed[0])
		strlcopy(st.failed, "damaged entry", sizeof st.failed);
	saved = state_save(q, id, &st, &saving);
	r = entry_move(q, q->new_, q->failed, id, e);
	close(fd);
	if (!r && saved)
		*e = saving;    /* moved, but without its reason */
	return r ? r : saved;
}

/* entry id of new/ or failed/ locked: 0 with *fd and *dir, or -1 */
static int entry_take(struct queue *q, const char *id, int *fd, int *dir, struct wb_err *e)
{
	int dirs[2] = { q->new_, q->failed }, i, r;
	struct stat st;

	if (!qid_ok(id))
		return unknown_id(q, id, e);
	for (i = 0; i < 2; i++) {
		r = entry_open(dirs[i], id, 1, fd, &st);
		*dir = dirs[i];
		if (r == QE_OPEN)
			return 0;
		if (r == QE_BUSY) {
			err_set(e, EX_TEMPFAIL, "queue %s: %s is being sent", q->path, id);
			return -1;
		}
		if (r == QE_UNSAFE)
			return entry_unsafe(q, dirs[i], id, &st, e);
		if (r < 0)
			return entry_error(q, dirs[i], id, EX_IOERR, NULL, e);
	}
	return unknown_id(q, id, e);
}

int queue_drop(struct queue *q, const char *id, struct wb_err *e)
{
	int fd, dir, r = 0;

	if (entry_take(q, id, &fd, &dir, e))
		return -1;
	if (unlinkat(dir, id, 0))
		r = entry_error(q, dir, id, EX_IOERR, NULL, e);
	else
		unlinkat(q->state, id, 0);
	if (!r && fsync(dir))
		r = entry_error(q, dir, id, EX_IOERR, "fsync", e);
	close(fd);
	return r;
}

int queue_retry(struct queue *q, const char *id, int64_t restart, struct wb_err *e)
{
	char buf[QSTATE_BUF];
	struct qstate st;
	int fd, dir, r;

	if (entry_take(q, id, &fd, &dir, e))
		return -1;
	state_load(q, id, &st, buf, sizeof buf);
	if (dir == q->failed) {
		st.attempts = 0;
		st.valid_since = restart;
		st.error[0] = st.failed[0] = 0;
	}
	st.next = 0;
	r = state_save(q, id, &st, e);
	if (!r && dir == q->failed)
		r = entry_move(q, q->failed, q->new_, id, e);
	close(fd);
	return r;
}

/* ---- tmp/ files of dead writers ---- */

/* more than QSWEEP_AGE from now, either way: a clock stepped back must
 * not keep a dead writer's file forever */
static int sweep_age(const struct stat *st, time_t now)
{
	return st->st_mtime > now + QSWEEP_AGE || st->st_mtime < now - QSWEEP_AGE;
}

/* fresh files are not even locked: their writer may be about to flock */
static void sweep_one(int dir, const char *name, void *ctx)
{
	const time_t *now = ctx;
	struct stat st;
	int fd;

	if (!qid_ok(name) || fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) ||
	    !sweep_age(&st, *now) || entry_open(dir, name, 1, &fd, &st) != QE_OPEN)
		return;
	if (sweep_age(&st, *now))
		unlinkat(dir, name, 0);
	close(fd);
}

void queue_sweep_tmp(struct queue *q)
{
	struct wb_err e;
	time_t now = time(NULL);

	dir_each(q, q->tmp, sweep_one, &now, &e);
}
