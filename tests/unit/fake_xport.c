/* fake_xport.c - see fake_xport.h */
#include <errno.h>
#include <string.h>
#include "fake_xport.h"

static ssize_t fake_read(void *ctx, void *buf, size_t len)
{
	struct fake *f = ctx;
	size_t n = f->inlen - f->inpos;

	if (f->silent)
		return XPORT_WANT_READ;
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

	if (f->fail_write) {
		errno = EPIPE;
		return XPORT_ERROR;
	}
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
	memset(xp, 0, sizeof *xp);
	xp->read = fake_read;
	xp->write = fake_write;
	xp->ctx = f;
	xp->fd = -1;
}
