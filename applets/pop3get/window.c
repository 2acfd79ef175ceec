/* window.c - messages in windows of POP3_WIN: sizes and UIDLs (LIST n,
 * UIDL n), the choice (--max-size, -n), RETR or TOP n 0, delivery, one
 * durability point (dlv_sync, state file), then the DELEs. With CAPA
 * PIPELINING each phase sends all its commands at once and then reads
 * the replies; without it, one command at a time. Memory is the window,
 * whatever the server announces. A "soft" failure (local delivery, a
 * -ERR) leaves the session in step: the window's remaining replies are
 * read and discarded, nothing more is deleted, and the session can QUIT. */
#include <stdio.h>
#include <string.h>
#include "sysopts.h"
#include "pop3.h"
#include "opt.h"
#include "text.h"

typedef int (*msg_fn)(struct pop3 *p, struct pop3msg *m, struct wb_err *e);

static void soft(struct pop3 *p, const struct wb_err *e, const char *step)
{
	if (!p->failed) {
		p->soft = *e;
		snprintf(p->softstep, sizeof p->softstep, "%s", step);
	}
	p->failed = 1;
	p->stop_deleting = 1;
}

/* run send/recv over the messages (wanted: those with want set). With
 * PIPELINING, tail (if not NULL) goes after the commands in the same
 * write, when there were any; *tailed tells (its reply is the caller's) */
static int phase_tail(struct pop3 *p, msg_fn snd, msg_fn rcv, int wanted,
                      const char *tail, int *tailed, struct wb_err *e)
{
	int pipe = (p->caps & CAPA_PIPELINING) != 0, i, sent = 0;

	for (i = 0; i < p->nwin; i++) {
		struct pop3msg *m = &p->win[i];

		if (wanted && !m->want)
			continue;
		sent = 1;
		if (snd(p, m, e) || (!pipe && (pop3_flush(p, e) || rcv(p, m, e))))
			return -1;
	}
	if (!pipe)
		return 0;
	*tailed = tail && sent;
	if ((*tailed && pop3_send(p, tail, e)) || pop3_flush(p, e))
		return -1;
	for (i = 0; i < p->nwin; i++) {
		if (wanted && !p->win[i].want)
			continue;
		if (rcv(p, &p->win[i], e))
			return -1;
	}
	return 0;
}

static int phase(struct pop3 *p, msg_fn snd, msg_fn rcv, int wanted, struct wb_err *e)
{
	int tailed;

	return phase_tail(p, snd, rcv, wanted, NULL, &tailed, e);
}

static int send_num(struct pop3 *p, const char *cmd, unsigned long n,
                    const char *tail, struct wb_err *e)
{
	char line[64];

	snprintf(line, sizeof line, "%s %lu%s", cmd, n, tail);
	return pop3_send(p, line, e);
}

static int snd_list(struct pop3 *p, struct pop3msg *m, struct wb_err *e)
{
	return send_num(p, "LIST", m->num, "", e);
}

static int snd_uidl(struct pop3 *p, struct pop3msg *m, struct wb_err *e)
{
	return send_num(p, "UIDL", m->num, "", e);
}

static int snd_retr(struct pop3 *p, struct pop3msg *m, struct wb_err *e)
{
	if (p->cfg->headers)
		return send_num(p, "TOP", m->num, " 0", e);
	return send_num(p, "RETR", m->num, "", e);
}

static int snd_dele(struct pop3 *p, struct pop3msg *m, struct wb_err *e)
{
	if (p->dlv && p->dlv->unsynced)
		p->deleted_unsafe = 1;          /* never: DELE follows dlv_sync */
	return send_num(p, "DELE", m->num, "", e);
}

static int bad(struct pop3 *p, const char *what, unsigned long n, struct wb_err *e)
{
	char c[64];

	text_clean(c, sizeof c, p->line, strlen(p->line));
	p->insync = 0;
	err_set(e, EX_PROTOCOL, "bad %s %lu reply '%s'", what, n, c);
	return -1;
}

static int rcv_list(struct pop3 *p, struct pop3msg *m, struct wb_err *e)
{
	const char *text;
	unsigned long n;
	int r = pop3_status(p, p->line, &text, e);

	if (r < 0)
		return -1;
	if (r == RESP_ERR) {
		pop3_refused(text, EX_PROTOCOL, e);
		soft(p, e, "LIST");
		return 0;
	}
	if (resp_list(text, &n, &m->size) || n != m->num)
		return bad(p, "LIST", m->num, e);
	return 0;
}

static const struct wb_err *no_uidl(struct wb_err *e)
{
	err_set(e, EX_UNAVAILABLE, "the server has no UIDL, so -n cannot tell new "
	        "messages (fetch without -n)");
	return e;
}

static int rcv_uidl(struct pop3 *p, struct pop3msg *m, struct wb_err *e)
{
	const char *text;
	unsigned long n;
	int r = pop3_status(p, p->line, &text, e);

	if (r < 0)
		return -1;
	if (r == RESP_ERR) {
		memcpy(m->uid, "-", 2);
		if (p->cfg->only_new)
			soft(p, no_uidl(e), "UIDL");
		return 0;
	}
	if (resp_uidl(text, &n, m->uid) || n != m->num)
		return bad(p, "UIDL", m->num, e);
	return 0;
}

/* -l: "NUM SIZE UIDL" */
static void list_line(const struct pop3msg *m)
{
	printf("%lu %llu %s\n", m->num, m->size, m->uid[0] ? m->uid : "-");
}

void body_bounds(const struct pop3cfg *c, int timeout_ms, unsigned long long size,
                 struct body_io *io)
{
	unsigned long long lim = size + size / 8 + POP3_SIZE_SLACK;

	io->limit = lim;
	io->budget_ms = (int64_t)timeout_ms + (int64_t)(size / POP3_MIN_RATE) * 1000;
	io->deadline = pop3_deadline(c, io->budget_ms);
}

/* a complete message far shorter than LIST announced: a cut-off copy (a
 * false end, a server that lost part of it) is reported and not stored */
static int too_short(struct pop3 *p, const struct pop3msg *m, const struct body_io *io,
                     struct wb_err *e)
{
	if (p->cfg->headers || io->wire >= m->size / 2)
		return 0;
	err_set(e, EX_PROTOCOL, "message %lu is %llu bytes, LIST announced %llu: "
	        "not stored (left on the server)", m->num, (unsigned long long)io->wire,
	        m->size);
	if (p->failed)          /* the first one is the run's error line */
		warnmsg("%s: %s", p->cfg->server, e->msg);
	return 1;
}

/* a message's end is trusted once a valid reply follows it; garbage there
 * means the "end" was inside the message: that copy is taken back */
static void confirm(struct pop3 *p, int r, const struct wb_err *e)
{
	struct pop3msg *m = p->unconfirmed;
	int back;

	p->unconfirmed = NULL;
	if (!m || r >= 0 || e->code != EX_PROTOCOL)
		return;
	back = dlv_unend(p->dlv) == 0;
	p->fetched -= back;
	m->stored = 0;
	warnmsg("%s: message %lu: its end was followed by garbage: %s", p->cfg->server,
	        m->num, back ? "not stored" : "delivered already, but not recorded "
	        "or deleted");
}

/* RETR/TOP reply and body into the target; soft failures drain the body */
static int rcv_retr(struct pop3 *p, struct pop3msg *m, struct wb_err *e)
{
	struct dlv *d = p->failed ? NULL : p->dlv;
	struct body_io io;
	const char *text;
	int r = pop3_status(p, p->line, &text, e);

	confirm(p, r, e);
	snprintf(p->stepbuf, sizeof p->stepbuf, "%s %lu",
	         p->cfg->headers ? "TOP" : "RETR", m->num);
	p->step = p->stepbuf;
	if (r < 0)
		return -1;
	if (r == RESP_OK && p->cfg->mode == MODE_LIST)
		list_line(m);
	fflush(stdout);
	if (r == RESP_ERR) {
		pop3_refused(text, EX_PROTOCOL, e);
		soft(p, e, p->stepbuf);
		return 0;
	}
	if (d && dlv_begin(d, e)) {
		soft(p, e, "delivery");
		d = NULL;
	}
	body_bounds(p->cfg, p->s->timeout_ms, m->size, &io);
	if (!d && !m->size)
		io.limit = 0;   /* drained, its LIST refused: no size to hold it to */
	r = pop3_body(p->s, d, &io, e);
	if (r == -2) {          /* the target failed; the body was read on */
		dlv_abort(d);
		soft(p, e, "delivery");
		return 0;
	}
	if (r) {
		if (d && d->fd >= 0)
			dlv_abort(d);
		p->insync = 0;
		pop3_over(p->cfg, e);
		return -1;
	}
	if (d && too_short(p, m, &io, e)) {
		dlv_abort(d);
		soft(p, e, p->stepbuf);
		return 0;
	}
	if (d && dlv_end(d, e)) {
		soft(p, e, "delivery");
		return 0;
	}
	m->stored = d != NULL;
	p->fetched += m->stored;
	p->unconfirmed = m->stored ? m : NULL;
	return 0;
}

/* the window's last message is confirmed by a NOOP's reply (RFC 1939:
 * always there) before anything is made visible; sent: pipelined with the
 * RETRs already (its reply is read whatever it confirms) */
static int confirm_last(struct pop3 *p, int sent, struct wb_err *e)
{
	const char *text;
	int r;

	if (!p->unconfirmed && !sent)
		return 0;
	p->step = "NOOP";
	if (!sent && (pop3_send(p, "NOOP", e) || pop3_flush(p, e)))
		return -1;
	r = pop3_status(p, p->line, &text, e);
	confirm(p, r, e);
	return r < 0 ? -1 : 0;
}

static int rcv_dele(struct pop3 *p, struct pop3msg *m, struct wb_err *e)
{
	const char *text;
	int r = pop3_status(p, p->line, &text, e);

	if (r < 0)
		return -1;
	if (r == RESP_ERR) {
		pop3_refused(text, EX_PROTOCOL, e);
		soft(p, e, "DELE");
		m->want = 0;
		return CFG_POP3GET_UIDL && p->uidl ? uidl_keep(p->uidl, m->uid, e) : 0;
	}
	p->deleted++;
	return 0;
}

/* the next POP3_WIN message numbers (MSGNUM arguments or 1..count) */
static int fill(struct pop3 *p, struct wb_err *e)
{
	unsigned long total = p->cfg->nnums ? (unsigned long)p->cfg->nnums : p->count;

	memset(p->win, 0, sizeof p->win);
	p->nwin = 0;
	while (p->nwin < POP3_WIN && p->next < total) {
		long n = (long)p->next + 1;

		if (p->cfg->nnums && parse_long(p->cfg->nums[p->next], 1,
		                                (long)POP3_NUM_MAX, &n))
			n = 0;
		if (n < 1 || (unsigned long)n > p->count) {
			p->step = "MSGNUM";
			err_set(e, EX_USAGE, "no message %ld (the mailbox holds %lu)", n, p->count);
			return -1;
		}
		p->win[p->nwin].num = (unsigned long)n;
		p->win[p->nwin++].want = 1;
		p->next++;
	}
	return 0;
}

/* -l output, or the choice of what to fetch */
static int choose(struct pop3 *p, struct wb_err *e)
{
	const struct pop3cfg *c = p->cfg;
	int i;

	for (i = 0; i < p->nwin; i++) {
		struct pop3msg *m = &p->win[i];

		if (c->mode == MODE_LIST) {
			if (!c->headers)
				list_line(m);
			m->want = c->headers;
		} else if (c->max_size && m->size > c->max_size) {
			warnmsg("%s: message %lu (%llu bytes) is over --max-size: left on "
			        "the server", c->server, m->num, m->size);
			m->want = 0;
			p->skipped++;
		} else if (CFG_POP3GET_UIDL && p->uidl && uidl_has(p->uidl, m->uid)) {
			m->want = 0;
			p->known++;
			if (uidl_keep(p->uidl, m->uid, e))
				return -1;
		}
	}
	return fflush(stdout) == 0 ? 0 : (err_sys(e, EX_IOERR, "standard output"), -1);
}

/* the durability point: every stored message fsynced, then recorded */
static int make_durable(struct pop3 *p, struct wb_err *e)
{
	const char *uids[POP3_WIN];
	size_t n = 0;
	int i;

	if (p->dlv && dlv_sync(p->dlv, e))
		return -1;
	if (!CFG_POP3GET_UIDL || !p->uidl)
		return 0;
	for (i = 0; i < p->nwin; i++)
		if (p->win[i].stored)
			uids[n++] = p->win[i].uid;
	if (uidl_add(p->uidl, uids, n, e))
		return -1;
	for (i = 0; i < p->nwin; i++)
		if (p->win[i].stored && (p->cfg->keep || p->cfg->headers || p->stop_deleting) &&
		    uidl_keep(p->uidl, p->win[i].uid, e))
			return -1;
	return 0;
}

static int info(struct pop3 *p, struct wb_err *e)
{
	const struct pop3cfg *c = p->cfg;
	int uidl = c->only_new || c->mode == MODE_LIST;

	/* sizes always: each body's bounds come from them */
	if (phase(p, snd_list, rcv_list, 0, e))
		return -1;
	if (uidl && c->only_new && (p->caps & CAPA_SEEN) && !(p->caps & CAPA_UIDL)) {
		no_uidl(e);
		p->step = "UIDL";
		return -1;
	}
	p->step = "UIDL";
	if (uidl && (p->caps & CAPA_UIDL || !(p->caps & CAPA_SEEN)) &&
	    phase(p, snd_uidl, rcv_uidl, 0, e))
		return -1;
	return 0;
}

/* the window's stored messages, each one once durable */
static void want_stored(struct pop3 *p)
{
	int i;

	for (i = 0; i < p->nwin; i++)
		p->win[i].want = p->win[i].stored;
}

/* the window's first soft failure becomes the session's error */
static int soft_result(struct pop3 *p, struct wb_err *e)
{
	*e = p->soft;
	p->step = p->softstep;
	return -1;
}

/* pipelined and nothing to choose (fetch everything, no --max-size, no
 * -n): the LISTs, RETRs and the confirming NOOP go in one write, and the
 * sizes are read before the bodies they bound (one round trip less) */
static int at_once(const struct pop3 *p)
{
	const struct pop3cfg *c = p->cfg;

	return (p->caps & CAPA_PIPELINING) && c->mode == MODE_FETCH && !c->max_size &&
	       !(CFG_POP3GET_UIDL && p->uidl);
}

static int fetch_at_once(struct pop3 *p, struct wb_err *e)
{
	int i;

	for (i = 0; i < p->nwin; i++)
		if (snd_list(p, &p->win[i], e))
			return -1;
	for (i = 0; i < p->nwin; i++)
		if (snd_retr(p, &p->win[i], e))
			return -1;
	if (pop3_send(p, "NOOP", e) || pop3_flush(p, e))
		return -1;
	for (i = 0; i < p->nwin; i++)
		if (rcv_list(p, &p->win[i], e))
			return -1;
	for (i = 0; i < p->nwin; i++)
		if (rcv_retr(p, &p->win[i], e))
			return -1;
	return confirm_last(p, 1, e);
}

/* sizes (and UIDLs), the choice, then the RETRs of what is wanted */
static int fetch_chosen(struct pop3 *p, struct wb_err *e)
{
	int noop = 0;

	if (info(p, e) || (!p->failed && choose(p, e)))
		return -1;
	p->unconfirmed = NULL;
	return !p->failed && (phase_tail(p, snd_retr, rcv_retr, 1, "NOOP", &noop, e) ||
	                      confirm_last(p, noop, e)) ? -1 : 0;
}

int pop3_window(struct pop3 *p, struct wb_err *e)
{
	int dele = !p->cfg->keep && !p->cfg->headers && p->cfg->mode == MODE_FETCH;

	p->failed = 0;
	if (fill(p, e))
		return -1;
	if (p->nwin == 0) {
		p->complete = p->cfg->nnums == 0;
		p->st = P_QUIT;
		return 0;
	}
	p->step = "LIST";
	p->unconfirmed = NULL;
	if (at_once(p) ? fetch_at_once(p, e) : fetch_chosen(p, e)) {
		struct wb_err e2;

		make_durable(p, &e2);   /* complete messages stay; none deleted */
		return -1;
	}
	if (make_durable(p, e)) {
		p->step = "delivery";
		return -1;
	}
	if (p->failed)
		return soft_result(p, e);
	want_stored(p);
	p->step = "DELE";
	if (dele && phase(p, snd_dele, rcv_dele, 1, e))
		return -1;
	return p->failed ? soft_result(p, e) : 0;
}
