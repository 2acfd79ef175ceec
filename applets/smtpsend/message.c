/* message.c - the message from standard input: its head read before
 * connecting (for -t and the added headers), sender and recipients, the
 * exact SIZE when known, and the body streamed in fixed chunks. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "sysopts.h"
#include "digest.h"
#include "net.h"
#include "util.h"
#include "smtpsend.h"

#define CHUNK 65536
static unsigned char chunk[CHUNK];
static unsigned char scratch[DOT_OUT(CHUNK / 4)];

static int qualify(const struct sendcfg *c, const char *a, char *out, size_t max,
                   struct wb_err *e)
{
	if (addr_at(a) || !c->domain)
		return strlcopy(out, a, max) ? (err_set(e, EX_USAGE, "address too long"), -1) : 0;
	if ((size_t)snprintf(out, max, "%s@%s", a, c->domain) >= max) {
		err_set(e, EX_USAGE, "address too long");
		return -1;
	}
	return 0;
}

static int add_one(struct msg *m, const char *a, struct wb_err *e)
{
	char q[ADDR_MAX];
	int i, u;

	if (qualify(m->cfg, a, q, sizeof q, e))
		return -1;
	if (!addr_at(q)) {
		err_set(e, EX_USAGE, "local recipient '%.100s': no alias for it and "
		        "no --domain; not sending it unqualified", q);
		return -1;
	}
	if (!addr_ok(q, &u)) {
		err_set(e, EX_DATAERR, "invalid recipient address '%.100s'", q);
		return -1;
	}
	for (i = 0; i < m->nrcpt; i++)
		if (!strcmp(m->rcpt[i], q))
			return 0;
	if (m->nrcpt >= RCPT_MAX) {
		err_set(e, EX_USAGE, "more than %d recipients", RCPT_MAX);
		return -1;
	}
	m->utf8 |= u;
	strlcopy(m->rcpt[m->nrcpt++], q, ADDR_MAX);
	return 0;
}

static int alias_target(void *ctx, const char *a, struct wb_err *e)
{
	return add_one(ctx, a, e);
}

int msg_rcpt(void *ctx, const char *addr, struct wb_err *e)
{
	struct msg *m = ctx;
	int n;

	if (addr_at(addr) || !CFG_SMTPSEND_CONFIG || !m->cfg->aliases)
		return add_one(m, addr, e);
	if (!m->alias_text && !(m->alias_text = alias_load(m->cfg->aliases, m->alias_buf, sizeof m->alias_buf, e)))
		return -1;
	if ((n = alias_lookup(m->alias_text, addr, alias_target, m, e)) < 0)
		return -1;
	return n ? 0 : add_one(m, addr, e);
}

static int first_addr(void *ctx, const char *a, struct wb_err *e)
{
	char *out = ctx;

	if (!*out && strlcopy(out, a, ADDR_MAX)) {
		err_set(e, EX_USAGE, "address too long");
		return -1;
	}
	return 0;
}

/* the domain for unqualified senders and the Message-ID: --domain, else
 * the host name, else "localhost" */
static void mail_domain(const struct sendcfg *c, struct msg *m)
{
	if (c->domain) {
		strlcopy(m->domain, c->domain, sizeof m->domain);
		return;
	}
	if (gethostname(m->domain, sizeof m->domain) ||
	    (m->domain[sizeof m->domain - 1] = 0, !domain_ok((unsigned char *)m->domain)))
		strlcopy(m->domain, "localhost", sizeof m->domain);
}

/* the login from $LOGNAME (POSIX: set by login and cron) or $USER, or
 * root for uid 0 (no getpwuid: it pulls stdio and malloc into a static
 * build) */
static int login_name(char *out, size_t max, struct wb_err *e)
{
	const char *user = getenv("LOGNAME");

	if (!user || !*user)
		user = getenv("USER");
	if ((!user || !*user) && getuid() == 0)
		user = "root";
	if (!user || !*user) {
		err_set(e, EX_USAGE, "no sender: neither -f, --from nor a header "
		        "From, and no $LOGNAME or $USER");
		return -1;
	}
	strlcopy(out, user, max);
	return 0;
}

/* envelope sender: -f, --from, the header From, the login; a name
 * without a domain (cron's "-f root", MAILER-DAEMON) gets mail_domain */
static int sender(const struct sendcfg *c, struct msg *m, struct wb_err *e)
{
	const char *f = c->env_from ? c->env_from : c->from;
	char a[ADDR_MAX] = "";
	int u;

	mail_domain(c, m);
	if (f && (!strcmp(f, "<>") || !*f))
		return m->from[0] = 0, 0;       /* null sender (bounces) */
	if (f && addr_list(f, strlen(f), first_addr, a, e))
		return -1;
	if (!a[0] && m->h.from[0])
		strlcopy(a, m->h.from, sizeof a);
	if (!a[0] && login_name(a, sizeof a, e))
		return -1;
	if (addr_at(a) ? strlcopy(m->from, a, sizeof m->from) :
	    (size_t)snprintf(m->from, sizeof m->from, "%s@%s", a, m->domain) >= sizeof m->from) {
		err_set(e, EX_DATAERR, "sender address too long");
		return -1;
	}
	if (!addr_ok(m->from, &u)) {
		err_set(e, EX_DATAERR, "invalid sender address '%.100s'", m->from);
		return -1;
	}
	m->utf8 |= u;
	return 0;
}

static void add_hdr(struct msg *m, const char *fmt, const char *a, const char *b)
{
	size_t room = sizeof m->extra - m->xlen;
	int n = snprintf(m->extra + m->xlen, room, fmt, a, b);

	if (n > 0 && (size_t)n < room)
		m->xlen += (size_t)n;
}

static void added_headers(const struct sendcfg *c, struct msg *m)
{
	char buf[NAME_OUT_MAX], id[2 * 12 + 1];
	unsigned char rnd[12];
	const char *dom = m->from[0] ? addr_at(m->from) : NULL;

	if (!(m->h.seen & HDR_DATE)) {
		date_utc((int64_t)time(NULL), buf);
		add_hdr(m, "Date: %s%s\r\n", buf, "");
	}
	if (!(m->h.seen & HDR_MSGID) && !random_bytes(rnd, sizeof rnd)) {
		hex_encode(rnd, sizeof rnd, id);
		add_hdr(m, "Message-ID: <%s@%s>\r\n", id, dom ? dom + 1 : m->domain);
	}
	if ((!(m->h.seen & HDR_FROM) || c->rewrite_from) && m->from[0] && !c->no_from) {
		if (c->fullname) {
			display_name(c->fullname, buf);
			add_hdr(m, "From: %s <%s>\r\n", buf, m->from);
		} else
			add_hdr(m, "From: %s%s\r\n", m->from, "");
	}
	if (m->h.end == 0 && m->hlen > 0)
		add_hdr(m, "%s%s\r\n", "", "");    /* no header section: start one */
}

/* size and 8-bit of everything through a counting stuffer */
static void count(struct dot *d, const void *p, size_t n)
{
	const unsigned char *in = p;

	while (n > 0) {
		size_t k = n > CHUNK / 4 ? CHUNK / 4 : n;
		dot_feed(d, in, k, scratch);
		in += k;
		n -= k;
	}
}

/* the rest of a regular file through the counting scan, with pread so
 * the offset stays for the body; -1 if it cannot be read (then no SIZE is
 * declared: an interrupted pread needs no retry loop of its own) */
static int scan_file(struct dot *d, int fd, off_t off)
{
	ssize_t r;

	while ((r = pread(fd, chunk, sizeof chunk, off)) > 0) {
		dot_scan(d, chunk, (size_t)r);
		off += r;
	}
	return r == 0 ? 0 : -1;
}

/* SIZE and 8-bit of what is in memory; exact when that is all of it */
static void measure(struct msg *m)
{
	dot_init(&m->d);
	count(&m->d, m->extra, m->xlen);
	count(&m->d, m->head, m->hlen);
	m->size = 0;
	m->eightbit = -1;
	if (m->eof) {
		m->eightbit = m->d.eightbit;
		m->size = dot_size(&m->d);
	}
}

/* The session asks for the rest when the server offers SIZE or lacks
 * 8BITMIME: a regular file is scanned (about 30 ms per 100 MB), so SIZE is
 * exact, never under-declared (RFC 1870), and 8-bit data is found before
 * MAIL. From a pipe: no SIZE, and 8-bit is found while sending. */
static void measure_rest(struct smtp *s, void *ctx)
{
	struct msg *m = ctx;
	struct stat st;
	off_t off;

	int fd = CFG_SMTPSEND_QUEUE ? m->fd : 0;

	if (m->eof || (CFG_SMTPSEND_QUEUE && m->spooled && m->end >= 0) ||
	    fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (off = CFG_SMTPSEND_QUEUE && m->spooled ? m->off : lseek(fd, 0, SEEK_CUR)) < 0 ||
	    scan_file(&m->d, fd, off))
		return;
	s->size = dot_size(&m->d);
	s->eightbit = m->d.eightbit;
}

int msg_prepare(const struct sendcfg *c, struct msg *m)
{
	struct wb_err e = { 0, "" };
	ssize_t n;
	int i;

	m->cfg = c;         /* m->fd 0 and not spooled: the rest is stdin */
	if ((n = fd_read_full(0, m->head, sizeof m->head)) < 0) {
		err_sys(&e, EX_IOERR, "standard input");
		return err_report(&e, NULL, "message");
	}
	m->hlen = (size_t)n;
	m->eof = m->hlen < sizeof m->head;
	for (i = 0; i < c->nargs; i++)
		if (addr_list(c->args[i], strlen(c->args[i]), msg_rcpt, m, &e))
			return err_report(&e, NULL, "recipient");
	if (CFG_SMTPSEND_HEADERS) {
		if (hdr_scan(m->head, m->hlen, m->eof, &m->h, c->rewrite_from,
		             c->t ? msg_rcpt : NULL, m, &e))
			return err_report(&e, NULL, "message header");
		if (c->t && !m->h.complete) {
			err_set(&e, EX_DATAERR, "header section longer than %d bytes", HEAD_MAX);
			return err_report(&e, NULL, "message header");
		}
	}
	if (m->nrcpt == 0)
		return usage_error("no recipients (give addresses, or -t with To/Cc/Bcc)");
	if (sender(c, m, &e))
		return err_report(&e, NULL, "sender");
	if (CFG_SMTPSEND_HEADERS && m->h.complete) {
		m->hlen = hdr_apply(m->head, m->hlen, &m->h);
		added_headers(c, m);
	}
	measure(m);
	return 0;
}

/* the next piece of the rest into *p: standard input as it comes, or a
 * spool file from m->off on (pread: the file's offset is nobody's
 * business; into scratch, as chunk may hold the piece msg_spool could not
 * store, sent next), and after its end that piece and standard input */
static ssize_t rest_read(struct msg *m, const unsigned char **p)
{
	size_t n = sizeof scratch;
	ssize_t r;

	*p = chunk;
	if (CFG_SMTPSEND_QUEUE && m->spooled && m->end >= 0 && m->off >= m->end) {
		m->spooled = 0;         /* the file's part is sent */
		m->fd = 0;
		if (m->pend) {
			r = (ssize_t)m->pend;
			m->pend = 0;
			return r;
		}
	}
	if (!CFG_SMTPSEND_QUEUE || !m->spooled)
		return fd_read(CFG_SMTPSEND_QUEUE ? m->fd : 0, chunk, sizeof chunk);
	if (m->end >= 0 && (off_t)n > m->end - m->off)
		n = (size_t)(m->end - m->off);
	do
		r = pread(m->fd, scratch, n, m->off);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		m->off += r;
	*p = scratch;
	return r;
}

static int body(struct smtp *s, void *ctx, struct wb_err *e)
{
	struct msg *m = ctx;
	const unsigned char *p;
	ssize_t r;

	if (smtp_body_write(s, m->extra, m->xlen, e) ||
	    smtp_body_write(s, m->head, m->hlen, e))
		return -1;
	while (!m->eof) {
		if ((r = rest_read(m, &p)) < 0) {
			err_sys(e, EX_IOERR, "reading the message: dropped the connection unsent");
			return -1;
		}
		if (r == 0)
			break;
		if (smtp_body_write(s, p, (size_t)r, e))
			return -1;
	}
	return smtp_body_end(s, e);
}

/* a piece put could not take stays in chunk (m->pend): a send from the
 * part stored (msg_from_fd with its end) goes on with it */
int msg_spool(struct msg *m, msg_put_fn put, void *ctx, struct wb_err *e)
{
	const unsigned char *p;
	ssize_t r;

	if (!CFG_SMTPSEND_QUEUE || put(ctx, m->extra, m->xlen, e) ||
	    put(ctx, m->head, m->hlen, e))
		return -1;
	while (!m->eof && (r = rest_read(m, &p)) != 0) {
		if (r < 0) {
			err_sys(e, EX_IOERR, "reading the message");
			return -1;
		}
		if (put(ctx, p, (size_t)r, e))
			return m->pend = (size_t)r, -1;
	}
	return 0;
}

void msg_from_fd(struct msg *m, int fd, off_t off, off_t end)
{
	m->fd = fd;
	m->off = off;
	m->end = end;
	m->spooled = 1;
}

int msg_envelope(const struct sendcfg *c, struct msg *m, struct smtp *s,
                 struct wb_err *e)
{
	int i;

	(void)e;
	s->from = m->from;
	for (i = 0; i < m->nrcpt; i++)
		s->rcpt[i] = m->rcpt[i];
	s->nrcpt = m->nrcpt;
	s->size = m->size;
	s->eightbit = m->eightbit;
	s->force8 = c->force8;
	s->utf8 = m->utf8;
	s->body = body;
	s->measure = measure_rest;
	s->body_ctx = m;
	return 0;
}
