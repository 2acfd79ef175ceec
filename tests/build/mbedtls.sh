#!/bin/sh
# tests/build/mbedtls.sh - how a TLS build gets its mbedTLS (toolchain/tls.mk,
# toolchain/mbedtls.sh), as a firmware builder uses it:
#   - the output folder of a musl compiler is named after the musl triple,
#     also for Debian's wrappers whose -dumpmachine says ...-gnu...
#   - Debian's source package is unpacked by dpkg-source -x (patches
#     applied) and the stamp records the Debian version
#   - MBEDTLS_DIR=PREFIX (installed library, its own config, #error naming a
#     missing option), MBEDTLS_SRC=DIR, pkg-config: no download attempted
#   - the nested make joins the caller's jobserver (no -j of its own), runs
#     -jN by hand; the caller's CFLAGS, TARGET_CFLAGS and AR reach mbedTLS
#     and are in the stamp; AR falls back to the compiler's when
#     ${CROSS_COMPILE}ar does not exist (Debian's musl wrappers)
#   - the build date comes from build/epoch.h only
# Needs musl-tools, dpkg-dev, libmbedtls-dev (scripts/install-deps.sh).
# Run: sh tests/build/mbedtls.sh (builds in build/t-mbedtls*, libraries in a
# temp dir; the Debian source in toolchain/out/src is shared with builds).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
MAKE=${MAKE:-make}
T=$T_DIR
BR=${BUILDROOT:-build}/t-mbedtls
mkdir -p "$T/bin" "$BR"
at_exit "rm -rf '$BR'"
if ! command -v musl-gcc >/dev/null 2>&1 || ! command -v dpkg-source >/dev/null 2>&1; then
	echo "musl-gcc or dpkg-source missing (apt-get install musl-tools dpkg-dev): mbedTLS build checks skipped"
	[ -z "${CI:-}" ] || exit 1
	exit 0
fi
# a TLS config that builds quickly
{ cat configs/defconfig; echo CONFIG_TLS=y; } > "$BR/cfg"
# mk DIR [make args...]: build wirebox in $BR/DIR (output in $T/DIR.log)
mk() {
	d=$BR/$1; shift
	mkdir -p "$d"
	[ -f "$d/.config" ] || { cp "$BR/cfg" "$d/.config"; $MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" olddefconfig; }
	$MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" OUT="$d/wirebox" "$@" >"$T/$(basename "$d").log" 2>&1
}
log() { cat "$T/$1.log"; }

# --- 1. the output folder's triple --------------------------------------------
dir_of() { CC=$1 sh toolchain/mbedtls.sh --print-dir | sed 's,.*/,,'; }
printf '#!/bin/sh\n[ "$1" = -dumpmachine ] && { echo arm-linux-gnueabihf; exit 0; }\nexec x86_64-linux-musl-gcc "$@"\n' > "$T/bin/arm-linux-musleabihf-gcc"
printf '#!/bin/sh\n[ "$1" = -dumpmachine ] && { echo arm-linux-gnueabihf; exit 0; }\nexec gcc "$@"\n' > "$T/bin/arm-linux-gnueabihf-gcc"
printf '#!/bin/sh\nexec musl-gcc "$@"\n' > "$T/bin/cc-wrapped"
chmod +x "$T/bin/"*
for c in "x86_64-linux-musl-gcc x86_64-linux-musl" "musl-gcc x86_64-linux-musl" "gcc x86_64-linux-gnu" \
	"$T/bin/arm-linux-musleabihf-gcc arm-linux-musleabihf" "$T/bin/arm-linux-gnueabihf-gcc arm-linux-gnueabihf" \
	"$T/bin/cc-wrapped x86_64-linux-musl"; do
	set -- $c
	got=$(dir_of "$1")
	if [ "$got" = "$2" ]; then pass "mbedTLS folder for CC=$(basename "$1") is $2"
	else fail "mbedTLS folder for CC=$(basename "$1")" "got $got, want $2"; fi
done
for x in arm-linux-musleabihf aarch64-linux-musl mipsel-linux-musl; do   # real ones, when installed
	command -v $x-gcc >/dev/null 2>&1 || continue
	got=$(dir_of $x-gcc)
	[ "$got" = "$x" ] && pass "mbedTLS folder for the installed $x-gcc is $x" ||
		fail "mbedTLS folder for the installed $x-gcc" "got $got"
done

# --- 2. Debian's source package, patches applied, version in the stamp --------
if mk static STATIC=1; then pass "STATIC=1 TLS build"; else fail "STATIC=1 TLS build" "$(log static | tail -n 5)"; fi
L=$(sh toolchain/mbedtls.sh --print-dir)
S=toolchain/out/src
dsc=$(ls $S/dl/mbedtls_*.dsc 2>/dev/null | sort -V | tail -n 1)
ver=$(basename "$dsc" .dsc | sed 's/^mbedtls_//')
t_grep "the stamp records the Debian version ($ver) and dpkg-source -x" \
	"^source: Debian mbedtls $ver \\(dpkg-source -x; patches applied: " "$L/stamp"
top=$(sed -n '1s/^mbedtls (\([^)]*\)).*/\1/p' $S/mbedtls/debian/changelog 2>/dev/null)
[ -n "$ver" ] && [ "$top" = "$ver" ] && pass "the source tree is Debian's $ver package unpacked (debian/changelog)" ||
	fail "the source tree is Debian's package" "changelog says '$top', .dsc '$ver'"
series=$(sed 's/#.*//' $S/mbedtls/debian/patches/series 2>/dev/null | tr '\n' ' ' | sed 's/ *$//')
if [ -z "$series" ]; then
	t_grep "Debian $ver has no patches, and the stamp says so" "patches applied: none" "$L/stamp"
else
	for p in $series; do
		patch -s -p1 -R --dry-run -d $S/mbedtls < $S/mbedtls/debian/patches/$p >/dev/null 2>&1 &&
			pass "Debian patch $p is applied" || fail "Debian patch $p is applied"
	done
	t_grep "the stamp lists Debian's patches" "patches applied: $series\\)" "$L/stamp"
fi
# (mbedtls3-check.sh proves the same with Debian's 3.6 package, which has patches)

# stubs that record any download attempt
for p in apt-get apt curl wget dpkg-source; do
	printf '#!/bin/sh\necho "%s $*" >> "%s/downloads"\nexit 1\n' "$p" "$T" > "$T/bin/$p"
done
chmod +x "$T/bin/"*
nodl() {
	if [ -s "$T/downloads" ]; then fail "$1: no download attempted" "$(cat "$T/downloads")"; rm -f "$T/downloads"
	else pass "$1: no download attempted"; fi
}

# --- 3. MBEDTLS_DIR=PREFIX: an installed static mbedTLS with its own config ---
P=$T/prefix
mkdir -p "$P/lib"
cp -R "$L/include" "$P/include"
cp "$L"/lib/*.a "$P/lib/"
# its config is mbedtls/config.h, as an install of a custom-configured library
grep -v '^#define WB_MBEDTLS_CONFIG 1' "$L/include/wb_mbedtls_config.h" > "$P/include/mbedtls/config.h"
rm "$P/include/wb_mbedtls_config.h"
if PATH=$T/bin:$PATH mk dir STATIC=1 MBEDTLS_DIR="$P"; then
	pass "MBEDTLS_DIR=PREFIX (static .a, own config) builds"
	file "$BR/dir/wirebox" | grep -q 'statically linked' && pass "MBEDTLS_DIR build is static" ||
		fail "MBEDTLS_DIR build is static" "$(file "$BR/dir/wirebox")"
	"$BR/dir/wirebox" --version | grep -q 'TLS: on (mbed TLS 2\.' &&
		pass "MBEDTLS_DIR build holds the library" || fail "MBEDTLS_DIR build holds the library"
	grep -q -- "-isystem $P/include" "$BR/dir/flags" && ! grep -q 'WB_MBEDTLS_STATIC\|toolchain/out' "$BR/dir/flags" &&
		pass "MBEDTLS_DIR build uses only the prefix" || fail "MBEDTLS_DIR build uses only the prefix" "$(cat "$BR/dir/flags")"
else
	fail "MBEDTLS_DIR=PREFIX (static .a, own config) builds" "$(log dir | tail -n 5)"
fi
nodl "MBEDTLS_DIR"
# only .a there: static even without STATIC=1 (gcc, glibc: the libraries are musl-built, so compile only)
# a config without an option wirebox needs is refused, naming it
sed -i '/define MBEDTLS_SSL_SERVER_NAME_INDICATION/d; /define MBEDTLS_FS_IO/d' "$P/include/mbedtls/config.h"
sed -i 's/^\(#include "mbedtls\/check_config.h"\)/\/\/ \1/' "$P/include/mbedtls/config.h"
if PATH=$T/bin:$PATH mk dir STATIC=1 MBEDTLS_DIR="$P"; then
	fail "MBEDTLS_DIR whose config lacks SNI and FS_IO is refused"
else
	t_grep "MBEDTLS_DIR whose config lacks an option: #error names MBEDTLS_SSL_SERVER_NAME_INDICATION" \
		'lacks MBEDTLS_SSL_SERVER_NAME_INDICATION' "$T/dir.log"
	t_grep "... and MBEDTLS_FS_IO" 'lacks MBEDTLS_FS_IO' "$T/dir.log"
fi
# the system library as a prefix, dynamic (a .so is there)
if mk dyn MBEDTLS_DIR=/usr MBEDTLS_LIBDIR=/usr/lib/$(gcc -dumpmachine); then
	ldd "$BR/dyn/wirebox" | grep -q libmbedtls && pass "MBEDTLS_DIR with a .so links it dynamically" ||
		fail "MBEDTLS_DIR with a .so links it dynamically"
else
	fail "MBEDTLS_DIR=/usr MBEDTLS_LIBDIR=... builds" "$(log dyn | tail -n 5)"
fi
# pkg-config for dynamic builds (a stub that says what it was asked)
printf '#!/bin/sh\necho "$*" >> "%s/pc"\ncase "$1" in --exists) exit 0;; --cflags) echo -DWB_PC_PROBE;; --libs) echo -lmbedtls -lmbedx509 -lmbedcrypto;; esac\n' "$T" > "$T/bin/pc"
chmod +x "$T/bin/pc"
if mk pc PKG_CONFIG="$T/bin/pc"; then
	grep -q WB_PC_PROBE "$BR/pc/flags" && grep -q -- '--libs mbedtls mbedx509 mbedcrypto' "$T/pc" &&
		pass "dynamic TLS build takes flags from pkg-config mbedtls mbedx509 mbedcrypto" ||
		fail "dynamic TLS build uses pkg-config" "$(cat "$T/pc" "$BR/pc/flags")"
else
	fail "dynamic TLS build with pkg-config" "$(log pc | tail -n 5)"
fi

# --- 4. MBEDTLS_SRC=DIR, apt unavailable: builds, no download ------------------
if PATH=$T/bin:$PATH mk src STATIC=1 MBEDTLS_SRC="$PWD/$S/mbedtls" WB_MBEDTLS_DIR="$T/lib-src"; then
	pass "MBEDTLS_SRC=DIR builds with apt unavailable"
	t_grep "its stamp names the tree" "^source: $PWD/$S/mbedtls \\(mbedTLS 2\\.[0-9.]*, given by MBEDTLS_SRC\\)" "$T/lib-src/stamp"
else
	fail "MBEDTLS_SRC=DIR builds with apt unavailable" "$(log src | tail -n 5)"
fi
nodl "MBEDTLS_SRC"

# --- 5. jobserver, CFLAGS, TARGET_CFLAGS, AR -----------------------------------
printf '#!/bin/sh\necho "MAKEFLAGS=$MAKEFLAGS ARGS=$*" >> "%s/make.log"\nexec make "$@"\n' "$T" > "$T/bin/logmake"
printf '#!/bin/sh\necho "$*" >> "%s/cc.log"\nexec musl-gcc "$@"\n' "$T" > "$T/bin/logcc"
printf '#!/bin/sh\necho "$*" >> "%s/ar.log"\nexec ar "$@"\n' "$T" > "$T/bin/logar"
chmod +x "$T/bin/"*
nested() { grep -- '-C .*/library' "$T/make.log" | tail -n 1; }
if mk jobs -j3 STATIC=1 WB_MBEDTLS_DIR="$T/lib-jobs" MAKE="$T/bin/logmake" CC="$T/bin/logcc" AR="$T/bin/logar" \
	CFLAGS=-DWB_CALLER_PROBE TARGET_CFLAGS=-DWB_TARGET_PROBE; then
	n=$(nested)
	case "$n" in *jobserver*) pass "make -j3: the nested mbedTLS make has the caller's jobserver" ;;
	*) fail "make -j3: the nested mbedTLS make has the caller's jobserver" "$n" ;; esac
	case " ${n#*ARGS=}" in *" -j"*) fail "make -j3: the nested make adds no -j of its own" "$n" ;;
	*) pass "make -j3: the nested make adds no -j of its own" ;; esac
	case "$n" in *BUILD=*|*KCONFIG_CONFIG=*) fail "the caller's variable overrides stay out of the nested make" "$n" ;;
	*) pass "the caller's variable overrides stay out of the nested make" ;; esac
	t_nogrep "no 'jobserver unavailable' warning" 'jobserver unavailable' "$T/jobs.log"
	grep 'aes\.c' "$T/cc.log" | grep -q -- '-DWB_TARGET_PROBE.*-DWB_CALLER_PROBE' &&
		pass "TARGET_CFLAGS and CFLAGS reach the mbedTLS compiles" ||
		fail "TARGET_CFLAGS and CFLAGS reach the mbedTLS compiles" "$(grep 'aes\.c' "$T/cc.log")"
	[ -s "$T/ar.log" ] && pass "the caller's AR builds the mbedTLS archives" || fail "the caller's AR builds the mbedTLS archives"
	t_grep "the stamp has the flags" '^cflags: .*-DWB_TARGET_PROBE -DWB_CALLER_PROBE' "$T/lib-jobs/stamp"
	t_grep "the stamp has AR" "^ar: $T/bin/logar\$" "$T/lib-jobs/stamp"
	# other flags: the library is rebuilt
	old=$(cat "$T/lib-jobs/stamp")
	mk jobs STATIC=1 WB_MBEDTLS_DIR="$T/lib-jobs" CC="$T/bin/logcc" AR="$T/bin/logar" CFLAGS=-DWB_OTHER ||
		fail "make with other CFLAGS" "$(log jobs | tail -n 5)"
	[ "$(cat "$T/lib-jobs/stamp")" != "$old" ] && grep -q WB_OTHER "$T/lib-jobs/stamp" &&
		pass "changed CFLAGS rebuild mbedTLS" || fail "changed CFLAGS rebuild mbedTLS"
	# nothing changed: nothing rebuilt, not even relinked
	cp -p "$T/lib-jobs/stamp" "$T/stamp.before"
	mk jobs STATIC=1 WB_MBEDTLS_DIR="$T/lib-jobs" CC="$T/bin/logcc" AR="$T/bin/logar" CFLAGS=-DWB_OTHER
	[ "$T/lib-jobs/stamp" -nt "$T/stamp.before" ] || [ -n "$(grep -v '^$' "$T/jobs.log")" ] &&
		fail "an unchanged second make does nothing" "$(log jobs)" || pass "an unchanged second make does nothing"
else
	fail "make -j3 STATIC=1 with CC, AR, CFLAGS, TARGET_CFLAGS" "$(log jobs | tail -n 5)"
fi
: > "$T/make.log"
mk serial STATIC=1 WB_MBEDTLS_DIR="$T/lib-serial" MAKE="$T/bin/logmake" ||
	fail "serial make STATIC=1" "$(log serial | tail -n 5)"
n=$(nested)
case "$n" in *ARGS=*" -j"*|*jobserver*) fail "plain make: the nested make runs serially" "$n" ;;
"") fail "plain make: the nested make ran" ;;
*) pass "plain make: the nested make runs serially" ;; esac
: > "$T/make.log"
env -u MAKELEVEL -u MAKEFLAGS MAKE="$T/bin/logmake" WB_MBEDTLS_DIR="$T/lib-hand" sh toolchain/mbedtls.sh >/dev/null 2>&1
n=$(nested)
case " ${n#*ARGS=}" in *" -j"[0-9]*) pass "run by hand, mbedtls.sh uses -jN" ;; *) fail "run by hand, mbedtls.sh uses -jN" "$n" ;; esac

# CROSS_COMPILE whose -ar does not exist (Debian's musl wrappers): the compiler's ar
ln -s "$(command -v x86_64-linux-musl-gcc)" "$T/bin/fakemips-linux-musl-gcc"
if PATH=$T/bin:$PATH mk cross CROSS_COMPILE=fakemips-linux-musl- STATIC=1 WB_MBEDTLS_DIR="$T/lib-cross"; then
	pass "CROSS_COMPILE=X- without X-ar: TLS build takes ar from the compiler"
	t_grep "... recorded in the stamp" "^ar: .*ar\$" "$T/lib-cross/stamp"
else
	fail "CROSS_COMPILE=X- without X-ar: TLS build" "$(log cross | tail -n 5)"
fi

# --- 6. the build date: build/epoch.h only --------------------------------------
t_nogrep "a TLS build passes no -DWB_BUILD_EPOCH (build/epoch.h is the one source)" 'WB_BUILD_EPOCH' "$BR/static/flags"
t_grep "core/tls_mbedtls.c takes the build date from epoch.h" 'epoch\.h' "$BR/static/obj/core/tls_mbedtls.d"
finish
