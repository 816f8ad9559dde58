#!/bin/sh
# contrib/fail2ban: Debian's fail2ban-regex reads the audit log of a real
# run (contrib/fail2ban/sample/) with our filters, and finds exactly the
# attacks, by the right client, and nothing else; a forged "client" inside
# a request cannot choose the address; fail2ban accepts the jail, and a
# real fail2ban-server bans the attacking clients from the sample.  Then
# live: the jail starts on a fresh install (the audit log created by
# tmpfiles.d before the first request), 20 page loads of a benign script
# with a profile gap and of a complain-mode script ban nobody, and the
# README's attack, 3 times, is banned - the real nginx, safecgi and
# fail2ban-server.
#
# The samples were recorded from the real nginx and safecgi (see
# contrib/fail2ban/README.md).  fail2ban missing is a failure, not a
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
SERVER2_PID=
cleanup_f2b() {
	if [ -n "$SERVER_PID" ]; then
		fail2ban-client -c "$W/etc" stop >/dev/null 2>&1
		sleep 0.2
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	if [ -n "$SERVER2_PID" ]; then
		fail2ban-client -c "$W/live" stop >/dev/null 2>&1
		sleep 0.2
		kill "$SERVER2_PID" 2>/dev/null
		wait "$SERVER2_PID" 2>/dev/null
	fi
	rm -rf "$W"
}
trap cleanup_f2b EXIT

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
# 27 lines: startup, 3 policy_loaded, policy_reload_failed; a benign
# script's profile gap (4 exec_denied of id, a complain-mode exec_denied
# of wget, 2 complain-mode connect_denied); 2 request_refused
# (Shellshock), 8 suspicious_input (4 requests, each seen in QUERY_STRING
# and REQUEST_URI), 3 syscall_blocked (UDP, TCP, raw), timeout_kill,
# limit_hit.  12 are "evidence":"attack".
f2b "$SAMPLE" "$JSON"
is "JSON sample: 12 of 27 lines are failures, none ignored" \
    "$(summary)" "27 0 12 15"
is "JSON sample: failures by client (5 of 203.0.113.7, 5 of 127.0.0.1, 2 of 2001:db8::66)" \
    "$(hosts)" "5 127.0.0.1 2 2001:db8::66 5 203.0.113.7 "
is "every line's time is read with the explicit datepattern" \
    "$(grep -c '^|  \[27\] ^\\{"time":"Year-Month-DayT24hour' "$W/out")" 1

grep '"evidence":"attack"' "$SAMPLE" > "$W/attack.jsonl"
f2b "$W/attack.jsonl" "$JSON"
is "every sample line with evidence attack is a failure (12)" \
    "$(summary)" "12 0 12 0"
grep -v '"evidence":"attack"' "$SAMPLE" > "$W/other.jsonl"
f2b "$W/other.jsonl" "$JSON"
is "no sample line with evidence policy or none is a failure (15)" \
    "$(summary)" "15 0 0 15"
only exec_denied connect_denied > "$W/gap.jsonl"
f2b "$W/gap.jsonl" "$JSON"
is "a benign script's denied exec of id, and complain mode, never match" \
    "$(summary)" "7 0 0 7"

for ev in request_refused suspicious_input; do
	only "$ev" > "$W/ev.jsonl"
	n=$(wc -l < "$W/ev.jsonl")
	f2b "$W/ev.jsonl" "$JSON"
	is "$ev: all $n sample lines (Shellshock, signatures) are failures" \
	    "$(summary)" "$n 0 $n 0"
done
only syscall_blocked > "$W/ev.jsonl"
f2b "$W/ev.jsonl" "$JSON"
is "syscall_blocked: outgoing TCP and raw sockets match, a UDP resolver socket does not" \
    "$(summary)" "3 0 2 1"

only startup policy_loaded policy_reload_failed > "$W/noreq.jsonl"
f2b "$W/noreq.jsonl" "$JSON"
is "startup, policy_loaded, policy_reload_failed (no client) never match" \
    "$(summary)" "5 0 0 5"
only timeout_kill limit_hit > "$W/limits.jsonl"
f2b "$W/limits.jsonl" "$JSON"
is "timeout_kill and limit_hit (not attacks) do not match" \
    "$(summary)" "2 0 0 2"

# The documented shape (safecgi(8), AUDIT LOG) of a syscall_blocked event.
cat > "$W/synthetic.jsonl" <<'EOF'
{"time":"2026-11-24T19:37:32.749+00:00","event":"syscall_blocked","evidence":"attack","request_id":"1234-7","client":"203.0.113.7","method":"GET","uri":"/cgi-bin/x?a","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"script_pid":1240,"syscall":"socket","nr":"41","args":"AF_INET,SOCK_STREAM","action":"errno"}
{"time":"2026-11-24T19:37:32.749+01:00","event":"syscall_blocked","evidence":"attack","request_id":"1234-8","client":"2001:db8::7","method":"GET","uri":"/cgi-bin/x","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"script_pid":1241,"syscall":"connect","nr":"42","args":"AF_INET,192.0.2.1:80","action":"errno"}
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
{"time":"2026-11-24T19:37:33.000+00:00","event":"suspicious_input","evidence":"attack","request_id":"1234-9","client":"","method":"GET","uri":"/cgi-bin/x?\",\"client\":\"198.51.100.9\",\"","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"variable":"QUERY_STRING","signature":"cmd-subst","excerpt":"\",\"client\":\"198.51.100.9"}
{"time":"2026-11-24T19:37:33.000+00:00","event":"request_refused","evidence":"attack","request_id":"1234-10","client":"unknown","method":"GET","uri":"/cgi-bin/x","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"variable":"HTTP_X","rule":"shellshock","excerpt":"\",\"client\":\"198.51.100.9\""}
{"time":"2026-11-24T19:37:33.000+00:00","event":"syscall_blocked","evidence":"attack","request_id":"1234-11","client":"","method":"","uri":"","script":"","profile":"default","worker_pid":1234,"script_pid":9,"syscall":"socket","nr":"41","args":"AF_INET,SOCK_DGRAM","action":"errno","client":"198.51.100.9"}
{"time":"2026-11-24T19:37:33.000+00:00","event":"startup","evidence":"attack","uri":"\",\"client\":\"198.51.100.9\"","client":"198.51.100.9"}
EOF
f2b "$W/forged2.jsonl" "$JSON"
is "a forged client after an empty or bogus one is never found" \
    "$(summary)" "4 0 0 4"
is "... so no host at all, 198.51.100.9 least of all" "$(hosts)" ""
# a date inside a value is not the line's date
printf '%s\n' '{"time":"garbage","event":"syscall_blocked","evidence":"attack","request_id":"1-1","client":"192.0.2.9","method":"GET","uri":"{\"time\":\"2026-11-24T19:37:33.000+00:00\""}' > "$W/nodate.jsonl"
f2b "$W/nodate.jsonl" "$JSON"
is "a line without a valid leading time is not read" \
    "$(summary)" "1 0 0 1"

# suEXEC-style refusals are the script's fault, not the client's: safecgi
# marks them policy; a uri that spells "SCRIPT_FILENAME" changes nothing.
cat > "$W/suexec.jsonl" <<'EOF'
{"time":"2026-11-24T19:37:34.000+00:00","event":"request_refused","evidence":"policy","request_id":"1234-12","client":"192.0.2.3","method":"GET","uri":"/cgi-bin/x","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"rule":"group-writable","variable":"SCRIPT_FILENAME"}
{"time":"2026-11-24T19:37:34.000+00:00","event":"request_refused","evidence":"attack","request_id":"1234-13","client":"192.0.2.4","method":"GET","uri":"/cgi-bin/x?\",\"variable\":\"SCRIPT_FILENAME\"","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"variable":"HTTP_USER_AGENT","rule":"shellshock"}
EOF
f2b "$W/suexec.jsonl" "$JSON"
is "request_refused for SCRIPT_FILENAME (policy) does not match, a forged one does" \
    "$(summary) $(hosts)" \
    "2 0 1 1 1 192.0.2.4 "
# The evidence is read from its own field: the same words in a value of a
# policy line, or a line without the field, change nothing.
cat > "$W/forged3.jsonl" <<'EOF'
{"time":"2026-11-24T19:37:35.000+00:00","event":"exec_denied","evidence":"policy","request_id":"1234-14","client":"192.0.2.5","method":"GET","uri":"/cgi-bin/x?\",\"evidence\":\"attack\",\"request_id\":\"1\",\"client\":\"192.0.2.6\",","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"path":"/usr/bin/id"}
{"time":"2026-11-24T19:37:35.000+00:00","event":"exec_denied","request_id":"1234-15","client":"192.0.2.7","method":"GET","uri":"/cgi-bin/x","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"path":"/usr/bin/wget"}
EOF
f2b "$W/forged3.jsonl" "$JSON"
is "evidence attack only counts in its own field, right after event" \
    "$(summary) $(hosts)" "2 0 0 2 "

# ------------------------------------------------------- the syslog form

SAMPLE_SL="$F2B/sample/syslog"
f2b "$SAMPLE_SL" "$SYSLOG"
is "syslog sample: 12 of 27 lines are failures" \
    "$(summary)" "27 0 12 15"
is "syslog sample: the same clients as the JSON log" \
    "$(hosts)" \
    "5 127.0.0.1 2 2001:db8::66 5 203.0.113.7 "
cat > "$W/syslog" <<'EOF'
Nov 24 20:02:20 web1 safecgi[4242]: blocked syscall=socket(AF_INET,SOCK_STREAM) evidence=attack nr=41 action=errno client=203.0.113.7 method=GET uri=/cgi-bin/x?a script=/usr/lib/cgi-bin/x.cgi profile=default req=4242-7
Nov 24 20:02:21 web1 safecgi[4242]: suspicious_input evidence=attack variable=QUERY_STRING signature=cmd-subst excerpt=$(id)\x20client=198.51.100.9 method=GET uri=/cgi-bin/x?\x20client=198.51.100.9 script=/usr/lib/cgi-bin/x.cgi profile=default req=4242-8
Nov 24 20:02:22 web1 safecgi[4242]: blocked syscall=socket(AF_INET,SOCK_STREAM) evidence=attack nr=41 action=errno profile=default req=4242-0
Nov 24 20:02:23 web1 sshd[99]: blocked syscall=socket(AF_INET,SOCK_STREAM) evidence=attack client=198.51.100.9 method=GET
Nov 24 20:02:24 web1 safecgi[4242]: request_refused evidence=policy rule=not-regular variable=SCRIPT_FILENAME client=192.0.2.3 method=GET uri=/cgi-bin/x script=/usr/lib/cgi-bin/x profile=default req=4242-9
Nov 24 20:02:25 web1 safecgi[4242]: exec_denied evidence=policy path=/usr/bin/id uri=/x?\x20evidence=attack\x20client=192.0.2.8 client=192.0.2.9 method=GET req=4242-10
EOF
f2b "$W/syslog" "$SYSLOG"
is "syslog: documented 'blocked' line matches; escaped, clientless, foreign, policy and suEXEC lines do not" \
    "$(summary) $(hosts)" \
    "6 0 1 5 1 203.0.113.7 "

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
# minute, banning through the "dummy" action (a file): 203.0.113.7 (5
# failures) and 127.0.0.1 (5) reach maxretry = 3; 2001:db8::66 has 2
# (and 7 lines of a benign script's profile gap, which do not count).
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

# ------------------------------------- a fresh install, then live traffic

# The real nginx and safecgi (tests/integration/lib.sh), the audit log
# where the shipped unit writes it, below a private root.  lib.sh keeps
# its own counters and cleanup: carry ours over.
n=$TESTNO f=$FAILED
. "$top_srcdir/tests/integration/lib.sh"
TESTNO=$n FAILED=$f
. "$top_srcdir/tests/integration/banlive.sh"
trap 'cleanup_f2b; cleanup' EXIT
R="$W/root"
LOG="$R/var/log/safecgi/audit.log"
cp -a /etc/fail2ban "$W/live"
rm -f "$W/live/jail.d/"*.conf "$W/live/jail.d/"*.local
cp "$F2B"/filter.d/*.conf "$W/live/filter.d/"
cp "$F2B/jail.d/safecgi.conf" "$W/live/jail.d/"
cat > "$W/live/jail.d/safecgi.local" <<EOF2
[safecgi]
enabled = true
logpath = $LOG
backend = polling
action = dummy[target="$W/livebans"]
ignoreself = false
EOF2
cat > "$W/live/fail2ban.local" <<EOF2
[Definition]
logtarget = $W/live.log
socket = $W/live.sock
pidfile = $W/live.pid
dbfile = :memory:
EOF2

# Socket activation: before the first request there is no audit log.
if fail2ban-client -c "$W/live" -t >/dev/null 2>&1; then
	not_ok "without an audit log, fail2ban refuses the jail (what tmpfiles.d prevents)"
else
	ok "without an audit log, fail2ban refuses the jail (what tmpfiles.d prevents)"
fi
# the private root resolves root and adm in its own /etc
mkdir -p "$R/etc"
cp /etc/passwd /etc/group "$R/etc/"
systemd-tmpfiles --create --root="$R" "$F2B/tmpfiles.d/safecgi.conf" >&2
is "tmpfiles.d/safecgi.conf creates the empty audit log at boot (0640 root:adm)" \
    "$(stat -c '%a %U:%G %s' "$LOG" 2>&1)" "640 root:adm 0"
timeout 120 fail2ban-server -f -x -c "$W/live" >"$W/live.out" 2>&1 &
SERVER2_PID=$!
i=0
until fail2ban-client -c "$W/live" status safecgi >/dev/null 2>&1 ||
    [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if out=$(fail2ban-client -c "$W/live" status safecgi 2>&1); then
	ok "fail2ban starts the jail on a fresh install (log created, still empty)"
else
	not_ok "fail2ban starts the jail on a fresh install (log created, still empty)" "$out"
fi

AUDIT=$LOG
banlive_start
got=$(benign_loads 20)
is "20 page loads each of a benign script with a profile gap and of a complain-mode script answer 200" \
    "$got" 40
sleep 0.5
is "... and each load of the benign script left one exec_denied of id (20)" \
    "$(grep '"event":"exec_denied"' "$LOG" | grep -c '"path":"/[a-z/]*bin/id"')" 20
check "... and the complain-mode wget was recorded" \
    grep -q '"event":"exec_denied".*"path":"/usr/bin/wget".*"mode":"complain"' "$LOG"
f2b "$LOG" "$JSON"
is "fail2ban-regex: no failure in the 40 benign page loads" \
    "$(summary | cut -d' ' -f3)" 0
sleep 3		# the polling backend reads the log every second
is "fail2ban-server bans nobody after them" \
    "$(cat "$W/livebans" 2>/dev/null | grep -c '^+')" 0

attack_demo 3
sleep 0.5
f2b "$LOG" "$JSON"
is "fail2ban-regex: the README's attack, 3 times, is found, all for 203.0.113.7" \
    "$(hosts | sed 's/^[0-9]* //')" "203.0.113.7 "
i=0
until grep -q '^+' "$W/livebans" 2>/dev/null || [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
is "fail2ban-server bans the attacker, and only the attacker" \
    "$(grep '^+' "$W/livebans" 2>/dev/null | sort -u | tr '\n' ' ')" \
    "+203.0.113.7 "
fail2ban-client -c "$W/live" stop >/dev/null 2>&1
wait "$SERVER2_PID" 2>/dev/null
SERVER2_PID=

echo "1..$TESTNO"
if [ "$FAILED" -ne 0 ]; then
	echo "# fail2ban-server logs:"
	sed 's/^/#   /' "$W/fail2ban.log" "$W/live.log" 2>/dev/null | tail -30
	echo "# safecgi log:" ; sed 's/^/#   /' "$ERRLOG" 2>/dev/null | tail -20
fi
[ "$FAILED" -eq 0 ]
