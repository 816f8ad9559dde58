#!/bin/sh
# The core gateway behind the real nginx: one line per behaviour.
. "${top_srcdir:-.}/tests/integration/lib.sh"

install_test_scripts
write_test_profile
chmod 0644 "$CGIBIN/fast.sh" && cp "$CGIBIN/fast.sh" "$CGIBIN/noexec.sh" &&
    chmod 0755 "$CGIBIN/fast.sh"
chmod 0644 "$CGIBIN/noexec.sh"
install -m 0777 "$top_srcdir/tests/cgi/scripts/fast.sh" "$CGIBIN/worldw.sh"
mkdir -p "$DOCROOT/other" && chmod 755 "$DOCROOT/other"
install -m 0755 "$top_srcdir/tests/cgi/scripts/fast.sh" "$DOCROOT/other/x.sh"
printf '#!/nonexistent/interpreter\n' > "$CGIBIN/badinterp.sh"
chmod 755 "$CGIBIN/badinterp.sh"
# a profile's exec allowlist with a trailing double star: all beneath
mkdir -p "$DOCROOT/tools/.sub" && chmod -R 755 "$DOCROOT/tools"
printf '#!/bin/sh\necho tool-ran\n' > "$DOCROOT/tools/.sub/tool"
chmod 755 "$DOCROOT/tools/.sub/tool"
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\n%s\n' \
    "$DOCROOT/tools/.sub/tool" > "$CGIBIN/runtool.sh"
chmod 755 "$CGIBIN/runtool.sh"
cat > "$T/profiles/tool.conf" <<PROFILE
[profile]
match = $CGIBIN/runtool.sh
[filesystem]
exec = $DOCROOT/tools/** /usr/bin/dash
PROFILE
start_nginx
start_safecgi -t 4

s=$(http_status "$BASE/cgi-bin/runtool.sh")
check "exec = dir/** lets the script run programs beneath dir" \
    grep -q "^tool-ran$" "$T/body"

s=$(http_status "$BASE/cgi-bin/fast.sh")
check "shell script answers 200 with its body" \
    [ "$s" = 200 -a "$(body)" = fast ]

s=$(http_status "$BASE/cgi-bin/hello")
check "C program answers 200" [ "$s" = 200 -a "$(body)" = hello ]

s=$(http_status "$BASE/cgi-bin/missing.cgi")
check "missing script is 404" [ "$s" = 404 ]
check "missing script is logged with its reason" \
    log_has "404 Not Found: script not found"

s=$(http_status "$BASE/cgi-bin/noexec.sh")
check "script without execute bit is 403" [ "$s" = 403 ]

s=$(http_status "$BASE/cgi-bin/worldw.sh")
check "world-writable script is 403" [ "$s" = 403 ]

s=$(http_status "$BASE/cgi-bin/badinterp.sh")
check "exec failure is 502" [ "$s" = 502 ]
check "exec failure is logged with strerror" \
    log_has "execve failed: No such file or directory"

s=$(http_status "$BASE/cgi-bin/badheader.sh")
if [ "$s" = 502 ] && ! grep -q "not a header" "$T/body"
then
	ok "malformed header block is 502, not forwarded"
else
	not_ok "malformed header block is 502, not forwarded" "failed: [ \"\$s\" = 502 ] && ! grep -q \"not a header\" \"\$T/body\""
fi

s=$(http_status "$BASE/cgi-bin/noheader.sh")
check "script exiting without headers is 500" [ "$s" = 500 ]

s=$(http_status "$BASE/cgi-bin/status.sh")
check "Status header reaches the client" [ "$s" = 418 ]

s=$(http_status "$BASE/cgi-bin/env.sh/extra/path?a=1")
check "PATH_INFO is split from the script path" \
    grep -q '^PATH_INFO=/extra/path$' "$T/body"
check "GATEWAY_INTERFACE is CGI/1.1" grep -q '^GATEWAY_INTERFACE=CGI/1.1$' "$T/body"
check "SERVER_SOFTWARE names safecgi" grep -q '^SERVER_SOFTWARE=safecgi/' "$T/body"

s=$(http_status "$BASE/cgi-bin/env.sh" -H 'Proxy: http://evil.example/')
if [ "$s" = 200 ] && ! grep -q '^HTTP_PROXY=' "$T/body"
then
	ok "HTTP_PROXY never reaches the script (httpoxy)"
else
	not_ok "HTTP_PROXY never reaches the script (httpoxy)" "failed: [ \"\$s\" = 200 ] && ! grep -q '^HTTP_PROXY=' \"\$T/body\""
fi

s=$(http_status "$BASE/cgi-bin/hello?fds")
check "script inherits exactly fds 0 1 2" \
    [ "$(tr '\n' ' ' < "$T/body")" = "0 1 2 " ]

s=$(http_status "$BASE/cgi-bin/hello?id")
if grep -q "^uid=65534 gid=65534" "$T/body" && [ "$(grep -c '^Cap[A-Za-z]*:[[:space:]]*0000000000000000$' "$T/body")" = 5 ]
then
	ok "script runs as nobody with every capability set empty"
else
	not_ok "script runs as nobody with every capability set empty" "failed: grep -q \"^uid=65534 gid=65534\" \"\$T/body\" && [ \"\$(grep -c '^Cap[A-Za-z]*:[[:space:]]*0000000000000000\$' \"\$T/body\")\" = 5 ]"
fi
if grep -q "^NoNewPrivs:[[:space:]]*1" "$T/body" && grep -q "^Seccomp:[[:space:]]*2" "$T/body"
then
	ok "script runs with no_new_privs and a seccomp filter"
else
	not_ok "script runs with no_new_privs and a seccomp filter" "failed: grep -q \"^NoNewPrivs:[[:space:]]*1\" \"\$T/body\" && grep -q \"^Seccomp:[[:space:]]*2\" \"\$T/body\""
fi
ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$T/body")
check "script starts with no ignored signals (SigIgn $ign)" \
    [ "$ign" = 0000000000000000 ]

s=$(http_status "$BASE/cgi-bin/stderr.sh")
check "script stderr goes to the error log" log_has "stderr-marker-7781"

# streaming both ways: 64 MiB through `exec cat`
head -c 67108864 /dev/urandom > "$T/big"
s=$(curl -s --max-time 60 -o "$T/big.out" -w '%{http_code}' \
    --data-binary @"$T/big" -H 'Content-Type: application/octet-stream' \
    "$BASE/cgi-bin/echo.sh")
if [ "$s" = 200 ] && cmp -s "$T/big" "$T/big.out"
then
	ok "request body streams through exec cat unchanged"
else
	not_ok "request body streams through exec cat unchanged" "failed: [ \"\$s\" = 200 ] && cmp -s \"\$T/big\" \"\$T/big.out\""
fi
rm -f "$T/big" "$T/big.out"

# output reaches the client as the script produces it
start=$(date +%s%N)
curl -s -N --max-time 10 "$BASE/cgi-bin/stream.sh" | head -1 > "$T/first" &
cpid=$!
i=0
while [ ! -s "$T/first" ] && [ $i -lt 50 ]; do sleep 0.05; i=$((i + 1)); done
first_ms=$(( ($(date +%s%N) - start) / 1000000 ))
wait $cpid 2>/dev/null
# (the settle window, stream.c, holds a running script's first bytes
# 10 ms at most; the script sleeps 3 s after them)
check "output is streamed before the script ends (${first_ms}ms)" \
    [ "$(cat "$T/first")" = first -a "$first_ms" -lt 1000 ]

start=$(date +%s)
s=$(http_status "$BASE/cgi-bin/background.sh")
took=$(( $(date +%s) - start ))
check "background child does not hold the response open" \
    [ "$s" = 200 -a "$took" -lt 3 ]
if [ "$(body)" = backgrounded ] && wait_gone "sleep 417" 3
then
	ok "background child does not outlive the request"
else
	not_ok "background child does not outlive the request" "failed: [ \"\$(body)\" = backgrounded ] && wait_gone \"sleep 417\" 3"
fi

s=$(http_status "$BASE/cgi-bin/daemon.sh")
if [ "$(body)" = daemonized ] && wait_gone "sleep 419" 3
then
	ok "setsid daemon does not outlive the request"
else
	not_ok "setsid daemon does not outlive the request" "failed: [ \"\$(body)\" = daemonized ] && wait_gone \"sleep 419\" 3"
fi

start=$(date +%s)
s=$(http_status "$BASE/cgi-bin/grandchild.sh")
took=$(( $(date +%s) - start ))
check "timeout answers 504" [ "$s" = 504 ]
if [ "$took" -ge 3 ] && wait_gone "sleep 421" 5
then
	ok "timeout kills the script and its grandchild"
else
	not_ok "timeout kills the script and its grandchild" "failed: [ \"\$took\" -ge 3 ] && wait_gone \"sleep 421\" 5"
fi
check "timeout is recorded in the audit log" audit_has timeout_kill

curl -s --max-time 30 "$BASE/cgi-bin/sleep.sh?423" >/dev/null 2>&1 &
cpid=$!
i=0
while [ -z "$(test_procs "sleep 423")" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
started=$(test_procs "sleep 423" | wc -l)
kill "$cpid" 2>/dev/null
if [ "$started" -ge 1 ] && wait_gone "sleep 423" 5
then
	ok "client abort kills the script"
else
	not_ok "client abort kills the script" "failed: [ \"\$started\" -ge 1 ] && wait_gone \"sleep 423\" 5"
fi

check "access log line has status and exit code" \
    log_has 'access client=127.0.0.1 method=GET script=.*/fast.sh profile=tests status=200 bytes=[0-9]* ms=[0-9]* exit=0'

# Lines that come close together are read by the master in one go:
# none of a burst's may be lost on the way.
access_lines() { grep -c 'access client=.* script=.*/fast.sh ' "$ERRLOG"; }
before=$(access_lines)
burst 60 "$BASE/cgi-bin/fast.sh" "$T/burst"
burst_wait
i=0
while [ $((  $(access_lines) - before )) -lt 60 ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
got=$(( $(access_lines) - before ))
check "every request of a burst of 60 leaves its access line ($got lines, $(count 200 "$T/burst") answered 200)" \
    [ "$got" -eq 60 -a "$(count 200 "$T/burst")" -eq 60 ]

ls -l "$SOCK" > "$T/sockmode"
check "socket is mode 0660 with the configured group" \
    grep -q '^srw-rw---- .* root www-data ' "$T/sockmode"

done_testing
