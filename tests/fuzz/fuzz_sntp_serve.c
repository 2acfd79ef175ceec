/* fuzz_sntp_serve.c - the LAN time server's pure parts (applets/sntpc/
 * serve.h) and the status file parser (applets/sntpc/status.h) on any
 * input; each input is read three ways:
 * - as a request datagram (the state the reply is built from comes from
 *   the input's last bytes): the reply and the KoD are 0 or 48 bytes,
 *   never longer than the request, 48 exactly when serve_request_ok;
 *   they decode as mode 4 with the request's version, org = the request's
 *   transmit timestamp, the poll in [4, 17]; a stratum below 16 only from
 *   a synchronised state (else leap 3, stratum 16); a KoD has stratum 0.
 * - as requests to the rate limiter, 2 bytes each (bits 0-1 the client,
 *   one of 4, so none is evicted; bit 2 IPv6; the rest and byte 2 a time
 *   step): one verdict per request, at most RL_BURST + elapsed /
 *   RL_INTERVAL_MS answers per client, its KoDs RL_KOD_MS apart.
 * - as a status file: status_parse never crashes; what it takes formats
 *   back to a text that parses to the same values, and status_format's
 *   output of a status made of the input bytes parses back to it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "applets/sntpc/serve.h"
#include "applets/sntpc/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t get64(const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/* the byte k from the end, 0 past the start */
static uint8_t tail(const uint8_t *d, size_t size, size_t k)
{
	return k < size ? d[size - 1 - k] : 0;
}

static void make_state(const uint8_t *d, size_t size, struct serve_state *st)
{
	uint8_t b[32];
	size_t i;

	for (i = 0; i < sizeof b; i++)
		b[i] = tail(d, size, i);
	st->synced = b[0] & 1;
	st->leap = b[0] >> 1 & 3;
	st->stratum = b[1] % 20;
	st->refid = (uint32_t)get64(b + 2);
	st->reftime = get64(b + 6);
	st->rootdelay = (uint32_t)get64(b + 14);
	st->rootdisp = (uint32_t)(get64(b + 14) >> 32);
	st->delay = (ntp_fix)get64(b + 22);
	st->disp = (ntp_fix)get64(b + 24) >> (b[0] >> 3);
	st->jitter = -((ntp_fix)b[30] << 24);
}

static void check_common(const uint8_t *req, size_t n, const uint8_t *out, size_t r,
                         struct ntp_pkt *p)
{
	if (r != (serve_request_ok(req, n) ? NTP_PKT_LEN : 0) || r > n)
		abort();
	if (r == 0)
		return;
	ntp_decode(out, r, p);
	if (p->mode != 4 || p->version != (unsigned)(req[0] >> 3 & 7) ||
	    p->version < 1 || p->version > 4 || p->org != get64(req + 40) ||
	    p->poll < SERVE_POLL_MIN || p->poll > SERVE_POLL_MAX || p->precision != SERVE_PREC)
		abort();
}

static void fuzz_reply(const uint8_t *d, size_t size)
{
	struct serve_state st;
	uint8_t out[NTP_PKT_LEN];
	struct ntp_pkt p;
	uint64_t t2, t3;
	size_t r;

	make_state(d, size, &st);
	t2 = size >= 16 ? get64(d + size - 16) : 0;
	t3 = t2 + (size >= 8 ? get64(d + size - 8) >> 40 : 0);
	memset(out, 0, sizeof out);
	r = serve_reply(d, size, &st, t2, t3, out);
	check_common(d, size, out, r, &p);
	if (r) {
		int sync = st.synced && st.leap < 3 && st.stratum >= 1 && st.stratum < 15;

		if (p.rec != t2 || p.xmt != t3)
			abort();
		if (sync ? p.stratum != st.stratum + 1 || p.leap != st.leap || p.stratum > 15 :
		           p.stratum != 16 || p.leap != 3)
			abort();
	}
	r = serve_kod(d, size, "RATE", out);
	check_common(d, size, out, r, &p);
	if (r && (p.stratum != 0 || p.leap != 3 || p.refid != 0x52415445u ||
	          p.rec != p.org || p.xmt != p.org))
		abort();
}

struct client {
	int64_t first, last_kod;
	unsigned ok;
	int seen, kissed;
};

static void fuzz_ratelimit(const uint8_t *d, size_t size)
{
	static struct ratelimit rl;
	struct client c[8];
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	int64_t now = 1000000;
	size_t i;

	memset(c, 0, sizeof c);
	rl_init(&rl, size > 0 ? d[0] : 0);
	for (i = 0; i + 2 <= size; i += 2) {
		unsigned who = d[i] & 3, v6 = d[i] >> 2 & 1, k = who + 4 * v6;
		const struct sockaddr *sa;
		enum rl_verdict v;

		now += (int64_t)(d[i] >> 3) * d[i + 1] * 3;
		memset(&s4, 0, sizeof s4);
		memset(&s6, 0, sizeof s6);
		s4.sin_family = AF_INET;
		s4.sin_addr.s_addr = htonl(0x0a000000u + who);
		s6.sin6_family = AF_INET6;
		s6.sin6_addr.s6_addr[0] = 0x20;
		s6.sin6_addr.s6_addr[7] = (uint8_t)who;
		s6.sin6_addr.s6_addr[15] = d[i + 1];   /* same /64: same client */
		sa = v6 ? (const struct sockaddr *)&s6 : (const struct sockaddr *)&s4;
		v = rl_check(&rl, sa, now);
		if (!c[k].seen) {
			c[k].seen = 1;
			c[k].first = now;
		}
		if (v == RL_OK && ++c[k].ok > RL_BURST + (now - c[k].first) / RL_INTERVAL_MS)
			abort();
		if (v == RL_KOD) {
			if (c[k].kissed && now - c[k].last_kod < RL_KOD_MS)
				abort();
			c[k].kissed = 1;
			c[k].last_kod = now;
		}
		if (v != RL_OK && v != RL_KOD && v != RL_DROP)
			abort();
	}
}

static void same_status(const struct sync_status *a, const struct sync_status *b)
{
	if (a->synced != b->synced || a->stratum != b->stratum || strcmp(a->server, b->server) ||
	    strcmp(a->address, b->address) || ntp_fix_us(a->offset) != ntp_fix_us(b->offset) ||
	    ntp_fix_us(a->delay) != ntp_fix_us(b->delay) || a->updated != b->updated ||
	    a->poll != b->poll || a->written != b->written || a->pid != b->pid)
		abort();
}

/* format st (eval), parse it: the same values, and the same text again */
static void round_trip(const struct sync_status *st)
{
	static char t1[STATUS_FILE_MAX], t2[STATUS_FILE_MAX], h[STATUS_FILE_MAX];
	struct sync_status r, r2;
	struct wb_err e;
	int n = status_format(st, 1, 0, t1, sizeof t1);

	if (n < 0 || (size_t)n != strlen(t1))
		abort();
	if (status_parse(t1, &r, &e))
		abort();
	if (status_format(&r, 1, 0, t2, sizeof t2) != n || strcmp(t1, t2))
		abort();
	if (status_parse(t2, &r2, &e))
		abort();
	same_status(&r, &r2);
	if (status_format(&r, 0, (int64_t)r.written + 5, h, sizeof h) < 0 ||
	    status_format(&r, 0, 0, h, 20) > 19 || strlen(h) > 19)
		abort();
}

static void fuzz_status(const uint8_t *d, size_t size)
{
	static char text[STATUS_FILE_MAX + 1];
	struct sync_status st, r;
	struct wb_err e;
	size_t n = size < STATUS_FILE_MAX ? size : STATUS_FILE_MAX;

	memcpy(text, d, n);
	text[n] = 0;
	e.code = 0;
	if (status_parse(text, &st, &e) == 0) {
		if (e.code)
			abort();
		round_trip(&st);
	} else if (e.code != EX_PROTOCOL) {
		abort();
	}
	/* a status made of the input: texts of any bytes, any numbers in range */
	memset(&st, 0, sizeof st);
	n = size < sizeof st.server - 1 ? size : sizeof st.server - 1;
	memcpy(st.server, d, n);
	n = size < sizeof st.address - 1 ? size : sizeof st.address - 1;
	memcpy(st.address, d + (size - n), n);
	st.synced = size & 1;
	st.stratum = (unsigned)(size % 17);
	st.offset = size >= 8 ? (ntp_fix)(get64(d) >> 2) - ((ntp_fix)1 << 61) : 0;
	st.delay = size >= 16 ? (ntp_fix)(get64(d + 8) >> 3) - ((ntp_fix)1 << 60) : 0;
	st.updated = size >= 8 ? (int64_t)(get64(d) & 0xffffffffu) : 0;
	st.poll = (unsigned)(size * 512 % 131073);
	st.written = (int64_t)size * 1000003;
	st.pid = (long)(size * 7919 % 2147483647);
	round_trip(&st);
	/* what it wrote (texts cleaned) parses to the cleaned texts */
	{
		static char t[STATUS_FILE_MAX];

		if (status_format(&st, 1, 0, t, sizeof t) < 0 || status_parse(t, &r, &e))
			abort();
		if (r.synced != st.synced || r.stratum != st.stratum || r.pid != st.pid ||
		    ntp_fix_us(r.offset) != ntp_fix_us(st.offset) || r.poll != st.poll)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_reply(data, size);
	fuzz_ratelimit(data, size);
	fuzz_status(data, size);
	return 0;
}
