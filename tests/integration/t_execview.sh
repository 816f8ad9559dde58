#!/bin/sh
# What a script may run and read, enforced by the kernel: the dynamic
# loader cannot start a program outside the allowlist by any name or
# race, a binary written to a writable path cannot run, and files outside
# the read view (a 0640 root:www-data secret, a host lock file) cannot
# be opened.  Every line checks from outside the jail: the audit log, the
# lock still free on the host.
. "${top_srcdir:-.}/tests/integration/lib.sh"

GIT=/usr/lib/git-core/git
need_tools "$GIT" flock bash
[ -x "$top_builddir/tests/cgi/hostile" ] ||
    { echo "Bail out! tests/cgi/hostile is not built"; exit 1; }

install_test_scripts
mkdir -p "$T/rw"
chown www-data:www-data "$T/rw"
# the shape of /etc/nginx/htpasswd or an application's password file
mkdir -p "$T/secret"
echo "SECRET-$$" > "$T/secret/db.pw"
chown -R root:www-data "$T/secret"
chmod 0750 "$T/secret"
chmod 0640 "$T/secret/db.pw"
# a file a host process locks and writes
echo data > "$T/secret/app.lock"
chown root:www-data "$T/secret/app.lock"
chmod 0664 "$T/secret/app.lock"
# a directory a profile names with read =
mkdir -p "$T/data"
echo "SHARED-$$" > "$T/data/shared.txt"
chmod 0755 "$T/data"
chmod 0644 "$T/data/shared.txt"

cat > "$T/profiles/hostile.conf" <<PROFILE
[profile]
match = $CGIBIN/hostile
[identity]
user = www-data
group = www-data
[limits]
timeout = 20
[filesystem]
writable = $T/rw
[environment]
query = raw
PROFILE
# An injected shell line under a shell profile: cd, then the loader.
cat > "$T/profiles/shell.conf" <<PROFILE
[profile]
match = $CGIBIN/vuln_eval.sh
[identity]
user = www-data
group = www-data
[filesystem]
exec = /usr/bin/cat /usr/bin/flock /usr/bin/sleep
read = $T/data
[environment]
query = raw
PROFILE
# Complain mode: reads outside the view are recorded, not refused.
cat > "$CGIBIN/learnread.sh" <<SH
#!/bin/sh
printf 'Content-Type: text/plain\n\n'
cat $T/data/outside.txt
cat /usr/share/common-licenses/GPL-3 >/dev/null && echo "share: read"
SH
chmod 755 "$CGIBIN/learnread.sh"
echo "OUTSIDE-$$" > "$T/data/outside.txt"
chmod 644 "$T/data/outside.txt"
cat > "$T/profiles/learnread.conf" <<PROFILE
[profile]
match = $CGIBIN/learnread.sh
mode = complain
[filesystem]
exec = /usr/bin/cat
PROFILE
start_nginx
start_safecgi

audit_mark() {
	if [ -f "$AUDIT" ]; then AMARK=$(wc -l < "$AUDIT"); else AMARK=0; fi
}
# exec_denied_since PATTERN: an exec_denied event matching PATTERN
exec_denied_since() {
	i=0
	while [ $i -lt 20 ]; do
		tail -n +$((AMARK + 1)) "$AUDIT" 2>/dev/null |
		    grep '"event":"exec_denied"' | grep -q -e "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# blocked ATTEMPT: the hostile CGI said BLOCKED
blocked() {
	s=$(http_status "$BASE/cgi-bin/hostile?$1")
	grep -q "^BLOCKED ${1%%=*} " "$T/body" || {
		echo "#   HTTP $s: $(head -c 300 "$T/body")"
		return 1
	}
}

audit_mark
check "the loader cannot run a program outside the allowlist (ld.so $GIT)" \
    blocked exec_ldso_git
check "the direct run of the loader is an exec_denied event" \
    exec_denied_since 'ld-linux-x86-64.so.2'

audit_mark
check "the loader by a relative name from /lib64 cannot run git" \
    blocked exec_ldso_relative
check "the relative loader run is an exec_denied event naming the loader" \
    exec_denied_since '"resolved":"[^"]*ld-linux-x86-64.so.2"'

audit_mark
check "the loader through /proc/self/fd of an O_PATH descriptor cannot run git" \
    blocked exec_ldso_procfd
check "the /proc/self/fd loader run is an exec_denied event naming the loader" \
    exec_denied_since '"resolved":"[^"]*ld-linux-x86-64.so.2"'

check "a thread swapping the path to the loader during the check never runs git" \
    blocked exec_ldso_race
printf '#   %s\n' "$(head -c 200 "$T/body")"

check "a binary written to a writable path runs neither directly nor through the loader" \
    blocked "writable_exec=$T/rw"
check "the writable path is still writable (the copy was made and removed)" \
    sh -c "! grep -q 'create in' '$T/body' && [ -z \"\$(ls '$T/rw')\" ]"

check "a 0640 root:www-data file is out of the script's read view" \
    blocked "read_file=$T/secret/db.pw"
check "a file outside the read view cannot be opened even with the group's access" \
    sh -c "grep -q 'EACCES' '$T/body'"

# the injected line of the issue: cd to the loader's directory, run git
s=$(http_status "$BASE/cgi-bin/vuln_eval.sh?;cd\${IFS}/lib64;./ld-linux-x86-64.so.2\${IFS}$GIT\${IFS}--version;echo\${IFS}rc=\$?" -g)
check "an injected shell line cannot run git through the loader" \
    sh -c "grep -q '^rc=' '$T/body' && ! grep -q 'git version' '$T/body'"
check "the injected loader run is refused, and the script goes on" \
    grep -q '^rc=126$' "$T/body"

s=$(http_status "$BASE/cgi-bin/vuln_eval.sh?;cat\${IFS}$T/data/shared.txt" -g)
check "read = adds a directory to the script's read view" \
    grep -q "^SHARED-$$\$" "$T/body"

# A lock the host holds must stay the host's: the script cannot open the
# file to take one.  The host tries while the request runs.
http_status "$BASE/cgi-bin/vuln_eval.sh?;flock\${IFS}-n\${IFS}$T/secret/app.lock\${IFS}sleep\${IFS}3;echo\${IFS}rc=\$?" -g >/dev/null &
CURL=$!
sleep 1
check "a script cannot take a lock on a host file outside its read view" \
    flock -n -w 1 "$T/secret/app.lock" true
wait $CURL
check "the script's flock was refused (not merely late)" \
    sh -c "! grep -q '^rc=0$' '$T/body'"

s=$(http_status "$BASE/cgi-bin/learnread.sh")
check "complain mode lets a script read outside its read view" \
    grep -q "^OUTSIDE-$$\$" "$T/body"
check "complain mode records the read outside the view" \
    sh -c "grep '\"event\":\"read_denied\"' '$AUDIT' | grep '\"mode\":\"complain\"' | grep -q 'outside.txt'"
check "complain mode records no read inside the view (/usr/share, libraries)" \
    sh -c "! grep '\"event\":\"read_denied\"' '$AUDIT' | grep -q -e '/usr/share' -e '/usr/lib' -e 'ld.so.cache'"

s=$(http_status "$BASE/cgi-bin/procstatus.sh")
for f in loadavg uptime meminfo cpuinfo stat version self/status; do
	check "a status script reads /proc/$f" grep -qx "readable $f" "$T/body"
done
for f in kallsyms kcore modules keys sys/kernel/hostname sysrq-trigger; do
	check "/proc/$f is masked" grep -qx "absent $f" "$T/body"
done

mkdir -p "$T/badprofiles"
cat > "$T/badprofiles/hidden.conf" <<PROFILE
[profile]
match = /nonexistent/*
[filesystem]
bind_ro = /run/secret-service
PROFILE
check "a bind_ro of a path the jail always hides is refused at load, naming it" \
    sh -c "! '$SAFECGI' --check --profile-dir '$T/badprofiles' >'$T/badcheck' 2>&1 &&
	grep -q 'bind_ro = /run/secret-service: the jail always hides /run' '$T/badcheck'"

check "scripts still run their interpreter and libraries under the read view" \
    sh -c "[ \"\$(curl -s -o /dev/null -w %{http_code} $BASE/cgi-bin/fast.sh)\" = 200 ]"

done_testing
