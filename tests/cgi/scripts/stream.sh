#!/bin/sh
# Output must reach the client while the script is still running.
printf 'Content-Type: text/plain\n\n'
echo first
sleep 3
echo second
