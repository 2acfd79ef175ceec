/* qpolicy.c - the queue's rules (see queue.h): retry backoff with jitter,
 * when the clock can be trusted, an entry's valid-clock age, caps, and
 * interval words. Integer arithmetic only. */
#include "queue.h"
#include "util.h"

int64_t queue_backoff(int attempts, uint32_t rnd)
{
	int64_t base = QUEUE_BACKOFF_MIN;
	int i;

	for (i = 1; i < attempts && base < QUEUE_BACKOFF_MAX; i++)
		base *= 2;
	if (base > QUEUE_BACKOFF_MAX)
		base = QUEUE_BACKOFF_MAX;
	/* base x 0.8 .. base x 1.2, rnd spread evenly over the range */
	return base * 4 / 5 + (int64_t)((uint64_t)base * 2 / 5 * rnd / UINT32_MAX);
}

/* unix seconds of January 1st of year y (H. Hinnant's days_from_civil) */
static int64_t year_start(int64_t y)
{
	int64_t era, yoe;

	y -= 1;         /* January counts with the year before (March-based) */
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	return (era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + 306 - 719468) * 86400;
}

int queue_clock_valid(int64_t now, int64_t build_epoch)
{
	int64_t y, floor = QUEUE_CLOCK_FLOOR;
	unsigned m, d;

	civil_date((build_epoch >= 0 ? build_epoch : build_epoch - 86399) / 86400, &y, &m, &d);
	if (year_start(y) > floor)
		floor = year_start(y);
	return now >= floor;
}

int64_t queue_age(const struct qentry *q, const struct qstate *st, int64_t now,
                  int now_valid)
{
	int64_t from = q->inj_valid ? q->injected : st->valid_since;

	if (st->valid_since == QUEUE_RESTART)
		return -1;                      /* unknown until a valid time */

	if (st->valid_since > from)
		from = st->valid_since;         /* --queue-retry from failed/ */

	if (!now_valid || from <= 0)
		return -1;
	return now > from ? now - from : 0;
}

int queue_due(const struct qstate *st, int64_t now)
{
	if (st->attempts == 0 || st->next <= now)
		return 1;
	/* further ahead than any backoff gives: the clock was stepped back */
	return st->next - now > (int64_t)QUEUE_BACKOFF_MAX * 6 / 5;
}

int queue_cap_ok(const struct qcaps *c, uint64_t used, unsigned count, uint64_t add)
{
	return count < c->max_count && add <= c->max_size && used <= c->max_size - add;
}

int queue_interval(const char *v, int64_t min, int64_t max, int64_t *out)
{
	int64_t n = 0, unit = 1;
	const char *p = v;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (INT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*p - '0');
	}
	switch (*p) {
	case 's': break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 0: p--; break;
	default: return -1;
	}
	if (p[1] || n > INT64_MAX / unit || n * unit < min || n * unit > max)
		return -1;
	*out = n * unit;
	return 0;
}
