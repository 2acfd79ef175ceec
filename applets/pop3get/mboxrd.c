/* mboxrd.c - mboxrd quoting as a streaming filter: a line matching
 * ^>*From  gets one more '>' (so unquoting is exact). A '>' run at a line
 * start is passed through at once (the added '>' may go at its end, the
 * result is the same); only a partial "From " (at most 4 bytes) is held
 * across chunk boundaries. */
#include <string.h>
#include "pop3.h"

static const char from[] = "From ";

void mboxrd_init(struct mboxrd *q)
{
	q->st = 1;
	q->gt = 0;
	q->match = 0;
	q->last_nl = 1;
}

/* write the matched letters (after a '>' if quote), go on in the line */
static size_t release(struct mboxrd *q, char *out, int quote)
{
	size_t o = 0;

	if (quote)
		out[o++] = '>';
	memcpy(out + o, from, q->match);
	o += q->match;
	q->match = 0;
	q->st = 0;
	return o;
}

size_t mboxrd_feed(struct mboxrd *q, const char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		char c = in[i];

		if (q->st == 1) {
			if (q->match == 0 && c == '>') {
				out[o++] = c;
				continue;
			}
			if (c == from[q->match]) {
				if (++q->match == 5)
					o += release(q, out + o, 1);
				continue;
			}
			o += release(q, out + o, 0);
		}
		out[o++] = c;
		if (c == '\n')
			q->st = 1;
	}
	if (o)
		q->last_nl = out[o - 1] == '\n';
	return o;
}

size_t mboxrd_end(struct mboxrd *q, char *out, size_t max)
{
	size_t o = 0;

	if (max < 8)
		return 0;
	if (q->st == 1 && q->match) {
		o = release(q, out, 0);
		q->last_nl = 0;
	}
	if (!q->last_nl)
		out[o++] = '\n';
	out[o++] = '\n';           /* blank line between messages */
	mboxrd_init(q);
	return o;
}
