/* run.h - the one way wirebox runs a helper command (/bin/sh -c CMD):
 * --passwordeval, pop3get's -x MDA, sntpc's -x PROG.
 *
 * The helper gets /dev/null as standard input unless RUN_IN (then a pipe
 * we write), our standard output or a pipe we read (RUN_OUT), our standard
 * error, and no other descriptor of ours (everything we open is O_CLOEXEC;
 * the child also closes all above 2). The names in run_secret_env are
 * removed from its environment. It leads its own process group, so a
 * deadline kills all it started: SIGTERM to the group, then SIGKILL after
 * RUN_GRACE_MS. Every timed call takes an absolute mono_ms() deadline.
 * One helper runs at a time (the signal forwarding below is per process).
 *
 * Functions return -1 with errno set on a system error and RUN_TIMEOUT
 * when the deadline passed (the group is then killed and reaped); callers
 * phrase their own messages. */
#ifndef WB_RUN_H
#define WB_RUN_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RUN_IN   1      /* standard input: a pipe, r->in (non-blocking) */
#define RUN_OUT  2      /* standard output: a pipe, r->out (non-blocking) */
/* Our SIGINT, SIGTERM, SIGHUP and SIGQUIT (those left at their default) go
 * to the helper's group first, then kill us as before. A ^C on the
 * terminal reaches only the foreground group, ours; without this a helper
 * in its own group would outlive us and, seeing its input end, take a
 * cut-off message for a whole one. The signal reaches it before our exit
 * closes its input, as when it shared our group. */
#define RUN_FORWARD 4
/* Interactive helpers (--passwordeval running gpg or reading /dev/tty):
 * while it runs, its group is the terminal's foreground group, so it can
 * read the terminal (a background group would be stopped by SIGTTIN) and
 * ^C reaches it; we take the terminal back afterwards. Only when we are
 * in the foreground ourselves. */
#define RUN_TTY  8
/* Standard input and output: one end of a socketpair (AF_UNIX, stream),
 * the other end r->sock ours (non-blocking): a conversation with one
 * pollable descriptor (smtpsend -H 'PROG ARGS'). Not with RUN_IN/RUN_OUT. */
#define RUN_SOCK 16

#define RUN_TIMEOUT (-2)
#define RUN_GRACE_MS 500        /* between SIGTERM and SIGKILL */
#define RUN_DRAIN_MS 100        /* reading what is left after the exit */
#define RUN_DEFAULT_MS 30000    /* for callers without a --timeout */

struct run {
	pid_t pid;              /* the helper and its process group; -1: none */
	int in, out;            /* our pipe ends, -1 when not used or closed */
	int sock;               /* RUN_SOCK: our end, -1 when not used or closed */
	int flags;
	int tty;                /* RUN_TTY: the terminal we handed over, or -1 */
	int status;             /* wait status once reaped */
};

/* NULL-terminated: SMTP_PASSWORD, POP3_PASSWORD */
extern const char *const run_secret_env[];

/* Start /bin/sh -c cmd; args, if not NULL, are its $0 $1 ... (NULL-ended),
 * so a program name needs no quoting: cmd 'exec "$0" step', args {prog}. */
int run_start(struct run *r, const char *cmd, const char *const *args, int flags);
/* All n bytes into the helper's input by the deadline. */
int run_write(struct run *r, const void *buf, size_t n, int64_t deadline);
/* Close our end of its input (it sees end of file). */
void run_close_in(struct run *r);
/* Its output until end of file, or until the helper has exited and what
 * is already in the pipe is read (at most RUN_DRAIN_MS more: a child it
 * left running in the background and holding the pipe does not hold us).
 * The first max bytes go to buf, the rest is read and dropped. Returns
 * the bytes stored, -1 or RUN_TIMEOUT; *more is set when some were dropped. */
ssize_t run_read_all(struct run *r, char *buf, size_t max, int *more, int64_t deadline);
/* Wait for the helper to exit (closing our pipe ends); at the deadline
 * kill its group. Returns the wait status (also in r->status), -1, or
 * RUN_TIMEOUT. */
int run_wait(struct run *r, int64_t deadline);
/* Abort: SIGTERM to the group before its input is closed (so it cannot
 * take end of file for the end of its data), then as run_wait with a
 * deadline of RUN_GRACE_MS. Does nothing when pid <= 0 (never started,
 * or reaped: every descriptor is closed then). */
void run_abort(struct run *r);
/* The end of a conversation (RUN_SOCK): close our ends (it sees end of
 * file), let it exit by the deadline, else kill its group as at a
 * deadline; what it left running in its group is killed too. Returns as
 * run_wait; does nothing (-1) when pid <= 0. */
int run_end(struct run *r, int64_t deadline);

#endif
