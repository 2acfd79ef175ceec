# tests/sntp/common.sh - sourced by the sntpc integration scripts after
# tests/lib.sh: the clock shim (every sntpc run without CAP_SYS_TIME and
# with each clock-setting call blocked and logged to $SLOG), the check that
# CAP_SYS_TIME is really dropped, and responder() for tests/sntp/responder.py.
SHIM=$T_DIR/clockshim.so
SLOG=$T_DIR/shim.log
cc -shared -fPIC -o "$SHIM" "$TOP/tests/sntp/clockshim.c" -ldl || { fail "build clock shim"; finish; exit; }

nocap() { setpriv --bounding-set -sys_time --inh-caps -sys_time "$@"; }
# sntpc ARGS: no CAP_SYS_TIME, clock calls blocked and logged to $SLOG
sn() { CLOCKSHIM_LOG=$SLOG LD_PRELOAD=$SHIM nocap "$WB" sntpc "$@"; }
noclock() { if [ -s "$SLOG" ]; then fail "$1: clock untouched" "$(cat "$SLOG")"; else pass "$1: clock untouched"; fi; }
reset() { rm -f "$SLOG"; }

# the safety net first: without CAP_SYS_TIME or no test runs at all
if nocap /usr/bin/python3 -c 'import sys
c = [int(l.split()[1], 16) for l in open("/proc/self/status") if l.startswith(("CapEff", "CapBnd"))]
sys.exit(len(c) != 2 or any(v >> 25 & 1 for v in c))'; then
	pass "setpriv drops CAP_SYS_TIME"
else
	fail "setpriv drops CAP_SYS_TIME"; finish; exit
fi

# ---- the misbehaving responder -------------------------------------------
# responder MODE [v6|ADDRESS]: start one, set RP to its address, RLOG to its request log
n=0
responder() {
	n=$((n + 1))
	RLOG=$T_DIR/r$n.log
	: >"$RLOG"
	/usr/bin/python3 "$TOP/tests/sntp/responder.py" "$T_DIR/r$n.port" "$RLOG" "$@" &
	at_exit "kill $!"
	i=0
	while [ ! -s "$T_DIR/r$n.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	case ${2:-127.0.0.1} in
	v6) RP=[::1]:$(cat "$T_DIR/r$n.port") ;;
	*:*) RP=[$2]:$(cat "$T_DIR/r$n.port") ;;
	*) RP=${2:-127.0.0.1}:$(cat "$T_DIR/r$n.port") ;;
	esac
}
reqs() { wc -l <"$RLOG" | tr -d ' '; }
