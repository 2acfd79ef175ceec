# toolchain/tls.mk - mbedTLS for CONFIG_TLS=y, included by the Makefile.
# Where the library comes from, first match wins (toolchain/README.md):
#  - MBEDTLS_DIR=PREFIX: an installed mbedTLS (PREFIX/include, and
#    MBEDTLS_LIBDIR, default PREFIX/lib) with its own configuration, which
#    must enable what wirebox needs (core/tls_mbedtls.h names what is
#    missing). Static .a when STATIC=1 or when there is no .so. This is what
#    OpenWrt, Buildroot and Yocto pass ($(STAGING_DIR)/usr). Never downloads.
#  - STATIC=1, WB_MBEDTLS_DIR=DIR or MBEDTLS_SRC=DIR: the static mbedTLS
#    that toolchain/mbedtls.sh builds with the reduced configuration
#    toolchain/mbedtls_config.h, from MBEDTLS_SRC (a source tree; never
#    downloads) or from Debian's source package with its patches applied,
#    into toolchain/out/<target>-<hash of CC, flags, source>/ (or
#    WB_MBEDTLS_DIR). It runs under this make's jobserver with the caller's
#    CC, AR, the Makefile's code-generation flags, TARGET_CFLAGS and CFLAGS,
#    and rebuilds when any of them, the config or the source changes (its
#    stamp); other compilers or flags get other folders.
#    The application is compiled with the copy of the config header that
#    sits next to those libraries, so the two cannot disagree.
#  - otherwise: the system's mbedTLS with its default configuration, through
#    $(PKG_CONFIG) when it knows mbedtls (3.x ships .pc files), else
#    -lmbedtls -lmbedx509 -lmbedcrypto (Debian 12's libmbedtls-dev).
# The build date is build/epoch.h's (the Makefile), nothing here.
ifeq ($(HAVE_TLS),1)
CPPFLAGS_WB += -DWB_MBEDTLS
WB_MBEDTLS_LIBS := mbedtls mbedx509 mbedcrypto
PKG_CONFIG ?= pkg-config
# the objects that include mbedTLS headers (-isystem: not in their .d files)
WB_MBEDTLS_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard core/tls_mbedtls*.c \
	core/digest_mbedtls.c tests/unit/test_tls*.c))

ifneq ($(MBEDTLS_DIR),)
MBEDTLS_LIBDIR ?= $(MBEDTLS_DIR)/lib
CPPFLAGS_WB += -isystem $(MBEDTLS_DIR)/include
ifneq ($(or $(filter 1,$(STATIC)),$(if $(wildcard $(MBEDTLS_LIBDIR)/libmbedtls.so*),,1)),)
LIBS_WB += $(WB_MBEDTLS_LIBS:%=$(MBEDTLS_LIBDIR)/lib%.a)
else
LIBS_WB += -L$(MBEDTLS_LIBDIR) $(WB_MBEDTLS_LIBS:%=-l%)
endif
# a changed installed library (its config, version, archives) rebuilds and
# relinks what uses it
$(WB_MBEDTLS_OBJS): $(wildcard $(MBEDTLS_DIR)/include/mbedtls/*config*.h \
	$(MBEDTLS_DIR)/include/mbedtls/version.h $(MBEDTLS_DIR)/include/mbedtls/build_info.h)
$(OUT) $(BUILD)/unit: $(filter %.a,$(LIBS_WB))
.DEFAULT_GOAL := all

else ifneq ($(or $(filter 1,$(STATIC)),$(WB_MBEDTLS_DIR),$(MBEDTLS_SRC)),)
# AR: the Makefile's when it has chosen one, else mbedtls.sh picks
# ${CROSS_COMPILE}ar or "$(CC) -print-prog-name=ar".
# CFLAGS: the code-generation flags the Makefile gives wirebox's own objects
# (the -f and -m words of CFLAGS_WB: sections, no unwind tables, -fno-pie
# for STATIC=1, or with CONFIG_HARDENING -fstack-protector-strong and -fPIE
# (a static PIE needs position-independent mbedTLS too), ...; not its -std,
# warnings or OPT), then TARGET_CFLAGS and
# the caller's CFLAGS. mbedtls.sh keys its output folder by them.
WB_MBEDTLS_CGFLAGS := $(filter -f% -m%,$(filter-out $(OPT) $(TARGET_CFLAGS) $(CFLAGS),$(CFLAGS_WB)))
WB_MBEDTLS_ENV := CC='$(CC)' CROSS_COMPILE='$(CROSS_COMPILE)' \
	AR='$(if $(filter default undefined,$(origin AR)),,$(AR))' \
	CFLAGS='$(strip $(WB_MBEDTLS_CGFLAGS) $(TARGET_CFLAGS) $(CFLAGS))' MBEDTLS_SRC='$(MBEDTLS_SRC)'
ifeq ($(WB_MBEDTLS_DIR),)
WB_MBEDTLS_DIR := $(shell $(WB_MBEDTLS_ENV) sh toolchain/mbedtls.sh --print-dir)
endif
WB_MBEDTLS_STAMP := $(WB_MBEDTLS_DIR)/stamp
CPPFLAGS_WB += -isystem $(WB_MBEDTLS_DIR)/include -DWB_MBEDTLS_STATIC \
	-DMBEDTLS_CONFIG_FILE='"wb_mbedtls_config.h"'
LIBS_WB += $(WB_MBEDTLS_LIBS:%=$(WB_MBEDTLS_DIR)/lib/lib%.a)
# no private-key operations (no client certificates): mbedTLS's pk tables
# reach them, so --gc-sections kept them; these go to core/tls_mbedtls_lean.c
WB_MBEDTLS_NOKEY := mbedtls_rsa_pkcs1_sign mbedtls_rsa_pkcs1_decrypt mbedtls_rsa_pkcs1_encrypt \
	mbedtls_rsa_check_pub_priv mbedtls_ecp_check_pub_priv mbedtls_ecdsa_write_signature \
	mbedtls_rsa_complete
LIBS_WB += $(WB_MBEDTLS_NOKEY:%=-Wl,--wrap=%)

# Run every time (it is quick when the stamp matches, and the stamp only
# changes when it rebuilds). "+": the nested make gets the jobserver.
$(WB_MBEDTLS_STAMP): FORCE
	+$(Q)$(WB_MBEDTLS_ENV) WB_MBEDTLS_DIR='$(WB_MBEDTLS_DIR)' MAKE='$(MAKE)' \
		sh toolchain/mbedtls.sh
# everything is compiled after config.h, so the library comes first; the
# files that include mbedTLS headers and the links follow a rebuilt library
$(BUILD)/config.h: $(WB_MBEDTLS_STAMP)
$(WB_MBEDTLS_OBJS): $(WB_MBEDTLS_STAMP)
$(OUT) $(BUILD)/unit: $(WB_MBEDTLS_STAMP)
$(WB_MBEDTLS_DIR)/lib/%.a: $(WB_MBEDTLS_STAMP) ;
# the rules above come before the Makefile's "all": keep that the default
.DEFAULT_GOAL := all

else ifeq ($(shell $(PKG_CONFIG) --exists mbedtls 2>/dev/null && echo y),y)
CPPFLAGS_WB += $(shell $(PKG_CONFIG) --cflags $(WB_MBEDTLS_LIBS))
LIBS_WB += $(shell $(PKG_CONFIG) --libs $(WB_MBEDTLS_LIBS))
else
LIBS_WB += $(WB_MBEDTLS_LIBS:%=-l%)
endif
endif

# make mbedtls-dir [the build's variables]: where this build's mbedTLS is,
# for the same STATIC, TARGET, CC, CFLAGS, MBEDTLS_* as the build (the folder
# name hashes the compiler and flags: only make knows it). One line: the
# folder (toolchain/out/<triple>-<hash>, WB_MBEDTLS_DIR or MBEDTLS_DIR), or
# a sentence for a build on the system's library or without TLS.
# make mbedtls [the build's variables]: only the library, into that folder
.PHONY: mbedtls-dir mbedtls
mbedtls: $(WB_MBEDTLS_STAMP)
ifeq ($(WB_MBEDTLS_STAMP),)
	@$(MAKE) -s --no-print-directory mbedtls-dir
endif
mbedtls-dir:
ifneq ($(HAVE_TLS),1)
	@echo "no mbedTLS: CONFIG_TLS is not set in $(KCONFIG_CONFIG)"
else ifneq ($(MBEDTLS_DIR),)
	@echo '$(MBEDTLS_DIR)'
else ifneq ($(WB_MBEDTLS_STAMP),)
	@echo '$(WB_MBEDTLS_DIR)'
else
	@echo "the system's mbedTLS ($(strip $(LIBS_WB:-l%=lib%))): no folder of its own (STATIC=1, MBEDTLS_SRC= or WB_MBEDTLS_DIR= builds one)"
endif
.DEFAULT_GOAL := all
