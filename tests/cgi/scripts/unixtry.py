#!/usr/bin/python3
# Connects to the unix socket named in the query and prints its greeting.
import os
import socket
import sys

from urllib.parse import unquote
path = unquote(os.environ.get("QUERY_STRING", ""))
sys.stdout.write("Content-Type: text/plain\r\n\r\n")
try:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    sys.stdout.write("connected: %s\n" % s.recv(64).decode())
except OSError as e:
    sys.stdout.write("refused: %s\n" % e.strerror)
