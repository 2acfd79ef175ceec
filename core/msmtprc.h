/* msmtprc.h - msmtp's config file format, pure: text in, the settings of
 * one account out (as "key value" calls of a conf_fn, account.h).
 *
 *   # comment
 *   defaults                      later keys: defaults of the accounts after
 *   port 587
 *   account work                  a new account: the defaults so far, then
 *   host smtp.example.net         its own keys
 *   from "Me <me@example.net>"    a value wholly in "..." loses the quotes
 *   account late : work, other    inherits work's and other's settings
 *   account default : work        what to use without -a
 *
 * Keys before the first "account" or "defaults" are defaults too (msmtp
 * ignores them); a file with no "account" at all is one unnamed account
 * (the "key value" files of before). */
#ifndef WB_MSMTPRC_H
#define WB_MSMTPRC_H
#include <sys/stat.h>
#include "err.h"
#include "account.h"

#define RC_LINES_MAX 256        /* key lines of one file */
#define RC_APPLY_MAX 4096       /* key calls for one account, inheritance included */

struct rc_line {
	const char *key, *val;  /* into the text; val "" when none */
	int lineno;
	short section;          /* index of its "account" line in lines, -1 defaults */
	short pfirst, pcount;   /* an "account" line: its parents in parent[] */
};

struct rc_file {
	const char *path;       /* for messages */
	struct rc_line line[RC_LINES_MAX];
	int n;
	int accounts;           /* how many "account" lines */
	short parent[RC_LINES_MAX];     /* line indexes of parents */
	int nparent;
};

/* Split text (NUL-terminated, changed in place: keys and values point
 * into it) into f->line; f->path must be set. 0, or -1 with e filled
 * (EX_CONFIG, "PATH:LINE: reason"): a control character, a line too long,
 * too many lines, "account" without a name or with an empty parent,
 * an account defined twice, a parent not defined before. */
int rc_split(char *text, struct rc_file *f, struct wb_err *e);

/* the line index of "account name", or -1 */
int rc_find(const struct rc_file *f, const char *name);

/* Give fn the settings of account name (NULL: "default", or, in a file
 * without accounts, every line) in order: the defaults before it, its
 * parents' settings (each resolved the same way), its own lines. fn's
 * errors get "PATH:LINE: " in front and are EX_CONFIG (as conf_read's);
 * a positive answer of fn (CONF_SECRET, CONF_COMMAND) is passed to guard
 * (may be NULL) with the key. Returns 0, RC_NOT_FOUND (nothing applied),
 * or -1 with e filled. */
#define RC_NOT_FOUND 1
typedef int (*rc_guard_fn)(void *gctx, int kind, const char *key, struct wb_err *e);
int rc_apply(const struct rc_file *f, const char *name, conf_fn fn, void *ctx,
             rc_guard_fn guard, void *gctx, struct wb_err *e);

/* ---- over a file (core/account.c) ---- */
#define RC_FILE_MAX 65536
struct rc_src {
	char text[RC_FILE_MAX];
	struct rc_file f;
	struct stat st;
	int loaded;             /* the file was there and read */
};

/* Read and split path into src (path must stay valid). A missing file is
 * 0 with src->loaded 0 unless must_exist. A file with a "password" line
 * anywhere (any account) must be private, one naming a command writable by
 * nobody else (file_guard: "PATH: contains secrets, but others can read
 * the file; chmod 600 PATH"). 0, or -1 with e filled (EX_CONFIG). */
int rc_load(struct rc_src *src, const char *path, int must_exist, struct wb_err *e);
/* rc_apply over a loaded file, guarding what fn marks; RC_NOT_FOUND when
 * the file was not loaded or has no such account */
int rc_load_apply(struct rc_src *src, const char *name, conf_fn fn, void *ctx,
                  struct wb_err *e);

#endif
