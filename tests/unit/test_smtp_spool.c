/* test_smtp_spool.c - smtpsend's queue settings (spool.c): struct sendcfg
 * -> "set KEY VALUE" -> struct sendcfg keeps what a later send needs and
 * never the password; the queue's options in smtpsend's table. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <unistd.h>
#include "optab.h"
#include "applets/smtpsend/smtp.h"
#include "applets/smtpsend/smtpsend.h"
#include "applets/smtpsend/queue.h"

Suite *smtp_spool_suite(void);
extern const struct optab smtpsend_optab, msmtp_optab;

static struct sendcfg a, b;
static struct qentry q, q2;
static char head[QHEAD_MAX];

/* every setting a send may have, and a password */
static void full_cfg(struct sendcfg *c)
{
	memset(c, 0, sizeof *c);
	c->host = "mail.example.org";
	c->port = "587";
	c->via = "openssl s_client -quiet -connect x:465";
	c->helo = "router.lan";
	c->auth.user = "alice@example.org";
	c->passfile = "/etc/smtp.pass";
	c->passwordeval = "cat /etc/secret | head -1";
	c->logfile = "/var/log/smtpsend.log";
	c->tls.cafile = "/etc/ssl/ca.pem";
	c->tls.capath = "/etc/ssl/certs";
	c->tls.name = "mx.example.org";
	c->tls.fingerprint = "aa:bb";
	c->tls.mode = TLS_STARTTLS;
	c->tls.insecure = 1;
	c->account = "work";
	c->conf_used = "/home/alice/.msmtprc";
	c->auth.force = MECH_PLAIN;
	c->auth.plaintext_ok = 1;
	c->timeout_ms = 2500;
	c->family = AF_INET6;
	c->force8 = 1;
	c->msmtp = CFG_SMTPSEND_MSMTP;
	c->syslog_on = 1;
	c->syslog_fac = LOG_MAIL;
	c->queue_lifetime = 30 * 86400;
	c->password = "hunter2-password";
	snprintf(c->secret, sizeof c->secret, "%s", "hunter2-secret");
}

/* a's settings through the entry's text and back into b */
static void round_trip(void)
{
	struct wb_err e = { 0, "" };
	size_t body;
	long n;

	memset(&q, 0, sizeof q);
	q.injected = 1796533200;
	q.inj_valid = 1;
	snprintf(q.from, sizeof q.from, "%s", "alice@example.org");
	snprintf(q.rcpt[0], sizeof q.rcpt[0], "%s", "bob@example.org");
	q.nrcpt = 1;
	ck_assert_int_eq(spool_settings(&a, &q, &e), 0);
	n = qentry_format(&q, head, sizeof head, &e);
	ck_assert_msg(n > 0, "%s", e.msg);
	ck_assert_int_eq(qentry_parse(head, (size_t)n, &q2, &body, &e), 0);
	memset(&b, 0, sizeof b);
	ck_assert_msg(spool_apply(&b, &q2, &e) == 0, "%s", e.msg);
}

static void same_str(const char *x, const char *y)
{
	ck_assert_msg((!x && !y) || (x && y && !strcmp(x, y)), "'%s' != '%s'",
	              x ? x : "(null)", y ? y : "(null)");
}

START_TEST(spool_settings_round_trip)
{
	full_cfg(&a);
	round_trip();
	same_str(b.host, a.host);
	same_str(b.port, a.port);
	same_str(b.via, a.via);
	same_str(b.helo, a.helo);
	same_str(b.auth.user, a.auth.user);
	same_str(b.passfile, a.passfile);
	same_str(b.passwordeval, a.passwordeval);
	same_str(b.logfile, a.logfile);
	same_str(b.tls.cafile, a.tls.cafile);
	same_str(b.tls.capath, a.tls.capath);
	same_str(b.tls.name, a.tls.name);
	same_str(b.tls.fingerprint, a.tls.fingerprint);
	same_str(b.account, a.account);
	same_str(b.conf, a.conf_used);          /* the file to read again */
	ck_assert_int_eq(b.tls.mode, TLS_STARTTLS);
	ck_assert_int_eq(b.tls.insecure, 1);
	ck_assert_int_eq((int)b.auth.force, MECH_PLAIN);
	ck_assert_int_eq(b.auth.oauth, 0);
	ck_assert_int_eq(b.auth.plaintext_ok, 1);
	ck_assert_int_eq(b.timeout_ms, 2500);
	ck_assert_int_eq(b.family, AF_INET6);
	ck_assert_int_eq(b.force8, 1);
	ck_assert_int_eq(b.msmtp, CFG_SMTPSEND_MSMTP);
	ck_assert_int_eq(b.syslog_on, 1);
	ck_assert_int_eq(b.syslog_fac, LOG_MAIL);
	ck_assert_int_eq(b.queue_lifetime, 30 * 86400);    /* the sender's lifetime */
	ck_assert_ptr_eq(b.password, NULL);
}
END_TEST

START_TEST(spool_relative_files_made_absolute)
{
	char cwd[1024], want[1100];

	full_cfg(&a);
	a.passfile = "pw";
	a.tls.cafile = "certs/ca.pem";
	a.conf_used = "rc";
	round_trip();
	ck_assert_ptr_ne(getcwd(cwd, sizeof cwd), NULL);
	snprintf(want, sizeof want, "%s/pw", cwd);
	same_str(b.passfile, want);
	snprintf(want, sizeof want, "%s/certs/ca.pem", cwd);
	same_str(b.tls.cafile, want);
	snprintf(want, sizeof want, "%s/rc", cwd);
	same_str(b.conf, want);
	same_str(b.logfile, a.logfile);         /* absolute: as it was */
}
END_TEST

START_TEST(spool_head_never_holds_the_password)
{
	full_cfg(&a);
	round_trip();
	ck_assert_ptr_eq(strstr(head, "hunter2"), NULL);
	ck_assert_ptr_eq(strstr(head, "password "), NULL);
	ck_assert_ptr_ne(strstr(head, "set passwordeval cat /etc/secret | head -1\n"), NULL);
}
END_TEST

/* nothing set: nothing but the TLS mode written, and a fresh config
 * keeps its own values for the rest */
START_TEST(spool_settings_minimal)
{
	memset(&a, 0, sizeof a);
	round_trip();
	ck_assert_int_eq(q.nset, 1);
	ck_assert_str_eq(qentry_get(&q, "tls"), "off");
	ck_assert_ptr_eq(b.host, NULL);
	ck_assert_int_eq(b.tls.mode, TLS_OFF);
	ck_assert_int_eq(b.syslog_on, 0);
}
END_TEST

/* msmtp's "tls on" stays implicit TLS after send_settle: the entry says
 * what was used, not what the words meant */
START_TEST(spool_tls_survives_settle)
{
	memset(&a, 0, sizeof a);
	a.tls.mode = TLS_IMPLICIT;
	a.msmtp = CFG_SMTPSEND_MSMTP;
	round_trip();
	send_settle(&b);
	ck_assert_int_eq(b.tls.mode, TLS_IMPLICIT);
}
END_TEST

START_TEST(spool_auth_words)
{
	static const struct { unsigned force; int oauth, off; const char *word; } t[] = {
		{ 0, 1, 0, "oauth2" }, { MECH_XOAUTH2, 1, 0, "xoauth2" },
		{ MECH_OAUTHBEARER, 1, 0, "oauthbearer" }, { MECH_CRAM_MD5, 0, 0, "cram-md5" },
		{ 0, 0, 1, "off" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		memset(&a, 0, sizeof a);
		a.auth.force = t[i].force;
		a.auth.oauth = t[i].oauth;
		a.no_auth = t[i].off;
		round_trip();
		ck_assert_int_eq(strcasecmp(qentry_get(&q, "auth"), t[i].word), 0);
		ck_assert_int_eq((int)b.auth.force, (int)t[i].force);
		ck_assert_int_eq(b.auth.oauth, t[i].oauth);
		ck_assert_int_eq(b.no_auth, t[i].off);
	}
}
END_TEST

/* a value with a control byte cannot be queued (the send says so) */
START_TEST(spool_control_byte_refused)
{
	struct wb_err e = { 0, "" };

	memset(&a, 0, sizeof a);
	memset(&q, 0, sizeof q);
	a.helo = "bad\nset host evil";
	ck_assert_int_eq(spool_settings(&a, &q, &e), -1);
	ck_assert_int_eq(e.code, EX_DATAERR);
}
END_TEST

START_TEST(spool_apply_refuses_bad_values)
{
	static const char *const bad[][2] = {
		{ "tls", "maybe" }, { "auth", "rot13" }, { "timeout_ms", "0" },
		{ "timeout_ms", "12x" }, { "family", "5" }, { "syslog", "-1" },
		{ "lifetime", "0" }, { "lifetime", "1y" }, { "date", "now" },
		{ "certcheck", "1" }, { "nosuchkey", "on" },
	};
	struct wb_err e = { 0, "" };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		memset(&q, 0, sizeof q);
		memset(&b, 0, sizeof b);
		ck_assert_int_eq(qentry_set(&q, bad[i][0], bad[i][1], &e), 0);
		ck_assert_msg(spool_apply(&b, &q, &e) == -1, "%s %s", bad[i][0], bad[i][1]);
		ck_assert_int_eq(e.code, EX_DATAERR);
	}
}
END_TEST

/* the queue's options in both tables */
static int parse(const struct optab *t, struct sendcfg *c, const char *w1, const char *w2)
{
	char *argv[] = { "smtpsend", (char *)w1, (char *)w2, NULL };
	struct wb_err e = { 0, "" };

	memset(c, 0, sizeof *c);
	return opt_argv(t, c, w2 ? 3 : 2, argv, 0, &e);
}

START_TEST(spool_queue_options)
{
	const struct optab *t = _i ? &msmtp_optab : &smtpsend_optab;
	struct wb_err e = { 0, "" };

	ck_assert_int_eq(parse(t, &a, "-q", NULL), 0);
	ck_assert_int_eq(a.qcmd, Q_FLUSH);
	ck_assert_int_eq(parse(t, &a, "-q15m", NULL), 0);
	ck_assert_int_eq(a.qcmd, Q_RUN);
	ck_assert_int_eq((int)a.qinterval, 900);
	ck_assert_int_eq(parse(t, &a, "-q90", NULL), 0);
	ck_assert_int_eq((int)a.qinterval, 90);
	ck_assert_int_eq(parse(t, &a, "-q2d", NULL), -1);
	ck_assert_int_eq(parse(t, &a, "-qx", NULL), -1);
	ck_assert_int_eq(parse(t, &a, "-bp", NULL), 0);
	ck_assert_int_eq(a.qcmd, Q_LIST);
	ck_assert_int_eq(parse(t, &a, "-bm", NULL), 0);
	ck_assert_int_eq(a.qcmd, Q_NONE);
	ck_assert_int_eq(parse(t, &a, "-bx", NULL), -1);
	ck_assert_int_eq(parse(t, &a, "-odq", NULL), 0);
	ck_assert_int_eq(a.queue_only, 1);
	ck_assert_int_eq(parse(t, &a, "-odb", NULL), 0);
	ck_assert_int_eq(a.queue_only, 0);
	ck_assert_int_eq(parse(t, &a, "--queue-max-size", "512k"), 0);
	ck_assert_int_eq((int)a.queue_max_size, 524288);
	ck_assert_int_eq(parse(t, &a, "--queue-max-size", "2G"), -1);
	ck_assert_int_eq(parse(t, &a, "--queue-lifetime", "2d"), 0);
	ck_assert_int_eq((int)a.queue_lifetime, 172800);
	ck_assert_int_eq(parse(t, &a, "--queue-drop", "1796533200.12.0a1b2c3d"), 0);
	ck_assert_int_eq(a.qcmd, Q_DROP);
	ck_assert_str_eq(a.qid, "1796533200.12.0a1b2c3d");
	ck_assert_int_eq(parse(t, &a, "--queue", "/var/spool/smtpsend"), 0);
	ck_assert_str_eq(a.queue, "/var/spool/smtpsend");
	ck_assert_int_eq(opt_key(t, &a, "queue_max_count", "7", &e), 0);
	ck_assert_int_eq(a.queue_max_count, 7);
}
END_TEST

/* ---- msg_spool and msg_from_fd: a message the queue could not take is
 * still sent whole (what was stored, the piece held back, then stdin);
 * the second msg_spool stands for the send (body() reads the same way) */

static struct msg msg;
static unsigned char want[300000], got[300000];
static size_t ngot;

struct sink {
	int fd;                 /* the "entry": a file, -1 collect into got */
	size_t left;            /* the cap: a put past it fails */
	size_t stored;
};

static int sink_put(void *ctx, const void *p, size_t n, struct wb_err *e)
{
	struct sink *k = ctx;

	if (k->fd < 0) {
		ck_assert_uint_le(ngot + n, sizeof got);
		memcpy(got + ngot, p, n);
		ngot += n;
		return 0;
	}
	if (n > k->left) {
		err_set(e, EX_TEMPFAIL, "queue full");
		return -1;
	}
	ck_assert_int_eq(write(k->fd, p, n), (ssize_t)n);
	k->left -= n;
	k->stored += n;
	return 0;
}

/* a temporary file holding len bytes of want after the head's */
static int input_file(size_t off, size_t len)
{
	char path[] = "/tmp/test_spool.XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(write(fd, want + off, len), (ssize_t)len);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

START_TEST(spool_send_after_queue_full)
{
	char path[] = "/tmp/test_spool_entry.XXXXXX";
	struct wb_err e = { 0, "" };
	struct sink entry = { -1, 100000 + 7 * _i, 0 }, out = { -1, 0, 0 };
	size_t i, hl = 20, xl = 10;
	int saved;

	for (i = 0; i < sizeof want; i++)
		want[i] = (unsigned char)('a' + (i * 7 + i / 61) % 26);
	memset(&msg, 0, sizeof msg);
	memcpy(msg.extra, want, xl);
	msg.xlen = xl;
	memcpy(msg.head, want + xl, hl);
	msg.hlen = hl;
	saved = dup(0);         /* standard input: the rest of the message */
	ck_assert_int_eq(dup2(input_file(xl + hl, sizeof want - xl - hl), 0), 0);
	ck_assert_int_ge(entry.fd = mkstemp(path), 0);
	unlink(path);
	ck_assert_int_eq(msg_spool(&msg, sink_put, &entry, &e), -1);
	ck_assert_uint_lt(entry.stored, sizeof want);
	msg_from_fd(&msg, entry.fd, (off_t)(xl + hl), (off_t)entry.stored);
	ngot = 0;
	ck_assert_int_eq(msg_spool(&msg, sink_put, &out, &e), 0);
	ck_assert_uint_eq(ngot, sizeof want);
	ck_assert_msg(!memcmp(got, want, sizeof want), "the message sent is not the input");
	close(entry.fd);
	dup2(saved, 0);
}
END_TEST

/* a whole entry (flush): the file from the body's offset to its end */
START_TEST(spool_send_from_entry)
{
	struct wb_err e = { 0, "" };
	struct sink out = { -1, 0, 0 };

	memset(&msg, 0, sizeof msg);
	memset(want, 'q', 100);
	memcpy(want + 100, "body\n", 5);
	msg_from_fd(&msg, input_file(0, 105), 100, -1);
	ngot = 0;
	ck_assert_int_eq(msg_spool(&msg, sink_put, &out, &e), 0);
	ck_assert_uint_eq(ngot, 5);
	ck_assert_int_eq(memcmp(got, "body\n", 5), 0);
	close(msg.fd);
}
END_TEST

Suite *smtp_spool_suite(void)
{
	Suite *s = suite_create("smtp_spool");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, spool_settings_round_trip);
	tcase_add_test(tc, spool_relative_files_made_absolute);
	tcase_add_test(tc, spool_head_never_holds_the_password);
	tcase_add_test(tc, spool_settings_minimal);
	tcase_add_test(tc, spool_tls_survives_settle);
	tcase_add_test(tc, spool_auth_words);
	tcase_add_test(tc, spool_control_byte_refused);
	tcase_add_test(tc, spool_apply_refuses_bad_values);
	tcase_add_loop_test(tc, spool_queue_options, 0, 1 + CFG_SMTPSEND_MSMTP);
	tcase_add_loop_test(tc, spool_send_after_queue_full, 0, 3);
	tcase_add_test(tc, spool_send_from_entry);
	suite_add_tcase(s, tc);
	return s;
}
