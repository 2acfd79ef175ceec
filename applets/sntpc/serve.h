/* serve.h - the LAN time server of `ntpd -l` / `sntpc -d -l` (RFC 5905
 * server mode 4): a pure reply builder, a pure kiss-o'-death builder, a
 * pure per-client rate limiter and a thin socket side.
 *
 * What is answered: a client request only (mode 3, version 1 to 4, at
 * least 48 bytes; extension fields and a MAC after the header are ignored
 * and never echoed). The answer is 48 bytes, so it is never larger than
 * the request, and there is at most one answer per request. Control and
 * private queries (modes 6 and 7, the classic amplification vectors),
 * symmetric, server and broadcast packets, short packets and versions 0
 * and 5-7 get no answer at all.
 *
 * Until synchronised (and when the system peer's stratum is 15 or more,
 * or its leap indicator is 3) the server still answers, as RFC 5905's
 * unsynchronised server: leap 3 (alarm), stratum 16, reference ID and
 * reference time 0, root delay 0, root dispersion 16 s. Clients see the
 * server is up but never use its time (RFC 5905 clients, chrony, ntpd,
 * ntpdig and sntpc drop a leap-3 or stratum-16 reply). A stratum below 16
 * is never sent without a synchronised state.
 *
 * Rate limit (numbers as chrony's `ratelimit interval 1 burst 8`): per
 * client (an IPv4 address, or an IPv6 /64 prefix; a v4-mapped IPv6
 * address counts as its IPv4 address) on average one answer per
 * RL_INTERVAL_MS (2 s) with a burst of RL_BURST (8) back to back; a
 * request beyond that gets one RATE kiss-o'-death at most every RL_KOD_MS
 * (10 s) per client, else silence. The table is fixed (RL_SIZE entries,
 * RL_WAYS-way set associative by a salted hash, least recently seen
 * evicted within a set): a flood of spoofed sources costs no memory and
 * only evicts; an evicted client comes back with a fresh burst. */
#ifndef SNTPC_SERVE_H
#define SNTPC_SERVE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "err.h"
#include "ntp.h"

#define SERVE_PREC (-20)        /* our precision: about 1 us (2^-20 s) */
#define SERVE_POLL_MIN 4        /* the request's poll is clamped to these */
#define SERVE_POLL_MAX 17
#define SERVE_BATCH 32          /* datagrams serve_handle reads per call */
#define SERVE_PORT "123"

/* What the daemon knows when it answers; all zero = not synchronised. */
struct serve_state {
	int synced;             /* the clock was set from the system peer */
	unsigned leap;          /* leap indicator to announce (the peer's, 0-2) */
	unsigned stratum;       /* the system peer's stratum; ours is one more */
	uint32_t refid;         /* serve_refid() of the system peer's address */
	uint64_t reftime;       /* NTP timestamp of the last clock update */
	uint32_t rootdelay;     /* the peer's root delay, 16.16 as it sent it */
	uint32_t rootdisp;      /* the peer's root dispersion, 16.16 */
	ntp_fix delay;          /* our delay to the peer */
	ntp_fix disp, jitter;   /* the peer's dispersion and jitter (filt_out) */
};

/* reference ID of an upstream: its IPv4 address (also of a v4-mapped
 * IPv6 one), else the first 4 bytes of the MD5 of the 16-byte IPv6
 * address (RFC 5905 7.3); 0 for other families */
uint32_t serve_refid(const struct sockaddr *sa);

/* 1 if req is a request this server answers (see above), else 0 */
int serve_request_ok(const uint8_t *req, size_t len);

/* The answer to req received at t2 and sent at t3 (NTP timestamps of our
 * clock): NTP_PKT_LEN, or 0 when req gets no answer. Fields: leap (st's,
 * or 3 unsynchronised), the request's version, mode 4, stratum st's + 1,
 * the request's poll clamped to [SERVE_POLL_MIN, SERVE_POLL_MAX],
 * precision SERVE_PREC, root delay = rootdelay + delay, root dispersion =
 * rootdisp + disp + jitter + PHI * (t3 - reftime) (16.16, rounded up,
 * saturated at 0xffffffff), refid, reftime, org = the request's transmit
 * timestamp, rec = t2, xmt = t3. */
size_t serve_reply(const uint8_t *req, size_t len, const struct serve_state *st,
                   uint64_t t2, uint64_t t3, uint8_t out[NTP_PKT_LEN]);

/* A kiss-o'-death to req (same rules: 0 when req gets no answer): leap 3,
 * the request's version, mode 4, stratum 0, refid the 4 ASCII bytes of
 * code ("RATE"), poll as above, precision ours, root delay and dispersion
 * 0, and as ntpd does every timestamp = the request's transmit timestamp
 * (org matches, so the client takes the kiss; the packet holds no time). */
size_t serve_kod(const uint8_t *req, size_t len, const char code[4],
                 uint8_t out[NTP_PKT_LEN]);

/* ---- the rate limiter (pure: the caller passes the time) ---- */
#define RL_SIZE 256             /* entries: 256 * 48 bytes, fixed */
#define RL_WAYS 4               /* a client may sit in one of 4 entries */
#define RL_INTERVAL_MS 2000     /* average interval of the answers */
#define RL_BURST 8              /* answers back to back before the limit */
#define RL_KOD_MS 10000         /* at most one RATE KoD per client per 10 s */

enum rl_verdict { RL_OK, RL_KOD, RL_DROP };

struct rl_entry {
	uint8_t key[16];        /* v4: ::ffff:a.b.c.d; v6: the /64 and 8 zero bytes */
	int64_t tat;            /* GCRA: when the client's bucket is empty again */
	int64_t last;           /* ms of its last request (LRU) */
	int64_t kod;            /* ms of its last KoD */
	uint8_t used, kissed;
};

struct ratelimit {
	struct rl_entry e[RL_SIZE];
	uint32_t salt;          /* random: nobody picks the set a client lands in */
	unsigned long evicted;  /* entries given to a newcomer (for -v) */
};

void rl_init(struct ratelimit *rl, uint32_t salt);
/* one request from sa at now_ms (CLOCK_MONOTONIC): answer, kiss or drop.
 * Families other than AF_INET and AF_INET6 are dropped. */
enum rl_verdict rl_check(struct ratelimit *rl, const struct sockaddr *sa, int64_t now_ms);

/* ---- the socket side ---- */
/* A UDP socket on port (NULL: "123"; "0" an ephemeral one) of every
 * address: family AF_INET, AF_INET6 (IPv6 only) or AF_UNSPEC (one IPv6
 * socket that takes IPv4 as v4-mapped addresses; IPv4 alone on a kernel
 * without IPv6 or a build without CONFIG_IPV6). iface (NULL: none) binds
 * it to one interface with SO_BINDTODEVICE (Linux; elsewhere an error,
 * EX_UNAVAILABLE). Non-blocking, close-on-exec, kernel receive stamps on
 * where the system has them. Returns the fd to poll for POLLIN, or -1 with
 * e filled (EX_USAGE bad port, EX_NOPERM/EX_OSERR/EX_UNAVAILABLE). */
int serve_open(const char *iface, int family, const char *port, struct wb_err *e);
/* serve_open on one given address (sa's port; 0 an ephemeral one) */
int serve_open_addr(const char *iface, const struct sockaddr *sa, socklen_t len,
                    struct wb_err *e);
/* Answer what is waiting on fd: at most SERVE_BATCH datagrams, never
 * blocks. T2 is the kernel's receive stamp (else CLOCK_REALTIME right
 * after recvmsg), T3 CLOCK_REALTIME right before sendto. Requests that
 * are not answerable are dropped before the rate limiter sees them (a
 * spoofed garbage flood cannot use up a client's burst); source port 0 is
 * dropped. now_ms: CLOCK_MONOTONIC ms for the rate limiter. Returns the
 * answers sent. */
int serve_handle(int fd, const struct serve_state *st, struct ratelimit *rl, int64_t now_ms);

#endif
