#!/bin/sh
# tests/packaging/buildroot.sh - packaging/buildroot/package/wirebox/wirebox.mk
# under a stub of Buildroot's kconfig-package infrastructure (written below:
# TARGET_CC/CFLAGS/LDFLAGS, TARGET_MAKE_ENV with GIT_DIR=., STAGING_DIR with
# an mbedTLS made from Debian's libmbedtls-dev, KCONFIG_ENABLE_OPT/DISABLE_OPT,
# and the steps: local-site copy with the package's rsync exclusions, the
# (def)config and fragments, olddefconfig, the package's fixups, BUILD_CMDS,
# INSTALL_TARGET_CMDS, INSTALL_INIT_SYSV/SYSTEMD), run against a fresh copy of
# the tree. Checks: the builder's flags, TLS exactly with BR2_PACKAGE_MBEDTLS,
# static with BR2_STATIC_LIBS, the install layout, BusyBox's sendmail/ntpd
# links replaced (only links to busybox removed; no FORCE_LINKS), another
# package's real ntpd/msmtp kept and listed, the CA bundle selected with
# mbedtls, the S-script or the systemd units.
set -u
. "$(dirname "$0")/lib"
export_wirebox_target
T=$T_DIR
BR=$T/br
mkdir -p "$BR"
pkg_tree "$T/wirebox"
# a build left in the checkout must not reach the package's copy
mkdir -p "$T/wirebox/build/stale" && echo junk > "$T/wirebox/build/stale/x" && echo "CONFIG_JUNK=y" > "$T/wirebox/.config"
mbedtls_prefix "$BR/output/staging/usr"

cat > "$BR/stub.mk" <<'MK'
# stub of Buildroot's package infrastructure for one kconfig-package
BUILD_DIR := $(BR)/output/build
TARGET_DIR := $(BR)/output/target
STAGING_DIR := $(BR)/output/staging
TARGET_CROSS :=
TARGET_CC := gcc
TARGET_AR := ar
TARGET_NM := nm
TARGET_STRIP := strip
TARGET_CFLAGS := -D_LARGEFILE_SOURCE -D_LARGEFILE64_SOURCE -D_FILE_OFFSET_BITS=64 -Os -g0 -D_FORTIFY_SOURCE=1 -DSTUB_BUILDROOT_CFLAGS
TARGET_LDFLAGS := -Wl,-z,relro -Wl,-z,now
TARGET_MAKE_ENV := GIT_DIR=. PATH="$(PATH)" V=1
INSTALL := install
SED := sed -i -e
qstrip = $(strip $(subst ",,$(1)))
BR2_EXTERNAL_WIREBOX_PATH := $(WIREBOX_EXT)
pkgdir = $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

# KCONFIG_*_OPT: rewrite one symbol of the package's .config
STUB_DOTCONFIG = $(if $(strip $(1)),$(1),$($(PKG)_DIR)/.config)
define STUB_MUNGE
	$(SED) '/^\(# \)\?$(strip $(1))[= ]/d' $(call STUB_DOTCONFIG,$(3)) && echo '$(strip $(2))' >> $(call STUB_DOTCONFIG,$(3))
endef
KCONFIG_ENABLE_OPT = $(call STUB_MUNGE,$(1),$(1)=y,$(2))
KCONFIG_DISABLE_OPT = $(call STUB_MUNGE,$(1),\# $(strip $(1)) is not set,$(2))

define stub-kconfig-package
$(1)_PKGDIR := $(pkgdir)
$(1)_DIR := $(BUILD_DIR)/wirebox-$$($(1)_VERSION)
$(1)_KCONFIG_MAKE = $$($(1)_MAKE_ENV) $$(MAKE) -C $$($(1)_DIR) $$($(1)_KCONFIG_OPTS)
stub-all: $$($(1)_DIR)/.stamp_stub
$$($(1)_DIR)/.stamp_stub: PKG=$(1)
$$($(1)_DIR)/.stamp_stub:
	rm -rf $$(@D) && mkdir -p $$(@D) $(TARGET_DIR)
	tar -C $$($(1)_SITE) $$(subst --exclude /,--exclude ./,$$($(1)_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS)) -cf - . | tar -C $$(@D) -xf -
	$$(if $$($(1)_KCONFIG_DEFCONFIG),$$($(1)_KCONFIG_MAKE) $$($(1)_KCONFIG_DEFCONFIG),install -m 0644 $$($(1)_KCONFIG_FILE) $$(@D)/.config)
	$$(if $$($(1)_KCONFIG_FRAGMENT_FILES),cat $$($(1)_KCONFIG_FRAGMENT_FILES) >> $$(@D)/.config)
	$$($(1)_KCONFIG_MAKE) olddefconfig
	$$($(1)_KCONFIG_FIXUP_CMDS)
	$$($(1)_KCONFIG_MAKE) olddefconfig
	$$($(1)_BUILD_CMDS)
	$$($(1)_INSTALL_TARGET_CMDS)
	$$(if $$(BR2_INIT_SYSTEMD),$$($(1)_INSTALL_INIT_SYSTEMD),$$($(1)_INSTALL_INIT_SYSV))
	touch $$@
endef
kconfig-package = $(call stub-kconfig-package,WIREBOX)
MK
cat > "$BR/Makefile" <<'MK'
include $(BR)/stub.mk
include $(WIREBOX_EXT)/package/wirebox/wirebox.mk
MK

# br NAME BR2_VAR=VALUE...: one Buildroot build of the package
br() {
	name=$1; shift
	rm -rf "$BR/output/build" "$BR/output/target"
	mkdir -p "$BR/output/target/bin" "$BR/output/target/usr/sbin" "$BR/output/target/usr/bin"
	# BusyBox is installed first (a dependency): its links must give way
	printf '#!/bin/sh\necho busybox\n' > "$BR/output/target/bin/busybox"
	ln -s busybox "$BR/output/target/bin/sh"
	if [ -n "${BR_REAL:-}" ]; then
		# ntp's real ntpd and msmtp's msmtp (dependencies, installed
		# first) must stay; BusyBox's sendmail as a hard link goes
		printf '#!/bin/sh\necho real ntpd\n' > "$BR/output/target/usr/sbin/ntpd"
		printf '#!/bin/sh\necho real msmtp\n' > "$BR/output/target/usr/bin/msmtp"
		ln "$BR/output/target/bin/busybox" "$BR/output/target/usr/sbin/sendmail"
	else
		ln -s ../../bin/busybox "$BR/output/target/usr/sbin/sendmail"
		ln -s ../../bin/busybox "$BR/output/target/usr/sbin/ntpd"
	fi
	make -C "$BR" BR="$BR" WIREBOX_EXT="$PKGDIR/buildroot" BR2_PACKAGE_WIREBOX=y \
		BR2_PACKAGE_WIREBOX_SRCDIR="$T/wirebox" "$@" stub-all > "$T/$name.log" 2>&1
}
# check_build NAME TLS LOG
check_build() {
	name=$1 tls=$2 log=$T/$3.log
	bdir=$BR/output/build/wirebox-0.1.0 root=$BR/output/target
	t_grep "$name: TARGET_CFLAGS reach the compiler" 'gcc .*-DSTUB_BUILDROOT_CFLAGS.*-c ' "$log"
	t_grep "$name: TARGET_LDFLAGS reach the link" 'gcc .*-Wl,-z,relro -Wl,-z,now.* -o ' "$log"
	if [ -e "$bdir/build/stale/x" ] || grep -q JUNK "$bdir/.config"; then
		fail "$name: the checkout's build/ and .config are not copied (rsync exclusions)"
	else pass "$name: the checkout's build/ and .config are not copied (rsync exclusions)"; fi
	"$root/usr/bin/wirebox" --version > "$T/$name.version" 2>&1
	if [ "$tls" = on ]; then
		t_grep "$name: CONFIG_TLS=y (BR2_PACKAGE_MBEDTLS)" '^CONFIG_TLS=y' "$bdir/.config"
		t_grep "$name: --version says TLS on" '^TLS: on' "$T/$name.version"
		t_grep "$name: links the staging mbedTLS" "-L$BR/output/staging/usr/lib.*-lmbedtls|$BR/output/staging/usr/lib/libmbedtls" "$log"
	else
		t_grep "$name: CONFIG_TLS off (no BR2_PACKAGE_MBEDTLS)" '^# CONFIG_TLS is not set' "$bdir/.config"
		t_grep "$name: --version says TLS off" '^TLS: off' "$T/$name.version"
	fi
	check_no_wirebox_target "$name" "$root/usr/bin/wirebox" "$bdir" "$log"
	names=$(expected_names "$bdir/.config")
	t_nogrep "$name: make install without FORCE_LINKS=1" 'DESTDIR=.*FORCE_LINKS=1' "$log"
	if [ -n "${BR_REAL:-}" ]; then
		# the real programs are kept (and listed), so the layout
		# check is for the other names
		for p in usr/sbin/ntpd:ntpd usr/bin/msmtp:msmtp; do
			if grep -q "^echo real ${p#*:}" "$root/${p%:*}" 2>/dev/null && ! [ -L "$root/${p%:*}" ]; then
				pass "$name: another package's real /${p%:*} is kept"
			else fail "$name: another package's real /${p%:*} is kept" "$(ls -l "$root/${p%:*}" 2>&1)"; fi
			t_grep "$name: make install lists /${p%:*} as kept" "kept .*${p%:*}" "$log"
		done
		if is_wirebox_link "$root/usr/sbin/sendmail"; then pass "$name: BusyBox's /usr/sbin/sendmail (a hard link of busybox) replaced"
		else fail "$name: BusyBox's /usr/sbin/sendmail (a hard link of busybox) replaced" "$(ls -l "$root/usr/sbin/sendmail" 2>&1)"; fi
		if [ "$(cat "$root/bin/busybox")" = "$(printf '#!/bin/sh\necho busybox')" ]; then pass "$name: /bin/busybox itself untouched"
		else fail "$name: /bin/busybox itself untouched"; fi
		return
	fi
	check_install_layout "$name" "$root" "$names"
	for n in sendmail ntpd; do
		case " $names " in *" $n "*)
			if is_wirebox_link "$root/usr/sbin/$n"; then pass "$name: BusyBox's /usr/sbin/$n link replaced (links to busybox removed first)"
			else fail "$name: BusyBox's /usr/sbin/$n link replaced (links to busybox removed first)" "$(ls -l "$root/usr/sbin/$n" 2>&1)"; fi ;;
		esac
	done
}

# 1: the default in-tree defconfig, mbedtls selected, SysV init
if br defconfig BR2_PACKAGE_WIREBOX_USE_DEFCONFIG=y BR2_PACKAGE_WIREBOX_DEFCONFIG='"defconfig"' \
	BR2_PACKAGE_MBEDTLS=y BR2_INIT_SYSV=y; then
	pass "defconfig+mbedtls: configure, build and install succeed"
	check_build defconfig+mbedtls on defconfig
	f=$BR/output/target/etc/init.d/S50wirebox-mailq
	if [ -x "$f" ]; then pass "defconfig+mbedtls: /etc/init.d/S50wirebox-mailq installed"
	else fail "defconfig+mbedtls: /etc/init.d/S50wirebox-mailq installed"; fi
	if [ ! -e "$BR/output/target/usr/lib/systemd/system/wirebox-mailq.service" ]; then pass "defconfig+mbedtls: no systemd units with SysV init"
	else fail "defconfig+mbedtls: no systemd units with SysV init"; fi
else
	fail "defconfig+mbedtls: configure, build and install succeed" "$(tail -n 15 "$T/defconfig.log" | tr '\n' '|')"
fi

# 2: a custom config (full, TLS on) and a fragment; no mbedtls: the fixup
# turns TLS off; BR2_STATIC_LIBS: static; systemd
cp "$T/wirebox/configs/full_defconfig" "$T/custom.config"
printf '# CONFIG_POP3GET is not set\n' > "$T/fragment.config"
if br custom BR2_PACKAGE_WIREBOX_USE_CUSTOM_CONFIG=y BR2_PACKAGE_WIREBOX_CUSTOM_CONFIG_FILE="\"$T/custom.config\"" \
	BR2_PACKAGE_WIREBOX_CONFIG_FRAGMENT_FILES="\"$T/fragment.config\"" BR2_STATIC_LIBS=y BR2_INIT_SYSTEMD=y; then
	pass "custom+fragment, static: configure, build and install succeed"
	check_build custom-static off custom
	t_grep "custom-static: the fragment reaches .config (POP3GET off)" '^# CONFIG_POP3GET is not set' "$BR/output/build/wirebox-0.1.0/.config"
	file -L "$BR/output/target/usr/bin/wirebox" > "$T/file.out"
	t_grep "custom-static: BR2_STATIC_LIBS gives a static binary" 'statically linked|static-pie linked' "$T/file.out"
	for u in wirebox-sntpc.service wirebox-mailq.service; do
		if [ -f "$BR/output/target/usr/lib/systemd/system/$u" ]; then pass "custom-static: systemd: $u installed"
		else fail "custom-static: systemd: $u installed"; fi
	done
	if [ ! -e "$BR/output/target/etc/init.d/S50wirebox-mailq" ]; then pass "custom-static: no S-script with systemd"
	else fail "custom-static: no S-script with systemd"; fi
else
	fail "custom+fragment, static: configure, build and install succeed" "$(tail -n 15 "$T/custom.log" | tr '\n' '|')"
fi

# 3: full config with ntp's ntpd and msmtp installed before wirebox, BusyBox's
# sendmail a hard link: the real programs stay, BusyBox's link goes
BR_REAL=1
if br real BR2_PACKAGE_WIREBOX_USE_DEFCONFIG=y BR2_PACKAGE_WIREBOX_DEFCONFIG='"full_defconfig"' \
	BR2_PACKAGE_NTP=y BR2_PACKAGE_NTP_NTPD=y BR2_PACKAGE_MSMTP=y BR2_INIT_SYSV=y; then
	pass "full+ntp+msmtp: configure, build and install succeed (kept names: exit 0)"
	check_build full+ntp+msmtp off real
else
	fail "full+ntp+msmtp: configure, build and install succeed (kept names: exit 0)" "$(tail -n 15 "$T/real.log" | tr '\n' '|')"
fi
BR_REAL=

# Config.in: TLS needs the CA bundle
CFG=$PKGDIR/buildroot/package/wirebox/Config.in
t_grep "Config.in: select BR2_PACKAGE_CA_CERTIFICATES if BR2_PACKAGE_MBEDTLS" \
	'^[[:space:]]*select BR2_PACKAGE_CA_CERTIFICATES if BR2_PACKAGE_MBEDTLS$' "$CFG"
t_grep "Config.in: help says a real ntpd/msmtp/sendmail is kept" 'is kept' "$CFG"

finish
