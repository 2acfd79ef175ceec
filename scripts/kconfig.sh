#!/bin/sh
# Kconfig glue that needs only sh and awk (no Python, no kconfig tool).
#   kconfig.sh applets OUT          collect //config: blocks of applets/ into OUT
#   kconfig.sh olddefconfig CONFIG  fill symbols missing from CONFIG with defaults
#   kconfig.sh header CONFIG OUT    write CFG_X constants for every symbol
#   kconfig.sh table CONFIG H MK    write the applet table and the source list
#
# An applet file declares itself with lines like
#   //applet:NAME SYMBOL MAIN_FN HELP_VAR [alias]
#   //config:config SYMBOL ...   (a Kconfig block, one line each; any file
#                                of an applet's folder may hold some)
# A file in a folder applets/X/ brings every .c file of that folder.
set -eu
KCONFIGS="Kconfig build/Kconfig.applets"

applet_files() { grep -l '^//applet:' applets/*.c applets/*/*.c 2>/dev/null | sort; }

# "NAME TYPE DEFAULT DEPENDS..." for every symbol, in Kconfig order
symbols() {
	awk '
	function flush() { if (name != "") print name, type, (def == "" ? "n" : def), deps; name = "" }
	/^[ \t]*(menu)?config[ \t]/ { flush(); name = $2; type = "bool"; def = ""; deps = ""; next }
	/^[ \t]*(endmenu|menu|comment|choice|endchoice|source|mainmenu|if|endif)([ \t]|$)/ { flush(); next }
	name != "" && /^[ \t]*(bool|tristate)([ \t]|$)/ { type = "bool"; next }
	name != "" && /^[ \t]*int([ \t]|$)/ { type = "int"; next }
	name != "" && /^[ \t]*string([ \t]|$)/ { type = "string"; next }
	name != "" && /^[ \t]*default[ \t]/ && def == "" { def = $2; next }
	name != "" && /^[ \t]*depends[ \t]+on[ \t]/ {
		s = $0; sub(/^[ \t]*depends[ \t]+on[ \t]+/, "", s); gsub(/[ \t&]+/, " ", s)
		deps = deps " " s; next }
	END { flush() }' $KCONFIGS
}

case "$1" in
applets)
	out=$2; mkdir -p "$(dirname "$out")"
	{ echo "# generated from the //config: lines of applets/; do not edit"
	  for f in $(applet_files); do
		echo; echo "# $f"
		sed -n 's|^//config:||p' "$f"
		# the folder's other files (after the applet file: their symbols depend on its)
		case "$f" in applets/*/*) for g in "$(dirname "$f")"/*.c; do
			[ "$g" = "$f" ] || ! grep -q '^//config:' "$g" || { echo "# $g"; sed -n 's|^//config:||p' "$g"; }
		done ;; esac
	  done; } > "$out.tmp"
	mv "$out.tmp" "$out" ;;
olddefconfig)
	cfg=$2; [ -f "$cfg" ] || : > "$cfg"
	symbols | awk -v cfg="$cfg" '
	BEGIN {
		while ((getline l < cfg) > 0) {
			if (l ~ /^CONFIG_[A-Za-z0-9_]+=/) { k = l; sub(/=.*/, "", k); sub(/^CONFIG_/, "", k); v = l; sub(/^[^=]*=/, "", v); val[k] = v; set[k] = 1 }
			else if (l ~ /^# CONFIG_[A-Za-z0-9_]+ is not set/) { split(l, a, " "); k = a[2]; sub(/^CONFIG_/, "", k); val[k] = "n"; set[k] = 1 }
		}
	}
	{
		n = $1; v = set[n] ? val[n] : $3
		for (i = 4; i <= NF; i++) {
			d = $i; neg = sub(/^!/, "", d)
			on = (d in out) && out[d] == "y"
			if (neg ? on : !on) v = "n"
		}
		if ($2 == "bool" && v != "y") v = "n"
		out[n] = v
		if ($2 == "bool" && v == "n") print "# CONFIG_" n " is not set"
		else print "CONFIG_" n "=" v
	}' > "$cfg.tmp"
	# rewrite only on a change, so that make does not rebuild for nothing
	if cmp -s "$cfg.tmp" "$cfg"; then rm -f "$cfg.tmp"; else mv "$cfg.tmp" "$cfg"; fi ;;
header)
	cfg=$2; out=$3
	# the core's symbols (of ./Kconfig) that are on, for --version (TLS has its own line)
	core=$(sed -n 's/^config[ \t]\{1,\}\([A-Z0-9_]*\).*/\1/p' Kconfig | while read -r c; do
		if [ "$c" != TLS ] && grep -q "^CONFIG_$c=y" "$cfg"; then printf '%s ' "$c"; fi
	done)
	symbols | awk -v cfg="$cfg" -v core="${core% }" '
	BEGIN {
		while ((getline l < cfg) > 0)
			if (l ~ /^CONFIG_[A-Za-z0-9_]+=/) { k = l; sub(/=.*/, "", k); v = l; sub(/^[^=]*=/, "", v); val[k] = v }
		print "/* generated from .config; do not edit */"
		print "#ifndef WIREBOX_CONFIG_H"; print "#define WIREBOX_CONFIG_H"
	}
	{
		v = val["CONFIG_" $1]
		if ($2 == "bool") v = (v == "y") ? 1 : 0
		else if (v == "") v = ($2 == "string") ? "\"\"" : 0
		print "#define CFG_" $1 " " v
	}
	END { print "#define WB_FEATURES_CORE \"" core "\""; print "#endif" }' > "$out.tmp"
	mv "$out.tmp" "$out" ;;
table)
	cfg=$2; h=$3; mk=$4
	: > "$h.tmp"; echo "APPLET_SRCS :=" > "$mk.tmp"
	for f in $(applet_files); do
		sed -n 's|^//applet:||p' "$f" | while read -r name sym fn help kind; do
			grep -q "^CONFIG_$sym=y" "$cfg" || continue
			alias=0 feat=""; [ "${kind:-}" = alias ] && alias=1
			# the applet's enabled options (CONFIG_SYM_X=y), for --version
			[ $alias = 1 ] || feat=$(sed -n "s/^CONFIG_\(${sym}_[A-Z0-9_]*\)=y\$/\1/p" "$cfg" | tr '\n' ' ')
			echo "APPLET(\"$name\", $fn, $help, $alias, \"${feat% }\")" >> "$h.tmp"
		done
		sym=$(sed -n 's|^//applet:[^ ]* \([A-Z0-9_]*\) .*|\1|p' "$f" | head -n 1)
		grep -q "^CONFIG_$sym=y" "$cfg" || continue
		case "$f" in
		applets/*/*) echo "APPLET_SRCS += $(echo "$(dirname "$f")"/*.c)" >> "$mk.tmp" ;;
		*) echo "APPLET_SRCS += $f" >> "$mk.tmp" ;;
		esac
	done
	sort "$h.tmp" > "$h.tmp2"; rm -f "$h.tmp"
	cmp -s "$h.tmp2" "$h" 2>/dev/null && rm -f "$h.tmp2" || mv "$h.tmp2" "$h"
	cmp -s "$mk.tmp" "$mk" 2>/dev/null && rm -f "$mk.tmp" || mv "$mk.tmp" "$mk" ;;
*)
	echo "usage: $0 applets|olddefconfig|header|table ..." >&2; exit 64 ;;
esac
