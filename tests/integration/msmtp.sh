#!/bin/sh
# smtpsend called as msmtp, against a private Postfix on loopback, with the
# command lines OpenWrt's callers use (adblock, banIP, travelmate):
#   msmtp --timeout=10 -a PROFILE RCPT < mail
# with a ~/.msmtprc, --file, -C, /etc/msmtprc (in a private mount
# namespace), -t, --serverinfo, -P, travelmate's config as written, syslog
# to a private /dev/log, logfile, and the refusals (78, 64). Where Debian's
# msmtp is installed the same lines run through it too and the two are
# compared: the exit status and the mail delivered (or not).
. "$(dirname "$0")/../lib.sh"
W=$WB
SMTP=$TOP/tests/smtp
REAL=${MSMTP:-/usr/bin/msmtp}

chmod 755 "$T_DIR"   # Postfix and virtual(8) run as other users
sh "$SMTP/mta.sh" start "$T_DIR/mta" || { fail "private Postfix starts"; finish; exit 1; }
at_exit "sh '$SMTP/mta.sh' stop '$T_DIR/mta'"
. "$T_DIR/mta/env"

count() { find "$MTA_MAIL/$1/new" -type f 2>/dev/null | wc -l; }
wait_count() {
	i=0; while [ "$(count "$1")" -lt "$2" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
	[ "$(count "$1")" -ge "$2" ]
}
newest() { ls -t "$MTA_MAIL/$1/new/"* | head -n 1; }

# ---- the name: wirebox --install makes msmtp, never over a foreign file
mkdir -p "$T_DIR/bin" "$T_DIR/bin2" "$T_DIR/home"
t_exit 0 "wirebox --install -s DIR makes the msmtp link" $W --install -s "$T_DIR/bin"
t_true "... msmtp points at wirebox" [ "$(readlink "$T_DIR/bin/msmtp")" = "$(readlink -f "$W")" ]
printf '#!/bin/sh\necho real msmtp\n' > "$T_DIR/bin2/msmtp"
$W --install -s "$T_DIR/bin2" >/dev/null 2>"$T_DIR/err"
t_grep "... an msmtp that is not a link to wirebox is left alone (said)" "bin2/msmtp exists and is not a link to wirebox" "$T_DIR/err"
t_true "... and unchanged" grep -q "echo real msmtp" "$T_DIR/bin2/msmtp"
M=$T_DIR/bin/msmtp
export HOME="$T_DIR/home"

printf 'Subject: msmtp test\nX-Wirebox-Test: msmtp\n\nbody\n' > "$T_DIR/m1"
printf 'To: carol@example.test\nSubject: msmtp -t\n\nbody\n' > "$T_DIR/m2"

# a profile as adblock/banIP document it; the defaults section, inheritance
cat > "$HOME/.msmtprc" <<EOF
# ~/.msmtprc
defaults
host 127.0.0.1
port $MTA_PORT
timeout 10

account base
from sender@wirebox.test

account adb_notify : base
logfile ~/../msmtp.log

account default : adb_notify
EOF
chmod 600 "$HOME/.msmtprc"

# run PROG (wirebox's msmtp or the real one) as msmtp with the args
run_as() { prog=$1; shift; "$prog" "$@"; }

# ---- the OpenWrt command lines
n=$(count alice)
t_exit 0 "msmtp --timeout=10 -a PROFILE RCPT (~/.msmtprc)" run_as "$M" --timeout=10 -a adb_notify alice@example.test < "$T_DIR/m1"
wait_count alice $((n + 1)) && pass "... delivered" || fail "... delivered"
t_grep "... envelope sender from the profile's parent (inheritance)" "^Return-Path: <sender@wirebox.test>" "$(newest alice)"
n=$(count bob)
t_exit 0 "msmtp --timeout 10 --account=PROFILE RCPT" run_as "$M" --timeout 10 --account=adb_notify bob@example.test < "$T_DIR/m1"
wait_count bob $((n + 1)) && pass "... delivered" || fail "... delivered"
n=$(count carol)
t_exit 0 "msmtp -t (default account)" run_as "$M" -t < "$T_DIR/m2"
wait_count carol $((n + 1)) && pass "... delivered to the To: address" || fail "... delivered to the To: address"
n=$(count alice)
t_exit 0 "msmtp -i -oi -- RCPT" run_as "$M" -i -oi -- alice@example.test < "$T_DIR/m1"
wait_count alice $((n + 1)) && pass "... delivered" || fail "... delivered"
t_exit 0 "msmtp --serverinfo" run_as "$M" --serverinfo
t_grep "... prints the capabilities" "PIPELINING" "$T_DIR/out"
t_exit 0 "msmtp -S (is --serverinfo when called as msmtp)" run_as "$M" -S -a adb_notify
t_grep "... prints the capabilities" "PIPELINING" "$T_DIR/out"
t_grep "the log file (logfile ~/...: under \$HOME) has one line per message (msmtp's fields)" \
	"^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} host=127.0.0.1 tls=off auth=off from=sender@wirebox.test recipients=alice@example.test mailsize=[0-9]+ smtpstatus=250 smtpmsg='250 2.0.0 Ok: queued as [0-9A-F]+' exitcode=EX_OK$" "$T_DIR/msmtp.log"
t_true "... one per message sent (4), none for --serverinfo" [ "$(wc -l < "$T_DIR/msmtp.log")" -eq 4 ]
n=$(count alice)
t_exit 67 "one refused recipient: 67 (the others get it: ours, not msmtp's 69)" run_as "$M" -a adb_notify alice@example.test nobody@example.test < "$T_DIR/m1"
wait_count alice $((n + 1)) && pass "... alice got it" || fail "... alice got it"
t_grep "... logged with the error and exitcode=EX_NOUSER" "recipients=alice@example.test,nobody@example.test .*exitcode=EX_NOUSER$" "$T_DIR/msmtp.log"

# --file / -C, and -P
cat > "$T_DIR/rc" <<EOF
account prof
host 127.0.0.1
port $MTA_AUTH_PORT
from alice@example.test
auth on
user alice
password "secret"
EOF
chmod 600 "$T_DIR/rc"
n=$(count bob)
t_exit 0 "msmtp --file=FILE -a PROFILE (AUTH, quoted password)" run_as "$M" --file="$T_DIR/rc" -a prof bob@example.test < "$T_DIR/m1"
wait_count bob $((n + 1)) && pass "... delivered" || fail "... delivered"
n=$(count bob)
t_exit 0 "msmtp -C FILE --account PROFILE" run_as "$M" -C "$T_DIR/rc" --account prof bob@example.test < "$T_DIR/m1"
wait_count bob $((n + 1)) && pass "... delivered" || fail "... delivered"
n=$(count bob)
t_exit 0 "msmtp -P: the settings, nothing sent" run_as "$M" -P -C "$T_DIR/rc" -a prof bob@example.test < "$T_DIR/m1"
t_grep "... host and port" "^host = 127.0.0.1$" "$T_DIR/out"
t_grep "... port" "^port = $MTA_AUTH_PORT$" "$T_DIR/out"
t_grep "... the password only as *" "^password = \\*$" "$T_DIR/out"
t_nogrep "... never the password" "secret" "$T_DIR/out"
sleep 0.5
t_true "... and nothing delivered" [ "$(count bob)" -eq "$n" ]

# msmtp's sender keys, through wirebox and (when there) the real msmtp:
# the same Return-Path and From: each time
cat > "$T_DIR/rcf" <<EOF
defaults
host 127.0.0.1
port $MTA_PORT
account fixed
from fixed@wirebox.test
allow_from_override off
account setfrom
from account@wirebox.test
set_from_header on
account envfrom
from config@wirebox.test
EOF
printf 'From: Header Person <header@wirebox.test>\nSubject: senders\n\nbody\n' > "$T_DIR/m3"
for p in "$M" "$REAL"; do
	[ -x "$p" ] || continue
	tag=wirebox; [ "$p" = "$REAL" ] && tag="real msmtp"
	n=$(count alice)
	t_exit 0 "$tag: allow_from_override off: -f is ignored" run_as "$p" -C "$T_DIR/rcf" -a fixed -f other@wirebox.test alice@example.test < "$T_DIR/m3"
	wait_count alice $((n + 1)) && t_grep "... $tag: Return-Path is the config's from" "^Return-Path: <fixed@wirebox.test>" "$(newest alice)"
	n=$(count alice)
	t_exit 0 "$tag: set_from_header on" run_as "$p" -C "$T_DIR/rcf" -a setfrom alice@example.test < "$T_DIR/m3"
	wait_count alice $((n + 1)) && t_grep "... $tag: the header From: replaced by the sender" "^From: account@wirebox.test" "$(newest alice)"
	n=$(count alice)
	t_exit 0 "$tag: --read-envelope-from" run_as "$p" -C "$T_DIR/rcf" -a envfrom --read-envelope-from alice@example.test < "$T_DIR/m3"
	wait_count alice $((n + 1)) && t_grep "... $tag: Return-Path from the header From" "^Return-Path: <header@wirebox.test>" "$(newest alice)"
	t_exit 0 "$tag: --domain=NAME is the EHLO name" run_as "$p" -d --domain=ehlo.wirebox.test --serverinfo -C "$T_DIR/rcf" -a fixed
	cat "$T_DIR/out" "$T_DIR/err" > "$T_DIR/dialog"   # msmtp -d: stdout; ours: stderr
	t_grep "... $tag: EHLO ehlo.wirebox.test" "EHLO ehlo.wirebox.test" "$T_DIR/dialog"
done

# refusals
chmod 644 "$T_DIR/rc"
t_exit 78 "a password in a file others can read: 78" run_as "$M" -C "$T_DIR/rc" -a prof bob@example.test < "$T_DIR/m1"
t_grep "... msmtp's words" "rc: contains secrets, but others can read the file; chmod 600" "$T_DIR/err"
chmod 600 "$T_DIR/rc"
t_exit 78 "an account not in the file: 78" run_as "$M" -C "$T_DIR/rc" -a nope bob@example.test < "$T_DIR/m1"
t_grep "... naming it" "account nope not found in $T_DIR/rc" "$T_DIR/err"
printf 'account x\nhost 127.0.0.1\ntls_crl_file /x\n' > "$T_DIR/rc2"; chmod 600 "$T_DIR/rc2"
t_exit 78 "an msmtp key we do not have: 78" run_as "$M" -C "$T_DIR/rc2" -a x bob@example.test < "$T_DIR/m1"
t_grep "... with file:line" "rc2:3: unknown key 'tls_crl_file'" "$T_DIR/err"
t_exit 64 "an msmtp option we do not have: 64" run_as "$M" --tls-crl-file=/x -a adb_notify bob@example.test < "$T_DIR/m1"
t_grep "... naming it" "^msmtp: --tls-crl-file: unknown option" "$T_DIR/err"

# ---- travelmate's config, as its README writes it
TLSBUILD=0; $W smtpsend --help | grep -q -- "--starttls" && TLSBUILD=1
trm() {   # trm PORT TLS-LINE
	cat > "$T_DIR/trm" <<EOF
account trm_notify
host 127.0.0.1
port $1
auth on
$2
tls_certcheck off
timeout 5
syslog LOG_MAIL
from alice@example.test
user alice
password secret
EOF
	chmod 600 "$T_DIR/trm"
}
if [ $TLSBUILD = 1 ] && [ -n "${MTA_STARTTLS_PORT:-}" ]; then
	trm "$MTA_STARTTLS_PORT" "tls on"
	TRM_DESC="travelmate's config (tls on: STARTTLS, tls_certcheck off)"
else
	trm "$MTA_PORT" "tls on"
	t_exit 78 "TLS-off build: travelmate's 'tls on' is refused (78)" run_as "$M" -C "$T_DIR/trm" -a trm_notify bob@example.test < "$T_DIR/m1"
	t_grep "... naming CONFIG_TLS and the line" "trm:5: tls: not compiled in \\(CONFIG_TLS\\)" "$T_DIR/err"
	trm "$MTA_AUTH_PORT" "tls off"
	TRM_DESC="travelmate's config (tls off: loopback, TLS-off build)"
fi
n=$(count bob)
t_exit 0 "$TRM_DESC" run_as "$M" -C "$T_DIR/trm" -a trm_notify bob@example.test < "$T_DIR/m1"
wait_count bob $((n + 1)) && pass "... delivered" || fail "... delivered"

# syslog: a private /dev/log in a mount namespace of its own
if unshare -m --propagation private true 2>/dev/null; then
	touch "$T_DIR/null"
	unshare -m --propagation private sh -c '
		T=$1 M=$2 TOP=$3
		mount --bind /dev/null "$T/null" && mount -t tmpfs none /dev &&
		touch /dev/null && mount --bind "$T/null" /dev/null || exit 99
		"$M" -C "$T/trm" -a trm_notify bob@example.test < "$T/m1" 2>"$T/nolog"
		echo "nolog $?" > "$T/nolog.rc"
		/usr/bin/python3 "$TOP/tests/sntp/syslogd.py" /dev/log "$T/syslog" &
		i=0; while [ ! -e "$T/syslog.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		"$M" -C "$T/trm" -a trm_notify bob@example.test < "$T/m1"
		"$M" -C "$T/trm" -a trm_notify nobody@example.test < "$T/m1"
		"$M" --syslog=LOG_LOCAL3 -a adb_notify alice@example.test < "$T/m1"
		sleep 0.2; kill $!' sh "$T_DIR" "$M" "$TOP" >"$T_DIR/out" 2>"$T_DIR/err"
	t_grep "syslog LOG_MAIL: one line, mail.info, msmtp[PID], msmtp's fields" \
		"^<22>msmtp\\[[0-9]+\\]: host=127.0.0.1 tls=(on|off) auth=on user=alice from=alice@example.test recipients=bob@example.test mailsize=[0-9]+ smtpstatus=250 smtpmsg='250 [^']*' exitcode=EX_OK$" "$T_DIR/syslog"
	t_grep "... a refusal as mail.err with the error and the exit code" \
		"^<19>msmtp\\[[0-9]+\\]: host=127.0.0.1 .*recipients=nobody@example.test smtpstatus=5[0-9]{2} smtpmsg='5[0-9]{2} [^']*' errormsg='all 1 recipients refused: nothing sent' exitcode=EX_NOUSER$" "$T_DIR/syslog"
	t_grep "--syslog=LOG_LOCAL3 on the command line" "^<158>msmtp\\[[0-9]+\\]: host=127.0.0.1 .*recipients=alice@example.test .*exitcode=EX_OK$" "$T_DIR/syslog"
	t_grep "without a syslogd: the mail still goes (exit 0) ..." "^nolog 0$" "$T_DIR/nolog.rc"
	t_grep "... and one warning says why" "^msmtp: syslog: /dev/log: " "$T_DIR/nolog"
else
	echo "# unshare -m not permitted here: syslog checks skipped"
fi

# /etc/msmtprc (the system file) in a private mount namespace: a copy of
# the few files /etc needs here, with an msmtprc, over /etc
if unshare -m --propagation private true 2>/dev/null; then
	mkdir -p "$T_DIR/etc"
	for f in passwd group hosts nsswitch.conf localtime; do [ -e /etc/$f ] && cp -L /etc/$f "$T_DIR/etc/"; done
	printf 'account sys\nhost 127.0.0.1\nport %s\nfrom sender@wirebox.test\naccount default : sys\n' "$MTA_PORT" > "$T_DIR/etc/msmtprc"
	chmod 644 "$T_DIR/etc/msmtprc"
	n=$(count carol)
	unshare -m --propagation private sh -c 'mount --bind "$1/etc" /etc && HOME=/nonexistent "$2" carol@example.test < "$1/m1"' \
		sh "$T_DIR" "$M" >"$T_DIR/out" 2>"$T_DIR/err"
	t_true "/etc/msmtprc (no ~/.msmtprc): delivered through its default account" [ $? -eq 0 ]
	wait_count carol $((n + 1)) && pass "... delivered" || fail "... delivered"
fi

# ---- the same lines through the real msmtp, side by side
if [ -x "$REAL" ]; then
	# cmp DESC WANT_OURS WANT_REAL RCPT-USER CMD-ARGS...: both run, each
	# exit status as wanted, and each delivers (0) or not the same way
	cmp_both() {
		desc=$1 wo=$2 wr=$3 who=$4; shift 4
		for p in "$M" "$REAL"; do
			n=$(count "$who")
			run_as "$p" "$@" < "$T_DIR/m1" >"$T_DIR/out" 2>"$T_DIR/err"
			got=$?
			want=$wo; [ "$p" = "$REAL" ] && want=$wr
			tag=wirebox; [ "$p" = "$REAL" ] && tag="real msmtp"
			if [ "$got" = "$want" ]; then pass "$tag: $desc: exit $want"
			else fail "$tag: $desc: exit $want" "got $got: $(head -c 300 "$T_DIR/err" | tr '\n' '|')"; fi
			if [ "$want" = 0 ] && [ -n "$who" ]; then
				wait_count "$who" $((n + 1)) && pass "$tag: $desc: delivered" || fail "$tag: $desc: delivered"
			fi
		done
	}
	cmp_both "--timeout=10 -a PROFILE RCPT" 0 0 alice --timeout=10 -a adb_notify alice@example.test
	cmp_both "no -a: the default account" 0 0 alice alice@example.test
	printf 'account plain\nhost 127.0.0.1\nport %s\nfrom "sender@wirebox.test"\n' "$MTA_PORT" > "$T_DIR/rc4"
	cmp_both "--file=FILE -a PROFILE" 0 0 bob --file="$T_DIR/rc4" -a plain bob@example.test
	cmp_both "-C FILE -a PROFILE -- RCPT" 0 0 bob -C "$T_DIR/rc4" -a plain -- bob@example.test
	cmp_both "-t" 0 0 carol -t -a adb_notify carol@example.test
	cmp_both "--serverinfo" 0 0 "" --serverinfo -a adb_notify
	cmp_both "-P" 0 0 "" -P -a adb_notify alice@example.test
	# 'auth on' without TLS (even to 127.0.0.1): msmtp finds no method it
	# calls secure (exit 69); ours lets loopback through (docs/smtpsend.md)
	[ $TLSBUILD = 1 ] || cmp_both "$TRM_DESC" 0 69 bob -C "$T_DIR/trm" -a trm_notify bob@example.test
	# TLS: this build, or else toolchain/tls-check.sh's (as readme.sh)
	MT=""
	TW=${BUILDROOT:-build}/tls-dyn/wirebox
	case $TW in /*) ;; *) TW=$TOP/$TW ;; esac
	if [ $TLSBUILD = 1 ]; then MT=$M
	elif [ -x "$TW" ] && "$TW" --version | grep -q '^TLS: on'; then
		mkdir -p "$T_DIR/tbin" && ln -s "$TW" "$T_DIR/tbin/msmtp" && MT=$T_DIR/tbin/msmtp
	else
		echo "# no TLS build ($TW; toolchain/tls-check.sh makes it): TLS comparisons skipped"
	fi
	if [ -n "$MT" ] && [ -n "${MTA_STARTTLS_PORT:-}" ]; then
		M0=$M M=$MT
		trm "$MTA_STARTTLS_PORT" "tls on"
		# 'tls on' alone: STARTTLS as msmtp (its tls_starttls default), implicit
		# TLS as smtpsend (ours, unchanged); tls_starttls makes both agree
		t_exit 0 "as msmtp, 'tls on' is STARTTLS (-P)" "$MT" -P -C "$T_DIR/trm" -a trm_notify
		t_grep "... tls_starttls = on" "^tls_starttls = on$" "$T_DIR/out"
		SS=$(dirname "$MT")/smtpsend
		[ -e "$SS" ] || ln -s "$TW" "$SS"
		t_exit 0 "as smtpsend, 'tls on' is implicit TLS (-P)" "$SS" -P -C "$T_DIR/trm" -a trm_notify
		t_grep "... tls_starttls = off" "^tls_starttls = off$" "$T_DIR/out"
		cmp_both "travelmate's config as written (tls on: STARTTLS, tls_certcheck off)" 0 0 bob -C "$T_DIR/trm" -a trm_notify bob@example.test
		# the certificate checked: against tls_trust_file, or refused
		printf 'defaults\ntls on\nhost 127.0.0.1\nfrom alice@example.test\n'"account ca\nport $MTA_STARTTLS_PORT\ntls_trust_file $MTA_CA\n"'account sys\nport %s\n' "$MTA_STARTTLS_PORT" > "$T_DIR/rc5"
		printf "account smtps\nhost 127.0.0.1\nport $MTA_SMTPS_PORT\ntls on\ntls_starttls off\ntls_trust_file $MTA_CA\nfrom alice@example.test\n" >> "$T_DIR/rc5"
		cmp_both "tls on + tls_trust_file (STARTTLS, verified)" 0 0 bob -C "$T_DIR/rc5" -a ca bob@example.test
		cmp_both "tls_starttls off: implicit TLS (SMTPS port)" 0 0 bob -C "$T_DIR/rc5" -a smtps bob@example.test
		cmp_both "tls on, the system's CAs: the test certificate refused" 69 69 "" -C "$T_DIR/rc5" -a sys bob@example.test
		cmp_both "--tls-fingerprint of another certificate: refused" 69 69 "" -C "$T_DIR/rc5" -a ca --tls-fingerprint=00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF bob@example.test
		M=$M0
	fi
	cmp_both "auth on without TLS to 127.0.0.1 (our loopback exemption)" 0 69 bob --file="$T_DIR/rc" -a prof bob@example.test
	cmp_both "account not found" 78 78 "" -C "$T_DIR/rc" -a nope bob@example.test
	cmp_both "unknown config key" 78 78 "" -C "$T_DIR/rc2" -a x bob@example.test
	cmp_both "unknown option" 64 64 "" --bogus bob@example.test
	# where ours differs on purpose (docs/smtpsend.md): a refused recipient
	# (msmtp 65, nothing sent; ours 67, the others get it); a temporary
	# refusal (msmtp 69; ours 75: retry later)
	cmp_both "one of two recipients refused" 67 65 "" -a adb_notify alice@example.test nobody@example.test
	cmp_both "a 4xx on a recipient" 75 69 "" -a adb_notify temp@example.test
	# a method named (auth plain) without TLS: msmtp sends it, as we do
	printf 'account p\nhost 127.0.0.1\nport %s\nfrom alice@example.test\nauth plain\nuser alice\npassword secret\n' "$MTA_AUTH_PORT" > "$T_DIR/rc3"
	chmod 600 "$T_DIR/rc3"
	cmp_both "auth plain without TLS to 127.0.0.1" 0 0 bob -C "$T_DIR/rc3" -a p bob@example.test
else
	if [ -n "${CI:-}" ]; then fail "the real msmtp" "not installed (apt-get install msmtp)"
	else echo "# no $REAL (apt-get install msmtp): comparison skipped"; fi
fi

finish
