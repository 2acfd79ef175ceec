/* pop3get.c - POP3 fetcher: options, config file, password, connection.
 * The protocol is in session.c/window.c, parsing in resp.c/body.c,
 * delivery in deliver*.c, the -n state in uidl.c. */
//applet:pop3get POP3GET pop3get_main pop3get_help
//config:config POP3GET
//config:	bool "pop3get: POP3 fetcher"
//config:	default y
//config:	help
//config:	  Fetch mail from a POP3 server (RFC 1939) into a Maildir, an
//config:	  mbox, a command or standard output; deletes a message only
//config:	  after it is stored durably.
//config:config POP3GET_APOP
//config:	bool "pop3get APOP authentication"
//config:	default y
//config:	depends on POP3GET
//config:	help
//config:	  Use APOP (MD5 challenge, RFC 1939) when the server offers it.
//config:config POP3GET_MAILDIR
//config:	bool "pop3get Maildir delivery (-m)"
//config:	default y
//config:	depends on POP3GET
//config:	help
//config:	  Deliver into a Maildir (tmp, fsync, rename into new).
//config:config POP3GET_MBOX
//config:	bool "pop3get mbox delivery (-o)"
//config:	default y
//config:	depends on POP3GET
//config:	help
//config:	  Append to an mboxrd file under an fcntl lock.
//config:config POP3GET_MDA
//config:	bool "pop3get MDA delivery (-x CMD)"
//config:	default y
//config:	depends on POP3GET
//config:	help
//config:	  Pipe each message to a command; exit 0 means delivered.
//config:config POP3GET_UIDL
//config:	bool "pop3get only-new mode (-n, UIDL state file)"
//config:	default y
//config:	depends on POP3GET
//config:	help
//config:	  Remember the UIDLs of fetched messages and skip them later.
#define _DEFAULT_SOURCE
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sysopts.h"
#include "pop3.h"
#include "account.h"
#include "net.h"
#include "opt.h"
#include "optab.h"
#include "util.h"

struct setup {
	struct pop3cfg c;
	const char *maildir, *mbox, *mda, *conf, *passfile, *passeval, *password;
	const char *port;
	char statebuf[4096];
	char secret[SECRET_MAX];
};

/* what an OT_CALL entry is (optab.h) */
enum { P_PORT, P_FP };

/* pop3get's options, one X line each (core/optab.h):
 * X(names, kind, destination, min, max, feature, --help lines) */
#define AT(m) OPT_AT(struct setup, m)
#define TLS_AT(m) AT(c.tls.m)
#define POP3GET_OPTS(X) \
X("S server =host", OT_STR, AT(c.server), 0, 0, ANY, \
  "  -S HOST[:PORT]      server (port 110, 995 with --tls; --port P wins)\n") \
X("port", OT_CALL, OPT_ID(P_PORT), 0, 0, ANY, "") \
X("u user", OT_STR, AT(c.user), 0, 0, ANY, \
  "  -u, --user USER     log in as USER\n") \
X("s --stat", OT_SET, AT(c.mode), MODE_STAT, 0, ANY, \
  "  -s, --stat          print COUNT SIZE (STAT)\n") \
X("l --list", OT_SET, AT(c.mode), MODE_LIST, 0, ANY, \
  "  -l, --list          list NUM SIZE UIDL, one line per message\n") \
X("m maildir", OT_STR, AT(maildir), 0, 0, POP3GET_MAILDIR, \
  "  -m, --maildir DIR   deliver into Maildir DIR\n") \
X("o mbox", OT_STR, AT(mbox), 0, 0, POP3GET_MBOX, \
  "  -o, --mbox FILE     append to mbox FILE (mboxrd, locked)\n") \
X("x mda", OT_STR | OPT_COMMAND, AT(mda), 0, 0, POP3GET_MDA, \
  "  -x, --mda CMD       pipe each message to /bin/sh -c CMD (exit 0: delivered)\n") \
X("k keep", OT_FLAG, AT(c.keep), 0, 0, ANY, \
  "  -k, --keep          keep messages on the server\n") \
X("n new", OT_FLAG, AT(c.only_new), 0, 0, POP3GET_UIDL, \
  "  -n, --new           only new messages (UIDL state file --state FILE" \
  OPT_IF(POP3GET_MAILDIR, ",\n                      with -m by default DIR/.pop3get-uidl") ")\n") \
X("state", OT_STR, AT(c.statefile), 0, 0, POP3GET_UIDL, "") \
X("t headers", OT_FLAG, AT(c.headers), 0, 0, ANY, \
  "  -t, --headers       headers only (TOP n 0; with -l or standard output; keeps)\n") \
X("max-size", OT_NUM, AT(c.max_size), 1, INT_MAX, ANY, \
  "  --max-size N        leave messages over N bytes on the server\n") \
X("auth:auto|apop|plain|user", OT_ENUM, AT(c.auth), AUTH_AUTO, 0, ANY, \
  OPT_IF(POP3GET_APOP, \
  "  --auth M            apop, plain or user (default: APOP if offered, else\n" \
  "                      SASL PLAIN if offered, else USER/PASS)\n") \
  OPT_IF_NOT(POP3GET_APOP, \
  "  --auth M            plain or user (default: SASL PLAIN if offered,\n" \
  "                      else USER/PASS)\n")) \
X("auth-plaintext", OT_FLAG, AT(c.auth_plaintext), 0, 0, ANY, \
  "  --auth-plaintext    allow a clear-text password to a non-loopback server\n" \
  "                      without TLS\n") \
X("passfile", OT_STR | OPT_COMMAND, AT(passfile), 0, 0, ANY, \
  "  --passfile F        password: first line of F; or --passwordeval CMD,\n" \
  "                      $POP3_PASSWORD, ~/.netrc\n") \
X("passwordeval", OT_STR | OPT_COMMAND, AT(passeval), 0, 0, ANY, "") \
X("=password", OT_STR | OPT_SECRET, AT(password), 0, 0, ANY, "") \
X("C --config", OT_STR | OPT_EARLY, AT(conf), 0, 0, ANY, \
  "  -C, --config FILE   config file (default /etc/pop3get.conf), key value lines\n") \
TLS_OPTS(X, TLS_AT, P_FP, "995") \
X("--serverinfo", OT_SET, AT(c.mode), MODE_INFO, 0, ANY, \
  "  --serverinfo        print the greeting, CAPA and APOP availability\n") \
X("timeout", OT_MS, AT(c.timeout_ms), 1, 3600000, ANY, \
  "  --timeout S         per-read timeout (default 30); a message gets S plus\n" \
  "                      1 s per 8 KiB" OPT_IF(POP3GET_MDA, "; -x CMD gets S to read and exit") \
  "\n") \
X("max-time", OT_MS, AT(c.max_time_ms), 1, 7 * 86400000, ANY, \
  "  --max-time S        end the whole run after S seconds (exit 75)\n") \
X("4 =ipv4", OT_SET, AT(c.family), AF_INET, 0, ANY, \
  "  -4, -6              IPv4 or IPv6 only\n") \
X("6 =ipv6", OT_SET, AT(c.family), AF_INET6, 0, ANY, "") \
X("v =verbose", OT_FLAG, AT(c.verbose), 0, 0, ANY, \
  "  -v                  show the dialog on stderr (passwords masked)\n") \
X("", OT_LIST, AT(c.nums), offsetof(struct setup, c.nnums), 0, ANY, "")

const char pop3get_help[] =
"usage: pop3get [OPTIONS] -S HOST[:PORT] -u USER [MSGNUM...]\n"
"Fetch mail by POP3 (to standard output in mboxrd form by default);\n"
"a message is deleted only once stored durably.\n\n"
POP3GET_OPTS(OPT_HELP)
"Exit: 0 ok, 64 usage, 68 unknown host, 69 unavailable, 70 internal,\n"
"71 system error, 74 local I/O, 75 temporary, 76 protocol, 77 authentication,\n"
"78 config.\n";

/* the OT_CALL entries; e gets the reason, the parser names the option */
static int call(void *cfg, const struct optdef *o, const char *arg, struct wb_err *e)
{
	struct setup *st = cfg;

	if (CFG_TLS && o->at == P_FP)
		return tls_opt_fp(&st->c.tls, arg, e);
	st->port = arg;
	if (port_ok(arg))
		return 0;
	err_set(e, EX_USAGE, PORT_WANT ", not '%.100s'", arg);
	return -1;
}

static const struct optdef pop3get_opt[] = { POP3GET_OPTS(OPT_ENTRY) };
extern const struct optab pop3get_optab;        /* the unit tests check it */
const struct optab pop3get_optab = { pop3get_opt, OPT_COUNT(pop3get_opt), call };

/* -C FILE (first pass), the config file, then the whole command line over
 * it: 0, OPT_HELP_ASKED, or -1 with e filled */
static int parse(struct setup *st, int argc, char **argv, struct wb_err *e)
{
	struct optconf oc = { &pop3get_optab, st };

	opt_argv(&pop3get_optab, st, argc, argv, OPT_EARLY, e);
	if (conf_read(st->conf ? st->conf : "/etc/pop3get.conf", st->conf != NULL,
	              opt_conf, &oc, e))
		return -1;
	return opt_argv(&pop3get_optab, st, argc, argv, 0, e);
}

/* printable, no blanks: safe inside a POP3 command */
static int clean_word(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

/* each MSGNUM a number, and once: a repeat would be delivered twice and
 * its second DELE refused after the first was accepted */
static int check_nums(const struct pop3cfg *c, struct wb_err *e)
{
	long a, b;
	int i, j;

	for (i = 0; i < c->nnums; i++) {
		if (parse_long(c->nums[i], 1, (long)POP3_NUM_MAX, &a))
			return err_set(e, EX_USAGE, "not a message number: '%s'", c->nums[i]), -1;
		for (j = 0; j < i; j++)
			if (parse_long(c->nums[j], 1, (long)POP3_NUM_MAX, &b) == 0 && a == b)
				return err_set(e, EX_USAGE, "message %ld given twice", a), -1;
	}
	return 0;
}

static int check(struct setup *st, struct wb_err *e)
{
	struct pop3cfg *c = &st->c;
	int targets = !!st->maildir + !!st->mbox + !!st->mda;

	if (check_nums(c, e))
		return -1;
	if (!c->server)
		return err_set(e, EX_USAGE, "no server (-S HOST[:PORT])"), -1;
	if (c->mode != MODE_INFO && (!c->user || !*c->user || !clean_word(c->user)))
		return err_set(e, EX_USAGE, "no user (-u USER) or one with blanks"), -1;
	if (targets > 1)
		return err_set(e, EX_USAGE, "-m, -o and -x exclude each other"), -1;
	if (c->auth == AUTH_APOP && !CFG_POP3GET_APOP)
		return err_set(e, EX_USAGE, "--auth: apop: not compiled in (CONFIG_POP3GET_APOP)"), -1;
	if (c->headers && targets)
		return err_set(e, EX_USAGE, "-t goes with -l or standard output"), -1;
	if (c->only_new && !c->statefile && !st->maildir)
		return err_set(e, EX_USAGE, "-n needs --state FILE (or -m DIR)"), -1;
	if (c->mode != MODE_FETCH && c->mode != MODE_LIST && c->nnums)
		return err_set(e, EX_USAGE, "message numbers go with fetching or -l"), -1;
	if (c->only_new && !c->statefile) {
		int n = snprintf(st->statebuf, sizeof st->statebuf, "%s/.pop3get-uidl",
		                 st->maildir);

		if (n < 0 || (size_t)n >= sizeof st->statebuf)
			return err_set(e, EX_USAGE, "Maildir path too long"), -1;
		c->statefile = st->statebuf;
	}
	return 0;
}

static int get_secret(struct setup *st, const char *host, struct wb_err *e)
{
	struct secret_src src;
	int r;

	memset(&src, 0, sizeof src);
	src.passfile = st->passfile;
	src.passwordeval = st->passeval;
	src.envvar = "POP3_PASSWORD";
	src.netrc_host = host;
	src.user = st->c.user;
	src.literal = st->password;
	src.timeout_ms = st->c.timeout_ms;
	r = secret_get(&src, st->secret, sizeof st->secret, e);
	if (r == 0)
		err_set(e, EX_CONFIG, "no password: use --passfile, --passwordeval, "
		        "POP3_PASSWORD or ~/.netrc");
	if (r == 1 && strpbrk(st->secret, "\r\n")) {
		err_set(e, EX_CONFIG, "the password holds a line break");
		r = -1;
	}
	st->c.secret = st->secret;
	return r == 1 ? 0 : -1;
}

/* -S HOST[:PORT] (hostport_parse checks its port); --port (checked when
 * parsed) overrides the port there, as in smtpsend */
static int server_of(struct setup *st, struct hostport *hp, struct wb_err *e)
{
	if (hostport_parse(st->c.server, st->c.tls.mode == TLS_IMPLICIT ? "995" : "110",
	                   hp, e))
		return -1;
	if (st->port)
		strlcopy(hp->port, st->port, sizeof hp->port);
	return 0;
}

static void pick_target(struct setup *st, struct dlv *d)
{
	if (st->c.mode == MODE_LIST)
		dlv_init(d, DLV_RAW, NULL);
	else if (st->maildir)
		dlv_init(d, DLV_MAILDIR, st->maildir);
	else if (st->mbox)
		dlv_init(d, DLV_MBOX, st->mbox);
	else if (st->mda)
		dlv_init(d, DLV_MDA, st->mda);
	else
		dlv_init(d, DLV_STDOUT, NULL);
}

/* connect (and implicit TLS) by one deadline: --timeout from now, but no
 * later than --max-time allows; the stream is ready for the greeting */
static int dial(struct setup *st, struct hostport *hp, struct conn *c,
                struct pop3 *p, struct wb_err *e)
{
	int64_t left = pop3_deadline(&st->c, st->c.timeout_ms) - mono_ms();
	struct conn_params cp = { st->c.family, (int)left, st->c.verbose, &st->c.tls };

	if (pop3_over(&st->c, e))
		return -1;
	if (cp.timeout_ms < 1)
		cp.timeout_ms = 1;
	if (conn_open(c, hp, &cp, e)) {
		pop3_over(&st->c, e);   /* the reason, when --max-time ended it */
		return -1;
	}
	p->loopback = conn_loopback(c);
	p->tls_on = conn_tls_active(c);
	if (p->tls_on && st->c.mode == MODE_INFO)
		conn_tls_info(c, stdout);
	return 0;
}

static int fetch(struct setup *st, struct hostport *hp, struct wb_err *e)
{
	struct conn c;
	struct pop3 p;
	struct dlv d;
	struct uidl u;
	int r;

	memset(&c, 0, sizeof c);        /* closed: nothing to close yet */
	memset(&p, 0, sizeof p);
	p.cfg = &st->c;
	p.conn = &c;
	p.s = conn_stream(&c);
	p.step = "connect";
	pick_target(st, &d);
	d.timeout_ms = st->c.timeout_ms;
	d.run_deadline = st->c.run_deadline;    /* -x: waits end by --max-time */
	if (st->c.mode == MODE_FETCH || st->c.mode == MODE_LIST)
		p.dlv = &d;
	if (p.dlv && st->c.mode == MODE_FETCH && dlv_open(&d, e))
		return err_report(e, hp->host, "delivery");
	if (CFG_POP3GET_UIDL && st->c.only_new && st->c.mode == MODE_FETCH) {
		if (uidl_open(&u, st->c.statefile, e)) {
			dlv_close(&d);
			return err_report(e, hp->host, "state");
		}
		p.uidl = &u;
	}
	r = dial(st, hp, &c, &p, e);
	if (r == 0 && (r = pop3_run(&p, e)) != 0)
		pop3_abandon(&p);
	if (CFG_POP3GET_UIDL && p.uidl)
		uidl_close(p.uidl);
	dlv_close(&d);
	if (conn_is_open(&c) && r == 0 && st->c.verbose)
		fprintf(stderr, "%s: %s: %lu fetched, %lu deleted, %lu known, %lu over "
		        "--max-size\n", wb_applet, hp->host, p.fetched, p.deleted,
		        p.known, p.skipped);
	conn_close(&c);
	return r ? err_report(e, hp->host, p.step) : 0;
}

int pop3get_main(int argc, char **argv)
{
	static struct setup st;
	struct hostport hp;
	struct wb_err e = { 0, "" };
	int r;

	memset(&st, 0, sizeof st);
	st.c.timeout_ms = CONN_TIMEOUT_DEFAULT_MS;
	st.c.family = AF_UNSPEC;
	if ((r = parse(&st, argc, argv, &e)) == OPT_HELP_ASKED) {
		fputs(pop3get_help, stdout);
		return 0;
	}
	if (r || check(&st, &e)) {
		if (e.code == EX_USAGE)
			return usage_error("%s", e.msg);
		return err_report(&e, NULL, NULL);
	}
	if (server_of(&st, &hp, &e))
		return usage_error("%s", e.msg);
	st.c.server = hp.host;
	if (st.c.max_time_ms)
		st.c.run_deadline = mono_ms() + st.c.max_time_ms;
	if (st.c.mode != MODE_INFO && get_secret(&st, hp.host, &e))
		return err_report(&e, NULL, NULL);
	signal(SIGPIPE, SIG_IGN);
	r = fetch(&st, &hp, &e);
	secure_zero(st.secret, sizeof st.secret);
	if (fflush(stdout) != 0 && r == 0)
		r = EX_IOERR;
	return r;
}
