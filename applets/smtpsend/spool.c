/* spool.c - a send with a queue (CONFIG_SMTPSEND_QUEUE): the settings an
 * entry keeps (struct sendcfg <-> "set KEY VALUE" lines, never a secret),
 * and the message stored when the send fails for now (exit 75). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>
#include "sysopts.h"
#include "text.h"
#include "util.h"
#include "smtpsend.h"
#include "queue.h"

/* the string settings, by their place in struct sendcfg; "config" and
 * "account" name what to read again (the file the account came from) */
#define CAT(m) offsetof(struct sendcfg, m)
static const struct { char key[14]; unsigned short at; } strs[] = {
	{ "host", CAT(host) }, { "port", CAT(port) }, { "via", CAT(via) },
	{ "helo", CAT(helo) }, { "user", CAT(auth.user) }, { "passfile", CAT(passfile) },
	{ "passwordeval", CAT(passwordeval) }, { "logfile", CAT(logfile) },
	{ "cafile", CAT(tls.cafile) }, { "capath", CAT(tls.capath) },
	{ "tls_name", CAT(tls.name) }, { "fingerprint", CAT(tls.fingerprint) },
	{ "account", CAT(account) },
};

static const char **str_at(const struct sendcfg *c, size_t i)
{
	return (const char **)((char *)c + strs[i].at);
}

/* the AUTH setting: a mechanism, "oauth2", "off", or NULL (choose) */
static const char *auth_word(const struct sendcfg *c)
{
	if (c->no_auth)
		return "off";
	if (c->auth.force)
		return mech_name(c->auth.force);
	return c->auth.oauth ? "oauth2" : NULL;
}

/* the numbers and switches as words (NULL: not set, nothing written) */
static int set_words(const struct sendcfg *c, struct qentry *q, struct wb_err *e)
{
	static const char *const tls[] = { "off", "on", "starttls" };
	char t[24] = "", f[8] = "", fac[8] = "", life[24] = "";

	if (c->timeout_ms)
		snprintf(t, sizeof t, "%ld", c->timeout_ms);
	if (c->family)
		snprintf(f, sizeof f, "%d", c->family == AF_INET6 ? 6 : 4);
	if (c->syslog_on)
		snprintf(fac, sizeof fac, "%d", c->syslog_fac);
	if (c->queue_lifetime)  /* the sender's, not the flusher's */
		snprintf(life, sizeof life, "%lld", c->queue_lifetime);
	return qentry_set(q, "tls", tls[c->tls.mode % 3], e) ||
	       qentry_set(q, "certcheck", c->tls.insecure ? "off" : NULL, e) ||
	       qentry_set(q, "auth", auth_word(c), e) ||
	       qentry_set(q, "auth_plaintext", c->auth.plaintext_ok ? "on" : NULL, e) ||
	       qentry_set(q, "timeout_ms", t, e) || qentry_set(q, "family", f, e) ||
	       qentry_set(q, "force_8bit", c->force8 ? "on" : NULL, e) ||
	       qentry_set(q, "msmtp", c->msmtp ? "on" : NULL, e) ||
	       qentry_set(q, "syslog", fac, e) || qentry_set(q, "lifetime", life, e) ? -1 : 0;
}

/* a file setting made absolute: the flush runs in another folder (cron's,
 * a hotplug script's), where "ca.pem" would be another file */
static int set_path(struct qentry *q, const char *key, const char *path, struct wb_err *e)
{
	char cwd[QVAL_MAX], abs[QVAL_MAX];

	if (!path || !*path || path[0] == '/')
		return qentry_set(q, key, path, e);
	if (!getcwd(cwd, sizeof cwd) ||
	    (size_t)snprintf(abs, sizeof abs, "%s/%s", cwd, path) >= sizeof abs) {
		err_sys(e, EX_DATAERR, "%s '%.100s': cannot make it an absolute path", key, path);
		return -1;
	}
	return qentry_set(q, key, abs, e);
}

static int is_path(const char *key)
{
	return !strcmp(key, "passfile") || !strcmp(key, "logfile") ||
	       !strcmp(key, "cafile") || !strcmp(key, "capath");
}

int spool_settings(const struct sendcfg *c, struct qentry *q, struct wb_err *e)
{
	size_t i;

	for (i = 0; i < sizeof strs / sizeof *strs; i++)
		if ((is_path(strs[i].key) ? set_path : qentry_set)(q, strs[i].key,
		                                                   *str_at(c, i), e))
			return -1;
	if (set_path(q, "config", c->conf_used, e))
		return -1;
	return set_words(c, q, e);
}

/* a decimal in [lo, hi] */
static int num(const char *v, long lo, long hi, long *out)
{
	char *end;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	*out = strtol(v, &end, 10);
	return errno || *end || *out < lo || *out > hi ? -1 : 0;
}

static int bad_set(const char *k, const char *v, struct wb_err *e)
{
	err_set(e, EX_DATAERR, "set %s: bad value '%.100s'", k, v);
	return -1;
}

static int apply_auth(struct sendcfg *c, const char *v, struct wb_err *e)
{
	c->no_auth = !strcmp(v, "off");
	c->auth.oauth = !strcmp(v, "oauth2");
	c->auth.force = c->no_auth || c->auth.oauth ? 0 : mech_bit(v, strlen(v));
	if (c->auth.force & (MECH_XOAUTH2 | MECH_OAUTHBEARER))
		c->auth.oauth = 1;
	return c->no_auth || c->auth.oauth || c->auth.force ? 0 : bad_set("auth", v, e);
}

/* one setting that is not a string of strs[] */
static int apply_word(struct sendcfg *c, const char *k, const char *v, struct wb_err *e)
{
	long n;

	if (!strcmp(k, "config"))
		return c->conf = v, 0;
	if (!strcmp(k, "date"))         /* flush.c's (redate) */
		return strcmp(v, "added") ? bad_set(k, v, e) : 0;
	if (!strcmp(k, "tls")) {
		c->tls.mode = !strcmp(v, "on") ? TLS_IMPLICIT : !strcmp(v, "starttls") ?
		              TLS_STARTTLS : TLS_OFF;
		c->starttls_pref = c->tls.mode == TLS_STARTTLS ? 1 : 2;
		return c->tls.mode || !strcmp(v, "off") ? 0 : bad_set(k, v, e);
	}
	if (!strcmp(k, "auth"))
		return apply_auth(c, v, e);
	if (!strcmp(k, "timeout_ms"))
		return num(v, 1, 3600000, &c->timeout_ms) ? bad_set(k, v, e) : 0;
	if (!strcmp(k, "family") && !num(v, 4, 6, &n) && n != 5)
		return c->family = n == 6 ? AF_INET6 : AF_INET, 0;
	if (!strcmp(k, "syslog") && !num(v, 0, 23 << 3, &n))
		return c->syslog_on = 1, c->syslog_fac = (int)n, 0;
	if (!strcmp(k, "lifetime") && !num(v, 1, 366L * 86400, &n))
		return c->queue_lifetime = n, 0;
	if (strcmp(v, "on") && strcmp(v, "off"))
		return bad_set(k, v, e);
	if (!strcmp(k, "certcheck"))
		return c->tls.insecure = !strcmp(v, "off"), 0;
	if (!strcmp(k, "auth_plaintext"))
		return c->auth.plaintext_ok = !strcmp(v, "on"), 0;
	if (!strcmp(k, "force_8bit"))
		return c->force8 = !strcmp(v, "on"), 0;
	if (!strcmp(k, "msmtp"))
		return c->msmtp = CFG_SMTPSEND_MSMTP && !strcmp(v, "on"), 0;
	return bad_set(k, v, e);
}

int spool_apply(struct sendcfg *c, const struct qentry *q, struct wb_err *e)
{
	size_t i;
	int k;

	for (k = 0; k < q->nset; k++) {
		const char *key = q->set[k].key, *v = q->set[k].val;

		for (i = 0; i < sizeof strs / sizeof *strs && strcmp(key, strs[i].key); i++)
			;
		if (i < sizeof strs / sizeof *strs)
			*str_at(c, i) = v;
		else if (apply_word(c, key, v, e))
			return -1;
	}
	return 0;
}

/* ---- the queue's options ---- */

static int bad(struct wb_err *e, const char *want, const char *v)
{
	err_set(e, EX_USAGE, "%s, not '%.100s'", want, v);
	return -1;
}

/* "100000", "64k", "1M" bytes into *out (1 byte to 1 GiB) */
static int size_arg(const char *v, long long *out)
{
	char *end;
	long long n;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*end == 'k' || *end == 'K')
		n *= 1024, end++;
	else if (*end == 'M')
		n *= 1048576, end++;
	if (errno || *end || n < 1 || n > (1LL << 30))
		return -1;
	*out = n;
	return 0;
}

/* the queue's OT_CALL entries (QO_*) */
int spool_opt(struct sendcfg *c, int id, const char *arg, struct wb_err *e)
{
	int64_t t;

	switch (id) {
	case QO_LIFE:
		if (queue_interval(arg, 1, 366LL * 86400, &t))
			return bad(e, "want a time (90, 30m, 12h, 5d; up to 366d)", arg);
		return c->queue_lifetime = t, 0;
	case QO_SIZE:
		return size_arg(arg, &c->queue_max_size) ?
		       bad(e, "want bytes (100000, 512k, 1M; up to 1024M)", arg) : 0;
	case QO_Q:
		c->qcmd = *arg ? Q_RUN : Q_FLUSH;
		if (*arg && queue_interval(arg, 1, 86400, &t))
			return bad(e, "want -q or -qINTERVAL (-q15m, -q1h, -q90; 1s-1d)", arg);
		return c->qinterval = *arg ? t : 0, 0;
	case QO_B:
		c->qcmd = !strcmp(arg, "p") ? Q_LIST : c->qcmd;
		return !strcmp(arg, "p") || !strcmp(arg, "m") ? 0 :
		       bad(e, "want -bp (list the queue) or -bm (send)", arg);
	}
	c->qcmd = id == QO_DROP ? Q_DROP : Q_RETRY;
	c->qid = arg;
	return 0;
}


/* ---- a send with a queue ---- */

struct spool {
	struct sendcfg *c;
	struct msg *m;
	struct queue q;
	struct qwriter w;
	int begun;
	int keep;               /* a copy of w.fd: what was stored, if it fails */
	uint64_t stored;        /* bytes put into the entry */
	int nostore;            /* the queue could not take it: e says why */
	struct wb_err e;
	struct qentry head;
	struct qstate st;
};

static int put(void *ctx, const void *p, size_t n, struct wb_err *e)
{
	struct spool *sp = ctx;

	if (qw_write(&sp->q, &sp->w, p, n, e))
		return -1;              /* and tmp/ID is gone */
	sp->stored += n;
	return 0;
}

/* the entry's head: now, the envelope, the settings */
static int make_head(struct spool *sp, struct wb_err *e)
{
	struct qentry *h = &sp->head;
	int64_t now = spool_now();
	int i;

	memset(h, 0, sizeof *h);
	h->injected = now;
	h->inj_valid = spool_clock(now);
	strlcopy(h->from, sp->m->from, sizeof h->from);
	for (i = 0; i < sp->m->nrcpt; i++)
		strlcopy(h->rcpt[i], sp->m->rcpt[i], sizeof h->rcpt[i]);
	h->nrcpt = sp->m->nrcpt;
	h->utf8 = sp->m->utf8;
	/* a Date we added from a clock not to be trusted: the flush sets it */
	if (!h->inj_valid && sp->m->xlen > 6 && !memcmp(sp->m->extra, "Date: ", 6) &&
	    qentry_set(h, "date", "added", e))
		return -1;
	return spool_settings(sp->c, h, e);
}

/* open the queue and write the whole message into tmp/ID; keep: hold it
 * open for reading (sp->keep), to send from, even if it cannot be kept */
static int spool_write(struct spool *sp, int keep, struct wb_err *e)
{
	if (make_head(sp, e) || queue_start(&sp->q, sp->c, e))
		return -1;
	if (qw_begin(&sp->q, &sp->w, &sp->head, e))
		return -1;
	sp->begun = 1;
	if (keep && (sp->keep = openat(sp->q.tmp, sp->w.id, O_RDONLY | O_NOFOLLOW |
	                                O_CLOEXEC)) < 0)
		err_sys(e, EX_TEMPFAIL, "queue %s: tmp/%s", sp->c->queue, sp->w.id);
	else if (msg_spool(sp->m, put, sp, e) == 0)
		return 0;
	qw_abort(&sp->q, &sp->w);
	sp->begun = 0;
	return -1;
}

static int commit(struct spool *sp, struct wb_err *e)
{
	sp->begun = 0;
	return qw_commit(&sp->q, &sp->w, e);
}

/* "smtpsend: queued as ID: why" with -v or on a terminal */
static void say_queued(const struct spool *sp, const char *why)
{
	if (sp->c->verbose || isatty(2))
		warnmsg("queued as %s: %s", sp->w.id, why);
}

/* the attempt just made is the entry's first: mailq shows its error; it
 * stays due (the first -q, from the hotplug script when the link is back,
 * tries it); a failure to write this advisory file is no failure of the
 * queueing */
static void first_state(struct spool *sp, const struct send_outcome *o)
{
	struct wb_err ignore;
	const char *r = o->s && o->s->refused[0] ? o->s->refused : NULL;
	char why[QERR_MAX];

	memset(&sp->st, 0, sizeof sp->st);
	sp->st.attempts = 1;
	snprintf(why, sizeof why, r ? "%s (%s)" : "%s", o->line, r ? r : "");
	text_clean(sp->st.error, sizeof sp->st.error, why, strlen(why));
	queue_save_state(&sp->q, sp->w.id, &sp->st, &ignore);
}

/* after the send: 75 stores the message (exit 0), anything else drops
 * the spool file */
static int after_send(void *ctx, struct send_outcome *o)
{
	struct spool *sp = ctx;

	if (o->rc != EX_TEMPFAIL) {
		if (sp->begun)
			qw_abort(&sp->q, &sp->w);
		sp->begun = 0;
		return o->rc;
	}
	if (sp->nostore || (!sp->begun && spool_write(sp, 0, &sp->e)) ||
	    commit(sp, &sp->e)) {
		fprintf(stderr, "%s: %s\n", wb_applet, o->line);
		o->print = 0;
		warnmsg("not queued: %s", sp->e.msg);
		return EX_TEMPFAIL;
	}
	o->print = 0;
	o->qid = sp->w.id;
	first_state(sp, o);
	say_queued(sp, o->line);
	return 0;
}

static int queue_only(struct spool *sp)
{
	if (spool_write(sp, 0, &sp->e) || commit(sp, &sp->e)) {
		warnmsg("not queued: %s", sp->e.msg);
		return EX_TEMPFAIL;
	}
	say_queued(sp, "--queue-only");
	return 0;
}

/* a message larger than the head is stored first and sent from the
 * entry; if the queue cannot take it, from what it took (kept open),
 * then the rest of standard input: it is tried all the same */
static int spool_first(struct spool *sp)
{
	struct msg *m = sp->m;
	off_t start;

	if (spool_write(sp, 1, &sp->e) == 0) {
		start = sp->w.body + (off_t)(m->xlen + m->hlen);
		msg_from_fd(m, sp->keep, start, -1);
		return 0;
	}
	if (sp->e.code == EX_IOERR)     /* reading standard input */
		return err_report(&sp->e, NULL, "message");
	sp->nostore = 1;
	if (sp->keep >= 0) {
		start = sp->w.body + (off_t)(m->xlen + m->hlen);
		msg_from_fd(m, sp->keep, start, start + (off_t)sp->stored -
		            (off_t)(m->xlen + m->hlen));
	}
	if (sp->c->verbose)
		warnmsg("not queued (sending it all the same): %s", sp->e.msg);
	return 0;
}

int spool_send(struct sendcfg *c, struct msg *m)
{
	struct spool sp;
	int rc = 0;

	memset(&sp, 0, sizeof sp);
	sp.c = c;
	sp.m = m;
	sp.q.dir = sp.keep = -1;
	if (c->queue_only)
		rc = queue_only(&sp);
	else if (m->eof || (rc = spool_first(&sp)) == 0)
		rc = send_run(c, m, after_send, &sp);
	if (sp.keep >= 0)
		close(sp.keep);
	if (sp.q.dir >= 0)
		queue_close(&sp.q);
	return rc;
}
