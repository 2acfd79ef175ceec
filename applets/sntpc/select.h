/* select.h - choosing the time among several servers as RFC 5905 does
 * (sections 10 and 11.2), as pure functions: the clock filter per server,
 * the root distance, the intersection algorithm (falsetickers), the
 * cluster step (outliers) and the system peer. No sockets, no clocks, no
 * floating point: times are ntp_fix (32.32 seconds), "now" is a
 * CLOCK_MONOTONIC millisecond count passed in. */
#ifndef SNTPC_SELECT_H
#define SNTPC_SELECT_H
#include "ntp.h"

#define FILT_N 8                                /* clock filter stages */
#define SEL_PHI (NTP_FIX_ONE / 66667)           /* 15 ppm: dispersion growth per s */
#define SEL_MAXDIST (NTP_FIX_ONE * 3 / 2)       /* 1.5 s: farther is not selectable */
#define SEL_NMIN 3                              /* the cluster step keeps at least */
#define SEL_NMAX 6                              /* survivors beyond this are '#' */

/* one sample in the clock filter */
struct fsample {
	ntp_fix offset, delay;
	ntp_fix disp;           /* its dispersion when taken: precisions + PHI * delay */
	int64_t era;            /* whole seconds the offset lacks (ntp_era_fix) */
	int64_t mono_ms;        /* CLOCK_MONOTONIC ms when received */
	struct ntp_time t4;     /* local receive time (for SNTP_TIME) */
};

/* the last FILT_N samples of one server; n of them are valid */
struct filter {
	struct fsample s[FILT_N];
	int n, head;            /* head: where the next one goes */
};

/* what the clock filter says of one server at a time "now" */
struct filt_out {
	struct fsample best;    /* the sample with the lowest delay */
	ntp_fix disp;           /* peer dispersion, aged to now */
	ntp_fix jitter;         /* RMS of the other offsets from best's, >= prec */
	int n;                  /* samples it used */
};

void filter_clear(struct filter *f);
/* add a sample; the oldest falls out when FILT_N are held */
void filter_add(struct filter *f, const struct fsample *s);
/* the clock filter at now_ms (RFC 5905 section 10): 0, or -1 if empty.
 * prec is the precision floor of the jitter (the server's and ours). */
int filter_run(const struct filter *f, int64_t now_ms, ntp_fix prec, struct filt_out *o);
/* the sample dispersion: 2^sprec + 2^cprec + PHI * delay */
ntp_fix sample_disp(int server_prec, int client_prec, ntp_fix delay);
/* root distance (RFC 5905 A.5.5.2): (rootdelay + delay) / 2 + rootdisp +
 * disp + jitter; rootdelay and rootdisp as the packet gave them (16.16) */
ntp_fix root_dist(uint32_t rootdelay, uint32_t rootdisp, const struct filt_out *o);

/* why a server was kept or dropped, best last */
enum sel_why {
	SEL_NONE,               /* no usable sample */
	SEL_FAR,                /* root distance above SEL_MAXDIST */
	SEL_NOMAJ,              /* no majority: nobody can be trusted */
	SEL_FALSE,              /* falseticker: outside the majority's interval */
	SEL_OUTLIER,            /* discarded by the cluster step */
	SEL_BACKUP,             /* survivor beyond the SEL_NMAX used */
	SEL_CAND,               /* candidate, kept */
	SEL_SYS                 /* the system peer: its offset is used */
};

struct cand {
	/* in */
	int usable;             /* a sample from the clock filter */
	ntp_fix offset;         /* ntp_fix_sat(offset, era) */
	ntp_fix dist;           /* root_dist() */
	ntp_fix jitter;         /* filt_out.jitter */
	unsigned stratum;
	/* out */
	enum sel_why why;
};

struct sel_out {
	int sys;                /* the system peer's index, or -1 */
	int nusable;            /* servers with a usable, near enough sample */
	int ntrue;              /* truechimers: survivors of the intersection */
	int nkept;              /* survivors of the cluster step (SYS, CAND, BACKUP) */
	ntp_fix low, high;      /* the intersection interval (when ntrue > 0) */
};

/* Select among n candidates: intersection, cluster, system peer. prev is
 * the system peer of the last run (-1: none); it stays the system peer
 * while it survives and is not clearly worse than the best (hysteresis:
 * no flapping between two good servers). Sets every c[i].why; returns
 * o->sys. With no majority (fewer than n / 2 + 1 of the usable ones agree)
 * it returns -1 with o->nusable > 1. */
int sel_run(struct cand *c, int n, int prev, struct sel_out *o);
/* ntpq's tally character: '*' '+' '#' '-' 'x' or ' ' */
char sel_tally(enum sel_why why);
/* "system peer", "falseticker", ... for -v */
const char *sel_why_str(enum sel_why why);

#endif
