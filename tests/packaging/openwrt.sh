#!/bin/sh
# tests/packaging/openwrt.sh - packaging/openwrt/wirebox/Makefile under a stub
# OpenWrt SDK (rules.mk and include/package.mk written below, defining what the
# package uses: TARGET_CC/CFLAGS/CPPFLAGS/LDFLAGS, STAGING_DIR, PKG_BUILD_DIR,
# INSTALL_*, BuildPackage ...). For each variant it runs the package's own
# Build/Prepare, Build/Configure, Build/Compile, Build/Install and
# Package/<variant>/install against a fresh copy of the tree (as ./src), with
# an mbedTLS in $(STAGING_DIR)/usr made from Debian's libmbedtls-dev, and
# checks the result: the builder's flags reached the compiler, the menu's
# choices and the variant reached .config, TLS or not, the ipkg's files,
# conffiles and ALTERNATIVES, and the make install layout.
# Also: Config.in and the Makefile's symbol list match wirebox's Kconfig.
set -u
. "$(dirname "$0")/lib"
export_wirebox_target

T=$T_DIR
SDK=$T/sdk
mkdir -p "$SDK/include" "$T/feed" "$T/staging"
cp -R "$PKGDIR/openwrt/wirebox" "$T/feed/"
pkg_tree "$T/feed/wirebox/src"

# ---- the stub SDK -----------------------------------------------------------
cat > "$SDK/rules.mk" <<'MK'
# stub of OpenWrt's rules.mk: the target toolchain is the host's gcc
-include $(TOPDIR)/.config
BUILD_DIR:=$(TOPDIR)/build_dir
STAGING_DIR:=$(TOPDIR)/staging_dir
TARGET_CROSS:=
TARGET_CC:=gcc
TARGET_AR:=gcc-ar
TARGET_NM:=gcc-nm
TARGET_CFLAGS:=-Os -pipe -fno-caller-saves -fno-plt -Wformat -Werror=format-security -fstack-protector -D_FORTIFY_SOURCE=1 -DSTUB_OPENWRT_CFLAGS
TARGET_CPPFLAGS:=-I$(STAGING_DIR)/usr/include
TARGET_LDFLAGS:=-L$(STAGING_DIR)/usr/lib -znow -zrelro
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_DATA:=install -m0644
INSTALL_CONF:=install -m0600
CP:=cp -fpR
LN:=ln -sf
MK
cat > "$SDK/include/package.mk" <<'MK'
# stub of OpenWrt's package.mk: BuildPackage makes, for the package named by
# STUB_PKG, "stub-build" (prepare, configure, compile, install into
# PKG_INSTALL_DIR) and "stub-ipkg" (Package/NAME/install into STUB_IPKG, the
# conffiles and the package's fields into STUB_IPKG.*)
PKG_BUILD_DIR ?= $(BUILD_DIR)/$(if $(BUILD_VARIANT),$(PKG_NAME)-$(BUILD_VARIANT)/)$(PKG_NAME)-$(PKG_VERSION)
PKG_INSTALL_DIR ?= $(PKG_BUILD_DIR)/ipkg-install
PKG_JOBS:=$(if $(PKG_BUILD_PARALLEL),-j2,-j1)
SOURCE:=$(CURDIR)

define Build/Prepare
	mkdir -p $(PKG_BUILD_DIR)
	[ ! -d ./src/ ] || $(CP) ./src/. $(PKG_BUILD_DIR)
endef

define StubFields
STUB_FIELDS_$(1) := VARIANT=$$(VARIANT)|DEPENDS=$$(strip $$(DEPENDS))|PROVIDES=$$(PROVIDES)|ALTERNATIVES=$$(strip $$(ALTERNATIVES))
endef

define BuildPackage
TITLE:=
VARIANT:=
DEPENDS:=
PROVIDES:=
ALTERNATIVES:=
DEFAULT_VARIANT:=
$(Package/$(1))
$(call StubFields,$(1))
ifeq ($(1),$(STUB_PKG))
stub-build:
	rm -rf $(PKG_BUILD_DIR)
	$$(Build/Prepare)
	$$(Build/Configure)
	$$(Build/Compile)
	$$(Build/Install)
stub-ipkg:
	rm -rf $(STUB_IPKG) && mkdir -p $(STUB_IPKG)
	$(call Package/$(1)/install,$(STUB_IPKG))
	printf '%s\n' $$(foreach f,$$(Package/$(1)/conffiles),'$$(f)') > $(STUB_IPKG).conffiles
	printf '%s\n' '$$(STUB_FIELDS_$(1))' | tr '|' '\n' > $(STUB_IPKG).fields
endif
endef
MK
mbedtls_prefix "$SDK/staging_dir/usr"

# TOPDIR/.config: the builder's menu choices
write_config() {
	: > "$SDK/.config"
	for s in VERBOSE IPV6 INSTALLER SNTPC SNTPC_DAEMON SNTPC_NTPD SNTPC_SERVER SNTPC_TABLE SNTPC_EVAL \
		SMTPSEND SMTPSEND_AUTH SMTPSEND_OAUTH SMTPSEND_CONFIG SMTPSEND_MSMTP SMTPSEND_HEADERS \
		SMTPSEND_QUEUE POP3GET POP3GET_APOP POP3GET_MAILDIR POP3GET_MBOX POP3GET_MDA POP3GET_UIDL; do
		case " $* " in
		*" $s "*) echo "# CONFIG_WIREBOX_CONFIG_$s is not set" ;;
		*) echo "CONFIG_WIREBOX_CONFIG_$s=y" ;;
		esac
	done >> "$SDK/.config"
}

# owrt PKG VARIANT TARGET: make TARGET in the package folder as the SDK would
owrt() {
	make -C "$T/feed/wirebox" TOPDIR="$SDK" INCLUDE_DIR="$SDK/include" OPENWRT_VERBOSE=c \
		STUB_PKG="$1" BUILD_VARIANT="$2" STUB_IPKG="$T/ipkg-$1" "$3"
}

# ---- the variants -----------------------------------------------------------
# variant PKG VARIANT "SYMBOLS TURNED OFF IN THE MENU"
variant() {
	pkg=$1 var=$2 off=$3
	write_config $off
	bdir=$SDK/build_dir/wirebox-$var/wirebox-0.1.0
	ipkg=$T/ipkg-$pkg
	if owrt "$pkg" "$var" stub-build > "$T/$pkg.log" 2>&1; then
		pass "$pkg: Build/Prepare, Configure, Compile and Install succeed"
	else
		fail "$pkg: Build/Prepare, Configure, Compile and Install succeed" "$(tail -n 15 "$T/$pkg.log" | tr '\n' '|')"
		return
	fi
	cfg=$bdir/.config
	if [ "$var" = nossl ]; then t_grep "$pkg: the variant turns TLS off" '^# CONFIG_TLS is not set' "$cfg"
	else t_grep "$pkg: the variant turns TLS on" '^CONFIG_TLS=y' "$cfg"; fi
	for s in $off; do t_grep "$pkg: the menu's choice reaches .config ($s off)" "^# CONFIG_$s is not set" "$cfg"; done
	t_grep "$pkg: TARGET_CFLAGS reach the compiler" 'gcc .*-fno-caller-saves.*-DSTUB_OPENWRT_CFLAGS.*-c ' "$T/$pkg.log"
	t_grep "$pkg: TARGET_CPPFLAGS (staging includes) reach the compiler" "-I$SDK/staging_dir/usr/include" "$T/$pkg.log"
	t_grep "$pkg: TARGET_LDFLAGS reach the link" 'gcc .*-znow -zrelro.* -o ' "$T/$pkg.log"
	bin=$bdir/ipkg-install/usr/bin/wirebox
	check_no_wirebox_target "$pkg" "$bin" "$bdir" "$T/$pkg.log"
	"$bin" --version > "$T/$pkg.version" 2>&1
	ldd "$bin" > "$T/$pkg.ldd" 2>&1
	if [ "$var" = nossl ]; then
		t_nogrep "$pkg: no mbedTLS linked" 'libmbed' "$T/$pkg.ldd"
		t_grep "$pkg: --version says TLS off" '^TLS: off' "$T/$pkg.version"
	else
		t_grep "$pkg: the staging mbedTLS is linked dynamically" 'libmbedtls\.so' "$T/$pkg.ldd"
		t_grep "$pkg: the link names the staging mbedTLS (-L\$(STAGING_DIR)/usr/lib ... -lmbedtls)" "-L$SDK/staging_dir/usr/lib.*-lmbedtls" "$T/$pkg.log"
		t_grep "$pkg: --version says TLS on (mbedTLS)" '^TLS: on' "$T/$pkg.version"
	fi
	names=$(expected_names "$cfg")
	check_install_layout "$pkg make install" "$bdir/ipkg-install" "$names"

	# the ipkg's contents
	if owrt "$pkg" "$var" stub-ipkg > "$T/$pkg.ipkg.log" 2>&1; then pass "$pkg: Package/$pkg/install succeeds"
	else fail "$pkg: Package/$pkg/install succeeds" "$(tail -n 8 "$T/$pkg.ipkg.log" | tr '\n' '|')"; return; fi
	if [ -x "$ipkg/usr/bin/wirebox" ] && [ ! -L "$ipkg/usr/bin/wirebox" ]; then pass "$pkg: ipkg has /usr/bin/wirebox"
	else fail "$pkg: ipkg has /usr/bin/wirebox"; fi
	for n in sntpc smtpsend pop3get mailq; do
		case " $names " in
		*" $n "*)
			if is_wirebox_link "$ipkg/usr/bin/$n" && "$ipkg/usr/bin/$n" --help >/dev/null 2>&1; then
				pass "$pkg: ipkg's /usr/bin/$n runs the $n applet"
			else fail "$pkg: ipkg's /usr/bin/$n runs the $n applet"; fi ;;
		*)
			if [ -e "$ipkg/usr/bin/$n" ]; then fail "$pkg: no /usr/bin/$n in the ipkg ($n not built)"
			else pass "$pkg: no /usr/bin/$n in the ipkg ($n not built)"; fi ;;
		esac
	done
	# alternatives: the names other packages have, only for built applets,
	# never as files of the ipkg itself (opkg makes the links)
	alts=$(sed -n 's/^ALTERNATIVES=//p' "$ipkg.fields")
	for a in sendmail:/usr/sbin/sendmail sendmail:/usr/lib/sendmail msmtp:/usr/bin/msmtp ntpd:/usr/sbin/ntpd; do
		n=${a%%:*} path=${a#*:}
		case " $names " in
		*" $n "*)
			case " $alts " in
			*":$path:/usr/bin/wirebox "*) pass "$pkg: ALTERNATIVES has $path -> /usr/bin/wirebox" ;;
			*) fail "$pkg: ALTERNATIVES has $path -> /usr/bin/wirebox" "$alts" ;;
			esac
			if [ -e "$ipkg$path" ] || [ -L "$ipkg$path" ]; then fail "$pkg: $path is left to opkg's alternatives, not a file of the ipkg"
			else pass "$pkg: $path is left to opkg's alternatives, not a file of the ipkg"; fi
			# what opkg's link does: the name selects the applet
			ln -sf "$ipkg/usr/bin/wirebox" "$T/$n"
			if "$T/$n" --help >/dev/null 2>&1; then pass "$pkg: $path (a link to wirebox) runs $n"
			else fail "$pkg: $path (a link to wirebox) runs $n"; fi
			rm -f "$T/$n" ;;
		*)
			case " $alts " in
			*":$path:"*) fail "$pkg: no ALTERNATIVES entry for $path ($n not built)" "$alts" ;;
			*) pass "$pkg: no ALTERNATIVES entry for $path ($n not built)" ;;
			esac ;;
		esac
	done
	if [ "$var" = nossl ]; then
		t_nogrep "$pkg: no libmbedtls dependency" 'libmbedtls' "$ipkg.fields"
		t_grep "$pkg: PROVIDES wirebox" '^PROVIDES=wirebox$' "$ipkg.fields"
	else
		t_grep "$pkg: depends on libmbedtls and ca-bundle" '^DEPENDS=.*\+libmbedtls.*\+ca-bundle' "$ipkg.fields"
	fi
	for c in /etc/config/wirebox /etc/smtpsend.conf; do
		if grep -qx "$c" "$ipkg.conffiles" && [ -f "$ipkg$c" ]; then pass "$pkg: $c is a conffile in the ipkg"
		else fail "$pkg: $c is a conffile in the ipkg"; fi
	done
	case " $names " in
	*" mailq "*)
		for f in etc/init.d/wirebox-mailq:755 etc/hotplug.d/iface/90-wirebox-mailq:644 etc/hotplug.d/ntp/90-wirebox-mailq:644; do
			if [ "$(stat -c %a "$ipkg/${f%:*}" 2>/dev/null)" = "${f#*:}" ]; then pass "$pkg: ipkg has /${f%:*} (mode ${f#*:})"
			else fail "$pkg: ipkg has /${f%:*} (mode ${f#*:})"; fi
		done ;;
	*)
		if [ -e "$ipkg/etc/init.d/wirebox-mailq" ]; then fail "$pkg: no queue runner without the queue"
		else pass "$pkg: no queue runner without the queue"; fi ;;
	esac
}

if have_mbedtls; then
	variant wirebox mbedtls ""
else
	fail "wirebox: Debian's libmbedtls-dev is installed (scripts/install-deps.sh)"
fi
variant wirebox-nossl nossl "POP3GET SNTPC_NTPD SMTPSEND_MSMTP SMTPSEND_QUEUE"

# ---- the menu matches wirebox's Kconfig ---------------------------------------
# SYM DEP... lines, sorted: from wirebox's Kconfig (less TLS) and from Config.in
(cd "$T/feed/wirebox/src" && sh scripts/kconfig.sh applets "$T/Kconfig.applets")
kconfig_syms() {
	awk -v pfx="$2" '
	function out() { if (s != "") { n = split(d, a, " "); asort_print(s, a, n) } s = ""; d = "" }
	function asort_print(s, a, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		line = s; for (i = 1; i <= n; i++) line = line " " a[i]; print line }
	/^[ \t]*config[ \t]/ { out(); s = $2; sub("^" pfx, "", s); next }
	/^[ \t]*depends[ \t]+on/ { x = $0; sub(/^[ \t]*depends[ \t]+on[ \t]+/, "", x); gsub(/[&|()]+/, " ", x); gsub(pfx, "", x); d = d " " x; next }
	/^[ \t]*(menu|endmenu|if|endif|comment|source|mainmenu)([ \t]|$)/ { out() }
	END { out() }' $1 | grep -v '^TLS$' | sort
}
kconfig_syms "$T/feed/wirebox/src/Kconfig $T/Kconfig.applets" "" > "$T/syms.kconfig"
kconfig_syms "$PKGDIR/openwrt/wirebox/Config.in" "WIREBOX_CONFIG_" > "$T/syms.openwrt"
if cmp -s "$T/syms.kconfig" "$T/syms.openwrt"; then
	pass "openwrt Config.in: the same symbols and dependencies as wirebox's Kconfig ($(wc -l < "$T/syms.kconfig") symbols)"
else
	fail "openwrt Config.in: the same symbols and dependencies as wirebox's Kconfig" "$(diff "$T/syms.kconfig" "$T/syms.openwrt" | tr '\n' '|')"
fi
sed -n '/^WIREBOX_SYMS:=/,/^$/p' "$PKGDIR/openwrt/wirebox/Makefile" | tr -s ' \t\\' '\n' |
	grep -E '^[A-Z0-9_]+$' | sort > "$T/syms.makefile"
cut -d' ' -f1 "$T/syms.kconfig" | sort > "$T/syms.names"
if cmp -s "$T/syms.names" "$T/syms.makefile"; then pass "openwrt Makefile: WIREBOX_SYMS lists every symbol of Config.in"
else fail "openwrt Makefile: WIREBOX_SYMS lists every symbol of Config.in" "$(diff "$T/syms.names" "$T/syms.makefile" | tr '\n' '|')"; fi

finish
