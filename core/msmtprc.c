/* msmtprc.c - msmtp's config file format (msmtprc.h): pure, no I/O. */
#include <stdio.h>
#include <string.h>
#include "msmtprc.h"
#include "text.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static char *trim(char *s)
{
	char *e;

	while (is_blank(*s))
		s++;
	e = s + strlen(s);
	while (e > s && (is_blank(e[-1]) || e[-1] == '\r'))
		*--e = 0;
	return s;
}

static int line_err(const struct rc_file *f, int lineno, const char *why,
                    const char *what, struct wb_err *e)
{
	err_set(e, EX_CONFIG, "%s:%d: %s%.100s", f->path, lineno, why, what ? what : "");
	return -1;
}

/* "account NAME [: PARENT[,PARENT...]]" at line index i */
static int account_line(struct rc_file *f, struct rc_line *l, char *v, struct wb_err *e)
{
	char *colon = strchr(v, ':'), *p, *next;
	int k;

	if (colon)
		*colon = 0;
	l->key = "account";
	l->val = trim(v);
	if (!*l->val || strpbrk(l->val, " \t,"))
		return line_err(f, l->lineno, "want 'account NAME [: PARENT,...]', not 'account ",
		                l->val, e);
	if (rc_find(f, l->val) >= 0)
		return line_err(f, l->lineno, "account was already defined: ", l->val, e);
	l->pfirst = (short)f->nparent;
	for (p = colon ? colon + 1 : NULL; p; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = 0;
		p = trim(p);
		if (!*p || strpbrk(p, " \t"))
			return line_err(f, l->lineno, "want 'account NAME : PARENT,...': "
			                "bad parent list", NULL, e);
		if ((k = rc_find(f, p)) < 0)
			return line_err(f, l->lineno, "account not found: ", p, e);
		if (f->nparent >= RC_LINES_MAX)
			return line_err(f, l->lineno, "too many parents", NULL, e);
		f->parent[f->nparent++] = (short)k;
		l->pcount++;
	}
	f->accounts++;
	return 0;
}

/* one line (NUL-terminated); *section is the current section */
static int one_line(struct rc_file *f, char *s, int lineno, short *section,
                    struct wb_err *e)
{
	struct rc_line *l;
	char *v;
	size_t n;

	s = trim(s);
	if (!*s || *s == '#')
		return 0;
	if (strlen(s) >= CONF_LINE_MAX)
		return line_err(f, lineno, "line too long", NULL, e);
	for (v = s; *v; v++)
		if (ctl_byte((unsigned char)*v))        /* a stray CR would reach the server */
			return line_err(f, lineno, "control character in line", NULL, e);
	v = s + strcspn(s, " \t");
	if (*v)
		*v++ = 0;
	v = trim(v);
	if (!strcmp(s, "defaults")) {
		if (*v)
			return line_err(f, lineno, "'defaults' takes no argument", NULL, e);
		*section = -1;
		return 0;
	}
	if (f->n >= RC_LINES_MAX)
		return line_err(f, lineno, "more than 256 settings in one file", NULL, e);
	l = &f->line[f->n];
	memset(l, 0, sizeof *l);
	l->lineno = lineno;
	if (!strcmp(s, "account")) {
		if (account_line(f, l, v, e))
			return -1;
		*section = (short)f->n++;
		l->section = *section;
		return 0;
	}
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {        /* as msmtp: "..." */
		v[n - 1] = 0;
		v++;
	}
	l->key = s;
	l->val = v;
	l->section = *section;
	f->n++;
	return 0;
}

int rc_split(char *text, struct rc_file *f, struct wb_err *e)
{
	char *line, *next;
	short section = -1;
	int lineno = 0;

	f->n = f->accounts = f->nparent = 0;
	for (line = text; line && *line; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = 0;
		if (one_line(f, line, lineno, &section, e))
			return -1;
	}
	return 0;
}

int rc_find(const struct rc_file *f, const char *name)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (f->line[i].pcount >= 0 && f->line[i].section == i &&
		    !strcmp(f->line[i].val, name))
			return i;
	return -1;
}

struct apply {
	const struct rc_file *f;
	conf_fn fn;
	void *ctx;
	rc_guard_fn guard;
	void *gctx;
	int budget;
	struct wb_err *e;
};

static int apply_line(struct apply *a, const struct rc_line *l)
{
	struct wb_err *e = a->e;
	char tmp[sizeof e->msg];
	int r;

	if (--a->budget < 0)
		return line_err(a->f, l->lineno, "account inheritance too deep", NULL, e);
	if ((r = a->fn(a->ctx, l->key, l->val, e)) < 0) {
		memcpy(tmp, e->msg, sizeof tmp);
		snprintf(e->msg, sizeof e->msg, "%s:%d: %s", a->f->path, l->lineno, tmp);
		if (!e->code || e->code == EX_USAGE)
			e->code = EX_CONFIG;
		return -1;
	}
	return r > 0 && a->guard ? a->guard(a->gctx, r, l->key, e) : 0;
}

/* the account at line index k: defaults before it, parents, its lines */
static int apply_account(struct apply *a, int k)
{
	const struct rc_file *f = a->f;
	const struct rc_line *acct = &f->line[k];
	int i;

	for (i = 0; i < k; i++)
		if (f->line[i].section < 0 && apply_line(a, &f->line[i]))
			return -1;
	for (i = 0; i < acct->pcount; i++)
		if (apply_account(a, f->parent[acct->pfirst + i]))
			return -1;
	for (i = k + 1; i < f->n; i++)
		if (f->line[i].section == k && apply_line(a, &f->line[i]))
			return -1;
	return 0;
}

int rc_apply(const struct rc_file *f, const char *name, conf_fn fn, void *ctx,
             rc_guard_fn guard, void *gctx, struct wb_err *e)
{
	struct apply a = { f, fn, ctx, guard, gctx, RC_APPLY_MAX, e };
	int i, k;

	if (!name && f->accounts == 0) {
		for (i = 0; i < f->n; i++)
			if (apply_line(&a, &f->line[i]))
				return -1;
		return 0;
	}
	if ((k = rc_find(f, name ? name : "default")) < 0)
		return RC_NOT_FOUND;
	return apply_account(&a, k);
}
