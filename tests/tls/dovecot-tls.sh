#!/bin/sh
# tests/tls/dovecot-tls.sh - the POP3 test Dovecot of tests/pop3/dovecot.sh
# with TLS: STLS on its plain port (DIR/port) and implicit TLS (pop3s) on
# DIR/port-tls.
#   dovecot-tls.sh start DIR CERT KEY   (CERT may hold the chain)
#   dovecot-tls.sh stop DIR
# tests/pop3/dovecot.sh writes the configuration; this script turns TLS on
# in a copy and runs Dovecot on it.
set -eu
cmd=$1 dir=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
case "$cmd" in
start)
	cert=$3 key=$4
	sh "$top/tests/pop3/dovecot.sh" start "$dir"
	sh "$top/tests/pop3/dovecot.sh" stop "$dir"
	# fresh ports: the stopped instance's children may hold the old one
	old=$(cat "$dir/port")
	# both held open until both are chosen, so they differ
	set -- $(/usr/bin/python3 -c 'import socket
a=socket.socket(); b=socket.socket(); a.bind(("127.0.0.1",0)); b.bind(("127.0.0.1",0))
print(a.getsockname()[1], b.getsockname()[1])')
	p=$2
	echo "$1" > "$dir/port"
	echo "$p" > "$dir/port-tls"
	cp "$cert" "$dir/tls-cert.pem"
	cp "$key" "$dir/tls-key.pem"
	chmod 600 "$dir/tls-key.pem"
	mkdir -p "$dir/run-tls"
	# own base_dir: children of the stopped instance may linger a moment
	sed -e "s|^base_dir = .*|base_dir = $dir/run-tls|" \
	    -e "s|^ssl = no|ssl = yes\nssl_cert = <$dir/tls-cert.pem\nssl_key = <$dir/tls-key.pem\nssl_min_protocol = TLSv1.2|" \
	    -e "/inet_listener pop3 /,/}/s|port = $old|port = $(cat "$dir/port")|" \
	    -e "/inet_listener pop3s/,/}/s|port = 0|port = $p\n    address = 127.0.0.1\n    ssl = yes|" \
	    "$dir/dovecot.conf" > "$dir/dovecot-tls.conf"
	dovecot -F -c "$dir/dovecot-tls.conf" >>"$dir/dovecot.out" 2>&1 &
	echo $! > "$dir/pid"
	i=0
	for port in $(cat "$dir/port") "$p"; do
		while ! /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$port" 2>/dev/null; do
			i=$((i + 1))
			if [ $i -ge 100 ] || ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
				echo "dovecot (TLS) did not start:" >&2
				cat "$dir/dovecot.out" "$dir/dovecot.log" >&2 2>/dev/null || :
				exit 1
			fi
			sleep 0.1
		done
	done ;;
stop)
	sh "$top/tests/pop3/dovecot.sh" stop "$dir" ;;
*)
	echo "usage: dovecot-tls.sh start DIR CERT KEY | stop DIR" >&2; exit 64 ;;
esac
