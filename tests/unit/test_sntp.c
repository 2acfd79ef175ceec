/* test_sntp.c - sntpc's pure parts: packets, timestamps and the era rule,
 * offset/delay arithmetic, the reply acceptance rules (one test each),
 * KoD, poll backoff and jitter, server selection, clock decisions through
 * a fake setter, and the output formats. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "sysopts.h"
#include "applets/sntpc/sntpc.h"

Suite *sntp_packet_suite(void);
Suite *sntp_time_suite(void);
Suite *sntp_accept_suite(void);
Suite *sntp_policy_suite(void);
Suite *sntp_output_suite(void);

#define TS(sec, frac) ((uint64_t)(uint32_t)(sec) << 32 | (uint32_t)(frac))
#define FIX(sec, frac) ((ntp_fix)(sec) * NTP_FIX_ONE + (frac))

static void hexdiff(const uint8_t *got, const uint8_t *want, size_t n)
{
	size_t i;

	if (!memcmp(got, want, n))
		return;
	fprintf(stderr, "got:  ");
	for (i = 0; i < n; i++)
		fprintf(stderr, "%02x", got[i]);
	fprintf(stderr, "\nwant: ");
	for (i = 0; i < n; i++)
		fprintf(stderr, "%02x", want[i]);
	fprintf(stderr, "\n");
	ck_abort_msg("bytes differ");
}

/* ---- packets ------------------------------------------------------------ */
START_TEST(request_layout)
{
	uint8_t b[NTP_PKT_LEN], want[NTP_PKT_LEN] = { 0x23 };

	memcpy(want + 40, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	memset(b, 0x55, sizeof b);
	ntp_request(b, 0x0123456789abcdefULL);
	hexdiff(b, want, sizeof b);
}
END_TEST

static const uint8_t reply_vec[NTP_PKT_LEN] = {
	0x24, 0x02, 0x03, 0xe7,  0x00, 0x00, 0x01, 0x00,  0x00, 0x00, 0x02, 0x00,
	0xc0, 0xa8, 0x01, 0x01,  0xeb, 0x00, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,  0xeb, 0x00, 0x00, 0x10, 0x80, 0x00, 0x00, 0x00,
	0xeb, 0x00, 0x00, 0x10, 0x80, 0x00, 0x10, 0x00,
};

START_TEST(decode_vector)
{
	struct ntp_pkt p;

	ck_assert_int_eq(ntp_decode(reply_vec, sizeof reply_vec, &p), 0);
	ck_assert_uint_eq(p.leap, 0);
	ck_assert_uint_eq(p.version, 4);
	ck_assert_uint_eq(p.mode, 4);
	ck_assert_uint_eq(p.stratum, 2);
	ck_assert_int_eq(p.poll, 3);
	ck_assert_int_eq(p.precision, -25);
	ck_assert_uint_eq(p.rootdelay, 0x100);
	ck_assert_uint_eq(p.rootdisp, 0x200);
	ck_assert_uint_eq(p.refid, 0xc0a80101);
	ck_assert(p.ref == TS(0xeb000000, 0x11223344));
	ck_assert(p.org == 0x0123456789abcdefULL);
	ck_assert(p.rec == TS(0xeb000010, 0x80000000));
	ck_assert(p.xmt == TS(0xeb000010, 0x80001000));
}
END_TEST

START_TEST(encode_round_trip)
{
	struct ntp_pkt p;
	uint8_t b[NTP_PKT_LEN];

	ntp_decode(reply_vec, sizeof reply_vec, &p);
	ntp_encode(b, &p);
	hexdiff(b, reply_vec, sizeof b);
}
END_TEST

START_TEST(decode_short)
{
	struct ntp_pkt p;

	ck_assert_int_eq(ntp_decode(reply_vec, 47, &p), -1);
	ck_assert_int_eq(ntp_decode(reply_vec, 0, &p), -1);
}
END_TEST

START_TEST(refid_text)
{
	struct ntp_pkt p;
	char b[24];

	memset(&p, 0, sizeof p);
	p.stratum = 1;
	p.refid = 0x47505300;           /* "GPS\0" */
	ntp_refid_str(&p, b, sizeof b);
	ck_assert_str_eq(b, "GPS");
	p.stratum = 0;
	p.refid = 0x52415445;
	ntp_refid_str(&p, b, sizeof b);
	ck_assert_str_eq(b, "RATE");
	p.refid = 0x41271b0a;           /* hostile bytes are not printed raw */
	ntp_refid_str(&p, b, sizeof b);
	ck_assert_str_eq(b, "A'\\x1b\\x0a");
	p.refid = 0x9bc29b7f;           /* C1 raw and as U+009B, DEL: text_clean */
	ntp_refid_str(&p, b, sizeof b);
	ck_assert_str_eq(b, "\\x9b\\xc2\\x9b\\x7f");
	p.refid = 0xffffffff;           /* the longest: 16 characters */
	ntp_refid_str(&p, b, sizeof b);
	ck_assert_str_eq(b, "\\xff\\xff\\xff\\xff");
	p.refid = 0x49000041;           /* up to the first NUL */
	ntp_refid_str(&p, b, sizeof b);
	ck_assert_str_eq(b, "I");
	p.stratum = 3;
	p.refid = 0x7f7f0101;
	ntp_refid_str(&p, b, sizeof b);
	ck_assert_str_eq(b, "127.127.1.1");
}
END_TEST

Suite *sntp_packet_suite(void)
{
	Suite *s = suite_create("sntp_packet");
	TCase *tc = tcase_create("packet");

	tcase_add_test(tc, request_layout);
	tcase_add_test(tc, decode_vector);
	tcase_add_test(tc, encode_round_trip);
	tcase_add_test(tc, decode_short);
	tcase_add_test(tc, refid_text);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- timestamps and arithmetic ------------------------------------------ */
static void both_ways(int64_t unix_sec, uint32_t nsec, uint64_t ntp)
{
	struct ntp_time t = { unix_sec, nsec }, back;

	ck_assert_msg(ntp_from_time(&t) == ntp, "%lld.%09u -> %016llx, want %016llx",
	              (long long)unix_sec, nsec, (unsigned long long)ntp_from_time(&t),
	              (unsigned long long)ntp);
	back = ntp_to_time(ntp);
	ck_assert_msg(back.sec == unix_sec && back.nsec == nsec, "%016llx -> %lld.%09u",
	              (unsigned long long)ntp, (long long)back.sec, back.nsec);
}

START_TEST(epoch_1970)
{
	both_ways(0, 0, TS(2208988800u, 0));
	both_ways(-1, 0, TS(2208988799u, 0));
}
END_TEST

START_TEST(epoch_1900)
{
	struct ntp_time t = { -2208988800LL, 0 };

	/* 1900-01-01 encodes as seconds 0; the era rule reads that as 2036 */
	ck_assert(ntp_from_time(&t) == 0);
	ck_assert_int_eq(ntp_to_time(0).sec, 2085978496LL);
	/* the earliest time of era 0 the rule accepts: 1968-01-20 03:14:08 */
	ck_assert_int_eq(ntp_to_time(TS(0x80000000u, 0)).sec, -61505152LL);
}
END_TEST

START_TEST(era_2036)
{
	both_ways(2085978495LL, 0, TS(0xffffffffu, 0));          /* 2036-02-07 06:28:15 */
	both_ways(2085978495LL, 500000000, TS(0xffffffffu, 0x80000000u));
	both_ways(2085978496LL, 0, TS(0, 0));                     /* the rollover */
	both_ways(2085978497LL, 250000000, TS(1, 0x40000000u));
	both_ways(2100000000LL, 0, TS(2100000000LL + 2208988800LL - 4294967296LL, 0));
}
END_TEST

START_TEST(y2038)
{
	/* 2038-01-19 03:14:08 needs a 64-bit time_t; NTP has no problem */
	both_ways(2147483647LL, 0, TS(2147483647LL + 2208988800LL - 4294967296LL, 0));
	both_ways(2147483648LL, 0, TS(61505152u, 0));
	both_ways(4000000000LL, 0, TS(4000000000LL + 2208988800LL - 4294967296LL, 0));
}
END_TEST

START_TEST(fraction_precision)
{
	struct ntp_time t = { 1000, 999999999 }, back;
	uint32_t ns;

	ck_assert(ntp_from_time(&t) == TS(2208989800u, 0xfffffffcu));
	/* the largest fraction rounds up into the next second */
	back = ntp_to_time(TS(2208989800u, 0xffffffffu));
	ck_assert_int_eq(back.sec, 1001);
	ck_assert_uint_eq(back.nsec, 0);
	/* every nanosecond value survives the round trip exactly */
	for (ns = 0; ns < 1000000000u; ns += 999983) {
		t.nsec = ns;
		back = ntp_to_time(ntp_from_time(&t));
		ck_assert_msg(back.sec == 1000 && back.nsec == ns, "%u -> %u", ns, back.nsec);
	}
}
END_TEST

START_TEST(offset_delay_vectors)
{
	/* T1 10.0, T2 11.0, T3 11.5, T4 10.7: offset 0.9, delay 0.2 */
	uint64_t t1 = TS(10, 0), t2 = TS(11, 0), t3 = TS(11, 0x80000000u);
	uint64_t t4 = TS(10, 0xb3333333u);

	ck_assert_int_eq(ntp_fix_us(ntp_offset(t1, t2, t3, t4)), 900000);
	ck_assert_int_eq(ntp_fix_us(ntp_delay(t1, t2, t3, t4)), 200000);
	/* negative offset: T1 100, T2 99.5, T3 99.5, T4 100.2: -0.6, 0.2 */
	t1 = TS(100, 0); t2 = TS(99, 0x80000000u); t3 = t2; t4 = TS(100, 0x33333333u);
	ck_assert_int_eq(ntp_fix_us(ntp_offset(t1, t2, t3, t4)), -600000);
	ck_assert_int_eq(ntp_fix_us(ntp_delay(t1, t2, t3, t4)), 200000);
	/* a symmetric path gives exactly zero */
	t1 = TS(5000, 1); t2 = TS(5000, 101); t3 = TS(5000, 201); t4 = TS(5000, 301);
	ck_assert(ntp_offset(t1, t2, t3, t4) == 0);
	ck_assert(ntp_delay(t1, t2, t3, t4) == 200);
}
END_TEST

START_TEST(fraction_edges)
{
	/* one unit (2^-32 s) across a second boundary */
	ck_assert(ntp_offset(TS(7, 0xffffffffu), TS(8, 0), TS(8, 0), TS(7, 0xffffffffu)) == 1);
	ck_assert(ntp_offset(TS(8, 0), TS(7, 0xffffffffu), TS(7, 0xffffffffu), TS(8, 0)) == -1);
	/* a half unit each way rounds toward zero, never away */
	ck_assert(ntp_offset(TS(8, 0), TS(8, 1), TS(8, 1), TS(8, 2)) == 0);
	ck_assert(ntp_delay(TS(8, 0), TS(8, 1), TS(8, 1), TS(8, 2)) == 2);
	/* rounding to microseconds, both signs */
	ck_assert_int_eq(ntp_fix_us(FIX(0, 2148)), 1);          /* 0.5001 us -> 1 */
	ck_assert_int_eq(ntp_fix_us(-FIX(0, 2148)), -1);
	ck_assert_int_eq(ntp_fix_us(FIX(0, 2000)), 0);          /* 0.47 us -> 0 */
	ck_assert_int_eq(ntp_fix_ns(FIX(-2, 0x80000000u)), -1500000000LL);
}
END_TEST

START_TEST(offset_across_eras)
{
	/* client just before the 2036 rollover, server 1 s later in era 1 */
	uint64_t t1 = TS(0xffffffffu, 0x80000000u), t2 = TS(0, 0x80000000u);

	ck_assert(ntp_offset(t1, t2, t2, t1) == FIX(1, 0));
	ck_assert(ntp_offset(t2, t1, t1, t2) == -FIX(1, 0));
	/* a router that booted at 1970 asking a 2026 server */
	t1 = TS(2208988800u, 0);
	t2 = TS(1795740000LL + 2208988800LL, 0);
	ck_assert_int_eq(ntp_fix_ns(ntp_offset(t1, t2, t2, t1)), 1795740000LL * 1000000000LL);
	/* and the reverse: 54 years backwards */
	ck_assert_int_eq(ntp_fix_ns(ntp_offset(t2, t1, t1, t2)), -1795740000LL * 1000000000LL);
}
END_TEST

/* a router that booted at 1970 (T1 = T4 = local) asks a server at unix */
static struct sample boot_1970(int64_t local, int64_t unix)
{
	struct ntp_time l = { local, 0 }, u = { unix, 250000000 };
	uint64_t t1 = ntp_from_time(&l), t2 = ntp_from_time(&u);
	struct sample sm;

	memset(&sm, 0, sizeof sm);
	sm.offset = ntp_offset(t1, t2, t2, t1);
	sm.era = ntp_era_fix(t2, t1, sm.offset);
	sm.t4 = l;
	return sm;
}

START_TEST(era_boot_1970_after_2038)
{
	char b[40], want[40];
	struct sample sm;
	int64_t y[] = { 2147483647LL, 2147483648LL, 2208988800LL /* 2040 */,
	                4000000000LL /* 2096 */, 4233000000LL /* 2104, the rule's end */ };
	size_t i;

	for (i = 0; i < sizeof y / sizeof *y; i++) {
		struct ntp_time t;
		sm = boot_1970(86400, y[i]);
		t = sample_time(&sm);
		ck_assert_msg(t.sec == y[i] && t.nsec == 250000000, "%lld -> %lld",
		              (long long)y[i], (long long)t.sec);
		snprintf(want, sizeof want, "+%lld.250000", (long long)(y[i] - 86400));
		ck_assert_str_eq(ntp_off_str(sm.offset, sm.era, 1, b, sizeof b), want);
		ck_assert(ntp_fix_sat(sm.offset, sm.era) > FIX(2000000000, 0));
	}
	/* 2040 needs the era: the modular offset alone points to 1904 */
	sm = boot_1970(86400, 2208988800LL);
	ck_assert_int_eq(sm.era, NTP_ERA);
	ck_assert(sm.offset < 0);
	/* within 68 years no era is added, in either direction */
	ck_assert_int_eq(boot_1970(86400, 1795740000LL).era, 0);
	ck_assert_int_eq(boot_1970(1795740000LL, 86400).era, 0);
	ck_assert_int_eq(boot_1970(2085978495LL, 2085978497LL).era, 0);
	/* a clock in 2040 that a (bad) server calls 1970: -70 years */
	sm = boot_1970(2208988800LL, 86400);
	ck_assert_int_eq(sm.era, -NTP_ERA);
	ck_assert_int_eq(sample_time(&sm).sec, 86400);
	ck_assert_str_eq(ntp_off_str(sm.offset, sm.era, 1, b, sizeof b), "-2208902399.750000");
	ck_assert(ntp_fix_sat(sm.offset, sm.era) < -FIX(2000000000, 0));
}
END_TEST

START_TEST(time_add)
{
	struct ntp_time t = { 100, 200000000 }, r;

	r = ntp_time_add(t, -FIX(0, 0x80000000u));         /* -0.5 s: borrow */
	ck_assert_int_eq(r.sec, 99);
	ck_assert_uint_eq(r.nsec, 700000000);
	r = ntp_time_add(t, FIX(1, 0xcccccccdu));           /* +1.8 s: carry */
	ck_assert_int_eq(r.sec, 102);
	ck_assert_uint_eq(r.nsec, 0);
	r = ntp_time_add(t, -FIX(200, 0));
	ck_assert_int_eq(r.sec, -100);
	ck_assert_uint_eq(r.nsec, 200000000);
}
END_TEST

START_TEST(fix_text)
{
	char b[32];

	ck_assert_str_eq(ntp_fix_str(FIX(0, 4295), 1, b, sizeof b), "+0.000001");
	ck_assert_str_eq(ntp_fix_str(-FIX(0, 4295), 1, b, sizeof b), "-0.000001");
	ck_assert_str_eq(ntp_fix_str(0, 1, b, sizeof b), "+0.000000");
	ck_assert_str_eq(ntp_fix_str(FIX(12, 0x80000000u), 0, b, sizeof b), "12.500000");
	ck_assert_str_eq(ntp_fix_str(-FIX(1795740000LL, 0), 1, b, sizeof b), "-1795740000.000000");
	ck_assert(ntp_fix_from_ms(128) == 549755813);
	ck_assert(ntp_fix_from_ms(-1500) == -FIX(1, 0x80000000u));
}
END_TEST

Suite *sntp_time_suite(void)
{
	Suite *s = suite_create("sntp_time");
	TCase *tc = tcase_create("time");

	tcase_add_test(tc, epoch_1970);
	tcase_add_test(tc, epoch_1900);
	tcase_add_test(tc, era_2036);
	tcase_add_test(tc, y2038);
	tcase_add_test(tc, fraction_precision);
	tcase_add_test(tc, offset_delay_vectors);
	tcase_add_test(tc, fraction_edges);
	tcase_add_test(tc, offset_across_eras);
	tcase_add_test(tc, era_boot_1970_after_2038);
	tcase_add_test(tc, time_add);
	tcase_add_test(tc, fix_text);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- acceptance rules: one test per rule --------------------------------- */
#define SENT 0x0123456789abcdefULL

static size_t good_reply(uint8_t *b)
{
	struct ntp_pkt p;

	memset(&p, 0, sizeof p);
	p.version = 4;
	p.mode = 4;
	p.stratum = 2;
	p.refid = 0x7f000001;
	p.org = SENT;
	p.rec = TS(0xeb000000u, 1);
	p.xmt = TS(0xeb000000u, 2);
	memset(b, 0, NTP_PKT_MAX);
	ntp_encode(b, &p);
	return NTP_PKT_LEN;
}

static const struct rule {
	const char *name;
	int off, len;           /* byte offset to set, or -1; packet length */
	uint8_t val;
	enum ntp_verdict want;
} rules[] = {
	{ "a correct reply", -1, 48, 0, NTP_OK },
	{ "47 bytes", -1, 47, 0, NTP_SHORT },
	{ "empty", -1, 0, 0, NTP_SHORT },
	{ "with an RFC 7822 extension field (68 bytes)", -1, 68, 0, NTP_OK },
	{ "mode 3 (a request)", 0, 48, 4 << 3 | 3, NTP_MODE },
	{ "mode 5 (broadcast)", 0, 48, 4 << 3 | 5, NTP_MODE },
	{ "version 2", 0, 48, 2 << 3 | 4, NTP_VERSION },
	{ "version 5", 0, 48, 5 << 3 | 4, NTP_VERSION },
	{ "version 3 accepted", 0, 48, 3 << 3 | 4, NTP_OK },
	{ "leap indicator 1 accepted", 0, 48, 1 << 6 | 4 << 3 | 4, NTP_OK },
	{ "leap indicator 3", 0, 48, 3 << 6 | 4 << 3 | 4, NTP_LEAP },
	{ "origin differs in the last bit", 31, 48, 0xee, NTP_ORIGIN },
	{ "origin differs in the first bit", 24, 48, 0x81, NTP_ORIGIN },
	{ "stratum 0 (kiss-o'-death)", 1, 48, 0, NTP_KOD },
	{ "stratum 1 accepted", 1, 48, 1, NTP_OK },
	{ "stratum 15 accepted", 1, 48, 15, NTP_OK },
	{ "stratum 16", 1, 48, 16, NTP_STRATUM },
	{ "stratum 255", 1, 48, 255, NTP_STRATUM },
	{ "root delay 16 s", 5, 48, 16, NTP_ROOT },
	{ "root dispersion 16 s", 9, 48, 16, NTP_ROOT },
	{ "root delay 15.99 s accepted", 5, 48, 15, NTP_OK },
	{ "root delay negative (top bit)", 4, 48, 0x80, NTP_ROOT },
};

START_TEST(accept_rule)
{
	const struct rule *r = &rules[_i];
	uint8_t b[NTP_PKT_MAX];
	struct ntp_pkt p;

	good_reply(b);
	if (r->off >= 0)
		b[r->off] = r->val;
	if (r->off == 5 && r->val == 15)
		b[6] = 0xff;
	ck_assert_msg(ntp_check(b, (size_t)r->len, SENT, &p) == r->want, "%s: got %s, want %s",
	              r->name, ntp_verdict_str(ntp_check(b, (size_t)r->len, SENT, &p)),
	              ntp_verdict_str(r->want));
}
END_TEST

START_TEST(accept_xmt_zero)
{
	uint8_t b[NTP_PKT_MAX];
	struct ntp_pkt p;

	good_reply(b);
	memset(b + 40, 0, 8);
	ck_assert_int_eq(ntp_check(b, 48, SENT, &p), NTP_XMT_ZERO);
}
END_TEST

START_TEST(accept_rec_zero)
{
	uint8_t b[NTP_PKT_MAX];
	struct ntp_pkt p;

	good_reply(b);
	memset(b + 32, 0, 8);
	ck_assert_int_eq(ntp_check(b, 48, SENT, &p), NTP_REC_ZERO);
}
END_TEST

/* ntp_reply, the one test every sample passes: the four timestamps
 * against the round trip measured on CLOCK_MONOTONIC (slack 1 ms + 1 %).
 * Times are microseconds after T1 (ABS2/ABS3: t2/t3 is a raw timestamp). */
#define T1_2026 TS(0xecd5b000u, 0x12345678u)    /* 2026-12-06 */
#define T1_ROLL TS(0xffffffffu, 0xff000000u)    /* 4 ms before the 2036 rollover */
enum { REL = 0, ABS2 = 1, ABS3 = 2 };
static const struct times {
	const char *name;
	uint64_t t1;
	int abs;
	int64_t t2, t3, t4, now, mono;  /* us; t2/t3 raw when ABS* */
	enum ntp_verdict want;
	int64_t delay_us, offset_us;    /* checked when NTP_OK */
} times[] = {
	{ "a good reply: 10 ms each way, 0.1 ms at the server", T1_2026, REL,
	  10000, 10100, 20000, 20000, 20000, NTP_OK, 19900, 50 },
	{ "the server 5 s ahead", T1_2026, REL,
	  5010000, 5010100, 20000, 20000, 20000, NTP_OK, 19900, 5000050 },
	{ "receive timestamp zero (sntpc printed +144,729,355 s)", T1_2026, ABS2,
	  0, 100, 200, 200, 200, NTP_REC_ZERO, 0, 0 },
	{ "transmit timestamp zero", T1_2026, ABS3,
	  100, 0, 200, 200, 200, NTP_XMT_ZERO, 0, 0 },
	{ "T3 1 us before T2", T1_2026, REL,
	  100, 99, 200, 200, 200, NTP_T3_T2, 0, 0 },
	{ "T3 one day before T2", T1_2026, REL,
	  100, 100 - 86400000000LL, 200, 200, 200, NTP_T3_T2, 0, 0 },
	{ "receive timestamp 1 (T3 - T2 wraps negative)", T1_2026, ABS2,
	  1, 100, 200, 200, 200, NTP_T3_T2, 0, 0 },
	{ "processing 1 s in a 20 ms round trip", T1_2026, REL,
	  10000, 1010000, 20000, 20000, 20000, NTP_PROC, 0, 0 },
	{ "processing 21.3 ms in 20 ms (slack 1.2 ms)", T1_2026, REL,
	  0, 21300, 20000, 20000, 20000, NTP_PROC, 0, 0 },
	{ "processing 21.1 ms in 20 ms: within the slack, delay 0", T1_2026, REL,
	  0, 21100, 20000, 20000, 20000, NTP_OK, 0, 550 },
	{ "processing exactly the round trip: delay 0", T1_2026, REL,
	  0, 20000, 20000, 20000, 20000, NTP_OK, 0, 0 },
	{ "delay 100 ms in a 20 ms monotonic round trip", T1_2026, REL,
	  0, 0, 100000, 20000, 20000, NTP_DELAY, 0, 0 },
	{ "negative delay beyond the slack (-9 ms)", T1_2026, REL,
	  0, 10000, 1000, 20000, 20000, NTP_NEGDELAY, 0, 0 },
	{ "local clock stepped 2 s during the request", T1_2026, REL,
	  10000, 10100, 2020000, 2020000, 20000, NTP_STEPPED, 0, 0 },
	{ "local clock stepped back 1 s", T1_2026, REL,
	  10000, 10100, 20000, -980000, 20000, NTP_STEPPED, 0, 0 },
	{ "realtime 1.1 ms longer than monotonic: within the slack", T1_2026, REL,
	  10000, 10100, 21100, 21100, 20000, NTP_OK, 21000, -500 },
	{ "a negative monotonic round trip", T1_2026, REL,
	  0, 0, 0, 0, -1, NTP_STEPPED, 0, 0 },
	{ "a monotonic round trip of 300 years", T1_2026, REL,
	  0, 0, 0, 0, INT64_MAX / 1000, NTP_STEPPED, 0, 0 },
	{ "across the 2036 rollover", T1_ROLL, REL,
	  10000, 10100, 20000, 20000, 20000, NTP_OK, 19900, 50 },
};

static uint64_t us_after(uint64_t t1, int64_t us)
{
	return t1 + (uint64_t)(ntp_fix_from_ns(us * 1000));
}

START_TEST(reply_times)
{
	const struct times *r = &times[_i];
	struct ntp_exch x = { SENT, r->t1, us_after(r->t1, r->t4), us_after(r->t1, r->now),
	                      r->mono * 1000 };
	uint8_t b[NTP_PKT_MAX];
	struct ntp_result res;
	struct ntp_pkt p;
	enum ntp_verdict v;

	good_reply(b);
	ntp_decode(b, 48, &p);
	p.rec = r->abs == ABS2 ? (uint64_t)r->t2 : us_after(r->t1, r->t2);
	p.xmt = r->abs == ABS3 ? (uint64_t)r->t3 : us_after(r->t1, r->t3);
	ntp_encode(b, &p);
	v = ntp_reply(b, 48, &x, &p, &res);
	ck_assert_msg(v == r->want, "%s: got %s, want %s", r->name, ntp_verdict_str(v),
	              ntp_verdict_str(r->want));
	if (v != NTP_OK)
		return;
	ck_assert_msg(ntp_fix_us(res.delay) == r->delay_us, "%s: delay %lld us, want %lld",
	              r->name, (long long)ntp_fix_us(res.delay), (long long)r->delay_us);
	ck_assert_msg(ntp_fix_us(res.offset) == r->offset_us, "%s: offset %lld us, want %lld",
	              r->name, (long long)ntp_fix_us(res.offset), (long long)r->offset_us);
	ck_assert_int_eq(res.era, 0);
}
END_TEST

START_TEST(reply_slack)
{
	ck_assert_int_eq(ntp_slack_ns(0), 1000000);
	ck_assert_int_eq(ntp_slack_ns(20000000), 1200000);
	ck_assert_int_eq(ntp_slack_ns(-5), 1000000);
	ck_assert(ntp_fix_from_ns(1500000000) == FIX(1, 0x80000000u));
	ck_assert(ntp_fix_from_ns(-500000000) == -FIX(0, 0x80000000u));
}
END_TEST

START_TEST(accept_wrong_request)
{
	uint8_t b[NTP_PKT_MAX];
	struct ntp_pkt p;

	/* a correct reply to another request (a stale or replayed one) */
	good_reply(b);
	ck_assert_int_eq(ntp_check(b, 48, SENT + 1, &p), NTP_ORIGIN);
	ck_assert_int_eq(ntp_check(b, 48, 0, &p), NTP_ORIGIN);
}
END_TEST

/* a kiss-o'-death must answer our request too: a spoofed DENY cannot
 * make a server unusable */
START_TEST(accept_kod_needs_origin)
{
	uint8_t b[NTP_PKT_MAX];
	struct ntp_pkt p;

	good_reply(b);
	b[0] = 3 << 6 | 4 << 3 | 4;
	b[1] = 0;
	memcpy(b + 12, "DENY", 4);
	ck_assert_int_eq(ntp_check(b, 48, SENT, &p), NTP_KOD);
	ck_assert_int_eq(ntp_kiss(p.refid), KOD_DENY);
	ck_assert_int_eq(ntp_check(b, 48, SENT ^ 1, &p), NTP_ORIGIN);
}
END_TEST

START_TEST(kiss_codes)
{
	ck_assert_int_eq(ntp_kiss(0x52415445), KOD_RATE);
	ck_assert_int_eq(ntp_kiss(0x44454e59), KOD_DENY);
	ck_assert_int_eq(ntp_kiss(0x52535452), KOD_RSTR);
	ck_assert_int_eq(ntp_kiss(0x494e4954), KOD_OTHER);      /* INIT */
	ck_assert_int_eq(kod_action(KOD_RATE), KOD_ACT_BACKOFF);
	ck_assert_int_eq(kod_action(KOD_DENY), KOD_ACT_STOP);
	ck_assert_int_eq(kod_action(KOD_RSTR), KOD_ACT_STOP);
	ck_assert_int_eq(kod_action(KOD_OTHER), KOD_ACT_IGNORE);
}
END_TEST

START_TEST(exit_codes)
{
	struct server s[3];

	memset(s, 0, sizeof s);
	s[0].used = s[1].used = s[2].used = 1;
	s[0].fail = s[1].fail = FAIL_DENY;
	s[2].fail = FAIL_RSTR;
	ck_assert_int_eq(query_exit_code(s, 3), EX_NOPERM);
	s[2].fail = FAIL_TIMEOUT;
	ck_assert_int_eq(query_exit_code(s, 3), EX_UNAVAILABLE);
	s[1].fail = FAIL_RATE;
	ck_assert_int_eq(query_exit_code(s, 3), EX_TEMPFAIL);
	s[0].fail = FAIL_GARBAGE;
	ck_assert_int_eq(query_exit_code(s, 3), EX_PROTOCOL);
	s[0].fail = s[1].fail = FAIL_NET;
	ck_assert_int_eq(query_exit_code(s, 3), EX_UNAVAILABLE);
}
END_TEST

Suite *sntp_accept_suite(void)
{
	Suite *s = suite_create("sntp_accept");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, accept_rule, 0, (int)(sizeof rules / sizeof *rules));
	tcase_add_test(tc, accept_xmt_zero);
	tcase_add_test(tc, accept_rec_zero);
	tcase_add_loop_test(tc, reply_times, 0, (int)(sizeof times / sizeof *times));
	tcase_add_test(tc, reply_slack);
	tcase_add_test(tc, accept_wrong_request);
	tcase_add_test(tc, accept_kod_needs_origin);
	tcase_add_test(tc, kiss_codes);
	tcase_add_test(tc, exit_codes);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- policy: poll, selection, clock -------------------------------------- */
START_TEST(poll_backoff)
{
	ck_assert_uint_eq(poll_update(64, 64, 1024, POLL_STABLE), 128);
	ck_assert_uint_eq(poll_update(1024, 64, 1024, POLL_STABLE), 1024);
	ck_assert_uint_eq(poll_update(700, 64, 1024, POLL_STABLE), 1024);
	ck_assert_uint_eq(poll_update(512, 64, 1024, POLL_UNSTABLE), 64);
	ck_assert_uint_eq(poll_update(256, 64, 1024, POLL_KEEP), 256);
	ck_assert_uint_eq(poll_update(1024, 64, 1024, POLL_RATE), 2048);  /* server asked */
	ck_assert_uint_eq(poll_update(POLL_LIMIT, 64, 1024, POLL_RATE), POLL_LIMIT);
	ck_assert_uint_eq(poll_update(10, 64, 1024, POLL_KEEP), 64);
	ck_assert_int_eq(poll_event_for(ntp_fix_from_ms(10), ntp_fix_from_ms(128)), POLL_STABLE);
	ck_assert_int_eq(poll_event_for(ntp_fix_from_ms(-40), ntp_fix_from_ms(128)), POLL_KEEP);
	ck_assert_int_eq(poll_event_for(ntp_fix_from_ms(-64), ntp_fix_from_ms(128)), POLL_UNSTABLE);
	ck_assert_int_eq(poll_event_for(ntp_fix_from_ms(5000), ntp_fix_from_ms(128)), POLL_UNSTABLE);
}
END_TEST

START_TEST(poll_jitter_bounds)
{
	uint32_t r;
	int64_t lo = 64000 - 8000, hi = 64000 + 8000, min = hi, max = lo;
	int i;

	ck_assert_int_eq(poll_jitter_ms(64, 0), lo);
	ck_assert_int_lt(poll_jitter_ms(64, 0xffffffffu), hi);
	ck_assert_int_eq(poll_first_ms(64, 0), 0);
	ck_assert_int_lt(poll_first_ms(64, 0xffffffffu), 4000);
	ck_assert_int_eq(poll_first_ms(0, 12345), 0);
	for (i = 0, r = 1; i < 2000; i++) {
		int64_t j;
		r = r * 1103515245u + 12345u;
		j = poll_jitter_ms(64, r);
		ck_assert(j >= lo && j < hi);
		min = j < min ? j : min;
		max = j > max ? j : max;
		ck_assert(poll_first_ms(64, r) < 4000);
	}
	/* the jitter really spreads: a fleet does not poll in one second */
	ck_assert_int_lt(min, lo + 2000);
	ck_assert_int_gt(max, hi - 2000);
}
END_TEST

static struct ntp_time fake_now, fake_set;
static int64_t fake_slew;
static int fake_calls, fake_errno;

static int f_now(struct ntp_time *t) { *t = fake_now; return 0; }
static int f_fail(void) { fake_calls++; if (fake_errno) { errno = fake_errno; return -1; } return 0; }
static int f_step(const struct ntp_time *t) { fake_set = *t; return f_fail(); }
static int f_slew(int64_t us) { fake_slew = us; return f_fail(); }
static const struct clock_ops fake = { f_now, f_step, f_slew };

START_TEST(clock_decisions)
{
	struct clock_policy p = { CLK_QUERY, 0, 0 };

	p.step_thr = ntp_fix_from_ms(128);
	ck_assert_int_eq(clock_decide(&p, ntp_fix_from_ms(5000)), ACT_NONE);
	p.mode = CLK_STEP;
	ck_assert_int_eq(clock_decide(&p, ntp_fix_from_ms(1)), ACT_STEP);
	p.mode = CLK_ADJUST;
	ck_assert_int_eq(clock_decide(&p, ntp_fix_from_ms(127)), ACT_SLEW);
	ck_assert_int_eq(clock_decide(&p, ntp_fix_from_ms(-127)), ACT_SLEW);
	ck_assert_int_eq(clock_decide(&p, ntp_fix_from_ms(128)), ACT_STEP);
	ck_assert_int_eq(clock_decide(&p, ntp_fix_from_ms(-128)), ACT_STEP);
	/* one-shot: any size (a router at 1970) unless --panic */
	ck_assert_int_eq(clock_decide(&p, -FIX(1795740000LL, 0)), ACT_STEP);
	ck_assert_int_eq(clock_decide(&p, ntp_fix_sat(-1, NTP_ERA)), ACT_STEP);
	ck_assert_int_eq(clock_decide(&p, ntp_fix_sat(1, -NTP_ERA)), ACT_STEP);
	p.panic = ntp_fix_from_ms(1000000);
	ck_assert_int_eq(clock_decide(&p, ntp_fix_sat(-1, NTP_ERA)), ACT_PANIC);
	ck_assert_int_eq(clock_decide(&p, -FIX(1000, 0)), ACT_PANIC);
	ck_assert_int_eq(clock_decide(&p, FIX(999, 0)), ACT_STEP);
	p.mode = CLK_STEP;
	ck_assert_int_eq(clock_decide(&p, FIX(5000, 0)), ACT_PANIC);
}
END_TEST

START_TEST(clock_setter)
{
	struct wb_err e;

	fake_now.sec = 86400;           /* a router that thinks it is 1970-01-02 */
	fake_now.nsec = 900000000;
	fake_calls = fake_errno = 0;
	ck_assert_int_eq(clock_apply(&fake, ACT_STEP, FIX(1795653600LL, 0x40000000u), 0, &e), 0);
	ck_assert_int_eq(fake_set.sec, 1795740001LL);
	ck_assert_uint_eq(fake_set.nsec, 150000000);
	/* the same router in 2040: 70 years, past the 32.32 range */
	ck_assert_int_eq(clock_apply(&fake, ACT_STEP, FIX(2208902400LL - NTP_ERA, 0x40000000u),
	                             NTP_ERA, &e), 0);
	ck_assert_int_eq(fake_set.sec, 2208988801LL);
	ck_assert_uint_eq(fake_set.nsec, 150000000);
	ck_assert_int_eq(clock_apply(&fake, ACT_SLEW, -ntp_fix_from_ms(50), 0, &e), 0);
	ck_assert_int_eq(fake_slew, -50000);
	ck_assert_int_eq(clock_apply(&fake, ACT_NONE, FIX(5, 0), 0, &e), 0);
	ck_assert_int_eq(fake_calls, 3);
	ck_assert_int_eq(clock_apply(&fake, ACT_PANIC, FIX(5000, 0), 0, &e), -1);
	ck_assert_int_eq(e.code, EX_PROTOCOL);
	ck_assert_int_eq(fake_calls, 3);        /* a refused correction never calls the setter */
	fake_errno = EPERM;
	ck_assert_int_eq(clock_apply(&fake, ACT_STEP, FIX(1, 0), 0, &e), -1);
	ck_assert_int_eq(e.code, EX_NOPERM);
	ck_assert_str_eq(e.msg, "cannot step the clock: Operation not permitted"
	                 " (needs root or CAP_SYS_TIME)");
	ck_assert_int_eq(clock_apply(&fake, ACT_SLEW, FIX(0, 1000), 0, &e), -1);
	ck_assert_int_eq(e.code, EX_NOPERM);
	ck_assert_str_eq(e.msg, "cannot slew the clock: Operation not permitted"
	                 " (needs root or CAP_SYS_TIME)");
	fake_errno = EACCES;
	ck_assert_int_eq(clock_apply(&fake, ACT_STEP, FIX(1, 0), 0, &e), -1);
	ck_assert_int_eq(e.code, EX_NOPERM);
	ck_assert_ptr_nonnull(strstr(e.msg, "(needs root or CAP_SYS_TIME)"));
	fake_errno = EINVAL;
	ck_assert_int_eq(clock_apply(&fake, ACT_SLEW, FIX(0, 1000), 0, &e), -1);
	ck_assert_int_eq(e.code, EX_OSERR);
	ck_assert_str_eq(e.msg, "cannot slew the clock: Invalid argument");
}
END_TEST

Suite *sntp_policy_suite(void)
{
	Suite *s = suite_create("sntp_policy");
	TCase *tc = tcase_create("policy");

	tcase_add_test(tc, poll_backoff);
	tcase_add_test(tc, poll_jitter_bounds);
	tcase_add_test(tc, clock_decisions);
	tcase_add_test(tc, clock_setter);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- output formats ------------------------------------------------------- */
static void sample_server(struct server *s, const char *name)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&s->sa;

	memset(s, 0, sizeof *s);
	s->name = name;
	in->sin_family = AF_INET;
	in->sin_port = htons(123);
	in->sin_addr.s_addr = htonl(0xc0000201);        /* 192.0.2.1 */
	s->salen = sizeof *in;
	snprintf(s->addr, sizeof s->addr, "192.0.2.1:123");
	s->state = SRV_DONE;
	s->used = s->usable = s->have = 1;
	s->reach = 3;
	s->poll = 64;
	s->last_ok = 1000;
	s->best.pkt.stratum = 2;
	s->best.pkt.refid = 0xc0a80101;
	s->best.pkt.rootdisp = 0x00008000;      /* 0.5 s */
	s->best.offset = -ntp_fix_from_ms(1234) - 4295 * 567;   /* -1.234567 s */
	s->best.delay = 4295 * 89;              /* 0.000089 s */
	s->best.t4.sec = 1795741201;            /* 2026-11-27 01:00:01.5 */
	s->best.t4.nsec = 500000000;
}

static char *capture(void (*fn)(FILE *, const struct server *), const struct server *s,
                     char *buf, size_t max)
{
	FILE *f = fmemopen(buf, max, "w");

	ck_assert_ptr_nonnull(f);
	fn(f, s);
	fclose(f);
	return buf;
}

START_TEST(format_line)
{
	struct server s;
	char b[512];

	sample_server(&s, "ntp.example");
	ck_assert_str_eq(capture(out_line, &s, b, sizeof b),
	        "ntp.example (192.0.2.1:123) stratum 2 offset -1.234567 delay 0.000089"
	        " time 2026-11-27 01:00:00.265432 UTC\n");
}
END_TEST

START_TEST(format_eval)
{
	struct server s;
	char b[512];

	sample_server(&s, "it's");
	ck_assert_str_eq(capture(out_eval, &s, b, sizeof b),
	        "SNTP_SERVER='it'\\''s'\n"
	        "SNTP_ADDRESS='192.0.2.1'\n"
	        "SNTP_STRATUM=2\n"
	        "SNTP_REFID='192.168.1.1'\n"
	        "SNTP_LEAP=0\n"
	        "SNTP_OFFSET=-1.234567\n"
	        "SNTP_DELAY=0.000089\n"
	        "SNTP_DISPERSION=0.500000\n"
	        "SNTP_TIME=1795741200.265432\n");
}
END_TEST

/* every row starts with the tally and '~'; the legend follows the table */
START_TEST(format_table)
{
	static const enum sel_why why[] = { SEL_SYS, SEL_CAND, SEL_OUTLIER, SEL_FALSE, SEL_BACKUP };
	struct server s[6];
	char b[2048];
	FILE *f = fmemopen(b, sizeof b, "w");
	size_t i;

	for (i = 0; i < 6; i++) {
		sample_server(&s[i], "a");
		s[i].addr[12] = (char)('1' + i);        /* 192.0.2.1:12N */
		s[i].why = i < 5 ? why[i] : SEL_NONE;
	}
	s[5].have = s[5].usable = 0;
	s[5].state = SRV_FAIL;
	s[5].fail = FAIL_DENY;
	s[5].reach = 0;
	out_table(f, s, 6, 3500);
	fclose(f);
	ck_assert_str_eq(b,
	        "  address                ref clock       st  when  poll reach    delay   offset     disp\n"
	        "*~192.0.2.1:121          192.168.1.1      2     2    64     3    0.089 -1234.567  500.000\n"
	        "+~192.0.2.1:122          192.168.1.1      2     2    64     3    0.089 -1234.567  500.000\n"
	        "-~192.0.2.1:123          192.168.1.1      2     2    64     3    0.089 -1234.567  500.000\n"
	        "x~192.0.2.1:124          192.168.1.1      2     2    64     3    0.089 -1234.567  500.000\n"
	        "#~192.0.2.1:125          192.168.1.1      2     2    64     3    0.089 -1234.567  500.000\n"
	        " ~192.0.2.1:126          .DENY.          16     -    64     0        -        -        -\n"
	        " * sys.peer, # selected, + candidate, - outlyer, x falseticker, ~ configured\n");
}
END_TEST

/* a server with a usable reply but no vote (too far) gets no mark, nor does
 * an unused slot get a row */
START_TEST(format_table_no_mark)
{
	struct server s[3];
	char b[1024];
	FILE *f = fmemopen(b, sizeof b, "w");

	sample_server(&s[0], "a");
	s[0].why = SEL_FAR;
	memset(&s[1], 0, sizeof s[1]);
	sample_server(&s[2], "a");
	s[2].why = SEL_NOMAJ;
	out_table(f, s, 3, 3500);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(b, "\n ~192.0.2.1:123 "));
	ck_assert_ptr_nonnull(strstr(b, "\nx~192.0.2.1:123 "));
	ck_assert_int_eq(strchr(strchr(strchr(strchr(b, '\n') + 1, '\n') + 1, '\n') + 1, '\n')[1], 0);
}
END_TEST

/* -e's selection lines, after the server's */
START_TEST(format_eval_sel)
{
	struct sel_out so;
	char b[128];
	FILE *f = fmemopen(b, sizeof b, "w");

	memset(&so, 0, sizeof so);
	so.sys = 1;
	so.nusable = 3;
	so.ntrue = 2;
	so.nkept = 2;
	out_eval_sel(f, &so);
	fclose(f);
	ck_assert_str_eq(b, "SNTP_SERVERS=3\nSNTP_CANDIDATES=2\n");
}
END_TEST

/* -v's reason per server; a falseticker's names the majority's interval */
START_TEST(format_why)
{
	struct server s;
	struct sel_out so;
	char b[256];

	memset(&so, 0, sizeof so);
	so.ntrue = 2;
	so.low = -ntp_fix_from_ms(10);
	so.high = ntp_fix_from_ms(12);
	sample_server(&s, "a");
	s.dist = ntp_fix_from_ms(500);
	s.why = SEL_SYS;
	out_why(b, sizeof b, &s, &so);
	ck_assert_str_eq(b, "192.0.2.1:123: system peer: offset -1.234567 s, root distance 0.500000 s");
	s.why = SEL_FALSE;
	s.best.offset = ntp_fix_from_ms(12) + 4295 * 12;      /* and 1000 s in eras */
	s.best.era = 1000;
	out_why(b, sizeof b, &s, &so);
	ck_assert_str_eq(b, "192.0.2.1:123: falseticker: offset +1000.012012 s, root distance"
	                 " 0.500000 s, outside the majority's -0.010 .. +0.012");
	out_why(b, 40, &s, &so);        /* cut, terminated */
	ck_assert_uint_eq(strlen(b), 39);
}
END_TEST

/* the one line of no majority: the servers that voted and their offsets */
START_TEST(format_nomaj)
{
	struct server s[4];
	char b[512];
	size_t i;

	for (i = 0; i < 4; i++)
		sample_server(&s[i], "a");
	snprintf(s[0].addr, sizeof s[0].addr, "127.0.0.1:123");
	s[0].best.offset = 4295 * 12;           /* +0.000012 */
	s[0].best.era = 1000;
	s[0].why = SEL_NOMAJ;
	s[1].why = SEL_NONE;                    /* no reply: not named */
	s[1].usable = 0;
	s[2].why = SEL_FAR;                     /* too far: no vote */
	snprintf(s[3].addr, sizeof s[3].addr, "127.0.0.2:123");
	s[3].best.offset = -4295 * 34;
	s[3].why = SEL_NOMAJ;
	out_nomaj(b, sizeof b, s, 4);
	ck_assert_str_eq(b, "no majority among 2 servers: 127.0.0.1:123 +1000.000012 s,"
	                 " 127.0.0.2:123 -0.000034 s: clock left alone");
	/* too long for the buffer: cut at a server, said with "...", the end kept */
	out_nomaj(b, 90, s, 4);
	ck_assert_str_eq(b, "no majority among 2 servers: 127.0.0.1:123 +1000.000012 s, ...: clock left alone");
	out_nomaj(b, 60, s, 4);
	ck_assert_str_eq(b, "no majority among 2 servers, ...: clock left alone");
	out_nomaj(b, 10, s, 4);
	ck_assert_uint_lt(strlen(b), 10);
}
END_TEST

/* out_utc by hand against gmtime_r, across 1900, 1970, leap days, 2036,
 * 2038, 2100 (no leap day) and 2104 */
START_TEST(format_utc)
{
	static const int64_t when[] = { -2208988800LL, -61505152LL, -86401, -1, 0, 59,
		951782400LL, 951868799LL, 1795741201LL, 2085978496LL, 2147483648LL,
		4107542399LL, 4107542400LL, 4233000000LL, 253402300799LL };
	char got[48], want[48];
	size_t i;

	for (i = 0; i < sizeof when / sizeof *when; i++) {
		struct ntp_time t = { when[i], 123456789 };
		time_t tt = (time_t)when[i];
		struct tm tm;
		ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
		snprintf(want, sizeof want, "%04d-%02d-%02d %02d:%02d:%02d.123456", tm.tm_year + 1900,
		         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		out_utc(&t, got, sizeof got);
		ck_assert_str_eq(got, want);
	}
	for (i = 0; i < 200000; i++) {  /* every day from 1750 to 2297 */
		struct ntp_time t = { (int64_t)i * 86400 - 6942000000LL + (int64_t)i % 86400, 0 };
		time_t tt = (time_t)t.sec;
		struct tm tm;
		gmtime_r(&tt, &tm);
		snprintf(want, sizeof want, "%04d-%02d-%02d %02d:%02d:%02d.000000", tm.tm_year + 1900,
		         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		out_utc(&t, got, sizeof got);
		ck_assert_str_eq(got, want);
	}
}
END_TEST

/* --help lists an optional option only when it is built in */
START_TEST(help_matches_build)
{
	ck_assert_int_eq(strstr(sntpc_help, "\n  -d ") != NULL, CFG_SNTPC_DAEMON);
	ck_assert_int_eq(strstr(sntpc_help, "\n  -x PROG") != NULL, CFG_SNTPC_DAEMON);
	ck_assert_int_eq(strstr(sntpc_help, "\n  -e ") != NULL, CFG_SNTPC_EVAL);
	ck_assert_int_eq(strstr(sntpc_help, "\n  -l ") != NULL, CFG_SNTPC_TABLE);
	ck_assert_int_eq(strstr(sntpc_help, "\n  -v ") != NULL, CFG_VERBOSE);
	ck_assert_ptr_nonnull(strstr(sntpc_help, "\n  -s "));
	ck_assert_ptr_nonnull(strstr(sntpc_help, "\nExit: "));
}
END_TEST

START_TEST(format_packet)
{
	struct ntp_pkt p;
	char b[512];
	FILE *f = fmemopen(b, sizeof b, "w");

	ntp_decode(reply_vec, sizeof reply_vec, &p);
	out_packet(f, "S:", "192.0.2.1:123", &p);
	fclose(f);
	ck_assert_str_eq(b, "S: 192.0.2.1:123 LI 0 VN 4 mode 4 stratum 2 poll 3 precision -25"
	        " rootdelay 0.003906 rootdisp 0.007813 refid 192.168.1.1 ref eb000000.11223344"
	        " org 01234567.89abcdef rec eb000010.80000000 xmt eb000010.80001000\n");
}
END_TEST

Suite *sntp_output_suite(void)
{
	Suite *s = suite_create("sntp_output");
	TCase *tc = tcase_create("output");

	tcase_add_test(tc, format_line);
	tcase_add_test(tc, format_utc);
	tcase_add_test(tc, help_matches_build);
	tcase_add_test(tc, format_eval);
	tcase_add_test(tc, format_table);
	tcase_add_test(tc, format_table_no_mark);
	tcase_add_test(tc, format_eval_sel);
	tcase_add_test(tc, format_why);
	tcase_add_test(tc, format_nomaj);
	tcase_add_test(tc, format_packet);
	suite_add_tcase(s, tc);
	return s;
}
