/* conn.h - one client connection, owned by the applet: resolve and
 * connect, the stream, TLS (implicit at connect, or upgraded after
 * STARTTLS / STLS) and the deadlines of its steps. Both mail applets
 * connect, upgrade and read through it.
 *
 * Deadlines, not timeouts (skalibs): conn_open() does resolve, connect
 * and an implicit TLS handshake by one deadline, now + timeout_ms;
 * conn_starttls() does its handshake by the stream's deadline (see
 * stream.h). An operation that spans several calls (a message body, a
 * multi-line reply) starts a step with conn_step(), or sets its own
 * deadline with conn_deadline(); a dripping peer cannot stretch it.
 *
 * A zeroed struct conn is closed: conn_close() on it does nothing, and
 * conn_close() may be called twice. Nothing here prints or exits.
 *
 * conn_open_cmd() speaks through a helper program instead of a socket of
 * our own (BusyBox sendmail's -H 'PROG ARGS', e.g. openssl s_client): the
 * helper runs as core/run.h runs every helper (/bin/sh -c, its own process
 * group, no descriptor of ours, no secrets in its environment), with one
 * end of a socketpair as its standard input and output, and the stream
 * reads and writes the other end, by the same deadlines. conn_close() ends
 * it (RUN_GRACE_MS to exit, then its group is killed). */
#ifndef WB_CONN_H
#define WB_CONN_H
#include <stdint.h>
#include <stdio.h>
#include "err.h"
#include "net.h"
#include "run.h"
#include "stream.h"
#include "tls.h"

/* when the user gave no --timeout (smtpsend's dialog has RFC 5321's own) */
#define CONN_TIMEOUT_DEFAULT_MS (30 * 1000)

struct conn_params {
	int family;                     /* AF_UNSPEC, AF_INET (-4), AF_INET6 (-6) */
	int timeout_ms;                 /* one step (--timeout), > 0 */
	int verbose;                    /* -v transcript on stderr */
	const struct tls_opts *tls;     /* NULL or mode TLS_OFF: plain */
};

struct conn {
	struct stream st;               /* conn_stream() */
	struct tls *tls;                /* the TLS session, NULL while plain */
	const struct tls_opts *tls_o;   /* for conn_starttls */
	int open;                       /* a socket is held */
	int loopback;                   /* the peer is a loopback address */
	char host[HOST_MAX];            /* the name TLS verifies (unless --tls-name) */
	int cmd;                        /* through a helper: run */
	struct run run;                 /* conn_open_cmd's helper */
};

/* Connect to hp (and with o->tls->mode TLS_IMPLICIT complete the TLS
 * handshake), all by now + p->timeout_ms. Returns 0, or -1 with e filled
 * (net_connect_by's and tls_start's codes); c is then closed. */
int conn_open(struct conn *c, const struct hostport *hp, const struct conn_params *p,
              struct wb_err *e);
/* Start cmd (/bin/sh -c cmd) and speak through its standard input and
 * output (see above); nothing of p->tls is used (the helper does TLS or
 * not; we verify nothing). Returns 0, or -1 with e filled (EX_OSERR);
 * c is then closed. */
int conn_open_cmd(struct conn *c, const char *cmd, const struct conn_params *p,
                  struct wb_err *e);
/* Put n bytes before what the stream reads next (a reply a helper took
 * on our behalf, e.g. the greeting that openssl s_client -starttls smtp
 * reads itself). 0, or -1 when they do not fit in the read buffer. */
int conn_prepend(struct conn *c, const char *text, size_t n);
/* Upgrade to TLS after the server's go-ahead to STARTTLS / STLS (refused
 * when plaintext is waiting: injection), by the stream's deadline.
 * 0, or -1 with e filled (the connection is then unusable). */
int conn_starttls(struct conn *c, struct wb_err *e);
/* Start a step now: deadline = now + timeout for every call until the next
 * step or conn_deadline(c, 0). Returns the deadline. */
int64_t conn_step(struct conn *c);
/* The step's deadline (CLOCK_MONOTONIC ms, mono_ms()); 0: each call gets
 * the timeout from its own start. */
void conn_deadline(struct conn *c, int64_t deadline);
/* close_notify when TLS is on, free the TLS session, close the socket.
 * Safe on a closed or never-opened (zeroed) conn and when called twice. */
void conn_close(struct conn *c);

static inline struct stream *conn_stream(struct conn *c) { return &c->st; }
static inline int conn_is_open(const struct conn *c) { return c->open; }
static inline int conn_loopback(const struct conn *c) { return c->loopback; }
static inline int conn_is_cmd(const struct conn *c) { return c->cmd; }
static inline int conn_tls_active(const struct conn *c) { return c->tls != NULL; }
static inline int conn_fd(const struct conn *c) { return c->open ? c->st.xp.fd : -1; }
/* TLS version, suite, certificate (nothing when plain) */
static inline void conn_tls_info(const struct conn *c, FILE *out) { tls_info(c->tls, out); }

#endif
