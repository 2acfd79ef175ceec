#!/bin/sh
# man.sh BUILD OUT OUTDIR - the man pages of a build, made from the very text
# its --help prints, so that they cannot drift from the binary:
#   wirebox.1, and for each applet and alias built: sntpc.8 ntpd.8
#   smtpsend.8 sendmail.8 msmtp.1 mailq.1 pop3get.1 (an alias whose help is
#   its applet's gets a ".so man8/APPLET.8" page; ntpd has its own help).
# The texts are the X_help[] constants of BUILD/applets.h (and wirebox_help
# of core/multicall.c); -fdata-sections gives each its own section
# .rodata.X_help in BUILD/obj/..., which $OBJCOPY copies out byte for byte:
# a cross build gets its pages without running the binary. LTO objects have
# no such sections: 'make man' then compiles the files that define the texts
# again with -fno-lto into BUILD/manobj/ and passes WB_MANOBJ=BUILD/manobj,
# where they are read instead of BUILD/obj. Only when no object has the
# section is the binary run (./OUT, never a PATH lookup), through $WB_RUN if
# set (e.g. WB_RUN=qemu-mipsel-static), for APPLET --help.
# The page date is SOURCE_DATE_EPOCH's, else BUILD/epoch.h's (reproducible).
# Pages of an earlier run (*.1 *.8 in OUTDIR) that this build has not are
# removed. Exit 1 with a one-line reason if OUT is older than its build's
# objects (run make first) or a help text cannot be had.
set -eu
[ $# = 3 ] || { echo "usage: sh scripts/man.sh BUILD OUT OUTDIR" >&2; exit 64; }
B=$1 OUT=$2 D=$3
OBJ=${WB_MANOBJ:-$B/obj}
# what runs OUT: a path, never a name looked up on PATH
case $OUT in */*) RUN=$OUT ;; *) RUN=./$OUT ;; esac
TOP=$(cd "$(dirname "$0")/.." && pwd)
OBJCOPY=${OBJCOPY:-objcopy}
die() { echo "man.sh: $*" >&2; exit 1; }

[ -f "$B/applets.h" ] || die "$B/applets.h: no build there (run make first)"
[ -f "$OUT" ] || die "$OUT: no binary (run make first)"
T=$(mktemp -d "${TMPDIR:-/tmp}/wirebox-man.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

# "NAME MAIN HELP ALIAS" for each entry of the build's applet table
sed -n 's/^APPLET("\([^"]*\)", *\([A-Za-z0-9_]*\), *\([A-Za-z0-9_]*\), *\([01]\),.*/\1 \2 \3 \4/p' \
	"$B/applets.h" > "$T/tab"
[ -s "$T/tab" ] || die "$B/applets.h: no applets"

for f in "$B/applets.h" "$B/config.h"; do
	[ ! "$f" -nt "$OUT" ] || die "$OUT is older than $f: run make first"
done

# the source of an applet (or alias): the file of its //applet: line
src_of() {
	f=$(grep -l "^//applet:$1 " "$TOP"/applets/*.c "$TOP"/applets/*/*.c 2>/dev/null | head -n 1)
	[ -n "$f" ] || die "no //applet:$1 line in applets/"
	echo "${f#"$TOP"/}"
}

# section SECTION OBJ OUT: copy SECTION's bytes; a host objcopy that does not
# know the object's machine (the CC= form of a cross build can name it) reads
# it as a generic ELF file of its class and byte order
section() {
	"$OBJCOPY" -O binary --only-section="$1" "$2" "$3" 2>"$T/err" && return 0
	set -- "$@" "$(od -An -tu1 -j4 -N2 "$2" | awk '{ print "elf" ($1 == 2 ? 64 : 32) "-" ($2 == 2 ? "big" : "little") }')"
	"$OBJCOPY" -I "$4" -O binary --only-section="$1" "$2" "$3" 2>/dev/null ||
		die "$OBJCOPY -O binary --only-section=$1 $2: $(head -n 1 "$T/err")"
}

# qemu_of FILE: the qemu-user that runs the ELF FILE (its e_machine, byte order)
qemu_of() {
	set -- $(od -An -tu1 -j4 -N2 "$1" 2>/dev/null) $(od -An -tu1 -j18 -N2 "$1" 2>/dev/null)
	[ $# = 4 ] || { echo qemu-ARCH-static; return; }
	if [ "$2" = 2 ]; then m=$(($3 * 256 + $4)); else m=$(($4 * 256 + $3)); fi
	case $m:$1:$2 in
	8:*:2) echo qemu-mips-static ;; 8:*:1) echo qemu-mipsel-static ;;
	40:*:2) echo qemu-armeb-static ;; 40:*) echo qemu-arm-static ;;
	183:*) echo qemu-aarch64-static ;; 62:*) echo qemu-x86_64-static ;; 3:*) echo qemu-i386-static ;;
	20:*) echo qemu-ppc-static ;; 21:*) echo qemu-ppc64-static ;; 243:*) echo qemu-riscv$((32 * $1))-static ;;
	*) echo "qemu-ARCH-static (e_machine $m)" ;;
	esac
}

# help VAR DIR OBJ NAME: the text of VAR into $T/VAR, from OBJ or another
# object of DIR; NAME is what to run for it if no object has it
help() {
	[ -f "$T/$1" ] && return 0
	for o in "$OBJ/$3" "$OBJ/$2"/*.o; do
		[ -f "$o" ] || continue
		# (make man keeps BUILD/manobj as fresh as the build's objects)
		[ -n "${WB_MANOBJ:-}" ] || [ ! "$o" -nt "$OUT" ] || die "$OUT is older than $o: run make first"
		section ".rodata.$1" "$o" "$T/$1.bin"
		if [ -s "$T/$1.bin" ]; then
			tr -d '\000' < "$T/$1.bin" > "$T/$1"
			return 0
		fi
	done
	# no section (LTO objects, or a compiler without -fdata-sections): run it
	if [ -z "${WB_RUN:-}" ] && ! "$RUN" --version >/dev/null 2>&1; then
		die "no section .rodata.$1 in $OBJ/$2/*.o and $OUT does not run here (set WB_RUN, e.g. WB_RUN=$(qemu_of "$OUT"))"
	fi
	if [ -z "$4" ]; then
		${WB_RUN:-} "$RUN" --help | sed '/^Applets: /,$d' > "$T/$1.run"
		# the blank line before "Applets:"
		sed '$d' "$T/$1.run" > "$T/$1"
	else
		${WB_RUN:-} "$RUN" "$4" --help > "$T/$1"
	fi
	[ -s "$T/$1" ] || die "$OUT $4 --help printed nothing"
}

# the section of a page: what a system administrator runs is in 8
sect() { case $1 in sntpc|ntpd|smtpsend|sendmail) echo 8 ;; *) echo 1 ;; esac; }

# the date
epoch=${SOURCE_DATE_EPOCH:-}
[ -n "$epoch" ] || epoch=$(sed -n 's/^#define WB_BUILD_EPOCH \([0-9]*\)LL$/\1/p' "$B/epoch.h" 2>/dev/null || :)
[ -n "$epoch" ] || epoch=$(date -u -r "$B/applets.h" +%s)
date=$(date -u -d "@$epoch" +%Y-%m-%d 2>/dev/null || date -u -r "$epoch" +%Y-%m-%d)

# --help text -> man(7). Usage lines -> SYNOPSIS; the prose after them ->
# DESCRIPTION; "  -x, --long ARG   text" lines (and their deeper indented
# continuations) -> OPTIONS as .TP entries; the lines from "Exit:" on ->
# EXIT STATUS. Nothing is left out or reworded but the "Usage:" and "Exit:"
# words: tests/build/man.sh compares the rendered page with --help.
# mode=summary prints only the one-line summary (escaped), for NAME lines.
CONVERT='
function esc(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); return s }
function guard(s) { return (s ~ /^[.\047]/) ? "\\&" s : s }
function tok(t, cmd,   pre, suf, v, e, c) {
	pre = suf = v = ""
	if (match(t, /^[\[(\047]+/)) { pre = substr(t, 1, RLENGTH); t = substr(t, RLENGTH + 1) }
	# trailing punctuation, but not the "]" of a "[" in the word (HOST[:PORT])
	while ((c = substr(t, length(t))) != "" && index("]),.|\047", c) &&
	       (c != "]" || gsub(/\[/, "[", t) < gsub(/\]/, "]", t))) {
		suf = c suf; t = substr(t, 1, length(t) - 1)
	}
	if (t == "") return esc(pre suf)
	if (t ~ /^-/) {
		if ((e = index(t, "=")) > 0) { v = substr(t, e); t = substr(t, 1, e - 1) }
		return esc(pre) "\\fB" esc(t) "\\fR" esc(v) esc(suf)
	}
	if (cmd && t !~ /^[A-Z]/) return esc(pre) "\\fB" esc(t) "\\fR" esc(suf)
	if (t ~ /[A-Z]/ && t !~ /[a-z]/) return esc(pre) "\\fI" esc(t) "\\fR" esc(suf)
	return esc(pre t suf)
}
function words(s, cmd,   n, w, i, r) {
	n = split(s, w, / /); r = ""
	for (i = 1; i <= n; i++) r = r (i > 1 ? " " : "") tok(w[i], cmd && i == 1)
	return guard(r)
}
function sh(name) { if (cur != name) { print ".SH " name; cur = name; list = pp = 0 } }
function prose(s) {
	if (list || pp) print ".PP"
	list = pp = 0
	sub(/^ +/, "", s); print guard(esc(s))
}
{ L[++n] = $0 }
END {
	# the title line "wirebox VERSION - SUMMARY", the usage lines, the
	# description (for the summary: its first sentence, up to "; " or " (")
	i = 1
	if (L[1] !~ /^[Uu]sage: / && (k = index(L[1], " - ")) > 0) { summary = substr(L[1], k + 3); i = 2 }
	while (i <= n && L[i] !~ /^[Uu]sage: /) i++
	if (i > n) { print "man.sh: " name ": no Usage: line in its help" > "/dev/stderr"; exit 1 }
	u = i
	for (i = u + 1; i <= n && L[i] ~ /^ +[^ -]/; i++) ;
	d = i
	if (summary == "") {
		for (s = ""; i <= n && L[i] != "" && L[i] !~ /^  -/ && L[i] !~ /^Exit:/; i++) s = s " " L[i]
		sub(/^ /, "", s)
		if (match(s, /\.( |$)/)) s = substr(s, 1, RSTART - 1)
		if (match(s, /; | \(/)) s = substr(s, 1, RSTART - 1)
		if (s ~ /^[A-Z][a-z]/) s = tolower(substr(s, 1, 1)) substr(s, 2)
		summary = s
	}
	if (mode == "summary") { print esc(summary); exit 0 }

	print ".\\\" " name "." sec ": made by scripts/man.sh from the text of \\(aq" cmd " \\-\\-help\\(aq; do not edit"
	print ".TH " toupper(name) " " sec " " date " \"wirebox " version "\" \"wirebox manual\""
	print ".nh"
	print ".SH NAME"
	print esc(names) " \\- " esc(summary)
	sh("SYNOPSIS")
	for (i = u; i < d; i++) {
		s = L[i]; sub(/^[Uu]sage: +/, "", s); sub(/^ +/, "", s)
		if (i > u) print ".br"
		print words(s, 1)
	}
	for (i = d; i <= n; i++) {
		s = L[i]
		if (s == "") { pp = 1; opt = 0; continue }
		if (s ~ /^  -/) {
			sh("OPTIONS")
			s = substr(s, 3)
			if ((k = index(s, "  ")) > 0) { t = substr(s, k); s = substr(s, 1, k - 1); sub(/^ +/, "", t) }
			else t = ""
			print ".TP"; print words(s, 0)
			if (t != "") print guard(esc(t))
			list = opt = 1; pp = 0
			continue
		}
		if (opt && s ~ /^   /) { sub(/^ +/, "", s); print guard(esc(s)); continue }
		opt = 0
		if (s ~ /^Exit: /) { sh("EXIT STATUS"); sub(/^Exit: +/, "", s) }
		else if (cur == "SYNOPSIS") sh("DESCRIPTION")
		prose(s)
	}
	if (extra != "") while ((getline s < extra) > 0) print s
	if (ENVIRON["SEEALSO"] != "") { print ".SH SEE ALSO"; print ENVIRON["SEEALSO"] }
}'

# page VAR NAME SECT NAMES SEEALSO [EXTRA [CMD]]: $T/VAR as the page of NAME;
# NAMES for its NAME line, SEEALSO in troff, EXTRA a file of troff for before
# SEE ALSO, CMD what the comment says it is the --help of
page() {
	SEEALSO=$5 awk -v name="$2" -v sec="$3" -v names="$4" -v extra="${6:-}" \
	    -v cmd="${7:-$2}" -v date="$date" -v version="$version" "$CONVERT" "$T/$1"
}
summary() { awk -v name="$2" -v mode=summary "$CONVERT" "$T/$1"; }
ref() { printf '\\fB%s\\fR(%s)' "$1" "$(sect "$1")"; }

mkdir -p "$T/out"
help wirebox_help core core/multicall.o ""
version=$(sed -n '1s/^wirebox \([^ ]*\) - .*/\1/p' "$T/wirebox_help")

# the applets (ALIAS 0), then the aliases
while read -r name main var alias; do
	src=$(src_of "$name")
	help "$var" "${src%/*}" "${src%.c}.o" "$name"
	printf '%s %s %s %s %s\n' "$name" "$main" "$var" "$alias" "$(sect "$name")"
done < "$T/tab" > "$T/tab2"
awk '$4 == 0' "$T/tab2" > "$T/tab"
awk '$4 == 1' "$T/tab2" >> "$T/tab"

# wirebox.1's APPLETS section: what --list prints, with summaries
{ printf '%s\n' ".SH APPLETS" "The names this build answers to (\\fBwirebox \\-\\-list\\fR);" \
	"installed, each is a link to wirebox:"
  while read -r name main var alias s; do
	printf '.TP\n%s\n' "$(ref "$name")"
	if [ "$alias" = 0 ]; then
		summary "$var" "$name"
	else
		of=$(awk -v m="$main" '$4 == 0 && $2 == m { print $1; exit }' "$T/tab")
		if [ "$(awk -v m="$main" '$4 == 0 && $2 == m { print $3; exit }' "$T/tab")" = "$var" ]; then
			printf 'alias of %s\n' "$(ref "$of")"
		else
			printf 'alias of %s: %s\n' "$(ref "$of")" "$(summary "$var" "$name")"
		fi
	fi
  done < "$T/tab"; } > "$T/applets.man"
see=$(while read -r name x; do ref "$name"; printf ',\n'; done < "$T/tab" | sed '$s/,$//' | tr '\n' ' ' | sed 's/ $//; s/ ,/,/g')
page wirebox_help wirebox 1 wirebox "$see" "$T/applets.man" wirebox > "$T/out/wirebox.1"

while read -r name main var alias s; do
	of=$(awk -v m="$main" '$4 == 0 && $2 == m { print $1; exit }' "$T/tab")
	ofvar=$(awk -v m="$main" '$4 == 0 && $2 == m { print $3; exit }' "$T/tab")
	if [ "$alias" = 1 ] && [ -n "$of" ] && [ "$var" = "$ofvar" ]; then
		# the same text: a link to the applet's page
		printf '.so man%s/%s.%s\n' "$(sect "$of")" "$of" "$(sect "$of")" > "$T/out/$name.$s"
		continue
	fi
	# NAME lists the names that show this page; SEE ALSO wirebox and the
	# pages of the same program under another name
	names=$name see="$(ref wirebox)"
	while read -r n2 m2 v2 a2 s2; do
		[ "$n2" != "$name" ] && [ "$m2" = "$main" ] || continue
		if [ "$v2" = "$var" ]; then names="$names, $n2"; else see="$see, $(ref "$n2")"; fi
	done < "$T/tab"
	page "$var" "$name" "$s" "$names" "$see" > "$T/out/$name.$s"
done < "$T/tab"

mkdir -p "$D"
rm -f "$D"/*.1 "$D"/*.8
cp "$T"/out/* "$D"/
