#!/bin/sh
# Runs into the timeout with a grandchild of its own.
printf 'Content-Type: text/plain\n\n'
sh -c 'sleep 421' &
sleep 421
