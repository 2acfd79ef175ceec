/* tls_mbedtls_lean.c - no private-key operations in the static binary.
 * wirebox has no client certificates, so it never signs, decrypts or
 * checks a key pair; but mbedTLS's pk layer reaches those functions through
 * its tables (pk_wrap.c), which keeps RSA's private operation, ECDSA signing
 * and DER writing in a --gc-sections link. toolchain/tls.mk links the
 * reduced configuration (and only it: WB_MBEDTLS_CONFIG) with
 * -Wl,--wrap=NAME for each function below: pk_wrap's calls come here and
 * fail, and the real ones are dropped (4.7 KB of the static x86_64 binary,
 * and less code that handles secrets). Prototypes as in 2.28 and 3.x.
 * mbedtls_rsa_complete: 2.28 parses a certificate's RSA key with it, which
 * links the code deriving private-key parts; here it completes public keys
 * only (1.8 KB). */
#include "sysopts.h"
#include "tls_mbedtls.h"
#if defined(WB_MBEDTLS_CONFIG)
#include "mbedtls/pk.h"
#include "mbedtls/rsa.h"
#include "mbedtls/ecdsa.h"

#define NOKEY MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE
typedef int wb_rng(void *, unsigned char *, size_t);

int __wrap_mbedtls_rsa_check_pub_priv(const mbedtls_rsa_context *pub,
                                      const mbedtls_rsa_context *prv);
int __wrap_mbedtls_rsa_check_pub_priv(const mbedtls_rsa_context *pub,
                                      const mbedtls_rsa_context *prv)
{
	(void)pub, (void)prv;
	return NOKEY;
}

int __wrap_mbedtls_rsa_complete(mbedtls_rsa_context *ctx);
#if MBEDTLS_VERSION_MAJOR >= 3
/* 3.x completes keys inside rsa.c, where --wrap does not reach: the real one */
int __real_mbedtls_rsa_complete(mbedtls_rsa_context *ctx);
int __wrap_mbedtls_rsa_complete(mbedtls_rsa_context *ctx)
{
	return __real_mbedtls_rsa_complete(ctx);
}

int __wrap_mbedtls_rsa_pkcs1_sign(mbedtls_rsa_context *ctx, wb_rng *f_rng, void *p_rng,
                                  mbedtls_md_type_t md_alg, unsigned int hashlen,
                                  const unsigned char *hash, unsigned char *sig);
int __wrap_mbedtls_rsa_pkcs1_decrypt(mbedtls_rsa_context *ctx, wb_rng *f_rng, void *p_rng,
                                     size_t *olen, const unsigned char *input,
                                     unsigned char *output, size_t output_max_len);
int __wrap_mbedtls_rsa_pkcs1_encrypt(mbedtls_rsa_context *ctx, wb_rng *f_rng, void *p_rng,
                                     size_t ilen, const unsigned char *input,
                                     unsigned char *output);
int __wrap_mbedtls_ecp_check_pub_priv(const mbedtls_ecp_keypair *pub,
                                      const mbedtls_ecp_keypair *prv, wb_rng *f_rng, void *p_rng);
int __wrap_mbedtls_ecdsa_write_signature(mbedtls_ecdsa_context *ctx, mbedtls_md_type_t md_alg,
                                         const unsigned char *hash, size_t hlen,
                                         unsigned char *sig, size_t sig_size, size_t *slen,
                                         wb_rng *f_rng, void *p_rng);

int __wrap_mbedtls_rsa_pkcs1_sign(mbedtls_rsa_context *ctx, wb_rng *f_rng, void *p_rng,
                                  mbedtls_md_type_t md_alg, unsigned int hashlen,
                                  const unsigned char *hash, unsigned char *sig)
{
	(void)ctx, (void)f_rng, (void)p_rng, (void)md_alg, (void)hashlen, (void)hash, (void)sig;
	return NOKEY;
}

int __wrap_mbedtls_rsa_pkcs1_decrypt(mbedtls_rsa_context *ctx, wb_rng *f_rng, void *p_rng,
                                     size_t *olen, const unsigned char *input,
                                     unsigned char *output, size_t output_max_len)
{
	(void)ctx, (void)f_rng, (void)p_rng, (void)olen, (void)input, (void)output,
	(void)output_max_len;
	return NOKEY;
}

int __wrap_mbedtls_rsa_pkcs1_encrypt(mbedtls_rsa_context *ctx, wb_rng *f_rng, void *p_rng,
                                     size_t ilen, const unsigned char *input,
                                     unsigned char *output)
{
	(void)ctx, (void)f_rng, (void)p_rng, (void)ilen, (void)input, (void)output;
	return NOKEY;
}

int __wrap_mbedtls_ecp_check_pub_priv(const mbedtls_ecp_keypair *pub,
                                      const mbedtls_ecp_keypair *prv, wb_rng *f_rng, void *p_rng)
{
	(void)pub, (void)prv, (void)f_rng, (void)p_rng;
	return NOKEY;
}

int __wrap_mbedtls_ecdsa_write_signature(mbedtls_ecdsa_context *ctx, mbedtls_md_type_t md_alg,
                                         const unsigned char *hash, size_t hlen,
                                         unsigned char *sig, size_t sig_size, size_t *slen,
                                         wb_rng *f_rng, void *p_rng)
{
	(void)ctx, (void)md_alg, (void)hash, (void)hlen, (void)sig, (void)sig_size, (void)slen,
	(void)f_rng, (void)p_rng;
	return NOKEY;
}
#else
/* a public key (N, E) from a certificate: its length; anything with a
 * private part is refused. pkparse.c follows with mbedtls_rsa_check_pubkey,
 * which checks the context (N odd, its length, E) as the real one did. */
int __wrap_mbedtls_rsa_complete(mbedtls_rsa_context *ctx)
{
	if (mbedtls_mpi_cmp_int(&ctx->D, 0) || mbedtls_mpi_cmp_int(&ctx->P, 0) ||
	    mbedtls_mpi_cmp_int(&ctx->Q, 0) || mbedtls_mpi_cmp_int(&ctx->N, 0) <= 0 ||
	    mbedtls_mpi_cmp_int(&ctx->E, 0) <= 0)
		return MBEDTLS_ERR_RSA_BAD_INPUT_DATA;
	ctx->len = mbedtls_mpi_size(&ctx->N);
	return 0;
}

int __wrap_mbedtls_rsa_pkcs1_sign(mbedtls_rsa_context *ctx, wb_rng *f_rng, void *p_rng,
                                  int mode, mbedtls_md_type_t md_alg, unsigned int hashlen,
                                  const unsigned char *hash, unsigned char *sig);
int __wrap_mbedtls_rsa_pkcs1_decrypt(mbedtls_rsa_context *ctx, wb_rng *f_rng, void *p_rng,
                                     int mode, size_t *olen, const unsigned char *input,
                                     unsigned char *output, size_t output_max_len);
int __wrap_mbedtls_rsa_pkcs1_encrypt(mbedtls_rsa_context *ctx, wb_rng *f_rng, void *p_rng,
                                     int mode, size_t ilen, const unsigned char *input,
                                     unsigned char *output);
int __wrap_mbedtls_ecp_check_pub_priv(const mbedtls_ecp_keypair *pub,
                                      const mbedtls_ecp_keypair *prv);
int __wrap_mbedtls_ecdsa_write_signature(mbedtls_ecdsa_context *ctx, mbedtls_md_type_t md_alg,
                                         const unsigned char *hash, size_t hlen,
                                         unsigned char *sig, size_t *slen,
                                         wb_rng *f_rng, void *p_rng);

int __wrap_mbedtls_rsa_pkcs1_sign(mbedtls_rsa_context *ctx, wb_rng *f_rng, void *p_rng,
                                  int mode, mbedtls_md_type_t md_alg, unsigned int hashlen,
                                  const unsigned char *hash, unsigned char *sig)
{
	(void)ctx, (void)f_rng, (void)p_rng, (void)mode, (void)md_alg, (void)hashlen, (void)hash,
	(void)sig;
	return NOKEY;
}

int __wrap_mbedtls_rsa_pkcs1_decrypt(mbedtls_rsa_context *ctx, wb_rng *f_rng, void *p_rng,
                                     int mode, size_t *olen, const unsigned char *input,
                                     unsigned char *output, size_t output_max_len)
{
	(void)ctx, (void)f_rng, (void)p_rng, (void)mode, (void)olen, (void)input, (void)output,
	(void)output_max_len;
	return NOKEY;
}

int __wrap_mbedtls_rsa_pkcs1_encrypt(mbedtls_rsa_context *ctx, wb_rng *f_rng, void *p_rng,
                                     int mode, size_t ilen, const unsigned char *input,
                                     unsigned char *output)
{
	(void)ctx, (void)f_rng, (void)p_rng, (void)mode, (void)ilen, (void)input, (void)output;
	return NOKEY;
}

int __wrap_mbedtls_ecp_check_pub_priv(const mbedtls_ecp_keypair *pub,
                                      const mbedtls_ecp_keypair *prv)
{
	(void)pub, (void)prv;
	return NOKEY;
}

int __wrap_mbedtls_ecdsa_write_signature(mbedtls_ecdsa_context *ctx, mbedtls_md_type_t md_alg,
                                         const unsigned char *hash, size_t hlen,
                                         unsigned char *sig, size_t *slen,
                                         wb_rng *f_rng, void *p_rng)
{
	(void)ctx, (void)md_alg, (void)hash, (void)hlen, (void)sig, (void)slen, (void)f_rng,
	(void)p_rng;
	return NOKEY;
}
#endif
#else
typedef int wb_no_lean;     /* a library with its own configuration: nothing */
#endif
