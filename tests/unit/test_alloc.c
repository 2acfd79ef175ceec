/* test_alloc.c - core/alloc.c, the allocator of static builds, called by
 * its own names (this unit build keeps libc's malloc): alignment, no two
 * live blocks overlap, realloc keeps the bytes, calloc zeroes reused
 * memory and refuses an overflowing size, large blocks are unmapped, and
 * 100,000 rounds of allocating and freeing (sntpc's daemon, a TLS
 * handshake's pattern) map no more memory than the first round did. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "alloc.h"

Suite *alloc_suite(void);

static const size_t sizes[] = {
	0, 1, 15, 16, 17, 31, 100, 1000, 4080, 4096, 16384, 16717, 33000, 65520, 65521, 200000,
};
#define NSIZE (sizeof sizes / sizeof *sizes)

START_TEST(aligned_and_disjoint)
{
	unsigned char *p[NSIZE * 3];
	size_t i, j;

	for (i = 0; i < NSIZE * 3; i++) {
		p[i] = alloc_get(sizes[i % NSIZE]);
		ck_assert_ptr_nonnull(p[i]);
		ck_assert_uint_eq((uintptr_t)p[i] % 16, 0);
		memset(p[i], (int)i, sizes[i % NSIZE]);
	}
	for (i = 0; i < NSIZE * 3; i++) {
		for (j = 0; j < sizes[i % NSIZE] && p[i][j] == (unsigned char)i; j++)
			;
		ck_assert_uint_eq(j, sizes[i % NSIZE]);        /* nothing overwrote it */
	}
	for (i = 0; i < NSIZE * 3; i++)
		alloc_put(p[i]);
	alloc_put(NULL);
}
END_TEST

START_TEST(resize_keeps_bytes)
{
	size_t i, n = 10, k;
	unsigned char *p = alloc_resize(NULL, n);

	ck_assert_ptr_nonnull(p);
	for (k = 0; k < n; k++)
		p[k] = (unsigned char)k;
	/* grow through every class into a mapping of its own, then shrink */
	for (i = 0; i < 20; i++) {
		size_t m = i < 14 ? n * 2 : n / 2;

		p = alloc_resize(p, m);
		ck_assert_ptr_nonnull(p);
		for (k = 0; k < (m < n ? m : n) && p[k] == (unsigned char)k; k++)
			;
		ck_assert_uint_eq(k, m < n ? m : n);
		for (k = n; k < m; k++)
			p[k] = (unsigned char)k;
		n = m;
	}
	alloc_put(p);
}
END_TEST

START_TEST(zeroed_and_overflow)
{
	unsigned char *p = alloc_get(1000), *q;
	size_t i;

	memset(p, 0xff, 1000);
	alloc_put(p);
	q = alloc_zeroed(10, 100);      /* the same block again: cleared */
	ck_assert_ptr_nonnull(q);
	for (i = 0; i < 1000 && !q[i]; i++)
		;
	ck_assert_uint_eq(i, 1000);
	alloc_put(q);
	errno = 0;
	ck_assert_ptr_null(alloc_zeroed(SIZE_MAX / 2, 3));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_ptr_null(alloc_get(SIZE_MAX - 8));
	ck_assert_ptr_null(alloc_resize(NULL, SIZE_MAX));
}
END_TEST

START_TEST(large_blocks_unmapped)
{
	size_t before = alloc_mapped();
	void *p = alloc_get(1 << 20);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_ge(alloc_mapped(), before + (1 << 20));
	memset(p, 1, 1 << 20);
	alloc_put(p);
	ck_assert_uint_eq(alloc_mapped(), before);
}
END_TEST

/* one round: what a resolver call and a TLS handshake do (many sizes,
 * freed out of order, a buffer grown by realloc) */
static void round_of_work(unsigned seed)
{
	void *p[64];
	size_t i;

	for (i = 0; i < 64; i++)
		p[i] = alloc_get((seed * 2654435761u + i * 40503u) % 20000);
	for (i = 0; i < 64; i += 2)
		alloc_put(p[i]);
	for (i = 1; i < 64; i += 2)
		p[i] = alloc_resize(p[i], (i * 977) % 40000);
	for (i = 1; i < 64; i += 2)
		alloc_put(p[i]);
}

START_TEST(reuse_keeps_memory_bounded)
{
	size_t warm;
	unsigned r;

	for (r = 0; r < 100; r++)
		round_of_work(r % 7);
	warm = alloc_mapped();
	ck_assert_uint_gt(warm, 0);
	for (r = 0; r < 100000; r++)
		round_of_work(r % 7);
	ck_assert_uint_eq(alloc_mapped(), warm);
}
END_TEST

Suite *alloc_suite(void)
{
	Suite *s = suite_create("alloc");
	TCase *t = tcase_create("alloc");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, aligned_and_disjoint);
	tcase_add_test(t, resize_keeps_bytes);
	tcase_add_test(t, zeroed_and_overflow);
	tcase_add_test(t, large_blocks_unmapped);
	tcase_add_test(t, reuse_keeps_memory_bounded);
	suite_add_tcase(s, t);
	return s;
}
