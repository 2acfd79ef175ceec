/* timeshim.c - LD_PRELOAD for the queue's hostile tests: with TS_SHIFT=S,
 * time(), gettimeofday() and CLOCK_REALTIME read S seconds off (negative:
 * a router that booted in 1970). tests/sntp/clockshim.c moves only
 * clock_gettime; mbedTLS's certificate check and the queue's IDs call
 * time().   cc -shared -fPIC -o timeshim.so timeshim.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <sys/time.h>
static long long shift(void) { const char *s = getenv("TS_SHIFT"); return s ? atoll(s) : 0; }
int clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	int r;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "clock_gettime");
	r = real(id, ts);
	if (!r && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
		ts->tv_sec += shift();
	return r;
}
time_t time(time_t *t)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}
int gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;
	(void)tz;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (tv) {
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / 1000;
	}
	return 0;
}
