#!/bin/sh
# tests/tls/postfix-tls.sh - the Postfix of tests/smtp/mta.sh with TLS
# listeners added (root needed, as in CI).
#   postfix-tls.sh start DIR CERTDIR   (CERTDIR from tests/tls/certs.sh)
#   postfix-tls.sh stop DIR
# Appends to DIR/env, for each certificate C in good expired future
# wrongname self sha1root:
#   MTA_TLS_C       implicit TLS (smtpd_tls_wrappermode), AUTH offered
#   MTA_STARTTLS_C  submission: STARTTLS required, AUTH only after TLS
#                   (smtpd_tls_auth_only), SASL via mta.sh's Dovecot
set -eu
cmd=$1 dir=$(mkdir -p "$2" && cd "$2" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
pf=$dir/postfix

# free_ports N: N distinct free ports (all held open until each is chosen;
# one at a time, the kernel may hand out the same port twice)
free_ports() {
	/usr/bin/python3 -c 'import socket,sys
ss=[socket.socket() for i in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1",0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}

# listeners CERTDIR: master.cf lines and env lines for every certificate
listeners() {
	cdir=$1
	set -- $(free_ports 12)
	for c in good expired future wrongname self sha1root; do
		chain=$cdir/$c.pem
		[ "$c" != good ] || chain=$cdir/good-chain.pem
		tp=$1 sp=$2
		shift 2
		echo "MTA_TLS_$c=$tp" >> "$dir/env"
		echo "MTA_STARTTLS_$c=$sp" >> "$dir/env"
		cat >> "$pf/master.cf" <<EOC
127.0.0.1:$tp inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_cert_file=$chain
  -o smtpd_tls_key_file=$cdir/$c.key
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$sp inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes
  -o smtpd_tls_cert_file=$chain
  -o smtpd_tls_key_file=$cdir/$c.key
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
EOC
	done
}

case "$cmd" in
start)
	certs=$(cd "$3" && pwd)
	sh "$top/tests/smtp/mta.sh" start "$dir"
	postconf -c "$pf" -e smtpd_tls_loglevel=1 smtpd_tls_mandatory_protocols='>=TLSv1.2' \
		smtpd_tls_protocols='>=TLSv1.2'
	listeners "$certs"
	echo "tlsmgr unix - - n 1000? 1 tlsmgr" >> "$pf/master.cf"
	postfix -c "$pf" check >"$pf/check-tls.out" 2>&1 || { cat "$pf/check-tls.out" >&2; exit 1; }
	postfix -c "$pf" reload >/dev/null 2>&1
	for p in $(sed -n 's/^MTA_[A-Z]*TLS_[a-z]*=//p' "$dir/env"); do
		i=0
		while ! /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$p" 2>/dev/null; do
			i=$((i + 1)); [ $i -lt 150 ] || { echo "postfix-tls.sh: port $p not up" >&2; exit 1; }
			sleep 0.1
		done
	done ;;
stop)
	sh "$top/tests/smtp/mta.sh" stop "$dir" ;;
*)
	echo "usage: postfix-tls.sh start DIR CERTDIR | stop DIR" >&2; exit 64 ;;
esac
