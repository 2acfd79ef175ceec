/* deliver_mda.c - -x CMD: each message piped to /bin/sh -c CMD; exit 0
 * means delivered (the procmail/maildrop convention). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pop3.h"

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
	return 0;
}

static int reap(struct dlv *d)
{
	int st = 0;

	while (waitpid(d->pid, &st, 0) < 0) {
		if (errno != EINTR) {
			st = -1;
			break;
		}
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
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (st != -1 && WIFEXITED(st))
		err_set(e, EX_IOERR, "'%s' exited with %d: not delivered", d->path,
		        WEXITSTATUS(st));
	else
		err_set(e, EX_IOERR, "'%s' was killed: not delivered", d->path);
	return -1;
}

void mda_abort(struct dlv *d)
{
	if (d->fd >= 0) {
		close(d->fd);
		d->fd = -1;
	}
	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		reap(d);
	}
}
