/* daemon.h - the state of sntpc -d, shared by daemon.c (the time loop)
 * and track.c (what it knows of each server and name). */
#ifndef SNTPC_DAEMON_H
#define SNTPC_DAEMON_H
#include "sntpc.h"
#include "serve.h"
#include "status.h"

#define RERESOLVE_MISSES 3              /* polls none of a name's addresses answered */
#define RERESOLVE_MS 3600000            /* and every name once an hour */
#define UNSYNC_POLLS 4                  /* polls without a system peer: unsynchronised */
#define SLEW_MAX (NTP_FIX_ONE * 1000)   /* adjtime's range (see --step-threshold) */

/* the daemon's view of one server slot */
struct dslot {
	int used;
	struct sockaddr_storage sa;     /* the address the rest is about */
	int logged;                     /* shown is what the log last said */
	enum srv_fail shown;            /* FAIL_NONE: answering */
	int falseticker;                /* logged as one */
	struct backoff bo;
};

struct dstate {
	struct sntpc_opts *o;
	struct dslot slot[SNTPC_MAX_SERVERS];
	int silent[SNTPC_MAX_NAMES];    /* polls in a row no address of it answered */
	int unresolved[SNTPC_MAX_NAMES];        /* its last resolution failed (logged) */
	struct poll_sched ps;
	struct step_budget sb;
	struct hook hook;
	int sys;                        /* the system peer, -1 */
	int first;                      /* no correction yet: any size allowed */
	int nopeer, unsync;             /* polls without a system peer; declared */
	int nomaj_logged, refused_logged, budget_logged;
	int stepped, noeffect_logged;   /* a step to check at the next update */
	ntp_fix step_off;
	int have_last;                  /* last_t4: the sample last applied */
	int64_t hup_next; int hup_due;  /* SIGHUP: next re-resolution allowed (mono ms); one waits */
	struct ntp_time last_t4;
	/* --serve: the server socket (-1 none), what it answers with (synced
	 * only after a clock update from the system peer, cleared at unsync),
	 * its rate limiter; the status file's content and a failed write */
	int serve_fd;
	struct serve_state ss;
	struct ratelimit rl;
	struct sync_status st;
	int running, status_failed;
};

/* re-resolve the names that need it (all: SIGHUP) */
void track_resolve(struct dstate *d, int all);
/* ready every server for a poll: backed-off ones stay SRV_IDLE */
void track_reset(struct dstate *d);
/* after query_run: log state changes, update backoff and silences */
void track_round(struct dstate *d);
/* after the selection: log who became a falseticker, or stopped being one */
void track_selection(struct dstate *d);

#endif
