/* test_small.c - core/small.c against the C library: qsort orders as
 * libc's does (distinct keys: musl's resolver's keys include the index),
 * for element sizes 1..24 bytes and 0..60 elements; strstr finds the same
 * first match for every needle cut from the haystacks, misses, empty ones
 * and near misses ("aab" in "aaab"). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "small.h"

Suite *small_suite(void);

struct rec24 { unsigned key; char pad[20]; };

static int cmp_u8(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec24 *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

START_TEST(qsort_orders_as_libc)
{
	struct rec24 a[60], b[60];
	unsigned char c[60], d[60];
	size_t n, i;
	unsigned seed = 1;

	for (n = 0; n <= 60; n++) {
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			a[i].key = (seed >> 8) * 64 + (unsigned)i;     /* distinct */
			memset(a[i].pad, (int)i, sizeof a[i].pad);
			c[i] = (unsigned char)(i * 37 % 61 + (seed & 0x80));
		}
		memcpy(b, a, sizeof a);
		memcpy(d, c, sizeof c);
		small_qsort(a, n, sizeof *a, cmp_rec);
		qsort(b, n, sizeof *b, cmp_rec);
		ck_assert_msg(!memcmp(a, b, n * sizeof *a), "24-byte elements, n %zu", n);
		small_qsort(c, n, 1, cmp_u8);
		qsort(d, n, 1, cmp_u8);
		ck_assert_msg(!memcmp(c, d, n), "bytes, n %zu", n);
	}
}
END_TEST

static const char *const hay[] = {
	"", "a", "aaab", "abababac", "EHLO mx.example.org\r\n250-STARTTLS\r\n",
	"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "x\n\ny\n\n",
	"--starttls -starttls=on", "\xc3\xa9\xc3\xa9t\xc3\xa9",
};
static const char *const needles[] = {
	"", "a", "aab", "abac", "ababac", "\r\n", "\n\n", "-----END", "-starttls", "zz",
	"aaaab", "\xa9t", "250-STARTTLS\r\n!",
};

static void same(const char *h, const char *n)
{
	ck_assert_msg(small_strstr(h, n) == strstr(h, n), "\"%s\" in \"%s\"", n, h);
}

START_TEST(strstr_finds_as_libc)
{
	size_t i, j, k, len;
	char n[64];

	for (i = 0; i < sizeof hay / sizeof *hay; i++) {
		for (j = 0; j < sizeof needles / sizeof *needles; j++)
			same(hay[i], needles[j]);
		len = strlen(hay[i]);
		for (j = 0; j < len; j++)
			for (k = j; k <= len && k - j < sizeof n; k++) {
				memcpy(n, hay[i] + j, k - j);
				n[k - j] = 0;
				same(hay[i], n);
			}
	}
}
END_TEST

/* every input in every base through the four functions: the same value,
 * the same end and the same errno as the C library's */
START_TEST(strto_as_libc)
{
	static const char *in[] = {
		"0", "1", "-1", "+7", "  \t\n42x", "007", "08", "0x", "0x1g", "0X1F",
		"-0x10", "0xg", "zZ", "z", "-", "+", "", " ", "12345678901234567890",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808",
		"-9223372036854775809", "18446744073709551615", "18446744073709551616",
		"-18446744073709551615", "-18446744073709551616", "4294967295",
		"4294967296", "-4294967296", "2147483647", "2147483648", "-2147483649",
		"777777777777777777777777", "1111111111111111111111111111111111111111111111111111111111111111",
		"11111111111111111111111111111111111111111111111111111111111111111",
		"3w5e11264sgsf", "3w5e11264sgsg", "--1", "- 1", "1 ", "10k", "5.8.0",
	};
	static const int bases[] = { 0, 2, 8, 10, 16, 36, 1, 37, -1 };
	size_t i, j;

	for (i = 0; i < sizeof in / sizeof *in; i++)
		for (j = 0; j < sizeof bases / sizeof *bases; j++) {
			const char *s = in[i];
			int b = bases[j], e1, e2;
			char *x1, *x2;
			long long l1, l2;
			unsigned long long u1, u2;

#define SAME(F, SF, V1, V2) \
			errno = 0; V1 = SF(s, &x1, b); e1 = errno; \
			errno = 0; V2 = F(s, &x2, b); e2 = errno; \
			ck_assert_msg(V1 == V2 && x1 == x2 && e1 == e2, \
			              #F "(\"%s\", %d): %lld end %d errno %d, libc %lld end %d errno %d", \
			              s, b, (long long)V1, (int)(x1 - s), e1, (long long)V2, (int)(x2 - s), e2);
			if (b < 0 || b == 1 || b > 36)
				continue;       /* EINVAL is optional in C: ours says it */
			SAME(strtol, small_strtol, l1, l2)
			SAME(strtoll, small_strtoll, l1, l2)
			SAME(strtoul, small_strtoul, u1, u2)
			SAME(strtoull, small_strtoull, u1, u2)
#undef SAME
		}
	errno = 0;
	ck_assert_int_eq(small_strtol("5", NULL, 1), 0);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

Suite *small_suite(void)
{
	Suite *s = suite_create("small");
	TCase *t = tcase_create("small");

	tcase_add_test(t, qsort_orders_as_libc);
	tcase_add_test(t, strstr_finds_as_libc);
	tcase_add_test(t, strto_as_libc);
	suite_add_tcase(s, t);
	return s;
}
