#!/bin/sh
# Double fork, setsid, sleep: a daemon trying to outlive its request.
( setsid sh -c 'sleep 419' & ) 
printf 'Content-Type: text/plain\n\ndaemonized\n'
