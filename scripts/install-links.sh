#!/bin/sh
# install-links.sh DIR APPLETS_H: link every applet (and alias) name to DIR/wirebox.
# Used by 'make install', which cannot run a cross-compiled wirebox --install.
set -eu
dir=$1 rc=0
for name in $(sed -n 's/^APPLET("\([^"]*\)".*/\1/p' "$2"); do
	if { [ -e "$dir/$name" ] || [ -L "$dir/$name" ]; } && [ ! "$dir/$name" -ef "$dir/wirebox" ]; then
		echo "install: $dir/$name exists and is not a link to wirebox; refusing to replace it" >&2
		rc=1; continue
	fi
	ln -sf wirebox "$dir/$name"
done
exit $rc
