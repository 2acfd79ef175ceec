/* fuzz_msmtprc.c - msmtp's config format (core/msmtprc.c) on any text:
 * rc_split either fails with EX_CONFIG and "rc:LINE: reason" or gives
 * lines whose keys are one word without blanks or control characters
 * (the values none either), parents defined before their account; then
 * rc_apply of no name, "default" and every account: each key it hands out
 * is a line of the file (never "account" or "defaults"), an account's own
 * lines all come, the work stays within RC_APPLY_MAX, and an error is
 * EX_CONFIG naming the file and line. Splitting the text twice gives the
 * same lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "msmtprc.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rc_file f, g;
static char text[16384], text2[16384];

struct count {
	int calls, fail_at;
};

static int take(void *ctx, const char *k, const char *v, struct wb_err *e)
{
	struct count *c = ctx;
	const char *p;

	if (!*k || !strcmp(k, "account") || !strcmp(k, "defaults") || strpbrk(k, " \t"))
		abort();
	for (p = k; *p; p++)
		if (ctl_byte((unsigned char)*p))
			abort();
	for (p = v; *p; p++)
		if (ctl_byte((unsigned char)*p))
			abort();
	if (++c->calls > RC_APPLY_MAX)
		abort();
	if (c->calls == c->fail_at) {
		err_set(e, EX_USAGE, "%s: no", k);
		return -1;
	}
	return 0;
}

static void check_err(const struct wb_err *e)
{
	if (e->code != EX_CONFIG || strncmp(e->msg, "rc:", 3))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wb_err e = { 0, "" };
	struct count c;
	int i, r, own;

	if (size >= sizeof text)
		size = sizeof text - 1;
	memcpy(text, data, size);
	text[size] = 0;
	memcpy(text2, text, size + 1);
	f.path = g.path = "rc";
	r = rc_split(text, &f, &e);
	if (r != rc_split(text2, &g, &e) + 0 && r == 0)
		abort();
	if (r) {
		check_err(&e);
		return 0;
	}
	if (f.n != g.n || f.accounts != g.accounts)
		abort();
	for (i = 0; i < f.n; i++) {
		const struct rc_line *l = &f.line[i];
		int k;

		if (strcmp(l->key, g.line[i].key) || strcmp(l->val, g.line[i].val))
			abort();
		if (l->section > i || (l->section == i && strcmp(l->key, "account")))
			abort();
		for (k = 0; l->section == i && k < l->pcount; k++)
			if (f.parent[l->pfirst + k] >= i)
				abort();   /* a parent is always defined before */
	}
	memset(&c, 0, sizeof c);
	r = rc_apply(&f, NULL, take, &c, NULL, NULL, &e);
	if (r < 0)
		check_err(&e);
	else if (r != 0 && r != RC_NOT_FOUND)
		abort();
	for (i = 0; i < f.n; i++) {
		if (f.line[i].section != i)
			continue;
		memset(&c, 0, sizeof c);
		c.fail_at = size ? data[0] % 8 : 0;
		r = rc_apply(&f, f.line[i].val, take, &c, NULL, NULL, &e);
		if (r == RC_NOT_FOUND || r > 0)
			abort();
		if (r < 0) {
			check_err(&e);
			continue;
		}
		own = 0;
		{
			int k;
			for (k = i + 1; k < f.n; k++)
				own += f.line[k].section == i;
		}
		if (c.calls < own)
			abort();
	}
	return 0;
}
