# toolchain/tls.mk - mbedTLS for CONFIG_TLS=y, included by the Makefile.
#  - STATIC=1, or WB_MBEDTLS_DIR=DIR given: the static mbedTLS that
#    toolchain/mbedtls.sh builds (with $(CC)) into toolchain/out/<target>/,
#    built first when missing or when toolchain/mbedtls_config.h changed.
#    The application is compiled with the copy of the config header that
#    sits next to those libraries, so the two cannot disagree.
#  - otherwise: the system's mbedTLS (Debian libmbedtls-dev) and its
#    default configuration.
ifeq ($(HAVE_TLS),1)
CPPFLAGS_WB += -DWB_MBEDTLS
# the build date, for "your clock is wrong" (reproducible: the last commit)
WB_BUILD_EPOCH := $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null),0)
CPPFLAGS_WB += -DWB_BUILD_EPOCH=$(WB_BUILD_EPOCH)LL

ifneq ($(or $(filter 1,$(STATIC)),$(WB_MBEDTLS_DIR)),)
WB_MBEDTLS_DIR := $(or $(WB_MBEDTLS_DIR),$(shell CC='$(CC)' CROSS_COMPILE='$(CROSS_COMPILE)' sh toolchain/mbedtls.sh --print-dir))
WB_MBEDTLS_STAMP := $(WB_MBEDTLS_DIR)/stamp
CPPFLAGS_WB += -isystem $(WB_MBEDTLS_DIR)/include -DWB_MBEDTLS_STATIC \
	-DMBEDTLS_CONFIG_FILE='"wb_mbedtls_config.h"'
LIBS_WB += $(WB_MBEDTLS_DIR)/lib/libmbedtls.a $(WB_MBEDTLS_DIR)/lib/libmbedx509.a \
	$(WB_MBEDTLS_DIR)/lib/libmbedcrypto.a

$(WB_MBEDTLS_STAMP): toolchain/mbedtls_config.h toolchain/mbedtls.sh
	$(Q)CC='$(CC)' CROSS_COMPILE='$(CROSS_COMPILE)' WB_MBEDTLS_DIR='$(WB_MBEDTLS_DIR)' \
		sh toolchain/mbedtls.sh && touch $@
# everything is compiled after config.h, so the library comes first; the
# files that include mbedTLS headers and the links follow a rebuilt library
$(BUILD)/config.h: $(WB_MBEDTLS_STAMP)
$(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard core/tls_mbedtls*.c core/digest_mbedtls.c \
	tests/unit/test_tls*.c)): $(WB_MBEDTLS_STAMP)
$(OUT) $(BUILD)/unit: $(WB_MBEDTLS_STAMP)
$(WB_MBEDTLS_DIR)/lib/%.a: $(WB_MBEDTLS_STAMP) ;
# the rules above come before the Makefile's "all": keep that the default
.DEFAULT_GOAL := all
else
LIBS_WB += -lmbedtls -lmbedx509 -lmbedcrypto
endif
endif
