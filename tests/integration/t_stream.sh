#!/bin/sh
# 1 GiB through a script that answers while it reads (`exec cat`), in
# constant memory: what fcgiwrap deadlocks on.
. "${top_srcdir:-.}/tests/integration/lib.sh"

install_test_scripts
write_test_profile
cat > "$T/profiles/stream.conf" <<PROFILE
[profile]
match = $CGIBIN/echo.sh
[limits]
timeout = 300
body = 2G
output = 2G
[filesystem]
exec = /usr/bin/cat
PROFILE
install_script "$top_srcdir/tests/cgi/scripts/noread.sh" noread_limited.sh
cat > "$T/profiles/outlimit.conf" <<PROFILE
[profile]
match = $CGIBIN/noread_limited.sh
[limits]
output = 1M
body = 1M
PROFILE
start_nginx
start_safecgi -c 1 -t 300

WORKER=$(pgrep -P "$SAFECGI_PID" | head -1)
peak() {	# the worker's peak resident memory, KiB
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$WORKER/status"
}
curl -s -o /dev/null -d x "$BASE/cgi-bin/echo.sh"
before=$(peak)
# generated and checked on the fly: nothing of 1 GiB touches the disk
# (cksum: CRC and length, so that a failure says how much came back)
sum_in=$(head -c 1073741824 /dev/zero | tr '\0' 'x' | cksum)
sum_out=$(head -c 1073741824 /dev/zero | tr '\0' 'x' |
    { curl -s --max-time 280 -T - -H 'Content-Type: application/octet-stream' \
    -X POST "$BASE/cgi-bin/echo.sh"; echo "$?" > "$T/curl.rc"; } | cksum)
after=$(peak)
check "1 GiB streams through exec cat unchanged (sent: $sum_in, received: $sum_out, curl exit $(cat "$T/curl.rc"))" \
    [ "$sum_in" = "$sum_out" ]
if [ -n "$before" ] && [ $((after - before)) -lt 16384 ]
then
	ok "the worker's memory does not grow with the body (peak ${before} KiB -> ${after} KiB)"
else
	not_ok "the worker's memory does not grow with the body (peak ${before} KiB -> ${after} KiB)" "failed: [ -n \"\$before\" ] && [ \$((after - before)) -lt 16384 ]"
fi

# A script that answers without reading its body: the rest of the body is
# read and thrown away, and the answer reaches the client whole.  Through
# nginx, closing the connection while it still sends the body is a 502.
head -c 16777216 /dev/zero > "$T/body16m"
code=$(curl -s -o "$T/noread.out" -w '%{http_code}' --max-time 60 \
    --data-binary @"$T/body16m" "$BASE/cgi-bin/noread.sh")
check "a script that answers without reading a 16 MiB body: the client gets 200" \
    [ "$code" = 200 ]
check "a script that answers without reading a 16 MiB body: the client gets all 100 KiB" \
    [ "$(wc -c < "$T/noread.out")" -eq 102400 ]

# ... but only up to the body limit: past it the request ends (413).
curl -s -o /dev/null --max-time 60 --data-binary @"$T/body16m" \
    "$BASE/cgi-bin/noread_limited.sh"
check "a body the script does not read is read no further than the body limit (limit_hit)" \
    audit_has limit_hit limit body

# Output that waits in the spool while the body still arrives counts
# against the output limit: 4 MiB from a script limited to 1 MiB, while
# the client takes 4 s to send its body.
code=$(
	{ printf 'x'; sleep 4; printf 'y'; } |
	curl -s -o "$T/spooled.out" -w '%{http_code}' --max-time 60 -T - \
	    -X POST "$BASE/cgi-bin/noread_limited.sh?4096"
)
check "output waiting for the body counts against the output limit (limit_hit)" \
    audit_has limit_hit limit output
check "output over the limit while the body arrives: the client gets 502, not the output" \
    [ "$code" = 502 ]

done_testing
