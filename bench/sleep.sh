#!/bin/bash
# A slow CGI script: waits one second, as one waiting on a database or a
# slow backend would, then answers.  safecgi's default profile lets a
# script run its interpreter and nothing else, so the wait cannot be
# /usr/bin/sleep, and it forks nothing either (a fork would count
# against the profile's process limit): read times out on the pipe bash
# makes for the here-string, reopened read-write through /dev/fd so that
# it never reaches end of file, reading up to a NUL that never comes.
read -r -t 1 -d '' <<<'' <>/dev/fd/0 || :
# slow.lua's send time (?t=N) goes back in X-Sent, digits only.
sent=${QUERY_STRING#t=}
[[ $sent =~ ^[0-9]{1,19}$ ]] || sent=
printf 'Content-Type: text/plain\n'
[ -z "$sent" ] || printf 'X-Sent: %s\n' "$sent"
printf '\nslept\n'
