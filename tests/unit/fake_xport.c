/* fake_xport.c - see fake_xport.h */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "fake_xport.h"

static ssize_t fake_read(void *ctx, void *buf, size_t len)
{
	struct fake *f = ctx;
	size_t n = f->inlen - f->inpos;

	f->nreads++;
	if (f->silent)
		return XPORT_WANT_READ;
	if (f->fail_read) {
		errno = ECONNRESET;
		return XPORT_ERROR;
	}
	if (f->rd_left-- > 0)
		return XPORT_WANT_READ;
	f->rd_left = f->want_read;
	if (f->chunk && n > f->chunk)
		n = f->chunk;
	if (n > len)
		n = len;
	memcpy(buf, f->in + f->inpos, n);
	f->inpos += n;
	return (ssize_t)n;
}

static ssize_t fake_write(void *ctx, const void *buf, size_t len)
{
	struct fake *f = ctx;

	f->nwrites++;
	if (f->fail_write) {
		errno = EPIPE;
		return XPORT_ERROR;
	}
	if (f->eof_write)
		return 0;
	if (f->wr_left-- > 0)
		return XPORT_WANT_WRITE;
	f->wr_left = f->want_write;
	if (f->wchunk && len > f->wchunk)
		len = f->wchunk;
	if (len > sizeof f->out - f->outlen)
		len = sizeof f->out - f->outlen;
	memcpy(f->out + f->outlen, buf, len);
	f->outlen += len;
	return (ssize_t)len;
}

void fake_init(struct fake *f, struct transport *xp, const char *in,
               size_t inlen, size_t chunk)
{
	memset(f, 0, sizeof *f);
	f->in = in;
	f->inlen = inlen;
	f->chunk = chunk;
	f->ready[0] = f->ready[1] = -1;
	memset(xp, 0, sizeof *xp);
	xp->read = fake_read;
	xp->write = fake_write;
	xp->ctx = f;
	xp->fd = -1;
}

int fake_ready(struct fake *f, struct transport *xp)
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, f->ready))
		return -1;
	if (write(f->ready[1], "x", 1) != 1)
		return -1;
	f->rd_left = f->want_read;
	f->wr_left = f->want_write;
	xp->fd = f->ready[0];
	return 0;
}

void fake_close(struct fake *f)
{
	int i;

	for (i = 0; i < 2; i++)
		if (f->ready[i] >= 0)
			close(f->ready[i]);
	f->ready[0] = f->ready[1] = -1;
}

static void hexline(const char *tag, const unsigned char *p, size_t n)
{
	size_t i;

	fprintf(stderr, "  %s (%zu):", tag, n);
	for (i = 0; i < n && i < 256; i++)
		fprintf(stderr, "%s%02x", i % 32 ? " " : "\n    ", p[i]);
	fprintf(stderr, "%s\n", n > 256 ? " ..." : "");
}

int hex_match(const char *what, const void *got, size_t glen,
              const void *want, size_t wlen)
{
	if (glen == wlen && (glen == 0 || !memcmp(got, want, glen)))
		return 1;
	fprintf(stderr, "mismatch: %s\n", what);
	hexline("got ", got, glen);
	hexline("want", want, wlen);
	return 0;
}

static int cap_fd = -1, cap_saved = -1;

/* the file is unlinked at once: nothing is left behind, even when a failed
 * assertion ends the test between the two calls */
void stderr_capture(void)
{
	char path[] = "/tmp/wb-stderr-XXXXXX";

	fflush(stderr);
	cap_fd = mkstemp(path);
	if (cap_fd < 0)
		return;
	unlink(path);
	cap_saved = dup(2);
	dup2(cap_fd, 2);
}

size_t stderr_captured(char *buf, size_t max)
{
	size_t n = 0;
	ssize_t r;

	buf[0] = 0;
	fflush(stderr);
	if (cap_fd < 0)
		return 0;
	dup2(cap_saved, 2);
	close(cap_saved);
	lseek(cap_fd, 0, SEEK_SET);
	while (n + 1 < max && (r = read(cap_fd, buf + n, max - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	close(cap_fd);
	cap_fd = cap_saved = -1;
	return n;
}
