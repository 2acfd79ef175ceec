#!/bin/sh
# tests/integration/ntpd.sh - wirebox called as ntpd (BusyBox ntpd's
# command line and -S hook contract), and the same command lines against
# the REAL BusyBox ntpd (built by tests/compat/busybox-build.sh into
# build/compat; a dynamic binary, so it runs under the clock shim too).
# Every run is without CAP_SYS_TIME and under tests/sntp/clockshim.c:
# clock calls are blocked and logged to $SLOG, the real clock never moves.
# wirebox runs in virtual time (CLOCKSHIM_SPEED=60: a real second is a
# virtual minute), BusyBox in real time. Servers: tests/sntp/responder.py
# (stratum 2) and a private chronyd (stratum 8).
# Needs: util-linux (setpriv), python3, cc, chrony; BusyBox's source (deb-src).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/sntp/common.sh"
. "$TOP/tests/sntp/chronyd.sh"
BB=${BUSYBOX:-$TOP/build/compat/busybox}

# the hook: one line per run, its argv and the BusyBox variables
cat >"$T_DIR/hook" <<EOH
#!/bin/sh
echo "\$# \$1 stratum=\$stratum offset=\$offset poll_interval=\$poll_interval freq_drift_ppm=\$freq_drift_ppm SNTP_STRATUM=\${SNTP_STRATUM:-}" >>"\$HOOKLOG"
EOH
chmod +x "$T_DIR/hook"

# wb SECONDS ARGS: wirebox as ntpd for at most SECONDS real seconds, virtual
# time at $SPEED, $EFFECT=1: clock calls take effect on its own clock
SPEED=60 EFFECT=0 XCAP=
wb() {
	t=$1; shift
	timeout "$t" env CLOCKSHIM_LOG="$SLOG" CLOCKSHIM_SPEED="$SPEED" CLOCKSHIM_EFFECT="$EFFECT" \
		LD_PRELOAD="$SHIM" setpriv --bounding-set -sys_time$XCAP --inh-caps -sys_time$XCAP "$WB" ntpd "$@"
}
# bb SECONDS ARGS: BusyBox ntpd the same way, in real time
bb() {
	t=$1; shift
	timeout "$t" env CLOCKSHIM_LOG="$SLOG" LD_PRELOAD="$SHIM" setpriv --bounding-set -sys_time --inh-caps -sys_time "$BB" ntpd "$@"
}
actions() { cut -d' ' -f2 "$1" 2>/dev/null | tr '\n' ' '; }

responder offset:1000
R1000=$RP
responder good
RG=$RP
responder silent
RS=$RP

# ---- the command line ----------------------------------------------------------
t_exit 0 "ntpd --help: BusyBox ntpd's usage" "$WB" ntpd --help
t_grep "... its usage line" "^Usage: ntpd \[-dnqNwl\] \[-I IFACE\] \[-S PROG\] \[-p PEER\]\.\.\. \[-k FILE\]" "$T_DIR/out"
t_exit 78 "ntpd -k FILE: refused, 78" "$WB" ntpd -n -k /etc/ntp.keys -p "$RG"
t_grep "... saying why" "^ntpd: -k /etc/ntp.keys: authentication keys are not supported" "$T_DIR/err"
t_exit 64 "ntpd with an unknown option: 64" "$WB" ntpd -n -Z -p "$RG"
t_grep "... naming it" "^ntpd: -Z: unknown option" "$T_DIR/err"
t_exit 64 "ntpd without -p: 64 (/etc/ntp.conf is not read)" "$WB" ntpd -n
t_exit 64 "ntpd with an operand: 64" "$WB" ntpd -n -p "$RG" extra

# ---- -q: quit once the clock is set ------------------------------------------------
reset
t_exit 0 "ntpd -n -q -p SERVER_1000s_AHEAD: 0 once the clock is set" wb 20 -n -q -p "$R1000"
t_grep "... stepped (clock_settime, blocked by the shim)" "^clock_settime" "$SLOG"
reset
t_exit 0 "ntpd -n -q -p GOOD (a tiny offset): 0" wb 20 -n -q -p "$RG"
t_nogrep "... no step for a tiny offset (slewed)" "^clock_settime" "$SLOG"
reset
HOOKLOG=$T_DIR/q.log; export HOOKLOG
t_exit 0 "ntpd -n -q -S HOOK: 0, and no hook run (as BusyBox)" wb 20 -n -q -S "$T_DIR/hook" -p "$R1000"
t_true "... no hook run" [ ! -s "$T_DIR/q.log" ]
reset
CLOCKSHIM_EPERM=1; export CLOCKSHIM_EPERM
t_exit 77 "ntpd -n -q without permission to set the clock: 77" wb 20 -n -q -p "$R1000"
unset CLOCKSHIM_EPERM
t_exit 69 "ntpd -n -q -p SILENT: 69 (no server answered)" wb 30 -n -q -p "$RS"
t_exit 0 "ntpd -n -q -4 -p localhost:PORT: a name with a port" \
	wb 20 -n -q -4 -p "localhost:${RG##*:}"
responder good v6
t_exit 0 "ntpd -n -q -p [::1]:PORT -p SILENT: 0 (an IPv6 peer with a port; -p repeated)" \
	wb 30 -n -q -p "$RP" -p "$RS"

# ---- -w: query only, log each reply, never exit --------------------------------------
reset
wb 4 -n -w -p "$RG" >"$T_DIR/w.out" 2>"$T_DIR/w.err"; rc=$?
echo "# wirebox -w: $(grep 'reply from' "$T_DIR/w.err" | head -n 1)"
t_true "ntpd -n -w: never exits (stopped by timeout: $rc)" [ "$rc" = 124 ]
t_grep "ntpd -n -w: BusyBox's reply line" \
	"^ntpd: reply from 127\\.0\\.0\\.1: offset:[-+][0-9]+\\.[0-9]{6} delay:[0-9]+\\.[0-9]{6} status:0x24 strat:2 refid:0x[0-9a-f]{8} rootdelay:[0-9]+\\.[0-9]{6} reach:0x[0-9a-f]{2}$" "$T_DIR/w.err"
t_true "ntpd -n -w: several polls logged ($(grep -c 'reply from' "$T_DIR/w.err"))" [ "$(grep -c 'reply from' "$T_DIR/w.err")" -ge 2 ]
noclock "ntpd -n -w"
reset
wb 4 -n -w -p "$R1000" >"$T_DIR/w.out" 2>"$T_DIR/w.err"
t_grep "ntpd -n -w, 1000 s off: the offset logged" "reply from 127\\.0\\.0\\.1: offset:\\+(999\\.9|1000\\.0)" "$T_DIR/w.err"
noclock "ntpd -n -w, 1000 s off"

# ---- -S: the hook contract -------------------------------------------------------------
reset
HOOKLOG=$T_DIR/s.log
EFFECT=1 wb 15 -n -S "$T_DIR/hook" -p "$R1000" >"$T_DIR/out" 2>"$T_DIR/err"; EFFECT=0
echo "# wirebox: $(tr '\n' '|' <"$T_DIR/s.log")"
t_grep "ntpd -S, 1000 s ahead: first run 'step' with stratum=16, the offset, freq_drift_ppm=0" \
	"^1 step stratum=16 offset=(999\\.9|1000\\.0)[0-9]+ poll_interval=[0-9]+ freq_drift_ppm=0 SNTP_STRATUM=2$" "$T_DIR/s.log"
t_true "... 'step' is the first action" [ "$(head -n 1 "$T_DIR/s.log" | cut -d' ' -f2)" = step ]
t_true "... then 'stratum' with stratum=3 (the stratum-2 server's + 1)" \
	sh -c "sed -n 2p '$T_DIR/s.log' | grep -Eq '^1 stratum stratum=3 offset=[-0-9.]+ poll_interval=[0-9]+ freq_drift_ppm=0 SNTP_STRATUM=2\$'"
t_grep "... 'periodic' every 11 min (virtual), the stratum 3" "^1 periodic stratum=3 " "$T_DIR/s.log"
t_true "... actions in order: step stratum periodic... ($(actions "$T_DIR/s.log"))" \
	sh -c "actions() { cut -d' ' -f2 \"\$1\" | tr '\n' ' '; }; actions '$T_DIR/s.log' | grep -Eq '^step stratum (periodic )+\$'"
# 32 real s: unsync after 4 silent polls (~12 s: the timeouts are real), periodic 11 virtual min later
reset
HOOKLOG=$T_DIR/p.log
wb 32 -n -S "$T_DIR/hook" -p "$RS" >"$T_DIR/out" 2>"$T_DIR/err"
t_grep "ntpd -S, no server answers: 'periodic' says stratum=16" "^1 periodic stratum=16 offset=0\\.000000 " "$T_DIR/p.log"
t_grep "... and 'unsync' once declared" "^1 unsync stratum=16 offset=0\\.000000 " "$T_DIR/p.log"

mkdir -p "$T_DIR/chrony"
CP=$(free_port udp)
if chronyd_start "$T_DIR/chrony" "$CP" 2>"$T_DIR/chrony.err"; then
	at_exit "chronyd_stop '$T_DIR/chrony'"
	reset
	HOOKLOG=$T_DIR/c.log
	EFFECT=1 wb 6 -n -S "$T_DIR/hook" -p "127.0.0.1:$CP" >"$T_DIR/out" 2>"$T_DIR/err"; EFFECT=0
	t_grep "ntpd -S against chronyd (stratum 8): 'stratum' with stratum=9" "^1 stratum stratum=9 " "$T_DIR/c.log"
else
	fail "chronyd starts" "$(head -c 300 "$T_DIR/chrony.err")"
fi

# ---- -N, -d -------------------------------------------------------------------------------
reset
XCAP=,-sys_nice wb 3 -n -N -d -p "$RG" >"$T_DIR/out" 2>"$T_DIR/err"; XCAP=
t_grep "ntpd -N without CAP_SYS_NICE: a warning, not fatal" "^ntpd: -N: cannot raise the priority" "$T_DIR/err"
t_grep "... and it runs on" "reply from" "$T_DIR/err"
t_grep "ntpd -d: each reply logged" "^ntpd: reply from 127\\.0\\.0\\.1: offset:" "$T_DIR/err"

# ---- without -n: in the background ----------------------------------------------------
cat >"$T_DIR/pidhook" <<EOH
#!/bin/sh
echo \$PPID >"$T_DIR/daemon.pid"
EOH
chmod +x "$T_DIR/pidhook"
t_exit 0 "ntpd without -n: returns at once, 0" wb 5 -S "$T_DIR/pidhook" -p "$R1000"
i=0; while [ ! -s "$T_DIR/daemon.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
dpid=$(cat "$T_DIR/daemon.pid" 2>/dev/null)
t_true "... the daemon runs on in the background (its hook ran, pid ${dpid:-none})" \
	sh -c "[ -n '$dpid' ] && kill -0 '$dpid' && grep -q ntpd /proc/$dpid/cmdline"
[ -n "$dpid" ] && kill "$dpid" 2>/dev/null

# ---- wirebox --install makes the ntpd link, never over a file of its own ----------------------
mkdir -p "$T_DIR/bin" "$T_DIR/bin2"
t_exit 0 "wirebox --install DIR: links" "$WB" --install -s "$T_DIR/bin"
t_true "... ntpd among them, a link to wirebox" [ -L "$T_DIR/bin/ntpd" ]
t_exit 0 "... called through it: BusyBox ntpd's usage" "$T_DIR/bin/ntpd" --help
t_grep "... the ntpd usage" "^Usage: ntpd " "$T_DIR/out"
echo "#!/bin/sh" >"$T_DIR/bin2/ntpd"
t_exit 73 "wirebox --install over a real ntpd file: 73" "$WB" --install -s "$T_DIR/bin2"
t_grep "... saying it is not replaced" "bin2/ntpd exists and is not a link to wirebox; not replaced" "$T_DIR/err"
t_true "... the file is left alone" [ "$(cat "$T_DIR/bin2/ntpd")" = "#!/bin/sh" ]

# ---- -l -I: serve the LAN, as OpenWrt runs it ------------------------------------------------
# port 123 of this test's own network namespace; real time (the server
# waits on its socket); our own sntpc is the client
# served PORT: sntpc -e against 127.0.0.1:PORT until it answers (exit 0; its
# output in $T_DIR/out), at most 20 s
served() {
	i=0
	until sn -e --timeout 0.5 -r 0 "127.0.0.1:$1" >"$T_DIR/out" 2>"$T_DIR/err"; do
		i=$((i + 1)); [ $i -lt 40 ] || return 1; sleep 0.5
	done
}
if [ "$(id -u)" = 0 ]; then
	reset
	HOOKLOG=$T_DIR/l.log
	SPEED=1 EFFECT=1 wb 40 -n -N -l -I lo -S "$T_DIR/hook" -p "$RG" >"$T_DIR/l.out" 2>"$T_DIR/l.err" &
	lpid=$!
	i=0
	while ! grep -q '^1 stratum ' "$T_DIR/l.log" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	t_true "ntpd -n -N -l -I lo -S HOOK -p SERVER: synchronised (hook 'stratum')" grep -q '^1 stratum ' "$T_DIR/l.log"
	t_true "ntpd -l: answers on 127.0.0.1:123" served 123
	t_grep "ntpd -l: our stratum, the stratum-2 server's + 1" "^SNTP_STRATUM=3$" "$T_DIR/out"
	t_grep "ntpd -l: the reference ID is the upstream's IPv4 address" "^SNTP_REFID='127\\.0\\.0\\.1'$" "$T_DIR/out"
	kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null
else
	echo "# not root: port 123 cannot be bound, the ntpd -l checks skipped"
fi

# ---- the same command lines against BusyBox ntpd ------------------------------------------------
if [ ! -x "$BB" ]; then
	BB=$(sh "$TOP/tests/compat/busybox-build.sh" "$TOP/build/compat" 2>"$T_DIR/bb.err") || BB=""
fi
if [ -z "$BB" ] || ! "$BB" ntpd --help 2>&1 | grep -q -- "-S PROG"; then
	why="no BusyBox ntpd: run sh tests/compat/busybox-build.sh: $(tail -n 2 "$T_DIR/bb.err" 2>/dev/null | tr '\n' ' ')"
	if [ "${CI:-}" = true ]; then fail "BusyBox ntpd built for the comparison" "$why"
	else echo "# skipped the BusyBox comparison: $why"; fi
	finish; exit
fi
echo "# comparing with $("$BB" ntpd --help 2>&1 | head -n 1)"
reset
t_exit 0 "BusyBox ntpd -n -q -p SERVER_1000s_AHEAD: 0 as ours" bb 30 -n -q -p "$R1000"
t_grep "... BusyBox stepped too (settimeofday)" "^settimeofday|^clock_settime" "$SLOG"
t_exit 0 "BusyBox ntpd -n -q -p GOOD: 0 as ours" bb 30 -n -q -p "$RG"
bb 30 -n -q -p "$RS" >/dev/null 2>&1; rc=$?
t_true "BusyBox ntpd -n -q -p SILENT: non-zero as ours ($rc)" [ "$rc" != 0 ]
reset
bb 6 -n -w -p "$RG" >"$T_DIR/w.out" 2>"$T_DIR/w.err"; rc=$?
t_true "BusyBox ntpd -n -w: never exits either ($rc)" [ "$rc" = 124 ]
cat "$T_DIR/w.out" >>"$T_DIR/w.err"
echo "# busybox -w: $(grep 'reply from' "$T_DIR/w.err" | head -n 1)"
t_grep "BusyBox ntpd -n -w: the same reply line form" \
	"^ntpd: reply from 127\\.0\\.0\\.1: offset:[-+][0-9]+\\.[0-9]{6} delay:[0-9]+\\.[0-9]{6} status:0x24 strat:2 refid:0x[0-9a-f]{8} rootdelay:[0-9]+\\.[0-9]{6} reach:0x[0-9a-f]{2}$" "$T_DIR/w.err"
HOOKLOG=$T_DIR/bs.log
bb 20 -n -S "$T_DIR/hook" -p "$R1000" >"$T_DIR/out" 2>"$T_DIR/err"
echo "# busybox: $(tr '\n' '|' <"$T_DIR/bs.log")"
t_grep "BusyBox ntpd -S, 1000 s ahead: first run 'step' with stratum=16 as ours" \
	"^1 step stratum=16 offset=(999\\.9|1000\\.0)[0-9]+ poll_interval=[0-9]+ freq_drift_ppm=0 SNTP_STRATUM=$" "$T_DIR/bs.log"
HOOKLOG=$T_DIR/bg.log
bb 20 -n -S "$T_DIR/hook" -p "$RG" >"$T_DIR/out" 2>"$T_DIR/err"
echo "# busybox: $(tr '\n' '|' <"$T_DIR/bg.log")"
t_grep "BusyBox ntpd -S, a good stratum-2 server: 'stratum' with stratum=3 as ours" "^1 stratum stratum=3 " "$T_DIR/bg.log"
t_exit 1 "BusyBox ntpd with an unknown option: fails (1; ours 64)" "$BB" ntpd -n -Z -p "$RG"
if [ "$(id -u)" = 0 ]; then
	bb 40 -n -l -p "$RG" >"$T_DIR/bl.out" 2>&1 &
	lpid=$!
	t_true "BusyBox ntpd -n -l -p SERVER: answers on 127.0.0.1:123 too, once synchronised" served 123
	t_grep "BusyBox ntpd -l: stratum 3 as ours" "^SNTP_STRATUM=3$" "$T_DIR/out"
	kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null
fi
finish
