#!/bin/sh
# Streams the request body back while it is still arriving.
printf 'Content-Type: application/octet-stream\r\n\r\n'
exec cat
