/* daemon.c - sntpc -d: poll the servers forever, keep the clock right with
 * -a semantics, back off while stable, honour KoD, run -x PROG after a
 * step. Foreground unless -b; log to stderr or syslog (-L). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "sysopts.h"
#include "sntpc.h"
#include "run.h"
#include "util.h"

static int to_syslog, log_fd = -1;      /* -L: datagram socket to /dev/log */

/* -L: a minimal syslog client, "<PRI>sntpc[PID]: text" (RFC 3164 without
 * the optional timestamp, which syslogd adds); libc's syslog would bring
 * strftime and the time-zone code, ~8 KB static */
static int log_open(void)
{
	struct sockaddr_un ua;

	if (log_fd >= 0)
		close(log_fd);
	memset(&ua, 0, sizeof ua);
	ua.sun_family = AF_UNIX;
	memcpy(ua.sun_path, "/dev/log", sizeof "/dev/log");
	log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (log_fd >= 0 && connect(log_fd, (struct sockaddr *)&ua, sizeof ua) == 0)
		return 0;
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	return -1;
}

static int log_send(int prio, const char *fmt, va_list ap)
{
	char b[512];
	int n = snprintf(b, sizeof b, "<%d>%s[%ld]: ", LOG_DAEMON | prio, wb_applet,
	                 (long)getpid());
	size_t len;

	if (n < 0 || (size_t)n >= sizeof b / 2)
		n = 0;
	vsnprintf(b + n, sizeof b - (size_t)n, fmt, ap);
	len = strlen(b);
	if (log_fd >= 0 && send(log_fd, b, len, MSG_NOSIGNAL) == (ssize_t)len)
		return 0;
	/* not yet connected, or syslogd restarted: connect again */
	return log_open() || send(log_fd, b, len, MSG_NOSIGNAL) != (ssize_t)len ? -1 : 0;
}

static void dlog(int prio, const char *fmt, ...) WB_PRINTF(2, 3);
static void dlog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (to_syslog) {
		va_list aq;
		int r;
		va_copy(aq, ap);
		r = log_send(prio, fmt, aq);
		va_end(aq);
		if (r == 0) {
			va_end(ap);
			return;
		}
	}
	fprintf(stderr, "%s: ", wb_applet);     /* no syslogd: stderr */
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void sleep_ms(int64_t ms)
{
	int64_t end = mono_ms() + ms, left;
	struct timespec ts;

	while ((left = end - mono_ms()) > 0) {
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		nanosleep(&ts, NULL);
	}
}

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

static void env_var(void *rc, const char *key, const char *val, int text)
{
	char k[24];

	(void)text;
	snprintf(k, sizeof k, "SNTP_%s", key);
	*(int *)rc |= setenv(k, val, 1);
}

int sntpc_setenv(const struct server *s)
{
	int rc = 0;

	out_vars(s, env_var, &rc);
	return rc ? -1 : 0;
}

/* run PROG step with the SNTP_* variables, through core/run like every
 * helper: stdin /dev/null, no descriptor of ours, its own process group,
 * killed (the group) if it has not exited within RUN_DEFAULT_MS; waited for
 * here, so SIGCHLD is back to its default meanwhile (the daemon ignores it) */
static void run_prog(const char *prog, const struct server *s)
{
	/* $0 is PROG, an argument (no quoting needed); a name without a slash stays a
	 * file in the current directory (as execl ran it), not a $PATH search */
	const char *exec_prog = strchr(prog, '/') ? "exec \"$0\" step" : "exec \"./$0\" step";
	const char *args[] = { prog, NULL };
	void (*old)(int) = signal(SIGCHLD, SIG_DFL);
	struct run r;
	int st;

	if (sntpc_setenv(s) || run_start(&r, exec_prog, args, RUN_FORWARD)) {
		dlog(LOG_ERR, "-x %s: %s", prog, strerror(errno));
		signal(SIGCHLD, old);
		return;
	}
	st = run_wait(&r, mono_ms() + RUN_DEFAULT_MS);
	signal(SIGCHLD, old);
	if (st == RUN_TIMEOUT)
		dlog(LOG_ERR, "-x %s: still running after %d s: killed", prog,
		     RUN_DEFAULT_MS / 1000);
	else if (st < 0)
		dlog(LOG_ERR, "-x %s: %s", prog, strerror(errno));
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		dlog(LOG_WARNING, "-x %s: exit status %d", prog,
		     WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

/* apply the selected sample; returns the poll event, or -1 to stop */
static int correct(struct sntpc_opts *o, const struct server *b, int *first)
{
	struct clock_policy pol = o->pol;
	enum clock_act act;
	struct wb_err e;
	char off[32], del[32];

	if (*first || o->any_panic)
		pol.panic = 0;          /* the first correction may be any size */
	act = clock_decide(&pol, ntp_fix_sat(b->best.offset, b->best.era));
	ntp_off_str(b->best.offset, b->best.era, 1, off, sizeof off);
	ntp_fix_str(b->best.delay, 0, del, sizeof del);
	if (clock_apply(&clock_sys, act, b->best.offset, b->best.era, &e)) {
		dlog(LOG_ERR, "%s: %s", b->addr, e.msg);
		return e.code == EX_NOPERM ? -1 : POLL_UNSTABLE;
	}
	*first = 0;
	dlog(LOG_INFO, "%s stratum %u offset %s delay %s: %s", b->addr,
	     b->best.pkt.stratum, off, del, act == ACT_STEP ? "stepped" : "slewed");
	if (act == ACT_STEP && o->prog)
		run_prog(o->prog, b);
	return poll_event_for(ntp_fix_sat(b->best.offset, b->best.era), o->pol.step_thr);
}

static void log_failures(const struct query *q, int *rate, int *alive)
{
	char why[160];
	int i;

	*rate = *alive = 0;
	for (i = 0; i < q->n; i++) {
		const struct server *s = &q->srv[i];
		if (!s->used)
			continue;
		*rate |= s->fail == FAIL_RATE;
		*alive += !s->denied;
		if (s->state == SRV_FAIL && s->fail != FAIL_RESOLVE)
			dlog(LOG_WARNING, "%s: %s", s->addr, srv_fail_str(s, why, sizeof why));
	}
}

/* one poll: query, correct, choose the next interval; 0, or the exit
 * code to stop with (every server denied, or no permission: 77) */
static int round_once(struct sntpc_opts *o, unsigned *poll, int *first)
{
	int i, best, rate, alive, ev = POLL_KEEP;
	struct sel_out so;

	for (i = 0; i < o->q.nsrc; i++) {
		struct wb_err e;
		if (!o->q.src[i].naddr && query_resolve(&o->q, i, &e))
			dlog(LOG_WARNING, "%s: resolve: %s", o->q.src[i].name, e.msg);
	}
	for (i = 0; i < o->q.n; i++)
		query_reset(&o->q, &o->q.srv[i]);
	query_run(&o->q);
	log_failures(&o->q, &rate, &alive);
	if (!alive) {
		dlog(LOG_ERR, "every server denied access: giving up");
		return EX_NOPERM;
	}
	best = select_servers(o->q.srv, o->q.n, -1, mono_ms(), &so);
	if (best >= 0 && (ev = correct(o, &o->q.srv[best], first)) < 0)
		return EX_NOPERM;
	*poll = poll_update(*poll, o->poll_min, o->poll_max,
	                    rate ? POLL_RATE : (enum poll_event)ev);
	for (i = 0; i < o->q.n; i++)
		o->q.srv[i].poll = *poll;
	return 0;
}

int sntpc_daemon(struct sntpc_opts *o)
{
	unsigned poll = o->poll_min;
	int first = 1, rc;

	if (o->background && background())
		return EX_OSERR;
	to_syslog = o->use_syslog;
	if (to_syslog && log_open())
		fprintf(stderr, "%s: /dev/log: %s: logging to stderr until it works\n", wb_applet,
		        strerror(errno));
	signal(SIGCHLD, SIG_IGN);
	dlog(LOG_INFO, "polling %d server%s every %u..%u s", o->q.n, o->q.n == 1 ? "" : "s",
	     o->poll_min, o->poll_max);
	sleep_ms(poll_first_ms(o->poll_min, rnd32()));
	for (;;) {
		if ((rc = round_once(o, &poll, &first)) != 0)
			return rc;
		sleep_ms(poll_jitter_ms(poll, rnd32()));
	}
}
