/* fake_xport.h - a transport for unit tests: serves a byte string in
 * chunks of at most `chunk` bytes (so a test can split input at every
 * offset), records what is written, and can stay silent forever. */
#ifndef FAKE_XPORT_H
#define FAKE_XPORT_H
#include <stddef.h>
#include "stream.h"

struct fake {
	const char *in;         /* input served to reads */
	size_t inlen, inpos;
	size_t chunk;           /* max bytes per read; 0 = all */
	int silent;             /* never answers: reads want more, fd -1 */
	int fail_write;         /* writes fail with EPIPE */
	char out[65536];        /* what was written */
	size_t outlen;
};

/* set up f and a transport over it */
void fake_init(struct fake *f, struct transport *xp, const char *in,
               size_t inlen, size_t chunk);

#endif
