/* reply.c - strict SMTP reply parser (RFC 5321 4.2, RFC 3463 codes) and
 * EHLO capability lines (RFC 1870, 2920, 6152, 6531, 4954, 3207). */
#include <string.h>
#include <sysexits.h>
#include "sysopts.h"
#include "text.h"
#include "util.h"
#include "smtp.h"

void reply_init(struct smtp_reply *r)
{
	memset(r, 0, sizeof *r);
}

static int bad(struct smtp_reply *r, const char *why)
{
	r->why = why;
	return REPLY_BAD;
}

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "c.sss.ddd" (1-3 digits each) then space or end; class must match */
static size_t esc_len(const char *p, size_t n, int cls)
{
	size_t i = 0, k;
	int part;

	if (n < 5 || p[0] != '0' + cls || p[1] != '.')
		return 0;
	i = 2;
	for (part = 0; part < 2; part++) {
		for (k = 0; i < n && digit(p[i]) && k < 3; i++, k++)
			;
		if (k == 0)
			return 0;
		if (part == 0 && (i >= n || p[i++] != '.'))
			return 0;
	}
	if (i < n && p[i] != ' ')
		return 0;
	return i;
}

/* no C0 control (but TAB) or DEL; C1 and other bytes are kept, and
 * text_clean() escapes them wherever the text is shown */
static int text_ok(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ctl_byte((unsigned char)p[i]))
			return 0;
	return 1;
}

static void keep_text(struct smtp_reply *r, const char *t, size_t n)
{
	size_t room = sizeof r->text - 1 - r->tlen;

	if (r->tlen && room) {
		r->text[r->tlen++] = ' ';
		room--;
	}
	if (n > room)
		n = room;
	memcpy(r->text + r->tlen, t, n);
	r->tlen += n;
	r->text[r->tlen] = 0;
}

int reply_line(struct smtp_reply *r, const char *line, size_t len,
               const char **text)
{
	int code, more;
	size_t off = 4, e;

	*text = "";
	if (len < 3 || !digit(line[0]) || !digit(line[1]) || !digit(line[2]))
		return bad(r, "reply does not start with a 3-digit code");
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (code < 200 || code > 559 || line[1] > '5')
		return bad(r, "reply code out of range");
	if (len > 3 && line[3] != ' ' && line[3] != '-')
		return bad(r, "no space or '-' after the reply code");
	if (r->nlines && code != r->code)
		return bad(r, "reply code changes inside a multi-line reply");
	if (++r->nlines > SMTP_LINES_MAX)
		return bad(r, "too many lines in one reply");
	if (!text_ok(line, len))
		return bad(r, "control character in reply text");
	r->code = code;
	more = len > 3 && line[3] == '-';
	if (len <= 3)
		off = len;
	e = esc_len(line + off, len - off, line[0] - '0');
	if (e) {
		if (r->nlines == 1)
			memcpy(r->esc, line + off, e);
		off += e + (off + e < len);
	}
	*text = line + off;
	keep_text(r, line + off, len - off);
	return more ? REPLY_MORE : REPLY_DONE;
}

/* keyword match: word then end or space */
static const char *kw(const char *t, const char *w)
{
	size_t n = strlen(w);

	if (!prefix_icase(t, w) || (t[n] && t[n] != ' ' && t[n] != '='))
		return NULL;
	return t + n;
}

static void auth_mechs(struct smtp_caps *c, const char *p)
{
	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '=')
			p++;
		n = strcspn(p, " ");
		c->mechs |= mech_bit(p, n);
		p += n;
	}
}

void caps_line(struct smtp_caps *c, const char *t)
{
	const char *p;

	if ((p = kw(t, "SIZE")) != NULL) {
		uint64_t v = 0;
		c->flags |= CAP_SIZE;
		for (p += *p == ' '; digit(*p) && v < 1000000000000000ull; p++)
			v = v * 10 + (uint64_t)(*p - '0');
		c->size_max = v;
	} else if (kw(t, "PIPELINING"))
		c->flags |= CAP_PIPELINING;
	else if (kw(t, "8BITMIME"))
		c->flags |= CAP_8BITMIME;
	else if (kw(t, "SMTPUTF8"))
		c->flags |= CAP_SMTPUTF8;
	else if (kw(t, "STARTTLS"))
		c->flags |= CAP_STARTTLS;
	else if (kw(t, "DSN"))
		c->flags |= CAP_DSN;
	else if (kw(t, "ENHANCEDSTATUSCODES"))
		c->flags |= CAP_ENHANCED;
	else if ((p = kw(t, "AUTH")) != NULL) {
		c->flags |= CAP_AUTH;
		if (CFG_SMTPSEND_AUTH)          /* read by the AUTH step only */
			auth_mechs(c, p);
	}
}

int reply_exitcode(int code)
{
	if (code >= 400 && code < 500)
		return EX_TEMPFAIL;
	if (code >= 500 && code < 600)
		return EX_UNAVAILABLE;
	return EX_PROTOCOL;
}
