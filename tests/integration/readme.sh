#!/bin/sh
# tests/integration/readme.sh - every example of README.md (the indented
# lines from "## Building" on), run against the local servers with host
# names, users and paths replaced by loopback ones, builds in a build
# directory of their own. Each README line must have its entry below: a
# changed or new example without one fails. The two commands at the top are
# make demo and make check themselves.
# Needs what sntpc.sh, smtpsend.sh and tls.sh need (chrony, Postfix, Dovecot,
# openssl, setpriv; root). TLS examples use toolchain/tls-check.sh's build.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/sntp/chronyd.sh"
cd "$TOP"
chmod 755 "$T_DIR"   # Postfix and Dovecot users walk into it

# the applets by their names, as the README calls them
B=$T_DIR/bin TB=$T_DIR/tbin
mkdir -p "$B" "$TB"
cp "$WB" "$B/wirebox"
"$B/wirebox" --install -s "$B" || fail "links for the README's commands"
TWB=$TOP/${BUILDROOT:-build}/tls-dyn/wirebox
if [ -x "$TWB" ] && "$TWB" --version | grep -q '^TLS: on'; then
	cp "$TWB" "$TB/wirebox" && "$TB/wirebox" --install -s "$TB"
else
	TB=""
	echo "# no TLS build ($TWB; toolchain/tls-check.sh makes it): TLS examples skipped"
	[ -z "${CI:-}" ] || fail "TLS build for the TLS examples"
fi
PATH=$T_DIR/safe:$B:$PATH
export HOME="$T_DIR/home"
mkdir -p "$HOME/Maildir/cur" "$HOME/Maildir/new" "$HOME/Maildir/tmp"

# sntpc never sets the clock: no CAP_SYS_TIME, clock calls blocked and logged
SHIM=$T_DIR/clockshim.so SLOG=$T_DIR/shim.log
cc -shared -fPIC -o "$SHIM" tests/sntp/clockshim.c -ldl || fail "build clock shim"
# (a script first in $PATH, so that "timeout 3 sntpc" gets it too)
mkdir -p "$T_DIR/safe"
cat > "$T_DIR/safe/sntpc" <<EOS
#!/bin/sh
CLOCKSHIM_LOG=$SLOG LD_PRELOAD=$SHIM exec setpriv --bounding-set -sys_time \\
	--inh-caps -sys_time "$B/sntpc" "\$@"
EOS
chmod 755 "$T_DIR/safe/sntpc"

# ---- servers ------------------------------------------------------------------
NTP=$(free_port udp)
at_exit "chronyd_stop '$T_DIR'"
chronyd_start "$T_DIR" "$NTP" || fail "chronyd up"
NTP=127.0.0.1:$NTP
C=$T_DIR/certs
sh tests/tls/certs.sh "$C" >/dev/null 2>&1 || fail "test certificates"
M=$T_DIR/mta
at_exit "sh '$TOP/tests/tls/postfix-tls.sh' stop '$M'"
sh tests/tls/postfix-tls.sh start "$M" "$C" >/dev/null || fail "Postfix up"
. "$M/env"
P=$T_DIR/pop
mkdir -p "$P"
at_exit "sh '$TOP/tests/tls/dovecot-tls.sh' stop '$P'"
sh tests/tls/dovecot-tls.sh start "$P" "$C/good-chain.pem" "$C/good.key" >/dev/null ||
	fail "Dovecot up"
POP=127.0.0.1:$(cat "$P/port") POPS=localhost:$(cat "$P/port-tls")
popmsgs() {   # N fresh messages for alice
	for k in $(seq "$1"); do
		printf 'From: bob@example.test\nTo: alice@example.test\nSubject: readme %s\n\nhello %s\n' \
			"$k" "$k" > "$T_DIR/m$k"
		sh tests/pop3/dovecot.sh add "$P" alice "$T_DIR/m$k"
	done
}
export SMTP_PASSWORD=secret POP3_PASSWORD=alice-secret
CA="--cafile $C/ca.pem"
printf 'Subject: readme\n\nhello\n' > "$T_DIR/msg"
printf 'From: alice@example.test\nTo: bob@example.test\nSubject: cron\n\nhello\n' > "$T_DIR/message"
printf 'host 127.0.0.1:%s\nfrom alice@example.test\n' "$MTA_PORT" > "$T_DIR/smtpsend.conf"
printf '#!/bin/sh\necho stepped >> "%s/stepped"\n' "$T_DIR" > "$T_DIR/ntp-stepped"
chmod 755 "$T_DIR/ntp-stepped"

# ex WANT 'COMMAND' [TLS]: run the shell COMMAND (TLS: with the TLS build)
ex() {
	if [ -n "${3:-}" ] && [ -z "$TB" ]; then echo "# skipped (no TLS build): $line"; return; fi
	(if [ -n "${3:-}" ]; then PATH=$T_DIR/safe:$TB:$PATH; fi; eval "$2") >"$T_DIR/out" 2>"$T_DIR/err"
	rc=$?
	if [ "$rc" = "$1" ]; then pass "README: $line"
	else fail "README: $line" "ran: $2; exit $rc, want $1; $(tail -n 2 "$T_DIR/err" | tr '\n' '|')"; fi
}

# ---- the examples -----------------------------------------------------------------
# builds: a .config, build directory and binary of their own
BD=$T_DIR/b
mkdir -p "$BD"
MK="make -s KCONFIG_CONFIG=$BD/.config BUILD=$BD OUT=$BD/wirebox"
# a TARGET build has a folder of its own (build/NAME), as without BUILD=
MKT="make -s KCONFIG_CONFIG=$BD/.config BUILD=$BD-mips OUT=$BD-mips/wirebox"
awk '/^## Building/ { on = 1 } /^## Layout/ { on = 0 }
	on && /^    [^ ]/ { sub(/^    /, ""); sub(/[ \t]+# .*$/, ""); print }' README.md > "$T_DIR/examples"
[ -s "$T_DIR/examples" ] || fail "examples found in README.md"
n=$(wc -l < "$T_DIR/examples")
ln=0
while [ $ln -lt "$n" ]; do
	ln=$((ln + 1))
	line=$(sed -n "${ln}p" "$T_DIR/examples")
	case "$line" in
	'make defconfig'|'make tiny_defconfig'|'make oldconfig')
		ex 0 "$MK ${line#make }" ;;
	'make')
		ex 0 "$MK && $BD/wirebox --list | grep -qx sntpc" ;;
	'make menuconfig')
		echo "# not run (interactive): $line" ;;
	'make STATIC=1')
		if command -v musl-gcc >/dev/null 2>&1; then
			ex 0 "$MK STATIC=1 && file $BD/wirebox | grep -q 'statically linked'"
		else echo "# musl-gcc missing: skipped: $line"; fi ;;
	'make TARGET=mips')
		# make check-cross installs the toolchains (this namespace has no network)
		if [ -x "$(sh toolchain/cross.sh cc mips 2>/dev/null)gcc" ]; then
			ex 0 "$MKT ${line#make } && file $BD-mips/wirebox | grep -q 'MSB.*MIPS.*statically linked'"
		else echo "# no mips toolchain yet (make check-cross installs it): not run: $line"; fi ;;
	'make install TARGET=mips PREFIX=/usr DESTDIR=/tmp/root')
		if [ -x "$(sh toolchain/cross.sh cc mips 2>/dev/null)gcc" ]; then
			ex 0 "$MKT ${line#make } DESTDIR=$T_DIR/root-mips && file $T_DIR/root-mips/usr/bin/wirebox | grep -q 'MSB.*MIPS.*statically linked.*stripped'"
		else echo "# no mips toolchain yet (make check-cross installs it): not run: $line"; fi ;;
	'make CROSS_COMPILE=mipsel-linux-musl- STATIC=1')
		if command -v mipsel-linux-musl-gcc >/dev/null 2>&1; then
			ex 0 "$MK ${line#make }"
		else echo "# no mipsel-linux-musl- toolchain: not run: $line"; fi ;;
	'make size')
		ex 0 "$MK size | grep -q 'sntpc alone.*+'" ;;
	'make analyze')
		echo "# run by make check's static analysis step: $line" ;;
	'make install PREFIX=/usr DESTDIR=/tmp/root')
		ex 0 "$MK install PREFIX=/usr DESTDIR=$T_DIR/root && [ $T_DIR/root/usr/sbin/sendmail -ef $T_DIR/root/usr/bin/wirebox ] && [ $T_DIR/root/usr/lib/sendmail -ef $T_DIR/root/usr/bin/wirebox ] && [ -f $T_DIR/root/usr/share/man/man8/sntpc.8 ]" ;;
	'wirebox --list')
		ex 0 'wirebox --list' ;;
	'wirebox --version')
		ex 0 'wirebox --version | grep "^TLS: "' ;;
	'wirebox --install [-s] /usr/bin')
		mkdir -p "$T_DIR/usr-bin"
		ex 0 "wirebox --install -s $T_DIR/usr-bin && $T_DIR/usr-bin/sntpc --help" ;;
	'wirebox APPLET ARGS...')
		ex 0 "wirebox smtpsend --serverinfo -S 127.0.0.1:$MTA_PORT" ;;
	'APPLET --help')
		ex 0 'pop3get --help' ;;
	'sntpc pool.ntp.org')
		ex 0 "sntpc $NTP" ;;
	'sntpc -s 192.0.2.1 [2001:db8::1]:123')
		rm -f "$SLOG"
		ex 0 "sntpc -s $NTP [::1]:${NTP#*:} && grep -q clock_settime $SLOG" ;;
	'v=$(sntpc -e ntp1 ntp2) && eval "$v"')
		ex 0 "v=\$(sntpc -e $NTP $NTP) && eval \"\$v\" && [ -n \"\$SNTP_OFFSET\" ]"
		dead=127.0.0.1:$(free_port udp)
		line="$line (no server answers: fails, eval not run)"
		ex 69 "v=\$(sntpc --timeout 0.3 -r 0 -e $dead $dead) && eval \"\$v\" && echo ran > $T_DIR/evalran"
		t_true "README: the eval form does not run eval when sntpc fails" [ ! -e "$T_DIR/evalran" ] ;;
	'sntpc -l ntp1 ntp2 ntp3')
		ex 0 "sntpc -l $NTP $NTP $NTP" ;;
	'sntpc -d -x /etc/ntp-stepped ntp1')
		# a daemon: runs until stopped (timeout's 124 = still running)
		ex 124 "timeout 3 sntpc -d -x $T_DIR/ntp-stepped $NTP" ;;
	'dmesg | smtpsend -S mail.example.net:587 --starttls -au alert admin@example.net')
		ex 0 "{ dmesg 2>/dev/null | tail -n 20; echo kernel log; } | smtpsend -S localhost:$MTA_STARTTLS_good --starttls $CA -au alice -f alice@example.test bob@example.test" tls ;;
	'sendmail -t < message')
		ex 0 "sendmail -C $T_DIR/smtpsend.conf -t < $T_DIR/message" ;;
	'smtpsend -v -S 127.0.0.1 root < msg')
		ex 0 "smtpsend -v -S 127.0.0.1:$MTA_PORT bob@example.test < $T_DIR/msg && grep -q '^C: DATA' $T_DIR/err" ;;
	'smtpsend --serverinfo -S mail.example.net')
		ex 0 "smtpsend --serverinfo -S 127.0.0.1:$MTA_PORT && grep -q PIPELINING $T_DIR/out" ;;
	'pop3get -S pop.example.net --tls -u alice -m ~/Maildir')
		popmsgs 2
		ex 0 "pop3get -S $POPS --tls $CA -u alice -m ~/Maildir && [ \$(ls ~/Maildir/new | wc -l) -ge 2 ]" tls ;;
	'pop3get -S pop.example.net --starttls -u alice -k -n -m ~/Maildir')
		popmsgs 1
		ex 0 "pop3get -S localhost:${POP#*:} --starttls $CA -u alice -k -n -m ~/Maildir && pop3get -S localhost:${POP#*:} --starttls $CA -u alice -k -n -m ~/Maildir" tls ;;
	'pop3get -S host -u alice -l')
		popmsgs 1
		ex 0 "pop3get -S $POP -u alice -l | grep -q '^1 '" ;;
	"pop3get -S host -u alice -x 'procmail'")
		popmsgs 1
		ex 0 "pop3get -S $POP -u alice -x 'cat >> $T_DIR/mda.out' && grep -q '^Subject: readme' $T_DIR/mda.out" ;;
	*)
		fail "README example without a test in readme.sh" "$line" ;;
	esac
done
finish
