/* smtpsend.h - settings and the message, shared by smtpsend.c and message.c */
#ifndef WB_SMTPSEND_H
#define WB_SMTPSEND_H
#include <stdint.h>
#include <sys/types.h>
#include "account.h"
#include "msmtprc.h"
#include "net.h"
#include "optab.h"
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
	/* the queue (CONFIG_SMTPSEND_QUEUE; flush.c, spool.c) */
	const char *queue;                      /* --queue DIR */
	long long queue_lifetime;               /* seconds; 0 the default */
	long long queue_max_size;               /* bytes; 0 the default */
	int queue_max_count;                    /* 0 the default */
	int queue_only;                         /* --queue-only, -odq */
	int qcmd;                               /* Q_*: -q, -qINTERVAL, -bp... */
	long long qinterval;                    /* -qINTERVAL in seconds */
	const char *qid;                        /* --queue-drop/--queue-retry ID */
	/* from get_secret; wiped after the run */
	char secret[CFG_SMTPSEND_AUTH ? SECRET_MAX : 1];
};

enum { Q_NONE, Q_FLUSH, Q_RUN, Q_LIST, Q_DROP, Q_RETRY };

/* the config files of one run and the path of the user's */
#define TILDE_MAX 4
struct rcfiles {
	struct rc_src src[2];   /* the system's (msmtp), the user's or -C FILE */
	char upath[4096];
	char tilde[TILDE_MAX][1024];    /* "~/x" file names made $HOME/x */
	int ntilde;
	struct optconf oc;
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
	int spooled;            /* the rest is in fd from off (pread), not stdin */
	int fd;
	off_t off;
	off_t end;              /* spooled: -1 all of fd, else fd up to end, */
	size_t pend;            /* then pend bytes held back, then stdin */
};

/* read the head of stdin, find sender and recipients, fix headers;
 * returns 0 or an exit code after printing why */
int msg_prepare(const struct sendcfg *c, struct msg *m);
/* envelope and body callback into s */
int msg_envelope(const struct sendcfg *c, struct msg *m, struct smtp *s,
                 struct wb_err *e);
/* add one recipient (aliases, --domain, checks, no duplicates) */
int msg_rcpt(void *ctx, const char *addr, struct wb_err *e);

/* the rest of the message (after extra and head) through put, in chunks:
 * the queue's writer; 0 or -1 with e filled (put's, or reading stdin) */
typedef int (*msg_put_fn)(void *ctx, const void *p, size_t n, struct wb_err *e);
int msg_spool(struct msg *m, msg_put_fn put, void *ctx, struct wb_err *e);
/* from now on the rest of the message is fd's from off (a spool file),
 * up to end (-1: all), then what msg_spool held back, then stdin */
void msg_from_fd(struct msg *m, int fd, off_t off, off_t end);

/* what a send came to, for a hook that may queue it (spool.c, flush.c) */
#define WHY_MAX 600
struct send_outcome {
	int rc;                 /* the send's exit code */
	struct wb_err e;
	char line[WHY_MAX];     /* "server: step: reason", as stderr shows it */
	const struct smtp *s;   /* the session: rclass, accepted, refused */
	int print;              /* print line on stderr (a hook may clear it) */
	const char *qid;        /* the log line's " queued=ID", or NULL */
};
/* returns the exit code the run ends with (and the log line shows) */
typedef int (*send_hook)(void *ctx, struct send_outcome *o);
/* one send of m with c (connect, dialog, error line, log line); hook,
 * when not NULL, sees the outcome first */
int send_run(struct sendcfg *c, struct msg *m, send_hook hook, void *ctx);
/* one msmtp-style log line to c's syslog and log file (if any) */
void send_log(const struct sendcfg *c, int final, const char *line);
/* the config files as read_config does, for c's conf, account and msmtp;
 * 0 or -1 with e filled */
int send_config(struct sendcfg *c, struct rcfiles *rf, struct wb_err *e);
/* what the settings come to once all are read (msmtp's meanings) */
void send_settle(struct sendcfg *c);

/* spool.c: the queue's options that take a value or stand for one:
 * --queue-lifetime, --queue-max-size, -q*, -b*, --queue-drop,
 * --queue-retry; 0 or -1 with e filled (the reason, EX_USAGE) */
enum { QO_LIFE, QO_SIZE, QO_Q, QO_B, QO_DROP, QO_RETRY };
int spool_opt(struct sendcfg *c, int id, const char *arg, struct wb_err *e);
/* spool.c: the settings a queued send keeps (never a secret) */
struct qentry;
int spool_settings(const struct sendcfg *c, struct qentry *q, struct wb_err *e);
/* q's settings over c (c's strings then point into q); 0 or -1 */
int spool_apply(struct sendcfg *c, const struct qentry *q, struct wb_err *e);
/* a send with --queue (after msg_prepare): an exit code */
int spool_send(struct sendcfg *c, struct msg *m);
/* flush.c: -q, -qINTERVAL, -bp/mailq, --queue-drop, --queue-retry (m
 * and rf: room for each entry's message and config); an exit code */
int queue_cmd(struct sendcfg *c, struct rcfiles *rf, struct msg *m);
/* open c->queue with c's caps; 0 or -1 with e filled */
struct queue;
int queue_start(struct queue *q, const struct sendcfg *c, struct wb_err *e);
/* 1 if the clock can be trusted now: after the build date, or sntpc's
 * status file says synchronised and is fresh */
int spool_clock(int64_t now);
/* unix seconds now (CLOCK_REALTIME) */
int64_t spool_now(void);

/* one config-file key into the struct sendcfg at ctx (a conf_fn) */
int sendcfg_key(void *ctx, const char *key, const char *val, struct wb_err *e);
int smtpsend_main(int argc, char **argv);
extern const char smtpsend_help[];

#endif
