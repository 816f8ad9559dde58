#!/bin/sh
# Sleeps for QUERY_STRING seconds (default 5), then answers.
printf 'Content-Type: text/plain\n\n'
sleep "${QUERY_STRING:-5}"
echo slept
