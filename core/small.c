/* small.c - see small.h. */
#include <stdlib.h>
#include <string.h>
#include "small.h"

static void swap(char *a, char *b, size_t size)
{
	char t;

	while (size--)
		t = *a, *a++ = *b, *b++ = t;
}

void small_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *b = base;
	size_t i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && cmp(b + (j - 1) * size, b + j * size) > 0; j--)
			swap(b + (j - 1) * size, b + j * size, size);
}

char *small_strstr(const char *h, const char *n)
{
	size_t len = strlen(n);

	if (!len)
		return (char *)h;
	for (; (h = strchr(h, *n)) != NULL; h++)
		if (!strncmp(h, n, len))
			return (char *)h;
	return NULL;
}

/* libc's names in static musl builds: see small.h */
#if defined(WB_OWN_LIBC) && !defined(__GLIBC__)
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	small_qsort(base, n, size, cmp);
}

char *strstr(const char *h, const char *n)
{
	return small_strstr(h, n);
}
#endif
