/* fuzz_tls_opt.c - tls_fp_parse and tls_opt on any text. Properties: a
 * parsed fingerprint prints back (lower-case hex, with or without colons)
 * to the input ignoring case; tls_opt accepts a fingerprint exactly when
 * tls_fp_parse does (a TLS-off build refuses every one, with 64); a flag
 * key takes only the flag words. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	struct tls_opts o;
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
	memset(&o, 0, sizeof o);
	f = tls_opt(&o, "fingerprint", s, &e);
	if ((r == 0 && CFG_TLS) != (f == 1) || (f == -1 && e.code != EX_USAGE))
		abort();
	memset(&o, 0, sizeof o);
	f = tls_opt(&o, "insecure", s, &e);
	if (f == 1 && o.insecure != (!*s || !strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "1")))
		abort();
	return 0;
}
