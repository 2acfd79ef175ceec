/* headers.c - the RFC 5322 header section for -t and the added headers:
 * field boundaries (folded lines), To/Cc/Bcc address lists (groups,
 * comments, quoted local parts, angle addresses), Bcc removal. */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include "sysopts.h"
#include "text.h"
#include "base64.h"
#include "util.h"
#include "smtp.h"

struct alist {
	char a[ADDR_MAX];
	size_t n;
	int angle, got_angle, sp, bad;
	addr_fn fn;
	void *ctx;
};

static void reset(struct alist *l)
{
	l->n = 0;
	l->angle = l->got_angle = l->sp = l->bad = 0;
}

static int add(struct alist *l, char c, struct wb_err *e)
{
	if (ctl_byte((unsigned char)c)) {
		err_set(e, EX_DATAERR, "control character in a header address");
		return -1;
	}
	if (l->got_angle)
		return 0;               /* text after <addr> is ignored */
	if (l->sp && l->n && !strchr(".@", l->a[l->n - 1]) && !strchr(".@", c))
		l->bad = 1;             /* two words without <>: a name, not an address */
	l->sp = 0;
	if (l->n + 1 >= sizeof l->a) {
		err_set(e, EX_DATAERR, "address in header too long");
		return -1;
	}
	l->a[l->n++] = c;
	return 0;
}

static int emit(struct alist *l, struct wb_err *e)
{
	int r = 0;

	if (l->angle) {
		err_set(e, EX_DATAERR, "unterminated <address> in header");
		return -1;
	}
	if (l->n) {
		l->a[l->n] = 0;
		if (l->bad && !l->got_angle) {
			err_set(e, EX_DATAERR, "bad address in header: '%.100s'", l->a);
			return -1;
		}
		r = l->fn(l->ctx, l->a, e);
	}
	reset(l);
	return r;
}

/* skip a comment starting at v[i] == '('; returns the index after it */
static size_t comment(const char *v, size_t i, size_t n)
{
	int depth = 0;

	for (; i < n; i++) {
		if (v[i] == '\\')
			i++;
		else if (v[i] == '(')
			depth++;
		else if (v[i] == ')' && --depth == 0)
			return i + 1;
	}
	return (size_t)-1;
}

/* copy a quoted string starting at v[i] == '"'; returns the index after */
static size_t quoted(struct alist *l, const char *v, size_t i, size_t n,
                     struct wb_err *e)
{
	if (add(l, '"', e))
		return (size_t)-2;
	for (i++; i < n && v[i] != '"'; i++) {
		if (v[i] == '\\' && i + 1 < n && add(l, v[i++], e))
			return (size_t)-2;
		if (v[i] == '\r' || v[i] == '\n')
			continue;       /* folding inside quotes */
		if (add(l, v[i], e))
			return (size_t)-2;
	}
	if (i >= n || add(l, '"', e))
		return (size_t)-1;
	return i + 1;
}

static int special(struct alist *l, char c, struct wb_err *e)
{
	switch (c) {
	case '<':
		reset(l);               /* the display name goes */
		l->angle = 1;
		return 0;
	case '>':
		if (!l->angle)
			break;
		l->angle = 0;
		l->got_angle = 1;
		return 0;
	case ':':                       /* group name, or a source route */
		l->n = 0;
		l->bad = l->sp = 0;
		return 0;
	case ',':
		if (l->angle) {         /* route "<@a,@b:x@y>" */
			l->n = 0;
			return 0;
		}
		return emit(l, e);
	case ';':
		if (l->angle)
			break;
		return emit(l, e);
	}
	return add(l, c, e);
}

int addr_list(const char *v, size_t n, addr_fn fn, void *ctx, struct wb_err *e)
{
	struct alist l;
	size_t i = 0;

	reset(&l);
	l.fn = fn;
	l.ctx = ctx;
	while (i < n) {
		char c = v[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			l.sp = 1;
			i++;
		} else if (c == '(') {
			if ((i = comment(v, i, n)) == (size_t)-1)
				goto unterminated;
			l.sp = 1;
		} else if (c == '"') {
			i = quoted(&l, v, i, n, e);
			if (i == (size_t)-2)
				return -1;
			if (i == (size_t)-1)
				goto unterminated;
		} else {
			if (special(&l, c, e))
				return -1;
			i++;
		}
	}
	return emit(&l, e);
unterminated:
	err_set(e, EX_DATAERR, "unterminated comment or quoted string in header");
	return -1;
}

static int name_is(const char *p, size_t n, const char *name)
{
	return n == strlen(name) && prefix_icase(p, name);
}

static int first_from(void *ctx, const char *addr, struct wb_err *e)
{
	struct hdr_info *h = ctx;

	(void)e;
	if (!h->from[0])
		strlcopy(h->from, addr, sizeof h->from);
	return 0;
}

static int cut(struct hdr_info *h, size_t a, size_t b, struct wb_err *e)
{
	if (h->ncut >= HDR_CUTS) {
		err_set(e, EX_DATAERR, "too many Bcc/From fields in header");
		return -1;
	}
	h->cut[h->ncut][0] = a;
	h->cut[h->ncut][1] = b;
	h->ncut++;
	return 0;
}

/* one field: buf[a..b) with its name n bytes long */
static int field(const char *buf, size_t a, size_t b, size_t n, struct hdr_info *h,
                 int drop_from, addr_fn fn, void *ctx, struct wb_err *e)
{
	const char *p = buf + a, *v = p + n + 1;
	size_t vn = b - a - n - 1;

	if (name_is(p, n, "From")) {
		h->seen |= HDR_FROM;
		if (addr_list(v, vn, first_from, h, e))
			return -1;
		return drop_from ? cut(h, a, b, e) : 0;
	}
	if (name_is(p, n, "Date"))
		h->seen |= HDR_DATE;
	if (name_is(p, n, "Message-ID"))
		h->seen |= HDR_MSGID;
	if (name_is(p, n, "To") || name_is(p, n, "Cc") || name_is(p, n, "Bcc"))
		if (fn && addr_list(v, vn, fn, ctx, e))
			return -1;
	if (name_is(p, n, "Bcc"))
		return cut(h, a, b, e);
	return 0;
}

/* length of a field name at p (printable, no colon) followed by ':', or 0 */
static size_t field_name(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i] > ' ' && p[i] < 127 && p[i] != ':'; i++)
		;
	return i > 0 && i < n && p[i] == ':' ? i : 0;
}

/* end of the line starting at i (after its LF), or len + 1 if no LF */
static size_t line_end(const char *buf, size_t len, size_t i)
{
	const char *nl = memchr(buf + i, '\n', len - i);

	return nl ? (size_t)(nl - buf) + 1 : len + 1;
}

/* 1 if buf[a..b) holds a CR that is not a line end: the sent copy would
 * turn it into a line break (a new field) that the scan never saw */
static int bare_cr(const char *buf, size_t a, size_t b)
{
	const char *p = buf + a, *end = buf + b;

	while ((p = memchr(p, '\r', (size_t)(end - p))) != NULL) {
		if (++p < end && *p != '\n')
			return 1;
	}
	return 0;
}

int hdr_scan(const char *buf, size_t len, int eof, struct hdr_info *h,
             int drop_from, addr_fn fn, void *ctx, struct wb_err *e)
{
	size_t i = 0;

	memset(h, 0, sizeof *h);
	while (i < len) {
		size_t a = i, n, b;

		if (buf[i] == '\n' || (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')) {
			h->end = i + (buf[i] == '\r') + 1;      /* blank line */
			h->complete = 1;
			return 0;
		}
		if ((n = field_name(buf + i, len - i)) == 0) {
			if (!eof && !memchr(buf + i, '\n', len - i))
				return 0;       /* name cut by the buffer end */
			break;          /* not a header: the body starts here */
		}
		b = line_end(buf, len, i);
		while (b < len && (buf[b] == ' ' || buf[b] == '\t'))
			b = line_end(buf, len, b);
		if (b > len && !eof)
			return 0;       /* field runs past the buffer */
		if (b > len)
			b = len;
		if (b == len && !eof)
			return 0;       /* a continuation may follow */
		if (bare_cr(buf, a, b)) {
			err_set(e, EX_DATAERR, "bare CR (not followed by LF) in the header "
			        "field '%.*s': refusing what servers would read as a line break",
			        (int)(n < 40 ? n : 40), buf + a);
			return -1;
		}
		if (field(buf, a, b, n, h, drop_from, fn, ctx, e))
			return -1;
		i = b;
	}
	h->end = i;
	h->complete = i < len || eof;
	return 0;
}

size_t hdr_apply(char *buf, size_t len, const struct hdr_info *h)
{
	size_t out = h->ncut ? h->cut[0][0] : len;
	int k;

	for (k = 0; k < h->ncut; k++) {
		size_t from = h->cut[k][1];
		size_t to = k + 1 < h->ncut ? h->cut[k + 1][0] : len;
		memmove(buf + out, buf + from, to - from);
		out += to - from;
	}
	return out;
}

/* RFC 5321 4.1.2 atext, and any non-ASCII byte (RFC 6531 UTF-8) */
static int atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80 ||
	       (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* length of the Quoted-string at a (a[0] == '"'): qtextSMTP and
 * quoted-pairSMTP (backslash and a printable), or 0 */
static size_t quoted_local(const unsigned char *a)
{
	size_t i;

	for (i = 1; a[i] != '"'; i++) {
		if (a[i] == '\\')
			i++;
		if (a[i] < 0x20 || a[i] == 0x7f)
			return 0;       /* controls, CR, LF, NUL: end of string */
	}
	return i + 1;
}

/* length of the Dot-string at a: atoms joined by single dots, or 0 */
static size_t dot_string(const unsigned char *a)
{
	size_t i = 0;

	do {
		size_t s = i;
		while (atext(a[i]))
			i++;
		if (i == s)
			return 0;       /* empty atom: leading, trailing or ".." */
	} while (a[i] == '.' && ++i);
	return i;
}

static size_t local_part(const char *a)
{
	const unsigned char *u = (const unsigned char *)a;

	return u[0] == '"' ? quoted_local(u) : dot_string(u);
}

const char *addr_at(const char *a)
{
	size_t n = a[0] == '"' ? quoted_local((const unsigned char *)a) : 0;

	if (a[0] == '"' && !n)
		return NULL;
	return strchr(a + n, '@');
}

/* a domain name (labels of letters, digits, '-', '_' or UTF-8, joined by
 * single dots) or an address literal "[...]" of printable ASCII */
int domain_ok(const unsigned char *d)
{
	size_t i = 0;

	if (d[0] == '[') {
		for (i = 1; d[i] > ' ' && d[i] < 0x7f && !strchr("[]\\", d[i]); i++)
			;
		return i > 1 && d[i] == ']' && d[i + 1] == 0;
	}
	do {
		size_t s = i;
		while ((d[i] >= 'a' && d[i] <= 'z') || (d[i] >= 'A' && d[i] <= 'Z') ||
		       (d[i] >= '0' && d[i] <= '9') || d[i] == '-' || d[i] == '_' ||
		       d[i] >= 0x80)
			i++;
		if (i == s)
			return 0;
	} while (d[i] == '.' && ++i);
	return d[i] == 0;
}

int addr_ok(const char *addr, int *utf8)
{
	size_t i, n = strlen(addr), l;

	*utf8 = 0;
	if (n == 0 || n >= ADDR_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)addr[i] >= 0x80)
			*utf8 = 1;
	l = local_part(addr);
	return l > 0 && addr[l] == '@' && domain_ok((const unsigned char *)addr + l + 1);
}

/* RFC 5322 3.3 date in UTC; civil_date, not localtime/strftime, which
 * would pull in the C library's time-zone code (about 9 KB static) */
void date_utc(int64_t t, char out[static DATE_MAX])
{
	static const char wd[] = "ThuFriSatSunMonTueWed";
	static const char mn[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int64_t days = (t >= 0 ? t : t - 86399) / 86400, y;
	unsigned s = (unsigned)(t - days * 86400), m, d;

	civil_date(days, &y, &m, &d);
	snprintf(out, DATE_MAX, "%.3s, %02u %.3s %04lld %02u:%02u:%02u +0000",
	         wd + 3 * ((days % 7 + 7) % 7), d, mn + 3 * (m - 1), (long long)y,
	         s / 3600, s / 60 % 60, s % 60);
}

/* n as a quoted string, without control characters */
static void quote_name(const char *n, char *out, size_t max)
{
	size_t o = 0;

	out[o++] = '"';
	for (; *n && o + 3 < max; n++) {
		if (ctl_byte((unsigned char)*n))
			continue;
		if (*n == '"' || *n == '\\')
			out[o++] = '\\';
		out[o++] = *n;
	}
	out[o++] = '"';
	out[o] = 0;
}

/* non-ASCII n as RFC 2047 encoded-words: UTF-8, base64, at most
 * NAME_WORD octets each (a word of 72 characters, under the 75 allowed),
 * cut between characters (invalid UTF-8: at most 3 octets back), folded;
 * control characters dropped */
#define NAME_WORD 45
typedef char name_fits[(NAME_RAW_MAX + NAME_WORD - 4) / (NAME_WORD - 3) * 75 < NAME_OUT_MAX ? 1 : -1];
static void encode_name(const char *n, char *out, size_t max)
{
	char raw[NAME_RAW_MAX];
	size_t len = 0, o = 0, k;

	for (; *n && len < sizeof raw; n++)
		if (!ctl_byte((unsigned char)*n))
			raw[len++] = *n;
	if (((unsigned char)*n & 0xc0) == 0x80)        /* cut inside a character */
		while (len && ((unsigned char)raw[--len] & 0xc0) == 0x80)
			;
	for (n = raw; len; n += k, len -= k) {
		for (k = len < NAME_WORD ? len : NAME_WORD;     /* back <= 3 */
		     k < len && k > NAME_WORD - 3 && ((unsigned char)n[k] & 0xc0) == 0x80; k--)
			;
		o += (size_t)snprintf(out + o, max - o, "%s=?UTF-8?B?", o ? "\r\n " : "");
		o += base64_encode(n, k, out + o, max - o);
		o += (size_t)snprintf(out + o, max - o, "?=");
	}
	out[o] = 0;
}

void display_name(const char *n, char out[static NAME_OUT_MAX])
{
	const char *p;

	for (p = n; *p && !((unsigned char)*p & 0x80); p++)
		;
	if (*p)
		encode_name(n, out, NAME_OUT_MAX);
	else
		quote_name(n, out, NAME_OUT_MAX);
}
