/* test_tls_opt.c - the TLS option block (TLS_OPTS) and its keys,
 * --fingerprint parsing and the CA bundle search (core/tls_opt.c; built
 * with and without CONFIG_TLS). */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "sysopts.h"
#include "optab.h"
#include "tls.h"
#include "unit/fake_xport.h"

Suite *tls_opt_suite(void);

#define FP_PLAIN "00112233445566778899aabbccddeeff" "FFEEDDCCBBAA99887766554433221100"
#define FP_COLON "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:" \
	"FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00"
static const unsigned char fp_want[TLS_FP_LEN] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
	0xcc, 0xdd, 0xee, 0xff, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
	0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00 };

START_TEST(fp_good)
{
	static const char *const good[] = { FP_PLAIN, FP_COLON };
	unsigned char out[TLS_FP_LEN];
	int i;

	for (i = 0; i < 2; i++) {
		memset(out, 0x5a, sizeof out);
		ck_assert_int_eq(tls_fp_parse(good[i], out), 0);
		ck_assert(hex_match(good[i], out, sizeof out, fp_want, sizeof fp_want));
	}
}
END_TEST

START_TEST(fp_bad)
{
	static const char *const bad[] = {
		"", "00", FP_PLAIN "0", FP_PLAIN + 2, FP_COLON ":", FP_COLON + 3,
		/* one non-hex digit, at the start, middle and end */
		"g0112233445566778899aabbccddeeffFFEEDDCCBBAA99887766554433221100",
		"00112233445566778899aabbccddeeffFFEEDDCCBBAA9988776655443322110x",
		/* colon in the wrong place, or replaced by another separator */
		"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:1:100",
		"00-11-22-33-44-55-66-77-88-99-aa-bb-cc-dd-ee-ff-FF-EE-DD-CC-BB-AA-99-88-77-66-55-44-33-22-11-00",
		"0011223344556677:8899aabbccddeeffFFEEDDCCBBAA99887766554433221100",
		" 0112233445566778899aabbccddeeffFFEEDDCCBBAA99887766554433221100",
	};
	unsigned char out[TLS_FP_LEN];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(tls_fp_parse(bad[i], out) == -1, "accepted '%s'", bad[i]);
}
END_TEST

/* the TLS block (TLS_OPTS) in a table of its own, as the applets use it */
struct tcfg {
	int other;
	struct tls_opts tls;
};
enum { T_FP = 3 };
#define TAT(m) OPT_AT(struct tcfg, tls.m)
static const struct optdef topt[] = { TLS_OPTS(OPT_ENTRY, TAT, T_FP, "465") };

static int tcall(void *cfg, const struct optdef *o, const char *arg, struct wb_err *e)
{
	struct tcfg *c = cfg;

	ck_assert_int_eq(o->at, T_FP);
	return tls_opt_fp(&c->tls, arg, e);
}

static const struct optab ttab = { topt, OPT_COUNT(topt), tcall };

static int key(struct tcfg *c, const char *k, const char *v, struct wb_err *e)
{
	return opt_key(&ttab, c, k, v, e);
}

START_TEST(opt_keys)
{
	struct tcfg c;
	struct wb_err e = { 0, "" };
	char why[120];

	ck_assert_msg(opt_check(&ttab, why, sizeof why) == 0, "%s", why);
	if (!CFG_TLS)
		return;                 /* opt_keys_tls_off */
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(key(&c, "fingerprint", "abc", &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_str_eq(e.msg, "fingerprint: want a SHA-256 in hex (64 digits, colons "
	                 "allowed), not 'abc'");
	ck_assert_ptr_eq(c.tls.fingerprint, NULL);
	ck_assert_int_eq(key(&c, "fingerprint", FP_COLON, &e), 0);
	ck_assert_str_eq(c.tls.fingerprint, FP_COLON);
	ck_assert_int_eq(key(&c, "tls-fingerprint", FP_PLAIN, &e), 0);    /* msmtp's */
	ck_assert_str_eq(c.tls.fingerprint, FP_PLAIN);
	ck_assert_int_eq(key(&c, "tls_name", "mail.example", &e), 0);
	ck_assert_str_eq(c.tls.name, "mail.example");
	ck_assert_int_eq(key(&c, "tls-name", "mx.example", &e), 0);
	ck_assert_str_eq(c.tls.name, "mx.example");
	ck_assert_int_eq(key(&c, "insecure", "maybe", &e), -1);
	ck_assert_int_eq(key(&c, "insecure", "yes", &e), 0);
	ck_assert_int_eq(c.tls.insecure, 1);
	ck_assert_int_eq(key(&c, "cafile", "/x/ca.pem", &e), 0);
	ck_assert_str_eq(c.tls.cafile, "/x/ca.pem");
	ck_assert_int_eq(key(&c, "tls-trust-file", "/y/ca.pem", &e), 0);  /* msmtp's */
	ck_assert_str_eq(c.tls.cafile, "/y/ca.pem");
	ck_assert_int_eq(key(&c, "capath", "/x", &e), 0);
	ck_assert_str_eq(c.tls.capath, "/x");
	ck_assert_int_eq(key(&c, "server", "x", &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	ck_assert_int_eq(key(&c, "starttls", "on", &e), 0);
	ck_assert_int_eq(c.tls.mode, TLS_STARTTLS);
	ck_assert_int_eq(key(&c, "tls", "", &e), 0);
	ck_assert_int_eq(c.tls.mode, TLS_IMPLICIT);
	ck_assert_int_eq(key(&c, "starttls", "off", &e), 0);
	ck_assert_int_eq(c.tls.mode, TLS_IMPLICIT);   /* only clears its own */
	ck_assert_int_eq(key(&c, "tls", "0", &e), 0);
	ck_assert_int_eq(c.tls.mode, TLS_OFF);
	ck_assert_int_eq(c.other, 0);
}
END_TEST

/* a TLS-off build refuses every TLS option (a CA file or a pin it would
 * silently ignore is a user who believes the mail goes out verified),
 * naming the option and CONFIG_TLS: 64 on the command line, 78 in a config
 * file; "off" values are fine */
static const struct { const char *key, *val; } off_refused[] = {
	{ "cafile", "/x/ca.pem" }, { "capath", "/x" }, { "tls-name", "mx.example" },
	{ "tls_name", "mx.example" }, { "fingerprint", FP_COLON },
	{ "fingerprint", "abc" }, { "insecure", "" }, { "insecure", "on" },
	{ "tls", "" }, { "tls", "yes" }, { "starttls", "" }, { "starttls", "1" },
	{ "tls-trust-file", "/x/ca.pem" }, { "tls-fingerprint", FP_PLAIN },
};

START_TEST(opt_keys_tls_off)
{
	struct tcfg c, zero;
	struct wb_err e = { 0, "" };
	char want[64], opt[40], *argv[] = { "prog", opt, NULL };

	if (CFG_TLS)
		return;
	memset(&c, 0, sizeof c);
	memset(&zero, 0, sizeof zero);
	ck_assert_int_eq(key(&c, off_refused[_i].key, off_refused[_i].val, &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
	snprintf(want, sizeof want, "%s: not compiled in (CONFIG_TLS)", off_refused[_i].key);
	ck_assert_str_eq(e.msg, want);
	ck_assert(!memcmp(&c, &zero, sizeof c));        /* nothing set */
	snprintf(opt, sizeof opt, "--%s=%s", off_refused[_i].key, off_refused[_i].val);
	if (!strchr(off_refused[_i].key, '_') && off_refused[_i].val[0] &&
	    strcmp(off_refused[_i].key, "tls") && strcmp(off_refused[_i].key, "starttls") &&
	    strcmp(off_refused[_i].key, "insecure")) {
		ck_assert_int_eq(opt_argv(&ttab, &c, 2, argv, 0, &e), -1);
		ck_assert_int_eq(e.code, EX_USAGE);
		snprintf(want, sizeof want, "--%s: not compiled in (CONFIG_TLS)",
		         off_refused[_i].key);
		ck_assert_str_eq(e.msg, want);
		ck_assert(!memcmp(&c, &zero, sizeof c));
	}
}
END_TEST

START_TEST(opt_keys_tls_off_allowed)
{
	struct tcfg c;
	struct wb_err e = { 0, "" };

	if (CFG_TLS)
		return;
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(key(&c, "tls", "off", &e), 0);
	ck_assert_int_eq(key(&c, "starttls", "no", &e), 0);
	ck_assert_int_eq(key(&c, "insecure", "0", &e), 0);
	ck_assert_int_eq(c.tls.mode, TLS_OFF);
	ck_assert_int_eq(key(&c, "insecure", "maybe", &e), -1);   /* still checked */
	ck_assert_int_eq(key(&c, "server", "x", &e), -1);
	ck_assert_int_eq(e.code, EX_CONFIG);
}
END_TEST

/* --help shows the block exactly when TLS is built in */
START_TEST(opt_help)
{
	static const char help[] = TLS_OPTS(OPT_HELP, TAT, T_FP, "465");

	if (CFG_TLS) {
		ck_assert_ptr_nonnull(strstr(help, "--tls --starttls "));
		ck_assert_ptr_nonnull(strstr(help, "(port 465)"));
		ck_assert_ptr_nonnull(strstr(help, "--tls-trust-file "));
		ck_assert_ptr_nonnull(strstr(help, "--insecure "));
	} else {
		ck_assert_str_eq(help, "");
	}
}
END_TEST

static char dir[64];

static void path(char *buf, size_t max, const char *name)
{
	snprintf(buf, max, "%s/%s", dir, name);
}

START_TEST(ca_pick)
{
	char a[96], b[96], c[96], d[96];
	const char *cands[5] = { a, b, c, d, NULL };
	int isdir = -1;
	FILE *f;

	snprintf(dir, sizeof dir, "/tmp/wb-tlsca.XXXXXX");
	ck_assert_ptr_ne(mkdtemp(dir), NULL);
	path(a, sizeof a, "ca-certificates.crt");
	path(b, sizeof b, "cert.pem");
	path(c, sizeof c, "ca-bundle.crt");
	path(d, sizeof d, "certs");
	ck_assert_ptr_eq(tls_ca_pick(cands, &isdir), NULL);         /* none */
	ck_assert_int_eq(mkdir(d, 0700), 0);
	ck_assert_ptr_eq(tls_ca_pick(cands, &isdir), d);            /* a directory */
	ck_assert_int_eq(isdir, 1);
	ck_assert_ptr_ne(f = fopen(c, "w"), NULL);
	fclose(f);
	ck_assert_ptr_eq(tls_ca_pick(cands, &isdir), c);            /* file before dir */
	ck_assert_int_eq(isdir, 0);
	ck_assert_ptr_ne(f = fopen(b, "w"), NULL);
	fclose(f);
	ck_assert_ptr_eq(tls_ca_pick(cands, &isdir), b);            /* order kept */
	ck_assert_int_eq(mkfifo(a, 0600), 0);                       /* not a file */
	ck_assert_ptr_eq(tls_ca_pick(cands, &isdir), b);
	unlink(a); unlink(b); unlink(c); rmdir(d); rmdir(dir);
	ck_assert_str_eq(tls_ca_default[0], "/etc/ssl/certs/ca-certificates.crt");
	ck_assert_str_eq(tls_ca_default[3], "/etc/ssl/certs");
	ck_assert_ptr_eq(tls_ca_default[4], NULL);
}
END_TEST

Suite *tls_opt_suite(void)
{
	Suite *s = suite_create("tls_opt");
	TCase *t = tcase_create("tls_opt");

	tcase_add_test(t, fp_good);
	tcase_add_test(t, fp_bad);
	tcase_add_test(t, opt_keys);
	tcase_add_loop_test(t, opt_keys_tls_off, 0, sizeof off_refused / sizeof *off_refused);
	tcase_add_test(t, opt_keys_tls_off_allowed);
	tcase_add_test(t, opt_help);
	tcase_add_test(t, ca_pick);
	suite_add_tcase(s, t);
	return s;
}
