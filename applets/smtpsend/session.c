/* session.c - the SMTP client as an explicit state machine over a stream:
 * greeting, EHLO (HELO fallback), STARTTLS, AUTH, MAIL/RCPT/DATA (one
 * pipelined group when offered), the body, QUIT. No sockets here: the
 * caller connects and hands over a stream, so tests drive it with bytes. */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include "sysopts.h"
#include "text.h"
#include "util.h"
#include "smtp.h"

static const char *const state_names[ST_NSTATES] = {
	"greeting", "EHLO", "HELO", "STARTTLS", "AUTH", "envelope",
	"end of data", "QUIT", "done",
};

const char *smtp_state_name(int st)
{
	return st >= 0 && st < ST_NSTATES ? state_names[st] : "impossible state";
}

void smtp_init(struct smtp *c, struct stream *s)
{
	memset(c, 0, sizeof *c);
	c->s = s;
	c->server = "server";
	c->helo = "localhost";
	c->eightbit = -1;
	dot_init(&c->dot);
}

/* RFC 5321 4.5.3.2 timeouts unless --timeout */
static void tmo(struct smtp *c, int secs)
{
	c->s->timeout_ms = c->tmo_ms ? (int)c->tmo_ms : secs * 1000;
}

static int io_fail(struct smtp *c, int r, struct wb_err *e)
{
	err_set(e, io_exitcode(r), "%s", io_strerror(c->s, r));
	return -1;
}

/* --serverinfo: a server's line, cleaned (C0/C1 controls escaped) */
static void info_line(struct smtp *c, const char *line, size_t len)
{
	char out[4 * SMTP_LINE_MAX];

	text_clean(out, sizeof out, line, len);
	fprintf(c->info, "%s\n", out);
}

/* Read one whole reply into c->r by the deadline end (it bounds the
 * whole reply, not each of its lines); EHLO lines go to caps. */
static int get_reply_by(struct smtp *c, int ehlo, int64_t end, struct wb_err *e)
{
	char line[SMTP_LINE_MAX];
	const char *t;
	size_t len;
	int r, k;

	reply_init(&c->r);
	do {
		r = line_read_by(c->s, line, sizeof line, &len, end);
		if (r == IO_TOOLONG) {
			err_set(e, EX_PROTOCOL, "reply line longer than %d bytes",
			        SMTP_LINE_MAX - 2);
			return -1;
		}
		if (r != IO_OK)
			return io_fail(c, r, e);
		k = reply_line(&c->r, line, len, &t);
		if (k == REPLY_BAD) {
			err_set(e, EX_PROTOCOL, "%s: '%.100s'", c->r.why, line);
			return -1;
		}
		if (c->info)
			info_line(c, line, len);
		if (ehlo && c->r.nlines > 1)
			caps_line(&c->caps, t);
	} while (k == REPLY_MORE);
	return 0;
}

/* one whole reply within the step's timeout */
static int get_reply(struct smtp *c, int ehlo, struct wb_err *e)
{
	return get_reply_by(c, ehlo, stream_deadline(c->s), e);
}

/* e from the reply: "550 5.1.1 text" with the reply's exit code */
static int said(struct smtp *c, struct wb_err *e, int code)
{
	err_set(e, code ? code : reply_exitcode(c->r.code), "%d %s%s%s", c->r.code,
	        c->r.esc, c->r.esc[0] ? " " : "", c->r.text);
	return -1;
}

static int send_cmd(struct smtp *c, const char *line, size_t show, struct wb_err *e)
{
	int r = line_write(c->s, line, show);

	return r == IO_OK ? 0 : io_fail(c, r, e);
}

static int flush(struct smtp *c, struct wb_err *e)
{
	int r = stream_flush(c->s);

	return r == IO_OK ? 0 : io_fail(c, r, e);
}

/* one command, flushed, and its reply */
static int command(struct smtp *c, const char *line, size_t show, int secs,
                   struct wb_err *e)
{
	tmo(c, secs);
	if (send_cmd(c, line, show, e) || flush(c, e))
		return -1;
	return get_reply(c, 0, e);
}

static int after_hello(struct smtp *c)
{
	if (CFG_TLS && c->starttls && !c->tls_active)
		return ST_STARTTLS;
	if (c->info_only)
		return ST_QUIT;
	if (CFG_SMTPSEND_AUTH && c->auth.user)
		return ST_AUTH;
	return ST_ENVELOPE;
}

static int st_greeting(struct smtp *c, struct wb_err *e)
{
	snprintf(c->step, sizeof c->step, "greeting");
	tmo(c, 300);
	if (get_reply(c, 0, e))
		return -1;
	if (c->r.code == 220)
		return ST_EHLO;
	said(c, e, c->r.code / 100 == 2 ? EX_PROTOCOL : 0);
	if (c->r.code == 554) {         /* RFC 5321 3.1: QUIT and go */
		line_write(c->s, "QUIT", (size_t)-1);
		stream_flush(c->s);
	}
	return -1;
}

static int st_ehlo(struct smtp *c, struct wb_err *e)
{
	char cmd[300];

	snprintf(c->step, sizeof c->step, "EHLO");
	snprintf(cmd, sizeof cmd, "EHLO %s", c->helo);
	memset(&c->caps, 0, sizeof c->caps);
	tmo(c, 300);
	if (send_cmd(c, cmd, (size_t)-1, e) || flush(c, e) || get_reply(c, 1, e))
		return -1;
	if (c->r.code == 250)
		return after_hello(c);
	memset(&c->caps, 0, sizeof c->caps);
	if (c->r.code / 100 == 5 && !(c->starttls && CFG_TLS))
		return ST_HELO;
	return said(c, e, 0);
}

static int st_helo(struct smtp *c, struct wb_err *e)
{
	char cmd[300];

	snprintf(c->step, sizeof c->step, "HELO");
	snprintf(cmd, sizeof cmd, "HELO %s", c->helo);
	if (command(c, cmd, (size_t)-1, 300, e))
		return -1;
	if (c->r.code != 250)
		return said(c, e, 0);
	return after_hello(c);
}

static int st_starttls(struct smtp *c, struct wb_err *e)
{
	snprintf(c->step, sizeof c->step, "STARTTLS");
	if (!(c->caps.flags & CAP_STARTTLS)) {
		err_set(e, EX_UNAVAILABLE,
		        "server does not offer STARTTLS; not going on in plain text");
		return -1;
	}
	if (command(c, "STARTTLS", (size_t)-1, 120, e))
		return -1;
	if (c->r.code != 220)
		return said(c, e, EX_PROTOCOL);
	if (!c->tls || c->tls(c, c->tls_ctx, e))
		return -1;
	c->tls_active = c->secure = 1;
	memset(&c->caps, 0, sizeof c->caps);    /* forget all: EHLO again */
	return ST_EHLO;
}

/* ---- AUTH ---- */

/* the longest AUTH command line with its initial response (RFC 4954 4) */
#define AUTH_LINE_MAX (12288 - 2)

/* response to the round-th 334 (text t) for mech into c->abuf; -1: none */
static int auth_step(struct smtp *c, unsigned mech, int round, const char *t)
{
	const struct smtp_auth *a = &c->auth;

	if (mech == MECH_LOGIN && round < 2)
		return auth_b64(round ? a->secret : a->user, c->abuf, sizeof c->abuf);
	if (mech == MECH_CRAM_MD5 && round == 0)
		return auth_cram(a->user, a->secret, t, c->abuf, sizeof c->abuf);
	if (!CFG_SMTPSEND_OAUTH)
		return -1;
	if (mech == MECH_XOAUTH2 && round == 0) {
		c->abuf[0] = 0;    /* after the error JSON: empty reply, then 535 */
		return 0;
	}
	if (mech == MECH_OAUTHBEARER && round == 0)
		return strlcopy(c->abuf, "AQ==", sizeof c->abuf);
	return -1;
}

/* initial response for PLAIN/XOAUTH2/OAUTHBEARER into c->abuf after "AUTH M " */
static int auth_initial(struct smtp *c, unsigned mech, size_t off)
{
	const struct smtp_auth *a = &c->auth;
	char *o = c->abuf + off;
	size_t max = sizeof c->abuf - off;

	if (mech == MECH_PLAIN)
		return auth_plain(a->user, a->secret, o, max);
	if (mech == MECH_LOGIN || mech == MECH_CRAM_MD5) {
		c->abuf[off - 1] = 0;
		return 0;
	}
	if (!CFG_SMTPSEND_OAUTH)
		return -1;
	if (mech == MECH_XOAUTH2)
		return auth_xoauth2(a->user, a->secret, o, max);
	if (mech == MECH_OAUTHBEARER)
		return auth_oauthbearer(a->user, c->host ? c->host : "",
		                        c->port ? c->port : "", a->secret, o, max);
	c->abuf[off - 1] = 0;
	return 0;
}

/* One mechanism: 0 done, 1 refused (try another), -1 fatal. */
static int auth_one(struct smtp *c, unsigned mech, struct wb_err *e)
{
	size_t off;
	int round, r;

	snprintf(c->step, sizeof c->step, "AUTH %s", mech_name(mech));
	off = (size_t)snprintf(c->abuf, sizeof c->abuf, "AUTH %s ", mech_name(mech));
	if (auth_initial(c, mech, off)) {
		err_set(e, EX_DATAERR, "user name or secret cannot be encoded");
		return -1;
	}
	if (strlen(c->abuf) > AUTH_LINE_MAX) {     /* RFC 4954 4: no initial response */
		c->abuf[off - 1] = 0;
		r = command(c, c->abuf, (size_t)-1, 120, e);
		if (!r && c->r.code == 334)
			r = command(c, c->abuf + off, 0, 120, e);
	} else
		r = command(c, c->abuf, off, 120, e);
	for (round = 0; !r && c->r.code == 334 && round < 3; round++) {
		if (auth_step(c, mech, round, c->r.text) < 0)
			strlcopy(c->abuf, "*", sizeof c->abuf);       /* cancel */
		r = command(c, c->abuf, 0, 120, e);
	}
	secure_zero(c->abuf, sizeof c->abuf);
	if (r)
		return -1;
	if (c->r.code == 235)
		return 0;
	said(c, e, c->r.code == 535 ? EX_NOPERM : 0);
	return c->r.code / 100 == 5 && c->r.code != 535 ? 1 : -1;
}

/* AUTH missing or unusable before TLS on a server that offers STARTTLS:
 * submission servers (port 587) list AUTH only after it */
static int auth_after_tls(struct smtp *c, const char *what, struct wb_err *e)
{
	if (c->tls_active || !(c->caps.flags & CAP_STARTTLS))
		return 0;
	err_set(e, EX_UNAVAILABLE, "server offers %s only after STARTTLS: "
	        "use --starttls", what);
	return 1;
}

/* --auth M: M is the only mechanism tried (no downgrade by a man in the
 * middle answering 504 or hiding it from the EHLO list) */
static int auth_forced(struct smtp *c, struct wb_err *e)
{
	const char *name = mech_name(c->auth.force);
	int r;

	if (!(c->caps.mechs & c->auth.force)) {
		if (!auth_after_tls(c, "AUTH", e))
			err_set(e, EX_NOPERM, "server does not offer AUTH %s (asked for "
			        "with --auth); trying no other mechanism", name);
		return -1;
	}
	if ((r = auth_one(c, c->auth.force, e)) <= 0)
		return r ? -1 : ST_ENVELOPE;
	err_set(e, EX_NOPERM, "AUTH %s refused (%d %s%s%s); trying no other mechanism",
	        name, c->r.code, c->r.esc, c->r.esc[0] ? " " : "", c->r.text);
	return -1;
}

static int st_auth(struct smtp *c, struct wb_err *e)
{
	unsigned tried = 0, m;

	snprintf(c->step, sizeof c->step, "AUTH");
	if (!c->secure && !c->auth.plaintext_ok) {
		err_set(e, EX_NOPERM, "refusing to authenticate over an unencrypted "
		        "connection (use --starttls or --tls, or --auth-plaintext)");
		return -1;
	}
	if (!(c->caps.flags & CAP_AUTH) || !c->caps.mechs) {
		if (!auth_after_tls(c, "AUTH", e))
			err_set(e, EX_UNAVAILABLE, "server offers no AUTH mechanism we know");
		return -1;
	}
	if (c->auth.force)
		return auth_forced(c, e);
	while ((m = mech_pick(c->caps.mechs, 0, c->auth.oauth, tried))) {
		int r = auth_one(c, m, e);
		if (r <= 0)
			return r ? -1 : ST_ENVELOPE;
		tried |= m;
	}
	if (!tried && !auth_after_tls(c, "the AUTH mechanisms we know", e))
		err_set(e, EX_UNAVAILABLE, "no AUTH mechanism in common with the server");
	return -1;
}

/* ---- envelope ---- */

static int mail_cmd(struct smtp *c, char *cmd, size_t max, struct wb_err *e)
{
	size_t n = (size_t)snprintf(cmd, max, "MAIL FROM:<%s>", c->from);

	if (c->size && (c->caps.flags & CAP_SIZE)) {
		if (c->caps.size_max && c->size > c->caps.size_max) {
			err_set(e, EX_UNAVAILABLE, "message of %llu bytes exceeds the server's SIZE %llu",
			        (unsigned long long)c->size, (unsigned long long)c->caps.size_max);
			return -1;
		}
		n += (size_t)snprintf(cmd + n, max - n, " SIZE=%llu", (unsigned long long)c->size);
	}
	if (c->eightbit && (c->caps.flags & CAP_8BITMIME))
		n += (size_t)snprintf(cmd + n, max - n, " BODY=8BITMIME");
	else if (c->eightbit == 1 && !c->force8) {
		err_set(e, EX_UNAVAILABLE, "message has 8-bit data but the server "
		        "does not offer 8BITMIME (--force-8bit sends it anyway)");
		return -1;
	}
	if (c->utf8 && !(c->caps.flags & CAP_SMTPUTF8)) {
		err_set(e, EX_UNAVAILABLE, "non-ASCII address but the server does not offer SMTPUTF8");
		return -1;
	}
	if (c->utf8)
		snprintf(cmd + n, max - n, " SMTPUTF8");
	return 0;
}

static int mail_reply(struct smtp *c, struct wb_err *e)
{
	snprintf(c->step, sizeof c->step, "MAIL FROM:<%s>", c->from);
	tmo(c, 300);
	if (get_reply(c, 0, e))
		return -1;
	return c->r.code / 100 == 2 ? 0 : said(c, e, 0);
}

/* one RCPT reply: counted, and each refusal reported on stderr */
static int rcpt_reply(struct smtp *c, int i, int *temp, struct wb_err *e)
{
	struct wb_err w;

	snprintf(c->step, sizeof c->step, "RCPT TO:<%s>", c->rcpt[i]);
	tmo(c, 300);
	if (get_reply(c, 0, e))
		return -1;
	if (CFG_SMTPSEND_QUEUE)
		c->rclass[i] = (unsigned char)(c->r.code / 100);
	if (c->r.code / 100 == 2) {
		c->accepted++;
		return 0;
	}
	if (c->r.code / 100 != 4 && c->r.code / 100 != 5)
		return said(c, e, EX_PROTOCOL);
	*temp += c->r.code / 100 == 4;
	c->rejected += c->r.code / 100 == 5;
	if (CFG_SMTPSEND_QUEUE && (!c->refused[0] || (*temp == 1 && c->refused[0] == '5')))
		snprintf(c->refused, sizeof c->refused, "%d %s%s%s", c->r.code, c->r.esc,
		         c->r.esc[0] ? " " : "", c->r.text);
	said(c, &w, 0);
	if (!CFG_SMTPSEND_QUEUE || c->quiet < c->r.code / 100)
		err_report(&w, c->server, c->step);
	return 0;
}

int rcpt_policy(int accepted, int temp, int rejected)
{
	if (temp)
		return EX_TEMPFAIL;     /* nobody now, everybody on the retry */
	if (!accepted)
		return rejected ? EX_NOUSER : EX_SOFTWARE;
	return 0;
}

static int policy_error(struct smtp *c, int pol, struct wb_err *e)
{
	snprintf(c->step, sizeof c->step, "RCPT TO");
	if (pol == EX_TEMPFAIL)
		err_set(e, pol, "%d of %d recipients temporarily refused: sending to "
		        "nobody so that a retry reaches everyone once", c->nrcpt - c->accepted
		        - c->rejected, c->nrcpt);
	else
		err_set(e, pol, "all %d recipients refused: nothing sent", c->nrcpt);
	return -1;
}

static int rcpt_send(struct smtp *c, int i, struct wb_err *e)
{
	char cmd[ADDR_MAX + 32];

	snprintf(cmd, sizeof cmd, "RCPT TO:<%s>", c->rcpt[i]);
	return send_cmd(c, cmd, (size_t)-1, e);
}

/* 1 if the server has sent something we have not read: buffered in the
 * stream (or TLS), or data waiting on the socket (a readable socket alone
 * is not enough: under TLS it may hold a session ticket and no reply) */
static int input_waiting(struct smtp *c)
{
	return stream_peek_ready(c->s);
}

/* A reply before our final dot answers nothing we sent: it never counts
 * as the reply to the data. A refusal (4xx/5xx) is reported as the
 * server's word; anything else is a protocol error. */
static int early_reply(struct smtp *c, struct wb_err *e)
{
	snprintf(c->step, sizeof c->step, "DATA (message)");
	if (get_reply(c, 0, e))         /* closed (75) or garbage (76) */
		return -1;
	if (c->r.code / 100 >= 4)
		return said(c, e, 0);
	err_set(e, EX_PROTOCOL, "server replied '%d %s%s%s' before the end of the "
	        "data; not sending the final dot", c->r.code, c->r.esc,
	        c->r.esc[0] ? " " : "", c->r.text);
	return -1;
}

static int data_reply(struct smtp *c, struct wb_err *e)
{
	snprintf(c->step, sizeof c->step, "DATA");
	tmo(c, 120);
	if (get_reply(c, 0, e))
		return -1;
	if (c->r.code != 354)
		return said(c, e, c->r.code / 100 == 2 ? EX_PROTOCOL : 0);
	return input_waiting(c) ? early_reply(c, e) : 0;
}

static int quit_now(struct smtp *c)
{
	line_write(c->s, "RSET", (size_t)-1);
	line_write(c->s, "QUIT", (size_t)-1);
	stream_flush(c->s);
	return -1;
}

/* MAIL, RCPT..., DATA: with PIPELINING one group and the replies matched
 * in order (RFC 2920), else each command flushed and answered in turn */
static int st_envelope(struct smtp *c, struct wb_err *e)
{
	char mail[ADDR_MAX + 96];
	int pipe = (c->caps.flags & CAP_PIPELINING) && !c->pipelining_off;
	int i, temp = 0, pol;

	snprintf(c->step, sizeof c->step, "MAIL FROM:<%s>", c->from);
	if (c->measure && c->eightbit < 0 &&
	    (c->caps.flags & (CAP_SIZE | CAP_8BITMIME)) != CAP_8BITMIME)
		c->measure(c, c->body_ctx);     /* only when SIZE or 8-bit matter */
	if (mail_cmd(c, mail, sizeof mail, e))
		return -1;
	tmo(c, 300);
	if (send_cmd(c, mail, (size_t)-1, e) || (!pipe && (flush(c, e) || mail_reply(c, e))))
		return -1;
	for (i = 0; i < c->nrcpt; i++)
		if (rcpt_send(c, i, e) || (!pipe && (flush(c, e) || rcpt_reply(c, i, &temp, e))))
			return -1;
	if (pipe) {
		if (send_cmd(c, "DATA", (size_t)-1, e) || flush(c, e) || mail_reply(c, e))
			return -1;
		for (i = 0; i < c->nrcpt; i++)
			if (rcpt_reply(c, i, &temp, e))
				return -1;
	}
	pol = rcpt_policy(c->accepted, temp, c->rejected);
	if (!pipe && pol)               /* no DATA yet: RSET, QUIT */
		return policy_error(c, pol, e), quit_now(c);
	if (!pipe && (send_cmd(c, "DATA", (size_t)-1, e) || flush(c, e)))
		return -1;
	if (data_reply(c, e)) {
		if (pol)
			policy_error(c, pol, e);
		return quit_now(c);
	}
	if (pol)        /* 354 but we must not send: drop the line, no "." */
		return policy_error(c, pol, e);
	return ST_BODY;
}

/* ---- body ---- */


/* Sending the message failed: a server that refuses it early (552 too
 * big, 554 policy) often says why before closing; report that reply and
 * its code when one is waiting, else the I/O error (75). */
static int body_fail(struct smtp *c, int r, struct wb_err *e)
{
	struct wb_err w;
	int64_t end = stream_deadline(c->s), soon = mono_ms() + 2000;

	snprintf(c->step, sizeof c->step, "DATA (message)");
	io_fail(c, r, e);
	/* a short wait, never past --timeout */
	if (get_reply_by(c, 0, soon < end ? soon : end, &w) == 0 && c->r.code / 100 >= 4)
		said(c, e, 0);
	return -1;
}

/* the next piece of the message; a reply waiting stops it (early_reply) */
static int body_out(struct smtp *c, struct wb_err *e)
{
	int r;

	if (input_waiting(c)) {
		c->olen = 0;
		return early_reply(c, e);
	}
	r = stream_write(c->s, c->obuf, c->olen);

	c->olen = 0;
	return r == IO_OK ? 0 : body_fail(c, r, e);
}

int smtp_body_write(struct smtp *c, const void *p, size_t n, struct wb_err *e)
{
	const unsigned char *in = p;

	while (n > 0) {
		size_t k = n > SMTP_BODY_PIECE ? SMTP_BODY_PIECE : n;

		if (c->olen + DOT_OUT(k) > sizeof c->obuf && body_out(c, e))
			return -1;
		c->olen += dot_feed(&c->dot, in, k, c->obuf + c->olen);
		if (c->dot.eightbit && !(c->caps.flags & CAP_8BITMIME) && !c->force8) {
			snprintf(c->step, sizeof c->step, "DATA (message)");
			err_set(e, EX_DATAERR, "message has 8-bit data but the server "
			        "does not offer 8BITMIME: dropped the connection unsent");
			c->olen = 0;
			return -1;
		}
		in += k;
		n -= k;
	}
	return 0;
}

int smtp_body_end(struct smtp *c, struct wb_err *e)
{
	int r;

	if (input_waiting(c))
		return early_reply(c, e);
	if (CFG_VERBOSE && c->s->verbose)
		fprintf(stderr, "C: [%llu bytes of message]\nC: .\n",
		        (unsigned long long)dot_size(&c->dot));
	c->olen += dot_end(&c->dot, c->obuf + c->olen);
	if (body_out(c, e))
		return -1;
	if ((r = stream_flush(c->s)) != IO_OK)
		return body_fail(c, r, e);
	return 0;
}

static int st_body(struct smtp *c, struct wb_err *e)
{
	c->olen = 0;
	tmo(c, 180);
	if (c->body(c, c->body_ctx, e))
		return -1;
	snprintf(c->step, sizeof c->step, "end of data");
	tmo(c, 600);
	if (get_reply(c, 0, e))
		return -1;
	if (c->r.code != 250)
		return said(c, e, c->r.code / 100 == 2 || c->r.code / 100 == 3 ? EX_PROTOCOL : 0);
	c->delivered = 1;
	snprintf(c->final, sizeof c->final, "%d %s%s%s", c->r.code, c->r.esc,
	         c->r.esc[0] ? " " : "", c->r.text);
	return ST_QUIT;
}

/* The mail is in once the final dot got its 250, and QUIT cannot change
 * that: a closed connection or a timeout here is no failure. But a server
 * that sent a 250 early, just before our dot reached it (no check before
 * the dot can see that one), answers the dot with its real reply, which
 * then stands where the reply to QUIT should be: any reply but 221 means
 * the 250 we counted answered nothing we sent. A 4xx there is a retry
 * (75): a duplicate at worst, never a lost message. */
static int st_quit(struct smtp *c, struct wb_err *e)
{
	struct wb_err ignore;

	snprintf(c->step, sizeof c->step, "QUIT");
	if (command(c, "QUIT", (size_t)-1, 30, &ignore) || !c->delivered ||
	    c->r.code == 221)
		return ST_DONE;
	c->delivered = 0;
	snprintf(c->step, sizeof c->step, "end of data");
	if (c->r.code / 100 == 4 || c->r.code / 100 == 5)
		return said(c, e, 0);
	err_set(e, EX_PROTOCOL, "server answered QUIT with '%d %s': its 250 came "
	        "before our final dot and answered nothing", c->r.code, c->r.text);
	return -1;
}

int smtp_run(struct smtp *c, struct wb_err *e)
{
	int next;

	e->code = 0;
	c->state = ST_GREETING;
	while (c->state != ST_DONE) {
		switch (c->state) {
		case ST_GREETING: next = st_greeting(c, e); break;
		case ST_EHLO: next = st_ehlo(c, e); break;
		case ST_HELO: next = st_helo(c, e); break;
		case ST_STARTTLS: next = st_starttls(c, e); break;
		case ST_AUTH: next = CFG_SMTPSEND_AUTH ? st_auth(c, e) : -1; break;
		case ST_ENVELOPE: next = st_envelope(c, e); break;
		case ST_BODY: next = st_body(c, e); break;
		case ST_QUIT: next = st_quit(c, e); break;
		default:
			err_set(e, EX_SOFTWARE, "impossible state %d", c->state);
			return EX_SOFTWARE;
		}
		if (next < 0)
			return e->code ? e->code : EX_SOFTWARE;
		c->state = next;
	}
	return c->rejected ? EX_NOUSER : 0;
}
