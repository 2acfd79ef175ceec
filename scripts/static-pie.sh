#!/bin/sh
# static-pie.sh CC [FLAGS...]: how this compiler links a static PIE, for
# CONFIG_HARDENING with STATIC=1 (the Makefile runs it). Prints one line:
#   -static-pie                  the compiler does it itself
#   LINKFLAGS... end:OBJECT...   a musl-gcc wrapper (Debian's musl-tools and
#                                its cross packages): its specs file ignores
#                                -static-pie and starts with Scrt1.o, so the
#                                link is spelled out: -nostartfiles, musl's
#                                rcrt1.o (self-relocating start) instead of
#                                Scrt1.o, ld's -static -pie --no-dynamic-linker
#                                -z text, the compiler's other crt objects
#                                (end:X: X goes after the libraries)
#   (nothing)                    no static PIE with this toolchain (no rcrt1.o,
#                                or the test link fails): the Makefile builds
#                                a static non-PIE binary with the rest on
# Each answer is checked by linking a small program with it.
set -u
[ $# -ge 1 ] || { echo "usage: static-pie.sh CC [FLAGS...]" >&2; exit 64; }
d=$(mktemp -d "${TMPDIR:-/tmp}/wb-spie.XXXXXX") || exit 0
trap 'rm -rf "$d"' EXIT HUP INT TERM
printf 'int main(void) { return 0; }\n' > "$d/t.c"
"$@" -fPIE -c -o "$d/t.o" "$d/t.c" >/dev/null 2>&1 || exit 0
ld_line() { "$@" -### "$d/t.o" -o "$d/t" 2>&1 | grep -E 'collect2|/ld[^/ ]* ' | tail -n 1 | tr -d '"'; }
# the compiler's own -static-pie: ld gets -static and -pie, no dynamic linker
l=$(ld_line "$@" -static-pie)
case " $l " in
*" -static "*" -pie "*|*" -static-pie "*|*" -pie "*" -static "*)
	case " $l " in *" -dynamic-linker "*) ;; *)
		if "$@" -static-pie -o "$d/t" "$d/t.o" >/dev/null 2>&1; then echo "-static-pie"; exit 0; fi ;;
	esac ;;
esac
# a wrapper whose specs ignore it: the crt objects of its normal (PIE) link
objs=$(ld_line "$@" | tr ' ' '\n' | grep -E '/(S?crt1|crti|crtbeginS|crtendS|crtn)\.o$')
s=$(echo "$objs" | grep -E '/S?crt1\.o$' | head -n 1)
[ -n "$s" ] && [ -f "${s%/*}/rcrt1.o" ] || exit 0
begin="${s%/*}/rcrt1.o $(echo "$objs" | grep -E '/(crti|crtbeginS)\.o$' | tr '\n' ' ')"
end=$(echo "$objs" | grep -E '/(crtendS|crtn)\.o$' | tr '\n' ' ')
flags="-nostartfiles -static -Wl,-pie,--no-dynamic-linker,-z,text"
# shellcheck disable=SC2086
"$@" $flags $begin "$d/t.o" $end -o "$d/t" >/dev/null 2>&1 || exit 0
echo "$flags" $begin $(for o in $end; do printf 'end:%s ' "$o"; done)
