/* hook.c - sntpc -d -x PROG and ntpd -S PROG: "PROG ACTION" with
 * BusyBox ntpd's actions and variables (sntpc.h), through core/run,
 * without ever blocking the time loop. One at a time: actions that come
 * while one runs wait in order (the same action back to back is merged)
 * and start when it ends; one still running after HOOK_LIMIT_MS is
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
	h->v.stratum = STRATUM_UNSYNC;
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

/* ---- the environment of one action, built ahead (pure) ---- */
struct envbuf { char *b; size_t max, len; int full; };

static void env_put(struct envbuf *e, const char *k1, const char *k2, const char *val)
{
	int n = val ? snprintf(e->b + e->len, e->max - e->len, "%s%s=%s", k1, k2, val)
	            : snprintf(e->b + e->len, e->max - e->len, "%s%s", k1, k2);

	if (n < 0 || (size_t)n + 1 >= e->max - e->len) {
		e->full = 1;
		return;
	}
	e->len += (size_t)n + 1;
}

static void env_var(void *ctx, const char *key, const char *val, int text)
{
	(void)text;
	env_put(ctx, "SNTP_", key, val);
}

static void env_unset(void *ctx, const char *key, const char *val, int text)
{
	(void)val;
	(void)text;
	env_put(ctx, "SNTP_", key, NULL);
}

size_t hook_env(char *buf, size_t max, const struct hook_vars *v, const struct server *s,
                const struct sel_out *so)
{
	/* never written; not const: zeroes in .bss, where const put 1 KB of
	 * them in the file */
	static struct server none;
	struct envbuf e = { buf, max, 0, 0 };
	char b[32];

	if (max < 2)
		return 0;
	snprintf(b, sizeof b, "%u", v->stratum);
	env_put(&e, "stratum", "", b);
	env_put(&e, "freq_drift_ppm", "", "0");
	snprintf(b, sizeof b, "%u", v->poll);
	env_put(&e, "poll_interval", "", b);
	env_put(&e, "offset", "", ntp_off_str(v->offset, v->era, 0, b, sizeof b));
	out_vars(s ? s : &none, s ? env_var : env_unset, &e);
	if (so)
		out_sel_vars(so, env_var, &e);
	return e.full ? 0 : e.len;
}

/* the entries of hook_env into our environment (the child inherits it) */
static int env_apply(const char *env, size_t len)
{
	char k[40];
	size_t i = 0;
	int rc = 0;

	while (i < len) {
		const char *ent = env + i, *eq = strchr(ent, '=');
		size_t kl = eq ? (size_t)(eq - ent) : strlen(ent);

		i += strlen(ent) + 1;
		if (kl >= sizeof k)
			continue;
		memcpy(k, ent, kl);
		k[kl] = 0;
		rc |= eq ? setenv(k, eq + 1, 1) : unsetenv(k);
	}
	return rc;
}

int sntpc_setenv(const struct server *s, const struct sel_out *so)
{
	char env[HOOK_ENV_MAX];
	struct hook_vars v = { STRATUM_UNSYNC, 0, 0, 0 };
	size_t n = hook_env(env, sizeof env, &v, s, so);

	return n ? env_apply(env, n) : -1;
}

static void start(struct hook *h, int64_t now_ms)
{
	struct hook_ev *ev = &h->q[0];
	const char *args[] = { h->prog, ev->action, NULL };
	int rc;

	h->last_run = now_ms;
	rc = env_apply(ev->env, ev->len) || run_start(&h->r, "exec \"$0\" \"$1\"", args, 0);
	if (rc) {
		dlog(LOG_ERR, "-x %s %s: %s", h->prog, ev->action, strerror(errno));
		h->r.pid = -1;
	} else {
		h->deadline = now_ms + HOOK_LIMIT_MS;
	}
	h->n--;
	memmove(&h->q[0], &h->q[1], (size_t)h->n * sizeof h->q[0]);
}

/* queue action ev with the latest values */
static void enqueue(struct hook *h, const char *ev)
{
	struct hook_ev *q;

	if (h->n > 0 && !strcmp(h->q[h->n - 1].action, ev)) {
		q = &h->q[h->n - 1];            /* the same again: merged */
	} else {
		if (h->n == HOOK_QUEUE) {       /* the oldest waiting one goes */
			dlog(LOG_WARNING, "-x %s: %s dropped: %d actions wait already", h->prog,
			     h->q[0].action, HOOK_QUEUE);
			h->n--;
			memmove(&h->q[0], &h->q[1], (size_t)h->n * sizeof h->q[0]);
		}
		q = &h->q[h->n++];
	}
	q->action = ev;
	q->len = hook_env(q->env, sizeof q->env, &h->v, h->has_srv ? &h->srv : NULL,
	                  &h->so);
}

void hook_event(struct hook *h, const char *ev, const struct hook_vars *v,
                const struct server *s, const struct sel_out *so)
{
	h->v = *v;
	h->has_srv = s != NULL;
	if (s)
		h->srv = *s;
	if (so)
		h->so = *so;
	if (!h->prog[0] || !ev)
		return;
	enqueue(h, ev);
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
	int64_t next;

	if (!h->prog[0])
		return -1;
	if (!h->last_run)
		h->last_run = now_ms;           /* periodic: 11 min after the start */
	if (h->r.pid > 0) {
		if (done(h))
			finished(h, run_wait(&h->r, now_ms + RUN_GRACE_MS));
		else if (now_ms >= h->deadline)
			finished(h, run_wait(&h->r, now_ms));   /* kills its group */
		else
			return h->deadline - now_ms;
	}
	if (!h->n && now_ms - h->last_run >= HOOK_PERIODIC_MS)
		enqueue(h, "periodic");
	if (h->n)
		start(h, now_ms);
	next = h->last_run + HOOK_PERIODIC_MS - now_ms;
	if (h->r.pid > 0 && h->deadline - now_ms < next)
		next = h->deadline - now_ms;
	return next < 1 ? 1 : next;
}

void hook_stop(struct hook *h)
{
	run_abort(&h->r);
}

/* "127.0.0.1" of "127.0.0.1:123", "::1" of "[::1]:123" */
static void no_port(const char *addr, char *buf, size_t max)
{
	const char *end = addr[0] == '[' ? strchr(addr, ']') : strrchr(addr, ':');
	size_t n = end ? (size_t)(end - addr) : strlen(addr);

	if (addr[0] == '[' && end)
		addr++, n--;
	snprintf(buf, max, "%.*s", (int)n, addr);
}

void hook_reply_line(char *buf, size_t max, const struct server *s)
{
	const struct fsample *f = &s->filt.s[(s->filt.head + FILT_N - 1) % FILT_N];
	const struct ntp_pkt *p = &s->pkt;
	char a[ADDRSTR_MAX], o[32], d[32], r[32];

	no_port(s->addr, a, sizeof a);
	snprintf(buf, max, "reply from %s: offset:%s delay:%s status:0x%02x strat:%u "
	         "refid:0x%08lx rootdelay:%s reach:0x%02x", a,
	         ntp_off_str(f->offset, f->era, 1, o, sizeof o), ntp_fix_str(f->delay, 0, d, sizeof d),
	         (p->leap & 3) << 6 | (p->version & 7) << 3 | (p->mode & 7), p->stratum,
	         (unsigned long)p->refid, ntp_fix_str(ntp_short_fix(p->rootdelay), 0, r, sizeof r),
	         s->reach & 0xff);
}
