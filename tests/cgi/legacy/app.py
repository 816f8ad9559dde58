#!/usr/bin/env python3
# A Python CGI started through env, reading its query string.
import os
import sys
from urllib.parse import parse_qsl

sys.stdout.write("Content-Type: text/plain; charset=utf-8\r\n\r\n")
q = dict(parse_qsl(os.environ.get("QUERY_STRING", "")))
sys.stdout.write("python app: name=%s\n" % q.get("name", ""))
