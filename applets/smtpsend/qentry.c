/* qentry.c - the queue's text formats (see queue.h): an entry's head and
 * its state file, written and read back exactly; the parsers take only the
 * lines in the documented order, so what parses formats back byte for byte. */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include "queue.h"
#include "util.h"

#define QMAGIC "smtpsend-queue 1"

/* ---- lines ---- */

/* one line of a buffer: its keyword and the value after the first space */
struct qline {
	const char *key, *val;
	size_t klen, vlen;
	int has_val;
};

struct qcursor {
	const char *p;
	size_t len, off;
	int line;
};

/* a byte no value may hold: below 0x20 (TAB too) or DEL */
static int bad_byte(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int text_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (bad_byte((unsigned char)s[i]))
			return 0;
	return 1;
}

static int key_ok(const char *k, size_t n)
{
	size_t i;

	if (n == 0 || n >= QKEY_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return 0;
	return 1;
}

/* the next line into l: 1, 0 at the end of the buffer (or of limit bytes)
 * with no complete line left, -1 a control byte (c->line is that line) */
static int next_line(struct qcursor *c, size_t limit, struct qline *l)
{
	const char *s = c->p + c->off, *nl, *sp;
	size_t room = (c->len < limit ? c->len : limit) - c->off;

	if (c->off >= (c->len < limit ? c->len : limit))
		return 0;
	c->line++;
	nl = memchr(s, '\n', room);
	if (!nl)
		return text_ok(s, room) ? 0 : -1;
	if (!text_ok(s, (size_t)(nl - s)))
		return -1;
	c->off += (size_t)(nl - s) + 1;
	sp = memchr(s, ' ', (size_t)(nl - s));
	l->key = s;
	l->klen = sp ? (size_t)(sp - s) : (size_t)(nl - s);
	l->has_val = sp != NULL;
	l->val = sp ? sp + 1 : nl;
	l->vlen = sp ? (size_t)(nl - sp - 1) : 0;
	return 1;
}

static int is_key(const struct qline *l, const char *k)
{
	return l->klen == strlen(k) && !memcmp(l->key, k, l->klen);
}

/* a canonical decimal (no sign, no leading zero) that fits in int64_t */
static int num_parse(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (INT64_MAX - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* a value of at most max-1 bytes into out */
static int val_copy(const struct qline *l, char *out, size_t max)
{
	if (!l->has_val || l->vlen == 0 || l->vlen >= max)
		return -1;
	memcpy(out, l->val, l->vlen);
	out[l->vlen] = 0;
	return 0;
}

/* ---- output ---- */

struct qout {
	char *buf;
	size_t max, len;
	int over;
};

static void put(struct qout *o, const char *fmt, const char *key, const char *val)
{
	int n = snprintf(o->buf + o->len, o->max - o->len, fmt, key, val);

	if (n < 0 || (size_t)n >= o->max - o->len)
		o->over = 1;
	else
		o->len += (size_t)n;
}

static void put_num(struct qout *o, const char *key, int64_t v, const char *tail)
{
	char num[48];

	snprintf(num, sizeof num, "%lld%s", (long long)v, tail);
	put(o, "%s %s\n", key, num);
}

/* ---- entries ---- */

static int addr_utf8(const char *a)
{
	int u = 0;

	return addr_ok(a, &u) && u;
}

static int entry_utf8(const struct qentry *q)
{
	int i, u = addr_utf8(q->from);

	for (i = 0; i < q->nrcpt; i++)
		u |= addr_utf8(q->rcpt[i]);
	return u;
}

/* a reason the entry cannot be written as it is, or NULL */
static const char *entry_check(const struct qentry *q)
{
	int i, u;

	if (q->injected < 0)
		return "injection time before 1970";
	if (q->from[0] && !addr_ok(q->from, &u))
		return "invalid sender address";
	if (q->nrcpt < 1 || q->nrcpt > RCPT_MAX)
		return "no recipients, or too many";
	for (i = 0; i < q->nrcpt; i++)
		if (!addr_ok(q->rcpt[i], &u))
			return "invalid recipient address";
	if (q->nset < 0 || q->nset > QSET_MAX)
		return "too many settings";
	for (i = 0; i < q->nset; i++)
		if (!key_ok(q->set[i].key, strlen(q->set[i].key)) || !q->set[i].val[0] ||
		    !text_ok(q->set[i].val, strlen(q->set[i].val)) ||
		    qentry_get(q, q->set[i].key) != q->set[i].val)
			return "a setting with a bad or duplicate key, or a control byte";
	return NULL;
}

long qentry_format(const struct qentry *q, char *buf, size_t max, struct wb_err *e)
{
	struct qout o = { buf, max, 0, max == 0 };
	const char *why = entry_check(q);
	int i;

	if (why) {
		err_set(e, EX_DATAERR, "queue entry: %s", why);
		return -1;
	}
	put(&o, "%s%s\n", QMAGIC, "");
	put_num(&o, "injected", q->injected, q->inj_valid ? " valid" : " invalid");
	put(&o, q->from[0] ? "%s %s\n" : "%s%s\n", "from", q->from);
	for (i = 0; i < q->nrcpt; i++)
		put(&o, "%s %s\n", "rcpt", q->rcpt[i]);
	if (q->utf8 || entry_utf8(q))
		put(&o, "%s%s\n", "utf8 1", "");
	for (i = 0; i < q->nset; i++)
		put(&o, "set %s %s\n", q->set[i].key, q->set[i].val);
	put(&o, "%s%s\n", "end", "");
	if (o.over || o.len > QHEAD_MAX) {
		err_set(e, EX_DATAERR, "queue entry: the head is longer than %d bytes", QHEAD_MAX);
		return -1;
	}
	return (long)o.len;
}

/* the order of an entry's lines; rcpt and set repeat */
enum { E_MAGIC, E_INJECTED, E_FROM, E_RCPT, E_UTF8, E_SET, E_END };
static const char *const entry_keys[] = {
	"smtpsend-queue", "injected", "from", "rcpt", "utf8", "set", "end"
};

static int entry_stage(const struct qline *l)
{
	int i;

	for (i = 0; i < (int)(sizeof entry_keys / sizeof *entry_keys); i++)
		if (is_key(l, entry_keys[i]))
			return i;
	return -1;
}

static const char *parse_injected(const struct qline *l, struct qentry *q)
{
	const char *sp = l->has_val ? memchr(l->val, ' ', l->vlen) : NULL;
	size_t tail;

	if (!sp || num_parse(l->val, (size_t)(sp - l->val), &q->injected))
		return "injected: not \"injected SECONDS valid|invalid\"";
	tail = l->vlen - (size_t)(sp - l->val) - 1;
	if (tail == 5 && !memcmp(sp + 1, "valid", 5))
		q->inj_valid = 1;
	else if (!(tail == 7 && !memcmp(sp + 1, "invalid", 7)))
		return "injected: not \"valid\" or \"invalid\"";
	return NULL;
}

static const char *parse_addr(const struct qline *l, char *out, int *utf8)
{
	int u;

	if (val_copy(l, out, ADDR_MAX) || !addr_ok(out, &u))
		return "invalid address";
	*utf8 |= u;
	return NULL;
}

static const char *parse_set(const struct qline *l, struct qentry *q)
{
	const char *sp = l->has_val ? memchr(l->val, ' ', l->vlen) : NULL;
	struct qline v;
	struct qset *s;

	if (q->nset >= QSET_MAX)
		return "too many settings";
	if (!sp || !key_ok(l->val, (size_t)(sp - l->val)))
		return "set: not \"set KEY VALUE\" with KEY of [a-z0-9_]";
	s = &q->set[q->nset];
	memcpy(s->key, l->val, (size_t)(sp - l->val));
	s->key[sp - l->val] = 0;
	if (qentry_get(q, s->key))
		return "set: a duplicate key";
	v.has_val = 1;
	v.val = sp + 1;
	v.vlen = l->vlen - (size_t)(sp - l->val) - 1;
	if (val_copy(&v, s->val, QVAL_MAX))
		return "set: an empty or too long value";
	q->nset++;
	return NULL;
}

/* one line of stage st; NULL or why not */
static const char *entry_line(const struct qline *l, int st, struct qentry *q, int *utf8)
{
	switch (st) {
	case E_MAGIC:
		return l->has_val && l->vlen == 1 && l->val[0] == '1' ? NULL :
		       "not a queue entry (version 1)";
	case E_INJECTED:
		return parse_injected(l, q);
	case E_FROM:
		if (!l->has_val)
			return NULL;
		return parse_addr(l, q->from, utf8);
	case E_RCPT:
		if (q->nrcpt >= RCPT_MAX)
			return "too many recipients";
		return parse_addr(l, q->rcpt[q->nrcpt++], utf8);
	case E_UTF8:
		q->utf8 = 1;
		return l->has_val && l->vlen == 1 && l->val[0] == '1' ? NULL : "utf8: not \"utf8 1\"";
	case E_SET:
		return parse_set(l, q);
	default:
		return l->has_val ? "end: a value after it" : NULL;
	}
}

/* NULL if a line of stage st may come after stage last */
static const char *entry_order(int st, int last)
{
	int i;

	if (st < 0)
		return "unknown line";
	if (st < last || (st == last && st != E_RCPT && st != E_SET))
		return st == last ? "duplicate line" : "line out of order";
	for (i = last + 1; i < st; i++)
		if (i != E_UTF8 && i != E_SET)
			return i == E_MAGIC ? "not a queue entry" : "a required line is missing";
	return NULL;
}

static int entry_fail(struct wb_err *e, const struct qcursor *c, const char *why)
{
	err_set(e, EX_DATAERR, "queue entry: line %d: %s", c->line, why);
	return -1;
}

int qentry_parse(const char *buf, size_t len, struct qentry *q, size_t *body,
                 struct wb_err *e)
{
	struct qcursor c = { buf, len, 0, 0 };
	struct qline l;
	int last = -1, st = -1, utf8 = 0, r = 0;
	const char *why;

	memset(q, 0, sizeof *q);
	while (st != E_END && (r = next_line(&c, QHEAD_MAX, &l)) == 1) {
		st = entry_stage(&l);
		why = entry_order(st, last);
		if (!why)
			why = entry_line(&l, st, q, &utf8);
		if (why)
			return entry_fail(e, &c, why);
		last = st;
	}
	if (st != E_END) {
		c.line += r == 0 && c.off >= len;
		return entry_fail(e, &c, r < 0 ? "a control byte" : len >= QHEAD_MAX ?
		                  "no \"end\" in the first 65536 bytes" : "no \"end\" line");
	}
	if (utf8 && !q->utf8)
		return entry_fail(e, &c, "non-ASCII addresses without \"utf8 1\"");
	*body = c.off;
	return 0;
}

const char *qentry_get(const struct qentry *q, const char *key)
{
	int i;

	for (i = 0; i < q->nset; i++)
		if (!strcmp(q->set[i].key, key))
			return q->set[i].val;
	return NULL;
}

int qentry_set(struct qentry *q, const char *key, const char *val, struct wb_err *e)
{
	struct qset *s;

	if (!val || !*val)
		return 0;
	if (!key_ok(key, strlen(key)) || qentry_get(q, key)) {
		err_set(e, EX_DATAERR, "queue entry: bad or duplicate setting '%.40s'", key);
		return -1;
	}
	if (!text_ok(val, strlen(val)) || strlen(val) >= QVAL_MAX || q->nset >= QSET_MAX) {
		err_set(e, EX_DATAERR, "queue entry: setting %s: a control byte, too long, "
		        "or too many settings", key);
		return -1;
	}
	s = &q->set[q->nset++];
	strlcopy(s->key, key, sizeof s->key);
	strlcopy(s->val, val, sizeof s->val);
	return 0;
}

/* ---- state files ---- */

/* s without its control bytes (each a space), as a line "key s" */
static void put_text(struct qout *o, const char *key, const char *s)
{
	char clean[QERR_MAX];
	size_t i;

	for (i = 0; s[i] && i + 1 < sizeof clean; i++)
		clean[i] = bad_byte((unsigned char)s[i]) ? ' ' : s[i];
	clean[i] = 0;
	if (i)
		put(o, "%s %s\n", key, clean);
}

long qstate_format(const struct qstate *st, char *buf, size_t max)
{
	struct qout o = { buf, max, 0, max == 0 };
	int i, u;

	if (st->attempts < 0 || st->next < 0 || st->valid_since < 0 ||
	    st->ndone < 0 || st->ndone > RCPT_MAX)
		return -1;
	put_num(&o, "attempts", st->attempts, "");
	put_num(&o, "next", st->next, "");
	put_num(&o, "valid_since", st->valid_since, "");
	for (i = 0; i < st->ndone; i++) {
		if (!addr_ok(st->done[i], &u))
			return -1;
		put(&o, "%s %s\n", "done", st->done[i]);
	}
	put_text(&o, "error", st->error);
	put_text(&o, "failed", st->failed);
	return o.over ? -1 : (long)o.len;
}

enum { S_ATTEMPTS, S_NEXT, S_VALID_SINCE, S_DONE, S_ERROR, S_FAILED };
static const char *const state_keys[] = {
	"attempts", "next", "valid_since", "done", "error", "failed"
};

static int state_line(const struct qline *l, int stage, struct qstate *st)
{
	int64_t v;
	int u;

	if (stage <= S_VALID_SINCE) {
		if (!l->has_val || num_parse(l->val, l->vlen, &v))
			return -1;
		if (stage == S_ATTEMPTS && v > 1000000)
			return -1;
		if (stage == S_ATTEMPTS)
			st->attempts = (int)v;
		else
			*(stage == S_NEXT ? &st->next : &st->valid_since) = v;
		return 0;
	}
	if (stage == S_DONE)
		return st->ndone >= RCPT_MAX || val_copy(l, st->done[st->ndone], ADDR_MAX) ||
		       !addr_ok(st->done[st->ndone++], &u) ? -1 : 0;
	return val_copy(l, stage == S_ERROR ? st->error : st->failed, QERR_MAX);
}

static int state_stage(const struct qline *l, int last)
{
	int i;

	for (i = 0; i < (int)(sizeof state_keys / sizeof *state_keys); i++)
		if (is_key(l, state_keys[i]))
			break;
	if (i == (int)(sizeof state_keys / sizeof *state_keys) || i < last ||
	    (i == last && i != S_DONE) || (last < S_VALID_SINCE && i != last + 1))
		return -1;
	return i;
}

int qstate_parse(const char *buf, size_t len, struct qstate *st)
{
	struct qcursor c = { buf, len, 0, 0 };
	struct qline l;
	int last = -1, r;

	memset(st, 0, sizeof *st);
	while ((r = next_line(&c, len, &l)) == 1) {
		int stage = state_stage(&l, last);

		if (stage < 0 || state_line(&l, stage, st))
			break;
		last = stage;
	}
	if (r != 0 || c.off != len || last < S_VALID_SINCE) {
		memset(st, 0, sizeof *st);
		return -1;
	}
	return 0;
}

/* ---- IDs ---- */

/* the length of a run of bytes from set at s */
static size_t span(const char *s, const char *set)
{
	size_t n = 0;

	while (s[n] && strchr(set, s[n]))
		n++;
	return n;
}

int qid_ok(const char *id)
{
	size_t t = span(id, "0123456789"), p, h;

	if (t < 10 || t > 19 || id[t] != '.')
		return 0;
	id += t + 1;
	p = span(id, "0123456789");
	if (p < 1 || p > 10 || id[0] == '0' || id[p] != '.')
		return 0;
	id += p + 1;
	h = span(id, "0123456789abcdef");
	return h == 8 && id[h] == 0;
}
