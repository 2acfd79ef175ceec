/* fuzz_pop3_body.c - the dot-terminated body decoder and mboxrd quoting.
 * Byte 0 picks a split point: the input decoded in two pieces must give
 * the same output and end as in one piece (and byte by byte), output never
 * exceeds input + 1, and mboxrd quoting is the same split or not. Only
 * CRLF "." CRLF (or "." CRLF first) ends a body: never a bare LF's dot. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "applets/pop3get/pop3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXIN 65536

static size_t decode(const char *in, size_t n, size_t cut, char *out, size_t *used,
                     int *done)
{
	struct body b;
	size_t o = 0, k, u;

	body_init(&b);
	u = body_feed(&b, in, cut, out, &k);
	o += k;
	*used = u;
	if (b.st != B_DONE && u == cut) {
		*used += body_feed(&b, in + cut, n - cut, out + o, &k);
		o += k;
	}
	*done = b.st == B_DONE;
	return o;
}

static size_t bytewise(const char *in, size_t n, char *out, size_t *used, int *done)
{
	struct body b;
	size_t o = 0, i, k;

	body_init(&b);
	for (i = 0; i < n && b.st != B_DONE; i++) {
		if (body_feed(&b, in + i, 1, out + o, &k) != 1)
			abort();
		o += k;
	}
	*used = i;
	*done = b.st == B_DONE;
	return o;
}

static size_t quote(const char *in, size_t n, size_t cut, char *out)
{
	struct mboxrd q;
	size_t o;

	mboxrd_init(&q);
	o = mboxrd_feed(&q, in, cut, out);
	o += mboxrd_feed(&q, in + cut, n - cut, out + o);
	return o + mboxrd_end(&q, out + o, 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char a[MAXIN + 8], b[MAXIN + 8], qa[MAXIN + 32], qb[MAXIN + 32];
	const char *in = (const char *)data + 1;
	size_t n, cut, na, nb, ua, ub;
	int da, db;

	if (size < 1 || size - 1 > MAXIN)
		return 0;
	n = size - 1;
	cut = n ? data[0] % (n + 1) : 0;
	na = decode(in, n, n, a, &ua, &da);
	nb = decode(in, n, cut, b, &ub, &db);
	if (na != nb || ua != ub || da != db || memcmp(a, b, na) || na > n + 1)
		abort();
	if (da && !(ua == 3 && !memcmp(in, ".\r\n", 3)) &&
	    !(ua >= 5 && !memcmp(in + ua - 5, "\r\n.\r\n", 5)))
		abort();
	nb = bytewise(in, n, b, &ub, &db);
	if (na != nb || ua != ub || da != db || memcmp(a, b, na))
		abort();
	na = quote(a, na, 0, qa);
	nb = quote(b, nb, cut > nb ? nb : cut, qb);
	if (na != nb || memcmp(qa, qb, na))
		abort();
	return 0;
}
