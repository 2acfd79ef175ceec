# wirebox - kbuild-like make for a multi-call SNTP/SMTP/POP3 client.
#   make [X_]defconfig | oldconfig | menuconfig     choose features (.config)
#   make [STATIC=1] [CROSS_COMPILE=pfx-] [V=1]      build ./wirebox
#   make TARGET=NAME                                 static stripped build/NAME/wirebox
#   make check | check-cross | size | demo | man | install
#   make analyze                                     clang --analyze, any finding fails
# Every variable is described in docs/building.md.
VERSION := 0.1.0

# V=1 shows the commands; make -s shows nothing but errors (no CC/LD lines)
WB_SILENT := $(findstring s,$(firstword -$(MAKEFLAGS)))
ifeq ($(V),1)
Q :=
SAY := @:
else
Q := @
SAY := $(if $(WB_SILENT),@:,@echo)
endif
define newline


endef

# TARGET=NAME: a firmware build for one CPU (toolchain/targets.mk sets the
# compiler, STATIC=1 and TARGET_CFLAGS/TARGET_LDFLAGS; docs/cross.md)
# TARGET counts only on the command line (cargo and CI matrices put a
# TARGET of their own in the environment); WIREBOX_TARGET=NAME in the
# environment does the same as TARGET=NAME on the command line.
# A command-line TARGET counts in the make run by hand (MAKELEVEL 0), in
# wirebox's own recursion (its recipes set WB_TARGET_OK=1), and under any
# make when it names one of wirebox's targets (a script or Makefile that runs
# 'make TARGET=mips'). A parent project's 'make TARGET=rpi4' that runs
# '$(MAKE) -C wirebox' passes its TARGET down in MAKEFLAGS: not one of ours,
# it is ignored with a warning (a parent that wants a firmware build passes
# TARGET=NAME or WIREBOX_TARGET=NAME). An empty TARGET= counts at any level:
# packages pass it so that a WIREBOX_TARGET in the environment cannot turn
# their build into a firmware build.
WB_TARGET_NAMES := x86_64 armhf aarch64 mipsel mips
WB_TARGET_CMD := $(if $(filter command line,$(origin TARGET)),$(or \
	$(filter 0,$(MAKELEVEL)),$(filter 1,$(WB_TARGET_OK)),$(if $(TARGET),,empty),\
	$(if $(filter-out $(WB_TARGET_NAMES),$(TARGET)),,ours)))
ifeq ($(WB_TARGET_CMD),)
ifneq ($(filter command line,$(origin TARGET)),)
$(warning wirebox: ignoring TARGET=$(TARGET) from a parent make (not one of $(WB_TARGET_NAMES)))
endif
# (and not passed on to this make's own recursion, where WB_TARGET_OK=1)
MAKEOVERRIDES := $(filter-out TARGET=%,$(MAKEOVERRIDES))
override TARGET := $(WIREBOX_TARGET)
endif
ifneq ($(TARGET),)
-include toolchain/targets.mk
ifeq ($(wildcard toolchain/targets.mk),)
$(error TARGET=$(TARGET): toolchain/targets.mk is missing, this tree has no cross targets (use CROSS_COMPILE= or CC=))
endif
BUILD ?= build/$(TARGET)
OUT ?= build/$(TARGET)/wirebox
endif

BUILD ?= build
KCONFIG_CONFIG ?= .config
OUT ?= wirebox
# Kconfig sources this fixed path; it depends only on the applet sources
KCONFIG_APPLETS := build/Kconfig.applets
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
WERROR ?= 1
CROSS_TARGETS ?= x86_64 armhf aarch64 mipsel mips

# ---- the build's settings, recorded in $(BUILD)/settings at link time ------
# 'make install' (and 'make man') alone never rebuild for another machine:
# a setting not given is taken from the last build, one given that differs
# from it stops make with a one-line error.
WB_SETTINGS := TARGET CC CROSS_COMPILE STATIC CFLAGS CPPFLAGS LDFLAGS OPT WERROR \
	TARGET_CFLAGS TARGET_LDFLAGS OUT KCONFIG_CONFIG MBEDTLS_DIR MBEDTLS_SRC \
	WB_MBEDTLS_DIR MBEDTLS_LIBDIR MBEDTLS_CFLAGS PKG_CONFIG AR STRIP NM SIZE OBJCOPY
WB_COMPARED := TARGET CC CROSS_COMPILE STATIC CFLAGS CPPFLAGS LDFLAGS OPT WERROR
WB_TOOLS := AR STRIP NM SIZE OBJCOPY
WB_GIVEN = $(filter command% environment%,$(origin $(1)))
WB_EQ = $(and $(findstring x$(1),x$(2)),$(findstring x$(2),x$(1)))
WB_INSTALL_ONLY := $(if $(MAKECMDGOALS),$(if $(filter-out install man,$(MAKECMDGOALS)),,1))
ifeq ($(WB_INSTALL_ONLY),1)
# 'make TARGET=mips' then 'make install': build/ has no host build, so
# install would make one; with firmware builds there it names them instead
# (with no build at all, install builds the host binary as 'make' would)
ifeq ($(wildcard $(BUILD)/settings)$(TARGET)$(filter command% environment%,$(origin BUILD)),)
WB_FIRMWARE := $(shell sed -n 's/^WB_SAVED_TARGET := \([A-Za-z0-9_]\{1,\}\)$$/\1/p' build/*/settings 2>/dev/null | sort -u)
ifneq ($(WB_FIRMWARE),)
$(error $(firstword $(MAKECMDGOALS)): no build in $(BUILD)/; firmware builds: $(WB_FIRMWARE:%=build/%) — run 'make $(firstword $(MAKECMDGOALS)) TARGET=$(firstword $(WB_FIRMWARE))')
endif
endif
# a host build older than a firmware build: installed, but said so
ifeq ($(TARGET)$(filter command% environment%,$(origin BUILD)),)
ifneq ($(wildcard $(BUILD)/settings),)
WB_FIRMWARE := $(shell for f in $$(find build -mindepth 2 -maxdepth 2 -name settings -newer $(BUILD)/settings 2>/dev/null); do \
	sed -n 's/^WB_SAVED_TARGET := \([A-Za-z0-9_]\{1,\}\)$$/\1/p' "$$f"; done | sort -u)
ifneq ($(WB_FIRMWARE),)
$(warning $(firstword $(MAKECMDGOALS)): note: the build in $(BUILD)/ is for this machine and older than the firmware builds $(WB_FIRMWARE:%=build/%); 'make $(firstword $(MAKECMDGOALS)) TARGET=$(firstword $(WB_FIRMWARE))' installs that one)
endif
endif
endif
ifneq ($(wildcard $(BUILD)/settings),)
include $(BUILD)/settings
$(foreach v,$(WB_COMPARED),$(if $(call WB_GIVEN,$(v)),$(if $(call WB_EQ,$(WB_SAVED_$(v)),$($(v))),,\
  $(error $(firstword $(MAKECMDGOALS)): $(v)=$($(v)) differs from the build in $(BUILD) ($(v)=$(WB_SAVED_$(v)), $(WB_SAVED_MACHINE)): run 'make $(v)=$($(v))' first, or 'make $(firstword $(MAKECMDGOALS))' without $(v)=)),\
  $(eval $(v) := $$(WB_SAVED_$(v)))))
# tools a parent make exported (it sets WB_TOOLS_FOR: 'make check' runs
# tests whose makes install other builds) are its, not given for this one;
# an empty saved one stays unset (toolchain/tls.mk's ?= defaults still apply)
WB_GIVEN_SET = $(if $(filter $(WB_TOOLS),$(1)),$(or $(filter command%,$(origin $(1))),$(if \
  $(filter environment%,$(origin WB_TOOLS_FOR)),,$(filter environment%,$(origin $(1))))),$(call WB_GIVEN,$(1)))
$(foreach v,$(filter-out $(WB_COMPARED),$(WB_SETTINGS)),$(if $(or $(call WB_GIVEN_SET,$(v)),$(if $(WB_SAVED_$(v)),,1)),,$(eval $(v) := $$(WB_SAVED_$(v)))))
WB_TOOLS_FOR := $(CC)|$(CROSS_COMPILE)
# toolchain/mbedtls.sh reads it from the environment (its stamp has it)
ifneq ($(MBEDTLS_CFLAGS),)
export MBEDTLS_CFLAGS
endif
endif
endif

ifeq ($(origin CC),default)
  ifneq ($(CROSS_COMPILE),)
    CC := $(CROSS_COMPILE)gcc
  else ifeq ($(STATIC),1)
    CC := musl-gcc
  else
    CC := gcc
  endif
endif

# Tools come from the compiler: $(CROSS_COMPILE)NAME when that exists, else
# what '$(CC) -print-prog-name=NAME' names (a cross gcc knows its binutils),
# else <its -dumpmachine>-NAME, else NAME. Given ones (AR=..., STRIP=...)
# are kept. They are exported to every script make runs; a sub-make for the
# same compiler keeps them (WB_TOOLS_FOR), one for another compiler looks again.
WB_PROBE := $(shell m=$$($(CC) -dumpmachine 2>/dev/null); echo "$${m:-unknown}"; \
	for t in ar strip nm size objcopy; do \
	  c='$(CROSS_COMPILE)'$$t; p=$$($(CC) -print-prog-name=$$t 2>/dev/null); \
	  if [ -n '$(CROSS_COMPILE)' ] && command -v "$$c" >/dev/null 2>&1; then echo "$$c"; \
	  elif [ "$${p#*/}" != "$$p" ] && [ -x "$$p" ]; then echo "$$p"; \
	  elif [ -n "$$m" ] && command -v "$$m-$$t" >/dev/null 2>&1; then echo "$$m-$$t"; \
	  elif [ -n '$(CROSS_COMPILE)' ]; then echo "$$c"; \
	  else echo "$${p:-$$t}"; fi; done)
WB_MACHINE := $(word 1,$(WB_PROBE))
WB_TOOLS_KEEP := $(if $(WB_TOOLS_FOR),$(call WB_EQ,$(CC)|$(CROSS_COMPILE),$(WB_TOOLS_FOR)),1)
$(foreach i,1 2 3 4 5,$(eval WB_T := $(word $(i),$(WB_TOOLS))) \
  $(if $(or $(filter default undefined,$(origin $(WB_T))),$(if $(filter environment,$(origin $(WB_T))),$(if $(WB_TOOLS_KEEP),,1))),\
    $(eval $(WB_T) := $(word $(i),$(wordlist 2,6,$(WB_PROBE))))))
WB_TOOLS_FOR := $(CC)|$(CROSS_COMPILE)
export AR STRIP NM SIZE OBJCOPY WB_TOOLS_FOR

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wno-format-truncation -Wno-format-nonliteral
# -Werror by default; WERROR=0 for compilers newer than the ones tested
ifeq ($(WERROR),1)
WARN += -Werror
endif
OPT ?= -Os
CPPFLAGS_WB := -D_POSIX_C_SOURCE=200809L $(if $(filter 1,$(STATIC)),-DWB_OWN_LIBC) -DWIREBOX_VERSION='"$(VERSION)"' \
	-I$(BUILD) -Icore -I.
CFLAGS_WB := -std=c99 $(OPT) $(WARN) -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-plt
# no page-aligned padding between segments and no build-id note: ~5 KB less;
# the linker's map of the link next to the objects ('make size' reads it)
LDFLAGS_WB := -Wl,--gc-sections -Wl,--as-needed -Wl,-O1 -Wl,-z,noseparate-code \
	-Wl,--build-id=none -Wl,-Map,$(BUILD)/wirebox.map
# objects the link needs after the libraries (static PIE with musl-gcc)
WB_LDEND :=
# CONFIG_HARDENING (Kconfig; docs/building.md): stack protector, RELRO and
# BIND_NOW, PIE (static PIE for STATIC=1 where the toolchain can, see
# scripts/static-pie.sh), _FORTIFY_SOURCE=2 with glibc at -O1 and up
HAVE_HARDENING := $(shell grep -qs '^CONFIG_HARDENING=y' $(KCONFIG_CONFIG) && echo 1)
ifeq ($(HAVE_HARDENING),1)
CFLAGS_WB += -fstack-protector-strong
LDFLAGS_WB += -Wl,-z,relro -Wl,-z,now
ifeq ($(STATIC),1)
WB_STATIC_PIE := $(shell sh scripts/static-pie.sh $(CC) $(TARGET_CFLAGS) $(CFLAGS))
ifeq ($(WB_STATIC_PIE),)
$(info $(CC): note: no static PIE with this toolchain: HARDENING without PIE)
CFLAGS_WB += -fno-pie
LDFLAGS_WB += -static -no-pie
else
CFLAGS_WB += -fPIE
LDFLAGS_WB += $(filter-out end:%,$(WB_STATIC_PIE))
WB_LDEND := $(patsubst end:%,%,$(filter end:%,$(WB_STATIC_PIE)))
endif
else
CFLAGS_WB += -fPIE
LDFLAGS_WB += -pie
ifneq ($(filter-out -O0,$(filter -O%,$(OPT))),)
ifeq ($(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),)
ifneq ($(shell printf '\043include <stdio.h>\n' | $(CC) -E -dM -x c - 2>/dev/null | grep -c '__GLIBC__'),0)
CFLAGS_WB += -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
endif
endif
endif
endif
else
CFLAGS_WB += -fno-stack-protector
ifeq ($(STATIC),1)
# a static binary gains nothing from position-independent code
CFLAGS_WB += -fno-pie
LDFLAGS_WB += -static -no-pie
endif
endif
# 64 KiB pages are aarch64's default alignment; routers run 4 KiB-page kernels
ifneq ($(filter aarch64%,$(WB_MACHINE)),)
LDFLAGS_WB += $(if $(findstring max-page-size,$(TARGET_LDFLAGS) $(LDFLAGS)),,-Wl,-z,max-page-size=4096)
endif
ifneq ($(TARGET),)
CFLAGS_WB += $(TARGET_CFLAGS)
LDFLAGS_WB += $(TARGET_LDFLAGS)
endif
# the caller's flags come last, so they win
CFLAGS_WB += $(CFLAGS)
LDFLAGS_WB += $(LDFLAGS)

# the build date as WB_BUILD_EPOCH (build/epoch.h): SOURCE_DATE_EPOCH, else
# the last commit's when this folder is a git checkout of wirebox, else the
# newest source file's date (a tarball keeps them); only the files that
# include epoch.h rebuild when it moves (their .d files name it)
WB_EPOCH_NOW := $(or $(SOURCE_DATE_EPOCH),$(shell \
	[ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$$(pwd -P)" ] && git log -1 --format=%ct 2>/dev/null),$(shell \
	f=$$(ls -t core/*.[ch] applets/*.[ch] applets/*/*.[ch] Kconfig Makefile 2>/dev/null | head -n 1); \
	[ -n "$$f" ] && { stat -c %Y "$$f" 2>/dev/null || stat -f %m "$$f" 2>/dev/null || date -r "$$f" +%s 2>/dev/null; }),0)
# toolchain/tls.mk's own fallback (SOURCE_DATE_EPOCH, git, 0) gets the same date
SOURCE_DATE_EPOCH ?= $(WB_EPOCH_NOW)

# TLS (issue 6) adds its libraries here; toolchain/ provides a static mbedTLS.
HAVE_TLS := $(shell grep -qs '^CONFIG_TLS=y' $(KCONFIG_CONFIG) && echo 1)
LIBS_WB :=
-include toolchain/tls.mk

# goals that build nothing here do not make the applet list (and with it a
# .config from configs/defconfig): 'make tiny_defconfig' says nothing of it;
# nor do they record flags ('make size' after a cross build left the
# build's flags saying "host", and 'make install' then refused)
WB_NOBUILD_GOALS := %config clean distclean size bench check check-cross mbedtls-dir mbedtls
WB_BUILDS := $(or $(filter-out $(WB_NOBUILD_GOALS),$(MAKECMDGOALS)),$(if $(MAKECMDGOALS),,all))

# a change of compiler or flags (STATIC=1, CFLAGS=...) rebuilds everything;
# 'make install' alone never does: it uses the build's settings (above)
FLAGS_NOW := $(subst ',,$(CC) $(CPPFLAGS_WB) $(CPPFLAGS) $(CFLAGS_WB) $(LDFLAGS_WB) $(LIBS_WB))
FLAGS_OLD := $(shell cat $(BUILD)/flags 2>/dev/null)
ifneq ($(FLAGS_NOW),$(FLAGS_OLD))
# (the build date, which toolchain/tls.mk may pass as -D, is not a setting)
ifneq ($(and $(WB_INSTALL_ONLY),$(FLAGS_OLD),$(wildcard $(BUILD)/settings)),)
ifneq ($(filter-out -DWB_BUILD_EPOCH=%,$(FLAGS_NOW)),$(filter-out -DWB_BUILD_EPOCH=%,$(FLAGS_OLD)))
$(error $(firstword $(MAKECMDGOALS)): $(BUILD) was built with other flags than its settings give now: $(or $(strip $(filter-out $(FLAGS_OLD),$(FLAGS_NOW))),(none)) instead of $(or $(strip $(filter-out $(FLAGS_NOW),$(FLAGS_OLD))),(none)) ($(BUILD)/flags): run 'make' with the build's settings first)
endif
endif
ifneq ($(WB_BUILDS),)
$(shell mkdir -p $(BUILD) && printf '%s\n' '$(FLAGS_NOW)' > $(BUILD)/flags)
endif
endif

# what $(BUILD)/settings holds (make syntax, read back by 'make install')
WB_HASH := \#
WB_ESC = $(subst $(WB_HASH),\$(WB_HASH),$(subst $$,$$$$,$(1)))
WB_WRITE_SETTINGS = $(file >$(1),$(WB_HASH) the settings of the last build of $(OUT), written by make at link time)$(foreach \
	v,$(WB_SETTINGS),$(file >>$(1),WB_SAVED_$(v) := $(call WB_ESC,$($(v)))))$(file \
	>>$(1),WB_SAVED_MACHINE := $(call WB_ESC,$(WB_MACHINE)))

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
# TLS-off builds link no TLS code (MD5 is core/md5.c's in every build)
CORE_SRCS := $(filter-out $(if $(HAVE_TLS),,core/tls_mbedtls%.c),$(CORE_SRCS))
# (core/relro.c: CONFIG_HARDENING's, see there)
CORE_SRCS := $(filter-out $(if $(HAVE_HARDENING),,core/relro.c),$(CORE_SRCS))
ifneq ($(WB_BUILDS),)
-include $(BUILD)/applets.mk
endif
SRCS := core/main.c $(CORE_SRCS) $(APPLET_SRCS)
OBJS := $(SRCS:%.c=$(BUILD)/obj/%.o)
GEN := $(BUILD)/config.h $(BUILD)/applets.h

.PHONY: all clean distclean defconfig oldconfig olddefconfig menuconfig \
	check check-cross size bench demo install man unit analyze FORCE
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
	$(SAY) "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS_WB) $(CPPFLAGS) $(CFLAGS_WB) -MMD -MP -c -o $@ $<

# linked into OUT.new (stripped for TARGET builds), then renamed: a failed
# link or strip leaves the last good binary; the settings are recorded with it
$(OUT): $(OBJS) $(BUILD)/flags
	$(SAY) "  LD      $@"
	$(Q)$(CC) $(CFLAGS_WB) $(LDFLAGS_WB) -o $@.new $(OBJS) $(LIBS_WB) $(WB_LDEND)
	$(if $(TARGET),$(SAY) "  STRIP   $@")
	$(Q)$(if $(TARGET),$(STRIP) $@.new || { rm -f $@.new; echo "$@: $(STRIP) failed"; exit 1; })
	$(call WB_WRITE_SETTINGS,$(BUILD)/settings.new)
	$(Q)mv -f $@.new $@ && mv -f $(BUILD)/settings.new $(BUILD)/settings

-include $(OBJS:.o=.d)

# WB_EPOCH_NOW: see above
# (install and man alone keep the build's: they never recompile for a date)
$(BUILD)/epoch.h: $(if $(and $(WB_INSTALL_ONLY),$(wildcard $(BUILD)/epoch.h)),,FORCE)
	@mkdir -p $(BUILD) && printf '#ifndef WB_BUILD_EPOCH\n#define WB_BUILD_EPOCH %sLL\n#endif\n' '$(WB_EPOCH_NOW)' > $@.new && \
	 (cmp -s $@.new $@ && rm $@.new || mv $@.new $@)

# ---- configuration ---------------------------------------------------------
%_defconfig: configs/%_defconfig FORCE
	$(Q)cp $< $(KCONFIG_CONFIG)
	$(Q)$(MAKE) --no-print-directory WB_TARGET_OK=1 olddefconfig
	$(SAY) "  wrote $(KCONFIG_CONFIG) from $<"

defconfig: configs/defconfig FORCE
	$(Q)cp $< $(KCONFIG_CONFIG)
	$(Q)$(MAKE) --no-print-directory WB_TARGET_OK=1 olddefconfig
	$(SAY) "  wrote $(KCONFIG_CONFIG) from $<"

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

# ---- install, man, size, demo, tests --------------------------------------
# make install: the stripped binary into BINDIR, links of the built applets
# (sendmail and ntpd in SBINDIR, LIBDIR/sendmail -> ../sbin/sendmail), man
# pages into MANDIR. A file that is not ours is kept (FORCE_LINKS=1 replaces
# it); hard links to the old BINDIR/wirebox ('wirebox --install') are ours.
# A strip that fails leaves nothing behind.
WB_MAN_SH := $(wildcard scripts/man.sh)
install: $(OUT) $(if $(WB_MAN_SH),man)
	$(Q)mkdir -p '$(DESTDIR)$(BINDIR)'
	$(Q)b='$(DESTDIR)$(BINDIR)/wirebox'; rm -f "$$b.new"; \
	 cp '$(OUT)' "$$b.new" && chmod 755 "$$b.new" || { rm -f "$$b.new"; exit 1; }; \
	 if ! err=$$($(STRIP) "$$b.new" 2>&1); then rm -f "$$b.new"; \
	  echo "install: $(STRIP) cannot strip $(OUT) (built for $(WB_MACHINE)): $$(echo "$$err" | head -n 1); give STRIP= the build's strip (STRIP=true installs it unstripped)" >&2; exit 1; fi; \
	 old=$$(sh scripts/install-links.sh --id "$$b"); \
	 mv -f "$$b.new" "$$b" && \
	 WB_OLD_ID="$$old" FORCE_LINKS='$(FORCE_LINKS)' sh scripts/install-links.sh '$(BUILD)/applets.h' '$(DESTDIR)' '$(BINDIR)' '$(SBINDIR)' '$(LIBDIR)'
	$(Q)for s in 1 8; do \
	  for f in '$(BUILD)'/man/*.$$s; do [ -f "$$f" ] || continue; \
	   mkdir -p '$(DESTDIR)$(MANDIR)'/man$$s && cp "$$f" '$(DESTDIR)$(MANDIR)'/man$$s/ && \
	   chmod 644 '$(DESTDIR)$(MANDIR)'/man$$s/"$${f##*/}" || exit 1; done; done

# make man: $(BUILD)/man/*.1 and *.8 from the build's help texts (scripts/man.sh)
# LTO objects (-flto, as OpenWrt's CONFIG_USE_LTO gives) hold no sections:
# the sources that define the help texts (X_help[]) are compiled again with
# the build's flags and -fno-lto into $(BUILD)/manobj/, and the pages come
# from those, byte for byte, for a cross build too
WB_LTO := $(filter-out -fno-lto,$(lastword $(filter -flto -flto=% -fno-lto,$(CFLAGS_WB))))
WB_MAN_OBJS := $(if $(WB_LTO),$(patsubst %.c,$(BUILD)/manobj/%.o,$(shell \
	grep -l '^const char [A-Za-z0-9_]*_help\[\] *=' $(SRCS) 2>/dev/null)))
$(BUILD)/manobj/%.o: %.c $(GEN) $(BUILD)/flags | $(BUILD)/epoch.h
	@mkdir -p $(dir $@)
	$(SAY) "  CC      $< (for man, -fno-lto)"
	$(Q)$(CC) $(CPPFLAGS_WB) $(CPPFLAGS) $(CFLAGS_WB) -fno-lto -MMD -MP -c -o $@ $<
-include $(WB_MAN_OBJS:.o=.d)

man: $(OUT) $(WB_MAN_OBJS)
	$(Q)[ -f scripts/man.sh ] || { echo "make man: scripts/man.sh is missing" >&2; exit 1; }
	$(Q)rm -rf '$(BUILD)/man' && CC='$(CC)' CROSS_COMPILE='$(CROSS_COMPILE)' \
	 WB_MANOBJ='$(if $(WB_LTO),$(BUILD)/manobj)' sh scripts/man.sh '$(BUILD)' '$(OUT)' '$(BUILD)/man'

# make size [STATIC=1] [TARGET=NAME] [FORMAT=md]
size: FORCE
	$(Q)WB_TARGET_OK=1 WB_CC='$(CC)' TARGET='$(TARGET)' WB_OUT='$(OUT)' WB_BUILD='$(BUILD)' sh scripts/size.sh "$(MAKE)" "$(STATIC)" "$(FORMAT)"

# make bench [BENCH_RUNS=N] [WIREBOX=path]: wirebox next to msmtp, mpop,
# curl, BusyBox, ntpdig, chronyd and a raw TCP baseline (docs/bench.md);
# build/bench/results.md. Not part of make check.
bench: FORCE
	$(Q)MAKE='$(MAKE)' sh bench/run.sh

# make check-cross [CROSS_TARGETS="mips armhf"]: each target under qemu-user
check-cross: FORCE
	$(Q)[ -f tests/cross/run.sh ] || { echo "make check-cross: tests/cross/run.sh is missing" >&2; exit 1; }
	$(Q)WB_TARGET_OK=1 sh tests/cross/run.sh $(CROSS_TARGETS)

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
	$(SAY) "  ANALYZE $<"
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
	rm -rf $(BUILD) $(OUT) $(OUT).new

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
	$(SAY) "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS_WB) -Itests $(CPPFLAGS) $(CFLAGS_WB) $(CHECK_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/unit_main.o: tests/unit_main.c $(BUILD)/unit_suites.h $(GEN)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS_WB) -Itests $(CPPFLAGS) $(CFLAGS_WB) $(CHECK_CFLAGS) -c -o $@ $<

$(BUILD)/unit: $(UNIT_OBJS)
	$(SAY) "  LD      $@"
	$(Q)$(CC) $(CFLAGS_WB) -o $@ $(UNIT_OBJS) $(LIBS_WB) $(CHECK_LIBS)

unit: $(BUILD)/unit
-include $(UNIT_OBJS:.o=.d)
