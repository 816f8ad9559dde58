#!/bin/sh
# The request as a boundary: one cgroup budget (memory, processes, CPU)
# for its whole process tree, its own IPC namespace, its own /tmp and
# /var/tmp; and the cgroups safecgi makes are gone when it stops.  Every
# promise is checked from outside the jail: the cgroup's own counters,
# the worker's IPC namespace, the script's mounts and files as the host
# sees them through /proc/PID, the process table.
. "${top_srcdir:-.}/tests/integration/lib.sh"

need_tools nsenter ipcs setpriv || exit 1

# A uid of its own (as in t_jail.sh): host processes of it are ours.
JAIL_UID=$((64000 + ($$ + 300) % 900))
while getent passwd "$JAIL_UID" >/dev/null || pgrep -U "$JAIL_UID" >/dev/null; do
	JAIL_UID=$((JAIL_UID + 1))
done
HOSTPIDS=
# holds 'CONDITION': for check, a condition of several commands
holds() { eval "$1"; }

install_test_scripts
write_test_profile
cat > "$T/profiles/boundary.conf" <<PROFILE
[profile]
name = boundary
match = $CGIBIN/hostile
[identity]
user = $JAIL_UID
group = $JAIL_UID
[limits]
timeout = 20
memory = 128M
processes = 32
cpu_quota = 100%
tmp = 8M
PROFILE

# POSIX queues: Landlock refuses a script's mq_open (EACCES: the queue is
# a file on no path of its rules), so they are reachable where Landlock
# is not applied, in complain mode.  The same script under such a profile.
cp "$CGIBIN/hostile" "$CGIBIN/hostile-mq"
cat > "$T/profiles/boundary-mq.conf" <<PROFILE
[profile]
name = boundary-mq
match = $CGIBIN/hostile-mq
mode = complain
[identity]
user = $JAIL_UID
group = $JAIL_UID
PROFILE

boundary_cleanup() {
	# shellcheck disable=SC2086
	[ -z "$HOSTPIDS" ] || kill $HOSTPIDS 2>/dev/null
	# shellcheck disable=SC2046
	[ -s "$T/holders" ] && kill $(cat "$T/holders") 2>/dev/null
	cleanup
}
trap boundary_cleanup EXIT

start_nginx
# one worker: "the next request" runs where the last one did
start_safecgi -c 1 --grace 2

# Where our subtree is, by its name in the startup log.
CGNAME=$(sed -n 's/.*cgroup: per-request.*beneath .*\/\(safecgi-[0-9a-f]*\).*/\1/p' "$ERRLOG" | head -n 1)
cg_dirs() {
	[ -n "$CGNAME" ] || return 0
	find /sys/fs/cgroup -maxdepth 6 -type d -name "$CGNAME" 2>/dev/null
}
MEMDIR=$(cg_dirs | grep '^/sys/fs/cgroup/memory/' | head -n 1)
[ -n "$MEMDIR" ] || MEMDIR=$(cg_dirs | grep -v '/memory/\|/pids/\|/cpu' | head -n 1)
check "safecgi creates its request cgroups beneath its own (${CGNAME:-none})" \
    [ -n "$CGNAME" -a -n "$MEMDIR" ]

# The subtree's peak memory: every request's leaf is charged to it.
mem_peak() {
	if [ -f "$MEMDIR/memory.max_usage_in_bytes" ]; then
		cat "$MEMDIR/memory.max_usage_in_bytes"
	else
		cat "$MEMDIR/memory.peak" 2>/dev/null || echo 0
	fi
}
mem_peak_reset() {
	[ -f "$MEMDIR/memory.max_usage_in_bytes" ] &&
	    echo 0 > "$MEMDIR/memory.max_usage_in_bytes"
	return 0
}

check "the startup event names the per-request budget" \
    holds 'grep "\"event\":\"startup\"" "$AUDIT" | grep -q "\"cgroup\":\"v[12]\""'

s=$(http_status "$BASE/cgi-bin/hostile?hold=0")
check "a request runs in its cgroup (HTTP $s)" [ "$s" = 200 ]

# ------------------------------------------------------------- memory

# 8 children of 100 MiB each, every one under the 128M per-process limit:
# 800 MiB without a budget for the whole request.
mem_peak_reset
audit_mark_n=$(wc -l < "$AUDIT")
s=$(http_status "$BASE/cgi-bin/hostile?forkmem=100")
peak=$(( $(mem_peak) / 1048576 ))
bl=$(head -n 1 "$T/body")
check "children each under the per-process limit are stopped at the request's memory budget (peak ${peak} MiB of 128, HTTP $s, '$bl')" \
    holds '[ "$peak" -gt 64 -a "$peak" -le 136 ] && ! grep -q "^ALLOWED" "$T/body"'
sleep 0.3
ev=$(tail -n +$((audit_mark_n + 1)) "$AUDIT" | grep '"event":"limit_hit"')
check "the memory budget ends the request with 500 and limit_hit memory (HTTP $s)" \
    holds '[ "$s" = 500 ] && printf "%s" "$ev" | grep -q "\"limit\":\"memory\""'

# ---------------------------------------------------------- processes

audit_mark_n=$(wc -l < "$AUDIT")
s=$(http_status "$BASE/cgi-bin/hostile?forkbomb")
sleep 0.3
ev=$(tail -n +$((audit_mark_n + 1)) "$AUDIT" | grep '"event":"limit_hit"')
check "a fork bomb ends its request with 500 and limit_hit processes (HTTP $s)" \
    holds '[ "$s" = 500 ] && printf "%s" "$ev" | grep -q "\"limit\":\"processes\""'

# One request holds its whole process budget (31 children and itself);
# another of the same profile and uid, beside it, forks 4.
curl -s -o "$T/full" --max-time 30 "$BASE/cgi-bin/hostile?forkn=31" &
full=$!
sleep 1
s=$(http_status "$BASE/cgi-bin/hostile?forkn=4")
bl=$(head -n 1 "$T/body")
wait "$full"
check "a request holding its whole process budget does not fail a concurrent one of the same user ('$bl', beside '$(head -n 1 "$T/full")')" \
    holds '[ "$s" = 200 ] && grep -q "^ALLOWED forkn 31 forks" "$T/full" &&
    [ "$bl" = "ALLOWED forkn 4 forks" ]'

# 40 processes of the same uid on the host, outside safecgi: more than
# the profile's processes = 32, which RLIMIT_NPROC would count.
i=0
while [ $i -lt 40 ]; do
	setpriv --reuid="$JAIL_UID" --regid="$JAIL_UID" --clear-groups sleep 60 &
	HOSTPIDS="$HOSTPIDS $!"
	i=$((i + 1))
done
sleep 0.5
s=$(http_status "$BASE/cgi-bin/hostile?forkn=4")
bl=$(head -n 1 "$T/body")
# shellcheck disable=SC2086
kill $HOSTPIDS 2>/dev/null
HOSTPIDS=
check "40 host processes of the same uid do not make a request fail (HTTP $s, '$bl')" \
    [ "$s" = 200 -a "$bl" = "ALLOWED forkn 4 forks" ]

# ---------------------------------------------------------------- CPU

# 400 ms of CPU alone, then beside a request spinning 8 children; the
# budget gives that request one CPU of the host's (nproc) at most.
# Without it, on two CPUs, the spinner gets 2 of 9 shares: 4-5 times its
# time alone (measured); with it, about its time alone, up to 2 times
# when other work on the machine takes the second CPU: 3 times is the
# line between the two.
spin_ms() {
	curl -s --max-time 30 "$BASE/cgi-bin/hostile?spin=400" |
	    sed -n 's/^ALLOWED spin [0-9]* ms CPU in \([0-9]*\) ms$/\1/p'
}
median3() { printf '%s\n%s\n%s\n' "$1" "$2" "$3" | sort -n | sed -n 2p; }
b=$(median3 "$(spin_ms)" "$(spin_ms)" "$(spin_ms)")
curl -s -o /dev/null --max-time 30 "$BASE/cgi-bin/hostile?cpuburn=8" &
burn=$!
sleep 1
l=$(median3 "$(spin_ms)" "$(spin_ms)" "$(spin_ms)")
wait "$burn"
check "CPU burners in one request leave another's latency near its baseline (${l:-?} ms beside them, ${b:-?} ms alone, $(nproc) CPUs)" \
    holds '[ -n "$b" -a -n "$l" ] && [ "$l" -le $((b * 3)) ]'

# ---------------------------------------------------------------- IPC

# SysV objects live in an IPC namespace: the worker's, unless the request
# has its own.  Left by one request, looked for from outside (the
# worker's namespace) and by the next request on the same worker.
KEY=$((0x5afe0000 + $$ % 65536))
s=$(http_status "$BASE/cgi-bin/hostile?ipc_leave=$KEY")
left=$(head -n 1 "$T/body")
worker=$(pgrep -P "$SAFECGI_PID" | head -n 1)
hexkey=$(printf '0x%08x' "$KEY")
seen=$(nsenter -t "$worker" --ipc ipcs -m -q 2>&1 | grep -ci "$hexkey")
check "shared memory and a message queue a request left are gone after it ($seen in the worker's IPC namespace; '$left')" \
    holds 'case $left in "ALLOWED ipc_leave"*) true ;; *) false ;; esac &&
    [ -n "$worker" ] && [ "$seen" = 0 ]'
s=$(http_status "$BASE/cgi-bin/hostile?ipc_find=$KEY")
bl=$(head -n 1 "$T/body")
check "the next request finds no IPC object the last one left ('$bl')" \
    holds 'case $bl in "BLOCKED ipc_find"*) true ;; *) false ;; esac'

# --------------------------------------------------------- /tmp, /var/tmp

# The pid of the running request whose query is $1, from the host (its
# command line is the script's, $2 or hostile; its environment carries
# the query).
script_pid() {
	i=0
	while [ $i -lt 50 ]; do
		for p in $(test_procs "${2:-$CGIBIN/hostile}"); do
			if tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null |
			    grep -qx "QUERY_STRING=$1"; then
				echo "$p"
				return 0
			fi
		done
		sleep 0.1
		i=$((i + 1))
	done
}
# What a running script's /tmp and /var/tmp hold, as the host sees them.
tmp_seen() {
	[ -n "$1" ] || { echo "(no such request)"; return 0; }
	echo $(ls -A "/proc/$1/root/tmp" 2>&1; ls -A "/proc/$1/root/var/tmp" 2>&1)
}

# One request leaves a file in each; the next, on the same (only)
# worker, is looked at from the host while it holds its own.
s=$(http_status "$BASE/cgi-bin/hostile?tmp_plant=left$$")
planted=$(head -n 1 "$T/body")
curl -s -o "$T/next" --max-time 30 "$BASE/cgi-bin/hostile?tmp_hold=next$$" &
next=$!
pid=$(script_pid "tmp_hold=next$$")
seen=$(tmp_seen "$pid")
caps=$(grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' "/proc/$pid/status" 2>/dev/null |
    awk '{ print $2 }' | sort -u)
# the script's mounts, IDs left out, against its spawner's (its parent):
# all the same but the slot's own /tmp and /var/tmp
mounts() {
	awk '{ $1 = $2 = $3 = ""; print }' "/proc/$1/mountinfo" 2>/dev/null
}
spawner=$(awk '$1 == "PPid:" { print $2 }' "/proc/$pid/status" 2>/dev/null)
mounts "$pid" | grep -v '^ *[^ ]* /\(var/\)\?tmp .* tmpfs tmpfs .*size=8192k' > "$T/m.script"
mounts "$spawner" > "$T/m.spawner"
slotmounts=$(mounts "$pid" | grep -c '^ *[^ ]* /\(var/\)\?tmp .* tmpfs tmpfs .*size=8192k')
# its descriptors, and how many its spawner holds beside them
scriptfds=$(ls "/proc/$pid/fd" 2>/dev/null | sort -n | tr '\n' ' ')
spawnerfds=$(ls "/proc/$spawner/fd" 2>/dev/null | wc -l)
spawnerlow=$(ls "/proc/$spawner/fd" 2>/dev/null | awk '$1 < 1024' | wc -l)
threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$spawner/status" 2>/dev/null)
wait "$next"
check "a running script holds fds 0, 1 and 2 only, of the $spawnerfds its spawner holds ($spawnerlow below 1024; ${scriptfds:-unread})" \
    [ "$scriptfds" = "0 1 2 " ]
# the child copies the spawner's descriptors below its own: the
# spawner keeps its slots', anchors' and rulesets' at 1024 and above
check "the spawner holds its long-lived descriptors at 1024 and above ($spawnerlow of $spawnerfds below)" \
    [ "${spawnerlow:-999}" -le 24 -a "${spawnerfds:-0}" -gt 24 ]
check "the spawner, whose descriptor table a request's child starts on, has one thread (${threads:-unread})" \
    [ "$threads" = 1 ]
check "a running script holds no capability in any set, after entering its slot (${caps:-unread})" \
    [ "$caps" = 0000000000000000 ]
check "a script's mounts are its spawner's but for its own /tmp and /var/tmp ($(wc -l < "$T/m.spawner") and $slotmounts slot mounts; $(diff "$T/m.spawner" "$T/m.script" | grep '^[<>]' | head -3 | tr '\n' ' '))" \
    holds '[ -s "$T/m.spawner" ] && [ "$slotmounts" = 2 ] &&
    diff -q "$T/m.spawner" "$T/m.script" >/dev/null'
check "a file one request left in /tmp and /var/tmp is not there for the next request on the same worker ('$planted'; the next one's, from the host: $seen)" \
    holds 'case $planted in "ALLOWED tmp_plant"*) true ;; *) false ;; esac &&
    [ "$seen" = "next$$ next$$" ]'

# Two at once, same profile and worker: a tmpfs each, each its own file.
curl -s -o /dev/null --max-time 30 "$BASE/cgi-bin/hostile?tmp_hold=one$$" &
one=$!
curl -s -o /dev/null --max-time 30 "$BASE/cgi-bin/hostile?tmp_hold=two$$" &
two=$!
p1=$(script_pid "tmp_hold=one$$")
p2=$(script_pid "tmp_hold=two$$")
d1=$(stat -c %d "/proc/$p1/root/tmp" 2>/dev/null)
d2=$(stat -c %d "/proc/$p2/root/tmp" 2>/dev/null)
v1=$(stat -c %d "/proc/$p1/root/var/tmp" 2>/dev/null)
v2=$(stat -c %d "/proc/$p2/root/var/tmp" 2>/dev/null)
s1=$(tmp_seen "$p1")
s2=$(tmp_seen "$p2")
wait "$one" "$two"
check "two concurrent requests of one worker have different /tmp and /var/tmp (devices $d1/$v1 and $d2/$v2) and each sees only its own file ($s1 | $s2)" \
    holds '[ -n "$d1" -a -n "$d2" -a -n "$v1" -a -n "$v2" ] &&
    [ "$d1" != "$d2" -a "$v1" != "$v2" -a "$d1" != "$v1" ] &&
    [ "$s1" = "one$$ one$$" -a "$s2" = "two$$ two$$" ]'

# ------------------------------------------------- a slot's IPC namespace

# Each slot has an IPC namespace made once, entered by its request and
# replaced only when a request used it.  Seen from the host through
# /proc/PID/ns/ipc of running scripts.
ipc_ns() { readlink "/proc/$1/ns/ipc" 2>/dev/null; }
# The IPC namespace of a request that holds for 4 s (and uses no IPC),
# of hostile or the script $2.  A namespace's inode number is given
# again once it is freed: a holder here keeps each one alive for the
# section, so an equal number means the same namespace.
held_ipc() {
	curl -s -o /dev/null --max-time 30 "$BASE/cgi-bin/${2:-hostile}?tmp_hold=$1" &
	h=$!
	hp=$(script_pid "tmp_hold=$1" "$CGIBIN/${2:-hostile}")
	sleep 120 < "/proc/$hp/ns/ipc" > /dev/null 2>&1 &
	echo $! >> "$T/holders"
	ipc_ns "$hp"
	wait "$h"
}

curl -s -o /dev/null --max-time 30 "$BASE/cgi-bin/hostile?tmp_hold=ione$$" &
one=$!
curl -s -o /dev/null --max-time 30 "$BASE/cgi-bin/hostile?tmp_hold=itwo$$" &
two=$!
p1=$(script_pid "tmp_hold=ione$$")
p2=$(script_pid "tmp_hold=itwo$$")
n1=$(ipc_ns "$p1")
n2=$(ipc_ns "$p2")
ns=$(ipc_ns "$(awk '$1 == "PPid:" { print $2 }' "/proc/$p1/status" 2>/dev/null)")
wait "$one" "$two"
check "two concurrent requests are in different IPC namespaces, neither the spawner's ($n1, $n2; spawner $ns)" \
    holds '[ -n "$n1" -a -n "$n2" -a -n "$ns" ] &&
    [ "$n1" != "$n2" -a "$n1" != "$ns" -a "$n2" != "$ns" ]'

na=$(held_ipc "ia$$")
nb=$(held_ipc "ib$$")
check "a request that used no IPC leaves the next on its slot the same IPC namespace, made once ($na, then $nb)" \
    holds '[ -n "$na" ] && [ "$na" = "$nb" ]'

s=$(http_status "$BASE/cgi-bin/hostile?ipc_churn")
churn=$(head -n 1 "$T/body")
nc=$(held_ipc "ic$$")
check "a request that made and removed a SysV object leaves the next a fresh IPC namespace ('$churn'; $nb, then $nc)" \
    holds 'case $churn in "ALLOWED ipc_churn"*) true ;; *) false ;; esac &&
    [ -n "$nc" ] && [ "$nc" != "$nb" ]'

# the POSIX queue's profile: a request that used nothing, then one that
# leaves a queue, then the next
nq0=$(held_ipc "iq0$$" hostile-mq)
nq1=$(held_ipc "iq1$$" hostile-mq)
s=$(http_status "$BASE/cgi-bin/hostile-mq?mq_leave=q$$")
mq=$(head -n 1 "$T/body")
nq2=$(held_ipc "iq2$$" hostile-mq)
check "a request that made a POSIX message queue leaves the next a fresh IPC namespace (complain mode; '$mq'; $nq0, $nq1, then $nq2)" \
    holds 'case $mq in "ALLOWED mq_leave"*) true ;; *) false ;; esac &&
    [ -n "$nq1" ] && [ "$nq0" = "$nq1" ] && [ "$nq2" != "$nq1" ]'

# 1 MiB of shared memory left behind, looked for by the host inside the
# next request's IPC namespace while it runs.
s=$(http_status "$BASE/cgi-bin/hostile?ipc_leave=$((KEY + 1))")
left=$(head -n 1 "$T/body")
curl -s -o /dev/null --max-time 30 "$BASE/cgi-bin/hostile?tmp_hold=ie$$" &
h=$!
pid=$(script_pid "tmp_hold=ie$$")
segs=$(nsenter -t "$pid" --ipc ipcs -m 2>&1 | awk '$1 ~ /^0x/ { n++ } END { print n + 0 }')
probe=$(nsenter -t "$pid" --ipc ipcs -m 2>&1 | head -n 2 | tr '\n' ' ')
wait "$h"
check "a 1 MiB shared memory segment one request left is not in the next request's IPC namespace ('$left'; $segs segments there; $probe)" \
    holds 'case $left in "ALLOWED ipc_leave"*) true ;; *) false ;; esac &&
    [ -n "$pid" ] && [ "$segs" = 0 ] &&
    case $probe in *"Shared Memory"*) true ;; *) false ;; esac'
# shellcheck disable=SC2046
kill $(cat "$T/holders") 2>/dev/null

# Bounded: the profile's tmp = 8M (below file_size, 16M), seen in the
# mount from the host while the script holds what it wrote, and charged
# to the request's leaf.  The last mount on /tmp is the one in effect.
curl -s -o "$T/fill" --max-time 30 "$BASE/cgi-bin/hostile?tmp_fill=12" &
fill=$!
pid=$(script_pid "tmp_fill=12")
sleep 1
mnt=$(awk '$5 == "/tmp" { print $NF }' "/proc/$pid/mountinfo" 2>/dev/null |
    tail -n 1)
leaf=$(sed -n 's/^[0-9]*:memory:\(.*\)$/\1/p' "/proc/$pid/cgroup" 2>/dev/null)
shmem=$(awk '$1 == "shmem" { print int($2 / 1048576) }' \
    "/sys/fs/cgroup/memory$leaf/memory.stat" 2>/dev/null)
wait "$fill"
bl=$(head -n 1 "$T/fill")
check "writing past tmp = 8M in /tmp fails with ENOSPC ('$bl')" \
    holds 'case $bl in "BLOCKED tmp_fill ENOSPC after "[78][0-9][0-9][0-9]" KiB") true ;; *) false ;; esac'
check "the host sees the request's /tmp mounted with size=8192k ($mnt)" \
    holds 'printf "%s" "$mnt" | grep -q "size=8192k"'
check "what a request writes to /tmp is charged to its own cgroup leaf (shmem ${shmem:-?} MiB in ${leaf:-?})" \
    holds '[ -n "$leaf" -a "$leaf" != / ] && [ "${shmem:-0}" -ge 7 ]'

# Left mode 000 in a directory mode 000, and in a sticky directory.
s=$(http_status "$BASE/cgi-bin/hostile?tmp_locked=lk$$")
locked=$(head -n 1 "$T/body")
curl -s -o /dev/null --max-time 30 "$BASE/cgi-bin/hostile?tmp_hold=after$$" &
after=$!
pid=$(script_pid "tmp_hold=after$$")
seen=$(tmp_seen "$pid")
wait "$after"
check "a file left mode 000 in a directory mode 000 (and in a sticky one) is gone for the next request ('$locked'; then: $seen)" \
    holds 'case $locked in "ALLOWED tmp_locked"*) true ;; *) false ;; esac &&
    [ "$seen" = "after$$ after$$" ]'

# The child enters its slot with a keyed setns; a script's is refused
# and on record.
audit_mark_n=$(wc -l < "$AUDIT")
s=$(http_status "$BASE/cgi-bin/hostile?setns_mnt")
bl=$(head -n 1 "$T/body")
sleep 0.3
ev=$(tail -n +$((audit_mark_n + 1)) "$AUDIT" | grep '"event":"syscall_blocked"' | grep '"syscall":"setns"')
check "a script's setns into a mount namespace is refused and recorded ('$bl')" \
    holds 'case $bl in "BLOCKED setns_mnt"*) true ;; *) false ;; esac &&
    [ -n "$ev" ]'

# --------------------------------------------------------------- stop

# TERM: the draining worker ends, then every cgroup made is removed.
curl -s -o /dev/null --max-time 30 "$BASE/cgi-bin/hostile?hold=30" &
hold=$!
sleep 0.5
kill -TERM "$SAFECGI_PID"
wait "$SAFECGI_PID"
SAFECGI_PID=
wait "$hold"
left=$(cg_dirs)
check "no cgroup is left after safecgi stops (TERM)" \
    holds '[ -n "$CGNAME" -a -n "$MEMDIR" ] && [ -z "$left" ]'
check "no process of a request is left after safecgi stops" \
    [ -z "$(test_procs "$CGIBIN/hostile")" ]

# A crash leaves the subtree behind; the next start removes it.
start_safecgi -c 1 --grace 2
curl -s -o /dev/null --max-time 30 "$BASE/cgi-bin/hostile?hold=30" &
hold=$!
sleep 0.5
kill -KILL "$SAFECGI_PID"
SAFECGI_PID=
wait "$hold"
sleep 0.5
stale=$(cg_dirs | wc -l)
start_safecgi -c 1 --grace 2
leaves=$(cg_dirs | while read -r d; do find "$d" -mindepth 1 -maxdepth 1 -type d; done | wc -l)
s=$(http_status "$BASE/cgi-bin/hostile?hold=0")
kill -TERM "$SAFECGI_PID"
wait "$SAFECGI_PID"
SAFECGI_PID=
left=$(cg_dirs)
check "after a crash ($stale stale dirs), the next start replaces them and its stop removes all (HTTP $s, $leaves leaves)" \
    [ "$stale" -gt 0 -a "$s" = 200 -a -z "$left" ]

# ------------------------------------------------------- without one

# Unprivileged, no cgroup is ours to write: refused, with the reason,
# unless accepted in so many words.
RL="$T/rootless"
mkdir -p "$RL"
chown "$JAIL_UID" "$RL"
setpriv --reuid="$JAIL_UID" --regid="$JAIL_UID" --clear-groups \
    "$SAFECGI" -s "unix:$RL/s.sock" --profile-dir "$T/profiles" \
    --error-log "$RL/err.log" 2>"$RL/stderr" &
rp=$!
i=0
while kill -0 "$rp" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$rp" 2>/dev/null; then kill -INT "$rp"; rc=running; else wait "$rp"; rc=$?; fi
check "without a cgroup it may use, safecgi refuses to start (69: a jail layer is unavailable) and says why (exit $rc: $(head -c 200 "$RL/stderr" "$RL/err.log" 2>/dev/null | tr '\n' ' '))" \
    holds '[ "$rc" = 69 ] && cat "$RL/stderr" "$RL/err.log" 2>/dev/null |
    tr "\n" " " | grep -q "no per-request budget.*--allow-missing cgroup"'

out=$(setpriv --reuid="$JAIL_UID" --regid="$JAIL_UID" --clear-groups \
    "$SAFECGI" -s "unix:$RL/s.sock" --profile-dir "$T/profiles" \
    --allow-missing cgroup --check 2>&1)
check "--check says when the budget is missing and accepted" \
    sh -c 'printf "%s" "$1" | grep -q "cgroup: MISSING, accepted by --allow-missing cgroup"' - "$out"

out=$("$SAFECGI" -s "unix:$RL/c.sock" --profile-dir "$T/profiles" --check 2>&1)
check "--check shows the per-request budget and each profile's" \
    sh -c 'printf "%s" "$1" | grep -q "cgroup: per-request memory, processes and CPU budget" &&
        printf "%s" "$1" | grep -q "cpu_quota = 100%"' - "$out"
check "--check shows each profile's /tmp size" \
    sh -c 'printf "%s" "$1" | grep -q "tmp = 8M"' - "$out"

echo "1..$TESTNO"
[ "$FAILED" -eq 0 ]
