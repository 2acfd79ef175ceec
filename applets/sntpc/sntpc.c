/* sntpc.c - SNTP client: query servers, print, step or slew the clock.
 * Options, name resolution and output choice; the protocol is in ntp.c,
 * the request loop in query.c, the daemon in daemon.c. */
//applet:sntpc SNTPC sntpc_main sntpc_help
//config:config SNTPC
//config:	bool "sntpc: SNTP client"
//config:	default y
//config:	help
//config:	  Query SNTP/NTP servers (RFC 4330/5905), print the offset,
//config:	  step or slew the clock.
//config:config SNTPC_DAEMON
//config:	bool "sntpc daemon mode (-d)"
//config:	default y
//config:	depends on SNTPC
//config:	help
//config:	  Keep the clock disciplined: poll with backoff and jitter,
//config:	  honour kiss-o'-death, run a program after each step, syslog.
//config:config SNTPC_TABLE
//config:	bool "sntpc association table (-l)"
//config:	default y
//config:	depends on SNTPC
//config:	help
//config:	  Print one row per server like the classic ntpq/ntpdc peers list.
//config:config SNTPC_EVAL
//config:	bool "sntpc shell variables (-e)"
//config:	default y
//config:	depends on SNTPC
//config:	help
//config:	  Print SNTP_OFFSET=... lines for eval in shell scripts; also
//config:	  the environment of the -x program.
#include <string.h>
#include "sysopts.h"
#include "opt.h"
#include "sntpc.h"
#include "util.h"

/* HELP_IF(CFG_X, "text"): the text only when the feature is built in */
#define HELP_IF(cfg, text) HELP_IF_(cfg, text)
#define HELP_IF_(cfg, text) HELP_IF_##cfg(text)
#define HELP_IF_0(text) ""
#define HELP_IF_1(text) text

const char sntpc_help[] =
"Usage: sntpc [OPTIONS] SERVER[:PORT]...\n"
"Query SNTP servers and print the offset of the local clock; with -s or -a\n"
"correct it. SERVER may be [IPv6]:PORT. The best sane reply wins (smallest\n"
"delay, then lowest stratum).\n"
"\n"
"  -s            step the clock (clock_settime)\n"
"  -a            adjust: slew below the step threshold, step above it\n"
"  --step-threshold S  slew/step boundary for -a (default 0.128, max 1000)\n"
"  --panic S     refuse corrections of S seconds or more\n"
"  -c N          samples per server, keep the smallest delay (default 1)\n"
"  -p PORT       default port (123)\n"
"  -4" HELP_IF(CFG_IPV6, ", -6") "        IPv4" HELP_IF(CFG_IPV6, " or IPv6") " only\n"
"  --timeout S   seconds per request (default 1)\n"
"  -r N          retries per server (default 2)\n"
"  -q            quiet: no output on stdout\n"
HELP_IF(CFG_VERBOSE, "  -v            show every packet's fields on stderr\n")
HELP_IF(CFG_SNTPC_EVAL, "  -e            print shell variables SNTP_* for eval\n")
HELP_IF(CFG_SNTPC_TABLE, "  -l            print an association table\n")
HELP_IF(CFG_SNTPC_DAEMON,
"  -d            daemon: keep the clock disciplined (-a semantics)\n"
"  -b            daemon in the background\n"
"  --poll MIN,MAX  daemon poll interval bounds in seconds (64,1024)\n"
"  -g            daemon: allow corrections above the panic threshold\n"
"                (default 1000 s after the first one)\n"
"  -x PROG       daemon: run PROG with the SNTP_* variables after a step\n"
"  -L            daemon: log to syslog instead of stderr\n")
"\n"
"Exit: 0 ok, 64 usage, 69 no server answered, 71 clock call failed,\n"
"75 rate limited or DNS temporary failure, 76 no usable reply (only\n"
"unusable replies) or offset above --panic, 77 denied or no permission\n"
"to set the clock (needs root or CAP_SYS_TIME).\n";

enum {
	O_S, O_A, O_C, O_P, O_4, O_6, O_TIMEOUT, O_R, O_Q, O_V, O_E, O_L, O_D,
	O_B, O_POLL, O_X, O_SYSLOG, O_G, O_PANIC, O_STEP
};

static const struct opt opts[] = {
	{ "s", O_S, 0 }, { "a", O_A, 0 }, { "c", O_C, 1 }, { "p", O_P, 1 },
	{ "4", O_4, 0 }, { "6", O_6, 0 }, { "timeout", O_TIMEOUT, 1 },
	{ "r", O_R, 1 }, { "q", O_Q, 0 }, { "v", O_V, 0 }, { "e", O_E, 0 },
	{ "l", O_L, 0 }, { "d", O_D, 0 }, { "b", O_B, 0 }, { "poll", O_POLL, 1 },
	{ "x", O_X, 1 }, { "L", O_SYSLOG, 0 }, { "g", O_G, 0 },
	{ "panic", O_PANIC, 1 }, { "step-threshold", O_STEP, 1 },
	{ NULL, 0, 0 }
};

struct args {
	struct sntpc_opts o;
	const char *names[SNTPC_MAX_SERVERS];
	int n, family, daemon, panic_set;
	const char *port;
};

static int poll_arg(struct sntpc_opts *o, const char *s)
{
	const char *comma = strchr(s, ',');
	char min[16];
	long a, b;

	if (!comma || (size_t)(comma - s) >= sizeof min)
		return -1;
	memcpy(min, s, (size_t)(comma - s));
	min[comma - s] = 0;
	if (parse_long(min, 1, POLL_LIMIT, &a) || parse_long(comma + 1, a, POLL_LIMIT, &b))
		return -1;
	o->poll_min = (unsigned)a;
	o->poll_max = (unsigned)b;
	return 0;
}

static int feature(int on, const char *opt)
{
	return on ? 0 : usage_error("%s is not compiled in", opt);
}

/* one option; 0 or an exit code */
static int option(struct args *a, int id, const char *arg)
{
	struct sntpc_opts *o = &a->o;
	long v;

	switch (id) {
	case O_S: o->pol.mode = CLK_STEP; return 0;
	case O_A: o->pol.mode = CLK_ADJUST; return 0;
	case O_Q: o->quiet = 1; return 0;
	case O_V: o->q.verbose = 1; return feature(CFG_VERBOSE, "-v");
	case O_E: o->eval = 1; return feature(CFG_SNTPC_EVAL, "-e");
	case O_L: o->table = 1; return feature(CFG_SNTPC_TABLE, "-l");
	case O_D: a->daemon = 1; return feature(CFG_SNTPC_DAEMON, "-d");
	case O_B: o->background = 1; return 0;
	case O_SYSLOG: o->use_syslog = 1; return 0;
	case O_G: o->any_panic = 1; return 0;
	case O_X: o->prog = arg; return 0;
	case O_4: a->family = AF_INET; return 0;
	case O_6: a->family = AF_INET6; return 0;
	case O_P: a->port = arg; return 0;
	case O_C:
		if (parse_long(arg, 1, 64, &v))
			return usage_error("bad -c '%s' (1..64)", arg);
		o->q.samples = (int)v;
		return 0;
	case O_R:
		if (parse_long(arg, 0, 64, &v))
			return usage_error("bad -r '%s' (0..64)", arg);
		o->q.retries = (int)v;
		return 0;
	case O_TIMEOUT:
		if (parse_ms(arg, 10, 60000, &o->q.timeout_ms))
			return usage_error("bad --timeout '%s' (0.01..60 s)", arg);
		return 0;
	case O_POLL:
		return poll_arg(o, arg) ? usage_error("bad --poll '%s' (MIN,MAX seconds)", arg) : 0;
	case O_PANIC:
		if (parse_ms(arg, 1, 2000000000, &v))
			return usage_error("bad --panic '%s' (0.001..2000000 s)", arg);
		o->pol.panic = ntp_fix_from_ms(v);
		a->panic_set = 1;
		return 0;
	case O_STEP:
		/* below it adjtime slews, and libc's adjtime takes at most 1000 s */
		if (parse_ms(arg, 0, 1000000, &v))
			return usage_error("bad --step-threshold '%s' (0..1000 s)", arg);
		o->pol.step_thr = ntp_fix_from_ms(v);
		return 0;
	}
	return usage_error("internal: option %d", id);
}

static void defaults(struct args *a)
{
	memset(a, 0, sizeof *a);
	a->o.q.samples = 1;
	a->o.q.retries = 2;
	a->o.q.timeout_ms = 1000;
	a->o.pol.mode = CLK_QUERY;
	a->o.pol.step_thr = ntp_fix_from_ms(128);
	a->o.poll_min = 64;
	a->o.poll_max = 1024;
	a->family = AF_UNSPEC;
	a->port = "123";
}

static int parse_args(struct args *a, int argc, char **argv)
{
	struct optstate st;
	int id, rc;

	defaults(a);
	opt_init(&st, argc, argv);
	while ((id = opt_next(&st, opts)) != OPT_END) {
		if (id == OPT_ERR)
			return usage_error("%s", st.err);
		if (id == OPT_ARG) {
			if (a->n == SNTPC_MAX_SERVERS)
				return usage_error("at most %d servers", SNTPC_MAX_SERVERS);
			a->names[a->n++] = st.arg;
		} else if ((rc = option(a, id, st.arg)) != 0) {
			return rc;
		}
	}
	if (a->n == 0)
		return usage_error("no server given");
	if (a->o.eval + a->o.table > 1)
		return usage_error("-e and -l exclude each other");
	if ((a->o.prog || a->o.background || a->o.use_syslog || a->o.any_panic) && !a->daemon)
		return usage_error("-b, -g, -L and -x need -d");
	if (a->daemon && a->o.pol.mode == CLK_QUERY)
		a->o.pol.mode = CLK_ADJUST;
	if (a->daemon && !a->panic_set)
		a->o.pol.panic = ntp_fix_from_ms(1000000);
	return 0;
}

/* resolve every name; servers that fail are marked and reported. The
 * daemon keeps going without any (DNS may come up after boot). */
static int resolve(struct args *a, struct server *srv)
{
	int i, ok = 0, code = EX_UNAVAILABLE;

	for (i = 0; i < a->n; i++) {
		struct server *s = &srv[i];
		struct wb_err e;

		memset(s, 0, sizeof *s);
		s->name = a->names[i];
		s->fd = -1;
		s->family = a->family;
		s->poll = a->daemon ? a->o.poll_min : 0;
		if (hostport_parse(s->name, a->port, &s->hp, &e))
			return err_report(&e, NULL, NULL);
		snprintf(s->addr, sizeof s->addr, "%s", s->name);
		if (query_resolve(s, &e) == 0) {
			ok++;
			continue;
		}
		err_report(&e, s->name, "resolve");
		s->state = SRV_FAIL;
		s->fail = FAIL_RESOLVE;
		if (e.code == EX_TEMPFAIL)
			code = EX_TEMPFAIL;
	}
	return ok || a->daemon ? 0 : code;
}

/* "name (address)" or just the address when they are the same */
static const char *who(const struct server *s, char *buf, size_t max)
{
	if (!strcmp(s->name, s->addr))
		return s->addr;
	snprintf(buf, max, "%s (%s)", s->name, s->addr);
	return buf;
}

static void report_failures(const struct server *srv, int n)
{
	char why[160], name[HOST_MAX + ADDRSTR_MAX + 4];
	struct wb_err e;
	int i;

	for (i = 0; i < n; i++) {
		if (srv[i].state != SRV_FAIL || srv[i].fail == FAIL_RESOLVE)
			continue;
		e.code = 0;
		snprintf(e.msg, sizeof e.msg, "%s", srv_fail_str(&srv[i], why, sizeof why));
		err_report(&e, who(&srv[i], name, sizeof name), "query");
	}
}

/* -v: how many replies each server had dropped */
static void report_drops(const struct server *srv, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		unsigned d = query_drops(&srv[i]);
		if (srv[i].fail == FAIL_RESOLVE)
			continue;
		fprintf(stderr, "%s: %s: %u repl%s dropped, %u from another address or port\n",
		        wb_applet, srv[i].addr, d, d == 1 ? "y" : "ies", srv[i].foreign);
	}
}

static void print_result(const struct sntpc_opts *o, const struct server *srv,
                         int n, int best)
{
	if (o->quiet)
		return;
	if (CFG_SNTPC_TABLE && o->table)
		out_table(stdout, srv, n, best, mono_ms());
	else if (CFG_SNTPC_EVAL && o->eval)
		out_eval(stdout, &srv[best]);
	else
		out_line(stdout, &srv[best]);
}

static int oneshot(struct sntpc_opts *o)
{
	const struct server *b;
	struct wb_err e;
	enum clock_act act;
	int best;

	query_run(&o->q);
	if (CFG_VERBOSE && o->q.verbose)
		report_drops(o->q.srv, o->q.n);
	report_failures(o->q.srv, o->q.n);
	best = select_best(o->q.srv, o->q.n);
	if (best < 0) {
		if (CFG_SNTPC_TABLE && o->table && !o->quiet)
			out_table(stdout, o->q.srv, o->q.n, -1, mono_ms());
		return query_exit_code(o->q.srv, o->q.n);
	}
	b = &o->q.srv[best];
	print_result(o, o->q.srv, o->q.n, best);
	act = clock_decide(&o->pol, ntp_fix_sat(b->best.offset, b->best.era));
	if (clock_apply(&clock_sys, act, b->best.offset, b->best.era, &e)) {
		char name[HOST_MAX + ADDRSTR_MAX + 4];
		return err_report(&e, who(b, name, sizeof name), "set clock");
	}
	if (act != ACT_NONE && CFG_VERBOSE && o->q.verbose) {
		char off[32];
		fprintf(stderr, "%s: clock %s by %s s\n", wb_applet,
		        act == ACT_STEP ? "stepped" : "slewed",
		        ntp_off_str(b->best.offset, b->best.era, 1, off, sizeof off));
	}
	return 0;
}

int sntpc_main(int argc, char **argv)
{
	struct server srv[SNTPC_MAX_SERVERS];
	struct args a;
	int rc;

	if ((rc = parse_args(&a, argc, argv)) != 0)
		return rc;
	if ((rc = resolve(&a, srv)) != 0)
		return rc;
	a.o.q.srv = srv;
	a.o.q.n = a.n;
	if (CFG_SNTPC_DAEMON && a.daemon)
		return sntpc_daemon(&a.o);
	return oneshot(&a.o);
}
