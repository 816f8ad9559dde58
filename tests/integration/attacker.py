#!/usr/bin/env python3
"""The loopback "attacker" for the jail tests and the hostile report.

Listens, on the HOST (outside safecgi's namespaces), on TCP 127.0.0.1:PORT,
TCP [::1]:PORT, UDP 127.0.0.1:PORT and the abstract unix socket @NAME, and
appends one line per connection or datagram to LOG.  TCP clients that speak
HTTP get a 200 whose body is PAYLOAD (a shell script: the "wget.sh" of the
DrayTek chain).  The chosen PORT is written to PORTFILE once everything
listens.  It exits on its own after LIFETIME seconds.

usage: attacker.py LOG PORTFILE NAME PAYLOAD LIFETIME
"""
import os
import selectors
import socket
import sys
import time

log_path, port_file, abstract, payload, lifetime = sys.argv[1:6]
deadline = time.monotonic() + float(lifetime)
log = open(log_path, "a", buffering=1)


def bind_all():
    for _ in range(50):
        socks = []
        try:
            t4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(t4)
            t4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            t4.bind(("127.0.0.1", 0))
            port = t4.getsockname()[1]
            u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            socks.append(u4)
            u4.bind(("127.0.0.1", port))
            t6 = None
            try:
                t6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                t6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                t6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                t6.bind(("::1", port))
                socks.append(t6)
            except OSError as e:
                if t6 is not None:
                    t6.close()
                if e.errno == 98:       # EADDRINUSE: another port
                    raise
                t6 = None               # no IPv6 on this host
            return port, t4, u4, t6
        except OSError:
            for s in socks:
                s.close()
    sys.exit("attacker: no free port")


port, t4, u4, t6 = bind_all()
ab = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
ab.bind("\0" + abstract)

sel = selectors.DefaultSelector()
for s, kind in ((t4, "tcp4"), (t6, "tcp6"), (ab, "unix")):
    if s is not None:
        s.listen(64)
        sel.register(s, selectors.EVENT_READ, kind)
sel.register(u4, selectors.EVENT_READ, "udp")

tmp = port_file + ".tmp"
with open(tmp, "w") as f:
    f.write("%d\n" % port)
os.rename(tmp, port_file)

body = payload.encode()
while time.monotonic() < deadline:
    for key, _ in sel.select(timeout=1.0):
        kind = key.data
        if kind == "udp":
            data, peer = u4.recvfrom(4096)
            log.write("udp %s %r\n" % (peer, data[:200]))
            continue
        conn, peer = key.fileobj.accept()
        conn.settimeout(2.0)
        try:
            data = conn.recv(4096)
        except OSError:
            data = b""
        first = data.split(b"\r\n", 1)[0].split(b"\n", 1)[0]
        log.write("%s %s %r\n" % (kind, peer, first[:200]))
        if data.startswith((b"GET ", b"POST ", b"HEAD ")):
            try:
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain"
                             b"\r\nContent-Length: %d\r\n\r\n" % len(body)
                             + body)
            except OSError:
                pass
        conn.close()
