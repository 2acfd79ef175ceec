/* fuzz_sntp_select.c - RFC 5905 selection (applets/sntpc/select.h) on
 * any candidate set and any clock filter.
 * Input: byte 0 the number of candidates (mod 17), byte 1 prev (mod 18,
 * less 1), then 7 bytes per candidate: flags (bit 0 usable, bits 1-2 an
 * era-saturated or huge offset, bit 3 a distance 8 times larger, bit 4 a
 * negative one), offset (int16, ~1 ms units), distance (uint16, ~7.6 us
 * units), jitter, stratum. The rest feeds a clock filter: byte 0 the
 * precision floor, byte 1 how far "now" lies after the last sample, then
 * 6 bytes per sample: offset, delay (int16 each), dispersion, era, age.
 * Properties: a system peer only with a strict majority of truechimers
 * among the usable ones, its offset in [low, high], the counts agree with
 * the marks, prev fed back keeps the system peer; the filter's best has
 * the lowest delay, its jitter is at least prec, its dispersion bounded.
 * sel_run's interval is the one RFC 5905 A.5.5.1's loops find over a
 * sorted tuple list (a reference copy below). Overflow is caught by UBSan. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "applets/sntpc/select.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCAND 16
#define CAP ((ntp_fix)1 << 62)

static int16_t get16(const uint8_t *b)
{
	return (int16_t)(uint16_t)(b[0] << 8 | b[1]);
}

static size_t load(const uint8_t *d, size_t size, struct cand *c, int *n)
{
	size_t at = 2;
	int i;

	*n = size > 0 ? d[0] % (NCAND + 1) : 0;
	for (i = 0; i < *n; i++, at += 7) {
		const uint8_t *b = d + at;

		memset(&c[i], 0, sizeof c[i]);
		if (at + 7 > size) {
			/* past the input: not usable, a stale mark left in */
			c[i].why = (enum sel_why)(at - 1 < size ? d[at - 1] : 0);
			continue;
		}
		c[i].usable = b[0] & 1;
		c[i].offset = (ntp_fix)get16(b + 1) * (1 << 22);
		switch (b[0] >> 1 & 3) {
		case 1: c[i].offset = INT64_MAX; break;
		case 2: c[i].offset = -INT64_MAX; break;
		case 3: c[i].offset *= 1 << 18; break;
		}
		c[i].dist = (ntp_fix)(uint16_t)get16(b + 3) << 15;
		if (b[0] & 8)
			c[i].dist <<= 3;
		if (b[0] & 16)
			c[i].dist = -c[i].dist;
		c[i].jitter = (ntp_fix)b[5] << 20;
		c[i].stratum = b[6] % 18;
		c[i].why = (enum sel_why)(b[0] >> 5);
	}
	return at < size ? at : size;
}

static ntp_fix capped(ntp_fix v)
{
	return v > CAP ? CAP : v < -CAP ? -CAP : v;
}

/* the truechimers' intervals share a point: no wide interval bridges
 * two groups that disagree */
static void common_point(const struct cand *c, int n)
{
	ntp_fix lo = INT64_MIN, hi = INT64_MAX;
	int i;

	for (i = 0; i < n; i++) {
		ntp_fix d = c[i].dist < 0 ? 0 : c[i].dist;
		if (c[i].why < SEL_OUTLIER)
			continue;
		if (capped(c[i].offset) - d > lo)
			lo = capped(c[i].offset) - d;
		if (capped(c[i].offset) + d < hi)
			hi = capped(c[i].offset) + d;
	}
	if (lo > hi)
		abort();
}

static void check_marks(const struct cand *c, int n, int r, const struct sel_out *o)
{
	int i, k[SEL_SYS + 1] = { 0 }, usable = 0;

	for (i = 0; i < n; i++) {
		if ((unsigned)c[i].why > SEL_SYS)
			abort();
		k[c[i].why]++;
		if ((c[i].why == SEL_NONE) != !c[i].usable)
			abort();
		if (c[i].usable && (c[i].why == SEL_FAR) != (c[i].dist > SEL_MAXDIST))
			abort();
		usable += c[i].usable && c[i].dist <= SEL_MAXDIST;
	}
	if (o->sys != r || o->nusable != usable)
		abort();
	if (o->nkept != k[SEL_SYS] + k[SEL_CAND] + k[SEL_BACKUP] || o->ntrue < o->nkept ||
	    o->ntrue != o->nkept + k[SEL_OUTLIER])
		abort();
	if (k[SEL_SYS] + k[SEL_CAND] > SEL_NMAX || (k[SEL_BACKUP] && k[SEL_SYS] + k[SEL_CAND] != SEL_NMAX))
		abort();
	if (o->nkept < (o->ntrue < SEL_NMIN ? o->ntrue : SEL_NMIN))
		abort();
	if (r < 0) {
		/* nothing kept, nobody blamed alone: no majority or no one usable */
		if (o->ntrue || k[SEL_FALSE] || k[SEL_SYS] || k[SEL_NOMAJ] != usable || usable == 1)
			abort();
		return;
	}
	if (r >= n || c[r].why != SEL_SYS || k[SEL_SYS] != 1 || k[SEL_NOMAJ])
		abort();
	if (2 * o->ntrue <= o->nusable)         /* a minority is never followed */
		abort();
	if (capped(c[r].offset) < o->low || capped(c[r].offset) > o->high)
		abort();
	for (i = 0; i < n; i++)                 /* every truechimer's offset inside */
		if (c[i].why >= SEL_OUTLIER && (capped(c[i].offset) < o->low || capped(c[i].offset) > o->high))
			abort();
	common_point(c, n);
}

/* RFC 5905 A.5.5.1's loops as written, over a sorted tuple list (lower
 * -1, middle 0, upper +1; on equal edges in that order): 0 with [l, u],
 * or -1 (no majority) */
struct tuple {
	ntp_fix edge;
	int type;
};

static int ref_intersect(const struct cand *c, int n, ntp_fix *lo, ntp_fix *hi)
{
	struct tuple t[3 * NCAND], x;
	int m = 0, k = 0, i, j, f, d, chime;

	for (i = 0; i < n; i++) {
		ntp_fix dd = c[i].dist < 0 ? 0 : c[i].dist;

		if (!c[i].usable || c[i].dist > SEL_MAXDIST)
			continue;
		m++;
		for (j = -1; j <= 1; j++) {
			x.edge = capped(c[i].offset) + j * dd;
			x.type = j;
			for (k = 3 * (m - 1) + j + 1; k > 0 && (t[k - 1].edge > x.edge ||
			     (t[k - 1].edge == x.edge && t[k - 1].type > x.type)); k--)
				t[k] = t[k - 1];
			t[k] = x;
		}
	}
	if (m == 1) {
		*lo = t[0].edge;
		*hi = t[2].edge;
		return 0;
	}
	for (f = 0; 2 * f < m; f++) {
		d = 0;
		for (chime = 0, i = 0; i < 3 * m; i++) {
			chime -= t[i].type;
			if (chime >= m - f)
				break;
			d += t[i].type == 0;
		}
		if (i == 3 * m)
			continue;
		*lo = t[i].edge;
		for (chime = 0, i = 3 * m - 1; i >= 0; i--) {
			chime += t[i].type;
			if (chime >= m - f)
				break;
			d += t[i].type == 0;
		}
		if (i < 0)
			continue;
		*hi = t[i].edge;
		if (d <= f && *lo < *hi)
			return 0;
	}
	return -1;
}

static void fuzz_select(const uint8_t *d, size_t size, size_t *used)
{
	struct cand c[NCAND], again[NCAND];
	struct sel_out o, o2;
	int n, r, prev = size > 1 ? d[1] % (NCAND + 2) - 1 : -1, i;

	*used = load(d, size, c, &n);
	r = sel_run(c, n, prev, &o);
	check_marks(c, n, r, &o);
	if (o.nusable > 0) {            /* the same interval as the RFC's loops */
		ntp_fix lo = 0, hi = 0;

		/* the RFC's interval; sel_run may still refuse it when the
		 * truechimers share no point (agree()), never the other way */
		if ((ref_intersect(c, n, &lo, &hi) < 0 && r >= 0) ||
		    (r >= 0 && (lo != o.low || hi != o.high)))
			abort();
	}
	if (r < 0)
		return;
	/* the system peer fed back as prev stays */
	memcpy(again, c, sizeof c);
	if (sel_run(again, n, r, &o2) != r || o2.ntrue != o.ntrue || o2.nkept != o.nkept)
		abort();
	for (i = 0; i < n; i++)
		if (sel_tally(c[i].why) == '?' || !sel_why_str(c[i].why)[0])
			abort();
}

static void fuzz_filter(const uint8_t *d, size_t size)
{
	struct filter f;
	struct filt_out o;
	struct fsample s;
	ntp_fix prec, min = INT64_MAX;
	int64_t mono = 0;
	int k = 0, i;
	size_t at;

	if (size < 2)
		return;
	filter_clear(&f);
	prec = (ntp_fix)NTP_FIX_ONE >> (d[0] % 40);
	for (at = 2; at + 6 <= size && k < 3 * FILT_N; at += 6, k++) {
		memset(&s, 0, sizeof s);
		s.offset = (ntp_fix)get16(d + at) * (1 << 20);
		s.delay = (ntp_fix)get16(d + at + 2) * (1 << 16);
		s.disp = sample_disp(-(int8_t)d[at + 4] / 4, -20, s.delay);
		s.era = d[at + 5] % 3 == 1 ? NTP_ERA : d[at + 5] % 3 == 2 ? -NTP_ERA : 0;
		mono += d[at + 5] * 997;
		s.mono_ms = mono;
		filter_add(&f, &s);
	}
	if (filter_run(&f, mono + (int64_t)d[1] * 100000, prec, &o) < 0) {
		if (k)
			abort();
		return;
	}
	if (o.n != (k < FILT_N ? k : FILT_N) || f.n != o.n)
		abort();
	for (i = 0; i < FILT_N && i < k; i++)   /* the held ones: the last FILT_N */
		if (f.s[i].delay < min)
			min = f.s[i].delay;
	if (o.best.delay != min || o.jitter < prec || o.disp < 0 || o.disp > SEL_MAXDISP)
		abort();
	if (root_dist(0xffffffffu, 0xffffffffu, &o) <= 0 || root_dist(0, 0, &o) < SEL_MINDISP / 2)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t used;

	fuzz_select(data, size, &used);
	fuzz_filter(data + used, size - used);
	return 0;
}
