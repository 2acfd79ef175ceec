/* tls_mbedtls_sha1.c - a small SHA-1 block function (FIPS 180-4, one loop
 * of 80 rounds) that the reduced mbedTLS configuration links instead of its
 * own unrolled one (MBEDTLS_SHA1_PROCESS_ALT in toolchain/mbedtls_config.h:
 * 5.4 KB of the static x86_64 binary, 4.3 KB on armhf). SHA-1 is there only
 * so that the SHA-1-signed roots of CA bundles parse; the X.509 profile
 * refuses SHA-1 signatures in a chain, so nothing trusted rests on it.
 * A library with its own configuration (system, MBEDTLS_DIR) keeps its own
 * SHA-1; wb_sha1_block is then only the unit tests'. */
#include "sysopts.h"
#include "tls_mbedtls.h"

#define ROL(x, n) ((x) << (n) | (x) >> (32 - (n)))

void wb_sha1_block(uint32_t h[5], const unsigned char p[64])
{
	uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 0; i < 80; i++) {
		if (i >= 16) {
			t = w[(i + 13) & 15] ^ w[(i + 8) & 15] ^ w[(i + 2) & 15] ^ w[i & 15];
			w[i & 15] = ROL(t, 1);
		}
		if (i < 20) {
			f = d ^ (b & (c ^ d));
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (d & (b | c));
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = ROL(a, 5) + f + e + k + w[i & 15];
		e = d;
		d = c;
		c = ROL(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

#if defined(MBEDTLS_SHA1_PROCESS_ALT)
int mbedtls_internal_sha1_process(mbedtls_sha1_context *ctx, const unsigned char data[64])
{
	wb_sha1_block(wb_sha1_state(ctx), data);
	return 0;
}
#endif
