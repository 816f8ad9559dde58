#!/usr/bin/env python3
"""A direct FastCGI client: what any process allowed on the socket can do.

Sends one FastCGI request (role RESPONDER, no body) with the params given
as NAME=VALUE arguments, and writes the application's stdout to stdout.
SOCKET is a unix socket's path or tcp:HOST:PORT; FCGI_SOURCE=ADDR in the
environment binds a TCP client to that source address first.  Exits 1
when the connection ends without a complete response.

A NAME=VALUE argument of the form NAME=@N repeats the letter a N times;
NAME*N=VALUE sends N params NAME_0 ... NAME_(N-1).

usage: fcgi_client.py SOCKET NAME=VALUE...
"""
import os
import socket
import struct
import sys

BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6


def record(rtype, content, req=1):
    pad = -len(content) % 8
    return (struct.pack(">BBHHBB", 1, rtype, req, len(content), pad, 0) +
            content + b"\0" * pad)


def length(n):
    return struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 1 << 31)


def main():
    path, pairs = sys.argv[1], sys.argv[2:]
    params = b""
    for p in pairs:
        name, _, value = p.encode().partition(b"=")
        if value.startswith(b"@"):
            value = b"a" * int(value[1:])
        names = [name]
        if b"*" in name:
            base, _, count = name.partition(b"*")
            names = [base + b"_%d" % i for i in range(int(count))]
        for n in names:
            params += length(len(n)) + length(len(value)) + n + value
    if path.startswith("tcp:"):
        host, _, port = path[4:].rpartition(":")
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if os.environ.get("FCGI_SOURCE"):
            s.bind((os.environ["FCGI_SOURCE"], 0))
        s.settimeout(30)
        s.connect((host, int(port)))
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect(path)
    msg = record(BEGIN, struct.pack(">HB5x", 1, 0))
    for i in range(0, len(params), 65535):
        msg += record(PARAMS, params[i:i + 65535])
    s.sendall(msg + record(PARAMS, b"") + record(STDIN, b""))
    buf, out = b"", b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            _, rtype, _, clen, pad, _ = struct.unpack(">BBHHBB", buf[:8])
            if len(buf) < 8 + clen + pad:
                break
            if rtype == STDOUT:
                out += buf[8:8 + clen]
            buf = buf[8 + clen + pad:]
            if rtype == END:
                sys.stdout.buffer.write(out)
                return 0
    sys.stdout.buffer.write(out)
    return 1


sys.exit(main())
