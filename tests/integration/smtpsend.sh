#!/bin/sh
# smtpsend against a private Postfix (Maildir delivery, Dovecot SASL) and
# scripted fake servers for the edge cases, all on loopback.
. "$(dirname "$0")/../lib.sh"
W=$WB
SMTP=$TOP/tests/smtp

chmod 755 "$T_DIR"   # Postfix and virtual(8) run as other users
sh "$SMTP/mta.sh" start "$T_DIR/mta" || { fail "private Postfix starts"; finish; exit 1; }
at_exit "sh '$SMTP/mta.sh' stop '$T_DIR/mta'"
. "$T_DIR/mta/env"
S="-S 127.0.0.1:$MTA_PORT"

# fake MODE: start a scripted server, sets FP (port) and FL (its log)
fake() {
	FL=$T_DIR/fake.$1.log
	/usr/bin/python3 "$SMTP/fakesmtp.py" "$T_DIR/fake.$1.port" "$FL" "$1" 2>>"$T_DIR/fake.err" &
	at_exit "kill $!"
	i=0; while [ ! -s "$T_DIR/fake.$1.port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
	FP=$(cat "$T_DIR/fake.$1.port")
}
# files in a Maildir (delivery is asynchronous: wait up to 10 s for want)
count() { find "$MTA_MAIL/$1/new" -type f 2>/dev/null | wc -l; }
wait_count() {
	i=0; while [ "$(count "$1")" -lt "$2" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
	[ "$(count "$1")" -ge "$2" ]
}
newest() { ls -t "$MTA_MAIL/$1/new/"* | head -n 1; }
# the delivered file from our first header on (Postfix adds its own above)
from_marker() { sed -n '/^X-Wirebox-Test:/,$p' "$1"; }

# ---- plain send, byte-for-byte: dot lines, 8-bit body, bare CR/LF ends
printf 'X-Wirebox-Test: 1\nFrom: sender@wirebox.test\nDate: Fri, 27 Nov 2026 00:00:00 +0000\nMessage-ID: <t1@wirebox.test>\nSubject: dots and 8bit\n\n.\n..\n. leading dot\n.\r\nline with CRLF\r\n\351t\351 caf\303\251 \377\200\n\nlast line without newline' > "$T_DIR/m1"
t_exit 0 "plain send to one recipient" $W smtpsend -v $S alice@example.test < "$T_DIR/m1"
t_grep "8-bit body declared BODY=8BITMIME" "MAIL FROM:<sender@wirebox.test> SIZE=[0-9]+ BODY=8BITMIME" "$T_DIR/err"
t_grep "SIZE is the exact CRLF size" "SIZE=$(/usr/bin/python3 -c 'import sys,re; d=open(sys.argv[1],"rb").read(); d=re.sub(rb"\r\n|\r|\n", b"\r\n", d); print(len(d)+(0 if d.endswith(b"\r\n") else 2))' "$T_DIR/m1") " "$T_DIR/err"
if wait_count alice 1; then
	/usr/bin/python3 -c 'import sys,re; d=open(sys.argv[1],"rb").read(); d=re.sub(rb"\r\n|\r|\n", b"\n", d); sys.stdout.buffer.write(d if d.endswith(b"\n") else d+b"\n")' "$T_DIR/m1" > "$T_DIR/m1.want"
	from_marker "$(newest alice)" > "$T_DIR/m1.got"
	if cmp -s "$T_DIR/m1.want" "$T_DIR/m1.got"; then pass "delivered body identical (dots unstuffed, 8-bit intact)"
	else fail "delivered body identical" "$(cmp "$T_DIR/m1.want" "$T_DIR/m1.got" 2>&1)"; fi
else fail "message delivered to alice"; fi
t_grep "PIPELINING: MAIL, RCPT, DATA sent before the first reply" "C: MAIL FROM.*\|C: RCPT TO:<alice@example.test>\|C: DATA\|S: 250 2.1.0" "$(tr '\n' '|' < "$T_DIR/err" > "$T_DIR/err1"; echo "$T_DIR/err1")"
t_grep "success only after the 250 to the final dot" "C: \.\|S: 250 2.0.0 Ok: queued" "$T_DIR/err1"

# ---- without PIPELINING and 8BITMIME (a listener that hides them)
printf 'Subject: plain ascii\n\nhello\n' > "$T_DIR/m2"
t_exit 0 "send without PIPELINING" $W smtpsend -v -S 127.0.0.1:$MTA_NOPIPE_PORT -f sender@wirebox.test bob@example.test < "$T_DIR/m2"
tr '\n' '|' < "$T_DIR/err" > "$T_DIR/err1"
t_grep "lock-step when PIPELINING is absent" "C: MAIL FROM:<sender@wirebox.test> SIZE=[0-9]+\|S: 250 2.1.0 Ok\|C: RCPT TO:<bob@example.test>\|S: 250 2.1.5 Ok\|C: DATA\|S: 354 [^|]*\|C: \[" "$T_DIR/err1"
wait_count bob 1 && t_nogrep "... and nothing but the message after DATA" "RCPT TO" "$(newest bob)"
t_exit 69 "8-bit file to a server without 8BITMIME refused before MAIL" $W smtpsend -S 127.0.0.1:$MTA_NOPIPE_PORT bob@example.test < "$T_DIR/m1"
t_grep "... saying why" "8-bit data.*8BITMIME" "$T_DIR/err"
n=$(count bob)
t_exit 0 "--force-8bit sends it anyway" $W smtpsend --force-8bit -S 127.0.0.1:$MTA_NOPIPE_PORT bob@example.test < "$T_DIR/m1"
wait_count bob $((n + 1)) && pass "forced 8-bit message delivered" || fail "forced 8-bit message delivered"
/usr/bin/python3 -c 'import sys; sys.stdout.buffer.write(b"Subject: big pipe\n\n" + (b"x"*70 + b"\n")*2000 + b"caf\xc3\xa9\n")' > "$T_DIR/m8"
n=$(count bob)
cat "$T_DIR/m8" | $W smtpsend -S 127.0.0.1:$MTA_NOPIPE_PORT bob@example.test >"$T_DIR/out" 2>"$T_DIR/err"
t_true "8-bit late in a pipe to a server without 8BITMIME: exit 65 (EX_DATAERR)" [ $? -eq 65 ]
sleep 1
t_true "... and nothing delivered (connection dropped before the dot)" [ "$(count bob)" -eq "$n" ]
$W smtpsend -v -S 127.0.0.1:$MTA_NOPIPE_PORT bob@example.test < "$T_DIR/m8" >"$T_DIR/out" 2>"$T_DIR/err"
t_true "8-bit late in a regular file to a server without 8BITMIME: found by the scan, exit 69" [ $? -eq 69 ]
t_nogrep "... before MAIL (nothing sent)" "C: MAIL" "$T_DIR/err"
sleep 0.5
t_true "... and nothing delivered" [ "$(count bob)" -eq "$n" ]
# SIZE of a file larger than the 64 KiB head: exact, bare LFs counted
{ printf 'From: s@wirebox.test\nDate: Fri, 27 Nov 2026 00:00:00 +0000\nMessage-ID: <m9@wirebox.test>\n'; cat "$T_DIR/m8"; } > "$T_DIR/m9"
t_exit 0 "a 140 KB LF file sent with its SIZE" $W smtpsend -v $S bob@example.test < "$T_DIR/m9"
t_grep "... SIZE exact, never under-declared (RFC 1870)" "MAIL FROM:<[^>]*> SIZE=$(/usr/bin/python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); print(len(d.replace(b"\n", b"\r\n")))' "$T_DIR/m9") " "$T_DIR/err"

# ---- recipient policy
n=$(count alice)
t_exit 67 "one of two recipients rejected: exit 67" $W smtpsend $S alice@example.test nobody@example.test < "$T_DIR/m2"
t_grep "rejected recipient named with the server's text" "RCPT TO:<nobody@example.test>: 550 5.1.1 .*User unknown" "$T_DIR/err"
wait_count alice $((n + 1)) && pass "accepted recipient still got it" || fail "accepted recipient still got it"
t_exit 67 "all recipients rejected: exit 67" $W smtpsend $S nobody@example.test noone@example.test < "$T_DIR/m2"
t_grep "... nothing sent" "all 2 recipients refused" "$T_DIR/err"
n=$(count alice)
t_exit 75 "a 4xx on one recipient: exit 75" $W smtpsend $S alice@example.test temp@example.test < "$T_DIR/m2"
t_grep "... naming it" "RCPT TO:<temp@example.test>: 450 4.2.0" "$T_DIR/err"
sleep 1
t_true "... and sent to nobody (a retry reaches each once)" [ "$(count alice)" -eq "$n" ]

# ---- -t with To/Cc/Bcc (folded, group, comments, quoted), Bcc removed
na=$(count alice) nb=$(count bob) nc=$(count carol)
printf 'X-Wirebox-Test: t\nFrom: "Sender, Esq." <sender@wirebox.test>\nTo: Alice (the first)\n <alice@example.test>\nCc: friends: "bob"@example.test;\nBcc: carol@example.test\nSubject: -t\n\nbody\n' > "$T_DIR/m3"
t_exit 0 "-t reads To/Cc/Bcc" $W smtpsend -t $S < "$T_DIR/m3"
if wait_count alice $((na + 1)) && wait_count bob $((nb + 1)) && wait_count carol $((nc + 1)); then
	pass "-t: To, Cc (group, quoted local part) and Bcc recipients all got it"
	t_nogrep "-t: Bcc header removed (Cc copy)" "^Bcc:|carol" "$(newest bob)"
	from_marker "$(newest carol)" > "$T_DIR/carol.got"
	t_nogrep "-t: Bcc header removed (Bcc copy)" "^Bcc:|carol@" "$T_DIR/carol.got"
	t_grep "-t: envelope sender from the header From" "^Return-Path: <sender@wirebox.test>" "$(newest alice)"
else fail "-t: all three recipients got it"; fi
n=$(count alice)
t_exit 0 "a Bcc header without -t" $W smtpsend $S alice@example.test < "$T_DIR/m3"
wait_count alice $((n + 1)) && from_marker "$(newest alice)" > "$T_DIR/bcc.got"
t_nogrep "... is removed all the same" "^Bcc:|carol@" "$T_DIR/bcc.got"
t_grep "... and the rest of the header kept" "^Cc: friends:" "$T_DIR/bcc.got"
na=$((na + 1))
t_exit 64 "-t without recipients is a usage error" $W smtpsend -t $S < "$T_DIR/m2"

# ---- added headers, --rewrite-from, -F
printf 'Subject: bare\n\nbody\n' | $W smtpsend $S -f sender@wirebox.test -F 'Cron Daemon' alice@example.test 2>"$T_DIR/err"
wait_count alice $((na + 2)) && f=$(newest alice)
t_grep "missing Date added (RFC 5322, UTC)" "^Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3][0-9] [A-Z][a-z]{2} 2[0-9]{3} [0-2][0-9]:[0-5][0-9]:[0-6][0-9] \+0000$" "$f"
t_true "... today's date" grep -q "^Date: $(date -u '+%a, %d %b %Y')" "$f"
t_grep "missing Message-ID added" "^Message-ID: <[0-9a-f]+@wirebox.test>" "$f"
t_grep "missing From added from the sender and -F" '^From: "Cron Daemon" <sender@wirebox.test>' "$f"
printf 'Subject: utf-8 name\n\nbody\n' | $W smtpsend $S -f sender@wirebox.test -F "$(printf 'Andr\303\251 Gr\303\274n')" alice@example.test 2>"$T_DIR/err"
wait_count alice $((na + 3)) && f=$(newest alice)
t_grep "-F with non-ASCII: an RFC 2047 encoded-word" "^From: =\?UTF-8\?B\?$(printf 'Andr\303\251 Gr\303\274n' | base64)\?= <sender@wirebox.test>" "$f"
na=$((na + 1))
printf 'From: me@elsewhere.test\nSubject: rewrite\n\nbody\n' | $W smtpsend $S --from account@wirebox.test --rewrite-from alice@example.test 2>"$T_DIR/err"
wait_count alice $((na + 3)) && f=$(newest alice)
t_grep "--rewrite-from sets the header From" "^From: account@wirebox.test" "$f"
t_nogrep "--rewrite-from drops the old From" "me@elsewhere" "$f"

t_exit 0 "sender from \$LOGNAME when nothing else names one" env LOGNAME=cronuser USER=other $W smtpsend -v $S --domain wirebox.test alice@example.test < "$T_DIR/m2"
t_grep "... LOGNAME@--domain" "MAIL FROM:<cronuser@wirebox.test>" "$T_DIR/err"
t_exit 0 "... else \$USER" env -u LOGNAME USER=other $W smtpsend -v $S --domain wirebox.test alice@example.test < "$T_DIR/m2"
t_grep "... USER@--domain" "MAIL FROM:<other@wirebox.test>" "$T_DIR/err"
if [ "$(id -u)" = 0 ]; then
	t_exit 0 "... else root for uid 0" env -u LOGNAME -u USER $W smtpsend -v $S --domain wirebox.test alice@example.test < "$T_DIR/m2"
	t_grep "... root@--domain" "MAIL FROM:<root@wirebox.test>" "$T_DIR/err"
fi

# ---- AUTH through Dovecot
A="-S 127.0.0.1:$MTA_AUTH_PORT -au alice"
t_exit 0 "AUTH PLAIN (SMTP_PASSWORD)" env SMTP_PASSWORD=secret $W smtpsend -v -am plain $A bob@example.test < "$T_DIR/m2"
t_grep "... PLAIN used, secret masked" "C: AUTH PLAIN \*\*\*\*" "$T_DIR/err"
t_nogrep "... the secret never shows" "AGFsaWNlAHNlY3JldA|secret" "$T_DIR/err"
t_exit 0 "AUTH LOGIN (--passfile)" sh -c "printf 'secret\n' > '$T_DIR/pw'; chmod 600 '$T_DIR/pw'; $W smtpsend -v --auth login --passfile '$T_DIR/pw' $A bob@example.test < '$T_DIR/m2'"
t_grep "... LOGIN used" "C: AUTH LOGIN" "$T_DIR/err"
printf 'machine 127.0.0.1 login alice password secret\n' > "$T_DIR/netrc"; chmod 600 "$T_DIR/netrc"
t_exit 0 "AUTH CRAM-MD5 chosen as strongest (~/.netrc)" env HOME="$T_DIR" NETRC="$T_DIR/netrc" $W smtpsend -v $A bob@example.test < "$T_DIR/m2"
t_grep "... CRAM-MD5 used" "C: AUTH CRAM-MD5" "$T_DIR/err"
t_exit 0 "--passwordeval" $W smtpsend --passwordeval 'echo secret' $A bob@example.test < "$T_DIR/m2"
t_exit 77 "wrong password: exit 77" env SMTP_PASSWORD=wrong $W smtpsend $A bob@example.test < "$T_DIR/m2"
t_grep "... with the server's text" "AUTH CRAM-MD5: 535 5.7.8" "$T_DIR/err"
t_exit 78 "user without any password source: exit 78" env HOME="$T_DIR/none" $W smtpsend $A bob@example.test < "$T_DIR/m2"
t_exit 0 "-ap works (BusyBox scripts) with a warning" $W smtpsend $A -ap secret bob@example.test < "$T_DIR/m2"
t_grep "... the warning" "shows the password in ps" "$T_DIR/err"

# ---- a 50 MB message: streamed, constant memory
/usr/bin/python3 -c 'import sys
sys.stdout.buffer.write(b"Subject: big\n\n")
l = b"".join(b"%07d .......................................................................\n" % i for i in range(1000))
for i in range(680): sys.stdout.buffer.write(l)' > "$T_DIR/big"
n=$(count carol)
# constant memory: a 1 MB and a 50 MB message need the same (all buffers
# are in use from 64 KiB on), whatever the size
head -c 1048576 "$T_DIR/big" > "$T_DIR/big1"
cc -O2 -o "$T_DIR/maxrss" "$SMTP/maxrss.c" || fail "build tests/smtp/maxrss.c"
# address-space randomisation alone moves a dynamic build's peak RSS by
# ~200 KiB from run to run; without it the figure repeats to the KiB
norand="setarch $(uname -m) -R"
$norand true 2>/dev/null || norand=""
rss0=$($norand "$T_DIR/maxrss" $W smtpsend $S carol@example.test < "$T_DIR/big1" 3>&1 2>"$T_DIR/err")
rss=$($norand "$T_DIR/maxrss" $W smtpsend $S carol@example.test < "$T_DIR/big" 3>&1 2>"$T_DIR/err"); rc=$?
t_true "50 MB message sent (exit $rc)" [ $rc -eq 0 ]
echo "# peak RSS: 1 MB message $rss0 KiB, $(($(stat -c %s "$T_DIR/big") / 1048576)) MB message $rss KiB"
t_true "memory constant: 50 MB costs < 192 KiB more than 1 MB ($rss0 -> $rss KiB)" [ $((rss - rss0)) -lt 192 ]
if wait_count carol $((n + 2)); then
	f=$(newest carol)
	t_true "50 MB body delivered complete" [ "$(sed -n '/^Subject: big/,$p' "$f" | wc -c)" -eq "$(wc -c < "$T_DIR/big")" ]
else fail "50 MB message delivered"; fi
rss=$(cat "$T_DIR/big" | $norand "$T_DIR/maxrss" $W smtpsend $S carol@example.test 3>&1 2>"$T_DIR/err"); rc=$?
t_true "50 MB through a pipe sent (exit $rc)" [ $rc -eq 0 ]
echo "# peak RSS: 50 MB through a pipe $rss KiB"
t_true "memory constant: 50 MB through a pipe < 192 KiB more than 1 MB ($rss KiB)" [ $((rss - rss0)) -lt 192 ]

# ---- local recipients: aliases, --domain, refusal
printf '# aliases\nroot: alice@example.test, bob\ndefault: carol@example.test\n' > "$T_DIR/aliases"
t_exit 0 "aliases: root -> alice, bob (qualified with --domain)" $W smtpsend -v $S --aliases "$T_DIR/aliases" --domain example.test root < "$T_DIR/m2"
t_grep "... alice" "RCPT TO:<alice@example.test>" "$T_DIR/err"
t_grep "... bob" "RCPT TO:<bob@example.test>" "$T_DIR/err"
t_exit 0 "aliases: default entry" $W smtpsend -v $S --aliases "$T_DIR/aliases" daemon < "$T_DIR/m2"
t_grep "... carol" "RCPT TO:<carol@example.test>" "$T_DIR/err"
t_exit 64 "local name without aliases or --domain: usage error" $W smtpsend $S root < "$T_DIR/m2"

# ---- config file
printf 'host 127.0.0.1\nport %s\nfrom cfg@wirebox.test\ndomain example.test\n' "$MTA_PORT" > "$T_DIR/conf"
t_exit 0 "config file: host, port, from, domain (bare 'sendmail -t' style)" $W smtpsend -v -C "$T_DIR/conf" alice < "$T_DIR/m2"
t_grep "... from the config" "MAIL FROM:<cfg@wirebox.test>" "$T_DIR/err"
t_exit 0 "command line wins over the config" $W smtpsend -v -C "$T_DIR/conf" -f cli@wirebox.test alice < "$T_DIR/m2"
t_grep "... -f used" "MAIL FROM:<cli@wirebox.test>" "$T_DIR/err"
printf 'host 127.0.0.1\nuser alice\npassword secret\n' > "$T_DIR/conf2"; chmod 644 "$T_DIR/conf2"
t_exit 78 "config with a password readable by others refused" $W smtpsend -C "$T_DIR/conf2" alice@example.test < "$T_DIR/m2"
t_exit 78 "missing -C file: exit 78" $W smtpsend -C "$T_DIR/nonexistent" alice@example.test < "$T_DIR/m2"
t_exit 78 "unknown config key: exit 78" sh -c "printf 'hots x\n' > '$T_DIR/conf3'; $W smtpsend -C '$T_DIR/conf3' a@b.test < '$T_DIR/m2'"

# ---- sendmail compatibility
ln -sf "$W" "$T_DIR/sendmail"
t_exit 0 "called as sendmail with -t -i -oi -odb -B8BITMIME" "$T_DIR/sendmail" -v -t -i -oi -odb -B8BITMIME $S < "$T_DIR/m3"
t_grep "... -v notes the ignored options" "ignoring sendmail option -odb" "$T_DIR/err"
t_exit 0 "-fADDR (sender glued to -f)" $W smtpsend -v -fglued@wirebox.test $S alice@example.test < "$T_DIR/m2"
t_grep "... used as the envelope sender" "C: MAIL FROM:<glued@wirebox.test>" "$T_DIR/err"
t_exit 64 "101 recipients: usage error (RFC 5321 4.5.3.1.8 guarantees 100)" $W smtpsend $S $(i=0; while [ $i -le 100 ]; do printf 'r%d@example.test ' $i; i=$((i + 1)); done) < "$T_DIR/m2"
t_grep "... saying so" "more than 100 arguments" "$T_DIR/err"
t_exit 64 "unknown option: exit 64" $W smtpsend -Q $S alice@example.test < "$T_DIR/m2"
t_exit 64 "--helo with a line break refused (no command injection)" $W smtpsend --helo "$(printf 'x.test\r\nRSET')" $S alice@example.test < "$T_DIR/m2"
t_exit 64 "bad --timeout: exit 64" $W smtpsend --timeout x $S alice@example.test < "$T_DIR/m2"
t_exit 65 "recipient with a control character refused" $W smtpsend $S "$(printf 'a@example.test\rRSET')" < "$T_DIR/m2"

# ---- scripted servers: the edge cases
fake greet421
t_exit 75 "421 greeting: exit 75" $W smtpsend -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_grep "... with the server's text" "greeting: 421 4.3.2 fake.test too busy" "$T_DIR/err"
fake greet554
t_exit 69 "554 greeting: exit 69" $W smtpsend -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
fake garbage
t_exit 76 "garbage reply: exit 76" $W smtpsend -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_grep "... names the step" "127.0.0.1:$FP: EHLO: reply does not start" "$T_DIR/err"
fake longline
t_exit 76 "over-long reply line: exit 76" $W smtpsend -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
fake noehlo
t_exit 0 "EHLO refused: HELO fallback delivers" $W smtpsend -v -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_grep "... HELO sent" "C: HELO " "$T_DIR/err"
fake drop_after_dot
t_exit 75 "connection lost before the final 250: exit 75, never success" $W smtpsend -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_grep "... names the step" "end of data: connection closed" "$T_DIR/err"
fake drop_in_data
t_exit 69 "message over the server's SIZE refused before MAIL" $W smtpsend -S 127.0.0.1:$FP alice@example.test < "$T_DIR/big"
# 9.5 MB of file, 14 MB with CRLF line ends: over the fake's SIZE 10000000
/usr/bin/python3 -c 'import sys; sys.stdout.buffer.write(b"Subject: short lines\n\n" + b"ab\n" * 3300000)' > "$T_DIR/short"
t_exit 69 "file under the server's SIZE but over it with CRLF line ends: refused before MAIL" $W smtpsend -S 127.0.0.1:$FP alice@example.test < "$T_DIR/short"
t_grep "... with the CRLF size" "message of 1320[0-9]{4} bytes exceeds the server's SIZE 10000000" "$T_DIR/err"
t_exit 75 "connection lost in the middle of the message: exit 75 (no SIGPIPE death)" sh -c "cat '$T_DIR/big' | $W smtpsend -S 127.0.0.1:$FP alice@example.test"
t_grep "... names the step" "DATA \(message\): " "$T_DIR/err"
fake reject_in_data
t_exit 69 "server refusing mid-message with 552: its reply and exit 69, not a retry" sh -c "cat '$T_DIR/big' | $W smtpsend -S 127.0.0.1:$FP alice@example.test"
t_grep "... the server's text" "DATA \(message\): 552 5.3.4 message too big" "$T_DIR/err"
fake silent
t0=$(date +%s)
t_exit 75 "silent server: timeout, exit 75" $W smtpsend --timeout 1 -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_true "... within the timeout" [ $(($(date +%s) - t0)) -le 4 ]
fake slowehlo
t0=$(date +%s)
t_exit 75 "a reply trickled line by line: the timeout bounds the whole reply" $W smtpsend --timeout 1 -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_true "... within the timeout ($(($(date +%s) - t0)) s)" [ $(($(date +%s) - t0)) -le 2 ]
t_grep "... naming the step" "EHLO: .*(timed out|timeout)" "$T_DIR/err"
fake temp_rcpt
t_exit 75 "pipelined 4xx RCPT after 354: exit 75" $W smtpsend -S 127.0.0.1:$FP alice@example.test temp@example.test < "$T_DIR/m2"
sleep 0.3
t_nogrep "... and no message body went out" "^DATA:" "$FL"
fake no8bit
t_exit 69 "fake server without 8BITMIME: 8-bit file refused" $W smtpsend -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m1"
fake auth
t_exit 0 "--serverinfo prints capabilities" $W smtpsend --serverinfo -S 127.0.0.1:$FP
t_grep "... greeting" "^220 ready" "$T_DIR/out"
t_grep "... AUTH line" "^250-AUTH PLAIN LOGIN CRAM-MD5" "$T_DIR/out"
sleep 0.2
t_nogrep "... and sends no mail" "C: MAIL" "$FL"
t_exit 0 "--serverinfo with -au and no password source asks for none" env -u SMTP_PASSWORD $W smtpsend --serverinfo -au alice -S 127.0.0.1:$FP
t_exit 0 "--serverinfo with -au does not run --passwordeval" $W smtpsend --serverinfo -au alice --passwordeval "touch $T_DIR/pwe-ran; echo pw" -S 127.0.0.1:$FP
t_true "... (the helper never ran)" [ ! -e "$T_DIR/pwe-ran" ]
fake auth,auth_refuse_cram
t_exit 0 "a refused mechanism falls back to the next offered" env SMTP_PASSWORD=secret $W smtpsend -v -au alice -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_grep "... CRAM-MD5 then PLAIN" "AUTH PLAIN" "$T_DIR/err"
fake oauth
printf '#!/bin/sh\nprintf "ya29."; head -c 15000 /dev/zero | tr "\\\\0" T; echo\n' > "$T_DIR/token.sh"
t_exit 0 "--auth oauth2 with a 15 KB token from --passwordeval (OAUTHBEARER)" $W smtpsend -v --auth oauth2 -au alice --passwordeval "sh $T_DIR/token.sh" -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_grep "... no initial response past 12288 octets (RFC 4954)" "C: AUTH OAUTHBEARER\$" "$T_DIR/err"
t_grep "... the whole token reached the server" "OAUTH OAUTHBEARER 150[0-9][0-9] bytes" "$FL"
t_exit 0 "--auth xoauth2 with a short token" env SMTP_PASSWORD=ya29.short $W smtpsend --auth xoauth2 -au alice -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_exit 77 "bad bearer token: 334 error challenge answered, then exit 77" env SMTP_PASSWORD=expired $W smtpsend --auth xoauth2 -au alice -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
fake nostarttls
if "$W" smtpsend --starttls -S 127.0.0.1:$FP a@b.test < "$T_DIR/m2" 2>"$T_DIR/err"; then
	fail "--starttls against a server without STARTTLS fails"
else
	rc=$?
	if grep -q "not compiled" "$T_DIR/err"; then t_true "--starttls without TLS compiled in: clear error ($rc)" [ $rc -eq 64 ]
	else t_true "--starttls without the capability: exit 69" [ $rc -eq 69 ]; fi
fi
# ---- TLS: STARTTLS and implicit TLS against Postfix (a TLS build needed)
TW=$W
if "$TW" smtpsend --tls --serverinfo -S 127.0.0.1:1 2>&1 | grep -q "not compiled"; then
	TW=${WIREBOX_TLS:-$TOP/${BUILDROOT:-build}/tls-dyn/wirebox}
	if [ ! -x "$TW" ] && [ -f /usr/include/mbedtls/ssl.h ]; then
		echo "# building a TLS wirebox for the TLS checks"
		mkdir -p "$T_DIR/tlsb"; cp "$TOP/configs/full_defconfig" "$T_DIR/tlsb/.config"
		(cd "$TOP" && make -s BUILD="$T_DIR/tlsb" KCONFIG_CONFIG="$T_DIR/tlsb/.config" olddefconfig &&
		 make -s BUILD="$T_DIR/tlsb" KCONFIG_CONFIG="$T_DIR/tlsb/.config" OUT="$T_DIR/tlsb/wirebox") >/dev/null 2>&1
		TW=$T_DIR/tlsb/wirebox
	fi
fi
if [ -x "$TW" ] && [ -f "${MTA_CA:-}" ]; then
	na=$(count alice)
	t_exit 0 "--starttls with --cafile delivers" env SMTP_PASSWORD=secret $TW smtpsend -v --starttls --cafile "$MTA_CA" -au alice -S 127.0.0.1:$MTA_STARTTLS_PORT alice@example.test < "$T_DIR/m2"
	tr '\n' '|' < "$T_DIR/err" > "$T_DIR/err1"
	t_grep "... EHLO again after STARTTLS, AUTH learned only then" "C: STARTTLS\|S: 220 [^|]*\|(-- [^|]*\|)?C: EHLO [^|]*\|.*250-AUTH.*\|C: AUTH CRAM-MD5" "$T_DIR/err1"
	wait_count alice $((na + 1)) && pass "... and it arrived" || fail "... and it arrived"
	t_exit 0 "--tls (implicit, port 465 style) with AUTH" env SMTP_PASSWORD=secret $TW smtpsend --tls --cafile "$MTA_CA" -au alice -S 127.0.0.1:$MTA_SMTPS_PORT alice@example.test < "$T_DIR/m2"
	t_exit 0 "--serverinfo --starttls shows the TLS details" $TW smtpsend --serverinfo --starttls --cafile "$MTA_CA" -S 127.0.0.1:$MTA_STARTTLS_PORT
	t_grep "... certificate line" "TLS.*(subject|verified)" "$T_DIR/out"
	na=$(count alice)
	t_exit 69 "unverifiable certificate refused: exit 69" $TW smtpsend --starttls -S 127.0.0.1:$MTA_STARTTLS_PORT alice@example.test < "$T_DIR/m2"
	t_grep "... saying why" "STARTTLS: certificate is not signed by a trusted CA" "$T_DIR/err"
	t_exit 69 "--starttls to a server without STARTTLS: exit 69, never plain text" $TW smtpsend -v --starttls -S 127.0.0.1:$MTA_PORT alice@example.test < "$T_DIR/m2"
	t_nogrep "... no MAIL sent" "C: MAIL" "$T_DIR/err"
	fake inject
	t_exit 76 "data injected after the STARTTLS 220 refused: exit 76" $TW smtpsend --starttls --insecure -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
	t_grep "... saying why" "STARTTLS: server sent [0-9]+ bytes after its STARTTLS reply" "$T_DIR/err"
	sleep 1
	t_true "... nothing delivered meanwhile" [ "$(count alice)" -eq "$na" ]
else
	echo "# no TLS build of wirebox (and no libmbedtls-dev to make one): TLS checks skipped"
fi

# ---- issue 9: findings in smtpsend
# nothing reached a fake server: no line at all in its log
no_conn() { if [ -s "$FL" ] && grep -q "^C: " "$FL"; then fail "$1" "$(head -c 300 "$FL" | tr '\n' '|')"; else pass "$1"; fi; }
fake val
printf 'To: alice@example.test\rBcc: carol@example.test\nSubject: bare CR\n\nbody\n' > "$T_DIR/mcr"
t_exit 65 "-t with a bare CR inside a header (To: a\\\\rBcc: s): refused, exit 65" $W smtpsend -t -S 127.0.0.1:$FP < "$T_DIR/mcr"
t_grep "... saying why" "message header: bare CR \(not followed by LF\) in the header field 'To'" "$T_DIR/err"
t_exit 65 "... also without -t (the Bcc line would go out)" $W smtpsend -S 127.0.0.1:$FP alice@example.test < "$T_DIR/mcr"
t_exit 65 "invalid recipient a@b@c: exit 65" $W smtpsend -S 127.0.0.1:$FP 'a@b@c' < "$T_DIR/m2"
t_grep "... naming it" "invalid recipient address 'a@b@c'" "$T_DIR/err"
t_exit 65 "invalid recipient @c: exit 65" $W smtpsend -S 127.0.0.1:$FP '@c' < "$T_DIR/m2"
t_exit 65 "invalid sender -f x@y@z: exit 65" $W smtpsend -S 127.0.0.1:$FP -f 'x@y@z' alice@example.test < "$T_DIR/m2"
t_grep "... naming it" "invalid sender address 'x@y@z'" "$T_DIR/err"
t_exit 65 "unbalanced quoted local part refused" $W smtpsend -S 127.0.0.1:$FP '"a"b"@example.test' < "$T_DIR/m2"
printf 'To: alice@example.test, a@b@c\nSubject: x\n\nbody\n' > "$T_DIR/mbad"
t_exit 65 "-t with an invalid header address (a@b@c): exit 65" $W smtpsend -t -S 127.0.0.1:$FP < "$T_DIR/mbad"
t_exit 65 "invalid address with a control character: cleaned in the message" $W smtpsend -S 127.0.0.1:$FP "$(printf 'a\033[2J@b@c')" < "$T_DIR/m2"
t_nogrep "... no raw escape on stderr" "$(printf '\033')" "$T_DIR/err"
sleep 0.3
no_conn "... and none of these reached the server (validated before connecting)"
t_exit 0 'quoted local part "a\"b"@x with a quoted-pair: sent' $W smtpsend -S 127.0.0.1:$FP '"a\"b"@example.test' < "$T_DIR/m2"
sleep 0.3
t_grep "... as RCPT TO:<\"a\\\\\"b\"@example.test>" 'C: RCPT TO:<"a\\"b"@example.test>' "$FL"

fake auth_504_cram
t_exit 77 "-am cram-md5 --auth-plaintext, server answers 504: exit 77, no fallback" env SMTP_PASSWORD=secret $W smtpsend -am cram-md5 --auth-plaintext -au alice -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_grep "... naming the mechanism" "AUTH CRAM-MD5: AUTH CRAM-MD5 refused \(504 5.5.4 mechanism not available\); trying no other mechanism" "$T_DIR/err"
sleep 0.3
t_nogrep "... AUTH PLAIN never sent (no downgrade)" "C: AUTH (PLAIN|LOGIN)" "$FL"
fake auth_nocram
t_exit 77 "-am cram-md5, server does not list CRAM-MD5: exit 77, nothing tried" env SMTP_PASSWORD=secret $W smtpsend -am cram-md5 --auth-plaintext -au alice -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_grep "... naming the mechanism" "server does not offer AUTH CRAM-MD5" "$T_DIR/err"
sleep 0.3
t_nogrep "... no AUTH command at all" "C: AUTH" "$FL"
t_exit 0 "... without -am the offered PLAIN is used" env SMTP_PASSWORD=secret $W smtpsend -au alice -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"

fake early250
t_exit 76 "a 250 right after the 354 is not the reply to the data: exit 76" $W smtpsend -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_grep "... saying so" "server replied '250 2.0.0 early, right after the 354' before the end of the data" "$T_DIR/err"
sleep 0.3
t_nogrep "... and the final dot was not sent" "^DATA:" "$FL"
fake early250mid
head -c 8000000 "$T_DIR/big" > "$T_DIR/big8"
t_exit 76 "a 250 in the middle of the message is not the reply to the data: exit 76" $W smtpsend -S 127.0.0.1:$FP alice@example.test < "$T_DIR/big8"
t_grep "... saying so" "DATA \(message\): server replied '250 2.0.0 early, before the dot' before the end of the data" "$T_DIR/err"
sleep 0.3
t_nogrep "... and the final dot was not sent" "^DATA:" "$FL"
# a small message: the early 250 may reach us only after our dot (then the
# real 554 answers our QUIT), or before it (not sending the dot): never 0
head -c 4000 "$T_DIR/big" > "$T_DIR/small4k"
fake early250mid
for k in 1 2 3; do
	$W smtpsend -S 127.0.0.1:$FP alice@example.test < "$T_DIR/small4k" >"$T_DIR/out" 2>"$T_DIR/err"
	rc=$?
	t_true "an early 250 with a 4 KB message is never success (run $k: exit $rc)" [ $rc = 69 -o $rc = 76 ]
done
t_grep "... the last run names the server's real word or the early reply" "refused after all|before the end of the data" "$T_DIR/err"

fake authafter
t_exit 69 "AUTH offered only after STARTTLS, no --starttls: says so" env SMTP_PASSWORD=secret $W smtpsend -au alice -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_grep "... and suggests --starttls" "AUTH: server offers AUTH only after STARTTLS: use --starttls" "$T_DIR/err"
if [ -n "${MTA_STARTTLS_PORT:-}" ] && [ -f "${MTA_CA:-}" ]; then
	t_exit 69 "Postfix submission port (AUTH only after STARTTLS) without --starttls: says so" env SMTP_PASSWORD=secret $W smtpsend -au alice -S 127.0.0.1:$MTA_STARTTLS_PORT alice@example.test < "$T_DIR/m2"
	t_grep "... suggesting --starttls" "server offers AUTH only after STARTTLS: use --starttls" "$T_DIR/err"
fi

fake c1
t_exit 0 "--serverinfo from a server sending C1 controls" $W smtpsend --serverinfo -S 127.0.0.1:$FP
t_nogrep "... no raw 0x9b on stdout" "$(printf '\233')" "$T_DIR/out"
t_grep "... escaped instead" 'X-C1 raw \\x9b\[31m and encoded \\xc2\\x9b\[32m' "$T_DIR/out"
t_exit 67 "C1 controls in a RCPT refusal" $W smtpsend -S 127.0.0.1:$FP bad@example.test < "$T_DIR/m2"
t_nogrep "... no raw 0x9b in the error line" "$(printf '\233')" "$T_DIR/err"
t_grep "... escaped" 'unknown \\x9b\[2J user \\xc2\\x9b\[2J here' "$T_DIR/err"

# cron's exact command line: the -f name is qualified, the From and the
# Message-ID take the same domain (the host name without --domain)
host=$(uname -n)
na=$(count alice)
printf 'To: alice@example.test\nSubject: Cron <root@box> run-parts\n\ncron output\n' > "$T_DIR/mcron"
t_exit 0 "cron: sendmail -FCronDaemon -i -odi -oem -oi -t -f root (and -S for the test server)" "$T_DIR/sendmail" -FCronDaemon -i -odi -oem -oi -t -f root $S < "$T_DIR/mcron"
if wait_count alice $((na + 1)); then
	f=$(newest alice)
	t_grep "... delivered with Return-Path <root@$host>" "^Return-Path: <root@$host>$" "$f"
	t_grep "... From: \"CronDaemon\" <root@$host>" "^From: \"CronDaemon\" <root@$host>$" "$f"
	t_grep "... Message-ID in the same domain" "^Message-ID: <[0-9a-f]+@$host>$" "$f"
else fail "cron message delivered"; fi
t_exit 0 "-f MAILER-DAEMON" $W smtpsend -v -f MAILER-DAEMON $S alice@example.test < "$T_DIR/m2"
t_grep "... qualified with the host name" "C: MAIL FROM:<MAILER-DAEMON@$host> " "$T_DIR/err"
t_exit 0 "-f MAILER-DAEMON with --domain" $W smtpsend -v -f MAILER-DAEMON --domain wirebox.test $S alice@example.test < "$T_DIR/m2"
t_grep "... qualified with --domain" "C: MAIL FROM:<MAILER-DAEMON@wirebox.test>" "$T_DIR/err"
t_exit 0 "-f '' stays the null sender" $W smtpsend -v -f '' --domain wirebox.test $S alice@example.test < "$T_DIR/m2"
t_grep "... MAIL FROM:<>" "C: MAIL FROM:<> " "$T_DIR/err"
na=$(count alice)
printf 'Subject: null\n\nbody\n' | $W smtpsend -f '<>' --domain wirebox.test $S alice@example.test 2>"$T_DIR/err"
if wait_count alice $((na + 1)); then
	t_grep "... and the Message-ID takes --domain (not @localhost)" "^Message-ID: <[0-9a-f]+@wirebox.test>$" "$(newest alice)"
else fail "null-sender message delivered"; fi

# --port: digits 1-65535, else a usage error naming the option
t_exit 64 "--port abc: exit 64, not 68" $W smtpsend --port abc alice@example.test < "$T_DIR/m2"
t_grep "... naming the option" "^smtpsend: --port: want a number 1-65535, not 'abc'$" "$T_DIR/err"
t_exit 64 "--port 0: exit 64" $W smtpsend --port 0 alice@example.test < "$T_DIR/m2"
t_exit 64 "--port 65536: exit 64" $W smtpsend --port 65536 alice@example.test < "$T_DIR/m2"
t_exit 64 "-S host:99999: exit 64" $W smtpsend -S 127.0.0.1:99999 alice@example.test < "$T_DIR/m2"
t_exit 0 "--port overrides the port of -S" $W smtpsend -S 127.0.0.1:1 --port "$MTA_PORT" alice@example.test < "$T_DIR/m2"

# BusyBox -w SECS and sendmail -r ADDR
t_exit 0 "-w SECS and -r ADDR (BusyBox/sendmail) against Postfix" $W smtpsend -v -w 10 -r rsender@wirebox.test $S alice@example.test < "$T_DIR/m2"
t_grep "... -r is the envelope sender" "C: MAIL FROM:<rsender@wirebox.test>" "$T_DIR/err"
t_exit 0 "... as sendmail, glued: -w5 -rADDR" "$T_DIR/sendmail" -v -w5 -rglued-r@wirebox.test $S alice@example.test < "$T_DIR/m2"
t_grep "... glued -r used" "C: MAIL FROM:<glued-r@wirebox.test>" "$T_DIR/err"
t_exit 64 "-w x: usage error naming -w" $W smtpsend -w x $S alice@example.test < "$T_DIR/m2"
t_grep "... naming -w" "^smtpsend: -w: want seconds" "$T_DIR/err"
fake silent
t0=$(date +%s)
t_exit 75 "-w 1 is the timeout (silent server)" $W smtpsend -w 1 -S 127.0.0.1:$FP alice@example.test < "$T_DIR/m2"
t_true "... within it" [ $(($(date +%s) - t0)) -le 3 ]

# usage errors from long options read "smtpsend: --OPT: reason"
t_exit 64 "--auth foo: exit 64" $W smtpsend --auth foo alice@example.test < "$T_DIR/m2"
printf "smtpsend: --auth: unknown mechanism 'foo' (want cram-md5, plain, login, oauth2, xoauth2, oauthbearer)\nTry 'smtpsend --help'.\n" > "$T_DIR/want"
t_true "... with exactly this stderr" cmp -s "$T_DIR/want" "$T_DIR/err"
t_exit 64 "-am foo names -am" $W smtpsend -am foo alice@example.test < "$T_DIR/m2"
t_grep "... naming -am" "^smtpsend: -am: unknown mechanism 'foo'" "$T_DIR/err"

# the exit codes of --help are those of docs/smtpsend.md's table
$W smtpsend --help | sed -n '/^Exit:/,$p' | grep -oE '(^|[ ;:])[0-9]{1,2} ' | tr -dc '0-9\n ' | tr ' ' '\n' | grep . | sort -n | uniq > "$T_DIR/help.codes"
sed -n '/^## Exit codes/,/^## /p' "$TOP/docs/smtpsend.md" | grep -oE '^\| [0-9]+ ' | tr -dc '0-9\n' | sort -n | uniq > "$T_DIR/doc.codes"
t_true "exit codes in --help match docs/smtpsend.md ($(tr '\n' ' ' < "$T_DIR/help.codes"))" cmp -s "$T_DIR/help.codes" "$T_DIR/doc.codes"
t_true "... and list exactly the codes smtpsend returns (no 66: a missing --passfile is 78)" sh -c "printf '%s\\n' 0 64 65 67 68 69 70 71 74 75 76 77 78 | cmp -s - '$T_DIR/doc.codes'"

# ---- every example command in docs/smtpsend.md, against the local Postfix
doc_sub() {
	sed -e "s|mail\.example\.net:587 --starttls|127.0.0.1:$MTA_STARTTLS_PORT --starttls --cafile ${MTA_CA:-none}|g" \
	    -e "s|smtp\.example\.net:587|127.0.0.1:$MTA_STARTTLS_PORT|g" \
	    -e "s|mail\.example\.net|127.0.0.1:$MTA_PORT|g" \
	    -e "s|-au router@example\.net|-au alice|g; s|^user router@example\.net|user alice|" \
	    -e "s|/etc/smtpsend\.pass|$T_DIR/pw|g; s|/etc/smtpsend\.aliases|$T_DIR/aliases|g" \
	    -e "s|admin@example\.net|alice@example.test|g; s|router@example\.net|router@wirebox.test|g"
}
sed -n '/^    # \/etc\/smtpsend.conf/,/^$/p' "$TOP/docs/smtpsend.md" | sed 's/^    //' | doc_sub > "$T_DIR/doc.conf"
printf 'cafile %s\n' "${MTA_CA:-none}" >> "$T_DIR/doc.conf"
grep -v '^starttls\|^user\|^passfile\|^cafile' "$T_DIR/doc.conf" | sed "s|^host .*|host 127.0.0.1:$MTA_PORT|" > "$T_DIR/doc-plain.conf"
chmod 600 "$T_DIR/doc.conf" "$T_DIR/doc-plain.conf"
printf 'To: admin@example.net\nSubject: a docs example\n\nhello\n' | doc_sub > "$T_DIR/message"
t_true "docs/smtpsend.md has examples" grep -q '^## Examples' "$TOP/docs/smtpsend.md"
sed -n '/^## Examples/,/^## /p' "$TOP/docs/smtpsend.md" | sed -n 's/^    //p' > "$T_DIR/examples"
t_true "... and a config example" grep -q '^host ' "$T_DIR/doc.conf"
while IFS= read -r ex; do
	bin=$W conf=$T_DIR/doc-plain.conf
	case $ex in *--starttls*|*587*) bin=$TW conf=$T_DIR/doc.conf
		if [ ! -x "$TW" ] || [ ! -f "${MTA_CA:-}" ]; then echo "# no TLS build: skipped docs example: $ex"; continue; fi ;;
	esac
	ln -sf "$bin" "$T_DIR/sendmail"
	cmd=$(printf '%s\n' "$ex" | doc_sub | sed -e "s#\(^\|| \)smtpsend #\1'$bin' smtpsend #" \
	      -e "s#^sendmail #'$T_DIR/sendmail' -C '$conf' #")
	case $cmd in *"'$bin' smtpsend "*|"'$T_DIR/sendmail' "*) ;;
	*) fail "docs example runs: $ex" "not a smtpsend/sendmail command: $cmd"; continue ;; esac
	t_exit 0 "docs example: $ex" sh -c "cd '$T_DIR' && SMTP_PASSWORD= $cmd"
done < "$T_DIR/examples"
if [ -x "$TW" ] && [ -f "${MTA_CA:-}" ]; then
	t_exit 0 "docs config example (STARTTLS, AUTH, passfile, aliases): sendmail -t" sh -c "cd '$T_DIR' && '$TW' smtpsend -C '$T_DIR/doc.conf' -t < message"
fi
ln -sf "$W" "$T_DIR/sendmail"

# a 64-octet label is refused by the resolver itself: no DNS query leaves
t_exit 68 "unknown host: exit 68 (EX_NOHOST)" $W smtpsend -S nosuch-0123456789012345678901234567890123456789012345678901234567890.invalid alice@example.test < "$T_DIR/m2"
t_grep "... naming the server and step" "^smtpsend: nosuch-[0-9]+\.invalid:25: connect: cannot resolve" "$T_DIR/err"
port=$(free_port)
t_exit 75 "connection refused: exit 75" $W smtpsend -S 127.0.0.1:$port alice@example.test < "$T_DIR/m2"
# ---- helper commands (core/run) and config files (issue 9; kept together at the end)
# past the 64 KiB smtpsend reads before it asks for the password
{ printf 'X-Wirebox-Test: pweval\nSubject: stdin is the message\n\n'
  i=0; while [ $i -lt 2000 ]; do echo "filler line $i ......................................"; i=$((i + 1)); done
  echo 'body line kept'; } > "$T_DIR/m-pw"
nb=$(count bob)
t_exit 0 "--passwordeval reading stdin: exit 0" env SMTP_PASSWORD=secret $W smtpsend --passwordeval 'cat >/dev/null; echo "x$SMTP_PASSWORD" > '"'$T_DIR/pw.env'"'; echo secret' $A bob@example.test < "$T_DIR/m-pw"
if wait_count bob $((nb + 1)) && grep -q '^body line kept' "$(newest bob)"; then
	pass "--passwordeval reading stdin: the message is not eaten (stdin /dev/null)"
else fail "--passwordeval reading stdin: the message is not eaten" "$(from_marker "$(newest bob)" | head -5 | tr '\n' '|')"; fi
t_grep "--passwordeval: no \$SMTP_PASSWORD in its environment" '^x$' "$T_DIR/pw.env"
t0=$(date +%s)
t_exit 75 "--passwordeval that hangs: 75 after --timeout" timeout 30 $W smtpsend --timeout 1 --passwordeval 'sleep 1007' $A bob@example.test < "$T_DIR/m2"
t_true "--passwordeval that hangs: given up within seconds" [ $(($(date +%s) - t0)) -lt 10 ]
t_exit 0 "--passwordeval leaving a child in the background: not held" timeout 30 $W smtpsend --passwordeval 'sleep 20 & echo secret' $A bob@example.test < "$T_DIR/m2"
t_true "... done within seconds" [ $(($(date +%s) - t0)) -lt 15 ]
printf 'host 127.0.0.1\n\ntimeout abc\n' > "$T_DIR/conf-v"
t_exit 78 "bad value in a config file: 78, not 64" $W smtpsend -C "$T_DIR/conf-v" alice@example.test < "$T_DIR/m2"
t_grep "... names file and line" "conf-v:3: timeout" "$T_DIR/err"
t_nogrep "... no 'Try --help'" 'Try ' "$T_DIR/err"
printf 'host 127.0.0.1\npasswordeval echo secret\n' > "$T_DIR/conf-w"; chmod 666 "$T_DIR/conf-w"
t_exit 78 "config with a passwordeval others may write: 78" $W smtpsend -C "$T_DIR/conf-w" alice@example.test < "$T_DIR/m2"
printf 'secret\n' > "$T_DIR/pw640"; chmod 640 "$T_DIR/pw640"
t_exit 78 "--passfile the group may read: 78" $W smtpsend --passfile "$T_DIR/pw640" $A bob@example.test < "$T_DIR/m2"
t_exit 78 "missing --passfile: 78, not 66" $W smtpsend --passfile "$T_DIR/nopw" $A bob@example.test < "$T_DIR/m2"
# serverinfo is a command-line action: as a config key it made every
# sendmail -t print capabilities and exit 0 with the mail unsent
printf 'host 127.0.0.1\nserverinfo on\n' > "$T_DIR/conf-si"
t_exit 78 "serverinfo in a config file: 78, no mail silently dropped" $W smtpsend -C "$T_DIR/conf-si" alice@example.test < "$T_DIR/m2"
t_grep "... names file and line" "conf-si:2: .*serverinfo" "$T_DIR/err"
# ---- the queue's command line (the queue itself: tests/integration/queue.sh)
Q=$T_DIR/q-opts
t_exit 78 "-q without a queue: 78" $W smtpsend -q
t_grep "... saying how to name one" "no queue: --queue DIR" "$T_DIR/err"
t_exit 78 "--queue-only without a queue: 78" $W smtpsend --queue-only alice@example.test < "$T_DIR/m2"
t_exit 78 "-odq without a queue: 78" $W sendmail -odq alice@example.test < "$T_DIR/m2"
t_exit 78 "mailq without a queue: 78" $W mailq
t_exit 64 "a bad -q interval: 64" $W smtpsend -q15x --queue "$Q"
t_grep "... naming the option" "^smtpsend: -q: want -q or -qINTERVAL" "$T_DIR/err"
t_exit 64 "-q2d (over a day): 64" $W smtpsend -q2d --queue "$Q"
t_exit 64 "-bx: 64" $W smtpsend -bx --queue "$Q"
t_exit 64 "-b alone: 64" $W smtpsend -b --queue "$Q"
t_exit 64 "--queue-max-size 12q: 64" $W smtpsend --queue-max-size 12q --queue "$Q" -bp
t_exit 64 "--queue-lifetime 0: 64" $W smtpsend --queue-lifetime 0 --queue "$Q" -bp
t_exit 64 "--queue-drop of a name that is no ID: 64" $W smtpsend --queue-drop ../x --queue "$Q"
t_exit 64 "--queue-retry of an unknown ID: 64" $W smtpsend --queue-retry 1796533200.1.0a1b2c3d --queue "$Q"
t_exit 0 "mailq on an empty queue: 0" $W mailq --queue "$Q"
t_grep "... says so" "^queue is empty$" "$T_DIR/out"
t_exit 0 "-bp lists as mailq does" $W smtpsend -bp --queue "$Q"
t_grep "... the same listing" "^queue is empty$" "$T_DIR/out"
t_exit 0 "-bm (sendmail's default mode) sends" $W smtpsend -bm $S alice@example.test < "$T_DIR/m2"
printf 'host 127.0.0.1\nqueue ~/q-home\n' > "$T_DIR/conf-q"
t_exit 0 "'queue ~/DIR' in the config: found by mailq -C" env HOME="$T_DIR" $W mailq -C "$T_DIR/conf-q"
t_true "... ~/ made \$HOME/" [ -d "$T_DIR/q-home/new" ]
t_exit 0 "-q on an empty queue: 0" $W smtpsend -q --queue "$Q"
t_exit 0 "-q as msmtp: 0" $W msmtp -q --queue "$Q"
t_exit 0 "-odq with a queue: stored, 0" $W sendmail -odq -oi --queue "$Q" -f sender@wirebox.test alice@example.test < "$T_DIR/m2"
t_exit 0 "... listed" $W mailq --queue "$Q"
t_grep "... one entry, its sender and recipient" "^[0-9]{10}\.[0-9]+\.[0-9a-f]{8}  .*attempts=0  next=now  <sender@wirebox.test> -> alice@example.test$" "$T_DIR/out"
t_grep "... and the total" "^1 queued, 0 failed, [0-9]+ bytes$" "$T_DIR/out"
t_exit 0 "--queue-drop of it: 0" $W smtpsend --queue-drop "$(ls "$Q/new")" --queue "$Q"
t_exit 0 "... gone" $W mailq --queue "$Q"
t_grep "... the queue is empty again" "^queue is empty$" "$T_DIR/out"
finish
