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
