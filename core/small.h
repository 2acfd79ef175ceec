/* small.h - small versions of libc functions that musl implements for
 * speed on large inputs, for static builds (small.c). Static musl builds
 * (STATIC=1 gives -DWB_OWN_LIBC) get qsort, strstr and strto[u]l[l] from here: musl's
 * smoothsort (~2.1 KB, only its resolver sorts, at most 48 addresses) and
 * two-way strstr (~1.3 KB; wirebox and mbedTLS search short lines and PEM
 * headers). Dynamic builds keep libc's; the unit tests compare the two. */
#ifndef WB_SMALL_H
#define WB_SMALL_H
#include <stddef.h>

/* insertion sort: quadratic, for the few elements musl's resolver sorts */
void small_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* strchr for the first byte, then a compare: O(len(h) * len(n)) at worst */
char *small_strstr(const char *h, const char *n);
/* strtol and friends as C99 says, by one digit loop (musl's go through a
 * FILE-based scanner, ~2.3 KB) */
long small_strtol(const char *s, char **end, int base);
long long small_strtoll(const char *s, char **end, int base);
unsigned long small_strtoul(const char *s, char **end, int base);
unsigned long long small_strtoull(const char *s, char **end, int base);
#endif
