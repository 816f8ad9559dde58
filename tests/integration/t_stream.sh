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
start_nginx
start_safecgi -c 1 -t 300

WORKER=$(pgrep -P "$SAFECGI_PID" | head -1)
peak() {	# the worker's peak resident memory, KiB
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$WORKER/status"
}
curl -s -o /dev/null -d x "$BASE/cgi-bin/echo.sh"
before=$(peak)
# generated and checked on the fly: nothing of 1 GiB touches the disk
sum_in=$(head -c 1073741824 /dev/zero | tr '\0' 'x' | md5sum | cut -d' ' -f1)
sum_out=$(head -c 1073741824 /dev/zero | tr '\0' 'x' |
    curl -s --max-time 280 -T - -H 'Content-Type: application/octet-stream' \
    -X POST "$BASE/cgi-bin/echo.sh" | md5sum | cut -d' ' -f1)
after=$(peak)
check "1 GiB streams through exec cat unchanged" [ "$sum_in" = "$sum_out" ]
if [ -n "$before" ] && [ $((after - before)) -lt 16384 ]
then
	ok "the worker's memory does not grow with the body (peak ${before} KiB -> ${after} KiB)"
else
	not_ok "the worker's memory does not grow with the body (peak ${before} KiB -> ${after} KiB)" "failed: [ -n \"\$before\" ] && [ \$((after - before)) -lt 16384 ]"
fi

done_testing
