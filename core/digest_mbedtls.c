/* digest_mbedtls.c - md5_init/update/final (digest.h) from mbedTLS in TLS
 * builds, instead of a second copy of MD5 (core/md5.c is for TLS-off builds).
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
