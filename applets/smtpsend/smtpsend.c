/* smtpsend.c - SMTP submission client, sendmail- and BusyBox-compatible.
 *
 * Options, config file, recipients; the dialog is session.c, the message
 * message.c. */
//applet:smtpsend SMTPSEND smtpsend_main smtpsend_help
//applet:sendmail SMTPSEND smtpsend_main smtpsend_help alias
//applet:msmtp SMTPSEND_MSMTP smtpsend_main smtpsend_help alias
//applet:mailq SMTPSEND_QUEUE smtpsend_main smtpsend_help alias
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
//config:config SMTPSEND_MSMTP
//config:	bool "smtpsend as msmtp (msmtp's options, -P, syslog and log file)"
//config:	default y
//config:	depends on SMTPSEND_CONFIG
//config:	help
//config:	  Also called as msmtp: msmtp's command line, /etc/msmtprc and
//config:	  ~/.msmtprc; -P prints the settings; syslog/--syslog and
//config:	  logfile/-X log one line per message (for OpenWrt's adblock,
//config:	  banIP, travelmate).
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
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>
#include "sysopts.h"
#include "account.h"
#include "conn.h"
#include "net.h"
#include "opt.h"
#include "optab.h"
#include "msmtprc.h"
#include "slog.h"
#include "text.h"
#include "tls.h"
#include "util.h"
#include "smtp.h"
#include "smtpsend.h"
#include "queue.h"

/* what an OT_CALL entry is (optab.h) */
enum { P_AUTH, P_AP, P_PORT, P_HELO, P_DOMAIN, P_COMPAT, P_FP, P_TIMEOUT, P_SYSLOG,
       P_STARTTLS, P_CERTCHECK, P_SETFROM, P_FROMOVR,
       P_QLIFE, P_QSIZE = P_QLIFE + QO_SIZE, P_Q = P_QLIFE + QO_Q,   /* the queue's: */
       P_B = P_QLIFE + QO_B, P_QDROP = P_QLIFE + QO_DROP,        /* spool_opt */
       P_QRETRY = P_QLIFE + QO_RETRY };

/* smtpsend's options, one line each (core/optab.h):
 * X(names, kind, destination, min, max, feature, --help lines);
 * S(...) lines are smtpsend's and sendmail's only, M(...) lines msmtp's
 * only (called as msmtp: -S is --serverinfo, -a an account, --auth's
 * argument optional), Q(...) lines the queue's in both (none at all in a
 * build without CONFIG_SMTPSEND_QUEUE: it behaves as before, -q unknown);
 * the rest are the same in both tables */
#define AT(m) OPT_AT(struct sendcfg, m)
#define TLS_AT(m) AT(tls.m)
#define SMTPSEND_OPTS(X, S, M, Q) \
S("S host", OT_STR, AT(host), 0, 0, ANY, \
  "  -S HOST[:PORT]      server (default 127.0.0.1:25; --port N; --host HOST)\n") \
M("host", OT_STR, AT(host), 0, 0, ANY, "") \
X("port", OT_CALL, OPT_ID(P_PORT), 0, 0, ANY, "") \
X("H", OT_STR, AT(via), 0, 0, ANY, \
  "  -H 'PROG ARGS'      speak SMTP through PROG's stdin/stdout (BusyBox);\n" \
  "                      PROG does any TLS: we verify nothing\n") \
X("t --read-recipients", OT_FLAG, AT(t), 0, 0, SMTPSEND_HEADERS, \
  "  -t                  recipients also from To/Cc/Bcc (Bcc is removed)\n") \
X("f r", OT_STR, AT(env_from), 0, 0, ANY, \
  "  -f ADDR, -r ADDR    envelope sender (--from ADDR" \
  OPT_IF(SMTPSEND_CONFIG, ", config 'from'") "); a name\n" \
  "                      without @ gets --domain, else the host name\n") \
X("from", OT_STR, AT(from), 0, 0, ANY, "") \
X("--read-envelope-from", OT_FLAG, AT(read_env_from), 0, 0, SMTPSEND_HEADERS, \
  "  --read-envelope-from  the envelope sender from the header From\n") \
X("F", OT_STR, AT(fullname), 0, 0, ANY, \
  "  -F NAME             full name for an added From: header\n") \
X("rewrite-from", OT_FLAG, AT(rewrite_from), 0, 0, SMTPSEND_HEADERS, \
  "  --rewrite-from      replace the header From: with the sender\n") \
X("set-from-header =set_from_header", OT_CALL0, OPT_ID(P_SETFROM), 0, 0, ANY, \
  "  --set-from-header, --set-from-header=auto|on|off  a missing From: added\n" \
  "                      (auto), any replaced (on: --rewrite-from), none (off)\n") \
X("allow-from-override =allow_from_override", OT_CALL0, OPT_ID(P_FROMOVR), 0, 0, ANY, \
  "  --allow-from-override, --allow-from-override=off  off: -f and --from\n" \
  "                      cannot change the config file's 'from'\n") \
S("-au user", OT_STR, AT(auth.user), 0, 0, SMTPSEND_AUTH, \
  "  -au USER, --user    authenticate as USER; password from --passfile FILE,\n" \
  "                      --passwordeval CMD, $SMTP_PASSWORD, ~/.netrc, -ap PASS\n") \
M("user", OT_STR, AT(auth.user), 0, 0, SMTPSEND_AUTH, "") \
X("passfile", OT_STR | OPT_COMMAND, AT(passfile), 0, 0, SMTPSEND_AUTH, "") \
X("passwordeval", OT_STR | OPT_COMMAND, AT(passwordeval), 0, 0, SMTPSEND_AUTH, "") \
X("=password", OT_STR | OPT_SECRET, AT(password), 0, 0, SMTPSEND_AUTH, "") \
S("-ap", OT_CALL, OPT_ID(P_AP), 0, 0, SMTPSEND_AUTH, "") \
S("-am auth", OT_CALL, OPT_ID(P_AUTH), 0, 0, SMTPSEND_AUTH, \
  "  -am M, --auth M     mechanism: cram-md5 plain login oauth2 xoauth2 oauthbearer\n" \
  "                      (also on, off)\n") \
M("auth", OT_CALL0, OPT_ID(P_AUTH), 0, 0, SMTPSEND_AUTH, "") \
X("auth-plaintext", OT_FLAG, AT(auth.plaintext_ok), 0, 0, SMTPSEND_AUTH, \
  "  --auth-plaintext    allow AUTH without TLS to a non-loopback server\n") \
TLS_OPTS(X, TLS_AT, P_FP, "465") \
X("tls-starttls =tls_starttls", OT_CALL0, OPT_ID(P_STARTTLS), 0, 0, ANY, \
  "  --tls-starttls, --tls-starttls=off  with --tls: STARTTLS, or implicit TLS\n" \
  "                      (default: implicit; called as msmtp: STARTTLS)\n") \
X("=tls_trust_file", OT_STR, TLS_AT(cafile), 0, 0, TLS, "") \
X("=tls_fingerprint", OT_CALL, OPT_ID(P_FP), 0, 0, TLS, "") \
X("tls-certcheck =tls_certcheck", OT_CALL0, OPT_ID(P_CERTCHECK), 0, 0, ANY, \
  "  --tls-certcheck, --tls-certcheck=off  off: verify no certificate (warns)\n") \
X("helo", OT_CALL, OPT_ID(P_HELO), 0, 0, ANY, \
  "  --helo NAME         EHLO name (default: host name or address literal)\n") \
X("aliases", OT_STR, AT(aliases), 0, 0, SMTPSEND_CONFIG, \
  "  --aliases FILE      map local names (root) to addresses\n") \
X("domain", OT_CALL, OPT_ID(P_DOMAIN), 0, 0, ANY, \
  "  --domain D          domain of the other local names and of the sender\n" \
  OPT_IF(SMTPSEND_MSMTP, "                      (as msmtp: also the EHLO name)\n")) \
X("force-8bit", OT_FLAG, AT(force8), 0, 0, ANY, \
  "  --force-8bit        send 8-bit data to a server without 8BITMIME\n") \
X("C --config --file", OT_STR | OPT_EARLY, AT(conf), 0, 0, SMTPSEND_CONFIG, \
  "  -C, --config FILE   config file (default /etc/smtpsend.conf; --file)\n") \
X("a --account", OT_STR | OPT_EARLY, AT(account), 0, 0, SMTPSEND_CONFIG, \
  "  -a, --account NAME  the config file's account NAME (msmtp's format)\n") \
X("timeout w", OT_CALL, OPT_ID(P_TIMEOUT), 0, 0, ANY, \
  "  --timeout S, -w S   per step (default: 30 to connect, then RFC 5321's\n" \
  "                      2-10 minutes for each reply)\n") \
X("syslog", OT_CALL0, OPT_ID(P_SYSLOG), 0, 0, SMTPSEND_MSMTP, \
  "  --syslog, --syslog=on|off|FACILITY  one line per message to syslog\n" \
  "                      (LOG_USER, default; LOG_MAIL, LOG_DAEMON, LOG_LOCAL0-7)\n") \
X("X logfile", OT_STR, AT(logfile), 0, 0, SMTPSEND_MSMTP, \
  "  -X, --logfile FILE  append the same line to FILE\n") \
X("4", OT_SET, AT(family), AF_INET, 0, ANY, "  -4, -6              IPv4 or IPv6 only\n") \
X("6", OT_SET, AT(family), AF_INET6, 0, ANY, "") \
X("v d --debug", OT_FLAG, AT(verbose), 0, 0, ANY, \
  "  -v, -d, --debug     dialog on stderr (secrets masked)\n") \
S("--serverinfo", OT_FLAG, AT(serverinfo), 0, 0, ANY, \
  "  --serverinfo        show greeting and capabilities, send nothing\n") \
M("S --serverinfo", OT_FLAG, AT(serverinfo), 0, 0, ANY, "") \
X("P --pretend", OT_FLAG, AT(pretend), 0, 0, SMTPSEND_MSMTP, \
  "  -P, --pretend       print the settings, send nothing\n") \
Q("queue", OT_STR, AT(queue), 0, 0, SMTPSEND_QUEUE, \
  "  --queue DIR         keep a message that fails for now in DIR (exit 0)\n") \
Q("--queue-only", OT_FLAG, AT(queue_only), 0, 0, SMTPSEND_QUEUE, \
  "  --queue-only, -odq  queue it without trying\n") \
Q("-q*", OT_CALL, OPT_ID(P_Q), 0, 0, SMTPSEND_QUEUE, \
  "  -q, -q*             send what is due: once, or -qINTERVAL (-q15m) every\n" \
  "                      INTERVAL in the foreground (SIGHUP: now)\n") \
Q("-b*", OT_CALL, OPT_ID(P_B), 0, 0, SMTPSEND_QUEUE, \
  "  -bp, -b*            list the queue (as mailq too); -bm: send (default)\n") \
Q("--queue-drop", OT_CALL, OPT_ID(P_QDROP), 0, 0, SMTPSEND_QUEUE, \
  "  --queue-drop ID, --queue-retry ID|all  remove one; make one (all) due now\n") \
Q("--queue-retry", OT_CALL, OPT_ID(P_QRETRY), 0, 0, SMTPSEND_QUEUE, "") \
Q("queue-lifetime =queue_lifetime", OT_CALL, OPT_ID(P_QLIFE), 0, 0, SMTPSEND_QUEUE, \
  "  --queue-lifetime T  give up after T (5d; s m h d); --queue-max-size N\n" \
  "                      (1M; k M), --queue-max-count N (100)\n") \
Q("queue-max-size =queue_max_size", OT_CALL, OPT_ID(P_QSIZE), 0, 0, SMTPSEND_QUEUE, "") \
Q("queue-max-count =queue_max_count", OT_NUM, AT(queue_max_count), 1, QUEUE_LIST_MAX, \
  SMTPSEND_QUEUE, "") \
X("i", OT_CALL0, OPT_ID(P_COMPAT), 0, 0, ANY, \
  "  -i, -oi, -o*, -B*   accepted for sendmail compatibility\n") \
X("-o*", OT_CALL, OPT_ID(P_COMPAT), 0, 0, ANY, "") \
X("-B*", OT_CALL, OPT_ID(P_COMPAT), 0, 0, ANY, "") \
X("", OT_LIST, AT(args), offsetof(struct sendcfg, nargs), 0, ANY, "")

#define OPT_NONE(names, kind, dest, min, max, feat, help)
/* one table for both command lines, smtpsend's S(...) lines first, then
 * the lines of both, then msmtp's M(...) lines (none without
 * CONFIG_SMTPSEND_MSMTP): smtpsend's optab is the start of it, msmtp's
 * the end. An option's place in a table does not matter (no spelling
 * twice: opt_check). */
#define OPT_ONE(names, kind, dest, min, max, feat, help) +1
#define OPT_MENTRY(names, kind, dest, min, max, feat, help) \
	OPT_ME_(CFG_SMTPSEND_MSMTP, { OPT_NAMES_(CFG_##feat, names, #feat), \
	        (kind) | OPT_OFF_(CFG_##feat), dest, min, max },)
#define OPT_ME_(v, ...) OPT_ME__(v, __VA_ARGS__)
#define OPT_ME__(v, ...) OPT_ME_##v(__VA_ARGS__)
#define OPT_ME_0(...)
#define OPT_ME_1(...) __VA_ARGS__
/* a Q(...) line: an entry only when the queue is built in */
#define OPT_QENTRY(names, kind, dest, min, max, feat, help) \
	OPT_QE_(CFG_SMTPSEND_QUEUE, names, kind, dest, min, max)
#define OPT_QE_(v, ...) OPT_QE__(v, __VA_ARGS__)
#define OPT_QE__(v, ...) OPT_QE_##v(__VA_ARGS__)
#define OPT_QE_0(...)
#define OPT_QE_1(names, kind, ...) { names, kind, __VA_ARGS__ },
const char smtpsend_help[] =
"usage: smtpsend [OPTIONS] [RECIPIENT...] < message\n"
"Send a message through an SMTP server (also called as sendmail).\n\n"
SMTPSEND_OPTS(OPT_HELP, OPT_HELP, OPT_NONE, OPT_HELP)
OPT_IF(SMTPSEND_MSMTP,
"Called as msmtp: msmtp's options (-S is --serverinfo, --auth[=on|off|M],\n"
"--tls[=on|off]), /etc/msmtprc and ~/.msmtprc (docs/smtpsend.md).\n")
"Exit: 0 sent"
OPT_IF(SMTPSEND_QUEUE, " or queued")
"; 64 usage; 65 bad address or message;\n"
"67 recipients refused; 68 unknown host; 69 refused or unavailable;\n"
"70 internal error; 71 system error; 74 I/O error; 75 temporary (retry);\n"
"76 protocol error; 77 auth; 78 config.\n";

/* --auth/-am VALUE; e without the option's name (the parser adds it) */
static int set_auth(struct sendcfg *c, const char *v, struct wb_err *e)
{
	if (!v)
		v = "on";               /* msmtp's --auth */
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
	c->no_auth = !strcmp(v, "off");         /* msmtp: off, on (or nothing) */
	if (!strcmp(v, "") || !strcmp(v, "on") || !strcmp(v, "auto") || c->no_auth)
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

/* -i, -o*, -B*: noted for -v ("-oi": the letter is the entry's); with
 * the queue, -odq is --queue-only */
static void compat(struct sendcfg *c, const struct optdef *o, const char *arg)
{
	if (CFG_SMTPSEND_QUEUE && arg && o->names[1] == 'o' && !strcmp(arg, "dq"))
		c->queue_only = 1;
	else if (arg && c->nignored < IGNORED_MAX) {
		c->ignored_by[c->nignored] = o->names[1];
		c->ignored[c->nignored++] = arg;
	}
}

static int bad(struct wb_err *e, const char *want, const char *v)
{
	err_set(e, EX_USAGE, "%s, not '%.100s'", want, v);
	return -1;
}

/* an optional on|off (NULL or "" is on): 1, 0, or -1 with e filled */
static int on_off(const char *v, struct wb_err *e)
{
	int on;

	return parse_flag("", v ? v : "", &on, e) ? bad(e, "want on or off", v) : on;
}

/* --timeout S, msmtp's "timeout off" (our default) */
static int set_timeout(struct sendcfg *c, const char *v, struct wb_err *e)
{
	if (!strcmp(v, "off"))
		return c->timeout_ms = 0, 0;
	return parse_ms(v, 1, 3600000, &c->timeout_ms) ? bad(e, "want seconds (0.001-3600)", v) : 0;
}

/* --syslog[=on|off|FACILITY] (msmtp's default facility: LOG_USER) */
static int set_syslog(struct sendcfg *c, const char *v, struct wb_err *e)
{
	struct wb_err dummy;
	int on = on_off(v, &dummy);

	c->syslog_on = on != 0;
	if (on >= 0) {
		c->syslog_fac = slog_facility("LOG_USER");
		return 0;
	}
	if ((c->syslog_fac = slog_facility(v)) < 0)
		return bad(e, "want on, off or a facility (LOG_USER, LOG_MAIL, LOG_DAEMON, "
		           "LOG_LOCAL0..7)", v);
	return 0;
}

/* msmtp's set_from_header auto|on|off: add a missing From (ours),
 * replace it (--rewrite-from), never add one */
static int set_from_header(struct sendcfg *c, const char *v, struct wb_err *e)
{
	if (v && !strcmp(v, "auto"))
		return c->rewrite_from = c->no_from = 0, 0;
	switch (on_off(v, e)) {
	case 1:
		return c->rewrite_from = 1, c->no_from = 0, 0;
	case 0:
		return c->rewrite_from = 0, c->no_from = 1, 0;
	}
	return bad(e, "want auto, on or off", v);
}

/* the msmtp entries that take on|off */
static int msmtp_onoff(struct sendcfg *c, int id, const char *arg, struct wb_err *e)
{
	int on = on_off(arg, e);

	if (on < 0)
		return -1;
	if (id == P_STARTTLS)
		c->starttls_pref = on ? 1 : 2;
	else if (id == P_CERTCHECK)
		c->tls.insecure = !on;
	else
		c->from_fixed = !on;
	return 0;
}

/* the OT_CALL entries; e gets the reason, the parser names the option */
static int call(void *cfg, const struct optdef *o, const char *arg, struct wb_err *e)
{
	struct sendcfg *c = cfg;

	switch (o->at) {
	/* an entry of a feature compiled out never gets here (OPT_OFF):
	 * the guards only let --gc-sections drop its code */
	case P_AUTH:
		return CFG_SMTPSEND_AUTH ? set_auth(c, arg, e) : -1;
	case P_AP:
		if (!CFG_SMTPSEND_AUTH)
			return -1;
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
	case P_TIMEOUT:
		return set_timeout(c, arg, e);
	case P_SYSLOG:
		return CFG_SMTPSEND_MSMTP ? set_syslog(c, arg, e) : -1;
	case P_SETFROM:
		return set_from_header(c, arg, e);
	case P_STARTTLS: case P_CERTCHECK: case P_FROMOVR:
		return msmtp_onoff(c, o->at, arg, e);
	}
	if (CFG_SMTPSEND_QUEUE && o->at >= P_QLIFE)
		return spool_opt(c, o->at - P_QLIFE, arg, e);
	compat(c, o, arg);
	return 0;
}

static const struct optdef send_opt[] = {
	SMTPSEND_OPTS(OPT_NONE, OPT_ENTRY, OPT_NONE, OPT_NONE)
	SMTPSEND_OPTS(OPT_ENTRY, OPT_NONE, OPT_NONE, OPT_QENTRY)
	SMTPSEND_OPTS(OPT_NONE, OPT_NONE, OPT_MENTRY, OPT_NONE)
};
enum {
	N_SEND = OPT_COUNT(send_opt),
	N_S = 0 SMTPSEND_OPTS(OPT_NONE, OPT_ONE, OPT_NONE, OPT_NONE),
	N_M = CFG_SMTPSEND_MSMTP ? 0 SMTPSEND_OPTS(OPT_NONE, OPT_NONE, OPT_ONE, OPT_NONE) : 0
};
extern const struct optab smtpsend_optab, msmtp_optab;  /* the unit tests check them */
const struct optab smtpsend_optab = { send_opt, N_SEND - N_M, call };
const struct optab msmtp_optab = { send_opt + N_S, N_SEND - N_S, call };

/* one config-file key into the struct sendcfg at ctx (a conf_fn) */
int sendcfg_key(void *ctx, const char *k, const char *v, struct wb_err *e)
{
	return opt_key(&smtpsend_optab, ctx, k, v, e);
}

/* a config key: a file name "~/..." is $HOME/... (as msmtp) */
static int rc_key(void *ctx, const char *k, const char *v, struct wb_err *e)
{
	static const char *const files[] = { "logfile", "aliases", "passfile", "cafile",
	                                     "capath", "tls_trust_file", "tls-trust-file",
	                                     "queue" };
	struct rcfiles *rf = ctx;
	const char *home = getenv("HOME");
	size_t i;

	for (i = 0; v[0] == '~' && v[1] == '/' && i < sizeof files / sizeof *files; i++) {
		if (strcmp(k, files[i]))
			continue;
		if (!home || !*home || rf->ntilde >= TILDE_MAX ||
		    (size_t)snprintf(rf->tilde[rf->ntilde], sizeof rf->tilde[0], "%s%s", home,
		                     v + 1) >= sizeof rf->tilde[0]) {
			err_set(e, EX_CONFIG, "%s: cannot expand '%.100s' ($HOME)", k, v);
			return -1;
		}
		v = rf->tilde[rf->ntilde++];
		break;
	}
	return opt_conf(&rf->oc, k, v, e);
}

/* The config file(s): called as msmtp /etc/msmtprc, then ~/.msmtprc or -C
 * FILE (its account wins); else /etc/smtpsend.conf or -C FILE. The
 * account is -a NAME, else "default", else (a file without accounts)
 * the whole file. 0, or -1 with e filled (EX_CONFIG). */
static int read_config(struct sendcfg *c, struct rcfiles *rf, struct wb_err *e)
{
	const char *home = getenv("HOME"), *user = c->conf, *name = c->account;
	int i, r = RC_NOT_FOUND, accounts = 0;

	rf->oc.t = c->msmtp ? &msmtp_optab : &smtpsend_optab;
	rf->oc.cfg = c;
	if (!user && !c->msmtp)
		user = "/etc/smtpsend.conf";
	if (!user && home && *home && (size_t)snprintf(rf->upath, sizeof rf->upath,
	                                               "%s/.msmtprc", home) < sizeof rf->upath)
		user = rf->upath;
	if ((c->msmtp && rc_load(&rf->src[0], "/etc/msmtprc", 0, e)) ||
	    (user && rc_load(&rf->src[1], user, c->conf != NULL, e)))
		return -1;
	for (i = 0; i < 2; i++)
		accounts += rf->src[i].loaded ? rf->src[i].f.accounts : 0;
	if (!name && accounts)
		name = "default";
	for (i = 1; i >= 0 && r == RC_NOT_FOUND; i--)
		if ((r = rc_load_apply(&rf->src[i], name, rc_key, rf, e)) == 0)
			c->conf_used = rf->src[i].f.path;
	if (r < 0)
		return -1;
	if (r == RC_NOT_FOUND && name) {
		err_set(e, EX_CONFIG, "account %s not found in %s%s%s", name,
		        rf->src[1].loaded ? rf->src[1].f.path : "",
		        rf->src[0].loaded && rf->src[1].loaded ? " or " : "",
		        rf->src[0].loaded ? rf->src[0].f.path : !rf->src[1].loaded ?
		        "any config file (none found)" : "");
		return -1;
	}
	c->conf_from = c->from;
	return 0;
}

/* what msmtp's settings come to in ours, once all are read */
static void settle(struct sendcfg *c)
{
	/* msmtp's "tls on" is STARTTLS unless tls_starttls is off; ours (called
	 * as smtpsend) is implicit TLS unless tls_starttls is on */
	if (c->tls.mode == TLS_IMPLICIT && (c->starttls_pref == 1 ||
	                                    (c->starttls_pref == 0 && c->msmtp)))
		c->tls.mode = TLS_STARTTLS;
	if (c->msmtp && c->domain && !c->helo)
		c->helo = c->domain;    /* msmtp's domain is the EHLO name */
	if (c->from_fixed && c->conf_from) {
		c->env_from = NULL;     /* allow_from_override off */
		c->from = c->conf_from;
	}
	if (c->read_env_from)
		c->env_from = c->from = NULL;
	if (c->no_auth)
		c->auth.user = NULL;
	if (c->logfile && !*c->logfile)
		c->logfile = NULL;
}

/* -C FILE and -a NAME (first pass), the config file, then the whole
 * command line over it: 0, -1 after --help, or an exit code */
static int parse(struct sendcfg *c, struct rcfiles *rf, int argc, char **argv)
{
	const struct optab *t;
	struct wb_err e = { 0, "" };
	int r;

	c->msmtp = CFG_SMTPSEND_MSMTP && !strcmp(wb_applet, "msmtp");
	if (CFG_SMTPSEND_QUEUE && !strcmp(wb_applet, "mailq"))
		c->qcmd = Q_LIST;
	t = c->msmtp ? &msmtp_optab : &smtpsend_optab;
	opt_argv(t, c, argc, argv, OPT_EARLY, &e);
	if (CFG_SMTPSEND_CONFIG && read_config(c, rf, &e))
		return err_report(&e, NULL, "config");
	if ((r = opt_argv(t, c, argc, argv, 0, &e)) == OPT_HELP_ASKED) {
		fputs(smtpsend_help, stdout);
		return -1;
	}
	if (r)
		return usage_error("%s", e.msg);
	settle(c);
	return 0;
}

/* the queue's (flush.c): an entry's config and settings as a send's */
int send_config(struct sendcfg *c, struct rcfiles *rf, struct wb_err *e)
{
	return CFG_SMTPSEND_QUEUE && CFG_SMTPSEND_CONFIG ? read_config(c, rf, e) : 0;
}

void send_settle(struct sendcfg *c)
{
	if (CFG_SMTPSEND_QUEUE)
		settle(c);
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

static const char *on(int b)
{
	return b ? "on" : "off";
}

/* one run's session: the connection, the dialog and what they point to */
struct run_state {
	struct conn conn;
	struct smtp s;
	struct hostport hp;
	char helo[HOST_MAX];
	char server[HOST_MAX + PORT_MAX + 4];
	struct send_outcome o;  /* o.line: the error line, unprinted */
};

/* the error line "server: step: reason" into r->o.line (printed after
 * the hook, if any, has seen it); returns e->code */
static int fail(struct run_state *r, const struct wb_err *e, const char *server,
                const char *step)
{
	char msg[sizeof e->msg];

	if (!CFG_SMTPSEND_QUEUE)
		return err_report(e, server, step);     /* no hook: at once */
	memcpy(msg, e->msg, sizeof msg);
	msg[sizeof msg - 1] = 0;
	snprintf(r->o.line, sizeof r->o.line, "%s%s%s%s%s", server ? server : "",
	         server ? ": " : "", step ? step : "", step ? ": " : "", msg);
	text_clean_inplace(r->o.line, sizeof r->o.line);
	r->o.print = 1;
	return e->code;
}

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
		if (!CFG_SMTPSEND_QUEUE || c->qcmd != Q_FLUSH)  /* a quiet flush: once was enough */
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
	r->s.tls = CFG_TLS ? starttls_cb : NULL;        /* s.starttls is 0 without */
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

/* the dialog's end: a partial delivery or the error for stderr */
static int outcome(struct run_state *r, int rc, const struct wb_err *e)
{
	if (rc == EX_NOUSER && r->s.delivered && !CFG_SMTPSEND_QUEUE)
		warnmsg("%s: delivered to %d of %d recipients", r->server, r->s.accepted, r->s.nrcpt);
	else if (rc == EX_NOUSER && r->s.delivered)
		snprintf(r->o.line, sizeof r->o.line, "%s: delivered to %d of %d recipients",
		         r->server, r->s.accepted, r->s.nrcpt), r->o.print = 1;
	else if (rc)
		fail(r, e, r->server, r->s.step);
	return rc;
}

static int session_do(struct sendcfg *c, struct msg *m, struct run_state *r,
                      struct wb_err *e)
{
	int rc;

	if (server_of(c, &r->hp, e))
		return fail(r, e, NULL, "server");
	if (c->via)     /* "-H PROG": the program's name stands for the server */
		via_name(c->via, r->server, sizeof r->server);
	else
		snprintf(r->server, sizeof r->server, strchr(r->hp.host, ':') ? "[%s]:%s" : "%s:%s",
		         r->hp.host, r->hp.port);
	smtp_init(&r->s, conn_stream(&r->conn));
	r->s.server = r->server;
	r->s.host = r->hp.host;
	r->s.port = r->hp.port;
	r->s.tmo_ms = c->timeout_ms;
	r->s.auth = c->auth;
	if (CFG_SMTPSEND_QUEUE)         /* a flush says its own line; a 4xx
		                                 * queues the message: silent in cron */
		r->s.quiet = c->qcmd == Q_FLUSH ? 5 : c->queue && !c->verbose && !isatty(2) ? 4 : 0;
	if (CFG_SMTPSEND_AUTH && c->auth.user && !c->serverinfo && get_secret(c, r->hp.host, e))
		return fail(r, e, r->server, "password");
	r->s.auth.secret = c->auth.secret;
	if (c->serverinfo) {
		r->s.info = stdout;
		r->s.info_only = 1;
		r->s.auth.user = NULL;
	} else if (msg_envelope(c, m, &r->s, e))
		return fail(r, e, NULL, "message");
	if (connect_server(c, r, e)) {
		conn_close(&r->conn);   /* -H: the program goes too */
		return fail(r, e, r->server, r->s.step[0] ? r->s.step : "connect");
	}
	rc = smtp_run(&r->s, e);
	if (CFG_TLS && r->s.tls_active && c->serverinfo)
		conn_tls_info(&r->conn, stdout);
	conn_close(&r->conn);
	return outcome(r, rc, e);
}

static const char *const ex_names[] = {
	"EX_USAGE", "EX_DATAERR", "EX_NOINPUT", "EX_NOUSER", "EX_NOHOST",
	"EX_UNAVAILABLE", "EX_SOFTWARE", "EX_OSERR", "EX_OSFILE", "EX_CANTCREAT",
	"EX_IOERR", "EX_TEMPFAIL", "EX_PROTOCOL", "EX_NOPERM", "EX_CONFIG"
};

/* msmtp's log line: "host=H tls=on auth=on user=U from=F recipients=A,B
 * mailsize=N smtpstatus=250 smtpmsg='250 ...' exitcode=EX_OK", with
 * errormsg='...' instead of the size and the reply when it failed */
static void log_line(const struct run_state *r, int rc, int final,
                     const struct wb_err *e, char *b, size_t max)
{
	size_t n;
	int i;

	n = (size_t)snprintf(b, max, "host=%s tls=%s auth=%s", r->hp.host[0] ? r->hp.host :
	                     "-", on(r->s.tls_active), on(r->s.auth.user != NULL));
	if (r->s.auth.user && n < max)
		n += (size_t)snprintf(b + n, max - n, " user=%s", r->s.auth.user);
	if (n < max)
		n += (size_t)snprintf(b + n, max - n, " from=%s recipients=", r->s.from ? r->s.from : "");
	for (i = 0; i < r->s.nrcpt && n < max; i++)
		n += (size_t)snprintf(b + n, max - n, "%s%s", i ? "," : "", r->s.rcpt[i]);
	if (r->s.delivered && n < max)
		n += (size_t)snprintf(b + n, max - n, " mailsize=%llu smtpstatus=%.3s smtpmsg='%s'",
		                      (unsigned long long)r->s.dot.out, r->s.final, r->s.final);
	if (rc && !r->s.delivered && r->s.r.code >= 400 && n < max)
		n += (size_t)snprintf(b + n, max - n, " smtpstatus=%d smtpmsg='%d %s%s%s'",
		                      r->s.r.code, r->s.r.code, r->s.r.esc,
		                      r->s.r.esc[0] ? " " : "", r->s.r.text);
	if (rc && !r->s.delivered && n < max)
		n += (size_t)snprintf(b + n, max - n, " errormsg='%s'", e->msg);
	if (CFG_SMTPSEND_QUEUE && r->o.qid && n < max)
		n += (size_t)snprintf(b + n, max - n, " queued=%s", r->o.qid);
	if (n < max)
		snprintf(b + n, max - n, " exitcode=%s", final == 0 ? "EX_OK" :
		         final >= EX_USAGE && final <= EX_CONFIG ? ex_names[final - EX_USAGE] :
		         "EX_SOFTWARE");
}

/* msmtp's log file time, "Dec 06 05:00:00 ", in UTC: civil_date, not
 * localtime/strftime, which would pull in the C library's time-zone code
 * (about 8 KB static) */
static size_t log_stamp(int64_t t, char *out, size_t max)
{
	static const char mn[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int64_t days = (t >= 0 ? t : t - 86399) / 86400, y;
	unsigned s = (unsigned)(t - days * 86400), m, d;
	int n;

	civil_date(days, &y, &m, &d);
	n = snprintf(out, max, "%.3s %02u %02u:%02u:%02u ", mn + 3 * (m - 1), d,
	             s / 3600, s / 60 % 60, s % 60);
	return n < 0 ? 0 : (size_t)n < max ? (size_t)n : max - 1;
}

/* syslog and the log file: one line each; their failures only warn */
void send_log(const struct sendcfg *c, int final, const char *line)
{
	char out[1100];
	struct slog l;
	time_t now = time(NULL);
	size_t n;
	int fd;

	if (!CFG_SMTPSEND_MSMTP)
		return;
	if (c->syslog_on) {
		slog_init(&l, c->syslog_fac, wb_applet);
		if (slog_send(&l, final ? LOG_ERR : LOG_INFO, line))
			warnmsg("syslog: %s: %s", SLOG_PATH, strerror(errno));
		slog_close(&l);
	}
	if (!c->logfile)
		return;
	n = log_stamp((int64_t)now, out, 32);
	n += text_clean(out + n, sizeof out - n - 1, line, strlen(line));
	out[n++] = '\n';
	fd = open(c->logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0 || write(fd, out, n) != (ssize_t)n)
		warnmsg("logfile: %s: %s", c->logfile, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void log_result(const struct sendcfg *c, const struct run_state *r, int rc,
                       int final, const struct wb_err *e)
{
	char line[1024];

	log_line(r, rc, final, e, line, sizeof line);
	send_log(c, final, line);
}

static int run(struct sendcfg *c, struct msg *m, send_hook hook, void *ctx)
{
	struct run_state r;
	struct wb_err e = { 0, "" };
	int rc, final;

	memset(&r, 0, sizeof r);        /* a zeroed conn is closed */
	final = rc = session_do(c, m, &r, &e);
	r.o.rc = rc;
	r.o.e = e;
	r.o.s = &r.s;
	if (CFG_SMTPSEND_QUEUE && hook)
		final = hook(ctx, &r.o);
	if (CFG_SMTPSEND_QUEUE && r.o.print)
		fprintf(stderr, "%s: %s\n", wb_applet, r.o.line);
	if (CFG_SMTPSEND_MSMTP && !c->serverinfo && (c->syslog_on || c->logfile))
		log_result(c, &r, rc, final, &e);
	return final;
}

int send_run(struct sendcfg *c, struct msg *m, send_hook hook, void *ctx)
{
	return CFG_SMTPSEND_QUEUE ? run(c, m, hook, ctx) : EX_SOFTWARE;
}

/* -P: one "name = value" line, the value cleaned; NULL "(not set)" */
static void show(const char *name, const char *v)
{
	char b[600];

	text_clean(b, sizeof b, v ? v : "(not set)", strlen(v ? v : "(not set)"));
	printf("%s = %s\n", name, b);
}

/* -P, --pretend: the settings as they stand, nothing sent (the password
 * never shown: "*" when there is one) */
static int pretend(struct sendcfg *c)
{
	struct hostport hp;
	struct wb_err e = { 0, "" };
	char t[32] = "default", fac[16] = "off";

	if (server_of(c, &hp, &e))
		return err_report(&e, NULL, "server");
	if (c->timeout_ms)
		snprintf(t, sizeof t, "%ld.%03ld", c->timeout_ms / 1000, c->timeout_ms % 1000);
	if (c->syslog_on)
		snprintf(fac, sizeof fac, "facility %d", c->syslog_fac >> 3);
	show("config file", c->conf_used);
	show("account", c->conf_used ? c->account ? c->account : "default" : NULL);
	show("host", c->via ? c->via : hp.host);
	show("port", hp.port);
	show("timeout", t);
	show("domain", c->helo);
	show("auth", c->auth.user ? c->auth.force || c->auth.oauth ? "method set" : "on" : "off");
	show("user", c->auth.user);
	show("password", c->password ? "*" : NULL);
	show("passwordeval", c->passwordeval);
	show("passfile", c->passfile);
	show("tls", on(c->tls.mode != TLS_OFF));
	show("tls_starttls", on(c->tls.mode == TLS_STARTTLS));
	show("tls_trust_file", c->tls.cafile ? c->tls.cafile : "system");
	show("tls_fingerprint", c->tls.fingerprint);
	show("tls_certcheck", on(!c->tls.insecure));
	show("from", c->env_from ? c->env_from : c->from);
	show("allow_from_override", on(!c->from_fixed));
	show("set_from_header", c->no_from ? "off" : c->rewrite_from ? "on" : "auto");
	show("logfile", c->logfile);
	show("syslog", fac);
	show("aliases", c->aliases);
	return 0;
}

int smtpsend_main(int argc, char **argv)
{
	static struct sendcfg c;
	static struct msg m;
	static struct rcfiles rf;
	int rc, i;

	memset(&c, 0, sizeof c);
	signal(SIGPIPE, SIG_IGN);       /* a closed connection is an error, not death */
	if ((rc = parse(&c, &rf, argc, argv)) != 0)
		return rc < 0 ? 0 : rc;
	if (CFG_SMTPSEND_MSMTP && c.pretend)
		return pretend(&c);
	for (i = 0; CFG_VERBOSE && c.verbose && i < c.nignored; i++)
		warnmsg("ignoring sendmail option -%c%s", c.ignored_by[i], c.ignored[i]);
	if (CFG_SMTPSEND_QUEUE && c.qcmd)
		return queue_cmd(&c, &rf, &m);
	if (CFG_SMTPSEND_QUEUE && c.queue_only && !c.queue)
		return warnmsg("--queue-only: no queue (--queue DIR, or 'queue' in the config)"),
		       EX_CONFIG;
	if (!c.serverinfo && (rc = msg_prepare(&c, &m)) != 0)
		return rc;
	if (CFG_SMTPSEND_QUEUE && c.queue && !c.serverinfo)
		rc = spool_send(&c, &m);
	else
		rc = run(&c, &m, NULL, NULL);
	secure_zero(c.secret, sizeof c.secret);
	return rc;
}
