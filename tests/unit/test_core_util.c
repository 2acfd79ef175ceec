/* test_core_util.c - util helpers and the error style. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "err.h"
#include "text.h"
#include "util.h"
#include "unit/fake_xport.h"

Suite *core_util_suite(void);

START_TEST(strlcopy_bounds)
{
	char b[6];

	ck_assert_int_eq(strlcopy(b, "hello", sizeof b), 0);
	ck_assert_str_eq(b, "hello");
	ck_assert_int_eq(strlcopy(b, "hello!", sizeof b), -1);
	ck_assert_str_eq(b, "hello");                   /* truncated, terminated */
	ck_assert_int_eq(strlcopy(b, "", sizeof b), 0);
	ck_assert_str_eq(b, "");
	ck_assert_int_eq(strlcopy(b, "x", 1), -1);
	ck_assert_str_eq(b, "");
	b[0] = 'q';
	ck_assert_int_eq(strlcopy(b, "x", 0), -1);
	ck_assert_int_eq(b[0], 'q');                    /* max 0: untouched */
}
END_TEST

START_TEST(base_names)
{
	static const char *const t[][2] = {
		{ "/usr/bin/sntpc", "sntpc" }, { "sntpc", "sntpc" },
		{ "./wirebox", "wirebox" }, { "a/b/c", "c" }, { "/", "" },
		{ "", "" }, { "dir/", "" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		ck_assert_str_eq(base_name(t[i][0]), t[i][1]);
}
END_TEST

START_TEST(prefix)
{
	ck_assert_int_eq(prefix_icase("AUTH PLAIN LOGIN", "auth"), 1);
	ck_assert_int_eq(prefix_icase("auth", "AUTH"), 1);
	ck_assert_int_eq(prefix_icase("StartTLS", "STARTTLS"), 1);
	ck_assert_int_eq(prefix_icase("au", "auth"), 0);    /* shorter */
	ck_assert_int_eq(prefix_icase("", ""), 1);
	ck_assert_int_eq(prefix_icase("x", ""), 1);
	ck_assert_int_eq(prefix_icase("", "x"), 0);
	ck_assert_int_eq(prefix_icase("+ok", "+OK"), 1);
	ck_assert_int_eq(prefix_icase("[ok", "{OK"), 0);    /* not letters */
	ck_assert_int_eq(prefix_icase("\xc4x", "\xe4x"), 0); /* ASCII only */
	ck_assert_int_eq(prefix_icase("@", "`"), 0);
}
END_TEST

START_TEST(random_differs)
{
	unsigned char a[32], b[32], z[32] = { 0 };

	ck_assert_int_eq(random_bytes(a, sizeof a), 0);
	ck_assert_int_eq(random_bytes(b, sizeof b), 0);
	ck_assert(memcmp(a, b, sizeof a) != 0);
	ck_assert(memcmp(a, z, sizeof a) != 0);
	ck_assert_int_eq(random_bytes(a, 0), 0);
}
END_TEST

START_TEST(zero_and_clock)
{
	char s[8] = "secret";
	int64_t t0 = mono_ms();

	secure_zero(s, sizeof s);
	ck_assert(!memcmp(s, "\0\0\0\0\0\0\0\0", 8));
	usleep(30000);
	ck_assert(mono_ms() - t0 >= 25);
	ck_assert(mono_ms() >= t0);
}
END_TEST

START_TEST(err_style)
{
	struct wb_err e = { 0, "" };
	char out[512], want[256];
	const char *saved = wb_applet;

	wb_applet = "smtpsend";
	err_set(&e, EX_PROTOCOL, "unexpected reply '%s'", "554 no");
	ck_assert_int_eq(e.code, EX_PROTOCOL);
	stderr_capture();
	ck_assert_int_eq(err_report(&e, "mail.example:587", "MAIL FROM"), EX_PROTOCOL);
	err_report(&e, NULL, NULL);
	err_report(&e, "srv", NULL);
	warnmsg("note %d", 7);
	ck_assert_int_eq(usage_error("bad %s", "flag"), EX_USAGE);
	stderr_captured(out, sizeof out);
	ck_assert_str_eq(out,
		"smtpsend: mail.example:587: MAIL FROM: unexpected reply '554 no'\n"
		"smtpsend: unexpected reply '554 no'\n"
		"smtpsend: srv: unexpected reply '554 no'\n"
		"smtpsend: note 7\n"
		"smtpsend: bad flag\nTry 'smtpsend --help'.\n");
	errno = ENOENT;
	err_sys(&e, EX_NOINPUT, "open %s", "/x");
	snprintf(want, sizeof want, "open /x: %s", strerror(ENOENT));
	ck_assert_str_eq(e.msg, want);
	ck_assert_int_eq(e.code, EX_NOINPUT);
	wb_applet = saved;
}
END_TEST

/* a server's reply quoted in a message cannot forge lines or send escapes */
START_TEST(err_cleans_controls)
{
	struct wb_err e = { 0, "" };
	char out[512];
	const char *saved = wb_applet;

	wb_applet = "pop3get";
	err_set(&e, EX_PROTOCOL, "bad reply '%s'", "-ERR x\r\npop3get: all good\x1b[2J\x7f\tend");
	ck_assert_str_eq(e.msg, "bad reply '-ERR x\\x0d\\x0apop3get: all good\\x1b[2J\\x7f\tend'");
	snprintf(e.msg, sizeof e.msg, "raw\nline");   /* filled directly */
	stderr_capture();
	err_report(&e, "h", "RETR");
	warnmsg("w %s", "a\nb");
	usage_error("u %s", "\x1b");
	stderr_captured(out, sizeof out);
	ck_assert_str_eq(out, "pop3get: h: RETR: raw\\x0aline\npop3get: w a\\x0ab\n"
	                 "pop3get: u \\x1b\nTry 'pop3get --help'.\n");
	wb_applet = saved;
}
END_TEST

/* C1 controls, raw or encoded as UTF-8, are escaped like C0; valid UTF-8
 * passes; invalid bytes are escaped; the output never splits a character */
START_TEST(text_clean_c1_and_utf8)
{
	static const struct { const char *in, *out; } t[] = {
		{ "plain text\tok", "plain text\tok" },
		{ "csi \x9b" "31m", "csi \\x9b31m" },               /* raw C1 */
		{ "csi \xc2\x9b" "31m", "csi \\xc2\\x9b31m" },   /* U+009B */
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
		{ "nbsp\xc2\xa0", "nbsp\xc2\xa0" },                /* U+00A0 is text */
		{ "over\xc0\xaf", "over\\xc0\\xaf" },            /* overlong '/' */
		{ "sur\xed\xa0\x80", "sur\\xed\\xa0\\x80" },   /* surrogate */
		{ "cut\xe2\x82", "cut\\xe2\\x82" },               /* cut short */
		{ "big\xf4\x90\x80\x80", "big\\xf4\\x90\\x80\\x80" },
		{ "esc\x1b[2J\r\n\x7f", "esc\\x1b[2J\\x0d\\x0a\\x7f" },
	};
	char out[128];
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		size_t n = text_clean(out, sizeof out, t[i].in, strlen(t[i].in));
		ck_assert_msg(!strcmp(out, t[i].out), "case %zu: got '%s'", i, out);
		ck_assert_uint_eq(n, strlen(t[i].out));
	}
	/* bounded: an escape or a character that does not fit is left out */
	ck_assert_uint_eq(text_clean(out, 6, "ab\x1b", 3), 2);
	ck_assert_str_eq(out, "ab");
	ck_assert_uint_eq(text_clean(out, 4, "ab\xc3\xa9", 4), 2);
	ck_assert_str_eq(out, "ab");
	ck_assert_uint_eq(text_clean(out, 1, "x", 1), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

/* a message longer than the buffer is cut, never overflows */
START_TEST(err_truncates)
{
	struct wb_err e;
	char longs[600];

	memset(longs, 'm', sizeof longs - 1);
	longs[sizeof longs - 1] = 0;
	err_set(&e, EX_SOFTWARE, "%s", longs);
	ck_assert_uint_eq(strlen(e.msg), sizeof e.msg - 1);
	errno = EPIPE;
	err_sys(&e, EX_IOERR, "%s", longs);
	ck_assert_uint_eq(strlen(e.msg), sizeof e.msg - 1);
}
END_TEST

Suite *core_util_suite(void)
{
	Suite *s = suite_create("core_util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, strlcopy_bounds);
	tcase_add_test(tc, base_names);
	tcase_add_test(tc, prefix);
	tcase_add_test(tc, random_differs);
	tcase_add_test(tc, zero_and_clock);
	tcase_add_test(tc, err_style);
	tcase_add_test(tc, err_truncates);
	tcase_add_test(tc, err_cleans_controls);
	tcase_add_test(tc, text_clean_c1_and_utf8);
	suite_add_tcase(s, tc);
	return s;
}
