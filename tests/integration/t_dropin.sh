#!/bin/sh
# A drop-in for a legacy cgi-bin: the scripts of tests/cgi/legacy (shell
# named .cgi and .sh, bash through env, Perl CGI.pm, Python through env)
# run under the shipped profiles with no profile written, both from a
# /usr/lib/cgi-bin-like directory and from a docroot's cgi-bin; each gets
# the profile of its interpreter and runs every tool it calls.  A local
# profile that extends shell-cgi adds a tool without repeating the rest.
# The profile generator (contrib/safecgi-audit2profile) turns the
# complain-mode events of a script into a profile under which it runs in
# enforce mode.  safecgi --check over the directory lists each script,
# its profile and why, and what the profile refuses that a script calls;
# and it warns when the audit log is off or missing.
. "$top_srcdir/tests/integration/lib.sh"

LEGACY="$top_srcdir/tests/cgi/legacy"
LIBCGI="$T/usr/lib/cgi-bin"	# what /usr/lib/cgi-bin is to Debian
mkdir -p "$LIBCGI"
chmod 755 "$T/usr" "$T/usr/lib" "$LIBCGI"
for s in "$LEGACY"/*; do
	install -m 0755 -o root -g root "$s" "$LIBCGI/"
	install_script "$s"
done
install_script "$top_srcdir/tests/cgi/scripts/fast.sh"
# the shipped profiles, as installed, and nothing else
cp "$top_srcdir"/profiles/*.conf "$T/profiles/"

NGINX_EXTRA="location ~ ^/lib-cgi/([^/]+)\$ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $LIBCGI/\$1;
			fastcgi_pass unix:$SOCK;
		}"
start_nginx
start_safecgi -c 1

# run WHERE SCRIPT [QUERY]: the body; the status in $T/status
run() {
	http_status "$BASE/$1/$2${3:+?$3}" > "$T/status"
	body
}

# access_profile PATH: the profile the access line names for PATH
access_profile() {
	sleep 0.2
	sed -n "s|.* script=$1 profile=\\([^ ]*\\) .*|\\1|p" "$ERRLOG" | tail -1
}

for where in lib-cgi cgi-bin; do
	case $where in
	lib-cgi) dir=$LIBCGI ; label="/usr/lib/cgi-bin-like" ;;
	cgi-bin) dir=$CGIBIN ; label="docroot cgi-bin" ;;
	esac

	out=$(run "$where" status.cgi)
	want=$(printf 'date=%s\nuser=www-data\nuid=33\nhost=ran\nkernel=Linux\nslept=yes' \
	    "$(date -u +%Y)")
	if [ "$out" = "$want" ] && [ "$(cat "$T/status")" = 200 ]; then
		ok "$label: status.cgi (sh, .cgi) runs date, id, hostname, uname, sleep"
	else
		not_ok "$label: status.cgi (sh, .cgi) runs date, id, hostname, uname, sleep" \
		    "status $(cat "$T/status")" "got:  $out" "want: $want"
	fi
	is_profile=$(access_profile "$dir/status.cgi")
	check "$label: status.cgi gets shell-cgi by its #! line" \
	    [ "$is_profile" = shell-cgi ]

	out=$(run "$where" report.sh name=ada)
	want=$(printf 'total=60 lines=3 firsts=b,c, xs=2\ntwice=120 name=ADA')
	if [ "$out" = "$want" ]; then
		ok "$label: report.sh sums a column with awk (sort uniq tee cut head tail grep sed tr expr mktemp rm)"
	else
		not_ok "$label: report.sh sums a column with awk (sort uniq tee cut head tail grep sed tr expr mktemp rm)" \
		    "got:  $out" "want: $want"
	fi

	out=$(run "$where" bashy.cgi)
	check "$label: bashy.cgi (#!/usr/bin/env bash) runs under shell-cgi" \
	    [ "$out" = "count=3 last=gamma" ] &&
	    [ "$(access_profile "$dir/bashy.cgi")" = shell-cgi ]

	out=$(run "$where" form.pl name=ada)
	check "$label: form.pl (Perl CGI.pm, -T) runs under perl-cgi" \
	    [ "$out" = "perl form: name=ada" ] &&
	    [ "$(access_profile "$dir/form.pl")" = perl-cgi ]

	out=$(run "$where" app.py name=ada)
	check "$label: app.py (#!/usr/bin/env python3) runs under python-cgi" \
	    [ "$out" = "python app: name=ada" ] &&
	    [ "$(access_profile "$dir/app.py")" = python-cgi ]
done

sleep 0.3
denied=$(grep '"event":"exec_denied"' "$AUDIT" | grep -v 'archive.cgi' |
    sed 's/.*"path":"\([^"]*\)".*/\1/' | sort -u | tr '\n' ' ')
check "no legacy script met an exec it was refused (${denied:-none})" \
    [ -z "$denied" ]

# ------------------------------------------ --check over a directory

mkdir "$T/shipped"
cp "$top_srcdir"/profiles/*.conf "$T/shipped/"
# survey [ARGS]: safecgi --check with the shipped profiles
survey() {
	"$SAFECGI" --check --profile-dir "$T/shipped" "$@" > "$T/survey" 2>&1
}
survey --audit-log "$AUDIT" --script "$LIBCGI"
check "--check --script DIR lists every script under it, each with its profile (6)" \
    [ "$(grep -c '^script ' "$T/survey")" = 6 ]
check "... status.cgi gets shell-cgi, and why: its #! line" \
    grep -q "^script $LIBCGI/status.cgi: profile shell-cgi (interpreter sh (#! /bin/sh) in $T/shipped/shell-cgi.conf)" "$T/survey"
check "... app.py gets python-cgi through env" \
    grep -q "^script $LIBCGI/app.py: profile python-cgi (interpreter python3" "$T/survey"
check "... archive.cgi: the gzip it calls is refused, with its line" \
    sh -c "grep -A1 '^script $LIBCGI/archive.cgi:' '$T/survey' | grep -q '^  refused: gzip (/usr/bin/gzip), line 6$'"
check "... and nothing else is refused" \
    [ "$(grep -c '^  refused' "$T/survey")" = 1 ]
check "... and a summary line counts them" \
    grep -q "^6 scripts under $LIBCGI, 1 with something its profile refuses$" "$T/survey"
mkdir -p "$T/odd"
printf '#!/usr/bin/tclsh-none\nputs x\n' > "$T/odd/tcl.cgi"
printf '#!/usr/bin/env gzip\n' > "$T/odd/gz.cgi"
chmod 755 "$T/odd"/*
survey --audit-log "$AUDIT" --script "$T/odd/tcl.cgi"
check "--check --script names a #! program that does not exist" \
    grep -q '^  refused: #! /usr/bin/tclsh-none does not exist$' "$T/survey"
survey --audit-log "$AUDIT" --script "$T/odd/gz.cgi"
check "--check --script names the program env starts when the profile refuses it" \
    grep -q '^  refused: gzip (/usr/bin/gzip), which #! /usr/bin/env starts$' "$T/survey"

# the audit log and the ban filters
survey
check "--check warns when the audit log is off" \
    grep -q '^warning: no --audit-log: blocked calls and attacks are not recorded' "$T/survey"
survey --audit-log "$T/nolog/audit.log"
check "--check warns when the audit log does not exist yet (a fail2ban jail could not start)" \
    grep -q "^warning: the audit log $T/nolog/audit.log does not exist yet: a fail2ban jail" "$T/survey"
survey --audit-log "$AUDIT"
check "--check does not warn about an audit log that is there" \
    sh -c "! grep -q '^warning' '$T/survey'"

# A script that needs one more tool: refused under shell-cgi ...
out=$(run cgi-bin archive.cgi)
check "archive.cgi: gzip is refused under shell-cgi (broken output)" \
    [ "$out" != hello ]
check "... recorded as a policy gap, not an attack" \
    sh -c "grep '\"event\":\"exec_denied\"' '$AUDIT' | grep 'archive.cgi' |
    grep -q '\"evidence\":\"policy\".*\"path\":\"/usr/bin/gzip\"'"
# ... and a local profile that extends shell-cgi adds it, nothing else
cat > "$T/profiles/archive.conf" <<P
[profile]
extends = shell-cgi
match = $CGIBIN/archive.cgi
[filesystem]
exec = /usr/bin/gzip
P
kill -HUP "$SAFECGI_PID"
sleep 1.5
out=$(run cgi-bin archive.cgi)
check "a profile that extends shell-cgi with gzip makes archive.cgi work" \
    [ "$out" = hello ] &&
    [ "$(access_profile "$CGIBIN/archive.cgi")" = archive ]
out=$(run cgi-bin report.sh name=x)
check "... and report.sh keeps shell-cgi" \
    [ "$(access_profile "$CGIBIN/report.sh")" = shell-cgi ]
check "safecgi --check --script explains the choice of the extended profile" \
    sh -c "'$SAFECGI' --check --profile-dir '$T/profiles' --script '$CGIBIN/archive.cgi' |
    grep -q 'profile archive (glob $CGIBIN/archive.cgi in '"

# ----------------------------------------------- the profile generator

# A script that runs gzip and writes to a directory of its own: under
# shell-cgi in enforce mode it fails; profiled in complain mode, the
# generator's profile makes it run in enforce mode.
GEN="$top_srcdir/contrib/safecgi-audit2profile"
DATA="$T/data"
mkdir -p "$DATA"
chown www-data "$DATA"
chmod 755 "$DATA"
# and reads a file outside the read view
mkdir -p "$T/conf"
echo setting=1 > "$T/conf/app.ini"
chmod 755 "$T/conf"
chmod 644 "$T/conf/app.ini"
cat > "$T/learn.cgi" <<S
#!/bin/sh
printf 'Content-Type: text/plain\n\n'
printf 'data\n' | gzip -c | gzip -dc
echo saved > $DATA/out.txt && echo wrote=yes
cat $T/conf/app.ini
S
install_script "$T/learn.cgi"
profile_learn() {	# profile_learn MODE
	printf '[profile]\nextends = shell-cgi\nmatch = %s\nmode = %s\n' \
	    "$CGIBIN/learn.cgi" "$1" > "$T/profiles/learn.conf"
	kill -HUP "$SAFECGI_PID"
	sleep 1.5
}
profile_learn enforce
out=$(run cgi-bin learn.cgi)
check "learn.cgi fails in enforce mode under what shell-cgi allows" \
    [ "$out" != "$(printf 'data\nwrote=yes\nsetting=1')" ]
profile_learn complain
for i in 1 2 3; do
	run cgi-bin learn.cgi > /dev/null
done
sleep 0.3
check "complain mode records its exec of gzip and its write" \
    sh -c "grep -q '\"event\":\"exec_denied\".*learn.cgi.*\"path\":\"/usr/bin/gzip\".*\"mode\":\"complain\"' '$AUDIT' &&
    grep -q '\"event\":\"write_denied\".*learn.cgi.*\"path\":\"$DATA/out.txt\"' '$AUDIT'"
python3 "$GEN" --script "$CGIBIN/learn.cgi" --extends shell-cgi \
    --name learn "$AUDIT" > "$T/learn.gen" 2>"$T/gen.err"
check "the generator prints exec = /usr/bin/gzip and writable = the directory" \
    sh -c "grep -q '^exec = /usr/bin/gzip' '$T/learn.gen' &&
    grep -q '^writable = $DATA' '$T/learn.gen' &&
    grep -q '^mode = enforce' '$T/learn.gen'"
check "the generator prints read = the directory read outside the view" \
    sh -c "grep -q '^read = $T/conf' '$T/learn.gen' &&
    grep -q '^mode = enforce' '$T/learn.gen'"
cp "$T/learn.gen" "$T/profiles/learn.conf"
check "safecgi --check accepts the generated profile" \
    sh -c "'$SAFECGI' --check --profile-dir '$T/profiles' >/dev/null"
kill -HUP "$SAFECGI_PID"
sleep 1.5
n_before=$(grep -c 'learn.cgi' "$AUDIT")
out=$(run cgi-bin learn.cgi)
if [ "$out" = "$(printf 'data\nwrote=yes\nsetting=1')" ] &&
    [ "$(cat "$DATA/out.txt" 2>/dev/null)" = saved ]; then
	ok "with the generated profile learn.cgi runs in enforce mode"
else
	not_ok "with the generated profile learn.cgi runs in enforce mode" \
	    "got: $out" "$(cat "$T/learn.gen")"
fi
sleep 0.3
check "... and is refused nothing (no new event)" \
    [ "$(grep -c 'learn.cgi' "$AUDIT")" = "$n_before" ]

# What the events carry came from the script's memory: a path that the
# profile parser would read differently is never written as a key.
printf '%s\n' \
    '{"time":"2026-11-24T19:37:35.000+00:00","event":"exec_denied","evidence":"policy","request_id":"1-1","client":"192.0.2.1","method":"GET","uri":"/x","script":"/s/x.cgi","profile":"x","worker_pid":1,"path":"/usr/bin/a ; b\nexec = /bin/sh","mode":"complain"}' \
    '{"time":"2026-11-24T19:37:35.000+00:00","event":"syscall_blocked","evidence":"policy","request_id":"1-2","client":"192.0.2.1","method":"GET","uri":"/x","script":"/s/x.cgi","profile":"x","worker_pid":1,"syscall":"socket","args":"AF_INET","action":"complain"}' \
    > "$T/hostile.jsonl"
python3 "$GEN" --script /s/x.cgi "$T/hostile.jsonl" > "$T/hostile.gen"
check "the generator writes a hostile path as a comment only, never as exec" \
    sh -c "! grep -q '^exec' '$T/hostile.gen' && grep -q '^#   exec ' '$T/hostile.gen'"
check "the generator leaves socket() to connect =, never allow =" \
    sh -c "! grep -q '^allow' '$T/hostile.gen'"

done_testing
