/* tls_opt.c - TLS option/config keys shared by smtpsend and pop3get, the
 * --fingerprint parser and the CA bundle search. With TLS compiled out the
 * keys are still known, so that a config file written for a TLS build gets
 * a clear error rather than "unknown key". */
#include <string.h>
#include <sys/stat.h>
#include "opt.h"
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

static int set_val(struct tls_opts *o, const char *key, const char *val, struct wb_err *e)
{
	unsigned char fp[TLS_FP_LEN];

	if (!strcmp(key, "cafile"))
		o->cafile = val;
	else if (!strcmp(key, "capath"))
		o->capath = val;
	else if (!strcmp(key, "fingerprint")) {
		if (tls_fp_parse(val, fp) < 0) {
			err_set(e, EX_USAGE, "fingerprint: want a SHA-256 in hex "
			        "(64 digits, colons allowed), not '%s'", val);
			return -1;
		}
		o->fingerprint = val;
	} else
		o->name = val;          /* tls-name */
	return 1;
}

static int is_key(const char *key, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(key, *list))
			return 1;
	return 0;
}

int tls_opt(struct tls_opts *o, const char *key, const char *val, struct wb_err *e)
{
	static const char *const flags[] = { "tls", "starttls", "insecure", NULL };
	static const char *const vals[] = { "cafile", "capath", "tls-name", "tls_name",
	                                    "fingerprint", NULL };
	int f = -2;

	if (!is_key(key, vals) && !is_key(key, flags))
		return 0;
	if (is_key(key, flags) && parse_flag(key, val, &f, e))
		return -1;
	/* a TLS-off build refuses what would ask for TLS ("tls off" is fine) */
	if (!CFG_TLS && f != 0) {
		err_set(e, EX_USAGE, "%s: TLS is not compiled in (CONFIG_TLS)", key);
		return -1;
	}
	if (!strcmp(key, "tls"))
		o->mode = f ? TLS_IMPLICIT : (o->mode == TLS_IMPLICIT ? TLS_OFF : o->mode);
	else if (!strcmp(key, "starttls"))
		o->mode = f ? TLS_STARTTLS : (o->mode == TLS_STARTTLS ? TLS_OFF : o->mode);
	else if (!strcmp(key, "insecure"))
		o->insecure = f;
	else
		return set_val(o, key, val, e);
	return 1;
}
