/* servers.c - from the servers' samples to the system peer: the clock
 * filter of each, then the selection (select.h) over all of them.
 *
 * The selection compares offsets relative to the median server's: a
 * router at 1970 sees offsets of decades (beyond ntp_fix's 68 years
 * with an era), which the selection's +-2^30 s range would clamp into
 * one value, making every server "agree". Relative to one of them, the
 * servers differ by what they really disagree on. */
#include "sntpc.h"

#define REL_CAP_SEC ((int64_t)1 << 30)  /* select.c's range: +-2^30 s */
#define REACH_RECENT 0x0fu              /* a reply to one of the last 4 polls */

/* the precision floor of a server's jitter: its precision and ours */
static ntp_fix prec_floor(const struct server *s)
{
	return sample_disp(s->pkt.precision, -20, 0);
}

static void server_filter(struct server *s, int64_t now_ms, struct cand *c)
{
	struct filt_out fo;

	/* RFC 5905's fit(): a server silent for its last REACH_RECENT polls
	 * is not selectable, however good its old samples (they age by only
	 * 15 ppm): so the daemon declares itself unsynchronised in an outage */
	c->usable = s->usable = s->used && (s->reach & REACH_RECENT) &&
	                        filter_run(&s->filt, now_ms, prec_floor(s), &fo) == 0;
	if (!s->usable)
		return;
	s->best.offset = fo.best.offset;
	s->best.delay = fo.best.delay;
	s->best.era = fo.best.era;
	s->best.t4 = fo.best.t4;
	s->best.pkt = s->pkt;
	s->jitter = fo.jitter;
	s->disp = fo.disp;
	s->dist = root_dist(s->pkt.rootdelay, s->pkt.rootdisp, &fo);
	c->dist = s->dist;
	c->jitter = fo.jitter;
	c->stratum = s->pkt.stratum;
}

/* the offset as whole seconds (floor, era included) and 2^-32 s */
static int64_t off_frac(const struct sample *b)
{
	return (int64_t)((uint64_t)b->offset & 0xffffffffu);
}

static int64_t off_sec(const struct sample *b)
{
	return b->era + (b->offset - off_frac(b)) / NTP_FIX_ONE;
}

static int later(const struct sample *a, const struct sample *b)
{
	if (off_sec(a) != off_sec(b))
		return off_sec(a) > off_sec(b);
	return off_frac(a) > off_frac(b);
}

/* a - b as ntp_fix, saturated to the selection's range */
static ntp_fix rel(const struct sample *a, const struct sample *b)
{
	int64_t sec = off_sec(a) - off_sec(b);
	int64_t frac = off_frac(a) - off_frac(b);

	if (sec >= REL_CAP_SEC)
		return (ntp_fix)REL_CAP_SEC << 32;
	if (sec <= -REL_CAP_SEC)
		return -((ntp_fix)REL_CAP_SEC << 32);
	return sec * NTP_FIX_ONE + frac;
}

/* the usable server whose offset is the median; -1 if none */
static int median(const struct server *srv, int n)
{
	int v[SNTPC_MAX_SERVERS], i, j, k = 0;

	for (i = 0; i < n; i++) {
		if (!srv[i].usable)
			continue;
		for (j = k++; j > 0 && later(&srv[v[j - 1]].best, &srv[i].best); j--)
			v[j] = v[j - 1];
		v[j] = i;
	}
	return k ? v[k / 2] : -1;
}

static ntp_fix sat_add(ntp_fix a, ntp_fix b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

int select_servers(struct server *srv, int n, int prev, int64_t now_ms, struct sel_out *o)
{
	struct cand c[SNTPC_MAX_SERVERS];
	int i, m;
	ntp_fix ref;

	if (n > SNTPC_MAX_SERVERS)
		n = SNTPC_MAX_SERVERS;
	for (i = 0; i < n; i++)
		server_filter(&srv[i], now_ms, &c[i]);
	m = median(srv, n);
	for (i = 0; i < n; i++)
		if (c[i].usable)
			c[i].offset = rel(&srv[i].best, &srv[m].best);
	sel_run(c, n, prev, o);
	for (i = 0; i < n; i++)
		srv[i].why = c[i].why;
	/* the interval back in offsets, for -v (saturated past 68 years) */
	ref = m >= 0 ? ntp_fix_sat(srv[m].best.offset, srv[m].best.era) : 0;
	o->low = sat_add(o->low, ref);
	o->high = sat_add(o->high, ref);
	return o->sys;
}
