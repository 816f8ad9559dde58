#!/bin/sh
# Calls a program shell-cgi does not allow (gzip): under the shipped
# profile its output is broken; a local profile that extends shell-cgi
# and adds gzip fixes it.
printf 'Content-Type: text/plain\n\n'
printf 'hello\n' | gzip -c | gzip -dc
