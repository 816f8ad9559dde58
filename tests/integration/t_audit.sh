#!/bin/sh
# The audit log: every event type produced by a real request through the
# real nginx, asserted on the JSON lines.
. "${top_srcdir:-.}/tests/integration/lib.sh"

need_tools wrk

install_test_scripts
write_test_profile
start_nginx
start_safecgi -t 3 -c 2

# field NAME in the last event of kind EVENT
last_event() { grep "\"event\":\"$1\"" "$AUDIT" | tail -1; }

check "startup is recorded with the socket" \
    sh -c "grep '\"event\":\"startup\"' '$AUDIT' | grep -q '\"socket\":\"unix:'"
check "startup names the active jail layers" \
    sh -c "grep '\"event\":\"startup\"' '$AUDIT' | grep -q '\"layers\":\"privileges,mount,network,pid,ipc,uts,seccomp,landlock,rlimits,fds\",\"rootless\":\"no\"'"
check "the loaded policy is recorded at start" audit_has policy_loaded

s=$(http_status "$BASE/cgi-bin/nettry.sh")
check "a blocked socket() is answered with an error, not run" \
    grep -q "tcp: refused" "$T/body"
check "syscall_blocked names the call and its arguments" \
    sh -c "grep '\"event\":\"syscall_blocked\"' '$AUDIT' | grep -q '\"syscall\":\"socket\".*\"args\":\"AF_INET,SOCK_STREAM'"
check "syscall_blocked carries the request's client, uri, script and profile" \
    sh -c "grep '\"event\":\"syscall_blocked\"' '$AUDIT' | grep -q '\"client\":\"127.0.0.1\",\"method\":\"GET\",\"uri\":\"/cgi-bin/nettry.sh\",\"script\":\"$CGIBIN/nettry.sh\",\"profile\":\"tests\"'"
check "exec_denied names the program the script tried to start" \
    sh -c "grep '\"event\":\"exec_denied\"' '$AUDIT' | grep -q '\"path\":\"/usr/bin/curl\"'"
check "the denied exec did not run" grep -q "curl: refused" "$T/body"

s=$(http_status "$BASE/cgi-bin/env.sh" -H 'Referer: () { :;}; echo x')
check "request_refused names the variable and the rule" \
    sh -c "grep '\"event\":\"request_refused\"' '$AUDIT' | grep -q '\"variable\":\"HTTP_REFERER\"'"

s=$(http_status "$BASE/cgi-bin/env.sh?cmd=%60id%60")
check "suspicious_input names the variable and the signature" \
    sh -c "grep '\"event\":\"suspicious_input\"' '$AUDIT' | grep -q '\"variable\":\"QUERY_STRING\",\"signature\":'"

s=$(http_status "$BASE/cgi-bin/mainfunction.cgi/apmcfgupload?session=x;wget\${IFS}http://127.0.0.1:9/w.sh")
check "a probe of a missing script is 404 and still on record" \
    sh -c "[ '$s' = 404 ] && grep '\"event\":\"suspicious_input\"' '$AUDIT' | grep -q 'mainfunction.cgi'"

s=$(http_status "$BASE/cgi-bin/sleep.sh?30")
check "timeout_kill is recorded" audit_has timeout_kill

s=$(http_status "$BASE/cgi-bin/hello?crash")
check "script_crash records the signal" \
    sh -c "grep '\"event\":\"script_crash\"' '$AUDIT' | grep -q '\"signal\":\"11\"'"

before=$(wc -l < "$AUDIT")
t0=$(date +%s%N)
s=$(http_status "$BASE/cgi-bin/hello?flood")
t1=$(date +%s%N)
sleep 0.5
after=$(wc -l < "$AUDIT")
check "a flood of denied calls is cut off: limit_hit" \
    sh -c "grep '\"event\":\"limit_hit\"' '$AUDIT' | grep -q '\"limit\":\"blocked_calls\"'"
check "a flood of denied calls writes a bounded number of lines ($((after - before)))" \
    [ $((after - before)) -lt 100 ]
# 1000 - 64 answers held back 2 ms each: at least 1.8 s, asleep
check "a flood of denied calls is slowed down (tarpit: $(( (t1 - t0) / 1000000 )) ms)" \
    [ $(( (t1 - t0) / 1000000 )) -ge 1800 ]
check "what a flood dropped is counted in a suppressed event" \
    sh -c "grep '\"event\":\"suppressed\"' '$AUDIT' | grep -q '\"count\":\"[0-9]'"

check "every line of the audit log is valid JSON" \
    python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$AUDIT"

mv "$AUDIT" "$AUDIT.1"
kill -USR1 "$SAFECGI_PID"
sleep 0.3
s=$(http_status "$BASE/cgi-bin/nettry.sh")
check "SIGUSR1 reopens the audit log" audit_has syscall_blocked

# Last, since it uses up 127.0.0.1's budget: one client sending refused
# requests as fast as it can gets 1000 events per worker, then 20 a
# second, the rest counted.
printf 'wrk.headers["User-Agent"] = "() { :;}; /bin/sh -c id"\n' > "$T/bad.lua"
wrk -t1 -c4 -d4s -s "$T/bad.lua" "$BASE/cgi-bin/hello" > "$T/wrk.out"
sent=$(sed -n 's/^[[:space:]]*\([0-9]*\) requests in.*/\1/p' "$T/wrk.out")
sleep 0.5
logged=$(grep -c '"event":"request_refused"' "$AUDIT")
check "a client flooding refused requests is cut to its own budget ($logged of $sent logged)" \
    sh -c "grep '\"event\":\"suppressed\"' '$AUDIT' |
    grep -q '\"scope\":\"client\",\"client\":\"127.0.0.1\"'"
check "a flooding client is reported at most once per worker in 4 s ($(grep -c '"scope":"client"' "$AUDIT") times)" \
    [ "$(grep -c '"scope":"client"' "$AUDIT")" -le 2 ]

done_testing
