/* fuzz_sntp.c - sntpc's reply parser and arithmetic on any bytes.
 * Input: 8 bytes "our transmit timestamp", then the reply datagram.
 * Checks the acceptance invariants, the decode/encode round trip, the
 * timestamp conversions and that formatting stays within its buffers.
 * ntp_reply() judges the reply against an exchange made from the input:
 * T1 = the transmit timestamp, T4 = T1 + the low 32 bits of the reply's
 * reference timestamp (under 1 s), the monotonic round trip the realtime
 * one plus (int8_t)ref byte 3 * 0.1 ms (a clock stepped meanwhile). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "applets/sntpc/sntpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t get64(const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static void accepted(const struct ntp_pkt *p, uint64_t sent)
{
	if (p->mode != 4 || p->version < 3 || p->version > 4 || p->org != sent ||
	    p->stratum < 1 || p->stratum > 15 || p->leap == 3 || p->xmt == 0 ||
	    p->rootdelay >= NTP_SANE_ROOT || p->rootdisp >= NTP_SANE_ROOT)
		abort();
}

static void era(const struct ntp_pkt *p, uint64_t t4, ntp_fix off);

/* what ntp_reply accepted obeys every timestamp rule */
static void times_ok(const struct ntp_pkt *p, const struct ntp_exch *x,
                     const struct ntp_result *r)
{
	int64_t slack = ntp_slack_ns(x->mono_ns);
	ntp_fix limit = ntp_fix_from_ns(x->mono_ns + slack);
	uint64_t d = p->xmt - p->rec;
	ntp_fix proc = d <= INT64_MAX ? (ntp_fix)d : -(ntp_fix)~d - 1;
	int64_t rt = ntp_fix_ns(ntp_delay(x->t1, 0, 0, x->now)) - x->mono_ns;

	if (p->rec == 0 || p->xmt == 0 || proc < 0 || proc > limit)
		abort();
	if (r->delay < 0 || r->delay > limit || rt > slack || rt < -slack)
		abort();
	if (r->offset != ntp_offset(x->t1, p->rec, p->xmt, x->t4) ||
	    r->era != ntp_era_fix(p->xmt, x->t4, r->offset))
		abort();
}

static void reply(const uint8_t *data, size_t size, uint64_t sent)
{
	struct ntp_pkt p;
	struct ntp_result r;
	struct ntp_exch x;
	enum ntp_verdict v;

	if (ntp_decode(data, size, &p))
		return;
	x.sent = x.t1 = sent;
	x.t4 = x.now = sent + (p.ref & 0xffffffffu);
	x.mono_ns = ntp_fix_ns((ntp_fix)(p.ref & 0xffffffffu)) +
	            (int64_t)(int8_t)(p.ref >> 32 & 0xff) * 100000;
	v = ntp_reply(data, size, &x, &p, &r);
	if ((unsigned)v >= NTP_NVERDICT || !*ntp_verdict_str(v))
		abort();
	if (v != ntp_check(data, size, sent, &p) && ntp_check(data, size, sent, &p) != NTP_OK)
		abort();        /* the packet rules come first */
	if (v == NTP_OK)
		times_ok(&p, &x, &r);
	if (v == NTP_REC_ZERO && p.rec != 0)
		abort();
}

static void arithmetic(const struct ntp_pkt *p, uint64_t t1)
{
	uint64_t t4 = t1 + (p->ref & 0xffffffffu);
	ntp_fix off = ntp_offset(t1, p->rec, p->xmt, t4);
	ntp_fix del = ntp_delay(t1, p->rec, p->xmt, t4);
	struct ntp_time t = ntp_to_time(p->xmt), u;
	char b[32], tiny[6];
	uint64_t back = ntp_from_time(&t), diff = back - p->xmt;

	if (t.nsec >= 1000000000u || (diff > 2 && diff < (uint64_t)0 - 2))
		abort();        /* conversions lose at most rounding */
	u = ntp_time_add(t, off);
	if (u.nsec >= 1000000000u)
		abort();
	ntp_fix_str(off, 1, b, sizeof b);
	if (b[0] != '+' && b[0] != '-')
		abort();
	ntp_fix_str(del, 0, tiny, sizeof tiny);
	if (strlen(tiny) >= sizeof tiny)
		abort();
	out_utc(&u, b, sizeof b);
	if (strlen(b) >= sizeof b)
		abort();
	era(p, t4, off);
}

/* the era correction: 0 or one era, and T4 + offset + era lands on the
 * server's T3 as the era rule places it (within the round trip) */
static void era(const struct ntp_pkt *p, uint64_t t4, ntp_fix off)
{
	struct sample sm;
	int64_t e = ntp_era_fix(p->xmt, t4, off), miss;
	char b[32];

	if (e != 0 && e != NTP_ERA && e != -NTP_ERA)
		abort();
	memset(&sm, 0, sizeof sm);
	sm.offset = off;
	sm.era = e;
	sm.t4 = ntp_to_time(t4);
	miss = sample_time(&sm).sec - ntp_to_time(p->xmt).sec;
	if (miss < -(NTP_ERA / 2) || miss > NTP_ERA / 2)
		abort();
	if ((ntp_fix_sat(off, e) == off) != (e == 0))
		abort();
	ntp_off_str(off, e, 1, b, sizeof b);
	if (b[0] != '+' && b[0] != '-')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct ntp_pkt p;
	uint8_t re[NTP_PKT_LEN];
	uint64_t sent = 0x0123456789abcdefULL;
	enum ntp_verdict v;
	char ref[24];

	if (!null)
		null = fopen("/dev/null", "w");
	if (size >= 8) {
		sent = get64(data);
		data += 8;
		size -= 8;
	}
	if (size > NTP_PKT_MAX)
		size = NTP_PKT_MAX;
	v = ntp_check(data, size, sent, &p);
	if ((unsigned)v >= NTP_NVERDICT || !*ntp_verdict_str(v))
		abort();
	if (v == NTP_SHORT) {
		if (size >= NTP_PKT_LEN)
			abort();
		return 0;
	}
	ntp_encode(re, &p);
	if (memcmp(re, data, NTP_PKT_LEN))
		abort();        /* decode loses nothing */
	if (v == NTP_OK)
		accepted(&p, sent);
	if (v == NTP_KOD && p.stratum != 0)
		abort();
	ntp_refid_str(&p, ref, sizeof ref);
	if (strlen(ref) > 16)
		abort();        /* dotted quad, or 4 bytes as \xNN at most */
	arithmetic(&p, sent);
	reply(data, size, sent);
	if (null)
		out_packet(null, "S:", "192.0.2.1:123", &p);
	return 0;
}
