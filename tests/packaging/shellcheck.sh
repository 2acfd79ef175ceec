#!/bin/sh
# tests/packaging/shellcheck.sh - every shell script the packages install on a
# device (OpenWrt's procd init script and hotplug scripts, the Buildroot/Yocto
# S-script) passes shellcheck (with the shell named in each file: ash for
# OpenWrt's, sh otherwise) and 'sh -n'; and so do the packaging tests.
set -u
. "$(dirname "$0")/lib"
if ! command -v shellcheck >/dev/null 2>&1; then
	fail "shellcheck is installed (sh scripts/install-deps.sh)"
	finish; exit
fi
for f in "$PKGDIR"/openwrt/wirebox/files/*.init "$PKGDIR"/openwrt/wirebox/files/*.iface \
	"$PKGDIR"/openwrt/wirebox/files/*.ntp "$PKGDIR"/buildroot/package/wirebox/S[0-9]*; do
	r=${f#"$TOP"/}
	if sh -n "$f" 2>"$T_DIR/err"; then pass "$r: sh -n"; else fail "$r: sh -n" "$(cat "$T_DIR/err")"; fi
	if shellcheck "$f" > "$T_DIR/sc" 2>&1; then pass "$r: shellcheck"
	else fail "$r: shellcheck" "$(head -c 600 "$T_DIR/sc" | tr '\n' '|')"; fi
done
for f in "$TOP"/tests/packaging/*.sh "$TOP"/tests/packaging/lib; do
	r=${f#"$TOP"/}
	if shellcheck -x -S warning -e SC1091 "$f" > "$T_DIR/sc" 2>&1; then pass "$r: shellcheck -S warning"
	else fail "$r: shellcheck -S warning" "$(head -c 600 "$T_DIR/sc" | tr '\n' '|')"; fi
done
finish
