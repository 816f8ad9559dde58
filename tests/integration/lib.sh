# The harness start of the integration tests: sourcing this file starts
# a test.  Without root it skips the whole file (saying why); with root it
# creates the test's directory under /srv, sets the EXIT trap that removes
# it, and defines how to start a real nginx on 127.0.0.1 in front of a
# real safecgi, both fresh for each test file.  The TAP helpers are in
# tap.sh, which has no side effects.
#
# Needs: top_srcdir, top_builddir (set by make check).

set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/integration/tap.sh"

need_root
# the harness itself: a failure, naming the tool, if one is missing
for tool in nginx curl python3 setpriv ss; do
	command -v "$tool" >/dev/null 2>&1 ||
	    bail_out "$tool is not installed (TEST_DEPS in contrib/quickstart.sh)"
done

SAFECGI="$top_builddir/src/safecgi"

# Outside /tmp: scripts get a private /tmp, so they could not run from it.
T=$(mktemp -d /srv/safecgi-test.XXXXXX)
chmod 755 "$T"
DOCROOT="$T/www"
CGIBIN="$DOCROOT/cgi-bin"
SOCK="$T/safecgi.sock"
AUDIT="$T/audit.jsonl"
ERRLOG="$T/safecgi.log"
# Four ports from PORT (tests use up to PORT + 2), below the kernel's
# ephemeral range (32768 and up): a client connection there, this test's
# or anyone's, would hold a port nginx then cannot bind.  Skipped while
# any socket holds one of them.
PORT=$((20000 + ($$ % 3000) * 4))
_n=0
while [ -n "$(ss -Htan "sport >= :$PORT and sport <= :$((PORT + 3))" 2>/dev/null)" ] &&
    [ $_n -lt 100 ]; do
	PORT=$((PORT + 4 > 31996 ? 20000 : PORT + 4))
	_n=$((_n + 1))
done
BASE="http://127.0.0.1:$PORT"
SAFECGI_PID=
NGINX_PID=

mkdir -p "$CGIBIN" "$T/nginx" "$T/profiles"
chmod 755 "$DOCROOT" "$CGIBIN"

cleanup() {
	[ -n "$SAFECGI_PID" ] && kill -INT "$SAFECGI_PID" 2>/dev/null
	[ -f "$T/nginx/nginx.pid" ] && kill "$(cat "$T/nginx/nginx.pid")" 2>/dev/null
	sleep 0.3
	[ -n "$SAFECGI_PID" ] && kill -KILL "$SAFECGI_PID" 2>/dev/null
	if [ -n "${KEEP_TEST_DIR:-}" ]; then
		echo "# kept $T" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

# The sanitizer build's daemon (contrib/quickstart.sh runs the core
# integration tests with it, SAFECGI_SANITIZED=1): a report from
# AddressSanitizer or UBSan ends the process with status 86, which the
# master logs for a worker and the worker for a spawner; one more check
# says that no process of safecgi ended so.
if [ -n "${SAFECGI_SANITIZED:-}" ]; then
	ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	UBSAN_OPTIONS="exitcode=86:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
	export ASAN_OPTIONS UBSAN_OPTIONS
	sanitizer_quiet() {
		check "no process of safecgi ended on a sanitizer report" \
		    sh -c "! grep -E 'exited with 86' '$ERRLOG'"
	}
	TAP_BEFORE_PLAN=sanitizer_quiet
fi

# On failure, the end of both logs goes into the TAP output.
harness_logs() {
	echo "# safecgi log:" ; sed 's/^/#   /' "$ERRLOG" 2>/dev/null | tail -40
	echo "# nginx error log:" ; sed 's/^/#   /' "$T/nginx/error.log" 2>/dev/null | tail -20
}
TAP_ON_FAILURE=harness_logs

install_script() {	# install_script SRC [NAME]
	name=${2:-$(basename "$1")}
	install -m 0755 -o root -g root "$1" "$CGIBIN/$name"
}

install_test_scripts() {
	for s in "$top_srcdir"/tests/cgi/scripts/*; do
		install_script "$s"
	done
	for c in hello hostile vuln_system; do
		[ -x "$top_builddir/tests/cgi/$c" ] &&
		    install_script "$top_builddir/tests/cgi/$c" "$c"
	done
	return 0
}

start_nginx() {	# extra location blocks may be given in $NGINX_EXTRA
	cat > "$T/nginx/nginx.conf" <<NGINX
user www-data;
worker_processes 2;
error_log $T/nginx/error.log info;
pid $T/nginx/nginx.pid;
events { worker_connections 1024; }
http {
	access_log $T/nginx/access.log;
	client_body_temp_path $T/nginx/body;
	fastcgi_temp_path $T/nginx/fastcgi;
	proxy_temp_path $T/nginx/proxy;
	uwsgi_temp_path $T/nginx/uwsgi;
	scgi_temp_path $T/nginx/scgi;
	client_max_body_size 0;
	server {
		listen 127.0.0.1:$PORT;
		root $DOCROOT;
		location /cgi-bin/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_pass unix:$SOCK;
			fastcgi_read_timeout 300s;
			fastcgi_request_buffering off;
			fastcgi_buffering off;
		}
		${NGINX_EXTRA:-}
	}
}
NGINX
	nginx -c "$T/nginx/nginx.conf" -p "$T/nginx" -e "$T/nginx/error.log" ||
	    { echo "Bail out! nginx did not start"; exit 1; }
}

# Rootless runs: ROOTLESS_UID set, safecgi is started by that uid (and
# gid), with no supplementary group, and owns the test directory for its
# socket and logs; root then hands the socket to nginx's group, as a
# socket unit would.  setpriv execs: SAFECGI_PID is safecgi's own pid.
ROOTLESS_UID=${ROOTLESS_UID:-}

start_safecgi() {	# extra flags as arguments
	_log=${SAFECGI_ERRLOG:-$ERRLOG}
	_ready=$(grep -c "ready: " "$_log" 2>/dev/null) || :
	if [ -n "$ROOTLESS_UID" ]; then
		chown "$ROOTLESS_UID" "$T"
		setpriv --reuid="$ROOTLESS_UID" --regid="$ROOTLESS_UID" \
		    --clear-groups "$SAFECGI" -s "unix:$SOCK" \
		    --error-log "${SAFECGI_ERRLOG:-$ERRLOG}" \
		    --audit-log "$AUDIT" --profile-dir "$T/profiles" "$@" &
	else
		"$SAFECGI" -s "unix:$SOCK" --socket-group www-data \
		    --error-log "${SAFECGI_ERRLOG:-$ERRLOG}" \
		    --audit-log "$AUDIT" --profile-dir "$T/profiles" "$@" &
	fi
	SAFECGI_PID=$!
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -S "$SOCK" ] || { echo "Bail out! safecgi did not start"; cat "$ERRLOG"; exit 1; }
	[ -z "$ROOTLESS_UID" ] || chgrp www-data "$SOCK"
	# the workers build their jails: the master says "ready" once every
	# one serves (a start that never gets there fails the checks after)
	i=0
	while [ "$(grep -c "ready: " "$_log" 2>/dev/null)" -le "${_ready:-0}" ] &&
	    [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# http_status URL [curl args]
http_status() {
	url=$1
	shift
	curl -s -o "$T/body" -w '%{http_code}' --max-time 30 "$@" "$url"
}

body() { cat "$T/body"; }

# test_procs CMDLINE: pids of live processes whose command line is
# exactly CMDLINE and that a request of this test started: their
# environment names a script of this test's own directory.  Wherever
# they are in the process tree (an escaped daemon, a dead master), and
# never another test's or the host's processes of the same name.  One
# whose environment cannot be read is counted: a check must not pass for
# want of reading it.
test_procs() {
	for p in $(pgrep -x -f "$1"); do
		env=$(tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null)
		if [ -z "$env" ] ||
		    printf '%s\n' "$env" | grep -q "^SCRIPT_FILENAME=$CGIBIN/"; then
			echo "$p"
		fi
	done
	return 0
}

# wait_gone CMDLINE SECONDS: true when no such process of this test is
# left
wait_gone() {
	i=0
	while [ -n "$(test_procs "$1")" ] && [ $i -lt $(($2 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -z "$(test_procs "$1")" ]
}

# audit_has EVENT [FIELD VALUE]: the JSON audit log has such an event
audit_has() {
	sleep 0.3
	if [ $# -ge 3 ]; then
		grep "\"event\":\"$1\"" "$AUDIT" 2>/dev/null | grep -q "\"$2\":\"$3"
	else
		grep -q "\"event\":\"$1\"" "$AUDIT" 2>/dev/null
	fi
}

# log_has PATTERN: the error log has a line matching PATTERN (grep -E),
# waiting up to 5 s for it: the worker answers first and its log line
# reaches the master's log a moment later.
log_has() {
	_i=0
	while [ $_i -lt 50 ]; do
		grep -Eq -- "$1" "$ERRLOG" 2>/dev/null && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# A profile for the test scripts: they may run the few tools they use.
write_test_profile() {
	cat > "$T/profiles/tests.conf" <<PROFILE
[profile]
name = tests
match = $CGIBIN/*
[limits]
; counted per user across all requests: room for 64 at once
requests = 128
processes = 1024
[filesystem]
exec = /usr/bin/sleep /usr/bin/cat /usr/bin/env /usr/bin/sort /usr/bin/setsid /usr/bin/dash /usr/bin/bash
${TEST_PROFILE_EXTRA:-}
PROFILE
}

# burst N URL OUT [curl args]: N clients at once, one status per line
burst() {
	n=$1 url=$2 out=$3
	shift 3
	: > "$out"
	pids=
	i=0
	while [ $i -lt "$n" ]; do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 "$@" \
		    "$url" >> "$out" &
		pids="$pids $!"
		i=$((i + 1))
	done
}
burst_wait() {
	# shellcheck disable=SC2086
	wait $pids
}
count() {	# count STATUS FILE
	grep -c "^$1\$" "$2"
}
