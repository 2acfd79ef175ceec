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
#include "text.h"
#include "tls.h"
#include "util.h"
#include "smtp.h"
#include "smtpsend.h"

const char smtpsend_help[] =
"usage: smtpsend [OPTIONS] [RECIPIENT...] < message\n"
"Send a message through an SMTP server (also called as sendmail).\n\n"
"  -S HOST[:PORT]      server (default 127.0.0.1:25; --port N)\n"
"  -t                  recipients also from To/Cc/Bcc (Bcc is removed)\n"
"  -f ADDR, -r ADDR    envelope sender (--from ADDR, config 'from'); a name\n"
"                      without @ gets --domain, else the host name\n"
"  -F NAME             full name for an added From: header\n"
"  --rewrite-from      replace the header From: with the sender\n"
"  -au USER, --user    authenticate as USER; password from --passfile FILE,\n"
"                      --passwordeval CMD, $SMTP_PASSWORD, ~/.netrc, -ap PASS\n"
"  -am M, --auth M     mechanism: cram-md5 plain login oauth2 xoauth2 oauthbearer\n"
"  --auth-plaintext    allow AUTH without TLS to a non-loopback server\n"
"  --tls, --starttls   TLS (port 465) or STARTTLS; --cafile F --capath D\n"
"                      --tls-name N --fingerprint SHA256 --insecure\n"
"  --helo NAME         EHLO name (default: host name or address literal)\n"
"  --aliases FILE      map local names (root) to addresses; --domain D else\n"
"  --force-8bit        send 8-bit data to a server without 8BITMIME\n"
"  -C FILE             config file (default /etc/smtpsend.conf)\n"
"  --timeout S, -w S   timeout per step; -4  -6  -v (dialog on stderr,\n"
"                      secrets masked)\n"
"  --serverinfo        show greeting and capabilities, send nothing\n"
"  -i, -oi, -o*, -B*   accepted for sendmail compatibility\n"
"Exit: 0 sent; 64 usage; 65 bad address or message;\n"
"67 recipients refused; 68 unknown host; 69 refused or unavailable;\n"
"70 internal error; 71 system error; 74 I/O error; 75 temporary (retry);\n"
"76 protocol error; 77 auth; 78 config.\n";

enum {
	O_T, O_F, O_FNAME, O_I, O_OSTAR, O_BSTAR, O_S, O_AU, O_AP, O_AM,
	O_V, O_4, O_6, O_C, O_HELP, O_W, O_R, O_H, O_LONG
};

/* long options: the same names as the config keys */
static const struct opt opts[] = {
	{ "t", O_T, 0 }, { "f", O_F, 1 }, { "F", O_FNAME, 1 }, { "i", O_I, 0 },
	{ "-o*", O_OSTAR, 0 }, { "-B*", O_BSTAR, 0 }, { "S", O_S, 1 },
	{ "-au", O_AU, 1 }, { "-ap", O_AP, 1 }, { "-am", O_AM, 1 },
	{ "v", O_V, 0 }, { "4", O_4, 0 }, { "6", O_6, 0 }, { "C", O_C, 1 },
	{ "help", O_HELP, 0 }, { "w", O_W, 1 }, { "r", O_R, 1 }, { "H", O_H, 1 },
	{ "host", O_LONG + 0, 1 }, { "port", O_LONG + 1, 1 }, { "from", O_LONG + 2, 1 },
	{ "user", O_LONG + 3, 1 }, { "passfile", O_LONG + 4, 1 },
	{ "passwordeval", O_LONG + 5, 1 }, { "helo", O_LONG + 6, 1 },
	{ "timeout", O_LONG + 7, 1 }, { "aliases", O_LONG + 8, 1 },
	{ "domain", O_LONG + 9, 1 }, { "auth", O_LONG + 10, 1 },
	{ "rewrite-from", O_LONG + 11, 0 }, { "auth-plaintext", O_LONG + 12, 0 },
	{ "force-8bit", O_LONG + 13, 0 }, { "serverinfo", O_LONG + 14, 0 },
	{ "tls", O_LONG + 15, 0 }, { "starttls", O_LONG + 16, 0 }, { "insecure", O_LONG + 17, 0 },
	{ "cafile", O_LONG + 18, 1 }, { "capath", O_LONG + 19, 1 }, { "tls-name", O_LONG + 20, 1 },
	{ "fingerprint", O_LONG + 21, 1 },
	{ NULL, 0, 0 }
};

static const char *long_name(int id)
{
	const struct opt *o;

	for (o = opts; o->name && o->id != id; o++)
		;
	return o->name ? o->name : "?";
}

/* --auth/-am VALUE; e without the option's name (the caller adds it) */
static int set_auth(struct sendcfg *c, const char *v, struct wb_err *e)
{
	c->auth.oauth = 0;
	c->auth.force = 0;
	if (!strcmp(v, "oauth2") || !strcmp(v, "xoauth2") || !strcmp(v, "oauthbearer")) {
		if (!CFG_SMTPSEND_OAUTH) {
			err_set(e, EX_USAGE, "%s: OAuth is not compiled in "
			        "(CONFIG_SMTPSEND_OAUTH)", v);
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

/* a port: digits, 1-65535 (no service names: nothing to resolve) */
static int port_ok(const char *v)
{
	long n = 0;
	size_t i;

	for (i = 0; v[i] >= '0' && v[i] <= '9' && i < 6; i++)
		n = n * 10 + (v[i] - '0');
	return i > 0 && !v[i] && n >= 1 && n <= 65535;
}

/* "key: " before the reason, as every other key's message has it */
static int key_error(const char *k, struct wb_err *e)
{
	char why[sizeof e->msg];

	strlcopy(why, e->msg, sizeof why);
	err_set(e, e->code, "%s: %s", k, why);
	return -1;
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

/* one "key value" from the config file or a long option */
int sendcfg_key(void *ctx, const char *k, const char *v, struct wb_err *e)
{
	struct sendcfg *c = ctx;
	long ms;
	int r;

	if ((r = tls_opt(&c->tls, k, v, e)) != 0)
		return r < 0 ? -1 : 0;
	if (!strcmp(k, "host")) c->host = v;
	else if (!strcmp(k, "port")) {
		if (!port_ok(v)) {
			err_set(e, EX_USAGE, "port: want a number 1-65535, not '%.100s'", v);
			return -1;
		}
		c->port = v;
	}
	else if (!strcmp(k, "from")) c->from = v;
	else if (!strcmp(k, "user")) c->auth.user = v;
	else if (!strcmp(k, "password")) c->password = v;
	else if (!strcmp(k, "passfile")) c->passfile = v;
	else if (!strcmp(k, "passwordeval")) c->passwordeval = v;
	else if (!strcmp(k, "helo")) {
		if (!word_ok(v)) {
			err_set(e, EX_USAGE, "helo: want a host name or [address], not '%.100s'", v);
			return -1;
		}
		c->helo = v;
	}
	else if (!strcmp(k, "aliases")) c->aliases = v;
	else if (!strcmp(k, "domain")) {
		if (!domain_ok((const unsigned char *)v)) {
			err_set(e, EX_USAGE, "domain: want a domain name, not '%.100s'", v);
			return -1;
		}
		c->domain = v;
	}
	else if (!strcmp(k, "auth") && CFG_SMTPSEND_AUTH)
		return set_auth(c, v, e) ? key_error(k, e) : 0;
	else if (!strcmp(k, "rewrite-from")) return parse_flag(k, v, &c->rewrite_from, e);
	else if (!strcmp(k, "auth-plaintext")) return parse_flag(k, v, &c->auth.plaintext_ok, e);
	else if (!strcmp(k, "force-8bit")) return parse_flag(k, v, &c->force8, e);
	else if (!strcmp(k, "serverinfo")) return parse_flag(k, v, &c->serverinfo, e);
	else if (!strcmp(k, "timeout")) {
		if (parse_ms(v, 1, 3600000, &ms)) {
			err_set(e, EX_USAGE, "timeout: want seconds (0.001-3600), not '%s'", v);
			return -1;
		}
		c->timeout_ms = ms;
	} else {
		err_set(e, EX_CONFIG, "unknown key '%s'", k);
		return -1;
	}
	return 0;
}

static int short_opt(struct sendcfg *c, int id, struct optstate *st)
{
	struct wb_err e = { 0, "" };

	switch (id) {
	case O_T: c->t = 1; break;
	case O_F: case O_R: c->env_from = st->arg; break;
	case O_W:               /* BusyBox sendmail: the timeout */
		if (sendcfg_key(c, "timeout", st->arg, &e))
			return usage_error("-w: %s", e.msg + sizeof "timeout: " - 1);
		break;
	case O_FNAME: c->fullname = st->arg; break;
	case O_H: c->via = st->arg; break;
	case O_I: break;
	case O_OSTAR: case O_BSTAR:
		if (c->nignored < IGNORED_MAX)
			c->ignored[c->nignored++] = st->argv[st->ind - 1];
		break;
	case O_S: c->host = st->arg; break;
	case O_AU: c->auth.user = st->arg; break;
	case O_AP:
		c->password = st->arg;
		warnmsg("-ap shows the password in ps; prefer --passfile, SMTP_PASSWORD or ~/.netrc");
		break;
	case O_V: c->verbose = 1; break;
	case O_4: c->family = AF_INET; break;
	case O_6: c->family = AF_INET6; break;
	case O_C: break;        /* read in the first pass */
	}
	return 0;
}

/* second pass over argv: options override the config file */
static int parse_args(struct sendcfg *c, int argc, char **argv)
{
	struct optstate st;
	struct wb_err e = { 0, "" };
	int id;

	opt_init(&st, argc, argv);
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == OPT_ERR)
			return usage_error("%s", st.err);
		if (id == O_HELP) {
			fputs(smtpsend_help, stdout);
			return -1;
		}
		if (id == OPT_ARG) {
			if (c->nargs >= RCPT_MAX)
				return usage_error("more than %d recipients", RCPT_MAX);
			c->args[c->nargs++] = st.arg;
		} else if (id == O_AM) {
			if (!CFG_SMTPSEND_AUTH)
				return usage_error("-am: AUTH is not compiled in");
			if (set_auth(c, st.arg, &e))
				return usage_error("-am: %s", e.msg);
		} else if (id >= O_LONG) {
			if (sendcfg_key(c, long_name(id), st.arg ? st.arg : "", &e))
				return usage_error("--%s", e.msg);
		} else if (short_opt(c, id, &st))
			return EX_USAGE;
	}
	return 0;
}

/* first pass: only -C FILE; then the config file */
static int read_config(struct sendcfg *c, int argc, char **argv)
{
	struct optstate st;
	struct wb_err e = { 0, "" };
	const char *path = NULL;
	int id;

	opt_init(&st, argc, argv);
	while ((id = opt_next(&st, opts)) != OPT_END && id != OPT_ERR)
		if (id == O_C)
			path = st.arg;
	if (!CFG_SMTPSEND_CONFIG) {
		if (path)
			return usage_error("-C: config files are not compiled in");
		return 0;
	}
	if (conf_read(path ? path : "/etc/smtpsend.conf", path != NULL, sendcfg_key, c, &e))
		return err_report(&e, NULL, "config");
	return 0;
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
	if ((rc = read_config(&c, argc, argv)) != 0)
		return rc;
	if ((rc = parse_args(&c, argc, argv)) != 0)
		return rc < 0 ? 0 : rc;
	for (i = 0; CFG_VERBOSE && c.verbose && i < c.nignored; i++)
		warnmsg("ignoring sendmail option %s", c.ignored[i]);
	if (c.t && !CFG_SMTPSEND_HEADERS)
		return usage_error("-t is not compiled in (CONFIG_SMTPSEND_HEADERS)");
	if (c.auth.user && !CFG_SMTPSEND_AUTH)
		return usage_error("AUTH is not compiled in (CONFIG_SMTPSEND_AUTH)");
	if (!c.serverinfo && (rc = msg_prepare(&c, &m)) != 0)
		return rc;
	rc = run(&c, &m);
	secure_zero(c.secret, sizeof c.secret);
	return rc;
}
