#!/bin/sh
# demo/pop3get.sh - pop3get against a private Dovecot on loopback (part of
# make demo): three messages in, a -v fetch (the password masked) into a
# Maildir, the Maildir listed, the server's mailbox empty afterwards.
set -u
cd "$(dirname "$0")/.."
WB=${WIREBOX:-./wirebox}
if ! "$WB" --list | grep -qx pop3get; then
	echo "pop3get is not compiled in"; exit 0
fi
if ! command -v dovecot >/dev/null 2>&1; then
	echo "needs Dovecot (apt-get install dovecot-core dovecot-pop3d): demo skipped"; exit 0
fi
D=$(mktemp -d /tmp/wirebox-demo.XXXXXX)
trap 'sh tests/pop3/dovecot.sh stop "$D/dovecot"; rm -rf "$D"' EXIT INT TERM
mkdir -p "$D/dovecot" "$D/src"
if ! sh tests/pop3/dovecot.sh start "$D/dovecot" >/dev/null 2>&1; then
	echo "could not start the private Dovecot: demo skipped"; exit 0
fi
PORT=$(cat "$D/dovecot/port")
printf 'From: router@wirebox.test\nSubject: WAN down\n\nThe WAN link went down.\n.\nA line with only a dot.\n' > "$D/src/1"
printf 'From: router@wirebox.test\nSubject: WAN up\n\nBack after 42 s.\n' > "$D/src/2"
printf 'From: cron@wirebox.test\nSubject: disk 91%%\n\nFrom here on, /overlay is tight.\n' > "$D/src/3"
sh tests/pop3/dovecot.sh add "$D/dovecot" alice "$D"/src/*
echo "# a private Dovecot serves POP3 on 127.0.0.1:$PORT; alice has 3 messages"
echo
echo "\$ POP3_PASSWORD=... $WB pop3get -v -S 127.0.0.1:$PORT -u alice --auth user -m Maildir"
POP3_PASSWORD=alice-secret "$WB" pop3get -v -S 127.0.0.1:"$PORT" -u alice --auth user -m "$D/Maildir" 2>&1
echo "(exit $?)"
echo
echo "\$ ls Maildir/new"
ls "$D/Maildir/new"
echo
f=$(ls "$D"/Maildir/new/* | head -n 1)
echo "\$ cat Maildir/new/$(basename "$f")"
cat "$f"
echo
echo "\$ POP3_PASSWORD=... $WB pop3get -S 127.0.0.1:$PORT -u alice -s   # the server keeps nothing"
POP3_PASSWORD=alice-secret "$WB" pop3get -S 127.0.0.1:"$PORT" -u alice -s
