/* util.c - small helpers shared by the applets. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "util.h"

int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	int fd;

#ifdef SYS_getrandom
	while (n > 0) {
		long r = syscall(SYS_getrandom, p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		p += r;
		n -= (size_t)r;
	}
	if (n == 0)
		return 0;
#endif
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (n > 0) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	close(fd);
	return 0;
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
