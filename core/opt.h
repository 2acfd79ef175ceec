/* opt.h - option parsing for the applets' short, long and odd options.
 *
 * A table entry's name decides how it matches:
 *   "v"        short: clusters (-qv), argument attached (-fADDR) or next
 *   "timeout"  long:  --timeout S or --timeout=S
 *   "-au"      a multi-letter single-dash option (BusyBox's -au USER,
 *              -auUSER), written with its dash in the table
 *   "-o*"      any single-dash word starting with -o; the rest is the
 *              argument ("-oi" gives "i")
 * Non-options are returned one by one as OPT_ARG; "--" makes the rest
 * non-options. */
#ifndef WB_OPT_H
#define WB_OPT_H
#include "err.h"

enum { OPT_END = -1, OPT_ARG = -2, OPT_ERR = -3 };

struct opt {
	const char *name;
	int id;         /* returned when matched; must be >= 0 */
	int has_arg;    /* 1: requires an argument */
};

struct optstate {
	int argc;
	char **argv;
	int ind;        /* next argv index */
	int cluster;    /* offset inside a short-option cluster, 0 if none */
	int only_args;  /* after "--" */
	char *arg;      /* the argument or the non-option */
	char err[96];   /* message for OPT_ERR */
};

void opt_init(struct optstate *st, int argc, char **argv);
/* Returns an id, OPT_ARG (st->arg is the word), OPT_END, or OPT_ERR
 * (st->err says why: unknown option or missing argument). */
int opt_next(struct optstate *st, const struct opt *tab);

/* Parse a decimal number in [min, max] with optional fraction ("1.5")
 * into milliseconds. Returns 0, or -1 on bad input. */
int parse_ms(const char *s, long min_ms, long max_ms, long *out);
/* Parse a decimal integer in [min, max]. Returns 0 or -1. */
int parse_long(const char *s, long min, long max, long *out);
/* An on/off value: "", on, yes, 1 / off, no, 0 into *out. Returns 0, or
 * -1 with e filled (EX_USAGE, "key: want on or off, not 'v'"). */
int parse_flag(const char *key, const char *v, int *out, struct wb_err *e);

#endif
