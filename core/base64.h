/* base64.h - RFC 4648 base64 (standard alphabet, padded). */
#ifndef WB_BASE64_H
#define WB_BASE64_H
#include <stddef.h>

/* encoded length of n bytes, without the NUL */
#define BASE64_LEN(n) ((((n) + 2) / 3) * 4)

/* Encode n bytes into out (NUL-terminated). Returns the length, or
 * (size_t)-1 if out (max bytes) is too small. */
size_t base64_encode(const void *in, size_t n, char *out, size_t max);
/* Strict decode of n chars (padding required, no white space, canonical
 * trailing bits). Returns the decoded length or (size_t)-1 on bad input or
 * when out (max bytes) is too small. */
size_t base64_decode(const char *in, size_t n, void *out, size_t max);

#endif
