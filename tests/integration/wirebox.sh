#!/bin/sh
# wirebox.sh - the multi-call binary itself: dispatch by name, --list,
# --install, --help/--version, unknown names, make install.
. "$(dirname "$0")/../lib.sh"
cd "$TOP"

t_exit 0 "--list" "$WB" --list
cp "$T_DIR/out" "$T_DIR/list"
t_true "--list names the applets one per line, then each alias marked (alias of APPLET)" \
	[ "$(tr '\n' '|' < "$T_DIR/list")" = "pop3get|smtpsend|sntpc|mailq (alias of smtpsend)|msmtp (alias of smtpsend)|ntpd (alias of sntpc)|sendmail (alias of smtpsend)|" ]
t_true "--list | cut -d' ' -f1 is every installable name, sendmail too" \
	[ "$(cut -d' ' -f1 "$T_DIR/list" | sort | tr '\n' ' ')" = "mailq msmtp ntpd pop3get sendmail smtpsend sntpc " ]
for a in $(cut -d' ' -f1 "$T_DIR/list"); do
	t_exit 0 "every name --list gives runs: wirebox $a --help" "$WB" "$a" --help
done
t_exit 0 "--help" "$WB" --help
t_grep "--help names the aliases with their applets" '^Aliases: mailq, msmtp, sendmail \(smtpsend\); ntpd \(sntpc\)$' "$T_DIR/out"
t_grep "--help lists --list's alias lines" 'each alias as' "$T_DIR/out"
t_exit 0 "--version" "$WB" --version
t_grep "--version says wirebox and a version" '^wirebox [0-9]+\.[0-9]+' "$T_DIR/out"
t_grep "--version: a TLS-off build says TLS: off" '^TLS: off$' "$T_DIR/out"
t_grep "--version lists the core's options" '^core: .*VERBOSE' "$T_DIR/out"
t_grep "--version lists each applet's options, aliases in one list" '^smtpsend \(also (mailq, )?msmtp, sendmail\): .*SMTPSEND_HEADERS' "$T_DIR/out"
t_grep "--version: sntpc's options" '^sntpc( \(also ntpd\))?: .*SNTPC_DAEMON' "$T_DIR/out"
t_grep "--version: pop3get's options" '^pop3get: .*POP3GET_UIDL' "$T_DIR/out"
# the TLS builds of toolchain/tls-check.sh (when make check built them)
for b in tls-dyn tls-static; do
	tb=$TOP/${BUILDROOT:-build}/$b/wirebox
	[ -x "$tb" ] || continue
	t_exit 0 "--version of the $b build" "$tb" --version
	t_grep "--version of the $b build names mbedTLS and its version" '^TLS: on \(mbed TLS [0-9]+\.[0-9]+' "$T_DIR/out"
done
t_exit 0 "--help" "$WB" --help
t_grep "--help shows usage and applets" 'Applets: .*sntpc' "$T_DIR/out"
t_exit 64 "no arguments is a usage error" "$WB"
t_exit 64 "unknown option is a usage error" "$WB" --frobnicate
t_exit 127 "unknown applet as argument: 127" "$WB" nosuchapplet
t_grep "unknown applet is named" 'nosuchapplet: applet not found' "$T_DIR/err"
t_grep "unknown applet: the applets this build has are named" 'applet not found; this build has: pop3get smtpsend sntpc' "$T_DIR/err"

D=$T_DIR/bin
mkdir -p "$D"
cp "$WB" "$D/wirebox"
t_exit 0 "--install DIR (hard links)" "$D/wirebox" --install "$D"
for a in sntpc smtpsend pop3get sendmail ntpd; do
	t_true "hard link $a" [ "$D/$a" -ef "$D/wirebox" ] && [ ! -L "$D/$a" ]
done
for a in $(cut -d' ' -f1 "$T_DIR/list"); do
	t_true "--install links every name of --list: $a" [ "$D/$a" -ef "$D/wirebox" ]
done
t_exit 0 "--install again replaces its own links (symlinks now)" "$D/wirebox" --install -s "$D"
t_true "symlink sendmail -> wirebox" [ -L "$D/sendmail" ] && [ "$D/sendmail" -ef "$D/wirebox" ]
t_exit 0 "called as sendmail: smtpsend's help" "$D/sendmail" --help
t_grep "sendmail is smtpsend" 'smtpsend' "$T_DIR/out"
t_exit 0 "called through a link: sntpc --help" "$D/sntpc" --help
t_grep "sntpc help" 'Usage: sntpc' "$T_DIR/out"
ln -s wirebox "$D/frobnicate"
t_exit 127 "called through a link with an unknown name: 127" "$D/frobnicate"

# wirebox found in $PATH (argv[0] without a slash): links to the binary that
# runs, by its absolute path (BusyBox takes /proc/self/exe), not to ./wirebox
P=$T_DIR/pathbin L=$T_DIR/pathlinks
mkdir -p "$P" "$L"
cp "$WB" "$P/wirebox"
t_exit 0 "--install -s by a wirebox found in PATH" sh -c "cd '$T_DIR' && PATH='$P':\$PATH exec wirebox --install -s '$L'"
t_true "its symlinks point at that binary, by absolute path" [ "$(readlink "$L/sntpc")" = "$P/wirebox" ]
t_exit 0 "and they work" "$L/sntpc" --help

# across filesystems a hard link fails: say why and what to do, once
if [ "$(stat -c %d /dev/shm 2>/dev/null)" != "$(stat -c %d "$T_DIR")" ] && [ -w /dev/shm ]; then
	X=$(mktemp -d /dev/shm/wirebox-test.XXXXXX)
	at_exit "rm -rf '$X'"
	t_exit 73 "--install across filesystems fails" "$P/wirebox" --install "$X"
	t_grep "and says hard links cannot cross filesystems" 'hard links cannot cross filesystems.*install the binary .*first.*-s' "$T_DIR/err"
	t_true "once, not for every applet" [ "$(grep -c 'cross filesystems' "$T_DIR/err")" = 1 ]
	t_nogrep "no bare errno text" 'Invalid cross-device link' "$T_DIR/err"
	t_exit 0 "--install -s across filesystems works" "$P/wirebox" --install -s "$X"
	t_true "symlink across filesystems" [ "$X/pop3get" -ef "$P/wirebox" ]
else
	echo "# /dev/shm is not another filesystem here: cross-device --install not tested"
fi

rm -f "$D/pop3get"
echo "precious" > "$D/pop3get"
t_exit 73 "--install refuses to replace a file that is not a link to wirebox" "$D/wirebox" --install -s "$D"
t_true "the foreign file is untouched" [ "$(cat "$D/pop3get")" = precious ]
t_grep "--install says why" 'pop3get exists and is not a link to wirebox' "$T_DIR/err"
rm -f "$D/sntpc"; ln -s /bin/true "$D/sntpc"
t_exit 73 "--install refuses a symlink to something else" "$D/wirebox" --install "$D"
t_true "that symlink is untouched" [ "$(readlink "$D/sntpc")" = /bin/true ]

# one make after renaming an applet source (and a header, with its #includes):
# a renamed file keeps its date, and the generated source list named the old
# file, so the first make failed with "No rule to make target"
R=$T_DIR/rename
mkdir -p "$R"
tar -C "$TOP" --exclude=./build --exclude=./toolchain/out --exclude=./.git \
	--exclude=./wirebox --exclude=./.config -cf - . | tar -C "$R" -xpf -
cp "$R/configs/defconfig" "$R/.config"
t_exit 0 "a copy of the tree builds" make -s -C "$R"
t_exit 0 "and a second make has nothing to do" make -s -C "$R"
mv "$R/applets/sntpc/output.c" "$R/applets/sntpc/print.c"
t_exit 0 "one make after renaming an applet source" make -s -C "$R"
t_true "the renamed source was built" [ -f "$R/build/obj/applets/sntpc/print.o" ]
mv "$R/applets/sntpc/ntp.h" "$R/applets/sntpc/ntp_wire.h"
sed -i 's/"ntp\.h"/"ntp_wire.h"/' "$R"/applets/sntpc/*.c "$R"/applets/sntpc/*.h "$R"/tests/unit/*.c
t_exit 0 "one make after renaming an applet header" make -s -C "$R"
t_exit 0 "the renamed build runs" "$R/wirebox" sntpc --help

# --install of a build output inside its source tree: works (as BusyBox's),
# but warns that make clean / a rebuild breaks the links
mkdir -p "$T_DIR/fromtree"
t_exit 0 "--install -s from the build tree works" "$R/wirebox" --install -s "$T_DIR/fromtree"
t_grep "and warns that the links point into the build tree" 'build output in its source tree.*dangling.*make install' "$T_DIR/err"
t_true "the symlinks are absolute" [ "$(readlink "$T_DIR/fromtree/sntpc")" = "$R/wirebox" ]

# tiny_defconfig, the smallest useful build, has sendmail -t (cron uses it)
Y=$T_DIR/tiny
mkdir -p "$Y"
cp configs/tiny_defconfig "$Y/.config"
t_exit 0 "tiny_defconfig builds" make -s BUILD="$Y" KCONFIG_CONFIG="$Y/.config" OUT="$Y/wirebox"
t_exit 0 "tiny --version" "$Y/wirebox" --version
t_grep "tiny --version: TLS off" '^TLS: off$' "$T_DIR/out"
t_grep "tiny --version: sntpc has no options" '^sntpc: -$' "$T_DIR/out"
t_grep "tiny --version: sendmail -t is in" '^smtpsend \(also sendmail\): SMTPSEND_HEADERS$' "$T_DIR/out"
t_exit 0 "tiny --list" "$Y/wirebox" --list
t_true "tiny --list: the applets and its one alias, sendmail" \
	[ "$(tr '\n' '|' < "$T_DIR/out")" = "pop3get|smtpsend|sntpc|sendmail (alias of smtpsend)|" ]
printf 'To: root@example.net\nSubject: cron\n\nhello\n' > "$T_DIR/cronmail"
port=$(free_port)
"$Y/wirebox" sendmail -S "127.0.0.1:$port" -i -t < "$T_DIR/cronmail" >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
t_true "tiny sendmail -t is not refused as not compiled in (exit $rc)" [ "$rc" != 64 ]
t_nogrep "tiny sendmail -t: no 'not compiled in'" 'not compiled in' "$T_DIR/err"

# scripts/install-deps.sh leaves the system's chrony, Postfix and Dovecot
# running; the test chronyd must then not take (and on exit remove) the
# system chronyd's command socket. In a mount namespace with a private /run.
if unshare -m true 2>/dev/null && command -v chronyd >/dev/null 2>&1 && id _chrony >/dev/null 2>&1; then
	C=$T_DIR/chrony
	mkdir -p "$C" && chmod 755 "$C" "$T_DIR"
	cport=$(free_port udp)
	unshare -m sh -c '
		mount -t tmpfs tmpfs /run && mkdir -m 750 /run/chrony && chown _chrony: /run/chrony || exit 2
		echo system > /run/chrony/chronyd.sock
		. tests/sntp/chronyd.sh
		chronyd_start "$1" "$2" || exit 3
		pid=$(cat "$1/chronyd.bgpid"); chronyd_stop "$1"
		i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		[ "$(cat /run/chrony/chronyd.sock 2>/dev/null)" = system ]' sh "$C" "$cport" >"$T_DIR/out" 2>"$T_DIR/err"
	rc=$?
	t_true "the test chronyd leaves /run/chrony/chronyd.sock alone (exit $rc)" [ $rc = 0 ]
else
	echo "# no mount namespace or chronyd: chronyd socket check skipped"
fi
t_nogrep "install-deps.sh stops no service" '^[^#]*(service|systemctl|invoke-rc\.d)[^#]* (stop|restart)' scripts/install-deps.sh

# make install: stripped binary and links under DESTDIR, from a separate build
B=$T_DIR/build
t_exit 0 "make install DESTDIR=... PREFIX=/usr" make -s BUILD="$B" KCONFIG_CONFIG="$B.config" \
	OUT="$B/wirebox" install DESTDIR="$T_DIR/root" PREFIX=/usr
t_true "installed binary is stripped" sh -c "! file '$T_DIR/root/usr/bin/wirebox' | grep -q 'not stripped'"
for a in bin/sntpc bin/smtpsend bin/pop3get sbin/sendmail lib/sendmail; do
	t_true "installed link $a" [ "$T_DIR/root/usr/$a" -ef "$T_DIR/root/usr/bin/wirebox" ]
done
finish
