#!/bin/sh
#
# bench/slow.sh: fcgiwrap and safecgi behind the same nginx, with the same
# worker count, against a CGI script that sleeps one second, under many
# concurrent clients (64 and 256 by default).  With such a script the
# gateway's own speed hardly matters; what is measured is what it does
# when more requests arrive than its workers run at once: wait, or fail.
# Prints per server, client count and round: responses/s, good (2xx)
# responses/s, p50 and p99 latency of the 2xx, the count of non-2xx
# and socket errors -- those counts are a result, not a failure of the
# harness -- then medians and the ratios safecgi/fcgiwrap.
#
# Everything listens on 127.0.0.1 only and everything started here is
# stopped on exit.  See bench/README.md.

set -eu

usage()
{
	cat <<EOF
usage: $0 [-h] [-c workers]

  -c N   CGI workers for both fcgiwrap and safecgi (default 4)
  -h     this help

Environment (defaults in brackets):
  CLIENTS ["64 256"]     concurrent clients (wrk -c), one set of rounds each
  ROUNDS [3]  DURATION [10] seconds  THREADS [2]
  DRAIN [300]            seconds a server may take after a round to work
                         off its queue; longer and the round is FAILED
  NGINX_WORKERS [1]      worker_processes of the one nginx
  FCGIWRAP [/usr/sbin/fcgiwrap]
  SAFECGI [bench/../src/safecgi, else bench/../build/src/safecgi]
  SAFECGI_ARGS           extra flags for the safecgi slot
  SAFECGI_CMD            run this instead of \$SAFECGI in the safecgi slot;
                         sh -c evaluates it with \$BENCH_SOCKET (unix:/path)
                         and \$BENCH_WORKERS set
  BENCH_TMPDIR [/var/lib] where the scratch directory is made (not /tmp:
                         safecgi gives scripts a private /tmp)
  PORT_BASE [18180]      first port tried for the two nginx servers
EOF
}

die()
{
	echo "slow.sh: $*" >&2
	exit 1
}

is_uint()
{
	case $1 in
	''|*[!0-9]*) return 1 ;;
	esac
	return 0
}

here=$(cd "$(dirname "$0")" && pwd)
workers=4
while getopts c:h opt; do
	case $opt in
	c) workers=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { usage >&2; exit 2; }

CLIENTS=${CLIENTS:-64 256}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
DRAIN=${DRAIN:-300}
NGINX_WORKERS=${NGINX_WORKERS:-1}
FCGIWRAP=${FCGIWRAP:-/usr/sbin/fcgiwrap}
# In-tree build first, then the build directory of a VPATH build.
if [ -z "${SAFECGI:-}" ]; then
	SAFECGI=$here/../src/safecgi
	[ -x "$SAFECGI" ] || SAFECGI=$here/../build/src/safecgi
fi
SAFECGI_ARGS=${SAFECGI_ARGS:-}
SAFECGI_CMD=${SAFECGI_CMD:-}
BENCH_TMPDIR=${BENCH_TMPDIR:-/var/lib}
PORT_BASE=${PORT_BASE:-18180}

for v in workers ROUNDS DURATION THREADS DRAIN NGINX_WORKERS PORT_BASE; do
	eval "val=\$$v"
	is_uint "$val" || die "$v must be a number, not '$val'"
done
for val in "$workers" "$ROUNDS" "$DURATION" "$THREADS" "$DRAIN" \
    "$NGINX_WORKERS"; do
	[ "$val" -ge 1 ] ||
	    die "-c, ROUNDS, DURATION, THREADS, DRAIN and NGINX_WORKERS must be >= 1"
done
[ -n "$CLIENTS" ] || die "CLIENTS is empty"
maxc=0
nclients=0
clients_list=
for c in $CLIENTS; do
	nclients=$((nclients + 1))
	clients_list=${clients_list:+$clients_list,}$c
	is_uint "$c" || die "CLIENTS must be numbers, not '$c'"
	[ "$c" -ge "$THREADS" ] || die "each of CLIENTS must be at least THREADS"
	[ "$c" -le "$maxc" ] || maxc=$c
done

[ "$(id -u)" -eq 0 ] || die "run as root"
for t in nginx wrk curl ss setsid timeout; do
	command -v "$t" >/dev/null 2>&1 || die "$t not found"
done
[ -x /bin/bash ] || die "/bin/bash not found (the slow script is a bash script)"
[ -x "$FCGIWRAP" ] || die "$FCGIWRAP not found (apt-get install fcgiwrap)"
if [ -z "$SAFECGI_CMD" ] && [ ! -x "$SAFECGI" ]; then
	die "$SAFECGI not found: build it (make) or set SAFECGI or SAFECGI_CMD"
fi

# wrk holds one descriptor per client, nginx two per request (client
# and upstream); raise the soft limit that everything started here
# inherits if it is too low.  (ulimit -n is not POSIX, but dash, bash
# and busybox sh have it.)
need=$((2 * maxc + 256))
# shellcheck disable=SC3045
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
	ulimit -n "$need" 2>/dev/null ||
	    die "open files limit $(ulimit -n) is below $need: raise it"
fi

# ------------------------------------------------------------ cleanup

. "$here/lib.sh"

# ------------------------------------------------------------ set up

work=$(mktemp -d "$BENCH_TMPDIR/safecgi-slow.XXXXXX")
# Scripts run as an unprivileged user under safecgi, which also refuses
# group- or world-writable scripts and directories: root, 0755.
mkdir "$work/cgi-bin" "$work/run" "$work/nginx" "$work/log" "$work/wrk"
chmod 0755 "$work" "$work/cgi-bin"
cp "$here/sleep.sh" "$work/cgi-bin/sleep.sh"
cp "$here/hello.sh" "$work/cgi-bin/hello.sh"
chown root:root "$work/cgi-bin/sleep.sh" "$work/cgi-bin/hello.sh"
chmod 0755 "$work/cgi-bin/sleep.sh" "$work/cgi-bin/hello.sh"

sock_f=$work/run/fcgiwrap.sock
sock_s=$work/run/safecgi.sock
port_f=$(free_port "$PORT_BASE")
port_s=$(free_port $((port_f + 1)))

# The one place the safecgi slot's command line is built.  No profile
# directory is given: the script runs under the default profile, as it
# would for an operator who swapped fcgiwrap for safecgi.
if [ -n "$SAFECGI_CMD" ]; then
	safecgi_desc="SAFECGI_CMD: $SAFECGI_CMD $SAFECGI_ARGS"
	safecgi_profile="(not safecgi, or not known)"
	set -- env BENCH_SOCKET="unix:$sock_s" BENCH_WORKERS="$workers" \
	    sh -c "exec $SAFECGI_CMD $SAFECGI_ARGS"
else
	# shellcheck disable=SC2086 # SAFECGI_ARGS is a list of flags
	safecgi_profile=$("$SAFECGI" $SAFECGI_ARGS --check \
	    --script "$work/cgi-bin/sleep.sh" 2>&1 |
	    sed -n 's/^script [^ ]*: //p')
	# shellcheck disable=SC2086 # SAFECGI_ARGS is a list of flags
	set -- "$SAFECGI" -c "$workers" -s "unix:$sock_s" \
	    --socket-mode 0660 $SAFECGI_ARGS
	safecgi_desc="$*"
fi
# The default profile's process limit counts every process of its user,
# these included; the header says how many there were.
nobody_before=$(ps -u nobody -o pid= 2>/dev/null | wc -l)
start_bg "$work/log/safecgi.log" "$@"
pg_s=$last_pid
start_bg "$work/log/fcgiwrap.log" "$FCGIWRAP" -c "$workers" -s "unix:$sock_f"
pg_f=$last_pid
wait_socket "$sock_s" "$pg_s" "$work/log/safecgi.log"
wait_socket "$sock_f" "$pg_f" "$work/log/fcgiwrap.log"

# One nginx, two servers that differ only in port and socket.  nginx
# must be neither the bottleneck nor the source of an error: enough
# connections and descriptors for every client twice over, a listen
# backlog that takes all clients at once, and timeouts far beyond the
# longest queueing delay of a run (nginx's default 60 s read timeout
# would turn fcgiwrap's queue under 256 clients into 504s of nginx's
# own).  No upstream keepalive: fcgiwrap closes after every request.
long=3600s
server_block()
{
	cat <<EOF
	server {
		listen 127.0.0.1:$1 backlog=4096;
		root $work;
		location = /ready { return 204; }
		location /cgi-bin/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_pass unix:$2;
			fastcgi_connect_timeout $long;
			fastcgi_send_timeout $long;
			fastcgi_read_timeout $long;
		}
	}
EOF
}
n="$work/nginx"
{
	cat <<EOF
user root;
daemon off;
worker_processes $NGINX_WORKERS;
worker_rlimit_nofile $((4 * maxc + 1024));
pid $n/nginx.pid;
error_log $n/error.log warn;
events { worker_connections $((2 * maxc + 1024)); }
http {
	access_log off;
	keepalive_requests 1000000;
	keepalive_timeout $long;
	send_timeout $long;
	client_body_temp_path $n/body;
	fastcgi_temp_path $n/fastcgi;
	proxy_temp_path $n/proxy;
	scgi_temp_path $n/scgi;
	uwsgi_temp_path $n/uwsgi;
EOF
	server_block "$port_f" "$sock_f"
	server_block "$port_s" "$sock_s"
	echo "}"
} >"$n/nginx.conf"
nginx -t -q -c "$n/nginx.conf" -p "$n/" || die "bad generated nginx.conf"
start_bg "$work/log/nginx.log" nginx -c "$n/nginx.conf" -p "$n/"
pg_n=$last_pid

url_f=http://127.0.0.1:$port_f/cgi-bin
url_s=http://127.0.0.1:$port_s/cgi-bin
k=0
until curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port_s/ready" &&
    curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port_f/ready"; do
	k=$((k + 1))
	if [ "$k" -ge 100 ] || ! group_alive "$pg_n"; then
		cat "$work/log/nginx.log" "$n/error.log" >&2 2>/dev/null || :
		die "nginx did not come up on ports $port_f and $port_s"
	fi
	sleep 0.1
done

# ------------------------------------------------------------ verify

# Both servers must answer both scripts with exactly their text, and the
# slow script must really have slept: a script that answered at once
# (its sleep refused by a jail, say) would make every number a lie.
# A 502 is tried again a few times: the default profile's process limit
# counts every process of its user on the host, and on a shared machine
# other programs running as nobody can use it up for a moment.
printf 'slept\n' >"$work/expect-sleep.sh"
printf 'hello\n' >"$work/expect-hello.sh"

# check_answer URL SCRIPT: empty output if right, else what is wrong
check_answer()
{
	out=$(curl -sS --max-time 10 -o "$work/body" \
	    -w '%{http_code} %{time_total}' "$1/$2") || out="000 0"
	code=${out% *}
	secs=${out#* }
	if [ "$code" != 200 ]; then
		echo "HTTP $code"
	elif ! cmp -s "$work/expect-$2" "$work/body"; then
		echo "unexpected body"
	elif [ "$2" = sleep.sh ] &&
	    awk -v t="$secs" 'BEGIN { exit !(t < 0.95) }'; then
		echo "answered after $secs s, did not sleep"
	fi
}

for url in "$url_f" "$url_s"; do
	for s in sleep.sh hello.sh; do
		k=0
		while why=$(check_answer "$url" "$s") &&
		    [ "$why" = "HTTP 502" ] && [ "$k" -lt 5 ]; do
			k=$((k + 1))
			sleep 1
		done
		if [ -n "$why" ]; then
			echo "slow.sh: $url/$s: $why, body:" >&2
			head -c 500 "$work/body" >&2 || :
			echo "--- nginx error log:" >&2
			tail -n 5 "$n/error.log" >&2 || :
			for l in safecgi fcgiwrap; do
				echo "--- $l log:" >&2
				tail -n 10 "$work/log/$l.log" >&2 || :
			done
			die "wrong answer from $url/$s; not benchmarking"
		fi
	done
done

# ------------------------------------------------------------ measure

# One line per measured round: clients server round resp/s 2xx/s p50
# p99 responses non-2xx errors drain-s statuses(code:n,...) and the
# socket errors as connect/read/write/timeout.
results=$work/results
: >"$results"
failed=0
# wrk's timeout lies past the end of a round.  wrk counts a response
# that took longer than its timeout both as a response and as a
# "timeout" error: with a timeout inside the round, a queueing server's
# late answers would show as errors.  No response in a round can take
# longer than the round; whatever has not been answered when it ends is
# simply not counted, and shows as lower throughput.
wrk_timeout=$((DURATION + 30))

# Wait until server $1 has worked off what the round left queued (wrk
# closes its connections when it stops, but fcgiwrap still runs every
# request queued in its listen backlog): a fast request sent now comes
# back only after everything queued before it has started; then give
# the last slow scripts time to end.  Any status will do: a server that
# is still busy may refuse the probe, but it has seen it.  Prints the
# seconds it took.
drain()
{
	t0=$(date +%s.%N)
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$DRAIN" \
	    "$2/hello.sh") || code=000
	if [ "$code" = 000 ]; then
		echo "slow.sh: $1 did not answer within $DRAIN s after a" \
		    "round; later rounds would measure its backlog" >&2
		echo "-"
		return 0
	fi
	t1=$(date +%s.%N)
	sleep 1.5
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'
}

# run_one CLIENTS SERVER URL ROUND
run_one()
{
	out=$work/wrk/$1-$2-$4.txt
	rc=0
	timeout --foreground $((DURATION + 60)) wrk -t"$THREADS" \
	    -c"$1" -d"${DURATION}s" --timeout "${wrk_timeout}s" \
	    -s "$here/slow.lua" "$3/sleep.sh" >"$out" 2>&1 || rc=$?
	d=$(drain "$2" "$3")
	# responses seconds p50 p99 connect read write timeout statuses
	# and how many 2xx were timed
	# shellcheck disable=SC2046 # ten words from slow.lua's line
	set -- "$1" "$2" "$3" "$4" $(awk '$1 == "slow.lua:" {
	    print $3, $5, $7, $9, $11, $13, $15, $17, $19, $21 }' "$out")
	note=
	[ "$rc" -eq 0 ] || note="wrk exit $rc"
	if [ $# -ne 14 ]; then
		note="${note:+$note, }no numbers"
	elif ! echo "${13} ${14}" | awk '{ n = split($1, s, ",")
	    for (i = 1; i <= n; i++) {
		split(s[i], kv, ":")
		if (kv[1] >= 200 && kv[1] < 300) ok += kv[2]
	    }
	    exit !(ok == $2) }'; then
		# a latency is missing: sleep.sh did not send X-Sent back
		note="${note:+$note, }2xx answers without X-Sent"
	fi
	[ "$d" != - ] || note="${note:+$note, }no drain"
	if [ -n "$note" ]; then
		failed=$((failed + 1))
		printf '%-5s %7s %-9s   FAILED: %s\n' "$4" "$1" "$2" "$note"
		sed 's/^/      | /' "$out"
		return 0
	fi
	# $5 responses, $6 seconds, $7 p50, $8 p99, $9-$12 errors, $13 statuses
	echo "$1 $2 $4 $5 $6 $7 $8 $9 ${10} ${11} ${12} ${13} $d" |
	    awk '{
		ok = 0; bad = 0; n = split($12, s, ",")
		for (i = 1; i <= n; i++) {
			split(s[i], kv, ":")
			if (kv[1] >= 200 && kv[1] < 300) ok += kv[2]
			else bad += kv[2]
		}
		if ($12 == "-") bad = 0
		err = $8 + $9 + $10 + $11
		printf "%s %s %s %.2f %.2f %s %s %d %d %d %s %s %s/%s/%s/%s\n",
		    $1, $2, $3, $4 / $5, ok / $5, $6, $7, $4, bad, err, $13, $12,
		    $8, $9, $10, $11
	    }' >>"$results"
	tail -n 1 "$results" | awk '{
		note = ""
		if ($9 > 0) note = " statuses " $12
		if ($10 > 0) note = note " connect/read/write/timeout " $13
		printf "%-5s %7s %-9s %8.1f %8.1f %8s %8s %8d %8d %7s%s\n",
		    $3, $1, $2, $4, $5, $6, $7, $9, $10, $11, note }'
}

echo "safecgi slow-script bench, $(date -Iseconds)"
echo "host $(uname -n), Linux $(uname -r), $(nproc) CPUs," \
    "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
echo "$(nginx -v 2>&1 | sed 's/^nginx version: //') worker_processes" \
    "$NGINX_WORKERS; $(wrk -v 2>&1 | awk 'NR == 1 { print $1, $2 }')" \
    "-t$THREADS -c{$clients_list}" \
    "-d${DURATION}s --timeout ${wrk_timeout}s -s slow.lua;" \
    "$ROUNDS rounds"
echo "script: sleep.sh (bash, one process: a 1 s read timeout," \
    "then 6 bytes of answer); p50/p99 of the 2xx, timed by slow.lua"
echo "fcgiwrap slot: $FCGIWRAP -c $workers -s unix:$sock_f" \
    "($(dpkg-query -W -f '${Version}' fcgiwrap 2>/dev/null || echo '?'))"
echo "safecgi slot:  $safecgi_desc"
echo "safecgi profile of sleep.sh: $safecgi_profile"
echo "processes of user nobody (the default profile's) before the run:" \
    "$nobody_before; they count against its process limit"
echo "about $((nclients * ROUNDS * 2 * DURATION)) s of load, plus after" \
    "each round the time a server takes to work off its queue"
echo
printf '%-5s %7s %-9s %8s %8s %8s %8s %8s %8s %7s\n' run clients server \
    resp/s 2xx/s "p50 ms" "p99 ms" non-2xx errors drain-s

for c in $CLIENTS; do
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		run_one "$c" fcgiwrap "$url_f" "$r"
		run_one "$c" safecgi "$url_s" "$r"
		r=$((r + 1))
	done
done

# ------------------------------------------------------------ report

# column $3 of clients $1, server $2: the median over the rounds, or "-"
median()
{
	awk -v c="$1" -v v="$2" -v k="$3" \
	    '$1 == c && $2 == v && $k != "-" { print $k }' "$results" |
	    sort -g | awk '
	{ a[NR] = $1 }
	END {
		if (NR == 0) { print "-"; exit }
		print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
	}'
}

# column $3 of clients $1, server $2: the sum over the rounds
total()
{
	awk -v c="$1" -v v="$2" -v k="$3" \
	    '$1 == c && $2 == v { s += $k } END { print s + 0 }' "$results"
}

# $1 with $2 decimals, or "-"
fmt()
{
	awk -v x="$1" -v d="$2" 'BEGIN {
		if (x == "-") print x; else printf "%.*f\n", d, x }'
}

ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || b <= 0) print "-"
		else printf "%.2f\n", a / b }'
}

echo
echo "medians over $ROUNDS rounds; responses, non-2xx and errors summed"
printf '%7s %-9s %8s %8s %8s %8s %9s %8s %8s\n' clients server resp/s \
    2xx/s "p50 ms" "p99 ms" responses non-2xx errors
for c in $CLIENTS; do
	for v in fcgiwrap safecgi; do
		printf '%7s %-9s %8s %8s %8s %8s %9s %8s %8s\n' "$c" "$v" \
		    "$(fmt "$(median "$c" "$v" 4)" 1)" \
		    "$(fmt "$(median "$c" "$v" 5)" 1)" \
		    "$(fmt "$(median "$c" "$v" 6)" 1)" \
		    "$(fmt "$(median "$c" "$v" 7)" 1)" \
		    "$(total "$c" "$v" 8)" "$(total "$c" "$v" 9)" \
		    "$(total "$c" "$v" 10)"
	done
done

echo
echo "safecgi/fcgiwrap: 2xx/s higher is better, latency lower is better;"
echo "goal (set for -c 4): 2xx/s at least 10x fcgiwrap's, no non-2xx," \
    "no errors"
printf '%7s %8s %8s %8s  %s\n' clients 2xx/s p50 p99 goal
for c in $CLIENTS; do
	x=$(ratio "$(median "$c" safecgi 5)" "$(median "$c" fcgiwrap 5)")
	bad=$(($(total "$c" safecgi 9) + $(total "$c" safecgi 10)))
	if [ "$bad" -gt 0 ]; then
		goal="not met: $bad non-2xx or errors"
	elif [ "$x" = - ] || awk -v x="$x" 'BEGIN { exit !(x < 10) }'; then
		goal="not met: ${x}x"
	else
		goal=met
	fi
	printf '%7s %8s %8s %8s  %s\n' "$c" "$x" \
	    "$(ratio "$(median "$c" safecgi 6)" "$(median "$c" fcgiwrap 6)")" \
	    "$(ratio "$(median "$c" safecgi 7)" "$(median "$c" fcgiwrap 7)")" \
	    "$goal"
done

# Why requests failed, in the servers' own words: nginx's error log by
# upstream, and safecgi's warnings and errors, the most frequent first
# (time stamps, pids, the scratch directory and long numbers folded).
fold_msgs()
{
	sed -E "s|$work|...|g"'; s/^[0-9/:. T+-]+//;
	    s/safecgi\[[0-9]+\]/safecgi/; s/\*[0-9]+ //; s/[0-9]{4,}/N/g' |
	    sort | uniq -c | sort -rn | head -n "$1"
}
for v in fcgiwrap safecgi; do
	case $v in
	fcgiwrap) sock=$sock_f ;;
	safecgi) sock=$sock_s ;;
	esac
	grep -F "$sock" "$n/error.log" 2>/dev/null |
	    sed -E 's/, client: .*//' >"$work/why-$v" || :
	if [ -s "$work/why-$v" ]; then
		echo
		echo "nginx errors for $v (count, message):"
		fold_msgs 5 <"$work/why-$v"
	fi
done
grep -E ': (warning|err|error|crit|alert): ' "$work/log/safecgi.log" \
    >"$work/why-log" 2>/dev/null || :
if [ -s "$work/why-log" ]; then
	echo
	echo "safecgi's log, warnings and errors (count, message):"
	fold_msgs 8 <"$work/why-log"
fi

if [ "$failed" -gt 0 ]; then
	echo
	die "$failed run(s) failed and are left out of the medians"
fi
