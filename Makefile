# wirebox - kbuild-like make for a multi-call SNTP/SMTP/POP3 client.
#   make [X_]defconfig | oldconfig | menuconfig     choose features (.config)
#   make [STATIC=1] [CROSS_COMPILE=pfx-] [V=1]      build ./wirebox
#   make check | size | demo | install              test, measure, show, install
#   make analyze                                     clang --analyze, any finding fails
VERSION := 0.1.0

ifeq ($(V),1)
Q :=
else
Q := @
endif

BUILD ?= build
KCONFIG_CONFIG ?= .config
OUT ?= wirebox
# Kconfig sources this fixed path; it depends only on the applet sources
KCONFIG_APPLETS := build/Kconfig.applets
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DESTDIR ?=
WERROR ?= 1

ifeq ($(origin CC),default)
  ifneq ($(CROSS_COMPILE),)
    CC := $(CROSS_COMPILE)gcc
  else ifeq ($(STATIC),1)
    CC := musl-gcc
  else
    CC := gcc
  endif
endif
STRIP ?= $(CROSS_COMPILE)strip

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wno-format-truncation -Wno-format-nonliteral
ifeq ($(WERROR),1)
WARN += -Werror
endif
OPT ?= -Os
CPPFLAGS_WB := -D_POSIX_C_SOURCE=200809L -DWIREBOX_VERSION='"$(VERSION)"' \
	-I$(BUILD) -Icore -I.
CFLAGS_WB := -std=c99 $(OPT) $(WARN) -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-stack-protector \
	-fno-plt $(CFLAGS)
# no page-aligned padding between segments and no build-id note: ~5 KB less
LDFLAGS_WB := -Wl,--gc-sections -Wl,--as-needed -Wl,-O1 -Wl,-z,noseparate-code \
	-Wl,--build-id=none $(LDFLAGS)
ifeq ($(STATIC),1)
LDFLAGS_WB += -static
endif

# TLS (issue 6) adds its libraries here; toolchain/ provides a static mbedTLS.
HAVE_TLS := $(shell grep -qs '^CONFIG_TLS=y' $(KCONFIG_CONFIG) && echo 1)
LIBS_WB :=
-include toolchain/tls.mk

# a change of compiler or flags (STATIC=1, CFLAGS=...) rebuilds everything
FLAGS_NOW := $(subst ',,$(CC) $(CPPFLAGS_WB) $(CPPFLAGS) $(CFLAGS_WB) $(LDFLAGS_WB) $(LIBS_WB))
FLAGS_OLD := $(shell cat $(BUILD)/flags 2>/dev/null)
ifneq ($(FLAGS_NOW),$(FLAGS_OLD))
$(shell mkdir -p $(BUILD) && printf '%s\n' '$(FLAGS_NOW)' > $(BUILD)/flags)
endif

# The applet sources, and a file whose date changes when that list does: a
# renamed or removed source keeps (or takes away) its date, so without it the
# generated source list would still name the old file and one make would fail
# with "No rule to make target"; with it the list is regenerated first.
APPLET_FILES := $(sort $(wildcard applets/*.c applets/*/*.c))
APPLET_LIST := build/applets.list
ifneq ($(APPLET_FILES),$(shell cat $(APPLET_LIST) 2>/dev/null))
$(shell mkdir -p build && printf '%s\n' '$(APPLET_FILES)' > $(APPLET_LIST).$$$$ && mv -f $(APPLET_LIST).$$$$ $(APPLET_LIST))
endif

CORE_SRCS := $(filter-out core/main.c,$(wildcard core/*.c))
# TLS builds take MD5/HMAC from mbedTLS; TLS-off builds link no TLS code
CORE_SRCS := $(filter-out $(if $(HAVE_TLS),core/md5.c,core/tls_mbedtls%.c core/digest_mbedtls.c),$(CORE_SRCS))
-include $(BUILD)/applets.mk
SRCS := core/main.c $(CORE_SRCS) $(APPLET_SRCS)
OBJS := $(SRCS:%.c=$(BUILD)/obj/%.o)
GEN := $(BUILD)/config.h $(BUILD)/applets.h

.PHONY: all clean distclean defconfig oldconfig olddefconfig menuconfig \
	check check-unit check-sanitize check-valgrind check-integration \
	check-kconfig size demo install unit analyze FORCE
.SUFFIXES:

all: $(OUT)

$(KCONFIG_CONFIG):
	@echo "  no $(KCONFIG_CONFIG): using configs/defconfig (run 'make menuconfig' to choose)"
	$(Q)cp configs/defconfig $@

$(KCONFIG_APPLETS): $(APPLET_FILES) $(APPLET_LIST) scripts/kconfig.sh
	$(Q)mkdir -p build && sh scripts/kconfig.sh applets $@

# like kbuild's syncconfig: symbols added since .config was written get
# their defaults (the file is rewritten only when that changes it)
$(BUILD)/.config.synced: $(KCONFIG_CONFIG) $(KCONFIG_APPLETS) Kconfig
	$(Q)mkdir -p $(BUILD) && sh scripts/kconfig.sh olddefconfig $(KCONFIG_CONFIG) && touch $@

$(BUILD)/config.h: $(BUILD)/.config.synced scripts/kconfig.sh
	$(Q)sh scripts/kconfig.sh header $(KCONFIG_CONFIG) $@.new && \
	 (cmp -s $@.new $@ && rm $@.new || mv $@.new $@)

$(BUILD)/applets.h $(BUILD)/applets.mk: $(BUILD)/.config.synced $(APPLET_FILES) $(APPLET_LIST) scripts/kconfig.sh
	$(Q)mkdir -p $(BUILD) && sh scripts/kconfig.sh table $(KCONFIG_CONFIG) $(BUILD)/applets.h $(BUILD)/applets.mk

$(BUILD)/obj/%.o: %.c $(GEN) $(BUILD)/flags | $(BUILD)/epoch.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS_WB) $(CPPFLAGS) $(CFLAGS_WB) -MMD -MP -c -o $@ $<

$(OUT): $(OBJS) $(BUILD)/flags
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS_WB) $(LDFLAGS_WB) -o $@ $(OBJS) $(LIBS_WB)

-include $(OBJS:.o=.d)

# the build date as WB_BUILD_EPOCH (SOURCE_DATE_EPOCH, else the last
# commit's; 0 outside git): only the files that include epoch.h rebuild
# when it moves (their .d files name it)
WB_EPOCH_NOW := $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null),0)
$(BUILD)/epoch.h: FORCE
	@mkdir -p $(BUILD) && printf '#ifndef WB_BUILD_EPOCH\n#define WB_BUILD_EPOCH %sLL\n#endif\n' '$(WB_EPOCH_NOW)' > $@.new && \
	 (cmp -s $@.new $@ && rm $@.new || mv $@.new $@)

# ---- configuration ---------------------------------------------------------
%_defconfig: configs/%_defconfig FORCE
	$(Q)cp $< $(KCONFIG_CONFIG)
	$(Q)$(MAKE) --no-print-directory olddefconfig
	@echo "  wrote $(KCONFIG_CONFIG) from $<"

defconfig: configs/defconfig FORCE
	$(Q)cp $< $(KCONFIG_CONFIG)
	$(Q)$(MAKE) --no-print-directory olddefconfig
	@echo "  wrote $(KCONFIG_CONFIG) from $<"

oldconfig olddefconfig: $(KCONFIG_APPLETS) FORCE
	$(Q)sh scripts/kconfig.sh olddefconfig $(KCONFIG_CONFIG)

menuconfig: $(KCONFIG_APPLETS) FORCE
	$(Q)if command -v kconfig-mconf >/dev/null 2>&1; then \
		KCONFIG_CONFIG=$(KCONFIG_CONFIG) kconfig-mconf Kconfig; \
	elif /usr/bin/python3 -c 'import kconfiglib' 2>/dev/null; then \
		KCONFIG_CONFIG=$(KCONFIG_CONFIG) /usr/bin/python3 -m menuconfig Kconfig; \
	else \
		echo "menuconfig needs kconfig-mconf (apt-get install kconfig-frontends-nox)"; \
		echo "or python3-kconfiglib (apt-get install python3-kconfiglib); or edit $(KCONFIG_CONFIG) and run 'make oldconfig'"; \
		exit 1; \
	fi
	$(Q)sh scripts/kconfig.sh olddefconfig $(KCONFIG_CONFIG)

FORCE:

# ---- install, size, demo, tests ---------------------------------------------
install: $(OUT)
	$(Q)mkdir -p $(DESTDIR)$(BINDIR)
	$(Q)cp $(OUT) $(DESTDIR)$(BINDIR)/wirebox.new && $(STRIP) $(DESTDIR)$(BINDIR)/wirebox.new && \
	 mv $(DESTDIR)$(BINDIR)/wirebox.new $(DESTDIR)$(BINDIR)/wirebox
	$(Q)sh scripts/install-links.sh $(DESTDIR)$(BINDIR) $(BUILD)/applets.h

size: FORCE
	$(Q)sh scripts/size.sh "$(MAKE)" "$(STATIC)" "$(FORMAT)"

demo: $(OUT)
	$(Q)sh scripts/demo.sh

check: FORCE
	$(Q)sh tests/run.sh

# make analyze: clang's static analyzer over this .config's sources with the
# build's defines and include paths; every finding is an error. One report
# per source under $(BUILD)/analyze/ (redone when the source or a header it
# includes changes), all of them in $(BUILD)/analyze.txt.
ANALYZER ?= clang
ANALYZE_OUT := $(SRCS:%.c=$(BUILD)/analyze/%.txt)

$(BUILD)/analyze/%.txt: %.c $(GEN) $(BUILD)/flags | $(BUILD)/epoch.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  ANALYZE $<")
	$(Q)$(ANALYZER) --analyze -Xanalyzer -analyzer-werror -std=c99 $(CPPFLAGS_WB) $(CPPFLAGS) \
	 -MMD -MP -MF $@.d -MT $@ -o /dev/null $< >$@.tmp 2>&1 || [ -s $@.tmp ] || \
	 echo "$<: $(ANALYZER) --analyze failed" >$@.tmp; mv $@.tmp $@

analyze: $(ANALYZE_OUT)
	$(Q)cat $(ANALYZE_OUT) > $(BUILD)/analyze.txt; \
	n=$$(grep -cE '^[^ :]+:[0-9]+:[0-9]+: (error|warning)' $(BUILD)/analyze.txt); \
	if [ -s $(BUILD)/analyze.txt ]; then cat $(BUILD)/analyze.txt; \
		echo "analyze: $$n finding(s) ($(if $(HAVE_TLS),TLS on,TLS off)); list in $(BUILD)/analyze.txt"; exit 1; \
	else echo "  analyze: $(words $(SRCS)) sources ($(if $(HAVE_TLS),TLS on,TLS off)), no findings"; fi

-include $(ANALYZE_OUT:=.d)

clean:
	rm -rf $(BUILD) $(OUT)

distclean: clean
	rm -f .config .config.old

# ---- unit test binary (used by tests/run.sh) -----------------------------------
# Every tests/unit/*.c defines one or more "Suite *NAME_suite(void)"; the
# runner is generated from those lines.
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(CORE_SRCS:%.c=$(BUILD)/obj/%.o) $(APPLET_SRCS:%.c=$(BUILD)/obj/%.o) \
	$(UNIT_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/unit_main.o

$(BUILD)/unit_suites.h: $(UNIT_SRCS)
	$(Q)mkdir -p $(BUILD) && sed -n 's/^Suite \*\([a-z0-9_]*_suite\)(void)$$/SUITE(\1)/p' $(UNIT_SRCS) | sort > $@

$(BUILD)/obj/tests/unit/%.o: tests/unit/%.c $(GEN) | $(BUILD)/epoch.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS_WB) -Itests $(CPPFLAGS) $(CFLAGS_WB) $(CHECK_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/unit_main.o: tests/unit_main.c $(BUILD)/unit_suites.h $(GEN)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS_WB) -Itests $(CPPFLAGS) $(CFLAGS_WB) $(CHECK_CFLAGS) -c -o $@ $<

$(BUILD)/unit: $(UNIT_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS_WB) -o $@ $(UNIT_OBJS) $(LIBS_WB) $(CHECK_LIBS)

unit: $(BUILD)/unit
-include $(UNIT_OBJS:.o=.d)
