#!/bin/sh
# demo/sntpc.sh - sntpc against a private chronyd on loopback (part of
# make demo). chronyd runs with -x, so nothing touches the clock.
set -u
cd "$(dirname "$0")/.."
WB=${WIREBOX:-./wirebox}
. tests/sntp/chronyd.sh
if ! "$WB" --list | grep -qx sntpc; then
	echo "sntpc is not compiled in"; exit 0
fi
D=$(mktemp -d /tmp/wirebox-demo.XXXXXX)
PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'chronyd_stop "$D"; rm -rf "$D"' EXIT INT TERM
if ! chronyd_start "$D" "$PORT"; then
	echo "could not start chronyd (apt-get install chrony): demo skipped"; exit 0
fi
show() { echo "\$ $*"; "$@"; echo "(exit $?)"; echo; }
echo "# a private chronyd (local stratum 8) serves on 127.0.0.1:$PORT"
show "$WB" sntpc 127.0.0.1:"$PORT"
show "$WB" sntpc -l -c 4 127.0.0.1:"$PORT" 127.0.0.1:1
show "$WB" sntpc -e 127.0.0.1:"$PORT"
# keep sntpc's status: eval "$(sntpc -e ...)" would run (status 0) on empty output
echo "\$ v=\$($WB sntpc -e 127.0.0.1:$PORT) && eval \"\$v\" && echo \"offset \$SNTP_OFFSET s from stratum \$SNTP_STRATUM\""
v=$("$WB" sntpc -e 127.0.0.1:"$PORT") && eval "$v" && echo "offset $SNTP_OFFSET s from stratum $SNTP_STRATUM"
echo
echo "\$ v=\$($WB sntpc --timeout 0.3 -r 0 -e 127.0.0.1:1) && eval \"\$v\" || echo \"no server answered (exit \$?)\""
v=$("$WB" sntpc --timeout 0.3 -r 0 -e 127.0.0.1:1) && eval "$v" || echo "no server answered (exit $?)"
