#!/bin/sh
# tests/tls/lean.sh BINARY - the static TLS binary (toolchain/mbedtls_config.h)
# holds none of the code the reduced configuration leaves out (issue 14's
# size work); BINARY must be unstripped (make STATIC=1's output). Prints
# "ok - ..." / "not ok - ..." lines, exits non-zero on a failure.
#   ChaCha20-Poly1305   not offered, not linked (AES-GCM only)
#   mbedTLS's MD5       APOP/CRAM-MD5 use core/md5.c
#   mbedTLS's SHA-1 block function: core/tls_mbedtls_sha1.c's small one
#   signing and private-key checks (no client certificates; --wrap stubs)
set -u
B=${1:?usage: lean.sh BINARY}
rc=0
syms=$(nm "$B" 2>/dev/null) || { echo "not ok - nm $B (unstripped binary needed)"; exit 1; }
none() {
	if echo "$syms" | grep -Eq "$2"; then
		echo "not ok - $1: $(echo "$syms" | grep -E "$2" | head -n 3 | tr '\n' ' ')"; rc=1
	else echo "ok - $1"; fi
}
some() {
	if echo "$syms" | grep -Eq "$2"; then echo "ok - $1"
	else echo "not ok - $1"; rc=1; fi
}
some "static TLS binary: mbedTLS linked" ' mbedtls_ssl_handshake$'
none "static TLS binary: no ChaCha20-Poly1305" ' mbedtls_(chacha|poly1305|chachapoly)'
none "static TLS binary: no mbedTLS MD5 (core/md5.c is the one MD5)" ' mbedtls_md5'
some "static TLS binary: core/md5.c's MD5" ' md5_final$'
some "static TLS binary: SHA-1 blocks by core/tls_mbedtls_sha1.c (MBEDTLS_SHA1_PROCESS_ALT)" ' wb_sha1_block$'
none "static TLS binary: no signing or private-key checks (core/tls_mbedtls_lean.c, --wrap)" \
	' (mbedtls_ecdsa_sign|mbedtls_ecdsa_sign_restartable|mbedtls_rsa_rsassa_pkcs1_v15_sign|mbedtls_rsa_check_privkey)$'
v3=$(echo "$syms" | grep -c ' mbedtls_rsa_parse_pubkey$')   # 3.x only
[ "$v3" != 0 ] || none "static TLS binary (2.28): no RSA private-key derivation (public-only mbedtls_rsa_complete)" \
	' (mbedtls_rsa_deduce_primes|mbedtls_rsa_deduce_private_exponent)$'
# the unrolled mbedTLS one is over 4 KB; the ALT hook is a call
sz=$(nm -S "$B" | awk '$4 == "mbedtls_internal_sha1_process" { print $2 }')
[ -n "$sz" ] && [ $((0x$sz)) -le 256 ] && echo "ok - static TLS binary: mbedTLS's unrolled SHA-1 not linked" ||
	{ echo "not ok - static TLS binary: mbedTLS's unrolled SHA-1 not linked"; rc=1; }
exit $rc
