/* stream.c - buffered, bounded, timed line I/O over a transport. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include "sysopts.h"
#include "stream.h"
#include "net.h"
#include "text.h"
#include "util.h"

static ssize_t plain_read(void *ctx, void *buf, size_t len)
{
	ssize_t r = read(*(int *)ctx, buf, len);

	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return XPORT_WANT_READ;
	return r;
}

static ssize_t plain_write(void *ctx, const void *buf, size_t len)
{
	ssize_t r = write(*(int *)ctx, buf, len);

	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return XPORT_WANT_WRITE;
	return r;
}

void xport_plain(struct transport *xp, int fd)
{
	memset(xp, 0, sizeof *xp);
	xp->read = plain_read;
	xp->write = plain_write;
	xp->fd = fd;
	xp->ctx = &xp->fd;
}

void stream_init(struct stream *s, const struct transport *xp, int timeout_ms)
{
	s->xp = *xp;
	if (xp->ctx == &xp->fd)         /* plain: point at our own copy */
		s->xp.ctx = &s->xp.fd;
	s->timeout_ms = timeout_ms;
	s->deadline = 0;
	s->limit = 0;
	s->verbose = 0;
	s->err_errno = 0;
	s->err_text = NULL;
	s->rpos = s->rlen = s->wlen = 0;
	s->rb = s->rbuf;
	s->rbsize = sizeof s->rbuf;
}

void stream_set_rbuf(struct stream *s, void *buf, size_t size)
{
	size_t have = s->rlen - s->rpos;
	unsigned char *to = buf ? buf : s->rbuf;

	memmove(to, s->rb + s->rpos, have);
	s->rb = to;
	s->rbsize = buf ? size : sizeof s->rbuf;
	s->rpos = 0;
	s->rlen = have;
}

void stream_upgrade(struct stream *s, const struct transport *xp)
{
	int t = s->timeout_ms, v = s->verbose;
	int64_t d = s->deadline, l = s->limit;
	unsigned char *rb = s->rb;
	size_t rbsize = s->rbsize;

	stream_init(s, xp, t);
	s->rb = rb;
	s->rbsize = rbsize;
	s->verbose = v;
	s->deadline = d;
	s->limit = l;
}

/* d, but no later than the stream's limit */
static int64_t capped(const struct stream *s, int64_t d)
{
	return s->limit && d > s->limit ? s->limit : d;
}

/* past the limit: nothing more goes in or out */
static int over(const struct stream *s)
{
	return s->limit && mono_ms() >= s->limit;
}

int64_t stream_step(struct stream *s)
{
	return s->deadline = capped(s, mono_ms() + s->timeout_ms);
}

void stream_set_deadline(struct stream *s, int64_t deadline)
{
	s->deadline = deadline;
}

void stream_set_limit(struct stream *s, int64_t limit)
{
	s->limit = limit;
}

int64_t stream_deadline(const struct stream *s)
{
	return capped(s, s->deadline ? s->deadline : mono_ms() + s->timeout_ms);
}

size_t stream_buffered(const struct stream *s)
{
	size_t n = s->rlen - s->rpos;

	if (s->xp.pending)
		n += s->xp.pending(s->xp.ctx);
	return n;
}

static int set_error(struct stream *s)
{
	s->err_errno = errno;
	s->err_text = s->xp.error ? s->xp.error(s->xp.ctx) : NULL;
	return IO_ERROR;
}

/* Wait for want (XPORT_WANT_*) until deadline. */
static int wait_io(struct stream *s, ssize_t want, int64_t deadline)
{
	int64_t left = capped(s, deadline) - mono_ms();
	int r;

	if (left <= 0)
		return IO_TIMEOUT;
	r = net_wait(s->xp.fd, want == XPORT_WANT_WRITE ? POLLOUT : POLLIN,
	             left > 0x7fffffff ? 0x7fffffff : (int)left);
	if (r < 0)
		return set_error(s);
	return r ? IO_OK : IO_TIMEOUT;
}

/* Refill rbuf (which must be empty) with at least one byte by deadline. */
static int fill_by(struct stream *s, int64_t deadline)
{
	s->rpos = s->rlen = 0;
	if (over(s))
		return IO_TIMEOUT;
	for (;;) {
		ssize_t r = s->xp.read(s->xp.ctx, s->rb, s->rbsize);
		int w;

		if (r > 0) {
			s->rlen = (size_t)r;
			return IO_OK;
		}
		if (r == 0)
			return IO_EOF;
		if (r != XPORT_WANT_READ && r != XPORT_WANT_WRITE)
			return set_error(s);
		if ((w = wait_io(s, r, deadline)) != IO_OK)
			return w;
	}
}

int stream_peek_ready(struct stream *s)
{
	ssize_t r;

	if (stream_buffered(s))
		return 1;
	if (s->xp.fd < 0 || net_wait(s->xp.fd, POLLIN, 0) <= 0)
		return 0;
	/* readable: but is it data? one attempt through the transport, which
	 * says WANT_READ when the record it took held none */
	s->rpos = s->rlen = 0;
	r = s->xp.read(s->xp.ctx, s->rb, s->rbsize);
	if (r > 0)
		s->rlen = (size_t)r;
	return r != XPORT_WANT_READ && r != XPORT_WANT_WRITE;
}

/* One transcript line, written in as few writes as possible (stderr is
 * unbuffered). What a hostile server sends passes text_clean(): terminal
 * escape sequences are shown as \xNN, never written raw. */
static void transcript(const char *dir, const char *p, size_t n, size_t show)
{
	char out[512];
	size_t i = 0, o, m = n < show ? n : show;

	o = (size_t)snprintf(out, sizeof out, "%s", dir);
	while (i < m) {
		size_t take = m - i > 96 ? 96 : m - i, k;

		/* never split a UTF-8 character between two pieces */
		while (take < m - i && take > 92 && ((unsigned char)p[i + take] & 0xc0) == 0x80)
			take--;
		if (o > sizeof out - 4 * 96 - 8) {
			fwrite(out, 1, o, stderr);
			o = 0;
		}
		k = text_clean(out + o, sizeof out - o, p + i, take);
		o += k;
		i += take;
	}
	o += (size_t)snprintf(out + o, sizeof out - o, "%s\n", show < n ? "****" : "");
	fwrite(out, 1, o, stderr);
}

/* One deadline for the whole line: a server dripping a byte now and then
 * cannot stretch a line past it. */
int line_read(struct stream *s, char *buf, size_t max, size_t *len)
{
	return line_read_by(s, buf, max, len, stream_deadline(s));
}

int line_read_by(struct stream *s, char *buf, size_t max, size_t *len,
                 int64_t deadline)
{
	size_t n = 0;
	int r;

	*len = 0;
	if (max == 0)
		return IO_TOOLONG;
	for (;;) {
		unsigned char *p, *nl;
		size_t avail, take;

		if (s->rpos == s->rlen) {
			r = fill_by(s, deadline);
			if (r == IO_EOF && n > 0)
				break;          /* last line without LF */
			if (r != IO_OK)
				return r;
		}
		p = s->rb + s->rpos;
		avail = s->rlen - s->rpos;
		nl = memchr(p, '\n', avail);
		take = nl ? (size_t)(nl - p) : avail;
		if (n + take > max)     /* max: room for a CR that goes */
			return IO_TOOLONG;
		memcpy(buf + n, p, take);
		n += take;
		s->rpos += take;
		if (nl) {
			s->rpos++;
			if (n > 0 && buf[n - 1] == '\r')
				n--;
			break;
		}
	}
	if (n >= max)
		return IO_TOOLONG;
	buf[n] = 0;
	*len = n;
	if (CFG_VERBOSE && s->verbose)
		transcript("S: ", buf, n, (size_t)-1);
	return IO_OK;
}

int stream_read(struct stream *s, void *buf, size_t max, size_t *got)
{
	return stream_read_by(s, buf, max, got, stream_deadline(s));
}

int stream_read_by(struct stream *s, void *buf, size_t max, size_t *got,
                   int64_t deadline)
{
	size_t n;
	int r;

	*got = 0;
	if (s->rpos == s->rlen && (r = fill_by(s, deadline)) != IO_OK)
		return r;
	n = s->rlen - s->rpos;
	if (n > max)
		n = max;
	memcpy(buf, s->rb + s->rpos, n);
	s->rpos += n;
	*got = n;
	return IO_OK;
}

int stream_peek_by(struct stream *s, const char **p, size_t *n, int64_t deadline)
{
	int r;

	*n = 0;
	if (s->rpos == s->rlen && (r = fill_by(s, deadline)) != IO_OK)
		return r;
	*p = (const char *)s->rb + s->rpos;
	*n = s->rlen - s->rpos;
	return IO_OK;
}

void stream_skip(struct stream *s, size_t k)
{
	s->rpos += k;
}

int stream_unread(struct stream *s, size_t n)
{
	if (n > s->rpos)
		return -1;
	s->rpos -= n;           /* stream_read copies out of rbuf */
	return 0;
}

/* all of p by the deadline: a peer taking a byte now and then cannot
 * stretch the write past it */
static int write_all(struct stream *s, const unsigned char *p, size_t n,
                     int64_t deadline)
{
	if (n > 0 && over(s))
		return IO_TIMEOUT;
	while (n > 0) {
		ssize_t r = s->xp.write(s->xp.ctx, p, n);
		int w;

		if (r > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r != XPORT_WANT_READ && r != XPORT_WANT_WRITE) {
			if (r == 0)
				errno = EPIPE;
			return set_error(s);
		}
		if ((w = wait_io(s, r, deadline)) != IO_OK)
			return w;
	}
	return IO_OK;
}

int stream_flush(struct stream *s)
{
	return stream_flush_by(s, stream_deadline(s));
}

int stream_flush_by(struct stream *s, int64_t deadline)
{
	size_t n = s->wlen;

	s->wlen = 0;
	return n ? write_all(s, s->wbuf, n, deadline) : IO_OK;
}

int stream_write(struct stream *s, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	int r;

	if (s->wlen + len > sizeof s->wbuf) {
		if ((r = stream_flush(s)) != IO_OK)
			return r;
		if (len >= sizeof s->wbuf)
			return write_all(s, p, len, stream_deadline(s));
	}
	memcpy(s->wbuf + s->wlen, p, len);
	s->wlen += len;
	return IO_OK;
}

int line_write(struct stream *s, const char *line, size_t show)
{
	size_t n = strlen(line);
	int r;

	if (CFG_VERBOSE && s->verbose)
		transcript("C: ", line, n, show);
	if ((r = stream_write(s, line, n)) != IO_OK)
		return r;
	return stream_write(s, "\r\n", 2);
}

const char *io_strerror(const struct stream *s, int r)
{
	switch (r) {
	case IO_OK: return "no error";
	case IO_EOF: return "connection closed by server";
	case IO_TIMEOUT: return "timed out";
	case IO_TOOLONG: return "line too long";
	case IO_ERROR:
		if (s->err_text)
			return s->err_text;
		return strerror(s->err_errno);
	}
	return "unknown error";
}

int io_exitcode(int r)
{
	return r == IO_TOOLONG ? EX_PROTOCOL : r == IO_OK ? 0 : EX_TEMPFAIL;
}
