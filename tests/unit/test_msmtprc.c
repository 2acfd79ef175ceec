/* test_msmtprc.c - msmtp's config format (core/msmtprc.c): accounts,
 * defaults, inheritance, quoting, errors with file:line; smtpsend's
 * table reading it (msmtp's keys); rc_load's permission rule; slog. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>
#include "account.h"
#include "msmtprc.h"
#include "optab.h"
#include "slog.h"
#include "applets/smtpsend/smtp.h"
#include "applets/smtpsend/smtpsend.h"

Suite *msmtprc_suite(void);

/* what rc_apply gave, as "key=val;" */
struct seen {
	char all[2048];
	const char *fail_key;   /* answer -1 for this key */
};

static int collect(void *ctx, const char *k, const char *v, struct wb_err *e)
{
	struct seen *s = ctx;
	size_t n = strlen(s->all);

	if (s->fail_key && !strcmp(k, s->fail_key)) {
		err_set(e, EX_USAGE, "%s: bad value '%s'", k, v);
		return -1;
	}
	snprintf(s->all + n, sizeof s->all - n, "%s=%s;", k, v);
	return 0;
}

static struct rc_file f;        /* big: not on the stack */
static char text[8192];

/* split src and apply name: the keys seen, or "ERR(code:msg)", "NOTFOUND" */
static const char *run(const char *src, const char *name, const char *fail_key)
{
	static struct seen s;
	static char out[2300];
	struct wb_err e = { 0, "" };
	int r;

	memset(&s, 0, sizeof s);
	s.fail_key = fail_key;
	snprintf(text, sizeof text, "%s", src);
	f.path = "rc";
	r = rc_split(text, &f, &e);
	if (r == 0)
		r = rc_apply(&f, name, collect, &s, NULL, NULL, &e);
	if (r < 0)
		snprintf(out, sizeof out, "ERR(%d:%s)", e.code, e.msg);
	else if (r == RC_NOT_FOUND)
		snprintf(out, sizeof out, "NOTFOUND");
	else
		snprintf(out, sizeof out, "%s", s.all);
	return out;
}

static const char accounts[] =
	"# msmtprc\n"
	"defaults\n"
	"port 587\n"
	"tls on\n"
	"\n"
	"account work\n"
	"host smtp.work.test\n"
	"from me@work.test\n"
	"defaults\n"                    /* only for the accounts after it */
	"timeout 9\n"
	"account home : work\n"
	"  host   smtp.home.test  \n"
	"account both : home,work\n"
	"user both\n"
	"account default : home\n";

START_TEST(rc_accounts_defaults_inheritance)
{
	ck_assert_str_eq(run(accounts, "work", NULL),
	                 "port=587;tls=on;host=smtp.work.test;from=me@work.test;");
	/* home: the defaults so far (timeout too), work's settings, its own */
	ck_assert_str_eq(run(accounts, "home", NULL),
	                 "port=587;tls=on;timeout=9;"
	                 "port=587;tls=on;host=smtp.work.test;from=me@work.test;"
	                 "host=smtp.home.test;");
	ck_assert_str_eq(run(accounts, "both", NULL),
	                 "port=587;tls=on;timeout=9;"
	                 "port=587;tls=on;timeout=9;port=587;tls=on;host=smtp.work.test;"
	                 "from=me@work.test;host=smtp.home.test;"
	                 "port=587;tls=on;host=smtp.work.test;from=me@work.test;"
	                 "user=both;");
	/* no -a: "account default : home" */
	{
		char dflt[2300];
		snprintf(dflt, sizeof dflt, "%s", run(accounts, "default", NULL));
		ck_assert_str_eq(run(accounts, NULL, NULL), dflt);
		ck_assert(strstr(dflt, "timeout=9;port=587;tls=on;timeout=9;port=587;tls=on;"
		                 "host=smtp.work.test;from=me@work.test;host=smtp.home.test;") != NULL);
	}
	ck_assert_str_eq(run(accounts, "nope", NULL), "NOTFOUND");
	/* accounts but none called default, and no -a: not found (as msmtp) */
	ck_assert_str_eq(run("account a\nhost h\n", NULL, NULL), "NOTFOUND");
}
END_TEST

START_TEST(rc_plain_file_is_one_account)
{
	/* the "key value" files of before: every line, in order */
	ck_assert_str_eq(run("host h:587\n# c\n\nstarttls on\nuser me\n", NULL, NULL),
	                 "host=h:587;starttls=on;user=me;");
	ck_assert_str_eq(run("host h\n", "work", NULL), "NOTFOUND");
	ck_assert_str_eq(run("", NULL, NULL), "");
	/* keys before the first account or defaults are defaults */
	ck_assert_str_eq(run("port 25\naccount a\nhost h\n", "a", NULL), "port=25;host=h;");
}
END_TEST

START_TEST(rc_quoting)
{
	/* as msmtp: a value wholly in "..." loses the two quotes, nothing else */
	ck_assert_str_eq(run("account a\nfrom \" a b \"\nuser \"x\\\"y\"\n", "a", NULL),
	                 "from= a b ;user=x\\\"y;");
	ck_assert_str_eq(run("account a\nhost \"h\nuser a\"b\"\npassword \"\"\n", "a", NULL),
	                 "host=\"h;user=a\"b\";password=;");
	ck_assert_str_eq(run("account a\npasswordeval gpg -d \"f\" \n", "a", NULL),
	                 "passwordeval=gpg -d \"f\";");
	ck_assert_str_eq(run("account a\nauth\n", "a", NULL), "auth=;");
	ck_assert_str_eq(run("account a\r\nhost h\r\n", "a", NULL), "host=h;");
}
END_TEST

START_TEST(rc_errors_name_file_and_line)
{
	ck_assert_str_eq(run("account a\nhost h\naccount a\n", "a", NULL),
	                 "ERR(78:rc:3: account was already defined: a)");
	ck_assert_str_eq(run("account a : b\n", "a", NULL),
	                 "ERR(78:rc:1: account not found: b)");
	ck_assert_str_eq(run("account b : a\naccount a\n", "b", NULL),
	                 "ERR(78:rc:1: account not found: a)");
	ck_assert_str_eq(run("account a : a\n", "a", NULL),
	                 "ERR(78:rc:1: account not found: a)");
	ck_assert_str_eq(run("account\n", "a", NULL),
	                 "ERR(78:rc:1: want 'account NAME [: PARENT,...]', not 'account )");
	ck_assert_str_eq(run("account a b\n", "a", NULL),
	                 "ERR(78:rc:1: want 'account NAME [: PARENT,...]', not 'account a b)");
	ck_assert_str_eq(run("account a\naccount b : a,\n", "a", NULL),
	                 "ERR(78:rc:2: want 'account NAME : PARENT,...': bad parent list)");
	ck_assert_str_eq(run("defaults x\n", NULL, NULL),
	                 "ERR(78:rc:1: 'defaults' takes no argument)");
	ck_assert_str_eq(run("\n\naccount a\nhost a\x01" "b\n", "a", NULL),
	                 "ERR(78:rc:4: control character in line)");
	/* the key's own error (unknown key, bad value): 78 with file:line */
	ck_assert_str_eq(run("account a\nhost h\nbogus 1\n", "a", "bogus"),
	                 "ERR(78:rc:3: bogus: bad value '1')");
	/* an error in an account not used is found too (the file is read whole) */
	ck_assert_str_eq(run("account a\nhost h\naccount a\n", "b", NULL),
	                 "ERR(78:rc:3: account was already defined: a)");
}
END_TEST

/* a chain of accounts each inheriting the one before twice: bounded work */
START_TEST(rc_inheritance_bounded)
{
	size_t n = 0;
	int i;

	n += (size_t)snprintf(text + n, sizeof text - n, "account a0\nhost h\n");
	for (i = 1; i < 40; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "account a%d : a%d,a%d\n",
		                      i, i - 1, i - 1);
	{
		char copy[sizeof text];
		memcpy(copy, text, sizeof copy);
		ck_assert(strstr(run(copy, "a39", NULL), "inheritance too deep") != NULL);
	}
}
END_TEST

/* smtpsend's table as msmtp reads a file: travelmate's config as written */
extern const struct optab msmtp_optab, smtpsend_optab;

static const char travelmate[] =
	"account trm_notify\n"
	"host smtp.gmail.com\n"
	"port 587\n"
	"auth on\n"
	"tls on\n"
	"tls_certcheck off\n"
	"timeout 5\n"
	"syslog LOG_MAIL\n"
	"from dev.travelmate@gmail.com\n"
	"user dev.travelmate@gmail.com\n"
	"password xxx\n";

static int apply_to(const struct optab *t, struct sendcfg *c, const char *src,
                    const char *name, struct wb_err *e)
{
	struct optconf oc = { t, c };

	memset(c, 0, sizeof *c);
	snprintf(text, sizeof text, "%s", src);
	f.path = "msmtprc";
	if (rc_split(text, &f, e))
		return -1;
	return rc_apply(&f, name, opt_conf, &oc, NULL, NULL, e);
}

START_TEST(rc_msmtp_keys)
{
	static struct sendcfg c;
	struct wb_err e = { 0, "" };
	int tls_ok = CFG_TLS;

	if (!tls_ok) {  /* "tls on": not compiled in, 78 with file:line */
		ck_assert_int_eq(apply_to(&msmtp_optab, &c, travelmate, "trm_notify", &e), -1);
		ck_assert_int_eq(e.code, EX_CONFIG);
		ck_assert_str_eq(e.msg, "msmtprc:5: tls: not compiled in (CONFIG_TLS)");
		return;
	}
	ck_assert_int_eq(apply_to(&msmtp_optab, &c, travelmate, "trm_notify", &e), 0);
	ck_assert_str_eq(c.host, "smtp.gmail.com");
	ck_assert_str_eq(c.port, "587");
	ck_assert_int_eq(c.tls.mode, TLS_IMPLICIT);       /* settle() makes it STARTTLS */
	ck_assert_int_eq(c.starttls_pref, 0);
	ck_assert_int_eq(c.tls.insecure, 1);
	ck_assert_int_eq(c.timeout_ms, 5000);
	ck_assert_int_eq(c.syslog_on, 1);
	ck_assert_int_eq(c.syslog_fac, LOG_MAIL);
	ck_assert_str_eq(c.from, "dev.travelmate@gmail.com");
	ck_assert_str_eq(c.auth.user, "dev.travelmate@gmail.com");
	ck_assert_str_eq(c.password, "xxx");
	ck_assert_int_eq(c.no_auth, 0);
}
END_TEST

START_TEST(rc_msmtp_more_keys)
{
	static struct sendcfg c;
	struct wb_err e = { 0, "" };

	ck_assert_int_eq(apply_to(&msmtp_optab, &c,
	                          "defaults\ntls_starttls off\ntimeout off\nauth off\n"
	                          "syslog\nlogfile /tmp/x.log\naliases /etc/aliases\n"
	                          "set_from_header on\nallow_from_override off\n"
	                          "domain wirebox.test\nauth plain\n"
	                          "account default\nhost h\n", NULL, &e), 0);
	ck_assert_int_eq(c.starttls_pref, 2);
	ck_assert_int_eq(c.timeout_ms, 0);
	ck_assert_int_eq(c.no_auth, 0);           /* auth plain came later */
	ck_assert_uint_eq(c.auth.force, MECH_PLAIN);
	ck_assert_int_eq(c.syslog_on, 1);
	ck_assert_int_eq(c.syslog_fac, LOG_USER);  /* msmtp's default facility */
	ck_assert_str_eq(c.logfile, "/tmp/x.log");
	ck_assert_str_eq(c.aliases, "/etc/aliases");
	ck_assert_int_eq(c.rewrite_from, 1);
	ck_assert_int_eq(c.from_fixed, 1);
	ck_assert_str_eq(c.domain, "wirebox.test");
	ck_assert_int_eq(apply_to(&msmtp_optab, &c, "account a\nauth off\nsyslog off\n"
	                          "set_from_header off\n", "a", &e), 0);
	ck_assert_int_eq(c.no_auth, 1);
	ck_assert_int_eq(c.syslog_on, 0);
	ck_assert_int_eq(c.no_from, 1);
	/* msmtp keys we do not have: 78 naming file, line and key */
	ck_assert_int_eq(apply_to(&msmtp_optab, &c, "account a\nhost h\ntls_key_file k\n",
	                          "a", &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_str_eq(e.msg, "msmtprc:3: unknown key 'tls_key_file'");
	ck_assert_int_eq(apply_to(&msmtp_optab, &c, "syslog LOG_NOPE\n", NULL, &e), -1);
	ck_assert_str_eq(e.msg, "msmtprc:1: syslog: want on, off or a facility (LOG_USER, "
	                 "LOG_MAIL, LOG_DAEMON, LOG_LOCAL0..7), not 'LOG_NOPE'");
	ck_assert_int_eq(apply_to(&msmtp_optab, &c, "timeout soon\n", NULL, &e), -1);
	ck_assert_str_eq(e.msg, "msmtprc:1: timeout: want seconds (0.001-3600), not 'soon'");
	ck_assert_int_eq(apply_to(&msmtp_optab, &c, "auth scram-sha-256\n", NULL, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	/* smtpsend's own key names still work, in the same format */
	ck_assert_int_eq(apply_to(&smtpsend_optab, &c, "account x\nhost h:2525\n"
	                          "rewrite-from on\n", "x", &e), 0);
	ck_assert_str_eq(c.host, "h:2525");
	ck_assert_int_eq(c.rewrite_from, 1);
	if (CFG_TLS) {
		ck_assert_int_eq(apply_to(&smtpsend_optab, &c, "account x\nstarttls on\n"
		                          "cafile /ca\ntls_trust_file /ca2\n", "x", &e), 0);
		ck_assert_int_eq(c.tls.mode, TLS_STARTTLS);
		ck_assert_str_eq(c.tls.cafile, "/ca2");
	}
}
END_TEST

/* a password anywhere in the file (an account not used too): private */
START_TEST(rc_load_secret_file_must_be_private)
{
	static struct rc_src src;
	static struct seen s;
	char path[] = "/tmp/msmtprcXXXXXX";
	const char *t = "account a\nhost h\naccount b\nhost h\npassword p\n";
	struct wb_err e = { 0, "" };
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, t, strlen(t)), (int)strlen(t));
	close(fd);
	chmod(path, 0644);
	ck_assert_int_eq(rc_load(&src, path, 1, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert(strstr(e.msg, "contains secrets, but others can read the file; chmod 600") != NULL);
	chmod(path, 0600);
	ck_assert_int_eq(rc_load(&src, path, 1, &e), 0);
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(rc_load_apply(&src, "a", collect, &s, &e), 0);
	ck_assert_str_eq(s.all, "host=h;");
	unlink(path);
	ck_assert_int_eq(rc_load(&src, path, 0, &e), 0);       /* missing: fine */
	ck_assert_int_eq(src.loaded, 0);
	ck_assert_int_eq(rc_load_apply(&src, NULL, collect, &s, &e), RC_NOT_FOUND);
	ck_assert_int_eq(rc_load(&src, path, 1, &e), -1);      /* -C FILE: must exist */
	ck_assert_int_eq(e.code, EX_CONFIG);
}
END_TEST

START_TEST(slog_datagram)
{
	char b[64];
	size_t n;

	ck_assert_int_eq(slog_facility("LOG_MAIL"), LOG_MAIL);
	ck_assert_int_eq(slog_facility("local7"), LOG_LOCAL7);
	ck_assert_int_eq(slog_facility("LOG_USER"), LOG_USER);
	ck_assert_int_eq(slog_facility("LOG_KERN"), -1);
	ck_assert_int_eq(slog_facility(""), -1);
	n = slog_format(b, sizeof b, LOG_MAIL | LOG_INFO, "msmtp", 42, "host=h\nx");
	ck_assert_str_eq(b, "<22>msmtp[42]: host=h\\x0ax");
	ck_assert_uint_eq(n, strlen(b));
	n = slog_format(b, 24, LOG_MAIL | LOG_INFO, "msmtp", 42, "a long line of text");
	ck_assert_uint_eq(n, strlen(b));
	ck_assert_uint_lt(n, 24);
}
END_TEST

Suite *msmtprc_suite(void)
{
	Suite *s = suite_create("msmtprc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, rc_accounts_defaults_inheritance);
	tcase_add_test(tc, rc_plain_file_is_one_account);
	tcase_add_test(tc, rc_quoting);
	tcase_add_test(tc, rc_errors_name_file_and_line);
	tcase_add_test(tc, rc_inheritance_bounded);
	tcase_add_test(tc, rc_msmtp_keys);
	tcase_add_test(tc, rc_msmtp_more_keys);
	tcase_add_test(tc, rc_load_secret_file_must_be_private);
	tcase_add_test(tc, slog_datagram);
	suite_add_tcase(s, tc);
	return s;
}
