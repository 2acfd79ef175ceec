/* test_sntp_serve.c - the LAN time server (applets/sntpc/serve.h): every
 * field of a reply against a hand-made state, what gets no answer, the
 * kiss-o'-death, the rate limiter (burst, KoD, drops, other clients, a
 * spoofed flood, aging), a real request over loopback; and the sync status
 * file (applets/sntpc/status.h): format, strict read, atomic write, the
 * --wait-sync loop. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "applets/sntpc/serve.h"
#include "applets/sntpc/select.h"
#include "applets/sntpc/status.h"
#include "util.h"

Suite *sntp_serve_suite(void);

#define MS(x) ((ntp_fix)(x) * NTP_FIX_ONE / 1000)
#define T0 ((uint64_t)0xed000000u << 32)       /* a reference time in 2026 */
#define XMT 0x0123456789abcdefULL

static void request(uint8_t *b, size_t len, unsigned vn, unsigned mode, int poll)
{
	memset(b, 0, len);
	ntp_request(b, XMT);
	b[0] = (uint8_t)(vn << 3 | mode);
	b[2] = (uint8_t)poll;
}

/* synchronised to 192.0.2.1 at stratum 2; delay 1/16 s, disp 1/1024 s,
 * jitter 1/256 s (exact in 16.16) */
static struct serve_state synced_state(void)
{
	struct serve_state st;

	memset(&st, 0, sizeof st);
	st.synced = 1;
	st.leap = 0;
	st.stratum = 2;
	st.refid = 0xc0000201u;
	st.reftime = T0;
	st.rootdelay = 0x800;           /* 1/32 s */
	st.rootdisp = 0x400;            /* 1/64 s */
	st.delay = (ntp_fix)1 << 28;    /* 1/16 s = 0x1000 in 16.16 */
	st.disp = (ntp_fix)1 << 26;     /* 0x400 */
	st.jitter = (ntp_fix)1 << 24;   /* 0x100 */
	return st;
}

START_TEST(reply_every_field)
{
	uint8_t req[NTP_PKT_LEN], out[NTP_PKT_LEN];
	struct serve_state st = synced_state();
	uint64_t t2 = T0 + ((uint64_t)100 << 32), t3 = t2 + 0x10000;
	struct ntp_pkt p;

	request(req, sizeof req, 4, 3, 6);
	ck_assert_uint_eq(serve_reply(req, sizeof req, &st, t2, t3, out), NTP_PKT_LEN);
	ck_assert_int_eq(ntp_decode(out, sizeof out, &p), 0);
	ck_assert_uint_eq(p.leap, 0);
	ck_assert_uint_eq(p.version, 4);
	ck_assert_uint_eq(p.mode, 4);
	ck_assert_uint_eq(p.stratum, 3);
	ck_assert_int_eq(p.poll, 6);
	ck_assert_int_eq(p.precision, -20);
	ck_assert_uint_eq(p.rootdelay, 0x800 + 0x1000);
	/* 0x400 + 0x400 + 0x100 + PHI * 100 s (6442400 / 65536 = 98.3, up: 99) */
	ck_assert_uint_eq(p.rootdisp, 0x400 + 0x400 + 0x100 + 99);
	ck_assert_uint_eq(p.refid, 0xc0000201u);
	ck_assert_uint_eq(p.ref, T0);
	ck_assert_uint_eq(p.org, XMT);
	ck_assert_uint_eq(p.rec, t2);
	ck_assert_uint_eq(p.xmt, t3);
	/* and a client takes it */
	ck_assert_int_eq(ntp_check(out, sizeof out, XMT, &p), NTP_OK);
}
END_TEST

START_TEST(reply_dispersion_saturates)
{
	uint8_t req[NTP_PKT_LEN], out[NTP_PKT_LEN];
	struct serve_state st = synced_state();
	struct ntp_pkt p;

	st.rootdisp = st.rootdelay = 0xffffffffu;
	st.disp = st.jitter = st.delay = INT64_MAX;
	request(req, sizeof req, 4, 3, 6);
	ck_assert_uint_eq(serve_reply(req, sizeof req, &st, T0 - 5, T0 + ((uint64_t)1 << 62), out),
	                  NTP_PKT_LEN);
	ntp_decode(out, sizeof out, &p);
	ck_assert_uint_eq(p.rootdisp, 0xffffffffu);
	ck_assert_uint_eq(p.rootdelay, 0xffffffffu);
	/* negative parts count as 0; t3 before the update adds no PHI term */
	st = synced_state();
	st.delay = st.disp = st.jitter = -NTP_FIX_ONE;
	serve_reply(req, sizeof req, &st, T0, T0 - NTP_FIX_ONE, out);
	ntp_decode(out, sizeof out, &p);
	ck_assert_uint_eq(p.rootdelay, 0x800);
	ck_assert_uint_eq(p.rootdisp, 0x400);
}
END_TEST

START_TEST(reply_only_client_mode)
{
	uint8_t req[NTP_PKT_LEN], out[NTP_PKT_LEN];
	struct serve_state st = synced_state();
	unsigned mode;

	for (mode = 0; mode < 8; mode++) {
		request(req, sizeof req, 4, mode, 6);
		memset(out, 0xaa, sizeof out);
		ck_assert_uint_eq(serve_reply(req, sizeof req, &st, T0, T0, out), mode == 3 ? NTP_PKT_LEN : 0);
		ck_assert_uint_eq(serve_kod(req, sizeof req, "RATE", out), mode == 3 ? NTP_PKT_LEN : 0);
		ck_assert_int_eq(serve_request_ok(req, sizeof req), mode == 3);
	}
}
END_TEST

START_TEST(reply_versions)
{
	uint8_t req[NTP_PKT_LEN], out[NTP_PKT_LEN];
	struct serve_state st = synced_state();
	unsigned vn;

	for (vn = 0; vn < 8; vn++) {
		int ok = vn >= 1 && vn <= 4;

		request(req, sizeof req, vn, 3, 6);
		ck_assert_uint_eq(serve_reply(req, sizeof req, &st, T0, T0, out), ok ? NTP_PKT_LEN : 0);
		if (ok)
			ck_assert_uint_eq(out[0] >> 3 & 7, vn);
	}
}
END_TEST

START_TEST(reply_short_and_extensions)
{
	uint8_t req[200], out[NTP_PKT_LEN], out48[NTP_PKT_LEN];
	struct serve_state st = synced_state();
	size_t i;

	request(req, sizeof req, 4, 3, 6);
	ck_assert_uint_eq(serve_reply(req, 47, &st, T0, T0, out), 0);
	ck_assert_uint_eq(serve_reply(req, 0, &st, T0, T0, out), 0);
	ck_assert_uint_eq(serve_reply(NULL, 48, &st, T0, T0, out), 0);
	ck_assert_uint_eq(serve_kod(req, 47, "RATE", out), 0);
	/* extension fields and a MAC after the header: ignored, never echoed */
	for (i = NTP_PKT_LEN; i < sizeof req; i++)
		req[i] = (uint8_t)(i * 7);
	ck_assert_uint_eq(serve_reply(req, NTP_PKT_LEN, &st, T0, T0, out48), NTP_PKT_LEN);
	ck_assert_uint_eq(serve_reply(req, sizeof req, &st, T0, T0, out), NTP_PKT_LEN);
	ck_assert_mem_eq(out, out48, NTP_PKT_LEN);
}
END_TEST

START_TEST(reply_poll_clamped)
{
	static const int in[] = { -128, -3, 0, 3, 4, 10, 17, 18, 127 };
	static const int want[] = { 4, 4, 4, 4, 4, 10, 17, 17, 17 };
	uint8_t req[NTP_PKT_LEN], out[NTP_PKT_LEN];
	struct serve_state st = synced_state();
	size_t i;

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		request(req, sizeof req, 4, 3, in[i]);
		serve_reply(req, sizeof req, &st, T0, T0, out);
		ck_assert_int_eq((int8_t)out[2], want[i]);
	}
}
END_TEST

static void assert_unsynced(const struct serve_state *st)
{
	uint8_t req[NTP_PKT_LEN], out[NTP_PKT_LEN];
	struct ntp_pkt p;

	request(req, sizeof req, 3, 3, 6);
	ck_assert_uint_eq(serve_reply(req, sizeof req, st, T0, T0 + 1, out), NTP_PKT_LEN);
	ntp_decode(out, sizeof out, &p);
	ck_assert_uint_eq(p.leap, 3);
	ck_assert_uint_eq(p.stratum, 16);
	ck_assert_uint_eq(p.version, 3);
	ck_assert_uint_eq(p.refid, 0);
	ck_assert_uint_eq(p.ref, 0);
	ck_assert_uint_eq(p.rootdelay, 0);
	ck_assert_uint_eq(p.rootdisp, NTP_SANE_ROOT);
	ck_assert_uint_eq(p.org, XMT);
	ck_assert_uint_eq(p.rec, T0);
	ck_assert_uint_eq(p.xmt, T0 + 1);
	ck_assert_int_eq(ntp_check(out, sizeof out, XMT, &p), NTP_LEAP);
}

START_TEST(reply_unsynchronised)
{
	struct serve_state st;

	memset(&st, 0, sizeof st);
	assert_unsynced(&st);
	assert_unsynced(NULL);
	st = synced_state();
	st.synced = 0;
	assert_unsynced(&st);           /* the rest of a state does not count */
	st = synced_state();
	st.stratum = 15;                /* we would be 16 */
	assert_unsynced(&st);
	st.stratum = 0;                 /* a peer's KoD stratum is no stratum */
	assert_unsynced(&st);
	st = synced_state();
	st.leap = 3;
	assert_unsynced(&st);
}
END_TEST

START_TEST(refid_of_addresses)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	struct sockaddr sx;

	memset(&s4, 0, sizeof s4);
	s4.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &s4.sin_addr);
	ck_assert_uint_eq(serve_refid((struct sockaddr *)&s4), 0xc0000201u);
	memset(&s6, 0, sizeof s6);
	s6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", &s6.sin6_addr);
	/* md5(2001:db8::1's 16 bytes) starts 39ab9b37 (python3 hashlib) */
	ck_assert_uint_eq(serve_refid((struct sockaddr *)&s6), 0x39ab9b37u);
	inet_pton(AF_INET6, "::ffff:192.0.2.1", &s6.sin6_addr);
	ck_assert_uint_eq(serve_refid((struct sockaddr *)&s6), 0xc0000201u);
	memset(&sx, 0, sizeof sx);
	sx.sa_family = AF_UNIX;
	ck_assert_uint_eq(serve_refid(&sx), 0);
}
END_TEST

START_TEST(kod_fields)
{
	uint8_t req[NTP_PKT_LEN + 20], out[NTP_PKT_LEN];
	struct ntp_pkt p;

	request(req, sizeof req, 4, 3, 9);
	ck_assert_uint_eq(serve_kod(req, sizeof req, "RATE", out), NTP_PKT_LEN);
	ntp_decode(out, sizeof out, &p);
	ck_assert_uint_eq(p.leap, 3);
	ck_assert_uint_eq(p.version, 4);
	ck_assert_uint_eq(p.mode, 4);
	ck_assert_uint_eq(p.stratum, 0);
	ck_assert_int_eq(p.poll, 9);
	ck_assert_uint_eq(p.refid, 0x52415445u);
	ck_assert_uint_eq(p.rootdelay, 0);
	ck_assert_uint_eq(p.rootdisp, 0);
	ck_assert_uint_eq(p.org, XMT);
	ck_assert_uint_eq(p.rec, XMT);
	ck_assert_uint_eq(p.xmt, XMT);
	ck_assert_uint_eq(p.ref, XMT);
	/* a client takes it as a RATE kiss */
	ck_assert_int_eq(ntp_check(out, sizeof out, XMT, &p), NTP_KOD);
	ck_assert_int_eq(ntp_kiss(p.refid), KOD_RATE);
}
END_TEST

/* ---- rate limiter ---- */

static struct ratelimit rl;

static struct sockaddr_in v4(uint32_t a)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof s);
	s.sin_family = AF_INET;
	s.sin_addr.s_addr = htonl(a);
	s.sin_port = htons(123);
	return s;
}

static struct sockaddr_in6 v6(const char *a)
{
	struct sockaddr_in6 s;

	memset(&s, 0, sizeof s);
	s.sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, a, &s.sin6_addr), 1);
	return s;
}

#define RL(sa, now) rl_check(&rl, (const struct sockaddr *)&(sa), (now))

START_TEST(rl_burst_kod_drop)
{
	struct sockaddr_in a = v4(0xc0a80102), b = v4(0xc0a80103);
	int i;

	rl_init(&rl, 1);
	for (i = 0; i < RL_BURST; i++)
		ck_assert_int_eq(RL(a, 1000), RL_OK);
	ck_assert_int_eq(RL(a, 1000), RL_KOD);
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(RL(a, 1000 + i), RL_DROP);
	/* another client is not affected */
	for (i = 0; i < RL_BURST; i++)
		ck_assert_int_eq(RL(b, 1001), RL_OK);
	/* one interval later: one more answer, then silence (KoD was recent) */
	ck_assert_int_eq(RL(a, 1000 + RL_INTERVAL_MS), RL_OK);
	ck_assert_int_eq(RL(a, 1000 + RL_INTERVAL_MS), RL_DROP);
	/* 4 intervals later a budget of 3 answers, then silence: the KoD was recent */
	for (i = 0; RL(a, 1000 + RL_KOD_MS - 1) == RL_OK; i++)
		ck_assert_int_lt(i, 10);
	ck_assert_int_eq(i, 3);
	ck_assert_int_eq(RL(a, 1000 + RL_KOD_MS - 1), RL_DROP);
	/* a KoD again RL_KOD_MS after the last one: 25000 - 13000 leaves 2 */
	ck_assert_int_eq(RL(a, 1000 + RL_KOD_MS + RL_INTERVAL_MS), RL_OK);
	ck_assert_int_eq(RL(a, 1000 + RL_KOD_MS + RL_INTERVAL_MS), RL_OK);
	ck_assert_int_eq(RL(a, 1000 + RL_KOD_MS + RL_INTERVAL_MS), RL_KOD);
	ck_assert_int_eq(RL(a, 1000 + RL_KOD_MS + RL_INTERVAL_MS), RL_DROP);
}
END_TEST

START_TEST(rl_steady_rates)
{
	struct sockaddr_in a = v4(0x0a000001), b = v4(0x0a000002);
	int i, ok = 0;

	rl_init(&rl, 2);
	/* one every 2 s: always answered */
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(RL(a, (int64_t)i * RL_INTERVAL_MS), RL_OK);
	/* one every 0.5 s for 1000 s: the burst plus one per 2 s */
	for (i = 0; i < 2000; i++)
		ok += RL(b, (int64_t)i * 500) == RL_OK;
	ck_assert_int_ge(ok, 500);
	ck_assert_int_le(ok, 500 + RL_BURST);
}
END_TEST

START_TEST(rl_aging)
{
	struct sockaddr_in a = v4(0x0a000003);
	int i;

	rl_init(&rl, 3);
	for (i = 0; i < RL_BURST; i++)
		ck_assert_int_eq(RL(a, 0), RL_OK);
	ck_assert_int_eq(RL(a, 0), RL_KOD);
	/* after RL_BURST intervals of quiet: a whole burst again */
	for (i = 0; i < RL_BURST; i++)
		ck_assert_int_eq(RL(a, (int64_t)RL_BURST * RL_INTERVAL_MS), RL_OK);
	ck_assert_int_eq(RL(a, (int64_t)RL_BURST * RL_INTERVAL_MS), RL_KOD);
}
END_TEST

START_TEST(rl_ipv6_by_prefix)
{
	struct sockaddr_in6 a = v6("2001:db8:1:2::1"), b = v6("2001:db8:1:2:ffff::9");
	struct sockaddr_in6 c = v6("2001:db8:1:3::1"), m = v6("::ffff:10.0.0.9");
	struct sockaddr_in d = v4(0x0a000009);
	struct sockaddr sx;
	int i;

	rl_init(&rl, 4);
	for (i = 0; i < RL_BURST / 2; i++) {
		ck_assert_int_eq(RL(a, 0), RL_OK);
		ck_assert_int_eq(RL(b, 0), RL_OK);
	}
	ck_assert_int_eq(RL(b, 0), RL_KOD);     /* the same /64: one budget */
	ck_assert_int_eq(RL(c, 0), RL_OK);      /* the next /64: its own */
	/* a v4-mapped address is its IPv4 address */
	for (i = 0; i < RL_BURST; i++)
		ck_assert_int_eq(rl_check(&rl, i % 2 ? (const struct sockaddr *)&m :
		                          (const struct sockaddr *)&d, 0), RL_OK);
	ck_assert_int_eq(RL(d, 0), RL_KOD);
	memset(&sx, 0, sizeof sx);
	sx.sa_family = AF_UNIX;
	ck_assert_int_eq(rl_check(&rl, &sx, 0), RL_DROP);
}
END_TEST

static int rl_used(void)
{
	int i, n = 0;

	for (i = 0; i < RL_SIZE; i++)
		n += rl.e[i].used;
	return n;
}

START_TEST(rl_spoofed_flood)
{
	struct sockaddr_in known = v4(0xc0a80001), s;
	uint32_t x = 12345;
	int i, k, ok = 0, kod = 0;

	rl_init(&rl, 5);
	/* 10,000 spoofed sources (a few repeating), the known client polling
	 * every 64 s in between: the table stays RL_SIZE, the client served */
	for (i = 0; i < 10000; i++) {
		int64_t now = (int64_t)i * 10;
		enum rl_verdict v;

		x = x * 1103515245u + 12345u;
		s = v4(x % 20000);
		v = RL(s, now);
		ck_assert_int_ne(v, RL_DROP);   /* nobody over its burst here */
		if (i % 6400 == 0) {
			ck_assert_int_eq(RL(known, now), RL_OK);
			ok++;
		}
	}
	ck_assert_int_le(rl_used(), RL_SIZE);
	ck_assert_uint_gt(rl.evicted, 9000);
	ck_assert_int_eq(ok, 2);
	/* a flooding client is still limited while others flood around it
	 * (its set is 4 ways; spoofed newcomers evict the least recently seen) */
	for (i = 0; i < 100; i++) {
		for (k = 0; k < 3; k++) {
			x = x * 1103515245u + 12345u;
			s = v4(x);
			RL(s, 200000 + i);
		}
		switch (RL(known, 200000 + i)) {
		case RL_OK: break;
		case RL_KOD: kod++; break;
		case RL_DROP: break;
		}
	}
	ck_assert_int_le(kod, 3);
}
END_TEST

/* ---- sockets ---- */

START_TEST(socket_answers_a_real_request)
{
	struct sockaddr_in sa = v4(0x7f000001), got;
	struct serve_state st = synced_state();
	struct wb_err e = { 0, "" };
	socklen_t len = sizeof got;
	uint8_t req[NTP_PKT_LEN], buf[NTP_PKT_MAX];
	struct pollfd pf;
	struct ntp_pkt p;
	int fd, c;
	ssize_t n;

	{
		struct timespec ts;
		struct ntp_time t;

		clock_gettime(CLOCK_REALTIME, &ts);
		t.sec = ts.tv_sec;
		t.nsec = (uint32_t)ts.tv_nsec;
		st.reftime = ntp_from_time(&t);         /* updated just now */
	}
	sa.sin_port = 0;
	rl_init(&rl, 6);
	fd = serve_open_addr(NULL, (struct sockaddr *)&sa, sizeof sa, &e);
	ck_assert_msg(fd >= 0, "%s", e.msg);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&got, &len), 0);
	ck_assert_int_ne(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_eq(serve_handle(fd, &st, &rl, 0), 0);     /* nothing waiting: returns */
	c = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&got, len), 0);
	/* a mode-6 control query: no answer */
	request(req, sizeof req, 2, 6, 0);
	ck_assert_int_eq(send(c, req, sizeof req, 0), (ssize_t)sizeof req);
	pf.fd = fd;
	pf.events = POLLIN;
	ck_assert_int_eq(poll(&pf, 1, 2000), 1);
	ck_assert_int_eq(serve_handle(fd, &st, &rl, 0), 0);
	pf.fd = c;
	ck_assert_int_eq(poll(&pf, 1, 200), 0);
	/* a client request: answered */
	request(req, sizeof req, 4, 3, 6);
	ck_assert_int_eq(send(c, req, sizeof req, 0), (ssize_t)sizeof req);
	pf.fd = fd;
	ck_assert_int_eq(poll(&pf, 1, 2000), 1);
	ck_assert_int_eq(serve_handle(fd, &st, &rl, 0), 1);
	pf.fd = c;
	ck_assert_int_eq(poll(&pf, 1, 2000), 1);
	n = recv(c, buf, sizeof buf, 0);
	ck_assert_int_eq(n, NTP_PKT_LEN);
	ck_assert_int_eq(ntp_check(buf, (size_t)n, XMT, &p), NTP_OK);
	ck_assert_uint_eq(p.stratum, 3);
	ck_assert_int_ge(ntp_delay(p.rec, 0, 0, p.xmt), 0);     /* T2 <= T3 */
	ck_assert_int_lt(ntp_delay(p.rec, 0, 0, p.xmt), NTP_FIX_ONE);
	close(c);
	close(fd);
}
END_TEST

/* a request that waited in the socket while the daemon polled its servers
 * (query_run blocks up to a few seconds) is answered with its true receive
 * time, the kernel's stamp, so the client's offset stays right */
START_TEST(socket_late_request_keeps_its_receive_time)
{
	struct sockaddr_in sa = v4(0x7f000001), got;
	struct serve_state st = synced_state();
	struct wb_err e = { 0, "" };
	socklen_t len = sizeof got;
	uint8_t req[NTP_PKT_LEN], buf[NTP_PKT_MAX];
	struct timespec nap = { 1, 500000000L }, settle = { 0, 200000000L };
	struct pollfd pf;
	struct ntp_pkt p;
	ntp_fix waited;
	struct ntp_time t;
	struct timespec ts;
	int fd, c;
	ssize_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	t.sec = ts.tv_sec;
	t.nsec = (uint32_t)ts.tv_nsec;
	st.reftime = ntp_from_time(&t);                 /* updated just now */
	sa.sin_port = 0;
	rl_init(&rl, 7);
	fd = serve_open_addr(NULL, (struct sockaddr *)&sa, sizeof sa, &e);
	ck_assert_msg(fd >= 0, "%s", e.msg);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&got, &len), 0);
	c = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&got, len), 0);
	request(req, sizeof req, 4, 3, 6);
	/* Linux turns receive stamps on through deferred work after the first
	 * SO_TIMESTAMPNS: a datagram that comes before that is stamped when it
	 * is read (seen under ASan, where the test is slower to get here) */
	nanosleep(&settle, NULL);
	ck_assert_int_eq(send(c, req, sizeof req, 0), (ssize_t)sizeof req);
	nanosleep(&nap, NULL);
	ck_assert_int_eq(serve_handle(fd, &st, &rl, 0), 1);
	pf.fd = c;
	pf.events = POLLIN;
	ck_assert_int_eq(poll(&pf, 1, 2000), 1);
	n = recv(c, buf, sizeof buf, 0);
	ck_assert_int_eq(n, NTP_PKT_LEN);
	ck_assert_int_eq(ntp_check(buf, (size_t)n, XMT, &p), NTP_OK);
	waited = ntp_delay(p.rec, 0, 0, p.xmt);         /* T3 - T2 */
	ck_assert_int_ge(waited, NTP_FIX_ONE + NTP_FIX_ONE / 4);
	ck_assert_int_lt(waited, 3 * NTP_FIX_ONE);
	close(c);
	close(fd);
}
END_TEST

START_TEST(socket_open_errors)
{
	struct wb_err e = { 0, "" };

	ck_assert_int_eq(serve_open(NULL, AF_INET, "12x", &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_int_eq(serve_open(NULL, AF_INET, "65536", &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	/* the interface is checked before anything is bound */
	ck_assert_int_eq(serve_open("an-interface-name-too-long", AF_INET, "0", &e), -1);
	ck_assert_int_eq(e.code, EX_USAGE);
	ck_assert_int_eq(serve_open("wbnosuch0", AF_INET, "0", &e), -1);
	ck_assert_msg(strstr(e.msg, "wbnosuch0") != NULL, "%s", e.msg);
	ck_assert_int_ne(e.code, 0);
}
END_TEST

/* ---- the status file ---- */

static char dir[] = "/tmp/wb-status-XXXXXX";
static char path[64];

static void st_setup(void)
{
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/sntpc.status", dir);
}

static void st_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

static struct sync_status sample_status(void)
{
	struct sync_status s;

	memset(&s, 0, sizeof s);
	s.synced = 1;
	s.stratum = 2;
	strlcopy(s.server, "it's.pool.ntp.org", sizeof s.server);
	strlcopy(s.address, "192.0.2.1:123", sizeof s.address);
	s.offset = ntp_fix_from_ns(123000);
	s.delay = ntp_fix_from_ns(12345000);
	s.updated = 1796533200;         /* 2026-12-06 05:00:00 UTC */
	s.poll = 64;
	s.written = 1796533212;
	s.pid = 1234;
	return s;
}

static const char sample_text[] =
	"SNTP_SYNC=1\n"
	"SNTP_STRATUM=2\n"
	"SNTP_SERVER='it'\\''s.pool.ntp.org'\n"
	"SNTP_ADDRESS='192.0.2.1:123'\n"
	"SNTP_OFFSET=+0.000123\n"
	"SNTP_DELAY=0.012345\n"
	"SNTP_UPDATED=1796533200\n"
	"SNTP_POLL=64\n"
	"SNTP_WRITTEN=1796533212\n"
	"SNTP_PID=1234\n";

static void assert_same(const struct sync_status *a, const struct sync_status *b)
{
	ck_assert_int_eq(a->synced, b->synced);
	ck_assert_uint_eq(a->stratum, b->stratum);
	ck_assert_str_eq(a->server, b->server);
	ck_assert_str_eq(a->address, b->address);
	ck_assert_int_eq(ntp_fix_us(a->offset), ntp_fix_us(b->offset));
	ck_assert_int_eq(ntp_fix_us(a->delay), ntp_fix_us(b->delay));
	ck_assert_int_eq(a->updated, b->updated);
	ck_assert_uint_eq(a->poll, b->poll);
	ck_assert_int_eq(a->written, b->written);
	ck_assert_int_eq(a->pid, b->pid);
}

START_TEST(status_eval_form_round_trip)
{
	struct sync_status s = sample_status(), r;
	struct wb_err e = { 0, "" };
	char buf[STATUS_FILE_MAX];

	ck_assert_int_eq(status_format(&s, 1, 0, buf, sizeof buf), (int)strlen(sample_text));
	ck_assert_str_eq(buf, sample_text);
	ck_assert_msg(status_parse(buf, &r, &e) == 0, "%s", e.msg);
	assert_same(&s, &r);
	/* negative offset, zero delay */
	s.offset = -ntp_fix_from_ns(2500000000LL);
	s.delay = 0;
	status_format(&s, 1, 0, buf, sizeof buf);
	ck_assert_ptr_nonnull(strstr(buf, "SNTP_OFFSET=-2.500000\nSNTP_DELAY=0.000000\n"));
	ck_assert_int_eq(status_parse(buf, &r, &e), 0);
	assert_same(&s, &r);
	/* too small a buffer: -1, still a string */
	ck_assert_int_eq(status_format(&s, 1, 0, buf, 40), -1);
	ck_assert_uint_lt(strlen(buf), 40);
}
END_TEST

START_TEST(status_human_form)
{
	struct sync_status s = sample_status();
	char buf[1024];

	ck_assert_int_gt(status_format(&s, 0, 1796533224, buf, sizeof buf), 0);
	ck_assert_str_eq(buf,
		"synchronised to it's.pool.ntp.org (192.0.2.1:123), stratum 2\n"
		"offset +0.000123 s, delay 0.012345 s, poll 64 s\n"
		"updated 2026-12-06 05:00:00 UTC (24 s ago)\n"
		"written 2026-12-06 05:00:12 UTC (12 s ago) by pid 1234\n");
	s.synced = 0;
	s.updated = 0;
	s.server[0] = 0;
	ck_assert_int_gt(status_format(&s, 0, 1796543212, buf, sizeof buf), 0);
	ck_assert_str_eq(buf,
		"not synchronised\n"
		"never updated, poll 64 s\n"
		"written 2026-12-06 05:00:12 UTC (10000 s ago) by pid 1234"
		" (stale: is the daemon running?)\n");
	/* control bytes from a name never reach the terminal or the file */
	strlcopy(s.server, "evil\033]0;x\n", sizeof s.server);
	status_format(&s, 0, 0, buf, sizeof buf);
	ck_assert_ptr_null(strchr(buf, '\033'));
	ck_assert_ptr_nonnull(strstr(buf, "(last server evil\\x1b]0;x\\x0a ("));
	status_format(&s, 1, 0, buf, sizeof buf);
	ck_assert_ptr_nonnull(strstr(buf, "SNTP_SERVER='evil\\x1b]0;x\\x0a'\n"));
}
END_TEST

START_TEST(status_write_read_round_trip)
{
	struct sync_status s = sample_status(), r;
	struct wb_err e = { 0, "" };
	struct stat sb;
	struct dirent *d;
	DIR *dd;
	int n = 0;
	char target[96], link_path[96], buf[64];
	FILE *f;

	ck_assert_msg(status_write(path, &s, &e) == 0, "%s", e.msg);
	ck_assert_msg(status_read(path, &r, &e) == 0, "%s", e.msg);
	assert_same(&s, &r);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0644);
	/* a second write replaces the file (a new inode: renamed, not rewritten) */
	{
		ino_t first = sb.st_ino;

		s.stratum = 3;
		ck_assert_int_eq(status_write(path, &s, &e), 0);
		ck_assert_int_eq(stat(path, &sb), 0);
		ck_assert_uint_ne(sb.st_ino, first);
		ck_assert_int_eq(status_read(path, &r, &e), 0);
		ck_assert_uint_eq(r.stratum, 3);
	}
	/* no temporary file is left behind */
	dd = opendir(dir);
	ck_assert_ptr_nonnull(dd);
	while ((d = readdir(dd)))
		n += d->d_name[0] != '.';
	closedir(dd);
	ck_assert_int_eq(n, 1);
	/* a symlink at the path is replaced, its target never written */
	snprintf(target, sizeof target, "%s/target", dir);
	snprintf(link_path, sizeof link_path, "%s/link", dir);
	f = fopen(target, "w");
	ck_assert_ptr_nonnull(f);
	fputs("keep\n", f);
	fclose(f);
	ck_assert_int_eq(symlink(target, link_path), 0);
	ck_assert_int_eq(status_write(link_path, &s, &e), 0);
	ck_assert_int_eq(lstat(link_path, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	f = fopen(target, "r");
	ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
	fclose(f);
	ck_assert_str_eq(buf, "keep\n");
	/* a directory that does not exist: EX_IOERR */
	ck_assert_int_eq(status_write("/nonexistent-wb/x.status", &s, &e), -1);
	ck_assert_int_eq(e.code, EX_IOERR);
}
END_TEST

START_TEST(status_reader_never_sees_a_partial_file)
{
	struct sync_status s = sample_status(), r;
	struct wb_err e = { 0, "" };
	pid_t kid;
	int i, st;

	ck_assert_int_eq(status_write(path, &s, &e), 0);
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0) {
		for (i = 0; i < 300; i++) {
			s.pid = i + 1;
			strlcopy(s.server, i % 2 ? "a" : "a-much-longer-name.example.org", sizeof s.server);
			if (status_write(path, &s, &e))
				_exit(1);
		}
		_exit(0);
	}
	for (i = 0; i < 300; i++)
		ck_assert_msg(status_read(path, &r, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(waitpid(kid, &st, 0), kid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

static void write_text(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static const char *const bad[] = {
	"",                                     /* no SNTP_SYNC */
	"SNTP_STRATUM=2\n",
	"SNTP_SYNC=1",                          /* no newline at the end */
	"SNTP_SYNC=2\n",
	"SNTP_SYNC=01\n",
	"SNTP_SYNC=+1\n",
	"SNTP_SYNC= 1\n",
	"SNTP_SYNC=1\nSNTP_SYNC=1\n",           /* twice */
	"SNTP_SYNC=1\n\n",                      /* an empty line */
	"SNTP_SYNC=1\n# comment\n",
	"sntp_sync=1\n",
	"=1\nSNTP_SYNC=1\n",
	"SNTP_SYNC=1\nSNTP_STRATUM=17\n",
	"SNTP_SYNC=1\nSNTP_POLL=131073\n",
	"SNTP_SYNC=1\nSNTP_PID=-1\n",
	"SNTP_SYNC=1\nSNTP_UPDATED=1e9\n",
	"SNTP_SYNC=1\nSNTP_WRITTEN=99999999999999\n",
	"SNTP_SYNC=1\nSNTP_SERVER=x\n",         /* unquoted */
	"SNTP_SYNC=1\nSNTP_SERVER='x\n",
	"SNTP_SYNC=1\nSNTP_SERVER='x'y'\n",
	"SNTP_SYNC=1\nSNTP_SERVER='x'\\'y'\n",
	"SNTP_SYNC=1\nSNTP_SERVER='a\rb'\n",
	"SNTP_SYNC=1\nSNTP_OFFSET=0.5\n",
	"SNTP_SYNC=1\nSNTP_OFFSET=1.0000000\n",
	"SNTP_SYNC=1\nSNTP_OFFSET=.000000\n",
	"SNTP_SYNC=1\nSNTP_OFFSET=01.000000\n",
	"SNTP_SYNC=1\nSNTP_OFFSET=+-1.000000\n",
	"SNTP_SYNC=1\nSNTP_OFFSET=2147483647.000000\n",
	"SNTP_SYNC=1\nSNTP_DELAY=1,000000\n",
};

START_TEST(status_read_refuses_garbage)
{
	struct sync_status r;
	struct wb_err e = { 0, "" };
	char big[STATUS_FILE_MAX + 100];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.code = 0;
		ck_assert_msg(status_parse(bad[i], &r, &e) == -1, "accepted bad[%zu]", i);
		ck_assert_int_eq(e.code, EX_PROTOCOL);
		ck_assert_int_eq(r.synced, 0);
		write_text(path, bad[i]);
		ck_assert_int_eq(status_read(path, &r, &e), -1);
		ck_assert_int_eq(e.code, EX_PROTOCOL);
	}
	/* unknown keys are skipped; the minimum is SNTP_SYNC */
	ck_assert_int_eq(status_parse("SNTP_FUTURE=whatever it is\nSNTP_SYNC=1\n", &r, &e), 0);
	ck_assert_int_eq(r.synced, 1);
	/* missing: EX_UNAVAILABLE; a directory, a FIFO (without hanging), too big */
	ck_assert_int_eq(status_read("/nonexistent-wb.status", &r, &e), -1);
	ck_assert_int_eq(e.code, EX_UNAVAILABLE);
	ck_assert_int_eq(status_read(dir, &r, &e), -1);
	ck_assert_int_eq(e.code, EX_PROTOCOL);
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(status_read(path, &r, &e), -1);
	ck_assert_int_eq(e.code, EX_PROTOCOL);
	unlink(path);
	memset(big, 0, sizeof big);
	strlcopy(big, sample_text, sizeof big);
	for (i = strlen(big); i < sizeof big - 2; i++)
		big[i] = i % 40 ? 'A' : '\n';
	big[i] = '\n';
	write_text(path, big);
	ck_assert_int_eq(status_read(path, &r, &e), -1);
	ck_assert_int_eq(e.code, EX_PROTOCOL);
	ck_assert_ptr_nonnull(strstr(e.msg, "too large"));
}
END_TEST

/* only the daemon's word: not through a symbolic link, not a file others
 * may write (found by a hostile re-check: a forged file passed --wait-sync) */
START_TEST(status_read_refuses_an_untrusted_file)
{
	struct sync_status s = sample_status(), r;
	struct wb_err e = { 0, "" };
	char link_path[96];

	ck_assert_msg(status_write(path, &s, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(chmod(path, 0664), 0);
	ck_assert_int_eq(status_read(path, &r, &e), -1);
	ck_assert_int_eq(e.code, EX_PROTOCOL);
	ck_assert_msg(strstr(e.msg, "not trusted") != NULL, "%s", e.msg);
	ck_assert_int_eq(chmod(path, 0646), 0);
	ck_assert_int_eq(status_read(path, &r, &e), -1);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_msg(status_read(path, &r, &e) == 0, "%s", e.msg);
	snprintf(link_path, sizeof link_path, "%s/link", dir);
	ck_assert_int_eq(symlink(path, link_path), 0);
	ck_assert_int_eq(status_read(link_path, &r, &e), -1);
	ck_assert_int_ne(e.code, 0);
}
END_TEST

START_TEST(status_freshness)
{
	struct sync_status s = sample_status();

	s.written = 100000;
	s.poll = 64;
	ck_assert(status_fresh(&s, 100000));
	ck_assert(status_fresh(&s, 100000 + 2 * 64 + STATUS_SLACK));
	ck_assert(!status_fresh(&s, 100000 + 2 * 64 + STATUS_SLACK + 1));
	ck_assert(status_fresh(&s, 100000 - STATUS_SLACK));
	ck_assert(!status_fresh(&s, 100000 - STATUS_SLACK - 1));
	s.written = 0;
	ck_assert(!status_fresh(&s, 10));
}
END_TEST

/* --status's verdict: synchronised, fresh and its daemon alive */
START_TEST(status_ok_needs_sync_fresh_and_a_live_daemon)
{
	struct sync_status s = sample_status();
	int64_t now = (int64_t)time(NULL);
	pid_t kid;
	int st;

	s.synced = 1;
	s.poll = 64;
	s.written = now;
	s.pid = getpid();
	ck_assert(status_ok(&s, now));
	s.pid = 0;                      /* unknown: freshness alone */
	ck_assert(status_ok(&s, now));
	s.synced = 0;
	ck_assert(!status_ok(&s, now));
	s.synced = 1;
	ck_assert(!status_ok(&s, now + 2 * 64 + STATUS_SLACK + 1));
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(kid, &st, 0), kid);
	s.pid = kid;                    /* a daemon killed: its file lies */
	ck_assert(!status_ok(&s, now));
}
END_TEST

static int64_t unix_now(void)
{
	return (int64_t)time(NULL);
}

START_TEST(status_wait_times_out)
{
	struct sync_status s = sample_status(), r;
	struct wb_err e = { 0, "" };
	int64_t t0 = mono_ms(), dt;
	pid_t kid;
	int st;

	/* no file at all */
	ck_assert_int_eq(status_wait(path, t0 + 300, &r, &e), EX_TEMPFAIL);
	dt = mono_ms() - t0;
	ck_assert_int_ge(dt, 300);
	ck_assert_int_lt(dt, 1000);
	ck_assert_int_eq(e.code, EX_TEMPFAIL);
	/* not synchronised */
	s.synced = 0;
	s.written = unix_now();
	s.pid = getpid();
	ck_assert_int_eq(status_write(path, &s, &e), 0);
	ck_assert_int_eq(status_wait(path, mono_ms() + 300, &r, &e), EX_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(e.msg, "not synchronised"));
	/* synchronised but stale */
	s.synced = 1;
	s.written = unix_now() - 1000;
	ck_assert_int_eq(status_write(path, &s, &e), 0);
	ck_assert_int_eq(status_wait(path, mono_ms() + 300, &r, &e), EX_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(e.msg, "stale"));
	/* synchronised, fresh, but its daemon is gone */
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(kid, &st, 0), kid);
	s.written = unix_now();
	s.pid = kid;
	ck_assert_int_eq(status_write(path, &s, &e), 0);
	ck_assert_int_eq(status_wait(path, mono_ms() + 300, &r, &e), EX_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(e.msg, "stale"));
	/* a deadline already past still looks once */
	s.pid = getpid();
	ck_assert_int_eq(status_write(path, &s, &e), 0);
	ck_assert_int_eq(status_wait(path, mono_ms() - 1000, &r, &e), 0);
	ck_assert_int_eq(r.synced, 1);
}
END_TEST

START_TEST(status_wait_sees_the_sync)
{
	struct sync_status s = sample_status(), r;
	struct wb_err e = { 0, "" };
	int64_t t0;
	pid_t kid;
	int st;

	s.synced = 0;
	s.written = unix_now();
	s.pid = getpid();
	ck_assert_int_eq(status_write(path, &s, &e), 0);
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0) {
		struct timespec ts = { 0, 400 * 1000000L };

		nanosleep(&ts, NULL);
		s.synced = 1;
		s.written = unix_now();
		_exit(status_write(path, &s, &e) ? 1 : 0);
	}
	t0 = mono_ms();
	ck_assert_msg(status_wait(path, t0 + 5000, &r, &e) == 0, "%s", e.msg);
	ck_assert_int_ge(mono_ms() - t0, 350);
	ck_assert_int_lt(mono_ms() - t0, 2000);
	ck_assert_int_eq(r.synced, 1);
	ck_assert_int_eq(waitpid(kid, &st, 0), kid);
}
END_TEST

Suite *sntp_serve_suite(void)
{
	Suite *s = suite_create("sntp_serve");
	TCase *tr = tcase_create("reply");
	TCase *tl = tcase_create("ratelimit");
	TCase *tn = tcase_create("socket");
	TCase *ts = tcase_create("status");

	tcase_add_test(tr, reply_every_field);
	tcase_add_test(tr, reply_dispersion_saturates);
	tcase_add_test(tr, reply_only_client_mode);
	tcase_add_test(tr, reply_versions);
	tcase_add_test(tr, reply_short_and_extensions);
	tcase_add_test(tr, reply_poll_clamped);
	tcase_add_test(tr, reply_unsynchronised);
	tcase_add_test(tr, refid_of_addresses);
	tcase_add_test(tr, kod_fields);
	suite_add_tcase(s, tr);
	tcase_add_test(tl, rl_burst_kod_drop);
	tcase_add_test(tl, rl_steady_rates);
	tcase_add_test(tl, rl_aging);
	tcase_add_test(tl, rl_ipv6_by_prefix);
	tcase_add_test(tl, rl_spoofed_flood);
	suite_add_tcase(s, tl);
	tcase_add_test(tn, socket_answers_a_real_request);
	tcase_add_test(tn, socket_open_errors);
	tcase_add_test(tn, socket_late_request_keeps_its_receive_time);
	tcase_set_timeout(tn, 20);
	suite_add_tcase(s, tn);
	tcase_add_checked_fixture(ts, st_setup, st_teardown);
	tcase_add_test(ts, status_eval_form_round_trip);
	tcase_add_test(ts, status_human_form);
	tcase_add_test(ts, status_write_read_round_trip);
	tcase_add_test(ts, status_reader_never_sees_a_partial_file);
	tcase_add_test(ts, status_read_refuses_garbage);
	tcase_add_test(ts, status_freshness);
	tcase_add_test(ts, status_ok_needs_sync_fresh_and_a_live_daemon);
	tcase_add_test(ts, status_read_refuses_an_untrusted_file);
	tcase_add_test(ts, status_wait_times_out);
	tcase_add_test(ts, status_wait_sees_the_sync);
	tcase_set_timeout(ts, 20);
	suite_add_tcase(s, ts);
	return s;
}
