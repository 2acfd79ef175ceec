/* test_pop3.c - pop3get: response parser, dot-terminated body reader split
 * at every offset, APOP vector, mboxrd quoting, Maildir names and
 * delivery, UIDL state file, and whole sessions over the fake transport
 * (safety rules: no DELE before durable storage, drop on failures). */
#define _DEFAULT_SOURCE
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "applets/pop3get/pop3.h"
#include "unit/fake_xport.h"
#include "util.h"

Suite *pop3_resp_suite(void);
Suite *pop3_body_suite(void);
Suite *pop3_store_suite(void);
Suite *pop3_session_suite(void);

/* ---- responses -------------------------------------------------------- */

START_TEST(status_lines)
{
	static const struct { const char *in; int want; const char *text; } t[] = {
		{ "+OK", RESP_OK, "" }, { "+OK hi there", RESP_OK, "hi there" },
		{ "+ok x", RESP_OK, "x" }, { "-ERR", RESP_ERR, "" },
		{ "-ERR [AUTH] no", RESP_ERR, "[AUTH] no" }, { "+OKAY", RESP_BAD, NULL },
		{ "OK", RESP_BAD, NULL }, { "", RESP_BAD, NULL }, { "-ER", RESP_BAD, NULL },
		{ "+ ", RESP_BAD, NULL }, { " +OK", RESP_BAD, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		const char *text = NULL;
		int r = resp_status(t[i].in, &text);

		ck_assert_msg(r == t[i].want, "'%s': %d want %d", t[i].in, r, t[i].want);
		if (t[i].text)
			ck_assert_str_eq(text, t[i].text);
	}
}
END_TEST

START_TEST(stat_list_uidl)
{
	unsigned long c, n;
	unsigned long long sz;
	char uid[POP3_UID_MAX + 1];
	char big[100];

	ck_assert_int_eq(resp_stat("2 320", &c, &sz), 0);
	ck_assert_uint_eq(c, 2);
	ck_assert_uint_eq(sz, 320);
	ck_assert_int_eq(resp_stat("0 0 extra words", &c, &sz), 0);
	ck_assert_int_eq(resp_stat("2", &c, &sz), -1);
	ck_assert_int_eq(resp_stat("2  320", &c, &sz), -1);
	ck_assert_int_eq(resp_stat("-2 320", &c, &sz), -1);
	ck_assert_int_eq(resp_stat("2 320x", &c, &sz), -1);
	ck_assert_int_eq(resp_stat("99999999999999999999 1", &c, &sz), -1);
	ck_assert_int_eq(resp_stat("1 99999999999999999999", &c, &sz), -1);
	ck_assert_int_eq(resp_list("3 1200", &n, &sz), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(sz, 1200);
	ck_assert_int_eq(resp_list("0 1200", &n, &sz), -1);
	ck_assert_int_eq(resp_list(" 3 1200", &n, &sz), -1);
	ck_assert_int_eq(resp_list("3\t1200", &n, &sz), -1);
	ck_assert_int_eq(resp_uidl("1 whqtswO00WBw418f9t5JxYwZ", &n, uid), 0);
	ck_assert_str_eq(uid, "whqtswO00WBw418f9t5JxYwZ");
	ck_assert_int_eq(resp_uidl("1 a b", &n, uid), -1);
	ck_assert_int_eq(resp_uidl("1 ", &n, uid), -1);
	ck_assert_int_eq(resp_uidl("x abc", &n, uid), -1);
	memset(big, 'u', sizeof big);
	memcpy(big, "7 ", 2);
	big[72] = 0;                           /* 70 chars: ok */
	ck_assert_int_eq(resp_uidl(big, &n, uid), 0);
	big[72] = 'u';
	big[73] = 0;                           /* 71: too long */
	ck_assert_int_eq(resp_uidl(big, &n, uid), -1);
	ck_assert_int_eq(resp_uidl("1 caf\xc3\xa9", &n, uid), -1);
}
END_TEST

START_TEST(capa)
{
	unsigned caps = 0;

	resp_capa("TOP", &caps);
	resp_capa("uidl", &caps);
	resp_capa("PIPELINING", &caps);
	resp_capa("SASL CRAM-MD5 PLAIN", &caps);
	resp_capa("STLSX", &caps);
	ck_assert_uint_eq(caps, CAPA_SEEN | CAPA_TOP | CAPA_UIDL | CAPA_PIPELINING |
	                  CAPA_SASL_PLAIN);
	caps = 0;
	resp_capa("SASL PLAINX", &caps);
	resp_capa("STLS", &caps);
	ck_assert_uint_eq(caps, CAPA_SEEN | CAPA_STLS);
}
END_TEST

START_TEST(apop_vector)
{
	char ts[POP3_TS_MAX], hex[33];

	/* RFC 1939 section 7 */
	ck_assert_int_eq(apop_timestamp("POP3 server ready <1896.697170952@dbc.mtview.ca.us>", ts), 1);
	ck_assert_str_eq(ts, "<1896.697170952@dbc.mtview.ca.us>");
	apop_digest(ts, "tanstaaf", hex);
	ck_assert_str_eq(hex, "c4c9334bac560ecc979e58001b3e22fb");
	ck_assert_int_eq(apop_timestamp("ready", ts), 0);
	ck_assert_int_eq(apop_timestamp("ready <no-at-sign>", ts), 0);
	ck_assert_int_eq(apop_timestamp("ready <a b@c>", ts), 0);
	ck_assert_int_eq(apop_timestamp("ready <a@b", ts), 0);
}
END_TEST

Suite *pop3_resp_suite(void)
{
	Suite *s = suite_create("pop3_resp");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, status_lines);
	tcase_add_test(tc, stat_list_uidl);
	tcase_add_test(tc, capa);
	tcase_add_test(tc, apop_vector);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- body reader ------------------------------------------------------- */

static const struct { const char *in, *out; size_t rest; } bodies[] = {
	{ "a\r\nb\r\n.\r\nNEXT", "a\nb\n", 4 },
	{ "..dot\r\n.\r\n", ".dot\n", 0 },
	{ ".\r\n", "", 0 },
	{ "x\ry\r\n.\r\n", "x\ry\n", 0 },
	{ "a\n.\nrest\r\n.\r\nX", "a\n.\nrest\n", 1 },  /* bare LF: dot is data */
	{ "lf only\n.\r\n.\r\n", "lf only\n.\n", 0 },
	{ "\n..\r\n.\r\n", "\n..\n", 0 },
	{ ".\nx\r\n.\r\n", "\nx\n", 0 },
	{ "\r\n\r\n.\r\n+OK", "\n\n", 3 },
	{ ".x\r\n.\r\n", "x\n", 0 },
	{ "a\r\n.\rb\r\n.\r\n", "a\n\rb\n", 0 },
	{ "end.\r\n.\r\n", "end.\n", 0 },
	{ "\r\r\n.\r\n", "\r\n", 0 },
};

/* pop3_body with only a size limit (0: none) */
static int body_lim(struct stream *s, struct dlv *d, uint64_t limit, struct wb_err *e)
{
	struct body_io io;

	memset(&io, 0, sizeof io);
	io.limit = limit;
	return pop3_body(s, d, &io, e);
}

/* feed the input cut at `cut` into two pieces, then byte by byte */
static void run_body(const char *in, size_t len, size_t cut, char *out, size_t *outn,
                     size_t *used)
{
	struct body b;
	char tmp[256];
	size_t n, u;

	body_init(&b);
	*outn = *used = 0;
	u = body_feed(&b, in, cut, tmp, &n);
	memcpy(out, tmp, n);
	*outn += n;
	*used += u;
	if (b.st == B_DONE)
		return;
	u = body_feed(&b, in + cut, len - cut, tmp, &n);
	memcpy(out + *outn, tmp, n);
	*outn += n;
	*used += u;
}

START_TEST(body_every_split)
{
	size_t i, cut;

	for (i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		size_t len = strlen(bodies[i].in);

		for (cut = 0; cut <= len; cut++) {
			char out[256];
			size_t n, used;

			run_body(bodies[i].in, len, cut, out, &n, &used);
			ck_assert_msg(n == strlen(bodies[i].out) &&
			              !memcmp(out, bodies[i].out, n),
			              "case %zu cut %zu: got '%.*s'", i, cut, (int)n, out);
			ck_assert_msg(len - used == bodies[i].rest, "case %zu cut %zu: rest %zu",
			              i, cut, len - used);
		}
	}
}
END_TEST

START_TEST(body_bytewise)
{
	size_t i, k;

	for (i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		const char *in = bodies[i].in;
		size_t len = strlen(in), o = 0, n;
		char out[256], tmp[4];
		struct body b;

		body_init(&b);
		for (k = 0; k < len && b.st != B_DONE; k++) {
			ck_assert_uint_eq(body_feed(&b, in + k, 1, tmp, &n), 1);
			memcpy(out + o, tmp, n);
			o += n;
		}
		ck_assert_int_eq(b.st, B_DONE);
		ck_assert_uint_eq(len - k, bodies[i].rest);
		ck_assert_msg(o == strlen(bodies[i].out) && !memcmp(out, bodies[i].out, o),
		              "case %zu", i);
	}
}
END_TEST

START_TEST(body_unterminated)
{
	struct body b;
	char out[64];
	size_t n;

	body_init(&b);
	body_feed(&b, "abc\r\n..\r\n", 9, out, &n);
	ck_assert_int_ne(b.st, B_DONE);
}
END_TEST

/* pop3_body over a stream in chunks of every size: the next reply stays */
START_TEST(body_stream_chunks)
{
	static const char in[] = "Subject: x\r\n\r\n..a\r\nb\r\n.\r\n+OK next\r\n";
	size_t chunk;

	for (chunk = 1; chunk <= sizeof in; chunk++) {
		struct fake f;
		struct transport xp;
		struct stream s;
		struct wb_err e;
		char line[64];
		size_t n;

		fake_init(&f, &xp, in, sizeof in - 1, chunk);
		stream_init(&s, &xp, 1000);
		ck_assert_int_eq(body_lim(&s, NULL, 0, &e), 0);
		ck_assert_int_eq(line_read(&s, line, sizeof line, &n), IO_OK);
		ck_assert_str_eq(line, "+OK next");
	}
}
END_TEST

START_TEST(body_stream_drop)
{
	static const char in[] = "Subject: x\r\n\r\nbody\r\n";
	struct fake f;
	struct transport xp;
	struct stream s;
	struct wb_err e;

	fake_init(&f, &xp, in, sizeof in - 1, 5);
	stream_init(&s, &xp, 1000);
	ck_assert_int_eq(body_lim(&s, NULL, 0, &e), -1);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
}
END_TEST

/* the target fails in the middle of a line: the body is still read to
 * its real end (a "." later in that line is not the end) */
START_TEST(body_target_fails_midline)
{
	static const char in[] = "abc.\r\nx\r\n.\r\n+OK next\r\n";
	struct fake f;
	struct transport xp;
	struct stream s;
	struct wb_err e;
	struct dlv d;
	char line[64];
	size_t n;

	fake_init(&f, &xp, in, sizeof in - 1, 3);
	stream_init(&s, &xp, 1000);
	dlv_init(&d, DLV_RAW, NULL);
	d.fd = open("/dev/full", O_WRONLY);
	ck_assert_int_ge(d.fd, 0);
	ck_assert_int_eq(body_lim(&s, &d, 0, &e), -2);
	ck_assert_int_eq(e.code, EX_IOERR);
	close(d.fd);
	ck_assert_int_eq(line_read(&s, line, sizeof line, &n), IO_OK);
	ck_assert_str_eq(line, "+OK next");
}
END_TEST

/* a server sending more than LIST announced (--max-size set) */
START_TEST(body_stream_limit)
{
	static const char in[] = "0123456789\r\n.\r\n";
	struct fake f;
	struct transport xp;
	struct stream s;
	struct wb_err e;

	fake_init(&f, &xp, in, sizeof in - 1, 0);
	stream_init(&s, &xp, 1000);
	ck_assert_int_eq(body_lim(&s, NULL, 5, &e), -1);
	ck_assert_int_eq(e.code, EX_PROTOCOL);
	fake_init(&f, &xp, in, sizeof in - 1, 0);
	stream_init(&s, &xp, 1000);
	ck_assert_int_eq(body_lim(&s, NULL, 11, &e), 0);
}
END_TEST

START_TEST(mboxrd_quoting)
{
	static const char in[] = "From x\nFrom y\n>From z\n>>From w\nFro\n>Fromage\n From q\nxFrom r\n";
	static const char want[] = ">From x\n>From y\n>>From z\n>>>From w\nFro\n>Fromage\n From q\nxFrom r\n\n";
	size_t cut;

	for (cut = 0; cut <= sizeof in - 1; cut++) {
		struct mboxrd q;
		char out[256];
		size_t o;

		mboxrd_init(&q);
		/* the first line is the message's own start: quoted too */
		o = mboxrd_feed(&q, in, cut, out);
		o += mboxrd_feed(&q, in + cut, sizeof in - 1 - cut, out + o);
		o += mboxrd_end(&q, out + o, sizeof out - o);
		ck_assert_msg(o == sizeof want - 1 && !memcmp(out, want, o),
		              "cut %zu: '%.*s'", cut, (int)o, out);
	}
}
END_TEST

START_TEST(mboxrd_end_without_newline)
{
	struct mboxrd q;
	char out[64];
	size_t o;

	mboxrd_init(&q);
	o = mboxrd_feed(&q, "abc\nFro", 7, out);
	o += mboxrd_end(&q, out + o, sizeof out - o);
	ck_assert_uint_eq(o, 9);
	ck_assert(!memcmp(out, "abc\nFro\n\n", 9));
}
END_TEST

Suite *pop3_body_suite(void)
{
	Suite *s = suite_create("pop3_body");
	TCase *tc = tcase_create("body");

	tcase_add_test(tc, body_every_split);
	tcase_add_test(tc, body_bytewise);
	tcase_add_test(tc, body_unterminated);
	tcase_add_test(tc, body_stream_chunks);
	tcase_add_test(tc, body_stream_drop);
	tcase_add_test(tc, body_stream_limit);
	tcase_add_test(tc, body_target_fails_midline);
	tcase_add_test(tc, mboxrd_quoting);
	tcase_add_test(tc, mboxrd_end_without_newline);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- storage: Maildir, mbox, UIDL state -------------------------------- */

static char tdir[64];

static void rmtdir(void)
{
	char cmd[160];

	if (!tdir[0])
		return;
	snprintf(cmd, sizeof cmd, "chmod -R u+w %s; rm -rf %s", tdir, tdir);
	ck_assert_int_eq(system(cmd), 0);
	tdir[0] = 0;
}

/* a fresh temporary directory (the previous one of this test removed) */
static void mktdir(void)
{
	rmtdir();
	snprintf(tdir, sizeof tdir, "/tmp/wb-pop3-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
}

static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static size_t slurp(const char *path, char *buf, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, max, f);
	fclose(f);
	return n;
}

START_TEST(maildir_names)
{
	char a[128], b[128];

	ck_assert_int_eq(maildir_name(a, sizeof a, 1700000000, 42, 123, 1, "host"), 0);
	ck_assert_str_eq(a, "1700000000.M000042P123Q1.host");
	ck_assert_int_eq(maildir_name(b, sizeof b, 1700000000, 42, 123, 2, "host"), 0);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(maildir_name(a, 10, 1700000000, 42, 123, 1, "host"), -1);
}
END_TEST

START_TEST(maildir_delivery)
{
	struct dlv d;
	struct wb_err e;
	char path[128], buf[64];

	mktdir();
	snprintf(path, sizeof path, "%s/Mail", tdir);
	dlv_init(&d, DLV_MAILDIR, path);
	ck_assert_int_eq(dlv_open(&d, &e), 0);
	ck_assert_int_eq(dlv_begin(&d, &e), 0);
	ck_assert_int_eq(dlv_write(&d, "From x\nhi\n", 10, &e), 0);
	snprintf(buf, sizeof buf, "%s/Mail/new", tdir);
	ck_assert_int_eq(count_dir(buf), 0);          /* not visible yet */
	ck_assert_int_eq(dlv_end(&d, &e), 0);
	ck_assert_int_eq(count_dir(buf), 0);          /* not before its fsync */
	ck_assert_int_eq(d.unsynced, 1);
	ck_assert_int_eq(dlv_sync(&d, &e), 0);
	ck_assert_int_eq(count_dir(buf), 1);
	ck_assert_int_eq(d.unsynced, 0);
	/* an aborted message leaves nothing in tmp/ or new/ */
	ck_assert_int_eq(dlv_begin(&d, &e), 0);
	ck_assert_int_eq(dlv_write(&d, "partial", 7, &e), 0);
	dlv_abort(&d);
	ck_assert_int_eq(count_dir(buf), 1);
	snprintf(buf, sizeof buf, "%s/Mail/tmp", tdir);
	ck_assert_int_eq(count_dir(buf), 0);
	snprintf(buf, sizeof buf, "%s/Mail/cur", tdir);
	ck_assert_int_eq(count_dir(buf), 0);
	/* complete but never synced (the session broke off): dropped */
	ck_assert_int_eq(dlv_begin(&d, &e), 0);
	ck_assert_int_eq(dlv_write(&d, "whole\n", 6, &e), 0);
	ck_assert_int_eq(dlv_end(&d, &e), 0);
	dlv_close(&d);
	snprintf(buf, sizeof buf, "%s/Mail/new", tdir);
	ck_assert_int_eq(count_dir(buf), 1);
	snprintf(buf, sizeof buf, "%s/Mail/tmp", tdir);
	ck_assert_int_eq(count_dir(buf), 0);
	rmtdir();
}
END_TEST

START_TEST(maildir_unwritable)
{
	struct dlv d;
	struct wb_err e;
	char path[128];

	if (geteuid() == 0)
		return;                 /* root writes anyway; integration covers it */
	mktdir();
	chmod(tdir, 0500);
	snprintf(path, sizeof path, "%s/Mail", tdir);
	dlv_init(&d, DLV_MAILDIR, path);
	ck_assert_int_eq(dlv_open(&d, &e), -1);
	ck_assert_int_eq(e.code, EX_IOERR);
	dlv_close(&d);
	rmtdir();
}
END_TEST

START_TEST(mbox_delivery)
{
	struct dlv d;
	struct wb_err e;
	char path[128], buf[512];
	size_t n;

	mktdir();
	snprintf(path, sizeof path, "%s/mbox", tdir);
	dlv_init(&d, DLV_MBOX, path);
	ck_assert_int_eq(dlv_open(&d, &e), 0);
	ck_assert_int_eq(dlv_begin(&d, &e), 0);
	ck_assert_int_eq(dlv_write(&d, "Subject: a\n\nFrom me\n", 20, &e), 0);
	ck_assert_int_eq(dlv_end(&d, &e), 0);
	ck_assert_int_eq(dlv_begin(&d, &e), 0);
	ck_assert_int_eq(dlv_write(&d, "Subject: partial\n", 17, &e), 0);
	dlv_abort(&d);                  /* truncated back */
	ck_assert_int_eq(dlv_sync(&d, &e), 0);
	dlv_close(&d);
	n = slurp(path, buf, sizeof buf);
	buf[n] = 0;
	ck_assert_msg(!strncmp(buf, "From MAILER-DAEMON ", 19), "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "\nSubject: a\n\n>From me\n\n"));
	ck_assert_ptr_null(strstr(buf, "partial"));
	ck_assert(buf[n - 1] == '\n' && buf[n - 2] == '\n');
	rmtdir();
}
END_TEST

/* the mbox lock is respected: with another process holding it, -o waits
 * (retrying) until it is released, and only then appends */
START_TEST(mbox_lock)
{
	struct flock fl;
	char path[128];
	pid_t pid;
	int fd, st;

	mktdir();
	snprintf(path, sizeof path, "%s/mbox", tdir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	ck_assert_int_eq(fcntl(fd, F_SETLK, &fl), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct dlv d;
		struct wb_err e;
		int64_t t0 = mono_ms();
		int r;

		dlv_init(&d, DLV_MBOX, path);
		r = dlv_open(&d, &e);
		_exit(r == 0 && mono_ms() - t0 >= 250 ? 0 : 1);
	}
	usleep(400000);
	close(fd);                      /* releases the lock */
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	rmtdir();
}
END_TEST

START_TEST(mbox_from_line)
{
	char buf[64];

	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char want[64];
	long long t;

	ck_assert_uint_gt(mbox_fromline(buf, sizeof buf, 0), 0);
	ck_assert_str_eq(buf, "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n");
	ck_assert_uint_gt(mbox_fromline(buf, sizeof buf, 951868799), 0);
	ck_assert_str_eq(buf, "From MAILER-DAEMON Tue Feb 29 23:59:59 2000\n");
	ck_assert_uint_eq(mbox_fromline(buf, 20, 0), 0);          /* too small */
	/* against the C library's calendar, 1970 to 2106 */
	for (t = 0; t < 4294967296LL; t += 7654321) {
		time_t tt = (time_t)t;
		struct tm tm;

		ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
		snprintf(want, sizeof want, "From MAILER-DAEMON %s %s %2d %02d:%02d:%02d %d\n",
		         wd[tm.tm_wday], mo[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min,
		         tm.tm_sec, tm.tm_year + 1900);
		ck_assert_uint_gt(mbox_fromline(buf, sizeof buf, t), 0);
		ck_assert_str_eq(buf, want);
	}
}
END_TEST

START_TEST(mda_delivery)
{
	struct dlv d;
	struct wb_err e;
	char cmd[256], path[128], buf[64];
	size_t n;

	mktdir();
	snprintf(path, sizeof path, "%s/out", tdir);
	snprintf(cmd, sizeof cmd, "cat > %s", path);
	dlv_init(&d, DLV_MDA, cmd);
	ck_assert_int_eq(dlv_begin(&d, &e), 0);
	ck_assert_int_eq(dlv_write(&d, "hello\n", 6, &e), 0);
	ck_assert_int_eq(dlv_end(&d, &e), 0);
	n = slurp(path, buf, sizeof buf);
	ck_assert_uint_eq(n, 6);
	dlv_init(&d, DLV_MDA, "cat >/dev/null; exit 3");
	ck_assert_int_eq(dlv_begin(&d, &e), 0);
	ck_assert_int_eq(dlv_write(&d, "hello\n", 6, &e), 0);
	ck_assert_int_eq(dlv_end(&d, &e), -1);
	ck_assert_int_eq(e.code, EX_IOERR);
	ck_assert_ptr_nonnull(strstr(e.msg, "exited with 3"));
	rmtdir();
}
END_TEST

/* an MDA that takes no input is given up after its timeout, not waited
 * for forever; so is one that reads everything but never exits */
START_TEST(mda_hung)
{
	static char big[256 * 1024];
	struct dlv d;
	struct wb_err e;
	int64_t t0;

	memset(big, 'x', sizeof big);
	dlv_init(&d, DLV_MDA, "sleep 10");
	d.timeout_ms = 300;
	t0 = mono_ms();
	ck_assert_int_eq(dlv_begin(&d, &e), 0);
	ck_assert_int_eq(dlv_write(&d, big, sizeof big, &e), -1);
	ck_assert_int_eq(e.code, EX_IOERR);
	ck_assert_msg(strstr(e.msg, "took no input") != NULL, "%s", e.msg);
	dlv_abort(&d);
	ck_assert_int_eq(d.mda.pid, -1);
	ck_assert_int_lt(mono_ms() - t0, 3000);

	dlv_init(&d, DLV_MDA, "cat >/dev/null; trap '' TERM; exec sleep 10");
	d.timeout_ms = 300;
	t0 = mono_ms();
	ck_assert_int_eq(dlv_begin(&d, &e), 0);
	ck_assert_int_eq(dlv_write(&d, "hello\n", 6, &e), 0);
	ck_assert_int_eq(dlv_end(&d, &e), -1);
	ck_assert_int_eq(e.code, EX_IOERR);
	ck_assert_msg(strstr(e.msg, "did not exit within 300 ms") != NULL, "%s", e.msg);
	ck_assert_int_eq(d.mda.pid, -1);
	ck_assert_int_lt(mono_ms() - t0, 3000);
}
END_TEST

/* --max-time bounds the MDA's waits too: a hung -x command is killed at
 * the run's deadline, not after its own (30 s) timeout */
START_TEST(mda_bounded_by_run_deadline)
{
	static char big[256 * 1024];
	struct dlv d;
	struct wb_err e;
	int64_t t0;

	memset(big, 'x', sizeof big);
	dlv_init(&d, DLV_MDA, "sleep 10");
	d.timeout_ms = 30000;
	t0 = mono_ms();
	d.run_deadline = t0 + 300;
	ck_assert_int_eq(dlv_begin(&d, &e), 0);
	ck_assert_int_eq(dlv_write(&d, big, sizeof big, &e), -1);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_msg(strstr(e.msg, "--max-time") != NULL, "%s", e.msg);
	dlv_abort(&d);
	ck_assert_int_lt(mono_ms() - t0, 3000);

	dlv_init(&d, DLV_MDA, "cat >/dev/null; trap '' TERM; exec sleep 10");
	d.timeout_ms = 30000;
	t0 = mono_ms();
	d.run_deadline = t0 + 300;
	ck_assert_int_eq(dlv_begin(&d, &e), 0);
	ck_assert_int_eq(dlv_write(&d, "hello\n", 6, &e), 0);
	ck_assert_int_eq(dlv_end(&d, &e), -1);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_msg(strstr(e.msg, "--max-time") != NULL, "%s", e.msg);
	ck_assert_int_eq(d.mda.pid, -1);
	ck_assert_int_lt(mono_ms() - t0, 3000);
}
END_TEST

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(uidl_round_trip)
{
	struct uidl u;
	struct wb_err e;
	char path[128], buf[256];
	const char *add[] = { "uid-1", "uid-2" };
	size_t n;

	mktdir();
	snprintf(path, sizeof path, "%s/state", tdir);
	ck_assert_int_eq(uidl_open(&u, path, &e), 0);     /* missing: empty */
	ck_assert_int_eq(uidl_has(&u, "uid-1"), 0);
	ck_assert_int_eq(uidl_add(&u, add, 2, &e), 0);
	uidl_close(&u);
	ck_assert_int_eq(uidl_open(&u, path, &e), 0);
	ck_assert_int_eq(uidl_has(&u, "uid-2"), 1);
	ck_assert_int_eq(uidl_has(&u, "uid-1"), 1);       /* wraps around */
	ck_assert_int_eq(uidl_has(&u, "uid-"), 0);
	ck_assert_int_eq(uidl_has(&u, "uid-3"), 0);
	/* compaction: only what is kept survives, once the file holds over
	 * twice that (uid-2 kept of uid-1 and uid-2 is not enough) */
	ck_assert_int_eq(uidl_keep(&u, "uid-2", &e), 0);
	ck_assert_int_eq(uidl_commit(&u, &e), 0);
	uidl_close(&u);
	n = slurp(path, buf, sizeof buf - 1);
	buf[n] = 0;
	ck_assert_str_eq(buf, "# pop3get uidl 1\nuid-1\nuid-2\n");
	/* an aborted run leaves no temp file behind */
	ck_assert_int_eq(uidl_open(&u, path, &e), 0);
	ck_assert_int_eq(uidl_keep(&u, "uid-9", &e), 0);
	uidl_close(&u);
	ck_assert_int_eq(count_dir(tdir), 2);             /* state, state.lock */
	rmtdir();
}
END_TEST

/* a second run on the same state file is refused while the first holds
 * it (fcntl locks are per process: the second run is a child) */
static int child_opens(const char *path)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct uidl u;
		struct wb_err e;
		int r = uidl_open(&u, path, &e);

		if (r == 0)
			_exit(0);
		_exit(e.code == EX_TEMPFAIL && strstr(e.msg, "in use") ? 75 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

START_TEST(uidl_lock)
{
	struct uidl u;
	struct wb_err e;
	char path[128];

	mktdir();
	snprintf(path, sizeof path, "%s/state", tdir);
	ck_assert_int_eq(child_opens(path), 0);
	ck_assert_int_eq(uidl_open(&u, path, &e), 0);
	ck_assert_int_eq(child_opens(path), 75);
	uidl_close(&u);
	ck_assert_int_eq(child_opens(path), 0);
	rmtdir();
}
END_TEST

START_TEST(uidl_corruption)
{
	static const struct { const char *text; size_t line; } t[] = {
		{ "# pop3get uidl 1\na\nb\n", 0 }, { "# pop3get uidl 1\n", 0 },
		{ "", 1 }, { "garbage\n", 1 }, { "# pop3get uidl 1\na\nb", 3 },
		{ "# pop3get uidl 1\na b\n", 2 }, { "# pop3get uidl 1\n\n", 2 },
		{ "# pop3get uidl 1\na\n\x01\n", 3 },
	};
	struct uidl u;
	struct wb_err e;
	char path[128];
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		ck_assert_msg(uidl_check(t[i].text, strlen(t[i].text)) == t[i].line,
		              "case %zu", i);
	mktdir();
	snprintf(path, sizeof path, "%s/state", tdir);
	write_file(path, "# pop3get uidl 1\nok\nbad line\n");
	ck_assert_int_eq(uidl_open(&u, path, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, "line 3"));
	uidl_close(&u);
	rmtdir();
}
END_TEST

static ino_t inode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(lstat(path, &st), 0);
	return st.st_ino;
}

/* each window's UIDLs are appended to the same file (no rewrite: linear
 * writes), and a run compacts only past twice the live set */
START_TEST(uidl_appends_between_windows)
{
	struct uidl u;
	struct wb_err e;
	char path[128], buf[512];
	const char *w1[] = { "uid-aaaaaaaa-1", "uid-aaaaaaaa-2" }, *w2[] = { "uid-aaaaaaaa-3" };
	ino_t ino;
	size_t n;
	int i;

	mktdir();
	snprintf(path, sizeof path, "%s/state", tdir);
	write_file(path, "# pop3get uidl 1\nold\n");
	ino = inode_of(path);
	ck_assert_int_eq(uidl_open(&u, path, &e), 0);
	ck_assert_int_eq(uidl_add(&u, w1, 2, &e), 0);
	ck_assert_int_eq(inode_of(path), ino);
	ck_assert_int_eq(uidl_add(&u, w2, 1, &e), 0);
	ck_assert_int_eq(inode_of(path), ino);
	n = slurp(path, buf, sizeof buf - 1);
	buf[n] = 0;
	ck_assert_str_eq(buf, "# pop3get uidl 1\nold\nuid-aaaaaaaa-1\nuid-aaaaaaaa-2\n"
	                 "uid-aaaaaaaa-3\n");
	/* live set (3 uids kept) over half the file: not rewritten */
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(uidl_keep(&u, w1[0], &e), 0);
	ck_assert_int_eq(uidl_commit(&u, &e), 0);
	uidl_close(&u);
	ck_assert_int_eq(inode_of(path), ino);
	/* one uid live out of four: compacted to it */
	ck_assert_int_eq(uidl_open(&u, path, &e), 0);
	ck_assert_int_eq(uidl_keep(&u, "old", &e), 0);
	ck_assert_int_eq(uidl_commit(&u, &e), 0);
	uidl_close(&u);
	n = slurp(path, buf, sizeof buf - 1);
	buf[n] = 0;
	ck_assert_str_eq(buf, "# pop3get uidl 1\nold\n");
	/* nothing kept (every message deleted): compacted to the header */
	write_file(path, "# pop3get uidl 1\nuid-aaaaaaaa-1\nuid-aaaaaaaa-2\n");
	ck_assert_int_eq(uidl_open(&u, path, &e), 0);
	ck_assert_int_eq(uidl_commit(&u, &e), 0);
	uidl_close(&u);
	n = slurp(path, buf, sizeof buf - 1);
	buf[n] = 0;
	ck_assert_str_eq(buf, "# pop3get uidl 1\n");
	ck_assert_int_eq(count_dir(tdir), 2);             /* state, state.lock */
	rmtdir();
}
END_TEST

/* a crash in an append leaves a torn last line: cut off at the next open,
 * so the next append starts a line of its own */
START_TEST(uidl_torn_last_line_cut)
{
	struct uidl u;
	struct wb_err e;
	char path[128], buf[256];
	const char *add[] = { "uid-3" };
	size_t n;

	mktdir();
	snprintf(path, sizeof path, "%s/state", tdir);
	write_file(path, "# pop3get uidl 1\nuid-1\nuid-");
	ck_assert_int_eq(uidl_open(&u, path, &e), 0);
	ck_assert_int_eq(uidl_has(&u, "uid-"), 0);
	ck_assert_int_eq(uidl_add(&u, add, 1, &e), 0);
	uidl_close(&u);
	n = slurp(path, buf, sizeof buf - 1);
	buf[n] = 0;
	ck_assert_str_eq(buf, "# pop3get uidl 1\nuid-1\nuid-3\n");
	rmtdir();
}
END_TEST

/* symlinks planted where the state's temp files (the old fixed names
 * STATE.<pid>.tmp / .new) or its lock go: no victim is written or created */
/* a state file or lock of another user (planted in a sticky /tmp) is
 * refused: it could say every message was fetched, or hold the lock */
START_TEST(uidl_other_users_files_refused)
{
	struct uidl u;
	struct wb_err e;
	char path[128], lk[160];

	if (geteuid() != 0)
		return;                 /* chown to another user needs root */
	mktdir();
	snprintf(path, sizeof path, "%s/state", tdir);
	write_file(path, "# pop3get uidl 1\nuid-1\n");
	ck_assert_int_eq(chown(path, 65534, 65534), 0);
	ck_assert_int_eq(uidl_open(&u, path, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_msg(strstr(e.msg, "belongs to uid 65534") != NULL, "%s", e.msg);
	uidl_close(&u);
	unlink(path);
	snprintf(lk, sizeof lk, "%s.lock", path);
	write_file(lk, "");
	ck_assert_int_eq(chown(lk, 65534, 65534), 0);
	ck_assert_int_eq(uidl_open(&u, path, &e), -1);
	ck_assert_msg(strstr(e.msg, "state lock") != NULL, "%s", e.msg);
	uidl_close(&u);
}
END_TEST

START_TEST(uidl_symlinks_not_followed)
{
	struct uidl u;
	struct wb_err e;
	char path[128], victim[128], lk[160], tmp[160], created[128], buf[64];
	const char *add[] = { "uid-1" };
	size_t n;

	mktdir();
	snprintf(path, sizeof path, "%s/state", tdir);
	snprintf(victim, sizeof victim, "%s/victim", tdir);
	write_file(victim, "precious\n");
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	ck_assert_int_eq(symlink(victim, tmp), 0);
	snprintf(tmp, sizeof tmp, "%s.%ld.new", path, (long)getpid());
	ck_assert_int_eq(symlink(victim, tmp), 0);
	ck_assert_int_eq(uidl_open(&u, path, &e), 0);
	ck_assert_int_eq(uidl_add(&u, add, 1, &e), 0);     /* creates the state */
	ck_assert_int_eq(uidl_add(&u, add, 1, &e), 0);     /* appends */
	ck_assert_int_eq(uidl_keep(&u, "uid-1", &e), 0);
	ck_assert_int_eq(uidl_commit(&u, &e), 0);
	uidl_close(&u);
	n = slurp(victim, buf, sizeof buf - 1);
	buf[n] = 0;
	ck_assert_str_eq(buf, "precious\n");
	/* the lock: a symlink is refused (78), its target never created */
	snprintf(lk, sizeof lk, "%s.lock", path);
	snprintf(created, sizeof created, "%s/created", tdir);
	ck_assert_int_eq(unlink(lk), 0);
	ck_assert_int_eq(symlink(created, lk), 0);
	ck_assert_int_eq(uidl_open(&u, path, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_msg(strstr(e.msg, "symlink") != NULL, "%s", e.msg);
	uidl_close(&u);
	ck_assert_int_ne(access(created, F_OK), 0);
	unlink(lk);
	ck_assert_int_eq(symlink(victim, lk), 0);
	ck_assert_int_eq(uidl_open(&u, path, &e), -1);
	uidl_close(&u);
	unlink(lk);
	/* the state file itself a symlink, or a hard link: refused */
	unlink(path);
	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert_int_eq(uidl_open(&u, path, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	uidl_close(&u);
	unlink(path);
	ck_assert_int_eq(link(victim, path), 0);
	ck_assert_int_eq(uidl_open(&u, path, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	uidl_close(&u);
	n = slurp(victim, buf, sizeof buf - 1);
	buf[n] = 0;
	ck_assert_str_eq(buf, "precious\n");
	rmtdir();
}
END_TEST

/* a state directory others may write to is refused unless sticky */
START_TEST(uidl_world_writable_dir_refused)
{
	struct uidl u;
	struct wb_err e;
	char dir[128], path[160];

	mktdir();
	snprintf(dir, sizeof dir, "%s/shared", tdir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	snprintf(path, sizeof path, "%s/state", dir);
	ck_assert_int_eq(uidl_open(&u, path, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_msg(strstr(e.msg, "writable by others") != NULL, "%s", e.msg);
	uidl_close(&u);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(chmod(dir, 01777), 0);
	ck_assert_int_eq(uidl_open(&u, path, &e), 0);
	uidl_close(&u);
	rmtdir();
}
END_TEST

/* deliver one message into the mbox at path: dlv_open's result */
static int mbox_one(const char *path, struct wb_err *e)
{
	struct dlv d;
	int r;

	dlv_init(&d, DLV_MBOX, path);
	r = dlv_open(&d, e);
	if (r == 0 && (dlv_begin(&d, e) || dlv_write(&d, "Subject: n\n\nnew\n", 16, e) ||
	               dlv_end(&d, e) || dlv_sync(&d, e)))
		r = -2;
	dlv_close(&d);
	return r;
}

/* -o MBOX never writes through a symlink or a hard link (mail.local) */
START_TEST(mbox_symlink_and_hardlink_refused)
{
	struct wb_err e;
	char path[128], victim[128], buf[64];
	size_t n;

	mktdir();
	snprintf(path, sizeof path, "%s/mbox", tdir);
	snprintf(victim, sizeof victim, "%s/victim", tdir);
	write_file(victim, "precious\n");
	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert_int_eq(mbox_one(path, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_msg(strstr(e.msg, "symlink") != NULL, "%s", e.msg);
	unlink(path);
	ck_assert_int_eq(link(victim, path), 0);
	ck_assert_int_eq(mbox_one(path, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_msg(strstr(e.msg, "one link") != NULL, "%s", e.msg);
	n = slurp(victim, buf, sizeof buf - 1);
	buf[n] = 0;
	ck_assert_str_eq(buf, "precious\n");
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(mbox_one(path, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	rmtdir();
}
END_TEST

/* a message always starts after an empty line, whatever the file ends in */
START_TEST(mbox_blank_line_before_from)
{
	static const char *const before[] = { "body", "body\n", "body\n\n", "" };
	struct wb_err e;
	char path[128], buf[512];
	size_t i, n;

	mktdir();
	snprintf(path, sizeof path, "%s/mbox", tdir);
	for (i = 0; i < sizeof before / sizeof *before; i++) {
		unlink(path);
		write_file(path, before[i]);
		ck_assert_int_eq(mbox_one(path, &e), 0);
		n = slurp(path, buf, sizeof buf - 1);
		buf[n] = 0;
		if (*before[i])
			ck_assert_msg(!strncmp(buf, "body\n\nFrom MAILER-DAEMON ", 25),
			              "case %zu: %s", i, buf);
		else
			ck_assert_msg(!strncmp(buf, "From MAILER-DAEMON ", 19), "%s", buf);
	}
	rmtdir();
}
END_TEST

/* a dotlock MBOX.lock is held while writing and removed after; a stale one
 * (a crashed writer) is broken */
START_TEST(mbox_dotlock)
{
	struct dlv d;
	struct wb_err e;
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	char path[128], lk[160];

	mktdir();
	snprintf(path, sizeof path, "%s/mbox", tdir);
	snprintf(lk, sizeof lk, "%s.lock", path);
	dlv_init(&d, DLV_MBOX, path);
	ck_assert_int_eq(dlv_open(&d, &e), 0);
	ck_assert_int_eq(access(lk, F_OK), 0);
	dlv_close(&d);
	ck_assert_int_ne(access(lk, F_OK), 0);
	write_file(lk, "");
	ck_assert_int_eq(utimensat(AT_FDCWD, lk, old, 0), 0);
	ck_assert_int_eq(mbox_one(path, &e), 0);
	ck_assert_int_ne(access(lk, F_OK), 0);
	rmtdir();
}
END_TEST

Suite *pop3_store_suite(void)
{
	Suite *s = suite_create("pop3_store");
	TCase *tc = tcase_create("store");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, maildir_names);
	tcase_add_test(tc, maildir_delivery);
	tcase_add_test(tc, maildir_unwritable);
	tcase_add_test(tc, mbox_delivery);
	tcase_add_test(tc, mbox_from_line);
	tcase_add_test(tc, mbox_lock);
	tcase_add_test(tc, mbox_symlink_and_hardlink_refused);
	tcase_add_test(tc, mbox_blank_line_before_from);
	tcase_add_test(tc, mbox_dotlock);
	tcase_add_test(tc, mda_delivery);
	tcase_add_test(tc, mda_hung);
	tcase_add_test(tc, mda_bounded_by_run_deadline);
	tcase_add_test(tc, uidl_round_trip);
	tcase_add_test(tc, uidl_corruption);
	tcase_add_test(tc, uidl_lock);
	tcase_add_test(tc, uidl_appends_between_windows);
	tcase_add_test(tc, uidl_torn_last_line_cut);
	tcase_add_test(tc, uidl_symlinks_not_followed);
	tcase_add_test(tc, uidl_world_writable_dir_refused);
	tcase_add_test(tc, uidl_other_users_files_refused);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- sessions over the fake transport ---------------------------------- */

struct sess {
	struct fake f;
	struct transport xp;
	struct stream s;
	struct pop3cfg c;
	struct pop3 p;
	struct dlv d;
	struct wb_err e;
	char md[128];
};

static int session(struct sess *t, const char *script, size_t chunk)
{
	fake_init(&t->f, &t->xp, script, strlen(script), chunk);
	stream_init(&t->s, &t->xp, 1000);
	memset(&t->p, 0, sizeof t->p);
	t->p.cfg = &t->c;
	t->p.s = &t->s;
	t->p.loopback = 1;
	t->p.dlv = &t->d;
	if (dlv_open(&t->d, &t->e))
		return -1;
	if (pop3_run(&t->p, &t->e)) {
		pop3_abandon(&t->p);
		return -1;
	}
	return 0;
}

static void setup_sess(struct sess *t)
{
	memset(t, 0, sizeof *t);
	mktdir();
	snprintf(t->md, sizeof t->md, "%s/Mail", tdir);
	t->c.server = "fake";
	t->c.user = "alice";
	t->c.secret = "pw";
	t->c.mode = MODE_FETCH;
	dlv_init(&t->d, DLV_MAILDIR, t->md);
}

static const char greet_pipe[] =
	"+OK ready\r\n"
	"+OK\r\nUIDL\r\nPIPELINING\r\nUSER\r\n.\r\n"
	"+OK\r\n+OK\r\n"
	"+OK 2 40\r\n+OK 1 20\r\n+OK 2 20\r\n";

START_TEST(session_fetch_delete)
{
	static struct sess t;
	char script[1024], buf[128];
	size_t chunk;

	for (chunk = 1; chunk <= 64; chunk += 9) {
		setup_sess(&t);
		snprintf(script, sizeof script, "%s%s", greet_pipe,
		         "+OK\r\nSubject: 1\r\n\r\n..one\r\n.\r\n"
		         "+OK\r\nSubject: 2\r\n\r\ntwo\r\n.\r\n"
		         "+OK\r\n+OK\r\n+OK\r\n+OK bye\r\n");
		ck_assert_msg(session(&t, script, chunk) == 0, "%s", t.e.msg);
		t.f.out[t.f.outlen] = 0;
		ck_assert_ptr_nonnull(strstr(t.f.out, "USER alice\r\nPASS pw\r\nSTAT\r\nLIST 1\r\nLIST 2\r\n"
		                      "RETR 1\r\nRETR 2\r\nNOOP\r\nDELE 1\r\nDELE 2\r\nQUIT\r\n"));
		snprintf(buf, sizeof buf, "%s/new", t.md);
		ck_assert_int_eq(count_dir(buf), 2);
		ck_assert_uint_eq(t.p.deleted, 2);
		dlv_close(&t.d);
		rmtdir();
	}
}
END_TEST

/* the connection drops inside message 2: no DELE at all, no QUIT, nothing
 * partial visible */
START_TEST(session_drop_mid_retr)
{
	static struct sess t;
	char script[1024], buf[128];

	setup_sess(&t);
	snprintf(script, sizeof script, "%s%s", greet_pipe,
	         "+OK\r\nSubject: 1\r\n\r\none\r\n.\r\n"
	         "+OK\r\nSubject: 2\r\n\r\ntw");
	ck_assert_int_eq(session(&t, script, 7), -1);
	ck_assert_int_eq(t.e.code, EX_TEMPFAIL);
	t.f.out[t.f.outlen] = 0;
	ck_assert_ptr_null(strstr(t.f.out, "DELE"));
	ck_assert_ptr_null(strstr(t.f.out, "QUIT"));
	snprintf(buf, sizeof buf, "%s/new", t.md);
	ck_assert_int_eq(count_dir(buf), 1);
	snprintf(buf, sizeof buf, "%s/tmp", t.md);
	ck_assert_int_eq(count_dir(buf), 0);
	dlv_close(&t.d);
	rmtdir();
}
END_TEST

/* the MDA refuses message 1: nothing is deleted, the session QUITs */
START_TEST(session_delivery_failure)
{
	static struct sess t;
	char script[1024];

	setup_sess(&t);
	dlv_init(&t.d, DLV_MDA, "cat >/dev/null; exit 75");
	snprintf(script, sizeof script, "%s%s", greet_pipe,
	         "+OK\r\nSubject: 1\r\n\r\none\r\n.\r\n"
	         "+OK\r\nSubject: 2\r\n\r\ntwo\r\n.\r\n"
	         "+OK bye\r\n");
	ck_assert_int_eq(session(&t, script, 0), -1);
	ck_assert_int_eq(t.e.code, EX_IOERR);
	t.f.out[t.f.outlen] = 0;
	ck_assert_ptr_null(strstr(t.f.out, "DELE"));
	ck_assert_ptr_nonnull(strstr(t.f.out, "QUIT"));
	rmtdir();
}
END_TEST

START_TEST(session_garbage)
{
	static struct sess t;

	setup_sess(&t);
	ck_assert_int_eq(session(&t, "+OK hi\r\n+OK\r\n.\r\n+OK\r\n+OK\r\n"
	                         "+OK two 40\r\n", 0), -1);
	ck_assert_int_eq(t.e.code, EX_PROTOCOL);
	dlv_close(&t.d);
	setup_sess(&t);
	ck_assert_int_eq(session(&t, "HTTP/1.1 400 Bad\r\n", 0), -1);
	ck_assert_int_eq(t.e.code, EX_PROTOCOL);
	dlv_close(&t.d);
	rmtdir();
	{
		static char endless[8192];
		size_t i, o;

		o = (size_t)snprintf(endless, sizeof endless, "+OK hi\r\n+OK\r\n");
		for (i = 0; i < 300; i++)
			o += (size_t)snprintf(endless + o, sizeof endless - o, "X-%zu\r\n", i);
		setup_sess(&t);
		ck_assert_int_eq(session(&t, endless, 0), -1);
		ck_assert_int_eq(t.e.code, EX_PROTOCOL);
		ck_assert_ptr_nonnull(strstr(t.e.msg, "CAPA"));
		dlv_close(&t.d);
		rmtdir();
	}
}
END_TEST

START_TEST(session_auth_fail_and_cleartext)
{
	static struct sess t;
	static const char apop[] = "+OK hi <1.2@x>\r\n-ERR\r\n+OK\r\n+OK 0 0\r\n+OK\r\n";
	char *p;

	setup_sess(&t);
	ck_assert_int_eq(session(&t, "+OK hi\r\n-ERR\r\n+OK\r\n-ERR [AUTH] bad\r\n", 0), -1);
	ck_assert_int_eq(t.e.code, EX_NOPERM);
	dlv_close(&t.d);
	/* not loopback, no TLS: no password in clear */
	setup_sess(&t);
	fake_init(&t.f, &t.xp, "+OK hi\r\n-ERR\r\n", 14, 0);
	stream_init(&t.s, &t.xp, 1000);
	t.p.cfg = &t.c;
	t.p.s = &t.s;
	t.p.loopback = 0;
	ck_assert_int_eq(pop3_run(&t.p, &t.e), -1);
	ck_assert_int_eq(t.e.code, EX_NOPERM);
	t.f.out[t.f.outlen] = 0;
	ck_assert_ptr_null(strstr(t.f.out, "PASS"));
	/* APOP is fine there, and the digest is sent, not the password */
	setup_sess(&t);
	fake_init(&t.f, &t.xp, apop, strlen(apop), 0);
	stream_init(&t.s, &t.xp, 1000);
	t.p.cfg = &t.c;
	t.p.s = &t.s;
	ck_assert_int_eq(pop3_run(&t.p, &t.e), 0);
	t.f.out[t.f.outlen] = 0;
	ck_assert_ptr_nonnull(p = strstr(t.f.out, "APOP alice "));
	ck_assert_ptr_null(strstr(t.f.out, "pw"));
	rmtdir();
}
END_TEST

/* AUTH PLAIN answered with a "+ " challenge (the initial response
 * ignored): 77 with a hint, the password never sent again */
START_TEST(session_plain_challenge)
{
	static struct sess t;

	setup_sess(&t);
	t.c.auth = AUTH_PLAIN;
	ck_assert_int_eq(session(&t, "+OK hi\r\n+OK\r\nSASL PLAIN\r\n.\r\n+ \r\n", 0), -1);
	ck_assert_int_eq(t.e.code, EX_NOPERM);
	ck_assert_msg(strstr(t.e.msg, "initial response") != NULL, "%s", t.e.msg);
	t.f.out[t.f.outlen] = 0;
	ck_assert_ptr_null(strstr(t.f.out, "QUIT"));
	dlv_close(&t.d);
	rmtdir();
}
END_TEST

/* -n: a known UIDL is skipped, the new message fetched, recorded, and
 * (without -k) deleted; the pruned state keeps what stays on the server */
static void only_new(int keep, const char *want_cmds, const char *want_state)
{
	static struct sess t;
	static const char script[] =
		"+OK hi\r\n+OK\r\nUIDL\r\nPIPELINING\r\nUSER\r\n.\r\n+OK\r\n+OK\r\n"
		"+OK 2 40\r\n+OK 1 20\r\n+OK 2 20\r\n+OK 1 old\r\n+OK 2 new\r\n"
		"+OK\r\nSubject: 2\r\n\r\ntwo\r\n.\r\n+OK\r\n+OK\r\n+OK\r\n";
	static const char script_keep[] =
		"+OK hi\r\n+OK\r\nUIDL\r\nPIPELINING\r\nUSER\r\n.\r\n+OK\r\n+OK\r\n"
		"+OK 2 40\r\n+OK 1 20\r\n+OK 2 20\r\n+OK 1 old\r\n+OK 2 new\r\n"
		"+OK\r\nSubject: 2\r\n\r\ntwo\r\n.\r\n+OK\r\n+OK\r\n";
	struct uidl u;
	char state[128], buf[256];
	size_t n;

	setup_sess(&t);
	t.c.only_new = 1;
	t.c.keep = keep;
	snprintf(state, sizeof state, "%s/state", tdir);
	write_file(state, "# pop3get uidl 1\nold\n");
	ck_assert_int_eq(uidl_open(&u, state, &t.e), 0);
	t.p.uidl = &u;
	fake_init(&t.f, &t.xp, keep ? script_keep : script, strlen(keep ? script_keep : script), 3);
	stream_init(&t.s, &t.xp, 1000);
	t.p.cfg = &t.c;
	t.p.s = &t.s;
	t.p.loopback = 1;
	t.p.dlv = &t.d;
	ck_assert_int_eq(dlv_open(&t.d, &t.e), 0);
	ck_assert_msg(pop3_run(&t.p, &t.e) == 0, "%s", t.e.msg);
	uidl_close(&u);
	dlv_close(&t.d);
	t.f.out[t.f.outlen] = 0;
	ck_assert_msg(strstr(t.f.out, want_cmds) != NULL, "sent: %s", t.f.out);
	n = slurp(state, buf, sizeof buf - 1);
	buf[n] = 0;
	ck_assert_str_eq(buf, want_state);
	snprintf(buf, sizeof buf, "%s/new", t.md);
	ck_assert_int_eq(count_dir(buf), 1);
	rmtdir();
}

START_TEST(session_only_new)
{
	only_new(0, "STAT\r\nLIST 1\r\nLIST 2\r\nUIDL 1\r\nUIDL 2\r\nRETR 2\r\nNOOP\r\nDELE 2\r\nQUIT\r\n",
	         "# pop3get uidl 1\nold\nnew\n");     /* compacted only past 2x */
	only_new(1, "STAT\r\nLIST 1\r\nLIST 2\r\nUIDL 1\r\nUIDL 2\r\nRETR 2\r\nNOOP\r\nQUIT\r\n",
	         "# pop3get uidl 1\nold\nnew\n");
}
END_TEST

START_TEST(session_silent_server)
{
	static struct sess t;

	setup_sess(&t);
	fake_init(&t.f, &t.xp, "", 0, 0);
	t.f.silent = 1;
	stream_init(&t.s, &t.xp, 100);
	t.p.cfg = &t.c;
	t.p.s = &t.s;
	ck_assert_int_eq(pop3_run(&t.p, &t.e), -1);
	ck_assert_int_eq(t.e.code, EX_TEMPFAIL);
	rmtdir();
}
END_TEST

/* one message behind a pipelined greeting (STAT 1, LIST 1 = size) */
static void one_msg(char *script, size_t max, unsigned size, const char *retr)
{
	snprintf(script, max, "+OK ready\r\n+OK\r\nUIDL\r\nPIPELINING\r\nUSER\r\n.\r\n"
	         "+OK\r\n+OK\r\n+OK 1 %u\r\n+OK 1 %u\r\n%s", size, size, retr);
}

/* the file in Maildir new/ (exactly one) into buf */
static size_t new_file(const char *md, char *buf, size_t max)
{
	char dir[256], path[512];
	DIR *d;
	struct dirent *de;
	size_t n = 0;

	snprintf(dir, sizeof dir, "%s/new", md);
	ck_assert_int_eq(count_dir(dir), 1);
	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			n = slurp(path, buf, max);
		}
	closedir(d);
	return n;
}

/* "a\n.\nrest\r\n.\r\n" is ONE message: a dot after a bare LF is data */
START_TEST(session_bare_lf_dot_is_one_message)
{
	static struct sess t;
	char script[512], buf[128];
	size_t n;

	setup_sess(&t);
	one_msg(script, sizeof script, 12, "+OK\r\na\n.\nrest\r\n.\r\n+OK\r\n+OK\r\n+OK bye\r\n");
	ck_assert_msg(session(&t, script, 3) == 0, "%s", t.e.msg);
	n = new_file(t.md, buf, sizeof buf);
	ck_assert(hex_match("stored", buf, n, "a\n.\nrest\n", 9));
	t.f.out[t.f.outlen] = 0;
	ck_assert_ptr_nonnull(strstr(t.f.out, "DELE 1\r\nQUIT"));
	dlv_close(&t.d);
	rmtdir();
}
END_TEST

/* a message that ends far below the size LIST announced is reported, not
 * stored, not recorded in the -n state and not deleted */
START_TEST(session_short_message_not_stored)
{
	static struct sess t;
	struct uidl u;
	char script[512], state[128], buf[256];
	size_t n;

	setup_sess(&t);
	t.c.only_new = 1;
	snprintf(state, sizeof state, "%s/state", tdir);
	ck_assert_int_eq(uidl_open(&u, state, &t.e), 0);
	t.p.uidl = &u;
	snprintf(script, sizeof script, "+OK ready\r\n+OK\r\nUIDL\r\nPIPELINING\r\nUSER\r\n"
	         ".\r\n+OK\r\n+OK\r\n+OK 1 5000\r\n+OK 1 5000\r\n+OK 1 u1\r\n"
	         "+OK\r\nSubject: cut\r\n\r\nshort\r\n.\r\n+OK bye\r\n");
	fake_init(&t.f, &t.xp, script, strlen(script), 0);
	stream_init(&t.s, &t.xp, 1000);
	t.p.cfg = &t.c;
	t.p.s = &t.s;
	t.p.loopback = 1;
	t.p.dlv = &t.d;
	ck_assert_int_eq(dlv_open(&t.d, &t.e), 0);
	stderr_capture();
	ck_assert_int_eq(pop3_run(&t.p, &t.e), -1);
	n = stderr_captured(buf, sizeof buf);
	ck_assert_int_eq(t.e.code, EX_PROTOCOL);
	ck_assert_msg(strstr(t.e.msg, "LIST announced 5000") != NULL, "%s", t.e.msg);
	ck_assert_msg(n == 0, "reported twice: %s", buf);
	uidl_close(&u);
	dlv_close(&t.d);
	t.f.out[t.f.outlen] = 0;
	ck_assert_ptr_null(strstr(t.f.out, "DELE"));
	snprintf(buf, sizeof buf, "%s/new", t.md);
	ck_assert_int_eq(count_dir(buf), 0);
	snprintf(buf, sizeof buf, "%s/tmp", t.md);
	ck_assert_int_eq(count_dir(buf), 0);
	ck_assert_int_ne(access(state, F_OK), 0);        /* nothing recorded */
	rmtdir();
}
END_TEST

/* a message growing past LIST's size plus the margin is refused (76) even
 * without --max-size: not stored, nothing deleted */
START_TEST(session_oversize_refused)
{
	static struct sess t;
	static char script[200000], body[150000];
	char buf[128];
	size_t i;

	for (i = 0; i + 101 < sizeof body; i += 100) {
		memset(body + i, 'y', 98);
		memcpy(body + i + 98, "\r\n", 2);
	}
	body[i] = 0;
	setup_sess(&t);
	snprintf(script, sizeof script, "+OK ready\r\n+OK\r\nUIDL\r\nPIPELINING\r\nUSER\r\n"
	         ".\r\n+OK\r\n+OK\r\n+OK 1 100\r\n+OK 1 100\r\n+OK\r\n%s.\r\n+OK bye\r\n", body);
	ck_assert_int_eq(session(&t, script, 0), -1);
	ck_assert_int_eq(t.e.code, EX_PROTOCOL);
	ck_assert_msg(strstr(t.e.msg, "larger than announced") != NULL, "%s", t.e.msg);
	t.f.out[t.f.outlen] = 0;
	ck_assert_ptr_null(strstr(t.f.out, "DELE"));
	snprintf(buf, sizeof buf, "%s/new", t.md);
	ck_assert_int_eq(count_dir(buf), 0);
	snprintf(buf, sizeof buf, "%s/tmp", t.md);
	ck_assert_int_eq(count_dir(buf), 0);
	dlv_close(&t.d);
	rmtdir();
}
END_TEST

/* the body's deadline is absolute: a server gone quiet mid-body ends it
 * at the deadline, not at the (longer) per-read timeout, and says so */
START_TEST(body_deadline_absolute)
{
	struct fake f;
	struct transport xp;
	struct stream s;
	struct wb_err e;
	struct body_io io;
	int64_t t0 = mono_ms();

	fake_init(&f, &xp, "", 0, 0);
	f.silent = 1;
	stream_init(&s, &xp, 60000);
	memset(&io, 0, sizeof io);
	io.deadline = mono_ms() + 200;
	io.budget_ms = 200;
	ck_assert_int_eq(pop3_body(&s, NULL, &io, &e), -1);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_msg(strstr(e.msg, "not complete within 200 ms") != NULL, "%s", e.msg);
	ck_assert_int_lt(mono_ms() - t0, 5000);
}
END_TEST

/* the bounds: --timeout plus 1 s per 8 KiB, and the size margin */
START_TEST(body_bounds_from_list)
{
	struct pop3cfg c;
	struct body_io io;

	memset(&c, 0, sizeof c);
	body_bounds(&c, 2000, 81920, &io);
	ck_assert_int_eq(io.budget_ms, 12000);
	ck_assert_uint_eq(io.limit, 81920 + 10240 + POP3_SIZE_SLACK);
	c.run_deadline = mono_ms() + 500;
	body_bounds(&c, 2000, 81920, &io);
	ck_assert_int_le(io.deadline, c.run_deadline);
}
END_TEST

/* --auth apop: only APOP, never USER/PASS or PLAIN instead */
START_TEST(session_auth_apop_only)
{
	static struct sess t;

	setup_sess(&t);
	t.c.auth = AUTH_APOP;
	ck_assert_int_eq(session(&t, "+OK hi\r\n+OK\r\nSASL PLAIN\r\nUSER\r\n.\r\n"
	                         "+OK\r\n+OK\r\n", 0), -1);
	ck_assert_int_eq(t.e.code, EX_UNAVAILABLE);
	t.f.out[t.f.outlen] = 0;
	ck_assert_ptr_null(strstr(t.f.out, "USER"));
	ck_assert_ptr_null(strstr(t.f.out, "AUTH"));
	dlv_close(&t.d);
	setup_sess(&t);
	t.c.auth = AUTH_APOP;
	ck_assert_int_eq(session(&t, "+OK hi <1.2@x>\r\n+OK\r\nSASL PLAIN\r\nUSER\r\n"
	                         ".\r\n-ERR [AUTH] no\r\n+OK\r\n+OK\r\n", 0), -1);
	ck_assert_int_eq(t.e.code, EX_NOPERM);
	t.f.out[t.f.outlen] = 0;
	ck_assert_ptr_nonnull(strstr(t.f.out, "APOP alice"));
	ck_assert_ptr_null(strstr(t.f.out, "USER"));
	ck_assert_ptr_null(strstr(t.f.out, "AUTH"));
	dlv_close(&t.d);
	rmtdir();
}
END_TEST

/* no clear-text fallback over an unencrypted non-loopback connection: the
 * error says why and what to do */
START_TEST(session_cleartext_skipped_says_why)
{
	static struct sess t;
	static const char refused[] = "+OK hi <1.2@x>\r\n-ERR\r\n-ERR Authentication failed\r\n";

	setup_sess(&t);
	fake_init(&t.f, &t.xp, refused, strlen(refused), 0);
	stream_init(&t.s, &t.xp, 1000);
	t.p.cfg = &t.c;
	t.p.s = &t.s;
	ck_assert_int_eq(pop3_run(&t.p, &t.e), -1);
	ck_assert_int_eq(t.e.code, EX_NOPERM);
	ck_assert_msg(strstr(t.e.msg, "Authentication failed") &&
	              strstr(t.e.msg, "--auth-plaintext"), "%s", t.e.msg);
	t.f.out[t.f.outlen] = 0;
	ck_assert_ptr_null(strstr(t.f.out, "USER"));
	setup_sess(&t);
	fake_init(&t.f, &t.xp, "+OK hi\r\n-ERR\r\n", 14, 0);
	stream_init(&t.s, &t.xp, 1000);
	t.p.cfg = &t.c;
	t.p.s = &t.s;
	ck_assert_int_eq(pop3_run(&t.p, &t.e), -1);
	ck_assert_msg(strstr(t.e.msg, "only clear-text login over an unencrypted "
	              "connection; use --tls/--starttls or --auth-plaintext"), "%s", t.e.msg);
	rmtdir();
}
END_TEST

/* garbage where the next reply should be: the "end" before it was inside
 * the message, so that copy is taken back (not visible, not recorded) */
START_TEST(session_garbage_after_end_not_published)
{
	static struct sess t;
	static const char *const tails[] = {
		/* pipelined: garbage instead of RETR 2's reply */
		"+OK\r\nSubject: 1\r\n\r\n.\r\njunk\r\n",
		/* the window's last message: garbage instead of NOOP's reply */
		"+OK\r\nSubject: 1\r\n\r\n.\r\n+OK\r\nSubject: 2\r\n\r\n.\r\njunk\r\n",
	};
	struct uidl u;
	char script[512], state[128], buf[128];
	size_t i;

	for (i = 0; i < 2; i++) {
		setup_sess(&t);
		t.c.only_new = 1;
		snprintf(state, sizeof state, "%s/state", tdir);
		ck_assert_int_eq(uidl_open(&u, state, &t.e), 0);
		snprintf(script, sizeof script, "+OK ready\r\n+OK\r\nUIDL\r\nPIPELINING\r\n"
		         "USER\r\n.\r\n+OK\r\n+OK\r\n+OK 2 30\r\n+OK 1 15\r\n+OK 2 15\r\n"
		         "+OK 1 u1\r\n+OK 2 u2\r\n%s", tails[i]);
		fake_init(&t.f, &t.xp, script, strlen(script), 0);
		stream_init(&t.s, &t.xp, 1000);
		t.p.cfg = &t.c;
		t.p.s = &t.s;
		t.p.loopback = 1;
		t.p.dlv = &t.d;
		t.p.uidl = &u;
		ck_assert_int_eq(dlv_open(&t.d, &t.e), 0);
		stderr_capture();
		ck_assert_int_eq(pop3_run(&t.p, &t.e), -1);
		stderr_captured(buf, sizeof buf);
		ck_assert_int_eq(t.e.code, EX_PROTOCOL);
		uidl_close(&u);
		dlv_close(&t.d);
		snprintf(buf, sizeof buf, "%s/new", t.md);
		ck_assert_int_eq(count_dir(buf), i);     /* message 1 confirmed in case 2 */
		snprintf(buf, sizeof buf, "%s/tmp", t.md);
		ck_assert_int_eq(count_dir(buf), 0);
		t.f.out[t.f.outlen] = 0;
		ck_assert_ptr_null(strstr(t.f.out, "DELE"));
		if (i == 0)
			ck_assert_int_ne(access(state, F_OK), 0);
		rmtdir();
	}
}
END_TEST

/* ---- a POP3 server as a transport: each command's reply appears only
 * once the command is written; a command written while an earlier reply
 * is still unread is pipelining. At each DELE the message's file must be
 * in new/ already. */
struct lsrv {
	int pipe;               /* announce PIPELINING */
	int pipelined;          /* out: a command came before a reply was read */
	int deles, dele_early;  /* out: DELEs; DELEs before their file */
	const char *newdir;
	char out[8192];
	size_t olen, opos;
	char cmd[128];
	size_t clen;
	char log[2048];
	size_t loglen;
};

static const char *const lmsg[] = { "Subject: 1\r\n\r\n..one\r\n",
	"Subject: 2\r\n\r\ntwo\r\n", "Subject: 3\r\n\r\nthree\r\n" };

static void lsrv_reply(struct lsrv *l, const char *r)
{
	size_t n = strlen(r);

	memmove(l->out, l->out + l->opos, l->olen - l->opos);
	l->olen -= l->opos;
	l->opos = 0;
	ck_assert_uint_lt(l->olen + n, sizeof l->out);
	memcpy(l->out + l->olen, r, n);
	l->olen += n;
}

static void lsrv_command(struct lsrv *l, const char *c)
{
	char r[256];
	int n = atoi(c + 5);

	if (l->opos < l->olen)
		l->pipelined = 1;
	ck_assert_uint_lt(l->loglen + strlen(c) + 2, sizeof l->log);
	l->loglen += (size_t)snprintf(l->log + l->loglen, sizeof l->log - l->loglen, "%s|", c);
	if (!strcmp(c, "CAPA"))
		lsrv_reply(l, l->pipe ? "+OK\r\nUIDL\r\nPIPELINING\r\nUSER\r\n.\r\n" :
		           "+OK\r\nUIDL\r\nUSER\r\n.\r\n");
	else if (!strcmp(c, "STAT"))
		lsrv_reply(l, "+OK 3 60\r\n");
	else if (!strncmp(c, "LIST ", 5) && n >= 1 && n <= 3) {
		snprintf(r, sizeof r, "+OK %d %zu\r\n", n, strlen(lmsg[n - 1]));
		lsrv_reply(l, r);
	} else if (!strncmp(c, "RETR ", 5) && n >= 1 && n <= 3) {
		snprintf(r, sizeof r, "+OK\r\n%s.\r\n", lmsg[n - 1]);
		lsrv_reply(l, r);
	} else if (!strncmp(c, "DELE ", 5)) {
		l->dele_early += count_dir(l->newdir) < ++l->deles;
		lsrv_reply(l, "+OK\r\n");
	} else {
		lsrv_reply(l, "+OK\r\n");
	}
}

static ssize_t lsrv_read(void *ctx, void *buf, size_t len)
{
	struct lsrv *l = ctx;
	size_t n = l->olen - l->opos;

	if (n == 0)
		return XPORT_WANT_READ;         /* waits for a reply never due */
	if (n > len)
		n = len;
	memcpy(buf, l->out + l->opos, n);
	l->opos += n;
	return (ssize_t)n;
}

static ssize_t lsrv_write(void *ctx, const void *buf, size_t len)
{
	struct lsrv *l = ctx;
	const char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\n') {
			l->cmd[l->clen - (l->clen && l->cmd[l->clen - 1] == '\r')] = 0;
			lsrv_command(l, l->cmd);
			l->clen = 0;
		} else if (l->clen + 1 < sizeof l->cmd) {
			l->cmd[l->clen++] = p[i];
		}
	}
	return (ssize_t)len;
}

static int lsrv_session(struct sess *t, struct lsrv *l, int pipe)
{
	struct transport xp = { lsrv_read, lsrv_write, NULL, NULL, NULL, -1 };
	static char newdir[160];

	memset(l, 0, sizeof *l);
	l->pipe = pipe;
	snprintf(newdir, sizeof newdir, "%s/new", t->md);
	l->newdir = newdir;
	lsrv_reply(l, "+OK ready\r\n");
	xp.ctx = l;
	stream_init(&t->s, &xp, 1000);
	memset(&t->p, 0, sizeof t->p);
	t->p.cfg = &t->c;
	t->p.s = &t->s;
	t->p.loopback = 1;
	t->p.dlv = &t->d;
	if (dlv_open(&t->d, &t->e))
		return -1;
	if (pop3_run(&t->p, &t->e)) {
		pop3_abandon(&t->p);
		return -1;
	}
	return 0;
}

/* a server without PIPELINING gets one command at a time (each reply
 * read before the next command), the same commands in the same order,
 * every message stored and in new/ before its DELE; with PIPELINING the
 * same server sees the commands pipelined (the check can tell) */
START_TEST(session_lockstep_without_pipelining)
{
	static struct sess t;
	static struct lsrv l;
	int pipe;

	for (pipe = 0; pipe <= 1; pipe++) {
		setup_sess(&t);
		ck_assert_msg(lsrv_session(&t, &l, pipe) == 0, "%s", t.e.msg);
		l.log[l.loglen] = 0;
		ck_assert_str_eq(l.log, "CAPA|USER alice|PASS pw|STAT|LIST 1|LIST 2|LIST 3|"
		                 "RETR 1|RETR 2|RETR 3|NOOP|DELE 1|DELE 2|DELE 3|QUIT|");
		ck_assert_int_eq(l.pipelined, pipe);
		ck_assert_int_eq(l.deles, 3);
		ck_assert_int_eq(l.dele_early, 0);
		ck_assert_int_eq(count_dir(l.newdir), 3);
		ck_assert_uint_eq(t.p.deleted, 3);
		dlv_close(&t.d);
		rmtdir();
	}
}
END_TEST

Suite *pop3_session_suite(void)
{
	Suite *s = suite_create("pop3_session");
	TCase *tc = tcase_create("session");

	tcase_add_test(tc, session_fetch_delete);
	tcase_add_test(tc, session_drop_mid_retr);
	tcase_add_test(tc, session_delivery_failure);
	tcase_add_test(tc, session_garbage);
	tcase_add_test(tc, session_auth_fail_and_cleartext);
	tcase_add_test(tc, session_plain_challenge);
	tcase_add_test(tc, session_only_new);
	tcase_add_test(tc, session_silent_server);
	tcase_add_test(tc, session_bare_lf_dot_is_one_message);
	tcase_add_test(tc, session_short_message_not_stored);
	tcase_add_test(tc, session_oversize_refused);
	tcase_add_test(tc, body_deadline_absolute);
	tcase_add_test(tc, body_bounds_from_list);
	tcase_add_test(tc, session_auth_apop_only);
	tcase_add_test(tc, session_cleartext_skipped_says_why);
	tcase_add_test(tc, session_garbage_after_end_not_published);
	tcase_add_test(tc, session_lockstep_without_pipelining);
	suite_add_tcase(s, tc);
	return s;
}
