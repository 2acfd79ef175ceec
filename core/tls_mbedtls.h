/* tls_mbedtls.h - internal to core/tls_mbedtls*.c and tests/unit/test_tls*.c: the only place that knows mbedTLS versions
 * (2.28 and 3.x), and the pure helpers the unit tests call. Applets never
 * include this file (they use tls.h). */
#ifndef WB_TLS_MBEDTLS_H
#define WB_TLS_MBEDTLS_H
#include <stdint.h>
#include <time.h>
#include "mbedtls/version.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/sha1.h"
#include "mbedtls/sha256.h"
#include "mbedtls/net_sockets.h"   /* MBEDTLS_ERR_NET_* codes only */
#include "err.h"

/* A static build must see the config header its library was built with:
 * toolchain/tls.mk passes -DWB_MBEDTLS_STATIC together with the copy of
 * toolchain/mbedtls_config.h installed next to the libraries. */
#if defined(WB_MBEDTLS_STATIC) && !defined(WB_MBEDTLS_CONFIG)
#error "static mbedTLS build without its config header (use toolchain/tls.mk)"
#endif
#if defined(WB_MBEDTLS_CONFIG) && !defined(WB_MBEDTLS_STATIC)
#error "toolchain/mbedtls_config.h seen in a build against the system mbedTLS"
#endif
/* A library with its own configuration (system, MBEDTLS_DIR=, pkg-config)
 * must have what wirebox uses; the first option it lacks is named. */
#if !defined(MBEDTLS_SSL_CLI_C)
#error "mbedTLS configuration lacks MBEDTLS_SSL_CLI_C (wirebox needs it: TLS client)"
#endif
#if !defined(MBEDTLS_SSL_TLS_C)
#error "mbedTLS configuration lacks MBEDTLS_SSL_TLS_C (wirebox needs it: TLS)"
#endif
#if !defined(MBEDTLS_SSL_PROTO_TLS1_2)
#error "mbedTLS configuration lacks MBEDTLS_SSL_PROTO_TLS1_2 (wirebox needs it: TLS 1.2)"
#endif
#if !defined(MBEDTLS_SSL_SERVER_NAME_INDICATION)
#error "mbedTLS configuration lacks MBEDTLS_SSL_SERVER_NAME_INDICATION (wirebox needs it: SNI)"
#endif
#if !defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
#error "mbedTLS configuration lacks MBEDTLS_SSL_KEEP_PEER_CERTIFICATE (wirebox needs it: --fingerprint)"
#endif
#if !defined(MBEDTLS_X509_CRT_PARSE_C)
#error "mbedTLS configuration lacks MBEDTLS_X509_CRT_PARSE_C (wirebox needs it: certificates)"
#endif
#if !defined(MBEDTLS_PEM_PARSE_C)
#error "mbedTLS configuration lacks MBEDTLS_PEM_PARSE_C (wirebox needs it: PEM CA bundles)"
#endif
#if !defined(MBEDTLS_FS_IO)
#error "mbedTLS configuration lacks MBEDTLS_FS_IO (wirebox needs it: --cafile/--capath)"
#endif
#if !defined(MBEDTLS_HAVE_TIME_DATE)
#error "mbedTLS configuration lacks MBEDTLS_HAVE_TIME_DATE (wirebox needs it: certificate validity times)"
#endif
#if !defined(MBEDTLS_CTR_DRBG_C)
#error "mbedTLS configuration lacks MBEDTLS_CTR_DRBG_C (wirebox needs it: random numbers)"
#endif
#if !defined(MBEDTLS_SHA256_C)
#error "mbedTLS configuration lacks MBEDTLS_SHA256_C (wirebox needs it: pins, suites)"
#endif
#if !defined(MBEDTLS_AES_C)
#error "mbedTLS configuration lacks MBEDTLS_AES_C (wirebox needs it: AES-GCM suites)"
#endif
#if !defined(MBEDTLS_GCM_C)
#error "mbedTLS configuration lacks MBEDTLS_GCM_C (wirebox needs it: AES-GCM suites)"
#endif
#if !defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
#error "mbedTLS configuration lacks MBEDTLS_ECP_DP_SECP256R1_ENABLED (wirebox needs it: P-256)"
#endif
#if !defined(MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED)
#error "mbedTLS configuration lacks MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED (wirebox needs it: ECDHE-RSA suites)"
#endif
#if !defined(MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED)
#error "mbedTLS configuration lacks MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED (wirebox needs it: ECDHE-ECDSA suites)"
#endif

/* ---- version differences (2.28 vs 3.x), nowhere else ---- */
#if MBEDTLS_VERSION_MAJOR >= 3
#define wb_sha256 mbedtls_sha256
#define wb_sha1 mbedtls_sha1
#define wb_sha1_state(ctx) ((ctx)->MBEDTLS_PRIVATE(state))
/* TLS 1.2 only: a 3.x library with TLS 1.3 in its own configuration (Debian's,
 * OpenWrt's) would offer 1.3 without 1.3 suites in our list, and a 1.3
 * server then refuses the handshake */
#define wb_conf_tls12(c) (mbedtls_ssl_conf_min_tls_version((c), MBEDTLS_SSL_VERSION_TLS1_2), \
	mbedtls_ssl_conf_max_tls_version((c), MBEDTLS_SSL_VERSION_TLS1_2))
#define wb_conf_groups(c, l) mbedtls_ssl_conf_groups((c), (l))
/* P-256 and P-384 with every library: toolchain/mbedtls_config.h has no
 * X25519 (every server with ECDHE has P-256) */
#define WB_GROUP_LIST { MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1, \
	MBEDTLS_SSL_IANA_TLS_GROUP_NONE }
typedef uint16_t wb_group;
#define wb_last_alert(ssl) ((ssl)->MBEDTLS_PRIVATE(in_msg) ? \
	(ssl)->MBEDTLS_PRIVATE(in_msg)[1] : 0)
/* 3.0 folded the BAD_HS_* codes into a few generic ones */
#define WB_ERR_BAD_VERSION MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION
#define WB_ERR_BAD_CERT MBEDTLS_ERR_SSL_BAD_CERTIFICATE
#define WB_ERR_NO_SUITE MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE
#define WB_ERR_BAD_KEX MBEDTLS_ERR_SSL_DECODE_ERROR
#define WB_ERR_BAD_HELLO MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER
/* a ServerHello suite the library does not know at all (not in its
 * configuration) is BAD_INPUT_DATA in 3.x; 2.28 says BAD_HS_SERVER_HELLO */
#define wb_hs_err(r) ((r) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA ? WB_ERR_BAD_HELLO : (r))
#if defined(MBEDTLS_PSA_CRYPTO_C)
#include "psa/crypto.h"
#define wb_crypto_init() (psa_crypto_init() == PSA_SUCCESS ? 0 : -1)
#endif
#else
#define wb_sha256 mbedtls_sha256_ret
#define wb_sha1 mbedtls_sha1_ret
#define wb_sha1_state(ctx) ((ctx)->state)
#define wb_conf_tls12(c) (mbedtls_ssl_conf_min_version((c), \
	MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3), mbedtls_ssl_conf_max_version((c), \
	MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3))
#define wb_conf_groups(c, l) mbedtls_ssl_conf_curves((c), (l))
#define WB_GROUP_LIST { MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_NONE }
typedef mbedtls_ecp_group_id wb_group;
#define wb_last_alert(ssl) ((ssl)->in_msg ? (ssl)->in_msg[1] : 0)
#define WB_ERR_BAD_VERSION MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION
#define WB_ERR_BAD_CERT MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE
#define WB_ERR_NO_SUITE MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE
#define WB_ERR_BAD_KEX MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE
#define WB_ERR_BAD_HELLO MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO
#define wb_hs_err(r) (r)
#endif
#ifndef wb_crypto_init
#define wb_crypto_init() 0
#endif

/* ---- pure helpers (core/tls_mbedtls_err.c), unit-tested ---- */

/* what the verify callback saw, for the error message */
struct tls_seen {
	uint32_t flags;             /* MBEDTLS_X509_BADCERT_* over the chain */
	int pin_bad;                /* --fingerprint did not match */
	mbedtls_x509_time from, to; /* validity of the cert that was out of date */
	const char *name;           /* name or address verified */
};
/* Words for a failed verification; fills e (EX_UNAVAILABLE), returns -1.
 * now/build: the clock and the build date (for the 1970-clock advice). */
int tls_verify_words(const struct tls_seen *v, time_t now, time_t build,
                     struct wb_err *e);
/* Words for a failed handshake (mbedTLS error r, alert received); fills e
 * (EX_PROTOCOL or EX_TEMPFAIL), returns -1. */
int tls_hs_words(int r, int alert, struct wb_err *e);
/* "YYYY-MM-DD HH:MM:SS UTC" */
void tls_time_str(const mbedtls_x509_time *t, char *buf, size_t max);
/* 1 if addr (4 or 16 bytes) is among crt's iPAddress SANs */
int tls_san_has_ip(const mbedtls_x509_crt *crt, const unsigned char *addr, size_t len);
/* one SHA-1 block into the state h (core/tls_mbedtls_sha1.c): the reduced
 * configuration's mbedtls_internal_sha1_process (MBEDTLS_SHA1_PROCESS_ALT) */
void wb_sha1_block(uint32_t h[5], const unsigned char p[64]);

#endif
