#!/bin/sh
# tests/build/hardening.sh - CONFIG_HARDENING (Kconfig; the Makefile's
# CFLAGS_WB/LDFLAGS_WB): with it
#  - a static musl build (x86_64, musl-gcc) is a static PIE: ELF type DYN,
#    no PT_INTERP, GNU_RELRO, BIND_NOW (FLAGS and FLAGS_1 NOW), the stack
#    protector's __stack_chk_fail called by the objects, the RELRO pages
#    mprotected read-only at start (core/relro.c: musl's static PIE start
#    code does not; strace); it runs (--list, sntpc --help),
#    'make man' and 'make install' work with it
#  - a dynamic glibc build is a PIE with RELRO, BIND_NOW, __stack_chk_fail
#    and _FORTIFY_SOURCE's __*_chk functions
#  - an armhf build (when its cross compiler is installed; toolchain/cross.sh)
#    is a static PIE too, references __stack_chk_guard, and runs under qemu
# and without it none of that (static: EXEC, no RELRO, no __stack_chk_*).
# Builds go to build/t-hard*/ (removed at the end).
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
MAKE=${MAKE:-make}
B=build/t-hard
at_exit "rm -rf '$TOP/$B' '$TOP/$B'-*"
rm -rf "$B" "$B"-*
unset SOURCE_DATE_EPOCH CROSS_COMPILE STATIC TARGET CFLAGS LDFLAGS AR STRIP NM SIZE OBJCOPY WB_TOOLS_FOR || :
export MAKEFLAGS=

# build NAME CONFIG HARDENING(y|n) [make args]: $B-NAME/wirebox
build() {
	d=$B-$1 c=$2 h=$3; shift 3
	mkdir -p "$d"
	{ cat "configs/$c"; [ "$h" = y ] && echo CONFIG_HARDENING=y || echo "# CONFIG_HARDENING is not set"; } > "$d/.config"
	$MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" olddefconfig >"$T_DIR/log" 2>&1 &&
	$MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" OUT="$d/wirebox" "$@" >>"$T_DIR/log" 2>&1 ||
		{ fail "build $1 ($c, HARDENING=$h $*)" "$(tail -n 5 "$T_DIR/log" | tr '\n' '|')"; return 1; }
	grep -q "^CONFIG_HARDENING=$h" "$d/.config" || [ "$h" = n ] ||
		{ fail "build $1: CONFIG_HARDENING=y kept by olddefconfig"; return 1; }
}
# protected DIR [NM]: how many of the build's objects call __stack_chk_fail
# (a static musl libc.a links it in either way: its start code sets the guard)
protected() {
	n=0
	for o in $(find "$1/obj" -name '*.o'); do
		"${2:-nm}" "$o" 2>/dev/null | grep -q ' U __stack_chk_fail$' && n=$((n + 1))
	done
	echo "$n"
}
# elf BIN [READELF]: one line of what the checks look at
elf() {
	re=${2:-readelf}
	"$re" -lhdW "$1" > "$T_DIR/elf" 2>&1
	printf '%s' "type=$(awk '$1 == "Type:" { print $2; exit }' "$T_DIR/elf")"
	grep -q 'INTERP' "$T_DIR/elf" && printf ' interp'
	grep -q 'GNU_RELRO' "$T_DIR/elf" && printf ' relro'
	grep -q '(FLAGS).*BIND_NOW' "$T_DIR/elf" && printf ' flags-now'
	grep -q '(FLAGS_1).*NOW' "$T_DIR/elf" && printf ' flags1-now'
	echo
}
# syms BIN [NM]: the stack protector's and fortify's symbols it has
syms() {
	{ "${2:-nm}" "$1"; "${2:-nm}" -D "$1"; } 2>/dev/null |
		grep -oE '__stack_chk_(fail|guard)|__[a-z]+_chk' | sort -u | tr '\n' ' '
}

if ! command -v musl-gcc >/dev/null 2>&1; then fail "musl-gcc missing (apt-get install musl-tools)"; finish; exit; fi

# ---- static x86_64 (musl-gcc): static PIE -------------------------------------
if build st-h tiny_defconfig y STATIC=1; then
	b=$B-st-h/wirebox e=$(elf "$b") s=$(syms "$b")
	if [ "$e" = "type=DYN relro flags-now flags1-now" ]; then
		pass "HARDENING, STATIC=1: static PIE (DYN, no INTERP), GNU_RELRO, BIND_NOW"
	else fail "HARDENING, STATIC=1: static PIE with RELRO and BIND_NOW" "$e"; fi
	n=$(protected "$B-st-h")
	case " $s" in *" __stack_chk_fail "*) [ "$n" -gt 5 ] ;; *) false ;; esac &&
		pass "HARDENING, STATIC=1: the stack protector: $n objects call __stack_chk_fail, linked ($s)" ||
		fail "HARDENING, STATIC=1: __stack_chk_fail referenced and linked" "$n objects; symbols: '$s'"
	grep -q -- '-fstack-protector-strong' "$B-st-h/flags" && grep -q -- '-fPIE' "$B-st-h/flags" &&
		! grep -q -- '-fno-stack-protector\|-fno-pie' "$B-st-h/flags" &&
		pass "HARDENING, STATIC=1: compiled with -fstack-protector-strong -fPIE" ||
		fail "HARDENING, STATIC=1: compiler flags" "$(cat "$B-st-h/flags")"
	if "$b" --list >"$T_DIR/out" 2>&1 && grep -qx sntpc "$T_DIR/out" &&
	   "$b" sntpc --help >"$T_DIR/out" 2>&1 && grep -q '^Usage: sntpc' "$T_DIR/out"; then
		pass "HARDENING, STATIC=1: the static PIE runs (--list, sntpc --help)"
	else fail "HARDENING, STATIC=1: the static PIE runs" "$(head -c 300 "$T_DIR/out" | tr '\n' '|')"; fi
	# musl's static PIE start code does not protect the RELRO region itself:
	# core/relro.c does (an mprotect PROT_READ of its pages at start)
	if command -v strace >/dev/null 2>&1; then
		strace -e trace=mprotect "$b" --list >/dev/null 2>"$T_DIR/strace"
		if grep -q 'mprotect(.*, PROT_READ) = 0' "$T_DIR/strace"; then
			pass "HARDENING, STATIC=1: the RELRO pages are made read-only at start (strace: mprotect PROT_READ)"
		else fail "HARDENING, STATIC=1: RELRO enforced" "$(head -c 300 "$T_DIR/strace" | tr '\n' '|')"; fi
	fi
	# (env: make install reads the build's settings; a hardened build is no different)
	if $MAKE -s BUILD="$B-st-h" KCONFIG_CONFIG="$B-st-h/.config" OUT="$b" install DESTDIR="$T_DIR/root" >"$T_DIR/out" 2>&1 &&
	   [ -x "$T_DIR/root/usr/local/bin/wirebox" ] && "$T_DIR/root/usr/local/bin/wirebox" --list | grep -qx pop3get &&
	   [ -s "$T_DIR/root/usr/local/share/man/man8/sntpc.8" ]; then
		pass "HARDENING, STATIC=1: make install (stripped binary runs, man pages)"
	else fail "HARDENING, STATIC=1: make install" "$(head -c 300 "$T_DIR/out" | tr '\n' '|')"; fi
fi
if build st-n tiny_defconfig n STATIC=1; then
	# (GNU_RELRO: Debian's ld makes one by default; without BIND_NOW it is
	# what any static binary of this toolchain has)
	b=$B-st-n/wirebox e=$(elf "$b") n=$(protected "$B-st-n")
	case "$e" in type=EXEC|"type=EXEC relro") ok=1 ;; *) ok= ;; esac
	if [ -n "$ok" ] && [ "$n" = 0 ]; then
		pass "no HARDENING, STATIC=1: EXEC, no BIND_NOW, no object calls __stack_chk_fail"
	else fail "no HARDENING, STATIC=1: none of it" "$e; $n protected objects"; fi
	if command -v strace >/dev/null 2>&1; then
		strace -e trace=mprotect "$b" --list >/dev/null 2>"$T_DIR/strace"
		grep -q 'mprotect(' "$T_DIR/strace" && fail "no HARDENING, STATIC=1: no mprotect" "$(head -c 200 "$T_DIR/strace")" ||
			pass "no HARDENING, STATIC=1: no RELRO mprotect (core/relro.c not linked)"
	fi
	a=$(wc -c < "$B-st-n/wirebox") z=$(wc -c < "$B-st-h/wirebox" 2>/dev/null || echo 0)
	echo "# tiny, static, unstripped: $a bytes without HARDENING, $z with"
fi

# ---- dynamic glibc: PIE, RELRO, BIND_NOW, fortify --------------------------------
if build dyn-h tiny_defconfig y; then
	b=$B-dyn-h/wirebox e=$(elf "$b") s=$(syms "$b")
	if [ "$e" = "type=DYN interp relro flags-now flags1-now" ]; then
		pass "HARDENING, dynamic: PIE, GNU_RELRO, BIND_NOW"
	else fail "HARDENING, dynamic: PIE, GNU_RELRO, BIND_NOW" "$e"; fi
	case " $s" in *" __stack_chk_fail "*__*_chk*) pass "HARDENING, dynamic (glibc): stack protector and _FORTIFY_SOURCE ($s)" ;;
	*) fail "HARDENING, dynamic: __stack_chk_fail and __*_chk" "symbols: '$s'" ;; esac
	"$b" sntpc --help >"$T_DIR/out" 2>&1 && grep -q '^Usage: sntpc' "$T_DIR/out" &&
		pass "HARDENING, dynamic: runs" || fail "HARDENING, dynamic: runs" "$(head -c 200 "$T_DIR/out")"
fi
if build dyn-n tiny_defconfig n; then
	s=$(syms "$B-dyn-n/wirebox")
	case " $s" in *stack_chk*|*__*_chk*) fail "no HARDENING, dynamic: no stack protector, no fortify" "$s" ;;
	*) pass "no HARDENING, dynamic: no stack protector, no fortify" ;; esac
fi

# ---- a cross target under qemu: armhf ---------------------------------------------
pfx=$(sh toolchain/cross.sh cc armhf 2>/dev/null) q=$(sh toolchain/cross.sh qemu armhf 2>/dev/null)
if [ -n "$pfx" ] && [ -x "${pfx}gcc" ] && command -v "$q" >/dev/null 2>&1; then
	# TARGET=armhf's flags; STRIP=true: unstripped, for nm
	if build arm-h tiny_defconfig y TARGET=armhf STRIP=true; then
		b=$B-arm-h/wirebox e=$(elf "$b" "${pfx}readelf") s=$(syms "$b" "${pfx}nm") n=$(protected "$B-arm-h" "${pfx}nm")
		if [ "$e" = "type=DYN relro flags-now flags1-now" ]; then
			pass "HARDENING, TARGET=armhf: static PIE, GNU_RELRO, BIND_NOW"
		else fail "HARDENING, TARGET=armhf: static PIE, GNU_RELRO, BIND_NOW" "$e"; fi
		case " $s" in *" __stack_chk_fail "*" __stack_chk_guard "*|*" __stack_chk_fail __stack_chk_guard "*) [ "$n" -gt 5 ] && pass "HARDENING, TARGET=armhf: __stack_chk_fail and __stack_chk_guard ($n objects protected)" ||
			fail "HARDENING, TARGET=armhf: protected objects" "$n" ;;
		*) fail "HARDENING, TARGET=armhf: __stack_chk_guard" "symbols: '$s'" ;; esac
		if "$q" "$b" --list >"$T_DIR/out" 2>&1 && grep -qx sntpc "$T_DIR/out" &&
		   "$q" "$b" sntpc --help >"$T_DIR/out" 2>&1 && grep -q '^Usage: sntpc' "$T_DIR/out"; then
			pass "HARDENING, TARGET=armhf: runs under $q"
			"$q" -strace "$b" --list 2>&1 | grep -q 'mprotect(.*PROT_READ) = 0' &&
				pass "HARDENING, TARGET=armhf: the RELRO pages made read-only at start ($q -strace)" ||
				fail "HARDENING, TARGET=armhf: RELRO mprotect under $q -strace"
		else fail "HARDENING, TARGET=armhf: runs under $q" "$(head -c 300 "$T_DIR/out" | tr '\n' '|')"; fi
	fi
else
	echo "# no armhf cross compiler or qemu (sh toolchain/cross.sh install armhf): skipped"
fi
finish
