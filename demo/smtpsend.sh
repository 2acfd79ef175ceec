#!/bin/sh
# demo/smtpsend.sh - smtpsend through a private Postfix on loopback (part
# of make demo): the -v dialog reads like the course's telnet session
# (HELO / MAIL FROM / RCPT TO / DATA / .), then the delivered Maildir file.
set -u
cd "$(dirname "$0")/.."
WB=${WIREBOX:-./wirebox}
if ! "$WB" --list | grep -qx smtpsend; then
	echo "smtpsend is not compiled in"; exit 0
fi
if ! command -v postfix >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
	echo "needs root and Postfix (apt-get install postfix dovecot-core): demo skipped"; exit 0
fi
D=$(mktemp -d /tmp/wirebox-demo.XXXXXX)
chmod 755 "$D"
trap 'sh tests/smtp/mta.sh stop "$D/mta"; rm -rf "$D"' EXIT INT TERM
if ! sh tests/smtp/mta.sh start "$D/mta" >/dev/null 2>&1; then
	echo "could not start the private Postfix: demo skipped"; exit 0
fi
. "$D/mta/env"
echo "# a private Postfix listens on 127.0.0.1:$MTA_PORT and delivers"
echo "# example.test to Maildirs under $MTA_MAIL"
printf 'From: Router <router@wirebox.test>\nTo: alice@example.test\nSubject: WAN down\n\nThe WAN link went down at %s.\n.\nA line with only a dot, sent stuffed as "..".\n' "$(date -u +%H:%M)" > "$D/msg"
echo
echo "\$ $WB smtpsend -v -t -S 127.0.0.1:$MTA_PORT < msg"
"$WB" smtpsend -v -t -S 127.0.0.1:"$MTA_PORT" < "$D/msg"
echo "(exit $?)"
i=0; while [ -z "$(ls "$MTA_MAIL/alice/new" 2>/dev/null)" ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
f=$(ls "$MTA_MAIL/alice/new/"* 2>/dev/null | head -n 1)
echo
echo "# delivered: ${f:-nothing}"
[ -z "$f" ] || cat "$f"
echo
echo "# a rejected recipient: the others still get it, exit 67 (EX_NOUSER)"
echo "\$ $WB smtpsend -S 127.0.0.1:$MTA_PORT alice@example.test nobody@example.test < msg"
"$WB" smtpsend -S 127.0.0.1:"$MTA_PORT" alice@example.test nobody@example.test < "$D/msg"
echo "(exit $?)"
"$WB" smtpsend --help | grep -q -- "--queue DIR" || exit 0
echo
echo "# the offline queue: what cannot go now (450 for temp@) is stored, exit 0;"
echo "# --queue-only stores without trying (the uplink is down)"
echo "\$ $WB smtpsend --queue queue -S 127.0.0.1:$MTA_PORT temp@example.test < msg"
"$WB" smtpsend --queue "$D/queue" -S 127.0.0.1:"$MTA_PORT" temp@example.test < "$D/msg"
echo "(exit $?)"
echo "\$ $WB smtpsend --queue queue --queue-only -S 127.0.0.1:$MTA_PORT alice@example.test < msg"
"$WB" smtpsend --queue "$D/queue" --queue-only -S 127.0.0.1:"$MTA_PORT" alice@example.test < "$D/msg"
echo "(exit $?)"
echo "\$ $WB mailq --queue queue"
"$WB" mailq --queue "$D/queue"
echo
echo "# the link is back: -q sends what is due; temp@ is deferred again, exit 75"
echo "\$ $WB smtpsend -q -v --queue queue 2>&1 | grep '^smtpsend'"
"$WB" smtpsend -q -v --queue "$D/queue" 2>&1 | grep '^smtpsend'
echo "\$ $WB mailq --queue queue"
"$WB" mailq --queue "$D/queue"
