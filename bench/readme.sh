#!/bin/sh
# bench/readme.sh [RESULTS]: README.md's "## Benchmarks" section made anew
# from a make bench report (default build/bench/results.md): its date and
# commit, machine, disks, wirebox build, peers, and the summary table. The
# section is replaced up to the next "## " heading (or put before
# "## Layout" when there is none); the rest of README.md is kept byte for
# byte. make bench BENCH_README=1 runs it. No indented lines: those are
# README examples that tests/integration/readme.sh runs.
set -eu
cd "$(dirname "$0")/.."
R=${1:-build/bench/results.md}
[ -s "$R" ] || { echo "bench/readme.sh: no $R (make bench first)" >&2; exit 1; }
S=$(mktemp /tmp/wirebox-readme.XXXXXX)
trap 'rm -f "$S" "$S.new"' EXIT
{
	echo "## Benchmarks"
	echo
	echo "One command, \`make bench\` (as root on Debian 12; [docs/bench.md](docs/bench.md)),"
	echo "installs what is missing, starts the tests' private servers on loopback, and"
	echo "measures wirebox next to msmtp, mpop, curl, BusyBox, ntpdig and chronyd, with"
	echo "a raw TCP baseline (the same bytes pipelined, nothing stored). Each tool is"
	echo "timed alone (fork, exec, wait: no shell around it). The full table, with"
	echo "min–max and each tool's row, is in \`build/bench/results.md\`. The latest run:"
	echo
	grep -m 1 '^.make bench. on ' "$R"
	echo
	grep -E '^- (machine|Maildir on disk|wirebox|peers):' "$R"
	echo
	awk '/^\|/ { p = 1; print; next } p { exit }' "$R"
	echo
} > "$S"
awk -v f="$S" '
BEGIN { while ((getline l < f) > 0) txt = txt l "\n" }
/^## Benchmarks$/ { printf "%s", txt; skip = 1; done = 1; next }
skip && /^## / { skip = 0 }
skip { next }
!done && /^## Layout$/ { printf "%s", txt; done = 1 }
{ print }' README.md > "$S.new"
cat "$S.new" > README.md
echo "bench/readme.sh: README.md's Benchmarks section from $R" >&2
