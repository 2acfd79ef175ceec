/* tls_opt.c - TLS option/config keys shared by smtpsend and pop3get. With
 * TLS compiled out the keys are still known, so that a config file written
 * for a TLS build gets a clear error rather than "unknown key". */
#include <string.h>
#include "tls.h"

static int flag(const char *v)
{
	if (!*v || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "1"))
		return 1;
	if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "0"))
		return 0;
	return -1;
}

int tls_opt(struct tls_opts *o, const char *key, const char *val, struct wb_err *e)
{
	int f = -2;

	if (!strcmp(key, "tls") || !strcmp(key, "starttls") || !strcmp(key, "insecure")) {
		if ((f = flag(val)) < 0) {
			err_set(e, EX_USAGE, "%s: want on or off, not '%s'", key, val);
			return -1;
		}
	}
	if (!strcmp(key, "tls"))
		o->mode = f ? TLS_IMPLICIT : (o->mode == TLS_IMPLICIT ? TLS_OFF : o->mode);
	else if (!strcmp(key, "starttls"))
		o->mode = f ? TLS_STARTTLS : (o->mode == TLS_STARTTLS ? TLS_OFF : o->mode);
	else if (!strcmp(key, "insecure"))
		o->insecure = f;
	else if (!strcmp(key, "cafile"))
		o->cafile = val;
	else if (!strcmp(key, "capath"))
		o->capath = val;
	else if (!strcmp(key, "tls-name") || !strcmp(key, "tls_name"))
		o->name = val;
	else if (!strcmp(key, "fingerprint"))
		o->fingerprint = val;
	else
		return 0;
	if (!CFG_TLS && (o->mode != TLS_OFF)) {
		err_set(e, EX_CONFIG, "%s: TLS is not compiled into this wirebox (CONFIG_TLS)", key);
		return -1;
	}
	return 1;
}
