/* test_core_util.c - util helpers and the error style. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "err.h"
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
	ck_assert_str_eq(e.msg, "bad reply '-ERR x??pop3get: all good?[2J?\tend'");
	snprintf(e.msg, sizeof e.msg, "raw\nline");   /* filled directly */
	stderr_capture();
	err_report(&e, "h", "RETR");
	warnmsg("w %s", "a\nb");
	usage_error("u %s", "\x1b");
	stderr_captured(out, sizeof out);
	ck_assert_str_eq(out, "pop3get: h: RETR: raw?line\npop3get: w a?b\n"
	                 "pop3get: u ?\nTry 'pop3get --help'.\n");
	wb_applet = saved;
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
	suite_add_tcase(s, tc);
	return s;
}
