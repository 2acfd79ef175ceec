/* test_core_account.c - config files, netrc parsing and the password
 * sources in their order. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "account.h"
#include "unit/fake_xport.h"

Suite *core_account_suite(void);

static char dir[] = "/tmp/wb-account-XXXXXX";
static char saved_home[512];

static void setup(void)
{
	const char *h = getenv("HOME");

	snprintf(saved_home, sizeof saved_home, "%s", h ? h : "");
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unsetenv("NETRC");
	unsetenv("WB_TEST_PW");
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
	unsetenv("NETRC");
	unsetenv("WB_TEST_PW");
	if (saved_home[0])
		setenv("HOME", saved_home, 1);
}

/* write text to dir/name with mode; returns the static path */
static const char *put(const char *name, const char *text, size_t len, mode_t mode)
{
	static char path[4][128];
	static int k;
	char *p = path[k++ % 4];
	FILE *f;

	snprintf(p, sizeof path[0], "%s/%s", dir, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
	ck_assert_int_eq(chmod(p, mode), 0);
	return p;
}
#define PUT(name, text, mode) put(name, text, sizeof text - 1, mode)

/* ---- conf_read ---------------------------------------------------------- */

struct seen {
	char all[1024];
	size_t n;
	const char *fail_key;   /* return -1 on this key */
	int fail_code;
};

static int collect(void *ctx, const char *key, const char *val, struct wb_err *e)
{
	struct seen *s = ctx;

	if (s->fail_key && !strcmp(key, s->fail_key)) {
		err_set(e, s->fail_code, "unknown key '%s'", key);
		return -1;
	}
	s->n += (size_t)snprintf(s->all + s->n, sizeof s->all - s->n, "%s=%s|", key, val);
	ck_assert(s->n < sizeof s->all);
	return 0;
}

START_TEST(conf_lines)
{
	struct seen s = { "", 0, NULL, 0 };
	struct wb_err e = { 0, "" };
	const char *p = PUT("rc",
		"# a comment\n"
		"\n"
		"   \t \n"
		"host  mail.example.org  \n"
		"  # indented comment\n"
		"port 587\r\n"
		"from   Ann Example <ann@example.org>\n"
		"empty\n"
		"\tuser\t  ann smith\t \n"
		"last no-newline", 0644);

	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), 0);
	ck_assert_str_eq(s.all, "host=mail.example.org|port=587|"
	                 "from=Ann Example <ann@example.org>|empty=|user=ann smith|"
	                 "last=no-newline|");
}
END_TEST

START_TEST(conf_missing)
{
	struct seen s = { "", 0, NULL, 0 };
	struct wb_err e = { 0, "" };
	char p[128];

	snprintf(p, sizeof p, "%s/nope", dir);
	ck_assert_int_eq(conf_read(p, 0, collect, &s, &e), 0);
	ck_assert_int_eq(e.code, 0);
	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, p));
	ck_assert_int_eq(s.n, 0);
}
END_TEST

START_TEST(conf_password_perms)
{
	struct seen s = { "", 0, NULL, 0 };
	struct wb_err e = { 0, "" };
	const char *p = PUT("rc", "user ann\npassword s3cret\n", 0644);

	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, p));
	ck_assert_ptr_null(strstr(e.msg, "s3cret"));
	p = PUT("rc2", "password s3cret\n", 0602);     /* others may write */
	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	s.n = 0;
	p = PUT("rc3", "user ann\npassword s3cret\n", 0600);
	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), 0);
	ck_assert_str_eq(s.all, "user=ann|password=s3cret|");
	s.n = 0;
	p = PUT("rc4", "user ann\n", 0644);             /* no password: fine */
	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), 0);
}
END_TEST

START_TEST(conf_callback_error)
{
	struct seen s = { "", 0, "bogus", EX_USAGE };
	struct wb_err e = { 0, "" };
	char want[256];
	const char *p = PUT("rc", "# c\nhost h\n\nbogus 1\nport 2\n", 0600);

	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), -1);
	snprintf(want, sizeof want, "%s:4: unknown key 'bogus'", p);
	ck_assert_str_eq(e.msg, want);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_str_eq(s.all, "host=h|");     /* stopped there */
	s.fail_code = 0;                        /* no code: EX_CONFIG */
	s.n = 0;
	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
}
END_TEST

START_TEST(conf_bad_files)
{
	static char big[CONF_LINE_MAX + 16];
	struct seen s = { "", 0, NULL, 0 };
	struct wb_err e = { 0, "" };
	const char *p;

	memset(big, 'k', sizeof big - 2);
	big[sizeof big - 2] = '\n';
	memcpy(big, "a b\n", 4);
	p = put("long", big, sizeof big - 1, 0600);
	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, ":2: "));
	p = put("nul", "a b\0c\n", 6, 0600);
	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_int_eq(conf_read(dir, 1, collect, &s, &e), -1);   /* a directory */
	ck_assert_int_eq(e.code, EX_CONFIG);
	p = PUT("ctl", "from a@b\rRCPT TO:<x>\n", 0600);     /* bare CR */
	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, ":1: control character"));
	p = PUT("ctl2", "user \rann\n", 0600);
	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), -1);
	p = PUT("ctl3", "user \x1b[1m\n", 0600);
	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), -1);
	p = PUT("empty", "", 0600);
	s.n = 0;
	ck_assert_int_eq(conf_read(p, 1, collect, &s, &e), 0);
	ck_assert_int_eq(s.n, 0);
}
END_TEST

/* ---- netrc_parse -------------------------------------------------------- */

static const char netrc[] =
	"machine a.example login alice password pa\n"
	"machine b.example\n"
	"\tlogin bob\n"
	"\tpassword \"p w\\\"x\"\n"
	"macdef init\n"
	"machine evil login mallory password macro\n"
	"\n"
	"machine a.example login al2 password p2\n"
	"machine nopw.example login nick\n"
	"default login anon password anonpw\n";

static const struct {
	const char *text, *host, *user;
	int found;
	const char *login, *pass;
} nrc[] = {
	{ netrc, "a.example", NULL, 1, "alice", "pa" },
	{ netrc, "a.example", "alice", 1, "alice", "pa" },
	{ netrc, "a.example", "al2", 1, "al2", "p2" },
	{ netrc, "b.example", NULL, 1, "bob", "p w\"x" },
	{ netrc, "evil", NULL, 1, "anon", "anonpw" },       /* macro body skipped */
	{ netrc, "other.example", NULL, 1, "anon", "anonpw" },
	{ netrc, "a.example", "zed", 0, NULL, NULL },        /* default is for anon */
	{ netrc, "nopw.example", NULL, 0, NULL, NULL },
	{ "machine x login u password p", "y", NULL, 0, NULL, NULL },
	{ "machine x login u password p", "x", "v", 0, NULL, NULL },
	{ "machine x login u password p", "x", "u", 1, "u", "p" },
	{ "machine x password p login u", "x", "u", 1, "u", "p" },
	{ "", "x", NULL, 0, NULL, NULL },
	{ "machine", "x", NULL, 0, NULL, NULL },
	{ "machine x login", "x", NULL, 0, NULL, NULL },
	{ "machine x login u password", "x", NULL, 0, NULL, NULL },
	{ "default password d", "any", NULL, 1, "", "d" },
	{ "machine x\r\n\tlogin u\r\n\tpassword p\r\n", "x", NULL, 1, "u", "p" },
	{ "macdef m\nmachine x login u password p", "x", NULL, 0, NULL, NULL },
	/* the value of "account" is not a keyword */
	{ "machine x account password login u password p", "x", "u", 1, "u", "p" },
	{ "machine x login u account machine password p", "x", "u", 1, "u", "p" },
};

START_TEST(netrc_table)
{
	char login[64] = "unset", pass[64] = "unset";
	int r = netrc_parse(nrc[_i].text, nrc[_i].host, nrc[_i].user,
	                    login, sizeof login, pass, sizeof pass);

	ck_assert_msg(r == nrc[_i].found, "case %d: returned %d", _i, r);
	if (!r)
		return;
	ck_assert_str_eq(login, nrc[_i].login);
	ck_assert_str_eq(pass, nrc[_i].pass);
}
END_TEST

/* ---- secret_get --------------------------------------------------------- */

static char buf[SECRET_MAX + 1];

static int get(const struct secret_src *src, struct wb_err *e)
{
	memset(buf, 'x', sizeof buf);
	e->code = 0;
	return secret_get(src, buf, sizeof buf, e);
}

START_TEST(secret_order)
{
	struct wb_err e = { 0, "" };
	struct secret_src src = { 0 };
	const char *pf = PUT("pw", "filepw\nsecond\n", 0600);
	char nrc_path[128];

	snprintf(nrc_path, sizeof nrc_path, "%s", PUT("netrc",
	         "machine h login u password netrcpw\n", 0600));
	setenv("NETRC", nrc_path, 1);
	setenv("WB_TEST_PW", "envpw", 1);
	src.passfile = pf;
	src.passwordeval = "echo evalpw";
	src.envvar = "WB_TEST_PW";
	src.netrc_host = "h";
	src.literal = "literalpw";
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "filepw");
	src.passfile = NULL;
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "evalpw");
	src.passwordeval = NULL;
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "envpw");
	src.envvar = "WB_TEST_UNSET_VAR";
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "netrcpw");
	src.netrc_host = "other";
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "literalpw");
	src.literal = NULL;
	ck_assert_int_eq(get(&src, &e), 0);
	ck_assert_str_eq(buf, "");
	memset(&src, 0, sizeof src);
	ck_assert_int_eq(get(&src, &e), 0);     /* nothing configured */
}
END_TEST

START_TEST(secret_passfile)
{
	struct wb_err e = { 0, "" };
	struct secret_src src = { 0 };
	char p[128];

	src.passfile = PUT("crlf", "pw with spaces\r\nnext\n", 0600);
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "pw with spaces");
	src.passfile = PUT("nonl", "only", 0600);
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "only");
	src.passfile = dir;                     /* a directory: read fails */
	src.literal = "never";
	ck_assert_int_eq(get(&src, &e), -1);
	ck_assert_int_eq(e.code, EX_NOINPUT);
	snprintf(p, sizeof p, "%s/missing", dir);
	src.passfile = p;
	src.literal = "never";
	ck_assert_int_eq(get(&src, &e), -1);    /* configured but missing: no fallback */
	ck_assert_int_eq(e.code, EX_NOINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, p));
}
END_TEST

START_TEST(secret_passwordeval)
{
	struct wb_err e = { 0, "" };
	struct secret_src src = { 0 };
	size_t i;

	src.passwordeval = "printf 'evalpw\\r\\nsecond\\n'";
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "evalpw");
	/* a 12 KB OAuth token */
	src.passwordeval = "head -c 12288 /dev/zero | tr '\\0' T; echo; echo more";
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_uint_eq(strlen(buf), 12288);
	for (i = 0; i < 12288; i++)
		ck_assert_int_eq(buf[i], 'T');
	/* a failing command is an error, not an empty password */
	src.passwordeval = "echo partial; exit 3";
	src.literal = "never";
	ck_assert_int_eq(get(&src, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, "3"));
	ck_assert_ptr_null(strstr(e.msg, "partial"));
	/* longer than SECRET_MAX without a newline */
	src.passwordeval = "head -c 20000 /dev/zero | tr '\\0' T";
	ck_assert_int_eq(get(&src, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	src.passwordeval = "true";              /* no output: empty secret */
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(secret_netrc_perms)
{
	struct wb_err e = { 0, "" };
	struct secret_src src = { 0 };
	char home[128], out[512];

	src.netrc_host = "h";
	src.user = "u";
	/* $HOME/.netrc when $NETRC is unset */
	snprintf(home, sizeof home, "%s", dir);
	setenv("HOME", home, 1);
	PUT(".netrc", "machine h login u password homepw\n", 0600);
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "homepw");
	src.user = "v";                         /* login does not match */
	ck_assert_int_eq(get(&src, &e), 0);
	src.user = "u";
	/* readable by the group: ignored with a warning */
	PUT(".netrc", "machine h login u password homepw\n", 0640);
	src.literal = "lit";
	stderr_capture();
	ck_assert_int_eq(get(&src, &e), 1);
	stderr_captured(out, sizeof out);
	ck_assert_str_eq(buf, "lit");
	ck_assert_ptr_nonnull(strstr(out, ".netrc"));
	ck_assert_ptr_null(strstr(out, "homepw"));
	PUT(".netrc", "machine h login u password homepw\n", 0604);
	src.literal = NULL;
	stderr_capture();
	ck_assert_int_eq(get(&src, &e), 0);
	stderr_captured(out, sizeof out);
	/* $NETRC wins over $HOME */
	setenv("NETRC", PUT("alt", "machine h login u password altpw\n", 0600), 1);
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "altpw");
}
END_TEST

START_TEST(secret_too_long)
{
	struct wb_err e = { 0, "" };
	struct secret_src src = { 0 };
	char small[8];

	setenv("WB_TEST_PW", "0123456789", 1);
	src.envvar = "WB_TEST_PW";
	ck_assert_int_eq(secret_get(&src, small, sizeof small, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_ptr_null(strstr(e.msg, "0123"));
	src.envvar = NULL;
	src.literal = "0123456789";
	ck_assert_int_eq(secret_get(&src, small, sizeof small, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	setenv("WB_TEST_PW", "", 1);            /* set but empty: that's the secret */
	src.envvar = "WB_TEST_PW";
	ck_assert_int_eq(secret_get(&src, small, sizeof small, &e), 1);
	ck_assert_str_eq(small, "");
}
END_TEST

Suite *core_account_suite(void)
{
	Suite *s = suite_create("core_account");
	TCase *tc = tcase_create("conf");
	TCase *tn = tcase_create("netrc");
	TCase *ts = tcase_create("secret");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, conf_lines);
	tcase_add_test(tc, conf_missing);
	tcase_add_test(tc, conf_password_perms);
	tcase_add_test(tc, conf_callback_error);
	tcase_add_test(tc, conf_bad_files);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(tn, netrc_table, 0, sizeof nrc / sizeof *nrc);
	suite_add_tcase(s, tn);
	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_add_test(ts, secret_order);
	tcase_add_test(ts, secret_passfile);
	tcase_add_test(ts, secret_passwordeval);
	tcase_add_test(ts, secret_netrc_perms);
	tcase_add_test(ts, secret_too_long);
	suite_add_tcase(s, ts);
	return s;
}
