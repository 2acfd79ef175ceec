/* fake_xport.h - a transport for unit tests: serves a byte string in
 * chunks of at most `chunk` bytes (so a test can split input at every
 * offset), records what is written (optionally `wchunk` bytes at a time),
 * can stay silent forever, ask to be polled first (want_read/want_write
 * countdowns) or fail. */
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
	/* additions (all 0 after fake_init) */
	size_t wchunk;          /* max bytes accepted per write; 0 = all */
	int want_read;          /* this many XPORT_WANT_READ before each read */
	int want_write;         /* this many XPORT_WANT_WRITE before each write */
	int fail_read;          /* reads fail with ECONNRESET */
	int eof_write;          /* writes return 0 */
	int nreads, nwrites;    /* calls seen */
	int ready[2];           /* fake_ready(): socketpair, -1 if none */
	int wr_left, rd_left;   /* countdowns in progress */
};

/* set up f and a transport over it */
void fake_init(struct fake *f, struct transport *xp, const char *in,
               size_t inlen, size_t chunk);
/* give xp an fd that always polls readable and writable, so WANT_READ /
 * WANT_WRITE waits end at once (fd -1 never becomes ready); 0 or -1 */
int fake_ready(struct fake *f, struct transport *xp);
/* close what fake_ready opened */
void fake_close(struct fake *f);

/* 1 if got equals want; else prints both sides in hex on stderr (named
 * what) and returns 0 */
int hex_match(const char *what, const void *got, size_t glen,
              const void *want, size_t wlen);

/* redirect stderr (fd 2) to a temporary file until stderr_captured(),
 * which restores it and returns what was written (NUL-terminated) */
void stderr_capture(void);
size_t stderr_captured(char *buf, size_t max);

#endif
