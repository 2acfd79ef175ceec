#!/bin/sh
# bench/sntpc.sh - one SNTP query against a local chronyd: wall time and
# peak RSS over N runs (default 100), next to ntpdig and busybox ntpd -q
# when present, plus sntpc's offset error (the true offset is zero).
#   sh bench/sntpc.sh [N]        WIREBOX=path to choose the binary
# ntpdig has no port option, so chronyd is started on 127.0.0.1:123 when
# that port is free and we are root; otherwise on a free high port and
# ntpdig is skipped. No client here can change the clock: every run is
# without CAP_SYS_TIME (setpriv) where possible.
set -u
cd "$(dirname "$0")/.."
N=${1:-100}
WB=${WIREBOX:-./wirebox}
. tests/sntp/chronyd.sh
D=$(mktemp -d /tmp/wirebox-bench.XXXXXX)
trap 'chronyd_stop "$D"; rm -rf "$D"' EXIT INT TERM
PORT=123
if [ "$(id -u)" != 0 ] || /usr/bin/python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 123))' 2>/dev/null; [ $? -ne 0 ]; then
	PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
chronyd_start "$D" "$PORT" || { echo "cannot start chronyd"; exit 1; }
NOCAP=""
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	NOCAP="setpriv --bounding-set -sys_time --inh-caps -sys_time"
fi

cc -O2 -o "$D/runstat" tests/sntp/runstat.c || exit 1
# bench NAME CMD...: N runs; median/min/max wall and peak RSS
bench() {
	name=$1; shift
	printf '%-20s ' "$name"
	"$D/runstat" "$N" "$@"
}

echo "chronyd on 127.0.0.1:$PORT; $N runs each (wall = fork+exec+exit, from a small C runner)"
# a query never calls a clock setter: run it bare so RSS is sntpc's own
bench "wirebox sntpc" "$WB" sntpc "127.0.0.1:$PORT"
[ -z "${WIREBOX_STATIC:-}" ] || bench "wirebox sntpc static" "$WIREBOX_STATIC" sntpc "127.0.0.1:$PORT"
if [ "$PORT" = 123 ] && command -v ntpdig >/dev/null; then
	bench "ntpdig" $NOCAP ntpdig -t 1 127.0.0.1
else
	echo "ntpdig: skipped (needs chronyd on port 123 / apt-get install ntpsec-ntpdig)"
fi
if command -v busybox >/dev/null && busybox ntpd --help >/dev/null 2>&1; then
	bench "busybox ntpd -q -w" $NOCAP busybox ntpd -n -q -w -p "127.0.0.1:$PORT"
else
	echo "busybox ntpd: skipped (this busybox has no ntpd applet)"
fi
/usr/bin/python3 - "$N" $NOCAP "$WB" sntpc -e "127.0.0.1:$PORT" <<'EOP'
import subprocess, sys
n, cmd = int(sys.argv[1]), sys.argv[2:]
offs = []
for _ in range(n):
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    v = dict(l.split("=", 1) for l in out.splitlines() if "=" in l)
    offs.append(abs(float(v["SNTP_OFFSET"])) * 1e6)
offs.sort()
print("sntpc offset error vs chronyd (true offset 0): median %.0f us, max %.0f us over %d"
      % (offs[n // 2], offs[-1], n))
EOP
