#!/bin/sh
# tests/run.sh - everything 'make check' runs, in order:
#   1. Kconfig files validated with kconfiglib (when installed)
#   2. builds: tiny, default, single-applet, static (musl), TLS (when possible)
#   3. static analysis (clang --analyze; any finding fails the run)
#   4. unit suites (Check), then under valgrind
#   5. fuzz targets over their corpora, integration tests against real servers on loopback (tests/integration/*.sh)
#   6. packaging checks (tests/packaging/*.sh: OpenWrt/Buildroot/Yocto build
#      commands against a fresh tree, init scripts under stubs, shellcheck)
#   7. unit suites under AddressSanitizer+UBSan (last: Check's summary line ends the run)
# Cross builds under qemu are 'make check-cross' (tests/cross/run.sh).
# ONLY="unit integration ..." runs a subset; INTEGRATION="sntpc ..." picks scripts.
set -eu
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
ONLY=${ONLY:-"kconfig builds analyze unit valgrind fuzz integration packaging sanitize"}
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }
step() { echo; echo "=== $* ==="; }

# BUILDROOT (default build/) lets several people run checks side by side
BR=${BUILDROOT:-build}
mkdir -p "$BR"
# build DIR CONFIG [make args...]: a separate build with its own .config
build() {
	d=$BR/$1 cfg=$2; shift 2
	mkdir -p "$d"
	# always from CONFIG (another run may have changed DIR/.config); a
	# config.h that comes out the same rebuilds nothing
	cp "$cfg" "$d/.config"
	$MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" olddefconfig
	$MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" OUT="$d/wirebox" "$@"
}

if want kconfig; then
	step "Kconfig validation"
	$MAKE -s build/Kconfig.applets
	if /usr/bin/python3 -c 'import kconfiglib' 2>/dev/null; then
		/usr/bin/python3 tests/kconfig_check.py
	else
		echo "kconfiglib not installed (apt-get install python3-kconfiglib): skipped"
		[ -z "${CI:-}" ] || exit 1
	fi
fi

if want builds; then
	step "builds"
	build tiny configs/tiny_defconfig
	$BR/tiny/wirebox --list
	build default configs/defconfig
	# --list: the applets one per line, then "NAME (alias of APPLET)" lines
	applets=$($BR/default/wirebox --list | grep -v ' (alias of ')
	for a in $applets; do
		sym=$(grep -l "^//applet:$a " applets/*.c applets/*/*.c 2>/dev/null | head -n 1 |
		      xargs sed -n "s|^//applet:$a \([A-Z0-9_]*\) .*|\1|p")
		cp configs/tiny_defconfig $BR/one.cfg
		for b in $applets; do
			[ "$b" = "$a" ] && continue
			sb=$(grep -l "^//applet:$b " applets/*.c applets/*/*.c 2>/dev/null | head -n 1 |
			     xargs sed -n "s|^//applet:$b \([A-Z0-9_]*\) .*|\1|p")
			echo "# CONFIG_$sb is not set" >> $BR/one.cfg
		done
		build "only-$a" $BR/one.cfg
		got=$($BR/only-$a/wirebox --list | grep -v ' (alias of ' | cut -d' ' -f1 | tr '\n' ' ')
		[ "$got" = "$a " ] || { echo "single-applet build of $a lists: $got"; exit 1; }
		# and as aliases exactly those of $a (same main function) that its .config enables
		main=$(sed -n "s|^//applet:$a [A-Z0-9_]* \([A-Za-z0-9_]*\) .*|\1|p" applets/*.c applets/*/*.c 2>/dev/null | head -n 1)
		want=$(sed -n "s|^//applet:\([a-z0-9_]*\) \([A-Z0-9_]*\) $main [A-Za-z0-9_]* alias\$|\1 \2|p" \
		       applets/*.c applets/*/*.c 2>/dev/null | while read -r n s; do
			! grep -q "^CONFIG_$s=y" $BR/only-$a/.config || echo "$n (alias of $a)"; done | sort)
		got=$($BR/only-$a/wirebox --list | grep ' (alias of ' | sort)
		[ "$got" = "$want" ] || { echo "single-applet build of $a lists aliases: $got (want: $want)"; exit 1; }
		echo "single-applet build: $a ok${want:+ (aliases: $(echo $(echo "$want" | cut -d' ' -f1)))}"
	done
	if command -v musl-gcc >/dev/null 2>&1; then
		build static configs/defconfig STATIC=1
		file $BR/static/wirebox | grep -q 'statically linked' ||
			{ file $BR/static/wirebox; echo "STATIC=1 did not give a static binary"; exit 1; }
		echo "static build: $(file -b $BR/static/wirebox | cut -d, -f1-2), statically linked"
	else
		echo "musl-gcc missing (apt-get install musl-tools): static build skipped"
		[ -z "${CI:-}" ] || exit 1
	fi
	[ ! -x toolchain/tls-check.sh ] || sh toolchain/tls-check.sh
	# the build system itself: install, cross tools, size, man pages
	for t in tests/build/*.sh; do
		[ -f "$t" ] || continue
		echo "--- $t"
		sh "$t" || { echo "build-system check failed: $t"; exit 1; }
	done
fi

# tests use every feature; TLS-on builds are added by toolchain/tls-check.sh
{ cat configs/full_defconfig; echo "# CONFIG_TLS is not set"; } > $BR/full-notls.cfg
build check $BR/full-notls.cfg
export WIREBOX="$PWD/$BR/check/wirebox"

if want analyze; then
	step "static analysis (clang --analyze)"
	# the full configuration, TLS off and (with the system's mbedTLS headers) on
	if command -v clang >/dev/null 2>&1; then
		an_rc=0
		mkdir -p $BR/analyze $BR/analyze-tls
		cp $BR/full-notls.cfg $BR/analyze/.config
		$MAKE -s BUILD=$BR/analyze KCONFIG_CONFIG=$BR/analyze/.config olddefconfig
		$MAKE -s -j2 BUILD=$BR/analyze KCONFIG_CONFIG=$BR/analyze/.config analyze || an_rc=1
		if [ -f /usr/include/mbedtls/version.h ]; then
			cp configs/full_defconfig $BR/analyze-tls/.config
			$MAKE -s BUILD=$BR/analyze-tls KCONFIG_CONFIG=$BR/analyze-tls/.config olddefconfig
			$MAKE -s -j2 BUILD=$BR/analyze-tls KCONFIG_CONFIG=$BR/analyze-tls/.config analyze || an_rc=1
		else
			echo "mbedTLS headers missing (apt-get install libmbedtls-dev): TLS sources not analyzed"
		fi
		[ $an_rc = 0 ] || { echo "static analysis found problems"; exit 1; }
	else
		echo "clang missing (apt-get install clang): skipped"; [ -z "${CI:-}" ] || exit 1
	fi
fi

if want unit; then
	step "unit suites"
	build unit-plain $BR/full-notls.cfg OPT="-O1 -g" unit
	$BR/unit-plain/unit
fi

if want valgrind; then
	step "unit suites under valgrind"
	if command -v valgrind >/dev/null 2>&1; then
		build unit-plain $BR/full-notls.cfg OPT="-O1 -g" unit
		CK_FORK=no valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite $BR/unit-plain/unit
	else
		echo "valgrind missing: skipped"; [ -z "${CI:-}" ] || exit 1
	fi
fi

if want fuzz && [ -f tests/fuzz/run.sh ]; then
	step "fuzz targets over their corpora (smoke)"
	BUILDROOT=$BR sh tests/fuzz/run.sh smoke
fi

if want integration; then
	step "integration tests"
	# each script in a network namespace of its own: loopback only
	unshare -n true 2>/dev/null && echo "(each script in a private network namespace: loopback only)"
	tmpmode=$(stat -c %a /tmp)
	failed=""
	# the real BusyBox sendmail for busybox.sh: fetched and built (cached) out
	# here, the namespaces have no network; busybox.sh fails in CI without it
	case " ${INTEGRATION:-busybox} " in *" busybox "*)
		sh tests/compat/busybox-build.sh >/dev/null || echo "(no BusyBox sendmail: busybox.sh will say why)";; esac
	for t in ${INTEGRATION:-$(ls tests/integration/*.sh 2>/dev/null | sed 's|.*/||; s|\.sh$||')}; do
		echo "--- $t"
		sh tests/isolated.sh "tests/integration/$t.sh" || failed="$failed $t"
	done
	# a test that changes /tmp's mode breaks the machine for everyone after it
	[ "$(stat -c %a /tmp)" = "$tmpmode" ] || failed="$failed /tmp-mode($tmpmode->$(stat -c %a /tmp))"
	[ -z "$failed" ] || { echo "integration failures:$failed"; exit 1; }
fi

if want packaging; then
	step "packaging (OpenWrt, Buildroot, Yocto, init scripts)"
	pfailed=""
	for t in tests/packaging/*.sh; do
		[ -f "$t" ] || continue
		echo "--- $t"
		sh "$t" || pfailed="$pfailed $t"
	done
	[ -z "$pfailed" ] || { echo "packaging failures:$pfailed"; exit 1; }
fi

if want sanitize; then
	step "unit suites under AddressSanitizer + UBSan"
	build unit-san $BR/full-notls.cfg OPT="-O1 -g" \
		CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" unit
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $BR/unit-san/unit
fi
