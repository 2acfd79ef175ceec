/* pop3.h - pop3get internals: pure POP3 parsers (resp.c), the
 * dot-terminated body decoder (body.c), mboxrd quoting (mboxrd.c),
 * delivery targets (deliver_*.c), the UIDL state file (uidl.c) and the
 * session (session.c). Nothing here allocates; every buffer is bounded. */
#ifndef WB_POP3_H
#define WB_POP3_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "account.h"
#include "base64.h"
#include "err.h"
#include "run.h"
#include "stream.h"
#include "tls.h"
#include "conn.h"

/* RFC 2449 allows 512-byte response lines; we accept twice that */
#define POP3_LINE_MAX 1024
#define POP3_UID_MAX 70          /* RFC 1939: 1 to 70 chars 0x21..0x7E */
#define POP3_TS_MAX 256          /* APOP timestamp "<...>" */
#define POP3_NUM_MAX 100000000UL /* message numbers we accept */
#define POP3_NUMS_MAX 1024       /* MSGNUM arguments */
#define POP3_SIZE_MAX (1ULL << 53)

/* ---- resp.c: response lines ------------------------------------------ */
enum { RESP_OK, RESP_ERR, RESP_BAD };
/* "+OK[ text]" / "-ERR[ text]" (case-insensitive); *text gets the rest */
int resp_status(const char *line, const char **text);
/* STAT "+OK" text: "COUNT SIZE[ anything]". 0 or -1 */
int resp_stat(const char *text, unsigned long *count, unsigned long long *size);
/* scan listing "NUM SIZE[ anything]" (LIST n text or LIST line). 0 or -1 */
int resp_list(const char *s, unsigned long *num, unsigned long long *size);
/* unique-id listing "NUM UID" (UIDL n text or UIDL line). 0 or -1 */
int resp_uidl(const char *s, unsigned long *num, char uid[POP3_UID_MAX + 1]);
/* a valid UID: 1..70 chars in 0x21..0x7E */
int uid_valid(const char *s, size_t n);

enum {
	CAPA_TOP = 1, CAPA_USER = 2, CAPA_UIDL = 4, CAPA_PIPELINING = 8,
	CAPA_STLS = 16, CAPA_SASL_PLAIN = 32, CAPA_SEEN = 64,
};
/* one CAPA listing line: ORs its CAPA_* bit into *caps */
void resp_capa(const char *line, unsigned *caps);
/* APOP timestamp "<...@...>" from a greeting into ts. 1 found, 0 none */
int apop_timestamp(const char *greeting, char ts[POP3_TS_MAX]);
/* hex MD5(timestamp || secret) */
void apop_digest(const char *ts, const char *secret, char hex[33]);

/* ---- body.c: dot-terminated multi-line data --------------------------- */
enum body_state { B_BOL, B_DOT, B_DOTCR, B_MID, B_CR, B_DONE };
struct body {
	enum body_state st;
	uint64_t bytes;          /* bytes produced so far */
};
void body_init(struct body *b);
/* Decode n input bytes: dot-unstuffing, CRLF -> LF, stop after the
 * terminating ".". out must hold n + 1 bytes. Returns the input bytes
 * consumed (less than n only when the end was reached); *outn gets the
 * output length. b->st == B_DONE once the end is seen. */
size_t body_feed(struct body *b, const char *in, size_t n, char *out, size_t *outn);

/* ---- mboxrd.c: "From " quoting as a streaming filter ------------------ */
struct mboxrd {
	int st;                  /* 0 in line, 1 at line start / matching */
	size_t gt;               /* '>' seen at line start */
	size_t match;            /* bytes of "From " matched after them */
	int last_nl;             /* last byte written was '\n' */
};
void mboxrd_init(struct mboxrd *q);
/* Quote n bytes; out must hold n + 8 bytes. Returns the output
 * length. Held-back prefix bytes are released by mboxrd_end. */
size_t mboxrd_feed(struct mboxrd *q, const char *in, size_t n, char *out);
/* flush held bytes, end the message with a newline and a blank line
 * (out: at least 8 bytes). Returns the output length. */
size_t mboxrd_end(struct mboxrd *q, char *out, size_t max);

/* ---- deliver_*.c: targets -------------------------------------------- */
/* Maildir messages whose fsyncs are issued together (one journal commit
 * instead of one per message on ext4 and the like) */
#define DLV_PEND 128
/* bytes between writeback hints (posix_fadvise DONTNEED) in a message */
#define DLV_WRITEBACK (4u << 20)
enum dlv_kind { DLV_STDOUT, DLV_MAILDIR, DLV_MBOX, DLV_MDA, DLV_RAW };
struct dlv {
	enum dlv_kind kind;
	const char *path;        /* Maildir, mbox file or MDA command */
	int fd;                  /* message being written, -1 if none */
	int dirfd;               /* Maildir: new/ */
	int tmpdirfd;            /* Maildir: tmp/ */
	int mboxfd;              /* mbox: the locked file */
	off_t start;             /* mbox: size before the message */
	struct run mda;          /* -x: the MDA (d->fd is its input) */
	int timeout_ms;          /* MDA: longest wait for it to read or exit */
	int64_t run_deadline;    /* MDA: no wait past it (--max-time), 0: none */
	pid_t mypid;             /* Maildir names */
	int unsynced;            /* messages ended but not yet durable */
	unsigned long seq;       /* Maildir names: count in this process */
	struct mboxrd q;
	char tmpname[128];
	char host[64];
	int dotlocked;           /* mbox: dotlock holds our MBOX.lock */
	char dotlock[4200];
	uint64_t written, advised; /* bytes of this message; writeback hint */
	/* Maildir: complete messages in tmp/ awaiting their fsync and rename */
	int npend;
	int syncfs_ok;           /* syncfs() reports write errors (Linux >= 5.8) */
	int pend_fd[DLV_PEND];
	char pend_name[DLV_PEND][128];
};
void dlv_init(struct dlv *d, enum dlv_kind kind, const char *path);
int dlv_open(struct dlv *d, struct wb_err *e);
int dlv_begin(struct dlv *d, struct wb_err *e);
int dlv_write(struct dlv *d, const char *p, size_t n, struct wb_err *e);
/* message complete (Maildir: still in tmp/, the next dlv_sync fsyncs it
 * and renames it into new/; an mbox message is appended) */
int dlv_end(struct dlv *d, struct wb_err *e);
/* discard the message being written; nothing partial stays visible */
void dlv_abort(struct dlv *d);
/* take back the message dlv_end ended last, before dlv_sync (its end was
 * not followed by a valid reply): Maildir and mbox; 0, or -1 when it is
 * out already (standard output, MDA) */
int dlv_unend(struct dlv *d);
/* make every ended message durable and visible: Maildir: fsync each file,
 * rename it into new/, fsync new/; mbox: fsync */
int dlv_sync(struct dlv *d, struct wb_err *e);
void dlv_close(struct dlv *d);

/* per-target hooks (one file each) */
int maildir_open(struct dlv *d, struct wb_err *e);
int maildir_begin(struct dlv *d, struct wb_err *e);
int maildir_end(struct dlv *d, struct wb_err *e);
void maildir_abort(struct dlv *d);
int maildir_sync(struct dlv *d, struct wb_err *e);
/* drop messages not yet synced */
void maildir_close(struct dlv *d);
int maildir_unend(struct dlv *d);
/* unique name "TIME.M<usec>P<pid>Q<seq>.HOST" into buf */
int maildir_name(char *buf, size_t max, long sec, long usec, long pid,
                 unsigned long seq, const char *host);
int mbox_open(struct dlv *d, struct wb_err *e);
int mbox_begin(struct dlv *d, struct wb_err *e);
int mbox_end(struct dlv *d, struct wb_err *e);
void mbox_abort(struct dlv *d);
int mbox_unend(struct dlv *d);
int mbox_sync(struct dlv *d, struct wb_err *e);
/* remove the dotlock */
void mbox_close(struct dlv *d);
/* "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n" for time t (UTC) */
size_t mbox_fromline(char *buf, size_t max, long long t);
/* that line for now, written to d->fd (mbox, standard output) */
int dlv_fromline(struct dlv *d, struct wb_err *e);
/* the MDA gets timeout_ms to take each piece of the message and again to
 * exit, never past run_deadline; after that it is killed (not delivered) */
int mda_begin(struct dlv *d, struct wb_err *e);
int mda_write(struct dlv *d, const char *p, size_t n, struct wb_err *e);
int mda_end(struct dlv *d, struct wb_err *e);
void mda_abort(struct dlv *d);

/* ---- uidl.c: the -n state file ---------------------------------------- */
#define UIDL_MAX_FILE (16L << 20)
struct uidl {
	const char *path;
	int fd;                  /* the state file (read, appends), -1 if none */
	const char *map;         /* its contents at open (mmap) */
	size_t len;              /* bytes of it in use (a torn last line cut) */
	size_t maplen;           /* bytes mapped */
	size_t cursor;           /* where the next lookup starts */
	int prune;               /* fd of the compacted state being built, -1 */
	int lockfd;              /* PATH.lock, fcntl-locked while open */
	char prune_path[4096];
};
/* Refuse a directory others may write to without the sticky bit, lock
 * PATH.lock (another run holds it: EX_TEMPFAIL; a symlink or anything but
 * a plain file: EX_CONFIG), open and validate path (missing: empty; a
 * symlink: EX_CONFIG). -1 with e filled */
int uidl_open(struct uidl *u, const char *path, struct wb_err *e);
/* 1 if uid is recorded */
int uidl_has(struct uidl *u, const char *uid);
/* validate state text; returns 0 or the 1-based bad line number */
size_t uidl_check(const char *p, size_t n);
/* durably record n new uids: appended and fsynced (the first ones create
 * the file by temp file and rename) */
int uidl_add(struct uidl *u, const char *const *uids, size_t n, struct wb_err *e);
/* remember a uid still on the server and kept (for the compacted state) */
int uidl_keep(struct uidl *u, const char *uid, struct wb_err *e);
/* after a complete run: replace the state by the kept uids when the file
 * has grown past twice their size (temp file, fsync, rename) */
int uidl_commit(struct uidl *u, struct wb_err *e);
void uidl_close(struct uidl *u);

/* ---- session.c --------------------------------------------------------- */
enum auth_kind { AUTH_AUTO, AUTH_APOP, AUTH_PLAIN, AUTH_USER };
enum pop3_mode { MODE_FETCH, MODE_STAT, MODE_LIST, MODE_INFO };
#define POP3_WIN 128
#define POP3_RBUF 65536          /* read buffer once logged in; body chunks */

struct pop3cfg {
	const char *server, *user, *statefile;
	char port[8];
	int family, timeout_ms, verbose;
	long max_time_ms;        /* --max-time, 0: none */
	int64_t run_deadline;    /* mono_ms() when the run must end, 0: none */
	int mode, auth, auth_plaintext, keep, only_new, headers;
	unsigned long long max_size;
	const char *nums[POP3_NUMS_MAX]; /* MSGNUM arguments */
	int nnums;
	struct tls_opts tls;
	const char *secret;      /* password */
};

struct pop3msg {
	unsigned long num;
	unsigned long long size;
	char uid[POP3_UID_MAX + 1];
	int want;                /* retrieve it */
	int stored;              /* delivered (not yet durable) */
};

enum pop3_state {
	P_GREETING, P_CAPA, P_STLS, P_AUTH, P_STAT, P_WINDOW, P_QUIT, P_DONE,
};

struct pop3 {
	const struct pop3cfg *cfg;
	struct conn *conn;           /* the connection (STLS upgrades it) */
	struct stream *s;
	struct dlv *dlv;
	struct uidl *uidl;
	enum pop3_state st;
	unsigned caps;
	int tls_on, loopback;
	int apop_ok;
	char ts[POP3_TS_MAX];
	unsigned long count, next;   /* STAT count; next message index */
	unsigned long long total;
	int nwin;
	struct pop3msg win[POP3_WIN];
	unsigned long fetched, deleted, skipped, known;
	int stop_deleting;
	int deleted_unsafe;          /* a DELE was sent for a non-durable message */
	int insync;                  /* at a reply boundary, nothing outstanding */
	int complete;                /* every message of the mailbox visited */
	int failed;                  /* a soft failure in this window */
	struct pop3msg *unconfirmed; /* stored, no valid reply read after its end */
	struct wb_err soft;          /* its error */
	const char *step;            /* for error messages */
	char stepbuf[32];
	char softstep[32];
	char line[POP3_LINE_MAX + 1];
	unsigned char rbig[POP3_RBUF]; /* the stream's read buffer after login */
	/* the login lines being built (wiped after use) */
	union {
		struct {
			char raw[SECRET_MAX + 600];
			char line[BASE64_LEN(SECRET_MAX + 600) + 16];
		} plain;
		char user[SECRET_MAX + 16];
	} authbuf;
};

int pop3_run(struct pop3 *p, struct wb_err *e);
/* after a failure: QUIT when that is safe and possible, else nothing */
void pop3_abandon(struct pop3 *p);
/* window.c: the next window of messages; P_QUIT after the last */
int pop3_window(struct pop3 *p, struct wb_err *e);
/* session.c helpers used by window.c */
int pop3_send(struct pop3 *p, const char *line, struct wb_err *e);
int pop3_flush(struct pop3 *p, struct wb_err *e);
int pop3_refused(const char *text, int code, struct wb_err *e);
/* read one status line; RESP_OK / RESP_ERR or -1 with e (I/O, garbage) */
int pop3_status(struct pop3 *p, char *line, const char **text, struct wb_err *e);
/* a message body's bounds, from the size LIST announced: it must end
 * within --timeout plus 1 s per POP3_MIN_RATE bytes (a server dripping a
 * byte at a time cannot hold us), must not grow past the size plus
 * 1/8 plus POP3_SIZE_SLACK (a RETR that never ends cannot fill the disk),
 * and must not be under half of it (a cut-off message is not stored) */
#define POP3_MIN_RATE 8192u
#define POP3_SIZE_SLACK 65536u
struct body_io {
	uint64_t limit;          /* decoded bytes allowed, 0: no limit */
	int64_t deadline;        /* mono_ms() by which it ends, 0: none */
	int64_t budget_ms;       /* that deadline as a duration (messages) */
	uint64_t wire;           /* out: bytes read, terminator included */
};
/* the bounds for a message of announced size (--timeout, cfg: --max-time) */
void body_bounds(const struct pop3cfg *c, int timeout_ms, unsigned long long size,
                 struct body_io *io);
/* read a dot-terminated body into d (NULL: discard) within io's bounds.
 * 0, -1 (stream/protocol: out of step) or -2 (d failed; the body was
 * still read to its end) */
int pop3_body(struct stream *s, struct dlv *d, struct body_io *io, struct wb_err *e);
/* now + ms, but no later than --max-time allows */
int64_t pop3_deadline(const struct pop3cfg *c, int64_t ms);
/* 1 with e set (75, "--max-time ... reached") once --max-time is over */
int pop3_over(const struct pop3cfg *c, struct wb_err *e);

/* pop3get.c */
int pop3get_main(int argc, char **argv);
extern const char pop3get_help[];

#endif
