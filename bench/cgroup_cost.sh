#!/bin/sh
# What joining a per-request cgroup costs (see cgroup_cost.c), for a
# dynamically and a statically linked hello.  As root, from the build
# directory:  sh ../bench/cgroup_cost.sh [-n N] [-r RUNS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
make -s bench/cgroup_cost
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
${CC:-cc} -O2 -o "$tmp/hello-dynamic" "$here/hello.c"
${CC:-cc} -O2 -static -o "$tmp/hello-static" "$here/hello.c"
for prog in "$tmp/hello-dynamic" "$tmp/hello-static"; do
	./bench/cgroup_cost "$@" "$prog"
done
