#!/bin/sh
# queue_hostile.sh - a hostile review of smtpsend's queue (issue 12), kept
# as regression checks: each states a promise of the queue (docs/smtpsend.md
# "Queue") that the review first found broken (1-11) or that held under
# attack (12): the 1970 router with TLS, expiry without an attempt, the
# send's lifetime, entries another user planted, unsafe parents, fsync of
# the folders made, -q after a 421, a fork that fails for now, the count
# cap, damaged entries, a Date from 1970, concurrency, secrets, memory. Real Postfix (tests/smtp/
# mta.sh) on loopback; time is moved per process only, by a small
# LD_PRELOAD shim, tests/smtp/timeshim.c (tests/sntp/clockshim.c shifts clock_gettime
# but not time(), which mbedTLS and the queue's IDs use).
. "$(dirname "$0")/../lib.sh"
W=$WB
SMTP=$TOP/tests/smtp

chmod 755 "$T_DIR"   # Postfix, and the "other local user" (nobody), need to get in
sh "$SMTP/mta.sh" start "$T_DIR/mta" || { fail "private Postfix starts"; finish; exit 1; }
at_exit "sh '$SMTP/mta.sh' stop '$T_DIR/mta'"
. "$T_DIR/mta/env"
FROM="-f root@example.test"

# ---- TS_SHIFT=S: time(), gettimeofday() and CLOCK_REALTIME S seconds off
cc -shared -fPIC -o "$T_DIR/ts.so" "$TOP/tests/smtp/timeshim.c" -ldl || { fail "build the time shim"; finish; exit 1; }
at() { shift_s=$1; shift; env LD_PRELOAD="$T_DIR/ts.so" TS_SHIFT="$shift_s" "$@"; }
Y1970=-1700000000       # a router that booted without a clock
D6=518400               # six days

printf 'Subject: hostile\nX-Wirebox-Test: 1\n\nhello\n' > "$T_DIR/m"
count() { find "$MTA_MAIL/$1/new" -type f 2>/dev/null | wc -l; }
wait_count() {
	i=0; while [ "$(count "$1")" -lt "$2" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
	[ "$(count "$1")" -ge "$2" ]
}
n_in() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }

# ---- 1. TLS and the 1970 clock (the issue's own router case) ----
# the TLS build of toolchain/tls-check.sh when the test build has no TLS
TW=$W
if ! "$W" --version | grep -q '^TLS: on'; then
	TW=$TOP/${BUILDROOT:-build}/tls-dyn/wirebox
	[ -x "$TW" ] && "$TW" --version | grep -q '^TLS: on' || TW=""
fi
if [ -z "$TW" ] || [ -z "${MTA_SMTPS_PORT:-}" ]; then
	echo "# no TLS build or no TLS port of the MTA: the 1970 TLS checks skipped"
	[ -z "${CI:-}" ] || fail "1. a TLS build and the MTA's TLS port for the 1970 TLS checks"
else
Q=$T_DIR/q-tls
at $Y1970 $TW smtpsend -S 127.0.0.1:$MTA_SMTPS_PORT --tls --cafile "$MTA_CA" --queue "$Q" \
	$FROM alice@example.test < "$T_DIR/m" >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc = 0 ] && [ "$(n_in "$Q/new")" = 1 ]; then pass "1a. a TLS send with the clock in 1970 is queued (exit 0)"
else fail "1a. a TLS send with the clock in 1970 is queued (exit 0)" "exit $rc, nothing queued: $(head -c 200 "$T_DIR/err")"; fi

Q=$T_DIR/q-tls2
$TW smtpsend --queue-only -S 127.0.0.1:$MTA_SMTPS_PORT --tls --cafile "$MTA_CA" --queue "$Q" \
	$FROM alice@example.test < "$T_DIR/m"
at $Y1970 $TW smtpsend -q --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err"
if [ "$(n_in "$Q/new")" = 1 ] && [ "$(n_in "$Q/failed")" = 0 ]; then
	pass "1b. a -q before NTP (the ifup hook) keeps a TLS entry for later"
else fail "1b. a -q before NTP (the ifup hook) keeps a TLS entry for later" \
	"moved to failed/: $(cat "$Q"/state/* | grep failed | head -c 160)"; fi
c0=$(count alice)
$TW smtpsend -q --queue "$Q" >/dev/null 2>&1
wait_count alice $((c0 + 1))
t_true "1c. ... and the flush after NTP delivers it" [ "$(count alice)" -gt "$c0" ]
fi

# ---- 2. lifetime checked before a first attempt ----
# OpenWrt's sysfixtime starts the clock at the newest file in /etc: in the
# build year ("valid"), but days behind. Server up at the first flush.
Q=$T_DIR/q-life
at -$D6 $W smtpsend --queue-only -S 127.0.0.1:$MTA_PORT --queue "$Q" $FROM bob@example.test < "$T_DIR/m"
c0=$(count bob)
$W smtpsend -q --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err"; rc=$?
wait_count bob $((c0 + 1))
if [ "$(count bob)" -gt "$c0" ]; then pass "2a. an entry never tried is tried once before its lifetime can end it"
else fail "2a. an entry never tried is tried once before its lifetime can end it" \
	"exit $rc, not delivered, in failed/ with: $(grep failed "$Q"/state/* | head -c 100)"; fi

# WAN down for six days, no flush ran meanwhile (hotplug-only setup)
Q=$T_DIR/q-life2
$W smtpsend --queue-only -S 127.0.0.1:$MTA_PORT --queue "$Q" $FROM bob@example.test < "$T_DIR/m"
ID=$(ls "$Q/new")
c0=$(count bob)
at $D6 $W smtpsend -q --queue "$Q" >/dev/null 2>&1
wait_count bob $((c0 + 1))
t_true "2b. six days offline, then the WAN is up: the first -q delivers the never-tried entry" [ "$(count bob)" -gt "$c0" ]

# ---- 3. --queue-retry of an expired entry ----
if [ -f "$Q/failed/$ID" ]; then
	t_exit 0 "3a. --queue-retry of the expired entry: 0" at $D6 $W smtpsend --queue-retry "$ID" --queue "$Q"
	at $D6 $W smtpsend -q --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err"
	wait_count bob $((c0 + 1))
	if [ "$(count bob)" -gt "$c0" ]; then pass "3b. ... and the next -q tries it"
	else fail "3b. ... and the next -q tries it" "back in failed/ without an attempt: $(grep failed "$Q"/state/*)"; fi
fi

# ---- 4. --queue-lifetime given to the send ----
Q=$T_DIR/q-life3
$W smtpsend --queue-only --queue-lifetime 30d -S 127.0.0.1:$MTA_PORT --queue "$Q" $FROM carol@example.test < "$T_DIR/m"
c0=$(count carol)
at $D6 $W smtpsend -q --queue "$Q" >/dev/null 2>&1
wait_count carol $((c0 + 1))
if [ "$(count carol)" -gt "$c0" ]; then pass "4. --queue-lifetime 30d on the send: alive (and sent) after 6 days"
else fail "4. --queue-lifetime 30d on the send: alive (and sent) after 6 days" \
	"$(grep failed "$Q"/state/*)"; fi

# ---- 5. the trust check: folders and entries of another user ----
# DIR was 0777: smtpsend refuses it (78); meanwhile nobody plants new/ and
# an entry; the admin does what the message says (chmod 700 DIR); root's
# flush then runs the planted entry's -H command as root.
Q=$T_DIR/q-trust
mkdir -m 777 "$Q"
t_exit 78 "5a. a queue writable by others is refused (78)" $W smtpsend -q --queue "$Q"
setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c '
	mkdir "$1/new" && printf "smtpsend-queue 1\ninjected 1796533200 valid\nfrom a@example.test\nrcpt b@example.test\nset via id -u > $2\nend\nSubject: x\n\nx\n" > "$1/new/1796533200.1.0a1b2c3d"' \
	sh "$Q" "$T_DIR/pwned"
chmod 700 "$Q"
$W smtpsend -q --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err"; rc=$?
if [ -s "$T_DIR/pwned" ]; then
	fail "5b. an entry planted by another user is not run" "exit $rc; the planted -H command ran as uid $(cat "$T_DIR/pwned")"
else pass "5b. an entry planted by another user is not run (exit $rc)"; fi

# a parent folder of another user: he moves the queue away under root
P=$T_DIR/parent
mkdir -m 755 "$P" && chown nobody "$P"
Q=$P/q
$W smtpsend -S 127.0.0.1:1 --queue "$Q" $FROM alice@example.test < "$T_DIR/m" 2>/dev/null
setpriv --reuid=nobody --regid=nogroup --clear-groups mv "$Q" "$P/gone"
$W mailq --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err"; rc=$?
if grep -q "^1 queued" "$T_DIR/out" || [ $rc = 78 ]; then
	pass "5c. a queue under another user's folder: refused (78) or the message still there"
else fail "5c. a queue under another user's folder: refused (78) or the message still there" \
	"exit $rc, mailq says: $(tail -n 1 "$T_DIR/out"); the entry is in $P/gone"; fi

# ---- 6. durability of a fresh queue directory ----
if command -v strace >/dev/null 2>&1; then
	Q=$T_DIR/q-fresh/sub/q
	strace -f -o "$T_DIR/strace" -e trace=mkdir,mkdirat,openat,fsync,fdatasync \
		$W smtpsend --queue-only -S 127.0.0.1:1 --queue "$Q" $FROM alice@example.test < "$T_DIR/m"
	# every folder made (mkdirat(FD, NAME) = 0, or mkdir) is followed by an
	# fsync of the folder holding it (FD); each mkdir(PATH) counts as unsynced
	miss=$(awk '
		/mkdirat\([0-9]+, .*\) *= 0$/ { s = $0; sub(/.*mkdirat\(/, "", s); sub(/,.*/, "", s); want[s] = 1; n++ }
		/mkdir\(".*\) *= 0$/ { bad++ }
		/fsync\([0-9]+\)/ { s = $0; sub(/.*fsync\(/, "", s); sub(/\).*/, "", s); if (s in want) { delete want[s] } }
		END { for (k in want) m++; print (m + bad) " " n }' "$T_DIR/strace")
	if [ "${miss%% *}" = 0 ] && [ "${miss#* }" -ge 3 ]; then
		pass "6. every folder a fresh queue makes (parents, DIR, new/ ...) is fsynced in its parent"
	else fail "6. every folder a fresh queue makes (parents, DIR, new/ ...) is fsynced in its parent" \
		"unsynced, made: $miss; $(grep -E 'mkdir|fsync' "$T_DIR/strace" | tr '\n' '|' | head -c 600)"; fi
fi

# ---- 7. sendmail -q: try now ----
# a relay on a fixed port: "421" while $T_DIR/down exists, else Postfix
RP=$(free_port)
cat > "$T_DIR/relay.py" <<'EOF'
import os, socket, sys, threading
port, target, down = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', port)); s.listen(16)
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            b.sendall(d)
    except OSError: pass
    for x in (a, b):
        try: x.shutdown(socket.SHUT_RDWR)
        except OSError: pass
while True:
    c, _ = s.accept()
    if os.path.exists(down):
        c.sendall(b'421 4.3.2 down for now\r\n'); c.close(); continue
    u = socket.create_connection(('127.0.0.1', target))
    threading.Thread(target=pipe, args=(c, u), daemon=True).start()
    threading.Thread(target=pipe, args=(u, c), daemon=True).start()
EOF
touch "$T_DIR/down"
/usr/bin/python3 "$T_DIR/relay.py" "$RP" "$MTA_PORT" "$T_DIR/down" 2>/dev/null &
at_exit "kill $!"
wait_port "$RP"
Q=$T_DIR/q-backoff
t_exit 0 "7a. queued while the server says 421" $W smtpsend -S 127.0.0.1:$RP --queue "$Q" $FROM alice@example.test < "$T_DIR/m"
t_exit 75 "7b. the ifup hook's -q: still 421, deferred (75)" $W smtpsend -q --queue "$Q"
rm -f "$T_DIR/down"
c0=$(count alice)
$W smtpsend -q --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err"; rc=$?
wait_count alice $((c0 + 1))
if [ "$(count alice)" -gt "$c0" ]; then pass "7c. the ntp hook's -q a few seconds later (server up) delivers it"
else fail "7c. the ntp hook's -q a few seconds later (server up) delivers it" \
	"exit $rc, not even tried; mailq: $($W mailq --queue "$Q" | head -n 1 | cut -c1-90)"; fi

# ---- 8. a temporary local failure (fork: EAGAIN) is not permanent ----
Q=$T_DIR/q-fork
mkdir -m 700 "$Q" && chown nobody "$Q"
setpriv --reuid=nobody --regid=nogroup --clear-groups $W smtpsend --queue-only \
	-S 127.0.0.1:$MTA_AUTH_PORT -au alice --passwordeval 'echo secret' --queue "$Q" \
	$FROM alice@example.test < "$T_DIR/m"
setpriv --reuid=nobody --regid=nogroup --clear-groups prlimit --nproc=1 \
	$W smtpsend -q --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err"; rc=$?
if [ "$(n_in "$Q/failed")" = 0 ]; then pass "8. passwordeval cannot fork for now (EAGAIN): the entry is kept (exit $rc)"
else fail "8. passwordeval cannot fork for now (EAGAIN): the entry is kept" \
	"exit $rc, moved to failed/: $(grep failed "$Q"/state/*)"; fi

# ---- 9. more entries than one listing holds: the count cap stops at what
# a listing and a flush see (QUEUE_LIST_MAX, 1024)
$W smtpsend --queue-only --queue-max-count 1025 -S 127.0.0.1:1 --queue "$T_DIR/q-many" \
	$FROM alice@example.test < "$T_DIR/m" >/dev/null 2>&1; rc=$?
t_true "9. --queue-max-count above 1024 (what one flush sees) is refused (64)" [ $rc = 64 ]

# ---- 10. a damaged entry ----
Q=$T_DIR/q-damaged
$W smtpsend -q --queue "$Q" >/dev/null 2>&1
printf 'garbage\n' > "$Q/new/1796533200.1.0a1b2c3d"
$W smtpsend -q --queue "$Q" >"$T_DIR/out" 2>"$T_DIR/err"; rc=$?
if [ $rc != 67 ] || [ "$(n_in "$Q/failed")" = 1 ]; then pass "10. -q's 67 means an entry was moved to failed/"
else fail "10. -q's 67 means an entry was moved to failed/" \
	"exit 67, the damaged entry stays in new/ (and is reported on stderr by every cron run)"; fi

# ---- 11. headers added with an invalid clock ----
Q=$T_DIR/q-date
at $Y1970 $W smtpsend --queue-only -S 127.0.0.1:$MTA_PORT --queue "$Q" $FROM carol@example.test < "$T_DIR/m"
c0=$(count carol)
$W smtpsend -q --queue "$Q" >/dev/null 2>&1
wait_count carol $((c0 + 1))
f=$(ls -t "$MTA_MAIL/carol/new/"* | head -n 1)
if grep -q "^Date: .* 19[67][0-9] " "$f" || [ "$(grep -c '^Date:' "$f")" != 1 ] ||
   ! grep -q "^Date: .* $(date -u +%Y) " "$f"; then
	fail "11. a message queued before NTP goes out with one Date, of the flush" "$(grep '^Date:' "$f")"
else pass "11. a message queued before NTP goes out with one Date, of the flush"; fi

# ---- what held (sound) ----
Q=$T_DIR/q-conc
i=0
while [ $i -lt 20 ]; do
	$W smtpsend --queue-only -S 127.0.0.1:$MTA_PORT --queue "$Q" $FROM bob@example.test < "$T_DIR/m" &
	pids="${pids:-} $!"
	i=$((i + 1))
done
wait $pids
t_true "12a. 20 concurrent enqueues: 20 entries" [ "$(n_in "$Q/new")" = 20 ]
c0=$(count bob)
pids=
for k in 1 2 3; do $W smtpsend -q --queue "$Q" >/dev/null 2>&1 & pids="$pids $!"; done
wait $pids
wait_count bob $((c0 + 20))
sleep 1
t_true "12b. three concurrent -q: each delivered exactly once" [ "$(count bob)" = $((c0 + 20)) ]
t_true "12c. ... the queue is empty" [ "$(n_in "$Q/new")" = 0 ]

Q=$T_DIR/q-secret
printf 'host 127.0.0.1\nport 1\nuser alice\npassword secret\n' > "$T_DIR/conf-s"
chmod 600 "$T_DIR/conf-s"
$W smtpsend -C "$T_DIR/conf-s" --queue "$Q" $FROM alice@example.test < "$T_DIR/m" 2>/dev/null
$W smtpsend -S 127.0.0.1:1 -au alice -ap secret --queue "$Q" $FROM alice@example.test < "$T_DIR/m" 2>/dev/null
SMTP_PASSWORD=secret $W smtpsend -S 127.0.0.1:1 -au alice --queue "$Q" $FROM alice@example.test < "$T_DIR/m" 2>/dev/null
t_true "12d. 3 sends with a password queued" [ "$(n_in "$Q/new")" = 3 ]
t_true "12e. no password in the queue (config, -ap, SMTP_PASSWORD)" sh -c "! grep -rq secret '$Q'"

Q=$T_DIR/q-big
python3 -c "
import sys
sys.stdout.write('Subject: big\n\n'); l = 'x' * 76 + '\n'
sys.stdout.write(l * (50 * 1024 * 1024 // 77))" > "$T_DIR/big"
/usr/bin/time -f "%M" -o "$T_DIR/rss1" $W smtpsend --queue-max-size 64M -S 127.0.0.1:$MTA_PORT --queue-only \
	--queue "$Q" $FROM alice@example.test < "$T_DIR/big"
/usr/bin/time -f "%M" -o "$T_DIR/rss2" $W smtpsend -q --queue "$Q"
t_true "12f. 50 MB through the queue: max RSS under 8 MB ($(cat "$T_DIR/rss1") / $(cat "$T_DIR/rss2") kB)" \
	[ "$(cat "$T_DIR/rss1")" -lt 8192 -a "$(cat "$T_DIR/rss2")" -lt 8192 ]
rm -f "$T_DIR/big"

finish
