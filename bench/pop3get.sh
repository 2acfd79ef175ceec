#!/bin/sh
# bench/pop3get.sh - pop3get next to mpop (and BusyBox popmaildir when the
# installed busybox has it) on the same private Dovecot (tests/pop3/):
#   1. 1,000 small messages into a Maildir (fetch and delete)
#   2. one 100 MB message into a Maildir
# Prints wall time (best of $RUNS, default 3) and peak RSS per tool.
# WIREBOX=path picks the binary (default ./wirebox, else
# build/pop3get/wirebox; a static musl build shows the smallest RSS). OUTDIR=/dev/shm/x
# delivers to tmpfs, where fsync is free: the protocol and copy work alone.
set -eu
cd "$(dirname "$0")/.."
TOP=$PWD
WB=${WIREBOX:-}
[ -n "$WB" ] || for c in ./wirebox build/pop3get/wirebox; do [ -x "$c" ] && { WB=$TOP/$c; break; }; done
[ -x "$WB" ] || { echo "no wirebox binary (make first, or set WIREBOX)"; exit 1; }
RUNS=${RUNS:-3}
T=$(mktemp -d /tmp/wirebox-bench.XXXXXX)
# the delivery target: on disk (fsync costs what the disk makes it cost),
# or OUTDIR=/dev/shm/... on tmpfs to compare the protocol work alone
OUTDIR=${OUTDIR:-$T/out}
D=$T/dovecot
mkdir -p "$D"
trap 'sh tests/pop3/dovecot.sh stop "$D"; rm -rf "$T" "$OUTDIR"' EXIT
sh tests/pop3/dovecot.sh start "$D"
PORT=$(cat "$D/port")
/usr/bin/python3 tests/pop3/mkmsgs.py "$T/small" small 1000
/usr/bin/python3 tests/pop3/mkmsgs.py "$T/big" big 100
NEW=$D/home/alice/Maildir/new
IDS=$(stat -c %u:%g "$NEW")

# load SET: fill alice's mailbox from $T/SET (hard links are fine: Dovecot
# only reads, a deleted message only loses its link)
load() {
	rm -f "$NEW"/* "$D"/home/alice/Maildir/cur/* "$D"/home/alice/Maildir/dovecot*
	i=0
	for f in "$T/$1"/*; do
		i=$((i + 1)); ln "$f" "$NEW/1700000000.M${i}P1.bench" 2>/dev/null || cp "$f" "$NEW/1700000000.M${i}P1.bench"
	done
	chown -R "$IDS" "$NEW" "$T/$1" 2>/dev/null || :
}

# measure CMD...: "SECONDS RSS_KIB EXIT" of one run. A small static helper
# forks and execs (so the RSS is the tool's own, not a copy of a big parent)
# and samples VmHWM in /proc every millisecond: wait4's ru_maxrss reads 0
# for small static binaries on some kernels.
cat > "$T/rss.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
static long hwm(pid_t pid)
{
	char path[64], line[256];
	long kb = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = atol(line + 6);
	fclose(f);
	return kb;
}
int main(int argc, char **argv)
{
	struct timespec a, b, ms = { 0, 1000000 };
	struct rusage ru;
	long peak = 0, k;
	int st;
	pid_t pid;

	(void)argc;
	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((pid = fork()) == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	for (;;) {
		siginfo_t si;
		si.si_pid = 0;
		if ((k = hwm(pid)) > peak)
			peak = k;
		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid)
			break;
		nanosleep(&ms, NULL);
	}
	wait4(pid, &st, 0, &ru);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (ru.ru_maxrss > peak)
		peak = ru.ru_maxrss;
	printf("%.3f %ld %d\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
	       peak, WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	return 0;
}
C
musl-gcc -static -O2 -o "$T/rss" "$T/rss.c" 2>/dev/null || cc -O2 -o "$T/rss" "$T/rss.c"
measure() { "$T/rss" "$@"; }

bench() {
	name=$1 set=$2; shift 2
	best="" rss=""
	r=0
	while [ $r -lt "$RUNS" ]; do
		r=$((r + 1))
		load "$set"
		rm -rf "$OUTDIR" "$T/uidls"
		mkdir -p "$OUTDIR/new" "$OUTDIR/cur" "$OUTDIR/tmp"
		res=$(measure "$@")
		t=${res%% *} rest=${res#* } k=${rest%% *} rc=${rest#* }
		n=$(ls "$OUTDIR/new" 2>/dev/null | wc -l)
		[ "$rc" = 0 ] || echo "  ($name exited $rc)"
		if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t rss=$k; fi
	done
	printf '  %-22s %7ss  peak RSS %6s KiB  (%s messages stored)\n' "$name" "$best" "$rss" "$n"
}

# the floor: log in, send every RETR at once, read to the last "." (no storing)
cat > "$T/raw.py" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb", buffering=1 << 20)
f.readline()
s.sendall(b"USER alice\r\nPASS alice-secret\r\nSTAT\r\n")
f.readline(); f.readline()
n = int(f.readline().split()[1])
s.sendall(b"".join(b"RETR %d\r\n" % i for i in range(1, n + 1)))
for i in range(n):
    f.readline()
    while f.readline() != b".\r\n":
        pass
s.sendall(b"QUIT\r\n")
f.readline()
PY
export POP3_PASSWORD=alice-secret
for set in small big; do
	case $set in small) echo "1,000 small messages into a Maildir:" ;; big) echo "one 100 MB message into a Maildir:" ;; esac
	bench "raw pipelined RETRs" $set /usr/bin/python3 "$T/raw.py" "$PORT"
	bench pop3get $set "$WB" pop3get -S 127.0.0.1:$PORT -u alice -m "$OUTDIR"
	if command -v mpop >/dev/null 2>&1; then
		bench mpop $set mpop --host=127.0.0.1 --port="$PORT" --user=alice --auth=user \
			--tls=off --passwordeval="echo alice-secret" --keep=off --only-new=off \
			--uidls-file="$T/uidls" --delivery="maildir,$OUTDIR" --received-header=off --quiet
	else
		echo "  mpop: not installed (apt-get install mpop)"
	fi
	if busybox popmaildir --help >/dev/null 2>&1; then
		bench "busybox popmaildir" $set sh -c "printf 'alice\nalice-secret\n' | busybox popmaildir -s '$OUTDIR' -- nc 127.0.0.1 $PORT"
	else
		echo "  busybox popmaildir: not in the installed busybox"
	fi
done
