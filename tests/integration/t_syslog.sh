#!/bin/sh
# --audit-log syslog, end to end: the real nginx, the real safecgi and a
# /dev/log of this test's own (in a private mount namespace, so nothing
# else on the host logs into it and nothing of ours reaches the host's
# journal).  Every event is one human-readable line at daemon.notice,
# tagged safecgi[PID], with request values escaped; the shipped fail2ban
# syslog filter matches what a real run wrote.
. "${top_srcdir:-.}/tests/integration/tap.sh"
need_root
if [ -z "${SAFECGI_PRIVATE_DEV:-}" ]; then
	SAFECGI_PRIVATE_DEV=1 exec unshare -m --propagation private sh "$0"
fi
. "${top_srcdir:-.}/tests/integration/lib.sh"
need_tools fail2ban-regex /etc/fail2ban/filter.d/common.conf

SL=$T/syslog
sh "$top_srcdir/tests/integration/devlog.sh" "$SL" 2>"$T/devlog.err" &
DEVLOG_PID=$!
trap 'kill $DEVLOG_PID 2>/dev/null; cleanup' EXIT
i=0
while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S /dev/log ] ||
    { echo "Bail out! no private /dev/log: $(cat "$T/devlog.err")"; exit 1; }

install_test_scripts
write_test_profile
start_nginx
start_safecgi -c 1 --audit-log syslog

s=$(http_status "$BASE/cgi-bin/nettry.sh")
s=$(http_status "$BASE/cgi-bin/fast.sh?q=%FF%01%1b%5b31m;wget\${IFS}http://127.0.0.1:9/x")
# raw control bytes and invalid UTF-8 in a header: nginx passes them on
s=$(http_status "$BASE/cgi-bin/fast.sh" -H "$(printf 'User-Agent: () { :;}; \033[31m\377/bin/sh')")
sleep 0.5

check "syslog: the startup event arrives, tagged safecgi[PID]" \
    grep -q "safecgi\[$SAFECGI_PID\]: startup version=" "$SL"
check "syslog: a blocked socket() is one line naming the call, client, script, profile and request" \
    grep -Eq "safecgi\[$SAFECGI_PID\]: blocked syscall=socket\(AF_INET,[^ ]*\) .*client=127\.0\.0\.1 .*script=$CGIBIN/nettry\.sh profile=tests req=[0-9]+-[0-9]+$" "$SL"
check "syslog: events go out at daemon.notice (<29>)" \
    sh -c "grep -a 'blocked syscall=' '$SL.raw' | grep -q '^<29>'"
check "syslog: suspicious input is on record with its signature" \
    grep -q 'suspicious_input variable=QUERY_STRING signature=download-command ' "$SL"
# (the excerpt is escaped once by validation and its backslashes again
# by the line format: \x5cx1b)
check "syslog: raw bytes of a header arrive escaped" \
    sh -c "grep 'variable=HTTP_USER_AGENT' '$SL' | grep -F 'x1b[31m' | grep -qF 'xff/bin/sh'"
check "syslog: no line carries a control byte or invalid UTF-8" \
    python3 -c '
import sys
for l in open(sys.argv[1], "rb").read().split(b"\n"):
    l.decode("utf-8")
    assert not any(b < 0x20 or b == 0x7f for b in l), l
' "$SL"
check "syslog: nothing is written to a JSON audit file" \
    [ ! -e "$AUDIT" ]

kill "$SAFECGI_PID"
wait "$SAFECGI_PID" 2>/dev/null
SAFECGI_PID=
# as installed: next to Debian's common.conf
mkdir -p "$T/f2b/filter.d"
cp /etc/fail2ban/filter.d/common.conf \
    "$top_srcdir/contrib/fail2ban/filter.d/safecgi-syslog.conf" "$T/f2b/filter.d/"
fail2ban-regex "$SL" "$T/f2b/filter.d/safecgi-syslog.conf" > "$T/f2b/out" 2>&1
check "syslog: the shipped fail2ban filter matches every blocked, denied and suspicious line of this run" \
    grep -q "^Lines: $(wc -l < "$SL") lines, 0 ignored, $(grep -Ec ': (blocked|exec_denied|suspicious_input|request_refused) ' "$SL") matched" "$T/f2b/out"

# With nobody on /dev/log, syslog(3) would drop every event in silence.
check "with nothing listening on /dev/log, --audit-log syslog refuses to start" \
    sh -c "! unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /dev &&
    exec timeout 10 \"\$0\" -s unix:$T/other.sock --audit-log syslog' '$SAFECGI' \
    2>'$T/refusal' && grep -q 'nothing listens on /dev/log' '$T/refusal'"

done_testing
