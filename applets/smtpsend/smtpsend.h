/* smtpsend.h - settings and the message, shared by smtpsend.c and message.c */
#ifndef WB_SMTPSEND_H
#define WB_SMTPSEND_H
#include <stdint.h>
#include <sys/types.h>
#include "account.h"
#include "net.h"
#include "tls.h"
#include "smtp.h"

#define IGNORED_MAX 8
#define HEAD_MAX 65536          /* the header section must fit for -t */

struct sendcfg {
	const char *host, *port, *from, *env_from, *fullname, *helo;
	const char *password, *passfile, *passwordeval;
	const char *aliases, *domain;
	const char *via;        /* -H 'PROG ARGS': SMTP through its stdin/stdout (BusyBox) */
	long timeout_ms;
	int family, verbose, t, rewrite_from, force8, serverinfo;
	struct smtp_auth auth;
	struct tls_opts tls;
	char *args[RCPT_MAX];
	int nargs;
	const char *ignored[IGNORED_MAX];       /* -o*, -B*: the rest of the word */
	char ignored_by[IGNORED_MAX];           /* 'o' or 'B' */
	int nignored;
	const char *conf;                       /* -C FILE */
	const char *account;                    /* -a NAME */
	const char *logfile;                    /* -X FILE, "" none */
	int msmtp;                              /* called as msmtp */
	int pretend, read_env_from;
	int starttls_pref;                      /* tls_starttls: 0 unset, 1 on, 2 off */
	int no_auth, no_from, from_fixed;       /* auth off, set_from_header off,
	                                         * allow_from_override off */
	int syslog_on, syslog_fac;              /* --syslog: LOG_USER... */
	const char *conf_from;                  /* 'from' as the config file left it */
	const char *conf_used;                  /* the file the account came from */
	/* from get_secret; wiped after the run */
	char secret[CFG_SMTPSEND_AUTH ? SECRET_MAX : 1];
};

struct msg {
	const struct sendcfg *cfg;
	char head[HEAD_MAX];    /* the first bytes of standard input */
	size_t hlen;
	int eof;                /* all of the message is in head */
	char extra[1024];       /* headers we add */
	size_t xlen;
	struct hdr_info h;
	char from[ADDR_MAX];
	char domain[HOST_MAX];  /* for an unqualified sender and the Message-ID */
	char rcpt[RCPT_MAX][ADDR_MAX];
	int nrcpt;
	int utf8;
	const char *alias_text;
	/* the aliases file, read when needed (no room when not compiled in) */
	char alias_buf[CFG_SMTPSEND_CONFIG ? ALIAS_FILE_MAX : 1];
	struct dot d;           /* counts of what is measured so far */
	uint64_t size;          /* 0: unknown */
	int eightbit;           /* -1 unknown */
};

/* read the head of stdin, find sender and recipients, fix headers;
 * returns 0 or an exit code after printing why */
int msg_prepare(const struct sendcfg *c, struct msg *m);
/* envelope and body callback into s */
int msg_envelope(const struct sendcfg *c, struct msg *m, struct smtp *s,
                 struct wb_err *e);
/* add one recipient (aliases, --domain, checks, no duplicates) */
int msg_rcpt(void *ctx, const char *addr, struct wb_err *e);

/* one config-file key into the struct sendcfg at ctx (a conf_fn) */
int sendcfg_key(void *ctx, const char *key, const char *val, struct wb_err *e);
int smtpsend_main(int argc, char **argv);
extern const char smtpsend_help[];

#endif
