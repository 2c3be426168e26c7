# scripts/servers/lib.sh — helpers shared by dovecot.sh, cyrus.sh and
# courier.sh (sourced, not run). The caller sets NAME (for messages), DIR
# (absolute state folder), HOST, PORT, TLS_PORT, CERT and PASS (test user ->
# password) before using them.

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C.UTF-8

die() {
	echo "$NAME.sh: $*" >&2
	exit 1
}
note() { echo "$NAME.sh: $*" >&2; }

abs_dir() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$(pwd)/$1" ;;
	esac
}

apt_updated=0
apt_update() {
	if [ "$apt_updated" = 0 ]; then
		note "apt-get update"
		apt-get update -qq -o DPkg::Lock::Timeout=300 >&2
		apt_updated=1
	fi
}

# policy-rc.d: keep packaged daemons (exim4, cyrus, courier-authdaemon) from
# starting during an install. Most container images already have one that
# denies everything; if not, one is put in place for the install only.
with_policy_rc_d() {
	local made=0 rc=0
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		made=1
	fi
	"$@" || rc=$?
	if [ "$made" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
	return "$rc"
}

pkg_version() { dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null | awk '$3 == "installed" {print $4}'; }

# apt_install PKG... — install the packages that are not installed yet (never
# an IMAP server package: those remove each other through imap-server). apt
# output goes to DIR/log/apt.log; its tail is shown on failure.
apt_install() {
	local p missing=()
	for p in "$@"; do
		[ -n "$(pkg_version "$p")" ] || missing+=("$p")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	[ "$(id -u)" = 0 ] || die "packages ${missing[*]} are missing and we are not root"
	note "installing ${missing[*]}"
	apt_get_install "${missing[@]}"
}

# apt_get_install PKG... — apt-get install PKG... whether installed or not (so
# also an upgrade), updating the lists once and retrying when that fails. apt
# output goes to DIR/log/apt.log; its tail is shown on failure.
apt_get_install() {
	# Lock::Timeout: wait (up to 5 min) for another apt/dpkg run instead of failing.
	# --force-unsafe-io: no fsync per unpacked file (much faster on busy disks).
	local quiet=(-y -qq -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-unsafe-io
		--no-install-recommends) alog=$DIR/log/apt.log
	mkdir -p "$DIR/log"
	# Stale or missing lists: update once and retry.
	if ! apt-cache show "$@" >/dev/null 2>&1; then apt_update; fi
	if ! with_policy_rc_d apt-get install "${quiet[@]}" "$@" >>"$alog" 2>&1; then
		apt_update
		if ! with_policy_rc_d apt-get install "${quiet[@]}" "$@" >>"$alog" 2>&1; then
			tail -n 30 "$alog" >&2
			die "apt-get install $* failed (full output in $alog)"
		fi
	fi
}

# fetch_deb PKG VERSION DEST — apt-get download PKG=VERSION and unpack it with
# dpkg-deb -x into DEST/root (never installed, so the three IMAP servers'
# packages, which conflict, can sit side by side). DEST/VERSION records it.
fetch_deb() {
	local pkg=$1 version=$2 dest=$3 tmp deb
	note "fetching $pkg=$version (apt-get download + dpkg-deb -x into $dest)"
	rm -rf "$dest"
	tmp=$dest/dl
	mkdir -p "$tmp"
	if ! (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg=$version" >&2); then
		apt_update
		(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg=$version" >&2) ||
			die "apt-get download $pkg=$version failed"
	fi
	deb=$(ls "$tmp"/*.deb)
	dpkg-deb -x "$deb" "$dest/root"
	rm -rf "$tmp"
	echo "$version" >"$dest/VERSION"
}

# alive PID: the process exists and is not a zombie (PID 1 of some containers
# does not reap orphans).
alive() {
	local state
	kill -0 "$1" 2>/dev/null || return 1
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

accepts() {
	(exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# greets PORT: the plain port sends an untagged OK greeting within 2 s.
greets() {
	local line
	exec 3<>"/dev/tcp/$HOST/$1" || return 1
	IFS= read -r -t 2 line <&3 || line=
	exec 3<&- 3>&-
	[[ $line == "* OK"* ]]
}

# tls_greets PORT: a TLS handshake on PORT succeeds and the server greets.
# openssl s_client gets a LOGOUT on stdin (with </dev/null it would wait
# forever: -quiet implies -ign_eof) and is bounded by timeout.
tls_greets() {
	local out
	out=$(printf 'a LOGOUT\r\n' | timeout 5 openssl s_client -quiet -connect "$HOST:$1" -servername localhost 2>/dev/null | head -c 4096) || true
	[[ $out == "* OK"* ]]
}

# make_cert CERT KEY — a self-signed certificate for localhost/127.0.0.1.
make_cert() {
	local cert=$1 key=$2
	[ -s "$cert" ] && [ -s "$key" ] && return 0
	mkdir -p "$(dirname "$cert")"
	openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
		-keyout "$key" -out "$cert" -subj "/CN=localhost/O=imapkit test" \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-addext "basicConstraints=critical,CA:TRUE" >/dev/null 2>&1 ||
		die "openssl could not create the test certificate"
	chmod 600 "$key"
	chmod 644 "$cert"
}

# wait_ready DEADLINE_SECONDS CHECK_ALIVE [GRACE_SECONDS] — wait until the
# plain port greets and the TLS port completes a handshake and greets; fail
# early (status 2) when CHECK_ALIVE (a command) says the server died, asking
# it from GRACE_SECONDS (default 1) on, status 1 at the deadline.
wait_ready() {
	local timeout=$1 check=$2 grace=${3:-1} deadline t0=$SECONDS
	deadline=$((SECONDS + timeout))
	until accepts "$PORT" && accepts "$TLS_PORT" && greets "$PORT" 2>/dev/null && tls_greets "$TLS_PORT"; do
		if [ $((SECONDS - t0)) -ge "$grace" ] && ! $check; then
			return 2
		fi
		if [ $SECONDS -ge $deadline ]; then
			return 1
		fi
		sleep 0.1
	done
}

# start_opts ARGS... — cmd_start's options: --fresh sets fresh=1 (a local the
# caller declares, seen here through bash's dynamic scope); any other dies.
start_opts() {
	local a
	for a in "$@"; do
		case $a in
		--fresh) fresh=1 ;;
		*) die "start: unknown option $a" ;;
		esac
	done
}

# await_start GRACE_SECONDS [ON_TIMEOUT...] — the end of every cmd_start:
# wait_ready for START_TIMEOUT seconds, with is_running as the liveness check
# (asked from GRACE_SECONDS on); on failure print log_tail, run ON_TIMEOUT (a
# command, e.g. cmd_stop) when the server did not greet in time, and die.
await_start() {
	local grace=$1 rc=0
	shift
	wait_ready "$START_TIMEOUT" is_running "$grace" || rc=$?
	case $rc in
	0) return 0 ;;
	2)
		log_tail
		die "$NAME exited during start-up"
		;;
	esac
	log_tail
	if [ $# -gt 0 ]; then "$@"; fi
	die "$NAME did not greet on $HOST:$PORT and $HOST:$TLS_PORT (TLS) within ${START_TIMEOUT}s"
}

# pidfile_pid FILE — the pid FILE names, when that process is alive (the
# caller still checks that it is its server, not a recycled pid).
pidfile_pid() {
	local pid
	[ -f "$1" ] || return 1
	pid=$(cat "$1" 2>/dev/null) || return 1
	[ -n "$pid" ] && alive "$pid" || return 1
	echo "$pid"
}

# wait_ports_free: after a stop, until neither port accepts (at most 5 s).
wait_ports_free() {
	local i
	for ((i = 0; i < 100; i++)); do
		accepts "$PORT" || accepts "$TLS_PORT" || return 0
		sleep 0.05
	done
	return 1
}

# stop_pid PID — SIGTERM, wait up to 10 s, then SIGKILL.
stop_pid() {
	local pid=$1 i
	alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 200; i++)); do
		alive "$pid" || return 0
		sleep 0.05
	done
	note "pid $pid did not stop after SIGTERM; sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null || true
}

# show_status PID_FUNC — the status subcommand: exit 0 iff PID_FUNC (which
# prints the server's pid or fails) finds the instance running.
show_status() {
	local pid
	if pid=$($1); then
		echo "$NAME running: pid $pid, $HOST:$PORT (plain+STARTTLS), $HOST:$TLS_PORT (TLS), state $DIR"
		return 0
	fi
	echo "$NAME not running (state $DIR)"
	return 1
}

# print_env PREFIX — the export lines every server's env subcommand prints
# (PREFIX_ADDR, _TLS_ADDR, _CA and the three test users testuser, testuser2,
# utf8user); the caller adds its own after them.
print_env() {
	local p=$1
	printf 'export %s_ADDR=%q\n' "$p" "$HOST:$PORT"
	printf 'export %s_TLS_ADDR=%q\n' "$p" "$HOST:$TLS_PORT"
	printf 'export %s_CA=%q\n' "$p" "$CERT"
	printf 'export %s_USER=%q\n' "$p" testuser
	printf 'export %s_PASS=%q\n' "$p" "${PASS[testuser]}"
	printf 'export %s_USER2=%q\n' "$p" testuser2
	printf 'export %s_PASS2=%q\n' "$p" "${PASS[testuser2]}"
	printf 'export %s_UTF8_USER=%q\n' "$p" utf8user
	printf 'export %s_UTF8_PASS=%q\n' "$p" "${PASS[utf8user]}"
}

# main USAGE_LINES [SUBCOMMAND ARGS...] — run a server script's subcommand:
# restart is stop + start, help (or none, or an unknown one) prints lines 2
# to USAGE_LINES of the script's header; any other SUB runs the script's
# cmd_SUB function (install, start, stop, status, env, log, ...).
main() {
	local lines=$1 sub
	shift
	if [ $# -lt 1 ]; then usage "$lines"; fi
	sub=$1
	shift
	case $sub in
	restart)
		cmd_stop
		cmd_start "$@"
		;;
	-h | --help | help) usage "$lines" ;;
	*)
		if [[ $sub =~ ^[a-z]+$ ]] && declare -F "cmd_$sub" >/dev/null; then
			"cmd_$sub" "$@"
		else
			usage "$lines"
		fi
		;;
	esac
}

usage() {
	sed -n "2,${1}p" "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
