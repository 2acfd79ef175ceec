/* fuzz_opt.c - parse_long, parse_ms and port_ok on any text; the option
 * table (optab.h) over any argv (words separated by NUL bytes): opt_argv,
 * its first pass, each word as a config line ("key value") through
 * opt_key; and the applets' own tables (sntpc, smtpsend, pop3get) on the
 * same argv and lines. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "opt.h"
#include "optab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- a table with every kind ---- */
#define CFG_FZON 1
#define CFG_FZOFF 0

struct fcfg {
	int quiet, mode, fam, auth, daemon, count, info;
	long timeout_ms;
	long long big;
	const char *file, *user, *host, *prog, *conf, *poll;
	const char *o[3];
	int no;
	const char *ops[4];
	int nops;
};

#define F(m) OPT_AT(struct fcfg, m)
#define FZ_OPTS(X) \
X("q quiet", OT_FLAG, F(quiet), 0, 0, FZON, "") \
X("s", OT_SET, F(mode), 2, 0, ANY, "") \
X("a", OT_SET, F(mode), 3, 0, ANY, "") \
X("4 ipv4", OT_SET, F(fam), 4, 0, ANY, "") \
X("timeout wait", OT_MS, F(timeout_ms), 1, 3600000, ANY, "") \
X("c count", OT_NUM, F(count), 1, 64, ANY, "") \
X("max-size", OT_NUM, F(big), 1, INT_MAX, ANY, "") \
X("f", OT_STR, F(file), 0, 0, ANY, "") \
X("-au user", OT_STR, F(user), 0, 0, ANY, "") \
X("=host --server", OT_STR, F(host), 0, 0, ANY, "") \
X("-o* -B*", OT_LIST, F(o), offsetof(struct fcfg, no), 0, ANY, "") \
X("auth:apop|plain|user|auto", OT_ENUM, F(auth), 10, 0, ANY, "") \
X("d daemon", OT_FLAG, F(daemon), 0, 0, FZOFF, "") \
X("x", OT_STR, F(prog), 0, 0, FZOFF, "") \
X("C", OT_STR | OPT_EARLY, F(conf), 0, 0, ANY, "") \
X("poll", OT_CALL, OPT_ID(1), 0, 0, ANY, "") \
X("--info", OT_CALL0, OPT_ID(2), 0, 0, ANY, "") \
X("", OT_LIST, F(ops), offsetof(struct fcfg, nops), 0, ANY, "")

static const struct optdef fopt[] = { FZ_OPTS(OPT_ENTRY) };

static int fcall(void *cfg, const struct optdef *o, const char *arg, struct wb_err *e)
{
	struct fcfg *c = cfg;

	if (o->at == 2)
		return c->info = 1, 0;
	if (!arg || !strchr(arg, ','))
		return err_set(e, EX_USAGE, "want A,B"), -1;
	c->poll = arg;
	return 0;
}

static const struct optab ftab = { fopt, OPT_COUNT(fopt), fcall };

static void numbers(const char *s)
{
	long v;

	if (parse_long(s, LONG_MIN, LONG_MAX, &v) == 0 && parse_long(s, v, v, &v))
		abort();
	if (parse_long(s, -1000, 1000, &v) == 0 && (v < -1000 || v > 1000))
		abort();
	if (parse_ms(s, 0, LONG_MAX, &v) == 0 && v < 0)
		abort();
	if (parse_ms(s, 1, 3600000, &v) == 0 && (v < 1 || v > 3600000))
		abort();
	if (port_ok(s) && (parse_long(s, 1, 65535, &v) || strlen(s) > 5))
		abort();
}

static void check_err(const struct wb_err *e, int code2)
{
	if ((e->code != EX_USAGE && e->code != code2) || !e->msg[0] ||
	    strlen(e->msg) >= sizeof e->msg)
		abort();
}

/* what a successful parse may hold */
static void check_cfg(const struct fcfg *c)
{
	int i;

	if ((c->mode != 0 && c->mode != 2 && c->mode != 3) || (c->fam != 0 && c->fam != 4) ||
	    (c->auth != 0 && (c->auth < 10 || c->auth > 13)) || c->daemon || c->prog ||
	    (c->count != 0 && (c->count < 1 || c->count > 64)) ||
	    c->timeout_ms < 0 || c->timeout_ms > 3600000 || c->big < 0 ||
	    c->no < 0 || c->no > 3 || c->nops < 0 || c->nops > 4 || (c->quiet & ~1))
		abort();
	for (i = 0; i < c->no; i++)
		if (!c->o[i])
			abort();
	for (i = 0; i < c->nops; i++)
		if (!c->ops[i])
			abort();
}

static void new_parser(int argc, char **argv)
{
	static struct fcfg zero;
	struct fcfg c, first;
	struct wb_err e = { 0, "" };
	const char *conf;
	int r;

	memset(&first, 0, sizeof first);
	if (opt_argv(&ftab, &first, argc, argv, OPT_EARLY, &e) != 0)
		abort();
	conf = first.conf;              /* the first pass sets -C and nothing else */
	first.conf = NULL;
	if (memcmp(&first, &zero, sizeof first))
		abort();
	memset(&c, 0, sizeof c);
	r = opt_argv(&ftab, &c, argc, argv, 0, &e);
	if (r == -1)
		check_err(&e, EX_USAGE);
	else if (r == 0) {
		check_cfg(&c);
		if (c.conf != conf)             /* both passes read words alike */
			abort();
	} else if (r != OPT_HELP_ASKED)
		abort();
}

/* each word with a blank as a config line "key value" */
static void config_lines(int argc, char **argv)
{
	struct fcfg c;
	struct wb_err e = { 0, "" };
	char line[256];
	int i;

	memset(&c, 0, sizeof c);
	for (i = 1; i < argc; i++) {
		char *sp = strchr(argv[i], ' ');

		if (!sp || strlen(argv[i]) >= sizeof line)
			continue;
		memcpy(line, argv[i], strlen(argv[i]) + 1);
		line[sp - argv[i]] = 0;
		if (opt_key(&ftab, &c, line, line + (sp - argv[i]) + 1, &e) < 0)
			check_err(&e, EX_CONFIG);
	}
	if (c.no || c.nops)     /* lists and operands are not config keys */
		abort();
	c.no = c.nops = 0;
	check_cfg(&c);
}

extern const struct optab sntpc_optab, smtpsend_optab, pop3get_optab;

/* room for any applet's settings */
static union { long long l; void *p; char b[1 << 16]; } cfg;

/* an applet's table over argv, then each word with a blank as a config
 * line: errors are usage (64) or config (78) errors in words, a config
 * answer is 0, CONF_SECRET or CONF_COMMAND */
static void applet_table(const struct optab *t, int argc, char **argv)
{
	struct wb_err e = { 0, "" };
	char line[256];
	unsigned i;
	int r, k;

	for (i = 0; i < t->n; i++) {
		const struct optdef *o = &t->opt[i];
		if ((size_t)o->at + o->size > sizeof cfg.b || (size_t)o->min > sizeof cfg.b)
			abort();
	}
	memset(&cfg, 0, sizeof cfg);
	if (opt_argv(t, &cfg, argc, argv, OPT_EARLY, &e) != 0)
		abort();
	if (opt_argv(t, &cfg, argc, argv, 0, &e) == -1)
		check_err(&e, EX_USAGE);
	memset(&cfg, 0, sizeof cfg);
	for (k = 1; k < argc; k++) {
		char *sp = strchr(argv[k], ' ');

		if (!sp || strlen(argv[k]) >= sizeof line)
			continue;
		memcpy(line, argv[k], strlen(argv[k]) + 1);
		line[sp - argv[k]] = 0;
		r = opt_key(t, &cfg, line, line + (sp - argv[k]) + 1, &e);
		if (r < 0)
			check_err(&e, EX_CONFIG);
		else if (r > 2)
			abort();
	}
}

/* smtpsend's -ap warns on stderr: left out, so that the output stays quiet */
static int has_ap(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strncmp(argv[i], "-ap", 3))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[4096];
	char *argv[64];
	size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1, i;
	int argc = 1;

	memcpy(buf, data, n);
	buf[n] = 0;
	argv[0] = "prog";
	for (i = 0; i <= n && argc < 63; i++)
		if (i == 0 || buf[i - 1] == 0)
			argv[argc++] = buf + i;
	argv[argc] = NULL;
	for (i = 1; i < (size_t)argc; i++)
		numbers(argv[i]);
	new_parser(argc, argv);
	config_lines(argc, argv);
	applet_table(&sntpc_optab, argc, argv);
	if (!has_ap(argc, argv))
		applet_table(&smtpsend_optab, argc, argv);
	applet_table(&pop3get_optab, argc, argv);
	return 0;
}
