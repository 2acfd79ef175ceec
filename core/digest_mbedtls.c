/* digest_mbedtls.c - MD5 and HMAC-MD5 (digest.h) from mbedTLS in TLS builds,
 * instead of a second copy of MD5 (core/digest.c is for TLS-off builds).
 * struct md5 is only storage here: the mbedTLS context is copied in and
 * out, so digest.h stays free of mbedTLS types. */
#include <string.h>
#include "sysopts.h"
#include "digest.h"
#include "tls_mbedtls.h"
#include "util.h"

typedef char md5_ctx_fits[sizeof(mbedtls_md5_context) <= sizeof(struct md5) ? 1 : -1];

static void load(mbedtls_md5_context *m, const struct md5 *c)
{
	memcpy(m, c, sizeof *m);
}

static void store(struct md5 *c, mbedtls_md5_context *m)
{
	memcpy(c, m, sizeof *m);
	secure_zero(m, sizeof *m);
}

void md5_init(struct md5 *c)
{
	mbedtls_md5_context m;

	mbedtls_md5_init(&m);
	wb_md5_starts(&m);
	store(c, &m);
}

void md5_update(struct md5 *c, const void *p, size_t n)
{
	mbedtls_md5_context m;

	load(&m, c);
	wb_md5_update(&m, p, n);
	store(c, &m);
}

void md5_final(struct md5 *c, unsigned char out[MD5_LEN])
{
	mbedtls_md5_context m;

	load(&m, c);
	wb_md5_finish(&m, out);
	secure_zero(&m, sizeof m);
	secure_zero(c, sizeof *c);
}

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
