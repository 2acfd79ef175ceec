#!/bin/sh
# tests/smtp/mta.sh - a private, self-contained Postfix on loopback for
# smtpsend's tests, demo and benchmarks (root needed, as in CI).
#   mta.sh start DIR   write DIR/{postfix,dovecot}, start both, write DIR/env
#   mta.sh stop DIR    stop them
# DIR/env sets: MTA_PORT (no AUTH), MTA_AUTH_PORT (AUTH required, SASL
# via a private Dovecot: alice/secret, PLAIN LOGIN CRAM-MD5), MTA_NOPIPE_PORT
# (PIPELINING and 8BITMIME not offered), MTA_MAIL (Maildir base: users
# alice bob carol @example.test), MTA_LOG (Postfix's maillog_file).
# temp@example.test gets 450 from an access map; others unknown get 550.
# TLS (when openssl is there): MTA_STARTTLS_PORT (STARTTLS; AUTH offered
# only after it), MTA_SMTPS_PORT (implicit TLS), MTA_CA (the self-signed
# certificate for mta.wirebox.test and IP 127.0.0.1).
set -eu
cmd=$1 dir=$(mkdir -p "$2" && chmod 755 "$2" && cd "$2" && pwd)
pf=$dir/postfix dv=$dir/dovecot

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() {
	i=0
	while ! /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 150 ] || { echo "mta.sh: port $1 not up" >&2; return 1; }
		sleep 0.1
	done
}

write_dovecot() {
	mkdir -p "$dv/run" "$dv/state"
	printf 'alice:{PLAIN}secret::::::\nbob:{PLAIN}hunter2::::::\n' > "$dv/passwd"
	cat > "$dv/dovecot.conf" <<EOC
base_dir = $dv/run
state_dir = $dv/state
log_path = $dv/dovecot.log
protocols =
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $dv/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$dv/home
}
service auth {
  unix_listener $dv/auth {
    mode = 0666
  }
}
service anvil {
  chroot =
}
EOC
}

write_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$pf/key.pem" -out "$pf/cert.pem" -days 3 -subj /CN=mta.wirebox.test \
		-addext "subjectAltName=DNS:mta.wirebox.test,IP:127.0.0.1" >/dev/null 2>&1
}

write_postfix() {
	mkdir -p "$pf/queue" "$pf/data" "$dir/mail"
	chown postfix "$pf/data"
	chown nobody "$dir/mail"
	printf 'alice@example.test example.test/alice/\nbob@example.test example.test/bob/\ncarol@example.test example.test/carol/\ntemp@example.test example.test/temp/\n' > "$pf/vmailbox"
	printf 'temp@example.test 450 4.2.0 try again later\n' > "$pf/access"
	cat > "$pf/main.cf" <<EOC
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mta.wirebox.test
mydomain = wirebox.test
myorigin = wirebox.test
mydestination =
mynetworks = 127.0.0.0/8
relayhost =
alias_maps =
alias_database =
local_recipient_maps =
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
virtual_mailbox_domains = example.test
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = texthash:$pf/vmailbox
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
virtual_transport = virtual
message_size_limit = 209715200
virtual_mailbox_limit = 0
smtpd_recipient_restrictions = check_recipient_access texthash:$pf/access, permit_mynetworks, reject_unauth_destination
smtpd_sasl_type = dovecot
smtpd_sasl_path = $dv/auth
smtpd_tls_security_level = none
smtp_tls_security_level = none
biff = no
EOC
	cat > "$pf/master.cf" <<EOC
127.0.0.1:$MTA_PORT inet n - n - - smtpd
127.0.0.1:$MTA_AUTH_PORT inet n - n - - smtpd
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$MTA_NOPIPE_PORT inet n - n - - smtpd
  -o smtpd_discard_ehlo_keywords=pipelining,8bitmime
127.0.0.1:$MTA_STARTTLS_PORT inet n - n - - smtpd
  -o smtpd_tls_security_level=may
  -o smtpd_tls_cert_file=$pf/cert.pem
  -o smtpd_tls_key_file=$pf/key.pem
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
127.0.0.1:$MTA_SMTPS_PORT inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_cert_file=$pf/cert.pem
  -o smtpd_tls_key_file=$pf/key.pem
  -o smtpd_sasl_auth_enable=yes
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOC
}

case "$cmd" in
start)
	MTA_PORT=$(free_port) MTA_AUTH_PORT=$(free_port) MTA_NOPIPE_PORT=$(free_port)
	MTA_STARTTLS_PORT=$(free_port) MTA_SMTPS_PORT=$(free_port)
	write_dovecot
	write_postfix
	write_cert
	dovecot -F -c "$dv/dovecot.conf" >"$dv/stderr" 2>&1 &
	echo $! > "$dir/dovecot.pid"
	postfix -c "$pf" check >"$pf/check.out" 2>&1 || { cat "$pf/check.out" >&2; exit 1; }
	postfix -c "$pf" start-fg >"$pf/stderr" 2>&1 &
	echo $! > "$dir/postfix.pid"
	cat > "$dir/env" <<EOC
MTA_PORT=$MTA_PORT
MTA_AUTH_PORT=$MTA_AUTH_PORT
MTA_NOPIPE_PORT=$MTA_NOPIPE_PORT
MTA_STARTTLS_PORT=$MTA_STARTTLS_PORT
MTA_SMTPS_PORT=$MTA_SMTPS_PORT
MTA_CA=$pf/cert.pem
MTA_MAIL=$dir/mail/example.test
MTA_LOG=$dir/maillog
EOC
	for p in $MTA_PORT $MTA_AUTH_PORT $MTA_NOPIPE_PORT; do
		wait_port $p || { cat "$pf/stderr" "$dir/maillog" >&2 2>/dev/null; exit 1; }
	done
	i=0; while [ ! -S "$dv/auth" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
	[ -S "$dv/auth" ] || { cat "$dv/stderr" "$dv/dovecot.log" >&2 2>/dev/null; exit 1; } ;;
stop)
	postfix -c "$pf" stop >/dev/null 2>&1 || :
	for f in postfix dovecot; do
		[ -f "$dir/$f.pid" ] || continue
		pid=$(cat "$dir/$f.pid")
		kill "$pid" 2>/dev/null || :
		i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
		rm -f "$dir/$f.pid"
	done ;;
*)
	echo "usage: $0 start|stop DIR" >&2; exit 64 ;;
esac
