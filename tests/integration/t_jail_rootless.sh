#!/bin/sh
# The whole jail suite again, with safecgi started by an unprivileged
# user: the worker's namespaces then belong to a user namespace of its
# own, and every escape attempt must fail the same way.
ROOTLESS=1
. "${top_srcdir:-.}/tests/integration/t_jail.sh"
