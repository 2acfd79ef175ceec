/* optab.c - the option-table parser: command line, config keys (optab.h). */
#include <stdio.h>
#include <string.h>
#include "account.h"
#include "opt.h"
#include "optab.h"

/* opt_key returns the guard kind of OPT_SECRET/OPT_COMMAND as is */
typedef char opt_guard_kinds[OPT_SECRET >> 4 == CONF_SECRET &&
                             OPT_COMMAND >> 4 == CONF_COMMAND ? 1 : -1];

/* how a name is looked up */
enum { BY_SHORT, BY_LONG, BY_KEY, BY_DASH };

/* the next blank-separated name at *p (NULL at the end or at ':'), its
 * length in *n */
static const char *name_next(const char **p, size_t *n)
{
	const char *s = *p + strspn(*p, " ");

	*n = strcspn(s, " :");
	*p = s + *n;
	return *n ? s : NULL;
}

/* does name s (length n) answer to w (length wn) looked up by `by`?
 * BY_DASH: 1 + the length of the "-word" prefix of w it matches */
static size_t name_is(const char *s, size_t n, int by, const char *w, size_t wn)
{
	switch (by) {
	case BY_SHORT:
		return n == 1 && *s != '-' && *s != '=' && *s == *w;
	case BY_LONG:
		if (n > 2 && s[0] == '-' && s[1] == '-')
			s += 2, n -= 2;
		else if (n < 2 || *s == '-' || *s == '=')
			return 0;
		return n == wn && !memcmp(s, w, n);
	case BY_KEY:
		if (n > 1 && *s == '=')
			s++, n--;
		else if (n < 2 || *s == '-')
			return 0;
		return n == wn && !memcmp(s, w, n);
	}
	if (n < 2 || s[0] != '-' || s[1] == '-')        /* BY_DASH */
		return 0;
	if (s[n - 1] == '*')
		n--;
	return n <= wn && !memcmp(s, w, n) ? n + 1 : 0;
}

/* the entry answering to w; BY_DASH: the one with the longest matching
 * name. *which (when not NULL) is the name that matched. */
static const struct optdef *find(const struct optab *t, int by, const char *w,
                                 size_t wn, const char **which)
{
	const struct optdef *best = NULL;
	size_t bl = 0, n, m;
	unsigned i;

	for (i = 0; i < t->n; i++) {
		const char *p = t->opt[i].names, *s;

		while ((s = name_next(&p, &n)) != NULL) {
			if ((m = name_is(s, n, by, w, wn)) > bl) {
				best = &t->opt[i];
				bl = m;
				if (which)
					*which = s;
				if (by != BY_DASH)
					return best;
			}
		}
	}
	return best;
}

static int kind(const struct optdef *o)
{
	return o->kind & OPT_KIND;
}

static int takes_arg(const struct optdef *o)
{
	return kind(o) != OT_FLAG && kind(o) != OT_SET && kind(o) != OT_CALL0;
}

static void store(char *p, unsigned size, long v)
{
	if (size == sizeof(int)) {
		int i = (int)v;
		memcpy(p, &i, sizeof i);
	} else if (size == sizeof(long)) {
		memcpy(p, &v, sizeof v);
	} else if (size == sizeof(long long)) {
		long long l = v;
		memcpy(p, &l, sizeof l);
	}
}

static long type_max(unsigned size)
{
	return size == sizeof(int) ? INT_MAX : LONG_MAX;
}

/* "64", or for milliseconds seconds: "1", "0.25", "3600" */
static void num_str(long v, int ms, char *buf, size_t max)
{
	int n = ms ? snprintf(buf, max, "%ld.%03ld", v / 1000, v % 1000)
	           : snprintf(buf, max, "%ld", v);

	while (ms && n > 0 && (buf[n - 1] == '0' || buf[n - 1] == '.'))
		if (buf[--n] == '.')
			ms = 0;
	if (n >= 0 && (size_t)n < max)
		buf[n] = 0;
}

static int bad_number(const struct optdef *o, const char *shown, const char *v,
                      struct wb_err *e)
{
	char a[24], b[24], range[56];
	int ms = kind(o) == OT_MS;

	num_str(o->min, ms, a, sizeof a);
	num_str(o->max, ms, b, sizeof b);
	if (o->max == INT_MAX)
		snprintf(range, sizeof range, "at least %s", a);
	else
		snprintf(range, sizeof range, "%s-%s", a, b);
	err_set(e, EX_USAGE, "%s: want %s (%s), not '%s'", shown,
	        ms ? "seconds" : "a number", range, v);
	return -1;
}

static int number(char *p, const struct optdef *o, const char *shown, const char *v,
                  struct wb_err *e)
{
	long max = o->max == INT_MAX ? type_max(o->size) : o->max, n;
	int r = kind(o) == OT_MS ? parse_ms(v, o->min, max, &n)
	                         : parse_long(v, o->min, max, &n);

	if (r)
		return bad_number(o, shown, v, e);
	store(p, o->size, n);
	return 0;
}

/* OT_ENUM: the index of v among the words after ':' in names */
static int word(char *p, const struct optdef *o, const char *shown, const char *v,
                struct wb_err *e)
{
	const char *words = strchr(o->names, ':'), *w;
	size_t n, len = strlen(v);
	long i;

	words = words ? words + 1 : "";
	for (i = 0, w = words; *w; i++, w += n + !!w[n]) {
		n = strcspn(w, "|");
		if (n == len && !memcmp(w, v, n)) {
			store(p, o->size, o->min + i);
			return 0;
		}
	}
	err_set(e, EX_USAGE, "%s: want %s, not '%s'", shown, words, v);
	return -1;
}

/* OT_LIST; shown NULL for the operands */
static int append(char *cfg, const struct optdef *o, const char *shown, const char *v,
                  struct wb_err *e)
{
	unsigned cap = o->size / sizeof v;
	int n;

	memcpy(&n, cfg + o->min, sizeof n);
	if (n < 0 || (unsigned)n >= cap) {
		if (shown)
			err_set(e, EX_USAGE, "%s: at most %u", shown, cap);
		else
			err_set(e, EX_USAGE, "more than %u arguments", cap);
		return -1;
	}
	memcpy(cfg + o->at + (unsigned)n * sizeof v, &v, sizeof v);
	n++;
	memcpy(cfg + o->min, &n, sizeof n);
	return 0;
}

/* OT_FLAG/OT_SET: on (the command line, or "on" in a config file) or off */
static void flag(char *p, const struct optdef *o, int b)
{
	long on = kind(o) == OT_SET ? o->min : 1;
	int cur;

	memcpy(&cur, p, sizeof cur);
	store(p, o->size, b ? on : cur == on ? 0 : cur);
}

/* OT_CALL, OT_CALL0: the reason the call gives, after the spelling */
static int call(const struct optab *t, void *cfg, const struct optdef *o,
                const char *shown, const char *v, struct wb_err *e)
{
	char why[sizeof e->msg];

	if (t->call(cfg, o, v, e) == 0)
		return 0;
	if (shown) {
		memcpy(why, e->msg, sizeof why);
		err_set(e, e->code ? e->code : EX_USAGE, "%s: %s", shown, why);
	}
	return -1;
}

/* give entry o the value v (an OT_FLAG/OT_SET: on); shown is the
 * spelling for messages */
static int set(const struct optab *t, void *cfg, const struct optdef *o,
               const char *shown, const char *v, struct wb_err *e)
{
	char *p = (char *)cfg + o->at;

	switch (kind(o)) {
	case OT_FLAG: case OT_SET:
		flag(p, o, 1);
		return 0;
	case OT_STR:
		memcpy(p, &v, sizeof v);
		return 0;
	case OT_NUM: case OT_MS:
		return number(p, o, shown, v, e);
	case OT_ENUM:
		return word(p, o, shown, v, e);
	case OT_LIST:
		return append(cfg, o, shown, v, e);
	}
	return call(t, cfg, o, shown, v, e);
}

/* ---- the command line ---------------------------------------------------- */

struct scan {
	const struct optab *t;
	void *cfg;
	int argc, ind, early;
	char **argv;
	struct wb_err *e;
};

/* option o as spelled by shown, with the argument attached to its word (or
 * NULL); takes the next word when it needs one */
static int take(struct scan *s, const struct optdef *o, const char *shown,
                const char *arg)
{
	if (takes_arg(o) && !arg) {
		if (s->ind >= s->argc) {
			err_set(s->e, EX_USAGE, "%s: needs an argument", shown);
			return -1;
		}
		arg = s->argv[s->ind++];
	}
	if (s->early && (o->kind & (OPT_EARLY | OPT_OFF)) != OPT_EARLY)
		return 0;
	if (o->kind & OPT_OFF) {
		err_set(s->e, EX_USAGE, "%s: not compiled in (CONFIG_%s)", shown, opt_off(o));
		return -1;
	}
	return set(s->t, s->cfg, o, shown, takes_arg(o) ? arg : NULL, s->e);
}

/* --flag=on|off (an OT_FLAG/OT_SET, as in a config file), --call0=VALUE
 * (an OT_CALL0 gets the value as from a config file): the optional
 * argument of msmtp's --tls[=on|off], --syslog[=FACILITY] */
static int take_eq(struct scan *s, const struct optdef *o, const char *shown,
                   const char *v)
{
	int on = 1;

	if (kind(o) != OT_CALL0 && kind(o) != OT_FLAG && kind(o) != OT_SET) {
		err_set(s->e, EX_USAGE, "%s: takes no argument", shown);
		return -1;
	}
	if (kind(o) != OT_CALL0 && parse_flag(shown, v, &on, s->e))
		return -1;
	if (s->early && (o->kind & (OPT_EARLY | OPT_OFF)) != OPT_EARLY)
		return 0;
	if (o->kind & OPT_OFF && (on || kind(o) == OT_CALL0)) {
		err_set(s->e, EX_USAGE, "%s: not compiled in (CONFIG_%s)", shown, opt_off(o));
		return -1;
	}
	if (kind(o) == OT_CALL0)
		return call(s->t, s->cfg, o, shown, v, s->e);
	if (!(o->kind & OPT_OFF))
		flag((char *)s->cfg + o->at, o, on);
	return 0;
}

static int unknown(struct scan *s, const char *shown)
{
	err_set(s->e, EX_USAGE, "%s: unknown option", shown);
	return -1;
}

/* --name, --name=value */
static int long_word(struct scan *s, const char *w)
{
	const char *eq = strchr(w, '=');
	size_t n = eq ? (size_t)(eq - w) : strlen(w);
	const struct optdef *o = find(s->t, BY_LONG, w + 2, n - 2, NULL);
	char shown[64];

	snprintf(shown, sizeof shown, "%.*s", (int)n, w);
	if (!o && !strcmp(w, "--help"))
		return OPT_HELP_ASKED;
	if (!o)
		return unknown(s, shown);
	if (eq && !takes_arg(o))
		return take_eq(s, o, shown, eq + 1);
	return take(s, o, shown, eq ? eq + 1 : NULL);
}

/* -qv, -c3, -c 3 */
static int cluster(struct scan *s, const char *w)
{
	char shown[3] = "-?";
	int r;

	for (w++; *w; w++) {
		const struct optdef *o = find(s->t, BY_SHORT, w, 1, NULL);

		shown[1] = *w;
		if (!o)
			return unknown(s, shown);
		if (takes_arg(o))
			return take(s, o, shown, w[1] ? w + 1 : NULL);
		if ((r = take(s, o, shown, NULL)) != 0)
			return r;
	}
	return 0;
}

/* -au USER, -auUSER, -oi: name is the one of o that matched */
static int dash_word(struct scan *s, const struct optdef *o, const char *name,
                     const char *w)
{
	size_t n = strcspn(name, " :*");
	char shown[64];

	snprintf(shown, sizeof shown, "%.*s", (int)n, w);
	if (name[n] == '*')             /* a prefix: the rest is the argument */
		return take(s, o, shown, w + n);
	if (w[n] && !takes_arg(o)) {
		err_set(s->e, EX_USAGE, "%s: takes no argument", shown);
		return -1;
	}
	return take(s, o, shown, w[n] ? w + n : NULL);
}

/* an entry without a name takes the operands */
static int operand(struct scan *s, const char *w)
{
	unsigned i;

	for (i = 0; i < s->t->n; i++) {
		const char *p = s->t->opt[i].names;
		size_t n;

		if (!name_next(&p, &n))
			return s->early ? 0 : set(s->t, s->cfg, &s->t->opt[i], NULL, w, s->e);
	}
	if (s->early)
		return 0;
	err_set(s->e, EX_USAGE, "'%s': unexpected argument", w);
	return -1;
}

static int word_at(struct scan *s, int *only_args)
{
	const char *w = s->argv[s->ind++];
	const struct optdef *o;
	const char *name;

	if (*only_args || w[0] != '-' || w[1] == 0)
		return operand(s, w);
	if (!strcmp(w, "--"))
		return *only_args = 1, 0;
	if (w[1] == '-')
		return long_word(s, w);
	if ((o = find(s->t, BY_DASH, w, strlen(w), &name)) != NULL)
		return dash_word(s, o, name, w);
	return cluster(s, w);
}

int opt_argv(const struct optab *t, void *cfg, int argc, char **argv,
             int early, struct wb_err *e)
{
	struct scan s = { t, cfg, argc, 1, early == OPT_EARLY, argv, e };
	int only_args = 0, r;

	while (s.ind < argc)
		if ((r = word_at(&s, &only_args)) != 0 && !s.early)
			return r;
	return 0;
}

/* ---- config files -------------------------------------------------------- */

/* no entry has key: a command-line option (a "--name"), or unknown */
static int no_key(const struct optab *t, const char *key, size_t n, struct wb_err *e)
{
	const char *w = NULL;

	if (find(t, BY_LONG, key, n, &w) && *w == '-')
		err_set(e, EX_CONFIG, "'%s' is a command-line option, not a config key", key);
	else
		err_set(e, EX_CONFIG, "unknown key '%s'", key);
	return -1;
}

int opt_key(const struct optab *t, void *cfg, const char *key, const char *val,
            struct wb_err *e)
{
	size_t n = strlen(key);
	const struct optdef *o = find(t, BY_KEY, key, n, NULL);
	int on = 1, isflag;

	if (!o)
		return no_key(t, key, n, e);
	isflag = kind(o) == OT_FLAG || kind(o) == OT_SET;
	if (isflag && parse_flag(key, val, &on, e))     /* "key on|off" */
		return -1;
	if (o->kind & OPT_OFF) {
		if (!on)                /* off is what a build without it does */
			return 0;
		err_set(e, EX_CONFIG, "%s: not compiled in (CONFIG_%s)", key, opt_off(o));
		return -1;
	}
	if (isflag)
		flag((char *)cfg + o->at, o, on);
	else if (set(t, cfg, o, key, val, e))
		return -1;
	return (o->kind >> 4) & 3;      /* 0, CONF_SECRET or CONF_COMMAND */
}

int opt_conf(void *ctx, const char *key, const char *val, struct wb_err *e)
{
	const struct optconf *c = ctx;

	return opt_key(c->t, c->cfg, key, val, e);
}

/* ---- self-check ---------------------------------------------------------- */

static int size_ok(const struct optdef *o)
{
	switch (kind(o)) {
	case OT_FLAG: case OT_SET: case OT_ENUM:
		return o->size == sizeof(int);
	case OT_STR:
		return o->size == sizeof(char *);
	case OT_NUM: case OT_MS:
		return (o->size == sizeof(int) || o->size == sizeof(long) ||
		        o->size == sizeof(long long)) && o->min <= o->max;
	case OT_LIST:
		return o->size >= sizeof(char *) && o->size % sizeof(char *) == 0 &&
		       o->min >= 0 && o->min % (int)sizeof(int) == 0;
	case OT_CALL: case OT_CALL0:
		return o->size == 0;
	}
	return 0;
}

/* another entry (before o) with a spelling of o's, by the same lookup */
static int clash(const struct optab *t, const struct optdef *o, const char *s, size_t n)
{
	static const int by[] = { BY_SHORT, BY_LONG, BY_KEY, BY_DASH };
	unsigned i;

	for (i = 0; i < sizeof by / sizeof *by; i++) {
		const char *w = s;
		size_t wn = n;
		const struct optdef *f;

		if (by[i] == BY_LONG && n > 2 && s[0] == '-' && s[1] == '-')
			w += 2, wn -= 2;
		else if (by[i] == BY_KEY && n > 1 && s[0] == '=')
			w++, wn--;
		else if (by[i] == BY_DASH && s[n - 1] == '*')
			wn--;
		if (!name_is(s, n, by[i], w, wn))
			continue;
		if ((f = find(t, by[i], w, wn, NULL)) != NULL && f != o)
			return 1;
	}
	return 0;
}

int opt_check(const struct optab *t, char *why, size_t max)
{
	unsigned i, operands = 0;

	for (i = 0; i < t->n; i++) {
		const struct optdef *o = &t->opt[i];
		const char *p = o->names, *s;
		size_t n;

		if (!size_ok(o) || (kind(o) == OT_ENUM) != (strchr(o->names, ':') != NULL) ||
		    ((kind(o) == OT_CALL || kind(o) == OT_CALL0) && !t->call) ||
		    (o->kind & OPT_SECRET && o->kind & OPT_COMMAND))
			return snprintf(why, max, "entry %u '%s': kind and destination differ",
			                i, o->names), -1;
		if (!name_next(&p, &n) && operands++ == 0 && kind(o) != OT_STR &&
		    kind(o) != OT_LIST && kind(o) != OT_CALL)
			return snprintf(why, max, "entry %u: operands want OT_STR, OT_LIST "
			                "or OT_CALL", i), -1;
		for (p = o->names; (s = name_next(&p, &n)) != NULL;)
			if ((n == 1 && (*s == '-' || *s == '=')) || clash(t, o, s, n))
				return snprintf(why, max, "entry %u: name '%.*s' is taken or "
				                "malformed", i, (int)n, s), -1;
	}
	if (operands > 1)
		return snprintf(why, max, "more than one operand entry"), -1;
	return 0;
}
