#!/bin/sh
# tests/integration/options.sh - the option tables of smtpsend and pop3get
# (core/optab.h): --help of the build at hand lists every option built in
# and none compiled out, a compiled-out option is refused naming it and its
# CONFIG_ symbol (tiny_defconfig built here, like sntpc.sh's no-daemon
# build), msmtp's and BusyBox's spellings work (--tls-trust-file against a
# TLS build when toolchain/tls-check.sh made one), one error style, a bad
# config-file value is 78 naming file and line.
# Needs: cc, make, python3 (a listener for the TLS build).
. "$(dirname "$0")/../lib.sh"
BR=${BUILDROOT:-$TOP/build}
case $BR in /*) ;; *) BR=$TOP/$BR ;; esac
smtp() { "$WB" smtpsend "$@"; }
pop() { "$WB" pop3get "$@"; }
export POP3_PASSWORD=x SMTP_PASSWORD=x

# lists HELPFILE OPTION: the option is a word of the help text
lists() { grep -Eq -- "(^|[ (,;])$(printf '%s' "$2" | sed 's/[*]/\\*/g')([ ,)]|$)" "$1"; }
# help_has DESC HELPFILE OPTION...: every one listed / help_hides: none
help_has() {
	d=$1 f=$2; shift 2; miss=""
	for o in "$@"; do lists "$f" "$o" || miss="$miss $o"; done
	if [ -z "$miss" ]; then pass "$d"; else fail "$d" "missing:$miss"; fi
}
help_hides() {
	d=$1 f=$2; shift 2; seen=""
	for o in "$@"; do ! lists "$f" "$o" || seen="$seen $o"; done
	if [ -z "$seen" ]; then pass "$d"; else fail "$d" "listed:$seen"; fi
}
# refused DESC SYMBOL WANT-PREFIX CMD...: 64, "APPLET: OPT: not compiled in (CONFIG_X)"
refused() {
	d=$1 sym=$2 pre=$3; shift 3
	t_exit 64 "$d: exit 64" "$@"
	t_grep "$d: names the option and $sym" "^$pre: not compiled in \\($sym\\)\$" "$T_DIR/err"
}

SMTP_OPTS="-S --port -H -t -f -r --from -F --rewrite-from -au --user --passfile
	--passwordeval -ap -am --auth --auth-plaintext --helo --aliases --domain
	--force-8bit -C --config --timeout -w -4 -6 -v --serverinfo -i -oi -o* -B*"
POP_OPTS="-S --port -u --user -s --stat -l --list -m --maildir -o --mbox -x --mda
	-k --keep -n --new --state -t --headers --max-size --auth --auth-plaintext
	--passfile --passwordeval -C --config --serverinfo --timeout --max-time -4 -6 -v"
TLS_OPTS="--tls --starttls --cafile --tls-trust-file --capath --tls-name
	--fingerprint --tls-fingerprint --insecure"

# tls_on WIREBOX: a TLS build (its --version says, not its --help)
tls_on() { ! "$1" --version | grep -q '^TLS: off$'; }

# ---- the full build ($WIREBOX): every option in --help ---------------------
t_exit 0 "smtpsend --help" smtp --help
cp "$T_DIR/out" "$T_DIR/smtp.help"
t_exit 0 "pop3get --help" pop --help
cp "$T_DIR/out" "$T_DIR/pop.help"
# shellcheck disable=SC2086
help_has "smtpsend --help lists every option" "$T_DIR/smtp.help" $SMTP_OPTS
# shellcheck disable=SC2086
help_has "pop3get --help lists every option" "$T_DIR/pop.help" $POP_OPTS
t_grep "smtpsend --help: BusyBox's -H" "^  -H 'PROG ARGS' .*BusyBox" "$T_DIR/smtp.help"
t_grep "... with its warning" "PROG does any TLS: we verify nothing" "$T_DIR/smtp.help"
if tls_on "$WB"; then
	# shellcheck disable=SC2086
	help_has "TLS build: smtpsend --help lists the TLS options" "$T_DIR/smtp.help" $TLS_OPTS
	# shellcheck disable=SC2086
	help_has "TLS build: pop3get --help lists the TLS options" "$T_DIR/pop.help" $TLS_OPTS
else
	# shellcheck disable=SC2086
	help_hides "TLS-off build: smtpsend --help lists no TLS option" "$T_DIR/smtp.help" $TLS_OPTS
	# shellcheck disable=SC2086
	help_hides "TLS-off build: pop3get --help lists no TLS option" "$T_DIR/pop.help" $TLS_OPTS
	for o in --cafile --tls-trust-file --insecure --starttls; do
		refused "TLS-off build: smtpsend $o" CONFIG_TLS "smtpsend: $o" \
			smtp $o /x -S 127.0.0.1:1 a@b.test
		refused "TLS-off build: pop3get $o" CONFIG_TLS "pop3get: $o" \
			pop $o /x -S 127.0.0.1:1 -u x -s
	done
fi
t_exit 0 "--help after other options is help too" pop -v -s --help
t_true "... the same text" cmp -s "$T_DIR/out" "$T_DIR/pop.help"

# ---- one error style: "APPLET: SPELLING: want WHAT, not 'VALUE'" -------------
t_exit 64 "smtpsend --timeout abc: 64" smtp --timeout abc a@b.test
t_grep "... in the one style" "^smtpsend: --timeout: want seconds \\(0\\.001-3600\\), not 'abc'\$" "$T_DIR/err"
t_exit 64 "smtpsend -w abc (BusyBox): 64" smtp -w abc a@b.test
t_grep "... names -w" "^smtpsend: -w: want seconds \\(0\\.001-3600\\), not 'abc'\$" "$T_DIR/err"
t_exit 64 "pop3get --timeout abc: 64" pop --timeout abc -S 127.0.0.1:1 -u x -s
t_grep "... in the one style" "^pop3get: --timeout: want seconds \\(0\\.001-3600\\), not 'abc'\$" "$T_DIR/err"
t_exit 64 "pop3get --max-size 0: 64" pop --max-size 0 -S 127.0.0.1:1 -u x
t_grep "... in the one style" "^pop3get: --max-size: want a number \\(at least 1\\), not '0'\$" "$T_DIR/err"
t_exit 64 "pop3get --auth foo: 64" pop --auth foo -S 127.0.0.1:1 -u x -s
t_grep "... in the one style" "^pop3get: --auth: want auto\\|apop\\|plain\\|user, not 'foo'\$" "$T_DIR/err"
for a in smtpsend pop3get; do
	args="a@b.test"; [ $a = smtpsend ] || args="-u x -s"
	t_exit 64 "$a --port 0: 64" "$WB" $a --port 0 -S 127.0.0.1 $args
	t_grep "... in the one style" "^$a: --port: want a number 1-65535, not '0'\$" "$T_DIR/err"
	t_exit 64 "$a -S HOST:99999: 64" "$WB" $a -S 127.0.0.1:99999 $args
	t_grep "... names the port" "^$a: .*'127\.0\.0\.1:99999'" "$T_DIR/err"
	t_exit 64 "$a --bogus: 64" "$WB" $a --bogus
	t_grep "... names it" "^$a: --bogus: unknown option\$" "$T_DIR/err"
	t_exit 64 "$a --timeout without a value: 64" "$WB" $a --timeout
	t_grep "... says so" "^$a: --timeout: needs an argument\$" "$T_DIR/err"
done
t_exit 64 "smtpsend -H without PROG: 64" smtp -H
t_grep "... names -H" "^smtpsend: -H: needs an argument\$" "$T_DIR/err"
t_exit 64 "smtpsend -H takes its argument (the next word is parsed after it)" smtp -H 'cat -u' --bogus
t_grep "... --bogus is the error, not -H" "^smtpsend: --bogus: unknown option\$" "$T_DIR/err"

# ---- config files: a bad value is 78 naming file and line ------------------
printf '# c\nserver 127.0.0.1:1\nuser x\ntimeout abc\n' > "$T_DIR/pop.conf"
t_exit 78 "pop3get: bad value in the config file: 78" pop -C "$T_DIR/pop.conf" -s
t_grep "... naming file, line and key" "^pop3get: $T_DIR/pop.conf:4: timeout: want seconds \\(0\\.001-3600\\), not 'abc'\$" "$T_DIR/err"
t_nogrep "... not a usage error" 'Try ' "$T_DIR/err"
printf 'host 127.0.0.1:1\nport 99999\n' > "$T_DIR/smtp.conf"
t_exit 78 "smtpsend: bad value in the config file: 78" smtp -C "$T_DIR/smtp.conf" a@b.test
t_grep "... naming file, line and key" "$T_DIR/smtp.conf:2: port: want a number 1-65535, not '99999'\$" "$T_DIR/err"
printf 'server 127.0.0.1:1\nmbox-file /x\n' > "$T_DIR/pop2.conf"
t_exit 78 "pop3get: unknown key: 78" pop -C "$T_DIR/pop2.conf" -u x -s
t_grep "... naming file, line and key" "pop2.conf:2: unknown key 'mbox-file'\$" "$T_DIR/err"
printf 'server 127.0.0.1:1\ntls_name mx.test\ntls-trust-file /x\n' > "$T_DIR/pop3.conf"
pop -C "$T_DIR/pop3.conf" -u x -s >/dev/null 2>"$T_DIR/err"
if tls_on "$WB"; then
	t_nogrep "TLS build: tls_name and tls-trust-file are config keys" 'unknown key' "$T_DIR/err"
else
	t_grep "TLS-off build: the tls_name key is known, refused naming CONFIG_TLS" \
		"pop3.conf:2: tls_name: not compiled in \\(CONFIG_TLS\\)\$" "$T_DIR/err"
fi
printf 'server 127.0.0.1:1\ntls off\nstarttls no\ninsecure 0\nmax-time 5\n' > "$T_DIR/pop4.conf"
t_exit 75 "'tls off' in a config file is fine in any build (refused connection: 75)" \
	pop -C "$T_DIR/pop4.conf" -u x -s --timeout 2
printf 'host 127.0.0.1:1\npasswordeval echo x\n' > "$T_DIR/smtp2.conf"; chmod 664 "$T_DIR/smtp2.conf"
t_exit 78 "smtpsend: a command in a config file the group may write: 78" smtp -C "$T_DIR/smtp2.conf" a@b.test
printf 'server 127.0.0.1:1\npassfile /x\n' > "$T_DIR/pop5.conf"; chmod 646 "$T_DIR/pop5.conf"
t_exit 78 "pop3get: a password file named in a config file others may write: 78" pop -C "$T_DIR/pop5.conf" -u x -s

# ---- the tiny build: help follows the build, refusals name the symbol --------
TB=$BR/options-tiny
mkdir -p "$TB"
cp "$TOP/configs/tiny_defconfig" "$TB/.config"
if (cd "$TOP" && make -s BUILD="$TB" KCONFIG_CONFIG="$TB/.config" olddefconfig &&
    make -s BUILD="$TB" KCONFIG_CONFIG="$TB/.config" OUT="$TB/wirebox") >"$TB/log" 2>&1 &&
   grep -q '^# CONFIG_POP3GET_MAILDIR is not set' "$TB/.config"; then
	pass "a tiny_defconfig build"
	"$TB/wirebox" pop3get --help > "$T_DIR/tpop.help" 2>&1
	"$TB/wirebox" smtpsend --help > "$T_DIR/tsmtp.help" 2>&1
	help_hides "tiny pop3get --help: no -m -o -x -n --state" "$T_DIR/tpop.help" -m -o -x -n --state \
		--maildir --mbox --mda --new
	t_nogrep "tiny pop3get --help: nothing about Maildir, mbox or MDA" 'Maildir|mbox FILE|-x CMD|\.pop3get-uidl' "$T_DIR/tpop.help"
	# shellcheck disable=SC2086
	help_hides "tiny pop3get --help: no TLS option" "$T_DIR/tpop.help" $TLS_OPTS
	help_has "tiny pop3get --help: still -s -l -k -t -C" "$T_DIR/tpop.help" -s -l -k -t -C --timeout
	# shellcheck disable=SC2086
	help_hides "tiny smtpsend --help: no TLS, AUTH or config-file option" "$T_DIR/tsmtp.help" \
		$TLS_OPTS -au --user -ap -am --auth --passfile --passwordeval -C --aliases
	help_has "tiny smtpsend --help: still -t -f -S -w -H" "$T_DIR/tsmtp.help" -t -f -S -w -H -i
	refused "tiny pop3get -m" CONFIG_POP3GET_MAILDIR "pop3get: -m" "$TB/wirebox" pop3get -m "$T_DIR/md" -S 127.0.0.1:1 -u x
	refused "tiny pop3get -o" CONFIG_POP3GET_MBOX "pop3get: -o" "$TB/wirebox" pop3get -S 127.0.0.1:1 -u x -o "$T_DIR/mb"
	refused "tiny pop3get -x" CONFIG_POP3GET_MDA "pop3get: -x" "$TB/wirebox" pop3get -S 127.0.0.1:1 -u x -x cat
	refused "tiny pop3get -kn (in a cluster)" CONFIG_POP3GET_UIDL "pop3get: -n" "$TB/wirebox" pop3get -S 127.0.0.1:1 -u x -kn
	refused "tiny pop3get --mbox" CONFIG_POP3GET_MBOX "pop3get: --mbox" "$TB/wirebox" pop3get -S 127.0.0.1:1 -u x --mbox "$T_DIR/mb"
	refused "tiny pop3get --cafile" CONFIG_TLS "pop3get: --cafile" "$TB/wirebox" pop3get --cafile /x -S 127.0.0.1:1 -u x -s
	refused "tiny pop3get --tls-trust-file (msmtp's spelling)" CONFIG_TLS "pop3get: --tls-trust-file" "$TB/wirebox" pop3get --tls-trust-file /x -S 127.0.0.1:1 -u x -s
	refused "tiny smtpsend --cafile" CONFIG_TLS "smtpsend: --cafile" "$TB/wirebox" smtpsend --cafile /x a@b.test
	refused "tiny smtpsend --tls" CONFIG_TLS "smtpsend: --tls" "$TB/wirebox" smtpsend --tls a@b.test
	refused "tiny pop3get --auth apop" CONFIG_POP3GET_APOP "pop3get: --auth: apop" "$TB/wirebox" pop3get --auth apop -S 127.0.0.1:1 -u x -s
	t_nogrep "tiny pop3get --help: --auth offers no apop" "apop" "$T_DIR/tpop.help"
	refused "tiny smtpsend -au" CONFIG_SMTPSEND_AUTH "smtpsend: -au" "$TB/wirebox" smtpsend -au me a@b.test
	refused "tiny smtpsend -C" CONFIG_SMTPSEND_CONFIG "smtpsend: -C" "$TB/wirebox" smtpsend -C /x a@b.test
	printf 'server 127.0.0.1:1\nmaildir /x\n' > "$T_DIR/tiny.conf"
	t_exit 78 "tiny pop3get: a config key of a feature compiled out: 78" "$TB/wirebox" pop3get -C "$T_DIR/tiny.conf" -u x -s
	t_grep "... naming file, line, key and symbol" "tiny.conf:2: maildir: not compiled in \\(CONFIG_POP3GET_MAILDIR\\)\$" "$T_DIR/err"
else
	fail "a tiny_defconfig build" "$(tail -5 "$TB/log" | tr '\n' '|')"
fi

# ---- msmtp's spellings in a TLS build (toolchain/tls-check.sh's tls-dyn) ----
TW=""
if tls_on "$WB"; then TW=$WB
elif [ -f "$BR/tls-dyn/.config" ] && [ -f /usr/include/mbedtls/ssl.h ] &&
     (cd "$TOP" && make -s BUILD="$BR/tls-dyn" KCONFIG_CONFIG="$BR/tls-dyn/.config" \
	OUT="$BR/tls-dyn/wirebox") >"$T_DIR/tls-build.log" 2>&1; then
	TW=$BR/tls-dyn/wirebox       # brought up to date, as tls-check.sh builds it
fi
if [ -n "$TW" ]; then
	LP=$(free_port)
	/usr/bin/python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16); c=[]
while True: c.append(s.accept()[0])' "$LP" &
	at_exit "kill $!"
	wait_port "$LP" || fail "listener on $LP"
	for a in smtpsend pop3get; do
		args="a@b.test"; [ $a = smtpsend ] || args="-u x -s"
		for o in --cafile --tls-trust-file; do
			t_exit 78 "TLS build: $a $o that does not exist: 78" \
				"$TW" $a --tls $o "$T_DIR/none.pem" -S 127.0.0.1:$LP --timeout 5 $args
			t_grep "... $o is the CA file" "cannot load CA certificates from $T_DIR/none.pem" "$T_DIR/err"
		done
		t_exit 64 "TLS build: $a --tls-fingerprint abc: 64" "$TW" $a --tls-fingerprint abc -S 127.0.0.1:1 $args
		t_grep "... checked as --fingerprint is" "^$a: --tls-fingerprint: want a SHA-256 in hex" "$T_DIR/err"
	done
else
	echo "(no TLS build: toolchain/tls-check.sh makes $BR/tls-dyn; TLS spellings checked as refusals only)"
fi
finish
