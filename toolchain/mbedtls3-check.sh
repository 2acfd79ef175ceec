#!/bin/sh
# toolchain/mbedtls3-check.sh - wirebox's mbedTLS 3.x code paths against
# mbedTLS 3.6 (what OpenWrt and Buildroot ship), from Debian's source
# package (trixie), unpacked with dpkg-source -x so Debian's patches apply.
# Called by toolchain/tls-check.sh; by itself: sh toolchain/mbedtls3-check.sh
#   1. fetch the .dsc, orig and debian tarballs from deb.debian.org into
#      toolchain/out/mbedtls3/dl (once; ignored by git) and unpack them;
#      check that every patch in debian/patches/series is applied
#   2. compile core/tls_mbedtls*.c and the TLS unit
#      test sources with -Werror against 3.6's default configuration
#   3. build 3.6 with wirebox's reduced configuration (MBEDTLS_SRC=, as a
#      firmware builder would), link the unit tests and run the TLS suites;
#      link a static musl binary with it (when musl-gcc is there)
#   4. on amd64: Debian's libmbedtls-dev 3.6 (its own configuration, TLS 1.3
#      and PSA on, like OpenWrt's) as MBEDTLS_DIR=; TLS unit suites again
# The fetch is the only network access. If it fails: exit 77 with a
# message (tls-check.sh reports a skip), or fail in CI ($CI set).
set -eu
cd "$(dirname "$0")/.."
TOP=$PWD
MAKE=${MAKE:-make}
BR=${BUILDROOT:-build}
D=$TOP/toolchain/out/mbedtls3
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# the version checked; when the mirror has moved on, the current trixie
# version is looked up in its Sources index
PIN_VER=3.6.6-0.1~deb13u1
PIN_DSC_SHA256=eb9ed1adbbddcb0d00276fac6fcee0056c64ce01481c2522a16dca75792eb5eb
PIN_DEB_SHA256=6aa5f24c353339fa231703a6d9e9061407f67d245644d774b03b7419d29a361f
ok() { echo "ok - $*"; }
no() { echo "not ok - $*"; exit 1; }
skip() {
	echo "mbedtls3-check: $*"
	[ -z "${CI:-}" ] || no "mbedTLS 3.x check cannot run in CI: $*"
	echo "mbedtls3-check: SKIPPED (no mbedTLS 3.x source could be fetched; the 3.x code paths are not checked)"
	exit 77
}

# get URL FILE: curl, or python3 (scripts/install-deps.sh has it) without curl
get() {
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL --retry 2 --connect-timeout 15 -o "$2.part" "$1"
	else
		python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$1" "$2.part" 2>/dev/null
	fi && mv "$2.part" "$2"
}
# fetch VERSION DSC_SHA256: the .dsc and the files it names
fetch() {
	v=$1 dsc=mbedtls_$1.dsc
	get "$MIRROR/pool/main/m/mbedtls/$dsc" "$D/dl/$dsc" || return 1
	echo "$2  $D/dl/$dsc" | sha256sum -c --quiet - || { rm -f "$D/dl/$dsc"; return 1; }
	for f in $(sed -n '/^Checksums-Sha256:/,/^[^ ]/s/^ [0-9a-f]\{64\} [0-9]* //p' "$D/dl/$dsc"); do
		[ -f "$D/dl/$f" ] || get "$MIRROR/pool/main/m/mbedtls/$f" "$D/dl/$f" || return 1
	done
}
lookup() {   # the current trixie version and its .dsc checksum
	get "$MIRROR/dists/trixie/main/source/Sources.xz" "$D/dl/Sources.xz" || return 1
	xz -dc "$D/dl/Sources.xz" | awk '/^Package: mbedtls$/ { p = 1 } p && /^$/ { exit }
		p && /^Version:/ { v = $2 } p && / mbedtls_.*\.dsc$/ && length($1) == 64 { s = $1 }
		END { if (v != "" && s != "") print v, s; else exit 1 }'
}
U=$D/src
if [ ! -f "$D/version" ] || [ ! -f "$U/debian/changelog" ]; then
	command -v dpkg-source >/dev/null 2>&1 || skip "dpkg-source missing (apt-get install dpkg-dev)"
	mkdir -p "$D/dl"
	ver=$PIN_VER
	if ! fetch "$PIN_VER" "$PIN_DSC_SHA256"; then
		vs=$(lookup) || skip "cannot reach $MIRROR for mbedTLS 3.x"
		set -- $vs
		ver=$1
		fetch "$1" "$2" || skip "cannot download Debian's mbedtls $1 source package"
	fi
	rm -rf "$U"
	# (gpgv's "Can't check signature: No public key" without debian-keyring:
	# the tarballs are still checked against the .dsc, whose SHA-256 we know)
	dpkg-source -q --no-copy -x "$D/dl/mbedtls_$ver.dsc" "$U" >"$D/dpkg-source.log" 2>&1 ||
		{ cat "$D/dpkg-source.log"; no "dpkg-source -x mbedtls_$ver.dsc"; }
	echo "$ver" > "$D/version"
fi
ver=$(cat "$D/version")
echo "mbedTLS 3.x check: Debian mbedtls $ver ($D)"

# 1. Debian's patches are applied (each one reverses cleanly)
n=0
for p in $(sed 's/#.*//' "$U/debian/patches/series" 2>/dev/null); do
	patch -s -p1 -R --dry-run -d "$U" < "$U/debian/patches/$p" >/dev/null 2>&1 ||
		no "Debian patch $p is not applied in $U"
	n=$((n + 1))
done
ok "mbedtls $ver unpacked by dpkg-source -x, $n Debian patch(es) applied"

# 2. the 3.x code paths compile, -Werror, against 3.6's default config
G=$BR/mbedtls3
mkdir -p "$G"
cp configs/full_defconfig "$G/.config"
$MAKE -s BUILD="$G" KCONFIG_CONFIG="$G/.config" olddefconfig
$MAKE -s BUILD="$G" KCONFIG_CONFIG="$G/.config" "$G/config.h" "$G/applets.h" "$G/epoch.h"
for f in core/tls_mbedtls*.c tests/unit/test_tls*.c; do
	gcc -std=c99 -D_POSIX_C_SOURCE=200809L -DWB_MBEDTLS -Wall -Wextra -Werror \
		-Wshadow -Wstrict-prototypes -Wmissing-prototypes -I"$G" -Icore -I. -Itests \
		$(pkg-config --cflags check 2>/dev/null) -isystem "$U/include" -fsyntax-only "$f" ||
		no "$f does not compile against mbedTLS $ver"
done
ok "core/tls_mbedtls*.c, tests/unit/test_tls*.c compile (-Werror) against mbedTLS $ver's default config"

# 3. wirebox's reduced config built from the 3.6 tree; unit suites; static
t0=$(date +%s)
$MAKE -s BUILD="$G" KCONFIG_CONFIG="$G/.config" OUT="$G/wirebox" CC=gcc OPT="-O1 -g" \
	MBEDTLS_SRC="$U" WB_MBEDTLS_DIR="$D/x86_64-linux-gnu" all unit >/dev/null ||
	no "wirebox with the reduced config built from mbedTLS $ver"
"$G/wirebox" --version | grep -q "TLS: on (Mbed TLS 3\." ||
	no "the 3.x build does not report mbedTLS 3: $("$G/wirebox" --version | tail -n 1)"
ok "built against mbedTLS $ver with toolchain/mbedtls_config.h (MBEDTLS_SRC=) in $(($(date +%s) - t0)) s"
"$G/unit" tls tls_opt core_digest core_conn >"$G/unit.log" 2>&1 ||
	{ tail -n 20 "$G/unit.log"; no "TLS unit suites against mbedTLS $ver"; }
ok "TLS unit suites pass against mbedTLS $ver: $(tail -n 1 "$G/unit.log")"
if command -v musl-gcc >/dev/null 2>&1; then
	S=$BR/mbedtls3-static
	mkdir -p "$S"
	cp "$G/.config" "$S/.config"
	$MAKE -s BUILD="$S" KCONFIG_CONFIG="$S/.config" OUT="$S/wirebox" STATIC=1 \
		MBEDTLS_SRC="$U" WB_MBEDTLS_DIR="$D/x86_64-linux-musl" >/dev/null ||
		no "static musl build against mbedTLS $ver"
	file "$S/wirebox" | grep -Eq 'statically linked|static-pie linked' || no "3.x STATIC=1 build is not static"
	"$S/wirebox" --version | grep -q "TLS: on (Mbed TLS 3\." || no "static 3.x build reports another mbedTLS"
	ok "static musl build with mbedTLS $ver: $(wc -c < "$S/wirebox") bytes unstripped"
fi

# 4. the library with Debian's own 3.6 configuration, as MBEDTLS_DIR
[ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] || exit 0
deb=libmbedtls-dev_${ver}_amd64.deb
if [ ! -f "$D/dev/usr/include/mbedtls/ssl.h" ]; then
	sum=$PIN_DEB_SHA256
	if [ "$ver" != "$PIN_VER" ]; then
		get "$MIRROR/dists/trixie/main/binary-amd64/Packages.xz" "$D/dl/Packages.xz" || skip "cannot fetch trixie's Packages index"
		sum=$(xz -dc "$D/dl/Packages.xz" | awk -v f="pool/main/m/mbedtls/$deb" '$1 == "Filename:" { p = ($2 == f) } p && $1 == "SHA256:" { print $2; exit }')
	fi
	[ -f "$D/dl/$deb" ] || get "$MIRROR/pool/main/m/mbedtls/$deb" "$D/dl/$deb" || skip "cannot download $deb"
	echo "$sum  $D/dl/$deb" | sha256sum -c --quiet - || { rm -f "$D/dl/$deb"; no "$deb: checksum"; }
	rm -rf "$D/dev" && dpkg-deb -x "$D/dl/$deb" "$D/dev"
fi
M=$(cd "$D/dev/usr/lib" && ls -d */libmbedtls.a | sed 's,/.*,,')
grep -q '^#define MBEDTLS_SSL_PROTO_TLS1_3' "$D/dev/usr/include/mbedtls/mbedtls_config.h" && p13=", TLS 1.3 on" || p13=""
K=$BR/mbedtls3-deb
mkdir -p "$K"
cp "$G/.config" "$K/.config"
$MAKE -s BUILD="$K" KCONFIG_CONFIG="$K/.config" OUT="$K/wirebox" CC=gcc OPT="-O1 -g" \
	MBEDTLS_DIR="$D/dev/usr" MBEDTLS_LIBDIR="$D/dev/usr/lib/$M" all unit >/dev/null ||
	no "wirebox with MBEDTLS_DIR= Debian's libmbedtls-dev $ver"
"$K/unit" tls tls_opt core_digest core_conn >"$K/unit.log" 2>&1 ||
	{ tail -n 20 "$K/unit.log"; no "TLS unit suites against Debian's libmbedtls-dev $ver (its own config)"; }
ok "MBEDTLS_DIR= Debian's libmbedtls-dev $ver (its own config$p13): TLS unit suites pass: $(tail -n 1 "$K/unit.log")"
