#!/bin/bash
# Records the samples in this directory from a real run: the real nginx in
# front of the real safecgi (tests/integration/lib.sh), a few benign
# requests and a few attacks, all on 127.0.0.1.
#
#   audit.jsonl   --audit-log PATH (JSON Lines)
#   syslog        --audit-log syslog, as Debian 12's rsyslog writes it
#                 (traditional file format), from a private /dev/log
#
# Run as root from a built tree:  contrib/fail2ban/sample/record.sh
# then update the expected counts in tests/integration/t_fail2ban.sh and
# contrib/crowdsec/sample/expected-parse.json (tests/integration/
# t_crowdsec.sh shows the engine's parse when they differ).
#
# Two extra nginx servers pass a documentation address as REMOTE_ADDR
# (203.0.113.7, 2001:db8::66), so the sample has more than one client.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../../.." && pwd)
top_builddir=${top_builddir:-$top_srcdir}

if [ "${1:-}" = "" ]; then
	"$0" run json "$here/audit.jsonl" || exit 1
	# /dev/log exists only inside a private mount namespace, with a
	# private /dev: nothing else on the host logs into the sample
	exec unshare -m --propagation private "$0" syslog "$here/syslog"
fi

if [ "$1" = syslog ]; then
	out=$2
	sh "$top_srcdir/tests/integration/devlog.sh" "$out.tmp" &
	listener=$!
	sleep 0.5
	"$0" run syslog "$out.tmp.run"
	rc=$?
	sleep 0.5
	kill "$listener"
	wait "$listener" 2>/dev/null
	[ $rc -eq 0 ] && mv "$out.tmp" "$out"
	rm -f "$out.tmp" "$out.tmp.raw" "$out.tmp.run"
	exit $rc
fi

# run FORM OUT: one run of the harness; FORM json copies the audit log
[ "$1" = run ] || { echo "usage: $0" >&2; exit 2; }
form=$2
out=$3
export top_srcdir top_builddir
. "$top_srcdir/tests/integration/lib.sh"

P1=$((PORT + 1))
P2=$((PORT + 2))
vhost() {	# vhost PORT ADDR: closes the harness's server, opens another
	cat <<V
	}
	server {
		listen 127.0.0.1:$1;
		root $DOCROOT;
		location /cgi-bin/ {
$(grep -v -e '^#' -e REMOTE_ADDR /etc/nginx/fastcgi_params | grep . | sed 's/^/\t\t\t/')
			fastcgi_param REMOTE_ADDR $2;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_pass unix:$SOCK;
		}
V
}
NGINX_EXTRA="$(vhost $P1 203.0.113.7)
$(vhost $P2 2001:db8::66)"
install_test_scripts
install -m 0700 -o root -g root "$top_builddir/tests/cgi/hello" "$CGIBIN/private.cgi"
TEST_PROFILE_EXTRA="[limits]
timeout = 2
body = 1k"
write_test_profile
# benign scripts with a profile gap: they run a harmless tool the profile
# does not allow (evidence "policy"), one of them in complain mode
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\nid\n' > "$T/policy.sh"
install_script "$T/policy.sh"
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\nwget --version | head -1\n' > "$T/complain.sh"
install_script "$T/complain.sh"
printf '[profile]\nname = complain\nmode = complain\nmatch = %s\n[filesystem]\nexec = /usr/bin/head\n' \
    "$CGIBIN/complain.sh" > "$T/profiles/complain.conf"
start_nginx
if [ "$form" = syslog ]; then
	start_safecgi -c 1 --audit-log syslog
else
	start_safecgi -c 1
fi
A=http://127.0.0.1:$P1
B=http://127.0.0.1:$P2
c() {
	code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 30 "$@")
	echo "# $code <- $*"
	sleep 0.05
}

kill -HUP "$SAFECGI_PID"	# policy_loaded
sleep 1
# benign
c "$BASE/cgi-bin/hello"
c "$A/cgi-bin/echo.sh?name=world"
c "$B/cgi-bin/hello?lang=en"
c "$A/cgi-bin/nonexistent.cgi"
# a profile gap, not an attack: exec_denied of id (policy), and a denied
# wget in complain mode (policy)
c "$B/cgi-bin/policy.sh"
c "$B/cgi-bin/policy.sh"
c "$B/cgi-bin/complain.sh"
# Shellshock: request_refused
c -H 'User-Agent: () { :; }; /bin/cat /etc/passwd' "$A/cgi-bin/hello"
c -H 'Referer: () { :;}; echo; /usr/bin/id' "$BASE/cgi-bin/hello"
# command injection: suspicious_input
c "$A/cgi-bin/vuln_eval.sh?x=;wget\${IFS}http://127.0.0.1:9/x"
c "$BASE/cgi-bin/vuln_system?host=127.0.0.1;busybox%20wget%20http://127.0.0.1:9/w.sh"
c "$B/cgi-bin/echo.sh?country=\$(id)"
# a client forged in the uri (raw quotes; nginx passes them on)
c "$A/cgi-bin/echo.sh?a=\$(id)&\",\"client\":\"198.51.100.9\",\"x\":\""
# syscall_blocked
c "$A/cgi-bin/hostile?udp=9"
c "$BASE/cgi-bin/hostile?tcp_host_loopback=9"
c "$BASE/cgi-bin/hostile?raw"
# exec_denied: a script the profile's user may not execute
c "$A/cgi-bin/private.cgi"
c "$A/cgi-bin/private.cgi"
# trouble that is not an attack: timeout_kill, limit_hit
c "$BASE/cgi-bin/sleep.sh?5"
c --data-binary @"$top_srcdir/tests/cgi/hostile.c" "$B/cgi-bin/echo.sh"
# a broken profile: policy_reload_failed; then policy_loaded
printf '[profile]\nname = broken\nmatch = \n[bogus\n' > "$T/profiles/zz-broken.conf"
kill -HUP "$SAFECGI_PID"
sleep 1
rm -f "$T/profiles/zz-broken.conf"
kill -HUP "$SAFECGI_PID"
sleep 1
[ "$form" = json ] && cp "$AUDIT" "$out"
exit 0
