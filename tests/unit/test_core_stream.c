/* test_core_stream.c - the line reader and writer over the fake transport:
 * every split position, exact length bounds, timeouts, partial writes,
 * errors, the -v transcript with masking, and a real socket pair. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sysexits.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "sysopts.h"
#include "stream.h"
#include "net.h"
#include "tls.h"
#include "util.h"
#include "unit/fake_xport.h"

Suite *core_stream_suite(void);

#define MAXL 8
struct split_case {
	const char *in;
	size_t inlen;
	const char *lines[MAXL];        /* NULL-terminated; then IO_EOF */
};

#define S(x) x, sizeof x - 1
static const struct split_case splits[] = {
	{ S(""), { NULL } },
	{ S("a\r\nb\r\n"), { "a", "b", NULL } },
	{ S("a\nb\n"), { "a", "b", NULL } },
	{ S("a\r\nb\nc\r\n"), { "a", "b", "c", NULL } },
	{ S("x\ry\r\n"), { "x\ry", NULL } },            /* lone CR kept */
	{ S("\r\r\n"), { "\r", NULL } },
	{ S("\r\n\n\r\n"), { "", "", "", NULL } },     /* empty lines */
	{ S("\n"), { "", NULL } },
	{ S("last"), { "last", NULL } },               /* final line without LF */
	{ S("a\r\nlast"), { "a", "last", NULL } },
	{ S("a\r\nlast\r"), { "a", "last\r", NULL } }, /* CR without LF: kept */
	{ S("+OK 2 320\r\n.\r\n"), { "+OK 2 320", ".", NULL } },
	{ S("250-x\r\n250 y\n\n"), { "250-x", "250 y", "", NULL } },
	{ S("\r"), { "\r", NULL } },
};

static void stream_on(struct stream *s, struct fake *f, struct transport *xp,
                      const char *in, size_t len, size_t chunk)
{
	fake_init(f, xp, in, len, chunk);
	stream_init(s, xp, 2000);
}

static void check_split(const struct split_case *c, size_t chunk)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[64], what[96];
	size_t len, i;

	stream_on(&s, &f, &xp, c->in, c->inlen, chunk);
	for (i = 0; c->lines[i]; i++) {
		int r = line_read(&s, buf, sizeof buf, &len);
		snprintf(what, sizeof what, "case %d line %zu chunk %zu",
		         (int)(c - splits), i, chunk);
		ck_assert_msg(r == IO_OK, "%s: result %d", what, r);
		ck_assert_msg(hex_match(what, buf, len, c->lines[i], strlen(c->lines[i])),
		              "%s differs", what);
		ck_assert_msg(buf[len] == 0, "%s: not NUL-terminated", what);
	}
	ck_assert_msg(line_read(&s, buf, sizeof buf, &len) == IO_EOF,
	              "case %d chunk %zu: no EOF", (int)(c - splits), chunk);
	ck_assert_int_eq(len, 0);
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_EOF);
}

START_TEST(split_every_position)
{
	const struct split_case *c = &splits[_i];
	size_t chunk;

	check_split(c, 0);
	for (chunk = 1; chunk <= c->inlen; chunk++)
		check_split(c, chunk);
}
END_TEST

/* Lines around the bound of a 16-byte buffer (15 bytes + NUL). */
#define BMAX 16
struct bound_case {
	size_t body;            /* bytes before the terminator */
	const char *end;        /* "\r\n", "\n", "" (EOF), "\r\r\n" */
	int want;
};
static const struct bound_case bounds[] = {
	{ BMAX - 2, "\r\n", IO_OK },
	{ BMAX - 1, "\r\n", IO_OK },    /* CRLF straddles the bound */
	{ BMAX, "\r\n", IO_TOOLONG },
	{ BMAX + 1, "\r\n", IO_TOOLONG },
	{ BMAX - 2, "\n", IO_OK },
	{ BMAX - 1, "\n", IO_OK },
	{ BMAX, "\n", IO_TOOLONG },
	{ BMAX - 1, "", IO_OK },
	{ BMAX, "", IO_TOOLONG },
	{ BMAX - 2, "\r\r\n", IO_OK },  /* body + lone CR = max-1 */
	{ BMAX - 1, "\r\r\n", IO_TOOLONG },
	{ 100, "\r\n", IO_TOOLONG },
	{ 5000, "\n", IO_TOOLONG },     /* beyond the stream's own buffer */
};

START_TEST(bounds_every_split)
{
	const struct bound_case *c = &bounds[_i];
	static char in[6000];
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[BMAX], want[BMAX];
	size_t n, chunk, len, elen = strlen(c->end), step;

	for (n = 0; n < c->body; n++)
		in[n] = (char)('a' + n % 26);
	memcpy(in + c->body, c->end, elen);
	n = c->body + elen;
	memcpy(in + n, "next\r\n", 6);          /* a following line */
	step = n > 200 ? 97 : 1;
	for (chunk = 0; chunk <= n + 6; chunk += step) {
		int r;

		stream_on(&s, &f, &xp, in, n + (c->want == IO_OK && elen ? 6 : 0), chunk);
		r = line_read(&s, buf, sizeof buf, &len);
		ck_assert_msg(r == c->want, "body %zu end %zu chunk %zu: got %d want %d",
		              c->body, elen, chunk, r, c->want);
		if (r != IO_OK)
			continue;
		memcpy(want, in, c->body);
		if (!strcmp(c->end, "\r\r\n"))
			want[c->body] = '\r';
		ck_assert(hex_match("bounded line", buf, len, want,
		                    c->body + !strcmp(c->end, "\r\r\n")));
		if (!elen)
			continue;
		ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
		ck_assert_str_eq(buf, "next");
	}
}
END_TEST

START_TEST(max_tiny)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[1];
	size_t len = 99;

	stream_on(&s, &f, &xp, S("\r\nx\n"), 0);
	ck_assert_int_eq(line_read(&s, buf, 0, &len), IO_TOOLONG);
	ck_assert_int_eq(line_read(&s, buf, 1, &len), IO_OK);
	ck_assert_int_eq(len, 0);
	ck_assert_int_eq(buf[0], 0);
	ck_assert_int_eq(line_read(&s, buf, 1, &len), IO_TOOLONG);
}
END_TEST

/* a long line that spans several refills of the 4 KB stream buffer */
START_TEST(long_line_across_refills)
{
	static char in[6002], buf[8192];
	static struct fake f;
	static struct stream s;
	static const size_t chunks[] = { 0, 1, 4095, 4096, 4097, 5999 };
	struct transport xp;
	size_t i, len;

	memset(in, 'z', 6000);
	memcpy(in + 6000, "\r\n", 2);
	for (i = 0; i < sizeof chunks / sizeof *chunks; i++) {
		stream_on(&s, &f, &xp, in, sizeof in, chunks[i]);
		ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
		ck_assert(hex_match("long line", buf, len, in, 6000));
		ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_EOF);
		stream_on(&s, &f, &xp, in, sizeof in, chunks[i]);
		ck_assert_int_eq(line_read(&s, buf, 6000, &len), IO_TOOLONG);
		stream_on(&s, &f, &xp, in, sizeof in, chunks[i]);
		ck_assert_int_eq(line_read(&s, buf, 6001, &len), IO_OK);
	}
}
END_TEST

/* stream_read after line_read gives the exact bytes, NULs and CRs included */
START_TEST(read_after_line_binary)
{
	static const char in[] = "+OK 7 octets\r\n\0\1\r\n\xff\n.\r\nEND";
	static struct fake f;
	static struct stream s;
	struct transport xp;
	const size_t body = 14, total = sizeof in - 1;
	char buf[64], got[64];
	size_t chunk, len, n, gl;

	for (chunk = 0; chunk <= total; chunk++) {
		stream_on(&s, &f, &xp, in, total, chunk);
		ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
		ck_assert_str_eq(buf, "+OK 7 octets");
		gl = 0;
		for (;;) {
			int r = stream_read(&s, got + gl, 3, &n);
			if (r == IO_EOF)
				break;
			ck_assert_int_eq(r, IO_OK);
			ck_assert(n >= 1 && n <= 3);
			gl += n;
		}
		ck_assert_int_eq(n, 0);
		ck_assert(hex_match("binary tail", got, gl, in + body, total - body));
	}
}
END_TEST

/* stream_unread gives back the tail of the last read, then the next
 * line_read sees it; more than that read gave is refused */
START_TEST(unread_tail)
{
	static const char in[] = "abc.\r\n+OK next\r\n";
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[64];
	size_t n, len;

	stream_on(&s, &f, &xp, in, sizeof in - 1, 0);
	ck_assert_int_eq(stream_read(&s, buf, 10, &n), IO_OK);
	ck_assert_uint_eq(n, 10);
	ck_assert_int_eq(stream_unread(&s, 11), -1);
	ck_assert_int_eq(stream_unread(&s, 4), 0);      /* keep "abc.\r\n" */
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	ck_assert_str_eq(buf, "+OK next");
}
END_TEST

/* line_read_by: buffered lines are returned whatever the deadline; once
 * input must be waited for, a deadline already past times out at once */
START_TEST(line_read_by_deadline)
{
	static const char in[] = "250-a\r\n";
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[64];
	size_t len;
	int64_t t0;

	stream_on(&s, &f, &xp, in, sizeof in - 1, 0);
	s.timeout_ms = 10000;
	ck_assert_int_eq(line_read_by(&s, buf, sizeof buf, &len, mono_ms() + 10000), IO_OK);
	ck_assert_str_eq(buf, "250-a");
	f.silent = 1;
	t0 = mono_ms();
	ck_assert_int_eq(line_read_by(&s, buf, sizeof buf, &len, t0 - 1), IO_TIMEOUT);
	ck_assert(mono_ms() - t0 < 1000);       /* not s.timeout_ms */
}
END_TEST

static size_t pend_fn(void *ctx)
{
	(void)ctx;
	return 5;
}

START_TEST(buffered_counts)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[16];
	size_t len;

	stream_on(&s, &f, &xp, S("a\r\nbc"), 0);
	ck_assert_int_eq(stream_buffered(&s), 0);
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	ck_assert_int_eq(stream_buffered(&s), 2);       /* STARTTLS injection */
	stream_on(&s, &f, &xp, S("a\r\nbc"), 3);
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	ck_assert_int_eq(stream_buffered(&s), 0);
	xp.pending = pend_fn;                           /* TLS-held bytes */
	stream_upgrade(&s, &xp);
	ck_assert_int_eq(stream_buffered(&s), 5);
}
END_TEST

START_TEST(upgrade_keeps_settings)
{
	static struct fake f, g;
	static struct stream s;
	struct transport xp, yp;
	char buf[16];
	size_t len;

	stream_on(&s, &f, &xp, S("220 go\r\nleft"), 0);
	s.verbose = 0;
	s.timeout_ms = 1234;
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	fake_init(&g, &yp, S("secure\n"), 0);
	stream_upgrade(&s, &yp);
	ck_assert_int_eq(s.timeout_ms, 1234);
	ck_assert_int_eq(stream_buffered(&s), 0);       /* "left" dropped */
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	ck_assert_str_eq(buf, "secure");
}
END_TEST

/* ---- timeouts ----------------------------------------------------------- */

static void assert_took(int64_t t0, int ms)
{
	int64_t took = mono_ms() - t0;

	ck_assert_msg(took >= ms - 20, "returned after %lld ms, before %d ms",
	              (long long)took, ms);
	ck_assert_msg(took < ms + 1000, "returned after %lld ms, timeout %d ms",
	              (long long)took, ms);
}

START_TEST(silent_line_read_times_out)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[16];
	size_t len;
	int64_t t0;

	fake_init(&f, &xp, "", 0, 0);
	f.silent = 1;
	stream_init(&s, &xp, 300);
	t0 = mono_ms();
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_TIMEOUT);
	assert_took(t0, 300);
	ck_assert_int_eq(io_exitcode(IO_TIMEOUT), EX_TEMPFAIL);
	t0 = mono_ms();
	ck_assert_int_eq(stream_read(&s, buf, sizeof buf, &len), IO_TIMEOUT);
	assert_took(t0, 300);
}
END_TEST

/* half a line, then silence: still a timeout, not a partial line */
START_TEST(partial_then_silent)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[16];
	size_t len;
	int64_t t0;

	stream_on(&s, &f, &xp, S("250 hal"), 0);
	s.timeout_ms = 200;
	ck_assert_int_eq(stream_read(&s, buf, 1, &len), IO_OK);
	f.silent = 1;
	t0 = mono_ms();
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_TIMEOUT);
	assert_took(t0, 200);
}
END_TEST

START_TEST(real_socket_times_out)
{
	static struct stream s;
	struct transport xp;
	char buf[16];
	size_t len;
	int sv[2];
	int64_t t0;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	xport_plain(&xp, sv[0]);
	stream_init(&s, &xp, 250);
	t0 = mono_ms();
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_TIMEOUT);
	assert_took(t0, 250);
	ck_assert_int_eq(write(sv[1], "hi\r\nyo", 6), 6);
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	ck_assert_str_eq(buf, "hi");
	close(sv[1]);
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	ck_assert_str_eq(buf, "yo");
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_EOF);
	close(sv[0]);
}
END_TEST

/* a server dripping one byte every 60 ms: the line must still come within
 * the timeout, not within timeout per byte */
START_TEST(drip_times_out)
{
	static struct stream s;
	struct transport xp;
	char buf[64];
	size_t len;
	int sv[2], i;
	int64_t t0;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(sv[0]);
		for (i = 0; i < 20; i++) {
			if (write(sv[1], "x", 1) != 1)
				_exit(1);
			usleep(60000);
		}
		_exit(0);
	}
	close(sv[1]);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	xport_plain(&xp, sv[0]);
	stream_init(&s, &xp, 300);
	t0 = mono_ms();
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_TIMEOUT);
	assert_took(t0, 300);
	close(sv[0]);
	waitpid(pid, NULL, 0);
}
END_TEST

/* a peer dripping one byte every 60 ms with the socket pair's fd */
static pid_t dripper(int sv[2], int bytes)
{
	pid_t pid = fork();
	int i;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(sv[0]);
		for (i = 0; i < bytes; i++) {
			if (write(sv[1], "x", 1) != 1)
				_exit(1);
			usleep(60000);
		}
		_exit(0);
	}
	close(sv[1]);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	return pid;
}

/* a step's deadline spans calls: stream_read returns each dripped byte at
 * once, and the step still ends at its deadline (a timeout restarted by
 * each call would read all 30 bytes, 1.8 s) */
START_TEST(step_spans_calls)
{
	static struct stream s;
	struct transport xp;
	char buf[64];
	size_t len, total = 0;
	int sv[2], r;
	int64_t t0, d;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = dripper(sv, 30);
	xport_plain(&xp, sv[0]);
	stream_init(&s, &xp, 300);
	t0 = mono_ms();
	d = stream_step(&s);
	ck_assert(d >= t0 + 300 && d <= mono_ms() + 300);
	ck_assert(stream_deadline(&s) == d);
	while ((r = stream_read(&s, buf, sizeof buf, &len)) == IO_OK)
		total += len;
	ck_assert_int_eq(r, IO_TIMEOUT);
	assert_took(t0, 300);
	ck_assert_uint_gt(total, 0);
	ck_assert_uint_lt(total, 15);
	/* back to per call: each call gets timeout_ms from its start */
	stream_set_deadline(&s, 0);
	t0 = mono_ms();
	ck_assert(stream_deadline(&s) >= t0 + 300 && stream_deadline(&s) <= mono_ms() + 300);
	ck_assert_int_eq(stream_read(&s, buf, sizeof buf, &len), IO_OK);
	close(sv[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
END_TEST

/* the _by variants take the caller's deadline, whatever the step says */
START_TEST(read_by_deadline)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[16];
	size_t len;
	int64_t t0;

	fake_init(&f, &xp, "", 0, 0);
	f.silent = 1;
	stream_init(&s, &xp, 10000);
	stream_step(&s);
	t0 = mono_ms();
	ck_assert_int_eq(stream_read_by(&s, buf, sizeof buf, &len, t0 + 100), IO_TIMEOUT);
	assert_took(t0, 100);
	ck_assert_int_eq(stream_write(&s, "x", 1), IO_OK);
	f.silent = 0;
	f.want_write = 1000000;         /* never takes a byte */
	ck_assert_int_eq(fake_ready(&f, &xp), 0);
	stream_init(&s, &xp, 10000);
	ck_assert_int_eq(stream_write(&s, "x", 1), IO_OK);
	t0 = mono_ms();
	ck_assert_int_eq(stream_flush_by(&s, t0 + 100), IO_TIMEOUT);
	assert_took(t0, 100);
	fake_close(&f);
}
END_TEST

/* STARTTLS swaps the transport, not the step */
START_TEST(upgrade_keeps_deadline)
{
	static struct fake f, g;
	static struct stream s;
	struct transport xp, yp;
	int64_t d;

	fake_init(&f, &xp, S("x"), 0);
	stream_init(&s, &xp, 500);
	d = stream_step(&s);
	fake_init(&g, &yp, S("y"), 0);
	stream_upgrade(&s, &yp);
	ck_assert(s.deadline == d);
	ck_assert_int_eq(s.timeout_ms, 500);
}
END_TEST

/* a peer that reads a little now and then: the write ends at its deadline
 * (a timeout restarted on each bit of progress would go on for seconds) */
START_TEST(write_drip_times_out)
{
	static struct stream s;
	static char big[1 << 16];
	struct transport xp;
	int sv[2], size = 4096, r;
	int64_t t0;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char buf[2048];

		close(sv[0]);
		while (read(sv[1], buf, sizeof buf) > 0)
			usleep(50000);
		_exit(0);
	}
	close(sv[1]);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	xport_plain(&xp, sv[0]);
	stream_init(&s, &xp, 300);
	t0 = mono_ms();
	r = stream_write(&s, big, sizeof big);
	ck_assert_int_eq(r, IO_TIMEOUT);
	assert_took(t0, 300);
	close(sv[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
END_TEST

START_TEST(real_socket_write)
{
	static struct stream s;
	struct transport xp;
	char buf[64];
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	xport_plain(&xp, sv[0]);
	xp.fd = -1;                     /* stream_init must not keep &xp.fd */
	xport_plain(&xp, sv[0]);
	stream_init(&s, &xp, 1000);
	memset(&xp, 0, sizeof xp);      /* the caller's copy may go away */
	ck_assert_int_eq(line_write(&s, "QUIT", (size_t)-1), IO_OK);
	ck_assert_int_eq(stream_flush(&s), IO_OK);
	ck_assert_int_eq(read(sv[1], buf, sizeof buf), 6);
	ck_assert(hex_match("socket write", buf, 6, "QUIT\r\n", 6));
	close(sv[1]);
	close(sv[0]);
}
END_TEST

/* a peer that never reads: the socket buffer fills, the write times out */
START_TEST(write_times_out)
{
	static struct stream s;
	static char big[1 << 16];
	struct transport xp;
	int sv[2], i, r = IO_OK;
	int64_t t0;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	xport_plain(&xp, sv[0]);
	stream_init(&s, &xp, 200);
	t0 = mono_ms();
	for (i = 0; i < 200 && r == IO_OK; i++)
		r = stream_write(&s, big, sizeof big);
	ck_assert_int_eq(r, IO_TIMEOUT);
	ck_assert(mono_ms() - t0 >= 180);
	close(sv[1]);
	close(sv[0]);
}
END_TEST

/* ---- writes ------------------------------------------------------------- */

START_TEST(write_partial_one_byte)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;

	stream_on(&s, &f, &xp, "", 0, 0);
	f.wchunk = 1;
	ck_assert_int_eq(line_write(&s, "MAIL FROM:<a@b>", (size_t)-1), IO_OK);
	ck_assert_int_eq(line_write(&s, "", (size_t)-1), IO_OK);
	ck_assert_int_eq(f.outlen, 0);                  /* buffered until flush */
	ck_assert_int_eq(stream_flush(&s), IO_OK);
	ck_assert(hex_match("partial", f.out, f.outlen, S("MAIL FROM:<a@b>\r\n\r\n")));
	ck_assert_int_eq(f.nwrites, 19);
	ck_assert_int_eq(stream_flush(&s), IO_OK);      /* nothing left */
	ck_assert_int_eq(f.nwrites, 19);
}
END_TEST

START_TEST(write_large_chunked)
{
	static struct fake f;
	static struct stream s;
	static char big[10000];
	struct transport xp;
	size_t i;

	for (i = 0; i < sizeof big; i++)
		big[i] = (char)(i * 7 + i / 251);
	stream_on(&s, &f, &xp, "", 0, 0);
	f.wchunk = 7;
	ck_assert_int_eq(stream_write(&s, "HDR", 3), IO_OK);
	ck_assert_int_eq(stream_write(&s, big, sizeof big), IO_OK);
	ck_assert_int_eq(stream_write(&s, big, 4000), IO_OK);
	ck_assert_int_eq(stream_write(&s, big, 4000), IO_OK); /* forces a flush */
	ck_assert_int_eq(stream_flush(&s), IO_OK);
	ck_assert_int_eq(f.outlen, 3 + sizeof big + 8000);
	ck_assert(hex_match("hdr", f.out, 3, "HDR", 3));
	ck_assert(hex_match("big", f.out + 3, sizeof big, big, sizeof big));
	ck_assert(hex_match("4000a", f.out + 3 + sizeof big, 4000, big, 4000));
	ck_assert(hex_match("4000b", f.out + 3 + sizeof big + 4000, 4000, big, 4000));
}
END_TEST

START_TEST(want_write_then_ok)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;

	stream_on(&s, &f, &xp, "", 0, 0);
	f.want_write = 3;
	f.wchunk = 2;
	ck_assert_int_eq(fake_ready(&f, &xp), 0);
	stream_init(&s, &xp, 1000);
	ck_assert_int_eq(line_write(&s, "NOOP", (size_t)-1), IO_OK);
	ck_assert_int_eq(stream_flush(&s), IO_OK);
	ck_assert(hex_match("want_write", f.out, f.outlen, S("NOOP\r\n")));
	ck_assert_int_eq(f.nwrites, 3 * (3 + 1));   /* 3 writes of 2 bytes */
	fake_close(&f);
}
END_TEST

START_TEST(want_write_forever_times_out)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	int64_t t0;

	stream_on(&s, &f, &xp, "", 0, 0);
	f.want_write = f.wr_left = 1 << 30;             /* fd -1: never ready */
	s.timeout_ms = 150;
	ck_assert_int_eq(line_write(&s, "NOOP", (size_t)-1), IO_OK);
	t0 = mono_ms();
	ck_assert_int_eq(stream_flush(&s), IO_TIMEOUT);
	assert_took(t0, 150);
}
END_TEST

START_TEST(want_read_then_data)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[16];
	size_t len;

	stream_on(&s, &f, &xp, S("+OK hi\r\n"), 2);
	f.want_read = 2;
	ck_assert_int_eq(fake_ready(&f, &xp), 0);
	stream_init(&s, &xp, 1000);
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	ck_assert_str_eq(buf, "+OK hi");
	ck_assert_int_eq(f.nreads, 4 * 3);
	fake_close(&f);
}
END_TEST

static const char *xp_text(void *ctx)
{
	(void)ctx;
	return "TLS alert: bad record mac";
}

START_TEST(errors)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[16];
	size_t len;

	stream_on(&s, &f, &xp, "", 0, 0);
	f.fail_write = 1;
	ck_assert_int_eq(line_write(&s, "QUIT", (size_t)-1), IO_OK);
	ck_assert_int_eq(stream_flush(&s), IO_ERROR);
	ck_assert_int_eq(s.err_errno, EPIPE);
	ck_assert_str_eq(io_strerror(&s, IO_ERROR), strerror(EPIPE));
	ck_assert_int_eq(io_exitcode(IO_ERROR), EX_TEMPFAIL);

	stream_on(&s, &f, &xp, "", 0, 0);
	f.eof_write = 1;                                /* write() returned 0 */
	ck_assert_int_eq(line_write(&s, "QUIT", (size_t)-1), IO_OK);
	ck_assert_int_eq(stream_flush(&s), IO_ERROR);

	stream_on(&s, &f, &xp, S("x\n"), 0);
	f.fail_read = 1;
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_ERROR);
	ck_assert_int_eq(s.err_errno, ECONNRESET);
	xp.error = xp_text;
	stream_init(&s, &xp, 100);
	ck_assert_int_eq(stream_read(&s, buf, sizeof buf, &len), IO_ERROR);
	ck_assert_str_eq(io_strerror(&s, IO_ERROR), "TLS alert: bad record mac");
}
END_TEST

START_TEST(strerror_and_exitcodes)
{
	static struct stream s;
	static const struct { int r, code; const char *text; } t[] = {
		{ IO_OK, 0, "no error" },
		{ IO_EOF, EX_TEMPFAIL, "connection closed by server" },
		{ IO_TIMEOUT, EX_TEMPFAIL, "timed out" },
		{ IO_TOOLONG, EX_PROTOCOL, "line too long" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		ck_assert_int_eq(io_exitcode(t[i].r), t[i].code);
		ck_assert_str_eq(io_strerror(&s, t[i].r), t[i].text);
	}
	ck_assert_str_eq(io_strerror(&s, 99), "unknown error");
}
END_TEST

/* ---- transcript --------------------------------------------------------- */

START_TEST(transcript_masks_secrets)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[64], got[512];
	size_t len;

	stream_on(&s, &f, &xp, S("334 \r\n235 ok\r\n"), 0);
	s.verbose = 1;
	stderr_capture();
	line_write(&s, "EHLO me", (size_t)-1);
	line_write(&s, "AUTH PLAIN AHRpbQB0YW5zdGFhZg==", 11);
	line_write(&s, "c2VjcmV0", 0);
	line_read(&s, buf, sizeof buf, &len);
	line_read(&s, buf, sizeof buf, &len);
	stream_flush(&s);
	stderr_captured(got, sizeof got);
	if (CFG_VERBOSE)
		ck_assert_str_eq(got, "C: EHLO me\nC: AUTH PLAIN ****\nC: ****\n"
		                 "S: 334 \nS: 235 ok\n");
	else
		ck_assert_str_eq(got, "");
	ck_assert_ptr_null(strstr(got, "AHRpbQ"));
	/* the wire gets everything */
	ck_assert(hex_match("wire", f.out, f.outlen,
	                    S("EHLO me\r\nAUTH PLAIN AHRpbQB0YW5zdGFhZg==\r\nc2VjcmV0\r\n")));
	/* verbose off: nothing on stderr */
	s.verbose = 0;
	stderr_capture();
	line_write(&s, "QUIT", (size_t)-1);
	stderr_captured(got, sizeof got);
	ck_assert_str_eq(got, "");
}
END_TEST

/* a hostile server's escape sequences never reach the terminal raw; long
 * lines come out whole */
START_TEST(transcript_escapes)
{
	static char in[3000], got[8192], want[8192];
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[2048];
	size_t len, i, n = 0;

	static const char hdr[] = "220 \x1b[2J\x07hi\tthere\x7f\r\n";
	const size_t h = sizeof hdr - 1;

	memcpy(in, hdr, h);
	for (i = 0; i < 1500; i++)
		in[h + i] = i % 100 == 99 ? '\x01' : (char)('a' + i % 26);
	memcpy(in + h + 1500, "\r\n", 2);
	stream_on(&s, &f, &xp, in, h + 1502, 0);
	s.verbose = 1;
	stderr_capture();
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	line_write(&s, buf, 700);
	stderr_captured(got, sizeof got);
	if (!CFG_VERBOSE)
		return;
	n = (size_t)snprintf(want, sizeof want, "S: 220 \\x1b[2J\\x07hi\tthere\\x7f\nS: ");
	for (i = 0; i < 1500; i++)
		n += (size_t)snprintf(want + n, sizeof want - n, i % 100 == 99 ? "\\x01" : "%c",
		                      'a' + (int)(i % 26));
	n += (size_t)snprintf(want + n, sizeof want - n, "\nC: ");
	for (i = 0; i < 700; i++)
		n += (size_t)snprintf(want + n, sizeof want - n, i % 100 == 99 ? "\\x01" : "%c",
		                      'a' + (int)(i % 26));
	snprintf(want + n, sizeof want - n, "****\n");
	ck_assert_str_eq(got, want);
	ck_assert_ptr_null(memchr(got, 0x1b, strlen(got)));
}
END_TEST

/* the stream's limit (pop3get --max-time) ends every wait, whatever
 * deadline the call has: per call, a step, a *_by deadline */
START_TEST(limit_bounds_every_wait)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[16];
	size_t len;
	int64_t t0;

	stream_on(&s, &f, &xp, "", 0, 0);
	f.silent = 1;
	s.timeout_ms = 30000;
	t0 = mono_ms();
	stream_set_limit(&s, t0 + 200);
	ck_assert_int_le(stream_deadline(&s), t0 + 200);
	ck_assert_int_le(stream_step(&s), t0 + 200);
	stream_set_deadline(&s, 0);
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_TIMEOUT);
	assert_took(t0, 200);
	t0 = mono_ms();
	stream_set_limit(&s, t0 + 200);
	ck_assert_int_eq(stream_read_by(&s, buf, sizeof buf, &len, t0 + 30000), IO_TIMEOUT);
	assert_took(t0, 200);
	t0 = mono_ms();
	stream_set_limit(&s, t0 + 200);
	ck_assert_int_eq(line_read_by(&s, buf, sizeof buf, &len, t0 + 30000), IO_TIMEOUT);
	assert_took(t0, 200);
}
END_TEST

/* past the limit nothing more is read or written, even what would not
 * wait; the limit survives a STARTTLS upgrade */
START_TEST(limit_past_nothing_moves)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[16];
	size_t len;

	stream_on(&s, &f, &xp, S("+OK\r\n"), 0);
	stream_set_limit(&s, mono_ms() - 1);
	stream_upgrade(&s, &xp);
	ck_assert_int_ne(s.limit, 0);
	ck_assert_int_eq(line_write(&s, "QUIT", (size_t)-1), IO_OK);  /* buffered */
	ck_assert_int_eq(stream_flush(&s), IO_TIMEOUT);
	ck_assert_uint_eq(f.outlen, 0);
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_TIMEOUT);
	ck_assert_int_eq(f.nreads, 0);
	stream_set_limit(&s, 0);        /* none */
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	ck_assert_str_eq(buf, "+OK");
}
END_TEST

/* "has the peer said something?": a descriptor that polls readable for a
 * record without data (a TLS session ticket: the transport says
 * WANT_READ) is not input; data is, and stays for the next read; so do
 * bytes already buffered and the end of the stream */
START_TEST(peek_ready_asks_the_transport)
{
	static struct fake f;
	static struct stream s;
	struct transport xp;
	char buf[16];
	size_t len;
	int64_t t0;

	fake_init(&f, &xp, S("a\r\nb\r\n"), 0);
	f.want_read = 1;                /* one record without data first */
	ck_assert_int_eq(fake_ready(&f, &xp), 0);
	stream_init(&s, &xp, 2000);
	t0 = mono_ms();
	ck_assert_int_eq(stream_peek_ready(&s), 0);
	ck_assert_int_lt(mono_ms() - t0, 100);  /* never waits */
	ck_assert_int_eq(f.nreads, 1);
	ck_assert_int_eq(stream_peek_ready(&s), 1);
	ck_assert_int_eq(f.nreads, 2);
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	ck_assert_str_eq(buf, "a");
	ck_assert_int_eq(stream_peek_ready(&s), 1);     /* "b" buffered */
	ck_assert_int_eq(f.nreads, 2);
	fake_close(&f);
	/* a descriptor that never polls ready: no read is tried */
	fake_init(&f, &xp, S("x\r\n"), 0);
	stream_init(&s, &xp, 2000);
	ck_assert_int_eq(stream_peek_ready(&s), 0);
	ck_assert_int_eq(f.nreads, 0);
}
END_TEST

START_TEST(peek_ready_real_socket)
{
	static struct stream s;
	struct transport xp;
	char buf[16];
	size_t len;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	xport_plain(&xp, sv[0]);
	stream_init(&s, &xp, 2000);
	ck_assert_int_eq(stream_peek_ready(&s), 0);
	ck_assert_int_eq(write(sv[1], "250 x\r\n", 7), 7);
	ck_assert_int_eq(stream_peek_ready(&s), 1);
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_OK);
	ck_assert_str_eq(buf, "250 x");
	ck_assert_int_eq(stream_peek_ready(&s), 0);
	close(sv[1]);
	ck_assert_int_eq(stream_peek_ready(&s), 1);     /* the end: say so */
	ck_assert_int_eq(line_read(&s, buf, sizeof buf, &len), IO_EOF);
	close(sv[0]);
}
END_TEST

#if CFG_TLS
/* TLS for real: openssl s_server -tls1_2 sends a HelloRequest ("r" on its
 * standard input) after the handshake: the socket polls readable, but no
 * application data came (as with a TLS 1.3 session ticket), so
 * stream_peek_ready() says 0 at once; the old poll-only check said 1 and
 * smtpsend waited for an "early reply" that never came */
static char peek_dir[] = "/tmp/wb-peek.XXXXXX";

static int peek_port(void)
{
	struct sockaddr_in a;
	socklen_t l = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static pid_t peek_server(int port, int *cmd)
{
	char p[8];
	int in[2];
	pid_t pid;

	ck_assert_int_eq(pipe(in), 0);
	snprintf(p, sizeof p, "%d", port);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (dup2(in[0], 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 ||
		    chdir(peek_dir))
			_exit(127);
		close(in[1]);
		execlp("openssl", "openssl", "s_server", "-tls1_2", "-accept", p, "-cert",
		       "cert.pem", "-key", "key.pem", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	*cmd = in[1];                   /* closing it ends the server */
	return pid;
}

START_TEST(peek_ready_tls_record_without_data)
{
	char cmd[512], port[8];
	static struct stream s;
	static struct tls_opts o;
	struct tls *t = NULL;
	struct transport xp;
	struct wb_err e = { 0, "" };
	int fd = -1, in, i;
	int64_t t0;
	pid_t pid;

	ck_assert_ptr_nonnull(mkdtemp(peek_dir));
	snprintf(cmd, sizeof cmd, "cd %s && openssl req -x509 -newkey ec -pkeyopt "
	         "ec_paramgen_curve:P-256 -nodes -days 2 -keyout key.pem -out cert.pem "
	         "-subj /CN=localhost 2>/dev/null >/dev/null", peek_dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(port, sizeof port, "%d", peek_port());
	pid = peek_server(atoi(port), &in);
	for (i = 0; i < 100 && fd < 0; i++) {
		usleep(50000);
		fd = net_connect("127.0.0.1", port, AF_INET, 1000, &e);
	}
	ck_assert_int_ge(fd, 0);
	xport_plain(&xp, fd);
	stream_init(&s, &xp, 3000);
	o.insecure = 1;
	stderr_capture();               /* the --insecure warning */
	i = tls_start(&t, &s, &o, "localhost", mono_ms() + 3000, &e);
	stderr_captured(cmd, sizeof cmd);
	ck_assert_msg(i == 0, "%s", e.msg);
	ck_assert_int_eq(stream_peek_ready(&s), 0);     /* nothing yet */
	ck_assert_int_eq(write(in, "r\n", 2), 2);       /* renegotiate: HelloRequest */
	ck_assert_int_eq(net_wait(fd, POLLIN, 3000), 1);        /* poll: readable */
	/* OpenSSL answers our no_renegotiation warning with a fatal alert,
	 * which mbedTLS would read on into: hold the server still */
	kill(pid, SIGSTOP);
	t0 = mono_ms();
	i = stream_peek_ready(&s);      /* but no data */
	t0 = mono_ms() - t0;
	tls_close(&t);
	close(fd);
	close(in);
	kill(pid, SIGKILL);             /* before any assertion can end us */
	waitpid(pid, NULL, 0);
	ck_assert_int_eq(i, 0);
	ck_assert_int_lt(t0, 500);
	snprintf(cmd, sizeof cmd, "rm -rf %s", peek_dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST
#endif

Suite *core_stream_suite(void)
{
	Suite *s = suite_create("core_stream");
	TCase *tc = tcase_create("lines");
	TCase *tt = tcase_create("timeouts");
	TCase *tw = tcase_create("writes");

	tcase_add_loop_test(tc, split_every_position, 0, sizeof splits / sizeof *splits);
	tcase_add_loop_test(tc, bounds_every_split, 0, sizeof bounds / sizeof *bounds);
	tcase_add_test(tc, max_tiny);
	tcase_add_test(tc, long_line_across_refills);
	tcase_add_test(tc, read_after_line_binary);
	tcase_add_test(tc, unread_tail);
	tcase_add_test(tc, line_read_by_deadline);
	tcase_add_test(tc, buffered_counts);
	tcase_add_test(tc, upgrade_keeps_settings);
	suite_add_tcase(s, tc);
	tcase_add_test(tt, silent_line_read_times_out);
	tcase_add_test(tt, partial_then_silent);
	tcase_add_test(tt, real_socket_times_out);
	tcase_add_test(tt, write_times_out);
	tcase_add_test(tt, drip_times_out);
	tcase_add_test(tt, step_spans_calls);
	tcase_add_test(tt, read_by_deadline);
	tcase_add_test(tt, write_drip_times_out);
	tcase_add_test(tt, upgrade_keeps_deadline);
	tcase_add_test(tt, limit_bounds_every_wait);
	tcase_add_test(tt, limit_past_nothing_moves);
	tcase_add_test(tt, peek_ready_asks_the_transport);
	tcase_add_test(tt, peek_ready_real_socket);
#if CFG_TLS
	tcase_add_test(tt, peek_ready_tls_record_without_data);
#endif
	tcase_set_timeout(tt, 20);
	suite_add_tcase(s, tt);
	tcase_add_test(tw, write_partial_one_byte);
	tcase_add_test(tw, write_large_chunked);
	tcase_add_test(tw, want_write_then_ok);
	tcase_add_test(tw, want_write_forever_times_out);
	tcase_add_test(tw, want_read_then_data);
	tcase_add_test(tw, errors);
	tcase_add_test(tw, strerror_and_exitcodes);
	tcase_add_test(tw, transcript_masks_secrets);
	tcase_add_test(tw, transcript_escapes);
	tcase_add_test(tw, real_socket_write);
	suite_add_tcase(s, tw);
	return s;
}
