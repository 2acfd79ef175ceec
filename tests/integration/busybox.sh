#!/bin/sh
# BusyBox sendmail compatibility, against a private Postfix on loopback:
# 1. smtpsend -H 'PROG ARGS' (SMTP through the program's stdin/stdout:
#    socat, openssl s_client to the implicit-TLS port) and what the program
#    gets and does not get (descriptors, secrets, the message, its group,
#    its end);
# 2. the same command lines run by wirebox and by the REAL BusyBox sendmail
#    (built from Debian's source by tests/compat/busybox-build.sh, cached in
#    build/compat): same exit status class, same delivered envelope.
# Without the BusyBox binary part 2 says so and fails under CI=true.
. "$(dirname "$0")/../lib.sh"
W=$WB
SMTP=$TOP/tests/smtp
BB=${BUSYBOX:-$TOP/build/compat/busybox}

chmod 755 "$T_DIR"   # Postfix and virtual(8) run as other users
sh "$SMTP/mta.sh" start "$T_DIR/mta" || { fail "private Postfix starts"; finish; exit 1; }
at_exit "sh '$SMTP/mta.sh' stop '$T_DIR/mta'"
. "$T_DIR/mta/env"
SOCAT="socat - TCP:127.0.0.1:$MTA_PORT"

count() { find "$MTA_MAIL/$1/new" -type f 2>/dev/null | wc -l; }
wait_count() {
	i=0; while [ "$(count "$1")" -lt "$2" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
	[ "$(count "$1")" -ge "$2" ]
}
newest() { ls -t "$MTA_MAIL/$1/new/"* | head -n 1; }
# alive PID: the process exists and is not a zombie
# (a killed orphan may stay a zombie: a container's init need not reap)
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
not_alive() { [ -s "$1" ] && ! alive "$(cat "$1")"; }

printf 'Subject: via -H\nX-Wirebox-Test: H1\n\nbody line\n.leading dot\n' > "$T_DIR/m1"

# ---- 1. -H 'PROG ARGS' ----
n=$(count alice)
t_exit 0 "-H 'socat - TCP:...': mail sent through the program" \
	$W smtpsend -v -f sender@wirebox.test -H "$SOCAT" alice@example.test < "$T_DIR/m1"
wait_count alice $((n + 1)) && pass "... and delivered" || fail "... and delivered"
t_grep "... a one-line warning that TLS and certificates are not verified by us" \
	"^smtpsend: -H: .*not verified by smtpsend" "$T_DIR/err"
tr '\n' '|' < "$T_DIR/err" > "$T_DIR/err1"
t_grep "... the dialog as over TCP: EHLO, PIPELINING (MAIL, RCPT, DATA before a reply)" \
	"C: EHLO [^|]*\|.*C: MAIL FROM:<sender@wirebox.test>[^|]*\|C: RCPT TO:<alice@example.test>\|C: DATA\|S: 250" "$T_DIR/err1"
[ "$(count alice)" -gt "$n" ] && t_grep "... body intact (dot unstuffed)" "^\.leading dot" "$(newest alice)"

# what the program gets: fds 0 1 2 only, its own group, no secrets, the
# dialog (not the raw message) on its stdin
PROBE="echo \$\$ \$(ps -o pgid= -p \$\$) > $T_DIR/probe.pg; env > $T_DIR/probe.env; tee $T_DIR/probe.in | socat - TCP:127.0.0.1:$MTA_AUTH_PORT"
n=$(count alice)
SMTP_PASSWORD=secret t_exit 0 "-H with AUTH through the program (AUTH port; the user chose the program: AUTH PLAIN allowed)" \
	$W smtpsend -au alice -am plain -H "$PROBE" -f alice@example.test alice@example.test < "$T_DIR/m1"
wait_count alice $((n + 1)) && pass "... delivered" || fail "... delivered"
t_true "... it leads its own process group" sh -c 'set -- $(cat "$1"); [ "$1" = "$2" ]' x "$T_DIR/probe.pg"
t_nogrep "... SMTP_PASSWORD is not in its environment" "SMTP_PASSWORD|secret" "$T_DIR/probe.env"
t_grep "... its standard input is the SMTP dialog (EHLO first) ..." "^EHLO " "$T_DIR/probe.in"
t_true "... not the message itself (it comes only inside DATA)" \
	sh -c 'head -n 1 "$1" | grep -q "^EHLO " && grep -q "^DATA" "$1" && ! head -n 1 "$1" | grep -q Subject' x "$T_DIR/probe.in"

# (ls has its directory open as 3; a descriptor we inherited as 7 stays ours)
$W smtpsend -w 2 -H "exec ls /proc/self/fd > $T_DIR/probe.fds" alice@example.test < "$T_DIR/m1" 7<"$T_DIR/m1" 2>/dev/null
t_true "the program holds only descriptors 0 1 2 of ours (not even one we inherited)" [ "$(tr '\n' ' ' < "$T_DIR/probe.fds")" = "0 1 2 3 " ]

t_exit 0 "--serverinfo through -H" $W smtpsend --serverinfo -H "$SOCAT"
t_grep "... shows the capabilities" "PIPELINING" "$T_DIR/out"
t_exit 64 "-H '' (no command): usage error" $W smtpsend -H " " alice@example.test < "$T_DIR/m1"

t_exit 64 "-H with --starttls: usage error (the program does TLS)" \
	$W smtpsend --starttls -H "$SOCAT" alice@example.test < "$T_DIR/m1"
t_grep "... saying so (or that TLS is not built in)" "-H: the program does TLS|not compiled in \\(CONFIG_TLS\\)" "$T_DIR/err"
t_exit 64 "-H with --tls: usage error" $W smtpsend --tls -H "$SOCAT" alice@example.test < "$T_DIR/m1"

t_exit 75 "a program that exits at once: temporary failure 75" \
	$W smtpsend -w 5 -H "exit 0" alice@example.test < "$T_DIR/m1"
t_grep "... naming the program and the step" "^smtpsend: -H exit: greeting: connection closed" "$T_DIR/err"
t_exit 75 "a program that exits after the greeting: 75 at EHLO" \
	$W smtpsend -w 5 -H "printf '220 x ESMTP\r\n'" alice@example.test < "$T_DIR/m1"
t_grep "... naming EHLO" "^smtpsend: -H printf: EHLO: " "$T_DIR/err"
t_exit 75 "a program that dies mid-DATA: 75, not success" \
	$W smtpsend -w 5 -H "printf '220 x\r\n250 x\r\n250 ok\r\n250 ok\r\n354 go\r\n'; head -c 20 >/dev/null" alice@example.test < "$T_DIR/m1"
t_grep "... naming the data step" "^smtpsend: -H printf: (DATA|end of data)" "$T_DIR/err"

start=$(date +%s)
t_exit 75 "a program that hangs: timed out at --timeout/-w" \
	$W smtpsend -w 1 -H "sleep 30 & echo \$! > $T_DIR/hang.pid; wait" alice@example.test < "$T_DIR/m1"
t_true "... within the deadline (+ grace), not 30 s" [ $(($(date +%s) - start)) -le 4 ]
t_grep "... reported as a timeout at the greeting" "greeting: timed out" "$T_DIR/err"
sleep 0.2
t_true "... and its process group is gone (the background sleep too)" not_alive "$T_DIR/hang.pid"
t_exit 75 "a program that ignores SIGTERM is killed all the same" \
	$W smtpsend -w 1 -H "trap '' TERM; sleep 30 & echo \$! > $T_DIR/hang.pid; wait" alice@example.test < "$T_DIR/m1"
sleep 0.2
t_true "... its group gone" not_alive "$T_DIR/hang.pid"
t_exit 0 "a program that leaves a child behind after a good dialog: we exit 0 ..." \
	$W smtpsend -w 5 -H "sleep 30 & echo \$! > $T_DIR/left.pid; $SOCAT" alice@example.test < "$T_DIR/m1"
sleep 0.2
t_true "... and the child is gone with its group" not_alive "$T_DIR/left.pid"

if [ -n "${MTA_SMTPS_PORT:-}" ] && command -v openssl >/dev/null 2>&1; then
	n=$(count bob)
	t_exit 0 "-H 'openssl s_client -quiet -connect' to the implicit-TLS port (openssl does TLS, in any build)" \
		$W smtpsend -w 10 -f sender@wirebox.test -H "openssl s_client -quiet -connect 127.0.0.1:$MTA_SMTPS_PORT" bob@example.test < "$T_DIR/m1"
	wait_count bob $((n + 1)) && pass "... delivered" || fail "... delivered"
	n=$(count bob)
	SMTP_PASSWORD=secret t_exit 0 "... with AUTH PLAIN through it (BusyBox's use: AUTH over s_client)" \
		$W smtpsend -w 10 -au alice -H "openssl s_client -quiet -connect 127.0.0.1:$MTA_SMTPS_PORT" bob@example.test < "$T_DIR/m1"
	wait_count bob $((n + 1)) && pass "... delivered" || fail "... delivered"
	# BusyBox's first -H example: s_client does EHLO and STARTTLS itself and
	# eats the greeting; a NOOP tells us the session is ours (AUTH offered
	# only after STARTTLS on this port: seen only if the TLS is real)
	n=$(count bob)
	SMTP_PASSWORD=secret t_exit 0 "-H 'openssl s_client -quiet -starttls smtp -connect' (the program took the greeting) with AUTH" \
		$W smtpsend -v -w 10 -au alice -H "openssl s_client -quiet -starttls smtp -connect 127.0.0.1:$MTA_STARTTLS_PORT" bob@example.test < "$T_DIR/m1"
	wait_count bob $((n + 1)) && pass "... delivered" || fail "... delivered"
	t_grep "... a NOOP stood for the greeting" "C: NOOP" "$T_DIR/err"
	t_exit 75 "-starttls program that gets no answer: 75 naming NOOP" \
		$W smtpsend -w 1 -H "sleep 30 # -starttls" bob@example.test < "$T_DIR/m1"
	t_grep "... naming the NOOP step" "^smtpsend: -H sleep: NOOP: timed out" "$T_DIR/err"
	# the examples of docs/smtpsend.md's -H section, as written there
	sed -n "/^## Through a program: \`-H/,/^## /p" "$TOP/docs/smtpsend.md" | sed -n 's/^    //p' > "$T_DIR/doc.ex"
	t_true "docs/smtpsend.md's -H section has examples" [ -s "$T_DIR/doc.ex" ]
	printf 'To: admin@example.net\nSubject: -H docs example\n\nhi\n' > "$T_DIR/message"
	ln -sf "$W" "$T_DIR/sendmail"
	while IFS= read -r ex; do
		cmd=$(printf '%s\n' "$ex" | sed -e "s|mail\.example\.net:465|127.0.0.1:$MTA_SMTPS_PORT|g" \
			-e "s|mail\.example\.net:587|127.0.0.1:$MTA_STARTTLS_PORT|g" \
			-e "s|-au me@example\.net|-au alice|; s|admin@example\.net|bob@example.test|" \
			-e "s|^sendmail |'$T_DIR/sendmail' -C /dev/null |")
		n=$(count bob)
		t_exit 0 "docs example: $ex" sh -c "cd '$T_DIR' && SMTP_PASSWORD=secret $cmd"
		wait_count bob $((n + 1)) && pass "... delivered" || fail "... delivered"
	done < "$T_DIR/doc.ex"
else
	fail "implicit-TLS Postfix port for the s_client test" "mta.sh gave no MTA_SMTPS_PORT"
fi

# ---- 2. the same command lines against the real BusyBox sendmail ----
if [ ! -x "$BB" ]; then
	# in the test's network namespace the source cannot be fetched; a
	# cached source can still be built
	BB=$(sh "$TOP/tests/compat/busybox-build.sh" "$TOP/build/compat" 2>"$T_DIR/bb.err") || BB=""
fi
if [ -z "$BB" ] || ! "$BB" sendmail --help 2>&1 | grep -q -- "-H 'PROG ARGS'"; then
	why="no BusyBox sendmail: run sh tests/compat/busybox-build.sh (needs deb-src: scripts/install-deps.sh): $(tail -n 2 "$T_DIR/bb.err" 2>/dev/null | tr '\n' ' ')"
	if [ "${CI:-}" = true ]; then fail "BusyBox sendmail built for the comparison" "$why"
	else echo "# SKIP comparison with BusyBox: $why"; fi
	finish; exit $?
fi
echo "# comparing with $("$BB" sendmail --help 2>&1 | head -n 1)"

# both NAME ARGS...: run "wirebox sendmail ARGS" and "busybox sendmail ARGS"
# with the same stdin ($T_DIR/msg); results in rc_wb rc_bb, err in err.wb err.bb
both() {
	what=$1; shift
	$W sendmail "$@" < "$T_DIR/msg" >"$T_DIR/out.wb" 2>"$T_DIR/err.wb"; rc_wb=$?
	sleep 0.3   # Postfix delivers asynchronously: keep the two deliveries apart
	"$BB" sendmail "$@" < "$T_DIR/msg" >"$T_DIR/out.bb" 2>"$T_DIR/err.bb"; rc_bb=$?
}
# envelope of the newest delivery to USER: Return-Path and Delivered-To
envelope() { grep -E '^(Return-Path|Delivered-To):' "$(newest "$1")"; }
# same_delivery DESC USER N: both runs delivered (N files before), same envelope
same_delivery() {
	if wait_count "$2" $(($3 + 2)); then
		a=$(ls -tr "$MTA_MAIL/$2/new/"* | tail -n 2 | head -n 1)
		b=$(newest "$2")
		ea=$(grep -E '^(Return-Path|Delivered-To):' "$a"); eb=$(grep -E '^(Return-Path|Delivered-To):' "$b")
		if [ "$ea" = "$eb" ]; then pass "$1: the same envelope ($(echo $ea))"
		else fail "$1: the same envelope" "wirebox: $(echo $ea) / busybox: $(echo $eb)"; fi
	else fail "$1: both delivered to $2" "$(count "$2") files, want $(($3 + 2)); wb: $(head -c 200 "$T_DIR/err.wb"); bb: $(head -c 200 "$T_DIR/err.bb")"; fi
}
both_ok() {
	if [ $rc_wb = 0 ] && [ $rc_bb = 0 ]; then pass "$1: both exit 0"
	else fail "$1: both exit 0" "wirebox $rc_wb ($(head -c 200 "$T_DIR/err.wb" | tr '\n' '|')), busybox $rc_bb ($(head -c 200 "$T_DIR/err.bb" | tr '\n' '|'))"; fi
}
both_fail() {
	if [ $rc_wb != 0 ] && [ $rc_bb != 0 ]; then pass "$1: both fail (wirebox $rc_wb, busybox $rc_bb)"
	else fail "$1: both fail" "wirebox $rc_wb, busybox $rc_bb"; fi
}

printf 'Subject: compat\nTo: alice@example.test\nCc: bob@example.test\nBcc: carol@example.test\n\nsame for both\n' > "$T_DIR/msg"

n=$(count alice)
both "-H socat" -w 5 -f sender@wirebox.test -H "$SOCAT" alice@example.test
both_ok "-w 5 -f ADDR -H 'socat - TCP:...' RCPT"
same_delivery "-H socat" alice "$n"

n=$(count bob)
both "-S" -w 5 -i -oi -f sender@wirebox.test -S "127.0.0.1:$MTA_PORT" bob@example.test
both_ok "-w 5 -i -oi -f ADDR -S HOST:PORT RCPT"
same_delivery "-S HOST:PORT" bob "$n"

na=$(count alice) nb=$(count bob) nc=$(count carol)
both "-t" -t -f sender@wirebox.test -S "127.0.0.1:$MTA_PORT"
both_ok "-t -f ADDR -S HOST:PORT (To, Cc, Bcc from the header)"
same_delivery "-t To:" alice "$na"
same_delivery "-t Cc:" bob "$nb"
same_delivery "-t Bcc:" carol "$nc"
t_nogrep "-t: the Bcc: header went out from neither" "^Bcc:" "$(newest carol)"

for m in PLAIN LOGIN; do
	n=$(count carol)
	both "AUTH $m" -w 5 -f alice@example.test -S "127.0.0.1:$MTA_AUTH_PORT" -aualice -apsecret "-am$m" carol@example.test
	both_ok "-auUSER -apPASS -am$m -S AUTH-PORT"
	same_delivery "AUTH $m" carol "$n"
done
n=$(count carol)
both "AUTH over -H" -w 5 -f alice@example.test -aualice -apsecret -amPLAIN -H "socat - TCP:127.0.0.1:$MTA_AUTH_PORT" carol@example.test
both_ok "-au -ap -amPLAIN -H 'socat - TCP:AUTH-PORT'"
same_delivery "AUTH over -H" carol "$n"

if [ -n "${MTA_STARTTLS_PORT:-}" ]; then
	for port in "-starttls smtp -connect 127.0.0.1:$MTA_STARTTLS_PORT" "-connect 127.0.0.1:$MTA_SMTPS_PORT"; do
		n=$(count carol)
		both "s_client $port" -w 10 -f alice@example.test -aualice -apsecret -amLOGIN \
			-H "openssl s_client -quiet $port" carol@example.test
		both_ok "-au -ap -amLOGIN -H 'openssl s_client -quiet $port'"
		same_delivery "AUTH over s_client $port" carol "$n"
	done
fi

both "wrong password" -w 5 -f alice@example.test -S "127.0.0.1:$MTA_AUTH_PORT" -aualice -apwrong -amPLAIN carol@example.test
both_fail "AUTH refused (535)"
both "helper exits" -w 5 -f sender@wirebox.test -H "exit 0" alice@example.test
both_fail "a -H program that exits at once"
p=$(free_port)
both "nothing listening" -w 5 -f sender@wirebox.test -S "127.0.0.1:$p" alice@example.test
both_fail "connection refused"
# fake MODE: a scripted server (tests/smtp/fakesmtp.py); sets FP
fake() {
	/usr/bin/python3 "$SMTP/fakesmtp.py" "$T_DIR/fake.$1.port" "$T_DIR/fake.$1.log" "$1" 2>>"$T_DIR/fake.err" &
	at_exit "kill $!"
	i=0; while [ ! -s "$T_DIR/fake.$1.port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
	FP=$(cat "$T_DIR/fake.$1.port")
}
for mode in greet554 greet421 reject_in_data; do
	fake $mode
	both "$mode" -w 5 -f sender@wirebox.test -S "127.0.0.1:$FP" alice@example.test
	both_fail "server refuses ($mode) with -S"
	both "$mode -H" -w 5 -f sender@wirebox.test -H "socat - TCP:127.0.0.1:$FP" alice@example.test
	both_fail "server refuses ($mode) through -H"
done

# A known difference, kept on purpose: BusyBox reports a refused recipient
# ("Bad recipient") and still exits 0, also when no recipient was taken and
# nothing was sent; wirebox exits 67 (all or some refused) or 75 (450).
for r in nobody@example.test temp@example.test; do
	both "refused $r" -w 5 -f sender@wirebox.test -S "127.0.0.1:$MTA_PORT" $r
	if [ $rc_wb != 0 ] && [ $rc_bb = 0 ] && grep -q "Bad recipient" "$T_DIR/err.bb"; then
		pass "recipient $r refused: wirebox fails ($rc_wb), BusyBox says 'Bad recipient' and exits 0 (documented difference)"
	else fail "recipient $r refused: wirebox fails, BusyBox exits 0" "wirebox $rc_wb, busybox $rc_bb"; fi
done

finish
