/* test_core_opt.c - parse_long / parse_ms / port_ok edges. The option
 * table (optab.h): clusters, attached/separate arguments, long options,
 * BusyBox "-au" words, "-o*" prefixes, "--", errors, interleaved operands
 * through opt_argv; aliases, config keys (guarded ones, command-line-only
 * ones, feature-off flags turned off), range and feature-off messages, the
 * first pass, help that follows the build; every applet's table: the
 * self-check, --help lists it, its secret and command keys are guarded,
 * msmtp's spellings land where ours do. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include "account.h"
#include "opt.h"
#include "optab.h"


Suite *core_opt_suite(void);

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

START_TEST(port_edges)
{
	static const char *const good[] = { "1", "25", "65535", "00025" };
	static const char *const bad[] = { "", "0", "65536", "99999", "000025", "+25",
	                                   "-1", "25x", " 25", "smtp" };
	size_t i;

	for (i = 0; i < sizeof good / sizeof *good; i++)
		ck_assert_msg(port_ok(good[i]), "'%s' refused", good[i]);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(!port_ok(bad[i]), "'%s' accepted", bad[i]);
}
END_TEST

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

/* ---- the option table ---------------------------------------------------- */

#define CFG_TESTON 1
#define CFG_TESTOFF 0

struct tcfg {
	int quiet, verbose, mode, fam, auth, daemon, count, info;
	long timeout_ms;
	long long big;
	const char *file, *user, *host, *prog, *conf, *poll, *secret, *cmd;
	const char *o[3];
	int no;
	const char *ops[4];
	int nops;
};

enum { T_POLL = 7, T_INFO };

#define T(m) OPT_AT(struct tcfg, m)
#define TEST_OPTS(X) \
X("q quiet", OT_FLAG, T(quiet), 0, 0, ANY, "  -q, --quiet\n") \
X("v", OT_FLAG, T(verbose), 0, 0, TESTON, "  -v\n") \
X("s", OT_SET, T(mode), 2, 0, ANY, "  -s\n") \
X("a", OT_SET, T(mode), 3, 0, ANY, "  -a\n") \
X("4 ipv4", OT_SET, T(fam), 4, 0, ANY, "  -4\n") \
X("timeout", OT_MS, T(timeout_ms), 1, 3600000, ANY, "  --timeout S\n") \
X("wait", OT_MS, T(timeout_ms), 1, 3600000, ANY, "") \
X("c count", OT_NUM, T(count), 1, 64, ANY, "  -c N\n") \
X("max-size", OT_NUM, T(big), 1, INT_MAX, ANY, "  --max-size N\n") \
X("f", OT_STR, T(file), 0, 0, ANY, "  -f ADDR\n") \
X("-au user", OT_STR, T(user), 0, 0, ANY, "  -au USER\n") \
X("=host --server", OT_STR, T(host), 0, 0, ANY, "  --server HOST\n") \
X("-o*", OT_LIST, T(o), offsetof(struct tcfg, no), 0, ANY, "  -o*\n") \
X("auth:apop|plain|user|auto", OT_ENUM, T(auth), 10, 0, ANY, "  --auth M\n") \
X("d daemon", OT_FLAG, T(daemon), 0, 0, TESTOFF, "  -d, --daemon\n") \
X("x", OT_STR, T(prog), 0, 0, TESTOFF, "  -x PROG\n") \
X("C", OT_STR | OPT_EARLY, T(conf), 0, 0, ANY, "  -C FILE\n") \
X("poll", OT_CALL, OPT_ID(T_POLL), 0, 0, ANY, "  --poll A,B\n") \
X("--info", OT_CALL0, OPT_ID(T_INFO), 0, 0, ANY, "  --info\n") \
X("=secret", OT_STR | OPT_SECRET, T(secret), 0, 0, ANY, "") \
X("cmd", OT_STR | OPT_COMMAND, T(cmd), 0, 0, ANY, "  --cmd CMD\n") \
X("", OT_LIST, T(ops), offsetof(struct tcfg, nops), 0, ANY, "")

static const struct optdef topt[] = { TEST_OPTS(OPT_ENTRY) };
static const char thelp[] = "Usage: test\n" TEST_OPTS(OPT_HELP) "Exit: 0\n";

static int tcall(void *cfg, const struct optdef *o, const char *arg, struct wb_err *e)
{
	struct tcfg *c = cfg;

	if (o->at == T_INFO)
		return c->info = arg && *arg ? 2 : 1, 0;      /* 2: --info=VALUE */
	if (!strchr(arg, ','))
		return err_set(e, EX_USAGE, "want A,B, not '%s'", arg), -1;
	c->poll = arg;
	return 0;
}

static const struct optab ttab = { topt, OPT_COUNT(topt), tcall };

static size_t list(char *out, size_t max, const char *name, const char *const *v, int n)
{
	size_t len = (size_t)snprintf(out, max, "%s=[", name);
	int i;

	for (i = 0; i < n && len < max; i++)
		len += (size_t)snprintf(out + len, max - len, "%s%s", i ? "," : "", v[i]);
	return len < max ? len + (size_t)snprintf(out + len, max - len, "] ") : len;
}

/* what the parse set, as "name=value ..." (fields left at zero are not shown) */
static void show(const struct tcfg *c, char *out, size_t max)
{
	size_t n = 0;

	out[0] = 0;             /* nothing set: "" */

#define I(f) if (c->f && n < max) n += (size_t)snprintf(out + n, max - n, #f "=%lld ", (long long)c->f)
#define S(f) if (c->f && n < max) n += (size_t)snprintf(out + n, max - n, #f "=%s ", c->f)
	I(quiet); I(verbose); I(mode); I(fam); I(auth); I(daemon); I(count); I(info);
	I(timeout_ms); I(big);
	S(file); S(user); S(host); S(prog); S(conf); S(poll); S(secret); S(cmd);
#undef I
#undef S
	if (c->no && n < max)
		n += list(out + n, max - n, "o", c->o, c->no);
	if (c->nops && n < max)
		n += list(out + n, max - n, "ops", c->ops, c->nops);
	while (n > 0 && n < max && out[n - 1] == ' ')
		out[--n] = 0;
}

static void run_argv(const char *const *args, int early, char *out, size_t max)
{
	char *argv[16];
	struct tcfg c;
	struct wb_err e = { 0, "" };
	int argc, r;

	for (argc = 0; args[argc]; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	memset(&c, 0, sizeof c);
	out[0] = 0;
	r = opt_argv(&ttab, &c, argc, argv, early, &e);
	if (r == OPT_HELP_ASKED)
		snprintf(out, max, "HELP");
	else if (r)
		snprintf(out, max, "ERR(%d:%s)", e.code, e.msg);
	else
		show(&c, out, max);
}

#define A(...) { "prog", __VA_ARGS__, NULL }
static const struct { const char *argv[8]; const char *want; } tcases[] = {
	{ A("-qv"), "quiet=1 verbose=1" },
	{ A("-qfADDR", "rest"), "quiet=1 file=ADDR ops=[rest]" },
	{ A("-qf"), "ERR(64:-f: needs an argument)" },
	{ A("-f", "-q"), "file=-q" },                   /* the next word, whatever it is */
	{ A("--timeout=a=b"), "ERR(64:--timeout: want seconds (0.001-3600), not 'a=b')" },
	{ A("-q", "-v"), "quiet=1 verbose=1" },
	{ A("-qc3"), "quiet=1 count=3" },
	{ A("-qc", "3"), "quiet=1 count=3" },
	{ A("-c", "-q"), "ERR(64:-c: want a number (1-64), not '-q')" },
	{ A("-fADDR", "-f", "B"), "file=B" },
	{ A("--count=5"), "count=5" },
	{ A("--count", "5", "-c7"), "count=7" },
	{ A("--quiet"), "quiet=1" },
	/* --flag[=on|off] (msmtp's --tls=off) as a config file's "flag off" */
	{ A("--quiet=1"), "quiet=1" },
	{ A("--quiet=on"), "quiet=1" },
	{ A("-q", "--quiet=off"), "" },
	{ A("--quiet="), "quiet=1" },
	{ A("--quiet=maybe"), "ERR(64:--quiet: want on or off, not 'maybe')" },
	{ A("-s", "--ipv4=off", "-4", "--ipv4=no"), "mode=2" },
	{ A("--daemon=off"), "" },                  /* off is what the build does */
	{ A("--daemon=on"), "ERR(64:--daemon: not compiled in (CONFIG_TESTOFF))" },
	{ A("--count=5=6"), "ERR(64:--count: want a number (1-64), not '5=6')" },
	{ A("--timeout=1.5"), "timeout_ms=1500" },
	{ A("--timeout", "0.001"), "timeout_ms=1" },
	{ A("--wait", "2"), "timeout_ms=2000" },                    /* an alias line */
	{ A("--timeout"), "ERR(64:--timeout: needs an argument)" },
	{ A("--timeout", "abc"), "ERR(64:--timeout: want seconds (0.001-3600), not 'abc')" },
	{ A("--wait=0"), "ERR(64:--wait: want seconds (0.001-3600), not '0')" },
	{ A("--timeout", "3600.001"), "ERR(64:--timeout: want seconds (0.001-3600), not '3600.001')" },
	{ A("-c", "65"), "ERR(64:-c: want a number (1-64), not '65')" },
	{ A("--count="), "ERR(64:--count: want a number (1-64), not '')" },
	{ A("--max-size", "3000000000"), "big=3000000000" },
	{ A("--max-size", "0"), "ERR(64:--max-size: want a number (at least 1), not '0')" },
	{ A("--bogus"), "ERR(64:--bogus: unknown option)" },
	{ A("--bogus=1"), "ERR(64:--bogus: unknown option)" },
	{ A("--time", "5"), "ERR(64:--time: unknown option)" },     /* no abbreviations */
	{ A("--q"), "ERR(64:--q: unknown option)" },                /* short names are not long */
	{ A("--host", "h"), "ERR(64:--host: unknown option)" },     /* a config key only */
	{ A("--au", "me"), "ERR(64:--au: unknown option)" },
	{ A("-z"), "ERR(64:-z: unknown option)" },
	{ A("-qz"), "ERR(64:-z: unknown option)" },
	{ A("--server", "h", "--user=me"), "user=me host=h" },
	{ A("-au", "me"), "user=me" },
	{ A("-aume"), "user=me" },
	{ A("-au"), "ERR(64:-au: needs an argument)" },
	{ A("-oi", "-oem", "-o"), "o=[i,em,]" },
	{ A("-oi", "-oa", "-ob", "-oc"), "ERR(64:-o: at most 3)" },
	{ A("-s", "-a"), "mode=3" },
	{ A("-a", "-s"), "mode=2" },
	{ A("--auth", "plain"), "auth=11" },
	{ A("--auth=auto"), "auth=13" },
	{ A("--auth=foo"), "ERR(64:--auth: want apop|plain|user|auto, not 'foo')" },
	{ A("-d"), "ERR(64:-d: not compiled in (CONFIG_TESTOFF))" },
	{ A("-qd"), "ERR(64:-d: not compiled in (CONFIG_TESTOFF))" },
	{ A("--daemon"), "ERR(64:--daemon: not compiled in (CONFIG_TESTOFF))" },
	{ A("-x", "prog"), "ERR(64:-x: not compiled in (CONFIG_TESTOFF))" },
	{ A("-xprog"), "ERR(64:-x: not compiled in (CONFIG_TESTOFF))" },
	{ A("--poll", "1,2"), "poll=1,2" },
	{ A("--poll", "12"), "ERR(64:--poll: want A,B, not '12')" },
	{ A("--info"), "info=1" },
	{ A("--info=1"), "info=2" },               /* OT_CALL0: the value as a config's */
	{ A("-C=f"), "conf==f" },
	{ A("-C", "f"), "conf=f" },
	{ A("--", "-q", "x"), "ops=[-q,x]" },
	{ A("-v", "--", "--"), "verbose=1 ops=[--]" },
	{ A("a", "-q", "b", "--count=1", "c"), "quiet=1 count=1 ops=[a,b,c]" },
	{ A("-"), "ops=[-]" },
	{ A(""), "ops=[]" },
	{ A("a", "b", "c", "d", "e"), "ERR(64:more than 4 arguments)" },
	{ A("--help"), "HELP" },
	{ A("-q", "--help", "x"), "HELP" },
	{ A("--help=1"), "ERR(64:--help: unknown option)" },
	{ { "prog", NULL }, "" },
};

START_TEST(optab_argv)
{
	char got[256];

	run_argv(tcases[_i].argv, 0, got, sizeof got);
	ck_assert_msg(!strcmp(got, tcases[_i].want), "case %d: got \"%s\" want \"%s\"",
	              _i, got, tcases[_i].want);
}
END_TEST

/* the first pass sets only -C, reads words exactly as the full pass does
 * and stops at nothing */
static const struct { const char *argv[8]; const char *want; } early[] = {
	{ A("-q", "-C", "f", "x"), "conf=f" },
	{ A("--bogus", "-zC", "f", "-Cg"), "conf=g" },
	{ A("-c", "-C", "f"), "" },             /* -C is -c's argument */
	{ A("--", "-C", "f"), "" },
	{ A("-d", "--help", "-x", "-C"), "" },
	{ A("-C"), "" },
};

START_TEST(optab_early)
{
	char got[256];

	run_argv(early[_i].argv, OPT_EARLY, got, sizeof got);
	ck_assert_msg(!strcmp(got, early[_i].want), "case %d: got \"%s\" want \"%s\"",
	              _i, got, early[_i].want);
}
END_TEST

/* config-file lines: keys are the long names (and "=key" names), not the
 * short or the command-line-only ones */
static const struct { const char *kv[4]; const char *want; } keys[] = {
	{ { "quiet", "" }, "quiet=1" },
	{ { "quiet", "on", "quiet", "off" }, "" },
	{ { "quiet", "maybe" }, "ERR(64:quiet: want on or off, not 'maybe')" },
	{ { "ipv4", "yes" }, "fam=4" },
	{ { "ipv4", "1", "ipv4", "0" }, "" },
	{ { "timeout", "2.5" }, "timeout_ms=2500" },
	{ { "wait", "2" }, "timeout_ms=2000" },
	{ { "timeout", "abc" }, "ERR(64:timeout: want seconds (0.001-3600), not 'abc')" },
	{ { "count", "64" }, "count=64" },
	{ { "count", "0" }, "ERR(64:count: want a number (1-64), not '0')" },
	{ { "host", "mail.example" }, "host=mail.example" },
	{ { "user", "me" }, "user=me" },
	{ { "auth", "user" }, "auth=12" },
	{ { "auth", "" }, "ERR(64:auth: want apop|plain|user|auto, not '')" },
	{ { "poll", "1,2" }, "poll=1,2" },
	{ { "poll", "x" }, "ERR(64:poll: want A,B, not 'x')" },
	{ { "daemon", "on" }, "ERR(78:daemon: not compiled in (CONFIG_TESTOFF))" },
	{ { "daemon", "" }, "ERR(78:daemon: not compiled in (CONFIG_TESTOFF))" },
	{ { "daemon", "off", "daemon", "no" }, "" },        /* off is what the build does */
	{ { "daemon", "maybe" }, "ERR(64:daemon: want on or off, not 'maybe')" },
	{ { "x", "prog" }, "ERR(78:unknown key 'x')" },
	{ { "server", "h" }, "ERR(78:'server' is a command-line option, not a config key)" },
	{ { "info", "" }, "ERR(78:'info' is a command-line option, not a config key)" },
	{ { "secret", "pw", "cmd", "c" }, "secret=pw cmd=c" },
	{ { "password", "pw" }, "ERR(78:unknown key 'password')" },
	{ { "q", "" }, "ERR(78:unknown key 'q')" },
	{ { "au", "me" }, "ERR(78:unknown key 'au')" },
	{ { "o", "i" }, "ERR(78:unknown key 'o')" },
	{ { "", "" }, "ERR(78:unknown key '')" },
	{ { "C", "f" }, "ERR(78:unknown key 'C')" },
};

START_TEST(optab_keys)
{
	struct tcfg c;
	struct wb_err e = { 0, "" };
	struct optconf oc = { &ttab, &c };
	char got[256];
	int i, r = 0;

	memset(&c, 0, sizeof c);
	for (i = 0; i < 4 && keys[_i].kv[i] && r >= 0; i += 2)
		r = opt_conf(&oc, keys[_i].kv[i], keys[_i].kv[i + 1], &e);
	if (r < 0)
		snprintf(got, sizeof got, "ERR(%d:%s)", e.code, e.msg);
	else
		show(&c, got, sizeof got);
	ck_assert_msg(!strcmp(got, keys[_i].want), "case %d: got \"%s\" want \"%s\"",
	              _i, got, keys[_i].want);
}
END_TEST

/* --help holds the lines of the options built in, and only those */
START_TEST(optab_help_follows_build)
{
	ck_assert_str_eq(thelp, "Usage: test\n  -q, --quiet\n  -v\n  -s\n  -a\n  -4\n"
	                 "  --timeout S\n  -c N\n  --max-size N\n  -f ADDR\n  -au USER\n"
	                 "  --server HOST\n  -o*\n  --auth M\n  -C FILE\n  --poll A,B\n"
	                 "  --info\n  --cmd CMD\nExit: 0\n");
	ck_assert_ptr_null(strstr(thelp, "-d"));
	ck_assert_ptr_null(strstr(thelp, "PROG"));
	ck_assert_str_eq(OPT_IF(TESTON, "on") OPT_IF(TESTOFF, "off"), "on");
	ck_assert_ptr_null(opt_off(&topt[1]));            /* -v: TESTON */
	ck_assert_str_eq(topt[14].names, "d daemon");
	ck_assert_str_eq(opt_off(&topt[14]), "TESTOFF");
}
END_TEST

extern const struct optab sntpc_optab, smtpsend_optab, msmtp_optab, pop3get_optab, ntpd_optab;
extern const char sntpc_help[], smtpsend_help[], pop3get_help[], ntpd_help[];

static const struct { const char *name; const struct optab *t; const char *help; } applets[] = {
	{ "sntpc", &sntpc_optab, sntpc_help },
	{ "smtpsend", &smtpsend_optab, smtpsend_help },
	{ "pop3get", &pop3get_optab, pop3get_help },
	{ "msmtp", &msmtp_optab, smtpsend_help },       /* smtpsend called as msmtp */
	{ "ntpd", &ntpd_optab, ntpd_help },             /* sntpc called as ntpd */
};

/* help holds what (followed by a blank or a comma) */
static int shows(const char *help, const char *what)
{
	size_t n = strlen(what);
	const char *p;

	for (p = help; (p = strstr(p, what)) != NULL; p += n)
		if (p[n] == ' ' || p[n] == ',')
			return 1;
	return 0;
}

/* every option built in shows in --help (its first spelling, followed by
 * a blank or a comma), every one compiled out does not; a config-only
 * key ("=password") is not an option */
START_TEST(optab_help_lists_options)
{
	const struct optab *t = applets[_i].t;
	unsigned i;

	for (i = 0; i < t->n; i++) {
		const char *names = t->opt[i].names;
		size_t n = strcspn(names, " :");
		char want[40];

		if (n == 0 || names[0] == '=')
			continue;
		snprintf(want, sizeof want, "%s%.*s", n == 1 ? "-" :
		         names[0] == '-' ? "" : "--", (int)n, names);
		ck_assert_msg(shows(applets[_i].help, want) == !opt_off(&t->opt[i]),
		              "%s: '%s' in --help: %d, compiled out: %d", applets[_i].name,
		              want, shows(applets[_i].help, want), opt_off(&t->opt[i]) != NULL);
	}
}
END_TEST

/* room for any applet's settings */
static union { long long l; void *p; char b[1 << 16]; } cfg1, cfg2;

static void fits(const struct optab *t)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		ck_assert((size_t)t->opt[i].at + t->opt[i].size <= sizeof cfg1.b &&
		          (size_t)t->opt[i].min <= sizeof cfg1.b);
}

/* argv words (NULL-terminated) into cfg from zero: opt_argv's result */
static int argv_into(const struct optab *t, void *cfg, const char *const *w, struct wb_err *e)
{
	char *argv[8] = { "prog" };
	int argc = 1;

	while (*w && argc < 7)
		argv[argc++] = (char *)*w++;
	argv[argc] = NULL;
	memset(cfg, 0, sizeof cfg1);
	return opt_argv(t, cfg, argc, argv, 0, e);
}

#define FP64 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
/* msmtp's and BusyBox's spellings are one more name: they land where ours
 * do (or are refused alike when their feature is compiled out) */
static const struct { int app; const char *a[3], *b[3]; } same[] = {
	{ 1, { "--tls-trust-file", "/ca.pem" }, { "--cafile", "/ca.pem" } },
	{ 2, { "--tls-trust-file", "/ca.pem" }, { "--cafile", "/ca.pem" } },
	{ 1, { "--tls-fingerprint", FP64 }, { "--fingerprint", FP64 } },
	{ 2, { "--tls-fingerprint", FP64 }, { "--fingerprint", FP64 } },
	{ 1, { "-r", "a@b.c" }, { "-f", "a@b.c" } },
	{ 1, { "-w", "5" }, { "--timeout", "5" } },
	{ 1, { "-w5" }, { "--timeout=5" } },
	{ 1, { "-au", "me" }, { "--user", "me" } },
	{ 1, { "-am", "login" }, { "--auth", "login" } },
	{ 2, { "--server", "h" }, { "-S", "h" } },
	{ 2, { "--stat" }, { "-s" } },
	/* smtpsend called as msmtp (table 3): msmtp's spellings */
	{ 3, { "-a", "trm_notify" }, { "--account", "trm_notify" } },
	{ 3, { "-C", "/rc" }, { "--file", "/rc" } },
	{ 3, { "-d" }, { "--debug" } },
	{ 3, { "-d" }, { "-v" } },
	{ 3, { "-t" }, { "--read-recipients" } },
	{ 3, { "-S" }, { "--serverinfo" } },
	{ 3, { "-P" }, { "--pretend" } },
	{ 3, { "-X", "/log" }, { "--logfile", "/log" } },
	{ 3, { "--timeout=10" }, { "--timeout", "10" } },
	{ 3, { "--auth" }, { "--auth=on" } },
	{ 3, { "--tls-starttls" }, { "--tls-starttls=on" } },
	{ 3, { "--timeout=2" }, { "-w", "2" } },
	{ 3, { "--tls" }, { "--tls=on" } },
	{ 3, { "--tls=off" }, { "--tls=no" } },
	{ 3, { "--tls-certcheck" }, { "--tls-certcheck=on" } },
	{ 3, { "--tls-trust-file", "/ca.pem" }, { "--cafile", "/ca.pem" } },
	{ 3, { "-i", "--" }, { "-i" } },
	{ 1, { "--serverinfo" }, { "--serverinfo=on" } },
};

START_TEST(applet_alias_spellings)
{
	const struct optab *t = applets[same[_i].app].t;
	struct wb_err e1 = { 0, "" }, e2 = { 0, "" };
	int r1, r2;

	fits(t);
	r1 = argv_into(t, &cfg1, same[_i].a, &e1);
	r2 = argv_into(t, &cfg2, same[_i].b, &e2);
	ck_assert_msg(r1 == r2, "%s: %d, %s: %d (%s)", same[_i].a[0], r1, same[_i].b[0], r2,
	              e1.msg);
	if (r1 == 0)
		ck_assert_msg(!memcmp(cfg1.b, cfg2.b, sizeof cfg1.b), "%s differs from %s",
		              same[_i].a[0], same[_i].b[0]);
	else
		ck_assert_msg(strstr(e1.msg, same[_i].a[0]) == e1.msg &&
		              !strcmp(strchr(e1.msg, ':'), strchr(e2.msg, ':')),
		              "'%s' / '%s'", e1.msg, e2.msg);
}
END_TEST

/* config keys: a secret or a command is guarded (conf_read checks the file
 * then, account.h), the aliases are the same key, the command-line-only
 * options are refused as such (exit 78) */
static const struct { int app; const char *key, *val; int want; const char *err; } ckeys[] = {
	{ 1, "password", "pw", CONF_SECRET, NULL },
	{ 1, "passwordeval", "echo pw", CONF_COMMAND, NULL },
	{ 1, "passfile", "/pw", CONF_COMMAND, NULL },
	{ 1, "user", "me", 0, NULL },
	{ 1, "host", "h", 0, NULL },
	{ 1, "timeout", "abc", -1, "timeout: want seconds (0.001-3600), not 'abc'" },
	{ 1, "port", "0", -1, "port: want a number 1-65535, not '0'" },
	{ 1, "au", "me", -1, "unknown key 'au'" },
	{ 2, "password", "pw", CONF_SECRET, NULL },
	{ 2, "passwordeval", "echo pw", CONF_COMMAND, NULL },
	{ 2, "passfile", "/pw", CONF_COMMAND, NULL },
	{ 2, "mda", "procmail", CONF_COMMAND, NULL },
	{ 2, "host", "h", 0, NULL },
	{ 2, "server", "h", 0, NULL },
	{ 2, "ipv4", "on", 0, NULL },
	{ 2, "verbose", "on", 0, NULL },
	{ 2, "stat", "on", -1, "'stat' is a command-line option, not a config key" },
	{ 2, "list", "", -1, "'list' is a command-line option, not a config key" },
	{ 2, "serverinfo", "on", -1, "'serverinfo' is a command-line option, not a config key" },
	{ 2, "config", "/f", -1, "'config' is a command-line option, not a config key" },
	{ 2, "max-time", "x", -1, "max-time: want seconds (0.001-604800), not 'x'" },
	{ 2, "auth", "foo", -1, "auth: want auto|apop|plain|user, not 'foo'" },
	{ 2, "port", "abc", -1, "port: want a number 1-65535, not 'abc'" },
};

START_TEST(applet_config_keys)
{
	const struct optab *t = applets[ckeys[_i].app].t;
	struct wb_err e = { 0, "" };
	int r;

	fits(t);
	memset(&cfg1, 0, sizeof cfg1);
	r = opt_key(t, &cfg1, ckeys[_i].key, ckeys[_i].val, &e);
	ck_assert_msg(r == ckeys[_i].want, "%s: %d, want %d (%s)", ckeys[_i].key, r,
	              ckeys[_i].want, r < 0 ? e.msg : "");
	if (r < 0) {
		ck_assert_str_eq(e.msg, ckeys[_i].err);
		ck_assert_int_eq(e.code, ckeys[_i].err[0] == 'u' || ckeys[_i].err[0] == '\'' ?
		                 EX_CONFIG : EX_USAGE);
	}
}
END_TEST

/* the TLS block of both mail applets: a build without TLS refuses each
 * option naming it and CONFIG_TLS, and lets a config file turn it off */
START_TEST(applet_tls_block)
{
	static const char *const opts[] = { "--tls", "--starttls", "--insecure", "--cafile",
	                                    "--capath", "--tls-name", "--fingerprint" };
	const struct optab *t = applets[1 + _i].t;
	struct wb_err e = { 0, "" };
	char want[80];
	size_t i;

	for (i = 0; i < sizeof opts / sizeof *opts; i++) {
		const char *w[] = { opts[i], FP64, NULL };
		int r = argv_into(t, &cfg1, w, &e);

		if (CFG_TLS) {
			ck_assert_msg(r == 0 || (i < 3 && r == -1), "%s: %s", opts[i], e.msg);
			continue;
		}
		snprintf(want, sizeof want, "%s: not compiled in (CONFIG_TLS)", opts[i]);
		ck_assert_int_eq(r, -1);
		ck_assert_str_eq(e.msg, want);
		ck_assert_int_eq(e.code, EX_USAGE);
	}
	ck_assert_int_eq(opt_key(t, &cfg1, "tls", "off", &e), 0);
	ck_assert_int_eq(opt_key(t, &cfg1, "starttls", "no", &e), 0);
	ck_assert_int_eq(opt_key(t, &cfg1, "insecure", "0", &e), 0);
	ck_assert_int_eq(opt_key(t, &cfg1, "tls", "on", &e), CFG_TLS ? 0 : -1);
	ck_assert_int_eq(opt_key(t, &cfg1, "tls_name", "mx", &e), CFG_TLS ? 0 : -1);
	ck_assert_int_eq(opt_key(t, &cfg1, "fingerprint", "abc", &e), -1);
	if (CFG_TLS)
		ck_assert_str_eq(e.msg, "fingerprint: want a SHA-256 in hex (64 digits, "
		                 "colons allowed), not 'abc'");
	else
		ck_assert_str_eq(e.msg, "fingerprint: not compiled in (CONFIG_TLS)");
}
END_TEST

/* every applet's table passes the self-check; broken tables do not */
START_TEST(optab_self_check)
{
	static const struct optdef dup[] = {
		{ "q quiet", OT_FLAG, OPT_AT(struct tcfg, quiet), 0, 0 },
		{ "v quiet", OT_FLAG, OPT_AT(struct tcfg, verbose), 0, 0 },
	};
	static const struct optdef dupkey[] = {
		{ "q quiet", OT_FLAG, OPT_AT(struct tcfg, quiet), 0, 0 },
		{ "=quiet", OT_FLAG, OPT_AT(struct tcfg, verbose), 0, 0 },
	};
	static const struct optdef dupdash[] = {
		{ "-o*", OT_STR, OPT_AT(struct tcfg, file), 0, 0 },
		{ "-o", OT_STR, OPT_AT(struct tcfg, user), 0, 0 },
	};
	static const struct optdef size[] = {
		{ "f", OT_STR, OPT_AT(struct tcfg, quiet), 0, 0 },
	};
	static const struct optdef noword[] = {
		{ "auth", OT_ENUM, OPT_AT(struct tcfg, auth), 0, 0 },
	};
	static const struct optdef badname[] = {
		{ "-", OT_FLAG, OPT_AT(struct tcfg, quiet), 0, 0 },
	};
	static const struct optdef both[] = {
		{ "x", OT_STR | OPT_SECRET | OPT_COMMAND, OPT_AT(struct tcfg, file), 0, 0 },
	};
	static const struct optdef twoops[] = {
		{ "", OT_STR, OPT_AT(struct tcfg, file), 0, 0 },
		{ " ", OT_STR, OPT_AT(struct tcfg, user), 0, 0 },
	};
	const struct optab bad[] = {
		{ dup, 2, NULL }, { dupkey, 2, NULL }, { dupdash, 2, NULL }, { size, 1, NULL },
		{ noword, 1, NULL }, { badname, 1, NULL }, { twoops, 2, NULL }, { both, 1, NULL },
	};
	char why[160] = "";
	unsigned i;

	ck_assert_msg(opt_check(&ttab, why, sizeof why) == 0, "test table: %s", why);
	for (i = 0; i < sizeof applets / sizeof *applets; i++)
		ck_assert_msg(opt_check(applets[i].t, why, sizeof why) == 0, "%s: %s",
		              applets[i].name, why);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(opt_check(&bad[i], why, sizeof why) == -1, "bad table %u passes", i);
}
END_TEST

Suite *core_opt_suite(void)
{
	Suite *s = suite_create("core_opt");
	TCase *tc = tcase_create("opt");
	TCase *tt = tcase_create("optab");

	tcase_add_test(tc, port_edges);
	tcase_add_loop_test(tc, parse_long_edges, 0, sizeof longs / sizeof *longs);
	tcase_add_loop_test(tc, parse_ms_edges, 0, sizeof mss / sizeof *mss);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(tt, optab_argv, 0, sizeof tcases / sizeof *tcases);
	tcase_add_loop_test(tt, optab_early, 0, sizeof early / sizeof *early);
	tcase_add_loop_test(tt, optab_keys, 0, sizeof keys / sizeof *keys);
	tcase_add_test(tt, optab_help_follows_build);
	tcase_add_test(tt, optab_self_check);
	tcase_add_loop_test(tt, optab_help_lists_options, 0, sizeof applets / sizeof *applets);
	tcase_add_loop_test(tt, applet_alias_spellings, 0, sizeof same / sizeof *same);
	tcase_add_loop_test(tt, applet_config_keys, 0, sizeof ckeys / sizeof *ckeys);
	tcase_add_loop_test(tt, applet_tls_block, 0, 2);
	suite_add_tcase(s, tt);
	return s;
}
