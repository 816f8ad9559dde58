#!/bin/sh
# bench/flood.sh: does a flood of blocked system calls in one request slow
# everybody else down?  Runs wrk against a C hello-world CGI through nginx
# and safecgi twice, alone and while a second client keeps requesting a
# script that makes thousands of denied socket() calls (each one stops in
# the worker and is written to the audit log), and prints the ratio.
# Loopback only; everything stops by itself.
#
#   sh bench/flood.sh        (DURATION [10] seconds, CONNS [16])
#   FLOOD=requests sh bench/flood.sh   the flood is a client sending
#                                      refused requests instead
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
[ -x "$top_builddir/src/safecgi" ] || top_builddir="$top_srcdir/build"
export top_srcdir top_builddir
DURATION=${DURATION:-10}
CONNS=${CONNS:-16}
. "$top_srcdir/tests/integration/lib.sh"

install_test_scripts
write_test_profile
start_nginx
SAFECGI_ERRLOG=/dev/null start_safecgi -c 2

rps() {	# requests/s of one wrk run against URL
	wrk -t2 -c"$CONNS" -d"${DURATION}s" "$1" |
	    sed -n 's/^Requests\/sec:[[:space:]]*//p'
}

wrk -t2 -c"$CONNS" -d2s "$BASE/cgi-bin/hello" >/dev/null
alone=$(rps "$BASE/cgi-bin/hello")

if [ "${FLOOD:-calls}" = requests ]; then
	# the flood: a client sending refused requests (a Shellshock
	# User-Agent, refused by validation with 400) as fast as 4
	# connections allow, for as long as the measured wrk runs
	cat > "$T/bad.lua" <<'LUA'
wrk.headers["User-Agent"] = "() { :;}; /bin/sh -c id"
LUA
	wrk -t1 -c4 -d"$((DURATION + 1))s" -s "$T/bad.lua" \
	    "$BASE/cgi-bin/hello" > "$T/floods.wrk" &
	flooder=$!
	sleep 0.5
	flooded=$(rps "$BASE/cgi-bin/hello")
	wait "$flooder"
	n=$(sed -n 's/^[[:space:]]*\([0-9]*\) requests in.*/\1/p' "$T/floods.wrk")
	what="refused requests"
else
	# the flood: one request at a time, each making denied calls until
	# the blocked-call limit kills it, for as long as wrk runs
	end=$(( $(date +%s) + DURATION + 1 ))
	( n=0; while [ "$(date +%s)" -lt "$end" ]; do
		curl -s -o /dev/null "$BASE/cgi-bin/hello?flood"
		n=$((n + 1))
	  done
	  echo "$n" > "$T/floods" ) &
	flooder=$!
	sleep 0.5
	flooded=$(rps "$BASE/cgi-bin/hello")
	wait "$flooder"
	n=$(cat "$T/floods")
	what="flood requests (each cut off after 1000 denied calls)"
fi
events=$(wc -l < "$AUDIT")

echo "hello alone:            $alone req/s"
echo "hello beside the flood: $flooded req/s"
echo "$what: $n"
echo "audit lines written:    $events"
awk -v a="$alone" -v f="$flooded" \
    'BEGIN { printf "ratio flooded/alone:    %.3f\n", f / a }'
