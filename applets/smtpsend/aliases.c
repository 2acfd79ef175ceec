/* aliases.c - local recipients ("root", "admin") through an aliases file:
 * "name: addr, addr" lines, '#' comments, a "default:" entry. */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <sys/stat.h>
#include "sysopts.h"
#include "util.h"
#include "smtp.h"

/* a missing or bad aliases file is a configuration error (78) */
const char *alias_load(const char *path, char *text, size_t max,
                       struct wb_err *e)
{
	struct stat st;

	if (file_read_small(path, text, max, &st, e) < 0) {
		char why[sizeof e->msg];

		snprintf(why, sizeof why, "%s", e->msg);
		err_set(e, EX_CONFIG, "aliases %.200s", why);
		return NULL;
	}
	return text;
}

/* the targets after "name:" on the line [p, end) */
static int targets(const char *p, const char *end, addr_fn fn, void *ctx,
                   struct wb_err *e)
{
	char a[ADDR_MAX];
	int count = 0;

	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *q = c ? c : end, *s = p;

		while (s < q && (*s == ' ' || *s == '\t'))
			s++;
		while (q > s && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r'))
			q--;
		if (q > s) {
			if ((size_t)(q - s) >= sizeof a) {
				err_set(e, EX_CONFIG, "alias target too long");
				return -1;
			}
			memcpy(a, s, (size_t)(q - s));
			a[q - s] = 0;
			if (fn(ctx, a, e))
				return -1;
			count++;
		}
		p = c ? c + 1 : end;
	}
	return count;
}

/* find "name:" at a line start; the line's value range */
static int find(const char *text, const char *name, const char **v,
                const char **end)
{
	size_t n = strlen(name);
	const char *p = text;

	while (*p) {
		const char *e = strchr(p, '\n'), *s = p;

		if (!e)
			e = p + strlen(p);
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (*s != '#' && (size_t)(e - s) > n && prefix_icase(s, name)) {
			const char *c = s + n;
			while (c < e && (*c == ' ' || *c == '\t'))
				c++;
			if (c < e && *c == ':') {
				*v = c + 1;
				*end = e;
				return 1;
			}
		}
		p = *e ? e + 1 : e;
	}
	return 0;
}

int alias_lookup(const char *text, const char *name, addr_fn fn, void *ctx,
                 struct wb_err *e)
{
	const char *v, *end;

	if (find(text, name, &v, &end) || find(text, "default", &v, &end))
		return targets(v, end, fn, ctx, e);
	return 0;
}
