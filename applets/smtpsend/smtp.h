/* smtp.h - the pure parts of smtpsend: reply parser, data stuffer, header
 * scan, AUTH encodings, aliases, and the client session over a stream. */
#ifndef WB_SMTP_H
#define WB_SMTP_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "err.h"
#include "stream.h"
#include "sysopts.h"

/* ---- reply.c: RFC 5321 4.2 replies, RFC 3463 enhanced codes ---- */
#define SMTP_LINE_MAX 1024      /* one reply line (RFC says 512; slack) */
#define SMTP_TEXT_MAX 512       /* reply text kept for messages */
#define SMTP_LINES_MAX 64       /* lines in one multi-line reply */

enum { REPLY_MORE = 0, REPLY_DONE = 1, REPLY_BAD = -1 };

struct smtp_reply {
	int code;               /* 200..599 */
	int nlines;
	char esc[16];           /* enhanced status code "5.1.1" or "" */
	char text[SMTP_TEXT_MAX];  /* lines' text joined with " " */
	size_t tlen;
	const char *why;        /* for REPLY_BAD */
};

void reply_init(struct smtp_reply *r);
/* Feed one line (without CRLF). *text gets that line's text (after code,
 * separator and enhanced code). Returns REPLY_MORE, REPLY_DONE or
 * REPLY_BAD (r->why says why). */
int reply_line(struct smtp_reply *r, const char *line, size_t len,
               const char **text);

enum {
	CAP_SIZE = 1, CAP_PIPELINING = 2, CAP_8BITMIME = 4, CAP_SMTPUTF8 = 8,
	CAP_AUTH = 16, CAP_STARTTLS = 32, CAP_DSN = 64, CAP_ENHANCED = 128,
};
/* AUTH mechanisms (bit set) */
enum { MECH_CRAM_MD5 = 1, MECH_PLAIN = 2, MECH_LOGIN = 4, MECH_XOAUTH2 = 8,
       MECH_OAUTHBEARER = 16 };

struct smtp_caps {
	unsigned flags;
	unsigned mechs;
	uint64_t size_max;      /* SIZE n, 0 = no limit given */
};
/* One EHLO line's text (not the first line) into caps. */
void caps_line(struct smtp_caps *c, const char *text);
/* exit code for a reply code: 4xx 75, 5xx 69, else 76 */
int reply_exitcode(int code);

/* ---- data.c: CRLF normalisation and dot-stuffing, fed in chunks ---- */
enum dot_state { DOT_BOL, DOT_MID, DOT_CR };
struct dot {
	enum dot_state st;
	uint64_t out;           /* bytes produced */
	uint64_t stuffed;       /* dots added */
	int eightbit;           /* saw a byte >= 0x80 */
};
/* out needs DOT_OUT(n) bytes */
#define DOT_OUT(n) (3 * (n) + 8)
void dot_init(struct dot *d);
size_t dot_feed(struct dot *d, const unsigned char *in, size_t n,
                unsigned char *out);
/* finish: line end if missing, then ".\r\n" (at most 7 bytes) */
size_t dot_end(struct dot *d, unsigned char *out);
/* count only, no output, no stuffing: for dot_size and eightbit of a
 * file before sending it (memchr, several times faster than dot_feed) */
void dot_scan(struct dot *d, const unsigned char *in, size_t n);
/* the RFC 1870 size of what was fed: CRLF lines, no stuffing, no dot */
uint64_t dot_size(const struct dot *d);

/* ---- headers.c: the header section of a message ---- */
#define HDR_CUTS 32
#define ADDR_MAX 320
enum { HDR_FROM = 1, HDR_DATE = 2, HDR_MSGID = 4 };
struct hdr_info {
	size_t end;             /* offset of the body (after the blank line) */
	int complete;           /* the header section ended inside the buffer */
	unsigned seen;          /* HDR_* found */
	int ncut;
	size_t cut[HDR_CUTS][2];        /* [start, end) ranges to drop */
	char from[ADDR_MAX];    /* first address of From: */
};
typedef int (*addr_fn)(void *ctx, const char *addr, struct wb_err *e);
/* Scan the header section of buf. rcpt: call fn for To/Cc/Bcc addresses
 * (NULL: do not). drop_from: cut From: fields too (--rewrite-from).
 * Bcc fields are always cut. Returns 0 or -1 with e filled (EX_DATAERR). */
int hdr_scan(const char *buf, size_t len, int eof, struct hdr_info *h,
             int drop_from, addr_fn fn, void *ctx, struct wb_err *e);
/* Call fn for each address of one field value (unfolded or not). */
int addr_list(const char *v, size_t n, addr_fn fn, void *ctx, struct wb_err *e);
/* Remove h's cut ranges from buf in place; returns the new length. */
size_t hdr_apply(char *buf, size_t len, const struct hdr_info *h);
/* 1 if addr is an RFC 5321 Mailbox for MAIL/RCPT: a Dot-string or a
 * Quoted-string (quoted-pairs allowed; no controls) local part, '@', and
 * a domain or an address literal (UTF-8 allowed, RFC 6531); 0 otherwise
 * ("a@b@c", "@c", "root", '"a"b"@c'). *utf8 set if non-ASCII. */
int addr_ok(const char *addr, int *utf8);
/* 1 if d is a domain name or an address literal as addr_ok wants it */
int domain_ok(const unsigned char *d);
/* the '@' after addr's local part (a quoted one may hold '@'), or NULL */
const char *addr_at(const char *addr);
/* -F NAME for "From: NAME <addr>": a quoted string, or RFC 2047
 * encoded-words when non-ASCII (the first NAME_RAW_MAX octets) */
#define NAME_RAW_MAX 180
#define NAME_OUT_MAX 400
void display_name(const char *n, char out[static NAME_OUT_MAX]);
/* "Thu, 01 Jan 1970 00:00:00 +0000" for t seconds since the epoch */
#define DATE_MAX 40
void date_utc(int64_t t, char out[static DATE_MAX]);

/* ---- auth.c: SASL encodings (RFC 4616, 2195, 7628, XOAUTH2) ---- */
#define AUTH_BUF (BASE64_LEN_MAX + 64)
#define BASE64_LEN_MAX (((16384 + 1024) + 2) / 3 * 4)
unsigned mech_bit(const char *name, size_t n);
const char *mech_name(unsigned bit);
/* next mechanism to try: force first (if offered), then strongest offered
 * of CRAM-MD5, PLAIN, LOGIN (OAuth ones only when oauth); skip tried */
unsigned mech_pick(unsigned offered, unsigned force, int oauth, unsigned tried);
/* encoders: NUL-terminated base64 into out; -1 if it does not fit */
int auth_plain(const char *user, const char *pass, char *out, size_t max);
int auth_cram(const char *user, const char *pass, const char *chal_b64,
              char *out, size_t max);
int auth_xoauth2(const char *user, const char *token, char *out, size_t max);
int auth_oauthbearer(const char *user, const char *host, const char *port,
                     const char *token, char *out, size_t max);
int auth_b64(const char *s, char *out, size_t max);

/* ---- aliases.c: "name: addr, addr" files ---- */
/* Look up name (then "default") in text; fn for each target address.
 * Returns the number of targets, 0 if none, -1 on error. */
int alias_lookup(const char *text, const char *name, addr_fn fn, void *ctx,
                 struct wb_err *e);
/* read a whole aliases file (shorter than max) into text, NUL-terminated;
 * returns text, or NULL with e filled */
#define ALIAS_FILE_MAX 65536
const char *alias_load(const char *path, char *text, size_t max,
                       struct wb_err *e);

/* ---- session.c: the client state machine ---- */
#define RCPT_MAX 100

enum smtp_state {
	ST_GREETING, ST_EHLO, ST_HELO, ST_STARTTLS, ST_AUTH, ST_ENVELOPE,
	ST_BODY, ST_QUIT, ST_DONE, ST_NSTATES
};

#define SMTP_BODY_PIECE 16384
#define SMTP_OBUF_MAX (4 * SMTP_BODY_PIECE + 64)

struct smtp_auth {
	const char *user;       /* NULL: no AUTH */
	const char *secret;
	unsigned force;         /* MECH_* from --auth, 0 = choose */
	int oauth;              /* --auth oauth2 */
	int plaintext_ok;       /* --auth-plaintext */
};

struct smtp;
/* starts TLS on c->s after a 220 to STARTTLS; 0 or -1 with e filled */
typedef int (*smtp_tls_fn)(struct smtp *c, void *ctx, struct wb_err *e);
/* writes the message body through c (smtp_body_write) */
typedef int (*smtp_body_fn)(struct smtp *c, void *ctx, struct wb_err *e);
/* sets c->size and c->eightbit if it can (called when they matter) */
typedef void (*smtp_measure_fn)(struct smtp *c, void *ctx);

struct smtp {
	struct stream *s;
	const char *server;     /* "host:port" for messages */
	const char *host, *port;
	const char *helo;
	int state;
	int secure;             /* TLS or loopback: AUTH may go */
	int tls_active;
	int starttls;           /* require STARTTLS */
	int pipelining_off;     /* test hook: ignore PIPELINING */
	long tmo_ms;            /* --timeout, 0 = RFC 5321 defaults */
	FILE *info;             /* --serverinfo: greeting and EHLO lines */
	int info_only;
	struct smtp_caps caps;
	struct smtp_reply r;
	struct smtp_auth auth;
	smtp_tls_fn tls;
	void *tls_ctx;
	/* envelope */
	const char *from;
	const char *rcpt[RCPT_MAX];
	int nrcpt;
	uint64_t size;          /* SIZE=, 0 unknown */
	int eightbit;           /* body has 8-bit bytes: 1 yes, 0 no, -1 unknown */
	int force8;             /* --force-8bit */
	int utf8;               /* an address is non-ASCII */
	smtp_body_fn body;
	smtp_measure_fn measure;        /* NULL, or with body_ctx */
	void *body_ctx;
	int accepted, rejected;
	/* the queue's (CONFIG_SMTPSEND_QUEUE): each RCPT's reply class (2, 4,
	 * 5; 0 none), and the first 4xx to a RCPT, else the first 5xx
	 * ("550 5.1.1 text") */
	unsigned char rclass[CFG_SMTPSEND_QUEUE ? RCPT_MAX : 1];
	char refused[CFG_SMTPSEND_QUEUE ? 160 : 1];
	int quiet;              /* RCPT refusals kept, not on stderr: 4 the
	                         * 4xx ones (a send that may be queued), 5
	                         * all (a flush says its own line) */
	int delivered;          /* 250 after the final dot */
	char final[128];        /* that reply, "250 2.0.0 Ok: queued as X" (logs) */
	char step[ADDR_MAX + 16];
	struct dot dot;
	/* one AUTH line; wiped after each mechanism */
	char abuf[CFG_SMTPSEND_AUTH ? AUTH_BUF : 1];
	unsigned char obuf[SMTP_OBUF_MAX];      /* the stuffed message going out */
	size_t olen;
};

void smtp_init(struct smtp *c, struct stream *s);
/* Run the dialog from the greeting to QUIT. Returns 0 on success, an exit
 * code otherwise (e filled, step in c->step). EX_NOUSER (67) after a
 * delivery to some recipients: the rejected were reported on stderr. */
int smtp_run(struct smtp *c, struct wb_err *e);
/* body writers for smtp_body_fn: bytes of the message, then the end */
int smtp_body_write(struct smtp *c, const void *p, size_t n, struct wb_err *e);
int smtp_body_end(struct smtp *c, struct wb_err *e);
const char *smtp_state_name(int st);
/* recipient policy: 0 send, EX_TEMPFAIL (any 4xx: nobody), EX_NOUSER */
int rcpt_policy(int accepted, int temp, int rejected);

#endif
