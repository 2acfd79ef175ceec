/* deliver_mda.c - -x CMD: each message piped to /bin/sh -c CMD; exit 0
 * means delivered (the procmail/maildrop convention). The command is
 * bounded: it gets timeout_ms to take each piece of the message and
 * timeout_ms to exit after the end, else it is killed and the message
 * counts as not delivered (a hung MDA must not hang a cron job, nor keep
 * the server's mailbox locked). It stays in our process group, so a ^C
 * stops it with us rather than leaving it to see the end of a cut-off
 * message; and it is signalled before its input is closed, for the same
 * reason. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pop3.h"
#include "util.h"

int mda_begin(struct dlv *d, struct wb_err *e)
{
	int p[2];

	if (pipe(p) != 0) {
		err_sys(e, EX_OSERR, "pipe");
		return -1;
	}
	d->pid = fork();
	if (d->pid < 0) {
		err_sys(e, EX_OSERR, "fork");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (d->pid == 0) {
		close(p[1]);
		if (p[0] != 0) {
			dup2(p[0], 0);
			close(p[0]);
		}
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", d->path, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	d->fd = p[1];
	if (fcntl(d->fd, F_SETFL, O_NONBLOCK) != 0) {
		err_sys(e, EX_OSERR, "pipe");
		mda_abort(d);
		return -1;
	}
	return 0;
}

/* every byte into the pipe, waiting at most timeout_ms for room each time */
int mda_write(struct dlv *d, const char *p, size_t n, struct wb_err *e)
{
	struct pollfd pfd = { d->fd, POLLOUT, 0 };

	while (n > 0) {
		ssize_t r = write(d->fd, p, n);

		if (r > 0) {
			p += r;
			n -= (size_t)r;
		} else if (r < 0 && errno != EAGAIN && errno != EINTR) {
			err_sys(e, EX_IOERR, "piping to '%s'", d->path);
			return -1;
		} else if (r < 0 && errno == EAGAIN && poll(&pfd, 1, d->timeout_ms) == 0) {
			err_set(e, EX_IOERR, "'%s' took no input for %d ms: not delivered",
			        d->path, d->timeout_ms);
			return -1;
		}
	}
	return 0;
}

/* wait for the MDA, at most timeout_ms; then kill it.
 * Returns the wait status, -1 on a wait error, -2 when it was killed. */
static int reap(struct dlv *d)
{
	int64_t end = mono_ms() + d->timeout_ms;
	struct timespec nap = { 0, 100000 };
	int st = 0;
	pid_t r;

	while ((r = waitpid(d->pid, &st, WNOHANG)) != d->pid) {
		if (r < 0 && errno != EINTR) {
			st = -1;
			break;
		}
		if (r == 0 && mono_ms() >= end) {
			kill(d->pid, SIGKILL);
			while (waitpid(d->pid, &st, 0) < 0 && errno == EINTR)
				;
			st = -2;
			break;
		}
		nanosleep(&nap, NULL);          /* 0.1 ms, doubling up to 20 ms */
		if (nap.tv_nsec < 20000000)
			nap.tv_nsec *= 2;
	}
	d->pid = -1;
	return st;
}

int mda_end(struct dlv *d, struct wb_err *e)
{
	int st;

	close(d->fd);
	d->fd = -1;
	st = reap(d);
	if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (st >= 0 && WIFEXITED(st))
		err_set(e, EX_IOERR, "'%s' exited with %d: not delivered", d->path,
		        WEXITSTATUS(st));
	else if (st == -2)
		err_set(e, EX_IOERR, "'%s' did not exit within %d ms: killed, not "
		        "delivered", d->path, d->timeout_ms);
	else
		err_set(e, EX_IOERR, "'%s' was killed: not delivered", d->path);
	return -1;
}

void mda_abort(struct dlv *d)
{
	if (d->pid > 0)
		kill(d->pid, SIGTERM);  /* before it can take EOF for the end */
	if (d->fd >= 0) {
		close(d->fd);
		d->fd = -1;
	}
	if (d->pid > 0)
		reap(d);
}
