#!/bin/sh
# A router-style status page: a shell script named .cgi, the tools such
# pages call.  The test compares its output with the same commands run
# outside the jail, so each tool must really have run.
printf 'Content-Type: text/plain\n\n'
printf 'date=%s\n' "$(date -u +%Y)"
printf 'user=%s\n' "$(id -un)"
printf 'uid=%s\n' "$(id -u)"
h=$(hostname) && [ -n "$h" ] && echo host=ran
printf 'kernel=%s\n' "$(uname -s)"
sleep 0.1 && echo slept=yes
