#!/bin/sh
# Profiles and the network: none by default, a named unix socket when the
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
i=0
while [ ! -S "$USOCK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
trap 'kill $SERVER 2>/dev/null; cleanup' EXIT
start_nginx
start_safecgi

s=$(http_status "$BASE/cgi-bin/dbclient.py?$USOCK")
check "a profile's unix socket is reachable" \
    grep -q "connected: hello from the database" "$T/body"
s=$(http_status "$BASE/cgi-bin/unixtry.py?$USOCK")
check "another profile cannot reach that socket" grep -q "refused" "$T/body"
s=$(http_status "$BASE/cgi-bin/unixtry.py?$SOCK")
check "no profile can reach the FastCGI socket" grep -q "refused" "$T/body"

done_testing
