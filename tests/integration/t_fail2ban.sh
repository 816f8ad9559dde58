#!/bin/sh
# contrib/fail2ban: Debian's fail2ban-regex reads the audit log of a real
# run (contrib/fail2ban/sample/) with our filters, and finds exactly the
# attacks, by the right client, and nothing else; a forged "client" inside
# a request cannot choose the address; fail2ban accepts the jail, and a
# real fail2ban-server bans the attacking clients from the sample.
#
# No nginx or safecgi here: the samples were recorded from the real pair
# (see contrib/fail2ban/README.md).  fail2ban missing is a failure, not a
# skip: contrib/quickstart.sh installs it.

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
F2B="$top_srcdir/contrib/fail2ban"
. "$top_srcdir/tests/integration/tap.sh"

if ! command -v fail2ban-regex >/dev/null 2>&1 ||
    [ ! -f /etc/fail2ban/filter.d/common.conf ]; then
	not_ok "fail2ban-regex is installed (TEST_DEPS in contrib/quickstart.sh: fail2ban)"
	done_testing
	exit
fi
ok "fail2ban-regex is installed ($(fail2ban-regex -V 2>/dev/null))"

W=$(mktemp -d /tmp/t_fail2ban.XXXXXX)
SERVER_PID=
cleanup() {
	if [ -n "$SERVER_PID" ]; then
		fail2ban-client -c "$W/etc" stop >/dev/null 2>&1
		sleep 0.2
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$W"
}
trap cleanup EXIT

# The filters next to the common.conf they include, as under
# /etc/fail2ban/filter.d.
mkdir -p "$W/filter.d"
cp /etc/fail2ban/filter.d/common.conf "$F2B"/filter.d/*.conf "$W/filter.d/"
JSON="$W/filter.d/safecgi.conf"
SYSLOG="$W/filter.d/safecgi-syslog.conf"

# f2b LOG FILTER: run fail2ban-regex once; then summary and hosts read it.
f2b() {
	fail2ban-regex -v "$1" "$2" > "$W/out" 2>&1
}

# "LINES IGNORED MATCHED MISSED"
summary() {
	sed -n 's/^Lines: \([0-9]*\) lines, \([0-9]*\) ignored, \([0-9]*\) matched, \([0-9]*\) missed.*/\1 \2 \3 \4/p' "$W/out"
}

# "COUNT ADDR ..." per address found, sorted by address, on one line
hosts() {
	sed -n '/^Failregex:/,/^`-/s/^|      \([0-9a-fA-F.:]*\)  .*/\1/p' "$W/out" |
	    sort | uniq -c | awk '{ print $1, $2 }' | sort -k2 | tr '\n' ' '
}

# only EVENT...: the sample's lines of these events
only() {
	pat=$(printf '"event":"%s"\\|' "$@")
	grep -e "${pat%\\|}" "$F2B/sample/audit.jsonl"
}

# ------------------------------------------------- the JSON audit log

SAMPLE="$F2B/sample/audit.jsonl"
# 22 lines: startup, 3 policy_loaded, policy_reload_failed, 2
# request_refused (Shellshock), 8 suspicious_input (4 requests, each seen
# in QUERY_STRING and REQUEST_URI), 3 syscall_blocked, 2 exec_denied,
# timeout_kill, limit_hit.
f2b "$SAMPLE" "$JSON"
is "JSON sample: 15 of 22 lines are failures, none ignored" \
    "$(summary)" "22 0 15 7"
is "JSON sample: failures by client (8 of 203.0.113.7, 5 of 127.0.0.1, 2 of 2001:db8::66)" \
    "$(hosts)" "5 127.0.0.1 2 2001:db8::66 8 203.0.113.7 "
is "every line's time is read with the explicit datepattern" \
    "$(grep -c '^|  \[22\] ^\\{"time":"Year-Month-DayT24hour' "$W/out")" 1

for ev in request_refused suspicious_input syscall_blocked exec_denied; do
	only "$ev" > "$W/ev.jsonl"
	n=$(wc -l < "$W/ev.jsonl")
	f2b "$W/ev.jsonl" "$JSON"
	is "$ev: all $n sample lines are failures" \
	    "$(summary)" "$n 0 $n 0"
done

only startup policy_loaded policy_reload_failed > "$W/noreq.jsonl"
f2b "$W/noreq.jsonl" "$JSON"
is "startup, policy_loaded, policy_reload_failed (no client) never match" \
    "$(summary)" "5 0 0 5"
only timeout_kill limit_hit > "$W/limits.jsonl"
f2b "$W/limits.jsonl" "$JSON"
is "timeout_kill and limit_hit (not attacks) do not match" \
    "$(summary)" "2 0 0 2"

# The documented shape (safecgi(8), issue 6) of a syscall_blocked event.
cat > "$W/synthetic.jsonl" <<'EOF'
{"time":"2026-11-24T19:37:32.749+00:00","event":"syscall_blocked","request_id":"1234-7","client":"203.0.113.7","method":"GET","uri":"/cgi-bin/x?a","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"script_pid":1240,"syscall":"socket","nr":"41","args":"AF_INET,SOCK_STREAM","action":"errno"}
{"time":"2026-11-24T19:37:32.749+01:00","event":"syscall_blocked","request_id":"1234-8","client":"2001:db8::7","method":"GET","uri":"/cgi-bin/x","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"script_pid":1241,"syscall":"connect","nr":"42","args":"AF_INET,192.0.2.1:80","action":"errno"}
EOF
f2b "$W/synthetic.jsonl" "$JSON"
is "the documented syscall_blocked line matches, IPv4 and IPv6" \
    "$(hosts)" \
    "1 2001:db8::7 1 203.0.113.7 "
# 19:37:32 at +00:00 and at +01:00, as seconds since the epoch
is "the zone offset of \"time\" is honoured" \
    "$(fail2ban-regex -o row "$W/synthetic.jsonl" "$JSON" |
    sed -n 's/^\[[^,]*,[[:space:]]*\([0-9]*\),.*/\1/p' | tr '\n' ' ')" \
    "$(date -u -d 2026-11-24T19:37:32Z +%s) $(date -u -d 2026-11-24T18:37:32Z +%s) "

# Forgery.  In the sample (a real request): the uri carries
# ","client":"198.51.100.9" - JSON-escaped by safecgi.
grep -F '198.51.100.9' "$SAMPLE" > "$W/forged.jsonl"
f2b "$W/forged.jsonl" "$JSON"
is "sample: a uri with a forged client is blamed on the real client" \
    "$(hosts)" "2 203.0.113.7 "
# And lines whose real client is empty or not an address: the forged one
# in uri, excerpt or a later field must not be taken instead.
cat > "$W/forged2.jsonl" <<'EOF'
{"time":"2026-11-24T19:37:33.000+00:00","event":"suspicious_input","request_id":"1234-9","client":"","method":"GET","uri":"/cgi-bin/x?\",\"client\":\"198.51.100.9\",\"","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"variable":"QUERY_STRING","signature":"cmd-subst","excerpt":"\",\"client\":\"198.51.100.9"}
{"time":"2026-11-24T19:37:33.000+00:00","event":"request_refused","request_id":"1234-10","client":"unknown","method":"GET","uri":"/cgi-bin/x","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"variable":"HTTP_X","rule":"shellshock","excerpt":"\",\"client\":\"198.51.100.9\""}
{"time":"2026-11-24T19:37:33.000+00:00","event":"syscall_blocked","request_id":"1234-11","client":"","method":"","uri":"","script":"","profile":"default","worker_pid":1234,"script_pid":9,"syscall":"socket","nr":"41","args":"AF_INET,SOCK_DGRAM","action":"errno","client":"198.51.100.9"}
{"time":"2026-11-24T19:37:33.000+00:00","event":"startup","uri":"\",\"client\":\"198.51.100.9\"","client":"198.51.100.9"}
EOF
f2b "$W/forged2.jsonl" "$JSON"
is "a forged client after an empty or bogus one is never found" \
    "$(summary)" "4 0 0 4"
is "... so no host at all, 198.51.100.9 least of all" "$(hosts)" ""
# a date inside a value is not the line's date
printf '%s\n' '{"time":"garbage","event":"syscall_blocked","request_id":"1-1","client":"192.0.2.9","method":"GET","uri":"{\"time\":\"2026-11-24T19:37:33.000+00:00\""}' > "$W/nodate.jsonl"
f2b "$W/nodate.jsonl" "$JSON"
is "a line without a valid leading time is not read" \
    "$(summary)" "1 0 0 1"

# suEXEC-style refusals are the script's fault, not the client's.
cat > "$W/suexec.jsonl" <<'EOF'
{"time":"2026-11-24T19:37:34.000+00:00","event":"request_refused","request_id":"1234-12","client":"192.0.2.3","method":"GET","uri":"/cgi-bin/x","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"rule":"group-writable","variable":"SCRIPT_FILENAME"}
{"time":"2026-11-24T19:37:34.000+00:00","event":"request_refused","request_id":"1234-13","client":"192.0.2.4","method":"GET","uri":"/cgi-bin/x?\",\"variable\":\"SCRIPT_FILENAME\"","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"variable":"HTTP_USER_AGENT","rule":"shellshock"}
EOF
f2b "$W/suexec.jsonl" "$JSON"
is "request_refused for SCRIPT_FILENAME is ignored, a forged one is not" \
    "$(summary) $(hosts)" \
    "2 1 1 0 1 192.0.2.4 "

# ------------------------------------------------------- the syslog form

SAMPLE_SL="$F2B/sample/syslog"
f2b "$SAMPLE_SL" "$SYSLOG"
is "syslog sample: 15 of 22 lines are failures" \
    "$(summary)" "22 0 15 7"
is "syslog sample: the same clients as the JSON log" \
    "$(hosts)" \
    "5 127.0.0.1 2 2001:db8::66 8 203.0.113.7 "
cat > "$W/syslog" <<'EOF'
Nov 24 20:02:20 web1 safecgi[4242]: blocked syscall=socket(AF_INET,SOCK_STREAM) nr=41 action=errno client=203.0.113.7 method=GET uri=/cgi-bin/x?a script=/usr/lib/cgi-bin/x.cgi profile=default req=4242-7
Nov 24 20:02:21 web1 safecgi[4242]: suspicious_input variable=QUERY_STRING signature=cmd-subst excerpt=$(id)\x20client=198.51.100.9 method=GET uri=/cgi-bin/x?\x20client=198.51.100.9 script=/usr/lib/cgi-bin/x.cgi profile=default req=4242-8
Nov 24 20:02:22 web1 safecgi[4242]: blocked syscall=socket(AF_INET,SOCK_DGRAM) nr=41 action=errno profile=default req=4242-0
Nov 24 20:02:23 web1 sshd[99]: blocked syscall=socket(AF_INET,SOCK_STREAM) client=198.51.100.9 method=GET
Nov 24 20:02:24 web1 safecgi[4242]: request_refused rule=not-regular variable=SCRIPT_FILENAME client=192.0.2.3 method=GET uri=/cgi-bin/x script=/usr/lib/cgi-bin/x profile=default req=4242-9
EOF
f2b "$W/syslog" "$SYSLOG"
is "syslog: documented 'blocked' line matches; escaped, clientless, foreign and suEXEC lines do not" \
    "$(summary) $(hosts)" \
    "5 1 1 3 1 203.0.113.7 "

# ------------------------------------------------------------ the jail

# A copy of Debian's /etc/fail2ban with our files, the jail enabled.
cp -a /etc/fail2ban "$W/etc"
rm -f "$W/etc/jail.d/"*.conf "$W/etc/jail.d/"*.local
cp "$F2B"/filter.d/*.conf "$W/etc/filter.d/"
cp "$F2B/jail.d/safecgi.conf" "$W/etc/jail.d/"
: > "$W/audit.log"
cat > "$W/etc/jail.d/safecgi.local" <<EOF
[safecgi]
enabled = true
logpath = $W/audit.log
EOF
if out=$(fail2ban-client -c "$W/etc" -t 2>&1); then
	ok "fail2ban-client -t accepts jail.d/safecgi.conf"
else
	not_ok "fail2ban-client -t accepts jail.d/safecgi.conf" "$out"
fi
dump=$(fail2ban-client -c "$W/etc" -d 2>/dev/null)
is "the jail ships disabled" \
    "$(sed -n 's/^enabled *= *//p' "$F2B/jail.d/safecgi.conf" | sort -u)" false
is "jail: maxretry 3, port http,https, the safecgi filter's failregex" \
    "$(printf '%s\n' "$dump" | grep -c \
    -e "\['set', 'safecgi', 'maxretry', 3\]" \
    -e "'port', 'http,https'" \
    -e "\['set', 'safecgi', 'addfailregex', '^,\"event\"")" 3

# A real fail2ban-server on the sample, its times moved to the last
# minute, banning through the "dummy" action (a file): 203.0.113.7 (8
# failures) and 127.0.0.1 (5) reach maxretry = 3, 2001:db8::66 (2) not.
python3 - "$SAMPLE" "$W/audit.log" <<'EOF'
import datetime, re, sys
now = datetime.datetime.now(datetime.timezone.utc)
lines = open(sys.argv[1]).readlines()
with open(sys.argv[2], "w") as out:
    for i, l in enumerate(lines):
        t = now - datetime.timedelta(seconds=len(lines) - i)
        out.write(re.sub(r'^\{"time":"[^"]*"', '{"time":"%s"'
            % t.isoformat(timespec="milliseconds"), l))
EOF
cat > "$W/etc/jail.d/safecgi.local" <<EOF
[safecgi]
enabled = true
logpath = $W/audit.log head
backend = polling
action = dummy[target="$W/bans"]
ignoreself = false
EOF
cat > "$W/etc/fail2ban.local" <<EOF
[Definition]
logtarget = $W/fail2ban.log
socket = $W/fail2ban.sock
pidfile = $W/fail2ban.pid
dbfile = :memory:
EOF
timeout 60 fail2ban-server -f -x -c "$W/etc" >"$W/server.out" 2>&1 &
SERVER_PID=$!
i=0
until [ "$(grep -c '^+' "$W/bans" 2>/dev/null || true)" -ge 2 ] 2>/dev/null ||
    [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5	# a third ban would have come by now
is "fail2ban-server bans 127.0.0.1 and 203.0.113.7, and not 2001:db8::66" \
    "$(grep '^+' "$W/bans" 2>/dev/null | sort | tr '\n' ' ')" \
    "+127.0.0.1 +203.0.113.7 "
fail2ban-client -c "$W/etc" stop >/dev/null 2>&1
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=

server_log() {
	echo "# fail2ban-server log:"
	sed 's/^/#   /' "$W/fail2ban.log" 2>/dev/null | tail -20
}
TAP_ON_FAILURE=server_log
done_testing
