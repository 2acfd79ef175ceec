################################################################################
#
# wirebox
#
################################################################################

WIREBOX_VERSION = 0.1.0
# the source: BR2_PACKAGE_WIREBOX_SRCDIR, else the checkout that holds this
# BR2_EXTERNAL tree (packaging/buildroot); build output left in it stays out
WIREBOX_SITE = $(or $(call qstrip,$(BR2_PACKAGE_WIREBOX_SRCDIR)),$(BR2_EXTERNAL_WIREBOX_PATH)/../..)
WIREBOX_SITE_METHOD = local
WIREBOX_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS = \
	--exclude /build --exclude /toolchain/out --exclude /wirebox \
	--exclude /.config --exclude /.config.old

# installed after these: BusyBox's links to the names wirebox installs are
# removed first (WIREBOX_REMOVE_BUSYBOX_LINKS), so wirebox's replace them;
# a real ntpd, msmtp or sendmail of ntp, msmtp or postfix is kept (make
# install without FORCE_LINKS keeps and lists a name that is not its own)
WIREBOX_DEPENDENCIES = \
	$(if $(BR2_PACKAGE_BUSYBOX),busybox) \
	$(if $(BR2_PACKAGE_MBEDTLS),mbedtls) \
	$(if $(BR2_PACKAGE_NTP),ntp) \
	$(if $(BR2_PACKAGE_MSMTP),msmtp) \
	$(if $(BR2_PACKAGE_POSTFIX),postfix)

# The same settings for the build and for 'make install' (which refuses
# settings that differ from the build's).
# TARGET= (empty): a WIREBOX_TARGET in the environment must not turn this
# into one of wirebox's own firmware builds (toolchain/targets.mk).
WIREBOX_MAKE_OPTS = \
	TARGET= \
	CC="$(TARGET_CC)" \
	CROSS_COMPILE="$(TARGET_CROSS)" \
	AR="$(TARGET_AR)" \
	NM="$(TARGET_NM)" \
	STRIP="$(TARGET_STRIP)" \
	CFLAGS="$(TARGET_CFLAGS)" \
	LDFLAGS="$(TARGET_LDFLAGS)" \
	WERROR=0 \
	PREFIX=/usr \
	$(if $(BR2_STATIC_LIBS),STATIC=1) \
	$(if $(BR2_PACKAGE_MBEDTLS),MBEDTLS_DIR="$(STAGING_DIR)/usr")

ifeq ($(BR2_PACKAGE_WIREBOX_USE_CUSTOM_CONFIG),y)
WIREBOX_KCONFIG_FILE = $(call qstrip,$(BR2_PACKAGE_WIREBOX_CUSTOM_CONFIG_FILE))
else
WIREBOX_KCONFIG_DEFCONFIG = $(call qstrip,$(BR2_PACKAGE_WIREBOX_DEFCONFIG))
endif
WIREBOX_KCONFIG_FRAGMENT_FILES = $(call qstrip,$(BR2_PACKAGE_WIREBOX_CONFIG_FRAGMENT_FILES))
WIREBOX_KCONFIG_EDITORS = menuconfig
WIREBOX_KCONFIG_SUPPORTS_DEFCONFIG = NO
WIREBOX_KCONFIG_OPTS = $(WIREBOX_MAKE_OPTS)

# TLS exactly when mbedtls is in the build
ifeq ($(BR2_PACKAGE_MBEDTLS),y)
define WIREBOX_SET_TLS
	$(call KCONFIG_ENABLE_OPT,CONFIG_TLS)
endef
else
define WIREBOX_SET_TLS
	$(call KCONFIG_DISABLE_OPT,CONFIG_TLS)
endef
endif

define WIREBOX_KCONFIG_FIXUP_CMDS
	$(WIREBOX_SET_TLS)
endef

define WIREBOX_BUILD_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(WIREBOX_MAKE_OPTS)
endef

# the names wirebox installs; only those that are BusyBox's (a symbolic
# link to busybox or a hard link of /bin/busybox) are removed before make
# install: no FORCE_LINKS, so another package's program stays
WIREBOX_LINK_PATHS = usr/bin/sntpc usr/bin/smtpsend usr/bin/pop3get \
	usr/bin/msmtp usr/bin/mailq usr/sbin/sendmail usr/sbin/ntpd usr/lib/sendmail
define WIREBOX_REMOVE_BUSYBOX_LINKS
	for f in $(WIREBOX_LINK_PATHS); do \
		l="$(TARGET_DIR)/$$f"; \
		if { [ -L "$$l" ] && [ "$$(basename "$$(readlink "$$l")")" = busybox ]; } || \
			{ [ -f "$$l" ] && [ "$$l" -ef "$(TARGET_DIR)/bin/busybox" ]; }; then \
			rm -f "$$l"; \
		fi; \
	done
endef

define WIREBOX_INSTALL_TARGET_CMDS
	$(WIREBOX_REMOVE_BUSYBOX_LINKS)
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(WIREBOX_MAKE_OPTS) \
		DESTDIR="$(TARGET_DIR)" install
endef

# the queue runner, when the queue is built
define WIREBOX_INSTALL_INIT_SYSV
	if grep -q '^CONFIG_SMTPSEND_QUEUE=y' $(@D)/.config; then \
		$(INSTALL) -D -m 0755 $(WIREBOX_PKGDIR)/S50wirebox-mailq \
			$(TARGET_DIR)/etc/init.d/S50wirebox-mailq; \
	fi
endef

# the units are in the source tree's packaging/systemd/
define WIREBOX_INSTALL_INIT_SYSTEMD
	if grep -q '^CONFIG_SNTPC_DAEMON=y' $(@D)/.config; then \
		$(INSTALL) -D -m 0644 $(@D)/packaging/systemd/wirebox-sntpc.service \
			$(TARGET_DIR)/usr/lib/systemd/system/wirebox-sntpc.service; \
	fi
	if grep -q '^CONFIG_SMTPSEND_QUEUE=y' $(@D)/.config; then \
		$(INSTALL) -D -m 0644 $(@D)/packaging/systemd/wirebox-mailq.service \
			$(TARGET_DIR)/usr/lib/systemd/system/wirebox-mailq.service; \
	fi
endef

$(eval $(kconfig-package))
