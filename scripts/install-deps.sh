#!/bin/sh
# install-deps.sh - the Debian 12 packages that make check and make demo use
# (compiler, Check, valgrind, musl, kconfiglib, and the real servers the tests
# start privately on loopback: chrony, Postfix, Dovecot; shellcheck for the
# packages' init scripts, tests/packaging/shellcheck.sh). Idempotent; needs root
# to install; it does not stop, start or restart any service.
set -eu
PKGS="build-essential pkg-config check valgrind musl-tools file python3 python3-kconfiglib
 chrony dovecot-core dovecot-pop3d postfix openssl libmbedtls-dev dpkg-dev socat util-linux
 procps iproute2 ca-certificates clang libclang-rt-14-dev strace busybox msmtp
 shellcheck groff-base systemd"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || { echo "install-deps: run as root (sudo) to install:$missing" >&2; exit 1; }
	export DEBIAN_FRONTEND=noninteractive
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null || :
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing
fi
# deb-src for Debian's busybox source: tests/compat/busybox-build.sh builds
# the real BusyBox sendmail from it (Debian's busybox has no sendmail applet)
# to test our BusyBox-compatible options against. Added once, for the mirror
# the system already uses; never changes the existing entries.
sh "$(dirname "$0")/deb-src.sh" busybox install-deps
# The packages' own services are left as they are (running or not): tests and
# demo start private instances with their own configuration, free high ports
# on 127.0.0.1 (the tests in network namespaces of their own), and their own
# pid files, queues and sockets (chronyd without a command socket), so they
# neither need the system's services stopped nor disturb them.
