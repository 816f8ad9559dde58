#!/usr/bin/python3
# Writes the query's number of bytes (default 4 MiB) to stderr as fast
# as it can, in lines of two bytes, or of LEN bytes with BYTESxLEN, then
# answers.
import os
import sys

q = os.environ.get("QUERY_STRING") or str(4 << 20)
n, _, ln = q.partition("x")
n = int(n)
ln = int(ln or "2")
line = b"x" * (ln - 1) + b"\n"
chunk = line * max(1, 65536 // ln)
err = sys.stderr.buffer
while n > 0:
    k = min(n, len(chunk))
    err.write(chunk[:k])
    n -= k
err.flush()
sys.stdout.write("Content-Type: text/plain\r\n\r\nflooded\n")
