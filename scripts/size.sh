#!/bin/sh
# make size: stripped sizes of ./wirebox, of the shipped configs, of the core
# alone and what each applet adds to it (each applet alone on tiny_defconfig).
# Usage: size.sh MAKE STATIC [FORMAT]   (STATIC=1: static musl builds, as
# shipped; FORMAT=md: a Markdown table with the date, commit and compiler, to
# paste into docs as it is: 'make size STATIC=1 FORMAT=md'). Run by 'make
# size', which passes STRIP and SIZE (the compiler's, see docs/building.md),
# TARGET (make size TARGET=NAME: that target's builds, in build/size-NAME)
# and WB_CC. SIZE_BUILDS="tiny defconfig" makes only those rows (of: tiny
# defconfig full notls noqueue nohardening tinyhardening applets; default
# all). A build that fails is named with the last lines of its log,
# and the exit status is 1.
# Then where the bytes go: each build's text+data split into wirebox's own
# code and data (app), libc, mbedTLS, the compiler's start files and libgcc,
# and what the linker adds (relocations, GOT, padding), from the linker map
# every link writes (BUILD/wirebox.map; scripts/mapsplit.awk), and the 20
# largest symbols (NM --size-sort -S, code and data, not BSS) of ./wirebox
# when it is built and has its symbols, else of defconfig's build.
# Sizes in the docs come from this output, not from memory: docs/tls.md
# (TLS cost), docs/pop3get.md (pop3get alone, core alone), configs/tiny_defconfig
# (what sendmail -t costs). toolchain/README.md's per-module mbedTLS figures
# come from a linker map (-Wl,-Map), rounded.
set -eu
cd "$(dirname "$0")/.."
MAKE=${1:-make} STATIC=${2:-} FORMAT=${3:-}
TARGET=${TARGET:-}
SIZE_BUILDS=${SIZE_BUILDS:-tiny defconfig full notls noqueue nohardening tinyhardening applets}
want() { case " $SIZE_BUILDS " in *" $1 "*) return 0 ;; esac; return 1; }
if [ -n "$TARGET" ]; then SD=build/size-$TARGET; else SD=build/size${STATIC:+-static}; fi
STRIP=${STRIP:-strip} SIZE=${SIZE:-size} NM=${NM:-nm}
mkdir -p "$SD"
rm -f "$SD/failed" "$SD/splits" "$SD/built"

failed() {     # failed WHAT LOG: say what failed (stderr), remember it
	if [ -n "${OWN_ROW:-}" ]; then   # your own build's row: a note only
		echo "size: note: $own not measured: $1 failed${2:+: $(head -n 1 "$2")}" >&2
		return 0
	fi
	echo "size: $1 failed${2:+; the end of $2:}" >&2
	[ -z "${2:-}" ] || tail -n 8 "$2" | sed 's/^/size:   /' >&2
	echo "$1" >> "$SD/failed"
}
stripped() {   # "FILEBYTES TEXT+DATA" of the stripped binary, or "- -"
	[ -f "$1" ] || { echo "- -"; return; }
	cp "$1" "$SD/strip.tmp"
	if ! $STRIP "$SD/strip.tmp" >"$SD/strip.log" 2>&1; then
		failed "STRIP=$STRIP on $1" "$SD/strip.log"; echo "- -"; return
	fi
	if ! t=$($SIZE "$SD/strip.tmp" 2>"$SD/strip.log" | awk 'NR == 2 { print $1 + $2 }') || [ -z "$t" ]; then
		failed "SIZE=$SIZE on $1" "$SD/strip.log"; t=-
	fi
	echo "$(wc -c < "$SD/strip.tmp" | tr -d ' ') $t"
}
build() {      # build NAME CONFIGFILE: prints the stripped size or "-"
	d=$SD/$1
	mkdir -p "$d"
	cp "$2" "$d/.config"
	# (unstripped also for TARGET=: its symbols are listed; the sizes are the
	# stripped copy's)
	if $MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" olddefconfig >"$d/log" 2>&1 &&
	   $MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" OUT="$d/wirebox" STATIC="$STATIC" \
		${TARGET:+STRIP=true} >>"$d/log" 2>&1; then
		echo "$1" >> "$SD/built"
		stripped "$d/wirebox"
	else
		failed "the build of $1 ($2${TARGET:+, TARGET=$TARGET}${STATIC:+, STATIC=1})" "$d/log"
		echo "- -"
	fi
}
applet_syms() {  # "name SYMBOL" of every applet (not aliases)
	sed -n 's|^//applet:\([^ ]*\) \([A-Z0-9_]*\) [^ ]* [^ ]*$|\1 \2|p' applets/*.c applets/*/*.c 2>/dev/null | sort -u
}
commas() {     # 1234567 -> 1,234,567 (signs and "-" kept)
	echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'
}
built() { grep -qx "$1" "$SD/built" 2>/dev/null; }
ltonames() {   # ltonames MAP: the names in the LTO objects of its mbedTLS archives
	: > "$SD/ltonames"
	grep -q 'ltrans' "$1" 2>/dev/null || return 0
	sed -n 's|^\(/[^ (]*/libmbed[a-z0-9]*\.a\)(.*|\1|p; s|^LOAD \([^ ]*libmbed[a-z0-9]*\.a\)$|\1|p' "$1" | sort -u |
	while read -r a; do
		$SIZE -A "$a" 2>/dev/null | sed -n 's/^\.gnu\.lto_\([A-Za-z_][A-Za-z0-9_]*\)\.[0-9][0-9]*\.[0-9a-f]* .*/\1/p'
	done | sort -u > "$SD/ltonames"
}
split() {      # split LABEL MAP [NAME]: the row of the bytes' origins (of NAME's
	# build when it was made in this run)
	[ -f "$2" ] || return 0
	[ -z "${3:-}" ] || built "$3" || return 0
	ltonames "$2"
	echo "$1|$(awk -v names="$SD/ltonames" -f scripts/mapsplit.awk "$2")" >> "$SD/splits"
}
row() {
	if [ "$FORMAT" = md ]; then
		set -- "$1" $2 "${3:-}" "${4:-}"
		echo "| $1 | $(commas "$2") | $(commas "${3:--}") | $(commas "${4:-}") | $(commas "${5:-}") |"
	else
		printf '  %-32s %9s %9s %11s %9s\n' "$1" $2 "${3:-}" "${4:-}"
	fi
}

if [ -n "$TARGET" ]; then kind="TARGET=$TARGET, static"
elif [ -n "$STATIC" ]; then kind="static musl"; else kind="dynamic; 'make size STATIC=1' for static musl"; fi
if [ "$FORMAT" = md ]; then
	cc=$(${WB_CC:-$([ -n "$STATIC" ] && echo musl-gcc || echo gcc)} --version 2>/dev/null | head -n 1)
	echo "Stripped sizes in bytes, ${STATIC:+static musl, }${TARGET:-$(uname -m)}, \`make size${TARGET:+ TARGET=$TARGET}${STATIC:+ STATIC=1} FORMAT=md\`"
	echo "on $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $cc:"
	echo
	echo "| build | file | text+data | file +/- | text+data +/- |"
	echo "|---|---:|---:|---:|---:|"
else
	echo "wirebox sizes, stripped bytes ($kind)"
	row "build" "file text+data" "file+" "text+data+"
fi
# the row of your own build (WB_OUT, WB_BUILD from make): measured with the
# strip and size recorded in its settings (a cross build's), not the host's;
# when that cannot be done it is left out with a note, never a failure
own=${WB_OUT:-wirebox} ownb=${WB_BUILD:-build}
[ -z "$TARGET" ] || [ -n "${WB_OUT:-}" ] || { own=build/$TARGET/wirebox ownb=build/$TARGET; }
setting() { sed -n "s/^WB_SAVED_$1 := //p" "$ownb/settings" 2>/dev/null | sed 's/\$\$/$/g; s/\\#/#/g'; }
if [ -f "$own" ]; then
	S0=$STRIP Z0=$SIZE
	s=$(setting STRIP) z=$(setting SIZE)
	[ -z "$s" ] || STRIP=$s
	[ -z "$z" ] || SIZE=$z
	OWN_ROW=1
	sz=$(stripped "$own")
	OWN_ROW=
	STRIP=$S0 SIZE=$Z0
	case $own in /*) label=$own ;; *) label=./$own ;; esac
	# built for another machine than the table's (a cross build): say which
	m=$(setting MACHINE) t=$(setting TARGET) for=
	if [ -n "$t" ]; then [ "$t" = "$TARGET" ] || for=", $t"
	elif [ -n "$m" ] && [ -z "$TARGET" ] && [ "${m%%-*}" != "$(uname -m)" ]; then for=", ${m%%-*}"
	elif [ -n "$TARGET" ] && [ -n "$m" ]; then for=", ${m%%-*}"; fi
	if [ "$sz" != "- -" ]; then
		row "$label (your .config$for)" "$sz"
		split "$label (your .config$for)" "$ownb/wirebox.map"
	else echo "  ($label not measured: see the note above)"; fi
fi
sz_full="- -" sz_defconfig="- -" sz_tiny="- -"
for c in tiny defconfig full; do
	want "$c" || continue
	f=configs/${c}_defconfig; [ "$c" = defconfig ] && f=configs/defconfig
	eval "sz_$c=\$(build \"\$c\" \"\$f\")"
	eval "row \"\$(basename \"\$f\")\" \"\$sz_$c\""
	split "$(basename "$f")" "$SD/$c/wirebox.map" "$c"
done
without() {    # without LABEL NAME "SIZES OF THE BASE" CONFIGFILE SYMBOL: one row
	{ cat "$4"; echo "# CONFIG_$5 is not set"; } > "$SD/$2.cfg"
	sz=$(build "$2" "$SD/$2.cfg")
	split "$1" "$SD/$2/wirebox.map" "$2"
	set -- "$1" "$sz" $3 $sz
	if [ "$3" = - ] || [ "$5" = - ]; then row "$1" "$2"
	else row "$1" "$2" "-$(($3 - $5))" "-$(($4 - $6))"; fi
}
with() {       # with LABEL NAME "SIZES OF THE BASE" CONFIGFILE SYMBOL: one row
	{ cat "$4"; echo "CONFIG_$5=y"; } > "$SD/$2.cfg"
	sz=$(build "$2" "$SD/$2.cfg")
	split "$1" "$SD/$2/wirebox.map" "$2"
	set -- "$1" "$sz" $3 $sz
	if [ "$3" = - ] || [ "$5" = - ]; then row "$1" "$2"
	else row "$1" "$2" "+$(($5 - $3))" "+$(($6 - $4))"; fi
}
! want notls || without "full_defconfig without TLS" full-notls "$sz_full" configs/full_defconfig TLS
! want noqueue || without "defconfig without the queue" def-noqueue "$sz_defconfig" configs/defconfig SMTPSEND_QUEUE
! want nohardening || without "full_defconfig without HARDENING" full-nohard "$sz_full" configs/full_defconfig HARDENING
! want tinyhardening || with "tiny_defconfig with HARDENING" tiny-hard "${sz_tiny:-- -}" configs/tiny_defconfig HARDENING
want applets || SIZE_NO_APPLETS=1
[ -n "${SIZE_NO_APPLETS:-}" ] || {
none=$SD/none.cfg
cp configs/tiny_defconfig "$none"
applet_syms | while read -r name sym; do echo "# CONFIG_$sym is not set" >> "$none"; done
core=$(build none "$none")
row "core only (tiny, no applets)" "$core"
applet_syms | while read -r name sym; do
	cfg=$SD/only-$name.cfg
	cp configs/tiny_defconfig "$cfg"
	applet_syms | while read -r n2 s2; do
		[ "$n2" = "$name" ] || echo "# CONFIG_$s2 is not set" >> "$cfg"
	done
	sz=$(build "only-$name" "$cfg")
	set -- $sz $core
	if [ "$1" = - ] || [ "$3" = - ]; then row "$name alone (tiny)" "$sz"
	else row "$name alone (tiny)" "$sz" "+$(($1 - $3))" "+$(($2 - $4))"; fi
done
}
[ "$FORMAT" != md ] || echo
echo "  '... without X': its negative columns are what X costs (TLS: mbedTLS; the queue: smtpsend's);"
echo "  '... with X': its positive ones are what X costs (HARDENING: docs/building.md)"
echo "  file: stripped file bytes (segments are page-aligned); text+data: code and data bytes"
echo "  ('-': that build failed; see $SD/NAME/log)"

# where the bytes go, by the linker maps of the builds above
if [ -s "$SD/splits" ]; then
	echo
	if [ "$FORMAT" = md ]; then
		echo "Where the bytes go (text+data by the linker map; BSS not counted):"
		echo
		echo "| build | app | libc | mbedTLS | crt, libgcc | linker | total |"
		echo "|---|---:|---:|---:|---:|---:|---:|"
	else
		echo "where the bytes go: text+data by the linker map (BSS not counted)"
		printf '  %-32s %8s %8s %8s %8s %7s %9s\n' build app libc mbedTLS crt+gcc linker total
	fi
	while IFS='|' read -r label nums; do
		set -- $nums
		if [ "$FORMAT" = md ]; then
			echo "| $label | $(commas "$1") | $(commas "$2") | $(commas "$3") | $(commas "$4") | $(commas "$5") | $(commas "$6") |"
		else printf '  %-32s %8s %8s %8s %8s %7s %9s\n' "$label" "$@"; fi
	done < "$SD/splits"
	[ "$FORMAT" != md ] || echo
	echo "  app: wirebox's objects; crt+gcc: start files and libgcc; linker: relocations, GOT,"
	echo "  dynamic tables, padding (LTO: the merged code is told apart by the names that"
	echo "  mbedTLS's LTO objects define; merged strings count as app)"
fi

# the 20 largest symbols: of ./wirebox when it has its symbols and its map,
# else of defconfig's build (else the first one built)
symbols() {    # symbols BINARY MAP NM: "SIZE PART NAME", largest first
	ltonames "$2"
	"$3" --size-sort -S "$1" 2>/dev/null | awk -v mode=syms -v names="$SD/ltonames" -f scripts/mapsplit.awk "$2" - | head -n 20
}
syms= of=
if [ -f "$own" ] && [ -f "$ownb/wirebox.map" ]; then
	n=$(setting NM); syms=$(symbols "$own" "$ownb/wirebox.map" "${n:-$NM}")
	case $own in /*) of=$own ;; *) of=./$own ;; esac
fi
if [ -z "$syms" ]; then
	for c in defconfig tiny full; do
		built "$c" && [ -f "$SD/$c/wirebox.map" ] || continue
		syms=$(symbols "$SD/$c/wirebox" "$SD/$c/wirebox.map" "$NM")
		f=${c}_defconfig; [ "$c" = defconfig ] && f=defconfig
		of="$f's build, $SD/$c/wirebox"
		[ -z "$syms" ] || break
	done
fi
if [ -n "$syms" ]; then
	echo
	if [ "$FORMAT" = md ]; then
		echo "The 20 largest symbols (code and data, not BSS) of $of:"
		echo
		echo "| bytes | part | symbol |"
		echo "|---:|---|---|"
		echo "$syms" | while read -r b p n; do echo "| $(commas "$b") | $p | \`$n\` |"; done
	else
		echo "the 20 largest symbols (code and data, not BSS) of $of"
		echo "$syms" | while read -r b p n; do printf '  %8s %-8s %s\n' "$(commas "$b")" "$p" "$n"; done
	fi
fi
if [ -s "$SD/failed" ]; then
	echo "size: $(wc -l < "$SD/failed" | tr -d ' ') step(s) failed:" >&2
	sed 's/^/size:   /' "$SD/failed" >&2
	exit 1
fi
