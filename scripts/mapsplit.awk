# scripts/mapsplit.awk - where the bytes of a link go, from GNU ld's map
# (-Wl,-Map; every wirebox link writes BUILD/wirebox.map). Used by
# scripts/size.sh:
#   awk -f mapsplit.awk MAP
#     prints "app libc mbedtls crt other total": the bytes of the loaded,
#     non-BSS output sections (what 'size' counts as text+data) by where their
#     input sections come from: app (wirebox's objects), libc (libc.a and its
#     companions), mbedtls (libmbed*.a), crt (crt*.o start files, libgcc),
#     other (padding between sections and what the linker makes itself:
#     .got, .rela.dyn, .dynamic, hash tables, ...)
#   awk -v mode=syms -f mapsplit.awk MAP NMOUT
#     NMOUT is 'nm --size-sort -S' of the linked binary: prints
#     "SIZE PART NAME" for its code and data symbols (not BSS), largest first
# LTO: the ltrans objects hold wirebox and (when it was built with -flto
# too) mbedTLS together; their sections are told apart by name: -v
# names=FILE lists the functions and variables of mbedTLS's LTO objects
# (size.sh takes them from the archives' .gnu.lto_NAME sections), and
# mbedtls_*, psa_* are mbedTLS's too; the rest (and merged strings) is app.
BEGIN {
	if (names != "") while ((getline l < names) > 0) mb[l] = 1
	split("app libc mbedtls crt other", PARTS, " ")
}
function part(file, sec,   n) {
	# made by the linker for the whole link (relocations for PIE, GOT, ...),
	# whichever input file the map names for them
	if (sec ~ /^\.(rela?\.|rela?$|dyn|hash$|gnu\.hash|got|plt|interp|eh_frame_hdr|gnu\.version)/) return "other"
	if (file ~ /(^|\/)lib(c|m|pthread|resolv|rt|dl|util|xnet)\.a(\(|$)/ || file ~ /\/libc\.so/) return "libc"
	if (file ~ /libmbed(tls|x509|crypto)/) return "mbedtls"
	if (file ~ /libgcc|(^|\/)(r|S|g)?crt(1|i|n|begin[a-zA-Z]*|end[a-zA-Z]*)\.o$/) return "crt"
	if (file ~ /ltrans/) {
		n = sec; sub(/^\.[a-z]+(\.rel\.ro(\.local)?)?\./, "", n)
		sub(/\.(lto_priv|constprop|isra|part|cold|localalias)(\.[0-9]+)?.*$/, "", n)
		return (n ~ /^(mbedtls|psa)_/ || n in mb) ? "mbedtls" : "app"
	}
	if (file == "" || file ~ /linker stubs/) return "other"
	return "app"
}
function hex(s,   i, c, v) {
	v = 0; s = tolower(s); sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)); v = v * 16 + c - 1 }
	return v
}
function counted(name, addr) {   # loaded and not BSS (non-alloc ones are at 0)
	return addr != 0 && name !~ /^\.(t|s)?bss/ && name !~ /^\.(comment|debug|note\.GNU-stack|gnu\.attributes|ARM\.attributes|pdr|mdebug)/
}
function endsec(   p, k, t) {   # the output section's bytes to the parts
	if (osname == "" || !oscount) return
	# its input sections, or less when the linker merged them (ARM's
	# .ARM.exidx drops duplicate entries): then each part in proportion
	t = 0
	for (k = 1; k <= 5; k++) {
		p = PARTS[k]
		c = (osin > oslen) ? int(secpart[p] * oslen / osin) : secpart[p]
		sum[p] += c; t += c; secpart[p] = 0
	}
	sum["other"] += oslen - t
}
function outsec(name, a, s) {
	endsec()
	osname = name; oscount = counted(name, hex(a)); oslen = hex(s); osin = 0
}
function insec(name, a, s, file,   p, z) {
	z = hex(s)
	if (!oscount || z == 0 || name == "*fill*") return
	p = part(file, name); secpart[p] += z; osin += z
	ns++; sa[ns] = hex(a); sz[ns] = z; sp[ns] = p
}
FNR == 1 { fileno++ }
fileno == 1 && !inmap { if ($0 ~ /^Linker script and memory map/) inmap = 1; next }
fileno == 1 {
	if ($0 ~ /^[.A-Za-z_]/) {            # an output section, maybe wrapped
		pend_out = ""; pend_in = ""
		if ($1 ~ /^\./ && $2 ~ /^0x/ && $3 ~ /^0x/) outsec($1, $2, $3)
		else if ($1 ~ /^\./ && NF == 1) pend_out = $1
		else if ($1 !~ /^\./) { outsec("", "0", "0"); osname = "" }
		next
	}
	if (pend_out != "") {
		if ($1 ~ /^0x/ && $2 ~ /^0x/) outsec(pend_out, $1, $2)
		pend_out = ""; next
	}
	if ($0 ~ /^ [^ ]/) {                 # an input section, maybe wrapped
		pend_in = ""
		if ($1 ~ /^\*\(|^\*fill\*|^[A-Z]+\(|^\[/) next
		if ($2 ~ /^0x/ && $3 ~ /^0x/) { f = $4; for (i = 5; i <= NF; i++) f = f " " $i; insec($1, $2, $3, f) }
		else if (NF == 1) pend_in = $1
		next
	}
	if (pend_in != "" && $1 ~ /^0x/ && $2 ~ /^0x/) {
		f = $3; for (i = 4; i <= NF; i++) f = f " " $i; insec(pend_in, $1, $2, f)
	}
	pend_in = ""; next
}
# the nm list (mode=syms): ADDR SIZE TYPE NAME
mode == "syms" && NF >= 4 && $3 !~ /^[bBuUvVwW]$/ && $3 !~ /^[aA]$/ {
	a = hex($1); p = "?"
	for (i = 1; i <= ns; i++) if (a >= sa[i] && a < sa[i] + sz[i]) { p = sp[i]; break }
	ls[++nl] = hex($2) " " p " " $4
}
END {
	if (mode == "syms") { for (i = nl; i >= 1; i--) print ls[i]; exit }
	endsec()
	t = sum["app"] + sum["libc"] + sum["mbedtls"] + sum["crt"] + sum["other"]
	printf "%d %d %d %d %d %d\n", sum["app"], sum["libc"], sum["mbedtls"], sum["crt"], sum["other"], t
}
