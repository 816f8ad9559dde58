#!/bin/sh
#
# bench/run.sh: fcgiwrap and safecgi behind the same nginx, with the same
# worker count, measured in alternating wrk runs in one invocation, for a
# C and a shell hello-world CGI.  Prints requests/s and p99 latency per
# run, the medians, and the ratios safecgi/fcgiwrap.  Ratios, not
# absolute numbers, are what compare across machines.
#
# Everything listens on 127.0.0.1 only and everything started here is
# stopped on exit.  See bench/README.md.

set -eu

usage()
{
	cat <<EOF
usage: $0 [-h] [-c workers]

  -c N   CGI workers for both fcgiwrap and safecgi (default 2)
  -h     this help

Environment (defaults in brackets):
  ROUNDS [3]  DURATION [10] seconds  CONNS [16]  THREADS [2]  WARMUP [2] s
  NGINX_WORKERS [1]      worker_processes of the one nginx
  FCGIWRAP [/usr/sbin/fcgiwrap]
  SAFECGI [bench/../src/safecgi]
  SAFECGI_ARGS           extra flags for the safecgi slot, e.g. --audit-log F
  SAFECGI_CMD            run this instead of \$SAFECGI in the safecgi slot;
                         sh -c evaluates it with \$BENCH_SOCKET (unix:/path)
                         and \$BENCH_WORKERS set.  fcgiwrap against itself
                         shows the noise level:
                         SAFECGI_CMD='/usr/sbin/fcgiwrap -c "\$BENCH_WORKERS" -s "\$BENCH_SOCKET"'
  BENCH_TMPDIR [/var/lib] where the scratch directory is made (not /tmp:
                         safecgi gives scripts a private /tmp)
  PORT_BASE [18080]      first port tried for the two nginx servers
  CC [cc]  CFLAGS [-O2]  compiler for hello.c
EOF
}

die()
{
	echo "run.sh: $*" >&2
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
workers=2
while getopts c:h opt; do
	case $opt in
	c) workers=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { usage >&2; exit 2; }

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-2}
NGINX_WORKERS=${NGINX_WORKERS:-1}
FCGIWRAP=${FCGIWRAP:-/usr/sbin/fcgiwrap}
SAFECGI=${SAFECGI:-$here/../src/safecgi}
SAFECGI_ARGS=${SAFECGI_ARGS:-}
SAFECGI_CMD=${SAFECGI_CMD:-}
BENCH_TMPDIR=${BENCH_TMPDIR:-/var/lib}
PORT_BASE=${PORT_BASE:-18080}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}

for v in workers ROUNDS DURATION CONNS THREADS WARMUP NGINX_WORKERS \
    PORT_BASE; do
	eval "val=\$$v"
	is_uint "$val" || die "$v must be a number, not '$val'"
done
for val in "$workers" "$ROUNDS" "$DURATION" "$THREADS" "$NGINX_WORKERS"; do
	[ "$val" -ge 1 ] ||
	    die "-c, ROUNDS, DURATION, THREADS and NGINX_WORKERS must be >= 1"
done
[ "$CONNS" -ge "$THREADS" ] || die "CONNS must be at least THREADS"

# safecgi needs root to build its jail; nginx runs as root here so that
# it can use both sockets without chown games (the same for both).
[ "$(id -u)" -eq 0 ] || die "run as root"
for t in nginx wrk curl ss setsid timeout "$CC"; do
	command -v "$t" >/dev/null 2>&1 || die "$t not found"
done
[ -x "$FCGIWRAP" ] || die "$FCGIWRAP not found (apt-get install fcgiwrap)"
if [ -z "$SAFECGI_CMD" ] && [ ! -x "$SAFECGI" ]; then
	die "$SAFECGI not found: build it (make) or set SAFECGI or SAFECGI_CMD"
fi

# ------------------------------------------------------------ cleanup

. "$here/lib.sh"

# ------------------------------------------------------------ set up

work=$(mktemp -d "$BENCH_TMPDIR/safecgi-bench.XXXXXX")
# Scripts run as an unprivileged user under safecgi, which also refuses
# group- or world-writable scripts and directories: root, 0755.
mkdir "$work/cgi-bin" "$work/run" "$work/nginx" "$work/log" "$work/wrk"
chmod 0755 "$work" "$work/cgi-bin"
# shellcheck disable=SC2086 # CFLAGS is a list of flags
"$CC" $CFLAGS -o "$work/cgi-bin/hello" "$here/hello.c"
cp "$here/hello.sh" "$work/cgi-bin/hello.sh"
chown root:root "$work/cgi-bin/hello" "$work/cgi-bin/hello.sh"
chmod 0755 "$work/cgi-bin/hello" "$work/cgi-bin/hello.sh"

sock_f=$work/run/fcgiwrap.sock
sock_s=$work/run/safecgi.sock
port_f=$(free_port "$PORT_BASE")
port_s=$(free_port $((port_f + 1)))

# The one place the safecgi slot's command line is built.
if [ -n "$SAFECGI_CMD" ]; then
	safecgi_desc="SAFECGI_CMD: $SAFECGI_CMD $SAFECGI_ARGS"
	set -- env BENCH_SOCKET="unix:$sock_s" BENCH_WORKERS="$workers" \
	    sh -c "exec $SAFECGI_CMD $SAFECGI_ARGS"
else
	# shellcheck disable=SC2086 # SAFECGI_ARGS is a list of flags
	set -- "$SAFECGI" -c "$workers" -s "unix:$sock_s" \
	    --socket-mode 0660 $SAFECGI_ARGS
	safecgi_desc="$*"
fi
start_bg "$work/log/safecgi.log" "$@"
pg_s=$last_pid
start_bg "$work/log/fcgiwrap.log" "$FCGIWRAP" -c "$workers" -s "unix:$sock_f"
pg_f=$last_pid
wait_socket "$sock_s" "$pg_s" "$work/log/safecgi.log"
wait_socket "$sock_f" "$pg_f" "$work/log/fcgiwrap.log"

# One nginx, two servers that differ only in port and socket.
server_block()
{
	cat <<EOF
	server {
		listen 127.0.0.1:$1;
		root $work;
		location = /ready { return 204; }
		location /cgi-bin/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_pass unix:$2;
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
pid $n/nginx.pid;
error_log $n/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 1000000;
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

# Both servers must answer exactly "hello" before any number counts.
printf 'hello\n' >"$work/expected"
for url in "$url_f" "$url_s"; do
	for s in hello hello.sh; do
		code=$(curl -sS --max-time 5 -o "$work/body" -w '%{http_code}' \
		    "$url/$s") || code=000
		if [ "$code" != 200 ] || ! cmp -s "$work/expected" "$work/body"
		then
			echo "run.sh: $url/$s: HTTP $code, body:" >&2
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

# Time strings as wrk prints them (850.00us, 12.34ms, 1.02s, 1.50m) to ms.
parse_wrk()
{
	awk '
	function ms(v,  n, u) {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") return n / 1000
		if (u == "ms") return n
		if (u == "s") return n * 1000
		if (u == "m") return n * 60000
		if (u == "h") return n * 3600000
		return -1
	}
	/^Requests\/sec:/ { rps = $2 }
	$1 == "99%" { p99 = ms($2) }
	/Non-2xx or 3xx responses:/ { bad = $NF }
	/Socket errors:/ {
		# connect N, read N, write N, timeout N
		for (i = 3; i <= NF; i += 2) { x = $(i + 1); sub(/,/, "", x); err += x }
	}
	END {
		printf "%s %s %d %d\n", rps == "" ? "-" : rps,
		    p99 == "" ? "-" : p99, bad, err
	}' "$1"
}

results=$work/results
: >"$results"
failed=0

# run_one SCRIPT-LABEL SERVER URL ROUND|warmup SECONDS
run_one()
{
	out=$work/wrk/$1-$2-$4.txt
	rc=0
	timeout --foreground $(($5 + 30)) wrk --latency -t"$THREADS" -c"$CONNS" \
	    -d"$5s" "$3" >"$out" 2>&1 || rc=$?
	[ "$4" = warmup ] && return 0
	# shellcheck disable=SC2046 # four words from parse_wrk
	set -- "$1" "$2" "$3" "$4" $(parse_wrk "$out")
	note=
	[ "$rc" -eq 0 ] || note="wrk exit $rc"
	[ "$5" != - ] && [ "$6" != - ] || note="${note:+$note, }no numbers"
	[ "$7" -eq 0 ] || note="${note:+$note, }$7 non-2xx responses"
	[ "$8" -eq 0 ] || note="${note:+$note, }$8 socket errors"
	if [ -z "$note" ] && awk -v r="$5" 'BEGIN { exit !(r <= 0) }'; then
		note="no requests"
	fi
	if [ -n "$note" ]; then
		failed=$((failed + 1))
		printf '%-5s %-6s %-9s %10s %9s   FAILED: %s\n' \
		    "$4" "$1" "$2" "$5" "$6" "$note"
		sed 's/^/      | /' "$out"
	else
		printf '%-5s %-6s %-9s %10.1f %9.2f\n' "$4" "$1" "$2" "$5" "$6"
		echo "$1 $2 $5 $6" >>"$results"
	fi
}

per_script=$((2 * WARMUP + 2 * ROUNDS * DURATION))
echo "safecgi bench, $(date -Iseconds)"
echo "host $(uname -n), Linux $(uname -r), $(nproc) CPUs," \
    "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
echo "$(nginx -v 2>&1 | sed 's/^nginx version: //') worker_processes" \
    "$NGINX_WORKERS; $(wrk -v 2>&1 | awk 'NR == 1 { print $1, $2 }')" \
    "--latency -t$THREADS -c$CONNS -d${DURATION}s;" \
    "$ROUNDS rounds, ${WARMUP}s warm-up"
echo "fcgiwrap slot: $FCGIWRAP -c $workers -s unix:$sock_f" \
    "($(dpkg-query -W -f '${Version}' fcgiwrap 2>/dev/null || echo '?'))"
echo "safecgi slot:  $safecgi_desc"
echo "about $((2 * per_script)) s of load"
echo
printf '%-5s %-6s %-9s %10s %9s\n' run script server req/s "p99 ms"

for s in C shell; do
	case $s in
	C) path=hello ;;
	shell) path=hello.sh ;;
	esac
	if [ "$WARMUP" -gt 0 ]; then
		run_one "$s" fcgiwrap "$url_f/$path" warmup "$WARMUP"
		run_one "$s" safecgi "$url_s/$path" warmup "$WARMUP"
	fi
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		run_one "$s" fcgiwrap "$url_f/$path" "$r" "$DURATION"
		run_one "$s" safecgi "$url_s/$path" "$r" "$DURATION"
		r=$((r + 1))
	done
done

# ------------------------------------------------------------ report

# column $3 (req/s) or $4 (p99) of script $1, server $2: median, or "-"
median()
{
	awk -v s="$1" -v v="$2" -v c="$3" '$1 == s && $2 == v { print $c }' \
	    "$results" | sort -g | awk '
	{ a[NR] = $1 }
	END {
		if (NR == 0) { print "-"; exit }
		print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
	}'
}

# spread of req/s over the rounds: (max - min) / median, in percent
spread()
{
	awk -v s="$1" -v v="$2" -v m="$3" '
	$1 == s && $2 == v {
		if (n++ == 0 || $3 < lo) lo = $3
		if (n == 1 || $3 > hi) hi = $3
	}
	END { if (n < 2 || m == "-" || m <= 0) print "-"
	      else printf "%.1f%%\n", 100 * (hi - lo) / m }' "$results"
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
		else printf "%.3f\n", a / b }'
}

echo
echo "medians over $ROUNDS rounds"
printf '%-6s %-9s %10s %9s %8s\n' script server req/s "p99 ms" spread
for s in C shell; do
	for v in fcgiwrap safecgi; do
		m=$(median "$s" "$v" 3)
		printf '%-6s %-9s %10s %9s %8s\n' "$s" "$v" "$(fmt "$m" 1)" \
		    "$(fmt "$(median "$s" "$v" 4)" 2)" \
		    "$(spread "$s" "$v" "$m")"
	done
done

echo
echo "safecgi/fcgiwrap: throughput higher is better, p99 lower is better"
printf '%-6s %10s %9s\n' script throughput p99
for s in C shell; do
	printf '%-6s %10s %9s\n' "$s" \
	    "$(ratio "$(median "$s" safecgi 3)" "$(median "$s" fcgiwrap 3)")" \
	    "$(ratio "$(median "$s" safecgi 4)" "$(median "$s" fcgiwrap 4)")"
done

if [ "$failed" -gt 0 ]; then
	echo
	die "$failed run(s) failed and are left out of the medians"
fi
