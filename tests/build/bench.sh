#!/bin/sh
# tests/build/bench.sh - the parts of make bench that its numbers rest on
# (make bench itself is not run: minutes, and peers to install):
#   - bench/measure reports a known child's exit status (and a signal's,
#     and a failed exec's), its wall time, and its peak RSS (a child that
#     touches 16 MiB: 16-20 MiB, traced and not); -n runs it N times; -i
#     feeds stdin from a file; -C leaves the child no CAP_SYS_TIME
#   - bench/raw sends every byte of its input (after the login lines and
#     their replies) and reads every byte back (an echo server)
#   - bench/report.sh: median [min-max] of the successful runs, failed runs
#     counted, a tool that could not run named, wirebox/raw and
#     wirebox/best peer
#   - the bench scripts pass shellcheck -x (when installed) and sh -n
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
CC1="cc"
command -v musl-gcc >/dev/null 2>&1 && CC1="musl-gcc -static"
for p in measure raw; do
	$CC1 -O2 -std=c99 -Wall -Wextra -Werror -o "$T_DIR/$p" "bench/$p.c" 2>"$T_DIR/err" ||
		{ fail "bench/$p.c compiles ($CC1 -Wall -Wextra -Werror)" "$(head -c 400 "$T_DIR/err")"; finish; exit 1; }
done
cat > "$T_DIR/mem.c" <<'C'
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	size_t n = (size_t)atol(argv[1]) << 20;
	volatile char *p = malloc(n ? n : 1);

	(void)argc;
	memset((char *)p, 1, n);
	usleep((useconds_t)atoi(argv[2]) * 1000);
	if (atoi(argv[3]) < 0)
		raise(-atoi(argv[3]));
	return atoi(argv[3]) + p[0] - (n ? 1 : p[0]);
}
C
$CC1 -O2 -o "$T_DIR/mem" "$T_DIR/mem.c"
M=$T_DIR/measure

# check DESC "LINE" AWK-CONDITION: the three fields s, k, st of a measure line
check() {
	if echo "$2" | awk -v d="$1" '{ s = $1; k = $2; st = $3 } '"!($3)"' { exit 1 }'; then pass "$1"
	else fail "$1" "measure said: $2"; fi
}
check "measure: exit status 3, at least the 100 ms it slept, 16-20 MiB peak (traced run)" \
	"$($M "$T_DIR/mem" 16 100 3)" 'st == 3 && s >= 0.1 && s < 2 && k >= 16384 && k <= 20480'
check "measure -R: the same from wait4 alone" \
	"$($M -R "$T_DIR/mem" 16 100 3)" 'st == 3 && s >= 0.1 && s < 2 && k >= 16384 && k <= 20480'
check "measure -n 3: three runs' time, the first failure's status" \
	"$($M -n 3 "$T_DIR/mem" 1 50 5)" 'st == 5 && s >= 0.15 && s < 3 && k >= 1024 && k < 4096'
check "measure: a child killed by SIGTERM is status 143" "$($M "$T_DIR/mem" 0 0 -15)" 'st == 143'
check "measure: an exec that fails is status 127" "$($M "$T_DIR/nonexistent")" 'st == 127'
printf 'abc\n12345\n' > "$T_DIR/in"
out=$($M -i "$T_DIR/in" -o "$T_DIR/out" wc -c)
if [ "$(tr -d ' ' < "$T_DIR/out")" = 10 ]; then pass "measure -i FILE -o FILE: the child reads the file, writes the other"
else fail "measure -i FILE -o FILE: the child reads the file, writes the other" "$out; out: $(cat "$T_DIR/out")"; fi
if [ "$(id -u)" = 0 ]; then
	rm -f "$T_DIR/out"
	$M -C -o "$T_DIR/out" grep -E '^Cap(Eff|Prm|Bnd):' /proc/self/status >/dev/null
	# CAP_SYS_TIME is bit 25
	if [ "$(wc -l < "$T_DIR/out")" = 3 ] &&
	   awk '{ v = substr($2, length($2) - 6, 1); if (index("2367abefABEF", v)) exit 1 }' "$T_DIR/out"; then
		pass "measure -C: no CAP_SYS_TIME in the child (effective, permitted, bounding)"
	else fail "measure -C: no CAP_SYS_TIME in the child" "$(tr '\n' ' ' < "$T_DIR/out")"; fi
fi

# raw against an echo server that greets: sent everything, got it all back
PORT=$(free_port tcp)
/usr/bin/python3 - "$PORT" "$T_DIR/listening" <<'EOP' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); s.settimeout(20)
open(sys.argv[2], "w").close()
c, _ = s.accept(); c.sendall(b"+OK hi\r\n")
while True:
    d = c.recv(65536)
    if not d:
        break
    c.sendall(d)
c.close()
EOP
at_exit "kill $! 2>/dev/null"
i=0
while [ ! -f "$T_DIR/listening" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
/usr/bin/python3 -c 'import sys
sys.stdout.buffer.write(b"USER u\r\nPASS p\r\n" + b"".join(b"RETR %d\r\n" % i for i in range(200000)) + b"QUIT\r\n")' > "$T_DIR/tx"
n=$(wc -c < "$T_DIR/tx" | tr -d ' ')
out=$("$T_DIR/raw" 127.0.0.1 "$PORT" 2 < "$T_DIR/tx")
if [ "$out" = "sent $n received $((n + 8))" ]; then pass "raw: sends all $n bytes (2 login lines first) and reads them all back"
else fail "raw: sends all $n bytes and reads them all back" "said: $out"; fi

# report.sh on known data
T=$(printf '\t')
cat > "$T_DIR/data" <<EOF2
op${T}raw${T}1${T}10${T}0
op${T}wirebox${T}6${T}20${T}0
op${T}peer${T}9${T}300${T}0
op${T}peer2${T}-${T}-${T}not installed
op${T}raw${T}3${T}12${T}0
op${T}wirebox${T}4${T}22${T}0
op${T}peer${T}8${T}310${T}0
op${T}raw${T}2${T}11${T}0
op${T}wirebox${T}99${T}21${T}short
op${T}wirebox${T}2${T}21${T}0
op${T}peer${T}10${T}2000${T}0
EOF2
sh bench/report.sh "$T_DIR/data" > "$T_DIR/md"
t_grep "report: summary: raw 2, wirebox 4 (99 failed: left out), best peer 9, 2.00x, 0.44x, RSS" \
	'^\| op \| 2\.000 s \| 4\.000 s \| peer 9\.000 s \| 2\.00x \| 0\.44x \| 22 KiB \| 2,000 KiB \|$' "$T_DIR/md"
t_grep "report: wirebox median [min-max], peak RSS, runs, the failed run counted" \
	'^\| op \| wirebox \| 4\.000 s \[2\.000–6\.000\] \(1 failed: short\) \| 22 KiB \| 4 \|$' "$T_DIR/md"
t_grep "report: peak RSS with thousands separators" '^\| op \| peer \| .* \| 2,000 KiB \| 3 \|$' "$T_DIR/md"
t_grep "report: a tool that could not run says why" '^\| op \| peer2 \| not measured: not installed \|' "$T_DIR/md"

for f in bench/*.sh; do
	if sh -n "$f" 2>"$T_DIR/err"; then pass "$f: sh -n"; else fail "$f: sh -n" "$(cat "$T_DIR/err")"; fi
	if command -v shellcheck >/dev/null 2>&1; then
		if shellcheck -x "$f" > "$T_DIR/sc" 2>&1; then pass "$f: shellcheck -x"
		else fail "$f: shellcheck -x" "$(head -c 600 "$T_DIR/sc" | tr '\n' '|')"; fi
	fi
done
finish
