#!/bin/sh
# Holes outside the request path: a script's interim (1xx) status, the
# environment built from an allowlist whoever speaks FastCGI to us, and
# which TCP peers may speak FastCGI at all.
. "${top_srcdir:-.}/tests/integration/lib.sh"

install_test_scripts
write_test_profile
cp "$CGIBIN/env.sh" "$CGIBIN/passenv.sh"
cat > "$T/profiles/pass.conf" <<PROFILE
[profile]
match = $CGIBIN/passenv.sh
[filesystem]
exec = /usr/bin/env /usr/bin/sort
[environment]
pass = APP_CONFIG
PROFILE

# Names a www-data process could set over FastCGI before: each changes
# what git, OpenSSL, less or a shell do.
UNLISTED="HOME XDG_CONFIG_HOME GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT
GIT_CONFIG_KEY_0 GIT_CONFIG_VALUE_0 GIT_EXEC_PATH GIT_SSH_COMMAND
OPENSSL_CONF LESSOPEN APP_CONFIG"
params=
for n in $UNLISTED; do
	params="$params
		fastcgi_param $n /tmp/x;"
done
NGINX_EXTRA="
	location /unlisted/ {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME $CGIBIN/env.sh;$params
		fastcgi_pass unix:$SOCK;
	}
	location /tcp-default/ {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME $CGIBIN/fast.sh;
		fastcgi_pass 127.0.0.1:$((PORT + 1));
	}
	location /tcp-other/ {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME $CGIBIN/fast.sh;
		fastcgi_pass 127.0.0.1:$((PORT + 2));
	}
	location /internal-secret/ { internal; alias $T/secret/; }
	location /bigheaders/ {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME $CGIBIN/fillblock.sh;
		fastcgi_buffer_size 128k;
		fastcgi_buffers 4 128k;
		fastcgi_busy_buffers_size 256k;
		fastcgi_pass unix:$SOCK;
	}
	location /passed/ {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME $CGIBIN/passenv.sh;
		fastcgi_param APP_CONFIG /etc/app.conf;
		fastcgi_pass unix:$SOCK;
	}
"
# A header block whose lines, as safecgi rewrites them (": ", CRLF), fill
# its output to two bytes short of the end, so that nothing is left for
# the empty line that ends the block; what follows would be read by nginx
# as more headers.  (nginx takes a block this large only with a
# fastcgi_buffer_size raised past 64k, as sites with large cookies do.)
mkdir "$T/secret"
echo SECRET-FLAG > "$T/secret/flag"
cat > "$T/fillblock.sh" <<'SH'
#!/bin/sh
printf 'Content-Type:x\n'
i=0
while [ $i -lt 10927 ]; do
	printf 'a:b\n'
	i=$((i + 1))
done
printf 'a:vvvvvvvvvvvvvv\n\nX-Accel-Redirect: /internal-secret/flag\n\n'
SH
install_script "$T/fillblock.sh" fillblock.sh
start_nginx
start_safecgi

envvar() { sed -n "s/^$1=//p" "$T/body"; }

# -------------------------------------------------------------- 1xx

s=$(http_status "$BASE/bigheaders/")
check "a header block that leaves no room for its end is refused (502), never cut short (got $s$(grep -q SECRET-FLAG "$T/body" && echo ", nginx served the internal file"))" \
    sh -c '[ "$1" = 502 ] && ! grep -q SECRET-FLAG "$2"' - "$s" "$T/body"

s=$(http_status "$BASE/cgi-bin/status100.sh")
check "a script's Status: 100 is refused with 502" [ "$s" = 502 ]
check "the response forged after a script's 100 never reaches the client" \
    sh -c "! grep -q FORGED '$T/body'"

s=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 30 \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
    "$BASE/cgi-bin/status101.sh")
check "a script's Status: 101 with Upgrade is refused with 502" [ "$s" = 502 ]
check "no tunnel opens after a script's 101" \
    sh -c "! grep -q TUNNEL-OPEN '$T/body'"
check "a refused 1xx status is an audit event (response_refused)" \
    audit_has response_refused reason "Status below 200"

# ---------------------------------------------------- the allowlist

s=$(http_status "$BASE/unlisted/")
leaked=
for n in $UNLISTED; do
	[ -n "$(envvar "$n")" ] && leaked="$leaked $n"
done
if [ "$s" = 200 ] && [ -z "$leaked" ]; then
	ok "names outside the allowlist do not reach the script"
else
	not_ok "names outside the allowlist do not reach the script" \
	    "HTTP $s, leaked:$leaked"
fi

sleep 0.3
missing=
for n in $UNLISTED; do
	grep '"event":"variable_dropped"' "$AUDIT" |
	    grep "\"variable\":\"$n\"" | grep -q '"rule":"unlisted-name"' ||
	    missing="$missing $n"
done
if [ -z "$missing" ]; then
	ok "every name outside the allowlist is reported as variable_dropped"
else
	not_ok "every name outside the allowlist is reported as variable_dropped" \
	    "not reported:$missing"
fi

s=$(http_status "$BASE/cgi-bin/env.sh?a=1" -H 'X-Custom: yes')
if [ "$s" = 200 ] && [ "$(envvar REQUEST_METHOD)" = GET ] &&
    [ "$(envvar QUERY_STRING)" = a=1 ] &&
    [ "$(envvar HTTP_X_CUSTOM)" = yes ] &&
    [ "$(envvar DOCUMENT_ROOT)" = "$DOCROOT" ] &&
    [ "$(envvar REQUEST_URI)" = /cgi-bin/env.sh?a=1 ] &&
    [ "$(envvar SERVER_PROTOCOL)" = HTTP/1.1 ]; then
	ok "the CGI variables and HTTP_* headers still reach the script"
else
	not_ok "the CGI variables and HTTP_* headers still reach the script" \
	    "HTTP $s: $(head -c 600 "$T/body")"
fi

s=$(http_status "$BASE/passed/")
check "a name the profile passes (environment.pass) reaches the script" \
    [ "$s" = 200 -a "$(envvar APP_CONFIG)" = /etc/app.conf ]

# Any process in the socket's group speaks FastCGI without nginx.
setpriv --reuid=www-data --regid=www-data --clear-groups \
    /usr/bin/python3 "$top_srcdir/tests/integration/fcgi_client.py" "$SOCK" \
    REQUEST_METHOD=GET SCRIPT_FILENAME="$CGIBIN/env.sh" \
    HOME=/srv/evil GIT_CONFIG_PARAMETERS="'core.pager'='sh -c id'" \
    GIT_SSH_COMMAND=/tmp/x OPENSSL_CONF=/tmp/x >"$T/body" 2>"$T/client.err"
rc=$?
if [ "$rc" = 0 ] && grep -q '^REQUEST_METHOD=GET' "$T/body" &&
    ! grep -q -e '^HOME=' -e '^GIT_' -e '^OPENSSL_CONF=' "$T/body"; then
	ok "a direct FastCGI client (www-data) cannot set HOME, GIT_* or OPENSSL_CONF for a script"
else
	not_ok "a direct FastCGI client (www-data) cannot set HOME, GIT_* or OPENSSL_CONF for a script" \
	    "client exit $rc: $(cat "$T/client.err")" "$(head -c 600 "$T/body")"
fi

# The issue's own attempt: perl as the "script", with the profile that
# has the largest limits, code in the body.
printf 'print "Content-Type: text/plain\\n\\nperl ran\\n";' > "$T/perlcode"
setpriv --reuid=www-data --regid=www-data --clear-groups \
    /usr/bin/python3 "$top_srcdir/tests/integration/fcgi_client.py" "$SOCK" \
    REQUEST_METHOD=POST SCRIPT_FILENAME=/usr/bin/perl \
    SAFECGI_PROFILE=git-http-backend CONTENT_LENGTH=42 \
    <"$T/perlcode" >"$T/body" 2>"$T/client.err"
check "a direct client cannot run /usr/bin/perl as a script under a named profile" \
    sh -c "! grep -q 'perl ran' '$T/body' && grep -q '403' '$T/body'"
check "the refusal is recorded (request_refused, program-not-a-script or profile-does-not-match)" \
    sh -c "grep '\"request_refused\"' '$AUDIT' | grep -q -e program-not-a-script -e profile-does-not-match"

# ------------------------------------------------- params per request

fcgi() {	# fcgi NAME=VALUE...: a direct request for env.sh, as www-data
	setpriv --reuid=www-data --regid=www-data --clear-groups \
	    /usr/bin/python3 "$top_srcdir/tests/integration/fcgi_client.py" \
	    "$SOCK" REQUEST_METHOD=GET SCRIPT_FILENAME="$CGIBIN/env.sh" "$@" \
	    >"$T/body" 2>"$T/client.err"
}

fcgi 'X*1100=v'
check "a request with more than 1024 params is refused with 400" \
    grep -q '^Status: 400' "$T/body"
check "too many params is an audit event (request_refused, too-many-params)" \
    audit_has request_refused rule too-many-params

fcgi 'BULK=@300000'
check "a request with more than 256 KiB of params is refused with 400" \
    grep -q '^Status: 400' "$T/body"
check "too many param bytes is an audit event (request_refused, params-too-large)" \
    audit_has request_refused rule params-too-large

# ------------------------------------------------------ TCP peers

# Two more instances on TCP: the default (loopback only), and one that
# names another network, so that nginx on 127.0.0.1 is a stranger.
TCP_PIDS=
trap 'for p in $TCP_PIDS; do kill -INT $p 2>/dev/null; done; cleanup' EXIT
start_tcp() {	# start_tcp PORT NAME [flags]
	p=$1
	n=$2
	shift 2
	"$SAFECGI" -s "tcp:127.0.0.1:$p" --error-log "$T/$n.log" \
	    --audit-log "$T/$n.jsonl" --profile-dir "$T/profiles" "$@" &
	TCP_PIDS="$TCP_PIDS $!"
	i=0
	while ! ss -ltn "sport = :$p" | grep -q LISTEN && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	# the workers build their jails: wait until every one serves
	i=0
	while ! grep -q "ready: " "$T/$n.log" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
start_tcp $((PORT + 1)) tcp-default
start_tcp $((PORT + 2)) tcp-other --allow-peer 127.0.0.2/32

s=$(http_status "$BASE/tcp-default/")
check "a tcp: listener serves a loopback peer by default" [ "$s" = 200 ]

s=$(http_status "$BASE/tcp-other/")
if ss -ltn "sport = :$((PORT + 2))" | grep -q LISTEN && [ "$s" = 502 ]; then
	ok "a tcp: listener refuses a peer outside --allow-peer (nginx: 502)"
else
	not_ok "a tcp: listener refuses a peer outside --allow-peer (nginx: 502)" \
	    "HTTP $s; listening: $(ss -ltn "sport = :$((PORT + 2))" | tail -n +2)" \
	    "$(tail -5 "$T/tcp-other.log")"
fi
sleep 0.3
check "the refused peer is an audit event (peer_refused)" \
    grep -q '"event":"peer_refused".*"address":"127.0.0.1"' "$T/tcp-other.jsonl"

FCGI_SOURCE=127.0.0.2 /usr/bin/python3 \
    "$top_srcdir/tests/integration/fcgi_client.py" "tcp:127.0.0.1:$((PORT + 2))" \
    REQUEST_METHOD=GET SCRIPT_FILENAME="$CGIBIN/fast.sh" >"$T/body" 2>&1
rc=$?
if [ "$rc" = 0 ] && grep -q '^fast' "$T/body"; then
	ok "a peer inside --allow-peer is served"
else
	not_ok "a peer inside --allow-peer is served" "exit $rc: $(cat "$T/body")"
fi

done_testing
