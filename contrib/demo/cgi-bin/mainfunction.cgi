#!/bin/sh
# DELIBERATELY VULNERABLE, for the demo only: like the router firmware
# behind CVE-2024-12987, it hands part of the query to the shell.
printf 'Content-Type: text/plain\n\n'
session=${QUERY_STRING#*session=}
session=${session%%&*}
eval "echo checking session $session"
echo done
