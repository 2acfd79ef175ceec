/* util.h - small helpers shared by the applets. */
#ifndef WB_UTIL_H
#define WB_UTIL_H
#include <stddef.h>
#include <stdint.h>

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

#endif
