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
PATH0=$PATH
export PATH="$SH:$PATH"
export SIZE_BUILDS=tiny

if ! command -v musl-gcc >/dev/null 2>&1; then fail "musl-gcc missing (apt-get install musl-tools)"; finish; exit; fi

: > "$LOG"
(cd "$S" && $MAKE --no-print-directory size CROSS_COMPILE="$FK/foo-linux-musl-" STATIC=1) >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc = 0 ] && grep -Eq '^ *tiny_defconfig +[0-9]+ +[0-9]+' "$T_DIR/out" &&
   grep -q '^foo-strip ' "$LOG" && grep -q '^foo-size ' "$LOG" && ! grep -q '^HOST' "$LOG"; then
	pass "make size CROSS_COMPILE=pfx-: sizes measured with pfx-strip and pfx-size"
else fail "make size with a cross prefix" "rc $rc: $(tr '\n' '|' < "$LOG") $(head -c 300 "$T_DIR/err") $(tail -n 3 "$T_DIR/out" | tr '\n' '|')"; fi

# where the bytes go (issue 14): the split of tiny's text+data by the linker
# map adds up to the text+data measured of the stripped binary; the 20
# largest symbols are the binary's (sizes as nm gives them), largest first
split_of() {   # split_of OUTFILE LABEL: "app libc mbedtls crt linker total"
	awk -v l="$2" '/^where the bytes go/ { w = 1 } w && $1 == l && NF == 7 { print $2, $3, $4, $5, $6, $7; exit }' "$1"
}
td=$(awk '$1 == "tiny_defconfig" && NF >= 3 { print $3; exit }' "$T_DIR/out")
set -- $(split_of "$T_DIR/out" tiny_defconfig)
if [ $# = 6 ] && [ -n "$td" ] && [ $(($1 + $2 + $3 + $4 + $5)) = "$6" ] &&
   [ $(($6 - td)) -le $((td / 200 + 64)) ] && [ $((td - $6)) -le $((td / 200 + 64)) ] &&
   [ "$1" -gt $((td / 4)) ] && [ "$2" -gt $((td / 10)) ] && [ "$3" = 0 ]; then
	pass "make size: tiny's app+libc+mbedTLS+crt+linker ($6) is its measured text+data ($td)"
else fail "make size: the split adds up to text+data" "split '$*', text+data '$td': $(sed -n '/^where/,$p' "$T_DIR/out" | head -n 6 | tr '\n' '|')"; fi
sed -n '/^the 20 largest symbols/,/^$/p' "$T_DIR/out" | sed 1d | sed '/^$/d' > "$T_DIR/syms"
nm --size-sort -S "$S/build/size-static/tiny/wirebox" 2>/dev/null |
	awk '$3 !~ /^[bBuUvVwWaA]$/ && NF >= 4 { printf "%d %s\n", strtonum("0x" $2), $4 }' 2>/dev/null | tail -n 20 > "$T_DIR/nmsyms" ||
	: > "$T_DIR/nmsyms"
if [ ! -s "$T_DIR/nmsyms" ]; then   # an awk without strtonum (mawk)
	nm --size-sort -S -t d "$S/build/size-static/tiny/wirebox" | awk '$3 !~ /^[bBuUvVwWaA]$/ && NF >= 4 { print $2 + 0, $4 }' | tail -n 20 > "$T_DIR/nmsyms"
fi
top=$(tail -n 1 "$T_DIR/nmsyms")
first=$(head -n 1 "$T_DIR/syms" | awk '{ gsub(",", "", $1); print $1, $3 }')
bad=$(awk '{ gsub(",", "", $1); print $1, $3 }' "$T_DIR/syms" | while read -r z n; do grep -qx "$z $n" "$T_DIR/nmsyms" || echo "$z $n"; done)
if [ "$(wc -l < "$T_DIR/syms" | tr -d ' ')" = 20 ] && [ "$first" = "$top" ] && [ -z "$bad" ] &&
   grep -Eq '^ *[0-9,]+ app +(sntpc_main|pop3get_main|smtpsend_main|run|[a-z0-9]+_help)$' "$T_DIR/syms" &&
   grep -Eq '^ *[0-9,]+ libc ' "$T_DIR/syms"; then
	pass "make size: the 20 largest symbols of the build, largest ($top) first, with their parts"
else fail "make size: 20 largest symbols" "first '$first' nm '$top' not nm's: '$bad' list: $(head -c 600 "$T_DIR/syms" | tr '\n' '|')"; fi

# a 10 KB read-only object added to wirebox shows up in the app part (and as
# the largest symbol), nowhere else
printf 'const char wb_size_test_blob[10240] = { 1 };\n' > "$S/core/zz_size_test.c"
(cd "$S" && $MAKE --no-print-directory size STATIC=1 LDFLAGS=-Wl,--require-defined=wb_size_test_blob) >"$T_DIR/out2" 2>"$T_DIR/err"
rc=$?
rm -f "$S/core/zz_size_test.c"
set -- $(split_of "$T_DIR/out" tiny_defconfig) $(split_of "$T_DIR/out2" tiny_defconfig)
if [ $rc = 0 ] && [ $# = 12 ] && [ $(($7 - $1)) -ge 10240 ] && [ $(($7 - $1)) -le $((10240 + 64)) ] &&
   [ "$8" = "$2" ] && [ "$9" = "$3" ] &&
   grep -Eq '^ *10,240 app +wb_size_test_blob$' "$T_DIR/out2"; then
	pass "make size: a 10 KB rodata object adds 10 KB to the app part (+$(($7 - $1))), libc unchanged, listed first"
else fail "make size: a 10 KB object shows in the app part" "rc $rc; before '$1 $2 $3 $4 $5 $6' after '$7 $8 $9 ${10} ${11} ${12}' $(head -c 300 "$T_DIR/err")"; fi

# #7: the "./wirebox (your .config, CPU)" row after a cross build: measured with
# the build's strip and size (build/settings), not the host's; a strip that
# cannot do it leaves the row out with a note, and make size still exits 0
cp "$S/configs/tiny_defconfig" "$S/.config"
: > "$LOG"
(cd "$S" && $MAKE -s CROSS_COMPILE="$FK/foo-linux-musl-" STATIC=1 && : > "$LOG" &&
	SIZE_BUILDS=none $MAKE --no-print-directory size) >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc = 0 ] && grep -Eq '^ *\./wirebox \(your \.config, foo\) +[0-9]+ +[0-9]+' "$T_DIR/out" &&
   grep -q '^foo-strip ' "$LOG" && grep -q '^foo-size ' "$LOG" && ! grep -q '^HOST' "$LOG"; then
	pass "make size after a cross build: ./wirebox measured with the build's strip and size, its row names the machine"
else fail "make size after a cross build measures ./wirebox with the build's tools" "rc $rc: $(tr '\n' '|' < "$LOG") $(head -c 300 "$T_DIR/err")"; fi
sed -i "s|^WB_SAVED_STRIP := .*|WB_SAVED_STRIP := $T_DIR/badcc|" "$S/build/settings"
(cd "$S" && SIZE_BUILDS=none $MAKE --no-print-directory size) >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc = 0 ] && grep -q 'size: note: wirebox not measured' "$T_DIR/err" && grep -q 'not measured' "$T_DIR/out"; then
	pass "make size when ./wirebox cannot be stripped: a note, exit 0"
else fail "make size with an unmeasurable ./wirebox exits 0 with a note" "rc $rc: $(head -c 300 "$T_DIR/err")"; fi
if command -v mipsel-linux-musl-gcc >/dev/null 2>&1; then   # the review's case
	PATH=$PATH0
	(cd "$S" && rm -rf build wirebox && cp configs/tiny_defconfig .config &&
		$MAKE -s CROSS_COMPILE=mipsel-linux-musl- STATIC=1 && $MAKE --no-print-directory size SIZE_BUILDS=none) >"$T_DIR/out" 2>"$T_DIR/err"
	rc=$?
	if [ $rc = 0 ] && grep -Eq '^ *\./wirebox \(your \.config, mipsel\) +[0-9]+ +[0-9]+' "$T_DIR/out"; then
		pass "make CROSS_COMPILE=mipsel-linux-musl- STATIC=1; make size: exit 0 with the './wirebox (your .config, mipsel)' row"
	else fail "make size after a mipsel build" "rc $rc: $(head -c 300 "$T_DIR/err")"; fi
	export PATH="$SH:$PATH"
fi
rm -f "$S/wirebox"; rm -rf "$S/build"

rm "$FK/foo-linux-musl-strip"; : > "$LOG"
(cd "$S" && $MAKE --no-print-directory size CROSS_COMPILE="$FK/foo-linux-musl-" STATIC=1) >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc != 0 ] && grep -q "size: STRIP=$FK/foo-linux-musl-strip on .* failed" "$T_DIR/err" &&
   grep -q "not found" "$T_DIR/err" && ! grep -q '^HOST' "$LOG"; then
	pass "make size with a prefix without strip: fails and names the strip"
else fail "make size without pfx-strip says what failed" "rc $rc: $(head -c 400 "$T_DIR/err" | tr '\n' '|')"; fi

(cd "$S" && $MAKE --no-print-directory size CC="$T_DIR/badcc") >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc != 0 ] && grep -q "size: the build of tiny (configs/tiny_defconfig) failed" "$T_DIR/err" &&
   grep -q "size:   .*boom, no compiler here" "$T_DIR/err"; then
	pass "make size with a failing build: names the build and shows its log's end, exit non-zero"
else fail "make size names a failing build" "rc $rc: $(head -c 400 "$T_DIR/err" | tr '\n' '|')"; fi
finish
