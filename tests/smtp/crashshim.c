/* crashshim.c - LD_PRELOAD shim for the queue's crash-safety tests
 * (tests/integration/queue.sh): it kills the process with SIGKILL right
 * before the Nth "point" it reaches, as a power cut or kill -9 would.
 *
 * Points (each call of one of these is one point, counted from 1 in call
 * order, per process):
 *   open, open64, openat, openat64, __open_2, __openat_2, creat  (only
 *                                with O_CREAT: a file may be made)
 *   write, writev, pwrite       (any fd: files, sockets, stderr)
 *   send, sendto, sendmsg
 *   fsync, fdatasync, sync_file_range
 *   rename, renameat, renameat2
 *   link, linkat, symlink, symlinkat
 *   unlink, unlinkat, rmdir, remove
 *   mkdir, mkdirat
 *   connect
 *   close, of an fd this shim saw opened for writing (O_WRONLY, O_RDWR)
 *   flock, fcntl with F_SETLK/F_SETLKW/F_OFD_SETLK/F_OFD_SETLKW
 * Logged but not a point (no number of its own, never killed at):
 *   kill  ("- kill PID SIG": a one-shot -q waking a runner)
 *
 * CRASHSHIM_AT=N    raise SIGKILL right before the Nth point (the call is
 *                   not made). Unset or 0: never.
 * CRASHSHIM_COUNT=FILE  append one line per point reached, before the call:
 *                   "N NAME ARG", ARG the path for path calls (for *at
 *                   calls the directory's path from /proc/self/fd, "/",
 *                   the name), the byte count for writes and sends
 *                   followed by " dot" when the buffer ends
 *                   in "\r\n.\r\n" (the end of DATA), the fd otherwise. A
 *                   clean run's last N is the number of points; the line
 *                   with "dot" tells which points are after the message was
 *                   handed to the server. The line of the fatal point is
 *                   written too (ending in " KILL").
 * Only the process that loads the shim first counts: children that inherit
 * LD_PRELOAD (a --passwordeval shell) see CRASHSHIM_AT removed.
 *   cc -shared -fPIC -o crashshim.so crashshim.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>

#define FD_TRACK 4096

static long at;                 /* CRASHSHIM_AT */
static long count;              /* points reached */
static int log_fd = -1;         /* CRASHSHIM_COUNT, -1 none */
static int inited;
static unsigned char wfd[FD_TRACK];     /* fds opened for writing */

#define REAL(ret, name, args) \
	static ret (*real_##name) args; \
	if (!real_##name) *(void **)&real_##name = dlsym(RTLD_NEXT, #name)

static void init(void)
{
	const char *a, *c;

	if (inited)
		return;
	inited = 1;
	a = getenv("CRASHSHIM_AT");
	c = getenv("CRASHSHIM_COUNT");
	at = a ? atol(a) : 0;
	if (c && *c)
		log_fd = (int)syscall(SYS_openat, AT_FDCWD, c,
		                      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	/* children count for themselves only if they are not us: never kill them */
	unsetenv("CRASHSHIM_AT");
	unsetenv("CRASHSHIM_COUNT");
}

__attribute__((constructor)) static void crashshim_init(void)
{
	init();
}

static void logline(const char *name, const char *arg, int kill_now)
{
	char b[600];
	int n;

	if (log_fd < 0)
		return;
	n = snprintf(b, sizeof b, "%ld %s %.400s%s\n", count, name, arg ? arg : "",
	             kill_now ? " KILL" : "");
	if (n > (int)sizeof b - 1)
		n = (int)sizeof b - 1;
	if (n > 0)
		(void)syscall(SYS_write, log_fd, b, (size_t)n);
}

/* one point reached: count it, log it, die if it is the one */
static void point(const char *name, const char *arg)
{
	int k;

	init();
	count++;
	k = at > 0 && count == at;
	logline(name, arg, k);
	if (k) {
		(void)syscall(SYS_kill, (long)getpid(), (long)SIGKILL);
		for (;;)
			pause();
	}
}

/* "DIR/name" for an *at call: the directory from /proc/self/fd */
static void point_at(const char *name, int dir, const char *p)
{
	char a[512], d[64];
	ssize_t n = -1;

	if (p && p[0] != '/' && dir != AT_FDCWD) {
		snprintf(d, sizeof d, "/proc/self/fd/%d", dir);
		n = readlink(d, a, sizeof a - 1);
	}
	if (n > 0) {
		a[n] = 0;
		snprintf(a + n, sizeof a - (size_t)n, "/%s", p);
		point(name, a);
	} else
		point(name, p);
}

static void point_fd(const char *name, int fd)
{
	char a[24];

	snprintf(a, sizeof a, "fd %d", fd);
	point(name, a);
}

static int ends_dot(const void *buf, size_t len)
{
	return len >= 5 && memcmp((const char *)buf + len - 5, "\r\n.\r\n", 5) == 0;
}

static void point_data(const char *name, int fd, const void *buf, size_t len)
{
	char a[64];

	snprintf(a, sizeof a, "fd %d %zu%s", fd, len, ends_dot(buf, len) ? " dot" : "");
	point(name, a);
}

static void track(int fd, int flags)
{
	if (fd >= 0 && fd < FD_TRACK)
		wfd[fd] = (flags & O_ACCMODE) != O_RDONLY;
}

static mode_t va_mode(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ?
	       (mode_t)va_arg(ap, int) : 0;
}

#define OPEN_BODY(dir, realcall) \
	int fd; \
	if (flags & O_CREAT) \
		point_at(__func__, dir, path); \
	fd = realcall; \
	track(fd, flags); \
	return fd

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;
	REAL(int, open, (const char *, int, ...));

	va_start(ap, flags);
	m = va_mode(flags, ap);
	va_end(ap);
	OPEN_BODY(AT_FDCWD, real_open(path, flags, m));
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;
	REAL(int, open64, (const char *, int, ...));

	va_start(ap, flags);
	m = va_mode(flags, ap);
	va_end(ap);
	OPEN_BODY(AT_FDCWD, real_open64(path, flags, m));
}

int openat(int dir, const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;
	REAL(int, openat, (int, const char *, int, ...));

	va_start(ap, flags);
	m = va_mode(flags, ap);
	va_end(ap);
	OPEN_BODY(dir, real_openat(dir, path, flags, m));
}

int openat64(int dir, const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;
	REAL(int, openat64, (int, const char *, int, ...));

	va_start(ap, flags);
	m = va_mode(flags, ap);
	va_end(ap);
	OPEN_BODY(dir, real_openat64(dir, path, flags, m));
}

int __open_2(const char *path, int flags);
int __open_2(const char *path, int flags)
{
	REAL(int, __open_2, (const char *, int));
	OPEN_BODY(AT_FDCWD, real___open_2(path, flags));
}

int __openat_2(int dir, const char *path, int flags);
int __openat_2(int dir, const char *path, int flags)
{
	REAL(int, __openat_2, (int, const char *, int));
	OPEN_BODY(dir, real___openat_2(dir, path, flags));
}

int creat(const char *path, mode_t m)
{
	int fd;
	REAL(int, creat, (const char *, mode_t));

	point(__func__, path);
	fd = real_creat(path, m);
	track(fd, O_WRONLY);
	return fd;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	REAL(ssize_t, write, (int, const void *, size_t));

	point_data(__func__, fd, buf, len);
	return real_write(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	REAL(ssize_t, pwrite, (int, const void *, size_t, off_t));

	point_data(__func__, fd, buf, len);
	return real_pwrite(fd, buf, len, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	size_t len = 0;
	int i;
	char a[64];
	REAL(ssize_t, writev, (int, const struct iovec *, int));

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	snprintf(a, sizeof a, "fd %d %zu%s", fd, len,
	         n > 0 && ends_dot(iov[n - 1].iov_base, iov[n - 1].iov_len) ? " dot" : "");
	point(__func__, a);
	return real_writev(fd, iov, n);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	REAL(ssize_t, send, (int, const void *, size_t, int));

	point_data(__func__, fd, buf, len);
	return real_send(fd, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
               const struct sockaddr *to, socklen_t tl)
{
	REAL(ssize_t, sendto, (int, const void *, size_t, int, const struct sockaddr *, socklen_t));

	point_data(__func__, fd, buf, len);
	return real_sendto(fd, buf, len, flags, to, tl);
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
	REAL(ssize_t, sendmsg, (int, const struct msghdr *, int));

	point_fd(__func__, fd);
	return real_sendmsg(fd, m, flags);
}

int fsync(int fd)
{
	REAL(int, fsync, (int));

	point_fd(__func__, fd);
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	REAL(int, fdatasync, (int));

	point_fd(__func__, fd);
	return real_fdatasync(fd);
}

int sync_file_range(int fd, off_t off, off_t n, unsigned int flags)
{
	REAL(int, sync_file_range, (int, off_t, off_t, unsigned int));

	point_fd(__func__, fd);
	return real_sync_file_range(fd, off, n, flags);
}

int rename(const char *a, const char *b)
{
	REAL(int, rename, (const char *, const char *));

	point(__func__, b);
	return real_rename(a, b);
}

int renameat(int da, const char *a, int db, const char *b)
{
	REAL(int, renameat, (int, const char *, int, const char *));

	point_at(__func__, db, b);
	return real_renameat(da, a, db, b);
}

int renameat2(int da, const char *a, int db, const char *b, unsigned int fl)
{
	REAL(int, renameat2, (int, const char *, int, const char *, unsigned int));

	point_at(__func__, db, b);
	return real_renameat2(da, a, db, b, fl);
}

int link(const char *a, const char *b)
{
	REAL(int, link, (const char *, const char *));

	point(__func__, b);
	return real_link(a, b);
}

int linkat(int da, const char *a, int db, const char *b, int fl)
{
	REAL(int, linkat, (int, const char *, int, const char *, int));

	point_at(__func__, db, b);
	return real_linkat(da, a, db, b, fl);
}

int symlink(const char *a, const char *b)
{
	REAL(int, symlink, (const char *, const char *));

	point(__func__, b);
	return real_symlink(a, b);
}

int symlinkat(const char *a, int d, const char *b)
{
	REAL(int, symlinkat, (const char *, int, const char *));

	point_at(__func__, d, b);
	return real_symlinkat(a, d, b);
}

int unlink(const char *p)
{
	REAL(int, unlink, (const char *));

	point(__func__, p);
	return real_unlink(p);
}

int unlinkat(int d, const char *p, int fl)
{
	REAL(int, unlinkat, (int, const char *, int));

	point_at(__func__, d, p);
	return real_unlinkat(d, p, fl);
}

int rmdir(const char *p)
{
	REAL(int, rmdir, (const char *));

	point(__func__, p);
	return real_rmdir(p);
}

int remove(const char *p)
{
	REAL(int, remove, (const char *));

	point(__func__, p);
	return real_remove(p);
}

int mkdir(const char *p, mode_t m)
{
	REAL(int, mkdir, (const char *, mode_t));

	point(__func__, p);
	return real_mkdir(p, m);
}

int mkdirat(int d, const char *p, mode_t m)
{
	REAL(int, mkdirat, (int, const char *, mode_t));

	point_at(__func__, d, p);
	return real_mkdirat(d, p, m);
}

int connect(int fd, const struct sockaddr *sa, socklen_t l)
{
	REAL(int, connect, (int, const struct sockaddr *, socklen_t));

	point_fd(__func__, fd);
	return real_connect(fd, sa, l);
}

int close(int fd)
{
	REAL(int, close, (int));

	if (fd >= 0 && fd < FD_TRACK && wfd[fd]) {
		wfd[fd] = 0;
		point_fd(__func__, fd);
	}
	return real_close(fd);
}

int flock(int fd, int op)
{
	REAL(int, flock, (int, int));

	point_fd(__func__, fd);
	return real_flock(fd, op);
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;
	REAL(int, fcntl, (int, int, ...));

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (cmd == F_SETLK || cmd == F_SETLKW || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW)
		point_fd(__func__, fd);
	return real_fcntl(fd, cmd, arg);
}

int kill(pid_t pid, int sig)
{
	char a[48];
	REAL(int, kill, (pid_t, int));

	init();
	if (log_fd >= 0 && pid != getpid()) {
		int n = snprintf(a, sizeof a, "- kill %ld %d\n", (long)pid, sig);

		if (n > 0)
			(void)syscall(SYS_write, log_fd, a, (size_t)n);
	}
	return real_kill(pid, sig);
}
