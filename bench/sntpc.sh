#!/bin/sh
# bench/sntpc.sh - part of make bench (bench/run.sh); alone:
#   sh bench/sntpc.sh [RUNS]           (settings: bench/lib.sh)
# One SNTP query of sntpc next to ntpdig, chronyd -Q and BusyBox ntpd -q,
# against the tests' private chronyd (tests/sntp/chronyd.sh: loopback,
# chronyd -x, which never touches the clock). No client can set the clock:
# bench/measure -C takes CAP_SYS_TIME from each before its exec (BusyBox
# ntpd -q would step or slew it otherwise); sntpc and ntpdig only print
# the offset anyway, chronyd -Q too. ntpdig has no port option: it needs
# chronyd on port 123, which bench/run.sh's private network namespace
# (tests/isolated.sh) has free; elsewhere a free high port is used and
# ntpdig is left out.
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
. tests/sntp/chronyd.sh
PORT=123
if [ "$(id -u)" != 0 ] || ! /usr/bin/python3 -c 'import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind(("127.0.0.1", 123))' 2>/dev/null; then
	PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
mkdir -p "$T/chrony"
# shellcheck disable=SC2016 # run at the end
at_exit 'chronyd_stop "$T/chrony"'
chronyd_start "$T/chrony" "$PORT" || { echo "bench: cannot start chronyd" >&2; exit 1; }

C="SNTP one query"
bench_wirebox() { record "$1" wirebox -C "$WB" sntpc "127.0.0.1:$PORT"; }
bench_ntpdig() { record "$1" ntpdig -C ntpdig -t 1 127.0.0.1; }
bench_chronyd() {
	record "$1" "chronyd -Q" -C "$CHRONYD" -Q -t 5 -f /dev/null "server 127.0.0.1 port $PORT iburst maxsamples 1"
}
bench_busybox() { record "$1" busybox -C "$BB" ntpd -n -q -p "127.0.0.1:$PORT"; }
set -- wirebox
if ! have ntpdig; then skip "$C" ntpdig "not installed (sh bench/deps.sh)"
elif [ "$PORT" != 123 ]; then skip "$C" ntpdig "needs the server on port 123 (run as root: make bench)"
else set -- "$@" ntpdig; fi
set -- "$@" chronyd
if have_bb ntpd; then set -- "$@" busybox
else skip "$C" busybox "no BusyBox with ntpd (sh bench/deps.sh)"; fi
rounds "$C" "$@"
bench_done
