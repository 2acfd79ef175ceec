#!/bin/sh
# bench/deps.sh - what make bench needs, installed when missing (Debian 12):
# the tests' packages (scripts/install-deps.sh: Postfix for smtp-sink,
# Dovecot, chrony, msmtp, musl-gcc, the system busybox for "busybox nc",
# a deb-src entry), then the peers only the benchmark runs (mpop, curl,
# ntpdig), then BusyBox built from Debian's source with sendmail,
# popmaildir and ntpd (tests/compat/busybox-build.sh; cached in build/compat).
# Installing needs root; without it the missing ones are named and the
# benchmark leaves their tools out. Exit: 0 all there; 1 something missing.
set -eu
cd "$(dirname "$0")/.."
BASE="postfix dovecot-core dovecot-pop3d chrony msmtp musl-tools busybox python3 dpkg-dev util-linux"
PEERS="mpop curl ntpsec-ntpdig"
missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || printf ' %s' "$p"
	done
}
rc=0
# shellcheck disable=SC2086 # package lists
if [ -n "$(missing $BASE)" ]; then sh scripts/install-deps.sh || rc=1; fi
# shellcheck disable=SC2086
m=$(missing $PEERS)
if [ -n "$m" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "bench: installing$m" >&2
		# shellcheck disable=SC2086
		{ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $m >/dev/null ||
		  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $m >/dev/null; }; } || rc=1
	else
		echo "bench: not installed (run as root to install):$m" >&2; rc=1
	fi
fi
sh tests/compat/busybox-build.sh build/compat >/dev/null || { echo "bench: no BusyBox with sendmail, popmaildir, ntpd" >&2; rc=1; }
exit $rc
