#!/bin/sh
# queue_hostile2.sh - a second hostile review of smtpsend's queue (issue 12)
# after its changes: the Date replaced at flush time (redate), which
# failures move an entry to failed/, --queue-retry all, the folders above
# DIR, a runner and a one-shot -q together. A scripted server on loopback
# (an inline Python script: one reply per command). Each check states what
# docs/smtpsend.md "Queue" promises.
. "$(dirname "$0")/../lib.sh"
W=$WB
chmod 755 "$T_DIR"
FROM="-f root@example.test"

# ---- the time shim (as queue_hostile.sh): time() and CLOCK_REALTIME moved
cc -shared -fPIC -o "$T_DIR/ts.so" "$TOP/tests/smtp/timeshim.c" -ldl || { fail "build the time shim"; finish; exit 1; }
at() { shift_s=$1; shift; env LD_PRELOAD="$T_DIR/ts.so" TS_SHIFT="$shift_s" "$@"; }
Y1970=-1700000000

cat > "$T_DIR/srv.py" <<'EOF'
import socket, sys, os, time
# srv.py PORTFILE LOG SPEC: SPEC is CMD=reply;... (CMD: GREET EHLO MAIL RCPT DATA DOT STARTTLS AUTH)
portfile, logfile, spec = sys.argv[1], sys.argv[2], sys.argv[3]
rep = dict(kv.split('=', 1) for kv in spec.split(';') if kv)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[4]) if len(sys.argv) > 4 else 0)); s.listen(5)
open(portfile + '.t', 'w').write('%d\n' % s.getsockname()[1]); os.rename(portfile + '.t', portfile)
log = open(logfile, 'a', buffering=1); n = 0
def caps():
    return ['250-fake hello', '250-SIZE 10000000', '250-PIPELINING', '250-8BITMIME', '250-AUTH PLAIN', '250 ENHANCEDSTATUSCODES']
while True:
    c, _ = s.accept(); f = c.makefile('rb')
    snd = lambda t: c.sendall(t.encode() + b'\r\n')
    try:
        if 'FIRST421' in rep and not rep.get('seen'):
            rep['seen'] = 1; snd('421 4.3.2 busy'); c.close(); continue
        snd(rep.get('GREET', '220 fake ready'))
        while True:
            l = f.readline()
            if not l: break
            l = l.rstrip(b'\r\n'); log.write('C: %s\n' % l.decode('utf-8', 'replace'))
            w = l.decode('utf-8', 'replace').split(' '); cmd = w[0].upper()
            if cmd == 'EHLO':
                if 'EHLO' in rep: snd(rep['EHLO'])
                else:
                    for x in caps(): snd(x)
            elif cmd == 'HELO': snd(rep.get('HELO', '250 fake'))
            elif cmd == 'AUTH': snd(rep.get('AUTH', '235 ok'))
            elif cmd == 'MAIL': snd(rep.get('MAIL', '250 ok'))
            elif cmd == 'RCPT':
                a = l.decode().lower()
                snd('550 5.1.1 unknown' if 'bad' in a else '450 4.2.0 later' if 'temp' in a else rep.get('RCPT', '250 ok'))
            elif cmd == 'DATA':
                r = rep.get('DATA', '354 go'); snd(r)
                if not r.startswith('354'): continue
                raw = b''
                while True:
                    d = f.readline()
                    if d == b'': raise EOFError('closed in the data, no dot')
                    if d == b'.\r\n': break
                    raw += d
                n += 1; open('%s.%d.eml' % (logfile, n), 'wb').write(raw)
                log.write('DATA: %d wire bytes\n' % len(raw))
                time.sleep(float(rep.get('SLEEP', '0')))
                snd(rep.get('DOT', '250 2.0.0 queued'))
            elif cmd == 'QUIT': snd('221 bye'); break
            elif cmd == 'RSET': snd('250 ok')
            else: snd('502 no')
    except Exception as ex:
        log.write('ERR %r\n' % ex)
    c.close()
EOF
# srv NAME 'CMD=reply;...': a scripted server; sets P (its port), L (its log)
srv() {
	/usr/bin/python3 "$T_DIR/srv.py" "$T_DIR/$1.port" "$T_DIR/$1.log" "$2" 2>>"$T_DIR/srv.err" &
	at_exit "kill $!"
	i=0; while [ ! -s "$T_DIR/$1.port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
	P=$(cat "$T_DIR/$1.port"); L=$T_DIR/$1.log
}
n_in() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }
DOWN=$(free_port)       # nobody listens there

# ---- 1. redate: the 1970 Date replaced at flush time ----
srv d1 ''
printf 'Subject: redate\n\n.leading dot\n..two\n.\nend\n' > "$T_DIR/m1"
Q=$T_DIR/q1
at $Y1970 $W smtpsend --queue-only -S 127.0.0.1:$P --queue "$Q" $FROM a@example.test < "$T_DIR/m1"
ID=$(ls "$Q/new")
t_grep "1a. an entry queued in 1970 records 'set date added'" '^set date added' "$Q/new/$ID"
$W smtpsend -q --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err"
E=$L.1.eml
if [ -f "$E" ]; then
	t_true "1b. the flush sends exactly one Date header" [ "$(grep -c '^Date:' "$E")" = 1 ]
	t_nogrep "1c. ... and it is not the 1970 one" '^Date:.* 1970 ' "$E"
	# SIZE declared vs the message as sent (RFC 1870: CRLFs in, stuffing dots out)
	size=$(sed -n 's/.*SIZE=\([0-9]*\).*/\1/p' "$L" | tail -1)
	got=$(/usr/bin/python3 -c 'import sys
d=open(sys.argv[1],"rb").read().split(b"\r\n")
print(sum(len(l[1:] if l.startswith(b".") else l)+2 for l in d[:-1]))' "$E")
	if [ -z "$size" ] || [ "$size" -ge "$got" ]; then pass "1d. SIZE ($size) is not below the bytes sent ($got) with the Date replaced"
	else fail "1d. SIZE ($size) is not below the bytes sent ($got) with the Date replaced"; fi
	t_true "1e. ... and exact" [ "${size:-0}" = "$got" ]
	t_grep "1f. the leading-dot lines arrive stuffed" '^\.\.leading dot' "$E"
	t_grep "1g. the lone dot line arrives stuffed" '^\.\.'"$(printf '\r')"'$' "$E"
else fail "1b. the redated entry is sent" "$(cat "$T_DIR/err")"; fi

# the message's own Date (first line) with the clock in 1970: not ours, kept
printf 'Date: Tue, 1 Dec 2026 10:00:00 +0000\nSubject: own date\n\nbody\n' > "$T_DIR/m2"
Q=$T_DIR/q1b
at $Y1970 $W smtpsend --queue-only -S 127.0.0.1:$P --queue "$Q" $FROM a@example.test < "$T_DIR/m2"
ID=$(ls "$Q/new")
t_nogrep "1h. an entry whose message has its own Date: no 'date added'" '^set date added' "$Q/new/$ID"
$W smtpsend -q --queue "$Q" >/dev/null 2>&1
t_grep "1i. ... and its own Date is sent unchanged" '^Date: Tue, 1 Dec 2026 10:00:00' "$L.2.eml"

# ---- 2. which failures move an entry to failed/ ----
# cls NAME SPEC WHERE DESC: one entry queued (server down), flushed against
# SPEC; WHERE (new or failed) is where the docs say it must be after
cls() {
	srv "$1" "$2"
	Q=$T_DIR/q-$1
	$W smtpsend --queue-only -S 127.0.0.1:$P --auth=plain --user alice --passwordeval 'echo secret' \
		--queue "$Q" $FROM ${RCPTS:-a@example.test} < "$T_DIR/m1" 2>/dev/null
	$W smtpsend -q --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err"
	if [ "$(n_in "$Q/$3")" = 1 ]; then pass "$4"
	else fail "$4" "not in $3/: $(cat "$Q"/state/* 2>/dev/null | tr '\n' '|' | head -c 200)"; fi
}
cls c1 'DOT=552 5.3.4 too big' failed "2a. a 552 to the data: failed/"
cls c2 'GREET=554 5.7.1 go away' new "2b. a 554 greeting: kept (retried)"
cls c3 'EHLO=550 no;HELO=550 no' new "2c. a 5xx to EHLO and HELO: kept"
cls c4 'AUTH=535 5.7.8 bad' new "2d. AUTH refused: kept"
cls c5 'MAIL=553 5.7.1 sender refused' failed "2e. a 5xx to MAIL: failed/"
cls c6 'DATA=554 5.7.1 no' failed "2f. a 5xx to DATA: failed/"
cls c7 'DOT=451 4.3.0 later' new "2g. a 451 to the data: kept"
RCPTS="ok@example.test temp@example.test bad@example.test" cls c8 '' new \
	"2h. 250 + 450 + 550 recipients: kept (a 4xx: nobody got it)"
t_nogrep "2i. ... and nothing was sent" '^DATA:' "$T_DIR/c8.log"

# ---- 3. a config file mistyped after the send: a config error, kept ----
Q=$T_DIR/q3
printf 'account default\nhost 127.0.0.1\nport %s\nfrom root@example.test\nqueue %s\n' "$DOWN" "$Q" > "$T_DIR/rc3"
chmod 600 "$T_DIR/rc3"
$W smtpsend -C "$T_DIR/rc3" a@example.test < "$T_DIR/m1" >/dev/null 2>&1
t_true "3a. a send with the server down is queued" [ "$(n_in "$Q/new")" = 1 ]
sed -i "s/^port .*/port 0/" "$T_DIR/rc3"
$W smtpsend -C "$T_DIR/rc3" -q >"$T_DIR/out" 2>"$T_DIR/err"; rc=$?
if [ "$(n_in "$Q/new")" = 1 ]; then pass "3b. 'port 0' typed into the config: the entry is kept (docs: a config error is retried)"
else fail "3b. 'port 0' typed into the config: the entry is kept (docs: a config error is retried)" \
	"exit $rc, moved to failed/: $(grep -h failed "$Q"/state/* | head -c 160)"; fi

# ---- 4. -C with a relative path: the entry must name the same file ----
mkdir -p "$T_DIR/home4" "$T_DIR/cron4"
Q=$T_DIR/q4
printf 'account default\nhost 127.0.0.1\nport %s\nfrom root@example.test\n' "$DOWN" > "$T_DIR/home4/rc"
chmod 600 "$T_DIR/home4/rc"
(cd "$T_DIR/home4" && $W smtpsend -C rc --queue "$Q" a@example.test < "$T_DIR/m1" >/dev/null 2>&1)
ID=$(ls "$Q/new")
t_nogrep "4a. the entry records its config file by an absolute path" '^set config [^/]' "$Q/new/$ID"
# the flusher (cron) runs elsewhere; the server is up again (same host:port
# recorded, so a listener on DOWN stands for it)
/usr/bin/python3 "$T_DIR/srv.py" "$T_DIR/c4.port" "$T_DIR/c4.log" '' "$DOWN" 2>>"$T_DIR/srv.err" &
at_exit "kill $!"
sleep 0.5
(cd "$T_DIR/cron4" && $W smtpsend -q --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err")
if [ "$(n_in "$Q/new")" = 0 ]; then pass "4b. a -q from another folder sends it"
else fail "4b. a -q from another folder sends it" "kept: $(grep -h error "$Q"/state/* | head -c 200)"; fi

# ---- 5. --queue-retry all: failed/ left alone, a busy entry skipped ----
srv r5 'DOT=451 4.3.0 later'
Q=$T_DIR/q5
for a in one two; do
	$W smtpsend --queue-only -S 127.0.0.1:$P --queue "$Q" $FROM $a@example.test < "$T_DIR/m1"
	sleep 1.1
done
$W smtpsend --queue-only -S 127.0.0.1:$P --queue "$Q" $FROM bad@example.test < "$T_DIR/m1"
$W smtpsend -q --queue "$Q" >/dev/null 2>&1      # one, two deferred; bad failed
t_true "5a. two deferred, one failed" [ "$(n_in "$Q/new")" = 2 ] && [ "$(n_in "$Q/failed")" = 1 ]
set -- $(ls "$Q/new")
flock -x "$Q/new/$1" sleep 3 &
FP=$!
sleep 0.3
t_exit 0 "5b. --queue-retry all with an entry being sent: 0" $W smtpsend --queue-retry all --queue "$Q"
t_true "5c. ... failed/ is left alone" [ "$(n_in "$Q/failed")" = 1 ]
$W smtpsend -bp --queue "$Q" > "$T_DIR/bp"
t_true "5d. ... the entry not being sent is due now" [ "$(grep -c "^$2 .*next=now" "$T_DIR/bp")" = 1 ]
t_true "5e. ... the busy one is not touched" [ "$(grep -c "^$1 .*next=in" "$T_DIR/bp")" = 1 ]
t_exit 75 "5f. --queue-retry of the busy entry itself: 75" $W smtpsend --queue-retry "$1" --queue "$Q"
wait $FP

# ---- 6. a runner and one-shot -q together: each entry sent once ----
srv s6 'SLEEP=0.2'
Q=$T_DIR/q6
for i in 1 2 3 4 5 6; do
	$W smtpsend --queue-only -S 127.0.0.1:$P --queue "$Q" $FROM r$i@example.test < "$T_DIR/m1"
done
$W smtpsend -q1 --queue "$Q" >/dev/null 2>&1 &
RP=$!
at_exit "kill $RP"
$W smtpsend -q --queue "$Q" >/dev/null 2>&1 &
Q1=$!
$W smtpsend -q --queue "$Q" >/dev/null 2>&1 &
Q2=$!
$W smtpsend --queue-retry all --queue "$Q" >/dev/null 2>&1
wait_n() { i=0; while [ "$(n_in "$Q/new")" != 0 ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done; }
wait_n; sleep 1.5
kill $RP; wait $RP $Q1 $Q2
t_true "6a. all six sent" [ "$(n_in "$Q/new")" = 0 ]
t_true "6b. ... each exactly once" [ "$(grep -c '^DATA:' "$L")" = 6 ]

# ---- 7. --queue-retry from failed/ while the clock is not yet valid ----
# (a router just booted, before NTP): the docs say the lifetime counts
# again from the retry; it must not expire again on the next attempt
Q=$T_DIR/q7
DOWN7=$(free_port)
$W smtpsend --queue-only --queue-lifetime 2 -S 127.0.0.1:$DOWN7 --queue "$Q" $FROM a@example.test < "$T_DIR/m1"
ID=$(ls "$Q/new")
sleep 3
$W smtpsend -q --queue "$Q" >/dev/null 2>&1
t_true "7a. past its 2 s lifetime, a failed attempt moves it to failed/" [ -f "$Q/failed/$ID" ]
at $Y1970 $W smtpsend --queue-retry "$ID" --queue "$Q"
t_true "7b. --queue-retry in 1970 puts it back" [ -f "$Q/new/$ID" ]
$W smtpsend -q --queue "$Q" >/dev/null 2>&1   # NTP is in now; the server still down
if [ -f "$Q/new/$ID" ]; then pass "7c. the first attempt after that retry defers it (lifetime restarted)"
else fail "7c. the first attempt after that retry defers it (lifetime restarted)" \
	"failed again at once: $(grep -h failed "$Q"/state/* | head -c 160)"; fi

# ---- 8. the folders above DIR ----
# OpenWrt: /var -> /tmp/var, /tmp sticky and writable by all
R=$T_DIR/root8
mkdir -m 755 "$R" && mkdir -m 1777 "$R/tmp" && mkdir -m 755 "$R/tmp/var" && ln -s tmp/var "$R/var"
t_exit 0 "8a. a queue under a /var -> /tmp/var link (sticky /tmp) is used" \
	$W smtpsend --queue-only -S 127.0.0.1:$DOWN --queue "$R/var/spool/smtpsend" $FROM a@example.test < "$T_DIR/m1"
# a user's queue under their own HOME
H=$T_DIR/home8
mkdir -m 755 "$H" && chown nobody "$H"
setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$H" $W smtpsend --queue-only \
	-S 127.0.0.1:$DOWN --queue "$H/.queue" $FROM a@example.test < "$T_DIR/m1" >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc = 0 ]; then pass "8b. a non-root user's queue under their HOME is used"
else fail "8b. a non-root user's queue under their HOME is used" "exit $rc: $(head -c 200 "$T_DIR/err")"; fi
# relative, with .. in it
mkdir -m 755 "$T_DIR/rel8"
(cd "$T_DIR/rel8" && $W smtpsend --queue-only -S 127.0.0.1:$DOWN --queue ../rel8q $FROM a@example.test < "$T_DIR/m1" >"$T_DIR/out" 2>"$T_DIR/err")
rc=$?
t_true "8c. a relative --queue ../DIR is used" [ $rc = 0 ] && [ "$(n_in "$T_DIR/rel8q/new")" = 1 ]
# the link itself in a folder another user can write (not sticky): refused
mkdir -m 777 "$T_DIR/open8" && mkdir -m 755 "$T_DIR/real8" && ln -s ../real8 "$T_DIR/open8/l"
t_exit 75 "8d. a send to a queue reached through a link in a folder writable by all: not queued (75)" \
	$W smtpsend --queue-only -S 127.0.0.1:$DOWN --queue "$T_DIR/open8/l/q" $FROM a@example.test < "$T_DIR/m1"
t_true "8e. ... nothing made behind the link" [ ! -e "$T_DIR/real8/q" ]
t_exit 78 "8f. -q on it: 78" $W smtpsend -q --queue "$T_DIR/open8/l/q"

# ---- 9. redate of a message larger than the 64 KiB read first ----
srv d9 'FIRST421=1'
Q=$T_DIR/q9
{ printf 'Subject: big\n\n'; i=0; while [ $i -lt 3000 ]; do echo ".line $i of a long message, padded out to be long enough"; i=$((i + 1)); done; } > "$T_DIR/m9"
at $Y1970 $W smtpsend -S 127.0.0.1:$P --queue "$Q" $FROM a@example.test < "$T_DIR/m9" >/dev/null 2>&1
ID=$(ls "$Q/new")
t_grep "9a. a large message sent in 1970 and queued records 'date added'" '^set date added' "$Q/new/$ID"
$W smtpsend -q --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err"
E=$L.1.eml
if [ -f "$E" ]; then
	t_true "9b. one Date header" [ "$(grep -c '^Date:' "$E")" = 1 ]
	t_nogrep "9c. ... not the 1970 one" '^Date:.* 1970 ' "$E"
	size=$(sed -n 's/.*SIZE=\([0-9]*\).*/\1/p' "$L" | tail -1)
	got=$(/usr/bin/python3 -c 'import sys
d=open(sys.argv[1],"rb").read().split(b"\r\n")
print(sum(len(l[1:] if l.startswith(b".") else l)+2 for l in d[:-1]))' "$E")
	t_true "9d. SIZE ($size) equals the bytes sent ($got)" [ "${size:-0}" = "$got" ]
	t_true "9e. every line arrived" [ "$(grep -c '^\.\.line ' "$E")" = 3000 ]
else fail "9b. the large redated entry is sent" "$(head -c 300 "$T_DIR/err")"; fi

# ---- 10. whose lifetime: the send's, else the flusher's ----
Q=$T_DIR/q10
DOWN10=$(free_port)
$W smtpsend --queue-only -S 127.0.0.1:$DOWN10 --queue "$Q" $FROM none@example.test < "$T_DIR/m1"
$W smtpsend --queue-only --queue-lifetime 30d -S 127.0.0.1:$DOWN10 --queue "$Q" $FROM long@example.test < "$T_DIR/m1"
sleep 3
$W smtpsend -q --queue-lifetime 2 --queue "$Q" >/dev/null 2>&1
t_true "10a. an entry with no lifetime of its own expires by the flusher's 2 s" \
	[ "$(grep -l none@ "$Q"/failed/* 2>/dev/null | wc -l)" = 1 ]
t_true "10b. the entry with the send's 30d is kept" [ "$(grep -l long@ "$Q"/new/* 2>/dev/null | wc -l)" = 1 ]

# ---- 11. other file settings given relative: --passfile, --logfile ----
Q=$T_DIR/q11
mkdir -p "$T_DIR/home11"
printf 'secret\n' > "$T_DIR/home11/pw"; chmod 600 "$T_DIR/home11/pw"
(cd "$T_DIR/home11" && $W smtpsend --queue-only -S 127.0.0.1:$DOWN10 --auth=plain --user alice \
	--passfile pw --logfile send.log --queue "$Q" $FROM a@example.test < "$T_DIR/m1" >/dev/null 2>&1)
ID=$(ls "$Q/new")
t_nogrep "11a. the entry records --passfile by an absolute path" '^set passfile [^/]' "$Q/new/$ID"
t_nogrep "11b. the entry records --logfile by an absolute path" '^set logfile [^/]' "$Q/new/$ID"
if "$W" --version | grep -q '^TLS: on'; then
	: > "$T_DIR/home11/ca.pem"
	(cd "$T_DIR/home11" && $W smtpsend --queue-only -S 127.0.0.1:$DOWN10 --tls --cafile ca.pem \
		--queue "$T_DIR/q11c" $FROM a@example.test < "$T_DIR/m1" >/dev/null 2>&1)
	t_nogrep "11c. the entry records --cafile by an absolute path (a flusher's cwd must not pick the CA)" \
		'^set cafile [^/]' "$(ls -d "$T_DIR"/q11c/new/* | head -1)"
fi

# ---- 12. -q's exit code with an entry that is not ours (left alone) ----
Q=$T_DIR/q12
$W smtpsend --queue-only -S 127.0.0.1:$DOWN10 --queue "$Q" $FROM a@example.test < "$T_DIR/m1"
ID=$(ls "$Q/new")
chown nobody "$Q/new/$ID"
$W smtpsend -q --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err"; rc=$?
t_true "12a. the entry not ours is left in new/" [ -f "$Q/new/$ID" ]
if [ $rc != 67 ]; then pass "12b. -q does not exit 67 ('moved to failed/') when nothing was moved"
else fail "12b. -q does not exit 67 ('moved to failed/') when nothing was moved" "exit 67: $(head -c 200 "$T_DIR/err")"; fi

# ---- 13. a partial delivery on a full disk, then --queue-retry ----
srv p13 ''
Q=$T_DIR/q13
mkdir -m 700 "$Q" && mount -t tmpfs -o size=64k,mode=700 tmpfs "$Q" && at_exit "umount '$Q'"
$W smtpsend --queue-only -S 127.0.0.1:$P --queue "$Q" $FROM ok@example.test bad@example.test < "$T_DIR/m1"
ID=$(ls "$Q/new")
dd if=/dev/zero of="$Q/fill" bs=1k count=200 2>/dev/null
$W smtpsend -q -v --queue "$Q" >/dev/null 2>"$T_DIR/err13"
rm -f "$Q/fill"
t_grep "13c. the flush said the state could not be saved" 'state|No space' "$T_DIR/err13"
t_true "13a. ok@ got it, bad@ refused" [ "$(grep -c '^DATA:' "$L")" = 1 ]
# no room to record who has it: said (a duplicate, never a loss), and the
# entry kept
t_grep "13b. a partial delivery whose record cannot be saved says a retry would send a second copy" \
	"got it, but that could not be recorded .*second copy" "$T_DIR/err13"
t_true "13d. ... and the entry is kept (failed/)" [ -f "$Q/failed/$ID" ]

finish
