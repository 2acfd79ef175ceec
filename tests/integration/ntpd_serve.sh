#!/bin/sh
# tests/integration/ntpd_serve.sh - sntpc -d --serve (ntpd -l): the LAN
# time server answered to wirebox's own sntpc, to chrony (chronyd -Q) and to
# a raw python client (modes 6/7, sizes, a flood and its RATE kiss), bound
# to an interface; and the sync status file with --status and --wait-sync.
# The daemon runs without CAP_SYS_TIME under the clock shim (its clock calls
# blocked and logged), in real time: the shim speeds up only sleeps without
# descriptors, and the server sleeps in poll() on its socket.
# Needs: util-linux (setpriv), python3, cc, chrony.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/sntp/common.sh"
. "$TOP/tests/sntp/chronyd.sh"

SP=$(free_port udp)             # the server's port
ST=$T_DIR/status                # the daemon's status file
# wait_file FILE: up to 5 s for it to exist (non-empty)
wait_file() { i=0; while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done; }
# dstart ARGS: sntpc -d --serve on $SP in the background (at most 60 s),
# DPID its pid (DJOB timeout's), once its status file is written (the
# socket is open by then)
dstart() {
	rm -f "$ST" "$T_DIR/pid"
	timeout 60 env CLOCKSHIM_LOG="$SLOG" LD_PRELOAD="$SHIM" \
		setpriv --bounding-set -sys_time --inh-caps -sys_time "$WB" sntpc -d --poll 16,16 \
		--pidfile "$T_DIR/pid" --serve --serve-port "$SP" --status-file "$ST" "$@" \
		>"$T_DIR/dout" 2>"$T_DIR/derr" &
	DJOB=$!
	at_exit "kill $DJOB"
	wait_file "$ST"
	DPID=$(cat "$T_DIR/pid" 2>/dev/null)
}
dstop() { kill "$DPID" 2>/dev/null; wait "$DJOB" 2>/dev/null; }

# q.py CMD [SRC]: a raw NTP client of 127.0.0.1:$SP from the address SRC
cat >"$T_DIR/q.py" <<'EOP'
import socket, struct, sys, time
port, cmd = int(sys.argv[1]), sys.argv[2]
src = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
def req(mode=3, vn=4, n=48):
    b = bytearray(n); b[0] = vn << 3 | mode; b[2] = 6
    if n >= 48:
        b[40:48] = struct.pack("!Q", 0x0123456789abcdef)
    return bytes(b)
def recv(t):
    s.settimeout(t)
    try:
        return s.recv(2048)
    except socket.timeout:
        return None
def fields(d):
    return "len=%d li=%d mode=%d stratum=%d refid=%s org=%s" % (len(d), d[0] >> 6, d[0] & 7, d[1],
        socket.inet_ntoa(d[12:16]) if d[1] else d[12:16].decode("ascii", "replace"),
        "ok" if d[24:32] == struct.pack("!Q", 0x0123456789abcdef) else "bad")
if cmd == "one":                # one client request: its answer's fields
    s.sendto(req(), ("127.0.0.1", port)); d = recv(1)
    print(fields(d) if d else "none")
elif cmd in ("mode6", "mode7", "mode1", "v5", "short"):
    m = {"mode6": (6, 2, 12), "mode7": (7, 2, 48), "mode1": (1, 4, 48), "v5": (3, 5, 48),
         "short": (3, 4, 47)}[cmd]
    s.sendto(req(*m), ("127.0.0.1", port)); d = recv(1)
    print("none" if d is None else "len=%d" % len(d))
elif cmd == "ext":              # 48 bytes + a 20-byte extension field: 48 back
    s.sendto(req() + struct.pack("!HH", 0x0104, 20) + bytes(16), ("127.0.0.1", port)); d = recv(1)
    print("none" if d is None else fields(d))
elif cmd == "flood":            # 50 requests in 1 s: answers, RATE kisses, other
    ok = kod = other = 0
    for i in range(50):
        s.sendto(req(), ("127.0.0.1", port)); time.sleep(0.02)
    end = time.time() + 1
    while time.time() < end:
        d = recv(max(end - time.time(), 0.01))
        if d is None:
            break
        if len(d) == 48 and d[1] == 0 and d[12:16] == b"RATE" and d[0] >> 6 == 3:
            kod += 1
        elif len(d) == 48 and d[1] != 0:
            ok += 1
        else:
            other += 1
    print("ok=%d kod=%d other=%d" % (ok, kod, other))
EOP
q() { /usr/bin/python3 "$T_DIR/q.py" "$SP" "$@"; }
# chrony as a client of our server: its -Q line, or nothing
chrony_q() {
	cat >"$T_DIR/cq.conf" <<EOC
server 127.0.0.1 port $SP iburst
port 0
cmdport 0
bindcmdaddress /
pidfile $T_DIR/cq.pid
EOC
	nocap timeout 15 "$CHRONYD" -Q -t "$1" -f "$T_DIR/cq.conf" 2>&1 | grep "System clock wrong" || :
}

# ---- usage and start-up errors -------------------------------------------------
t_exit 64 "usage: --serve needs -d" "$WB" sntpc --serve 127.0.0.1
t_exit 64 "usage: --interface needs --serve" "$WB" sntpc -d --interface lo 127.0.0.1
t_exit 64 "usage: --serve-port needs --serve" "$WB" sntpc -d --serve-port 1234 127.0.0.1
t_exit 64 "usage: --status-file needs -d (or --status)" "$WB" sntpc --status-file "$ST" 127.0.0.1
t_exit 64 "usage: --status takes no SERVER" "$WB" sntpc --status 127.0.0.1
t_exit 64 "usage: --wait-sync takes no SERVER" "$WB" sntpc --wait-sync 5 127.0.0.1
t_exit 64 "usage: --wait-sync wants seconds" "$WB" sntpc --wait-sync soon
t_exit 64 "usage: --status and -d exclude each other" "$WB" sntpc -d --status
t_exit 78 "--status-file in a missing directory: 78 at start" \
	nocap timeout 5 "$WB" sntpc -d --status-file "$T_DIR/no/such/status" 127.0.0.1
t_grep "--status-file in a missing directory: names the path" \
	"^sntpc: --status-file .*/no/such/status: directory .*/no/such: No such file" "$T_DIR/err"
t_exit 69 "--interface that does not exist: refused at start (69)" \
	nocap timeout 5 "$WB" sntpc -d --serve --serve-port "$SP" --interface nosuch0 \
	--status-file "$ST" 127.0.0.1
t_grep "--interface that does not exist: says so" "^sntpc: serve: -I nosuch0: No such device" "$T_DIR/err"
/usr/bin/python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::",int(sys.argv[1]))); time.sleep(3)' "$SP" &
busy=$!
sleep 0.3
t_exit 69 "--serve on a port in use: refused at start (69)" \
	nocap timeout 5 "$WB" sntpc -d --serve --serve-port "$SP" --status-file "$ST" 127.0.0.1
t_grep "--serve on a port in use: says so" "^sntpc: serve: bind: Address already in use" "$T_DIR/err"
kill $busy 2>/dev/null; wait $busy 2>/dev/null
t_exit 69 "--status without a status file: 69" "$WB" sntpc --status --status-file "$T_DIR/none"

# ---- before synchronisation: leap 3, stratum 16 --------------------------------
responder li3
reset
dstart --timeout 0.1 -r 0 "$RP"
t_true "unsynchronised: the daemon runs and wrote its status" [ -s "$ST" ]
q one >"$T_DIR/q1"
t_grep "unsynchronised: answered with leap 3, stratum 16, refid 0 ($(cat "$T_DIR/q1"))" \
	"^len=48 li=3 mode=4 stratum=16 refid=0.0.0.0 org=ok$" "$T_DIR/q1"
t_exit 76 "unsynchronised: sntpc refuses our answer (76)" sn -e "127.0.0.1:$SP"
t_exit 75 "unsynchronised: --status exits 75" "$WB" sntpc --status --status-file "$ST"
t_grep "unsynchronised: --status says so" "^not synchronised" "$T_DIR/out"
t_exit 75 "unsynchronised: --status -e exits 75" "$WB" sntpc --status -e --status-file "$ST"
t_grep "unsynchronised: --status -e: SNTP_SYNC=0" "^SNTP_SYNC=0$" "$T_DIR/out"
t_grep "unsynchronised: --status -e: SNTP_STRATUM=16" "^SNTP_STRATUM=16$" "$T_DIR/out"
t_exit 75 "unsynchronised: --wait-sync 1 times out (75)" "$WB" sntpc --wait-sync 1 --status-file "$ST"
t_grep "unsynchronised: --wait-sync says why" "^sntpc: --wait-sync: not synchronised in time: .*not synchronised" "$T_DIR/err"
if [ -x "$CHRONYD" ]; then
	chrony_q 3 >"$T_DIR/cq"
	t_true "unsynchronised: chrony takes no time from us ($(cat "$T_DIR/cq"))" [ ! -s "$T_DIR/cq" ]
fi
dstop
noclock "unsynchronised: the clock never touched"

# ---- synchronised to a stratum 2 upstream at 127.0.0.2 -------------------------
responder good 127.0.0.2
UP=$RP
reset
dstart --interface lo "$UP"
t_exit 0 "--wait-sync 5: 0 once synchronised" "$WB" sntpc --wait-sync 5 --status-file "$ST"
t_true "--wait-sync: quiet without -e" [ ! -s "$T_DIR/out" ]
t_true "--interface lo: the daemon runs" kill -0 "$DPID"
t_exit 0 "synchronised: sntpc -e takes our time" sn -e "127.0.0.1:$SP"
cp "$T_DIR/out" "$T_DIR/e"
t_grep "synchronised: stratum = upstream's 2 + 1" "^SNTP_STRATUM=3$" "$T_DIR/e"
t_grep "synchronised: refid = upstream's IPv4 address" "^SNTP_REFID='127.0.0.2'$" "$T_DIR/e"
t_grep "synchronised: leap 0" "^SNTP_LEAP=0$" "$T_DIR/e"
t_grep "synchronised: offset ~0 ($(sed -n 's/^SNTP_OFFSET=//p' "$T_DIR/e"))" "^SNTP_OFFSET=[-+]0\\.00[0-9]+$" "$T_DIR/e"
q one >"$T_DIR/q1"
t_grep "synchronised: raw client: 48 bytes, leap 0, mode 4, stratum 3, refid 127.0.0.2 ($(cat "$T_DIR/q1"))" \
	"^len=48 li=0 mode=4 stratum=3 refid=127.0.0.2 org=ok$" "$T_DIR/q1"
for m in mode6 mode7 mode1 v5 short; do
	t_true "a $m request gets no answer ($(q $m))" [ "$(q $m)" = none ]
done
q ext >"$T_DIR/q1"
t_grep "a 68-byte request (extension field) gets 48 bytes back, no echo ($(cat "$T_DIR/q1"))" \
	"^len=48 li=0 mode=4 stratum=3 " "$T_DIR/q1"
t_exit 0 "--status: 0 synchronised" "$WB" sntpc --status --status-file "$ST"
t_grep "--status: human form names the upstream" "^synchronised to 127\\.0\\.0\\.2:[0-9]+ \\(127\\.0\\.0\\.2:[0-9]+\\), stratum 2$" "$T_DIR/out"
t_grep "--status: offset, delay, poll" "^offset [-+]0\\.[0-9]{6} s, delay 0\\.[0-9]{6} s, poll 16 s$" "$T_DIR/out"
t_grep "--status: written by the daemon's pid" "by pid $DPID$" "$T_DIR/out"
t_exit 0 "--status -e: 0 synchronised" "$WB" sntpc --status -e --status-file "$ST"
t_grep "--status -e: SNTP_SYNC=1" "^SNTP_SYNC=1$" "$T_DIR/out"
t_grep "--status -e: SNTP_STRATUM=2 (the upstream's)" "^SNTP_STRATUM=2$" "$T_DIR/out"
t_true "--status -e: a shell can source it" sh -c ". '$T_DIR/out' && [ \"\$SNTP_PID\" = $DPID ] && [ \"\$SNTP_POLL\" = 16 ]"
t_exit 0 "--wait-sync -e: prints the variables" "$WB" sntpc --wait-sync 1 -e --status-file "$ST"
t_grep "--wait-sync -e: SNTP_SYNC=1" "^SNTP_SYNC=1$" "$T_DIR/out"

if [ -x "$CHRONYD" ]; then
	chrony_q 10 >"$T_DIR/cq"
	t_grep "chrony as a client: takes our time ($(cat "$T_DIR/cq"))" \
		"System clock wrong by -?0\\.0[0-9]+ seconds" "$T_DIR/cq"
else
	echo "# chronyd not installed: chrony client check skipped"
fi

# the rate limit: a flood from 127.0.0.5 gets 8 answers, one RATE, then silence
q flood 127.0.0.5 >"$T_DIR/fl"
t_grep "flood of 50 in 1 s: 8 answers, one RATE kiss, then silence ($(cat "$T_DIR/fl"))" \
	"^ok=8 kod=1 other=0$" "$T_DIR/fl"
q flood 127.0.0.5 >"$T_DIR/fl"
t_grep "flood again at once: at most one answer (one per 2 s), no second kiss within 10 s ($(cat "$T_DIR/fl"))" \
	"^ok=[01] kod=0 other=0$" "$T_DIR/fl"
q one 127.0.0.6 >"$T_DIR/q1"
t_grep "flood: another client (127.0.0.6) still answered" "^len=48 li=0 mode=4 stratum=3 " "$T_DIR/q1"
t_true "flood: the daemon still runs" kill -0 "$DPID"

# SIGTERM: the status says unsynchronised, --status and --wait-sync agree
dstop
t_grep "SIGTERM: the status file marked unsynchronised" "^SNTP_SYNC=0$" "$ST"
t_exit 75 "SIGTERM: --status exits 75" "$WB" sntpc --status --status-file "$ST"
t_exit 75 "SIGTERM: --wait-sync 1 exits 75" "$WB" sntpc --wait-sync 1 --status-file "$ST"
q one >"$T_DIR/q1"
t_grep "SIGTERM: no server left" "^none$" "$T_DIR/q1"

# SIGKILL: the file still says synchronised, but its pid is gone: stale
dstart "$UP"
"$WB" sntpc --wait-sync 5 --status-file "$ST" >/dev/null 2>&1
kill -KILL "$DPID"; wait "$DJOB" 2>/dev/null
t_grep "SIGKILL: the file still says synchronised" "^SNTP_SYNC=1$" "$ST"
t_exit 75 "SIGKILL: --wait-sync 1 does not trust a dead daemon (75)" \
	"$WB" sntpc --wait-sync 1 --status-file "$ST"
t_grep "SIGKILL: --wait-sync says stale" "stale \\(is the daemon running\\?\\)" "$T_DIR/err"
t_exit 75 "SIGKILL: --status exits 75" "$WB" sntpc --status --status-file "$ST"
t_grep "SIGKILL: --status says stale" "stale: is the daemon running\\?" "$T_DIR/err"

# a status file that cannot be written is logged once; the daemon goes on
# (a directory where the file should be: rename fails at every write)
mkdir -p "$T_DIR/stdir/status"
timeout 3 env CLOCKSHIM_LOG="$SLOG" LD_PRELOAD="$SHIM" \
	setpriv --bounding-set -sys_time --inh-caps -sys_time "$WB" sntpc -d --poll 16,16 --status-file "$T_DIR/stdir/status" "$UP" >"$T_DIR/dout" 2>"$T_DIR/derr"
t_true "unwritable status file: the daemon ran until stopped" [ $? = 124 ]
t_true "unwritable status file: logged once ($(grep -c 'status-file' "$T_DIR/derr"))" \
	[ "$(grep -c 'status-file' "$T_DIR/derr")" = 1 ]

finish
