#!/usr/bin/python3
# A Python CGI reading its query string.
import os
import sys
from urllib.parse import parse_qsl

sys.stdout.write("Content-Type: text/plain; charset=utf-8\r\n\r\n")
for k, v in parse_qsl(os.environ.get("QUERY_STRING", ""), keep_blank_values=True):
    sys.stdout.write("%s=%s\n" % (k, v))
