/* test_core_account.c - config files, netrc parsing and the password
 * sources in their order. */
#define _GNU_SOURCE     /* posix_openpt and friends (XSI) */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "account.h"
#include "run.h"
#include "util.h"
#include "unit/fake_xport.h"

Suite *core_account_suite(void);

static char dir[] = "/tmp/wb-account-XXXXXX";
static char saved_home[512];

/* run without a controlling terminal: "no password" must not turn into a
 * prompt when the suite runs from a terminal */
static void no_tty(void)
{
	int t;

	if (setsid() < 0 && (t = open("/dev/tty", O_RDWR | O_CLOEXEC)) >= 0) {
		ioctl(t, TIOCNOTTY);
		close(t);
	}
}

static void setup(void)
{
	const char *h = getenv("HOME");

	snprintf(saved_home, sizeof saved_home, "%s", h ? h : "");
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unsetenv("NETRC");
	unsetenv("WB_TEST_PW");
	no_tty();
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
	/* a bad value in a file is a config error (78), not usage (64, "Try --help") */
	ck_assert_int_eq(e.code, EX_CONFIG);
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
	ck_assert_int_eq(e.code, EX_CONFIG);
	snprintf(p, sizeof p, "%s/missing", dir);
	src.passfile = p;
	src.literal = "never";
	ck_assert_int_eq(get(&src, &e), -1);    /* configured but missing: no fallback */
	ck_assert_int_eq(e.code, EX_CONFIG);    /* a config error (78), not 66 */
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

/* ---- file checks: secrets and commands ---------------------------------- */

static int kinds(void *ctx, const char *key, const char *val, struct wb_err *e)
{
	(void)val;
	(void)e;
	*(int *)ctx += 1;
	if (!strcmp(key, "exec"))
		return CONF_COMMAND;
	if (!strcmp(key, "token"))
		return CONF_SECRET;
	return 0;
}

static int conf_code(const char *name, const char *text, mode_t mode, uid_t uid,
                     int *calls, struct wb_err *e)
{
	const char *p = put(name, text, strlen(text), mode);

	ck_assert_int_eq(chown(p, uid, (gid_t)-1), 0);
	*calls = 0;
	e->code = 0;
	e->msg[0] = 0;
	return conf_read(p, 1, kinds, calls, e) ? e->code : 0;
}

START_TEST(conf_command_keys_need_a_safe_file)
{
	static const char *const cmds[] = { "passwordeval echo pw\n", "mda cat >> /tmp/x\n",
	                                    "passfile /etc/shadow\n", "exec rm -rf /\n" };
	struct wb_err e;
	size_t i;
	int calls;

	for (i = 0; i < sizeof cmds / sizeof *cmds; i++) {
		/* others or the group may write it: refused before the command is taken */
		ck_assert_int_eq(conf_code("w", cmds[i], 0666, 0, &calls, &e), EX_CONFIG);
		ck_assert_ptr_nonnull(strstr(e.msg, "write"));
		ck_assert_int_eq(conf_code("g", cmds[i], 0620, 0, &calls, &e), EX_CONFIG);
		/* owned by another user (not root) */
		ck_assert_int_eq(conf_code("o", cmds[i], 0644, 65534, &calls, &e), EX_CONFIG);
		ck_assert_ptr_nonnull(strstr(e.msg, "65534"));
		/* readable is fine for a command */
		ck_assert_int_eq(conf_code("ok", cmds[i], 0644, 0, &calls, &e), 0);
		ck_assert_int_eq(calls, 1);
	}
	/* nothing secret: any mode, any owner */
	ck_assert_int_eq(conf_code("plain", "host a\nport 25\n", 0666, 65534, &calls, &e), 0);
	ck_assert_int_eq(calls, 2);
}
END_TEST

START_TEST(conf_secret_keys_need_a_private_file)
{
	static const char *const secrets[] = { "password pw\n", "token abc\n" };
	struct wb_err e;
	size_t i;
	int calls;

	for (i = 0; i < sizeof secrets / sizeof *secrets; i++) {
		ck_assert_int_eq(conf_code("a", secrets[i], 0640, 0, &calls, &e), EX_CONFIG);
		ck_assert_ptr_nonnull(strstr(e.msg, "read"));
		ck_assert_ptr_null(strstr(e.msg, "pw"));
		ck_assert_ptr_null(strstr(e.msg, "abc"));
		ck_assert_int_eq(conf_code("b", secrets[i], 0604, 0, &calls, &e), EX_CONFIG);
		ck_assert_int_eq(conf_code("c", secrets[i], 0600, 65534, &calls, &e), EX_CONFIG);
		ck_assert_int_eq(conf_code("d", secrets[i], 0600, 0, &calls, &e), 0);
		ck_assert_int_eq(conf_code("e", secrets[i], 0400, 0, &calls, &e), 0);
	}
}
END_TEST

START_TEST(secret_passfile_must_be_private)
{
	struct wb_err e = { 0, "" };
	struct secret_src src = { 0 };

	src.passfile = PUT("pw644", "pw\n", 0644);
	ck_assert_int_eq(get(&src, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, src.passfile));
	src.passfile = PUT("pw640", "pw\n", 0640);
	ck_assert_int_eq(get(&src, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	src.passfile = PUT("pw602", "pw\n", 0602);
	ck_assert_int_eq(get(&src, &e), -1);
	src.passfile = PUT("pwnobody", "pw\n", 0600);
	ck_assert_int_eq(chown(src.passfile, 65534, (gid_t)-1), 0);
	ck_assert_int_eq(get(&src, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	src.passfile = PUT("pw600", "pw\n", 0600);
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "pw");
}
END_TEST

START_TEST(netrc_long_token_refused)
{
	static char text[SECRET_MAX + 200];
	struct wb_err e = { 0, "" };
	struct secret_src src = { 0 };
	char login[64], pass[64];
	size_t n;

	n = (size_t)snprintf(text, sizeof text, "machine h login u password ");
	memset(text + n, 'P', SECRET_MAX + 1);
	text[n + SECRET_MAX + 1] = 0;
	ck_assert_int_eq(netrc_parse(text, "h", NULL, login, sizeof login,
	                             buf, sizeof buf), -1);
	/* exactly SECRET_MAX fits */
	text[n + SECRET_MAX] = 0;
	ck_assert_int_eq(netrc_parse(text, "h", NULL, login, sizeof login,
	                             buf, sizeof buf), 1);
	ck_assert_uint_eq(strlen(buf), SECRET_MAX);
	/* a match that does not fit the caller's buffer is no cut password */
	ck_assert_int_eq(netrc_parse("machine h login u password 0123456789", "h", NULL,
	                             login, sizeof login, pass, 8), -1);
	/* in a password lookup: exit 78 with the file named */
	text[n + SECRET_MAX] = 'P';
	setenv("NETRC", put("longnetrc", text, strlen(text), 0600), 1);
	src.netrc_host = "h";
	src.literal = "never";
	ck_assert_int_eq(get(&src, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, "longnetrc"));
}
END_TEST

/* ---- --passwordeval runs like every helper ------------------------------- */

START_TEST(passwordeval_does_not_eat_stdin)
{
	struct wb_err e = { 0, "" };
	struct secret_src src = { 0 };
	char mail[64];
	int fd[2];

	/* our standard input is the message */
	ck_assert_int_eq(pipe(fd), 0);
	ck_assert_int_eq(write(fd[1], "Subject: x\n\nbody\n", 17), 17);
	close(fd[1]);
	ck_assert_int_eq(dup2(fd[0], 0), 0);
	close(fd[0]);
	src.passwordeval = "cat >/dev/null; echo pw";
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "pw");
	ck_assert_int_eq(read(0, mail, sizeof mail), 17);       /* all still there */
}
END_TEST

START_TEST(passwordeval_background_child_does_not_hold)
{
	struct wb_err e = { 0, "" };
	struct secret_src src = { 0 };
	int64_t t0 = mono_ms();

	src.passwordeval = "sleep 3 & echo pw";
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "pw");
	ck_assert_int_lt(mono_ms() - t0, 2000);
}
END_TEST

START_TEST(passwordeval_hung_helper_killed_at_deadline)
{
	struct wb_err e = { 0, "" };
	struct secret_src src = { 0 };
	int64_t t0 = mono_ms();

	src.passwordeval = "echo partial; sleep 100";
	src.timeout_ms = 300;
	ck_assert_int_eq(get(&src, &e), -1);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(e.msg, "300 ms"));
	ck_assert_ptr_null(strstr(e.msg, "partial"));
	ck_assert_int_lt(mono_ms() - t0, 300 + RUN_GRACE_MS + 1500);
}
END_TEST

START_TEST(passwordeval_gets_no_secret_env_nor_fds)
{
	struct wb_err e = { 0, "" };
	struct secret_src src = { 0 };
	int fd = open("/dev/null", O_RDONLY);

	ck_assert_int_eq(dup2(fd, 40), 40);     /* not close-on-exec */
	setenv("SMTP_PASSWORD", "s", 1);
	setenv("POP3_PASSWORD", "p", 1);
	src.passwordeval = "[ -e /dev/fd/40 ] && echo leak; echo \"x$SMTP_PASSWORD$POP3_PASSWORD\"";
	ck_assert_int_eq(get(&src, &e), 1);
	ck_assert_str_eq(buf, "x");
	unsetenv("SMTP_PASSWORD");
	unsetenv("POP3_PASSWORD");
	close(40);
	close(fd);
}
END_TEST

/* ---- the terminal prompt -------------------------------------------------- */

static int pty_open(char *slave, size_t max)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	ck_assert_int_ge(m, 0);
	ck_assert_int_eq(grantpt(m), 0);
	ck_assert_int_eq(unlockpt(m), 0);
	ck_assert_int_eq(strlcopy(slave, ptsname(m), max), 0);
	return m;
}

/* in a new session with the pty as its terminal (and stderr): secret_get
 * with user ann and a buffer of max; writes "RESULT|PASSWORD|ECHO" to out */
static pid_t pty_child(const char *slave, int out, size_t max)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct secret_src src = { 0 };
		struct wb_err e = { 0, "" };
		struct termios t;
		char res[128];
		int s, r, n;

		signal(SIGINT, SIG_DFL);
		setsid();
		s = open(slave, O_RDWR);        /* our controlling terminal now */
		dup2(s, 2);
		src.user = "ann";
		src.netrc_host = "mail.example";
		r = secret_get(&src, buf, max, &e);
		tcgetattr(s, &t);
		n = snprintf(res, sizeof res, "%d|%s|%d", r, r == 1 ? buf : e.msg,
		             !!(t.c_lflag & ECHO));
		if (write(out, res, (size_t)n) != n)
			_exit(2);
		_exit(0);
	}
	return pid;
}

/* read the master until want appears (or 5 s); what was read into got */
static int pty_expect(int m, const char *want, char *got, size_t max)
{
	int64_t end = mono_ms() + 5000;
	size_t n = 0;

	got[0] = 0;
	while (!strstr(got, want) && mono_ms() < end && n + 1 < max) {
		ssize_t r;
		fcntl(m, F_SETFL, O_NONBLOCK);
		r = read(m, got + n, max - 1 - n);
		if (r > 0) {
			n += (size_t)r;
			got[n] = 0;
		} else
			usleep(10000);
	}
	return strstr(got, want) != NULL;
}

START_TEST(tty_prompt_reads_with_echo_off)
{
	char slave[64], seen[512], res[256] = "";
	int m = pty_open(slave, sizeof slave), p[2], st;
	pid_t pid;
	ssize_t n;

	ck_assert_int_eq(pipe(p), 0);
	pid = pty_child(slave, p[1], sizeof buf);
	close(p[1]);
	ck_assert_msg(pty_expect(m, "Password for ann@mail.example: ", seen, sizeof seen),
	              "no prompt: '%s'", seen);
	usleep(100000);                 /* let it turn the echo off */
	ck_assert_int_eq(write(m, "hunter2\n", 8), 8);
	n = read(p[0], res, sizeof res - 1);
	ck_assert_int_gt(n, 0);
	res[n] = 0;
	ck_assert_str_eq(res, "1|hunter2|1");   /* found, the password, echo back on */
	pty_expect(m, "\n", seen, sizeof seen);
	ck_assert_ptr_null(strstr(seen, "hunter2"));    /* never echoed */
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	close(p[0]);
	close(m);
}
END_TEST

START_TEST(tty_prompt_ctrl_c_restores_echo)
{
	char slave[64], seen[512];
	struct termios t;
	int m = pty_open(slave, sizeof slave), p[2], st;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = pty_child(slave, p[1], sizeof buf);
	close(p[1]);
	ck_assert(pty_expect(m, "Password for ann@", seen, sizeof seen));
	usleep(100000);
	ck_assert_int_eq(tcgetattr(m, &t), 0);
	ck_assert_int_eq(t.c_lflag & ECHO, 0);  /* off while asking */
	ck_assert_int_eq(write(m, "hun\003", 4), 4);    /* ^C */
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT);  /* it still stops us */
	ck_assert_int_eq(tcgetattr(m, &t), 0);
	ck_assert(t.c_lflag & ECHO);            /* and the echo is back */
	close(p[0]);
	close(m);
}
END_TEST

START_TEST(tty_prompt_too_long_refused)
{
	char slave[64], seen[512], res[256] = "";
	int m = pty_open(slave, sizeof slave), p[2], st;
	pid_t pid;
	ssize_t n;

	ck_assert_int_eq(pipe(p), 0);
	pid = pty_child(slave, p[1], 8);
	close(p[1]);
	ck_assert(pty_expect(m, "Password for ann@", seen, sizeof seen));
	usleep(100000);
	ck_assert_int_eq(write(m, "0123456789\n", 11), 11);
	n = read(p[0], res, sizeof res - 1);
	ck_assert_int_gt(n, 0);
	res[n] = 0;
	ck_assert_str_eq(res, "-1|password longer than 7 bytes|1");
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	close(p[0]);
	close(m);
}
END_TEST

START_TEST(tty_none_no_prompt)
{
	struct wb_err e = { 0, "" };
	struct secret_src src = { 0 };

	src.user = "ann";               /* no terminal (setup): none configured */
	src.netrc_host = "h";
	ck_assert_int_eq(get(&src, &e), 0);
	ck_assert_str_eq(buf, "");
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
	tcase_add_test(tc, conf_command_keys_need_a_safe_file);
	tcase_add_test(tc, conf_secret_keys_need_a_private_file);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(tn, netrc_table, 0, sizeof nrc / sizeof *nrc);
	suite_add_tcase(s, tn);
	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_add_test(ts, secret_order);
	tcase_add_test(ts, secret_passfile);
	tcase_add_test(ts, secret_passwordeval);
	tcase_add_test(ts, secret_netrc_perms);
	tcase_add_test(ts, secret_too_long);
	tcase_add_test(ts, secret_passfile_must_be_private);
	tcase_add_test(ts, netrc_long_token_refused);
	tcase_add_test(ts, passwordeval_does_not_eat_stdin);
	tcase_add_test(ts, passwordeval_background_child_does_not_hold);
	tcase_add_test(ts, passwordeval_hung_helper_killed_at_deadline);
	tcase_add_test(ts, passwordeval_gets_no_secret_env_nor_fds);
	tcase_add_test(ts, tty_prompt_reads_with_echo_off);
	tcase_add_test(ts, tty_prompt_ctrl_c_restores_echo);
	tcase_add_test(ts, tty_prompt_too_long_refused);
	tcase_add_test(ts, tty_none_no_prompt);
	tcase_set_timeout(ts, 20);
	suite_add_tcase(s, ts);
	return s;
}
