/* test_core_base64.c - RFC 4648 section 10 vectors both ways, strict
 * decoding, output bounds, round trips. */
#include <check.h>
#include <string.h>
#include "base64.h"
#include "unit/fake_xport.h"

Suite *core_base64_suite(void);

static const struct { const char *plain, *enc; } vec[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

START_TEST(rfc4648_encode)
{
	char out[16];
	size_t n = base64_encode(vec[_i].plain, strlen(vec[_i].plain), out, sizeof out);

	ck_assert(hex_match(vec[_i].plain, out, n, vec[_i].enc, strlen(vec[_i].enc)));
	ck_assert_int_eq(out[n], 0);
	ck_assert_uint_eq(BASE64_LEN(strlen(vec[_i].plain)), n);
}
END_TEST

START_TEST(rfc4648_decode)
{
	char out[16];
	size_t n = base64_decode(vec[_i].enc, strlen(vec[_i].enc), out, sizeof out);

	ck_assert_uint_ne(n, (size_t)-1);
	ck_assert(hex_match(vec[_i].enc, out, n, vec[_i].plain, strlen(vec[_i].plain)));
}
END_TEST

static const char *const bad[] = {
	"Zg=", "Zg", "Z", "Zm9vY",              /* length not a multiple of 4 */
	"Zm9-", "Zm9_", "Zm\n9", "Zm 9", "Zm9\xc3", "Zm9v\tg==", /* bad chars */
	"Z===", "====", "=Zm9", "Zg==Zg==",     /* misplaced padding */
	"Zm9vYg=a", "Zm=v", "Zm9v=m9v", "Zm9=Zm9v",
	"Zh==", "Zm9=", "Zm+=", "Zm/=", "Zm9vYh==", "Zm9vYmF=", /* non-canonical bits */
	"Zg==\n", "Zm9v\r\n",
};

START_TEST(strict_rejects)
{
	unsigned char out[16];
	const char *s = bad[_i];

	ck_assert_msg(base64_decode(s, strlen(s), out, sizeof out) == (size_t)-1,
	              "accepted \"%s\"", s);
}
END_TEST

START_TEST(nul_inside_rejected)
{
	unsigned char out[16];

	ck_assert_uint_eq(base64_decode("Zm9v\0m9v", 8, out, sizeof out), (size_t)-1);
	ck_assert_uint_eq(base64_decode("Zm\0=", 4, out, sizeof out), (size_t)-1);
}
END_TEST

START_TEST(output_bounds)
{
	char out[16];

	ck_assert_uint_eq(base64_encode("foobar", 6, out, 8), (size_t)-1); /* no room for NUL */
	ck_assert_uint_eq(base64_encode("foobar", 6, out, 9), 8);
	ck_assert_uint_eq(base64_encode("", 0, out, 0), (size_t)-1);
	ck_assert_uint_eq(base64_encode("", 0, out, 1), 0);
	ck_assert_uint_eq(base64_decode("Zm9vYmFy", 8, out, 5), (size_t)-1);
	ck_assert_uint_eq(base64_decode("Zm9vYmFy", 8, out, 6), 6);
	ck_assert_uint_eq(base64_decode("Zm9vYg==", 8, out, 3), (size_t)-1);
	ck_assert_uint_eq(base64_decode("Zm9vYg==", 8, out, 4), 4);
	ck_assert_uint_eq(base64_decode("Zm9vYmE=", 8, out, 5), 5);
	ck_assert_uint_eq(base64_decode("", 0, out, 0), 0);
}
END_TEST

/* every length 0..100, every byte value, encode then decode is identity */
START_TEST(round_trip)
{
	unsigned char in[100], back[100];
	char enc[BASE64_LEN(100) + 1];
	size_t n, e, i, d;

	for (n = 0; n <= sizeof in; n++) {
		for (i = 0; i < n; i++)
			in[i] = (unsigned char)(i * 37 + n * 11);
		e = base64_encode(in, n, enc, BASE64_LEN(n) + 1);
		ck_assert_uint_eq(e, BASE64_LEN(n));
		ck_assert_uint_eq(strlen(enc), e);
		d = base64_decode(enc, e, back, n);
		ck_assert(hex_match("round trip", back, d, in, n));
	}
}
END_TEST

/* the RFC 4616 PLAIN and RFC 2195 CRAM-MD5 payloads the applets send */
START_TEST(sasl_payloads)
{
	char out[64];
	size_t n = base64_encode("\0tim\0tanstaaftanstaaf", 21, out, sizeof out);

	ck_assert_str_eq(out, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
	ck_assert_uint_eq(n, 28);
	n = base64_decode("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+", 56,
	                  out, sizeof out);
	ck_assert(hex_match("challenge", out, n,
	                    "<1896.697170952@postoffice.reston.mci.net>", 42));
}
END_TEST

Suite *core_base64_suite(void)
{
	Suite *s = suite_create("core_base64");
	TCase *tc = tcase_create("base64");

	tcase_add_loop_test(tc, rfc4648_encode, 0, sizeof vec / sizeof *vec);
	tcase_add_loop_test(tc, rfc4648_decode, 0, sizeof vec / sizeof *vec);
	tcase_add_loop_test(tc, strict_rejects, 0, sizeof bad / sizeof *bad);
	tcase_add_test(tc, nul_inside_rejected);
	tcase_add_test(tc, output_bounds);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, sasl_payloads);
	suite_add_tcase(s, tc);
	return s;
}
