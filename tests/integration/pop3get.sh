#!/bin/sh
# pop3get against a private Dovecot (tests/pop3/dovecot.sh) and scripted
# fault servers (tests/pop3/fakepop3.py), all on 127.0.0.1.
. "$(dirname "$0")/../lib.sh"
P3=$TOP/tests/pop3
D=$T_DIR/dovecot
mkdir -p "$D"
command -v dovecot >/dev/null 2>&1 || { echo "dovecot missing (apt-get install dovecot-core dovecot-pop3d)"; exit 1; }
sh "$P3/dovecot.sh" start "$D" || { fail "dovecot starts"; finish; exit 1; }
at_exit "sh '$P3/dovecot.sh' stop '$D'"
PORT=$(cat "$D/port")
SRV=127.0.0.1:$PORT
BOX=$D/home/alice/Maildir
export POP3_PASSWORD=alice-secret
pg() { "$WB" pop3get -S "$SRV" -u alice --timeout 10 "$@"; }

# messages on the server, in BOX/new and BOX/cur
on_server() { ls "$BOX/new" "$BOX/cur" | grep -c wbtest; }
# sorted checksums of the files in dirs (names ignored)
sums() { cat "$@" 2>/dev/null | sort; }
sumdir() { for d in "$@"; do find "$d" -type f -exec sha256sum {} + ; done | cut -d' ' -f1 | sort; }

/usr/bin/python3 "$P3/mkmsgs.py" "$T_DIR/src" mixed
sh "$P3/dovecot.sh" add "$D" alice "$T_DIR"/src/*
NSRC=$(ls "$T_DIR/src" | wc -l)

# ---- server info, listing, STAT
t_exit 0 "--serverinfo" pg --serverinfo
t_grep "serverinfo shows APOP" '^apop: yes' "$T_DIR/out"
t_grep "serverinfo shows CAPA" '^capa: PIPELINING' "$T_DIR/out"
t_exit 0 "-s" pg -s
t_grep "-s prints COUNT SIZE" "^$NSRC [0-9]+\$" "$T_DIR/out"
t_exit 0 "-4 to an IPv4 server" pg -4 -s
t_exit 68 "-6 to an IPv4 address: no such address (68), not tried over IPv4" pg -6 -s
t_grep "-6: names server and step" '^pop3get: 127.0.0.1: connect: ' "$T_DIR/err"
t_exit 0 "-l" pg -l
if [ "$(wc -l < "$T_DIR/out")" = "$NSRC" ] && ! grep -Evq '^[0-9]+ [0-9]+ [0-9A-Fa-f]+$' "$T_DIR/out"
then pass "-l lists NUM SIZE UIDL per message"; else fail "-l lists NUM SIZE UIDL" "$(head -3 "$T_DIR/out")"; fi

# ---- keep: byte-exact Maildir, nothing deleted, pipelined, PASS masked
t_exit 0 "fetch -k into a Maildir" pg -v -k -m "$T_DIR/md1"
if [ "$(sumdir "$T_DIR/md1/new")" = "$(sumdir "$T_DIR/src")" ]; then
	pass "Maildir byte-exact (8-bit, dots, From lines, 10 MB)"
else fail "Maildir byte-exact"; fi
t_true "-k leaves every message on the server" [ "$(on_server)" = "$NSRC" ]
t_true "Maildir tmp/ empty afterwards" [ -z "$(ls "$T_DIR/md1/tmp")" ]
t_true "Maildir cur/ exists" [ -d "$T_DIR/md1/cur" ]
t_nogrep "-v does not show the password" 'alice-secret' "$T_DIR/err"
t_grep "-v transcript shows APOP masked" '^C: APOP alice \*\*\*\*$' "$T_DIR/err"
if awk '/^C: RETR 1$/ { getline; if ($0 == "C: RETR 2") ok = 1 } END { exit !ok }' "$T_DIR/err"
then pass "RETRs pipelined"; else fail "RETRs pipelined" "$(grep -m 4 RETR "$T_DIR/err" | tr '\n' '|')"; fi

# ---- authentication mechanisms and the wrong password
t_exit 0 "--auth user" pg --auth user -s
t_exit 0 "--auth plain" pg --auth plain -v -s
t_grep "PLAIN masked" '^C: AUTH PLAIN \*\*\*\*$' "$T_DIR/err"
t_exit 0 "--auth apop" pg --auth apop -s
t_exit 77 "wrong password: 77" env POP3_PASSWORD=nope "$WB" pop3get -S "$SRV" -u alice -s
t_grep "auth error names server and step" "^pop3get: 127.0.0.1: auth: " "$T_DIR/err"
t_exit 77 "wrong password with --auth user: 77" env POP3_PASSWORD=nope "$WB" pop3get -S "$SRV" -u alice --auth user -s
t_exit 0 "hashed-password user: APOP refused, falls back" env POP3_PASSWORD=bob-secret "$WB" pop3get -S "$SRV" -u bob -s
t_exit 77 "hashed-password user with --auth apop: 77" env POP3_PASSWORD=bob-secret "$WB" pop3get -S "$SRV" -u bob --auth apop -s
printf 'alice-secret\n' > "$T_DIR/pw"; chmod 600 "$T_DIR/pw"
t_exit 0 "--passfile" env -u POP3_PASSWORD "$WB" pop3get -S "$SRV" -u alice --passfile "$T_DIR/pw" -s
t_exit 0 "--passwordeval" env -u POP3_PASSWORD "$WB" pop3get -S "$SRV" -u alice --passwordeval 'echo alice-secret' -s
mkdir -p "$T_DIR/home"
printf 'machine 127.0.0.1 login alice password alice-secret\n' > "$T_DIR/home/.netrc"
chmod 600 "$T_DIR/home/.netrc"
t_exit 0 "~/.netrc" env -u POP3_PASSWORD -u NETRC HOME="$T_DIR/home" "$WB" pop3get -S "$SRV" -u alice -s
printf '# smtpsend-style keys\nhost 127.0.0.1\nport %s\nuser alice\npassword alice-secret\nkeep on\n' "$PORT" > "$T_DIR/conf"
chmod 600 "$T_DIR/conf"
t_exit 0 "config file -C" env -u POP3_PASSWORD "$WB" pop3get -C "$T_DIR/conf" -s
chmod 644 "$T_DIR/conf"
t_exit 78 "config file with a password readable by others: 78" env -u POP3_PASSWORD "$WB" pop3get -C "$T_DIR/conf" -s
printf 'server %s\nbogus-key 1\n' "$SRV" > "$T_DIR/conf2"
t_exit 78 "unknown config key: 78" "$WB" pop3get -C "$T_DIR/conf2" -u alice -s
t_grep "unknown key named with file and line" 'conf2.*2.*bogus-key' "$T_DIR/err"
# --port overrides the port of -S HOST:PORT (as in smtpsend)
t_exit 0 "--port overrides -S HOST:PORT" "$WB" pop3get -S 127.0.0.1:1 --port "$PORT" -u alice -s
t_exit 64 "--port abc: usage error 64" "$WB" pop3get -S 127.0.0.1 --port abc -u alice -s
t_grep "--port abc: says so" '^pop3get: --port: want a number 1-65535, not .abc.$' "$T_DIR/err"
t_exit 64 "--port 0: usage error 64" "$WB" pop3get -S 127.0.0.1 --port 0 -u alice -s
# actions and -C are command-line only: refused in a config file
for k in stat list serverinfo config; do
	printf 'server %s\n%s on\n' "$SRV" "$k" > "$T_DIR/conf3"
	t_exit 78 "config key '$k' refused (command-line only): 78" "$WB" pop3get -C "$T_DIR/conf3" -u alice
	t_grep "config key '$k': file, line and key named" "conf3:2: .*'$k' is a command-line option" "$T_DIR/err"
done
t_exit 78 "no password anywhere: 78" env -u POP3_PASSWORD HOME=$T_DIR "$WB" pop3get -S "$SRV" -u alice -s

# ---- mbox, stdout, MDA, -t, MSGNUM, --max-size
t_exit 0 "fetch -k into an mbox" pg -k -o "$T_DIR/mbox"
t_true "mbox has one From line per message" [ "$(grep -c '^From MAILER-DAEMON ' "$T_DIR/mbox")" = "$NSRC" ]
t_grep "mboxrd quoting in the mbox" '^>>From quoted$' "$T_DIR/mbox"
t_exit 0 "fetch -k to stdout" pg -k 3
t_grep "stdout is mboxrd" '^>From the start$' "$T_DIR/out"
t_true "MSGNUM fetches that message only" [ "$(grep -c '^From MAILER-DAEMON' "$T_DIR/out")" = 1 ]
t_exit 0 "-t headers only" pg -t
t_nogrep "-t: no body" 'leading dots' "$T_DIR/out"
t_grep "-t: headers" '^Subject: dots$' "$T_DIR/out"
t_exit 0 "-x MDA" pg -k -x "cat >> '$T_DIR/mda.out'"
t_true "MDA got every message" [ "$(grep -c '^Subject: ' "$T_DIR/mda.out")" = "$NSRC" ]
t_exit 0 "--max-size skips" pg -k --max-size 100000 -m "$T_DIR/md2"
t_grep "--max-size reported" 'over --max-size: left on the server' "$T_DIR/err"
t_true "--max-size: the big one not fetched" [ "$(ls "$T_DIR/md2/new" | wc -l)" = $((NSRC - 1)) ]
t_exit 64 "message number beyond the mailbox: 64" pg -k 99
t_exit 64 "a message number given twice: 64" pg -k 3 03
t_grep "message given twice: says which" 'message 3 given twice' "$T_DIR/err"
t_exit 64 "usage: no server" "$WB" pop3get -u alice -s

# ---- failures leave everything on the server
t_exit 74 "MDA failure: 74" pg -x "cat >/dev/null; exit 1"
t_true "MDA failure: nothing deleted" [ "$(on_server)" = "$NSRC" ]
t0=$(date +%s)
t_exit 74 "hung MDA: killed after --timeout, 74" pg --timeout 1 -x "sleep 60"
t_true "hung MDA: given up within seconds" [ $(($(date +%s) - t0)) -lt 20 ]
t_grep "hung MDA: says so" "did not exit within 1000 ms|took no input" "$T_DIR/err"
t_true "hung MDA: nothing deleted" [ "$(on_server)" = "$NSRC" ]
# a full disk: a file size limit (SIGXFSZ ignored, so write fails EFBIG);
# /dev/full is no mbox (not a regular file: refused with 78)
t_exit 74 "mbox on a full disk (ulimit -f): 74" sh -c 'ulimit -f 64; trap "" XFSZ; exec "$@"' sh \
	"$WB" pop3get -S "$SRV" -u alice --timeout 10 -o "$T_DIR/fullbox"
t_true "full disk: nothing deleted" [ "$(on_server)" = "$NSRC" ]
t_exit 78 "-o /dev/full (not a regular file): refused, 78" pg -o /dev/full
# -o never writes through a symlink or a hard link planted beside it
printf 'precious\n' > "$T_DIR/victim"
ln -s "$T_DIR/victim" "$T_DIR/symbox"
t_exit 78 "-o through a symlink: refused, 78" pg -k -o "$T_DIR/symbox"
t_grep "-o symlink: says why" 'symlink: refused' "$T_DIR/err"
ln "$T_DIR/victim" "$T_DIR/hardbox"
t_exit 78 "-o to a hard link: refused, 78" pg -k -o "$T_DIR/hardbox"
t_true "-o symlink/hard link: the victim untouched" [ "$(cat "$T_DIR/victim")" = precious ]
printf 'From old\n\nno final newline' > "$T_DIR/oldbox"
t_exit 0 "-o after a mbox without a final newline" pg -k -o "$T_DIR/oldbox" 1
t_grep "-o: an empty line before the From_ line" '^$' "$T_DIR/oldbox"
t_true "-o: From_ line after the empty line" [ "$(sed -n 3,5p "$T_DIR/oldbox" | cut -c1-5 | tr '\n' '|')" = "no fi||From |" ]
t_true "-o: the dotlock removed afterwards" [ ! -e "$T_DIR/oldbox.lock" ]
mkdir -p "$T_DIR/ro/new" "$T_DIR/ro/cur" "$T_DIR/ro/tmp"
chmod 555 "$T_DIR/ro/tmp"
if [ "$(id -u)" = 0 ]; then
	# as nobody (root writes anywhere), with a copy of the binary that
	# nobody can run wherever the checkout lives
	chmod 755 "$T_DIR"
	mkdir -p "$T_DIR/bin" && cp "$WB" "$T_DIR/bin/wirebox" && chmod 755 "$T_DIR/bin" "$T_DIR/bin/wirebox"
	t_exit 74 "unwritable Maildir: 74" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env POP3_PASSWORD=alice-secret "$T_DIR/bin/wirebox" pop3get -S "$SRV" -u alice -m "$T_DIR/ro"
else
	t_exit 74 "unwritable Maildir: 74" pg -m "$T_DIR/ro"
fi
t_grep "unwritable Maildir: says why" 'tmp/.*Permission denied' "$T_DIR/err"
t_true "unwritable Maildir: nothing deleted" [ "$(on_server)" = "$NSRC" ]
t_true "unwritable Maildir: nothing visible" [ -z "$(ls "$T_DIR/ro/new")" ]

# ---- only new (-n), then delete
t_exit 0 "-n first run" pg -n -k -m "$T_DIR/md3"
t_true "-n first run fetches all" [ "$(ls "$T_DIR/md3/new" | wc -l)" = "$NSRC" ]
t_true "-n writes the state file" [ -s "$T_DIR/md3/.pop3get-uidl" ]
t_exit 0 "-n second run" pg -n -k -m "$T_DIR/md3"
t_true "-n second run fetches nothing" [ "$(ls "$T_DIR/md3/new" | wc -l)" = "$NSRC" ]
printf 'Subject: late\n\nnew one\n' > "$T_DIR/late"
sh "$P3/dovecot.sh" add "$D" alice "$T_DIR/late"
t_exit 0 "-n third run" pg -n -k -m "$T_DIR/md3"
t_true "-n third run fetches only the new one" [ "$(ls "$T_DIR/md3/new" | wc -l)" = $((NSRC + 1)) ]
# a run still holding the state file (an fcntl lock on STATE.lock): refused
/usr/bin/python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a"); fcntl.lockf(f, fcntl.LOCK_EX); open(sys.argv[2], "w").close(); time.sleep(30)' \
	"$T_DIR/md3/.pop3get-uidl.lock" "$T_DIR/locked" &
lpid=$!
i=0; while [ ! -e "$T_DIR/locked" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
t_exit 75 "-n while another run holds the state: 75" pg -n -m "$T_DIR/md3"
t_grep "-n locked: says why" 'in use by another run' "$T_DIR/err"
kill "$lpid"; wait "$lpid" 2>/dev/null
t_true "-n locked: nothing fetched" [ "$(ls "$T_DIR/md3/new" | wc -l)" = $((NSRC + 1)) ]
t_true "-n locked: nothing deleted" [ "$(on_server)" = $((NSRC + 1)) ]
# the state, its lock and temp files follow no symlink; no unsafe directory
mkdir -p "$T_DIR/shared"; chmod 777 "$T_DIR/shared"
t_exit 78 "-n state in a directory writable by others, not sticky: 78" pg -n -k --state "$T_DIR/shared/state" -m "$T_DIR/mdsh"
t_grep "-n unsafe directory: says why" 'writable by others and not sticky' "$T_DIR/err"
chmod 1777 "$T_DIR/shared"
t_exit 0 "-n state in a sticky shared directory (like /tmp)" pg -n -k --state "$T_DIR/shared/state" -m "$T_DIR/mdsh"
ln -s "$T_DIR/created-by-root" "$T_DIR/st2.lock"
t_exit 78 "-n lock path a symlink: refused, 78" pg -n -k --state "$T_DIR/st2" -m "$T_DIR/mdsh"
t_true "-n lock symlink: its target not created" [ ! -e "$T_DIR/created-by-root" ]
printf 'precious\n' > "$T_DIR/victim2"
ln -s "$T_DIR/victim2" "$T_DIR/st3"
t_exit 78 "-n state file a symlink: refused, 78" pg -n -k --state "$T_DIR/st3" -m "$T_DIR/mdsh"
t_true "-n state symlink: the victim untouched" [ "$(cat "$T_DIR/victim2")" = precious ]
printf 'garbage\n' > "$T_DIR/badstate"
t_exit 78 "corrupt state file: 78" pg -n -k --state "$T_DIR/badstate"
t_grep "corrupt state named" 'badstate: corrupt at line 1' "$T_DIR/err"
t_exit 0 "fetch and delete" pg -m "$T_DIR/md4"
t_true "delete: server empty" [ "$(on_server)" = 0 ]
t_true "delete: all stored" [ "$(ls "$T_DIR/md4/new" | wc -l)" = $((NSRC + 1)) ]

# ---- the order on the wire and on disk: every DELE after the fsyncs and
# renames that made its message durable (strace shows the system calls)
if command -v strace >/dev/null 2>&1; then
	printf 'Subject: s%d\n\nbody\n' 1 > "$T_DIR/s1"; printf 'Subject: s2\n\nbody\n' > "$T_DIR/s2"
	sh "$P3/dovecot.sh" add "$D" alice "$T_DIR/s1" "$T_DIR/s2"
	t_exit 0 "fetch under strace" strace -f -o "$T_DIR/trace" -e trace=fsync,renameat,write -s 40 \
		"$WB" pop3get -S "$SRV" -u alice -m "$T_DIR/md9"
	if awk '/renameat\(/ { ren++; synced = 0 } /fsync\(/ { if (ren) synced = 1 }
		/write\(.*DELE / { dele++; if (!ren || !synced) bad = 1 }
		END { exit !(dele > 0 && !bad) }' "$T_DIR/trace"
	then pass "DELE only after fsync + rename + directory fsync"
	else fail "DELE only after fsync + rename + directory fsync" "$(grep -E 'rename|fsync|DELE' "$T_DIR/trace" | head -8 | tr '\n' '|')"; fi
	if awk '/fsync\(/ { f[$2]++ } /renameat\(/ { n++ } END { exit !(n == 2) }' "$T_DIR/trace"
	then pass "two messages, two renames"; else fail "two messages, two renames"; fi
else
	echo "strace missing (apt-get install strace): DELE-after-fsync order not checked"
	[ -z "${CI:-}" ] || fail "strace installed"
fi

# ---- 1,000 small messages
/usr/bin/python3 "$P3/mkmsgs.py" "$T_DIR/small" small 1000
sh "$P3/dovecot.sh" add "$D" alice "$T_DIR"/small/*
# under strace when there is one: durability per window. Every message's
# file is written out (its own fsync, or a syncfs after its last write)
# before its rename into new/, and new/ is fsynced after that rename before
# the DELE of that message leaves (checked on the system calls, in order)
if command -v strace >/dev/null 2>&1; then
	t_exit 0 "1,000 messages into a Maildir" strace -f -y -o "$T_DIR/trace1k" \
		-e trace=openat,write,fsync,syncfs,renameat,close -s 2048 \
		"$WB" pop3get -S "$SRV" -u alice --timeout 10 -m "$T_DIR/md5"
	if awk -f "$TOP/tests/pop3/durable.awk" "$T_DIR/trace1k" > "$T_DIR/durable.out"
	then pass "1,000 messages: each DELE after its file's sync, rename and new/'s fsync"
	else fail "1,000 messages: each DELE after its file's sync, rename and new/'s fsync" "$(head -3 "$T_DIR/durable.out" | tr '\n' '|')"; fi
	t_grep "1,000 messages: 1,000 DELEs checked" '^dele 1000 renamed 1000' "$T_DIR/durable.out"
	# Linux 5.8 and later on ext4, xfs, btrfs, f2fs, ubifs, jffs2 or tmpfs:
	# one syncfs per window of 128 (8), no fsync per message; elsewhere
	# (FUSE, NFS, CIFS: syncfs does not reach them) one fsync per message
	nsyncfs=$(grep -c 'syncfs(' "$T_DIR/trace1k" || :)
	nfsync=$(grep -c 'fsync(.*/tmp/[^/]*>)' "$T_DIR/trace1k" || :)
	fstype=$(stat -f -c %T "$T_DIR/md5")
	case $fstype.$(uname -r) in
	ext2/ext3.[6-9]*|xfs.[6-9]*|btrfs.[6-9]*|tmpfs.[6-9]*) want=8.0 ;;
	fuseblk.*|fuse.*|nfs.*|smb2.*|cifs.*) want=0.1000 ;;
	*) want= ;;
	esac
	t_true "1,000 messages on $fstype: syncfs per window $nsyncfs, fsync per message $nfsync (want ${want:-either})" \
		[ "$nsyncfs.$nfsync" = "${want:-8.0}" ] || { [ -z "$want" ] && [ "$nfsync" = 1000 ]; }
	t_true "1,000 messages: one fsync of new/ per window (8)" [ "$(grep -c 'fsync(.*md5/new>)' "$T_DIR/trace1k")" = 8 ]
else
	t_exit 0 "1,000 messages into a Maildir" pg -m "$T_DIR/md5"
fi
if [ "$(sumdir "$T_DIR/md5/new")" = "$(sumdir "$T_DIR/small")" ]; then
	pass "1,000 messages byte-exact"; else fail "1,000 messages byte-exact"; fi

# a low descriptor limit (a router's ulimit -n 64) with windows of 128
# open files: the pending ones are published early, every message stored
# once and deleted (it was: EMFILE, no DELE, the same mail again next run)
sh "$P3/dovecot.sh" add "$D" alice "$T_DIR"/small/000[01]*
nlow=$(ls "$T_DIR"/small/000[01]* | wc -l)
t_exit 0 "ulimit -n 40: $nlow messages fetched" sh -c 'ulimit -n 40 && exec "$@"' sh \
	"$WB" pop3get -S "$SRV" -u alice --timeout 10 -m "$T_DIR/mdlow"
t_true "ulimit -n 40: each stored once ($nlow)" [ "$(ls "$T_DIR/mdlow/new" | wc -l)" = "$nlow" ]
t_true "ulimit -n 40: server empty" [ "$(on_server)" = 0 ]
t_true "1,000 messages: server empty" [ "$(on_server)" = 0 ]

# ---- the exit codes in --help are the table of docs/pop3get.md
"$WB" pop3get --help 2>&1 | sed -n '/^Exit:/,$p' | grep -oE '(^|[ ,:])[0-9]+ ' | tr -dc '0-9\n ' |
	tr ' ' '\n' | grep . | sort -n | uniq > "$T_DIR/help-codes"
sed -n '/^## Exit codes/,/^## /p' "$TOP/docs/pop3get.md" | grep -oE '^\| [0-9]+ \|' | tr -dc '0-9\n' |
	sort -n | uniq > "$T_DIR/doc-codes"
if [ -s "$T_DIR/doc-codes" ] && cmp -s "$T_DIR/help-codes" "$T_DIR/doc-codes"; then
	pass "--help exit codes = docs/pop3get.md exit table ($(tr '\n' ' ' < "$T_DIR/doc-codes"))"
else fail "--help exit codes = docs table" "help: $(tr '\n' ' ' < "$T_DIR/help-codes"); docs: $(tr '\n' ' ' < "$T_DIR/doc-codes")"; fi
t_grep "exit table lists 68 (unknown host)" '^68$' "$T_DIR/doc-codes"
# every sysexits name in pop3get's own sources is in --help (so in the table)
for n in $(cat "$TOP"/applets/pop3get/*.c | grep -oE '\bEX_[A-Z]+' | sort -u); do
	sed -n "s/^#define[[:space:]]*$n[[:space:]]*\\([0-9]*\\).*/\\1/p" /usr/include/sysexits.h
done | sort -un > "$T_DIR/src-codes"
t_true "every exit code of applets/pop3get/*.c is in --help and the docs ($(tr '\n' ' ' < "$T_DIR/src-codes"))" \
	sh -c "while read -r c; do grep -qx \"\$c\" '$T_DIR/help-codes' || exit 1; done < '$T_DIR/src-codes'"

# ---- every example command of docs/pop3get.md, against this Dovecot (host,
# user, paths substituted; the TLS example on the plain port: tls.sh runs
# it with --tls; procmail is a stand-in on PATH that stores its input)
mkdir -p "$T_DIR/exbin"
printf '#!/bin/sh\n[ "$1 $2" = "-d alice" ] || exit 64\ncat >> "%s/procmail.out"\n' "$T_DIR" > "$T_DIR/exbin/procmail"
chmod 755 "$T_DIR/exbin/procmail"
sed -n '/^## Examples/,/^## /p' "$TOP/docs/pop3get.md" | grep '^    pop3get\|^    POP3_PASSWORD' |
	sed 's/^    //; s/  *# .*$//' > "$T_DIR/examples"
t_true "docs/pop3get.md has examples" [ "$(wc -l < "$T_DIR/examples")" -ge 5 ]
i=0
while IFS= read -r ex <&3; do
	i=$((i + 1))
	printf 'Subject: example %d\n\nbody\n' "$i" > "$T_DIR/ex$i"
	sh "$P3/dovecot.sh" add "$D" alice "$T_DIR/ex$i"
	cmd=$(printf '%s\n' "$ex" | sed -e "s|-S pop.example.org:995 --tls|-S $SRV|" \
		-e "s|-S mail |-S $SRV |; s|-S 127.0.0.1 |-S $SRV |; s|-u me|-u alice|; s|-u alerts|-u alice|" \
		-e "s|procmail -d me|procmail -d alice|; s|/etc/pw|$T_DIR/pw|; s|~/Maildir|$T_DIR/exmd|" \
		-e "s|/var/mail/alerts|$T_DIR/exalerts|; s|POP3_PASSWORD=\\.\\.\\.|POP3_PASSWORD=alice-secret|" \
		-e "s|^\\(\\([A-Z0-9_]*=[^ ]* \\)*\\)pop3get |\\1\"\$WB\" pop3get |")
	t_exit 0 "docs example $i: $ex" env WB="$WB" PATH="$T_DIR/exbin:$PATH" sh -c "$cmd"
done 3< "$T_DIR/examples"
t_grep "docs example: -x 'procmail -d me' delivered" '^Subject: example' "$T_DIR/procmail.out"

# ---- scripted fault servers
fake() {
	rm -f "$T_DIR/fport" "$T_DIR/flog"
	/usr/bin/python3 "$P3/fakepop3.py" "$1" "$T_DIR/fport" "$T_DIR/flog" &
	fpid=$!
	i=0; while [ ! -s "$T_DIR/fport" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	FSRV=127.0.0.1:$(cat "$T_DIR/fport")
}
unfake() { kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null; }

fake drop
t_exit 75 "connection drops in RETR: 75" "$WB" pop3get -S "$FSRV" -u u -m "$T_DIR/md6"
t_nogrep "drop: nothing committed for deletion" 'COMMITTED' "$T_DIR/flog"
t_nogrep "drop: no QUIT" '^QUIT' "$T_DIR/flog"
t_true "drop: the complete message stored" [ "$(ls "$T_DIR/md6/new" | wc -l)" = 1 ]
t_true "drop: nothing partial left in tmp/" [ -z "$(ls "$T_DIR/md6/tmp")" ]
t_exit 75 "drop with -k into mbox: 75" "$WB" pop3get -S "$FSRV" -u u -k -o "$T_DIR/mbox6"
t_true "drop: the mbox holds one message" [ "$(grep -c '^From MAILER-DAEMON' "$T_DIR/mbox6")" = 1 ]
t_nogrep "drop: no part of the broken message in the mbox" 'xxxx' "$T_DIR/mbox6"
unfake
fake garbage
t_exit 76 "garbage STAT: 76" "$WB" pop3get -S "$FSRV" -u u -m "$T_DIR/md7"
t_grep "garbage: names the step" '^pop3get: 127.0.0.1: STAT: ' "$T_DIR/err"
unfake
fake nouidl
t_exit 69 "-n against a server without UIDL: 69" "$WB" pop3get -S "$FSRV" -u u -n -m "$T_DIR/md8"
t_grep "no UIDL: clear error" 'no UIDL' "$T_DIR/err"
t_true "no UIDL: nothing fetched" [ -z "$(ls "$T_DIR/md8/new")" ]
t_exit 0 "-l without UIDL" "$WB" pop3get -S "$FSRV" -u u -l
t_grep "-l without UIDL shows -" '^1 [0-9]+ -$' "$T_DIR/out"
unfake
fake silent
t_exit 75 "silent server: 75 after --timeout" "$WB" pop3get -S "$FSRV" -u u -s --timeout 1
t_grep "silent: timed out" 'greeting: timed out' "$T_DIR/err"
unfake
fake escape
t_exit 0 "--serverinfo from a server sending escape sequences" "$WB" pop3get -S "$FSRV" --serverinfo
t_grep "escape: CAPA still shown" '^capa: X-\\x1b\[2JCLEAR$' "$T_DIR/out"
t_nogrep "escape: no control character reaches the terminal" "$(printf '[\001-\010\016-\037\177]')" "$T_DIR/out"
unfake
fake longline
t_exit 76 "over-long greeting: 76" "$WB" pop3get -S "$FSRV" -u u -s
unfake
# a dot after a bare LF is data: one message, stored whole
fake barelf
t_exit 0 "bare-LF dot: fetched" "$WB" pop3get -S "$FSRV" -u u -m "$T_DIR/mdbare"
t_true "bare-LF dot: two messages stored" [ "$(ls "$T_DIR/mdbare/new" | wc -l)" = 2 ]
t_true "bare-LF dot: message 1 whole (the dot line and 'rest' kept)" \
	grep -qx rest $(grep -l '^Subject: bare' "$T_DIR/mdbare/new"/*)
t_grep "bare-LF dot: both deleted" '^COMMITTED 2$' "$T_DIR/flog"
unfake
# LIST 2 refused while its RETR, pipelined with it, comes anyway (200 KB):
# read to its end, the LIST named, QUIT sent, nothing deleted
fake listerr
t_exit 76 "LIST refused: 76" "$WB" pop3get -S "$FSRV" -u u -m "$T_DIR/mdlisterr"
t_grep "LIST refused: named" 'LIST.*-ERR' "$T_DIR/err"
t_nogrep "LIST refused: no size error" 'larger than announced' "$T_DIR/err"
t_grep "LIST refused: QUIT sent" '^QUIT' "$T_DIR/flog"
t_nogrep "LIST refused: nothing deleted" 'COMMITTED' "$T_DIR/flog"
unfake

# a copy far shorter than LIST announced: reported, not stored or deleted
fake short
t_exit 76 "short message: 76" "$WB" pop3get -S "$FSRV" -u u -n --state "$T_DIR/shortstate" -m "$T_DIR/mdshort"
t_grep "short message: reported" 'LIST announced 5000' "$T_DIR/err"
t_true "short message: not stored" [ -z "$(ls "$T_DIR/mdshort/new")" ]
t_true "short message: not recorded in the -n state" [ ! -s "$T_DIR/shortstate" ]
t_nogrep "short message: nothing deleted" 'COMMITTED' "$T_DIR/flog"
unfake
# more than LIST announced (plus the margin), without --max-size: refused
fake endless
t_exit 76 "RETR without end: refused, 76" "$WB" pop3get -S "$FSRV" -u u -m "$T_DIR/mdendless"
t_grep "RETR without end: says why" 'larger than announced' "$T_DIR/err"
t_true "RETR without end: nothing stored" [ -z "$(ls "$T_DIR/mdendless/new")$(ls "$T_DIR/mdendless/tmp")" ]
t_nogrep "RETR without end: nothing deleted" 'COMMITTED' "$T_DIR/flog"
unfake
# a byte every 0.5 s: the message's deadline (--timeout + 1 s per 8 KiB)
fake drip
t0=$(date +%s)
t_exit 75 "drip: 75 at the message's deadline" "$WB" pop3get -S "$FSRV" -u u --timeout 2 -m "$T_DIR/mddrip"
t_true "drip: given up within 10 s (not 30+)" [ $(($(date +%s) - t0)) -lt 10 ]
t_grep "drip: says why" 'not complete within' "$T_DIR/err"
t_true "drip: the complete message 1 stored, not the dripping one" [ "$(ls "$T_DIR/mddrip/new" | wc -l)" = 1 ]
t_nogrep "drip: nothing deleted" 'COMMITTED' "$T_DIR/flog"
unfake
# a CAPA listing dripping a line every 0.5 s: one --timeout for all of it
fake capadrip
t0=$(date +%s)
t_exit 75 "dripping CAPA listing: 75 within one --timeout" "$WB" pop3get -S "$FSRV" -u u --timeout 2 -s
t_true "dripping CAPA: given up within 6 s (not 10+)" [ $(($(date +%s) - t0)) -lt 6 ]
unfake
# --max-time bounds the whole run: 75, nothing half-stored, nothing deleted
fake slow
t0=$(date +%s)
t_exit 75 "--max-time 1 over a slow server: 75" "$WB" pop3get -S "$FSRV" -u u --max-time 1 -m "$T_DIR/mdslow"
t_true "--max-time: ended within 4 s" [ $(($(date +%s) - t0)) -lt 4 ]
t_grep "--max-time: says so" 'max-time of 1 s reached' "$T_DIR/err"
t_true "--max-time: nothing partial in tmp/" [ -z "$(ls "$T_DIR/mdslow/tmp")" ]
t_nogrep "--max-time: nothing deleted" 'COMMITTED' "$T_DIR/flog"
printf 'server %s\nuser u\npassword p\nmax-time 1\n' "$FSRV" > "$T_DIR/conf-mt"
chmod 600 "$T_DIR/conf-mt"
t_exit 75 "config key max-time" "$WB" pop3get -C "$T_DIR/conf-mt" -m "$T_DIR/mdslow"
t_exit 0 "--max-time long enough: 0" "$WB" pop3get -S "$FSRV" -u u --max-time 20 -k -m "$T_DIR/mdslow2"
unfake
# C1 controls (raw 0x9b, U+009B as 0xc2 0x9b) never reach the terminal raw
fake c1
t_exit 0 "--serverinfo from a server sending C1 controls" "$WB" pop3get -S "$FSRV" --serverinfo
t_nogrep "C1: no raw 0x9b in --serverinfo" "$(printf '\233')" "$T_DIR/out"
t_grep "C1: escaped in the greeting" '^greeting: \+OK \\x9b31mraw \\xc2\\x9b32mencoded ready$' "$T_DIR/out"
t_grep "C1: escaped in CAPA" '^capa: X-\\x9b2J-\\xc2\\x9b2J$' "$T_DIR/out"
t_exit 77 "C1 in -ERR: 77" "$WB" pop3get -S "$FSRV" -u u -s
t_nogrep "C1: no raw 0x9b in the error line" "$(printf '\233')" "$T_DIR/err"
t_grep "C1: error line escaped" 'x9b31mraw' "$T_DIR/err"
unfake
# --auth apop: APOP only, never USER/PASS when it is refused
fake apop
t_exit 77 "--auth apop refused: 77" "$WB" pop3get -S "$FSRV" -u u --auth apop -s
t_nogrep "--auth apop: no USER/PASS fallback" '^(USER|PASS|AUTH)' "$T_DIR/flog"
unfake
t_exit 75 "nothing listening: 75" "$WB" pop3get -S "127.0.0.1:$(free_port)" -u u -s

# ---- helper commands (core/run): -x MDA and --passwordeval, config and
# password file safety (issue 9; kept together at the end)
mkdir -p "$T_DIR/one"
printf 'Subject: helper run\n\nhi\n' > "$T_DIR/one/wbtest-run"
sh "$P3/dovecot.sh" add "$D" alice "$T_DIR/one/wbtest-run"
t_exit 0 "-x MDA: no \$POP3_PASSWORD in its environment" pg -k 1 -x "env > '$T_DIR/mda.env'"
t_grep "-x MDA: its environment was written" '^PATH=' "$T_DIR/mda.env"
t_nogrep "-x MDA: POP3_PASSWORD not passed on" 'POP3_PASSWORD|alice-secret' "$T_DIR/mda.env"
# live (not zombie) processes running "sleep 1009"
sleepers() { ps -eo stat=,args= | awk '$1 !~ /^Z/ && $2 == "sleep" && $3 == "1009"' | wc -l; }
t0=$(date +%s)
t_exit 74 "hung MDA with a background child: 74" pg -k --timeout 1 1 -x "sleep 1009 & sleep 1009"
t_true "hung MDA: given up within seconds" [ $(($(date +%s) - t0)) -lt 10 ]
t_true "hung MDA: its whole process group was killed (no sleep left)" [ "$(sleepers)" = 0 ]
ps -eo pid=,stat=,args= | awk '$2 !~ /^Z/ && $3 == "sleep" && $4 == "1009" { print $1 }' | xargs -r kill -9
t_exit 0 "-x MDA gets no descriptor of ours" pg -k 1 -x "cat >/dev/null; ls /proc/self/fd > '$T_DIR/mda.fds'"
t_true "-x MDA: only 0 1 2 (and ls's own)" [ "$(tr '\n' ' ' < "$T_DIR/mda.fds")" = "0 1 2 3 " ]
t_exit 0 "--passwordeval reading stdin gets /dev/null" sh -c "echo data | env -u POP3_PASSWORD '$WB' pop3get -S '$SRV' -u alice --passwordeval 'cat; echo alice-secret' -s"
t0=$(date +%s)
t_exit 75 "--passwordeval that hangs: 75 after --timeout" timeout 30 env -u POP3_PASSWORD "$WB" pop3get -S "$SRV" -u alice --timeout 1 --passwordeval 'sleep 1008' -s
t_true "--passwordeval that hangs: given up within seconds" [ $(($(date +%s) - t0)) -lt 10 ]
t_grep "--passwordeval that hangs: says so" 'passwordeval.*1000 ms' "$T_DIR/err"
printf 'server %s\nuser alice\nmda cat\n' "$SRV" > "$T_DIR/conf-w"; chmod 666 "$T_DIR/conf-w"
t_exit 78 "config naming an mda that others may write: 78" pg -C "$T_DIR/conf-w" -k 1
t_grep "... says why" 'conf-w: names a command.*others can write' "$T_DIR/err"
printf 'server %s\nuser alice\npasswordeval echo alice-secret\n' "$SRV" > "$T_DIR/conf-w2"; chmod 620 "$T_DIR/conf-w2"
t_exit 78 "config with a passwordeval the group may write: 78" env -u POP3_PASSWORD "$WB" pop3get -C "$T_DIR/conf-w2" -s
chmod 600 "$T_DIR/conf-w2"; chown nobody "$T_DIR/conf-w2" 2>/dev/null &&
t_exit 78 "config with a passwordeval owned by another user: 78" env -u POP3_PASSWORD "$WB" pop3get -C "$T_DIR/conf-w2" -s
printf 'server %s\nuser alice\npassword alice-secret\n' "$SRV" > "$T_DIR/conf-g"; chmod 640 "$T_DIR/conf-g"
t_exit 78 "config with a password the group may read: 78" env -u POP3_PASSWORD "$WB" pop3get -C "$T_DIR/conf-g" -s
printf 'server %s\ntimeout abc\n' "$SRV" > "$T_DIR/conf-v"
t_exit 78 "bad value in a config file: 78, not 64" pg -C "$T_DIR/conf-v" -s
t_grep "... names file and line" 'conf-v:2: ' "$T_DIR/err"
t_nogrep "... no 'Try --help'" 'Try ' "$T_DIR/err"
printf 'alice-secret\n' > "$T_DIR/pw644"; chmod 644 "$T_DIR/pw644"
t_exit 78 "--passfile readable by others: 78" env -u POP3_PASSWORD "$WB" pop3get -S "$SRV" -u alice --passfile "$T_DIR/pw644" -s
t_exit 78 "missing --passfile: 78, not 66" env -u POP3_PASSWORD "$WB" pop3get -S "$SRV" -u alice --passfile "$T_DIR/nopw" -s
t_grep "... names the file" 'nopw' "$T_DIR/err"
{ printf 'machine 127.0.0.1 login alice password '; head -c 17000 /dev/zero | tr '\0' x; echo; } > "$T_DIR/netrc-long"; chmod 600 "$T_DIR/netrc-long"
t_exit 78 "~/.netrc with a password over 16 KiB: 78, not cut" env -u POP3_PASSWORD NETRC="$T_DIR/netrc-long" "$WB" pop3get -S "$SRV" -u alice -s
# the terminal prompt: a pty as the controlling terminal (and stderr)
cat > "$T_DIR/ptyrun.py" <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
end = time.time() + 10
try:
    while b"Password for alice@127.0.0.1: " not in out and time.time() < end:
        out += os.read(fd, 1024)
except OSError:
    pass
time.sleep(0.2)
os.write(fd, b"alice-secret\n")
try:
    while True:
        b = os.read(fd, 1024)
        if not b:
            break
        out += b
except OSError:
    pass
st = os.waitpid(pid, 0)[1]
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(st))
PY
t_exit 0 "no password source, on a terminal: asks for it (echo off) and logs in" env -u POP3_PASSWORD -u NETRC HOME="$T_DIR" /usr/bin/python3 "$T_DIR/ptyrun.py" "$WB" pop3get -S "$SRV" -u alice -s
t_grep "... the prompt" 'Password for alice@127.0.0.1: ' "$T_DIR/out"
t_nogrep "... the password not echoed" 'alice-secret' "$T_DIR/out"
t_grep "... then the answer" '^[0-9]+ [0-9]+' "$T_DIR/out"
# ---- --max-time bounds every wait: connect, greeting, TLS handshakes, -x ----
# (round 2, deadlines: each of these waited its own --timeout, 30 s, before)
cat > "$T_DIR/fullq.py" <<'PY'
import os, socket, sys, time
# a listener that never accepts, its accept queue full: the kernel drops
# our SYN, so connect() hangs
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
fill = []
for i in range(4):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(s.getsockname())
    fill.append(c)
    time.sleep(0.05)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)
PY
rm -f "$T_DIR/qport"
/usr/bin/python3 "$T_DIR/fullq.py" "$T_DIR/qport" &
qpid=$!
at_exit "kill $qpid"
i=0; while [ ! -s "$T_DIR/qport" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
t0=$(date +%s)
t_exit 75 "--max-time 2, connect never completes: 75" "$WB" pop3get -S "127.0.0.1:$(cat "$T_DIR/qport")" -u u --max-time 2 -s
t_true "--max-time bounds connect: ended within 4 s (not --timeout's 30)" [ $(($(date +%s) - t0)) -lt 4 ]
t_grep "--max-time in connect: says so" 'max-time of 2 s reached' "$T_DIR/err"
kill $qpid 2>/dev/null
fake silent
t0=$(date +%s)
t_exit 75 "--max-time 2, no greeting: 75" "$WB" pop3get -S "$FSRV" -u u --max-time 2 -s
t_true "--max-time bounds the greeting: ended within 4 s" [ $(($(date +%s) - t0)) -lt 4 ]
unfake
# a hung -x MDA is killed at --max-time, not after --timeout
fake plain
t0=$(date +%s)
t_exit 75 "--max-time 2, -x hangs: 75" "$WB" pop3get -S "$FSRV" -u u --max-time 2 -x 'cat >/dev/null; exec sleep 30'
t_true "--max-time bounds -x: ended within 5 s (not --timeout's 30)" [ $(($(date +%s) - t0)) -lt 5 ]
t_grep "--max-time in -x: says so" 'max-time' "$T_DIR/err"
t_nogrep "--max-time in -x: nothing deleted" 'COMMITTED' "$T_DIR/flog"
unfake
# the TLS handshakes (implicit and after STLS): with a TLS build only
if ! "$WB" pop3get --tls -S 127.0.0.1:1 -u x -s --timeout 1 2>&1 | grep -q 'not compiled'; then
	for m in tls-silent pop3-stall; do
		rm -f "$T_DIR/$m.port"
		/usr/bin/python3 "$TOP/tests/tls/fake_starttls.py" $m "$T_DIR/$m.port" "$T_DIR/$m.log" &
		at_exit "kill $!"
		i=0; while [ ! -s "$T_DIR/$m.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	done
	t0=$(date +%s)
	t_exit 75 "--max-time 2, implicit TLS handshake never answered: 75" "$WB" pop3get --tls --insecure -S "127.0.0.1:$(cat "$T_DIR/tls-silent.port")" -u u --max-time 2 -s
	t_true "--max-time bounds the TLS handshake: within 4 s" [ $(($(date +%s) - t0)) -lt 4 ]
	t_grep "--max-time in the TLS handshake: says so" 'max-time of 2 s reached' "$T_DIR/err"
	t0=$(date +%s)
	t_exit 75 "--max-time 2, STLS handshake never answered: 75" "$WB" pop3get --starttls --insecure -S "127.0.0.1:$(cat "$T_DIR/pop3-stall.port")" -u u --max-time 2 -s
	t_true "--max-time bounds the STLS handshake: within 4 s" [ $(($(date +%s) - t0)) -lt 4 ]
fi
finish
