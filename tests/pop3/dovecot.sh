#!/bin/sh
# tests/pop3/dovecot.sh - a private Dovecot POP3 server on loopback.
#   dovecot.sh start DIR   write DIR/dovecot.conf, start "dovecot -F -c"
#                          on a free high port (written to DIR/port)
#   dovecot.sh stop DIR
#   dovecot.sh add DIR USER FILE...  put messages into USER's Maildir
# Users (passwd-file, plaintext scheme so APOP works): alice/alice-secret,
# bob/bob-secret (hashed: no APOP). Maildirs: DIR/home/USER/Maildir.
# Auth failure delay off, so a wrong-password test does not slow the next.
set -eu
cmd=$1 dir=$2

port() {
	/usr/bin/python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# the mail user: ourselves, or nobody when root (Dovecot refuses UID 0)
mail_ids() {
	if [ "$(id -u)" = 0 ]; then
		echo "$(id -u nobody) $(id -g nobody)"
	else
		echo "$(id -u) $(id -g)"
	fi
}

write_conf() {
	set -- $(mail_ids)
	uid=$1 gid=$2
	# as root the Debian defaults (dovecot, dovenull) run the helpers
	users=""
	[ "$(id -u)" = 0 ] || users="default_internal_user = $(id -un)
default_login_user = $(id -un)
default_internal_group = $(id -gn)"
	p=$(port)
	echo "$p" > "$dir/port"
	hash=$(doveadm pw -s SHA512-CRYPT -p bob-secret 2>/dev/null || echo '{PLAIN}bob-secret')
	printf 'alice:{PLAIN}alice-secret::::::nodelay=y\nbob:%s::::::nodelay=y\n' "$hash" > "$dir/passwd"
	cat > "$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/state
instance_name = wbtest-$p
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain apop
auth_failure_delay = 0
auth_cache_size = 0
login_trusted_networks = 127.0.0.0/8
$users
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
mail_fsync = never
pop3_uidl_format = %08Xu%08Xv
passdb {
  driver = passwd-file
  args = $dir/passwd
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/home/%u
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $p
  }
  inet_listener pop3s {
    port = 0
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0600
  }
  unix_listener stats-writer {
    mode = 0600
  }
}
CONF
}

case "$cmd" in
start)
	mkdir -p "$dir/run" "$dir/state" "$dir/home/alice/Maildir/new" \
		"$dir/home/alice/Maildir/cur" "$dir/home/alice/Maildir/tmp" \
		"$dir/home/bob/Maildir/new" "$dir/home/bob/Maildir/cur" "$dir/home/bob/Maildir/tmp"
	write_conf
	# Dovecot's helpers (other users when root) must reach the files
	# (add the search bit only: the parent may be /tmp itself, which must keep 1777)
	chmod go+x "$dir" "$(dirname "$dir")" 2>/dev/null || :
	set -- $(mail_ids)
	chown -R "$1:$2" "$dir/home" 2>/dev/null || :
	dovecot -F -c "$dir/dovecot.conf" >>"$dir/dovecot.out" 2>&1 &
	echo $! > "$dir/pid"
	i=0
	while ! /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$(cat "$dir/port")" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -ge 100 ] || ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
			echo "dovecot did not start:" >&2
			cat "$dir/dovecot.out" "$dir/dovecot.log" >&2 2>/dev/null || :
			exit 1
		fi
		sleep 0.1
	done ;;
stop)
	[ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null || :
	i=0
	while [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null && [ $i -lt 50 ]; do
		i=$((i + 1)); sleep 0.1
	done
	rm -f "$dir/pid" ;;
add)
	# add DIR USER FILE...: copy messages into USER's Maildir/new
	user=$3; shift 3
	set -- $(mail_ids) "$@"
	ids="$1:$2"; shift 2
	new="$dir/home/$user/Maildir/new"
	n=$(ls "$new" | wc -l)
	for f in "$@"; do
		n=$((n + 1))
		cp "$f" "$new/1700000000.M${n}P$$.wbtest"
	done
	chown -R "$ids" "$new" 2>/dev/null || : ;;
*)
	echo "usage: dovecot.sh start|stop|add DIR ..." >&2; exit 64 ;;
esac
