#!/usr/bin/python3
# Writes the query's number of bytes (default 4 MiB) to stderr in
# two-byte lines, as fast as it can, then answers.
import os
import sys

n = int(os.environ.get("QUERY_STRING") or str(4 << 20))
chunk = b"x\n" * 32768
err = sys.stderr.buffer
while n > 0:
    k = min(n, len(chunk))
    err.write(chunk[:k])
    n -= k
err.flush()
sys.stdout.write("Content-Type: text/plain\r\n\r\nflooded\n")
