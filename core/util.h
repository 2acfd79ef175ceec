/* util.h - small helpers shared by the applets. */
#ifndef WB_UTIL_H
#define WB_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>
#include "err.h"

/* milliseconds on CLOCK_MONOTONIC */
int64_t mono_ms(void);
/* fill buf with n unpredictable bytes (getrandom or /dev/urandom); 0 or -1 */
int random_bytes(void *buf, size_t n);
/* bounded copy: always NUL-terminates; returns -1 if src did not fit */
int strlcopy(char *dst, const char *src, size_t max);
/* basename without allocation or modification */
const char *base_name(const char *path);
/* 1 if s matches the case-insensitive prefix p (ASCII) */
int prefix_icase(const char *s, const char *p);
/* wipe a secret so the compiler cannot drop the store */
void secure_zero(void *p, size_t n);

/* The one EINTR loop. fd_read: one read(2), repeated while it is
 * interrupted; fd_read_full: reads until n bytes or end of file and
 * returns the count (short only at EOF); fd_write_all: every byte, 0 or -1
 * (errno; a write of 0 counts as EIO). -1 with errno on an error. */
ssize_t fd_read(int fd, void *buf, size_t n);
ssize_t fd_read_full(int fd, void *buf, size_t n);
/* the same from offset off with pread (the file offset stays) */
ssize_t fd_pread_full(int fd, void *buf, size_t n, off_t off);
int fd_write_all(int fd, const void *buf, size_t n);

/* A whole small text file into buf, NUL-terminated (at most max-1 bytes),
 * opened O_CLOEXEC, its fstat in *st. Returns the length, or -1 with e
 * filled: EX_NOINPUT missing, EX_CONFIG unreadable or a directory, too
 * large or holding a NUL byte, EX_IOERR a read error; messages name path. */
ssize_t file_read_small(const char *path, char *buf, size_t max, struct stat *st,
                        struct wb_err *e);

/* days since 1970-01-01 (negative too) to a proleptic Gregorian date, by
 * era arithmetic over 400-year cycles (H. Hinnant's civil_from_days);
 * gmtime would drag in libc's time-zone code. Inline: each applet makes
 * one call, and an out-of-line copy costs more than it shares. */
static inline void civil_date(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

#endif
