#!/bin/sh
# toolchain/mbedtls.sh - build a static mbedTLS for wirebox from Debian's
# source package, with the reduced config toolchain/mbedtls_config.h.
#
#   sh toolchain/mbedtls.sh             build for CC (default musl-gcc)
#   CROSS_COMPILE=mips-linux-musl- sh toolchain/mbedtls.sh
#   CC=/opt/x/bin/arm-linux-musleabi-gcc AR=... sh toolchain/mbedtls.sh
#   sh toolchain/mbedtls.sh --print-dir print the output folder only
#
# Output: toolchain/out/<target>/{include,lib}, where <target> is the
# compiler's -dumpmachine (with "-musl" for musl-gcc). The folder holds a
# copy of the config header the libraries were built with (include/
# wb_mbedtls_config.h) and a stamp; toolchain/tls.mk compiles wirebox with
# that copy, so library and application cannot disagree. Idempotent: a
# second run with the same compiler, config and source does nothing.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${CROSS_COMPILE:-}" ]; then
	CC=${CC:-${CROSS_COMPILE}gcc}
	AR=${AR:-${CROSS_COMPILE}ar}
else
	CC=${CC:-musl-gcc}
	AR=${AR:-ar}
fi
[ "$CC" != cc ] || CC=musl-gcc   # make's default CC means "not chosen"

target() {
	m=$($CC -dumpmachine 2>/dev/null) || { echo "mbedtls.sh: cannot run compiler '$CC'" >&2; exit 1; }
	case "$(basename "$CC")" in
	*musl-gcc) m=$(echo "$m" | sed 's/-gnu.*$//; s/-musl.*$//')-musl ;;
	esac
	echo "$m"
}
OUT=${WB_MBEDTLS_DIR:-$TOP/toolchain/out/$(target)}
if [ "${1:-}" = --print-dir ]; then echo "$OUT"; exit 0; fi

CFG=$TOP/toolchain/mbedtls_config.h
SRC=$TOP/toolchain/out/src
key() { { cat "$CFG"; echo "CC=$CC $($CC --version 2>/dev/null | head -n 1)";
	  echo "CFLAGS=${MBEDTLS_CFLAGS:-}"; ls "$SRC"/*.orig.tar.* 2>/dev/null; } | cksum; }

fresh() { [ -f "$OUT/stamp" ] && [ -f "$SRC/.done" ] && [ "$(cat "$OUT/stamp")" = "$(key)" ]; }
fresh && exit 0
# one build at a time (parallel makes, size and check runs share the folder)
mkdir -p "$TOP/toolchain/out"
exec 9>"$TOP/toolchain/out/.lock"
if command -v flock >/dev/null 2>&1; then
	flock 9
	fresh && exit 0
fi

# 1. Debian's source package (needs dpkg-dev). When apt cannot find it (no
# deb-src entry yet, or one without fetched lists, e.g. after an earlier
# failed update) add the entry if missing, update, and try once more.
die() { echo "mbedtls.sh: $*" >&2; exit 1; }
get_src() { (cd "$SRC/dl" && apt-get source --download-only -qq mbedtls); }
add_src() {
	grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/ && return
	. /etc/os-release
	echo "mbedtls.sh: adding a deb-src entry for Debian $VERSION_CODENAME"
	printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$VERSION_CODENAME" > /etc/apt/sources.list.d/wirebox-src.sources
}
fetch() {
	mkdir -p "$SRC/dl"
	if ! ls "$SRC"/dl/mbedtls_*.orig.tar.* >/dev/null 2>&1 && ! get_src 2>/dev/null; then
		add_src
		apt-get update -qq || true
		get_src || die "cannot download Debian's mbedtls source package (apt-get update errors above?)"
	fi
	rm -rf "$SRC/mbedtls"
	mkdir -p "$SRC/mbedtls"
	tar -xf "$(ls "$SRC"/dl/mbedtls_*.orig.tar.* | head -n 1)" -C "$SRC/mbedtls" --strip-components=1
	ln -sf dl/"$(cd "$SRC/dl" && ls mbedtls_*.orig.tar.* | head -n 1)" "$SRC/"
	touch "$SRC/.done"
}
[ -f "$SRC/.done" ] || fetch

# 2. the three libraries, out of tree per target
B=$OUT.build
rm -rf "$B" && mkdir -p "$B" && cp -R "$SRC/mbedtls/library" "$SRC/mbedtls/include" "$SRC/mbedtls/3rdparty" "$B/"
cp "$CFG" "$B/include/wb_mbedtls_config.h"
make -s -C "$B/library" -j"$(nproc 2>/dev/null || echo 2)" CC="$CC" AR="$AR" \
	CFLAGS="-Os -ffunction-sections -fdata-sections ${MBEDTLS_CFLAGS:-} -DMBEDTLS_CONFIG_FILE='\"wb_mbedtls_config.h\"'" \
	libmbedcrypto.a libmbedx509.a libmbedtls.a

# 3. install: headers, the config copy, libraries, then the stamp last
rm -rf "$OUT" && mkdir -p "$OUT/lib"
cp -R "$B/include" "$OUT/include"
cp "$B"/library/libmbed*.a "$OUT/lib/"
rm -rf "$B"
key > "$OUT/stamp"
echo "mbedtls.sh: $(basename "$(ls "$SRC"/mbedtls_*.orig.tar.*)") built with $CC into $OUT"
