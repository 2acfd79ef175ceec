#!/bin/sh
# tests/integration/tls.sh - TLS for smtpsend and pop3get against real
# servers on loopback: Postfix (implicit TLS and STARTTLS submission with
# AUTH, one listener per test certificate), Dovecot (STLS and pop3s),
# openssl s_server with bad certificates, and fake servers that do not
# offer STARTTLS or inject data after their STARTTLS reply.
# $WIREBOX must be a CONFIG_TLS build (toolchain/tls-check.sh runs this
# with one); a TLS-off build is only checked for its clear refusal.
# Needs: openssl, postfix, dovecot-core, dovecot-pop3d, python3; root.
. "$(dirname "$0")/../lib.sh"
smtp() { "$WB" smtpsend "$@"; }
pop() { "$WB" pop3get "$@"; }

# ---- no server named: the default 127.0.0.1:25, refused, says how to name one
: > "$T_DIR/empty.conf"; chmod 600 "$T_DIR/empty.conf"
t_exit 75 "smtpsend without -S: the default 127.0.0.1:25 is refused" smtp -C "$T_DIR/empty.conf" x@example.test </dev/null
t_grep "default server refused: points to -S and the config file" \
	"^smtpsend: 127\.0\.0\.1:25: connect: .*Connection refused \(no server given: use -S HOST\[:PORT\] or 'host' in /etc/smtpsend\.conf\)$" "$T_DIR/err"
t_exit 75 "smtpsend -S 127.0.0.1:1: refused" smtp -C "$T_DIR/empty.conf" -S 127.0.0.1:1 x@example.test </dev/null
t_nogrep "a server the user named: no hint" 'no server given' "$T_DIR/err"

# ---- a TLS-off build refuses the options in words ----------------------------
pop --tls -S 127.0.0.1:1 -u x -s --timeout 1 >/dev/null 2>"$T_DIR/err"
if grep -q "not compiled" "$T_DIR/err"; then
	t_grep "TLS-off build: pop3get --tls names CONFIG_TLS" "CONFIG_TLS" "$T_DIR/err"
	smtp --starttls -S 127.0.0.1:1 x@example.test </dev/null >/dev/null 2>"$T_DIR/err"
	t_grep "TLS-off build: smtpsend --starttls names CONFIG_TLS" "CONFIG_TLS" "$T_DIR/err"
	# every TLS option, not only --tls/--starttls (a CA or a pin silently
	# ignored: the user believes the mail goes out verified)
	fp=$(printf '%064d' 0)
	for o in "--cafile /x/ca.pem" "--capath /x" "--tls-name mx.example" "--fingerprint $fp" --insecure --tls --starttls; do
		k=${o%% *}; k=${k#--}
		t_exit 64 "TLS-off build: smtpsend $k refused" smtp $o -S 127.0.0.1:1 x@example.test </dev/null
		t_grep "TLS-off build: smtpsend $k: names the option and CONFIG_TLS" "^smtpsend: --$k: not compiled in \(CONFIG_TLS\)" "$T_DIR/err"
		t_exit 64 "TLS-off build: pop3get $k refused" pop $o -S 127.0.0.1:1 -u x -s --timeout 1
		t_grep "TLS-off build: pop3get $k: names the option and CONFIG_TLS" "$k: not compiled in \(CONFIG_TLS\)" "$T_DIR/err"
	done
	echo "(TLS-off build: the TLS tests run from toolchain/tls-check.sh)"
	finish; exit
fi

chmod 755 "$T_DIR"   # Postfix and Dovecot users walk into it
C=$T_DIR/certs
if sh "$TOP/tests/tls/certs.sh" "$C"; then pass "test certificates made"
else fail "test certificates made"; finish; exit; fi

# ---- servers ----------------------------------------------------------------
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
PP=$(cat "$P/port") PT=$(cat "$P/port-tls")

# fake servers: MODE -> port in $T_DIR/MODE.port, lines received in MODE.log
for m in smtp-inject smtp-plain smtp-refuse pop3-inject pop3-plain pop3-refuse tls-silent smtp-stall pop3-stall; do
	/usr/bin/python3 "$TOP/tests/tls/fake_starttls.py" $m "$T_DIR/$m.port" "$T_DIR/$m.log" &
	at_exit "kill $!"
done
# openssl s_server with each bad certificate (implicit TLS for pop3get)
for c in expired future wrongname self; do
	p=$(free_port)
	(cd "$C" && exec openssl s_server -quiet -accept "$p" -cert $c.pem -key $c.key \
		>"$T_DIR/s_server-$c.log" 2>&1) &
	at_exit "kill $!"
	eval "SS_$c=$p"
	wait_port "$p" || fail "s_server $c up"
done
# a leaf signed with SHA-1 (OpenSSL serves it only at security level 0)
p=$(free_port)
(cd "$C" && exec openssl s_server -quiet -accept "$p" -cert sha1sig.pem -key sha1sig.key \
	-cipher 'DEFAULT@SECLEVEL=0' >"$T_DIR/s_server-sha1sig.log" 2>&1) &
at_exit "kill $!"
SS_sha1sig=$p
wait_port "$p" || fail "s_server sha1sig up"
# servers we cannot agree with: TLS 1.3 only, and no ECDHE+AEAD suite
for c in tls13 cbc; do
	p=$(free_port)
	opt="-tls1_3"; [ $c = tls13 ] || opt="-tls1_2 -cipher AES128-SHA"
	(cd "$C" && exec openssl s_server -quiet -accept "$p" -cert good.pem -key good.key $opt \
		>"$T_DIR/s_server-$c.log" 2>&1) &
	at_exit "kill $!"
	eval "SS_$c=$p"
	wait_port "$p" || fail "s_server $c up"
done
# what real servers negotiate (toolchain/mbedtls_config.h is cut to it):
# each key-exchange group (X25519 is not offered), P-384/SHA-384 and RSA 4096 certificates, and a
# server that prefers ChaCha20-Poly1305 (wirebox offers AES-GCM only)
for c in x25519 p256 p384 p384cert rsa4096 chacha; do
	p=$(free_port)
	case $c in
	x25519) opt="-cert good.pem -key good.key -groups X25519" ;;
	p256) opt="-cert good-ec.pem -key good-ec.key -groups P-256" ;;
	p384) opt="-cert good.pem -key good.key -groups P-384" ;;
	p384cert) opt="-cert p384leaf.pem -key p384leaf.key" ;;
	rsa4096) opt="-cert rsa4096.pem -key rsa4096.key" ;;
	chacha) opt="-cert good.pem -key good.key -serverpref -cipher ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384" ;;
	esac
	(cd "$C" && exec openssl s_server -quiet -tls1_2 -accept "$p" $opt \
		>"$T_DIR/s_server-$c.log" 2>&1 </dev/null) &
	at_exit "kill $!"
	eval "SS_$c=$p"
	wait_port "$p" || fail "s_server $c up"
done
for m in smtp-inject smtp-plain smtp-refuse pop3-inject pop3-plain pop3-refuse tls-silent smtp-stall pop3-stall; do
	i=0; while [ ! -s "$T_DIR/$m.port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
done

CA="--cafile $C/ca.pem"
printf 'secret\n' > "$T_DIR/smtp.pass"
printf 'alice-secret\n' > "$T_DIR/pop.pass"
chmod 600 "$T_DIR/smtp.pass" "$T_DIR/pop.pass"   # a password file must be private
SAUTH="-au alice --passfile $T_DIR/smtp.pass -f alice@example.test"
N=0
# msg: a fresh message with a unique subject in $T_DIR/msg, subject in $SUBJ
msg() {
	N=$((N + 1)); SUBJ="tls-test-$N-$$"
	printf 'From: alice@example.test\nTo: bob@example.test\nSubject: %s\n\nbody %s\n' \
		"$SUBJ" "$N" > "$T_DIR/msg"
}
delivered() { grep -rqs "Subject: $SUBJ" "$MTA_MAIL/bob"; }
# Postfix delivers from its queue: wait up to 10 s
wait_delivered() {
	i=0; while ! delivered && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
	delivered
}
t_delivered() { if wait_delivered; then pass "$1: delivered"; else fail "$1: delivered" "no $SUBJ in $MTA_MAIL/bob"; fi; }
# refused messages: checked again at the end, after later ones arrived
REFUSED=""
t_notdelivered() {
	REFUSED="$REFUSED $SUBJ"
	if delivered; then fail "$1: nothing delivered"; else pass "$1: nothing delivered"; fi
}
# nothing sent after the failed upgrade: no AUTH, MAIL, USER, PASS, APOP in the dialog
t_nothing_sent() { t_nogrep "$1: no AUTH/MAIL/USER/PASS sent" '^C: (AUTH|MAIL|RCPT|USER|PASS|APOP)' "$T_DIR/err"; }
# t_exit_in "CODES" DESC CMD...: exit status one of CODES (the issue allows 69 or 76)
# t_quick MAX CODE DESC CMD...: exit CODE in less than MAX seconds (the
# bound is loose: what it catches is a fixed 30 s wait)
t_quick() {
	max=$1 code=$2 name=$3; shift 3
	t0=$(date +%s)
	"$@" >"$T_DIR/out" 2>"$T_DIR/err"; rc=$?
	dt=$(($(date +%s) - t0))
	if [ "$rc" -eq "$code" ] && [ "$dt" -lt "$max" ]; then pass "$name"
	else fail "$name" "exit $rc after ${dt}s, want $code within ${max}s: $(tail -n 1 "$T_DIR/err")"; fi
}
t_exit_in() {
	codes=$1 name=$2; shift 2
	"$@" >"$T_DIR/out" 2>"$T_DIR/err"; rc=$?
	case " $codes " in *" $rc "*) pass "$name" ;; *) fail "$name" "exit $rc, want one of $codes: $(tail -n 1 "$T_DIR/err")" ;; esac
}

# ---- smtpsend: good certificate ---------------------------------------------
msg
t_exit 0 "smtpsend STARTTLS + AUTH to Postfix" smtp -v -S localhost:$MTA_STARTTLS_good --starttls $CA $SAUTH bob@example.test < "$T_DIR/msg"
t_delivered "smtpsend STARTTLS"
t_grep "STARTTLS: -v shows the upgrade" '^-- TLS TLSv1.2 TLS-ECDHE-RSA-WITH-AES-(128|256)-GCM-SHA(256|384) with localhost, certificate verified' "$T_DIR/err"
t_grep "STARTTLS: EHLO repeated after the upgrade, AUTH offered only then" '^S: 250-AUTH' "$T_DIR/err"
awk '/^C: STARTTLS/{s=1} s&&/^C: EHLO/{e=1} e&&/^C: AUTH/{a=1} END{exit !(s&&e&&a)}' "$T_DIR/err" &&
	pass "STARTTLS: order STARTTLS, EHLO, AUTH" || fail "STARTTLS: order STARTTLS, EHLO, AUTH"
t_nogrep "STARTTLS: password not shown" 'secret' "$T_DIR/err"

msg
t_exit 0 "smtpsend implicit TLS + AUTH to Postfix" smtp -S localhost:$MTA_TLS_good --tls $CA $SAUTH bob@example.test < "$T_DIR/msg"
t_delivered "smtpsend implicit TLS"
msg
t_exit 0 "smtpsend to 127.0.0.1 (IP SAN)" smtp -S 127.0.0.1:$MTA_TLS_good --tls $CA $SAUTH bob@example.test < "$T_DIR/msg"
t_delivered "smtpsend to an IP literal"
msg
t_exit 69 "smtpsend verifies by default (test CA not in the system bundle)" smtp -S localhost:$MTA_TLS_good --tls $SAUTH bob@example.test < "$T_DIR/msg"
t_grep "default bundle: unknown CA" 'localhost:[0-9]+: .*unknown CA' "$T_DIR/err"
t_notdelivered "default bundle"

t_exit 0 "smtpsend --serverinfo over TLS" smtp --serverinfo -S localhost:$MTA_TLS_good --tls $CA
FP=$(openssl x509 -in "$C/good.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
t_grep "--serverinfo: version and suite" '^TLS: TLSv1.2, TLS-ECDHE-RSA-WITH-AES-' "$T_DIR/out"
t_grep "--serverinfo: subject, issuer" '^TLS issuer: CN=wirebox test CA' "$T_DIR/out"
t_grep "--serverinfo: validity" '^TLS valid: 20[0-9-]+ [0-9:]+ UTC to ' "$T_DIR/out"
t_grep "--serverinfo: SHA-256 fingerprint" "^TLS SHA-256 fingerprint: $FP\$" "$T_DIR/out"

# ---- smtpsend: bad certificates, STARTTLS and implicit ------------------------
for c in expired future wrongname self; do
	case $c in
	expired) why='certificate has expired \(valid until 2021-01-01 00:00:00 UTC\)' ;;
	future) why='certificate is not yet valid \(valid from 2099-01-01' ;;
	wrongname) why="hostname mismatch: certificate is not for 'localhost'" ;;
	self) why='not signed by a trusted CA \(unknown CA' ;;
	esac
	for mode in STARTTLS TLS; do
		eval port=\$MTA_${mode}_$c
		flag=--tls; [ $mode = TLS ] || flag=--starttls
		msg
		t_exit 69 "smtpsend $flag, $c certificate refused" smtp -v -S localhost:$port $flag $CA $SAUTH bob@example.test < "$T_DIR/msg"
		t_grep "smtpsend $flag $c: says why, names the server" "^smtpsend: localhost:$port: [A-Za-z ]+: .*$why" "$T_DIR/err"
		t_nothing_sent "smtpsend $flag $c"
		t_notdelivered "smtpsend $flag $c"
	done
done

# ---- smtpsend: --fingerprint, --tls-name, --insecure ------------------------
msg
t_exit 0 "--fingerprint accepts the pinned self-signed certificate" smtp -S localhost:$MTA_STARTTLS_self --starttls --fingerprint "$(cat "$C/self.fp")" $SAUTH bob@example.test < "$T_DIR/msg"
t_delivered "--fingerprint (colon form)"
msg
t_exit 69 "--fingerprint refuses another certificate" smtp -v -S localhost:$MTA_STARTTLS_self --starttls --fingerprint "$(cat "$C/other.fp")" $SAUTH bob@example.test < "$T_DIR/msg"
t_grep "--fingerprint mismatch in words" 'fingerprint does not match --fingerprint' "$T_DIR/err"
t_nothing_sent "--fingerprint mismatch"
t_notdelivered "--fingerprint mismatch"
t_exit 64 "--fingerprint must be 64 hex digits" smtp -S localhost:$MTA_TLS_self --tls --fingerprint abcd $SAUTH bob@example.test < "$T_DIR/msg"
msg
t_exit 0 "--tls-name wrong.example accepts the wrong-name certificate" smtp -S localhost:$MTA_TLS_wrongname --tls --tls-name wrong.example $CA $SAUTH bob@example.test < "$T_DIR/msg"
t_delivered "--tls-name"
msg
t_exit 0 "--insecure connects to the self-signed server" smtp -S localhost:$MTA_TLS_self --tls --insecure $SAUTH bob@example.test < "$T_DIR/msg"
t_grep "--insecure warns" 'NOT verified' "$T_DIR/err"
t_delivered "--insecure"
printf 'host localhost\nport %s\ntls on\ncafile %s\nuser alice\npassfile %s\nfrom alice@example.test\n' \
	"$MTA_TLS_good" "$C/ca.pem" "$T_DIR/smtp.pass" > "$T_DIR/smtp.conf"
chmod 600 "$T_DIR/smtp.conf"
msg
t_exit 0 "config keys tls, cafile" smtp -C "$T_DIR/smtp.conf" bob@example.test < "$T_DIR/msg"
t_delivered "config keys"

msg
t_exit 0 "a CA whose root is SHA-1-signed (as in real bundles) still verifies" smtp -S localhost:$MTA_TLS_sha1root --tls --cafile "$C/sha1ca.pem" $SAUTH bob@example.test < "$T_DIR/msg"
t_delivered "SHA-1-signed root"
mkdir -p "$T_DIR/capath" && cp "$C/ca.pem" "$T_DIR/capath/"
msg
t_exit 0 "--capath DIR with the test CA" smtp -S localhost:$MTA_STARTTLS_good --starttls --capath "$T_DIR/capath" $SAUTH bob@example.test < "$T_DIR/msg"
t_delivered "--capath"
t_exit 78 "--cafile that does not exist: config error" smtp -S localhost:$MTA_TLS_good --tls --cafile "$T_DIR/nonexistent.pem" $SAUTH bob@example.test < "$T_DIR/msg"
t_grep "--cafile missing: names the file" "cannot load CA certificates from $T_DIR/nonexistent.pem" "$T_DIR/err"
msg
t_exit 76 "smtpsend --tls to a plain SMTP port: not TLS" smtp -S localhost:$MTA_PORT --tls $CA $SAUTH bob@example.test < "$T_DIR/msg"
t_grep "plain port: says the server does not speak TLS" 'does not speak TLS' "$T_DIR/err"

# ---- smtpsend: hostile and limited servers ------------------------------------
msg
t_exit 69 "smtpsend --starttls: a server without STARTTLS is refused" smtp -v -S 127.0.0.1:$(cat "$T_DIR/smtp-plain.port") --starttls $CA $SAUTH bob@example.test < "$T_DIR/msg"
t_grep "no STARTTLS: says so" 'STARTTLS' "$T_DIR/err"
t_nogrep "no STARTTLS: no AUTH or MAIL received" '^(AUTH|MAIL|RCPT)' "$T_DIR/smtp-plain.log"
t_exit_in "69 76" "smtpsend --starttls: a server that refuses STARTTLS (454) is refused" smtp -v -S 127.0.0.1:$(cat "$T_DIR/smtp-refuse.port") --starttls $CA $SAUTH bob@example.test < "$T_DIR/msg"
t_grep "STARTTLS refused: names the server and the step" '^smtpsend: 127\.0\.0\.1:[0-9]+: [A-Za-z]+.*454' "$T_DIR/err"
t_nogrep "STARTTLS refused: nothing sent in plain text after it" '^(AUTH|MAIL|RCPT|DATA)' "$T_DIR/smtp-refuse.log"
t_exit 76 "smtpsend --starttls: data injected after 220 is refused" smtp -v -S 127.0.0.1:$(cat "$T_DIR/smtp-inject.port") --starttls $CA $SAUTH bob@example.test < "$T_DIR/msg"
t_grep "injection: says so" 'after its STARTTLS reply.*injection' "$T_DIR/err"
t_nogrep "injection: nothing after STARTTLS received" '^(AUTH|MAIL|RCPT|EHLO.*\n.*EHLO)' "$T_DIR/smtp-inject.log"
[ "$(tail -n 1 "$T_DIR/smtp-inject.log")" = STARTTLS ] && pass "injection: STARTTLS was the last line received" ||
	fail "injection: STARTTLS was the last line received" "$(tail -n 2 "$T_DIR/smtp-inject.log" | tr '\n' '|')"

# a server that accepts and never answers the handshake: --timeout bounds it
# (the implicit-TLS handshake waited a fixed 30 s)
msg
t_quick 10 75 "smtpsend --tls --timeout 2: a silent TLS server times out within --timeout" \
	smtp -S 127.0.0.1:$(cat "$T_DIR/tls-silent.port") --tls --timeout 2 $CA $SAUTH bob@example.test < "$T_DIR/msg"
t_grep "silent TLS server: says the handshake timed out" 'TLS handshake timed out' "$T_DIR/err"
t_quick 10 75 "smtpsend --starttls --timeout 2: no handshake after 220 times out within --timeout" \
	smtp -S 127.0.0.1:$(cat "$T_DIR/smtp-stall.port") --starttls --timeout 2 $CA $SAUTH bob@example.test < "$T_DIR/msg"
t_grep "stalled STARTTLS: says the handshake timed out" 'TLS handshake timed out' "$T_DIR/err"
t_notdelivered "silent TLS servers"

# the queue is empty once the last accepted message is in: none refused came
msg
t_exit 0 "smtpsend: a last message" smtp -S localhost:$MTA_TLS_good --tls $CA $SAUTH bob@example.test < "$T_DIR/msg"
t_delivered "the last message"
late=""
for SUBJ in $REFUSED; do delivered && late="$late $SUBJ"; done
[ -z "$late" ] && pass "no refused message was delivered later" ||
	fail "no refused message was delivered later" "$late"

# ---- pop3get: Dovecot --------------------------------------------------------
printf 'From: x@example.test\nSubject: pop over tls\n\nhello\n' > "$T_DIR/pmsg"
sh "$TOP/tests/pop3/dovecot.sh" add "$P" alice "$T_DIR/pmsg"
PAUTH="-u alice --passfile $T_DIR/pop.pass"
t_exit 0 "pop3get STLS to Dovecot" pop -v -S localhost:$PP --starttls $CA $PAUTH -s
t_grep "STLS: STAT after login" '^1 [0-9]+$' "$T_DIR/out"
t_grep "STLS: -v shows the upgrade" '^-- TLS TLSv1.2 .* with localhost, certificate verified' "$T_DIR/err"
awk '/^C: STLS/{s=1} s&&/^C: CAPA/{c=1} c&&/^C: (APOP|USER|AUTH)/{a=1} END{exit !(s&&c&&a)}' "$T_DIR/err" &&
	pass "STLS: order STLS, CAPA again, login" || fail "STLS: order STLS, CAPA again, login"
t_nogrep "STLS: password not shown" 'alice-secret' "$T_DIR/err"
t_exit 0 "pop3get implicit TLS to Dovecot" pop -S localhost:$PT --tls $CA $PAUTH -m "$T_DIR/maildir"
t_true "implicit TLS: message stored in the Maildir" grep -rqs "Subject: pop over tls" "$T_DIR/maildir/new"
t_exit 0 "pop3get: mailbox empty after the fetch" pop -S localhost:$PT --tls $CA $PAUTH -s
t_grep "pop3get: 0 left" '^0 0$' "$T_DIR/out"
t_exit 0 "pop3get --fingerprint of the Dovecot certificate (plain hex, no CA)" pop -S localhost:$PT --tls --fingerprint "$(cat "$C/other.fp")" $PAUTH -s
t_exit 69 "pop3get --fingerprint mismatch refused" pop -v -S localhost:$PP --starttls --fingerprint "$(cat "$C/self.fp")" $PAUTH -s
t_grep "pop3get fingerprint mismatch in words" 'fingerprint does not match' "$T_DIR/err"
t_nothing_sent "pop3get fingerprint mismatch"
printf 'server localhost:%s\nuser alice\npassfile %s\ntls on\nfingerprint %s\n' \
	"$PT" "$T_DIR/pop.pass" "$(cat "$C/self.fp")" > "$T_DIR/pop.conf"
chmod 600 "$T_DIR/pop.conf"
t_exit 69 "pop3get config keys tls, fingerprint (wrong pin) refused" pop -C "$T_DIR/pop.conf" -s
t_grep "pop3get config fingerprint used" 'fingerprint does not match' "$T_DIR/err"
printf 'insecure on\n' >> "$T_DIR/pop.conf"
t_exit 69 "pop3get: insecure does not weaken a fingerprint" pop -C "$T_DIR/pop.conf" -s
t_grep "pin still checked" 'fingerprint does not match' "$T_DIR/err"
grep -v '^fingerprint' "$T_DIR/pop.conf" > "$T_DIR/pop2.conf"; chmod 600 "$T_DIR/pop2.conf"
t_exit 0 "pop3get config key insecure" pop -C "$T_DIR/pop2.conf" -s
t_grep "config insecure warns" 'NOT verified' "$T_DIR/err"
t_exit 69 "pop3get verifies by default" pop -S 127.0.0.1:$PT --tls $PAUTH -s
t_grep "pop3get default bundle: unknown CA" 'unknown CA' "$T_DIR/err"

# ---- both applets under valgrind (dynamic builds): the TLS paths, good and bad
if command -v valgrind >/dev/null 2>&1 && file -L "$WB" | grep -q dynamically; then
	VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
	msg
	t_exit 0 "valgrind: smtpsend STARTTLS + AUTH" $VG "$WB" smtpsend -S localhost:$MTA_STARTTLS_good --starttls $CA $SAUTH bob@example.test < "$T_DIR/msg"
	t_exit 69 "valgrind: smtpsend, expired certificate" $VG "$WB" smtpsend -S localhost:$MTA_TLS_expired --tls $CA $SAUTH bob@example.test < "$T_DIR/msg"
	t_exit 0 "valgrind: pop3get STLS --serverinfo" $VG "$WB" pop3get -S localhost:$PP --starttls $CA $PAUTH -s --serverinfo
	t_exit 69 "valgrind: pop3get, system bundle, unknown CA" $VG "$WB" pop3get -S localhost:$PT --tls $PAUTH -s
fi

# ---- pop3get: bad certificates (openssl s_server) ----------------------------
for c in expired future wrongname self; do
	case $c in
	expired) why='certificate has expired' ;;
	future) why='certificate is not yet valid' ;;
	wrongname) why="hostname mismatch" ;;
	self) why='unknown CA' ;;
	esac
	eval port=\$SS_$c
	t_exit 69 "pop3get --tls, $c certificate refused" pop -v -S localhost:$port --tls $CA $PAUTH -s --timeout 5
	t_grep "pop3get $c: says why, names the server" "^pop3get: localhost(:$port)?: [A-Za-z ]+: .*$why" "$T_DIR/err"
	t_nothing_sent "pop3get $c"
done
t_exit 69 "pop3get: a certificate signed with SHA-1 is refused" pop -S localhost:$SS_sha1sig --tls $CA $PAUTH -s --timeout 5
t_grep "SHA-1 signature: says weak" 'certificate uses a weak or unsupported algorithm' "$T_DIR/err"
# the handshake only (s_server speaks no POP3): its -v line
# X25519 only: not offered (toolchain/mbedtls_config.h), refused in words
pop -v -S localhost:$SS_x25519 --tls $CA $PAUTH -s --timeout 2 >"$T_DIR/out" 2>"$T_DIR/err"
t_grep "pop3get: an X25519-only server is refused: no common curve" \
	'handshake failed: server sent alert: handshake failure \(no common cipher suite or curve\?\)' "$T_DIR/err"
for c in p256:ECDHE-ECDSA-WITH-AES-128-GCM p384:ECDHE-RSA-WITH-AES-128-GCM \
	p384cert:ECDHE-ECDSA-WITH-AES-128-GCM rsa4096:ECDHE-RSA-WITH-AES-128-GCM chacha:ECDHE-RSA-WITH-AES-256-GCM-SHA384; do
	s=${c%%:*} want=${c#*:} ca=$CA
	[ $s != p384cert ] || ca="--cafile $C/p384ca.pem"
	eval port=\$SS_$s
	pop -v -S localhost:$port --tls $ca $PAUTH -s --timeout 2 >"$T_DIR/out" 2>"$T_DIR/err"
	t_grep "pop3get: TLS 1.2 handshake with a $s server, certificate verified" \
		"^-- TLS TLSv1.2 TLS-$want.* with localhost, certificate verified" "$T_DIR/err"
done
t_exit 76 "pop3get: a TLS 1.3-only server is refused" pop -S localhost:$SS_tls13 --tls $CA $PAUTH -s --timeout 5
t_grep "TLS 1.3 only: the alert in words" 'handshake failed: server sent alert: protocol version' "$T_DIR/err"
t_exit 76 "pop3get: a server with only CBC suites is refused" pop -S localhost:$SS_cbc --tls $CA $PAUTH -s --timeout 5
t_grep "CBC only: the alert in words" 'handshake failed: server sent alert: handshake failure' "$T_DIR/err"
if [ -n "${WIREBOX_CLOCK:-}" ]; then     # built "in 2100" (toolchain/tls-check.sh)
	t_exit 75 "clock before the build date: not-yet-valid certificate refused, temporarily (75)" \
		"$WIREBOX_CLOCK" pop3get -S localhost:$SS_future --tls $CA $PAUTH -s
	t_grep "clock before the build date: says the clock is wrong, suggests sntpc -s" \
		"valid before 2099-01-01 00:00:00 UTC, and the system clock is before this program was built: the clock is wrong; set it first, e.g. 'sntpc -s SERVER'" "$T_DIR/err"
fi
cat "$T_DIR"/s_server-*.log > "$T_DIR/s_server.all"
t_nogrep "s_server saw no POP3 command" '^(USER|PASS|APOP|AUTH|CAPA|STAT)' "$T_DIR/s_server.all"

# ---- pop3get: hostile and limited servers -------------------------------------
t_exit 69 "pop3get --starttls: a server without STLS is refused" pop -v -S 127.0.0.1:$(cat "$T_DIR/pop3-plain.port") --starttls $CA $PAUTH -s
t_grep "no STLS: says so" 'STLS' "$T_DIR/err"
t_nogrep "no STLS: no login received" '^(USER|PASS|APOP|AUTH)' "$T_DIR/pop3-plain.log"
t_exit_in "69 76" "pop3get --starttls: a server that refuses STLS (-ERR) is refused" pop -v -S 127.0.0.1:$(cat "$T_DIR/pop3-refuse.port") --starttls $CA $PAUTH -s
t_grep "STLS refused: names the server" '^pop3get: 127\.0\.0\.1(:[0-9]+)?: .*TLS not available' "$T_DIR/err"
t_nogrep "STLS refused: no login sent in plain text" '^(USER|PASS|APOP|AUTH)' "$T_DIR/pop3-refuse.log"
t_exit 76 "pop3get --starttls: data injected after +OK is refused" pop -v -S 127.0.0.1:$(cat "$T_DIR/pop3-inject.port") --starttls $CA $PAUTH -s
t_grep "pop3 injection: says so" 'after its STARTTLS reply.*injection' "$T_DIR/err"
[ "$(tail -n 1 "$T_DIR/pop3-inject.log")" = STLS ] && pass "pop3 injection: STLS was the last line received" ||
	fail "pop3 injection: STLS was the last line received" "$(tail -n 2 "$T_DIR/pop3-inject.log" | tr '\n' '|')"
t_quick 10 75 "pop3get --tls --timeout 2: a silent TLS server times out within --timeout" \
	pop -S 127.0.0.1:$(cat "$T_DIR/tls-silent.port") --tls --timeout 2 $CA $PAUTH -s
t_grep "pop3get silent TLS server: says the handshake timed out" 'TLS handshake timed out' "$T_DIR/err"
t_quick 10 75 "pop3get --starttls --timeout 2: no handshake after +OK times out within --timeout" \
	pop -S 127.0.0.1:$(cat "$T_DIR/pop3-stall.port") --starttls --timeout 2 $CA $PAUTH -s
t_grep "pop3get stalled STLS: says the handshake timed out" 'TLS handshake timed out' "$T_DIR/err"

finish
