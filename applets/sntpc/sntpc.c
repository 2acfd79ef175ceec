/* sntpc.c - SNTP client: query servers, print, step or slew the clock.
 * Options, name resolution and output choice; the protocol is in ntp.c,
 * the request loop in query.c, the daemon in daemon.c. */
//applet:sntpc SNTPC sntpc_main sntpc_help
//applet:ntpd SNTPC_NTPD sntpc_main ntpd_help alias
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
//config:config SNTPC_NTPD
//config:	bool "sntpc as BusyBox ntpd"
//config:	default y
//config:	depends on SNTPC_DAEMON
//config:	help
//config:	  Also called as ntpd: BusyBox ntpd's command line
//config:	  (-dnqNwl -I IFACE -S PROG -p PEER...) and its -S hook
//config:	  contract (step, stratum, unsync, periodic), for OpenWrt's
//config:	  sysntpd init script unchanged.
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
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include "sysopts.h"
#include "opt.h"
#include "optab.h"
#include "sntpc.h"
#include "status.h"
#include "util.h"

struct args {
	struct sntpc_opts o;
	const char *names[SNTPC_MAX_NAMES];
	int n, family, daemon;
	long step_ms, panic_ms;         /* panic_ms 0: not given */
	const char *port;
	int status, wait_sync;          /* --status; --wait-sync S (-1 not given) */
	int fg, nice;                   /* ntpd -n, -N */
	const char *keyfile;            /* ntpd -k: refused */
};

enum { S_POLL, S_IGNORE };

/* sntpc's options, one X line each (core/optab.h):
 * X(names, kind, destination, min, max, feature, --help lines) */
#define AT(m) OPT_AT(struct args, m)
#define SNTPC_OPTS(X) \
X("s", OT_SET, AT(o.pol.mode), CLK_STEP, 0, ANY, \
  "  -s            step the clock (clock_settime)\n") \
X("a", OT_SET, AT(o.pol.mode), CLK_ADJUST, 0, ANY, \
  "  -a            adjust: slew below the step threshold, step above it\n") \
/* below it adjtime slews, and libc's adjtime takes at most 1000 s */ \
X("step-threshold", OT_MS, AT(step_ms), 0, 1000000, ANY, \
  "  --step-threshold S  slew/step boundary for -a (default 0.128, max 1000)\n") \
X("panic", OT_MS, AT(panic_ms), 1, 2000000000, ANY, \
  "  --panic S     refuse corrections of S seconds or more\n") \
X("c", OT_NUM, AT(o.q.samples), 1, 64, ANY, \
  "  -c N          samples per server, keep the smallest delay (default 1)\n") \
X("p", OT_STR, AT(port), 0, 0, ANY, \
  "  -p PORT       default port (123)\n") \
X("4", OT_SET, AT(family), AF_INET, 0, ANY, \
  "  -4            IPv4 only\n") \
X("6", OT_SET, AT(family), AF_INET6, 0, IPV6, \
  "  -6            IPv6 only\n") \
X("timeout", OT_MS, AT(o.q.timeout_ms), 10, 60000, ANY, \
  "  --timeout S   seconds per request (default 1)\n") \
X("r", OT_NUM, AT(o.q.retries), 0, 64, ANY, \
  "  -r N          retries per server (default 2)\n") \
X("q", OT_FLAG, AT(o.quiet), 0, 0, ANY, \
  "  -q            quiet: no output on stdout\n") \
X("v", OT_FLAG, AT(o.q.verbose), 0, 0, VERBOSE, \
  "  -v            show every packet's fields on stderr, and why each server\n" \
  "                was kept or dropped\n") \
X("e", OT_FLAG, AT(o.eval), 0, 0, SNTPC_EVAL, \
  "  -e            print shell variables SNTP_* for eval\n") \
X("l", OT_FLAG, AT(o.table), 0, 0, SNTPC_TABLE, \
  "  -l            print an association table (ntpq's tally marks)\n") \
X("d", OT_FLAG, AT(daemon), 0, 0, SNTPC_DAEMON, \
  "  -d            daemon: keep the clock disciplined (-a semantics)\n") \
X("b", OT_FLAG, AT(o.background), 0, 0, SNTPC_DAEMON, \
  "  -b            daemon in the background (working directory /)\n") \
X("pidfile", OT_STR, AT(o.pidfile), 0, 0, SNTPC_DAEMON, \
  "  --pidfile FILE  daemon: write its pid to FILE, removed at exit\n") \
X("poll", OT_CALL, OPT_ID(S_POLL), 0, 0, SNTPC_DAEMON, \
  "  --poll MIN,MAX  daemon poll interval bounds, 16 <= MIN <= MAX <= 131072 s\n" \
  "                (default 64,1024)\n") \
X("g", OT_FLAG, AT(o.any_panic), 0, 0, SNTPC_DAEMON, \
  "  -g            daemon: allow corrections above the panic threshold\n" \
  "                (default 1000 s after the first one)\n") \
X("x", OT_STR, AT(o.prog), 0, 0, SNTPC_DAEMON, \
  "  -x PROG       daemon: run PROG step / PROG unsync with the SNTP_* variables\n" \
  "                (one at a time, killed after 60 s)\n") \
X("L", OT_FLAG, AT(o.use_syslog), 0, 0, SNTPC_DAEMON, \
  "  -L            daemon: log to syslog instead of stderr\n") \
/* issue 11: the LAN server and the sync status */ \
X("serve", OT_FLAG, AT(o.serve), 0, 0, SNTPC_SERVER, \
  "  --serve       daemon: answer NTP clients (RFC 5905 server, port 123);\n" \
  "                until synchronised the answer says so (leap 3, stratum 16)\n") \
X("interface", OT_STR, AT(o.iface), 0, 0, SNTPC_SERVER, \
  "  --interface IFACE  --serve on the interface IFACE only\n") \
X("serve-port", OT_STR, AT(o.serve_port), 0, 0, SNTPC_SERVER, \
  "  --serve-port PORT  --serve on PORT instead of 123\n") \
X("status-file", OT_STR, AT(o.status_path), 0, 0, SNTPC_DAEMON, \
  "  --status-file FILE  the daemon's sync status (default " STATUS_PATH ")\n") \
X("status", OT_FLAG, AT(status), 0, 0, SNTPC_DAEMON, \
  "  --status      print the daemon's sync status (-e: as shell variables)\n") \
X("wait-sync", OT_NUM, AT(wait_sync), 0, 86400, SNTPC_DAEMON, \
  "  --wait-sync S  wait up to S seconds until the daemon is synchronised\n") \
X("", OT_LIST, AT(names), offsetof(struct args, n), 0, ANY, "")

const char sntpc_help[] =
"Usage: sntpc [OPTIONS] SERVER[:PORT]...\n"
"Query SNTP servers and print the offset of the local clock; with -s or -a\n"
"correct it. SERVER may be [IPv6]:PORT; each of a name's addresses (up to 4)\n"
"is a server. The servers are weighed as NTP does (RFC 5905): falsetickers\n"
"are dropped and the time used is the best of a majority that agrees.\n"
"\n"
SNTPC_OPTS(OPT_HELP)
"\n"
"Exit: 0 ok, 64 usage, 69 no server answered, 71 clock call failed,\n"
"74 output not written, 75 rate limited, DNS temporary failure or no majority\n"
"of the servers agrees (nothing printed, clock left alone),\n"
"76 no usable reply (only unusable replies) or offset above --panic,\n"
"77 denied or no permission to set the clock (needs root or CAP_SYS_TIME)"
OPT_IF(SNTPC_DAEMON, ",\n78 -d: -x PROG not executable, --pidfile not writable or the directory of\n"
"--status-file missing")
".\n"
OPT_IF(SNTPC_DAEMON, "--status: 0 synchronised, 75 not synchronised or stale, 69 no status\n"
"file, 76 a malformed one; --wait-sync: 0 synchronised, 75 not in time.\n");

static int poll_arg(struct sntpc_opts *o, const char *s)
{
	const char *comma = strchr(s, ',');
	char min[16];
	long a, b;

	if (!comma || (size_t)(comma - s) >= sizeof min)
		return -1;
	memcpy(min, s, (size_t)(comma - s));
	min[comma - s] = 0;
	if (parse_long(min, POLL_MIN, POLL_LIMIT, &a) || parse_long(comma + 1, a, POLL_LIMIT, &b))
		return -1;
	o->poll_min = (unsigned)a;
	o->poll_max = (unsigned)b;
	return 0;
}

/* the OT_CALL options: --poll */
static int set_special(void *cfg, const struct optdef *o, const char *arg,
                       struct wb_err *e)
{
	struct args *a = cfg;

	if (o->at == S_IGNORE)
		return 0;
	if (poll_arg(&a->o, arg) == 0)
		return 0;
	err_set(e, EX_USAGE, "want MIN,MAX seconds (%u <= MIN <= MAX <= %u), not '%s'",
	        POLL_MIN, POLL_LIMIT, arg);
	return -1;
}

/* BusyBox ntpd's command line (the name ntpd): the same struct args, a
 * table of its own; -p is a PEER here, not a port */
#define NTPD_OPTS(X) \
X("d", OT_FLAG, AT(o.q.verbose), 0, 0, SNTPC_NTPD, \
  "  -d            more messages (each reply, as sntpc -v)\n") \
X("n", OT_FLAG, AT(fg), 0, 0, SNTPC_NTPD, \
  "  -n            run in the foreground (log on stderr; without -n: syslog)\n") \
X("q", OT_FLAG, AT(o.quit_when_set), 0, 0, SNTPC_NTPD, \
  "  -q            quit after the clock is set (0; 69 if no server answered\n" \
  "                within 10 s, 75 no majority); always in the foreground\n") \
X("N", OT_FLAG, AT(nice), 0, 0, SNTPC_NTPD, \
  "  -N            run at high priority (nice -15)\n") \
X("w", OT_FLAG, AT(o.query_only), 0, 0, SNTPC_NTPD, \
  "  -w            do not set the time (only query peers, log each reply),\n" \
  "                implies -n\n") \
X("S", OT_STR, AT(o.prog), 0, 0, SNTPC_NTPD, \
  "  -S PROG       run PROG step|stratum|unsync|periodic (every 11 min) with\n" \
  "                stratum, offset, poll_interval, freq_drift_ppm, SNTP_*\n") \
X("p", OT_LIST, AT(names), offsetof(struct args, n), 0, SNTPC_NTPD, \
  "  -p PEER       obtain time from PEER (HOST, HOST:PORT, [IPv6]:PORT);\n" \
  "                may be repeated\n") \
X("l", OT_FLAG, AT(o.serve), 0, 0, SNTPC_NTPD, \
  "  -l            also serve time on port 123\n") \
X("I", OT_STR, AT(o.iface), 0, 0, SNTPC_NTPD, \
  "  -I IFACE      bind the server to IFACE, implies -l\n") \
X("4", OT_SET, AT(family), AF_INET, 0, SNTPC_NTPD, \
  "  -4            IPv4 peers only\n") \
X("6", OT_SET, AT(family), AF_INET6, 0, SNTPC_NTPD, \
  "  -6            IPv6 peers only\n") \
X("k", OT_STR, AT(keyfile), 0, 0, SNTPC_NTPD, \
  "  -k FILE       (authentication keys) refused: exit 78\n") \
X("x a A b g L", OT_CALL0, OPT_ID(S_IGNORE), 0, 0, SNTPC_NTPD, \
  "  -x -a -A -b -g -L  accepted and ignored, as BusyBox does\n")

const char ntpd_help[] = OPT_IF(SNTPC_NTPD,
"Usage: ntpd [-dnqNwl] [-I IFACE] [-S PROG] [-p PEER]... [-k FILE]\n"
"NTP client/server (wirebox sntpc as BusyBox ntpd; docs/sntpc.md).\n"
"\n"
NTPD_OPTS(OPT_HELP)
"\n"
"Exit: 64 usage, 69 -q: no server answered, 71 clock call failed,\n"
"75 -q: no majority, 77 no permission to set the clock, 78 -k or -S PROG\n"
"not executable.\n")
"";

static const struct optdef sntpc_opt[] = { SNTPC_OPTS(OPT_ENTRY) };
static const struct optdef ntpd_opt[] = { NTPD_OPTS(OPT_ENTRY) };
extern const struct optab sntpc_optab, ntpd_optab;  /* the unit tests check them */
const struct optab sntpc_optab = { sntpc_opt, OPT_COUNT(sntpc_opt), set_special };
/* without ntpd no entry at all: its names (and "\0SNTPC_NTPD" each) would
 * stay in the file, in the object's .rodata, with the table gone */
const struct optab ntpd_optab = { CFG_SNTPC_NTPD ? ntpd_opt : NULL,
                                  CFG_SNTPC_NTPD ? OPT_COUNT(ntpd_opt) : 0, set_special };

static void defaults(struct args *a)
{
	memset(a, 0, sizeof *a);
	a->o.q.samples = 1;
	a->o.q.retries = 2;
	a->o.q.timeout_ms = 1000;
	a->o.pol.mode = CLK_QUERY;
	a->step_ms = 128;
	a->o.poll_min = 64;
	a->o.poll_max = 1024;
	a->family = AF_UNSPEC;
	a->port = "123";
	a->wait_sync = -1;
}

/* --status and --wait-sync: no SERVER, no -d */
static int status_args(const struct args *a)
{
	if (a->n)
		return usage_error("--status and --wait-sync take no SERVER");
	if (a->daemon || (a->status && a->wait_sync >= 0))
		return usage_error("--status, --wait-sync and -d exclude each other");
	if (a->o.table || a->o.serve || a->o.prog || a->o.pidfile)
		return usage_error("--status and --wait-sync read the status file only");
	return 0;
}

/* called as ntpd: BusyBox's command line into the same args. Always a
 * daemon (background unless -n or -w); -q is a one-shot run with a
 * bounded wait (5 requests 2 s apart per server: 10 s, as BusyBox waits
 * 10 s for a first reply) that sets the clock as -a does. */
static int parse_ntpd(struct args *a, int argc, char **argv)
{
	struct wb_err e;
	int r;

	if ((r = opt_argv(&ntpd_optab, a, argc, argv, 0, &e)) != 0)
		return r == OPT_HELP_ASKED ? -1 : usage_error("%s", e.msg);
	if (a->keyfile) {
		warnmsg("-k %s: authentication keys are not supported: refused", a->keyfile);
		return EX_CONFIG;
	}
	if (a->n == 0)
		return usage_error("no peer: give -p PEER (/etc/ntp.conf is not read)");
	a->o.busybox = 1;
	a->o.serve |= a->o.iface != NULL;       /* -I implies -l */
	a->o.pol.step_thr = ntp_fix_from_ms(a->step_ms);
	if (a->o.quit_when_set) {
		a->o.quiet = !a->o.q.verbose;
		a->o.q.retries = 4;
		a->o.q.timeout_ms = 2000;
		a->o.pol.mode = a->o.query_only ? CLK_QUERY : CLK_ADJUST;
		return 0;
	}
	a->daemon = 1;
	a->o.background = !a->fg && !a->o.query_only;
	a->o.use_syslog = a->o.background;      /* stderr is /dev/null then */
	a->o.pol.mode = CLK_ADJUST;
	a->o.pol.panic = ntp_fix_from_ms(1000000);
	return 0;
}

/* ntpd -N: BusyBox's -15 (a failure is only a warning) */
static void high_priority(void)
{
	if (setpriority(PRIO_PROCESS, 0, -15))
		warnmsg("-N: cannot raise the priority: %s", strerror(errno));
}

/* 0, -1 for --help, or an exit code */
static int parse_args(struct args *a, int argc, char **argv)
{
	struct wb_err e;
	int r;

	defaults(a);
	if (CFG_SNTPC_NTPD && !strcmp(wb_applet, "ntpd"))
		return parse_ntpd(a, argc, argv);
	if ((r = opt_argv(&sntpc_optab, a, argc, argv, 0, &e)) != 0)
		return r == OPT_HELP_ASKED ? -1 : usage_error("%s", e.msg);
	if (a->status || a->wait_sync >= 0)
		return status_args(a);
	if ((a->o.serve || a->o.status_path) && !a->daemon)
		return usage_error("--serve and --status-file need -d");
	if ((a->o.iface || a->o.serve_port) && !a->o.serve)
		return usage_error("--interface and --serve-port need --serve");
	if (a->n == 0)
		return usage_error("no server given");
	if (a->o.eval + a->o.table > 1)
		return usage_error("-e and -l exclude each other");
	if ((a->o.prog || a->o.background || a->o.use_syslog || a->o.any_panic ||
	     a->o.pidfile) && !a->daemon)
		return usage_error("-b, -g, -L, -x and --pidfile need -d");
	if (a->daemon && (a->o.quiet || a->o.table || a->o.eval))
		return usage_error("-d logs: -q, -l and -e are for one-shot runs");
	if (a->daemon)          /* -s too: the daemon slews below the threshold */
		a->o.pol.mode = CLK_ADJUST;
	a->o.pol.step_thr = ntp_fix_from_ms(a->step_ms);
	if (a->panic_ms || a->daemon)
		a->o.pol.panic = ntp_fix_from_ms(a->panic_ms ? a->panic_ms : 1000000);
	return 0;
}

/* resolve every name; servers that fail are marked and reported. The
 * daemon keeps going without any (DNS may come up after boot). */
static int resolve(struct args *a, struct query *q)
{
	int i, k, ok = 0, code = EX_UNAVAILABLE;

	for (i = 0; i < q->n; i++) {
		q->srv[i].used = 0;
		q->srv[i].fd = -1;
	}
	for (i = 0; i < a->n; i++) {
		struct source *src = &q->src[i];
		struct wb_err e;

		memset(src, 0, sizeof *src);
		src->name = a->names[i];
		src->family = a->family;
		if (hostport_parse(src->name, a->port, &src->hp, &e))
			return err_report(&e, NULL, NULL);
		if (query_resolve(q, i, &e) == 0) {
			ok++;
			if (CFG_VERBOSE && q->verbose && src->dups)
				fprintf(stderr, "%s: %s: %d address%s another server has already or twice: "
				        "counted once\n", wb_applet, src->name, src->dups,
				        src->dups == 1 ? "" : "es");
			for (k = 0; k < SNTPC_MAX_ADDRS; k++)
				q->srv[i * SNTPC_MAX_ADDRS + k].poll = a->daemon ? a->o.poll_min : 0;
			continue;
		}
		err_report(&e, src->name, "resolve");
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
		if (!srv[i].used || srv[i].state != SRV_FAIL || srv[i].fail == FAIL_RESOLVE)
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
		if (!srv[i].used || srv[i].fail == FAIL_RESOLVE)
			continue;
		fprintf(stderr, "%s: %s: %u repl%s dropped, %u from another address or port\n",
		        wb_applet, srv[i].addr, d, d == 1 ? "y" : "ies", srv[i].foreign);
	}
}

/* -v: why each server that answered was kept or dropped */
static void report_why(const struct server *srv, int n, const struct sel_out *so)
{
	char line[ADDRSTR_MAX + 200];
	int i;

	for (i = 0; i < n; i++) {
		if (!srv[i].used || !srv[i].usable)
			continue;
		out_why(line, sizeof line, &srv[i], so);
		fprintf(stderr, "%s: %s\n", wb_applet, line);
	}
	if (so->nusable == 1)
		fprintf(stderr, "%s: one server only: its time cannot be checked against another\n",
		        wb_applet);
}

/* no system peer: no majority (75), only servers too far to trust (76),
 * or no usable reply at all (query_exit_code). Nothing is printed as an
 * offset and the clock is left alone; -l still shows the table. */
static int no_choice(const struct sntpc_opts *o, const struct sel_out *so)
{
	const struct server *srv = o->q.srv;
	char msg[1024], d[32];
	int i, far = 0;

	if (CFG_SNTPC_TABLE && o->table && !o->quiet)
		out_table(stdout, srv, o->q.n, mono_ms());
	if (so->nusable > 1) {
		out_nomaj(msg, sizeof msg, srv, o->q.n);
		warnmsg("%s", msg);
		return EX_TEMPFAIL;
	}
	for (i = 0; i < o->q.n; i++) {
		if (!srv[i].used || !srv[i].usable || srv[i].why != SEL_FAR)
			continue;
		far++;
		warnmsg("%s: select: root distance %s s above 1.5 s: not trusted", srv[i].addr,
		        ntp_fix_str(srv[i].dist, 0, d, sizeof d));
	}
	return far ? EX_PROTOCOL : query_exit_code(srv, o->q.n);
}

static void print_result(const struct sntpc_opts *o, const struct server *srv,
                         int n, int best, const struct sel_out *so)
{
	if (o->quiet)
		return;
	if (CFG_SNTPC_TABLE && o->table) {
		out_table(stdout, srv, n, mono_ms());
	} else if (CFG_SNTPC_EVAL && o->eval) {
		out_eval(stdout, &srv[best]);
		out_eval_sel(stdout, so);
	} else {
		out_line(stdout, &srv[best]);
	}
}

/* query every server, select (RFC 5905: the system peer's offset is the
 * one printed and applied, and only a majority gives one) */
static int oneshot(struct sntpc_opts *o)
{
	const struct server *b;
	struct sel_out so;
	struct wb_err e;
	enum clock_act act;
	int i, best;

	o->q.keep_best = 1;
	for (i = 0; i < o->q.n; i++)
		query_reset(&o->q, &o->q.srv[i]);
	query_run(&o->q);
	if (CFG_VERBOSE && o->q.verbose)
		report_drops(o->q.srv, o->q.n);
	report_failures(o->q.srv, o->q.n);
	best = select_servers(o->q.srv, o->q.n, -1, mono_ms(), &so);
	if (CFG_VERBOSE && o->q.verbose)
		report_why(o->q.srv, o->q.n, &so);
	if (best < 0)
		return no_choice(o, &so);
	b = &o->q.srv[best];
	print_result(o, o->q.srv, o->q.n, best, &so);
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

static int64_t unix_now(void)
{
	struct ntp_time t;

	return clock_sys.now(&t) ? 0 : t.sec;
}

/* --status (0 synchronised, 75 not or stale, 69 no file) and --wait-sync
 * (0 synchronised, 75 not in time; quiet unless -e) */
static int status_cmd(const struct args *a)
{
	const char *path = a->o.status_path ? a->o.status_path : STATUS_PATH;
	char buf[STATUS_FILE_MAX + 512];
	struct sync_status st;
	struct wb_err e;
	int ok;

	if (a->wait_sync >= 0) {
		if (status_wait(path, mono_ms() + a->wait_sync * 1000LL, &st, &e))
			return err_report(&e, NULL, "--wait-sync");
		ok = 1;
	} else if (status_read(path, &st, &e)) {
		return err_report(&e, NULL, NULL);
	} else {
		ok = status_ok(&st, unix_now());
	}
	if ((a->wait_sync < 0 || a->o.eval) && !a->o.quiet) {
		status_format(&st, a->o.eval, a->o.eval ? 0 : unix_now(), buf, sizeof buf);
		fputs(buf, stdout);
		if (fflush(stdout))
			return EX_IOERR;
	}
	if (st.synced && !ok && !a->o.quiet)
		warnmsg("%s: stale: is the daemon running?", path);
	return ok ? 0 : EX_TEMPFAIL;
}

int sntpc_main(int argc, char **argv)
{
	static struct server srv[SNTPC_MAX_SERVERS];
	struct source src[SNTPC_MAX_NAMES];
	struct args a;
	int rc;

	if ((rc = parse_args(&a, argc, argv)) != 0) {
		if (rc > 0)
			return rc;
		fputs(!strcmp(wb_applet, "ntpd") ? ntpd_help : sntpc_help, stdout);
		return fflush(stdout) ? EX_IOERR : 0;
	}
	if (CFG_SNTPC_DAEMON && (a.status || a.wait_sync >= 0))
		return status_cmd(&a);
	a.o.q.src = src;
	a.o.q.nsrc = a.n;
	a.o.q.srv = srv;
	a.o.q.n = a.n * SNTPC_MAX_ADDRS;
	if ((rc = resolve(&a, &a.o.q)) != 0)
		return rc;
	if (CFG_SNTPC_NTPD && a.nice)
		high_priority();
	if (CFG_SNTPC_DAEMON && a.daemon)
		return sntpc_daemon(&a.o);
	return oneshot(&a.o);
}
