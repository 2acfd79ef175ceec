#!/bin/sh
# bench/pop3get.sh - part of make bench (bench/run.sh); alone:
#   sh bench/pop3get.sh [RUNS]         (settings: bench/lib.sh)
# pop3get next to mpop, curl and BusyBox popmaildir, and the raw baseline
# (bench/raw.c: USER, PASS, then every RETR and DELE and QUIT pipelined, all
# replies read and dropped), against the tests' private Dovecot
# (tests/pop3/dovecot.sh; its mailbox on tmpfs, reloaded before every run):
#   POP3 BENCH_SMALL (1,000) small messages, and one BENCH_BIG_MB (100) MB
#   message, each into a Maildir on disk (BENCH_DISK, default build/bench/disk)
#   and one on tmpfs. Fetch and delete: every message is gone from the
#   server afterwards, except with curl, which only fetches (RETR), into
#   plain files. pop3get and mpop fsync what they deliver; curl and
#   BusyBox popmaildir do not. popmaildir needs a program for its
#   connection (the system's "busybox nc"), which is part of what is timed.
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
D=$T/dovecot
mkdir -p "$D"
# shellcheck disable=SC2016 # run at the end
at_exit 'sh tests/pop3/dovecot.sh stop "$D"'
sh tests/pop3/dovecot.sh start "$D"
PORT=$(cat "$D/port")
MB=$D/home/alice/Maildir
IDS=$(stat -c %u:%g "$MB/new")
export POP3_PASSWORD=alice-secret

# the two mailboxes' messages under Maildir names, the Dovecot user's
/usr/bin/python3 tests/pop3/mkmsgs.py "$T/gen-small" small "$SMALL"
/usr/bin/python3 tests/pop3/mkmsgs.py "$T/gen-big" big "$BIG_MB"
for s in small big; do
	mkdir -p "$T/$s"
	i=0
	for f in "$T/gen-$s"/*; do
		i=$((i + 1))
		mv "$f" "$T/$s/1700000000.M${i}P1.bench"
	done
	chown -R "$IDS" "$T/$s" 2>/dev/null || :
	n=$(find "$T/$s" -type f | wc -l)
	{
		printf 'USER alice\r\nPASS alice-secret\r\n'
		i=0; while [ $i -lt "$n" ]; do i=$((i + 1)); printf 'RETR %d\r\nDELE %d\r\n' $i $i; done
		printf 'QUIT\r\n'
	} > "$T/$s.raw"
done
printf 'alice\nalice-secret\n' > "$T/cred"
cat > "$T/mpoprc" <<EOC
account default
host 127.0.0.1
port $PORT
user alice
password alice-secret
auth user
tls off
keep off
only_new off
received_header off
uidls_file $T/uidls
EOC
chmod 600 "$T/mpoprc"

# before each run: the mailbox full again (hard links), Dovecot's index
# gone, the target Maildir empty
load() {
	rm -rf "$MB/new" "$MB/cur" "$MB/tmp" "$MB"/dovecot* "$T/uidls" "$OUT"
	mkdir -p "$MB/new" "$MB/cur" "$MB/tmp" "$OUT/new" "$OUT/cur" "$OUT/tmp"
	cp -l "$T/$SET"/* "$MB/new/"
	chown "$IDS" "$MB/new" "$MB/cur" "$MB/tmp"
}
# after a run: every message in OUT/new
check() {
	got=$(find "$OUT/new" -type f | wc -l)
	[ "$got" = "$WANT" ] || record_short "$1" "$2" "$got of $WANT messages stored"
}
bench_raw() { load; record "$1" raw -i "$T/$SET.raw" "$RAW" 127.0.0.1 "$PORT" 2; }
bench_wirebox() {
	load
	record "$1" wirebox "$WB" pop3get -S "127.0.0.1:$PORT" -u alice -m "$OUT"
	check "$1" wirebox
}
bench_mpop() {
	load
	record "$1" mpop mpop -C "$T/mpoprc" -q --delivery="maildir,$OUT"
	check "$1" mpop
}
bench_curl() {
	load
	if [ "$WANT" = 1 ]; then u=1; else u="[1-$WANT]"; fi
	record "$1" "curl (RETR only, no fsync)" curl -q -s -S "pop3://alice:alice-secret@127.0.0.1:$PORT/$u" -o "$OUT/new/#1"
	check "$1" curl
}
bench_busybox() {
	load
	record "$1" "busybox (no fsync)" -i "$T/cred" "$BB" popmaildir "$OUT" /usr/bin/busybox nc 127.0.0.1 "$PORT"
	check "$1" busybox
}

SMALL_L=$(printf 'POP3 %s small messages' "$(commas "$SMALL")")
BIG_L=$(printf 'POP3 one %s MB message' "$BIG_MB")
mkdir -p "$DISK"
DISK=$(cd "$DISK" && pwd)
for c in "$SMALL_L" "$BIG_L"; do
	for where in disk tmpfs; do
		set -- raw wirebox
		for p in mpop curl; do
			if have $p; then set -- "$@" $p; else skip "$c, Maildir on $where" $p "not installed (sh bench/deps.sh)"; fi
		done
		if have_bb popmaildir && /usr/bin/busybox nc --help >/dev/null 2>&1; then set -- "$@" busybox
		else skip "$c, Maildir on $where" busybox "no BusyBox popmaildir, or no busybox nc (sh bench/deps.sh)"; fi
		case $c in "$SMALL_L") SET=small WANT=$SMALL ;; *) SET=big WANT=1 ;; esac
		case $where in disk) OUT=$DISK/Maildir ;; *) OUT=$T/out/Maildir ;; esac
		rounds "$c, Maildir on $where" "$@"
	done
done
rm -rf "$DISK/Maildir"
bench_done
