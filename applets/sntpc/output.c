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

void out_eval_sel(FILE *f, const struct sel_out *so)
{
	out_sel_vars(so, print_var, f);
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

/* a row: the tally (ntpq's: why the server was kept or dropped), '~'
 * (configured: every server sntpc has was given to it), the address */
static void row(FILE *f, const struct server *s, int64_t now_ms)
{
	char ref[24], d[24], o[24], r[24];
	char tally = s->usable ? sel_tally(s->why) : ' ';

	if (!s->usable) {
		fprintf(f, "%c~%-22s %-15s %2d %5s %5u %5o %8s %8s %8s\n", tally,
		        s->addr, fail_code(s), 16, "-", s->poll, s->reach & 0377, "-", "-", "-");
		return;
	}
	ntp_refid_str(&s->best.pkt, ref, sizeof ref);
	fprintf(f, "%c~%-22s %-15s %2u %5lld %5u %5o %8s %8s %8s\n", tally, s->addr,
	        ref, s->best.pkt.stratum, (long long)((now_ms - s->last_ok) / 1000), s->poll,
	        s->reach & 0377, ms_str(s->best.delay, 0, d, sizeof d),
	        ms_str(s->best.offset, s->best.era, o, sizeof o),
	        ms_str(ntp_short_fix(s->best.pkt.rootdisp), 0, r, sizeof r));
}

const char out_legend[] =
	" * sys.peer, # selected, + candidate, - outlyer, x falseticker, ~ configured\n";

void out_table(FILE *f, const struct server *srv, int n, int64_t now_ms)
{
	int i;

	fprintf(f, "  %-22s %-15s %2s %5s %5s %5s %8s %8s %8s\n", "address", "ref clock",
	        "st", "when", "poll", "reach", "delay", "offset", "disp");
	for (i = 0; i < n; i++)
		if (srv[i].used)
			row(f, &srv[i], now_ms);
	fputs(out_legend, f);
}

/* seconds with a sign and 3 decimals: "+0.012" */
static char *sec3_str(ntp_fix d, char *buf, size_t max)
{
	int64_t ms = ntp_fix_us(d) / 1000;

	snprintf(buf, max, "%c%lld.%03lld", ms < 0 ? '-' : '+', (long long)(ms < 0 ? -ms / 1000 : ms / 1000),
	         (long long)(ms < 0 ? -ms % 1000 : ms % 1000));
	return buf;
}

void out_why(char *buf, size_t max, const struct server *s, const struct sel_out *so)
{
	char off[32], dist[32], lo[24], hi[24];
	int len = snprintf(buf, max, "%s: %s: offset %s s, root distance %s s", s->addr,
	                   sel_why_str(s->why), ntp_off_str(s->best.offset, s->best.era, 1, off, sizeof off),
	                   ntp_fix_str(s->dist, 0, dist, sizeof dist));

	if (s->why == SEL_FALSE && so->ntrue > 0 && len > 0 && (size_t)len < max)
		snprintf(buf + len, max - (size_t)len, ", outside the majority's %s .. %s",
		         sec3_str(so->low, lo, sizeof lo), sec3_str(so->high, hi, sizeof hi));
}

/* a server that took part in the vote: usable and near enough */
static int voter(const struct server *s)
{
	return s->used && s->usable && s->why >= SEL_NOMAJ;
}

void out_nomaj(char *buf, size_t max, const struct server *srv, int n)
{
	static const char tail[] = ": clock left alone", more[] = ", ...";
	char off[32], item[ADDRSTR_MAX + 40];
	size_t len;
	int i, k = 0, nv = 0;

	if (!max)
		return;
	for (i = 0; i < n; i++)
		nv += voter(&srv[i]);
	snprintf(buf, max, "no majority among %d servers", nv);
	for (i = 0; i < n; i++) {
		if (!voter(&srv[i]))
			continue;
		snprintf(item, sizeof item, "%s%s %s s", k++ ? ", " : ": ", srv[i].addr,
		         ntp_off_str(srv[i].best.offset, srv[i].best.era, 1, off, sizeof off));
		len = strlen(buf);
		if (len + strlen(item) + sizeof more + sizeof tail > max) {
			if (len + sizeof more + sizeof tail <= max)
				memcpy(buf + len, more, sizeof more);
			break;
		}
		memcpy(buf + len, item, strlen(item) + 1);
	}
	len = strlen(buf);
	if (len + sizeof tail <= max)
		memcpy(buf + len, tail, sizeof tail);
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
