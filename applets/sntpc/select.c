/* select.c - choosing among several servers as RFC 5905 section 11.2
 * does: the intersection algorithm (falsetickers), the cluster step
 * (outliers) and the system peer with hysteresis. The rules are spelled
 * out in select.h above sel_run. Pure functions, integers only. */
#include <string.h>
#include "select.h"

#define OFF_CAP ((ntp_fix)1 << 62)      /* +-2^30 s: offset +- dist fits */
#define STRAT_CAP 16u

/* ---- RFC 5905 selection ---- */

/* while sel_run works, SEL_FALSE marks a candidate in play (usable and
 * near enough), SEL_CAND a truechimer, until the final marks */
static ntp_fix off(const struct cand *c)
{
	return c->offset > OFF_CAP ? OFF_CAP : c->offset < -OFF_CAP ? -OFF_CAP : c->offset;
}

static ntp_fix dist(const struct cand *c)
{
	return c->dist < 0 ? 0 : c->dist;
}

/* the chime count of the upward scan at its last lower endpoint at x:
 * lower endpoints <= x less upper endpoints < x */
static int count_up(const struct cand *c, int n, ntp_fix x)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (c[i].why == SEL_FALSE)
			k += (off(&c[i]) - dist(&c[i]) <= x) - (off(&c[i]) + dist(&c[i]) < x);
	return k;
}

/* the same downwards at upper endpoint y */
static int count_down(const struct cand *c, int n, ntp_fix y)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (c[i].why == SEL_FALSE)
			k += (off(&c[i]) + dist(&c[i]) >= y) - (off(&c[i]) - dist(&c[i]) > y);
	return k;
}

/* midpoints outside [l, u]: those the two scans pass before stopping */
static int outside(const struct cand *c, int n, ntp_fix l, ntp_fix u)
{
	int i, d = 0;

	for (i = 0; i < n; i++)
		if (c[i].why == SEL_FALSE)
			d += off(&c[i]) < l || off(&c[i]) > u;
	return d;
}

/* one try of the intersection with f falsetickers allowed (steps 3-5):
 * the scans of RFC 5905 11.2.1 over endpoints sorted lower, middle, upper
 * on equal values. The upward scan stops at the first lower endpoint
 * where the count reaches m - f, the downward one likewise. */
static int try_f(const struct cand *c, int n, int m, int f, ntp_fix *lo, ntp_fix *hi)
{
	int i, okl = 0, oku = 0;
	ntp_fix l = 0, u = 0;

	for (i = 0; i < n; i++) {
		ntp_fix x = off(&c[i]) - dist(&c[i]), y = off(&c[i]) + dist(&c[i]);

		if (c[i].why != SEL_FALSE)
			continue;
		if ((!okl || x < l) && count_up(c, n, x) >= m - f)
			l = x, okl = 1;
		if ((!oku || y > u) && count_down(c, n, y) >= m - f)
			u = y, oku = 1;
	}
	if (!okl || !oku || l >= u || outside(c, n, l, u) > f)
		return -1;
	*lo = l;
	*hi = u;
	return 0;
}

static int intersect(const struct cand *c, int n, int m, ntp_fix *lo, ntp_fix *hi)
{
	int f, i;

	if (m == 1) {                   /* alone: nobody disagrees */
		for (i = 0; c[i].why != SEL_FALSE; i++)
			;
		*lo = off(&c[i]) - dist(&c[i]);
		*hi = off(&c[i]) + dist(&c[i]);
		return 0;
	}
	for (f = 0; 2 * f < m; f++)
		if (!try_f(c, n, m, f, lo, hi))
			return 0;
	return -1;
}

static ntp_fix merit(const struct cand *c)
{
	unsigned s = c->stratum > STRAT_CAP ? STRAT_CAP : c->stratum;

	return (ntp_fix)s * SEL_MAXDIST + dist(c);
}

/* the truechimers' indices in merit order into v; their number */
static int by_merit(const struct cand *c, int n, int *v)
{
	int i, j, k = 0;

	for (i = 0; i < n; i++) {
		if (c[i].why != SEL_CAND)
			continue;
		for (j = k++; j > 0 && merit(&c[v[j - 1]]) > merit(&c[i]); j--)
			v[j] = v[j - 1];
		v[j] = i;
	}
	return k;
}

/* the selection jitter of v[i] among the k in v */
static ntp_fix sel_jitter(const struct cand *c, const int *v, int k, int i)
{
	uint64_t sum = 0;
	int j;

	for (j = 0; j < k; j++)
		if (j != i)
			sel_sq(&sum, off(&c[v[i]]), off(&c[v[j]]));
	return sel_rms(sum, k - 1);
}

/* the cluster step: drop outliers while more than SEL_NMIN remain;
 * returns how many remain in v (still in merit order) */
static int cluster(struct cand *c, int *v, int k)
{
	while (k > SEL_NMIN) {
		ntp_fix max = -1, min = INT64_MAX;
		int i, imax = 0;

		for (i = 0; i < k; i++) {
			ntp_fix sj = sel_jitter(c, v, k, i);

			if (sj >= max)
				max = sj, imax = i;
			if (c[v[i]].jitter < min)
				min = c[v[i]].jitter;
		}
		if (max < min)
			break;
		c[v[imax]].why = SEL_OUTLIER;
		memmove(&v[imax], &v[imax + 1], (size_t)(k - imax - 1) * sizeof *v);
		k--;
	}
	return k;
}

/* hysteresis: prev (a survivor) stays unless clearly worse than best */
static int keep_prev(const struct cand *p, const struct cand *best)
{
	return p->stratum == best->stratum && dist(p) <= 2 * dist(best) + SEL_MINDISP;
}

static int pick(struct cand *c, int n, const int *v, int k, int prev)
{
	int i, sys = v[0], used = 1;

	if (prev >= 0 && prev < n && c[prev].why == SEL_CAND && keep_prev(&c[prev], &c[sys]))
		sys = prev;
	c[sys].why = SEL_SYS;
	for (i = 0; i < k; i++) {
		if (v[i] == sys)
			continue;
		c[v[i]].why = used < SEL_NMAX ? SEL_CAND : SEL_BACKUP;
		used++;
	}
	return sys;
}

/* first marks: SEL_NONE, SEL_FAR, or in play (SEL_FALSE); returns how
 * many are in play */
static int triage(struct cand *c, int n)
{
	int i, m = 0;

	for (i = 0; i < n; i++) {
		if (!c[i].usable || i >= SEL_MAX)
			c[i].why = SEL_NONE;
		else if (c[i].dist > SEL_MAXDIST)
			c[i].why = SEL_FAR;
		else
			c[i].why = SEL_FALSE, m++;
	}
	return m;
}

/* The truechimers must agree with each other, not only have their
 * offsets in [low, high]: one wide interval can bridge two groups that
 * share no point (RFC 5905's midpoint test lets both in, and a liar with
 * a small root distance would then win on merit). Keep those whose
 * intervals hold the point most of them share; when two different groups
 * tie for it nobody can tell which is right. The count kept, or -1 when
 * that is no majority of the m in play or a tie. */
static int agree(struct cand *c, int n, int m)
{
	uint64_t best = 0, set;
	int i, j, cnt, bestn = 0, tie = 0;

	for (j = 0; j < n; j++) {
		ntp_fix x = off(&c[j]) - dist(&c[j]);

		if (c[j].why != SEL_CAND)
			continue;
		for (i = 0, set = 0, cnt = 0; i < n; i++)
			if (c[i].why == SEL_CAND && off(&c[i]) - dist(&c[i]) <= x &&
			    x <= off(&c[i]) + dist(&c[i]))
				set |= (uint64_t)1 << i, cnt++;
		if (cnt > bestn)
			bestn = cnt, best = set, tie = 0;
		else if (cnt == bestn && set != best)
			tie = 1;
	}
	if (tie || 2 * bestn <= m)
		return -1;
	for (i = 0; i < n; i++)
		if (c[i].why == SEL_CAND && !(best >> i & 1))
			c[i].why = SEL_FALSE;
	return bestn;
}

static int no_majority(struct cand *c, int n, struct sel_out *o)
{
	int i;

	for (i = 0; i < n; i++)
		if (c[i].why == SEL_FALSE || c[i].why == SEL_CAND)
			c[i].why = SEL_NOMAJ;
	o->ntrue = 0;
	return -1;
}

int sel_run(struct cand *c, int n, int prev, struct sel_out *o)
{
	int v[SEL_MAX], i, k;

	memset(o, 0, sizeof *o);
	o->sys = -1;
	o->nusable = triage(c, n);
	if (o->nusable == 0)
		return -1;
	if (intersect(c, n, o->nusable, &o->low, &o->high) < 0)
		return no_majority(c, n, o);
	for (i = 0; i < n; i++)
		if (c[i].why == SEL_FALSE && off(&c[i]) >= o->low && off(&c[i]) <= o->high)
			c[i].why = SEL_CAND;
	if ((o->ntrue = agree(c, n, o->nusable)) < 0)
		return no_majority(c, n, o);
	k = by_merit(c, n, v);
	k = cluster(c, v, k);
	o->nkept = k;
	if (k <= 0)                     /* cannot be: ntrue >= nusable - f >= 1 */
		return -1;
	o->sys = pick(c, n, v, k, prev);
	return o->sys;
}

#define STR_(x) #x
#define STR(x) STR_(x)

static const struct {
	char tally;
	const char *str;
} whys[] = {
	[SEL_NONE] = { ' ', "no usable reply" },
	[SEL_FAR] = { ' ', "root distance above 1.5 s" },
	[SEL_NOMAJ] = { 'x', "no majority" },
	[SEL_FALSE] = { 'x', "falseticker" },
	[SEL_OUTLIER] = { '-', "outlier (cluster step)" },
	[SEL_BACKUP] = { '#', "backup (beyond the " STR(SEL_NMAX) " used)" },
	[SEL_CAND] = { '+', "candidate" },
	[SEL_SYS] = { '*', "system peer" },
};

char sel_tally(enum sel_why why)
{
	return (unsigned)why < sizeof whys / sizeof whys[0] ? whys[why].tally : ' ';
}

const char *sel_why_str(enum sel_why why)
{
	return (unsigned)why < sizeof whys / sizeof whys[0] ? whys[why].str : "?";
}
