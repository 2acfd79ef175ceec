#!/bin/sh
# install-links.sh APPLETS_H DESTDIR BINDIR SBINDIR LIBDIR: the links 'make
# install' makes to BINDIR/wirebox, for the applets and aliases built (the
# APPLET("name", ...) lines of APPLETS_H, build/applets.h):
#   sendmail, ntpd            SBINDIR/NAME -> BINDIR/wirebox
#   sendmail                  LIBDIR/sendmail -> SBINDIR/sendmail
#   the others                BINDIR/NAME -> wirebox
# Links are relative when the folders share a root (../bin/wirebox), so they
# are right inside DESTDIR too. A name that exists and is not ours (BusyBox's
# link, another MTA's sendmail) is kept and listed; FORCE_LINKS=1 replaces it.
# Names that are hard links to the binary this install replaced ('wirebox
# --install' makes hard links) are ours too: 'make install' passes that
# file's "device:inode" (install-links.sh --id FILE, taken before it is
# replaced) in WB_OLD_ID. Such a hard link in BINDIR, SBINDIR or LIBDIR
# where this install does not put that name (BINDIR/sendmail, BINDIR/ntpd
# after 'wirebox --install /usr/bin') is removed, one line each on stderr.
# Used by 'make install', which cannot run a cross-compiled wirebox --install.
set -eu
# fid FILE: "device:inode" of FILE (not following a symlink), or nothing
fid() {
	[ -e "$1" ] && [ ! -L "$1" ] || return 0
	stat -c '%d:%i' "$1" 2>/dev/null || stat -f '%d:%i' "$1" 2>/dev/null || :
}
if [ "${1:-}" = --id ]; then fid "$2"; exit 0; fi
[ $# -eq 5 ] || { echo "usage: $0 APPLETS_H DESTDIR BINDIR SBINDIR LIBDIR" >&2; exit 64; }
h=$1 dest=$2 bindir=$3 sbindir=$4 libdir=$5
force=${FORCE_LINKS:-}
[ "$force" != 0 ] || force=

# rel FROMDIR TOFILE: TOFILE as seen from FROMDIR (both absolute, no DESTDIR)
rel() {
	case "$1$2" in /*/*) ;; *) echo "$2"; return ;; esac
	from=${1%/}/ to=$2 up=
	while :; do
		case "$to" in "$from"*) echo "$up${to#"$from"}"; return ;; esac
		from=${from%/*/}/
		up=../$up
		[ "$from" != / ] || { echo "$2"; return; }
	done
}
# link DIR NAME TARGET: DIR/NAME -> TARGET unless a file not ours is there
kept=0
link() {
	p=$dest$1/$2
	mkdir -p "$dest$1"
	if [ -e "$p" ] || [ -L "$p" ]; then
		if [ "$p" -ef "$dest$bindir/wirebox" ] ||
		   { [ -n "${WB_OLD_ID:-}" ] && [ "$(fid "$p")" = "$WB_OLD_ID" ]; } ||
		   { [ -L "$p" ] && [ "$(ls -l "$p" | sed 's/.* -> //')" = "$3" ]; }; then
			:   # ours (a link to wirebox, or the same link): renewed
		elif [ -n "$force" ]; then
			echo "install: replacing $1/$2 (FORCE_LINKS=1)" >&2
		else
			echo "install: kept $1/$2: not a link to wirebox; FORCE_LINKS=1 replaces it" >&2
			kept=$((kept + 1)); return 0
		fi
		rm -f "$p"
	fi
	ln -s "$3" "$p"
}

names=$(sed -n 's/^APPLET("\([^"]*\)".*/\1/p' "$h")
for name in $names; do
	case "$name" in
	sendmail|ntpd) link "$sbindir" "$name" "$(rel "$sbindir" "$bindir/wirebox")" ;;
	*) link "$bindir" "$name" wirebox ;;
	esac
done
case " $(echo $names) " in *" sendmail "*)
	[ "$libdir" = "$sbindir" ] || link "$libdir" sendmail "$(rel "$libdir" "$sbindir/sendmail")" ;;
esac
# stray hard links to the old binary: 'wirebox --install /usr/bin' put every
# name in BINDIR (also sendmail and ntpd, which now live in SBINDIR). A name
# in BINDIR, SBINDIR or LIBDIR that is a hard link to the replaced binary
# (its device:inode is WB_OLD_ID) but is not where this install puts that
# name is ours and is removed, one line each; anything else is left alone.
if [ -n "${WB_OLD_ID:-}" ]; then
	for name in $names; do
		case "$name" in sendmail|ntpd) home=$sbindir ;; *) home=$bindir ;; esac
		for d in "$bindir" "$sbindir" "$libdir"; do
			[ "$d" != "$home" ] || continue
			[ "$name/$d" != "sendmail/$libdir" ] || continue
			p=$dest$d/$name
			[ -f "$p" ] && [ ! -L "$p" ] && [ "$(fid "$p")" = "$WB_OLD_ID" ] || continue
			rm -f "$p"
			echo "install: removed $d/$name: a hard link to the old wirebox; $name is now $home/$name" >&2
		done
	done
fi
[ $kept = 0 ] || echo "install: $kept name(s) kept (listed above); 'make install FORCE_LINKS=1' replaces them" >&2
exit 0
