/* ntp.h - SNTP packets and time arithmetic as pure functions (RFC 5905,
 * RFC 4330). No sockets, no clocks: bytes and numbers in, results out.
 *
 * Times are 64-bit NTP timestamps (32.32 seconds since the era start);
 * differences are signed 64-bit 32.32 fixed point (ntp_fix), which spans
 * +-68 years, so offsets stay correct across the 2036 era rollover. */
#ifndef SNTPC_NTP_H
#define SNTPC_NTP_H
#include <stddef.h>
#include <stdint.h>

#define NTP_PKT_LEN 48
#define NTP_PKT_MAX 1024        /* receive bound; extension fields fit */
#define NTP_UNIX_DELTA 2208988800LL  /* 1900-01-01 to 1970-01-01 in seconds */
#define NTP_FIX_ONE ((int64_t)1 << 32)
#define NTP_ERA ((int64_t)1 << 32)   /* seconds in one NTP era (136 years) */
#define NTP_SANE_ROOT (16 << 16)     /* 16 s in 16.16 short format */

typedef int64_t ntp_fix;        /* signed seconds, 32.32 fixed point */

struct ntp_pkt {
	unsigned leap, version, mode, stratum;
	int poll, precision;
	uint32_t rootdelay, rootdisp;   /* 16.16 seconds */
	uint32_t refid;
	uint64_t ref, org, rec, xmt;
};

/* a wall-clock time: seconds since 1970 (64-bit) and nanoseconds */
struct ntp_time {
	int64_t sec;
	uint32_t nsec;
};

/* why a reply was not used; NTP_OK means usable */
enum ntp_verdict {
	NTP_OK,
	NTP_SHORT,      /* fewer than 48 bytes */
	NTP_MODE,       /* not mode 4 (server) */
	NTP_VERSION,    /* not version 3 or 4 */
	NTP_ORIGIN,     /* origin timestamp is not our transmit timestamp */
	NTP_KOD,        /* stratum 0: kiss-o'-death, see ntp_kiss() */
	NTP_LEAP,       /* leap indicator 3: server not synchronized */
	NTP_STRATUM,    /* stratum above 15 */
	NTP_XMT_ZERO,   /* transmit timestamp zero */
	NTP_REC_ZERO,   /* receive timestamp zero */
	NTP_ROOT,       /* root delay or root dispersion 16 s or more */
	/* the timestamps against our round trip (ntp_check_times) */
	NTP_STEPPED,    /* realtime and monotonic round trips disagree */
	NTP_T3_T2,      /* transmit timestamp before receive timestamp */
	NTP_PROC,       /* server processing T3 - T2 longer than the round trip */
	NTP_DELAY,      /* delay longer than the round trip */
	NTP_NEGDELAY,   /* delay below -slack */
	NTP_NVERDICT
};

enum ntp_kod { KOD_OTHER, KOD_RATE, KOD_DENY, KOD_RSTR };

/* encode the client request: NTPv4 mode 3, all zero but xmt */
void ntp_request(uint8_t out[NTP_PKT_LEN], uint64_t xmt);
/* decode the 48-byte header of buf (len >= 48); 0, or -1 if short */
int ntp_decode(const uint8_t *buf, size_t len, struct ntp_pkt *p);
/* encode a full header (used by tests and the fuzzer's round trip) */
void ntp_encode(uint8_t out[NTP_PKT_LEN], const struct ntp_pkt *p);
/* the acceptance rules of a reply to a request whose xmt was sent */
enum ntp_verdict ntp_check(const uint8_t *buf, size_t len, uint64_t sent,
                           struct ntp_pkt *p);
const char *ntp_verdict_str(enum ntp_verdict v);
/* What the client measured around one request; all local clocks. */
struct ntp_exch {
	uint64_t sent;          /* our random transmit timestamp: the origin expected */
	uint64_t t1, t4;        /* CLOCK_REALTIME at send (T1) and receive (T4) */
	uint64_t now;           /* CLOCK_REALTIME read together with mono_ns */
	int64_t mono_ns;        /* send to now on CLOCK_MONOTONIC */
};
struct ntp_result {
	ntp_fix offset, delay;
	int64_t era;            /* ntp_era_fix() */
};
/* Allowed error of a round trip: NTP_SLACK_NS + 1 % of the monotonic one.
 * The realtime round trip must agree with the monotonic one within it (or
 * the clock was stepped meanwhile); the server's processing time T3 - T2
 * and the delay may exceed the monotonic round trip by at most this much
 * (the server's clock rate and granularity), and a delay in -slack..0 is
 * taken as 0. A liar inside these bounds moves the offset by at most half
 * the round trip plus half the slack, as any NTP path asymmetry does. */
#define NTP_SLACK_NS 1000000
int64_t ntp_slack_ns(int64_t mono_ns);
/* The one acceptance test of a reply (every sample, one-shot or daemon,
 * first correction or later): ntp_check(), then ntp_check_times(). On
 * NTP_OK r holds the offset, the delay and the era. */
enum ntp_verdict ntp_reply(const uint8_t *buf, size_t len, const struct ntp_exch *x,
                           struct ntp_pkt *p, struct ntp_result *r);
/* the timestamps of a reply that passed ntp_check against the exchange */
enum ntp_verdict ntp_check_times(const struct ntp_pkt *p, const struct ntp_exch *x,
                                 struct ntp_result *r);
/* classify a KoD's refid code */
enum ntp_kod ntp_kiss(uint32_t refid);
/* refid as text: "DENY"-style ASCII for stratum 0/1 (through text_clean:
 * other bytes as \xNN, at most 16 characters), dotted quad else */
void ntp_refid_str(const struct ntp_pkt *p, char *buf, size_t max);

/* wall time <-> NTP timestamp. to_ntp keeps the low 32 bits of the
 * seconds (the era is implicit); from_ntp applies the era rule of
 * RFC 4330 section 3: MSB set is 1968-2036 (era 0), clear is 2036-2104. */
uint64_t ntp_from_time(const struct ntp_time *t);
struct ntp_time ntp_to_time(uint64_t ts);

/* offset = ((T2 - T1) + (T3 - T4)) / 2, delay = (T4 - T1) - (T3 - T2) */
ntp_fix ntp_offset(uint64_t t1, uint64_t t2, uint64_t t3, uint64_t t4);
ntp_fix ntp_delay(uint64_t t1, uint64_t t2, uint64_t t3, uint64_t t4);
/* 16.16 short format to 32.32 */
ntp_fix ntp_short_fix(uint32_t s);
/* t + d (the wall time a correction leads to) */
struct ntp_time ntp_time_add(struct ntp_time t, ntp_fix d);
/* fixed point to nanoseconds / microseconds, rounded to nearest */
int64_t ntp_fix_ns(ntp_fix d);
int64_t ntp_fix_us(ntp_fix d);
ntp_fix ntp_fix_from_ms(int64_t ms);
ntp_fix ntp_fix_from_ns(int64_t ns);
/* "+1.234567" (sign always; 6 decimals) into buf; returns buf */
char *ntp_fix_str(ntp_fix d, int sign, char *buf, size_t max);

/* Offsets beyond 68 years (a router booted at 1970 asking in 2038 or
 * later) do not fit ntp_fix: the modular difference would point the wrong
 * way. ntp_era_fix places the server's T3 and the local T4 by the era
 * rule above (both within 1968-2104) and returns the whole seconds, a
 * multiple of 2^32, that the offset lacks; usually 0. */
int64_t ntp_era_fix(uint64_t t3, uint64_t t4, ntp_fix offset);
/* offset + era for comparisons: saturated when era is not 0 */
ntp_fix ntp_fix_sat(ntp_fix d, int64_t era);
/* ntp_fix_str of offset + era seconds */
char *ntp_off_str(ntp_fix d, int64_t era, int sign, char *buf, size_t max);

#endif
