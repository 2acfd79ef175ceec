#!/bin/sh
# toolchain/tls-check.sh - the TLS-on half of 'make check' (called by
# tests/run.sh in its builds step; BUILDROOT as there):
#   1. full_defconfig against the system mbedTLS (Debian libmbedtls-dev)
#   2. full_defconfig STATIC=1: musl + toolchain/mbedtls.sh, must be static
#   3. the unit suites with TLS on, plain, under valgrind, and ASan+UBSan
#   4. tests/integration/tls.sh with the TLS binaries as $WIREBOX
#   5. toolchain/mbedtls3-check.sh: the mbedTLS 3.x code paths against
#      Debian's mbedTLS 3.6 (fetched once; an honest skip outside CI when
#      it cannot be fetched, a failure in CI)
set -eu
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
BR=${BUILDROOT:-build}
step() { echo; echo "=== $* ==="; }
build() {
	d=$BR/$1 cfg=$2; shift 2
	mkdir -p "$d"
	if ! cmp -s "$cfg" "$d/.config.src" 2>/dev/null; then
		cp "$cfg" "$d/.config"
		cp "$cfg" "$d/.config.src"
		$MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" olddefconfig
	fi
	$MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" OUT="$d/wirebox" "$@"
}
missing() { echo "$1 missing ($2): TLS checks cannot run"; exit 1; }
[ -f /usr/include/mbedtls/ssl.h ] || missing mbedTLS "apt-get install libmbedtls-dev"
command -v openssl >/dev/null 2>&1 || missing openssl "apt-get install openssl"

step "TLS builds"
build tls-dyn configs/full_defconfig
ldd "$BR/tls-dyn/wirebox" | grep -q libmbedtls ||
	{ echo "TLS build does not link libmbedtls"; exit 1; }
echo "TLS build against the system mbedTLS: ok"
if command -v musl-gcc >/dev/null 2>&1; then
	build tls-static configs/full_defconfig STATIC=1
	file "$BR/tls-static/wirebox" | grep -Eq 'statically linked|static-pie linked' ||
		{ file "$BR/tls-static/wirebox"; echo "STATIC=1 TLS build is not static"; exit 1; }
	echo "static TLS build (musl + toolchain mbedTLS): $(file -b "$BR/tls-static/wirebox" | cut -d, -f1-2), statically linked"
	sh tests/tls/lean.sh "$BR/tls-static/wirebox"   # what the reduced config leaves out
else
	echo "musl-gcc missing (apt-get install musl-tools): static TLS build skipped"
	[ -z "${CI:-}" ] || exit 1
fi
# a config-header mismatch must not compile (core/tls_mbedtls.h)
mm() {
	if gcc -std=c99 -D_POSIX_C_SOURCE=200809L -DWB_MBEDTLS -I"$BR/tls-dyn" -Icore -I. \
		"$@" -fsyntax-only core/tls_mbedtls_err.c 2>/dev/null; then
		echo "mbedTLS config mismatch compiled: $*"; exit 1
	fi
}
gcc -std=c99 -D_POSIX_C_SOURCE=200809L -DWB_MBEDTLS -I"$BR/tls-dyn" -Icore -I. \
	-fsyntax-only core/tls_mbedtls_err.c || { echo "control compile failed"; exit 1; }
mm -DWB_MBEDTLS_STATIC                  # static flag, system default config
mm -Itoolchain -DMBEDTLS_CONFIG_FILE='"mbedtls_config.h"'   # our config, system library
# a library config without what wirebox needs: refused, the option named
sed '/define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE/d; /check_config/d; /WB_MBEDTLS_CONFIG 1/d' \
	toolchain/mbedtls_config.h > "$BR/tls-dyn/lacking_config.h"
if gcc -std=c99 -D_POSIX_C_SOURCE=200809L -DWB_MBEDTLS -I"$BR/tls-dyn" -Icore -I. \
	-DMBEDTLS_CONFIG_FILE='"lacking_config.h"' -fsyntax-only core/tls_mbedtls_err.c 2>"$BR/tls-dyn/lacking.err"; then
	echo "a library config without MBEDTLS_SSL_KEEP_PEER_CERTIFICATE compiled"; exit 1
fi
grep -q 'lacks MBEDTLS_SSL_KEEP_PEER_CERTIFICATE' "$BR/tls-dyn/lacking.err" ||
	{ cat "$BR/tls-dyn/lacking.err"; echo "the missing option is not named"; exit 1; }
echo "mbedTLS config-header mismatches and missing options refused at compile time: ok"
# TLS off must link no TLS code
build tls-off configs/defconfig
if nm "$BR/tls-off/wirebox" 2>/dev/null | grep -qi mbedtls; then
	echo "TLS-off build contains mbedTLS symbols"; exit 1
fi
echo "TLS-off build has no mbedTLS symbols: ok"

step "unit suites with TLS on"
build tls-unit configs/full_defconfig OPT="-O1 -g" unit
"$BR/tls-unit/unit"
if command -v valgrind >/dev/null 2>&1; then
	CK_FORK=no valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite "$BR/tls-unit/unit" tls tls_opt core_digest core_conn
else
	echo "valgrind missing: skipped"; [ -z "${CI:-}" ] || exit 1
fi
build tls-unit-san configs/full_defconfig OPT="-O1 -g" \
	CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	LDFLAGS="-fsanitize=address,undefined" unit
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$BR/tls-unit-san/unit"

step "TLS integration tests"
# a build "made in 2100": this clock is before its build date (boot-at-1970 case)
SOURCE_DATE_EPOCH=4102444800 build tls-clock configs/full_defconfig
export WIREBOX_CLOCK="$PWD/$BR/tls-clock/wirebox"
failed=""
for b in tls-dyn tls-static; do
	[ -x "$BR/$b/wirebox" ] || continue
	echo "--- tls ($b)"
	WIREBOX="$PWD/$BR/$b/wirebox" sh tests/isolated.sh tests/integration/tls.sh || failed="$failed $b"
done
[ -z "$failed" ] || { echo "TLS integration failures:$failed"; exit 1; }

step "mbedTLS 3.x"
rc=0
BUILDROOT=$BR sh toolchain/mbedtls3-check.sh || rc=$?
case $rc in
0) ;;
77) echo "mbedTLS 3.x check skipped (see above)" ;;
*) echo "mbedTLS 3.x check failed"; exit 1 ;;
esac
