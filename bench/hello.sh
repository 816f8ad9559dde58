#!/bin/sh
# The shell twin of hello.c: adds the cost of starting /bin/sh.
printf 'Content-Type: text/plain\n\nhello\n'
