#!/bin/sh
# Profiles and the network: none by default, a named unix socket or a
# port of the host's loopback (through the worker's relay) when the
# profile says so, and nothing else.
. "${top_srcdir:-.}/tests/integration/lib.sh"

install_test_scripts
write_test_profile
USOCK=/run/safecgi-test-$$.sock
cp "$CGIBIN/unixtry.py" "$CGIBIN/dbclient.py"
cat > "$T/profiles/db.conf" <<PROFILE
[profile]
match = $CGIBIN/dbclient.py
[network]
connect = unix:$USOCK
PROFILE
python3 - "$USOCK" <<'PY' &
import os, socket, sys, time
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
os.chmod(path, 0o777)
s.listen(8)
s.settimeout(60)
try:
    while True:
        c, _ = s.accept()
        c.sendall(b"hello from the database")
        c.close()
except OSError:
    pass
finally:
    os.unlink(path)
PY
SERVER=$!
TSERVER=
# the unix socket's server removes its file only when it ends by itself
trap 'kill $SERVER $TSERVER 2>/dev/null; rm -f "$USOCK"; cleanup' EXIT
i=0
while [ ! -S "$USOCK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# TCP: ports below the ephemeral range, away from lib.sh's nginx port.
TP=$((10000 + $$ % 2000 * 4))	# the profile's port; a server answers
TP_OTHER=$((TP + 1))		# another profile's port; a server answers
TP_NONE=$((TP + 2))		# no profile's port; a server answers
TP_DEAD=$((TP + 3))		# the profile's port; nobody listens
cp "$CGIBIN/tcptry.py" "$CGIBIN/tcpclient.py"
cp "$CGIBIN/tcptry.py" "$CGIBIN/tcpother.py"
cat > "$T/profiles/tcpclient.conf" <<PROFILE
[profile]
match = $CGIBIN/tcpclient.py
[limits]
; room for more connections at once than a worker relays
files = 256
[network]
connect = tcp:$TP tcp:$TP_DEAD
PROFILE
cat > "$T/profiles/tcpother.conf" <<PROFILE
[profile]
match = $CGIBIN/tcpother.py
[network]
connect = tcp:$TP_OTHER
PROFILE
# Greets, then echoes what it got once the client half-closes; every
# connection it accepts is a line in tcp.log.
python3 - "$T/tcp.log" $TP $TP_OTHER $TP_NONE <<'PY' &
import socket, sys, threading, time
log = open(sys.argv[1], "a", buffering=1)
lock = threading.Lock()
def serve(c, port):
    try:
        c.settimeout(30)
        c.sendall(b"hello from %d\n" % port)
        data = b""
        while True:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
        if data:
            c.sendall(b"echo: " + data.strip() + b"\n")
    except OSError:
        pass
    finally:
        c.close()
def accept(s, port):
    while True:
        c, _ = s.accept()
        with lock:
            log.write("%d\n" % port)
        threading.Thread(target=serve, args=(c, port), daemon=True).start()
for p in sys.argv[2:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(p)))
    s.listen(128)
    threading.Thread(target=accept, args=(s, int(p)), daemon=True).start()
open(sys.argv[1] + ".ready", "w").close()
time.sleep(300)
PY
TSERVER=$!
i=0
while [ ! -f "$T/tcp.log.ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -f "$T/tcp.log.ready" ] || { echo "Bail out! the TCP test server did not start"; exit 1; }

start_nginx
start_safecgi

s=$(http_status "$BASE/cgi-bin/dbclient.py?$USOCK")
check "a profile's unix socket is reachable" \
    grep -q "connected: hello from the database" "$T/body"
s=$(http_status "$BASE/cgi-bin/unixtry.py?$USOCK")
check "another profile cannot reach that socket" grep -q "refused" "$T/body"
s=$(http_status "$BASE/cgi-bin/unixtry.py?$SOCK")
check "no profile can reach the FastCGI socket" grep -q "refused" "$T/body"

# connections the host's server accepted on a port
conns() {
	sleep 0.3
	grep -cx "$1" "$T/tcp.log"
}

# relayed_event PORT RESULT: the audit log has it
relayed_event() {
	sleep 0.3
	grep '"event":"connect_relayed"' "$AUDIT" | grep "\"port\":\"$1\"" |
	    grep -q "\"result\":\"$2\""
}

# the script's connection ended without an answer, and the request within
# MS milliseconds (REQ_MS): closed or failed after connecting, or the
# connect itself failed, as it may when the relay's refusal comes first
ended_within() {
	grep -Eq '^(closed: no greeting|failed: .*|connect: .*)' "$T/body" &&
	    [ "$REQ_MS" -lt "$1" ]
}

s=$(http_status "$BASE/cgi-bin/tcpclient.py?$TP")
check "a profile's tcp port on the host's loopback is reachable" \
    grep -qx "greeting: hello from $TP" "$T/body"
s=$(http_status "$BASE/cgi-bin/tcpclient.py?$TP/ping")
check "data flows both ways through the relay, half-close included" \
    grep -qx "answer: echo: ping" "$T/body"
check "the audit log records the relayed connection" \
    relayed_event "$TP" connected

s=$(http_status "$BASE/cgi-bin/tcpclient.py?$TP_OTHER")
check "a profile cannot connect to another profile's port" \
    grep -q "^connect: " "$T/body"
check "another profile's port sees no connection from it" \
    test "$(conns $TP_OTHER)" -eq 0
s=$(http_status "$BASE/cgi-bin/tcpclient.py?$TP_NONE")
check "a profile cannot connect to a port no profile names" \
    grep -q "^connect: " "$T/body"
check "a port no profile names sees no connection" \
    test "$(conns $TP_NONE)" -eq 0
s=$(http_status "$BASE/cgi-bin/tcpother.py?$TP_OTHER")
check "the other profile reaches its own port" \
    grep -qx "greeting: hello from $TP_OTHER" "$T/body"

before=$(conns $TP)
s=$(http_status "$BASE/cgi-bin/tcptry.py?$TP")
check "a profile without tcp cannot open an Internet socket" \
    grep -q "^socket: " "$T/body"
check "a profile without tcp makes no connection to the port" \
    test "$(conns $TP)" -eq "$before"

t0=$(date +%s%N)
s=$(http_status "$BASE/cgi-bin/tcpclient.py?$TP_DEAD")
REQ_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
if ended_within 3000; then
	ok "a refused upstream ends the script's connection promptly (${REQ_MS} ms)"
else
	not_ok "a refused upstream ends the script's connection promptly (${REQ_MS} ms)" \
	    "body: $(head -c 200 "$T/body")"
fi
check "a refused upstream still completes the request" test "$s" = 200
check "the audit log records the refused upstream" \
    relayed_event "$TP_DEAD" "Connection refused"

s=$(http_status "$BASE/cgi-bin/tcpclient.py?$TP*70")
check "a worker relays at most 64 connections at once" \
    grep -qx "greeted: 64 of 70" "$T/body"
check "a connection past the bound is recorded" \
    audit_has limit_hit limit relay_connections

kill -HUP "$SAFECGI_PID"
i=0
until [ "$(grep -c '"reason":"reload"' "$AUDIT")" -ge 1 ] || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
s=$(http_status "$BASE/cgi-bin/tcpclient.py?$TP/again")
check "the relay works after a reload" \
    grep -qx "answer: echo: again" "$T/body"

check "--check shows the profile's tcp ports" \
    sh -c "'$SAFECGI' --check --profile-dir '$T/profiles' |
    grep -qx 'network.connect = tcp:$TP tcp:$TP_DEAD'"

# Relayed to safecgi's own FastCGI port, a script could talk to it past
# nginx and name its own REMOTE_ADDR.
check "a profile connecting to safecgi's own FastCGI port is refused at start" \
    sh -c "! '$SAFECGI' --check -s tcp:127.0.0.1:$TP --profile-dir '$T/profiles' \
    2>'$T/ownport' && grep -q 'tcp:$TP is safecgi.s own FastCGI port' '$T/ownport'"

done_testing
