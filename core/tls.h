/* tls.h - optional TLS (CONFIG_TLS, mbedTLS) behind the stream transport.
 * Applets call these unconditionally inside if (CFG_TLS); with TLS off the
 * inline stubs below keep the calls compiling and the code is dropped. */
#ifndef WB_TLS_H
#define WB_TLS_H
#include <stdint.h>
#include <stdio.h>
#include "sysopts.h"
#include "err.h"
#include "stream.h"

enum tls_mode { TLS_OFF = 0, TLS_IMPLICIT, TLS_STARTTLS };

struct tls_opts {
	int mode;                 /* enum tls_mode */
	const char *cafile;       /* --cafile, else the system bundle */
	const char *capath;       /* --capath */
	const char *name;         /* --tls-name: name to verify and send as SNI */
	const char *fingerprint;  /* --fingerprint: SHA-256 pin (hex, colons ok) */
	int insecure;             /* --insecure: no verification (warns) */
};

/* The TLS options of a mail applet's option table (core/optab.h), one X
 * line each, feature TLS: a TLS-off build leaves them out of --help and
 * refuses them naming CONFIG_TLS (a CA file or a pin silently ignored is
 * a user who believes the mail goes out verified; "tls off" in a config
 * file is fine). TAT(m) is the OPT_AT() of struct tls_opts member m in the
 * applet's settings, FP the OT_CALL id of --fingerprint (the applet's call
 * passes it to tls_opt_fp), PORT the default port of --tls as a string.
 * msmtp's spellings are aliases: --tls-trust-file, --tls-fingerprint. */
#define TLS_OPTS(X, TAT, FP, PORT) \
X("tls", OT_SET, TAT(mode), TLS_IMPLICIT, 0, TLS, \
  "  --tls --starttls    TLS from the start (port " PORT ") or after STARTTLS\n") \
X("starttls", OT_SET, TAT(mode), TLS_STARTTLS, 0, TLS, "") \
X("cafile tls-trust-file", OT_STR, TAT(cafile), 0, 0, TLS, \
  "  --cafile F          trusted CAs (default: the system's; also\n" \
  "                      --tls-trust-file F); --capath D: a directory\n") \
X("capath", OT_STR, TAT(capath), 0, 0, TLS, "") \
X("tls-name =tls_name", OT_STR, TAT(name), 0, 0, TLS, \
  "  --tls-name N        name to verify and send as SNI (default: the host)\n") \
X("fingerprint tls-fingerprint", OT_CALL, OPT_ID(FP), 0, 0, TLS, \
  "  --fingerprint H     accept only the certificate with this SHA-256 (hex;\n" \
  "                      also --tls-fingerprint H)\n") \
X("insecure", OT_FLAG, TAT(insecure), 0, 0, TLS, \
  "  --insecure          verify nothing (warns)\n")

/* --fingerprint H into o->fingerprint: 0, or -1 with the reason in e
 * (EX_USAGE, "want a SHA-256 in hex (64 digits, colons allowed), not 'x'") */
int tls_opt_fp(struct tls_opts *o, const char *arg, struct wb_err *e);

#define TLS_FP_LEN 32     /* SHA-256 */
/* Parse a --fingerprint: 64 hex digits, plain or as 32 colon-separated
 * pairs, any case. Returns 0, or -1 if malformed. */
int tls_fp_parse(const char *s, unsigned char out[TLS_FP_LEN]);
/* The default CA bundles, in order of preference (NULL-terminated). */
extern const char *const tls_ca_default[];
/* First of cands that exists (file, or directory: *isdir = 1), or NULL. */
const char *tls_ca_pick(const char *const *cands, int *isdir);

/* One TLS session (core/tls_mbedtls.c), owned by its connection
 * (core/conn.h): no process-global state. */
struct tls;

#if CFG_TLS
/* Switch s to TLS over its file descriptor and complete the handshake by
 * deadline (CLOCK_MONOTONIC ms), verifying the peer for host (or o->name).
 * Refuses when the stream still holds unread plaintext (data injected
 * after a STARTTLS reply). *t gets the new session (a stale *t is freed
 * first, without close_notify). Returns 0, or -1 with e filled
 * (EX_UNAVAILABLE / EX_PROTOCOL / EX_TEMPFAIL) in words, *t NULL. */
int tls_start(struct tls **t, struct stream *s, const struct tls_opts *o,
              const char *host, int64_t deadline, struct wb_err *e);
/* version, cipher suite, subject, issuer, validity, SHA-256 fingerprint
 * (nothing for NULL) */
void tls_info(const struct tls *t, FILE *out);
/* send close_notify, free the session, *t = NULL (NULL or *t NULL: nothing) */
void tls_close(struct tls **t);
#else
static inline int tls_start(struct tls **t, struct stream *s, const struct tls_opts *o,
                            const char *host, int64_t deadline, struct wb_err *e)
{
	(void)t; (void)s; (void)o; (void)host; (void)deadline;
	err_set(e, EX_UNAVAILABLE, "TLS is not compiled in (CONFIG_TLS)");
	return -1;
}
static inline void tls_info(const struct tls *t, FILE *out) { (void)t; (void)out; }
static inline void tls_close(struct tls **t) { (void)t; }
#endif

#endif
