#!/bin/sh
# tests/build/debsrc.sh - scripts/deb-src.sh (used by install-deps.sh,
# toolchain/cross.sh and toolchain/mbedtls.sh) on a system without deb-src:
# in a mount namespace whose /etc/apt/sources.list.d holds only the binary
# entries and whose apt lists are empty, it adds one deb-src entry for the
# same mirror, updates, and 'apt-cache showsrc' then finds the package; a
# second run changes nothing. The real /etc/apt is never touched.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
if ! unshare -m true 2>/dev/null || [ "$(id -u)" != 0 ]; then
	echo "# no mount namespace (needs root): skipped"; [ -z "${CI:-}" ] || fail "mount namespace for the deb-src test"
	finish; exit
fi
mkdir -p "$T_DIR/sl" "$T_DIR/lists/partial"
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] && ! grep -q '^Types:.*deb-src' "$f" && cp "$f" "$T_DIR/sl/"
done
before=$(ls "$T_DIR/sl" | grep -c .)
unshare -m sh -c '
	mount --bind "$1/sl" /etc/apt/sources.list.d && mount --bind "$1/lists" /var/lib/apt/lists || exit 9
	[ -z "$(apt-cache showsrc musl 2>/dev/null)" ] || exit 8
	sh scripts/deb-src.sh musl test-debsrc 2>"$1/err1" || exit 1
	cp /etc/apt/sources.list.d/wirebox-src.sources "$1/added" 2>/dev/null
	apt-cache showsrc musl 2>/dev/null | grep -q "^Package: musl" || exit 2
	sh scripts/deb-src.sh musl test-debsrc 2>"$1/err2" || exit 3
	ls /etc/apt/sources.list.d > "$1/after"' sh "$T_DIR" >/dev/null 2>&1
rc=$?
if [ $rc = 0 ]; then pass "deb-src.sh: apt finds musl's source afterwards"
else fail "deb-src.sh: apt finds musl's source afterwards" "rc $rc: $(head -c 300 "$T_DIR/err1" 2>/dev/null)"; fi
t_grep "the entry added is deb-src for the system's suite" "^Suites: $(. /etc/os-release && echo "$VERSION_CODENAME")\$" "$T_DIR/added"
t_grep "... and says so in one line" "^test-debsrc: added /etc/apt/sources.list.d/wirebox-src.sources" "$T_DIR/err1"
t_true "a second run adds nothing and says nothing" [ ! -s "$T_DIR/err2" ]
t_true "one entry file added" [ "$(grep -c . "$T_DIR/after")" = "$((before + 1))" ]
t_true "the real /etc/apt/sources.list.d is untouched by the namespace" [ ! "$T_DIR/sl" -ef /etc/apt/sources.list.d ]
finish
