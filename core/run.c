/* run.c - run a helper command with a deadline (see run.h). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "run.h"
#include "util.h"

#define RUN_ARGS_MAX 8

const char *const run_secret_env[] = { "SMTP_PASSWORD", "POP3_PASSWORD", NULL };

/* RUN_FORWARD: a signal handler can only find the group through a global;
 * it is process state (one helper at a time), not session state */
static const int fwd_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NFWD (sizeof fwd_sigs / sizeof *fwd_sigs)
static volatile sig_atomic_t fwd_pg;
static unsigned fwd_set;        /* which of fwd_sigs have our handler */

static void fwd_handler(int sig)
{
	int saved = errno;

	if (fwd_pg > 0)
		kill(-(pid_t)fwd_pg, sig);
	signal(sig, SIG_DFL);   /* then die of it, as without a helper */
	raise(sig);             /* delivered when the handler returns */
	errno = saved;
}

static void fwd_mask(int how, sigset_t *old)
{
	sigset_t s;
	size_t i;

	sigemptyset(&s);
	for (i = 0; i < NFWD; i++)
		sigaddset(&s, fwd_sigs[i]);
	sigprocmask(how, &s, old);
}

static void forward_on(pid_t pg)
{
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fwd_handler;
	sigemptyset(&sa.sa_mask);
	fwd_pg = (sig_atomic_t)pg;
	for (i = 0; i < NFWD; i++)
		if (sigaction(fwd_sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
		    sigaction(fwd_sigs[i], &sa, NULL) == 0)
			fwd_set |= 1u << i;
}

static void forward_off(void)
{
	size_t i;

	for (i = 0; i < NFWD; i++)
		if (fwd_set & (1u << i))
			signal(fwd_sigs[i], SIG_DFL);
	fwd_set = 0;
	fwd_pg = 0;
}

/* make pg the terminal's foreground group (SIGTTOU blocked: we may be in
 * the background by then) */
static void tty_give(int tty, pid_t pg)
{
	sigset_t s, old;

	sigemptyset(&s);
	sigaddset(&s, SIGTTOU);
	sigprocmask(SIG_BLOCK, &s, &old);
	tcsetpgrp(tty, pg);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* our terminal, if we are its foreground group; else -1 */
static int tty_ours(void)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

	if (fd >= 0 && tcgetpgrp(fd) != getpgrp()) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int cloexec_pipe(int p[2])
{
	if (pipe(p))
		return -1;
	if (fcntl(p[0], F_SETFD, FD_CLOEXEC) || fcntl(p[1], F_SETFD, FD_CLOEXEC)) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ---- the child, between fork and exec ---- */

/* every descriptor from 3 up (all we open is O_CLOEXEC; this is the net);
 * the soft RLIMIT_NOFILE bounds them (what sysconf(_SC_OPEN_MAX) says, but
 * musl's sysconf is a 1 KB table that pulls in sysinfo) */
static void close_from3(void)
{
	struct rlimit rl;
	rlim_t i, max = 65536;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
#endif
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < max)
		max = rl.rlim_cur;
	for (i = 3; i < max; i++)
		close((int)i);
}

/* fd onto target, without FD_CLOEXEC */
static int move_fd(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) < 0 ? -1 : 0;
}

/* a descriptor not in 0..2, so that setting up 0..2 cannot clobber it */
static int high_fd(int fd)
{
	return fd > 2 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/* the secret names out of our environment (a copy: we are the child);
 * in place, since unsetenv would pull in libc's realloc */
extern char **environ;

static void drop_secret_env(void)
{
	char **rd, **wr;
	size_t i, n;

	for (rd = wr = environ; rd && *rd; rd++) {
		for (i = 0; run_secret_env[i]; i++) {
			n = strlen(run_secret_env[i]);
			if (!strncmp(*rd, run_secret_env[i], n) && (*rd)[n] == '=')
				break;
		}
		if (!run_secret_env[i])
			*wr++ = *rd;
	}
	if (wr)
		*wr = NULL;
}

static void child_exec(const struct run *r, int in, int out, const char *cmd,
                       const char *const *args)
{
	const char *argv[RUN_ARGS_MAX + 4] = { "sh", "-c", cmd };
	sigset_t none;
	size_t i;

	setpgid(0, 0);
	if (r->tty >= 0)
		tty_give(r->tty, getpid());
	for (i = 0; args && args[i] && i < RUN_ARGS_MAX; i++)
		argv[3 + i] = args[i];
	in = in >= 0 ? high_fd(in) : open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in < 0 || (out >= 0 && (out = high_fd(out)) < 0))
		_exit(127);
	if (move_fd(in, 0) || (out >= 0 && move_fd(out, 1)))
		_exit(127);
	close_from3();
	drop_secret_env();
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv("/bin/sh", (char *const *)argv);
	_exit(127);
}

/* ---- the parent ---- */

int run_start(struct run *r, const char *cmd, const char *const *args, int flags)
{
	int ip[2] = { -1, -1 }, op[2] = { -1, -1 }, sp[2] = { -1, -1 }, saved;
	sigset_t old;

	r->pid = -1;
	r->in = r->out = r->tty = r->sock = -1;
	r->flags = flags;
	r->status = 0;
	if ((flags & RUN_SOCK) && (flags & (RUN_IN | RUN_OUT))) {
		errno = EINVAL;
		return -1;
	}
	if (((flags & RUN_IN) && cloexec_pipe(ip)) || ((flags & RUN_OUT) && cloexec_pipe(op)))
		goto fail;
	if ((flags & RUN_SOCK) && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp))
		goto fail;
	if (flags & RUN_SOCK) {
		ip[0] = sp[1];          /* the child's stdin and stdout */
		op[1] = sp[1];
	}
	if (flags & RUN_TTY)
		r->tty = tty_ours();
	fwd_mask(SIG_BLOCK, &old);      /* no signal between fork and forward_on */
	r->pid = fork();
	if (r->pid == 0)
		child_exec(r, ip[0], op[1], cmd, args);
	if (r->pid > 0) {
		setpgid(r->pid, r->pid);        /* either of us may be first */
		if (r->tty >= 0)
			tty_give(r->tty, r->pid);
		if (flags & RUN_FORWARD)
			forward_on(r->pid);
	}
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	if (r->pid < 0)
		goto fail;
	close_fd(&ip[0]);
	if (op[1] != sp[1])
		close_fd(&op[1]);
	r->in = ip[1];
	r->out = op[0];
	r->sock = sp[0];
	if ((r->in >= 0 && fcntl(r->in, F_SETFL, O_NONBLOCK)) ||
	    (r->out >= 0 && fcntl(r->out, F_SETFL, O_NONBLOCK)) ||
	    (r->sock >= 0 && fcntl(r->sock, F_SETFL, O_NONBLOCK))) {
		saved = errno;
		run_abort(r);
		errno = saved;
		return -1;
	}
	return 0;
fail:
	saved = errno;
	if (op[1] == sp[1])
		op[1] = -1;     /* the same descriptor as ip[0] */
	close_fd(&ip[0]);
	close_fd(&ip[1]);
	close_fd(&op[0]);
	close_fd(&op[1]);
	close_fd(&sp[0]);
	r->sock = -1;
	close_fd(&r->tty);
	errno = saved;
	return -1;
}

static int ms_left(int64_t deadline, int cap)
{
	int64_t left = deadline - mono_ms();

	return left <= 0 ? 0 : left < cap ? (int)left : cap;
}

int run_write(struct run *r, const void *buf, size_t n, int64_t deadline)
{
	const char *p = buf;
	struct pollfd pfd;

	pfd.fd = r->in;
	pfd.events = POLLOUT;
	while (n > 0) {
		ssize_t w = write(r->in, p, n);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (w < 0 && errno == EAGAIN && poll(&pfd, 1, ms_left(deadline, 1 << 30)) == 0)
			return RUN_TIMEOUT;
	}
	return 0;
}

void run_close_in(struct run *r)
{
	close_fd(&r->in);
}

/* 1 once the helper has exited (not reaped: its pid, and so its group,
 * stay ours until run_wait) */
static int exited(const struct run *r)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	if (waitid(P_PID, (id_t)r->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno != EINTR;          /* ECHILD: gone already */
	return si.si_pid != 0;
}

/* read what is there into buf (then a sink); 0 at EOF, 1 more may come,
 * -1 error */
static int take(struct run *r, char *buf, size_t max, size_t *n, int *more)
{
	char sink[512];
	ssize_t k;

	for (;;) {
		k = *n < max ? fd_read(r->out, buf + *n, max - *n) : fd_read(r->out, sink, sizeof sink);
		if (k < 0)
			return errno == EAGAIN ? 1 : -1;
		if (k == 0)
			return 0;
		if (*n < max)
			*n += (size_t)k;
		else
			*more = 1;
	}
}

static int kill_group(struct run *r);

ssize_t run_read_all(struct run *r, char *buf, size_t max, int *more, int64_t deadline)
{
	struct pollfd pfd;
	int64_t drain = 0;
	size_t n = 0;
	int step = 1, t;

	*more = 0;
	pfd.fd = r->out;
	pfd.events = POLLIN;
	for (;;) {
		t = take(r, buf, max, &n, more);
		if (t <= 0)
			return t < 0 ? -1 : (ssize_t)n;
		if (!drain && exited(r))
			drain = mono_ms() + RUN_DRAIN_MS;
		if (drain && (mono_ms() >= drain || poll(&pfd, 1, 0) == 0))
			return (ssize_t)n;              /* it left a child holding the pipe */
		if (mono_ms() >= deadline) {
			kill_group(r);
			return RUN_TIMEOUT;
		}
		poll(&pfd, 1, ms_left(deadline, step));
		if (step < 50)
			step *= 2;
	}
}

/* the end of a run: reap, take the terminal back, stop forwarding */
static int reaped(struct run *r, int st)
{
	while (waitpid(r->pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r->tty >= 0)
		tty_give(r->tty, getpgrp());
	close_fd(&r->tty);
	close_fd(&r->in);
	close_fd(&r->out);
	close_fd(&r->sock);
	if (r->flags & RUN_FORWARD)
		forward_off();
	r->pid = -1;
	r->status = st;
	return st;
}

/* SIGTERM to the group, RUN_GRACE_MS for the helper to go, SIGKILL to
 * whatever of the group is left (while the helper's pid, a zombie at
 * most, still holds the group id), reap */
static int kill_group(struct run *r)
{
	int64_t end = mono_ms() + RUN_GRACE_MS;
	struct timespec nap = { 0, 2000000 };

	kill(-r->pid, SIGTERM);
	while (!exited(r) && mono_ms() < end)
		nanosleep(&nap, NULL);
	kill(-r->pid, SIGKILL);
	reaped(r, 0);
	return RUN_TIMEOUT;
}

/* close our ends, wait until it has exited (0, not reaped) or, at the
 * deadline, kill its group (RUN_TIMEOUT, reaped) */
static int wait_exit(struct run *r, int64_t deadline)
{
	struct timespec nap = { 0, 100000 };

	close_fd(&r->in);
	close_fd(&r->out);
	close_fd(&r->sock);
	while (!exited(r)) {
		if (mono_ms() >= deadline)
			return kill_group(r);
		nanosleep(&nap, NULL);          /* 0.1 ms, doubling up to 20 ms */
		if (nap.tv_nsec < 20000000)
			nap.tv_nsec *= 2;
	}
	return 0;
}

int run_wait(struct run *r, int64_t deadline)
{
	if (r->pid <= 0)
		return -1;
	if (wait_exit(r, deadline) == RUN_TIMEOUT)
		return RUN_TIMEOUT;
	return reaped(r, 0);
}

int run_end(struct run *r, int64_t deadline)
{
	if (r->pid <= 0)
		return -1;
	if (wait_exit(r, deadline) == RUN_TIMEOUT)
		return RUN_TIMEOUT;
	kill(-r->pid, SIGKILL);         /* its leftovers: its zombie holds the group id */
	return reaped(r, 0);
}

void run_abort(struct run *r)
{
	if (r->pid <= 0)
		return;         /* never started, or reaped: nothing is open */
	kill(-r->pid, SIGTERM);         /* before it can take EOF for the end */
	close_fd(&r->in);
	run_end(r, mono_ms() + RUN_GRACE_MS);   /* what it left running: SIGKILL */
}
