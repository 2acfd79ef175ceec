#!/bin/sh
# tests/packaging/yocto.sh - packaging/yocto/recipes-support/wirebox/wirebox_0.1.0.bb
# under a small shell harness standing in for bitbake: the recipe's plain
# assignments are read (in order, ?= only when unset), the inline-python ones
# get the values bitbake would give for the PACKAGECONFIG and DISTRO_FEATURES
# under test, and the recipe's own do_configure, do_compile and do_install
# bodies run with set -e, oe_runmake and bbfatal, Yocto's CC/CFLAGS/LDFLAGS
# and paths, against a fresh copy of the tree in ${S}. Checks: the flags reach
# the compiler, PACKAGECONFIG tls decides CONFIG_TLS, the layout in ${D},
# the update-alternatives links are left to the class (and a link as the class
# makes it runs the applet), the priority is msmtp's (100), the systemd units
# and the init script, and that an alternative whose applet is not built
# stops do_install.
set -u
. "$(dirname "$0")/lib"
T=$T_DIR
RECIPE=$PKGDIR/yocto/recipes-support/wirebox/wirebox_0.1.0.bb

# bb_expand VAR=VALUE...: the recipe's shell tasks as one sh script, with
# bitbake's textual expansion of ${VAR} (recursively; names it does not know
# are left to the shell). Variables: the given ones (what bitbake.conf and the
# SDK define, and the inline-python results), then the recipe's plain
# assignments in order ("?=" and "??=" only when not set yet).
bb_expand() {
	/usr/bin/python3 - "$RECIPE" "$@" <<'PY'
import re, sys
recipe, given = sys.argv[1], sys.argv[2:]
d = {}
for g in given:
    k, v = g.split("=", 1)
    d[k] = v
text = open(recipe).read().replace("\\\n", " ")
for m in re.finditer(r'^([A-Za-z_][A-Za-z0-9_]*) *(\?\?=|\?=|=) *"(.*)"\s*$', text, re.M):
    k, op, v = m.groups()
    if "${@" in v or (op != "=" and k in d):
        continue
    d[k] = v
def expand(s, depth=0):
    if depth > 20:
        return s
    n = re.sub(r'\$\{([A-Za-z_][A-Za-z0-9_]*)\}', lambda m: d.get(m.group(1), m.group(0)), s)
    return n if n == s else expand(n, depth + 1)
print("set -e")
print("oe_runmake() { make V=1 \"$@\"; }")
print("bbfatal() { echo \"ERROR: $*\" >&2; exit 1; }")
print("cd " + expand("${B}"))
for f in ("do_configure", "do_compile", "do_install"):
    m = re.search(r'^' + f + r'\(\) \{\n(.*?)^\}', open(recipe).read(), re.M | re.S)
    print(f + "() {\n" + expand(m.group(1)) + "}")
print("do_configure; do_compile; do_install")
PY
}

# ua_doc WIREBOX_ALTERNATIVES: the recipe's alternatives of ${PN}-doc as
# "NAME LINK TARGET" lines, as update-alternatives.bbclass resolves them:
# ALTERNATIVE:${PN}-doc from the recipe's own python function, the link from
# ALTERNATIVE_LINK_NAME[NAME], the target from ALTERNATIVE_TARGET[NAME], else
# the recipe's ALTERNATIVE_TARGET, else the link (mandir=/usr/share/man)
ua_doc() {
	/usr/bin/python3 - "$RECIPE" "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
class D:
    def getVar(self, k):
        return sys.argv[2] if k == "WIREBOX_ALTERNATIVES" else None
m = re.search(r'^def wirebox_doc_alternatives\(d\):\n(?:    .*\n)+', text, re.M)
if not m or not re.search(r'^ALTERNATIVE:\$\{PN\}-doc = "\$\{@wirebox_doc_alternatives\(d\)\}"', text, re.M):
    sys.exit(0)
ns = {}
exec(m.group(0), ns)
def flag(var, name):
    f = re.search(r'^' + var + r'\[' + re.escape(name) + r'\] = "(.*)"', text, re.M)
    return f.group(1).replace("${mandir}", "/usr/share/man") if f else None
g = re.search(r'^ALTERNATIVE_TARGET = "(.*)"', text, re.M)
for n in ns["wirebox_doc_alternatives"](D()).split():
    link = flag("ALTERNATIVE_LINK_NAME", n) or "/usr/bin/" + n
    target = flag("ALTERNATIVE_TARGET", n) or (g.group(1).replace("${bindir}", "/usr/bin") if g else link)
    print(n, link, target)
PY
}

# ua_doc_check WHAT DIR WIREBOX_ALTERNATIVES PAGES: each alias man page of
# PAGES (man1/mailq.1 ...) is an alternative of ${PN}-doc whose target is the
# page itself (the class renames it to PAGE.wirebox), and after that rename no
# plain alias page is left in DIR to clash with postfix-doc, msmtp or ntp
ua_doc_check() {
	_w=$1 _d=$2
	ua_doc "$3" > "$T/ua_doc"
	while read -r n link target; do
		if [ "$link" = "$target" ] && [ -e "$_d$link" ]; then
			mv "$_d$link" "$_d$link.wirebox"
			pass "$_w: alternative $n of \${PN}-doc: $link (the page, renamed to $link.wirebox)"
		else fail "$_w: alternative $n of \${PN}-doc: $link (the page, renamed to $link.wirebox)" "target $target"; fi
	done < "$T/ua_doc"
	for _p in $4; do
		if [ -e "$_d/usr/share/man/$_p" ] || [ -L "$_d/usr/share/man/$_p" ]; then
			fail "$_w: no plain \${mandir}/$_p in \${PN}-doc (clashes with postfix-doc/msmtp/ntp)"
		else pass "$_w: no plain \${mandir}/$_p in \${PN}-doc (clashes with postfix-doc/msmtp/ntp)"; fi
	done
}

# yocto NAME TLS(y|n) [VAR=VALUE...]: configure, compile, install; D in $T/NAME/image
yocto() {
	name=$1 tls=$2; shift 2
	w=$T/$name
	mkdir -p "$w"
	pkg_tree "$w/wirebox-0.1.0"
	bb_expand WORKDIR="$w" S="$w/wirebox-0.1.0" D="$w/image" PV=0.1.0 PN=wirebox \
		prefix=/usr exec_prefix=/usr bindir=/usr/bin sbindir=/usr/sbin libdir=/usr/lib64 \
		nonarch_libdir=/usr/lib sysconfdir=/etc mandir=/usr/share/man \
		systemd_system_unitdir=/usr/lib/systemd/system \
		CC="gcc -m64 -fstack-protector-strong -O2 -D_FORTIFY_SOURCE=2 -Wformat -Wformat-security -Werror=format-security --sysroot=/" \
		AR=gcc-ar NM=gcc-nm CPPFLAGS="" \
		CFLAGS="-O2 -pipe -g -feliminate-unused-debug-types -DSTUB_YOCTO_CFLAGS" \
		LDFLAGS="-Wl,-O1 -Wl,--hash-style=gnu -Wl,--as-needed -Wl,-z,relro,-z,now" \
		WIREBOX_TLS="$tls" WIREBOX_SYSTEMD=true WIREBOX_SYSVINIT=true "$@" > "$w/run.sh"
	sh -e "$w/run.sh" > "$w/log" 2>&1
}

# 1: defconfig with PACKAGECONFIG tls, systemd and sysvinit
if yocto tls y; then
	pass "tls: do_configure, do_compile, do_install succeed"
	w=$T/tls D=$T/tls/image
	t_grep "tls: CC and CFLAGS reach the compiler" 'gcc -m64 .*--sysroot=/ .*-DSTUB_YOCTO_CFLAGS.*-c ' "$w/log"
	t_grep "tls: LDFLAGS reach the link" 'gcc .*-Wl,-z,relro,-z,now.* -o ' "$w/log"
	t_grep "tls: PACKAGECONFIG tls gives CONFIG_TLS=y" '^CONFIG_TLS=y' "$w/wirebox-0.1.0/.config"
	"$D/usr/bin/wirebox" --version > "$w/version" 2>&1
	t_grep "tls: --version says TLS on" '^TLS: on' "$w/version"
	if [ -x "$D/usr/bin/wirebox" ]; then pass "tls: \${D}/usr/bin/wirebox installed"
	else fail "tls: \${D}/usr/bin/wirebox installed"; fi
	file "$D/usr/bin/wirebox" > "$w/file"
	t_grep "tls: not stripped by make install (STRIP=true: bitbake strips, -dbg keeps symbols)" 'not stripped' "$w/file"
	for l in sntpc smtpsend pop3get; do
		if is_wirebox_link "$D/usr/bin/$l"; then pass "tls: /usr/bin/$l links to wirebox"
		else fail "tls: /usr/bin/$l links to wirebox"; fi
	done
	# update-alternatives: each name's path is the class's to make
	for a in sendmail:/usr/sbin/sendmail sendmail:/usr/lib/sendmail msmtp:/usr/bin/msmtp mailq:/usr/bin/mailq ntpd:/usr/sbin/ntpd; do
		n=${a%%:*} p=${a#*:}
		if [ -e "$D$p" ] || [ -L "$D$p" ]; then fail "tls: $p left to update-alternatives"
		else pass "tls: $p left to update-alternatives"; fi
		ln -sf "$D/usr/bin/wirebox" "$T/$n"
		if "$T/$n" --help >/dev/null 2>&1; then pass "tls: $p as the class links it (-> /usr/bin/wirebox) runs $n"
		else fail "tls: $p as the class links it (-> /usr/bin/wirebox) runs $n"; fi
		rm -f "$T/$n"
	done
	for u in wirebox-sntpc.service wirebox-mailq.service; do
		if [ -f "$D/usr/lib/systemd/system/$u" ]; then pass "tls: systemd unit $u installed"
		else fail "tls: systemd unit $u installed"; fi
	done
	if [ -x "$D/etc/init.d/wirebox-mailq" ]; then pass "tls: sysvinit script /etc/init.d/wirebox-mailq installed"
	else fail "tls: sysvinit script /etc/init.d/wirebox-mailq installed"; fi
	# man pages (make install, MANDIR=${mandir}): bitbake puts them in wirebox-doc
	for m in man1/wirebox.1 man8/sntpc.8 man8/smtpsend.8 man8/sendmail.8 man1/pop3get.1; do
		if [ -f "$D/usr/share/man/$m" ]; then pass "tls: \${mandir}/$m installed"
		else fail "tls: \${mandir}/$m installed"; fi
	done
	ua_doc_check tls "$D" "sendmail usr-lib-sendmail msmtp mailq ntpd" \
		"man8/sendmail.8 man1/msmtp.1 man1/mailq.1 man8/ntpd.8"
	if [ -d "$D/usr/lib64" ]; then fail "tls: nothing in \${libdir} (lib64): /usr/lib/sendmail is nonarch"
	else pass "tls: nothing in \${libdir} (lib64): /usr/lib/sendmail is nonarch"; fi
	# what only the merged Makefile does: sendmail and ntpd in SBINDIR, none in BINDIR
	for p in /usr/bin/sendmail /usr/bin/ntpd; do
		if [ -e "$D$p" ] || [ -L "$D$p" ]; then fail "tls: make install left no $p (SBINDIR layout)"
		else pass "tls: make install left no $p (SBINDIR layout)"; fi
	done
else
	fail "tls: do_configure, do_compile, do_install succeed" "$(tail -n 12 "$T/tls/log" | tr '\n' '|')"
fi
t_grep "recipe: update-alternatives priority 100 (OE-core msmtp's)" '^ALTERNATIVE_PRIORITY = "100"' "$RECIPE"
t_grep "recipe: PACKAGECONFIG tls depends on mbedtls, and at run time on ca-certificates (the CA bundle)" \
	'^PACKAGECONFIG\[tls\] = ",,mbedtls,ca-certificates"' "$RECIPE"

# 2: no tls, tiny_defconfig (no msmtp, mailq, ntpd): the alternatives must be
# trimmed, and are
if yocto tiny n WIREBOX_DEFCONFIG=tiny_defconfig WIREBOX_ALTERNATIVES="sendmail usr-lib-sendmail"; then
	pass "tiny: builds with WIREBOX_ALTERNATIVES trimmed to its applets"
	t_grep "tiny: no PACKAGECONFIG tls gives no CONFIG_TLS" '^# CONFIG_TLS is not set' "$T/tiny/wirebox-0.1.0/.config"
	"$T/tiny/image/usr/bin/wirebox" --version > "$T/tiny/version" 2>&1
	t_grep "tiny: --version says TLS off" '^TLS: off' "$T/tiny/version"
	ua_doc_check tiny "$T/tiny/image" "sendmail usr-lib-sendmail" "man8/sendmail.8"
else
	fail "tiny: builds with WIREBOX_ALTERNATIVES trimmed to its applets" "$(tail -n 12 "$T/tiny/log" | tr '\n' '|')"
fi
# wirebox_init_files as do_package runs it: the recipe's python function with
# a stand-in datastore; prints SYSTEMD_SERVICE:wirebox and
# INHIBIT_UPDATERCD_BBCLASS after it ran against the image D
init_files() {
	/usr/bin/python3 - "$RECIPE" "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r'^python wirebox_init_files\(\) \{\n(.*?)^\}', text, re.M | re.S)
if not m or not re.search(r'^PACKAGESPLITFUNCS =\+ "wirebox_init_files"', text, re.M):
    print("no wirebox_init_files in PACKAGESPLITFUNCS"); sys.exit(0)
v = {"D": sys.argv[2], "PN": "wirebox", "systemd_system_unitdir": "/usr/lib/systemd/system",
     "sysconfdir": "/etc", "INITSCRIPT_NAME": "wirebox-mailq",
     "SYSTEMD_SERVICE:wirebox": re.search(r'^SYSTEMD_SERVICE:\$\{PN\} = "(.*)"', text, re.M).group(1)}
class D:
    def getVar(self, k): return v.get(k)
    def setVar(self, k, x): v[k] = x
body = "\n".join(l[4:] if l.startswith("    ") else l for l in m.group(1).splitlines())
exec("def f(d):\n" + "\n".join("    " + l for l in body.splitlines()) + "\n", globals())
f(D())
print("SYSTEMD_SERVICE=" + v["SYSTEMD_SERVICE:wirebox"])
print("INHIBIT_UPDATERCD_BBCLASS=" + v.get("INHIBIT_UPDATERCD_BBCLASS", ""))
PY
}

# the units and the init script follow .config (CONFIG_SNTPC_DAEMON,
# CONFIG_SMTPSEND_QUEUE): tiny_defconfig has neither
if [ -d "$T/tiny/image" ]; then
	for f in /usr/lib/systemd/system/wirebox-sntpc.service /usr/lib/systemd/system/wirebox-mailq.service /etc/init.d/wirebox-mailq; do
		if [ -e "$T/tiny/image$f" ]; then fail "tiny (no SNTPC_DAEMON, no SMTPSEND_QUEUE): no $f installed"
		else pass "tiny (no SNTPC_DAEMON, no SMTPSEND_QUEUE): no $f installed"; fi
	done
	init_files "$T/tiny/image" > "$T/tiny/init_files"
	t_grep "tiny: wirebox_init_files leaves SYSTEMD_SERVICE empty (systemd.bbclass stops on a missing unit)" '^SYSTEMD_SERVICE=$' "$T/tiny/init_files"
	t_grep "tiny: wirebox_init_files inhibits update-rc.d (no init script)" '^INHIBIT_UPDATERCD_BBCLASS=1$' "$T/tiny/init_files"
fi
if [ -d "$T/tls/image" ]; then
	init_files "$T/tls/image" > "$T/tls/init_files"
	t_grep "tls: wirebox_init_files keeps both units" '^SYSTEMD_SERVICE=wirebox-sntpc.service wirebox-mailq.service$' "$T/tls/init_files"
	t_grep "tls: wirebox_init_files keeps update-rc.d" '^INHIBIT_UPDATERCD_BBCLASS=$' "$T/tls/init_files"
fi
# only the daemon: wirebox-sntpc.service alone
printf 'CONFIG_SNTPC=y\nCONFIG_SNTPC_DAEMON=y\nCONFIG_SMTPSEND=y\n# CONFIG_SMTPSEND_QUEUE is not set\n' > "$T/daemon.config"
if yocto daemon n WIREBOX_CONFIG_FILE="$T/daemon.config" WIREBOX_ALTERNATIVES="sendmail"; then
	pass "daemon only: builds"
	D=$T/daemon/image
	if [ -f "$D/usr/lib/systemd/system/wirebox-sntpc.service" ]; then pass "daemon only: wirebox-sntpc.service installed"
	else fail "daemon only: wirebox-sntpc.service installed"; fi
	for f in /usr/lib/systemd/system/wirebox-mailq.service /etc/init.d/wirebox-mailq; do
		if [ -e "$D$f" ]; then fail "daemon only (no SMTPSEND_QUEUE): no $f installed"
		else pass "daemon only (no SMTPSEND_QUEUE): no $f installed"; fi
	done
	init_files "$D" > "$T/daemon/init_files"
	t_grep "daemon only: wirebox_init_files keeps wirebox-sntpc.service alone" '^SYSTEMD_SERVICE=wirebox-sntpc.service$' "$T/daemon/init_files"
else
	fail "daemon only: builds" "$(tail -n 12 "$T/daemon/log" | tr '\n' '|')"
fi

# PACKAGECONFIG's default: tls only when meta-networking (networking-layer,
# where mbedtls is) is in BBFILE_COLLECTIONS; the layer does not claim a
# dependency it does not have, and recommends networking-layer
pkgconfig_default() {
	/usr/bin/python3 - "$RECIPE" "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r'^PACKAGECONFIG \?\?= "(.*)"$', text, re.M)
v = {"BBFILE_COLLECTIONS": sys.argv[2]}
class utils:
    @staticmethod
    def contains(var, item, t, f, d):
        return t if item in (v.get(var) or "").split() else f
class bb: pass
bb.utils = utils
val = m.group(1)
val = re.sub(r'\$\{@(.*)\}$', lambda e: str(eval(e.group(1), {"bb": bb, "d": None})), val)
print("[" + val + "]")
PY
}
pkgconfig_default "core yocto wirebox" > "$T/pc1"
t_grep "PACKAGECONFIG: poky + this layer (no networking-layer, no mbedtls): no tls by default" '^\[\]$' "$T/pc1"
pkgconfig_default "core yocto openembedded-layer meta-python networking-layer wirebox" > "$T/pc2"
t_grep "PACKAGECONFIG: with meta-networking (networking-layer): tls by default" '^\[tls\]$' "$T/pc2"
LAYERCONF=$PKGDIR/yocto/conf/layer.conf
t_grep "layer.conf: LAYERDEPENDS core only (mbedtls is optional)" '^LAYERDEPENDS_wirebox = "core"$' "$LAYERCONF"
t_grep "layer.conf: LAYERRECOMMENDS networking-layer (mbedtls)" '^LAYERRECOMMENDS_wirebox = ".*networking-layer' "$LAYERCONF"

# 3: an alternative whose applet is not built stops the build
if yocto tinybad n WIREBOX_DEFCONFIG=tiny_defconfig; then
	fail "tiny with ntpd in WIREBOX_ALTERNATIVES: do_install stops"
else
	t_grep "tiny with ntpd in WIREBOX_ALTERNATIVES: do_install stops, naming the symbol" 'ERROR: WIREBOX_ALTERNATIVES has .*CONFIG_' "$T/tinybad/log"
fi

finish
