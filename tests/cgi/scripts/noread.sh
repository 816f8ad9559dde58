#!/bin/sh
# Answers at once and exits without reading its request body, as a
# refused login, a 413 page or a redirect does.  The answer is
# QUERY_STRING KiB (100 when not given) of 128-byte lines: more than any
# socket buffer holds.
kib=${QUERY_STRING:-100}
printf 'Content-Type: text/plain\n\n'
line=$(printf '%0127d' 0)
i=0
while [ "$i" -lt $((kib * 8)) ]; do
	echo "$line"
	i=$((i + 1))
done
