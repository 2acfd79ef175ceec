#!/bin/sh
# toolchain/mbedtls.sh - build a static mbedTLS for wirebox with the reduced
# config toolchain/mbedtls_config.h, from Debian's source package with
# Debian's patches applied (dpkg-source -x), or from a given source tree.
#
#   make mbedtls STATIC=1 (TARGET=NAME, CC=..., CFLAGS=...)   how make runs it
#   make mbedtls-dir STATIC=1 (the same variables)  the folder make uses
# By hand it builds with the flags of its environment only (make adds the
# Makefile's code-generation flags), so its folder is not one make uses:
#   WB_MBEDTLS_DIR=/tmp/mb CROSS_COMPILE=mipsel-linux-musl- sh toolchain/mbedtls.sh
#   WB_MBEDTLS_DIR=/tmp/mb3 MBEDTLS_SRC=/path/to/mbedtls-3.6.x sh toolchain/mbedtls.sh
#   sh toolchain/mbedtls.sh --print-dir      print the output folder only
#
# Environment: CC, CROSS_COMPILE, AR (default: ${CROSS_COMPILE}ar when that
# exists, else what "$CC -print-prog-name=ar" names: Debian's musl wrappers
# have no -ar of their own), CFLAGS (the caller's, e.g. -march=...; tls.mk
# passes TARGET_CFLAGS and CFLAGS), MBEDTLS_CFLAGS (more flags), MBEDTLS_SRC,
# WB_MBEDTLS_DIR (output folder), MAKE and MAKEFLAGS (run under make, the
# nested make uses the caller's jobserver; by hand it runs -j$(nproc)).
#
# Output: toolchain/out/<triple>-<hash>/{include,lib,stamp} (or
# WB_MBEDTLS_DIR); <hash> covers CC, the flags and MBEDTLS_SRC ('make
# mbedtls-dir' prints make's folder). <triple> is the
# compiler's -dumpmachine, with the libc part made "musl" for musl compilers
# (musl-gcc, *-linux-musl*-gcc wrappers, or any compiler whose headers are
# Linux's but not glibc's/uClibc's/bionic's): Debian's arm-linux-musleabihf-gcc
# says arm-linux-gnueabihf, and its folder is arm-linux-musleabihf-<hash>. The folder
# holds a copy of the config header the libraries were built with (include/
# wb_mbedtls_config.h); toolchain/tls.mk compiles wirebox with that copy, so
# library and application cannot disagree. The stamp (plain text) records
# the source (Debian version and applied patches, or the tree), compiler,
# flags and AR; a run whose stamp matches does nothing.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "mbedtls.sh: $*" >&2; exit 1; }
if [ -n "${CROSS_COMPILE:-}" ]; then
	CC=${CC:-${CROSS_COMPILE}gcc}
else
	CC=${CC:-musl-gcc}
fi
[ "$CC" != cc ] || CC=musl-gcc   # make's default CC means "not chosen"

# is_musl: the compiler's C library is musl (musl defines no macro of its own)
is_musl() {
	case "$(basename "$CC")" in
	musl-gcc|*-musl-gcc|*-musl*-gcc|*-musl*-gcc-[0-9]*) return 0 ;;
	esac
	d=$(printf '#include <stdio.h>\n' | $CC -E -dM -x c - 2>/dev/null) || return 1
	echo "$d" | grep -q '^#define __linux__ ' || return 1
	! echo "$d" | grep -qE '^#define (__GLIBC__|__UCLIBC__|__BIONIC__) '
}
target() {
	m=$($CC -dumpmachine 2>/dev/null) || die "cannot run compiler '$CC'"
	if is_musl; then
		case "$m" in
		*musl*) ;;
		*-gnu*) m=$(echo "$m" | sed 's/-gnu\([^-]*\)$/-musl\1/') ;;
		*) m=$m-musl ;;
		esac
	fi
	echo "$m"
}
# the flags: -Os, sections for --gc-sections and no unwind tables (what the
# Makefile gives wirebox's own objects; tls.mk passes the rest of them, e.g.
# -fno-pie for static builds), then the caller's CFLAGS and MBEDTLS_CFLAGS
FLAGS=""
for f in -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables; do
	case " ${CFLAGS:-} ${MBEDTLS_CFLAGS:-} " in *" $f "*) ;; *) FLAGS="$FLAGS $f" ;; esac
done
FLAGS=$(echo $FLAGS ${CFLAGS:-} ${MBEDTLS_CFLAGS:-})
# one folder per compiler, flags and source: builds that disagree (musl-gcc
# and TARGET=x86_64, -march or not) keep their own libraries side by side
key() {
	printf 'cc: %s\ncflags: %s\nsrc: %s\n' "$CC" "$FLAGS" "${MBEDTLS_SRC:-}" | cksum |
		{ read -r c _; printf '%08x' "$c"; }
}
OUT=${WB_MBEDTLS_DIR:-$TOP/toolchain/out/$(target)-$(key)}
if [ "${1:-}" = --print-dir ]; then echo "$OUT"; exit 0; fi

# AR: given, else ${CROSS_COMPILE}ar if it exists, else the compiler's own
prog() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
if [ -z "${AR:-}" ] || ! prog "$AR"; then
	[ -z "${AR:-}" ] || echo "mbedtls.sh: AR=$AR not found; using the compiler's ar" >&2
	AR=""
	[ -n "${CROSS_COMPILE:-}" ] && prog "${CROSS_COMPILE}ar" && AR=${CROSS_COMPILE}ar
	[ -n "$AR" ] || { a=$($CC -print-prog-name=ar 2>/dev/null) && prog "$a" && AR=$a; } || AR=ar
fi

CFG=$TOP/toolchain/mbedtls_config.h
SRC=$TOP/toolchain/out/src
# the source: a given tree, or Debian's package unpacked by dpkg-source -x
source_id() {
	if [ -n "${MBEDTLS_SRC:-}" ]; then
		v=$(sed -n 's/^#define MBEDTLS_VERSION_STRING  *"\(.*\)"/\1/p' "$MBEDTLS_SRC/include/mbedtls/build_info.h" \
			"$MBEDTLS_SRC/include/mbedtls/version.h" 2>/dev/null | head -n 1)
		echo "source: $MBEDTLS_SRC (mbedTLS ${v:-?}, given by MBEDTLS_SRC)"
	else
		echo "source: Debian mbedtls $(cat "$SRC/debian-version" 2>/dev/null) (dpkg-source -x; patches applied: $(cat "$SRC/patches" 2>/dev/null))"
	fi
}
stamp() {
	source_id
	echo "cc: $CC ($($CC --version 2>/dev/null | head -n 1))"
	echo "target: $(target)"
	echo "cflags: $FLAGS"
	echo "ar: $AR"
	echo "config: $(cksum < "$CFG")"
}
fresh() { [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$(stamp)" ]; }
fresh && exit 0
# one build per folder at a time (parallel makes, size and check runs share
# it); the Debian source, shared by every folder, has a lock of its own:
# taken exclusively to unpack it, shared to copy it
mkdir -p "$(dirname "$OUT")" "$TOP/toolchain/out"
FLOCK=""
command -v flock >/dev/null 2>&1 && FLOCK=flock
exec 9>"$OUT.lock"
if [ -n "$FLOCK" ]; then
	flock 9
	fresh && exit 0
fi
exec 8>"$TOP/toolchain/out/src.lock"

# 1. Debian's source package (needs dpkg-dev). When apt cannot find it (no
# deb-src entry yet, or one without fetched lists, e.g. after an earlier
# failed update) add the entry if missing, update, and try once more.
get_src() { (cd "$SRC/dl" && apt-get source --download-only -qq mbedtls); }
add_src() { sh "$TOP/scripts/deb-src.sh" mbedtls mbedtls.sh || true; }
newest_dsc() { ls "$SRC"/dl/mbedtls_*.dsc 2>/dev/null | sort -V | tail -n 1; }
fetch() {
	mkdir -p "$SRC/dl"
	if [ -z "$(newest_dsc)" ] && ! get_src 2>/dev/null; then
		command -v apt-get >/dev/null 2>&1 ||
			die "no Debian source package in $SRC/dl and no apt-get: give MBEDTLS_SRC=DIR or MBEDTLS_DIR=PREFIX"
		add_src
		apt-get update -qq || true
		get_src || die "cannot download Debian's mbedtls source package (apt-get update errors above?)"
	fi
	command -v dpkg-source >/dev/null 2>&1 || die "dpkg-source missing (apt-get install dpkg-dev)"
	dsc=$(newest_dsc)
	rm -rf "$SRC/mbedtls" "$SRC/debian-version" "$SRC/patches"
	# -x applies debian/patches (format 3.0 quilt), as the Debian package does
	# (its gpgv warning without debian-keyring is noise: apt checked the files)
	dpkg-source -q --no-copy -x "$dsc" "$SRC/mbedtls" >"$SRC/dpkg-source.log" 2>&1 ||
		{ cat "$SRC/dpkg-source.log" >&2; die "dpkg-source -x $dsc failed"; }
	p=$(cat "$SRC/mbedtls/.pc/applied-patches" 2>/dev/null | tr '\n' ' ')
	echo "${p:-none (the package has none)}" | sed 's/ $//' > "$SRC/patches"
	basename "$dsc" .dsc | sed 's/^mbedtls_//' > "$SRC/debian-version"
}
if [ -n "${MBEDTLS_SRC:-}" ]; then
	[ -f "$MBEDTLS_SRC/library/Makefile" ] && [ -d "$MBEDTLS_SRC/include/mbedtls" ] ||
		die "MBEDTLS_SRC=$MBEDTLS_SRC is not an mbedTLS source tree (no library/Makefile)"
	TREE=$MBEDTLS_SRC
else
	[ -z "$FLOCK" ] || flock 8
	[ -f "$SRC/debian-version" ] && [ -f "$SRC/mbedtls/debian/changelog" ] || fetch
	[ -z "$FLOCK" ] || flock -s 8
	TREE=$SRC/mbedtls
	fresh && exit 0
fi

# 2. the three libraries, out of tree per target. Under make the nested make
# joins the caller's jobserver (tls.mk runs this from a "+" recipe line with
# MAKE and MAKEFLAGS); the caller's variable overrides (BUILD=, OUT=, ...)
# are not passed on. Run by hand (no make above), it uses every core.
MAKE=${MAKE:-make}
mf=" ${MAKEFLAGS:-} "
mf=${mf%% -- *}
MAKEFLAGS=$(set -f; for w in $mf; do
	case $w in -*) echo "$w" ;; *=*) ;; *) echo "$w" ;; esac
done | tr '\n' ' ')
export MAKEFLAGS
unset MAKEOVERRIDES MFLAGS 2>/dev/null || true
# make -s above: only the summary line below (errors go to stderr anyway)
quiet=/dev/stdout
case "${MAKEFLAGS%% *}" in -*|*=*) ;; *s*) quiet=/dev/null ;; esac
J=""
case "$MAKEFLAGS" in
*jobserver*) ;;                                 # the caller's -jN applies
*) [ -n "${MAKELEVEL:-}" ] || J=-j"$(nproc 2>/dev/null || echo 2)" ;;
esac
B=$OUT.build
rm -rf "$B" && mkdir -p "$B"
# objects land in library/ and 3rdparty/; 3.x's Makefile wants its generator
# scripts to exist (order-only), so those are links to the tree
cp -R "$TREE/library" "$TREE/include" "$B/"
[ ! -d "$TREE/3rdparty" ] || cp -R "$TREE/3rdparty" "$B/"
for d in scripts framework; do
	[ ! -d "$TREE/$d" ] || ln -s "$(cd "$TREE/$d" && pwd)" "$B/$d"
done
cp "$CFG" "$B/include/wb_mbedtls_config.h"
t0=$(date +%s)
$MAKE -s -C "$B/library" $J CC="$CC" AR="$AR" \
	CFLAGS="$FLAGS -DMBEDTLS_CONFIG_FILE='\"wb_mbedtls_config.h\"'" \
	libmbedcrypto.a libmbedx509.a libmbedtls.a >"$quiet"

# 3. install: headers, the config copy, libraries, then the stamp last
rm -rf "$OUT" && mkdir -p "$OUT/lib"
cp -R "$B/include" "$OUT/include"
cp "$B"/library/libmbed*.a "$OUT/lib/"
rm -rf "$B"
stamp > "$OUT/stamp"
# (make -s: nothing, like the Makefile's own lines; by hand or plain make: one line)
[ "$quiet" = /dev/null ] ||
	echo "mbedtls.sh: $(source_id | sed 's/^source: //') built with $CC into $OUT in $(($(date +%s) - t0)) s"
