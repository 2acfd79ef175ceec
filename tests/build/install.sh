#!/bin/sh
# tests/build/install.sh - 'make install' after a static/cross build:
#  - reuses the build's recorded settings ($(BUILD)/settings): nothing is
#    recompiled, the installed binary is the static one; differing settings
#    given to install are refused with a one-line error (exit 2)
#  - strips with the build's tools (a fake cross prefix whose tools log their
#    calls; a PATH shim logs any host strip), also for the CC=-only form; a
#    missing or failing strip is a clear error and leaves no wirebox.new
#  - layout: sendmail/ntpd in SBINDIR, LIBDIR/sendmail -> ../sbin/sendmail,
#    the rest in BINDIR; only built applets; files not ours kept and listed,
#    FORCE_LINKS=1 replaces them; man pages into MANDIR/man1, man8
# Builds go to build/t-install*/ (removed at the end), installs to a temp dir.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
MAKE=${MAKE:-make}
B=build/t-install
at_exit "rm -rf '$TOP/$B' '$TOP/$B'-*"
rm -rf "$B" "$B"-*
unset SOURCE_DATE_EPOCH CROSS_COMPILE STATIC TARGET CFLAGS LDFLAGS AR STRIP NM SIZE OBJCOPY WB_TOOLS_FOR || :
export MAKEFLAGS=

# cfg DIR [LINES...]: DIR/.config = defconfig + LINES, normalized
cfg() {
	d=$1; shift
	mkdir -p "$d"
	{ cat configs/defconfig; for l in "$@"; do echo "$l"; done; } > "$d/.config"
	$MAKE -s BUILD="$d" KCONFIG_CONFIG="$d/.config" olddefconfig
}
# mk DIR ARGS...: make with DIR's build and config (output in $T_DIR/out, err)
mk() {
	d=$1; shift
	$MAKE BUILD="$d" KCONFIG_CONFIG="$d/.config" "$@" >"$T_DIR/out" 2>"$T_DIR/err"
}
# links ROOT: "path -> target" of every symlink under ROOT, sorted
links() { (cd "$1" && find . -type l | sort | while read -r l; do echo "$l -> $(ls -l "$l" | sed 's/.* -> //')"; done); }

# ---- 1. static build with another compiler, then 'make install' alone -----------
if command -v musl-gcc >/dev/null 2>&1; then
	cfg "$B"
	mk "$B" -s CC=musl-gcc STATIC=1 OUT="$B/wirebox" || fail "static build" "$(cat "$T_DIR/err")"
	touch "$B/stamp"
	R=$T_DIR/root
	mk "$B" install DESTDIR="$R"
	rc=$?
	if [ $rc = 0 ] && file "$R/usr/local/bin/wirebox" | grep -q 'statically linked'; then
		pass "install after 'make CC=musl-gcc STATIC=1' installs the static binary"
	else fail "install after a static build installs the static binary" "rc $rc: $(file "$R/usr/local/bin/wirebox" 2>&1) $(head -c 300 "$T_DIR/err")"; fi
	new=$(find "$B" -newer "$B/stamp" \( -name '*.o' -o -name wirebox \) | head -n 3)
	if [ -z "$new" ] && ! grep -Eq '^ *(CC|LD) ' "$T_DIR/out"; then pass "install recompiled nothing"
	else fail "install recompiled nothing" "newer: $new; $(grep -E '^ *(CC|LD) ' "$T_DIR/out" | head -n 2 | tr '\n' '|')"; fi
	cp "$R/usr/local/bin/wirebox" "$T_DIR/installed"
	for bad in "STATIC=" "CC=gcc" "CFLAGS=-O0"; do
		mk "$B" install DESTDIR="$R" "$bad"
		rc=$?
		v=${bad%%=*}
		if [ $rc = 2 ] && [ "$(wc -l < "$T_DIR/err")" = 1 ] && grep -q "$v=.*differs" "$T_DIR/err" &&
		   cmp -s "$T_DIR/installed" "$R/usr/local/bin/wirebox" &&
		   [ -z "$(find "$B" -newer "$B/stamp" -name '*.o')" ]; then
			pass "install $bad after a static build is refused (exit 2, one line)"
		else fail "install $bad is refused" "rc $rc: $(head -c 300 "$T_DIR/err")"; fi
	done
	mk "$B" install DESTDIR="$R" CC=musl-gcc STATIC=1
	t_true "install with the build's own settings given works" [ $? = 0 ]
	# a goal that builds nothing, run with the host's settings in between
	# (README's order: make STATIC=1 ..., make size, make install) must not
	# leave the build's flags saying "host"
	mk "$B" olddefconfig && mk "$B" size SIZE_BUILDS=none >/dev/null 2>&1
	mk "$B" install DESTDIR="$R"
	rc=$?
	if [ $rc = 0 ] && cmp -s "$T_DIR/installed" "$R/usr/local/bin/wirebox"; then
		pass "install after a static build, then olddefconfig and size with host settings, still installs it"
	else fail "install after olddefconfig/size with host settings" "rc $rc: $(head -c 300 "$T_DIR/err")"; fi
else
	fail "musl-gcc missing (apt-get install musl-tools)"
fi

# ---- 2. tools from the compiler: a fake cross prefix --------------------------
FK=$T_DIR/fk SH=$T_DIR/hostshim LOG=$T_DIR/calls
mkdir -p "$FK" "$SH"
cat > "$FK/foo-linux-musl-gcc" <<EOF
#!/bin/sh
case "\$1" in
-dumpmachine) echo foo-linux-musl; exit 0 ;;
-print-prog-name=*) echo "\${1#*=}"; exit 0 ;;
esac
exec musl-gcc "\$@"
EOF
for t in ar strip nm size objcopy; do
	printf '#!/bin/sh\necho "foo-%s $*" >> %s\nexec %s "$@"\n' "$t" "$LOG" "$(command -v "$t")" > "$FK/foo-linux-musl-$t"
	# any host strip called by name: logged
	for n in "$t" "x86_64-linux-gnu-$t"; do
		printf '#!/bin/sh\necho "HOST %s $*" >> %s\nexec %s "$@"\n' "$n" "$LOG" "$(command -v "$t")" > "$SH/$n"
	done
done
chmod +x "$FK"/* "$SH"/*
PATH0=$PATH
export PATH="$SH:$PATH"

cfg "$B-x"
: > "$LOG"
mk "$B-x" -s CROSS_COMPILE="$FK/foo-linux-musl-" STATIC=1 OUT="$B-x/wirebox" &&
	mk "$B-x" install DESTDIR="$T_DIR/rootx"
rc=$?
if [ $rc = 0 ] && grep -q "^foo-strip .*wirebox.new" "$LOG" && ! grep -q '^HOST' "$LOG" &&
   grep -q "^WB_SAVED_STRIP := $FK/foo-linux-musl-strip\$" "$B-x/settings"; then
	pass "CROSS_COMPILE=pfx-: install strips with pfx-strip (recorded in settings), no host tool"
else fail "CROSS_COMPILE=pfx-: install uses pfx-strip" "rc $rc: $(cat "$LOG" | tr '\n' '|') $(head -c 300 "$T_DIR/err")"; fi

# tools a parent make exported ('make check' runs this under make: AR,
# STRIP, ... and WB_TOOLS_FOR are in the environment) are not the build's
: > "$LOG"
STRIP=strip AR=ar WB_TOOLS_FOR='gcc|' mk "$B-x" install DESTDIR="$T_DIR/rootx2"
rc=$?
if [ $rc = 0 ] && grep -q "^foo-strip .*wirebox.new" "$LOG" && ! grep -q '^HOST' "$LOG"; then
	pass "install under a parent make that exported the host's STRIP still strips with pfx-strip"
else fail "install under a parent make's exported STRIP" "rc $rc: $(cat "$LOG" | tr '\n' '|') $(head -c 300 "$T_DIR/err")"; fi

# the CC=-only form: the compiler's -dumpmachine names the tools (on PATH)
cfg "$B-cc"
: > "$LOG"
PATH="$FK:$PATH" mk "$B-cc" -s CC=foo-linux-musl-gcc STATIC=1 OUT="$B-cc/wirebox" &&
	PATH="$FK:$PATH" mk "$B-cc" install DESTDIR="$T_DIR/rootcc"
rc=$?
if [ $rc = 0 ] && grep -q "^foo-strip " "$LOG" && ! grep -q '^HOST' "$LOG"; then
	pass "CC=pfx-gcc alone: install strips with pfx-strip, not the host strip"
else fail "CC=pfx-gcc alone: install uses pfx-strip" "rc $rc: $(cat "$LOG" | tr '\n' '|') $(head -c 300 "$T_DIR/err")"; fi

# a cross prefix without a strip: a clear error, no stray wirebox.new
rm "$FK/foo-linux-musl-strip"
cfg "$B-ns"
mk "$B-ns" -s CROSS_COMPILE="$FK/foo-linux-musl-" STATIC=1 OUT="$B-ns/wirebox"
mk "$B-ns" install DESTDIR="$T_DIR/rootns"
rc=$?
if [ $rc != 0 ] && [ ! -e "$T_DIR/rootns/usr/local/bin/wirebox.new" ] && [ ! -e "$T_DIR/rootns/usr/local/bin/wirebox" ] &&
   grep -q "install: .*foo-linux-musl-strip.*cannot strip" "$T_DIR/err" && ! grep -q '^HOST' "$LOG"; then
	pass "a missing pfx-strip: install fails clearly and leaves no wirebox.new"
else fail "a missing pfx-strip: clear error, no wirebox.new" "rc $rc: $(ls "$T_DIR/rootns/usr/local/bin" 2>&1 | tr '\n' ' ') $(head -c 300 "$T_DIR/err")"; fi
# a strip that fails (a host strip on a foreign binary): the same
printf '#!/bin/sh\necho "strip: %s: file format not recognized" >&2; exit 1\n' '$1' > "$T_DIR/badstrip"
chmod +x "$T_DIR/badstrip"
mk "$B-ns" install DESTDIR="$T_DIR/rootns" STRIP="$T_DIR/badstrip"
rc=$?
if [ $rc != 0 ] && [ ! -e "$T_DIR/rootns/usr/local/bin/wirebox.new" ] && grep -q "file format not recognized" "$T_DIR/err"; then
	pass "a failing strip: install says why and leaves no wirebox.new"
else fail "a failing strip: clear error, no wirebox.new" "rc $rc: $(head -c 300 "$T_DIR/err")"; fi
# a real cross compiler when one is installed (toolchain/cross.sh): Debian's
# <triple>-musl-gcc wrappers come without <triple>-musl-strip or -ar; a TLS
# build (mbedTLS needs AR) and install both take the compiler's binutils
for cc in aarch64-linux-musl-gcc arm-linux-musleabihf-gcc mipsel-linux-musl-gcc; do
	command -v "$cc" >/dev/null 2>&1 || continue
	pfx=${cc%gcc}
	case $cc in aarch64*) arch=aarch64 ;; arm*) arch=ARM ;; *) arch=MIPS ;; esac
	mkdir -p "$B-r" && { cat configs/tiny_defconfig; echo CONFIG_TLS=y; } > "$B-r/.config" &&
		$MAKE -s BUILD="$B-r" KCONFIG_CONFIG="$B-r/.config" olddefconfig
	: > "$LOG"
	mk "$B-r" -s CROSS_COMPILE="$pfx" STATIC=1 OUT="$B-r/wirebox" && mk "$B-r" install DESTDIR="$T_DIR/rootr"
	rc=$?
	f=$(file -b "$T_DIR/rootr/usr/local/bin/wirebox" 2>&1)
	if [ $rc = 0 ] && echo "$f" | grep -q "$arch.*statically linked.*, stripped" && ! grep -q '^HOST' "$LOG"; then
		pass "CROSS_COMPILE=$pfx STATIC=1 with TLS, then install: a stripped static $arch binary (the compiler's ar, strip)"
	else fail "CROSS_COMPILE=$pfx then install" "rc $rc: $f; $(tr '\n' '|' < "$LOG") $(head -c 300 "$T_DIR/err")"; fi
	break
done
export PATH="$PATH0"

# ---- 3. layout ----------------------------------------------------------------------
cfg "$B-l"
# built as the packages do (WERROR=0), installed without it: the settings are reused
mk "$B-l" -s OUT="$B-l/wirebox" WERROR=0 || fail "native build" "$(head -c 300 "$T_DIR/err")"
mkdir -p "$B-l/man"
if [ ! -f scripts/man.sh ]; then   # without MAN's script: what is in BUILD/man is installed
	echo '.TH WIREBOX 1' > "$B-l/man/wirebox.1"; echo '.TH NTPD 8' > "$B-l/man/ntpd.8"
fi
R=$T_DIR/rootl
mk "$B-l" install DESTDIR="$R" PREFIX=/usr
rc=$?
want="./usr/bin/mailq -> wirebox
./usr/bin/msmtp -> wirebox
./usr/bin/pop3get -> wirebox
./usr/bin/smtpsend -> wirebox
./usr/bin/sntpc -> wirebox
./usr/lib/sendmail -> ../sbin/sendmail
./usr/sbin/ntpd -> ../bin/wirebox
./usr/sbin/sendmail -> ../bin/wirebox"
got=$(links "$R")
if [ $rc = 0 ] && [ "$got" = "$want" ]; then pass "install PREFIX=/usr: sendmail, ntpd in sbin, lib/sendmail -> ../sbin/sendmail, the rest in bin"
else fail "install layout" "rc $rc: $(echo "$got" | tr '\n' '|') $(head -c 200 "$T_DIR/err")"; fi
ok=1
for l in usr/bin/sntpc usr/sbin/sendmail usr/sbin/ntpd usr/lib/sendmail; do
	[ "$R/$l" -ef "$R/usr/bin/wirebox" ] || ok=0
done
t_true "every link reaches usr/bin/wirebox inside DESTDIR" [ $ok = 1 ]
if [ -f "$R/usr/share/man/man1/wirebox.1" ] && [ -f "$R/usr/share/man/man8/ntpd.8" ]; then
	pass "man pages installed into MANDIR/man1 and man8"
else fail "man pages installed" "$(cd "$R" && find . -name '*.[18]' | tr '\n' ' ')"; fi
mk "$B-l" install DESTDIR="$R" PREFIX=/usr
rc=$?
if [ $rc = 0 ] && [ ! -s "$T_DIR/err" ]; then pass "a second install over the first is quiet and succeeds"
else fail "a second install over the first is quiet and succeeds" "rc $rc: $(head -c 300 "$T_DIR/err")"; fi

# names that are not ours are kept (listed, exit 0); FORCE_LINKS=1 replaces them
R=$T_DIR/rootk
mkdir -p "$R/usr/sbin" "$R/usr/bin"
echo busybox > "$R/usr/bin/busybox"
ln -s busybox "$R/usr/bin/msmtp"
echo "#!/bin/sh" > "$R/usr/sbin/sendmail"
mk "$B-l" install DESTDIR="$R" PREFIX=/usr
rc=$?
if [ $rc = 0 ] && [ ! -L "$R/usr/sbin/sendmail" ] && [ "$(ls -l "$R/usr/bin/msmtp" | sed 's/.* -> //')" = busybox ] &&
   grep -q "kept /usr/sbin/sendmail" "$T_DIR/err" && grep -q "kept /usr/bin/msmtp" "$T_DIR/err" &&
   [ "$R/usr/bin/sntpc" -ef "$R/usr/bin/wirebox" ]; then
	pass "existing sendmail/msmtp not ours are kept and listed, exit 0"
else fail "files not ours kept and listed" "rc $rc: $(head -c 300 "$T_DIR/err")"; fi
mk "$B-l" install DESTDIR="$R" PREFIX=/usr FORCE_LINKS=1
rc=$?
if [ $rc = 0 ] && [ "$R/usr/sbin/sendmail" -ef "$R/usr/bin/wirebox" ] && [ "$R/usr/bin/msmtp" -ef "$R/usr/bin/wirebox" ] &&
   [ "$R/usr/lib/sendmail" -ef "$R/usr/bin/wirebox" ]; then
	pass "FORCE_LINKS=1 replaces them"
else fail "FORCE_LINKS=1 replaces them" "rc $rc: $(links "$R" | tr '\n' '|')"; fi

# only the applets built get links
cfg "$B-o" "# CONFIG_SNTPC_NTPD is not set" "# CONFIG_SMTPSEND_MSMTP is not set" "# CONFIG_POP3GET is not set"
mk "$B-o" -s OUT="$B-o/wirebox" && mk "$B-o" install DESTDIR="$T_DIR/rooto" PREFIX=/usr
rc=$?
got=$(links "$T_DIR/rooto" | sed 's/ ->.*//' | tr '\n' ' ')
if [ $rc = 0 ] && [ "$got" = "./usr/bin/mailq ./usr/bin/smtpsend ./usr/bin/sntpc ./usr/lib/sendmail ./usr/sbin/sendmail " ]; then
	pass "only built applets get links (no ntpd, msmtp, pop3get)"
else fail "only built applets get links" "rc $rc: $got"; fi

# ---- 4. review findings (issue 13, second round) ---------------------------------
# #11: install alone never recompiles because the build date moved
touch "$B-l/stamp"; sleep 1
mk "$B-l" install DESTDIR="$T_DIR/rootd" PREFIX=/usr SOURCE_DATE_EPOCH=1234567890
rc=$?
new=$(find "$B-l" -newer "$B-l/stamp" \( -name '*.o' -o -name wirebox -o -name epoch.h \) | head -n 3)
if [ $rc = 0 ] && [ -z "$new" ] && ! grep -Eq '^ *(CC|LD) ' "$T_DIR/out"; then
	pass "install with a moved build date (SOURCE_DATE_EPOCH) recompiles nothing, keeps epoch.h"
else fail "install with a moved build date recompiles nothing" "rc $rc: newer: $new; $(grep -E '^ *(CC|LD) ' "$T_DIR/out" | head -n 2 | tr '\n' '|')"; fi

# #8: upgrading from 'wirebox --install' (hard links to the old binary): the
# hard links become links to the new one, nothing is kept
R=$T_DIR/rooth
mkdir -p "$R/usr/bin" "$R/usr/sbin" "$R/usr/lib"
cp "$B-l/wirebox" "$R/usr/bin/wirebox"
for l in bin/sntpc bin/smtpsend bin/pop3get bin/msmtp bin/mailq sbin/sendmail sbin/ntpd lib/sendmail; do
	ln "$R/usr/bin/wirebox" "$R/usr/$l"
done
echo other > "$R/usr/bin/other"; ln "$R/usr/bin/other" "$R/usr/sbin/ntpd.other"
mk "$B-l" install DESTDIR="$R" PREFIX=/usr
rc=$?
got=$(links "$R")
if [ $rc = 0 ] && [ "$got" = "$want" ] && ! grep -q kept "$T_DIR/err" && [ "$R/usr/sbin/sendmail" -ef "$R/usr/bin/wirebox" ]; then
	pass "install over 'wirebox --install' hard links replaces them with links to the new binary"
else fail "install over hard links to the old binary" "rc $rc: $(echo "$got" | tr '\n' '|') $(head -c 300 "$T_DIR/err")"; fi

# review 2 #2: README's 'wirebox --install DESTDIR/usr/bin' (every name a hard
# link in usr/bin), then 'make install PREFIX=/usr': no name is left as a hard
# link to the old binary (usr/bin/sendmail, usr/bin/ntpd are removed, listed)
R=$T_DIR/rooti
mkdir -p "$R/usr/bin"
cp "$B-l/wirebox" "$R/usr/bin/wirebox"
"$R/usr/bin/wirebox" --install "$R/usr/bin" >/dev/null 2>&1
oldid=$(sh scripts/install-links.sh --id "$R/usr/bin/wirebox")
echo other > "$R/usr/bin/keepme"
mk "$B-l" install DESTDIR="$R" PREFIX=/usr
rc=$?
stale=$(cd "$R" && find . -type f | while read -r f; do
	[ "$(sh "$TOP/scripts/install-links.sh" --id "$f")" != "$oldid" ] || echo "$f"; done | sort | tr '\n' ' ')
if [ $rc = 0 ] && [ -n "$oldid" ] && [ -z "$stale" ] && [ -f "$R/usr/bin/keepme" ] &&
   grep -q '^install: removed /usr/bin/sendmail: a hard link to the old wirebox; sendmail is now /usr/sbin/sendmail$' "$T_DIR/err" &&
   grep -q '^install: removed /usr/bin/ntpd: a hard link to the old wirebox; ntpd is now /usr/sbin/ntpd$' "$T_DIR/err" &&
   [ "$R/usr/sbin/ntpd" -ef "$R/usr/bin/wirebox" ]; then
	pass "install after 'wirebox --install /usr/bin' leaves no name hard-linked to the old binary (bin/sendmail, bin/ntpd removed, listed)"
else fail "install after 'wirebox --install /usr/bin' leaves no hard link to the old binary" "rc $rc: left: $stale; $(head -c 300 "$T_DIR/err")"; fi

# #5: the mbedTLS variables are settings (MBEDTLS_LIBDIR, PKG_CONFIG, ...)
ma=$(gcc -print-multiarch 2>/dev/null)
if [ -n "$ma" ] && [ -f "/usr/lib/$ma/libmbedtls.so" ] && [ -f /usr/include/mbedtls/ssl.h ]; then
	mkdir -p "$B-m" && { cat configs/tiny_defconfig; echo CONFIG_TLS=y; } > "$B-m/.config" &&
		$MAKE -s BUILD="$B-m" KCONFIG_CONFIG="$B-m/.config" olddefconfig
	mk "$B-m" -s OUT="$B-m/wirebox" MBEDTLS_DIR=/usr MBEDTLS_LIBDIR="/usr/lib/$ma" &&
		mk "$B-m" install DESTDIR="$T_DIR/rootm"
	rc=$?
	if [ $rc = 0 ] && [ -x "$T_DIR/rootm/usr/local/bin/wirebox" ]; then
		pass "install after MBEDTLS_DIR=/usr MBEDTLS_LIBDIR=/usr/lib/$ma reuses MBEDTLS_LIBDIR"
	else fail "install after a MBEDTLS_LIBDIR build" "rc $rc: $(head -c 300 "$T_DIR/err")"; fi
	grep -q "^WB_SAVED_MBEDTLS_LIBDIR := /usr/lib/$ma\$" "$B-m/settings" && grep -q '^WB_SAVED_PKG_CONFIG := ' "$B-m/settings"
	t_true "build/settings records MBEDTLS_LIBDIR and PKG_CONFIG" [ $? = 0 ]
	# flags that differ for another reason: the message names the part
	sed 's/$/ -DOLD_ONLY/' "$B-m/flags" > "$B-m/flags.x" && mv "$B-m/flags.x" "$B-m/flags"
	mk "$B-m" install DESTDIR="$T_DIR/rootm"
	rc=$?
	if [ $rc = 2 ] && grep -q 'other flags than its settings give now: (none) instead of -DOLD_ONLY' "$T_DIR/err"; then
		pass "install refusing other flags says which flags differ"
	else fail "install's other-flags message names the difference" "rc $rc: $(head -c 300 "$T_DIR/err")"; fi
else
	echo "ok - # SKIP install after a MBEDTLS_LIBDIR build (no libmbedtls-dev)"
fi

# #1 and TARGET from the environment: in a copy of the tree (its build/)
S=$T_DIR/src
mkdir -p "$S"
git ls-files | tar -cf - -T - | tar -xf - -C "$S"
cp configs/defconfig "$S/.config"
mkdir -p "$S/build/mips"
printf '%s\n' '# fake firmware build' 'WB_SAVED_TARGET := mips' > "$S/build/mips/settings"
(cd "$S" && $MAKE install DESTDIR="$T_DIR/root1" PREFIX=/usr) >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc = 2 ] && [ "$(wc -l < "$T_DIR/err")" = 1 ] &&
   grep -q "install: no build in build/; firmware builds: build/mips .* run 'make install TARGET=mips'" "$T_DIR/err" &&
   [ ! -e "$S/wirebox" ] && [ ! -e "$T_DIR/root1" ]; then
	pass "make install after only 'make TARGET=mips' refuses, naming build/mips and TARGET=mips"
else fail "make install after only a firmware build refuses" "rc $rc: $(head -c 300 "$T_DIR/err") $(ls "$T_DIR/root1/usr/bin" 2>&1 | head -n 2)"; fi
# a host build older than the firmware build: installed, with a note
printf '%s\n' 'WB_SAVED_TARGET := ' > "$S/build/settings"
touch -d @86400 "$S/build/settings"
(cd "$S" && $MAKE -n install DESTDIR="$T_DIR/root1" PREFIX=/usr) >"$T_DIR/out" 2>"$T_DIR/err"
if grep -q "install: note: the build in build/ is for this machine and older than the firmware builds build/mips; 'make install TARGET=mips' installs that one" "$T_DIR/err"; then
	pass "make install with an older host build in build/: a note names the newer firmware build"
else fail "make install notes a newer firmware build" "$(head -c 300 "$T_DIR/err")"; fi
rm -f "$S/build/settings"
(cd "$S" && TARGET=x86_64-unknown-linux-gnu $MAKE -n olddefconfig) >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc = 0 ] && ! grep -q 'not a known target' "$T_DIR/err"; then
	pass "TARGET in the environment (cargo, CI) does not make a firmware build"
else fail "TARGET in the environment is ignored" "rc $rc: $(head -c 300 "$T_DIR/err")"; fi
(cd "$S" && WIREBOX_TARGET=nosuch $MAKE -n olddefconfig) >"$T_DIR/out" 2>"$T_DIR/err"
rc=$?
if [ $rc != 0 ] && grep -q 'TARGET=nosuch is not a known target' "$T_DIR/err"; then
	pass "WIREBOX_TARGET in the environment selects the target"
else fail "WIREBOX_TARGET selects the target" "rc $rc: $(head -c 300 "$T_DIR/err")"; fi
finish
