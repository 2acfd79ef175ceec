/* clockshim.c - LD_PRELOAD shim for the sntpc tests: every call that could
 * change the clock is blocked (the real function is never called) and
 * logged to $CLOCKSHIM_LOG. With CLOCKSHIM_EPERM=1 each fails with EPERM,
 * as it does without CAP_SYS_TIME. CLOCKSHIM_SHIFT=S makes CLOCK_REALTIME read
 * S seconds off (negative: a router that booted in 1970); CLOCKSHIM_JUMP=S
 * with CLOCKSHIM_JUMP_AFTER=N adds S more to every read after the Nth (a
 * clock stepped by someone else in the middle of a request).
 * The name "two.sntp.test" resolves to 127.0.0.2 then 127.0.0.1 (a server
 * name with a dead first address); CLOCKSHIM_HOSTS=FILE names more, one
 * "NAME ADDR..." a line (a pool; rewrite the file to move a name; a name
 * listed without addresses does not resolve).
 *   cc -shared -fPIC -o clockshim.so clockshim.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netdb.h>
#include <sys/time.h>
#include <sys/timex.h>

static int logit(const char *fmt, ...)
{
	const char *path = getenv("CLOCKSHIM_LOG");
	const char *eperm = getenv("CLOCKSHIM_EPERM");
	char line[160];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (path && n > 0 && (fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644)) >= 0) {
		if (write(fd, line, (size_t)n) < 0)
			n = 0;
		close(fd);
	}
	if (eperm && *eperm == '1') {
		errno = EPERM;
		return -1;
	}
	return 0;
}

int clock_settime(clockid_t id, const struct timespec *ts)
{
	return logit("clock_settime %d %lld.%09ld\n", (int)id, (long long)ts->tv_sec, ts->tv_nsec);
}

int settimeofday(const struct timeval *tv, const struct timezone *tz)
{
	(void)tz;
	return logit("settimeofday %lld.%06ld\n", tv ? (long long)tv->tv_sec : -1LL,
	             tv ? (long)tv->tv_usec : 0L);
}

int adjtime(const struct timeval *d, struct timeval *old)
{
	if (old)
		memset(old, 0, sizeof *old);
	return logit("adjtime %lld %ld\n", d ? (long long)d->tv_sec : 0LL, d ? (long)d->tv_usec : 0L);
}

int adjtimex(struct timex *t)
{
	return logit("adjtimex modes %u\n", t->modes);
}

int ntp_adjtime(struct timex *t)
{
	return logit("ntp_adjtime modes %u\n", t->modes);
}

int clock_adjtime(clockid_t id, struct timex *t)
{
	return logit("clock_adjtime %d modes %u\n", (int)id, t->modes);
}

int stime(const time_t *t)
{
	return logit("stime %lld\n", (long long)*t);
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	static long reads;
	const char *shift = getenv("CLOCKSHIM_SHIFT");
	const char *jump = getenv("CLOCKSHIM_JUMP"), *after = getenv("CLOCKSHIM_JUMP_AFTER");
	int r;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "clock_gettime");
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	r = real(id, ts);
	if (r != 0 || id != CLOCK_REALTIME)
		return r;
	if (shift)
		ts->tv_sec += atoll(shift);
	if (jump && after && ++reads > atol(after))
		ts->tv_sec += atoll(jump);
	return r;
}

/* the addresses of node: from $CLOCKSHIM_HOSTS (lines "NAME ADDR ADDR...",
 * read at every call so a test can move a name), or two.sntp.test's;
 * 0 if node is not a test name */
static int test_addrs(const char *node, char addrs[8][64])
{
	const char *path = getenv("CLOCKSHIM_HOSTS");
	char line[600], name[128];
	FILE *f;
	int n = 0, off, k;

	if (!strcmp(node, "two.sntp.test")) {
		snprintf(addrs[0], 64, "127.0.0.2");
		snprintf(addrs[1], 64, "127.0.0.1");
		return 2;
	}
	if (!path || !(f = fopen(path, "r")))
		return 0;
	while (!n && fgets(line, sizeof line, f)) {
		const char *p = line;
		if (sscanf(p, "%127s%n", name, &off) != 1 || strcmp(name, node))
			continue;
		for (p += off; n < 8 && sscanf(p, "%63s%n", addrs[n], &k) == 1; p += k)
			n++;
		if (!n)
			n = -1;         /* listed without addresses: does not resolve */
	}
	fclose(f);
	return n;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
	static int (*real)(const char *, const char *, const struct addrinfo *,
	                   struct addrinfo **);
	struct addrinfo *head = NULL, **tail = &head, *a;
	char addrs[8][64];
	int i, n, r;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "getaddrinfo");
	if (!real)
		return EAI_SYSTEM;
	if (!node || (n = test_addrs(node, addrs)) == 0)
		return real(node, service, hints, res);
	if (n < 0)
		return EAI_NONAME;
	for (i = 0; i < n; i++) {
		if ((r = real(addrs[i], service, hints, &a)) != 0) {
			if (r == EAI_ADDRFAMILY || r == EAI_FAMILY || r == EAI_NONAME)
				continue;       /* e.g. an IPv6 address under -4 */
			if (head)
				freeaddrinfo(head);
			return r;
		}
		*tail = a;      /* glibc frees node by node: a chain is fine */
		while (*tail)
			tail = &(*tail)->ai_next;
	}
	if (!head)
		return EAI_NONAME;
	*res = head;
	return 0;
}
