# tests/lib.sh - sourced by tests/integration/*.sh.
# Each check prints "ok - what" or "not ok - what (why)"; finish prints
# "N passed, N failed" and sets the exit status.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WIREBOX:-$TOP/build/check/wirebox}
T_PASS=0
T_FAIL=0
T_DIR=$(mktemp -d /tmp/wirebox-test.XXXXXX)
T_CLEANUP=""
trap 't_cleanup' EXIT
trap 'exit 130' INT TERM

t_cleanup() {
	printf '%s\n' "$T_CLEANUP" | while IFS= read -r c; do
		[ -z "$c" ] || eval "$c" >/dev/null 2>&1 || :
	done
	[ -n "${KEEP:-}" ] || rm -rf "$T_DIR"
}
# at_exit 'shell command': run at the end (e.g. stop a server)
at_exit() { T_CLEANUP="$1
$T_CLEANUP"; }

pass() { T_PASS=$((T_PASS + 1)); echo "ok - $1"; }
fail() { T_FAIL=$((T_FAIL + 1)); echo "not ok - $1${2:+ ($2)}"; }

# t_exit WANT DESC CMD...: run CMD (stdout -> $T_DIR/out, stderr -> $T_DIR/err)
t_exit() {
	want=$1 desc=$2; shift 2
	"$@" >"$T_DIR/out" 2>"$T_DIR/err"
	got=$?
	if [ "$got" = "$want" ]; then pass "$desc"
	else fail "$desc" "exit $got, want $want; stderr: $(head -c 400 "$T_DIR/err" | tr '\n' '|')"; fi
}
# t_true DESC CMD...: CMD must succeed
t_true() { desc=$1; shift; if "$@"; then pass "$desc"; else fail "$desc"; fi; }
# t_grep DESC PATTERN FILE
t_grep() { if grep -Eq -- "$2" "$3"; then pass "$1"; else fail "$1" "no /$2/ in $3: $(head -c 300 "$3" | tr '\n' '|')"; fi; }
t_nogrep() { if grep -Eq -- "$2" "$3"; then fail "$1" "/$2/ found in $3"; else pass "$1"; fi; }

# a free TCP (or UDP with "udp") port on loopback
free_port() {
	/usr/bin/python3 -c 'import socket,sys
s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=="udp" else socket.SOCK_STREAM)
s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "${1:-tcp}"
}
# wait until a TCP port on 127.0.0.1 accepts, up to 10 s
wait_port() {
	i=0
	while ! /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
	done
}
finish() {
	echo "$(basename "$0"): $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
