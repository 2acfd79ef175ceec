/* output.c - the documented output formats: the default line, -e shell
 * variables, the -l association table and the -v packet transcript. */
#include <string.h>
#include "sntpc.h"
#include "util.h"

void out_utc(const struct ntp_time *t, char *buf, size_t max)
{
	int64_t days = t->sec / 86400, s = t->sec % 86400, y;
	unsigned m, d;

	if (s < 0) {
		s += 86400;
		days--;
	}
	civil_date(days, &y, &m, &d);
	snprintf(buf, max, "%04lld-%02u-%02u %02u:%02u:%02u.%06u", (long long)y, m, d,
	         (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60),
	         (unsigned)(t->nsec / 1000));
}

/* seconds since 1970 with 6 decimals, correct below zero too */
static void unix_str(const struct ntp_time *t, char *buf, size_t max)
{
	int64_t us = t->sec * 1000000 + t->nsec / 1000;
	const char *sign = us < 0 ? "-" : "";

	if (us < 0)
		us = -us;
	snprintf(buf, max, "%s%lld.%06lld", sign, (long long)(us / 1000000),
	         (long long)(us % 1000000));
}

struct ntp_time sample_time(const struct sample *sm)
{
	struct ntp_time t = ntp_time_add(sm->t4, sm->offset);

	t.sec += sm->era;
	return t;
}

void out_line(FILE *f, const struct server *s)
{
	char off[32], del[32], when[48];
	struct ntp_time t = sample_time(&s->best);

	out_utc(&t, when, sizeof when);
	fprintf(f, "%s (%s) stratum %u offset %s delay %s time %s UTC\n", s->name,
	        s->addr, s->best.pkt.stratum, ntp_off_str(s->best.offset, s->best.era, 1, off, sizeof off),
	        ntp_fix_str(s->best.delay, 0, del, sizeof del), when);
}

void out_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

void out_vars(const struct server *s, out_var_fn *fn, void *ctx)
{
	char b[64];
	const struct sample *sm = &s->best;
	struct ntp_time t = sample_time(sm);

	fn(ctx, "SERVER", s->name, 1);
	net_addr_str((const struct sockaddr *)&s->sa, 0, b, sizeof b);
	fn(ctx, "ADDRESS", b, 1);
	snprintf(b, sizeof b, "%u", sm->pkt.stratum);
	fn(ctx, "STRATUM", b, 0);
	ntp_refid_str(&sm->pkt, b, sizeof b);
	fn(ctx, "REFID", b, 1);
	snprintf(b, sizeof b, "%u", sm->pkt.leap);
	fn(ctx, "LEAP", b, 0);
	fn(ctx, "OFFSET", ntp_off_str(sm->offset, sm->era, 1, b, sizeof b), 0);
	fn(ctx, "DELAY", ntp_fix_str(sm->delay, 0, b, sizeof b), 0);
	fn(ctx, "DISPERSION", ntp_fix_str(ntp_short_fix(sm->pkt.rootdisp), 0, b, sizeof b), 0);
	unix_str(&t, b, sizeof b);
	fn(ctx, "TIME", b, 0);
}

void out_sel_vars(const struct sel_out *so, out_var_fn *fn, void *ctx)
{
	char b[16];

	snprintf(b, sizeof b, "%d", so->nusable);
	fn(ctx, "SERVERS", b, 0);
	snprintf(b, sizeof b, "%d", so->nkept);
	fn(ctx, "CANDIDATES", b, 0);
}

static void print_var(void *f, const char *key, const char *val, int text)
{
	fprintf(f, "SNTP_%s=", key);
	if (text)
		out_quoted(f, val);
	else
		fputs(val, f);
	fputc('\n', f);
}

void out_eval(FILE *f, const struct server *s)
{
	out_vars(s, print_var, f);
}

/* milliseconds with 3 decimals */
static char *ms_str(ntp_fix d, int64_t era, char *buf, size_t max)
{
	int64_t us = ntp_fix_us(d) + era * 1000000;
	const char *sign = us < 0 ? "-" : "";

	if (us < 0)
		us = -us;
	snprintf(buf, max, "%s%lld.%03lld", sign, (long long)(us / 1000), (long long)(us % 1000));
	return buf;
}

static const char *fail_code(const struct server *s)
{
	static const char *const c[] = { "", ".DNS.", ".TIME.", ".NET.", ".BAD.",
	                                  ".RATE.", ".DENY.", ".RSTR." };
	return c[s->fail];
}

static void row(FILE *f, const struct server *s, int sel, int64_t now_ms)
{
	char ref[24], d[24], o[24], r[24];

	if (!s->usable) {
		fprintf(f, "%c%-23s %-15s %2d %5s %5u %5o %8s %8s %8s\n", sel ? '*' : ' ',
		        s->addr, fail_code(s), 16, "-", s->poll, s->reach & 0377, "-", "-", "-");
		return;
	}
	ntp_refid_str(&s->best.pkt, ref, sizeof ref);
	fprintf(f, "%c%-23s %-15s %2u %5lld %5u %5o %8s %8s %8s\n", sel ? '*' : ' ', s->addr,
	        ref, s->best.pkt.stratum, (long long)((now_ms - s->last_ok) / 1000), s->poll,
	        s->reach & 0377, ms_str(s->best.delay, 0, d, sizeof d),
	        ms_str(s->best.offset, s->best.era, o, sizeof o),
	        ms_str(ntp_short_fix(s->best.pkt.rootdisp), 0, r, sizeof r));
}

void out_table(FILE *f, const struct server *srv, int n, int best, int64_t now_ms)
{
	int i;

	fprintf(f, " %-23s %-15s %2s %5s %5s %5s %8s %8s %8s\n", "address", "ref clock",
	        "st", "when", "poll", "reach", "delay", "offset", "disp");
	for (i = 0; i < n; i++)
		if (srv[i].used)
			row(f, &srv[i], i == best, now_ms);
}

void out_packet(FILE *f, const char *dir, const char *addr, const struct ntp_pkt *p)
{
	char ref[24], rd[32], rs[32];

	ntp_refid_str(p, ref, sizeof ref);
	fprintf(f, "%s %s LI %u VN %u mode %u stratum %u poll %d precision %d"
	        " rootdelay %s rootdisp %s refid %s ref %08x.%08x org %08x.%08x"
	        " rec %08x.%08x xmt %08x.%08x\n", dir, addr, p->leap, p->version,
	        p->mode, p->stratum, p->poll, p->precision,
	        ntp_fix_str(ntp_short_fix(p->rootdelay), 0, rd, sizeof rd),
	        ntp_fix_str(ntp_short_fix(p->rootdisp), 0, rs, sizeof rs), ref,
	        (unsigned)(p->ref >> 32), (unsigned)p->ref, (unsigned)(p->org >> 32),
	        (unsigned)p->org, (unsigned)(p->rec >> 32), (unsigned)p->rec,
	        (unsigned)(p->xmt >> 32), (unsigned)p->xmt);
}
