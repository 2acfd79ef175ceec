/* toolchain/mbedtls_config.h - mbedTLS 2.28 and 3.6 configuration for
 * wirebox's static builds: a verifying TLS 1.2 client and nothing else.
 *   key exchange  ECDHE-ECDSA, ECDHE-RSA (P-256, P-384; no X25519)
 *   ciphers       AES-128/256-GCM (AEAD only; no ChaCha20-Poly1305: 4.3 KB,
 *                 and every server that has it has AES-GCM too)
 *   hashes        SHA-256, SHA-384 (TLS, X.509),
 *                 SHA-1 (parsing old root certificates only)
 *   X.509         PEM/DER parsing, chain, name and validity-time checks
 * No server side, no renegotiation, no session tickets, no CBC; SHA-1 only
 * so that CA bundles load whole (about 30 of Debian's 144 roots are
 * SHA-1-signed), never accepted in a chain (default X.509 profile).
 * toolchain/mbedtls.sh builds the libraries with this file and installs a
 * copy next to them; toolchain/tls.mk compiles wirebox with that copy. */
#ifndef WB_MBEDTLS_CONFIG_H
#define WB_MBEDTLS_CONFIG_H

/* checked by core/tls_mbedtls.h: the application saw this file */
#define WB_MBEDTLS_CONFIG 1

/* system */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_FS_IO
#define MBEDTLS_DEPRECATED_REMOVED

/* curves and key exchange */
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
/* no X25519: every TLS 1.2 server with ECDHE has P-256 too, which costs
 * 0.7 ms more client CPU per handshake on x86_64 (3.8 instead of 3.1 ms)
 * and saves 3.4 KB of the static x86_64 binary (2.1 KB armhf) */
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_PKCS1_V15

/* TLS 1.2 client */
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384   /* servers may send full records */
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096
#define MBEDTLS_SSL_CIPHERSUITES \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, \
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, \
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384

/* X.509 */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_OID_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

/* crypto */
#define MBEDTLS_AES_C
#define MBEDTLS_AESNI_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA1_C      /* only to load SHA-1-signed roots of CA bundles;
                             * the X.509 profile refuses SHA-1 in chains */
/* its block function is core/tls_mbedtls_sha1.c's loop, not the unrolled one
 * (5.4 KB of the static x86_64 binary; the application provides it) */
#define MBEDTLS_SHA1_PROCESS_ALT
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C
/* 3.x: SHA-384 is its own option; build_info.h defines the version before
 * it reads this file, 2.28 reads this file before version.h */
#if defined(MBEDTLS_VERSION_MAJOR) && MBEDTLS_VERSION_MAJOR >= 3
#define MBEDTLS_SHA384_C
/* 3.6: no AES decryption (GCM and CTR-DRBG only encrypt; 2.28 has no
 * such option) */
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT
#endif
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_SMALLER
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_RSA_C

/* 3.x checks the configuration itself (build_info.h), after adjusting it */
#if !defined(MBEDTLS_VERSION_MAJOR) || MBEDTLS_VERSION_MAJOR < 3
#include "mbedtls/check_config.h"
#endif
#endif
