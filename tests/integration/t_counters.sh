#!/bin/sh
# Counters the kernel keeps per user, not per request: a request must not
# use up what host processes of the same uid (nginx, php-fpm, other
# daemons running as www-data) need, and they must not make a request
# fail.  Processes are counted per request by the cgroup (t_boundary);
# here, inotify instances (fs.inotify.max_user_instances, 128 by default,
# counted per uid across the host), seen from the host.
. "${top_srcdir:-.}/tests/integration/lib.sh"
need_tools /usr/bin/python3

# A uid of this test's own, as the shipped profiles' www-data would be
# shared with the host.
QUID=$((50000 + $$ % 10000))
MAX=$(cat /proc/sys/fs/inotify/max_user_instances)

# holds as many inotify instances as it can get (up to the host's
# per-user maximum and more), says how many, and keeps them a while
cat > "$T/inotify.py" <<'PY'
#!/usr/bin/python3
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
want = int(os.environ.get("QUERY_STRING") or 0)
# four processes: one alone stops at its descriptor limit
r, w = os.pipe()
for _ in range(4):
    if os.fork() == 0:
        n = 0
        while n < want and libc.inotify_init1(0) >= 0:
            n += 1
        os.write(w, b"%d\n" % n)
        time.sleep(3)
        os._exit(0)
os.close(w)
held = sum(int(x) for x in os.fdopen(r).read().split())
sys.stdout.write("Content-Type: text/plain\n\n%d\n" % held)
sys.stdout.flush()
time.sleep(3)
PY
install_script "$T/inotify.py" inotify.py
install_script "$top_srcdir/tests/cgi/scripts/fast.sh"
write_test_profile
cat > "$T/profiles/counters.conf" <<PROFILE
[profile]
name = counters
match = $CGIBIN/inotify.py
[identity]
user = $QUID
group = $QUID
PROFILE

start_nginx
start_safecgi -c 1

# host_inotify: can a host process of the test's uid make one?
host_inotify() {
	setpriv --reuid="$QUID" --regid="$QUID" --clear-groups /usr/bin/python3 -c '
import ctypes, sys
sys.exit(0 if ctypes.CDLL(None).inotify_init1(0) >= 0 else 1)'
}

check "a host process of the test's uid can make an inotify instance (baseline)" \
    host_inotify

want=$((MAX + 16))
curl -s -o "$T/held" --max-time 20 "$BASE/cgi-bin/inotify.py?$want" &
cpid=$!
sleep 1.5
check "while a request tries to hold $want inotify instances, a host process of the same uid can still make one" \
    host_inotify
wait $cpid
check "... the request holds none: inotify is refused in the jail (got $(tr '\n' ' ' < "$T/held"))" \
    [ "$(tail -n 1 "$T/held")" = 0 ]
check "... and the refusal is recorded as policy, not attack" \
    sh -c "grep '\"syscall\":\"inotify_init1\"' '$AUDIT' |
    grep -q '\"event\":\"syscall_blocked\",\"evidence\":\"policy\"'"

done_testing
