/* servers.c - from the servers' samples to the system peer: the clock
 * filter of each, then the selection (select.h) over all of them. */
#include "sntpc.h"

/* the precision floor of a server's jitter: its precision and ours */
static ntp_fix prec_floor(const struct server *s)
{
	return sample_disp(s->pkt.precision, -20, 0);
}

static void server_filter(struct server *s, int64_t now_ms, struct cand *c)
{
	struct filt_out fo;

	c->usable = s->usable = s->used && filter_run(&s->filt, now_ms, prec_floor(s), &fo) == 0;
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
	c->offset = ntp_fix_sat(fo.best.offset, fo.best.era);
	c->dist = s->dist;
	c->jitter = fo.jitter;
	c->stratum = s->pkt.stratum;
}

int select_servers(struct server *srv, int n, int prev, int64_t now_ms, struct sel_out *o)
{
	struct cand c[SNTPC_MAX_SERVERS];
	int i;

	if (n > SNTPC_MAX_SERVERS)
		n = SNTPC_MAX_SERVERS;
	for (i = 0; i < n; i++)
		server_filter(&srv[i], now_ms, &c[i]);
	sel_run(c, n, prev, o);
	for (i = 0; i < n; i++)
		srv[i].why = c[i].why;
	return o->sys;
}
