#!/bin/sh
# bench/report.sh DATA [INFO]: the Markdown tables of make bench from the
# data lines of bench/lib.sh (CASE TOOL SECONDS RSS_KIB STATUS, one per run;
# "-" for a tool that could not run, STATUS then says why), on stdout.
# INFO (optional) is Markdown put between the title and the tables.
# For every case and tool: the median time of the runs that succeeded,
# [min–max], and the largest peak RSS; runs that failed are counted and
# left out. Summary: raw, wirebox and the best peer (lowest median among the
# tools that are neither raw nor wirebox), and wirebox/raw, wirebox/best.
set -eu
DATA=$1 INFO=${2:-}
[ -z "$INFO" ] || { cat "$INFO"; echo; }
awk -F '\t' '
function fmt(s) {
	if (s == "") return "—"
	return s < 0.1 ? sprintf("%.1f ms", s * 1000) : sprintf("%.3f s", s)
}
function range(lo, hi, s) {       # in the unit of s
	if (s < 0.1) return sprintf("%.1f–%.1f", lo * 1000, hi * 1000)
	return sprintf("%.3f–%.3f", lo, hi)
}
function kib(k,   s) {
	s = sprintf("%d", k)
	while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
	return s " KiB"
}
function ratio(a, b) {
	if (a == "" || b == "" || b == 0) return "—"
	return a / b < 0.1 ? sprintf("%.2gx", a / b) : sprintf("%.2fx", a / b)
}
function median(key,   n, i, j, t, v) {
	n = cnt[key]
	for (i = 1; i <= n; i++) v[i] = val[key, i]
	for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
	lo[key] = v[1]; hi[key] = v[n]
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{
	c = $1; t = $2
	if (!(c in seen)) { seen[c] = 1; cases[++nc] = c }
	if (!((c, t) in tseen)) { tseen[c, t] = 1; tools[c, ++nt[c]] = t }
	k = c SUBSEP t
	if ($3 == "-") { why[k] = $5; next }
	runs[k]++
	if ($5 != "0") { bad[k]++; if (!(k in badst)) badst[k] = $5; next }
	val[k, ++cnt[k]] = $3
	if ($4 + 0 > rss[k]) rss[k] = $4 + 0
}
END {
	for (i = 1; i <= nc; i++) {
		c = cases[i]
		for (j = 1; j <= nt[c]; j++) { k = c SUBSEP tools[c, j]; if (cnt[k]) med[k] = median(k) }
	}
	print "| operation | raw | wirebox | best peer | wirebox/raw | wirebox/best peer | peak RSS: wirebox | peers |"
	print "|---|---:|---:|---:|---:|---:|---:|---:|"
	for (i = 1; i <= nc; i++) {
		c = cases[i]; best = ""; bt = ""; plo = ""; phi = ""
		for (j = 1; j <= nt[c]; j++) {
			t = tools[c, j]; k = c SUBSEP t
			if (t == "raw" || t == "wirebox" || !(k in med)) continue
			if (best == "" || med[k] < best) { best = med[k]; bt = t }
			if (plo == "" || rss[k] < plo) plo = rss[k]
			if (phi == "" || rss[k] > phi) phi = rss[k]
		}
		wr = (c SUBSEP "wirebox" in med) ? kib(rss[c SUBSEP "wirebox"]) : "—"
		pr = plo == "" ? "—" : plo == phi ? kib(plo) : sprintf("%s–%s", substr(kib(plo), 1, length(kib(plo)) - 4), kib(phi))
		r = med[c SUBSEP "raw"]; w = med[c SUBSEP "wirebox"]
		printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", c, fmt(r), fmt(w),
			best == "" ? "—" : bt " " fmt(best), ratio(w, r), ratio(w, best), wr, pr
	}
	print ""
	print "| operation | tool | time: median [min–max] | peak RSS | runs |"
	print "|---|---|---:|---:|---:|"
	for (i = 1; i <= nc; i++) {
		c = cases[i]
		for (j = 1; j <= nt[c]; j++) {
			t = tools[c, j]; k = c SUBSEP t
			if (k in why) { printf "| %s | %s | not measured: %s | | |\n", c, t, why[k]; continue }
			cell = (k in med) ? fmt(med[k]) " [" range(lo[k], hi[k], med[k]) "]" : "failed"
			if (bad[k]) cell = cell sprintf(" (%d failed: %s)", bad[k], badst[k])
			printf "| %s | %s | %s | %s | %d |\n", c, t, cell, (k in med) ? kib(rss[k]) : "—", runs[k]
		}
	}
}' "$DATA"
