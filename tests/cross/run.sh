#!/bin/sh
# tests/cross/run.sh [NAME...] - `make check-cross`: each firmware target
# (default all five: x86_64 armhf aarch64 mipsel mips) built with
# `make TARGET=NAME` and run under qemu-user.
#   1. sh toolchain/cross.sh install NAME (a no-op when installed)
#   2. tiny_defconfig (no TLS) into build/cross-NAME/tiny/, and
#      full_defconfig (TLS, static mbedTLS built for the target) the
#      documented way: `make TARGET=NAME` into build/NAME/wirebox, then
#      `make install TARGET=NAME DESTDIR=tmp` (the installed binary is that
#      build's: machine, static, stripped; nothing rebuilt). CROSS_SIZES=1:
#      defconfig too, into build/cross-NAME/defconfig/, for the size table
#   3. file(1): the target's machine, statically linked (full_defconfig has
#      CONFIG_HARDENING: a static PIE with GNU_RELRO and BIND_NOW, readelf;
#      tiny: not PIE, no BIND_NOW); the target flags
#      reached the binary (armhf: hard-float VFP, Thumb-2; mips: MIPS32r2
#      o32, big-endian; aarch64: 4 KiB segment alignment)
#   4. `wirebox --list` of each build under qemu-user (called explicitly:
#      binfmt_misc may be absent)
#   5. tests/cross/targets.sh: the interfaces of cross.sh and targets.mk
#   6. tests/cross/smoke.sh in a private network namespace: sntpc, smtpsend
#      (STARTTLS) and pop3get (TLS) of every full build against chronyd,
#      Postfix and Dovecot on loopback
# Prints ok / not ok lines, the time of each step, the stripped sizes, and
# "N passed, N failed"; exits non-zero on any failure. Root (apt, servers).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
ALL="x86_64 armhf aarch64 mipsel mips"
[ $# -gt 0 ] || set -- $ALL
T_PASS=0 T_FAIL=0
T_DIR=$(mktemp -d /tmp/wirebox-cross.XXXXXX)
trap 'rm -rf "$T_DIR"' EXIT
trap 'exit 130' INT TERM
pass() { T_PASS=$((T_PASS + 1)); echo "ok - $1"; }
fail() { T_FAIL=$((T_FAIL + 1)); echo "not ok - $1${2:+ ($2)}"; }
now() { date +%s; }
MAKE=${MAKE:-make}

for n in "$@"; do
	case " $ALL " in *" $n "*) ;; *) fail "target $n" "unknown; targets: $ALL"; set --; break ;; esac
done

# make TARGET=NAME ARGS: through the Makefile's own include of targets.mk
# (no wrapper: a Makefile that lost it builds for the host, and file(1)
# below says so)
tmake() {
	tn=$1; shift
	$MAKE -s TARGET="$tn" "$@"
}

# machine NAME: the words file(1) must print
machine() {
	case "$1" in
	x86_64)  echo "ELF 64-bit LSB executable, x86-64" ;;
	armhf)   echo "ELF 32-bit LSB executable, ARM, EABI5" ;;
	aarch64) echo "ELF 64-bit LSB executable, ARM aarch64" ;;
	mipsel)  echo "ELF 32-bit LSB executable, MIPS, MIPS32 rel2" ;;
	mips)    echo "ELF 32-bit MSB executable, MIPS, MIPS32 rel2" ;;
	esac
}

# elfkind FILE-OUTPUT: file(1)'s words with a static PIE's ("pie executable",
# "static-pie linked") read as a static executable's
elfkind() { echo "$1" | sed 's/SB pie executable/SB executable/; s/static-pie linked/statically linked/'; }
# hardened NAME CONFIG BIN FILE-OUTPUT: CONFIG_HARDENING (on in full_defconfig)
# makes a static PIE with RELRO and BIND_NOW (every target's musl has
# rcrt1.o); without it, a static non-PIE executable without BIND_NOW
hardened() {
	re=$(sh toolchain/cross.sh cc "$1")readelf
	"$re" -lhdW "$3" > "$T_DIR/elf" 2>&1
	e="type=$(awk '$1 == "Type:" { print $2; exit }' "$T_DIR/elf")"
	grep -q 'INTERP' "$T_DIR/elf" && e="$e interp"
	grep -q 'GNU_RELRO' "$T_DIR/elf" && e="$e relro"
	grep -q '(FLAGS).*BIND_NOW' "$T_DIR/elf" && e="$e now"
	if grep -q '^CONFIG_HARDENING=y' "build/cross-$1/$2.config"; then
		case "$e|$4" in
		"type=DYN relro now|"*"static-pie linked"*) pass "$1 ($2): HARDENING: static PIE, RELRO, BIND_NOW" ;;
		*) fail "$1 ($2): HARDENING: static PIE, RELRO, BIND_NOW" "$e; $4" ;;
		esac
	else
		case "$e" in
		type=EXEC|"type=EXEC relro") pass "$1 ($2): no HARDENING: static, not PIE, no BIND_NOW" ;;
		*) fail "$1 ($2): no HARDENING: static, not PIE, no BIND_NOW" "$e" ;;
		esac
	fi
}

# flags NAME BIN: the target flags are in the binary
flags() {
	n=$1 b=$2 re=$(sh toolchain/cross.sh cc "$1")readelf
	case "$n" in
	armhf)
		"$re" -A "$b" > "$T_DIR/attr" 2>&1
		grep -q 'Tag_ABI_VFP_args: VFP registers' "$T_DIR/attr" &&
		grep -q 'Tag_THUMB_ISA_use: Thumb-2' "$T_DIR/attr" &&
		grep -q "Tag_CPU_name: \"7-A\"" "$T_DIR/attr" ;;
	mips|mipsel)
		"$re" -h "$b" | grep -q 'Flags:.*mips32r2' && "$re" -h "$b" | grep -q 'Flags:.*o32' ;;
	aarch64)
		"$re" -lW "$b" | awk '$1 == "LOAD" { n++; if ($NF != "0x1000") bad = 1 } END { exit bad || !n }' ;;
	*) true ;;
	esac
}

# install_check NAME BIN: `make install TARGET=NAME DESTDIR=...` installs
# that build, stripped, without building anything
install_check() {
	r=$T_DIR/root-$1
	cp -p "$2" "$T_DIR/bin.before"
	if tmake "$1" install DESTDIR="$r" >"$T_DIR/ilog" 2>&1; then
		pass "$1: make install TARGET=$1 DESTDIR=..."
	else
		fail "$1: make install TARGET=$1 DESTDIR=..." "$(tail -n 5 "$T_DIR/ilog" | tr '\n' '|')"; return
	fi
	f=$(file -b "$r/usr/local/bin/wirebox" 2>&1)
	case "$(elfkind "$f")" in
	"$(machine "$1")"*"statically linked"*", stripped"*) pass "$1: the installed binary: $(machine "$1"), static, stripped" ;;
	*) fail "$1: the installed binary: $(machine "$1"), static, stripped" "$f" ;;
	esac
	cmp -s "$2" "$r/usr/local/bin/wirebox" && [ ! "$2" -nt "$T_DIR/bin.before" ] &&
		pass "$1: make install installed build/$1/wirebox as built" ||
		fail "$1: make install installed build/$1/wirebox as built" "rebuilt, or another binary"
	[ -L "$r/usr/local/sbin/sendmail" ] && pass "$1: make install: sbin/sendmail link" ||
		fail "$1: make install: sbin/sendmail link"
	rm -rf "$r"
}

CONFIGS="tiny full"
[ -z "${CROSS_SIZES:-}" ] || CONFIGS="tiny defconfig full"
SMOKE=""
SUMMARY=""
for n in "$@"; do
	echo "# ---- $n"
	t0=$(now)
	if sh toolchain/cross.sh install "$n"; then pass "$n: toolchain (toolchain/cross.sh install $n)"
	else fail "$n: toolchain (toolchain/cross.sh install $n)"; continue; fi
	pfx=$(sh toolchain/cross.sh cc "$n") q=$(sh toolchain/cross.sh qemu "$n")
	times="toolchain $(($(now) - t0))s"
	sizes=""
	for c in $CONFIGS; do
		B=build/cross-$n/$c
		cfg=${c%config}_defconfig
		[ "$c" != defconfig ] || cfg=defconfig
		mkdir -p "$B"
		t1=$(now)
		# the .config rewritten only when it changes: a second run rebuilds nothing
		# full: the documented path, `make TARGET=NAME` with the default
		# BUILD and OUT (build/NAME/wirebox); the others beside it
		where="BUILD=$B OUT=$B/wirebox" b=$B/wirebox
		[ "$c" != full ] || where="" b=build/$n/wirebox
		# shellcheck disable=SC2086
		if $MAKE -s --no-print-directory KCONFIG_CONFIG="$T_DIR/.config" "$cfg" >/dev/null &&
		   { cmp -s "$T_DIR/.config" "$B.config" || cp "$T_DIR/.config" "$B.config"; } &&
		   tmake "$n" $where KCONFIG_CONFIG="$B.config" >"$T_DIR/log" 2>&1; then
			pass "$n: make TARGET=$n ($c${where:+, $where})"
		else
			fail "$n: make TARGET=$n ($c)" "$(tail -n 5 "$T_DIR/log" | tr '\n' '|')"
			times="$times, $c FAILED"; continue
		fi
		times="$times, build $c $(($(now) - t1))s"
		if [ "$c" = full ]; then
			[ -s "$T_DIR/log" ] && fail "$n: make -s TARGET=$n prints nothing" "$(head -c 300 "$T_DIR/log" | tr '\n' '|')" ||
				pass "$n: make -s TARGET=$n prints nothing"
			install_check "$n" "$b"
		fi
		f=$(file -b "$b")
		case "$(elfkind "$f")" in
		"$(machine "$n")"*"statically linked"*) pass "$n ($c): file: $(machine "$n"), statically linked" ;;
		*) fail "$n ($c): file: $(machine "$n"), statically linked" "$f" ;;
		esac
		hardened "$n" "$c" "$b" "$f"
		if flags "$n" "$b"; then pass "$n ($c): target flags in the binary"
		else fail "$n ($c): target flags in the binary" "$(head -c 300 "$T_DIR/attr" 2>/dev/null | tr '\n' '|')"; fi
		if [ "$c" = full ]; then
			if grep -q '^CONFIG_TLS=y' "$B.config"; then pass "$n (full): CONFIG_TLS=y"
			else fail "$n (full): CONFIG_TLS=y"; fi
		fi
		"${pfx}strip" -o "$b.stripped" "$b" && sizes="$sizes $c $(wc -c < "$b.stripped")"
		if "$q" "$b" --list >"$T_DIR/list" 2>&1 && grep -qx sntpc "$T_DIR/list"; then
			pass "$n ($c): --list under $q"
		else
			fail "$n ($c): --list under $q" "$(head -c 300 "$T_DIR/list" | tr '\n' '|')"
		fi
		[ "$c" != full ] || [ ! -x "$b" ] || SMOKE="$SMOKE $n=$q=$TOP/$b"
	done
	times="$times, total $(($(now) - t0))s"
	echo "# time $n: $times"
	SUMMARY="$SUMMARY
# $n: $times; stripped bytes:$sizes"
done

# the interfaces of cross.sh and targets.mk (the toolchains are installed now)
if [ $# -gt 0 ]; then
	echo "# ---- toolchain/cross.sh and toolchain/targets.mk"
	sh tests/cross/targets.sh "$@" > "$T_DIR/targets" 2>&1
	rc=$?
	cat "$T_DIR/targets"
	T_PASS=$((T_PASS + $(grep -c '^ok - ' "$T_DIR/targets")))
	T_FAIL=$((T_FAIL + $(grep -c '^not ok - ' "$T_DIR/targets")))
	[ "$rc" = 0 ] || grep -q '^not ok - ' "$T_DIR/targets" || fail "targets.sh" "exit $rc"
fi

if [ -n "$SMOKE" ]; then
	echo "# ---- smoke under qemu-user:$SMOKE"
	t0=$(now)
	CROSS_SMOKE="$SMOKE" sh tests/isolated.sh tests/cross/smoke.sh > "$T_DIR/smoke" 2>&1
	rc=$?
	cat "$T_DIR/smoke"
	T_PASS=$((T_PASS + $(grep -c '^ok - ' "$T_DIR/smoke")))
	T_FAIL=$((T_FAIL + $(grep -c '^not ok - ' "$T_DIR/smoke")))
	[ "$rc" = 0 ] || grep -q '^not ok - ' "$T_DIR/smoke" || fail "smoke.sh" "exit $rc"
	SUMMARY="$SUMMARY
# smoke (all targets, servers included): $(($(now) - t0))s"
fi
echo "$SUMMARY"
echo "cross: $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ] && [ "$T_PASS" -gt 0 ]
