#!/bin/sh
# The hostile CGI under fcgiwrap and under safecgi, side by side, behind
# the same nginx: one row per escape attempt, what each answered.
#
# A report, not a test (hence tests/tools/, outside TESTS): it prints a
# table and exits 0.  It needs root, like the integration tests whose
# harness it borrows.  fcgiwrap runs as nobody (through spawn-fcgi), so even there the
# hostile CGI cannot damage the machine; the attempts that only limits
# would stop (fork, memory and output bombs, a CPU loop) and the writes
# to /etc and /usr and the signal to an outside process are skipped
# under fcgiwrap.  Everything talks to 127.0.0.1 only and every request
# has a deadline.
#
#   top_srcdir=. top_builddir=build sh tests/tools/hostile_report.sh
. "${top_srcdir:-.}/tests/integration/lib.sh"

command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
command -v spawn-fcgi >/dev/null && [ -x /usr/sbin/fcgiwrap ] ||
    { echo "spawn-fcgi and fcgiwrap are needed"; exit 1; }
[ -x "$top_builddir/tests/cgi/hostile" ] ||
    { echo "tests/cgi/hostile is not built"; exit 1; }

JAIL_UID=64123
ATTACKER_LOG=$T/attacker.log
ATTACKER_PID=
VICTIM_PID=
FW_PID=
FWSOCK=$T/fcgiwrap.sock
ABSTRACT=safecgi-report-$$

# running NAME: pids of live (not zombie) processes called NAME that a
# request of this run started (their environment names a script of this
# run's directory): nobody else's.
running() {
	for p in $(ps -e -o pid=,stat=,comm= |
	    awk -v n="$1" '$3 == n && $2 !~ /^Z/ { print $1 }'); do
		env=$(tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null)
		if [ -z "$env" ] ||
		    printf '%s\n' "$env" | grep -q "^SCRIPT_FILENAME=$CGIBIN/"; then
			printf '%s ' "$p"
		fi
	done
	return 0
}

report_cleanup() {
	[ -n "$ATTACKER_PID" ] && kill "$ATTACKER_PID" 2>/dev/null
	[ -n "$VICTIM_PID" ] && kill "$VICTIM_PID" 2>/dev/null
	# fcgiwrap's master leaves its children running: kill them by pid
	if [ -n "$FW_PID" ]; then
		for p in $(pgrep -P "$FW_PID") "$FW_PID"; do
			kill "$p" 2>/dev/null
		done
	fi
	for p in $(running hostile-daemon); do kill -KILL "$p" 2>/dev/null; done
	cleanup
}
trap report_cleanup EXIT

install_test_scripts
cat > "$T/profiles/jail.conf" <<PROFILE
[profile]
name = jail
match = $CGIBIN/*
[identity]
user = $JAIL_UID
group = $JAIL_UID
[limits]
timeout = 10
cpu = 2
output = 8M
[environment]
query = raw
PROFILE

python3 "$top_srcdir/tests/integration/attacker.py" "$ATTACKER_LOG" \
    "$T/attacker.port" "$ABSTRACT" "echo pwned" 900 2>"$T/attacker.err" &
ATTACKER_PID=$!
i=0
while [ ! -s "$T/attacker.port" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
APORT=$(cat "$T/attacker.port" 2>/dev/null)
[ -n "$APORT" ] || { echo "the loopback attacker did not start"; exit 1; }
: >> "$ATTACKER_LOG"

# fcgiwrap as Debian runs it, but as nobody: spawn-fcgi makes the socket
# (www-data may connect), then becomes nobody and execs fcgiwrap.
spawn-fcgi -n -s "$FWSOCK" -M 0660 -U www-data -G www-data \
    -u nobody -g nogroup -- /usr/sbin/fcgiwrap -c 4 >"$T/fcgiwrap.log" 2>&1 &
FW_PID=$!

# A file nginx may read and scripts may not, behind an internal location.
mkdir -p "$T/secret"
echo "SECRET-FLAG-$$" > "$T/secret/flag"
chown -R root:www-data "$T/secret"
chmod 0750 "$T/secret"
chmod 0640 "$T/secret/flag"

# Both behind one nginx: /fcgiwrap/cgi-bin/X runs cgi-bin/X under fcgiwrap.
NGINX_EXTRA="location /internal-secret/ { internal; alias $T/secret/; }
		location ~ ^/fcgiwrap(/cgi-bin/.*)\$ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$document_root\$1;
			fastcgi_pass unix:$FWSOCK;
			fastcgi_read_timeout 30s;
		}"
start_nginx
start_safecgi -c 1

setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 600 &
VICTIM_PID=$!
i=0
while [ ! -S "$FWSOCK" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done

# cell SERVER QUERY: one request; the answer, shortened, and what the
# host saw happen
cell() {
	am=$(wc -l < "$ATTACKER_LOG")
	if [ "$1" = fcgiwrap ]; then
		url="$BASE/fcgiwrap/cgi-bin/hostile?$2"
	else
		url="$BASE/cgi-bin/hostile?$2"
	fi
	s=$(curl -s -o "$T/cell" -w '%{http_code}' --max-time 20 "$url")
	case $2 in
	accel_redirect*)
		if grep -q SECRET-FLAG "$T/cell"; then
			out="ALLOWED: nginx served the internal file"
		else
			out=$(head -n 1 "$T/cell" |
			    sed -e 's/^\([A-Z]*\) [a-z0-9_]* /\1: /')
		fi
		;;
	flood)
		out="$(stat -c %s "$T/cell") bytes, HTTP $s"
		grep -q "ALLOWED flood" "$T/cell" && out="ALLOWED: $out"
		;;
	*)
		out=$(head -c 300 "$T/cell" | head -n 1 |
		    sed -e 's/^\([A-Z]*\) [a-z0-9_]* /\1: /')
		[ -n "$out" ] || out="(empty)"
		[ "$s" = 200 ] || out="HTTP $s: $out"
		;;
	esac
	# what the host saw goes right after the verdict, where it is not
	# cut off
	seen=
	sleep 0.2
	[ "$(wc -l < "$ATTACKER_LOG")" = "$am" ] || seen=" attacker heard it;"
	case $2 in
	daemon)
		sleep 1
		if [ -n "$(running hostile-daemon)" ]; then
			seen=" daemon outlived the request;"
			for p in $(running hostile-daemon); do
				kill -KILL "$p" 2>/dev/null
			done
		else
			seen=" daemon gone with the request;"
		fi
		;;
	esac
	case $out in
	*:*) out="${out%%:*}:$seen${out#*:}" ;;
	esac
	printf '%.56s' "$out"
}

skip_under_fcgiwrap=" forkbomb membomb flood cpuloop write_etc write_usr kill_outside "

row() {	# row ATTEMPT [FCGIWRAP-QUERY [SAFECGI-QUERY]]
	fq=${2:-$1}
	sq=${3:-$fq}
	case $skip_under_fcgiwrap in
	*" $1 "*) a="skipped" ;;
	*) a=$(cell fcgiwrap "$fq") ;;
	esac
	b=$(cell safecgi "$sq")
	printf '%-17s | %-56s | %s\n' "$1" "$a" "$b"
}

# concurrent_row ROW FIRST-QUERY QUERY: FIRST-QUERY runs in the
# background (another request), QUERY is the attempt against it
concurrent_row() {
	for server in fcgiwrap safecgi; do
		if [ $server = fcgiwrap ]; then
			hurl="$BASE/fcgiwrap/cgi-bin/hostile?$2"
		else
			hurl="$BASE/cgi-bin/hostile?$2"
		fi
		curl -s -o /dev/null --max-time 20 "$hurl" &
		hp=$!
		sleep 0.5
		eval "res_$server=\$(cell $server \"\$3\")"
		wait "$hp"
	done
	printf '%-17s | %-56s | %s\n' "$1" "$res_fcgiwrap" "$res_safecgi"
}

printf '%-17s | %-56s | %s\n' attempt fcgiwrap safecgi
printf '%.17s-+-%.56s-+-%.56s\n' -------------------------------------------------------- \
    -------------------------------------------------------- \
    --------------------------------------------------------
row tcp_host_loopback "tcp_host_loopback=$APORT"
row udp "udp=$APORT"
row ipv6 "ipv6=$APORT"
row raw
row packet
row netlink
row socket_families
row fastcgi_socket "fastcgi_socket=$FWSOCK" "fastcgi_socket=$SOCK"
row abstract "abstract=$ABSTRACT"
row unix_scan
row exec_sh
row exec_wget "exec_wget=$APORT"
row exec_curl "exec_curl=$APORT"
row exec_ldso_sh
row exec_ldso_wget "exec_ldso_wget=$APORT"
row write_etc
row write_dev
row write_usr
row write_own_dir
row tmp_exec
row memfd_exec
row mknod
row read_shadow
row read_file "read_file=$T/secret/flag"
row accel_redirect "accel_redirect=/internal-secret/flag"
row see_root
row proc1_environ
row write_proc_sys
row setuid0
row mount
row unshare
row clone_ns
row setns
row ptrace_parent
row bpf
row perf
row io_uring
row keyctl
row userfaultfd
row personality
row compat_syscalls
row kill_outside "kill_outside=$VICTIM_PID"
concurrent_row peek "hold=3&secret=SECRET-$$" "peek=SECRET-$$"
concurrent_row abstract_xreq "abstract_listen=report-$$" "abstract=report-$$"
row daemon
row forkbomb
row membomb
row cpuloop
row flood
for f in /etc/hostile-pwned /usr/hostile-pwned /dev/hostile-pwned \
    "$CGIBIN/hostile-pwned"; do
	[ -e "$f" ] && { echo "# left on the host: $f (removed)"; rm -f "$f"; }
done
exit 0
