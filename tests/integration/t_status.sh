#!/bin/sh
# The status page (--status-path): its three formats, parsed by real
# parsers, counters that move when requests happen, and the nginx
# snippet that keeps it to localhost.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# Debian's python3 and its python3-prometheus-client: the parser a
# Prometheus user would trust, not one written for this test.
PY=/usr/bin/python3
need_tools "$PY" || exit 1
"$PY" -c 'import prometheus_client.openmetrics.parser' 2>/dev/null ||
    bail_out "python3-prometheus-client is not installed (TEST_DEPS in contrib/quickstart.sh)"

install_test_scripts
write_test_profile
SNIPPET="$top_srcdir/contrib/nginx/status.conf"
# the snippet as shipped, but for the test's socket and fastcgi_params
NGINX_EXTRA=$(sed -e "s|unix:/run/safecgi.sock|unix:$SOCK|" \
    -e "s|include fastcgi_params;|include /etc/nginx/fastcgi_params;|" \
    "$SNIPPET")
start_nginx

# a script where the status page would be: runs only when not configured
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nscript-ran\\n"\n' \
    > "$T/probe"

# ------------------------------------------------- not configured

start_safecgi -t 2
s=$(http_status "$BASE/safecgi-status?openmetrics")
check "without --status-path the status path is a script path (404)" \
    [ "$s" = 404 ]
install -m 0755 "$T/probe" "$DOCROOT/safecgi-status"
s=$(http_status "$BASE/safecgi-status?openmetrics")
check "without --status-path a script at the status path runs" \
    [ "$s" = 200 -a "$(body)" = script-ran ]
kill -INT "$SAFECGI_PID"; wait "$SAFECGI_PID"; SAFECGI_PID=

# ----------------------------------------------------- configured

printf '[safecgi]\nstatus-path = /safecgi-status\n' > "$T/safecgi.ini"
start_safecgi -t 2 -c 2 --config "$T/safecgi.ini"

# om NAME [LABELS]: a sample's value, read with the OpenMetrics parser
cat > "$T/om.py" <<'PY'
import sys, urllib.request
from prometheus_client.openmetrics.parser import text_string_to_metric_families
text = urllib.request.urlopen(sys.argv[1]).read().decode()
want = dict(kv.split("=", 1) for kv in sys.argv[3:])
for fam in text_string_to_metric_families(text):
    for s in fam.samples:
        if s.name == sys.argv[2] and s.labels == want:
            print(int(s.value) if s.value == int(s.value) else s.value)
            sys.exit(0)
print(0)
PY
om() { "$PY" "$T/om.py" "$BASE/safecgi-status?openmetrics" "$@"; }
# same A B: two readings that are the same number (an unreadable page
# is never "the same")
same() {
	case $1 in ''|*[!0-9.]*) return 1 ;; esac
	[ "$1" = "$2" ]
}

s=$(http_status "$BASE/safecgi-status")
check "the status page answers the status path itself, not its script" \
    sh -c "[ '$s' = 200 ] && ! grep -q script-ran '$T/body'"
check "the plain page names the counters" \
    grep -q "^requests active: *[0-9]" "$T/body"

s=$(http_status "$BASE/safecgi-status?json")
check "?json parses as JSON with the counters" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if {"requests", "requests_active", "denied_execs",
    "limit_hits", "worker_restarts", "uptime_seconds"} <= d.keys() else 1)
' "$T/body"

s=$(curl -s -o "$T/body" -D "$T/headers" "$BASE/safecgi-status?openmetrics")
check "?openmetrics is served as application/openmetrics-text" \
    grep -qi "^Content-Type: application/openmetrics-text" "$T/headers"
check "?openmetrics parses with prometheus_client's OpenMetrics parser" \
    "$PY" -c '
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
names = {f.name for f in text_string_to_metric_families(open(sys.argv[1]).read())}
want = {"safecgi_requests", "safecgi_requests_active", "safecgi_requests_queued",
    "safecgi_spawn_failures", "safecgi_limit_hits", "safecgi_blocked_calls",
    "safecgi_denied_execs", "safecgi_suspicious_inputs",
    "safecgi_worker_restarts", "safecgi_uptime_seconds"}
missing = want - names
print("# missing:", missing) if missing else None
sys.exit(1 if missing else 0)
' "$T/body"
check "?openmetrics=  (Prometheus params) is OpenMetrics too" \
    sh -c "curl -s '$BASE/safecgi-status?openmetrics=' | tail -1 | grep -qx '# EOF'"

# counters move: several requests, spread over both workers, all counted
n0=$(om safecgi_requests_total profile=tests status=200)
for i in 1 2 3 4 5 6; do http_status "$BASE/cgi-bin/fast.sh" >/dev/null; done
is "six answered requests add six to requests_total{profile,status=200}" \
    "$(om safecgi_requests_total profile=tests status=200)" $((n0 + 6))

n0=$(om safecgi_requests_total profile=- status=404)
http_status "$BASE/cgi-bin/missing.cgi" >/dev/null
is "a missing script counts under profile \"-\" and status 404" \
    "$(om safecgi_requests_total profile=- status=404)" $((n0 + 1))

n0=$(om safecgi_requests_total profile=- status=200)
http_status "$BASE/safecgi-status" >/dev/null
check "the status page itself is not counted as a request" \
    same "$(om safecgi_requests_total profile=- status=200)" "$n0"

e0=$(om safecgi_denied_execs_total)
b0=$(om safecgi_blocked_calls_total)
http_status "$BASE/cgi-bin/nettry.sh" >/dev/null
check "a denied exec moves denied_execs_total" \
    [ "$(om safecgi_denied_execs_total)" -gt "$e0" ]
check "a blocked call moves blocked_calls_total" \
    [ "$(om safecgi_blocked_calls_total)" -gt "$b0" ]

n0=$(om safecgi_suspicious_inputs_total)
http_status "$BASE/cgi-bin/env.sh?cmd=%60id%60" >/dev/null
check "a suspicious input moves suspicious_inputs_total" \
    [ "$(om safecgi_suspicious_inputs_total)" -gt "$n0" ]

# three scripts at once, over both workers: the page still answers
n0=$(om safecgi_limit_hits_total kind=timeout)
pids=
for i in 1 2 3; do
	curl -s -o /dev/null "$BASE/cgi-bin/sleep.sh?3" &
	pids="$pids $!"
done
sleep 1
is "running scripts count in requests_active, summed over the workers" \
    "$(om safecgi_requests_active)" 3
wait $pids
is "each timeout moves limit_hits_total{kind=timeout}" \
    "$(om safecgi_limit_hits_total kind=timeout)" $((n0 + 3))
is "requests_active is back to 0 when nothing runs" \
    "$(om safecgi_requests_active)" 0

# a worker that dies is restarted; what it counted stays counted
n0=$(om safecgi_requests_total profile=tests status=200)
r0=$(om safecgi_worker_restarts_total)
for w in $(pgrep -P "$SAFECGI_PID"); do kill -KILL "$w"; done
i=0
while [ "$(om safecgi_worker_restarts_total 2>/dev/null)" != $((r0 + 2)) ] &&
    [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
is "killed workers move worker_restarts_total" \
    "$(om safecgi_worker_restarts_total)" $((r0 + 2))
n1=$(om safecgi_requests_total profile=tests status=200)
check "requests counted by dead workers stay counted" \
    sh -c "[ '$n0' -gt 0 ] && [ '$n1' = '$n0' ]"

# a reload: a new generation of workers counts on from the same totals
n0=$(om safecgi_requests_total profile=tests status=200)
r0=$(om safecgi_worker_restarts_total)
kill -HUP "$SAFECGI_PID"
i=0
while ! grep -q "reloaded:" "$ERRLOG" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1	# the old generation drains and is reaped
http_status "$BASE/cgi-bin/fast.sh" >/dev/null
n1=$(om safecgi_requests_total profile=tests status=200)
check "after a reload the totals go on from where they were" \
    sh -c "[ '$n0' -gt 0 ] && [ '$n1' = $((n0 + 1)) ]"
is "a reload is not a worker restart" "$(om safecgi_worker_restarts_total)" "$r0"

u0=$(om safecgi_uptime_seconds)
sleep 1.1
check "uptime_seconds grows" \
    "$PY" -c "import sys; sys.exit(0 if $(om safecgi_uptime_seconds) > $u0 + 1 else 1)"

# ----------------------------------------------------- the snippet

# as in /etc/nginx: fastcgi_params beside the configuration
cp /etc/nginx/fastcgi_params "$T/"
cat > "$T/nginx-t.conf" <<NGINX
events { }
http { server { listen 127.0.0.1:1; include $SNIPPET; } }
NGINX
check "the nginx snippet passes nginx -t" \
    nginx -t -q -c "$T/nginx-t.conf" -p "$T/nginx" -g "pid $T/nginx-t.pid; error_log stderr;"
s=$(http_status "$BASE/safecgi-status")
check "the snippet lets 127.0.0.1 read the page" [ "$s" = 200 ]
s=$(http_status "$BASE/safecgi-status" --interface 127.0.0.2)
check "the snippet refuses a client that is not this host's (127.0.0.2)" \
    [ "$s" = 403 ]

# ----------------------------------------------------- configuration

printf '[safecgi]\nworkers = 1\nstatus-path = status\n' > "$T/bad.ini"
"$SAFECGI" --config "$T/bad.ini" --check > /dev/null 2> "$T/err"
check "a relative status-path is refused with file:line" \
    grep -q "bad.ini:3: status-path: status path must start with '/'" "$T/err"
check "--help documents --status-path" \
    sh -c "'$SAFECGI' --help | grep -q -- '--status-path PATH'"

done_testing
