#!/usr/bin/python3
# Makes N (the query, default 23) denied calls, a socket(AF_INET,
# SOCK_STREAM) every 20 ms, and prints how many were refused: the count
# the audit log must account for, event by event.
import os
import socket
import sys
import time

n = int(os.environ.get("QUERY_STRING") or "23")
refused = 0
for i in range(n):
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.close()
    except OSError:
        refused += 1
    time.sleep(0.02)
sys.stdout.write("Content-Type: text/plain\r\n\r\nrefused: %d\n" % refused)
