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
 * listed without addresses does not resolve; ADDR#PORT also sets the port).
 *
 * Virtual time: CLOCKSHIM_SPEED=N makes every sleep (nanosleep,
 * clock_nanosleep, usleep, sigtimedwait, poll/ppoll without descriptors)
 * take 1/N of the time asked while CLOCK_MONOTONIC and CLOCK_BOOTTIME
 * advance by the whole of it (a daemon lives minutes in seconds);
 * CLOCK_REALTIME stays real (responders use real time).
 * CLOCKSHIM_EFFECT=1: clock_settime(CLOCK_REALTIME), settimeofday and
 * adjtime (at once) move this process's CLOCK_REALTIME reads; without it
 * they have no effect at all. CLOCKSHIM_SENDS=FILE: a line "send MS" per
 * send() (MS: CLOCK_MONOTONIC, virtual), to time the polls.
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
#include <poll.h>
#include <signal.h>

static long long virt_ns;       /* virtual time gained on top of the real */
static long long shift_ns;      /* CLOCKSHIM_EFFECT: the realtime set so far */

static int (*real_gettime(void))(clockid_t, struct timespec *)
{
	static int (*real)(clockid_t, struct timespec *);

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "clock_gettime");
	return real;
}

static long long ts_ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static struct timespec ns_ts(long long ns)
{
	struct timespec t;

	if (ns < 0)
		ns = 0;
	t.tv_sec = (time_t)(ns / 1000000000LL);
	t.tv_nsec = (long)(ns % 1000000000LL);
	return t;
}

static long long real_mono(void)
{
	struct timespec t;

	real_gettime()(CLOCK_MONOTONIC, &t);
	return ts_ns(&t);
}

static long speed(void)
{
	const char *s = getenv("CLOCKSHIM_SPEED");
	long n = s ? atol(s) : 1;

	return n > 1 ? n : 1;
}

static int effect(void)
{
	const char *s = getenv("CLOCKSHIM_EFFECT");

	return s && *s == '1';
}

/* a sleep of want ns that took real ns from start: advance virtual time */
static void slept(long long want, long long start)
{
	long long real = real_mono() - start, v = real * speed();

	if (v > want)
		v = want;
	if (v > real)
		virt_ns += v - real;
}

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

/* CLOCKSHIM_EFFECT: CLOCK_REALTIME reads t from now on */
static void set_realtime(long long t)
{
	struct timespec now;

	if (!effect() || real_gettime()(CLOCK_REALTIME, &now))
		return;
	shift_ns = t - ts_ns(&now);
}

int clock_settime(clockid_t id, const struct timespec *ts)
{
	int r = logit("clock_settime %d %lld.%09ld\n", (int)id, (long long)ts->tv_sec, ts->tv_nsec);

	if (r == 0 && id == CLOCK_REALTIME)
		set_realtime(ts_ns(ts));
	return r;
}

int settimeofday(const struct timeval *tv, const struct timezone *tz)
{
	int r;

	(void)tz;
	r = logit("settimeofday %lld.%06ld\n", tv ? (long long)tv->tv_sec : -1LL,
	          tv ? (long)tv->tv_usec : 0L);
	if (r == 0 && tv)
		set_realtime((long long)tv->tv_sec * 1000000000LL + tv->tv_usec * 1000LL);
	return r;
}

int adjtime(const struct timeval *d, struct timeval *old)
{
	int r;

	if (old)
		memset(old, 0, sizeof *old);
	r = logit("adjtime %lld %ld\n", d ? (long long)d->tv_sec : 0LL, d ? (long)d->tv_usec : 0L);
	if (r == 0 && d && effect())    /* slewed at once */
		shift_ns += (long long)d->tv_sec * 1000000000LL + d->tv_usec * 1000LL;
	return r;
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
	int (*real)(clockid_t, struct timespec *) = real_gettime();
	static long reads;
	const char *shift = getenv("CLOCKSHIM_SHIFT");
	const char *jump = getenv("CLOCKSHIM_JUMP"), *after = getenv("CLOCKSHIM_JUMP_AFTER");
	int r;

	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	r = real(id, ts);
	if (r == 0 && virt_ns && (id == CLOCK_MONOTONIC || id == CLOCK_BOOTTIME ||
	                          id == CLOCK_MONOTONIC_COARSE || id == CLOCK_MONOTONIC_RAW))
		*ts = ns_ts(ts_ns(ts) + virt_ns);
	if (r != 0 || id != CLOCK_REALTIME)
		return r;
	if (shift_ns)
		*ts = ns_ts(ts_ns(ts) + shift_ns);
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
		char *port = strchr(addrs[i], '#');     /* ADDR#PORT */
		if (port)
			*port++ = 0;
		if ((r = real(addrs[i], port ? port : service, hints, &a)) != 0) {
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

/* ---- virtual time: the sleeps ---- */
int nanosleep(const struct timespec *req, struct timespec *rem)
{
	static int (*real)(const struct timespec *, struct timespec *);
	long long want = ts_ns(req), start = real_mono();
	struct timespec t = ns_ts(want / speed());
	int r;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "nanosleep");
	r = real(&t, NULL);
	slept(want, start);
	if (rem)
		memset(rem, 0, sizeof *rem);    /* an EINTR caller asks again: fine */
	return r;
}

int clock_nanosleep(clockid_t id, int flags, const struct timespec *req, struct timespec *rem)
{
	static int (*real)(clockid_t, int, const struct timespec *, struct timespec *);
	long long want = ts_ns(req), start = real_mono();
	struct timespec t;
	int r;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "clock_nanosleep");
	if (flags & TIMER_ABSTIME) {
		struct timespec now;
		clock_gettime(id, &now);
		want -= ts_ns(&now);
	}
	t = ns_ts(want / speed());
	r = real(CLOCK_MONOTONIC, 0, &t, NULL);
	slept(want, start);
	if (rem)
		memset(rem, 0, sizeof *rem);
	return r;
}

int usleep(useconds_t us)
{
	struct timespec t = ns_ts((long long)us * 1000);

	return nanosleep(&t, NULL);
}

int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
	static int (*real)(const sigset_t *, siginfo_t *, const struct timespec *);
	long long want, start = real_mono();
	struct timespec t;
	int r;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "sigtimedwait");
	if (!timeout)
		return real(set, info, NULL);
	want = ts_ns(timeout);
	t = ns_ts(want / speed());
	r = real(set, info, &t);
	slept(want, start);
	return r;
}

int poll(struct pollfd *fds, nfds_t n, int ms)
{
	static int (*real)(struct pollfd *, nfds_t, int);
	long long start = real_mono();
	int r;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "poll");
	if (n || ms <= 0 || speed() == 1)
		return real(fds, n, ms);        /* waiting for replies: real time */
	r = real(fds, n, (int)(ms / speed()) + 1);
	slept((long long)ms * 1000000, start);
	return r;
}

/* a HARDENING build with glibc's _FORTIFY_SOURCE calls poll through this */
int __poll_chk(struct pollfd *fds, nfds_t n, int ms, size_t fdslen);
int __poll_chk(struct pollfd *fds, nfds_t n, int ms, size_t fdslen)
{
	if (fdslen / sizeof *fds < n)
		abort();        /* what glibc's check does */
	return poll(fds, n, ms);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	static ssize_t (*real)(int, const void *, size_t, int);
	const char *path = getenv("CLOCKSHIM_SENDS");
	struct timespec t;
	char line[48];
	int lfd, n;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "send");
	if (path && clock_gettime(CLOCK_MONOTONIC, &t) == 0 &&
	    (lfd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644)) >= 0) {
		n = snprintf(line, sizeof line, "send %lld\n", ts_ns(&t) / 1000000);
		if (write(lfd, line, (size_t)n) < 0)
			n = 0;
		close(lfd);
	}
	return real(fd, buf, len, flags);
}
