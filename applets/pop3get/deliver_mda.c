/* deliver_mda.c - -x CMD: each message piped to /bin/sh -c CMD; exit 0
 * means delivered (the procmail/maildrop convention). The command runs
 * through core/run: standard input the message, no descriptor of ours, no
 * $POP3_PASSWORD, its own process group. It is bounded: it gets
 * timeout_ms to take each piece of the message and timeout_ms to exit
 * after the end (never past run_deadline: --max-time), else its whole
 * group is killed (what it started in the background too) and the
 * message counts as not delivered (a hung MDA must not hang a cron job,
 * nor keep the server's mailbox locked).
 *
 * A cut-off message must never look whole to it. Its own group does not
 * get the terminal's ^C, so RUN_FORWARD passes our SIGINT, SIGTERM, SIGHUP
 * and SIGQUIT to its group before they kill us (and so before our exit
 * closes its input); on any failure it gets SIGTERM before its input is
 * closed (run_abort), for the same reason. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <sys/wait.h>
#include "pop3.h"
#include "run.h"
#include "util.h"

int mda_begin(struct dlv *d, struct wb_err *e)
{
	if (run_start(&d->mda, d->path, NULL, RUN_IN | RUN_FORWARD)) {
		err_sys(e, EX_OSERR, "starting '%s'", d->path);
		return -1;
	}
	d->fd = d->mda.in;
	return 0;
}

/* now + timeout_ms, but no later than --max-time allows */
static int64_t mda_deadline(const struct dlv *d)
{
	int64_t t = mono_ms() + d->timeout_ms;

	return d->run_deadline && d->run_deadline < t ? d->run_deadline : t;
}

/* the deadline that passed: --max-time's, or the MDA's own */
static int run_over(const struct dlv *d, struct wb_err *e)
{
	if (!d->run_deadline || mono_ms() < d->run_deadline)
		return 0;
	err_set(e, EX_TEMPFAIL, "--max-time reached while '%s' ran: killed, not "
	        "delivered", d->path);
	return 1;
}

/* every byte into the pipe, waiting at most timeout_ms for room each time */
int mda_write(struct dlv *d, const char *p, size_t n, struct wb_err *e)
{
	int r = run_write(&d->mda, p, n, mda_deadline(d));

	if (r == RUN_TIMEOUT && run_over(d, e))
		return -1;
	if (r == RUN_TIMEOUT)
		err_set(e, EX_IOERR, "'%s' took no input for %d ms: not delivered",
		        d->path, d->timeout_ms);
	else if (r < 0)
		err_sys(e, EX_IOERR, "piping to '%s'", d->path);
	return r < 0 ? -1 : 0;
}

int mda_end(struct dlv *d, struct wb_err *e)
{
	int st;

	d->fd = -1;
	run_close_in(&d->mda);
	st = run_wait(&d->mda, mda_deadline(d));
	if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (st == RUN_TIMEOUT && run_over(d, e))
		return -1;
	if (st >= 0 && WIFEXITED(st))
		err_set(e, EX_IOERR, "'%s' exited with %d: not delivered", d->path,
		        WEXITSTATUS(st));
	else if (st == RUN_TIMEOUT)
		err_set(e, EX_IOERR, "'%s' did not exit within %d ms: killed, not "
		        "delivered", d->path, d->timeout_ms);
	else
		err_set(e, EX_IOERR, "'%s' was killed: not delivered", d->path);
	return -1;
}

void mda_abort(struct dlv *d)
{
	d->fd = -1;
	run_abort(&d->mda);     /* SIGTERM to its group before its input closes */
}
