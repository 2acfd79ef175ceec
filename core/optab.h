/* optab.h - one declarative option table per applet. The same table
 * drives the command line, the config-file keys and --help, for the build
 * at hand: an option of a feature that is compiled out is left out of
 * --help, and using it is refused naming the option and its symbol
 * ("sntpc: -d: not compiled in (CONFIG_SNTPC_DAEMON)").
 *
 * An applet writes its table once, as a list of X(...) lines, and
 * instantiates it twice: OPT_ENTRY gives the parser's entries, OPT_HELP
 * the --help text (only the lines whose feature is built in):
 *
 *   #define AT(m) OPT_AT(struct args, m)
 *   //  X(names, kind, destination, min, max, FEATURE, help line(s))
 *   #define FOO_OPTS(X) \
 *   X("q quiet", OT_FLAG, AT(quiet), 0, 0, ANY, \
 *     "  -q, --quiet   print nothing\n") \
 *   X("timeout wait", OT_MS, AT(timeout_ms), 1, 3600000, ANY, \
 *     "  --timeout S   seconds per request (default 30)\n") \
 *   X("d", OT_FLAG, AT(daemon), 0, 0, FOO_DAEMON, \
 *     "  -d            keep running\n") \
 *   X("-au", OT_STR, AT(user), 0, 0, ANY, \
 *     "  -au USER      log in as USER\n") \
 *   X("-o*", OT_FLAG, AT(ignored), 0, 0, ANY, "") \
 *   X("poll", OT_CALL, OPT_ID(P_POLL), 0, 0, FOO_DAEMON, \
 *     "  --poll A,B    poll interval bounds\n") \
 *   X("", OT_LIST, AT(names), offsetof(struct args, n), 0, ANY, "")
 *
 *   static const struct optdef foo_opt[] = { FOO_OPTS(OPT_ENTRY) };
 *   const char foo_help[] = "Usage: foo [OPTIONS] NAME...\n"
 *           FOO_OPTS(OPT_HELP) "Exit: 0 ok, 64 usage\n";
 *   static const struct optab foo_tab = { foo_opt, OPT_COUNT(foo_opt),
 *                                         foo_call };
 *
 * With a config file, two passes: -C FILE first, then the file, then the
 * whole command line over it:
 *
 *   struct optconf oc = { &foo_tab, &args };
 *   opt_argv(&foo_tab, &args, argc, argv, OPT_EARLY, &e);  (never fails)
 *   if (conf_read(args.conf ? args.conf : "/etc/foo.conf", args.conf != NULL,
 *                 opt_conf, &oc, &e))               -> exit 78, e names file:line
 *   r = opt_argv(&foo_tab, &args, argc, argv, 0, &e);
 *   if (r == OPT_HELP_ASKED) -> fputs(foo_help, stdout), exit 0
 *   if (r < 0)               -> usage_error("%s", e.msg), exit 64
 *
 * names: blank-separated spellings of one option
 *   "d"        -d: short, clusters (-qd), argument attached (-c3) or next
 *   "timeout"  --timeout S, --timeout=S, and the config-file key "timeout"
 *   "--info"   --info on the command line only (no config key)
 *   "=host"    the config-file key "host" only
 *   "-au"      a one-dash word (BusyBox's -au USER, -auUSER)
 *   "-o*"      any one-dash word starting with -o; the rest is the argument
 *   ""         (no name) the operands, the words that are not options
 * An alias spelling is one more name ("cafile tls-trust-file") or one
 * more X line with the same destination and an empty help.
 * OT_ENUM entries end their names with ":word|word|...".
 *
 * kind: what the argument is and where it goes (cfg + the destination)
 *   OT_FLAG  int = 1; no argument; config "key on|off" (also yes/no/1/0)
 *   OT_SET   int = min; no argument; config on = min, off = 0 if it was min
 *   OT_STR   const char * = the argument (argv or the config text)
 *   OT_NUM   int/long/long long = decimal in [min, max]
 *   OT_MS    int/long/long long = seconds with a fraction, as milliseconds
 *            in [min, max] ("1.5" is 1500)
 *   OT_ENUM  int = min + the index of the argument among the words
 *   OT_LIST  repeatable: appended to a const char *array[]; min is the
 *            offsetof its int count (give the operands an OT_LIST)
 *   OT_CALL  tab->call(cfg, entry, arg, e) with entry->at the id given
 *            by OPT_ID(); OT_CALL0 the same without an argument (NULL on
 *            the command line, the value in a config file)
 *   | OPT_EARLY  also set in the first pass (-C FILE before the config)
 *   | OPT_SECRET   the config value is a secret, | OPT_COMMAND a command
 *                we run or a file a secret is read from: opt_key returns
 *                CONF_SECRET / CONF_COMMAND (account.h), so conf_read
 *                guards the file (password, passwordeval, passfile, mda)
 *   (OPT_OFF is OPT_ENTRY's: the feature is compiled out, see opt_off())
 * max INT_MAX means no bound but the destination type's.
 * FEATURE: the Kconfig symbol without CONFIG_ (CFG_FEATURE 0/1), or ANY.
 *
 * Errors name the spelling used: "--timeout: want seconds (0.001-3600),
 * not 'abc'", "-d: not compiled in (CONFIG_SNTPC_DAEMON)", in a config
 * file the key ("timeout: ..."). A call fills e with the reason only
 * ("want MIN,MAX, not 'x'"); the parser puts the spelling in front.
 * A config key that is a "--name" (command line only) is refused as one
 * ("'stat' is a command-line option, not a config key"); a flag of a
 * feature compiled out may be turned off ("tls off" in a TLS-off build). */
#ifndef WB_OPTAB_H
#define WB_OPTAB_H
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include "sysopts.h"
#include "err.h"

enum opt_kind {
	OT_FLAG, OT_SET, OT_STR, OT_NUM, OT_MS, OT_ENUM, OT_LIST, OT_CALL, OT_CALL0
};
#define OPT_KIND 0x0f
#define OPT_SECRET 0x10         /* CONF_SECRET << 4 */
#define OPT_COMMAND 0x20        /* CONF_COMMAND << 4 */
#define OPT_OFF 0x40            /* compiled out: "X" of CONFIG_X follows names' NUL */
#define OPT_EARLY 0x80

struct optdef {
	const char *names;      /* spellings (see above) */
	unsigned char kind;     /* enum opt_kind, | OPT_EARLY, OPT_OFF */
	unsigned short at;      /* offsetof the destination; OT_CALL: the id */
	unsigned short size;    /* sizeof the destination */
	int min, max;           /* range; OT_SET/OT_ENUM value; OT_LIST count */
};

/* "X" (of CONFIG_X) when o's feature is compiled out, else NULL; the
 * symbol is kept without its "CONFIG_" (7 bytes an entry) */
static inline const char *opt_off(const struct optdef *o)
{
	return o->kind & OPT_OFF ? o->names + strlen(o->names) + 1 : NULL;
}

struct optab {
	const struct optdef *opt;
	unsigned n;
	/* OT_CALL/OT_CALL0: 0, or -1 with e filled (the reason) */
	int (*call)(void *cfg, const struct optdef *o, const char *arg,
	            struct wb_err *e);
};

#define OPT_AT(type, member) offsetof(type, member), sizeof(((type *)0)->member)
#define OPT_ID(id) (id), 0
#define OPT_COUNT(arr) (unsigned)(sizeof (arr) / sizeof *(arr))
#define CFG_ANY 1

/* a feature compiled out adds OPT_OFF and its symbol after the names */
#define OPT_ENTRY(names, kind, dest, min, max, feat, help) \
	{ OPT_NAMES_(CFG_##feat, names, #feat), \
	  (kind) | OPT_OFF_(CFG_##feat), dest, min, max },
#define OPT_HELP(names, kind, dest, min, max, feat, help) OPT_IF_(CFG_##feat, help)
/* OPT_IF(FEATURE, "text"): the text only when FEATURE is built in */
#define OPT_IF(feat, text) OPT_IF_(CFG_##feat, text)
#define OPT_IF_(v, text) OPT_IF__(v, text)
#define OPT_IF__(v, text) OPT_IF_##v(text)
#define OPT_IF_0(text) ""
#define OPT_IF_1(text) text
/* OPT_IF_NOT(FEATURE, "text"): the text only when FEATURE is compiled out */
#define OPT_IF_NOT(feat, text) OPT_IF_NOT_(CFG_##feat, text)
#define OPT_IF_NOT_(v, text) OPT_IF_NOT__(v, text)
#define OPT_IF_NOT__(v, text) OPT_IF_##v##_NOT(text)
#define OPT_IF_0_NOT(text) text
#define OPT_IF_1_NOT(text) ""
#define OPT_NAMES_(v, names, sym) OPT_NAMES__(v, names, sym)
#define OPT_NAMES__(v, names, sym) OPT_NAMES_##v(names, sym)
#define OPT_NAMES_0(names, sym) names "\0" sym
#define OPT_NAMES_1(names, sym) names
#define OPT_OFF_(v) OPT_OFF__(v)
#define OPT_OFF__(v) OPT_OFF_##v
#define OPT_OFF_0 OPT_OFF
#define OPT_OFF_1 0

enum { OPT_HELP_ASKED = 1 };

/* Parse argv[1..] into cfg. Returns 0, OPT_HELP_ASKED for --help (the
 * caller prints its help and exits 0), or -1 with e filled (EX_USAGE).
 * early = OPT_EARLY: only the OPT_EARLY entries are set, and nothing
 * else is checked (the first pass, for -C FILE). */
int opt_argv(const struct optab *t, void *cfg, int argc, char **argv,
             int early, struct wb_err *e);

/* One "key value" of a config file. Returns 0, CONF_SECRET or
 * CONF_COMMAND for an OPT_SECRET or OPT_COMMAND entry (a conf_fn's
 * answer, account.h), or -1 with e filled: EX_CONFIG for an unknown key,
 * a command-line option or a feature compiled out, EX_USAGE for a bad
 * value ("timeout: want seconds (0.001-3600), not 'abc'"). */
int opt_key(const struct optab *t, void *cfg, const char *key, const char *val,
            struct wb_err *e);
/* the same as a conf_fn for conf_read(): ctx is a struct optconf */
struct optconf {
	const struct optab *t;
	void *cfg;
};
int opt_conf(void *ctx, const char *key, const char *val, struct wb_err *e);

/* A table's self-check for the unit tests: sizes fit the kinds, names are
 * well formed, no spelling or key twice. 0, or -1 with why filled. */
int opt_check(const struct optab *t, char *why, size_t max);

#endif
