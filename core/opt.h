/* opt.h - the value parsers of the option tables (optab.h) and of the
 * applets' own checks: numbers, seconds, on/off, ports. */
#ifndef WB_OPT_H
#define WB_OPT_H
#include "err.h"

/* Parse a decimal number in [min, max] with optional fraction ("1.5")
 * into milliseconds. Returns 0, or -1 on bad input. */
int parse_ms(const char *s, long min_ms, long max_ms, long *out);
/* Parse a decimal integer in [min, max]. Returns 0 or -1. */
int parse_long(const char *s, long min, long max, long *out);
/* An on/off value: "", on, yes, 1 / off, no, 0 into *out. Returns 0, or
 * -1 with e filled (EX_USAGE, "key: want on or off, not 'v'"). */
int parse_flag(const char *key, const char *v, int *out, struct wb_err *e);
/* A port: 1 to 5 digits, 1-65535 (no service names: nothing to resolve;
 * hostport_parse checks -S HOST:PORT alike). 1 good, 0 not. */
int port_ok(const char *v);
/* the reason port_ok's callers give (after "KEY: ") */
#define PORT_WANT "want a number 1-65535"

#endif
