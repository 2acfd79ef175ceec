#!/bin/sh
# tests/packaging/buildroot-init.sh - the Buildroot S-script (also Yocto's
# sysvinit script) S50wirebox-mailq under a stub start-stop-daemon that
# records its arguments. The script's system paths (/etc/default,
# /etc/smtpsend.conf, /var/run) are pointed into a temp dir in a copy; the
# test checks the command it starts (smtpsend -q15m, in the background with a
# pid file), that it does not start without a queue, /etc/default's
# MAILQ_INTERVAL/MAILQ_ARGS/SMTPSEND_CONF, stop and flush (SIGHUP) by the pid
# file, reload = restart, and the usage exit. The stub, like BusyBox's
# start-stop-daemon without FEATURE_START_STOP_DAEMON_LONG_OPTIONS, rejects
# long options (before the '--' that ends its own).
set -u
. "$(dirname "$0")/lib"
T=$T_DIR
S=$PKGDIR/buildroot/package/wirebox/S50wirebox-mailq
mkdir -p "$T/etc/default" "$T/run" "$T/bin"
sed -e "s|/etc/default/|$T/etc/default/|g; s|/etc/smtpsend.conf|$T/etc/smtpsend.conf|g; s|/var/run/|$T/run/|g" "$S" > "$T/S50"
cat > "$T/bin/start-stop-daemon" <<SH
#!/bin/sh
for a; do
	case \$a in
	--) break ;;
	--*) echo "start-stop-daemon: unrecognized option '\$a'" >&2
		printf '%s\n' "\$*" >> "$T/ssd.rejected"; exit 1 ;;
	esac
done
printf '%s\n' "\$*" >> "$T/ssd.log"
# --stop --test: no process left (the wait loop ends)
case " \$* " in *" -t "*) exit 1 ;; esac
exit 0
SH
chmod +x "$T/bin/start-stop-daemon"
run() { rm -f "$T/ssd.log"; PATH="$T/bin:$PATH" sh "$T/S50" "$@" > "$T/out" 2>&1; }

echo "queue /var/spool/smtpsend" > "$T/etc/smtpsend.conf"
run start
t_grep "start: start-stop-daemon starts smtpsend -q15m in the background with a pid file" \
	"^-S -b -m -p $T/run/wirebox-mailq.pid -x /usr/bin/smtpsend -- -q15m\$" "$T/ssd.log"
t_grep "start: prints OK" 'Starting wirebox-mailq: OK' "$T/out"

printf 'MAILQ_INTERVAL=1h\nMAILQ_ARGS="-v"\n' > "$T/etc/default/wirebox-mailq"
run start
t_grep "start: /etc/default/wirebox-mailq's MAILQ_INTERVAL and MAILQ_ARGS" "-- -v -q1h\$" "$T/ssd.log"
rm -f "$T/etc/default/wirebox-mailq"

echo "host mail.example.net" > "$T/etc/smtpsend.conf"
run start
if [ ! -e "$T/ssd.log" ]; then pass "start: no queue in the config: nothing started"
else fail "start: no queue in the config: nothing started" "$(cat "$T/ssd.log")"; fi
t_grep "start: ... and says so" 'SKIP' "$T/out"
printf 'MAILQ_ARGS="--queue /srv/q"\n' > "$T/etc/default/wirebox-mailq"
run start
t_grep "start: a --queue in MAILQ_ARGS counts as a queue" "-- --queue /srv/q -q15m\$" "$T/ssd.log"
printf 'SMTPSEND_CONF=%s\n' "$T/other.conf" > "$T/etc/default/wirebox-mailq"
echo "queue /srv/q2" > "$T/other.conf"
run start
t_grep "start: another SMTPSEND_CONF is passed with -C" "-- -C $T/other.conf -q15m\$" "$T/ssd.log"
rm -f "$T/etc/default/wirebox-mailq"

run stop
t_grep "stop: by the pid file (the process is /usr/bin/wirebox)" "^-K -q -p $T/run/wirebox-mailq.pid\$" "$T/ssd.log"
t_grep "stop: waits until it is gone (-K -t)" "^-K -t -q -p $T/run/wirebox-mailq.pid\$" "$T/ssd.log"
t_grep "stop: prints OK" 'Stopping wirebox-mailq: OK' "$T/out"
run flush
t_grep "flush: SIGHUP to the runner (send now)" "^-K -s HUP -q -p $T/run/wirebox-mailq.pid\$" "$T/ssd.log"
t_grep "flush: prints OK" 'Flushing wirebox-mailq: OK' "$T/out"
echo "queue /var/spool/smtpsend" > "$T/etc/smtpsend.conf"
run reload
if [ "$(paste -sd'|' "$T/ssd.log")" = "-K -q -p $T/run/wirebox-mailq.pid|-K -t -q -p $T/run/wirebox-mailq.pid|-S -b -m -p $T/run/wirebox-mailq.pid -x /usr/bin/smtpsend -- -q15m" ]
then pass "reload: restarts (new settings take effect)"
else fail "reload: restarts (new settings take effect)" "$(paste -sd'|' "$T/ssd.log")"; fi
if [ ! -e "$T/ssd.rejected" ]; then pass "no call used a long option (BusyBox without LONG_OPTIONS)"
else fail "no call used a long option (BusyBox without LONG_OPTIONS)" "$(paste -sd'|' "$T/ssd.rejected")"; fi
run bogus
rc=$?
if [ $rc -eq 1 ] && grep -q Usage "$T/out"; then pass "an unknown action: usage, exit 1"
else fail "an unknown action: usage, exit 1" "exit $rc"; fi

finish
