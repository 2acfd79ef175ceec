#!/bin/sh
# tests/packaging/systemd.sh - packaging/systemd/*.service against a real
# install: a fresh copy of the tree is built (defconfig) and installed with
# 'make install PREFIX=/usr DESTDIR=ROOT'; each unit, its /usr/bin paths
# pointed into ROOT, passes 'systemd-analyze verify' without a word (and a
# plain syntax check when systemd-analyze is missing); ExecStart's program is
# installed; the queue runner's ExecStart, as systemd expands it with the
# unit's defaults, is 'smtpsend -q15m', and run that way (with a queue given
# through MAILQ_ARGS) it runs, takes ExecReload's SIGHUP and ends with 0 on
# SIGTERM; without a queue it exits 78, which RestartPreventExitStatus lists.
# The units' man: links need the man pages in ROOT (make install, MAN).
set -u
. "$(dirname "$0")/lib"
T=$T_DIR
UNITS=$PKGDIR/systemd
ROOT=$T/root

pkg_tree "$T/src"
if (cd "$T/src" && make -s defconfig >/dev/null && make -s -j2 WERROR=0 >/dev/null &&
	make -s install PREFIX=/usr DESTDIR="$ROOT" WERROR=0 >/dev/null) > "$T/build.log" 2>&1; then
	pass "systemd: defconfig builds and installs into ROOT"
else
	fail "systemd: defconfig builds and installs into ROOT" "$(tail -n 8 "$T/build.log" | tr '\n' '|')"
fi

for u in wirebox-sntpc.service wirebox-mailq.service; do
	f=$UNITS/$u
	# syntax: sections and Key=Value lines only, known sections
	bad=$(awk '/^[ \t]*(#|;|$)/ { next } /^\[(Unit|Service|Install)\]$/ { next }
		/^[A-Za-z]+=/ { next } { print FILENAME ":" NR ": " $0 }' "$f")
	if [ -z "$bad" ]; then pass "$u: only [Unit]/[Service]/[Install] and Key=Value lines"
	else fail "$u: only [Unit]/[Service]/[Install] and Key=Value lines" "$bad"; fi
	prog=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$f")
	if [ -x "$ROOT$prog" ]; then pass "$u: ExecStart's $prog is installed by make install"
	else fail "$u: ExecStart's $prog is installed by make install"; fi
	for m in $(sed -n 's/^Documentation=//p' "$f"); do
		case $m in man:*)
			page=${m#man:} sec=${page#*(} sec=${sec%)} page=${page%%(*}
			if [ -f "$ROOT/usr/share/man/man$sec/$page.$sec" ]; then pass "$u: $m is installed"
			else fail "$u: $m is installed" "no $ROOT/usr/share/man/man$sec/$page.$sec"; fi ;;
		esac
	done
	if command -v systemd-analyze >/dev/null 2>&1; then
		mkdir -p "$T/units"
		sed "s|=/usr/bin/|=$ROOT/usr/bin/|" "$f" > "$T/units/$u"
		if systemd-analyze verify --man=no "$T/units/$u" > "$T/verify.out" 2>&1 && [ ! -s "$T/verify.out" ]; then
			pass "$u: systemd-analyze verify has nothing to say"
		else fail "$u: systemd-analyze verify has nothing to say" "$(tr '\n' '|' < "$T/verify.out")"; fi
	else
		echo "# systemd-analyze not installed: verify skipped"
	fi
done

# the runner's command line as systemd expands it: Environment= defaults,
# $VAR split into words (empty: no word), ${VAR} inside a word
f=$UNITS/wirebox-mailq.service
cmd=$(sed -n 's/^ExecStart=//p' "$f")
envs=$(sed -n 's/^Environment=//p' "$f")
expanded=$(env -i sh -c "export $envs; set -- $cmd; echo \"\$*\"")
if [ "$expanded" = "/usr/bin/smtpsend -q15m" ]; then pass "wirebox-mailq.service: ExecStart is /usr/bin/smtpsend -q15m"
else fail "wirebox-mailq.service: ExecStart is /usr/bin/smtpsend -q15m" "got '$expanded'"; fi
f=$UNITS/wirebox-sntpc.service
cmd=$(sed -n 's/^ExecStart=//p' "$f")
envs=$(sed -n 's/^Environment=//p' "$f")
expanded=$(env -i sh -c "export $envs; set -- $cmd; echo \"\$*\"")
case $expanded in
"/usr/bin/sntpc -d "*pool.ntp.org*) pass "wirebox-sntpc.service: ExecStart is sntpc -d with the default servers ($expanded)" ;;
*) fail "wirebox-sntpc.service: ExecStart is sntpc -d with the default servers" "got '$expanded'" ;;
esac

# review #13: wirebox-sntpc.service is ProtectSystem=strict; a step hook
# (-x) running 'smtpsend -q' writes to the queue, so the queue the packages'
# example config names must be writable in the unit (an optional '-' path),
# and packaging/README.md must show the drop-in for another queue
f=$UNITS/wirebox-sntpc.service
q=$(sed -n 's/^# queue \(\/[^ ]*\)$/\1/p' "$PKGDIR/openwrt/wirebox/files/smtpsend.conf")
rw=" $(sed -n 's/^ReadWritePaths=//p' "$f" | tr '\n' ' ') "
if grep -q '^ProtectSystem=strict' "$f"; then
	case $rw in
	*" /run "*) pass "wirebox-sntpc.service: /run (the status file) is writable" ;;
	*) fail "wirebox-sntpc.service: /run (the status file) is writable" "ReadWritePaths:$rw" ;;
	esac
	case $rw in
	*" -$q "* | *" $q "*) pass "wirebox-sntpc.service: the example queue $q is writable (a -x hook's smtpsend -q)" ;;
	*) fail "wirebox-sntpc.service: the example queue ${q:-?} is writable (a -x hook's smtpsend -q)" "ReadWritePaths:$rw" ;;
	esac
	t_true "packaging/README.md: shows the drop-in that makes another queue writable" \
		sh -c 'sed -n "/^## systemd units/,/^## /p" "$1" | grep -q "^ *ReadWritePaths=/" &&
			grep -q "wirebox-sntpc.service.d/" "$1"' _ "$PKGDIR/README.md"
else
	pass "wirebox-sntpc.service: no ProtectSystem=strict, the queue is writable"
fi

# run the runner as the unit does, with MAILQ_ARGS naming a queue
SMTPSEND=$ROOT/usr/bin/smtpsend
: > "$T/empty.conf"
mkdir -p "$T/spool" && chmod 700 "$T/spool"
"$SMTPSEND" -C "$T/empty.conf" --queue "$T/spool/q" -q15m > "$T/runner.out" 2>&1 &
pid=$!
at_exit "kill $pid"
i=0
while [ ! -s "$T/spool/q/runner.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ -s "$T/spool/q/runner.pid" ] && kill -0 $pid 2>/dev/null; then pass "wirebox-mailq: smtpsend -q15m runs and holds DIR/runner.pid"
else fail "wirebox-mailq: smtpsend -q15m runs and holds DIR/runner.pid" "$(tr '\n' '|' < "$T/runner.out")"; fi
kill -HUP $pid 2>/dev/null; sleep 0.3
if kill -0 $pid 2>/dev/null; then pass "wirebox-mailq: ExecReload's SIGHUP (flush now) keeps it running"
else fail "wirebox-mailq: ExecReload's SIGHUP (flush now) keeps it running"; fi
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
if [ $rc -eq 0 ]; then pass "wirebox-mailq: SIGTERM (systemctl stop) ends it with 0 (no restart)"
else fail "wirebox-mailq: SIGTERM (systemctl stop) ends it with 0 (no restart)" "exit $rc"; fi
"$SMTPSEND" -C "$T/empty.conf" -q15m > /dev/null 2>&1
rc=$?
prevent=$(sed -n 's/^RestartPreventExitStatus=//p' "$UNITS/wirebox-mailq.service")
case " $prevent " in
*" $rc "*) pass "wirebox-mailq: no queue configured exits $rc, which RestartPreventExitStatus lists" ;;
*) fail "wirebox-mailq: no queue configured exits $rc, which RestartPreventExitStatus lists" "$prevent" ;;
esac

finish
