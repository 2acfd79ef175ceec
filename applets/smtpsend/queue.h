/* queue.h - smtpsend's offline queue (CONFIG_SMTPSEND_QUEUE): entries on
 * disk, their attempt state, and the policy (backoff, lifetime, caps).
 *
 * Layout of a queue directory DIR (mode 0700, ours; docs/smtpsend.md):
 *   DIR/tmp/ID      an entry being written (flock held by its writer)
 *   DIR/new/ID      a queued entry: complete, fsynced, never rewritten
 *   DIR/state/ID    its attempt state (small; replaced atomically)
 *   DIR/failed/ID   an entry given up on (lifetime, 5xx); state/ID says why
 *   DIR/lock        flock'd while the caps are checked and an entry enters
 *   DIR/runner.pid  a -qINTERVAL runner's pid (fcntl lock held by it)
 * ID: "%010lld.%d.%08x" (injection time, pid, random): sorts by age, and
 * only [0-9a-f.] so a user-given ID can never name another path.
 *
 * An entry (qentry_format/qentry_parse) is text lines, then the message:
 *   smtpsend-queue 1
 *   injected 1796533200 valid        (or "invalid": the clock was not)
 *   from alice@example.org           ("from" alone: the null sender <>)
 *   rcpt bob@example.org             (one line each, 1..RCPT_MAX)
 *   utf8 1                           (optional: an address is non-ASCII)
 *   set KEY VALUE                    (settings a later send needs: host,
 *                                     port, tls, user, ...; never a secret)
 *   end
 *   <the message exactly as it would have been sent, before dot-stuffing>
 * Keys are [a-z0-9_]+; no value holds a byte below 0x20 or 0x7f; lines
 * end in "\n"; anything else (unknown line, duplicate, missing field,
 * head longer than QHEAD_MAX) is EX_DATAERR from the parser.
 *
 * A state file (qstate_format/qstate_parse) is lines too:
 *   attempts 3
 *   next 1796533500          (unix seconds: not before)
 *   valid_since 1796533200   (first valid-clock time seen; 0 none yet)
 *   done carol@example.org   (recipients that have it already)
 *   error 421 4.3.0 busy     (the last failure, cleaned)
 *   failed 550 5.1.1 no such user   (why it is in failed/)
 * A state file that does not parse counts as no state (attempts 0): it
 * is advisory and never stops a delivery. */
#ifndef SMTPSEND_QUEUE_H
#define SMTPSEND_QUEUE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "err.h"
#include "smtp.h"

#define QID_MAX 48              /* an ID with its NUL */
#define QKEY_MAX 32             /* a setting's key with its NUL */
#define QVAL_MAX 1024           /* a setting's value with its NUL */
#define QSET_MAX 40             /* settings in one entry */
#define QHEAD_MAX 65536         /* an entry's text head, "end\n" included */
#define QERR_MAX 512            /* error/failed texts */
#define QUEUE_LIST_MAX 1024     /* entries one listing or flush sees */

#define QUEUE_BACKOFF_MIN 60    /* seconds, the first retry */
#define QUEUE_BACKOFF_MAX 3600  /* seconds, the longest wait */
#define QUEUE_LIFETIME 432000   /* 5 days of valid-clock time */
#define QUEUE_MAX_SIZE 1048576  /* bytes of all entries (new/ and failed/) */
#define QUEUE_MAX_COUNT 100     /* entries (new/ and failed/) */
#define QUEUE_CLOCK_FLOOR 1704067200LL  /* 2024-01-01: no clock before is valid */
#define QUEUE_RESTART 1         /* valid_since: start at the next valid time
                                 * (a --queue-retry with an invalid clock) */

struct qset {
	char key[QKEY_MAX];
	char val[QVAL_MAX];
};

struct qentry {
	int64_t injected;       /* unix seconds at injection */
	int inj_valid;          /* the clock was valid then */
	char from[ADDR_MAX];    /* "" the null sender */
	char rcpt[RCPT_MAX][ADDR_MAX];
	int nrcpt;
	int utf8;
	struct qset set[QSET_MAX];
	int nset;
};

struct qstate {
	int attempts;
	int64_t next;           /* not before (unix seconds); 0 due */
	int64_t valid_since;    /* 0 unknown */
	char done[RCPT_MAX][ADDR_MAX];
	int ndone;
	char error[QERR_MAX];   /* "" none */
	char failed[QERR_MAX];  /* "" not failed */
};

/* ---- qentry.c: the formats (pure) ---- */
/* the head of q into buf (NUL-terminated); its length, or -1 with e
 * filled (EX_DATAERR: a value with a control byte, too long for max) */
long qentry_format(const struct qentry *q, char *buf, size_t max, struct wb_err *e);
/* parse the head at the start of buf (len bytes, the message may follow);
 * 0 with *body the offset of the message, or -1 with e filled
 * (EX_DATAERR, naming the line) */
int qentry_parse(const char *buf, size_t len, struct qentry *q, size_t *body,
                 struct wb_err *e);
/* the value of setting key, or NULL */
const char *qentry_get(const struct qentry *q, const char *key);
/* add a setting (a NULL or empty value: nothing); 0 or -1 with e filled
 * (EX_DATAERR: bad key, control byte in the value, no room) */
int qentry_set(struct qentry *q, const char *key, const char *val, struct wb_err *e);
long qstate_format(const struct qstate *st, char *buf, size_t max);
/* 0, or -1 (then *st is zeroed: no state) */
int qstate_parse(const char *buf, size_t len, struct qstate *st);
/* 1 if id has the ID form above (so it names nothing but an entry) */
int qid_ok(const char *id);

/* ---- qpolicy.c: the rules (pure) ---- */
/* seconds to wait after the attempts-th failed attempt (1, 2, ...):
 * 60 s doubling to 3600 s, times 0.8..1.2 from rnd */
int64_t queue_backoff(int attempts, uint32_t rnd);
/* 1 if unix time now can be trusted: at or after the start of the build
 * date's year and QUEUE_CLOCK_FLOOR */
int queue_clock_valid(int64_t now, int64_t build_epoch);
/* valid-clock seconds an entry has lived: from its injection if the clock
 * was valid then, else from st->valid_since (and from st->valid_since
 * when that is later: --queue-retry restarts it); -1 if unknown (now is not
 * valid, or no valid time seen yet: the caller sets valid_since = now) */
int64_t queue_age(const struct qentry *q, const struct qstate *st, int64_t now,
                  int now_valid);
/* 1 if the entry may be tried at now: never tried, next reached, or next
 * impossibly far ahead (the clock went back: more than 1.2 x the longest
 * backoff) */
int queue_due(const struct qstate *st, int64_t now);
struct qcaps {
	uint64_t max_size;      /* bytes */
	unsigned max_count;
	int64_t lifetime;       /* seconds */
};
/* 1 if an entry of add bytes fits beside used bytes in count entries */
int queue_cap_ok(const struct qcaps *c, uint64_t used, unsigned count, uint64_t add);
/* "15m", "1h", "90", "2d" (s m h d; none: seconds) into seconds in
 * [min, max]; 0 or -1 */
int queue_interval(const char *v, int64_t min, int64_t max, int64_t *out);

/* ---- queue.c: the directory (every call by *at on the dir's fds) ---- */
struct queue {
	const char *path;
	int dir, tmp, new_, state, failed;      /* open directory fds, -1 closed */
	struct qcaps caps;
};
/* open (creating DIR and its folders, mode 0700) and check DIR: a
 * directory, not a symlink, ours, not writable by group or others;
 * otherwise EX_CONFIG (not ours/unsafe) or EX_CANTCREAT/EX_TEMPFAIL.
 * The same holds for tmp/, new/, state/, failed/ (a folder another user
 * made while DIR was open to them: "DIR: new/: owned by uid N, not ours"
 * or "writable by others"), and for lock and runner.pid when there
 * (regular files, one link). Every folder above DIR, walked from / with
 * O_NOFOLLOW along DIR's real path (realpath of its parent: a symbolic
 * link on the way, as OpenWrt's /var -> /tmp/var, is followed, and the
 * folders it leads to are checked; so is each folder of the path as
 * written, which holds such a link: / for /var), must be owned by root or
 * us and not writable by group or others unless sticky (/tmp): else
 * another user could rename DIR away or repoint a link to it; EX_CONFIG
 * naming the folder. Missing folders above DIR are made (0755) under the
 * same rule. Each folder made is made durable (the folder holding it
 * fsynced) before queue_open returns. */
int queue_open(struct queue *q, const char *path, struct wb_err *e);
void queue_close(struct queue *q);

/* an entry being written: tmp/ID, flock'd */
struct qwriter {
	char id[QID_MAX];
	int fd;
	off_t body;             /* offset of the message in the file */
	uint64_t size;          /* bytes written (head and message) */
	uint64_t room;          /* bytes the size cap leaves it (at qw_begin) */
};
/* create tmp/ID with q's head written; 0 or -1 with e filled */
int qw_begin(struct queue *q, struct qwriter *w, const struct qentry *head,
             struct wb_err *e);
/* append message bytes; over the size cap (counting what is queued)
 * EX_TEMPFAIL "queue full"; a write error EX_TEMPFAIL with errno's words */
int qw_write(struct queue *q, struct qwriter *w, const void *p, size_t n,
             struct wb_err *e);
/* fsync, check the caps under DIR/lock, rename into new/, fsync new/: 0
 * only when the entry is durable; else -1 (EX_TEMPFAIL) and tmp/ID gone */
int qw_commit(struct queue *q, struct qwriter *w, struct wb_err *e);
/* remove tmp/ID (a message sent directly, or given up) */
void qw_abort(struct queue *q, struct qwriter *w);

/* one queued entry, open and locked */
struct qfile {
	char id[QID_MAX];
	int fd;
	int in_failed;          /* from failed/ (listing only) */
	off_t body;
	uint64_t size;          /* of the whole file */
	struct qentry e;
	struct qstate st;
};
/* IDs in new/ (failed = 0) or failed/ (1), oldest first, at most max; the
 * count, or -1 with e filled */
int queue_list(struct queue *q, int failed, char (*ids)[QID_MAX], int max,
               struct wb_err *e);
/* open new/ID (or failed/ID) and parse it; lock: flock LOCK_EX|LOCK_NB
 * and check it is still that entry. 0; 1 busy or gone (another flusher
 * has it; skip); -1 with e filled (a damaged entry: EX_DATAERR; an entry
 * that is not a regular file, ours, unwritable by group and others -- one
 * another user could have planted -- EX_CONFIG "DIR: new/ID: ...: not
 * used": never parsed nor sent, and to be left where it is). A state
 * file that is not ours alone counts as no state. queue_drop,
 * queue_retry and queue_fail_damaged refuse such an entry (EX_CONFIG) and
 * queue_sweep_tmp leaves such tmp/ files alone. */
int qf_open(struct queue *q, const char *id, int failed, int lock, struct qfile *f,
            struct wb_err *e);
void qf_close(struct qfile *f);
/* delivered: unlink new/ID and state/ID, fsync new/; 0 or -1 */
int qf_done(struct queue *q, struct qfile *f, struct wb_err *e);
/* write f->st to state/ID atomically (temporary file, rename) */
int qf_save_state(struct queue *q, struct qfile *f, struct wb_err *e);
/* the same for an entry not open: the first attempt's state, written by
 * the send that queued it */
int queue_save_state(struct queue *q, const char *id, const struct qstate *st,
                     struct wb_err *e);
/* f->st.failed set: save the state, rename new/ID to failed/ID, fsync
 * both folders */
int qf_fail(struct queue *q, struct qfile *f, struct wb_err *e);
/* a damaged entry (qf_open's EX_DATAERR) out of new/: locked, its state
 * written with "failed WHY" (why cleaned by text_clean), moved to
 * failed/ID, both folders fsynced (as qf_fail). 0; 1 busy or gone; -1
 * with e filled: EX_USAGE a bad ID, EX_CONFIG an entry not ours alone
 * (left where it is), EX_IOERR (as qf_fail: moved, but its state not
 * saved, is -1 too) */
int queue_fail_damaged(struct queue *q, const char *id, const char *why,
                       struct wb_err *e);
/* --queue-drop ID (new/ or failed/), --queue-retry ID (due now; from
 * failed/ back into new/ with its state cleared but done kept, and
 * valid_since = restart: a valid-clock now starts its lifetime again, 0
 * when the clock is not valid):
 * 0, or -1 with e filled (EX_USAGE: no such entry; 75: it is being sent) */
int queue_drop(struct queue *q, const char *id, struct wb_err *e);
int queue_retry(struct queue *q, const char *id, int64_t restart, struct wb_err *e);
/* bytes and entries in new/ and failed/ */
int queue_usage(struct queue *q, uint64_t *bytes, unsigned *count, struct wb_err *e);
/* remove tmp/ files nobody holds and whose mtime is more than 10
 * minutes from now (a writer killed before commit) */
void queue_sweep_tmp(struct queue *q);
/* test-only crash hook: NULL in the program; a unit test sets it to a
 * function that kills the process (SIGKILL, as kill -9) at one STEP.
 * queue.c's steps: "tmp-created", "tmp-written" (head), "tmp-synced",
 * "renamed" (in new/, not yet fsynced), "committed" (durable, before
 * qw_commit returns), "unlinked" (qf_done: new/ID gone, state/ID not
 * yet), "failed-moved" (qf_fail: in failed/, not yet fsynced), "moved"
 * (queue_retry: back in new/, not yet fsynced). The integration tests
 * kill at every system call instead (tests/smtp/crashshim.c). */
extern void (*queue_crash_hook)(const char *step);

#endif
