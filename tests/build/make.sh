#!/bin/sh
# tests/build/make.sh - the Makefile's small promises:
#  - 'make tiny_defconfig' / 'make defconfig' without a .config say nothing of
#    "no .config: using configs/defconfig"
#  - 'make -s' prints no CC/LD lines (nothing at all on success)
#  - WB_BUILD_EPOCH outside git: SOURCE_DATE_EPOCH, else the newest source
#    file's date (not 0); in the git checkout: the last commit's
#  - STATIC=1 builds with -fno-pie -no-pie, still static and running
#  - an aarch64 compiler (-dumpmachine aarch64*) links with max-page-size=4096
#  - tools default from the compiler and reach the scripts make runs
#  - TARGET=NAME: a missing toolchain/targets.mk is a clear error; with one
#    (a stub here) its TARGET_CFLAGS/LDFLAGS are used, the binary is
#    build/NAME/wirebox, static and stripped; make size TARGET=NAME;
#    make check-cross runs tests/cross/run.sh with CROSS_TARGETS
# The TARGET and epoch checks run in a copy of the tree in a temp dir.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
MAKE=${MAKE:-make}
B=build/t-make
at_exit "rm -rf '$TOP/$B'"
rm -rf "$B"
unset SOURCE_DATE_EPOCH CROSS_COMPILE STATIC TARGET CFLAGS LDFLAGS AR STRIP NM SIZE OBJCOPY WB_TOOLS_FOR || :
export MAKEFLAGS=
# as typed by hand (make check runs this under make: MAKELEVEL 1)
unset MAKELEVEL
S=$T_DIR/src
mkdir -p "$S" "$B"
git ls-files | tar -cf - -T - | tar -xf - -C "$S"

# ---- configuration targets without a .config ---------------------------------
for t in tiny_defconfig defconfig; do
	rm -f "$B/cfg"
	$MAKE BUILD="$B/c" KCONFIG_CONFIG="$B/cfg" $t >"$T_DIR/out" 2>&1
	rc=$?
	src=configs/$t
	if [ $rc = 0 ] && ! grep -q 'no .*using configs/defconfig' "$T_DIR/out" && grep -q "wrote $B/cfg from $src" "$T_DIR/out"; then
		pass "make $t without a .config: no 'using configs/defconfig' message"
	else fail "make $t without a .config" "rc $rc: $(tr '\n' '|' < "$T_DIR/out")"; fi
done
t_grep "make tiny_defconfig then defconfig: the .config is defconfig's" "CONFIG_SMTPSEND_QUEUE=y" "$B/cfg"

# ---- make -s -------------------------------------------------------------------
cp configs/tiny_defconfig "$B/s.cfg"
$MAKE -s BUILD="$B/s" KCONFIG_CONFIG="$B/s.cfg" OUT="$B/s/wirebox" >"$T_DIR/out" 2>&1
rc=$?
if [ $rc = 0 ] && [ ! -s "$T_DIR/out" ] && [ -x "$B/s/wirebox" ]; then pass "make -s prints nothing (no CC/LD lines)"
else fail "make -s prints nothing" "rc $rc: $(head -n 3 "$T_DIR/out" | tr '\n' '|')"; fi
rm -f "$B/s/wirebox"
$MAKE BUILD="$B/s" KCONFIG_CONFIG="$B/s.cfg" OUT="$B/s/wirebox" >"$T_DIR/out" 2>&1
t_grep "make without -s still says LD" "^  LD      $B/s/wirebox" "$T_DIR/out"
# the tools: from the compiler, each an existing program
ok=1
for v in AR STRIP NM SIZE OBJCOPY; do
	p=$(sed -n "s/^WB_SAVED_$v := //p" "$B/s/settings")
	command -v "$p" >/dev/null 2>&1 || { ok=0; echo "# $v=$p not found"; }
done
t_true "the native build's recorded AR STRIP NM SIZE OBJCOPY exist" [ $ok = 1 ]

# ---- WB_BUILD_EPOCH --------------------------------------------------------------
want=$(git log -1 --format=%ct)
$MAKE -s BUILD="$B/s" KCONFIG_CONFIG="$B/s.cfg" "$B/s/epoch.h"
t_grep "in git: WB_BUILD_EPOCH is the last commit's date" "WB_BUILD_EPOCH ${want}LL" "$B/s/epoch.h"
find "$S" -type f -exec touch -d @1600000000 {} +
touch -d @1700000123 "$S/core/util.c"
(cd "$S" && $MAKE -s BUILD=b KCONFIG_CONFIG=b.cfg b/epoch.h) >"$T_DIR/out" 2>&1
t_grep "outside git: WB_BUILD_EPOCH is the newest source file's date (not 0)" "WB_BUILD_EPOCH 1700000123LL" "$S/b/epoch.h"
(cd "$S" && SOURCE_DATE_EPOCH=1234567 $MAKE -s BUILD=b KCONFIG_CONFIG=b.cfg b/epoch.h) >"$T_DIR/out" 2>&1
t_grep "SOURCE_DATE_EPOCH wins" "WB_BUILD_EPOCH 1234567LL" "$S/b/epoch.h"
rm -rf "$S/b" "$S/b.cfg"

# ---- STATIC=1: -fno-pie -no-pie ---------------------------------------------------
if command -v musl-gcc >/dev/null 2>&1; then
	cp configs/tiny_defconfig "$B/st.cfg"
	$MAKE -s BUILD="$B/st" KCONFIG_CONFIG="$B/st.cfg" OUT="$B/st/wirebox" STATIC=1 >"$T_DIR/out" 2>&1
	rc=$?
	f=$(file -b "$B/st/wirebox" 2>&1)
	if [ $rc = 0 ] && grep -q -- '-fno-pie .*-no-pie' "$B/st/flags" && echo "$f" | grep -q 'statically linked' &&
	   ! echo "$f" | grep -q pie && "$B/st/wirebox" --list >/dev/null; then
		pass "STATIC=1: -fno-pie -no-pie, a static non-PIE binary that runs"
	else fail "STATIC=1 with -fno-pie -no-pie" "rc $rc: $f; $(head -c 300 "$T_DIR/out")"; fi
else fail "musl-gcc missing (apt-get install musl-tools)"; fi

# ---- aarch64: max-page-size ------------------------------------------------------------
printf '#!/bin/sh\n[ "$1" != -dumpmachine ] || { echo aarch64-linux-gnu; exit 0; }\nexec gcc "$@"\n' > "$T_DIR/a64-gcc"
chmod +x "$T_DIR/a64-gcc"
cp configs/tiny_defconfig "$B/a.cfg"
$MAKE -s BUILD="$B/a" KCONFIG_CONFIG="$B/a.cfg" CC="$T_DIR/a64-gcc" "$B/a/epoch.h" >/dev/null 2>&1
t_grep "an aarch64 compiler links with -z max-page-size=4096" "-Wl,-z,max-page-size=4096" "$B/a/flags"
t_nogrep "an x86-64 compiler does not" "max-page-size" "$B/s/flags"

# ---- TARGET=, check-cross, make size TARGET= (in the copy) --------------------------------
# ---- TARGET from a parent project's make, TARGET= empty ------------------------
# (review 2 #6) a parent 'make TARGET=rpi4' running '$(MAKE) -C wirebox': its
# TARGET (in MAKEFLAGS) is not wirebox's; wirebox's own recursion (defconfig's
# olddefconfig) does not pick it up either
P=$T_DIR/parent
mkdir -p "$P"
printf 'all:\n\t$(MAKE) -C %s KCONFIG_CONFIG=%s/cfg tiny_defconfig\n\t$(MAKE) -C %s -n KCONFIG_CONFIG=%s/cfg BUILD=%s/b OUT=%s/b/wirebox\n' \
	"$S" "$P" "$S" "$P" "$P" "$P" > "$P/Makefile"
$MAKE -C "$P" TARGET=rpi4 >"$T_DIR/out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q 'ignoring TARGET=rpi4 from a parent make' "$T_DIR/out" &&
   ! grep -q 'not a known target' "$T_DIR/out" && grep -q 'CONFIG_SMTPSEND_QUEUE is not set' "$P/cfg" && [ ! -e "$S/build/rpi4" ]; then
	pass "a parent project's 'make TARGET=rpi4' running \$(MAKE) -C wirebox builds for the host (with a warning)"
else fail "a parent's command-line TARGET is not wirebox's" "rc $rc: $(grep -m 3 'rpi4\|rror' "$T_DIR/out" | tr '\n' '|')"; fi
printf 'all:\n\t$(MAKE) -C %s -n olddefconfig KCONFIG_CONFIG=%s/cfg WIREBOX_TARGET=nosuch\n' "$S" "$P" > "$P/Makefile"
$MAKE -C "$P" >"$T_DIR/out" 2>&1
rc=$?
if [ $rc != 0 ] && grep -q 'TARGET=nosuch is not a known target' "$T_DIR/out"; then
	pass "a parent project selects a firmware build with WIREBOX_TARGET=NAME"
else fail "a parent's WIREBOX_TARGET selects the target" "rc $rc: $(head -c 300 "$T_DIR/out")"; fi
# TARGET= (empty) on the command line: WIREBOX_TARGET in the environment is
# ignored (the packages pass it), by hand and from a parent make
(cd "$S" && WIREBOX_TARGET=nosuch $MAKE -n olddefconfig KCONFIG_CONFIG="$P/cfg" TARGET=) >"$T_DIR/out" 2>&1
rc=$?
printf 'all:\n\t$(MAKE) -C %s -n olddefconfig KCONFIG_CONFIG=%s/cfg TARGET=\n' "$S" "$P" > "$P/Makefile"
WIREBOX_TARGET=nosuch $MAKE -C "$P" TARGET=mips >"$T_DIR/out2" 2>&1
rc2=$?
if [ $rc = 0 ] && [ $rc2 = 0 ] && ! grep -q nosuch "$T_DIR/out" "$T_DIR/out2"; then
	pass "TARGET= on the command line ignores WIREBOX_TARGET from the environment (by hand and under a parent make)"
else fail "TARGET= ignores WIREBOX_TARGET" "rc $rc/$rc2: $(head -c 200 "$T_DIR/out") $(head -c 200 "$T_DIR/out2")"; fi

rm -f "$S/toolchain/targets.mk"
(cd "$S" && $MAKE TARGET=stub) >"$T_DIR/out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "TARGET=stub: toolchain/targets.mk is missing" "$T_DIR/out"; then
	pass "TARGET= without toolchain/targets.mk: a clear error"
else fail "TARGET= without targets.mk" "rc $rc: $(head -c 300 "$T_DIR/out")"; fi
cat > "$S/toolchain/targets.mk" <<'EOF'
# stub for tests/build/make.sh
CC := musl-gcc
STATIC := 1
TARGET_CFLAGS := -DWB_STUB_TARGET=1
TARGET_LDFLAGS := -Wl,-z,norelro
BUILD ?= build/$(TARGET)
OUT ?= build/$(TARGET)/wirebox
EOF
cp configs/tiny_defconfig "$S/.config"
(cd "$S" && $MAKE -s TARGET=stub) >"$T_DIR/out" 2>&1
rc=$?
f=$(file -b "$S/build/stub/wirebox" 2>&1)
if [ $rc = 0 ] && grep -q -- '-DWB_STUB_TARGET=1' "$S/build/stub/flags" && grep -q -- '-Wl,-z,norelro' "$S/build/stub/flags" &&
   echo "$f" | grep -q 'statically linked' && echo "$f" | grep -q ', stripped' &&
   grep -q '^WB_SAVED_TARGET := stub$' "$S/build/stub/settings"; then
	pass "make TARGET=stub: targets.mk's flags, build/stub/wirebox static and stripped"
else fail "make TARGET=stub" "rc $rc: $f; $(head -c 300 "$T_DIR/out")"; fi
(cd "$S" && $MAKE install TARGET=stub DESTDIR="$T_DIR/rt") >"$T_DIR/out" 2>&1
t_true "make install TARGET=stub installs the target's binary" cmp -s "$S/build/stub/wirebox" "$T_DIR/rt/usr/local/bin/wirebox"
(cd "$S" && SIZE_BUILDS=tiny $MAKE size TARGET=stub) >"$T_DIR/out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q 'TARGET=stub' "$T_DIR/out" && file "$S/build/size-stub/tiny/wirebox" | grep -q 'statically linked' &&
   grep -q -- '-DWB_STUB_TARGET=1' "$S/build/size-stub/tiny/flags"; then
	pass "make size TARGET=stub sizes that target's builds (build/size-stub)"
else fail "make size TARGET=stub" "rc $rc: $(head -c 300 "$T_DIR/out")"; fi
mkdir -p "$S/tests/cross"
printf 'echo "run.sh [$*] AR=$AR STRIP=$STRIP"\n' > "$S/tests/cross/run.sh"
(cd "$S" && $MAKE -s check-cross) >"$T_DIR/out" 2>&1
t_grep "make check-cross runs tests/cross/run.sh for all five targets" '^run.sh \[x86_64 armhf aarch64 mipsel mips\]' "$T_DIR/out"
(cd "$S" && $MAKE -s check-cross CROSS_TARGETS="mips armhf" CROSS_COMPILE=/nonexistent/zz-) >"$T_DIR/out" 2>&1
t_grep "CROSS_TARGETS= picks them; the tools reach the script" '^run.sh \[mips armhf\] AR=/nonexistent/zz-ar STRIP=/nonexistent/zz-strip$' "$T_DIR/out"
finish
