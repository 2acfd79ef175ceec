/* tls_opt.c - the --fingerprint parser and the CA bundle search; the TLS
 * options themselves are TLS_OPTS lines in each mail applet's table. */
#include <string.h>
#include <sys/stat.h>
#include "tls.h"

const char *const tls_ca_default[] = {
	"/etc/ssl/certs/ca-certificates.crt",   /* Debian, OpenWrt, Alpine */
	"/etc/ssl/cert.pem",                    /* Buildroot, BSDs */
	"/etc/pki/tls/certs/ca-bundle.crt",     /* Fedora, RHEL */
	"/etc/ssl/certs",                       /* hashed directory */
	NULL
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tls_fp_parse(const char *s, unsigned char out[TLS_FP_LEN])
{
	size_t n = strlen(s), i;
	int colons;

	if (n == 2 * TLS_FP_LEN)
		colons = 0;
	else if (n == 3 * TLS_FP_LEN - 1)
		colons = 1;
	else
		return -1;
	for (i = 0; i < TLS_FP_LEN; i++) {
		const char *p = s + i * (colons ? 3 : 2);
		int hi = hexval(p[0]), lo = hexval(p[1]);

		if (hi < 0 || lo < 0)
			return -1;
		if (colons && i + 1 < TLS_FP_LEN && p[2] != ':')
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

const char *tls_ca_pick(const char *const *cands, int *isdir)
{
	struct stat st;

	for (; *cands; cands++) {
		if (stat(*cands, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
			*isdir = S_ISDIR(st.st_mode);
			return *cands;
		}
	}
	return NULL;
}

int tls_opt_fp(struct tls_opts *o, const char *arg, struct wb_err *e)
{
	unsigned char fp[TLS_FP_LEN];

	if (tls_fp_parse(arg, fp) < 0) {
		err_set(e, EX_USAGE, "want a SHA-256 in hex (64 digits, colons allowed), "
		        "not '%s'", arg);
		return -1;
	}
	o->fingerprint = arg;
	return 0;
}
