#!/bin/sh
# tests/cross/smoke.sh - the cross-built full (TLS) binaries under qemu-user
# against the real servers on loopback, all targets against one set of
# servers. Run by tests/cross/run.sh through tests/isolated.sh (a network
# namespace of its own, only loopback up):
#   CROSS_SMOKE="NAME=QEMU=BINARY ..." sh tests/isolated.sh tests/cross/smoke.sh
# Per target:
#   - sntpc -e against a private chronyd: the median |offset| of 5 queries
#     below 5 ms (chronyd runs on the same clock: the true offset is 0; a
#     byte-order or timestamp bug on big-endian mips shows as seconds)
#   - smtpsend through Postfix with STARTTLS, AUTH, and the certificate
#     verified against the test CA; the message is delivered
#   - pop3get from Dovecot over TLS (pop3s) into a Maildir; the message
#     arrived there
# Prints "# time NAME smoke Ns" per target. Needs root (Postfix, Dovecot),
# chrony, openssl, qemu-user-static.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/sntp/chronyd.sh"
nocap() { setpriv --bounding-set -sys_time --inh-caps -sys_time "$@"; }

[ -n "${CROSS_SMOKE:-}" ] || { fail "CROSS_SMOKE names no target"; finish; exit; }

# ---- servers ----------------------------------------------------------------
ts=$(date +%s)
chmod 755 "$T_DIR"   # Postfix and Dovecot users walk into it
CP=$(free_port udp)
if chronyd_start "$T_DIR" "$CP"; then
	at_exit "chronyd_stop $T_DIR"
	pass "chronyd serves on 127.0.0.1:$CP"
else
	fail "chronyd serves on 127.0.0.1:$CP"; finish; exit
fi
C=$T_DIR/certs
if sh "$TOP/tests/tls/certs.sh" "$C"; then pass "test certificates made"
else fail "test certificates made"; finish; exit; fi
M=$T_DIR/mta
at_exit "sh $TOP/tests/tls/postfix-tls.sh stop $M"
if sh "$TOP/tests/tls/postfix-tls.sh" start "$M" "$C"; then pass "Postfix with TLS listeners"
else fail "Postfix with TLS listeners"; finish; exit; fi
. "$M/env"
P=$T_DIR/pop
mkdir -p "$P"
at_exit "sh $TOP/tests/tls/dovecot-tls.sh stop $P"
if sh "$TOP/tests/tls/dovecot-tls.sh" start "$P" "$C/good-chain.pem" "$C/good.key"; then
	pass "Dovecot with STLS and pop3s"
else fail "Dovecot with STLS and pop3s"; finish; exit; fi
PT=$(cat "$P/port-tls")
printf 'secret\n' > "$T_DIR/smtp.pass"
printf 'alice-secret\n' > "$T_DIR/pop.pass"
chmod 600 "$T_DIR/smtp.pass" "$T_DIR/pop.pass"
echo "# time servers $(($(date +%s) - ts))s"

delivered() { grep -rqs "Subject: $1" "$MTA_MAIL/bob"; }
wait_delivered() {
	i=0; while ! delivered "$1" && [ $i -lt 150 ]; do i=$((i + 1)); sleep 0.1; done
	delivered "$1"
}

# ---- each target --------------------------------------------------------------
for t in $CROSS_SMOKE; do
	name=${t%%=*} rest=${t#*=}
	q=${rest%%=*} bin=${rest#*=}
	t0=$(date +%s)
	WB=$bin
	run() { "$q" "$WB" "$@"; }

	# sntpc: the offset to chronyd on this clock is 0 within a few ms (the
	# median of 5 queries: one slow emulated moment must not fail the
	# target; a byte-order bug is off by seconds or years in all of them)
	offs="" err=""
	for i in 1 2 3 4 5; do
		if ! nocap "$q" "$WB" sntpc -e "127.0.0.1:$CP" >"$T_DIR/sn$i" 2>"$T_DIR/err"; then
			err="query $i: exit $?: $(head -c 200 "$T_DIR/err" | tr '\n' '|')"; break
		fi
		offs="$offs $(sed -n 's/^SNTP_OFFSET=//p' "$T_DIR/sn$i")"
	done
	med=$(/usr/bin/python3 -c 'import sys; v = sorted(abs(float(x)) for x in sys.argv[1:]); print(v[len(v) // 2] if len(v) == 5 else "none")' $offs 2>/dev/null)
	if [ -z "$err" ] && /usr/bin/python3 -c 'import sys; sys.exit(not float(sys.argv[1]) < 0.005)' "$med" 2>/dev/null; then
		pass "$name: sntpc against chronyd: median |offset| of 5 below 5 ms ($med s)"
	else
		fail "$name: sntpc against chronyd: median |offset| of 5 below 5 ms" "offsets:$offs $err"
	fi
	t_grep "$name: sntpc: stratum 8 from 127.0.0.1" '^SNTP_STRATUM=8$' "$T_DIR/sn1"

	# smtpsend: STARTTLS, verified certificate, AUTH, delivered
	subj="cross-$name-$$"
	printf 'From: alice@example.test\nTo: bob@example.test\nSubject: %s\n\nfrom %s under %s\n' \
		"$subj" "$name" "$q" > "$T_DIR/msg"
	t_exit 0 "$name: smtpsend STARTTLS + AUTH to Postfix" run smtpsend -v -S "localhost:$MTA_STARTTLS_good" \
		--starttls --cafile "$C/ca.pem" -au alice --passfile "$T_DIR/smtp.pass" -f alice@example.test \
		bob@example.test < "$T_DIR/msg"
	t_grep "$name: smtpsend: TLS with the certificate verified" '^-- TLS TLSv1\.[23] .* certificate verified' "$T_DIR/err"
	if wait_delivered "$subj"; then pass "$name: smtpsend: delivered"
	else fail "$name: smtpsend: delivered" "no $subj in $MTA_MAIL/bob"; fi

	# pop3get: pop3s from Dovecot into a Maildir
	subj="pop-$name-$$"
	printf 'From: x@example.test\nSubject: %s\n\nhello %s\n' "$subj" "$name" > "$T_DIR/pmsg"
	sh "$TOP/tests/pop3/dovecot.sh" add "$P" alice "$T_DIR/pmsg"
	md=$T_DIR/maildir-$name
	t_exit 0 "$name: pop3get --tls from Dovecot into a Maildir" run pop3get -S "localhost:$PT" --tls \
		--cafile "$C/ca.pem" -u alice --passfile "$T_DIR/pop.pass" -m "$md"
	if grep -rqs "Subject: $subj" "$md/new"; then pass "$name: pop3get: the message is in the Maildir"
	else fail "$name: pop3get: the message is in the Maildir" "no $subj in $md/new"; fi
	echo "# time $name smoke $(($(date +%s) - t0))s"
done
finish
