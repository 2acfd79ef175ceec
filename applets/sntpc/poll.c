/* poll.c - daemon poll interval backoff, jitter and KoD policy; pure. */
#include "sntpc.h"

unsigned poll_update(unsigned cur, unsigned min, unsigned max, enum poll_event ev)
{
	switch (ev) {
	case POLL_STABLE:
		cur = cur > max / 2 ? max : cur * 2;
		break;
	case POLL_UNSTABLE:
		cur = min;
		break;
	case POLL_RATE:         /* the server asked: may exceed max */
		cur = cur > POLL_LIMIT / 2 ? POLL_LIMIT : cur * 2;
		return cur < min ? min : cur;
	case POLL_KEEP:
		break;
	}
	if (cur > max)
		cur = max;
	return cur < min ? min : cur;
}

enum poll_event poll_event_for(ntp_fix offset, ntp_fix step_thr)
{
	ntp_fix a = offset < 0 ? -offset : offset;

	if (a < step_thr / 4)
		return POLL_STABLE;
	if (a >= step_thr / 2)
		return POLL_UNSTABLE;
	return POLL_KEEP;
}

int64_t poll_jitter_ms(unsigned interval, uint32_t rnd)
{
	int64_t ms = (int64_t)interval * 1000, span = ms / 4;

	/* [7/8, 9/8) of the interval */
	return ms - ms / 8 + (span ? (int64_t)(rnd % (uint64_t)span) : 0);
}

int64_t poll_first_ms(unsigned min, uint32_t rnd)
{
	int64_t span = (int64_t)min * 1000 / 16;

	return span ? (int64_t)(rnd % (uint64_t)span) : 0;
}

enum kod_action kod_action(enum ntp_kod code)
{
	switch (code) {
	case KOD_RATE:
		return KOD_ACT_BACKOFF;
	case KOD_DENY:
	case KOD_RSTR:
		return KOD_ACT_STOP;
	case KOD_OTHER:
		break;
	}
	return KOD_ACT_IGNORE;
}

/* ---- the daemon's schedule ---- */
void poll_start(struct poll_sched *p, unsigned min)
{
	p->interval = min;
	p->stable = 0;
}

/* the interval stays at MIN until POLL_GROW_AFTER stable polls in a row,
 * then doubles at each stable one; back to MIN when unstable */
unsigned poll_next(struct poll_sched *p, unsigned min, unsigned max, enum poll_event ev)
{
	if (ev == POLL_STABLE && ++p->stable < POLL_GROW_AFTER)
		ev = POLL_KEEP;
	if (ev == POLL_UNSTABLE)
		p->stable = 0;
	p->interval = poll_update(p->interval, min, max, ev);
	return p->interval;
}

/* ---- the step budget: STEP_MAX steps in any STEP_WINDOW_MS ---- */
int step_allowed(const struct step_budget *b, int64_t now_ms)
{
	/* at[n % STEP_MAX] is the oldest of the last STEP_MAX steps */
	return b->n < STEP_MAX || now_ms - b->at[b->n % STEP_MAX] >= STEP_WINDOW_MS;
}

void step_taken(struct step_budget *b, int64_t now_ms)
{
	b->at[b->n % STEP_MAX] = now_ms;
	b->n++;
	if (b->n >= 2 * STEP_MAX)       /* bounded; n % STEP_MAX and n >= STEP_MAX kept */
		b->n -= STEP_MAX;
}

/* ---- one server's backoff ---- */
void backoff_update(struct backoff *b, int answered, unsigned sys_interval, unsigned max,
                    int64_t now_ms)
{
	if (answered) {
		b->miss = 0;
		b->interval = 0;
		b->next_ms = 0;
		return;
	}
	if (b->miss < BACKOFF_MISSES * 1000)
		b->miss++;
	if (b->miss < BACKOFF_MISSES)
		return;
	b->interval = b->interval ? b->interval * 2 : sys_interval * 2;
	if (b->interval > max)
		b->interval = max;
	if (b->interval < sys_interval)
		b->interval = sys_interval;
	b->next_ms = now_ms + (int64_t)b->interval * 1000;
}

int backoff_due(const struct backoff *b, int64_t now_ms)
{
	/* a poll up to 1/8 early is due: polls are jittered by -+1/8 */
	return now_ms + (int64_t)b->interval * 125 >= b->next_ms;
}

int backoff_tries(const struct backoff *b, int tries)
{
	return b->miss >= BACKOFF_MISSES ? 1 : tries;
}
