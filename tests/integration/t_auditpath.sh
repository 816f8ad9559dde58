#!/bin/sh
# The path from a worker to the logs under pressure: audit events do not
# share the fate of the scripts' stderr, whatever is dropped is counted,
# and one request's stderr cannot grow the error log without bound.
. "${top_srcdir:-.}/tests/integration/lib.sh"

install_test_scripts
write_test_profile
# the floods that test the channel have no stderr cap: the channel
# itself must keep the events apart, whatever the cap
install_script "$top_srcdir/tests/cgi/scripts/stderrflood.py" loudflood.py
cat > "$T/profiles/loud.conf" <<PROFILE
[profile]
name = loud
match = $CGIBIN/loudflood.py
[limits]
processes = 1024
stderr = infinity
PROFILE
install_script "$top_srcdir/tests/cgi/scripts/stderrflood.py" smallcap.py
cat > "$T/profiles/smallcap.conf" <<PROFILE
[profile]
name = smallcap
match = $CGIBIN/smallcap.py
[limits]
processes = 1024
stderr = 8K
PROFILE
start_nginx
# one worker: the floods and the denied calls share its channel to the
# master, as they do on a busy server
start_safecgi -t 60 -c 1

# suppressed SCOPE [URI]: sum of the "count" of the audit log's
# suppressed events of a scope (and of a request's URI)
suppressed() {
	python3 - "$AUDIT" "$1" "${2:-}" <<'PY'
import json, sys
n = 0
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("event") == "suppressed" and e.get("scope") == sys.argv[2] \
            and (not sys.argv[3] or e.get("uri") == sys.argv[3]):
        n += int(e["count"])
print(n)
PY
}

# blocked URI: the audit log's syscall_blocked socket events of a URI
blocked() {
	grep '"event":"syscall_blocked"' "$AUDIT" | grep "\"uri\":\"$1\"" |
	    grep -c '"syscall":"socket"'
}

# Six requests flood stderr, uncapped, while a seventh makes 23 denied
# calls: each call is in the audit log, or counted in a suppressed event.
for i in 1 2 3 4 5 6; do
	curl -s -o /dev/null --max-time 60 "$BASE/cgi-bin/loudflood.py?$((32 << 20))" &
	eval "flood$i=\$!"
done
sleep 0.5
s=$(http_status "$BASE/cgi-bin/denycount.py?23")
made=$(sed -n 's/^refused: //p' "$T/body")
# past 64 events a request's own cap counts the rest
s=$(http_status "$BASE/cgi-bin/denycount.py?100")
made100=$(sed -n 's/^refused: //p' "$T/body")
for i in 1 2 3 4 5 6; do
	eval "kill \$flood$i" 2>/dev/null
	eval "wait \$flood$i" 2>/dev/null
done
sleep 1
logged=$(blocked '/cgi-bin/denycount.py?23')
logged100=$(blocked '/cgi-bin/denycount.py?100')
capped=$(suppressed request '/cgi-bin/denycount.py?100')
lost=$(suppressed channel)
budget=$(($(suppressed worker) + $(suppressed client)))
loglost=$(suppressed log)
check "the floods filled the log channel: $loglost lines lost, counted in suppressed events" \
    [ "$loglost" -gt 0 ]
check "the script made its 23 denied calls (${made:-none})" [ "${made:-0}" = 23 ]
check "denied calls during six stderr floods add up: $made made, $logged logged, $lost counted as suppressed" \
    [ "${made:-0}" -gt 0 -a "$((logged + lost))" = "${made:-0}" ]
check "and 100 more, past the request's cap: $made100 made, $logged100 logged, $capped capped, $lost + $budget counted" \
    [ "${made100:-0}" = 100 -a "$capped" -gt 0 -a \
      "$((logged + logged100 + capped + lost + budget))" = "$((made + made100))" ]

# A 4 MiB stderr flood of two-byte lines: the error log grows by a
# bounded amount (the cap is 64 KiB of stderr per request, at most 100
# lines a second), and says once that the rest was not logged.
sleep 1
before=$(stat -c %s "$ERRLOG")
s=$(http_status "$BASE/cgi-bin/stderrflood.py?$((4 << 20))")
sleep 1
after=$(stat -c %s "$ERRLOG")
grown=$((after - before))
check "a 4 MiB stderr flood is answered (status $s)" [ "$s" = 200 ]
check "a 4 MiB stderr flood grows the error log by at most 256 KiB ($grown bytes)" \
    [ "$grown" -le $((256 << 10)) ]
check "a 4 MiB stderr flood still logs its first lines" \
    sh -c "tail -c '$grown' '$ERRLOG' | grep -q 'stderrflood.py: stderr: x\$'"
check "the stderr cap is logged once for the request" \
    sh -c "[ \$(tail -c '$grown' '$ERRLOG' | grep -c 'stderr over the cap') = 1 ]"
check "the stderr cap's closing line counts what was not logged" \
    sh -c "tail -c '$grown' '$ERRLOG' | grep -q 'stderr: [0-9]* bytes in [0-9]* lines not logged'"

# Long lines: the byte cap (64 KiB of log per request, stamps and
# paths included) binds before the rate does.
before=$(stat -c %s "$ERRLOG")
s=$(http_status "$BASE/cgi-bin/stderrflood.py?$((1 << 20))x1000")
sleep 1
grown=$(($(stat -c %s "$ERRLOG") - before))
check "1 MiB of 1000-byte stderr lines grows the error log by 32 to 65 KiB ($grown bytes)" \
    [ "$grown" -ge $((32 << 10)) -a "$grown" -le $((65 << 10)) ]

# The profile's stderr key sets the byte cap.
before=$(stat -c %s "$ERRLOG")
s=$(http_status "$BASE/cgi-bin/smallcap.py?$((1 << 20))x1000")
sleep 1
grown=$(($(stat -c %s "$ERRLOG") - before))
check "stderr = 8K holds a request's stderr to 8 KiB of error log, plus the cap's lines ($grown bytes)" \
    [ "$grown" -le $(((8 << 10) + 1024)) -a "$grown" -ge $((4 << 10)) ]

s=$(http_status "$BASE/cgi-bin/stderr.sh")
check "stderr under the cap is logged as before" \
    grep -q "stderr-marker-7781" "$ERRLOG"

# One refused program, one event: a shell looking the name up in PATH
# tries /usr/bin/wget and then /bin/wget, the same file where /bin is a
# link to usr/bin, and fail2ban would count the one attempt twice.
# Two separate attempts are still two.
cat > "$T/wgettwice.sh" <<'SH'
#!/bin/sh
printf 'Content-Type: text/plain\n\n'
PATH=/usr/local/bin:/usr/bin:/bin
wget -q -O- http://127.0.0.1:9/ 2>/dev/null
[ "$QUERY_STRING" = twice ] && wget -q -O- http://127.0.0.1:9/ 2>/dev/null
echo done
SH
install_script "$T/wgettwice.sh" wgettwice.sh
denied_wget() {	# exec_denied events for wget of a request's URI
	grep '"event":"exec_denied"' "$AUDIT" | grep "\"uri\":\"$1\"" |
	    grep -c 'wget'
}
http_status "$BASE/cgi-bin/wgettwice.sh?once" >/dev/null
sleep 0.5
check "one refused wget found twice along PATH is one exec_denied event ($(denied_wget '/cgi-bin/wgettwice.sh?once'))" \
    [ "$(denied_wget '/cgi-bin/wgettwice.sh?once')" = 1 ]
http_status "$BASE/cgi-bin/wgettwice.sh?twice" >/dev/null
sleep 0.5
check "... and two attempts are two ($(denied_wget '/cgi-bin/wgettwice.sh?twice'))" \
    [ "$(denied_wget '/cgi-bin/wgettwice.sh?twice')" = 2 ]

# The worker parses what clients send: it writes its lines and events
# through the master, and holds no descriptor of the logs themselves
# that it could write, truncate or forge with.
held_logs() {	# the workers' descriptors that are the error or audit log
	for w in $(pgrep -P "$SAFECGI_PID"); do
		for f in /proc/"$w"/fd/*; do
			l=$(readlink "$f") || continue
			[ "$l" = "$AUDIT" ] || [ "$l" = "$ERRLOG" ] && echo "$w:$l"
		done
	done
	return 0
}
w=$(pgrep -P "$SAFECGI_PID" | head -1)
check "the worker holds no descriptor of the error or audit log ($(held_logs | tr '\n' ' '))" \
    sh -c '[ -n "$1" ] && [ -d "/proc/$1/fd" ] && [ -z "$2" ]' - "$w" "$(held_logs)"

done_testing
