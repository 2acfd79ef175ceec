#!/bin/sh
# tests/cross/targets.sh [NAME...] - the interfaces of toolchain/cross.sh and
# toolchain/targets.mk (fast; tests/cross/run.sh runs it first, after the
# toolchains are installed):
#   - cross.sh install of an installed target does nothing, says nothing,
#     and is quick; cc prints a prefix with gcc AND ar strip nm size objcopy
#     (Debian's musl wrappers come without them); qemu names a command
#   - an unknown target is refused, naming the five (cross.sh and make)
#   - make TARGET=NAME sets CROSS_COMPILE, CC and the tools from it,
#     STATIC=1, TARGET_CFLAGS/LDFLAGS, BUILD=build/NAME, OUT=build/NAME/
#     wirebox (through the Makefile, which includes targets.mk), and the
#     command line wins
#   - a missing toolchain is installed by targets.mk itself: a copy of
#     toolchain/ without toolchain/out/ gets its tool links on the first make
#   - install brings dpkg-dev for every target (TLS builds need dpkg-source);
#     cc of a target not installed exits 1 with a note, printing nothing
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
ALL="x86_64 armhf aarch64 mipsel mips"
[ $# -gt 0 ] || set -- $ALL
X=sh\ toolchain/cross.sh
# mvars MAKEFILE-ARGS...: the variables as make sees them, one per line
mvars() {
	make -s --no-print-directory "$@" --eval 'wb-vars: ; @$(foreach v,CROSS_COMPILE CC AR STRIP NM SIZE OBJCOPY STATIC BUILD OUT TARGET_CFLAGS TARGET_LDFLAGS,echo "$(v)=$($(v))";)' wb-vars
}

for n in "$@"; do
	t0=$(date +%s%N)
	$X install "$n" >"$T_DIR/out" 2>&1; rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ $rc = 0 ] && [ ! -s "$T_DIR/out" ] && [ $ms -lt 3000 ]; then
		pass "$n: cross.sh install again: nothing to do, silent, ${ms} ms"
	else
		fail "$n: cross.sh install again: nothing to do, silent, quick" "exit $rc, ${ms} ms: $(head -c 300 "$T_DIR/out" | tr '\n' '|')"
	fi
	p=$($X cc "$n")
	miss=""
	for t in gcc ar strip nm size objcopy ranlib readelf; do
		[ -x "$p$t" ] && "$p$t" --version >/dev/null 2>&1 || miss="$miss $t"
	done
	[ -z "$miss" ] && pass "$n: cross.sh cc: $p{gcc,ar,strip,nm,size,objcopy,...} all run" ||
		fail "$n: cross.sh cc: the prefix has every tool" "missing:$miss"
	q=$($X qemu "$n")
	case "$q" in
	qemu-*-static) command -v "$q" >/dev/null && pass "$n: cross.sh qemu: $q is installed" ||
		fail "$n: cross.sh qemu: $q is installed" ;;
	*) fail "$n: cross.sh qemu names qemu-ARCH-static" "$q" ;;
	esac

	# targets.mk alone, and through the Makefile when it includes it
	mvars -f toolchain/targets.mk TARGET="$n" > "$T_DIR/v" 2>&1
	t_grep "$n: targets.mk: CROSS_COMPILE is cross.sh's prefix" "^CROSS_COMPILE=$p\$" "$T_DIR/v"
	ok=1
	for t in AR:ar STRIP:strip NM:nm SIZE:size OBJCOPY:objcopy CC:gcc; do
		grep -qx "${t%%:*}=$p${t#*:}" "$T_DIR/v" || ok=
	done
	[ -n "$ok" ] && pass "$n: targets.mk: CC AR STRIP NM SIZE OBJCOPY from the prefix" ||
		fail "$n: targets.mk: CC AR STRIP NM SIZE OBJCOPY from the prefix" "$(tr '\n' '|' < "$T_DIR/v")"
	t_grep "$n: targets.mk: STATIC=1" '^STATIC=1$' "$T_DIR/v"
	t_grep "$n: targets.mk: BUILD=build/$n" "^BUILD=build/$n\$" "$T_DIR/v"
	t_grep "$n: targets.mk: OUT=build/$n/wirebox" "^OUT=build/$n/wirebox\$" "$T_DIR/v"
	case "$n" in
	armhf) t_grep "$n: ARMv7-A Thumb-2 hard-float flags" '^TARGET_CFLAGS=-march=armv7-a -mthumb -mfpu=vfpv3-d16 -mfloat-abi=hard$' "$T_DIR/v" ;;
	aarch64) t_grep "$n: 4 KiB max page size" '^TARGET_LDFLAGS=-Wl,-z,max-page-size=4096$' "$T_DIR/v" ;;
	mipsel) t_grep "$n: MIPS32r2 flags" '^TARGET_CFLAGS=-march=mips32r2$' "$T_DIR/v" ;;
	mips) t_grep "$n: MIPS32r2 o32 flags" '^TARGET_CFLAGS=-march=mips32r2 -mabi=32$' "$T_DIR/v" ;;
	esac
	# through the Makefile (it includes targets.mk itself)
	mvars TARGET="$n" > "$T_DIR/v" 2>&1
	t_grep "$n: make TARGET=$n: the Makefile builds into build/$n with cross.sh's compiler" \
		"^BUILD=build/$n\$" "$T_DIR/v"
	t_grep "$n: make TARGET=$n: CC and STRIP of the target" "^STRIP=${p}strip\$" "$T_DIR/v"
	t_grep "$n: make TARGET=$n: its CC" "^CC=${p}gcc\$" "$T_DIR/v"
done

# the command line wins
n=$1
mvars -f toolchain/targets.mk TARGET="$n" BUILD=b OUT=b/x STRIP=mystrip > "$T_DIR/v" 2>&1
grep -qx BUILD=b "$T_DIR/v" && grep -qx OUT=b/x "$T_DIR/v" && grep -qx STRIP=mystrip "$T_DIR/v" &&
	pass "targets.mk: BUILD, OUT and STRIP given on the command line win" ||
	fail "targets.mk: BUILD, OUT and STRIP given on the command line win" "$(tr '\n' '|' < "$T_DIR/v")"

# unknown targets
t_exit 64 "cross.sh cc sparc refused" $X cc sparc
t_grep "cross.sh: the refusal lists the targets" "unknown target 'sparc' \\(targets: $ALL\\)" "$T_DIR/err"
make -s -f toolchain/targets.mk TARGET=sparc >"$T_DIR/out" 2>&1 && fail "make TARGET=sparc fails" || pass "make TARGET=sparc fails"
t_grep "make TARGET=sparc: a clear error listing the five" "TARGET=sparc is not a known target; use one of: $ALL" "$T_DIR/out"
make -s TARGET=sparc >"$T_DIR/out" 2>&1 && fail "Makefile: make TARGET=sparc fails" || pass "Makefile: make TARGET=sparc fails"
t_grep "Makefile: make TARGET=sparc: the error lists the five" "use one of: $ALL" "$T_DIR/out"

# every target's install brings dpkg-dev (toolchain/mbedtls.sh's dpkg-source
# for TLS builds), not only mips's: a copy of cross.sh with nothing
# installed, apt-get and dpkg stubbed (the stub apt-get records and fails)
mkdir -p "$T_DIR/dtree/toolchain" "$T_DIR/stub"
cp toolchain/cross.sh "$T_DIR/dtree/toolchain/"
printf '#!/bin/sh\nexit 1\n' > "$T_DIR/stub/dpkg-query"
printf '#!/bin/sh\ncase "$1" in --print-architecture) echo amd64;; --print-foreign-architectures) printf "armhf\\narm64\\nmipsel\\n";; esac\n' > "$T_DIR/stub/dpkg"
printf '#!/bin/sh\necho "$*" >> "%s/apt"\n[ "$1" = update ] || [ "$1" = -qq ]\n' "$T_DIR" > "$T_DIR/stub/apt-get"
chmod +x "$T_DIR/stub/"*
for n in $ALL; do
	: > "$T_DIR/apt"
	PATH=$T_DIR/stub:$PATH sh "$T_DIR/dtree/toolchain/cross.sh" install "$n" >/dev/null 2>&1
	grep -q '^install .* dpkg-dev\( \|$\)' "$T_DIR/apt" &&
		pass "cross.sh install $n installs dpkg-dev (mbedtls.sh's dpkg-source)" ||
		fail "cross.sh install $n installs dpkg-dev (mbedtls.sh's dpkg-source)" "apt-get $(grep install "$T_DIR/apt")"
done

# "cc" of a target not installed yet: nothing on stdout, a note on stderr,
# exit 1 (the path it would print does not exist); the readme.sh idiom
# [ -x "$(cross.sh cc mips 2>/dev/null)gcc" ] is false there
out=$(sh "$T_DIR/dtree/toolchain/cross.sh" cc mips 2>"$T_DIR/err"); rc=$?
[ "$rc" = 1 ] && [ -z "$out" ] && pass "cross.sh cc of an uninstalled target: exit 1, nothing on stdout" ||
	fail "cross.sh cc of an uninstalled target: exit 1, nothing on stdout" "exit $rc, '$out'"
t_grep "cross.sh cc of an uninstalled target says how to install it" "no mips toolchain yet.*cross.sh install mips" "$T_DIR/err"
[ -x "$(sh "$T_DIR/dtree/toolchain/cross.sh" cc mips 2>/dev/null)gcc" ] &&
	fail "[ -x \"\$(cross.sh cc mips 2>/dev/null)gcc\" ] is false when not installed" ||
	pass "[ -x \"\$(cross.sh cc mips 2>/dev/null)gcc\" ] is false when not installed"

# targets.mk installs a missing toolchain (a copy without toolchain/out/):
# the first make of a target on a fresh machine is that one command
case " $* " in *" armhf "*) n=armhf ;; *) n=$1 ;; esac
if [ "$n" != mips ]; then
	mkdir -p "$T_DIR/tree/toolchain"
	cp toolchain/cross.sh toolchain/targets.mk "$T_DIR/tree/toolchain/"
	(cd "$T_DIR/tree" && mvars -f toolchain/targets.mk TARGET="$n") > "$T_DIR/v" 2>"$T_DIR/err"
	p=$T_DIR/tree/toolchain/out/cross/bin/$(basename "$($X cc "$n")")
	t_grep "targets.mk: a missing $n toolchain: cross.sh install runs" "no $n toolchain yet: sh toolchain/cross.sh install $n" "$T_DIR/err"
	t_grep "targets.mk: then CC is the new prefix's" "^CC=${p}gcc\$" "$T_DIR/v"
	printf 'int main(void) { return 0; }\n' > "$T_DIR/m.c"
	t_true "targets.mk: the installed $n compiler links a static binary" "${p}gcc" -static -o "$T_DIR/m" "$T_DIR/m.c"
	t_true "targets.mk: the installed strip strips it" "${p}strip" "$T_DIR/m"
	t_true "the binary runs under $($X qemu "$n")" "$($X qemu "$n")" "$T_DIR/m"
fi
finish
