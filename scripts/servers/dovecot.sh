#!/usr/bin/env bash
# scripts/servers/dovecot.sh — a private Dovecot 2.3 test server on 127.0.0.1.
#
# Usage:
#   dovecot.sh install                  install Dovecot if missing (no server started)
#   dovecot.sh start [--fresh]          install if missing, write the config, start,
#                                       wait until it greets; --fresh wipes mail first
#   dovecot.sh stop                     stop the instance (idempotent)
#   dovecot.sh restart [--fresh]        stop + start
#   dovecot.sh status                   exit 0 iff the instance is running
#   dovecot.sh env                      print `export` lines for the tests (eval them)
#   dovecot.sh reset                    wipe every test user's mail (server may run)
#   dovecot.sh seed USER MAILBOX COUNT SIZE
#                                       write COUNT messages of SIZE bytes straight
#                                       into USER's Maildir mailbox (fast; for big
#                                       mailboxes and benchmarks)
#   dovecot.sh log                      print the tail of the server log
#
# Environment (all optional):
#   IMAPKIT_DOVECOT_DIR       state folder            (default /tmp/imapkit-dovecot)
#   IMAPKIT_DOVECOT_PORT      plain + STARTTLS port   (default 10143)
#   IMAPKIT_DOVECOT_TLS_PORT  implicit TLS port       (default 10993)
#   IMAPKIT_DOVECOT_MAIL_UID  uid/gid of mail files   (default 4000)
#
# Installation follows ../../../shared/SERVERS.md: only dovecot-core is installed
# with apt (it conflicts with nothing); dovecot-imapd, which conflicts with the
# Cyrus and Courier server packages through `imap-server`, is fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into DIR/pkg, and the
# config points every imap service and mail_plugin_dir there. If dovecot-imapd
# is installed system-wide with the same version, its files are used instead.
# No systemd, no /etc/dovecot: everything the instance uses lives in DIR.
set -euo pipefail

NAME=dovecot
DIR=${IMAPKIT_DOVECOT_DIR:-/tmp/imapkit-dovecot}
PORT=${IMAPKIT_DOVECOT_PORT:-10143}
TLS_PORT=${IMAPKIT_DOVECOT_TLS_PORT:-10993}
MAIL_UID=${IMAPKIT_DOVECOT_MAIL_UID:-4000}
HOST=127.0.0.1
START_TIMEOUT=10 # seconds

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# Dovecot needs absolute paths everywhere.
DIR=$(abs_dir "$DIR")

# Test users: name, password. The third has a UTF-8 password.
USERS=(testuser testuser2 utf8user)
declare -A PASS=([testuser]=testpass [testuser2]=testpass2 [utf8user]='pässwörd')

CONF=$DIR/dovecot.conf
PIDFILE=$DIR/run/master.pid
LOG=$DIR/log/dovecot.log
CERT=$DIR/tls/cert.pem
KEY=$DIR/tls/key.pem
PKG=$DIR/pkg

# ---------------------------------------------------------------------------
# Installation (apt_install, apt_get_install, pkg_version: lib.sh)

# IMAP_LIBEXEC: the folder holding imap, imap-login, ...; PLUGIN_DIR: a folder
# with every mail plugin (core + imap). Both are set by ensure_installed.
IMAP_LIBEXEC=
PLUGIN_DIR=

ensure_installed() {
	local core imapd
	if [ ! -x /usr/sbin/dovecot ] || [ -z "$(pkg_version dovecot-core)" ]; then
		[ "$(id -u)" = 0 ] || die "dovecot-core is not installed and we are not root"
		note "installing dovecot-core"
		apt_get_install dovecot-core
	fi
	# Name openssl only when missing: naming it would also upgrade it.
	command -v openssl >/dev/null || apt_get_install openssl
	core=$(pkg_version dovecot-core)
	imapd=$(pkg_version dovecot-imapd)
	if [ -n "$imapd" ] && [ "$imapd" = "$core" ]; then
		IMAP_LIBEXEC=/usr/lib/dovecot
		PLUGIN_DIR=/usr/lib/dovecot/modules
		return
	fi
	if [ ! -x "$PKG/root/usr/lib/dovecot/imap" ] || [ "$(cat "$PKG/VERSION" 2>/dev/null)" != "$core" ]; then
		fetch_imapd "$core"
	fi
	IMAP_LIBEXEC=$PKG/root/usr/lib/dovecot
	PLUGIN_DIR=$PKG/modules
}

# Download dovecot-imapd=VERSION and unpack it privately (never installed, so
# cyrus-imapd / courier-imap can be installed or unpacked next to it).
fetch_imapd() {
	local version=$1 tmp deb
	note "fetching dovecot-imapd=$version (apt-get download + dpkg-deb -x into $PKG)"
	rm -rf "$PKG"
	mkdir -p "$PKG/dl"
	tmp=$PKG/dl
	if ! (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "dovecot-imapd=$version" >&2); then
		apt_update
		if ! (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "dovecot-imapd=$version" >&2); then
			# The installed dovecot-core is no longer downloadable: upgrade it.
			note "dovecot-imapd=$version is not available; upgrading dovecot-core"
			apt_get_install dovecot-core
			version=$(pkg_version dovecot-core)
			(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "dovecot-imapd=$version" >&2)
		fi
	fi
	deb=$(ls "$tmp"/dovecot-imapd_*.deb)
	dpkg-deb -x "$deb" "$PKG/root"
	rm -rf "$tmp"
	# mail_plugin_dir is a single folder: link the core plugins and the imap ones.
	mkdir -p "$PKG/modules"
	ln -sf /usr/lib/dovecot/modules/*.so "$PKG/modules/"
	ln -sf "$PKG"/root/usr/lib/dovecot/modules/*.so "$PKG/modules/"
	echo "$version" >"$PKG/VERSION"
}

# ---------------------------------------------------------------------------
# Configuration

user_home() { echo "$DIR/home/$1"; }

make_homes() {
	local u h
	for u in "${USERS[@]}"; do
		h=$(user_home "$u")
		if [ ! -d "$h" ]; then
			mkdir -p "$h"
			chmod 700 "$h"
			chown "$MAIL_UID:$MAIL_UID" "$h"
		fi
	done
}

write_config() {
	local u svc
	mkdir -p "$DIR" "$DIR/log" "$DIR/state" "$DIR/home"
	chmod 755 "$DIR" "$DIR/home"
	make_cert "$CERT" "$KEY"
	make_homes

	# passwd-file: user:{PLAIN}password:uid:gid::home::
	: >"$DIR/passwd.tmp"
	for u in "${USERS[@]}"; do
		printf '%s:{PLAIN}%s:%s:%s::%s::\n' "$u" "${PASS[$u]}" "$MAIL_UID" "$MAIL_UID" "$(user_home "$u")" >>"$DIR/passwd.tmp"
	done
	# Read by the auth process, which runs as the dovecot user.
	chgrp dovecot "$DIR/passwd.tmp"
	chmod 640 "$DIR/passwd.tmp"
	mv "$DIR/passwd.tmp" "$DIR/passwd"

	{
		cat <<EOF
# Generated by scripts/servers/dovecot.sh — do not edit, it is rewritten on start.
# A self-contained private instance: nothing is read from /etc/dovecot.
instance_name = imapkit-dovecot
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $LOG
info_log_path = $LOG
debug_log_path = $LOG
log_timestamp = "%Y-%m-%d %H:%M:%S "
verbose_proctitle = yes

protocols = imap
listen = $HOST

ssl = yes
ssl_cert = <$CERT
ssl_key = <$KEY
ssl_dh = </usr/share/dovecot/dh.pem

disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 digest-md5 scram-sha-1 scram-sha-256
auth_failure_delay = 0
auth_verbose = yes

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $DIR/passwd
}
first_valid_uid = 1
first_valid_gid = 1

mail_location = maildir:~/Maildir
mail_plugin_dir = $PLUGIN_DIR
mail_plugins = \$mail_plugins quota acl zlib
mailbox_list_index = yes
imap_metadata = yes
mail_attribute_dict = file:%h/dovecot-attributes
mail_max_userip_connections = 1000

namespace inbox {
  inbox = yes
  separator = /
  prefix =
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
  mailbox "All Mail" {
    special_use = \\All
    auto = no
  }
  mailbox Flagged {
    special_use = \\Flagged
    auto = no
  }
}

plugin {
  quota = count:User quota
  quota_vsizes = yes
  quota_rule = *:storage=100G
  quota_rule2 = Trash:storage=+10%%
  acl = vfile
}

protocol imap {
  mail_plugins = \$mail_plugins imap_quota imap_acl imap_zlib
}

service imap-login {
  executable = $IMAP_LIBEXEC/imap-login
  inet_listener imap {
    address = $HOST
    port = $PORT
  }
  inet_listener imaps {
    address = $HOST
    port = $TLS_PORT
    ssl = yes
  }
  # One pre-forked login process serving every connection (high-performance mode).
  service_count = 0
  process_min_avail = 1
}
service imap {
  executable = $IMAP_LIBEXEC/imap
  process_limit = 1024
}
EOF
		# The other imap services must exist even though they are not used.
		for svc in imap-hibernate imap-urlauth imap-urlauth-login imap-urlauth-worker; do
			printf 'service %s {\n  executable = %s/%s\n}\n' "$svc" "$IMAP_LIBEXEC" "$svc"
		done
	} >"$CONF.tmp"
	mv "$CONF.tmp" "$CONF"
}

# ---------------------------------------------------------------------------
# Running

# alive, accepts, greets, stop_pid, wait_ports_free: lib.sh. PID 1 of some
# containers does not reap orphans, so an exited (daemonized) master can linger
# as <defunct>: alive says no to it.

master_pid() {
	local pid
	pid=$(pidfile_pid "$PIDFILE") || return 1
	# The pid must still be a dovecot master (not a recycled pid).
	grep -q dovecot "/proc/$pid/comm" 2>/dev/null || return 1
	echo "$pid"
}

is_running() { master_pid >/dev/null; }

log_tail() {
	if [ -f "$LOG" ]; then
		echo "---- last lines of $LOG ----" >&2
		tail -n 30 "$LOG" >&2
	fi
}

cmd_start() {
	local fresh=0
	start_opts "$@"
	[ "$(id -u)" = 0 ] || die "start must run as root (Dovecot drops privileges itself)"
	if is_running; then
		if [ "$fresh" = 1 ]; then cmd_reset; fi
		note "already running (pid $(master_pid)) on $HOST:$PORT and $HOST:$TLS_PORT"
		return 0
	fi
	ensure_installed
	write_config
	if [ "$fresh" = 1 ]; then cmd_reset; fi
	rm -f "$PIDFILE"
	# Not $(...): the daemonized master would keep the pipe open forever.
	if ! /usr/sbin/dovecot -c "$CONF" </dev/null >"$DIR/log/start.out" 2>&1; then
		cat "$DIR/log/start.out" >&2
		log_tail
		die "dovecot failed to start"
	fi
	# Ready when both ports greet. The pid file appears right after the
	# master daemonizes; allow 2 s before asking whether it died.
	await_start 2
	note "running (pid $(master_pid)) on $HOST:$PORT (plain+STARTTLS) and $HOST:$TLS_PORT (TLS); state in $DIR"
}

cmd_stop() {
	local pid
	if pid=$(master_pid); then
		# The master stops its children, waits for its log process (about
		# 1 s), then exits. Then wait until the ports are released, so that
		# an immediate start can bind.
		stop_pid "$pid"
		wait_ports_free || note "ports $PORT/$TLS_PORT still accept after stopping"
	fi
	rm -f "$PIDFILE"
}

cmd_status() { show_status master_pid; }

imap_bin() {
	local core imapd
	imapd=$(pkg_version dovecot-imapd)
	core=$(pkg_version dovecot-core)
	if [ -n "$imapd" ] && [ "$imapd" = "$core" ]; then
		echo /usr/lib/dovecot/imap
	else
		echo "$PKG/root/usr/lib/dovecot/imap"
	fi
}

# The PREAUTH command: Dovecot's imap binary on stdin/stdout, logged in as
# testuser. Needs the config written by `start` but no running master.
preauth_cmd() {
	local user=${1:-testuser}
	local -a cmd=(env -i "USER=$user" "HOME=$(user_home "$user")" "$(imap_bin)" -c "$CONF"
		-o "mail_uid=$MAIL_UID" -o "mail_gid=$MAIL_UID" -o "stats_writer_socket_path=")
	if [ "$(id -u)" != 0 ]; then
		cmd=(setpriv --reuid "$MAIL_UID" --regid "$MAIL_UID" --clear-groups "${cmd[@]}")
	fi
	printf '%q ' "${cmd[@]}" | sed 's/ $//'
}

cmd_env() {
	print_env IMAPKIT_DOVECOT
	printf 'export IMAPKIT_DOVECOT_PREAUTH_CMD=%q\n' "$(preauth_cmd testuser)"
	printf 'export IMAPKIT_DOVECOT_DIR=%q\n' "$DIR"
}

# Wipe every test user's mail (home folder). Works while the server runs:
# Dovecot recreates the Maildir, the special-use folders and the indexes at the
# next login. Sessions open at that moment see their mailbox vanish.
cmd_reset() {
	local u h
	mkdir -p "$DIR/home"
	for u in "${USERS[@]}"; do
		h=$(user_home "$u")
		rm -rf "$h"
	done
	make_homes
	note "mail of ${USERS[*]} wiped"
}

# seed USER MAILBOX COUNT SIZE — write COUNT messages of exactly SIZE bytes
# (LF line ends; at least the ~330 bytes of headers) into the Maildir of
# MAILBOX. MAILBOX is INBOX or a name in the personal namespace with "/" as
# separator, ASCII only (a non-ASCII name must be given in modified UTF-7, as
# it is stored on disk), without ".". Files go into cur/ flagged as seen=no,
# with no S=/W= fields in their names, owned by the mail uid, so Dovecot indexes
# them at the next SELECT/STATUS. A new mailbox is created (not subscribed).
cmd_seed() {
	[ $# -eq 4 ] || die "usage: seed USER MAILBOX COUNT SIZE"
	local user=$1 mbox=$2 count=$3 size=$4 home md dir
	[[ $count =~ ^[0-9]+$ ]] || die "seed: COUNT must be a number"
	[[ $size =~ ^[0-9]+$ ]] || die "seed: SIZE must be a number"
	[[ " ${USERS[*]} " == *" $user "* ]] || die "seed: unknown user $user (one of ${USERS[*]})"
	[[ $mbox =~ ^[][A-Za-z0-9\ _\&,+=@!#%\'\(\)/-]+$ ]] || die "seed: mailbox name must be ASCII without '.' (modified UTF-7 for others)"
	umask 077
	home=$(user_home "$user")
	[ -d "$home" ] || make_homes
	md=$home/Maildir
	if [ "${mbox^^}" = INBOX ]; then
		dir=$md
	else
		dir=$md/.${mbox//\//.}
	fi
	mkdir -p "$md/cur" "$md/new" "$md/tmp" "$dir/cur" "$dir/new" "$dir/tmp"
	[ "$dir" = "$md" ] || touch "$dir/maildirfolder"
	awk -v count="$count" -v size="$size" -v user="$user" -v mbox="$mbox" \
		-v dir="$dir/cur" -v base="$(date +%s)" -v pid=$$ '
	BEGIN {
		fill = "The quick brown fox jumps over the lazy dog; pack my box with five dozen"
		while (length(fill) < 76) fill = fill " liquor jugs"
		fill = substr(fill, 1, 76)
		for (n = 1; n <= count; n++) {
			f = sprintf("%s/%d.M%08dP%d.imapkit-seed:2,", dir, base, n, pid)
			h = "Return-Path: <seed@example.com>\n" \
			    sprintf("Date: %s\n", strftime_rfc(base - count + n)) \
			    "From: Seed Sender <seed@example.com>\n" \
			    sprintf("To: %s <%s@example.org>\n", user, user) \
			    sprintf("Subject: Seed message %d of %d in %s\n", n, count, mbox) \
			    sprintf("Message-ID: <seed-%d-%d-%d@example.com>\n", base, pid, n) \
			    "MIME-Version: 1.0\n" \
			    "Content-Type: text/plain; charset=us-ascii\n" \
			    "\n"
			printf "%s", h > f
			rest = size - length(h)
			i = 0
			while (rest >= 77) {
				line = sprintf("%06d ", ++i) substr(fill, 1, 69)
				printf "%s\n", line > f
				rest -= 77
			}
			if (rest > 0) printf "%s\n", substr(sprintf("%06d ", ++i) fill, 1, rest - 1) > f
			close(f)
		}
	}
	# A valid RFC 5322 date without weekday (mawk has no strftime).
	function strftime_rfc(t,   d) {
		d = int(t / 86400) % 28 + 1
		return sprintf("%02d Jan 2024 %02d:%02d:%02d +0000", d, int(t / 3600) % 24, int(t / 60) % 60, t % 60)
	}'
	chown -R "$MAIL_UID:$MAIL_UID" "$md"
	note "seeded $count message(s) of $size bytes into $user/$mbox ($dir)"
}

cmd_install() {
	ensure_installed
	note "dovecot $(/usr/sbin/dovecot --version) ready; imap binaries in $IMAP_LIBEXEC"
}

cmd_log() { tail -n "${1:-50}" "$LOG"; }

main 20 "$@"
