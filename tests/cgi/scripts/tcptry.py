#!/usr/bin/python3
# Connects to the host's 127.0.0.1:PORT named in the query (PORT, or
# PORT/LINE to send LINE and half-close) and prints what happened.
# Several connections at once with PORT*N: how many got a greeting.
import os
import socket
import sys
import time

from urllib.parse import unquote

query = unquote(os.environ.get("QUERY_STRING", ""))
sys.stdout.write("Content-Type: text/plain\r\n\r\n")
start = time.monotonic()


def elapsed():
    return "%d ms" % ((time.monotonic() - start) * 1000)


def connect(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    return s


def line(s):
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(256)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace").strip()


if "*" in query:
    port, n = query.split("*", 1)
    socks, greeted = [], 0
    for i in range(int(n)):
        try:
            socks.append(connect(int(port)))
        except OSError as e:
            sys.stdout.write("connect: %s\n" % e.strerror)
    for s in socks:
        try:
            if line(s).startswith("hello"):
                greeted += 1
        except OSError:
            pass
    sys.stdout.write("greeted: %d of %s\n" % (greeted, n))
    sys.exit(0)

port, _, send = query.partition("/")
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
except OSError as e:
    sys.stdout.write("socket: %s\n" % e.strerror)
    sys.exit(0)
s.settimeout(10)
try:
    s.connect(("127.0.0.1", int(port)))
except OSError as e:
    sys.stdout.write("connect: %s\n" % (e.strerror or e))
    sys.exit(0)
try:
    greeting = line(s)
    if not greeting:
        sys.stdout.write("closed: no greeting after %s\n" % elapsed())
        sys.exit(0)
    sys.stdout.write("greeting: %s\n" % greeting)
    if send:
        s.sendall(send.encode() + b"\n")
        s.shutdown(socket.SHUT_WR)
        sys.stdout.write("answer: %s\n" % line(s))
except OSError as e:
    sys.stdout.write("failed: %s after %s\n" % (e.strerror or e, elapsed()))
