#!/usr/bin/env bash
# scripts/servers/courier.sh — a private Courier-IMAP 5.0 test server on 127.0.0.1.
#
# Usage:
#   courier.sh install                install Courier if missing (no server started)
#   courier.sh start [--fresh]        install if missing, write the config, start,
#                                     wait until both ports greet; --fresh wipes
#                                     every user's mail first (stopping a running one)
#   courier.sh stop                   stop the instance (idempotent)
#   courier.sh restart [--fresh]      stop + start
#   courier.sh status                 exit 0 iff the instance is running
#   courier.sh env                    print `export` lines for the tests (eval them)
#   courier.sh log [N]                print the tail of the logs
#
# Environment (all optional):
#   IMAPKIT_COURIER_DIR       state folder            (default /tmp/imapkit-courier)
#   IMAPKIT_COURIER_PORT      plain + STARTTLS port   (default 12143)
#   IMAPKIT_COURIER_TLS_PORT  implicit TLS port       (default 12993)
#
# Installation follows ../../../shared/SERVERS.md: courier-base, the authlib
# packages and gamin (which conflict with nothing) are installed with apt;
# courier-imap, which conflicts with dovecot-imapd and cyrus-imapd through
# `imap-server` (and would pull in an MTA), is fetched with `apt-get download`
# and unpacked with `dpkg-deb -x` into DIR/pkg. Courier's paths are compiled
# in (/etc/courier, /run/courier/authdaemon/socket), so the three processes
# (authdaemond, couriertcpd for the plain port, couriertcpd + couriertls for
# the TLS port) run inside `unshare --mount`, with DIR/etc bind-mounted on
# /etc/courier and DIR/run on /run/courier: nothing global changes but an
# empty /run/courier. Mail belongs to the system user `mail` (libgamin needs
# a passwd entry for the mail uid). Logs: DIR/log/*.log.
set -euo pipefail

NAME=courier
DIR=${IMAPKIT_COURIER_DIR:-/tmp/imapkit-courier}
PORT=${IMAPKIT_COURIER_PORT:-12143}
TLS_PORT=${IMAPKIT_COURIER_TLS_PORT:-12993}
HOST=127.0.0.1
START_TIMEOUT=20 # seconds

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
DIR=$(abs_dir "$DIR")

USERS=(testuser testuser2 utf8user)
declare -A PASS=([testuser]=testpass [testuser2]=testpass2 [utf8user]='pässwörd')
FOLDERS=(Drafts Sent Trash Junk Archive)

PIDFILE=$DIR/run/runner.pid
CERT=$DIR/tls/cert.pem # the certificate alone, for clients to trust
KEY=$DIR/tls/key.pem
PEM=$DIR/etc/imapd.pem # key + certificate, for couriertls
PKG=$DIR/pkg
RUNNER=$DIR/runner.sh

DEPS=(courier-base courier-authdaemon courier-authlib courier-authlib-userdb gamin libgamin0
	libcourier-unicode4 libgdbm6 libidn12 openssl gnutls-bin)

ensure_installed() {
	local base want
	mkdir -p "$DIR/log"
	apt_install "${DEPS[@]}"
	command -v unshare >/dev/null || die "unshare (util-linux) is missing"
	base=$(pkg_version courier-base)
	[ -n "$base" ] || die "courier-base is not installed"
	# courier-imap's version is 5.0.13+<courier-base version>: take the
	# candidate whose suffix matches the installed courier-base.
	want=$(apt-cache madison courier-imap 2>/dev/null | awk -v b="+$base" '{v=$3} index(v, b) == length(v) - length(b) + 1 {print v; exit}')
	if [ -z "$want" ]; then
		apt_update
		want=$(apt-cache madison courier-imap 2>/dev/null | awk -v b="+$base" '{v=$3} index(v, b) == length(v) - length(b) + 1 {print v; exit}')
	fi
	[ -n "$want" ] || die "no courier-imap version matches courier-base $base"
	if [ ! -x "$PKG/root/usr/bin/imapd" ] || [ "$(cat "$PKG/VERSION" 2>/dev/null)" != "$want" ]; then
		fetch_deb courier-imap "$want" "$PKG"
	fi
}

user_home() { echo "$DIR/home/$1"; }

make_maildirs() {
	local u h f
	for u in "${USERS[@]}"; do
		h=$(user_home "$u")
		[ -d "$h/Maildir" ] && continue
		mkdir -p "$h"
		maildirmake "$h/Maildir"
		: >"$h/Maildir/courierimapsubscribed"
		for f in "${FOLDERS[@]}"; do
			maildirmake -f "$f" "$h/Maildir"
			echo "INBOX.$f" >>"$h/Maildir/courierimapsubscribed"
		done
		chmod 700 "$h"
		chown -R mail:mail "$h"
	done
}

write_config() {
	local u pkgetc=$PKG/root/etc/courier
	mkdir -p "$DIR/etc" "$DIR/run/authdaemon" "$DIR/log" "$DIR/home" "$DIR/tls" "$DIR/lib"
	chmod 755 "$DIR" "$DIR/home"
	make_cert "$CERT" "$KEY"
	make_maildirs

	# Everything Courier reads from /etc/courier, starting from the packaged
	# files, then this instance's overrides (later assignments win).
	cp -a /etc/courier/. "$DIR/etc/"
	cat "$KEY" "$CERT" >"$PEM"
	chown courier:courier "$PEM"
	chmod 600 "$PEM"
	[ -s "$DIR/etc/dhparams.pem" ] || certtool --get-dh-params >"$DIR/etc/dhparams.pem" 2>/dev/null ||
		die "certtool could not write DH parameters"
	chown root:courier "$DIR/etc/dhparams.pem"
	chmod 640 "$DIR/etc/dhparams.pem"

	{
		cat /etc/courier/authdaemonrc
		echo
		echo '# scripts/servers/courier.sh'
		echo 'authmodulelist="authuserdb"'
		echo 'daemons=3'
	} >"$DIR/etc/authdaemonrc"

	{
		cat "$pkgetc/imapd"
		cat <<EOF

# scripts/servers/courier.sh
ADDRESS=$HOST
PORT=$PORT
MAXDAEMONS=100
MAXPERIP=100
IMAP_CAPABILITY="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE AUTH=PLAIN"
IMAP_CAPABILITY_TLS="\$IMAP_CAPABILITY"
IMAP_ENHANCEDIDLE=1
IMAP_IDLE_TIMEOUT=2
IMAP_EMPTYTRASH=
IMAP_ULIMITD=
EOF
	} >"$DIR/etc/imapd"

	{
		cat "$pkgetc/imapd-ssl"
		cat <<EOF

# scripts/servers/courier.sh
SSLADDRESS=$HOST
SSLPORT=$TLS_PORT
IMAPDSTARTTLS=YES
TLS_PROTOCOL=TLS1_2+
TLS_STARTTLS_PROTOCOL=TLS1_2+
TLS_CERTFILE=/etc/courier/imapd.pem
TLS_DHPARAMS=/etc/courier/dhparams.pem
TLS_CACHEFILE=$DIR/lib/tlscache
EOF
	} >"$DIR/etc/imapd-ssl"
	: >"$DIR/lib/tlscache"
	chown courier:courier "$DIR/lib/tlscache"
	chmod 600 "$DIR/lib/tlscache"

	# userdb: USER<TAB>field=value|...; systempw is a crypt(3) hash.
	(
		umask 077
		: >"$DIR/etc/userdb"
		for u in "${USERS[@]}"; do
			printf '%s\tuid=%s|gid=%s|home=%s|mail=%s|systempw=%s\n' "$u" "$(id -u mail)" "$(id -g mail)" \
				"$(user_home "$u")" "$(user_home "$u")/Maildir" "$(openssl passwd -6 "${PASS[$u]}")" >>"$DIR/etc/userdb"
		done
	)
	makeuserdb -f "$DIR/etc/userdb" || die "makeuserdb failed"
	chown courier:courier "$DIR/run" "$DIR/run/authdaemon"
	chmod 750 "$DIR/run/authdaemon"
	chmod 775 "$DIR/run"

	# The runner: inside a private mount namespace, bind the folders on the
	# compiled-in paths and start the three processes; SIGTERM stops them.
	cat >"$RUNNER" <<EOF
#!/bin/sh
# Generated by scripts/servers/courier.sh — run inside unshare --mount.
mount --bind "$DIR/etc" /etc/courier || exit 1
mount --bind "$DIR/run" /run/courier || exit 1
cd /
( env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /bin/sh -c 'set -a; . /etc/courier/authdaemonrc; exec /usr/lib/courier/courier-authlib/authdaemond' ) >>"$DIR/log/authdaemond.log" 2>&1 &
a=\$!
# authdaemond's socket must exist before the first login.
i=0
while [ ! -S /run/courier/authdaemon/socket ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
( env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /bin/sh -c 'set -a; . /etc/courier/imapd; . /etc/courier/imapd-ssl; IMAP_STARTTLS=\$IMAPDSTARTTLS; exec couriertcpd -address=\$ADDRESS -maxprocs=\$MAXDAEMONS -maxperip=\$MAXPERIP \$TCPDOPTS \$PORT "$PKG/root/usr/lib/courier/courier/imaplogin" "$PKG/root/usr/bin/imapd" \$MAILDIRPATH' ) >>"$DIR/log/imapd.log" 2>&1 &
p=\$!
( env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /bin/sh -c 'set -a; . /etc/courier/imapd; . /etc/courier/imapd-ssl; IMAP_TLS=1; exec couriertcpd -address=\$SSLADDRESS -maxprocs=\$MAXDAEMONS -maxperip=\$MAXPERIP \$TCPDOPTS \$SSLPORT \$COURIERTLS -server -tcpd -user=courier "$PKG/root/usr/lib/courier/courier/imaplogin" "$PKG/root/usr/bin/imapd" \$MAILDIRPATH' ) >>"$DIR/log/imapd-ssl.log" 2>&1 &
s=\$!
echo "\$a \$p \$s" >"$DIR/run/children.pids"
trap 'kill -TERM \$a \$p \$s 2>/dev/null; wait; exit 0' TERM INT
wait
EOF
	chmod 755 "$RUNNER"
}

runner_pid() {
	local pid
	pid=$(pidfile_pid "$PIDFILE") || return 1
	tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$RUNNER" || return 1
	echo "$pid"
}

is_running() { runner_pid >/dev/null; }

log_tail() {
	local f
	for f in "$DIR"/log/authdaemond.log "$DIR"/log/imapd.log "$DIR"/log/imapd-ssl.log "$DIR"/log/runner.log; do
		if [ -s "$f" ]; then
			echo "---- last lines of $f ----" >&2
			tail -n 15 "$f" >&2
		fi
	done
}

# gam_server processes spawned for this instance's sessions (as `mail`,
# reparented to PID 1), recognised by the TLS_CACHEFILE (a path in DIR) they
# inherit.
gam_pids() {
	local p env
	for p in $(pgrep -x gam_server 2>/dev/null || true); do
		env=$(tr '\0' '\n' 2>/dev/null <"/proc/$p/environ") || continue
		if grep -qxF "TLS_CACHEFILE=$DIR/lib/tlscache" <<<"$env"; then
			echo "$p"
		fi
	done
}

cmd_start() {
	local fresh=0 pid
	start_opts "$@"
	[ "$(id -u)" = 0 ] || die "start must run as root (bind mounts in a private namespace)"
	if is_running; then
		if [ "$fresh" = 0 ]; then
			note "already running (pid $(runner_pid)) on $HOST:$PORT and $HOST:$TLS_PORT"
			return 0
		fi
		cmd_stop
	fi
	ensure_installed
	if [ "$fresh" = 1 ]; then
		rm -rf "$DIR/home"
		note "mail of ${USERS[*]} wiped"
	fi
	write_config
	mkdir -p /run/courier # the mount point; /etc/courier comes with courier-base
	rm -f "$PIDFILE" "$DIR/run/children.pids"
	: >"$DIR/log/runner.log"
	setsid unshare --mount --propagation private "$RUNNER" </dev/null >>"$DIR/log/runner.log" 2>&1 &
	pid=$!
	echo "$pid" >"$PIDFILE"
	await_start 1 cmd_stop
	note "running (pid $pid) on $HOST:$PORT (plain+STARTTLS) and $HOST:$TLS_PORT (TLS); state in $DIR"
}

cmd_stop() {
	local pid c
	if pid=$(runner_pid); then
		stop_pid "$pid"
		# Children the runner could not stop (SIGKILLed runner).
		for c in $(cat "$DIR/run/children.pids" 2>/dev/null); do stop_pid "$c"; done
		wait_ports_free || note "ports $PORT/$TLS_PORT still accept after stopping"
	fi
	for c in $(gam_pids); do kill -TERM "$c" 2>/dev/null || true; done
	rm -f "$PIDFILE"
}

cmd_status() { show_status runner_pid; }

cmd_env() {
	print_env IMAPKIT_COURIER
	printf 'export IMAPKIT_COURIER_DIR=%q\n' "$DIR"
}

cmd_install() {
	ensure_installed
	note "courier-imap $(cat "$PKG/VERSION") unpacked in $PKG/root"
}

cmd_log() {
	local f
	for f in "$DIR"/log/*.log; do
		echo "==> $f"
		tail -n "${1:-50}" "$f"
	done
}

main 17 "$@"
