/* small.c - see small.h. */
#include <errno.h>
#include <limits.h>
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

static unsigned digit(int c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	c |= 32;
	return c >= 'a' && c <= 'z' ? (unsigned)(c - 'a' + 10) : 99;
}

/* strto*'s common part: the magnitude of s in base (0: by its prefix), at
 * most plim, or nlim after a '-' (*how gets MINUS); beyond it ERANGE, the
 * limit and OVER; *end after the last digit, or s when there is none */
enum { MINUS = 1, OVER = 2 };

static unsigned long long scan(const char *s, char **end, int base,
	unsigned long long plim, unsigned long long nlim, int *how)
{
	const char *p = s;
	unsigned long long v = 0, lim;
	unsigned d, b = (unsigned)base;
	int any = 0, over = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	*how = *p == '-' ? MINUS : 0;
	if (*p == '-' || *p == '+')
		p++;
	if (base < 0 || base == 1 || base > 36) {
		errno = EINVAL;
		b = 0;
	} else if ((b == 0 || b == 16) && p[0] == '0' && (p[1] | 32) == 'x' &&
	           digit((unsigned char)p[2]) < 16) {
		p += 2;
		b = 16;
	} else if (b == 0) {
		b = *p == '0' ? 8 : 10;
	}
	lim = *how ? nlim : plim;
	for (; (d = digit((unsigned char)*p)) < b; p++, any = 1)
		if (over || v > (lim - d) / b)
			over = 1;
		else
			v = v * b + d;
	if (end)
		*end = (char *)(any ? p : s);
	if (over) {
		errno = ERANGE;
		*how |= OVER;
		return lim;
	}
	return v;
}

/* signed: the magnitude scan() bounded by MAX (MAX + 1 after a '-') */
static long long with_sign(unsigned long long v, int how)
{
	return how & MINUS && v ? -(long long)(v - 1) - 1 : (long long)v;
}

long long small_strtoll(const char *s, char **end, int base)
{
	int how;
	unsigned long long v = scan(s, end, base, LLONG_MAX, (unsigned long long)LLONG_MAX + 1, &how);

	return with_sign(v, how);
}

long small_strtol(const char *s, char **end, int base)
{
	int how;
	unsigned long long v = scan(s, end, base, LONG_MAX, (unsigned long long)LONG_MAX + 1, &how);

	return (long)with_sign(v, how);
}

/* unsigned: a '-' negates the value, as C says */
unsigned long long small_strtoull(const char *s, char **end, int base)
{
	int how;
	unsigned long long v = scan(s, end, base, ULLONG_MAX, ULLONG_MAX, &how);

	return how == MINUS ? -v : v;
}

unsigned long small_strtoul(const char *s, char **end, int base)
{
	int how;
	unsigned long long v = scan(s, end, base, ULONG_MAX, ULONG_MAX, &how);

	return how == MINUS ? (unsigned long)-v : (unsigned long)v;
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

long strtol(const char *s, char **end, int base)
{
	return small_strtol(s, end, base);
}

long long strtoll(const char *s, char **end, int base)
{
	return small_strtoll(s, end, base);
}

unsigned long strtoul(const char *s, char **end, int base)
{
	return small_strtoul(s, end, base);
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	return small_strtoull(s, end, base);
}
#endif
