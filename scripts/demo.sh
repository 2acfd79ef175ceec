#!/bin/sh
# make demo: each applet against real local servers (demo/*.sh).
set -eu
cd "$(dirname "$0")/.."
echo "$(./wirebox --version | head -n 1): applets and options compiled in:"
./wirebox --version | sed '1d; s/^/  /'
for d in demo/*.sh; do
	[ -e "$d" ] || continue
	echo
	echo "=== $(basename "$d" .sh) ==="
	sh "$d"
done
