#!/bin/sh
# tests/packaging/openwrt-init.sh - the OpenWrt package's procd init script
# and hotplug scripts under stubs. The init script runs under a stub of
# /etc/rc.common that dispatches actions as the real one does (reload runs
# reload_service when the script defines one, else start; start is
# procd_open_service + start_service + procd_close_service; only the standard
# commands and EXTRA_COMMANDS are accepted) and a stub procd that keeps the
# running instance between calls and, on each service update, compares the
# new instance (command line, params, the md5 of every 'file') with it as
# procd does: start, restart, stop (no instance any more) or unchanged.
# UCI's config_load/config_get answer from a file that 'uci set' rewrites;
# reload_config runs the script's reload when it registered a reload trigger
# for package wirebox. Checks: the command line (smtpsend -q15m), respawn,
# when it does not start, and that UCI and config file changes take effect
# (restart with the new command line, stop on enabled=0), flush = SIGHUP.
# The hotplug scripts run as hotplug-call runs
# them (sourced in a subshell) with ACTION/INTERFACE set and a stub smtpsend
# first in PATH that records its arguments: ifup and ntp stratum/step flush
# the queue (smtpsend -q), other events do not.
set -u
. "$(dirname "$0")/lib"
T=$T_DIR
FILES=$PKGDIR/openwrt/wirebox/files

# ---- procd init script --------------------------------------------------------
# stub of /etc/rc.common (with functions.sh and procd.sh): sh rc.common SCRIPT ACTION
cat > "$T/rc.common" <<'SH'
# shellcheck shell=sh
initscript=$1 action=${2:-help}
shift; [ $# -eq 0 ] || shift
ev() { echo "$*" >> "$T/events"; }
# functions.sh: UCI from $T/uci (lines UCI_section_option=value)
config_load() { echo "config_load $*" >> "$LOG"; . "$T/uci"; }
config_get() { eval "v=\${UCI_$2_$3-}"; [ -n "$v" ] || v=${4-}; eval "$1=\$v"; }
# rc.common's defaults
start() { return 0; }
stop() { return 0; }
reload() { restart; }
restart() { stop; start; }
boot() { start "$@"; }
shutdown() { stop; }
enable() { return 0; }
disable() { return 0; }
enabled() { return 0; }
depends() { return 0; }
help() { echo "help"; }
start_service() { return 0; }
stop_service() { return 0; }
service_triggers() { return 0; }
. "$initscript"
# the test's config file instead of /etc/smtpsend.conf
SMTPSEND_CONF_DEFAULT=$T/smtpsend.conf
if [ -n "${USE_PROCD-}" ]; then
	EXTRA_COMMANDS="${EXTRA_COMMANDS-} running trace"
	# procd: the running instance in $T/state, the new one in $T/inst
	procd_open_service() { echo "open_service $*" >> "$LOG"; : > "$T/inst"; : > "$T/triggers"; }
	procd_open_instance() { echo "open_instance $*" >> "$LOG"; }
	procd_set_param() {
		k=$1; shift; echo "set $k $*" >> "$LOG"
		sed -i "/^$k /d" "$T/inst"; procd_append_param "$k" "$@"
	}
	procd_append_param() {
		k=$1; shift; [ "$k" = command ] || echo "append $k $*" >> "$LOG"
		[ $# -gt 0 ] || echo "$k" >> "$T/inst"
		for w; do
			case $k in
			file) f=$w; [ "$f" != /etc/config/wirebox ] || f=$T/uci
				echo "file $w $(cat "$f" 2>/dev/null | md5sum | cut -d' ' -f1)" >> "$T/inst" ;;
			*) echo "$k $w" >> "$T/inst" ;;
			esac
		done
	}
	procd_close_instance() { echo "close_instance" >> "$LOG"; }
	cmd() { sed -n 's/^command //p' "$1" | paste -sd' '; }
	procd_close_service() {
		service_triggers
		if [ ! -s "$T/inst" ]; then
			[ ! -s "$T/state" ] || ev "stop"
		elif [ ! -s "$T/state" ]; then ev "start $(cmd "$T/inst")"
		elif cmp -s "$T/inst" "$T/state"; then ev "unchanged"
		else ev "restart $(cmd "$T/inst")"; fi
		mv "$T/inst" "$T/state"
	}
	procd_kill() { [ ! -s "$T/state" ] || ev "stop"; : > "$T/state"; }
	procd_send_signal() { ev "signal $*"; }
	procd_add_reload_trigger() { echo "reload_trigger $*" >> "$LOG"; printf '%s\n' "$@" >> "$T/triggers"; }
	rc_procd() { procd_open_service "$(basename "$initscript")" "$initscript"; "$@"; procd_close_service set; }
	start() { rc_procd start_service "$@"; }
	stop() { stop_service "$@"; procd_kill "$(basename "$initscript")" "${1-}"; }
	reload() {
		if type reload_service >/dev/null 2>&1; then reload_service "$@"; else start; fi
	}
	running() { return 0; }
	trace() { start "$@"; }
fi
case " start stop reload restart boot shutdown enable disable enabled depends ${EXTRA_COMMANDS-} " in
*" $action "*) ;;
*) action=help ;;
esac
"$action" "$@"
SH
# run_init ACTION: /etc/init.d/wirebox-mailq ACTION (procd's state is kept)
mkdir -p "$T/init.d"
cp "$FILES/wirebox-mailq.init" "$T/init.d/wirebox-mailq"
run_init() {
	: > "$T/log"; : > "$T/events"
	env T="$T" LOG="$T/log" sh "$T/rc.common" "$T/init.d/wirebox-mailq" "$1" > "$T/init.out" 2> "$T/init.err"
}
# procd forgets the service
reset_procd() { rm -f "$T/state" "$T/triggers"; : > "$T/uci"; }
# uci set wirebox.mailq.OPTION=VALUE; uci commit
uci_set() { sed -i "/^UCI_mailq_$1=/d" "$T/uci"; echo "UCI_mailq_$1='$2'" >> "$T/uci"; }
# reload_config: procd runs 'reload' of the scripts with a trigger on wirebox
reload_config() {
	: > "$T/events"
	if grep -qx wirebox "$T/triggers" 2>/dev/null; then run_init reload
	else : > "$T/log"; fi
}
# the command line procd runs (the running instance's)
cmdline() { [ ! -s "$T/state" ] || sed -n 's/^command //p' "$T/state" | paste -sd' '; }
events() { paste -sd'|' "$T/events"; }
# t_event NAME WANT: the events of the last action are exactly WANT
t_event() {
	if [ "$(events)" = "$2" ]; then pass "$1"
	else fail "$1" "procd saw '$(events)', want '$2'; $(tr '\n' '|' < "$T/log")"; fi
}

reset_procd
echo "queue /var/spool/smtpsend" > "$T/smtpsend.conf"
run_init start
if [ "$(cmdline)" = "/usr/bin/smtpsend -q15m" ]; then pass "init: default command line is /usr/bin/smtpsend -q15m"
else fail "init: default command line is /usr/bin/smtpsend -q15m" "got '$(cmdline)'; $(tr '\n' '|' < "$T/log")"; fi
t_grep "init: respawn is set" '^set respawn' "$T/log"
t_grep "init: one instance, closed" '^close_instance' "$T/log"
t_grep "init: reads UCI config wirebox" '^config_load wirebox' "$T/log"
t_grep "init: procd watches /etc/config/wirebox and the config file (restart when they change)" \
	"^set file /etc/config/wirebox $T/smtpsend.conf\$" "$T/log"

want="/usr/bin/smtpsend -C /etc/other.conf --queue /srv/q -q1h"
reset_procd
uci_set interval 1h; uci_set config /etc/other.conf; uci_set queue /srv/q
run_init start
if [ "$(cmdline)" = "$want" ]; then pass "init: UCI interval, config and queue reach the command line"
else fail "init: UCI interval, config and queue reach the command line" "got '$(cmdline)'"; fi
t_grep "init: a UCI config file is the watched file" '^set file /etc/config/wirebox /etc/other.conf$' "$T/log"

reset_procd
: > "$T/smtpsend.conf"
echo "host mail.example.net" >> "$T/smtpsend.conf"
run_init start
t_nogrep "init: no queue in the config file: no instance (no respawn loop of exit 78)" 'open_instance' "$T/log"
t_grep "init: ... and says why" 'no queue' "$T/init.err"
printf 'account x\n  queue /var/spool/x\n' >> "$T/smtpsend.conf"
run_init start
t_grep "init: an account's queue line counts" 'open_instance' "$T/log"

reset_procd
uci_set enabled 0
run_init start
t_nogrep "init: enabled=0 starts nothing" 'open_instance' "$T/log"

# UCI and config changes take effect (review #6): uci set; uci commit; reload_config
reset_procd
echo "queue /var/spool/smtpsend" > "$T/smtpsend.conf"
run_init start
t_event "change: start runs the runner" "start /usr/bin/smtpsend -q15m"
t_grep "change: a UCI change of wirebox reloads the script" '^reload_trigger wirebox' "$T/log"
reload_config
t_event "change: reload without a change leaves the runner alone" "unchanged"
uci_set interval 1h
reload_config
t_event "change: uci set wirebox.mailq.interval=1h; reload_config restarts it with -q1h" \
	"restart /usr/bin/smtpsend -q1h"
uci_set queue /srv/q
reload_config
t_event "change: uci set wirebox.mailq.queue=/srv/q; reload_config restarts it with --queue /srv/q" \
	"restart /usr/bin/smtpsend --queue /srv/q -q1h"
echo "host mail.example.net" >> "$T/smtpsend.conf"
run_init reload
t_event "change: an edited /etc/smtpsend.conf restarts it on reload" \
	"restart /usr/bin/smtpsend --queue /srv/q -q1h"
uci_set enabled 0
reload_config
t_event "change: uci set wirebox.mailq.enabled=0; reload_config stops it" "stop"
uci_set enabled 1
reload_config
t_event "change: enabled=1 again; reload_config starts it" "start /usr/bin/smtpsend --queue /srv/q -q1h"
run_init flush
t_event "flush: SIGHUP to the runner (send now)" "signal wirebox-mailq * HUP"
run_init stop
t_event "stop: procd stops the runner" "stop"
run_init bogus
t_grep "an unknown action: rc.common's help" '^help$' "$T/init.out"

# ---- hotplug scripts --------------------------------------------------------------
mkdir -p "$T/bin"
cat > "$T/bin/smtpsend" <<SH
#!/bin/sh
echo "\$*" >> "$T/called"
SH
chmod +x "$T/bin/smtpsend"

# hotplug SCRIPT VAR=VALUE...: source SCRIPT in a subshell as hotplug-call
# does, with the event's variables and the stub smtpsend in PATH
hotplug() {
	s=$1; shift
	rm -f "$T/called"
	env "$@" PATH="$T/bin:$PATH" sh -c '( . "$1" )' _ "$s" >/dev/null 2>&1
}
# called: wait up to 5 s for the backgrounded stub
called() {
	i=0
	while [ ! -s "$T/called" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$T/called" ] && [ "$(cat "$T/called")" = "-q" ]
}
not_called() { sleep 0.5; [ ! -e "$T/called" ]; }

hotplug "$FILES/wirebox-mailq.iface" ACTION=ifup INTERFACE=wan
t_true "iface hotplug: ifup wan runs smtpsend -q" called
hotplug "$FILES/wirebox-mailq.iface" ACTION=ifup INTERFACE=wwan
t_true "iface hotplug: ifup of another interface (wwan) runs smtpsend -q" called
hotplug "$FILES/wirebox-mailq.iface" ACTION=ifdown INTERFACE=wan
t_true "iface hotplug: ifdown does nothing" not_called
hotplug "$FILES/wirebox-mailq.iface" ACTION=ifup INTERFACE=loopback
t_true "iface hotplug: loopback up does nothing" not_called
hotplug "$FILES/wirebox-mailq.ntp" ACTION=stratum
t_true "ntp hotplug: stratum runs smtpsend -q" called
hotplug "$FILES/wirebox-mailq.ntp" ACTION=step
t_true "ntp hotplug: step runs smtpsend -q" called
hotplug "$FILES/wirebox-mailq.ntp" ACTION=unsync
t_true "ntp hotplug: unsync does nothing" not_called
hotplug "$FILES/wirebox-mailq.ntp" ACTION=periodic
t_true "ntp hotplug: periodic does nothing" not_called
# also when executed directly (sntpc -x / ntpd -S may run it as a program)
rm -f "$T/called"
ACTION=stratum PATH="$T/bin:$PATH" sh "$FILES/wirebox-mailq.ntp" >/dev/null 2>&1
t_true "ntp hotplug: run as a program, stratum runs smtpsend -q" called

finish
