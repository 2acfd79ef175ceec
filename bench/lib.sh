#!/bin/sh
# bench/lib.sh - sourced by bench/smtpsend.sh, bench/pop3get.sh, bench/sntpc.sh
# (each one protocol of 'make bench', runnable alone) and bench/run.sh.
# Settings (environment):
#   BENCH_RUNS=N     rounds per case (default 5): every tool once per round,
#                    in an order rotated each round, so noise hits all of them
#   BENCH_SMALL=N    small messages per batch (default 1000)
#   BENCH_BIG_MB=N   size of the big message (default 100)
#   WIREBOX=path     the binary to measure (default build/bench/wb/wirebox,
#                    which bench/run.sh builds)
#   BUSYBOX=path     BusyBox with sendmail/popmaildir/ntpd (default
#                    build/compat/busybox, from tests/compat/busybox-build.sh)
#   BENCH_DISK=dir   the Maildir "on disk" (default build/bench/disk)
#   BENCH_DATA=file  where measurements are appended (bench/run.sh sets it);
#                    a script run alone writes build/bench/NAME.tsv afresh and
#                    prints its own table at the end (bench_done)
# One measurement is one line of BENCH_DATA, tab-separated:
#   CASE TOOL SECONDS RSS_KIB STATUS     (STATUS 0, an exit code, or "short")
# and a tool that cannot run there:  CASE TOOL - - "why"
# bench/report.sh makes the table from it.
# shellcheck disable=SC2034 # the settings are for the scripts that source this
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
B=$TOP/build/bench
RUNS=${BENCH_RUNS:-${1:-5}}
SMALL=${BENCH_SMALL:-1000}
BIG_MB=${BENCH_BIG_MB:-100}
WB=${WIREBOX:-$B/wb/wirebox}
BB=${BUSYBOX:-$TOP/build/compat/busybox}
DISK=${BENCH_DISK:-$B/disk}
DATA=${BENCH_DATA:-$B/$(basename "$0" .sh).tsv}
MEASURE=$B/measure RAW=$B/raw
case $WB in /*) ;; *) WB=$TOP/$WB ;; esac
case $BB in /*) ;; *) BB=$TOP/$BB ;; esac
# 1234567 -> 1,234,567
commas() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
# BENCH_LIB=settings: only the above (bench/run.sh)
[ "${BENCH_LIB:-}" != settings ] || return 0
mkdir -p "$B"
[ -n "${BENCH_DATA:-}" ] || rm -f "$DATA"

# the two helpers, static (a forked copy of a static measure is a few pages)
bench_tools() {
	for p in measure raw; do
		[ -x "$B/$p" ] && [ -z "$(find "bench/$p.c" -newer "$B/$p")" ] && continue
		if command -v musl-gcc >/dev/null 2>&1; then
			musl-gcc -static -O2 -std=c99 -Wall -Wextra -Werror -o "$B/$p" "bench/$p.c"
		else
			cc -O2 -std=c99 -Wall -Wextra -Werror -o "$B/$p" "bench/$p.c"
		fi
	done
}
bench_tools
[ -x "$WB" ] || { echo "bench: no wirebox at $WB (make bench builds it; or WIREBOX=path)" >&2; exit 1; }

# a scratch dir on tmpfs (inputs, the servers' mailboxes, the tmpfs Maildir):
# the servers' disks are not what is measured
T=$(mktemp -d /dev/shm/wirebox-bench.XXXXXX 2>/dev/null || mktemp -d /tmp/wirebox-bench.XXXXXX)
chmod 755 "$T"
BENCH_CLEANUP=""
at_exit() { BENCH_CLEANUP="$1
$BENCH_CLEANUP"; }
bench_cleanup() {
	printf '%s\n' "$BENCH_CLEANUP" | while IFS= read -r c; do
		[ -z "$c" ] || eval "$c" >/dev/null 2>&1 || :
	done
	rm -rf "$T"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
# the peers read no configuration of the user who runs the benchmark
export HOME="$T/home"
mkdir -p "$HOME"

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
have() { command -v "$1" >/dev/null 2>&1; }
# the BusyBox build has APPLET
have_bb() { [ -x "$BB" ] && "$BB" "$1" --help >/dev/null 2>&1; }

# record CASE TOOL [measure options] PROG ARGS...: one run, one line of DATA
# (SCALE=K record ...: the time times K, for a tool run K times less often)
record() {
	_c=$1 _t=$2; shift 2
	# shellcheck disable=SC2046 # three words: seconds, KiB, status
	set -- $("$MEASURE" "$@")
	[ "${SCALE:-1}" = 1 ] || set -- "$(awk -v s="$1" -v k="$SCALE" 'BEGIN { printf "%.6f", s * k }')" "$2" "$3"
	printf '%s\t%s\t%s\t%s\t%s\n' "$_c" "$_t" "$1" "$2" "$3" >> "$DATA"
	[ "$3" = 0 ] || echo "bench: $_c: $_t exited $3" >&2
}
# the last record was not a success after all (e.g. messages missing)
record_short() {
	sed -i '$ s/\t[^\t]*$/\tshort/' "$DATA"
	echo "bench: $1: $2: $3" >&2
}
# skip CASE TOOL WHY: the tool cannot be measured here
skip() { printf '%s\t%s\t-\t-\t%s\n' "$1" "$2" "$3" >> "$DATA"; }
# rotate R WORD...: the words, starting at number R mod their count
rotate() {
	_n=$(($1 % ($# - 1))); shift
	while [ "$_n" -gt 0 ]; do _x=$1; shift; set -- "$@" "$_x"; _n=$((_n - 1)); done
	echo "$@"
}
# rounds CASE TOOL...: RUNS rounds; in each, bench_TOOL CASE for every tool
rounds() {
	_case=$1; shift
	echo "bench: $_case ($RUNS rounds: $*)" >&2
	_round=0
	while [ "$_round" -lt "$RUNS" ]; do
		for _tool in $(rotate "$_round" "$@"); do "bench_$_tool" "$_case"; done
		_round=$((_round + 1))
	done
}
# mkmsg FILE MB: a message of MB MiB in 80-byte lines (LF), as a user's
# program would hand it to sendmail
mkmsg() {
	/usr/bin/python3 - "$1" "$2" <<'EOP'
import sys
n = int(float(sys.argv[2]) * 1024 * 1024) // 80
with open(sys.argv[1], "wb") as f:
    f.write(b"From: a@bench.test\nTo: b@bench.test\nSubject: bench\n\n")
    line = b"x" * 79 + b"\n"
    for i in range(0, n, 1000):
        f.write(line * min(1000, n - i))
EOP
}
# the end of a script: alone, its table
bench_done() { [ -n "${BENCH_DATA:-}" ] || sh bench/report.sh "$DATA"; }
