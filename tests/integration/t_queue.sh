#!/bin/sh
# Admission: a profile's limits.requests run at once, more wait in a
# bounded queue (queue.length, queue.wait) that is fair across clients,
# and past it the answer is 503 with Retry-After and a queue_full event.
# One worker (-c 1), so that the per-worker limits are the profile's.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# the same one-second script under a name per profile
for name in load full wait fair push late; do
	cat > "$T/$name.sh" <<'SH'
#!/bin/sh
printf 'Content-Type: text/plain\n\n'
sleep "${QUERY_STRING:-1}"
echo slept
SH
	install_script "$T/$name.sh" "$name.sh"
done
install_script "$top_srcdir/tests/cgi/scripts/fast.sh"
# The kernel counts limits.processes per user, with every process of
# that user on the host: the scripts here run as a uid of this test's
# own, so that other scripts running as nobody do not count.
QUID=$((50000 + $$ % 10000))

# queue_profile NAME KEYS...: a profile for $CGIBIN/NAME.sh; limits.
# processes stays the default (32, counted per user across requests).
queue_profile() {
	name=$1
	shift
	{
		printf '[profile]\nname = q%s\nmatch = %s/%s.sh\n' \
		    "$name" "$CGIBIN" "$name"
		printf '[identity]\nuser = %s\ngroup = %s\n' "$QUID" "$QUID"
		printf '[filesystem]\nexec = /usr/bin/sleep\n'
		for kv in "$@"; do
			printf '%s\n' "$kv"
		done
	} > "$T/profiles/q$name.conf"
}
queue_profile load '[limits]' 'requests = 8' '[queue]' 'length = 128'
queue_profile full '[limits]' 'requests = 1' '[queue]' 'length = 2'
queue_profile wait '[limits]' 'requests = 1' '[queue]' 'length = 8' \
    'wait = 1'
queue_profile fair '[limits]' 'requests = 2' '[queue]' 'length = 64'
queue_profile push '[limits]' 'requests = 1' '[queue]' 'length = 4'
queue_profile late '[limits]' 'requests = 1' 'timeout = 2'
[profile]
name = qnproc
match = $CGIBIN/nproc.pl
[identity]
user = $QUID
group = $QUID
[limits]
requests = 3
processes = 1
PROFILE

# --check shows the keys, and auto says what it came to
"$SAFECGI" --check --profile-dir "$T/profiles" > "$T/check" 2>&1
check "--check shows limits.requests of a profile" \
    grep -q '^limits.requests = 8$' "$T/check"
check "--check shows limits.requests = auto with its value" \
    grep -Eq '^limits.requests = auto \([0-9]+; [0-9]+ with --allow-missing cgroup\)$' "$T/check"
check "--check shows queue.length and queue.wait" \
    sh -c "grep -q '^queue.length = 8\$' '$T/check' &&
    grep -q '^queue.wait = 1s\$' '$T/check'"
mkdir "$T/bad"
printf '[profile]\nname = bad\n[limits]\nrequests = 0\n' > "$T/bad/bad.conf"
"$SAFECGI" --check --profile-dir "$T/bad" > "$T/badcheck" 2>&1
check "limits.requests = 0 is refused with file:line" \
    grep -q "bad.conf:4: requests: must be at least 1" "$T/badcheck"

# the shipped status snippet, on this test's socket
NGINX_EXTRA="${NGINX_EXTRA:-}
$(sed -e "s|unix:/run/safecgi.sock|unix:$SOCK|" \
    -e "s|include fastcgi_params;|include /etc/nginx/fastcgi_params;|" \
    "$top_srcdir/contrib/nginx/status.conf")"
start_nginx
start_safecgi -c 1 --status-path /safecgi-status

# 64 clients, 8 at once, one second each: 8 rounds
t0=$(date +%s%N)
burst 64 "$BASE/cgi-bin/load.sh" "$T/load"
burst_wait
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "64 clients of a slow script under a low limit: all 200" \
    "$(count 200 "$T/load")/64" "64/64"
check "they took as long as 8 at once allow (${ms} ms: 7000..25000)" \
    [ "$ms" -ge 7000 -a "$ms" -le 25000 ]
check "no script failed to start under the load (no 502 in the log)" \
    sh -c "! grep -q 'status=502' '$ERRLOG'"

# 1 running + 2 waiting: of 8 at once, 5 are turned away
burst 8 "$BASE/cgi-bin/full.sh" "$T/full"
burst_wait
is "a full queue turns the rest away with 503 (200s/503s)" \
    "$(count 200 "$T/full")/$(count 503 "$T/full")" "3/5"
curl -s -o /dev/null "$BASE/cgi-bin/full.sh?2" &
p1=$!
curl -s -o /dev/null "$BASE/cgi-bin/full.sh?2" &
p2=$!
curl -s -o /dev/null "$BASE/cgi-bin/full.sh?2" &
p3=$!
sleep 0.5
# SCRIPT_NAME is what nginx makes of the URI
curl -s -o "$T/status.json" "$BASE/safecgi-status?json"
curl -s -D "$T/full.h" -o /dev/null "$BASE/cgi-bin/full.sh"
wait $p1 $p2 $p3
check "the status page counts the requests waiting in the queue" \
    python3 -c "import json,sys; d=json.load(open('$T/status.json')); sys.exit(0 if d.get('requests_queued', 0) >= 2 else 1)"
check "the 503 of a full queue carries Retry-After" \
    grep -qi '^Retry-After: [1-9][0-9]*' "$T/full.h"
check "a full queue is an audit event queue_full, reason full" \
    grep -q '"event":"queue_full".*"reason":"full"' "$AUDIT"
grep '"event":"queue_full"' "$AUDIT" > "$T/qf"
check "queue_full is no evidence of an attack ($(wc -l < "$T/qf") events)" \
    sh -c "[ -s '$T/qf' ] && ! grep -qv '\"evidence\":\"none\"' '$T/qf'"

# queue.wait = 1: the second of two 3-second requests gives up after 1 s
curl -s -o /dev/null "$BASE/cgi-bin/wait.sh?3" &
p1=$!
sleep 0.3
t0=$(date +%s%N)
s=$(http_status "$BASE/cgi-bin/wait.sh?3")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait $p1
check "a request that waits past queue.wait gets 503 (got $s after ${ms} ms)" \
    [ "$s" = 503 -a "$ms" -ge 900 -a "$ms" -lt 2500 ]
check "... and a queue_full event, reason timeout" \
    grep -q '"event":"queue_full".*"reason":"timeout"' "$AUDIT"

# one client with 16 connections, 2 at once: another client's single
# request is next, not 16th (8 s behind in arrival order)
burst 16 "$BASE/cgi-bin/fair.sh" "$T/greedy"
sleep 0.5
t0=$(date +%s%N)
s=$(http_status "$BASE/cgi-bin/fair.sh" --interface 127.0.0.2)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
burst_wait
check "a greedy client does not starve another: its one request is next (got $s after ${ms} ms)" \
    [ "$s" = 200 -a "$ms" -lt 3500 ]
is "... and the greedy client is served in full" \
    "$(count 200 "$T/greedy")/16" "16/16"

# 1 running + 4 waiting, all of one client: another client's single
# request pushes out the greedy one's newest instead of being refused
burst 12 "$BASE/cgi-bin/push.sh" "$T/greedy2"
sleep 0.5
s=$(http_status "$BASE/cgi-bin/push.sh" --interface 127.0.0.2)
burst_wait
is "a full queue takes another client's request (pushing out the greedy one)" \
    "$s" 200
check "... the pushed-out request is a queue_full event, reason pushed_out" \
    grep -q '"event":"queue_full".*"reason":"pushed_out"' "$AUDIT"

# limits.timeout counts from the script's start, not the request's
curl -s -o /dev/null "$BASE/cgi-bin/late.sh?1.5" &
p1=$!
sleep 0.2
s=$(http_status "$BASE/cgi-bin/late.sh?1.5")
wait $p1
is "time spent waiting in the queue is not taken from limits.timeout" \
    "$s $(cat "$T/body")" "200 slept"

done_testing
