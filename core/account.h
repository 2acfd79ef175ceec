/* account.h - config files ("key value" lines), ~/.netrc and password
 * sources shared by the mail applets. */
#ifndef WB_ACCOUNT_H
#define WB_ACCOUNT_H
#include <stddef.h>
#include "err.h"

#define CONF_LINE_MAX 1024
/* secrets (passwords, OAuth bearer tokens) may be up to this long */
#define SECRET_MAX 16384

/* Called for each "key value" line (value may be empty; leading and
 * trailing blanks removed; '#' starts a comment line). key and val point
 * into a static buffer that stays valid for the rest of the process (so
 * conf_read is for one config file per run). Return 0 to go on, or -1
 * after filling e. */
typedef int (*conf_fn)(void *ctx, const char *key, const char *val,
                       struct wb_err *e);

/* Read path. Missing file: 0 if !must_exist, else EX_CONFIG error.
 * A file that holds a "password" key and is readable or writable by others
 * is refused (EX_CONFIG). Returns 0 or -1 with e filled (messages name
 * the file and line). */
int conf_read(const char *path, int must_exist, conf_fn fn, void *ctx,
              struct wb_err *e);

/* Parse netrc text for machine host (or "default"); login (if user is
 * NULL, any) and password copied out. Returns 1 found, 0 not found. */
int netrc_parse(const char *text, const char *host, const char *user,
                char *login, size_t loginmax, char *pass, size_t passmax);

struct secret_src {
	const char *passfile;      /* first line of this file */
	const char *passwordeval;  /* first line of this command's output */
	const char *envvar;        /* e.g. "SMTP_PASSWORD" */
	const char *netrc_host;    /* look up ~/.netrc (or $NETRC) */
	const char *user;          /* login to match in ~/.netrc, may be NULL */
	const char *literal;       /* -ap / config "password", last resort */
};

/* First secret found in the order above into buf (NUL-terminated).
 * Returns 1 found, 0 none configured, -1 error with e filled
 * (EX_NOINPUT/EX_CONFIG/EX_SOFTWARE). */
int secret_get(const struct secret_src *src, char *buf, size_t max,
               struct wb_err *e);

#endif
