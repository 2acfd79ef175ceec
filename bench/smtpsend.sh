#!/bin/sh
# bench/smtpsend.sh - smtpsend next to msmtp, BusyBox sendmail and a raw
# socat push, into Postfix's smtp-sink on loopback (root: smtp-sink -u).
#   1. a 100 MB message (wall time; goal: within 5% of the raw push)
#   2. 1,000 small messages, one process each (goal: under 1.5 s)
#   3. peak RSS for 50 MB and 100 MB messages (goal: under 1 MiB)
# WIREBOX=path picks the binary (default ./wirebox); SIZE_MB=100, N=1000.
set -eu
cd "$(dirname "$0")/.."
W=${WIREBOX:-$PWD/wirebox}
MB=${SIZE_MB:-100}
N=${N:-1000}
D=$(mktemp -d /tmp/wirebox-bench.XXXXXX)
chmod 755 "$D"
SINK=""
cleanup() { [ -z "$SINK" ] || kill "$SINK" 2>/dev/null || :; rm -rf "$D"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/sbin/smtp-sink -u nobody 127.0.0.1:$PORT 256 >/dev/null 2>&1 &
SINK=$!
sleep 0.5

now() { date +%s.%N; }
secs() { /usr/bin/python3 -c "import sys; print('%.3f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
row() { printf '  %-28s %8s s %s\n' "$1" "$2" "${3:-}"; }
# seconds for a command, or "FAIL"
timeit() { t0=$(now); if "$@" >/dev/null 2>&1; then t1=$(now); secs "$t0" "$t1"; else echo FAIL; fi; }
# the best of $REPEAT runs (the machine may be shared)
best() { i=0 all=""; while [ $i -lt "${REPEAT:-3}" ]; do all="$all $(timeit "$@")"; i=$((i + 1)); done
	/usr/bin/python3 -c "import sys; v=[float(x) for x in sys.argv[1:] if x != 'FAIL']; print('%.3f' % min(v) if v else 'FAIL')" $all; }
BB=busybox
busybox sendmail --help 2>&1 | grep -q "applet not found" && BB=""

echo "== message: $MB MB, LF line ends, 80-byte lines"
/usr/bin/python3 -c 'import sys
n = int(sys.argv[1]) * 1024 * 1024 // 80
line = b"x" * 79 + b"\n"
out = sys.stdout.buffer
out.write(b"From: a@bench.test\nTo: b@bench.test\nSubject: bench\n\n")
for i in range(n // 1000):
    out.write(line * 1000)' "$MB" > "$D/big"
# the raw push: the same transcript, pre-stuffed, CRLF, one socat
/usr/bin/python3 -c 'import sys
d = open(sys.argv[1], "rb").read().replace(b"\n", b"\r\n")
sys.stdout.buffer.write(b"EHLO bench\r\nMAIL FROM:<a@bench.test> SIZE=%d\r\nRCPT TO:<b@bench.test>\r\nDATA\r\n" % len(d) + d + b".\r\nQUIT\r\n")' "$D/big" > "$D/raw"
cat "$D/big" "$D/raw" > /dev/null    # warm the page cache

[ -n "$BB" ] || echo "   (this busybox has no sendmail applet: skipped)"
echo "== 1. one $MB MB message (best of ${REPEAT:-3}; load: $(cut -d' ' -f1 /proc/loadavg))"
row "socat raw push" "$(best sh -c "socat -u OPEN:$D/raw TCP:127.0.0.1:$PORT")"
row "wirebox smtpsend" "$(best sh -c "$W smtpsend -S 127.0.0.1:$PORT b@bench.test < $D/big")"
row "wirebox smtpsend (pipe)" "$(best sh -c "cat $D/big | $W smtpsend -S 127.0.0.1:$PORT b@bench.test")"
[ -z "$BB" ] || row "busybox sendmail" "$(best sh -c "busybox sendmail -S 127.0.0.1:$PORT -f a@bench.test b@bench.test < $D/big")"
row "msmtp" "$(best sh -c "msmtp --host=127.0.0.1 --port=$PORT --from=a@bench.test b@bench.test < $D/big")"

echo "== 2. $N small messages, one process each"
printf 'From: a@bench.test\nTo: b@bench.test\nSubject: small\n\nhello\n' > "$D/small"
loop() { i=0; while [ $i -lt $N ]; do "$@" < "$D/small" >/dev/null 2>&1 || return 1; i=$((i + 1)); done; }
row "/bin/true (process cost)" "$(timeit loop /bin/true)"
row "wirebox smtpsend" "$(timeit loop $W smtpsend -S 127.0.0.1:$PORT -f a@bench.test b@bench.test)"
[ -z "$BB" ] || row "busybox sendmail" "$(timeit loop busybox sendmail -S 127.0.0.1:$PORT -f a@bench.test b@bench.test)"
if [ "${SKIP_MSMTP_LOOP:-}" ]; then row "msmtp" "skipped"
else row "msmtp" "$(timeit loop msmtp --host=127.0.0.1 --port=$PORT --from=a@bench.test b@bench.test)"; fi

echo "== 3. peak RSS (KiB, VmHWM)"
head -c $((50 * 1024 * 1024)) "$D/big" > "$D/big50"
# GNU time's wait4() figure when installed (exact even for short runs),
# else VmHWM polled by tests/smtp/rss.py
if [ -x /usr/bin/time ]; then
	rss() { /usr/bin/time -f %M -o "$D/rss" "$@" >/dev/null 2>&1 < "$IN"; tail -n 1 "$D/rss"; }
else
	rss() { /usr/bin/python3 tests/smtp/rss.py "$@" 3>&1 >/dev/null 2>&1 < "$IN"; }
fi
for IN in "$D/small" "$D/big50" "$D/big"; do
	printf '  %-10s smtpsend %6s   busybox %6s   msmtp %6s\n' "$(basename "$IN")" \
		"$(rss $W smtpsend -S 127.0.0.1:$PORT b@bench.test)" \
		"$([ -z "$BB" ] && echo n/a || rss busybox sendmail -S 127.0.0.1:$PORT -f a@bench.test b@bench.test)" \
		"$(rss msmtp --host=127.0.0.1 --port=$PORT --from=a@bench.test b@bench.test)"
done
