#!/bin/sh
# tests/fuzz/run.sh - build and run every tests/fuzz/fuzz_NAME.c target.
#   run.sh smoke [NAME...]           gcc + ASan/UBSan, no libFuzzer: each target
#                                    gets tests/fuzz/corpus/NAME/* and $FUZZ_COUNT
#                                    (2000) deterministic generated inputs
#   run.sh fuzz [SECONDS [NAME...]]  libFuzzer (clang), SECONDS (30) per target;
#                                    new inputs go to $BUILDROOT/fuzz/corpus/NAME,
#                                    crashes to $BUILDROOT/fuzz/crash-NAME-*;
#                                    tests/fuzz/NAME.dict is used when present
# Reproduce a failure: $BUILDROOT/fuzz/MODE/fuzz_NAME FILE (smoke saves the
# failing input as $BUILDROOT/fuzz/smoke/crash-fuzz_NAME)
# Targets link core/*.c (without main.c and *_mbedtls*.c),
# tests/unit/fake_xport.c and the applet sources enabled in the test build
# $BUILDROOT/check (whose generated headers they use; made here if missing).
set -eu
cd "$(dirname "$0")/../.."
BR=${BUILDROOT:-build}
GEN=$BR/check
MODE=${1:-smoke}
[ $# -eq 0 ] || shift
SECS=30
if [ "$MODE" = fuzz ] && [ $# -gt 0 ]; then SECS=$1; shift; fi
case "$MODE" in smoke|fuzz) ;; *) echo "usage: $0 smoke|fuzz [SECONDS] [NAME...]" >&2; exit 64 ;; esac

# generated headers and the applet list of the test build
if [ ! -f "$GEN/config.h" ] || [ ! -f "$GEN/applets.mk" ] || [ ! -f "$GEN/epoch.h" ]; then
	mkdir -p "$GEN"
	if [ ! -f "$GEN/.config" ]; then
		{ cat configs/full_defconfig; echo "# CONFIG_TLS is not set"; } > "$GEN/.config"
		${MAKE:-make} -s BUILD="$GEN" KCONFIG_CONFIG="$GEN/.config" olddefconfig
	fi
	${MAKE:-make} -s BUILD="$GEN" KCONFIG_CONFIG="$GEN/.config" \
		"$GEN/config.h" "$GEN/applets.h" "$GEN/applets.mk" "$GEN/epoch.h"
fi
APPLETS=$(sed -n 's/^APPLET_SRCS [:+]= *//p' "$GEN/applets.mk" | tr '\n' ' ')
# the test build has TLS off: no mbedTLS files (core/md5.c gives MD5)
CORE=$(ls core/*.c | grep -v -e '^core/main\.c$' -e '_mbedtls[^/]*\.c$')
LIBSRCS="$CORE $APPLETS tests/unit/fake_xport.c"

if [ $# -gt 0 ]; then
	TARGETS=""
	for n in "$@"; do TARGETS="$TARGETS tests/fuzz/fuzz_${n#fuzz_}.c"; done
else
	TARGETS=$(ls tests/fuzz/fuzz_*.c 2>/dev/null || :)
fi
[ -n "$TARGETS" ] || { echo "no fuzz targets"; exit 0; }

OUT=$BR/fuzz/$MODE
mkdir -p "$OUT/obj"
DEFS="-D_POSIX_C_SOURCE=200809L -DWIREBOX_VERSION=\"fuzz\" -I$GEN -Icore -I. -Itests"
# the Makefile's warnings
WARN="-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-truncation -Wno-format-nonliteral"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
if [ "$MODE" = smoke ]; then
	CC=${FUZZ_CC:-gcc}
	CFLAGS="-std=c99 -O1 -g $WARN -Werror $SAN"
	LIBFLAGS=$CFLAGS
	LINK="$SAN"
else
	CC=${FUZZ_CC:-clang}
	command -v "$CC" >/dev/null 2>&1 || { echo "$CC not found (apt-get install clang)"; exit 1; }
	CFLAGS="-std=c99 -O1 -g $WARN -Wno-unknown-warning-option $SAN"
	LIBFLAGS="$CFLAGS -fsanitize=fuzzer-no-link"
	LINK="$SAN -fsanitize=fuzzer"
	# Debian's clang recommends, but does not pull in, the libFuzzer runtime
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }\n' > "$OUT/probe.c"
	if ! $CC $LINK -o "$OUT/probe" "$OUT/probe.c" 2>/dev/null; then
		echo "$CC cannot link libFuzzer with ASan/UBSan (Debian 12: apt-get install libclang-rt-14-dev)"
		exit 1
	fi
fi

# compile the library sources in parallel, then archive them
pids="" objs=""
for f in $LIBSRCS; do
	o=$OUT/obj/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')
	objs="$objs $o"
	# shellcheck disable=SC2086
	$CC $DEFS $LIBFLAGS -c -o "$o" "$f" &
	pids="$pids $!"
done
failed=0
for p in $pids; do wait "$p" || failed=1; done
[ $failed -eq 0 ] || { echo "fuzz: compiling the sources failed"; exit 1; }
rm -f "$OUT/libwb.a"
# shellcheck disable=SC2086
ar rcs "$OUT/libwb.a" $objs

if [ "$MODE" = smoke ]; then
	# shellcheck disable=SC2086
	$CC $DEFS $CFLAGS -c -o "$OUT/obj/standalone.o" tests/fuzz/standalone.c
fi

bad=""
for t in $TARGETS; do
	name=$(basename "$t" .c)
	short=${name#fuzz_}
	bin=$OUT/$name
	if [ "$MODE" = smoke ]; then
		# shellcheck disable=SC2086
		if ! $CC $DEFS $CFLAGS -o "$bin" "$t" "$OUT/obj/standalone.o" "$OUT/libwb.a" $LINK; then
			bad="$bad $name(build)"; continue
		fi
		corpus=""
		[ ! -d "tests/fuzz/corpus/$short" ] || corpus="tests/fuzz/corpus/$short"
		printf '%s: ' "$name"
		# shellcheck disable=SC2086
		if ! FUZZ_CRASH_DIR=$OUT ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		     timeout 120 "$bin" -n "${FUZZ_COUNT:-2000}" $corpus; then
			bad="$bad $name"
		fi
	else
		# shellcheck disable=SC2086
		if ! $CC $DEFS $CFLAGS -o "$bin" "$t" "$OUT/libwb.a" $LINK; then
			bad="$bad $name(build)"; continue
		fi
		work=$BR/fuzz/corpus/$short
		mkdir -p "$work"
		set -- -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix="$BR/fuzz/crash-$short-" -print_final_stats=1
		[ ! -f "tests/fuzz/$short.dict" ] || set -- "$@" -dict="tests/fuzz/$short.dict"
		[ ! -d "tests/fuzz/corpus/$short" ] || set -- "$@" "$work" "tests/fuzz/corpus/$short"
		[ -d "tests/fuzz/corpus/$short" ] || set -- "$@" "$work"
		echo "=== $name: libFuzzer for $SECS s"
		if ! UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$bin" "$@" 2>"$OUT/$name.log"; then
			tail -n 40 "$OUT/$name.log"
			bad="$bad $name"
		else
			grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' "$OUT/$name.log" | tail -n 2
		fi
	fi
done
[ -z "$bad" ] || { echo "fuzz failures:$bad"; exit 1; }
echo "fuzz $MODE: all targets ok"
