/* data.c - the DATA body transform (RFC 5321 4.1.1.4, 4.5.2): every line
 * end becomes CRLF (bare LF and bare CR too), a line starting with '.'
 * gets a second '.', and the end is CRLF.CRLF. A state machine fed in
 * chunks of any size, so memory stays constant whatever the message. */
#include <string.h>
#include "sysopts.h"
#include "smtp.h"

void dot_init(struct dot *d)
{
	memset(d, 0, sizeof *d);
	d->st = DOT_BOL;
}

/* copy a run of ordinary bytes up to the next CR or LF; notes 8-bit */
static size_t run(struct dot *d, const unsigned char *in, size_t n,
                  unsigned char *out)
{
	size_t i;
	unsigned char hi = 0;

	for (i = 0; i < n && in[i] != '\n' && in[i] != '\r'; i++)
		hi |= in[i];
	if (hi & 0x80)
		d->eightbit = 1;
	memcpy(out, in, i);
	return i;
}

size_t dot_feed(struct dot *d, const unsigned char *in, size_t n,
                unsigned char *out)
{
	size_t i = 0, o = 0, k;

	while (i < n) {
		unsigned char c = in[i];

		switch (d->st) {
		case DOT_CR:            /* after CR: LF completes it, else bare CR */
			out[o++] = '\n';
			d->st = DOT_BOL;
			if (c == '\n')
				i++;
			break;
		case DOT_BOL:
			if (c == '.') {
				out[o++] = '.';
				d->stuffed++;
			}
			d->st = DOT_MID;
			/* fall through */
		case DOT_MID:
			k = run(d, in + i, n - i, out + o);
			i += k;
			o += k;
			if (i == n)
				break;
			out[o++] = '\r';
			if (in[i++] == '\n') {
				out[o++] = '\n';
				d->st = DOT_BOL;
			} else {
				d->st = DOT_CR;
			}
			break;
		default:
			d->st = DOT_MID;        /* impossible: keep going sanely */
			break;
		}
	}
	d->out += o;
	return o;
}

size_t dot_end(struct dot *d, unsigned char *out)
{
	size_t o = 0;

	if (d->st == DOT_CR)
		out[o++] = '\n';
	else if (d->st == DOT_MID) {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	memcpy(out + o, ".\r\n", 3);
	o += 3;
	d->out += o;
	d->st = DOT_BOL;
	return o;
}

/* count c in [p, end); pairs: how many of them follow a CR (c == '\n') */
static size_t count_byte(const unsigned char *p, const unsigned char *end,
                         int c, size_t *pairs)
{
	const unsigned char *s = p;
	size_t n = 0;

	while ((p = memchr(p, c, (size_t)(end - p))) != NULL) {
		n++;
		*pairs += c == '\n' && p > s && p[-1] == '\r';
		p++;
	}
	return n;
}

static int has_8bit(const unsigned char *p, size_t n)
{
	uint64_t w, hi = 0;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		hi |= w;
	}
	for (; i < n; i++)
		hi |= p[i];
	return (hi & 0x8080808080808080ull) != 0;
}

/* what dot_feed would count, with memchr: each bare LF and bare CR grows
 * by one byte; a CR at the end waits for the next byte (DOT_CR) */
void dot_scan(struct dot *d, const unsigned char *in, size_t n)
{
	const unsigned char *p = in, *end = in + n;
	size_t pairs = 0, lf, cr;

	if (n == 0)
		return;
	d->eightbit |= has_8bit(in, n);
	if (d->st == DOT_CR) {          /* its LF, given or added */
		d->out++;
		p += *p == '\n';
	}
	lf = count_byte(p, end, '\n', &pairs);
	cr = count_byte(p, end, '\r', &pairs);
	d->out += (uint64_t)(end - p) + lf + cr - 2 * pairs;
	if (p == end || end[-1] == '\n')
		d->st = DOT_BOL;
	else if (end[-1] == '\r') {
		d->out--;               /* counted as bare: its LF is still open */
		d->st = DOT_CR;
	} else
		d->st = DOT_MID;
}

uint64_t dot_size(const struct dot *d)
{
	uint64_t n = d->out - d->stuffed;

	if (d->st == DOT_CR)
		n += 1;
	else if (d->st == DOT_MID)
		n += 2;
	return n;
}
