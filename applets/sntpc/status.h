/* status.h - the daemon's sync status file, `sntpc --status` and
 * `sntpc --wait-sync SECONDS`.
 *
 * The file is the -e form itself: KEY=VALUE lines a shell can source
 * (`. /var/run/sntpc.status`), in this order:
 *   SNTP_SYNC=1                 1 synchronised, 0 not
 *   SNTP_STRATUM=2              the system peer's stratum (as -e's
 *                               SNTP_STRATUM; ours is one more); 16 when
 *                               not synchronised
 *   SNTP_SERVER='pool.ntp.org'  the system peer's name as given ('' none)
 *   SNTP_ADDRESS='192.0.2.1:123'
 *   SNTP_OFFSET=+0.000123       the last offset, seconds (6 decimals)
 *   SNTP_DELAY=0.012345         its delay, seconds
 *   SNTP_UPDATED=1796533200     unix seconds of the last clock update (0 never)
 *   SNTP_POLL=64                the poll interval, seconds
 *   SNTP_WRITTEN=1796533212     unix seconds when the daemon wrote the file
 *   SNTP_PID=1234               the daemon's process id
 * Texts are quoted as output.c's out_quoted does ('it'\''s'); status_format
 * puts them through text_clean first, so the file holds no control byte.
 * status_read parses it strictly: every line KEY=VALUE with KEY of
 * [A-Z0-9_], known keys in their exact form (unknown keys are skipped,
 * for later versions), SNTP_SYNC required; anything else is EX_PROTOCOL
 * (the file is the daemon's word to its readers, not a configuration).
 * A missing file (no daemon wrote it) is EX_UNAVAILABLE; one that is not a regular file or larger
 * than STATUS_FILE_MAX is EX_PROTOCOL too.
 *
 * Default path STATUS_PATH, /var/run/sntpc.status (tmpfs on routers: no
 * flash wear). status_write replaces it atomically: a temporary file made
 * with mkstemp (O_EXCL: never through a symlink) in the same directory,
 * mode 0644, renamed over the target. No fsync: the file describes the
 * running daemon and means nothing after a reboot (on tmpfs fsync does
 * nothing anyway).
 *
 * Freshness (for --wait-sync): the daemon rewrites the file after every
 * poll, so a file whose SNTP_WRITTEN is older than 2 * SNTP_POLL +
 * STATUS_SLACK seconds (or more than STATUS_SLACK in the future) is stale:
 * its daemon is gone or hung. And when SNTP_PID names a process that does
 * not exist (kill(pid, 0) fails with ESRCH) the file is stale too. */
#ifndef SNTPC_STATUS_H
#define SNTPC_STATUS_H
#include <stdint.h>
#include <stddef.h>
#include "err.h"
#include "net.h"
#include "ntp.h"

#define STATUS_PATH "/var/run/sntpc.status"
#define STATUS_FILE_MAX 2048    /* bytes: a real file is about 300 */
#define STATUS_SLACK 60         /* seconds of grace for freshness */
#define STATUS_WAIT_MS 250      /* status_wait's polling period */

struct sync_status {
	int synced;
	unsigned stratum;
	char server[HOST_MAX];
	char address[ADDRSTR_MAX];
	ntp_fix offset, delay;          /* microsecond resolution in the file */
	int64_t updated;                /* unix seconds, 0 never */
	unsigned poll;                  /* seconds */
	int64_t written;                /* unix seconds */
	long pid;                       /* 0 unknown */
};

/* eval 1: the file's form (above); eval 0: a few lines for people, e.g.
 *   synchronised to pool.ntp.org (192.0.2.1:123), stratum 2
 *   offset +0.000123 s, delay 0.012345 s, poll 64 s
 *   updated 2026-12-06 05:00:00 UTC (12 s ago)
 *   written 2026-12-06 05:00:12 UTC by pid 1234
 * now: unix seconds for "ago" and "(stale)" (0: neither). Returns the
 * length, or -1 if it did not fit in max (buf then holds a cut, still
 * NUL-terminated text). */
int status_format(const struct sync_status *st, int eval, int64_t now, char *buf, size_t max);
/* parse a file's text (NUL-terminated) strictly; 0, or -1 with e filled
 * (EX_PROTOCOL, the message names the line) */
int status_parse(const char *text, struct sync_status *st, struct wb_err *e);
/* read and parse path (NULL: STATUS_PATH); 0 or -1 with e filled */
int status_read(const char *path, struct sync_status *st, struct wb_err *e);
/* write st atomically to path (NULL: STATUS_PATH); 0 or -1 with e filled
 * (EX_IOERR) */
int status_write(const char *path, const struct sync_status *st, struct wb_err *e);
/* 1 if st was written recently enough (see above) at unix time now; the
 * pid check is not done here (pure) */
int status_fresh(const struct sync_status *st, int64_t now);
/* 1 if st says synchronised, is fresh and its SNTP_PID (if any) is alive */
int status_ok(const struct sync_status *st, int64_t now);
/* Wait until path says synchronised and is fresh (and its SNTP_PID, if
 * any, is alive): 0 with st filled; at deadline_ms (CLOCK_MONOTONIC ms,
 * see mono_ms) EX_TEMPFAIL with e saying what was last seen. Reads the
 * file every STATUS_WAIT_MS, sleeping in between (never spins). */
int status_wait(const char *path, int64_t deadline_ms, struct sync_status *st,
                struct wb_err *e);

#endif
