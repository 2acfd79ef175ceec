#!/bin/sh
# tests/packaging/openwrt-init.sh - the OpenWrt package's procd init script
# and hotplug scripts under stubs. The init script is sourced as
# /etc/rc.common does, with procd_* functions that record what they are given
# and UCI's config_load/config_get answering from shell variables; the test
# checks the instance's command line (smtpsend -q15m), respawn, when it does
# not start, and reload's SIGHUP. The hotplug scripts run as hotplug-call runs
# them (sourced in a subshell) with ACTION/INTERFACE set and a stub smtpsend
# first in PATH that records its arguments: ifup and ntp stratum/step flush
# the queue (smtpsend -q), other events do not.
set -u
. "$(dirname "$0")/lib"
T=$T_DIR
FILES=$PKGDIR/openwrt/wirebox/files

# ---- procd init script --------------------------------------------------------
cat > "$T/procd-stub.sh" <<'SH'
# stub of /etc/rc.common + procd.sh + functions.sh: records into $LOG
# shellcheck shell=sh
procd_open_instance() { echo "open_instance $*" >> "$LOG"; }
procd_close_instance() { echo "close_instance" >> "$LOG"; }
# the command's words, one a line, in $LOG.cmd
procd_set_param() {
	k=$1; shift; echo "set $k $*" >> "$LOG"
	[ "$k" != command ] || printf '%s\n' "$@" > "$LOG.cmd"
}
procd_append_param() {
	k=$1; shift; echo "append $k $*" >> "$LOG"
	[ "$k" != command ] || printf '%s\n' "$@" >> "$LOG.cmd"
}
procd_send_signal() { echo "send_signal $*" >> "$LOG"; }
procd_add_reload_trigger() { echo "reload_trigger $*" >> "$LOG"; }
config_load() { echo "config_load $*" >> "$LOG"; }
# config_get VAR SECTION OPTION [DEFAULT]: from UCI_<section>_<option>
config_get() { eval "v=\${UCI_$2_$3-}"; [ -n "$v" ] || v=${4-}; eval "$1=\$v"; }
SH
# run_init ACTION: source the init script as rc.common does, then run ACTION
run_init() {
	: > "$T/log"; rm -f "$T/log.cmd"
	LOG=$T/log sh -c '. "$1"; . "$2"; SMTPSEND_CONF_DEFAULT=$4; $3' _ \
		"$T/procd-stub.sh" "$FILES/wirebox-mailq.init" "$1" "$T/smtpsend.conf" 2> "$T/init.err"
}
# the command line procd is given: the set command + append command words
cmdline() { [ ! -f "$T/log.cmd" ] || paste -sd' ' "$T/log.cmd"; }

echo "queue /var/spool/smtpsend" > "$T/smtpsend.conf"
run_init start_service
if [ "$(cmdline)" = "/usr/bin/smtpsend -q15m" ]; then pass "init: default command line is /usr/bin/smtpsend -q15m"
else fail "init: default command line is /usr/bin/smtpsend -q15m" "got '$(cmdline)'; $(tr '\n' '|' < "$T/log")"; fi
t_grep "init: respawn is set" '^set respawn' "$T/log"
t_grep "init: one instance, closed" '^close_instance' "$T/log"
t_grep "init: reads UCI config wirebox" '^config_load wirebox' "$T/log"

want="/usr/bin/smtpsend -C /etc/other.conf --queue /srv/q -q1h"
export UCI_mailq_interval=1h UCI_mailq_config=/etc/other.conf UCI_mailq_queue=/srv/q
run_init start_service
unset UCI_mailq_interval UCI_mailq_config UCI_mailq_queue
if [ "$(cmdline)" = "$want" ]; then pass "init: UCI interval, config and queue reach the command line"
else fail "init: UCI interval, config and queue reach the command line" "got '$(cmdline)'"; fi

: > "$T/smtpsend.conf"
echo "host mail.example.net" >> "$T/smtpsend.conf"
run_init start_service
t_nogrep "init: no queue in the config file: no instance (no respawn loop of exit 78)" 'open_instance' "$T/log"
t_grep "init: ... and says why" 'no queue' "$T/init.err"
printf 'account x\n  queue /var/spool/x\n' >> "$T/smtpsend.conf"
run_init start_service
t_grep "init: an account's queue line counts" 'open_instance' "$T/log"

export UCI_mailq_enabled=0
run_init start_service
unset UCI_mailq_enabled
t_nogrep "init: enabled=0 starts nothing" 'open_instance' "$T/log"

run_init reload_service
t_grep "init: reload sends SIGHUP to the runner (flush now)" '^send_signal wirebox-mailq \* HUP' "$T/log"
run_init service_triggers
t_grep "init: a UCI change reloads" '^reload_trigger wirebox' "$T/log"

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
