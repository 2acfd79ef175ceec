/* util.c - small helpers shared by the applets. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "util.h"

ssize_t fd_read(int fd, void *buf, size_t n)
{
	ssize_t r;

	while ((r = read(fd, buf, n)) < 0 && errno == EINTR)
		;
	return r;
}

ssize_t fd_read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = fd_read(fd, (char *)buf + got, n - got);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

ssize_t fd_pread_full(int fd, void *buf, size_t n, off_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int fd_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

ssize_t file_read_small(const char *path, char *buf, size_t max, struct stat *st,
                        struct wb_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0 || fstat(fd, st)) {
		err_sys(e, errno == ENOENT ? EX_NOINPUT : EX_CONFIG, "%s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	n = S_ISDIR(st->st_mode) ? (errno = EISDIR, -1) : fd_read_full(fd, buf, max);
	close(fd);
	if (n < 0) {
		err_sys(e, errno == EISDIR ? EX_CONFIG : EX_IOERR, "%s", path);
		return -1;
	}
	if ((size_t)n >= max) {
		secure_zero(buf, max);
		err_set(e, EX_CONFIG, "%s: file too large", path);
		return -1;
	}
	buf[n] = 0;
	if (memchr(buf, 0, (size_t)n)) {
		err_set(e, EX_CONFIG, "%s: not a text file", path);
		return -1;
	}
	return n;
}

int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	ssize_t r;
	int fd;

#ifdef SYS_getrandom
	while (n > 0) {
		long g = syscall(SYS_getrandom, p, n, 0);
		if (g < 0 && errno == EINTR)
			continue;
		if (g <= 0)
			break;
		p += g;
		n -= (size_t)g;
	}
	if (n == 0)
		return 0;
#endif
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fd_read_full(fd, p, n);
	close(fd);
	return r == (ssize_t)n ? 0 : -1;
}

int strlcopy(char *dst, const char *src, size_t max)
{
	size_t n = strlen(src);

	if (max == 0)
		return -1;
	if (n >= max) {
		memcpy(dst, src, max - 1);
		dst[max - 1] = 0;
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int prefix_icase(const char *s, const char *p)
{
	for (; *p; s++, p++) {
		unsigned char a = (unsigned char)*s, b = (unsigned char)*p;
		if (a >= 'A' && a <= 'Z')
			a += 32;
		if (b >= 'A' && b <= 'Z')
			b += 32;
		if (a != b)
			return 0;
	}
	return 1;
}

void secure_zero(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}
