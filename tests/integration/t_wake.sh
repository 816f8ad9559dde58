#!/bin/sh
# What a request costs the worker in wake-ups, and the scheduling policy
# safecgi and its scripts run under, all read from /proc on the host.
. "${top_srcdir:-.}/tests/integration/lib.sh"

install_test_scripts
write_test_profile
start_nginx
start_safecgi -c 1 --max-requests 1

WORKER=$(pgrep -P "$SAFECGI_PID" -x safecgi-worker | head -1)
SPAWNER=$(pgrep -P "$WORKER" | head -1)

# policy PID: the kernel's scheduling policy of a task (/proc/PID/sched)
policy() {
	sed -n 's/^policy[[:space:]]*:[[:space:]]*\([0-9]*\)$/\1/p' \
	    "/proc/$1/sched" 2>/dev/null
}
# sleeps PID...: voluntary context switches of these tasks, summed;
# nothing when one cannot be read (the checks then fail, never pass on
# a count of zero)
sleeps() {
	n=0
	for t in "$@"; do
		v=$(sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' \
		    "/proc/$t/status" 2>/dev/null)
		[ -n "$v" ] || return 0
		n=$((n + v))
	done
	[ $# -gt 0 ] && echo "$n"
}
# held_policy: start sleep.sh?3 (its curl's pid in $cpid, to wait for)
# and print the policy of the script's process, seen from the host
held_policy() {
	curl -s -o /dev/null --max-time 10 "$BASE/cgi-bin/sleep.sh?3" &
	cpid=$!
	i=0
	while [ -z "$(test_procs "sleep 3")" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	policy "$(test_procs "sleep 3" | head -1)"
}
threads() { ls "/proc/$1/task"; }

# --- scheduling: SCHED_BATCH (3) by default, for every task -------------

held_policy > "$T/policy"
p=$(cat "$T/policy")
check "a script runs under SCHED_BATCH by default (policy ${p:-none})" \
    [ "${p:-none}" = 3 ]
bad=
for t in $(threads "$WORKER") $(threads "$SPAWNER"); do
	[ "$(policy "$WORKER/task/$t")" = 3 ] ||
	    [ "$(policy "$SPAWNER/task/$t")" = 3 ] || bad="$bad $t"
done
check "the worker's threads and its spawner run under SCHED_BATCH" \
    [ -n "$SPAWNER" -a -z "$bad" ]
wait $cpid

# --- wake-ups: the worker, seen from /proc ------------------------------

# 20 quick answers in turn: what the worker's threads sleep for each.
# A request thread waits for the spawner's answer and then for the
# script's exit, and for the next connection, once each; the accept
# loop for a free thread and the next connection (4 to 5 in all).
# Before: also once for each write of the script, once for the end of
# its pipes, and once more for nginx to close the connection (about 8).
curl -s -o /dev/null "$BASE/cgi-bin/fast.sh"
before=$(sleeps $(threads "$WORKER" | sed "s|^|$WORKER/task/|"))
n=0
while [ $n -lt 20 ]; do
	[ "$(http_status "$BASE/cgi-bin/fast.sh")" = 200 ] || break
	n=$((n + 1))
done
after=$(sleeps $(threads "$WORKER" | sed "s|^|$WORKER/task/|"))
# at least one a request: the accept loop waits for each connection
d=$(( ${after:-0} - ${before:-0} ))
check "a quick answer costs the worker at most 6 sleeps (20 requests: $n answered, $d sleeps)" \
    [ "$n" = 20 -a -n "$before" -a -n "$after" -a "$d" -ge 20 -a "$d" -le 120 ]

# With its one request thread busy, the accept loop sleeps until the
# request ends, not on a 2 ms tick (about 500 wake-ups a second).
curl -s -o /dev/null --max-time 10 "$BASE/cgi-bin/sleep.sh?3" &
cpid=$!
sleep 1
before=$(sleeps "$WORKER")
sleep 1
after=$(sleeps "$WORKER")
wait $cpid
d=$(( ${after:-0} - ${before:-0} ))
check "a worker with every thread busy does not wake on a timer ($d sleeps in 1 s)" \
    [ -n "$WORKER" -a -n "$before" -a -n "$after" -a "$d" -le 5 ]

# A client that keeps its end of the connection open after the answer
# (nginx closes at once; others may not) does not hold the request
# thread: libfcgi's close waits up to 2 s for the client to close first.
/usr/bin/python3 - "$SOCK" "$CGIBIN/fast.sh" > "$T/hold.out" 2>&1 <<'PY' &
import socket, struct, sys, time
def rec(t, c):
    return struct.pack(">BBHHBB", 1, t, 1, len(c), -len(c) % 8, 0) + c + b"\0" * (-len(c) % 8)
def kv(n, v):
    return bytes([len(n), len(v)]) + n + v
p = kv(b"SCRIPT_FILENAME", sys.argv[2].encode()) + kv(b"REQUEST_METHOD", b"GET") + \
    kv(b"SCRIPT_NAME", b"/cgi-bin/fast.sh") + kv(b"REMOTE_ADDR", b"127.0.0.1") + \
    kv(b"SERVER_PROTOCOL", b"HTTP/1.1") + kv(b"REQUEST_URI", b"/cgi-bin/fast.sh")
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(rec(1, struct.pack(">HB5x", 1, 0)) + rec(4, p) + rec(4, b"") + rec(5, b""))
buf = b""
while b"\x01\x03\x00\x01" not in buf:
    c = s.recv(65536)
    if not c:
        break
    buf += c
print("answered" if b"fast" in buf else "no answer")
sys.stdout.flush()
time.sleep(4)
PY
hold=$!
i=0
while ! grep -q answered "$T/hold.out" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
t0=$(date +%s%N)
s=$(http_status "$BASE/cgi-bin/fast.sh")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "a client that keeps the connection open does not hold the worker (next answer ${ms} ms)" \
    [ "$(cat "$T/hold.out")" = answered -a "$s" = 200 -a "$ms" -lt 1000 ]
wait $hold

# --- --scheduling normal ------------------------------------------------

kill -TERM "$SAFECGI_PID"
wait "$SAFECGI_PID"
SAFECGI_PID=
start_safecgi -c 1 --scheduling normal
held_policy > "$T/policy"
p=$(cat "$T/policy")
check "with --scheduling normal a script runs under SCHED_OTHER (policy ${p:-none})" \
    [ "${p:-none}" = 0 ]
wait $cpid

"$SAFECGI" --scheduling fifo --check > "$T/sched.out" 2>&1
rc=$?
if [ "$rc" = 64 ] && grep -q "scheduling must be batch or normal" "$T/sched.out"
then
	ok "--scheduling with another policy is refused, saying which exist"
else
	not_ok "--scheduling with another policy is refused, saying which exist" \
	    "exit $rc: $(cat "$T/sched.out")"
fi

done_testing
