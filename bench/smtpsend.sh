#!/bin/sh
# bench/smtpsend.sh - part of make bench (bench/run.sh); alone:
#   sh bench/smtpsend.sh [RUNS]        (settings: bench/lib.sh)
# smtpsend next to msmtp, curl and BusyBox sendmail, and the raw baseline
# (bench/raw.c: the whole session's bytes pipelined, CRLF and dot-stuffed in
# advance), into Postfix's smtp-sink on loopback, which accepts and drops
# (so the figures are the client's, not a queue's disk):
#   SMTP one BENCH_BIG_MB (100) MB message
#   SMTP BENCH_SMALL (1,000) small messages, one process each
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SINK=/usr/sbin/smtp-sink
[ -x "$SINK" ] || { echo "bench: no $SINK (apt-get install postfix; sh bench/deps.sh)" >&2; exit 1; }
PORT=$(free_port)
if [ "$(id -u)" = 0 ]; then "$SINK" -u nobody "127.0.0.1:$PORT" 256 >/dev/null 2>&1 &
else "$SINK" "127.0.0.1:$PORT" 256 >/dev/null 2>&1 & fi
echo $! > "$T/sink.pid"
# shellcheck disable=SC2016 # run at the end
at_exit 'kill "$(cat "$T/sink.pid")"'
i=0
until /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$PORT" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "bench: smtp-sink did not start" >&2; exit 1; }; sleep 0.1
done

# the messages, and the raw transcripts: what a client sends for each
printf 'From: a@bench.test\nTo: b@bench.test\nSubject: small\n\nhello\n' > "$T/small"
mkmsg "$T/big" "$BIG_MB"
for m in small big; do
	/usr/bin/python3 - "$T/$m" > "$T/$m.raw" <<'EOP'
import sys
d = open(sys.argv[1], "rb").read().replace(b"\n", b"\r\n")
d = d.replace(b"\r\n.", b"\r\n..")
out = sys.stdout.buffer
out.write(b"EHLO bench.test\r\nMAIL FROM:<a@bench.test> SIZE=%d\r\nRCPT TO:<b@bench.test>\r\nDATA\r\n" % len(d))
out.write(d + b".\r\nQUIT\r\n")
EOP
done

ONE=$(printf 'SMTP one %s MB message' "$BIG_MB")
MANY=$(printf 'SMTP %s messages, one process each' "$(commas "$SMALL")")
# bench_TOOL CASE: one run of TOOL for CASE ($IN: the message, $N: runs)
bench_raw() { record "$1" raw -n "$N" -i "$IN.raw" "$RAW" 127.0.0.1 "$PORT"; }
bench_wirebox() {
	record "$1" wirebox -n "$N" -i "$IN" "$WB" smtpsend -S "127.0.0.1:$PORT" -f a@bench.test b@bench.test
}
# msmtp waits ~40 ms for the reply to each message's final "." (its last
# small write meets the server's delayed ACK): of many messages it sends a
# tenth, and the time counts ten times
bench_msmtp() {
	if [ "$N" -ge 100 ]; then set -- "$1" $((N / 10)) 10 "msmtp ($((N / 10)) runs, time x10)"
	else set -- "$1" "$N" 1 msmtp; fi
	SCALE=$3 record "$1" "$4" -n "$2" -i "$IN" msmtp --host=127.0.0.1 --port="$PORT" \
		--from=a@bench.test b@bench.test
}
bench_curl() {
	record "$1" curl -n "$N" -i "$IN" curl -q -s -S --crlf "smtp://127.0.0.1:$PORT" \
		--mail-from a@bench.test --mail-rcpt b@bench.test -T -
}
bench_busybox() {
	record "$1" busybox -n "$N" -i "$IN" "$BB" sendmail -S "127.0.0.1:$PORT" -f a@bench.test b@bench.test
}
TOOLS="raw wirebox"
for p in msmtp curl; do
	if have $p; then TOOLS="$TOOLS $p"
	else skip "$ONE" $p "not installed (sh bench/deps.sh)"; skip "$MANY" $p "not installed"; fi
done
if have_bb sendmail; then TOOLS="$TOOLS busybox"
else skip "$ONE" busybox "no BusyBox with sendmail (sh bench/deps.sh)"; skip "$MANY" busybox "no BusyBox sendmail"; fi

cat "$T/big" "$T/big.raw" > /dev/null
# shellcheck disable=SC2086 # the list of tools
IN=$T/big N=1 rounds "$ONE" $TOOLS
# shellcheck disable=SC2086
IN=$T/small N=$SMALL rounds "$MANY" $TOOLS
bench_done
