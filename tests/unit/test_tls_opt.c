/* test_tls_opt.c - TLS option keys, --fingerprint parsing and the CA bundle
 * search (core/tls_opt.c; built with and without CONFIG_TLS). */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "sysopts.h"
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

START_TEST(opt_keys)
{
	struct tls_opts o;
	struct wb_err e = { 0, "" };

	if (!CFG_TLS)
		return;                 /* opt_keys_tls_off */
	memset(&o, 0, sizeof o);
	ck_assert_int_eq(tls_opt(&o, "fingerprint", "abc", &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_ptr_eq(o.fingerprint, NULL);
	ck_assert_int_eq(tls_opt(&o, "fingerprint", FP_COLON, &e), 1);
	ck_assert_str_eq(o.fingerprint, FP_COLON);
	ck_assert_int_eq(tls_opt(&o, "tls_name", "mail.example", &e), 1);
	ck_assert_str_eq(o.name, "mail.example");
	ck_assert_int_eq(tls_opt(&o, "tls-name", "mx.example", &e), 1);
	ck_assert_str_eq(o.name, "mx.example");
	ck_assert_int_eq(tls_opt(&o, "insecure", "maybe", &e), -1);
	ck_assert_int_eq(tls_opt(&o, "insecure", "yes", &e), 1);
	ck_assert_int_eq(o.insecure, 1);
	ck_assert_int_eq(tls_opt(&o, "cafile", "/x/ca.pem", &e), 1);
	ck_assert_str_eq(o.cafile, "/x/ca.pem");
	ck_assert_int_eq(tls_opt(&o, "capath", "/x", &e), 1);
	ck_assert_str_eq(o.capath, "/x");
	ck_assert_int_eq(tls_opt(&o, "server", "x", &e), 0);
	ck_assert_int_eq(tls_opt(&o, "starttls", "on", &e), 1);
	ck_assert_int_eq(o.mode, TLS_STARTTLS);
	ck_assert_int_eq(tls_opt(&o, "tls", "", &e), 1);
	ck_assert_int_eq(o.mode, TLS_IMPLICIT);
	ck_assert_int_eq(tls_opt(&o, "starttls", "off", &e), 1);
	ck_assert_int_eq(o.mode, TLS_IMPLICIT);   /* only clears its own */
	ck_assert_int_eq(tls_opt(&o, "tls", "0", &e), 1);
	ck_assert_int_eq(o.mode, TLS_OFF);
}
END_TEST

/* a TLS-off build refuses every TLS option (a CA file or a pin it would
 * silently ignore is a user who believes the mail goes out verified), with
 * a usage error naming the option and CONFIG_TLS; "off" values are fine */
static const struct { const char *key, *val; } off_refused[] = {
	{ "cafile", "/x/ca.pem" }, { "capath", "/x" }, { "tls-name", "mx.example" },
	{ "tls_name", "mx.example" }, { "fingerprint", FP_COLON },
	{ "fingerprint", "abc" }, { "insecure", "" }, { "insecure", "on" },
	{ "tls", "" }, { "tls", "yes" }, { "starttls", "" }, { "starttls", "1" },
};

START_TEST(opt_keys_tls_off)
{
	struct tls_opts o, zero;
	struct wb_err e = { 0, "" };
	char want[64];

	if (CFG_TLS)
		return;
	memset(&o, 0, sizeof o);
	memset(&zero, 0, sizeof zero);
	e.code = 0;
	ck_assert_int_eq(tls_opt(&o, off_refused[_i].key, off_refused[_i].val, &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	snprintf(want, sizeof want, "%s: TLS is not compiled in (CONFIG_TLS)", off_refused[_i].key);
	ck_assert_str_eq(e.msg, want);
	ck_assert(!memcmp(&o, &zero, sizeof o));        /* nothing set */
}
END_TEST

START_TEST(opt_keys_tls_off_allowed)
{
	struct tls_opts o;
	struct wb_err e = { 0, "" };

	if (CFG_TLS)
		return;
	memset(&o, 0, sizeof o);
	ck_assert_int_eq(tls_opt(&o, "tls", "off", &e), 1);
	ck_assert_int_eq(tls_opt(&o, "starttls", "no", &e), 1);
	ck_assert_int_eq(tls_opt(&o, "insecure", "0", &e), 1);
	ck_assert_int_eq(o.mode, TLS_OFF);
	ck_assert_int_eq(tls_opt(&o, "insecure", "maybe", &e), -1);   /* still checked */
	ck_assert_int_eq(tls_opt(&o, "server", "x", &e), 0);
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
	tcase_add_test(t, ca_pick);
	suite_add_tcase(s, t);
	return s;
}
