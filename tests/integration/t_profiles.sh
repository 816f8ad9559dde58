#!/bin/sh
# Every shipped profile against the hostile CGI: t_apps proves each one is
# loose enough for its program; this proves none is loose enough for an
# attacker.  nginx names the profile (SAFECGI_PROFILE), as operators may.
. "${top_srcdir:-.}/tests/integration/lib.sh"

# what the attempts try to run must be there, or refusing it proves nothing
need_tools wget curl

install_test_scripts
cp "$top_srcdir"/profiles/*.conf "$T/profiles/"
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

done_testing
