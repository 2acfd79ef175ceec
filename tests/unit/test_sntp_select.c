/* test_sntp_select.c - RFC 5905 selection (applets/sntpc/select.h): the
 * intersection and cluster steps on hand-made interval sets, the tally
 * each server gets, the system peer's hysteresis, the clock filter, the
 * sample dispersion and the root distance. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "applets/sntpc/select.h"

Suite *sntp_select_suite(void);

#define MS(x) ((ntp_fix)(x) * NTP_FIX_ONE / 1000)
#define S(x) ((ntp_fix)(x) * NTP_FIX_ONE)
#define NC 10

/* the whys as one letter each, so a table row reads at a glance */
static const char codes[] = "_RNFOBCS";        /* NONE FAR NOMAJ FALSE OUTLIER BACKUP CAND SYS */

struct crow {
	int usable;
	ntp_fix off, dist, jit;
	unsigned stratum;
};

struct sel_case {
	const char *name;
	int n, prev;
	struct crow c[NC];
	int sys, nusable, ntrue, nkept;
	const char *whys;
};

#define OK(o, d) { 1, (o), (d), MS(1) / 10, 2 }  /* usable, 0.1 ms jitter, stratum 2 */
#define NOPE { 0, S(1000), MS(1), 0, 2 }
#define X ((ntp_fix)1 << 28)                    /* 1/16 s, exact in fixed point */

static const struct sel_case cases[] = {
	{ "all agree: the nearest is the system peer", 3, -1,
	  { OK(0, MS(10)), OK(MS(1), MS(8)), OK(-MS(1), MS(12)) },
	  1, 3, 3, 3, "CSC" },
	{ "one falseticker of three (fast, and nearest)", 3, -1,
	  { OK(S(1000), MS(5)), OK(0, MS(20)), OK(MS(2), MS(25)) },
	  1, 3, 2, 2, "FSC" },
	/* RFC 5905's test alone keeps all three (every midpoint is in the
	 * span covered by two), and the liar, nearest, would win */
	{ "a wide interval bridging two that share no point: no majority", 3, -1,
	  { OK(0, MS(13)), OK(S(2) + MS(900), MS(1)), OK(S(1) + MS(450), S(1) + MS(460)) },
	  -1, 3, 0, 0, "NNN" },
	{ "two wide ones bridge two liars to three that agree: the liars are out", 7, -1,
	  { OK(0, MS(13)), OK(MS(2), MS(13)), OK(-MS(1), MS(13)),
	    OK(S(1) + MS(450), S(1) + MS(460)), OK(S(1) + MS(450), S(1) + MS(460)),
	    OK(S(2) + MS(900), MS(1)), OK(S(2) + MS(900), MS(1)) },
	  0, 7, 5, 3, "SCCOOFF" },
	{ "two clusters of two: no majority", 4, -1,
	  { OK(0, MS(10)), OK(MS(1), MS(10)), OK(S(1000), MS(10)), OK(S(1000) + MS(1), MS(10)) },
	  -1, 4, 0, 0, "NNNN" },
	{ "three that all disagree: no majority", 3, -1,
	  { OK(0, MS(10)), OK(S(1), MS(10)), OK(S(2), MS(10)) },
	  -1, 3, 0, 0, "NNN" },
	{ "two that disagree: no majority", 2, -1,
	  { OK(0, MS(10)), OK(MS(100), MS(10)) },
	  -1, 2, 0, 0, "NN" },
	{ "two sharing exactly one point do not intersect", 2, -1,
	  { OK(0, X), OK(2 * X, X) },
	  -1, 2, 0, 0, "NN" },
	{ "two zero-width intervals at one point do not intersect (l < u)", 2, -1,
	  { OK(X, 0), OK(X, 0) },
	  -1, 2, 0, 0, "NN" },
	{ "two whose midpoints lie in both intervals do", 2, -1,
	  { OK(0, X), OK(X, X) },
	  0, 2, 2, 2, "SC" },
	{ "a midpoint just outside the intersection: no majority", 2, -1,
	  { OK(0, X), OK(X + 1, X) },
	  -1, 2, 0, 0, "NN" },
	{ "four, one falseticker: the cluster step keeps SEL_NMIN", 4, -1,
	  { OK(0, MS(20)), OK(MS(1), MS(20)), OK(MS(9), MS(20)), OK(S(1000), MS(20)) },
	  0, 4, 3, 3, "SCCF" },
	{ "five: one falseticker and one outlier", 5, -1,
	  { OK(0, MS(20)), OK(MS(1), MS(20)), OK(MS(2), MS(20)), OK(S(1000), MS(20)),
	    OK(MS(15), MS(20)) },
	  0, 5, 4, 3, "SCCFO" },
	{ "four close together, peer jitter above the spread: no outlier", 4, -1,
	  { { 1, 0, MS(20), MS(5), 2 }, { 1, MS(1), MS(20), MS(5), 2 },
	    { 1, MS(2), MS(20), MS(5), 2 }, { 1, MS(3), MS(20), MS(5), 2 } },
	  0, 4, 4, 4, "SCCC" },
	{ "one alone is the system peer", 1, -1,
	  { OK(S(1000), MS(10)) },
	  0, 1, 1, 1, "S" },
	{ "one alone with zero distance", 1, -1,
	  { OK(MS(3), 0) },
	  0, 1, 1, 1, "S" },
	{ "one alone among unusable and far ones", 3, -1,
	  { NOPE, OK(S(1000), MS(2000)), OK(MS(1), MS(10)) },
	  2, 1, 1, 1, "_RS" },
	{ "unusable and far ones do not count against a majority", 6, -1,
	  { OK(0, MS(10)), OK(MS(1), MS(12)), NOPE, NOPE, OK(S(1000), SEL_MAXDIST + 1),
	    OK(S(1000), SEL_MAXDIST + 1) },
	  0, 2, 2, 2, "SC__RR" },
	{ "at exactly SEL_MAXDIST a server still counts", 2, -1,
	  { OK(0, MS(10)), OK(S(1000), SEL_MAXDIST) },
	  -1, 2, 0, 0, "NN" },
	{ "stratum first, then distance", 3, -1,
	  { { 1, 0, MS(5), MS(1), 3 }, { 1, 0, MS(30), MS(1), 1 }, { 1, 0, MS(10), MS(1), 1 } },
	  2, 3, 3, 3, "CCS" },
	{ "survivors beyond SEL_NMAX are backups", 8, -1,
	  { { 1, 0, MS(11), MS(50), 2 }, { 1, 0, MS(12), MS(50), 2 }, { 1, 0, MS(13), MS(50), 2 },
	    { 1, 0, MS(14), MS(50), 2 }, { 1, 0, MS(15), MS(50), 2 }, { 1, 0, MS(16), MS(50), 2 },
	    { 1, 0, MS(17), MS(50), 2 }, { 1, 0, MS(10), MS(50), 2 } },
	  7, 8, 8, 8, "CCCCCBBS" },
	{ "prev kept when about as near", 3, 2,
	  { OK(0, MS(10)), OK(MS(1), MS(11)), OK(MS(2), MS(12)) },
	  2, 3, 3, 3, "CCS" },
	{ "prev dropped when a falseticker", 3, 2,
	  { OK(0, MS(10)), OK(MS(1), MS(11)), OK(S(5), MS(5)) },
	  0, 3, 2, 2, "SCF" },
	{ "prev dropped when much farther than the best", 3, 2,
	  { OK(0, MS(10)), OK(MS(1), MS(11)), OK(MS(2), MS(40)) },
	  0, 3, 3, 3, "SCC" },
	{ "prev dropped when of a worse stratum", 3, 2,
	  { OK(0, MS(10)), OK(MS(1), MS(11)), { 1, MS(2), MS(10), MS(1), 3 } },
	  0, 3, 3, 3, "SCC" },
	{ "prev dropped when an outlier", 5, 4,
	  { OK(0, MS(20)), OK(MS(1), MS(20)), OK(MS(2), MS(20)), OK(S(1000), MS(20)),
	    OK(MS(15), MS(20)) },
	  0, 5, 4, 3, "SCCFO" },
	{ "prev out of range is ignored", 2, 7,
	  { OK(0, MS(10)), OK(MS(1), MS(11)) },
	  0, 2, 2, 2, "SC" },
	{ "nothing usable", 2, 0,
	  { NOPE, NOPE },
	  -1, 0, 0, 0, "__" },
};

static void whys_str(const struct cand *c, int n, char *buf)
{
	int i;

	for (i = 0; i < n; i++)
		buf[i] = (unsigned)c[i].why < sizeof codes - 1 ? codes[c[i].why] : '?';
	buf[n] = 0;
}

static void load(const struct sel_case *t, struct cand *c)
{
	int i;

	memset(c, 0x5a, sizeof *c * NC);
	for (i = 0; i < t->n; i++) {
		c[i].usable = t->c[i].usable;
		c[i].offset = t->c[i].off;
		c[i].dist = t->c[i].dist;
		c[i].jitter = t->c[i].jit;
		c[i].stratum = t->c[i].stratum;
	}
}

START_TEST(select_table)
{
	const struct sel_case *t = &cases[_i];
	struct cand c[NC];
	struct sel_out o;
	char got[NC + 1];
	int r;

	load(t, c);
	r = sel_run(c, t->n, t->prev, &o);
	whys_str(c, t->n, got);
	ck_assert_msg(!strcmp(got, t->whys), "%s: whys %s, want %s", t->name, got, t->whys);
	ck_assert_msg(r == t->sys && o.sys == t->sys, "%s: sys %d/%d, want %d", t->name, r,
	              o.sys, t->sys);
	ck_assert_msg(o.nusable == t->nusable && o.ntrue == t->ntrue && o.nkept == t->nkept,
	              "%s: usable/true/kept %d/%d/%d, want %d/%d/%d", t->name, o.nusable,
	              o.ntrue, o.nkept, t->nusable, t->ntrue, t->nkept);
	if (r >= 0)
		ck_assert_msg(c[r].offset >= o.low && c[r].offset <= o.high && o.low < o.high + (t->n == 1),
		              "%s: system peer outside [low, high]", t->name);
}
END_TEST

/* the intersection interval of "one falseticker of three" by hand: the
 * two truechimers' intervals [-20, 20] and [-23, 27] ms give [-20, 20] */
START_TEST(select_interval)
{
	struct cand c[NC];
	struct sel_out o;

	load(&cases[1], c);
	ck_assert_int_eq(sel_run(c, 3, -1, &o), 1);
	ck_assert_int_eq(o.low, -MS(20));
	ck_assert_int_eq(o.high, MS(20));
}
END_TEST

START_TEST(tally_chars)
{
	static const struct {
		enum sel_why why;
		char tally;
		const char *str;
	} t[] = {
		{ SEL_SYS, '*', "system peer" },
		{ SEL_CAND, '+', "candidate" },
		{ SEL_BACKUP, '#', "backup (beyond the 6 used)" },
		{ SEL_OUTLIER, '-', "outlier (cluster step)" },
		{ SEL_FALSE, 'x', "falseticker" },
		{ SEL_NOMAJ, 'x', "no majority" },
		{ SEL_FAR, ' ', "root distance above 1.5 s" },
		{ SEL_NONE, ' ', "no usable reply" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		ck_assert_int_eq(sel_tally(t[i].why), t[i].tally);
		ck_assert_str_eq(sel_why_str(t[i].why), t[i].str);
	}
	ck_assert_int_eq(sel_tally((enum sel_why)99), ' ');
	ck_assert_str_eq(sel_why_str((enum sel_why)99), "?");
}
END_TEST

/* two nearly equal servers whose distances cross at every run: with prev
 * fed back the system peer never changes; without it, it flaps */
START_TEST(hysteresis_no_flap)
{
	struct cand c[2];
	struct sel_out o;
	int run, prev = -1, sys, changes = 0, flaps = 0, last = -1;

	memset(c, 0, sizeof c);
	for (run = 0; run < 20; run++) {
		c[0] = (struct cand){ 1, MS(1), MS(10) + (run & 1 ? MS(1) / 5 : 0), MS(1), 2, SEL_NONE };
		c[1] = (struct cand){ 1, -MS(1), MS(10) + MS(1) / 10, MS(1), 2, SEL_NONE };
		sys = sel_run(c, 2, prev, &o);
		ck_assert_int_ge(sys, 0);
		if (prev >= 0 && sys != prev)
			changes++;
		prev = sys;
		sys = sel_run(c, 2, -1, &o);
		if (last >= 0 && sys != last)
			flaps++;
		last = sys;
	}
	ck_assert_int_eq(changes, 0);
	ck_assert_int_gt(flaps, 10);    /* the case does cross: without prev it flaps */
}
END_TEST

/* the system peer turns into a falseticker: the next run moves away */
START_TEST(hysteresis_falseticker)
{
	struct cand c[3] = {
		{ 1, 0, MS(10), MS(1), 2, SEL_NONE },
		{ 1, MS(1), MS(12), MS(1), 2, SEL_NONE },
		{ 1, MS(2), MS(11), MS(1), 2, SEL_NONE },
	};
	struct sel_out o;

	ck_assert_int_eq(sel_run(c, 3, 2, &o), 2);     /* kept: near enough */
	c[2].offset = S(1000);
	ck_assert_int_eq(sel_run(c, 3, 2, &o), 0);
	ck_assert_int_eq(c[2].why, SEL_FALSE);
	ck_assert_int_eq(sel_tally(c[2].why), 'x');
}
END_TEST

/* ---- the clock filter ----------------------------------------------------- */
static struct fsample fs(ntp_fix off, ntp_fix delay, ntp_fix disp, int64_t mono)
{
	struct fsample s;

	memset(&s, 0, sizeof s);
	s.offset = off;
	s.delay = delay;
	s.disp = disp;
	s.mono_ms = mono;
	return s;
}

static void add(struct filter *f, struct fsample s)
{
	filter_add(f, &s);
}

START_TEST(filter_lowest_delay)
{
	struct filter f;
	struct filt_out o;

	filter_clear(&f);
	ck_assert_int_eq(filter_run(&f, 0, 0, &o), -1);
	add(&f, fs(MS(5), MS(5), 0, 1000));
	add(&f, fs(MS(3), MS(3), 0, 2000));
	add(&f, fs(MS(8), MS(8), 0, 3000));
	ck_assert_int_eq(filter_run(&f, 3000, 0, &o), 0);
	ck_assert_int_eq(o.n, 3);
	ck_assert_int_eq(o.best.delay, MS(3));
	ck_assert_int_eq(o.best.offset, MS(3));
	ck_assert_int_eq(o.best.mono_ms, 2000);
	/* on equal delays the newer wins */
	add(&f, fs(MS(7), MS(3), 0, 4000));
	ck_assert_int_eq(filter_run(&f, 4000, 0, &o), 0);
	ck_assert_int_eq(o.best.offset, MS(7));
}
END_TEST

START_TEST(filter_jitter_rms)
{
	struct filter f;
	struct filt_out o;

	filter_clear(&f);
	add(&f, fs(0, MS(1), 0, 0));
	ck_assert_int_eq(filter_run(&f, 0, MS(1) / 1000, &o), 0);
	ck_assert_int_eq(o.jitter, MS(1) / 1000);       /* one sample: prec */
	add(&f, fs(MS(3), MS(2), 0, 0));
	add(&f, fs(-MS(4), MS(3), 0, 0));
	/* sqrt((3^2 + 4^2) / 2) ms = 3.535 ms: 3535 us (integer root) */
	ck_assert_int_eq(filter_run(&f, 0, MS(1) / 1000, &o), 0);
	ck_assert_int_eq(o.jitter, ntp_fix_from_ns(3535000));
	ck_assert_int_eq(filter_run(&f, 0, MS(10), &o), 0);
	ck_assert_int_eq(o.jitter, MS(10));             /* at least prec */
}
END_TEST

START_TEST(filter_disp_aging)
{
	struct filter f;
	struct filt_out o;
	ntp_fix d1 = MS(1), d2 = MS(4);

	filter_clear(&f);
	add(&f, fs(0, MS(2), d1, 1000));
	ck_assert_int_eq(filter_run(&f, 1000, 0, &o), 0);
	ck_assert_int_eq(o.disp, d1 / 2);
	ck_assert_int_eq(o.best.disp, d1);
	/* 100 s later: PHI * 100 s more */
	ck_assert_int_eq(filter_run(&f, 101000, 0, &o), 0);
	ck_assert_int_eq(o.disp, (d1 + SEL_PHI * 100) / 2);
	/* now before the sample: no negative age */
	ck_assert_int_eq(filter_run(&f, 0, 0, &o), 0);
	ck_assert_int_eq(o.disp, d1 / 2);
	/* a second sample with a lower delay comes first: weights 1/2, 1/4 */
	add(&f, fs(0, MS(1), d2, 11000));
	ck_assert_int_eq(filter_run(&f, 11000, 0, &o), 0);
	ck_assert_int_eq(o.disp, d2 / 2 + (d1 + SEL_PHI * 10) / 4);
	/* capped at SEL_MAXDISP per sample after a very long time */
	ck_assert_int_eq(filter_run(&f, INT64_MAX, 0, &o), 0);
	ck_assert_int_eq(o.disp, SEL_MAXDISP / 2 + SEL_MAXDISP / 4);
	/* a far past sample: no overflow in now - mono */
	filter_clear(&f);
	add(&f, fs(0, MS(1), 0, INT64_MIN));
	ck_assert_int_eq(filter_run(&f, INT64_MAX, 0, &o), 0);
	ck_assert_int_eq(o.disp, SEL_MAXDISP / 2);
}
END_TEST

START_TEST(filter_ring_of_8)
{
	struct filter f;
	struct filt_out o;
	int i;

	filter_clear(&f);
	add(&f, fs(MS(100), MS(1), 0, 0));     /* the best, and the oldest */
	for (i = 1; i < FILT_N; i++)
		add(&f, fs(MS(i), MS(10 + i), 0, i));
	ck_assert_int_eq(filter_run(&f, 10, 0, &o), 0);
	ck_assert_int_eq(o.n, FILT_N);
	ck_assert_int_eq(o.best.offset, MS(100));
	add(&f, fs(MS(50), MS(30), 0, 9));     /* pushes the oldest out */
	ck_assert_int_eq(filter_run(&f, 10, 0, &o), 0);
	ck_assert_int_eq(o.n, FILT_N);
	ck_assert_int_eq(o.best.delay, MS(11));
	ck_assert_int_eq(o.best.offset, MS(1));
}
END_TEST

/* offsets in different eras are far apart, not equal: the difference
 * is clamped to 1000 s and squared without overflow */
START_TEST(filter_era)
{
	struct filter f;
	struct filt_out o;
	struct fsample s = fs(0, MS(2), 0, 0);

	filter_clear(&f);
	add(&f, fs(0, MS(1), 0, 0));
	s.era = NTP_ERA;
	filter_add(&f, &s);
	ck_assert_int_eq(filter_run(&f, 0, 0, &o), 0);
	ck_assert_int_eq(o.best.era, 0);
	ck_assert_int_eq(o.jitter, S(1000));
	s.era = -NTP_ERA;
	filter_add(&f, &s);
	s.offset = INT64_MAX;
	s.era = 0;
	filter_add(&f, &s);
	ck_assert_int_eq(filter_run(&f, 0, 0, &o), 0);
	ck_assert_int_eq(o.jitter, S(1000));
	/* best one era behind, another one ahead: the widest difference
	 * (it overflowed before the operands were capped at 2^29 s) */
	filter_clear(&f);
	s = fs(0, MS(1), 0, 0);
	s.era = -NTP_ERA;
	filter_add(&f, &s);
	s = fs(0, MS(2), 0, 0);
	s.era = NTP_ERA;
	filter_add(&f, &s);
	ck_assert_int_eq(filter_run(&f, 0, 0, &o), 0);
	ck_assert_int_eq(o.best.era, -NTP_ERA);
	ck_assert_int_eq(o.jitter, S(1000));
}
END_TEST

START_TEST(sample_disp_formula)
{
	/* 2^-20 s + 2^-10 s + 15 ppm of 1 s */
	ck_assert_int_eq(sample_disp(-20, -10, S(1)), (1 << 12) + (1 << 22) + SEL_PHI);
	ck_assert_int_eq(sample_disp(-20, -20, -S(1)), 2 << 12);      /* negative delay: 0 */
	ck_assert_int_eq(sample_disp(5, -40, 0), S(1) + 1);           /* clamped */
	ck_assert_int_eq(sample_disp(0, 0, S(1000)), S(2) + SEL_PHI * 1000);
}
END_TEST

START_TEST(root_dist_formula)
{
	struct filt_out o;

	memset(&o, 0, sizeof o);
	o.best.delay = MS(100);
	o.disp = MS(3);
	o.jitter = MS(2);
	/* rootdelay 0.5 s, rootdisp 0.25 s: (0.5 + 0.1) / 2 + 0.25 + 0.003 + 0.002 */
	ck_assert_int_eq(root_dist(0x8000, 0x4000, &o),
	                 (S(1) / 2 + MS(100)) / 2 + S(1) / 4 + MS(3) + MS(2));
	/* below SEL_MINDISP the delays count as 10 ms */
	o.best.delay = MS(1);
	ck_assert_int_eq(root_dist(0, 0, &o), SEL_MINDISP / 2 + MS(3) + MS(2));
	/* nonsense values stay bounded */
	o.best.delay = INT64_MAX;
	o.disp = INT64_MAX;
	o.jitter = INT64_MAX;
	ck_assert_int_gt(root_dist(0xffffffffu, 0xffffffffu, &o), 0);
}
END_TEST

Suite *sntp_select_suite(void)
{
	Suite *s = suite_create("sntp_select");
	TCase *tc = tcase_create("select");
	TCase *tf = tcase_create("filter");

	tcase_add_loop_test(tc, select_table, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, select_interval);
	tcase_add_test(tc, tally_chars);
	tcase_add_test(tc, hysteresis_no_flap);
	tcase_add_test(tc, hysteresis_falseticker);
	suite_add_tcase(s, tc);
	tcase_add_test(tf, filter_lowest_delay);
	tcase_add_test(tf, filter_jitter_rms);
	tcase_add_test(tf, filter_disp_aging);
	tcase_add_test(tf, filter_ring_of_8);
	tcase_add_test(tf, filter_era);
	tcase_add_test(tf, sample_disp_formula);
	tcase_add_test(tf, root_dist_formula);
	suite_add_tcase(s, tf);
	return s;
}
