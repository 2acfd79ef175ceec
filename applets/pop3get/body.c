/* body.c - the dot-terminated multi-line reader (RFC 1939 section 3) as a
 * chunk-fed state machine: removes the byte-stuffed leading dot, turns
 * CRLF into LF and finds the terminating "." line wherever the reads
 * split the input. Lines end in CRLF (RFC 1939): only CRLF "." CRLF ends
 * the body and only a dot after CRLF (or first in the body) is unstuffed.
 * A bare LF is data (stored as LF) and a dot after it stays: a server that
 * passes stored bytes raw does not stuff it, so "a\n.\nrest" is one line
 * of the message, not its end. A lone CR in a line is kept. */
#include <string.h>
#include "pop3.h"

void body_init(struct body *b)
{
	b->st = B_BOL;
	b->bytes = 0;
}

/* the run of bytes copied as they are up to the next CR (a bare LF in
 * a line is data too); returns its length */
static size_t run(const char *in, size_t n)
{
	const char *cr = memchr(in, '\r', n);

	return cr ? (size_t)(cr - in) : n;
}

size_t body_feed(struct body *b, const char *in, size_t n, char *out, size_t *outn)
{
	size_t i = 0, o = 0, k;

	while (i < n && b->st != B_DONE) {
		char c = in[i];

		switch (b->st) {
		case B_BOL:
			if (c == '.') {
				b->st = B_DOT;
				i++;
				continue;
			}
			b->st = B_MID;
			continue;
		case B_DOT:
			if (c == '\r') {
				b->st = B_DOTCR;
				i++;
			} else {
				b->st = B_MID;      /* stuffed dot removed */
			}
			continue;
		case B_DOTCR:
			if (c == '\n') {
				b->st = B_DONE;
				i++;
			} else {
				b->st = B_CR;       /* "." CR x: a line "\rx" */
			}
			continue;
		case B_MID:
			if (c == '\r') {
				b->st = B_CR;
				i++;
			} else {                /* a bare LF: data, no line start */
				k = run(in + i, n - i);
				memcpy(out + o, in + i, k);
				o += k;
				i += k;
			}
			continue;
		case B_CR:
			if (c == '\n') {
				out[o++] = '\n';
				b->st = B_BOL;
				i++;
			} else {
				out[o++] = '\r';    /* lone CR kept */
				b->st = B_MID;
			}
			continue;
		case B_DONE:
			break;
		}
	}
	b->bytes += o;
	*outn = o;
	return i;
}
