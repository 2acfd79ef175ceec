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
#include "util.h"

const char pop3get_help[] =
"usage: pop3get [OPTIONS] -S HOST[:PORT] -u USER [MSGNUM...]\n"
"Fetch mail by POP3; a message is deleted only once stored durably.\n"
"  -s            print COUNT SIZE (STAT)\n"
"  -l            list NUM SIZE UIDL, one line per message\n"
"  -m DIR        deliver into Maildir DIR\n"
"  -o FILE       append to mbox FILE (mboxrd, locked)\n"
"  -x CMD        pipe each message to /bin/sh -c CMD (exit 0 = delivered)\n"
"                default: standard output in mboxrd form\n"
"  -k            keep messages on the server\n"
"  -n            only new messages (UIDL state file, --state FILE;\n"
"                default DIR/.pop3get-uidl with -m)\n"
"  -t            headers only (TOP n 0; with -l or standard output; keeps)\n"
"  --max-size N  leave messages over N bytes on the server\n"
"  --auth M      apop, plain or user (default: APOP if offered, else\n"
"                SASL PLAIN if offered, else USER/PASS)\n"
"  --auth-plaintext  allow a clear-text password to a non-loopback\n"
"                server without TLS\n"
"  --passfile F  password: first line of F; or --passwordeval CMD, or\n"
"                $POP3_PASSWORD, or ~/.netrc\n"
"  -C FILE       config file (default /etc/pop3get.conf), key value lines\n"
"  --tls --starttls --cafile F --capath D --tls-name N --fingerprint H\n"
"  --insecure    TLS options (implicit TLS: default port 995)\n"
"  --serverinfo  print the greeting, CAPA and APOP availability\n"
"  --timeout S   per-read timeout, also for -x CMD to read and exit\n"
"                (default 30); a message gets S plus 1 s per 8 KiB\n"
"  --max-time S  end the whole run after S seconds (exit 75)\n"
"  -4 / -6       address family\n"
"  --port P      port, overriding -S HOST:PORT (default 110, 995 with --tls)\n"
"  -v            show the dialog on stderr (passwords masked)\n"
"Exit: 0 ok, 64 usage, 68 unknown host, 69 unavailable, 70 internal,\n"
"71 system error, 74 local I/O, 75 temporary, 76 protocol, 77 authentication,\n"
"78 config.\n";

enum {
	O_SERVER, O_USER, O_STAT, O_LIST, O_MAILDIR, O_MBOX, O_MDA, O_KEEP, O_NEW,
	O_STATE, O_MAXSIZE, O_HEADERS, O_VERBOSE, O_TIMEOUT, O_4, O_6, O_INFO,
	O_CONF, O_PASSFILE, O_PASSEVAL, O_PASSWORD, O_AUTH, O_PLAINTEXT,
	O_PORT, O_MAXTIME, O_TLS, O_STARTTLS, O_CAFILE, O_CAPATH, O_TLSNAME, O_FPR, O_INSECURE,
};

/* config keys (named like the long options), by id */
static const char *const keys[] = {
	"server", "user", "stat", "list", "maildir", "mbox", "mda", "keep", "new",
	"state", "max-size", "headers", "verbose", "timeout", "ipv4", "ipv6",
	"serverinfo", "config", "passfile", "passwordeval", "password", "auth",
	"auth-plaintext", "port", "max-time", "tls", "starttls", "cafile", "capath", "tls-name",
	"fingerprint", "insecure",
};

/* one key per option id */
typedef char keys_match_ids[sizeof keys / sizeof *keys == O_INSECURE + 1 ? 1 : -1];

static const struct opt opts[] = {
	{ "S", O_SERVER, 1 }, { "server", O_SERVER, 1 }, { "u", O_USER, 1 },
	{ "user", O_USER, 1 }, { "s", O_STAT, 0 }, { "l", O_LIST, 0 },
	{ "m", O_MAILDIR, 1 }, { "maildir", O_MAILDIR, 1 }, { "o", O_MBOX, 1 },
	{ "mbox", O_MBOX, 1 }, { "x", O_MDA, 1 }, { "mda", O_MDA, 1 },
	{ "k", O_KEEP, 0 }, { "keep", O_KEEP, 0 }, { "n", O_NEW, 0 },
	{ "new", O_NEW, 0 }, { "state", O_STATE, 1 }, { "max-size", O_MAXSIZE, 1 },
	{ "t", O_HEADERS, 0 }, { "headers", O_HEADERS, 0 }, { "v", O_VERBOSE, 0 },
	{ "timeout", O_TIMEOUT, 1 }, { "4", O_4, 0 }, { "6", O_6, 0 },
	{ "serverinfo", O_INFO, 0 }, { "C", O_CONF, 1 }, { "passfile", O_PASSFILE, 1 },
	{ "passwordeval", O_PASSEVAL, 1 }, { "auth", O_AUTH, 1 },
	{ "auth-plaintext", O_PLAINTEXT, 0 }, { "tls", O_TLS, 0 },
	{ "starttls", O_STARTTLS, 0 }, { "cafile", O_CAFILE, 1 },
	{ "capath", O_CAPATH, 1 }, { "tls-name", O_TLSNAME, 1 },
	{ "fingerprint", O_FPR, 1 }, { "insecure", O_INSECURE, 0 },
	{ "port", O_PORT, 1 }, { "max-time", O_MAXTIME, 1 }, { NULL, 0, 0 },
};

struct setup {
	struct pop3cfg c;
	const char *maildir, *mbox, *mda, *conf, *passfile, *passeval, *password;
	const char *port;
	char statebuf[4096];
	char secret[SECRET_MAX];
};

static int set_auth(struct pop3cfg *c, const char *v, struct wb_err *e)
{
	if (!strcmp(v, "apop"))
		c->auth = AUTH_APOP;
	else if (!strcmp(v, "plain"))
		c->auth = AUTH_PLAIN;
	else if (!strcmp(v, "user"))
		c->auth = AUTH_USER;
	else if (!strcmp(v, "auto"))
		c->auth = AUTH_AUTO;
	else {
		err_set(e, EX_USAGE, "auth: want apop, plain, user or auto, not '%s'", v);
		return -1;
	}
	return 0;
}

/* flags: their int in the config, by id */
static int *flag_ptr(struct setup *st, int id)
{
	switch (id) {
	case O_KEEP: return &st->c.keep;
	case O_NEW: return &st->c.only_new;
	case O_HEADERS: return &st->c.headers;
	case O_VERBOSE: return &st->c.verbose;
	case O_PLAINTEXT: return &st->c.auth_plaintext;
	}
	return NULL;
}

static int set_value(struct setup *st, int id, const char *v, struct wb_err *e)
{
	long n;

	switch (id) {
	case O_SERVER: st->c.server = v; break;
	case O_USER: st->c.user = v; break;
	case O_MAILDIR: st->maildir = v; break;
	case O_MBOX: st->mbox = v; break;
	case O_MDA: st->mda = v; break;
	case O_STATE: st->c.statefile = v; break;
	case O_PASSFILE: st->passfile = v; break;
	case O_PASSEVAL: st->passeval = v; break;
	case O_PASSWORD: st->password = v; break;
	case O_CONF: st->conf = v; break;
	case O_PORT: st->port = v; break;
	case O_AUTH: return set_auth(&st->c, v, e);
	case O_MAXSIZE:
		if (parse_long(v, 1, LONG_MAX, &n))
			goto bad;
		st->c.max_size = (unsigned long long)n;
		break;
	case O_TIMEOUT:
		if (parse_ms(v, 1, 3600000, &n))
			goto bad;
		st->c.timeout_ms = (int)n;
		break;
	case O_MAXTIME:
		if (parse_ms(v, 1, 86400000L * 7, &n))
			goto bad;
		st->c.max_time_ms = n;
		break;
	default:
		err_set(e, EX_USAGE, "%s: unknown key", keys[id]);
		return -1;
	}
	return 0;
bad:
	err_set(e, EX_USAGE, "%s: bad value '%s'", keys[id], v);
	return -1;
}

/* one setting, from the command line or the config file */
static int set(struct setup *st, int id, const char *v, struct wb_err *e)
{
	int *f = flag_ptr(st, id), b;

	if (id >= O_TLS)
		return tls_opt(&st->c.tls, keys[id], v, e) < 0 ? -1 : 0;
	if (f || id == O_STAT || id == O_LIST || id == O_INFO || id == O_4 || id == O_6) {
		if (parse_flag(keys[id], v, &b, e))
			return -1;
		if (f)
			*f = b;
		else if (id == O_4 || id == O_6)
			st->c.family = b ? (id == O_4 ? AF_INET : AF_INET6) : AF_UNSPEC;
		else if (b)
			st->c.mode = id == O_STAT ? MODE_STAT : id == O_LIST ? MODE_LIST : MODE_INFO;
		return 0;
	}
	return set_value(st, id, v, e);
}

/* actions and -C itself belong on the command line, not in a config file */
static int cmdline_only(int id)
{
	return id == O_STAT || id == O_LIST || id == O_INFO || id == O_CONF;
}

static int conf_line(void *ctx, const char *key, const char *val, struct wb_err *e)
{
	size_t i;

	for (i = 0; i < sizeof keys / sizeof *keys; i++)
		if (!strcmp(key, keys[i]) && cmdline_only((int)i)) {
			err_set(e, EX_CONFIG, "'%s' is a command-line option, not a config "
			        "key", key);
			return -1;
		}
	for (i = 0; i < sizeof keys / sizeof *keys; i++)
		if (!strcmp(key, keys[i]) || (!strcmp(key, "tls_name") && i == O_TLSNAME) ||
		    (!strcmp(key, "host") && i == O_SERVER))
			return set(ctx, (int)i, val, e);
	err_set(e, EX_CONFIG, "unknown key '%s'", key);
	return -1;
}

/* the -C FILE argument, looked for before the real parse */
static const char *conf_path(int argc, char **argv, int *given)
{
	struct optstate o;
	int id;

	*given = 0;
	opt_init(&o, argc, argv);
	while ((id = opt_next(&o, opts)) != OPT_END && id != OPT_ERR)
		if (id == O_CONF) {
			*given = 1;
			return o.arg;
		}
	return "/etc/pop3get.conf";
}

static int parse(struct setup *st, int argc, char **argv, struct wb_err *e)
{
	struct optstate o;
	int id, given;
	const char *conf = conf_path(argc, argv, &given);

	if (conf_read(conf, given, conf_line, st, e))
		return -1;
	opt_init(&o, argc, argv);
	st->c.nums = argv + argc;
	while ((id = opt_next(&o, opts)) != OPT_END) {
		if (id == OPT_ERR) {
			err_set(e, EX_USAGE, "%s", o.err);
			return -1;
		}
		if (id == OPT_ARG) {
			long n;

			if (parse_long(o.arg, 1, (long)POP3_NUM_MAX, &n)) {
				err_set(e, EX_USAGE, "not a message number: '%s'", o.arg);
				return -1;
			}
			if (st->c.nnums == 0)
				st->c.nums = argv + o.ind - 1;
			else if (st->c.nums + st->c.nnums != argv + o.ind - 1) {
				err_set(e, EX_USAGE, "message numbers go after the options");
				return -1;
			}
			st->c.nnums++;
			continue;
		}
		if (set(st, id, o.arg ? o.arg : "", e))
			return -1;
	}
	return 0;
}

/* printable, no blanks: safe inside a POP3 command */
static int clean_word(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

/* each MSGNUM once: a repeat would be delivered twice and its second DELE
 * refused after the first was accepted */
static int unique_nums(const struct pop3cfg *c, struct wb_err *e)
{
	long a, b;
	int i, j;

	for (i = 1; i < c->nnums; i++) {
		if (parse_long(c->nums[i], 1, (long)POP3_NUM_MAX, &a))
			continue;       /* not reached: parse() checked them */
		for (j = 0; j < i; j++)
			if (parse_long(c->nums[j], 1, (long)POP3_NUM_MAX, &b) == 0 && a == b) {
				err_set(e, EX_USAGE, "message %ld given twice", a);
				return -1;
			}
	}
	return 0;
}

static int check(struct setup *st, struct wb_err *e)
{
	struct pop3cfg *c = &st->c;
	int targets = !!st->maildir + !!st->mbox + !!st->mda;

	if (!c->server)
		return err_set(e, EX_USAGE, "no server (-S HOST[:PORT])"), -1;
	if (c->mode != MODE_INFO && (!c->user || !*c->user || !clean_word(c->user)))
		return err_set(e, EX_USAGE, "no user (-u USER) or one with blanks"), -1;
	if (targets > 1)
		return err_set(e, EX_USAGE, "-m, -o and -x exclude each other"), -1;
	if ((st->maildir && !CFG_POP3GET_MAILDIR) || (st->mbox && !CFG_POP3GET_MBOX) ||
	    (st->mda && !CFG_POP3GET_MDA) || (c->only_new && !CFG_POP3GET_UIDL))
		return err_set(e, EX_USAGE, "that option is not compiled in"), -1;
	if (c->headers && targets)
		return err_set(e, EX_USAGE, "-t goes with -l or standard output"), -1;
	if (c->only_new && !c->statefile && !st->maildir)
		return err_set(e, EX_USAGE, "-n needs --state FILE (or -m DIR)"), -1;
	if (c->mode != MODE_FETCH && c->mode != MODE_LIST && c->nnums)
		return err_set(e, EX_USAGE, "message numbers go with fetching or -l"), -1;
	if (unique_nums(c, e))
		return -1;
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

/* -S HOST[:PORT]; --port overrides the port there (as in smtpsend) */
static int server_of(struct setup *st, struct hostport *hp, struct wb_err *e)
{
	long n = 0;

	if (st->port && parse_long(st->port, 1, 65535, &n)) {
		err_set(e, EX_USAGE, "--port: not a port number (1-65535): '%s'", st->port);
		return -1;
	}
	if (hostport_parse(st->c.server, st->c.tls.mode == TLS_IMPLICIT ? "995" : "110",
	                   hp, e))
		return -1;
	if (st->port)
		snprintf(hp->port, sizeof hp->port, "%ld", n);
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
	if (parse(&st, argc, argv, &e) || check(&st, &e)) {
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
