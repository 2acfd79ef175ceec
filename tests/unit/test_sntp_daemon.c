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

/* issue 11: BusyBox ntpd's hook variables, lowercase, and ours */
static int has(const char *env, size_t len, const char *want)
{
	size_t i;

	for (i = 0; i < len; i += strlen(env + i) + 1)
		if (!strcmp(env + i, want))
			return 1;
	return 0;
}

START_TEST(hook_env_busybox_variables)
{
	static struct server srv;
	struct sel_out so;
	struct hook_vars v = { STRATUM_UNSYNC, 64, NTP_FIX_ONE * 1000 + NTP_FIX_ONE / 2, 0 };
	char env[HOOK_ENV_MAX];
	size_t n;

	memset(&so, 0, sizeof so);
	so.nusable = 2;
	so.nkept = 1;
	n = hook_env(env, sizeof env, &v, NULL, &so);
	ck_assert_uint_gt(n, 0);
	ck_assert(has(env, n, "stratum=16"));
	ck_assert(has(env, n, "freq_drift_ppm=0"));
	ck_assert(has(env, n, "poll_interval=64"));
	ck_assert(has(env, n, "offset=1000.500000"));   /* %f: no sign, 6 decimals */
	ck_assert(has(env, n, "SNTP_OFFSET"));          /* no server: removed */
	ck_assert(has(env, n, "SNTP_SERVERS=2"));
	ck_assert(has(env, n, "SNTP_CANDIDATES=1"));

	srv.name = "ntp.example";
	srv.best.pkt.stratum = 8;
	srv.best.offset = -NTP_FIX_ONE / 4;
	v.stratum = 9;
	v.offset = -NTP_FIX_ONE / 4;
	v.era = 0;
	n = hook_env(env, sizeof env, &v, &srv, NULL);
	ck_assert(has(env, n, "stratum=9"));
	ck_assert(has(env, n, "offset=-0.250000"));
	ck_assert(has(env, n, "SNTP_STRATUM=8"));
	ck_assert(has(env, n, "SNTP_SERVER=ntp.example"));
	ck_assert(has(env, n, "SNTP_OFFSET=-0.250000"));
	ck_assert(!has(env, n, "SNTP_SERVERS=2"));      /* no selection given */
	ck_assert_uint_eq(hook_env(env, 40, &v, &srv, NULL), 0);     /* does not fit */
}
END_TEST

static const char *env_get(const struct hook_ev *q, const char *key)
{
	size_t i, k = strlen(key);

	for (i = 0; i < q->len; i += strlen(q->env + i) + 1)
		if (!strncmp(q->env + i, key, k) && q->env[i + k] == '=')
			return q->env + i + k + 1;
	return "";
}

/* the old hook kept one pending event, the latest: a step followed by a
 * stratum change while a hook ran lost the step */
START_TEST(hook_actions_wait_in_order)
{
	static struct hook h;
	static const char *const order[] = { "step", "stratum", "unsync", "step" };
	struct hook_vars v = { STRATUM_UNSYNC, 64, 0, 0 };
	struct sel_out so;
	struct wb_err e;
	int i;

	memset(&so, 0, sizeof so);
	ck_assert_int_eq(hook_init(&h, "/bin/sh", &e), 0);
	ck_assert_uint_eq(h.v.stratum, STRATUM_UNSYNC);
	h.r.pid = 999999999;            /* one "runs": every action waits */
	hook_event(&h, "step", &v, NULL, &so);
	v.stratum = 3;
	hook_event(&h, "stratum", &v, NULL, &so);
	v.stratum = 4;
	hook_event(&h, "stratum", &v, NULL, &so);       /* the same again: merged */
	v.stratum = STRATUM_UNSYNC;
	hook_event(&h, "unsync", &v, NULL, &so);
	hook_event(&h, NULL, &v, NULL, &so);            /* values only */
	hook_event(&h, "step", &v, NULL, &so);
	ck_assert_int_eq(h.n, 4);
	for (i = 0; i < 4; i++)
		ck_assert_str_eq(h.q[i].action, order[i]);
	ck_assert_str_eq(env_get(&h.q[0], "stratum"), "16");
	ck_assert_str_eq(env_get(&h.q[1], "stratum"), "4");     /* the later values */
	hook_event(&h, "stratum", &v, NULL, &so);       /* full: the oldest goes */
	ck_assert_int_eq(h.n, HOOK_QUEUE);
	ck_assert_str_eq(h.q[0].action, "stratum");
	ck_assert_str_eq(h.q[HOOK_QUEUE - 1].action, "stratum");
	h.r.pid = -1;
	h.n = 0;
}
END_TEST

/* BusyBox ntpd -w's line, from the newest sample */
START_TEST(hook_reply_line_busybox_form)
{
	static struct server s;
	struct fsample f;
	char line[256];

	memset(&f, 0, sizeof f);
	snprintf(s.addr, sizeof s.addr, "127.0.0.1:123");
	s.pkt.version = 4;
	s.pkt.mode = 4;
	s.pkt.stratum = 2;
	s.pkt.refid = 0x7f000001;
	s.pkt.rootdelay = 0x100;        /* 1/256 s */
	s.reach = 0x3;
	f.offset = NTP_FIX_ONE / 2;
	f.delay = NTP_FIX_ONE / 4;
	filter_add(&s.filt, &f);
	f.offset = -NTP_FIX_ONE / 8;
	filter_add(&s.filt, &f);
	hook_reply_line(line, sizeof line, &s);
	ck_assert_str_eq(line, "reply from 127.0.0.1: offset:-0.125000 delay:0.250000 "
	                 "status:0x24 strat:2 refid:0x7f000001 rootdelay:0.003906 reach:0x03");
	snprintf(s.addr, sizeof s.addr, "[::1]:123");
	s.pkt.leap = 3;
	hook_reply_line(line, sizeof line, &s);
	ck_assert_str_eq(line, "reply from ::1: offset:-0.125000 delay:0.250000 "
	                 "status:0xe4 strat:2 refid:0x7f000001 rootdelay:0.003906 reach:0x03");
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
	tcase_add_test(tc, hook_env_busybox_variables);
	tcase_add_test(tc, hook_actions_wait_in_order);
	tcase_add_test(tc, hook_reply_line_busybox_form);
	suite_add_tcase(s, tc);
	return s;
}
