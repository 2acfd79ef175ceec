#!/bin/sh
# isolated.sh SCRIPT: run an integration script in a network namespace of its
# own with only loopback up (when we may create one: root), so that no test
# reaches past this machine, not even a DNS query for a name that does not
# exist; and, where a mount namespace can be made too, with a private empty
# /run, so that nothing a test starts (sntpc's daemon writes its status to
# /var/run/sntpc.status by default) writes the machine's /run. Elsewhere the
# script runs as it is.
if unshare -n -m --propagation private true 2>/dev/null && command -v ip >/dev/null 2>&1; then
	exec unshare -n -m --propagation private sh -c \
		'mount -t tmpfs -o mode=755 wirebox-run /run && ip link set lo up && exec sh "$0"' "$1"
fi
if unshare -n true 2>/dev/null && command -v ip >/dev/null 2>&1; then
	exec unshare -n sh -c 'ip link set lo up && exec sh "$0"' "$1"
fi
exec sh "$1"
