#!/bin/sh
# tests/integration/sntpc_select.sh - sntpc's choice among several servers
# (RFC 5905 selection) in one-shot runs: responders on distinct loopback
# addresses (127.0.0.1, .2, .3, ...: every 127.x is loopback, and in the
# namespace of tests/isolated.sh nothing else is reachable), one of them a
# falseticker, and chronyd -Q on the same servers for comparison. Every
# sntpc run is without CAP_SYS_TIME and under the clock shim (common.sh);
# chronyd -Q only prints an offset and runs without CAP_SYS_TIME as well.
# Needs: chrony, util-linux (setpriv), python3, cc.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/sntp/chronyd.sh"
. "$TOP/tests/sntp/common.sh"

for a in 2 3 4 5 6; do
	/usr/bin/python3 -c 'import socket, sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind((sys.argv[1], 0))' \
		127.0.0.$a || { fail "127.0.0.$a binds (a loopback /8)"; finish; exit; }
done
pass "127.0.0.2 to .6 bind: distinct loopback addresses"

# names for the pool checks (tests/sntp/clockshim.c resolves them)
export CLOCKSHIM_HOSTS="$T_DIR/hosts"
# val KEY: SNTP_KEY's value in $T_DIR/out
val() { sed -n "s/^SNTP_$1=//p" "$T_DIR/out"; }
# small DESC: -e's |SNTP_OFFSET| below 5 ms (the true offset of the majority is 0)
small() {
	t_true "$1 (SNTP_OFFSET=$(val OFFSET))" /usr/bin/python3 -c 'import sys
v = dict(l.strip().split("=", 1) for l in open(sys.argv[1]) if "=" in l)
sys.exit(not abs(float(v["SNTP_OFFSET"])) < 0.005)' "$T_DIR/out"
}
# stepped DESC OFFSET: exactly one clock call, clock_settime to now + OFFSET (+-0.5 s)
stepped() {
	t_true "$1 ($(tr '\n' '|' <"$SLOG" 2>/dev/null))" /usr/bin/python3 -c 'import sys, time
l = open(sys.argv[1]).read().splitlines()
w = l[0].split() if len(l) == 1 else []
sys.exit(not (len(w) == 3 and w[0] == "clock_settime" and abs(float(w[2]) - time.time() - float(sys.argv[2])) < 0.5))' "$SLOG" "$2"
}
# keys: the -e keys in order, on one line
keys() { sed 's/=.*//' "$T_DIR/out" | tr '\n' ' '; }
EKEYS="SNTP_SERVER SNTP_ADDRESS SNTP_STRATUM SNTP_REFID SNTP_LEAP SNTP_OFFSET SNTP_DELAY SNTP_DISPERSION SNTP_TIME"

# ---- (a) a fast falseticker against two slower servers that agree --------
# 127.0.0.1 answers at once from a clock 1000 s ahead (the smallest delay:
# the old rule took it); .2 and .3 answer after 20 ms each way, offset 0
responder offset:1000 127.0.0.1; F=$RP
responder slow 127.0.0.2; S2=$RP
responder slow 127.0.0.3; S3=$RP
reset
t_exit 0 "falseticker + 2 that agree: exit 0" sn -e "$F" "$S2" "$S3"
small "falseticker + 2: the majority's offset (about 0), not +1000 s"
t_grep "falseticker + 2: the system peer is one of the two that agree" "^SNTP_ADDRESS='127\\.0\\.0\\.[23]'$" "$T_DIR/out"
t_grep "falseticker + 2: SNTP_SERVERS=3 (answered)" "^SNTP_SERVERS=3$" "$T_DIR/out"
t_grep "falseticker + 2: SNTP_CANDIDATES=2 (kept)" "^SNTP_CANDIDATES=2$" "$T_DIR/out"
t_true "-e: the nine old keys unchanged, SERVERS and CANDIDATES last ($(keys))" \
	[ "$(keys)" = "$EKEYS SNTP_SERVERS SNTP_CANDIDATES " ]
noclock "falseticker + 2, no -s"
t_exit 0 "falseticker + 2: default line" sn "$F" "$S2" "$S3"
t_grep "falseticker + 2: the line names a server that agrees, offset about 0" \
	"^127\\.0\\.0\\.[23]:[0-9]+ \\(127\\.0\\.0\\.[23]:[0-9]+\\) stratum 2 offset [+-]0\\.00[0-4][0-9]{3} delay 0\\.0[34]" "$T_DIR/out"
t_exit 0 "falseticker + 2: -l" sn -l "$F" "$S2" "$S3"
t_grep "-l: header" "^  address +ref clock +st +when +poll +reach +delay +offset +disp$" "$T_DIR/out"
t_grep "-l: the falseticker is marked x~" "^x~$F +127\\.0\\.0\\.1 +2 " "$T_DIR/out"
t_grep "-l: one of the two that agree is the system peer *~" "^\\*~127\\.0\\.0\\.[23]:[0-9]+ " "$T_DIR/out"
t_grep "-l: the other is a candidate +~" "^\\+~127\\.0\\.0\\.[23]:[0-9]+ " "$T_DIR/out"
t_grep "-l: the legend under the table, as the course prints it" \
	"^ \\* sys\\.peer, # selected, \\+ candidate, - outlyer, x falseticker, ~ configured$" "$T_DIR/out"
t_true "-l: header, three rows, legend" [ "$(wc -l <"$T_DIR/out")" = 5 ]
t_exit 0 "falseticker + 2: -v" sn -v "$F" "$S2" "$S3"
t_grep "-v: the falseticker, its offset and the majority's interval" \
	"^sntpc: $F: falseticker: offset \\+1000\\.[0-9]{6} s, root distance 0\\.[0-9]{6} s, outside the majority's -0\\.0[0-9]{2} \\.\\. \\+0\\.0[0-9]{2}$" "$T_DIR/err"
t_grep "-v: the system peer" "^sntpc: 127\\.0\\.0\\.[23]:[0-9]+: system peer: offset [+-]0\\.[0-9]{6} s, root distance 0\\.[0-9]{6} s$" "$T_DIR/err"
t_grep "-v: the candidate" "^sntpc: 127\\.0\\.0\\.[23]:[0-9]+: candidate: offset [+-]0\\.[0-9]{6} s" "$T_DIR/err"
t_nogrep "-v: three servers: no 'one server only'" "one server only" "$T_DIR/err"
reset
t_exit 0 "falseticker + 2: -s" sn -s "$F" "$S2" "$S3"
stepped "falseticker + 2: -s steps once, to now + 0 (the majority), not now + 1000" 0
reset
t_exit 0 "falseticker + 2: -a" sn -a "$F" "$S2" "$S3"
t_grep "falseticker + 2: -a slews the majority's small offset" "^adjtime -?0 -?[0-9]{1,4}$" "$SLOG"

# ---- (b) no majority ------------------------------------------------------
reset
t_exit 75 "two that disagree, -s: exit 75" sn -s "$F" "$S2"
t_nogrep "two that disagree: no offset printed" "." "$T_DIR/out"
t_grep "two that disagree: one line names both and their offsets" \
	"^sntpc: no majority among 2 servers: $F \\+1000\\.[0-9]{6} s, $S2 [+-]0\\.[0-9]{6} s: clock left alone$" "$T_DIR/err"
t_true "two that disagree: stderr is that one line" [ "$(wc -l <"$T_DIR/err")" = 1 ]
noclock "two that disagree (-s)"
t_exit 75 "two that disagree, -e -a: exit 75" sn -e -a "$F" "$S2"
t_nogrep "two that disagree: -e prints nothing" "." "$T_DIR/out"
noclock "two that disagree (-e -a)"
t_exit 75 "two that disagree, -l: exit 75" sn -l "$F" "$S2"
t_true "two that disagree: -l prints the table (header, 2 rows, legend)" [ "$(wc -l <"$T_DIR/out")" = 4 ]
t_grep "two that disagree: -l marks the falseticker x" "^x~$F " "$T_DIR/out"
t_grep "two that disagree: -l marks the other x too (nobody is trusted)" "^x~$S2 " "$T_DIR/out"
t_nogrep "two that disagree: -l: no system peer" "^\\*" "$T_DIR/out"
t_exit 75 "two that disagree, -v: exit 75" sn -v "$F" "$S2"
t_grep "two that disagree: -v says no majority per server" "^sntpc: $S2: no majority: offset " "$T_DIR/err"
responder offset:-500 127.0.0.4; N=$RP
reset
t_exit 75 "three that all disagree, -s: exit 75" sn -s "$F" "$S2" "$N"
t_nogrep "three that disagree: no offset printed" "." "$T_DIR/out"
t_grep "three that disagree: the line names all three" \
	"^sntpc: no majority among 3 servers: $F \\+1000\\.[0-9]{6} s, $S2 [+-]0\\.[0-9]{6} s, $N -4?99\\.[0-9]{6} s: clock left alone$" "$T_DIR/err"
noclock "three that disagree"

# ---- (c) four servers, one a falseticker, under -s ------------------------
# the falseticker again the fastest (the old rule, smallest delay, took it)
responder slow 127.0.0.4; G4=$RP
reset
t_exit 0 "four servers, one falseticker: -s -e" sn -s -e "$F" "$S2" "$S3" "$G4"
stepped "four servers: exactly one clock_settime, to the majority's time" 0
small "four servers: the majority's offset"
t_grep "four servers: SNTP_SERVERS=4" "^SNTP_SERVERS=4$" "$T_DIR/out"
t_grep "four servers: SNTP_CANDIDATES=3" "^SNTP_CANDIDATES=3$" "$T_DIR/out"

# ---- (d) a pool: a name's addresses are servers each ----------------------
PP=$(free_port udp)
export RESPONDER_PORT="$PP"
responder offset:1000 127.0.0.1
responder good 127.0.0.2
responder slow 127.0.0.3
unset RESPONDER_PORT
# 127.0.0.4:$PP has nobody: refused
cat >"$T_DIR/hosts" <<EOH
pool.sntp.test 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4
pair.sntp.test 127.0.0.1 127.0.0.2
six.sntp.test 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6
EOH
reset
t_exit 0 "pool of 4 addresses, one falseticker, one dead: -s -e" sn -s -e pool.sntp.test:"$PP"
small "pool: the majority's offset"
stepped "pool: one step, to the majority's time" 0
t_grep "pool: SNTP_SERVER is the name as given" "^SNTP_SERVER='pool\\.sntp\\.test:$PP'$" "$T_DIR/out"
t_grep "pool: a server that agrees is used" "^SNTP_ADDRESS='127\\.0\\.0\\.[23]'$" "$T_DIR/out"
t_grep "pool: SNTP_SERVERS=3 (the dead address did not answer)" "^SNTP_SERVERS=3$" "$T_DIR/out"
t_grep "pool: the dead address is reported with the name and the address" \
	"^sntpc: pool\\.sntp\\.test:$PP \\(127\\.0\\.0\\.4:$PP\\): query: no reply: Connection refused$" "$T_DIR/err"
t_exit 0 "pool: -l" sn -l pool.sntp.test:"$PP"
t_grep "pool -l: the falseticker's address marked x" "^x~127\\.0\\.0\\.1:$PP " "$T_DIR/out"
t_grep "pool -l: the dead address: no mark, .NET." "^ ~127\\.0\\.0\\.4:$PP +\\.NET\\. " "$T_DIR/out"
reset
t_exit 75 "a pool of two that disagree: exit 75" sn -s pair.sntp.test:"$PP"
t_grep "pair: no majority, both addresses named" \
	"^sntpc: no majority among 2 servers: 127\\.0\\.0\\.1:$PP \\+1000\\.[0-9]{6} s, 127\\.0\\.0\\.2:$PP [+-]0\\.[0-9]{6} s: clock left alone$" "$T_DIR/err"
noclock "pair"
t_exit 0 "a name with 6 addresses: -l" sn -l six.sntp.test:"$PP"
t_true "six addresses: 4 used (the documented bound): header, 4 rows, legend" [ "$(wc -l <"$T_DIR/out")" = 6 ]
t_nogrep "six addresses: the 5th and 6th are not asked" "127\\.0\\.0\\.[56]" "$T_DIR/out"

# ---- (e) one server alone ---------------------------------------------------
responder offset:5 127.0.0.5; O=$RP
reset
t_exit 0 "one server alone, 5 s ahead: -v -s -e" sn -v -s -e "$O"
stepped "one server alone: used as before (step to now + 5)" 5
t_grep "one server alone: -v says it cannot be checked" \
	"^sntpc: one server only: its time cannot be checked against another$" "$T_DIR/err"
t_grep "one server alone: -v calls it the system peer" "^sntpc: $O: system peer: offset \\+(4\\.99|5\\.00)" "$T_DIR/err"
t_grep "one server alone: SNTP_SERVERS=1" "^SNTP_SERVERS=1$" "$T_DIR/out"
t_grep "one server alone: SNTP_CANDIDATES=1" "^SNTP_CANDIDATES=1$" "$T_DIR/out"
# a dead server beside it does not count: still one that answered
reset
t_exit 0 "one that answers and one that does not: used" sn -e --timeout 0.3 -r 0 "$O" 127.0.0.6:"$PP"
t_grep "one that answers: SNTP_SERVERS=1" "^SNTP_SERVERS=1$" "$T_DIR/out"

# ---- (g) one vote per machine, and a router at 1970 -----------------------
# found by a hostile re-check: copies of one liar outvoted the others, and a
# clock decades off made every offset look the same to the selection
responder offset:1000 127.0.0.4; L4=$RP
responder good 127.0.0.2; G2=$RP
responder good 127.0.0.3; G3=$RP
reset
t_exit 0 "the same liar three times and two good servers: -s -v -e" sn -s -v -e "$L4" "$L4" "$L4" "$G2" "$G3"
small "the liar given three times is one server: the good ones' offset"
stepped "three copies of a liar: the step is to the good servers' time" 0
t_grep "copies: SNTP_SERVERS=3 (one vote each)" "^SNTP_SERVERS=3$" "$T_DIR/out"
t_grep "copies: -v says they are counted once" "^sntpc: $L4: 1 address another server has already or twice: counted once$" "$T_DIR/err"
if /usr/bin/python3 -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))' 2>/dev/null; then
	DP=$(free_port udp)
	export RESPONDER_PORT="$DP"
	responder offset:1000 127.0.0.5
	responder offset:1000 v6
	responder good 127.0.0.6
	unset RESPONDER_PORT
	cat >>"$T_DIR/hosts" <<EOH
dual.sntp.test 127.0.0.5 ::1
good.sntp.test 127.0.0.6
EOH
	reset
	t_exit 75 "a host with an A and an AAAA record is one server: it and one good server disagree" \
		sn -s -l good.sntp.test:"$DP" dual.sntp.test:"$DP"
	noclock "dual-stack liar and one good server"
	t_true "dual-stack: one row for the dual-stack name (the family the resolver put first)" \
		[ "$(grep -c '^x~' "$T_DIR/out")" = 2 ]
else
	echo "# no IPv6 loopback: the dual-stack check skipped"
fi
# the 1970 router: the local clock 56 years behind, three good servers and
# one a year ahead with no root dispersion: the liar is a falseticker
YP=$(free_port udp)
export RESPONDER_PORT="$YP"
responder good 127.0.0.2
responder good 127.0.0.3
responder good 127.0.0.5
responder offset:31536000 127.0.0.6
unset RESPONDER_PORT
echo "y.sntp.test 127.0.0.2 127.0.0.3 127.0.0.5 127.0.0.6" >>"$T_DIR/hosts"
echo "dup.sntp.test 127.0.0.6 127.0.0.6 127.0.0.2" >>"$T_DIR/hosts"
reset
t_exit 75 "a name listing the liar twice and a good server: one vote each, no majority" \
	sn -s dup.sntp.test:"$YP"
noclock "a name listing one address twice"
reset
now=$(date +%s)
CLOCKSHIM_SHIFT=$((86400 - now)) t_exit 0 "1970 router, pool with a liar a year ahead: -s -l" sn -s -l y.sntp.test:"$YP"
t_grep "1970 router: the liar is a falseticker" "^x~127\\.0\\.0\\.6:$YP " "$T_DIR/out"
t_true "1970 router: clock stepped to now, not a year ahead ($(tr '\n' '|' <"$SLOG" 2>/dev/null))" /usr/bin/python3 -c 'import sys, time
l = open(sys.argv[1]).read().split()
sys.exit(not (len(l) == 3 and l[0] == "clock_settime" and abs(float(l[2]) - time.time()) < 1))' "$SLOG"

# ---- (f) chronyd -Q on the same servers -------------------------------------
# chrony_q NAME SERVER...: chronyd -Q with one "server ADDR port P iburst"
# line each, no CAP_SYS_TIME, at most 15 s; its "System clock wrong by X
# seconds (ignored)" line is the offset it would apply
chrony_q() {
	_n=$1; shift
	{
		for s in "$@"; do echo "server ${s%:*} port ${s##*:} iburst"; done
		echo "cmdport 0"; echo "bindcmdaddress /"; echo "pidfile $T_DIR/cq.pid"
	} >"$T_DIR/cq-$_n.conf"
	timeout 15 setpriv --bounding-set -sys_time --inh-caps -sys_time \
		"$CHRONYD" -Q -u root -f "$T_DIR/cq-$_n.conf" >"$T_DIR/cq-$_n.out" 2>&1
	echo $? >"$T_DIR/cq-$_n.rc"
}
if [ -x "$CHRONYD" ]; then
	reset
	chrony_q three "$F" "$S2" "$S3"
	co=$(sed -n 's/.*System clock wrong by \(-\{0,1\}[0-9.]*\) seconds.*/\1/p' "$T_DIR/cq-three.out")
	t_true "chronyd -Q, falseticker + 2: exits with an offset ($(tr '\n' '|' <"$T_DIR/cq-three.out"))" \
		[ "$(cat "$T_DIR/cq-three.rc")" = 0 ] && [ -n "$co" ]
	t_true "chronyd -Q, falseticker + 2: keeps the two that agree (|$co| < 5 ms)" \
		/usr/bin/python3 -c 'import sys; sys.exit(not abs(float(sys.argv[1] or 1000)) < 0.005)' "$co"
	sn -e "$F" "$S2" "$S3" >"$T_DIR/out" 2>"$T_DIR/err"
	t_true "sntpc agrees with chronyd within 5 ms (sntpc $(val OFFSET), chronyd $co)" \
		/usr/bin/python3 -c 'import sys; sys.exit(not abs(float(sys.argv[1] or 1000) - float(sys.argv[2] or -1000)) < 0.005)' "$co" "$(val OFFSET)"
	chrony_q two "$F" "$S2"
	t_true "chronyd -Q, two that disagree: no offset in 15 s ($(tr '\n' '|' <"$T_DIR/cq-two.out"))" \
		sh -c "[ \"\$(cat '$T_DIR/cq-two.rc')\" = 124 ] && ! grep -q 'System clock wrong' '$T_DIR/cq-two.out'"
	t_exit 75 "sntpc agrees: two that disagree, exit 75 and no offset" sn -e "$F" "$S2"
	noclock "chronyd -Q and sntpc (chronyd never sets the clock: -Q, no CAP_SYS_TIME; sntpc under the shim)"
else
	echo "# chronyd not found: the comparison with chrony is skipped"
fi
finish
