/* opt.c - numbers, seconds, on/off and ports for the option tables (opt.h). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include "sysopts.h"
#include "opt.h"

int parse_long(const char *s, long min, long max, long *out)
{
	unsigned long v = 0, lim = LONG_MAX;
	long r;
	int neg = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!*s || s[strspn(s, "0123456789")])
		return -1;
	lim += (unsigned long)neg;              /* |LONG_MIN| = LONG_MAX + 1 */
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	r = neg && v ? -(long)(v - 1) - 1 : (long)v;
	if (r < min || r > max)
		return -1;
	*out = r;
	return 0;
}

int parse_ms(const char *s, long min_ms, long max_ms, long *out)
{
	long ms = 0, scale = 1000;
	const char *p = s;

	if (!*p || *p == '.')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		long d = (*p - '0') * 1000L;
		if (ms > (max_ms - d) / 10)
			return -1;
		ms = ms * 10 + d;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			scale /= 10;
			if (ms > max_ms - (*p - '0') * scale)
				return -1;
			ms += (*p - '0') * scale;
		}
	}
	if (*p || ms < min_ms || ms > max_ms)
		return -1;
	*out = ms;
	return 0;
}

int parse_flag(const char *key, const char *v, int *out, struct wb_err *e)
{
	if (!*v || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "1"))
		return *out = 1, 0;
	if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "0"))
		return *out = 0, 0;
	err_set(e, EX_USAGE, "%s: want on or off, not '%s'", key, v);
	return -1;
}

int port_ok(const char *v)
{
	long n = 0;

	if (!*v || strlen(v) > 5 || v[strspn(v, "0123456789")])
		return 0;
	while (*v)
		n = n * 10 + (*v++ - '0');
	return n >= 1 && n <= 65535;
}
