#!/bin/sh
# deb-src.sh PACKAGE [WHO]: make 'apt-get source PACKAGE' work. When apt
# cannot find PACKAGE's source, add a deb-src entry for the mirror the system
# already uses (once; existing entries are never changed) and update the
# lists. Used by scripts/install-deps.sh (busybox), toolchain/cross.sh (musl)
# and toolchain/mbedtls.sh (mbedtls). Needs root to change anything.
set -eu
pkg=$1 who=${2:-deb-src.sh}
[ -n "$(apt-cache showsrc "$pkg" 2>/dev/null)" ] && exit 0
[ "$(id -u)" = 0 ] || { echo "$who: run as root (sudo) to add a deb-src entry for $pkg's source" >&2; exit 1; }
src=/etc/apt/sources.list.d/wirebox-src.sources
if ! grep -qs '^Types:.*deb-src' /etc/apt/sources.list.d/*.sources &&
   ! grep -qs '^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list; then
	uri=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/*$/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	[ -n "$uri" ] || uri=$(sed -n 's|^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*/debian\)/*[[:space:]].*|\2|p' \
		/etc/apt/sources.list 2>/dev/null | head -n 1)
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"${uri:-http://deb.debian.org/debian}" "$suite" > "$src"
	echo "$who: added $src (deb-src, for $pkg's source)" >&2
fi
apt-get update -qq >&2
