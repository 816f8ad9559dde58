#!/bin/sh
echo "stderr-marker-7781" >&2
printf 'Content-Type: text/plain\n\nok\n'
