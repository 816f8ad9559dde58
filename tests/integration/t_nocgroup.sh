#!/bin/sh
# A host without a cgroup safecgi may use, accepted with --allow-missing
# cgroup: the run the operator chose, for real.  The test covers
# /sys/fs/cgroup with an empty tmpfs in a mount namespace of its own
# (nothing of the host changes), so safecgi finds no controller and says
# so; limits.processes is then RLIMIT_NPROC, counted per user, and a
# script that cannot start because its user is at that limit waits for a
# free process, and past a short wait is 503 with Retry-After — never 502.
. "${top_srcdir:-.}/tests/integration/tap.sh"
need_root
if [ -z "${SAFECGI_NO_CGROUP:-}" ]; then
	SAFECGI_NO_CGROUP=1 exec unshare -m --propagation private sh "$0"
fi
mount -t tmpfs -o size=4k,mode=0755 safecgi-test /sys/fs/cgroup ||
    bail_out "cannot cover /sys/fs/cgroup in a private mount namespace"
. "${top_srcdir:-.}/tests/integration/lib.sh"

install_script "$top_srcdir/tests/cgi/scripts/fast.sh"
# sleeps without a child: its one process is all limits.processes = 1 allows
cat > "$T/nproc.pl" <<'PL'
#!/usr/bin/perl
print "Content-Type: text/plain\n\n";
select(undef, undef, undef, ($ENV{QUERY_STRING} || 0.5) + 0);
print "slept\n";
PL
install_script "$T/nproc.pl" nproc.pl

# The kernel counts RLIMIT_NPROC per user, with every process of that
# user on the host: the script runs as a uid of this test's own.  Three
# may run, but the kernel lets a process take the uid only while no more
# than limits.processes others have it: room for two.
QUID=$((50000 + $$ % 10000))
write_test_profile
cat > "$T/profiles/qnproc.conf" <<PROFILE
[profile]
name = qnproc
match = $CGIBIN/nproc.pl
[identity]
user = $QUID
group = $QUID
[limits]
requests = 3
processes = 1
PROFILE

start_nginx
start_safecgi -c 1 --allow-missing cgroup

check "without a usable cgroup, accepted: the log says the budget is missing" \
    grep -q "cgroup: MISSING, accepted by --allow-missing cgroup" "$ERRLOG"
check "... and the startup event says cgroup none" \
    grep -q '"event":"startup".*"cgroup":"none"' "$AUDIT"

burst 2 "$BASE/cgi-bin/nproc.pl?0.5" "$T/np1"
sleep 0.2
s=$(http_status "$BASE/cgi-bin/nproc.pl?0.1")
burst_wait
is "a script at its user's process limit starts once a process is free" \
    "$(count 200 "$T/np1")/$s" "2/200"

burst 2 "$BASE/cgi-bin/nproc.pl?4" "$T/np2"
sleep 0.3
curl -s -D "$T/np.h" -o /dev/null "$BASE/cgi-bin/nproc.pl?0.1"
burst_wait
check "a script kept at its user's process limit is 503 with Retry-After, not 502" \
    sh -c "head -1 '$T/np.h' | grep -q ' 503' &&
    grep -qi '^Retry-After: ' '$T/np.h'"
check "... and a queue_full event, reason processes" \
    grep -q '"event":"queue_full".*"reason":"processes"' "$AUDIT"

done_testing
