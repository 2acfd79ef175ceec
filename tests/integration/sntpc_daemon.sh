#!/bin/sh
# tests/integration/sntpc_daemon.sh - sntpc -d against misbehaving
# responders on loopback, without CAP_SYS_TIME and under the clock shim.
# Needs: util-linux (setpriv, unshare), python3, cc, busybox (syslogd).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/sntp/common.sh"

# ---- daemon ----------------------------------------------------------------
responder offset:2000
cat >"$T_DIR/hook" <<EOH
#!/bin/sh
echo "\$1 \$SNTP_SERVER \$SNTP_STRATUM \$SNTP_OFFSET" >>"$T_DIR/hook.log"
env | grep '^SNTP_' >"$T_DIR/hook.env"
EOH
chmod +x "$T_DIR/hook"
reset
CLOCKSHIM_LOG=$SLOG LD_PRELOAD=$SHIM timeout 3.5 setpriv --bounding-set -sys_time --inh-caps -sys_time \
	"$WB" sntpc -d --poll 1,1 -x "$T_DIR/hook" "$RP" >"$T_DIR/out" 2>"$T_DIR/err"
t_true "daemon: first 2000 s correction stepped exactly once" [ "$(grep -c clock_settime "$SLOG")" = 1 ]
t_grep "daemon: later 2000 s offsets refused (panic)" "above the panic threshold" "$T_DIR/err"
t_grep "daemon: -x PROG ran with the -e variables" "^step $RP 2 \\+(1999\\.9[0-9]{5}|2000\\.[0-9]{6})$" "$T_DIR/hook.log"
t_true "daemon: -x PROG's environment has exactly the nine -e keys" sh -c "sed 's/=.*//' '$T_DIR/hook.env' | sort |
	tr '\n' ' ' | grep -qx 'SNTP_ADDRESS SNTP_DELAY SNTP_DISPERSION SNTP_LEAP SNTP_OFFSET SNTP_REFID SNTP_SERVER SNTP_STRATUM SNTP_TIME '"
t_grep "daemon: -x PROG's SNTP_TIME in -e form" "^SNTP_TIME=[0-9]+\\.[0-9]{6}$" "$T_DIR/hook.env"
t_true "daemon: polled again within its 1 s interval" [ "$(reqs)" -ge 2 ]
reset
CLOCKSHIM_LOG=$SLOG LD_PRELOAD=$SHIM timeout 3.5 setpriv --bounding-set -sys_time --inh-caps -sys_time \
	"$WB" sntpc -d -g --poll 1,1 "$RP" >"$T_DIR/out" 2>"$T_DIR/err"
t_true "daemon -g: every 2000 s offset stepped" [ "$(grep -c clock_settime "$SLOG")" -ge 2 ]
cat >"$T_DIR/hook2" <<EOH
#!/bin/sh
echo "\$1 \$SNTP_OFFSET" >>"$T_DIR/hook2.log"
EOH
chmod +x "$T_DIR/hook2"
reset
CLOCKSHIM_LOG=$SLOG LD_PRELOAD=$SHIM t_exit 0 "daemon -b: the foreground process returns at once" \
	timeout 2 setpriv --bounding-set -sys_time --inh-caps -sys_time "$WB" sntpc -d -b --poll 1,1 -x "$T_DIR/hook2" "$RP"
i=0
while [ ! -s "$T_DIR/hook2.log" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
t_grep "daemon -b: the background daemon stepped and ran -x" "^step \\+(1999\\.9|2000\\.)" "$T_DIR/hook2.log"
for p in /proc/[0-9]*; do      # stop exactly the daemon started above
	if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -q -- "-x $T_DIR/hook2 "; then kill "${p#/proc/}"; fi
done
# -L: syslog to /dev/log, seen in a private mount namespace with its own
# /dev (the machine's /dev/log, if any, is not touched)
if unshare -m --propagation private true 2>/dev/null; then
	touch "$T_DIR/null"
	CLOCKSHIM_LOG=$SLOG LD_PRELOAD=$SHIM unshare -m --propagation private sh -c '
		T=$1 WB=$2 RP=$3 TOP=$4
		mount --bind /dev/null "$T/null" && mount -t tmpfs none /dev &&
		touch /dev/null && mount --bind "$T/null" /dev/null || exit 99
		timeout 1.5 setpriv --bounding-set -sys_time --inh-caps -sys_time "$WB" sntpc -d -L \
			--poll 1,1 "$RP" 2>"$T/nolog"
		/usr/bin/python3 "$TOP/tests/sntp/syslogd.py" /dev/log "$T/syslog" &
		i=0; while [ ! -e "$T/syslog.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		timeout 2.5 setpriv --bounding-set -sys_time --inh-caps -sys_time "$WB" sntpc -d -L --poll 1,1 "$RP"
		kill $!; wait $! 2>/dev/null; rm -f /dev/log
		busybox syslogd -n -O "$T/bbsyslog" &
		i=0; while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		timeout 1.5 setpriv --bounding-set -sys_time --inh-caps -sys_time "$WB" sntpc -d -L --poll 1,1 "$RP"
		kill $!' sh "$T_DIR" "$WB" "$RP" "$TOP" >"$T_DIR/out" 2>"$T_DIR/err"
	t_grep "daemon -L: step logged to syslog (daemon.info)" "^<30>.*sntpc\\[[0-9]+\\]: $RP stratum 2 offset \\+(1999\\.9|2000\\.)[0-9]+ delay [0-9.]+: stepped$" "$T_DIR/syslog"
	t_grep "daemon -L: panic refusal logged (daemon.err)" "^<27>.*sntpc\\[[0-9]+\\]: .*above the panic threshold" "$T_DIR/syslog"
	t_nogrep "daemon -L: nothing on stderr" "." "$T_DIR/err"
	command -v busybox >/dev/null || fail "BusyBox syslogd" "busybox is not installed (apt-get install busybox)"
	t_grep "daemon -L: BusyBox syslogd files it as daemon.info with a timestamp" "^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [^ ]+ daemon\\.info sntpc\\[[0-9]+\\]: $RP stratum 2 offset \\+(1999\\.9|2000\\.)[0-9]+ .*: stepped$" "$T_DIR/bbsyslog"
	t_grep "daemon -L without a syslogd: says so" "^sntpc: /dev/log: .*logging to stderr" "$T_DIR/nolog"
	t_grep "daemon -L without a syslogd: logs to stderr instead" "^sntpc: $RP stratum 2 offset \\+(1999\\.9|2000\\.)[0-9]+ .*: stepped$" "$T_DIR/nolog"
else
	echo "# unshare -m not permitted here: -L syslog check skipped"
fi
CLOCKSHIM_EPERM=1 CLOCKSHIM_LOG=$SLOG LD_PRELOAD=$SHIM t_exit 77 "daemon without permission to set the clock: exit 77" \
	timeout 5 setpriv --bounding-set -sys_time --inh-caps -sys_time "$WB" sntpc -d --poll 1,1 "$RP"
t_grep "daemon: the permission error is logged" "cannot step the clock: Operation not permitted" "$T_DIR/err"
t_exit 124 "daemon: a name that does not resolve (yet) does not stop it" timeout 2.5 setpriv \
	--bounding-set -sys_time --inh-caps -sys_time "$WB" sntpc -d --poll 1,1 nosuch-0123456789012345678901234567890123456789012345678901234567890.invalid
t_true "daemon: resolution retried every poll" [ "$(grep -c 'nosuch-0123456789012345678901234567890123456789012345678901234567890.invalid: resolve' "$T_DIR/err")" -ge 2 ]
# the daemon's first correction (which may be of any size) passes the same
# test: a server sending rec=0 never moves the clock
for mode in rec0 "t3<t2" proc; do
	responder "$mode"
	reset
	CLOCKSHIM_LOG=$SLOG LD_PRELOAD=$SHIM timeout 2.5 setpriv --bounding-set -sys_time --inh-caps -sys_time \
		"$WB" sntpc -d --poll 1,1 --timeout 0.3 -r 0 "$RP" >"$T_DIR/out" 2>"$T_DIR/err"
	noclock "daemon, $mode: first correction"
	t_grep "daemon, $mode: the unusable replies are logged" "^sntpc: $RP: 1 unusable reply \\(" "$T_DIR/err"
	t_nogrep "daemon, $mode: nothing stepped or slewed" "stepped|slewed" "$T_DIR/err"
done
responder deny
t_exit 77 "daemon: every server denied, gives up with 77" timeout 5 setpriv --bounding-set -sys_time \
	--inh-caps -sys_time "$WB" sntpc -d --poll 1,1 "$RP"

# ---- -x PROG runs through core/run (issue 9; kept together at the end)
responder offset:2000
cat >"$T_DIR/hook3" <<EOH
#!/bin/sh
ls /proc/self/fd | tr '\n' ' ' >"$T_DIR/hook3.fds"
cat >"$T_DIR/hook3.stdin"
echo "\$1" >>"$T_DIR/hook3.log"
EOH
chmod +x "$T_DIR/hook3"
reset
echo "our standard input" | CLOCKSHIM_LOG=$SLOG LD_PRELOAD=$SHIM timeout 3.5 setpriv --bounding-set -sys_time --inh-caps -sys_time \
	"$WB" sntpc -d --poll 1,1 -x "$T_DIR/hook3" "$RP" >"$T_DIR/out" 2>"$T_DIR/err"
t_grep "daemon: -x PROG ran (PROG step)" "^step$" "$T_DIR/hook3.log"
t_true "daemon: -x PROG's stdin is /dev/null, not ours" [ -f "$T_DIR/hook3.stdin" ] && [ ! -s "$T_DIR/hook3.stdin" ]
t_true "daemon: -x PROG gets no descriptor of ours" [ "$(cat "$T_DIR/hook3.fds")" = "0 1 2 3 " ]
finish
