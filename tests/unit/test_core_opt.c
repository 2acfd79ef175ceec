/* test_core_opt.c - option parsing: clusters, attached/separate arguments,
 * long options, BusyBox "-au" words, "-o*" prefixes, "--", errors,
 * interleaved operands; parse_long / parse_ms edges. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "opt.h"

Suite *core_opt_suite(void);

enum { O_TIMEOUT = 1000, O_HELP, O_AU, O_AP, O_O, O_OX };
static const struct opt tab[] = {
	{ "q", 'q', 0 }, { "v", 'v', 0 }, { "4", '4', 0 },
	{ "f", 'f', 1 }, { "t", 't', 1 },
	{ "timeout", O_TIMEOUT, 1 }, { "help", O_HELP, 0 },
	{ "-au", O_AU, 1 }, { "-ap", O_AP, 1 },
	{ "-o*", O_O, 0 }, { "-ox*", O_OX, 0 },
	{ NULL, 0, 0 },
};

static const char *name(int id)
{
	static const char *const n[] = { "timeout", "help", "au", "ap", "o", "ox" };
	static char c[2];

	if (id >= O_TIMEOUT)
		return n[id - O_TIMEOUT];
	c[0] = (char)id;
	return c;
}

/* run opt_next over argv and render what it returns */
static void render(const char *const *args, char *out, size_t max)
{
	char *argv[16];
	struct optstate st;
	size_t n = 0;
	int argc, id;

	for (argc = 0; args[argc]; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	out[0] = 0;
	opt_init(&st, argc, argv);
	do {
		id = opt_next(&st, tab);
		if (id == OPT_END)
			n += (size_t)snprintf(out + n, max - n, "END");
		else if (id == OPT_ERR)
			n += (size_t)snprintf(out + n, max - n, "ERR(%s)", st.err);
		else if (id == OPT_ARG)
			n += (size_t)snprintf(out + n, max - n, "[%s] ", st.arg);
		else if (st.arg)
			n += (size_t)snprintf(out + n, max - n, "%s(%s) ", name(id), st.arg);
		else
			n += (size_t)snprintf(out + n, max - n, "%s ", name(id));
		ck_assert(n < max);
	} while (id != OPT_END && id != OPT_ERR);
}

#define A(...) { "prog", __VA_ARGS__, NULL }
static const struct { const char *argv[8]; const char *want; } cases[] = {
	{ A("-qv"), "q v END" },
	{ A("-q", "-v"), "q v END" },
	{ A("-fADDR"), "f(ADDR) END" },
	{ A("-f", "ADDR"), "f(ADDR) END" },
	{ A("-f", "-q"), "f(-q) END" },                 /* the next word, whatever it is */
	{ A("-qfADDR", "rest"), "q f(ADDR) [rest] END" },
	{ A("-qf", "ADDR"), "q f(ADDR) END" },
	{ A("-4qt5", "-t", "6"), "4 q t(5) t(6) END" },
	{ A("--timeout", "5"), "timeout(5) END" },
	{ A("--timeout=5"), "timeout(5) END" },
	{ A("--timeout="), "timeout() END" },
	{ A("--timeout=a=b"), "timeout(a=b) END" },
	{ A("--timeout"), "ERR(option --timeout needs an argument)" },
	{ A("--bogus"), "ERR(unknown option --bogus)" },
	{ A("--bogus=1"), "ERR(unknown option --bogus)" },
	{ A("--time", "5"), "ERR(unknown option --time)" },       /* no abbreviations */
	{ A("--timeoutx", "5"), "ERR(unknown option --timeoutx)" },
	{ A("--help"), "help END" },
	{ A("--help=1"), "ERR(option --help=1 takes no argument)" },
	{ A("--q"), "ERR(unknown option --q)" },                   /* short names are not long */
	{ A("--au", "x"), "ERR(unknown option --au)" },
	{ A("-au", "USER"), "au(USER) END" },
	{ A("-auUSER"), "au(USER) END" },
	{ A("-au"), "ERR(option -au needs an argument)" },
	{ A("-ap", "s3cr3t", "-au", "me"), "ap(s3cr3t) au(me) END" },
	{ A("-a"), "ERR(unknown option -a)" },
	{ A("-oi", "-oem"), "o(i) o(em) END" },
	{ A("-oxyz"), "ox(yz) END" },                   /* longest prefix wins */
	{ A("-o"), "o() END" },
	{ A("--", "-q", "x"), "[-q] [x] END" },
	{ A("-v", "--", "--"), "v [--] END" },
	{ A("a", "-q", "b", "--timeout=1", "c"), "[a] q [b] timeout(1) [c] END" },
	{ A("-"), "[-] END" },
	{ A(""), "[] END" },
	{ A("-z"), "ERR(unknown option -z)" },
	{ A("-qz"), "q ERR(unknown option -z)" },
	{ A("-f"), "ERR(option -f needs an argument)" },
	{ A("-qf"), "q ERR(option -f needs an argument)" },
	{ { "prog", NULL }, "END" },
};

START_TEST(table)
{
	char got[256];

	render(cases[_i].argv, got, sizeof got);
	ck_assert_msg(!strcmp(got, cases[_i].want), "case %d: got \"%s\" want \"%s\"",
	              _i, got, cases[_i].want);
}
END_TEST

/* after an error in a cluster the parser can go on with the next word */
START_TEST(continue_after_error)
{
	char *argv[] = { "prog", "-zq", "-v", NULL };
	struct optstate st;

	opt_init(&st, 3, argv);
	ck_assert_int_eq(opt_next(&st, tab), OPT_ERR);
	ck_assert_int_eq(opt_next(&st, tab), 'v');
	ck_assert_int_eq(opt_next(&st, tab), OPT_END);
	ck_assert_int_eq(opt_next(&st, tab), OPT_END);
}
END_TEST

static const struct { const char *s; long min, max, want; int ok; } longs[] = {
	{ "0", 0, 10, 0, 1 },
	{ "10", 0, 10, 10, 1 },
	{ "11", 0, 10, 0, 0 },
	{ "-5", -10, 10, -5, 1 },
	{ "+5", -10, 10, 5, 1 },
	{ "-11", -10, 10, 0, 0 },
	{ "-1", 0, 10, 0, 0 },
	{ "007", 0, 10, 7, 1 },
	{ "", 0, 10, 0, 0 },
	{ "-", -10, 10, 0, 0 },
	{ "+", 0, 10, 0, 0 },
	{ "1a", 0, 100, 0, 0 },
	{ " 1", 0, 100, 0, 0 },
	{ "1 ", 0, 100, 0, 0 },
	{ "0x10", 0, 100, 0, 0 },
	{ "--1", -10, 10, 0, 0 },
	{ "9223372036854775807", 0, LONG_MAX, LONG_MAX, 1 },
	{ "9223372036854775808", 0, LONG_MAX, 0, 0 },
	{ "-9223372036854775808", LONG_MIN, LONG_MAX, LONG_MIN, 1 },
	{ "-9223372036854775809", LONG_MIN, LONG_MAX, 0, 0 },
	{ "99999999999999999999999", LONG_MIN, LONG_MAX, 0, 0 },
	{ "65535", 1, 65535, 65535, 1 },
	{ "65536", 1, 65535, 0, 0 },
};

START_TEST(parse_long_edges)
{
	long v = 12345;
	int r;

	if (sizeof(long) != 8 && longs[_i].max == LONG_MAX)
		return;
	r = parse_long(longs[_i].s, longs[_i].min, longs[_i].max, &v);
	ck_assert_msg((r == 0) == longs[_i].ok, "\"%s\": returned %d", longs[_i].s, r);
	if (longs[_i].ok)
		ck_assert_int_eq(v, longs[_i].want);
	else
		ck_assert_int_eq(v, 12345);             /* untouched on error */
}
END_TEST

static const struct { const char *s; long min, max, want; int ok; } mss[] = {
	{ "5", 0, 60000, 5000, 1 },
	{ "1.5", 0, 60000, 1500, 1 },
	{ "0.001", 1, 60000, 1, 1 },
	{ "0.25", 0, 60000, 250, 1 },
	{ "0.0005", 1, 60000, 0, 0 },           /* rounds to 0 < min */
	{ "0", 1, 60000, 0, 0 },
	{ "0", 0, 60000, 0, 1 },
	{ "60", 0, 60000, 60000, 1 },
	{ "60.001", 0, 60000, 0, 0 },
	{ "61", 0, 60000, 0, 0 },
	{ ".5", 0, 60000, 0, 0 },
	{ "", 0, 60000, 0, 0 },
	{ "-1", -5000, 60000, 0, 0 },
	{ "+1", 0, 60000, 0, 0 },
	{ "1e3", 0, 60000, 0, 0 },
	{ "1.5.2", 0, 60000, 0, 0 },
	{ "1,5", 0, 60000, 0, 0 },
	{ "1 ", 0, 60000, 0, 0 },
	{ "99999999999999999999999", 0, LONG_MAX, 0, 0 },
	{ "9223372036854775", 0, LONG_MAX, 9223372036854775000L, 1 },
	{ "9223372036854775.807", 0, LONG_MAX, LONG_MAX, 1 },
	{ "9223372036854775.808", 0, LONG_MAX, 0, 0 },
	{ "9223372036854776", 0, LONG_MAX, 0, 0 },
};

START_TEST(parse_ms_edges)
{
	long v = 12345;
	int r;

	if (sizeof(long) != 8 && mss[_i].max == LONG_MAX)
		return;
	r = parse_ms(mss[_i].s, mss[_i].min, mss[_i].max, &v);
	ck_assert_msg((r == 0) == mss[_i].ok, "\"%s\": returned %d", mss[_i].s, r);
	if (mss[_i].ok)
		ck_assert_int_eq(v, mss[_i].want);
	else
		ck_assert_int_eq(v, 12345);
}
END_TEST

Suite *core_opt_suite(void)
{
	Suite *s = suite_create("core_opt");
	TCase *tc = tcase_create("opt");

	tcase_add_loop_test(tc, table, 0, sizeof cases / sizeof *cases);
	tcase_add_test(tc, continue_after_error);
	tcase_add_loop_test(tc, parse_long_edges, 0, sizeof longs / sizeof *longs);
	tcase_add_loop_test(tc, parse_ms_edges, 0, sizeof mss / sizeof *mss);
	suite_add_tcase(s, tc);
	return s;
}
