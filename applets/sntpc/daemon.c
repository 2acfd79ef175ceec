/* daemon.c - sntpc -d: poll the servers forever, select as RFC 5905 does
 * and correct the clock only after a system peer (-a semantics, a step
 * budget), back off, run -x PROG without waiting for it. Foreground
 * unless -b; signals are taken synchronously (blocked, sigtimedwait). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include "sysopts.h"
#include "daemon.h"
#include "util.h"

static uint32_t rnd32(void)
{
	uint32_t r = 0;

	if (random_bytes(&r, sizeof r))
		r = (uint32_t)mono_ms() ^ (uint32_t)getpid();
	return r;
}

static int background(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	setsid();
	if (chdir("/"))
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

/* ---- signals: default dispositions (whatever we inherited), SIGPIPE
 * ignored, the ones we act on blocked and taken in nap() ---- */
static void signals_init(sigset_t *set)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD };
	size_t i;

	for (i = 0; i < sizeof sigs / sizeof *sigs; i++)
		signal(sigs[i], SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGCHLD);
	sigprocmask(SIG_BLOCK, set, NULL);
}

static int ms_cap(int64_t ms)
{
	return ms > 3600000 ? 3600000 : ms < 1 ? 1 : (int)ms;
}

/* SIGHUP re-resolves every name at most once per HUP_EVERY_MS; one that
 * comes sooner only reopens the log, and all of those are coalesced into
 * one re-resolution when the time is up */
#define HUP_EVERY_MS 10000

static void hup_resolve(struct dstate *d, int64_t now)
{
	d->hup_due = 0;
	d->hup_next = now + HUP_EVERY_MS;
	dlog(LOG_INFO, "SIGHUP: resolving every name again%s",
	     d->o->use_syslog ? ", log reopened" : "");
	track_resolve(d, 1);
}

static void hup(struct dstate *d)
{
	int64_t now = mono_ms();

	dlog_open(d->o->use_syslog);
	if (d->hup_next && now < d->hup_next)
		d->hup_due = 1;
	else
		hup_resolve(d, now);
}

/* --serve: answer clients while waiting. The signals stay blocked; they
 * are taken (without waiting) before and after each poll() on the server
 * socket, which sleeps at most SERVE_TICK_MS, so a signal is acted on
 * within that and none is lost. */
#define SERVE_TICK_MS 200

static int serve_wait(struct dstate *d, const sigset_t *set, int64_t left)
{
	static const struct timespec zero = { 0, 0 };
	struct pollfd p;
	int sig = sigtimedwait(set, NULL, &zero);

	if (sig > 0)
		return sig;
	p.fd = d->serve_fd;
	p.events = POLLIN;
	p.revents = 0;
	if (poll(&p, 1, left > SERVE_TICK_MS ? SERVE_TICK_MS : (int)left) > 0 &&
	    (p.revents & POLLIN))
		serve_handle(d->serve_fd, &d->ss, &d->rl, mono_ms());
	return sigtimedwait(set, NULL, &zero);
}

/* sleep until mono ms `until`, tending the hook, a coalesced SIGHUP and
 * the server's clients meanwhile: 0, or SIGTERM/SIGINT */
static int nap(struct dstate *d, const sigset_t *set, int64_t until)
{
	for (;;) {
		int64_t now = mono_ms(), left = until - now, h = hook_check(&d->hook, now);
		struct timespec ts;
		int sig;

		if (d->hup_due && now >= d->hup_next)
			hup_resolve(d, now);
		if (left <= 0)
			return 0;
		if (h >= 0 && h < left)
			left = h;
		if (d->hup_due && d->hup_next - now < left)
			left = d->hup_next - now;
		left = ms_cap(left);
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		sig = d->serve_fd >= 0 ? serve_wait(d, set, left) : sigtimedwait(set, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT)
			return sig;
		if (sig == SIGHUP)
			hup(d);
	}
}

/* ---- --pidfile: opened (never through a symlink, not truncated yet) and
 * locked (fcntl) before -b's fork, so a second daemon is refused at start;
 * the daemon process locks it again after the fork (fcntl locks are not
 * inherited) and only then truncates and writes it. It stays open (the
 * lock) and is removed at exit only while we hold it. ---- */
static char pid_path[HOOK_PATH_MAX];
static int pid_fd = -1, pid_locked;

/* 0, or -1 with errno (EAGAIN: another process holds it, *holder its pid) */
static int pid_lock(int fd, long *holder)
{
	struct flock l;

	memset(&l, 0, sizeof l);
	l.l_type = F_WRLCK;
	l.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &l) == 0)
		return 0;
	*holder = 0;
	if (errno != EACCES && errno != EAGAIN)
		return -1;
	memset(&l, 0, sizeof l);
	l.l_type = F_WRLCK;
	l.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &l) == 0 && l.l_type != F_UNLCK)
		*holder = (long)l.l_pid;
	errno = EAGAIN;
	return -1;
}

static int pidfile_open(const char *name, struct wb_err *e)
{
	char cwd[HOOK_PATH_MAX];
	struct stat st;
	long holder;
	int n;

	if (!name)
		return 0;
	if (!name[0]) {
		err_set(e, EX_USAGE, "--pidfile: an empty file name");
		return -1;
	}
	if (name[0] == '/' || !getcwd(cwd, sizeof cwd))
		n = snprintf(pid_path, sizeof pid_path, "%s", name);
	else
		n = snprintf(pid_path, sizeof pid_path, "%s/%s", cwd, name);
	if (n < 0 || (size_t)n >= sizeof pid_path) {
		pid_path[0] = 0;
		errno = ENAMETOOLONG;
		err_sys(e, EX_CONFIG, "--pidfile %s", name);
		return -1;
	}
	pid_fd = open(pid_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	if (pid_fd < 0 && errno == ELOOP)
		err_set(e, EX_CONFIG, "--pidfile %s: a symbolic link: refused", name);
	else if (pid_fd < 0)
		err_sys(e, EX_CONFIG, "--pidfile %s", name);
	else if (fstat(pid_fd, &st) || !S_ISREG(st.st_mode))
		err_set(e, EX_CONFIG, "--pidfile %s: not a regular file", name);
	else if (!pid_lock(pid_fd, &holder))
		return pid_locked = 1, 0;
	else if (errno == EAGAIN)
		err_set(e, EX_CONFIG, "--pidfile %s: already running (pid %ld)", name, holder);
	else
		err_sys(e, EX_CONFIG, "--pidfile %s: lock", name);
	if (pid_fd >= 0)
		close(pid_fd);
	pid_fd = -1;
	pid_path[0] = 0;
	return -1;
}

/* in the process that stays (after -b's fork: once the parent is gone and
 * its lock with it), lock, truncate and write: 0, or EX_CONFIG */
static int pidfile_own(void)
{
	char b[24];
	struct timespec ts = { 0, 10000000 };
	long holder = 0;
	int n, i;

	if (pid_fd < 0)
		return 0;
	pid_locked = 0;
	for (i = 0; pid_lock(pid_fd, &holder); i++) {
		if (errno != EAGAIN || i >= 500) {
			dlog(LOG_ERR, "--pidfile %s: already running (pid %ld)", pid_path, holder);
			return EX_CONFIG;
		}
		nanosleep(&ts, NULL);
	}
	pid_locked = 1;
	n = snprintf(b, sizeof b, "%ld\n", (long)getpid());
	if (ftruncate(pid_fd, 0) || pwrite(pid_fd, b, (size_t)n, 0) != n)
		dlog(LOG_ERR, "--pidfile %s: %s", pid_path, strerror(errno));
	return 0;
}

/* at exit: remove it if it is still ours (locked, and the same file) */
static void pidfile_close(void)
{
	struct stat a, b;

	if (pid_fd < 0)
		return;
	if (pid_locked && !fstat(pid_fd, &a) && !lstat(pid_path, &b) &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino && unlink(pid_path))
		dlog(LOG_ERR, "--pidfile %s: %s", pid_path, strerror(errno));
	close(pid_fd);
	pid_fd = -1;
	pid_locked = 0;
}

/* ---- the status file and the server's state ---- */
static int64_t unix_now(void)
{
	struct ntp_time t;

	return clock_sys.now(&t) ? 0 : t.sec;
}

/* write the status (synchronised only while the server would say so);
 * a failure is logged once, until a write works again */
static void status_update(struct dstate *d, int running)
{
	struct wb_err e;

	if (d->unsync || !running)
		d->ss.synced = 0;
	d->st.synced = d->ss.synced;
	if (!d->st.synced)
		d->st.stratum = 16;
	d->st.poll = d->ps.interval;
	d->st.written = unix_now();
	d->st.pid = (long)getpid();
	if (!status_write(d->o->status_path, &d->st, &e)) {
		d->status_failed = 0;
		return;
	}
	if (!d->status_failed)
		dlog(LOG_ERR, "--status-file %s", e.msg);
	d->status_failed = 1;
}

/* the clock was just set from the system peer b (off: the correction) */
static void synced(struct dstate *d, const struct server *b, ntp_fix off)
{
	struct serve_state *s = &d->ss;
	struct ntp_time now;

	if (clock_sys.now(&now))
		return;
	s->synced = 1;
	s->leap = b->best.pkt.leap;
	s->stratum = b->best.pkt.stratum;
	s->refid = serve_refid((const struct sockaddr *)&b->sa);
	s->reftime = ntp_from_time(&now);
	s->rootdelay = b->best.pkt.rootdelay;
	s->rootdisp = b->best.pkt.rootdisp;
	s->delay = b->best.delay;
	s->disp = b->disp;
	s->jitter = b->jitter;
	d->st.stratum = b->best.pkt.stratum;
	strlcopy(d->st.server, b->name, sizeof d->st.server);
	strlcopy(d->st.address, b->addr, sizeof d->st.address);
	d->st.offset = off;
	d->st.delay = b->best.delay;
	d->st.updated = now.sec;
}

/* --status-file's directory must exist (78 naming it); --serve's socket
 * is opened before the fork, so a port in use is refused at start */
static int daemon_open(struct dstate *d, struct wb_err *e)
{
	const struct sntpc_opts *o = d->o;
	const char *path = o->status_path ? o->status_path : STATUS_PATH;
	const char *slash = strrchr(path, '/');
	char dir[HOOK_PATH_MAX];
	struct stat sb;

	if (!*path || (slash && (size_t)(slash - path) >= sizeof dir)) {
		err_set(e, EX_CONFIG, "--status-file '%s': not a usable file name", path);
		return -1;
	}
	if (slash && slash > path) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = 0;
		if (!stat(dir, &sb) && !S_ISDIR(sb.st_mode))
			errno = ENOTDIR;
		else if (!stat(dir, &sb))
			dir[0] = 0;
		if (dir[0]) {
			err_sys(e, EX_CONFIG, "--status-file %s: directory %s", path, dir);
			return -1;
		}
	}
	if (!o->serve)
		return 0;
	rl_init(&d->rl, rnd32());
	d->serve_fd = serve_open(o->iface, o->q.nsrc > 0 ? o->q.src[0].family : AF_UNSPEC,
	                         o->serve_port, e);
	return d->serve_fd < 0 ? -1 : 0;
}

/* ---- the clock ---- */
static ntp_fix fix_abs(ntp_fix a)
{
	return a < 0 ? -a : a;
}

static int newer(const struct ntp_time *a, const struct ntp_time *b)
{
	return a->sec > b->sec || (a->sec == b->sec && a->nsec > b->nsec);
}

/* after a step: did the next update see the offset gone? */
static void step_check(struct dstate *d, ntp_fix off)
{
	char a[32], b[32];

	if (!d->stepped)
		return;
	d->stepped = 0;
	if (fix_abs(off) < d->o->pol.step_thr || fix_abs(off) <= fix_abs(d->step_off) / 2) {
		d->noeffect_logged = 0;
		return;
	}
	if (!d->noeffect_logged)
		dlog(LOG_ERR, "the step by %s s had no effect: the offset is still %s s",
		     ntp_fix_str(d->step_off, 1, a, sizeof a), ntp_fix_str(off, 1, b, sizeof b));
	d->noeffect_logged = 1;
}

/* a step beyond the budget: slewed if adjtime can, else nothing */
static enum clock_act over_budget(struct dstate *d, ntp_fix off)
{
	char b[32];
	int slew = fix_abs(off) < SLEW_MAX;

	if (!d->budget_logged)
		dlog(LOG_WARNING, "offset %s s: %d steps in the last hour already: %s",
		     ntp_fix_str(off, 1, b, sizeof b), STEP_MAX,
		     slew ? "slewing instead" : "too large to slew, clock left alone");
	d->budget_logged = 1;
	return slew ? ACT_SLEW : ACT_NONE;
}

/* the hook's action ev (NULL: only the latest values) with our stratum
 * and the offset of b's sample (b NULL: 0) */
static void fire(struct dstate *d, const char *ev, unsigned stratum, const struct server *b,
                 const struct sel_out *so)
{
	struct hook_vars v = { stratum, d->ps.interval, 0, 0 };

	if (b) {
		v.offset = b->best.offset;
		v.era = b->best.era;
	}
	hook_event(&d->hook, ev, &v, b, so);
}

static void stepped(struct dstate *d, const struct server *b, const struct sel_out *so,
                    ntp_fix off)
{
	int i;

	step_taken(&d->sb, mono_ms());
	d->budget_logged = 0;
	for (i = 0; i < d->o->q.n; i++)         /* samples from before the step */
		filter_clear(&d->o->q.srv[i].filt);
	d->have_last = 0;
	d->stepped = 1;
	d->step_off = off;
	poll_start(&d->ps, d->o->poll_min);
	fire(d, "step", STRATUM_UNSYNC, b, so);     /* BusyBox: 16 until the next update */
}

/* apply the system peer's sample if it is new; the poll event, or -1 to stop */
static int correct(struct dstate *d, const struct server *b, const struct sel_out *so)
{
	struct clock_policy pol = d->o->pol;
	ntp_fix off = ntp_fix_sat(b->best.offset, b->best.era);
	enum clock_act act;
	struct wb_err e;
	char os[32], ds[32];

	if (d->have_last && !newer(&b->best.t4, &d->last_t4))
		return POLL_KEEP;       /* applied already */
	d->have_last = 1;
	d->last_t4 = b->best.t4;
	if (d->o->query_only)
		return POLL_STABLE;     /* ntpd -w: the clock is never touched */
	step_check(d, off);
	if (d->first || d->o->any_panic)
		pol.panic = 0;          /* the first correction may be any size */
	act = clock_decide(&pol, off);
	if (act == ACT_STEP && !step_allowed(&d->sb, mono_ms()))
		act = over_budget(d, off);
	if (clock_apply(&clock_sys, act, b->best.offset, b->best.era, &e)) {
		if (e.code == EX_NOPERM || !d->refused_logged)
			dlog(LOG_ERR, "%s: %s", b->addr, e.msg);
		d->refused_logged = 1;
		return e.code == EX_NOPERM ? -1 : POLL_UNSTABLE;
	}
	if (act == ACT_NONE)
		return POLL_UNSTABLE;
	d->first = d->refused_logged = 0;
	synced(d, b, off);
	dlog(LOG_INFO, "%s stratum %u offset %s delay %s: %s", b->addr, b->best.pkt.stratum,
	     ntp_off_str(b->best.offset, b->best.era, 1, os, sizeof os),
	     ntp_fix_str(b->best.delay, 0, ds, sizeof ds), act == ACT_STEP ? "stepped" : "slewed");
	if (act == ACT_STEP)
		stepped(d, b, so, off);
	else    /* synchronised: our stratum is the system peer's + 1 */
		fire(d, d->hook.v.stratum != b->best.pkt.stratum + 1 ? "stratum" : NULL,
		     b->best.pkt.stratum + 1, b, so);
	return poll_event_for(off, d->o->pol.step_thr);
}

/* ---- one poll ---- */
static void no_majority(struct dstate *d, const struct sel_out *so)
{
	char line[480];         /* cut by out_nomaj to fit dlog's 512 */

	if (d->nomaj_logged || so->nusable < 2)
		return;
	d->nomaj_logged = 1;
	out_nomaj(line, sizeof line, d->o->q.srv, d->o->q.n);
	dlog(LOG_WARNING, "%s", line);
}

static void no_peer(struct dstate *d, const struct sel_out *so)
{
	if (d->sys >= 0)
		dlog(LOG_INFO, "no system peer");
	d->sys = -1;
	no_majority(d, so);
	if (++d->nopeer < UNSYNC_POLLS || d->unsync)
		return;
	d->unsync = 1;
	dlog(LOG_WARNING, "clock unsynchronised: no system peer for %d polls", d->nopeer);
	fire(d, "unsync", STRATUM_UNSYNC, NULL, so);
}

/* ntpd -w, ntpd -d: BusyBox's line for each reply of this poll */
static void log_replies(const struct dstate *d)
{
	char line[ADDRSTR_MAX + 200];
	int i;

	for (i = 0; i < d->o->q.n; i++) {
		const struct server *s = &d->o->q.srv[i];
		if (!s->used || !s->have || !s->filt.n)
			continue;
		hook_reply_line(line, sizeof line, s);
		dlog(LOG_INFO, "%s", line);
	}
}

static int round_once(struct dstate *d)
{
	struct sel_out so;
	int best, ev = POLL_KEEP, i;

	track_resolve(d, 0);
	track_reset(d);
	query_run(&d->o->q);
	if (d->o->query_only || (d->o->busybox && d->o->q.verbose))
		log_replies(d);
	track_round(d);
	best = select_servers(d->o->q.srv, d->o->q.n, d->sys, mono_ms(), &so);
	track_selection(d);
	if (best < 0)
		no_peer(d, &so);
	else {
		if (best != d->sys || d->unsync)
			dlog(LOG_INFO, "system peer %s (%d of %d servers kept)",
			     d->o->q.srv[best].addr, so.nkept, so.nusable);
		d->sys = best;
		d->nopeer = d->unsync = d->nomaj_logged = 0;
		if ((ev = correct(d, &d->o->q.srv[best], &so)) < 0)
			return EX_NOPERM;
	}
	for (i = 0; i < d->o->q.n; i++)
		if (d->o->q.srv[i].used && d->o->q.srv[i].fail == FAIL_RATE)
			ev = POLL_RATE;         /* a server asked for less */
	poll_next(&d->ps, d->o->poll_min, d->o->poll_max, (enum poll_event)ev);
	d->hook.v.poll = d->ps.interval;        /* for periodic */
	for (i = 0; i < d->o->q.n; i++) {
		const struct backoff *bo = &d->slot[i].bo;
		d->o->q.srv[i].poll = bo->interval ? bo->interval : d->ps.interval;
	}
	return 0;
}

static int finish(struct dstate *d, int rc, int sig)
{
	hook_stop(&d->hook);
	if (d->running)         /* a dead daemon never reads as synchronised */
		status_update(d, 0);
	if (d->serve_fd >= 0)
		close(d->serve_fd);
	d->serve_fd = -1;
	if (sig)
		dlog(LOG_INFO, "%s: exiting", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	pidfile_close();
	return rc;
}

static int servers(const struct query *q)
{
	int i, n = 0;

	for (i = 0; i < q->n; i++)
		n += q->srv[i].used;
	return n;
}

/* 0, 1 and 2 open (on /dev/null if they were closed), so no socket or
 * pidfile of ours becomes one of them and is then replaced by -b's dup2 */
static void std_fds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

int sntpc_daemon(struct sntpc_opts *o)
{
	static struct dstate d;         /* large; one daemon per process */
	struct wb_err e;
	sigset_t set;
	int rc, sig;

	std_fds();
	memset(&d, 0, sizeof d);
	d.serve_fd = -1;
	d.o = o;
	d.sys = -1;
	d.first = 1;
	for (rc = 0; rc < o->q.nsrc; rc++)     /* sntpc.c said so already */
		d.unresolved[rc] = !o->q.src[rc].naddr;
	if (hook_init(&d.hook, o->prog, &e))
		return err_report(&e, NULL, NULL);
	if (pidfile_open(o->pidfile, &e))
		return err_report(&e, NULL, NULL);
	if (daemon_open(&d, &e))
		return finish(&d, err_report(&e, NULL, NULL), 0);
	signals_init(&set);
	if (o->background && background())
		return EX_OSERR;
	if (dlog_open(o->use_syslog))
		fprintf(stderr, "%s: /dev/log: %s: logging to stderr until it works\n", wb_applet,
		        strerror(errno));
	if ((rc = pidfile_own()) != 0)
		return finish(&d, rc, 0);
	poll_start(&d.ps, o->poll_min);
	d.running = 1;
	status_update(&d, 1);
	dlog(LOG_INFO, "polling %d server%s every %u..%u s", servers(&o->q),
	     servers(&o->q) == 1 ? "" : "s", o->poll_min, o->poll_max);
	sig = nap(&d, &set, mono_ms() + poll_first_ms(o->poll_min, rnd32()));
	while (!sig) {
		if ((rc = round_once(&d)) != 0)
			return finish(&d, rc, 0);
		status_update(&d, 1);
		sig = nap(&d, &set, mono_ms() + poll_jitter_ms(d.ps.interval, rnd32()));
	}
	return finish(&d, 0, sig);
}
