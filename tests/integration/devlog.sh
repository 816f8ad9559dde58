#!/bin/sh
# devlog.sh OUT: a syslog daemon of our own, for one mount namespace.
# Run inside a private one (unshare -m --propagation private): /dev is
# replaced by a copy of its usual nodes plus a /dev/log nobody else
# writes to, and every datagram sent there is written to OUT as Debian's
# rsyslog writes it (traditional file format, host "web1"), and as
# received to OUT.raw.  Runs until killed.
set -eu
out=$1
old=$(mktemp -d)
mount --rbind /dev "$old"
mount -t tmpfs -o mode=755,nosuid tmpfs /dev
for n in null zero full random urandom tty ptmx console; do
	touch "/dev/$n"
	mount --bind "$old/$n" "/dev/$n"
done
for d in shm pts; do
	mkdir "/dev/$d"
	mount --rbind "$old/$d" "/dev/$d"
done
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
: > "$out"
: > "$out.raw"
exec python3 - /dev/log "$out" web1 <<'PY'
# rsyslog's imuxsock + RSYSLOG_TraditionalFileFormat
import os, re, socket, sys
path, out, host = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(out, "a", buffering=1) as f, open(out + ".raw", "ab", buffering=0) as raw:
    while True:
        d = s.recv(65536)
        raw.write(d + b"\n")
        t = d.decode("utf-8", "replace")
        m = re.match(r"<\d+>(\w{3} [ \d]\d \d\d:\d\d:\d\d) (.*)", t, re.S)
        if m:
            f.write("%s %s %s\n" % (m.group(1), host, m.group(2).rstrip("\n")))
PY
