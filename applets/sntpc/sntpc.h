/* sntpc.h - the sntpc applet's parts: query engine (query.c), server
 * selection (select.c), poll interval and KoD policy (poll.c), clock
 * setting through an injectable setter (clock.c), output (output.c). */
#ifndef SNTPC_H
#define SNTPC_H
#include <stdio.h>
#include <sys/socket.h>
#include "err.h"
#include "net.h"
#include "ntp.h"

#include "select.h"
#include "run.h"

/* Each name given may resolve to several addresses (a pool): each address
 * is a server of its own, up to SNTPC_MAX_ADDRS per name, in the name's
 * fixed slots srv[i * SNTPC_MAX_ADDRS + k]. */
#define SNTPC_MAX_NAMES 16
#define SNTPC_MAX_ADDRS 4
#define SNTPC_MAX_SERVERS (SNTPC_MAX_NAMES * SNTPC_MAX_ADDRS)

/* ---- one server's query state (query.c) ---- */
enum srv_state { SRV_SEND, SRV_WAIT, SRV_DONE, SRV_FAIL, SRV_IDLE };
enum srv_fail {
	FAIL_NONE, FAIL_RESOLVE, FAIL_TIMEOUT, FAIL_NET, FAIL_GARBAGE,
	FAIL_RATE, FAIL_DENY, FAIL_RSTR
};

/* what is shown and applied of a server: the clock filter's choice with
 * the header of the packet it came in */
struct sample {
	ntp_fix offset, delay;
	int64_t era;            /* seconds to add to offset (ntp_era_fix) */
	struct ntp_pkt pkt;
	struct ntp_time t4;     /* local receive time */
};

/* one name from the command line */
struct source {
	const char *name;               /* as given */
	struct hostport hp;             /* what to resolve */
	int family;                     /* -4/-6 or AF_UNSPEC */
	int naddr;                      /* addresses it resolved to (0: not resolved) */
	int dups;                       /* of them, held by another name or twice */
	int64_t resolved_ms;            /* mono ms of the last resolution */
};

/* one address of a name: an association */
struct server {
	const char *name;               /* its source's name */
	int used;                       /* this slot holds a server */
	struct sockaddr_storage sa;
	socklen_t salen;
	char addr[ADDRSTR_MAX];         /* "1.2.3.4:123", or the name unresolved */
	enum srv_state state;
	enum srv_fail fail;
	int fd, tries, max_tries, samples, err;
	uint64_t xmt, t1;               /* random transmit ts; local send time */
	int64_t mono1, deadline;        /* ns; ms on CLOCK_MONOTONIC */
	unsigned reach;
	unsigned drops[NTP_NVERDICT], foreign;
	int denied;                     /* DENY/RSTR seen: never ask again */
	int have;                       /* a sample this round (query_run) */
	struct ntp_pkt pkt;             /* the latest usable reply's header */
	struct filter filt;             /* the recent samples (select.h) */
	/* select_servers(): the clock filter and the selection */
	int usable;                     /* the filter has a sample */
	struct sample best;             /* the filter's choice */
	ntp_fix jitter, disp, dist;     /* peer jitter, dispersion, root distance */
	enum sel_why why;               /* kept or dropped, and why */
	int64_t last_ok;                /* mono ms of the last good sample */
	unsigned poll;                  /* seconds, for -l and the daemon */
};

struct query {
	struct source *src;
	int nsrc;
	struct server *srv;             /* nsrc * SNTPC_MAX_ADDRS slots */
	int n;
	int samples, retries;           /* -c, -r */
	long timeout_ms;
	int verbose;
	int keep_best;          /* one-shot: a full filter keeps the lowest delays */
};

/* one round: every usable server gets fresh requests; returns when all
 * are done or failed, within (samples + retries) * timeout */
void query_run(struct query *q);
/* ready s for a round: SRV_SEND with max_tries = samples + retries
 * (SRV_FAIL if denied or unresolved; unused slots stay as they are) */
void query_reset(const struct query *q, struct server *s);
/* resolve source i into its slots (up to SNTPC_MAX_ADDRS addresses, each
 * a server). An address already held keeps its slot and samples; a new
 * one gets a fresh slot; slots whose address is gone are freed. 0, or -1
 * with e filled (then the first slot is kept as a FAIL_RESOLVE server
 * named after the source, unless the source still has addresses). */
int query_resolve(struct query *q, int i, struct wb_err *e);
/* sysexits code for a round in which no server succeeded */
int query_exit_code(const struct server *srv, int n);
/* replies dropped this round, for every reason */
unsigned query_drops(const struct server *s);
const char *srv_fail_str(const struct server *s, char *buf, size_t max);

/* ---- servers.c (the selection itself: select.h) ---- */
/* the clock filter of every used server at now_ms, then sel_run over
 * them: fills usable, best, jitter, disp, dist and why of each; returns
 * the system peer's index (prev: the last one, for hysteresis) or -1 */
int select_servers(struct server *srv, int n, int prev, int64_t now_ms, struct sel_out *o);

/* ---- poll.c: daemon poll interval, jitter, KoD (all pure) ---- */
enum poll_event { POLL_STABLE, POLL_UNSTABLE, POLL_KEEP, POLL_RATE };
#define POLL_LIMIT 131072u      /* 2^17 s, RFC 5905 MAXPOLL 17 */
#define POLL_MIN 16u            /* 2^4 s, RFC 5905 MINPOLL 4 */
unsigned poll_update(unsigned cur, unsigned min, unsigned max, enum poll_event ev);
/* event for an applied correction |offset| against the step threshold */
enum poll_event poll_event_for(ntp_fix offset, ntp_fix step_thr);
/* milliseconds until the next poll: interval -+ 1/8, from 32 random bits */
int64_t poll_jitter_ms(unsigned interval, uint32_t rnd);
/* delay before the first poll: 0 .. min/16 s (a fleet booting together) */
int64_t poll_first_ms(unsigned min, uint32_t rnd);
/* the daemon's poll schedule: MIN for the first POLL_GROW_AFTER stable
 * polls, then doubling at each stable one up to MAX; MIN when unstable */
#define POLL_GROW_AFTER 4
struct poll_sched { unsigned interval; int stable; };
void poll_start(struct poll_sched *p, unsigned min);
unsigned poll_next(struct poll_sched *p, unsigned min, unsigned max, enum poll_event ev);
/* the step budget: at most STEP_MAX steps in any STEP_WINDOW_MS (monotonic) */
#define STEP_MAX 3
#define STEP_WINDOW_MS 3600000
struct step_budget { int64_t at[STEP_MAX]; int n; };
int step_allowed(const struct step_budget *b, int64_t now_ms);
void step_taken(struct step_budget *b, int64_t now_ms);
/* a silent server: after BACKOFF_MISSES polls without a reply in a row,
 * one request per poll and its own interval, doubling (from twice the
 * system's) up to MAX at each further miss; a reply resets it */
#define BACKOFF_MISSES 3
struct backoff { int miss; unsigned interval; int64_t next_ms; };
void backoff_update(struct backoff *b, int answered, unsigned sys_interval, unsigned max,
                    int64_t now_ms);
int backoff_due(const struct backoff *b, int64_t now_ms);   /* ask it at this poll */
int backoff_tries(const struct backoff *b, int tries);      /* requests to send */
enum kod_action { KOD_ACT_IGNORE, KOD_ACT_BACKOFF, KOD_ACT_STOP };
enum kod_action kod_action(enum ntp_kod code);

/* ---- clock.c ---- */
struct clock_ops {
	int (*now)(struct ntp_time *t);         /* CLOCK_REALTIME */
	int (*step)(const struct ntp_time *t);  /* clock_settime */
	int (*slew)(int64_t usec);              /* adjtime */
};
extern const struct clock_ops clock_sys;
enum clock_mode { CLK_QUERY, CLK_STEP, CLK_ADJUST };
enum clock_act { ACT_NONE, ACT_STEP, ACT_SLEW, ACT_PANIC };
struct clock_policy {
	enum clock_mode mode;
	ntp_fix step_thr;       /* -a: step at or above, slew below */
	ntp_fix panic;          /* refuse at or above; 0 = no limit */
};
/* offset as ntp_fix_sat() gives it */
enum clock_act clock_decide(const struct clock_policy *pol, ntp_fix offset);
/* carry out act for offset + era seconds; 0, or -1 with e filled
 * (EX_NOPERM without permission) */
int clock_apply(const struct clock_ops *ops, enum clock_act act, ntp_fix offset,
                int64_t era, struct wb_err *e);

/* ---- output.c ---- */
void out_line(FILE *f, const struct server *s);
void out_eval(FILE *f, const struct server *s);
/* the -e variables, also -x PROG's environment: fn(ctx, "OFFSET",
 * "+0.000012", text) for each, text set for the values -e quotes */
typedef void out_var_fn(void *ctx, const char *key, const char *val, int text);
void out_vars(const struct server *s, out_var_fn *fn, void *ctx);
/* the selection's variables, after out_vars: SERVERS (answered), CANDIDATES (kept) */
void out_sel_vars(const struct sel_out *so, out_var_fn *fn, void *ctx);
/* out_sel_vars as -e prints them (after out_eval) */
void out_eval_sel(FILE *f, const struct sel_out *so);
/* the -l table: a row per server, tally (sel_tally of its why) and '~'
 * first, then out_legend */
void out_table(FILE *f, const struct server *srv, int n, int64_t now_ms);
extern const char out_legend[];
/* -v: "ADDR: WHY: offset X s, root distance D s[, outside the majority's
 * L .. H]" for a server select_servers() judged (usable) */
void out_why(char *buf, size_t max, const struct server *s, const struct sel_out *so);
/* the one line for no majority: "no majority among N servers: ADDR
 * OFFSET s, ...: clock left alone" (the list cut with ", ..." to fit) */
void out_nomaj(char *buf, size_t max, const struct server *srv, int n);
void out_packet(FILE *f, const char *dir, const char *addr, const struct ntp_pkt *p);
/* shell single-quoted value */
void out_quoted(FILE *f, const char *s);
/* the server's time at the sample's T4: T4 + offset */
struct ntp_time sample_time(const struct sample *sm);
/* "2026-11-27 00:40:00.123456" (UTC) */
void out_utc(const struct ntp_time *t, char *buf, size_t max);

/* ---- sntpc.c ---- */
int sntpc_main(int argc, char **argv);
extern const char sntpc_help[], ntpd_help[];

/* ---- daemon.c ---- */
struct sntpc_opts {
	struct query q;
	struct clock_policy pol;
	unsigned poll_min, poll_max;
	int quiet, eval, table, any_panic, background, use_syslog;
	const char *prog;
	const char *pidfile;            /* --pidfile */
	/* issue 11: the LAN server (--serve; ntpd -l), its interface
	 * (--interface; ntpd -I), the sync status file (--status-file) */
	int serve;
	const char *iface;
	const char *status_path;
	const char *serve_port;         /* --serve-port (tests); NULL: 123 */
	int busybox;                    /* called as ntpd: BusyBox's hook contract */
	int quit_when_set;              /* ntpd -q: exit once the clock is set */
	int query_only;                 /* ntpd -w: never touch the clock */
};
int sntpc_daemon(struct sntpc_opts *o);
/* the daemon's log: stderr, or syslog with -L (dlog.c) */
void dlog(int prio, const char *fmt, ...) WB_PRINTF(2, 3);
int dlog_open(int use_syslog);  /* -L; SIGHUP reopens */

/* ---- hook.c: -x PROG / ntpd -S PROG, BusyBox's contract ----
 * PROG ACTION, ACTION one of step (after the clock is stepped), stratum
 * (our stratum changed: the system peer's + 1, also at the first
 * synchronisation), unsync (declared unsynchronised), periodic (11 min
 * after the last run of any action, as BusyBox). Environment: stratum,
 * freq_drift_ppm (0: no frequency discipline), poll_interval (s), offset
 * (s, 6 decimals), and the SNTP_* variables of -e. Asynchronous, one at a
 * time: actions wait in order, and only the same action back to back is
 * merged (the later one's values win); killed after HOOK_LIMIT_MS. */
#define HOOK_LIMIT_MS 60000     /* then its process group is killed */
#define HOOK_PERIODIC_MS 660000 /* 11 minutes */
#define HOOK_PATH_MAX 1024
#define HOOK_ENV_MAX 1024       /* one action's variables */
#define HOOK_QUEUE 4            /* actions waiting */
#define STRATUM_UNSYNC 16
/* the values of the lowercase variables */
struct hook_vars {
	unsigned stratum;               /* ours: 16 unsynchronised */
	unsigned poll;                  /* seconds */
	ntp_fix offset;                 /* the last applied (0 at unsync) */
	int64_t era;
};
struct hook_ev {
	const char *action;
	size_t len;
	char env[HOOK_ENV_MAX];         /* hook_env's */
};
struct hook {
	char prog[HOOK_PATH_MAX];       /* absolute; "" without -x */
	struct run r;                   /* r.pid > 0 while one runs */
	int64_t deadline;               /* mono ms */
	int64_t last_run;               /* mono ms the last action started (or 0) */
	struct hook_vars v;             /* the latest: the daemon's stratum */
	int has_srv;                    /* srv/so hold the latest system peer's */
	struct server srv;
	struct sel_out so;
	int n;                          /* actions waiting in q */
	struct hook_ev q[HOOK_QUEUE];
};
/* PROG to an absolute path (relative to the current directory), checked:
 * 0, or -1 with e filled (EX_CONFIG). v starts at stratum 16. */
int hook_init(struct hook *h, const char *prog, struct wb_err *e);
/* the variables of one action into buf: "key=value\0" each, "KEY\0" for
 * one to remove (the server's SNTP_* when s is NULL); so may be NULL.
 * Returns the length, 0 if it does not fit. */
size_t hook_env(char *buf, size_t max, const struct hook_vars *v, const struct server *s,
                const struct sel_out *so);
/* remember v, s (NULL: none), so as the latest; then run action ev now
 * (ev NULL: none), or after those waiting */
void hook_event(struct hook *h, const char *ev, const struct hook_vars *v,
                const struct server *s, const struct sel_out *so);
/* reap it, or kill it at its deadline; start what waits, or periodic
 * when due; returns ms until the next check is due, or -1 when none */
int64_t hook_check(struct hook *h, int64_t now_ms);
void hook_stop(struct hook *h); /* at exit: kill it */
/* set the SNTP_* variables of -e in the environment (for -x PROG);
 * s NULL: remove the server's, keep SERVERS and CANDIDATES */
int sntpc_setenv(const struct server *s, const struct sel_out *so);
/* BusyBox ntpd -w / -d's line for a server's newest sample: "reply from
 * ADDR: offset:+0.000003 delay:0.000123 status:0x24 strat:8
 * refid:0x7f7f0101 rootdelay:0.000000 reach:0x01" */
void hook_reply_line(char *buf, size_t max, const struct server *s);

#endif
