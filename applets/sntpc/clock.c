/* clock.c - step or slew the clock through a setter table, so tests can
 * inject their own; the decision is a pure function. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include "sntpc.h"

static int sys_now(struct ntp_time *t)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts))
		return -1;
	t->sec = ts.tv_sec;
	t->nsec = (uint32_t)ts.tv_nsec;
	return 0;
}

static int sys_step(const struct ntp_time *t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t->sec;
	ts.tv_nsec = (long)t->nsec;
	if ((int64_t)ts.tv_sec != t->sec) {
		errno = EOVERFLOW;      /* a 32-bit time_t cannot hold it */
		return -1;
	}
	return clock_settime(CLOCK_REALTIME, &ts);
}

static int sys_slew(int64_t usec)
{
	struct timeval tv;

	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	return adjtime(&tv, NULL);
}

const struct clock_ops clock_sys = { sys_now, sys_step, sys_slew };

enum clock_act clock_decide(const struct clock_policy *pol, ntp_fix offset)
{
	ntp_fix a = offset < 0 ? -offset : offset;

	if (pol->mode == CLK_QUERY)
		return ACT_NONE;
	if (pol->panic > 0 && a >= pol->panic)
		return ACT_PANIC;
	if (pol->mode == CLK_STEP || a >= pol->step_thr)
		return ACT_STEP;
	return ACT_SLEW;
}

int clock_apply(const struct clock_ops *ops, enum clock_act act, ntp_fix offset,
                int64_t era, struct wb_err *e)
{
	struct ntp_time t;
	int r = 0;
	const char *what = act == ACT_STEP ? "step" : "slew";

	switch (act) {
	case ACT_NONE:
		return 0;
	case ACT_PANIC: {
		char b[32];
		err_set(e, EX_PROTOCOL, "offset %s s is above the panic threshold: clock left alone",
		        ntp_off_str(offset, era, 1, b, sizeof b));
		return -1;
	}
	case ACT_STEP:
		/* read the clock right before setting it: the offset applies now */
		r = ops->now(&t);
		if (r == 0) {
			t = ntp_time_add(t, offset);
			t.sec += era;
			r = ops->step(&t);
		}
		break;
	case ACT_SLEW:
		r = ops->slew(ntp_fix_us(offset));
		break;
	}
	if (r == 0)
		return 0;
	if (errno == EPERM || errno == EACCES)
		err_set(e, EX_NOPERM, "cannot %s the clock: %s (needs root or CAP_SYS_TIME)",
		        what, strerror(errno));
	else
		err_sys(e, EX_OSERR, "cannot %s the clock", what);
	return -1;
}
