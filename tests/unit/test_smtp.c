/* test_smtp.c - smtpsend's pure parts: reply parser, capabilities, the
 * CRLF/dot-stuffing machine split at every offset, header scan for -t,
 * AUTH encodings (RFC 4616, RFC 2195 vectors), aliases, exit codes. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include "account.h"
#include "base64.h"
#include "applets/smtpsend/smtp.h"
#include "applets/smtpsend/smtpsend.h"
#include "unit/fake_xport.h"

Suite *smtp_reply_suite(void);
Suite *smtp_data_suite(void);
Suite *smtp_headers_suite(void);
Suite *smtp_auth_suite(void);

/* ---- replies ---- */

/* feed lines separated by '\n'; returns the last reply_line result */
static int feed(struct smtp_reply *r, const char *text)
{
	char buf[2048];
	const char *t;
	char *p = buf, *nl;
	int k = REPLY_MORE;

	snprintf(buf, sizeof buf, "%s", text);
	reply_init(r);
	do {
		nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		k = reply_line(r, p, strlen(p), &t);
		p = nl ? nl + 1 : p + strlen(p);
	} while (k == REPLY_MORE && *p);
	return k;
}

static const struct {
	const char *in;
	int result, code;
	const char *esc, *text;
} rcases[] = {
	{ "250 ok", REPLY_DONE, 250, "", "ok" },
	{ "250", REPLY_DONE, 250, "", "" },
	{ "250 2.1.5 Ok", REPLY_DONE, 250, "2.1.5", "Ok" },
	{ "550 5.1.1 <x@y>: User unknown", REPLY_DONE, 550, "5.1.1", "<x@y>: User unknown" },
	{ "550 2.1.1 class mismatch stays text", REPLY_DONE, 550, "", "2.1.1 class mismatch stays text" },
	{ "450 4.2.0", REPLY_DONE, 450, "4.2.0", "" },
	{ "250 4.2.0x", REPLY_DONE, 250, "", "4.2.0x" },
	{ "250-first\n250-second\n250 last", REPLY_DONE, 250, "", "first second last" },
	{ "220-a\n220 b", REPLY_DONE, 220, "", "a b" },
	{ "250-first", REPLY_MORE, 250, "", "first" },
	{ "250-a\n251 b", REPLY_BAD, 0, NULL, NULL },
	{ "25 short", REPLY_BAD, 0, NULL, NULL },
	{ "2x0 bad", REPLY_BAD, 0, NULL, NULL },
	{ "250xok", REPLY_BAD, 0, NULL, NULL },
	{ "199 low", REPLY_BAD, 0, NULL, NULL },
	{ "600 high", REPLY_BAD, 0, NULL, NULL },
	{ "260 second digit", REPLY_BAD, 0, NULL, NULL },
	{ "250 bell\007", REPLY_BAD, 0, NULL, NULL },
	{ "hello world", REPLY_BAD, 0, NULL, NULL },
	{ "", REPLY_BAD, 0, NULL, NULL },
	{ "250 tab\tok", REPLY_DONE, 250, "", "tab\tok" },
	{ "250 utf8 caf\303\251", REPLY_DONE, 250, "", "utf8 caf\303\251" },
};

START_TEST(reply_table)
{
	struct smtp_reply r;
	int k = feed(&r, rcases[_i].in);

	ck_assert_msg(k == rcases[_i].result, "'%s': got %d want %d", rcases[_i].in,
	              k, rcases[_i].result);
	if (k == REPLY_BAD) {
		ck_assert_ptr_nonnull(r.why);
		return;
	}
	ck_assert_int_eq(r.code, rcases[_i].code);
	ck_assert_str_eq(r.esc, rcases[_i].esc);
	ck_assert_str_eq(r.text, rcases[_i].text);
}
END_TEST

START_TEST(reply_too_many_lines)
{
	struct smtp_reply r;
	const char *t;
	int i, k = REPLY_MORE;

	reply_init(&r);
	for (i = 0; i < SMTP_LINES_MAX + 5 && k == REPLY_MORE; i++)
		k = reply_line(&r, "250-x", 5, &t);
	ck_assert_int_eq(k, REPLY_BAD);
}
END_TEST

START_TEST(reply_text_bounded)
{
	struct smtp_reply r;
	char line[1000];
	const char *t;
	int i;

	memset(line, 'a', sizeof line);
	memcpy(line, "250-", 4);
	reply_init(&r);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(reply_line(&r, line, sizeof line, &t), REPLY_MORE);
	ck_assert_uint_eq(strlen(r.text), SMTP_TEXT_MAX - 1);
}
END_TEST

START_TEST(caps_parse)
{
	struct smtp_caps c;

	memset(&c, 0, sizeof c);
	caps_line(&c, "SIZE 10240000");
	caps_line(&c, "PIPELINING");
	caps_line(&c, "8BITMIME");
	caps_line(&c, "AUTH PLAIN LOGIN CRAM-MD5 GSSAPI");
	caps_line(&c, "AUTH=XOAUTH2");
	caps_line(&c, "STARTTLS");
	caps_line(&c, "smtputf8");
	caps_line(&c, "PIPELININGX");
	ck_assert_uint_eq(c.size_max, 10240000);
	ck_assert_uint_eq(c.flags, CAP_SIZE | CAP_PIPELINING | CAP_8BITMIME |
	                  CAP_AUTH | CAP_STARTTLS | CAP_SMTPUTF8);
	ck_assert_uint_eq(c.mechs, MECH_PLAIN | MECH_LOGIN | MECH_CRAM_MD5 | MECH_XOAUTH2);
	memset(&c, 0, sizeof c);
	caps_line(&c, "SIZE");
	ck_assert_uint_eq(c.flags, CAP_SIZE);
	ck_assert_uint_eq(c.size_max, 0);
}
END_TEST

START_TEST(exit_codes)
{
	ck_assert_int_eq(reply_exitcode(421), EX_TEMPFAIL);
	ck_assert_int_eq(reply_exitcode(450), EX_TEMPFAIL);
	ck_assert_int_eq(reply_exitcode(554), EX_UNAVAILABLE);
	ck_assert_int_eq(reply_exitcode(250), EX_PROTOCOL);
	ck_assert_int_eq(rcpt_policy(2, 0, 0), 0);
	ck_assert_int_eq(rcpt_policy(1, 0, 1), 0);
	ck_assert_int_eq(rcpt_policy(1, 1, 0), EX_TEMPFAIL);
	ck_assert_int_eq(rcpt_policy(0, 1, 1), EX_TEMPFAIL);
	ck_assert_int_eq(rcpt_policy(0, 0, 2), EX_NOUSER);
	ck_assert_int_eq(io_exitcode(IO_TOOLONG), EX_PROTOCOL);
	ck_assert_int_eq(io_exitcode(IO_EOF), EX_TEMPFAIL);
	ck_assert_int_eq(io_exitcode(IO_TIMEOUT), EX_TEMPFAIL);
}
END_TEST

Suite *smtp_reply_suite(void)
{
	Suite *s = suite_create("smtp_reply");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, reply_table, 0, sizeof rcases / sizeof rcases[0]);
	tcase_add_test(tc, reply_too_many_lines);
	tcase_add_test(tc, reply_text_bounded);
	tcase_add_test(tc, caps_parse);
	tcase_add_test(tc, exit_codes);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- data ---- */

static const struct { const char *in, *out; } dcases[] = {
	{ "", ".\r\n" },
	{ "a", "a\r\n.\r\n" },
	{ "a\n", "a\r\n.\r\n" },
	{ "a\r\n", "a\r\n.\r\n" },
	{ "a\rb", "a\r\nb\r\n.\r\n" },
	{ "a\r", "a\r\n.\r\n" },
	{ "a\r\r\n", "a\r\n\r\n.\r\n" },
	{ ".", "..\r\n.\r\n" },
	{ ".\n", "..\r\n.\r\n" },
	{ "x\n.\n", "x\r\n..\r\n.\r\n" },
	{ "x\r\n.\r\n", "x\r\n..\r\n.\r\n" },
	{ "x\r.y\n", "x\r\n..y\r\n.\r\n" },
	{ "..\n", "...\r\n.\r\n" },
	{ "a.b\n.c", "a.b\r\n..c\r\n.\r\n" },
	{ "\n\n", "\r\n\r\n.\r\n" },
	{ "\r\r", "\r\n\r\n.\r\n" },
	{ "\n.", "\r\n..\r\n.\r\n" },
	{ "8bit \351\n", "8bit \351\r\n.\r\n" },
};

/* feed in pieces: the first cut bytes, then the rest in chunks of step */
static size_t run_dot(const char *in, size_t n, size_t cut, size_t step,
                      unsigned char *out, struct dot *d)
{
	size_t o = 0, i = 0;

	dot_init(d);
	if (cut > n)
		cut = n;
	o += dot_feed(d, (const unsigned char *)in, cut, out);
	for (i = cut; i < n; i += step) {
		size_t k = n - i < step ? n - i : step;
		o += dot_feed(d, (const unsigned char *)in + i, k, out + o);
	}
	return o;
}

START_TEST(dot_table)
{
	const char *in = dcases[_i].in, *want = dcases[_i].out;
	size_t n = strlen(in), cut, step;
	unsigned char out[256];
	struct dot d;

	for (step = 1; step <= n + 1; step++)
		for (cut = 0; cut <= n; cut++) {
			size_t o = run_dot(in, n, cut, step, out, &d);
			uint64_t size = dot_size(&d);
			o += dot_end(&d, out + o);
			ck_assert_msg(hex_match(in, out, o, want, strlen(want)),
			              "'%s' cut %zu step %zu", in, cut, step);
			/* SIZE: the output without stuffing and without ".\r\n" */
			ck_assert_uint_eq(size, strlen(want) - 3 - d.stuffed);
		}
}
END_TEST

START_TEST(dot_flags)
{
	struct dot d;
	unsigned char out[64];

	dot_init(&d);
	dot_feed(&d, (const unsigned char *)"plain\n", 6, out);
	ck_assert_int_eq(d.eightbit, 0);
	dot_feed(&d, (const unsigned char *)"caf\303\251\n", 6, out);
	ck_assert_int_eq(d.eightbit, 1);
}
END_TEST

/* dot_scan (SIZE and 8-bit of a file before sending) in pieces: the first
 * cut bytes, then chunks of step; must agree with dot_feed exactly */
static void scan_pieces(const char *in, size_t n, size_t cut, size_t step,
                        struct dot *d)
{
	size_t i;

	dot_init(d);
	if (cut > n)
		cut = n;
	dot_scan(d, (const unsigned char *)in, cut);
	for (i = cut; i < n; i += step)
		dot_scan(d, (const unsigned char *)in + i, n - i < step ? n - i : step);
}

START_TEST(dot_scan_table)
{
	const char *in = dcases[_i].in, *want = dcases[_i].out;
	size_t n = strlen(in), cut, step;
	unsigned char out[256];
	struct dot f, s;

	for (step = 1; step <= n + 1; step++)
		for (cut = 0; cut <= n; cut++) {
			run_dot(in, n, cut, step, out, &f);
			scan_pieces(in, n, cut, step, &s);
			ck_assert_msg(dot_size(&s) == dot_size(&f) && s.st == f.st &&
			              s.eightbit == f.eightbit,
			              "'%s' cut %zu step %zu: scan %llu st %d, feed %llu st %d",
			              in, cut, step, (unsigned long long)dot_size(&s), s.st,
			              (unsigned long long)dot_size(&f), f.st);
			ck_assert_uint_eq(dot_size(&s), strlen(want) - 3 - f.stuffed);
		}
}
END_TEST

/* a long random message through the machine in odd chunks equals a
 * straightforward reference transform */
START_TEST(dot_random)
{
	static char in[20000];
	static unsigned char out[3 * 20000 + 16], ref[3 * 20000 + 16];
	static const char alphabet[] = "ab.\r\n.\n\351";
	size_t n = sizeof in, i, r = 0, o, step;
	int bol = 1;
	struct dot d;

	srand(4);
	for (i = 0; i < n; i++)
		in[i] = alphabet[rand() % 8];
	for (i = 0; i < n; i++) {
		if (in[i] == '\r' || in[i] == '\n') {
			ref[r++] = '\r';
			ref[r++] = '\n';
			if (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n')
				i++;
			bol = 1;
			continue;
		}
		if (bol && in[i] == '.')
			ref[r++] = '.';
		ref[r++] = (unsigned char)in[i];
		bol = 0;
	}
	if (!bol) {
		ref[r++] = '\r';
		ref[r++] = '\n';
	}
	memcpy(ref + r, ".\r\n", 3);
	r += 3;
	for (step = 1; step < 40; step += 3) {
		struct dot sd;
		o = run_dot(in, n, 0, step, out, &d);
		scan_pieces(in, n, step / 2, step, &sd);
		ck_assert_uint_eq(dot_size(&sd), dot_size(&d));
		ck_assert_int_eq(sd.eightbit, 1);
		o += dot_end(&d, out + o);
		ck_assert(hex_match("random", out, o, ref, r));
	}
}
END_TEST

Suite *smtp_data_suite(void)
{
	Suite *s = suite_create("smtp_data");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, dot_table, 0, sizeof dcases / sizeof dcases[0]);
	tcase_add_test(tc, dot_flags);
	tcase_add_loop_test(tc, dot_scan_table, 0, sizeof dcases / sizeof dcases[0]);
	tcase_add_test(tc, dot_random);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- headers ---- */

struct collect {
	char all[1024];
};

static int collect(void *ctx, const char *a, struct wb_err *e)
{
	struct collect *c = ctx;
	size_t n = strlen(c->all);

	(void)e;
	snprintf(c->all + n, sizeof c->all - n, "%s%s", n ? "|" : "", a);
	return 0;
}

static const struct { const char *in, *want; int ok; } acases[] = {
	{ "a@b.test", "a@b.test", 1 },
	{ "a@b.test, c@d.test", "a@b.test|c@d.test", 1 },
	{ "Alice <a@b.test>", "a@b.test", 1 },
	{ "\"Smith, John\" <j@b.test>, x@y.test", "j@b.test|x@y.test", 1 },
	{ "a@b.test (Alice, the first)", "a@b.test", 1 },
	{ "(c (nested)) a@b.test", "a@b.test", 1 },
	{ "friends: a@b.test, C <c@d.test>;, e@f.test", "a@b.test|c@d.test|e@f.test", 1 },
	{ "undisclosed-recipients:;", "", 1 },
	{ "\"john doe\"@b.test", "\"john doe\"@b.test", 1 },
	{ "\"a\\\"b\"@c.test", "\"a\\\"b\"@c.test", 1 },
	{ "Al\r\n ice\r\n <a@b.test>", "a@b.test", 1 },
	{ "<@route.test,@r2.test:a@b.test>", "a@b.test", 1 },
	{ "a @ b.test", "a@b.test", 1 },
	{ "root", "root", 1 },
	{ "", "", 1 },
	{ "John Doe", "", 0 },
	{ "<a@b.test", "", 0 },
	{ "\"open@b.test", "", 0 },
	{ "(open a@b.test", "", 0 },
};

START_TEST(addr_table)
{
	struct collect c = { "" };
	struct wb_err e = { 0, "" };
	int r = addr_list(acases[_i].in, strlen(acases[_i].in), collect, &c, &e);

	ck_assert_msg((r == 0) == acases[_i].ok, "'%s': %d %s", acases[_i].in, r, e.msg);
	if (acases[_i].ok)
		ck_assert_str_eq(c.all, acases[_i].want);
	else
		ck_assert_int_eq(e.code, EX_DATAERR);
}
END_TEST

START_TEST(hdr_t_and_bcc)
{
	char msg[] = "From: \"S\" <s@x.test>\r\nTo: a@x.test,\r\n\tb@x.test\r\n"
	             "Subject: hi\r\nBCC: secret@x.test\r\nCc: c@x.test\r\n"
	             "bcc: other@x.test,\r\n more@x.test\r\n\r\nTo: body@x.test\r\n";
	const char *want = "From: \"S\" <s@x.test>\r\nTo: a@x.test,\r\n\tb@x.test\r\n"
	                   "Subject: hi\r\nCc: c@x.test\r\n\r\nTo: body@x.test\r\n";
	struct hdr_info h;
	struct collect c = { "" };
	struct wb_err e = { 0, "" };
	size_t n;

	ck_assert_int_eq(hdr_scan(msg, strlen(msg), 1, &h, 0, collect, &c, &e), 0);
	ck_assert_str_eq(c.all, "a@x.test|b@x.test|secret@x.test|c@x.test|other@x.test|more@x.test");
	ck_assert(h.complete);
	ck_assert_uint_eq(h.seen, HDR_FROM);
	ck_assert_str_eq(h.from, "s@x.test");
	ck_assert_int_eq(h.ncut, 2);
	n = hdr_apply(msg, strlen(msg), &h);
	ck_assert(hex_match("bcc removed", msg, n, want, strlen(want)));
}
END_TEST

START_TEST(hdr_rewrite_from)
{
	char msg[] = "Date: x\nFrom: a@b.test\nMessage-ID: <1@b>\n\nbody\n";
	struct hdr_info h;
	struct wb_err e = { 0, "" };
	size_t n;

	ck_assert_int_eq(hdr_scan(msg, strlen(msg), 1, &h, 1, NULL, NULL, &e), 0);
	ck_assert_uint_eq(h.seen, HDR_FROM | HDR_DATE | HDR_MSGID);
	n = hdr_apply(msg, strlen(msg), &h);
	ck_assert(hex_match("from cut", msg, n, "Date: x\nMessage-ID: <1@b>\n\nbody\n", 32));
}
END_TEST

START_TEST(hdr_incomplete)
{
	const char *msg = "To: a@b.test\nSubject: long";
	struct hdr_info h;
	struct wb_err e = { 0, "" };

	ck_assert_int_eq(hdr_scan(msg, strlen(msg), 0, &h, 0, NULL, NULL, &e), 0);
	ck_assert(!h.complete);
	ck_assert_int_eq(hdr_scan(msg, strlen(msg), 1, &h, 0, NULL, NULL, &e), 0);
	ck_assert(h.complete);
	/* no header section at all: the body starts at 0 */
	ck_assert_int_eq(hdr_scan("hello world\n", 12, 1, &h, 0, NULL, NULL, &e), 0);
	ck_assert(h.complete);
	ck_assert_uint_eq(h.end, 0);
	/* a folded field cut at the buffer end is not complete */
	ck_assert_int_eq(hdr_scan("To: a@b.test,\n", 14, 0, &h, 0, NULL, NULL, &e), 0);
	ck_assert(!h.complete);
}
END_TEST

START_TEST(addr_checks)
{
	int u;

	ck_assert(addr_ok("a@b.test", &u));
	ck_assert_int_eq(u, 0);
	ck_assert(addr_ok("\"a b\"@c.test", &u));
	ck_assert(addr_ok("j\303\274rgen@b.test", &u));
	ck_assert_int_eq(u, 1);
	ck_assert(!addr_ok("a@b.test\r\nRSET", &u));
	ck_assert(!addr_ok("a b@c.test", &u));
	ck_assert(!addr_ok("a>@b", &u));
	ck_assert(!addr_ok("", &u));
	ck_assert(!addr_ok("\"open@b", &u));
}
END_TEST

/* RFC 5321 Mailbox: quoted local parts with quoted-pairs pass, and
 * what is not one address (a@b@c, @c, no domain) is refused */
static const struct { const char *a; int ok; } mbox[] = {
	{ "\"a\\\"b\"@x.y", 1 }, { "\"a@b\"@x.y", 1 }, { "\"\"@x.y", 1 },
	{ "\"a\\\\\"@x.y", 1 }, { "first.last+tag@sub.x.y", 1 },
	{ "a@[192.0.2.1]", 1 }, { "a@[IPv6:2001:db8::1]", 1 },
	{ "j\303\274rgen@b\303\274.test", 1 }, { "o'brien@x.y", 1 },
	{ "a@b@c", 0 }, { "@c", 0 }, { "a@", 0 }, { "root", 0 }, { "a@b..c", 0 },
	{ ".a@b", 0 }, { "a.@b", 0 }, { "a..b@c", 0 }, { "\"a\"b\"@x.y", 0 },
	{ "\"a\"@", 0 }, { "\"a\rb\"@x.y", 0 }, { "\"a\nb\"@x.y", 0 },
	{ "\"a\\\n\"@x.y", 0 }, { "\"ab@x.y", 0 }, { "a\"b\"@x.y", 0 },
	{ "a b@x.y", 0 }, { "a@b c", 0 }, { "a@[1.2.3.4", 0 }, { "a@[1]x", 0 },
	{ "a@b.test\r\nRSET", 0 }, { "a,b@x.y", 0 }, { "<a@x.y>", 0 },
	{ "a@b\x01", 0 }, { "\"a\x7f\"@b", 0 },
};

START_TEST(addr_mailbox)
{
	int u;

	ck_assert_msg(addr_ok(mbox[_i].a, &u) == mbox[_i].ok, "'%s' want %d",
	              mbox[_i].a, mbox[_i].ok);
}
END_TEST

START_TEST(addr_at_skips_quotes)
{
	const char *a = "\"x@y\"@z.test";

	ck_assert_ptr_eq(addr_at(a), a + 5);
	ck_assert_ptr_null(addr_at("\"x@y\""));
	ck_assert_ptr_null(addr_at("root"));
}
END_TEST

/* -t and a bare CR inside a field: "To: a@x\rBcc: s@y" would be one
 * field to the scan and two lines to the server (a Bcc going out) */
START_TEST(hdr_bare_cr_refused)
{
	static const char *const bad[] = {
		"To: a@x.test\rBcc: s@y.test\n\nbody\n",
		"Subject: x\rBcc: s@y.test\r\n\r\nbody\r\n",
		"To: a@x.test,\r\n b@x.test\r\r\n\r\nbody\r\n",
		"Bcc: s@y.test\rTo: a@x.test\n\n",
	};
	struct hdr_info h;
	struct collect c = { "" };
	struct wb_err e = { 0, "" };

	ck_assert_int_eq(hdr_scan(bad[_i], strlen(bad[_i]), 1, &h, 0, collect, &c, &e), -1);
	ck_assert_int_eq(e.code, EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(e.msg, "bare CR"));
	/* a bare CR in the body is data: normalised, never refused */
	ck_assert_int_eq(hdr_scan("To: a@x.test\n\nbo\rdy\n", 20, 1, &h, 0, NULL, NULL, &e), 0);
}
END_TEST

/* LF and CRLF mixed: the envelope gets every To/Cc/Bcc address and the
 * sent copy (Bcc cut, line ends made CRLF) has exactly the other fields */
START_TEST(hdr_lf_crlf_mix_agrees)
{
	char msg[] = "To: a@x.test\r\nCc: b@x.test,\n c@x.test\nBcc: d@x.test,\r\n"
	             " e@x.test\nSubject: s\r\n\nbody\rline\n";
	const char *want = "To: a@x.test\r\nCc: b@x.test,\r\n c@x.test\r\n"
	                   "Subject: s\r\n\r\nbody\r\nline\r\n.\r\n";
	unsigned char out[DOT_OUT(sizeof msg)];
	struct hdr_info h;
	struct collect c = { "" };
	struct wb_err e = { 0, "" };
	struct dot d;
	size_t n, o;

	ck_assert_int_eq(hdr_scan(msg, strlen(msg), 1, &h, 0, collect, &c, &e), 0);
	ck_assert_str_eq(c.all, "a@x.test|b@x.test|c@x.test|d@x.test|e@x.test");
	n = hdr_apply(msg, strlen(msg), &h);
	dot_init(&d);
	o = dot_feed(&d, (unsigned char *)msg, n, out);
	o += dot_end(&d, out + o);
	ck_assert(hex_match("sent copy", out, o, want, strlen(want)));
}
END_TEST

/* the added Date: header, in UTC without the C library's time-zone code */
START_TEST(date_header)
{
	static const struct { int64_t t; const char *want; } cases[] = {
		{ 0, "Thu, 01 Jan 1970 00:00:00 +0000" },
		{ 68256000, "Wed, 01 Mar 1972 00:00:00 +0000" },
		{ 951782400, "Tue, 29 Feb 2000 00:00:00 +0000" },
		{ 1795743068, "Fri, 27 Nov 2026 01:31:08 +0000" },
		{ 4107542399, "Sun, 28 Feb 2100 23:59:59 +0000" },
		{ -1, "Wed, 31 Dec 1969 23:59:59 +0000" },
	};
	char buf[DATE_MAX];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		date_utc(cases[i].t, buf);
		ck_assert_str_eq(buf, cases[i].want);
	}
}
END_TEST

/* -F NAME: quoted, or RFC 2047 encoded-words for non-ASCII */
START_TEST(display_names)
{
	char out[NAME_OUT_MAX], name[400], want[NAME_OUT_MAX];
	unsigned char raw[NAME_RAW_MAX];
	size_t i, n = 0, len;
	const char *p, *q;

	display_name("Cron \"Daemon\"\r\n\\", out);
	ck_assert_str_eq(out, "\"Cron \\\"Daemon\\\"\\\\\"");
	display_name("Andr\303\251", out);
	ck_assert_str_eq(out, "=?UTF-8?B?QW5kcsOp?=");
	/* "a" and 100 x "\303\251" (e acute): words cut between characters,
	 * each under 75 characters, folded; decoded, the name again, up to
	 * the last whole character within NAME_RAW_MAX octets */
	name[0] = 'a';
	for (i = 0; i < 100; i++)
		memcpy(name + 1 + 2 * i, "\303\251", 2);
	name[201] = 0;
	display_name(name, out);
	for (p = out; (q = strstr(p, "=?UTF-8?B?")) != NULL; p = q + 2) {
		const char *end = strstr(q, "?=");
		ck_assert_ptr_nonnull(end);
		ck_assert_int_le(end + 2 - q, 75);
		len = base64_decode(q + 10, (size_t)(end - q - 10), raw + n, sizeof raw - n);
		ck_assert(len != (size_t)-1 && len > 0);
		ck_assert(n == 0 || raw[n] == 0303);    /* a whole character starts it */
		n += len;
		q = end;
	}
	ck_assert_uint_eq(n, NAME_RAW_MAX - 1);
	ck_assert(memcmp(raw, name, n) == 0);
	/* invalid UTF-8, continuation bytes only: words stay whole-sized and
	 * the output in bounds (found by fuzzing) */
	memset(name, 0x8f, 150);
	name[150] = 0;
	display_name(name, out);
	ck_assert_uint_lt(strlen(out), NAME_OUT_MAX);
	ck_assert_uint_ge(strlen(out), 3 * 72);
	ck_assert_ptr_nonnull(strstr(out, "?=\r\n =?UTF-8?B?"));
	snprintf(want, sizeof want, "%s", out);
	ck_assert_ptr_null(strchr(want + strlen(want) - 2, '\n'));
}
END_TEST

Suite *smtp_headers_suite(void)
{
	Suite *s = suite_create("smtp_headers");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, addr_table, 0, sizeof acases / sizeof acases[0]);
	tcase_add_test(tc, hdr_t_and_bcc);
	tcase_add_test(tc, hdr_rewrite_from);
	tcase_add_test(tc, hdr_incomplete);
	tcase_add_test(tc, addr_checks);
	tcase_add_loop_test(tc, addr_mailbox, 0, sizeof mbox / sizeof mbox[0]);
	tcase_add_test(tc, addr_at_skips_quotes);
	tcase_add_loop_test(tc, hdr_bare_cr_refused, 0, 4);
	tcase_add_test(tc, hdr_lf_crlf_mix_agrees);
	tcase_add_test(tc, date_header);
	tcase_add_test(tc, display_names);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- auth, aliases, config ---- */

START_TEST(auth_vectors)
{
	char out[256];

	/* RFC 4616 section 4 */
	ck_assert_int_eq(auth_plain("tim", "tanstaaftanstaaf", out, sizeof out), 0);
	ck_assert_str_eq(out, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
	/* RFC 2195 section 2 */
	ck_assert_int_eq(auth_cram("tim", "tanstaaftanstaaf",
	        "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+", out, sizeof out), 0);
	ck_assert_str_eq(out, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
	ck_assert_int_eq(auth_cram("tim", "x", "not base64!", out, sizeof out), -1);
	ck_assert_int_eq(auth_b64("alice", out, sizeof out), 0);
	ck_assert_str_eq(out, "YWxpY2U=");
	ck_assert_int_eq(auth_xoauth2("u@x", "tok", out, sizeof out), 0);
	ck_assert_str_eq(out, "dXNlcj11QHgBYXV0aD1CZWFyZXIgdG9rAQE=");   /* user=u@x^Aauth=Bearer tok^A^A */
	ck_assert_int_eq(auth_oauthbearer("u@x", "h", "587", "tok", out, sizeof out), 0);
	ck_assert_str_eq(out, "bixhPXVAeCwBaG9zdD1oAXBvcnQ9NTg3AWF1dGg9QmVhcmVyIHRvawEB");
	ck_assert_int_eq(auth_oauthbearer("a,b", "h", "1", "t", out, sizeof out), -1);
	ck_assert_int_eq(auth_plain("u", "p", out, 4), -1);
}
END_TEST

START_TEST(auth_long_secret)
{
	static char tok[SECRET_MAX], out[AUTH_BUF];

	memset(tok, 'T', sizeof tok - 1);
	ck_assert_int_eq(auth_xoauth2("user@example.test", tok, out, sizeof out), 0);
	ck_assert_uint_eq(strlen(out), BASE64_LEN(5 + 17 + 13 + sizeof tok - 1 + 2));
	ck_assert_int_eq(auth_plain("user", tok, out, sizeof out), 0);
}
END_TEST

START_TEST(mech_choice)
{
	unsigned all = MECH_PLAIN | MECH_LOGIN | MECH_CRAM_MD5 | MECH_XOAUTH2;

	ck_assert_uint_eq(mech_pick(all, 0, 0, 0), MECH_CRAM_MD5);
	ck_assert_uint_eq(mech_pick(all, 0, 0, MECH_CRAM_MD5), MECH_PLAIN);
	ck_assert_uint_eq(mech_pick(all, 0, 0, MECH_CRAM_MD5 | MECH_PLAIN), MECH_LOGIN);
	ck_assert_uint_eq(mech_pick(all, 0, 0, MECH_CRAM_MD5 | MECH_PLAIN | MECH_LOGIN), 0);
	ck_assert_uint_eq(mech_pick(all, MECH_LOGIN, 0, 0), MECH_LOGIN);
	ck_assert_uint_eq(mech_pick(all, MECH_LOGIN, 0, MECH_LOGIN), MECH_CRAM_MD5);
	ck_assert_uint_eq(mech_pick(MECH_PLAIN, MECH_LOGIN, 0, 0), MECH_PLAIN);
	ck_assert_uint_eq(mech_pick(all, 0, 1, 0), MECH_XOAUTH2);
	ck_assert_uint_eq(mech_pick(MECH_PLAIN, 0, 1, 0), 0);
	ck_assert_uint_eq(mech_bit("cram-md5", 8), MECH_CRAM_MD5);
	ck_assert_uint_eq(mech_bit("GSSAPI", 6), 0);
}
END_TEST

START_TEST(alias_files)
{
	const char *text = "# comment\nroot: alice@x.test, bob\n  postmaster : pm@x.test\n"
	                   "rootx: no@x.test\ndefault: catch@x.test\n";
	struct collect c = { "" };
	struct wb_err e = { 0, "" };

	ck_assert_int_eq(alias_lookup(text, "root", collect, &c, &e), 2);
	ck_assert_str_eq(c.all, "alice@x.test|bob");
	c.all[0] = 0;
	ck_assert_int_eq(alias_lookup(text, "POSTMASTER", collect, &c, &e), 1);
	ck_assert_str_eq(c.all, "pm@x.test");
	c.all[0] = 0;
	ck_assert_int_eq(alias_lookup(text, "nobody", collect, &c, &e), 1);
	ck_assert_str_eq(c.all, "catch@x.test");
	ck_assert_int_eq(alias_lookup("root: a@b\n", "admin", collect, &c, &e), 0);
}
END_TEST

START_TEST(config_keys)
{
	static struct sendcfg c;
	char path[] = "/tmp/smtpconfXXXXXX";
	struct wb_err e = { 0, "" };
	int fd = mkstemp(path);
	const char *text = "# submission\nhost mail.example.test:587\nfrom me@example.test\n"
	                   "user me\ntimeout 2.5\nauth login\nrewrite-from on\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(conf_read(path, 1, sendcfg_key, &c, &e), 0);
	ck_assert_str_eq(c.host, "mail.example.test:587");
	ck_assert_str_eq(c.from, "me@example.test");
	ck_assert_str_eq(c.auth.user, "me");
	ck_assert_int_eq(c.timeout_ms, 2500);
	ck_assert_uint_eq(c.auth.force, MECH_LOGIN);
	ck_assert_int_eq(c.rewrite_from, 1);
	ck_assert_int_eq(sendcfg_key(&c, "bogus", "1", &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_int_eq(sendcfg_key(&c, "timeout", "soon", &e), -1);
	ck_assert_int_eq(sendcfg_key(&c, "auth", "kerberos", &e), -1);
	unlink(path);
}
END_TEST

/* a port is 1-65535 in digits (not 68 "cannot resolve" later); the
 * messages start with the key, so "--KEY: reason" reads right */
START_TEST(config_port_and_auth_messages)
{
	static struct sendcfg c;
	static const char *const bad[] = { "abc", "0", "65536", "", "25x", "-1", "0000025000" };
	struct wb_err e = { 0, "" };
	size_t i;

	memset(&c, 0, sizeof c);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(sendcfg_key(&c, "port", bad[i], &e), -1);
		ck_assert_int_eq(e.code, EX_USAGE);
	}
	ck_assert_str_eq(e.msg, "port: want a number 1-65535, not '0000025000'");
	ck_assert_int_eq(sendcfg_key(&c, "port", "587", &e), 0);
	ck_assert_str_eq(c.port, "587");
	ck_assert_int_eq(sendcfg_key(&c, "port", "65535", &e), 0);
	ck_assert_int_eq(sendcfg_key(&c, "domain", "x.test\r\nBcc: a@b", &e), -1);
	ck_assert_int_eq(sendcfg_key(&c, "domain", "wirebox.test", &e), 0);
	ck_assert_int_eq(sendcfg_key(&c, "auth", "foo", &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_str_eq(e.msg, "auth: unknown mechanism 'foo' (want cram-md5, plain, "
	                 "login, oauth2, xoauth2, oauthbearer)");
}
END_TEST

START_TEST(netrc_smtp)
{
	char login[64], pass[64];

	ck_assert_int_eq(netrc_parse("machine smtp.x.test login me password s3cret\n"
	                             "default login any password dflt\n", "smtp.x.test",
	                             "me", login, sizeof login, pass, sizeof pass), 1);
	ck_assert_str_eq(pass, "s3cret");
}
END_TEST

Suite *smtp_auth_suite(void)
{
	Suite *s = suite_create("smtp_auth");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, auth_vectors);
	tcase_add_test(tc, auth_long_secret);
	tcase_add_test(tc, mech_choice);
	tcase_add_test(tc, alias_files);
	tcase_add_test(tc, config_keys);
	tcase_add_test(tc, config_port_and_auth_messages);
	tcase_add_test(tc, netrc_smtp);
	suite_add_tcase(s, tc);
	return s;
}
