#!/bin/sh
# Runs into the timeout, before any output, with a grandchild of its own.
sh -c 'sleep 421' &
sleep 421
printf 'Content-Type: text/plain\n\nnever\n'
