#!/bin/sh
# The process model: concurrency, signals, respawn, sockets, -p, --check.
. "${top_srcdir:-.}/tests/integration/lib.sh"

install_test_scripts
write_test_profile
start_nginx
start_safecgi --grace 10

# 64 slow requests and a stream of fast ones at the same time
i=0
slow=
while [ $i -lt 64 ]; do
	curl -s -o /dev/null --max-time 30 "$BASE/cgi-bin/sleep.sh?5" &
	slow="$slow $!"
	i=$((i + 1))
done
sleep 0.5
worst=0
n=0
while [ $n -lt 20 ]; do
	t0=$(date +%s%N)
	s=$(http_status "$BASE/cgi-bin/fast.sh")
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$s" = 200 ] || worst=99999
	[ $ms -gt $worst ] && worst=$ms
	n=$((n + 1))
done
running=$(test_procs "sleep 5" | wc -l)
check "fast requests stay prompt beside 64 slow ones (worst ${worst}ms, $running slow running)" \
    [ "$worst" -lt 1000 -a "$running" -ge 60 ]
# shellcheck disable=SC2086
wait $slow

# SIGTERM drains: an in-flight request finishes, then exit 0
curl -s -o "$T/drain.out" --max-time 30 "$BASE/cgi-bin/sleep.sh?2" &
cpid=$!
sleep 0.5
kill -TERM "$SAFECGI_PID"
wait "$cpid"
wait "$SAFECGI_PID"
rc=$?
check "SIGTERM lets the request in flight finish" grep -q slept "$T/drain.out"
check "SIGTERM exits 0" [ "$rc" = 0 ]
check "SIGTERM removes the socket file" [ ! -e "$SOCK" ]
SAFECGI_PID=

# a stale socket file is replaced
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$SOCK"
start_safecgi
s=$(http_status "$BASE/cgi-bin/fast.sh")
check "a stale socket file is replaced" [ "$s" = 200 ]

# a live socket is refused
"$SAFECGI" -s "unix:$SOCK" --profile-dir "$T/profiles" 2>"$T/second.err"
rc=$?
if [ "$rc" = 1 ] && grep -q "in use by another" "$T/second.err"
then
	ok "a socket another instance listens on is refused"
else
	not_ok "a socket another instance listens on is refused" "failed: [ \"\$rc\" = 1 ] && grep -q \"in use by another\" \"\$T/second.err\""
fi

# a dead worker is replaced
wpid=$(pgrep -P "$SAFECGI_PID" | head -1)
kill -KILL "$wpid"
sleep 1.5
s=$(http_status "$BASE/cgi-bin/fast.sh")
if [ "$s" = 200 -a "$(pgrep -cP "$SAFECGI_PID")" -ge 2 ] && grep -q "worker $wpid killed by signal 9; restarting" "$ERRLOG"
then
	ok "a killed worker is restarted"
else
	not_ok "a killed worker is restarted" "failed: [ \"\$s\" = 200 -a \"\$(pgrep -cP \"\$SAFECGI_PID\")\" -ge 2 ] && grep -q \"worker \$wpid killed by signal 9; restarting\" \"\$ERRLOG\""
fi

# SIGHUP reload keeps serving, keeps the old set on a bad profile
curl -s -o "$T/reload.out" --max-time 30 "$BASE/cgi-bin/sleep.sh?2" &
cpid=$!
sleep 0.5
kill -HUP "$SAFECGI_PID"
sleep 0.5
s=$(http_status "$BASE/cgi-bin/fast.sh")
wait "$cpid"
check "SIGHUP reload does not drop the request in flight" \
    grep -q slept "$T/reload.out"
if [ "$s" = 200 ] && grep -q "reloaded:" "$ERRLOG"
then
	ok "SIGHUP reload keeps serving"
else
	not_ok "SIGHUP reload keeps serving" "failed: [ \"\$s\" = 200 ] && grep -q \"reloaded:\" \"\$ERRLOG\""
fi

# Two reloads close together: the first generation is still draining the
# request when the second HUP arrives, and must be left to finish it.
curl -s -o "$T/reload2.out" -w '%{http_code}' --max-time 30 \
    "$BASE/cgi-bin/sleep.sh?3" > "$T/reload2.status" &
cpid=$!
sleep 0.5
kill -HUP "$SAFECGI_PID"
sleep 0.3
kill -HUP "$SAFECGI_PID"
wait "$cpid"
check "two SIGHUPs close together do not drop the request in flight (HTTP $(cat "$T/reload2.status"))" \
    [ "$(cat "$T/reload2.status")" = 200 -a "$(cat "$T/reload2.out")" = slept ]

printf '[profile]\nbogus = 1\n' > "$T/profiles/broken.conf"
kill -HUP "$SAFECGI_PID"
sleep 0.5
s=$(http_status "$BASE/cgi-bin/fast.sh")
if [ "$s" = 200 ] && grep -q "reload failed.*broken.conf:2" "$ERRLOG" && audit_has policy_reload_failed
then
	ok "a bad profile on reload keeps the old set and says file:line"
else
	not_ok "a bad profile on reload keeps the old set and says file:line" "failed: [ \"\$s\" = 200 ] && grep -q \"reload failed.*broken.conf:2\" \"\$ERRLOG\" && audit_has policy_reload_failed"
fi
rm -f "$T/profiles/broken.conf"

# SIGINT: prompt exit, scripts killed
curl -s -o /dev/null --max-time 30 "$BASE/cgi-bin/sleep.sh?431" &
sleep 0.7
kill -INT "$SAFECGI_PID"
wait "$SAFECGI_PID"
check "SIGINT exits at once and kills running scripts" wait_gone "sleep 431" 3
SAFECGI_PID=

# the master's death takes the workers with it
start_safecgi
wpids=$(pgrep -P "$SAFECGI_PID")
kill -KILL "$SAFECGI_PID"
alive() { for p in $wpids; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
i=0
while alive && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
if [ -n "$wpids" ] && ! alive
then
	ok "workers do not outlive a killed master ($(echo $wpids | wc -w) workers)"
else
	not_ok "workers do not outlive a killed master ($(echo $wpids | wc -w) workers)" "failed: [ -n \"\$wpids\" ] && ! alive"
fi
SAFECGI_PID=
rm -f "$SOCK"

# A spawner that dies (killed, out of memory, a bug) takes its profile's
# requests with it: the worker says so and gives way to a fresh one.
start_safecgi -c 1
w=$(pgrep -P "$SAFECGI_PID" | head -1)
for sp in $(pgrep -P "$w"); do kill -KILL "$sp"; done
i=0
s=
while [ $i -lt 100 ]; do
	s=$(http_status "$BASE/cgi-bin/fast.sh")
	[ "$s" = 200 ] && break
	sleep 0.1
	i=$((i + 1))
done
check "after its spawners are killed, the worker is replaced and the profile's requests succeed again (last $s)" \
    [ "$s" = 200 ]
check "... and the log names the profile whose spawner died and how" \
    grep -Eq "spawner for profile [a-z-]+ \(pid [0-9]+\) was killed by signal 9" "$ERRLOG"
kill -INT "$SAFECGI_PID"
wait "$SAFECGI_PID"
SAFECGI_PID=
rm -f "$SOCK"

# -p restricts to the listed scripts, compared canonically
ln -s fast.sh "$CGIBIN/alias.sh"
start_safecgi -p "$CGIBIN/../cgi-bin/fast.sh"
check "-p allows the listed script" [ "$(http_status "$BASE/cgi-bin/fast.sh")" = 200 ]
check "-p refuses other scripts with 403" [ "$(http_status "$BASE/cgi-bin/env.sh")" = 403 ]
check "-p follows symlinks before comparing" [ "$(http_status "$BASE/cgi-bin/alias.sh")" = 200 ]
kill -INT "$SAFECGI_PID"; wait "$SAFECGI_PID"; SAFECGI_PID=

# systemd socket activation: the socket arrives as fd 3
python3 - "$SOCK" "$SAFECGI" "$T/profiles" "$ERRLOG" <<'PY' &
import os, socket, sys
path, exe, pdir, log = sys.argv[1:5]
s = socket.socket(socket.AF_UNIX)
s.bind(path); os.chmod(path, 0o666); s.listen(64)
os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
os.execve(exe, [exe, "--profile-dir", pdir, "--error-log", log, "-s", "unix:/nonexistent/never.sock"], env)
PY
SAFECGI_PID=$!
sleep 1.5
if [ "$(http_status "$BASE/cgi-bin/fast.sh")" = 200 ] && grep -q "socket passed by the service manager" "$ERRLOG"
then
	ok "systemd socket activation serves on the passed socket"
else
	not_ok "systemd socket activation serves on the passed socket" "failed: [ \"\$(http_status \"\$BASE/cgi-bin/fast.sh\")\" = 200 ] && grep -q \"socket passed by the service manager\" \"\$ERRLOG\""
fi
kill -INT "$SAFECGI_PID"; wait "$SAFECGI_PID"; SAFECGI_PID=

# TCP listeners, as fcgiwrap users may have them
TPORT=$((PORT + 1))
cat > "$T/nginx/tcp.conf" <<NGINX
user www-data;
worker_processes 1;
error_log $T/nginx/tcp-error.log;
pid $T/nginx/tcp.pid;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T/nginx/body;
	fastcgi_temp_path $T/nginx/fastcgi;
	proxy_temp_path $T/nginx/proxy;
	uwsgi_temp_path $T/nginx/uwsgi;
	scgi_temp_path $T/nginx/scgi;
	server {
		listen 127.0.0.1:$((PORT + 2));
		root $DOCROOT;
		location /v4/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $CGIBIN/fast.sh;
			fastcgi_pass 127.0.0.1:$TPORT;
		}
		location /v6/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $CGIBIN/fast.sh;
			fastcgi_pass [::1]:$((PORT + 3));
		}
	}
}
NGINX
nginx -c "$T/nginx/tcp.conf" -p "$T/nginx"
"$SAFECGI" -s "tcp:127.0.0.1:$TPORT" --profile-dir "$T/profiles" --error-log "$T/tcp.log" &
TCP_PID=$!
"$SAFECGI" -s "tcp6:[::1]:$((PORT + 3))" --profile-dir "$T/profiles" --error-log "$T/tcp6.log" &
TCP6_PID=$!
sleep 1.5
check "listens on tcp:127.0.0.1:PORT" \
    [ "$(http_status "http://127.0.0.1:$((PORT + 2))/v4/")" = 200 ]
check "listens on tcp6:[::1]:PORT" \
    [ "$(http_status "http://127.0.0.1:$((PORT + 2))/v6/")" = 200 ]
kill -INT "$TCP_PID" "$TCP6_PID"
wait "$TCP_PID" "$TCP6_PID"
kill "$(cat "$T/nginx/tcp.pid")"

# configuration errors name file:line
printf '[safecgi]\ntimeout = 30\nworkers = lots\n' > "$T/bad.ini"
"$SAFECGI" --config "$T/bad.ini" --check >/dev/null 2>"$T/cfg.err"
check "a bad config file is refused with file:line" \
    grep -q "bad.ini:3: workers" "$T/cfg.err"
"$SAFECGI" --socket-mode 0666 --check >/dev/null 2>"$T/mode.err"
check "a world-accessible socket mode is refused" \
    grep -q "must not give access to others" "$T/mode.err"
"$SAFECGI" --profile-dir "$T/profiles" --check > "$T/check.out" 2>&1
if grep -q "landlock: on" "$T/check.out" && grep -q "profile default" "$T/check.out"
then
	ok "--check prints the jail layers and profiles"
else
	not_ok "--check prints the jail layers and profiles" "failed: grep -q \"landlock: on\" \"\$T/check.out\" && grep -q \"profile default\" \"\$T/check.out\""
fi
"$SAFECGI" --profile-dir "$T/profiles" --check --script "$CGIBIN/fast.sh" > "$T/check.out" 2>&1
check "--check --script names the profile and why" \
    grep -q "profile tests" "$T/check.out"

done_testing
