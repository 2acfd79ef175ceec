/* select_stub.c - TEMPORARY stand-in for filter.c/select.c's new
 * functions (being written on branch sel); deleted at its merge. */
#include <string.h>
#include "select.h"

void filter_clear(struct filter *f) { memset(f, 0, sizeof *f); }
void filter_add(struct filter *f, const struct fsample *s)
{
	f->s[f->head] = *s;
	f->head = (f->head + 1) % FILT_N;
	if (f->n < FILT_N)
		f->n++;
}
int filter_run(const struct filter *f, int64_t now_ms, ntp_fix prec, struct filt_out *o)
{
	int i, b = 0;
	(void)now_ms;
	if (!f->n)
		return -1;
	for (i = 1; i < f->n; i++)
		if (f->s[i].delay < f->s[b].delay)
			b = i;
	o->best = f->s[b];
	o->disp = f->s[b].disp;
	o->jitter = prec;
	o->n = f->n;
	return 0;
}
ntp_fix sample_disp(int sp, int cp, ntp_fix delay)
{
	(void)sp; (void)cp;
	return delay / 66667;
}
ntp_fix root_dist(uint32_t rd, uint32_t rs, const struct filt_out *o)
{
	return (ntp_short_fix(rd) + o->best.delay) / 2 + ntp_short_fix(rs) + o->disp + o->jitter;
}
int sel_run(struct cand *c, int n, int prev, struct sel_out *o)
{
	int i;
	(void)prev;
	memset(o, 0, sizeof *o);
	o->sys = -1;
	for (i = 0; i < n; i++) {
		c[i].why = c[i].usable ? SEL_CAND : SEL_NONE;
		if (!c[i].usable)
			continue;
		o->nusable++;
		if (o->sys < 0 || c[i].dist < c[o->sys].dist)
			o->sys = i;
	}
	if (o->sys >= 0)
		c[o->sys].why = SEL_SYS;
	o->ntrue = o->nkept = o->nusable;
	return o->sys;
}
/* the marks and words as select.c has them (so output.c can be tested) */
char sel_tally(enum sel_why w) { return (unsigned)w > SEL_SYS ? ' ' : " xx-#+*"[w ? w - 1 : 0]; }
const char *sel_why_str(enum sel_why w)
{
	static const char *const s[] = { "no usable reply", "root distance above 1.5 s",
		"no majority", "falseticker", "outlier (cluster step)", "backup (beyond the 6 used)",
		"candidate", "system peer" };
	return (unsigned)w > SEL_SYS ? "?" : s[w];
}
