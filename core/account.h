/* account.h - config files ("key value" lines), ~/.netrc and password
 * sources shared by the mail applets. */
#ifndef WB_ACCOUNT_H
#define WB_ACCOUNT_H
#include <stddef.h>
#include <sys/stat.h>
#include "err.h"

#define CONF_LINE_MAX 1024
/* secrets (passwords, OAuth bearer tokens) may be up to this long */
#define SECRET_MAX 16384

/* What a key's value is, for the file checks (file_guard) */
#define CONF_SECRET  1  /* a secret: the file must be private (0600) */
#define CONF_COMMAND 2  /* a command we run, or a file a secret is read
                         * from: nobody else may write the file */

/* Called for each "key value" line (value may be empty; leading and
 * trailing blanks removed; '#' starts a comment line). key and val point
 * into a static buffer that stays valid for the rest of the process (so
 * conf_read is for one config file per run). Return 0 to go on;
 * CONF_SECRET or CONF_COMMAND to go on when the key holds a secret or
 * names a command (conf_read then applies file_guard to the file, so an
 * applet's own secret or command keys are guarded like the built-in
 * "password", "passwordeval", "passfile" and "mda"); or -1 after filling
 * e (any code: conf_read makes EX_USAGE and 0 into EX_CONFIG). */
typedef int (*conf_fn)(void *ctx, const char *key, const char *val,
                       struct wb_err *e);

/* Read path. Missing file: 0 if !must_exist, else EX_CONFIG error.
 * Returns 0 or -1 with e filled: every error is EX_CONFIG and names the
 * file and line ("/etc/smtpsend.conf:3: timeout: ..."), so a bad value in
 * a file exits 78 (not 64 with "Try --help"). A file with a secret or a
 * command key that fails file_guard is refused. */
int conf_read(const char *path, int must_exist, conf_fn fn, void *ctx,
              struct wb_err *e);

/* CONF_SECRET for "password", CONF_COMMAND for "passwordeval", "passfile"
 * and "mda", else 0: the keys conf_read and rc_load always guard */
int conf_key_kind(const char *key);

/* A file holding a secret or naming a command (kind CONF_SECRET or
 * CONF_COMMAND; 0 passes): it must belong to us or root and nobody else
 * may write it; with CONF_SECRET nobody else may read it either. what
 * ("holds a password") goes into the message. 0 or -1 (EX_CONFIG). */
int file_guard(const char *path, const struct stat *st, int kind, const char *what,
               struct wb_err *e);

/* Parse netrc text for machine host (or "default"); login (if user is
 * NULL, any) and password copied out. Returns 1 found, 0 not found, -1
 * when a word is longer than SECRET_MAX (or a login than 255 bytes, or
 * the match does not fit in login/pass): never a cut secret. */
int netrc_parse(const char *text, const char *host, const char *user,
                char *login, size_t loginmax, char *pass, size_t passmax);

struct secret_src {
	const char *passfile;      /* first line of this file */
	const char *passwordeval;  /* first line of this command's output */
	const char *envvar;        /* e.g. "SMTP_PASSWORD" */
	const char *netrc_host;    /* look up ~/.netrc (or $NETRC) */
	const char *user;          /* login to match in ~/.netrc, may be NULL */
	const char *literal;       /* -ap / config "password" */
	int timeout_ms;            /* passwordeval's whole run; 0: 30 s */
};

/* First secret found in the order above into buf (NUL-terminated); then,
 * with a user, on a terminal (/dev/tty opens and standard error is a
 * terminal), the answer to "Password for USER@HOST: " read with echo off
 * (restored on every path, a ^C too). Returns 1 found, 0 none configured
 * or no terminal, -1 error with e filled: EX_CONFIG (a missing or unsafe
 * --passfile, a failing command, a secret too long, a bad ~/.netrc),
 * EX_TEMPFAIL (passwordeval gave nothing within its time), EX_OSERR. */
int secret_get(const struct secret_src *src, char *buf, size_t max,
               struct wb_err *e);

#endif
