#!/bin/sh
# safecgi as systemd runs it, without needing systemd as PID 1: the
# sockets come from systemd's own systemd-socket-activate (LISTEN_FDS,
# LISTEN_FDNAMES), sd_notify messages go to a NOTIFY_SOCKET this test
# reads, and a stderr that JOURNAL_STREAM names stands for the journal.
# The same behaviours under a real systemd, from the Debian package, are
# checked by .ci/fresh-debian package.
. "${top_srcdir:-.}/tests/integration/lib.sh"

command -v systemd-socket-activate >/dev/null ||
    { echo "Bail out! systemd-socket-activate (package systemd) is missing"; exit 1; }
command -v python3 >/dev/null ||
    { echo "Bail out! python3 is missing"; exit 1; }

SOCK2=$T/second.sock
NOTIFY=$T/notify.sock
NLOG=$T/notify.log

# The service manager's end of NOTIFY_SOCKET: one line per datagram,
# its newlines shown as |.
python3 - "$NOTIFY" "$NLOG" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", "|") + "\n")
PY
NOTIFY_PID=$!
trap 'kill $NOTIFY_PID 2>/dev/null; cleanup' EXIT

# wait_for SECONDS COMMAND...: until COMMAND succeeds
wait_for() {
	t=$(($1 * 10))
	shift
	while ! "$@" >/dev/null 2>&1 && [ $t -gt 0 ]; do
		sleep 0.1
		t=$((t - 1))
	done
	"$@" >/dev/null 2>&1
}
notified() { grep -q -- "$1" "$NLOG" 2>/dev/null; }
# the line numbers of notify messages matching a pattern
nline() { grep -n -- "$1" "$NLOG" | sed -n "${2:-1}p" | cut -d: -f1; }
# connect once to a unix socket: systemd-socket-activate starts its
# program on the first connection
poke() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])' "$1"
}

wait_for 5 test -S "$NOTIFY" || { echo "Bail out! no notify socket"; exit 1; }
install_test_scripts
write_test_profile
NGINX_EXTRA="location /second/ {
	include /etc/nginx/fastcgi_params;
	fastcgi_param SCRIPT_FILENAME $CGIBIN/fast.sh;
	fastcgi_pass unix:$SOCK2;
}"
start_nginx

NOTIFY_SOCKET=$NOTIFY systemd-socket-activate -E NOTIFY_SOCKET \
    -l "$SOCK" -l "$SOCK2" --fdname=first:second \
    "$SAFECGI" -c 2 --error-log "$ERRLOG" --audit-log "$AUDIT" \
    --profile-dir "$T/profiles" 2>"$T/activate.err" &
SAFECGI_PID=$!
wait_for 5 test -S "$SOCK2" || { echo "Bail out! no sockets"; cat "$T/activate.err"; exit 1; }
# as SocketGroup=www-data would
chgrp www-data "$SOCK" "$SOCK2"
chmod 0660 "$SOCK" "$SOCK2"
poke "$SOCK"
wait_for 20 notified READY=1

check "READY=1 is sent once the workers serve" notified READY=1
check "STATUS= says every worker serves before READY=1" \
    sh -c "[ \"$(nline 'STATUS=2 of 2 workers serving')\" -lt \"$(nline '^READY=1')\" ]"
check "a request on the first passed socket is served" \
    sh -c "[ \"\$(curl -s '$BASE/cgi-bin/fast.sh')\" = fast ]"
check "a request on the second passed socket is served" \
    sh -c "[ \"\$(curl -s '$BASE/second/')\" = fast ]"
check "the start-up event names every passed socket, not the -s default" \
    audit_has startup socket "unix:$SOCK,unix:$SOCK2"
check "the start-up event names the sockets as the service manager did" \
    audit_has startup socket_names "first:second"
check "STATUS= counts the requests served" \
    wait_for 5 grep -Eq 'STATUS=2 of 2 workers serving; ([2-9]|[1-9][0-9]+) requests' "$NLOG"
check "STATUS= says how many requests run and how many wait in the queue" \
    grep -Eq 'STATUS=2 of 2 workers serving; [0-9]+ requests, [0-9]+ running, [0-9]+ queued' "$NLOG"

kill -HUP "$SAFECGI_PID"
wait_for 10 sh -c "[ \$(grep -c '^READY=1' '$NLOG') -ge 2 ]"
check "SIGHUP: RELOADING=1 with MONOTONIC_USEC=" \
    grep -q '^RELOADING=1|MONOTONIC_USEC=[0-9]' "$NLOG"
check "SIGHUP: READY=1 again once the new workers serve" \
    sh -c "[ \"$(nline '^RELOADING=1')\" -lt \"$(nline '^READY=1' 2)\" ]"

printf '[profile]\nthis is not a profile\n' >"$T/profiles/zz-broken.conf"
kill -HUP "$SAFECGI_PID"
wait_for 10 notified 'reload failed'
check "a failed reload: READY=1 at once, STATUS= says it failed" \
    grep -q '^READY=1|STATUS=reload failed' "$NLOG"
rm -f "$T/profiles/zz-broken.conf"

kill -TERM "$SAFECGI_PID"
wait_for 10 notified STOPPING=1
check "SIGTERM: STOPPING=1" notified STOPPING=1
wait "$SAFECGI_PID"
check "a drained stop exits 0" test $? -eq 0
SAFECGI_PID=

# Exit statuses by cause (safecgi(8), EXIT STATUS).
"$SAFECGI" --no-such-option 2>/dev/null
check "an unknown option exits 64 (EX_USAGE)" test $? -eq 64
"$SAFECGI" -c many 2>/dev/null
check "a bad option value exits 64 (EX_USAGE)" test $? -eq 64
mkdir -p "$T/broken"
printf '[profile]\nthis is not a profile\n' >"$T/broken/x.conf"
"$SAFECGI" -s "unix:$T/x.sock" --profile-dir "$T/broken" 2>/dev/null
check "a broken profile exits 78 (EX_CONFIG)" test $? -eq 78
printf '[safecgi]\nworkers = lots\n' >"$T/broken.ini"
"$SAFECGI" -s "unix:$T/x.sock" --config "$T/broken.ini" 2>/dev/null
check "a bad configuration file exits 78 (EX_CONFIG)" test $? -eq 78
# A datagram socket in the socket unit: nothing safecgi could serve.
timeout 30 systemd-socket-activate --datagram -l "$T/dgram.sock" \
    "$SAFECGI" --profile-dir "$T/profiles" --error-log "$T/dgram.log" \
    2>/dev/null &
dpid=$!
wait_for 5 test -S "$T/dgram.sock"
python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"x", sys.argv[1])' "$T/dgram.sock"
wait "$dpid"
check "a passed socket that is not a listening stream exits 78 (EX_CONFIG)" \
    test $? -eq 78

# The journal: stderr is the stream JOURNAL_STREAM names (device:inode).
JERR=$T/journal.err
: >"$JERR"
JOURNAL_STREAM=$(stat -c '%d:%i' "$JERR") "$SAFECGI" -c 1 \
    -s "unix:$T/j.sock" --profile-dir "$T/profiles" 2>>"$JERR" &
jpid=$!
wait_for 20 grep -q 'ready:' "$JERR"
kill -TERM "$jpid"
wait "$jpid"
check "on the journal, a line starts with its <N> priority" \
    grep -q '^<6>ready: 1 workers serving' "$JERR"
check "on the journal, no line carries a timestamp or name of its own" \
    sh -c "! grep -Eq '^[0-9]{4}-|safecgi\\[' '$JERR'"
# The same variable, but stderr was redirected since: a file, not the
# journal.
OERR=$T/other.err
JOURNAL_STREAM=$(stat -c '%d:%i' "$JERR") "$SAFECGI" -c 1 \
    -s "unix:$T/o.sock" --profile-dir "$T/profiles" 2>"$OERR" &
opid=$!
wait_for 20 grep -q 'ready:' "$OERR"
kill -TERM "$opid"
wait "$opid"
check "a stderr that is not the journal keeps timestamp, name and priority" \
    grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T.* safecgi\[[0-9]+\]: info: ready:' "$OERR"

done_testing
