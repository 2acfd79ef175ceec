/* hook.c - sntpc -d -x PROG: run "PROG step" / "PROG unsync" through
 * core/run without ever blocking the time loop. One at a time: an event
 * that comes while one runs waits (the latest replaces an earlier one)
 * and starts when it ends; one still running after HOOK_LIMIT_MS is
 * killed with its process group. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "sysopts.h"
#include "sntpc.h"
#include "util.h"

int hook_init(struct hook *h, const char *prog, struct wb_err *e)
{
	char cwd[HOOK_PATH_MAX];
	struct stat st;
	int n;

	memset(h, 0, sizeof *h);
	h->r.pid = -1;
	if (!prog)
		return 0;
	if (prog[0] == '/')
		n = snprintf(h->prog, sizeof h->prog, "%s", prog);
	else if (getcwd(cwd, sizeof cwd))
		n = snprintf(h->prog, sizeof h->prog, "%s/%s", cwd, prog);
	else {
		err_sys(e, EX_CONFIG, "-x %s: current directory", prog);
		return -1;
	}
	if (n < 0 || (size_t)n >= sizeof h->prog) {
		err_set(e, EX_CONFIG, "-x %s: path too long", prog);
		return -1;
	}
	if (stat(h->prog, &st) || access(h->prog, X_OK)) {
		err_sys(e, EX_CONFIG, "-x %s", prog);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, EX_CONFIG, "-x %s: not a regular file", prog);
		return -1;
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

static void env_unset(void *rc, const char *key, const char *val, int text)
{
	char k[24];

	(void)val;
	(void)text;
	snprintf(k, sizeof k, "SNTP_%s", key);
	*(int *)rc |= unsetenv(k);
}

int sntpc_setenv(const struct server *s, const struct sel_out *so)
{
	static const struct server none;
	int rc = 0;

	out_vars(s ? s : &none, s ? env_var : env_unset, &rc);
	if (so)
		out_sel_vars(so, env_var, &rc);
	return rc ? -1 : 0;
}

static void start(struct hook *h, int64_t now_ms)
{
	const char *args[] = { h->prog, h->pending, NULL };
	const char *ev = h->pending;

	h->pending = NULL;
	if (sntpc_setenv(h->has_srv ? &h->srv : NULL, &h->so) ||
	    run_start(&h->r, "exec \"$0\" \"$1\"", args, 0)) {
		dlog(LOG_ERR, "-x %s %s: %s", h->prog, ev, strerror(errno));
		h->r.pid = -1;
		return;
	}
	h->deadline = now_ms + HOOK_LIMIT_MS;
}

void hook_event(struct hook *h, const char *ev, const struct server *s,
                const struct sel_out *so)
{
	if (!h->prog[0])
		return;
	h->pending = ev;
	h->has_srv = s != NULL;
	if (s)
		h->srv = *s;
	h->so = *so;
	if (h->r.pid <= 0)
		start(h, mono_ms());
}

/* the hook has exited (or is gone): 1 */
static int done(const struct hook *h)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	if (waitid(P_PID, (id_t)h->r.pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno != EINTR;
	return si.si_pid != 0;
}

static void finished(struct hook *h, int st)
{
	if (st == RUN_TIMEOUT)
		dlog(LOG_ERR, "-x %s: still running after %d s: killed", h->prog,
		     HOOK_LIMIT_MS / 1000);
	else if (st < 0)
		dlog(LOG_ERR, "-x %s: %s", h->prog, strerror(errno));
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		dlog(LOG_WARNING, "-x %s: exit status %d", h->prog,
		     WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

int64_t hook_check(struct hook *h, int64_t now_ms)
{
	if (h->r.pid > 0) {
		if (done(h))
			finished(h, run_wait(&h->r, now_ms + RUN_GRACE_MS));
		else if (now_ms >= h->deadline)
			finished(h, run_wait(&h->r, now_ms));   /* kills its group */
		else
			return h->deadline - now_ms;
	}
	if (h->pending)
		start(h, now_ms);
	return h->r.pid > 0 ? h->deadline - now_ms : -1;
}

void hook_stop(struct hook *h)
{
	run_abort(&h->r);
}
