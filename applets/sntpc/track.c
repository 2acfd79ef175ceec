/* track.c - what sntpc -d knows of each server and name between polls:
 * state changes logged once, a silent server's backoff, re-resolution. */
#define _DEFAULT_SOURCE
#include <string.h>
#include <syslog.h>
#include "daemon.h"
#include "util.h"

/* a slot whose address changed (re-resolution) starts afresh */
static void sync_slots(struct dstate *d)
{
	int i;

	for (i = 0; i < d->o->q.n; i++) {
		const struct server *s = &d->o->q.srv[i];
		struct dslot *t = &d->slot[i];
		if (t->used == s->used && (!s->used || !memcmp(&t->sa, &s->sa, sizeof t->sa)))
			continue;
		memset(t, 0, sizeof *t);
		t->used = s->used;
		t->sa = s->sa;
	}
}

static void resolve_one(struct dstate *d, int i)
{
	struct wb_err e;

	d->silent[i] = 0;
	if (query_resolve(&d->o->q, i, &e)) {
		if (!d->unresolved[i])
			dlog(LOG_WARNING, "%s: resolve: %s", d->o->q.src[i].name, e.msg);
		d->unresolved[i] = 1;
		return;
	}
	if (d->unresolved[i])
		dlog(LOG_INFO, "%s: resolved", d->o->q.src[i].name);
	d->unresolved[i] = 0;
}

void track_resolve(struct dstate *d, int all)
{
	int64_t now = mono_ms();
	int i;

	for (i = 0; i < d->o->q.nsrc; i++) {
		const struct source *src = &d->o->q.src[i];
		if (all || !src->naddr || d->silent[i] >= RERESOLVE_MISSES ||
		    now - src->resolved_ms >= RERESOLVE_MS)
			resolve_one(d, i);
	}
	sync_slots(d);
}

void track_reset(struct dstate *d)
{
	int64_t now = mono_ms();
	int i;

	sync_slots(d);
	for (i = 0; i < d->o->q.n; i++) {
		struct server *s = &d->o->q.srv[i];
		query_reset(&d->o->q, s);
		if (!s->used || s->state != SRV_SEND)
			continue;
		if (!backoff_due(&d->slot[i].bo, now))
			s->state = SRV_IDLE;
		s->max_tries = backoff_tries(&d->slot[i].bo, s->max_tries);
	}
}

/* FAIL_NONE when it answered */
static enum srv_fail outcome(const struct server *s)
{
	return s->state == SRV_DONE ? (s->fail == FAIL_RATE ? FAIL_RATE : FAIL_NONE) : s->fail;
}

static void show(struct dslot *t, const struct server *s)
{
	enum srv_fail now = outcome(s);
	char why[160];

	if (t->logged && t->shown == now)
		return;
	if (now != FAIL_NONE)
		dlog(LOG_WARNING, "%s: %s", s->addr, srv_fail_str(s, why, sizeof why));
	else if (t->logged)
		dlog(LOG_INFO, "%s: answering again", s->addr);
	t->logged = 1;
	t->shown = now;
}

void track_round(struct dstate *d)
{
	int64_t now = mono_ms();
	int i, k;

	for (i = 0; i < d->o->q.nsrc; i++) {
		int asked = 0, answered = 0;
		for (k = 0; k < SNTPC_MAX_ADDRS; k++) {
			int j = i * SNTPC_MAX_ADDRS + k;
			struct server *s = &d->o->q.srv[j];
			if (!s->used || s->state == SRV_IDLE || s->fail == FAIL_RESOLVE)
				continue;
			if (!s->have)           /* a poll without a reply: its reach bit 0 */
				s->reach <<= 1;
			show(&d->slot[j], s);
			if (s->denied)
				continue;
			asked = 1;
			answered |= s->have;
			backoff_update(&d->slot[j].bo, s->have, d->ps.interval, d->o->poll_max, now);
		}
		d->silent[i] = asked && !answered ? d->silent[i] + 1 : asked ? 0 : d->silent[i];
	}
}

void track_selection(struct dstate *d)
{
	char off[32];
	int i;

	for (i = 0; i < d->o->q.n; i++) {
		const struct server *s = &d->o->q.srv[i];
		int f = s->used && s->usable && s->why == SEL_FALSE;
		if (f == d->slot[i].falseticker || (!f && !s->usable))
			continue;
		if (f)
			dlog(LOG_WARNING, "%s: falseticker: offset %s s, outside the majority's interval",
			     s->addr, ntp_off_str(s->best.offset, s->best.era, 1, off, sizeof off));
		else
			dlog(LOG_INFO, "%s: agrees with the majority again", s->addr);
		d->slot[i].falseticker = f;
	}
}
