/* query.c - one round of SNTP requests to every server, concurrently, in
 * one poll loop with CLOCK_MONOTONIC deadlines. A fresh connected UDP
 * socket (new source port) and a random transmit timestamp per request;
 * T1/T4 are read from CLOCK_REALTIME right at send and receive and the
 * round trip is cross-checked against CLOCK_MONOTONIC. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include "sysopts.h"
#include "err.h"
#include "sntpc.h"
#include "stamp.h"
#include "util.h"

/* datagrams read per wakeup */
#define RECV_BATCH 16
/* addresses asked of the resolver: of one family and distinct, up to
 * SNTPC_MAX_ADDRS of them are servers */
#define RESOLVE_MAX (2 * SNTPC_MAX_ADDRS)
/* our clock's precision (log2 s): reading it takes well under 1 us */
#define CLIENT_PREC (-20)

static void stamp(uint64_t *ntp, int64_t *mono_ns)
{
	struct timespec rt, mt;
	struct ntp_time t;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mt);
	t.sec = rt.tv_sec;
	t.nsec = (uint32_t)rt.tv_nsec;
	*ntp = ntp_from_time(&t);
	*mono_ns = (int64_t)mt.tv_sec * 1000000000 + mt.tv_nsec;
}

static void srv_close(struct server *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static int same_addr(const struct server *s, const struct sockaddr_storage *sa, socklen_t len)
{
	return s->used && s->fail != FAIL_RESOLVE && s->salen == len && !memcmp(&s->sa, sa, len);
}

static void slot_init(struct query *q, int i, int k, const struct sockaddr_storage *sa,
                      socklen_t len)
{
	struct server *s = &q->srv[i * SNTPC_MAX_ADDRS + k];

	if (s->fd >= 0 && s->used)
		srv_close(s);
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->used = 1;
	s->name = q->src[i].name;
	s->state = SRV_IDLE;
	if (sa) {
		s->sa = *sa;
		s->salen = len;
		net_addr_str((struct sockaddr *)&s->sa, 1, s->addr, sizeof s->addr);
	} else {
		snprintf(s->addr, sizeof s->addr, "%s", s->name);
		s->state = SRV_FAIL;
		s->fail = FAIL_RESOLVE;
	}
}

/* held by a server of another name */
static int held_elsewhere(const struct query *q, int i, const struct sockaddr_storage *sa,
                          socklen_t len)
{
	int k;

	for (k = 0; k < q->n; k++)
		if (k / SNTPC_MAX_ADDRS != i && same_addr(&q->srv[k], sa, len))
			return 1;
	return 0;
}

/* The addresses that are servers of their own, at most SNTPC_MAX_ADDRS:
 * one vote per machine, so a liar cannot outvote the others with copies.
 * Only the family of the first (the resolver's preference): a host with
 * an A and an AAAA record is one server, not two; no address twice, and
 * none another name already has (the same server given twice, or two
 * pool names that overlap). Compacts sas; returns how many are left. */
static int distinct(const struct query *q, int i, struct sockaddr_storage *sas,
                    socklen_t *lens, int n)
{
	int j, k, m = 0;

	for (j = 0; j < n && m < SNTPC_MAX_ADDRS; j++) {
		int dup = sas[j].ss_family != sas[0].ss_family ||
		          held_elsewhere(q, i, &sas[j], lens[j]);
		for (k = 0; k < m && !dup; k++)
			dup = lens[k] == lens[j] && !memcmp(&sas[k], &sas[j], lens[j]);
		if (dup) {
			q->src[i].dups += sas[j].ss_family == sas[0].ss_family;
			continue;
		}
		sas[m] = sas[j];
		lens[m++] = lens[j];
	}
	return m;
}

int query_resolve(struct query *q, int i, struct wb_err *e)
{
	struct source *src = &q->src[i];
	struct server *base = &q->srv[i * SNTPC_MAX_ADDRS];
	struct sockaddr_storage sas[RESOLVE_MAX];
	socklen_t lens[RESOLVE_MAX];
	unsigned char keep[SNTPC_MAX_ADDRS] = { 0 }, taken[RESOLVE_MAX] = { 0 };
	int n = net_resolve_udp(src->hp.host, src->hp.port, src->family, sas, lens,
	                        RESOLVE_MAX, e), j, k;

	src->resolved_ms = mono_ms();
	if (n <= 0) {
		if (!src->naddr)        /* never resolved: one slot says so */
			slot_init(q, i, 0, NULL, 0);
		return -1;
	}
	src->naddr = n;
	src->dups = 0;
	n = distinct(q, i, sas, lens, n);
	/* addresses already held keep their slot (and samples) */
	for (k = 0; k < SNTPC_MAX_ADDRS; k++)
		for (j = 0; j < n; j++)
			if (same_addr(&base[k], &sas[j], lens[j]))
				keep[k] = taken[j] = 1;
	for (k = 0; k < SNTPC_MAX_ADDRS; k++)
		if (!keep[k] && base[k].used) {
			srv_close(&base[k]);
			base[k].used = 0;
		}
	for (j = 0, k = 0; j < n; j++) {
		if (taken[j])
			continue;
		while (base[k].used)    /* n <= SNTPC_MAX_ADDRS: a slot is free */
			k++;
		slot_init(q, i, k, &sas[j], lens[j]);
	}
	return 0;
}

void query_reset(const struct query *q, struct server *s)
{
	if (!s->used)
		return;
	srv_close(s);
	s->state = s->denied || s->fail == FAIL_RESOLVE ? SRV_FAIL : SRV_SEND;
	if (!s->denied && s->fail != FAIL_RESOLVE)
		s->fail = FAIL_NONE;
	s->tries = s->samples = s->have = s->err = 0;
	s->max_tries = q->samples + q->retries;
	s->foreign = 0;
	memset(s->drops, 0, sizeof s->drops);
}

static void send_one(struct query *q, struct server *s, int64_t now)
{
	uint8_t pkt[NTP_PKT_LEN];
	struct wb_err e;

	s->tries++;
	s->state = SRV_WAIT;
	s->deadline = now + q->timeout_ms;
	do {                    /* unpredictable, or no request at all */
		if (random_bytes(&s->xmt, sizeof s->xmt)) {
			s->err = errno ? errno : EIO;
			return;
		}
	} while (s->xmt == 0);
	ntp_request(pkt, s->xmt);
	s->fd = net_udp_open((struct sockaddr *)&s->sa, s->salen, &e);
	if (s->fd < 0) {
		s->err = errno;
		return;                 /* counts as a try; retried after timeout */
	}
	stamp_enable(s->fd);
	if (CFG_VERBOSE && q->verbose)
		fprintf(stderr, "C: %s request VN 4 mode 3 xmt %08x.%08x (random)\n",
		        s->addr, (unsigned)(s->xmt >> 32), (unsigned)s->xmt);
	stamp(&s->t1, &s->mono1);
	if (send(s->fd, pkt, sizeof pkt, 0) != (ssize_t)sizeof pkt) {
		s->err = errno;
		srv_close(s);
	}
}

static int same_peer(const struct server *s, const struct sockaddr_storage *from)
{
	if (from->ss_family != s->sa.ss_family)
		return 0;
	if (from->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)from, *b = (const void *)&s->sa;
		return a->sin_port == b->sin_port &&
		       a->sin_addr.s_addr == b->sin_addr.s_addr;
	}
	if (from->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)from, *b = (const void *)&s->sa;
		return a->sin6_port == b->sin6_port &&
		       !memcmp(&a->sin6_addr, &b->sin6_addr, sizeof a->sin6_addr);
	}
	return 0;
}

/* why a reply was dropped */
static const char *drop_str(enum ntp_verdict why)
{
	return why == NTP_KOD ? "kiss-o'-death with an unknown code" : ntp_verdict_str(why);
}

static void drop(struct query *q, struct server *s, enum ntp_verdict why)
{
	s->drops[why]++;
	if (CFG_VERBOSE && q->verbose)
		fprintf(stderr, "S: %s reply dropped: %s\n", s->addr, drop_str(why));
}

/* a reply passed ntp_reply: it is a sample */
/* the daemon's filter is a ring (the last FILT_N); a one-shot run's -c
 * samples may be more: there a full filter keeps the FILT_N lowest delays */
static void keep_sample(struct filter *f, const struct fsample *sm, int keep_best)
{
	int i, worst = 0;

	if (!keep_best || f->n < FILT_N) {
		filter_add(f, sm);
		return;
	}
	for (i = 1; i < FILT_N; i++)
		if (f->s[i].delay > f->s[worst].delay)
			worst = i;
	if (sm->delay < f->s[worst].delay)
		f->s[worst] = *sm;
}

static void take_sample(struct query *q, struct server *s, const struct ntp_pkt *p,
                        const struct ntp_result *r, uint64_t t4, int64_t mono4)
{
	struct fsample sm;

	sm.offset = r->offset;
	sm.delay = r->delay;
	sm.disp = sample_disp(p->precision, CLIENT_PREC, r->delay);
	sm.era = r->era;
	sm.mono_ms = mono4 / 1000000;
	sm.t4 = ntp_to_time(t4);
	keep_sample(&s->filt, &sm, q->keep_best);
	s->pkt = *p;
	s->have = 1;
	s->samples++;
	s->reach = s->reach << 1 | 1;
	s->last_ok = mono4 / 1000000;
	srv_close(s);
	s->state = s->samples >= q->samples ? SRV_DONE : SRV_SEND;
}

static void kiss(struct query *q, struct server *s, const struct ntp_pkt *p)
{
	enum ntp_kod k = ntp_kiss(p->refid);

	switch (kod_action(k)) {
	case KOD_ACT_IGNORE:
		drop(q, s, NTP_KOD);
		return;
	case KOD_ACT_BACKOFF:
		s->fail = FAIL_RATE;
		if (s->have) {          /* keep the samples we have; ask no more */
			srv_close(s);
			s->state = SRV_DONE;
			return;
		}
		break;
	case KOD_ACT_STOP:
		s->fail = k == KOD_DENY ? FAIL_DENY : FAIL_RSTR;
		s->denied = 1;
		break;
	}
	srv_close(s);
	s->state = SRV_FAIL;
}

/* every reply, of every mode, is judged by ntp_reply() alone */
static void handle(struct query *q, struct server *s, const uint8_t *buf, size_t len,
                   uint64_t now, uint64_t t4, int64_t mono4)
{
	struct ntp_exch x = { s->xmt, s->t1, t4, now, mono4 - s->mono1 };
	struct ntp_result r = { 0 };   /* LTO cannot see ntp_reply fills it on NTP_OK */
	struct ntp_pkt p;
	enum ntp_verdict v = ntp_reply(buf, len, &x, &p, &r);

	if (CFG_VERBOSE && q->verbose && v != NTP_SHORT)
		out_packet(stderr, "S:", s->addr, &p);
	if (v == NTP_OK)
		take_sample(q, s, &p, &r, t4, mono4);
	else if (v == NTP_KOD)
		kiss(q, s, &p);
	else
		drop(q, s, v);
}

/* e.g. ICMP port unreachable: this try is over; retry after a short pause */
static void net_error(struct query *q, struct server *s, int64_t mono_ns)
{
	int64_t retry = mono_ns / 1000000 + q->timeout_ms / 8;

	s->err = errno;
	srv_close(s);
	if (retry < s->deadline)
		s->deadline = retry;
}

/* T4: the kernel's receive stamp when it lies between T1 and now */
static uint64_t recv_time(struct server *s, const struct dgram *d, uint64_t now)
{
	uint64_t t;

	if (!d->stamped)
		return now;
	t = ntp_from_time(&d->kt);
	if (ntp_delay(s->t1, 0, 0, t) < 0 || ntp_delay(t, 0, 0, now) < 0)
		return now;
	return t;
}

static void receive(struct query *q, struct server *s)
{
	uint8_t buf[NTP_PKT_MAX];
	struct dgram d;
	uint64_t t4;
	int64_t mono4;
	ssize_t r;
	int k;

	/* a bounded batch: a flood cannot keep us past the deadline */
	for (k = 0; k < RECV_BATCH && s->state == SRV_WAIT && s->fd >= 0; k++) {
		r = stamp_recv(s->fd, buf, sizeof buf, &d);
		stamp(&t4, &mono4);
		if (r < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				net_error(q, s, mono4);
			return;
		}
		if (!same_peer(s, &d.from)) {
			s->foreign++;
			if (CFG_VERBOSE && q->verbose)
				fprintf(stderr, "S: %s reply dropped: from another address or port\n", s->addr);
			continue;
		}
		handle(q, s, buf, (size_t)r, t4, recv_time(s, &d, t4), mono4);
	}
}

unsigned query_drops(const struct server *s)
{
	unsigned n = 0;
	int i;

	for (i = 0; i < NTP_NVERDICT; i++)
		n += s->drops[i];
	return n;
}

static void timeout(struct query *q, struct server *s)
{
	if (CFG_VERBOSE && q->verbose && s->fd >= 0)
		fprintf(stderr, "%s: %s: no usable reply to request %d within %ld ms\n",
		        wb_applet, s->addr, s->tries, q->timeout_ms);
	srv_close(s);
	if (s->tries < s->max_tries && s->samples < q->samples) {
		s->state = SRV_SEND;
		return;
	}
	if (s->have) {
		s->state = SRV_DONE;
		return;
	}
	s->state = SRV_FAIL;
	s->fail = query_drops(s) ? FAIL_GARBAGE : s->err ? FAIL_NET : FAIL_TIMEOUT;
}

/* the per-server state machine: send -> wait -> (send | done | fail) */
static void advance(struct query *q, struct server *s, int64_t now)
{
	switch (s->state) {
	case SRV_WAIT:
		if (now < s->deadline)
			return;
		timeout(q, s);
		if (s->state == SRV_SEND)
			send_one(q, s, now);
		return;
	case SRV_SEND:
		send_one(q, s, now);
		return;
	case SRV_DONE:
	case SRV_FAIL:
	case SRV_IDLE:
		return;
	}
	srv_close(s);                   /* impossible state: never use it */
	s->state = SRV_FAIL;
	s->fail = FAIL_NET;
	s->err = EINVAL;
}

/* send what is due; fill pfd with the waiting sockets; returns the count
 * and sets *wait_ms to the nearest deadline */
static int prepare(struct query *q, struct pollfd *pfd, int *idx, int64_t *wait_ms)
{
	int64_t now = mono_ms(), next = -1;
	int i, n = 0;

	for (i = 0; i < q->n; i++) {
		struct server *s = &q->srv[i];
		if (!s->used)
			continue;
		advance(q, s, now);
		if (s->state != SRV_WAIT)
			continue;
		if (next < 0 || s->deadline < next)
			next = s->deadline;
		if (s->fd >= 0) {
			pfd[n].fd = s->fd;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
	}
	*wait_ms = next < 0 ? -1 : next > now ? next - now : 0;
	return next < 0 ? -1 : n;
}

void query_run(struct query *q)
{
	struct pollfd pfd[SNTPC_MAX_SERVERS];
	int idx[SNTPC_MAX_SERVERS], n, i;
	int64_t wait_ms;

	while ((n = prepare(q, pfd, idx, &wait_ms)) >= 0) {
		if (poll(pfd, (nfds_t)n, (int)wait_ms) <= 0)
			continue;       /* timeout or EINTR: deadlines decide */
		for (i = 0; i < n; i++)
			if (pfd[i].revents)
				receive(q, &q->srv[idx[i]]);
	}
}

int query_exit_code(const struct server *srv, int n)
{
	int i, used = 0, denied = 0, garbage = 0, rate = 0;

	for (i = 0; i < n; i++) {
		if (!srv[i].used)
			continue;
		used++;
		denied += srv[i].fail == FAIL_DENY || srv[i].fail == FAIL_RSTR;
		garbage += srv[i].fail == FAIL_GARBAGE;
		rate += srv[i].fail == FAIL_RATE;
	}
	if (used > 0 && denied == used)
		return EX_NOPERM;
	if (garbage)
		return EX_PROTOCOL;
	if (rate)
		return EX_TEMPFAIL;
	return EX_UNAVAILABLE;
}

static const char *drop_summary(const struct server *s, char *buf, size_t max)
{
	unsigned n = query_drops(s);
	int i, last = -1;

	for (i = 0; i < NTP_NVERDICT; i++)
		if (s->drops[i])
			last = i;
	snprintf(buf, max, "%u unusable repl%s (%s)", n, n == 1 ? "y" : "ies",
	         drop_str((enum ntp_verdict)last));
	return buf;
}

const char *srv_fail_str(const struct server *s, char *buf, size_t max)
{
	switch (s->fail) {
	case FAIL_NONE:
		return "ok";
	case FAIL_RESOLVE:
		return "cannot resolve";
	case FAIL_TIMEOUT:
		snprintf(buf, max, "no reply (%d request%s timed out)", s->tries,
		         s->tries == 1 ? "" : "s");
		return buf;
	case FAIL_NET:
		snprintf(buf, max, "no reply: %s", strerror(s->err));
		return buf;
	case FAIL_GARBAGE:
		return drop_summary(s, buf, max);
	case FAIL_RATE:
		return "kiss-o'-death RATE: server asks to query less often";
	case FAIL_DENY:
		return "kiss-o'-death DENY: access denied, server not used again";
	case FAIL_RSTR:
		return "kiss-o'-death RSTR: access restricted, server not used again";
	}
	return "?";
}
