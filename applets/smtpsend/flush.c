/* flush.c - the queue's commands (CONFIG_SMTPSEND_QUEUE): -q sends what is
 * due, -qINTERVAL keeps doing so (runner.pid, SIGHUP), -bp/mailq lists,
 * --queue-drop and --queue-retry; and whether the clock can be trusted. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "sysopts.h"
#include "epoch.h"
#include "text.h"
#include "util.h"
#include "smtpsend.h"
#include "queue.h"

#define SNTPC_STATUS "/var/run/sntpc.status"

/* NAME=value of sntpc's status file as a number (-1 missing) */
static long long status_var(const char *buf, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, n) && p[n] == '=' && p[n + 1] >= '0' && p[n + 1] <= '9')
			return strtoll(p + n + 1, NULL, 10);
	return -1;
}

/* sntpc's status file says synchronised and is fresh (written within
 * twice its poll plus 60 s, by a daemon still alive); a file that could be
 * forged (a link, another user's, writable by others) says nothing */
static int sntp_synced(int64_t now)
{
	char buf[1024];
	struct stat st;
	ssize_t n;
	long long pid, w;
	int fd = open(SNTPC_STATUS, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return 0;
	n = fstat(fd, &st) || !S_ISREG(st.st_mode) || (st.st_uid && st.st_uid != getuid()) ||
	    (st.st_mode & 022) ? -1 : fd_read_full(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	pid = status_var(buf, "SNTP_PID");
	w = status_var(buf, "SNTP_WRITTEN");
	return status_var(buf, "SNTP_SYNC") == 1 && w >= 0 && now >= w - 60 &&
	       now - w <= 2 * status_var(buf, "SNTP_POLL") + 60 && pid > 0 &&
	       (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

int64_t spool_now(void)
{
	struct timespec ts;

	return clock_gettime(CLOCK_REALTIME, &ts) ? (int64_t)time(NULL) : (int64_t)ts.tv_sec;
}

int spool_clock(int64_t now)
{
	return queue_clock_valid(now, WB_BUILD_EPOCH) || sntp_synced(now);
}

int queue_start(struct queue *q, const struct sendcfg *c, struct wb_err *e)
{
	if (queue_open(q, c->queue, e))
		return -1;
	q->caps.max_size = c->queue_max_size ? (uint64_t)c->queue_max_size : QUEUE_MAX_SIZE;
	q->caps.max_count = c->queue_max_count ? (unsigned)c->queue_max_count : QUEUE_MAX_COUNT;
	q->caps.lifetime = c->queue_lifetime ? c->queue_lifetime : QUEUE_LIFETIME;
	return 0;
}

/* "40s", "12m", "3h", "2d" */
static void dur(int64_t s, char *out, size_t max)
{
	if (s < 120)
		snprintf(out, max, "%llds", (long long)s);
	else if (s < 7200)
		snprintf(out, max, "%lldm", (long long)(s / 60));
	else if (s < 172800)
		snprintf(out, max, "%lldh", (long long)(s / 3600));
	else
		snprintf(out, max, "%lldd", (long long)(s / 86400));
}

/* the exit code when the queue cannot be opened: 78 unsafe or not ours
 * (a config matter), else 74 */
static int opened(const struct wb_err *e)
{
	return e->code == EX_CONFIG ? EX_CONFIG : EX_IOERR;
}

/* ---- one run of -q ---- */

struct flush {
	struct queue q;
	const struct sendcfg *c;        /* the flusher's: verbose, the queue */
	struct rcfiles *rf;
	struct msg *m;
	int64_t now;
	int deferred, failed;
	int runner;                     /* -qINTERVAL: stop between entries */
	struct qfile f;
	struct sendcfg ec;              /* the entry's settings */
};

static int tell(const struct flush *fl)
{
	return fl->c->verbose || isatty(2);
}

/* the entry's log line: "from=F recipients=A,B errormsg='why' queued=ID
 * exitcode=EX_CONFIG" when no session was tried (its config) */
static void log_plain(struct flush *fl, const char *why)
{
	char line[1024];
	size_t n;
	int i;

	n = (size_t)snprintf(line, sizeof line, "from=%s recipients=", fl->f.e.from);
	for (i = 0; i < fl->f.e.nrcpt && n < sizeof line; i++)
		n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", i ? "," : "",
		                      fl->f.e.rcpt[i]);
	if (n < sizeof line)
		snprintf(line + n, sizeof line - n, " errormsg='%s' queued=%s "
		         "exitcode=EX_CONFIG", why, fl->f.id);
	send_log(&fl->ec, EX_CONFIG, line);
}

/* to failed/ with why (cleaned); "smtpsend: ID: failed: why" */
static void give_up(struct flush *fl, const char *why)
{
	struct wb_err e = { 0, "" };

	text_clean(fl->f.st.failed, sizeof fl->f.st.failed, why, strlen(why));
	fl->failed++;
	if (qf_fail(&fl->q, &fl->f, &e) && fl->f.st.ndone)
		warnmsg("%s: %d recipient%s got it, but that could not be recorded (%s): "
		        "a --queue-retry would send them a second copy", fl->f.id,
		        fl->f.st.ndone, fl->f.st.ndone == 1 ? "" : "s", e.msg);
	else if (e.code)
		warnmsg("%s: cannot move to failed/: %s", fl->f.id, e.msg);
	if (tell(fl))
		warnmsg("%s: failed: %s", fl->f.id, fl->f.st.failed);
}

/* the error line with a RCPT's 4xx reply when there was one (s may be
 * NULL), cleaned, into out */
static void reason(const char *line, const struct smtp *s, char *out, size_t max)
{
	char why[QERR_MAX];

	snprintf(why, sizeof why, s && s->refused[0] ? "%s (%s)" : "%s", line,
	         s ? s->refused : "");
	text_clean(out, max, why, strlen(why));
}

/* kept for later: attempts, next, the error */
static void defer(struct flush *fl, const char *line, const struct smtp *s)
{
	struct wb_err e = { 0, "" };
	uint32_t rnd = 0;
	int64_t wait;

	random_bytes(&rnd, sizeof rnd);
	fl->f.st.attempts++;
	wait = queue_backoff(fl->f.st.attempts, rnd);
	fl->f.st.next = fl->now + wait;
	reason(line, s, fl->f.st.error, sizeof fl->f.st.error);
	fl->deferred++;
	if (qf_save_state(&fl->q, &fl->f, &e))
		warnmsg("%s: cannot save its state: %s", fl->f.id, e.msg);
	if (tell(fl))
		warnmsg("%s: deferred (attempt %d, next in %llds): %s", fl->f.id,
		        fl->f.st.attempts, (long long)wait, fl->f.st.error);
}

/* some or all refused for good: those that have it go to done, the
 * refused ones are named with the first refusal */
static void partial(struct flush *fl, const struct smtp *s)
{
	struct qstate *st = &fl->f.st;
	char why[QERR_MAX];
	size_t n = (size_t)snprintf(why, sizeof why, "refused:");
	int i;

	for (i = 0; i < s->nrcpt; i++) {
		if (s->rclass[i] == 2 && st->ndone < RCPT_MAX)
			strlcopy(st->done[st->ndone++], s->rcpt[i], ADDR_MAX);
		else if (n < sizeof why)
			n += (size_t)snprintf(why + n, sizeof why - n, " %s", s->rcpt[i]);
	}
	if (n < sizeof why)
		snprintf(why + n, sizeof why - n, " (%s)", s->refused);
	give_up(fl, why);
}

/* the server refused the message itself for good: a 5xx to MAIL, RCPT,
 * DATA or the data (all the recipients: EX_NOUSER); or the message cannot
 * be sent as it is (65). Anything else (no connection, TLS, AUTH, a
 * protocol error, a local failure) may be mended and is retried until the
 * lifetime ends. */
static int permanent(const struct send_outcome *o)
{
	int st = o->s ? o->s->state : -1;

	if (o->rc == EX_DATAERR)
		return 1;
	return (o->rc == EX_UNAVAILABLE || o->rc == EX_NOUSER) && o->s &&
	       o->s->r.code / 100 == 5 && (st == ST_ENVELOPE || st == ST_BODY || st == ST_QUIT);
}

/* past its lifetime (valid-clock time only): why in why */
static int past_lifetime(struct flush *fl, char *why, size_t max)
{
	int64_t life = fl->ec.queue_lifetime ? fl->ec.queue_lifetime : fl->q.caps.lifetime;
	int64_t age = queue_age(&fl->f.e, &fl->f.st, fl->now, spool_clock(fl->now));

	if (age < life)
		return 0;
	snprintf(why, max, "lifetime of %llds expired", (long long)life);
	return 1;
}

/* a temporary failure: deferred, or given up once the lifetime is over
 * (Postfix's rule: a message expires only when an attempt fails) */
static void temp_fail(struct flush *fl, const char *line, const struct smtp *s)
{
	char why[QERR_MAX], last[QERR_MAX], life[64];

	if (!past_lifetime(fl, life, sizeof life)) {
		defer(fl, line, s);
		return;
	}
	reason(line, s, last, sizeof last);
	snprintf(why, sizeof why, "%s; last error: %s", life, last);
	give_up(fl, why);
}

/* the send's outcome into the entry: done, deferred or failed */
static int after_flush(void *ctx, struct send_outcome *o)
{
	struct flush *fl = ctx;
	struct wb_err e = { 0, "" };

	o->print = 0;
	o->qid = fl->f.id;
	if (o->rc == 0) {
		if (qf_done(&fl->q, &fl->f, &e))
			warnmsg("%s: sent, but not removed (it may go twice): %s", fl->f.id, e.msg);
		else if (tell(fl))
			warnmsg("%s: sent to %d recipient%s", fl->f.id, o->s->accepted,
			        o->s->accepted == 1 ? "" : "s");
		return 0;
	}
	if (o->rc == EX_NOUSER && o->s->refused[0] && o->s->refused[0] == '5')
		partial(fl, o->s);
	else if (permanent(o))
		give_up(fl, o->line);
	else
		temp_fail(fl, o->line, o->s);
	return o->rc;
}

/* A Date we added while the clock was not valid ("Date: ... 1970") is
 * sent with the time of this flush once the clock is valid: the entry is
 * never rewritten, so the new line goes in m->extra and the old one is
 * skipped. The bytes of the entry to skip (0: none). */
static off_t redate(struct flush *fl)
{
	char line[DATE_MAX + 16], d[DATE_MAX];
	ssize_t n;
	char *end;

	if (!qentry_get(&fl->f.e, "date") || !spool_clock(fl->now) ||
	    (n = pread(fl->f.fd, line, sizeof line - 1, fl->f.body)) <= 6)
		return 0;
	line[n] = 0;
	if (strncmp(line, "Date: ", 6) || !(end = strstr(line, "\r\n")))
		return 0;
	date_utc(fl->now, d);
	fl->m->xlen = (size_t)snprintf(fl->m->extra, sizeof fl->m->extra, "Date: %s\r\n", d);
	return (off_t)(end + 2 - line);
}

/* the message to send: the entry's envelope less those that have it, the
 * body streamed from the entry's file */
static void entry_msg(struct flush *fl)
{
	struct msg *m = fl->m;
	int i, k;

	memset(m, 0, sizeof *m);
	m->cfg = &fl->ec;
	strlcopy(m->from, fl->f.e.from, sizeof m->from);
	for (i = 0; i < fl->f.e.nrcpt; i++) {
		for (k = 0; k < fl->f.st.ndone && strcmp(fl->f.st.done[k], fl->f.e.rcpt[i]); k++)
			;
		if (k == fl->f.st.ndone)
			strlcopy(m->rcpt[m->nrcpt++], fl->f.e.rcpt[i], ADDR_MAX);
	}
	m->utf8 = fl->f.e.utf8;
	dot_init(&m->d);
	m->eightbit = -1;
	msg_from_fd(m, fl->f.fd, fl->f.body + redate(fl), -1);
	dot_scan(&m->d, (const unsigned char *)m->extra, m->xlen);
}

/* the entry's settings: its config file and account read again as a send
 * reads them, the recorded settings over them; the flusher's -v */
static int entry_cfg(struct flush *fl, struct wb_err *e)
{
	struct sendcfg *c = &fl->ec;

	memset(c, 0, sizeof *c);
	memset(fl->rf, 0, sizeof *fl->rf);
	if (spool_apply(c, &fl->f.e, e))
		return -1;
	if (CFG_SMTPSEND_CONFIG && send_config(c, fl->rf, e))
		return -1;
	if (spool_apply(c, &fl->f.e, e))
		return -1;
	send_settle(c);
	c->verbose = fl->c->verbose;
	c->qcmd = tell(fl) ? Q_NONE : Q_FLUSH;  /* Q_FLUSH: RCPT refusals unsaid */
	return 0;
}

/* an entry that came with an invalid clock starts its lifetime at the
 * first valid time a flush sees */
static void note_clock(struct flush *fl)
{
	int valid = spool_clock(fl->now);
	struct wb_err e = { 0, "" };

	if (valid && ((!fl->f.e.inj_valid && !fl->f.st.valid_since) ||
	              fl->f.st.valid_since == QUEUE_RESTART)) {
		fl->f.st.valid_since = fl->now;
		if (qf_save_state(&fl->q, &fl->f, &e))
			warnmsg("%s: cannot save its state: %s", fl->f.id, e.msg);
	}
}

/* one entry, opened and locked: sent (or found done) */
static void flush_entry(struct flush *fl)
{
	struct wb_err e = { 0, "" };
	char why[QERR_MAX];

	note_clock(fl);
	if (entry_cfg(fl, &e)) {
		snprintf(why, sizeof why, "config: %s", e.msg);
		log_plain(fl, why);
		temp_fail(fl, why, NULL);
	} else if (entry_msg(fl), fl->m->nrcpt == 0) {
		if (qf_done(&fl->q, &fl->f, &e))        /* every one has it already */
			warnmsg("%s", e.msg);
	} else
		send_run(&fl->ec, fl->m, after_flush, fl);
	secure_zero(fl->ec.secret, sizeof fl->ec.secret);
}

/* an entry that does not parse goes to failed/ with the reason, once
 * (not a warning in every cron run); 0, or -1 when it could not be moved */
static int damaged(struct flush *fl, const char *id, struct wb_err *e)
{
	char why[QERR_MAX];

	snprintf(why, sizeof why, "damaged: %s", e->msg);
	if (queue_fail_damaged(&fl->q, id, why, e) != 0)
		return -1;
	fl->failed++;
	if (tell(fl))
		warnmsg("%s: failed: %s", id, why);
	return 0;
}

static void flush_one(struct flush *fl, const char *id)
{
	struct wb_err e = { 0, "" };
	int r = qf_open(&fl->q, id, 0, 1, &fl->f, &e);

	if (r == 1)
		return;                 /* another flusher has it */
	if (r < 0 && e.code == EX_DATAERR && damaged(fl, id, &e) == 0)
		return;
	if (r < 0) {            /* not ours (left alone: someone must look), I/O */
		warnmsg("%s: %s", id, e.msg);
		fl->deferred += e.code != EX_CONFIG;    /* 75: an I/O error may pass */
		return;
	}
	fl->now = spool_now();
	if (!fl->runner || queue_due(&fl->f.st, fl->now))
		flush_entry(fl);                /* -q tries all, the runner what is due */
	qf_close(&fl->f);
}

/* the runner got SIGTERM or SIGINT (blocked, so pending): the entry
 * being sent is finished, the rest waits (procd kills after 5 s) */
static int stop_asked(const struct flush *fl)
{
	sigset_t p;

	return fl->runner && !sigpending(&p) &&
	       (sigismember(&p, SIGTERM) == 1 || sigismember(&p, SIGINT) == 1);
}

/* every due entry once, oldest first: 0, 75 some deferred, 67 some
 * failed and none deferred, 74 the queue unreadable */
static int flush_all(struct flush *fl)
{
	char ids[QUEUE_LIST_MAX][QID_MAX];
	struct wb_err e = { 0, "" };
	int n, i;

	fl->deferred = fl->failed = 0;
	if (queue_start(&fl->q, fl->c, &e)) {
		warnmsg("%s", e.msg);
		return opened(&e);
	}
	queue_sweep_tmp(&fl->q);
	if ((n = queue_list(&fl->q, 0, ids, QUEUE_LIST_MAX, &e)) < 0) {
		warnmsg("%s", e.msg);
		queue_close(&fl->q);
		return EX_IOERR;
	}
	for (i = 0; i < n && !stop_asked(fl); i++)
		flush_one(fl, ids[i]);
	queue_close(&fl->q);
	return fl->deferred ? EX_TEMPFAIL : fl->failed ? EX_NOUSER : 0;
}

/* ---- the runner: -qINTERVAL ---- */

/* the pid of the process holding DIR/runner.pid's lock, 0 none */
static pid_t runner_pid(int fd)
{
	struct flock l;

	memset(&l, 0, sizeof l);
	l.l_type = F_WRLCK;
	l.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &l) || l.l_type == F_UNLCK)
		return 0;
	return l.l_pid;
}

/* a one-shot -q wakes a runner of the same queue (SIGHUP) */
static void wake_runner(const struct queue *q)
{
	int fd = openat(q->dir, "runner.pid", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	pid_t pid;

	if (fd < 0)
		return;
	if ((pid = runner_pid(fd)) > 0 && kill(pid, SIGHUP) && errno != ESRCH)
		warnmsg("queue: cannot wake the runner (pid %ld): %s", (long)pid, strerror(errno));
	close(fd);
}

/* DIR/runner.pid locked and holding our pid: its fd, or -1 (75 busy) */
static int runner_lock(const struct queue *q, const char *path)
{
	struct flock l;
	char b[24];
	int fd = openat(q->dir, "runner.pid", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	int n;

	if (fd < 0)
		return warnmsg("queue %s: runner.pid: %s", path, strerror(errno)), -1;
	memset(&l, 0, sizeof l);
	l.l_type = F_WRLCK;
	l.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &l)) {
		warnmsg("queue %s: already running (pid %ld)", path, (long)runner_pid(fd));
		close(fd);
		return -1;
	}
	n = snprintf(b, sizeof b, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) || fd_write_all(fd, b, (size_t)n))
		warnmsg("queue %s: runner.pid: %s", path, strerror(errno));
	return fd;
}

/* wait INTERVAL +-10%: 1 to flush again (time, SIGHUP), 0 to stop */
static int runner_wait(int64_t interval, const sigset_t *set)
{
	uint32_t rnd = 0;
	int64_t end, left;
	struct timespec ts;
	int sig;

	random_bytes(&rnd, sizeof rnd);
	end = mono_ms() + interval * (900 + (int64_t)(rnd % 201));
	while ((left = end - mono_ms()) > 0) {
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		sig = sigtimedwait(set, NULL, &ts);
		if (sig == SIGHUP)
			return 1;
		if (sig == SIGTERM || sig == SIGINT)
			return 0;
	}
	return 1;
}

static int runner(struct flush *fl)
{
	struct wb_err e = { 0, "" };
	sigset_t set;
	int fd;

	if (queue_start(&fl->q, fl->c, &e)) {
		warnmsg("%s", e.msg);
		return opened(&e);
	}
	fd = runner_lock(&fl->q, fl->c->queue);
	queue_close(&fl->q);
	if (fd < 0)
		return EX_TEMPFAIL;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fl->runner = 1;
	do
		flush_all(fl);
	while (runner_wait(fl->c->qinterval, &set));
	close(fd);
	return 0;
}

/* ---- -bp, mailq ---- */

/* "<from> -> a,b" cleaned */
static void envelope_str(const struct qentry *q, char *out, size_t max)
{
	char raw[2048];
	size_t n = (size_t)snprintf(raw, sizeof raw, "<%s> ->", q->from);
	int i;

	for (i = 0; i < q->nrcpt && n < sizeof raw; i++)
		n += (size_t)snprintf(raw + n, sizeof raw - n, "%s%s", i ? "," : " ", q->rcpt[i]);
	text_clean(out, max, raw, strlen(raw));
}

/* one entry's lines; its size added to *bytes; 0, or 1 when it has gone
 * meanwhile (sent, dropped) */
static int list_one(struct queue *q, const char *id, int failed, int64_t now,
                    struct qfile *f, uint64_t *bytes)
{
	struct wb_err e = { 0, "" };
	char age[16] = "?", next[24] = "now", env[1100], why[QERR_MAX];
	int64_t a;
	int r = qf_open(q, id, failed, 0, f, &e);

	if (r) {
		text_clean(why, sizeof why, e.msg, strlen(e.msg));
		if (r < 0)
			printf("%s  DAMAGED: %s\n", id, why);
		return r > 0;
	}
	if ((a = queue_age(&f->e, &f->st, now, spool_clock(now))) >= 0)
		dur(a, age, sizeof age);
	if (!failed && !queue_due(&f->st, now)) {
		memcpy(next, "in ", 3);
		dur(f->st.next - now, next + 3, sizeof next - 3);
	}
	envelope_str(&f->e, env, sizeof env);
	printf("%s  %s  %llu  attempts=%d  %s%s  %s\n", id, age, (unsigned long long)f->size,
	       f->st.attempts, failed ? "FAILED" : "next=", failed ? "" : next, env);
	text_clean_inplace(f->st.error, sizeof f->st.error);   /* a file's words */
	text_clean_inplace(f->st.failed, sizeof f->st.failed);
	if (f->st.error[0])
		printf("  last error: %s\n", f->st.error);
	if (failed)
		printf("  failed: %s\n", f->st.failed[0] ? f->st.failed : "(no reason kept)");
	*bytes += f->size;
	qf_close(f);
	return 0;
}

static int list(struct flush *fl)
{
	char ids[QUEUE_LIST_MAX][QID_MAX];
	struct wb_err e = { 0, "" };
	uint64_t bytes = 0;
	int n[2], k, i, gone;
	int64_t now = spool_now();

	if (queue_start(&fl->q, fl->c, &e)) {
		warnmsg("%s", e.msg);
		return opened(&e);
	}
	for (k = 0; k < 2; k++) {
		if ((n[k] = queue_list(&fl->q, k, ids, QUEUE_LIST_MAX, &e)) < 0) {
			warnmsg("%s", e.msg);
			queue_close(&fl->q);
			return EX_IOERR;
		}
		for (i = 0, gone = 0; i < n[k]; i++)
			gone += list_one(&fl->q, ids[i], k, now, &fl->f, &bytes);
		n[k] -= gone;
	}
	queue_close(&fl->q);
	if (n[0] + n[1] == 0)
		printf("queue is empty\n");
	else
		printf("%d queued, %d failed, %llu bytes\n", n[0], n[1], (unsigned long long)bytes);
	return 0;
}

/* --queue-drop ID, --queue-retry ID */
/* the valid-clock now a --queue-retry from failed/ restarts the lifetime
 * with; with an invalid clock, the first valid time a flush sees */
static int64_t restart(void)
{
	int64_t now = spool_now();

	return spool_clock(now) ? now : QUEUE_RESTART;
}

/* --queue-retry all: every entry of new/ due now (those being sent are
 * skipped); 0 or -1 with e filled */
static int retry_all(struct flush *fl, struct wb_err *e)
{
	char ids[QUEUE_LIST_MAX][QID_MAX];
	struct wb_err busy;
	int n, i;

	if ((n = queue_list(&fl->q, 0, ids, QUEUE_LIST_MAX, e)) < 0)
		return -1;
	for (i = 0; i < n; i++)
		queue_retry(&fl->q, ids[i], 0, &busy);
	return 0;
}

static int drop_retry(struct flush *fl)
{
	struct wb_err e = { 0, "" };
	int all = fl->c->qcmd == Q_RETRY && !strcmp(fl->c->qid, "all");
	int r;

	if (!all && !qid_ok(fl->c->qid))
		return usage_error("'%.60s': not a queue entry ID", fl->c->qid);
	if (queue_start(&fl->q, fl->c, &e)) {
		warnmsg("%s", e.msg);
		return opened(&e);
	}
	r = all ? retry_all(fl, &e) : fl->c->qcmd == Q_DROP ?
	    queue_drop(&fl->q, fl->c->qid, &e) : queue_retry(&fl->q, fl->c->qid, restart(), &e);
	if (r == 0 && fl->c->qcmd == Q_RETRY)
		wake_runner(&fl->q);
	queue_close(&fl->q);
	if (r)
		return err_report(&e, NULL, NULL);
	return 0;
}

static int flush_once(struct flush *fl)
{
	struct wb_err e = { 0, "" };
	int rc = flush_all(fl);

	if (rc != EX_IOERR && rc != EX_CONFIG && !queue_start(&fl->q, fl->c, &e)) {
		wake_runner(&fl->q);
		queue_close(&fl->q);
	}
	return rc;
}

int queue_cmd(struct sendcfg *c, struct rcfiles *rf, struct msg *m)
{
	struct flush fl;
	char path[4096];                /* c->queue may live in rf */

	if (!c->queue) {
		warnmsg("no queue: --queue DIR, or 'queue DIR' in the config");
		return EX_CONFIG;
	}
	if (strlcopy(path, c->queue, sizeof path))
		return warnmsg("queue: path too long"), EX_CONFIG;
	c->queue = path;
	memset(&fl, 0, sizeof fl);
	fl.c = c;
	fl.rf = rf;
	fl.m = m;
	switch (c->qcmd) {
	case Q_LIST:
		return list(&fl);
	case Q_DROP: case Q_RETRY:
		return drop_retry(&fl);
	case Q_RUN:
		return runner(&fl);
	}
	return flush_once(&fl);
}
