/* test_core_digest.c - MD5 (RFC 1321 A.5), HMAC-MD5 (RFC 2202), the RFC 2195
 * CRAM-MD5 and RFC 1939 APOP examples. */
#include <check.h>
#include <string.h>
#include "digest.h"
#include "unit/fake_xport.h"

Suite *core_digest_suite(void);

static void hex_to(const char *hex, unsigned char *out)
{
	size_t i;

	for (i = 0; hex[2 * i]; i++) {
		unsigned v = 0;
		int j;
		for (j = 0; j < 2; j++) {
			char c = hex[2 * i + j];
			v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
		}
		out[i] = (unsigned char)v;
	}
}

static void check_digest(const char *what, const unsigned char *got, const char *hex)
{
	unsigned char want[MD5_LEN];
	char h[2 * MD5_LEN + 1];

	hex_to(hex, want);
	ck_assert_msg(hex_match(what, got, MD5_LEN, want, MD5_LEN), "%s", what);
	hex_encode(got, MD5_LEN, h);
	ck_assert_str_eq(h, hex);
}

static const struct { const char *msg, *md5; } a5[] = {
	{ "", "d41d8cd98f00b204e9800998ecf8427e" },
	{ "a", "0cc175b9c0f1b6a831c399e269772661" },
	{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
	{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
	{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	  "d174ab98d277d9f5a5611c2c9f419d9f" },
	{ "1234567890123456789012345678901234567890"
	  "1234567890123456789012345678901234567890",
	  "57edf4a22be3c955ac49da2e2107b67a" },
};

START_TEST(md5_rfc1321)
{
	unsigned char d[MD5_LEN];

	md5(a5[_i].msg, strlen(a5[_i].msg), d);
	check_digest(a5[_i].msg, d, a5[_i].md5);
}
END_TEST

/* the same digests fed in two pieces split at every position */
START_TEST(md5_incremental)
{
	const char *m = a5[_i].msg;
	size_t n = strlen(m), k;

	for (k = 0; k <= n; k++) {
		struct md5 c;
		unsigned char d[MD5_LEN];

		md5_init(&c);
		md5_update(&c, m, k);
		md5_update(&c, m + k, 0);
		md5_update(&c, m + k, n - k);
		md5_final(&c, d);
		check_digest(m, d, a5[_i].md5);
	}
}
END_TEST

/* padding edge: lengths 55, 56, 63, 64, 65 and a million 'a' */
START_TEST(md5_lengths)
{
	static const struct { size_t n; const char *md5; } t[] = {
		{ 55, "ef1772b6dff9a122358552954ad0df65" },
		{ 56, "3b0c8ac703f828b04c6c197006d17218" },
		{ 63, "b06521f39153d618550606be297466d5" },
		{ 64, "014842d480b571495a4a0363793f7367" },
		{ 65, "c743a45e0d2e6a95cb859adae0248435" },
	};
	static char buf[1000];
	unsigned char d[MD5_LEN];
	struct md5 c;
	size_t i;

	memset(buf, 'a', sizeof buf);
	for (i = 0; i < sizeof t / sizeof *t; i++) {
		md5(buf, t[i].n, d);
		check_digest("a*n", d, t[i].md5);
	}
	md5_init(&c);
	for (i = 0; i < 1000; i++)
		md5_update(&c, buf, sizeof buf);
	md5_final(&c, d);
	check_digest("a*1000000", d, "7707d6ae4e027c70eea2a935c2296f21");
}
END_TEST

START_TEST(hmac_rfc2202)
{
	unsigned char k[80], m[80], d[MD5_LEN];
	size_t i;

	memset(k, 0x0b, 16);
	hmac_md5(k, 16, "Hi There", 8, d);
	check_digest("case 1", d, "9294727a3638bb1c13f48ef8158bfc9d");
	hmac_md5("Jefe", 4, "what do ya want for nothing?", 28, d);
	check_digest("case 2", d, "750c783e6ab0b503eaa86e310a5db738");
	memset(k, 0xaa, 16);
	memset(m, 0xdd, 50);
	hmac_md5(k, 16, m, 50, d);
	check_digest("case 3", d, "56be34521d144c88dbb8c733f0e8b3f6");
	for (i = 0; i < 25; i++)
		k[i] = (unsigned char)(i + 1);
	memset(m, 0xcd, 50);
	hmac_md5(k, 25, m, 50, d);
	check_digest("case 4", d, "697eaf0aca3a3aea3a75164746ffaa79");
	memset(k, 0x0c, 16);
	hmac_md5(k, 16, "Test With Truncation", 20, d);
	check_digest("case 5", d, "56461ef2342edc00f9bab995690efd4c");
	memset(k, 0xaa, 80);
	hmac_md5(k, 80, "Test Using Larger Than Block-Size Key - Hash Key First", 54, d);
	check_digest("case 6", d, "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
	hmac_md5(k, 80, "Test Using Larger Than Block-Size Key and Larger "
	         "Than One Block-Size Data", 73, d);
	check_digest("case 7", d, "6f630fad67cda0ee1fb1f562db3aa53e");
}
END_TEST

/* keys of exactly one block (used as is), one byte more (hashed), empty */
START_TEST(hmac_key_sizes)
{
	unsigned char k[65], d[MD5_LEN];

	memset(k, 0x5a, sizeof k);
	hmac_md5(k, 64, "x", 1, d);
	check_digest("key 64", d, "89dc0deffe32924d436e231acf19b917");
	hmac_md5(k, 65, "x", 1, d);
	check_digest("key 65", d, "ee2f9cbbfb61c310b25e46a60b7b8acc");
	hmac_md5("", 0, "", 0, d);
	check_digest("empty", d, "74e6f7298a9c2d168935f58c001bad88");
}
END_TEST

START_TEST(cram_md5_rfc2195)
{
	static const char chal[] = "<1896.697170952@postoffice.reston.mci.net>";
	unsigned char d[MD5_LEN];

	hmac_md5("tanstaaftanstaaf", 16, chal, strlen(chal), d);
	check_digest("cram-md5", d, "b913a602c7eda7a495b4e6e7334d3890");
}
END_TEST

START_TEST(apop_rfc1939)
{
	static const char s[] = "<1896.697170952@dbc.mtview.ca.us>tanstaaf";
	unsigned char d[MD5_LEN];

	md5(s, strlen(s), d);
	check_digest("apop", d, "c4c9334bac560ecc979e58001b3e22fb");
}
END_TEST

START_TEST(hex)
{
	static const unsigned char b[] = { 0x00, 0x0f, 0xa5, 0xff };
	char out[9];

	hex_encode(b, 4, out);
	ck_assert_str_eq(out, "000fa5ff");
	hex_encode(b, 0, out);
	ck_assert_str_eq(out, "");
}
END_TEST

Suite *core_digest_suite(void)
{
	Suite *s = suite_create("core_digest");
	TCase *tc = tcase_create("md5");

	tcase_add_loop_test(tc, md5_rfc1321, 0, sizeof a5 / sizeof *a5);
	tcase_add_loop_test(tc, md5_incremental, 0, sizeof a5 / sizeof *a5);
	tcase_add_test(tc, md5_lengths);
	tcase_add_test(tc, hmac_rfc2202);
	tcase_add_test(tc, hmac_key_sizes);
	tcase_add_test(tc, cram_md5_rfc2195);
	tcase_add_test(tc, apop_rfc1939);
	tcase_add_test(tc, hex);
	suite_add_tcase(s, tc);
	return s;
}
