#!/bin/bash
# Tries the network the way injected commands do: /dev/tcp, then curl.
printf 'Content-Type: text/plain\n\n'
if exec 3<>/dev/tcp/127.0.0.1/9; then echo "tcp: connected"; else echo "tcp: refused"; fi
if curl -s http://127.0.0.1:9/ >/dev/null 2>&1; then echo "curl: ran"; else echo "curl: refused"; fi
