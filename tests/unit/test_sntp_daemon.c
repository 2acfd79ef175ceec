/* test_sntp_daemon.c - the daemon's pure rules: the poll schedule (MIN
 * first, growing only after POLL_GROW_AFTER stable polls), the step budget
 * (STEP_MAX in any hour), a silent server's backoff, and -x PROG checked
 * at start. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sysopts.h"
#include "applets/sntpc/sntpc.h"

Suite *sntp_daemon_suite(void);

/* issue 10 finding 9: the second poll came 113.6 s after the first */
START_TEST(schedule_stays_at_min_first)
{
	struct poll_sched p;
	int i;

	poll_start(&p, 64);
	ck_assert_uint_eq(p.interval, 64);
	for (i = 1; i < POLL_GROW_AFTER; i++)
		ck_assert_uint_eq(poll_next(&p, 64, 1024, POLL_STABLE), 64);
	ck_assert_uint_eq(poll_next(&p, 64, 1024, POLL_STABLE), 128);
	ck_assert_uint_eq(poll_next(&p, 64, 1024, POLL_STABLE), 256);
	ck_assert_uint_eq(poll_next(&p, 64, 1024, POLL_KEEP), 256);
	ck_assert_uint_eq(poll_next(&p, 64, 1024, POLL_UNSTABLE), 64);
	/* after an unstable poll the streak starts again */
	for (i = 1; i < POLL_GROW_AFTER; i++)
		ck_assert_uint_eq(poll_next(&p, 64, 1024, POLL_STABLE), 64);
	ck_assert_uint_eq(poll_next(&p, 64, 1024, POLL_STABLE), 128);
	/* a RATE kiss still doubles at once, beyond MAX */
	poll_start(&p, 1024);
	ck_assert_uint_eq(poll_next(&p, 64, 1024, POLL_RATE), 2048);
	for (i = 0; i < 20; i++)
		poll_next(&p, 64, 1024, POLL_STABLE);
	ck_assert_uint_eq(p.interval, 1024);
}
END_TEST

/* finding 1: 60 steps in 4 minutes; now STEP_MAX in any hour */
START_TEST(step_budget_three_an_hour)
{
	struct step_budget b;
	int64_t t = 1000;
	int i;

	memset(&b, 0, sizeof b);
	for (i = 0; i < STEP_MAX; i++) {
		ck_assert(step_allowed(&b, t));
		step_taken(&b, t);
		t += 16000;
	}
	ck_assert(!step_allowed(&b, t));
	ck_assert(!step_allowed(&b, 1000 + STEP_WINDOW_MS - 1));
	ck_assert(step_allowed(&b, 1000 + STEP_WINDOW_MS));     /* the first left the window */
	step_taken(&b, 1000 + STEP_WINDOW_MS);
	ck_assert(!step_allowed(&b, 17000 + STEP_WINDOW_MS - 1));
	ck_assert(step_allowed(&b, 17000 + STEP_WINDOW_MS));
	/* many hours of steps: never more than STEP_MAX in a window */
	memset(&b, 0, sizeof b);
	for (t = 0, i = 0; t < 100 * (int64_t)STEP_WINDOW_MS; t += 60000)
		if (step_allowed(&b, t)) {
			step_taken(&b, t);
			i++;
		}
	ck_assert_int_le(i, 100 * STEP_MAX + STEP_MAX);
	ck_assert_int_ge(i, 100 * STEP_MAX - STEP_MAX);
	ck_assert_int_lt(b.n, 2 * STEP_MAX);
}
END_TEST

/* finding 8: a silent server got 3 packets per poll for ever */
START_TEST(backoff_silent_server)
{
	struct backoff b;
	int64_t now = 0;
	int i;

	memset(&b, 0, sizeof b);
	for (i = 0; i < BACKOFF_MISSES - 1; i++) {
		ck_assert(backoff_due(&b, now));
		ck_assert_int_eq(backoff_tries(&b, 3), 3);
		backoff_update(&b, 0, 64, 1024, now);
		now += 64000;
	}
	backoff_update(&b, 0, 64, 1024, now);   /* the third miss */
	ck_assert_int_eq(backoff_tries(&b, 3), 1);
	ck_assert_uint_eq(b.interval, 128);
	ck_assert(!backoff_due(&b, now + 64000));
	ck_assert(backoff_due(&b, now + 128000 - 16000));       /* 1/8 early is due */
	now += 128000;
	backoff_update(&b, 0, 64, 1024, now);
	ck_assert_uint_eq(b.interval, 256);
	for (i = 0; i < 10; i++)
		backoff_update(&b, 0, 64, 1024, now);
	ck_assert_uint_eq(b.interval, 1024);    /* up to MAX */
	backoff_update(&b, 1, 64, 1024, now);   /* it answers: all forgotten */
	ck_assert_int_eq(b.miss, 0);
	ck_assert_int_eq(backoff_tries(&b, 3), 3);
	ck_assert(backoff_due(&b, now));
}
END_TEST

/* finding 3: a hook that does not exist was ignored at every step */
START_TEST(hook_checked_at_start)
{
	static struct hook h;
	struct wb_err e;
	char cwd[512], here[512], bin[520];

	ck_assert_int_eq(hook_init(&h, NULL, &e), 0);
	ck_assert_str_eq(h.prog, "");
	ck_assert_int_eq(hook_init(&h, "/nonexistent/hook", &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_int_eq(hook_init(&h, "/etc/passwd", &e), -1);         /* not executable */
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_int_eq(hook_init(&h, "/", &e), -1);
	ck_assert_int_eq(hook_init(&h, "/bin/sh", &e), 0);
	ck_assert_str_eq(h.prog, "/bin/sh");
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(chdir("/bin"), 0);
	ck_assert_ptr_nonnull(getcwd(here, sizeof here));
	snprintf(bin, sizeof bin, "%s/sh", here);
	ck_assert_int_eq(hook_init(&h, "sh", &e), 0);   /* relative: to where we are */
	ck_assert_str_eq(h.prog, bin);
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

Suite *sntp_daemon_suite(void)
{
	Suite *s = suite_create("sntp_daemon");
	TCase *tc = tcase_create("daemon");

	tcase_add_test(tc, schedule_stays_at_min_first);
	tcase_add_test(tc, step_budget_three_an_hour);
	tcase_add_test(tc, backoff_silent_server);
	tcase_add_test(tc, hook_checked_at_start);
	suite_add_tcase(s, tc);
	return s;
}
