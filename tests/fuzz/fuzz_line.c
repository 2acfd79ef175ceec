/* fuzz_line.c - line_read/stream_read over the fake transport.
 * Input: byte 0 picks the read chunk size (0: all at once), byte 1 the line
 * maximum, the rest is what the server sends. The same input split
 * differently must give the same lines and results: each run is compared
 * with a run that gets everything in one read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "stream.h"
#include "unit/fake_xport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXLINES 4096

struct result {
	int codes[MAXLINES];
	size_t lens[MAXLINES];
	uint32_t hash;
	int n;
	size_t tail;            /* bytes stream_read gave after the lines */
};

static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 16777619u;
	return h;
}

static void lines(const char *in, size_t n, size_t chunk, size_t max,
                  struct result *res)
{
	static struct fake f;
	static struct stream s;
	static char buf[1024];
	struct transport xp;
	size_t len, got;
	int r;

	fake_init(&f, &xp, in, n, chunk);
	stream_init(&s, &xp, 1000);
	res->n = 0;
	res->hash = 2166136261u;
	res->tail = 0;
	do {
		r = line_read(&s, buf, max, &len);
		if (r == IO_OK) {
			/* the contract: bounded, terminated, no LF inside */
			if (len >= max || buf[len] != 0 || memchr(buf, '\n', len))
				abort();
			res->hash = fnv(res->hash, buf, len + 1);
		} else if (len != 0) {
			abort();
		}
		if (res->n == MAXLINES)
			abort();        /* each line consumes at least one byte */
		res->codes[res->n] = r;
		res->lens[res->n++] = len;
	} while (r == IO_OK);
	if (r != IO_EOF && r != IO_TOOLONG)
		abort();            /* the fake never times out or fails */
	if (r == IO_TOOLONG)
		return;
	while (stream_read(&s, buf, sizeof buf, &got) == IO_OK)
		res->tail += got;
	if (res->tail != 0)
		abort();            /* after EOF nothing more */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct result a, b;
	size_t chunk, max;

	if (size < 2)
		return 0;
	chunk = data[0] % 19;
	max = 1 + data[1] % 64;
	if (data[1] & 0x80)
		max = 1 + (size_t)data[1] * 4;          /* up to 1021 */
	lines((const char *)data + 2, size - 2, 0, max, &a);
	lines((const char *)data + 2, size - 2, chunk, max, &b);
	if (a.n != b.n || a.hash != b.hash ||
	    memcmp(a.codes, b.codes, sizeof a.codes[0] * (size_t)a.n) ||
	    memcmp(a.lens, b.lens, sizeof a.lens[0] * (size_t)a.n))
		abort();            /* splitting changed the result */
	return 0;
}
