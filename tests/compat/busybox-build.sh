#!/bin/sh
# busybox-build.sh - build the REAL BusyBox sendmail (plus ntpd and
# popmaildir, which later compatibility tests want) from Debian's busybox
# source, for tests/integration/busybox.sh to run the same command lines
# against it and against wirebox. Debian's busybox binary package has no
# sendmail applet, hence the build.
#
#   sh tests/compat/busybox-build.sh [CACHE_DIR]     (default build/compat)
#
# Prints the path of the built binary on stdout. Cached: a second run finds
# CACHE_DIR/busybox and returns at once. Needs `apt-get source` (dpkg-dev and
# a deb-src entry: scripts/install-deps.sh adds one) and a Debian mirror; no
# root. Nothing here is committed (build/ is git-ignored).
# Exit: 0 built (or cached); 1 the source cannot be fetched or built.
set -eu
cache=${1:-build/compat}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
bin="$cache/busybox"
if [ -x "$bin" ] && "$bin" sendmail --help 2>&1 | grep -q -- '-H'; then
	echo "$bin"
	exit 0
fi
log="$cache/build.log"
say() { echo "busybox-build: $*" >&2; }
src=$(ls -d "$cache"/src/busybox-*/ 2>/dev/null | head -n 1 || :)
if [ -z "$src" ]; then
	# into src.new, renamed when complete: a cut-off fetch is not a source
	rm -rf "$cache/src" "$cache/src.new"
	mkdir -p "$cache/src.new"
	say "fetching Debian's busybox source (apt-get source busybox)"
	if ! (cd "$cache/src.new" && apt-get source -qq busybox) >"$log" 2>&1 ||
	   ! ls -d "$cache"/src.new/busybox-*/ >/dev/null 2>&1; then
		cat "$log" >&2
		say "cannot fetch BusyBox's source: add a deb-src entry" \
		    "(sudo sh scripts/install-deps.sh), apt-get update, and check the mirror"
		exit 1
	fi
	mv "$cache/src.new" "$cache/src"
	src=$(ls -d "$cache"/src/busybox-*/ | head -n 1)
fi
src=${src%/}
say "building sendmail, ntpd, popmaildir in $src (log: $log)"
{
	cd "$src"
	make -s allnoconfig
	# allnoconfig leaves everything off; these on. The Debian patches keep
	# the upstream Config.in, so oldconfig asks only for new sub-options,
	# which `yes ''` answers with their defaults.
	for s in SENDMAIL NTPD FEATURE_NTPD_SERVER POPMAILDIR FEATURE_POPMAILDIR_DELIVERY \
	         FEATURE_MIME_CHARSET LONG_OPTS SHOW_USAGE FEATURE_VERBOSE_USAGE \
	         FEATURE_NTPD_CONF; do
		sed -i "/^# CONFIG_$s is not set\$/d; /^CONFIG_$s=/d" .config
		echo "CONFIG_$s=y" >> .config
	done
	yes '' | make oldconfig >/dev/null
	make -j2 busybox
} >>"$log" 2>&1 || { tail -n 30 "$log" >&2; say "build failed"; exit 1; }
cp "$src/busybox" "$bin.tmp"
mv "$bin.tmp" "$bin"
"$bin" sendmail --help 2>&1 | grep -q -- '-H' || { say "built, but without sendmail"; exit 1; }
echo "$bin"
