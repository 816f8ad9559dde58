#!/bin/sh
# A report: sum a column with awk, the classic that answered 200 with
# broken output when awk was refused.  Every text tool of shell-cgi is
# used once; the result is only right when all of them ran.
printf 'Content-Type: text/plain\n\n'
t=$(mktemp)
printf 'b 20 x\na 10 y\nc 30 x\na 10 y\n' | sort | uniq | tee "$t" > /dev/null
total=$(awk '{ s += $2 } END { print s }' "$t")
lines=$(wc -l < "$t" | tr -d ' ')
firsts=$(cut -d' ' -f1 "$t" | head -n 3 | tail -n 2 | tr '\n' ',')
xs=$(grep -c ' x$' "$t")
upper=$(printf '%s' "$QUERY_STRING" | sed 's/name=//' | tr a-z A-Z)
echo "total=$total lines=$lines firsts=$firsts xs=$xs"
echo "twice=$(expr "$total" \* 2) name=$upper"
rm -f "$t"
