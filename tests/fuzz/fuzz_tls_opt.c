/* fuzz_tls_opt.c - tls_fp_parse and the TLS option block (TLS_OPTS) on any
 * text. Properties: a parsed fingerprint prints back (lower-case hex, with
 * or without colons) to the input ignoring case; the "fingerprint" key
 * (and msmtp's "tls-fingerprint") accepts a fingerprint exactly when
 * tls_fp_parse does (a TLS-off build refuses every one, with 78 naming
 * CONFIG_TLS); a flag key takes only the flag words. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "optab.h"
#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fcfg {
	struct tls_opts tls;
};
#define TAT(m) OPT_AT(struct fcfg, tls.m)
static const struct optdef fopt[] = { TLS_OPTS(OPT_ENTRY, TAT, 1, "465") };

static int fcall(void *cfg, const struct optdef *o, const char *arg, struct wb_err *e)
{
	struct fcfg *c = cfg;

	if (o->at != 1)
		abort();
	return tls_opt_fp(&c->tls, arg, e);
}

static const struct optab ftab = { fopt, OPT_COUNT(fopt), fcall };

static void same_as_input(const char *s, const unsigned char fp[TLS_FP_LEN])
{
	char back[3 * TLS_FP_LEN];
	size_t i, n = strlen(s), k = 0;
	int colons = n != 2 * TLS_FP_LEN;

	for (i = 0; i < TLS_FP_LEN; i++) {
		k += (size_t)snprintf(back + k, sizeof back - k, "%02x", fp[i]);
		if (colons && i + 1 < TLS_FP_LEN)
			back[k++] = ':';
	}
	if (k != n)
		abort();
	for (i = 0; i < n; i++)
		if (tolower((unsigned char)s[i]) != back[i])
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char s[256];
	unsigned char fp[TLS_FP_LEN];
	struct fcfg c;
	struct wb_err e;
	size_t n = size < sizeof s - 1 ? size : sizeof s - 1;
	int r, f;

	memcpy(s, data, n);
	s[n] = 0;
	r = tls_fp_parse(s, fp);
	if (r == 0)
		same_as_input(s, fp);
	else if (r != -1)
		abort();
	memset(&c, 0, sizeof c);
	f = opt_key(&ftab, &c, n & 1 ? "fingerprint" : "tls-fingerprint", s, &e);
	if ((r == 0 && CFG_TLS) != (f == 0) || (f == -1 && e.code != (CFG_TLS ? EX_USAGE : EX_CONFIG)))
		abort();
	if (f == 0 && c.tls.fingerprint != s)
		abort();
	memset(&c, 0, sizeof c);
	f = opt_key(&ftab, &c, "insecure", s, &e);
	if (f == 0 && c.tls.insecure != (!*s || !strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "1")))
		abort();
	if (f == 0 && !CFG_TLS && c.tls.insecure)
		abort();
	return 0;
}
