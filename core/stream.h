/* stream.h - buffered, bounded, timed line I/O over a pluggable transport.
 *
 * The transport is two callbacks and a file descriptor to poll; a plain
 * socket and TLS both fit, and stream_upgrade() swaps one for the other in
 * the middle of a session (STARTTLS). Nothing here allocates.
 *
 * Deadlines, not timeouts: every wait ends at an absolute CLOCK_MONOTONIC
 * time (mono_ms()), so bytes that drip in cannot stretch an operation. The
 * *_by functions take that deadline; the others use stream_deadline(): the
 * step's deadline when one is set (stream_step, stream_set_deadline), else
 * timeout_ms from the start of that call (never restarted on progress).
 * No wait of any kind goes past the stream's limit (stream_set_limit: the
 * end of a whole run, pop3get --max-time). Nothing rewrites timeout_ms to
 * emulate a deadline: pass one. */
#ifndef WB_STREAM_H
#define WB_STREAM_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* transport callbacks return >0 bytes, 0 at end of stream, or one of: */
#define XPORT_WANT_READ  (-2)   /* poll for POLLIN, then call again */
#define XPORT_WANT_WRITE (-3)   /* poll for POLLOUT, then call again */
#define XPORT_ERROR      (-1)   /* errno set, or xport_err() explains */

struct transport {
	ssize_t (*read)(void *ctx, void *buf, size_t len);
	ssize_t (*write)(void *ctx, const void *buf, size_t len);
	/* bytes the transport holds already decoded (TLS record), may be NULL */
	size_t (*pending)(void *ctx);
	/* reason for the last XPORT_ERROR, may be NULL (then strerror(errno)) */
	const char *(*error)(void *ctx);
	void *ctx;
	int fd;                 /* polled for readiness; -1: never ready */
};

/* result codes of the stream functions */
enum io_result {
	IO_OK = 0,
	IO_EOF,         /* peer closed */
	IO_TIMEOUT,     /* the deadline passed */
	IO_TOOLONG,     /* line longer than the caller's maximum */
	IO_ERROR,       /* system or transport error */
};

#define STREAM_RBUF 4096
#define STREAM_WBUF 4096

struct stream {
	struct transport xp;
	int timeout_ms;         /* one step: --timeout */
	int64_t deadline;       /* end of the current step; 0: per call */
	int64_t limit;          /* no wait goes past it (a run's end); 0: none */
	int verbose;            /* transcript lines on stderr (CFG_VERBOSE) */
	int err_errno;          /* errno of the last IO_ERROR */
	const char *err_text;   /* transport's text for the last IO_ERROR */
	size_t rpos, rlen;
	size_t wlen;
	unsigned char *rb;      /* the read buffer: rbuf, or stream_set_rbuf's */
	size_t rbsize;
	unsigned char rbuf[STREAM_RBUF];
	unsigned char wbuf[STREAM_WBUF];
};

/* transport over a connected socket (read/write/poll on fd) */
void xport_plain(struct transport *xp, int fd);

void stream_init(struct stream *s, const struct transport *xp, int timeout_ms);
/* Start a step: deadline = now + timeout_ms, for every call until the
 * next step or stream_set_deadline(s, 0). Returns the deadline. */
int64_t stream_step(struct stream *s);
/* Set the step's deadline (CLOCK_MONOTONIC ms; e.g. a body's deadline
 * proportional to its size); 0: each call gets timeout_ms from its start. */
void stream_set_deadline(struct stream *s, int64_t deadline);
/* The deadline a call starting now obeys (never past the limit). */
int64_t stream_deadline(const struct stream *s);
/* The end of everything on this stream (CLOCK_MONOTONIC ms; 0: none):
 * every wait, whatever deadline it was given (the *_by functions, a step,
 * a TLS handshake by stream_deadline), ends by it; once it is past,
 * nothing more is read from or written to the transport (IO_TIMEOUT).
 * Kept by stream_upgrade, cleared by stream_init. */
void stream_set_limit(struct stream *s, int64_t limit);

/* replace the transport, keeping no buffered input: the caller must check
 * stream_buffered() == 0 first (STARTTLS injection) */
void stream_upgrade(struct stream *s, const struct transport *xp);
/* unread input bytes held in the stream (and in the transport) */
size_t stream_buffered(const struct stream *s);
/* 1 if a read now would return at once: input buffered (stream or
 * transport), or the transport gives bytes, end of stream or an error to
 * one read attempt made without waiting (its bytes are kept for the next
 * read). 0 if no data is waiting, even when the descriptor polled
 * readable for a record that holds none (TLS: a session ticket, a
 * renegotiation request, an empty record): "has the peer said something?"
 * asked properly. Needs an empty read buffer or data in it; never waits. */
int stream_peek_ready(struct stream *s);

/* Read one line into buf (at most max-1 bytes plus NUL), line end removed.
 * Ends at LF; a CR right before it is removed too, a lone CR is kept.
 * A line longer than max-1 is IO_TOOLONG; the session is then unusable.
 * A final line without LF at end of stream is returned as IO_OK, the next
 * call gives IO_EOF. *len gets the length. Transcript: "S: line". */
int line_read(struct stream *s, char *buf, size_t max, size_t *len);

/* line_read with the caller's deadline (CLOCK_MONOTONIC ms, see mono_ms),
 * so one bound can cover several lines (a multi-line reply). */
int line_read_by(struct stream *s, char *buf, size_t max, size_t *len,
                 int64_t deadline);

/* Read 1..max bytes (what is available), waiting until the deadline. */
int stream_read(struct stream *s, void *buf, size_t max, size_t *got);
int stream_read_by(struct stream *s, void *buf, size_t max, size_t *got,
                   int64_t deadline);

/* A bigger read buffer (bulk data: fewer reads), kept by stream_upgrade;
 * the bytes buffered now move into it (they must fit). NULL: rbuf again. */
void stream_set_rbuf(struct stream *s, void *buf, size_t size);
/* The buffered input without a copy: *p and *n (>= 1) get what is there,
 * waiting for some by the deadline when there is none; stream_skip(s, k)
 * then consumes k <= *n of those bytes. */
int stream_peek_by(struct stream *s, const char **p, size_t *n, int64_t deadline);
void stream_skip(struct stream *s, size_t k);

/* Give back the last n bytes that the previous stream_read returned, so
 * the next read returns them again (a parser that read past its end).
 * Returns 0, or -1 if n is more than that read gave. */
int stream_unread(struct stream *s, size_t n);

/* Buffered write of len bytes (flushes when the buffer fills). */
int stream_write(struct stream *s, const void *buf, size_t len);
/* Write a command line plus CRLF; transcript "C: " shows the first `show`
 * bytes and masks the rest with "****" (show = (size_t)-1: all). */
int line_write(struct stream *s, const char *line, size_t show);
/* Send everything buffered (by the deadline). */
int stream_flush(struct stream *s);
int stream_flush_by(struct stream *s, int64_t deadline);

/* Words for an io_result ("timed out", "connection closed", ...),
 * using the stream's saved errno/transport text for IO_ERROR. */
const char *io_strerror(const struct stream *s, int r);
/* exit code for an io_result: EOF/TIMEOUT/ERROR -> EX_TEMPFAIL, TOOLONG -> EX_PROTOCOL */
int io_exitcode(int r);

#endif
