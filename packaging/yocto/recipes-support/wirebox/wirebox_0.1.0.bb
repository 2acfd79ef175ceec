SUMMARY = "SNTP, SMTP and POP3 clients in one small binary"
DESCRIPTION = "wirebox is one small binary with three clients, chosen by the \
name it is called under: sntpc (also as BusyBox-compatible ntpd), smtpsend \
(also as sendmail, msmtp, mailq; an offline queue) and pop3get."
SECTION = "net"
# wirebox has no license file yet: set LICENSE and LIC_FILES_CHKSUM once it has
LICENSE = "CLOSED"

# The source: a tarball of the wirebox tree beside this recipe, made with
#   git archive --prefix=wirebox-0.1.0/ -o <layer>/recipes-support/wirebox/files/wirebox-0.1.0.tar.gz HEAD
# or WIREBOX_SRC_URI = "git://...;protocol=https;branch=main" (then also
# SRCREV and S = "${WORKDIR}/git", or ${UNPACKDIR}/git from styhead on).
WIREBOX_SRC_URI ?= "file://wirebox-${PV}.tar.gz"
SRC_URI = "${WIREBOX_SRC_URI}"

inherit update-alternatives systemd update-rc.d

# TLS with the sysroot's mbedTLS (the cross compiler's --sysroot finds its
# headers and libraries, wherever ${libdir} is: no MBEDTLS_DIR needed);
# certificates are verified against the system's CA bundle: ca-certificates.
# mbedtls is in meta-networking (meta-openembedded), not OE-core: tls is the
# default only when that layer (collection networking-layer) is in the build,
# so poky + this layer alone builds without TLS instead of failing with
# "Nothing PROVIDES 'mbedtls'" (conf/layer.conf: LAYERRECOMMENDS).
PACKAGECONFIG ??= "${@bb.utils.contains('BBFILE_COLLECTIONS', 'networking-layer', 'tls', '', d)}"
PACKAGECONFIG[tls] = ",,mbedtls,ca-certificates"
WIREBOX_TLS = "${@bb.utils.contains('PACKAGECONFIG', 'tls', 'y', 'n', d)}"

# The configuration: a make target of wirebox (defconfig, tiny_defconfig,
# full_defconfig), or a .config of your own: SRC_URI += "file://wirebox.config"
# and WIREBOX_CONFIG_FILE = "${UNPACKDIR}/wirebox.config" (${WORKDIR} before styhead)
WIREBOX_DEFCONFIG ?= "defconfig"
WIREBOX_CONFIG_FILE ?= ""

B = "${S}"

# The same settings for the build and 'make install' (which refuses settings
# that differ from the build's). STRIP=true: bitbake strips and splits -dbg.
WIREBOX_MAKE_FLAGS = "CC='${CC}' AR='${AR}' NM='${NM}' STRIP=true \
    CFLAGS='${CFLAGS}' CPPFLAGS='${CPPFLAGS}' LDFLAGS='${LDFLAGS}' WERROR=0 \
    PREFIX=${prefix} BINDIR=${bindir} SBINDIR=${sbindir} \
    LIBDIR=${nonarch_libdir} MANDIR=${mandir}"

# Names other packages have too (msmtp, postfix, BusyBox, ntp) go through
# update-alternatives, with msmtp's priority (OE-core msmtp: 100; BusyBox: 50).
# Each needs its applet in the configuration (do_install stops otherwise):
# sendmail, usr-lib-sendmail: SMTPSEND; msmtp: SMTPSEND_MSMTP;
# mailq: SMTPSEND_QUEUE; ntpd: SNTPC_NTPD. Drop names for a smaller config.
WIREBOX_ALTERNATIVES ?= "sendmail usr-lib-sendmail msmtp mailq ntpd"
ALTERNATIVE:${PN} = "${WIREBOX_ALTERNATIVES}"
ALTERNATIVE_TARGET = "${bindir}/wirebox"
ALTERNATIVE_LINK_NAME[sendmail] = "${sbindir}/sendmail"
ALTERNATIVE_LINK_NAME[usr-lib-sendmail] = "${nonarch_libdir}/sendmail"
ALTERNATIVE_LINK_NAME[msmtp] = "${bindir}/msmtp"
ALTERNATIVE_LINK_NAME[mailq] = "${bindir}/mailq"
ALTERNATIVE_LINK_NAME[ntpd] = "${sbindir}/ntpd"
ALTERNATIVE_PRIORITY = "100"

# The alias names' man pages (make install puts them in ${mandir}; bitbake in
# ${PN}-doc) are alternatives too, as postfix-doc's mailq.1 and sendmail.1
# are: plain files would clash with postfix-doc, msmtp's and ntp's pages.
# One page for each name in WIREBOX_ALTERNATIVES; target = link name, so the
# class renames the page to NAME.wirebox (ALTERNATIVE_TARGET above is the
# binary: each page needs its own).
def wirebox_doc_alternatives(d):
    pages = {"sendmail": "sendmail.8", "msmtp": "msmtp.1", "mailq": "mailq.1", "ntpd": "ntpd.8"}
    alts = (d.getVar("WIREBOX_ALTERNATIVES") or "").split()
    return " ".join(pages[a] for a in alts if a in pages)
ALTERNATIVE:${PN}-doc = "${@wirebox_doc_alternatives(d)}"
ALTERNATIVE_LINK_NAME[sendmail.8] = "${mandir}/man8/sendmail.8"
ALTERNATIVE_TARGET[sendmail.8] = "${mandir}/man8/sendmail.8"
ALTERNATIVE_LINK_NAME[msmtp.1] = "${mandir}/man1/msmtp.1"
ALTERNATIVE_TARGET[msmtp.1] = "${mandir}/man1/msmtp.1"
ALTERNATIVE_LINK_NAME[mailq.1] = "${mandir}/man1/mailq.1"
ALTERNATIVE_TARGET[mailq.1] = "${mandir}/man1/mailq.1"
ALTERNATIVE_LINK_NAME[ntpd.8] = "${mandir}/man8/ntpd.8"
ALTERNATIVE_TARGET[ntpd.8] = "${mandir}/man8/ntpd.8"

# the sntpc daemon and the queue runner (see packaging/systemd/); not
# enabled: a queue or servers must be configured first. do_install installs
# each only when its feature is in .config (CONFIG_SNTPC_DAEMON,
# CONFIG_SMTPSEND_QUEUE); wirebox_init_files (below) then trims
# SYSTEMD_SERVICE and the init script to what do_install installed.
SYSTEMD_SERVICE:${PN} = "wirebox-sntpc.service wirebox-mailq.service"
SYSTEMD_AUTO_ENABLE = "disable"
WIREBOX_SYSTEMD = "${@bb.utils.contains('DISTRO_FEATURES', 'systemd', 'true', 'false', d)}"
INITSCRIPT_NAME = "wirebox-mailq"
INITSCRIPT_PARAMS = "defaults 95"
WIREBOX_SYSVINIT = "${@bb.utils.contains('DISTRO_FEATURES', 'sysvinit', 'true', 'false', d)}"

# Runs in do_package before systemd.bbclass's and update-rc.d.bbclass's
# functions (=+ after the inherit): only the units and the init script that
# do_install installed are registered (the classes stop on a missing unit).
python wirebox_init_files() {
    import os
    dest = d.getVar('D')
    unitdir = dest + d.getVar('systemd_system_unitdir')
    units = [u for u in (d.getVar('SYSTEMD_SERVICE:' + d.getVar('PN')) or '').split()
             if os.path.exists(os.path.join(unitdir, u))]
    d.setVar('SYSTEMD_SERVICE:' + d.getVar('PN'), ' '.join(units))
    if not os.path.exists(dest + d.getVar('sysconfdir') + '/init.d/' + d.getVar('INITSCRIPT_NAME')):
        d.setVar('INHIBIT_UPDATERCD_BBCLASS', '1')
}
PACKAGESPLITFUNCS =+ "wirebox_init_files"

do_configure() {
	if [ -n "${WIREBOX_CONFIG_FILE}" ]; then
		cp "${WIREBOX_CONFIG_FILE}" ${B}/.config
	else
		oe_runmake -C ${S} ${WIREBOX_MAKE_FLAGS} ${WIREBOX_DEFCONFIG}
	fi
	sed -i -e '/^\(# \)\{0,1\}CONFIG_TLS[= ]/d' ${B}/.config
	if [ "${WIREBOX_TLS}" = y ]; then
		echo 'CONFIG_TLS=y' >> ${B}/.config
	else
		echo '# CONFIG_TLS is not set' >> ${B}/.config
	fi
	oe_runmake -C ${S} ${WIREBOX_MAKE_FLAGS} olddefconfig
}

do_compile() {
	oe_runmake -C ${S} ${WIREBOX_MAKE_FLAGS}
}

do_install() {
	oe_runmake -C ${S} ${WIREBOX_MAKE_FLAGS} DESTDIR=${D} install
	# update-alternatives makes these links: make install's must go
	for alt in ${WIREBOX_ALTERNATIVES}; do
		case $alt in
		sendmail) sym=SMTPSEND link=${sbindir}/sendmail page=man8/sendmail.8 ;;
		usr-lib-sendmail) sym=SMTPSEND link=${nonarch_libdir}/sendmail page= ;;
		msmtp) sym=SMTPSEND_MSMTP link=${bindir}/msmtp page=man1/msmtp.1 ;;
		mailq) sym=SMTPSEND_QUEUE link=${bindir}/mailq page=man1/mailq.1 ;;
		ntpd) sym=SNTPC_NTPD link=${sbindir}/ntpd page=man8/ntpd.8 ;;
		*) bbfatal "WIREBOX_ALTERNATIVES: unknown name $alt" ;;
		esac
		grep -q "^CONFIG_$sym=y" ${B}/.config ||
			bbfatal "WIREBOX_ALTERNATIVES has $alt, but CONFIG_$sym is not in this configuration"
		rm -f ${D}$link
		# its man page: an alternative of ${PN}-doc (the class renames it)
		[ -z "$page" ] || [ -e ${D}${mandir}/$page ] ||
			bbfatal "WIREBOX_ALTERNATIVES has $alt, but make install made no ${mandir}/$page"
	done
	# each unit and the init script only when its feature is built
	if ${WIREBOX_SYSTEMD}; then
		for u in SNTPC_DAEMON:wirebox-sntpc SMTPSEND_QUEUE:wirebox-mailq; do
			grep -q "^CONFIG_${u%%:*}=y" ${B}/.config || continue
			install -D -m 0644 ${S}/packaging/systemd/${u#*:}.service \
				${D}${systemd_system_unitdir}/${u#*:}.service
		done
	fi
	if ${WIREBOX_SYSVINIT} && grep -q '^CONFIG_SMTPSEND_QUEUE=y' ${B}/.config; then
		install -d ${D}${sysconfdir}/init.d
		install -m 0755 ${S}/packaging/buildroot/package/wirebox/S50wirebox-mailq \
			${D}${sysconfdir}/init.d/wirebox-mailq
	fi
}
