/* test_smtp_session.c - the SMTP client state machine against scripted
 * server bytes (served one byte at a time as well as whole): the exact
 * commands sent, the pipelined group in one write, the recipient policy,
 * AUTH, STARTTLS, errors and their exit codes. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include "sysopts.h"
#include "util.h"
#include "applets/smtpsend/smtp.h"
#include "unit/fake_xport.h"

Suite *smtp_session_suite(void);

#define EHLO_PIPE "220 fake ESMTP\r\n250-fake\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 1000\r\n250 AUTH PLAIN LOGIN\r\n"
#define EHLO_LOCK "220 fake ESMTP\r\n250-fake\r\n250 SIZE\r\n"

static struct fake f;
static struct stream st;
static struct smtp c;
static struct wb_err e;
static const char *body_text = "Subject: t\n\nhi\n.dot\n";

static int body(struct smtp *s, void *ctx, struct wb_err *err)
{
	(void)ctx;
	if (smtp_body_write(s, body_text, strlen(body_text), err))
		return -1;
	return smtp_body_end(s, err);
}

/* the server's early "250" lands in the stream while the body is written */
static const char *early = "250 2.0.0 early\r\n";
static int early_body(struct smtp *s, void *ctx, struct wb_err *err)
{
	(void)ctx;
	if (smtp_body_write(s, body_text, strlen(body_text), err))
		return -1;
	memcpy(s->s->rbuf + s->s->rlen, early, strlen(early));
	s->s->rlen += strlen(early);
	return smtp_body_end(s, err);
}

static const char *rcpts[] = { "a@x.test", "b@x.test", "c@x.test" };

/* a server answers after it reads our commands: serve at most one line
 * per read, so nothing is buffered ahead of the reply being read */
static ssize_t (*fake_read_all)(void *ctx, void *buf, size_t len);
static ssize_t read_line(void *ctx, void *buf, size_t len)
{
	const char *p = f.in + f.inpos, *nl = memchr(p, '\n', f.inlen - f.inpos);

	if (nl && (size_t)(nl - p) + 1 < len)
		len = (size_t)(nl - p) + 1;
	return fake_read_all(ctx, buf, len);
}

/* at most chunk bytes (0: any number) of one line per read;
 * (size_t)-1: everything at once (a server that sends ahead) */
static void setup(const char *script, size_t chunk, int nrcpt)
{
	struct transport xp;
	int i;

	fake_init(&f, &xp, script, strlen(script), chunk == (size_t)-1 ? 0 : chunk);
	if (chunk != (size_t)-1) {
		fake_read_all = xp.read;
		xp.read = read_line;
	}
	stream_init(&st, &xp, 1000);
	smtp_init(&c, &st);
	c.server = "fake:25";
	c.helo = "client.test";
	c.from = "s@x.test";
	for (i = 0; i < nrcpt; i++)
		c.rcpt[i] = rcpts[i];
	c.nrcpt = nrcpt;
	c.eightbit = 0;
	c.body = body;
	c.secure = 1;
	memset(&e, 0, sizeof e);
}

static int out_has(const char *s)
{
	f.out[f.outlen < sizeof f.out ? f.outlen : sizeof f.out - 1] = 0;
	return strstr(f.out, s) != NULL;
}

START_TEST(pipelined_send)
{
	const char *script = EHLO_PIPE "250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.1.5 ok\r\n"
	                     "354 go\r\n250 2.0.0 queued\r\n221 bye\r\n";
	const char *want = "EHLO client.test\r\nMAIL FROM:<s@x.test> SIZE=22\r\n"
	                   "RCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n"
	                   "Subject: t\r\n\r\nhi\r\n..dot\r\n.\r\nQUIT\r\n";

	setup(script, (size_t)_i, 2);
	c.size = 22;
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	ck_assert(hex_match("pipelined", f.out, f.outlen, want, strlen(want)));
	/* EHLO; MAIL+RCPT+RCPT+DATA; message with its final dot; QUIT */
	ck_assert_int_eq(f.nwrites, 4);
	ck_assert_int_eq(c.delivered, 1);
	ck_assert_int_eq(c.accepted, 2);
}
END_TEST

START_TEST(lockstep_send)
{
	const char *script = EHLO_LOCK "250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n221 bye\r\n";
	const char *want = "EHLO client.test\r\nMAIL FROM:<s@x.test>\r\nRCPT TO:<a@x.test>\r\n"
	                   "DATA\r\nSubject: t\r\n\r\nhi\r\n..dot\r\n.\r\nQUIT\r\n";

	setup(script, (size_t)_i, 1);
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	ck_assert(hex_match("lockstep", f.out, f.outlen, want, strlen(want)));
	ck_assert_int_eq(f.nwrites, 6);
}
END_TEST

START_TEST(greeting_421)
{
	setup("421 4.3.2 too busy\r\n", 0, 1);
	ck_assert_int_eq(smtp_run(&c, &e), EX_TEMPFAIL);
	ck_assert_str_eq(c.step, "greeting");
	ck_assert_str_eq(e.msg, "421 4.3.2 too busy");
	ck_assert_uint_eq(f.outlen, 0);
}
END_TEST

START_TEST(greeting_554_quits)
{
	setup("554 no\r\n", 0, 1);
	ck_assert_int_eq(smtp_run(&c, &e), EX_UNAVAILABLE);
	ck_assert(out_has("QUIT\r\n"));
}
END_TEST

START_TEST(garbage_and_long)
{
	char longline[1200];

	setup("220 hi\r\nwhat is this\r\n", 0, 1);
	ck_assert_int_eq(smtp_run(&c, &e), EX_PROTOCOL);
	ck_assert_str_eq(c.step, "EHLO");
	memset(longline, 'x', sizeof longline);
	memcpy(longline, "220 ", 4);
	memcpy(longline + sizeof longline - 3, "\r\n", 3);
	setup(longline, 0, 1);
	ck_assert_int_eq(smtp_run(&c, &e), EX_PROTOCOL);
	ck_assert_str_eq(c.step, "greeting");
	setup("220 hi\r\n250 no continuation\x1b[31m\r\n", 0, 1);
	ck_assert_int_eq(smtp_run(&c, &e), EX_PROTOCOL);
	ck_assert_ptr_null(strchr(e.msg, 0x1b));        /* no escapes to the tty */
}
END_TEST

START_TEST(helo_fallback)
{
	setup("220 hi\r\n502 no\r\n250 hello\r\n250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n221 bye\r\n", 0, 1);
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	ck_assert(out_has("EHLO client.test\r\nHELO client.test\r\nMAIL FROM:<s@x.test>\r\n"));
}
END_TEST

START_TEST(rcpt_temp_pipelined_sends_nothing)
{
	setup(EHLO_PIPE "250 ok\r\n250 ok\r\n450 4.2.0 later\r\n354 go\r\n", 0, 2);
	stderr_capture();
	ck_assert_int_eq(smtp_run(&c, &e), EX_TEMPFAIL);
	ck_assert(!out_has("Subject"));
	ck_assert(!out_has("\r\n.\r\n"));
	ck_assert_int_eq(c.delivered, 0);
	{
		char err[1024];
		stderr_captured(err, sizeof err);
		ck_assert_ptr_nonnull(strstr(err, "RCPT TO:<b@x.test>: 450 4.2.0 later"));
	}
}
END_TEST

START_TEST(rcpt_temp_lockstep_rsets)
{
	setup(EHLO_LOCK "250 ok\r\n250 ok\r\n451 later\r\n", 0, 2);
	stderr_capture();
	ck_assert_int_eq(smtp_run(&c, &e), EX_TEMPFAIL);
	{ char err[512]; stderr_captured(err, sizeof err); }
	ck_assert(out_has("RCPT TO:<b@x.test>\r\nRSET\r\nQUIT\r\n"));
	ck_assert(!out_has("DATA"));
}
END_TEST

START_TEST(rcpt_some_rejected)
{
	setup(EHLO_PIPE "250 ok\r\n550 5.1.1 unknown\r\n250 ok\r\n550 5.1.1 unknown\r\n"
	      "354 go\r\n250 queued\r\n221 bye\r\n", 0, 3);
	stderr_capture();
	ck_assert_int_eq(smtp_run(&c, &e), EX_NOUSER);
	{
		char err[1024];
		stderr_captured(err, sizeof err);
		ck_assert_ptr_nonnull(strstr(err, "fake:25: RCPT TO:<a@x.test>: 550 5.1.1 unknown"));
		ck_assert_ptr_nonnull(strstr(err, "RCPT TO:<c@x.test>: 550"));
	}
	ck_assert_int_eq(c.delivered, 1);
	ck_assert_int_eq(c.accepted, 1);
	ck_assert(out_has("..dot\r\n.\r\n"));
}
END_TEST

START_TEST(rcpt_all_rejected)
{
	setup(EHLO_PIPE "250 ok\r\n550 no\r\n550 no\r\n554 5.5.1 no valid recipients\r\n", 0, 2);
	stderr_capture();
	ck_assert_int_eq(smtp_run(&c, &e), EX_NOUSER);
	{ char err[512]; stderr_captured(err, sizeof err); }
	ck_assert(!out_has("Subject"));
	ck_assert(out_has("RSET\r\nQUIT\r\n"));
}
END_TEST

START_TEST(lost_before_final_reply)
{
	setup(EHLO_PIPE "250 ok\r\n250 ok\r\n354 go\r\n", (size_t)_i, 1);
	ck_assert_int_eq(smtp_run(&c, &e), EX_TEMPFAIL);
	ck_assert_str_eq(c.step, "end of data");
	ck_assert_int_eq(c.delivered, 0);
}
END_TEST

START_TEST(final_reply_5xx)
{
	setup(EHLO_PIPE "250 ok\r\n250 ok\r\n354 go\r\n554 5.6.0 content rejected\r\n", 0, 1);
	ck_assert_int_eq(smtp_run(&c, &e), EX_UNAVAILABLE);
	ck_assert_str_eq(e.msg, "554 5.6.0 content rejected");
}
END_TEST

START_TEST(silent_server)
{
	setup("", 0, 1);
	f.silent = 1;
	c.tmo_ms = 50;
	ck_assert_int_eq(smtp_run(&c, &e), EX_TEMPFAIL);
	ck_assert_str_eq(e.msg, "timed out");
}
END_TEST

START_TEST(size_and_8bit)
{
	setup(EHLO_PIPE, 0, 1);
	c.size = 2000;
	ck_assert_int_eq(smtp_run(&c, &e), EX_UNAVAILABLE);   /* SIZE 1000 */
	ck_assert(!out_has("MAIL"));
	setup(EHLO_LOCK, 0, 1);
	c.eightbit = 1;
	ck_assert_int_eq(smtp_run(&c, &e), EX_UNAVAILABLE);
	ck_assert_ptr_nonnull(strstr(e.msg, "8BITMIME"));
	setup(EHLO_PIPE "250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n221 bye\r\n", 0, 1);
	c.eightbit = -1;        /* unknown (pipe): declared when offered */
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	ck_assert(out_has("MAIL FROM:<s@x.test> BODY=8BITMIME\r\n"));
}
END_TEST

/* the file scan is asked for only when SIZE or 8-bit matter */
static int measured;
static void measure(struct smtp *s, void *ctx)
{
	(void)ctx;
	measured++;
	s->size = 5000;
	s->eightbit = 1;
}

START_TEST(measure_when_needed)
{
	setup(EHLO_LOCK, 0, 1);         /* SIZE, no 8BITMIME: scanned, refused */
	c.eightbit = -1;
	c.measure = measure;
	measured = 0;
	ck_assert_int_eq(smtp_run(&c, &e), EX_UNAVAILABLE);
	ck_assert_int_eq(measured, 1);
	ck_assert_ptr_nonnull(strstr(e.msg, "8BITMIME"));
	ck_assert(!out_has("MAIL"));
	setup(EHLO_PIPE, 0, 1);         /* SIZE 1000: the scanned size counts */
	c.eightbit = -1;
	c.measure = measure;
	ck_assert_int_eq(smtp_run(&c, &e), EX_UNAVAILABLE);
	ck_assert_ptr_nonnull(strstr(e.msg, "5000 bytes exceeds the server's SIZE 1000"));
	setup("220 fake\r\n250-fake\r\n250 8BITMIME\r\n250 ok\r\n250 ok\r\n"
	      "354 go\r\n250 ok\r\n221 bye\r\n", 0, 1);
	c.eightbit = -1;                /* 8BITMIME, no SIZE: no scan needed */
	c.measure = measure;
	measured = 0;
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	ck_assert_int_eq(measured, 0);
	ck_assert(out_has("MAIL FROM:<s@x.test> BODY=8BITMIME\r\n"));
}
END_TEST

START_TEST(eightbit_late_drops)
{
	setup(EHLO_LOCK "250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n", 0, 1);
	c.eightbit = -1;
	body_text = "Subject: x\n\ncaf\303\251\n";
	ck_assert_int_eq(smtp_run(&c, &e), EX_DATAERR);
	body_text = "Subject: t\n\nhi\n.dot\n";
	ck_assert(!out_has("caf"));
	ck_assert(!out_has("\r\n.\r\n"));
}
END_TEST

START_TEST(utf8_address)
{
	setup(EHLO_LOCK, 0, 1);
	c.utf8 = 1;
	ck_assert_int_eq(smtp_run(&c, &e), EX_UNAVAILABLE);
	ck_assert_ptr_nonnull(strstr(e.msg, "SMTPUTF8"));
}
END_TEST

START_TEST(auth_refused_in_plaintext)
{
	setup(EHLO_PIPE, 0, 1);
	c.secure = 0;
	c.auth.user = "user";
	c.auth.secret = "pass";
	ck_assert_int_eq(smtp_run(&c, &e), EX_NOPERM);
	ck_assert(!out_has("AUTH"));
	ck_assert_str_eq(c.step, "AUTH");
}
END_TEST

START_TEST(auth_plain_ok)
{
	setup(EHLO_PIPE "235 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n221 bye\r\n", (size_t)_i, 1);
	c.secure = 0;
	c.auth.plaintext_ok = 1;
	c.auth.user = "user";
	c.auth.secret = "pass";
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	ck_assert(out_has("\r\nAUTH PLAIN AHVzZXIAcGFzcw==\r\nMAIL FROM"));
}
END_TEST

START_TEST(auth_forced_refused_no_fallback)
{
	/* LOGIN named with --auth but refused with 504: no other mechanism
	 * (a man in the middle must not downgrade), exit 77 naming it */
	setup(EHLO_PIPE "334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n504 5.5.4 not now\r\n"
	      "235 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n221 bye\r\n", 0, 1);
	c.auth.user = "user";
	c.auth.secret = "pass";
	c.auth.force = MECH_LOGIN;
	ck_assert_int_eq(smtp_run(&c, &e), EX_NOPERM);
	ck_assert(out_has("AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\n"));
	ck_assert(!out_has("AUTH PLAIN"));
	ck_assert(!out_has("MAIL"));
	ck_assert_str_eq(e.msg, "AUTH LOGIN refused (504 5.5.4 not now); trying no other mechanism");
}
END_TEST

START_TEST(auth_forced_not_offered)
{
	/* CRAM-MD5 asked for, the server lists PLAIN LOGIN only: nothing sent */
	setup(EHLO_PIPE "235 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n221 bye\r\n", 0, 1);
	c.secure = 0;
	c.auth.plaintext_ok = 1;
	c.auth.user = "user";
	c.auth.secret = "pass";
	c.auth.force = MECH_CRAM_MD5;
	ck_assert_int_eq(smtp_run(&c, &e), EX_NOPERM);
	ck_assert(!out_has("AUTH"));
	ck_assert_ptr_nonnull(strstr(e.msg, "does not offer AUTH CRAM-MD5"));
}
END_TEST

START_TEST(auth_unforced_falls_back)
{
	/* no --auth: a mechanism refused with 5xx gives way to the next */
	setup(EHLO_PIPE "504 5.5.4 not now\r\n"
	      "235 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n221 bye\r\n", 0, 1);
	c.auth.user = "user";
	c.auth.secret = "pass";
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	ck_assert(out_has("AUTH PLAIN AHVzZXIAcGFzcw==\r\nAUTH LOGIN\r\n") ||
	          out_has("AUTH PLAIN AHVzZXIAcGFzcw==\r\n"));
}
END_TEST

START_TEST(auth_only_after_starttls)
{
	/* port 587 without --starttls: STARTTLS offered, AUTH not yet */
	setup("220 fake\r\n250-fake\r\n250-STARTTLS\r\n250 SIZE\r\n", 0, 1);
	c.auth.user = "user";
	c.auth.secret = "pass";
	ck_assert_int_eq(smtp_run(&c, &e), EX_UNAVAILABLE);
	ck_assert_str_eq(e.msg, "server offers AUTH only after STARTTLS: use --starttls");
}
END_TEST

START_TEST(early_250_after_354)
{
	/* a 250 sent right after the 354 is not the reply to the data: the
	 * final dot is not sent and it is never success */
	setup(EHLO_PIPE "250 ok\r\n250 ok\r\n354 go\r\n250 2.0.0 early\r\n554 no\r\n", (size_t)-1, 1);
	ck_assert_int_eq(smtp_run(&c, &e), EX_PROTOCOL);
	ck_assert_int_eq(c.delivered, 0);
	ck_assert(!out_has("\r\n.\r\n"));
	ck_assert_ptr_nonnull(strstr(e.msg, "before the end of the data"));
}
END_TEST

START_TEST(early_reply_in_body)
{
	/* a 250 that arrives while the message is being written (here: right
	 * after the 354, read only once the body is written) */
	setup(EHLO_PIPE "250 ok\r\n250 ok\r\n354 go\r\n", 0, 1);
	c.body = early_body;
	ck_assert_int_eq(smtp_run(&c, &e), EX_PROTOCOL);
	ck_assert_int_eq(c.delivered, 0);
	ck_assert(!out_has("\r\n.\r\n"));
}
END_TEST

/* a socket that polls readable for a record without data (a TLS 1.3
 * session ticket after the handshake: the transport says WANT_READ) is
 * no early reply: the body goes out and the real reply is read after the
 * final dot. (Before: poll said readable, early_reply waited for a reply
 * that never came and the send failed with a timeout.) */
static size_t gate;             /* offset of the reply to the final dot */
static ssize_t gated_read(void *ctx, void *buf, size_t len)
{
	int dot_sent = f.outlen >= 5 && !memcmp(f.out + f.outlen - 5, "\r\n.\r\n", 5);

	if (f.inpos == gate && !dot_sent)
		return XPORT_WANT_READ;         /* a ticket: no data */
	return read_line(ctx, buf, len);
}

START_TEST(readable_without_data_is_no_early_reply)
{
	const char *script = EHLO_LOCK "250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n221 bye\r\n";

	setup(script, 0, 1);
	gate = (size_t)(strstr(script, "250 queued") - script);
	ck_assert_int_eq(fake_ready(&f, &st.xp), 0);  /* always polls readable */
	st.xp.read = gated_read;
	c.tmo_ms = 300;
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	ck_assert_int_eq(c.delivered, 1);
	ck_assert(out_has("..dot\r\n.\r\nQUIT\r\n"));
	fake_close(&f);
}
END_TEST

/* a 250 sent early that reaches us only after our final dot is gone (no
 * check before the dot could see it) is taken as the dot's reply; the real
 * reply, a 554, then answers our QUIT: never success */
START_TEST(early_250_seen_after_dot_is_no_success)
{
	const char *script = EHLO_LOCK "250 ok\r\n250 ok\r\n354 go\r\n"
	                     "250 2.0.0 early\r\n554 5.6.0 refused after all\r\n221 bye\r\n";

	setup(script, 0, 1);
	gate = (size_t)(strstr(script, "250 2.0.0 early") - script);
	ck_assert_int_eq(fake_ready(&f, &st.xp), 0);
	st.xp.read = gated_read;
	c.tmo_ms = 300;
	ck_assert_int_eq(smtp_run(&c, &e), EX_UNAVAILABLE);
	ck_assert_int_eq(c.delivered, 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "refused after all"));
	fake_close(&f);
}
END_TEST

/* a QUIT answered with 221, or not at all, after the 250 is success; a
 * 4xx there (the dot's real reply after an early 250) is a retry, a 2xx
 * other than 221 a protocol error */
START_TEST(quit_reply_after_delivery)
{
	setup(EHLO_LOCK "250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n", 0, 1);
	ck_assert_int_eq(smtp_run(&c, &e), 0);          /* closed: the mail is in */
	ck_assert_int_eq(c.delivered, 1);
	setup(EHLO_LOCK "250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n221 bye\r\n", 0, 1);
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	setup(EHLO_LOCK "250 ok\r\n250 ok\r\n354 go\r\n250 early\r\n452 4.3.0 not accepted\r\n", 0, 1);
	ck_assert_int_eq(smtp_run(&c, &e), EX_TEMPFAIL);
	ck_assert_int_eq(c.delivered, 0);
	setup(EHLO_LOCK "250 ok\r\n250 ok\r\n354 go\r\n250 early\r\n250 queued\r\n", 0, 1);
	ck_assert_int_eq(smtp_run(&c, &e), EX_PROTOCOL);
	ck_assert_int_eq(c.delivered, 0);
}
END_TEST

/* the message cannot be sent (the peer is gone for writing): a reply
 * saying why is waited for briefly, never past --timeout (a deadline,
 * no rewritten timeout) */
static ssize_t (*fake_write_all)(void *ctx, const void *buf, size_t len);
static ssize_t body_write_fails(void *ctx, const void *buf, size_t len)
{
	if (out_has("DATA\r\n") && f.inpos == f.inlen) {
		f.silent = 1;           /* and says nothing more */
		errno = EPIPE;
		return XPORT_ERROR;
	}
	return fake_write_all(ctx, buf, len);
}

START_TEST(body_write_fails_short_wait)
{
	int64_t t0;

	setup(EHLO_LOCK "250 ok\r\n250 ok\r\n354 go\r\n", 0, 1);
	fake_write_all = st.xp.write;
	st.xp.write = body_write_fails;
	c.tmo_ms = 400;
	t0 = mono_ms();
	ck_assert_int_eq(smtp_run(&c, &e), EX_TEMPFAIL);
	ck_assert_int_ge(mono_ms() - t0, 350);
	ck_assert_int_lt(mono_ms() - t0, 1500);
	ck_assert_str_eq(c.step, "DATA (message)");
	ck_assert_msg(strstr(e.msg, "Broken pipe") != NULL, "%s", e.msg);
}
END_TEST

START_TEST(auth_long_token)
{
	static char tok[13000];

	/* an initial response past 12288 octets goes after a 334 instead */
	memset(tok, 'A', sizeof tok - 1);
	setup(EHLO_PIPE "334 \r\n235 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n221 bye\r\n", 0, 1);
	c.auth.user = "user";
	c.auth.secret = tok;
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	ck_assert(out_has("\r\nAUTH PLAIN\r\nAHVzZXIAQUFB"));
}
END_TEST

START_TEST(auth_535)
{
	setup(EHLO_PIPE "535 5.7.8 bad credentials\r\n", 0, 1);
	c.auth.user = "user";
	c.auth.secret = "pass";
	ck_assert_int_eq(smtp_run(&c, &e), EX_NOPERM);
	ck_assert_str_eq(c.step, "AUTH PLAIN");
	ck_assert_str_eq(e.msg, "535 5.7.8 bad credentials");
	ck_assert(!out_has("MAIL"));
}
END_TEST

START_TEST(auth_none_offered)
{
	setup(EHLO_LOCK, 0, 1);
	c.auth.user = "user";
	c.auth.secret = "pass";
	ck_assert_int_eq(smtp_run(&c, &e), EX_UNAVAILABLE);
}
END_TEST

static int tls_calls;
static int fake_tls(struct smtp *s, void *ctx, struct wb_err *err)
{
	(void)s; (void)ctx; (void)err;
	tls_calls++;
	return 0;
}

START_TEST(starttls_flow)
{
	if (!CFG_TLS)
		return;         /* STARTTLS exists only in TLS builds */
	setup("220 hi\r\n250-fake\r\n250-AUTH PLAIN\r\n250 STARTTLS\r\n220 go\r\n"
	      "250-fake\r\n250 PIPELINING\r\n250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n221 bye\r\n", 0, 1);
	c.starttls = 1;
	c.tls = fake_tls;
	tls_calls = 0;
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	ck_assert_int_eq(tls_calls, 1);
	ck_assert(out_has("EHLO client.test\r\nSTARTTLS\r\nEHLO client.test\r\nMAIL"));
	/* without the capability: never in plain text */
	setup("220 hi\r\n250 fake\r\n", 0, 1);
	c.starttls = 1;
	c.tls = fake_tls;
	ck_assert_int_eq(smtp_run(&c, &e), EX_UNAVAILABLE);
	ck_assert(!out_has("MAIL"));
	setup("220 hi\r\n250-fake\r\n250 STARTTLS\r\n454 4.7.0 no TLS\r\n", 0, 1);
	c.starttls = 1;
	c.tls = fake_tls;
	ck_assert_int_eq(smtp_run(&c, &e), EX_PROTOCOL);
}
END_TEST

START_TEST(serverinfo_only)
{
	char buf[512] = "";
	FILE *mem = fmemopen(buf, sizeof buf, "w");

	setup(EHLO_PIPE "221 bye\r\n", 0, 1);
	c.info = mem;
	c.info_only = 1;
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	fclose(mem);
	ck_assert_ptr_nonnull(strstr(buf, "220 fake ESMTP\n250-fake\n250-PIPELINING\n"));
	ck_assert(!out_has("MAIL"));
	ck_assert(out_has("QUIT"));
}
END_TEST

/* C1 controls (raw 0x9b, and U+009B as c2 9b: CSI to a terminal) in a
 * server's lines never reach --serverinfo output or an error line raw */
START_TEST(c1_controls_cleaned)
{
	char buf[512] = "";
	FILE *mem = fmemopen(buf, sizeof buf, "w");

	setup("220 fake \x9b[2J\r\n250-fake\r\n250 X-C1 \xc2\x9b[31m\r\n221 bye\r\n", 0, 1);
	c.info = mem;
	c.info_only = 1;
	ck_assert_int_eq(smtp_run(&c, &e), 0);
	fclose(mem);
	ck_assert_ptr_null(strchr(buf, 0x9b));
	ck_assert_ptr_nonnull(strstr(buf, "220 fake \\x9b[2J\n"));
	ck_assert_ptr_nonnull(strstr(buf, "250 X-C1 \\xc2\\x9b[31m\n"));
	setup(EHLO_PIPE "250 ok\r\n550 5.1.1 no \xc2\x9b[2J such\r\n354 go\r\n", 0, 1);
	ck_assert_int_eq(smtp_run(&c, &e), EX_NOUSER);
	ck_assert_ptr_null(strchr(e.msg, 0x9b));
}
END_TEST

START_TEST(state_names)
{
	ck_assert_str_eq(smtp_state_name(ST_EHLO), "EHLO");
	ck_assert_str_eq(smtp_state_name(ST_BODY), "end of data");
	ck_assert_str_eq(smtp_state_name(99), "impossible state");
}
END_TEST

Suite *smtp_session_suite(void)
{
	Suite *s = suite_create("smtp_session");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, pipelined_send, 0, 3);
	tcase_add_loop_test(tc, lockstep_send, 0, 2);
	tcase_add_test(tc, greeting_421);
	tcase_add_test(tc, greeting_554_quits);
	tcase_add_test(tc, garbage_and_long);
	tcase_add_test(tc, helo_fallback);
	tcase_add_test(tc, rcpt_temp_pipelined_sends_nothing);
	tcase_add_test(tc, rcpt_temp_lockstep_rsets);
	tcase_add_test(tc, rcpt_some_rejected);
	tcase_add_test(tc, rcpt_all_rejected);
	tcase_add_loop_test(tc, lost_before_final_reply, 0, 2);
	tcase_add_test(tc, final_reply_5xx);
	tcase_add_test(tc, silent_server);
	tcase_add_test(tc, size_and_8bit);
	tcase_add_test(tc, eightbit_late_drops);
	tcase_add_test(tc, measure_when_needed);
	tcase_add_test(tc, utf8_address);
	tcase_add_test(tc, auth_refused_in_plaintext);
	tcase_add_loop_test(tc, auth_plain_ok, 0, 2);
	tcase_add_test(tc, auth_forced_refused_no_fallback);
	tcase_add_test(tc, auth_forced_not_offered);
	tcase_add_test(tc, auth_unforced_falls_back);
	tcase_add_test(tc, auth_only_after_starttls);
	tcase_add_test(tc, early_250_after_354);
	tcase_add_test(tc, early_reply_in_body);
	tcase_add_test(tc, readable_without_data_is_no_early_reply);
	tcase_add_test(tc, early_250_seen_after_dot_is_no_success);
	tcase_add_test(tc, quit_reply_after_delivery);
	tcase_add_test(tc, body_write_fails_short_wait);
	tcase_add_test(tc, auth_long_token);
	tcase_add_test(tc, auth_535);
	tcase_add_test(tc, auth_none_offered);
	tcase_add_test(tc, starttls_flow);
	tcase_add_test(tc, serverinfo_only);
	tcase_add_test(tc, c1_controls_cleaned);
	tcase_add_test(tc, state_names);
	suite_add_tcase(s, tc);
	return s;
}
