/* digest.c - MD5 one-shot, HMAC-MD5 (RFC 2104) and hex, over md5_init/
 * update/final from core/md5.c. */
#include <string.h>
#include "digest.h"
#include "util.h"

void md5(const void *p, size_t n, unsigned char out[MD5_LEN])
{
	struct md5 c;

	md5_init(&c);
	md5_update(&c, p, n);
	md5_final(&c, out);
}

/* RFC 2104, keys longer than a block hashed first */
void hmac_md5(const void *key, size_t klen, const void *msg, size_t mlen,
              unsigned char out[MD5_LEN])
{
	unsigned char k[64], pad[64], inner[MD5_LEN];
	struct md5 c;
	int i;

	memset(k, 0, sizeof k);
	if (klen > sizeof k)
		md5(key, klen, k);
	else
		memcpy(k, key, klen);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	md5_init(&c);
	md5_update(&c, pad, 64);
	md5_update(&c, msg, mlen);
	md5_final(&c, inner);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	md5_init(&c);
	md5_update(&c, pad, 64);
	md5_update(&c, inner, MD5_LEN);
	md5_final(&c, out);
	secure_zero(k, sizeof k);
	secure_zero(pad, sizeof pad);
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[in[i] >> 4];
		out[2 * i + 1] = hx[in[i] & 15];
	}
	out[2 * n] = 0;
}
