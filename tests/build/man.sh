#!/bin/sh
# tests/build/man.sh - the man pages of scripts/man.sh (what 'make man' runs):
# made from the help texts in a build's objects, for defconfig, full_defconfig
# without TLS, tiny_defconfig (and full_defconfig with the system's mbedTLS),
# they
#   - give every name 'wirebox --list' gives (and wirebox) a page, and no more;
#   - say, rendered back to text, word for word what 'APPLET --help' prints
#     (an alias with its applet's help is a .so link to the applet's page);
#   - lose an option whose feature is compiled out (tiny: no sntpc -d, no
#     ntpd page) as --help does;
#   - render without groff (or mandoc -Tlint) warnings; are reproducible
#     (SOURCE_DATE_EPOCH); man.sh refuses a binary older than its objects;
#   - are the same from a big-endian mips build (objcopy, not running it)
#     when a mips cross compiler is installed, and from LTO objects (no help
#     sections: it runs ./OUT instead; 'make man'/'make install' of a mipsel
#     LTO build compile the texts again with -fno-lto: the same pages).
# Needs groff (Debian: groff-base); mandoc is used when installed.
. "$(dirname "$0")/../lib.sh"
cd "$TOP"
BR=${BUILDROOT:-build}
MAKE=${MAKE:-make}

command -v groff >/dev/null 2>&1 || { fail "groff installed (apt-get install groff-base)"; finish; exit 1; }

# build NAME CONFIG [make args]: a build of its own in $BR/man-NAME
build() {
	d=$BR/man-$1 cfg=$2; shift 2
	mkdir -p "$d"
	if ! cmp -s "$cfg" "$d/.config.src" 2>/dev/null; then
		cp "$cfg" "$d/.config" && cp "$cfg" "$d/.config.src"
		$MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" olddefconfig >/dev/null
	fi
	$MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" OUT="$d/wirebox" "$@" >"$T_DIR/build.log" 2>&1 ||
		{ tail -n 20 "$T_DIR/build.log"; return 1; }
}

# words FILE: the text as one line of words
words() { tr -s ' \t\n' '   ' < "$1" | sed 's/^ //; s/ $//'; }

# rendered PAGE: the page as text, from SYNOPSIS up to APPLETS or SEE ALSO,
# without the headings (what --help says, the page's layout aside)
rendered() {
	groff -man -Tascii -rLL=2000n -P-cbu "$1" 2>/dev/null |
		awk '/^SYNOPSIS$/ { on = 1; next } /^(APPLETS|SEE ALSO)$/ { on = 0 } on && /^ /'
}

# helptext NAME: NAME's --help from its Usage line on, without the words
# "Usage:" and "Exit:" (the page's section headings); NAME "" for wirebox
helptext() {
	if [ -z "$1" ]; then "$WBX" --help | sed '/^Applets: /,$d'; else "$WBX" "$1" --help; fi |
		awk '/^[Uu]sage: / { on = 1 } on' | sed 's/^[Uu]sage: //; s/^Exit: //'
}

sect() { case $1 in sntpc|ntpd|smtpsend|sendmail) echo 8 ;; *) echo 1 ;; esac; }

# check NAME OUTDIR: the pages of build NAME
check() {
	b=$1 M=$2 WBX=$BR/man-$1/wirebox
	"$WBX" --list | cut -d' ' -f1 > "$T_DIR/names"
	echo wirebox >> "$T_DIR/names"
	ok=1
	while read -r n; do
		[ -f "$M/$n.$(sect "$n")" ] || { ok=0; echo "# $b: no page $n.$(sect "$n")"; }
	done < "$T_DIR/names"
	t_true "$b: every name of --list has a page, in its section" [ $ok = 1 ]
	t_true "$b: no page of a name the build has not" \
		[ "$(ls "$M" | wc -l)" = "$(wc -l < "$T_DIR/names")" ]
	# a tree as installed (MANDIR/man1, man8): .so links resolve from its root
	rm -rf "$T_DIR/tree"; mkdir -p "$T_DIR/tree/man1" "$T_DIR/tree/man8"
	cp "$M"/*.1 "$T_DIR/tree/man1/"; cp "$M"/*.8 "$T_DIR/tree/man8/" 2>/dev/null || :
	while read -r n; do
		s=$(sect "$n") p=$M/$n.$(sect "$n")
		[ -f "$p" ] || continue
		if grep -q '^\.so ' "$p"; then
			of=$("$WBX" --list | sed -n "s/^$n (alias of \(.*\))\$/\1/p")
			t_true "$b: $n.$s is '.so man$(sect "$of")/$of.$(sect "$of")', the page of its applet" \
				[ "$(cat "$p")" = ".so man$(sect "$of")/$of.$(sect "$of")" ]
			"$WBX" "$n" --help > "$T_DIR/h1"; "$WBX" "$of" --help > "$T_DIR/h2"
			t_true "$b: and $n --help is $of --help" cmp -s "$T_DIR/h1" "$T_DIR/h2"
			(cd "$T_DIR/tree" && groff -man -Tascii -P-cbu "man$s/$n.$s") > "$T_DIR/so.txt" 2>&1
			t_grep "$b: $n.$s renders $of's page" "^$(echo "$of" | tr a-z A-Z)\\($(sect "$of")\\)" "$T_DIR/so.txt"
			continue
		fi
		helptext "$([ "$n" = wirebox ] || echo "$n")" > "$T_DIR/help"
		rendered "$p" > "$T_DIR/page"
		if [ "$(words "$T_DIR/page")" = "$(words "$T_DIR/help")" ]; then
			pass "$b: $n.$s says what '$n --help' says, word for word"
		else
			words "$T_DIR/help" | tr ' ' '\n' > "$T_DIR/hw"; words "$T_DIR/page" | tr ' ' '\n' > "$T_DIR/pw"
			fail "$b: $n.$s says what '$n --help' says, word for word" \
				"$(diff "$T_DIR/hw" "$T_DIR/pw" | head -n 8 | tr '\n' '|')"
		fi
		# every option line of --help is an OPTIONS entry (.TP)
		grep -c '^  -' "$T_DIR/help" > "$T_DIR/nopt" || :
		t_true "$b: $n.$s has one .TP entry per option line of --help" \
			[ "$(grep -c '^\.TP' "$p")" -ge "$(cat "$T_DIR/nopt")" ]
	done < "$T_DIR/names"
	(cd "$T_DIR/tree" && for p in man1/* man8/*; do
		[ -f "$p" ] || continue
		groff -man -Tutf8 -ww -z "$p" 2>&1 | sed "s|^|$p: |"
	done) > "$T_DIR/warn" 2>&1
	t_true "$b: groff -ww: no warnings $(head -c 300 "$T_DIR/warn" | tr '\n' '|')" [ ! -s "$T_DIR/warn" ]
	if command -v mandoc >/dev/null 2>&1; then
		(cd "$T_DIR/tree" && for p in man1/* man8/*; do
			[ -f "$p" ] && mandoc -Tlint "$p" 2>&1
		done) | grep -v '\.so is fragile' > "$T_DIR/lint" || :
		t_true "$b: mandoc -Tlint: nothing but '.so is fragile' $(head -c 300 "$T_DIR/lint" | tr '\n' '|')" \
			[ ! -s "$T_DIR/lint" ]
	fi
}

{ cat configs/full_defconfig; echo "# CONFIG_TLS is not set"; } > "$T_DIR/full.cfg"
BUILDS="default:configs/defconfig full:$T_DIR/full.cfg tiny:configs/tiny_defconfig"
# the TLS options (TLS_OPTS lines) too, when the system's mbedTLS is there
[ ! -f /usr/include/mbedtls/version.h ] || BUILDS="$BUILDS tls:configs/full_defconfig"
for b in $BUILDS; do
	name=${b%%:*} cfg=${b#*:}
	if ! build "$name" "$cfg"; then fail "$name builds"; continue; fi
	t_exit 0 "$name: man.sh writes the pages" sh scripts/man.sh "$BR/man-$name" "$BR/man-$name/wirebox" "$T_DIR/$name"
	[ -f "$T_DIR/$name/wirebox.1" ] || continue
	check "$name" "$T_DIR/$name"
done

# a feature compiled out leaves the page as it leaves --help
F=$T_DIR/full Y=$T_DIR/tiny
if [ -f "$F/sntpc.8" ] && [ -f "$Y/sntpc.8" ]; then
	t_grep "full: sntpc.8 has -d (CONFIG_SNTPC_DAEMON)" '^\\fB\\-d\\fR$' "$F/sntpc.8"
	t_nogrep "tiny (no CONFIG_SNTPC_DAEMON): sntpc.8 has no -d" '^\\fB\\-d\\fR$' "$Y/sntpc.8"
	t_nogrep "tiny: sntpc.8 has no --status exit codes either" 'wait\\-sync' "$Y/sntpc.8"
	t_true "full: ntpd.8 is a page of its own (its own help)" grep -q '^\.TH NTPD 8 ' "$F/ntpd.8"
	t_true "tiny (no CONFIG_SNTPC_NTPD): no ntpd.8, no msmtp.1, no mailq.1" \
		[ ! -e "$Y/ntpd.8" ] && [ ! -e "$Y/msmtp.1" ] && [ ! -e "$Y/mailq.1" ]
	t_true "tiny: sendmail.8 (the alias it has)" [ -f "$Y/sendmail.8" ]
	t_grep "full (CONFIG_INSTALLER): wirebox.1 has --install" 'fB\\-\\-install' "$F/wirebox.1"
	t_nogrep "tiny (no CONFIG_INSTALLER): wirebox.1 has no --install" '\\-\\-install' "$Y/wirebox.1"
	t_grep "full: wirebox.1 names the aliases with their applets" '^alias of \\fBsmtpsend\\fR\(8\)$' "$F/wirebox.1"
	t_nogrep "tiny: smtpsend.8 has no queue options (CONFIG_SMTPSEND_QUEUE off)" 'queue' "$Y/smtpsend.8"
	t_grep "tiny: smtpsend.8's NAME line has sendmail" '^smtpsend, sendmail \\- ' "$Y/smtpsend.8"
fi

D=$BR/man-default
if [ -f "$D/wirebox" ]; then
	# reproducible: the date is SOURCE_DATE_EPOCH's, the same pages twice
	t_exit 0 "man.sh with SOURCE_DATE_EPOCH=86400" env SOURCE_DATE_EPOCH=86400 sh scripts/man.sh "$D" "$D/wirebox" "$T_DIR/r1"
	SOURCE_DATE_EPOCH=86400 sh scripts/man.sh "$D" "$D/wirebox" "$T_DIR/r2" 2>/dev/null
	t_grep "the date is SOURCE_DATE_EPOCH's" '^\.TH SNTPC 8 1970-01-02 "wirebox ' "$T_DIR/r1/sntpc.8"
	t_true "the same pages twice" diff -r "$T_DIR/r1" "$T_DIR/r2"
	t_grep "without it: the build's date (epoch.h)" "^\\.TH SNTPC 8 $(date -u -d "@$(sed -n 's/^#define WB_BUILD_EPOCH \([0-9]*\)LL$/\1/p' "$D/epoch.h")" +%Y-%m-%d) " \
		"$T_DIR/default/sntpc.8"
	# pages of another build in the same OUTDIR go
	t_exit 0 "man.sh over the tiny pages" sh scripts/man.sh "$D" "$D/wirebox" "$Y"
	t_true "the tiny pages are replaced (ntpd.8 now; no stale page)" diff -r "$T_DIR/default" "$Y"
	# a binary older than its objects: make was not run
	touch -d @86400 "$D/wirebox"
	t_exit 1 "man.sh refuses a binary older than its objects" sh scripts/man.sh "$D" "$D/wirebox" "$T_DIR/stale"
	t_grep "and says to run make" 'older than .*run make first' "$T_DIR/err"
	touch "$D/wirebox"
	t_exit 64 "man.sh without its three arguments: usage" sh scripts/man.sh "$D"
fi

# LTO objects have no .rodata.X_help sections: the binary is run instead
L=$BR/man-lto
if [ -f "$D/wirebox" ] && build lto configs/defconfig CFLAGS="-flto" LDFLAGS="-flto" WERROR=0; then
	objcopy -O binary --only-section=.rodata.sntpc_help "$L/obj/applets/sntpc/sntpc.o" "$T_DIR/lto.bin" 2>/dev/null || :
	if [ -s "$T_DIR/lto.bin" ]; then
		echo "# this compiler's LTO objects keep the help sections: running the binary not tested"
	else
		t_exit 0 "LTO objects (no help sections): man.sh runs the binary for the texts" \
			sh scripts/man.sh "$L" "$L/wirebox" "$T_DIR/lto"
		t_true "and writes the same pages" diff -r "$T_DIR/default" "$T_DIR/lto"
	fi
else
	echo "# no LTO build here: running the binary for the texts not tested"
fi

# OUT without a slash: man.sh runs ./OUT, never a wirebox found on PATH
if [ -f "$L/wirebox" ] && [ ! -s "$T_DIR/lto.bin" ]; then
	mkdir -p "$T_DIR/ns" "$T_DIR/nsbin"
	cp "$L/wirebox" "$T_DIR/ns/wirebox"
	printf '#!/bin/sh\necho "wrong wirebox" > %s/ran; exit 1\n' "$T_DIR" > "$T_DIR/nsbin/wirebox"
	chmod +x "$T_DIR/nsbin/wirebox"
	(cd "$T_DIR/ns" && PATH="$T_DIR/nsbin:$PATH" sh "$TOP/scripts/man.sh" "$TOP/$L" wirebox "$T_DIR/nsman") 2>"$T_DIR/err"
	rc=$?
	if [ $rc = 0 ] && [ ! -e "$T_DIR/ran" ] && diff -r "$T_DIR/default" "$T_DIR/nsman" >/dev/null; then
		pass "man.sh BUILD wirebox (no slash) runs ./wirebox, not the wirebox on PATH"
	else fail "man.sh with OUT=wirebox runs ./wirebox" "rc $rc: $(cat "$T_DIR/ran" 2>/dev/null) $(head -c 300 "$T_DIR/err")"; fi
fi

# a cross LTO build as OpenWrt's CONFIG_USE_LTO makes it: make man (and
# install) compile the help texts' sources again with -fno-lto, the pages
# are exact; man.sh alone names the right qemu for the binary
if command -v mipsel-linux-musl-gcc >/dev/null 2>&1 && [ -f "$D/wirebox" ]; then
	X=$BR/man-ltox
	if build ltox configs/defconfig CROSS_COMPILE=mipsel-linux-musl- STATIC=1 WERROR=0 \
	    CFLAGS="-flto=auto -fno-fat-lto-objects" LDFLAGS="-flto=auto -fuse-linker-plugin"; then
		cp "$D/epoch.h" "$X/epoch.h"   # the same date as the native pages
		$MAKE -s BUILD="$X" KCONFIG_CONFIG="$X/.config" OUT="$X/wirebox" install DESTDIR="$T_DIR/rx" PREFIX=/usr \
			>"$T_DIR/out" 2>"$T_DIR/err"
		rc=$?
		if [ $rc = 0 ] && diff -r "$T_DIR/default" "$X/man" >/dev/null &&
		   [ -f "$T_DIR/rx/usr/share/man/man8/sntpc.8" ]; then
			pass "mipsel LTO build: make install makes and installs the native build's pages exactly"
		else fail "mipsel LTO build: make install with exact pages" "rc $rc: $(head -c 300 "$T_DIR/err") $(diff -r "$T_DIR/default" "$X/man" 2>&1 | head -n 3 | tr '\n' '|')"; fi
		if ! "$X/wirebox" --version >/dev/null 2>&1; then   # (no binfmt_misc for it)
			sh scripts/man.sh "$X" "$X/wirebox" "$T_DIR/xm" 2>"$T_DIR/err"
			rc=$?
			if [ $rc = 1 ] && grep -q 'WB_RUN=qemu-mipsel-static' "$T_DIR/err" && [ "$(wc -l < "$T_DIR/err")" = 1 ]; then
				pass "man.sh on mipsel LTO objects alone: one line naming WB_RUN=qemu-mipsel-static"
			else fail "man.sh's WB_RUN hint names qemu-mipsel-static" "rc $rc: $(head -c 300 "$T_DIR/err")"; fi
		fi
	else
		fail "mipsel LTO defconfig builds"
	fi
else
	echo "# no mipsel-linux-musl-gcc: the cross LTO build not tested"
fi

# a big-endian mips build: the pages from its objects, without running it
pfx=""
if [ -f toolchain/cross.sh ]; then pfx=$(sh toolchain/cross.sh cc mips 2>/dev/null || :); fi
if [ -n "$pfx" ] && command -v "${pfx}gcc" >/dev/null 2>&1 && [ -f "$D/wirebox" ]; then
	if build mips configs/defconfig CROSS_COMPILE="$pfx" STATIC=1; then
		t_true "the mips build is big-endian MIPS" sh -c "file '$BR/man-mips/wirebox' | grep -q 'MSB.*MIPS'"
		oc=${pfx}objcopy
		command -v "$oc" >/dev/null 2>&1 || oc=$("${pfx}gcc" -print-prog-name=objcopy)
		t_exit 0 "mips: man.sh with $oc" env OBJCOPY="$oc" sh scripts/man.sh "$BR/man-mips" "$BR/man-mips/wirebox" "$T_DIR/mips"
		t_true "mips: the pages are the native build's" diff -r "$T_DIR/default" "$T_DIR/mips"
		t_exit 0 "mips: man.sh with the host's objcopy (generic ELF)" env OBJCOPY=objcopy sh scripts/man.sh "$BR/man-mips" "$BR/man-mips/wirebox" "$T_DIR/mips2"
		t_true "mips, host objcopy: the same pages" diff -r "$T_DIR/default" "$T_DIR/mips2"
	else
		fail "mips defconfig builds with CROSS_COMPILE=$pfx"
	fi
else
	echo "# no mips cross compiler (sh toolchain/cross.sh install mips): big-endian objects not tested"
fi

# make man (the Makefile's hook): the same pages in BUILD/man
if grep -q '^man:' Makefile && [ -f "$D/wirebox" ]; then
	t_exit 0 "make man" $MAKE -s BUILD="$D" KCONFIG_CONFIG="$D/.config" OUT="$D/wirebox" man
	t_true "make man writes BUILD/man, the pages of man.sh" diff -r "$T_DIR/default" "$D/man"
fi
finish
