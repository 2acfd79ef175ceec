/* digest.h - MD5 and HMAC-MD5 for CRAM-MD5 (RFC 2195) and APOP (RFC 1939).
 * md5_init/update/final come from core/md5.c (TLS builds too); the rest
 * (core/digest.c) is built on them. */
#ifndef WB_DIGEST_H
#define WB_DIGEST_H
#include <stddef.h>
#include <stdint.h>

#define MD5_LEN 16

struct md5 {
	uint32_t h[4];
	uint64_t len;
	unsigned char buf[64];
};

void md5_init(struct md5 *c);
void md5_update(struct md5 *c, const void *p, size_t n);
void md5_final(struct md5 *c, unsigned char out[MD5_LEN]);
void md5(const void *p, size_t n, unsigned char out[MD5_LEN]);
void hmac_md5(const void *key, size_t klen, const void *msg, size_t mlen,
              unsigned char out[MD5_LEN]);
/* lower-case hex of n bytes into out (2n+1 bytes) */
void hex_encode(const unsigned char *in, size_t n, char *out);

#endif
