#!/bin/sh
# toolchain/cross.sh - musl cross compilers and qemu-user for wirebox's five
# firmware targets, on Debian 12 (bookworm).
#
#   sh toolchain/cross.sh install NAME...   install what NAME needs (root, apt-get)
#   sh toolchain/cross.sh cc NAME           print its CROSS_COMPILE prefix (exit 1,
#                                           saying so, when not installed yet)
#   sh toolchain/cross.sh qemu NAME         print its qemu-user command
#   sh toolchain/cross.sh list              print the target names
#
# NAME: x86_64 armhf aarch64 mipsel mips (docs/cross.md; `make TARGET=NAME`).
#
# What "install" does, per target (each step is skipped when already done, so
# a second run takes well under a second and installs nothing):
#  - x86_64, armhf, aarch64, mipsel: Debian's gcc-<gnu-triple> cross compiler
#    and multiarch musl-dev:<arch> (`dpkg --add-architecture <arch>` first for
#    the foreign ones). musl-dev:<arch> brings /usr/bin/<musl-triple>-gcc, a
#    wrapper that runs gcc-<gnu-triple> with musl's specs.
#  - mips (big-endian MIPS32r2 o32): Debian has no musl for it. musl is built
#    from Debian's musl source package (apt-get source, Debian's patches
#    applied) with gcc-mips-linux-gnu into toolchain/out/musl-mips/, with
#    musl's own gcc wrapper (--enable-wrapper=gcc).
#  - qemu-user-static for the emulators (called explicitly: binfmt_misc may
#    be absent), binutils of the gnu triple, dpkg-dev (dpkg-source, for
#    toolchain/mbedtls.sh's TLS builds and musl's source) and make.
#  - toolchain/out/cross/bin/<musl-triple>-{gcc,ar,strip,nm,size,objcopy,...}:
#    links to the wrapper and to the gnu-triple binutils (Debian's musl
#    wrappers come without -ar/-strip), so one CROSS_COMPILE prefix,
#    printed by "cc", gives make and every script a complete tool set.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
FARM=$TOP/toolchain/out/cross/bin
ALL="x86_64 armhf aarch64 mipsel mips"

die() { echo "cross.sh: $*" >&2; exit 1; }
usage() { echo "usage: sh toolchain/cross.sh install|cc|qemu NAME... (NAME: $ALL)" >&2; exit 64; }

# target NAME: sets DEBARCH (multiarch), GNU (binutils/gcc triple), MUSL
# (wrapper triple), QEMU
target() {
	case "$1" in
	x86_64)  DEBARCH=amd64;  GNU=x86_64-linux-gnu;     MUSL=x86_64-linux-musl;     QEMU=qemu-x86_64-static ;;
	armhf)   DEBARCH=armhf;  GNU=arm-linux-gnueabihf;  MUSL=arm-linux-musleabihf;  QEMU=qemu-arm-static ;;
	aarch64) DEBARCH=arm64;  GNU=aarch64-linux-gnu;    MUSL=aarch64-linux-musl;    QEMU=qemu-aarch64-static ;;
	mipsel)  DEBARCH=mipsel; GNU=mipsel-linux-gnu;     MUSL=mipsel-linux-musl;     QEMU=qemu-mipsel-static ;;
	mips)    DEBARCH=;       GNU=mips-linux-gnu;       MUSL=mips-linux-musl;       QEMU=qemu-mips-static ;;
	*) echo "cross.sh: unknown target '$1' (targets: $ALL)" >&2; exit 64 ;;
	esac
	# gcc-x86-64-linux-gnu is the package name of x86_64-linux-gnu-gcc
	GCCPKG=gcc-$(echo "$GNU" | tr _ -)
	BINPKG=binutils-$(echo "$GNU" | tr _ -)
	# the build machine's own architecture: its gcc and binutils (they
	# provide /usr/bin/<gnu-triple>-*; the gcc-<triple> packages are for
	# other hosts)
	if [ -n "$DEBARCH" ] && [ "$DEBARCH" = "$(dpkg --print-architecture 2>/dev/null)" ]; then
		GCCPKG=gcc BINPKG=binutils
	fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

APT_UPDATED=
apt_install() {
	[ "$(id -u)" = 0 ] || die "run as root (sudo) to install: $*"
	export DEBIAN_FRONTEND=noninteractive
	if [ -z "$APT_UPDATED" ]; then
		echo "cross.sh: apt-get update" >&2
		apt-get update -qq >&2
		APT_UPDATED=1
	fi
	echo "cross.sh: installing $*" >&2
	apt-get install -y -qq --no-install-recommends "$@" >&2
}

# packages NAME... : the Debian packages the targets need that are missing
# (adds the foreign architectures they need first)
need_pkgs() {
	need=""
	for n in "$@"; do
		target "$n"
		# dpkg-dev: toolchain/mbedtls.sh unpacks Debian's mbedtls source
		# with dpkg-source -x (TLS builds of every target), as this script
		# does musl's for mips
		pk="$GCCPKG $BINPKG qemu-user-static file dpkg-dev make"
		if [ -n "$DEBARCH" ]; then
			if [ "$DEBARCH" != "$(dpkg --print-architecture)" ] &&
			   ! dpkg --print-foreign-architectures | grep -qx "$DEBARCH"; then
				[ "$(id -u)" = 0 ] || die "run as root (sudo) to add architecture $DEBARCH"
				echo "cross.sh: dpkg --add-architecture $DEBARCH" >&2
				dpkg --add-architecture "$DEBARCH"
				APT_UPDATED=   # the new architecture's lists are needed
			fi
			pk="$pk musl-dev:$DEBARCH"
		fi
		for p in $pk; do
			installed "$p" && continue
			case " $need " in *" $p "*) ;; *) need="$need $p" ;; esac
		done
	done
	echo "$need"
}

# add a deb-src entry when apt cannot find Debian's musl source
deb_src() { sh "$TOP/scripts/deb-src.sh" musl cross.sh; }

# musl for big-endian mips, from Debian's source package
MIPS_MUSL=$TOP/toolchain/out/musl-mips
# built for this tree (musl's wrapper names its specs by absolute path: a
# toolchain/out/ copied from another tree is rebuilt)
mips_ok() {
	[ -f "$MIPS_MUSL/stamp" ] && [ -x "$MIPS_MUSL/bin/musl-gcc" ] &&
		grep -q "$MIPS_MUSL/lib/musl-gcc.specs" "$MIPS_MUSL/bin/musl-gcc"
}
musl_mips() {
	key="$(mips-linux-gnu-gcc --version | head -n 1)"
	mips_ok && [ "$(cat "$MIPS_MUSL/stamp" 2>/dev/null)" = "$key" ] && return 0
	[ "$(id -u)" = 0 ] || [ -n "$(apt-cache showsrc musl 2>/dev/null)" ] ||
		die "run as root (sudo) to add a deb-src entry for musl's source"
	[ "$(id -u)" != 0 ] || deb_src
	src=$TOP/toolchain/out/musl-src
	rm -rf "$src" && mkdir -p "$src"
	echo "cross.sh: building musl for mips-linux-musl from Debian's source into $MIPS_MUSL" >&2
	if ! (cd "$src" && apt-get source -qq musl) >"$src/source.log" 2>&1; then
		cat "$src/source.log" >&2
		die "cannot get Debian's musl source (apt-get source musl)"
	fi
	d=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'musl-*' | head -n 1)
	[ -n "$d" ] || die "no musl source tree in $src"
	rm -rf "$MIPS_MUSL"
	log=$src/build.log
	if ! (cd "$d" && ./configure --target=mips-linux-musl CROSS_COMPILE=mips-linux-gnu- \
		--prefix="$MIPS_MUSL" --disable-shared --enable-wrapper=gcc &&
	      make -j"$(nproc 2>/dev/null || echo 2)" && make install) >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		die "musl build for mips failed (log: $log)"
	fi
	rm -rf "$src"
	echo "$key" > "$MIPS_MUSL/stamp"
}

TOOLS="ar strip nm size objcopy objdump ranlib readelf ld as strings addr2line"
link() { [ "$(readlink "$2" 2>/dev/null)" = "$1" ] || ln -sfn "$1" "$2"; }
# the CROSS_COMPILE prefix's tool set in the farm
farm() {
	target "$1"
	mkdir -p "$FARM"
	if [ "$1" = mips ]; then
		link "$MIPS_MUSL/bin/musl-gcc" "$FARM/$MUSL-gcc"
	else
		[ -x "/usr/bin/$MUSL-gcc" ] || die "/usr/bin/$MUSL-gcc missing (is musl-dev${DEBARCH:+:$DEBARCH} installed?)"
		link "/usr/bin/$MUSL-gcc" "$FARM/$MUSL-gcc"
	fi
	for t in $TOOLS; do
		[ -x "/usr/bin/$GNU-$t" ] || die "/usr/bin/$GNU-$t missing (is $BINPKG installed?)"
		link "/usr/bin/$GNU-$t" "$FARM/$MUSL-$t"
	done
	link "$MUSL-gcc" "$FARM/$MUSL-cc"
}

# has_cc NAME: its compiler and tools are in the farm (what "cc" prints works)
has_cc() {
	target "$1"
	[ -x "$FARM/$MUSL-gcc" ] && [ -x "$FARM/$MUSL-strip" ] && [ -x "$FARM/$MUSL-ar" ] &&
		{ [ "$1" != mips ] || mips_ok; }
}
ready() {   # NAME: nothing to do
	has_cc "$1" && command -v "$QEMU" >/dev/null 2>&1 &&
		command -v dpkg-source >/dev/null 2>&1
}

install() {
	[ $# -gt 0 ] || set -- $ALL
	for n in "$@"; do target "$n"; done
	todo=""
	for n in "$@"; do ready "$n" || todo="$todo $n"; done
	[ -n "$todo" ] || return 0
	command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 ||
		die "needs Debian (dpkg, apt-get); elsewhere give make CROSS_COMPILE= of your own musl toolchain (docs/cross.md)"
	# shellcheck disable=SC2086
	need=$(need_pkgs $todo)
	# shellcheck disable=SC2086
	[ -z "$need" ] || apt_install $need
	for n in $todo; do
		[ "$n" != mips ] || musl_mips
		farm "$n"
		target "$n"
		echo "cross.sh: $n ready: CROSS_COMPILE=$FARM/$MUSL- ($QEMU)" >&2
	done
}

[ $# -gt 0 ] || usage
cmd=$1; shift
case "$cmd" in
install) install "$@" ;;
cc)   [ $# = 1 ] || usage
      has_cc "$1" || { echo "cross.sh: no $1 toolchain yet ($FARM/$MUSL-gcc): run sh toolchain/cross.sh install $1 (as root)" >&2; exit 1; }
      echo "$FARM/$MUSL-" ;;
qemu) [ $# = 1 ] || usage; target "$1"; echo "$QEMU" ;;
list) echo "$ALL" ;;
*) usage ;;
esac
