#!/bin/sh
# tests/build/mbedtls.sh - how a TLS build gets its mbedTLS (toolchain/tls.mk,
# toolchain/mbedtls.sh), as a firmware builder uses it:
#   - the output folder of a musl compiler is named after the musl triple,
#     also for Debian's wrappers whose -dumpmachine says ...-gnu..., plus a
#     hash of compiler, flags and source: builds that disagree keep their
#     own libraries and do not rebuild each other's
#   - mbedTLS gets the code-generation flags of wirebox's own objects (no
#     unwind tables, -fno-pie when static); make -s prints nothing
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
# (the folder is <triple>-<hash of compiler, flags, source>: the triple part)
dir_of() { CC=$1 sh toolchain/mbedtls.sh --print-dir | sed 's,.*/,,; s,-[0-9a-f]\{8\}$,,'; }
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

# one folder per compiler and flags (review #9): musl-gcc (make STATIC=1)
# and x86_64-linux-musl-gcc (make TARGET=x86_64), -march or not, another
# source: each its own folder, named after the same triple
pd() { env "$@" sh toolchain/mbedtls.sh --print-dir; }
a=$(pd CC=musl-gcc) b=$(pd CC=x86_64-linux-musl-gcc) c=$(pd CC=musl-gcc CFLAGS=-march=x86-64-v2) \
	d=$(pd CC=musl-gcc MBEDTLS_SRC=/elsewhere) e=$(pd CC=musl-gcc MBEDTLS_CFLAGS=-DX)
[ "$(printf '%s\n' "$a" "$b" "$c" "$d" "$e" | sort -u | wc -l)" = 5 ] &&
	pass "the mbedTLS folder differs by compiler, CFLAGS, MBEDTLS_CFLAGS and source" ||
	fail "the mbedTLS folder differs by compiler, CFLAGS, MBEDTLS_CFLAGS and source" "$a $b $c $d $e"
case "$a" in "$PWD/toolchain/out/x86_64-linux-musl-"????????) pass "... toolchain/out/<triple>-<hash>" ;;
*) fail "... toolchain/out/<triple>-<hash>" "$a" ;; esac
[ "$(pd CC=musl-gcc)" = "$a" ] && pass "... and the same for the same compiler and flags" ||
	fail "... and the same for the same compiler and flags"
[ "$(pd CC=musl-gcc WB_MBEDTLS_DIR=/my/dir)" = /my/dir ] && pass "WB_MBEDTLS_DIR is the folder" ||
	fail "WB_MBEDTLS_DIR is the folder"

# the flags make passes to mbedtls.sh (review #3): the code-generation flags
# of wirebox's own objects (no unwind tables; -fno-pie for static builds)
menv() { $MAKE -s --no-print-directory BUILD="$T/p" KCONFIG_CONFIG="$BR/cfg" "$@" \
	--eval 'wb-env: ; @echo "$(WB_MBEDTLS_ENV)"' wb-env; }
menv STATIC=1 > "$T/env.static"
menv WB_MBEDTLS_DIR="$T/lib-dyn" > "$T/env.dyn"
for f in -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-pie; do
	grep -q "CFLAGS='[^']*$f[ ']" "$T/env.static" && pass "STATIC=1: mbedTLS gets $f" ||
		fail "STATIC=1: mbedTLS gets $f" "$(cat "$T/env.static")"
done
grep -q "CFLAGS='[^']*-fno-unwind-tables" "$T/env.dyn" && ! grep -q -- "-fno-pie" "$T/env.dyn" &&
	pass "a dynamic build's mbedTLS: no unwind tables, no -fno-pie" ||
	fail "a dynamic build's mbedTLS: no unwind tables, no -fno-pie" "$(cat "$T/env.dyn")"

# --- 2. Debian's source package, patches applied, version in the stamp --------
if mk static STATIC=1; then pass "STATIC=1 TLS build"; else fail "STATIC=1 TLS build" "$(log static | tail -n 5)"; fi
# the folder make used (its -isystem)
L=$(sed -n 's/.*-isystem \([^ ]*\)\/include -DWB_MBEDTLS_STATIC.*/\1/p' "$BR/static/flags")
[ -n "$L" ] && [ -f "$L/stamp" ] || fail "the STATIC=1 build names its mbedTLS folder" "$(cat "$BR/static/flags")"
# review 2 #3: 'make mbedtls-dir' with the build's variables names that folder
# (by hand, mbedtls.sh --print-dir lacks the Makefile's flags); a build on
# the system's library says so
d=$BR/static
md=$($MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" OUT="$d/wirebox" mbedtls-dir STATIC=1 2>&1)
[ -n "$L" ] && [ "$md" = "$L" ] && pass "make mbedtls-dir STATIC=1 prints the folder the STATIC=1 build used" ||
	fail "make mbedtls-dir STATIC=1 prints the build's folder" "'$md' vs '$L'"
mkdir -p "$BR/libonly" && cp "$d/.config" "$BR/libonly/.config"
$MAKE -s BUILD="$BR/libonly" KCONFIG_CONFIG="$BR/libonly/.config" OUT="$BR/libonly/wirebox" mbedtls STATIC=1 >"$T/libonly.log" 2>&1
[ $? = 0 ] && [ -f "$L/stamp" ] && [ ! -e "$BR/libonly/wirebox" ] && [ ! -d "$BR/libonly/obj" ] &&
	pass "make mbedtls STATIC=1 builds (here: finds fresh) only the library, in that folder" ||
	fail "make mbedtls STATIC=1 builds only the library" "$(cat "$T/libonly.log")"
md=$($MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" mbedtls-dir 2>&1)
case "$md" in "the system's mbedTLS"*) pass "make mbedtls-dir of a dynamic build: the system's library" ;;
*) fail "make mbedtls-dir of a dynamic build says the system library" "$md" ;; esac
for f in -fno-pie -fno-asynchronous-unwind-tables -fno-unwind-tables -ffunction-sections; do
	t_grep "STATIC=1: the mbedTLS stamp has $f" "^cflags: .*$f( |\$)" "$L/stamp"
done
# no unwind tables in the library: no .eh_frame in its objects
n=$(readelf -SW "$L/lib/libmbedcrypto.a" 2>/dev/null | grep -c '\.eh_frame')
[ "$n" = 0 ] && pass "libmbedcrypto.a has no .eh_frame sections" || fail "libmbedcrypto.a has no .eh_frame sections" "$n"
# another compiler for the same triple: its own folder, and neither
# rebuilds the other's library (review #9)
cp -p "$L/stamp" "$T/static.stamp"
if mk other STATIC=1 CC=x86_64-linux-musl-gcc; then
	L2=$(sed -n 's/.*-isystem \([^ ]*\)\/include -DWB_MBEDTLS_STATIC.*/\1/p' "$BR/other/flags")
	[ -n "$L2" ] && [ "$L2" != "$L" ] && [ -f "$L2/stamp" ] &&
		pass "STATIC=1 CC=x86_64-linux-musl-gcc: its own mbedTLS folder" ||
		fail "STATIC=1 CC=x86_64-linux-musl-gcc: its own mbedTLS folder" "$L2 vs $L"
	mk static STATIC=1 || fail "STATIC=1 again" "$(log static | tail -n 5)"
	[ "$L/stamp" -nt "$T/static.stamp" ] || [ -s "$T/static.log" ] &&
		fail "make STATIC=1 after the other compiler's build: nothing rebuilt" "$(log static)" ||
		pass "make STATIC=1 after the other compiler's build: nothing rebuilt"
else
	fail "STATIC=1 CC=x86_64-linux-musl-gcc" "$(log other | tail -n 5)"
fi
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
	# make -s: the mbedTLS build says nothing either (review #10)
	[ -f "$T/lib-jobs/stamp" ] && [ ! -s "$T/jobs.log" ] && pass "make -s: a TLS build that builds mbedTLS prints nothing" ||
		fail "make -s: a TLS build that builds mbedTLS prints nothing" "$(log jobs | head -n 3)"
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
env -u MAKELEVEL -u MAKEFLAGS MAKE="$T/bin/logmake" WB_MBEDTLS_DIR="$T/lib-hand" sh toolchain/mbedtls.sh >"$T/hand.out" 2>&1
n=$(nested)
case " ${n#*ARGS=}" in *" -j"[0-9]*) pass "run by hand, mbedtls.sh uses -jN" ;; *) fail "run by hand, mbedtls.sh uses -jN" "$n" ;; esac
t_grep "run by hand, mbedtls.sh says what it built" "^mbedtls.sh: .* built with musl-gcc into $T/lib-hand in " "$T/hand.out"
t_grep "run by hand (no CFLAGS), mbedtls.sh adds the section and unwind flags" \
	'^cflags: -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables$' "$T/lib-hand/stamp"

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
