#!/bin/sh
# tests/build/size.sh - 'make size' with any compiler:
#  - a cross prefix (fake: foo-linux-musl-* wrappers that log their calls):
#    the sizes are measured with its strip and size, never the host's
#  - a prefix without a strip: make size fails and says which step failed
#  - a build that fails: make size names the build and shows the end of its
#    log (not a bare "Error 1"), and exits non-zero
# Runs in a copy of the tree in a temp dir (SIZE_BUILDS=tiny: one build each).
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
MAKE=${MAKE:-make}
unset SOURCE_DATE_EPOCH CROSS_COMPILE STATIC TARGET CFLAGS LDFLAGS AR STRIP NM SIZE OBJCOPY WB_TOOLS_FOR || :
export MAKEFLAGS=
S=$T_DIR/src
mkdir -p "$S"
git ls-files | tar -cf - -T - | tar -xf - -C "$S"

FK=$T_DIR/fk SH=$T_DIR/hostshim LOG=$T_DIR/calls
mkdir -p "$FK" "$SH"
cat > "$FK/foo-linux-musl-gcc" <<EOF
#!/bin/sh
case "\$1" in
-dumpmachine) echo foo-linux-musl; exit 0 ;;
-print-prog-name=*) echo "\${1#*=}"; exit 0 ;;
esac
exec musl-gcc "\$@"
EOF
for t in ar strip nm size objcopy; do
	printf '#!/bin/sh\necho "foo-%s $*" >> %s\nexec %s "$@"\n' "$t" "$LOG" "$(command -v "$t")" > "$FK/foo-linux-musl-$t"
	for n in "$t" "x86_64-linux-gnu-$t"; do
		printf '#!/bin/sh\necho "HOST %s $*" >> %s\nexec %s "$@"\n' "$n" "$LOG" "$(command -v "$t")" > "$SH/$n"
	done
done
# a compiler that cannot compile anything
printf '#!/bin/sh\ncase "$1" in -dumpmachine) echo x86_64-linux-gnu; exit 0;; -print-prog-name=*) echo "${1#*=}"; exit 0;; esac\necho "badcc: error: boom, no compiler here" >&2; exit 1\n' > "$T_DIR/badcc"
chmod +x "$FK"/* "$SH"/* "$T_DIR/badcc"
export PATH="$SH:$PATH"
export SIZE_BUILDS=tiny

if ! command -v musl-gcc >/dev/null 2>&1; then fail "musl-gcc missing (apt-get install musl-tools)"; finish; exit; fi

: > "$LOG"
(cd "$S" && $MAKE size CROSS_COMPILE="$FK/foo-linux-musl-" STATIC=1) >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc = 0 ] && grep -Eq '^ *tiny_defconfig +[0-9]+ +[0-9]+' "$T_DIR/out" &&
   grep -q '^foo-strip ' "$LOG" && grep -q '^foo-size ' "$LOG" && ! grep -q '^HOST' "$LOG"; then
	pass "make size CROSS_COMPILE=pfx-: sizes measured with pfx-strip and pfx-size"
else fail "make size with a cross prefix" "rc $rc: $(tr '\n' '|' < "$LOG") $(head -c 300 "$T_DIR/err") $(tail -n 3 "$T_DIR/out" | tr '\n' '|')"; fi

rm "$FK/foo-linux-musl-strip"
(cd "$S" && $MAKE size CROSS_COMPILE="$FK/foo-linux-musl-" STATIC=1) >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc != 0 ] && grep -q "size: STRIP=$FK/foo-linux-musl-strip on .* failed" "$T_DIR/err" &&
   grep -q "not found" "$T_DIR/err" && ! grep -q '^HOST' "$LOG"; then
	pass "make size with a prefix without strip: fails and names the strip"
else fail "make size without pfx-strip says what failed" "rc $rc: $(head -c 400 "$T_DIR/err" | tr '\n' '|')"; fi

(cd "$S" && $MAKE size CC="$T_DIR/badcc") >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc != 0 ] && grep -q "size: the build of tiny (configs/tiny_defconfig) failed" "$T_DIR/err" &&
   grep -q "size:   .*boom, no compiler here" "$T_DIR/err"; then
	pass "make size with a failing build: names the build and shows its log's end, exit non-zero"
else fail "make size names a failing build" "rc $rc: $(head -c 400 "$T_DIR/err" | tr '\n' '|')"; fi
finish
