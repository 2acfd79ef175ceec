#!/bin/sh
# make demo: each applet against real local servers (demo/*.sh).
set -eu
cd "$(dirname "$0")/.."
echo "wirebox $(./wirebox --version | cut -d' ' -f2): applets compiled in:"
./wirebox --list | sed 's/^/  /'
for d in demo/*.sh; do
	[ -e "$d" ] || continue
	echo
	echo "=== $(basename "$d" .sh) ==="
	sh "$d"
done
