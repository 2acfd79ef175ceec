/* serve.c - the LAN time server (ntpd -l): reply and KoD builders, the
 * rate limiter (all pure) and the socket side; see serve.h. */
//config:config SNTPC_SERVER
//config:	bool "sntpc/ntpd LAN time server (ntpd -l)"
//config:	default y
//config:	depends on SNTPC_DAEMON
//config:	help
//config:	  Serve the time to the LAN once synchronised (NTP server mode 4,
//config:	  RFC 5905), as BusyBox ntpd -l does; -I IFACE binds it to one
//config:	  interface. Only client requests are answered, never larger than
//config:	  the request, with a per-client rate limit (RATE kiss-o'-death).
#define _DEFAULT_SOURCE         /* SO_BINDTODEVICE, SCM_TIMESTAMPNS (Linux) */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/uio.h>
#include "sysopts.h"
#include "digest.h"
#include "serve.h"
#include "stamp.h"
#include "select.h"

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int is_mapped(const uint8_t a[16])
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return !memcmp(a, pfx, sizeof pfx);
}

uint32_t serve_refid(const struct sockaddr *sa)
{
	const uint8_t *a;
	unsigned char h[MD5_LEN];

	if (sa->sa_family == AF_INET)
		return get32((const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr);
	if (sa->sa_family != AF_INET6)
		return 0;
	a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
	if (is_mapped(a))
		return get32(a + 12);
	md5(a, 16, h);
	return get32(h);
}

int serve_request_ok(const uint8_t *req, size_t len)
{
	unsigned vn;

	if (!req || len < NTP_PKT_LEN)
		return 0;
	vn = req[0] >> 3 & 7;
	return (req[0] & 7) == 3 && vn >= 1 && vn <= 4;
}

static int clamp_poll(const uint8_t *req)
{
	int p = (int8_t)req[2];

	return p < SERVE_POLL_MIN ? SERVE_POLL_MIN : p > SERVE_POLL_MAX ? SERVE_POLL_MAX : p;
}

/* 0 .. 2^48 (2^16 s): sums of a few stay far from overflow */
static ntp_fix clamp_fix(ntp_fix d)
{
	return d < 0 ? 0 : d > ((ntp_fix)1 << 48) ? (ntp_fix)1 << 48 : d;
}

/* 32.32 to 16.16, rounded up, saturated */
static uint32_t to_short(ntp_fix d)
{
	uint64_t s = ((uint64_t)d + 0xffff) >> 16;

	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* PHI * (t3 - reftime): the dispersion grown since the last update */
static ntp_fix phi_since(uint64_t reftime, uint64_t t3)
{
	uint64_t u = t3 - reftime;
	ntp_fix el;

	if (u > INT64_MAX)              /* t3 before the update: none */
		return 0;
	el = (ntp_fix)u;
	if (el > (ntp_fix)1 << 56)      /* 2^24 s (194 days) is plenty */
		el = (ntp_fix)1 << 56;
	return (el >> 16) * SEL_PHI >> 16;
}

static int st_synced(const struct serve_state *st)
{
	return st && st->synced && st->leap < 3 && st->stratum >= 1 && st->stratum < 15;
}

size_t serve_reply(const uint8_t *req, size_t len, const struct serve_state *st,
                   uint64_t t2, uint64_t t3, uint8_t out[NTP_PKT_LEN])
{
	struct ntp_pkt p;

	if (!serve_request_ok(req, len))
		return 0;
	memset(&p, 0, sizeof p);
	p.version = req[0] >> 3 & 7;
	p.mode = 4;
	p.poll = clamp_poll(req);
	p.precision = SERVE_PREC;
	p.org = (uint64_t)get32(req + 40) << 32 | get32(req + 44);
	p.rec = t2;
	p.xmt = t3;
	if (st_synced(st)) {
		p.leap = st->leap;
		p.stratum = st->stratum + 1;
		p.refid = st->refid;
		p.ref = st->reftime;
		p.rootdelay = to_short(ntp_short_fix(st->rootdelay) + clamp_fix(st->delay));
		p.rootdisp = to_short(ntp_short_fix(st->rootdisp) + clamp_fix(st->disp) +
		                      clamp_fix(st->jitter) + phi_since(st->reftime, t3));
	} else {                        /* RFC 5905's unsynchronised server */
		p.leap = 3;
		p.stratum = 16;
		p.rootdisp = NTP_SANE_ROOT;
	}
	ntp_encode(out, &p);
	return NTP_PKT_LEN;
}

size_t serve_kod(const uint8_t *req, size_t len, const char code[4],
                 uint8_t out[NTP_PKT_LEN])
{
	uint8_t c[4];
	uint64_t x;
	struct ntp_pkt p;

	if (!serve_request_ok(req, len))
		return 0;
	memcpy(c, code, 4);
	x = (uint64_t)get32(req + 40) << 32 | get32(req + 44);
	memset(&p, 0, sizeof p);
	p.leap = 3;
	p.version = req[0] >> 3 & 7;
	p.mode = 4;
	p.poll = clamp_poll(req);
	p.precision = SERVE_PREC;
	p.refid = get32(c);
	p.ref = p.org = p.rec = p.xmt = x;
	ntp_encode(out, &p);
	return NTP_PKT_LEN;
}

/* ---- rate limiter ---- */

void rl_init(struct ratelimit *rl, uint32_t salt)
{
	memset(rl, 0, sizeof *rl);
	rl->salt = salt;
}

/* the client's key: IPv4 as ::ffff:a.b.c.d, IPv6 by its /64; -1 other */
static int rl_key(const struct sockaddr *sa, uint8_t key[16])
{
	const uint8_t *a;

	memset(key, 0, 16);
	if (sa->sa_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family != AF_INET6)
		return -1;
	a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
	memcpy(key, a, is_mapped(a) ? 16 : 8);
	return 0;
}

/* FNV-1a over the salt and the key: the first entry of the client's set */
static size_t rl_set(const struct ratelimit *rl, const uint8_t key[16])
{
	uint32_t h = 2166136261u ^ rl->salt;
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	h ^= h >> 15;
	return (size_t)(h % (RL_SIZE / RL_WAYS)) * RL_WAYS;
}

/* the client's entry, or a fresh one in place of the least recently seen */
static struct rl_entry *rl_find(struct ratelimit *rl, const uint8_t key[16], int64_t now)
{
	struct rl_entry *s = rl->e + rl_set(rl, key), *v = s;
	int i;

	for (i = 0; i < RL_WAYS; i++) {
		if (s[i].used && !memcmp(s[i].key, key, 16))
			return &s[i];
		if (!s[i].used || (v->used && s[i].last < v->last))
			v = &s[i];
	}
	if (v->used)
		rl->evicted++;
	memset(v, 0, sizeof *v);
	memcpy(v->key, key, 16);
	v->used = 1;
	v->tat = now;
	return v;
}

/* GCRA: conforming while the bucket's time lies at most (burst - 1)
 * intervals ahead; a request over the limit does not count against it */
enum rl_verdict rl_check(struct ratelimit *rl, const struct sockaddr *sa, int64_t now_ms)
{
	uint8_t key[16];
	struct rl_entry *c;
	int64_t tat;

	if (rl_key(sa, key))
		return RL_DROP;
	c = rl_find(rl, key, now_ms);
	c->last = now_ms;
	tat = c->tat > now_ms ? c->tat : now_ms;
	if (tat - now_ms <= (int64_t)(RL_BURST - 1) * RL_INTERVAL_MS) {
		c->tat = tat + RL_INTERVAL_MS;
		return RL_OK;
	}
	if (c->kissed && now_ms - c->kod < RL_KOD_MS)
		return RL_DROP;
	c->kissed = 1;
	c->kod = now_ms;
	return RL_KOD;
}

/* ---- sockets ---- */

static int sock_fail(struct wb_err *e, int fd, const char *what, const char *arg)
{
	int code = errno == EACCES || errno == EPERM ? EX_NOPERM :
	           errno == EADDRINUSE || errno == ENODEV || errno == EADDRNOTAVAIL ?
	           EX_UNAVAILABLE : EX_OSERR;

	err_sys(e, code, "serve: %s%s", what, arg);
	if (fd >= 0)
		close(fd);
	return -1;
}

static int bind_iface(int fd, const char *iface, struct wb_err *e)
{
	if (!iface)
		return 0;
#ifdef SO_BINDTODEVICE
	if (strlen(iface) >= 16 || !*iface) {
		err_set(e, EX_USAGE, "serve: -I %s: not an interface name", iface);
		close(fd);
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface, (socklen_t)strlen(iface)))
		return sock_fail(e, fd, "-I ", iface);
	return 0;
#else
	err_set(e, EX_UNAVAILABLE, "serve: -I %s: binding to an interface is not supported on this system", iface);
	close(fd);
	return -1;
#endif
}

static int open_sock(const char *iface, const struct sockaddr *sa, socklen_t len,
                     int v6only, struct wb_err *e)
{
	int fd;

	if (!CFG_SNTPC_SERVER) {
		err_set(e, EX_UNAVAILABLE, "serve: the time server is not built in (CONFIG_SNTPC_SERVER)");
		return -1;
	}
	fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sock_fail(e, -1, "socket", "");
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return sock_fail(e, fd, "socket", "");
	if (sa->sa_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only))
		return sock_fail(e, fd, "IPV6_V6ONLY", "");
	if (bind_iface(fd, iface, e))
		return -1;
	stamp_enable(fd);
	if (bind(fd, sa, len))
		return sock_fail(e, fd, "bind", "");
	return fd;
}

int serve_open_addr(const char *iface, const struct sockaddr *sa, socklen_t len,
                    struct wb_err *e)
{
	return open_sock(iface, sa, len, 1, e);
}

static int parse_port(const char *port, uint16_t *out)
{
	unsigned long n = 0;
	const char *p = port;

	if (!*p || strlen(p) > 5 || p[strspn(p, "0123456789")])
		return -1;
	while (*p)
		n = n * 10 + (unsigned long)(*p++ - '0');
	if (n > 65535)
		return -1;
	*out = (uint16_t)n;
	return 0;
}

int serve_open(const char *iface, int family, const char *port, struct wb_err *e)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	uint16_t pn;
	int fd;

	if (parse_port(port ? port : SERVE_PORT, &pn)) {
		err_set(e, EX_USAGE, "serve: port '%s': want a number 0-65535", port);
		return -1;
	}
	memset(&s6, 0, sizeof s6);
	memset(&s4, 0, sizeof s4);
	s4.sin_family = AF_INET;
	s4.sin_port = htons(pn);
	s4.sin_addr.s_addr = htonl(INADDR_ANY);
	if (family == AF_UNSPEC && CFG_IPV6) {  /* a kernel without IPv6: IPv4 alone */
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0 && errno == EAFNOSUPPORT)
			family = AF_INET;
		if (fd >= 0)
			close(fd);
	}
	if (!CFG_IPV6 || family == AF_INET)
		return open_sock(iface, (struct sockaddr *)&s4, sizeof s4, 0, e);
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons(pn);
	s6.sin6_addr = in6addr_any;
	return open_sock(iface, (struct sockaddr *)&s6, sizeof s6, family == AF_INET6, e);
}

static uint64_t now_ntp(void)
{
	struct timespec ts;
	struct ntp_time t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t.sec = ts.tv_sec;
	t.nsec = (uint32_t)ts.tv_nsec;
	return ntp_from_time(&t);
}

/* T2: the kernel's stamp when it lies within 16 s before now (a request
 * queued while the daemon polled its servers is answered late, with its
 * true receive time) */
static uint64_t recv_time(const struct dgram *d, uint64_t now)
{
	uint64_t t;
	ntp_fix age;

	if (!d->stamped)
		return now;
	t = ntp_from_time(&d->kt);
	age = ntp_delay(t, 0, 0, now);
	return age >= 0 && age <= 16 * NTP_FIX_ONE ? t : now;
}

static int src_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)(const void *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)(const void *)ss)->sin6_port);
	return 0;
}

/* one datagram received at t2: answer it, kiss it or drop it */
static int answer(int fd, const uint8_t *req, size_t n, const struct sockaddr_storage *from,
                  socklen_t flen, uint64_t t2, const struct serve_state *st,
                  struct ratelimit *rl, int64_t now_ms)
{
	uint8_t out[NTP_PKT_LEN];
	size_t m = 0;

	if (!serve_request_ok(req, n) || src_port(from) == 0)
		return 0;
	switch (rl_check(rl, (const struct sockaddr *)from, now_ms)) {
	case RL_OK:
		m = serve_reply(req, n, st, t2, now_ntp(), out);
		break;
	case RL_KOD:
		m = serve_kod(req, n, "RATE", out);
		break;
	case RL_DROP:
		break;
	}
	if (m == 0 || m > n)
		return 0;
	return sendto(fd, out, m, 0, (const struct sockaddr *)from, flen) == (ssize_t)m;
}

int serve_handle(int fd, const struct serve_state *st, struct ratelimit *rl, int64_t now_ms)
{
	uint8_t buf[NTP_PKT_MAX];
	struct dgram d;
	ssize_t r;
	int k, sent = 0;

	for (k = 0; k < SERVE_BATCH; k++) {
		r = stamp_recv(fd, buf, sizeof buf, &d);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;          /* EAGAIN: all read; else try again next time */
		}
		if (d.truncated)
			continue;       /* larger than NTP_PKT_MAX: not ours */
		sent += answer(fd, buf, (size_t)r, &d.from, d.fromlen,
		               recv_time(&d, now_ntp()), st, rl, now_ms);
	}
	return sent;
}
