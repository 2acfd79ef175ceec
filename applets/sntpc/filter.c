/* filter.c - the clock filter of RFC 5905 section 10 (per server: the
 * lowest-delay sample of the last FILT_N, its dispersion and jitter), the
 * sample dispersion and the root distance. Integers only: 32.32 fixed
 * point, jitter through an integer square root on microseconds. */
#include <string.h>
#include "select.h"

#define CLAMP_US 1000000000LL           /* differences beyond 1000 s count as 1000 s */
#define FIX_CAP ((ntp_fix)1 << 61)      /* +-2^29 s: keeps a - b in range */
#define AGE_CAP ((int64_t)1 << 40)      /* ms (35 years): PHI * age fits */
#define TERM_CAP ((ntp_fix)1 << 48)     /* 2^16 s: root_dist terms */

static ntp_fix clamp(ntp_fix v, ntp_fix lo, ntp_fix hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t isqrt(uint64_t v)
{
	uint64_t r = 0, bit = (uint64_t)1 << 62;

	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

void sel_sq(uint64_t *sum, ntp_fix a, ntp_fix b)
{
	int64_t us = ntp_fix_us(clamp(a, -FIX_CAP, FIX_CAP) - clamp(b, -FIX_CAP, FIX_CAP));
	uint64_t sq;

	us = clamp(us, -CLAMP_US, CLAMP_US);
	sq = (uint64_t)(us * us);       /* <= 10^18 */
	*sum = *sum > UINT64_MAX - sq ? UINT64_MAX : *sum + sq;
}

ntp_fix sel_rms(uint64_t sum, int k)
{
	return ntp_fix_from_ns((int64_t)isqrt(sum / (uint64_t)(k > 0 ? k : 1)) * 1000);
}

/* PHI * d for d >= 0 without overflow */
static ntp_fix phi_mul(ntp_fix d)
{
	return d / NTP_FIX_ONE * SEL_PHI + d % NTP_FIX_ONE * SEL_PHI / NTP_FIX_ONE;
}

void filter_clear(struct filter *f)
{
	memset(f, 0, sizeof *f);
}

void filter_add(struct filter *f, const struct fsample *s)
{
	if (f->head < 0 || f->head >= FILT_N)
		f->head = 0;
	f->s[f->head] = *s;
	f->head = (f->head + 1) % FILT_N;
	if (f->n < FILT_N)
		f->n = f->n < 0 ? 1 : f->n + 1;
}

/* the held samples, newest first, then sorted by delay (stable: the
 * newer first on equal delays) */
static int sorted(const struct filter *f, const struct fsample *v[FILT_N])
{
	int n = f->n > FILT_N ? FILT_N : f->n, head = f->head, i, j;

	if (head < 0 || head >= FILT_N)
		head = 0;
	for (i = 0; i < n; i++) {
		const struct fsample *s = &f->s[(head + FILT_N - 1 - i) % FILT_N];

		for (j = i; j > 0 && v[j - 1]->delay > s->delay; j--)
			v[j] = v[j - 1];
		v[j] = s;
	}
	return n;
}

/* a sample's dispersion aged to now, capped at SEL_MAXDISP */
static ntp_fix aged(const struct fsample *s, int64_t now_ms)
{
	int64_t age;
	ntp_fix grow;

	if (now_ms <= s->mono_ms)
		age = 0;
	else if (s->mono_ms < 0 && now_ms > INT64_MAX + s->mono_ms)
		age = AGE_CAP;                  /* now - mono would overflow */
	else
		age = now_ms - s->mono_ms;
	if (age > AGE_CAP)
		age = AGE_CAP;
	grow = SEL_PHI * age / 1000;
	return clamp(clamp(s->disp, 0, SEL_MAXDISP) + grow, 0, SEL_MAXDISP);
}

int filter_run(const struct filter *f, int64_t now_ms, ntp_fix prec, struct filt_out *o)
{
	const struct fsample *v[FILT_N];
	ntp_fix best;
	uint64_t sum = 0;
	int n = sorted(f, v), i;

	memset(o, 0, sizeof *o);
	if (n <= 0)
		return -1;
	o->best = *v[0];
	o->n = n;
	best = ntp_fix_sat(v[0]->offset, v[0]->era);
	for (i = 0; i < n; i++) {
		o->disp += aged(v[i], now_ms) >> (i + 1);
		if (i > 0)
			sel_sq(&sum, ntp_fix_sat(v[i]->offset, v[i]->era), best);
	}
	o->jitter = n > 1 ? sel_rms(sum, n - 1) : 0;
	if (o->jitter < prec)
		o->jitter = prec;
	return 0;
}

static ntp_fix prec_fix(int p)
{
	p = p > 0 ? 0 : p < -32 ? -32 : p;
	return NTP_FIX_ONE >> -p;
}

ntp_fix sample_disp(int server_prec, int client_prec, ntp_fix delay)
{
	return prec_fix(server_prec) + prec_fix(client_prec) + phi_mul(delay < 0 ? 0 : delay);
}

ntp_fix root_dist(uint32_t rootdelay, uint32_t rootdisp, const struct filt_out *o)
{
	ntp_fix d = ntp_short_fix(rootdelay) + clamp(o->best.delay, 0, SEL_MAXDISP);

	if (d < SEL_MINDISP)
		d = SEL_MINDISP;
	return d / 2 + ntp_short_fix(rootdisp) + clamp(o->disp, 0, TERM_CAP) +
	       clamp(o->jitter, 0, TERM_CAP);
}
