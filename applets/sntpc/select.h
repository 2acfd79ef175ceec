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
#define SEL_MINDISP (NTP_FIX_ONE / 100)         /* 10 ms: root_dist's delay floor */
#define SEL_MAXDISP (NTP_FIX_ONE * 16)          /* 16 s: a sample's dispersion cap */
#define SEL_MAX 64                              /* candidates sel_run considers */

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
 * prec is the precision floor of the jitter (the server's and ours).
 * Only the samples held count (no empty stages at 16 s as in RFC A.5.2,
 * so a one-shot run with -c 1 stays usable): the best is the lowest
 * delay (the newer on a tie); disp = sum over the samples sorted by delay
 * of min(disp_i + PHI * age_i, SEL_MAXDISP) / 2^(i+1); jitter = the RMS
 * of the other offsets from best's (era-aware, differences clamped to
 * +-1000 s, microsecond resolution), at least prec; one sample: prec. */
int filter_run(const struct filter *f, int64_t now_ms, ntp_fix prec, struct filt_out *o);
/* the sample dispersion: 2^sprec + 2^cprec + PHI * delay; precisions
 * are clamped to -32..0 (1 s at most), a negative delay counts as 0 */
ntp_fix sample_disp(int server_prec, int client_prec, ntp_fix delay);
/* root distance (RFC 5905 A.5.5.2): max(SEL_MINDISP, rootdelay + delay) / 2
 * + rootdisp + disp + jitter; rootdelay and rootdisp as the packet gave
 * them (16.16); o->disp is already aged to now by filter_run. Each term is
 * clamped (delay to 0..SEL_MAXDISP, disp and jitter to 0..2^16 s) so the
 * sum cannot overflow. */
ntp_fix root_dist(uint32_t rootdelay, uint32_t rootdisp, const struct filt_out *o);

/* integer RMS for the filter's and the cluster step's jitter (filter.c):
 * sel_sq adds (a - b)^2 in microseconds^2 to *sum, the difference
 * clamped to +-1000 s, the sum saturating; sel_rms is sqrt(sum / k) as
 * ntp_fix (k >= 1) */
void sel_sq(uint64_t *sum, ntp_fix a, ntp_fix b);
ntp_fix sel_rms(uint64_t sum, int k);

/* why a server was kept or dropped, best last */
enum sel_why {
	SEL_NONE,               /* no usable sample */
	SEL_FAR,                /* root distance above SEL_MAXDIST (RFC's fit test) */
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
 * it returns -1 with o->nusable > 1.
 *
 * The rules, in order:
 * - usable == 0 is SEL_NONE; dist > SEL_MAXDIST is SEL_FAR (RFC 5905's
 *   "fit" test); neither counts in nusable. Candidates past SEL_MAX are
 *   SEL_NONE. Offsets are clamped to +-2^30 s, a negative dist taken as 0.
 * - intersection (RFC 5905 11.2.1 and A.5.5.1): endpoints offset - dist,
 *   offset, offset + dist (on equal values: lower, then middle, then
 *   upper, i.e. closed intervals); f falsetickers allowed from 0 while
 *   2f < nusable; success when the midpoints outside [l, u] number at most
 *   f (A.5.5.1's test; the text says d = f) and l < u strictly: two
 *   intervals sharing one point only do NOT intersect. Truechimers are the
 *   candidates whose offset lies in [l, u] (at least nusable - f of them,
 *   a strict majority); the others are SEL_FALSE. No such [l, u]: every
 *   usable candidate is SEL_NOMAJ. One usable candidate alone is a
 *   truechimer (nobody disagrees; it cannot be checked).
 * - cluster (RFC 5905 11.2.2 and A.5.5.3): truechimers sorted by merit
 *   (stratum * SEL_MAXDIST + dist, lower index on a tie); while more than
 *   SEL_NMIN remain, the one with the largest selection jitter (RMS of its
 *   offset's differences to the others; the worse merit on a tie) is
 *   SEL_OUTLIER, unless that jitter is below the smallest peer jitter.
 * - system peer: the first by merit, unless prev is among the survivors,
 *   has the same stratum as the first and a dist of at most 2 * the first's
 *   + SEL_MINDISP: then prev stays. The next survivors in merit order are
 *   SEL_CAND up to SEL_NMAX with the system peer, the rest SEL_BACKUP. */
int sel_run(struct cand *c, int n, int prev, struct sel_out *o);
/* ntpq's tally character: '*' '+' '#' '-' 'x' or ' ' (also for values
 * outside the enum) */
char sel_tally(enum sel_why why);
/* "system peer", "falseticker", ... for -v */
const char *sel_why_str(enum sel_why why);

#endif
