# toolchain/targets.mk - `make TARGET=NAME`: a static musl build for one of
# the firmware targets, included by the Makefile when TARGET is set (before
# it picks CC and the tools). docs/cross.md has the details.
#
#   x86_64   x86_64-linux-musl-
#   armhf    arm-linux-musleabihf-   ARMv7-A hard-float (VFPv3-D16), Thumb-2
#   aarch64  aarch64-linux-musl-     4 KiB max page size
#   mipsel   mipsel-linux-musl-      MIPS32r2 little-endian
#   mips     mips-linux-musl-        MIPS32r2 big-endian, o32
#
# It sets CROSS_COMPILE (a prefix under toolchain/out/cross/bin/ where
# toolchain/cross.sh links the musl gcc wrapper and the binutils of the
# target, so every $(CROSS_COMPILE)TOOL exists), CC, AR, STRIP, NM, SIZE,
# OBJCOPY, STATIC=1, TARGET_CFLAGS/TARGET_LDFLAGS (the Makefile appends them
# to its flags; they reach mbedTLS), and BUILD=build/NAME, OUT=build/NAME/
# wirebox unless given. Anything given on the command line wins. When the
# compiler is missing, `sh toolchain/cross.sh install NAME` runs first
# (apt-get as root on Debian 12), so one command builds on a fresh machine.
WB_TARGETS := x86_64 armhf aarch64 mipsel mips
ifneq ($(words $(TARGET)),1)
$(error TARGET='$(TARGET)': name one target of: $(WB_TARGETS))
endif
ifeq ($(filter $(TARGET),$(WB_TARGETS)),)
$(error TARGET=$(TARGET) is not a known target; use one of: $(WB_TARGETS))
endif

WB_TOP := $(patsubst %/toolchain/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
WB_CROSS := sh $(WB_TOP)/toolchain/cross.sh

TARGET_CFLAGS_x86_64 :=
TARGET_CFLAGS_armhf := -march=armv7-a -mthumb -mfpu=vfpv3-d16 -mfloat-abi=hard
TARGET_CFLAGS_aarch64 :=
TARGET_CFLAGS_mipsel := -march=mips32r2
TARGET_CFLAGS_mips := -march=mips32r2 -mabi=32
# routers run 4 KiB-page kernels; the 64 KiB default pads the static binary
TARGET_LDFLAGS_aarch64 := -Wl,-z,max-page-size=4096

TARGET_CFLAGS := $(TARGET_CFLAGS_$(TARGET))
TARGET_LDFLAGS := $(TARGET_LDFLAGS_$(TARGET))

# "cc" prints the prefix once the toolchain is installed, nothing before
CROSS_COMPILE := $(shell $(WB_CROSS) cc $(TARGET) 2>/dev/null)
# install the toolchain when the compiler or the strip link is missing
# (realpath: a link left behind by an earlier machine points nowhere)
ifeq ($(and $(CROSS_COMPILE),$(realpath $(CROSS_COMPILE)gcc),$(realpath $(CROSS_COMPILE)strip)),)
WB_CROSS_STATUS := $(shell echo "targets.mk: no $(TARGET) toolchain yet: sh toolchain/cross.sh install $(TARGET)" >&2; \
	$(WB_CROSS) install $(TARGET) >&2; echo $$?)
ifneq ($(WB_CROSS_STATUS),0)
$(error toolchain/cross.sh install $(TARGET) failed (see above): run it as root on Debian 12, or give CROSS_COMPILE= for your own toolchain)
endif
CROSS_COMPILE := $(shell $(WB_CROSS) cc $(TARGET))
ifeq ($(CROSS_COMPILE),)
$(error toolchain/cross.sh cc $(TARGET) failed after the install (see above))
endif
endif

CC := $(CROSS_COMPILE)gcc
AR := $(CROSS_COMPILE)ar
STRIP := $(CROSS_COMPILE)strip
NM := $(CROSS_COMPILE)nm
SIZE := $(CROSS_COMPILE)size
OBJCOPY := $(CROSS_COMPILE)objcopy
STATIC := 1

# BUILD/OUT: the caller's (command line or environment), else per target
ifeq ($(filter command line environment,$(origin BUILD)),)
BUILD := build/$(TARGET)
endif
ifeq ($(filter command line environment,$(origin OUT)),)
OUT := build/$(TARGET)/wirebox
endif
