/* select.c - choose the server whose sample to use. */
#include "sntpc.h"

/* 1 if a is a better choice than b */
static int better(const struct server *a, const struct server *b)
{
	if (a->best.delay != b->best.delay)
		return a->best.delay < b->best.delay;
	return a->best.pkt.stratum < b->best.pkt.stratum;
}

int select_best(const struct server *srv, int n)
{
	int i, best = -1;

	for (i = 0; i < n; i++) {
		if (srv[i].state != SRV_DONE || !srv[i].have)
			continue;
		if (best < 0 || better(&srv[i], &srv[best]))
			best = i;
	}
	return best;
}
