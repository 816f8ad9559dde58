#!/bin/sh
# Every shipped profile against the hostile CGI: t_apps proves each one is
# loose enough for its program; this proves none is loose enough for an
# attacker.  nginx names the profile (SAFECGI_PROFILE), as operators may.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# what the attempts try to run must be there, or refusing it proves nothing
need_tools wget curl

install_test_scripts
cp "$top_srcdir"/profiles/*.conf "$T/profiles/"
# nginx may name these profiles for a script none of them matches only
# because they say so: a named profile must match otherwise
for f in "$T"/profiles/*.conf; do
	sed -i '/^\[profile\]/a select = any' "$f"
done
NGINX_EXTRA="
	location ~ ^/as/([a-z-]+)/ {
		include /etc/nginx/fastcgi_params;
		fastcgi_param SCRIPT_FILENAME $CGIBIN/hostile;
		fastcgi_param SAFECGI_PROFILE \$1;
		fastcgi_pass unix:$SOCK;
	}
"
start_nginx
start_safecgi

for p in default shell-cgi perl-cgi python-cgi git-http-backend cgit gitweb; do
	for a in exec_sh exec_wget=9 exec_curl=9 udp ipv6 netlink write_etc \
	    write_usr write_own_dir read_shadow mount unshare ptrace_parent \
	    memfd_exec; do
		s=$(http_status "$BASE/as/$p/?$a")
		name=${a%%=*}
		if [ "$s" = 200 ] && grep -q "^BLOCKED $name" "$T/body" &&
		    grep -q "profile=$p " "$ERRLOG"
		then
			ok "profile $p: hostile CGI is refused $name"
		else
			not_ok "profile $p: hostile CGI is refused $name" \
			    "HTTP $s: $(head -c 200 "$T/body")"
		fi
	done
done

# Without select = any, naming a profile does not make it apply.
sed -i '/^select = any/d' "$T/profiles/git-http-backend.conf"
kill -HUP "$SAFECGI_PID"
sleep 1
audit_mark=$(wc -l < "$AUDIT")
s=$(http_status "$BASE/as/git-http-backend/?exec_sh")
check "a named profile that does not match the script is refused (403)" \
    [ "$s" = 403 ]
check "the refusal is a request_refused event naming SAFECGI_PROFILE" \
    sh -c "tail -n +$((audit_mark + 1)) '$AUDIT' | grep '\"request_refused\"' |
	grep -q '\"rule\":\"profile-does-not-match\"'"

done_testing
