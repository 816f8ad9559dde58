#!/usr/bin/env bash
# A bash script started through env: arrays, and sed.
printf 'Content-Type: text/plain\n\n'
words=(alpha beta gamma)
echo "count=${#words[@]} last=$(printf '%s\n' "${words[@]}" | sed -n '$p')"
