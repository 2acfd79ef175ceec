#!/bin/sh
# bench/run.sh - make bench: wirebox next to its peers, on this machine.
#   make bench [BENCH_RUNS=N] [WIREBOX=path] [BENCH_SIZE=0] [BENCH_README=1]
# 1. bench/deps.sh: the servers and peers, installed when missing
# 2. wirebox: WIREBOX=path, or a static musl build of full_defconfig with
#    TLS off (nothing here measures TLS) in build/bench/wb
# 3. its static sizes: make size STATIC=1 FORMAT=md for tiny_defconfig,
#    defconfig and full_defconfig (TLS on); BENCH_SIZE=0 skips them
# 4. bench/smtpsend.sh, bench/pop3get.sh, bench/sntpc.sh, each in a private
#    network namespace (tests/isolated.sh: loopback only, port 123 free)
# 5. bench/report.sh: build/bench/results.md, printed; with BENCH_README=1
#    bench/readme.sh puts it into README.md's "## Benchmarks" section
# Settings for the measurements: bench/lib.sh. Takes about 6 minutes on a
# 2-core machine at the default 5 rounds.
set -eu
# shellcheck source=bench/lib.sh
BENCH_LIB=settings . "$(dirname "$0")/lib.sh"
MAKE=${MAKE:-make}
START=$(date +%s)
mkdir -p "$B"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
sh bench/deps.sh || echo "bench: carrying on without what is missing" >&2

if [ -z "${WIREBOX:-}" ]; then
	d=$B/wb
	mkdir -p "$d"
	{ cat configs/full_defconfig; echo "# CONFIG_TLS is not set"; } > "$d/.config"
	echo "bench: building wirebox (static musl, full_defconfig, TLS off) in $d" >&2
	$MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" olddefconfig
	$MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" OUT="$d/wirebox" STATIC=1
	WIREBOX=$d/wirebox
	WB_KIND="static musl, full_defconfig with TLS off"
else
	case $WIREBOX in /*) ;; *) WIREBOX=$TOP/$WIREBOX ;; esac
	WB_KIND="WIREBOX=$WIREBOX: $(file -b "$WIREBOX" | cut -d, -f1,2,4-5)"
fi
export WIREBOX
strip -o "$B/wirebox.stripped" "$WIREBOX" 2>/dev/null || cp "$WIREBOX" "$B/wirebox.stripped"
WB_BYTES=$(wc -c < "$B/wirebox.stripped" | tr -d ' ')

rm -f "$B/size.md"
if [ "${BENCH_SIZE:-1}" != 0 ]; then
	echo "bench: make size STATIC=1 (tiny_defconfig, defconfig, full_defconfig)" >&2
	SIZE_BUILDS="tiny defconfig full" $MAKE -s size STATIC=1 FORMAT=md > "$B/size.md" ||
		echo "bench: make size failed (see above); sizes left out" >&2
fi

DATA=$B/data.tsv
rm -f "$DATA"
export BENCH_DATA="$DATA"
for s in smtpsend pop3get sntpc; do
	sh tests/isolated.sh "bench/$s.sh" || echo "bench: bench/$s.sh failed; its rows are missing or short" >&2
done

# the header: when, what, where
v() { "$@" 2>&1 | head -n 1 | sed 's/ *(.*//; s/ version / /'; }
fs() { findmnt -n -o FSTYPE -T "$1" 2>/dev/null | head -n 1 || stat -f -c %T "$1"; }
SECS=$(($(date +%s) - START))
REV=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || REV="$REV (with uncommitted changes)"
mkdir -p "$DISK"
{
	echo "\`make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $REV; $RUNS rounds, each figure the median [min–max] of the runs; the whole took $((SECS / 60)) min $((SECS % 60)) s."
	echo
	echo "- machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores, $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r); load average at the start $LOAD"
	echo "- Maildir on disk: $(fs "$DISK") (${DISK#"$TOP"/}); on tmpfs: $(fs /dev/shm) (/dev/shm); inputs and the servers' mailboxes on tmpfs"
	echo "- wirebox: $WB_KIND, $(commas "$WB_BYTES") bytes stripped"
	echo "- peers: $(v msmtp --version), $(v mpop --version), $(v curl --version), $(v "$BB" sendmail --help | sed 's/^BusyBox v/BusyBox /') (Debian's source with sendmail, popmaildir, ntpd: tests/compat/busybox-build.sh), ntpdig $(v ntpdig --version | sed 's/.* //'), $(chronyd --version 2>/dev/null | sed -n '1s/.*version \([^ ]*\).*/chronyd \1/p')"
	echo "- servers, on loopback in a private network namespace: Postfix's smtp-sink (accepts and drops), Dovecot $(dovecot --version 2>/dev/null | cut -d' ' -f1) (tests/pop3/dovecot.sh), chronyd -x (tests/sntp/chronyd.sh)"
	echo "- raw: bench/raw.c sends the session's bytes (CRLF, dot-stuffed) with every command pipelined and reads all replies, storing nothing; for SMTP one process per message as for the tools"
	echo "- time: wall time of the tool's own process from fork to exit (bench/measure.c: fork, exec, wait4; no shell or wrapper); RSS: its peak (VmHWM at exit)"
	echo "- POP3: fetch and delete; wirebox and mpop fsync each message, curl and BusyBox do not (curl fetches only, into plain files); BusyBox popmaildir connects through \`busybox nc\`, timed with it"
	echo "- SMTP: msmtp waits ~40 ms per message for the reply to its final \".\" (delayed ACK), so for many messages it sends a tenth and its time is multiplied by ten"
	echo "- SNTP: no client can set the clock (no CAP_SYS_TIME); chronyd -Q takes one sample, BusyBox ntpd -q waits for its own"
} > "$B/info.md"
{
	echo "## Speed and memory"
	echo
	sh bench/report.sh "$DATA" "$B/info.md"
	if [ -s "$B/size.md" ]; then
		echo
		echo "## Static sizes"
		echo
		sed -n '/^Stripped/,/^$/p; /^|/p' "$B/size.md"
	fi
} > "$B/results.md"
cat "$B/results.md"
[ "${BENCH_README:-}" != 1 ] || sh bench/readme.sh "$B/results.md"
echo "bench: written to build/bench/results.md ($((SECS / 60)) min $((SECS % 60)) s)" >&2
