#!/bin/sh
# tests/sntp/chronyd.sh - a private chronyd on loopback that never touches
# the machine clock (-x), for the sntpc test, demo and benchmark. No command
# socket ("bindcmdaddress /"): the default /run/chrony/chronyd.sock is the
# system chronyd's, which a test instance would replace and then remove.
#   . tests/sntp/chronyd.sh; chronyd_start DIR PORT   (0 ok, 1 failed)
#   chronyd_stop DIR
# chronyd serves with "local stratum 8" on 127.0.0.1:PORT; its pid is in
# DIR/chronyd.pid.
CHRONYD=${CHRONYD:-$(command -v chronyd || echo /usr/sbin/chronyd)}

chronyd_start() {
	_d=$1 _p=$2
	cat >"$_d/chrony.conf" <<EOC
port $_p
bindaddress 127.0.0.1
local stratum 8
allow 127.0.0.1
cmdport 0
bindcmdaddress /
pidfile $_d/chronyd.pid
driftfile $_d/chrony.drift
EOC
	[ -x "$CHRONYD" ] || { echo "chronyd not found (apt-get install chrony)" >&2; return 1; }
	"$CHRONYD" -x -d -f "$_d/chrony.conf" >"$_d/chronyd.log" 2>&1 &
	echo $! >"$_d/chronyd.bgpid"
	# wait until it answers a real NTP request (up to 10 s)
	/usr/bin/python3 - "$_p" <<'EOP' || { chronyd_stop "$_d"; cat "$_d/chronyd.log" >&2; return 1; }
import socket, struct, sys, time
port = int(sys.argv[1]); end = time.time() + 10
while time.time() < end:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.2)
    req = bytearray(48); req[0] = 0x23; req[40:48] = struct.pack("!Q", 0x0123456789abcdef)
    try:
        s.sendto(bytes(req), ("127.0.0.1", port)); d = s.recv(512)
        if len(d) >= 48 and d[1] != 0:
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
EOP
}

chronyd_stop() {
	[ -f "$1/chronyd.bgpid" ] || return 0
	kill "$(cat "$1/chronyd.bgpid")" 2>/dev/null
	rm -f "$1/chronyd.bgpid"
}
