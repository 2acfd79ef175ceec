/* ntp.c - SNTP packet encode/decode, acceptance rules and timestamp
 * arithmetic; pure functions (see ntp.h). Packets are packed by hand in
 * network byte order, never through a packed struct. */
#include <stdio.h>
#include <string.h>
#include "ntp.h"
#include "text.h"

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static uint64_t get64(const uint8_t *b)
{
	return (uint64_t)get32(b) << 32 | get32(b + 4);
}

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static void put64(uint8_t *b, uint64_t v)
{
	put32(b, (uint32_t)(v >> 32));
	put32(b + 4, (uint32_t)v);
}

/* two's complement reinterpretation without implementation-defined casts */
static int64_t to_signed(uint64_t u)
{
	return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

void ntp_request(uint8_t out[NTP_PKT_LEN], uint64_t xmt)
{
	memset(out, 0, NTP_PKT_LEN);
	out[0] = 4 << 3 | 3;            /* LI 0, VN 4, mode 3 */
	put64(out + 40, xmt);
}

void ntp_encode(uint8_t out[NTP_PKT_LEN], const struct ntp_pkt *p)
{
	out[0] = (uint8_t)((p->leap & 3) << 6 | (p->version & 7) << 3 | (p->mode & 7));
	out[1] = (uint8_t)p->stratum;
	out[2] = (uint8_t)p->poll;
	out[3] = (uint8_t)p->precision;
	put32(out + 4, p->rootdelay);
	put32(out + 8, p->rootdisp);
	put32(out + 12, p->refid);
	put64(out + 16, p->ref);
	put64(out + 24, p->org);
	put64(out + 32, p->rec);
	put64(out + 40, p->xmt);
}

int ntp_decode(const uint8_t *buf, size_t len, struct ntp_pkt *p)
{
	if (len < NTP_PKT_LEN)
		return -1;
	p->leap = buf[0] >> 6;
	p->version = buf[0] >> 3 & 7;
	p->mode = buf[0] & 7;
	p->stratum = buf[1];
	p->poll = (int8_t)buf[2];
	p->precision = (int8_t)buf[3];
	p->rootdelay = get32(buf + 4);
	p->rootdisp = get32(buf + 8);
	p->refid = get32(buf + 12);
	p->ref = get64(buf + 16);
	p->org = get64(buf + 24);
	p->rec = get64(buf + 32);
	p->xmt = get64(buf + 40);
	return 0;
}

enum ntp_verdict ntp_check(const uint8_t *buf, size_t len, uint64_t sent,
                           struct ntp_pkt *p)
{
	if (ntp_decode(buf, len, p))
		return NTP_SHORT;
	if (p->mode != 4)
		return NTP_MODE;
	if (p->version < 3 || p->version > 4)
		return NTP_VERSION;
	if (p->org != sent)
		return NTP_ORIGIN;
	if (p->stratum == 0)
		return NTP_KOD;
	if (p->leap == 3)
		return NTP_LEAP;
	if (p->stratum > 15)
		return NTP_STRATUM;
	if (p->xmt == 0)
		return NTP_XMT_ZERO;
	if (p->rec == 0)
		return NTP_REC_ZERO;
	if (p->rootdelay >= NTP_SANE_ROOT || p->rootdisp >= NTP_SANE_ROOT)
		return NTP_ROOT;
	return NTP_OK;
}

const char *ntp_verdict_str(enum ntp_verdict v)
{
	static const char *const s[NTP_NVERDICT] = {
		"ok", "short packet", "not a server reply (mode)",
		"unsupported version", "origin timestamp mismatch (spoofed or stale)",
		"kiss-o'-death", "server unsynchronized (leap indicator 3)",
		"bad stratum", "zero transmit timestamp", "zero receive timestamp",
		"insane root delay or dispersion",
		"local clock changed during the request",
		"transmit timestamp before receive timestamp (T3 < T2)",
		"server processing time (T3 - T2) longer than the round trip",
		"delay longer than the round trip",
		"negative delay",
	};
	return (unsigned)v < NTP_NVERDICT ? s[v] : "?";
}

enum ntp_kod ntp_kiss(uint32_t refid)
{
	if (refid == 0x52415445)        /* "RATE" */
		return KOD_RATE;
	if (refid == 0x44454e59)        /* "DENY" */
		return KOD_DENY;
	if (refid == 0x52535452)        /* "RSTR" */
		return KOD_RSTR;
	return KOD_OTHER;
}

void ntp_refid_str(const struct ntp_pkt *p, char *buf, size_t max)
{
	uint32_t r = p->refid;
	unsigned char a[4];
	size_t n;

	if (p->stratum > 1) {
		snprintf(buf, max, "%u.%u.%u.%u", r >> 24, r >> 16 & 255,
		         r >> 8 & 255, r & 255);
		return;
	}
	for (n = 0; n < 4 && (r >> (24 - 8 * n) & 255); n++)   /* up to a NUL */
		a[n] = (unsigned char)(r >> (24 - 8 * n));
	text_clean(buf, max, a, n);
}

uint64_t ntp_from_time(const struct ntp_time *t)
{
	uint64_t sec = (uint64_t)(t->sec + NTP_UNIX_DELTA) & 0xffffffffu;
	uint64_t frac = (((uint64_t)t->nsec << 32) + 500000000u) / 1000000000u;

	return sec << 32 | frac;
}

struct ntp_time ntp_to_time(uint64_t ts)
{
	uint64_t sec = ts >> 32;
	struct ntp_time t;

	if (!(sec & 0x80000000u))
		sec += (uint64_t)1 << 32;       /* era 1: 2036-2104 */
	t.sec = (int64_t)sec - NTP_UNIX_DELTA;
	t.nsec = (uint32_t)(((ts & 0xffffffffu) * 1000000000u + 0x80000000u) >> 32);
	if (t.nsec >= 1000000000u) {
		t.nsec -= 1000000000u;
		t.sec++;
	}
	return t;
}

ntp_fix ntp_offset(uint64_t t1, uint64_t t2, uint64_t t3, uint64_t t4)
{
	int64_t a = to_signed(t2 - t1), b = to_signed(t3 - t4);

	return a / 2 + b / 2 + (a % 2 + b % 2) / 2;
}

ntp_fix ntp_delay(uint64_t t1, uint64_t t2, uint64_t t3, uint64_t t4)
{
	return to_signed((t4 - t1) - (t3 - t2));
}

/* no request is waited for this long (--timeout is at most 60 s) */
#define NTP_RTT_MAX_NS (3600 * (int64_t)1000000000)

int64_t ntp_slack_ns(int64_t mono_ns)
{
	return NTP_SLACK_NS + (mono_ns > 0 ? mono_ns / 100 : 0);
}

/* T1 and T4 are ours, T2 and T3 the server's; the differences are taken
 * modulo 2^64 (right across the 2036 rollover) and read as signed */
enum ntp_verdict ntp_check_times(const struct ntp_pkt *p, const struct ntp_exch *x,
                                 struct ntp_result *r)
{
	int64_t slack = ntp_slack_ns(x->mono_ns);
	int64_t rt = ntp_fix_ns(ntp_delay(x->t1, 0, 0, x->now)), diff = rt - x->mono_ns;
	ntp_fix limit = ntp_fix_from_ns(x->mono_ns + slack), proc = to_signed(p->xmt - p->rec);

	if (x->mono_ns < 0 || x->mono_ns > NTP_RTT_MAX_NS || diff > slack || diff < -slack)
		return NTP_STEPPED;
	if (proc < 0)
		return NTP_T3_T2;
	if (proc > limit)
		return NTP_PROC;
	r->delay = ntp_delay(x->t1, p->rec, p->xmt, x->t4);
	if (r->delay > limit)
		return NTP_DELAY;
	if (r->delay < -ntp_fix_from_ns(slack))
		return NTP_NEGDELAY;
	if (r->delay < 0)
		r->delay = 0;
	r->offset = ntp_offset(x->t1, p->rec, p->xmt, x->t4);
	r->era = ntp_era_fix(p->xmt, x->t4, r->offset);
	return NTP_OK;
}

enum ntp_verdict ntp_reply(const uint8_t *buf, size_t len, const struct ntp_exch *x,
                           struct ntp_pkt *p, struct ntp_result *r)
{
	enum ntp_verdict v = ntp_check(buf, len, x->sent, p);

	return v == NTP_OK ? ntp_check_times(p, x, r) : v;
}

ntp_fix ntp_short_fix(uint32_t s)
{
	return (ntp_fix)s << 16;
}

static int64_t fix_scale(ntp_fix d, int64_t unit)
{
	int64_t sec = d / NTP_FIX_ONE, rem = d % NTP_FIX_ONE;
	int64_t half = rem < 0 ? -(NTP_FIX_ONE / 2) : NTP_FIX_ONE / 2;

	return sec * unit + (rem * unit + half) / NTP_FIX_ONE;
}

int64_t ntp_fix_ns(ntp_fix d)
{
	return fix_scale(d, 1000000000);
}

int64_t ntp_fix_us(ntp_fix d)
{
	return fix_scale(d, 1000000);
}

ntp_fix ntp_fix_from_ms(int64_t ms)
{
	return ms / 1000 * NTP_FIX_ONE + (ms % 1000) * NTP_FIX_ONE / 1000;
}

ntp_fix ntp_fix_from_ns(int64_t ns)
{
	return ns / 1000000000 * NTP_FIX_ONE + (ns % 1000000000) * NTP_FIX_ONE / 1000000000;
}

struct ntp_time ntp_time_add(struct ntp_time t, ntp_fix d)
{
	int64_t ns = ntp_fix_ns(d);
	int64_t n = (int64_t)t.nsec + ns % 1000000000;

	t.sec += ns / 1000000000;
	if (n < 0) {
		n += 1000000000;
		t.sec--;
	} else if (n >= 1000000000) {
		n -= 1000000000;
		t.sec++;
	}
	t.nsec = (uint32_t)n;
	return t;
}

static char *us_str(int64_t us, int sign, char *buf, size_t max)
{
	const char *s = us < 0 ? "-" : sign ? "+" : "";

	if (us < 0)
		us = -us;
	snprintf(buf, max, "%s%lld.%06lld", s, (long long)(us / 1000000),
	         (long long)(us % 1000000));
	return buf;
}

char *ntp_fix_str(ntp_fix d, int sign, char *buf, size_t max)
{
	return us_str(ntp_fix_us(d), sign, buf, max);
}

char *ntp_off_str(ntp_fix d, int64_t era, int sign, char *buf, size_t max)
{
	return us_str(ntp_fix_us(d) + era * 1000000, sign, buf, max);
}

int64_t ntp_era_fix(uint64_t t3, uint64_t t4, ntp_fix offset)
{
	int64_t want = ntp_to_time(t3).sec - ntp_to_time(t4).sec;
	int64_t miss = want - offset / NTP_FIX_ONE;

	/* |miss| is a whole number of eras give or take the round trip */
	if (miss > NTP_ERA / 2)
		return NTP_ERA;
	if (miss < -(NTP_ERA / 2))
		return -NTP_ERA;
	return 0;
}

ntp_fix ntp_fix_sat(ntp_fix d, int64_t era)
{
	return era > 0 ? INT64_MAX : era < 0 ? -INT64_MAX : d;
}
