/* aliases.c - local recipients ("root", "admin") through an aliases file:
 * "name: addr, addr" lines, '#' comments, a "default:" entry. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include "sysopts.h"
#include "util.h"
#include "smtp.h"

const char *alias_load(const char *path, char *text, size_t max,
                       struct wb_err *e)
{
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		err_sys(e, EX_CONFIG, "aliases %s", path);
		return NULL;
	}
	for (;;) {
		ssize_t r = read(fd, text + n, max - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (n += (size_t)r) == max - 1)
			break;
	}
	close(fd);
	if (n == max - 1 || memchr(text, 0, n)) {
		err_set(e, EX_CONFIG, "aliases %s: too large or not text", path);
		return NULL;
	}
	text[n] = 0;
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
