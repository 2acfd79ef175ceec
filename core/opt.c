/* opt.c - short, long and BusyBox-style options (see opt.h). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include "sysopts.h"
#include "opt.h"

void opt_init(struct optstate *st, int argc, char **argv)
{
	memset(st, 0, sizeof *st);
	st->argc = argc;
	st->argv = argv;
	st->ind = 1;
}

static int need_arg(struct optstate *st, const struct opt *o, char *attached,
                    const char *shown)
{
	if (!o->has_arg) {
		if (attached) {
			snprintf(st->err, sizeof st->err, "option %s takes no argument", shown);
			return OPT_ERR;
		}
		return o->id;
	}
	if (attached) {
		st->arg = attached;
		return o->id;
	}
	if (st->ind >= st->argc) {
		snprintf(st->err, sizeof st->err, "option %s needs an argument", shown);
		return OPT_ERR;
	}
	st->arg = st->argv[st->ind++];
	return o->id;
}

static int long_opt(struct optstate *st, const struct opt *tab, char *w)
{
	char *eq = strchr(w + 2, '=');
	size_t n = eq ? (size_t)(eq - w - 2) : strlen(w + 2);
	const struct opt *o;

	for (o = tab; o->name; o++)
		if (strlen(o->name) > 1 && o->name[0] != '-' &&
		    strlen(o->name) == n && !strncmp(o->name, w + 2, n))
			return need_arg(st, o, eq ? eq + 1 : NULL, w);
	snprintf(st->err, sizeof st->err, "unknown option %.*s", (int)(n + 2), w);
	return OPT_ERR;
}

/* "-au"-style names and "-o*" prefixes, longest first */
static const struct opt *dash_word(const struct opt *tab, const char *w, size_t *len)
{
	const struct opt *o, *best = NULL;
	size_t bl = 0;

	for (o = tab; o->name; o++) {
		size_t n = strlen(o->name);
		if (o->name[0] != '-')
			continue;
		if (o->name[n - 1] == '*')
			n--;
		if (n > bl && !strncmp(o->name, w, n)) {
			best = o;
			bl = n;
		}
	}
	*len = bl;
	return best;
}

int opt_next(struct optstate *st, const struct opt *tab)
{
	char *w;
	const struct opt *o;
	char shown[3] = "-?";

	st->arg = NULL;
	if (st->cluster == 0) {
		size_t n;

		if (st->ind >= st->argc)
			return OPT_END;
		w = st->argv[st->ind++];
		if (st->only_args || w[0] != '-' || w[1] == 0) {
			st->arg = w;
			return OPT_ARG;
		}
		if (!strcmp(w, "--")) {
			st->only_args = 1;
			return opt_next(st, tab);
		}
		if (w[1] == '-')
			return long_opt(st, tab, w);
		if ((o = dash_word(tab, w, &n)) != NULL) {
			if (o->name[strlen(o->name) - 1] == '*') {
				st->arg = w + n;
				return o->id;
			}
			return need_arg(st, o, w[n] ? w + n : NULL, o->name);
		}
		st->cluster = 1;
	}
	w = st->argv[st->ind - 1];
	shown[1] = w[st->cluster];
	for (o = tab; o->name; o++)
		if (o->name[0] == w[st->cluster] && o->name[1] == 0)
			break;
	if (!o->name) {
		st->cluster = 0;
		snprintf(st->err, sizeof st->err, "unknown option %s", shown);
		return OPT_ERR;
	}
	if (o->has_arg) {
		char *rest = w + st->cluster + 1;
		st->cluster = 0;
		return need_arg(st, o, *rest ? rest : NULL, shown);
	}
	if (w[++st->cluster] == 0)
		st->cluster = 0;
	return o->id;
}

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
