/* session.c - the POP3 session as an explicit state machine: greeting
 * (APOP timestamp), CAPA, STLS, authentication, STAT, then windows of
 * messages: LIST/UIDL n, RETR (pipelined with CAPA PIPELINING), delivery,
 * one durability point per window (directory fsync, state file), and only
 * then the window's DELEs. On a failure nothing more is deleted; QUIT is
 * sent only when every DELE sent so far was for a durable message and the
 * connection is in step, else the connection is dropped (RFC 1939: the
 * server then removes nothing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sysopts.h"
#include "pop3.h"
#include "account.h"
#include "base64.h"
#include "text.h"
#include "util.h"

static const char *const state_name[] = {
	"greeting", "CAPA", "STLS", "auth", "STAT", "window", "QUIT", "done",
};

int64_t pop3_deadline(const struct pop3cfg *c, int64_t ms)
{
	int64_t d = mono_ms() + ms;

	return c->run_deadline && c->run_deadline < d ? c->run_deadline : d;
}

/* past --max-time: the reason for the failure whatever the I/O said */
int pop3_over(const struct pop3cfg *c, struct wb_err *e)
{
	if (!c->run_deadline || mono_ms() < c->run_deadline)
		return 0;
	err_set(e, EX_TEMPFAIL, "--max-time of %ld s reached (nothing unstored "
	        "deleted; run again to go on)", c->max_time_ms / 1000);
	return 1;
}

static int io_fail(struct pop3 *p, int r, struct wb_err *e)
{
	p->insync = 0;
	if (!pop3_over(p->cfg, e))
		err_set(e, io_exitcode(r), "%s", io_strerror(p->s, r));
	return -1;
}

/* every wait ends by --max-time too: the stream's limit (pop3_run) */
static int send_line(struct pop3 *p, const char *line, size_t show, struct wb_err *e)
{
	int r = line_write(p->s, line, show);

	return r == IO_OK ? 0 : io_fail(p, r, e);
}

static int flush(struct pop3 *p, struct wb_err *e)
{
	int r = stream_flush(p->s);

	return r == IO_OK ? 0 : io_fail(p, r, e);
}

int pop3_status(struct pop3 *p, char *line, const char **text, struct wb_err *e)
{
	char c[128];
	size_t n;
	int r = line_read(p->s, line, POP3_LINE_MAX, &n);

	if (r != IO_OK)
		return io_fail(p, r, e);
	if (strlen(line) != n || (r = resp_status(line, text)) == RESP_BAD) {
		p->insync = 0;
		text_clean(c, sizeof c, line, strlen(line));
		err_set(e, EX_PROTOCOL, "not a POP3 reply: '%s'", c);
		return -1;
	}
	return r;
}

/* a -ERR reply as an error: RFC 2449/3206 codes pick the exit code */
int pop3_refused(const char *text, int code, struct wb_err *e)
{
	char c[128];

	if (prefix_icase(text, "[IN-USE]") || prefix_icase(text, "[SYS/TEMP]"))
		code = EX_TEMPFAIL;
	else if (prefix_icase(text, "[AUTH]"))
		code = EX_NOPERM;
	text_clean(c, sizeof c, text, strlen(text));
	err_set(e, code, "server said: -ERR %s", c);
	return -1;
}

/* one command, one +OK reply (else the -ERR becomes error `code`) */
static int command(struct pop3 *p, const char *cmd, size_t show, int code,
                   const char **text, struct wb_err *e)
{
	int r;

	if (send_line(p, cmd, show, e) || flush(p, e))
		return -1;
	if ((r = pop3_status(p, p->line, text, e)) < 0)
		return -1;
	return r == RESP_OK ? 0 : pop3_refused(*text, code, e);
}

static int body_io_fail(struct stream *s, const struct body_io *io, int r,
                        struct wb_err *e)
{
	if (r == IO_TIMEOUT && io->deadline && mono_ms() >= io->deadline)
		err_set(e, EX_TEMPFAIL, "message not complete within %lld ms (--timeout "
		        "plus 1 s per %u bytes announced)", (long long)io->budget_ms,
		        POP3_MIN_RATE);
	else
		err_set(e, io_exitcode(r), "%s in the middle of a message",
		        io_strerror(s, r));
	return -1;
}

/* the body of a multi-line reply, decoded, into d (NULL: discarded); a
 * body growing past io->limit bytes (0: none) is a lying server, one
 * still going at io->deadline (0: none) a dripping one */
int pop3_body(struct stream *s, struct dlv *d, struct body_io *io, struct wb_err *e)
{
	char out[POP3_RBUF + 1];
	struct wb_err failed = { 0, "" };
	struct body b;
	const char *in;
	size_t got, used, n;
	int r;

	body_init(&b);
	io->wire = 0;
	while (b.st != B_DONE) {
		/* decoded straight out of the stream's buffer; the rest of it
		 * (the next reply) stays there */
		r = stream_peek_by(s, &in, &got, io->deadline ? io->deadline :
		                   stream_deadline(s));
		if (r != IO_OK)
			return body_io_fail(s, io, r, e);
		used = body_feed(&b, in, got < POP3_RBUF ? got : POP3_RBUF, out, &n);
		stream_skip(s, used);
		io->wire += used;
		if (io->limit && b.bytes > io->limit) {
			err_set(e, EX_PROTOCOL, "message larger than announced (over %llu "
			        "bytes): refused", (unsigned long long)io->limit);
			return -1;
		}
		if (n && d && dlv_write(d, out, n, e)) {
			d = NULL;               /* read on to the end: in step */
			failed = *e;
		}
	}
	if (failed.code) {
		*e = failed;
		return -2;
	}
	return 0;
}

/* a CAPA listing line by line (bounded lines, at most 200 of them, all
 * within one --timeout: a dripping server cannot stretch it) */
static int read_capa(struct pop3 *p, struct wb_err *e)
{
	char c[POP3_LINE_MAX + 1];
	int64_t by = stream_deadline(p->s);
	size_t n;
	int r, lines;

	for (lines = 0;; lines++) {
		if ((r = line_read_by(p->s, p->line, POP3_LINE_MAX, &n, by)) != IO_OK)
			return io_fail(p, r, e);
		if (!strcmp(p->line, "."))
			return 0;
		if (lines == 200) {
			p->insync = 0;
			err_set(e, EX_PROTOCOL, "CAPA listing without end");
			return -1;
		}
		if (p->cfg->mode == MODE_INFO) {
			const char *l = p->line[0] == '.' ? p->line + 1 : p->line;

			text_clean(c, sizeof c, l, strlen(l));
			printf("capa: %s\n", c);
		}
		resp_capa(p->line[0] == '.' ? p->line + 1 : p->line, &p->caps);
	}
}

static int st_greeting(struct pop3 *p, struct wb_err *e)
{
	const char *text;
	char c[128];
	int r = pop3_status(p, p->line, &text, e);

	if (r < 0)
		return -1;
	if (r != RESP_OK)
		return pop3_refused(text, EX_UNAVAILABLE, e);
	p->apop_ok = CFG_POP3GET_APOP && apop_timestamp(text, p->ts);
	if (p->cfg->mode == MODE_INFO) {
		text_clean(c, sizeof c, text, strlen(text));
		printf("greeting: +OK %s\napop: %s\n", c, p->apop_ok ? "yes" : "no");
	}
	p->st = P_CAPA;
	return 0;
}

static int st_capa(struct pop3 *p, struct wb_err *e)
{
	const char *text;
	int r;

	p->caps = 0;
	if (send_line(p, "CAPA", (size_t)-1, e) || flush(p, e) ||
	    (r = pop3_status(p, p->line, &text, e)) < 0)
		return -1;
	if (r == RESP_OK && read_capa(p, e))
		return -1;
	if (CFG_TLS && p->cfg->tls.mode == TLS_STARTTLS && !p->tls_on)
		p->st = P_STLS;
	else if (p->cfg->mode == MODE_INFO)
		p->st = P_QUIT;
	else
		p->st = P_AUTH;
	return 0;
}

static int st_stls(struct pop3 *p, struct wb_err *e)
{
	const char *text;

	if (!(p->caps & CAPA_STLS)) {
		err_set(e, EX_UNAVAILABLE, "server does not offer STLS (not continuing "
		        "without TLS)");
		return -1;
	}
	if (command(p, "STLS", (size_t)-1, EX_PROTOCOL, &text, e))
		return -1;
	p->insync = 0;
	if (conn_starttls(p->conn, e)) {        /* by the stream's deadline */
		pop3_over(p->cfg, e);   /* the reason, when --max-time ended it */
		return -1;
	}
	p->insync = 1;
	p->tls_on = 1;
	p->apop_ok = 0;         /* forget everything learned in plain text */
	if (p->cfg->mode == MODE_INFO)
		conn_tls_info(p->conn, stdout);
	p->st = P_CAPA;
	return 0;
}

/* may a password go in clear text on this connection? */
static int cleartext_ok(const struct pop3 *p)
{
	return p->tls_on || p->loopback || p->cfg->auth_plaintext;
}

static int pick_auth(struct pop3 *p, struct wb_err *e)
{
	int a = p->cfg->auth;

	if (a == AUTH_AUTO)
		a = p->apop_ok ? AUTH_APOP : (p->caps & CAPA_SASL_PLAIN) ? AUTH_PLAIN : AUTH_USER;
	if (a == AUTH_APOP && !p->apop_ok) {
		err_set(e, EX_UNAVAILABLE, "server offers no APOP timestamp%s",
		        CFG_POP3GET_APOP ? "" : " (APOP not compiled in)");
		return -1;
	}
	if (a != AUTH_APOP && !cleartext_ok(p)) {
		err_set(e, EX_NOPERM, "%s; use --tls/--starttls or --auth-plaintext",
		        p->cfg->auth == AUTH_AUTO ? "server offers only clear-text login "
		        "over an unencrypted connection" : "refusing to send a password in "
		        "clear text over an unencrypted connection");
		return -1;
	}
	return a;
}

/* APOP refused under --auth auto and no clear-text fallback allowed here:
 * say why nothing else was tried */
static void no_fallback(struct wb_err *e)
{
	char why[sizeof e->msg];

	snprintf(why, sizeof why, "%s", e->msg);
	err_set(e, EX_NOPERM, "%.120s; no clear-text login tried over an unencrypted "
	        "connection (use --tls/--starttls or --auth-plaintext)", why);
}

static int auth_plain(struct pop3 *p, struct wb_err *e)
{
	char *raw = p->authbuf.plain.raw, *line = p->authbuf.plain.line;
	const char *text;
	size_t u = strlen(p->cfg->user), s = strlen(p->cfg->secret);
	int r;

	if (u * 2 + s + 2 > sizeof p->authbuf.plain.raw) {
		err_set(e, EX_USAGE, "user name or password too long");
		return -1;
	}
	raw[0] = 0;
	memcpy(raw + 1, p->cfg->user, u);
	raw[u + 1] = 0;
	memcpy(raw + u + 2, p->cfg->secret, s);
	memcpy(line, "AUTH PLAIN ", 11);
	base64_encode(raw, u + s + 2, line + 11, sizeof p->authbuf.plain.line - 11);
	secure_zero(raw, sizeof p->authbuf.plain.raw);
	r = command(p, line, 11, EX_NOPERM, &text, e);
	secure_zero(line, sizeof p->authbuf.plain.line);
	/* a "+ " challenge: the server ignored the initial response (RFC 5034
	 * requires it to take one); the session is out of step and dropped */
	if (r && e->code == EX_PROTOCOL && p->line[0] == '+' &&
	    (p->line[1] == ' ' || p->line[1] == 0))
		err_set(e, EX_NOPERM, "server wants AUTH PLAIN without an initial "
		        "response; use --auth user");
	return r;
}

static int auth_apop(struct pop3 *p, struct wb_err *e)
{
	char line[POP3_LINE_MAX], hex[33];
	const char *text;
	int n;

	apop_digest(p->ts, p->cfg->secret, hex);
	n = snprintf(line, sizeof line, "APOP %s %s", p->cfg->user, hex);
	if (n < 0 || (size_t)n >= sizeof line) {
		err_set(e, EX_USAGE, "user name too long");
		return -1;
	}
	return command(p, line, 6 + strlen(p->cfg->user), EX_NOPERM, &text, e);
}

static int auth_user(struct pop3 *p, struct wb_err *e)
{
	char *line = p->authbuf.user;
	size_t max = sizeof p->authbuf.user;
	const char *text;
	int r;

	snprintf(line, max, "USER %s", p->cfg->user);
	r = command(p, line, (size_t)-1, EX_NOPERM, &text, e);
	if (r == 0) {
		snprintf(line, max, "PASS %s", p->cfg->secret);
		r = command(p, line, 5, EX_NOPERM, &text, e);
	}
	secure_zero(line, max);
	return r;
}

/* exactly the mechanism a: never another one in its place */
static int auth(struct pop3 *p, int a, struct wb_err *e)
{
	if (a == AUTH_PLAIN)
		return auth_plain(p, e);
	if (a == AUTH_APOP)
		return CFG_POP3GET_APOP ? auth_apop(p, e) : -1;
	return auth_user(p, e);
}

/* APOP first when offered; when the server refuses it (a user whose
 * password is stored hashed) and a clear-text method is allowed here,
 * that is tried once more */
static int st_auth(struct pop3 *p, struct wb_err *e)
{
	int a = pick_auth(p, e), r;

	if (a < 0)
		return -1;
	r = auth(p, a, e);
	if (r && a == AUTH_APOP && p->cfg->auth == AUTH_AUTO && p->insync &&
	    e->code == EX_NOPERM && !cleartext_ok(p))
		no_fallback(e);
	else if (r && a == AUTH_APOP && p->cfg->auth == AUTH_AUTO && p->insync &&
	    e->code == EX_NOPERM) {
		if (p->s->verbose)
			fprintf(stderr, "%s: APOP refused, trying %s\n", wb_applet,
			        p->caps & CAPA_SASL_PLAIN ? "AUTH PLAIN" : "USER/PASS");
		r = auth(p, p->caps & CAPA_SASL_PLAIN ? AUTH_PLAIN : AUTH_USER, e);
	}
	if (r == 0)
		p->st = P_STAT;
	return r;
}

static int st_stat(struct pop3 *p, struct wb_err *e)
{
	const char *text;
	char c[128];

	if (command(p, "STAT", (size_t)-1, EX_PROTOCOL, &text, e))
		return -1;
	if (resp_stat(text, &p->count, &p->total)) {
		text_clean(c, sizeof c, text, strlen(text));
		err_set(e, EX_PROTOCOL, "bad STAT reply '%s'", c);
		return -1;
	}
	if (p->cfg->mode == MODE_STAT) {
		printf("%lu %llu\n", p->count, p->total);
		p->st = P_QUIT;
	} else {
		p->st = P_WINDOW;       /* bulk data from here on: big reads */
		stream_set_rbuf(p->s, p->rbig, sizeof p->rbig);
	}
	return 0;
}

static int st_quit(struct pop3 *p, struct wb_err *e)
{
	const char *text;

	p->step = "QUIT";
	if (command(p, "QUIT", (size_t)-1, EX_TEMPFAIL, &text, e))
		return -1;
	p->insync = 0;
	if (CFG_POP3GET_UIDL && p->uidl && p->complete && uidl_commit(p->uidl, e))
		return -1;
	p->st = P_DONE;
	return 0;
}

/* the step, for error messages */
static void set_step(struct pop3 *p)
{
	if (p->st != P_WINDOW)
		p->step = state_name[p->st];
}

int pop3_run(struct pop3 *p, struct wb_err *e)
{
	int r = 0;

	p->insync = 1;
	stream_set_limit(p->s, p->cfg->run_deadline);   /* --max-time: every wait */
	while (r == 0 && p->st != P_DONE) {
		set_step(p);
		switch (p->st) {
		case P_GREETING: r = st_greeting(p, e); break;
		case P_CAPA: r = st_capa(p, e); break;
		case P_AUTH: r = st_auth(p, e); break;
		case P_STAT: r = st_stat(p, e); break;
		case P_WINDOW: r = pop3_window(p, e); break;
		case P_QUIT: r = st_quit(p, e); break;
		case P_STLS:    /* reached only with CONFIG_TLS: without it st_stls is not linked */
			if (CFG_TLS) {
				r = st_stls(p, e);
				break;
			}
			/* fall through */
		default:
			err_set(e, EX_SOFTWARE, "impossible state %d", (int)p->st);
			return -1;
		}
	}
	return r;
}

int pop3_send(struct pop3 *p, const char *line, struct wb_err *e)
{
	return send_line(p, line, (size_t)-1, e);
}

int pop3_flush(struct pop3 *p, struct wb_err *e)
{
	return flush(p, e);
}

/* after a failure: QUIT if that keeps everything safe, else just drop */
void pop3_abandon(struct pop3 *p)
{
	struct wb_err e2;

	if (!p->insync || p->deleted_unsafe || p->st < P_STAT || p->st >= P_QUIT)
		return;
	p->complete = 0;
	if (send_line(p, "QUIT", (size_t)-1, &e2) == 0 && flush(p, &e2) == 0) {
		const char *text;

		pop3_status(p, p->line, &text, &e2);
	}
}
