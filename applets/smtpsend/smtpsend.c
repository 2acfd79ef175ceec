/* smtpsend.c - SMTP submission client, sendmail- and BusyBox-compatible.
 *
 * Options, config file, recipients; the dialog is session.c, the message
 * message.c. */
//applet:smtpsend SMTPSEND smtpsend_main smtpsend_help
//applet:sendmail SMTPSEND smtpsend_main smtpsend_help alias
//config:config SMTPSEND
//config:	bool "smtpsend: SMTP submission client (sendmail)"
//config:	default y
//config:	help
//config:	  Send a message from standard input through an SMTP server,
//config:	  sendmail-compatible (-t, -f, -i, -oi), also called as sendmail.
//config:config SMTPSEND_AUTH
//config:	bool "smtpsend AUTH (PLAIN, LOGIN, CRAM-MD5)"
//config:	default y
//config:	depends on SMTPSEND
//config:	help
//config:	  Authenticate with a user name and password (RFC 4954).
//config:config SMTPSEND_OAUTH
//config:	bool "smtpsend AUTH with OAuth bearer tokens (XOAUTH2, OAUTHBEARER)"
//config:	default y
//config:	depends on SMTPSEND_AUTH
//config:	help
//config:	  --auth oauth2: the secret is a bearer token (RFC 7628).
//config:config SMTPSEND_CONFIG
//config:	bool "smtpsend config file and aliases"
//config:	default y
//config:	depends on SMTPSEND
//config:	help
//config:	  Read /etc/smtpsend.conf (-C FILE) and an aliases file for
//config:	  local recipients such as root.
//config:config SMTPSEND_HEADERS
//config:	bool "smtpsend -t and added headers (Date, Message-ID, From)"
//config:	default y
//config:	depends on SMTPSEND
//config:	help
//config:	  Recipients from To/Cc/Bcc with -t, --rewrite-from, and the Date,
//config:	  Message-ID and From headers a message lacks. Bcc: is always
//config:	  removed; without this option the message goes out exactly as
//config:	  given, a Bcc: header included.
#define _DEFAULT_SOURCE
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "sysopts.h"
#include "account.h"
#include "conn.h"
#include "net.h"
#include "opt.h"
#include "optab.h"
#include "text.h"
#include "tls.h"
#include "util.h"
#include "smtp.h"
#include "smtpsend.h"

/* what an OT_CALL entry is (optab.h) */
enum { P_AUTH, P_AP, P_PORT, P_HELO, P_DOMAIN, P_COMPAT, P_FP };

/* smtpsend's options, one X line each (core/optab.h):
 * X(names, kind, destination, min, max, feature, --help lines) */
#define AT(m) OPT_AT(struct sendcfg, m)
#define TLS_AT(m) AT(tls.m)
#define SMTPSEND_OPTS(X) \
X("S host", OT_STR, AT(host), 0, 0, ANY, \
  "  -S HOST[:PORT]      server (default 127.0.0.1:25; --port N)\n") \
X("port", OT_CALL, OPT_ID(P_PORT), 0, 0, ANY, "") \
X("H", OT_STR, AT(via), 0, 0, ANY, \
  "  -H 'PROG ARGS'      speak SMTP through PROG's stdin/stdout (BusyBox);\n" \
  "                      PROG does any TLS: we verify nothing\n") \
X("t", OT_FLAG, AT(t), 0, 0, SMTPSEND_HEADERS, \
  "  -t                  recipients also from To/Cc/Bcc (Bcc is removed)\n") \
X("f r", OT_STR, AT(env_from), 0, 0, ANY, \
  "  -f ADDR, -r ADDR    envelope sender (--from ADDR, config 'from'); a name\n" \
  "                      without @ gets --domain, else the host name\n") \
X("from", OT_STR, AT(from), 0, 0, ANY, "") \
X("F", OT_STR, AT(fullname), 0, 0, ANY, \
  "  -F NAME             full name for an added From: header\n") \
X("rewrite-from", OT_FLAG, AT(rewrite_from), 0, 0, SMTPSEND_HEADERS, \
  "  --rewrite-from      replace the header From: with the sender\n") \
X("-au user", OT_STR, AT(auth.user), 0, 0, SMTPSEND_AUTH, \
  "  -au USER, --user    authenticate as USER; password from --passfile FILE,\n" \
  "                      --passwordeval CMD, $SMTP_PASSWORD, ~/.netrc, -ap PASS\n") \
X("passfile", OT_STR | OPT_COMMAND, AT(passfile), 0, 0, SMTPSEND_AUTH, "") \
X("passwordeval", OT_STR | OPT_COMMAND, AT(passwordeval), 0, 0, SMTPSEND_AUTH, "") \
X("=password", OT_STR | OPT_SECRET, AT(password), 0, 0, SMTPSEND_AUTH, "") \
X("-ap", OT_CALL, OPT_ID(P_AP), 0, 0, SMTPSEND_AUTH, "") \
X("-am auth", OT_CALL, OPT_ID(P_AUTH), 0, 0, SMTPSEND_AUTH, \
  "  -am M, --auth M     mechanism: cram-md5 plain login oauth2 xoauth2 oauthbearer\n") \
X("auth-plaintext", OT_FLAG, AT(auth.plaintext_ok), 0, 0, SMTPSEND_AUTH, \
  "  --auth-plaintext    allow AUTH without TLS to a non-loopback server\n") \
TLS_OPTS(X, TLS_AT, P_FP, "465") \
X("helo", OT_CALL, OPT_ID(P_HELO), 0, 0, ANY, \
  "  --helo NAME         EHLO name (default: host name or address literal)\n") \
X("aliases", OT_STR, AT(aliases), 0, 0, SMTPSEND_CONFIG, \
  "  --aliases FILE      map local names (root) to addresses\n") \
X("domain", OT_CALL, OPT_ID(P_DOMAIN), 0, 0, ANY, \
  "  --domain D          domain of the other local names and of the sender\n") \
X("force-8bit", OT_FLAG, AT(force8), 0, 0, ANY, \
  "  --force-8bit        send 8-bit data to a server without 8BITMIME\n") \
X("C --config", OT_STR | OPT_EARLY, AT(conf), 0, 0, SMTPSEND_CONFIG, \
  "  -C, --config FILE   config file (default /etc/smtpsend.conf)\n") \
X("timeout w", OT_MS, AT(timeout_ms), 1, 3600000, ANY, \
  "  --timeout S, -w S   per step (default: 30 to connect, then RFC 5321's\n" \
  "                      2-10 minutes for each reply)\n") \
X("4", OT_SET, AT(family), AF_INET, 0, ANY, "  -4, -6              IPv4 or IPv6 only\n") \
X("6", OT_SET, AT(family), AF_INET6, 0, ANY, "") \
X("v", OT_FLAG, AT(verbose), 0, 0, ANY, \
  "  -v                  dialog on stderr (secrets masked)\n") \
X("--serverinfo", OT_FLAG, AT(serverinfo), 0, 0, ANY, \
  "  --serverinfo        show greeting and capabilities, send nothing\n") \
X("i", OT_CALL0, OPT_ID(P_COMPAT), 0, 0, ANY, \
  "  -i, -oi, -o*, -B*   accepted for sendmail compatibility\n") \
X("-o*", OT_CALL, OPT_ID(P_COMPAT), 0, 0, ANY, "") \
X("-B*", OT_CALL, OPT_ID(P_COMPAT), 0, 0, ANY, "") \
X("", OT_LIST, AT(args), offsetof(struct sendcfg, nargs), 0, ANY, "")

const char smtpsend_help[] =
"usage: smtpsend [OPTIONS] [RECIPIENT...] < message\n"
"Send a message through an SMTP server (also called as sendmail).\n\n"
SMTPSEND_OPTS(OPT_HELP)
"Exit: 0 sent; 64 usage; 65 bad address or message;\n"
"67 recipients refused; 68 unknown host; 69 refused or unavailable;\n"
"70 internal error; 71 system error; 74 I/O error; 75 temporary (retry);\n"
"76 protocol error; 77 auth; 78 config.\n";

/* --auth/-am VALUE; e without the option's name (the parser adds it) */
static int set_auth(struct sendcfg *c, const char *v, struct wb_err *e)
{
	c->auth.oauth = 0;
	c->auth.force = 0;
	if (!strcmp(v, "oauth2") || !strcmp(v, "xoauth2") || !strcmp(v, "oauthbearer")) {
		if (!CFG_SMTPSEND_OAUTH) {
			err_set(e, EX_USAGE, "%s: not compiled in (CONFIG_SMTPSEND_OAUTH)", v);
			return -1;
		}
		c->auth.oauth = 1;
		if (strcmp(v, "oauth2"))
			c->auth.force = mech_bit(v, strlen(v));
		return 0;
	}
	if (!strcmp(v, "") || !strcmp(v, "on") || !strcmp(v, "auto"))
		return 0;
	if ((c->auth.force = mech_bit(v, strlen(v))) == 0) {
		err_set(e, EX_USAGE, "unknown mechanism '%.100s' (want cram-md5, plain, "
		        "login, oauth2, xoauth2, oauthbearer)", v);
		return -1;
	}
	return 0;
}

/* one word of printable ASCII, at most HOST_MAX - 1 bytes (the EHLO name) */
static int word_ok(const char *v)
{
	size_t i;

	for (i = 0; v[i]; i++)
		if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
			return 0;
	return i > 0 && i < HOST_MAX;
}

/* -i, -o*, -B*: noted for -v ("-oi": the letter is the entry's) */
static void compat(struct sendcfg *c, const struct optdef *o, const char *arg)
{
	if (arg && c->nignored < IGNORED_MAX) {
		c->ignored_by[c->nignored] = o->names[1];
		c->ignored[c->nignored++] = arg;
	}
}

static int bad(struct wb_err *e, const char *want, const char *v)
{
	err_set(e, EX_USAGE, "%s, not '%.100s'", want, v);
	return -1;
}

/* the OT_CALL entries; e gets the reason, the parser names the option */
static int call(void *cfg, const struct optdef *o, const char *arg, struct wb_err *e)
{
	struct sendcfg *c = cfg;

	switch (o->at) {
	case P_AUTH:
		return set_auth(c, arg, e);
	case P_AP:
		c->password = arg;
		warnmsg("-ap shows the password in ps; prefer --passfile, SMTP_PASSWORD or ~/.netrc");
		return 0;
	case P_PORT:
		c->port = arg;
		return port_ok(arg) ? 0 : bad(e, PORT_WANT, arg);
	case P_HELO:
		c->helo = arg;
		return word_ok(arg) ? 0 : bad(e, "want a host name or [address]", arg);
	case P_DOMAIN:
		c->domain = arg;
		return domain_ok((const unsigned char *)arg) ? 0 : bad(e, "want a domain name", arg);
	case P_FP:
		return CFG_TLS ? tls_opt_fp(&c->tls, arg, e) : -1;
	}
	compat(c, o, arg);
	return 0;
}

static const struct optdef smtpsend_opt[] = { SMTPSEND_OPTS(OPT_ENTRY) };
extern const struct optab smtpsend_optab;       /* the unit tests check it */
const struct optab smtpsend_optab = { smtpsend_opt, OPT_COUNT(smtpsend_opt), call };

/* one config-file key into the struct sendcfg at ctx (a conf_fn) */
int sendcfg_key(void *ctx, const char *k, const char *v, struct wb_err *e)
{
	return opt_key(&smtpsend_optab, ctx, k, v, e);
}

/* -C FILE (first pass), the config file, then the whole command line over
 * it: 0, -1 after --help, or an exit code */
static int parse(struct sendcfg *c, int argc, char **argv)
{
	struct optconf oc = { &smtpsend_optab, c };
	struct wb_err e = { 0, "" };
	int r;

	opt_argv(&smtpsend_optab, c, argc, argv, OPT_EARLY, &e);
	if (CFG_SMTPSEND_CONFIG && conf_read(c->conf ? c->conf : "/etc/smtpsend.conf",
	                                     c->conf != NULL, opt_conf, &oc, &e))
		return err_report(&e, NULL, "config");
	if ((r = opt_argv(&smtpsend_optab, c, argc, argv, 0, &e)) == OPT_HELP_ASKED) {
		fputs(smtpsend_help, stdout);
		return -1;
	}
	return r ? usage_error("%s", e.msg) : 0;
}

/* the secret into c->secret (wiped by smtpsend_main after the run) */
static int get_secret(struct sendcfg *c, const char *host, struct wb_err *e)
{
	struct secret_src src = { c->passfile, c->passwordeval, "SMTP_PASSWORD",
	                          host, c->auth.user, c->password, (int)c->timeout_ms };
	int r = secret_get(&src, c->secret, sizeof c->secret, e);

	if (r < 0)
		return -1;
	if (r == 0) {
		err_set(e, EX_CONFIG, "user %s but no password (--passfile, "
		        "--passwordeval, SMTP_PASSWORD, ~/.netrc)", c->auth.user);
		return -1;
	}
	c->auth.secret = c->secret;
	return 0;
}

/* HELO name: --helo, else a host name with a dot, else "[address]";
 * through -H (no address of ours) the host name as it is, as BusyBox */
static void helo_name(struct sendcfg *c, int fd, char *buf, size_t max)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char a[ADDRSTR_MAX];
	int named;

	if (c->helo) {
		strlcopy(buf, c->helo, max);
		return;
	}
	named = !gethostname(buf, max) && (buf[max - 1] = 0, word_ok(buf));
	if (named && strchr(buf, '.'))
		return;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)) {
		if (!named)
			strlcopy(buf, "localhost", max);
		return;
	}
	net_addr_str((struct sockaddr *)&ss, 0, a, sizeof a);
	snprintf(buf, max, ss.ss_family == AF_INET6 ? "[IPv6:%s]" : "[%s]", a);
}

/* one run's session: the connection, the dialog and what they point to */
struct run_state {
	struct conn conn;
	struct smtp s;
	struct hostport hp;
	char helo[HOST_MAX];
	char server[HOST_MAX + PORT_MAX + 4];
};

static int starttls_cb(struct smtp *s, void *ctx, struct wb_err *e)
{
	(void)s;
	if (conn_is_cmd(ctx)) {         /* not reached: run() refuses the pair */
		err_set(e, EX_USAGE, "-H: the program does TLS, not --starttls");
		return -1;
	}
	return conn_starttls(ctx, e);
}

/* no -S and no 'host': say how to name a server (the default is a guess) */
static void default_hint(const struct sendcfg *c, struct wb_err *e)
{
	char msg[sizeof e->msg];

	if (c->host || c->via || e->code != EX_TEMPFAIL)
		return;
	strlcopy(msg, e->msg, sizeof msg);
	err_set(e, e->code, "%s (no server given: use -S HOST[:PORT]%s)", msg,
	        CFG_SMTPSEND_CONFIG ? " or 'host' in /etc/smtpsend.conf" : "");
}

/* 1 if the -H command has the word -starttls: the program (openssl
 * s_client -starttls smtp, BusyBox's first example) reads the greeting
 * and does EHLO and STARTTLS itself before the session is ours */
static int via_starttls(const char *cmd)
{
	const char *p;

	for (p = cmd; (p = strstr(p, "-starttls")) != NULL; p++)
		if ((p == cmd || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[9] == 0 || p[9] == ' ' || p[9] == '\t'))
			return 1;
	return 0;
}

/* as BusyBox: a NOOP; its 250 (after the greeting, if the program left
 * that to us) says the session is ours; then the dialog starts as after
 * a greeting */
static int took_greeting(struct run_state *r, struct wb_err *e)
{
	static const char hi[] = "220 greeting read by the -H program\r\n";
	struct stream *s = conn_stream(&r->conn);
	char line[SMTP_LINE_MAX];
	size_t len;
	int io, greeted = 0;

	snprintf(r->s.step, sizeof r->s.step, "NOOP");
	conn_step(&r->conn);
	if ((io = line_write(s, "NOOP", (size_t)-1)) == IO_OK)
		io = stream_flush(s);
	while (io == IO_OK && (io = line_read(s, line, sizeof line, &len)) == IO_OK) {
		if (len >= 4 && line[3] == '-')
			continue;               /* more lines of the same reply */
		if (!greeted && !strncmp(line, "220 ", 4)) {
			greeted = 1;            /* the greeting, then our NOOP's 250 */
			continue;
		}
		if (strncmp(line, "250 ", 4))
			break;
		conn_deadline(&r->conn, 0);
		return conn_prepend(&r->conn, hi, sizeof hi - 1);
	}
	if (io != IO_OK)
		err_set(e, io_exitcode(io), "%s", io_strerror(s, io));
	else
		err_set(e, EX_PROTOCOL, "not ready after the program's STARTTLS: '%.100s'", line);
	return -1;
}

/* connect (implicit TLS too) within --timeout, or start -H's program;
 * the dialog gets the stream */
static int connect_server(struct sendcfg *c, struct run_state *r, struct wb_err *e)
{
	struct conn_params p = { c->family, c->timeout_ms ? (int)c->timeout_ms :
	                         CONN_TIMEOUT_DEFAULT_MS, c->verbose, &c->tls };

	if (c->via) {
		/* BusyBox's way to a TLS port (openssl s_client): the user chose
		 * the program; what it does is out of our sight, so say so, and
		 * let AUTH through it as through TLS (docs/smtpsend.md) */
		warnmsg("-H: the program carries the connection; TLS and certificates "
		        "are up to it, not verified by smtpsend");
		if (conn_open_cmd(&r->conn, c->via, &p, e) ||
		    (via_starttls(c->via) && took_greeting(r, e)))
			return -1;
	} else if (conn_open(&r->conn, &r->hp, &p, e)) {
		default_hint(c, e);
		return -1;
	}
	helo_name(c, conn_fd(&r->conn), r->helo, sizeof r->helo);
	r->s.helo = r->helo;
	r->s.tls_active = conn_tls_active(&r->conn);
	r->s.secure = r->s.tls_active || conn_loopback(&r->conn) || conn_is_cmd(&r->conn);
	r->s.starttls = CFG_TLS && c->tls.mode == TLS_STARTTLS;
	r->s.tls = starttls_cb;
	r->s.tls_ctx = &r->conn;
	return 0;
}

/* the server (-S, --port); with -H the program is the server and -S, if
 * given, only names it (~/.netrc, OAUTHBEARER) */
static int server_of(struct sendcfg *c, struct hostport *hp, struct wb_err *e)
{
	const char *def = CFG_TLS && c->tls.mode == TLS_IMPLICIT ? "465" : "25";

	if (c->via && !c->via[strspn(c->via, " \t")]) {
		err_set(e, EX_USAGE, "-H: want a command ('PROG ARGS')");
		return -1;
	}
	if (c->via && c->tls.mode != TLS_OFF) {
		err_set(e, EX_USAGE, "-H: the program does TLS (openssl s_client); "
		        "--tls and --starttls do not go with it");
		return -1;
	}
	if (c->via && !c->host) {
		hp->host[0] = 0;
		strlcopy(hp->port, c->port ? c->port : def, sizeof hp->port);
		return 0;
	}

	if (hostport_parse(c->host ? c->host : "127.0.0.1", def, hp, e))
		return -1;
	if (c->port && strlcopy(hp->port, c->port, sizeof hp->port)) {
		err_set(e, EX_USAGE, "bad port '%s'", c->port);
		return -1;
	}
	if (!port_ok(hp->port)) {
		err_set(e, EX_USAGE, "%s: port: want a number 1-65535, not '%.100s'",
		        c->host ? c->host : "-S", hp->port);
		return -1;
	}
	return 0;
}

/* "-H PROG": the first word of the command, cleaned, for messages */
static void via_name(const char *cmd, char *buf, size_t max)
{
	size_t n;

	cmd += strspn(cmd, " \t");
	if (!strncmp(cmd, "exec ", 5))
		cmd += 5 + strspn(cmd + 5, " \t");
	n = strcspn(cmd, " \t");
	memcpy(buf, "-H ", 3);
	text_clean(buf + 3, max - 3, cmd, n);
}

static int run(struct sendcfg *c, struct msg *m)
{
	struct run_state r;
	struct wb_err e = { 0, "" };
	int rc;

	memset(&r, 0, sizeof r);        /* a zeroed conn is closed */
	if (server_of(c, &r.hp, &e))
		return err_report(&e, NULL, "server");
	if (c->via)     /* "-H PROG": the program's name stands for the server */
		via_name(c->via, r.server, sizeof r.server);
	else
		snprintf(r.server, sizeof r.server, strchr(r.hp.host, ':') ? "[%s]:%s" : "%s:%s",
		         r.hp.host, r.hp.port);
	smtp_init(&r.s, conn_stream(&r.conn));
	r.s.server = r.server;
	r.s.host = r.hp.host;
	r.s.port = r.hp.port;
	r.s.tmo_ms = c->timeout_ms;
	r.s.auth = c->auth;
	if (CFG_SMTPSEND_AUTH && c->auth.user && !c->serverinfo && get_secret(c, r.hp.host, &e))
		return err_report(&e, r.server, "password");
	r.s.auth.secret = c->auth.secret;
	if (c->serverinfo) {
		r.s.info = stdout;
		r.s.info_only = 1;
		r.s.auth.user = NULL;
	} else if (msg_envelope(c, m, &r.s, &e))
		return err_report(&e, NULL, "message");
	if (connect_server(c, &r, &e)) {
		conn_close(&r.conn);    /* -H: the program goes too */
		return err_report(&e, r.server, r.s.step[0] ? r.s.step : "connect");
	}
	rc = smtp_run(&r.s, &e);
	if (CFG_TLS && r.s.tls_active && c->serverinfo)
		conn_tls_info(&r.conn, stdout);
	conn_close(&r.conn);
	if (rc == EX_NOUSER && r.s.delivered)
		warnmsg("%s: delivered to %d of %d recipients", r.server, r.s.accepted, r.s.nrcpt);
	else if (rc)
		err_report(&e, r.server, r.s.step);
	return rc;
}

int smtpsend_main(int argc, char **argv)
{
	static struct sendcfg c;
	static struct msg m;
	int rc, i;

	memset(&c, 0, sizeof c);
	signal(SIGPIPE, SIG_IGN);       /* a closed connection is an error, not death */
	if ((rc = parse(&c, argc, argv)) != 0)
		return rc < 0 ? 0 : rc;
	for (i = 0; CFG_VERBOSE && c.verbose && i < c.nignored; i++)
		warnmsg("ignoring sendmail option -%c%s", c.ignored_by[i], c.ignored[i]);
	if (!c.serverinfo && (rc = msg_prepare(&c, &m)) != 0)
		return rc;
	rc = run(&c, &m);
	secure_zero(c.secret, sizeof c.secret);
	return rc;
}
